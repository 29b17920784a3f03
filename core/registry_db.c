/*
** registry_db.c: a planner's own registry in an SQLite database (`--db FILE`).
**
** The tables mirror the CSV schema of registry.h, as STRICT tables with
** CHECK constraints. Opening checks application_id and user_version before
** reading anything. An import runs coopsim's SSB importer on the database's
** current contents (exported to a private temporary folder), then replaces
** the tables in one BEGIN IMMEDIATE transaction: all or nothing; "imported"
** is reported only after COMMIT succeeded. Settings after RELIABILITY.md.
*/
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "coopsim/readfile.h"
#include "coopsim/registry.h"
#include "coopsim/ssb_import.h"
#include "embedded.h"
#include "sqlite_open.h"

#define APPLICATION_ID 0x436f6f52 /* "CooR": a coopsim registry */
#define USER_VERSION 1

static const char *const schema =
    "CREATE TABLE IF NOT EXISTS municipality ("
    "  code TEXT NOT NULL CHECK (length(code) = 4 AND code GLOB '[0-9][0-9][0-9][0-9]'),"
    "  name TEXT NOT NULL CHECK (name <> ''),"
    "  valid_from TEXT NOT NULL CHECK (valid_from GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),"
    "  valid_to TEXT NOT NULL,"
    "  PRIMARY KEY (code, valid_from)) STRICT;"
    "CREATE TABLE IF NOT EXISTS county ("
    "  code TEXT NOT NULL CHECK (length(code) = 2), name TEXT NOT NULL,"
    "  valid_from TEXT NOT NULL, valid_to TEXT NOT NULL, PRIMARY KEY (code, valid_from)) STRICT;"
    "CREATE TABLE IF NOT EXISTS population ("
    "  year INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 2100),"
    "  code TEXT NOT NULL CHECK (length(code) = 4),"
    "  population INTEGER NOT NULL CHECK (population >= 0),"
    "  PRIMARY KEY (year, code)) STRICT;"
    "CREATE TABLE IF NOT EXISTS change ("
    "  date TEXT NOT NULL, old_code TEXT NOT NULL, old_name TEXT NOT NULL,"
    "  new_code TEXT NOT NULL, new_name TEXT NOT NULL,"
    "  PRIMARY KEY (date, old_code, new_code)) STRICT;"
    "CREATE TABLE IF NOT EXISTS split_fraction ("
    "  date TEXT NOT NULL, old_code TEXT NOT NULL, new_code TEXT NOT NULL,"
    "  fraction TEXT NOT NULL, basis TEXT NOT NULL, PRIMARY KEY (date, old_code, new_code)) STRICT;"
    "CREATE TABLE IF NOT EXISTS source (id INTEGER PRIMARY KEY CHECK (id = 1), text TEXT NOT NULL) STRICT;"
    "CREATE TABLE IF NOT EXISTS territory ("
    "  date TEXT NOT NULL, code TEXT NOT NULL CHECK (length(code) = 4),"
    "  same_as TEXT NOT NULL CHECK (length(same_as) = 4), as_of TEXT NOT NULL,"
    "  source TEXT NOT NULL CHECK (source <> ''), PRIMARY KEY (date, code)) STRICT;";

/* The tables, with their columns and the registry file each holds
** (cs_registry_file_name(file)); the sources text has a table of its own. */
#define NTABLES 6
static const struct {
  const char *table, *columns, *order;
  int ncols, file;
} tables[NTABLES] = {
    {"municipality", "code,name,valid_from,valid_to", "code, valid_from", 4, 0},
    {"county", "code,name,valid_from,valid_to", "code, valid_from", 4, 1},
    {"population", "year,code,population", "year, code", 3, 2},
    {"change", "date,old_code,old_name,new_code,new_name", "date, old_code, new_code", 5, 3},
    {"split_fraction", "date,old_code,new_code,fraction,basis", "date, old_code, new_code", 5, 4},
    {"territory", "date,code,same_as,as_of,source", "date, code", 5, 6},
};
#define TERRITORY_TABLE 5

/* The embedded copy of registry file i, as a new string (NULL if none). */
static char *embedded_text(int i) {
  const struct cs_embedded_file *f = cs_embedded_find(cs_registry_file_name(i));
  if (!f) return NULL;
  char *t = malloc(f->size + 1);
  if (!t) return NULL;
  memcpy(t, f->data, f->size);
  t[f->size] = '\0';
  return t;
}

static int db_error(sqlite3 *db, cs_error *err, const char *path, const char *what) {
  return cs_sqlite_error(db, err, path, what);
}

/* Opens path with the settings of RELIABILITY.md; create: may create it. */
static int open_db(sqlite3 **out, const char *path, int create, cs_error *err) {
  return cs_sqlite_open(out, path, SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0), 5000,
                        err);
}

