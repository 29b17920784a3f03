#ifndef COOPSIM_CLI_WORKER_H
#define COOPSIM_CLI_WORKER_H
/*
** worker.c: runs a scenario file from someone else in a child process.
**
** The child gets resource limits (address space, CPU time, no core files)
** and writes its result to a pipe; the parent reads at most `max_message`
** bytes and kills the child (SIGKILL) when the wall-clock limit passes. Only
** the parent validates what came back and writes files or databases: a
** child that hangs in C (a backtracking pattern match), exhausts memory or
** crashes cannot touch them.
*/
#include <stddef.h>

typedef struct cli_worker_limits {
  double timeout;      /* wall-clock seconds; 0 = none */
  size_t max_memory;   /* the Lua cap; the address space gets this plus room for C */
  size_t max_message;  /* bytes the child may send back */
} cli_worker_limits;

/* What happened to the child. */
typedef struct cli_worker_outcome {
  int exited;        /* 1: the child exited normally with exit_code */
  int exit_code;
  int timed_out;     /* 1: killed at the wall-clock limit */
  int signal;        /* the signal that ended it, if not exited */
  int too_large;     /* 1: it tried to send more than max_message */
  char *message;     /* what it sent (NUL-terminated, malloc'ed; caller frees) */
  size_t message_len;
} cli_worker_outcome;

/* Forks; in the child sets the limits, calls child(fd, arg) with the write
** end of the pipe and exits with its return value (stdout and stderr are
** flushed first). In the parent collects the outcome. Returns 0 when the
** child could be started and waited for, -1 (with errno) when fork or pipe
** failed. */
int cli_worker_run(const cli_worker_limits *lim, int (*child)(int fd, void *arg), void *arg,
                   cli_worker_outcome *out);

/* In a child process: no core files, CPU time, and (not under ASan, which
** reserves terabytes of address space) address space for max_memory plus
** 1 GB for the C side. */
void cli_worker_child_limits(const cli_worker_limits *lim);

/* Writes all of buf to fd; 0, or -1 on error. */
int cli_write_all(int fd, const void *buf, size_t len);

/* A one-line explanation of an outcome that was not a normal exit, naming
** the file and the limit, e.g. "x.lua: timeout: ran longer than 60 s
** (--timeout) and was stopped". */
void cli_worker_explain(const cli_worker_outcome *o, const char *file,
                        const cli_worker_limits *lim, char *buf, size_t size);

#endif
