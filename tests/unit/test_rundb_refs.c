/*
** test_rundb_refs.c: a save's references. A save turns the foreign keys off
** while it inserts and checks its run's references once, before COMMIT
** (rundb.c dangling_sql); for every FOREIGN KEY of the schema, a save whose
** rows would refer to a missing parent there is refused, the message names
** that table, and nothing of it is stored; the runs stored before are
** untouched and the store still verifies.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include "rundb_testdoc.h"
#include "rundb_teststore.h"

/* Runs sql on the store through a connection of its own (a trigger that a
** save's inserts will fire). */
static void edit_store(const char *sql) {
  sqlite3 *raw;
  char *msg = NULL;
  assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
  if (sqlite3_exec(raw, sql, NULL, NULL, &msg) != SQLITE_OK) fail_msg("%s: %s", sql, msg ? msg : "");
  sqlite3_close(raw);
}

/* One foreign key of the schema: child (from...) REFERENCES parent (to...). */
typedef struct fkey {
  char child[64], parent[64];
  char from[8][32];
  int ncols;
} fkey;

/* Every foreign key of the store's tables, from SQLite's own list. */
static size_t foreign_keys(fkey *out, size_t max) {
  sqlite3 *raw;
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(raw,
                                      "SELECT m.name, f.id, f.\"table\", f.\"from\" FROM sqlite_schema m,"
                                      " pragma_foreign_key_list(m.name) f WHERE m.type = 'table'"
                                      " ORDER BY m.name, f.id, f.seq",
                                      -1, &st, NULL),
                   SQLITE_OK);
  size_t n = 0;
  int last_id = -1;
  char last_child[64] = "";
  while (sqlite3_step(st) == SQLITE_ROW) {
    const char *child = (const char *)sqlite3_column_text(st, 0);
    int id = sqlite3_column_int(st, 1);
    if (n == 0 || id != last_id || strcmp(child, last_child) != 0) {
      assert_true(n < max);
      fkey *k = &out[n++];
      memset(k, 0, sizeof *k);
      snprintf(k->child, sizeof k->child, "%s", child);
      snprintf(k->parent, sizeof k->parent, "%s", (const char *)sqlite3_column_text(st, 2));
      snprintf(last_child, sizeof last_child, "%s", child);
      last_id = id;
    }
    fkey *k = &out[n - 1];
    assert_true(k->ncols < 8);
    snprintf(k->from[k->ncols++], sizeof k->from[0], "%s", (const char *)sqlite3_column_text(st, 3));
  }
  sqlite3_finalize(st);
  sqlite3_close(raw);
  return n;
}

static int stored_runs(cs_rundb *db) {
  cs_rundb_info *infos = NULL;
  size_t n = 0;
  cs_error err = {0, ""};
  if (cs_rundb_list(db, &infos, &n, &err)) fail_msg("list: %s", err.msg);
  cs_rundb_info_free(infos, n);
  return (int)n;
}

