/*
** lua_run.c: runs, checks and file requests, owned by C (SPEC §7.4).
**
** A run (s:run) is a userdata that holds its scenario's name, its budget
** years and the results the C core computed; nothing in it can be assigned.
** Every run a scenario makes is listed in the Lua registry, out of the
** scenario's reach: the result document that `coopsim run` reports and
** stores and `coopsim test` compares with golden files is built in C from
** that list (cs_lua_runs_doc), never from Lua tables.
**
** cs.expect's verdicts and the linter's warnings are recorded here, in the
** registry, and read by the command line through the functions in
** lua_coopsim.h. Files a sandboxed scenario asks for (r:write, r:save) are
** recorded as requests naming runs by their place in the list; the parent
** process carries them out.
*/
#include <lauxlib.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "coopsim/doc_build.h"
#include "coopsim/lua_coopsim.h"
#include "lua_internal.h"

#define RUN_MT "coopsim.run"
#define RUNS_KEY "coopsim.runs"              /* the runs the scenario made, in order */
#define RUN_METHODS_KEY "coopsim.run.methods" /* coopsim.lua's methods of a run */
#define CHECKS_KEY "coopsim.checks"          /* expectations and warnings */
#define REQUESTS_KEY "coopsim.requests"      /* file requests of a sandboxed scenario */
#define DEFER_KEY "coopsim.defer_io"         /* 1: files are written by the parent */
#define DOCBOX_MT "coopsim.docbox"

/* Failures and warnings kept as text (the counts go on): what a terminal
** can show; the rest is counted. */
#define KEEP_MAX 1000

/* uservalues: 1 the scenario's name, 2 the results (a table of result
** userdata, the run's own copy), 3 coopsim.lua's state of the run */
typedef struct runbox {
  int from, to;
  lua_Integer index; /* 1.. in RUNS_KEY, 0 for runs coopsim makes for itself */
} runbox;

static runbox *test_run(lua_State *L, int idx) { return luaL_testudata(L, idx, RUN_MT); }

static runbox *check_run(lua_State *L, int idx) {
  runbox *r = test_run(L, idx);
  if (!r) luaL_typeerror(L, idx, "run");
  return r;
}

/* [-0, +1, m] RUNS_KEY, made when missing. */
static void push_runs(lua_State *L) {
  if (lua_getfield(L, LUA_REGISTRYINDEX, RUNS_KEY) == LUA_TTABLE) return;
  lua_pop(L, 1);
  lua_newtable(L);
  lua_pushvalue(L, -1);
  lua_setfield(L, LUA_REGISTRYINDEX, RUNS_KEY);
}

/* core.run_new(name, from, to, results, listed) -> run: the results are
** copied; a listed run is one the scenario made (reported, stored, written) */
static int l_run_new(lua_State *L) {
  luaL_checkstring(L, 1);
  lua_Integer from = luaL_checkinteger(L, 2), to = luaL_checkinteger(L, 3);
  luaL_checktype(L, 4, LUA_TTABLE);
  int listed = lua_toboolean(L, 5);
  if (from < 1900 || to > 2200 || from > to)
    return luaL_error(L, "run years %d..%d are out of range (1900..2200)", (int)from, (int)to);
  lua_Integer n = (lua_Integer)lua_rawlen(L, 4);
  lua_createtable(L, (int)n, 0); /* 6: the results, copied */
  for (lua_Integer i = 1; i <= n; i++) {
    lua_rawgeti(L, 4, i);
    cs_lua_check_result(L, -1);
    lua_rawseti(L, 6, i);
  }
  runbox *r = lua_newuserdatauv(L, sizeof *r, 3); /* 7 */
  r->from = (int)from;
  r->to = (int)to;
  r->index = 0;
  luaL_setmetatable(L, RUN_MT);
  lua_pushvalue(L, 1);
  lua_setiuservalue(L, 7, 1);
  lua_pushvalue(L, 6);
  lua_setiuservalue(L, 7, 2);
  lua_createtable(L, 0, 4);
  lua_pushvalue(L, 6);
  lua_setfield(L, -2, "results");
  lua_setiuservalue(L, 7, 3);
  if (listed) {
    push_runs(L);
    r->index = (lua_Integer)lua_rawlen(L, -1) + 1;
    lua_pushvalue(L, 7);
    lua_rawseti(L, -2, r->index);
    lua_pop(L, 1);
  }
  return 1;
}

