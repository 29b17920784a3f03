/*
** lua_rundb.c: core.rundb_save for r:save / cs.save (lua_rundb.h).
**
** Arguments are checked before anything is allocated; every failure frees
** what it holds and returns (nil, message), which the Lua layer raises at
** the scenario's line.
*/
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>
#include "coopsim/lua_coopsim.h"
#include "coopsim/lua_rundb.h"
#include "coopsim/readfile.h"
#include "coopsim/rundb.h"
#include "lua_internal.h"

/* The keys cs_lua_set_data_dir and cs_lua_set_db (lua_coopsim.c) use. */
#define DATA_DIR_KEY "coopsim.data_dir"
#define DB_KEY "coopsim.db"

static int rundb_save(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  const cs_doc *doc = cs_lua_check_doc(L, 2);
  const char *file = luaL_optstring(L, 3, NULL);
  lua_getfield(L, LUA_REGISTRYINDEX, DATA_DIR_KEY);
  lua_getfield(L, LUA_REGISTRYINDEX, DB_KEY);
  const char *data_dir = lua_tostring(L, -2), *registry_db = lua_tostring(L, -1);

  cs_error err = {0, ""};
  cs_rundb *db = NULL;
  char *registry = NULL, *text = NULL;
  size_t text_len = 0;
  int64_t id = 0;
  cs_rundb_options opt = CS_RUNDB_OPTIONS_INIT;
  opt.write = 1;
  int rc = 0;
  /* the scenario's bytes as they ran, when the host gave them
  ** (cs_lua_set_scenario), not a second read by name */
  size_t ran_len = 0;
  const char *ran = file ? cs_lua_scenario_text(L, file, &ran_len) : NULL;
  if (ran) {
    if (!(text = malloc(ran_len ? ran_len : 1))) rc = cs_error_set(&err, CS_ENOMEM, "out of memory");
    else memcpy(text, ran, ran_len), text_len = ran_len;
  } else if (file && !(text = cs_read_file(file, &text_len, &err))) {
    rc = CS_EIO;
  }
  if (!rc && !(registry = cs_rundb_registry_version(data_dir, registry_db, &err))) rc = CS_EIO;
  if (!rc) rc = cs_rundb_open(&db, path, &opt, &err);
  if (!rc) {
    cs_rundb_meta meta = {registry, file, text, text_len, NULL};
    rc = cs_rundb_save(db, doc, &meta, &id, &err);
  }
  cs_rundb_close(db);
  free(registry);
  free(text);
  lua_pop(L, 2);
  if (rc) {
    lua_pushnil(L);
    lua_pushstring(L, err.msg);
    return 2;
  }
  lua_pushinteger(L, (lua_Integer)id);
  return 1;
}

void cs_lua_rundb_register(lua_State *L) {
  lua_pushcfunction(L, rundb_save);
  lua_setfield(L, -2, "rundb_save");
}
