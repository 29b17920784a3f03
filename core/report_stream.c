/*
** report_stream.c: a JSON report written as a document's runs arrive
** (report.h, cs_report_json_*).
**
** A thread of its own writes the report into the temporary file of
** cs_atomic_write_at: the head at once, each run as the reader hands it
** over (its struct, queued; the rows and texts it points to stay where the
** reader put them), and the tail once the caller says the document was
** accepted; refused, the fill fails and the temporary file goes. So the
** writing, some 190 ms of a national run's 85 MB, overlaps the worker's
** sending and the parent's reading instead of following them. The bytes
** are cs_doc_json_sb's: it is made of the same three parts.
*/
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "coopsim/atomic_file.h"
#include "coopsim/report.h"
#include "coopsim/safe_path.h"
#include "coopsim/thread.h"
#include "report_internal.h"

struct cs_report_stream {
  cs_safe_target target;
  const char *version;
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  /* under mu: the runs handed over, and the end */
  cs_doc_run *runs;
  size_t n, cap;
  int oom;                   /* a run could not be queued: the stream gives up */
  int ended, keep;
  const char *scenario_file; /* the tail's, with keep */
  /* the thread's outcome, read after the join */
  int rc;
  cs_error err;
};

/* The report into the temporary file fd (cs_atomic_fill): runs as they
** are queued, until the end; a refused (or abandoned) document fails the
** fill, and the temporary file is removed. */
static int fill(const char *fd_path, int fd, void *ud, cs_error *err) {
  (void)fd_path;
  cs_report_stream *s = ud;
  cs_sink_job job = {NULL, fd, 0, 0};
  cs_sb b = {0};
  cs_sb_sink_start(&b, cs_sink_fd, &job);
  int bad = cs_doc_json_head(&b, s->version) != 0;
  size_t i = 0;
  pthread_mutex_lock(&s->mu);
  for (;;) {
    while (i == s->n && !s->ended) pthread_cond_wait(&s->cv, &s->mu);
    if (i == s->n || s->oom || (s->ended && !s->keep)) break; /* refused: the rest is not written */
    cs_doc_run run = s->runs[i];
    pthread_mutex_unlock(&s->mu);
    if (!bad && !b.oom) bad = cs_doc_json_run(&b, &run, i) != 0;
    i++;
    pthread_mutex_lock(&s->mu);
  }
  while (!s->ended) pthread_cond_wait(&s->cv, &s->mu); /* gave up (oom): the end still decides */
  int keep = s->keep && !s->oom;
  const char *scenario_file = s->scenario_file;
  pthread_mutex_unlock(&s->mu);
  if (keep) {
    if (!bad) bad = cs_doc_json_tail(&b, scenario_file, i) != 0;
    if (!bad && !b.oom && b.len && cs_sink_fd(&job, b.s, b.len) != 0) b.sink_failed = 1;
  }
  int failed = b.sink_failed, oom = b.oom;
  cs_sb_free(&b);
  if (!keep) return cs_error_set(err, CS_ERROR, "%s: not written", s->target.shown);
  if (failed) return cs_error_set(err, CS_EIO, "%s: cannot write (%s)", s->target.shown, strerror(job.errno_));
  if (bad) return cs_error_set(err, CS_EINVAL, "a text of the results is not UTF-8");
  if (oom) return cs_error_set(err, CS_ENOMEM, "out of memory writing the json report");
  return 0;
}

static void *writer(void *arg) {
  cs_report_stream *s = arg;
  s->rc = cs_atomic_write_at(&s->target, fill, s, &s->err);
  return NULL;
}

void cs_report_json_start(cs_report_stream **out, const char *path, const char *coopsim_version) {
  *out = NULL;
  cs_report_stream *s = calloc(1, sizeof *s);
  if (!s) return;
  s->target = (cs_safe_target)CS_SAFE_TARGET_INIT;
  s->version = coopsim_version;
  cs_error ignored;
  /* what cs_report_write would refuse is left to it, for its message; with
  ** no thread, the report is written whole */
  if (cs_safe_target_open(&s->target, path, &ignored) != 0 || cs_report_store_name(s->target.name) ||
      cs_thread_start_synced(&s->thread, &s->mu, &s->cv, writer, s) != 0) {
    cs_safe_target_close(&s->target);
    free(s);
    return;
  }
  *out = s;
}

void cs_report_json_run(cs_report_stream *s, const cs_doc_run *run) {
  if (!s) return;
  pthread_mutex_lock(&s->mu);
  if (!s->oom && s->n == s->cap) {
    size_t cap = s->cap ? 2 * s->cap : 16;
    cs_doc_run *runs = realloc(s->runs, cap * sizeof *runs);
    if (runs) s->runs = runs, s->cap = cap;
    else s->oom = 1;
  }
  if (!s->oom) s->runs[s->n++] = *run;
  pthread_cond_broadcast(&s->cv);
  pthread_mutex_unlock(&s->mu);
}

int cs_report_json_end(cs_report_stream *s, int keep, const char *scenario_file, cs_error *err) {
  if (!s) return 0;
  pthread_mutex_lock(&s->mu);
  s->ended = 1;
  s->keep = keep != 0;
  s->scenario_file = scenario_file;
  int gave_up = s->oom;
  pthread_cond_broadcast(&s->cv);
  pthread_mutex_unlock(&s->mu);
  cs_thread_join_synced(s->thread, &s->mu, &s->cv);
  int rc = s->rc;
  if (keep && rc && err) *err = s->err;
  cs_safe_target_close(&s->target);
  free(s->runs);
  free(s);
  if (!keep) return 0;
  if (gave_up) return -1;
  return rc;
}
