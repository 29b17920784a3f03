/*
** main.c: `coopsim` — run scenario files, the REPL, regression runs and
** registry commands (see --help).
*/
#include <errno.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "coopsim/doc.h"
#include "coopsim/lua_coopsim.h"
#include "coopsim/report.h"
#include "coopsim/rundb.h"

static const char *const usage =
    "coopsim " COOPSIM_VERSION " - who pays what in inter-municipal cooperation\n"
    "\n"
    "usage:\n"
    "  coopsim run FILE.lua [--format table|csv|csv-nb|json|md|xlsx|html] [--out PATH]\n"
    "                   [--lang en|nb] [--strict] [--db FILE]\n"
    "                               run a scenario file; with --format, --out or --lang,\n"
    "                               write every run the file made, the first as the\n"
    "                               baseline of a comparison (the format from --out's\n"
    "                               extension when not given, else csv; the file's own\n"
    "                               prints go to stderr); xlsx needs --out\n"
    "                               --db FILE: also store the runs in the run store\n"
    "                               FILE (created if missing; checked before running)\n"
    "  coopsim runs list|show ID|compare ID ID|export ID --db FILE\n"
    "                               stored runs: list them, show one, compare the second\n"
    "                               with the first by member and year, export one\n"
    "                               (export takes --format, --out and --lang as run does)\n"
    "  coopsim                      the interactive REPL (also: coopsim repl)\n"
    "  coopsim -e 'CODE'            run a chunk of Lua with `coopsim` loaded\n"
    "  coopsim test [PATH ...] [--update] [--strict]\n"
    "                               run scenario files (a folder: every *.lua in it),\n"
    "                               check cs.expect and NAME.expected.csv golden files;\n"
    "                               --update rewrites the golden files;\n"
    "                               --strict makes linter warnings errors\n"
    "  coopsim data show NAME|CODE [DATE]    a municipality (name resolved at DATE)\n"
    "  coopsim data history CODE             its periods and changes\n"
    "  coopsim data population CODE FROM TO  population on 1 January, FROM..TO\n"
    "  coopsim data changes YEAR             the changes that took effect in YEAR\n"
    "  coopsim data import FILE... [--data-dir DIR | --registry-db FILE]\n"
    "                               import SSB files (KLASS JSON, StatBank CSV) into the\n"
    "                               registry CSVs in DIR (default: data) or into an SQLite\n"
    "                               registry (created from the built-in one); all or nothing\n"
    "  coopsim --help | --version\n"
    "\n"
    "options for every command:\n"
    "  --data-dir DIR   use the registry CSVs in DIR instead of the built-in registry\n"
    "  --registry-db FILE  use the registry in the SQLite database FILE\n"
    "                   (made by coopsim data import --registry-db)\n"
    "\n"
    "Figures: Kilde: Statistisk sentralbyrå (SSB).\n";

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

static int load_module(lua_State *L) {
  luaopen_coopsim(L);
  return 1;
}

lua_State *cli_new_state(const cli_options *opt) {
  lua_State *L = luaL_newstate();
  if (!L) {
    fprintf(stderr, "coopsim: cannot create a Lua state (out of memory)\n");
    return NULL;
  }
  luaL_openlibs(L);
  cs_lua_set_data_dir(L, opt->data_dir);
  cs_lua_set_db(L, opt->registry_db);
  lua_pushcfunction(L, load_module);
  if (cli_pcall(L, 0, 1) != LUA_OK) {
    lua_close(L);
    return NULL;
  }
  lua_pushvalue(L, -1);
  lua_setglobal(L, "coopsim");
  /* require "coopsim" inside scenario files gives the same table */
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
  lua_insert(L, -2);
  lua_setfield(L, -2, "coopsim");
  lua_pop(L, 1);
  return L;
}

int cli_dofile(lua_State *L, const char *file) {
  int status = luaL_loadfilex(L, file, "t");
  if (status != LUA_OK) {
    fprintf(stderr, "coopsim: %s\n", lua_tostring(L, -1));
    lua_pop(L, 1);
    return status;
  }
  return cli_pcall(L, 0, 0);
}

