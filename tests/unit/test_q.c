/* Unit tests: the int64 fast path of exact rationals (q.c) against the
** general cs_big path, on random values of every size up to and past the
** int64 edge, and fixed cases whose intermediate products overflow int64 so
** the operation must fall back and still be exact. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "rng.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "coopsim/q.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15u;
static uint64_t rnd(void) { return test_xorshift64(&rng_state); }

/* A value of a random size: small money, near 2^31, near 2^62, or at the edge. */
static int64_t rnd_i64(void) {
  uint64_t r = rnd();
  int64_t v;
  switch (r % 5) {
  case 0: v = (int64_t)(rnd() % 1000); break;
  case 1: v = (int64_t)(rnd() % 2000000); break;
  case 2: v = (int64_t)(rnd() >> 33); break;
  case 3: v = (int64_t)(rnd() >> 2); break;
  default: v = INT64_MAX - (int64_t)(rnd() % 4); break;
  }
  return (r >> 8) & 1 ? -v : v;
}

static void rnd_q(cs_q *q) {
  int64_t d;
  do d = rnd_i64(); while (d == 0);
  assert_int_equal(cs_q_from_frac(q, rnd_i64(), d), CS_OK);
}

/* "num/den" of a rational, exactly. */
static void text(const cs_q *q, char *buf, size_t size) {
  char n[1400], d[1400];
  assert_int_equal(cs_big_to_str(&q->num, n, sizeof n), CS_OK);
  assert_int_equal(cs_big_to_str(&q->den, d, sizeof d), CS_OK);
  snprintf(buf, size, "%s/%s", n, d);
}

typedef int (*binop)(cs_q *, const cs_q *, const cs_q *);

/* The operation on both paths: the same code and the same value, bit for bit. */
static void same_both_ways(binop op, const cs_q *a, const cs_q *b) {
  cs_q fast, slow;
  cs_q_fast_path = 1;
  int rf = op(&fast, a, b);
  cs_q_fast_path = 0;
  int rs = op(&slow, a, b);
  cs_q_fast_path = 1;
  assert_int_equal(rf, rs);
  if (rf) return;
  char x[2900], y[2900];
  text(&fast, x, sizeof x);
  text(&slow, y, sizeof y);
  assert_string_equal(x, y);
}

static void test_random_against_general_path(void **state) {
  (void)state;
  for (int i = 0; i < 20000; i++) {
    cs_q a, b;
    rnd_q(&a);
    rnd_q(&b);
    same_both_ways(cs_q_add, &a, &b);
    same_both_ways(cs_q_sub, &a, &b);
    same_both_ways(cs_q_mul, &a, &b);
    same_both_ways(cs_q_div, &a, &b);
    cs_q_fast_path = 1;
    int cf = cs_q_cmp(&a, &b);
    cs_q_fast_path = 0;
    int cslow = cs_q_cmp(&a, &b);
    cs_q_fast_path = 1;
    assert_int_equal(cf > 0, cslow > 0);
    assert_int_equal(cf < 0, cslow < 0);
    int64_t rf = 0, rs = 0;
    int ef = cs_q_round_i64(&a, &rf);
    cs_q_fast_path = 0;
    int es = cs_q_round_i64(&a, &rs);
    cs_q_fast_path = 1;
    assert_int_equal(ef, es);
    assert_true(rf == rs);
    char tf[200], ts[200];
    assert_int_equal(cs_q_format(&a, 2, " ", ".", tf, sizeof tf), CS_OK);
    cs_q_fast_path = 0;
    assert_int_equal(cs_q_format(&a, 2, " ", ".", ts, sizeof ts), CS_OK);
    cs_q_fast_path = 1;
    assert_string_equal(tf, ts);
    cs_big wf, ws;
    cs_q ff, fs;
    assert_int_equal(cs_q_floor(&wf, &ff, &a), CS_OK);
    cs_q_fast_path = 0;
    assert_int_equal(cs_q_floor(&ws, &fs, &a), CS_OK);
    cs_q_fast_path = 1;
    assert_int_equal(cs_big_cmp(&wf, &ws), 0);
    assert_int_equal(cs_q_cmp(&ff, &fs), 0);
  }
}

