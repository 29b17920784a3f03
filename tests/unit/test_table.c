/* Unit tests: tables read from CSV and each member's value in a budget year
** (table.c). Values are checked against the exact numbers written in the
** test; the lookups use the embedded registry (real reforms) and a small
** resolver of the test's own. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "coopsim/registry.h"
#include "coopsim/table.h"

static cs_registry *reg;

static int setup(void **state) {
  (void)state;
  cs_error err;
  if (cs_registry_open_embedded(&reg, &err)) {
    fprintf(stderr, "%s\n", err.msg);
    return -1;
  }
  return 0;
}

static int teardown(void **state) {
  (void)state;
  cs_registry_free(reg);
  return 0;
}

static cs_q Q(const char *s) {
  cs_q q;
  assert_int_equal(cs_q_from_decimal(&q, s), 0);
  return q;
}

static cs_table *parse_ok(const char *text, size_t len) {
  cs_table *t = NULL;
  cs_error err;
  err.msg[0] = '\0';
  int rc = cs_table_parse(&t, "bruk.csv", text, len, &err);
  if (rc) fail_msg("unexpected error: %s", err.msg);
  return t;
}

#define PARSE(lit) parse_ok(lit, sizeof lit - 1)

/* The parse fails and the message holds every one of the texts given. */
static void parse_fails(const char *text, size_t len, const char *want1, const char *want2) {
  cs_table *t = NULL;
  cs_error err;
  err.msg[0] = '\0';
  int rc = cs_table_parse(&t, "bruk.csv", text, len, &err);
  if (rc == 0) {
    cs_table_free(t);
    fail_msg("accepted: %s", text);
  }
  assert_null(t);
  if (!strstr(err.msg, "bruk.csv")) fail_msg("message without the file: %s", err.msg);
  if (want1 && !strstr(err.msg, want1)) fail_msg("\"%s\" not in: %s", want1, err.msg);
  if (want2 && !strstr(err.msg, want2)) fail_msg("\"%s\" not in: %s", want2, err.msg);
}

#define FAILS(lit, a, b) parse_fails(lit, sizeof lit - 1, a, b)

static void value_is(const cs_table *t, size_t row, size_t col, const char *exact) {
  cs_q v, want = Q(exact);
  cs_error err;
  if (cs_table_value(t, row, col, &v, &err)) fail_msg("%s", err.msg);
  assert_int_equal(cs_q_cmp(&v, &want), 0);
}

/* Semicolons, decimal commas, no-break spaces between digit groups, a BOM,
** CRLF, quotes, a blank line and a trailing separator. */
static void semicolon_decimal_comma(void **state) {
  (void)state;
  cs_table *t = PARSE("\xEF\xBB\xBF" "Kommune; Timer ;Andel;\r\n"
                      "Rana;1\xC2\xA0" "234,5;0,25;\r\n"
                      "\r\n"
                      "1813;\"12 345\";1;\r\n"
                      ";;;\r\n"
                      "Vefsn;7\xE2\x80\xAF" "000" "\xE2\x80\xAF" "000;0.5;");
  assert_int_equal(cs_table_encoding_of(t), CS_TABLE_UTF8_BOM);
  assert_int_equal(cs_table_separator(t), ';');
  assert_true(cs_table_by_name(t));
  assert_false(cs_table_has_year(t));
  assert_int_equal(cs_table_ncolumns(t), 2);
  assert_string_equal(cs_table_column_name(t, 0), "Timer");
  assert_int_equal(cs_table_nrows(t), 3);
  assert_int_equal(cs_table_row_line(t, 0), 2);
  assert_int_equal(cs_table_row_line(t, 1), 4);
  assert_int_equal(cs_table_row_line(t, 2), 6);
  assert_string_equal(cs_table_row_member(t, 1), "1813");
  size_t c;
  cs_error err;
  assert_int_equal(cs_table_column(t, "timer", &c, &err), 0);
  assert_int_equal(c, 0);
  value_is(t, 0, 0, "1234.5");
  value_is(t, 1, 0, "12345");
  value_is(t, 2, 0, "7000000");
  value_is(t, 0, 1, "0.25");
  value_is(t, 2, 1, "0.5");
  cs_table_free(t);
}

