/*
** lua_fields.c: reading and writing fields of Lua tables and arguments,
** as every binding file needs them (lua_internal.h).
*/
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>
#include "lua_internal.h"

void cs_lua_set_str(lua_State *L, const char *k, const char *v) {
  lua_pushstring(L, v);
  lua_setfield(L, -2, k);
}

void cs_lua_set_int(lua_State *L, const char *k, lua_Integer v) {
  lua_pushinteger(L, v);
  lua_setfield(L, -2, k);
}

void cs_lua_set_bool(lua_State *L, const char *k, int v) {
  lua_pushboolean(L, v);
  lua_setfield(L, -2, k);
}

int cs_lua_fail(lua_State *L, const cs_error *err) {
  lua_pushnil(L);
  lua_pushstring(L, err->msg);
  return 2;
}

/* (C would read only the text before a NUL byte: "2023-01-01\0junk" is no date) */
const char *cs_lua_check_text(lua_State *L, int idx) {
  size_t len;
  const char *s = luaL_checklstring(L, idx, &len);
  if (strlen(s) != len) luaL_argerror(L, idx, "the text holds a NUL byte");
  return s;
}

cs_date cs_lua_check_date(lua_State *L, int idx) {
  const char *s = cs_lua_check_text(L, idx);
  cs_date d;
  cs_error err;
  if (cs_date_parse(&d, s, &err)) luaL_error(L, "%s", err.msg);
  return d;
}

/* "a/b" (two decimals) or a decimal. */
static int q_from_text(cs_q *out, const char *s) {
  const char *slash = strchr(s, '/');
  if (!slash) return cs_q_from_decimal(out, s);
  char num[128];
  size_t n = (size_t)(slash - s);
  if (n == 0 || n >= sizeof num) return CS_EINVAL;
  memcpy(num, s, n);
  num[n] = '\0';
  cs_q a, b;
  if (cs_q_from_decimal(&a, num) || cs_q_from_decimal(&b, slash + 1) || cs_q_is_zero(&b))
    return CS_EINVAL;
  return cs_q_div(out, &a, &b);
}

int cs_lua_to_q(lua_State *L, int idx, cs_q *out) {
  if (lua_isinteger(L, idx)) {
    cs_q_from_i64(out, (int64_t)lua_tointeger(L, idx));
    return 0;
  }
  if (lua_type(L, idx) == LUA_TNUMBER) return cs_q_from_double(out, (double)lua_tonumber(L, idx));
  if (lua_type(L, idx) == LUA_TSTRING) {
    size_t len;
    const char *s = lua_tolstring(L, idx, &len);
    if (strlen(s) != len) return CS_EINVAL;
    return q_from_text(out, s);
  }
  return CS_EINVAL;
}

int cs_lua_q_text(const cs_q *a, char *buf, size_t size) {
  cs_q r;
  cs_q_copy(&r, a);
  if (cs_q_normalise(&r)) return CS_EINVAL;
  if (cs_q_format_exact(&r, buf, size) == CS_OK && !strstr(buf, "...")) return CS_OK;
  /* no short decimal: "num/den" in lowest terms */
  size_t used;
  if (cs_big_to_str(&r.num, buf, size)) return CS_EOVERFLOW;
  used = strlen(buf);
  if (used + 2 >= size) return CS_EOVERFLOW;
  buf[used++] = '/';
  return cs_big_to_str(&r.den, buf + used, size - used) ? CS_EOVERFLOW : CS_OK;
}

void cs_lua_table_field(lua_State *L, int idx, const char *name) {
  if (lua_getfield(L, idx, name) != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_newtable(L);
  }
}

int cs_lua_field_q(lua_State *L, int idx, const char *name, cs_q *out, int *present,
                   cs_error *err) {
  lua_getfield(L, idx, name);
  *present = !lua_isnil(L, -1);
  int rc = CS_OK;
  if (*present && cs_lua_to_q(L, -1, out) != 0) {
    const char *v = lua_tostring(L, -1);
    rc = cs_error_set(err, CS_EINVAL, "%s is not a finite number (got %s)", name,
                      v ? v : luaL_typename(L, -1));
  }
  lua_pop(L, 1);
  return rc;
}

const char *cs_lua_field_str(lua_State *L, int idx, const char *name) {
  lua_getfield(L, idx, name);
  const char *s = lua_tostring(L, -1);
  lua_pop(L, 1); /* the string stays alive: it is still in the spec table */
  return s;
}

lua_Integer cs_lua_field_int(lua_State *L, int idx, const char *name, lua_Integer dflt) {
  lua_getfield(L, idx, name);
  lua_Integer v = lua_isinteger(L, -1) ? lua_tointeger(L, -1) : dflt;
  lua_pop(L, 1);
  return v;
}

const char **cs_lua_field_strings(lua_State *L, int idx, const char *name, size_t *n) {
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

int cs_lua_field_date(lua_State *L, int idx, const char *name, cs_date *d, int *present,
                      cs_error *err) {
  const char *s = cs_lua_field_str(L, idx, name);
  *present = s != NULL;
  if (!s) return CS_OK;
  return cs_date_parse(d, s, err);
}

static int textbox_gc(lua_State *L) {
  char **box = lua_touserdata(L, 1);
  free(*box);
  *box = NULL;
  return 0;
}

char **cs_lua_textbox(lua_State *L) {
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

void cs_lua_push_boxed(lua_State *L, char **box) {
  if (!*box) luaL_error(L, "not enough memory");
  lua_pushstring(L, *box);
  free(*box);
  *box = NULL;
  lua_remove(L, -2);
}

void cs_lua_push_cents(lua_State *L, int64_t cents) {
  char buf[32];
  if (cs_q_format_cents(cents, NULL, ".", buf, sizeof buf)) lua_pushnil(L);
  else lua_pushstring(L, buf);
}
