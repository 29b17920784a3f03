/* Unit tests: a registry in an SQLite database (registry_db.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "coopsim/registry.h"
#include "coopsim/ssb_import.h"

static char path[64];

static int setup(void **state) {
  (void)state;
  snprintf(path, sizeof path, "/tmp/coopsim-db-XXXXXX");
  int fd = mkstemp(path);
  if (fd < 0) return -1;
  close(fd);
  remove(path); /* a new database is created by the import */
  return 0;
}

static int teardown(void **state) {
  (void)state;
  remove(path);
  return 0;
}

/* A planner adds the 2027 figures the day SSB publishes them. */
static void import_and_open(void **state) {
  (void)state;
  const char *files[] = {CS_FIXTURES "/ssb/statbank_2027.csv"};
  cs_import_report r;
  cs_error err;
  if (cs_registry_db_import(path, files, 1, &r, &err)) fail_msg("%s", err.msg);
  assert_int_equal(r.population_added, 1);
  cs_registry *reg;
  if (cs_registry_open_db(&reg, path, &err)) fail_msg("%s", err.msg);
  int64_t p;
  assert_int_equal(cs_registry_population(reg, "1833", 2027, &p, NULL), 0);
  assert_int_equal(p, 26500);
  assert_int_equal(cs_registry_population(reg, "1833", 2022, &p, NULL), 0); /* the built-in figures */
  assert_int_equal(p, 26092);
  assert_int_equal(cs_registry_count_at(reg, cs_date_jan1(2020)), 356);
  cs_registry_free(reg);
  /* a bad file changes nothing */
  const char *bad[] = {CS_FIXTURES "/ssb/bad_negative.csv"};
  assert_int_not_equal(cs_registry_db_import(path, bad, 1, NULL, &err), 0);
  assert_non_null(strstr(err.msg, "-5"));
  assert_int_equal(cs_registry_open_db(&reg, path, &err), 0);
  assert_int_equal(cs_registry_population(reg, "1833", 2027, &p, NULL), 0);
  assert_int_equal(p, 26500);
  cs_registry_free(reg);
}

static void exec(const char *sql) {
  sqlite3 *db;
  assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);
}

/* RELIABILITY 24: a wrong application_id, a newer user_version, random bytes
** and a missing file are refused before anything is read or written. */
static void refused(void **state) {
  (void)state;
  cs_registry *reg = NULL;
  cs_error err;
  assert_int_not_equal(cs_registry_open_db(&reg, path, &err), 0); /* missing */
  exec("CREATE TABLE runs (x); PRAGMA application_id = 42;");
  assert_int_equal(cs_registry_open_db(&reg, path, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "not a coopsim registry"));
  const char *files[] = {CS_FIXTURES "/ssb/statbank_2027.csv"};
  assert_int_equal(cs_registry_db_import(path, files, 1, NULL, &err), CS_EINVAL);
  remove(path);
  assert_int_equal(cs_registry_db_import(path, files, 1, NULL, &err), 0);
  exec("PRAGMA user_version = 99;");
  assert_int_equal(cs_registry_open_db(&reg, path, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "newer"));
  remove(path);
  FILE *f = fopen(path, "wb");
  for (int i = 0; i < 4096; i++) fputc((i * 7919) & 0xff, f);
  fclose(f);
  assert_int_not_equal(cs_registry_open_db(&reg, path, &err), 0);
  assert_null(reg);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(import_and_open, setup, teardown),
      cmocka_unit_test_setup_teardown(refused, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
