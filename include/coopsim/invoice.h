#ifndef COOPSIM_INVOICE_H
#define COOPSIM_INVOICE_H
/*
** The money cycle's instalments (SPEC 7.3): a member's share of a budget
** year invoiced a-konto on the cooperation's instalment dates (the
** `invoices` field, "MM-DD"), each service's share split on its own in
** whole kroner, and the settlement of the year before as a line of its own
** on the first invoice.
**
** Pure functions over whole kroner: nothing is allocated; the caller gives
** the room (cs_invoice_room) and owns everything. The simulation calls them
** once per member and year:
**
**   cs_invoice_dates dates;                 once, from the cooperation field
**   cs_invoice_dates_parse(&dates, texts, n, &err);
**   cs_invoice_schedule s = { &dates, 0, {0, 0} };   (or { NULL, has_due, due })
**   cs_invoice_room(&s, nshares, &max_invoices, &max_lines);
**   cs_invoice_member m = { year, 1, first, last, full_year, shares, nshares, settlement };
**   cs_invoice_make(&s, &m, invoices, &ninvoices, lines, &nlines, &err);
**
** and keeps invoices[0].due as the row's due date.
**
** The settlement's differences need nothing beyond round.h: the actual
** shares are the budget year's key applied to the actual net cost and
** rounded by cs_round_shares exactly as the budget's (same members, codes
** and ties), and a member's difference is its actual share minus its
** budget share, both whole kroner. The differences therefore sum to the
** rounded actual sum less the rounded budget sum: for a covering key,
** round(actual net) - round(budget net) (test_invoice's
** settlement_by_round_c).
*/
#include <stddef.h>
#include <stdint.h>
#include "coopsim/date.h"
#include "coopsim/error.h"

/* Strictly increasing days of a year without 02-29: at most 365. */
#define CS_INVOICE_DATES_MAX 365

/* A day of every year: month 1..12, day 1..28/30/31 (never 02-29). */
typedef struct cs_invoice_day {
  int month, day;
} cs_invoice_day;

/* The `invoices` field: the instalment dates of every budget year. A list of
** valid dates always fits (it is strictly increasing). */
typedef struct cs_invoice_dates {
  size_t n;
  cs_invoice_day day[CS_INVOICE_DATES_MAX];
} cs_invoice_dates;

/* Parses one "MM-DD" (two digits, '-', two digits) that is a day of every
** year. 0, or CS_EINVAL naming the text: malformed, no such day ("04-31"),
** or 02-29 (not in every year). */
int cs_invoice_day_parse(const char *text, cs_invoice_day *out, cs_error *err);

/* Parses the `invoices` field's n dates (texts[0 .. n)), each as
** cs_invoice_day_parse, strictly increasing; at least one. 0, or CS_EINVAL
** naming the field, the 1-based place and the value ("invoices[2]:
** \"02-29\" is not a day of every year ..."; "invoices[3]: \"03-31\" does
** not come after \"04-30\" ..."). *out is written only on success. */
int cs_invoice_dates_parse(cs_invoice_dates *out, const char *const *texts, size_t n, cs_error *err);

/* How a cooperation's invoices are dated: by its instalment dates when
** `dates` is not NULL, else on `due` (the field "due") when has_due, else on
** the member's first day of membership in the year. */
typedef struct cs_invoice_schedule {
  const cs_invoice_dates *dates; /* borrowed; NULL without the `invoices` field */
  int has_due;
  cs_invoice_day due;
} cs_invoice_schedule;

/* A member's share of one service (service NULL: an agreement without
** services), whole kroner, |amount| <= 2^53. */
typedef struct cs_invoice_share {
  const char *service;
  int64_t amount;
} cs_invoice_share;

/* What one member is invoiced for one budget year. */
typedef struct cs_invoice_member {
  int year;       /* the budget year invoiced */
  int member;     /* 1: a member that year (first, last, full_year and shares apply);
                  ** 0: gone, invoiced only the settlement of year - 1 */
  cs_date first;  /* its first day of membership in year */
  cs_date last;   /* its last day of membership in year */
  int full_year;  /* 1: it pays the year in full and keeps every date from `first` on
                  ** (one that leaves keeps the dates of a year it pays for); 0: its
                  ** share is pro-rated and it keeps only the dates up to `last` */
  const cs_invoice_share *shares; /* borrowed; shares[i].service is pointed to by the lines */
  size_t nshares;
  int64_t settlement; /* whole kroner carried from year - 1 (0: none), |settlement| <= 2^53 */
} cs_invoice_member;

typedef enum cs_invoice_kind {
  CS_INVOICE_SHARE,     /* part of the year's share (of a service) */
  CS_INVOICE_SETTLEMENT /* the settlement of the year before */
} cs_invoice_kind;

typedef struct cs_invoice_line {
  cs_invoice_kind kind;
  const char *service; /* share: the share's service (borrowed from the member's shares), or NULL */
  int instalment;      /* share: 1 .. the number of the member's dates in the year; settlement: 0 */
  int settles;         /* settlement: year - 1; share: 0 */
  int64_t amount;      /* whole kroner, never 0 */
} cs_invoice_line;

/* One invoice: due on a date, the sum of its lines. */
typedef struct cs_invoice {
  cs_date due;
  int64_t amount;
  size_t first_line, nlines; /* its lines: lines[first_line .. first_line + nlines) */
} cs_invoice;

/* The most invoices and lines cs_invoice_make writes for a member with
** nshares shares under schedule s: one invoice per instalment date (at
** least one), a line per share in each and the settlement's line. */
void cs_invoice_room(const cs_invoice_schedule *s, size_t nshares, size_t *max_invoices, size_t *max_lines);

/* A member's invoices of one year, in order of due date (SPEC 7.3):
**
** - The dates: of a member, the schedule's dates in m->year on or after
**   m->first, and with full_year 0 also on or before m->last; with no date
**   left, one invoice on m->first. Without instalment dates, one invoice
**   on the schedule's due date (whatever the membership, as the field `due`
**   always did), else on m->first. A member gone (member 0) has one invoice:
**   on the schedule's first date of the year, else its due date, else
**   1 January.
** - Each share is split on its own over the member's k dates in whole
**   kroner: |amount| / k each, the first |amount| mod k instalments one
**   krone more (10 kr in three: 4, 3, 3), the sign then applied (-10 kr:
**   -4, -3, -3), so a negative share is the mirror of the positive one.
** - The settlement is a line of its own (settles m->year - 1) on the first
**   invoice, after its share lines.
** - A line of 0 kr is left out, and so is an invoice with no line (no
**   invoice of 0 kr is sent): a member with share 0 and no settlement has
**   no invoice. An invoice is the sum of its lines; the invoices sum to
**   the shares plus the settlement.
**
** s may be NULL: no instalment dates and no due date. invoices and lines
** have the room cs_invoice_room gives; *ninvoices and
** *nlines are set to what was written. 0, or CS_EINVAL naming what is wrong
** with m or s (a year outside 1..9999, first after last or outside the
** year, dates that are not a valid schedule, an amount beyond 2^53), or
** CS_EOVERFLOW when an invoice's lines do not add up within 64 bits. */
int cs_invoice_make(const cs_invoice_schedule *s, const cs_invoice_member *m, cs_invoice *invoices,
                    size_t *ninvoices, cs_invoice_line *lines, size_t *nlines, cs_error *err);

#endif
