/* Unit tests: cooperations and their simulation (coop.c, simulate.c) on the
** project's registry (data/). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include "coopsim/simulate.h"
#include "coopsim/simulate_many.h"
#include "coopsim/doc_build.h"
#include "coopsim/doc_wire.h"
#include "wire_membuf.h"

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

static const char *const helgeland[17] = {"1812", "1813", "1815", "1816", "1818", "1820",
                                          "1822", "1824", "1825", "1826", "1827", "1828",
                                          "1832", "1833", "1834", "1835", "1836"};

static cs_coop *helgeland_coop(void) {
  cs_coop *c = cs_coop_new("Helsefellesskap Helgeland");
  cs_error err;
  assert_int_equal(cs_coop_set_period(c, D("2023-01-01"), 0, D("2023-01-01"), &err), 0);
  for (int i = 0; i < 17; i++)
    assert_int_equal(cs_coop_add_member(c, helgeland[i], D("2023-01-01"), 0, helgeland[i], &err), 0);
  assert_int_equal(cs_coop_set_host(c, "1833", D("2023-01-01"), &err), 0);
  cs_q salary = Q("900000"), drift = Q("100000"), pension = Q("0.21"), aga = Q("0.051");
  assert_int_equal(cs_coop_add_cost(c, "Lønn", &salary, CS_GROWTH_WAGE, &err), 0);
  const char *of1[] = {"Lønn"}, *of2[] = {"Lønn", "Pensjon"};
  assert_int_equal(cs_coop_add_derived_cost(c, "Pensjon", &pension, of1, 1, &err), 0);
  assert_int_equal(cs_coop_add_derived_cost(c, "Arbeidsgiveravgift", &aga, of2, 2, &err), 0);
  assert_int_equal(cs_coop_add_cost(c, "Drift", &drift, CS_GROWTH_PRICE, &err), 0);
  cs_q grant = Q("504000");
  assert_int_equal(cs_coop_add_grant(c, "Helsedirektoratet", &grant, 2021, 2023, NULL, NULL, 0, &err), 0);
  cs_key *k = cs_key_new();
  cs_q f1 = Q("0.2"), f2 = Q("0.8");
  cs_key_add_pool(k, CS_POOL_EQUAL, &f1, NULL, NULL, 0, NULL, NULL, NULL);
  cs_key_add_pool(k, CS_POOL_POPULATION, &f2, NULL, NULL, 0, NULL, NULL, NULL);
  assert_int_equal(cs_coop_set_key(c, k, 0, &err), 0);
  return c;
}

static void vedlegg2(void **state) {
  (void)state;
  cs_coop *c = helgeland_coop();
  cs_result *r;
  cs_error err;
  assert_int_equal(cs_simulate(c, reg, 2023, 2024, &r, &err), 0);
  const cs_row *rana = cs_result_row(r, "1833", 2023);
  assert_non_null(rana);
  assert_int_equal(rana->total, 212565);
  assert_int_equal(rana->population, 26092);
  assert_int_equal(rana->pop_year, 2022);
  assert_true(rana->is_host);
  const cs_row *bronnoy = cs_result_row(r, "1813", 2023);
  assert_int_equal(bronnoy->total, 69473);
  assert_int_equal(bronnoy->cents, 6947259);
  const cs_part *parts = cs_row_parts(r, bronnoy);
  assert_int_equal(parts[0].rounded, 8712);
  assert_int_equal(parts[1].rounded, 60760);
  /* explanations are made when asked, from the year's notes */
  char text[240];
  cs_explain_part(r, bronnoy, 0, text, sizeof text);
  assert_string_equal(text, "20 % of 740 539.00 = 148 107.80, shared equally by 17 members = 8 712.22");
  assert_string_equal(bronnoy->payee, "Rana"); /* the Sami name came in 2024 */
  const cs_year *y = cs_result_year(r, 2023);
  assert_int_equal(y->sum_shares, 740539);
  /* grants by year: 2021..2023 only */
  const cs_year *y24 = cs_result_year(r, 2024);
  assert_int_equal(y24->ngrants, 0);
  assert_int_equal(y24->sum_shares, 1244539);
  cs_result_free(r);
  cs_coop_free(c);
}

