/* Unit tests: the money cycle's instalments (invoice.c, SPEC 7.3) against
** instalments computed by hand, the parsing of the `invoices` field's
** dates, and the settlement's differences from round.c alone. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "rng.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "coopsim/invoice.h"
#include "coopsim/q.h"
#include "coopsim/round.h"

static const char *const quarterly_texts[] = {"01-31", "04-30", "07-31", "10-31"};

static cs_invoice_dates quarterly(void) {
  cs_invoice_dates d;
  cs_error err = {0, ""};
  if (cs_invoice_dates_parse(&d, quarterly_texts, 4, &err)) {
    print_error("%s\n", err.msg);
    fail();
  }
  return d;
}

static cs_date day(const char *text) {
  cs_date d;
  cs_error err;
  assert_int_equal(cs_date_parse(&d, text, &err), 0);
  return d;
}

/* What cs_invoice_make made, with room from cs_invoice_room. */
typedef struct made {
  cs_invoice inv[CS_INVOICE_DATES_MAX];
  cs_invoice_line line[4 * CS_INVOICE_DATES_MAX + 1];
  size_t ninv, nline;
} made;

static made *make(const cs_invoice_schedule *s, const cs_invoice_member *m) {
  size_t max_inv, max_lines;
  cs_invoice_room(s, m->nshares, &max_inv, &max_lines);
  assert_true(max_inv <= CS_INVOICE_DATES_MAX && max_lines <= 4 * CS_INVOICE_DATES_MAX + 1);
  made *out = calloc(1, sizeof *out);
  assert_non_null(out);
  cs_error err = {0, ""};
  if (cs_invoice_make(s, m, out->inv, &out->ninv, out->line, &out->nline, &err)) {
    print_error("%s\n", err.msg);
    fail();
  }
  assert_true(out->ninv <= max_inv && out->nline <= max_lines);
  return out;
}

/* Invoice i is due on `due` and has `amount`. */
static void assert_invoice(const made *m, size_t i, const char *due, int64_t amount) {
  char buf[11];
  assert_true(i < m->ninv);
  assert_string_equal(cs_date_format(m->inv[i].due, buf), due);
  assert_int_equal(m->inv[i].amount, amount);
  int64_t sum = 0;
  for (size_t k = 0; k < m->inv[i].nlines; k++) sum += m->line[m->inv[i].first_line + k].amount;
  assert_int_equal(sum, amount); /* an invoice is the sum of its lines */
}

/* Line k of invoice i. */
static const cs_invoice_line *line_of(const made *m, size_t i, size_t k) {
  assert_true(i < m->ninv && k < m->inv[i].nlines);
  return &m->line[m->inv[i].first_line + k];
}

/* A member all year, quarterly: 100 001 kr is 25 001 + 3 x 25 000; the
** settlement for 2023 (3 321) is its own line on the first invoice. */
static void quarterly_full_year(void **state) {
  (void)state;
  cs_invoice_dates d = quarterly();
  cs_invoice_schedule s = {&d, 0, {0, 0}};
  cs_invoice_share share = {NULL, 100001};
  cs_invoice_member m = {2024, 1, day("2024-01-01"), day("2024-12-31"), 1, &share, 1, 3321};
  made *x = make(&s, &m);
  assert_int_equal(x->ninv, 4);
  assert_invoice(x, 0, "2024-01-31", 25001 + 3321);
  assert_invoice(x, 1, "2024-04-30", 25000);
  assert_invoice(x, 2, "2024-07-31", 25000);
  assert_invoice(x, 3, "2024-10-31", 25000);
  assert_int_equal(x->inv[0].nlines, 2);
  const cs_invoice_line *l = line_of(x, 0, 0);
  assert_int_equal(l->kind, CS_INVOICE_SHARE);
  assert_null(l->service);
  assert_int_equal(l->instalment, 1);
  assert_int_equal(l->settles, 0);
  assert_int_equal(l->amount, 25001);
  l = line_of(x, 0, 1);
  assert_int_equal(l->kind, CS_INVOICE_SETTLEMENT);
  assert_int_equal(l->instalment, 0);
  assert_int_equal(l->settles, 2023);
  assert_int_equal(l->amount, 3321);
  assert_int_equal(line_of(x, 3, 0)->instalment, 4);
  free(x);
}

