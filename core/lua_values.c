/*
** lua_values.c: exact numbers, dates and texts checked in C for the
** scripts (a Lua number read as its shortest decimal, a date that exists,
** a text fit for reports).
*/
#include <lauxlib.h>
#include <stdio.h>
#include <string.h>
#include "coopsim/explain.h"
#include "coopsim/notice.h"
#include "coopsim/text.h"
#include "lua_internal.h"

/* Room for any exact text (cs_lua_q_text: two numbers of up to 1300 digits). */
#define QTEXT 2700

/* exact(v) -> the exact text of a number (its decimal, or "num/den"), or nil, msg */
static int l_exact(lua_State *L) {
  cs_q q;
  char buf[QTEXT];
  if (cs_lua_to_q(L, 1, &q) != 0) {
    const char *v = luaL_tolstring(L, 1, NULL);
    lua_pushnil(L);
    lua_pushfstring(L, "not a finite number: %s", v);
    return 2;
  }
  if (cs_lua_q_text(&q, buf, sizeof buf)) {
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
    if (cs_lua_to_q(L, i, &v) != 0 || cs_q_add(&sum, &sum, &v) != 0) {
      lua_pushboolean(L, 0);
      lua_pushstring(L, "not a number");
      return 2;
    }
  }
  char buf[QTEXT];
  if (cs_lua_q_text(&sum, buf, sizeof buf)) snprintf(buf, sizeof buf, "(too large)");
  lua_pushboolean(L, cs_q_cmp(&sum, &one) == 0);
  lua_pushstring(L, buf);
  return 2;
}

/* one_minus(v) -> 1 - v exactly, as decimal text (v read as its shortest decimal) */
static int l_one_minus(lua_State *L) {
  cs_q q, one, r;
  char buf[QTEXT];
  if (cs_lua_to_q(L, 1, &q) != 0) return luaL_argerror(L, 1, "not a finite number");
  cs_q_from_i64(&one, 1);
  if (cs_q_sub(&r, &one, &q) || cs_lua_q_text(&r, buf, sizeof buf))
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
  if (cs_date_parse(&d, s, &err)) return cs_lua_fail(L, &err);
  lua_pushboolean(L, 1);
  return 1;
}

/* add_days(date, n) -> date */
static int l_add_days(lua_State *L) {
  cs_date d = cs_lua_check_date(L, 1);
  char buf[11];
  lua_pushstring(L, cs_date_format(cs_date_add_days(d, (int)luaL_checkinteger(L, 2)), buf));
  return 1;
}

/* notice_end(months, from, date) -> end, exit */
static int l_notice_end(lua_State *L) {
  cs_notice n = {(int)luaL_checkinteger(L, 1),
                 strcmp(luaL_checkstring(L, 2), "notice_date") == 0 ? CS_NOTICE_NOTICE_DATE
                                                                    : CS_NOTICE_NEXT_JAN1};
  cs_date given = cs_lua_check_date(L, 3), end, exit;
  cs_error err = {0, ""};
  if (cs_notice_period(&n, given, NULL, &end, &exit, &err)) return cs_lua_fail(L, &err);
  char a[11], b[11];
  lua_pushstring(L, cs_date_format(end, a));
  lua_pushstring(L, cs_date_format(exit, b));
  return 2;
}


/* q(op, a, b) -> the exact text of a op b ("add", "sub", "mul", "div"), or
** for "cmp" -1, 0 or 1; nil, message for a value that is no number, a
** division by 0 or a result too large */
static int l_q(lua_State *L) {
  static const char *const ops[] = {"add", "sub", "mul", "div", "cmp", NULL};
  int op = luaL_checkoption(L, 1, NULL, ops);
  cs_q a, b, r;
  if (cs_lua_to_q(L, 2, &a) || cs_lua_to_q(L, 3, &b)) {
    lua_pushnil(L);
    lua_pushfstring(L, "not a finite number: %s", luaL_tolstring(L, cs_lua_to_q(L, 2, &a) ? 2 : 3, NULL));
    return 2;
  }
  int rc = CS_OK;
  switch (op) {
  case 0: rc = cs_q_add(&r, &a, &b); break;
  case 1: rc = cs_q_sub(&r, &a, &b); break;
  case 2: rc = cs_q_mul(&r, &a, &b); break;
  case 3: rc = cs_q_is_zero(&b) ? CS_EINVAL : cs_q_div(&r, &a, &b); break;
  default: lua_pushinteger(L, cs_q_cmp(&a, &b)); return 1;
  }
  char buf[QTEXT];
  if (rc || cs_lua_q_text(&r, buf, sizeof buf)) {
    lua_pushnil(L);
    lua_pushstring(L, rc == CS_EINVAL ? "division by zero" : "too large for exact arithmetic");
    return 2;
  }
  lua_pushstring(L, buf);
  return 1;
}

/* number(v) -> its exact text and its nearest double, or nil, message: a
** number or a text the scripts take for one ("0.051", "1/3") */
static int l_number(lua_State *L) {
  cs_q q;
  char buf[QTEXT];
  if (cs_lua_to_q(L, 1, &q) != 0) {
    lua_pushnil(L);
    lua_pushfstring(L, "not a finite number: %s", luaL_tolstring(L, 1, NULL));
    return 2;
  }
  if (cs_lua_q_text(&q, buf, sizeof buf)) {
    lua_pushnil(L);
    lua_pushstring(L, "too large to be exact");
    return 2;
  }
  lua_pushstring(L, buf);
  lua_pushnumber(L, (lua_Number)cs_q_to_double(&q));
  return 2;
}

void cs_lua_values_register(lua_State *L) {
  static const luaL_Reg funcs[] = {
      {"exact", l_exact},           {"sum_is_one", l_sum_is_one}, {"format_int", l_format_int},
      {"check_text", l_check_text}, {"valid_date", l_valid_date}, {"notice_end", l_notice_end},
      {"add_days", l_add_days},     {"one_minus", l_one_minus},   {"q", l_q},
      {"number", l_number},         {NULL, NULL}};
  luaL_setfuncs(L, funcs, 0);
}