static void grant_cap_and_covers(void **state) {
  (void)state;
  cs_coop *c = helgeland_coop();
  cs_error err;
  /* a capped variant: "up to 500 000", covering the salary line only */
  cs_q amount = Q("504000"), cap = Q("500000");
  const char *covers[] = {"Lønn"};
  assert_int_equal(cs_coop_set_grant_end(c, "Helsedirektoratet", 2020, &err), 0);
  assert_int_equal(cs_coop_add_grant(c, "Capped", &amount, 2023, 2023, &cap, covers, 1, &err), 0);
  cs_result *r;
  assert_int_equal(cs_simulate(c, reg, 2023, 2023, &r, &err), 0);
  assert_int_equal(cs_result_year(r, 2023)->sum_shares, 744539);
  cs_result_free(r);
  /* last year before first year is refused */
  assert_int_equal(cs_coop_add_grant(c, "Bad", &amount, 2024, 2023, NULL, NULL, 0, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "2023"));
  cs_coop_free(c);
}

static void withdraw_helgeland(void **state) {
  (void)state;
  cs_coop *c = helgeland_coop();
  cs_error err;
  cs_notice rule = {12, CS_NOTICE_NEXT_JAN1};
  cs_coop_set_notice(c, &rule, &err);
  assert_int_equal(cs_coop_withdraw(c, "1824", D("2023-03-15"), &err), 0);
  cs_result *r;
  assert_int_equal(cs_simulate(c, reg, 2023, 2025, &r, &err), 0);
  assert_non_null(cs_result_row(r, "1824", 2024));
  assert_null(cs_result_row(r, "1824", 2025));
  assert_int_equal(cs_result_year(r, 2025)->nmembers, 16);
  assert_int_equal(cs_result_year(r, 2025)->sum_shares, 1244539);
  cs_result_free(r);
  cs_coop_free(c);
}

static void growth_from_base_year(void **state) {
  (void)state;
  cs_coop *c = helgeland_coop();
  cs_error err;
  cs_q wage = Q("0.04"), zero = Q("0");
  assert_int_equal(cs_coop_set_growth(c, 0, &wage, &zero, &err), 0);
  cs_result *r;
  /* a run starting in 2024 still compounds from the base year 2023 */
  assert_int_equal(cs_simulate(c, reg, 2024, 2024, &r, &err), 0);
  char cost[64];
  cs_q_format_cents(cs_result_year(r, 2024)->cost, NULL, ".", cost, sizeof cost);
  assert_string_equal(cost, "1290320.56");
  cs_result_free(r);
  cs_coop_free(c);
}

static void errors(void **state) {
  (void)state;
  cs_coop *c = helgeland_coop();
  cs_error err;
  cs_result *r;
  assert_int_equal(cs_simulate(c, reg, 2022, 2023, &r, &err), CS_EINVAL); /* before the agreement */
  assert_non_null(strstr(err.msg, "2022"));
  cs_q neg = Q("-1");
  assert_int_equal(cs_coop_add_cost(c, "Negative", &neg, CS_GROWTH_NONE, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "-1"));
  assert_int_equal(cs_coop_add_member(c, "1833", D("2023-01-01"), 0, "Rana", &err), CS_EINVAL);
  cs_coop_free(c);
}

/* Seed 000: an agreement from 1 June bears seven months of the first year. */
static void pro_rata_first_year(void **state) {
  (void)state;
  cs_coop *c = cs_coop_new("Trøndelag sørvest");
  cs_error err;
  cs_coop_set_period(c, D("2021-06-01"), 1, D("2022-12-31"), &err);
  cs_coop_add_member(c, "5059", D("2021-06-01"), 0, "Orkland", &err);
  cs_coop_add_member(c, "5055", D("2021-06-01"), 0, "Heim", &err);
  cs_q cost = Q("1200000"), one = Q("1");
  cs_coop_add_cost(c, "Leder", &cost, CS_GROWTH_NONE, &err);
  cs_key *k = cs_key_new();
  cs_key_add_pool(k, CS_POOL_EQUAL, &one, NULL, NULL, 0, NULL, NULL, NULL);
  cs_coop_set_key(c, k, 0, &err);
  cs_result *r;
  assert_int_equal(cs_simulate(c, reg, 2021, 2023, &r, &err), 0);
  assert_int_equal(cs_result_year(r, 2021)->agreement_months, 7);
  assert_int_equal(cs_result_year(r, 2021)->sum_shares, 700000);
  assert_int_equal(cs_result_year(r, 2022)->sum_shares, 1200000);
  assert_true(cs_result_year(r, 2023)->past_end);
  cs_result_free(r);
  cs_coop_free(c);
}

