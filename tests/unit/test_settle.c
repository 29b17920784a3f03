/* Unit tests: the money cycle in the simulation (SPEC 7.3) -- a year's
** accounts, each member's difference (its actual share less its budget
** share, each in whole kroner), the settlement on the next year's invoice
** (also of a member gone, merged, split; none for one that joins), fee
** keys, services, settle = "none", accounts for the year before the run,
** and the instalments. Every figure is worked out here in integers (exact
** fractions and our own largest remainder), never taken from coopsim.
**
** Populations are SSB's (table 07459): on 1 January 2022 (budget year
** 2023) 1812 Sømna 1 981, 1813 Brønnøy 7 777, 1815 Vega 1 175; on 1
** January 2023 (budget year 2024) 1 970, 7 787 and 1 219. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "coopsim/explain.h"
#include "coopsim/simulate.h"

static cs_registry *reg;

static int setup(void **state) {
  (void)state;
  cs_error err;
  if (cs_registry_open_dir(&reg, CS_SOURCE_DIR "/data", &err)) {
    print_error("%s\n", err.msg);
    return -1;
  }
  return 0;
}

static int teardown(void **state) {
  (void)state;
  cs_registry_free(reg);
  return 0;
}

static cs_q Q(const char *s) {
  cs_q q;
  assert_int_equal(cs_q_from_decimal(&q, s), 0);
  return q;
}

static cs_date D(const char *s) {
  cs_date d;
  assert_int_equal(cs_date_parse(&d, s, NULL), 0);
  return d;
}

static const int64_t POP23[3] = {1981, 7777, 1175}; /* 1812, 1813, 1815 in 2023 */
static const int64_t POP24[3] = {1970, 7787, 1219}; /* in 2024 */

/* Largest remainder of our own: n shares num[i] / den (den > 0, num >= 0),
** in the members' code order; whole kroner into out. The total is the
** exact sum rounded half up; ties go to the lower code (the first). */
static void largest_remainder(const __int128 *num, __int128 den, size_t n, int64_t *out) {
  __int128 sum = 0, floors = 0;
  for (size_t i = 0; i < n; i++) sum += num[i];
  __int128 target = (2 * sum + den) / (2 * den);
  int used[16] = {0};
  for (size_t i = 0; i < n; i++) {
    out[i] = (int64_t)(num[i] / den);
    floors += num[i] / den;
  }
  for (__int128 left = target - floors; left > 0; left--) {
    size_t best = n;
    for (size_t i = 0; i < n; i++)
      if (!used[i] && (best == n || num[i] % den > num[best] % den)) best = i;
    used[best] = 1;
    out[best]++;
  }
}

/* net (øre) shared by population among n members: kroner into out */
static void by_population(int64_t net_ore, const int64_t *pop, size_t n, int64_t *out) {
  __int128 num[8], all = 0;
  for (size_t i = 0; i < n; i++) all += pop[i];
  for (size_t i = 0; i < n; i++) num[i] = (__int128)net_ore * pop[i];
  largest_remainder(num, all * 100, n, out);
}

static cs_key *pool_key(cs_component_kind kind) {
  cs_key *k = cs_key_new();
  cs_q one = Q("1");
  assert_int_equal(cs_key_add_pool(k, kind, &one, NULL, NULL, 0, NULL, NULL, NULL), 0);
  return k;
}

/* A cooperation of members[0 .. n) from `from`, cost `cost` kroner a year,
** shared by `kind`. */
static cs_coop *coop_of(const char *const *members, size_t n, const char *from, const char *cost,
                        cs_component_kind kind) {
  cs_coop *c = cs_coop_new("Oppgjør");
  cs_error err;
  assert_int_equal(cs_coop_set_period(c, D(from), 0, D(from), &err), 0);
  for (size_t i = 0; i < n; i++) assert_int_equal(cs_coop_add_member(c, members[i], D(from), 0, members[i], &err), 0);
  cs_q a = Q(cost);
  assert_int_equal(cs_coop_add_cost(c, "Drift", &a, CS_GROWTH_NONE, &err), 0);
  assert_int_equal(cs_coop_set_key(c, pool_key(kind), 0, &err), 0);
  return c;
}

static const char *const HELGELAND[3] = {"1812", "1813", "1815"};

