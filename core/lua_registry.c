/*
** lua_registry.c: the municipality registry for the scripts -- one per Lua
** state, opened on first use -- and what they ask of it: municipalities by
** code or name, populations of territories, successors, changes, sources.
** Failures come back as (nil, message): the scripts raise them at the
** scenario's line.
*/
#include <lauxlib.h>
#include <stdio.h>
#include <string.h>
#include "coopsim/lua_coopsim.h"
#include "lua_internal.h"

#define REGISTRY_MT "coopsim.registry"
#define DATA_DIR_KEY "coopsim.data_dir"
#define DB_KEY "coopsim.db"

typedef struct regbox {
  cs_registry *reg;
} regbox;

static int regbox_gc(lua_State *L) {
  regbox *b = luaL_checkudata(L, 1, REGISTRY_MT);
  cs_registry_free(b->reg);
  b->reg = NULL;
  return 0;
}

void cs_lua_set_data_dir(lua_State *L, const char *dir) {
  if (dir) lua_pushstring(L, dir);
  else lua_pushnil(L);
  lua_setfield(L, LUA_REGISTRYINDEX, DATA_DIR_KEY);
}

void cs_lua_set_db(lua_State *L, const char *path) {
  if (path) lua_pushstring(L, path);
  else lua_pushnil(L);
  lua_setfield(L, LUA_REGISTRYINDEX, DB_KEY);
}

const cs_registry *cs_lua_registry(lua_State *L) {
  if (lua_getfield(L, LUA_REGISTRYINDEX, REGISTRY_MT ".instance") == LUA_TUSERDATA) {
    regbox *b = lua_touserdata(L, -1);
    lua_pop(L, 1);
    return b->reg;
  }
  lua_pop(L, 1);
  regbox *b = lua_newuserdatauv(L, sizeof *b, 0);
  b->reg = NULL;
  luaL_setmetatable(L, REGISTRY_MT);
  cs_error err = {0, ""};
  int rc;
  lua_getfield(L, LUA_REGISTRYINDEX, DATA_DIR_KEY);
  lua_getfield(L, LUA_REGISTRYINDEX, DB_KEY);
  const char *dir = lua_tostring(L, -2), *db = lua_tostring(L, -1);
  if (db) rc = cs_registry_open_db(&b->reg, db, &err);
  else if (dir) rc = cs_registry_open_dir(&b->reg, dir, &err);
  else rc = cs_registry_open_embedded(&b->reg, &err);
  lua_pop(L, 2);
  if (rc) luaL_error(L, "cannot open the municipality registry: %s", err.msg);
  lua_setfield(L, LUA_REGISTRYINDEX, REGISTRY_MT ".instance");
  return b->reg;
}

static void push_muni(lua_State *L, const cs_municipality *m) {
  char d[11];
  lua_createtable(L, 0, 7);
  cs_lua_set_str(L, "code", m->code);
  cs_lua_set_str(L, "name", m->name);
  cs_lua_set_str(L, "county", m->county);
  cs_lua_set_str(L, "county_code", m->county_code);
  cs_lua_set_str(L, "valid_from", cs_date_format(m->valid_from, d));
  if (m->valid_to.year < 9999) {
    cs_lua_set_str(L, "valid_to", cs_date_format(cs_date_add_days(m->valid_to, -1), d));
  }
}

/* find(code_or_name [, date]) -> municipality | nil, message, kind: at the
** date, or without one the latest period of the code or name */
static int l_find(lua_State *L) {
  const char *what = cs_lua_check_text(L, 1);
  const cs_registry *reg = cs_lua_registry(L);
  const cs_municipality *m;
  cs_error err = {0, ""};
  int rc = lua_isnoneornil(L, 2) ? cs_registry_find_latest(reg, what, &m, &err)
                                 : cs_registry_find(reg, what, cs_lua_check_date(L, 2), &m, &err);
  if (rc) {
    lua_pushnil(L);
    lua_pushstring(L, err.msg);
    lua_pushstring(L, rc == CS_EAMBIGUOUS ? "ambiguous" : "notfound");
    return 3;
  }
  push_muni(L, m);
  return 1;
}

