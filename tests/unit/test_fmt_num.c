/* Unit tests: the hand-written number formats (core/fmt_num.c) against
** the C library's own: cs_fmt_fixed's text and cs_fmt_fixed_len's count
** against snprintf("%.*f") for edge cases (signed zeros, values that round
** to zero, ties at the last digit and below every power of ten, the 2^53
** and 64-bit limits, the largest and smallest doubles, infinities and
** NaNs) and for large sets of random and evenly spaced values; lengths and
** texts written out by hand; cs_fmt_grouped against
** snprintf("%" PRIu64) with the groups put in by hand, and literal texts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "rng.h"
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "../../core/fmt_num.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15u;
static uint64_t rnd(void) { return test_xorshift64star(&rng_state); }

static double from_bits(uint64_t b) {
  double v;
  memcpy(&v, &b, sizeof v);
  return v;
}

/* cs_fmt_fixed(v, d) is what snprintf("%.*f", d, v) writes, and
** cs_fmt_fixed_len(v, d) its length, for every d. */
static void same_fixed(double v) {
  for (int d = 0; d <= CS_FMT_FIXED_MAX_DECIMALS; d++) {
    char want[CS_FMT_FIXED_SIZE], got[CS_FMT_FIXED_SIZE];
    int wn = snprintf(want, sizeof want, "%.*f", d, v);
    memset(got, 'x', sizeof got);
    size_t gn = cs_fmt_fixed(got, v, d);
    if (strcmp(want, got) != 0 || gn != (size_t)wn) {
      uint64_t b;
      memcpy(&b, &v, sizeof b);
      fail_msg("%%.%df of %a (bits %016" PRIx64 "): libc \"%s\", cs_fmt_fixed \"%s\" (%zu bytes)", d, v, b, want,
               got, gn);
    }
    size_t ln = cs_fmt_fixed_len(v, d);
    if (ln != (size_t)wn) fail_msg("%%.%df of %a: libc writes %d bytes, cs_fmt_fixed_len counts %zu", d, v, wn, ln);
  }
}

static void fixed_edges(void **state) {
  (void)state;
  static const double v[] = {0.0,      -0.0,     0.04,      -0.04,      0.05,       -0.05,     0.0499999,
                             -0.0499999, 0.25,   -0.25,     0.75,       0.125,      0.375,     0.5,
                             -0.5,     1.5,      2.5,       -2.5,       3.5,        0.45,      0.15,
                             0.35,     1.05,     9.95,      99.95,      999.95,     0.95,      -0.95,
                             0.0005,   0.0015,   0.0025,    -0.0005,    1e-300,     -1e-300,   DBL_MIN,
                             -DBL_MIN, DBL_TRUE_MIN, -DBL_TRUE_MIN, DBL_MAX, -DBL_MAX, 1e15 + 0.5, 1e15 + 0.25,
                             4503599627370495.5, 4503599627370496.0, 9007199254740991.0, 9007199254740992.0,
                             9223372036854775807.0, 18446744073709551616.0, 1e19, 1e20, 1e21, 1e22, 1e23, 1e100,
                             1e300, 123456789012345678901234567890.0, 340.0, 339.95, 112.0, 7.5, 3.0, 6.0,
                             -6.0, 0.1, 0.2, 0.3, 0.6, 0.7, 0.9, 0.55, 0.65, 0.85, 2047.5, 2048.5, 1.0 / 3.0,
                             2.0 / 3.0, -2.0 / 3.0,
                             /* the 64-bit and 2^53 limits */
                             (double)INT64_MIN, (double)INT64_MAX, (double)UINT64_MAX, -(double)UINT64_MAX,
                             9007199254740993.0, -9007199254740992.0, -9007199254740991.0, 9007199254740991.5,
                             4503599627370497.5, -4503599627370495.5, 0.0123, -1078722.0, 1234567.0, -1234567.5};
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) same_fixed(v[i]);
  /* every power of ten up to 10^22, the ties and neighbours around it: a
  ** tie just below one adds a digit (9.5 -> "10") */
  double p10 = 1;
  for (int k = 0; k <= 22; k++, p10 *= 10) {
    const double around[] = {p10,        p10 - 0.5,  p10 + 0.5, p10 - 1, p10 - 1.5, p10 - 0.05, p10 - 0.0005,
                             nextafter(p10 - 0.5, 0), nextafter(p10 - 0.5, INFINITY)};
    for (size_t i = 0; i < sizeof around / sizeof around[0]; i++) {
      same_fixed(around[i]);
      same_fixed(-around[i]);
    }
  }
  /* powers of two and their neighbours: every exponent, both signs */
  for (int e = -1074; e <= 1023; e++) {
    double p = ldexp(1.0, e);
    same_fixed(p);
    same_fixed(-p);
    same_fixed(nextafter(p, 0));
    same_fixed(nextafter(p, INFINITY));
  }
  same_fixed(INFINITY);
  same_fixed(-INFINITY);
  same_fixed(NAN);
  same_fixed(-NAN);
  same_fixed(from_bits(0x7ff0000000000001u)); /* a signalling NaN's bits */
  same_fixed(from_bits(0xfff8000000000001u));
}