static void accounts(cs_coop *c, int year, size_t service, const char *cost, const char *grants) {
  cs_error err;
  cs_q a = Q(cost), g = grants ? Q(grants) : a;
  assert_int_equal(cs_coop_set_accounts(c, year, service, &a, grants ? &g : NULL, &err), 0);
}

static cs_result *run(cs_coop *c, int from, int to) {
  cs_result *r = NULL;
  cs_error err;
  if (cs_simulate(c, reg, from, to, &r, &err)) fail_msg("%s", err.msg);
  return r;
}

static const cs_row *row_of(const cs_result *r, const char *code, int year) {
  const cs_row *row = cs_result_row(r, code, year);
  if (!row) fail_msg("no row of %s in %d", code, year);
  return row;
}

static const cs_row_money *money_of(const cs_result *r, const char *code, int year) {
  const cs_row_money *m = cs_row_money_of(r, row_of(r, code, year));
  assert_non_null(m);
  return m;
}

/* ---- a differing actual cost and grants ------------------------------------ */

/* Budget 1 000 000 less a grant of 100 000 by population, 2023 and 2024;
** the accounts of 2023: 1 050 000.25 and a grant of only 80 000, so the
** actual net cost is 970 000.25 against 900 000. */
static void actual_cost_and_grants(void **state) {
  (void)state;
  cs_coop *c = coop_of(HELGELAND, 3, "2023-01-01", "1000000", CS_POOL_POPULATION);
  cs_error err;
  cs_q g = Q("100000");
  assert_int_equal(cs_coop_add_grant(c, "Tilskudd", &g, 2023, 2024, NULL, NULL, 0, &err), 0);
  /* accounts without grants in a year with a grant: refused, naming it */
  accounts(c, 2023, 0, "1050000.25", NULL);
  cs_result *r = NULL;
  assert_int_equal(cs_simulate(c, reg, 2023, 2024, &r, &err), CS_EINVAL);
  if (!strstr(err.msg, "accounts for 2023") || !strstr(err.msg, "give grants") || !strstr(err.msg, "Tilskudd"))
    fail_msg("%s", err.msg);
  accounts(c, 2023, 0, "1050000.25", "80000"); /* replaces */
  r = run(c, 2023, 2024);
  int64_t budget[3], actual[3], budget24[3];
  by_population(90000000, POP23, 3, budget);
  by_population(97000025, POP23, 3, actual);
  by_population(90000000, POP24, 3, budget24);
  int64_t sum = 0;
  for (int i = 0; i < 3; i++) {
    const cs_row *row = row_of(r, HELGELAND[i], 2023);
    const cs_row_money *m = cs_row_money_of(r, row);
    assert_non_null(m);
    assert_int_equal(row->total, budget[i]);
    assert_true(m->has_difference);
    assert_int_equal(m->difference, actual[i] - budget[i]);
    assert_int_equal(m->settlement, 0);
    sum += m->difference;
    const cs_row *next = row_of(r, HELGELAND[i], 2024);
    const cs_row_money *n = cs_row_money_of(r, next);
    assert_int_equal(next->total, budget24[i]);
    assert_false(n->has_difference);
    assert_int_equal(n->settlement, actual[i] - budget[i]);
  }
  /* the differences sum to round(970 000.25) - round(900 000) */
  assert_int_equal(sum, 970000 - 900000);
  const cs_year *y = cs_result_year(r, 2023);
  assert_true(y->has_accounts);
  assert_int_equal(y->actual_cost, 105000025);
  assert_int_equal(y->actual_granted, 8000000);
  assert_int_equal(y->actual_net, 97000025);
  assert_int_equal(y->keys[0].actual_sum, 970000);
  const cs_year *y24 = cs_result_year(r, 2024);
  assert_true(y24->has_settled);
  assert_int_equal(y24->settled_net, 90000000);
  assert_int_equal(y24->settled_actual_net, 97000025);
  /* explain: "2024 invoice = share ... + settlement for 2023: ..." */
  char *t = cs_explain_row_text(r, row_of(r, "1813", 2024));
  assert_non_null(t);
  char want[200];
  snprintf(want, sizeof want, "2024 invoice = share %lld %03lld + settlement for 2023: %lld %03lld ",
           (long long)(budget24[1] / 1000), (long long)(budget24[1] % 1000),
           (long long)((actual[1] - budget[1]) / 1000), (long long)((actual[1] - budget[1]) % 1000));
  if (!strstr(t, want) || !strstr(t, "(actual 970 000.25, budget 900 000)") || !strstr(t, "settlement for 2023: "))
    fail_msg("%s", t);
  free(t);
  cs_result_free(r);
  cs_coop_free(c);
}

