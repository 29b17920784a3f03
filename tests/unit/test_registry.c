/* Unit tests: the registry (registry.c) against SSB's own figures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "coopsim/registry.h"

static cs_registry *reg;

static int setup(void **state) {
  (void)state;
  cs_error err;
  if (cs_registry_open_embedded(&reg, &err)) {
    print_error("%s\n", err.msg);
    return -1;
  }
  return 0;
}

static int teardown(void **state) {
  (void)state;
  cs_registry_free(reg);
  return 0;
}

static cs_date D(const char *s) {
  cs_date d;
  assert_int_equal(cs_date_parse(&d, s, NULL), 0);
  return d;
}

/* Every population row of SSB's extract (shared/data, beside the clone) is
** in the registry with the same figure, and nothing else is. */
static void every_population_row(void **state) {
  (void)state;
  const char *path = CS_SOURCE_DIR "/../shared/data/raw/ssb_07459_csdata/kommune_folkemengde_1jan_2015_2026.csv";
  FILE *f = fopen(path, "r");
  if (!f) {
    print_message("skipped: %s is not here (it is beside the clone for developers and CI)\n", path);
    skip();
  }
  char line[512];
  int rows = 0;
  assert_non_null(fgets(line, sizeof line, f)); /* header */
  while (fgets(line, sizeof line, f)) {
    int year;
    char code[5];
    long long pop;
    assert_int_equal(sscanf(line, "%d,%4[0-9],%*[^,],%*[^,],%lld", &year, code, &pop), 3);
    int64_t got;
    cs_error err;
    if (cs_registry_population(reg, code, year, &got, &err)) fail_msg("%s", err.msg);
    assert_int_equal(got, pop);
    rows++;
  }
  fclose(f);
  assert_int_equal(rows, 4621);
}

static void counts_per_year(void **state) {
  (void)state;
  static const size_t expect[12] = {428, 428, 426, 422, 422, 356, 356, 356, 356, 357, 357, 357};
  for (int y = 2015; y <= 2026; y++)
    assert_int_equal(cs_registry_count_at(reg, cs_date_jan1(y)), expect[y - 2015]);
  int first, last;
  cs_registry_population_years(reg, &first, &last);
  assert_int_equal(first, 2015);
  assert_int_equal(last, 2026);
}

static void helgeland_2022(void **state) {
  (void)state;
  static const char *const codes[17] = {"1812", "1813", "1815", "1816", "1818", "1820",
                                        "1822", "1824", "1825", "1826", "1827", "1828",
                                        "1832", "1833", "1834", "1835", "1836"};
  int64_t sum = 0, p;
  for (int i = 0; i < 17; i++) {
    assert_int_equal(cs_registry_population(reg, codes[i], 2022, &p, NULL), 0);
    sum += p;
  }
  assert_int_equal(sum, 75828);
}

static void names(void **state) {
  (void)state;
  const cs_municipality *m;
  cs_error err;
  assert_int_equal(cs_registry_find(reg, "Rana", D("2024-06-01"), &m, &err), 0);
  assert_string_equal(m->code, "1833");
  assert_string_equal(m->name, "Rana - Raane");
  assert_string_equal(m->county, "Nordland");
  assert_int_equal(cs_registry_find(reg, "rana - raane", D("2024-06-01"), &m, NULL), 0);
  assert_int_equal(cs_registry_find(reg, "Raane", D("2024-06-01"), &m, NULL), 0);
  assert_int_equal(cs_registry_find(reg, "HATTFJELLDAL", D("2024-06-01"), &m, NULL), 0);
  assert_string_equal(m->code, "1826");
  assert_int_equal(cs_registry_find(reg, "Herøy (Nordland)", D("2022-01-01"), &m, NULL), 0);
  assert_string_equal(m->code, "1818");
  assert_int_equal(cs_registry_find(reg, "Herøy", D("2022-01-01"), &m, &err), CS_EAMBIGUOUS);
  assert_non_null(strstr(err.msg, "1515"));
  assert_non_null(strstr(err.msg, "1818"));
  /* a name at the date in question */
  assert_int_equal(cs_registry_find(reg, "Steinkjer", D("2019-01-01"), &m, NULL), 0);
  assert_string_equal(m->code, "5004");
  assert_int_equal(cs_registry_find(reg, "Steinkjer", D("2020-01-01"), &m, NULL), 0);
  assert_string_equal(m->code, "5006");
  assert_int_equal(cs_registry_find(reg, "Steinkjer", D("2017-01-01"), &m, NULL), 0);
  assert_string_equal(m->code, "1702");
  assert_string_equal(m->county, "Nord-Trøndelag");
  assert_int_equal(cs_registry_find(reg, "Verran", D("2021-01-01"), &m, &err), CS_ENOTFOUND);
  assert_non_null(strstr(err.msg, "5039"));
  assert_int_equal(cs_registry_find(reg, "Rnaa", D("2021-01-01"), &m, &err), CS_ENOTFOUND);
  assert_non_null(strstr(err.msg, "1833"));
  assert_int_equal(cs_registry_find(reg, "9999", D("2021-01-01"), &m, &err), CS_ENOTFOUND);
}