/* A member from 1 May: the dates on or after its first day, 07-31 and
** 10-31, numbered 1 and 2 (of its own); 10 001 kr is 5 001 + 5 000. A date
** on the first day itself counts. */
static void joins_in_may(void **state) {
  (void)state;
  cs_invoice_dates d = quarterly();
  cs_invoice_schedule s = {&d, 0, {0, 0}};
  cs_invoice_share share = {NULL, 10001};
  cs_invoice_member m = {2024, 1, day("2024-05-01"), day("2024-12-31"), 1, &share, 1, 0};
  made *x = make(&s, &m);
  assert_int_equal(x->ninv, 2);
  assert_invoice(x, 0, "2024-07-31", 5001);
  assert_invoice(x, 1, "2024-10-31", 5000);
  assert_int_equal(line_of(x, 0, 0)->instalment, 1);
  assert_int_equal(line_of(x, 1, 0)->instalment, 2);
  free(x);
  m.first = day("2024-04-30");
  x = make(&s, &m);
  assert_int_equal(x->ninv, 3);
  assert_invoice(x, 0, "2024-04-30", 3334); /* 10 001 in three: 3 334, 3 334, 3 333 */
  assert_invoice(x, 1, "2024-07-31", 3334);
  assert_invoice(x, 2, "2024-10-31", 3333);
  free(x);
}

/* A member that leaves after a notice: paying the year in full it keeps
** every date (the notice period ends 30 June: 01-31 to 10-31); pro-rated,
** only the dates up to its last day (01-31, 04-30: 6 001 is 3 001 + 3 000). */
static void leaves_after_notice(void **state) {
  (void)state;
  cs_invoice_dates d = quarterly();
  cs_invoice_schedule s = {&d, 0, {0, 0}};
  cs_invoice_share share = {NULL, 12002};
  cs_invoice_member m = {2022, 1, day("2022-01-01"), day("2022-06-30"), 1, &share, 1, -700};
  made *x = make(&s, &m);
  assert_int_equal(x->ninv, 4);
  assert_invoice(x, 0, "2022-01-31", 3001 - 700);
  assert_invoice(x, 1, "2022-04-30", 3001);
  assert_invoice(x, 2, "2022-07-31", 3000);
  assert_invoice(x, 3, "2022-10-31", 3000);
  free(x);
  share.amount = 6001;
  m.full_year = 0;
  x = make(&s, &m);
  assert_int_equal(x->ninv, 2);
  assert_invoice(x, 0, "2022-01-31", 3001 - 700);
  assert_invoice(x, 1, "2022-04-30", 3000);
  free(x);
}

/* No date left: one invoice on the first day of membership. */
static void no_date_left(void **state) {
  (void)state;
  cs_invoice_dates d = quarterly();
  cs_invoice_schedule s = {&d, 0, {0, 0}};
  cs_invoice_share share = {NULL, 1500};
  cs_invoice_member m = {2024, 1, day("2024-11-15"), day("2024-12-31"), 1, &share, 1, 0};
  made *x = make(&s, &m);
  assert_int_equal(x->ninv, 1);
  assert_invoice(x, 0, "2024-11-15", 1500);
  assert_int_equal(line_of(x, 0, 0)->instalment, 1);
  free(x);
  /* pro-rated, gone before the first date: on its first day, 1 January */
  m.first = day("2024-01-01");
  m.last = day("2024-01-20");
  m.full_year = 0;
  m.settlement = 12;
  x = make(&s, &m);
  assert_int_equal(x->ninv, 1);
  assert_invoice(x, 0, "2024-01-01", 1512);
  assert_int_equal(x->inv[0].nlines, 2);
  free(x);
}