void cs_lua_push_run_results(lua_State *L, int idx) {
  check_run(L, idx);
  lua_getiuservalue(L, idx, 2);
}

/* core.is_run(v) -> true when v is a run */
static int l_is_run(lua_State *L) {
  lua_pushboolean(L, test_run(L, 1) != NULL);
  return 1;
}

/* core.run_state(run) -> coopsim.lua's own table for the run */
static int l_run_state(lua_State *L) {
  check_run(L, 1);
  lua_getiuservalue(L, 1, 3);
  return 1;
}

/* core.run_methods(t): the methods a run has (once, from coopsim.lua) */
static int l_run_methods(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_pushvalue(L, 1);
  lua_setfield(L, LUA_REGISTRYINDEX, RUN_METHODS_KEY);
  return 0;
}

void cs_lua_push_runs(lua_State *L) {
  push_runs(L);
  lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
  lua_createtable(L, (int)n, 0);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_rawgeti(L, -2, i);
    lua_rawseti(L, -2, i);
  }
  lua_remove(L, -2);
}

/* core.runs() -> a new list of the runs the scenario made */
static int l_runs(lua_State *L) {
  cs_lua_push_runs(L);
  return 1;
}

static int run_index(lua_State *L) {
  runbox *r = check_run(L, 1);
  const char *k = lua_tostring(L, 2);
  if (lua_type(L, 2) == LUA_TSTRING) {
    if (strcmp(k, "name") == 0) {
      lua_getiuservalue(L, 1, 1);
      return 1;
    }
    if (strcmp(k, "from") == 0 || strcmp(k, "to") == 0) {
      lua_pushinteger(L, k[0] == 'f' ? r->from : r->to);
      return 1;
    }
    if (lua_getfield(L, LUA_REGISTRYINDEX, RUN_METHODS_KEY) == LUA_TTABLE) {
      lua_pushvalue(L, 2);
      lua_rawget(L, -2);
      return 1;
    }
  }
  lua_pushnil(L);
  return 1;
}

/* luaL_error names the line that assigned (the caller of this metamethod) */
static int run_newindex(lua_State *L) {
  return luaL_error(L, "cannot set \"%s\" of a run: a run is what coopsim computed and "
                       "cannot be changed (make another run)",
                    luaL_tolstring(L, 2, NULL));
}

static int run_tostring(lua_State *L) {
  check_run(L, 1);
  if (lua_getfield(L, LUA_REGISTRYINDEX, RUN_METHODS_KEY) == LUA_TTABLE &&
      lua_getfield(L, -1, "_tostring") == LUA_TFUNCTION) {
    lua_pushvalue(L, 1);
    lua_call(L, 1, 1);
    if (lua_type(L, -1) == LUA_TSTRING) return 1;
  }
  lua_getiuservalue(L, 1, 1);
  lua_pushfstring(L, "run %s", lua_tostring(L, -1));
  return 1;
}

/* ---- the result document, from the runs ---------------------------------- */

typedef struct docbox {
  cs_doc *doc;
} docbox;

static int docbox_gc(lua_State *L) {
  docbox *b = luaL_checkudata(L, 1, DOCBOX_MT);
  cs_doc_free(b->doc);
  b->doc = NULL;
  return 0;
}

/* Adds the run at idx to doc; raises on a value that is not a run. */
static void add_run(lua_State *L, int idx, cs_doc *doc) {
  runbox *r = check_run(L, idx);
  lua_getiuservalue(L, idx, 1);
  const char *name = lua_tostring(L, -1);
  lua_getiuservalue(L, idx, 2);
  int t = lua_gettop(L);
  size_t n = (size_t)lua_rawlen(L, t);
  const cs_result **results = lua_newuserdatauv(L, (n ? n : 1) * sizeof *results, 0);
  for (size_t i = 0; i < n; i++) {
    lua_rawgeti(L, t, (lua_Integer)i + 1);
    results[i] = cs_lua_check_result(L, -1);
    lua_pop(L, 1); /* the run's table keeps it */
  }
  cs_error err = {0, ""};
  if (cs_doc_add_run(doc, name, r->from, r->to, results, n, &err)) luaL_error(L, "%s", err.msg);
  lua_settop(L, t - 2);
}