/* Products past int64: the fast path must give up and the result stay exact. */
/* Decimal denominators (2^x 5^y, as 30 years of growth at 0.035 give) are
** reduced by counting factors 2 and 5 instead of Euclid; the same values as
** the general path, also when the denominator has another factor (then
** Euclid is used) and with a numerator sharing many 2s and 5s. */
static void test_decimal_denominators(void **state) {
  (void)state;
  for (int i = 0; i < 3000; i++) {
    cs_q a, b, g;
    cs_q_from_frac(&g, 207 + (int64_t)(rnd() % 3) * 3, 200);
    assert_int_equal(cs_q_pow(&g, &g, (int)(rnd() % 35)), 0);
    rnd_q(&a);
    assert_int_equal(cs_q_mul(&a, &a, &g), 0);
    cs_q_from_frac(&g, 41, 40);
    assert_int_equal(cs_q_pow(&g, &g, (int)(rnd() % 35)), 0);
    rnd_q(&b);
    if (i % 3 == 0) cs_q_from_frac(&b, (int64_t)(rnd() % 1000) * 390625, 7 + (int64_t)(rnd() % 5) * 1024);
    assert_int_equal(cs_q_mul(&b, &b, &g), 0);
    if (i % 5 == 0) { /* numerators full of 2s and 5s */
      cs_q t;
      cs_q_from_frac(&t, 1000000000000, 1);
      assert_int_equal(cs_q_mul(&a, &a, &t), 0);
    }
    same_both_ways(cs_q_add, &a, &b);
    same_both_ways(cs_q_sub, &a, &b);
    same_both_ways(cs_q_mul, &a, &b);
    same_both_ways(cs_q_div, &a, &b);
    same_both_ways(cs_q_add, &a, &a);
  }
}

static void test_overflow_falls_back(void **state) {
  (void)state;
  cs_q a, b, r;
  char buf[2900];
  /* (2^62 - 1) / 3 * 7 / 5: numerator product overflows int64 */
  assert_int_equal(cs_q_from_frac(&a, INT64_MAX / 2, 3), CS_OK);
  assert_int_equal(cs_q_from_frac(&b, 7, 5), CS_OK);
  assert_int_equal(cs_q_mul(&r, &a, &b), CS_OK);
  text(&r, buf, sizeof buf);
  assert_string_equal(buf, "10760600709663905107/5"); /* (2^62 - 1) * 7 / 15, reduced */
  /* a sum whose common denominator overflows: 1/(2^62-1) + 1/(2^62-3) */
  assert_int_equal(cs_q_from_frac(&a, 1, INT64_MAX / 2), CS_OK);
  assert_int_equal(cs_q_from_frac(&b, 1, INT64_MAX / 2 - 2), CS_OK);
  assert_int_equal(cs_q_add(&r, &a, &b), CS_OK);
  text(&r, buf, sizeof buf);
  assert_string_equal(buf, "9223372036854775804/21267647932558653948014168890775961603");
  /* INT64_MAX + 1: the numerator leaves int64 */
  assert_int_equal(cs_q_from_frac(&a, INT64_MAX, 1), CS_OK);
  cs_q_from_i64(&b, 1);
  assert_int_equal(cs_q_add(&r, &a, &b), CS_OK);
  text(&r, buf, sizeof buf);
  assert_string_equal(buf, "9223372036854775808/1");
  /* and back into the fast path's range: (INT64_MAX + 1) - 1 */
  assert_int_equal(cs_q_sub(&r, &r, &b), CS_OK);
  int64_t v;
  assert_int_equal(cs_q_round_i64(&r, &v), CS_OK);
  assert_true(v == INT64_MAX);
  /* a comparison of values whose cross products exceed int64 */
  assert_int_equal(cs_q_from_frac(&a, INT64_MAX, INT64_MAX - 1), CS_OK);
  assert_int_equal(cs_q_from_frac(&b, INT64_MAX - 1, INT64_MAX - 2), CS_OK);
  assert_true(cs_q_cmp(&a, &b) < 0);
  /* INT64_MAX * 2 is exact, and rounding it to int64 says it does not fit */
  cs_q_from_i64(&a, INT64_MAX);
  cs_q_from_i64(&b, 2);
  assert_int_equal(cs_q_mul(&r, &a, &b), CS_OK);
  text(&r, buf, sizeof buf);
  assert_string_equal(buf, "18446744073709551614/1");
  assert_int_equal(cs_q_round_i64(&r, &v), CS_EOVERFLOW);
}

/* Results alias their operands on the fast path too. */
static void test_aliasing(void **state) {
  (void)state;
  cs_q a, b;
  assert_int_equal(cs_q_from_frac(&a, 3, 4), CS_OK);
  assert_int_equal(cs_q_add(&a, &a, &a), CS_OK); /* 3/2 */
  assert_int_equal(cs_q_mul(&a, &a, &a), CS_OK); /* 9/4 */
  assert_int_equal(cs_q_div(&a, &a, &a), CS_OK); /* 1 */
  cs_q_from_i64(&b, 1);
  assert_int_equal(cs_q_cmp(&a, &b), 0);
  assert_int_equal(cs_q_sub(&a, &a, &a), CS_OK);
  assert_true(cs_q_is_zero(&a) && cs_q_is_integer(&a));
}

