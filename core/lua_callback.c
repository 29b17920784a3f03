/*
** lua_callback.c: Lua functions the C core calls -- a custom key's weights
** and a scenario's population function -- each called protected, its
** answer checked; and the shipped projections computed in C.
*/
#include <lauxlib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "lua_internal.h"

#define CALLBACK_MT "coopsim.callback"

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

int cs_lua_custom_key(void *ud, int year, const cs_q *net, const cs_key_member *m, size_t n,
                      cs_q *weights, cs_error *err) {
  callback *cb = ud;
  lua_State *L = cb->L;
  int top = lua_gettop(L);
  if (!lua_checkstack(L, 8)) return cs_error_set(err, CS_ENOMEM, "Lua stack overflow");
  lua_pushcfunction(L, traceback_handler);
  lua_rawgeti(L, LUA_REGISTRYINDEX, cb->ref);
  lua_createtable(L, 0, 3);
  cs_lua_set_int(L, "year", year);
  lua_pushnumber(L, (lua_Number)cs_q_to_double(net));
  lua_setfield(L, -2, "net");
  lua_createtable(L, (int)n, 0);
  for (size_t i = 0; i < n; i++) {
    lua_createtable(L, 0, 3);
    cs_lua_set_str(L, "code", m[i].code);
    cs_lua_set_str(L, "name", m[i].name);
    cs_lua_set_int(L, "population", m[i].population);
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
    if (cs_lua_to_q(L, -1, &weights[i]) != 0) {
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

int cs_lua_population_fn(void *ud, const char *code, int year, int pop_year, int64_t *pop,
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

int cs_lua_projection_fn(void *ud, const char *code, int year, int pop_year, int64_t *pop,
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
void *cs_lua_new_callback(lua_State *L, int idx, int anchor_idx) {
  idx = lua_absindex(L, idx);
  anchor_idx = lua_absindex(L, anchor_idx);
  callback *cb = lua_newuserdatauv(L, sizeof *cb, 0);
  cb->L = L;
  cb->ref = LUA_NOREF;
  luaL_setmetatable(L, CALLBACK_MT);
  lua_pushvalue(L, idx);
  cb->ref = luaL_ref(L, LUA_REGISTRYINDEX);
  lua_rawseti(L, anchor_idx, (lua_Integer)lua_rawlen(L, anchor_idx) + 1);
  return cb;
}

/* [-0, +1, e] Pushes field name of the table at idx, or an empty table when
** the field is not a table, so list loops never index a non-table. */

void *cs_lua_new_projection(lua_State *L, int idx, int anchor_idx) {
  idx = lua_absindex(L, idx);
  anchor_idx = lua_absindex(L, anchor_idx);
  const cs_registry *reg = cs_lua_registry(L); /* before the userdata: it may raise */
  projection *pj = lua_newuserdatauv(L, sizeof *pj, 0);
  memset(pj, 0, sizeof *pj);
  pj->reg = reg;
  const char *kind = cs_lua_field_str(L, idx, "kind");
  pj->growth = kind && strcmp(kind, "growth") == 0;
  lua_getfield(L, idx, "rate");
  pj->rate = lua_tonumber(L, -1);
  lua_pop(L, 1);
  lua_rawseti(L, anchor_idx, (lua_Integer)lua_rawlen(L, anchor_idx) + 1);
  return pj;
}

void cs_lua_callback_register(lua_State *L) {
  if (luaL_newmetatable(L, CALLBACK_MT)) {
    lua_pushcfunction(L, callback_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushboolean(L, 0); /* getmetatable gives a scenario nothing to change */
    lua_setfield(L, -2, "__metatable");
  }
  lua_pop(L, 1);
}
