#ifndef COOPSIM_EXPLAIN_H
#define COOPSIM_EXPLAIN_H
/*
** Explanations of figures in words and numbers, and number formatting.
*/
#include <stddef.h>
#include <stdint.h>
#include "coopsim/simulate.h"

/* Writes the arithmetic behind row (of result r) into buf: what happened to
** the member that year (its last year after a notice, a split it came from,
** members merged into it, joining), cost lines, grants, net cost, the key,
** each part with its numbers, the unrounded and rounded total, due date and
** payee. Always NUL-terminates; truncates if small. */
void cs_explain_row(const cs_result *r, const cs_row *row, char *buf, size_t size);

/* An event (simulate.h) in English words, without its member: "notice
** given 2022-05-10; notice period ends 2023-12-31", "left on 2024-01-01
** (notice given 2022-05-10; notice period ended 2023-12-31)", "merged into
** 5006 Steinkjer on 2020-01-01", "split from 1507 Ålesund on 2024-01-01",
** "joins 2025-01-01". Always NUL-terminates buf; returns buf. */
char *cs_event_text(const cs_year_event *e, char *buf, size_t size);

/* Why code (the municipality as the caller found it) is no member in year
** of result r, in words ("5039 Verran is not a member in 2021: merged into
** 5006 Steinkjer on 2020-01-01"), from the events of that year and the
** years before (a member gone or merged earlier) or after (one that joins
** later). 1 with the text in buf (cut when buf is small; 2 KB always
** hold it), or 0 when the result records nothing about code (buf then ""). */
int cs_explain_absent(const cs_result *r, const char *code, int year, char *buf, size_t size);

/* "740 539" (group separator sep, e.g. " "); returns buf (>= 32 bytes). */
char *cs_format_int(int64_t v, const char *sep, char *buf, size_t size);

#endif