/* ---- a member leaving --------------------------------------------------------- */

/* Vega gives notice on 15 December 2022 (12 months from 1 January 2023):
** 2023 is its last year, and in 2024 it has a settlement-only row: no
** share, not counted among the year's members, invoiced on the first
** instalment. Equal shares of 300 000, actual 330 001. */
static void member_leaving(void **state) {
  (void)state;
  cs_coop *c = coop_of(HELGELAND, 3, "2023-01-01", "300000", CS_POOL_EQUAL);
  cs_error err;
  cs_notice rule = {12, CS_NOTICE_NEXT_JAN1};
  assert_int_equal(cs_coop_set_notice(c, &rule, &err), 0);
  assert_int_equal(cs_coop_withdraw(c, "1815", D("2022-12-15"), &err), 0);
  static const char *const q[] = {"01-31", "04-30", "07-31", "10-31"};
  cs_invoice_dates dates;
  assert_int_equal(cs_invoice_dates_parse(&dates, q, 4, &err), 0);
  assert_int_equal(cs_coop_set_invoices(c, &dates, &err), 0);
  accounts(c, 2023, 0, "330001", NULL);
  cs_result *r = run(c, 2023, 2024);
  /* 2023: 100 000 each; actual 110 000.33..: 110 001, 110 000, 110 000 */
  assert_int_equal(money_of(r, "1812", 2023)->difference, 10001);
  assert_int_equal(money_of(r, "1813", 2023)->difference, 10000);
  assert_int_equal(money_of(r, "1815", 2023)->difference, 10000);
  const cs_row *gone = row_of(r, "1815", 2024);
  const cs_row_money *m = cs_row_money_of(r, gone);
  assert_true(m->settlement_only);
  assert_int_equal(m->settlement, 10000);
  assert_int_equal(gone->total, 0);
  assert_int_equal(gone->nparts, 0);
  const cs_year *y = cs_result_year(r, 2024);
  assert_int_equal(y->nmembers, 2);
  assert_int_equal(y->nrows, 3);
  assert_int_equal(y->sum_shares, 300000);
  size_t n;
  const cs_invoice *inv = cs_row_invoices(r, gone, &n);
  assert_int_equal(n, 1);
  assert_int_equal(inv[0].due.year, 2024);
  assert_int_equal(inv[0].due.month, 1);
  assert_int_equal(inv[0].due.day, 31);
  assert_int_equal(inv[0].amount, 10000);
  assert_int_equal(inv[0].nlines, 1);
  assert_int_equal(r->invoice_lines[inv[0].first_line].kind, CS_INVOICE_SETTLEMENT);
  assert_int_equal(r->invoice_lines[inv[0].first_line].settles, 2023);
  /* Sømna 2024: 150 000 in four (37 500 each), 10 001 on the first */
  inv = cs_row_invoices(r, row_of(r, "1812", 2024), &n);
  assert_int_equal(n, 4);
  assert_int_equal(inv[0].amount, 37500 + 10001);
  assert_int_equal(inv[1].amount, 37500);
  assert_int_equal(inv[3].due.month, 10);
  /* 2023: 100 000 in four: 25 000 each, no settlement line */
  inv = cs_row_invoices(r, row_of(r, "1815", 2023), &n);
  assert_int_equal(n, 4);
  assert_int_equal(inv[0].amount, 25000);
  assert_int_equal(inv[0].nlines, 1);
  char *t = cs_explain_row_text(r, gone);
  assert_non_null(t);
  if (!strstr(t, "no member in 2024: no share") ||
      !strstr(t, "2024 invoice = share 0 + settlement for 2023: 10 000 (actual 330 001, budget 300 000)"))
    fail_msg("%s", t);
  free(t);
  cs_result_free(r);
  cs_coop_free(c);
}

/* ---- merging, splitting, joining ------------------------------------------------ */

