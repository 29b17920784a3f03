/*
** main.c: `coopsim` — run scenario files, the REPL, regression runs and
** registry commands (see --help).
*/
#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "coopsim/lua_coopsim.h"
#include "coopsim/readfile.h"
#include "coopsim/sandbox.h"
#include "worker.h"

static const char *const usage =
    "coopsim " COOPSIM_VERSION " - who pays what in inter-municipal cooperation\n"
    "\n"
    "usage:\n"
    "  coopsim run FILE.lua [--format table|csv|csv-nb|json|md] [--out PATH] [--strict]\n"
    "                               run a scenario file; with --format, write every\n"
    "                               run the file made (the file's own prints go to stderr)\n"
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
    "scenario files (run, test) run in a sandbox: no files, programs or modules;\n"
    "data files only below the scenario's folder; `coopsim run` runs them in a\n"
    "separate worker process:\n"
    "  --trusted              your own file: the whole Lua library, no limits\n"
    "  --allow-read DIR       data files may also come from below DIR\n"
    "  --max-memory MB        memory for the scenario's Lua (default 512)\n"
    "  --max-instructions N   Lua instructions (default 10000000000)\n"
    "  --timeout S            wall-clock seconds per file (default 60)\n"
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

/* What a worker is asked to do, and what it needs to do it. */
typedef struct run_job {
  const char *file;
  const cli_options *opt;
  int strict;
  const char *format; /* NULL: only the scenario's own printing */
  int prints_to_stderr;
} run_job;

/* Runs the scenario and reports in the state L; returns the exit status. */
static int run_scenario(lua_State *L, const run_job *job) {
  if (cli_dofile(L, job->file) != 0) return 1;
  int rc = 0;
  if (cli_report_warnings(L, job->strict ? "error" : "warning") > 0 && job->strict) rc = 1;
  if (cli_report_expectations(L) > 0) rc = 1;
  return rc;
}

/* Pushes the text of every run the file made in `format`. */
static int format_runs(lua_State *L, const char *format) {
  const char *fn = strcmp(format, "json") == 0   ? "json"
                   : strcmp(format, "md") == 0   ? "markdown"
                   : strcmp(format, "table") == 0 ? NULL
                                                  : "csv";
  lua_getglobal(L, "coopsim");
  int mod = lua_gettop(L);
  lua_getfield(L, mod, "_runs");
  int runs = lua_gettop(L);
  if (fn) {
    lua_getfield(L, mod, "report");
    lua_getfield(L, -1, fn);
    lua_pushvalue(L, runs);
    if (strcmp(format, "csv-nb") == 0) lua_pushstring(L, ";");
    else lua_pushstring(L, ",");
    if (cli_pcall(L, 2, 1) != LUA_OK) return 1;
  } else {
    /* a plain table of each run */
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    lua_Integer n = luaL_len(L, runs);
    for (lua_Integer i = 1; i <= n; i++) {
      lua_rawgeti(L, runs, i);
      luaL_tolstring(L, -1, NULL);
      lua_remove(L, -2);
      luaL_addvalue(&b);
      luaL_addstring(&b, "\n\n");
    }
    luaL_pushresult(&b);
  }
  lua_replace(L, mod);
  lua_settop(L, mod);
  return 0;
}

/* Writes text to out (or stdout): a whole file or nothing. */
static int write_output(const char *text, size_t len, const char *out) {
  if (!out) {
    fwrite(text, 1, len, stdout);
    return 0;
  }
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s.tmp", out);
  FILE *f = fopen(tmp, "wb");
  if (!f) {
    perror(tmp);
    return 1;
  }
  int bad = fwrite(text, 1, len, f) != len;
  bad |= fflush(f) != 0;
  bad |= fclose(f) != 0;
  if (bad || rename(tmp, out) != 0) {
    perror(out);
    remove(tmp);
    return 1;
  }
  fprintf(stderr, "wrote %s\n", out);
  return 0;
}

/* The worker's message: "coopsim-worker 1 STATUS LENGTH\n" and LENGTH bytes
** of output in the requested format. */
#define WORKER_MAGIC "coopsim-worker 1"

static int run_child(int fd, void *arg) {
  const run_job *job = arg;
  lua_State *L = cli_new_state(job->opt, job->file, job->prints_to_stderr);
  if (!L) return 1;
  int rc = run_scenario(L, job);
  size_t len = 0;
  const char *text = "";
  if (rc == 0 && job->format) {
    if (format_runs(L, job->format) != 0) rc = 1;
    else text = lua_tolstring(L, -1, &len);
  }
  char head[64];
  int n = snprintf(head, sizeof head, WORKER_MAGIC " %d %zu\n", rc, rc == 0 ? len : 0);
  if (cli_write_all(fd, head, (size_t)n) != 0 || (rc == 0 && cli_write_all(fd, text, len) != 0))
    rc = 1;
  /* no lua_close: the process ends here and the system frees it all */
  return rc;
}

/* Checks a worker's message; on success *body and *body_len hold the output. */
static int parse_message(const cli_worker_outcome *o, const char *file, const char **body,
                         size_t *body_len) {
  const char *m = o->message;
  int status;
  size_t len;
  int used = 0;
  if (!m || strncmp(m, WORKER_MAGIC " ", sizeof WORKER_MAGIC) != 0 ||
      sscanf(m + sizeof WORKER_MAGIC, "%d %zu\n%n", &status, &len, &used) != 2 || used == 0) {
    /* it died before saying anything: the message is already on stderr */
    return o->exit_code ? o->exit_code : 1;
  }
  const char *start = m + sizeof WORKER_MAGIC + used;
  if ((size_t)(o->message + o->message_len - start) != len) {
    fprintf(stderr, "coopsim: %s: the worker's results were cut short; nothing was written\n", file);
    return 1;
  }
  *body = start;
  *body_len = len;
  return status;
}

