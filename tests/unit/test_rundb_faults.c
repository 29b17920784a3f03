/*
** test_rundb_faults.c: storage faults during a save (RELIABILITY 21, 22).
**
** rel21: the unix VFS writes with pwrite64 (checked below: it is the only
** write call SQLite makes here); the test replaces it through
** xSetSystemCall and fails the k-th call with ENOSPC or EIO, once or from
** then on, for every k until a save gets through untouched.
** rel22: fsync is not in the unix VFS's system-call table (3.40: open, close,
** access, ..., pwrite64, ... but no fsync), so a shim VFS that delegates to
** "unix" fails xSync instead.
** After every fault: the save reported an error and stored nothing, or
** reported success and stored everything; PRAGMA integrity_check is ok; the
** run that was there before is untouched; the store takes the next save.
*/
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <cmocka.h>
#include <sqlite3.h>
#include "rundb_testdoc.h"

static char path[600], journal[640];
static const char *dir;
static char *pristine; /* the store with one run, as bytes */
static size_t pristine_len;
static cs_doc *first, *second;

/* ---- the fault switch ---------------------------------------------------- */

static int calls, fail_at, fail_always, fail_errno, fired;

static int fault_now(void) {
  int k = ++calls;
  if (fail_at > 0 && (k == fail_at || (fail_always && k > fail_at))) {
    fired++;
    return 1;
  }
  return 0;
}

static void arm(int k, int always, int e) {
  calls = fired = 0;
  fail_at = k;
  fail_always = always;
  fail_errno = e;
}

static void disarm(void) { fail_at = 0; }

/* pwrite64 through the unix VFS's system-call table */
static sqlite3_syscall_ptr real_pwrite64, real_write, real_pwrite;
static int count_write, count_pwrite;

static ssize_t faulty_pwrite64(int fd, const void *buf, size_t n, off_t off) {
  if (fault_now()) {
    errno = fail_errno;
    return -1;
  }
  return ((ssize_t(*)(int, const void *, size_t, off_t))real_pwrite64)(fd, buf, n, off);
}

static ssize_t counting_write(int fd, const void *buf, size_t n) {
  count_write++;
  return ((ssize_t(*)(int, const void *, size_t))real_write)(fd, buf, n);
}

static ssize_t counting_pwrite(int fd, const void *buf, size_t n, off_t off) {
  count_pwrite++;
  return ((ssize_t(*)(int, const void *, size_t, off_t))real_pwrite)(fd, buf, n, off);
}

/* xSync through a shim VFS over "unix" */
typedef struct shim_file {
  sqlite3_file base;
  sqlite3_file *real; /* lives right after this struct */
} shim_file;

static sqlite3_vfs shim_vfs, *unix_vfs;
static int shim_syncs;

#define REAL(f) (((shim_file *)(f))->real)
static int shim_close(sqlite3_file *f) { return REAL(f)->pMethods->xClose(REAL(f)); }
static int shim_read(sqlite3_file *f, void *b, int n, sqlite3_int64 o) {
  return REAL(f)->pMethods->xRead(REAL(f), b, n, o);
}
static int shim_write(sqlite3_file *f, const void *b, int n, sqlite3_int64 o) {
  return REAL(f)->pMethods->xWrite(REAL(f), b, n, o);
}
static int shim_truncate(sqlite3_file *f, sqlite3_int64 size) {
  return REAL(f)->pMethods->xTruncate(REAL(f), size);
}
static int shim_sync(sqlite3_file *f, int flags) {
  shim_syncs++;
  if (fault_now()) return SQLITE_IOERR_FSYNC;
  return REAL(f)->pMethods->xSync(REAL(f), flags);
}
static int shim_size(sqlite3_file *f, sqlite3_int64 *size) { return REAL(f)->pMethods->xFileSize(REAL(f), size); }
static int shim_lock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xLock(REAL(f), l); }
static int shim_unlock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xUnlock(REAL(f), l); }
static int shim_reserved(sqlite3_file *f, int *out) {
  return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}
static int shim_control(sqlite3_file *f, int op, void *arg) {
  return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}
static int shim_sector(sqlite3_file *f) { return REAL(f)->pMethods->xSectorSize(REAL(f)); }
static int shim_device(sqlite3_file *f) { return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f)); }

/* version 1: no shared memory (the store never uses WAL) and no mmap */
static const sqlite3_io_methods shim_io = {
    1, shim_close, shim_read, shim_write, shim_truncate, shim_sync, shim_size, shim_lock,
    shim_unlock, shim_reserved, shim_control, shim_sector, shim_device,
    NULL, NULL, NULL, NULL, NULL, NULL};

