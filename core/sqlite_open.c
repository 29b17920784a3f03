/*
** sqlite_open.c: one place for the SQLite settings of RELIABILITY.md.
*/
#include <stdio.h>
#include <string.h>
#include "sqlite_open.h"

int cs_sqlite_error(sqlite3 *db, cs_error *err, const char *path, const char *what) {
  if (!db) return cs_error_set(err, CS_EIO, "%s: %s: cannot open (out of memory)", path, what);
  const char *msg = sqlite3_errmsg(db), *name = sqlite3_errstr(sqlite3_extended_errcode(db));
  if (strcmp(msg, name) == 0) return cs_error_set(err, CS_EIO, "%s: %s: %s", path, what, msg);
  return cs_error_set(err, CS_EIO, "%s: %s: %s (%s)", path, what, msg, name);
}

int cs_sqlite_open(sqlite3 **out, const char *path, int flags, int busy_ms, cs_error *err) {
  sqlite3 *db = NULL;
  *out = NULL;
  if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
    int rc = cs_sqlite_error(db, err, path, "cannot open the database");
    sqlite3_close(db);
    return rc;
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, busy_ms);
  if (sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL) != SQLITE_OK ||
      sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL) != SQLITE_OK ||
      sqlite3_exec(db, "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;", NULL, NULL, NULL) !=
          SQLITE_OK) {
    int rc = cs_sqlite_error(db, err, path, "cannot read the database");
    sqlite3_close(db);
    return rc;
  }
  *out = db;
  return CS_OK;
}

int cs_sqlite_int(sqlite3 *db, const char *sql, int *out) {
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return -1;
  int rc = sqlite3_step(st) == SQLITE_ROW ? 0 : -1;
  if (!rc) *out = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  return rc;
}

int cs_sqlite_check_identity(sqlite3 *db, const char *path, const char *what, int app_id,
                             int version, int empty_ok, int *empty, int *found_version,
                             cs_error *err) {
  int app = 0, ver = 0, objects = 0;
  /* reading the header is the first read: a file that is not a database, or
  ** is locked past busy_timeout, fails here */
  if (cs_sqlite_int(db, "PRAGMA application_id", &app) || cs_sqlite_int(db, "PRAGMA user_version", &ver) ||
      cs_sqlite_int(db, "SELECT count(*) FROM sqlite_schema", &objects))
    return cs_sqlite_error(db, err, path, "not a readable SQLite database");
  if (found_version) *found_version = ver;
  *empty = objects == 0 && app == 0;
  if (*empty) {
    if (empty_ok) return CS_OK;
    return cs_error_set(err, CS_EINVAL, "%s: an empty database, not a coopsim %s", path, what);
  }
  if (app != app_id)
    return cs_error_set(err, CS_EINVAL, "%s: not a coopsim %s (application_id %#x)", path, what,
                        (unsigned)app);
  if (ver > version)
    return cs_error_set(err, CS_EINVAL,
                        "%s: made by a newer coopsim (%s version %d; this one reads %d)", path,
                        what, ver, version);
  return CS_OK;
}
