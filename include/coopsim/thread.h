#ifndef COOPSIM_THREAD_H
#define COOPSIM_THREAD_H
/*
** Helper threads of the C core (Monte Carlo, simulations of several
** cooperations) that never take a process signal: Ctrl-C and the sandbox's
** CPU timer (lua_sandbox.c) must reach the thread that runs Lua.
*/
#include <pthread.h>

/* pthread_create with every signal blocked in the new thread; the same
** return value (0 or an error number). */
int cs_thread_start(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg);

#endif
