#ifndef COOPSIM_LUA_INTERNAL_H
#define COOPSIM_LUA_INTERNAL_H
/* What the Lua binding files (core/lua_*.c) share, internal to core/. */
#include <lua.h>
#include "coopsim/registry.h"
#include "coopsim/simulate.h"

/* [-0, +0, v] The result in the userdata at idx (a run's cooperation);
** raises a Lua error when it is not one. */
const cs_result *cs_lua_check_result(lua_State *L, int idx);

/* [-0, +0, e] The state's registry, loaded on first use. */
const cs_registry *cs_lua_registry(lua_State *L);

/* [-0, +0, m] Adds compare to the core table on top of the stack (lua_compare.c). */
void cs_lua_compare_register(lua_State *L);

#endif