/* literal texts, in case the C library itself were ever wrong */
static void fixed_literals(void **state) {
  (void)state;
  char b[CS_FMT_FIXED_SIZE];
  assert_int_equal(cs_fmt_fixed(b, -0.0, 1), 4);
  assert_string_equal(b, "-0.0");
  cs_fmt_fixed(b, -0.04, 1);
  assert_string_equal(b, "-0.0");
  cs_fmt_fixed(b, 0.25, 1); /* exactly a quarter: the tie goes to the even 2 */
  assert_string_equal(b, "0.2");
  cs_fmt_fixed(b, 0.75, 1);
  assert_string_equal(b, "0.8");
  cs_fmt_fixed(b, 0.35, 1); /* 0.34999999999999997779...: below the tie */
  assert_string_equal(b, "0.3");
  cs_fmt_fixed(b, 2.5, 0);
  assert_string_equal(b, "2");
  cs_fmt_fixed(b, 3.5, 0);
  assert_string_equal(b, "4");
  cs_fmt_fixed(b, 1e22, 1);
  assert_string_equal(b, "10000000000000000000000.0");
  cs_fmt_fixed(b, 1e23, 0); /* the double nearest 1e23 */
  assert_string_equal(b, "99999999999999991611392");
  cs_fmt_fixed(b, 339.95, 1); /* 339.94999999999998863...*/
  assert_string_equal(b, "339.9");
  cs_fmt_fixed(b, -INFINITY, 1);
  assert_string_equal(b, "-inf");
  cs_fmt_fixed(b, 1.23456, 3);
  assert_string_equal(b, "1.235");
  assert_int_equal(cs_fmt_fixed(b, DBL_MAX, 3), 309 + 4);
}

/* lengths counted by hand: ties go to the even neighbour, a tie below a
** power of ten adds a digit, a negative sign (even of a zero) counts */
static void fixed_len_literals(void **state) {
  (void)state;
  assert_int_equal(cs_fmt_fixed_len(0.0, 0), 1);                     /* 0 */
  assert_int_equal(cs_fmt_fixed_len(0.5, 0), 1);                     /* 0 */
  assert_int_equal(cs_fmt_fixed_len(1.5, 0), 1);                     /* 2 */
  assert_int_equal(cs_fmt_fixed_len(9.4, 0), 1);                     /* 9 */
  assert_int_equal(cs_fmt_fixed_len(9.5, 0), 2);                     /* 10 */
  assert_int_equal(cs_fmt_fixed_len(99.5, 0), 3);                    /* 100 */
  assert_int_equal(cs_fmt_fixed_len(999.4999, 0), 3);                /* 999 */
  assert_int_equal(cs_fmt_fixed_len(999.5, 0), 4);                   /* 1000 */
  assert_int_equal(cs_fmt_fixed_len(-0.0, 0), 2);                    /* -0 */
  assert_int_equal(cs_fmt_fixed_len(-0.4, 0), 2);                    /* -0 */
  assert_int_equal(cs_fmt_fixed_len(-9.5, 0), 3);                    /* -10 */
  assert_int_equal(cs_fmt_fixed_len(-1078722.0, 0), 8);              /* -1078722 */
  assert_int_equal(cs_fmt_fixed_len(9.95, 1), 3);                    /* 9.9: 9.949999... */
  assert_int_equal(cs_fmt_fixed_len(9.96, 1), 4);                    /* 10.0 */
  assert_int_equal(cs_fmt_fixed_len(-0.0004, 3), 6);                 /* -0.000 */
  assert_int_equal(cs_fmt_fixed_len(9007199254740992.0, 0), 16);
  assert_int_equal(cs_fmt_fixed_len(1e17, 0), 18);
  assert_int_equal(cs_fmt_fixed_len(1e18, 0), 19);
  assert_int_equal(cs_fmt_fixed_len(9223372036854775807.0, 0), 19);  /* 2^63 */
  assert_int_equal(cs_fmt_fixed_len((double)INT64_MIN, 2), 23);      /* -9223372036854775808.00 */
  assert_int_equal(cs_fmt_fixed_len(18446744073709551616.0, 0), 20); /* 2^64 */
  assert_int_equal(cs_fmt_fixed_len(1e300, 0), 301);
  assert_int_equal(cs_fmt_fixed_len(DBL_MAX, 3), 309 + 4);
  assert_int_equal(cs_fmt_fixed_len(INFINITY, 2), 3);                /* inf */
  assert_int_equal(cs_fmt_fixed_len(-INFINITY, 0), 4);               /* -inf */
  assert_int_equal(cs_fmt_fixed_len(NAN, 1), 3);                     /* nan */
  assert_int_equal(cs_fmt_fixed_len(2.5, -1), 1);                    /* decimals taken as 0 */
  assert_int_equal(cs_fmt_fixed_len(2.5, 9), 5);                     /* ... and as 3: 2.500 */
}

