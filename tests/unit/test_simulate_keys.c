/* Unit tests: the keys of real agreements in a simulation (SPEC 7.2) --
** services, mixed keys with a table part, caps and floors, population
** bands, parties, a payee followed like the host -- each checked to the
** krone against figures worked out here in integers (exact fractions and
** our own largest remainder), never against coopsim's own output.
**
** Populations are SSB's (table 07459, data/population.csv) on 1 January
** 2022, the population date of budget year 2023: 1812 Sømna 1 981, 1813
** Brønnøy 7 777, 1815 Vega 1 175 (SPEC 1.1, Vedlegg 2); 10 933 together. */
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

#define POP_SOMNA 1981
#define POP_BRONNOY 7777
#define POP_VEGA 1175
#define POP_ALL (POP_SOMNA + POP_BRONNOY + POP_VEGA) /* 10 933 */

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

static cs_coop *three(const char *name, int64_t cost) {
  cs_coop *c = cs_coop_new(name);
  cs_error err;
  assert_int_equal(cs_coop_set_period(c, D("2023-01-01"), 0, D("2023-01-01"), &err), 0);
  static const char *const m[] = {"1812", "1813", "1815"};
  for (int i = 0; i < 3; i++)
    assert_int_equal(cs_coop_add_member(c, m[i], D("2023-01-01"), 0, m[i], &err), 0);
  if (cost) {
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", (long long)cost);
    cs_q a = Q(buf);
    assert_int_equal(cs_coop_add_cost(c, "Drift", &a, CS_GROWTH_NONE, &err), 0);
  }
  return c;
}

static cs_key *pool_key(cs_component_kind kind) {
  cs_key *k = cs_key_new();
  cs_q one = Q("1");
  assert_int_equal(cs_key_add_pool(k, kind, &one, NULL, NULL, 0, NULL, NULL, NULL), 0);
  return k;
}

static cs_result *run(cs_coop *c, int from, int to) {
  cs_result *r = NULL;
  cs_error err;
  if (cs_simulate(c, reg, from, to, &r, &err)) fail_msg("%s", err.msg);
  return r;
}

static int64_t total(const cs_result *r, const char *code, int year) {
  const cs_row *row = cs_result_row(r, code, year);
  assert_non_null(row);
  return row->total;
}

/* ---- services ------------------------------------------------------------- */