/* Several services: each split on its own (Brann 10: 4, 3, 3; Feiing 7:
** 3, 2, 2), an instalment the sum of its service lines. */
static void several_services(void **state) {
  (void)state;
  static const char *const texts[] = {"01-15", "05-15", "09-15"};
  cs_invoice_dates d;
  cs_error err;
  assert_int_equal(cs_invoice_dates_parse(&d, texts, 3, &err), 0);
  cs_invoice_schedule s = {&d, 0, {0, 0}};
  cs_invoice_share shares[] = {{"Brann", 10}, {"Feiing", 7}};
  cs_invoice_member m = {2025, 1, day("2025-01-01"), day("2025-12-31"), 1, shares, 2, 5};
  made *x = make(&s, &m);
  assert_int_equal(x->ninv, 3);
  assert_invoice(x, 0, "2025-01-15", 4 + 3 + 5);
  assert_invoice(x, 1, "2025-05-15", 3 + 2);
  assert_invoice(x, 2, "2025-09-15", 3 + 2);
  assert_int_equal(x->inv[0].nlines, 3);
  assert_string_equal(line_of(x, 0, 0)->service, "Brann");
  assert_int_equal(line_of(x, 0, 0)->amount, 4);
  assert_string_equal(line_of(x, 0, 1)->service, "Feiing");
  assert_int_equal(line_of(x, 0, 1)->amount, 3);
  assert_ptr_equal(line_of(x, 0, 1)->service, shares[1].service); /* borrowed */
  assert_int_equal(line_of(x, 0, 2)->kind, CS_INVOICE_SETTLEMENT);
  assert_int_equal(line_of(x, 0, 2)->settles, 2024);
  assert_int_equal(line_of(x, 2, 1)->amount, 2);
  assert_int_equal(line_of(x, 2, 1)->instalment, 3);
  free(x);
}

/* 10 kr in three: 4, 3, 3; negative amounts by absolute value: -10 kr is
** -4, -3, -3 (the mirror); a line of 0 kr and an invoice of none are left
** out (2 kr in four: two invoices of 1 kr). */
static void small_and_negative(void **state) {
  (void)state;
  static const char *const texts[] = {"03-01", "06-01", "09-01"};
  cs_invoice_dates d;
  cs_error err;
  assert_int_equal(cs_invoice_dates_parse(&d, texts, 3, &err), 0);
  cs_invoice_schedule s = {&d, 0, {0, 0}};
  cs_invoice_share share = {NULL, 10};
  cs_invoice_member m = {2024, 1, day("2024-01-01"), day("2024-12-31"), 1, &share, 1, 0};
  made *x = make(&s, &m);
  assert_int_equal(x->ninv, 3);
  assert_invoice(x, 0, "2024-03-01", 4);
  assert_invoice(x, 1, "2024-06-01", 3);
  assert_invoice(x, 2, "2024-09-01", 3);
  free(x);
  share.amount = -10;
  m.settlement = -1;
  x = make(&s, &m);
  assert_int_equal(x->ninv, 3);
  assert_invoice(x, 0, "2024-03-01", -4 - 1);
  assert_invoice(x, 1, "2024-06-01", -3);
  assert_invoice(x, 2, "2024-09-01", -3);
  free(x);
  cs_invoice_dates q = quarterly();
  s.dates = &q;
  share.amount = 2;
  m.settlement = 0;
  x = make(&s, &m);
  assert_int_equal(x->ninv, 2);
  assert_invoice(x, 0, "2024-01-31", 1);
  assert_invoice(x, 1, "2024-04-30", 1);
  assert_int_equal(line_of(x, 1, 0)->instalment, 2);
  free(x);
  /* share 0, settlement 0: no invoice at all; settlement only: one line */
  share.amount = 0;
  x = make(&s, &m);
  assert_int_equal(x->ninv, 0);
  assert_int_equal(x->nline, 0);
  free(x);
  m.settlement = 250;
  x = make(&s, &m);
  assert_int_equal(x->ninv, 1);
  assert_invoice(x, 0, "2024-01-31", 250);
  assert_int_equal(line_of(x, 0, 0)->kind, CS_INVOICE_SETTLEMENT);
  free(x);
}

