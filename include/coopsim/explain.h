#ifndef COOPSIM_EXPLAIN_H
#define COOPSIM_EXPLAIN_H
/*
** Explanations of figures in words and numbers, and number formatting.
** The texts grow as needed: the functions that return a new string never
** cut one; those that write into a caller's buffer say how long the whole
** text is.
*/
#include <stddef.h>
#include <stdint.h>
#include "coopsim/simulate.h"

/* The arithmetic behind row (of result r), in English: what happened to
** the member that year (its last year after a notice, a split it came
** from, members merged into it, joining), cost lines, grants, net cost,
** the key, each part with its numbers, the unrounded and rounded total, due
** date and payee; with services, each service's lines, key and parts and
** the sum of the service shares. A new string the caller frees; NULL when
** out of memory. */
char *cs_explain_row_text(const cs_result *r, const cs_row *row);

/* cs_explain_row_text in lang: CS_LANG_EN gives the same text byte for
** byte; CS_LANG_NB the same arithmetic in bokmål ("kostnad", "tilskudd",
** "= nettokostnad = kostnad - tilskudd", "innbyggere per 1. januar 2022",
** "forfall", "fakturert av Rana"), the key's description in bokmål (the
** year's key_nb), part names as the reports write them ("etter
** innbyggertall") and amounts with a decimal comma ("148 107,80"); dates
** stay ISO 8601 as in the reports. A new string the caller frees; NULL
** when out of memory. */
char *cs_explain_row_text_lang(const cs_result *r, const cs_row *row, cs_report_lang lang);

/* cs_explain_row_text into buf (always NUL-terminated): returns the whole
** text's length, as snprintf does (the text is cut only when that is >=
** size, which the caller can see); -1 when out of memory. */
int cs_explain_row(const cs_result *r, const cs_row *row, char *buf, size_t size);

/* An event (simulate.h) in English words, without its member: "notice
** given 2022-05-10; notice period ends 2023-12-31", "left on 2024-01-01
** (notice given 2022-05-10; notice period ended 2023-12-31)", "merged into
** 5006 Steinkjer on 2020-01-01", "split from 1507 Ålesund on 2024-01-01",
** "joins 2025-01-01". Into buf, always NUL-terminated (cut when buf is
** small); returns buf. */
char *cs_event_text(const cs_year_event *e, char *buf, size_t size);

/* Why code (the municipality as the caller found it, or a party's id) is
** no member in year of result r, in words ("5039 Verran is not a member in
** 2021: merged into 5006 Steinkjer on 2020-01-01"), from the events of that
** year and the years before (a member gone or merged earlier) or after (one
** that joins later). A new string the caller frees, or NULL when the result
** records nothing about code (*oom, may be NULL, is then 1 when the reason
** is no memory). */
char *cs_explain_absent_text(const cs_result *r, const char *code, int year, int *oom);

/* cs_explain_absent_text in lang (CS_LANG_EN: the same text; CS_LANG_NB:
** "5039 Verran er ikke medlem i 2021: sammenslått med 5006 Steinkjer fra
** 2020-01-01"). Ownership and failure as cs_explain_absent_text. */
char *cs_explain_absent_text_lang(const cs_result *r, const char *code, int year, cs_report_lang lang, int *oom);

/* cs_explain_absent_text into buf (cut when buf is small; 2 KB always hold
** it when no name is longer than 64 bytes): 1 with the text, or 0 when the
** result records nothing about code (buf then ""). */
int cs_explain_absent(const cs_result *r, const char *code, int year, char *buf, size_t size);

/* "740 539" (group separator sep, e.g. " "); returns buf (>= 32 bytes). */
char *cs_format_int(int64_t v, const char *sep, char *buf, size_t size);

#endif