static int shim_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags) {
  (void)vfs;
  shim_file *s = (shim_file *)f;
  s->real = (sqlite3_file *)(s + 1);
  int rc = unix_vfs->xOpen(unix_vfs, name, s->real, flags, out_flags);
  s->base.pMethods = s->real->pMethods ? &shim_io : NULL;
  return rc;
}

static void shim_install(void) {
  unix_vfs = sqlite3_vfs_find("unix");
  shim_vfs = *unix_vfs; /* every other method is unix's own */
  shim_vfs.zName = "coopsim-faulty-sync";
  shim_vfs.szOsFile = (int)sizeof(shim_file) + unix_vfs->szOsFile;
  shim_vfs.xOpen = shim_open;
  shim_vfs.pNext = NULL;
  assert_int_equal(sqlite3_vfs_register(&shim_vfs, 1), SQLITE_OK);
}

static void shim_remove(void) {
  sqlite3_vfs_unregister(&shim_vfs);
  sqlite3_vfs_register(unix_vfs, 1);
}

/* ---- the store ------------------------------------------------------------ */

static void write_file(const char *file, const char *data, size_t len) {
  FILE *f = fopen(file, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(data, 1, len, f), len);
  assert_int_equal(fclose(f), 0);
}

static int setup(void **state) {
  (void)state;
  dir = testdir_make();
  if (!dir) return -1;
  snprintf(path, sizeof path, "%s/runs.db", dir);
  snprintf(journal, sizeof journal, "%s-journal", path);
  first = testdoc(1, 2, 5, "first");
  second = testdoc(3, 3, 17, "second");
  /* a store holding one run */
  cs_rundb_options opt = CS_RUNDB_OPTIONS_INIT;
  opt.write = 1;
  cs_rundb *db;
  cs_error err = {0, ""};
  int64_t id;
  if (cs_rundb_open(&db, path, &opt, &err) || cs_rundb_save(db, first, &testmeta, &id, &err)) return -1;
  cs_rundb_close(db);
  FILE *f = fopen(path, "rb");
  fseek(f, 0, SEEK_END);
  pristine_len = (size_t)ftell(f);
  fseek(f, 0, SEEK_SET);
  pristine = malloc(pristine_len);
  if (fread(pristine, 1, pristine_len, f) != pristine_len) return -1;
  fclose(f);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  testdir_remove(dir);
  free(pristine);
  cs_doc_free(first);
  cs_doc_free(second);
  return 0;
}

/* After a faulty save: the file recovers (hot journal rolled back on open),
** is sound, holds the first run as it was and the second fully or not at all,
** exactly as the save reported. */
static void check_after(int saved, int64_t id) {
  cs_rundb_options opt = CS_RUNDB_OPTIONS_INIT;
  opt.write = 1;
  cs_rundb *db;
  cs_error err = {0, ""};
  if (cs_rundb_open(&db, path, &opt, &err)) fail_msg("reopen after the fault: %s", err.msg);
  if (cs_rundb_verify(db, &err)) fail_msg("verify after the fault: %s", err.msg);
  cs_rundb_info *list;
  size_t n;
  assert_int_equal(cs_rundb_list(db, &list, &n, &err), 0);
  assert_int_equal(n, saved ? 2 : 1);
  cs_rundb_info_free(list, n);
  assert_true(loads_back(db, 1, first));
  if (saved) {
    assert_int_equal(id, 2);
    assert_true(loads_back(db, 2, second));
  }
  cs_rundb_close(db);
}

/* One sweep: for k = 1, 2, ... fail the k-th call (once or from then on)
** during the save of `second`, until a save runs without reaching k.
** Returns the number of faults that hit a save. */
static int sweep(int always, int e, const char *want) {
  int hits = 0;
  for (int k = 1;; k++) {
    assert_true(k < 1000);
    write_file(path, pristine, pristine_len);
    unlink(journal);
    cs_rundb_options opt = CS_RUNDB_OPTIONS_INIT;
    opt.write = 1;
    cs_rundb *db;
    cs_error err = {0, ""};
    if (cs_rundb_open(&db, path, &opt, &err)) fail_msg("open: %s", err.msg);
    int64_t id = -1;
    arm(k, always, e);
    int rc = cs_rundb_save(db, second, &testmeta, &id, &err);
    int hit = fired > 0;
    cs_rundb_close(db); /* still failing: a persistent fault outlives the save */
    disarm();
    if (!hit) {
      assert_int_equal(rc, 0);
      check_after(1, id);
      return hits;
    }
    hits++;
    if (rc) {
      /* a clear error naming the file, what failed and that nothing was saved */
      assert_int_equal(id, -1);
      if (!strstr(err.msg, path) || !strstr(err.msg, "nothing was saved") || !strstr(err.msg, want))
        fail_msg("k=%d: unclear message: %s", k, err.msg);
    }
    check_after(rc == 0, id);
  }
}

