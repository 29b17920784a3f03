/*
** run.c: `coopsim run FILE.lua` — a scenario file from someone else runs in
** a worker process (worker.h) in the sandbox (sandbox.h); the parent checks
** what comes back and only then writes reports and stores runs.
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
#include "coopsim/lua_confine.h"
#include "coopsim/readfile.h"
#include "coopsim/report.h"
#include "coopsim/rundb.h"
#include "coopsim/sandbox.h"
#include "worker.h"

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
  /* confined by the kernel from here on (confine.h): it may read below the
  ** scenario's folder and --allow-read, write to stdout, stderr and fd */
  cs_confine_opts co = {job->file, job->opt->allow_read, job->opt->nallow_read,
                        (int[]){1, 2, fd}, 3};
  cs_confine_status cst;
  cs_error cerr = {0, ""};
  if (cs_lua_confine(L, &co, &cst, &cerr) != 0) {
    fprintf(stderr, "coopsim: %s: %s\n", job->file, cerr.msg);
    return 1;
  }
  if (cst.landlock_abi == 0)
    fprintf(stderr, "coopsim: %s: warning: no Landlock here, so only the sandbox keeps the "
            "worker from reading your files (its system-call filter is active)\n", job->file);
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
    else if (strcmp(kind, "write") == 0 || strcmp(kind, "save") == 0) rc = cli_carry_out(&r, job->file, job->opt);
    else rc = 1;
  }
  if (rc == 0 && p != end) {
    fprintf(stderr, "coopsim: %s: the worker sent more than it announced\n", job->file);
    rc = 1;
  }
  return rc;
}

int cli_run(int argc, char **argv, const cli_options *opt) {
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
