/*
** lua_confine.c: a sandboxed state's worker, confined once what it loads
** lazily is loaded (lua_confine.h).
*/
#include <lauxlib.h>
#include "coopsim/lua_confine.h"
#include "lua_internal.h"

/* [-0, +0, e] The registry, opened now rather than at the scenario's first
** municipality when it comes from files (--data-dir, --registry-db: the
** keys of lua_registry.c), which the confined worker may not read. The
** built-in registry is in the binary's memory and stays lazy, as in a
** trusted run: a file that asks for no municipality does not parse it
** (2-3 ms of every sandboxed start). */
static int open_lazy(lua_State *L) {
  int from_files = lua_getfield(L, LUA_REGISTRYINDEX, "coopsim.data_dir") != LUA_TNIL;
  if (lua_getfield(L, LUA_REGISTRYINDEX, "coopsim.db") != LUA_TNIL) from_files = 1;
  lua_pop(L, 2);
  if (from_files) cs_lua_registry(L);
  return 0;
}

int cs_lua_confine(lua_State *L, const cs_confine_opts *opts, cs_confine_status *status,
                   cs_error *err) {
  lua_pushcfunction(L, open_lazy);
  if (lua_pcall(L, 0, 0, 0) != LUA_OK) {
    const char *msg = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "(not text)";
    cs_error_set(err, CS_ERROR, "%s", msg);
    lua_pop(L, 1);
    return CS_ERROR;
  }
  return cs_confine(opts, status, err);
}
