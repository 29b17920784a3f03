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

/* cs_thread_start of fn with the lock mu and the condition cv it shares
** with the thread that starts it, both made first: 0, or an error number
** with neither left made. */
int cs_thread_start_synced(pthread_t *t, pthread_mutex_t *mu, pthread_cond_t *cv, void *(*fn)(void *), void *arg);

/* Waits for t to end, then destroys the mu and cv cs_thread_start_synced
** made with it. */
void cs_thread_join_synced(pthread_t t, pthread_mutex_t *mu, pthread_cond_t *cv);

/* 1 when the process's address space or data is limited (ulimit -v, -d)
** to less than 1 GiB above what it holds now (or that cannot be told): work
** that a helper thread would share is better done by one thread there. */
int cs_thread_memory_limited(void);

/* The process's address space now, in bytes (/proc/self/statm), in *bytes:
** 0, or -1 when it cannot be read (*bytes untouched). */
int cs_thread_address_space(unsigned long long *bytes);

#endif
