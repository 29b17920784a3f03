#ifndef COOPSIM_LAZY_SQLITE_H
#define COOPSIM_LAZY_SQLITE_H
/*
** SQLite loaded when a database is first opened, not at start-up
** (core/lazy_sqlite.c): a run that stores nothing and reads the built-in
** registry never loads it. coopsim is not linked to libsqlite3; lazy_sqlite.c
** defines the SQLite functions coopsim calls (those of <sqlite3.h>, same
** names and types) and forwards each to the library, opened by its soname
** (libsqlite3.so.0) with dlopen. sqlite3_open_v2, sqlite3_vfs_find and
** sqlite3_vfs_register load it; when it cannot be loaded they fail as
** SQLite's own do (SQLITE_CANTOPEN with a handle for sqlite3_errmsg and
** sqlite3_close, NULL, SQLITE_ERROR), and sqlite3_errmsg and sqlite3_errstr
** name the library and the loader's reason.
*/
#include "coopsim/error.h"

/* Loads SQLite once per process; thread-safe; later calls return at once.
** Returns CS_OK, or CS_EIO with a message naming the library and the
** loader's reason. Calling it is optional: opening a database loads it. */
int cs_sqlite_load(cs_error *err);

#endif
