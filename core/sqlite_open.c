/*
** sqlite_open.c: one place for the SQLite settings of RELIABILITY.md, and
** opening a database inside a folder held open.
*/
#define _GNU_SOURCE /* sync_file_range */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include "sqlite_open.h"

int cs_sqlite_error(sqlite3 *db, cs_error *err, const char *path, const char *what) {
  if (!db) return cs_error_set(err, CS_EIO, "%s: %s: cannot open (out of memory)", path, what);
  const char *msg = sqlite3_errmsg(db), *name = sqlite3_errstr(sqlite3_extended_errcode(db));
  if (strcmp(msg, name) == 0) return cs_error_set(err, CS_EIO, "%s: %s: %s", path, what, msg);
  return cs_error_set(err, CS_EIO, "%s: %s: %s (%s)", path, what, msg, name);
}

/* ---- a folder held open ----------------------------------------------------
** SQLite makes every file name absolute and resolves its symbolic links
** (unixFullPathname) before it opens it, so a name relative to a held
** folder would become that folder's path again. "coopsim-at" is the unix
** VFS with one change: a name "/proc/self/fd/N/NAME" is kept as it is. The
** kernel resolves /proc/self/fd/N to the folder descriptor N holds, not to
** a path; the journal "/proc/self/fd/N/NAME-journal" lands beside the
** database, and the folder sync after a commit opens /proc/self/fd/N, the
** same folder. SQLite 3.40 opens every file with O_NOFOLLOW, so NAME
** cannot be a symbolic link either. Locks are per inode, so other
** connections to the same file by its ordinary path still see them. */

#define AT_PREFIX "/proc/self/fd/"

static sqlite3_vfs at_vfs, *unix_vfs;
static int at_ready;

static int at_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out) {
  (void)vfs;
  if (strncmp(name, AT_PREFIX, sizeof AT_PREFIX - 1) == 0) {
    if ((int)strlen(name) >= n) return SQLITE_CANTOPEN;
    memcpy(out, name, strlen(name) + 1);
    return SQLITE_OK;
  }
  return unix_vfs->xFullPathname(unix_vfs, name, n, out);
}

static void at_register(void) {
  unix_vfs = sqlite3_vfs_find("unix");
  if (!unix_vfs) return;
  at_vfs = *unix_vfs; /* every other method, and its data, is unix's own */
  at_vfs.zName = "coopsim-at";
  at_vfs.pNext = NULL;
  at_vfs.xFullPathname = at_full_pathname;
  at_ready = sqlite3_vfs_register(&at_vfs, 0) == SQLITE_OK;
}

/* Puts `mine` in the unix VFS's system-call table as `name`; the call the
** table held before, or NULL (no unix VFS, or no such call: nothing put). */
static sqlite3_syscall_ptr syscall_wrap(const char *name, sqlite3_syscall_ptr mine) {
  sqlite3_vfs *unix_default = sqlite3_vfs_find("unix");
  if (!unix_default || !unix_default->xGetSystemCall || !unix_default->xSetSystemCall) return NULL;
  sqlite3_syscall_ptr next = unix_default->xGetSystemCall(unix_default, name);
  if (next) unix_default->xSetSystemCall(unix_default, name, mine);
  return next;
}

/* ---- the write-back started early (Linux) ----------------------------------
** A large save writes far more than SQLite's page cache holds (the national
** bench: 33 MB through a 2 MB cache), so most pages reach the kernel while
** the transaction goes on, and COMMIT's fdatasync then waits until all of
** them are on the disk (78 ms of the national save, measured with strace).
** The unix VFS's pwrite64 (its system-call table, xSetSystemCall) is
** wrapped: after each WB_EVERY bytes written to a descriptor it asks the
** kernel to start writing that file back (sync_file_range with
** SYNC_FILE_RANGE_WRITE starts the I/O and does not wait for it), so the
** disk works while the save still computes. It is a hint, and its failure
** is ignored: it changes nothing the rollback journal relies on. SQLite
** writes a page of the database only once the journal that can undo it is
** synced (or the page is new, past the database's old end), the kernel may
** write any dirty page back at any time anyway, and COMMIT still syncs the
** journal and the database (synchronous = FULL) before it returns. */

#ifdef __linux__
enum { WB_EVERY = 1 << 20, WB_SLOTS = 256 };

typedef ssize_t pwrite64_fn(int, const void *, size_t, off_t);
static pwrite64_fn *wb_next; /* the pwrite64 the table held before */
/* bytes written since the last hint, by descriptor (modulo WB_SLOTS: two
** descriptors sharing a slot only move each other's hints) */
static size_t wb_pending[WB_SLOTS];

static ssize_t wb_pwrite64(int fd, const void *buf, size_t n, off_t off) {
  ssize_t done = wb_next(fd, buf, n, off);
  if (done > 0 && fd >= 0) {
    size_t *pending = &wb_pending[fd % WB_SLOTS];
    if (__atomic_add_fetch(pending, (size_t)done, __ATOMIC_RELAXED) >= WB_EVERY) {
      __atomic_store_n(pending, 0, __ATOMIC_RELAXED);
      (void)sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
    }
  }
  return done;
}

static void wb_install(void) { wb_next = (pwrite64_fn *)syscall_wrap("pwrite64", (sqlite3_syscall_ptr)wb_pwrite64); }
#else
static void wb_install(void) {}
#endif

