/*
** lua_coopsim.c: the coopsim module. luaopen_coopsim_core makes the
** internal core table from every binding area (lua_internal.h lists them);
** cs_lua_open_module runs the shipped scripts (scripts/coopsim.lua and the
** parts it loads, scripts/report.lua) on top of it in an environment of
** their own and hands out the module, read-only.
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
  load_with_env(L, "coopsim.lua", env);
  luaopen_coopsim_core(L);
  /* the report module, loaded directly so it works without package */
  load_with_env(L, "report.lua", env);
  lua_pushvalue(L, env + 2); /* report.lua(core) */
  lua_call(L, 1, 1);
  lua_pushvalue(L, env);
  lua_pushcclosure(L, load_part, 1);
  lua_call(L, 3, 1); /* coopsim.lua(core, report, part) returns the module */
  lua_pushcfunction(L, opts && opts->read_file ? opts->read_file : read_file_plain);
  lua_setfield(L, -2, "read_file");
  cs_lua_readonly(L, -1);
  lua_replace(L, env);
  lua_settop(L, env);
  return 1;
}

int luaopen_coopsim(lua_State *L) { return cs_lua_open_module(L, NULL); }
