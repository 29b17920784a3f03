/*
** lua_report.c: the report writers for Lua (lua_report.h). The runs arrive
** as a result document built in C from the runs' results (core.doc), so Lua
** and the command line write through the same writers.
*/
#include <lauxlib.h>
#include <stdlib.h>
#include "coopsim/doc.h"
#include "coopsim/lua_report.h"
#include "coopsim/report.h"
#include "lua_internal.h"
#include "report_internal.h"

/* write_report(path, doc, format|nil, lang|nil) -> true | nil, message */
static int l_write_report(lua_State *L) {
  /* every argument checked before anything is allocated: a Lua error is a longjmp */
  const char *path = luaL_checkstring(L, 1);
  const cs_doc *doc = cs_lua_check_doc(L, 2);
  const char *format = luaL_optstring(L, 3, NULL);
  const char *lang = luaL_optstring(L, 4, NULL);
  cs_error err = {0, ""};
  cs_report_format fmt;
  cs_report_lang lng = CS_LANG_EN;
  int rc = format ? cs_report_format_parse(format, &fmt, &err) : cs_report_format_from_path(path, &fmt, &err);
  /* the language given, else COOPSIM_LANG's */
  if (!rc) rc = lang ? cs_report_lang_parse(lang, &lng, &err) : cs_report_lang_default(&lng, &err);
  if (!rc) rc = cs_report_write(doc, fmt, lng, path, &err);
  if (rc) {
    lua_pushnil(L);
    lua_pushstring(L, err.msg);
    return 2;
  }
  lua_pushboolean(L, 1);
  return 1;
}



/* check_report(path, format|nil, lang|nil) -> true | nil, message: the
** format (given, or from the path's extension) and language are known */
static int l_check_report(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  const char *format = luaL_optstring(L, 2, NULL);
  const char *lang = luaL_optstring(L, 3, NULL);
  cs_error err = {0, ""};
  cs_report_format fmt;
  cs_report_lang lng;
  int rc = format ? cs_report_format_parse(format, &fmt, &err) : cs_report_format_from_path(path, &fmt, &err);
  if (!rc && lang) rc = cs_report_lang_parse(lang, &lng, &err);
  if (rc) {
    lua_pushnil(L);
    lua_pushstring(L, err.msg);
    return 2;
  }
  lua_pushboolean(L, 1);
  return 1;
}

/* render(doc, format, lang|nil) -> text: a text report (csv, json, ...) */
static int l_render(lua_State *L) {
  const cs_doc *doc = cs_lua_check_doc(L, 1);
  const char *format = luaL_checkstring(L, 2);
  const char *lang = luaL_optstring(L, 3, NULL);
  cs_error err = {0, ""};
  cs_report_format fmt;
  cs_report_lang lng = CS_LANG_EN;
  char *text = NULL;
  size_t len = 0;
  int rc = cs_report_format_parse(format, &fmt, &err);
  if (!rc && lang) rc = cs_report_lang_parse(lang, &lng, &err);
  if (!rc) rc = cs_report_render(doc, fmt, lng, &text, &len, &err);
  if (rc) return luaL_error(L, "%s", err.msg);
  lua_pushlstring(L, text, len);
  free(text);
  return 1;
}

/* The session language in the Lua registry, out of a scenario's reach. */
#define LANG_KEY "coopsim.lang"

void cs_lua_set_lang(lua_State *L, cs_report_lang lang) {
  lua_pushstring(L, lang == CS_LANG_NB ? "nb" : "en");
  lua_setfield(L, LUA_REGISTRYINDEX, LANG_KEY);
}

/* lang([name]) -> "en" | "nb" | nil, message: the language named (en, nb;
** "no" is nb), or without a name the session's (cs_lua_set_lang), else
** COOPSIM_LANG's; the message names an unknown one. */
static int l_lang(lua_State *L) {
  const char *name = luaL_optstring(L, 1, NULL);
  cs_report_lang lang;
  cs_error err = {0, ""};
  int rc;
  if (name) {
    rc = cs_report_lang_parse(name, &lang, &err);
  } else {
    if (lua_getfield(L, LUA_REGISTRYINDEX, LANG_KEY) == LUA_TSTRING) return 1;
    lua_pop(L, 1);
    rc = cs_report_lang_default(&lang, &err);
  }
  if (rc != 0) {
    lua_pushnil(L);
    lua_pushstring(L, err.msg);
    return 2;
  }
  lua_pushstring(L, lang == CS_LANG_NB ? "nb" : "en");
  return 1;
}

/* label(text, lang) -> the reports' label for the English text in lang
** (report_lang.c: "diff kr" -> "endring kr"); text itself when it has none */
static int l_label(lua_State *L) {
  const char *text = luaL_checkstring(L, 1);
  const char *name = luaL_checkstring(L, 2);
  cs_report_lang lang;
  cs_error err = {0, ""};
  if (cs_report_lang_parse(name, &lang, &err) != 0) return luaL_error(L, "%s", err.msg);
  lua_pushstring(L, cs_rl_text(lang, text));
  return 1;
}

void cs_lua_report_register(lua_State *L) {
  lua_pushcfunction(L, l_lang);
  lua_setfield(L, -2, "lang");
  lua_pushcfunction(L, l_label);
  lua_setfield(L, -2, "label");
  lua_pushcfunction(L, l_write_report);
  lua_setfield(L, -2, "write_report");
  lua_pushcfunction(L, l_render);
  lua_setfield(L, -2, "render");
  lua_pushcfunction(L, l_check_report);
  lua_setfield(L, -2, "check_report");
}
