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
#include "coopsim/lua_confine.h"
#include "coopsim/lua_coopsim.h"
#include "coopsim/lua_report.h"
#include "coopsim/readfile.h"
#include "coopsim/registry.h"
#include <stdint.h>
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

/* The session's language (cli_set_lang); -1: none given, COOPSIM_LANG
** decides when a script asks (core.lang). A worker is a fork, so it has
** the value its parent set. */
static int session_lang = -1;

void cli_set_lang(cs_report_lang lang) { session_lang = (int)lang; }

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
  /* a scenario file loads coopsim's scripts when it first touches coopsim;
  ** the REPL's completion reads the module raw, so the REPL opens it whole */
  so.lazy_module = scenario != NULL;
  if (scenario) {
    folder_of(scenario, folder, sizeof folder);
    so.read_dirs[so.nread_dirs++] = folder;
  }
  for (int i = 0; i < opt->nallow_read && so.nread_dirs < CS_SANDBOX_MAX_READ_DIRS; i++)
    so.read_dirs[so.nread_dirs++] = opt->allow_read[i];
  cs_error err = {0, ""};
  lua_State *L = cs_sandbox_new(&so, &err);
  if (!L) fprintf(stderr, "coopsim: %s\n", err.msg);
  else if (session_lang >= 0) cs_lua_set_lang(L, (cs_report_lang)session_lang);
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

/* The checks and warnings were recorded in C (lua_coopsim.h), out of the
** scenario's reach; at most MAX_REPORTED lines are printed, each text at
** most SHOWN bytes (a longer one says how long it was). */
#define MAX_REPORTED 200
#define SHOWN 1000

static void show(FILE *f, const char *s) {
  size_t n = strlen(s);
  if (n <= SHOWN) fputs(s, f);
  else fprintf(f, "%.*s... (%zu bytes)", SHOWN, s, n);
}

int cli_report_expectations(lua_State *L) {
  cs_lua_check_counts c;
  cs_lua_checks(L, &c);
  for (size_t i = 0; i < MAX_REPORTED; i++) {
    const char *where, *label, *expected, *actual;
    if (!cs_lua_check_failure(L, i, &where, &label, &expected, &actual)) break;
    show(stderr, where);
    fprintf(stderr, "expectation failed%s", *label ? ": " : "");
    show(stderr, label);
    fputs(": expected ", stderr);
    show(stderr, expected);
    fputs(", got ", stderr);
    show(stderr, actual);
    fputc('\n', stderr);
  }
  if (c.failed > MAX_REPORTED)
    fprintf(stderr, "(%lld more failed expectations)\n", c.failed - MAX_REPORTED);
  return c.failed > INT32_MAX ? INT32_MAX : (int)c.failed;
}

int cli_report_warnings(lua_State *L, const char *prefix) {
  cs_lua_check_counts c;
  cs_lua_checks(L, &c);
  for (size_t i = 0; i < MAX_REPORTED; i++) {
    const char *where, *msg;
    if (!cs_lua_warning(L, i, &where, &msg)) break;
    show(stderr, where);
    fprintf(stderr, "%s: ", prefix);
    show(stderr, msg);
    fputc('\n', stderr);
  }
  if (c.warnings > MAX_REPORTED) fprintf(stderr, "(%lld more warnings)\n", c.warnings - MAX_REPORTED);
  return c.warnings > INT32_MAX ? INT32_MAX : (int)c.warnings;
}

int cli_confine_worker(lua_State *L, const char *file, const cli_options *opt, int fd) {
  /* confined by the kernel from here on (confine.h): it may read below the
  ** scenario's folder and --allow-read, write to stdout, stderr and fd */
  int fds[3] = {1, 2, fd};
  cs_confine_opts co = {file, opt->allow_read, opt->nallow_read, fds, 3};
  cs_confine_status cst;
  cs_error cerr = {0, ""};
  if (cs_lua_confine(L, &co, &cst, &cerr) != 0) {
    fprintf(stderr, "coopsim: %s: %s\n", file, cerr.msg);
    return 1;
  }
  if (cst.landlock_abi == 0)
    fprintf(stderr, "coopsim: %s: warning: no Landlock here, so only the sandbox keeps the "
            "worker from reading your files (its system-call filter is active)\n", file);
  return 0;
}

int cli_check_registry(const cli_options *opt) {
  if (!opt->data_dir && !opt->registry_db) return 0;
  cs_registry *reg = NULL;
  cs_error err = {0, ""};
  int rc = opt->registry_db ? cs_registry_open_db(&reg, opt->registry_db, &err)
                            : cs_registry_open_dir(&reg, opt->data_dir, &err);
  cs_registry_free(reg);
  if (rc == 0) return 0;
  fprintf(stderr, "coopsim: %s %s: %s\n", opt->registry_db ? "--registry-db" : "--data-dir",
          opt->registry_db ? opt->registry_db : opt->data_dir, err.msg);
  return 1;
}