/* population_of(code, date, year [, frozen]) -> n, source | nil, message:
** the population on 1 January of year of code's territory as on date;
** frozen: also for a later year after it merged (a proxy, no_reform's rule).
** source is "registry", "predecessors" or "proxy". */
static int l_population_of(lua_State *L) {
  const char *code = luaL_checkstring(L, 1);
  cs_date at = cs_lua_check_date(L, 2);
  int year = (int)luaL_checkinteger(L, 3);
  int frozen = lua_toboolean(L, 4);
  int64_t pop;
  cs_pop_origin origin = CS_ORIGIN_OWN;
  cs_error err = {0, ""};
  const cs_registry *reg = cs_lua_registry(L);
  if (frozen ? cs_registry_population_frozen(reg, code, at, year, &pop, &origin, &err)
             : cs_registry_population_of(reg, code, at, year, &pop, &origin, &err))
    return cs_lua_fail(L, &err);
  static const char *const names[] = {"registry", "predecessors", "proxy"};
  lua_pushinteger(L, pop);
  lua_pushstring(L, names[origin]);
  return 2;
}

/* successor(code, from, to) -> code | nil, message */
static int l_successor(lua_State *L) {
  const char *code = luaL_checkstring(L, 1);
  cs_date from = cs_lua_check_date(L, 2), to = cs_lua_check_date(L, 3);
  char out[5];
  cs_error err = {0, ""};
  if (cs_registry_successor(cs_lua_registry(L), code, from, to, out, &err)) return cs_lua_fail(L, &err);
  lua_pushstring(L, out);
  return 1;
}

/* successors(code, from, to) -> { code, ... }: every code holding part of
** code's territory (as on from) on to | nil, message */
static int l_successors(lua_State *L) {
  const char *code = luaL_checkstring(L, 1);
  cs_date from = cs_lua_check_date(L, 2), to = cs_lua_check_date(L, 3);
  char out[16][5];
  size_t n = 0;
  cs_error err = {0, ""};
  if (cs_registry_successors(cs_lua_registry(L), code, from, to, out, 16, &n, NULL, NULL, &err))
    return cs_lua_fail(L, &err);
  lua_createtable(L, (int)n, 0);
  for (size_t i = 0; i < n; i++) {
    lua_pushstring(L, out[i]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

/* names(date) -> { "Rana - Raane", ... } for completion */
static int l_names(lua_State *L) {
  const cs_municipality *all;
  size_t n = cs_registry_all(cs_lua_registry(L), &all);
  int with_date = !lua_isnoneornil(L, 1);
  cs_date at = with_date ? cs_lua_check_date(L, 1) : cs_date_jan1(1);
  lua_createtable(L, (int)n, 0);
  int k = 0;
  for (size_t i = 0; i < n; i++) {
    if (with_date && (cs_date_cmp(all[i].valid_from, at) > 0 || cs_date_cmp(at, all[i].valid_to) >= 0))
      continue;
    push_muni(L, &all[i]);
    lua_rawseti(L, -2, ++k);
  }
  return 1;
}

/* changes(year|nil) -> { {date=, old_code=, ...}, ... } */
static int l_changes(lua_State *L) {
  const cs_change *ch;
  size_t n = cs_registry_changes(cs_lua_registry(L), &ch);
  lua_Integer year = luaL_optinteger(L, 1, 0);
  lua_newtable(L);
  int k = 0;
  char d[11];
  for (size_t i = 0; i < n; i++) {
    if (year && ch[i].date.year != year) continue;
    lua_createtable(L, 0, 5);
    cs_lua_set_str(L, "date", cs_date_format(ch[i].date, d));
    cs_lua_set_str(L, "old_code", ch[i].old_code);
    cs_lua_set_str(L, "old_name", ch[i].old_name);
    cs_lua_set_str(L, "new_code", ch[i].new_code);
    cs_lua_set_str(L, "new_name", ch[i].new_name);
    lua_rawseti(L, -2, ++k);
  }
  return 1;
}

/* population_years() -> first, last */
static int l_population_years(lua_State *L) {
  int first, last;
  cs_registry_population_years(cs_lua_registry(L), &first, &last);
  lua_pushinteger(L, first);
  lua_pushinteger(L, last);
  return 2;
}

static int l_sources(lua_State *L) {
  lua_pushstring(L, cs_registry_sources(cs_lua_registry(L)));
  return 1;
}

void cs_lua_registry_register(lua_State *L) {
  if (luaL_newmetatable(L, REGISTRY_MT)) {
    lua_pushcfunction(L, regbox_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushboolean(L, 0); /* getmetatable gives a scenario nothing to change */
    lua_setfield(L, -2, "__metatable");
  }
  lua_pop(L, 1);
  static const luaL_Reg funcs[] = {
      {"find", l_find},           {"population_of", l_population_of},
      {"successor", l_successor}, {"successors", l_successors},
      {"names", l_names},         {"changes", l_changes},
      {"sources", l_sources},     {"population_years", l_population_years},
      {NULL, NULL}};
  luaL_setfuncs(L, funcs, 0);
}

