/*
** best_of.c: times a command for make bench (bench/run.sh).
**
**   best_of N [-r PATH] CMD ARG...
**
** Runs CMD N times, its stdout and stderr to /dev/null, and prints
** "BEST_US PEAK_KB": the shortest wall time of the N runs in microseconds
** (CLOCK_MONOTONIC from just before the spawn to the child's exit) and the
** largest peak resident set of the N children (wait4's ru_maxrss), so the
** figure carries no shell or `date` process of its own. -r PATH removes PATH
** before every run (a run store that must start empty). A run that fails
** (exit status not 0, or a signal) stops the timing: exit status 1 and the
** command's status on stderr, never a figure for a failed run.
*/
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static long long now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

int main(int argc, char **argv) {
  int a = 1;
  long n = argc > 1 ? strtol(argv[a++], NULL, 10) : 0;
  const char *rm = NULL;
  if (a + 1 < argc && strcmp(argv[a], "-r") == 0) {
    rm = argv[a + 1];
    a += 2;
  }
  if (n < 1 || a >= argc) {
    fprintf(stderr, "usage: best_of N [-r PATH] CMD ARG...\n");
    return 2;
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  long long best = -1;
  long peak = 0;
  for (long i = 0; i < n; i++) {
    if (rm && unlink(rm) != 0 && errno != ENOENT) {
      fprintf(stderr, "best_of: cannot remove %s: %s\n", rm, strerror(errno));
      return 1;
    }
    pid_t pid;
    long long t0 = now_us();
    int e = posix_spawnp(&pid, argv[a], &fa, NULL, argv + a, environ);
    if (e != 0) {
      fprintf(stderr, "best_of: cannot run %s: %s\n", argv[a], strerror(e));
      return 1;
    }
    int st;
    struct rusage ru;
    while (wait4(pid, &st, 0, &ru) < 0)
      if (errno != EINTR) {
        fprintf(stderr, "best_of: wait4: %s\n", strerror(errno));
        return 1;
      }
    long long t = now_us() - t0;
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
      fprintf(stderr, "best_of: %s failed (%s %d)\n", argv[a], WIFEXITED(st) ? "exit status" : "signal",
              WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
      return 1;
    }
    if (best < 0 || t < best) best = t;
    if (ru.ru_maxrss > peak) peak = ru.ru_maxrss;
  }
  posix_spawn_file_actions_destroy(&fa);
  printf("%lld %ld\n", best, peak);
  return 0;
}