/* 5030 Klæbu merged into 5001 Trondheim on 1 January 2020: Klæbu's
** difference for 2019 goes onto Trondheim's 2020 invoice. Equal shares of
** 300 000 among 5001, 5029 Skaun and 5030; actual 330 000. */
static void merged_into_another(void **state) {
  (void)state;
  static const char *const m[] = {"5001", "5029", "5030"};
  cs_coop *c = coop_of(m, 3, "2019-01-01", "300000", CS_POOL_EQUAL);
  accounts(c, 2019, 0, "330000", NULL);
  cs_result *r = run(c, 2019, 2020);
  assert_null(cs_result_row(r, "5030", 2020));
  assert_int_equal(money_of(r, "5001", 2020)->settlement, 20000);
  assert_int_equal(money_of(r, "5029", 2020)->settlement, 10000);
  assert_int_equal(row_of(r, "5001", 2020)->total, 150000);
  cs_result_free(r);
  cs_coop_free(c);
}

/* 1507 Ålesund split on 1 January 2024 into 1508 Ålesund and 1580 Haram:
** its 2023 difference is settled on a settlement-only row under its old
** code; 1506 Molde's on its own invoice. Equal shares of 200 000, actual
** 220 000. */
static void split_member(void **state) {
  (void)state;
  static const char *const m[] = {"1506", "1507"};
  cs_coop *c = coop_of(m, 2, "2023-01-01", "200000", CS_POOL_EQUAL);
  accounts(c, 2023, 0, "220000", NULL);
  cs_result *r = run(c, 2023, 2024);
  const cs_row_money *old = money_of(r, "1507", 2024);
  assert_true(old->settlement_only);
  assert_int_equal(old->settlement, 10000);
  assert_int_equal(money_of(r, "1506", 2024)->settlement, 10000);
  assert_int_equal(money_of(r, "1508", 2024)->settlement, 0);
  assert_int_equal(money_of(r, "1580", 2024)->settlement, 0);
  assert_int_equal(cs_result_year(r, 2024)->nmembers, 3);
  /* rows in order of code: 1506, 1507 (settlement only), 1508, 1580 */
  const cs_year *y = cs_result_year(r, 2024);
  assert_int_equal(y->nrows, 4);
  assert_string_equal(r->rows[y->first_row + 1].code, "1507");
  cs_result_free(r);
  cs_coop_free(c);
}

/* Vega joins on 1 January 2024: no settlement for 2023, whose accounts
** the other two settle (equal shares of 200 000, actual 210 001). */
static void member_joining(void **state) {
  (void)state;
  cs_coop *c = coop_of(HELGELAND, 2, "2023-01-01", "200000", CS_POOL_EQUAL);
  cs_error err;
  assert_int_equal(cs_coop_add_member(c, "1815", D("2024-01-01"), 1, "1815", &err), 0);
  accounts(c, 2023, 0, "210001", NULL);
  cs_result *r = run(c, 2023, 2024);
  assert_null(cs_result_row(r, "1815", 2023));
  assert_int_equal(money_of(r, "1815", 2024)->settlement, 0);
  assert_int_equal(money_of(r, "1812", 2024)->settlement, 5001);
  assert_int_equal(money_of(r, "1813", 2024)->settlement, 5000);
  cs_result_free(r);
  cs_coop_free(c);
}

/* ---- a fee key, services, settle = "none", the year before the run ------------ */

/* A fee of 10 kr per inhabitant: the actual share is the budget share, so
** every difference is 0 whatever the accounts say; the balance shows the
** rest. */
static void fee_key(void **state) {
  (void)state;
  cs_coop *c = cs_coop_new("Kontingent");
  cs_error err;
  assert_int_equal(cs_coop_set_period(c, D("2023-01-01"), 0, D("2023-01-01"), &err), 0);
  for (int i = 0; i < 3; i++)
    assert_int_equal(cs_coop_add_member(c, HELGELAND[i], D("2023-01-01"), 0, HELGELAND[i], &err), 0);
  cs_q a = Q("200000"), rate = Q("10");
  assert_int_equal(cs_coop_add_cost(c, "Drift", &a, CS_GROWTH_NONE, &err), 0);
  cs_key *k = cs_key_new();
  assert_int_equal(cs_key_add_direct(k, CS_DIRECT_RATE, &rate, NULL, NULL, 0, &err), 0);
  assert_int_equal(cs_coop_set_key(c, k, 0, &err), 0);
  accounts(c, 2023, 0, "250000", NULL);
  cs_result *r = run(c, 2023, 2024);
  for (int i = 0; i < 3; i++) {
    assert_int_equal(row_of(r, HELGELAND[i], 2023)->total, 10 * POP23[i]);
    assert_int_equal(money_of(r, HELGELAND[i], 2023)->difference, 0);
    assert_int_equal(money_of(r, HELGELAND[i], 2024)->settlement, 0);
  }
  const cs_year *y = cs_result_year(r, 2023);
  assert_int_equal(y->actual_net, 25000000);
  assert_int_equal(y->keys[0].actual_sum, 10 * (POP23[0] + POP23[1] + POP23[2]));
  cs_result_free(r);
  cs_coop_free(c);
}

