/* Unit tests: mixed keys (cs_key_mix), part names, descriptions in English
** and bokmål, keys of any number of parts, and the first keys (base, rate,
** fixed, equal, population, weights, custom) through cs_key_eval with a
** member charged part of the year. Expected amounts are fractions written
** here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "key_test.h"

static cs_key *pool_key(cs_component_kind kind, const char *fraction) {
  cs_key *k = cs_key_new();
  cs_q f = kt_dec(fraction);
  assert_int_equal(cs_key_add_pool(k, kind, &f, NULL, NULL, 0, NULL, NULL, NULL), 0);
  return k;
}

static cs_key *split_key(const char *equal, const char *population) {
  cs_key *k = pool_key(CS_POOL_EQUAL, equal);
  cs_q f = kt_dec(population);
  assert_int_equal(cs_key_add_pool(k, CS_POOL_POPULATION, &f, NULL, NULL, 0, NULL, NULL, NULL), 0);
  return k;
}

static const char *const codes3[] = {"1812", "1813", "1833"};
static const int64_t pop3[] = {1981, 7777, 26092}; /* 35 850 */

/* 20 % equal + 30 % by population + 50 % by weights 1 : 2 : 5 of 740 539. */
static void three_parts(void **state) {
  (void)state;
  cs_key *eq = pool_key(CS_POOL_EQUAL, "1"), *pop = pool_key(CS_POOL_POPULATION, "1");
  cs_key *wk = cs_key_new();
  cs_q one = kt_dec("1"), w[3] = {kt_dec("1"), kt_dec("2"), kt_dec("5")};
  assert_int_equal(cs_key_add_pool(wk, CS_POOL_WEIGHTS, &one, codes3, w, 3, NULL, NULL, NULL), 0);
  cs_q f[3] = {kt_frac(1, 5), kt_dec("0.3"), kt_dec("0.5")};
  const cs_key *parts[3] = {eq, pop, wk};
  cs_key *mix;
  cs_error err;
  if (cs_key_mix(&mix, f, parts, 3, &err)) fail_msg("%s", err.msg);
  assert_int_equal(cs_key_validate(mix, NULL), 0);
  assert_true(cs_key_covers(mix));
  assert_int_equal(cs_key_nparts(mix), 3);
  assert_string_equal(cs_key_part_name(mix, 0), "equal");
  assert_string_equal(cs_key_part_name(mix, 1), "population");
  assert_string_equal(cs_key_part_name(mix, 2), "weights");
  assert_string_equal(cs_key_describe(mix), "20 % equal + 30 % by population + 50 % by weights");
  assert_string_equal(cs_key_describe_lang(mix, CS_LANG_NB),
                      "20 % likt + 30 % etter innbyggertall + 50 % etter vekt");
  cs_key_member m[3];
  kt_members(m, 3, codes3, pop3);
  cs_q net = kt_dec("740539");
  cs_key_year *ky = kt_eval(mix, NULL, 2023, &net, m, 3);
  cs_q sum;
  cs_q_zero(&sum);
  for (size_t i = 0; i < 3; i++) {
    cs_q e = kt_frac(740539, 15);                 /* 0.2 / 3 */
    cs_q p = kt_abc(740539 * 3, pop3[i], 358500); /* 0.3 x pop / 35 850 */
    cs_q wt = kt_abc(740539, i == 0 ? 1 : i == 1 ? 2 : 5, 16); /* 0.5 x w / 8 */
    kt_eq(cs_key_year_part(ky, i, 0), &e, "equal");
    kt_eq(cs_key_year_part(ky, i, 1), &p, "population");
    kt_eq(cs_key_year_part(ky, i, 2), &wt, "weights");
    cs_q t = kt_add(kt_add(e, p), wt);
    kt_eq(cs_key_year_total(ky, i), &t, "total");
    sum = kt_add(sum, t);
  }
  kt_eq(&sum, &net, "sum");
  int64_t r[3];
  kt_round(ky, m, r);
  assert_int_equal(r[0] + r[1] + r[2], 740539);
  cs_key_year_free(ky);
  cs_key_free(mix);
  cs_key_free(eq);
  cs_key_free(pop);
  cs_key_free(wk);
}

