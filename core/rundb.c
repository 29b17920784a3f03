/*
** rundb.c: the run store (rundb.h) — result documents in SQLite.
**
** Layout: `runs` holds one row per stored execution of a scenario file;
** run_scenarios, run_rows, run_parts, run_years and run_year_amounts hold the
** document, each row keyed by its run and its position, so that loading
** gives back the document in the order it was saved. Every parent row
** records how many children it has; cs_rundb_verify and cs_rundb_load check
** those counts, which is how a run "marked complete" is proven to have all
** its rows (a save is one transaction, so this can only fail on a damaged
** file).
*/
#define _POSIX_C_SOURCE 200809L /* fstatat, fcntl */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "coopsim/date.h"
#include "coopsim/q.h"
#include "coopsim/rundb.h"
#include "coopsim/sha256.h"
#include "coopsim/text.h"
#include "coopsim/thread.h"
#include "rundb_internal.h"
#include "sqlite_open.h"

struct cs_rundb {
  sqlite3 *db;
  int write;
  int version; /* the store's schema version (after an upgrade, CS_RUNDB_VERSION) */
  char *path; /* as messages show it */
  int dirfd;  /* the held folder the file is in (ours), or -1: opened by path */
  char *name; /* the file's name in that folder (dirfd >= 0), else NULL */
  int fd;     /* the descriptor SQLite has the file open with (-1: not known; SQLite's) */
  int busy_ms; /* how long a lock of another process is waited for (open, COMMIT) */
};

/* A whole number of kroner as a JSON-safe integer, and an exact amount. */
#define KRONER(c) "CHECK (" c " BETWEEN -9007199254740992 AND 9007199254740992)"
#define DECIMAL(c) "CHECK (" c " GLOB '*[0-9].[0-9][0-9]' AND " c " NOT GLOB '*[^-0-9.]*' AND " c \
  " NOT GLOB '?*-*')"
#define DATE_OR_NULL(c) "CHECK (" c " IS NULL OR " c \
  " GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]')"
#define YEAR(c) "CHECK (" c " BETWEEN 1838 AND 9999)"
#define BOOL(c) "CHECK (" c " IN (0, 1))"
#define COUNT(c) "CHECK (" c " >= 0)"
#define DATE(c) "CHECK (" c " GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]')"

/* The schema, version by version: schema_steps[0] makes version 1, and
** schema_steps[k] takes a store of version k to k + 1. A new store runs
** every step; an older store is upgraded when it is opened for writing (in
** one transaction), and read as it is otherwise. */
static const char *const schema_v1 =
    "CREATE TABLE runs ("
    "  id INTEGER PRIMARY KEY,"
    "  created TEXT NOT NULL CHECK (created GLOB"
    "    '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]Z'),"
    "  coopsim_version TEXT NOT NULL CHECK (coopsim_version <> ''),"
    "  doc_coopsim_version TEXT,"
    "  registry_version TEXT NOT NULL CHECK (registry_version <> ''),"
    "  scenario_file TEXT,"
    "  scenario_text BLOB,"
    "  scenario_sha256 TEXT CHECK (scenario_sha256 IS NULL OR"
    "    (length(scenario_sha256) = 64 AND scenario_sha256 NOT GLOB '*[^0-9a-f]*')),"
    "  options TEXT NOT NULL,"
    "  nscenarios INTEGER NOT NULL " COUNT("nscenarios") ","
    "  nrows INTEGER NOT NULL " COUNT("nrows") ","
    "  CHECK ((scenario_text IS NULL) = (scenario_sha256 IS NULL))) STRICT;"
    "CREATE TABLE run_scenarios ("
    "  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,"
    "  idx INTEGER NOT NULL " COUNT("idx") ","
    "  name TEXT NOT NULL,"
    "  year_from INTEGER NOT NULL " YEAR("year_from") ","
    "  year_to INTEGER NOT NULL CHECK (year_to BETWEEN year_from AND 9999),"
    "  options TEXT,"
    "  nrows INTEGER NOT NULL " COUNT("nrows") ","
    "  nyears INTEGER NOT NULL " COUNT("nyears") ","
    "  PRIMARY KEY (run_id, idx)) STRICT;"
    "CREATE TABLE run_rows ("
    "  run_id INTEGER NOT NULL, scenario INTEGER NOT NULL, idx INTEGER NOT NULL " COUNT("idx") ","
    "  year INTEGER NOT NULL " YEAR("year") ","
    "  code TEXT NOT NULL CHECK (length(code) = 4),"
    "  name TEXT NOT NULL, given TEXT, merged TEXT, cooperation TEXT NOT NULL,"
    "  population INTEGER NOT NULL CHECK (population >= -1),"
    "  population_date TEXT " DATE_OR_NULL("population_date") ","
    "  population_source TEXT,"
    "  months INTEGER NOT NULL CHECK (months BETWEEN 0 AND 12),"
    "  charged_months INTEGER NOT NULL CHECK (charged_months BETWEEN 0 AND 12),"
    "  host INTEGER NOT NULL " BOOL("host") ","
    "  payee TEXT, due TEXT " DATE_OR_NULL("due") ","
    "  total INTEGER NOT NULL " KRONER("total") ","
    "  exact TEXT NOT NULL " DECIMAL("exact") ","
    "  nparts INTEGER NOT NULL " COUNT("nparts") ","
    "  PRIMARY KEY (run_id, scenario, idx),"
    "  FOREIGN KEY (run_id, scenario) REFERENCES run_scenarios (run_id, idx) ON DELETE CASCADE"
    ") STRICT;"
    "CREATE TABLE run_parts ("
    "  run_id INTEGER NOT NULL, scenario INTEGER NOT NULL, row_idx INTEGER NOT NULL,"
    "  idx INTEGER NOT NULL " COUNT("idx") ","
    "  name TEXT NOT NULL,"
    "  rounded INTEGER NOT NULL " KRONER("rounded") ","
    "  exact TEXT NOT NULL " DECIMAL("exact") ","
    "  explain TEXT,"
    "  PRIMARY KEY (run_id, scenario, row_idx, idx),"
    "  FOREIGN KEY (run_id, scenario, row_idx) REFERENCES run_rows (run_id, scenario, idx)"
    "    ON DELETE CASCADE) STRICT;"
    "CREATE TABLE run_years ("
    "  run_id INTEGER NOT NULL, scenario INTEGER NOT NULL, idx INTEGER NOT NULL " COUNT("idx") ","
    "  year INTEGER NOT NULL " YEAR("year") ","
    "  cooperation TEXT NOT NULL,"
    "  members INTEGER NOT NULL " COUNT("members") ","
    "  cost TEXT NOT NULL " DECIMAL("cost") ","
    "  grants TEXT NOT NULL " DECIMAL("grants") ","
    "  net TEXT NOT NULL " DECIMAL("net") ","
    "  balance TEXT NOT NULL " DECIMAL("balance") ","
    "  sum_shares INTEGER NOT NULL " KRONER("sum_shares") ","
    "  key TEXT, key_label TEXT, key_source TEXT, key_assumption TEXT,"
    "  agreement_months INTEGER NOT NULL CHECK (agreement_months BETWEEN 0 AND 12),"
    "  covers INTEGER NOT NULL " BOOL("covers") ","
    "  past_end INTEGER NOT NULL " BOOL("past_end") ","
    "  nlines INTEGER NOT NULL " COUNT("nlines") ","
    "  ngrants INTEGER NOT NULL " COUNT("ngrants") ","
    "  PRIMARY KEY (run_id, scenario, idx),"
    "  FOREIGN KEY (run_id, scenario) REFERENCES run_scenarios (run_id, idx) ON DELETE CASCADE"
    ") STRICT;"
    "CREATE TABLE run_year_amounts ("
    "  run_id INTEGER NOT NULL, scenario INTEGER NOT NULL, year_idx INTEGER NOT NULL,"
    "  kind TEXT NOT NULL CHECK (kind IN ('line', 'grant')),"
    "  idx INTEGER NOT NULL " COUNT("idx") ","
    "  name TEXT NOT NULL,"
    "  amount TEXT NOT NULL " DECIMAL("amount") ","
    "  PRIMARY KEY (run_id, scenario, year_idx, kind, idx),"
    "  FOREIGN KEY (run_id, scenario, year_idx) REFERENCES run_years (run_id, scenario, idx)"
    "    ON DELETE CASCADE) STRICT;";

#define KRONER_0(c) "INTEGER NOT NULL DEFAULT 0 " KRONER(c)
#define DECIMAL_OR_NULL(c) "TEXT CHECK (" c " IS NULL OR (" c " GLOB '*[0-9].[0-9][0-9]' AND " c \
  " NOT GLOB '*[^-0-9.]*' AND " c " NOT GLOB '?*-*'))"

/* Version 2 (December 2026): why members are absent (each year's events);
** members that are not municipalities (party ids of 1 to 16 characters:
** run_rows made anew, as SQLite changes a CHECK no other way); a share by
** service; the money cycle (a year's accounts, each row's difference,
** settlement, invoice and instalments); a year's key in bokmål. */
static const char *const schema_v2 =
    "ALTER TABLE run_years ADD COLUMN key_nb TEXT;"
    "ALTER TABLE run_years ADD COLUMN nevents INTEGER NOT NULL DEFAULT 0 " COUNT("nevents") ";"
    "ALTER TABLE run_years ADD COLUMN actual_cost " DECIMAL_OR_NULL("actual_cost") ";"
    "ALTER TABLE run_years ADD COLUMN actual_grants " DECIMAL_OR_NULL("actual_grants") ";"
    "ALTER TABLE run_years ADD COLUMN actual_net " DECIMAL_OR_NULL("actual_net") ";"
    "CREATE TABLE run_year_events ("
    "  run_id INTEGER NOT NULL, scenario INTEGER NOT NULL, year_idx INTEGER NOT NULL,"
    "  idx INTEGER NOT NULL " COUNT("idx") ","
    "  kind TEXT NOT NULL CHECK (kind IN ('notice', 'gone', 'merged', 'split', 'joins')),"
    "  code TEXT NOT NULL CHECK (length(code) BETWEEN 1 AND 16),"
    "  name TEXT NOT NULL,"
    "  date TEXT NOT NULL " DATE("date") ","
    "  until TEXT " DATE_OR_NULL("until") ","
    "  other_code TEXT CHECK (other_code IS NULL OR length(other_code) BETWEEN 1 AND 16),"
    "  other_name TEXT,"
    "  PRIMARY KEY (run_id, scenario, year_idx, idx),"
    "  FOREIGN KEY (run_id, scenario, year_idx) REFERENCES run_years (run_id, scenario, idx)"
    "    ON DELETE CASCADE) STRICT;"
    "CREATE TABLE run_rows_v2 ("
    "  run_id INTEGER NOT NULL, scenario INTEGER NOT NULL, idx INTEGER NOT NULL " COUNT("idx") ","
    "  year INTEGER NOT NULL " YEAR("year") ","
    "  code TEXT NOT NULL CHECK (length(code) BETWEEN 1 AND 16),"
    "  name TEXT NOT NULL, given TEXT, merged TEXT, cooperation TEXT NOT NULL,"
    "  population INTEGER NOT NULL CHECK (population >= -1),"
    "  population_date TEXT " DATE_OR_NULL("population_date") ","
    "  population_source TEXT,"
    "  months INTEGER NOT NULL CHECK (months BETWEEN 0 AND 12),"
    "  charged_months INTEGER NOT NULL CHECK (charged_months BETWEEN 0 AND 12),"
    "  host INTEGER NOT NULL " BOOL("host") ","
    "  payee TEXT, due TEXT " DATE_OR_NULL("due") ","
    "  total INTEGER NOT NULL " KRONER("total") ","
    "  exact TEXT NOT NULL " DECIMAL("exact") ","
    "  nparts INTEGER NOT NULL " COUNT("nparts") ","
    "  nservices INTEGER NOT NULL DEFAULT 0 " COUNT("nservices") ","
    "  money INTEGER NOT NULL DEFAULT 0 " BOOL("money") ","
    "  settlement_only INTEGER NOT NULL DEFAULT 0 " BOOL("settlement_only") ","
    "  has_difference INTEGER NOT NULL DEFAULT 0 " BOOL("has_difference") ","
    "  difference " KRONER_0("difference") ","
    "  settlement " KRONER_0("settlement") ","
    "  invoice " KRONER_0("invoice") ","
    "  ninvoices INTEGER NOT NULL DEFAULT 0 " COUNT("ninvoices") ","
    "  PRIMARY KEY (run_id, scenario, idx),"
    "  FOREIGN KEY (run_id, scenario) REFERENCES run_scenarios (run_id, idx) ON DELETE CASCADE"
    ") STRICT;"
    "INSERT INTO run_rows_v2 (run_id, scenario, idx, year, code, name, given, merged, cooperation,"
    "  population, population_date, population_source, months, charged_months, host, payee, due,"
    "  total, exact, nparts) SELECT * FROM run_rows;"
    "DROP TABLE run_rows;"
    "ALTER TABLE run_rows_v2 RENAME TO run_rows;"
    "CREATE TABLE run_row_services ("
    "  run_id INTEGER NOT NULL, scenario INTEGER NOT NULL, row_idx INTEGER NOT NULL,"
    "  idx INTEGER NOT NULL " COUNT("idx") ","
    "  name TEXT NOT NULL,"
    "  kroner INTEGER NOT NULL " KRONER("kroner") ","
    "  PRIMARY KEY (run_id, scenario, row_idx, idx),"
    "  FOREIGN KEY (run_id, scenario, row_idx) REFERENCES run_rows (run_id, scenario, idx)"
    "    ON DELETE CASCADE) STRICT;"
    "CREATE TABLE run_invoices ("
    "  run_id INTEGER NOT NULL, scenario INTEGER NOT NULL, row_idx INTEGER NOT NULL,"
    "  idx INTEGER NOT NULL " COUNT("idx") ","
    "  due TEXT NOT NULL " DATE("due") ","
    "  amount INTEGER NOT NULL " KRONER("amount") ","
    "  nlines INTEGER NOT NULL " COUNT("nlines") ","
    "  PRIMARY KEY (run_id, scenario, row_idx, idx),"
    "  FOREIGN KEY (run_id, scenario, row_idx) REFERENCES run_rows (run_id, scenario, idx)"
    "    ON DELETE CASCADE) STRICT;"
    "CREATE TABLE run_invoice_lines ("
    "  run_id INTEGER NOT NULL, scenario INTEGER NOT NULL, row_idx INTEGER NOT NULL,"
    "  invoice_idx INTEGER NOT NULL, idx INTEGER NOT NULL " COUNT("idx") ","
    "  kind TEXT NOT NULL CHECK (kind IN ('share', 'settlement')),"
    "  service TEXT,"
    "  instalment INTEGER NOT NULL CHECK (instalment BETWEEN 0 AND 366),"
    "  settles INTEGER NOT NULL CHECK (settles = 0 OR settles BETWEEN 1838 AND 9999),"
    "  amount INTEGER NOT NULL " KRONER("amount") ","
    "  PRIMARY KEY (run_id, scenario, row_idx, invoice_idx, idx),"
    "  FOREIGN KEY (run_id, scenario, row_idx, invoice_idx)"
    "    REFERENCES run_invoices (run_id, scenario, row_idx, idx) ON DELETE CASCADE) STRICT;";

/* Version 3 (December 2026): a row's and a part's exact amount as whole
** øre (INTEGER), checked by a range, where versions 1 and 2 kept the text
** ("18709.15") checked by three GLOBs: those cost a fifth of a save (the
** national run's 245 000 amounts). Both tables are made anew (SQLite changes
** a column's type no other way), their rowids kept. The range is the
** largest whole kroner a total or part may hold (2^53, KRONER) and half a
** krone: a part's rounded figure is its exact amount rounded, and a row's
** total may differ from its exact amount by up to a krone (largest
** remainder, services), but a checked document's amounts stay far inside
** (its costs at most 10^15 kroner, its year's shares within 2^53). An older store's
** text becomes øre only when it is exactly the text coopsim writes for
** that number (an optional "-", the kroner without leading zeros, a point
** and two digits: cs_q_format_cents); any other text gives NULL, which
** NOT NULL refuses, and the store is left as it was. The column is
** named exact_ore, not exact: a coopsim of version 2 that had the store
** open before the upgrade still writes the text ("500.00") into `exact`,
** which an INTEGER column named so would take as 500 øre; under the new name
** its insert fails and is rolled back. */
#define EXACT_ORE(c) "CHECK (" c " BETWEEN -900719925474099250 AND 900719925474099250)"
#define ORE_OF_TEXT(t) "CAST(replace(" t ", '.', '') AS INTEGER)"
/* (|| binds tighter than / and % in SQL) */
#define TEXT_OF_ORE(o) \
  "((CASE WHEN " o " < 0 THEN '-' ELSE '' END) || (abs(" o ") / 100) || '.' || substr('0' || (abs(" o ") % 100), -2))"
#define ORE_CONVERTED(t) "(CASE WHEN " t " = " TEXT_OF_ORE(ORE_OF_TEXT(t)) " THEN " ORE_OF_TEXT(t) " END)"
static const char *const schema_v3 =
    "CREATE TABLE run_rows_v3 ("
    "  run_id INTEGER NOT NULL, scenario INTEGER NOT NULL, idx INTEGER NOT NULL " COUNT("idx") ","
    "  year INTEGER NOT NULL " YEAR("year") ","
    "  code TEXT NOT NULL CHECK (length(code) BETWEEN 1 AND 16),"
    "  name TEXT NOT NULL, given TEXT, merged TEXT, cooperation TEXT NOT NULL,"
    "  population INTEGER NOT NULL CHECK (population >= -1),"
    "  population_date TEXT " DATE_OR_NULL("population_date") ","
    "  population_source TEXT,"
    "  months INTEGER NOT NULL CHECK (months BETWEEN 0 AND 12),"
    "  charged_months INTEGER NOT NULL CHECK (charged_months BETWEEN 0 AND 12),"
    "  host INTEGER NOT NULL " BOOL("host") ","
    "  payee TEXT, due TEXT " DATE_OR_NULL("due") ","
    "  total INTEGER NOT NULL " KRONER("total") ","
    "  exact_ore INTEGER NOT NULL " EXACT_ORE("exact_ore") ","
    "  nparts INTEGER NOT NULL " COUNT("nparts") ","
    "  nservices INTEGER NOT NULL DEFAULT 0 " COUNT("nservices") ","
    "  money INTEGER NOT NULL DEFAULT 0 " BOOL("money") ","
    "  settlement_only INTEGER NOT NULL DEFAULT 0 " BOOL("settlement_only") ","
    "  has_difference INTEGER NOT NULL DEFAULT 0 " BOOL("has_difference") ","
    "  difference " KRONER_0("difference") ","
    "  settlement " KRONER_0("settlement") ","
    "  invoice " KRONER_0("invoice") ","
    "  ninvoices INTEGER NOT NULL DEFAULT 0 " COUNT("ninvoices") ","
    "  PRIMARY KEY (run_id, scenario, idx),"
    "  FOREIGN KEY (run_id, scenario) REFERENCES run_scenarios (run_id, idx) ON DELETE CASCADE"
    ") STRICT;"
    "INSERT INTO run_rows_v3 (rowid, run_id, scenario, idx, year, code, name, given, merged, cooperation,"
    "  population, population_date, population_source, months, charged_months, host, payee, due,"
    "  total, exact_ore, nparts, nservices, money, settlement_only, has_difference, difference, settlement,"
    "  invoice, ninvoices)"
    "  SELECT rowid, run_id, scenario, idx, year, code, name, given, merged, cooperation,"
    "  population, population_date, population_source, months, charged_months, host, payee, due,"
    "  total, " ORE_CONVERTED("exact") ", nparts, nservices, money, settlement_only, has_difference,"
    "  difference, settlement, invoice, ninvoices FROM run_rows;"
    "DROP TABLE run_rows;"
    "ALTER TABLE run_rows_v3 RENAME TO run_rows;"
    "CREATE TABLE run_parts_v3 ("
    "  run_id INTEGER NOT NULL, scenario INTEGER NOT NULL, row_idx INTEGER NOT NULL,"
    "  idx INTEGER NOT NULL " COUNT("idx") ","
    "  name TEXT NOT NULL,"
    "  rounded INTEGER NOT NULL " KRONER("rounded") ","
    "  exact_ore INTEGER NOT NULL " EXACT_ORE("exact_ore") ","
    "  explain TEXT,"
    "  PRIMARY KEY (run_id, scenario, row_idx, idx),"
    "  FOREIGN KEY (run_id, scenario, row_idx) REFERENCES run_rows (run_id, scenario, idx)"
    "    ON DELETE CASCADE) STRICT;"
    "INSERT INTO run_parts_v3 (rowid, run_id, scenario, row_idx, idx, name, rounded, exact_ore, explain)"
    "  SELECT rowid, run_id, scenario, row_idx, idx, name, rounded, " ORE_CONVERTED("exact") ", explain"
    "  FROM run_parts;"
    "DROP TABLE run_parts;"
    "ALTER TABLE run_parts_v3 RENAME TO run_parts;";