static int cmd_run(int argc, char **argv, const cli_options *opt) {
  const char *file = NULL, *format = NULL, *out = NULL;
  int strict = 0;
  for (int i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--strict") == 0) strict = 1;
    else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc) format = argv[++i];
    else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) out = argv[++i];
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
  if (format && strcmp(format, "table") && strcmp(format, "csv") && strcmp(format, "csv-nb") &&
      strcmp(format, "json") && strcmp(format, "md")) {
    fprintf(stderr, "coopsim run: unknown format \"%s\" (table, csv, csv-nb, json, md)\n", format);
    return 2;
  }
  if (out && !format) format = "csv";
  run_job job = {file, opt, strict, format, format != NULL};
  if (opt->trusted) {
    fprintf(stderr,
            "coopsim: --trusted: %s runs with the whole Lua standard library (files, programs) "
            "and no limits\n",
            file);
    lua_State *L = cli_new_state(opt, file, job.prints_to_stderr);
    if (!L) return 1;
    int rc = run_scenario(L, &job);
    if (rc == 0 && format) {
      rc = format_runs(L, format);
      if (rc == 0) {
        size_t len;
        const char *text = lua_tolstring(L, -1, &len);
        rc = write_output(text, len, out);
      }
    }
    cs_sandbox_close(L);
    return rc;
  }
  cli_worker_limits lim = {opt->timeout, opt->max_memory, opt->max_memory};
  cli_worker_outcome o;
  if (cli_worker_run(&lim, run_child, &job, &o) != 0) {
    perror("coopsim: cannot start a worker process");
    return 1;
  }
  if (!o.exited) {
    char why[512];
    cli_worker_explain(&o, file, &lim, why, sizeof why);
    fprintf(stderr, "coopsim: %s\n", why);
    free(o.message);
    return 1;
  }
  const char *body = NULL;
  size_t body_len = 0;
  int rc = parse_message(&o, file, &body, &body_len);
  if (rc == 0 && format) rc = write_output(body, body_len, out);
  free(o.message);
  return rc;
}

static int cmd_eval(const char *code, const cli_options *opt) {
  lua_State *L = cli_new_state(opt, NULL, 0);
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
  cs_sandbox_close(L);
  return rc;
}

/* A whole number in [1, max] written in plain digits; 0 on anything else. */
static unsigned long long parse_count(const char *s, unsigned long long max) {
  unsigned long long v = 0;
  if (!*s) return 0;
  for (; *s; s++) {
    if (*s < '0' || *s > '9') return 0;
    if (v > (max - (unsigned long long)(*s - '0')) / 10) return 0;
    v = v * 10 + (unsigned long long)(*s - '0');
  }
  return v;
}

/* Seconds: digits with at most one decimal point, in (0, 86400]; 0 on error. */
static double parse_seconds(const char *s) {
  double v = 0, scale = 0;
  if (!*s) return 0;
  for (; *s; s++) {
    if (*s == '.' && scale == 0) scale = 1;
    else if (*s >= '0' && *s <= '9') {
      if (scale == 0) v = v * 10 + (*s - '0');
      else v += (*s - '0') * (scale /= 10);
      if (v > 86400) return 0;
    } else return 0;
  }
  return v;
}

int main(int argc, char **argv) {
  cli_options opt = {0};
  opt.timeout = 60;
  /* global options may come anywhere; take them out of argv */
  int n = 1;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--data-dir") == 0 && v) opt.data_dir = argv[++i];
    else if (strcmp(a, "--registry-db") == 0 && v) opt.registry_db = argv[++i];
    else if (strcmp(a, "--trusted") == 0) opt.trusted = 1;
    else if (strcmp(a, "--max-memory") == 0 && v) {
      unsigned long long mb = parse_count(argv[++i], 1ULL << 20);
      if (mb == 0) {
        fprintf(stderr, "coopsim: --max-memory \"%s\": give megabytes, 1 to 1048576\n", v);
        return 2;
      }
      opt.max_memory = (size_t)mb << 20;
    } else if (strcmp(a, "--max-instructions") == 0 && v) {
      opt.max_instructions = parse_count(argv[++i], 1ULL << 62);
      if (opt.max_instructions == 0) {
        fprintf(stderr, "coopsim: --max-instructions \"%s\": give a whole number from 1\n", v);
        return 2;
      }
    } else if (strcmp(a, "--timeout") == 0 && v) {
      opt.timeout = parse_seconds(argv[++i]);
      if (opt.timeout <= 0) {
        fprintf(stderr, "coopsim: --timeout \"%s\": give seconds, more than 0 and at most 86400\n", v);
        return 2;
      }
    } else if (strcmp(a, "--allow-read") == 0 && v) {
      if (opt.nallow_read == CLI_MAX_ALLOW_READ) {
        fprintf(stderr, "coopsim: at most %d --allow-read folders\n", CLI_MAX_ALLOW_READ);
        return 2;
      }
      opt.allow_read[opt.nallow_read++] = argv[++i];
    } else argv[n++] = argv[i];
  }
  if (opt.max_memory == 0) opt.max_memory = (size_t)512 << 20;
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
  fprintf(stderr, "coopsim: unknown command \"%s\" (see coopsim --help)\n", cmd);
  return 2;
}
