/*
** fork_cost.c: what a sandboxed worker adds to a cold run, measured alone:
** fork, the child writes a short result to a pipe and exits, the parent
** reads it and waits. Best of N, with an empty parent and with a parent
** whose heap holds a few touched megabytes (like a Lua state with the
** registry loaded: fork copies its page tables). bench/run.sh builds it.
**   fork_cost [N] [MB]
*/
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1e6 + t.tv_nsec / 1e3; }
int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 200;
  size_t mb = argc > 2 ? (size_t)atoi(argv[2]) : 0;
  char *heap = mb ? malloc(mb << 20) : NULL;
  for (size_t i = 0; heap && i < (mb << 20); i += 4096) heap[i] = 1; /* a touched heap like a loaded state */
  double best = 1e9;
  for (int i = 0; i < n; i++) {
    int fd[2];
    if (pipe(fd)) return 1;
    double t0 = now();
    pid_t p = fork();
    if (p == 0) { write(fd[1], "{}", 2); _exit(0); }
    char buf[8];
    close(fd[1]);
    read(fd[0], buf, sizeof buf);
    close(fd[0]);
    waitpid(p, NULL, 0);
    double t = now() - t0;
    if (t < best) best = t;
  }
  printf("fork+pipe+exit+waitpid: best of %d = %.0f us (parent heap %zu MB)\n", n, best, mb);
  return 0;
}
