#ifndef COOPSIM_LUA_COOPSIM_H
#define COOPSIM_LUA_COOPSIM_H
/*
** Lua bindings. luaopen_coopsim loads the shipped Lua API (scripts/, embedded)
** on top of the C core and returns the `coopsim` module table; it is also the
** entry point of the loadable module for a stock lua5.4 (`require "coopsim"`).
*/
#include <lua.h>

/* [-0, +1, e] Pushes the coopsim module. */
int luaopen_coopsim(lua_State *L);

/* [-0, +1, e] Pushes the internal core table (used by the shipped scripts). */
int luaopen_coopsim_core(lua_State *L);

/* Uses the registry CSVs in dir instead of the embedded one for every
** coopsim module opened in L afterwards (NULL: embedded). */
void cs_lua_set_data_dir(lua_State *L, const char *dir);

/* The same for a registry stored in an SQLite database (`--db FILE`). */
void cs_lua_set_db(lua_State *L, const char *path);

/* [-0, +1, m] Loads the embedded script `name` (e.g. "coopsim.lua") as a
** chunk named "=[coopsim]/name". Returns a lua_load status. */
int cs_lua_load_script(lua_State *L, const char *name);

#endif
