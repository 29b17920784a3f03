/*
** progress.c: a progress bar on stderr for long work (progress.h). POSIX:
** isatty, clock_gettime.
*/
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "coopsim/progress.h"

#define DELAY 1.0     /* seconds before the bar first appears */
#define INTERVAL 0.1  /* seconds between redraws */
#define WIDTH 30      /* characters of bar */

struct cs_progress {
  char label[41];
  long total;
  double start, last; /* last: when drawn, 0 before the first time */
  int drawn_len;
};

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

cs_progress *cs_progress_start(const char *label, long total) {
  if (!isatty(fileno(stderr))) return NULL;
  cs_progress *p = calloc(1, sizeof *p);
  if (!p) return NULL;
  snprintf(p->label, sizeof p->label, "%s", label ? label : "");
  p->total = total;
  p->start = now();
  return p;
}

void cs_progress_update(cs_progress *p, long done) {
  if (!p) return;
  double t = now();
  if (t - p->start < DELAY || (p->last > 0 && t - p->last < INTERVAL)) return;
  p->last = t;
  double frac = p->total > 0 ? (double)done / (double)p->total : 0;
  if (frac < 0) frac = 0;
  if (frac > 1) frac = 1;
  int filled = (int)(frac * WIDTH);
  char bar[WIDTH + 1];
  memset(bar, '#', (size_t)filled);
  memset(bar + filled, ' ', (size_t)(WIDTH - filled));
  bar[WIDTH] = '\0';
  int n = fprintf(stderr, "\r%s [%s] %3d %% (%.0f s)", p->label, bar, (int)(frac * 100), t - p->start);
  if (n > p->drawn_len) p->drawn_len = n;
  fflush(stderr);
}

void cs_progress_end(cs_progress *p) {
  if (!p) return;
  if (p->drawn_len > 0) {
    fprintf(stderr, "\r%*s\r", p->drawn_len, "");
    fflush(stderr);
  }
  free(p);
}