/* random bit patterns: every exponent, subnormals, NaNs */
static void fixed_random_bits(void **state) {
  (void)state;
  for (int i = 0; i < 100000; i++) same_fixed(from_bits(rnd()));
}

/* the values a chart has: coordinates 0 .. 1000 with fractions, ties at
** one and two decimals (k / 20, k / 200 and their neighbours), whole
** kroner scaled */
static void fixed_chart_values(void **state) {
  (void)state;
  for (int k = -40000; k <= 40000; k++) {
    double t = k / 20.0;
    same_fixed(t);
    same_fixed(nextafter(t, INFINITY));
    same_fixed(nextafter(t, -INFINITY));
    same_fixed(k / 200.0);
    same_fixed(k / 1024.0);
  }
  for (int i = 0; i < 100000; i++) {
    double x = (double)(rnd() >> 11) / 9007199254740992.0 * 1000.0;
    same_fixed(x);
    same_fixed(-x);
    double kr = (double)(int64_t)(rnd() % 20000000000u) - 1e10;
    same_fixed(118.0 + (kr + 1e10) / 2e10 * 170.0);
    same_fixed(kr);
  }
}

/* a workbook's figures: whole and half kroner and shares of change at every
** magnitude up to 10^19, both signs */
static void fixed_magnitudes(void **state) {
  (void)state;
  for (int i = 0; i < 100000; i++) {
    double v = (double)(rnd() >> 11) / 9007199254740992.0 * pow(10, (double)(i % 20));
    if (i % 5 == 0) v = floor(v) + 0.5;
    same_fixed(i % 2 ? -v : v);
  }
}

/* the groups put in from the left, another way than cs_fmt_grouped's */
static void grouped_reference(char *out, uint64_t v, const char *sep) {
  char d[32];
  snprintf(d, sizeof d, "%" PRIu64, v);
  size_t nd = strlen(d), first = nd % 3 ? nd % 3 : 3;
  out[0] = '\0';
  strncat(out, d, first);
  for (size_t i = first; i < nd; i += 3) {
    strcat(out, sep);
    strncat(out, d + i, 3);
  }
}

static void same_grouped(uint64_t v) {
  static const char *const seps[] = {",", " ", "\xc2\xa0", ""};
  for (size_t s = 0; s < sizeof seps / sizeof seps[0]; s++) {
    char want[64], got[CS_FMT_GROUPED_SIZE];
    grouped_reference(want, v, seps[s]);
    size_t n = cs_fmt_grouped(got, v, seps[s]);
    assert_string_equal(got, want);
    assert_int_equal(n, strlen(want));
  }
}

static void grouped(void **state) {
  (void)state;
  char b[CS_FMT_GROUPED_SIZE];
  assert_int_equal(cs_fmt_grouped(b, 0, ","), 1);
  assert_string_equal(b, "0");
  cs_fmt_grouped(b, 999, ",");
  assert_string_equal(b, "999");
  cs_fmt_grouped(b, 1000, ",");
  assert_string_equal(b, "1,000");
  cs_fmt_grouped(b, 16346, "\xc2\xa0");
  assert_string_equal(b, "16\xc2\xa0"
                         "346");
  cs_fmt_grouped(b, 1234567, " ");
  assert_string_equal(b, "1 234 567");
  cs_fmt_grouped(b, UINT64_MAX, ",");
  assert_string_equal(b, "18,446,744,073,709,551,615");
  assert_int_equal(cs_fmt_grouped(b, UINT64_MAX, "\xc2\xa0"), 20 + 6 * 2);
  uint64_t p = 1;
  for (int i = 0; i < 20; i++, p *= 10) {
    same_grouped(p);
    same_grouped(p - 1);
    same_grouped(p + 1);
  }
  same_grouped(UINT64_MAX);
  same_grouped((uint64_t)INT64_MAX);
  same_grouped((uint64_t)INT64_MAX + 1); /* INT64_MIN's magnitude, as cs_rl_int passes it */
  same_grouped((uint64_t)1 << 53);
  same_grouped(((uint64_t)1 << 53) - 1);
  same_grouped(((uint64_t)1 << 53) + 1);
  for (int i = 0; i < 100000; i++) {
    uint64_t v = rnd();
    same_grouped(v >> (v % 64));
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(fixed_edges),       cmocka_unit_test(fixed_literals),     cmocka_unit_test(fixed_len_literals),
      cmocka_unit_test(fixed_random_bits), cmocka_unit_test(fixed_chart_values), cmocka_unit_test(grouped),
      /* last, so that the tests before it draw the same numbers as ever */
      cmocka_unit_test(fixed_magnitudes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
