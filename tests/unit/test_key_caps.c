/* Unit tests: capped keys (cs_key_set_limits) applied by cs_key_eval: a fee
** clamped, a covering key whose capped members' excess flows to the others,
** floors and caps together, limits by member and by months, the degenerate
** years, the explanations, and the errors. Expected amounts are fractions
** written here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "key_test.h"

/* KS's membership fee: 10 000 per member + 6 per inhabitant, at most
** 300 000, Oslo at most 1 000 000; nothing moves between members. */
static void ks_fee(void **state) {
  (void)state;
  cs_key *k = cs_key_new();
  cs_q base = kt_dec("10000"), rate = kt_dec("6"), max = kt_dec("300000");
  const char *oslo[1] = {"0301"};
  cs_q oslo_max[1] = {kt_dec("1000000")};
  assert_int_equal(cs_key_add_direct(k, CS_DIRECT_BASE, &base, NULL, NULL, 0, NULL), 0);
  assert_int_equal(cs_key_add_direct(k, CS_DIRECT_RATE, &rate, NULL, NULL, 0, NULL), 0);
  assert_int_equal(cs_key_set_limits(k, &max, NULL, oslo, oslo_max, 1, NULL, NULL, 0, NULL), 0);
  assert_true(cs_key_is_capped(k));
  assert_false(cs_key_covers(k));
  assert_int_equal(cs_key_nparts(k), 3);
  assert_string_equal(cs_key_part_name(k, 2), "cap");
  assert_int_equal(cs_key_part_kind(k, 2), CS_PART_CAP);
  assert_string_equal(cs_key_describe(k), "base 10 000 per member + 6 per inhabitant, capped: "
                                          "maximum 300 000, 0301 maximum 1 000 000");
  assert_string_equal(cs_key_describe_lang(k, CS_LANG_NB),
                      "grunnbeløp 10 000 per medlem + 6 per innbygger, med tak: maksimum 300 000, "
                      "0301 maksimum 1 000 000");
  static const char *const codes[4] = {"0301", "1833", "5001", "1816"};
  static const int64_t pop[4] = {709037, 26092, 212660, 462};
  cs_key_member m[4];
  kt_members(m, 4, codes, pop);
  m[2].year_share = kt_frac(6, 12);
  cs_q net = kt_dec("0");
  cs_key_year *ky = kt_eval(k, NULL, 2023, &net, m, 4);
  /* Oslo 10 000 + 6 x 709 037 = 4 264 222 -> 1 000 000; Rana 166 552;
  ** Trondheim for 6 months 642 980 -> 300 000 x 6/12; Vevelstad 12 772 */
  int64_t want[4] = {1000000, 166552, 150000, 12772};
  int64_t cap[4] = {1000000 - 4264222, 0, 150000 - 642980, 0};
  for (size_t i = 0; i < 4; i++) {
    cs_q w, c;
    cs_q_from_i64(&w, want[i]);
    cs_q_from_i64(&c, cap[i]);
    kt_eq(cs_key_year_total(ky, i), &w, "total");
    kt_eq(cs_key_year_part(ky, i, 2), &c, "cap");
  }
  assert_int_equal(cs_key_year_nclamped(ky), 2);
  cs_q zero = kt_dec("0");
  kt_eq(cs_key_year_unshared(ky), &zero, "a fee leaves nothing unshared");
  cs_key_notes *nt = cs_key_year_take_notes(ky);
  char *s = kt_explain(ky, nt, m, 0, 2, 12, CS_LANG_EN);
  assert_string_equal(s, "fee 4 264 222.00 held at its maximum 1 000 000: -3 264 222.00; a fee: "
                         "nothing moves to other members");
  free(s);
  s = kt_explain(ky, nt, m, 2, 2, 6, CS_LANG_EN);
  assert_string_equal(s, "fee 642 980.00 held at its maximum 300 000 x 6/12 of the year = "
                         "150 000.00: -492 980.00; a fee: nothing moves to other members");
  free(s);
  s = kt_explain(ky, nt, m, 1, 2, 12, CS_LANG_EN);
  assert_string_equal(s, "fee 166 552.00, within its limits: 0.00");
  free(s);
  s = kt_explain(ky, nt, m, 0, 2, 12, CS_LANG_NB);
  assert_string_equal(s, "avgift 4 264 222,00 holdt på maksimum 1 000 000: -3 264 222,00; en "
                         "avgift: ingenting flyttes til andre medlemmer");
  free(s);
  cs_key_notes_free(nt);
  cs_key_year_free(ky);
  cs_key_free(k);
}

