/*
** lua_coopsim.c: the coopsim module. luaopen_coopsim_core makes the
** internal core table from every binding area (lua_internal.h lists them);
** cs_lua_open_module runs the shipped scripts (scripts/coopsim.lua and the
** parts it loads, scripts/report.lua) on top of it in an environment of
** their own and hands out the module, read-only; with opts->lazy it runs
** them at the module's first read instead (a `coopsim run` of a file that
** never touches coopsim does not pay for them).
**
** Core functions report failures as (nil, message): the shipped Lua layer
** raises them at the scenario's line, so errors name the file and line.
*/
#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "embedded.h"
#include "coopsim/lua_coopsim.h"
#include "coopsim/lua_progress.h"
#include "coopsim/lua_report.h"
#include "coopsim/lua_rundb.h"
#include "coopsim/readfile.h"
#include "lua_internal.h"

int luaopen_coopsim_core(lua_State *L) {
  lua_newtable(L);
  cs_lua_registry_register(L);
  cs_lua_callback_register(L);
  cs_lua_keys_register(L);
  cs_lua_cooperation_register(L);
  cs_lua_result_register(L);
  cs_lua_values_register(L);
  cs_lua_analysis_register(L);
  cs_lua_rundb_register(L);
  cs_lua_set_str(L, "version", COOPSIM_VERSION);
  cs_lua_report_register(L);
  cs_lua_progress_register(L);
  cs_lua_compare_register(L);
  cs_lua_run_register(L);
  cs_lua_readonly_register(L);
  return 1;
}

/* The shipped scripts precompiled at build time (cmake/luac_dump.c). */
extern const struct cs_embedded_file cs_embedded_bytecode[];

int cs_lua_load_script(lua_State *L, const char *name) {
  char chunkname[128];
  snprintf(chunkname, sizeof chunkname, "=[coopsim]/%s", name);
  /* the precompiled chunk, made by this same Lua library; should it not
  ** load (a different library at run time), the text below */
  for (const struct cs_embedded_file *b = cs_embedded_bytecode; b->name; b++) {
    if (strcmp(b->name, name) != 0) continue;
    if (luaL_loadbufferx(L, (const char *)b->data, b->size, chunkname, "b") == LUA_OK) return LUA_OK;
    lua_pop(L, 1);
    break;
  }
  const struct cs_embedded_file *f = cs_embedded_find(name);
  if (!f) {
    lua_pushfstring(L, "shipped script %s is missing from this build", name);
    return LUA_ERRFILE;
  }
  return luaL_loadbufferx(L, (const char *)f->data, f->size, chunkname, "t");
}

/* A searcher for the shipped modules: require "coopsim.report" etc. */
static int preload_script(lua_State *L) {
  const char *name = luaL_checkstring(L, 1); /* "coopsim.report" */
  lua_getglobal(L, "coopsim");
  if (strcmp(name, "coopsim.report") == 0 && lua_istable(L, -1)) {
    lua_getfield(L, -1, "report");
    return 1;
  }
  return luaL_error(L, "no shipped module %s", name);
}

/* The globals coopsim's scripts use, taken as they are when the module is
** opened: a scenario that later replaces `pairs` or `string.format` changes
** nothing of coopsim's. */
static const char *const script_globals[] = {
    "assert", "error", "getmetatable", "ipairs", "next", "pairs", "pcall", "print",
    "rawequal", "rawget", "rawlen", "rawset", "select", "setmetatable", "tonumber",
    "tostring", "type", "xpcall", "_VERSION", "string", "table", "math", "utf8", "debug", NULL};

/* [-0, +1, m] The scripts' own environment. */
static void push_script_env(lua_State *L) {
  lua_createtable(L, 0, 24);
  for (const char *const *g = script_globals; *g; g++) {
    lua_getglobal(L, *g);
    lua_setfield(L, -2, *g);
  }
}

/* [-0, +1, e] Loads the shipped script `name` with env (at index env) as its _ENV. */
static void load_with_env(lua_State *L, const char *name, int env) {
  if (cs_lua_load_script(L, name) != LUA_OK) lua_error(L);
  lua_pushvalue(L, env);
  if (!lua_setupvalue(L, -2, 1)) lua_pop(L, 1);
}