/* A split inside a mix: its pools, scaled; a repeated name gets #2. */
static void nested_and_names(void **state) {
  (void)state;
  cs_key *split = split_key("0.2", "0.8"), *eq = pool_key(CS_POOL_EQUAL, "1");
  cs_q f[2] = {kt_dec("0.5"), kt_dec("0.5")};
  const cs_key *parts[2] = {split, eq};
  cs_key *mix;
  assert_int_equal(cs_key_mix(&mix, f, parts, 2, NULL), 0);
  assert_int_equal(cs_key_nparts(mix), 3);
  assert_string_equal(cs_key_part_name(mix, 0), "equal");
  assert_string_equal(cs_key_part_name(mix, 1), "population");
  assert_string_equal(cs_key_part_name(mix, 2), "equal#2");
  assert_string_equal(cs_key_describe(mix), "10 % equal + 40 % by population + 50 % equal");
  cs_key_member m[3];
  kt_members(m, 3, codes3, pop3);
  cs_q net = kt_dec("1000");
  cs_key_year *ky = kt_eval(mix, NULL, 2023, &net, m, 3);
  cs_q e1 = kt_frac(100, 3), e2 = kt_frac(500, 3), p2 = kt_abc(400, 7777, 35850);
  kt_eq(cs_key_year_part(ky, 1, 0), &e1, "equal");
  kt_eq(cs_key_year_part(ky, 1, 1), &p2, "population");
  kt_eq(cs_key_year_part(ky, 1, 2), &e2, "equal#2");
  cs_key_notes *nt = cs_key_year_take_notes(ky);
  assert_string_equal(cs_key_notes_part_name(nt, 2), "equal#2");
  char *s = kt_explain(ky, nt, m, 1, 2, 12, CS_LANG_EN);
  assert_string_equal(s, "50 % of 1 000.00 = 500.00, shared equally by 3 members = 166.67");
  free(s);
  s = kt_explain(ky, nt, m, 1, 1, 12, CS_LANG_NB);
  assert_string_equal(s, "40 % av 1 000,00 = 400,00 x 7 777 / 35 850 innbyggere = 86,77");
  free(s);
  cs_key_notes_free(nt);
  assert_null(cs_key_year_take_notes(ky));
  cs_key_year_free(ky);
  /* the split's own description in bokmål, as the issue writes it */
  assert_string_equal(cs_key_describe_lang(split, CS_LANG_NB), "20 % likt + 80 % etter innbyggertall");
  cs_key_free(mix);
  cs_key_free(split);
  cs_key_free(eq);
}

static void mix_fails(const cs_q *f, const cs_key *const *parts, size_t n, const char *want) {
  cs_key *mix = NULL;
  cs_error err;
  err.msg[0] = '\0';
  if (cs_key_mix(&mix, f, parts, n, &err) == 0) {
    cs_key_free(mix);
    fail_msg("mix accepted (wanted \"%s\")", want);
  }
  assert_null(mix);
  kt_has(err.msg, want);
}