static void successors(void **state) {
  (void)state;
  char out[5];
  cs_error err;
  /* renumbered twice: 0612 Hole -> 3038 (2020) -> 3310 (2024) */
  assert_int_equal(cs_registry_successor(reg, "0612", D("2019-01-01"), D("2024-01-01"), out, NULL), 0);
  assert_string_equal(out, "3310");
  assert_int_equal(cs_registry_successor(reg, "0612", D("2019-01-01"), D("2023-01-01"), out, NULL), 0);
  assert_string_equal(out, "3038");
  /* renumbered (2018) then merged (2020) */
  assert_int_equal(cs_registry_successor(reg, "1724", D("2017-01-01"), D("2020-01-01"), out, NULL), 0);
  assert_string_equal(out, "5006");
  /* a split needs a decision */
  assert_int_equal(cs_registry_successor(reg, "1507", D("2023-01-01"), D("2024-01-01"), out, &err),
                   CS_EAMBIGUOUS);
  assert_non_null(strstr(err.msg, "1508"));
  assert_non_null(strstr(err.msg, "1580"));
}

static void populations_through_history(void **state) {
  (void)state;
  int64_t p, a, b;
  cs_pop_origin origin;
  /* 5006 Steinkjer on 1 January 2019: 5004 Steinkjer + 5039 Verran */
  assert_int_equal(cs_registry_population_of(reg, "5006", D("2020-01-01"), 2019, &p, &origin, NULL), 0);
  cs_registry_population(reg, "5004", 2019, &a, NULL);
  cs_registry_population(reg, "5039", 2019, &b, NULL);
  assert_int_equal(p, a + b);
  assert_int_equal(origin, CS_ORIGIN_PREDECESSORS);
  /* 5006 in 2017: 1702 Steinkjer + 1724 Verran, through two changes */
  assert_int_equal(cs_registry_population_of(reg, "5006", D("2020-01-01"), 2017, &p, &origin, NULL), 0);
  cs_registry_population(reg, "1702", 2017, &a, NULL);
  cs_registry_population(reg, "1724", 2017, &b, NULL);
  assert_int_equal(p, a + b);
  /* frozen structure: 5040 Namdalseid in 2021, as a share of 5007 Namsos */
  assert_int_equal(cs_registry_population_frozen(reg, "5040", D("2019-12-31"), 2021, &p, &origin, NULL), 0);
  assert_int_equal(origin, CS_ORIGIN_PROXY);
  assert_true(p > 1500 && p < 2000);
}

static void bad_registry_files(void **state) {
  (void)state;
  char dir[] = "/tmp/coopsim-reg-XXXXXX";
  assert_non_null(mkdtemp(dir));
  char path[256];
  snprintf(path, sizeof path, "%s/municipalities.csv", dir);
  FILE *f = fopen(path, "w");
  fputs("code,name,valid_from,valid_to\n1833,Rana,2015-01-01,\n03O1,Oslo,2015-01-01,\n", f);
  fclose(f);
  snprintf(path, sizeof path, "%s/population.csv", dir);
  f = fopen(path, "w");
  fputs("year,code,population\n2015,1833,-5\n", f);
  fclose(f);
  snprintf(path, sizeof path, "%s/changes.csv", dir);
  f = fopen(path, "w");
  fputs("date,old_code,old_name,new_code,new_name\n", f);
  fclose(f);
  cs_registry *r = NULL;
  cs_error err;
  assert_int_equal(cs_registry_open_dir(&r, dir, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "municipalities.csv:3"));
  assert_non_null(strstr(err.msg, "03O1"));
  assert_null(r);
  snprintf(path, sizeof path, "%s/municipalities.csv", dir);
  f = fopen(path, "w");
  fputs("code,name,valid_from,valid_to\n1833,Rana,2015-01-01,\n", f);
  fclose(f);
  assert_int_equal(cs_registry_open_dir(&r, dir, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "population.csv:2"));
  assert_non_null(strstr(err.msg, "-5"));
  char cmd[300];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  assert_int_equal(system(cmd), 0);
}

/* Tables with a header and no rows open as an empty registry (found by
** tests/fuzz/fuzz_registry.c: the empty tables were sorted from NULL). */
static void empty_tables(void **state) {
  (void)state;
  const char *texts[6] = {"code,name,valid_from,valid_to\n", NULL, "year,code,population\n",
                          "date,old_code,old_name,new_code,new_name\n", NULL, NULL};
  cs_registry *r = NULL;
  cs_error err;
  if (cs_registry_open_texts(&r, texts, 6, &err)) fail_msg("%s", err.msg);
  const cs_municipality *all, *m;
  assert_int_equal(cs_registry_all(r, &all), 0);
  const cs_change *ch;
  assert_int_equal(cs_registry_changes(r, &ch), 0);
  cs_date d = {2024, 1, 1};
  assert_int_equal(cs_registry_find(r, "Rana", d, &m, NULL), CS_ENOTFOUND);
  int64_t pop;
  assert_int_equal(cs_registry_population(r, "1833", 2024, &pop, NULL), CS_ENOTFOUND);
  cs_registry_free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(every_population_row), cmocka_unit_test(counts_per_year),
      cmocka_unit_test(helgeland_2022),       cmocka_unit_test(names),
      cmocka_unit_test(successors),           cmocka_unit_test(populations_through_history),
      cmocka_unit_test(bad_registry_files),   cmocka_unit_test(empty_tables),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
