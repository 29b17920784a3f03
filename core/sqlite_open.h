#ifndef COOPSIM_SQLITE_OPEN_H
#define COOPSIM_SQLITE_OPEN_H
/*
** sqlite_open.h (internal to core/): opening coopsim's SQLite files with the
** settings of RELIABILITY.md, and checking that a file is the kind of
** coopsim database the caller expects. Used by the registry database
** (registry_db.c) and the run store (rundb.c).
*/
#include <sqlite3.h>
#include "coopsim/error.h"

/* Opens path with sqlite3_open_v2(flags) and applies the settings every
** coopsim database uses: extended result codes, busy_timeout (ms),
** SQLITE_DBCONFIG_DEFENSIVE on, trusted_schema off, foreign_keys on,
** synchronous FULL. The first call in a process also makes the unix VFS
** start the kernel's write-back of a file every MiB written to it (a hint:
** sqlite_open.c says why COMMIT stays atomic). On success *out is the caller's to sqlite3_close; on
** failure *out is NULL and the message names path. Returns CS_EIO. */
int cs_sqlite_open(sqlite3 **out, const char *path, int flags, int busy_ms, cs_error *err);

/* cs_sqlite_open for the file `name` inside the folder dirfd holds
** (safe_path.h), opened as /proc/self/fd/DIRFD/NAME through a VFS that does
** not resolve that name to a path: whatever happens to the folder's path,
** the database and its journal are in the held folder, and a symbolic link
** at NAME is refused (SQLite opens with O_NOFOLLOW). dirfd must stay open
** while the connection is. Messages name shown. CS_EIO, or CS_EINVAL when
** name is not one component. Needs /proc (Linux). */
int cs_sqlite_open_at(sqlite3 **out, int dirfd, const char *name, const char *shown, int flags,
                      int busy_ms, cs_error *err);

/* cs_sqlite_open (dirfd < 0: name is a path) or cs_sqlite_open_at (name
** inside the folder dirfd holds), and the file's descriptor:
** - seen not NULL: *seen gets the descriptor SQLite opened the database file
**   with, the connection's own, valid while it is open (-1 when not known:
**   SQLite reused one it had kept from an earlier connection);
** - same >= 0: the database file is not opened by its name but is a
**   duplicate of that descriptor (another connection's *seen), so this
**   connection has that very file open, whatever its name names now (a
**   file renamed over it, a FIFO); CS_EIO when SQLite did not open a file.
** The name still gives the journal's name and messages. */
int cs_sqlite_open_fd(sqlite3 **out, int dirfd, const char *name, const char *shown, int flags, int busy_ms,
                      int same, int *seen, cs_error *err);

/* Runs a one-row, one-column integer query (a PRAGMA); 0 or -1. */
int cs_sqlite_int(sqlite3 *db, const char *sql, int *out);

/* Checks that db is a coopsim database of kind `what` ("registry", "run
** store"): application_id app_id and a user_version not above version.
** *empty is set when the file holds no schema and no application_id (a new
** file); that is an error unless empty_ok. *found_version gets the file's
** user_version (may be NULL). CS_EINVAL (wrong kind, newer version, empty)
** or CS_EIO (unreadable: not a database, corrupt, locked) on failure. */
int cs_sqlite_check_identity(sqlite3 *db, const char *path, const char *what, int app_id,
                             int version, int empty_ok, int *empty, int *found_version,
                             cs_error *err);

/* Sets err to "path: what: <sqlite's message> (<extended code name>)" and
** returns CS_EIO. */
int cs_sqlite_error(sqlite3 *db, cs_error *err, const char *path, const char *what);

#endif