/* Helgeland by population with a maximum of 150 000: Rana (26 092) is
** above it; its excess lifts Vefsn (13 233) to it too; the other 15 (36 503
** inhabitants) share the rest 440 539 by population. */
static void excess_flows_to_the_others(void **state) {
  (void)state;
  static const char *const codes[17] = {"1812", "1813", "1815", "1816", "1818", "1820",
                                        "1822", "1824", "1825", "1826", "1827", "1828",
                                        "1832", "1833", "1834", "1835", "1836"};
  static const int64_t pop[17] = {1981, 7777, 1175, 462,  1825, 7333, 2257, 13233, 1461,
                                  1273, 1369, 1698, 4420, 26092, 1869, 450, 1153};
  cs_key *k = cs_key_new();
  cs_q one = kt_dec("1"), max = kt_dec("150000");
  assert_int_equal(cs_key_add_pool(k, CS_POOL_POPULATION, &one, NULL, NULL, 0, NULL, NULL, NULL), 0);
  assert_int_equal(cs_key_set_limits(k, &max, NULL, NULL, NULL, 0, NULL, NULL, 0, NULL), 0);
  assert_true(cs_key_covers(k));
  cs_key_member m[17];
  kt_members(m, 17, codes, pop);
  cs_q net = kt_dec("740539");
  /* the fast paths must not pass the cap by */
  cs_key_multiples km;
  uint64_t mult[17 * CS_KEY_MAX_PARTS];
  km.mult = mult;
  assert_int_equal(cs_key_multipliers(k, 2023, m, 17, &km, NULL), 1);
  cs_key_year *ky = kt_eval(k, NULL, 2023, &net, m, 17);
  for (size_t i = 0; i < 17; i++) {
    int held = pop[i] == 26092 || pop[i] == 13233;
    cs_q under = kt_abc(740539, pop[i], 75828);
    cs_q total = held ? kt_dec("150000") : kt_abc(440539, pop[i], 36503);
    cs_q cap = kt_sub(total, under);
    kt_eq(cs_key_year_part(ky, i, 0), &under, "population");
    kt_eq(cs_key_year_part(ky, i, 1), &cap, "cap");
    kt_eq(cs_key_year_total(ky, i), &total, "total");
  }
  cs_q zero = kt_dec("0");
  kt_eq(cs_key_year_unshared(ky), &zero, "unshared");
  assert_int_equal(cs_key_year_nclamped(ky), 2);
  int64_t r[17], sum = 0;
  kt_round(ky, m, r);
  for (int i = 0; i < 17; i++) sum += r[i];
  assert_int_equal(sum, 740539);
  assert_int_equal(r[13], 150000);
  cs_key_notes *nt = cs_key_year_take_notes(ky);
  char *s = kt_explain(ky, nt, m, 13, 1, 12, CS_LANG_EN);
  assert_string_equal(s, "share under the key 254 815.42 held at its maximum 150 000: -104 815.42; "
                         "the excess 84 049.38 of 2 members at their maximum goes to the 15 "
                         "within their limits in proportion to their shares");
  free(s);
  s = kt_explain(ky, nt, m, 1, 1, 12, CS_LANG_EN);
  assert_string_equal(s, "share under the key 75 950.46 x 1.235769491832... = 93 857.27: 17 906.80; "
                         "the excess 84 049.38 of 2 members at their maximum goes to the 15 "
                         "within their limits in proportion to their shares");
  free(s);
  s = kt_explain(ky, nt, m, 7, 1, 12, CS_LANG_NB);
  assert_string_equal(s, "andel etter nøkkelen 129 233,96 holdt på maksimum 150 000: 20 766,04; "
                         "overskytende 84 049,38 fra 2 medlemmer på maksimum går til de 15 "
                         "innenfor grensene i forhold til andelene");
  free(s);
  cs_key_notes_free(nt);
  /* the net as the decimal cost path gives it, not in lowest terms
  ** (7 405 390 / 10): the same shares */
  cs_q unreduced;
  cs_big_from_u64(&unreduced.num, 7405390);
  cs_big_from_u64(&unreduced.den, 10);
  cs_key_year *ky2 = kt_eval(k, NULL, 2023, &unreduced, m, 17);
  for (size_t i = 0; i < 17; i++) kt_eq(cs_key_year_total(ky2, i), cs_key_year_total(ky, i), "unreduced net");
  cs_key_year_free(ky2);
  cs_key_year_free(ky);
  cs_key_free(k);
}

