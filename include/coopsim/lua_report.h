#ifndef COOPSIM_LUA_REPORT_H
#define COOPSIM_LUA_REPORT_H
/* Lua binding of the report writers (report.h), used by scripts/coopsim.lua
** for r:write, comparison:write and cs.write. */
#include <lua.h>

/* [-0, +0, m] Adds write_report to the core table on top of the stack:
** write_report(path, doc, format|nil, lang|nil) -> true | nil, message, doc
** a document from core.doc; and render(doc, format, lang|nil) -> text.
** The format comes from path's extension when nil; messages name the path,
** and the Lua caller adds the scenario's file:line. */
void cs_lua_report_register(lua_State *L);

#endif
