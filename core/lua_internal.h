#ifndef COOPSIM_LUA_INTERNAL_H
#define COOPSIM_LUA_INTERNAL_H
/* What the Lua binding files (core/lua_*.c) share, internal to core/. */
#include <lua.h>
#include <stddef.h>
#include "coopsim/registry.h"
#include "coopsim/simulate.h"

/* [-0, +0, v] The result in the userdata at idx (a run's cooperation);
** raises a Lua error when it is not one. */
const cs_result *cs_lua_check_result(lua_State *L, int idx);

/* [-0, +0, e] The state's registry, loaded on first use. */
const cs_registry *cs_lua_registry(lua_State *L);

/* [-0, +0, m] Adds compare to the core table on top of the stack (lua_compare.c). */
void cs_lua_compare_register(lua_State *L);

/* [-0, +0, m] Adds run_new, run_state, run_methods, runs, doc, expect,
** expect_record, warn and defer to the core table on top of the stack
** (lua_run.c). */
void cs_lua_run_register(lua_State *L);

/* [-0, +1, v] The results of the run at idx (a table of result userdata
** the run owns; read it, never change it); raises when it is no run. */
void cs_lua_push_run_results(lua_State *L, int idx);

/* [-0, +0, v] The document in the docbox at idx (core.doc). */
struct cs_doc;
const struct cs_doc *cs_lua_check_doc(lua_State *L, int idx);

/* [-0, +0, m] Adds readonly and raw to the core table on top of the stack
** (lua_readonly.c). */
void cs_lua_readonly_register(lua_State *L);

/* [-0, +1, m] The read-only view of the table at idx (the value itself
** when it is not a table; a view is its own view). */
void cs_lua_readonly(lua_State *L, int idx);

/* [-0, +0, m] 1 when the value at idx is one of coopsim's read-only views. */
int cs_lua_is_view(lua_State *L, int idx);

/* "file:line: " of the innermost frame that is the scenario's own code (not
** coopsim's shipped scripts), or "" (lua_run.c). */
void cs_lua_where(lua_State *L, char *buf, size_t size);

#endif