/* Floors and caps, with limits by member: 20 % equal + 80 % by population
** of 100 000 gives 9 000, 13 000, 17 000, 61 000; the fourth is held at its
** own maximum 45 000, the first raised to its own minimum 13 000, and the
** other two share the rest 42 000 = 7/5 x 30 000. */
static void floors_and_caps(void **state) {
  (void)state;
  cs_key *k = cs_key_new();
  cs_q f1 = kt_dec("0.2"), f2 = kt_dec("0.8"), max = kt_dec("40000"), min = kt_dec("10000");
  assert_int_equal(cs_key_add_pool(k, CS_POOL_EQUAL, &f1, NULL, NULL, 0, NULL, NULL, NULL), 0);
  assert_int_equal(cs_key_add_pool(k, CS_POOL_POPULATION, &f2, NULL, NULL, 0, NULL, NULL, NULL), 0);
  const char *max_codes[1] = {"0004"}, *min_codes[1] = {"0001"};
  cs_q max_v[1] = {kt_dec("45000")}, min_v[1] = {kt_dec("13000")};
  assert_int_equal(cs_key_set_limits(k, &max, &min, max_codes, max_v, 1, min_codes, min_v, 1, NULL), 0);
  assert_string_equal(cs_key_describe(k), "20 % equal + 80 % by population, capped: maximum 40 000, "
                                          "0004 maximum 45 000, minimum 10 000, 0001 minimum 13 000");
  static const char *const codes[4] = {"0001", "0002", "0003", "0004"};
  static const int64_t pop[4] = {1000, 2000, 3000, 14000};
  cs_key_member m[4];
  kt_members(m, 4, codes, pop);
  cs_q net = kt_dec("100000");
  cs_key_year *ky = kt_eval(k, NULL, 2023, &net, m, 4);
  int64_t under[4] = {9000, 13000, 17000, 61000}, want[4] = {13000, 18200, 23800, 45000};
  for (size_t i = 0; i < 4; i++) {
    cs_q w, c;
    cs_q_from_i64(&w, want[i]);
    cs_q_from_i64(&c, want[i] - under[i]);
    kt_eq(cs_key_year_total(ky, i), &w, "total");
    kt_eq(cs_key_year_part(ky, i, 2), &c, "cap");
  }
  cs_key_notes *nt = cs_key_year_take_notes(ky);
  char *s = kt_explain(ky, nt, m, 1, 2, 12, CS_LANG_EN);
  assert_string_equal(s, "share under the key 13 000.00 x 1.4 = 18 200.00: 5 200.00; the excess "
                         "16 000.00 of 1 member at its maximum, less the 4 000.00 that raises 1 "
                         "member to its minimum, goes to the 2 within their limits in proportion "
                         "to their shares");
  free(s);
  s = kt_explain(ky, nt, m, 0, 2, 12, CS_LANG_EN);
  kt_has(s, "share under the key 9 000.00 raised to its minimum 13 000: 4 000.00; ");
  free(s);
  cs_key_notes_free(nt);
  cs_key_year_free(ky);
  /* a member charged 6 of 12 months has half its limits: 300 x 6/12 = 150
  ** held at 125 (its maximum 250 x 6/12), the other pays the rest */
  cs_key *e = cs_key_new();
  cs_q one = kt_dec("1");
  const char *c2[1] = {"0002"};
  cs_q max2[1] = {kt_dec("250")};
  assert_int_equal(cs_key_add_pool(e, CS_POOL_EQUAL, &one, NULL, NULL, 0, NULL, NULL, NULL), 0);
  assert_int_equal(cs_key_set_limits(e, NULL, NULL, c2, max2, 1, NULL, NULL, 0, NULL), 0);
  m[1].year_share = kt_frac(6, 12);
  cs_q n900 = kt_dec("900");
  ky = kt_eval(e, NULL, 2023, &n900, m, 2);
  cs_q a = kt_dec("775"), b = kt_dec("125");
  kt_eq(cs_key_year_total(ky, 0), &a, "member 1");
  kt_eq(cs_key_year_total(ky, 1), &b, "member 2");
  cs_key_year_free(ky);
  cs_key_free(e);
  cs_key_free(k);
}