/* Two services, each with its own accounts and rounding: "drift" by
** population (budget 90 000, actual 99 999.99), "kurs" equally (budget
** 30 000, actual 27 001). A service without accounts in a year where the
** other has some is an error naming it. */
static void services_each_settled(void **state) {
  (void)state;
  cs_coop *c = cs_coop_new("Tjenester");
  cs_error err;
  assert_int_equal(cs_coop_set_period(c, D("2023-01-01"), 0, D("2023-01-01"), &err), 0);
  for (int i = 0; i < 3; i++)
    assert_int_equal(cs_coop_add_member(c, HELGELAND[i], D("2023-01-01"), 0, HELGELAND[i], &err), 0);
  size_t drift, kurs;
  assert_int_equal(cs_coop_add_service(c, "drift", NULL, 0, &drift, &err), 0);
  assert_int_equal(cs_coop_add_service(c, "kurs", NULL, 0, &kurs, &err), 0);
  cs_q a = Q("90000"), b = Q("30000");
  assert_int_equal(cs_coop_use_service(c, drift, &err), 0);
  assert_int_equal(cs_coop_add_cost(c, "Drift", &a, CS_GROWTH_NONE, &err), 0);
  assert_int_equal(cs_coop_set_key(c, pool_key(CS_POOL_POPULATION), 0, &err), 0);
  assert_int_equal(cs_coop_use_service(c, kurs, &err), 0);
  assert_int_equal(cs_coop_add_cost(c, "Kurs", &b, CS_GROWTH_NONE, &err), 0);
  assert_int_equal(cs_coop_set_key(c, pool_key(CS_POOL_EQUAL), 0, &err), 0);
  accounts(c, 2023, drift, "99999.99", NULL);
  cs_result *r = NULL;
  assert_int_equal(cs_simulate(c, reg, 2023, 2024, &r, &err), CS_EINVAL);
  if (!strstr(err.msg, "service \"kurs\"") || !strstr(err.msg, "missing")) fail_msg("%s", err.msg);
  accounts(c, 2023, kurs, "27001", NULL);
  r = run(c, 2023, 2024);
  int64_t bd[3], ad[3];
  by_population(9000000, POP23, 3, bd);
  by_population(9999999, POP23, 3, ad);
  static const int64_t bk[3] = {10000, 10000, 10000}, ak[3] = {9001, 9000, 9000};
  int64_t sum = 0;
  for (int i = 0; i < 3; i++) {
    int64_t d = (ad[i] - bd[i]) + (ak[i] - bk[i]);
    assert_int_equal(money_of(r, HELGELAND[i], 2023)->difference, d);
    assert_int_equal(money_of(r, HELGELAND[i], 2024)->settlement, d);
    sum += d;
  }
  /* each service rounded on its own: (100 000 - 90 000) + (27 001 - 30 000) */
  assert_int_equal(sum, 10000 - 2999);
  /* 2024: the share of each service split on its own: lines per service */
  size_t n;
  const cs_invoice *inv = cs_row_invoices(r, row_of(r, "1815", 2024), &n);
  assert_int_equal(n, 1); /* no dates: one invoice on the first day */
  assert_int_equal(inv[0].nlines, 3); /* drift, kurs, settlement */
  assert_int_equal(inv[0].amount, row_of(r, "1815", 2024)->total + money_of(r, "1815", 2024)->settlement);
  cs_result_free(r);
  cs_coop_free(c);
}

