/* Unit tests: the length of "%.0f" counted without printing (whole_digits.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include "coopsim/whole_digits.h"

/* Lengths written out by hand: ties go to the even neighbour, and a tie
** below a power of ten adds a digit. */
static void by_hand(void **state) {
  (void)state;
  assert_int_equal(cs_whole_digits(0.0), 1);       /* 0 */
  assert_int_equal(cs_whole_digits(0.5), 1);       /* 0 */
  assert_int_equal(cs_whole_digits(1.5), 1);       /* 2 */
  assert_int_equal(cs_whole_digits(9.4), 1);       /* 9 */
  assert_int_equal(cs_whole_digits(9.5), 2);       /* 10 */
  assert_int_equal(cs_whole_digits(99.5), 3);      /* 100 */
  assert_int_equal(cs_whole_digits(999.4999), 3);  /* 999 */
  assert_int_equal(cs_whole_digits(999.5), 4);     /* 1000 */
  assert_int_equal(cs_whole_digits(1234567.0), 7); /* 1234567 */
  assert_int_equal(cs_whole_digits(-0.0), 2);      /* -0 */
  assert_int_equal(cs_whole_digits(-0.4), 2);      /* -0 */
  assert_int_equal(cs_whole_digits(-9.5), 3);      /* -10 */
  assert_int_equal(cs_whole_digits(-1078722.0), 8);
  assert_int_equal(cs_whole_digits(0.0123), 1);    /* a share of change */
  assert_int_equal(cs_whole_digits(1e17), 18);
  assert_int_equal(cs_whole_digits(1e18), 19);     /* printf's own count */
  assert_int_equal(cs_whole_digits(1e300), 301);
  assert_int_equal(cs_whole_digits(INFINITY), 3);  /* inf */
  assert_int_equal(cs_whole_digits(-INFINITY), 4); /* -inf */
  assert_int_equal(cs_whole_digits(NAN), 3);       /* nan */
}

static int printed(double v) { return snprintf(NULL, 0, "%.0f", v); }

/* Beside libc's printf: every power of ten and the ties and neighbours
** around it, halves of both parities, and a spread of fractions. */
static void beside_printf(void **state) {
  (void)state;
  double p = 1;
  for (int k = 0; k <= 19; k++, p *= 10) {
    const double around[] = {p, p - 0.5, p + 0.5, p - 1, p - 1.5, nextafter(p - 0.5, 0), nextafter(p - 0.5, INFINITY)};
    for (size_t i = 0; i < sizeof around / sizeof *around; i++)
      for (int s = 0; s < 2; s++) {
        double v = s ? -around[i] : around[i];
        if (cs_whole_digits(v) != printed(v)) fail_msg("%.17g: %d, printf writes %d", v, cs_whole_digits(v), printed(v));
      }
  }
  uint64_t x = 88172645463325252u; /* xorshift: the same numbers every run */
  for (int i = 0; i < 200000; i++) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    double v = (double)(x >> 11) / 9007199254740992.0 * pow(10, (double)(i % 20)) - (i % 3 == 0 ? 0 : 5e8);
    if (i % 5 == 0) v = floor(v) + 0.5;
    if (cs_whole_digits(v) != printed(v)) fail_msg("%.17g: %d, printf writes %d", v, cs_whole_digits(v), printed(v));
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(by_hand),
      cmocka_unit_test(beside_printf),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
