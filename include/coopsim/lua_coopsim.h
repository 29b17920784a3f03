#ifndef COOPSIM_LUA_COOPSIM_H
#define COOPSIM_LUA_COOPSIM_H
/*
** Lua bindings. luaopen_coopsim loads the shipped Lua API (scripts/, embedded)
** on top of the C core and returns the `coopsim` module table; it is also the
** entry point of the loadable module for a stock lua5.4 (`require "coopsim"`).
*/
#include <lua.h>
#include <stddef.h>
#include <stdint.h>
#include "coopsim/doc.h"
#include "coopsim/doc_wire.h"
#include "coopsim/error.h"

/* [-0, +1, e] Pushes the coopsim module (cs_lua_open_module with no
** options). */
int luaopen_coopsim(lua_State *L);

/* What a host adds to the module. */
typedef struct cs_lua_module_opts {
  lua_CFunction read_file; /* coopsim.read_file (cs.table reads through it), or NULL:
                           ** any file the process can read */
  long max_rows;           /* result rows all runs together may hold; 0 = no limit */
  int lazy;                /* 1: the shipped scripts run the first time the module is
                           ** read (a name looked up, pairs), not when it is opened */
} cs_lua_module_opts;

/* [-0, +1, e] Loads the shipped scripts in an environment of their own (a
** scenario that replaces a global or a library function changes nothing of
** coopsim's) and pushes the module: a read-only table, like every table and
** object it hands out (SPEC §7.4). opts may be NULL.
** With opts->lazy the scripts run at the module's first read instead, in
** that read: a file that never touches `coopsim` does not pay for them, and
** one that does sees the same module (same names, values, errors). Their
** failure (out of memory, a sandbox limit) is then raised by that read, and
** the next read tries again. Only a reader that bypasses metamethods (the
** REPL's completion through cs_lua_raw) would see the module still empty:
** such a host opens it eagerly. */
int cs_lua_open_module(lua_State *L, const cs_lua_module_opts *opts);

/* [-0, +1, e] Pushes the internal core table (used by the shipped scripts). */
int luaopen_coopsim_core(lua_State *L);

/* Uses the registry CSVs in dir instead of the embedded one for every
** coopsim module opened in L afterwards (NULL: embedded). */
void cs_lua_set_data_dir(lua_State *L, const char *dir);

/* The same for a registry stored in an SQLite database (`--db FILE`). */
void cs_lua_set_db(lua_State *L, const char *path);

/* [-0, +1, m] Loads the embedded script `name` (e.g. "coopsim.lua") as a
** chunk named "=[coopsim]/name". Returns a lua_load status. */
int cs_lua_load_script(lua_State *L, const char *name);

/* [-0, +1, m] The table behind coopsim's read-only view at idx (the value
** itself when it is not a view): for trusted readers such as the REPL's
** completion, which must not run metamethods (lua_readonly.c). */
void cs_lua_raw(lua_State *L, int idx);

/* ---- what the scenario made, as C sees it (lua_run.c) --------------------- */

/* The result document of every run the scenario made, in order, built from
** the C core's results; version and scenario_file are copied into it (may be
** NULL); explain 0 leaves out the parts' explanations (doc_build.h). *out is
** the caller's (cs_doc_free). CS_ERROR or CS_ENOMEM with a message. Safe to
** call outside a protected call. */
int cs_lua_runs_doc(lua_State *L, const char *version, const char *scenario_file, int explain,
                    cs_doc **out, cs_error *err);

/* The same document written to w as it is made, a run at a time
** (doc_build.h cs_doc_stream): what a worker sends its parent. On a failure
** the records say so (the reader fails) and CS_ERROR, CS_ENOMEM or
** CS_EINVAL comes back with a message. Safe outside a protected call. */
int cs_lua_runs_stream(lua_State *L, cs_wire_out *w, const char *version, const char *scenario_file,
                       int explain, cs_error *err);

/* [-0, +1, m] A new list of the runs made in L so far (the runs a scenario
** made, in order: what cs_lua_runs_doc reports). */
void cs_lua_push_runs(lua_State *L);

/* What cs.expect and the linter recorded. */
typedef struct cs_lua_check_counts {
  long long checked; /* cs.expect and cs.expect_error calls */
  long long failed;
  long long warnings; /* distinct linter warnings */
} cs_lua_check_counts;

void cs_lua_checks(lua_State *L, cs_lua_check_counts *out);

/* The i-th failed check (0-based; the first 1000 are kept): where
** ("file:line: "), label ("" when none) and the expected and actual values
** as text. The strings live as long as the state. 0 when there is none. */
int cs_lua_check_failure(lua_State *L, size_t i, const char **where, const char **label,
                         const char **expected, const char **actual);

/* The i-th linter warning (0-based; the first 1000 are kept). */
int cs_lua_warning(lua_State *L, size_t i, const char **where, const char **msg);

/* The scenario file the host runs in L, and its bytes as they run (read
** once): what r:save stores with the runs, instead of reading the file
** again by name. The text is copied into the state. */
void cs_lua_set_scenario(lua_State *L, const char *file, const char *text, size_t len);

/* The bytes set for file, or NULL when none were (another file, a REPL);
** they live as long as the state. */
const char *cs_lua_scenario_text(lua_State *L, const char *file, size_t *len);

/* Files a sandboxed scenario asks for (r:write, r:save) are recorded, not
** written: set_defer_io(L, 1) makes it so (the sandbox does). */
void cs_lua_set_defer_io(lua_State *L, int on);
int cs_lua_defers_io(lua_State *L);

/* A recorded request. The runs are 1-based places in the document that
** cs_lua_runs_doc makes. The pointers live as long as the state. */
typedef struct cs_lua_request_info {
  const char *kind;   /* "write" or "save" */
  const char *path;   /* as the scenario gave it */
  const char *format; /* NULL: from the path's extension */
  const char *lang;   /* NULL: en */
  const int64_t *runs;
  size_t nruns;
} cs_lua_request_info;

size_t cs_lua_nrequests(lua_State *L);

/* The i-th request (0-based); 0 when there is none. */
int cs_lua_request(lua_State *L, size_t i, cs_lua_request_info *out);

#endif
