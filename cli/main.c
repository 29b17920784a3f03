/*
** main.c: `coopsim` — run scenario files, the REPL, regression runs and
** registry commands (see --help).
*/
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"
#include "coopsim/doc.h"
#include "coopsim/lua_coopsim.h"
#include "coopsim/readfile.h"
#include "coopsim/report.h"
#include "coopsim/rundb.h"
#include "coopsim/sandbox.h"
#include "worker.h"

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
    "scenario files (run, test) run in a sandbox: no files, programs or modules;\n"
    "data files only below the scenario's folder; `coopsim run` runs them in a\n"
    "separate worker process:\n"
    "  --trusted              your own file: the whole Lua library, no limits\n"
    "  --allow-read DIR       data files may also come from below DIR\n"
    "  --max-memory MB        memory for the scenario's Lua (default 512)\n"
    "  --max-instructions N   Lua instructions (default 10000000000)\n"
    "  --max-output MB        what print() may write (default 64)\n"
    "  --max-rows N           result rows of all runs together (default 1000000)\n"
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

/* ---- coopsim run ----------------------------------------------------------
** A scenario file from someone else runs in a worker process (worker.h) in
** the sandbox (sandbox.h). The worker sends back the result document and
** the files the scenario asked for (r:write, r:save); the parent checks the
** document (cs_doc_from_json), checks every path, and only then writes
** reports and stores runs. With --trusted the file runs here, unsandboxed. */

/* What `coopsim run` was asked to do. */
typedef struct run_job {
  const char *file;
  const char *text; /* the file's text, read once by the parent */
  size_t len;
  const cli_options *opt;
  int strict;
  const char *format, *out, *lang; /* the report, when want_report */
  int want_report;
  cs_rundb *store; /* --db, opened and checked before the run */
  int argc;        /* run's arguments, recorded with a stored run */
  char **argv;
} run_job;

/* Runs the scenario's text in L and reports its warnings and failed
** expectations; returns the exit status. */
static int run_scenario(lua_State *L, const run_job *job) {
  cs_error err = {0, ""};
  char chunkname[4096];
  snprintf(chunkname, sizeof chunkname, "@%s", job->file);
  if (cs_sandbox_run(L, job->text, job->len, chunkname, &err) != 0) {
    fprintf(stderr, "coopsim: %s\n", err.msg);
    return 1;
  }
  int rc = 0;
  if (cli_report_warnings(L, job->strict ? "error" : "warning") > 0 && job->strict) rc = 1;
  if (cli_report_expectations(L) > 0) rc = 1;
  return rc;
}

/* Pushes the runs the file made as the result document's JSON. */
static int doc_json_k(lua_State *L) {
  const char *file = lua_touserdata(L, 1);
  lua_getglobal(L, "coopsim");
  lua_getfield(L, -1, "report");
  lua_getfield(L, -1, "json");
  lua_getfield(L, -3, "_runs");
  lua_createtable(L, 0, 2);
  lua_getfield(L, -5, "version");
  lua_setfield(L, -2, "version");
  lua_pushstring(L, file);
  lua_setfield(L, -2, "scenario_file");
  lua_call(L, 2, 1);
  if (!lua_isstring(L, -1)) return luaL_error(L, "the scenario's results are not text");
  return 1;
}

static int push_doc_json(lua_State *L, const char *file) {
  lua_pushcfunction(L, doc_json_k);
  lua_pushlightuserdata(L, (void *)file);
  if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
    const char *msg = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "(not text)";
    fprintf(stderr, "coopsim: %s: the results could not be made: %.1000s\n", file, msg);
    lua_pop(L, 1);
    return 1;
  }
  return 0;
}

int cli_emit_doc(const cs_doc *doc, cs_report_format fmt, cs_report_lang lng, const char *out,
                 cs_error *err) {
  if (out) {
    int rc = cs_report_write(doc, fmt, lng, out, err);
    if (!rc) fprintf(stderr, "wrote %s\n", out);
    return rc;
  }
  char *text;
  size_t len;
  int rc = cs_report_render(doc, fmt, lng, &text, &len, err);
  if (!rc) {
    if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0)
      rc = cs_error_set(err, CS_EIO, "standard output: %s", strerror(errno));
    free(text);
  }
  return rc;
}

/* Writes the report the command line asked for. */
static int write_report(const cs_doc *doc, const run_job *job) {
  cs_error err = {0, ""};
  cs_report_format fmt = CS_REPORT_CSV;
  cs_report_lang lng = CS_LANG_EN;
  if (job->format) cs_report_format_parse(job->format, &fmt, &err);
  else if (job->out) cs_report_format_from_path(job->out, &fmt, &err);
  if (job->lang) cs_report_lang_parse(job->lang, &lng, &err);
  int rc = cli_emit_doc(doc, fmt, lng, job->out, &err);
  if (rc) fprintf(stderr, "coopsim run: %s\n", err.msg);
  return rc ? 1 : 0;
}

