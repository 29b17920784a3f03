/* Unit tests: the loader of libraries opened on first use (lazy_lib.c), on
** libraries every Debian machine has: libm's functions are found and called
** (their values known exactly: cos 0 = 1, fabs -2.5 = 2.5); a missing
** symbol and a missing library are refused with the messages the commands
** show, set no slot, and are not retried. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "coopsim/lazy_lib.h"

static double (*p_cos)(double);
static double (*p_fabs)(double);

static void test_loads_and_calls(void **state) {
  (void)state;
  static const cs_lazy_sym syms[] = {{"cos", (void *)&p_cos}, {"fabs", (void *)&p_fabs}};
  static cs_lazy_lib lib = CS_LAZY_LIB("libm", "libm.so.6", "libc6", syms);
  assert_int_equal(cs_lazy_load(&lib), 1);
  assert_non_null(p_cos);
  assert_true(p_cos(0.0) == 1.0);
  assert_true(p_fabs(-2.5) == 2.5);
  assert_int_equal(cs_lazy_load(&lib), 1); /* once: the same answer */
  cs_lazy_need(&lib, "cos");              /* loaded: returns */
}

static double (*p_a)(double);
static void (*p_missing)(void);

static void test_missing_symbol(void **state) {
  (void)state;
  static const cs_lazy_sym syms[] = {{"cos", (void *)&p_a}, {"cs_no_such_function", (void *)&p_missing}};
  static cs_lazy_lib lib = CS_LAZY_LIB("libm", "libm.so.6", "libc6", syms);
  assert_int_equal(cs_lazy_load(&lib), 0);
  assert_string_equal(lib.why, "libm (libm.so.6) cannot be used: it has no cs_no_such_function");
  assert_null(p_a); /* no slot set when one is missing */
  assert_null(p_missing);
  assert_int_equal(cs_lazy_load(&lib), 0);
}

static void (*p_b)(void);

static void test_missing_library(void **state) {
  (void)state;
  static const cs_lazy_sym syms[] = {{"f", (void *)&p_b}};
  static cs_lazy_lib lib = CS_LAZY_LIB("Nothing", "libcoopsim-no-such-library.so.9", "no-such-package", syms);
  assert_int_equal(cs_lazy_load(&lib), 0);
  const char *want = "Nothing (libcoopsim-no-such-library.so.9, Debian package no-such-package) cannot be loaded: ";
  assert_memory_equal(lib.why, want, strlen(want));
  assert_non_null(strstr(lib.why, "libcoopsim-no-such-library.so.9: cannot open shared object file"));
  assert_null(p_b);
  char first[sizeof lib.why];
  memcpy(first, lib.why, sizeof first);
  assert_int_equal(cs_lazy_load(&lib), 0); /* not retried: the same reason */
  assert_string_equal(lib.why, first);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_loads_and_calls),
      cmocka_unit_test(test_missing_symbol),
      cmocka_unit_test(test_missing_library),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
