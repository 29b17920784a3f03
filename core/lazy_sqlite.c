/*
** lazy_sqlite.c: SQLite loaded when a database is first opened
** (lazy_sqlite.h). Each SQLite function coopsim calls is defined here with
** <sqlite3.h>'s own name and type (the compiler checks them against the
** header) and calls the library's, found with dlsym once it is open. A
** function this list lacks is a link error, never a silent fallback.
*/
#define _POSIX_C_SOURCE 200809L
#include <dlfcn.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "coopsim/lazy_sqlite.h"

#define SONAME "libsqlite3.so.0"

/* Every function of <sqlite3.h> coopsim calls but those defined by hand
** below (the entry points, what a failed open's handle answers, the
** variadic db_config): F(type, name, (params), (args)). */
#define CS_SQLITE_FUNCTIONS(F) \
  F(int, sqlite3_bind_blob64, (sqlite3_stmt *s, int i, const void *v, sqlite3_uint64 n, void (*d)(void *)), \
    (s, i, v, n, d)) \
  F(int, sqlite3_bind_int, (sqlite3_stmt *s, int i, int v), (s, i, v)) \
  F(int, sqlite3_bind_int64, (sqlite3_stmt *s, int i, sqlite3_int64 v), (s, i, v)) \
  F(int, sqlite3_bind_null, (sqlite3_stmt *s, int i), (s, i)) \
  F(int, sqlite3_bind_text, (sqlite3_stmt *s, int i, const char *v, int n, void (*d)(void *)), (s, i, v, n, d)) \
  F(int, sqlite3_busy_timeout, (sqlite3 *db, int ms), (db, ms)) \
  F(int, sqlite3_clear_bindings, (sqlite3_stmt *s), (s)) \
  F(const void *, sqlite3_column_blob, (sqlite3_stmt *s, int c), (s, c)) \
  F(int, sqlite3_column_bytes, (sqlite3_stmt *s, int c), (s, c)) \
  F(int, sqlite3_column_int, (sqlite3_stmt *s, int c), (s, c)) \
  F(const char *, sqlite3_column_origin_name, (sqlite3_stmt *s, int c), (s, c)) \
  F(const char *, sqlite3_column_table_name, (sqlite3_stmt *s, int c), (s, c)) \
  F(sqlite3_value *, sqlite3_column_value, (sqlite3_stmt *s, int c), (s, c)) \
  F(sqlite3_int64, sqlite3_column_int64, (sqlite3_stmt *s, int c), (s, c)) \
  F(const unsigned char *, sqlite3_column_text, (sqlite3_stmt *s, int c), (s, c)) \
  F(int, sqlite3_column_type, (sqlite3_stmt *s, int c), (s, c)) \
  F(int, sqlite3_db_readonly, (sqlite3 *db, const char *name), (db, name)) \
  F(int, sqlite3_exec, (sqlite3 *db, const char *sql, int (*cb)(void *, int, char **, char **), void *a, char **e), \
    (db, sql, cb, a, e)) \
  F(int, sqlite3_extended_result_codes, (sqlite3 *db, int on), (db, on)) \
  F(int, sqlite3_finalize, (sqlite3_stmt *s), (s)) \
  F(int, sqlite3_get_autocommit, (sqlite3 *db), (db)) \
  F(sqlite3_int64, sqlite3_last_insert_rowid, (sqlite3 *db), (db)) \
  F(int, sqlite3_prepare_v2, (sqlite3 *db, const char *sql, int n, sqlite3_stmt **st, const char **tail), \
    (db, sql, n, st, tail)) \
  F(int, sqlite3_reset, (sqlite3_stmt *s), (s)) \
  F(int, sqlite3_step, (sqlite3_stmt *s), (s)) \
  F(int, sqlite3_strglob, (const char *glob, const char *str), (glob, str)) \
  F(int, sqlite3_value_bytes, (sqlite3_value *v), (v)) \
  F(sqlite3_int64, sqlite3_value_int64, (sqlite3_value *v), (v)) \
  F(const unsigned char *, sqlite3_value_text, (sqlite3_value *v), (v)) \
  F(int, sqlite3_value_type, (sqlite3_value *v), (v))

/* and those defined by hand */
#define CS_SQLITE_ENTRIES(F) \
  F(int, sqlite3_open_v2, (const char *name, sqlite3 **db, int flags, const char *vfs), (name, db, flags, vfs)) \
  F(sqlite3_vfs *, sqlite3_vfs_find, (const char *name), (name)) \
  F(int, sqlite3_vfs_register, (sqlite3_vfs *vfs, int dflt), (vfs, dflt)) \
  F(const char *, sqlite3_errmsg, (sqlite3 *db), (db)) \
  F(const char *, sqlite3_errstr, (int rc), (rc)) \
  F(int, sqlite3_extended_errcode, (sqlite3 *db), (db)) \
  F(int, sqlite3_close, (sqlite3 *db), (db)) \
  F(int, sqlite3_db_config, (sqlite3 *db, int op, ...), ())