/* [-0, +1, e] A docbox holding the document of the runs in the list at
** list (0: every run the scenario made). */
static docbox *push_doc(lua_State *L, int list, const char *version, const char *file, int explain) {
  if (list) list = lua_absindex(L, list);
  docbox *b = lua_newuserdatauv(L, sizeof *b, 0);
  b->doc = NULL;
  luaL_setmetatable(L, DOCBOX_MT);
  int box = lua_gettop(L);
  if (!(b->doc = cs_doc_new(version, file, explain))) luaL_error(L, "out of memory making the result document");
  if (list) lua_pushvalue(L, list);
  else push_runs(L);
  int t = lua_gettop(L);
  lua_Integer n = (lua_Integer)lua_rawlen(L, t);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_rawgeti(L, t, i);
    add_run(L, lua_gettop(L), b->doc);
    lua_pop(L, 1);
  }
  lua_settop(L, box);
  return b;
}

typedef struct doc_args {
  const char *version, *file;
  int explain;
  cs_doc *doc;
} doc_args;

static int runs_doc_k(lua_State *L) {
  doc_args *a = lua_touserdata(L, 1);
  docbox *b = push_doc(L, 0, a->version, a->file, a->explain);
  a->doc = b->doc;
  b->doc = NULL;
  return 0;
}

int cs_lua_runs_doc(lua_State *L, const char *version, const char *scenario_file, int explain,
                    cs_doc **out, cs_error *err) {
  doc_args a = {version, scenario_file, explain, NULL};
  *out = NULL;
  lua_pushcfunction(L, runs_doc_k);
  lua_pushlightuserdata(L, &a);
  if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
    int code = CS_ERROR;
    cs_error_set(err, code, "%s", lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "out of memory");
    lua_pop(L, 1);
    return code;
  }
  *out = a.doc;
  return CS_OK;
}

typedef struct stream_args {
  cs_wire_out *w;
  const char *version, *file;
  int explain;
  int rc;
  cs_error *err;
} stream_args;

static int runs_stream_k(lua_State *L) {
  stream_args *a = lua_touserdata(L, 1);
  push_runs(L);
  int list = lua_gettop(L);
  size_t n = (size_t)lua_rawlen(L, list);
  cs_doc_results *runs = lua_newuserdatauv(L, (n ? n : 1) * sizeof *runs, 0);
  /* each run's results array kept alive in a table, not on the stack: a
  ** C function may use only LUA_MINSTACK slots unchecked, and a file of 1 000
  ** runs overflowed it (review6: the worker died of signal 11) */
  lua_createtable(L, n < INT_MAX ? (int)n : 0, 0);
  int keep = lua_gettop(L);
  for (size_t i = 0; i < n; i++) {
    lua_rawgeti(L, list, (lua_Integer)i + 1);
    int idx = lua_gettop(L);
    runbox *r = check_run(L, idx);
    lua_getiuservalue(L, idx, 1);
    runs[i].scenario = lua_tostring(L, -1); /* the run's own uservalue keeps it */
    lua_getiuservalue(L, idx, 2);
    int t = lua_gettop(L);
    size_t k = (size_t)lua_rawlen(L, t);
    const cs_result **results = lua_newuserdatauv(L, (k ? k : 1) * sizeof *results, 0);
    for (size_t j = 0; j < k; j++) {
      lua_rawgeti(L, t, (lua_Integer)j + 1);
      results[j] = cs_lua_check_result(L, -1);
      lua_pop(L, 1); /* the run's table keeps it */
    }
    runs[i].from = r->from;
    runs[i].to = r->to;
    runs[i].results = results;
    runs[i].nresults = k;
    lua_rawseti(L, keep, (lua_Integer)i + 1); /* the results array, until done */
    lua_settop(L, keep);
  }
  a->rc = cs_doc_stream(a->w, a->version, a->file, runs, n, a->explain, a->err);
  return 0;
}

int cs_lua_runs_stream(lua_State *L, cs_wire_out *w, const char *version, const char *scenario_file,
                       int explain, cs_error *err) {
  stream_args a = {w, version, scenario_file, explain, CS_OK, err};
  lua_pushcfunction(L, runs_stream_k);
  lua_pushlightuserdata(L, &a);
  if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
    cs_error_set(err, CS_ERROR, "%s", lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "out of memory");
    lua_pop(L, 1);
    /* only the gathering raises, before anything of the document was put */
    cs_wire_put_head(w, version, scenario_file);
    cs_wire_put_end(w, 1);
    return CS_ERROR;
  }
  return a.rc;
}