/* For each foreign key, a trigger makes the second run's rows of its child
** table refer to no parent: each referring column other than run_id in
** turn moved a million on (only this relation is broken: the rows that
** refer to the moved row are checked after it), or, when run_id is the
** only one, the parent deleted. The save is refused naming the child and the parent,
** the store keeps run 1 alone and verifies. */
static void every_foreign_key_is_checked_for_the_run(void **state) {
  (void)state;
  cs_doc *doc = testdoc(2, 2, 3, "Refs");
  cs_rundb *db = open_write();
  int64_t id = -1;
  cs_error err = {0, ""};
  if (cs_rundb_save(db, doc, &testmeta, &id, &err)) fail_msg("save: %s", err.msg);
  assert_int_equal(id, 1);
  cs_rundb_close(db);

  fkey keys[32];
  size_t n = foreign_keys(keys, 32);
  assert_int_equal(n, 9); /* run_scenarios, run_rows, run_parts, run_years, their amounts and
                             events, services, invoices, invoice lines */
  size_t cases = 0;
  for (size_t i = 0; i < n; i++) {
    const fkey *k = &keys[i];
    /* each referring column but run_id moved in turn; with run_id alone, the parent deleted */
    int ncases = 0;
    for (int c = 0; c < k->ncols; c++) ncases += strcmp(k->from[c], "run_id") != 0;
    for (int c = 0, done = 0; done < (ncases ? ncases : 1); c++) {
      char sql[512];
      if (ncases && strcmp(k->from[c], "run_id") == 0) continue;
      if (ncases)
        snprintf(sql, sizeof sql,
                 "CREATE TRIGGER dangle AFTER INSERT ON %s WHEN NEW.run_id = 2 BEGIN"
                 " UPDATE %s SET %s = %s + 1000000 WHERE rowid = NEW.rowid; END",
                 k->child, k->child, k->from[c], k->from[c]);
      else
        snprintf(sql, sizeof sql,
                 "CREATE TRIGGER dangle AFTER INSERT ON %s WHEN NEW.run_id = 2 BEGIN"
                 " DELETE FROM %s WHERE rowid = NEW.run_id; END",
                 k->child, k->parent);
      done++;
      cases++;
      edit_store(sql);

      db = open_write();
      id = -1;
      err = (cs_error){0, ""};
      int rc = cs_rundb_save(db, doc, &testmeta, &id, &err);
      if (rc == 0) fail_msg("%s: a dangling row was saved as run %lld", sql, (long long)id);
      assert_int_equal(rc, CS_EINVAL);
      char want[256];
      snprintf(want, sizeof want, "nothing was saved: a row of %s (", k->child);
      if (!strstr(err.msg, want)) fail_msg("%s: expected \"%s\" in: %s", sql, want, err.msg);
      snprintf(want, sizeof want, "refers to a missing row of %s", k->parent);
      if (!strstr(err.msg, want)) fail_msg("%s: expected \"%s\" in: %s", sql, want, err.msg);
      assert_non_null(strstr(err.msg, path));
      assert_int_equal(stored_runs(db), 1);
      cs_rundb_close(db);

      edit_store("DROP TRIGGER dangle");
      db = open_write();
      if (cs_rundb_verify(db, &err)) fail_msg("%s: verify: %s", sql, err.msg);
      assert_true(loads_back(db, 1, doc));
      cs_rundb_close(db);
    }
  }
  assert_int_equal(cases, 16); /* 1 + 1 + 2 + 1 + 2 + 2 + 2 + 2 + 3 referring columns */

  /* without the triggers the same document is saved, as run 2 */
  db = open_write();
  if (cs_rundb_save(db, doc, &testmeta, &id, &err)) fail_msg("save: %s", err.msg);
  assert_int_equal(id, 2);
  assert_true(loads_back(db, 2, doc));
  assert_int_equal(cs_rundb_verify(db, &err), 0);
  cs_rundb_close(db);
  cs_doc_free(doc);
}

/* The checks are of the run being saved: a dangling row of another run (an
** altered store) does not stop a save, and is still what `runs verify`
** finds. */
static void other_runs_are_not_rechecked(void **state) {
  (void)state;
  cs_doc *doc = testdoc(1, 2, 3, "Refs");
  cs_rundb *db = open_write();
  int64_t id = -1;
  cs_error err = {0, ""};
  if (cs_rundb_save(db, doc, &testmeta, &id, &err)) fail_msg("save: %s", err.msg);
  cs_rundb_close(db);
  edit_store("PRAGMA foreign_keys = OFF; DELETE FROM run_rows WHERE run_id = 1 AND scenario = 0 AND idx = 1");
  db = open_write();
  if (cs_rundb_save(db, doc, &testmeta, &id, &err)) fail_msg("save: %s", err.msg);
  assert_int_equal(id, 2);
  assert_true(loads_back(db, 2, doc));
  assert_int_not_equal(cs_rundb_verify(db, &err), 0);
  assert_non_null(strstr(err.msg, "refers to a missing"));
  cs_rundb_close(db);
  cs_doc_free(doc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(every_foreign_key_is_checked_for_the_run, setup, teardown),
      cmocka_unit_test_setup_teardown(other_runs_are_not_rechecked, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