int cli_report_expectations(lua_State *L) {
  int failed = 0;
  lua_getglobal(L, "coopsim");
  lua_getfield(L, -1, "_expect");
  lua_getfield(L, -1, "failures");
  lua_Integer n = luaL_len(L, -1);
  for (lua_Integer i = 1; i <= n; i++) {
    lua_rawgeti(L, -1, i);
    int f = lua_gettop(L);
    lua_getfield(L, f, "where");
    lua_getfield(L, f, "label");
    lua_getfield(L, f, "expected");
    const char *expected = luaL_tolstring(L, -1, NULL);
    lua_getfield(L, f, "actual");
    const char *actual = luaL_tolstring(L, -1, NULL);
    const char *label = lua_tostring(L, f + 2);
    fprintf(stderr, "%sexpectation failed%s%s: expected %s, got %s\n", lua_tostring(L, f + 1),
            label && *label ? ": " : "", label ? label : "", expected, actual);
    lua_settop(L, f - 1);
    failed++;
  }
  lua_pop(L, 3);
  return failed;
}

int cli_report_warnings(lua_State *L, const char *prefix) {
  lua_getglobal(L, "coopsim");
  lua_getfield(L, -1, "_warnings");
  lua_Integer n = lua_istable(L, -1) ? luaL_len(L, -1) : 0;
  for (lua_Integer i = 1; i <= n; i++) {
    lua_rawgeti(L, -1, i);
    lua_getfield(L, -1, "where");
    lua_getfield(L, -2, "msg");
    fprintf(stderr, "%s%s: %s\n", lua_tostring(L, -2), prefix, lua_tostring(L, -1));
    lua_pop(L, 3);
  }
  lua_pop(L, 2);
  return (int)n;
}

/* Writes every run the file made in `format` (NULL: from out's extension,
** else csv) to out (or stdout): the runs as the result document's JSON from
** Lua, parsed and checked by cs_doc_from_json, written by the C writers. */
static int write_runs(lua_State *L, const char *file, const char *format, const char *out, const char *lang) {
  cs_error err = {0, ""};
  cs_report_format fmt = CS_REPORT_CSV;
  cs_report_lang lng = CS_LANG_EN;
  if ((format ? cs_report_format_parse(format, &fmt, &err)
              : out ? cs_report_format_from_path(out, &fmt, &err) : 0) ||
      (lang && cs_report_lang_parse(lang, &lng, &err))) {
    fprintf(stderr, "coopsim run: %s\n", err.msg);
    return 2;
  }
  lua_getglobal(L, "coopsim");
  lua_getfield(L, -1, "report");
  lua_getfield(L, -1, "json");
  lua_getfield(L, -3, "_runs");
  lua_createtable(L, 0, 2);
  lua_getfield(L, -5, "version");
  lua_setfield(L, -2, "version");
  lua_pushstring(L, file);
  lua_setfield(L, -2, "scenario_file");
  if (cli_pcall(L, 2, 1) != LUA_OK) return 1;
  size_t len;
  const char *text = lua_tolstring(L, -1, &len);
  cs_doc *doc = NULL;
  int rc = text ? cs_doc_from_json(text, len, "the scenario's results", &doc, &err)
                : cs_error_set(&err, CS_EINVAL, "the scenario's results are not text");
  if (!rc && out) {
    rc = cs_report_write(doc, fmt, lng, out, &err);
    if (!rc) fprintf(stderr, "wrote %s\n", out);
  } else if (!rc) {
    char *report;
    size_t n;
    rc = cs_report_render(doc, fmt, lng, &report, &n, &err);
    if (!rc) {
      if (fwrite(report, 1, n, stdout) != n || fflush(stdout) != 0)
        rc = cs_error_set(&err, CS_EIO, "standard output: %s", strerror(errno));
      free(report);
    }
  }
  cs_doc_free(doc);
  if (rc) fprintf(stderr, "coopsim run: %s\n", err.msg);
  return rc ? 1 : 0;
}

/* print() to stderr, so that --format output on stdout stays clean. */
static int print_stderr(lua_State *L) {
  int n = lua_gettop(L);
  for (int i = 1; i <= n; i++) {
    size_t len;
    const char *s = luaL_tolstring(L, i, &len);
    if (i > 1) fputc('\t', stderr);
    fwrite(s, 1, len, stderr);
    lua_pop(L, 1);
  }
  fputc('\n', stderr);
  return 0;
}

