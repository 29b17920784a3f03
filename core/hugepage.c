/*
** hugepage.c: the huge-page hint of hugepage.h (Linux madvise).
*/
#define _DEFAULT_SOURCE /* MADV_HUGEPAGE */
#include <stdint.h>
#include <sys/mman.h>
#include "coopsim/hugepage.h"

#define HUGE ((uintptr_t)2 << 20)

void cs_hugepage_hint(void *p, size_t n) {
#ifdef MADV_HUGEPAGE
  uintptr_t start = ((uintptr_t)p + HUGE - 1) & ~(HUGE - 1), end = ((uintptr_t)p + n) & ~(HUGE - 1);
  if (end > start) (void)madvise((void *)start, end - start, MADV_HUGEPAGE); /* a hint: its failure changes nothing */
#else
  (void)p, (void)n;
#endif
}