static void bad_mixes(void **state) {
  (void)state;
  cs_key *eq = pool_key(CS_POOL_EQUAL, "1"), *pop = pool_key(CS_POOL_POPULATION, "1");
  cs_key *fee = cs_key_new(), *base_cover = cs_key_new(), *capped = pool_key(CS_POOL_EQUAL, "1");
  cs_q rate = kt_dec("3"), base = kt_dec("10000"), one = kt_dec("1"), max = kt_dec("100000");
  assert_int_equal(cs_key_add_direct(fee, CS_DIRECT_RATE, &rate, NULL, NULL, 0, NULL), 0);
  assert_int_equal(cs_key_add_direct(base_cover, CS_DIRECT_BASE, &base, NULL, NULL, 0, NULL), 0);
  assert_int_equal(cs_key_add_pool(base_cover, CS_POOL_POPULATION, &one, NULL, NULL, 0, NULL, NULL, NULL), 0);
  assert_int_equal(cs_key_set_limits(capped, &max, NULL, NULL, NULL, 0, NULL, NULL, 0, NULL), 0);
  cs_q halves[2] = {kt_dec("0.5"), kt_dec("0.5")}, short_sum[2] = {kt_dec("0.5"), kt_dec("0.4")};
  cs_q thirds[3] = {kt_dec("0.333"), kt_dec("0.333"), kt_dec("0.333")};
  cs_q over[2] = {kt_dec("1.5"), kt_dec("-0.5")};
  const cs_key *ok[2] = {eq, pop}, *with_fee[2] = {eq, fee}, *with_base[2] = {base_cover, eq};
  const cs_key *with_cap[2] = {eq, capped}, *three[3] = {eq, pop, eq}, *with_null[2] = {eq, NULL};
  mix_fails(halves, with_fee, 2, "part 2 of the mix (3 per inhabitant) is a fee key");
  mix_fails(halves, with_base, 2, "part 1 of the mix (base 10 000 per member + rest by population) has base or fixed amounts");
  mix_fails(halves, with_cap, 2, "part 2 of the mix (100 % equal, capped: maximum 100 000) is capped");
  mix_fails(short_sum, ok, 2, "the parts of the mix sum to 0.9, not 1");
  mix_fails(thirds, three, 3, "sum to 0.999, not 1");
  mix_fails(over, ok, 2, "share 1.5 for part 1 of the mix must be between 0 and 1");
  mix_fails(halves, with_null, 2, "part 2 of the mix has no key");
  mix_fails(halves, ok, 0, "at least one part");
  /* exact thirds as fractions are fine */
  cs_q exact[3] = {kt_frac(1, 3), kt_frac(1, 3), kt_frac(1, 3)};
  cs_key *mix;
  assert_int_equal(cs_key_mix(&mix, exact, three, 3, NULL), 0);
  assert_string_equal(cs_key_describe(mix),
                      "33.333333333333... % equal + 33.333333333333... % by population + "
                      "33.333333333333... % equal");
  assert_string_equal(cs_key_describe_lang(mix, CS_LANG_NB),
                      "33,333333333333... % likt + 33,333333333333... % etter innbyggertall + "
                      "33,333333333333... % likt");
  cs_key_free(mix);
  cs_key_free(eq);
  cs_key_free(pop);
  cs_key_free(fee);
  cs_key_free(base_cover);
  cs_key_free(capped);
}

/* Eight parts: cs_key_eval holds them all; the machine-word path, which
** holds CS_KEY_MAX_PARTS, leaves the key to it instead of cutting the list. */
static void more_parts_than_the_machine_words_hold(void **state) {
  (void)state;
  cs_key *k = cs_key_new();
  for (int i = 0; i < 8; i++) {
    cs_q f = kt_frac(1, 8);
    assert_int_equal(cs_key_add_pool(k, i % 2 ? CS_POOL_POPULATION : CS_POOL_EQUAL, &f, NULL,
                                     NULL, 0, NULL, NULL, NULL), 0);
  }
  assert_int_equal(cs_key_validate(k, NULL), 0);
  assert_string_equal(cs_key_part_name(k, 6), "equal#4");
  assert_string_equal(cs_key_part_name(k, 7), "population#4");
  cs_key_member m[3];
  kt_members(m, 3, codes3, pop3);
  cs_q net = kt_dec("800");
  cs_key_year *ky = kt_eval(k, NULL, 2023, &net, m, 3);
  assert_int_equal(cs_key_year_nparts(ky), 8);
  /* 4 x 100 / 3 + 4 x 100 x 26 092 / 35 850 */
  cs_q want = kt_add(kt_frac(400, 3), kt_abc(400, 26092, 35850));
  kt_eq(cs_key_year_total(ky, 2), &want, "total");
  cs_key_year_free(ky);
  /* more pools than the machine-word path holds: it leaves the key to cs_key_eval */
  cs_key_multiples km;
  uint64_t mult[3 * CS_KEY_MAX_PARTS];
  km.mult = mult;
  assert_int_equal(cs_key_multipliers(k, 2023, m, 3, &km, NULL), 1);
  cs_key_free(k);
}