/* The report and the store, from the document's JSON text. */
static int finish_doc(const char *json, size_t len, const run_job *job, const char *origin) {
  cs_error err = {0, ""};
  cs_doc *doc = NULL;
  if (cs_doc_from_json(json, len, origin, &doc, &err) != 0) {
    fprintf(stderr, "coopsim run: %s: %s; nothing was written\n", job->file, err.msg);
    return 1;
  }
  int rc = 0;
  if (job->want_report) rc = write_report(doc, job);
  if (!rc && job->store)
    rc = cli_runs_save_doc(job->store, doc, job->file, job->argc, job->argv, job->opt);
  cs_doc_free(doc);
  return rc;
}

/* 1 when a file the scenario asked for may be written at path: its folder
** must lie below the current directory or the scenario's folder. */
static int may_write(const char *path, const char *file, char *why, size_t why_size) {
  char dir[4096], real_dir[4096], cwd[4096], real_scen[4096], scen_dir[4096];
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
    snprintf(why, why_size, "\"%s\" is not a file name", path);
    return 0;
  }
  if (!slash) snprintf(dir, sizeof dir, ".");
  else if (slash == path) snprintf(dir, sizeof dir, "/");
  else snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
  const char *fs = strrchr(file, '/');
  if (!fs) snprintf(scen_dir, sizeof scen_dir, ".");
  else snprintf(scen_dir, sizeof scen_dir, "%.*s", (int)(fs - file), file);
  if (!realpath(dir, real_dir)) {
    snprintf(why, why_size, "\"%s\": %s", dir, strerror(errno));
    return 0;
  }
  for (const char *c = path; *c; c++) {
    /* "." and ".." are resolved below; other names starting with a dot are hidden */
    if ((c == path || c[-1] == '/') && c[0] == '.' && c[1] != '/' && c[1] != '\0' &&
        !(c[1] == '.' && (c[2] == '/' || c[2] == '\0'))) {
      snprintf(why, why_size, "\"%s\" names a hidden file or folder", path);
      return 0;
    }
    if ((unsigned char)*c < 0x20 || *c == 0x7f) {
      snprintf(why, why_size, "the path holds a control character");
      return 0;
    }
  }
  const char *ext = strrchr(base, '.');
  static const char *const allowed_ext[] = {".csv", ".json", ".md", ".xlsx", ".html", ".txt",
                                            ".db", ".sqlite", ".sqlite3", NULL};
  int ext_ok = 0;
  for (int i = 0; ext && allowed_ext[i]; i++) ext_ok |= strcmp(ext, allowed_ext[i]) == 0;
  if (!ext_ok) {
    snprintf(why, why_size,
             "\"%s\" does not end in a report's or a run store's extension (.csv .json .md "
             ".xlsx .html .txt, or .db .sqlite .sqlite3 for r:save)",
             path);
    return 0;
  }
  struct stat st;
  if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
    snprintf(why, why_size, "\"%s\" is a symbolic link; a scenario file from someone else "
             "may not write through one", path);
    return 0;
  }
  const char *roots[2] = {getcwd(cwd, sizeof cwd), realpath(scen_dir, real_scen)};
  for (int i = 0; i < 2; i++)
    if (roots[i] && cs_path_below(real_dir, roots[i])) return 1;
  snprintf(why, why_size,
           "\"%s\" is outside the current folder and the scenario's folder; a scenario "
           "file from someone else may write only there (or run your own with --trusted)",
           path);
  return 0;
}

/* Carries out a request a sandboxed scenario made (r:write, r:save). */
static int carry_out(const cs_sandbox_request *req, const run_job *job) {
  char why[1024];
  if (!may_write(req->path, job->file, why, sizeof why)) {
    fprintf(stderr, "coopsim run: %s: %s: %s; not written\n", job->file, req->kind, why);
    return 1;
  }
  cs_error err = {0, ""};
  cs_doc *doc = NULL;
  if (cs_doc_from_json(req->json, req->json_len, req->kind, &doc, &err) != 0) {
    fprintf(stderr, "coopsim run: %s: %s: %s; not written\n", job->file, req->kind, err.msg);
    return 1;
  }
  int rc = 0;
  if (strcmp(req->kind, "write") == 0) {
    cs_report_format fmt;
    cs_report_lang lng = CS_LANG_EN;
    rc = *req->format ? cs_report_format_parse(req->format, &fmt, &err)
                      : cs_report_format_from_path(req->path, &fmt, &err);
    if (!rc && *req->lang) rc = cs_report_lang_parse(req->lang, &lng, &err);
    if (!rc) rc = cs_report_write(doc, fmt, lng, req->path, &err);
    if (rc) fprintf(stderr, "coopsim run: %s: write: %s\n", job->file, err.msg);
    else fprintf(stderr, "wrote %s\n", req->path);
  } else {
    cs_rundb *store = cli_runs_open_store(req->path);
    rc = store ? cli_runs_save_doc(store, doc, job->file, 0, NULL, job->opt) : 1;
    cs_rundb_close(store);
  }
  cs_doc_free(doc);
  return rc ? 1 : 0;
}