static int cmd_run(int argc, char **argv, const cli_options *opt) {
  const char *file = NULL, *format = NULL, *out = NULL, *lang = NULL, *db_path = NULL;
  int strict = 0;
  for (int i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--strict") == 0) strict = 1;
    else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) format = argv[++i];
    else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) out = argv[++i];
    else if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc) lang = argv[++i];
    else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) db_path = argv[++i];
    else if (argv[i][0] == '-' && argv[i][1]) {
      fprintf(stderr, "coopsim run: unknown option %s\n", argv[i]);
      return 2;
    } else if (!file) file = argv[i];
    else {
      fprintf(stderr, "coopsim run: one scenario file at a time (got %s and %s)\n", file, argv[i]);
      return 2;
    }
  }
  if (!file) {
    fprintf(stderr, "coopsim run: which scenario file? (coopsim run FILE.lua)\n");
    return 2;
  }
  {
    /* check the options before running anything */
    cs_error err = {0, ""};
    cs_report_format f;
    cs_report_lang l;
    if ((format && cs_report_format_parse(format, &f, &err)) ||
        (!format && out && cs_report_format_from_path(out, &f, &err)) ||
        (lang && cs_report_lang_parse(lang, &l, &err))) {
      fprintf(stderr, "coopsim run: %s\n", err.msg);
      return 2;
    }
    if (format && !out && !cs_report_format_is_text(f)) {
      fprintf(stderr, "coopsim run: an %s workbook is binary and is not written to %s: give --out FILE.%s\n",
              format, isatty(fileno(stdout)) ? "a terminal" : "standard output", format);
      return 2;
    }
  }
  /* the run store is checked before the scenario runs */
  cs_rundb *store = NULL;
  if (db_path && !(store = cli_runs_open_store(db_path))) return 1;
  lua_State *L = cli_new_state(opt);
  if (!L) {
    cs_rundb_close(store);
    return 1;
  }
  if (format || out || lang) {
    lua_pushcfunction(L, print_stderr);
    lua_setglobal(L, "print");
  }
  int rc = 0;
  if (cli_dofile(L, file) != LUA_OK) rc = 1;
  if (!rc && cli_report_warnings(L, strict ? "error" : "warning") > 0 && strict) rc = 1;
  if (!rc && cli_report_expectations(L) > 0) rc = 1;
  if (!rc && (format || out || lang)) rc = write_runs(L, file, format, out, lang);
  if (!rc && store) rc = cli_runs_save(L, store, file, argc, argv, opt);
  cs_rundb_close(store);
  lua_close(L);
  return rc;
}

static int cmd_eval(const char *code, const cli_options *opt) {
  lua_State *L = cli_new_state(opt);
  if (!L) return 1;
  int rc = 0;
  if (luaL_loadbufferx(L, code, strlen(code), "=(command line)", "t") != LUA_OK) {
    fprintf(stderr, "coopsim: %s\n", lua_tostring(L, -1));
    rc = 1;
  } else if (cli_pcall(L, 0, 0) != LUA_OK) {
    rc = 1;
  } else if (cli_report_expectations(L) > 0) {
    rc = 1;
  }
  lua_close(L);
  return rc;
}

int main(int argc, char **argv) {
  cli_options opt = {NULL, NULL};
  /* global options may come anywhere; take them out of argv */
  int n = 1;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--data-dir") == 0 && i + 1 < argc) opt.data_dir = argv[++i];
    else if (strcmp(argv[i], "--registry-db") == 0 && i + 1 < argc) opt.registry_db = argv[++i];
    else argv[n++] = argv[i];
  }
  argc = n;
  if (argc < 2) return cli_repl(&opt);
  const char *cmd = argv[1];
  if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
    fputs(usage, stdout);
    return 0;
  }
  if (strcmp(cmd, "--version") == 0) {
    printf("coopsim %s (%s)\n", COOPSIM_VERSION, LUA_RELEASE);
    return 0;
  }
  if (strcmp(cmd, "run") == 0) return cmd_run(argc - 2, argv + 2, &opt);
  if (strcmp(cmd, "repl") == 0) return cli_repl(&opt);
  if (strcmp(cmd, "-e") == 0) {
    if (argc < 3) {
      fprintf(stderr, "coopsim -e: which code? (coopsim -e 'print(coopsim.version)')\n");
      return 2;
    }
    return cmd_eval(argv[2], &opt);
  }
  if (strcmp(cmd, "test") == 0) return cli_test(argc - 2, argv + 2, &opt);
  if (strcmp(cmd, "data") == 0) return cli_data(argc - 2, argv + 2, &opt);
  if (strcmp(cmd, "runs") == 0) return cli_runs(argc - 2, argv + 2, &opt);
  fprintf(stderr, "coopsim: unknown command \"%s\" (see coopsim --help)\n", cmd);
  return 2;
}
