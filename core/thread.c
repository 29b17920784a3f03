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