/* settle = "none": the difference shown, never invoiced. */
static void settle_none(void **state) {
  (void)state;
  cs_coop *c = coop_of(HELGELAND, 3, "2023-01-01", "300000", CS_POOL_EQUAL);
  cs_coop_set_settle(c, CS_SETTLE_NONE);
  accounts(c, 2023, 0, "330001", NULL);
  cs_result *r = run(c, 2023, 2024);
  assert_int_equal(money_of(r, "1812", 2023)->difference, 10001);
  assert_int_equal(money_of(r, "1812", 2024)->settlement, 0);
  assert_false(cs_result_year(r, 2024)->has_settled);
  if (!strstr(r->options, " settle=none")) fail_msg("%s", r->options);
  char *t = cs_explain_row_text(r, row_of(r, "1812", 2023));
  assert_non_null(t);
  if (!strstr(t, "difference +10 001 kr (shown, not invoiced")) fail_msg("%s", t);
  free(t);
  cs_result_free(r);
  cs_coop_free(c);
}

/* Accounts for 2023 in a run of 2024 alone: 2023's budget is computed for
** them (not shown) and settled on the 2024 invoices. */
static void year_before_the_run(void **state) {
  (void)state;
  cs_coop *c = coop_of(HELGELAND, 3, "2023-01-01", "900000", CS_POOL_POPULATION);
  accounts(c, 2023, 0, "1000000", NULL);
  cs_result *r = run(c, 2024, 2024);
  assert_int_equal(r->nyears, 1);
  assert_null(cs_result_row(r, "1812", 2023));
  int64_t budget[3], actual[3];
  by_population(90000000, POP23, 3, budget);
  by_population(100000000, POP23, 3, actual);
  for (int i = 0; i < 3; i++) {
    const cs_row_money *m = money_of(r, HELGELAND[i], 2024);
    assert_false(m->has_difference);
    assert_int_equal(m->settlement, actual[i] - budget[i]);
  }
  if (!strstr(r->options, " settle=next_year")) fail_msg("%s", r->options);
  cs_result_free(r);
  /* and before the agreement began nothing is settled */
  cs_coop *late = coop_of(HELGELAND, 3, "2024-01-01", "900000", CS_POOL_POPULATION);
  accounts(late, 2023, 0, "1000000", NULL);
  r = run(late, 2024, 2024);
  assert_null(r->money);
  cs_result_free(r);
  cs_coop_free(late);
  cs_coop_free(c);
}

/* The cooperation's fields refuse what SPEC 7.3 refuses, naming it. */
static void field_errors(void **state) {
  (void)state;
  cs_coop *c = cs_coop_new("Feil");
  cs_error err;
  cs_q neg = Q("-1"), one = Q("1");
  assert_int_equal(cs_coop_set_accounts(c, 2023, 0, &neg, NULL, &err), CS_EINVAL);
  if (!strstr(err.msg, "must not be negative (got -1)")) fail_msg("%s", err.msg);
  assert_int_equal(cs_coop_set_accounts(c, 2023, 0, &one, &neg, &err), CS_EINVAL);
  if (!strstr(err.msg, "grants must not be negative")) fail_msg("%s", err.msg);
  assert_int_equal(cs_coop_set_accounts(c, 2023, 0, NULL, NULL, &err), CS_EINVAL);
  assert_int_equal(cs_coop_set_accounts(c, 2023, 1, &one, NULL, &err), CS_EINVAL);
  assert_int_equal(cs_coop_set_due(c, 1, 15, &err), 0);
  static const char *const q[] = {"01-31"};
  cs_invoice_dates dates;
  assert_int_equal(cs_invoice_dates_parse(&dates, q, 1, &err), 0);
  assert_int_equal(cs_coop_set_invoices(c, &dates, &err), CS_EINVAL);
  if (!strstr(err.msg, "`invoices`") || !strstr(err.msg, "`due`")) fail_msg("%s", err.msg);
  cs_coop_free(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(actual_cost_and_grants), cmocka_unit_test(member_leaving),
      cmocka_unit_test(merged_into_another),    cmocka_unit_test(split_member),
      cmocka_unit_test(member_joining),         cmocka_unit_test(fee_key),
      cmocka_unit_test(services_each_settled),  cmocka_unit_test(settle_none),
      cmocka_unit_test(year_before_the_run),    cmocka_unit_test(field_errors),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
