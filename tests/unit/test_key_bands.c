/* Unit tests: fees by population band (cs_key_add_bands) applied by
** cs_key_eval, capped, with their descriptions and explanations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "key_test.h"

static cs_band band(int64_t upto, const char *amount, const char *rate) {
  cs_band b;
  memset(&b, 0, sizeof b);
  b.has_upto = upto >= 0;
  b.upto = upto;
  b.amount = kt_dec(amount);
  b.has_rate = rate != NULL;
  if (rate) b.rate = kt_dec(rate);
  return b;
}

/* SPEC §7.2's example: up to 5 000: 20 000; 5 001 to 20 000: 50 000 + 2 per
** inhabitant; above: 100 000. */
static cs_key *spec_bands(void) {
  cs_band b[3] = {band(5000, "20000", NULL), band(20000, "50000", "2"), band(-1, "100000", NULL)};
  cs_key *k = cs_key_new();
  cs_error err;
  if (cs_key_add_bands(k, b, 3, &err)) fail_msg("%s", err.msg);
  return k;
}

static void spec_example(void **state) {
  (void)state;
  cs_key *k = spec_bands();
  assert_false(cs_key_covers(k));
  assert_int_equal(cs_key_validate(k, NULL), 0);
  assert_string_equal(cs_key_part_name(k, 0), "band");
  assert_string_equal(cs_key_describe(k), "by population band: up to 5 000: 20 000; 5 001 to 20 000: "
                                          "50 000 + 2 per inhabitant; above 20 000: 100 000");
  assert_string_equal(cs_key_describe_lang(k, CS_LANG_NB),
                      "etter innbyggerbånd: til og med 5 000: 20 000; 5 001 til 20 000: 50 000 + 2 "
                      "per innbygger; over 20 000: 100 000");
  static const char *const codes[6] = {"1812", "1813", "1833", "0001", "0002", "1820"};
  static const int64_t pop[6] = {1981, 7777, 26092, 5000, 5001, 7333};
  cs_key_member m[6];
  kt_members(m, 6, codes, pop);
  m[5].year_share = kt_frac(6, 12);
  cs_q net = kt_dec("0");
  cs_key_year *ky = kt_eval(k, NULL, 2023, &net, m, 6);
  /* 20 000; 50 000 + 2 x 7 777; 100 000; 20 000 (5 000 is in the first);
  ** 50 000 + 2 x 5 001; (50 000 + 2 x 7 333) x 6/12 */
  int64_t want[6] = {20000, 65554, 100000, 20000, 60002, 32333};
  for (size_t i = 0; i < 6; i++) {
    cs_q w;
    cs_q_from_i64(&w, want[i]);
    kt_eq(cs_key_year_total(ky, i), &w, codes[i]);
  }
  cs_key_notes *nt = cs_key_year_take_notes(ky);
  char *s = kt_explain(ky, nt, m, 1, 0, 12, CS_LANG_EN);
  assert_string_equal(s, "band 5 001 to 20 000 inhabitants (7 777): 50 000 + 2 kr per inhabitant x "
                         "7 777 = 65 554.00");
  free(s);
  s = kt_explain(ky, nt, m, 0, 0, 12, CS_LANG_EN);
  assert_string_equal(s, "band up to 5 000 inhabitants (1 981): 20 000 = 20 000.00");
  free(s);
  s = kt_explain(ky, nt, m, 2, 0, 12, CS_LANG_NB);
  assert_string_equal(s, "bånd over 20 000 innbyggere (26 092): 100 000 = 100 000,00");
  free(s);
  s = kt_explain(ky, nt, m, 5, 0, 6, CS_LANG_EN);
  assert_string_equal(s, "band 5 001 to 20 000 inhabitants (7 333): 50 000 + 2 kr per inhabitant x "
                         "7 333 x 6/12 of the year = 32 333.00");
  free(s);
  cs_key_notes_free(nt);
  cs_key_year_free(ky);
  /* a population below 0 cannot be placed */
  m[0].population = -1;
  kt_eval_fails(k, NULL, 2023, &net, m, 1, "population bands: 1812 1812 has -1 inhabitants in 2023");
  cs_key_free(k);
}

/* The 2020 reform support: 5, 20, 25 or 30 million by band. */
static void reform_support(void **state) {
  (void)state;
  cs_band b[4] = {band(9999, "5000000", NULL), band(49999, "20000000", NULL),
                  band(99999, "25000000", NULL), band(-1, "30000000", NULL)};
  cs_key *k = cs_key_new();
  assert_int_equal(cs_key_add_bands(k, b, 4, NULL), 0);
  static const char *const codes[5] = {"1816", "1833", "5001", "0001", "0002"};
  static const int64_t pop[5] = {462, 26092, 212660, 49999, 50000};
  cs_key_member m[5];
  kt_members(m, 5, codes, pop);
  cs_q net = kt_dec("0");
  cs_key_year *ky = kt_eval(k, NULL, 2020, &net, m, 5);
  int64_t want[5] = {5000000, 20000000, 30000000, 20000000, 25000000};
  for (size_t i = 0; i < 5; i++) {
    cs_q w;
    cs_q_from_i64(&w, want[i]);
    kt_eq(cs_key_year_total(ky, i), &w, codes[i]);
  }
  cs_key_year_free(ky);
  cs_key_free(k);
}

/* capped(bands) clamps the band fee; nothing moves. */
static void capped_bands(void **state) {
  (void)state;
  cs_key *k = spec_bands();
  cs_q max = kt_dec("60000");
  assert_int_equal(cs_key_set_limits(k, &max, NULL, NULL, NULL, 0, NULL, NULL, 0, NULL), 0);
  static const char *const codes[3] = {"1812", "1813", "1833"};
  static const int64_t pop[3] = {1981, 7777, 26092};
  cs_key_member m[3];
  kt_members(m, 3, codes, pop);
  cs_q net = kt_dec("0");
  cs_key_year *ky = kt_eval(k, NULL, 2023, &net, m, 3);
  int64_t want[3] = {20000, 60000, 60000}, cap[3] = {0, 60000 - 65554, 60000 - 100000};
  for (size_t i = 0; i < 3; i++) {
    cs_q w, c;
    cs_q_from_i64(&w, want[i]);
    cs_q_from_i64(&c, cap[i]);
    kt_eq(cs_key_year_total(ky, i), &w, "total");
    kt_eq(cs_key_year_part(ky, i, 1), &c, "cap");
  }
  cs_key_year_free(ky);
  cs_key_free(k);
  /* a bad table is refused with its band */
  cs_band bad[2] = {band(5000, "1", NULL), band(4000, "2", NULL)};
  k = cs_key_new();
  cs_error err;
  assert_int_equal(cs_key_add_bands(k, bad, 2, &err), CS_EINVAL);
  kt_has(err.msg, "band 2");
  assert_int_equal(cs_key_nparts(k), 0);
  cs_key_free(k);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(spec_example),
      cmocka_unit_test(reform_support),
      cmocka_unit_test(capped_bands),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
