/* Unit tests: keys by a table's column (cs_key_add_by) applied by
** cs_key_eval with the embedded registry: the rows of municipalities merged
** since summed, a mix with a table part, two parts on one column, the
** explanation naming the file, year and lines, the table kept alive by the
** key and the notes, and the errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "coopsim/registry.h"
#include "key_test.h"

static cs_registry *reg;
static cs_table_resolver resolver;

static int setup(void **state) {
  (void)state;
  cs_error err;
  if (cs_registry_open_embedded(&reg, &err)) return -1;
  cs_table_registry_resolver(&resolver, reg);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  cs_registry_free(reg);
  return 0;
}

static const char usage[] = "kommune;year;timer;note\n"
                            "Steinkjer;2019;1 000;a\n"  /* line 2 */
                            "Verran;2019;234,5;b\n"     /* line 3 */
                            "5001;2019;50;c\n"          /* line 4 */
                            "Klæbu;2019;5;d\n"          /* line 5 */
                            "Rana;2019;100;e\n"         /* line 6 */
                            "Steinkjer;2020;1300;f\n"
                            "Trondheim;2020;60;g\n"
                            "Rana;2020;40;h\n";

static cs_table *usage_table(void) {
  cs_table *t;
  cs_error err;
  if (cs_table_parse(&t, "bruk.csv", usage, sizeof usage - 1, &err)) fail_msg("%s", err.msg);
  return t;
}

static const char *const codes[3] = {"5006", "5001", "1833"};
static const char *const names[3] = {"Steinkjer", "Trondheim", "Rana"};

static void members(cs_key_member *m) {
  static const int64_t pop[3] = {24000, 210000, 26000};
  kt_members(m, 3, codes, pop);
  for (int i = 0; i < 3; i++) m[i].name = names[i];
}

/* 50 % equal + 50 % by the previous year's hours: Steinkjer 2020 has the
** rows of 5004 Steinkjer and 5039 Verran (1 234.5), Trondheim those of 5001
** and 5030 Klæbu (55), Rana its own (100); 1 389.5 in all. */
static void previous_year_with_mergers(void **state) {
  (void)state;
  cs_table *t = usage_table();
  cs_key *by = cs_key_new();
  cs_q one = kt_dec("1"), half[2] = {kt_dec("0.5"), kt_dec("0.5")};
  cs_error err;
  if (cs_key_add_by(by, &one, t, "Timer", CS_TABLE_YEAR_PREVIOUS, &err)) fail_msg("%s", err.msg);
  cs_table_free(t); /* the key keeps it */
  cs_key *eq = cs_key_new();
  assert_int_equal(cs_key_add_pool(eq, CS_POOL_EQUAL, &one, NULL, NULL, 0, NULL, NULL, NULL), 0);
  const cs_key *parts[2] = {eq, by};
  cs_key *mix;
  if (cs_key_mix(&mix, half, parts, 2, &err)) fail_msg("%s", err.msg);
  cs_key_free(by);
  assert_string_equal(cs_key_part_name(mix, 1), "by:timer");
  cs_table_year which;
  const cs_table *kt = cs_key_part_table(mix, 1, &which);
  assert_non_null(kt);
  assert_int_equal(which, CS_TABLE_YEAR_PREVIOUS);
  assert_null(cs_key_part_table(mix, 0, NULL));
  assert_string_equal(cs_key_describe(mix), "50 % equal + 50 % by timer in bruk.csv (previous year)");
  assert_string_equal(cs_key_describe_lang(mix, CS_LANG_NB),
                      "50 % likt + 50 % etter timer i bruk.csv (året før)");
  cs_key_member m[3];
  members(m);
  cs_q net = kt_dec("1000");
  cs_key_env env = {&resolver};
  cs_key_year *ky = kt_eval(mix, &env, 2020, &net, m, 3);
  int64_t tenths[3] = {12345, 550, 1000};
  for (size_t i = 0; i < 3; i++) {
    cs_q e = kt_frac(500, 3), b = kt_abc(500, tenths[i], 13895);
    kt_eq(cs_key_year_part(ky, i, 0), &e, "equal");
    kt_eq(cs_key_year_part(ky, i, 1), &b, "by:timer");
  }
  int64_t r[3];
  kt_round(ky, m, r);
  assert_int_equal(r[0] + r[1] + r[2], 1000);
  cs_key_notes *nt = cs_key_year_take_notes(ky);
  cs_key_year_free(ky);
  cs_key_free(mix);
  cs_key_free(eq);
  /* the notes keep the table: explained after the key is gone */
  char *s = cs_key_notes_explain(nt, 0, 1, 24000, 12, 44422, CS_LANG_EN);
  assert_string_equal(s, "50 % of 1 000.00 = 500.00 x timer 1 234.5 / 1 389.5 = 444.22 (bruk.csv, "
                         "2019: lines 2 (Steinkjer: 1 000) + 3 (Verran: 234.5))");
  free(s);
  s = cs_key_notes_explain(nt, 2, 1, 26000, 5, 3598, CS_LANG_NB);
  assert_string_equal(s, "50 % av 1 000,00 = 500,00 x timer 100 x 5/12 av året / 1 389,5 = 35,98 "
                         "(bruk.csv, 2019: linje 6)");
  free(s);
  s = cs_key_notes_explain(nt, 1, 1, 210000, 12, 1979, CS_LANG_NB);
  kt_has(s, "linjer 4 (5001: 50) + 5 (Klæbu: 5)");
  free(s);
  cs_key_notes_free(nt);
}

