/*
** lua_readonly.c: read-only views of the tables coopsim hands to scenario
** files (the module, its keys, cooperations, scenarios and what analysis
** returns), so that a scenario decides only its inputs and cannot change
** coopsim's code or an object after it was checked.
**
** A view is an empty table with a shared, protected metatable: reading goes
** to the table behind it (through that table's own metatable, so methods
** work), and a table read through a view is handed out as a view of its
** own; assigning to a view is an error. `#`, `pairs`, `ipairs`, `tostring`
** work as on the table behind. The table behind is reachable only through
** core.raw, which only coopsim's own Lua has. Views are kept per table, so
** a table always has the same view.
*/
#include <lauxlib.h>
#include "coopsim/lua_coopsim.h"
#include "lua_internal.h"

#define VIEW_MT "coopsim.readonly"
#define TARGET_KEY "coopsim.readonly.target" /* view -> table (weak keys) */
#define VIEW_KEY "coopsim.readonly.view"     /* table -> view (weak keys) */

/* [-0, +1, m] A weak-keyed table in the registry under key. */
static void weak_table(lua_State *L, const char *key) {
  if (lua_getfield(L, LUA_REGISTRYINDEX, key) == LUA_TTABLE) return;
  lua_pop(L, 1);
  lua_newtable(L);
  lua_createtable(L, 0, 1);
  lua_pushliteral(L, "k");
  lua_setfield(L, -2, "__mode");
  lua_setmetatable(L, -2);
  lua_pushvalue(L, -1);
  lua_setfield(L, LUA_REGISTRYINDEX, key);
}

/* [-0, +1, m] The table behind the view at idx, or nil. */
static int push_target(lua_State *L, int idx) {
  idx = lua_absindex(L, idx);
  weak_table(L, TARGET_KEY);
  lua_pushvalue(L, idx);
  lua_rawget(L, -2);
  lua_remove(L, -2);
  return lua_type(L, -1);
}

void cs_lua_readonly(lua_State *L, int idx) {
  idx = lua_absindex(L, idx);
  if (lua_type(L, idx) != LUA_TTABLE) {
    lua_pushvalue(L, idx);
    return;
  }
  if (push_target(L, idx) == LUA_TTABLE) { /* already a view */
    lua_pop(L, 1);
    lua_pushvalue(L, idx);
    return;
  }
  lua_pop(L, 1);
  weak_table(L, VIEW_KEY);
  lua_pushvalue(L, idx);
  if (lua_rawget(L, -2) == LUA_TTABLE) {
    lua_remove(L, -2);
    return;
  }
  lua_pop(L, 1);
  lua_newtable(L); /* the view */
  luaL_setmetatable(L, VIEW_MT);
  lua_pushvalue(L, idx);
  lua_pushvalue(L, -2);
  lua_rawset(L, -4); /* VIEW[table] = view */
  lua_remove(L, -2);
  weak_table(L, TARGET_KEY);
  lua_pushvalue(L, -2);
  lua_pushvalue(L, idx);
  lua_rawset(L, -3); /* TARGET[view] = table */
  lua_pop(L, 1);
}

int cs_lua_is_view(lua_State *L, int idx) {
  if (lua_type(L, idx) != LUA_TTABLE) return 0;
  int is = push_target(L, idx) == LUA_TTABLE;
  lua_pop(L, 1);
  return is;
}

void cs_lua_raw(lua_State *L, int idx) {
  idx = lua_absindex(L, idx);
  if (lua_type(L, idx) == LUA_TTABLE && push_target(L, idx) == LUA_TTABLE) return;
  if (lua_type(L, idx) == LUA_TTABLE) lua_pop(L, 1);
  lua_pushvalue(L, idx);
}

/* The view at 1; its table pushed (raises if it is not a view). */
static void check_view(lua_State *L) {
  if (push_target(L, 1) != LUA_TTABLE) luaL_error(L, "not a coopsim object");
}

static int v_index(lua_State *L) {
  check_view(L); /* 3 */
  lua_pushvalue(L, 2);
  lua_gettable(L, 3);
  if (lua_type(L, -1) == LUA_TTABLE) cs_lua_readonly(L, -1);
  return 1;
}

/* luaL_error names the line that assigned (the caller of this metamethod) */
static int v_newindex(lua_State *L) {
  if (lua_type(L, 2) == LUA_TSTRING)
    return luaL_error(L, "cannot set \"%s\": coopsim's tables and objects are read-only "
                         "(change a scenario by its methods, e.g. s:set, s:withdraw)",
                      lua_tostring(L, 2));
  return luaL_error(L, "cannot change coopsim's tables and objects: they are read-only");
}

static int v_len(lua_State *L) {
  check_view(L);
  lua_len(L, -1);
  return 1;
}

/* next over the table behind, values handed out as views */
static int v_next(lua_State *L) {
  lua_settop(L, 2);
  check_view(L); /* 3 */
  lua_pushvalue(L, 2);
  if (!lua_next(L, 3)) {
    lua_pushnil(L);
    return 1;
  }
  if (lua_type(L, -1) == LUA_TTABLE) {
    cs_lua_readonly(L, -1);
    lua_remove(L, -2);
  }
  return 2;
}

static int v_pairs(lua_State *L) {
  check_view(L);
  lua_pop(L, 1);
  lua_pushcfunction(L, v_next);
  lua_pushvalue(L, 1);
  lua_pushnil(L);
  return 3;
}

static int v_tostring(lua_State *L) {
  check_view(L);
  luaL_tolstring(L, -1, NULL);
  return 1;
}

static int v_call(lua_State *L) {
  check_view(L);
  lua_replace(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

/* core.readonly(t) -> the view of t (t itself when not a table) */
static int l_readonly(lua_State *L) {
  lua_settop(L, 1);
  cs_lua_readonly(L, 1);
  return 1;
}

/* core.raw(v) -> the table behind the view v (v itself when not a view) */
static int l_raw(lua_State *L) {
  lua_settop(L, 1);
  cs_lua_raw(L, 1);
  return 1;
}

void cs_lua_readonly_register(lua_State *L) {
  if (luaL_newmetatable(L, VIEW_MT)) {
    static const luaL_Reg meta[] = {{"__index", v_index},   {"__newindex", v_newindex},
                                    {"__len", v_len},       {"__pairs", v_pairs},
                                    {"__tostring", v_tostring}, {"__call", v_call},
                                    {NULL, NULL}};
    luaL_setfuncs(L, meta, 0);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
  }
  lua_pop(L, 1);
  lua_pushcfunction(L, l_readonly);
  lua_setfield(L, -2, "readonly");
  lua_pushcfunction(L, l_raw);
  lua_setfield(L, -2, "raw");
}