/* Past the registry's last year a projection gives the population; it
** gives a hypothetical merger's parts too (the merger once failed there). */
static int project(void *ud, const char *code, int year, int pop_year, int64_t *pop,
                   cs_error *err) {
  (void)ud, (void)year, (void)err;
  if (*pop < 0) *pop = 1000 + (pop_year - 2000) * 10 + (strcmp(code, "1826") == 0);
  return 0;
}

static void merger_past_registry(void **state) {
  (void)state;
  int first, last;
  cs_registry_population_years(reg, &first, &last);
  cs_coop *c = helgeland_coop();
  cs_error err;
  const char *parts[] = {"1825", "1826"};
  assert_int_equal(cs_coop_add_merger(c, parts, 2, "Indre Helgeland", D("2026-01-01"), &err), 0);
  cs_result *r = NULL;
  /* without a projection: an error naming the registry's last year */
  assert_int_equal(cs_simulate(c, reg, last + 2, last + 2, &r, &err), CS_ENOTFOUND);
  assert_non_null(strstr(err.msg, "registry ends"));
  cs_coop_set_population_fn(c, project, NULL);
  assert_int_equal(cs_simulate(c, reg, last + 2, last + 3, &r, &err), 0);
  const cs_row *h = cs_result_row(r, "H001", last + 3);
  assert_non_null(h);
  int py = last + 2; /* population on 1 January of the previous year */
  assert_int_equal(h->population, 2 * (1000 + (py - 2000) * 10) + 1);
  assert_int_equal(h->pop_source, CS_POP_OVERRIDE);
  assert_null(cs_result_row(r, "1825", last + 3));
  const cs_year *y = cs_result_year(r, last + 3);
  assert_int_equal(y->nmembers, 16);
  cs_result_free(r);
  cs_coop_free(c);
}

/* Helgeland with growth from 2024 and 1816 leaving on 2024-05-01, its
** months charged. */
static cs_coop *helgeland_leaving_coop(void) {
  cs_error err;
  cs_coop *c = helgeland_coop();
  cs_q wage = Q("0.035"), price = Q("0.025");
  assert_int_equal(cs_coop_set_growth(c, 2024, &wage, &price, &err), 0);
  cs_coop_set_part_year(c, CS_PART_YEAR_MONTHS);
  cs_notice rule = {0, CS_NOTICE_NOTICE_DATE};
  assert_int_equal(cs_coop_set_notice(c, &rule, &err), 0);
  assert_int_equal(cs_coop_withdraw(c, "1816", D("2024-05-01"), &err), 0);
  return c;
}

