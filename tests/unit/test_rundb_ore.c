/*
** test_rundb_ore.c: schema version 3 keeps a row's and a part's exact
** amount as whole øre. Each amount the document writes ("-16.90") is stored
** as the øre this test works out from the text itself, the limits of the
** column's range are kept and refused exactly there, and a text that is not
** an amount as the document writes one ("1234", "007.00", "-0.00") is
** refused naming its place, nothing saved: never taken for other øre.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include "rundb_testdoc.h"
#include "rundb_teststore.h"

/* The øre of "[-]K.DD" worked out here: K and DD read as numbers. */
static long long ore_of_text(const char *s) {
  int neg = s[0] == '-';
  long long kroner = 0;
  int cents = 0;
  const char *point = strchr(s, '.');
  assert_non_null(point);
  for (const char *p = s + neg; p < point; p++) kroner = kroner * 10 + (*p - '0');
  cents = (point[1] - '0') * 10 + (point[2] - '0');
  long long v = kroner * 100 + cents;
  return neg ? -v : v;
}

/* The exact column of one stored row (run_rows) or part (run_parts), as
** SQLite holds it: its type and value. */
static long long stored_exact(sqlite3 *raw, const char *sql, int *type) {
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(raw, sql, -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  *type = sqlite3_column_type(st, 0);
  long long v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

/* Every row's and part's exact amount of a saved document is the INTEGER
** worked out from its text, and the run loads back as the same document. */
static void every_amount_stored_as_its_ore(void **state) {
  (void)state;
  cs_doc *doc = testdoc(2, 3, 5, "Ore");
  cs_rundb *db = open_write();
  int64_t id = -1;
  cs_error err = {0, ""};
  if (cs_rundb_save(db, doc, &testmeta, &id, &err)) fail_msg("save: %s", err.msg);
  assert_true(loads_back(db, id, doc));
  cs_rundb_close(db);
  sqlite3 *raw;
  assert_int_equal(sqlite3_open_v2(path, &raw, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  size_t checked = 0, negative = 0;
  for (size_t s = 0; s < doc->nruns; s++)
    for (size_t r = 0; r < doc->runs[s].nrows; r++) {
      const cs_doc_row *row = &doc->runs[s].rows[r];
      char sql[256];
      int type;
      snprintf(sql, sizeof sql, "SELECT exact_ore FROM run_rows WHERE run_id = %lld AND scenario = %zu AND idx = %zu",
               (long long)id, s, r);
      long long v = stored_exact(raw, sql, &type);
      assert_int_equal(type, SQLITE_INTEGER);
      assert_int_equal(v, ore_of_text(row->exact));
      checked++;
      for (size_t p = 0; p < row->nparts; p++) {
        snprintf(sql, sizeof sql,
                 "SELECT exact_ore FROM run_parts WHERE run_id = %lld AND scenario = %zu AND row_idx = %zu AND idx = %zu",
                 (long long)id, s, r, p);
        v = stored_exact(raw, sql, &type);
        assert_int_equal(type, SQLITE_INTEGER);
        assert_int_equal(v, ore_of_text(row->parts[p].exact));
        negative += v < 0;
        checked++;
      }
    }
  assert_true(checked > 60);
  assert_true(negative > 0); /* the test document has negative parts ("-16.90") */
  sqlite3_close(raw);
  cs_doc_free(doc);
}

/* The column's range: 2^53 kroner and a half either way is stored, one øre
** more is refused by its CHECK, named by its place. */
static void limits_of_the_range(void **state) {
  (void)state;
  cs_doc *doc = testdoc(1, 1, 3, "Ore");
  cs_rundb *db = open_write();
  cs_error err = {0, ""};
  int64_t id = -1;
  char *was = doc->runs[0].rows[1].parts[0].exact;
  static const struct {
    const char *text;
    long long ore;
  } kept[] = {{"9007199254740992.50", 900719925474099250LL},
              {"-9007199254740992.50", -900719925474099250LL},
              {"0.00", 0},
              {"-0.01", -1},
              {"0.10", 10}};
  sqlite3 *raw;
  for (size_t k = 0; k < sizeof kept / sizeof *kept; k++) {
    char text[32];
    snprintf(text, sizeof text, "%s", kept[k].text);
    doc->runs[0].rows[1].parts[0].exact = text;
    if (cs_rundb_save(db, doc, &testmeta, &id, &err)) fail_msg("%s: %s", kept[k].text, err.msg);
    assert_int_equal(sqlite3_open_v2(path, &raw, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    char sql[160];
    int type;
    snprintf(sql, sizeof sql,
             "SELECT exact_ore FROM run_parts WHERE run_id = %lld AND scenario = 0 AND row_idx = 1 AND idx = 0",
             (long long)id);
    assert_int_equal(stored_exact(raw, sql, &type), kept[k].ore);
    assert_int_equal(type, SQLITE_INTEGER);
    sqlite3_close(raw);
  }
  static const char *const beyond[] = {"9007199254740992.51", "-9007199254740992.51", "9999999999999999.99"};
  for (size_t k = 0; k < sizeof beyond / sizeof *beyond; k++) {
    char text[32];
    snprintf(text, sizeof text, "%s", beyond[k]);
    doc->runs[0].rows[1].parts[0].exact = text;
    assert_int_equal(cs_rundb_save(db, doc, &testmeta, &id, &err), CS_EINVAL);
    if (!strstr(err.msg, "nothing was saved: run 1, row 2 (2023 1801), part 1: CHECK constraint failed"))
      fail_msg("%s: %s", beyond[k], err.msg);
  }
  doc->runs[0].rows[1].parts[0].exact = was;
  cs_rundb_close(db);
  cs_doc_free(doc);
}

/* Texts that are not an amount as the document writes one: refused at the
** row or part they are in, and nothing of that save is stored. "1234" would
** be 1234 øre to SQLite, and "007.00", "-0.00" would not read back as they
** were given. */
static void non_amounts_refused_by_their_place(void **state) {
  (void)state;
  static const char *const bad[] = {"1234",   "007.00", "-0.00",  "12.5",  "12.345", "",     "-",
                                    "1.2.34", ".50",    "+1.00",  " 1.00", "1.00 ", "1e3.00",
                                    "10000000000000000.00"};
  cs_doc *doc = testdoc(1, 2, 4, "Ore");
  cs_rundb *db = open_write();
  cs_error err = {0, ""};
  int64_t id = -7;
  for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
    char text[32];
    snprintf(text, sizeof text, "%s", bad[k]);
    char *was = doc->runs[0].rows[5].parts[1].exact;
    doc->runs[0].rows[5].parts[1].exact = text;
    assert_int_equal(cs_rundb_save(db, doc, &testmeta, &id, &err), CS_EINVAL);
    if (!strstr(err.msg, "nothing was saved: run 1, row 6 (2024 1801), part 2: NOT NULL constraint failed: "
                         "run_parts.exact"))
      fail_msg("part \"%s\": %s", bad[k], err.msg);
    doc->runs[0].rows[5].parts[1].exact = was;
    was = doc->runs[0].rows[3].exact;
    doc->runs[0].rows[3].exact = text;
    assert_int_equal(cs_rundb_save(db, doc, &testmeta, &id, &err), CS_EINVAL);
    if (!strstr(err.msg, "nothing was saved: run 1, row 4 (2023 1803): NOT NULL constraint failed: run_rows.exact"))
      fail_msg("row \"%s\": %s", bad[k], err.msg);
    doc->runs[0].rows[3].exact = was;
  }
  assert_int_equal(id, -7);
  cs_rundb_info *list;
  size_t n;
  assert_int_equal(cs_rundb_list(db, &list, &n, &err), 0);
  assert_int_equal(n, 0);
  cs_rundb_info_free(list, n);
  /* the document itself is saved whole */
  if (cs_rundb_save(db, doc, &testmeta, &id, &err)) fail_msg("save: %s", err.msg);
  assert_true(loads_back(db, id, doc));
  cs_rundb_close(db);
  cs_doc_free(doc);
}

/* A coopsim of schema version 2 that opened the store before it was
** upgraded writes its amounts as text into a column named exact: in version
** 3 there is none, so its insert fails instead of "500.00" becoming 500
** øre (review5 F2). */
static void an_old_writers_insert_fails(void **state) {
  (void)state;
  cs_doc *doc = testdoc(1, 1, 2, "Ore");
  cs_rundb *db = open_write();
  int64_t id = -1;
  cs_error err = {0, ""};
  if (cs_rundb_save(db, doc, &testmeta, &id, &err)) fail_msg("save: %s", err.msg);
  cs_rundb_close(db);
  sqlite3 *raw;
  assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
  static const char *const old[] = {
      "INSERT INTO run_parts (run_id, scenario, row_idx, idx, name, rounded, exact, explain)"
      " VALUES (1, 0, 0, 9, 'x', 500, '500.00', NULL)",
      "INSERT INTO run_rows (run_id, scenario, idx, year, code, name, cooperation, population, months,"
      " charged_months, host, total, exact, nparts) VALUES (1, 0, 9, 2024, '0301', 'x', 'c', 1, 12, 12, 0,"
      " 500, '500.00', 0)"};
  for (size_t i = 0; i < sizeof old / sizeof *old; i++) {
    char *msg = NULL;
    assert_int_not_equal(sqlite3_exec(raw, old[i], NULL, NULL, &msg), SQLITE_OK);
    assert_non_null(msg);
    assert_non_null(strstr(msg, "no column named exact"));
    sqlite3_free(msg);
  }
  sqlite3_close(raw);
  cs_doc_free(doc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(every_amount_stored_as_its_ore, setup, teardown),
      cmocka_unit_test_setup_teardown(limits_of_the_range, setup, teardown),
      cmocka_unit_test_setup_teardown(non_amounts_refused_by_their_place, setup, teardown),
      cmocka_unit_test_setup_teardown(an_old_writers_insert_fails, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
