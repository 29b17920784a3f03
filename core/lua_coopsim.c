/*
** lua_coopsim.c: the C core as the internal Lua table `coopsim.core`, and
** luaopen_coopsim, which runs the shipped scripts/coopsim.lua on top of it.
**
** Core functions report failures as (nil, message): the shipped Lua layer
** raises them at the scenario's line, so errors name the file and line.
*/
#define _POSIX_C_SOURCE 200809L /* clock_gettime for the Monte Carlo timing */
#include <lauxlib.h>
#include <lualib.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include "embedded.h"
#include "coopsim/coop.h"
#include "coopsim/explain.h"
#include "coopsim/lua_coopsim.h"
#include "lua_internal.h"
#include "coopsim/lua_progress.h"
#include "coopsim/lua_report.h"
#include "coopsim/lua_rundb.h"
#include "coopsim/progress.h"
#include "coopsim/montecarlo.h"
#include "coopsim/registry.h"
#include "coopsim/simulate.h"
#include "coopsim/simulate_many.h"
#include "coopsim/text.h"

#define REGISTRY_MT "coopsim.registry"
#define COOP_MT "coopsim.coopbox"
#define RESULT_MT "coopsim.result"
#define DATA_DIR_KEY "coopsim.data_dir"
#define DB_KEY "coopsim.db"

/* [-0, +0, m] t[k] = v for the table on top of the stack. */
static void set_str(lua_State *L, const char *k, const char *v) {
  lua_pushstring(L, v);
  lua_setfield(L, -2, k);
}

static void set_int(lua_State *L, const char *k, lua_Integer v) {
  lua_pushinteger(L, v);
  lua_setfield(L, -2, k);
}

static void set_bool(lua_State *L, const char *k, int v) {
  lua_pushboolean(L, v);
  lua_setfield(L, -2, k);
}

/* ---- the registry, one per Lua state ----------------------------------- */

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

/* [-0, +0, e] The state's registry, opened on first use. */
static const cs_registry *get_registry(lua_State *L) {
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

static int fail(lua_State *L, const cs_error *err) {
  lua_pushnil(L);
  lua_pushstring(L, err->msg);
  return 2;
}

/* [-0, +0, v] The string argument at idx, which must not hold a NUL byte
** (C would read only the text before it: "2023-01-01\0junk" is no date). */
static const char *check_text(lua_State *L, int idx) {
  size_t len;
  const char *s = luaL_checklstring(L, idx, &len);
  if (strlen(s) != len) luaL_argerror(L, idx, "the text holds a NUL byte");
  return s;
}

static cs_date check_date(lua_State *L, int idx) {
  const char *s = check_text(L, idx);
  cs_date d;
  cs_error err;
  if (cs_date_parse(&d, s, &err)) luaL_error(L, "%s", err.msg);
  return d;
}

static void push_muni(lua_State *L, const cs_municipality *m) {
  char d[11];
  lua_createtable(L, 0, 7);
  set_str(L, "code", m->code);
  set_str(L, "name", m->name);
  set_str(L, "county", m->county);
  set_str(L, "county_code", m->county_code);
  set_str(L, "valid_from", cs_date_format(m->valid_from, d));
  if (m->valid_to.year < 9999) {
    set_str(L, "valid_to", cs_date_format(cs_date_add_days(m->valid_to, -1), d));
  }
}

/* find(code_or_name [, date]) -> municipality | nil, message, kind: at the
** date, or without one the latest period of the code or name */
static int l_find(lua_State *L) {
  const char *what = check_text(L, 1);
  const cs_registry *reg = get_registry(L);
  const cs_municipality *m;
  cs_error err = {0, ""};
  int rc = lua_isnoneornil(L, 2) ? cs_registry_find_latest(reg, what, &m, &err)
                                 : cs_registry_find(reg, what, check_date(L, 2), &m, &err);
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
  cs_date at = check_date(L, 2);
  int year = (int)luaL_checkinteger(L, 3);
  int frozen = lua_toboolean(L, 4);
  int64_t pop;
  cs_pop_origin origin = CS_ORIGIN_OWN;
  cs_error err = {0, ""};
  const cs_registry *reg = get_registry(L);
  if (frozen ? cs_registry_population_frozen(reg, code, at, year, &pop, &origin, &err)
             : cs_registry_population_of(reg, code, at, year, &pop, &origin, &err))
    return fail(L, &err);
  static const char *const names[] = {"registry", "predecessors", "proxy"};
  lua_pushinteger(L, pop);
  lua_pushstring(L, names[origin]);
  return 2;
}

/* successor(code, from, to) -> code | nil, message */
static int l_successor(lua_State *L) {
  const char *code = luaL_checkstring(L, 1);
  cs_date from = check_date(L, 2), to = check_date(L, 3);
  char out[5];
  cs_error err = {0, ""};
  if (cs_registry_successor(get_registry(L), code, from, to, out, &err)) return fail(L, &err);
  lua_pushstring(L, out);
  return 1;
}

/* successors(code, from, to) -> { code, ... }: every code holding part of
** code's territory (as on from) on to | nil, message */
static int l_successors(lua_State *L) {
  const char *code = luaL_checkstring(L, 1);
  cs_date from = check_date(L, 2), to = check_date(L, 3);
  char out[16][5];
  size_t n = 0;
  cs_error err = {0, ""};
  if (cs_registry_successors(get_registry(L), code, from, to, out, 16, &n, NULL, NULL, &err))
    return fail(L, &err);
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
  size_t n = cs_registry_all(get_registry(L), &all);
  int with_date = !lua_isnoneornil(L, 1);
  cs_date at = with_date ? check_date(L, 1) : cs_date_jan1(1);
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
  size_t n = cs_registry_changes(get_registry(L), &ch);
  lua_Integer year = luaL_optinteger(L, 1, 0);
  lua_newtable(L);
  int k = 0;
  char d[11];
  for (size_t i = 0; i < n; i++) {
    if (year && ch[i].date.year != year) continue;
    lua_createtable(L, 0, 5);
    set_str(L, "date", cs_date_format(ch[i].date, d));
    set_str(L, "old_code", ch[i].old_code);
    set_str(L, "old_name", ch[i].old_name);
    set_str(L, "new_code", ch[i].new_code);
    set_str(L, "new_name", ch[i].new_name);
    lua_rawseti(L, -2, ++k);
  }
  return 1;
}

/* population_years() -> first, last */
static int l_population_years(lua_State *L) {
  int first, last;
  cs_registry_population_years(get_registry(L), &first, &last);
  lua_pushinteger(L, first);
  lua_pushinteger(L, last);
  return 2;
}

static int l_sources(lua_State *L) {
  lua_pushstring(L, cs_registry_sources(get_registry(L)));
  return 1;
}

/* ---- numbers ----------------------------------------------------------- */

/* [-0, +0, -] Reads an exact number at idx: an integer, a float read as its
** shortest decimal, or a decimal string. 0 on success. */
static int to_q(lua_State *L, int idx, cs_q *out) {
  if (lua_isinteger(L, idx)) {
    cs_q_from_i64(out, (int64_t)lua_tointeger(L, idx));
    return 0;
  }
  if (lua_type(L, idx) == LUA_TNUMBER) return cs_q_from_double(out, (double)lua_tonumber(L, idx));
  if (lua_type(L, idx) == LUA_TSTRING) return cs_q_from_decimal(out, lua_tostring(L, idx));
  return CS_EINVAL;
}

/* ---- building a cooperation from the spec table ------------------------ */

typedef struct coopbox {
  cs_coop *coop;
} coopbox;

static int coopbox_gc(lua_State *L) {
  coopbox *b = luaL_checkudata(L, 1, COOP_MT);
  cs_coop_free(b->coop);
  b->coop = NULL;
  return 0;
}

/* A custom key or population function: calls the Lua function stored at
** `ref` in the Lua registry, protected. */
typedef struct callback {
  lua_State *L;
  int ref;
} callback;

static int callback_gc(lua_State *L) {
  callback *cb = lua_touserdata(L, 1);
  if (cb->ref != LUA_NOREF) luaL_unref(L, LUA_REGISTRYINDEX, cb->ref);
  cb->ref = LUA_NOREF;
  return 0;
}

static int traceback_handler(lua_State *L) {
  if (lua_type(L, 1) == LUA_TSTRING || lua_type(L, 1) == LUA_TNUMBER) {
    lua_pushstring(L, lua_tostring(L, 1));
    return 1;
  }
  /* an error object that is not text: where the scenario raised it */
  char where[1024];
  cs_lua_where(L, where, sizeof where);
  lua_pushfstring(L, "%s(error object is a %s value)", where, luaL_typename(L, 1));
  return 1;
}

/* The error object on top of the stack as text, without running any of its
** metamethods. */
static const char *error_object(lua_State *L) {
  int t = lua_type(L, -1);
  if (t == LUA_TSTRING || t == LUA_TNUMBER) return lua_tostring(L, -1);
  return lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, -1));
}

/* The value at idx for a message: a number or string as it is, else its type. */
static const char *shown_value(lua_State *L, int idx) {
  int t = lua_type(L, idx);
  if (t == LUA_TNUMBER) return lua_pushfstring(L, "the number %s", luaL_tolstring(L, idx, NULL));
  if (t == LUA_TSTRING) return lua_pushfstring(L, "the string \"%s\"", lua_tostring(L, idx));
  return lua_pushfstring(L, "a %s", luaL_typename(L, idx));
}