/* The machine-word shares (core/share_fx.c) and decimal costs (core/dec.c)
** give the same rows and years to the øre as the exact rational path:
** growth from 2024, a member leaving mid-year with its months charged. */
static void machine_words_equal_exact(void **state) {
  (void)state;
  cs_result *r[2];
  cs_error err;
  for (int fast = 0; fast < 2; fast++) {
    cs_coop *c = helgeland_leaving_coop();
    cs_key_fast_path = fast;
    cs_simulate_decimal_costs = fast;
    if (cs_simulate(c, reg, 2023, 2027, &r[fast], &err)) fail_msg("%s", err.msg);
    cs_key_fast_path = 1;
    cs_simulate_decimal_costs = 1;
    cs_coop_free(c);
  }
  assert_int_equal(r[0]->nrows, r[1]->nrows);
  int part_year = 0;
  for (size_t i = 0; i < r[0]->nrows; i++) {
    const cs_row *a = &r[0]->rows[i], *b = &r[1]->rows[i];
    assert_string_equal(a->code, b->code);
    assert_int_equal(a->year, b->year);
    assert_int_equal(a->total, b->total);
    assert_int_equal(a->cents, b->cents);
    assert_int_equal(a->nparts, b->nparts);
    part_year |= a->charged_months != 12;
    for (size_t p = 0; p < a->nparts; p++) {
      assert_int_equal(cs_row_parts(r[0], a)[p].cents, cs_row_parts(r[1], b)[p].cents);
      assert_int_equal(cs_row_parts(r[0], a)[p].rounded, cs_row_parts(r[1], b)[p].rounded);
      char ea[240], eb[240];
      cs_explain_part(r[0], a, p, ea, sizeof ea);
      cs_explain_part(r[1], b, p, eb, sizeof eb);
      assert_string_equal(ea, eb);
    }
  }
  assert_true(part_year);
  for (size_t y = 0; y < r[0]->nyears; y++) {
    const cs_year *a = &r[0]->years[y], *b = &r[1]->years[y];
    assert_int_equal(a->cost, b->cost);
    assert_int_equal(a->granted, b->granted);
    assert_int_equal(a->net, b->net);
    assert_int_equal(a->balance, b->balance);
    assert_int_equal(a->nlines, b->nlines);
    for (size_t i = 0; i < a->nlines; i++) assert_int_equal(a->lines[i].cents, b->lines[i].cents);
  }
  cs_result_free(r[0]);
  cs_result_free(r[1]);
}

/* For every two parts of r: said the same (cs_explain_part_same) implies
** the same text in English and in bokmål. Returns how many pairs of two
** rows were said the same, *equal how many had equal English texts. */
static size_t said_the_same(const cs_result *r, size_t *equal) {
  size_t same = 0;
  *equal = 0;
  for (size_t i = 0; i < r->nrows; i++)
    for (size_t j = 0; j < r->nrows; j++)
      for (size_t p = 0; p < r->rows[i].nparts && p < r->rows[j].nparts; p++) {
        const cs_row *a = &r->rows[i], *b = &r->rows[j];
        char *ea = cs_explain_part_text(r, a, p, CS_LANG_EN), *eb = cs_explain_part_text(r, b, p, CS_LANG_EN);
        char *na = cs_explain_part_text(r, a, p, CS_LANG_NB), *nb = cs_explain_part_text(r, b, p, CS_LANG_NB);
        assert_true(ea && eb && na && nb);
        *equal += i != j && strcmp(ea, eb) == 0;
        if (cs_explain_part_same(r, a, p, b, p)) {
          same += i != j;
          if (strcmp(ea, eb) || strcmp(na, nb))
            fail_msg("said the same: %s %d / %s %d part %zu:\n%s\n%s", a->code, a->year, b->code, b->year, p, ea, eb);
        }
        free(ea), free(eb), free(na), free(nb);
      }
  return same;
}

/* cs_explain_part_same on a result with growth and a member leaving
** mid-year with its months charged: it says so for the members of an
** equal pool in a year, only for texts that are the same, and never for
** the exact path's per-member notes. */
static void explanations_said_the_same_are(void **state) {
  (void)state;
  cs_error err;
  for (int fast = 1; fast >= 0; fast--) {
    cs_coop *c = helgeland_leaving_coop();
    cs_key_fast_path = fast;
    cs_result *r;
    if (cs_simulate(c, reg, 2023, 2027, &r, &err)) fail_msg("%s", err.msg);
    cs_key_fast_path = 1;
    size_t equal, same = said_the_same(r, &equal);
    if (fast) {
      assert_true(same > 1000);   /* the equal pools' members, each year */
      assert_true(same <= equal); /* and only texts that are the same */
    } else {
      assert_int_equal(same, 0);
    }
    cs_result_free(r);
    cs_coop_free(c);
  }
}