static const char *const schema_steps[CS_RUNDB_VERSION] = {schema_v1, schema_v2, schema_v3};

/* The first stored run whose counts its children do not match: a run stored
** without all its rows (cs_rundb_verify; a run being read is checked as it
** is read). F(t) restricts table alias t (here to every run). */
#define INCOMPLETE_SQL(F)                                                                         \
  "SELECT r.id, 'scenarios' FROM runs r WHERE " F("r.id") " AND r.nscenarios <>"                  \
  "  (SELECT count(*) FROM run_scenarios s WHERE s.run_id = r.id)"                                \
  " UNION ALL SELECT r.id, 'rows' FROM runs r WHERE " F("r.id") " AND r.nrows <>"                \
  "  (SELECT count(*) FROM run_rows w WHERE w.run_id = r.id)"                                     \
  " UNION ALL SELECT s.run_id, 'rows of a scenario' FROM run_scenarios s WHERE " F("s.run_id")    \
  "  AND s.nrows <> (SELECT count(*) FROM run_rows w WHERE w.run_id = s.run_id"                   \
  "  AND w.scenario = s.idx)"                                                                     \
  " UNION ALL SELECT s.run_id, 'years' FROM run_scenarios s WHERE " F("s.run_id")                 \
  "  AND s.nyears <> (SELECT count(*) FROM run_years y WHERE y.run_id = s.run_id"                 \
  "  AND y.scenario = s.idx)"                                                                     \
  " UNION ALL SELECT w.run_id, 'parts' FROM run_rows w WHERE " F("w.run_id")                      \
  "  AND w.nparts <> (SELECT count(*) FROM run_parts p WHERE p.run_id = w.run_id"                 \
  "  AND p.scenario = w.scenario AND p.row_idx = w.idx)"                                          \
  " UNION ALL SELECT y.run_id, 'cost lines or grants' FROM run_years y WHERE " F("y.run_id")      \
  "  AND (y.nlines <> (SELECT count(*) FROM run_year_amounts a WHERE a.run_id = y.run_id"         \
  "  AND a.scenario = y.scenario AND a.year_idx = y.idx AND a.kind = 'line')"                     \
  "  OR y.ngrants <> (SELECT count(*) FROM run_year_amounts a WHERE a.run_id = y.run_id"          \
  "  AND a.scenario = y.scenario AND a.year_idx = y.idx AND a.kind = 'grant'))"
/* and from version 2 on */
#define INCOMPLETE_SQL_V2(F)                                                                      \
  " UNION ALL SELECT y.run_id, 'events' FROM run_years y WHERE " F("y.run_id")                    \
  "  AND y.nevents <> (SELECT count(*) FROM run_year_events e WHERE e.run_id = y.run_id"          \
  "  AND e.scenario = y.scenario AND e.year_idx = y.idx)"                                         \
  " UNION ALL SELECT w.run_id, 'services' FROM run_rows w WHERE " F("w.run_id")                   \
  "  AND w.nservices <> (SELECT count(*) FROM run_row_services v WHERE v.run_id = w.run_id"       \
  "  AND v.scenario = w.scenario AND v.row_idx = w.idx)"                                          \
  " UNION ALL SELECT w.run_id, 'invoices' FROM run_rows w WHERE " F("w.run_id")                   \
  "  AND w.ninvoices <> (SELECT count(*) FROM run_invoices i WHERE i.run_id = w.run_id"           \
  "  AND i.scenario = w.scenario AND i.row_idx = w.idx)"                                          \
  " UNION ALL SELECT i.run_id, 'invoice lines' FROM run_invoices i WHERE " F("i.run_id")          \
  "  AND i.nlines <> (SELECT count(*) FROM run_invoice_lines l WHERE l.run_id = i.run_id"         \
  "  AND l.scenario = i.scenario AND l.row_idx = i.row_idx AND l.invoice_idx = i.idx)"
#define EVERY_RUN(col) "1"

static char *dupstr(const char *s) {
  if (!s) return NULL;
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

static int db_fail(cs_rundb *db, cs_error *err, const char *what) {
  return cs_sqlite_error(db->db, err, db->path, what);
}

/* Runs one PRAGMA that must answer "ok" (integrity_check, quick_check). */
static int check_ok(cs_rundb *db, const char *pragma, cs_error *err) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db->db, pragma, -1, &st, NULL) != SQLITE_OK)
    return db_fail(db, err, "cannot check the file");
  int rc = sqlite3_step(st);
  const char *answer = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
  int ret = CS_OK;
  if (rc != SQLITE_ROW) ret = db_fail(db, err, "cannot check the file");
  else if (!answer || strcmp(answer, "ok") != 0)
    ret = cs_error_set(err, CS_EIO, "%s: the file is damaged (%s: %s)", db->path, pragma + 7,
                       answer ? answer : "no answer");
  sqlite3_finalize(st);
  return ret;
}

/* Runs the schema's steps from version `from` (0: a new store) to
** CS_RUNDB_VERSION. */
static int run_steps(sqlite3 *db, int from) {
  for (int v = from; v < CS_RUNDB_VERSION; v++)
    if (sqlite3_exec(db, schema_steps[v], NULL, NULL, NULL) != SQLITE_OK) return -1;
  return 0;
}