/* Three services: fire and rescue (1 000 000 less a grant of 100 000 that
** covers its line, by population, all three members), chimney sweeping
** (30 001, equally, Sømna and Brønnøy only) and a service whose grant
** exceeds its cost (its surplus lowers no other service's shares and shows
** in the year's balance). */
static void services_each_rounded_on_their_own(void **state) {
  (void)state;
  cs_coop *c = three("Brann og feiing", 0);
  cs_error err;
  size_t brann, feiing, kurs;
  assert_int_equal(cs_coop_add_service(c, "brann", NULL, 0, &brann, &err), 0);
  const char *two[] = {"1812", "1813"};
  assert_int_equal(cs_coop_add_service(c, "feiing", two, 2, &feiing, &err), 0);
  assert_int_equal(cs_coop_add_service(c, "kurs", NULL, 0, &kurs, &err), 0);
  cs_q a = Q("1000000"), g = Q("100000"), f = Q("30001"), k1 = Q("10000"), k2 = Q("15000");
  const char *covers[] = {"Beredskap"};
  assert_int_equal(cs_coop_use_service(c, brann, &err), 0);
  assert_int_equal(cs_coop_add_cost(c, "Beredskap", &a, CS_GROWTH_NONE, &err), 0);
  assert_int_equal(cs_coop_add_grant(c, "DSB", &g, 2023, 2023, NULL, covers, 1, &err), 0);
  assert_int_equal(cs_coop_set_key(c, pool_key(CS_POOL_POPULATION), 0, &err), 0);
  assert_int_equal(cs_coop_use_service(c, feiing, &err), 0);
  assert_int_equal(cs_coop_add_cost(c, "Feiing", &f, CS_GROWTH_NONE, &err), 0);
  assert_int_equal(cs_coop_set_key(c, pool_key(CS_POOL_EQUAL), 0, &err), 0);
  assert_int_equal(cs_coop_use_service(c, kurs, &err), 0);
  assert_int_equal(cs_coop_add_cost(c, "Kurs", &k1, CS_GROWTH_NONE, &err), 0);
  assert_int_equal(cs_coop_add_grant(c, "Kursstøtte", &k2, 2023, 2023, NULL, NULL, 0, &err), 0);
  assert_int_equal(cs_coop_set_key(c, pool_key(CS_POOL_EQUAL), 0, &err), 0);
  /* a grant of one service cannot cover another's line */
  assert_int_equal(cs_coop_add_grant(c, "Feil", &g, 2023, 2023, NULL, covers, 1, &err), 0);
  cs_result *r = NULL;
  assert_int_equal(cs_simulate(c, reg, 2023, 2023, &r, &err), CS_EINVAL);
  if (!strstr(err.msg, "a grant covers lines of its own service")) fail_msg("%s", err.msg);
  assert_int_equal(cs_coop_set_grant_end(c, "Feil", 2022, &err), 0);
  r = run(c, 2023, 2023);
  /* brann: 900 000 by population */
  __int128 num[3] = {(__int128)900000 * POP_SOMNA, (__int128)900000 * POP_BRONNOY,
                     (__int128)900000 * POP_VEGA};
  int64_t brann_kr[3];
  largest_remainder(num, POP_ALL, 3, brann_kr);
  assert_int_equal(brann_kr[0] + brann_kr[1] + brann_kr[2], 900000);
  /* feiing: 30 001 / 2 = 15 000.5 each; the tie goes to 1812 */
  int64_t feiing_kr[2] = {15001, 15000};
  assert_int_equal(total(r, "1812", 2023), brann_kr[0] + feiing_kr[0]);
  assert_int_equal(total(r, "1813", 2023), brann_kr[1] + feiing_kr[1]);
  assert_int_equal(total(r, "1815", 2023), brann_kr[2]);
  const cs_row *vega = cs_result_row(r, "1815", 2023);
  size_t nrs;
  const cs_row_service *rs = cs_row_services(r, vega, &nrs);
  assert_int_equal(nrs, 2); /* brann and kurs (0), not feiing */
  assert_string_equal(r->services[rs[0].service], "brann");
  assert_string_equal(r->services[rs[1].service], "kurs");
  assert_int_equal(rs[1].total, 0);
  const cs_row *somna = cs_result_row(r, "1812", 2023);
  cs_row_services(r, somna, &nrs);
  assert_int_equal(nrs, 3);
  assert_int_equal(somna->nparts, 3);
  assert_string_equal(cs_part_name(r, somna, 0), "brann/population");
  assert_string_equal(cs_part_name(r, somna, 1), "feiing/equal");
  assert_string_equal(cs_part_name(r, somna, 2), "kurs/equal");
  /* unrounded: 900 000 x 1 981 / 10 933 + 15 000.5 */
  int64_t exact_cents = (int64_t)(((__int128)90000000 * POP_SOMNA * 2 / POP_ALL + 1) / 2) + 1500050;
  assert_int_equal(somna->cents, exact_cents);
  const cs_year *y = cs_result_year(r, 2023);
  assert_int_equal(y->nkeys, 3);
  assert_int_equal(y->keys[0].sum_shares, 900000);
  assert_int_equal(y->keys[1].sum_shares, 30001);
  assert_int_equal(y->keys[2].sum_shares, 0);
  assert_int_equal(y->keys[2].net, -500000); /* a surplus of 5 000.00 */
  assert_int_equal(y->sum_shares, 930001);
  /* cost 1 040 001, grants 115 000: the shares cover 925 001 + the surplus */
  assert_int_equal(y->cost, 104000100);
  assert_int_equal(y->granted, 11500000);
  assert_int_equal(y->balance, 500000);
  if (!strstr(y->key, "brann: 100 % by population; feiing: 100 % equal")) fail_msg("%s", y->key);
  if (!strstr(y->key_nb, "brann: 100 % etter innbyggertall; feiing: 100 % likt"))
    fail_msg("%s", y->key_nb);
  assert_string_equal(y->keys[1].key_nb, "100 % likt");
  /* the explanation goes service by service */
  char *t = cs_explain_row_text(r, somna);
  assert_non_null(t);
  assert_non_null(strstr(t, "service feiing"));
  assert_non_null(strstr(t, "30 001.00, shared equally by 2 members = 15 000.50"));
  assert_non_null(strstr(t, " + 15 001 + 0 = "));
  free(t);
  cs_result_free(r);
  cs_coop_free(c);
}