/* Commas between cells: a decimal comma only inside quotes; LF; a quote
** inside a quoted cell; a quoted cell over two lines keeps the line count. */
static void comma_separated(void **state) {
  (void)state;
  cs_table *t = PARSE("code,year,timer,note\n"
                      "1833,2022,\"1 234,5\",\"a \"\"quoted\"\" note\"\n"
                      "1833,2023,99.75,\"two\nlines\"\n"
                      "1824,2022,0,x\n");
  assert_int_equal(cs_table_separator(t), ',');
  assert_false(cs_table_by_name(t));
  assert_true(cs_table_has_year(t));
  assert_int_equal(cs_table_nrows(t), 3);
  assert_int_equal(cs_table_row_year(t, 1), 2023);
  assert_int_equal(cs_table_row_line(t, 2), 5);
  assert_string_equal(cs_table_cell(t, 0, 1), "a \"quoted\" note");
  value_is(t, 0, 0, "1234.5");
  value_is(t, 1, 0, "99.75");
  value_is(t, 2, 0, "0");
  /* the note column is text: an error naming line and value when used */
  size_t c;
  cs_error err;
  assert_int_equal(cs_table_column(t, "note", &c, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "bruk.csv line 2, column note"));
  assert_non_null(strstr(err.msg, "is not a number"));
  assert_int_equal(cs_table_column(t, "hours", &c, &err), CS_ENOTFOUND);
  assert_non_null(strstr(err.msg, "timer, note"));
  cs_table_free(t);
}

/* At most 15 digits before the decimal point and 12 after: a key shares by
** and sums such values exactly (hundreds of digits overflowed the sums). */
static void value_limits(void **state) {
  (void)state;
  cs_table *t = PARSE("code;a;b;c;d\n"
                      "1833;999 999 999 999 999,999999999999;0001000000000000000;1,0000000000001;0,5\n");
  size_t c;
  cs_error err;
  assert_int_equal(cs_table_column(t, "a", &c, &err), 0);
  value_is(t, 0, 0, "999999999999999.999999999999");
  assert_int_equal(cs_table_column(t, "b", &c, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "bruk.csv line 2, column b: \"0001000000000000000\" has more than 15 digits before"));
  assert_int_equal(cs_table_column(t, "c", &c, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "column c: \"1,0000000000001\" has more than 12 decimals"));
  assert_int_equal(cs_table_column(t, "d", &c, &err), 0);
  cs_table_free(t);
}

/* Bytes that are not UTF-8 are Windows-1252: ø is 0xF8, a no-break space
** 0xA0, and the en dash 0x96 becomes U+2013. */
static void windows_1252(void **state) {
  (void)state;
  cs_table *t = PARSE("kommune;timer;merknad\n"
                      "Br\xF8nn\xF8y;1\xA0" "234;a\x96" "b\n"
                      "Hemnes;2;\n");
  assert_int_equal(cs_table_encoding_of(t), CS_TABLE_WINDOWS_1252);
  assert_string_equal(cs_table_row_member(t, 0), "Br\xC3\xB8nn\xC3\xB8y");
  assert_string_equal(cs_table_cell(t, 0, 1), "a\xE2\x80\x93" "b");
  value_is(t, 0, 0, "1234");
  cs_table_free(t);
}

