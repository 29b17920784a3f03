/*
** lua_report.c: the report writers for Lua (lua_report.h). The runs arrive
** as the result document's JSON (scripts/report.lua, R.json), so Lua and the
** command line write through the same parser and writers.
*/
#include <lauxlib.h>
#include <stdlib.h>
#include "coopsim/doc.h"
#include "coopsim/lua_report.h"
#include "coopsim/report.h"
#include "coopsim/sandbox.h"

/* write_report(path, json, format|nil, lang|nil) -> true | nil, message */
static int l_write_report(lua_State *L) {
  /* every argument checked before anything is allocated: a Lua error is a longjmp */
  const char *path = luaL_checkstring(L, 1);
  size_t len;
  const char *json = luaL_checklstring(L, 2, &len);
  const char *format = luaL_optstring(L, 3, NULL);
  const char *lang = luaL_optstring(L, 4, NULL);
  if (cs_sandbox_defers_io(L)) {
    /* a sandboxed scenario: the parent process checks the path and writes */
    cs_sandbox_request req = {"write", path, format, lang, json, len};
    cs_sandbox_defer(L, &req);
    lua_pushboolean(L, 1);
    return 1;
  }
  cs_error err = {0, ""};
  cs_report_format fmt;
  cs_report_lang lng = CS_LANG_EN;
  cs_doc *doc = NULL;
  int rc = format ? cs_report_format_parse(format, &fmt, &err) : cs_report_format_from_path(path, &fmt, &err);
  if (!rc && lang) rc = cs_report_lang_parse(lang, &lng, &err);
  if (!rc) rc = cs_doc_from_json(json, len, "the runs", &doc, &err);
  if (!rc) rc = cs_report_write(doc, fmt, lng, path, &err);
  cs_doc_free(doc);
  if (rc) {
    lua_pushnil(L);
    lua_pushstring(L, err.msg);
    return 2;
  }
  lua_pushboolean(L, 1);
  return 1;
}

void cs_lua_report_register(lua_State *L) {
  lua_pushcfunction(L, l_write_report);
  lua_setfield(L, -2, "write_report");
}