/* A member that joins joins the services without a list of members; a
** member in no service that year pays 0; service names are checked. */
static void services_join_and_errors(void **state) {
  (void)state;
  cs_coop *c = three("Felles", 0);
  cs_error err;
  size_t a, b;
  const char *one[] = {"1812"};
  assert_int_equal(cs_coop_add_service(c, "a", one, 1, &a, &err), 0);
  assert_int_equal(cs_coop_add_service(c, "a", NULL, 0, &b, &err), CS_EINVAL);
  assert_int_equal(cs_coop_add_service(c, "a/b", NULL, 0, &b, &err), CS_EINVAL);
  const char *stranger[] = {"1833"};
  assert_int_equal(cs_coop_add_service(c, "c", stranger, 1, &b, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "1833 is not a member"));
  assert_int_equal(cs_coop_add_service(c, "b", NULL, 0, &b, &err), 0);
  assert_int_equal(cs_coop_add_member(c, "1816", D("2024-01-01"), 1, "Vevelstad", &err), 0);
  cs_q x = Q("1200"), z = Q("900");
  assert_int_equal(cs_coop_use_service(c, a, &err), 0);
  assert_int_equal(cs_coop_add_cost(c, "A", &x, CS_GROWTH_NONE, &err), 0);
  assert_int_equal(cs_coop_set_key(c, pool_key(CS_POOL_EQUAL), 0, &err), 0);
  assert_int_equal(cs_coop_use_service(c, b, &err), 0);
  assert_int_equal(cs_coop_add_cost(c, "B", &z, CS_GROWTH_NONE, &err), 0);
  cs_result *r = NULL;
  assert_int_equal(cs_simulate(c, reg, 2023, 2024, &r, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "service \"b\" has no cost-sharing key"));
  assert_int_equal(cs_coop_set_key(c, pool_key(CS_POOL_EQUAL), 0, &err), 0);
  r = run(c, 2023, 2024);
  assert_int_equal(total(r, "1812", 2023), 1200 + 300);
  assert_int_equal(total(r, "1813", 2023), 300);
  assert_int_equal(total(r, "1812", 2024), 1200 + 225);
  assert_int_equal(total(r, "1816", 2024), 225); /* joined: in b, not in a */
  size_t nrs;
  assert_non_null(cs_row_services(r, cs_result_row(r, "1816", 2024), &nrs));
  assert_int_equal(nrs, 1);
  size_t idx;
  assert_int_equal(cs_coop_find_service(c, "b", &idx, &err), 0);
  assert_int_equal(idx, 1);
  assert_int_equal(cs_coop_find_service(c, "x", &idx, &err), CS_ENOTFOUND);
  assert_non_null(strstr(err.msg, "services: a, b"));
  cs_result_free(r);
  cs_coop_free(c);
  /* lines outside services, then services: refused */
  c = three("Blandet", 1000);
  assert_int_equal(cs_coop_add_service(c, "a", NULL, 0, &a, &err), CS_EINVAL);
  cs_coop_free(c);
}

/* ---- a mixed key with a table part (SPEC 7.2 "Mixed keys") ----------------- */

static const char hours[] = "kommune;timer\n"
                            "Sømna;10\n"
                            "Brønnøy;25,5\n"
                            "Vega;4,5\n";