/* The text of a whole number of units with `decimals` (0 or 2) places,
** grouped by sep: worked out here from printf's digits. */
static void reference_text(int64_t v, int decimals, const char *sep, const char *point, char *out) {
  char digits[40];
  uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
  snprintf(digits, sizeof digits, "%0*llu", decimals + 1, (unsigned long long)mag);
  size_t len = strlen(digits), intlen = len - (size_t)decimals, o = 0;
  if (v < 0) out[o++] = '-';
  for (size_t i = 0; i < intlen; i++) {
    if (i > 0 && (intlen - i) % 3 == 0) o += (size_t)sprintf(out + o, "%s", sep);
    out[o++] = digits[i];
  }
  if (decimals) o += (size_t)sprintf(out + o, "%s%s", point, digits + intlen);
  out[o] = '\0';
}

/* cs_q_format_cents and cs_q_format_int, grouped or not, against the
** reference for edge values and 300 000 random ones of every length;
** and cs_q_format of the same value as a cs_q gives the same text. */
static void test_whole_number_texts(void **state) {
  (void)state;
  static const int64_t edge[] = {0, 1, -1, 5, -5, 99, 100, -100, 999, 1000, -1000, 123456, 1234567,
                                 -999999, 1000000, INT64_MAX, INT64_MIN + 1, INT64_MIN};
  char got[96], want[96];
  for (size_t k = 0; k < 300000 + sizeof edge / sizeof *edge; k++) {
    int64_t v = k < sizeof edge / sizeof *edge ? edge[k] : (int64_t)(rnd() >> (rnd() % 64));
    if (k >= sizeof edge / sizeof *edge && (rnd() & 1)) v = -v;
    reference_text(v, 2, " ", ",", want);
    assert_int_equal(cs_q_format_cents(v, " ", ",", got, sizeof got), CS_OK);
    assert_string_equal(got, want);
    reference_text(v, 0, " ", "", want);
    assert_int_equal(cs_q_format_int(v, " ", got, sizeof got), CS_OK);
    assert_string_equal(got, want);
    reference_text(v, 0, "", "", want);
    assert_int_equal(cs_q_format_int(v, NULL, got, sizeof got), CS_OK);
    assert_string_equal(got, want);
    if (k % 100 == 0 && v != INT64_MIN) {
      cs_q q;
      cs_q_from_i64(&q, v);
      assert_int_equal(cs_q_format(&q, 0, " ", ".", got, sizeof got), CS_OK);
      reference_text(v, 0, " ", "", want);
      assert_string_equal(got, want);
      assert_int_equal(cs_q_format_exact(&q, got, sizeof got), CS_OK);
      reference_text(v, 0, "", "", want);
      assert_string_equal(got, want);
    }
  }
  /* too small a buffer: refused, never overrun (each size in a block of
  ** exactly that many bytes, which the sanitizers watch) */
  assert_int_equal(cs_q_format_cents(-123456789, " ", ".", got, 8), CS_EINVAL);
  assert_int_equal(cs_q_format_int(-123456789, " ", got, 8), CS_EINVAL);
  static const int64_t tight[] = {0, -1, -5, 123, -1234, 99999, INT64_MIN};
  for (size_t t = 0; t < sizeof tight / sizeof *tight; t++)
    for (size_t size = 1; size <= 40; size++) {
      char *b = malloc(size);
      assert_non_null(b);
      if (cs_q_format_int(tight[t], " ", b, size) == CS_OK) assert_true(strlen(b) < size);
      if (cs_q_format_cents(tight[t], " ", ",", b, size) == CS_OK) assert_true(strlen(b) < size);
      cs_q q;
      cs_q_from_i64(&q, tight[t] == INT64_MIN ? -7 : tight[t]);
      if (cs_q_format(&q, 2, NULL, NULL, b, size) == CS_OK) assert_true(strlen(b) < size);
      free(b);
    }
  assert_int_equal(cs_q_format_int(INT64_MIN, " ", got, 32), CS_OK);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_random_against_general_path),
      cmocka_unit_test(test_decimal_denominators),
      cmocka_unit_test(test_overflow_falls_back),
      cmocka_unit_test(test_aliasing),
      cmocka_unit_test(test_whole_number_texts),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