/* core.doc(runs, version, file) -> docbox: for the Lua writers */
static int l_doc(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  push_doc(L, 1, luaL_optstring(L, 2, NULL), luaL_optstring(L, 3, NULL), 1);
  return 1;
}

const cs_doc *cs_lua_check_doc(lua_State *L, int idx) {
  docbox *b = luaL_checkudata(L, idx, DOCBOX_MT);
  if (!b->doc) luaL_error(L, "the document is closed");
  return b->doc;
}

/* ---- expectations and warnings ------------------------------------------ */

typedef struct checks {
  long long checked, failed, warnings;
} checks;

/* [-0, +1, m] The checks userdata (uservalue 1: failures, 2: warnings,
** 3: the warnings already seen) */
static checks *push_checks(lua_State *L) {
  if (lua_getfield(L, LUA_REGISTRYINDEX, CHECKS_KEY) == LUA_TUSERDATA) return lua_touserdata(L, -1);
  lua_pop(L, 1);
  checks *c = lua_newuserdatauv(L, sizeof *c, 3);
  memset(c, 0, sizeof *c);
  for (int i = 1; i <= 3; i++) {
    lua_newtable(L);
    lua_setiuservalue(L, -2, i);
  }
  lua_pushvalue(L, -1);
  lua_setfield(L, LUA_REGISTRYINDEX, CHECKS_KEY);
  return c;
}

/* [-0, +1, m] "file:line: " of the innermost frame of the scenario's own
** code (not coopsim's), or "" */
static void push_where(lua_State *L) {
  char buf[1024];
  cs_lua_where(L, buf, sizeof buf);
  lua_pushstring(L, buf);
}

/* Records a failed check: where, label, expected and actual, the four
** values on top of the stack (popped). */
static void record_failure(lua_State *L, checks *c, int checks_idx) {
  int top = lua_gettop(L);
  c->failed++;
  lua_getiuservalue(L, checks_idx, 1);
  lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
  if (n < KEEP_MAX) {
    lua_createtable(L, 4, 0);
    for (int i = 0; i < 4; i++) {
      lua_pushvalue(L, top - 3 + i);
      lua_rawseti(L, -2, i + 1);
    }
    lua_rawseti(L, -2, n + 1);
  }
  lua_settop(L, top - 4);
}

/* core.expect(actual, expected [, label]) -> true | false: the two compared
** as raw values (no metamethod of the scenario's decides) */
static int l_expect(lua_State *L) {
  lua_settop(L, 3);
  checks *c = push_checks(L); /* 4 */
  c->checked++;
  if (lua_rawequal(L, 1, 2)) {
    lua_pushboolean(L, 1);
    return 1;
  }
  push_where(L);
  if (lua_isnil(L, 3)) lua_pushliteral(L, "");
  else luaL_tolstring(L, 3, NULL);
  if (lua_type(L, 2) == LUA_TSTRING) lua_pushfstring(L, "\"%s\"", lua_tostring(L, 2));
  else luaL_tolstring(L, 2, NULL);
  if (lua_type(L, 1) == LUA_TSTRING) lua_pushfstring(L, "\"%s\"", lua_tostring(L, 1));
  else luaL_tolstring(L, 1, NULL);
  record_failure(L, c, 4);
  lua_pushboolean(L, 0);
  return 1;
}

/* core.expect_record(passed, label, expected_text, actual_text): a check
** decided by coopsim.lua (cs.expect_error) */
static int l_expect_record(lua_State *L) {
  int passed = lua_toboolean(L, 1);
  const char *label = luaL_optstring(L, 2, "");
  const char *expected = luaL_checkstring(L, 3);
  const char *actual = luaL_checkstring(L, 4);
  lua_settop(L, 4);
  checks *c = push_checks(L); /* 5 */
  c->checked++;
  if (passed) return 0;
  push_where(L);
  lua_pushstring(L, label);
  lua_pushstring(L, expected);
  lua_pushstring(L, actual);
  record_failure(L, c, 5);
  return 0;
}