static void mix_with_table(void **state) {
  (void)state;
  cs_coop *c = three("Mix", 100000);
  cs_error err;
  cs_table *t;
  assert_int_equal(cs_table_parse(&t, "bruk.csv", hours, sizeof hours - 1, &err), 0);
  cs_key *by = cs_key_new(), *eq = pool_key(CS_POOL_EQUAL), *pop = pool_key(CS_POOL_POPULATION);
  cs_q one = Q("1");
  assert_int_equal(cs_key_add_by(by, &one, t, "timer", CS_TABLE_YEAR_NONE, &err), 0);
  cs_table_free(t); /* the key keeps it */
  cs_q f[3] = {Q("0.2"), Q("0.3"), Q("0.5")};
  const cs_key *parts[3] = {eq, pop, by};
  cs_key *mix;
  assert_int_equal(cs_key_mix(&mix, f, parts, 3, &err), 0);
  cs_key_free(eq), cs_key_free(pop), cs_key_free(by);
  assert_int_equal(cs_coop_set_key(c, mix, 0, &err), 0);
  cs_result *r = run(c, 2023, 2023);
  /* each member: 20 000 / 3 + 30 000 x pop / 10 933 + 50 000 x hours / 40,
  ** over the common denominator 3 x 10 933 x 40 (hours in tenths: /400) */
  static const int64_t pops[3] = {POP_SOMNA, POP_BRONNOY, POP_VEGA}, tenths[3] = {100, 255, 45};
  __int128 den = (__int128)3 * POP_ALL * 400, num[3];
  for (int i = 0; i < 3; i++)
    num[i] = (__int128)20000 * POP_ALL * 400 + (__int128)30000 * pops[i] * 3 * 400 +
             (__int128)50000 * tenths[i] * 3 * POP_ALL;
  int64_t kr[3];
  largest_remainder(num, den, 3, kr);
  assert_int_equal(total(r, "1812", 2023), kr[0]);
  assert_int_equal(total(r, "1813", 2023), kr[1]);
  assert_int_equal(total(r, "1815", 2023), kr[2]);
  assert_int_equal(kr[0] + kr[1] + kr[2], 100000);
  const cs_row *b = cs_result_row(r, "1813", 2023);
  assert_int_equal(b->nparts, 3);
  assert_string_equal(cs_part_name(r, b, 2), "by:timer");
  assert_int_equal(cs_row_parts(r, b)[2].cents, 3187500); /* 50 000 x 25.5 / 40 */
  char *ex = cs_explain_part_text(r, b, 2, CS_LANG_EN);
  assert_string_equal(ex, "50 % of 100 000.00 = 50 000.00 x timer 25.5 / 40 = 31 875.00 (bruk.csv: line 3)");
  free(ex);
  ex = cs_explain_part_text(r, b, 2, CS_LANG_NB);
  assert_string_equal(ex, "50 % av 100 000,00 = 50 000,00 x timer 25,5 / 40 = 31 875,00 (bruk.csv: linje 3)");
  free(ex);
  assert_non_null(strstr(r->options, " by:timer.year=none"));
  cs_result_free(r);
  cs_coop_free(c);
}

/* ---- caps and floors (SPEC 7.2 "Caps and floors") -------------------------- */

/* By population, 100 000 to share: under the key Sømna 18 119.45, Brønnøy
** 71 133.27, Vega 10 747.28. With max 50 000 and min 20 000 Brønnøy is held
** at 50 000, Vega raised to 20 000, and Sømna pays the rest, 30 000
** (lambda = 30 000 / 18 119.45 = 1.66, which keeps Vega below its minimum
** and Brønnøy above its maximum). With Brønnøy's own maximum 55 000, Sømna
** pays 25 000. With every maximum 30 000 the excess lifts every member to
** its maximum: 90 000, and the year's deficit is 10 000. */
static void capped_population(void **state) {
  (void)state;
  cs_error err;
  for (int variant = 0; variant < 3; variant++) {
    cs_coop *c = three("Cap", 100000);
    cs_key *k = pool_key(CS_POOL_POPULATION);
    cs_q max = Q(variant == 2 ? "30000" : "50000"), min = Q("20000"), mf = Q("55000");
    const char *codes[] = {"1813"};
    assert_int_equal(cs_key_set_limits(k, &max, variant == 2 ? NULL : &min, codes, &mf,
                                       variant == 1 ? 1 : 0, NULL, NULL, 0, &err),
                     0);
    assert_int_equal(cs_coop_set_key(c, k, 0, &err), 0);
    cs_result *r = run(c, 2023, 2023);
    const cs_year *y = cs_result_year(r, 2023);
    if (variant == 0) {
      assert_int_equal(total(r, "1812", 2023), 30000);
      assert_int_equal(total(r, "1813", 2023), 50000);
      assert_int_equal(total(r, "1815", 2023), 20000);
      assert_int_equal(y->balance, 0);
      assert_int_equal(y->keys[0].nclamped, 2);
      const cs_row *b = cs_result_row(r, "1813", 2023);
      assert_string_equal(cs_part_name(r, b, 1), "cap");
      char *ex = cs_explain_part_text(r, b, 1, CS_LANG_EN);
      assert_non_null(strstr(ex, "held at its maximum 50 000"));
      free(ex);
    } else if (variant == 1) {
      assert_int_equal(total(r, "1812", 2023), 25000);
      assert_int_equal(total(r, "1813", 2023), 55000);
      assert_int_equal(total(r, "1815", 2023), 20000);
    } else {
      /* Brønnøy's excess lifts the others to their maxima too: all pay 30 000 */
      assert_int_equal(total(r, "1812", 2023), 30000);
      assert_int_equal(total(r, "1813", 2023), 30000);
      assert_int_equal(total(r, "1815", 2023), 30000);
      assert_int_equal(y->sum_shares, 90000);
      assert_int_equal(y->balance, -1000000);
    }
    cs_result_free(r);
    cs_coop_free(c);
  }
}

