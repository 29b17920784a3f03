#ifndef COOPSIM_LUA_RUNDB_H
#define COOPSIM_LUA_RUNDB_H
/*
** The run store's Lua binding (core/lua_rundb.c): what r:save(path) and
** cs.save(path, r0, r1, ...) in scripts/coopsim.lua call.
*/
#include <lua.h>

/* [-0, +0, m] Adds rundb_save to the table on top of the stack (the core
** table): rundb_save(path, doc, file_or_nil) stores the result document
** `doc` (core.doc of the runs, built in C) with the scenario file's text in
** the run store at path (created if missing) and returns the new run's
** number, or nil and a message naming the file and what failed. */
void cs_lua_rundb_register(lua_State *L);

#endif