/* The worker's message: a header line "coopsim-worker 1 STATUS N", then N
** sections, each a line "KIND PATHLEN FORMATLEN LANGLEN JSONLEN" and those
** bytes: the document ("doc") and the requests ("write", "save"). */
#define WORKER_MAGIC "coopsim-worker 1"

static int send_section(int fd, const cs_sandbox_request *r) {
  char head[160];
  size_t pl = strlen(r->path), fl = strlen(r->format), ll = strlen(r->lang);
  int n = snprintf(head, sizeof head, "%.8s %zu %zu %zu %zu\n", r->kind, pl, fl, ll, r->json_len);
  return cli_write_all(fd, head, (size_t)n) || cli_write_all(fd, r->path, pl) ||
         cli_write_all(fd, r->format, fl) || cli_write_all(fd, r->lang, ll) ||
         cli_write_all(fd, r->json, r->json_len);
}

static int run_child(int fd, void *arg) {
  const run_job *job = arg;
  lua_State *L = cli_new_state(job->opt, job->file, job->want_report);
  if (!L) return 1;
  int rc = run_scenario(L, job);
  size_t nreq = rc == 0 ? cs_sandbox_nrequests(L) : 0;
  int want_doc = rc == 0 && (job->want_report || job->store);
  if (want_doc && push_doc_json(L, job->file) != 0) {
    rc = 1;
    want_doc = 0;
  }
  char head[64];
  int n = snprintf(head, sizeof head, WORKER_MAGIC " %d %zu\n", rc, (size_t)want_doc + nreq);
  if (cli_write_all(fd, head, (size_t)n) != 0) return 1;
  if (want_doc) {
    cs_sandbox_request d = {"doc", "", "", "", NULL, 0};
    d.json = lua_tolstring(L, -1, &d.json_len);
    if (send_section(fd, &d) != 0) return 1;
  }
  for (size_t i = 0; i < nreq; i++) {
    cs_sandbox_request r;
    if (!cs_sandbox_get_request(L, i, &r) || send_section(fd, &r) != 0) return 1;
  }
  /* no lua_close: the process ends here and the system frees it all */
  return rc;
}

/* Reads one section at *p; 0 on success, -1 when malformed. */
static int read_section(const char **p, const char *end, cs_sandbox_request *r, char kind[9]) {
  size_t pl, fl, ll, jl;
  int used = 0;
  const char *nl = memchr(*p, '\n', (size_t)(end - *p));
  if (!nl || nl - *p > 150) return -1;
  if (sscanf(*p, "%8s %zu %zu %zu %zu%n", kind, &pl, &fl, &ll, &jl, &used) != 5 || *p + used != nl)
    return -1;
  const char *q = nl + 1;
  if ((size_t)(end - q) < pl || (size_t)(end - q) - pl < fl || (size_t)(end - q) - pl - fl < ll ||
      (size_t)(end - q) - pl - fl - ll < jl)
    return -1;
  /* the strings are NUL-terminated in place: each is followed by the next
  ** (the message buffer ends with a NUL of its own) */
  static char fields[3][4096];
  if (pl >= sizeof fields[0] || fl >= sizeof fields[1] || ll >= sizeof fields[2]) return -1;
  memcpy(fields[0], q, pl);
  fields[0][pl] = '\0';
  memcpy(fields[1], q + pl, fl);
  fields[1][fl] = '\0';
  memcpy(fields[2], q + pl + fl, ll);
  fields[2][ll] = '\0';
  r->kind = kind;
  r->path = fields[0];
  r->format = fields[1];
  r->lang = fields[2];
  r->json = q + pl + fl + ll;
  r->json_len = jl;
  *p = r->json + jl;
  return 0;
}