/* Without instalment dates: one invoice on `due` (whatever the membership,
** as `due` always was), else on the first day of membership. */
static void due_without_dates(void **state) {
  (void)state;
  cs_invoice_schedule s = {NULL, 1, {1, 15}};
  cs_invoice_share shares[] = {{"A", 300}, {"B", 200}};
  cs_invoice_member m = {2022, 1, day("2022-03-01"), day("2022-12-31"), 1, shares, 2, -40};
  size_t mi, ml;
  cs_invoice_room(&s, 2, &mi, &ml);
  assert_int_equal(mi, 1);
  assert_int_equal(ml, 3);
  made *x = make(&s, &m);
  assert_int_equal(x->ninv, 1);
  assert_invoice(x, 0, "2022-01-15", 460);
  assert_int_equal(x->inv[0].nlines, 3);
  assert_int_equal(line_of(x, 0, 1)->amount, 200);
  assert_int_equal(line_of(x, 0, 2)->amount, -40);
  free(x);
  s.has_due = 0;
  x = make(&s, &m);
  assert_int_equal(x->ninv, 1);
  assert_invoice(x, 0, "2022-03-01", 460);
  free(x);
  /* no schedule at all: the same */
  cs_invoice inv[1];
  cs_invoice_line lines[3];
  size_t ni, nl;
  cs_error err = {0, ""};
  assert_int_equal(cs_invoice_make(NULL, &m, inv, &ni, lines, &nl, &err), 0);
  assert_int_equal(ni, 1);
  assert_int_equal(nl, 3);
  assert_int_equal(inv[0].amount, 460);
  assert_int_equal(inv[0].due.month, 3);
}

/* A member gone in the year: its settlement alone, due with the year's
** first instalment, else on `due`, else on 1 January; nothing when it is 0. */
static void gone_member_settlement(void **state) {
  (void)state;
  cs_invoice_dates d = quarterly();
  cs_invoice_schedule s = {&d, 0, {0, 0}};
  cs_invoice_member m = {2025, 0, {0, 0, 0}, {0, 0, 0}, 0, NULL, 0, -3321};
  made *x = make(&s, &m);
  assert_int_equal(x->ninv, 1);
  assert_invoice(x, 0, "2025-01-31", -3321);
  assert_int_equal(line_of(x, 0, 0)->settles, 2024);
  free(x);
  s = (cs_invoice_schedule){NULL, 1, {3, 1}};
  x = make(&s, &m);
  assert_invoice(x, 0, "2025-03-01", -3321);
  free(x);
  s.has_due = 0;
  x = make(&s, &m);
  assert_invoice(x, 0, "2025-01-01", -3321);
  free(x);
  m.settlement = 0;
  x = make(&s, &m);
  assert_int_equal(x->ninv, 0);
  free(x);
}