/* Every member held at a maximum: the deficit shows in the balance. */
static void capped_deficit(void **state) {
  (void)state;
  cs_error err;
  cs_coop *c = three("Cap", 100000);
  cs_key *k = pool_key(CS_POOL_EQUAL);
  cs_q max = Q("30000");
  assert_int_equal(cs_key_set_limits(k, &max, NULL, NULL, NULL, 0, NULL, NULL, 0, &err), 0);
  assert_int_equal(cs_coop_set_key(c, k, 0, &err), 0);
  cs_result *r = run(c, 2023, 2023);
  const cs_year *y = cs_result_year(r, 2023);
  assert_int_equal(y->sum_shares, 90000);
  assert_int_equal(y->balance, -1000000); /* 10 000.00 not covered */
  char *ex = cs_explain_part_text(r, cs_result_row(r, "1815", 2023), 1, CS_LANG_EN);
  assert_non_null(strstr(ex, "the year's deficit"));
  free(ex);
  cs_result_free(r);
  cs_coop_free(c);
}

/* ---- population bands (SPEC 7.2 "Population bands") ------------------------ */

/* The SPEC's bands: up to 5 000, 20 000; up to 20 000, 50 000 + 2 per
** inhabitant; above, 100 000. Sømna and Vega pay 20 000, Brønnøy 50 000 +
** 2 x 7 777 = 65 554, Rana (26 092) 100 000. Capped at 60 000, Brønnøy
** pays 60 000 and nothing moves. Vega, a member for 6 months under
** exit_year = "months", pays half its fee. */
static void bands_fee(void **state) {
  (void)state;
  cs_error err;
  for (int capped = 0; capped < 2; capped++) {
    cs_coop *c = three("Bands", 1);
    assert_int_equal(cs_coop_add_member(c, "1833", D("2023-01-01"), 0, "Rana", &err), 0);
    cs_band b[3];
    memset(b, 0, sizeof b);
    b[0].has_upto = 1, b[0].upto = 5000, b[0].amount = Q("20000");
    b[1].has_upto = 1, b[1].upto = 20000, b[1].amount = Q("50000"), b[1].has_rate = 1, b[1].rate = Q("2");
    b[2].amount = Q("100000");
    cs_key *k = cs_key_new();
    assert_int_equal(cs_key_add_bands(k, b, 3, &err), 0);
    if (capped) {
      cs_q max = Q("60000");
      assert_int_equal(cs_key_set_limits(k, &max, NULL, NULL, NULL, 0, NULL, NULL, 0, &err), 0);
    }
    assert_int_equal(cs_coop_set_key(c, k, 0, &err), 0);
    cs_coop_set_part_year(c, CS_PART_YEAR_MONTHS);
    cs_notice rule = {0, CS_NOTICE_NOTICE_DATE};
    assert_int_equal(cs_coop_set_notice(c, &rule, &err), 0);
    assert_int_equal(cs_coop_withdraw(c, "1815", D("2023-07-01"), &err), 0);
    cs_result *r = run(c, 2023, 2023);
    assert_int_equal(total(r, "1812", 2023), 20000);
    assert_int_equal(total(r, "1813", 2023), capped ? 60000 : 65554);
    assert_int_equal(total(r, "1815", 2023), 10000);
    assert_int_equal(total(r, "1833", 2023), capped ? 60000 : 100000);
    const cs_row *br = cs_result_row(r, "1813", 2023);
    char *ex = cs_explain_part_text(r, br, 0, CS_LANG_EN);
    assert_string_equal(ex, "band 5 001 to 20 000 inhabitants (7 777): 50 000 + 2 kr per inhabitant x "
                            "7 777 = 65 554.00");
    free(ex);
    ex = cs_explain_part_text(r, cs_result_row(r, "1815", 2023), 0, CS_LANG_EN);
    assert_string_equal(ex, "band up to 5 000 inhabitants (1 175): 20 000 x 6/12 of the year = 10 000.00");
    free(ex);
    /* a fee: the sum is what it is, the balance shows it against the cost of 1 */
    const cs_year *y = cs_result_year(r, 2023);
    assert_int_equal(y->sum_shares, capped ? 150000 : 195554);
    assert_int_equal(y->balance, (y->sum_shares - 1) * 100);
    cs_result_free(r);
    cs_coop_free(c);
  }
}