static void rel21_sqlite_writes_with_pwrite64(void **state) {
  (void)state;
  sqlite3_vfs *v = sqlite3_vfs_find("unix");
  real_write = v->xGetSystemCall(v, "write");
  real_pwrite = v->xGetSystemCall(v, "pwrite");
  real_pwrite64 = v->xGetSystemCall(v, "pwrite64");
  assert_non_null(real_pwrite64);
  v->xSetSystemCall(v, "write", (sqlite3_syscall_ptr)counting_write);
  if (real_pwrite) v->xSetSystemCall(v, "pwrite", (sqlite3_syscall_ptr)counting_pwrite);
  v->xSetSystemCall(v, "pwrite64", (sqlite3_syscall_ptr)faulty_pwrite64);
  arm(0, 0, 0);
  count_write = count_pwrite = 0;
  write_file(path, pristine, pristine_len);
  cs_rundb_options opt = CS_RUNDB_OPTIONS_INIT;
  opt.write = 1;
  cs_rundb *db;
  cs_error err = {0, ""};
  int64_t id;
  assert_int_equal(cs_rundb_open(&db, path, &opt, &err), 0);
  assert_int_equal(cs_rundb_save(db, second, &testmeta, &id, &err), 0);
  cs_rundb_close(db);
  v->xSetSystemCall(v, NULL, NULL); /* all back to the defaults */
  /* every write of the save went through pwrite64: failing it covers them all */
  assert_true(calls > 10);
  assert_int_equal(count_write, 0);
  assert_int_equal(count_pwrite, 0);
}

static void rel21_run(int always, int e, const char *want) {
  sqlite3_vfs *v = sqlite3_vfs_find("unix");
  real_pwrite64 = v->xGetSystemCall(v, "pwrite64");
  v->xSetSystemCall(v, "pwrite64", (sqlite3_syscall_ptr)faulty_pwrite64);
  int hits = sweep(always, e, want);
  v->xSetSystemCall(v, "pwrite64", NULL);
  fprintf(stderr, "rel21: pwrite64 %s %s: %d saves hit by the fault, all checked\n", e == EIO ? "EIO" : "ENOSPC",
          always ? "from the k-th call on" : "at the k-th call", hits);
  /* the save makes dozens of writes; every one of them was failed once */
  assert_true(hits > 10);
}

static void rel21_enospc_once(void **state) {
  (void)state;
  rel21_run(0, ENOSPC, "full");
}

static void rel21_enospc_persistent(void **state) {
  (void)state;
  rel21_run(1, ENOSPC, "full");
}

static void rel21_eio_once(void **state) {
  (void)state;
  rel21_run(0, EIO, "I/O error");
}

static void rel21_eio_persistent(void **state) {
  (void)state;
  rel21_run(1, EIO, "I/O error");
}

static void rel22_run(int always) {
  shim_install();
  shim_syncs = 0;
  int hits = sweep(always, 0, "I/O error");
  shim_remove();
  fprintf(stderr, "rel22: xSync %s: %d saves hit by the fault, all checked\n",
          always ? "from the k-th call on" : "at the k-th call", hits);
  /* synchronous=FULL syncs the journal twice and the database once */
  assert_true(hits >= 3);
}

static void rel22_fsync_fails_once(void **state) {
  (void)state;
  rel22_run(0);
}

static void rel22_fsync_fails_persistently(void **state) {
  (void)state;
  rel22_run(1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(rel21_sqlite_writes_with_pwrite64, setup, teardown),
      cmocka_unit_test_setup_teardown(rel21_enospc_once, setup, teardown),
      cmocka_unit_test_setup_teardown(rel21_enospc_persistent, setup, teardown),
      cmocka_unit_test_setup_teardown(rel21_eio_once, setup, teardown),
      cmocka_unit_test_setup_teardown(rel21_eio_persistent, setup, teardown),
      cmocka_unit_test_setup_teardown(rel22_fsync_fails_once, setup, teardown),
      cmocka_unit_test_setup_teardown(rel22_fsync_fails_persistently, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
