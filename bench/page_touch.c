/*
** page_touch.c: what memory touched for the first time costs, for make
** bench (bench/run.sh, (g)).
**
**   page_touch MB PAUSE_S
**
** Maps MB megabytes four times and writes one byte in every 4 KB page of
** each, timing that first touch (the kernel's page faults and zeroing):
** in 4 KB pages and in 2 MB pages (madvise MADV_HUGEPAGE, aligned to 2 MB),
** each once after a pause of PAUSE_S seconds ("after a pause") and once at
** once after the pause's run ("at once"). On a virtual machine whose host
** takes back free memory (free page reporting, virtio-balloon), the memory
** of a 2 MB page is such memory a moment after it was freed; the figures
** show what that costs. A line per case: "<pages> <when>: T ms, M ms a MB
** (K KB in huge pages)", K what the kernel gave in huge pages (0: none,
** whatever was asked; -1: not known).
*/
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, MADV_HUGEPAGE */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define HUGE ((size_t)2 << 20)

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* The kilobytes of this process's memory in huge pages now (AnonHugePages
** of /proc/self/smaps_rollup), or -1 when it cannot be read. */
static long huge_kb(void) {
  FILE *f = fopen("/proc/self/smaps_rollup", "r");
  if (!f) return -1;
  char line[256];
  long kb = -1;
  while (fgets(line, sizeof line, f))
    if (sscanf(line, "AnonHugePages: %ld kB", &kb) == 1) break;
  fclose(f);
  return kb;
}

/* The first touch of mb megabytes, in ms; -1 when nothing could be mapped.
** *huge_got: the kilobytes of it the kernel gave in huge pages. */
static double touch(size_t mb, int huge, long *huge_got) {
  size_t n = mb << 20;
  char *map = mmap(NULL, n + HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (map == MAP_FAILED) return -1;
  char *p = (char *)(((uintptr_t)map + HUGE - 1) & ~(uintptr_t)(HUGE - 1));
#ifdef MADV_HUGEPAGE
  (void)madvise(p, n, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
#endif
  double t0 = now_ms();
  for (size_t i = 0; i < n; i += 4096) ((volatile char *)p)[i] = 1;
  double t = now_ms() - t0;
  *huge_got = huge_kb();
  munmap(map, n + HUGE);
  return t;
}

int main(int argc, char **argv) {
  if (argc != 3 || atoi(argv[1]) < 1 || atoi(argv[2]) < 0) {
    fprintf(stderr, "usage: page_touch MB PAUSE_S\n");
    return 2;
  }
  size_t mb = (size_t)atoi(argv[1]);
  unsigned pause = (unsigned)atoi(argv[2]);
  for (int huge = 0; huge <= 1; huge++) {
    sleep(pause);
    long cold_kb, hot_kb;
    double cold = touch(mb, huge, &cold_kb), hot = touch(mb, huge, &hot_kb);
    if (cold < 0 || hot < 0) {
      fprintf(stderr, "page_touch: cannot map %zu MB\n", mb);
      return 1;
    }
    printf("%s pages, after a %u s pause: %7.1f ms, %6.2f ms a MB (%ld KB in huge pages)\n",
           huge ? "2 MB" : "4 KB", pause, cold, cold / (double)mb, cold_kb);
    printf("%s pages, at once after it:  %7.1f ms, %6.2f ms a MB (%ld KB in huge pages)\n",
           huge ? "2 MB" : "4 KB", hot, hot / (double)mb, hot_kb);
  }
  return 0;
}
