/*
** test_rundb.c: the run store — exact round trips, listing, hostile names
** (RELIABILITY 20) and files that must be refused before anything runs
** (RELIABILITY 24).
*/
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <cmocka.h>
#include <sqlite3.h>
#include "coopsim/sha256.h"
#include "coopsim/thread.h"
#include "rundb_testdoc.h"
#include "rundb_teststore.h"
#include "../../core/rundb_internal.h" /* --beside: cs_rundb_test_beside */
#include "../../core/sqlite_open.h"   /* cs_sqlite_open_at, below the store */

static int beside; /* --beside: every run's parts read beside its rows */

static int64_t save(cs_rundb *db, const cs_doc *doc, const cs_rundb_meta *meta) {
  int64_t id = -1;
  cs_error err = {0, ""};
  if (cs_rundb_save(db, doc, meta, &id, &err)) fail_msg("save: %s", err.msg);
  return id;
}

static char *read_all(const char *file, size_t *len) {
  FILE *f = fopen(file, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *b = malloc((size_t)n + 1);
  *len = fread(b, 1, (size_t)n, f);
  fclose(f);
  return b;
}

/* Writes the len bytes at b as the whole of file (a store put back as it was). */
static void write_all(const char *file, const char *b, size_t len) {
  FILE *f = fopen(file, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(b, 1, len, f), len);
  fclose(f);
}

/* ---- round trips ----------------------------------------------------------- */

static void round_trip_is_exact(void **state) {
  (void)state;
  cs_doc *doc = testdoc(3, 4, 6, "Helgeland");
  static const char text[] = "-- a scenario\0with a NUL byte\nprint('x')\n";
  cs_rundb_meta meta = {"embedded sha256:abc", "scenarios/x.lua", text, sizeof text - 1, "--format json"};
  cs_rundb *db = open_write();
  int64_t id = save(db, doc, &meta);
  assert_int_equal(id, 1);
  cs_rundb_close(db);

  cs_rundb_options ro = CS_RUNDB_OPTIONS_INIT;
  cs_error err = {0, ""};
  assert_int_equal(cs_rundb_open(&db, path, &ro, &err), 0);
  cs_doc *back = NULL;
  cs_rundb_info info;
  size_t taken = cs_rundb_test_beside_taken(), rows_taken = cs_rundb_test_beside_rows_taken();
  assert_int_equal(cs_rundb_load(db, id, &back, &info, &err), 0);
  /* --beside: the parts and the last scenario's rows were read on the
  ** second thread, not by the fallback */
  assert_int_equal(cs_rundb_test_beside_taken() - taken, beside ? 1 : 0);
  assert_int_equal(cs_rundb_test_beside_rows_taken() - rows_taken, beside ? 1 : 0);
  /* the stored file name replaces the document's */
  free(doc->scenario_file);
  doc->scenario_file = malloc(20);
  strcpy(doc->scenario_file, "scenarios/x.lua");
  assert_true(docs_equal(doc, back));
  assert_int_equal(back->nruns, 3);
  assert_int_equal(back->runs[2].nrows, 24);
  assert_string_equal(back->runs[0].rows[0].merged, "1801+1802");
  assert_null(back->runs[0].rows[1].given);
  assert_int_equal(back->runs[0].rows[0].population, -1);
  /* metadata, and the scenario text byte for byte */
  char sha[CS_SHA256_HEX];
  assert_string_equal(info.scenario_sha256, cs_sha256_hex(text, sizeof text - 1, sha, NULL));
  assert_int_equal(info.scenario_len, sizeof text - 1);
  assert_memory_equal(info.scenario_text, text, sizeof text - 1);
  assert_string_equal(info.registry_version, "embedded sha256:abc");
  assert_string_equal(info.coopsim_version, COOPSIM_VERSION);
  assert_string_equal(info.options, "--format json");
  assert_string_equal(info.scenarios, "Helgeland 0, Helgeland 1, Helgeland 2");
  assert_int_equal(info.nrows, 72);
  assert_int_equal(strlen(info.created), 20);
  assert_int_equal(info.created[10], 'T');
  assert_int_equal(cs_rundb_verify(db, &err), 0);
  cs_rundb_info_clear(&info);
  cs_doc_free(back);
  cs_doc_free(doc);
  cs_rundb_close(db);
}

/* Read for a report that shows no explanations: the parts' explanations are
** left unread, everything else is as saved. */
static void read_without_explanations(void **state) {
  (void)state;
  cs_doc *doc = testdoc(2, 2, 5, "Helgeland");
  cs_rundb *db = open_write();
  int64_t id = save(db, doc, &testmeta);
  cs_rundb_close(db);
  cs_error err = {0, ""};
  assert_int_equal(cs_rundb_open(&db, path, NULL, &err), 0);
  cs_doc *back = NULL;
  assert_int_equal(cs_rundb_load_doc(db, id, 0, &back, NULL, &err), 0);
  assert_int_equal(back->no_explanations, 1);
  size_t explained = 0;
  for (size_t s = 0; s < doc->nruns; s++)
    for (size_t i = 0; i < doc->runs[s].nrows; i++)
      for (size_t p = 0; p < doc->runs[s].rows[i].nparts; p++) {
        assert_null(back->runs[s].rows[i].parts[p].explain);
        cs_doc_part *part = &doc->runs[s].rows[i].parts[p];
        explained += part->explain != NULL;
        if (!doc->arena) free(part->explain);
        part->explain = NULL;
      }
  assert_true(explained > 0); /* the saved document had some */
  assert_true(docs_equal(doc, back));
  cs_doc_free(back);
  cs_doc_free(doc);
  cs_rundb_close(db);
}

static void sha256_known_value(void **state) {
  (void)state;
  char sha[CS_SHA256_HEX];
  assert_string_equal(cs_sha256_hex("abc", 3, sha, NULL),
                      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  assert_string_equal(cs_sha256_hex("", 0, sha, NULL),
                      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void list_and_missing(void **state) {
  (void)state;
  cs_doc *a = testdoc(1, 1, 2, "A"), *b = testdoc(2, 2, 3, "B");
  cs_rundb_meta no_text = {"reg", NULL, NULL, 0, NULL};
  cs_rundb *db = open_write();
  assert_int_equal(save(db, a, &no_text), 1);
  assert_int_equal(save(db, b, &testmeta), 2);
  cs_rundb_info *list;
  size_t n;
  cs_error err = {0, ""};
  assert_int_equal(cs_rundb_list(db, &list, &n, &err), 0);
  assert_int_equal(n, 2);
  assert_int_equal(list[0].id, 1);
  assert_string_equal(list[0].scenario_file, "test.lua"); /* from the document */
  assert_null(list[0].scenario_sha256);
  assert_string_equal(list[0].options, "");
  assert_string_equal(list[1].scenarios, "B 0, B 1");
  assert_int_equal(list[1].nscenarios, 2);
  assert_int_equal(list[1].nrows, 12);
  assert_null(list[1].scenario_text);
  cs_rundb_info_free(list, n);
  cs_doc *back = NULL;
  assert_int_equal(cs_rundb_load(db, 3, &back, NULL, &err), CS_ENOTFOUND);
  assert_null(back);
  assert_non_null(strstr(err.msg, "no stored run 3"));
  assert_true(loads_back(db, 1, a));
  cs_doc_free(a);
  cs_doc_free(b);
  cs_rundb_close(db);
}

/* A value the schema refuses stops the save: nothing of it is stored. */
static void refused_value_saves_nothing(void **state) {
  (void)state;
  cs_doc *doc = testdoc(2, 2, 3, "C");
  cs_rundb *db = open_write();
  save(db, doc, &testmeta);
  doc->runs[1].years[1].agreement_months = 13; /* the last thing saved */
  int64_t id = -7;
  cs_error err = {0, ""};
  assert_int_equal(cs_rundb_save(db, doc, &testmeta, &id, &err), CS_EINVAL);
  assert_int_equal(id, -7);
  assert_non_null(strstr(err.msg, "nothing was saved"));
  assert_non_null(strstr(err.msg, "run 2, year entry 2"));
  cs_rundb_info *list;
  size_t n;
  assert_int_equal(cs_rundb_list(db, &list, &n, &err), 0);
  assert_int_equal(n, 1);
  cs_rundb_info_free(list, n);
  assert_int_equal(cs_rundb_verify(db, &err), 0);
  /* and the store still takes the next run */
  doc->runs[1].years[1].agreement_months = 12;
  assert_int_equal(save(db, doc, &testmeta), 2);
  cs_rundb_close(db);
  cs_doc_free(doc);
}

/* A refused value deep inside a run (a part's exact amount, a line of the
** year's costs) is named by its place: the message is made only when an
** insert fails, from the run, row, part or entry it was saving. */
static void refused_value_named_by_its_place(void **state) {
  (void)state;
  cs_doc *doc = testdoc(2, 2, 3, "C");
  cs_rundb *db = open_write();
  char *was = doc->runs[1].rows[4].parts[1].exact;
  char bad[] = "12.5"; /* not two decimals: no øre to store (NULL), refused */
  doc->runs[1].rows[4].parts[1].exact = bad;
  int64_t id = -7;
  cs_error err = {0, ""};
  assert_int_equal(cs_rundb_save(db, doc, &testmeta, &id, &err), CS_EINVAL);
  assert_int_equal(id, -7);
  /* rows are year by year, members by code: row 5 is 2024's second member */
  if (!strstr(err.msg, "nothing was saved: run 2, row 5 (2024 1801), part 2: NOT NULL constraint failed: "
                       "run_parts.exact"))
    fail_msg("%s", err.msg);
  doc->runs[1].rows[4].parts[1].exact = was;
  char *line = doc->runs[0].years[1].lines[1].amount;
  doc->runs[0].years[1].lines[1].amount = bad;
  assert_int_equal(cs_rundb_save(db, doc, &testmeta, &id, &err), CS_EINVAL);
  if (!strstr(err.msg, "nothing was saved: run 1, year entry 2, line 2: CHECK constraint failed"))
    fail_msg("%s", err.msg);
  doc->runs[0].years[1].lines[1].amount = line;
  /* nothing of either was stored, and the store takes the run whole */
  cs_rundb_info *list;
  size_t n;
  assert_int_equal(cs_rundb_list(db, &list, &n, &err), 0);
  assert_int_equal(n, 0);
  cs_rundb_info_free(list, n);
  assert_int_equal(save(db, doc, &testmeta), 1);
  assert_true(loads_back(db, 1, doc));
  cs_rundb_close(db);
  cs_doc_free(doc);
}

/* Rows and parts go in 32 to a statement: a run of 100 rows (three full
** statements and 4 rows; 200 parts: six and 8) comes back exactly, and a
** value refused inside a full statement is still named by its own place. */
static void batched_rows_round_trip_and_refusal(void **state) {
  (void)state;
  cs_doc *doc = testdoc(1, 5, 20, "D");
  assert_int_equal(doc->runs[0].nrows, 100);
  cs_rundb *db = open_write();
  cs_error err = {0, ""};
  int64_t id = -7;
  char bad[] = "12.5";
  /* rows are year by year, 20 members each: row 40 is 2024's member 1819 */
  char *was = doc->runs[0].rows[39].parts[1].exact;
  doc->runs[0].rows[39].parts[1].exact = bad;
  assert_int_equal(cs_rundb_save(db, doc, &testmeta, &id, &err), CS_EINVAL);
  if (!strstr(err.msg, "nothing was saved: run 1, row 40 (2024 1819), part 2: NOT NULL constraint failed"))
    fail_msg("%s", err.msg);
  doc->runs[0].rows[39].parts[1].exact = was;
  was = doc->runs[0].rows[70].exact;
  doc->runs[0].rows[70].exact = bad;
  assert_int_equal(cs_rundb_save(db, doc, &testmeta, &id, &err), CS_EINVAL);
  if (!strstr(err.msg, "nothing was saved: run 1, row 71 (2026 1810): NOT NULL constraint failed: run_rows.exact"))
    fail_msg("%s", err.msg);
  doc->runs[0].rows[70].exact = was;
  assert_int_equal(id, -7);
  assert_int_equal(save(db, doc, &testmeta), 1);
  assert_int_equal(cs_rundb_verify(db, &err), 0);
  assert_true(loads_back(db, 1, doc));
  cs_rundb_info *list;
  size_t n;
  assert_int_equal(cs_rundb_list(db, &list, &n, &err), 0);
  assert_int_equal(n, 1);
  assert_int_equal(list[0].nrows, 100);
  cs_rundb_info_free(list, n);
  cs_rundb_close(db);
  cs_doc_free(doc);
}

/* Years and their cost lines and grants go in 32 to a statement too, with
** (run_id, scenario) bound once per statement: 40 years (one full statement
** and 8) and 120 amounts (2 lines and a grant a year: three full and 24)
** come back exactly, in their order, and a value refused inside a full
** statement is named by its own place. */
static void batched_years_and_amounts_round_trip_and_refusal(void **state) {
  (void)state;
  cs_doc *doc = testdoc(2, 40, 2, "Y");
  assert_int_equal(doc->runs[1].nyears, 40);
  assert_int_equal(doc->runs[1].years[19].nlines, 2);
  assert_int_equal(doc->runs[1].years[19].ngrants, 1);
  cs_rundb *db = open_write();
  cs_error err = {0, ""};
  int64_t id = -7;
  /* year entry 11 (2033) of run 2 is in its first, full statement */
  doc->runs[1].years[10].agreement_months = 13;
  assert_int_equal(cs_rundb_save(db, doc, &testmeta, &id, &err), CS_EINVAL);
  if (!strstr(err.msg, "nothing was saved: run 2, year entry 11 (2033): CHECK constraint failed"))
    fail_msg("%s", err.msg);
  doc->runs[1].years[10].agreement_months = 12;
  /* year 20's grant is amount 60 of run 2: in its second, full statement */
  char bad[] = "12.5";
  char *was = doc->runs[1].years[19].grant_list[0].amount;
  doc->runs[1].years[19].grant_list[0].amount = bad;
  assert_int_equal(cs_rundb_save(db, doc, &testmeta, &id, &err), CS_EINVAL);
  if (!strstr(err.msg, "nothing was saved: run 2, year entry 20, grant 1: CHECK constraint failed"))
    fail_msg("%s", err.msg);
  doc->runs[1].years[19].grant_list[0].amount = was;
  /* and a cost line of the last, partial statement */
  was = doc->runs[0].years[39].lines[1].amount;
  doc->runs[0].years[39].lines[1].amount = bad;
  assert_int_equal(cs_rundb_save(db, doc, &testmeta, &id, &err), CS_EINVAL);
  if (!strstr(err.msg, "nothing was saved: run 1, year entry 40, line 2: CHECK constraint failed"))
    fail_msg("%s", err.msg);
  doc->runs[0].years[39].lines[1].amount = was;
  assert_int_equal(id, -7);
  cs_rundb_info *list;
  size_t n;
  assert_int_equal(cs_rundb_list(db, &list, &n, &err), 0);
  assert_int_equal(n, 0);
  cs_rundb_info_free(list, n);
  assert_int_equal(save(db, doc, &testmeta), 1);
  assert_int_equal(cs_rundb_verify(db, &err), 0);
  assert_true(loads_back(db, 1, doc));
  cs_rundb_close(db);
  cs_doc_free(doc);
}

/* A store open for writing has the unix VFS's pwrite64 wrapped, so that the
** kernel starts writing a large save back before COMMIT syncs it
** (sqlite_open.c); the writes pass through unchanged: a save of several
** MiB (many hints) comes back exactly and the file checks whole. */
static void writeback_hint_keeps_every_byte(void **state) {
  (void)state;
  cs_rundb *db = open_write();
  sqlite3_vfs *v = sqlite3_vfs_find("unix");
  assert_non_null(v);
  assert_true(v->xGetSystemCall(v, "pwrite64") != (sqlite3_syscall_ptr)pwrite);
  cs_doc *doc = testdoc(1, 300, 45, "W"); /* members below 50: testdoc_json */
  assert_int_equal(save(db, doc, &testmeta), 1);
  cs_rundb_close(db);
  struct stat st;
  assert_int_equal(stat(path, &st), 0);
  if (st.st_size <= 2 * (1 << 20)) fail_msg("%lld bytes", (long long)st.st_size); /* two hints or more */
  db = open_write(); /* quick_check of the whole file */
  cs_error err = {0, ""};
  assert_int_equal(cs_rundb_verify(db, &err), 0);
  assert_true(loads_back(db, 1, doc));
  cs_rundb_close(db);
  cs_doc_free(doc);
}

/* ---- RELIABILITY 20: hostile text is data ------------------------------------ */

static void rel20_injection_name_stored_exactly(void **state) {
  (void)state;
  const char *evil = "x'); DROP TABLE runs;--";
  cs_doc *doc = testdoc(1, 1, 2, evil);
  cs_rundb_meta meta = {evil, evil, evil, strlen(evil), evil};
  cs_rundb *db = open_write();
  int64_t id = save(db, doc, &meta);
  cs_rundb_close(db);

  cs_error err = {0, ""};
  assert_int_equal(cs_rundb_open(&db, path, NULL, &err), 0);
  cs_doc *back = NULL;
  cs_rundb_info info;
  assert_int_equal(cs_rundb_load(db, id, &back, &info, &err), 0);
  assert_string_equal(back->runs[0].scenario, "x'); DROP TABLE runs;-- 0");
  assert_string_equal(back->runs[0].rows[0].name, "x'); DROP TABLE runs;-- member 0");
  assert_string_equal(back->runs[0].rows[0].given, evil);
  assert_string_equal(back->scenario_file, evil);
  assert_string_equal(info.options, evil);
  assert_string_equal(info.registry_version, evil);
  free(doc->scenario_file);
  doc->scenario_file = malloc(strlen(evil) + 1);
  strcpy(doc->scenario_file, evil);
  assert_true(docs_equal(doc, back));
  assert_int_equal(cs_rundb_verify(db, &err), 0);
  cs_rundb_info_clear(&info);
  cs_doc_free(back);
  cs_rundb_close(db);
  cs_doc_free(doc);

  /* the schema is intact: all six tables, and the file still takes runs */
  sqlite3 *raw;
  assert_int_equal(sqlite3_open_v2(path, &raw, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(raw,
                                      "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN"
                                      " ('runs', 'run_scenarios', 'run_rows', 'run_parts', 'run_years',"
                                      " 'run_year_amounts')",
                                      -1, &st, NULL),
                   SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  assert_int_equal(sqlite3_column_int(st, 0), 6);
  sqlite3_finalize(st);
  sqlite3_close(raw);
  db = open_write();
  cs_doc *again = testdoc(1, 1, 1, "after");
  assert_int_equal(save(db, again, &testmeta), 2);
  cs_doc_free(again);
  cs_rundb_close(db);
}

/* ---- RELIABILITY 24: bad files are refused, and left as they were ------------- */

/* Opens path for writing; must fail with a message containing `want`; the
** file's bytes must not change. With `reading`, opening it for reading must
** fail too. */
static void refused_to(const char *want, int busy_ms, int reading) {
  size_t before_len = 0, after_len = 0;
  char *before = read_all(path, &before_len);
  cs_rundb_options opt = CS_RUNDB_OPTIONS_INIT;
  opt.write = 1;
  opt.busy_ms = busy_ms;
  cs_rundb *db = NULL;
  cs_error err = {0, ""};
  assert_int_not_equal(cs_rundb_open(&db, path, &opt, &err), 0);
  assert_null(db);
  if (!strstr(err.msg, want)) fail_msg("expected \"%s\" in: %s", want, err.msg);
  assert_non_null(strstr(err.msg, path));
  if (reading) {
    opt.write = 0;
    assert_int_not_equal(cs_rundb_open(&db, path, &opt, &err), 0);
  }
  char *after = read_all(path, &after_len);
  assert_int_equal(before_len, after_len);
  if (before_len) assert_memory_equal(before, after, before_len);
  free(before);
  free(after);
}

/* A file refused for writing and for reading (for reading, except while a
** writer holds a lock). */
static void refused(const char *want, int busy_ms) { refused_to(want, busy_ms, busy_ms == 0); }

static void make_store_with_runs(int n) {
  cs_rundb *db = open_write();
  for (int i = 0; i < n; i++) {
    cs_doc *doc = testdoc(2, 3, 20, "filler");
    save(db, doc, &testmeta);
    cs_doc_free(doc);
  }
  cs_rundb_close(db);
}

static void set_header_int(int offset, uint32_t v) {
  unsigned char be[4] = {(unsigned char)(v >> 24), (unsigned char)(v >> 16), (unsigned char)(v >> 8),
                         (unsigned char)v};
  FILE *f = fopen(path, "r+b");
  assert_non_null(f);
  fseek(f, offset, SEEK_SET);
  assert_int_equal(fwrite(be, 1, 4, f), 4);
  fclose(f);
}

static void rel24_wrong_application_id(void **state) {
  (void)state;
  make_store_with_runs(1);
  set_header_int(68, 0x436f6f52); /* a coopsim registry's id */
  refused("not a coopsim run store (application_id 0x436f6f52)", 0);
}

static void rel24_plain_sqlite_file(void **state) {
  (void)state;
  sqlite3 *raw;
  assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
  assert_int_equal(sqlite3_exec(raw, "CREATE TABLE runs (x); INSERT INTO runs VALUES (1);", NULL, NULL, NULL),
                   SQLITE_OK);
  sqlite3_close(raw);
  refused("not a coopsim run store", 0);
}

static void rel24_newer_user_version(void **state) {
  (void)state;
  make_store_with_runs(1);
  set_header_int(60, CS_RUNDB_VERSION + 1);
  char want[96];
  snprintf(want, sizeof want, "made by a newer coopsim (run store version %d; this one reads %d)",
           CS_RUNDB_VERSION + 1, CS_RUNDB_VERSION);
  refused(want, 0);
}

static void rel24_random_bytes(void **state) {
  (void)state;
  FILE *f = fopen(path, "wb");
  srand(24);
  for (int i = 0; i < 20000; i++) fputc(rand() & 0xff, f);
  fclose(f);
  refused("file is not a database", 0);
}

static void rel24_truncated_file(void **state) {
  (void)state;
  make_store_with_runs(8);
  struct stat sb;
  assert_int_equal(stat(path, &sb), 0);
  assert_true(sb.st_size > 8 * 4096);
  assert_int_equal(truncate(path, sb.st_size / 2), 0);
  refused("malformed", 0);
}

/* only the last pages gone: the header's page count no longer matches */
static void rel24_truncated_tail(void **state) {
  (void)state;
  make_store_with_runs(8);
  struct stat sb;
  assert_int_equal(stat(path, &sb), 0);
  assert_int_equal(truncate(path, sb.st_size - 2 * 4096), 0);
  refused("malformed", 0);
}

/* Overwrites page `page` (from 1) of the store from byte `from` to its end. */
static void damage_page(long page, long from) {
  FILE *f = fopen(path, "r+b");
  assert_non_null(f);
  fseek(f, (page - 1) * 4096 + from, SEEK_SET);
  for (long i = from; i < 4096; i++) fputc(0x5a, f);
  fclose(f);
}

/* A page in the middle overwritten: the schema reads. A writer is refused
** (quick_check of the whole file before a run is added); a reader opens it
** and reads what it asks for: each run reads back exactly as saved, or is
** an error, never other figures; the page is some run's, and
** cs_rundb_verify names the damage. */
static void rel24_damaged_page(void **state) {
  (void)state;
  make_store_with_runs(8);
  struct stat sb;
  assert_int_equal(stat(path, &sb), 0);
  long page = (long)(sb.st_size / 4096) / 2;
  FILE *f = fopen(path, "r+b");
  assert_non_null(f);
  fseek(f, page * 4096 + 100, SEEK_SET);
  for (int i = 0; i < 3000; i++) fputc(0x5a, f);
  fclose(f);
  refused_to("damaged", 0, 0);
  cs_rundb *db = NULL;
  cs_error err = {0, ""};
  assert_int_equal(cs_rundb_open(&db, path, NULL, &err), 0);
  cs_doc *want = testdoc(2, 3, 20, "filler");
  int failed = 0;
  for (int64_t id = 1; id <= 8; id++) {
    cs_doc *back = NULL;
    if (cs_rundb_load(db, id, &back, NULL, &err) != 0) {
      failed++;
      assert_null(back);
      assert_non_null(strstr(err.msg, path));
    } else {
      assert_true(docs_equal(want, back));
      cs_doc_free(back);
    }
  }
  assert_true(failed >= 1);
  assert_int_not_equal(cs_rundb_verify(db, &err), 0);
  cs_doc_free(want);
  cs_rundb_close(db);
}

/* The page that holds the last rows of the run being read, damaged: that
** run is an error, the run before it reads as saved. */
static void damaged_page_of_the_run_read(void **state) {
  (void)state;
  cs_rundb *db = open_write();
  cs_doc *small = testdoc(1, 1, 3, "small"), *large = testdoc(2, 3, 40, "large");
  save(db, small, &testmeta);
  save(db, large, &testmeta);
  cs_rundb_close(db);
  /* the rightmost leaf of run_rows holds the last rows saved: run 2's */
  sqlite3 *raw;
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_open_v2(path, &raw, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(raw,
                                      "SELECT pageno FROM dbstat WHERE name = 'run_rows' AND pagetype = 'leaf'"
                                      " ORDER BY path DESC LIMIT 1",
                                      -1, &st, NULL),
                   SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  long page = (long)sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(raw);
  damage_page(page, 8); /* its header's first 8 bytes kept: a leaf that reads as one */
  cs_error err = {0, ""};
  assert_int_equal(cs_rundb_open(&db, path, NULL, &err), 0);
  cs_doc *back = NULL;
  assert_int_not_equal(cs_rundb_load(db, 2, &back, NULL, &err), 0);
  assert_null(back);
  if (!strstr(err.msg, "malformed")) fail_msg("%s", err.msg);
  assert_true(loads_back(db, 1, small));
  assert_int_not_equal(cs_rundb_verify(db, &err), 0);
  cs_rundb_close(db);
  cs_doc_free(small);
  cs_doc_free(large);
}

/* A stored run edited past what the schema allows (its CHECKs switched off
** for the edit), cut short or padded: reading it is an error naming what is
** wrong, never a document. */
static void edited_run_is_refused(void **state) {
  (void)state;
  make_store_with_runs(1);
  size_t len;
  char *orig = read_all(path, &len);
  static const struct {
    const char *sql, *want;
  } cases[] = {
      {"UPDATE run_rows SET months = 13 WHERE scenario = 0 AND idx = 1", "run_rows, field \"months\": 13 outside 0..12"},
      /* the second scenario's rows: --beside reads them on the second thread */
      {"UPDATE run_rows SET months = 14 WHERE scenario = 1 AND idx = 5", "run_rows, field \"months\": 14 outside 0..12"},
      {"UPDATE run_rows SET code = '' WHERE scenario = 1 AND idx = 7", "run_rows, field \"code\": not a member's code"},
      {"UPDATE run_rows SET idx = 60 WHERE scenario = 1 AND idx = 3", "damaged (rows out of order)"},
      {"UPDATE run_rows SET money = 2 WHERE scenario = 0 AND idx = 0", "run_rows, field \"money\": 2 outside 0..1"},
      {"UPDATE run_rows SET has_difference = 7 WHERE scenario = 0 AND idx = 3", "run_rows, field \"has_difference\""},
      {"UPDATE run_rows SET total = 9007199254740993 WHERE scenario = 0 AND idx = 2", "run_rows, field \"total\""},
      {"UPDATE run_year_amounts SET kind = 'aaa' WHERE scenario = 0 AND year_idx = 0 AND kind = 'grant'",
       "run_year_amounts, field \"kind\""},
      {"UPDATE run_invoice_lines SET settles = 5 WHERE scenario = 0 AND row_idx = 0 AND kind = 'settlement'",
       "run_invoice_lines, field \"settles\""},
      {"UPDATE run_parts SET name = 'equal' || char(27) || '[2J' WHERE scenario = 0 AND row_idx = 4 AND idx = 0",
       "run_parts, field \"name\": "},
      {"UPDATE run_scenarios SET year_to = 2000 WHERE idx = 1", "run_scenarios, field \"year_to\""},
      {"UPDATE run_years SET covers = 3 WHERE scenario = 0 AND idx = 0", "run_years, field \"covers\""},
      {"DELETE FROM run_parts WHERE scenario = 1 AND row_idx = 3 AND idx = 1",
       "incomplete (its parts are missing or extra)"},
      {"UPDATE run_rows SET nparts = 3 WHERE scenario = 0 AND idx = 59", "incomplete (its parts are missing or extra)"},
      {"DELETE FROM run_rows WHERE scenario = 1 AND idx = 59", "incomplete (its rows are missing or extra)"},
      {"UPDATE run_scenarios SET nyears = 4 WHERE idx = 0", "incomplete (its years are missing or extra)"},
      {"DELETE FROM run_invoice_lines WHERE scenario = 0 AND row_idx = 0 AND invoice_idx = 0 AND idx = 1",
       "incomplete (its invoice lines are missing or extra)"},
      {"UPDATE run_rows SET nservices = 0 WHERE idx = 0 AND scenario = 1", "incomplete (its services are missing or extra)"},
      {"DELETE FROM run_year_events WHERE idx = 0 AND scenario = 0", "damaged (events out of order)"},
      {"UPDATE run_parts SET idx = 5 WHERE scenario = 0 AND row_idx = 0 AND idx = 1", "damaged (parts out of order)"},
      {"UPDATE runs SET nscenarios = 3", "incomplete (its scenarios are missing or extra)"},
      {"UPDATE runs SET created = 'yesterday'", "damaged (runs, field \"created\": not a real UTC time"},
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    write_all(path, orig, len);
    sqlite3 *raw;
    assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
    char *msg = NULL;
    if (sqlite3_exec(raw, "PRAGMA foreign_keys = OFF; PRAGMA ignore_check_constraints = ON;", NULL, NULL, NULL) !=
            SQLITE_OK ||
        sqlite3_exec(raw, cases[k].sql, NULL, NULL, &msg) != SQLITE_OK || sqlite3_changes(raw) != 1)
      fail_msg("%s: %s (%d changes)", cases[k].sql, msg ? msg : "", sqlite3_changes(raw));
    sqlite3_close(raw);
    cs_rundb *db = NULL;
    cs_error err = {0, ""};
    assert_int_equal(cs_rundb_open(&db, path, NULL, &err), 0);
    cs_doc *back = NULL;
    cs_rundb_info info;
    if (cs_rundb_load(db, 1, &back, &info, &err) == 0) fail_msg("%s: read as a document", cases[k].sql);
    assert_null(back);
    if (!strstr(err.msg, cases[k].want) || !strstr(err.msg, path))
      fail_msg("%s: expected \"%s\" in: %s", cases[k].sql, cases[k].want, err.msg);
    cs_rundb_close(db);
  }
  free(orig);
}

/* Runs SQL on the store with its foreign keys and CHECKs off (an edit no
** coopsim writer makes). */
static void edit_store(const char *sql) {
  sqlite3 *raw;
  char *msg = NULL;
  assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
  if (sqlite3_exec(raw, "PRAGMA foreign_keys = OFF; PRAGMA ignore_check_constraints = ON;", NULL, NULL, NULL) !=
          SQLITE_OK ||
      sqlite3_exec(raw, sql, NULL, NULL, &msg) != SQLITE_OK)
    fail_msg("%s: %s", sql, msg ? msg : "");
  sqlite3_close(raw);
}

/* Two runs saved, then their rows and parts moved to other rowids by sql:
** each run reads back exactly as saved. A run is read in rowid order when
** its rows are one stretch of rowids in key order; these are not, and
** the reader must notice and read them in key order. */
static void moved_rows_read_as_saved(const char *sql) {
  cs_doc *a = testdoc(2, 3, 20, "first"), *b = testdoc(3, 2, 30, "second");
  cs_rundb *db = open_write();
  save(db, a, &testmeta);
  save(db, b, &testmeta);
  cs_rundb_close(db);
  edit_store(sql);
  cs_error err = {0, ""};
  assert_int_equal(cs_rundb_open(&db, path, NULL, &err), 0);
  for (int64_t id = 1; id <= 2; id++) {
    cs_doc *back = NULL;
    if (cs_rundb_load(db, id, &back, NULL, &err)) fail_msg("%s: run %lld: %s", sql, (long long)id, err.msg);
    assert_true(docs_equal(id == 1 ? a : b, back));
    cs_doc_free(back);
  }
  cs_rundb_close(db);
  cs_doc_free(a);
  cs_doc_free(b);
}

/* A store someone turned to WAL is read as saved, its parts by the first
** connection alone (--beside: none read beside): in WAL a writer commits
** while readers read, and two connections may see two snapshots. */
static void wal_store_read_by_one_connection(void **state) {
  (void)state;
  cs_doc *a = testdoc(2, 3, 20, "first");
  cs_rundb *db = open_write();
  save(db, a, &testmeta);
  cs_rundb_close(db);
  sqlite3 *raw;
  assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
  assert_int_equal(sqlite3_exec(raw, "PRAGMA journal_mode = WAL", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(raw);
  cs_error err = {0, ""};
  assert_int_equal(cs_rundb_open(&db, path, NULL, &err), 0);
  size_t taken = cs_rundb_test_beside_taken(), rows_taken = cs_rundb_test_beside_rows_taken();
  cs_doc *back = NULL;
  if (cs_rundb_load(db, 1, &back, NULL, &err)) fail_msg("%s", err.msg);
  assert_int_equal(cs_rundb_test_beside_taken(), taken);
  assert_int_equal(cs_rundb_test_beside_rows_taken(), rows_taken);
  assert_true(docs_equal(a, back));
  cs_doc_free(back);
  cs_rundb_close(db);
  cs_doc_free(a);
}

/* A store whose name comes to name another file while it is open: a copy
** with a part and a row edited (same lengths, same page counts), renamed
** over it, or a FIFO. The run reads as the open file holds it, every part
** of it too (--beside: the second connection is the first's file, and is
** taken), and a FIFO at the name holds nothing up. */
static void store_renamed_over_while_open(void **state) {
  (void)state;
  cs_doc *a = testdoc(2, 3, 20, "first");
  cs_rundb *db = open_write();
  save(db, a, &testmeta);
  cs_rundb_close(db);
  char other[640], fifo[640];
  snprintf(other, sizeof other, "%s.other", path);
  snprintf(fifo, sizeof fifo, "%s.fifo", path);
  for (int kind = 0; kind < 2; kind++) {
    size_t len;
    char *orig = read_all(path, &len);
    write_all(other, orig, len);
    sqlite3 *raw;
    assert_int_equal(sqlite3_open(other, &raw), SQLITE_OK);
    assert_int_equal(sqlite3_exec(raw,
                                  "UPDATE run_parts SET name = upper(name) WHERE rowid = 1;"
                                  "UPDATE run_rows SET name = upper(name) WHERE rowid = 1",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(raw);
    cs_error err = {0, ""};
    assert_int_equal(cs_rundb_open(&db, path, NULL, &err), 0);
    if (kind == 0) {
      assert_int_equal(rename(other, path), 0);
    } else {
      unlink(fifo);
      assert_int_equal(mkfifo(fifo, 0600), 0);
      assert_int_equal(rename(fifo, path), 0);
      unlink(other);
    }
    size_t taken = cs_rundb_test_beside_taken();
    cs_doc *back = NULL;
    if (cs_rundb_load(db, 1, &back, NULL, &err)) fail_msg("%s", err.msg);
    assert_int_equal(cs_rundb_test_beside_taken() - taken, beside ? 1 : 0);
    assert_true(docs_equal(a, back));
    cs_doc_free(back);
    cs_rundb_close(db);
    unlink(path);
    write_all(path, orig, len); /* the store as saved, for the next kind */
    free(orig);
  }
  cs_doc_free(a);
}

/* Standard input closed when the store is opened (a launcher that closes
** 0-2): SQLite puts /dev/null on the descriptor it got first and opens the
** store again; the second reader (--beside) has the store, not /dev/null. */
static void store_opened_with_stdin_closed(void **state) {
  (void)state;
  cs_doc *a = testdoc(2, 3, 20, "first");
  cs_rundb *db = open_write();
  save(db, a, &testmeta);
  cs_rundb_close(db);
  int saved = dup(0);
  assert_true(saved >= 0);
  close(0);
  cs_error err = {0, ""};
  int rc = cs_rundb_open(&db, path, NULL, &err);
  size_t taken = cs_rundb_test_beside_taken();
  cs_doc *back = NULL;
  if (!rc) rc = cs_rundb_load(db, 1, &back, NULL, &err);
  size_t now = cs_rundb_test_beside_taken();
  if (db) cs_rundb_close(db);
  assert_int_equal(dup2(saved, 0), 0);
  close(saved);
  if (rc) fail_msg("%s", err.msg);
  assert_int_equal(now - taken, beside ? 1 : 0);
  assert_true(docs_equal(a, back));
  cs_doc_free(back);
  cs_doc_free(a);
}

/* A limit on the data less than 1 GiB above what the process holds (a
** tight `ulimit -d` or `-v`): one reader, the run as saved (--beside:
** nothing read beside). */
static void one_reader_near_a_memory_limit(void **state) {
  (void)state;
  struct rlimit data;
  assert_int_equal(getrlimit(RLIMIT_DATA, &data), 0);
  if (data.rlim_cur != RLIM_INFINITY) skip();
  cs_doc *a = testdoc(2, 3, 20, "first");
  cs_rundb *db = open_write();
  save(db, a, &testmeta);
  cs_rundb_close(db);
  unsigned long long used = 0;
  assert_int_equal(cs_thread_address_space(&used), 0);
  struct rlimit near = {used + ((rlim_t)512 << 20), data.rlim_max};
  cs_error err = {0, ""};
  assert_int_equal(cs_rundb_open(&db, path, NULL, &err), 0);
  size_t taken = cs_rundb_test_beside_taken();
  cs_doc *back = NULL;
  assert_int_equal(setrlimit(RLIMIT_DATA, &near), 0);
  int rc = cs_rundb_load(db, 1, &back, NULL, &err);
  assert_int_equal(setrlimit(RLIMIT_DATA, &data), 0);
  if (rc) fail_msg("%s", err.msg);
  assert_int_equal(cs_rundb_test_beside_taken(), taken);
  assert_true(docs_equal(a, back));
  cs_doc_free(back);
  cs_rundb_close(db);
  cs_doc_free(a);
}

static void rows_in_reverse_rowid_order(void **state) {
  (void)state;
  moved_rows_read_as_saved("UPDATE run_rows SET rowid = 1000000 - rowid; UPDATE run_parts SET rowid = 1000000 - rowid");
}

/* the two runs' rows and parts interleaved: each run's stretch holds the other's */
static void rows_of_two_runs_interleaved(void **state) {
  (void)state;
  moved_rows_read_as_saved(
      "UPDATE run_rows SET rowid = 1000000 + 2 * rowid WHERE run_id = 1;"
      "UPDATE run_rows SET rowid = 1000001 + 2 * (rowid - (SELECT min(rowid) FROM run_rows WHERE run_id = 2))"
      " WHERE run_id = 2;"
      "UPDATE run_parts SET rowid = 1000000 + 2 * rowid WHERE run_id = 1;"
      "UPDATE run_parts SET rowid = 1000001 + 2 * (rowid - (SELECT min(rowid) FROM run_parts WHERE run_id = 2))"
      " WHERE run_id = 2");
}

/* one row, then one part, of the first run moved past the second run's */
static void one_row_moved_away(void **state) {
  (void)state;
  moved_rows_read_as_saved("UPDATE run_rows SET rowid = 5000000 WHERE run_id = 1 AND scenario = 0 AND idx = 7;"
                           "UPDATE run_parts SET rowid = 5000000 WHERE run_id = 1 AND scenario = 1 AND row_idx = 3"
                           " AND idx = 1");
}

/* A run with a row or part more than its parents claim, stored at a rowid
** away from its others, or a stored amount not as the schema allows:
** refused, as when its rows are read in key order. */
static void extra_child_away_from_the_run_refused(void **state) {
  (void)state;
  make_store_with_runs(2);
  size_t len;
  char *orig = read_all(path, &len);
  static const struct {
    const char *sql, *want;
  } cases[] = {
      {"INSERT INTO run_parts (rowid, run_id, scenario, row_idx, idx, name, rounded, exact_ore)"
       " SELECT 5000000, run_id, scenario, row_idx, idx + 1, name, rounded, exact_ore FROM run_parts"
       " WHERE run_id = 1 AND scenario = 0 AND row_idx = 2 ORDER BY idx DESC LIMIT 1",
       "incomplete (its parts are missing or extra)"},
      /* a row after the second run's (the next rowid) */
      {"CREATE TEMP TABLE t AS SELECT * FROM run_rows WHERE run_id = 1 AND scenario = 0 AND idx = 0;"
       " UPDATE t SET idx = (SELECT count(*) FROM run_rows WHERE run_id = 1 AND scenario = 0);"
       " INSERT INTO run_rows SELECT * FROM t",
       "incomplete (its rows are missing or extra)"},
      /* as many parts as claimed: the last one gone, one more of the first row's away */
      {"DELETE FROM run_parts WHERE rowid = (SELECT max(rowid) FROM run_parts WHERE run_id = 1);"
       " INSERT INTO run_parts (rowid, run_id, scenario, row_idx, idx, name, rounded, exact_ore)"
       " SELECT 5000000, run_id, scenario, row_idx, idx + 1, name, rounded, exact_ore FROM run_parts"
       " WHERE run_id = 1 AND scenario = 0 AND row_idx = 0 ORDER BY idx DESC LIMIT 1",
       "incomplete (its parts are missing or extra)"},
      /* exact amounts are øre (schema version 3), within 2^53 kroner and a half */
      {"UPDATE run_parts SET exact_ore = 900719925474099251 WHERE run_id = 1 AND scenario = 0 AND row_idx = 4 AND idx = 0",
       "run_parts, field \"exact_ore\": 900719925474099251 outside -900719925474099250..900719925474099250"},
      {"UPDATE run_rows SET exact_ore = -900719925474099251 WHERE run_id = 1 AND scenario = 1 AND idx = 2",
       "run_rows, field \"exact_ore\": -900719925474099251 outside"},
      {"UPDATE run_rows SET exact_ore = 1 WHERE run_id = 1 AND scenario = 1 AND idx = 2",
       "is not the exact share 0.01 rounded"},
      {"UPDATE run_years SET cost = '1' || char(27) || '.00' WHERE run_id = 1 AND scenario = 1 AND idx = 0",
       "run_years, field \"cost\": byte 2 is a control character"},
      {"UPDATE run_years SET net = '-' WHERE run_id = 1 AND scenario = 0 AND idx = 1",
       "field \"net\": \"-\" is not an amount with two decimals"},
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    write_all(path, orig, len);
    edit_store(cases[k].sql);
    cs_rundb *db = NULL;
    cs_error err = {0, ""};
    assert_int_equal(cs_rundb_open(&db, path, NULL, &err), 0);
    cs_doc *back = NULL;
    if (cs_rundb_load(db, 1, &back, NULL, &err) == 0) fail_msg("%s: read as a document", cases[k].sql);
    assert_null(back);
    if (!strstr(err.msg, cases[k].want) || !strstr(err.msg, path))
      fail_msg("%s: expected \"%s\" in: %s", cases[k].sql, cases[k].want, err.msg);
    /* the other run is whole: it reads */
    if (cs_rundb_load(db, 2, &back, NULL, &err) != 0) fail_msg("%s: run 2: %s", cases[k].sql, err.msg);
    cs_doc_free(back);
    cs_rundb_close(db);
  }
  free(orig);
}

static void rel24_truncated_header(void **state) {
  (void)state;
  make_store_with_runs(1);
  assert_int_equal(truncate(path, 50), 0);
  refused("malformed", 0);
}

static void rel24_lock_held_past_busy_timeout(void **state) {
  (void)state;
  make_store_with_runs(1);
  sqlite3 *holder;
  assert_int_equal(sqlite3_open(path, &holder), SQLITE_OK);
  assert_int_equal(sqlite3_exec(holder, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  refused("database is locked", 200);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double waited = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
  assert_true(waited >= 0.19);
  /* a reader is not blocked by a writer's reserved lock, and once the lock
  ** is gone a writer gets in */
  cs_rundb *db = NULL;
  cs_error err = {0, ""};
  assert_int_equal(cs_rundb_open(&db, path, NULL, &err), 0);
  cs_rundb_close(db);
  sqlite3_exec(holder, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close(holder);
  cs_rundb_close(open_write());
}

/* Another process's reader holding a transaction open while a run is saved:
** the save's pages outgrow SQLite's cache (512 KB), which would write them
** to the file before COMMIT and so must wait for the reader; such a spill
** gives up at once and keeps them in memory (it waited busy_ms each time,
** 628 s for a national run), and COMMIT, which waits busy_ms, fails with
** the lock named: nothing saved, the store as it was and still a store. */
static void reader_held_through_a_save(void **state) {
  (void)state;
  make_store_with_runs(1);
  sqlite3 *holder;
  assert_int_equal(sqlite3_open(path, &holder), SQLITE_OK);
  assert_int_equal(sqlite3_exec(holder, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_stmt *st;
  assert_int_equal(sqlite3_prepare_v2(holder, "SELECT count(*) FROM runs", -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW); /* a shared lock, held until ROLLBACK */
  sqlite3_finalize(st);
  cs_rundb_options opt = CS_RUNDB_OPTIONS_INIT;
  opt.write = 1;
  opt.busy_ms = 100;
  cs_rundb *db = NULL;
  cs_error err = {0, ""};
  assert_int_equal(cs_rundb_open(&db, path, &opt, &err), 0);
  cs_doc *big = testdoc(3, 10, 200, "big"); /* some 2 MB of pages */
  int64_t id = -1;
  assert_int_equal(cs_rundb_save(db, big, &testmeta, &id, &err), CS_EIO);
  if (!strstr(err.msg, "COMMIT failed, nothing was saved") || !strstr(err.msg, "locked"))
    fail_msg("%s", err.msg);
  sqlite3_exec(holder, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close(holder);
  /* the same connection saves once the reader is gone */
  assert_int_equal(save(db, big, &testmeta), 2);
  assert_int_equal(cs_rundb_verify(db, &err), 0);
  cs_rundb_close(db);
  cs_doc_free(big);
}

/* A read-only file: as root, permissions do not stop writes, so the test
** makes the unix VFS's open() refuse O_RDWR on it, as the kernel would. */
static sqlite3_syscall_ptr real_open;
static int refusing_open(const char *file, int flags, mode_t mode) {
  if ((flags & O_ACCMODE) != O_RDONLY && strcmp(file, path) == 0) {
    errno = EACCES;
    return -1;
  }
  return ((int (*)(const char *, int, mode_t))real_open)(file, flags, mode);
}

static void rel24_read_only_file(void **state) {
  (void)state;
  make_store_with_runs(1);
  assert_int_equal(chmod(path, 0444), 0);
  sqlite3_vfs *unix_vfs = sqlite3_vfs_find("unix");
  real_open = unix_vfs->xGetSystemCall(unix_vfs, "open");
  if (geteuid() == 0) unix_vfs->xSetSystemCall(unix_vfs, "open", (sqlite3_syscall_ptr)refusing_open);
  size_t before_len, after_len;
  char *before = read_all(path, &before_len);
  cs_rundb_options opt = CS_RUNDB_OPTIONS_INIT;
  opt.write = 1;
  cs_rundb *db = NULL;
  cs_error err = {0, ""};
  assert_int_not_equal(cs_rundb_open(&db, path, &opt, &err), 0);
  assert_non_null(strstr(err.msg, "read-only"));
  /* reading it works */
  opt.write = 0;
  assert_int_equal(cs_rundb_open(&db, path, &opt, &err), 0);
  cs_rundb_info *list;
  size_t n;
  assert_int_equal(cs_rundb_list(db, &list, &n, &err), 0);
  assert_int_equal(n, 1);
  cs_rundb_info_free(list, n);
  cs_rundb_close(db);
  unix_vfs->xSetSystemCall(unix_vfs, "open", NULL);
  char *after = read_all(path, &after_len);
  assert_int_equal(before_len, after_len);
  assert_memory_equal(before, after, before_len);
  free(before);
  free(after);
  chmod(path, 0644);
}

static void rel24_missing_file_for_reading(void **state) {
  (void)state;
  cs_rundb *db = NULL;
  cs_error err = {0, ""};
  assert_int_not_equal(cs_rundb_open(&db, path, NULL, &err), 0);
  assert_non_null(strstr(err.msg, "unable to open"));
  assert_int_equal(access(path, F_OK), -1); /* not created */
}

/* ---- issue 12: store names, tables, and a folder held open ------------------ */

/* The bytes of file f, or NULL when it cannot be read. */
static char *bytes_of(const char *f, size_t *len) { return read_all(f, len); }

static void store_names(void **state) {
  (void)state;
  assert_true(cs_rundb_is_store_name("runs.db"));
  assert_true(cs_rundb_is_store_name("a/b/RUNS.DB"));
  assert_true(cs_rundb_is_store_name("x.sqlite"));
  assert_true(cs_rundb_is_store_name("x.Sqlite3"));
  assert_false(cs_rundb_is_store_name("x.csv"));
  assert_false(cs_rundb_is_store_name("x.db.csv"));
  assert_false(cs_rundb_is_store_name("dir.db/x.csv"));
  assert_false(cs_rundb_is_store_name("db"));
  assert_false(cs_rundb_is_store_name("x.sqlite4"));
}

/* A new store only under a store's name; an existing store under any. */
static void new_store_needs_store_name(void **state) {
  (void)state;
  char other[700];
  cs_rundb_options opt = CS_RUNDB_OPTIONS_INIT;
  opt.write = 1;
  cs_rundb *db = NULL;
  cs_error err = {0, ""};
  /* missing: refused, not created */
  snprintf(other, sizeof other, "%s/out.csv", dir);
  assert_int_equal(cs_rundb_open(&db, other, &opt, &err), CS_EINVAL);
  assert_null(db);
  if (!strstr(err.msg, "out.csv does not exist, and a new run store is made only under a store's name"))
    fail_msg("%s", err.msg);
  assert_int_equal(access(other, F_OK), -1);
  /* empty: refused, left empty */
  FILE *f = fopen(other, "wb");
  assert_non_null(f);
  fclose(f);
  assert_int_equal(cs_rundb_open(&db, other, &opt, &err), CS_EINVAL);
  if (!strstr(err.msg, "out.csv is an empty file, not a run store")) fail_msg("%s", err.msg);
  struct stat st;
  assert_int_equal(stat(other, &st), 0);
  assert_int_equal(st.st_size, 0);
  unlink(other);
  /* an existing store renamed to out.csv opens, for writing and reading */
  make_store_with_runs(1);
  assert_int_equal(rename(path, other), 0);
  assert_int_equal(cs_rundb_open(&db, other, &opt, &err), 0);
  cs_doc *doc = testdoc(1, 1, 2, "renamed");
  assert_int_equal(save(db, doc, &testmeta), 2);
  cs_rundb_close(db);
  assert_int_equal(cs_rundb_open(&db, other, NULL, &err), 0);
  cs_rundb_info *list;
  size_t n;
  assert_int_equal(cs_rundb_list(db, &list, &n, &err), 0);
  assert_int_equal(n, 2);
  cs_rundb_info_free(list, n);
  cs_rundb_close(db);
  /* .sqlite and .SQLITE3 are store names */
  snprintf(other, sizeof other, "%s/new.sqlite", dir);
  assert_int_equal(cs_rundb_open(&db, other, &opt, &err), 0);
  cs_rundb_close(db);
  snprintf(other, sizeof other, "%s/new.SQLITE3", dir);
  assert_int_equal(cs_rundb_open(&db, other, &opt, &err), 0);
  cs_rundb_close(db);
  cs_doc_free(doc);
}

static void mark_as_store(sqlite3 *raw) {
  char sql[128];
  snprintf(sql, sizeof sql, "PRAGMA application_id = %d; PRAGMA user_version = %d;", CS_RUNDB_APPLICATION_ID,
           CS_RUNDB_VERSION);
  assert_int_equal(sqlite3_exec(raw, sql, NULL, NULL, NULL), SQLITE_OK);
}

/* coopsim's application_id and no tables: refused before anything runs. */
static void rel24_marked_without_tables(void **state) {
  (void)state;
  sqlite3 *raw;
  assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
  mark_as_store(raw);
  sqlite3_close(raw);
  refused("marked as a coopsim run store, but tables are missing (runs, run_scenarios, run_years, "
          "run_year_amounts, run_year_events, run_row_services, run_invoices, run_invoice_lines, "
          "run_rows, run_parts)",
          0);
}

static void rel24_missing_one_table(void **state) {
  (void)state;
  make_store_with_runs(1);
  sqlite3 *raw;
  assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
  assert_int_equal(sqlite3_exec(raw, "DROP TABLE run_year_amounts", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(raw);
  refused("but tables are missing (run_year_amounts)", 0);
}

static void rel24_changed_columns(void **state) {
  (void)state;
  make_store_with_runs(1);
  sqlite3 *raw;
  assert_int_equal(sqlite3_open(path, &raw), SQLITE_OK);
  assert_int_equal(sqlite3_exec(raw, "ALTER TABLE run_parts RENAME COLUMN explain TO why", NULL, NULL, NULL),
                   SQLITE_OK);
  sqlite3_close(raw);
  refused("its table run_parts does not have the columns coopsim stores runs in", 0);
}

/* A FIFO, a folder: refused at once (a FIFO opened as a database would
** block the reader), for writing and for reading. */
static void not_a_regular_file(void **state) {
  (void)state;
  char fifo[700];
  snprintf(fifo, sizeof fifo, "%s/fifo.db", dir);
  assert_int_equal(mkfifo(fifo, 0600), 0);
  cs_rundb_options opt = CS_RUNDB_OPTIONS_INIT;
  opt.write = 1;
  cs_rundb *db = NULL;
  cs_error err = {0, ""};
  assert_int_equal(cs_rundb_open(&db, fifo, &opt, &err), CS_EINVAL);
  if (!strstr(err.msg, "fifo.db is not a regular file (a FIFO)")) fail_msg("%s", err.msg);
  assert_int_equal(cs_rundb_open(&db, fifo, NULL, &err), CS_EINVAL);
  assert_int_equal(cs_rundb_open(&db, dir, &opt, &err), CS_EINVAL);
  if (!strstr(err.msg, "is not a regular file (a folder)")) fail_msg("%s", err.msg);
}

/* The store for a scenario from someone else is opened through the folder
** the parent walked and holds: swapping that folder's path for a symbolic
** link afterwards changes nothing about where the store, its journal and
** its rows land. */
static void store_in_held_folder(void **state) {
  (void)state;
  char a[700], a2[700], elsewhere[700], file[760];
  snprintf(a, sizeof a, "%s/a", dir);
  snprintf(a2, sizeof a2, "%s/a2", dir);
  snprintf(elsewhere, sizeof elsewhere, "%s/elsewhere", dir);
  assert_int_equal(mkdir(a, 0700), 0);
  assert_int_equal(mkdir(elsewhere, 0700), 0);
  int held = open(a, O_RDONLY | O_DIRECTORY);
  assert_true(held >= 0);
  cs_rundb_options opt = CS_RUNDB_OPTIONS_INIT;
  opt.write = 1;
  opt.dirfd = held;
  opt.name = "runs.db";
  cs_rundb *db = NULL;
  cs_error err = {0, ""};
  assert_int_equal(cs_rundb_open(&db, "a/runs.db", &opt, &err), 0);
  assert_string_equal(cs_rundb_path(db), "a/runs.db");
  /* the attack: a is renamed and a link to elsewhere takes its name */
  assert_int_equal(rename(a, a2), 0);
  assert_int_equal(symlink(elsewhere, a), 0);
  cs_doc *doc = testdoc(1, 2, 3, "held");
  assert_int_equal(save(db, doc, &testmeta), 1);
  cs_rundb_close(db);
  /* a second open through the same held folder sees the run */
  assert_int_equal(cs_rundb_open(&db, "a/runs.db", &opt, &err), 0);
  assert_int_equal(save(db, doc, &testmeta), 2);
  cs_rundb_close(db);
  close(held);
  /* elsewhere holds nothing: no store, no journal */
  DIR *d = opendir(elsewhere);
  assert_non_null(d);
  struct dirent *e;
  while ((e = readdir(d)) != NULL)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) fail_msg("%s landed in elsewhere/", e->d_name);
  closedir(d);
  snprintf(file, sizeof file, "%s/runs.db", a2);
  assert_int_equal(cs_rundb_open(&db, file, NULL, &err), 0);
  cs_rundb_info *list;
  size_t n;
  assert_int_equal(cs_rundb_list(db, &list, &n, &err), 0);
  assert_int_equal(n, 2);
  cs_rundb_info_free(list, n);
  cs_rundb_close(db);
  cs_doc_free(doc);
}

/* A symbolic link at the store's name inside the held folder is refused,
** by the check and by SQLite's own open (O_NOFOLLOW), and its target is
** left as it was. */
static void store_link_refused(void **state) {
  (void)state;
  make_store_with_runs(1);
  size_t before_len, after_len;
  char *before = bytes_of(path, &before_len);
  char link[700];
  snprintf(link, sizeof link, "%s/link.db", dir);
  assert_int_equal(symlink("runs.db", link), 0);
  int held = open(dir, O_RDONLY | O_DIRECTORY);
  assert_true(held >= 0);
  cs_rundb_options opt = CS_RUNDB_OPTIONS_INIT;
  opt.write = 1;
  opt.dirfd = held;
  opt.name = "link.db";
  cs_rundb *db = NULL;
  cs_error err = {0, ""};
  assert_int_equal(cs_rundb_open(&db, "link.db", &opt, &err), CS_EINVAL);
  if (!strstr(err.msg, "link.db is a symbolic link")) fail_msg("%s", err.msg);
  /* below the check: SQLite itself refuses the link (a link swapped in
  ** after the check meets this) */
  sqlite3 *raw = NULL;
  assert_int_not_equal(cs_sqlite_open_at(&raw, held, "link.db", "link.db", SQLITE_OPEN_READWRITE, 0, &err), 0);
  assert_null(raw);
  assert_int_equal(cs_sqlite_open_at(&raw, held, "runs.db", "runs.db", SQLITE_OPEN_READWRITE, 0, &err), 0);
  sqlite3_close(raw);
  close(held);
  char *after = bytes_of(path, &after_len);
  assert_int_equal(before_len, after_len);
  assert_memory_equal(before, after, before_len);
  free(before);
  free(after);
}

/* ---- review 3: the read path ------------------------------------------------ */

/* D1-D3, D8, D9: the runs row's texts, time and scenario text are checked
** for every reader, also export's (no info asked for), and verify. */
static void review3_runs_row_checked_for_every_reader(void **state) {
  (void)state;
  make_store_with_runs(1);
  size_t len;
  char *orig = read_all(path, &len);
  static const struct {
    const char *sql, *want;
  } cases[] = {
      {"UPDATE runs SET coopsim_version = char(27) || '[2J'", "runs, field \"coopsim_version\": byte 1 is a control"},
      {"UPDATE runs SET options = 'x' || char(13) || 'y'", "runs, field \"options\": byte 2 is a control"},
      {"UPDATE runs SET registry_version = CAST(X'41fffe' AS TEXT)", "runs, field \"registry_version\": "},
      {"UPDATE runs SET scenario_file = CAST(X'612e6c7561002e2e2f78' AS TEXT)", "runs, field \"scenario_file\": "},
      {"UPDATE runs SET doc_coopsim_version = char(7)", "runs, field \"doc_coopsim_version\": "},
      {"UPDATE run_scenarios SET name = char(27) || '[31m' WHERE idx = 0", "run_scenarios, field \"name\""},
      {"UPDATE runs SET created = '2026-19-39T29:59:69Z'", "runs, field \"created\": not a real UTC time"},
      {"UPDATE runs SET created = '2025-02-29T00:00:00Z'", "runs, field \"created\": not a real UTC time"},
      {"UPDATE runs SET created = '2026-01-01T23:60:00Z'", "runs, field \"created\": not a real UTC time"},
      {"UPDATE runs SET scenario_sha256 = NULL", "runs, field \"scenario_text\": without a SHA-256"},
      {"UPDATE runs SET scenario_text = CAST('print(1)' AS BLOB)", "runs, field \"scenario_text\": its SHA-256 is"},
  };
  for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
    write_all(path, orig, len);
    edit_store(cases[k].sql);
    cs_rundb *db = NULL;
    cs_error err = {0, ""};
    assert_int_equal(cs_rundb_open(&db, path, NULL, &err), 0);
    for (int with_info = 0; with_info < 2; with_info++) {
      cs_doc *back = NULL;
      cs_rundb_info info;
      if (cs_rundb_load_doc(db, 1, 0, &back, with_info ? &info : NULL, &err) == 0)
        fail_msg("%s: read as a document (info %d)", cases[k].sql, with_info);
      if (!strstr(err.msg, cases[k].want)) fail_msg("%s: expected \"%s\" in: %s", cases[k].sql, cases[k].want, err.msg);
    }
    if (cs_rundb_verify(db, &err) == 0) fail_msg("%s: verify passed it", cases[k].sql);
    /* verify may meet the schema's own CHECK first (integrity_check): either names the field's fault */
    if (!strstr(err.msg, cases[k].want) && !strstr(err.msg, "CHECK constraint failed in runs"))
      fail_msg("%s: verify: expected \"%s\" in: %s", cases[k].sql, cases[k].want, err.msg);
    cs_rundb_close(db);
  }
  free(orig);
}

/* D4: one damaged run is named by list, and the others are listed. */
static void review3_list_names_damaged_run(void **state) {
  (void)state;
  make_store_with_runs(3);
  edit_store("UPDATE runs SET registry_version = '' WHERE id = 2");
  cs_rundb *db = NULL;
  cs_error err = {0, ""};
  assert_int_equal(cs_rundb_open(&db, path, NULL, &err), 0);
  cs_rundb_info *list;
  size_t n;
  assert_int_equal(cs_rundb_list(db, &list, &n, &err), 0);
  assert_int_equal(n, 3);
  assert_null(list[0].damaged);
  assert_string_equal(list[0].registry_version, "test registry");
  assert_int_equal(list[1].id, 2);
  assert_non_null(list[1].damaged);
  assert_string_equal(list[1].damaged, "runs, field \"registry_version\": empty");
  assert_null(list[1].created);
  assert_null(list[1].scenarios);
  assert_null(list[2].damaged);
  assert_int_equal(list[2].id, 3);
  cs_rundb_info_free(list, n);
  cs_rundb_close(db);
}

/* D5: verify refuses what a reader refuses, and a table stripped of STRICT. */
static void review3_verify_as_strict_as_readers(void **state) {
  (void)state;
  make_store_with_runs(2);
  edit_store("UPDATE run_parts SET idx = 5 WHERE run_id = 2 AND scenario = 0 AND row_idx = 0 AND idx = 1");
  cs_rundb *db = NULL;
  cs_error err = {0, ""};
  assert_int_equal(cs_rundb_open(&db, path, NULL, &err), 0);
  assert_int_not_equal(cs_rundb_verify(db, &err), 0);
  assert_non_null(strstr(err.msg, "stored run 2 is damaged (parts out of order)"));
  cs_rundb_close(db);
  edit_store("UPDATE run_parts SET idx = 1 WHERE run_id = 2 AND scenario = 0 AND row_idx = 0 AND idx = 5");
  assert_int_equal(cs_rundb_open(&db, path, NULL, &err), 0);
  assert_int_equal(cs_rundb_verify(db, &err), 0);
  cs_rundb_close(db);
  edit_store("PRAGMA writable_schema = ON; UPDATE sqlite_schema SET sql = replace(sql, ') STRICT', ')')"
           " WHERE name = 'run_rows'");
  assert_int_not_equal(cs_rundb_open(&db, path, NULL, &err), 0);
  assert_non_null(strstr(err.msg, "its table run_rows is not as coopsim makes it"));
}

/* D6, D7: the relations of a real run's figures (cs_doc_check_relations),
** also for a stored run: the test document keeps them (each total within a
** krone of its exact share, its parts -m.25 and P.35 adding up to it). */
static void review3_relations(void **state) {
  (void)state;
  cs_error err = {0, ""};
  cs_doc *doc = testdoc(2, 3, 5, "rel");
  assert_int_equal(cs_doc_check_relations(doc, &err), 0);
  cs_doc_row *row = &doc->runs[1].rows[7];
  /* year 2024, member 2, run 1: total 1000 * 2 - 17 - 1 = 1982, exact 1982.10 */
  assert_int_equal(row->total, 1982);
  assert_string_equal(row->exact, "1982.10");
  row->total = 1983; /* 0.90 away: the other whole krone, as largest remainder may give */
  assert_int_equal(cs_doc_check_relations(doc, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "field \"sum_shares\""));
  /* the year's shares 1000 * (0+1+2+3+4) - 5 * (17 + 1) = 9910, its net 740539.00 */
  cs_doc_year *yr = &doc->runs[1].years[1];
  assert_int_equal(yr->sum_shares, 9910);
  assert_string_equal(yr->balance, "-730629.00");
  yr->sum_shares++;
  /* the balance is the shares' sum less the net: now 9911 - 740539.00 */
  assert_int_equal(cs_doc_check_relations(doc, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "field \"balance\": -730629.00 is not the shares' sum 9911 less the net cost 740539.00"));
  char *balance = yr->balance, near_by[] = "-730627.99", too_far[] = "-730628.02", exact[] = "-730628.00";
  yr->balance = near_by; /* an øre more than the shares' sum less the net: two roundings allow it */
  assert_int_equal(cs_doc_check_relations(doc, &err), 0);
  yr->balance = too_far; /* two øre less: refused */
  assert_int_equal(cs_doc_check_relations(doc, &err), CS_EINVAL);
  yr->balance = exact;
  assert_int_equal(cs_doc_check_relations(doc, &err), 0);
  /* the net is the cost less the grants: 1244539.00 - 504000.00 */
  char *net = yr->net, *cost = yr->cost, *grants = yr->grants, forged_net[] = "740541.00";
  yr->net = forged_net;
  assert_int_equal(cs_doc_check_relations(doc, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "field \"net\": 740541.00 is not the cost 1244539.00 less the grants 504000.00"));
  /* figures of 10^16 kroner and more (17 and 18 digits): the net and its
  ** balance cancel out to the year's shares, 9911 kroner */
  char big_cost[] = "123456789012345678.00", big_grants[] = "23456789012345678.00",
       big_net[] = "100000000000000000.00", big_balance[] = "-99999999999990089.00",
       off_balance[] = "-99999999999990089.02";
  yr->cost = big_cost, yr->grants = big_grants, yr->net = big_net, yr->balance = big_balance;
  assert_int_equal(cs_doc_check_relations(doc, &err), 0);
  yr->balance = off_balance;
  assert_int_equal(cs_doc_check_relations(doc, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "field \"balance\""));
  yr->cost = cost, yr->grants = grants, yr->net = net, yr->balance = exact;
  row->total = 1984; /* 1.90 away */
  doc->runs[1].years[1].sum_shares++;
  assert_int_equal(cs_doc_check_relations(doc, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "field \"total\": 1984 kroner is not the exact share 1982.10 rounded"));
  row->total = 1982;
  doc->runs[1].years[1].sum_shares -= 2;
  yr->balance = balance;
  row->parts[1].rounded++; /* population part 1984.35 -> 1985: 65 øre away */
  assert_int_equal(cs_doc_check_relations(doc, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "field \"rounded\""));
  row->parts[1].rounded--;
  size_t nparts = row->nparts;
  row->nparts = 0;
  assert_int_equal(cs_doc_check_relations(doc, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "field \"parts\": none, but the exact share is 1982.10"));
  row->nparts = nparts;
  doc->runs[0].to = 2090;
  assert_int_equal(cs_doc_check_relations(doc, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "the run is 2023-2090, but its years are 2023-2025"));
  doc->runs[0].to = 2025;
  assert_int_equal(cs_doc_check_relations(doc, &err), 0);
  cs_doc_free(doc);
  /* and in a store: a total edited by 1000 kroner is refused when read */
  make_store_with_runs(1);
  edit_store("UPDATE run_rows SET total = total + 1000 WHERE scenario = 0 AND idx = 3");
  cs_rundb *db = NULL;
  assert_int_equal(cs_rundb_open(&db, path, NULL, &err), 0);
  cs_doc *back = NULL;
  assert_int_not_equal(cs_rundb_load_doc(db, 1, 0, &back, NULL, &err), 0);
  assert_non_null(strstr(err.msg, "is not the exact share"));
  assert_int_not_equal(cs_rundb_verify(db, &err), 0);
  cs_rundb_close(db);
}

/* The nit: a store marked with user_version 0 is refused clearly, unchanged. */
static void review3_user_version_zero(void **state) {
  (void)state;
  make_store_with_runs(1);
  set_header_int(60, 0);
  size_t len;
  char *before = read_all(path, &len);
  cs_rundb *db = NULL;
  cs_error err = {0, ""};
  cs_rundb_options opt = CS_RUNDB_OPTIONS_INIT;
  opt.write = 1;
  assert_int_not_equal(cs_rundb_open(&db, path, &opt, &err), 0);
  assert_non_null(strstr(err.msg, "its schema version (user_version) is 0"));
  size_t len2;
  char *after = read_all(path, &len2);
  assert_true(len == len2 && memcmp(before, after, len) == 0);
  free(before);
  free(after);
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "--beside") == 0) {
    beside = 1;
    cs_rundb_test_beside(0, 50); /* a two-scenario run: the second's rows read beside */
  }
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(sha256_known_value),
      cmocka_unit_test_setup_teardown(round_trip_is_exact, setup, teardown),
      cmocka_unit_test_setup_teardown(read_without_explanations, setup, teardown),
      cmocka_unit_test_setup_teardown(list_and_missing, setup, teardown),
      cmocka_unit_test_setup_teardown(refused_value_saves_nothing, setup, teardown),
      cmocka_unit_test_setup_teardown(refused_value_named_by_its_place, setup, teardown),
      cmocka_unit_test_setup_teardown(batched_rows_round_trip_and_refusal, setup, teardown),
      cmocka_unit_test_setup_teardown(batched_years_and_amounts_round_trip_and_refusal, setup, teardown),
      cmocka_unit_test_setup_teardown(writeback_hint_keeps_every_byte, setup, teardown),
      cmocka_unit_test_setup_teardown(rel20_injection_name_stored_exactly, setup, teardown),
      cmocka_unit_test_setup_teardown(rel24_wrong_application_id, setup, teardown),
      cmocka_unit_test_setup_teardown(rel24_plain_sqlite_file, setup, teardown),
      cmocka_unit_test_setup_teardown(rel24_newer_user_version, setup, teardown),
      cmocka_unit_test_setup_teardown(rel24_random_bytes, setup, teardown),
      cmocka_unit_test_setup_teardown(rel24_truncated_file, setup, teardown),
      cmocka_unit_test_setup_teardown(rel24_truncated_tail, setup, teardown),
      cmocka_unit_test_setup_teardown(rel24_damaged_page, setup, teardown),
      cmocka_unit_test_setup_teardown(damaged_page_of_the_run_read, setup, teardown),
      cmocka_unit_test_setup_teardown(edited_run_is_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(wal_store_read_by_one_connection, setup, teardown),
      cmocka_unit_test_setup_teardown(store_renamed_over_while_open, setup, teardown),
      cmocka_unit_test_setup_teardown(store_opened_with_stdin_closed, setup, teardown),
      cmocka_unit_test_setup_teardown(one_reader_near_a_memory_limit, setup, teardown),
      cmocka_unit_test_setup_teardown(rows_in_reverse_rowid_order, setup, teardown),
      cmocka_unit_test_setup_teardown(rows_of_two_runs_interleaved, setup, teardown),
      cmocka_unit_test_setup_teardown(one_row_moved_away, setup, teardown),
      cmocka_unit_test_setup_teardown(extra_child_away_from_the_run_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(rel24_truncated_header, setup, teardown),
      cmocka_unit_test_setup_teardown(rel24_lock_held_past_busy_timeout, setup, teardown),
      cmocka_unit_test_setup_teardown(reader_held_through_a_save, setup, teardown),
      cmocka_unit_test_setup_teardown(rel24_read_only_file, setup, teardown),
      cmocka_unit_test_setup_teardown(rel24_missing_file_for_reading, setup, teardown),
      cmocka_unit_test(store_names),
      cmocka_unit_test_setup_teardown(new_store_needs_store_name, setup, teardown),
      cmocka_unit_test_setup_teardown(rel24_marked_without_tables, setup, teardown),
      cmocka_unit_test_setup_teardown(rel24_missing_one_table, setup, teardown),
      cmocka_unit_test_setup_teardown(rel24_changed_columns, setup, teardown),
      cmocka_unit_test_setup_teardown(not_a_regular_file, setup, teardown),
      cmocka_unit_test_setup_teardown(store_in_held_folder, setup, teardown),
      cmocka_unit_test_setup_teardown(store_link_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(review3_runs_row_checked_for_every_reader, setup, teardown),
      cmocka_unit_test_setup_teardown(review3_list_names_damaged_run, setup, teardown),
      cmocka_unit_test_setup_teardown(review3_verify_as_strict_as_readers, setup, teardown),
      cmocka_unit_test_setup_teardown(review3_relations, setup, teardown),
      cmocka_unit_test_setup_teardown(review3_user_version_zero, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
