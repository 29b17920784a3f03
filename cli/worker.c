/*
** worker.c: a child process with limits, its result read over a pipe
** under a wall-clock deadline (see worker.h).
*/
#define _GNU_SOURCE /* syscall, F_SETPIPE_SZ */
#include "worker.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "coopsim/temp_files.h"

#if defined(__SANITIZE_ADDRESS__)
#define CS_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CS_ASAN 1
#endif
#endif

double cli_worker_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int cli_write_all(int fd, const void *buf, size_t len) {
  const char *p = buf;
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

static void set_limit(int resource, rlim_t value) {
  struct rlimit r;
  if (getrlimit(resource, &r) != 0) return;
  if (r.rlim_max != RLIM_INFINITY && value > r.rlim_max) value = r.rlim_max;
  r.rlim_cur = value;
  setrlimit(resource, &r);
}

void cli_worker_child_limits(const cli_worker_limits *lim) {
  set_limit(RLIMIT_CORE, 0);
  if (lim->timeout > 0) set_limit(RLIMIT_CPU, (rlim_t)(lim->timeout * 2) + 1);
#ifndef CS_ASAN
  /* ASan reserves terabytes of shadow address space: the cap on the Lua
  ** allocator is the memory limit there */
  if (lim->max_memory > 0) set_limit(RLIMIT_AS, (rlim_t)lim->max_memory + ((rlim_t)1 << 30));
#endif
}

/* Waits until pid has ended or deadline has passed, with a descriptor that
** becomes readable when the process ends (pidfd_open, Linux 5.3): the
** parent learns of the exit at once instead of at its next look. Without
** such a descriptor it returns at once (reap then looks now and then). */
static void wait_exit(pid_t pid, double deadline) {
#ifdef SYS_pidfd_open
  int fd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (fd < 0) return;
  for (;;) {
    double left = deadline - cli_worker_now();
    if (left <= 0) break;
    struct pollfd pfd = {fd, POLLIN, 0};
    int r = poll(&pfd, 1, (int)(left * 1000) + 1);
    if (r > 0 || (r < 0 && errno != EINTR)) break;
  }
  close(fd);
#else
  (void)pid, (void)deadline;
#endif
}

/* Waits for pid until deadline (0: forever); kills it at the deadline. */
static void reap(pid_t pid, double deadline, cli_worker_outcome *out) {
  int status = 0;
  long pause_ns = 20000;
  if (deadline > 0) wait_exit(pid, deadline);
  for (;;) {
    pid_t w = waitpid(pid, &status, deadline > 0 ? WNOHANG : 0);
    if (w == pid) break;
    if (w < 0 && errno != EINTR) return;
    if (deadline > 0 && cli_worker_now() >= deadline) {
      kill(pid, SIGKILL);
      out->timed_out = 1;
      while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      break;
    }
    if (w == 0) {
      /* the child has closed the pipe and is on its way out: look again
      ** soon, then less often (20 us doubling up to 10 ms) */
      struct timespec ts = {0, pause_ns};
      nanosleep(&ts, NULL);
      if (pause_ns < 10000000) pause_ns *= 2;
    }
  }
  if (WIFEXITED(status)) {
    out->exited = !out->timed_out;
    out->exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    out->signal = WTERMSIG(status);
  }
}

long cli_worker_fill(void *ud, void *buf, size_t cap, cs_error *err) {
  cli_worker_pipe *p = ud;
  for (;;) {
    int wait_ms = -1;
    if (p->deadline > 0) {
      double left = p->deadline - cli_worker_now();
      if (left <= 0) {
        p->timed_out = 1;
        return cs_error_set(err, CS_EIO, "the scenario ran longer than %g s (--timeout)", p->timeout);
      }
      wait_ms = (int)(left * 1000) + 1;
    }
    struct pollfd pfd = {p->fd, POLLIN, 0};
    int r = poll(&pfd, 1, wait_ms);
    if (r < 0 && errno != EINTR) return cs_error_set(err, CS_EIO, "reading the worker: %s", strerror(errno));
    if (r <= 0) continue; /* the deadline is checked above */
    ssize_t n = read(p->fd, buf, cap);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return cs_error_set(err, CS_EIO, "reading the worker: %s", strerror(errno));
    }
    p->got += (size_t)n;
    if (n == 0) p->eof = 1;
    return (long)n;
  }
}

int cli_worker_run(const cli_worker_limits *lim, int (*child)(int fd, void *arg), void *arg,
                   int (*consume)(cli_worker_pipe *p, void *carg), void *carg,
                   cli_worker_outcome *out) {
  memset(out, 0, sizeof *out);
  int fds[2];
  if (pipe(fds) != 0) return -1;
  /* a pipe of 1 MiB, not Linux's 64 KiB: the worker writes its document
  ** ahead while the parent decodes and writes the report, instead of the
  ** two waking each other every 64 KiB (the national CSV export: some 10%
  ** faster, measured December 2026). A hint: a smaller pipe only waits more
  ** (the size is capped by /proc/sys/fs/pipe-max-size). */
  (void)fcntl(fds[1], F_SETPIPE_SZ, 1 << 20);
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) {
    int e = errno;
    close(fds[0]);
    close(fds[1]);
    errno = e;
    return -1;
  }
  if (pid == 0) {
    close(fds[0]);
    cs_temp_files_signals_default(); /* the worker writes no file */
    signal(SIGPIPE, SIG_IGN);
    cli_worker_child_limits(lim);
    int rc = child(fds[1], arg);
    close(fds[1]);
    fflush(stdout);
    fflush(stderr);
    _exit(rc);
  }
  close(fds[1]);
  cli_worker_pipe p = {fds[0], lim->timeout > 0 ? cli_worker_now() + lim->timeout : 0, lim->timeout, 0, 0, 0};
  out->consumed = consume(&p, carg);
  close(fds[0]);
  /* a worker that sent something malformed, or too much, is not waited for
  ** (one that closed its end is on its way out: how it ends is its story) */
  if (out->consumed != 0 && !p.timed_out && !p.eof) {
    kill(pid, SIGKILL);
    out->refused = 1;
  }
  reap(pid, p.timed_out ? cli_worker_now() : p.deadline, out);
  if (p.timed_out) out->timed_out = 1;
  return 0;
}

void cli_worker_explain(const cli_worker_outcome *o, const char *file,
                        const cli_worker_limits *lim, char *buf, size_t size) {
  if (o->timed_out)
    snprintf(buf, size, "%s: timeout: the scenario ran longer than %g s (--timeout) and was stopped",
             file, lim->timeout);
  else if (o->signal == SIGXCPU)
    snprintf(buf, size, "%s: CPU limit: the scenario used more than %g s of processor time", file,
             lim->timeout * 2 + 1);
  else if (o->signal == SIGSYS)
    snprintf(buf, size,
             "%s: the scenario's worker made a system call that is not allowed (signal %d: "
             "%s; the kernel's log names the call) and was stopped; nothing was written",
             file, o->signal, strsignal(o->signal));
  else if (o->signal == SIGKILL || o->signal == SIGSEGV || o->signal == SIGBUS ||
           o->signal == SIGABRT)
    snprintf(buf, size,
             "%s: the worker running the scenario died (signal %d: %s)%s; nothing was written",
             file, o->signal, strsignal(o->signal),
             o->signal == SIGKILL ? ", perhaps out of memory" : "");
  else if (o->signal)
    snprintf(buf, size, "%s: the worker running the scenario died (signal %d: %s)", file,
             o->signal, strsignal(o->signal));
  else
    snprintf(buf, size, "%s: the worker exited with status %d", file, o->exit_code);
}