/* Helgeland's Vedlegg 2 through cs_key_eval: the published totals. */
static void vedlegg_2(void **state) {
  (void)state;
  static const char *const codes[17] = {"1812", "1813", "1815", "1816", "1818", "1820",
                                        "1822", "1824", "1825", "1826", "1827", "1828",
                                        "1832", "1833", "1834", "1835", "1836"};
  static const int64_t pop[17] = {1981, 7777, 1175, 462,  1825, 7333, 2257, 13233, 1461,
                                  1273, 1369, 1698, 4420, 26092, 1869, 450, 1153};
  static const int64_t published[17] = {24189, 69473, 17892, 12322, 22971, 66004,
                                        26346, 112099, 20127, 18658, 19408, 21978,
                                        43245, 212565, 23314, 12228, 17720};
  cs_key *k = split_key("0.20", "0.80");
  cs_key_member m[17];
  kt_members(m, 17, codes, pop);
  cs_q net = kt_dec("740539");
  for (int fast = 0; fast < 2; fast++) {
    cs_key_fast_path = fast;
    cs_key_year *ky = kt_eval(k, NULL, 2023, &net, m, 17);
    cs_key_fast_path = 1;
    int64_t r[17];
    kt_round(ky, m, r);
    for (int i = 0; i < 17; i++) assert_int_equal(r[i], published[i]);
    cs_key_notes *nt = cs_key_year_take_notes(ky);
    char *s = kt_explain(ky, nt, m, 1, 0, 12, CS_LANG_EN);
    assert_string_equal(s, "20 % of 740 539.00 = 148 107.80, shared equally by 17 members = 8 712.22");
    free(s);
    s = kt_explain(ky, nt, m, 1, 1, 12, CS_LANG_EN);
    assert_string_equal(s, "80 % of 740 539.00 = 592 431.20 x 7 777 / 75 828 inhabitants = 60 760.37");
    free(s);
    s = kt_explain(ky, nt, m, 1, 0, 12, CS_LANG_NB);
    assert_string_equal(s, "20 % av 740 539,00 = 148 107,80, delt likt på 17 medlemmer = 8 712,22");
    free(s);
    cs_key_notes_free(nt);
    cs_key_year_free(ky);
  }
  cs_key_free(k);
}

static int custom_weights(void *ud, int year, const cs_q *net, const cs_key_member *m, size_t n,
                          cs_q *w, cs_error *err) {
  (void)ud, (void)year, (void)err, (void)m;
  cs_q want = kt_dec("100000");
  if (cs_q_cmp(net, &want) != 0) return cs_error_set(err, CS_EINVAL, "custom got another net");
  for (size_t i = 0; i < n; i++) cs_q_from_i64(&w[i], (int64_t)(2 * i + 1));
  return 0;
}

/* a * b, exactly */
static cs_q mulq(cs_q a, cs_q b) {
  cs_q r;
  assert_int_equal(cs_q_mul(&r, &a, &b), 0);
  return r;
}