/* Every member at its maximum below the net: a deficit; minima above the
** net: a surplus. Both shown in the explanation. */
static void degenerate_years(void **state) {
  (void)state;
  static const char *const codes[2] = {"0001", "0002"};
  static const int64_t pop[2] = {1, 1};
  cs_key_member m[2];
  kt_members(m, 2, codes, pop);
  cs_q one = kt_dec("1"), max = kt_dec("300"), min = kt_dec("80");
  cs_key *k = cs_key_new();
  assert_int_equal(cs_key_add_pool(k, CS_POOL_EQUAL, &one, NULL, NULL, 0, NULL, NULL, NULL), 0);
  assert_int_equal(cs_key_set_limits(k, &max, &min, NULL, NULL, 0, NULL, NULL, 0, NULL), 0);
  cs_q net = kt_dec("1000");
  cs_key_year *ky = kt_eval(k, NULL, 2023, &net, m, 2);
  cs_q deficit = kt_dec("400");
  kt_eq(cs_key_year_total(ky, 0), &max, "at max");
  kt_eq(cs_key_year_unshared(ky), &deficit, "deficit");
  cs_key_notes *nt = cs_key_year_take_notes(ky);
  char *s = kt_explain(ky, nt, m, 0, 1, 12, CS_LANG_EN);
  assert_string_equal(s, "share under the key 500.00 held at its maximum 300: -200.00; every member "
                         "is at its maximum: 400.00 of the 1 000.00 to share is not covered (the "
                         "year's deficit)");
  free(s);
  cs_key_notes_free(nt);
  cs_key_year_free(ky);
  net = kt_dec("100");
  ky = kt_eval(k, NULL, 2023, &net, m, 2);
  cs_q surplus = kt_dec("-60");
  kt_eq(cs_key_year_total(ky, 1), &min, "at min");
  kt_eq(cs_key_year_unshared(ky), &surplus, "surplus");
  nt = cs_key_year_take_notes(ky);
  s = kt_explain(ky, nt, m, 1, 1, 12, CS_LANG_NB);
  assert_string_equal(s, "andel etter nøkkelen 50,00 løftet til minimum 80: 30,00; "
                         "minimumsbeløpene overstiger 100,00 som skal fordeles med 60,00 (årets "
                         "overskudd)");
  free(s);
  cs_key_notes_free(nt);
  cs_key_year_free(ky);
  cs_key_free(k);
}

static void limits_fail(cs_key *k, const cs_q *max, const cs_q *min, const char *const *xc,
                        const cs_q *xv, size_t nx, const char *const *nc, const cs_q *nv,
                        size_t nn, const char *want) {
  cs_error err;
  err.msg[0] = '\0';
  if (cs_key_set_limits(k, max, min, xc, xv, nx, nc, nv, nn, &err) == 0)
    fail_msg("limits accepted (wanted \"%s\")", want);
  kt_has(err.msg, want);
  assert_false(cs_key_is_capped(k));
}

static void bad_limits(void **state) {
  (void)state;
  cs_key *k = cs_key_new();
  cs_q half = kt_dec("200000.5"), neg = kt_dec("-1"), ten = kt_dec("10"), five = kt_dec("5"),
       one = kt_dec("1");
  limits_fail(k, &ten, NULL, NULL, NULL, 0, NULL, NULL, 0, "without components");
  assert_int_equal(cs_key_add_pool(k, CS_POOL_EQUAL, &one, NULL, NULL, 0, NULL, NULL, NULL), 0);
  limits_fail(k, NULL, NULL, NULL, NULL, 0, NULL, NULL, 0, "capped without limits");
  limits_fail(k, &half, NULL, NULL, NULL, 0, NULL, NULL, 0, "max 200000.5 is not a whole number of kroner");
  limits_fail(k, NULL, &neg, NULL, NULL, 0, NULL, NULL, 0, "min -1 is not a whole number");
  limits_fail(k, &five, &ten, NULL, NULL, 0, NULL, NULL, 0, "the minimum 10 is above the maximum 5");
  const char *c[2] = {"0301", "0301"};
  cs_q v[2] = {ten, ten};
  limits_fail(k, NULL, NULL, c, v, 2, NULL, NULL, 0, "max_for given twice for 0301");
  limits_fail(k, &ten, NULL, NULL, NULL, 0, c, (cs_q[]){kt_dec("11")}, 1,
              "the minimum 11 is above the maximum 10 for 0301");
  limits_fail(k, NULL, &ten, c, (cs_q[]){five}, 1, NULL, NULL, 0,
              "the minimum 10 is above the maximum 5 for 0301");
  assert_int_equal(cs_key_set_limits(k, &ten, NULL, NULL, NULL, 0, NULL, NULL, 0, NULL), 0);
  cs_error err;
  assert_int_equal(cs_key_set_limits(k, &ten, NULL, NULL, NULL, 0, NULL, NULL, 0, &err), CS_EINVAL);
  kt_has(err.msg, "capped already");
  cs_key_free(k);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(ks_fee),          cmocka_unit_test(excess_flows_to_the_others),
      cmocka_unit_test(floors_and_caps), cmocka_unit_test(degenerate_years),
      cmocka_unit_test(bad_limits),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
