/* Unit tests: calendar dates (date.c) and notice rules (notice.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "coopsim/date.h"
#include "coopsim/notice.h"

static cs_date D(const char *s) {
  cs_date d;
  assert_int_equal(cs_date_parse(&d, s, NULL), 0);
  return d;
}

static void assert_date(cs_date d, const char *expect) {
  char buf[11];
  assert_string_equal(cs_date_format(d, buf), expect);
}

static void parse_valid(void **state) {
  (void)state;
  assert_date(D("2023-02-28"), "2023-02-28");
  assert_date(D("2024-02-29"), "2024-02-29");
  assert_date(D("2000-02-29"), "2000-02-29");
  assert_date(D("0001-01-01"), "0001-01-01");
  assert_date(D("9999-12-31"), "9999-12-31");
}

static void parse_invalid(void **state) {
  (void)state;
  static const char *const bad[] = {"2023-02-30", "2023-02-29", "1900-02-29", "2023-13-01",
                                    "2023-00-10", "2023-01-00", "2023-04-31", "0000-01-01",
                                    "99999-01-01", "2023-1-01", "2023/01/01", " 2023-01-01",
                                    "2023-01-01 ", "", "2023-01-0x", "+023-01-01", NULL};
  for (int i = 0; bad[i]; i++) {
    cs_date d;
    cs_error err;
    assert_int_equal(cs_date_parse(&d, bad[i], &err), CS_EINVAL);
    assert_non_null(strstr(err.msg, bad[i]));
  }
  assert_int_equal(cs_date_parse(NULL, NULL, NULL), CS_EINVAL);
}

static void month_arithmetic(void **state) {
  (void)state;
  assert_date(cs_date_add_months(D("2023-08-31"), 6), "2024-02-29");
  assert_date(cs_date_add_months(D("2022-08-31"), 6), "2023-02-28");
  assert_date(cs_date_add_months(D("2023-01-31"), 1), "2023-02-28");
  assert_date(cs_date_add_months(D("2023-03-15"), -3), "2022-12-15");
  assert_date(cs_date_add_months(D("2023-12-01"), 1), "2024-01-01");
  assert_date(cs_date_add_days(D("2024-03-01"), -1), "2024-02-29");
  assert_date(cs_date_add_days(D("2022-12-31"), 1), "2023-01-01");
  assert_date(cs_date_add_days(D("2023-01-01"), 365), "2024-01-01");
  assert_int_equal(cs_date_ordinal(D("0001-01-01")), 0);
  assert_int_equal(cs_date_ordinal(D("2024-01-01")) - cs_date_ordinal(D("2023-01-01")), 365);
  assert_true(cs_date_cmp(D("2023-01-02"), D("2023-01-01")) > 0);
  assert_int_equal(cs_date_cmp(D("2023-01-02"), D("2023-01-02")), 0);
}

/* Every day of four years: add_days(+1) then (-1) returns, ordinals step by one. */
static void days_roundtrip(void **state) {
  (void)state;
  cs_date d = D("2019-01-01");
  for (int i = 0; i < 4 * 366; i++) {
    cs_date n = cs_date_add_days(d, 1);
    assert_int_equal(cs_date_ordinal(n), cs_date_ordinal(d) + 1);
    assert_int_equal(cs_date_cmp(cs_date_add_days(n, -1), d), 0);
    assert_true(cs_date_valid(n.year, n.month, n.day));
    d = n;
  }
}

static void notice(cs_notice_from from, int months, const char *given, const char *end,
                   const char *exit) {
  cs_notice rule = {months, from};
  cs_date s, e, x;
  assert_int_equal(cs_notice_period(&rule, D(given), &s, &e, &x, NULL), 0);
  assert_date(e, end);
  assert_date(x, exit);
}

/* KHS (seed 002): 6 months from 1 January after the notice. */
static void notice_khs(void **state) {
  (void)state;
  notice(CS_NOTICE_NEXT_JAN1, 6, "2021-03-10", "2022-06-30", "2022-07-01");
  notice(CS_NOTICE_NEXT_JAN1, 6, "2021-01-01", "2022-06-30", "2022-07-01");
  notice(CS_NOTICE_NEXT_JAN1, 6, "2021-12-31", "2022-06-30", "2022-07-01");
}

/* Helgeland (seed 004): one year tied to the budget year. */
static void notice_helgeland(void **state) {
  (void)state;
  notice(CS_NOTICE_NEXT_JAN1, 12, "2023-03-15", "2024-12-31", "2025-01-01");
  notice(CS_NOTICE_NEXT_JAN1, 12, "2023-12-31", "2024-12-31", "2025-01-01");
}

static void notice_from_date(void **state) {
  (void)state;
  notice(CS_NOTICE_NOTICE_DATE, 6, "2023-08-31", "2024-02-29", "2024-03-01");
  notice(CS_NOTICE_NOTICE_DATE, 6, "2022-08-31", "2023-02-28", "2023-03-01");
  notice(CS_NOTICE_NOTICE_DATE, 6, "2023-03-15", "2023-09-14", "2023-09-15");
  notice(CS_NOTICE_NOTICE_DATE, 1, "2023-03-01", "2023-03-31", "2023-04-01");
  notice(CS_NOTICE_NOTICE_DATE, 0, "2023-03-01", "2023-02-28", "2023-03-01");
  cs_notice bad = {-1, CS_NOTICE_NOTICE_DATE};
  cs_date e;
  assert_int_equal(cs_notice_period(&bad, D("2023-01-01"), NULL, &e, NULL, NULL), CS_EINVAL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(parse_valid),      cmocka_unit_test(parse_invalid),
      cmocka_unit_test(month_arithmetic), cmocka_unit_test(days_roundtrip),
      cmocka_unit_test(notice_khs),       cmocka_unit_test(notice_helgeland),
      cmocka_unit_test(notice_from_date),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