/* The first keys through cs_key_eval: every part of every member against
** fractions worked out here, member 1813 charged 5 of 12 months, and the
** English explanations of its parts. */
static void first_keys(void **state) {
  (void)state;
  cs_q base = kt_dec("10000"), rate = kt_dec("6.5"), f1 = kt_dec("0.25"), f2 = kt_dec("0.5"),
       f3 = kt_dec("0.25");
  const char *fixed_codes[3] = {"1812", "1813", "1833"};
  cs_q fixed[3] = {kt_dec("42376"), kt_dec("1000.5"), kt_dec("0")};
  cs_q w[3] = {kt_dec("1.5"), kt_dec("0.25"), kt_dec("3")};
  cs_key *keys[4];
  keys[0] = cs_key_new(); /* base + rate: a fee */
  assert_int_equal(cs_key_add_direct(keys[0], CS_DIRECT_BASE, &base, NULL, NULL, 0, NULL), 0);
  assert_int_equal(cs_key_add_direct(keys[0], CS_DIRECT_RATE, &rate, NULL, NULL, 0, NULL), 0);
  keys[1] = cs_key_new(); /* base + fixed + three pools */
  assert_int_equal(cs_key_add_direct(keys[1], CS_DIRECT_BASE, &base, NULL, NULL, 0, NULL), 0);
  assert_int_equal(cs_key_add_direct(keys[1], CS_DIRECT_FIXED, NULL, fixed_codes, fixed, 3, NULL), 0);
  assert_int_equal(cs_key_add_pool(keys[1], CS_POOL_EQUAL, &f1, NULL, NULL, 0, NULL, NULL, NULL), 0);
  assert_int_equal(cs_key_add_pool(keys[1], CS_POOL_POPULATION, &f2, NULL, NULL, 0, NULL, NULL, NULL), 0);
  assert_int_equal(cs_key_add_pool(keys[1], CS_POOL_WEIGHTS, &f3, fixed_codes, w, 3, NULL, NULL, NULL), 0);
  keys[2] = cs_key_new(); /* custom */
  cs_q one = kt_dec("1");
  assert_int_equal(cs_key_add_pool(keys[2], CS_POOL_CUSTOM, &one, NULL, NULL, 0, custom_weights, NULL, NULL), 0);
  keys[3] = split_key("0.3", "0.7");
  cs_key_member m[3];
  kt_members(m, 3, codes3, pop3);
  m[1].year_share = kt_frac(5, 12);
  cs_q net = kt_dec("100000");
  /* want[k][i][p]: key k, member i, part p */
  cs_q want[4][3][5];
  /* the fee: 10 000 + 6.5 x population, 1813 x 5/12 */
  for (size_t i = 0; i < 3; i++) {
    cs_q ys = i == 1 ? kt_frac(5, 12) : kt_frac(1, 1);
    want[0][i][0] = mulq(kt_dec("10000"), ys);
    want[0][i][1] = mulq(kt_abc(pop3[i], 13, 2), ys);
  }
  /* base + fixed: 10 000 x 29/12 + 42 376 + 1 000.5 x 5/12 = 42 376 + 590 005/24;
  ** the rest 100 000 - that = 792 971/24; the pools weigh 1, 5/12, 1
  ** (29/12); 1 981, 7 777 x 5/12, 26 092 (375 761/12); 1.5, 0.25 x 5/12, 3
  ** (221/48) */
  cs_q rest = kt_frac(792971, 24);
  cs_q eq_w[3] = {kt_frac(12, 29), kt_frac(5, 29), kt_frac(12, 29)};
  cs_q pop_w[3] = {kt_frac(1981 * 12, 375761), kt_frac(7777 * 5, 375761),
                   kt_frac(26092 * 12, 375761)};
  cs_q wt_w[3] = {kt_frac(72, 221), kt_frac(5, 221), kt_frac(144, 221)};
  for (size_t i = 0; i < 3; i++) {
    cs_q ys = i == 1 ? kt_frac(5, 12) : kt_frac(1, 1);
    want[1][i][0] = mulq(kt_dec("10000"), ys);
    want[1][i][1] = mulq(fixed[i], ys);
    want[1][i][2] = mulq(mulq(rest, kt_frac(1, 4)), eq_w[i]);
    want[1][i][3] = mulq(mulq(rest, kt_frac(1, 2)), pop_w[i]);
    want[1][i][4] = mulq(mulq(rest, kt_frac(1, 4)), wt_w[i]);
  }
  /* custom weights 1, 3, 5, 1813's x 5/12: 12/12, 15/12, 60/12 of 87/12 */
  want[2][0][0] = kt_abc(100000, 12, 87);
  want[2][1][0] = kt_abc(100000, 15, 87);
  want[2][2][0] = kt_abc(100000, 60, 87);
  /* 30 % equal (1, 5/12, 1: 29/12) + 70 % by population (375 761/12) */
  for (size_t i = 0; i < 3; i++) {
    want[3][i][0] = mulq(kt_dec("30000"), eq_w[i]);
    want[3][i][1] = mulq(kt_dec("70000"), pop_w[i]);
  }
  const size_t nparts[4] = {2, 5, 1, 2};
  for (int k = 0; k < 4; k++) {
    cs_key_year *ky = kt_eval(keys[k], NULL, 2023, &net, m, 3);
    assert_int_equal(cs_key_year_nparts(ky), nparts[k]);
    for (size_t i = 0; i < 3; i++) {
      cs_q total = kt_frac(0, 1);
      for (size_t p = 0; p < nparts[k]; p++) {
        kt_eq(cs_key_year_part(ky, i, p), &want[k][i][p], "part");
        total = kt_add(total, want[k][i][p]);
      }
      kt_eq(cs_key_year_total(ky, i), &total, "total");
    }
    cs_key_year_free(ky);
  }
  /* 1813's parts explained: the rest 792 971/24 = 33 040.46, its weights
  ** with the 5/12 in them (0.25 x 5/12 of 221/48) */
  static const char *const texts[2][5] = {
      {"base amount 10 000 x 5/12 of the year",
       "6.5 kr per inhabitant x 7 777 inhabitants x 5/12 of the year = 21 062.71"},
      {"base amount 10 000 x 5/12 of the year", "fixed amount 1 001 x 5/12 of the year",
       "25 % of 33 040.46 = 8 260.11, shared equally by 2.416666666667... members x 5/12 of the "
       "year = 1 424.16",
       "50 % of 33 040.46 = 16 520.23 x 7 777 / 31 313 inhabitants x 5/12 of the year = 1 709.57",
       "25 % of 33 040.46 = 8 260.11 x weight 0.104166666667... / 4.604166666667... = 186.88"}};
  for (int k = 0; k < 2; k++) {
    cs_key_year *ky = kt_eval(keys[k], NULL, 2023, &net, m, 3);
    cs_key_notes *nt = cs_key_year_take_notes(ky);
    for (size_t p = 0; p < nparts[k]; p++) {
      char *s = kt_explain(ky, nt, m, 1, p, 5, CS_LANG_EN);
      assert_string_equal(s, texts[k][p]);
      free(s);
    }
    cs_key_notes_free(nt);
    cs_key_year_free(ky);
  }
  /* a part's figure and the months, in bokmål */
  cs_key_year *ky = kt_eval(keys[1], NULL, 2023, &net, m, 3);
  cs_key_notes *nt = cs_key_year_take_notes(ky);
  char *s = kt_explain(ky, nt, m, 1, 1, 5, CS_LANG_NB);
  assert_string_equal(s, "fast beløp 1 001 x 5/12 av året"); /* to whole kroner */
  free(s);
  s = kt_explain(ky, nt, m, 1, 0, 5, CS_LANG_NB);
  assert_string_equal(s, "grunnbeløp 10 000 x 5/12 av året");
  free(s);
  s = kt_explain(ky, nt, m, 0, 4, 12, CS_LANG_NB);
  kt_has(s, " x vekt 1,5 / ");
  free(s);
  cs_key_notes_free(nt);
  cs_key_year_free(ky);
  assert_string_equal(cs_key_describe_lang(keys[0], CS_LANG_NB),
                      "grunnbeløp 10 000 per medlem + 6,5 per innbygger");
  assert_string_equal(cs_key_describe(keys[1]),
                      "base 10 000 per member + fixed amounts + rest by equal + 50 % by population "
                      "+ 25 % by weights");
  assert_string_equal(cs_key_describe_lang(keys[2], CS_LANG_NB), "100 % etter egen regel");
  for (int k = 0; k < 4; k++) cs_key_free(keys[k]);
}

