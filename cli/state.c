/*
** state.c: what the command line's commands share: a fresh Lua state for a
** scenario file or for what the user types, protected calls with a short
** error, loading a scenario file, and reporting its warnings and failed
** expectations.
*/
#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "coopsim/readfile.h"
#include "coopsim/sandbox.h"

static int traceback(lua_State *L) {
  const char *msg = lua_tostring(L, 1);
  if (msg == NULL) {
    if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) return 1;
    msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  }
  /* scenario errors already carry file:line; a traceback would only add
  ** coopsim's internals, so keep it short unless COOPSIM_TRACEBACK is set */
  if (getenv("COOPSIM_TRACEBACK")) luaL_traceback(L, L, msg, 1);
  else lua_pushstring(L, msg);
  return 1;
}

int cli_pcall(lua_State *L, int nargs, int nresults) {
  int base = lua_gettop(L) - nargs;
  lua_pushcfunction(L, traceback);
  lua_insert(L, base);
  int status = lua_pcall(L, nargs, nresults, base);
  lua_remove(L, base);
  if (status != LUA_OK) {
    fprintf(stderr, "coopsim: %s\n", lua_tostring(L, -1));
    lua_pop(L, 1);
  }
  return status;
}

/* The folder of a file ("." for a bare name), into buf. */
static void folder_of(const char *file, char *buf, size_t size) {
  const char *slash = strrchr(file, '/');
  if (!slash) snprintf(buf, size, ".");
  else if (slash == file) snprintf(buf, size, "/");
  else snprintf(buf, size, "%.*s", (int)(slash - file), file);
}

lua_State *cli_new_state(const cli_options *opt, const char *scenario, int print_to_stderr) {
  static char folder[4096]; /* outlives the state: one scenario per process at a time */
  cs_sandbox_opts so;
  cs_sandbox_defaults(&so);
  so.trusted = scenario == NULL || opt->trusted;
  if (opt->max_memory) so.max_memory = opt->max_memory;
  if (opt->max_instructions) so.max_instructions = opt->max_instructions;
  if (opt->max_output) so.max_output = opt->max_output;
  if (opt->max_rows) so.max_rows = opt->max_rows;
  so.data_dir = opt->data_dir;
  so.registry_db = opt->registry_db;
  so.print_to_stderr = print_to_stderr;
  if (scenario) {
    folder_of(scenario, folder, sizeof folder);
    so.read_dirs[so.nread_dirs++] = folder;
  }
  for (int i = 0; i < opt->nallow_read && so.nread_dirs < CS_SANDBOX_MAX_READ_DIRS; i++)
    so.read_dirs[so.nread_dirs++] = opt->allow_read[i];
  cs_error err = {0, ""};
  lua_State *L = cs_sandbox_new(&so, &err);
  if (!L) fprintf(stderr, "coopsim: %s\n", err.msg);
  return L;
}

int cli_dofile(lua_State *L, const char *file) {
  cs_error err = {0, ""};
  size_t len;
  char *text = cs_read_file(file, &len, &err);
  if (!text) {
    fprintf(stderr, "coopsim: %s\n", err.msg);
    return -1;
  }
  char chunkname[4096];
  snprintf(chunkname, sizeof chunkname, "@%s", file);
  int rc = cs_sandbox_run(L, text, len, chunkname, &err);
  free(text);
  if (rc != 0) {
    fprintf(stderr, "coopsim: %s\n", err.msg);
    return -1;
  }
  return 0;
}

/* What a scenario left in coopsim._expect and coopsim._warnings is its own
** data: read in protected mode (a scenario may have replaced the tables or
** given them looping metamethods), at most MAX_REPORTED lines of at most
** 1000 bytes each. */
#define MAX_REPORTED 200

static const char *field_text(lua_State *L, int t, const char *k) {
  lua_getfield(L, t, k);
  return luaL_tolstring(L, -1, NULL);
}

static int expectations_k(lua_State *L) {
  lua_Integer failed = 0;
  lua_getglobal(L, "coopsim");
  lua_getfield(L, -1, "_expect");
  lua_getfield(L, -1, "failures");
  lua_Integer n = luaL_len(L, -1);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_rawgeti(L, -1, i);
    int f = lua_gettop(L);
    const char *where = field_text(L, f, "where");
    lua_getfield(L, f, "label");
    const char *label = lua_isnil(L, -1) ? "" : luaL_tolstring(L, -1, NULL);
    const char *expected = field_text(L, f, "expected");
    const char *actual = field_text(L, f, "actual");
    if (i <= MAX_REPORTED)
      fprintf(stderr, "%.300sexpectation failed%s%.300s: expected %.1000s, got %.1000s\n", where,
              *label ? ": " : "", label, expected, actual);
    lua_settop(L, f - 1);
    failed++;
  }
  if (n > MAX_REPORTED) fprintf(stderr, "(%lld more failed expectations)\n", (long long)(n - MAX_REPORTED));
  lua_pushinteger(L, failed);
  return 1;
}

static int warnings_k(lua_State *L) {
  const char *prefix = lua_touserdata(L, 1);
  lua_getglobal(L, "coopsim");
  lua_getfield(L, -1, "_warnings");
  lua_Integer n = lua_istable(L, -1) ? luaL_len(L, -1) : 0;
  int t = lua_gettop(L);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_rawgeti(L, t, i);
    int w = lua_gettop(L);
    const char *where = field_text(L, w, "where");
    const char *msg = field_text(L, w, "msg");
    if (i <= MAX_REPORTED) fprintf(stderr, "%.300s%s: %.1000s\n", where, prefix, msg);
    lua_settop(L, t);
  }
  if (n > MAX_REPORTED) fprintf(stderr, "(%lld more warnings)\n", (long long)(n - MAX_REPORTED));
  lua_pushinteger(L, n);
  return 1;
}

/* Runs k protected; its count, or 1 (with the message) when the scenario's
** tables could not be read. */
static int protected_count(lua_State *L, lua_CFunction k, void *arg) {
  lua_pushcfunction(L, k);
  lua_pushlightuserdata(L, arg);
  if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
    const char *msg = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "(not text)";
    fprintf(stderr, "coopsim: the scenario's checks could not be read: %.1000s\n", msg);
    lua_pop(L, 1);
    return 1;
  }
  int n = (int)lua_tointeger(L, -1);
  lua_pop(L, 1);
  return n;
}

int cli_report_expectations(lua_State *L) { return protected_count(L, expectations_k, NULL); }

int cli_report_warnings(lua_State *L, const char *prefix) {
  return protected_count(L, warnings_k, (void *)prefix);
}