static void numbers(void **state) {
  (void)state;
  static const struct {
    const char *cell, *value; /* value NULL: refused with the word in `why` */
    const char *why;
  } cases[] = {
      {"0", "0", NULL},           {"007", "7", NULL},          {"12,5", "12.5", NULL},
      {"1 234 567,891", "1234567.891", NULL},                  {"123 456", "123456", NULL},
      {"-5", NULL, "negative"},   {"\xE2\x88\x92" "5", NULL, "negative"},
      {"12 34", NULL, "not a number"},  {"1234 567", NULL, "not a number"},
      {"1 2", NULL, "not a number"},    {"1.234,5", NULL, "not a number"},
      {"1e5", NULL, "not a number"},    {"nan", NULL, "not a number"},
      {",5", NULL, "not a number"},     {"5,", NULL, "not a number"},
      {"12 %", NULL, "not a number"},   {"+5", NULL, "not a number"},
      {"", NULL, "is empty"},     {"1 ,5", NULL, "not a number"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char text[200];
    int len = snprintf(text, sizeof text, "code;v\n0301;\"%s\"\n", cases[i].cell);
    cs_table *t = parse_ok(text, (size_t)len);
    cs_q v;
    cs_error err;
    int rc = cs_table_value(t, 0, 0, &v, &err);
    if (cases[i].value) {
      if (rc) fail_msg("\"%s\": %s", cases[i].cell, err.msg);
      cs_q want = Q(cases[i].value);
      assert_int_equal(cs_q_cmp(&v, &want), 0);
    } else {
      if (rc == 0) fail_msg("\"%s\" accepted", cases[i].cell);
      if (!strstr(err.msg, cases[i].why) || !strstr(err.msg, "line 2"))
        fail_msg("\"%s\": %s", cases[i].cell, err.msg);
    }
    cs_table_free(t);
  }
}

static void structural_errors(void **state) {
  (void)state;
  FAILS("code;timer\n301;4\n", "line 2", "did you mean \"0301\"");
  FAILS("kommune;timer\n1;4\n", "\"0001\"", "four");
  FAILS("code;timer\n03O1;4\n", "line 2", "\"03O1\" is not a municipality code");
  FAILS("code;timer\n18333;4\n", "\"18333\"", NULL);
  FAILS("code;timer\n;4\n", "line 2", "no code");
  FAILS("code;timer\n1833;4\n1824;5;6\n", "line 3", "3 cells, the header has 2");
  FAILS("code;timer\n1833;4\n1824\n", "line 3", "1 cells");
  FAILS("code;timer\n1833;4\n1824;5\n1833;6\n", "line 4", "first is line 2");
  FAILS("code;year;timer\n1833;2022;4\n1833;2023;4\n1833;2022;6\n", "line 4", "in 2022");
  FAILS("kommune;timer\nRana;4\nrana;6\n", "line 3", "Rana");
  FAILS("code;timer;Timer\n1833;4;5\n", "columns 2 and 3", "Timer");
  FAILS("code;kommune;timer\n1833;Rana;4\n", "both a code and a kommune", NULL);
  FAILS("name;timer\nRana;4\n", "no column named code or kommune", NULL);
  FAILS("\n\nname;timer", "line 3: no column named code or kommune", NULL);
  FAILS("code\tTimer\n1833\t4\n", "no column named code or kommune", NULL);
  FAILS("code;;timer\n1833;;4\n", "column 2 of the header has no name", NULL);
  FAILS("code;timer;\n1833;4;x\n", "line 2", "\"x\" under column 3");
  FAILS("code;year\n1833;2022\n", "no value columns", NULL);
  FAILS("code;year;timer\n1833;22;4\n", "line 2", "year \"22\"");
  FAILS("code;timer\n", "no rows", NULL);
  FAILS("", "empty", NULL);
  FAILS("\n\r\n  \n", "empty", NULL);
  FAILS("code;timer\n1833;\"4\n", "line 2", "never closed");
  FAILS("code;timer\n1833;\"4\"x\n", "line 2", "after a closing quote");
  FAILS("\xFF\xFE" "c\0o\0", "UTF-16", NULL);
  FAILS("code;timer\n1833;4\0\n", "NUL", "line 2");
  FAILS("code;timer\n1833;4\x81\n", "line 2", "0x81");
  FAILS("\xEF\xBB\xBF" "code;timer\nx;\xF8\n", "line 2", "byte order mark");
}

/* A resolver of the test's own: names A, B, C are codes 0001..0003 at every
** date; 0002 merged into 0001 from 2021; 0004 was split in 2021. It counts
** its calls. */
static int calls;
static int fake_find(void *ud, const char *what, cs_date at, char code[5], cs_error *err) {
  (void)ud, (void)at;
  calls++;
  static const char *const names[] = {"A", "B", "C", "D"};
  for (int i = 0; i < 4; i++)
    if (strcmp(what, names[i]) == 0) {
      snprintf(code, 5, "000%d", i + 1);
      return CS_OK;
    }
  if (strlen(what) == 4 && strncmp(what, "000", 3) == 0 && what[3] >= '1' && what[3] <= '4') {
    memcpy(code, what, 5);
    return CS_OK;
  }
  return cs_error_set(err, CS_ENOTFOUND, "no municipality named \"%s\"", what);
}
static int fake_successor(void *ud, const char *code, cs_date from, cs_date to, char out[5],
                          cs_error *err) {
  (void)ud;
  calls++;
  int merged = from.year < 2021 && to.year >= 2021;
  if (merged && strcmp(code, "0004") == 0)
    return cs_error_set(err, CS_EAMBIGUOUS, "0004 was split into 0005, 0006");
  memcpy(out, merged && strcmp(code, "0002") == 0 ? "0001" : code, 5);
  return CS_OK;
}

static cs_table_values *lookup_ok(const cs_table *t, const char *col, cs_table_year which,
                                  int year, const cs_table_resolver *res,
                                  const char *const *codes, size_t n) {
  size_t c;
  cs_error err;
  if (cs_table_column(t, col, &c, &err)) fail_msg("%s", err.msg);
  cs_table_values *v = NULL;
  if (cs_table_lookup(t, c, which, year, res, codes, NULL, n, &v, &err)) fail_msg("%s", err.msg);
  return v;
}

static void lookup_fails(const cs_table *t, cs_table_year which, int year,
                         const cs_table_resolver *res, const char *const *codes, size_t n,
                         const char *want1, const char *want2) {
  cs_table_values *v = NULL;
  cs_error err;
  err.msg[0] = '\0';
  if (cs_table_lookup(t, 0, which, year, res, codes, NULL, n, &v, &err) == 0) {
    cs_table_values_free(v);
    fail_msg("lookup accepted");
  }
  assert_null(v);
  if (!strstr(err.msg, "bruk.csv")) fail_msg("no file in: %s", err.msg);
  if (want1 && !strstr(err.msg, want1)) fail_msg("\"%s\" not in: %s", want1, err.msg);
  if (want2 && !strstr(err.msg, want2)) fail_msg("\"%s\" not in: %s", want2, err.msg);
}

static void rows_are(const cs_table_values *v, size_t i, size_t n, const size_t *rows) {
  assert_int_equal(v->count[i], n);
  for (size_t k = 0; k < n; k++) assert_int_equal(v->rows[v->first[i] + k], rows[k]);
}

/* The previous year's rows of two municipalities that merged since are
** summed; the budget year's are read as they are; the resolver is asked
** once per row and year. */
static void lookup_fake(void **state) {
  (void)state;
  cs_table *t = PARSE("kommune;year;timer\n"
                      "A;2020;10,5\n"  /* row 0 */
                      "B;2020;2,25\n"  /* row 1 */
                      "C;2020;7\n"     /* row 2 */
                      "0001;2021;100\n" /* row 3 */
                      "C;2021;0\n"     /* row 4 */
                      "Zed;2020;1\n"); /* row 5: names no municipality */
  cs_table_resolver res = {fake_find, fake_successor, NULL};
  const char *codes[] = {"0003", "0001"};
  calls = 0;
  cs_table_values *v = lookup_ok(t, "timer", CS_TABLE_YEAR_PREVIOUS, 2021, &res, codes, 2);
  int first_calls = calls;
  assert_int_equal(v->row_year, 2020);
  cs_q a = Q("7"), b = Q("12.75"); /* 10.5 + 2.25 */
  assert_int_equal(cs_q_cmp(&v->value[0], &a), 0);
  assert_int_equal(cs_q_cmp(&v->value[1], &b), 0);
  rows_are(v, 0, 1, (size_t[]){2});
  rows_are(v, 1, 2, (size_t[]){0, 1});
  assert_int_equal(v->nunresolved, 1);
  assert_int_equal(v->unresolved[0], 5);
  cs_table_values_free(v);
  /* again: answered from what the table kept */
  v = lookup_ok(t, "timer", CS_TABLE_YEAR_PREVIOUS, 2021, &res, codes, 2);
  assert_int_equal(calls, first_calls);
  cs_table_values_free(v);
  /* the budget year's rows */
  v = lookup_ok(t, "timer", CS_TABLE_YEAR_BUDGET, 2021, &res, codes, 2);
  cs_q zero = Q("0"), hundred = Q("100");
  assert_int_equal(cs_q_cmp(&v->value[0], &zero), 0);
  assert_int_equal(cs_q_cmp(&v->value[1], &hundred), 0);
  cs_table_values_free(v);
  /* the wrong year option, either way */
  lookup_fails(t, CS_TABLE_YEAR_NONE, 2021, &res, codes, 2, "has a year column", NULL);
  /* a member without a row: named, with the rows that name no municipality */
  const char *codes3[] = {"0003", "0001", "0004"};
  lookup_fails(t, CS_TABLE_YEAR_BUDGET, 2021, &res, codes3, 3, "no row for 0004 in 2021", NULL);
  lookup_fails(t, CS_TABLE_YEAR_PREVIOUS, 2021, &res, codes3, 3, "no row for 0004 in 2020",
               "line 7 \"Zed\": no municipality named");
  /* every member's value 0 */
  const char *only_c[] = {"0003"};
  lookup_fails(t, CS_TABLE_YEAR_BUDGET, 2021, &res, only_c, 1, "every member's timer is 0 in 2021",
               NULL);
  cs_table_free(t);
  /* a member's territory split since the row's date: its part has no row */
  t = PARSE("code;year;timer\n0004;2020;5\n0001;2020;1\n");
  const char *parts[] = {"0005", "0001"};
  lookup_fails(t, CS_TABLE_YEAR_PREVIOUS, 2021, &res, parts, 2, "no row for 0005",
               "split since: line 2 \"0004\": 0004 was split into 0005, 0006");
  lookup_fails(t, CS_TABLE_YEAR_NONE, 2021, &res, parts, 2, "has a year column", NULL);
  cs_table_free(t);
  /* a table without years applies to every year; a year option is an error */
  t = PARSE("code;timer\n0001;3\n0003;1\n");
  const char *two[] = {"0001", "0003"};
  v = lookup_ok(t, "timer", CS_TABLE_YEAR_NONE, 2030, &res, two, 2);
  assert_int_equal(v->row_year, 0);
  cs_q three = Q("3");
  assert_int_equal(cs_q_cmp(&v->value[0], &three), 0);
  cs_table_values_free(v);
  lookup_fails(t, CS_TABLE_YEAR_BUDGET, 2030, &res, two, 2, "no year column", NULL);
  cs_table_free(t);
  /* one municipality given twice, by name and by code */
  t = PARSE("kommune;timer\nA;3\n0001;1\n");
  lookup_fails(t, CS_TABLE_YEAR_NONE, 2030, &res, two, 2, "lines 2 and 3 both give 0001",
               NULL);
  cs_table_free(t);
}

/* With the real registry: Steinkjer 2020 (5006) is 5004 Steinkjer + 5039
** Verran of 2019; Trondheim 2020 kept its code 5001 and is 5001 + 5030
** Klæbu; names are read at the row's date; Ålesund's split in 2024 needs
** rows for both parts. */
static void lookup_registry(void **state) {
  (void)state;
  cs_table *t = PARSE("kommune;year;timer\n"
                      "Steinkjer;2019;1000\n"
                      "Verran;2019;234,5\n"
                      "5001;2019;50\n"
                      "Klæbu;2019;5\n"
                      "Steinkjer;2020;1300\n"
                      "Ålesund;2023;40\n"
                      "Trondheim;2020;60\n");
  cs_table_resolver res;
  cs_table_registry_resolver(&res, reg);
  const char *codes[] = {"5006", "5001"};
  cs_table_values *v = lookup_ok(t, "timer", CS_TABLE_YEAR_PREVIOUS, 2020, &res, codes, 2);
  cs_q steinkjer = Q("1234.5"), trondheim = Q("55");
  assert_int_equal(cs_q_cmp(&v->value[0], &steinkjer), 0);
  assert_int_equal(cs_q_cmp(&v->value[1], &trondheim), 0);
  rows_are(v, 0, 2, (size_t[]){0, 1});
  rows_are(v, 1, 2, (size_t[]){2, 3});
  cs_table_values_free(v);
  v = lookup_ok(t, "timer", CS_TABLE_YEAR_BUDGET, 2020, &res, codes, 2);
  cs_q s2 = Q("1300"), t2 = Q("60");
  assert_int_equal(cs_q_cmp(&v->value[0], &s2), 0);
  assert_int_equal(cs_q_cmp(&v->value[1], &t2), 0);
  cs_table_values_free(v);
  const char *alesund[] = {"1508", "1580"};
  lookup_fails(t, CS_TABLE_YEAR_PREVIOUS, 2024, &res, alesund, 2, "no row for 1508 in 2023",
               "1507 was split");
  cs_table_free(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(semicolon_decimal_comma), cmocka_unit_test(comma_separated), cmocka_unit_test(value_limits),
      cmocka_unit_test(windows_1252),            cmocka_unit_test(numbers),
      cmocka_unit_test(structural_errors),       cmocka_unit_test(lookup_fake),
      cmocka_unit_test(lookup_registry),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