/* A code longer than a party id is refused, not cut. */
static void long_codes(void **state) {
  (void)state;
  cs_key *k = cs_key_new();
  const char *codes[1] = {"ABCDEFGHIJKLMNOPQ"};
  cs_q v[1] = {kt_dec("5")};
  cs_error err;
  assert_int_equal(cs_key_add_direct(k, CS_DIRECT_FIXED, NULL, codes, v, 1, &err), CS_EINVAL);
  kt_has(err.msg, "1-16 characters");
  const char *party[1] = {"Helgeland_RR"};
  assert_int_equal(cs_key_add_direct(k, CS_DIRECT_FIXED, NULL, party, v, 1, NULL), 0);
  cs_key_member m[1];
  kt_members(m, 1, party, (const int64_t[]){100});
  cs_q net = kt_dec("0");
  cs_key_year *ky = kt_eval(k, NULL, 2023, &net, m, 1);
  kt_eq(cs_key_year_total(ky, 0), &v[0], "fixed");
  cs_key_year_free(ky);
  cs_key_free(k);
}

/* One key-year reused from year to year, growing and shrinking; notes not
** taken are freed; a failure leaves it the caller's. */
static void reused_year(void **state) {
  (void)state;
  static const char *const codes[5] = {"0001", "0002", "0003", "0004", "0005"};
  static const int64_t pop[5] = {10, 20, 30, 40, 0};
  cs_key *k = split_key("0.5", "0.5");
  cs_key_member m[5];
  kt_members(m, 5, codes, pop);
  cs_q net = kt_dec("300");
  cs_key_year *ky = NULL;
  size_t sizes[4] = {2, 5, 1, 3};
  for (int y = 0; y < 4; y++) {
    size_t n = sizes[y];
    assert_int_equal(cs_key_eval(k, NULL, 2020 + y, &net, m, n, &ky, NULL), 0);
    assert_int_equal(cs_key_year_nmembers(ky), n);
    int64_t total_pop = 0;
    for (size_t i = 0; i < n; i++) total_pop += pop[i];
    for (size_t i = 0; i < n; i++) {
      cs_q want = kt_add(kt_frac(150, (int64_t)n), kt_abc(150, pop[i], total_pop));
      kt_eq(cs_key_year_total(ky, i), &want, "total");
    }
    if (y == 1) cs_key_notes_free(cs_key_year_take_notes(ky));
  }
  /* the fifth member has no inhabitants: alone, every weight is zero */
  cs_error err;
  assert_int_equal(cs_key_eval(k, NULL, 2030, &net, m + 4, 1, &ky, &err), CS_EINVAL);
  assert_non_null(ky);
  kt_has(err.msg, "in 2030 every member's population weight is zero");
  cs_key_year_free(ky);
  cs_key_free(k);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(three_parts),
      cmocka_unit_test(nested_and_names),
      cmocka_unit_test(bad_mixes),
      cmocka_unit_test(more_parts_than_the_machine_words_hold),
      cmocka_unit_test(vedlegg_2),
      cmocka_unit_test(first_keys),
      cmocka_unit_test(long_codes),
      cmocka_unit_test(reused_year),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