/* the library's functions, once loaded */
#define POINTER(type, name, params, args) static type(*p_##name) params;
CS_SQLITE_FUNCTIONS(POINTER)
CS_SQLITE_ENTRIES(POINTER)

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int loaded;         /* every pointer set */
static char why[512];      /* else the reason, as a message */

static void load(void) {
  void *h = dlopen(SONAME, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char *e = dlerror();
    snprintf(why, sizeof why, "SQLite (%s, Debian package libsqlite3-0) cannot be loaded: %s", SONAME,
             e ? e : "dlopen failed");
    return;
  }
  /* dlsym returns void *; ISO C has no cast from it to a function pointer,
  ** POSIX guarantees the object representation: copy it */
#define RESOLVE(type, name, params, args)                                        \
  {                                                                              \
    void *f = dlsym(h, #name);                                                   \
    if (!f) {                                                                    \
      snprintf(why, sizeof why, "SQLite (%s) cannot be used: it has no %s", SONAME, #name); \
      dlclose(h);                                                                \
      return;                                                                    \
    }                                                                            \
    memcpy(&p_##name, &f, sizeof f);                                             \
  }
  CS_SQLITE_FUNCTIONS(RESOLVE)
  CS_SQLITE_ENTRIES(RESOLVE)
  loaded = 1;
}

int cs_sqlite_load(cs_error *err) {
  pthread_once(&once, load);
  if (loaded) return CS_OK;
  return cs_error_set(err, CS_EIO, "%s", why);
}

/* Loads SQLite for a function on a connection or statement. Without the
** library there is no such handle (the open failed): a call is a defect in
** the caller, stopped here rather than by a call through a null pointer.
** (A program that also links SQLite itself, as the unit tests do, may have
** opened its handle there: the library dlopen finds is that same one.) */
static void need(const char *name) {
  pthread_once(&once, load);
  if (loaded) return;
  fprintf(stderr, "coopsim: internal error: %s called without SQLite: %s\n", name, why);
  abort();
}

#define DEFINE(type, name, params, args) \
  type name params {                     \
    need(#name);                         \
    return p_##name args;                \
  }
CS_SQLITE_FUNCTIONS(DEFINE)

/* The connection sqlite3_open_v2 hands out when SQLite cannot be loaded:
** as SQLite itself does when an open fails, a handle whose error message
** says why, that sqlite3_close accepts. It is never dereferenced. */
static char standin;
#define STANDIN ((sqlite3 *)(void *)&standin)

int sqlite3_open_v2(const char *name, sqlite3 **db, int flags, const char *vfs) {
  cs_error err;
  if (cs_sqlite_load(&err) != CS_OK) {
    *db = STANDIN;
    return SQLITE_CANTOPEN;
  }
  return p_sqlite3_open_v2(name, db, flags, vfs);
}

sqlite3_vfs *sqlite3_vfs_find(const char *name) {
  cs_error err;
  return cs_sqlite_load(&err) == CS_OK ? p_sqlite3_vfs_find(name) : NULL;
}

int sqlite3_vfs_register(sqlite3_vfs *vfs, int dflt) {
  cs_error err;
  return cs_sqlite_load(&err) == CS_OK ? p_sqlite3_vfs_register(vfs, dflt) : SQLITE_ERROR;
}

/* Without the library the only connection is the stand-in, and every
** message and code name is the reason (so a caller that shows both shows
** it once). */
const char *sqlite3_errmsg(sqlite3 *db) {
  pthread_once(&once, load);
  if (!loaded || db == STANDIN) return why;
  return p_sqlite3_errmsg(db);
}

const char *sqlite3_errstr(int rc) {
  pthread_once(&once, load);
  return loaded ? p_sqlite3_errstr(rc) : why;
}

int sqlite3_extended_errcode(sqlite3 *db) {
  if (db == STANDIN) return SQLITE_CANTOPEN;
  need("sqlite3_extended_errcode");
  return p_sqlite3_extended_errcode(db);
}

int sqlite3_close(sqlite3 *db) {
  if (db == STANDIN || !db) return SQLITE_OK; /* NULL: a no-op, as SQLite's own */
  need("sqlite3_close");
  return p_sqlite3_close(db);
}

/* The options coopsim sets take an int and an int * (SQLITE_DBCONFIG_
** DEFENSIVE, _TRUSTED_SCHEMA and the other on/off switches); another kind
** of option would need its own arguments forwarded: refused loudly. */
int sqlite3_db_config(sqlite3 *db, int op, ...) {
  need("sqlite3_db_config");
  if (op != SQLITE_DBCONFIG_DEFENSIVE && op != SQLITE_DBCONFIG_TRUSTED_SCHEMA) {
    fprintf(stderr, "coopsim: internal error: sqlite3_db_config option %d is not forwarded (lazy_sqlite.c)\n", op);
    abort();
  }
  va_list ap;
  va_start(ap, op);
  int on = va_arg(ap, int);
  int *out = va_arg(ap, int *);
  va_end(ap);
  return p_sqlite3_db_config(db, op, on, out);
}
