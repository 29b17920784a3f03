/*
** run.c: `coopsim run FILE.lua` — a scenario file from someone else runs in
** a worker process (worker.h) in the sandbox (sandbox.h); the parent checks
** what comes back and only then writes reports and stores runs.
**
** The worker sends, as binary records (doc_wire.h): its status, the result
** document of every run the scenario made (built in C from the C core's
** results, lua_coopsim.h cs_lua_runs_doc) when the parent needs it, and the
** files the scenario asked for (r:write, r:save), each naming runs of that
** document. The parent reads it within --timeout and a memory budget, checks
** it (cs_doc_check, cs_doc_check_relations), checks every path, and only
** then writes. With --trusted the file runs here, unsandboxed, and the
** document is made here.
*/
#include <errno.h>
#include <lauxlib.h>
#include <pthread.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"
#include "coopsim/doc.h"
#include "coopsim/doc_wire.h"
#include "coopsim/lua_confine.h"
#include "coopsim/lua_coopsim.h"
#include "coopsim/readfile.h"
#include "coopsim/report.h"
#include "coopsim/rundb.h"
#include "coopsim/sandbox.h"
#include "coopsim/thread.h"
#include "worker.h"

/* What `coopsim run` was asked to do. */
typedef struct run_job {
  const char *file;
  const char *text; /* the file's text, read once by the parent */
  size_t len;
  const cli_options *opt;
  int strict;
  const char *format, *out, *lang; /* the report, when want_report */
  int want_report;
  int prints_to_stderr; /* the report goes to stdout as data: prints go to stderr */
  cs_rundb *store; /* --db, opened and checked before the run */
  int argc;        /* run's arguments, recorded with a stored run */
  char **argv;
  cli_requests *requests; /* r:write, r:save of a sandboxed run (requests.c) */
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

/* The report's format: --format, else --out's extension, else the table
** (with --lang alone) or CSV (with --db alone: no report). */
static cs_report_format report_format(const run_job *job) {
  cs_report_format fmt = job->out || job->format ? CS_REPORT_CSV : CS_REPORT_TABLE;
  cs_error err = {0, ""};
  if (job->format) cs_report_format_parse(job->format, &fmt, &err);
  else if (job->out) cs_report_format_from_path(job->out, &fmt, &err);
  return fmt;
}

/* Writes the report the command line asked for. */
static int write_report(const cs_doc *doc, const run_job *job) {
  cs_error err = {0, ""};
  cs_report_format fmt = report_format(job);
  cs_report_lang lng = CS_LANG_EN;
  if (job->lang) cs_report_lang_parse(job->lang, &lng, &err);
  int rc = cli_emit_doc(doc, fmt, lng, job->out, &err);
  if (rc) fprintf(stderr, "coopsim run: %s\n", err.msg);
  return rc ? 1 : 0;
}

/* The store the command line asked for (--db), if any: 0 or 1. */
static int store_doc(const cs_doc *doc, const run_job *job) {
  if (!job->store) return 0;
  return cli_runs_save_doc(job->store, doc, job->file, job->text, job->len, job->argc, job->argv, job->opt);
}

/* The report and the store the command line asked for. */
static int finish_doc(const cs_doc *doc, const run_job *job) {
  int rc = job->want_report ? write_report(doc, job) : 0;
  return rc ? rc : store_doc(doc, job);
}

/* A document of some of doc's runs (1-based places), sharing their data:
** free it with view_free, never cs_doc_free. NULL when out of memory. */
static cs_doc *view_of(const cs_doc *doc, const int64_t *runs, size_t n) {
  cs_doc *v = calloc(1, sizeof *v);
  cs_doc_run *list = calloc(n ? n : 1, sizeof *list);
  if (!v || !list) {
    free(v), free(list);
    return NULL;
  }
  v->coopsim_version = doc->coopsim_version;
  v->scenario_file = doc->scenario_file;
  for (size_t i = 0; i < n; i++) list[i] = doc->runs[runs[i] - 1];
  v->runs = list;
  v->nruns = n;
  return v;
}

static void view_free(cs_doc *v) {
  if (!v) return;
  free(v->runs);
  free(v);
}

/* Notes every request before anything is written (requests.c counts them
** and, when a write fails, lists what was and was not written). */
static int note_all(const cs_lua_request_info *req, size_t n, const run_job *job) {
  for (size_t i = 0; i < n; i++) {
    cli_request r = {req[i].kind, req[i].path, req[i].format, req[i].lang, NULL};
    if (cli_requests_note(job->requests, &r) != 0) return 1;
  }
  return 0;
}

/* Carries out the noted requests in order, each with its own view of doc;
** stops at the first that fails. */
static int carry_out_all(const cs_doc *doc, const cs_lua_request_info *req, size_t n, const run_job *job) {
  for (size_t i = 0; i < n; i++) {
    cs_doc *view = view_of(doc, req[i].runs, req[i].nruns);
    if (!view) {
      fprintf(stderr, "coopsim run: out of memory\n");
      return 1;
    }
    cli_request r = {req[i].kind, req[i].path, req[i].format, req[i].lang, view};
    int rc = cli_carry_out(job->requests, &r);
    view_free(view);
    if (rc) return rc;
  }
  return 0;
}

/* Whether the document needs the parts' explanations: only the JSON report
** and stored runs show them (and a file request may be either). */
static int needs_explanations(const run_job *job, size_t nreq) {
  return job->store || nreq > 0 || (job->want_report && report_format(job) == CS_REPORT_JSON);
}

/* ---- the worker --------------------------------------------------------- */

static int write_fd(void *ud, const void *data, size_t n) { return cli_write_all(*(int *)ud, data, n); }

/* In the worker: runs the scenario, then sends its status, the document
** and the requests. */
static int run_child(int fd, void *arg) {
  const run_job *job = arg;
  cli_requests_drop_folders(job->requests); /* the parent's, held for its writes */
  lua_State *L = cli_new_state(job->opt, job->file, job->prints_to_stderr);
  if (!L) return 1;
  if (cli_confine_worker(L, job->file, job->opt, fd) != 0) return 1;
  int rc = run_scenario(L, job);
  /* what the scenario printed must have been written (a full disk is an
  ** error, not silence) */
  if (fflush(stdout) != 0 || ferror(stdout)) {
    fprintf(stderr, "coopsim: %s: cannot write what the scenario printed: %s\n", job->file, strerror(errno));
    rc = 1;
  }
  size_t nreq = rc == 0 ? cs_lua_nrequests(L) : 0;
  int want_doc = rc == 0 && (job->want_report || job->store || nreq > 0);
  cs_wire_out *w = cs_wire_out_new(write_fd, &fd);
  if (!w) return 1;
  cs_wire_put_int(w, rc);
  cs_wire_put_uint(w, want_doc);
  if (want_doc) { /* made as it is sent: the parent checks it */
    cs_error err = {0, ""};
    if (cs_lua_runs_stream(L, w, COOPSIM_VERSION, job->file, needs_explanations(job, nreq), &err) != 0) {
      fprintf(stderr, "coopsim: %s: the results could not be made: %s\n", job->file, err.msg);
      cs_wire_out_flush(w);
      return 1;
    }
  }
  cs_wire_put_uint(w, nreq);
  for (size_t i = 0; i < nreq; i++) {
    cs_lua_request_info r;
    cs_lua_request(L, i, &r);
    cs_wire_put_str(w, r.kind);
    cs_wire_put_str(w, r.path);
    cs_wire_put_str(w, r.format);
    cs_wire_put_str(w, r.lang);
    cs_wire_put_uint(w, r.nruns);
    for (size_t k = 0; k < r.nruns; k++) cs_wire_put_uint(w, (uint64_t)r.runs[k]);
  }
  if (cs_wire_out_flush(w) != 0) rc = 1;
  cs_wire_out_free(w);
  /* no lua_close: the process ends here and the system frees it all */
  return rc;
}

/* What the parent read from the worker. */
typedef struct worker_answer {
  const run_job *job;
  int status;              /* the scenario's exit status */
  cs_doc *doc;             /* may be NULL */
  size_t nreq;
  cs_lua_request_info req[CLI_MAX_REQUESTS];
  char *texts[CLI_MAX_REQUESTS][4];
  int64_t *runs[CLI_MAX_REQUESTS];
  size_t got; /* bytes the worker sent */
  cs_error err;
  /* --db: the runs saved as they arrive (save_arrived), committed by
  ** finish_save, else rolled back by answer_free */
  cli_worker_pipe *pipe;   /* while the document is read */
  cs_rundb_meta meta;
  cs_rundb_saving *saving; /* NULL before the first run, or after a failure */
  int save_rc;             /* the save's first failure, told by finish_save */
  cs_error save_err;
  int save_stopped;        /* the parent saw save_rc: no more runs are saved */
  /* the saving thread (save_thread): while `handed` is 1 it alone uses the
  ** store's connection, saving, save_rc, save_err and `run`; the parent
  ** touches them only once it has seen handed 0 under mu (save_wait) or
  ** joined the thread (save_join) */
  int threaded;            /* the thread runs: save_join ends it */
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int handed;              /* run is the thread's, not saved yet */
  int stop;                /* no more runs: the thread ends */
  cs_doc_run run;          /* the run handed over (its struct: the reader's
                           ** runs array moves; what it points to stays,
                           ** cs_wire_run_fn) */
  int save_live;           /* runs are saved as they arrive (save_as_arriving) */
  int json_live;           /* the JSON report is written as they arrive */
  cs_report_stream *json;  /* that report's writer, until emit_report or answer_free */
} worker_answer;

static void save_join(worker_answer *a);

static void answer_free(worker_answer *a) {
  save_join(a);
  cs_report_json_end(a->json, 0, NULL, NULL); /* a report not accepted: its temporary file goes */
  cs_rundb_save_abort(a->saving); /* a save not committed: nothing of it is stored */
  cli_runs_meta_free(&a->meta);
  cs_doc_free(a->doc);
  for (size_t i = 0; i < CLI_MAX_REQUESTS; i++) {
    for (int k = 0; k < 4; k++) free(a->texts[i][k]);
    free(a->runs[i]);
  }
}

/* Reads one request. */
static int read_request(cs_wire_in *in, worker_answer *a, size_t i) {
  cs_error *err = &a->err;
  int rc;
  char **t = a->texts[i];
  if ((rc = cs_wire_get_str(in, &t[0], "a file request's kind", err)) ||
      (rc = cs_wire_get_str(in, &t[1], "a file request's path", err)) ||
      (rc = cs_wire_get_str(in, &t[2], "a file request's format", err)) ||
      (rc = cs_wire_get_str(in, &t[3], "a file request's language", err)))
    return rc;
  if (!t[0] || (strcmp(t[0], "write") != 0 && strcmp(t[0], "save") != 0) || !t[1])
    return cs_error_set(err, CS_EINVAL, "a file request is malformed");
  uint64_t n;
  size_t nruns = a->doc ? a->doc->nruns : 0;
  if ((rc = cs_wire_get_uint(in, nruns, &n, "the runs of a file request", err))) return rc;
  if (n == 0) return cs_error_set(err, CS_EINVAL, "a file request names no run");
  if (!(a->runs[i] = malloc((size_t)n * sizeof *a->runs[i])))
    return cs_error_set(err, CS_ENOMEM, "out of memory");
  for (uint64_t k = 0; k < n; k++) {
    uint64_t idx;
    if ((rc = cs_wire_get_uint(in, nruns, &idx, "a run of a file request", err))) return rc;
    if (idx == 0) return cs_error_set(err, CS_EINVAL, "a file request names run 0");
    a->runs[i][k] = (int64_t)idx;
  }
  cs_lua_request_info *r = &a->req[i];
  r->kind = t[0], r->path = t[1], r->format = t[2], r->lang = t[3];
  r->runs = a->runs[i];
  r->nruns = (size_t)n;
  return 0;
}

/* ---- --db: saving the runs as they arrive, on a thread of the parent ---- */

/* The saving thread: saves each run it is handed (a->run) into a->saving,
** until told to stop. Its first failure is kept in save_rc and save_err;
** the runs handed after it are not saved. The parent aborts the save. */
static void *save_thread(void *arg) {
  worker_answer *a = arg;
  pthread_mutex_lock(&a->mu);
  for (;;) {
    while (!a->handed && !a->stop) pthread_cond_wait(&a->cv, &a->mu);
    if (!a->handed) break;
    pthread_mutex_unlock(&a->mu);
    if (!a->save_rc) a->save_rc = cs_rundb_save_run(a->saving, &a->run, &a->save_err);
    pthread_mutex_lock(&a->mu);
    a->handed = 0;
    pthread_cond_broadcast(&a->cv);
  }
  pthread_mutex_unlock(&a->mu);
  return NULL;
}

/* Waits until the thread has saved the run it was handed (if any): then
** the save is the parent's again. */
static void save_wait(worker_answer *a) {
  if (!a->threaded) return;
  pthread_mutex_lock(&a->mu);
  while (a->handed) pthread_cond_wait(&a->cv, &a->mu);
  pthread_mutex_unlock(&a->mu);
}

/* Ends the saving thread, once it has saved the run it was handed, and
** rolls the save back if it failed: finish_save before COMMIT, answer_free
** on every other path (a refused document, a timeout, a failed report).
** The thread may outlive consume: it reads the document's runs (never the
** pipe), which stay until answer_free, after this. Without a thread, only
** the roll-back of a failed save. */
static void save_join(worker_answer *a) {
  if (a->threaded) {
    pthread_mutex_lock(&a->mu);
    a->stop = 1;
    pthread_cond_broadcast(&a->cv);
    pthread_mutex_unlock(&a->mu);
    cs_thread_join_synced(a->thread, &a->mu, &a->cv);
    a->threaded = 0;
  }
  if (a->save_rc) { /* a save that failed (or never began) saves nothing more */
    cs_rundb_save_abort(a->saving);
    a->saving = NULL;
    a->save_stopped = 1;
  }
}

/* Starts the saving thread; when it cannot start, the runs are saved here,
** as they arrive, as before. */
static void save_start(worker_answer *a) {
  a->threaded = cs_thread_start_synced(&a->thread, &a->mu, &a->cv, save_thread, a) == 0;
}

/* In the parent, as run i of the worker's document arrives (--db): saved
** into the store while the next is read, so that SQLite's inserts overlap
** the worker's work and the reading and checking of the next run, in a
** transaction committed only once the whole document was checked and the
** report written (finish_save), and rolled back otherwise (answer_free). A
** failure is kept and told then: a document that the checks refuse is
** refused with their message, as before. The inserts run on a thread
** (save_thread), handed one run at a time once it is done with the one
** before. It reads the run where the reader put it, in the document's
** arena, which does not move; the run's struct is copied, as the runs
** array does move (cs_wire_run_fn). When the reader refuses the document
** (i is CS_WIRE_REFUSED), the thread is ended before the reader frees it.
** The time the parent spends here (waiting for the thread) does not count
** against --timeout: the worker, which runs no Lua while it sends its
** document, waits on the full pipe meanwhile. */
static void save_arrived(void *ud, const cs_doc *doc, size_t i) {
  worker_answer *a = ud;
  const run_job *job = a->job;
  if (i == CS_WIRE_REFUSED) { /* nothing of the document may be read from here on */
    save_join(a);
    return;
  }
  if (a->save_stopped) return;
  double start = cli_worker_now();
  if (i == 0) { /* no thread yet: the save is the parent's */
    a->save_rc = cli_runs_meta(&a->meta, job->file, job->text, job->len, job->argc, job->argv, job->opt,
                               &a->save_err);
    if (!a->save_rc) a->save_rc = cs_rundb_save_begin(job->store, doc, &a->meta, &a->saving, &a->save_err);
    if (!a->save_rc) save_start(a);
  }
  save_wait(a); /* the thread is done with run i - 1: save_rc is the parent's until the handing */
  int rc = a->save_rc;
  if (!rc && !a->saving)
    rc = a->save_rc = cs_error_set(&a->save_err, CS_EINVAL, "the runs arrived out of order; nothing was saved");
  if (!rc && a->threaded) {
    pthread_mutex_lock(&a->mu);
    a->run = doc->runs[i];
    a->handed = 1;
    pthread_cond_broadcast(&a->cv);
    pthread_mutex_unlock(&a->mu);
  } else if (!rc) {
    rc = a->save_rc = cs_rundb_save_run(a->saving, &doc->runs[i], &a->save_err);
  }
  if (rc) save_join(a); /* and the save is rolled back */
  if (a->pipe->deadline > 0) a->pipe->deadline += cli_worker_now() - start;
}

/* ---- the JSON report of --out, written as the runs arrive ---- */

/* Whether the report is JSON to a file (--out): written as the runs arrive
** (cs_report_json_start), into a temporary file put in place only once the
** whole document was accepted, so that the writing overlaps the transfer. */
static int json_as_arriving(const run_job *job) {
  return job->want_report && job->out && report_format(job) == CS_REPORT_JSON;
}

/* As run i arrives: handed to the report's writer (started with the first);
** when the reader refuses the document, the writer is ended first. */
static void json_arrived(worker_answer *a, const cs_doc *doc, size_t i) {
  if (i == CS_WIRE_REFUSED) {
    cs_report_json_end(a->json, 0, NULL, NULL);
    a->json = NULL;
    return;
  }
  if (i == 0) cs_report_json_start(&a->json, a->job->out, doc->coopsim_version);
  cs_report_json_run(a->json, &doc->runs[i]);
}

/* The worker's document's runs as they arrive (cs_wire_run_fn): to the
** report's writer and to the store, whichever is live. */
static void run_arrived(void *ud, const cs_doc *doc, size_t i) {
  worker_answer *a = ud;
  if (a->json_live) json_arrived(a, doc, i);
  if (a->save_live) save_arrived(a, doc, i);
}

/* The report the command line asked for, of an accepted document: the one
** written as it arrived, put in place, or written now (write_report). 0 or
** 1, messages as write_report. */
static int emit_report(worker_answer *a) {
  if (a->json) {
    cs_error err = {0, ""};
    int rc = cs_report_json_end(a->json, 1, a->doc->scenario_file, &err);
    a->json = NULL;
    if (rc == 0) {
      fprintf(stderr, "wrote %s\n", a->job->out);
      return 0;
    }
    if (rc > 0) {
      fprintf(stderr, "coopsim run: %s\n", err.msg);
      return 1;
    }
  }
  return write_report(a->doc, a->job); /* not streamed, or the stream gave up */
}

/* The store's save of a document saved as it arrived: COMMIT, and "saved
** run N" or why nothing was stored; 0 or 1, as cli_runs_save_doc. */
static int finish_save(worker_answer *a) {
  int64_t id = 0;
  save_join(a); /* the last run saved, or the save's failure known */
  int rc = a->save_rc;
  if (!rc) {
    rc = cs_rundb_save_commit(a->saving, &id, &a->save_err);
    a->saving = NULL;
  }
  return cli_runs_saved(a->job->store, rc, id, &a->save_err);
}

/* Whether --db may save the runs as they arrive. That save's transaction
** stays open, the store locked to other writers (and, once SQLite writes
** pages before COMMIT, to readers), until the report is written, as a run
** is stored only with its report. So only when writing the report cannot
** wait on someone: no report, a file of --out, or standard output that is
** a file or a device other than a terminal (/dev/null). To a pipe, a
** socket or a terminal (`| less` waits for its reader) the report is
** written first and the document saved after it, as before. */
static int save_as_arriving(const run_job *job) {
  if (!job->store) return 0;
  if (!job->want_report || job->out) return 1;
  struct stat st;
  if (fstat(STDOUT_FILENO, &st) != 0) return 0;
  return S_ISREG(st.st_mode) || (S_ISCHR(st.st_mode) && !isatty(STDOUT_FILENO));
}

/* In the parent: reads the worker's message as it comes. */
static int consume(cli_worker_pipe *p, void *arg) {
  worker_answer *a = arg;
  const cli_options *opt = a->job->opt;
  cs_wire_in *in = cs_wire_in_new(cli_worker_fill, p, opt->max_memory);
  if (!in) return cs_error_set(&a->err, CS_ENOMEM, "out of memory");
  int64_t status;
  uint64_t has_doc, nreq;
  int rc = cs_wire_get_int(in, &status, "the worker's status", &a->err);
  if (!rc) {
    a->status = status < 0 || status > 255 ? 1 : (int)status;
    rc = cs_wire_get_uint(in, 1, &has_doc, "the results", &a->err);
  }
  if (!rc && has_doc) {
    size_t max_rows = opt->max_rows > 0 ? (size_t)opt->max_rows : (size_t)1000000;
    /* checked alone and in the relations every simulated run has (doc_wire.h) */
    a->pipe = p;
    a->save_live = save_as_arriving(a->job);
    a->json_live = json_as_arriving(a->job);
    rc = cs_wire_get_doc_each(in, max_rows, a->save_live || a->json_live ? run_arrived : NULL, a, &a->doc,
                              &a->err);
  }
  if (!rc) rc = cs_wire_get_uint(in, UINT64_MAX, &nreq, "the file requests", &a->err);
  if (!rc && nreq > CLI_MAX_REQUESTS)
    rc = cs_error_set(&a->err, CS_EINVAL,
                      "the scenario asked for more than %d files (%llu); at most %d (r:write, r:save) "
                      "are written for a scenario file from someone else",
                      CLI_MAX_REQUESTS, (unsigned long long)nreq, CLI_MAX_REQUESTS);
  for (size_t i = 0; !rc && i < nreq; i++) {
    rc = read_request(in, a, i);
    if (!rc) a->nreq = i + 1;
  }
  if (!rc && !cs_wire_at_end(in, &a->err))
    rc = cs_error_set(&a->err, CS_EINVAL, "the worker sent more than it announced");
  /* the saving thread may still be saving the last run: finish_save (after
  ** the report, which it overlaps) or answer_free joins it; nothing here
  ** waits for it, so the pipe's deadline is not touched */
  cs_wire_in_free(in);
  a->got = p->got;
  return rc;
}

/* Runs the scenario in a worker; acts on its answer. The exit status. */
static int run_in_worker(const run_job *job) {
  const cli_options *opt = job->opt;
  cli_worker_limits lim = {opt->timeout, opt->max_memory};
  cli_worker_outcome o;
  worker_answer *a = calloc(1, sizeof *a);
  if (!a) {
    fprintf(stderr, "coopsim: out of memory\n");
    return 1;
  }
  a->job = job;
  int rc;
  if (cli_worker_run(&lim, run_child, (void *)job, consume, a, &o) != 0) {
    perror("coopsim: cannot start a worker process");
    rc = 1;
  } else if (o.refused) {
    /* the parent stopped reading (too large, malformed) and ended the worker */
    fprintf(stderr, "coopsim: %s: %s; nothing was written\n", job->file, a->err.msg);
    rc = 1;
  } else if (o.timed_out || o.signal) {
    char why[512];
    cli_worker_explain(&o, job->file, &lim, why, sizeof why);
    fprintf(stderr, "coopsim: %s\n", why);
    rc = 1;
  } else if (o.consumed != 0) {
    /* a worker that stopped before it sent anything has said why on stderr */
    if (o.exited && o.exit_code != 0 && a->got == 0)
      rc = o.exit_code;
    else {
      fprintf(stderr, "coopsim: %s: %s; nothing was written\n", job->file, a->err.msg);
      rc = 1;
    }
  } else if (a->status != 0) {
    rc = a->status;
  } else {
    rc = note_all(a->req, a->nreq, job);
    /* (save_rc is the saving thread's until it is joined: saving and
    ** save_stopped are the parent's) */
    if (rc == 0 && a->doc && (a->saving || a->save_stopped)) { /* saved as it arrived */
      if (job->want_report) rc = emit_report(a);
      if (rc == 0) rc = finish_save(a);
    } else if (rc == 0 && a->doc && (job->want_report || job->store)) {
      if (job->want_report) rc = emit_report(a); /* finish_doc, with the report written as it arrived */
      if (rc == 0) rc = store_doc(a->doc, job);
    }
    if (rc == 0) rc = carry_out_all(a->doc, a->req, a->nreq, job);
  }
  answer_free(a);
  free(a);
  return rc;
}

/* With --trusted: runs here; the document is made from the state. */
static int run_here(const run_job *job) {
  fprintf(stderr,
          "coopsim: --trusted: %s runs with the whole Lua standard library (files, programs) "
          "and no limits\n",
          job->file);
  lua_State *L = cli_new_state(job->opt, job->file, job->prints_to_stderr);
  if (L) cs_lua_set_scenario(L, job->file, job->text, job->len); /* r:save stores these bytes */
  int rc = L ? run_scenario(L, job) : 1;
  if (rc == 0 && (job->want_report || job->store)) {
    cs_error err = {0, ""};
    cs_doc *doc = NULL;
    if (cs_lua_runs_doc(L, COOPSIM_VERSION, job->file, needs_explanations(job, 0), &doc, &err) != 0) {
      fprintf(stderr, "coopsim: %s: the results could not be made: %s\n", job->file, err.msg);
      rc = 1;
    } else {
      rc = finish_doc(doc, job);
    }
    cs_doc_free(doc);
  }
  cs_sandbox_close(L);
  return rc;
}

/* 1 when argv[i] is an option that takes a value and has it; otherwise
** prints what is wrong. */
static int has_value(int argc, char **argv, int i) {
  if (i + 1 < argc && argv[i + 1][0] != '\0') return 1;
  fprintf(stderr, "coopsim run: %s needs a value (e.g. %s %s)\n", argv[i], argv[i],
          strcmp(argv[i], "--format") == 0 ? "csv" : strcmp(argv[i], "--lang") == 0 ? "nb"
          : strcmp(argv[i], "--db") == 0 ? "runs.db" : "report.csv");
  return 0;
}

/* Takes the value of a once-only option; 0 when it was given twice. */
static int once(const char **slot, const char *name, const char *value) {
  if (*slot) {
    fprintf(stderr, "coopsim run: %s given twice (%s and %s)\n", name, *slot, value);
    return 0;
  }
  *slot = value;
  return 1;
}

int cli_run(int argc, char **argv, const cli_options *opt) {
  const char *file = NULL, *format = NULL, *out = NULL, *lang = NULL, *db_path = NULL;
  int strict = 0;
  for (int i = 0; i < argc; i++) {
    const char **slot = strcmp(argv[i], "--format") == 0 ? &format
                        : strcmp(argv[i], "--out") == 0  ? &out
                        : strcmp(argv[i], "--lang") == 0 ? &lang
                        : strcmp(argv[i], "--db") == 0   ? &db_path
                                                         : NULL;
    if (strcmp(argv[i], "--strict") == 0) strict = 1;
    else if (slot) {
      if (!has_value(argc, argv, i) || !once(slot, argv[i], argv[i + 1])) return 2;
      i++;
    } else if (argv[i][0] == '-' && argv[i][1]) {
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
  if (out && strcmp(out, "-") == 0) out = NULL; /* --out -: standard output, as without --out */
  /* the language a Norwegian office sets once (LANG and LC_* are not read) */
  /* the language a Norwegian office sets once: COOPSIM_LANG (LANG and LC_*
  ** are not read) is the default of --lang for a report */
  if (!lang && (format || out)) {
    cs_report_lang dflt;
    cs_error lerr = {0, ""};
    if (cs_report_lang_default(&dflt, &lerr) != 0) {
      fprintf(stderr, "coopsim run: %s\n", lerr.msg);
      return 2;
    }
    if (dflt == CS_LANG_NB) lang = "nb";
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
    if (lang) cli_set_lang(l); /* what the scenario prints, in that language too */
    if (format && !out && !cs_report_format_is_text(f)) {
      fprintf(stderr, "coopsim run: an %s workbook is binary and is not written to %s: give --out FILE.%s\n",
              format, isatty(fileno(stdout)) ? "a terminal" : "standard output", format);
      return 2;
    }
  }
  if (cli_check_registry(opt) != 0) return 1;
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
                 format != NULL || out != NULL || lang != NULL, 0, store, argc, argv, NULL};
  job.prints_to_stderr = job.want_report && !out && report_format(&job) != CS_REPORT_TABLE;
  /* requests.c: the folders a sandboxed scenario may write below, held from now on */
  if (!opt->trusted && !(job.requests = cli_requests_open(file, text, len, opt))) {
    cs_rundb_close(store);
    free(text);
    return 1;
  }
  int rc = opt->trusted ? run_here(&job) : run_in_worker(&job);
  cli_requests_close(job.requests, rc); /* requests.c: which files were written, if not all */
  cs_rundb_close(store);
  free(text);
  return rc;
}
