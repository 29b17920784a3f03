#ifndef COOPSIM_CLI_WORKER_H
#define COOPSIM_CLI_WORKER_H
/*
** worker.c: runs a scenario file from someone else in a child process.
**
** The child gets resource limits (address space, CPU time, no core files)
** and writes its result to a pipe; the parent reads it as it comes, within
** the wall-clock limit (it kills the child, SIGKILL, when the limit passes)
** and a memory budget of its own (doc_wire.h). Only the parent validates
** what came back and writes files or databases: a child that hangs in C (a
** backtracking pattern match), exhausts memory, crashes or sends too much
** cannot touch them, nor keep the parent waiting past the limit.
*/
#include <stddef.h>
#include "coopsim/error.h"

typedef struct cli_worker_limits {
  double timeout;      /* wall-clock seconds; 0 = none */
  size_t max_memory;   /* the Lua cap; the address space gets this plus room for C */
} cli_worker_limits;

/* The parent's end of the pipe, for cli_worker_fill. */
typedef struct cli_worker_pipe {
  int fd;
  double deadline;  /* CLOCK_MONOTONIC seconds; 0 = none */
  double timeout;   /* for messages */
  int timed_out;    /* set when the deadline passed while reading */
  size_t got;       /* bytes read so far */
  int eof;          /* the child closed its end */
} cli_worker_pipe;

/* A fill function for cs_wire_in_new (doc_wire.h): reads from the pipe p
** (a cli_worker_pipe) what is there, waiting no longer than its deadline.
** Bytes read, 0 at the end, or CS_EIO with err set (timeout, read error). */
long cli_worker_fill(void *p, void *buf, size_t cap, cs_error *err);

/* The clock of a pipe's deadline: CLOCK_MONOTONIC in seconds. */
double cli_worker_now(void);

/* What happened to the child. */
typedef struct cli_worker_outcome {
  int exited;        /* 1: the child exited normally with exit_code */
  int exit_code;
  int timed_out;     /* 1: killed at the wall-clock limit */
  int signal;        /* the signal that ended it, if not exited */
  int consumed;      /* what consume returned */
  int refused;       /* 1: consume failed and the child was killed */
} cli_worker_outcome;

/* Forks; in the child sets the limits, calls child(fd, arg) with the write
** end of the pipe and exits with its return value (stdout and stderr are
** flushed first). In the parent calls consume(pipe, carg), which reads the
** child's message (with cli_worker_fill), then collects the outcome; when
** consume fails the child is killed rather than waited for. Returns 0 when
** the child could be started and waited for, -1 (with errno) when fork or
** pipe failed. */
int cli_worker_run(const cli_worker_limits *lim, int (*child)(int fd, void *arg), void *arg,
                   int (*consume)(cli_worker_pipe *p, void *carg), void *carg,
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