/* ---- the descriptor of a connection's file ---------------------------------
** A second connection to the file a first one has open must be that file,
** not whatever its name names by then (a copy renamed over it, a FIFO):
** the unix VFS's open (its system-call table, as above) is wrapped, and
** on the thread that opens, while open_same >= 0, the open of the database
** file returns a duplicate of that descriptor instead of opening the name;
** while open_seen is not NULL, the descriptor the open returns is written
** there. SQLite keys its locks by the file's device and inode, so both
** connections share them, and a descriptor closed while the other holds a
** lock is kept until it lets go (as for any two connections to one file). */

typedef int open_fn(const char *, int, int);
static open_fn *open_next; /* the open the table held before */
static _Thread_local int open_same = -1;
static _Thread_local int *open_seen;

static int fd_open(const char *file, int flags, int mode) {
  if (open_same >= 0) {
    int fd = fcntl(open_same, F_DUPFD_CLOEXEC, 3); /* SQLite takes no descriptor below 3 */
    open_same = -1;
    return fd;
  }
  int fd = open_next(file, flags, mode);
  /* below 3 SQLite keeps no descriptor: it puts /dev/null there and opens the name again */
  if (fd >= 3 && open_seen) {
    *open_seen = fd;
    open_seen = NULL;
  }
  return fd;
}

static void syscalls_install(void) {
  wb_install();
  open_next = (open_fn *)syscall_wrap("open", (sqlite3_syscall_ptr)fd_open);
}

/* Opens name (a path, or AT_PREFIX "N/NAME" with vfs "coopsim-at") and
** applies the settings; messages name shown. same >= 0: the file is a
** duplicate of that descriptor (CS_EIO when SQLite took none: it had one of
** its own kept); seen not NULL: the descriptor SQLite opened the file with
** (-1: not known). */
static int open_with(sqlite3 **out, const char *name, const char *shown, int flags, const char *vfs,
                     int busy_ms, cs_error *err, int same, int *seen) {
  static pthread_once_t wb_once = PTHREAD_ONCE_INIT;
  sqlite3 *db = NULL;
  *out = NULL;
  pthread_once(&wb_once, syscalls_install);
  if (same >= 0 && !open_next) return cs_error_set(err, CS_EIO, "%s: cannot open the database again", shown);
  if (seen) *seen = -1;
  /* a name is a file's name, never a URI: Debian's SQLite takes one that
  ** begins with "file:" as a URI whatever the flags say ("file:x.db?nolock=1"
  ** would read without locks, a "vfs=" parameter pick another VFS); "./"
  ** before it makes it the relative name of that file again */
  char plain[4096];
  if (strncmp(name, "file:", 5) == 0) {
    if (snprintf(plain, sizeof plain, "./%s", name) >= (int)sizeof plain)
      return cs_error_set(err, CS_EINVAL, "%s: the name is too long", shown);
    name = plain;
  }
  open_same = same;
  open_seen = seen;
  int opened = sqlite3_open_v2(name, &db, flags, vfs);
  int taken = same >= 0 && open_same < 0;
  open_same = -1;
  open_seen = NULL;
  if (opened == SQLITE_OK && same >= 0 && !taken) {
    sqlite3_close(db);
    return cs_error_set(err, CS_EIO, "%s: cannot open the database again", shown);
  }
  if (opened != SQLITE_OK) {
    int rc = cs_sqlite_error(db, err, shown, "cannot open the database");
    sqlite3_close(db);
    return rc;
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, busy_ms);
  if (sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL) != SQLITE_OK ||
      sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL) != SQLITE_OK ||
      sqlite3_exec(db, "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;", NULL, NULL, NULL) !=
          SQLITE_OK) {
    int rc = cs_sqlite_error(db, err, shown, "cannot read the database");
    sqlite3_close(db);
    return rc;
  }
  *out = db;
  return CS_OK;
}

int cs_sqlite_open(sqlite3 **out, const char *path, int flags, int busy_ms, cs_error *err) {
  return open_with(out, path, path, flags, NULL, busy_ms, err, -1, NULL);
}

/* cs_sqlite_open_at with open_with's same and seen. */
static int open_at_with(sqlite3 **out, int dirfd, const char *name, const char *shown, int flags, int busy_ms,
                        int same, int *seen, cs_error *err) {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  *out = NULL;
  pthread_once(&once, at_register);
  if (!at_ready) return cs_error_set(err, CS_EIO, "%s: cannot open the database (no unix VFS)", shown);
  if (dirfd < 0 || !name[0] || strchr(name, '/'))
    return cs_error_set(err, CS_EINVAL, "%s: not a name inside a folder", shown);
  char at[64 + 256];
  if (snprintf(at, sizeof at, AT_PREFIX "%d/%s", dirfd, name) >= (int)sizeof at)
    return cs_error_set(err, CS_EINVAL, "%s: the name is too long", shown);
  return open_with(out, at, shown, flags | SQLITE_OPEN_NOFOLLOW, "coopsim-at", busy_ms, err, same, seen);
}

int cs_sqlite_open_at(sqlite3 **out, int dirfd, const char *name, const char *shown, int flags,
                      int busy_ms, cs_error *err) {
  return open_at_with(out, dirfd, name, shown, flags, busy_ms, -1, NULL, err);
}

int cs_sqlite_open_fd(sqlite3 **out, int dirfd, const char *name, const char *shown, int flags, int busy_ms,
                      int same, int *seen, cs_error *err) {
  if (dirfd >= 0) return open_at_with(out, dirfd, name, shown, flags, busy_ms, same, seen, err);
  return open_with(out, name, shown, flags, NULL, busy_ms, err, same, seen);
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