/* part(name) -> the shipped script scripts/NAME as a function in the
** scripts' environment (upvalue 1): coopsim.lua loads its parts so. Only
** the parts of the API, by name; a missing one is an error. */
static int load_part(lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  if (strncmp(name, "coopsim_", 8) != 0) return luaL_error(L, "no shipped part %s", name);
  lua_settop(L, 1);
  load_with_env(L, name, lua_upvalueindex(1));
  return 1;
}

/* coopsim.read_file(path) -> text, for a module opened without a host's
** reader (a stock lua5.4's `require "coopsim"`: that host reads any file
** itself). */
static int read_file_plain(lua_State *L) {
  const char *path = cs_lua_check_text(L, 1);
  char **box = cs_lua_textbox(L);
  size_t len;
  cs_error err;
  *box = cs_read_file(path, &len, &err);
  if (!*box) return luaL_error(L, "cannot read \"%s\": %s", path, err.msg);
  lua_pushlstring(L, *box, len);
  free(*box);
  *box = NULL;
  return 1;
}

/* [-0, +0, e] Runs coopsim.lua and the parts it loads, with the scripts'
** environment at env and the core table at core, into the empty module
** table at m; then adds read_file (the function at rf). */
static void fill_module(lua_State *L, int env, int core, int m, int rf) {
  load_with_env(L, "coopsim.lua", env);
  lua_pushvalue(L, core);
  /* the report module, loaded directly so it works without package */
  load_with_env(L, "report.lua", env);
  lua_pushvalue(L, core);
  lua_call(L, 1, 1); /* report.lua(core) */
  lua_pushvalue(L, env);
  lua_pushcclosure(L, load_part, 1);
  lua_pushvalue(L, m);
  lua_call(L, 4, 0); /* coopsim.lua(core, report, part, M) fills M */
  lua_pushvalue(L, rf);
  lua_setfield(L, m, "read_file");
}

/* ---- the module filled at its first read (opts->lazy) -------------------
** The module table M starts empty with a metatable whose __index fills it
** (fill_module) and then answers; the read-only view of M gets a copy of
** the views' metatable whose __pairs fills M first. Once M is filled both
** metatables are taken away again (M has none; the view has the shared
** one), so from then on the module is exactly what an eager open makes.
** The shared state, upvalue 1 of both metamethods, is a table LAZY. */
#define LAZY_NOT_YET 0
#define LAZY_LOADING 1 /* the scripts' own reads of M see it as it is */
#define LAZY_DONE 2

/* LAZY's __close, when the fill ends: one that did not finish (an error,
** out of memory, a sandbox limit) leaves M to be filled by the next read.
** Setting an existing field does not allocate. */
static int lazy_close(lua_State *L) {
  lua_getfield(L, 1, "state");
  int state = (int)lua_tointeger(L, -1);
  if (state == LAZY_LOADING) {
    lua_pushinteger(L, LAZY_NOT_YET);
    lua_setfield(L, 1, "state");
  }
  return 0;
}

/* [-0, +0, e] Fills the module of the state table at lazy unless that is
** done or under way. An error in the fill propagates as it came (with its
** status and where it was raised). Returns the state it found. */
static int ensure_filled(lua_State *L, int lazy) {
  lazy = lua_absindex(L, lazy);
  lua_getfield(L, lazy, "state");
  int state = (int)lua_tointeger(L, -1);
  lua_pop(L, 1);
  if (state != LAZY_NOT_YET) return state;
  int top = lua_gettop(L);
  lua_pushinteger(L, LAZY_LOADING);
  lua_setfield(L, lazy, "state");
  lua_pushvalue(L, lazy);
  lua_toclose(L, -1); /* lazy_close, however the fill ends */
  lua_getfield(L, lazy, "env");
  luaopen_coopsim_core(L); /* made here too: its C registrations are part of the cost */
  lua_getfield(L, lazy, "M");
  lua_getfield(L, lazy, "read_file");
  fill_module(L, top + 2, top + 3, top + 4, top + 5);
  lua_pushinteger(L, LAZY_DONE);
  lua_setfield(L, lazy, "state");
  lua_pushnil(L);
  lua_setmetatable(L, top + 4); /* M: a plain table again */
  lua_getfield(L, lazy, "view");
  lua_getfield(L, lazy, "view_mt");
  lua_setmetatable(L, -2); /* the view: the shared metatable again */
  lua_closeslot(L, top + 1);
  lua_settop(L, top);
  return state;
}