/* core.warn(where, message): a linter warning, once per place and text */
static int l_warn(lua_State *L) {
  const char *where = luaL_optstring(L, 1, "");
  const char *msg = luaL_checkstring(L, 2);
  lua_settop(L, 2);
  checks *c = push_checks(L); /* 3 */
  lua_getiuservalue(L, 3, 3); /* 4: seen */
  lua_pushfstring(L, "%s\n%s", where, msg);
  if (lua_rawget(L, 4) != LUA_TNIL) return 0;
  lua_pop(L, 1);
  lua_pushfstring(L, "%s\n%s", where, msg);
  lua_pushboolean(L, 1);
  lua_rawset(L, 4);
  c->warnings++;
  lua_getiuservalue(L, 3, 2); /* 5 */
  lua_Integer n = (lua_Integer)lua_rawlen(L, 5);
  if (n < KEEP_MAX) {
    lua_createtable(L, 2, 0);
    lua_pushstring(L, where);
    lua_rawseti(L, -2, 1);
    lua_pushvalue(L, 2);
    lua_rawseti(L, -2, 2);
    lua_rawseti(L, 5, n + 1);
  }
  return 0;
}

void cs_lua_checks(lua_State *L, cs_lua_check_counts *out) {
  memset(out, 0, sizeof *out);
  if (lua_getfield(L, LUA_REGISTRYINDEX, CHECKS_KEY) == LUA_TUSERDATA) {
    const checks *c = lua_touserdata(L, -1);
    out->checked = c->checked;
    out->failed = c->failed;
    out->warnings = c->warnings;
  }
  lua_pop(L, 1);
}

/* The i-th record (0-based) of list uv of the checks; its n texts. */
static int get_record(lua_State *L, int uv, size_t i, const char **texts, int n) {
  int found = 0;
  if (lua_getfield(L, LUA_REGISTRYINDEX, CHECKS_KEY) == LUA_TUSERDATA) {
    lua_getiuservalue(L, -1, uv);
    if (lua_rawgeti(L, -1, (lua_Integer)i + 1) == LUA_TTABLE) {
      found = 1;
      for (int k = 0; k < n; k++) {
        lua_rawgeti(L, -1, k + 1);
        texts[k] = lua_tostring(L, -1); /* kept alive by the record in the registry */
        lua_pop(L, 1);
      }
    }
    lua_pop(L, 2);
  }
  lua_pop(L, 1);
  return found;
}

int cs_lua_check_failure(lua_State *L, size_t i, const char **where, const char **label,
                         const char **expected, const char **actual) {
  const char *t[4];
  if (!get_record(L, 1, i, t, 4)) return 0;
  *where = t[0], *label = t[1], *expected = t[2], *actual = t[3];
  return 1;
}

int cs_lua_warning(lua_State *L, size_t i, const char **where, const char **msg) {
  const char *t[2];
  if (!get_record(L, 2, i, t, 2)) return 0;
  *where = t[0], *msg = t[1];
  return 1;
}

/* ---- the scenario's text -------------------------------------------------- */

#define SCENARIO_KEY "coopsim.scenario" /* { file, text } */

void cs_lua_set_scenario(lua_State *L, const char *file, const char *text, size_t len) {
  lua_createtable(L, 2, 0);
  lua_pushstring(L, file);
  lua_rawseti(L, -2, 1);
  lua_pushlstring(L, text, len);
  lua_rawseti(L, -2, 2);
  lua_setfield(L, LUA_REGISTRYINDEX, SCENARIO_KEY);
}