/* ---- parties (SPEC 7.2 "Parties that are not municipalities") -------------- */

/* Vega, a council of Sømna and Brønnøy (P01: 1 981 + 7 777 = 9 758), and a
** company with a population given by year (P02: 5 000 on 1 January 2022);
** 20 % equally, 80 % by population of 100 000. Rows by code: 1815 before the
** ids. The party is the host: the others are invoiced by its name. */
static void parties(void **state) {
  (void)state;
  cs_error err;
  cs_coop *c = cs_coop_new("Regionrådene");
  assert_int_equal(cs_coop_set_period(c, D("2023-01-01"), 0, D("2023-01-01"), &err), 0);
  assert_int_equal(cs_coop_add_member(c, "1815", D("2023-01-01"), 0, "Vega", &err), 0);
  const char *munis[] = {"1812", "1813"};
  assert_int_equal(cs_coop_add_party(c, "P01", "Sør-Helgeland regionråd", munis, 2, NULL, NULL, 0,
                                     D("2023-01-01"), 0, &err),
                   0);
  int years[] = {2022};
  int64_t pops[] = {5000};
  assert_int_equal(cs_coop_add_party(c, "P02", "Helgeland Havn", NULL, 0, years, pops, 1,
                                     D("2023-01-01"), 0, &err),
                   0);
  assert_int_equal(cs_coop_add_party(c, "P03", "Tom", NULL, 0, NULL, NULL, 0, D("2023-01-01"), 0, &err),
                   CS_EINVAL);
  assert_int_equal(cs_coop_add_party(c, "H12", "Hypo", NULL, 0, NULL, pops, 1, D("2023-01-01"), 0, &err),
                   CS_EINVAL);
  assert_int_equal(cs_coop_set_host_party(c, "P01", &err), 0);
  cs_q cost = Q("100000"), f1 = Q("0.2"), f2 = Q("0.8");
  assert_int_equal(cs_coop_add_cost(c, "Drift", &cost, CS_GROWTH_NONE, &err), 0);
  cs_key *k = cs_key_new();
  cs_key_add_pool(k, CS_POOL_EQUAL, &f1, NULL, NULL, 0, NULL, NULL, NULL);
  cs_key_add_pool(k, CS_POOL_POPULATION, &f2, NULL, NULL, 0, NULL, NULL, NULL);
  assert_int_equal(cs_coop_set_key(c, k, 0, &err), 0);
  cs_result *r = run(c, 2023, 2023);
  assert_int_equal(r->nrows, 3);
  assert_string_equal(r->rows[0].code, "1815");
  assert_string_equal(r->rows[1].code, "P01");
  assert_string_equal(r->rows[2].code, "P02");
  assert_int_equal(r->rows[1].population, POP_SOMNA + POP_BRONNOY);
  assert_true(r->rows[1].is_party);
  assert_true(r->rows[1].is_host);
  assert_string_equal(r->rows[1].name, "Sør-Helgeland regionråd");
  assert_int_equal(r->rows[2].population, 5000);
  assert_int_equal(r->rows[2].pop_source, CS_POP_OVERRIDE);
  assert_string_equal(r->rows[0].payee, "Sør-Helgeland regionråd");
  /* 20 000 / 3 + 80 000 x pop / (1 175 + 9 758 + 5 000) */
  int64_t all = POP_VEGA + POP_SOMNA + POP_BRONNOY + 5000;
  static const int64_t p[3] = {POP_VEGA, POP_SOMNA + POP_BRONNOY, 5000};
  __int128 num[3];
  for (int i = 0; i < 3; i++) num[i] = (__int128)20000 * all + (__int128)80000 * p[i] * 3;
  int64_t kr[3];
  largest_remainder(num, (__int128)3 * all, 3, kr);
  assert_int_equal(r->rows[0].total, kr[0]);
  assert_int_equal(r->rows[1].total, kr[1]);
  assert_int_equal(r->rows[2].total, kr[2]);
  cs_result_free(r);
  /* 2024 reads 1 January 2023, which P02 does not give */
  assert_int_equal(cs_simulate(c, reg, 2023, 2024, &r, &err), CS_ENOTFOUND);
  assert_non_null(strstr(err.msg, "P02"));
  assert_non_null(strstr(err.msg, "1 January 2023"));
  /* a notice given by a party */
  cs_notice rule = {0, CS_NOTICE_NOTICE_DATE};
  assert_int_equal(cs_coop_set_notice(c, &rule, &err), 0);
  assert_int_equal(cs_coop_withdraw(c, "P02", D("2023-06-01"), &err), 0);
  r = run(c, 2023, 2024);
  assert_null(cs_result_row(r, "P02", 2024));
  char *why = cs_explain_absent_text(r, "P02", 2024, NULL);
  assert_non_null(why);
  assert_string_equal(why, "P02 Helgeland Havn is not a member in 2024: left on 2023-06-01 (notice "
                           "given 2023-06-01; notice period ended 2023-05-31)");
  free(why);
  cs_result_free(r);
  cs_coop_free(c);
}