/* Two parts on one column (the budget year and the year before): by:timer
** and by:timer#2; a member charged 6 months weighs half. */
static void two_parts_one_column(void **state) {
  (void)state;
  cs_table *t = usage_table();
  cs_key *k = cs_key_new();
  cs_q half = kt_dec("0.5");
  assert_int_equal(cs_key_add_by(k, &half, t, "timer", CS_TABLE_YEAR_PREVIOUS, NULL), 0);
  assert_int_equal(cs_key_add_by(k, &half, t, "timer", CS_TABLE_YEAR_BUDGET, NULL), 0);
  assert_int_equal(cs_key_validate(k, NULL), 0);
  assert_string_equal(cs_key_part_name(k, 1), "by:timer#2");
  cs_key_member m[3];
  members(m);
  m[2].year_share = kt_frac(1, 2);
  cs_q net = kt_dec("1400");
  cs_key_env env = {&resolver};
  cs_key_year *ky = kt_eval(k, &env, 2020, &net, m, 3);
  /* 2019 weights 1 234.5, 55, 50 (Rana's 100 x 1/2): 1 339.5;
  ** 2020 weights 1 300, 60, 20 (Rana's 40 x 1/2): 1 380 */
  cs_q p1 = kt_abc(700, 500, 13395), p2 = kt_abc(700, 20, 1380);
  kt_eq(cs_key_year_part(ky, 2, 0), &p1, "by:timer");
  kt_eq(cs_key_year_part(ky, 2, 1), &p2, "by:timer#2");
  cs_key_year_free(ky);
  cs_key_free(k);
  cs_table_free(t);
}

static void errors(void **state) {
  (void)state;
  cs_table *t = usage_table();
  cs_key *k = cs_key_new();
  cs_q one = kt_dec("1");
  cs_error err;
  assert_int_equal(cs_key_add_by(k, &one, t, "hours", CS_TABLE_YEAR_BUDGET, &err), CS_ENOTFOUND);
  kt_has(err.msg, "bruk.csv has no column \"hours\" (its value columns: timer, note)");
  assert_int_equal(cs_key_add_by(k, &one, t, "note", CS_TABLE_YEAR_BUDGET, &err), CS_EINVAL);
  kt_has(err.msg, "bruk.csv line 2, column note: \"a\" is not a number");
  assert_int_equal(cs_key_add_by(k, &one, t, "timer", CS_TABLE_YEAR_NONE, &err), CS_EINVAL);
  kt_has(err.msg, "has a year column");
  assert_int_equal(cs_key_nparts(k), 0);
  assert_int_equal(cs_key_add_by(k, &one, t, "timer", CS_TABLE_YEAR_BUDGET, NULL), 0);
  cs_key_member m[4];
  members(m);
  m[3] = m[2];
  m[3].code = "1813";
  m[3].name = "Brønnøy";
  cs_q net = kt_dec("100");
  kt_eval_fails(k, NULL, 2020, &net, m, 3, "the key by timer of bruk.csv needs the registry");
  cs_key_env env = {&resolver};
  kt_eval_fails(k, &env, 2020, &net, m, 4, "bruk.csv has no row for 1813 Brønnøy in 2020");
  kt_eval_fails(k, &env, 2021, &net, m, 3, "bruk.csv has no row for 5006 Steinkjer in 2021");
  cs_key_free(k);
  cs_table_free(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(previous_year_with_mergers),
      cmocka_unit_test(two_parts_one_column),
      cmocka_unit_test(errors),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