/* Checks the worker's message and acts on it; returns the exit status. */
static int finish_worker(const cli_worker_outcome *o, const run_job *job) {
  const char *m = o->message, *end = o->message + o->message_len;
  int status;
  size_t nsections;
  int used = 0;
  if (!m || strncmp(m, WORKER_MAGIC " ", sizeof WORKER_MAGIC) != 0 ||
      sscanf(m + sizeof WORKER_MAGIC, "%d %zu%n", &status, &nsections, &used) != 2 ||
      m[sizeof WORKER_MAGIC + used] != '\n') {
    /* it stopped before saying anything: its message is already on stderr */
    return o->exit_code ? o->exit_code : 1;
  }
  const char *p = m + sizeof WORKER_MAGIC + used + 1;
  if (status != 0) return status;
  int rc = 0;
  if (nsections > 17) {
    fprintf(stderr, "coopsim: %s: the scenario asked for %zu files; at most 16 (r:write, r:save) "
            "are written for a scenario file from someone else\n", job->file, nsections - 1);
    return 1;
  }
  for (size_t i = 0; i < nsections && rc == 0; i++) {
    cs_sandbox_request r;
    char kind[9];
    if (read_section(&p, end, &r, kind) != 0) {
      fprintf(stderr, "coopsim: %s: the worker's results are malformed; nothing was written\n",
              job->file);
      return 1;
    }
    if (strcmp(kind, "doc") == 0) rc = finish_doc(r.json, r.json_len, job, "the worker's results");
    else if (strcmp(kind, "write") == 0 || strcmp(kind, "save") == 0) rc = carry_out(&r, job);
    else rc = 1;
  }
  if (rc == 0 && p != end) {
    fprintf(stderr, "coopsim: %s: the worker sent more than it announced\n", job->file);
    rc = 1;
  }
  return rc;
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
  cs_error err = {0, ""};
  size_t len;
  char *text = cs_read_file(file, &len, &err);
  if (!text) {
    fprintf(stderr, "coopsim: %s\n", err.msg);
    return 1;
  }
  /* the run store is checked before the scenario runs */
  cs_rundb *store = NULL;
  if (db_path && !(store = cli_runs_open_store(db_path))) {
    free(text);
    return 1;
  }
  run_job job = {file, text, len, opt, strict, format, out, lang,
                 format != NULL || out != NULL || lang != NULL, store, argc, argv};
  int rc;
  if (opt->trusted) {
    fprintf(stderr,
            "coopsim: --trusted: %s runs with the whole Lua standard library (files, programs) "
            "and no limits\n",
            file);
    lua_State *L = cli_new_state(opt, file, job.want_report);
    rc = L ? run_scenario(L, &job) : 1;
    if (rc == 0 && (job.want_report || store)) {
      rc = push_doc_json(L, file);
      if (rc == 0) {
        size_t n;
        const char *json = lua_tolstring(L, -1, &n);
        rc = finish_doc(json, n, &job, "the scenario's results");
      }
    }
    cs_sandbox_close(L);
  } else {
    /* the parent parses what comes back: at most 256 MB of it */
    size_t max_message = opt->max_memory < ((size_t)256 << 20) ? opt->max_memory : (size_t)256 << 20;
    cli_worker_limits lim = {opt->timeout, opt->max_memory, max_message};
    cli_worker_outcome o;
    if (cli_worker_run(&lim, run_child, &job, &o) != 0) {
      perror("coopsim: cannot start a worker process");
      rc = 1;
    } else if (!o.exited) {
      char why[512];
      cli_worker_explain(&o, file, &lim, why, sizeof why);
      fprintf(stderr, "coopsim: %s\n", why);
      rc = 1;
    } else {
      rc = finish_worker(&o, &job);
    }
    free(o.message);
  }
  cs_rundb_close(store);
  free(text);
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
    } else if (strcmp(a, "--max-output") == 0 && v) {
      unsigned long long mb = parse_count(argv[++i], 1ULL << 20);
      if (mb == 0) {
        fprintf(stderr, "coopsim: --max-output \"%s\": give megabytes, 1 to 1048576\n", v);
        return 2;
      }
      opt.max_output = (size_t)mb << 20;
    } else if (strcmp(a, "--max-rows") == 0 && v) {
      opt.max_rows = (long)parse_count(argv[++i], 1ULL << 40);
      if (opt.max_rows == 0) {
        fprintf(stderr, "coopsim: --max-rows \"%s\": give a whole number from 1\n", v);
        return 2;
      }
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
  if (strcmp(cmd, "runs") == 0) return cli_runs(argc - 2, argv + 2, &opt);
  fprintf(stderr, "coopsim: unknown command \"%s\" (see coopsim --help)\n", cmd);
  return 2;
}
