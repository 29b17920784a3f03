#ifndef COOPSIM_EXPLAIN_H
#define COOPSIM_EXPLAIN_H
/*
** Explanations of figures in words and numbers, and number formatting.
*/
#include <stddef.h>
#include <stdint.h>
#include "coopsim/simulate.h"

/* Writes the arithmetic behind row (of result r) into buf: cost lines, grants,
** net cost, the key, each part with its numbers, the unrounded and rounded
** total, due date and payee. Always NUL-terminates; truncates if small. */
void cs_explain_row(const cs_result *r, const cs_row *row, char *buf, size_t size);

/* "740 539" (group separator sep, e.g. " "); returns buf (>= 32 bytes). */
char *cs_format_int(int64_t v, const char *sep, char *buf, size_t size);

#endif
