/*
** simulate_many.c: a scenario's cooperations on several threads
** (simulate_many.h). Each thread takes the next cooperation by an atomic
** counter; each result and error has its own slot, so the outcome does not
** depend on which thread ran what.
*/
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "coopsim/simulate_many.h"
#include "coopsim/thread.h"

typedef struct job {
  cs_coop *const *coops;
  size_t n;
  const cs_registry *reg;
  int from, to;
  cs_result **out;
  int *rc;
  cs_error *errs;
  atomic_size_t next;
} job;

static void *work(void *arg) {
  job *j = arg;
  for (;;) {
    size_t i = atomic_fetch_add(&j->next, 1);
    if (i >= j->n) return NULL;
    j->errs[i].code = 0;
    j->errs[i].msg[0] = '\0';
    j->rc[i] = cs_simulate(j->coops[i], j->reg, j->from, j->to, &j->out[i], &j->errs[i]);
  }
}

int cs_simulate_threads(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1 : n > 8 ? 8 : (int)n;
}

int cs_simulate_many(cs_coop *const *coops, size_t n, const cs_registry *reg, int from, int to,
                     int threads, cs_result **out, size_t *failed, cs_error *err) {
  *failed = 0;
  for (size_t i = 0; i < n; i++) out[i] = NULL;
  if (n == 0) return CS_OK;
  job j = {coops, n, reg, from, to, out, calloc(n, sizeof(int)), calloc(n, sizeof(cs_error)), 0};
  if (!j.rc || !j.errs) {
    free(j.rc);
    free(j.errs);
    return cs_error_set(err, CS_ENOMEM, "out of memory");
  }
  atomic_init(&j.next, 0);
  if (threads > (int)n) threads = (int)n;
  pthread_t tid[8];
  int started = 0;
  if (threads > 1) {
    pthread_attr_t attr;
    int attr_ok = pthread_attr_init(&attr) == 0;
    /* the simulation's stack needs are small (a few exact numbers of 1 KB) */
    if (attr_ok) pthread_attr_setstacksize(&attr, (size_t)2 << 20);
    for (int t = 1; t < threads && t <= 8; t++) {
      if (cs_thread_start(&tid[started], attr_ok ? &attr : NULL, work, &j) != 0) break;
      started++;
    }
    if (attr_ok) pthread_attr_destroy(&attr);
  }
  work(&j); /* this thread takes its part too (all of it, when no thread started) */
  for (int t = 0; t < started; t++) pthread_join(tid[t], NULL);
  int rc = CS_OK;
  for (size_t i = 0; i < n; i++)
    if (j.rc[i] != CS_OK) {
      rc = j.rc[i];
      *failed = i;
      if (err) *err = j.errs[i];
      break;
    }
  if (rc != CS_OK)
    for (size_t i = 0; i < n; i++) {
      cs_result_free(out[i]);
      out[i] = NULL;
    }
  free(j.rc);
  free(j.errs);
  return rc;
}
