#ifndef COOPSIM_HUGEPAGE_H
#define COOPSIM_HUGEPAGE_H
/*
** A hint that a large buffer be backed by transparent huge pages
** (core/hugepage.c). On this project's machines a 4 KB page's first touch
** costs about 10 us; a workbook's 56 MB of XML touched 14 000 of them. With
** the hint the kernel maps 2 MB at a time (where THP is "madvise" or
** "always"); elsewhere nothing changes.
*/
#include <stddef.h>

/* Asks for huge pages over the 2 MB-aligned stretches inside [p, p + n)
** (memory from malloc or realloc: the range stays the allocator's, and
** free works as before). Changes no byte; a failure changes nothing. */
void cs_hugepage_hint(void *p, size_t n);

#endif