/* Checks that the database is a coopsim registry this version can read, or
** (empty_ok) an empty database. Sets *empty. */
static int check_identity(sqlite3 *db, const char *path, int empty_ok, int *empty, cs_error *err) {
  return cs_sqlite_check_identity(db, path, "registry", APPLICATION_ID, USER_VERSION, empty_ok, empty,
                                  NULL, err);
}

/* The rows of table i as CSV text in the registry schema (caller frees). */
static char *table_csv(sqlite3 *db, int i) {
  char sql[256];
  snprintf(sql, sizeof sql, "SELECT %s FROM %s ORDER BY %s", tables[i].columns, tables[i].table,
           tables[i].order);
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) return NULL;
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  int ok = buf != NULL;
  if (ok) n = (size_t)snprintf(buf, cap, "%s\n", tables[i].columns);
  while (ok && sqlite3_step(st) == SQLITE_ROW) {
    for (int c = 0; c < tables[i].ncols && ok; c++) {
      const char *v = (const char *)sqlite3_column_text(st, c);
      size_t len = v ? strlen(v) : 0;
      if (n + len + 2 >= cap) {
        char *nb = realloc(buf, cap *= 2);
        if (!nb) {
          ok = 0;
          break;
        }
        buf = nb;
      }
      memcpy(buf + n, v ? v : "", len);
      n += len;
      buf[n++] = c + 1 < tables[i].ncols ? ',' : '\n';
    }
  }
  sqlite3_finalize(st);
  if (!ok) {
    free(buf);
    return NULL;
  }
  buf[n] = '\0';
  return buf;
}

static char *source_text(sqlite3 *db) {
  sqlite3_stmt *st;
  char *out = NULL;
  if (sqlite3_prepare_v2(db, "SELECT text FROM source WHERE id = 1", -1, &st, NULL) != SQLITE_OK)
    return NULL;
  if (sqlite3_step(st) == SQLITE_ROW) {
    const char *t = (const char *)sqlite3_column_text(st, 0);
    if (t) {
      out = malloc(strlen(t) + 1);
      if (out) strcpy(out, t);
    }
  }
  sqlite3_finalize(st);
  return out;
}

int cs_registry_open_db(cs_registry **out, const char *path, cs_error *err) {
  sqlite3 *db;
  int empty, rc;
  *out = NULL;
  if ((rc = open_db(&db, path, 0, err))) return rc;
  if ((rc = check_identity(db, path, 0, &empty, err))) {
    sqlite3_close(db);
    return rc;
  }
  char *texts[CS_REGISTRY_FILES] = {NULL};
  for (int k = 0; k < NTABLES; k++) {
    int i = tables[k].file;
    texts[i] = table_csv(db, k);
    if (!texts[i] && (i == 0 || i == 2 || i == 3)) {
      rc = db_error(db, err, path, "cannot read the registry tables");
      break;
    }
    /* a registry stored before territories.csv existed: the built-in one */
    if (!texts[i] && k == TERRITORY_TABLE) texts[i] = embedded_text(i);
  }
  if (!rc) texts[5] = source_text(db);
  sqlite3_close(db);
  if (!rc) rc = cs_registry_open_texts(out, (const char *const *)texts, CS_REGISTRY_FILES, err);
  for (int i = 0; i < CS_REGISTRY_FILES; i++) free(texts[i]);
  return rc;
}

/* ---- import ------------------------------------------------------------ */

static int write_text(const char *dir, const char *name, const char *text, size_t len, cs_error *err) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  if (!f) return cs_error_set(err, CS_EIO, "%s: %s", path, strerror(errno));
  int bad = fwrite(text, 1, len, f) != len;
  bad |= fclose(f) != 0;
  return bad ? cs_error_set(err, CS_EIO, "%s: write error", path) : CS_OK;
}

static void remove_dir(const char *dir) {
  for (int i = 0; i < CS_REGISTRY_FILES; i++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, cs_registry_file_name(i));
    remove(path);
  }
  remove(dir);
}

