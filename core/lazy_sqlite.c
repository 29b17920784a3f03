/*
** lazy_sqlite.c: SQLite loaded when a database is first opened
** (lazy_sqlite.h). Each SQLite function coopsim calls is defined here with
** <sqlite3.h>'s own name and type (the compiler checks them against the
** header) and calls the library's, found with dlsym once it is open. A
** function this list lacks is a link error, never a silent fallback.
*/
#define _POSIX_C_SOURCE 200809L
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "coopsim/lazy_lib.h"
#include "coopsim/lazy_sqlite.h"

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

/* those that return nothing: V(name, (params), (args)) */
#define CS_SQLITE_VOID_FUNCTIONS(V) \
  V(sqlite3_progress_handler, (sqlite3 *db, int n, int (*cb)(void *), void *a), (db, n, cb, a))

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
CS_SQLITE_FUNCTIONS(CS_LAZY_POINTER_R)
CS_SQLITE_ENTRIES(CS_LAZY_POINTER_R)
CS_SQLITE_VOID_FUNCTIONS(CS_LAZY_POINTER_V)

static const cs_lazy_sym syms[] = {CS_SQLITE_FUNCTIONS(CS_LAZY_SYM_R) CS_SQLITE_ENTRIES(CS_LAZY_SYM_R)
                                       CS_SQLITE_VOID_FUNCTIONS(CS_LAZY_SYM_V)};
static cs_lazy_lib lib = CS_LAZY_LIB("SQLite", "libsqlite3.so.0", "libsqlite3-0", syms);

int cs_sqlite_load(cs_error *err) {
  if (cs_lazy_load(&lib)) return CS_OK;
  return cs_error_set(err, CS_EIO, "%s", lib.why);
}

/* A function on a connection or statement loads SQLite first: a program
** that also links SQLite itself, as the unit tests do, may have opened its
** handle there (the library dlopen finds is that same one). Without the
** library there is no such handle (the open failed): a call is a defect,
** stopped by cs_lazy_need. */
CS_SQLITE_FUNCTIONS(CS_LAZY_FORWARD_R)
CS_SQLITE_VOID_FUNCTIONS(CS_LAZY_FORWARD_V)

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
  if (!cs_lazy_load(&lib) || db == STANDIN) return lib.why;
  return p_sqlite3_errmsg(db);
}

const char *sqlite3_errstr(int rc) {
  return cs_lazy_load(&lib) ? p_sqlite3_errstr(rc) : lib.why;
}

int sqlite3_extended_errcode(sqlite3 *db) {
  if (db == STANDIN) return SQLITE_CANTOPEN;
  cs_lazy_need(&lib, "sqlite3_extended_errcode");
  return p_sqlite3_extended_errcode(db);
}

int sqlite3_close(sqlite3 *db) {
  if (db == STANDIN || !db) return SQLITE_OK; /* NULL: a no-op, as SQLite's own */
  cs_lazy_need(&lib, "sqlite3_close");
  return p_sqlite3_close(db);
}

/* The options coopsim sets take an int and an int * (SQLITE_DBCONFIG_
** DEFENSIVE, _TRUSTED_SCHEMA and the other on/off switches); another kind
** of option would need its own arguments forwarded: refused loudly. */
int sqlite3_db_config(sqlite3 *db, int op, ...) {
  cs_lazy_need(&lib, "sqlite3_db_config");
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
