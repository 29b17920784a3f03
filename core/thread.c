/*
** thread.c: helper threads that leave signals to the Lua thread (thread.h).
*/
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
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