/* Inserts the CSV text (header first) into table i. */
static int insert_csv(sqlite3 *db, int i, char *text, const char *path, cs_error *err) {
  char sql[256];
  snprintf(sql, sizeof sql, "INSERT INTO %s (%s) VALUES (?, ?, ?%s)", tables[i].table,
           tables[i].columns, tables[i].ncols == 3 ? "" : tables[i].ncols == 4 ? ", ?" : ", ?, ?");
  sqlite3_stmt *st;
  if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
    return db_error(db, err, path, "cannot prepare an insert");
  int rc = CS_OK, line = 1;
  char *p = strchr(text, '\n');
  p = p ? p + 1 : text + strlen(text);
  while (*p && !rc) {
    char *end = strchr(p, '\n');
    if (end) *end = '\0';
    line++;
    char *field = p;
    sqlite3_reset(st);
    for (int c = 0; c < tables[i].ncols; c++) {
      char *comma = c + 1 < tables[i].ncols ? strchr(field, ',') : NULL;
      if (comma) *comma = '\0';
      if (i == 2 && c != 1) sqlite3_bind_int64(st, c + 1, strtoll(field, NULL, 10));
      else sqlite3_bind_text(st, c + 1, field, -1, SQLITE_TRANSIENT);
      field = comma ? comma + 1 : field + strlen(field);
    }
    if (sqlite3_step(st) != SQLITE_DONE)
      rc = cs_error_set(err, CS_EIO, "%s: %s row %d: %s", path, tables[i].table, line, sqlite3_errmsg(db));
    p = end ? end + 1 : p + strlen(p);
  }
  sqlite3_finalize(st);
  return rc;
}

int cs_registry_db_import(const char *path, const char *const *files, int n,
                          cs_import_report *report, cs_error *err) {
  sqlite3 *db;
  int empty, rc;
  if ((rc = open_db(&db, path, 1, err))) return rc;
  if ((rc = check_identity(db, path, 1, &empty, err))) {
    sqlite3_close(db);
    return rc;
  }
  /* the current registry, as CSV files in a private folder */
  char dir[] = "/tmp/coopsim-db-import-XXXXXX";
  if (!mkdtemp(dir)) {
    sqlite3_close(db);
    return cs_error_set(err, CS_EIO, "cannot make a temporary folder: %s", strerror(errno));
  }
  for (int i = 0; i < CS_REGISTRY_FILES && !rc; i++) {
    char *text = NULL;
    size_t len = 0;
    if (empty) { /* a new database starts from the built-in registry */
      const struct cs_embedded_file *f = cs_embedded_find(cs_registry_file_name(i));
      if (f) rc = write_text(dir, cs_registry_file_name(i), (const char *)f->data, f->size, err);
      continue;
    }
    if (i == 5) {
      text = source_text(db);
    } else {
      for (int k = 0; k < NTABLES; k++)
        if (tables[k].file == i) text = table_csv(db, k);
      if (!text && i == tables[TERRITORY_TABLE].file) text = embedded_text(i); /* an older store */
    }
    if (text) {
      len = strlen(text);
      rc = write_text(dir, cs_registry_file_name(i), text, len, err);
    }
    free(text);
  }
  if (!rc) rc = cs_ssb_import(dir, files, n, report, err);
  /* replace the tables in one transaction */
  if (!rc && sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
    rc = db_error(db, err, path, "cannot start a write transaction");
  else if (!rc) {
    char sql[128];
    if (sqlite3_exec(db, schema, NULL, NULL, NULL) != SQLITE_OK)
      rc = db_error(db, err, path, "cannot create the tables");
    for (int i = 0; i < NTABLES && !rc; i++) {
      snprintf(sql, sizeof sql, "DELETE FROM %s", tables[i].table);
      if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
        rc = db_error(db, err, path, "cannot clear a table");
        break;
      }
      char file[4096];
      snprintf(file, sizeof file, "%s/%s", dir, cs_registry_file_name(tables[i].file));
      char *text = cs_read_file(file, NULL, NULL);
      if (text) rc = insert_csv(db, i, text, path, err);
      free(text);
    }
    if (!rc) {
      char file[4096];
      snprintf(file, sizeof file, "%s/%s", dir, cs_registry_file_name(5));
      char *text = cs_read_file(file, NULL, NULL);
      sqlite3_stmt *st;
      if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO source (id, text) VALUES (1, ?)", -1, &st,
                             NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, text ? text : "Kilde: Statistisk sentralbyrå (SSB)", -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) != SQLITE_DONE) rc = db_error(db, err, path, "cannot store the sources");
        sqlite3_finalize(st);
      } else {
        rc = db_error(db, err, path, "cannot store the sources");
      }
      free(text);
    }
    if (!rc) {
      snprintf(sql, sizeof sql, "PRAGMA application_id = %d; PRAGMA user_version = %d;", APPLICATION_ID,
               USER_VERSION);
      if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
        rc = db_error(db, err, path, "cannot mark the database");
    }
    if (!rc && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
      rc = db_error(db, err, path, "COMMIT failed; nothing was imported");
    if (rc) sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
  }
  remove_dir(dir);
  if (sqlite3_close(db) != SQLITE_OK && !rc) rc = cs_error_set(err, CS_EIO, "%s: close failed", path);
  return rc;
}