const char *cs_lua_scenario_text(lua_State *L, const char *file, size_t *len) {
  const char *text = NULL;
  if (lua_getfield(L, LUA_REGISTRYINDEX, SCENARIO_KEY) == LUA_TTABLE) {
    lua_rawgeti(L, -1, 1);
    if (lua_type(L, -1) == LUA_TSTRING && strcmp(lua_tostring(L, -1), file) == 0) {
      lua_rawgeti(L, -2, 2);
      text = lua_tolstring(L, -1, len); /* the table in the registry keeps it */
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  return text;
}

/* ---- file requests -------------------------------------------------------- */

void cs_lua_set_defer_io(lua_State *L, int on) {
  lua_pushboolean(L, on);
  lua_setfield(L, LUA_REGISTRYINDEX, DEFER_KEY);
}

int cs_lua_defers_io(lua_State *L) {
  int on = lua_getfield(L, LUA_REGISTRYINDEX, DEFER_KEY) == LUA_TBOOLEAN && lua_toboolean(L, -1);
  lua_pop(L, 1);
  return on;
}

/* core.defer(kind, path, format|nil, lang|nil, runs) -> true when recorded
** for the parent (a sandboxed state), false when the caller is to write */
static int l_defer(lua_State *L) {
  const char *kind = luaL_checkstring(L, 1);
  luaL_checkstring(L, 2);
  luaL_optstring(L, 3, NULL);
  luaL_optstring(L, 4, NULL);
  luaL_checktype(L, 5, LUA_TTABLE);
  if (strcmp(kind, "write") != 0 && strcmp(kind, "save") != 0) return luaL_error(L, "unknown request %s", kind);
  if (!cs_lua_defers_io(L)) {
    lua_pushboolean(L, 0);
    return 1;
  }
  lua_Integer n = (lua_Integer)lua_rawlen(L, 5);
  if (n < 1) return luaL_error(L, "a request needs at least one run");
  lua_createtable(L, 5, 0); /* 6 */
  for (int i = 1; i <= 4; i++) {
    lua_pushvalue(L, i);
    lua_rawseti(L, 6, i);
  }
  int64_t *runs = lua_newuserdatauv(L, (size_t)n * sizeof *runs, 0);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_rawgeti(L, 5, i);
    runbox *r = check_run(L, -1);
    if (r->index == 0) return luaL_error(L, "run %d was not made by the scenario", (int)i);
    runs[i - 1] = (int64_t)r->index;
    lua_pop(L, 1);
  }
  lua_rawseti(L, 6, 5);
  if (lua_getfield(L, LUA_REGISTRYINDEX, REQUESTS_KEY) != LUA_TTABLE) {
    lua_pop(L, 1);
    lua_newtable(L);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, REQUESTS_KEY);
  }
  lua_pushvalue(L, 6);
  lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
  lua_pushboolean(L, 1);
  return 1;
}

size_t cs_lua_nrequests(lua_State *L) {
  size_t n = lua_getfield(L, LUA_REGISTRYINDEX, REQUESTS_KEY) == LUA_TTABLE ? lua_rawlen(L, -1) : 0;
  lua_pop(L, 1);
  return n;
}

int cs_lua_request(lua_State *L, size_t i, cs_lua_request_info *out) {
  int found = 0;
  if (lua_getfield(L, LUA_REGISTRYINDEX, REQUESTS_KEY) == LUA_TTABLE &&
      lua_rawgeti(L, -1, (lua_Integer)i + 1) == LUA_TTABLE) {
    const char **f[4] = {&out->kind, &out->path, &out->format, &out->lang};
    for (int k = 0; k < 4; k++) {
      lua_rawgeti(L, -1, k + 1);
      *f[k] = lua_tostring(L, -1); /* the record in the registry keeps it */
      lua_pop(L, 1);
    }
    lua_rawgeti(L, -1, 5);
    out->runs = lua_touserdata(L, -1);
    out->nruns = lua_rawlen(L, -1) / sizeof *out->runs;
    lua_pop(L, 1);
    found = 1;
  }
  lua_pop(L, 2);
  return found;
}

/* ---- the scenario's line ------------------------------------------------- */

void cs_lua_where(lua_State *L, char *buf, size_t size) {
  lua_Debug ar;
  buf[0] = '\0';
  for (int level = 0; lua_getstack(L, level, &ar); level++) {
    if (!lua_getinfo(L, "Sl", &ar)) break;
    if (ar.currentline <= 0 || strncmp(ar.source, "=[coopsim]", 10) == 0) continue;
    snprintf(buf, size, "%s:%d: ", ar.short_src, ar.currentline);
    return;
  }
}

void cs_lua_run_register(lua_State *L) {
  if (luaL_newmetatable(L, RUN_MT)) {
    static const luaL_Reg meta[] = {{"__index", run_index},
                                    {"__newindex", run_newindex},
                                    {"__tostring", run_tostring},
                                    {NULL, NULL}};
    luaL_setfuncs(L, meta, 0);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
  }
  lua_pop(L, 1);
  if (luaL_newmetatable(L, DOCBOX_MT)) {
    lua_pushcfunction(L, docbox_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
  }
  lua_pop(L, 1);
  static const luaL_Reg funcs[] = {{"run_new", l_run_new},       {"run_state", l_run_state},
                                   {"is_run", l_is_run},
                                   {"run_methods", l_run_methods}, {"runs", l_runs},
                                   {"doc", l_doc},               {"expect", l_expect},
                                   {"expect_record", l_expect_record}, {"warn", l_warn},
                                   {"defer", l_defer},           {NULL, NULL}};
  luaL_setfuncs(L, funcs, 0);
}
