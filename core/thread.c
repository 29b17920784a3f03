/*
** thread.c: helper threads that leave signals to the Lua thread (thread.h).
*/
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>
#include "coopsim/thread.h"

int cs_thread_start(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg) {
  sigset_t all, old;
  sigfillset(&all);
  /* the new thread inherits the mask in force when it is made */
  int masked = pthread_sigmask(SIG_SETMASK, &all, &old) == 0;
  int rc = pthread_create(t, attr, fn, arg);
  if (masked) pthread_sigmask(SIG_SETMASK, &old, NULL);
  return rc;
}

int cs_thread_start_synced(pthread_t *t, pthread_mutex_t *mu, pthread_cond_t *cv, void *(*fn)(void *), void *arg) {
  int rc = pthread_mutex_init(mu, NULL);
  if (rc) return rc;
  if ((rc = pthread_cond_init(cv, NULL)) != 0) {
    pthread_mutex_destroy(mu);
    return rc;
  }
  if ((rc = cs_thread_start(t, NULL, fn, arg)) != 0) {
    pthread_cond_destroy(cv);
    pthread_mutex_destroy(mu);
  }
  return rc;
}

void cs_thread_join_synced(pthread_t t, pthread_mutex_t *mu, pthread_cond_t *cv) {
  pthread_join(t, NULL);
  pthread_cond_destroy(cv);
  pthread_mutex_destroy(mu);
}

/* 1 when the process's address space or data is limited (ulimit -v, -d)
** to less than 1 GiB above the address space it has now: then one thread
** does the work, in the memory it always took (report_sections.c, rundb.c's
** reader beside the rows). A second thread needs
** more: near such a limit glibc cannot reserve it a malloc arena (64 MB),
** and every allocation it makes becomes a mapping of its own (review13: a
** national page that one thread wrote under 59 MB failed). A limit far
** above (a policy's 64 GB) leaves the two threads. */
int cs_thread_memory_limited(void) {
  struct rlimit as, data;
  if (getrlimit(RLIMIT_AS, &as) != 0 || getrlimit(RLIMIT_DATA, &data) != 0) return 1;
  rlim_t limit = as.rlim_cur < data.rlim_cur ? as.rlim_cur : data.rlim_cur;
  if (limit == RLIM_INFINITY) return 0;
  unsigned long long used, margin = 1ull << 30;
  if (cs_thread_address_space(&used) != 0) return 1;
  return (unsigned long long)limit < used || (unsigned long long)limit - used < margin;
}

int cs_thread_address_space(unsigned long long *bytes) {
  unsigned long long pages = 0;
  FILE *f = fopen("/proc/self/statm", "re");
  int read = f && fscanf(f, "%llu", &pages) == 1;
  if (f) fclose(f);
  long page = sysconf(_SC_PAGESIZE);
  if (!read || page <= 0) return -1;
  *bytes = pages * (unsigned long long)page;
  return 0;
}
