#ifndef COOPSIM_LUA_RUNDB_H
#define COOPSIM_LUA_RUNDB_H
/*
** The run store's Lua binding (core/lua_rundb.c): what r:save(path) and
** cs.save(path, r0, r1, ...) in scripts/coopsim.lua call.
*/
#include <lua.h>

/* [-0, +0, m] Adds rundb_save to the table on top of the stack (the core
** table): rundb_save(path, json, file_or_nil) stores the result document
** `json` (coopsim.report.json of the runs) with the scenario file's text in
** the run store at path (created if missing) and returns the new run's
** number, or nil and a message naming the file and what failed. */
void cs_lua_rundb_register(lua_State *L);

#endif