static int custom_key(void *ud, int year, const cs_q *net, const cs_key_member *m, size_t n,
                      cs_q *weights, cs_error *err) {
  callback *cb = ud;
  lua_State *L = cb->L;
  int top = lua_gettop(L);
  if (!lua_checkstack(L, 8)) return cs_error_set(err, CS_ENOMEM, "Lua stack overflow");
  lua_pushcfunction(L, traceback_handler);
  lua_rawgeti(L, LUA_REGISTRYINDEX, cb->ref);
  lua_createtable(L, 0, 3);
  set_int(L, "year", year);
  lua_pushnumber(L, (lua_Number)cs_q_to_double(net));
  lua_setfield(L, -2, "net");
  lua_createtable(L, (int)n, 0);
  for (size_t i = 0; i < n; i++) {
    lua_createtable(L, 0, 3);
    set_str(L, "code", m[i].code);
    set_str(L, "name", m[i].name);
    set_int(L, "population", m[i].population);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_setfield(L, -2, "members");
  if (lua_pcall(L, 1, 1, top + 1) != LUA_OK) {
    cs_error_set(err, CS_EINVAL, "custom key in %d: %s", year, error_object(L));
    lua_settop(L, top);
    return CS_EINVAL;
  }
  if (!lua_istable(L, -1)) {
    cs_error_set(err, CS_EINVAL, "custom key in %d returned %s, expected a table of weights by code",
                 year, shown_value(L, -1));
    lua_settop(L, top);
    return CS_EINVAL;
  }
  for (size_t i = 0; i < n; i++) {
    lua_getfield(L, -1, m[i].code);
    if (lua_isnil(L, -1)) {
      lua_pop(L, 1);
      lua_getfield(L, -1, m[i].name);
    }
    if (to_q(L, -1, &weights[i]) != 0) {
      cs_error_set(err, CS_EINVAL, "custom key in %d: no valid weight for member %s %s (got %s)", year,
                   m[i].code, m[i].name, lua_isnil(L, -1) ? "nothing" : shown_value(L, -1));
      lua_settop(L, top);
      return CS_EINVAL;
    }
    lua_pop(L, 1);
  }
  lua_settop(L, top);
  return CS_OK;
}

static int population_cb(void *ud, const char *code, int year, int pop_year, int64_t *pop,
                         cs_error *err) {
  callback *cb = ud;
  lua_State *L = cb->L;
  int top = lua_gettop(L);
  if (!lua_checkstack(L, 8)) return cs_error_set(err, CS_ENOMEM, "Lua stack overflow");
  lua_pushcfunction(L, traceback_handler);
  lua_rawgeti(L, LUA_REGISTRYINDEX, cb->ref);
  lua_pushstring(L, code);
  lua_pushinteger(L, year);
  if (*pop < 0) lua_pushnil(L); /* no registry figure: a projection may give one */
  else lua_pushinteger(L, *pop);
  lua_pushinteger(L, pop_year);
  if (lua_pcall(L, 4, 1, top + 1) != LUA_OK) {
    cs_error_set(err, CS_EINVAL, "population override for %s in %d: %s", code, year, error_object(L));
    lua_settop(L, top);
    return CS_EINVAL;
  }
  if (!lua_isnil(L, -1)) {
    lua_Number v = lua_tonumber(L, -1);
    int isnum = lua_type(L, -1) == LUA_TNUMBER;
    if (!isnum || !isfinite(v) || v < 0 || v > 1e10) {
      cs_error_set(err, CS_EINVAL,
                   "population override for %s in %d (population on 1 January %d) gave %s; a "
                   "population must be a number from 0 to 10^10 (or nil for the registry's)",
                   code, year, pop_year, shown_value(L, -1));
      lua_settop(L, top);
      return CS_EINVAL;
    }
    *pop = (int64_t)llround(v); /* whole persons: a projection may give fractions */
  }
  lua_settop(L, top);
  return CS_OK;
}

/* cs.projection.hold_last and cs.projection.growth(rate) in C (scripts/
** coopsim.lua has them in Lua; build_spec passes them here when they are
** the scenario's only population function). They give a figure only where
** the registry has none: the last figure SSB has, held or grown by rate a
** year, floor(n * (1 + rate) ^ (pop_year - last) + 0.5) in doubles exactly
** as Lua computes it. */
#define PROJECTION_CACHE 64
#define PROJECTION_YEARS 256

typedef struct projection {
  const cs_registry *reg;
  int growth;
  double rate;
  /* the last figures asked for, by code (the registry's last year); a code
  ** is its four bytes in one word, compared at once */
  size_t ncached;
  uint32_t code[PROJECTION_CACHE];
  int64_t figure[PROJECTION_CACHE]; /* -1: the registry has none */
  /* (1 + rate) ^ k for k years past the registry, 0 until computed */
  double factor[PROJECTION_YEARS];
} projection;

/* code's bytes in one word, or 0 when it is not 1 to 4 bytes long */
static uint32_t code_word(const char *code) {
  uint32_t w = 0;
  for (int i = 0; i < 5; i++) {
    if (!code[i]) return i ? w : 0;
    if (i == 4) return 0;
    w |= (uint32_t)(unsigned char)code[i] << (8 * i);
  }
  return 0;
}

static int projection_cb(void *ud, const char *code, int year, int pop_year, int64_t *pop,
                         cs_error *err) {
  projection *pj = ud;
  if (*pop >= 0) return CS_OK;
  int first, last;
  int64_t n = -1;
  cs_registry_population_years(pj->reg, &first, &last);
  uint32_t w = code_word(code);
  size_t k = pj->ncached;
  if (w)
    for (k = 0; k < pj->ncached; k++)
      if (pj->code[k] == w) break;
  if (k < pj->ncached) {
    n = pj->figure[k];
  } else {
    if (cs_registry_population_of(pj->reg, code, cs_date_jan1(last), last, &n, NULL, NULL))
      n = -1;
    if (w && pj->ncached < PROJECTION_CACHE) {
      pj->code[pj->ncached] = w;
      pj->figure[pj->ncached++] = n;
    }
  }
  if (n < 0) return CS_OK; /* no figure: the projection gives none */
  if (!pj->growth) {
    *pop = n;
    return CS_OK;
  }
  int years = pop_year - last;
  double f;
  if (years >= 0 && years < PROJECTION_YEARS) {
    if (pj->factor[years] == 0) pj->factor[years] = pow(1.0 + pj->rate, (double)years);
    f = pj->factor[years];
  } else {
    f = pow(1.0 + pj->rate, (double)years);
  }
  double v = floor((double)n * f + 0.5);
  if (!isfinite(v) || v < 0 || v > 1e10)
    return cs_error_set(err, CS_EINVAL,
                        "population override for %s in %d gave an invalid value", code, year);
  *pop = (int64_t)llround(v);
  return CS_OK;
}

/* [-0, +0, e] Creates a callback userdata for the function at idx, anchored
** in the table at anchor_idx (so it lives as long as the coop box). */
static callback *new_callback(lua_State *L, int idx, int anchor_idx) {
  idx = lua_absindex(L, idx);
  anchor_idx = lua_absindex(L, anchor_idx);
  callback *cb = lua_newuserdatauv(L, sizeof *cb, 0);
  cb->L = L;
  cb->ref = LUA_NOREF;
  if (luaL_newmetatable(L, "coopsim.callback")) {
    lua_pushcfunction(L, callback_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushboolean(L, 0); /* getmetatable gives a scenario nothing to change */
    lua_setfield(L, -2, "__metatable");
  }
  lua_setmetatable(L, -2);
  lua_pushvalue(L, idx);
  cb->ref = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_rawseti(L, anchor_idx, (lua_Integer)lua_rawlen(L, anchor_idx) + 1);
  return cb;
}

/* [-0, +1, e] Pushes field name of the table at idx, or an empty table when
** the field is not a table, so list loops never index a non-table. */
static void table_field(lua_State *L, int idx, const char *name) {
  if (lua_getfield(L, idx, name) != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_newtable(L);
  }
}

/* Reads field name of the table at idx as q; returns 0 if absent (q unset). */
static int field_q(lua_State *L, int idx, const char *name, cs_q *out, int *present,
                   cs_error *err) {
  lua_getfield(L, idx, name);
  *present = !lua_isnil(L, -1);
  int rc = CS_OK;
  if (*present && to_q(L, -1, out) != 0) {
    const char *v = lua_tostring(L, -1);
    rc = cs_error_set(err, CS_EINVAL, "%s is not a finite number (got %s)", name,
                      v ? v : luaL_typename(L, -1));
  }
  lua_pop(L, 1);
  return rc;
}

static const char *field_str(lua_State *L, int idx, const char *name) {
  lua_getfield(L, idx, name);
  const char *s = lua_tostring(L, -1);
  lua_pop(L, 1); /* the string stays alive: it is still in the spec table */
  return s;
}

static lua_Integer field_int(lua_State *L, int idx, const char *name, lua_Integer dflt) {
  lua_getfield(L, idx, name);
  lua_Integer v = lua_isinteger(L, -1) ? lua_tointeger(L, -1) : dflt;
  lua_pop(L, 1);
  return v;
}

/* [-0, +1, e] The list of strings in field name of table idx, every one of
** them (no capacity: a list is held whole or refused): an array of
** pointers in a userdata left on the stack, which keeps the strings (they
** stay in the table) and the array alive; its length in *n. A NULL array
** when the field is absent. An entry that is not a string is an error. */
static const char **field_strings(lua_State *L, int idx, const char *name, size_t *n) {
  idx = lua_absindex(L, idx);
  *n = 0;
  if (lua_getfield(L, idx, name) != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_pushnil(L);
    return NULL;
  }
  size_t len = (size_t)lua_rawlen(L, -1);
  const char **out = lua_newuserdatauv(L, (len ? len : 1) * sizeof *out, 1);
  lua_pushvalue(L, -2);
  lua_setiuservalue(L, -2, 1); /* the strings' table */
  lua_remove(L, -2);
  lua_getiuservalue(L, -1, 1);
  for (size_t i = 0; i < len; i++) {
    if (lua_rawgeti(L, -1, (lua_Integer)i + 1) != LUA_TSTRING)
      luaL_error(L, "%s: entry %d is not a name", name, (int)i + 1);
    out[i] = lua_tostring(L, -1);
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  *n = len;
  return out;
}

/* A key's entries (codes valid on `from`, the cooperation's resolution
** date) followed through the registry's changes after it (SPEC 7.1): a
** municipality renumbered, or made of entries' municipalities only, gets an
** entry of its own, the value or the sum of the values; the entries' own
** codes stay for the years before. A municipality that kept its code while
** taking in another entry's (5001 + 5030 in 2020) cannot hold both values
** under one code: an error when the run (to `last_year`) reaches it.
** codes/values grow to *n: they have room for *n plus one entry per change
** record, and so has extra, where the new codes are written. */
static int follow_entries(const cs_registry *reg, cs_date from, int last_year, const char **codes,
                          cs_q *values, size_t *n, char (*extra)[5], cs_error *err) {
  const cs_change *ch;
  size_t nch = cs_registry_changes(reg, &ch), nextra = 0;
  cs_date end = {last_year, 12, 31};
  /* the changes by day: [a, b) share a date */
  for (size_t a = 0, b; a < nch; a = b) {
    for (b = a + 1; b < nch && cs_date_cmp(ch[b].date, ch[a].date) == 0; b++) {
    }
    if (cs_date_cmp(ch[a].date, from) <= 0 || cs_date_cmp(ch[a].date, end) > 0) continue;
    for (size_t i = a; i < b; i++) {
      const char *x = ch[i].new_code;
      size_t k, j;
      for (k = 0; k < *n; k++)
        if (strcmp(codes[k], x) == 0) break;
      if (k < *n) { /* has an entry: if it kept its code, no other entry may go into it */
        const char *old = ch[i].old_code;
        int kept = 0;
        for (j = a; j < b; j++)
          if (strcmp(ch[j].old_code, x) == 0 && strcmp(ch[j].new_code, x) == 0) kept = 1;
        for (j = 0; kept && j < *n && strcmp(old, x) != 0; j++)
          if (strcmp(codes[j], old) == 0) {
            char d[11];
            return cs_error_set(err, CS_EINVAL,
                                "key: %s and %s both have a value, and %s went into %s on %s, which "
                                "kept its code: one value per code cannot say both (set a key with "
                                "%s's value from %d with set_key)",
                                x, old, old, x, cs_date_format(ch[i].date, d), x, ch[i].date.year);
          }
        continue;
      }
      /* every record into x that day comes whole from an entry: the sum */
      cs_q sum;
      cs_q_zero(&sum);
      int all = 1;
      for (j = a; j < b && all; j++) {
        if (strcmp(ch[j].new_code, x) != 0) continue;
        for (k = 0; k < *n; k++)
          if (strcmp(codes[k], ch[j].old_code) == 0) break;
        if (k == *n || cs_registry_change_kind(reg, &ch[j]) == CS_CHANGE_SPLIT) all = 0;
        else if (cs_q_add(&sum, &sum, &values[k])) return cs_error_set(err, CS_EOVERFLOW, "overflow");
      }
      if (!all) continue;
      memcpy(extra[nextra], x, 5);
      codes[*n] = extra[nextra++];
      values[(*n)++] = sum;
    }
  }
  return CS_OK;
}

/* Builds a key from the key spec at idx; its entries' codes are valid on
** `resolved` (the cooperation's resolution date). */
static int build_key(lua_State *L, int idx, int anchor, cs_date resolved, int last_year,
                     cs_key **out, cs_error *err) {
  idx = lua_absindex(L, idx);
  cs_key *key = cs_key_new();
  if (!key) return cs_error_set(err, CS_ENOMEM, "out of memory");
  int rc = cs_key_set_notes(key, field_str(L, idx, "label"), field_str(L, idx, "source"),
                            field_str(L, idx, "assumption"));
  if (rc) goto done;
  table_field(L, idx, "components");
  int comps = lua_gettop(L);
  for (lua_Integer i = 1; lua_rawgeti(L, comps, i) == LUA_TTABLE; i++) {
    int c = lua_gettop(L);
    const char *kind = field_str(L, c, "kind");
    cs_q amount;
    int present;
    if ((rc = field_q(L, c, "amount", &amount, &present, err))) break;
    if (!present) cs_q_zero(&amount);
    static const char *const kinds[] = {"base", "rate", "fixed", "equal", "population",
                                        "weights", "custom", NULL};
    static const cs_component_kind kv[] = {CS_DIRECT_BASE, CS_DIRECT_RATE, CS_DIRECT_FIXED,
                                           CS_POOL_EQUAL, CS_POOL_POPULATION, CS_POOL_WEIGHTS,
                                           CS_POOL_CUSTOM};
    int k = -1;
    for (int j = 0; kind && kinds[j]; j++)
      if (strcmp(kind, kinds[j]) == 0) k = j;
    if (k < 0) {
      rc = cs_error_set(err, CS_EINVAL, "unknown key component \"%s\"", kind ? kind : "?");
      break;
    }
    const char **codes = NULL;
    cs_q *values = NULL;
    size_t n = 0;
    if (kv[k] == CS_DIRECT_FIXED || kv[k] == CS_POOL_WEIGHTS) {
      const cs_registry *reg = get_registry(L); /* before anything is allocated: it may raise */
      const cs_change *changes;
      size_t nch = cs_registry_changes(reg, &changes);
      table_field(L, c, "entries");
      int e = lua_gettop(L);
      size_t len = (size_t)lua_rawlen(L, e), room = len + nch + 1;
      /* every entry, and room for one more per change record (follow_entries):
      ** the codes' strings stay in the entries, the new codes in extra, both
      ** kept on the stack until the key is built */
      codes = lua_newuserdatauv(L, room * sizeof *codes, 0);
      char(*extra)[5] = lua_newuserdatauv(L, (nch + 1) * sizeof *extra, 0);
      values = calloc(room, sizeof *values);
      if (!values) {
        rc = cs_error_set(err, CS_ENOMEM, "out of memory");
        break;
      }
      for (lua_Integer j = 1; (size_t)j <= len; j++) {
        if (lua_rawgeti(L, e, j) != LUA_TTABLE || !(codes[n] = field_str(L, -1, "code"))) {
          rc = cs_error_set(err, CS_EINVAL, "key entry %d has no member", (int)j);
          break;
        }
        if ((rc = field_q(L, lua_gettop(L), "value", &values[n], &present, err))) break;
        n++;
        lua_pop(L, 1);
      }
      if (!rc && n) rc = follow_entries(reg, resolved, last_year, codes, values, &n, extra, err);
      if (rc) {
        free(values);
        break;
      }
    }
    if (kv[k] <= CS_DIRECT_FIXED) {
      rc = cs_key_add_direct(key, kv[k], &amount, codes, values, n, err);
    } else {
      callback *cb = NULL;
      if (kv[k] == CS_POOL_CUSTOM) {
        lua_getfield(L, c, "fn");
        cb = new_callback(L, -1, anchor);
        lua_pop(L, 1);
      }
      rc = cs_key_add_pool(key, kv[k], &amount, codes, values, n, cb ? custom_key : NULL, cb, err);
    }
    free(values);
    lua_settop(L, c - 1);
    if (rc) break;
  }
  lua_settop(L, comps - 1);
done:
  if (rc) {
    cs_key_free(key);
    return rc;
  }
  *out = key;
  return CS_OK;
}

static int parse_date_field(lua_State *L, int idx, const char *name, cs_date *d, int *present,
                            cs_error *err) {
  const char *s = field_str(L, idx, name);
  *present = s != NULL;
  if (!s) return CS_OK;
  return cs_date_parse(d, s, err);
}

/* Fills coop from the spec table at idx (built by scripts/coopsim.lua) for a
** run to last_year. */
static int build_coop(lua_State *L, int idx, cs_coop *coop, int anchor, int last_year,
                      cs_error *err) {
  int rc, present;
  cs_date d1, d2, resolved = {1, 1, 1};
  const char *s;
  /* the date the members and the keys' codes were resolved at */
  if ((rc = parse_date_field(L, idx, "resolution", &resolved, &present, err))) return rc;
  if ((s = field_str(L, idx, "host"))) {
    if ((rc = cs_coop_set_host(coop, s, cs_date_jan1(1), err))) return rc;
  }
  if ((s = field_str(L, idx, "payee")) && (rc = cs_coop_set_payee(coop, s, err))) return rc;
  if ((rc = parse_date_field(L, idx, "period_from", &d1, &present, err))) return rc;
  if (present) {
    int has_to;
    if ((rc = parse_date_field(L, idx, "period_to", &d2, &has_to, err))) return rc;
    if ((rc = cs_coop_set_period(coop, d1, has_to, d2, err))) return rc;
  }
  lua_Integer by = field_int(L, idx, "base_year", 0);
  if (by && (rc = cs_coop_set_base_year(coop, (int)by, err))) return rc;
  s = field_str(L, idx, "population_date");
  if (s) {
    cs_popdate kind = strcmp(s, "jan1_budget_year") == 0 ? CS_POPDATE_BUDGET_YEAR
                      : strcmp(s, "fixed") == 0          ? CS_POPDATE_FIXED
                                                         : CS_POPDATE_PREVIOUS_YEAR;
    if ((rc = cs_coop_set_popdate(coop, kind, (int)field_int(L, idx, "population_year", 0), err)))
      return rc;
  }
  if ((s = field_str(L, idx, "notice_from"))) {
    cs_notice n = {(int)field_int(L, idx, "notice_months", 12),
                   strcmp(s, "notice_date") == 0 ? CS_NOTICE_NOTICE_DATE : CS_NOTICE_NEXT_JAN1};
    if ((rc = cs_coop_set_notice(coop, &n, err))) return rc;
  }
  s = field_str(L, idx, "exit_year");
  cs_coop_set_part_year(coop, s && strcmp(s, "months") == 0 ? CS_PART_YEAR_MONTHS : CS_PART_YEAR_FULL);
  s = field_str(L, idx, "merger");
  cs_coop_set_merger(coop, !s || strcmp(s, "whole") == 0 ? CS_MERGER_WHOLE
                           : strcmp(s, "member_part") == 0 ? CS_MERGER_MEMBER_PART
                                                           : CS_MERGER_ERROR);
  s = field_str(L, idx, "split");
  cs_coop_set_split(coop, s && strcmp(s, "error") == 0 ? CS_SPLIT_ERROR : CS_SPLIT_SUCCESSORS);
  if ((rc = parse_date_field(L, idx, "freeze", &d1, &present, err))) return rc;
  if (present) cs_coop_set_freeze(coop, d1);
  lua_getfield(L, idx, "prorate");
  cs_coop_set_prorate_period(coop, lua_isnil(L, -1) || lua_toboolean(L, -1));
  lua_pop(L, 1);
  lua_Integer dm = field_int(L, idx, "due_month", 0);
  if (dm && (rc = cs_coop_set_due(coop, (int)dm, (int)field_int(L, idx, "due_day", 1), err)))
    return rc;
  /* growth */
  table_field(L, idx, "growths");
  for (lua_Integer i = 1; lua_rawgeti(L, -1, i) == LUA_TTABLE; i++) {
    cs_q w, p;
    int pw, pp;
    int t = lua_gettop(L);
    if ((rc = field_q(L, t, "wage", &w, &pw, err)) || (rc = field_q(L, t, "price", &p, &pp, err)))
      return rc;
    if (!pw) cs_q_zero(&w);
    if (!pp) cs_q_zero(&p);
    if ((rc = cs_coop_set_growth(coop, (int)field_int(L, t, "from_year", 0), &w, &p, err))) return rc;
    lua_pop(L, 1);
  }
  lua_pop(L, 2);
  /* cost lines */
  table_field(L, idx, "costs");
  for (lua_Integer i = 1; lua_rawgeti(L, -1, i) == LUA_TTABLE; i++) {
    int t = lua_gettop(L);
    const char *name = field_str(L, t, "name");
    cs_q amount;
    if ((rc = field_q(L, t, "rate", &amount, &present, err))) return rc;
    if (present) {
      size_t nof;
      const char **of = field_strings(L, t, "of", &nof);
      rc = cs_coop_add_derived_cost(coop, name, &amount, of, nof, err);
      lua_pop(L, 1);
      if (rc) return rc;
    } else {
      if ((rc = field_q(L, t, "amount", &amount, &present, err))) return rc;
      const char *g = field_str(L, t, "growth");
      cs_growth growth = !g ? CS_GROWTH_NONE : strcmp(g, "wage") == 0 ? CS_GROWTH_WAGE
                         : strcmp(g, "price") == 0                   ? CS_GROWTH_PRICE
                                                                     : CS_GROWTH_NONE;
      if ((rc = cs_coop_add_cost(coop, name, &amount, growth, err))) return rc;
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 2);
  /* cost changes */
  table_field(L, idx, "cost_sets");
  for (lua_Integer i = 1; lua_rawgeti(L, -1, i) == LUA_TTABLE; i++) {
    int t = lua_gettop(L);
    cs_q amount;
    if ((rc = field_q(L, t, "amount", &amount, &present, err))) return rc;
    if ((rc = cs_coop_set_cost(coop, field_str(L, t, "name"), &amount,
                               (int)field_int(L, t, "from_year", 0), err)))
      return rc;
    lua_pop(L, 1);
  }
  lua_pop(L, 2);
  /* grants */
  table_field(L, idx, "grants");
  for (lua_Integer i = 1; lua_rawgeti(L, -1, i) == LUA_TTABLE; i++) {
    int t = lua_gettop(L);
    cs_q amount, cap;
    int has_cap;
    if ((rc = field_q(L, t, "amount", &amount, &present, err)) ||
        (rc = field_q(L, t, "cap", &cap, &has_cap, err)))
      return rc;
    size_t nc;
    const char **covers = field_strings(L, t, "covers", &nc);
    rc = cs_coop_add_grant(coop, field_str(L, t, "name"), &amount, (int)field_int(L, t, "from", 0),
                           (int)field_int(L, t, "to", 0), has_cap ? &cap : NULL, covers, nc, err);
    lua_pop(L, 1);
    if (rc) return rc;
    lua_pop(L, 1);
  }
  lua_pop(L, 2);
  table_field(L, idx, "grant_ends");
  for (lua_Integer i = 1; lua_rawgeti(L, -1, i) == LUA_TTABLE; i++) {
    int t = lua_gettop(L);
    if ((rc = cs_coop_set_grant_end(coop, field_str(L, t, "name"), (int)field_int(L, t, "last_year", 0), err)))
      return rc;
    lua_pop(L, 1);
  }
  lua_pop(L, 2);
  /* members */
  table_field(L, idx, "members");
  for (lua_Integer i = 1; lua_rawgeti(L, -1, i) == LUA_TTABLE; i++) {
    int t = lua_gettop(L);
    cs_date since;
    if ((rc = parse_date_field(L, t, "anchor", &since, &present, err))) return rc;
    lua_getfield(L, t, "joined");
    int joined = lua_toboolean(L, -1);
    lua_pop(L, 1);
    const char *code = field_str(L, t, "code");
    if ((rc = cs_coop_add_member(coop, code, since, joined, field_str(L, t, "given"), err))) return rc;
    cs_date notice;
    if ((rc = parse_date_field(L, t, "notice", &notice, &present, err))) return rc;
    if (present && (rc = cs_coop_withdraw(coop, code, notice, err))) return rc;
    /* notices of parts after a split: { { code =, date = }, ... } */
    if (lua_getfield(L, t, "part_notices") == LUA_TTABLE) {
      int pn = lua_gettop(L);
      for (lua_Integer k = 1; lua_rawgeti(L, pn, k) == LUA_TTABLE; k++) {
        cs_date given;
        if ((rc = parse_date_field(L, lua_gettop(L), "date", &given, &present, err)) ||
            (rc = cs_coop_withdraw_part(coop, code, field_str(L, lua_gettop(L), "code"), given, err)))
          return rc;
        lua_pop(L, 1);
      }
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
    lua_pop(L, 1);
  }
  lua_pop(L, 2);
  /* keys */
  table_field(L, idx, "keys");
  int keys = lua_gettop(L);
  for (lua_Integer i = 1; lua_rawgeti(L, keys, i) == LUA_TTABLE; i++) {
    int t = lua_gettop(L);
    cs_key *key = NULL;
    /* its last year: before the next key (by from_year), or the run's last */
    lua_Integer from_year = field_int(L, t, "from_year", 0), last = last_year;
    for (lua_Integer j = 1; lua_rawgeti(L, keys, j) == LUA_TTABLE; j++) {
      lua_Integer f = field_int(L, lua_gettop(L), "from_year", 0);
      if (f > from_year && f - 1 < last) last = f - 1;
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
    cs_date at = resolved; /* a key given to set_key: its own resolution date */
    if ((rc = parse_date_field(L, t, "resolution", &at, &present, err))) return rc;
    if (!present) at = resolved;
    lua_getfield(L, t, "key");
    rc = build_key(L, -1, anchor, at, (int)last, &key, err);
    lua_pop(L, 1);
    if (rc) return rc;
    if ((rc = cs_coop_set_key(coop, key, (int)field_int(L, t, "from_year", 0), err))) return rc;
    lua_pop(L, 1);
  }
  lua_pop(L, 2);
  /* hypothetical mergers */
  table_field(L, idx, "mergers");
  for (lua_Integer i = 1; lua_rawgeti(L, -1, i) == LUA_TTABLE; i++) {
    int t = lua_gettop(L);
    size_t n;
    const char **codes = field_strings(L, t, "codes", &n);
    cs_date date;
    if ((rc = parse_date_field(L, t, "date", &date, &present, err))) return rc;
    rc = cs_coop_add_merger(coop, codes, n, field_str(L, t, "name"), date, err);
    lua_pop(L, 1);
    if (rc) return rc;
    lua_pop(L, 1);
  }
  lua_pop(L, 2);
  if (lua_getfield(L, idx, "population_fn") == LUA_TFUNCTION) {
    callback *cb = new_callback(L, -1, anchor);
    cs_coop_set_population_fn(coop, population_cb, cb);
  }
  lua_pop(L, 1);
  if (lua_getfield(L, idx, "projection") == LUA_TTABLE) {
    /* a shipped projection alone (cs.projection.*): computed here, as the
    ** Lua function would, without a call into Lua per member and year */
    projection *pj = lua_newuserdatauv(L, sizeof *pj, 0);
    memset(pj, 0, sizeof *pj);
    pj->reg = get_registry(L);
    pj->growth = strcmp(field_str(L, -2, "kind") ? field_str(L, -2, "kind") : "", "growth") == 0;
    lua_getfield(L, -2, "rate");
    pj->rate = lua_tonumber(L, -1);
    lua_pop(L, 1);
    lua_rawseti(L, anchor, (lua_Integer)lua_rawlen(L, anchor) + 1);
    cs_coop_set_population_fn(coop, projection_cb, pj);
  }
  lua_pop(L, 1);
  return CS_OK;
}

/* ---- results ----------------------------------------------------------- */

typedef struct resultbox {
  cs_result *r;
} resultbox;

static int result_gc(lua_State *L) {
  resultbox *b = luaL_checkudata(L, 1, RESULT_MT);
  cs_result_free(b->r);
  b->r = NULL;
  return 0;
}

static const cs_result *check_result(lua_State *L, int idx) {
  resultbox *b = luaL_checkudata(L, idx, RESULT_MT);
  if (!b->r) luaL_error(L, "result is closed");
  return b->r;
}

const cs_result *cs_lua_check_result(lua_State *L, int idx) { return check_result(L, idx); }

const cs_registry *cs_lua_registry(lua_State *L) { return get_registry(L); }

/* [-0, +0 or +2, m] Counts r's rows against the sandbox's result limit,
** kept in the Lua registry where a scenario cannot reach it (lua_sandbox.c
** sets coopsim.sandbox.max_rows): every run holds its rows, made or reused.
** 0, or 1 with nil and the message pushed when the limit is passed. */
static int charge_rows(lua_State *L, const cs_result *r) {
  if (lua_getfield(L, LUA_REGISTRYINDEX, "coopsim.sandbox.max_rows") == LUA_TNUMBER) {
    lua_Integer max = lua_tointeger(L, -1);
    lua_getfield(L, LUA_REGISTRYINDEX, "coopsim.sandbox.rows");
    lua_Integer made = lua_tointeger(L, -1) + (lua_Integer)r->nrows;
    lua_pop(L, 2);
    lua_pushinteger(L, made);
    lua_setfield(L, LUA_REGISTRYINDEX, "coopsim.sandbox.rows");
    if (made > max) {
      lua_pushnil(L);
      lua_pushfstring(L, "result limit: the runs hold more than %I rows (--max-rows)", max);
      return 1;
    }
    return 0;
  }
  lua_pop(L, 1);
  return 0;
}

/* simulate({ spec, ... }, from, to) -> { result, ... } | nil, message, i:
** the cooperations of a run, on several threads (simulate_many.h) unless
** one of them calls Lua (a custom key, a population function); the error
** is the first failing spec's (i). */
static int l_simulate(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_Integer from = luaL_checkinteger(L, 2), to = luaL_checkinteger(L, 3);
  if (from < 1900 || to > 2200 || from > to)
    return luaL_error(L, "run years %d..%d are out of range (1900..2200)", (int)from, (int)to);
  const cs_registry *reg = get_registry(L);
  size_t n = (size_t)lua_rawlen(L, 1);
  lua_settop(L, 3);
  lua_newtable(L); /* 4: anchors callbacks for the duration of the run */
  /* 5: the coops, as boxes (freed by __gc whatever happens), and 6: their
  ** pointers for the threads */
  lua_createtable(L, (int)n, 0);
  cs_coop **coops = lua_newuserdatauv(L, (n ? n : 1) * sizeof *coops, 0);
  int lua_calls = 0;
  cs_error err = {0, ""};
  for (size_t i = 0; i < n; i++) {
    coops[i] = NULL;
    if (lua_rawgeti(L, 1, (lua_Integer)i + 1) != LUA_TTABLE)
      return luaL_error(L, "simulate: spec %d is not a table", (int)i + 1);
    int spec = lua_gettop(L);
    coopbox *box = lua_newuserdatauv(L, sizeof *box, 0);
    box->coop = NULL;
    luaL_setmetatable(L, COOP_MT);
    lua_rawseti(L, 5, (lua_Integer)i + 1);
    lua_getfield(L, spec, "name");
    box->coop = cs_coop_new(lua_tostring(L, -1));
    lua_pop(L, 1);
    if (!box->coop) return luaL_error(L, "out of memory");
    coops[i] = box->coop;
    int anchored = (int)lua_rawlen(L, 4);
    if (build_coop(L, spec, box->coop, 4, (int)to, &err)) {
      fail(L, &err);
      lua_pushinteger(L, (lua_Integer)i + 1);
      return 3;
    }
    /* a callback anchored for this coop is a Lua function it calls */
    for (int k = anchored + 1; k <= (int)lua_rawlen(L, 4); k++) {
      lua_rawgeti(L, 4, k);
      if (luaL_testudata(L, -1, "coopsim.callback")) lua_calls = 1;
      lua_pop(L, 1);
    }
    lua_settop(L, 6);
  }
  /* the results, boxed before they exist so that a Lua error frees them */
  lua_createtable(L, (int)n, 0); /* 7 */
  resultbox **boxes = lua_newuserdatauv(L, (n ? n : 1) * sizeof *boxes, 0); /* 8 */
  cs_result **out = lua_newuserdatauv(L, (n ? n : 1) * sizeof *out, 0);   /* 9 */
  for (size_t i = 0; i < n; i++) {
    boxes[i] = lua_newuserdatauv(L, sizeof *boxes[i], 0);
    boxes[i]->r = NULL;
    luaL_setmetatable(L, RESULT_MT);
    lua_rawseti(L, 7, (lua_Integer)i + 1);
  }
  size_t failed;
  int threads = lua_calls ? 1 : cs_simulate_threads();
  if (cs_simulate_many(coops, n, reg, (int)from, (int)to, threads, out, &failed, &err)) {
    fail(L, &err);
    lua_pushinteger(L, (lua_Integer)failed + 1);
    return 3;
  }
  for (size_t i = 0; i < n; i++) boxes[i]->r = out[i];
  for (size_t i = 0; i < n; i++)
    if (charge_rows(L, out[i])) {
      lua_pushinteger(L, (lua_Integer)i + 1);
      return 3;
    }
  lua_pushvalue(L, 7);
  return 1;
}

/* charge(result) -> true | nil, message: a run reuses the result (scripts/
** coopsim.lua keeps results for runs with the same spec); it holds its rows
** all the same. */
static int l_charge(lua_State *L) {
  const cs_result *r = check_result(L, 1);
  if (charge_rows(L, r)) return 2;
  lua_pushboolean(L, 1);
  return 1;
}

/* [-0, +1, m] hundredths as text, "8712.22" */
static void push_cents(lua_State *L, int64_t cents) {
  char buf[32];
  if (cs_q_format_cents(cents, NULL, ".", buf, sizeof buf)) lua_pushnil(L);
  else lua_pushstring(L, buf);
}

/* A text made by C (malloc) on its way into Lua: a box that frees it if
** pushing it raises (out of memory), so that nothing leaks. */
static int textbox_gc(lua_State *L) {
  char **box = lua_touserdata(L, 1);
  free(*box);
  *box = NULL;
  return 0;
}

/* [-0, +1, m] A new empty box, its __gc set. */
static char **new_textbox(lua_State *L) {
  char **box = lua_newuserdatauv(L, sizeof *box, 0);
  *box = NULL;
  if (luaL_newmetatable(L, "coopsim.textbox")) {
    lua_pushcfunction(L, textbox_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
  }
  lua_setmetatable(L, -2);
  return box;
}

/* [-1, +1, m] The text in the box on top of the stack replaces it (NULL:
** out of memory, an error). */
static void push_boxed(lua_State *L, char **box) {
  if (!*box) luaL_error(L, "not enough memory");
  lua_pushstring(L, *box);
  free(*box);
  *box = NULL;
  lua_remove(L, -2);
}

/* [-0, +1, m] Part p's explanation. */
static void push_explain(lua_State *L, const cs_result *r, const cs_row *row, size_t p) {
  char **box = new_textbox(L);
  *box = cs_explain_part_text(r, row, p, CS_LANG_EN);
  push_boxed(L, box);
}

static void push_row(lua_State *L, const cs_result *r, const cs_row *row) {
  char d[11];
  lua_createtable(L, 0, 20);
  set_str(L, "cooperation", r->name);
  set_int(L, "year", row->year);
  set_str(L, "code", row->code);
  set_str(L, "name", row->name);
  set_str(L, "given", row->given);
  if (row->merged[0]) {
    set_str(L, "merged", row->merged);
  }
  set_int(L, "population", row->population);
  snprintf(d, sizeof d, "%04d-01-01", row->pop_year);
  set_str(L, "population_date", d);
  static const char *const srcs[] = {"ssb", "predecessors", "proxy", "override"};
  set_str(L, "population_source", srcs[row->pop_source]);
  set_int(L, "months", row->months);
  set_int(L, "charged_months", row->charged_months);
  lua_createtable(L, 0, (int)row->nparts);
  lua_createtable(L, (int)row->nparts, 0);
  const cs_part *parts = cs_row_parts(r, row);
  for (size_t i = 0; i < row->nparts; i++) {
    const char *name = cs_part_name(r, row, i);
    lua_pushinteger(L, parts[i].rounded);
    lua_setfield(L, -3, name);
    lua_createtable(L, 0, 4);
    set_str(L, "name", name);
    set_int(L, "rounded", parts[i].rounded);
    push_cents(L, parts[i].cents);
    lua_setfield(L, -2, "exact");
    push_explain(L, r, row, i);
    lua_setfield(L, -2, "explain");
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_setfield(L, -2, "part_list");
  lua_setfield(L, -2, "parts");
  push_cents(L, row->cents);
  lua_setfield(L, -2, "exact");
  set_int(L, "total", row->total);
  const cs_year *y = cs_result_year(r, row->year);
  if (y && y->has_due) {
    set_str(L, "due", cs_date_format(y->due, d));
  }
  if (row->payee[0]) {
    set_str(L, "payee", row->payee);
  }
  set_bool(L, "host", row->is_host);
}

/* result:rows() -> array of row tables */
static int r_rows(lua_State *L) {
  const cs_result *r = check_result(L, 1);
  lua_createtable(L, (int)r->nrows, 0);
  for (size_t i = 0; i < r->nrows; i++) {
    push_row(L, r, &r->rows[i]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

/* result:column(field) -> { value of every row, in row order } for field
** "year", "code", "name", "total", "population" or "pop_year": what the
** comparison and the linter read, without a table per row. */
static int r_column(lua_State *L) {
  const cs_result *r = check_result(L, 1);
  static const char *const fields[] = {"year", "code", "name", "total", "population", "pop_year",
                                       NULL};
  int f = luaL_checkoption(L, 2, NULL, fields);
  lua_createtable(L, (int)r->nrows, 0);
  for (size_t i = 0; i < r->nrows; i++) {
    const cs_row *row = &r->rows[i];
    switch (f) {
    case 0: lua_pushinteger(L, row->year); break;
    case 1: lua_pushstring(L, row->code); break;
    case 2: lua_pushstring(L, row->name); break;
    case 3: lua_pushinteger(L, row->total); break;
    case 4: lua_pushinteger(L, row->population); break;
    default: lua_pushinteger(L, row->pop_year); break;
    }
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

/* result:unpopulated() -> { { code, name, pop_year }, ... }: the rows with
** 0 inhabitants, for the linter (usually none: no table per row). */
static int r_unpopulated(lua_State *L) {
  const cs_result *r = check_result(L, 1);
  lua_newtable(L);
  lua_Integer n = 0;
  for (size_t i = 0; i < r->nrows; i++) {
    const cs_row *row = &r->rows[i];
    if (row->population != 0) continue;
    lua_createtable(L, 0, 3);
    set_str(L, "code", row->code);
    set_str(L, "name", row->name);
    set_int(L, "pop_year", row->pop_year);
    lua_rawseti(L, -2, ++n);
  }
  return 1;
}

/* ---- the rows of the result document, written here ---------------------- */

/* A growing text buffer; on no memory it is marked and stays short. */
typedef struct jbuf {
  char *p;
  size_t len, cap;
  int oom;
} jbuf;

static void jb_put(jbuf *b, const char *s, size_t n) {
  if (b->oom) return;
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n + 1) cap *= 2;
    char *np = realloc(b->p, cap);
    if (!np) {
      b->oom = 1;
      return;
    }
    b->p = np;
    b->cap = cap;
  }
  memcpy(b->p + b->len, s, n);
  b->len += n;
}

static void jb_str(jbuf *b, const char *s) { jb_put(b, s, strlen(s)); }

static void jb_int(jbuf *b, long long v) {
  char t[32];
  int n = snprintf(t, sizeof t, "%lld", v);
  jb_put(b, t, (size_t)n);
}

/* A JSON string as report.lua's json_string writes it: control characters,
** '"' and '\' escaped, other bytes as they are. */
static void jb_json_string(jbuf *b, const char *s) {
  jb_put(b, "\"", 1);
  const char *run = s;
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c >= 32 && c != 127 && c != '"' && c != '\\') continue;
    jb_put(b, run, (size_t)(s - run));
    char e[8];
    switch (c) {
    case '"': jb_str(b, "\\\""); break;
    case '\\': jb_str(b, "\\\\"); break;
    case '\n': jb_str(b, "\\n"); break;
    case '\r': jb_str(b, "\\r"); break;
    case '\t': jb_str(b, "\\t"); break;
    default: snprintf(e, sizeof e, "\\u%04x", c); jb_str(b, e);
    }
    run = s + 1;
  }
  jb_put(b, run, (size_t)(s - run));
  jb_put(b, "\"", 1);
}

/* `,\n<indent>"key": ` (the first field without the comma) */
static void jb_key(jbuf *b, const char *indent, const char *key, int *first) {
  jb_str(b, *first ? "" : ",\n");
  *first = 0;
  jb_str(b, indent);
  jb_json_string(b, key);
  jb_str(b, ": ");
}

/* result:json_rows(indent) -> the rows as items of the document's "rows"
** array, each on `indent`, joined by ",\n": exactly what report.lua's json()
** writes for push_row's tables (keys sorted, two spaces a level), without a
** Lua table per row. */
static int r_json_rows(lua_State *L) {
  const cs_result *r = check_result(L, 1);
  size_t ilen;
  const char *indent = luaL_checklstring(L, 2, &ilen);
  if (ilen > 200) return luaL_error(L, "indent too deep");
  char in1[256], in2[256], in3[256];
  snprintf(in1, sizeof in1, "%s  ", indent);
  snprintf(in2, sizeof in2, "%s    ", indent);
  snprintf(in3, sizeof in3, "%s      ", indent);
  static const char *const srcs[] = {"ssb", "predecessors", "proxy", "override"};
  jbuf b = {NULL, 0, 0, 0};
  char t[256], d[11];
  for (size_t i = 0; i < r->nrows; i++) {
    const cs_row *row = &r->rows[i];
    const cs_year *y = cs_result_year(r, row->year);
    const cs_part *parts = cs_row_parts(r, row);
    int first = 1;
    if (i) jb_str(&b, ",\n");
    jb_str(&b, indent);
    jb_str(&b, "{\n");
    jb_key(&b, in1, "charged_months", &first), jb_int(&b, row->charged_months);
    jb_key(&b, in1, "code", &first), jb_json_string(&b, row->code);
    jb_key(&b, in1, "cooperation", &first), jb_json_string(&b, r->name);
    if (y && y->has_due) jb_key(&b, in1, "due", &first), jb_json_string(&b, cs_date_format(y->due, d));
    if (cs_q_format_cents(row->cents, NULL, ".", t, sizeof t) == CS_OK)
      jb_key(&b, in1, "exact", &first), jb_json_string(&b, t);
    jb_key(&b, in1, "given", &first), jb_json_string(&b, row->given);
    jb_key(&b, in1, "host", &first), jb_str(&b, row->is_host ? "true" : "false");
    if (row->merged[0]) jb_key(&b, in1, "merged", &first), jb_json_string(&b, row->merged);
    jb_key(&b, in1, "months", &first), jb_int(&b, row->months);
    jb_key(&b, in1, "name", &first), jb_json_string(&b, row->name);
    jb_key(&b, in1, "parts", &first);
    if (row->nparts == 0) {
      jb_str(&b, "[]");
    } else {
      jb_str(&b, "[\n");
      for (size_t p = 0; p < row->nparts; p++) {
        int pf = 1;
        if (p) jb_str(&b, ",\n");
        jb_str(&b, in2);
        jb_str(&b, "{\n");
        if (cs_q_format_cents(parts[p].cents, NULL, ".", t, sizeof t) == CS_OK)
          jb_key(&b, in3, "exact", &pf), jb_json_string(&b, t);
        char *ex = cs_explain_part_text(r, row, p, CS_LANG_EN);
        if (!ex) b.oom = 1;
        jb_key(&b, in3, "explain", &pf), jb_json_string(&b, ex ? ex : "");
        free(ex);
        jb_key(&b, in3, "name", &pf), jb_json_string(&b, cs_part_name(r, row, p));
        jb_key(&b, in3, "rounded", &pf), jb_int(&b, parts[p].rounded);
        jb_str(&b, "\n");
        jb_str(&b, in2);
        jb_str(&b, "}");
      }
      jb_str(&b, "\n");
      jb_str(&b, in1);
      jb_str(&b, "]");
    }
    if (row->payee[0]) jb_key(&b, in1, "payee", &first), jb_json_string(&b, row->payee);
    jb_key(&b, in1, "population", &first), jb_int(&b, row->population);
    snprintf(d, sizeof d, "%04d-01-01", row->pop_year);
    jb_key(&b, in1, "population_date", &first), jb_json_string(&b, d);
    jb_key(&b, in1, "population_source", &first), jb_json_string(&b, srcs[row->pop_source]);
    jb_key(&b, in1, "total", &first), jb_int(&b, row->total);
    jb_key(&b, in1, "year", &first), jb_int(&b, row->year);
    jb_str(&b, "\n");
    jb_str(&b, indent);
    jb_str(&b, "}");
  }
  if (b.oom) {
    free(b.p);
    return luaL_error(L, "not enough memory");
  }
  lua_pushlstring(L, b.p ? b.p : "", b.len);
  free(b.p);
  return 1;
}

/* result:same_shares(other) -> true if both have the same cooperation name
** and the same rows (year, code, whole kroner) in the same order. */
static int r_same_shares(lua_State *L) {
  const cs_result *a = check_result(L, 1), *b = check_result(L, 2);
  int same = strcmp(a->name, b->name) == 0 && a->nrows == b->nrows;
  for (size_t i = 0; same && i < a->nrows; i++)
    same = a->rows[i].year == b->rows[i].year && a->rows[i].total == b->rows[i].total &&
           strcmp(a->rows[i].code, b->rows[i].code) == 0;
  lua_pushboolean(L, same);
  return 1;
}

static void push_amounts(lua_State *L, const cs_line_amount *a, size_t n) {
  lua_createtable(L, (int)n, 0);
  for (size_t i = 0; i < n; i++) {
    lua_createtable(L, 0, 2);
    set_str(L, "name", a[i].name);
    push_cents(L, a[i].cents);
    lua_setfield(L, -2, "amount");
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
}

/* result:years() -> array of per-year summaries (amounts as exact text) */
static int r_years(lua_State *L) {
  const cs_result *r = check_result(L, 1);
  lua_createtable(L, (int)r->nyears, 0);
  for (size_t i = 0; i < r->nyears; i++) {
    const cs_year *y = &r->years[i];
    lua_createtable(L, 0, 16);
    set_int(L, "year", y->year);
    push_cents(L, y->cost);
    lua_setfield(L, -2, "cost");
    push_cents(L, y->granted);
    lua_setfield(L, -2, "grants");
    push_cents(L, y->net);
    lua_setfield(L, -2, "net");
    set_int(L, "sum_shares", y->sum_shares);
    push_cents(L, y->balance);
    lua_setfield(L, -2, "balance");
    set_bool(L, "covers", y->covers);
    set_int(L, "agreement_months", y->agreement_months);
    set_bool(L, "past_end", y->past_end);
    set_int(L, "members", (lua_Integer)y->nmembers);
    set_str(L, "key", y->key);
    if (y->label[0]) {
      set_str(L, "label", y->label);
    }
    if (y->source[0]) {
      set_str(L, "source", y->source);
    }
    if (y->assumption[0]) {
      set_str(L, "assumption", y->assumption);
    }
    push_amounts(L, y->lines, y->nlines);
    lua_setfield(L, -2, "lines");
    push_amounts(L, y->grants, y->ngrants);
    lua_setfield(L, -2, "grant_list");
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

/* result:explain(code, year) -> text | nil */
static int r_explain(lua_State *L) {
  const cs_result *r = check_result(L, 1);
  const char *code = luaL_checkstring(L, 2);
  int year = (int)luaL_checkinteger(L, 3);
  const cs_row *row = cs_result_row(r, code, year);
  if (!row) return 0;
  char **box = new_textbox(L);
  *box = cs_explain_row_text(r, row);
  push_boxed(L, box);
  return 1;
}

/* result:absent(code, year) -> why code is no member in year (text), or
** nil when the result says nothing about it (cs_explain_absent). */
static int r_absent(lua_State *L) {
  const cs_result *r = check_result(L, 1);
  const char *code = luaL_checkstring(L, 2);
  int year = (int)luaL_checkinteger(L, 3);
  int oom;
  char **box = new_textbox(L);
  *box = cs_explain_absent_text(r, code, year, &oom);
  if (!*box && !oom) return 0;
  push_boxed(L, box);
  return 1;
}

static int r_info(lua_State *L) {
  const cs_result *r = check_result(L, 1);
  lua_createtable(L, 0, 4);
  set_str(L, "name", r->name);
  set_int(L, "from", r->from);
  set_int(L, "to", r->to);
  set_str(L, "options", r->options);
  set_int(L, "rows", (lua_Integer)r->nrows);
  return 1;
}

/* exact(text) -> canonical exact decimal text of a number, or nil, msg */
static int l_exact(lua_State *L) {
  cs_q q;
  char buf[128];
  if (to_q(L, 1, &q) != 0) {
    const char *v = luaL_tolstring(L, 1, NULL);
    lua_pushnil(L);
    lua_pushfstring(L, "not a finite number: %s", v);
    return 2;
  }
  if (cs_q_format_exact(&q, buf, sizeof buf)) {
    lua_pushnil(L);
    lua_pushfstring(L, "too large to be exact: %s", luaL_tolstring(L, 1, NULL));
    return 2;
  }
  lua_pushstring(L, buf);
  return 1;
}

/* sum_is_one(a, b, ...) -> true | false, exact_sum_text */
static int l_sum_is_one(lua_State *L) {
  cs_q sum, one, v;
  cs_q_zero(&sum);
  cs_q_from_i64(&one, 1);
  int n = lua_gettop(L);
  for (int i = 1; i <= n; i++) {
    if (to_q(L, i, &v) != 0 || cs_q_add(&sum, &sum, &v) != 0) {
      lua_pushboolean(L, 0);
      lua_pushstring(L, "not a number");
      return 2;
    }
  }
  char buf[128];
  cs_q_format_exact(&sum, buf, sizeof buf);
  lua_pushboolean(L, cs_q_cmp(&sum, &one) == 0);
  lua_pushstring(L, buf);
  return 2;
}

/* one_minus(v) -> 1 - v exactly, as decimal text (v read as its shortest decimal) */
static int l_one_minus(lua_State *L) {
  cs_q q, one, r;
  char buf[128];
  if (to_q(L, 1, &q) != 0) return luaL_argerror(L, 1, "not a finite number");
  cs_q_from_i64(&one, 1);
  if (cs_q_sub(&r, &one, &q) || cs_q_format_exact(&r, buf, sizeof buf))
    return luaL_error(L, "number too large");
  lua_pushstring(L, buf);
  return 1;
}

/* format_int(n, [sep]) -> "740 539" */
/* check_text(s) -> true | nil, why: s may reach reports and terminals
** (core/text.c: UTF-8, no control or bidirectional formatting characters) */
static int l_check_text(lua_State *L) {
  size_t len;
  const char *s = luaL_checklstring(L, 1, &len);
  char why[160];
  if (cs_text_check(s, len, why, sizeof why) == 0) {
    lua_pushboolean(L, 1);
    return 1;
  }
  lua_pushnil(L);
  lua_pushstring(L, why);
  return 2;
}

static int l_format_int(lua_State *L) {
  char buf[64];
  lua_Integer v = luaL_checkinteger(L, 1);
  const char *sep = luaL_optstring(L, 2, " ");
  lua_pushstring(L, cs_format_int((int64_t)v, sep, buf, sizeof buf));
  return 1;
}

/* valid_date(text) -> true | nil, message */
static int l_valid_date(lua_State *L) {
  cs_date d;
  cs_error err = {0, ""};
  size_t len;
  if (lua_type(L, 1) != LUA_TSTRING) {
    const char *v = luaL_tolstring(L, 1, NULL);
    lua_pushnil(L);
    lua_pushfstring(L, "invalid date %s (expected \"YYYY-MM-DD\")", v);
    return 2;
  }
  const char *s = lua_tolstring(L, 1, &len);
  if (strlen(s) != len) {
    lua_pushnil(L);
    lua_pushfstring(L, "invalid date \"%s\" followed by a NUL byte (expected \"YYYY-MM-DD\")", s);
    return 2;
  }
  if (cs_date_parse(&d, s, &err)) return fail(L, &err);
  lua_pushboolean(L, 1);
  return 1;
}

/* add_days(date, n) -> date */
static int l_add_days(lua_State *L) {
  cs_date d = check_date(L, 1);
  char buf[11];
  lua_pushstring(L, cs_date_format(cs_date_add_days(d, (int)luaL_checkinteger(L, 2)), buf));
  return 1;
}

/* notice_end(months, from, date) -> end, exit */
static int l_notice_end(lua_State *L) {
  cs_notice n = {(int)luaL_checkinteger(L, 1),
                 strcmp(luaL_checkstring(L, 2), "notice_date") == 0 ? CS_NOTICE_NOTICE_DATE
                                                                    : CS_NOTICE_NEXT_JAN1};
  cs_date given = check_date(L, 3), end, exit;
  cs_error err = {0, ""};
  if (cs_notice_period(&n, given, NULL, &end, &exit, &err)) return fail(L, &err);
  char a[11], b[11];
  lua_pushstring(L, cs_date_format(end, a));
  lua_pushstring(L, cs_date_format(exit, b));
  return 2;
}

/* ---- Monte Carlo --------------------------------------------------------- */

static volatile sig_atomic_t mc_stop = 0;
static void mc_interrupt(int sig) {
  (void)sig;
  mc_stop = 1;
}

static void mc_progress(void *ud, long done, long total) {
  (void)total;
  cs_progress_update(ud, done);
}

static double num_field(lua_State *L, int idx, const char *name) {
  lua_getfield(L, idx, name);
  double v = lua_tonumber(L, -1);
  lua_pop(L, 1);
  if (!isfinite(v)) luaL_error(L, "cs.montecarlo: %s must be a finite number", name);
  return v;
}

/* A whole number in lo..hi, checked before any conversion (a NaN or 1e300
** cast to an integer is undefined behaviour). */
static lua_Integer int_field(lua_State *L, int idx, const char *name, lua_Integer lo, lua_Integer hi) {
  lua_getfield(L, idx, name);
  int isint;
  lua_Integer v = lua_tointegerx(L, -1, &isint);
  if (!isint || v < lo || v > hi)
    luaL_error(L, "cs.montecarlo: %s must be a whole number from %I to %I, got %s", name, lo, hi,
               luaL_tolstring(L, -1, NULL));
  lua_pop(L, 1);
  return v;
}

/* montecarlo(model, opts) -> stats { [cell] = { n, mean, p5, p50, p95 } }, draws_done
** model = { nmembers, years = { { year, cost_other, cost_wage, wage_steps, grant,
**           comps = { { kind, amount, by_member = {...} } }, members = {...},
**           population = {...}, year_share = {...} } } } (member indexes from 1) */
static int l_montecarlo(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checktype(L, 2, LUA_TTABLE);
  cs_mc_model m = {0, 0, NULL};
  m.nmembers = (size_t)num_field(L, 1, "nmembers");
  table_field(L, 1, "years");
  int yt = lua_gettop(L);
  m.nyears = (size_t)lua_rawlen(L, yt);
  if (m.nmembers == 0 || m.nyears == 0) return luaL_error(L, "Monte Carlo: no members or no years");
  /* all arrays live in Lua userdata, so an error cannot leak them */
  size_t total = 0;
  for (size_t y = 1; y <= m.nyears; y++) {
    lua_rawgeti(L, yt, (lua_Integer)y);
    table_field(L, -1, "members");
    total += lua_rawlen(L, -1);
    lua_pop(L, 2);
  }
  m.years = lua_newuserdatauv(L, m.nyears * sizeof *m.years, 0);
  int *mem = lua_newuserdatauv(L, (total ? total : 1) * sizeof *mem, 0);
  double *dbl = lua_newuserdatauv(L, (2 * total + 6 * m.nyears * m.nmembers + 1) * sizeof *dbl, 0);
  size_t mi = 0, di = 0;
  for (size_t y = 0; y < m.nyears; y++) {
    cs_mc_year *yr = &m.years[y];
    memset(yr, 0, sizeof *yr);
    lua_rawgeti(L, yt, (lua_Integer)y + 1);
    int t = lua_gettop(L);
    yr->year = (int)num_field(L, t, "year");
    yr->cost_other = num_field(L, t, "cost_other");
    yr->cost_wage = num_field(L, t, "cost_wage");
    yr->wage_steps = (int)num_field(L, t, "wage_steps");
    yr->grant = num_field(L, t, "grant");
    table_field(L, t, "members");
    yr->n = lua_rawlen(L, -1);
    yr->member = mem + mi;
    for (size_t k = 0; k < yr->n; k++) {
      lua_rawgeti(L, -1, (lua_Integer)k + 1);
      int idx = (int)lua_tointeger(L, -1) - 1;
      lua_pop(L, 1);
      if (idx < 0 || (size_t)idx >= m.nmembers) return luaL_error(L, "Monte Carlo: bad member index");
      yr->member[k] = idx;
    }
    mi += yr->n;
    lua_pop(L, 1);
    yr->population = dbl + di;
    table_field(L, t, "population");
    for (size_t k = 0; k < yr->n; k++) {
      lua_rawgeti(L, -1, (lua_Integer)k + 1);
      yr->population[k] = lua_tonumber(L, -1);
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
    di += yr->n;
    yr->year_share = dbl + di;
    table_field(L, t, "year_share");
    for (size_t k = 0; k < yr->n; k++) {
      lua_rawgeti(L, -1, (lua_Integer)k + 1);
      yr->year_share[k] = lua_tonumber(L, -1);
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
    di += yr->n;
    table_field(L, t, "comps");
    yr->ncomp = lua_rawlen(L, -1);
    if (yr->ncomp > 6) return luaL_error(L, "Monte Carlo: at most 6 key components");
    for (size_t c = 0; c < yr->ncomp; c++) {
      lua_rawgeti(L, -1, (lua_Integer)c + 1);
      int ct = lua_gettop(L);
      yr->comp[c].kind = (int)num_field(L, ct, "kind");
      yr->comp[c].amount = num_field(L, ct, "amount");
      if (lua_getfield(L, ct, "by_member") == LUA_TTABLE) {
        yr->comp[c].by_member = dbl + di;
        for (size_t k = 0; k < m.nmembers; k++) {
          lua_rawgeti(L, -1, (lua_Integer)k + 1);
          yr->comp[c].by_member[k] = lua_tonumber(L, -1);
          lua_pop(L, 1);
        }
        di += m.nmembers;
      }
      lua_settop(L, ct - 1);
    }
    lua_settop(L, t - 1);
  }
  cs_mc_options o;
  memset(&o, 0, sizeof o);
  o.seed = (uint64_t)int_field(L, 2, "seed", LUA_MININTEGER, LUA_MAXINTEGER);
  o.draws = (long)int_field(L, 2, "draws", 1, 10000000);
  o.pop_mean = num_field(L, 2, "pop_mean");
  o.pop_sd = num_field(L, 2, "pop_sd");
  lua_getfield(L, 2, "vary_wage");
  o.vary_wage = lua_toboolean(L, -1);
  lua_pop(L, 1);
  o.wage_mean = num_field(L, 2, "wage_mean");
  o.wage_sd = num_field(L, 2, "wage_sd");
  o.threads = (int)int_field(L, 2, "threads", 1, 256);
  /* a bar on a terminal unless progress = false (it shows after 1 s only) */
  lua_getfield(L, 2, "progress");
  int progress = lua_isnil(L, -1) || lua_toboolean(L, -1);
  lua_pop(L, 1);
  cs_mc_stat *stats = lua_newuserdatauv(L, m.nyears * m.nmembers * sizeof *stats, 0);
  memset(stats, 0, m.nyears * m.nmembers * sizeof *stats);
  /* the draws (up to 10^7 per member-year) are the largest buffer by far:
  ** from the Lua allocator too, so that a sandbox's memory cap refuses them
  ** instead of the C heap taking gigabytes on a scenario's say-so */
  if (o.draws >= 1 && o.draws <= 10000000) /* else cs_montecarlo says why */
    o.samples = lua_newuserdatauv(L, m.nyears * m.nmembers * (size_t)o.draws * sizeof *o.samples, 0);
  mc_stop = 0;
  o.stop = &mc_stop;
  void (*old)(int) = signal(SIGINT, mc_interrupt);
  long done = 0;
  cs_error err = {0, ""};
  struct timespec t0, t1;
  cs_progress *bar = progress ? cs_progress_start("Monte Carlo", (long)o.draws) : NULL;
  o.progress = bar ? mc_progress : NULL;
  o.ud = bar;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  int rc = cs_montecarlo(&m, &o, stats, &done, &err);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  signal(SIGINT, old == SIG_ERR ? SIG_DFL : old);
  cs_progress_end(bar);
  if (rc) return fail(L, &err);
  lua_createtable(L, (int)(m.nyears * m.nmembers), 0);
  for (size_t c = 0; c < m.nyears * m.nmembers; c++) {
    lua_createtable(L, 0, 5);
    set_int(L, "n", stats[c].n);
    lua_pushnumber(L, stats[c].mean);
    lua_setfield(L, -2, "mean");
    lua_pushnumber(L, stats[c].p5);
    lua_setfield(L, -2, "p5");
    lua_pushnumber(L, stats[c].p50);
    lua_setfield(L, -2, "p50");
    lua_pushnumber(L, stats[c].p95);
    lua_setfield(L, -2, "p95");
    lua_rawseti(L, -2, (lua_Integer)c + 1);
  }
  lua_pushinteger(L, done);
  lua_pushboolean(L, mc_stop);
  lua_pushnumber(L, (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
  return 4;
}

/* mc_normal(seed, draw, stream) -> the generator's standard normal */
static int l_mc_normal(lua_State *L) {
  lua_pushnumber(L, cs_mc_normal((uint64_t)luaL_checkinteger(L, 1), (uint64_t)luaL_checkinteger(L, 2),
                                 (uint64_t)luaL_checkinteger(L, 3)));
  return 1;
}

/* mc_quantiles() -> { [0..4096] } the generator's table */
static int l_mc_quantiles(lua_State *L) {
  size_t n;
  const double *q = cs_mc_quantiles(&n);
  lua_createtable(L, (int)n, 1);
  for (size_t i = 0; i < n; i++) {
    lua_pushnumber(L, q[i]);
    lua_rawseti(L, -2, (lua_Integer)i);
  }
  return 1;
}

int luaopen_coopsim_core(lua_State *L) {
  if (luaL_newmetatable(L, REGISTRY_MT)) {
    lua_pushcfunction(L, regbox_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushboolean(L, 0); /* getmetatable gives a scenario nothing to change */
    lua_setfield(L, -2, "__metatable");
  }
  lua_pop(L, 1);
  if (luaL_newmetatable(L, COOP_MT)) {
    lua_pushcfunction(L, coopbox_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushboolean(L, 0); /* getmetatable gives a scenario nothing to change */
    lua_setfield(L, -2, "__metatable");
  }
  lua_pop(L, 1);
  if (luaL_newmetatable(L, RESULT_MT)) {
    lua_pushcfunction(L, result_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushboolean(L, 0); /* getmetatable gives a scenario nothing to change */
    lua_setfield(L, -2, "__metatable");
    static const luaL_Reg methods[] = {{"rows", r_rows}, {"years", r_years}, {"explain", r_explain},
                                       {"info", r_info}, {"column", r_column}, {"unpopulated", r_unpopulated},
                                       {"absent", r_absent},
                                       {"json_rows", r_json_rows},
                                       {"same_shares", r_same_shares}, {NULL, NULL}};
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
  }
  lua_pop(L, 1);
  static const luaL_Reg funcs[] = {
      {"find", l_find},           {"population_of", l_population_of},
      {"successor", l_successor}, {"successors", l_successors}, {"names", l_names},
      {"changes", l_changes},     {"sources", l_sources},
      {"population_years", l_population_years},
      {"montecarlo", l_montecarlo}, {"mc_normal", l_mc_normal},
      {"mc_quantiles", l_mc_quantiles},
      {"simulate", l_simulate},   {"charge", l_charge},   {"exact", l_exact},
      {"sum_is_one", l_sum_is_one}, {"format_int", l_format_int}, {"check_text", l_check_text},
      {"valid_date", l_valid_date}, {"notice_end", l_notice_end},
      {"add_days", l_add_days},   {"one_minus", l_one_minus},
      {NULL, NULL}};
  luaL_newlib(L, funcs);
  cs_lua_rundb_register(L);
  set_str(L, "version", COOPSIM_VERSION);
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
  push_script_env(L);
  int env = lua_gettop(L);
  load_with_env(L, "coopsim.lua", env);
  luaopen_coopsim_core(L);
  /* the report module, loaded directly so it works without package */
  load_with_env(L, "report.lua", env);
  lua_pushvalue(L, env + 2); /* report.lua(core) */
  lua_call(L, 1, 1);
  lua_call(L, 2, 1); /* coopsim.lua(core, report) returns the module */
  if (opts && opts->read_file) {
    lua_pushcfunction(L, opts->read_file);
    lua_setfield(L, -2, "read_file");
  }
  cs_lua_readonly(L, -1);
  lua_replace(L, env);
  lua_settop(L, env);
  return 1;
}

int luaopen_coopsim(lua_State *L) { return cs_lua_open_module(L, NULL); }