/* A party of municipalities followed through a reform by the merger rule:
** Trondheim (5001) in 2019 took in Klæbu (5030), outside the party, on
** 2020-01-01 and kept its code. Budget year 2021 reads 1 January 2020:
** "whole" counts 5001's 205 163; "member_part" the party's part, 196 159 /
** 202 235 x 205 163 = 198 999 (SPEC 7.1); "error" stops. A party of
** Steinkjer and Verran (merged into 5006 Steinkjer) counts 5006 whole:
** 24 357 on 1 January 2020 (SSB 07459). */
static void party_through_reform(void **state) {
  (void)state;
  cs_error err;
  for (int rule = 0; rule < 3; rule++) {
    cs_coop *c = cs_coop_new("Trøndelag");
    assert_int_equal(cs_coop_set_period(c, D("2019-01-01"), 0, D("2019-01-01"), &err), 0);
    const char *tr[] = {"5001"}, *st[] = {"5004", "5039"};
    assert_int_equal(cs_coop_add_party(c, "Trd", "Trondheimsregionen", tr, 1, NULL, NULL, 0,
                                       D("2019-01-01"), 0, &err),
                     0);
    assert_int_equal(cs_coop_add_party(c, "Inn", "Innherred", st, 2, NULL, NULL, 0,
                                       D("2019-01-01"), 0, &err),
                     0);
    cs_coop_set_merger(c, rule == 0 ? CS_MERGER_WHOLE : rule == 1 ? CS_MERGER_MEMBER_PART : CS_MERGER_ERROR);
    cs_q cost = Q("1000");
    assert_int_equal(cs_coop_add_cost(c, "Drift", &cost, CS_GROWTH_NONE, &err), 0);
    assert_int_equal(cs_coop_set_key(c, pool_key(CS_POOL_POPULATION), 0, &err), 0);
    cs_result *r = NULL;
    if (rule == 2) {
      assert_int_equal(cs_simulate(c, reg, 2021, 2021, &r, &err), CS_EINVAL);
      assert_non_null(strstr(err.msg, "5030"));
      assert_non_null(strstr(err.msg, "outside the party"));
    } else {
      r = run(c, 2020, 2021);
      assert_int_equal(cs_result_row(r, "Trd", 2021)->population, rule == 0 ? 205163 : 198999);
      assert_int_equal(cs_result_row(r, "Inn", 2021)->population, 24357);
      /* 2020 reads 1 January 2019: the merged territory (196 159 + 6 076), or
      ** the party's own municipality then */
      assert_int_equal(cs_result_row(r, "Trd", 2020)->population, rule == 0 ? 202235 : 196159);
      assert_int_equal(cs_result_row(r, "Inn", 2020)->population, 22090 + 2449);
      cs_result_free(r);
    }
    cs_coop_free(c);
  }
}

/* ---- the payee (SPEC 7.1) ---------------------------------------------------- */

/* A payee that is a municipality is followed like a member: 5039 Verran
** invoices in 2019 and, merged into 5006 Steinkjer, Steinkjer from 2020. */
static void payee_followed(void **state) {
  (void)state;
  cs_error err;
  cs_coop *c = cs_coop_new("Innherred");
  assert_int_equal(cs_coop_set_period(c, D("2019-01-01"), 0, D("2019-01-01"), &err), 0);
  assert_int_equal(cs_coop_add_member(c, "5053", D("2019-01-01"), 0, "Inderøy", &err), 0);
  assert_int_equal(cs_coop_set_payee_code(c, "5039", &err), 0);
  cs_q cost = Q("1000");
  assert_int_equal(cs_coop_add_cost(c, "Drift", &cost, CS_GROWTH_NONE, &err), 0);
  assert_int_equal(cs_coop_set_key(c, pool_key(CS_POOL_EQUAL), 0, &err), 0);
  cs_result *r = run(c, 2019, 2020);
  assert_string_equal(cs_result_row(r, "5053", 2019)->payee, "Verran");
  assert_string_equal(cs_result_row(r, "5053", 2020)->payee, "Steinkjer");
  cs_result_free(r);
  cs_coop_free(c);
}

