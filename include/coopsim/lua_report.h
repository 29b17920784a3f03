#ifndef COOPSIM_LUA_REPORT_H
#define COOPSIM_LUA_REPORT_H
/* Lua binding of the report writers (report.h), used by scripts/coopsim.lua
** for r:write, comparison:write and cs.write. */
#include <lua.h>
#include "coopsim/report.h"

/* [-0, +0, m] Adds write_report to the core table on top of the stack:
** write_report(path, doc, format|nil, lang|nil) -> true | nil, message, doc
** a document from core.doc; and render(doc, format, lang|nil) -> text.
** The format comes from path's extension when nil; messages name the path,
** and the Lua caller adds the scenario's file:line. */
void cs_lua_report_register(lua_State *L);

/* [-0, +0, m] Sets the session's language in L (the registry; a scenario
** cannot reach it): what a scenario prints of results (print(r),
** print(cs.compare(...)), r:explain without a lang option) is then in
** lang. Without it, COOPSIM_LANG decides, else English. The command line
** calls it for --lang. */
void cs_lua_set_lang(lua_State *L, cs_report_lang lang);

#endif