/* The `invoices` field: "MM-DD", every year's, strictly increasing; errors
** name the place and the value, and a refused list leaves *out alone. */
static void parse_dates(void **state) {
  (void)state;
  cs_invoice_dates d;
  cs_error err = {0, ""};
  static const struct {
    const char *texts[3];
    size_t n;
    const char *msg;
  } bad[] = {
      {{"4-30"}, 1, "invoices[1]: \"4-30\" is not a date \"MM-DD\" (e.g. \"01-31\")"},
      {{"01-31", "04-31"}, 2, "invoices[2]: \"04-31\" is no day of the year"},
      {{"02-29"}, 1, "invoices[1]: \"02-29\" is not a day of every year (no 02-29: use \"02-28\" or \"03-01\")"},
      {{"13-01"}, 1, "invoices[1]: \"13-01\" is no day of the year"},
      {{"00-10"}, 1, "invoices[1]: \"00-10\" is no day of the year"},
      {{"2024-01-31"}, 1, "invoices[1]: \"2024-01-31\" is not a date \"MM-DD\" (e.g. \"01-31\")"},
      {{"01-3x"}, 1, "invoices[1]: \"01-3x\" is not a date \"MM-DD\" (e.g. \"01-31\")"},
      {{"04-30", "03-31"}, 2, "invoices[2]: \"03-31\" does not come after \"04-30\" (the dates must be strictly increasing)"},
      {{"04-30", "06-30", "06-30"}, 3, "invoices[3]: \"06-30\" does not come after \"06-30\""},
      {{NULL}, 0, "invoices: give at least one date \"MM-DD\""},
      {{"01-31", NULL}, 2, "invoices[2]: a date \"MM-DD\" is missing"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    d.n = 77;
    assert_int_equal(cs_invoice_dates_parse(&d, bad[i].texts, bad[i].n, &err), CS_EINVAL);
    if (!strstr(err.msg, bad[i].msg)) {
      print_error("case %zu: \"%s\" lacks \"%s\"\n", i, err.msg, bad[i].msg);
      fail();
    }
    assert_int_equal(d.n, 77);
  }
  /* every day of a year without 02-29: 365 dates, the most there can be */
  static char texts[365][6];
  const char *list[365];
  size_t n = 0;
  for (int mo = 1; mo <= 12; mo++)
    for (int dd = 1; dd <= cs_date_days_in_month(2001, mo); dd++, n++) {
      snprintf(texts[n], sizeof texts[n], "%02d-%02d", mo, dd);
      list[n] = texts[n];
    }
  assert_int_equal(n, 365);
  assert_int_equal(cs_invoice_dates_parse(&d, list, n, &err), 0);
  assert_int_equal(d.n, 365);
  assert_int_equal(d.day[59].month, 3); /* 03-01 follows 02-28 */
  assert_int_equal(d.day[59].day, 1);
  cs_invoice_day one;
  assert_int_equal(cs_invoice_day_parse("12-31", &one, &err), 0);
  assert_int_equal(one.month, 12);
  assert_int_equal(one.day, 31);
  assert_int_equal(cs_invoice_day_parse("02-29", &one, &err), CS_EINVAL);
  assert_string_equal(err.msg, "\"02-29\" is not a day of every year (no 02-29: use \"02-28\" or \"03-01\")");
  /* a leap year keeps the days of every year: 02-28 in 2024 */
  cs_invoice_schedule s = {&d, 0, {0, 0}};
  cs_invoice_share share = {NULL, 365 * 2 + 10};
  cs_invoice_member m = {2024, 1, day("2024-02-28"), day("2024-12-31"), 1, &share, 1, 0};
  made *x = make(&s, &m);
  assert_int_equal(x->ninv, 365 - 58); /* 02-28 .. 12-31 */
  assert_invoice(x, 0, "2024-02-28", 3);
  assert_invoice(x, 1, "2024-03-01", 3);
  free(x);
}

/* Refused: a membership that is no period of the year, amounts beyond 2^53,
** a schedule made by hand out of order, sums beyond 64 bits. */
static void refused(void **state) {
  (void)state;
  cs_invoice_dates d = quarterly();
  cs_invoice_schedule s = {&d, 0, {0, 0}};
  cs_invoice_share share = {NULL, 100};
  cs_invoice_member m = {2024, 1, day("2024-06-01"), day("2024-05-31"), 1, &share, 1, 0};
  cs_invoice inv[4];
  cs_invoice_line lines[5];
  size_t ni = 9, nl = 9;
  cs_error err = {0, ""};
  assert_int_equal(cs_invoice_make(&s, &m, inv, &ni, lines, &nl, &err), CS_EINVAL);
  assert_string_equal(err.msg, "membership 2024-06-01 to 2024-05-31 is not a period within 2024");
  assert_int_equal(ni, 0);
  assert_int_equal(nl, 0);
  m.first = day("2023-12-01");
  m.last = day("2024-12-31");
  assert_int_equal(cs_invoice_make(&s, &m, inv, &ni, lines, &nl, &err), CS_EINVAL);
  m.first = day("2024-01-01");
  share.amount = (INT64_C(1) << 53) + 1;
  assert_int_equal(cs_invoice_make(&s, &m, inv, &ni, lines, &nl, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "a share of 9007199254740993 kroner is beyond 2^53"));
  share.amount = 100;
  m.settlement = -(INT64_C(1) << 53) - 1;
  assert_int_equal(cs_invoice_make(&s, &m, inv, &ni, lines, &nl, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "settlement"));
  m.settlement = 0;
  m.year = 10000;
  assert_int_equal(cs_invoice_make(&s, &m, inv, &ni, lines, &nl, &err), CS_EINVAL);
  m.year = 2024;
  cs_invoice_dates hand = d;
  hand.day[2] = hand.day[1]; /* 04-30 twice */
  s.dates = &hand;
  assert_int_equal(cs_invoice_make(&s, &m, inv, &ni, lines, &nl, &err), CS_EINVAL);
  assert_string_equal(err.msg, "invoices[3]: 04-30 is not a day after the one before");
  hand = d;
  hand.day[0] = (cs_invoice_day){2, 29};
  assert_int_equal(cs_invoice_make(&s, &m, inv, &ni, lines, &nl, &err), CS_EINVAL);
  s = (cs_invoice_schedule){NULL, 1, {4, 31}};
  assert_int_equal(cs_invoice_make(&s, &m, inv, &ni, lines, &nl, &err), CS_EINVAL);
  assert_string_equal(err.msg, "due: 04-31 is not a day of every year");
  /* 1 025 shares of 2^53 kroner do not add up in 64 bits */
  enum { N = 1025 };
  cs_invoice_share *many = calloc(N, sizeof *many);
  cs_invoice_line *room = calloc(N + 1, sizeof *room);
  assert_non_null(many);
  assert_non_null(room);
  for (size_t i = 0; i < N; i++) many[i] = (cs_invoice_share){NULL, INT64_C(1) << 53};
  s = (cs_invoice_schedule){NULL, 0, {0, 0}};
  m.shares = many;
  m.nshares = N;
  assert_int_equal(cs_invoice_make(&s, &m, inv, &ni, room, &nl, &err), CS_EOVERFLOW);
  assert_int_equal(ni, 0);
  free(many);
  free(room);
}

static uint64_t rng_state = 0x2545f4914f6cdd1du;
static uint64_t rnd(void) { return test_xorshift64star(&rng_state); }

/* Random schedules, memberships and shares: the invoices add up to the
** shares and the settlement; each service's lines sum to its share, each is
** the floor or the ceiling of share / k and never below a later one (in
** absolute value); dates increase and lie in the year. */
static void adds_up(void **state) {
  (void)state;
  for (int round = 0; round < 2000; round++) {
    cs_invoice_dates d;
    d.n = 0;
    for (int mo = 1; mo <= 12; mo++)
      for (int dd = 1; dd <= cs_date_days_in_month(2001, mo); dd++)
        if (rnd() % 40 == 0) d.day[d.n++] = (cs_invoice_day){mo, dd};
    if (d.n == 0) d.day[d.n++] = (cs_invoice_day){6, 30};
    cs_invoice_schedule s = {&d, 0, {0, 0}};
    cs_invoice_share shares[3] = {{"A", 0}, {"B", 0}, {"C", 0}};
    size_t ns = (size_t)(rnd() % 4);
    for (size_t i = 0; i < ns; i++) shares[i].amount = (int64_t)(rnd() % 2000001) - 1000000;
    cs_date first = cs_date_add_days(day("2023-01-01"), (int)(rnd() % 365));
    cs_date last = cs_date_add_days(first, (int)(rnd() % (size_t)(cs_date_ordinal(day("2023-12-31")) -
                                                                  cs_date_ordinal(first) + 1)));
    cs_invoice_member m = {2023, 1, first, last, (int)(rnd() % 2), shares, ns, (int64_t)(rnd() % 20001) - 10000};
    made *x = make(&s, &m);
    int64_t want = m.settlement, got = 0, per[3] = {0, 0, 0};
    for (size_t i = 0; i < ns; i++) want += shares[i].amount;
    size_t k = 0; /* the member's dates */
    for (size_t i = 0; i < d.n; i++) {
      cs_date at = {2023, d.day[i].month, d.day[i].day};
      k += cs_date_cmp(at, first) >= 0 && (m.full_year || cs_date_cmp(at, last) <= 0);
    }
    if (k == 0) k = 1;
    for (size_t i = 0; i < x->ninv; i++) {
      assert_int_equal(x->inv[i].due.year, 2023);
      if (i > 0) assert_true(cs_date_cmp(x->inv[i - 1].due, x->inv[i].due) < 0);
      assert_true(cs_date_cmp(x->inv[i].due, first) >= 0);
      assert_invoice(x, i, cs_date_format(x->inv[i].due, (char[11]){0}), x->inv[i].amount);
      got += x->inv[i].amount;
      int64_t prev[3] = {INT64_MAX, INT64_MAX, INT64_MAX};
      for (size_t j = 0; j < x->inv[i].nlines; j++) {
        const cs_invoice_line *l = line_of(x, i, j);
        assert_true(l->amount != 0);
        if (l->kind == CS_INVOICE_SETTLEMENT) {
          assert_int_equal(i, 0);
          assert_int_equal(l->amount, m.settlement);
          continue;
        }
        size_t sv = (size_t)(l->service[0] - 'A');
        int64_t a = shares[sv].amount, mag = a < 0 ? -a : a, q = mag / (int64_t)k;
        int64_t lm = l->amount < 0 ? -l->amount : l->amount;
        assert_true(lm == q || lm == q + 1);
        assert_true((l->amount < 0) == (a < 0));
        assert_true(lm <= prev[sv]);
        prev[sv] = lm;
        per[sv] += l->amount;
      }
    }
    assert_int_equal(got, want);
    for (size_t i = 0; i < ns; i++) assert_int_equal(per[i], shares[i].amount);
    free(x);
  }
}

/* The settlement needs nothing beyond round.c: the actual net cost shared
** by the budget's key and rounded by cs_round_shares, each member's
** difference its actual share less its budget share. By population among
** Sømna 1 981, Brønnøy 7 777 and Vega 1 175 (10 933 in all), by hand:
**   budget 100 000: 18 119.45, 71 133.27, 10 747.28 -> 18 120, 71 133, 10 747
**   actual 110 000: 19 931.40, 78 246.59, 11 822.01 -> 19 931, 78 247, 11 822
**   differences 1 811, 7 114, 1 075: together 10 000.
** With øre: budget 100 000.40 (18 119.53, 71 133.55, 10 747.32 -> 18 119,
** 71 134, 10 747, sum 100 000) and actual 110 000.60 (19 931.51, 78 247.02,
** 11 822.07 -> 19 932, 78 247, 11 822, sum 110 001): differences 1 813,
** 7 113, 1 075 sum to 10 001, the rounded sums' difference (SPEC 7.3), not
** round(10 000.20). */
static void settlement_by_round_c(void **state) {
  (void)state;
  static const char *const codes[] = {"1812", "1813", "1815"};
  static const int64_t pop[] = {1981, 7777, 1175};
  static const struct {
    int64_t budget_ore, actual_ore;
    int64_t budget[3], actual[3], diff[3], sum;
  } cases[] = {
      {10000000, 11000000, {18120, 71133, 10747}, {19931, 78247, 11822}, {1811, 7114, 1075}, 10000},
      {10000040, 11000060, {18119, 71134, 10747}, {19932, 78247, 11822}, {1813, 7113, 1075}, 10001},
  };
  for (size_t c = 0; c < 2; c++) {
    cs_q exact_b[3], exact_a[3];
    for (size_t i = 0; i < 3; i++) {
      assert_int_equal(cs_q_from_frac(&exact_b[i], cases[c].budget_ore * pop[i], 100 * 10933), 0);
      assert_int_equal(cs_q_from_frac(&exact_a[i], cases[c].actual_ore * pop[i], 100 * 10933), 0);
    }
    int64_t b[3], a[3];
    cs_error err;
    assert_int_equal(cs_round_shares(b, exact_b, codes, 3, &err), 0);
    assert_int_equal(cs_round_shares(a, exact_a, codes, 3, &err), 0);
    int64_t sum = 0;
    for (size_t i = 0; i < 3; i++) {
      assert_int_equal(b[i], cases[c].budget[i]);
      assert_int_equal(a[i], cases[c].actual[i]);
      assert_int_equal(a[i] - b[i], cases[c].diff[i]);
      sum += a[i] - b[i];
    }
    assert_int_equal(sum, cases[c].sum);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(quarterly_full_year),   cmocka_unit_test(joins_in_may),
      cmocka_unit_test(leaves_after_notice),   cmocka_unit_test(no_date_left),
      cmocka_unit_test(several_services),      cmocka_unit_test(small_and_negative),
      cmocka_unit_test(due_without_dates),     cmocka_unit_test(gone_member_settlement),
      cmocka_unit_test(parse_dates),           cmocka_unit_test(refused),
      cmocka_unit_test(adds_up),               cmocka_unit_test(settlement_by_round_c),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