/* M's __index(M, key) before it is filled: fills it, then M[key]. */
static int lazy_index(lua_State *L) {
  lua_settop(L, 2);
  if (ensure_filled(L, lua_upvalueindex(1)) == LAZY_LOADING) return 0; /* absent */
  lua_rawget(L, 1);
  return 1;
}

/* The view's __pairs before M is filled: fills it, then the views' own. */
static int lazy_pairs(lua_State *L) {
  lua_settop(L, 1);
  ensure_filled(L, lua_upvalueindex(1));
  lua_getfield(L, lua_upvalueindex(1), "view_mt");
  lua_getfield(L, -1, "__pairs");
  lua_pushvalue(L, 1);
  lua_call(L, 1, 3);
  return 3;
}

/* [-0, +1, m] The view of the empty module table at m, to be filled at its
** first read; env and rf as for fill_module (the core table is made then). */
static void push_lazy_module(lua_State *L, int env, int m, int rf) {
  lua_createtable(L, 0, 6); /* the state table */
  int lazy = lua_gettop(L);
  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, lazy_close);
  lua_setfield(L, -2, "__close");
  lua_setmetatable(L, lazy);
  lua_pushinteger(L, LAZY_NOT_YET);
  lua_setfield(L, lazy, "state");
  lua_pushvalue(L, env);
  lua_setfield(L, lazy, "env");
  lua_pushvalue(L, m);
  lua_setfield(L, lazy, "M");
  lua_pushvalue(L, rf);
  lua_setfield(L, lazy, "read_file");
  lua_createtable(L, 0, 1); /* M's metatable */
  lua_pushvalue(L, lazy);
  lua_pushcclosure(L, lazy_index, 1);
  lua_setfield(L, -2, "__index");
  lua_setmetatable(L, m);
  lua_newtable(L); /* the views' metatable, registered as the core table does */
  cs_lua_readonly_register(L);
  lua_pop(L, 1);
  cs_lua_readonly(L, m); /* the view */
  int view = lua_gettop(L);
  lua_pushvalue(L, view);
  lua_setfield(L, lazy, "view");
  lua_getmetatable(L, view); /* the views' shared metatable */
  lua_pushvalue(L, -1);
  lua_setfield(L, lazy, "view_mt");
  lua_createtable(L, 0, 8); /* its copy, for this view until M is filled */
  lua_pushnil(L);
  while (lua_next(L, -3)) {
    lua_pushvalue(L, -2);
    lua_insert(L, -2);
    lua_rawset(L, -4);
  }
  lua_pushvalue(L, lazy);
  lua_pushcclosure(L, lazy_pairs, 1);
  lua_setfield(L, -2, "__pairs");
  lua_setmetatable(L, view);
  lua_pop(L, 1); /* the shared metatable */
  lua_remove(L, lazy);
}

int cs_lua_open_module(lua_State *L, const cs_lua_module_opts *opts) {
  /* register the shipped helper modules in package.preload when present */
  if (lua_getglobal(L, "package") == LUA_TTABLE) {
    lua_getfield(L, -1, "preload");
    if (lua_istable(L, -1)) {
      lua_pushcfunction(L, preload_script);
      lua_setfield(L, -2, "coopsim.report");
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  /* the result limit, where a scenario cannot reach it */
  if (opts && opts->max_rows > 0) {
    lua_pushinteger(L, (lua_Integer)opts->max_rows);
    lua_setfield(L, LUA_REGISTRYINDEX, CS_LUA_MAX_ROWS_KEY);
  }
  push_script_env(L);
  int env = lua_gettop(L);
  lua_newtable(L); /* env + 1: the module */
  lua_pushcfunction(L, opts && opts->read_file ? opts->read_file : read_file_plain); /* env + 2 */
  if (opts && opts->lazy) {
    push_lazy_module(L, env, env + 1, env + 2);
  } else {
    luaopen_coopsim_core(L); /* env + 3 */
    fill_module(L, env, env + 3, env + 1, env + 2);
    cs_lua_readonly(L, env + 1);
  }
  lua_replace(L, env);
  lua_settop(L, env);
  return 1;
}

int luaopen_coopsim(lua_State *L) { return cs_lua_open_module(L, NULL); }