/* A pool of half an øre: 50 % of 1 000.01 is 500.005, which the machine
** words cannot round (they know it only to within 2^-128): the shares stay
** the machine words', the pool's øre for the explanation is taken exactly
** (500.01, half up), and the explanations are the exact path's. */
static void half_an_ore_pool(void **state) {
  (void)state;
  cs_result *r[2];
  cs_error err;
  for (int fast = 0; fast < 2; fast++) {
    cs_coop *c = three("Halv øre", 0);
    cs_q a = Q("1000.01"), half = Q("0.5");
    assert_int_equal(cs_coop_add_cost(c, "Drift", &a, CS_GROWTH_NONE, &err), 0);
    cs_key *k = cs_key_new();
    assert_int_equal(cs_key_add_pool(k, CS_POOL_EQUAL, &half, NULL, NULL, 0, NULL, NULL, NULL), 0);
    assert_int_equal(cs_key_add_pool(k, CS_POOL_POPULATION, &half, NULL, NULL, 0, NULL, NULL, NULL), 0);
    assert_int_equal(cs_coop_set_key(c, k, 0, &err), 0);
    cs_key_fast_path = fast;
    r[fast] = run(c, 2023, 2023);
    cs_key_fast_path = 1;
    cs_coop_free(c);
  }
  /* the machine words shared it (their notes are kept), the exact path not */
  assert_non_null(cs_result_year(r[1], 2023)->keys[0].fx);
  assert_null(cs_result_year(r[0], 2023)->keys[0].fx);
  /* 100 001/200 x (1/3 + population/10 933): over 200 x 3 x 10 933 */
  static const char *const codes[3] = {"1812", "1813", "1815"};
  static const int64_t pop[3] = {POP_SOMNA, POP_BRONNOY, POP_VEGA};
  __int128 num[3];
  for (int i = 0; i < 3; i++) num[i] = (__int128)100001 * (POP_ALL + 3 * pop[i]);
  int64_t want[3];
  largest_remainder(num, (__int128)200 * 3 * POP_ALL, 3, want);
  assert_int_equal(want[0] + want[1] + want[2], 1000);
  for (int i = 0; i < 3; i++) {
    assert_int_equal(total(r[0], codes[i], 2023), want[i]);
    assert_int_equal(total(r[1], codes[i], 2023), want[i]);
    for (size_t p = 0; p < 2; p++) {
      char *e0 = cs_explain_part_text(r[0], cs_result_row(r[0], codes[i], 2023), p, CS_LANG_EN);
      char *e1 = cs_explain_part_text(r[1], cs_result_row(r[1], codes[i], 2023), p, CS_LANG_EN);
      assert_non_null(e0);
      assert_non_null(e1);
      assert_string_equal(e1, e0);
      free(e0);
      free(e1);
    }
  }
  char *e = cs_explain_part_text(r[1], cs_result_row(r[1], "1812", 2023), 0, CS_LANG_EN);
  assert_string_equal(e, "50 % of 1 000.01 = 500.01, shared equally by 3 members = 166.67");
  free(e);
  e = cs_explain_part_text(r[1], cs_result_row(r[1], "1812", 2023), 1, CS_LANG_NB);
  assert_string_equal(e, "50 % av 1 000,01 = 500,01 x 1 981 / 10 933 innbyggere = 90,60");
  free(e);
  cs_result_free(r[0]);
  cs_result_free(r[1]);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(services_each_rounded_on_their_own),
      cmocka_unit_test(services_join_and_errors),
      cmocka_unit_test(mix_with_table),
      cmocka_unit_test(capped_population),
      cmocka_unit_test(capped_deficit),
      cmocka_unit_test(bands_fee),
      cmocka_unit_test(parties),
      cmocka_unit_test(party_through_reform),
      cmocka_unit_test(payee_followed),
      cmocka_unit_test(half_an_ore_pool),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