/* Where every part is 0.00 (no cost), only the population and the months
** charged tell the texts apart (review10): three members and a fourth
** joining on 2023-03-10, its months charged, a key half equal, half by
** population. */
static void explanations_of_nothing_told_apart(void **state) {
  (void)state;
  cs_error err;
  cs_coop *c = cs_coop_new("Zero");
  assert_int_equal(cs_coop_set_period(c, D("2023-01-01"), 0, D("2023-01-01"), &err), 0);
  const char *codes[] = {"1812", "1813", "1815"};
  for (int i = 0; i < 3; i++) assert_int_equal(cs_coop_add_member(c, codes[i], D("2023-01-01"), 0, codes[i], &err), 0);
  assert_int_equal(cs_coop_add_member(c, "1816", D("2023-03-10"), 1, "1816", &err), 0);
  cs_coop_set_part_year(c, CS_PART_YEAR_MONTHS);
  cs_q zero = Q("0"), half = Q("0.5");
  assert_int_equal(cs_coop_add_cost(c, "Drift", &zero, CS_GROWTH_PRICE, &err), 0);
  cs_key *k = cs_key_new();
  cs_key_add_pool(k, CS_POOL_EQUAL, &half, NULL, NULL, 0, NULL, NULL, NULL);
  cs_key_add_pool(k, CS_POOL_POPULATION, &half, NULL, NULL, 0, NULL, NULL, NULL);
  assert_int_equal(cs_coop_set_key(c, k, 0, &err), 0);
  cs_result *r;
  if (cs_simulate(c, reg, 2023, 2023, &r, &err)) fail_msg("%s", err.msg);
  assert_int_equal(r->nrows, 4);
  size_t equal, same = said_the_same(r, &equal);
  /* the three full-year members' equal parts are the same text; the
  ** joiner's (its months) and every population part differ */
  assert_int_equal(same, 6);
  assert_int_equal(equal, 6);
  cs_result_free(r);
  cs_coop_free(c);
}

/* A worker's stream (cs_doc_stream) of two runs of one result, one year:
** the second run's first row repeats the first run's last explanation, but
** its text was made in the memory the run before used (review10 F2: the
** explanation kept for reuse is forgotten at each run, or the second run
** reads whatever the arena holds there now). Read back, every part says
** what cs_explain_part_text says. */
static void streamed_runs_explained_anew(void **state) {
  (void)state;
  cs_error err;
  cs_coop *c = cs_coop_new("A");
  assert_int_equal(cs_coop_set_period(c, D("2023-01-01"), 0, D("2023-01-01"), &err), 0);
  const char *codes[] = {"1812", "1813", "1815"};
  for (int i = 0; i < 3; i++) assert_int_equal(cs_coop_add_member(c, codes[i], D("2023-01-01"), 0, codes[i], &err), 0);
  cs_q drift = Q("90000"), all = Q("1");
  assert_int_equal(cs_coop_add_cost(c, "Drift", &drift, CS_GROWTH_PRICE, &err), 0);
  cs_key *k = cs_key_new();
  cs_key_add_pool(k, CS_POOL_EQUAL, &all, NULL, NULL, 0, NULL, NULL, NULL);
  assert_int_equal(cs_coop_set_key(c, k, 0, &err), 0);
  cs_result *r;
  if (cs_simulate(c, reg, 2023, 2023, &r, &err)) fail_msg("%s", err.msg);
  const cs_result *const results[] = {r};
  const cs_doc_results runs[] = {{"base", 2023, 2023, results, 1}, {"again", 2023, 2023, results, 1}};
  buf m = {0};
  cs_wire_out *w = cs_wire_out_new(buf_write, &m);
  assert_non_null(w);
  if (cs_doc_stream(w, "test", "a.lua", runs, 2, 1, &err)) fail_msg("%s", err.msg);
  assert_int_equal(cs_wire_out_flush(w), 0);
  cs_wire_out_free(w);
  cs_wire_in *in = cs_wire_in_new(buf_fill, &m, (size_t)1 << 26);
  assert_non_null(in);
  cs_doc *doc = NULL;
  if (cs_wire_get_doc(in, 1000, &doc, &err)) fail_msg("%s", err.msg);
  assert_int_equal(doc->nruns, 2);
  for (size_t s = 0; s < 2; s++) {
    assert_int_equal(doc->runs[s].nrows, 3);
    for (size_t i = 0; i < 3; i++) {
      char *want = cs_explain_part_text(r, &r->rows[i], 0, CS_LANG_EN);
      assert_non_null(want);
      assert_string_equal(doc->runs[s].rows[i].parts[0].explain, want);
      free(want);
    }
  }
  cs_doc_free(doc);
  cs_wire_in_free(in);
  free(m.p);
  cs_result_free(r);
  cs_coop_free(c);
}

