#ifndef COOPSIM_LUA_INTERNAL_H
#define COOPSIM_LUA_INTERNAL_H
/*
** What the Lua binding files (core/lua_*.c) share, internal to core/. One
** file per API area, each adding its functions to the internal core table
** (scripts/ use it; scenarios never see it):
**   lua_registry.c     municipalities, populations, the registry's changes
**   lua_keys.c         keys built from their Lua specs, tables for keys by a column
**   lua_callback.c     Lua functions the core calls: custom keys, population functions
**   lua_cooperation.c  cooperations built from their specs, and simulated
**   lua_result.c       a cooperation's result: rows, years, explanations
**   lua_run.c          runs, checks and file requests (owned by C)
**   lua_compare.c      the alignment behind cs.compare
**   lua_analysis.c     Monte Carlo
**   lua_values.c       exact numbers, dates and texts checked for the scripts
**   lua_readonly.c     read-only views
**   lua_fields.c       reading and writing fields of Lua tables (shared helpers)
** and lua_coopsim.c opens the module: the core table, then the shipped
** scripts in an environment of their own. The sandbox (lua_sandbox.c) uses
** the module; the module knows nothing of the sandbox.
*/
#include <lua.h>
#include <stddef.h>
#include <stdint.h>
#include "coopsim/date.h"
#include "coopsim/error.h"
#include "coopsim/key.h"
#include "coopsim/q.h"
#include "coopsim/registry.h"
#include "coopsim/simulate.h"

/* ---- fields and arguments (lua_fields.c) --------------------------------- */

/* [-0, +0, m] t[k] = v for the table on top of the stack. */
void cs_lua_set_str(lua_State *L, const char *k, const char *v);
void cs_lua_set_int(lua_State *L, const char *k, lua_Integer v);
void cs_lua_set_bool(lua_State *L, const char *k, int v);

/* [-0, +2, m] Pushes nil and err's message; returns 2 (a core function's
** failure, raised at the scenario's line by the scripts). */
int cs_lua_fail(lua_State *L, const cs_error *err);

/* [-0, +0, v] The string argument at idx, which must not hold a NUL byte. */
const char *cs_lua_check_text(lua_State *L, int idx);

/* [-0, +0, v] The date argument at idx ("YYYY-MM-DD"). */
cs_date cs_lua_check_date(lua_State *L, int idx);

/* [-0, +0, -] An exact number at idx: an integer, a float read as its
** shortest decimal, or a string: a decimal ("0.051") or a fraction of two
** decimals ("1/3"). 0 on success. */
int cs_lua_to_q(lua_State *L, int idx, cs_q *out);

/* The exact text of a (cs_lua_to_q reads it back to the same number): its
** decimal when it has one of at most 40 digits after the point, else
** "num/den" in lowest terms. CS_EOVERFLOW when buf is too small. */
int cs_lua_q_text(const cs_q *a, char *buf, size_t size);

/* [-0, +1, e] Field name of the table at idx, or an empty table when the
** field is not a table, so list loops never index a non-table. */
void cs_lua_table_field(lua_State *L, int idx, const char *name);

/* [-0, +0, e] Field name as an exact number into out (*present 0 when
** absent); CS_EINVAL with a message for a value that is no number. */
int cs_lua_field_q(lua_State *L, int idx, const char *name, cs_q *out, int *present,
                   cs_error *err);

/* [-0, +0, e] Field name as a string, or NULL (the string stays alive while
** the table holds it). */
const char *cs_lua_field_str(lua_State *L, int idx, const char *name);

/* [-0, +0, e] Field name as an integer, or dflt. */
lua_Integer cs_lua_field_int(lua_State *L, int idx, const char *name, lua_Integer dflt);

/* [-0, +1, e] Every string in the list at field name (held whole: a list is
** never cut), as an array in a userdata left on the stack that keeps the
** strings alive; its length in *n; NULL (and nil pushed) when absent. An
** entry that is not a string is an error. */
const char **cs_lua_field_strings(lua_State *L, int idx, const char *name, size_t *n);

/* [-0, +0, e] Field name as a date into *d (*present 0 when absent). */
int cs_lua_field_date(lua_State *L, int idx, const char *name, cs_date *d, int *present,
                      cs_error *err);

/* [-0, +1, m] A new empty box for a text made by C (malloc): its __gc frees
** it if pushing it raises, so that nothing leaks. */
char **cs_lua_textbox(lua_State *L);

/* [-1, +1, m] The text in the box on top of the stack replaces the box
** (NULL in the box: out of memory, raised). */
void cs_lua_push_boxed(lua_State *L, char **box);

/* [-0, +1, m] Hundredths as text, "8712.22" (nil when too large). */
void cs_lua_push_cents(lua_State *L, int64_t cents);

/* [-0, +0, v] The result in the userdata at idx (a run's cooperation);
** raises a Lua error when it is not one. */
const cs_result *cs_lua_check_result(lua_State *L, int idx);

/* [-0, +0, e] The state's registry, loaded on first use. */
const cs_registry *cs_lua_registry(lua_State *L);

/* The module's result limit in the Lua registry (cs_lua_module_opts). */
#define CS_LUA_MAX_ROWS_KEY "coopsim.max_rows"

/* ---- the areas: each adds its functions to the core table on top of the
** stack ------------------------------------------------------------------- */

void cs_lua_registry_register(lua_State *L);
void cs_lua_keys_register(lua_State *L);
void cs_lua_callback_register(lua_State *L);
void cs_lua_cooperation_register(lua_State *L);
void cs_lua_result_register(lua_State *L);
void cs_lua_values_register(lua_State *L);
void cs_lua_analysis_register(lua_State *L);

/* ---- what the areas use of each other --------------------------------- */

/* [-0, +1, m] A new result box (its metatable set) holding NULL, for a
** result to come: a Lua error then frees whatever it holds (lua_result.c). */
cs_result **cs_lua_new_result(lua_State *L);

/* [-0, +1, e] Builds the key of the key spec at idx (scripts/: its label,
** source, assumption, components, and a mix, table, bands or limits), its
** entries' codes valid on `resolved`, followed to `last_year` (SPEC 7.1);
** Lua functions it calls are anchored in the table at anchor. *out is the
** caller's (cs_key_free) (lua_keys.c). */
int cs_lua_build_key(lua_State *L, int idx, int anchor, cs_date resolved, int last_year,
                     cs_key **out, cs_error *err);

/* The key a custom component calls: the Lua function in a callback
** (lua_callback.c); ud is the callback. */
int cs_lua_custom_key(void *ud, int year, const cs_q *net, const cs_key_member *members,
                      size_t n, cs_q *weights, cs_error *err);

/* A population function in a callback (cs_population_fn). */
int cs_lua_population_fn(void *ud, const char *code, int year, int pop_year, int64_t *pop,
                         cs_error *err);

/* [-0, +0, e] A callback for the Lua function at idx, anchored in the table
** at anchor_idx (so it lives as long as the cooperation box). */
void *cs_lua_new_callback(lua_State *L, int idx, int anchor_idx);

/* [-0, +0, e] The shipped projection of the spec at idx ({ kind, rate }),
** computed in C (cs_population_fn with the returned ud), anchored like a
** callback. */
void *cs_lua_new_projection(lua_State *L, int idx, int anchor_idx);
int cs_lua_projection_fn(void *ud, const char *code, int year, int pop_year, int64_t *pop,
                         cs_error *err);

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
