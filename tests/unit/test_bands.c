/* Unit tests: fees by population band (bands.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "coopsim/bands.h"

static cs_band band(int64_t upto, int64_t amount, int64_t rate) { /* -1: none */
  cs_band b;
  memset(&b, 0, sizeof b);
  b.has_upto = upto >= 0;
  b.upto = upto;
  cs_q_from_i64(&b.amount, amount);
  b.has_rate = rate >= 0;
  if (b.has_rate) cs_q_from_i64(&b.rate, rate);
  return b;
}

/* SPEC §7.2's example: up to 5 000: 20 000; up to 20 000: 50 000 + 2 per
** inhabitant; above: 100 000. */
static void find_and_fee(void **state) {
  (void)state;
  cs_band b[3] = {band(5000, 20000, -1), band(20000, 50000, 2), band(-1, 100000, -1)};
  assert_int_equal(cs_bands_check(b, 3, NULL), 0);
  assert_int_equal(cs_bands_find(b, 3, 0), 0);
  assert_int_equal(cs_bands_find(b, 3, 5000), 0);
  assert_int_equal(cs_bands_find(b, 3, 5001), 1);
  assert_int_equal(cs_bands_find(b, 3, 20000), 1);
  assert_int_equal(cs_bands_find(b, 3, 20001), 2);
  assert_int_equal(cs_bands_from(b, 0), 0);
  assert_int_equal(cs_bands_from(b, 1), 5001);
  assert_int_equal(cs_bands_from(b, 2), 20001);
  cs_q fee, want;
  assert_int_equal(cs_bands_fee(&fee, &b[1], 7777), 0);
  cs_q_from_i64(&want, 50000 + 2 * 7777);
  assert_int_equal(cs_q_cmp(&fee, &want), 0);
  assert_int_equal(cs_bands_fee(&fee, &b[2], 700000), 0);
  cs_q_from_i64(&want, 100000);
  assert_int_equal(cs_q_cmp(&fee, &want), 0);
  /* one band: everyone pays it */
  cs_band one = band(-1, 5, -1);
  assert_int_equal(cs_bands_check(&one, 1, NULL), 0);
  assert_int_equal(cs_bands_find(&one, 1, 123456), 0);
}

static void bad_tables(void **state) {
  (void)state;
  cs_error err;
  assert_int_equal(cs_bands_check(NULL, 0, &err), CS_EINVAL);
  cs_band equal[3] = {band(5000, 1, -1), band(5000, 2, -1), band(-1, 3, -1)};
  assert_int_equal(cs_bands_check(equal, 3, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "band 2: upto 5000 is not above band 1's 5000"));
  cs_band down[3] = {band(5000, 1, -1), band(4000, 2, -1), band(-1, 3, -1)};
  assert_int_equal(cs_bands_check(down, 3, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "increasing"));
  cs_band last_upto[2] = {band(5000, 1, -1), band(9000, 2, -1)};
  assert_int_equal(cs_bands_check(last_upto, 2, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "the last band has no upto"));
  cs_band gap[2] = {band(-1, 1, -1), band(-1, 2, -1)};
  assert_int_equal(cs_bands_check(gap, 2, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "band 1 has no upto"));
  cs_band neg[1] = {band(-1, -5, -1)};
  assert_int_equal(cs_bands_check(neg, 1, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "amount -5 is negative"));
  cs_band negrate[1] = {band(-1, 5, 1)};
  cs_q_from_i64(&negrate[0].rate, -1);
  assert_int_equal(cs_bands_check(negrate, 1, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "rate -1 is negative"));
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(find_and_fee), cmocka_unit_test(bad_tables)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