/* cs_simulate_many: the same results on one thread and on several, and the
** error of the first cooperation that fails, whichever thread met it. */
static void many_threads(void **state) {
  (void)state;
  enum { N = 6 };
  cs_coop *coops[N];
  cs_result *one[N], *many[N];
  cs_error err;
  size_t failed;
  for (int i = 0; i < N; i++) {
    coops[i] = helgeland_coop();
    cs_q wage = Q("0.035");
    char pct[8];
    snprintf(pct, sizeof pct, "0.0%d", i + 1);
    cs_q price = Q(pct);
    assert_int_equal(cs_coop_set_growth(coops[i], 2024, &wage, &price, &err), 0);
  }
  assert_int_equal(cs_simulate_many(coops, N, reg, 2023, 2027, 1, one, &failed, &err), 0);
  assert_int_equal(cs_simulate_many(coops, N, reg, 2023, 2027, 4, many, &failed, &err), 0);
  for (int i = 0; i < N; i++) {
    assert_int_equal(one[i]->nrows, many[i]->nrows);
    for (size_t k = 0; k < one[i]->nrows; k++) {
      assert_int_equal(one[i]->rows[k].total, many[i]->rows[k].total);
      assert_int_equal(one[i]->rows[k].cents, many[i]->rows[k].cents);
      assert_string_equal(one[i]->rows[k].name, many[i]->rows[k].name);
    }
    cs_result_free(one[i]);
    cs_result_free(many[i]);
  }
  /* runs from 2022, before the agreements of 2 and 4 (made to start later) */
  cs_coop_free(coops[2]);
  cs_coop_free(coops[4]);
  coops[2] = cs_coop_new("Later 2");
  coops[4] = cs_coop_new("Later 4");
  for (int i = 2; i <= 4; i += 2) {
    assert_int_equal(cs_coop_set_period(coops[i], D("2024-01-01"), 0, D("2024-01-01"), &err), 0);
    assert_int_equal(cs_coop_add_member(coops[i], "1812", D("2024-01-01"), 0, "1812", &err), 0);
    cs_key *k = cs_key_new();
    cs_q one_q = Q("1");
    cs_key_add_pool(k, CS_POOL_EQUAL, &one_q, NULL, NULL, 0, NULL, NULL, NULL);
    assert_int_equal(cs_coop_set_key(coops[i], k, 0, &err), 0);
  }
  for (int threads = 1; threads <= 4; threads += 3) {
    assert_int_equal(cs_simulate_many(coops, N, reg, 2023, 2025, threads, many, &failed, &err), CS_EINVAL);
    assert_int_equal(failed, 2);
    assert_non_null(strstr(err.msg, "Later 2"));
    for (int i = 0; i < N; i++) assert_null(many[i]);
  }
  for (int i = 0; i < N; i++) cs_coop_free(coops[i]);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(vedlegg2),           cmocka_unit_test(merger_past_registry),
      cmocka_unit_test(grant_cap_and_covers),
      cmocka_unit_test(withdraw_helgeland), cmocka_unit_test(growth_from_base_year),
      cmocka_unit_test(errors),             cmocka_unit_test(pro_rata_first_year),
      cmocka_unit_test(machine_words_equal_exact),
      cmocka_unit_test(many_threads),
      cmocka_unit_test(explanations_said_the_same_are),
      cmocka_unit_test(explanations_of_nothing_told_apart),
      cmocka_unit_test(streamed_runs_explained_anew),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