/* Creates the schema (from = 0) or upgrades a store of version `from`, and
** marks the file as a run store of this version, in one transaction. The
** foreign keys are off meanwhile (a table made anew is dropped and renamed,
** which would otherwise delete the rows that refer to it) and checked before
** COMMIT. */
static int create_schema(cs_rundb *db, int from, cs_error *err) {
  char marks[96];
  snprintf(marks, sizeof marks, "PRAGMA application_id = %d; PRAGMA user_version = %d;",
           CS_RUNDB_APPLICATION_ID, CS_RUNDB_VERSION);
  if (sqlite3_exec(db->db, "PRAGMA foreign_keys = OFF", NULL, NULL, NULL) != SQLITE_OK)
    return db_fail(db, err, "cannot prepare the run store");
  int rc = CS_OK;
  if (sqlite3_exec(db->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
    rc = db_fail(db, err, "cannot start a write transaction");
  } else {
    int broken = 0;
    if (run_steps(db->db, from) != 0 || sqlite3_exec(db->db, marks, NULL, NULL, NULL) != SQLITE_OK) {
      rc = db_fail(db, err, from ? "cannot upgrade the run store" : "cannot create the run store");
    } else if (cs_sqlite_int(db->db, "SELECT count(*) FROM pragma_foreign_key_check", &broken) != 0 ||
               broken) {
      rc = cs_error_set(err, CS_EIO, "%s: upgrading it would break its rows' references; it was left as "
                        "it was", db->path);
    } else if (sqlite3_exec(db->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
      rc = db_fail(db, err, "cannot create or upgrade the run store (COMMIT failed)");
    }
    if (rc) sqlite3_exec(db->db, "ROLLBACK", NULL, NULL, NULL);
  }
  if (sqlite3_exec(db->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL) != SQLITE_OK && !rc)
    rc = db_fail(db, err, "cannot prepare the run store");
  if (!rc) db->version = CS_RUNDB_VERSION;
  return rc;
}

/* Takes the write lock and writes page 1's journal, then rolls back: proves
** now that a save will be able to lock and write (file, folder, locks). */
static int probe_write(cs_rundb *db, cs_error *err) {
  char sql[64];
  if (sqlite3_exec(db->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
    return db_fail(db, err, "cannot lock it for writing");
  snprintf(sql, sizeof sql, "PRAGMA user_version = %d", CS_RUNDB_VERSION);
  int rc = CS_OK;
  if (sqlite3_exec(db->db, sql, NULL, NULL, NULL) != SQLITE_OK) rc = db_fail(db, err, "cannot write to it");
  if (sqlite3_exec(db->db, "ROLLBACK", NULL, NULL, NULL) != SQLITE_OK && !rc)
    rc = db_fail(db, err, "cannot write to it");
  return rc;
}

int cs_rundb_is_store_name(const char *path) {
  static const char *const exts[] = {".db", ".sqlite", ".sqlite3"};
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  size_t n = strlen(base);
  for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
    size_t m = strlen(exts[i]);
    if (n < m) continue;
    size_t j = 0;
    while (j < m && (base[n - m + j] | 0x20) == exts[i][j]) j++;
    if (j == m) return 1;
  }
  return 0;
}

/* Appends "name type notnull pk;" for each column of table to out (size
** bytes): the columns as `db` has them, "" when it has no such table.
** 0, or -1 when the query fails. */
static int table_columns(sqlite3 *db, const char *table, char *out, size_t size) {
  sqlite3_stmt *st;
  out[0] = '\0';
  if (sqlite3_prepare_v2(db, "SELECT name, type, \"notnull\", pk FROM pragma_table_info(?1) ORDER BY cid",
                         -1, &st, NULL) != SQLITE_OK)
    return -1;
  sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
  size_t n = 0;
  int step;
  while ((step = sqlite3_step(st)) == SQLITE_ROW && n < size) {
    const char *name = (const char *)sqlite3_column_text(st, 0), *type = (const char *)sqlite3_column_text(st, 1);
    n += (size_t)snprintf(out + n, size - n, "%s %s %d %d;", name ? name : "", type ? type : "",
                          sqlite3_column_int(st, 2), sqlite3_column_int(st, 3));
  }
  sqlite3_finalize(st);
  return step == SQLITE_DONE || step == SQLITE_ROW ? 0 : -1;
}

/* Every column of every table in db, in one text: "table.column type
** notnull pk;" in order of table name and column; -1 when the query fails or
** the text does not fit. */
static int all_columns(sqlite3 *db, char *out, size_t size) {
  sqlite3_stmt *st;
  out[0] = '\0';
  if (sqlite3_prepare_v2(db,
                         "SELECT m.name, p.name, p.type, p.\"notnull\", p.pk FROM sqlite_schema m,"
                         " pragma_table_info(m.name) p WHERE m.type = 'table'"
                         " AND m.name NOT LIKE 'sqlite^_%' ESCAPE '^' ORDER BY m.name, p.cid",
                         -1, &st, NULL) != SQLITE_OK)
    return -1;
  size_t n = 0;
  int step;
  while ((step = sqlite3_step(st)) == SQLITE_ROW && n < size) {
    const char *t = (const char *)sqlite3_column_text(st, 0), *c = (const char *)sqlite3_column_text(st, 1),
               *type = (const char *)sqlite3_column_text(st, 2);
    n += (size_t)snprintf(out + n, size - n, "%s.%s %s %d %d;", t ? t : "", c ? c : "", type ? type : "",
                          sqlite3_column_int(st, 3), sqlite3_column_int(st, 4));
  }
  sqlite3_finalize(st);
  return step == SQLITE_DONE && n < size ? 0 : -1;
}

/* The schema of version v in a memory database (the steps up to v). */
static int reference_schema(sqlite3 **ref, int v) {
  *ref = NULL;
  if (sqlite3_open_v2(":memory:", ref, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) return -1;
  for (int k = 0; k < v; k++)
    if (sqlite3_exec(*ref, schema_steps[k], NULL, NULL, NULL) != SQLITE_OK) return -1;
  return 0;
}

/* The columns of each version's schema as coopsim makes it, once per
** process for each version a store is opened at (make_schema_columns). */
static char schema_columns[CS_RUNDB_VERSION + 1][8192];
static int schema_columns_ok[CS_RUNDB_VERSION + 1];
static int schema_made[CS_RUNDB_VERSION + 1];
static pthread_mutex_t schema_lock = PTHREAD_MUTEX_INITIALIZER;

/* And each table's SQL as the steps make it, "name\nsql\n" a table in
** order of name: a table stripped of STRICT or of a CHECK has the same
** columns, and only its SQL tells. */
static char *schema_sql[CS_RUNDB_VERSION + 1];

/* Makes version v's schema_columns and schema_sql, unless made: only the
** store's version, as each takes its steps anew in a memory database (all
** three were some 15 ms of every `runs` command). */
static void make_schema_columns(int v) {
  pthread_mutex_lock(&schema_lock);
  if (!schema_made[v]) {
    schema_made[v] = 1;
    sqlite3 *ref = NULL;
    sqlite3_stmt *st = NULL;
    schema_columns_ok[v] =
        reference_schema(&ref, v) == 0 && all_columns(ref, schema_columns[v], sizeof schema_columns[v]) == 0 &&
        sqlite3_prepare_v2(ref,
                           "SELECT group_concat(name || char(10) || sql || char(10), '') FROM (SELECT name,"
                           " sql FROM sqlite_schema WHERE type = 'table' ORDER BY name)",
                           -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) &&
        (schema_sql[v] = dupstr((const char *)sqlite3_column_text(st, 0))) != NULL;
    sqlite3_finalize(st);
    sqlite3_close(ref);
  }
  pthread_mutex_unlock(&schema_lock);
}

/* Each of coopsim's tables in the store with the SQL the schema's steps give
** it (its CHECKs, STRICT, keys), compared table by table; called once its
** columns are known to be coopsim's. */
static int check_tables_sql(cs_rundb *db, int v, cs_error *err) {
  sqlite3_stmt *st;
  if (!schema_columns_ok[v]) return cs_error_set(err, CS_ENOMEM, "%s: cannot check the tables (out of memory)", db->path);
  if (sqlite3_prepare_v2(db->db, "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?1", -1, &st,
                         NULL) != SQLITE_OK)
    return db_fail(db, err, "cannot check the tables");
  int rc = CS_OK;
  for (const char *p = schema_sql[v]; *p && !rc;) {
    const char *name = p, *sql = strchr(name, '\n') + 1, *end = strchr(sql, '\n');
    p = end + 1;
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, name, (int)(sql - 1 - name), SQLITE_STATIC);
    int step = sqlite3_step(st);
    const char *have = step == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
    if (step != SQLITE_ROW && step != SQLITE_DONE)
      rc = db_fail(db, err, "cannot check the tables");
    else if (!have || strlen(have) != (size_t)(end - sql) || memcmp(have, sql, (size_t)(end - sql)) != 0)
      rc = cs_error_set(err, CS_EINVAL,
                        "%s: marked as a coopsim run store, but its table %.*s is not as coopsim makes it "
                        "(its SQL differs: a CHECK, STRICT or a key was changed): a damaged or altered file; "
                        "nothing was run or changed",
                        db->path, (int)(sql - 1 - name), name);
  }
  sqlite3_finalize(st);
  return rc;
}

/* A file marked as a run store must have every table of the schema, with
** its columns: the schema is made in a memory database once, and its
** columns (name, type, not null, key) are compared with the file's. A store
** whose tables were dropped or changed is refused before anything runs,
** naming what is wrong, rather than failing at the first save. */
static int check_tables(cs_rundb *db, cs_error *err) {
  char have[8192];
  int v = db->version >= 1 && db->version <= CS_RUNDB_VERSION ? db->version : 1;
  make_schema_columns(v);
  /* the common case: exactly coopsim's tables of the store's version */
  if (schema_columns_ok[v] && all_columns(db->db, have, sizeof have) == 0 && strcmp(have, schema_columns[v]) == 0)
    return check_tables_sql(db, v, err);
  /* otherwise table by table, to say what is wrong (other tables are allowed) */
  sqlite3 *ref = NULL;
  sqlite3_stmt *st = NULL;
  int rc = CS_OK;
  if (reference_schema(&ref, v) != 0 ||
      sqlite3_prepare_v2(ref, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY rowid", -1,
                         &st, NULL) != SQLITE_OK) {
    rc = cs_error_set(err, CS_ENOMEM, "%s: cannot check the tables (out of memory)", db->path);
    goto done;
  }
  char missing[1024] = "", want[2048];
  size_t nmissing = 0;
  while (!rc && sqlite3_step(st) == SQLITE_ROW) {
    const char *table = (const char *)sqlite3_column_text(st, 0);
    if (!table || table_columns(ref, table, want, sizeof want) != 0) {
      rc = cs_error_set(err, CS_ENOMEM, "%s: cannot check the tables (out of memory)", db->path);
    } else if (table_columns(db->db, table, have, sizeof have) != 0) {
      rc = db_fail(db, err, "cannot check the tables");
    } else if (!have[0]) {
      nmissing += (size_t)snprintf(missing + nmissing, sizeof missing - nmissing, "%s%s",
                                   nmissing ? ", " : "", table);
      if (nmissing >= sizeof missing) nmissing = sizeof missing - 1;
    } else if (strcmp(want, have) != 0) {
      rc = cs_error_set(err, CS_EINVAL,
                        "%s: marked as a coopsim run store, but its table %s does not have the "
                        "columns coopsim stores runs in; nothing was run or changed",
                        db->path, table);
    }
  }
  if (!rc && missing[0])
    rc = cs_error_set(err, CS_EINVAL,
                      "%s: marked as a coopsim run store, but tables are missing (%s): a damaged "
                      "or altered file; nothing was run or changed",
                      db->path, missing);
  if (!rc) rc = check_tables_sql(db, v, err);
done:
  sqlite3_finalize(st);
  sqlite3_close(ref);
  return rc;
}

/* What is at the store's name now: 1 a regular file, 0 nothing; CS_E* (with
** err set) for anything else, which is never opened as a store. */
static int what_is_there(cs_rundb *db, const cs_rundb_options *opt, cs_error *err) {
  struct stat st;
  int r = db->dirfd >= 0 ? fstatat(db->dirfd, opt->name, &st, AT_SYMLINK_NOFOLLOW) : stat(db->path, &st);
  if (r != 0) {
    if (errno == ENOENT) return 0;
    return cs_error_set(err, CS_EIO, "%s: cannot check it (%s)", db->path, strerror(errno));
  }
  if (S_ISLNK(st.st_mode))
    return cs_error_set(err, CS_EINVAL,
                        "%s is a symbolic link; a run store for a scenario file from someone else "
                        "is not opened through one",
                        db->path);
  if (!S_ISREG(st.st_mode))
    return cs_error_set(err, CS_EINVAL, "%s is not a regular file (%s), not a run store", db->path,
                        S_ISDIR(st.st_mode) ? "a folder" : S_ISFIFO(st.st_mode) ? "a FIFO"
                        : S_ISSOCK(st.st_mode) ? "a socket" : "a device or other special file");
  return 1;
}

static const char *const new_store_rule =
    "a new run store is made only under a store's name (.db .sqlite .sqlite3)";

int cs_rundb_open(cs_rundb **out, const char *path, const cs_rundb_options *opt, cs_error *err) {
  static const cs_rundb_options defaults = CS_RUNDB_OPTIONS_INIT;
  if (!opt) opt = &defaults;
  *out = NULL;
  cs_rundb *db = calloc(1, sizeof *db);
  if (!db || !(db->path = dupstr(path))) {
    free(db);
    return cs_error_set(err, CS_ENOMEM, "%s: out of memory", path);
  }
  db->dirfd = -1;
  db->fd = -1;
  db->write = opt->write != 0;
  db->busy_ms = opt->busy_ms;
  int rc = CS_OK;
  if (opt->dirfd >= 0) {
    if (!opt->name || !opt->name[0] || strchr(opt->name, '/'))
      rc = cs_error_set(err, CS_EINVAL, "%s: not a name inside a folder", path);
    else if ((db->dirfd = fcntl(opt->dirfd, F_DUPFD_CLOEXEC, 0)) < 0)
      rc = cs_error_set(err, CS_EIO, "%s: %s", path, strerror(errno));
    else if (!(db->name = dupstr(opt->name)))
      rc = cs_error_set(err, CS_ENOMEM, "%s: out of memory", path);
  }
  int there = rc ? 0 : what_is_there(db, opt, err);
  if (there < 0) rc = there;
  /* a store is only ever created under a store's name */
  int may_create = opt->write && cs_rundb_is_store_name(opt->dirfd >= 0 ? opt->name : path);
  if (!rc && opt->write && !there && !may_create)
    rc = cs_error_set(err, CS_EINVAL, "%s does not exist, and %s; nothing was created", path,
                      new_store_rule);
  /* a writer needs digests (nettle, loaded on first use): known before a file is made */
  cs_error why;
  if (!rc && opt->write && cs_sha256_load(&why) != CS_OK)
    rc = cs_error_set(err, CS_EIO, "%s: %s; nothing was changed", path, why.msg);
  /* read-write even for reading: after a crash the first reader must be able
  ** to roll back the hot journal; query_only keeps readers from writing */
  /* one thread uses a store's connection: no mutex taken at every column read */
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (may_create ? SQLITE_OPEN_CREATE : 0);
  if (!rc)
    rc = cs_sqlite_open_fd(&db->db, db->dirfd, db->dirfd >= 0 ? opt->name : path, path, flags, opt->busy_ms, -1,
                           &db->fd, err);
  if (!rc && !opt->write && sqlite3_exec(db->db, "PRAGMA query_only = ON", NULL, NULL, NULL) != SQLITE_OK)
    rc = db_fail(db, err, "cannot open it for reading");
  /* a page cache of 512 KB, not SQLite's 2 MB: a run is read (and saved)
  ** in order, each page about once, and more cache is only more pages to
  ** touch for the first time (some 10 us each here). The national run's
  ** export: 1111 page faults with 2 MB, 726 with 512 KB. */
  if (!rc && sqlite3_exec(db->db, "PRAGMA cache_size = -512", NULL, NULL, NULL) != SQLITE_OK)
    rc = db_fail(db, err, "cannot open it");
  /* every b-tree page read is checked more closely (its cells' sizes and
  ** places), so a damaged page the run's rows are on is an error */
  if (!rc && sqlite3_exec(db->db, "PRAGMA cell_size_check = ON", NULL, NULL, NULL) != SQLITE_OK)
    rc = db_fail(db, err, "cannot open it");
  int empty = 0, version = 0;
  if (!rc && opt->write && sqlite3_db_readonly(db->db, "main") == 1)
    rc = cs_error_set(err, CS_EINVAL, "%s: the file is read-only; runs cannot be stored in it", path);
  if (!rc) rc = cs_sqlite_check_identity(db->db, path, "run store", CS_RUNDB_APPLICATION_ID,
                                         CS_RUNDB_VERSION, opt->write, &empty, &version, err);
  if (!rc && empty && !may_create)
    rc = cs_error_set(err, CS_EINVAL, "%s is an empty file, not a run store, and %s; it was left as it was",
                      path, new_store_rule);
  db->version = version;
  if (!rc && !empty && version < 1)
    rc = cs_error_set(err, CS_EINVAL,
                      "%s: marked as a coopsim run store, but its schema version (user_version) is %d, "
                      "which no coopsim writes: a damaged or altered file; it was left as it was",
                      path, version);
  if (!rc && !empty) rc = check_tables(db, err);
  /* a rollback journal, never WAL (see rundb.h); set before any write */
  if (!rc && opt->write) {
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db->db, "PRAGMA journal_mode = DELETE", -1, &st, NULL) != SQLITE_OK)
      rc = db_fail(db, err, "cannot set the journal mode");
    else {
      const char *mode = sqlite3_step(st) == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
      if (!mode || strcmp(mode, "delete") != 0) rc = db_fail(db, err, "cannot set the journal mode");
      sqlite3_finalize(st);
    }
  }
  /* a store that runs are added to is checked whole; a reader checks what
  ** it reads (a stored run: every value, count and page of it, see
  ** cs_rundb_load) and leaves the rest unread (cs_rundb_verify reads all) */
  if (!rc && !empty && opt->write) rc = check_ok(db, "PRAGMA quick_check", err);
  if (!rc && opt->write)
    rc = empty ? create_schema(db, 0, err)
         : version < CS_RUNDB_VERSION ? create_schema(db, version, err) /* an older store: upgraded */
                                      : probe_write(db, err);
  if (rc) {
    cs_rundb_close(db);
    return rc;
  }
  *out = db;
  return CS_OK;
}

void cs_rundb_close(cs_rundb *db) {
  if (!db) return;
  sqlite3_close(db->db);
  if (db->dirfd >= 0) close(db->dirfd);
  free(db->path);
  free(db->name);
  free(db);
}

const char *cs_rundb_path(const cs_rundb *db) { return db->path; }

/* ---- save ---------------------------------------------------------------- */

/* The tables with many rows (the national run: 96 000 rows, 149 000 parts,
** 4 600 years, 18 800 cost lines and grants) are written BATCH rows to a
** statement (a multi-row VALUES), as most of an insert's cost is the
** statement's own. */
#define ROW_INSERT                                                                               \
  "INSERT INTO run_rows (run_id, scenario, idx, year, code, name, given, merged, cooperation,"    \
  " population, population_date, population_source, months, charged_months, host, payee, due,"  \
  " total, exact_ore, nparts, nservices, money, settlement_only, has_difference, difference,"    \
  " settlement, invoice, ninvoices) VALUES "
#define ROW_COLUMNS 28
#define PART_INSERT                                                                              \
  "INSERT INTO run_parts (run_id, scenario, row_idx, idx, name, rounded, exact_ore, explain) VALUES "
#define PART_COLUMNS 8
#define YEAR_INSERT                                                                              \
  "INSERT INTO run_years (run_id, scenario, idx, year, cooperation, members, cost, grants, net,"  \
  " balance, sum_shares, key, key_label, key_source, key_assumption, agreement_months, covers,"   \
  " past_end, nlines, ngrants, nevents, actual_cost, actual_grants, actual_net, key_nb) VALUES "
#define YEAR_COLUMNS 25
#define AMOUNT_INSERT "INSERT INTO run_year_amounts (run_id, scenario, year_idx, kind, idx, name, amount) VALUES "
#define AMOUNT_COLUMNS 7
enum { BATCH = 32 };

enum { ST_RUN, ST_SCENARIO, ST_ROW, ST_PART, ST_YEAR, ST_AMOUNT, ST_EVENT, ST_SERVICE, ST_INVOICE,
       ST_INVOICE_LINE, ST_COUNTS, ST_COMMIT, ST_N };

static const char *const save_sql[ST_N] = {
    "INSERT INTO runs (created, coopsim_version, doc_coopsim_version, registry_version,"
    " scenario_file, scenario_text, scenario_sha256, options, nscenarios, nrows)"
    " VALUES (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    "INSERT INTO run_scenarios (run_id, idx, name, year_from, year_to, options, nrows, nyears)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    ROW_INSERT "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,"
    " ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28)",
    PART_INSERT "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    YEAR_INSERT "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,"
    " ?19, ?20, ?21, ?22, ?23, ?24, ?25)",
    AMOUNT_INSERT "(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    "INSERT INTO run_year_events (run_id, scenario, year_idx, idx, kind, code, name, date, until,"
    " other_code, other_name) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    "INSERT INTO run_row_services (run_id, scenario, row_idx, idx, name, kroner)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    "INSERT INTO run_invoices (run_id, scenario, row_idx, idx, due, amount, nlines)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    "INSERT INTO run_invoice_lines (run_id, scenario, row_idx, invoice_idx, idx, kind, service,"
    " instalment, settles, amount) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    "UPDATE runs SET nscenarios = ?1, nrows = ?2 WHERE id = ?3",
    "COMMIT",
};

static void bind_text(sqlite3_stmt *st, int i, const char *s) {
  if (s) sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
  else sqlite3_bind_null(st, i);
}

/* 1 and the øre in *out when s is an amount exactly as the document writes
** one (cs_q_format_cents): an optional "-" (never on 0.00), 1 to 16 digits
** of kroner without a leading zero, a point and two digits; else 0. */
static int ore_of(const char *s, int64_t *out) {
  if (!s) return 0;
  int neg = s[0] == '-';
  const char *p = s + neg;
  int64_t v = 0;
  size_t digits = 0;
  for (; *p >= '0' && *p <= '9'; p++, digits++) v = 10 * v + (*p - '0');
  if (digits < 1 || digits > 16 || (digits > 1 && p[-(ptrdiff_t)digits] == '0')) return 0;
  if (p[0] != '.' || p[1] < '0' || p[1] > '9' || p[2] < '0' || p[2] > '9' || p[3] != '\0') return 0;
  v = 100 * v + 10 * (p[1] - '0') + (p[2] - '0');
  if (neg && v == 0) return 0;
  *out = neg ? -v : v;
  return 1;
}

/* A row's or a part's exact amount, stored as øre (schema version 3). A
** text that is not an amount is bound as NULL, which the column's NOT NULL
** refuses, naming its place like any refused value (bound as text, STRICT
** would take "1234" for 1234 øre). */
static void bind_exact(sqlite3_stmt *st, int i, const char *s) {
  int64_t ore;
  if (ore_of(s, &ore)) sqlite3_bind_int64(st, i, ore);
  else sqlite3_bind_null(st, i);
}

/* Steps an INSERT once and resets it (every statement of a save binds all
** its parameters before each step, so no binding is left over); on failure
** sets err, naming where (a printf format and its arguments, formatted only
** then: a save makes a quarter of a million inserts), and returns a CS_ code. */
static int insert(cs_rundb *db, sqlite3_stmt *st, cs_error *err, const char *where, ...)
    __attribute__((format(printf, 4, 5)));

static int insert(cs_rundb *db, sqlite3_stmt *st, cs_error *err, const char *where, ...) {
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  if (rc == SQLITE_DONE) return CS_OK;
  char at[192];
  va_list ap;
  va_start(ap, where);
  vsnprintf(at, sizeof at, where, ap);
  va_end(ap);
  int code = (rc & 0xff) == SQLITE_CONSTRAINT ? CS_EINVAL : CS_EIO;
  return cs_error_set(err, code, "%s: nothing was saved: %s: %s (%s)", db->path, at,
                      sqlite3_errmsg(db->db), sqlite3_errstr(rc));
}

/* A row's services, instalments and their lines. */
static int save_row_money(cs_rundb *db, sqlite3_stmt **st, int64_t id, size_t s, size_t r,
                          const cs_doc_row *row, cs_error *err) {
  int rc;
  for (size_t k = 0; k < row->nservices; k++) {
    sqlite3_stmt *q = st[ST_SERVICE];
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_int64(q, 2, (int64_t)s);
    sqlite3_bind_int64(q, 3, (int64_t)r);
    sqlite3_bind_int64(q, 4, (int64_t)k);
    bind_text(q, 5, row->services[k].name);
    sqlite3_bind_int64(q, 6, row->services[k].kroner);
    if ((rc = insert(db, q, err, "run %zu, row %zu, service %zu", s + 1, r + 1, k + 1))) return rc;
  }
  for (size_t k = 0; k < row->ninvoices; k++) {
    const cs_doc_invoice *inv = &row->invoices[k];
    sqlite3_stmt *q = st[ST_INVOICE];
    sqlite3_bind_int64(q, 1, id);
    sqlite3_bind_int64(q, 2, (int64_t)s);
    sqlite3_bind_int64(q, 3, (int64_t)r);
    sqlite3_bind_int64(q, 4, (int64_t)k);
    bind_text(q, 5, inv->due);
    sqlite3_bind_int64(q, 6, inv->amount);
    sqlite3_bind_int64(q, 7, (int64_t)inv->nlines);
    if ((rc = insert(db, q, err, "run %zu, row %zu, invoice %zu", s + 1, r + 1, k + 1))) return rc;
    for (size_t l = 0; l < inv->nlines; l++) {
      const cs_doc_invoice_line *line = &inv->lines[l];
      q = st[ST_INVOICE_LINE];
      sqlite3_bind_int64(q, 1, id);
      sqlite3_bind_int64(q, 2, (int64_t)s);
      sqlite3_bind_int64(q, 3, (int64_t)r);
      sqlite3_bind_int64(q, 4, (int64_t)k);
      sqlite3_bind_int64(q, 5, (int64_t)l);
      bind_text(q, 6, line->kind);
      bind_text(q, 7, line->service);
      sqlite3_bind_int(q, 8, line->instalment);
      sqlite3_bind_int(q, 9, line->settles);
      sqlite3_bind_int64(q, 10, line->amount);
      if ((rc = insert(db, q, err, "run %zu, row %zu, invoice %zu, line %zu", s + 1, r + 1, k + 1, l + 1)))
        return rc;
    }
  }
  return CS_OK;
}

/* ---- rows, parts, years and their amounts, BATCH to a statement ---------- */

/* Where the rows a save is writing come from: run s of the document, stored
** as run id. */
typedef struct save_at {
  cs_rundb *db;
  int64_t id;
  size_t s;
  const cs_doc_run *run;
} save_at;

/* Every table a save batches starts with (run_id, scenario), the same for
** all rows of a run: one statement binds them once, as ?1 and ?2, and each
** row's own columns follow from ?3 on (also in save_sql's single-row
** statements, so both are bound alike). */
enum { SHARED_COLS = 2 };

/* Binds the own columns of row r (part, amount p) from parameter first on. */
typedef void bind_fn(sqlite3_stmt *st, int first, const save_at *at, size_t r, size_t p);
/* Writes where row r (part, amount p) is, for a message. */
typedef void where_fn(char *out, size_t size, const save_at *at, size_t r, size_t p);

static void bind_row(sqlite3_stmt *q, int first, const save_at *at, size_t r, size_t p) {
  (void)p;
  const cs_doc_row *row = &at->run->rows[r];
  int i = first;
  sqlite3_bind_int64(q, i++, (int64_t)r);
  sqlite3_bind_int(q, i++, row->year);
  sqlite3_bind_text(q, i++, row->code, (int)(memchr(row->code, '\0', sizeof row->code) ?
                                             strlen(row->code) : sizeof row->code), SQLITE_STATIC);
  bind_text(q, i++, row->name);
  bind_text(q, i++, row->given);
  bind_text(q, i++, row->merged);
  bind_text(q, i++, row->cooperation);
  sqlite3_bind_int64(q, i++, row->population);
  bind_text(q, i++, row->population_date);
  bind_text(q, i++, row->population_source);
  sqlite3_bind_int(q, i++, row->months);
  sqlite3_bind_int(q, i++, row->charged_months);
  sqlite3_bind_int(q, i++, row->host);
  bind_text(q, i++, row->payee);
  bind_text(q, i++, row->due);
  sqlite3_bind_int64(q, i++, row->total);
  bind_exact(q, i++, row->exact);
  sqlite3_bind_int64(q, i++, (int64_t)row->nparts);
  sqlite3_bind_int64(q, i++, (int64_t)row->nservices);
  sqlite3_bind_int(q, i++, row->money != 0);
  sqlite3_bind_int(q, i++, row->settlement_only != 0);
  sqlite3_bind_int(q, i++, row->has_difference != 0);
  sqlite3_bind_int64(q, i++, row->difference);
  sqlite3_bind_int64(q, i++, row->settlement);
  sqlite3_bind_int64(q, i++, row->invoice);
  sqlite3_bind_int64(q, i, (int64_t)row->ninvoices); /* the ROW_COLUMNS-th */
}

static void where_row(char *out, size_t size, const save_at *at, size_t r, size_t p) {
  (void)p;
  const cs_doc_row *row = &at->run->rows[r];
  snprintf(out, size, "run %zu, row %zu (%d %.16s)", at->s + 1, r + 1, row->year, row->code);
}

static void bind_part(sqlite3_stmt *q, int first, const save_at *at, size_t r, size_t p) {
  const cs_doc_part *part = &at->run->rows[r].parts[p];
  sqlite3_bind_int64(q, first, (int64_t)r);
  sqlite3_bind_int64(q, first + 1, (int64_t)p);
  bind_text(q, first + 2, part->name);
  sqlite3_bind_int64(q, first + 3, part->rounded);
  bind_exact(q, first + 4, part->exact);
  bind_text(q, first + 5, part->explain); /* the PART_COLUMNS-th */
}

static void where_part(char *out, size_t size, const save_at *at, size_t r, size_t p) {
  const cs_doc_row *row = &at->run->rows[r];
  snprintf(out, size, "run %zu, row %zu (%d %.16s), part %zu", at->s + 1, r + 1, row->year, row->code,
           p + 1);
}

static void bind_year(sqlite3_stmt *q, int first, const save_at *at, size_t y, size_t p) {
  (void)p;
  const cs_doc_year *yr = &at->run->years[y];
  int i = first;
  sqlite3_bind_int64(q, i++, (int64_t)y);
  sqlite3_bind_int(q, i++, yr->year);
  bind_text(q, i++, yr->cooperation);
  sqlite3_bind_int(q, i++, yr->members);
  bind_text(q, i++, yr->cost);
  bind_text(q, i++, yr->grants);
  bind_text(q, i++, yr->net);
  bind_text(q, i++, yr->balance);
  sqlite3_bind_int64(q, i++, yr->sum_shares);
  bind_text(q, i++, yr->key);
  bind_text(q, i++, yr->key_label);
  bind_text(q, i++, yr->key_source);
  bind_text(q, i++, yr->key_assumption);
  sqlite3_bind_int(q, i++, yr->agreement_months);
  sqlite3_bind_int(q, i++, yr->covers != 0);
  sqlite3_bind_int(q, i++, yr->past_end != 0);
  sqlite3_bind_int64(q, i++, (int64_t)yr->nlines);
  sqlite3_bind_int64(q, i++, (int64_t)yr->ngrants);
  sqlite3_bind_int64(q, i++, (int64_t)yr->nevents);
  bind_text(q, i++, yr->actual_cost);
  bind_text(q, i++, yr->actual_grants);
  bind_text(q, i++, yr->actual_net);
  bind_text(q, i, yr->key_nb); /* the YEAR_COLUMNS-th */
}

static void where_year(char *out, size_t size, const save_at *at, size_t y, size_t p) {
  (void)p;
  snprintf(out, size, "run %zu, year entry %zu (%d)", at->s + 1, y + 1, at->run->years[y].year);
}

/* Amount p of year y: its cost lines first (p < nlines), then its grants. */
static int amount_is_line(const cs_doc_year *yr, size_t p) { return p < yr->nlines; }

static void bind_amount(sqlite3_stmt *q, int first, const save_at *at, size_t y, size_t p) {
  const cs_doc_year *yr = &at->run->years[y];
  int line = amount_is_line(yr, p);
  size_t i = line ? p : p - yr->nlines;
  const cs_doc_amount *a = line ? &yr->lines[i] : &yr->grant_list[i];
  sqlite3_bind_int64(q, first, (int64_t)y);
  sqlite3_bind_text(q, first + 1, line ? "line" : "grant", -1, SQLITE_STATIC);
  sqlite3_bind_int64(q, first + 2, (int64_t)i);
  bind_text(q, first + 3, a->name);
  bind_text(q, first + 4, a->amount); /* the AMOUNT_COLUMNS-th */
}

static void where_amount(char *out, size_t size, const save_at *at, size_t y, size_t p) {
  const cs_doc_year *yr = &at->run->years[y];
  int line = amount_is_line(yr, p);
  snprintf(out, size, "run %zu, year entry %zu, %s %zu", at->s + 1, y + 1, line ? "line" : "grant",
           (line ? p : p - yr->nlines) + 1);
}

/* Rows of one table waiting to be inserted together: head is the INSERT up
** to VALUES, ncols its columns (SHARED_COLS of them bound once), one the
** statement of a single row (save_sql). `many` (BATCH rows) is prepared at
** its first use and serves every run; cs_rundb_save finalizes both. */
typedef struct batch {
  const char *head;
  int ncols;
  bind_fn *bind;
  where_fn *where;
  sqlite3_stmt *one, *many;
  size_t n;
  size_t r[BATCH], p[BATCH];
} batch;

enum { BATCH_ROWS, BATCH_PARTS, BATCH_YEARS, BATCH_AMOUNTS, BATCH_N };

/* The first parameter of the own columns of the i-th row of a statement. */
static int own_first(const batch *b, size_t i) { return SHARED_COLS + 1 + (int)i * (b->ncols - SHARED_COLS); }

/* The INSERT of BATCH rows of b's table, each row (?1, ?2, then its own
** numbered parameters), or NULL. */
static sqlite3_stmt *prepare_rows(cs_rundb *db, const batch *b) {
  const size_t n = BATCH;
  size_t size = strlen(b->head) + n * (size_t)b->ncols * 8 + 1;
  char *sql = malloc(size);
  if (!sql) return NULL;
  size_t len = (size_t)snprintf(sql, size, "%s", b->head);
  for (size_t i = 0; i < n && len < size; i++) {
    len += (size_t)snprintf(sql + len, size - len, "%s(?1, ?2", i ? ", " : "");
    for (int c = 0; c < b->ncols - SHARED_COLS && len < size; c++)
      len += (size_t)snprintf(sql + len, size - len, ", ?%d", own_first(b, i) + c);
    if (len < size) len += (size_t)snprintf(sql + len, size - len, ")");
  }
  sqlite3_stmt *st = NULL;
  if (len >= size || sqlite3_prepare_v2(db->db, sql, -1, &st, NULL) != SQLITE_OK) {
    sqlite3_finalize(st);
    st = NULL;
  }
  free(sql);
  return st;
}

/* Binds the columns every row of run `at` shares. */
static void bind_shared(sqlite3_stmt *st, const save_at *at) {
  sqlite3_bind_int64(st, 1, at->id);
  sqlite3_bind_int64(st, 2, (int64_t)at->s);
}

/* Inserts the n waiting rows one at a time with b->one; a failure names
** the row. */
static int insert_each(batch *b, const save_at *at, size_t n, cs_error *err) {
  bind_shared(b->one, at);
  for (size_t i = 0; i < n; i++) {
    b->bind(b->one, own_first(b, 0), at, b->r[i], b->p[i]);
    int rc = sqlite3_step(b->one);
    sqlite3_reset(b->one);
    if (rc != SQLITE_DONE) {
      char where[192];
      b->where(where, sizeof where, at, b->r[i], b->p[i]);
      return cs_error_set(err, (rc & 0xff) == SQLITE_CONSTRAINT ? CS_EINVAL : CS_EIO,
                          "%s: nothing was saved: %s: %s (%s)", at->db->path, where,
                          sqlite3_errmsg(at->db->db), sqlite3_errstr(rc));
    }
  }
  return CS_OK;
}

/* Inserts the waiting rows: a full batch in one statement, the fewer rows
** left at the end of a table one at a time (preparing a statement for them
** would cost more than it saves). When the full statement is refused (a
** CHECK, a key) and the transaction is still open, its rows are inserted
** again one by one so that the message names the row that was refused;
** any other failure names the rows of the batch. */
static int batch_flush(batch *b, const save_at *at, cs_error *err) {
  size_t n = b->n;
  b->n = 0;
  if (n < BATCH) return insert_each(b, at, n, err);
  if (!b->many && !(b->many = prepare_rows(at->db, b)))
    return db_fail(at->db, err, "cannot prepare a save; nothing was saved");
  sqlite3_stmt *st = b->many;
  bind_shared(st, at);
  for (size_t i = 0; i < n; i++) b->bind(st, own_first(b, i), at, b->r[i], b->p[i]);
  int rc = sqlite3_step(st);
  sqlite3_reset(st);
  if (rc == SQLITE_DONE) return CS_OK;
  /* each is taken on its own: they are in, once, or the refused one is named */
  if ((rc & 0xff) == SQLITE_CONSTRAINT && !sqlite3_get_autocommit(at->db->db))
    return insert_each(b, at, n, err);
  char where[192], last[192];
  b->where(where, sizeof where, at, b->r[0], b->p[0]);
  b->where(last, sizeof last, at, b->r[n - 1], b->p[n - 1]);
  return cs_error_set(err, (rc & 0xff) == SQLITE_CONSTRAINT ? CS_EINVAL : CS_EIO,
                      "%s: nothing was saved: %s to %s: %s (%s)", at->db->path, where, last,
                      sqlite3_errmsg(at->db->db), sqlite3_errstr(rc));
}

/* Adds row r (part, amount p) to the batch; inserts the batch when it is full. */
static int batch_add(batch *b, const save_at *at, size_t r, size_t p, cs_error *err) {
  b->r[b->n] = r;
  b->p[b->n] = p;
  return ++b->n == BATCH ? batch_flush(b, at, err) : CS_OK;
}

/* Run s of a document: its scenario, rows (BATCH at a time), their
** services and instalments, parts (BATCH at a time), and years. */
static int save_run(cs_rundb *db, sqlite3_stmt **st, batch *b, int64_t id, size_t s,
                    const cs_doc_run *run, cs_error *err) {
  int rc;
  save_at at = {db, id, s, run};
  sqlite3_bind_int64(st[ST_SCENARIO], 1, id);
  sqlite3_bind_int64(st[ST_SCENARIO], 2, (int64_t)s);
  bind_text(st[ST_SCENARIO], 3, run->scenario);
  sqlite3_bind_int(st[ST_SCENARIO], 4, run->from);
  sqlite3_bind_int(st[ST_SCENARIO], 5, run->to);
  bind_text(st[ST_SCENARIO], 6, run->options);
  sqlite3_bind_int64(st[ST_SCENARIO], 7, (int64_t)run->nrows);
  sqlite3_bind_int64(st[ST_SCENARIO], 8, (int64_t)run->nyears);
  if ((rc = insert(db, st[ST_SCENARIO], err, "run %zu (scenario \"%.80s\")", s + 1,
                  run->scenario ? run->scenario : "")))
    return rc;
  for (size_t r = 0; r < run->nrows; r++)
    if ((rc = batch_add(&b[BATCH_ROWS], &at, r, 0, err))) return rc;
  if ((rc = batch_flush(&b[BATCH_ROWS], &at, err))) return rc;
  /* each row's services and instalments once the rows they refer to are in */
  for (size_t r = 0; r < run->nrows; r++)
    if ((rc = save_row_money(db, st, id, s, r, &run->rows[r], err))) return rc;
  for (size_t r = 0; r < run->nrows; r++)
    for (size_t p = 0; p < run->rows[r].nparts; p++)
      if ((rc = batch_add(&b[BATCH_PARTS], &at, r, p, err))) return rc;
  if ((rc = batch_flush(&b[BATCH_PARTS], &at, err))) return rc;
  /* the years, then their cost lines and grants, then their events: each
  ** table's rows in the document's order */
  for (size_t y = 0; y < run->nyears; y++)
    if ((rc = batch_add(&b[BATCH_YEARS], &at, y, 0, err))) return rc;
  if ((rc = batch_flush(&b[BATCH_YEARS], &at, err))) return rc;
  for (size_t y = 0; y < run->nyears; y++)
    for (size_t p = 0; p < run->years[y].nlines + run->years[y].ngrants; p++)
      if ((rc = batch_add(&b[BATCH_AMOUNTS], &at, y, p, err))) return rc;
  if ((rc = batch_flush(&b[BATCH_AMOUNTS], &at, err))) return rc;
  for (size_t y = 0; y < run->nyears; y++) {
    const cs_doc_year *yr = &run->years[y];
    for (size_t e = 0; e < yr->nevents; e++) {
      const cs_doc_event *ev = &yr->events[e];
      sqlite3_stmt *q = st[ST_EVENT];
      sqlite3_bind_int64(q, 1, id);
      sqlite3_bind_int64(q, 2, (int64_t)s);
      sqlite3_bind_int64(q, 3, (int64_t)y);
      sqlite3_bind_int64(q, 4, (int64_t)e);
      bind_text(q, 5, ev->kind);
      bind_text(q, 6, ev->code);
      bind_text(q, 7, ev->name);
      bind_text(q, 8, ev->date);
      bind_text(q, 9, ev->until);
      bind_text(q, 10, ev->other_code);
      bind_text(q, 11, ev->other_name);
      if ((rc = insert(db, q, err, "run %zu, year entry %zu (%d), event %zu", s + 1, y + 1, yr->year, e + 1)))
        return rc;
    }
  }
  return CS_OK;
}

/* Every FOREIGN KEY of the schema as a query for the first place in run ?1
** where a row's parent is not there: the child table, the parent table,
** and where. A save turns the foreign keys off while it inserts (checked
** row by row they cost a sixth of the national run's save) and runs these
** once for its run before COMMIT: every row it wrote has that run's id and
** no other run's rows are written, so a dangling row is refused as before,
** only later. test_rundb_refs checks that this list covers every foreign
** key of the schema, and that a dangling row is refused. */
#define DANGLING(child, parent, key, join)                                                     \
  "SELECT '" child "', '" parent "', " key " FROM " child " c WHERE c.run_id = ?1 AND NOT EXISTS " \
  "(SELECT 1 FROM " parent " p WHERE " join ") LIMIT 1"
/* The tables with many rows refer to parents numbered 0..n-1 (per run, or
** per run and scenario) and are checked without a look-up per row: the
** parents' numbers, distinct by their primary key, are exactly 0..n-1 when
** there are n of them, the least 0 and the greatest n - 1; then every
** reference from the least to the greatest has its parent. The children's
** least and greatest references are found in their primary key (a seek
** each, per scenario), and only the parents are counted. WITHIN_RUN: the
** child's scenarios among the run's; WITHIN_SCENARIO: that, and each
** scenario's references among its parents. */
#define SCENARIO_RANGE(child, shown)                                                             \
  "SELECT '" child "', '" shown "', 'scenario ' || c.lo || '..' || c.hi"                          \
  " FROM (SELECT (SELECT min(scenario) FROM " child " WHERE run_id = ?1) lo,"                      \
  " (SELECT max(scenario) FROM " child " WHERE run_id = ?1) hi) c,"                                \
  " (SELECT count(*) n, min(idx) plo, max(idx) phi FROM run_scenarios WHERE run_id = ?1) p"       \
  " WHERE c.lo IS NOT NULL AND (c.lo < 0 OR c.hi >= p.n OR p.plo <> 0 OR p.phi <> p.n - 1)"
#define WITHIN_RUN(child) SCENARIO_RANGE(child, "run_scenarios")
#define AT_SCENARIO(what, table) "(SELECT " what " FROM " table " WHERE run_id = ?1 AND scenario = x.idx)"
#define WITHIN_SCENARIO(child, ref, parent)                                                      \
  "SELECT '" child "', '" parent "', 'scenario ' || s.idx || ', " ref " ' || s.lo || '..' || s.hi" \
  " FROM (SELECT x.idx, " AT_SCENARIO("min(" ref ")", child) " lo, "                              \
  AT_SCENARIO("max(" ref ")", child) " hi, " AT_SCENARIO("count(*)", parent) " n, "               \
  AT_SCENARIO("min(idx)", parent) " plo, " AT_SCENARIO("max(idx)", parent) " phi"                 \
  " FROM run_scenarios x WHERE x.run_id = ?1) s"                                                 \
  " WHERE s.lo IS NOT NULL AND (s.lo < 0 OR s.hi >= s.n OR s.plo <> 0 OR s.phi <> s.n - 1)"       \
  " UNION ALL " SCENARIO_RANGE(child, parent) " LIMIT 1"
static const char *const dangling_sql[] = {
    DANGLING("run_scenarios", "runs", "'scenario ' || c.idx", "p.id = c.run_id"),
    WITHIN_RUN("run_rows"),
    WITHIN_SCENARIO("run_parts", "row_idx", "run_rows"),
    WITHIN_RUN("run_years"),
    WITHIN_SCENARIO("run_year_amounts", "year_idx", "run_years"),
    DANGLING("run_year_events", "run_years", "'scenario ' || c.scenario || ', year_idx ' || c.year_idx",
             "p.run_id = c.run_id AND p.scenario = c.scenario AND p.idx = c.year_idx"),
    DANGLING("run_row_services", "run_rows", "'scenario ' || c.scenario || ', row_idx ' || c.row_idx",
             "p.run_id = c.run_id AND p.scenario = c.scenario AND p.idx = c.row_idx"),
    DANGLING("run_invoices", "run_rows", "'scenario ' || c.scenario || ', row_idx ' || c.row_idx",
             "p.run_id = c.run_id AND p.scenario = c.scenario AND p.idx = c.row_idx"),
    DANGLING("run_invoice_lines", "run_invoices",
             "'scenario ' || c.scenario || ', row_idx ' || c.row_idx || ', invoice_idx ' || c.invoice_idx",
             "p.run_id = c.run_id AND p.scenario = c.scenario AND p.row_idx = c.row_idx AND "
             "p.idx = c.invoice_idx"),
};

/* The references of run id (dangling_sql); CS_EINVAL naming the first row
** that refers to nothing, CS_EIO when they cannot be checked. */
static int check_references(cs_rundb *db, int64_t id, cs_error *err) {
  int rc = CS_OK;
  for (size_t i = 0; i < sizeof dangling_sql / sizeof *dangling_sql && !rc; i++) {
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db->db, dangling_sql[i], -1, &st, NULL) != SQLITE_OK)
      return db_fail(db, err, "cannot check the run's references; nothing was saved");
    sqlite3_bind_int64(st, 1, id);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW)
      rc = cs_error_set(err, CS_EINVAL, "%s: nothing was saved: a row of %s (%s) refers to a missing row of %s",
                        db->path, (const char *)sqlite3_column_text(st, 0),
                        (const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 1));
    else if (step != SQLITE_DONE)
      rc = db_fail(db, err, "cannot check the run's references; nothing was saved");
    sqlite3_finalize(st);
  }
  return rc;
}

/* A save under way (rundb.h cs_rundb_save_begin): its statements, its
** batches, the run's id and what it has written so far. */
struct cs_rundb_saving {
  cs_rundb *db;
  sqlite3_stmt *st[ST_N];
  batch b[BATCH_N];
  int64_t id;
  size_t nruns, nrows;
};

/* Ends a save: its statements finalized, the transaction rolled back when
** one is still open (after FULL/IOERR/BUSY/NOMEM it may or may not have been
** rolled back already), the foreign keys on again for everything else the
** connection does (a delete's cascade); frees sv. CS_OK, or CS_EIO when the
** foreign keys cannot be turned on (err set). */
static int saving_end(cs_rundb_saving *sv, cs_error *err) {
  cs_rundb *db = sv->db;
  for (int i = 0; i < ST_N; i++) sqlite3_finalize(sv->st[i]);
  for (int i = 0; i < BATCH_N; i++) sqlite3_finalize(sv->b[i].many);
  free(sv);
  if (!sqlite3_get_autocommit(db->db)) sqlite3_exec(db->db, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_busy_timeout(db->db, db->busy_ms); /* as opened (cs_rundb_save_begin) */
  if (sqlite3_exec(db->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL) != SQLITE_OK)
    return cs_error_set(err, CS_EIO, "%s: the foreign keys could not be turned back on after a save: %s",
                        db->path, sqlite3_errmsg(db->db));
  return CS_OK;
}

void cs_rundb_save_abort(cs_rundb_saving *sv) {
  if (!sv) return;
  cs_error ignored;
  saving_end(sv, &ignored);
}

int cs_rundb_save_begin(cs_rundb *db, const cs_doc *head, const cs_rundb_meta *meta, cs_rundb_saving **out,
                        cs_error *err) {
  *out = NULL;
  if (!db->write)
    return cs_error_set(err, CS_EINVAL, "%s: opened for reading; nothing was saved", db->path);
  if (!meta || !meta->registry_version)
    return cs_error_set(err, CS_EINVAL, "%s: the registry version is missing; nothing was saved", db->path);
  char sha[CS_SHA256_HEX];
  cs_error why;
  if (meta->scenario_text && !cs_sha256_hex(meta->scenario_text, meta->scenario_len, sha, &why))
    return cs_error_set(err, CS_EIO, "%s: %s; nothing was saved", db->path, why.msg);
  cs_rundb_saving *sv = calloc(1, sizeof *sv);
  if (!sv) return cs_error_set(err, CS_ENOMEM, "%s: out of memory; nothing was saved", db->path);
  sv->db = db;
  int rc = CS_OK;
  for (int i = 0; i < ST_N && !rc; i++)
    if (sqlite3_prepare_v2(db->db, save_sql[i], -1, &sv->st[i], NULL) != SQLITE_OK)
      rc = db_fail(db, err, "cannot prepare a save; nothing was saved");
  const batch b[BATCH_N] = {
      {ROW_INSERT, ROW_COLUMNS, bind_row, where_row, sv->st[ST_ROW], NULL, 0, {0}, {0}},
      {PART_INSERT, PART_COLUMNS, bind_part, where_part, sv->st[ST_PART], NULL, 0, {0}, {0}},
      {YEAR_INSERT, YEAR_COLUMNS, bind_year, where_year, sv->st[ST_YEAR], NULL, 0, {0}, {0}},
      {AMOUNT_INSERT, AMOUNT_COLUMNS, bind_amount, where_amount, sv->st[ST_AMOUNT], NULL, 0, {0}, {0}}};
  memcpy(sv->b, b, sizeof b);
  /* the references are checked once for the run, before COMMIT (dangling_sql) */
  if (!rc && sqlite3_exec(db->db, "PRAGMA foreign_keys = OFF", NULL, NULL, NULL) != SQLITE_OK)
    rc = db_fail(db, err, "cannot prepare a save; nothing was saved");
  if (!rc && sqlite3_exec(db->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
    rc = db_fail(db, err, "cannot start the write transaction; nothing was saved");
  /* no waiting for other processes' locks until COMMIT: SQLite writes pages
  ** to the file before COMMIT when its cache is full, which needs readers
  ** gone, and waited busy_ms for them at each such spill (a reader holding a
  ** transaction open kept a national save waiting 628 s, then let it
  ** finish); a spill that finds a reader now gives up at once, keeping the
  ** pages in memory, and only COMMIT waits, busy_ms at most, and fails with
  ** "database is locked", nothing saved (cs_rundb_save_commit) */
  if (!rc) sqlite3_busy_timeout(db->db, 0);
  if (!rc) {
    /* its counts are 0 until cs_rundb_save_commit knows them */
    sqlite3_stmt *q = sv->st[ST_RUN];
    sqlite3_bind_text(q, 1, COOPSIM_VERSION, -1, SQLITE_STATIC);
    bind_text(q, 2, head->coopsim_version);
    bind_text(q, 3, meta->registry_version);
    bind_text(q, 4, meta->scenario_file ? meta->scenario_file : head->scenario_file);
    if (meta->scenario_text) {
      /* a zero-length blob, not NULL, for an empty file */
      sqlite3_bind_blob64(q, 5, meta->scenario_len ? meta->scenario_text : "", meta->scenario_len,
                          SQLITE_STATIC);
      sqlite3_bind_text(q, 6, sha, -1, SQLITE_STATIC);
    }
    bind_text(q, 7, meta->options ? meta->options : "");
    sqlite3_bind_int64(q, 8, 0);
    sqlite3_bind_int64(q, 9, 0);
    rc = insert(db, q, err, "the run's header");
    sv->id = sqlite3_last_insert_rowid(db->db);
  }
  if (rc) {
    cs_rundb_save_abort(sv);
    return rc;
  }
  *out = sv;
  return CS_OK;
}

int cs_rundb_save_run(cs_rundb_saving *sv, const cs_doc_run *run, cs_error *err) {
  int rc = save_run(sv->db, sv->st, sv->b, sv->id, sv->nruns, run, err);
  if (!rc) sv->nruns++, sv->nrows += run->nrows;
  return rc;
}

int cs_rundb_save_commit(cs_rundb_saving *sv, int64_t *id, cs_error *err) {
  cs_rundb *db = sv->db;
  sqlite3_stmt *q = sv->st[ST_COUNTS];
  sqlite3_bind_int64(q, 1, (int64_t)sv->nruns);
  sqlite3_bind_int64(q, 2, (int64_t)sv->nrows);
  sqlite3_bind_int64(q, 3, sv->id);
  int rc = insert(db, q, err, "the run's header");
  if (!rc) rc = check_references(db, sv->id, err);
  /* saved only when COMMIT itself returned SQLITE_DONE */
  if (!rc) {
    sqlite3_busy_timeout(db->db, db->busy_ms); /* readers are waited for here only */
    int c = sqlite3_step(sv->st[ST_COMMIT]);
    if (c != SQLITE_DONE)
      rc = cs_error_set(err, CS_EIO, "%s: COMMIT failed, nothing was saved: %s (%s)", db->path,
                        sqlite3_errmsg(db->db), sqlite3_errstr(c));
  }
  int64_t new_id = sv->id;
  if (!rc) *id = new_id;
  cs_error after = {0, ""};
  if (saving_end(sv, &after) != CS_OK && !rc)
    rc = cs_error_set(err, CS_EIO, "run %lld was saved, but %s", (long long)new_id, after.msg);
  return rc;
}

int cs_rundb_save(cs_rundb *db, const cs_doc *doc, const cs_rundb_meta *meta, int64_t *id,
                  cs_error *err) {
  cs_rundb_saving *sv = NULL;
  int rc = cs_rundb_save_begin(db, doc, meta, &sv, err);
  for (size_t s = 0; s < doc->nruns && !rc; s++) rc = cs_rundb_save_run(sv, &doc->runs[s], err);
  if (rc) {
    cs_rundb_save_abort(sv);
    return rc;
  }
  return cs_rundb_save_commit(sv, id, err);
}

/* ---- read ---------------------------------------------------------------- */

void cs_rundb_info_clear(cs_rundb_info *info) {
  if (!info) return;
  free(info->created);
  free(info->coopsim_version);
  free(info->registry_version);
  free(info->scenario_file);
  free(info->scenario_sha256);
  free(info->scenario_text);
  free(info->options);
  free(info->scenarios);
  free(info->damaged);
  memset(info, 0, sizeof *info);
}

void cs_rundb_info_free(cs_rundb_info *infos, size_t n) {
  if (!infos) return;
  for (size_t i = 0; i < n; i++) cs_rundb_info_clear(&infos[i]);
  free(infos);
}

#define INFO_COLUMNS                                                                          \
  "id, created, coopsim_version, registry_version, scenario_file, scenario_sha256, options," \
  " nscenarios, nrows, (SELECT group_concat(name, ', ') FROM (SELECT name FROM run_scenarios" \
  " s WHERE s.run_id = runs.id ORDER BY idx))"

/* 0 when s is a real UTC time "YYYY-MM-DDTHH:MM:SSZ" (month 1-12, a day of
** that month, hour 0-23, minute and second 0-59), as a save writes it. */
static int real_utc_time(const char *s) {
  if (sqlite3_strglob("[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z", s) != 0)
    return -1;
#define NUM2(i) ((s[i] - '0') * 10 + (s[(i) + 1] - '0'))
  int y = NUM2(0) * 100 + NUM2(2), mo = NUM2(5), d = NUM2(8), h = NUM2(11), mi = NUM2(14), sec = NUM2(17);
#undef NUM2
  return mo >= 1 && mo <= 12 && d >= 1 && d <= cs_date_days_in_month(y, mo) && h <= 23 && mi <= 59 && sec <= 59 ? 0 : -1;
}

/* Column i of the runs row as a checked text, like every other stored text
** (get_text): of type TEXT (NULL only when nullable), no NUL, cs_text_check.
** A malloc'ed copy in *out (NULL for SQL NULL); 0, CS_ENOMEM, or CS_EIO with
** what is wrong in why. */
static int info_text(sqlite3_stmt *st, int i, int nullable, char **out, char *why, size_t size) {
  *out = NULL;
  int type = sqlite3_column_type(st, i);
  if (type == SQLITE_NULL) {
    if (nullable) return CS_OK;
    snprintf(why, size, "missing");
    return CS_EIO;
  }
  if (type != SQLITE_TEXT) {
    snprintf(why, size, "not a text");
    return CS_EIO;
  }
  const char *t = (const char *)sqlite3_column_text(st, i);
  int n = sqlite3_column_bytes(st, i);
  if (!t) return CS_ENOMEM;
  if (memchr(t, '\0', (size_t)n)) {
    snprintf(why, size, "a text holds a NUL byte");
    return CS_EIO;
  }
  if (cs_text_check(t, (size_t)n, why, size) != 0) return CS_EIO;
  if (!(*out = malloc((size_t)n + 1))) return CS_ENOMEM;
  memcpy(*out, t, (size_t)n);
  (*out)[n] = '\0';
  return CS_OK;
}

/* The runs row's checks, the one place every reader makes them (cs_rundb_list,
** and cs_rundb_load for show, compare and export): reads the INFO_COLUMNS of
** the current row into info, each text checked (info_text), `created` a
** real UTC time, the versions not empty, the SHA-256 64 hex digits, the
** counts whole numbers in range. 0, CS_ENOMEM, or CS_EIO with "TABLE, field
** \"NAME\": what is wrong" in why (what `runs list` and `runs show` print is
** checked like the figures, the file's other pages unread). */
static int read_info(sqlite3_stmt *st, cs_rundb_info *info, char *why, size_t size) {
  static const struct {
    int col, nullable;
    const char *table, *name;
    size_t offset;
  } texts[] = {
      {1, 0, "runs", "created", offsetof(cs_rundb_info, created)},
      {2, 0, "runs", "coopsim_version", offsetof(cs_rundb_info, coopsim_version)},
      {3, 0, "runs", "registry_version", offsetof(cs_rundb_info, registry_version)},
      {4, 1, "runs", "scenario_file", offsetof(cs_rundb_info, scenario_file)},
      {5, 1, "runs", "scenario_sha256", offsetof(cs_rundb_info, scenario_sha256)},
      {6, 0, "runs", "options", offsetof(cs_rundb_info, options)},
      {9, 1, "run_scenarios", "name", offsetof(cs_rundb_info, scenarios)},
  };
  char what[128];
  info->id = sqlite3_column_int64(st, 0);
  for (size_t k = 0; k < sizeof texts / sizeof texts[0]; k++) {
    int rc = info_text(st, texts[k].col, texts[k].nullable, (char **)((char *)info + texts[k].offset), what,
                       sizeof what);
    if (rc == CS_EIO) snprintf(why, size, "%s, field \"%s\": %s", texts[k].table, texts[k].name, what);
    if (rc) return rc;
  }
  const char *sha = info->scenario_sha256, *field = NULL, *wrong = NULL;
  if (real_utc_time(info->created) != 0)
    field = "created", wrong = "not a real UTC time YYYY-MM-DDTHH:MM:SSZ";
  else if (!info->coopsim_version[0])
    field = "coopsim_version", wrong = "empty";
  else if (!info->registry_version[0])
    field = "registry_version", wrong = "empty";
  else if (sha && (strlen(sha) != 64 || strspn(sha, "0123456789abcdef") != 64))
    field = "scenario_sha256", wrong = "not 64 lowercase hex digits";
  else if (sqlite3_column_type(st, 7) != SQLITE_INTEGER || sqlite3_column_int64(st, 7) < 0 ||
           sqlite3_column_int64(st, 7) > INT32_MAX)
    field = "nscenarios", wrong = "not a whole number 0..2^31-1";
  else if (sqlite3_column_type(st, 8) != SQLITE_INTEGER || sqlite3_column_int64(st, 8) < 0)
    field = "nrows", wrong = "not a whole number >= 0";
  if (!field) {
    info->nscenarios = sqlite3_column_int(st, 7);
    info->nrows = sqlite3_column_int64(st, 8);
    return CS_OK;
  }
  snprintf(why, size, "runs, field \"%s\": %s", field, wrong);
  return CS_EIO;
}

int cs_rundb_list(cs_rundb *db, cs_rundb_info **out, size_t *n, cs_error *err) {
  sqlite3_stmt *st;
  *out = NULL;
  *n = 0;
  if (sqlite3_prepare_v2(db->db, "SELECT " INFO_COLUMNS " FROM runs ORDER BY id", -1, &st, NULL) !=
      SQLITE_OK)
    return db_fail(db, err, "cannot list the runs");
  cs_rundb_info *list = NULL;
  size_t count = 0, cap = 0;
  int rc = CS_OK, step;
  while ((step = sqlite3_step(st)) == SQLITE_ROW) {
    if (count == cap) {
      size_t ncap = cap ? 2 * cap : 16;
      cs_rundb_info *nl = realloc(list, ncap * sizeof *nl);
      if (!nl) {
        rc = cs_error_set(err, CS_ENOMEM, "%s: out of memory listing the runs", db->path);
        break;
      }
      list = nl;
      cap = ncap;
    }
    cs_rundb_info *info = &list[count++];
    memset(info, 0, sizeof *info);
    char why[192];
    int irc = read_info(st, info, why, sizeof why);
    if (irc == CS_EIO) { /* listed by its id and what is wrong, nothing else of it */
      int64_t id = info->id;
      cs_rundb_info_clear(info);
      info->id = id;
      info->damaged = dupstr(why);
      if (!info->damaged) irc = CS_ENOMEM;
    }
    if (irc == CS_ENOMEM) {
      rc = cs_error_set(err, CS_ENOMEM, "%s: out of memory listing the runs", db->path);
      break;
    }
  }
  if (!rc && step != SQLITE_DONE) rc = db_fail(db, err, "cannot list the runs");
  sqlite3_finalize(st);
  if (rc) {
    cs_rundb_info_free(list, count);
    return rc;
  }
  *out = list;
  *n = count;
  return CS_OK;
}

/* The first stored run whose counts its children do not match: 0 when none. */
static int check_complete(cs_rundb *db, cs_error *err) {
  sqlite3_stmt *st;
  const char *sql = db->version >= 2 ? INCOMPLETE_SQL(EVERY_RUN) INCOMPLETE_SQL_V2(EVERY_RUN) " LIMIT 1"
                                     : INCOMPLETE_SQL(EVERY_RUN) " LIMIT 1";
  if (sqlite3_prepare_v2(db->db, sql, -1, &st, NULL) != SQLITE_OK)
    return db_fail(db, err, "cannot check the stored runs");
  int rc = CS_OK, step = sqlite3_step(st);
  if (step == SQLITE_ROW)
    rc = cs_error_set(err, CS_EIO, "%s: stored run %lld is incomplete (its %s are missing or extra)",
                      db->path, (long long)sqlite3_column_int64(st, 0),
                      (const char *)sqlite3_column_text(st, 1));
  else if (step != SQLITE_DONE)
    rc = db_fail(db, err, "cannot check the stored runs");
  sqlite3_finalize(st);
  return rc;
}

/* ---- reading one stored run ------------------------------------------------
**
** A run is read with one query per table, in the order it was saved, into
** the document's arena (doc.h): each distinct text is kept once and checked
** (text.h) the first time it is seen. Every value read is checked against
** what the schema's CHECKs allow (its type, its range), every child is
** checked to be the next one of its parent and to belong to this run, and
** every parent's count of children against the children read. This is what
** proves the run whole and sound, without reading the rest of the file
** (cs_rundb_verify checks the whole file; see cs_rundb_open). */

#define LAST_COLUMNS 32

typedef struct reader {
  cs_rundb *db;
  int64_t id;
  cs_doc_arena *arena;
  sqlite3_stmt *st;
  cs_error *err;
  int rc; /* 0, or the first problem's code; err holds its message */
  int explanations; /* 0: the parts' explanations are left unread */
  /* each column's last two texts: consecutive rows repeat most (a year's
  ** cooperation, dates; parts alternate, an equal part's explanation the
  ** same for every member), and a comparison is cheaper than a look-up
  ** among all texts */
  const char *last[LAST_COLUMNS][2];
  size_t last_len[LAST_COLUMNS][2];
} reader;

/* Records the first problem met (later ones are consequences). */
static void problem(reader *r, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static void problem(reader *r, int code, const char *fmt, ...) {
  if (r->rc) return;
  char what[CS_ERROR_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof what, fmt, ap);
  va_end(ap);
  if (code == CS_ENOMEM)
    r->rc = cs_error_set(r->err, code, "%s: out of memory reading run %lld", r->db->path, (long long)r->id);
  else
    r->rc = cs_error_set(r->err, code, "%s: stored run %lld is %s", r->db->path, (long long)r->id, what);
}

/* A value the schema does not allow in column i of the current row. */
static void bad_value(reader *r, int i, const char *why) {
  const char *table = sqlite3_column_table_name(r->st, i), *column = sqlite3_column_origin_name(r->st, i);
  problem(r, CS_EIO, "damaged (%s, field \"%s\": %s)", table ? table : "?", column ? column : "?", why);
}

/* Column i as a whole number within lo..hi (its CHECK); 0 when it is not. */
static int64_t get_int(reader *r, int i, int64_t lo, int64_t hi) {
  /* the column's value once, then its type and number (each sqlite3_column_*
  ** call looks the column up and checks for a failed allocation again) */
  sqlite3_value *val = sqlite3_column_value(r->st, i);
  if (sqlite3_value_type(val) != SQLITE_INTEGER) {
    bad_value(r, i, "not a whole number");
    return 0;
  }
  int64_t v = sqlite3_value_int64(val);
  if (v < lo || v > hi) {
    char why[96];
    snprintf(why, sizeof why, "%lld outside %lld..%lld", (long long)v, (long long)lo, (long long)hi);
    bad_value(r, i, why);
    return 0;
  }
  return v;
}

#define KRONER_LIMIT 9007199254740992LL /* the schema's KRONER: 2^53 */
#define get_kroner(r, i) get_int((r), (i), -KRONER_LIMIT, KRONER_LIMIT)
#define get_count(r, i) get_int((r), (i), 0, INT64_MAX)
#define get_bool(r, i) ((int)get_int((r), (i), 0, 1))

/* 1 when the n bytes at s are an amount as cs_doc_check wants one: an
** optional sign, 1 to 18 digits, a point and two decimals. Such a text is
** valid text (text.h) by its bytes alone. */
static int is_decimal2(const char *s, size_t n) {
  size_t k = n > 0 && s[0] == '-';
  size_t digits = 0;
  while (k < n && s[k] >= '0' && s[k] <= '9') k++, digits++;
  return digits >= 1 && digits <= 18 && n - k == 3 && s[k] == '.' && s[k + 1] >= '0' && s[k + 1] <= '9' &&
         s[k + 2] >= '0' && s[k + 2] <= '9';
}

/* Column i as the document's text (read by its length, checked when first
** seen, kept in the arena: once, interned, unless decimal and it is an
** amount, which is copied as it is); NULL for SQL NULL, which only a column
** that may be NULL (nullable) holds. Amounts repeat little but from one row
** to the next (the last texts of the column, compared first): the national
** run has 88 000 distinct among 245 000, and a copy is cheaper than a
** look-up in an intern table of that size, which misses the cache. */
static char *get_text_as(reader *r, int i, int nullable, int decimal) {
  sqlite3_value *val = sqlite3_column_value(r->st, i);
  int type = sqlite3_value_type(val);
  if (type == SQLITE_NULL) {
    if (!nullable) bad_value(r, i, "missing");
    return NULL;
  }
  if (type != SQLITE_TEXT) {
    bad_value(r, i, "not a text");
    return NULL;
  }
  const char *s = (const char *)sqlite3_value_text(val);
  int n = sqlite3_value_bytes(val);
  if (!s) {
    problem(r, CS_ENOMEM, "out of memory");
    return NULL;
  }
  if (i < LAST_COLUMNS)
    for (int k = 0; k < 2; k++)
      if (r->last[i][k] && r->last_len[i][k] == (size_t)n && memcmp(r->last[i][k], s, (size_t)n) == 0)
        return (char *)r->last[i][k];
  const char *t;
  if (decimal && is_decimal2(s, (size_t)n)) { /* no NUL, valid text: copied unchecked */
    char *copy = cs_doc_arena_alloc_raw(r->arena, (size_t)n + 1);
    if (!copy) {
      problem(r, CS_ENOMEM, "out of memory");
      return NULL;
    }
    memcpy(copy, s, (size_t)n);
    copy[n] = '\0';
    t = copy;
  } else {
    if (memchr(s, '\0', (size_t)n)) { /* before interning: the document's texts end at a NUL */
      bad_value(r, i, "a text holds a NUL byte");
      return NULL;
    }
    int fresh;
    t = cs_doc_arena_intern(r->arena, s, (size_t)n, &fresh);
    if (!t) {
      problem(r, CS_ENOMEM, "out of memory");
      return NULL;
    }
    char why[128];
    if (fresh && cs_text_check(t, (size_t)n, why, sizeof why) != 0) {
      bad_value(r, i, why);
      return NULL;
    }
  }
  if (i < LAST_COLUMNS) {
    r->last[i][1] = r->last[i][0];
    r->last_len[i][1] = r->last_len[i][0];
    r->last[i][0] = t;
    r->last_len[i][0] = (size_t)n;
  }
  return (char *)t; /* the document's fields are char *; an arena text is never freed one by one */
}

#define get_text(r, i, nullable) get_text_as((r), (i), (nullable), 0)
/* an amount ("8712.22"), kept as any text when it is not one (cs_doc_check names it) */
#define get_decimal(r, i, nullable) get_text_as((r), (i), (nullable), 1)

#define EXACT_LIMIT 900719925474099250LL /* the schema's EXACT_ORE: 2^53 kroner and a half, in øre */

/* Column i, a row's or a part's exact amount, as the document's text
** ("18709.15", cs_q_format_cents): stored as øre from schema version 3 on,
** as that text before (get_decimal). */
static char *get_exact(reader *r, int i) {
  if (r->db->version < 3) return get_decimal(r, i, 0);
  int before = r->rc;
  int64_t ore = get_int(r, i, -EXACT_LIMIT, EXACT_LIMIT);
  if (r->rc && !before) return NULL;
  char buf[32];
  if (cs_q_format_cents(ore, NULL, ".", buf, sizeof buf) != CS_OK) {
    bad_value(r, i, "not an amount");
    return NULL;
  }
  size_t n = strlen(buf);
  char *copy = cs_doc_arena_alloc_raw(r->arena, n + 1);
  if (!copy) {
    problem(r, CS_ENOMEM, "out of memory");
    return NULL;
  }
  memcpy(copy, buf, n + 1);
  return copy;
}

/* The children of one parent, gathered while they come and kept in the
** arena, exactly as many, when the next parent begins: nothing is sized by
** a count the file claims. */
typedef struct group {
  char *data;
  size_t n, cap, size;
} group;

/* A zeroed new element, or NULL (out of memory, recorded). */
static void *group_push(reader *r, group *g) {
  if (g->n == g->cap) {
    size_t cap = g->cap ? 2 * g->cap : 64;
    char *d = cap <= SIZE_MAX / g->size ? realloc(g->data, cap * g->size) : NULL;
    if (!d) {
      problem(r, CS_ENOMEM, "out of memory");
      return NULL;
    }
    g->data = d;
    g->cap = cap;
  }
  void *e = g->data + g->n++ * g->size;
  memset(e, 0, g->size);
  return e;
}

/* The group's elements copied into the arena (NULL when none, or on a
** problem), when there are as many as the parent claims (else the run is
** incomplete); the group is emptied. */
static void *group_keep(reader *r, group *g, size_t claimed, const char *what) {
  size_t n = g->n;
  g->n = 0;
  if (n != claimed) {
    problem(r, CS_EIO, "incomplete (its %s are missing or extra)", what);
    return NULL;
  }
  if (n == 0 || r->rc) return NULL;
  void *a = cs_doc_arena_alloc_raw(r->arena, n * g->size);
  if (!a) {
    problem(r, CS_ENOMEM, "out of memory");
    return NULL;
  }
  memcpy(a, g->data, n * g->size);
  return a;
}

/* Where a child row stands: key[0..nkey) names its parent (the query's
** order), i its place among the parent's children, n the children read of
** the parent before it. 1 when it begins a parent after *prev (the key
** before; all -1 at first), 0 when it is the next child of the same one;
** -1 (recorded: out of order) otherwise. */
static int child_place(reader *r, int64_t *prev, const int64_t *key, int nkey, int64_t i, size_t n,
                       const char *what) {
  int c = 0;
  for (int k = 0; k < nkey && !c; k++) c = key[k] < prev[k] ? -1 : key[k] > prev[k];
  if (c == 0 && i == (int64_t)n && n > 0) return 0;
  if (c > 0 && i == 0) {
    memcpy(prev, key, (size_t)nkey * sizeof *key);
    return 1;
  }
  problem(r, CS_EIO, "damaged (%s out of order)", what);
  return -1;
}

/* Steps the current query: 1 on a row of this run (its first column, the
** run's id, checked), 0 at its end, -1 on an error (recorded). */
static int next_row(reader *r) {
  if (r->rc) return -1;
  int step = sqlite3_step(r->st);
  if (step == SQLITE_DONE) return 0;
  if (step != SQLITE_ROW) {
    if (!r->rc) r->rc = db_fail(r->db, r->err, "cannot read a stored run");
    return -1;
  }
  if (get_int(r, 0, r->id, r->id) != r->id || r->rc) return -1;
  return 1;
}

/* Prepares sql (run id as ?1) as the current query; 0 or -1 (recorded). */
static int query(reader *r, const char *sql) {
  sqlite3_finalize(r->st);
  r->st = NULL;
  memset(r->last, 0, sizeof r->last);
  if (r->rc) return -1;
  if (sqlite3_prepare_v2(r->db->db, sql, -1, &r->st, NULL) != SQLITE_OK) {
    r->rc = db_fail(r->db, r->err, "cannot read a stored run");
    return -1;
  }
  sqlite3_bind_int64(r->st, 1, r->id);
  return 0;
}

/* ---- the fast path: a table's rows of the run read in rowid order ----------
**
** A run is saved in one transaction, its rows in key order, so its rows of
** a table are most often one stretch of rowids in that order: read so, a
** table is scanned without a look-up in its key's index for every row, into
** one array as long as the index counts (none grown, then copied). The path is taken only when it reads exactly
** what the key-ordered query reads, in the same order: as many rows of the
** run as the parents' counts claim (counted in the key's index), from the
** rowid of the least key on, each of this run and the k-th with the k-th key
** that the counts claim. Any row where that does not hold, before any of its
** values is read, sends the reader back to the key-ordered query (the
** parents' arrays still empty; the stretch's array, unused, stays in the arena
** until the document goes), which reports what is wrong as it always
** has; a value that is not as the schema allows is reported here as it
** would be there, being the same row's in the same order. */

/* The run's rows of table (keyed by run_id and key, the columns of its
** primary key after run_id): 1 when they fill rowids *first.. *first + *n - 1,
** *first the rowid of the least key and *n the run's rows of the table (no
** rows: 1); 0 when they may not, or on an error (left to the key-ordered
** query to report). The stretch's rows are then each read and checked to
** be this run's: with *n rows in all, they are all of its rows. */
static int run_stretch(reader *r, const char *table, const char *key, int64_t *first, int64_t *n) {
  char sql[160];
  sqlite3_stmt *st;
  snprintf(sql, sizeof sql, "SELECT count(*), (SELECT rowid FROM %s WHERE run_id = ?1 ORDER BY %s LIMIT 1)"
           " FROM %s WHERE run_id = ?1", table, key, table);
  if (sqlite3_prepare_v2(r->db->db, sql, -1, &st, NULL) != SQLITE_OK) return 0;
  sqlite3_bind_int64(st, 1, r->id);
  int ok = 0;
  if (sqlite3_step(st) == SQLITE_ROW) {
    *n = sqlite3_column_int64(st, 0);
    *first = sqlite3_column_int64(st, 1);
    ok = *n == 0 || (*n > 0 && sqlite3_column_type(st, 1) == SQLITE_INTEGER && *first <= INT64_MAX - *n);
  }
  sqlite3_finalize(st);
  return ok;
}

/* Column i as a whole number in *v, nothing recorded: 0, or -1 when it is not one. */
static int peek_int(reader *r, int i, int64_t *v) {
  sqlite3_value *val = sqlite3_column_value(r->st, i);
  if (sqlite3_value_type(val) != SQLITE_INTEGER) return -1;
  *v = sqlite3_value_int64(val);
  return 0;
}

/* Prepares the stretch's query (sql selects its columns, the run's id
** first, with ?1 and ?2 its first and last rowid); 0, or -1 (nothing recorded). */
static int stretch_query(reader *r, const char *sql, int64_t first, int64_t n) {
  sqlite3_finalize(r->st);
  r->st = NULL;
  memset(r->last, 0, sizeof r->last);
  if (sqlite3_prepare_v2(r->db->db, sql, -1, &r->st, NULL) != SQLITE_OK) return -1;
  sqlite3_bind_int64(r->st, 1, first);
  sqlite3_bind_int64(r->st, 2, first + n - 1);
  return 0;
}

/* Steps the stretch's query: 1 on a row of this run whose key columns
** 1..nkey are key[], 0 at its end, -1 when the step fails or the row is
** not that (nothing recorded: the key-ordered query tells). */
static int stretch_next(reader *r, const int64_t *key, int nkey) {
  int step = sqlite3_step(r->st);
  if (step == SQLITE_DONE) return 0;
  int64_t v;
  if (step != SQLITE_ROW || peek_int(r, 0, &v) || v != r->id) return -1;
  for (int k = 0; k < nkey; k++)
    if (peek_int(r, k + 1, &v) || v != key[k]) return -1;
  return 1;
}

/* ---- reading each table ---------------------------------------------------- */

#define ROW_COLUMNS_OF(exact)                                                                               \
  "SELECT run_id, scenario, idx, year, code, name, given, merged, cooperation, population,"                 \
  " population_date, population_source, months, charged_months, host, payee, due, total, " exact ","       \
  " nparts, nservices, money, settlement_only, has_difference, difference, settlement, invoice,"           \
  " ninvoices FROM run_rows WHERE "
#define ROW_COLUMNS_V3 ROW_COLUMNS_OF("exact_ore")
#define ROW_COLUMNS_V2 ROW_COLUMNS_OF("exact")
#define ROW_COLUMNS_V1                                                                                      \
  "SELECT run_id, scenario, idx, year, code, name, given, merged, cooperation, population,"                 \
  " population_date, population_source, months, charged_months, host, payee, due, total, exact,"           \
  " nparts, 0, 0, 0, 0, 0, 0, 0, 0 FROM run_rows WHERE "
#define BY_KEY(order) "run_id = ?1 ORDER BY " order
#define BY_ROWID "rowid BETWEEN ?1 AND ?2 ORDER BY rowid"

/* The values of the current row of run_rows (columns 3 on) into row, zeroed
** first; a code of code_min..code_max bytes. */
static void row_values(reader *r, cs_doc_row *row, size_t code_min, size_t code_max) {
  memset(row, 0, sizeof *row);
  row->year = (int)get_int(r, 3, 1838, 9999);
  sqlite3_value *val = sqlite3_column_value(r->st, 4); /* its type before its text */
  const char *code = sqlite3_value_type(val) == SQLITE_TEXT ? (const char *)sqlite3_value_text(val) : NULL;
  size_t n = code ? (size_t)sqlite3_value_bytes(val) : 0;
  if (!code || n < code_min || n > code_max || memchr(code, '\0', n))
    bad_value(r, 4, "not a member's code");
  else
    memcpy(row->code, code, n); /* zeroed, so terminated */
  row->name = get_text(r, 5, 0);
  row->given = get_text(r, 6, 1);
  row->merged = get_text(r, 7, 1);
  row->cooperation = get_text(r, 8, 0);
  row->population = get_int(r, 9, -1, INT64_MAX);
  row->population_date = get_text(r, 10, 1);
  row->population_source = get_text(r, 11, 1);
  row->months = (int)get_int(r, 12, 0, 12);
  row->charged_months = (int)get_int(r, 13, 0, 12);
  row->host = get_bool(r, 14);
  row->payee = get_text(r, 15, 1);
  row->due = get_text(r, 16, 1);
  row->total = get_kroner(r, 17);
  row->exact = get_exact(r, 18);
  row->nparts = (size_t)get_count(r, 19); /* claimed; the parts read must match */
  row->nservices = (size_t)get_count(r, 20);
  row->money = get_bool(r, 21);
  row->settlement_only = get_bool(r, 22);
  row->has_difference = get_bool(r, 23);
  row->difference = get_kroner(r, 24);
  row->settlement = get_kroner(r, 25);
  row->invoice = get_kroner(r, 26);
  row->ninvoices = (size_t)get_count(r, 27);
}

/* The rows of scenarios s0..s1 - 1 (n of them, as they claim) from rowid
** first on, in key order, into rows: 1 when read (or a value refused,
** recorded), 0 when they are not those rowids' rows (nothing recorded: the
** key-ordered query must read them). */
static int read_rows_range(reader *r, const cs_doc *doc, size_t s0, size_t s1, int64_t first, size_t n,
                           cs_doc_row *rows, size_t code_min, size_t code_max) {
  if (n == 0) return 1;
  int v = r->db->version;
  const char *sql = v >= 3 ? ROW_COLUMNS_V3 BY_ROWID : v == 2 ? ROW_COLUMNS_V2 BY_ROWID : ROW_COLUMNS_V1 BY_ROWID;
  if (stretch_query(r, sql, first, (int64_t)n)) return 0;
  size_t k = 0;
  for (size_t s = s0; s < s1 && !r->rc; s++)
    for (size_t i = 0; i < doc->runs[s].nrows && !r->rc; i++, k++) {
      int64_t key[2] = {(int64_t)s, (int64_t)i};
      if (stretch_next(r, key, 2) != 1) return 0;
      row_values(r, &rows[k], code_min, code_max);
    }
  if (!r->rc && sqlite3_step(r->st) != SQLITE_DONE) return 0;
  return 1;
}

typedef struct beside beside;
static size_t beside_split(const beside *b, size_t nruns);
static cs_doc_row *beside_rows(beside *b, int64_t first);

/* The scenarios' rows in rowid order into one array of the arena, each
** scenario's part of it as long as it claims: 1 when read (or a value
** refused, recorded), 0 when the key-ordered query must read them (every
** scenario's rows left NULL). The last scenarios' rows may come from b,
** read there meanwhile (else they are read here after the others). */
static int read_rows_stretch(reader *r, cs_doc *doc, size_t code_min, size_t code_max, beside *b) {
  int64_t first, n;
  size_t claimed = 0;
  for (size_t s = 0; s < doc->nruns; s++) claimed += doc->runs[s].nrows; /* their sum is the run's (read_scenarios) */
  if (!run_stretch(r, "run_rows", "scenario, idx", &first, &n) || (uint64_t)n != claimed) return 0;
  if (n == 0) return 1;
  cs_doc_row *rows = cs_doc_arena_alloc_raw(r->arena, (size_t)n * sizeof *rows);
  if (!rows) {
    problem(r, CS_ENOMEM, "out of memory");
    return 1;
  }
  /* scenarios k.. are b's to read; m rows before them */
  size_t k = beside_split(b, doc->nruns), m = 0;
  for (size_t s = 0; s < k; s++) m += doc->runs[s].nrows;
  if (!read_rows_range(r, doc, 0, k, first, m, rows, code_min, code_max)) return 0;
  if (r->rc) return 1;
  cs_doc_row *tail = rows + m;
  if (k < doc->nruns) {
    cs_doc_row *theirs = beside_rows(b, first);
    if (theirs)
      tail = theirs;
    else if (!read_rows_range(r, doc, k, doc->nruns, first + (int64_t)m, (size_t)n - m, tail, code_min, code_max))
      return 0;
  }
  for (size_t s = 0, at = 0; s < doc->nruns; at += doc->runs[s++].nrows)
    if (doc->runs[s].nrows) doc->runs[s].rows = s < k ? rows + at : tail + (at - m);
  return 1;
}

/* The scenarios' rows, then their years: each run's array kept when the
** next run's begins; a run's claimed counts are in nrows and nyears. */
static void read_rows(reader *r, cs_doc *doc, beside *b) {
  int v = r->db->version;
  size_t code_max = v >= 2 ? 16 : 4, code_min = v >= 2 ? 1 : 4;
  if (r->rc || read_rows_stretch(r, doc, code_min, code_max, b)) return;
  const char *sql = v >= 3   ? ROW_COLUMNS_V3 BY_KEY("scenario, idx")
                    : v == 2 ? ROW_COLUMNS_V2 BY_KEY("scenario, idx")
                             : ROW_COLUMNS_V1 BY_KEY("scenario, idx");
  group g = {NULL, 0, 0, sizeof(cs_doc_row)};
  int64_t prev = -1;
  cs_doc_run *run = NULL;
  if (query(r, sql) == 0) {
    while (next_row(r) > 0) {
      int64_t s = get_count(r, 1), i = get_count(r, 2);
      if (r->rc) break;
      int place = child_place(r, &prev, &s, 1, i, g.n, "rows");
      if (place < 0) break;
      if (place == 1) {
        if (run) run->rows = group_keep(r, &g, run->nrows, "rows");
        if ((uint64_t)s >= doc->nruns) problem(r, CS_EIO, "damaged (rows of a scenario it does not have)");
        if (r->rc) break;
        run = &doc->runs[s];
      }
      cs_doc_row *row = group_push(r, &g);
      if (!row) break;
      row_values(r, row, code_min, code_max);
    }
    if (run && !r->rc) run->rows = group_keep(r, &g, run->nrows, "rows");
    for (size_t s = 0; s < doc->nruns && !r->rc; s++)
      if (doc->runs[s].nrows && !doc->runs[s].rows) problem(r, CS_EIO, "incomplete (its rows are missing or extra)");
  }
  free(g.data);
}

static void read_years(reader *r, cs_doc *doc) {
  const char *sql =
      r->db->version >= 2
          ? "SELECT run_id, scenario, idx, year, cooperation, members, cost, grants, net, balance, sum_shares,"
            " key, key_label, key_source, key_assumption, agreement_months, covers, past_end, nlines, ngrants,"
            " key_nb, nevents, actual_cost, actual_grants, actual_net FROM run_years WHERE run_id = ?1"
            " ORDER BY scenario, idx"
          : "SELECT run_id, scenario, idx, year, cooperation, members, cost, grants, net, balance, sum_shares,"
            " key, key_label, key_source, key_assumption, agreement_months, covers, past_end, nlines, ngrants,"
            " NULL, 0, NULL, NULL, NULL FROM run_years WHERE run_id = ?1 ORDER BY scenario, idx";
  group g = {NULL, 0, 0, sizeof(cs_doc_year)};
  int64_t prev = -1;
  cs_doc_run *run = NULL;
  if (query(r, sql) == 0) {
    while (next_row(r) > 0) {
      int64_t s = get_count(r, 1), i = get_count(r, 2);
      if (r->rc) break;
      int place = child_place(r, &prev, &s, 1, i, g.n, "years");
      if (place < 0) break;
      if (place == 1) {
        if (run) run->years = group_keep(r, &g, run->nyears, "years");
        if ((uint64_t)s >= doc->nruns) problem(r, CS_EIO, "damaged (years of a scenario it does not have)");
        if (r->rc) break;
        run = &doc->runs[s];
      }
      cs_doc_year *y = group_push(r, &g);
      if (!y) break;
      y->year = (int)get_int(r, 3, 1838, 9999);
      y->cooperation = get_text(r, 4, 0);
      y->members = (int)get_int(r, 5, 0, INT32_MAX);
      y->cost = get_decimal(r, 6, 0);
      y->grants = get_decimal(r, 7, 0);
      y->net = get_decimal(r, 8, 0);
      y->balance = get_decimal(r, 9, 0);
      y->sum_shares = get_kroner(r, 10);
      y->key = get_text(r, 11, 1);
      y->key_label = get_text(r, 12, 1);
      y->key_source = get_text(r, 13, 1);
      y->key_assumption = get_text(r, 14, 1);
      y->agreement_months = (int)get_int(r, 15, 0, 12);
      y->covers = get_bool(r, 16);
      y->past_end = get_bool(r, 17);
      y->nlines = (size_t)get_count(r, 18); /* claimed, like the two below */
      y->ngrants = (size_t)get_count(r, 19);
      y->key_nb = get_text(r, 20, 1);
      y->nevents = (size_t)get_count(r, 21);
      y->actual_cost = get_decimal(r, 22, 1);
      y->actual_grants = get_decimal(r, 23, 1);
      y->actual_net = get_decimal(r, 24, 1);
    }
    if (run && !r->rc) run->years = group_keep(r, &g, run->nyears, "years");
    for (size_t s = 0; s < doc->nruns && !r->rc; s++)
      if (doc->runs[s].nyears && !doc->runs[s].years) problem(r, CS_EIO, "incomplete (its years are missing or extra)");
  }
  free(g.data);
}

/* The row at (s, i) of the document, or NULL (recorded: damaged). */
static cs_doc_row *row_at(reader *r, cs_doc *doc, int64_t s, int64_t i, const char *what) {
  if ((uint64_t)s < doc->nruns && (uint64_t)i < doc->runs[s].nrows) return &doc->runs[s].rows[i];
  problem(r, CS_EIO, "damaged (%s of a row it does not have)", what);
  return NULL;
}

#define PART_COLUMNS_OF(exact, explain) \
  "SELECT run_id, scenario, row_idx, idx, name, rounded, " exact ", " explain " FROM run_parts WHERE "
#define PART_BY_KEY BY_KEY("scenario, row_idx, idx")

/* The query of a run's parts for the store's schema version (the exact
** amount's column), with or without the explanations, in rowid stretches
** or by key. */
static const char *parts_sql(const reader *r, int by_rowid) {
  static const char *const sql[2][2][2] = {
      {{PART_COLUMNS_OF("exact", "NULL") PART_BY_KEY, PART_COLUMNS_OF("exact", "NULL") BY_ROWID},
       {PART_COLUMNS_OF("exact", "explain") PART_BY_KEY, PART_COLUMNS_OF("exact", "explain") BY_ROWID}},
      {{PART_COLUMNS_OF("exact_ore", "NULL") PART_BY_KEY, PART_COLUMNS_OF("exact_ore", "NULL") BY_ROWID},
       {PART_COLUMNS_OF("exact_ore", "explain") PART_BY_KEY, PART_COLUMNS_OF("exact_ore", "explain") BY_ROWID}}};
  return sql[r->db->version >= 3][r->explanations != 0][by_rowid != 0];
}

/* The values of the current row of run_parts (columns 4 on) into p. */
static void part_values(reader *r, cs_doc_part *p) {
  p->name = get_text(r, 4, 0);
  p->rounded = get_kroner(r, 5);
  p->exact = get_exact(r, 6);
  p->explain = get_text(r, 7, 1);
}

/* The rows' parts in rowid order into one array of the arena, as
** read_rows_stretch does the rows: 1 when read (or a value refused), 0 when
** the key-ordered query must read them (every row's parts left NULL). */
static int read_parts_stretch(reader *r, cs_doc *doc) {
  int64_t first, n;
  size_t claimed = 0;
  for (size_t s = 0; s < doc->nruns; s++)
    for (size_t i = 0; i < doc->runs[s].nrows; i++)
      if (__builtin_add_overflow(claimed, doc->runs[s].rows[i].nparts, &claimed)) return 0;
  if (!run_stretch(r, "run_parts", "scenario, row_idx, idx", &first, &n) || (uint64_t)n != claimed) return 0;
  if (n == 0) return 1;
  cs_doc_part *parts = cs_doc_arena_alloc_raw(r->arena, (size_t)n * sizeof *parts);
  if (!parts) {
    problem(r, CS_ENOMEM, "out of memory");
    return 1;
  }
  if (stretch_query(r, parts_sql(r, 1), first, n)) return 0;
  size_t k = 0;
  for (size_t s = 0; s < doc->nruns && !r->rc; s++)
    for (size_t i = 0; i < doc->runs[s].nrows && !r->rc; i++)
      for (size_t j = 0; j < doc->runs[s].rows[i].nparts && !r->rc; j++, k++) {
        int64_t key[3] = {(int64_t)s, (int64_t)i, (int64_t)j};
        if (stretch_next(r, key, 3) != 1) return 0;
        part_values(r, &parts[k]);
      }
  if (!r->rc && sqlite3_step(r->st) != SQLITE_DONE) return 0;
  size_t at = 0;
  for (size_t s = 0; s < doc->nruns; s++)
    for (size_t i = 0; i < doc->runs[s].nrows; at += doc->runs[s].rows[i++].nparts)
      if (doc->runs[s].rows[i].nparts) doc->runs[s].rows[i].parts = parts + at;
  return 1;
}

static void read_parts(reader *r, cs_doc *doc) {
  if (r->rc || read_parts_stretch(r, doc)) return;
  group g = {NULL, 0, 0, sizeof(cs_doc_part)};
  int64_t prev[2] = {-1, -1};
  cs_doc_row *row = NULL;
  if (query(r, parts_sql(r, 0)) == 0) {
    while (next_row(r) > 0) {
      int64_t key[2] = {get_count(r, 1), get_count(r, 2)}, i = get_count(r, 3);
      if (r->rc) break;
      int place = child_place(r, prev, key, 2, i, g.n, "parts");
      if (place < 0) break;
      if (place == 1) {
        if (row) row->parts = group_keep(r, &g, row->nparts, "parts");
        if (r->rc || !(row = row_at(r, doc, key[0], key[1], "parts"))) break;
      }
      cs_doc_part *p = group_push(r, &g);
      if (!p) break;
      part_values(r, p);
    }
    if (row && !r->rc) row->parts = group_keep(r, &g, row->nparts, "parts");
    for (size_t s = 0; s < doc->nruns && !r->rc; s++)
      for (size_t i = 0; i < doc->runs[s].nrows; i++)
        if (doc->runs[s].rows[i].nparts && !doc->runs[s].rows[i].parts) {
          problem(r, CS_EIO, "incomplete (its parts are missing or extra)");
          break;
        }
  }
  free(g.data);
}

/* ---- the parts read beside the rows ----------------------------------------
**
** A large run's parts, and its last scenarios' rows, are read on a second
** thread, through a second connection to the same file, while this thread
** reads the other rows: SQLite's stepping is most of a read, and one
** connection is one thread at a time.
** The second connection has the very file the first has open: SQLite's
** open of it gets a duplicate of the first's descriptor, not the file its
** name names by then (a copy renamed over it, a FIFO: cs_sqlite_open_fd).
** The two read the same snapshot: the first connection holds its read lock
** (SHARED) from before the second is opened until after it is done, and no
** writer can commit while any reader holds one (a rollback journal, never
** WAL: rundb.h); the store's marks, schema version, page counts and the
** run's row, read by both, are compared too (beside_fingerprint). A store
** someone turned to WAL (readable, never written so by coopsim) lets a
** writer commit while readers read, so two connections may see two
** snapshots: its parts are read by the first connection alone.
**
** The second thread reads the parts' stretch of rowids (run_stretch) with
** its keys, knowing nothing of the rows; once both are read, this thread
** checks those keys against the rows' counts exactly as read_parts_stretch
** does while it reads. It then reads the rows of the scenarios from k on
** as read_rows_stretch would (read_rows_range), while this thread reads
** those before k. Anything else (a row or part out of place, a value the
** schema does not allow, no second connection, a lock, no thread) and what
** the second thread read is dropped and this thread reads it as it always
** has, in the same order (the rows from k on after the others, then the
** parts), which reports whatever is wrong in its words. */

/* Runs that claim at least this many rows are read on two threads (the
** national run: 96 000); fewer are read faster by one. */
#define BESIDE_ROWS 20000
/* This thread reads the first scenarios' rows up to this share of them (in
** hundredths), the second thread the parts and the rest: measured on the
** national run, a row costs some 1.9 us to read, a part 0.57 us, and a row
** has 1.55 parts, so the two are even near 73 %. */
#define BESIDE_ROW_SHARE 73
static size_t beside_row_share = BESIDE_ROW_SHARE;
static size_t beside_min_rows = BESIDE_ROWS;

static size_t beside_taken, beside_rows_taken;

void cs_rundb_test_beside(size_t min_rows, size_t row_share) {
  beside_min_rows = min_rows;
  beside_row_share = row_share < 100 ? row_share : 100;
}
size_t cs_rundb_test_beside_taken(void) { return __atomic_load_n(&beside_taken, __ATOMIC_RELAXED); }
size_t cs_rundb_test_beside_rows_taken(void) { return __atomic_load_n(&beside_rows_taken, __ATOMIC_RELAXED); }

#define BESIDE_FINGERPRINT                                                                                   \
  "SELECT printf('%d %d %d %d %d ', (SELECT application_id FROM pragma_application_id),"                    \
  " (SELECT user_version FROM pragma_user_version), (SELECT schema_version FROM pragma_schema_version),"     \
  " (SELECT page_count FROM pragma_page_count), (SELECT freelist_count FROM pragma_freelist_count))"         \
  " || (SELECT quote(created) || quote(scenario_sha256) || ' ' || nrows || ' ' || nscenarios"                \
  " FROM runs WHERE id = ?1)"

typedef struct beside {
  cs_rundb twin;      /* the second connection (path, dirfd, name, fd: the store's own) */
  reader r;           /* its reader, into its own arena */
  cs_error err;       /* its reader's problem (dropped: read_parts tells) */
  char *fingerprint;  /* the store as the first connection sees it */
  pthread_t thread;
  cs_doc_part *parts; /* n parts of the stretch, in rowid order */
  int64_t (*keys)[3]; /* each one's scenario, row and place */
  int64_t n;
  int ok;             /* 1: parts and keys are the whole stretch, each value allowed */
  /* the rows of scenarios k.. (k == the run's scenarios: none) */
  const cs_doc *doc;  /* the document: its scenarios' claimed counts, read only */
  size_t k, code_min, code_max;
  cs_doc_row *rows;   /* when read whole: those rows, in key order */
  int64_t rows_first; /* the rowid of the run's least row key, as found there */
  int rows_used;      /* 1: given to the document (the arena must be adopted) */
  int joined;
  int stop;           /* set by the first thread (atomic): what the second reads is not wanted */
} beside;

/* The second connection's progress handler: nonzero interrupts its query. */
static int beside_stopped(void *arg) { return __atomic_load_n(&((beside *)arg)->stop, __ATOMIC_RELAXED); }

/* Joins b's thread, telling it first to stop when the first thread's read
** has failed (stop: then nothing of b is wanted). */
static void beside_join(beside *b, int stop) {
  if (b->joined) return;
  if (stop) __atomic_store_n(&b->stop, 1, __ATOMIC_RELAXED);
  pthread_join(b->thread, NULL);
  b->joined = 1;
}

/* The store's fingerprint by connection db (BESIDE_FINGERPRINT), malloc'ed;
** NULL on any failure. */
static char *beside_fingerprint(sqlite3 *db, int64_t id) {
  sqlite3_stmt *st;
  char *fp = NULL;
  if (sqlite3_prepare_v2(db, BESIDE_FINGERPRINT, -1, &st, NULL) != SQLITE_OK) return NULL;
  sqlite3_bind_int64(st, 1, id);
  if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_TEXT)
    fp = dupstr((const char *)sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  return fp;
}

/* The stretch of the run's parts with their keys into b (b->ok when whole). */
static void beside_read(beside *b) {
  reader *r = &b->r;
  int64_t first, n;
  if (!run_stretch(r, "run_parts", "scenario, row_idx, idx", &first, &n)) return;
  if (n == 0) {
    b->ok = 1;
    return;
  }
  if ((uint64_t)n > SIZE_MAX / sizeof *b->parts || !(b->keys = malloc((size_t)n * sizeof *b->keys)) ||
      !(b->parts = cs_doc_arena_alloc_raw(r->arena, (size_t)n * sizeof *b->parts)))
    return;
  if (stretch_query(r, parts_sql(r, 1), first, n)) return;
  for (int64_t k = 0; k < n; k++) {
    int64_t v;
    if (sqlite3_step(r->st) != SQLITE_ROW || peek_int(r, 0, &v) || v != r->id) return;
    for (int c = 0; c < 3; c++)
      if (peek_int(r, c + 1, &b->keys[k][c])) return;
    part_values(r, &b->parts[k]);
    if (r->rc) return;
  }
  if (sqlite3_step(r->st) != SQLITE_DONE) return;
  b->n = n;
  b->ok = 1;
}

/* The rows of scenarios b->k.. into b->rows (NULL unless read whole). */
static void beside_read_rows(beside *b) {
  reader *r = &b->r;
  const cs_doc *doc = b->doc;
  size_t claimed = 0, m = 0;
  for (size_t s = 0; s < doc->nruns; s++) claimed += doc->runs[s].nrows;
  for (size_t s = 0; s < b->k; s++) m += doc->runs[s].nrows;
  int64_t first, n;
  if (r->rc || !run_stretch(r, "run_rows", "scenario, idx", &first, &n) || (uint64_t)n != claimed || m > claimed)
    return;
  size_t want = claimed - m;
  cs_doc_row *rows = want <= SIZE_MAX / sizeof *rows ? cs_doc_arena_alloc_raw(r->arena, want * sizeof *rows) : NULL;
  if (!rows || !read_rows_range(r, doc, b->k, doc->nruns, first + (int64_t)m, want, rows, b->code_min, b->code_max) ||
      r->rc)
    return;
  b->rows = rows;
  b->rows_first = first;
}

static void *beside_main(void *arg) {
  beside *b = arg;
  cs_error why;
  sqlite3 *db = NULL;
  /* the first connection's file, read-only, no waiting: a writer waiting
  ** for the first connection's lock (PENDING) keeps new readers out, and
  ** would wait on this one */
  int rc = cs_sqlite_open_fd(&db, b->twin.dirfd, b->twin.dirfd >= 0 ? b->twin.name : b->twin.path, b->twin.path,
                             SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, 0, b->twin.fd, NULL, &why);
  b->twin.db = db;
  /* a read the first thread no longer wants (its own failed) ends at once */
  if (!rc) sqlite3_progress_handler(db, 1000, beside_stopped, b);
  if (rc || sqlite3_exec(db, "PRAGMA cache_size = -512; PRAGMA cell_size_check = ON", NULL, NULL, NULL) != SQLITE_OK ||
      sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
    return NULL;
  char *fp = beside_fingerprint(db, b->r.id);
  if (fp && strcmp(fp, b->fingerprint) == 0) {
    beside_read(b);
    if (b->k < b->doc->nruns) beside_read_rows(b);
  }
  free(fp);
  sqlite3_finalize(b->r.st);
  b->r.st = NULL;
  sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
  return NULL;
}

/* The first scenario whose rows b reads (the run's scenarios: none, or no b). */
static size_t beside_split(const beside *b, size_t nruns) { return b ? b->k : nruns; }

/* The rows b read of scenarios b->k.. (the thread joined), when it read
** them whole from the same stretch (first): given to the caller's document;
** else NULL (the caller reads them). */
static cs_doc_row *beside_rows(beside *b, int64_t first) {
  beside_join(b, 0);
  if (!b->rows || b->rows_first != first) return NULL;
  b->rows_used = 1;
  __atomic_add_fetch(&beside_rows_taken, 1, __ATOMIC_RELAXED);
  return b->rows;
}

/* Starts reading the run's parts and last rows beside the other rows, when
** the run is large enough and a second thread can be had; NULL otherwise
** (read_rows and read_parts read them). r has read the runs row and doc's
** scenarios: its connection holds the read lock. */
static beside *beside_start(reader *r, const cs_doc *doc, int64_t nrows) {
  /* near a memory limit one thread reads, in the memory it always took
  ** (a second thread's arena and malloc arena did not fit under 52 MB) */
  if (r->rc || nrows < 0 || (uint64_t)nrows < beside_min_rows || r->db->fd < 0 || cs_thread_memory_limited())
    return NULL;
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(r->db->db, "PRAGMA main.journal_mode", -1, &st, NULL) != SQLITE_OK) return NULL;
  const char *mode = sqlite3_step(st) == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
  int rollback = mode && strcmp(mode, "wal") != 0;
  sqlite3_finalize(st);
  if (!rollback) return NULL;
  beside *b = calloc(1, sizeof *b);
  if (!b) return NULL;
  b->twin = *r->db;
  b->twin.db = NULL;
  b->r = (reader){&b->twin, r->id, cs_doc_arena_new(0), NULL, &b->err, 0, r->explanations, {{NULL}}, {{0}}};
  b->doc = doc;
  b->code_max = r->db->version >= 2 ? 16 : 4; /* as read_rows */
  b->code_min = r->db->version >= 2 ? 1 : 4;
  size_t total = 0, mine = 0;
  for (size_t s = 0; s < doc->nruns; s++) total += doc->runs[s].nrows;
  size_t share = total <= SIZE_MAX / 100 ? total * beside_row_share / 100 : total / 100 * beside_row_share;
  while (b->k < doc->nruns && mine < share) mine += doc->runs[b->k++].nrows;
  b->fingerprint = beside_fingerprint(r->db->db, r->id);
  /* a helper thread takes no process signal (thread.h) */
  if (!b->r.arena || !b->fingerprint || cs_thread_start(&b->thread, NULL, beside_main, b) != 0) {
    cs_doc_arena_free(b->r.arena);
    free(b->fingerprint);
    free(b);
    return NULL;
  }
  return b;
}

/* The parts read beside, given to the document's rows when they are
** exactly what read_parts_stretch would have read: 1, or 0 (nothing given;
** read_parts must read them). Frees b, its arena adopted by the document's
** when the document has anything of it. */
static int beside_finish(reader *r, cs_doc *doc, beside *b) {
  if (!b) return 0;
  beside_join(b, r->rc != 0);
  int ok = !r->rc && b->ok;
  int64_t k = 0;
  for (size_t s = 0; s < doc->nruns && ok; s++)
    for (size_t i = 0; i < doc->runs[s].nrows && ok; i++)
      for (size_t j = 0; j < doc->runs[s].rows[i].nparts && ok; j++, k++)
        ok = k < b->n && b->keys[k][0] == (int64_t)s && b->keys[k][1] == (int64_t)i &&
             b->keys[k][2] == (int64_t)j;
  ok = ok && k == b->n;
  if (ok) {
    k = 0;
    for (size_t s = 0; s < doc->nruns; s++)
      for (size_t i = 0; i < doc->runs[s].nrows; k += (int64_t)doc->runs[s].rows[i++].nparts)
        if (doc->runs[s].rows[i].nparts) doc->runs[s].rows[i].parts = b->parts + k;
    __atomic_add_fetch(&beside_taken, 1, __ATOMIC_RELAXED);
  }
  if (ok || b->rows_used) {
    cs_doc_arena_adopt(r->arena, b->r.arena);
    b->r.arena = NULL;
  }
  sqlite3_close(b->twin.db);
  b->twin.db = NULL;
  cs_doc_arena_free(b->r.arena);
  free(b->keys);
  free(b->fingerprint);
  free(b);
  return ok;
}

/* A year's grants and cost lines (one table, kind 'grant' or 'line'), in the
** order of the table's key ('grant' < 'line'), so that no sort is needed. */
static void read_amounts(reader *r, cs_doc *doc) {
  group g = {NULL, 0, 0, sizeof(cs_doc_amount)};
  int64_t prev[3] = {-1, -1, -1};
  cs_doc_year *yr = NULL;
  int grants = 0;
  if (query(r, "SELECT run_id, scenario, year_idx, kind, idx, name, amount FROM run_year_amounts"
               " WHERE run_id = ?1 ORDER BY scenario, year_idx, kind, idx") == 0) {
    while (next_row(r) > 0) {
      sqlite3_value *val = sqlite3_column_value(r->st, 3); /* its type before its text */
      const char *kind = sqlite3_value_type(val) == SQLITE_TEXT ? (const char *)sqlite3_value_text(val) : NULL;
      int is_line = kind && strcmp(kind, "line") == 0, is_grant = kind && strcmp(kind, "grant") == 0;
      if (!is_line && !is_grant) bad_value(r, 3, "neither 'line' nor 'grant'");
      /* grants first ('grant' < 'line'), as the query orders them */
      int64_t key[3] = {get_count(r, 1), get_count(r, 2), is_line}, i = get_count(r, 4);
      if (r->rc) break;
      int place = child_place(r, prev, key, 3, i, g.n, "cost lines or grants");
      if (place < 0) break;
      if (place == 1) {
        if (yr && grants) yr->grant_list = group_keep(r, &g, yr->ngrants, "cost lines or grants");
        else if (yr) yr->lines = group_keep(r, &g, yr->nlines, "cost lines or grants");
        if (r->rc) break;
        if ((uint64_t)key[0] >= doc->nruns || (uint64_t)key[1] >= doc->runs[key[0]].nyears) {
          problem(r, CS_EIO, "damaged (amounts of a year it does not have)");
          break;
        }
        yr = &doc->runs[key[0]].years[key[1]];
        grants = is_grant;
      }
      cs_doc_amount *a = group_push(r, &g);
      if (!a) break;
      a->name = get_text(r, 5, 0);
      a->amount = get_decimal(r, 6, 0);
    }
    if (yr && grants && !r->rc) yr->grant_list = group_keep(r, &g, yr->ngrants, "cost lines or grants");
    else if (yr && !r->rc) yr->lines = group_keep(r, &g, yr->nlines, "cost lines or grants");
    for (size_t s = 0; s < doc->nruns && !r->rc; s++)
      for (size_t y = 0; y < doc->runs[s].nyears; y++) {
        const cs_doc_year *x = &doc->runs[s].years[y];
        if ((x->nlines && !x->lines) || (x->ngrants && !x->grant_list)) {
          problem(r, CS_EIO, "incomplete (its cost lines or grants are missing or extra)");
          break;
        }
      }
  }
  free(g.data);
}

/* The events of each year (version 2 on). */
static void read_events(reader *r, cs_doc *doc) {
  group g = {NULL, 0, 0, sizeof(cs_doc_event)};
  int64_t prev[2] = {-1, -1};
  cs_doc_year *yr = NULL;
  if (query(r, "SELECT run_id, scenario, year_idx, idx, kind, code, name, date, until, other_code, other_name"
               " FROM run_year_events WHERE run_id = ?1 ORDER BY scenario, year_idx, idx") == 0) {
    while (next_row(r) > 0) {
      int64_t key[2] = {get_count(r, 1), get_count(r, 2)}, i = get_count(r, 3);
      if (r->rc) break;
      int place = child_place(r, prev, key, 2, i, g.n, "events");
      if (place < 0) break;
      if (place == 1) {
        if (yr) yr->events = group_keep(r, &g, yr->nevents, "events");
        if (r->rc) break;
        if ((uint64_t)key[0] >= doc->nruns || (uint64_t)key[1] >= doc->runs[key[0]].nyears) {
          problem(r, CS_EIO, "damaged (events of a year it does not have)");
          break;
        }
        yr = &doc->runs[key[0]].years[key[1]];
      }
      cs_doc_event *e = group_push(r, &g);
      if (!e) break;
      e->kind = get_text(r, 4, 0);
      e->code = get_text(r, 5, 0);
      e->name = get_text(r, 6, 0);
      e->date = get_text(r, 7, 0);
      e->until = get_text(r, 8, 1);
      e->other_code = get_text(r, 9, 1);
      e->other_name = get_text(r, 10, 1);
    }
    if (yr && !r->rc) yr->events = group_keep(r, &g, yr->nevents, "events");
    for (size_t s = 0; s < doc->nruns && !r->rc; s++)
      for (size_t y = 0; y < doc->runs[s].nyears; y++)
        if (doc->runs[s].years[y].nevents && !doc->runs[s].years[y].events) {
          problem(r, CS_EIO, "incomplete (its events are missing or extra)");
          break;
        }
  }
  free(g.data);
}

/* A row's shares by service, and its instalments (version 2 on). */
static void read_services(reader *r, cs_doc *doc) {
  group g = {NULL, 0, 0, sizeof(cs_doc_service)};
  int64_t prev[2] = {-1, -1};
  cs_doc_row *row = NULL;
  if (query(r, "SELECT run_id, scenario, row_idx, idx, name, kroner FROM run_row_services WHERE run_id = ?1"
               " ORDER BY scenario, row_idx, idx") == 0) {
    while (next_row(r) > 0) {
      int64_t key[2] = {get_count(r, 1), get_count(r, 2)}, i = get_count(r, 3);
      if (r->rc) break;
      int place = child_place(r, prev, key, 2, i, g.n, "services");
      if (place < 0) break;
      if (place == 1) {
        if (row) row->services = group_keep(r, &g, row->nservices, "services");
        if (r->rc || !(row = row_at(r, doc, key[0], key[1], "services"))) break;
      }
      cs_doc_service *v = group_push(r, &g);
      if (!v) break;
      v->name = get_text(r, 4, 0);
      v->kroner = get_kroner(r, 5);
    }
    if (row && !r->rc) row->services = group_keep(r, &g, row->nservices, "services");
    for (size_t s = 0; s < doc->nruns && !r->rc; s++)
      for (size_t i = 0; i < doc->runs[s].nrows; i++)
        if (doc->runs[s].rows[i].nservices && !doc->runs[s].rows[i].services) {
          problem(r, CS_EIO, "incomplete (its services are missing or extra)");
          break;
        }
  }
  free(g.data);
}

static void read_invoices(reader *r, cs_doc *doc) {
  group g = {NULL, 0, 0, sizeof(cs_doc_invoice)};
  int64_t prev[2] = {-1, -1};
  cs_doc_row *row = NULL;
  if (query(r, "SELECT run_id, scenario, row_idx, idx, due, amount, nlines FROM run_invoices WHERE run_id = ?1"
               " ORDER BY scenario, row_idx, idx") == 0) {
    while (next_row(r) > 0) {
      int64_t key[2] = {get_count(r, 1), get_count(r, 2)}, i = get_count(r, 3);
      if (r->rc) break;
      int place = child_place(r, prev, key, 2, i, g.n, "invoices");
      if (place < 0) break;
      if (place == 1) {
        if (row) row->invoices = group_keep(r, &g, row->ninvoices, "invoices");
        if (r->rc || !(row = row_at(r, doc, key[0], key[1], "invoices"))) break;
      }
      cs_doc_invoice *inv = group_push(r, &g);
      if (!inv) break;
      inv->due = get_text(r, 4, 0);
      inv->amount = get_kroner(r, 5);
      inv->nlines = (size_t)get_count(r, 6); /* claimed */
    }
    if (row && !r->rc) row->invoices = group_keep(r, &g, row->ninvoices, "invoices");
    for (size_t s = 0; s < doc->nruns && !r->rc; s++)
      for (size_t i = 0; i < doc->runs[s].nrows; i++)
        if (doc->runs[s].rows[i].ninvoices && !doc->runs[s].rows[i].invoices) {
          problem(r, CS_EIO, "incomplete (its invoices are missing or extra)");
          break;
        }
  }
  free(g.data);
}

static void read_invoice_lines(reader *r, cs_doc *doc) {
  group g = {NULL, 0, 0, sizeof(cs_doc_invoice_line)};
  int64_t prev[3] = {-1, -1, -1};
  cs_doc_invoice *inv = NULL;
  if (query(r, "SELECT run_id, scenario, row_idx, invoice_idx, idx, kind, service, instalment, settles, amount"
               " FROM run_invoice_lines WHERE run_id = ?1 ORDER BY scenario, row_idx, invoice_idx, idx") == 0) {
    while (next_row(r) > 0) {
      int64_t key[3] = {get_count(r, 1), get_count(r, 2), get_count(r, 3)}, i = get_count(r, 4);
      if (r->rc) break;
      int place = child_place(r, prev, key, 3, i, g.n, "invoice lines");
      if (place < 0) break;
      if (place == 1) {
        if (inv) inv->lines = group_keep(r, &g, inv->nlines, "invoice lines");
        cs_doc_row *row = r->rc ? NULL : row_at(r, doc, key[0], key[1], "invoice lines");
        if (!row) break;
        if ((uint64_t)key[2] >= row->ninvoices) {
          problem(r, CS_EIO, "damaged (invoice lines of an invoice it does not have)");
          break;
        }
        inv = &row->invoices[key[2]];
      }
      cs_doc_invoice_line *l = group_push(r, &g);
      if (!l) break;
      l->kind = get_text(r, 5, 0);
      l->service = get_text(r, 6, 1);
      l->instalment = (int)get_int(r, 7, 0, 366);
      l->settles = (int)get_int(r, 8, 0, 9999);
      if (l->settles != 0 && l->settles < 1838) bad_value(r, 8, "neither 0 nor a year 1838..9999");
      l->amount = get_kroner(r, 9);
    }
    if (inv && !r->rc) inv->lines = group_keep(r, &g, inv->nlines, "invoice lines");
    for (size_t s = 0; s < doc->nruns && !r->rc; s++)
      for (size_t i = 0; i < doc->runs[s].nrows && !r->rc; i++)
        for (size_t k = 0; k < doc->runs[s].rows[i].ninvoices; k++)
          if (doc->runs[s].rows[i].invoices[k].nlines && !doc->runs[s].rows[i].invoices[k].lines) {
            problem(r, CS_EIO, "incomplete (its invoice lines are missing or extra)");
            break;
          }
  }
  free(g.data);
}

/* The run's scenarios (doc->runs, malloc'ed as cs_doc_free wants), with
** the counts of rows and years each claims; their sum of rows must be the
** run's. */
static void read_scenarios(reader *r, cs_doc *doc, int64_t nscenarios, int64_t nrows) {
  int64_t total = 0;
  if (query(r, "SELECT run_id, idx, name, year_from, year_to, options, nrows, nyears FROM run_scenarios"
               " WHERE run_id = ?1 ORDER BY idx") != 0)
    return;
  size_t cap = 0;
  while (next_row(r) > 0) {
    int64_t s = get_count(r, 1);
    if (r->rc) break;
    if ((uint64_t)s != doc->nruns) {
      problem(r, CS_EIO, "damaged (runs out of order)");
      break;
    }
    if (doc->nruns == cap) {
      size_t ncap = cap ? 2 * cap : 8;
      cs_doc_run *runs = realloc(doc->runs, ncap * sizeof *runs);
      if (!runs) {
        problem(r, CS_ENOMEM, "out of memory");
        break;
      }
      doc->runs = runs;
      cap = ncap;
    }
    cs_doc_run *run = &doc->runs[doc->nruns++];
    memset(run, 0, sizeof *run);
    run->scenario = get_text(r, 2, 0);
    run->from = (int)get_int(r, 3, 1838, 9999);
    run->to = (int)get_int(r, 4, run->from, 9999);
    run->options = get_text(r, 5, 1);
    run->nrows = (size_t)get_count(r, 6); /* claimed; the rows read must match */
    run->nyears = (size_t)get_count(r, 7);
    if (!r->rc && __builtin_add_overflow(total, (int64_t)run->nrows, &total))
      problem(r, CS_EIO, "damaged (run_scenarios, field \"nrows\": the sum is too large)");
  }
  if (!r->rc && (int64_t)doc->nruns != nscenarios)
    problem(r, CS_EIO, "incomplete (its scenarios are missing or extra)");
  else if (!r->rc && total != nrows)
    problem(r, CS_EIO, "incomplete (its rows are missing or extra)");
}

/* The runs row of the run being read, checked whatever the caller wants of
** it (show, compare and export alike): read_info's checks (list makes the
** same), doc_coopsim_version a checked text, scenario_text the file's bytes
** exactly when there is a SHA-256, and their SHA-256 the stored one. Fills
** info (with the scenario text when keep_text) and the document's head. */
static void load_runs_row(reader *r, cs_doc *doc, cs_rundb_info *info, int keep_text) {
  char why[192];
  int rc = read_info(r->st, info, why, sizeof why);
  if (rc == CS_ENOMEM) {
    problem(r, CS_ENOMEM, "out of memory");
    return;
  }
  if (rc) {
    problem(r, CS_EIO, "damaged (%s)", why);
    return;
  }
  char *doc_version;
  char what[128];
  if ((rc = info_text(r->st, 10, 1, &doc_version, what, sizeof what)) != 0) {
    if (rc == CS_ENOMEM) problem(r, CS_ENOMEM, "out of memory");
    else problem(r, CS_EIO, "damaged (runs, field \"doc_coopsim_version\": %s)", what);
    return;
  }
  doc->coopsim_version = doc_version;
  if (info->scenario_file && !(doc->scenario_file = dupstr(info->scenario_file))) {
    problem(r, CS_ENOMEM, "out of memory");
    return;
  }
  int type = sqlite3_column_type(r->st, 11);
  if (type != SQLITE_NULL && type != SQLITE_BLOB) {
    bad_value(r, 11, "not the scenario file's bytes");
    return;
  }
  if ((type == SQLITE_BLOB) != (info->scenario_sha256 != NULL)) {
    problem(r, CS_EIO, "damaged (runs, field \"scenario_text\": with%s a SHA-256)", type == SQLITE_BLOB ? "out" : "");
    return;
  }
  if (type != SQLITE_BLOB) return;
  const void *blob = sqlite3_column_blob(r->st, 11);
  int n = sqlite3_column_bytes(r->st, 11);
  if (!blob && n) {
    problem(r, CS_ENOMEM, "out of memory");
    return;
  }
  char digest[CS_SHA256_HEX];
  cs_error no_digest;
  if (!cs_sha256_hex(blob, (size_t)n, digest, &no_digest)) {
    problem(r, CS_EIO, "not checked: %s", no_digest.msg);
    return;
  }
  if (strcmp(digest, info->scenario_sha256) != 0) {
    problem(r, CS_EIO, "damaged (runs, field \"scenario_text\": its SHA-256 is %.16s..., not the stored %.16s...)",
            digest, info->scenario_sha256);
    return;
  }
  if (!keep_text) return;
  if (!(info->scenario_text = malloc((size_t)n + 1))) {
    problem(r, CS_ENOMEM, "out of memory");
    return;
  }
  if (n) memcpy(info->scenario_text, blob, (size_t)n);
  info->scenario_text[n] = '\0';
  info->scenario_len = (size_t)n;
}

static int load_in_transaction(cs_rundb *db, int64_t id, cs_doc *doc, cs_rundb_info *info, cs_error *err) {
  reader r = {db, id, doc->arena, NULL, err, 0, !doc->no_explanations, {{NULL}}, {{0}}};
  if (query(&r, "SELECT " INFO_COLUMNS ", doc_coopsim_version, scenario_text FROM runs WHERE id = ?1")) return r.rc;
  int got = next_row(&r);
  if (got == 0) {
    sqlite3_finalize(r.st);
    return cs_error_set(err, CS_ENOTFOUND, "%s: no stored run %lld", db->path, (long long)id);
  }
  int64_t nscenarios = 0, nrows = 0;
  if (got > 0) {
    nscenarios = get_count(&r, 7);
    nrows = get_count(&r, 8);
    cs_rundb_info mine = {0};
    if (!r.rc) load_runs_row(&r, doc, info ? info : &mine, info != NULL);
    cs_rundb_info_clear(&mine);
  }
  read_scenarios(&r, doc, nscenarios, nrows);
  beside *b = beside_start(&r, doc, nrows);
  read_rows(&r, doc, b);
  if (!beside_finish(&r, doc, b)) read_parts(&r, doc);
  read_years(&r, doc);
  read_amounts(&r, doc);
  if (db->version >= 2) {
    read_events(&r, doc);
    read_services(&r, doc);
    read_invoices(&r, doc);
    read_invoice_lines(&r, doc);
  }
  sqlite3_finalize(r.st);
  return r.rc;
}

int cs_rundb_load(cs_rundb *db, int64_t id, cs_doc **out, cs_rundb_info *info, cs_error *err) {
  return cs_rundb_load_doc(db, id, 1, out, info, err);
}

int cs_rundb_load_doc(cs_rundb *db, int64_t id, int explanations, cs_doc **out, cs_rundb_info *info,
                      cs_error *err) {
  *out = NULL;
  if (info) memset(info, 0, sizeof *info);
  cs_doc *doc = calloc(1, sizeof *doc);
  if (doc) doc->arena = cs_doc_arena_new(0);
  if (!doc || !doc->arena) {
    cs_doc_free(doc);
    return cs_error_set(err, CS_ENOMEM, "%s: out of memory", db->path);
  }
  doc->texts_checked = 1; /* each text as it was read (get_text) */
  doc->no_explanations = !explanations;
  /* one read transaction: the run as one snapshot */
  int rc = CS_OK;
  if (sqlite3_exec(db->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
    rc = db_fail(db, err, "cannot read a stored run");
  else {
    rc = load_in_transaction(db, id, doc, info, err);
    sqlite3_exec(db->db, "COMMIT", NULL, NULL, NULL);
  }
  /* a store may come from someone else: what it holds is checked like a
  ** worker's results before any report is made of it */
  if (!rc && (cs_doc_check(doc, err) != 0 || cs_doc_check_relations(doc, err) != 0)) {
    char msg[CS_ERROR_MAX];
    snprintf(msg, sizeof msg, "%s", err ? err->msg : "");
    rc = cs_error_set(err, CS_EINVAL, "%s: run %lld: %s", db->path, (long long)id, msg);
  }
  if (rc) {
    cs_doc_free(doc);
    cs_rundb_info_clear(info);
    return rc;
  }
  *out = doc;
  return CS_OK;
}

/* Every stored run read as the readers read it (cs_rundb_load_doc: the
** runs row, every value, order and count, its scenario text's SHA-256, and
** cs_doc_check's relations), so that verify refuses whatever show, compare
** and export would refuse. The ids first, then each run in its own read. */
static int verify_runs(cs_rundb *db, cs_error *err) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db->db, "SELECT id FROM runs ORDER BY id", -1, &st, NULL) != SQLITE_OK)
    return db_fail(db, err, "cannot check the stored runs");
  int64_t *ids = NULL;
  size_t n = 0, cap = 0;
  int rc = CS_OK, step;
  while ((step = sqlite3_step(st)) == SQLITE_ROW) {
    if (n == cap) {
      size_t ncap = cap ? 2 * cap : 64;
      int64_t *nids = realloc(ids, ncap * sizeof *nids);
      if (!nids) {
        rc = cs_error_set(err, CS_ENOMEM, "%s: out of memory checking the stored runs", db->path);
        break;
      }
      ids = nids, cap = ncap;
    }
    ids[n++] = sqlite3_column_int64(st, 0);
  }
  if (!rc && step != SQLITE_DONE) rc = db_fail(db, err, "cannot check the stored runs");
  sqlite3_finalize(st);
  for (size_t i = 0; i < n && !rc; i++) {
    cs_doc *doc = NULL;
    cs_rundb_info info;
    rc = cs_rundb_load_doc(db, ids[i], 1, &doc, &info, err);
    if (!rc) cs_rundb_info_clear(&info);
    cs_doc_free(doc);
  }
  free(ids);
  return rc;
}

int cs_rundb_verify(cs_rundb *db, cs_error *err) {
  int rc = check_ok(db, "PRAGMA integrity_check", err);
  if (rc) return rc;
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db->db, "PRAGMA foreign_key_check", -1, &st, NULL) != SQLITE_OK)
    return db_fail(db, err, "cannot check the file");
  int step = sqlite3_step(st);
  if (step == SQLITE_ROW)
    rc = cs_error_set(err, CS_EIO, "%s: a row of %s refers to a missing %s", db->path,
                      (const char *)sqlite3_column_text(st, 0), (const char *)sqlite3_column_text(st, 2));
  else if (step != SQLITE_DONE)
    rc = db_fail(db, err, "cannot check the file");
  sqlite3_finalize(st);
  if (!rc) rc = check_complete(db, err);
  if (!rc) rc = verify_runs(db, err);
  return rc;
}
