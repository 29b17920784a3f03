/*
** test_safe_write.c: writes that no stranger can redirect (issue 12, items
** 1 and 2): the safe-path walker (safe_path.h) and whole-file writes in a
** held folder (atomic_file.h, cs_report_write_at).
**
** No races: each attack state is made before the write, and the test shows
** it refused (a symbolic link at every position of the path, a target that
** is not a regular file, a run store, a temporary name taken in advance).
** That a swap after the check changes nothing is shown by swapping the
** path between the walk and the write: the file lands in the folder the
** walk held. getrandom is wrapped (-Wl,--wrap=getrandom) so that the first
** temporary name can be known and planted beforehand.
*/
#define _XOPEN_SOURCE 700 /* mknod */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>
#include "coopsim/atomic_file.h"
#include "coopsim/doc.h"
#include "coopsim/report.h"
#include "coopsim/safe_path.h"
#include "rundb_testdoc.h"

/* ---- getrandom, wrapped ----------------------------------------------------- */

ssize_t __real_getrandom(void *buf, size_t n, unsigned flags);
ssize_t __wrap_getrandom(void *buf, size_t n, unsigned flags);
static int fixed_calls; /* this many calls give zero bytes: the name ".NAME.aaaaaaaaaa" */

ssize_t __wrap_getrandom(void *buf, size_t n, unsigned flags) {
  if (fixed_calls > 0) {
    fixed_calls--;
    memset(buf, 0, n);
    return (ssize_t)n;
  }
  return __real_getrandom(buf, n, flags);
}

/* ---- the folder --------------------------------------------------------------- */

static const char *dir;
static int root = -1;

static int setup(void **state) {
  (void)state;
  dir = testdir_make();
  if (!dir) return -1;
  root = open(dir, O_RDONLY | O_DIRECTORY);
  return root >= 0 ? 0 : -1;
}

static int teardown(void **state) {
  (void)state;
  close(root);
  testdir_remove(dir);
  fixed_calls = 0;
  return 0;
}

/* dir/rel, in a static buffer (two at a time). */
static const char *at(const char *rel) {
  static char buf[2][700];
  static int i;
  i ^= 1;
  snprintf(buf[i], sizeof buf[i], "%s/%s", dir, rel);
  return buf[i];
}

static void make_dir(const char *rel) { assert_int_equal(mkdir(at(rel), 0700), 0); }

static void put(const char *rel, const char *text) {
  FILE *f = fopen(at(rel), "wb");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

/* The content of dir/rel ("" when missing), in a static buffer. */
static const char *content(const char *rel) {
  static char buf[256];
  buf[0] = '\0';
  FILE *f = fopen(at(rel), "rb");
  if (!f) return buf;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = '\0';
  fclose(f);
  return buf;
}

/* The number of entries in dir/rel other than . and .. */
static int entries(const char *rel) {
  DIR *d = opendir(at(rel));
  assert_non_null(d);
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
  closedir(d);
  return n;
}

/* Walks rel from the test folder and writes text there; returns the code,
** with the message in err. */
static int walk_and_write(const char *rel, const char *text, cs_error *err) {
  cs_safe_target t = CS_SAFE_TARGET_INIT;
  int rc = cs_safe_target_walk(&t, root, rel, rel, err);
  if (!rc) rc = cs_atomic_write_buffer_at(&t, text, strlen(text), err);
  cs_safe_target_close(&t);
  return rc;
}

static void expect_refused(const char *rel, const char *want) {
  cs_error err = {0, ""};
  int rc = walk_and_write(rel, "x", &err);
  if (rc == 0) fail_msg("\"%s\" was written", rel);
  if (!strstr(err.msg, want)) fail_msg("\"%s\": expected \"%s\" in: %s", rel, want, err.msg);
}

/* ---- the walker --------------------------------------------------------------- */

/* A symbolic link in each folder position of a/b/c/out.csv is refused, also
** one that points to a folder inside the allowed one; so is a link as the
** file itself. Nothing is written through any of them. */
static void symlink_in_every_position(void **state) {
  (void)state;
  make_dir("a");
  make_dir("a/b");
  make_dir("a/b/c");
  make_dir("real");
  make_dir("real/b");
  make_dir("real/b/c");
  make_dir("real/c");
  const char *const comps[] = {"a", "a/b", "a/b/c"};
  const char *const targets[] = {"real", "../real/b", "../../real/c"};
  for (int i = 0; i < 3; i++) {
    char moved[64];
    snprintf(moved, sizeof moved, "%s.moved", comps[i]);
    assert_int_equal(rename(at(comps[i]), at(moved)), 0);
    assert_int_equal(symlink(targets[i], at(comps[i])), 0);
    expect_refused("a/b/c/out.csv", "is a symbolic link");
    assert_int_equal(unlink(at(comps[i])), 0);
    assert_int_equal(rename(at(moved), at(comps[i])), 0);
  }
  /* the file itself: the walk names it, the write refuses it */
  put("victim.txt", "keep");
  assert_int_equal(symlink("../../../victim.txt", at("a/b/c/out.csv")), 0);
  expect_refused("a/b/c/out.csv", "out.csv is a symbolic link");
  assert_string_equal(content("victim.txt"), "keep");
  struct stat st;
  assert_int_equal(lstat(at("a/b/c/out.csv"), &st), 0);
  assert_true(S_ISLNK(st.st_mode));
  /* nothing landed anywhere else */
  assert_int_equal(entries("real/b/c"), 0);
  assert_int_equal(entries("real/c"), 0);
  assert_int_equal(entries("a/b/c"), 1);
  /* without the links it is written */
  assert_int_equal(unlink(at("a/b/c/out.csv")), 0);
  cs_error err = {0, ""};
  assert_int_equal(walk_and_write("a/b/c/out.csv", "written", &err), 0);
  assert_string_equal(content("a/b/c/out.csv"), "written");
}

static void names_refused(void **state) {
  (void)state;
  make_dir("a");
  expect_refused("../x.csv", "goes up a folder");
  expect_refused("a/../x.csv", "goes up a folder");
  expect_refused("a/..", "goes up a folder");
  expect_refused(".hidden/x.csv", "names a hidden file or folder");
  expect_refused("a/.bashrc", "names a hidden file or folder");
  expect_refused("a/x\ny.csv", "control character");
  expect_refused("a\x7f/x.csv", "control character");
  expect_refused("/tmp/x.csv", "not a path relative to a folder");
  expect_refused("a/", "does not end in a file name");
  expect_refused("", "does not end in a file name");
  expect_refused("missing/x.csv", "cannot open the folder \"missing\"");
  put("file", "f");
  expect_refused("file/x.csv", "\"file\" is not a folder");
  /* "." and empty components are harmless */
  cs_error err = {0, ""};
  assert_int_equal(walk_and_write("./a//./x.csv", "dots", &err), 0);
  assert_string_equal(content("a/x.csv"), "dots");
  assert_int_equal(entries("."), 2); /* a and file: nothing else was made */
}

/* The walker returns the folder it checked; swapping the path for a link
** afterwards does not move the write. */
static void write_holds_the_folder(void **state) {
  (void)state;
  make_dir("a");
  make_dir("a/b");
  make_dir("elsewhere");
  cs_safe_target t = CS_SAFE_TARGET_INIT;
  cs_error err = {0, ""};
  assert_int_equal(cs_safe_target_walk(&t, root, "a/b/out.csv", "a/b/out.csv", &err), 0);
  assert_string_equal(t.name, "out.csv");
  assert_string_equal(t.shown, "a/b/out.csv");
  /* the swap, between check and write */
  assert_int_equal(rename(at("a"), at("a2")), 0);
  assert_int_equal(symlink("elsewhere", at("a")), 0);
  assert_int_equal(cs_atomic_write_buffer_at(&t, "held", 4, &err), 0);
  cs_safe_target_close(&t);
  cs_safe_target_close(&t); /* twice is harmless */
  assert_string_equal(content("a2/b/out.csv"), "held");
  assert_int_equal(entries("elsewhere"), 0);
  assert_int_equal(entries("a2/b"), 1); /* no temporary file left */
}

/* The user's own path: its folder is opened once; a file name is required. */
static void user_path(void **state) {
  (void)state;
  cs_error err = {0, ""};
  char p[700];
  snprintf(p, sizeof p, "%s/user.csv", dir);
  assert_int_equal(cs_atomic_write_buffer(p, "mine", 4, &err), 0);
  assert_string_equal(content("user.csv"), "mine");
  snprintf(p, sizeof p, "%s/", dir);
  assert_int_equal(cs_atomic_write_buffer(p, "x", 1, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "does not end in a file name"));
  snprintf(p, sizeof p, "%s/..", dir);
  assert_int_equal(cs_atomic_write_buffer(p, "x", 1, &err), CS_EINVAL);
  snprintf(p, sizeof p, "%s/missing/x.csv", dir);
  assert_int_equal(cs_atomic_write_buffer(p, "x", 1, &err), CS_EIO);
  assert_non_null(strstr(err.msg, "missing/x.csv: cannot create the file: cannot open its folder"));
}

/* ---- targets that are never replaced -------------------------------------------- */

static void expect_kept(const char *rel, const char *what) {
  struct stat before, after;
  assert_int_equal(lstat(at(rel), &before), 0);
  char want[128];
  snprintf(want, sizeof want, "%s is %s; only a missing or regular file is replaced", rel, what);
  expect_refused(rel, want);
  assert_int_equal(lstat(at(rel), &after), 0);
  assert_int_equal(before.st_mode, after.st_mode);
  assert_int_equal(before.st_ino, after.st_ino);
}

static void non_regular_targets(void **state) {
  (void)state;
  make_dir("folder.csv");
  expect_kept("folder.csv", "a folder");
  assert_int_equal(mkfifo(at("fifo.csv"), 0600), 0);
  expect_kept("fifo.csv", "a FIFO (named pipe)");
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  assert_true(s >= 0);
  struct sockaddr_un sa;
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  snprintf(sa.sun_path, sizeof sa.sun_path, "%s", at("socket.csv"));
  assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof sa), 0);
  expect_kept("socket.csv", "a socket");
  close(s);
  assert_int_equal(symlink("/dev/null", at("link.csv")), 0);
  expect_kept("link.csv", "a symbolic link");
  /* a device node: as root, made here rather than touching /dev (the
  ** character device 1,3 is /dev/null's) */
  if (mknod(at("device.csv"), S_IFCHR | 0600, (dev_t)((1u << 8) | 3u)) == 0)
    expect_kept("device.csv", "a device");
  else
    fprintf(stderr, "non_regular_targets: no device node (%s): the device case is not run\n", strerror(errno));
  /* no temporary file was left beside any of them */
  DIR *d = opendir(dir);
  struct dirent *e;
  while ((e = readdir(d)) != NULL)
    if (e->d_name[0] == '.' && strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
      fail_msg("left behind: %s", e->d_name);
  closedir(d);
}

/* A file that is an SQLite database is never replaced by a report, whatever
** its name; a report never takes a run store's name. */
static void stores_never_replaced(void **state) {
  (void)state;
  sqlite3 *db;
  assert_int_equal(sqlite3_open(at("report.csv"), &db), SQLITE_OK);
  assert_int_equal(sqlite3_exec(db, "CREATE TABLE t (x)", NULL, NULL, NULL), SQLITE_OK);
  sqlite3_close(db);
  struct stat before, after;
  assert_int_equal(stat(at("report.csv"), &before), 0);
  expect_refused("report.csv", "report.csv is an SQLite database (a run store?); a report never replaces one");
  assert_int_equal(stat(at("report.csv"), &after), 0);
  assert_int_equal(before.st_size, after.st_size);
  assert_int_equal(before.st_mtime, after.st_mtime);

  cs_doc *doc = testdoc(1, 1, 2, "r");
  static const char *const names[] = {"runs.db", "x.sqlite", "x.SQLite3", "runs.db-journal", "runs.db-wal",
                                      "runs.db-shm"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    cs_safe_target t = CS_SAFE_TARGET_INIT;
    cs_error err = {0, ""};
    assert_int_equal(cs_safe_target_walk(&t, root, names[i], names[i], &err), 0);
    assert_int_equal(cs_report_write_at(doc, CS_REPORT_CSV, CS_LANG_EN, &t, &err), CS_EINVAL);
    if (!strstr(err.msg, "a report is not written under a run store's name")) fail_msg("%s: %s", names[i], err.msg);
    cs_safe_target_close(&t);
    assert_int_equal(access(at(names[i]), F_OK), -1);
  }
  /* the user's own --out too */
  cs_error err = {0, ""};
  assert_int_equal(cs_report_write(doc, CS_REPORT_CSV, CS_LANG_EN, at("mine.db"), &err), CS_EINVAL);
  assert_int_equal(access(at("mine.db"), F_OK), -1);
  cs_doc_free(doc);
}

/* ---- the temporary file ---------------------------------------------------------- */

/* A file or link already there under the temporary file's name is never
** written through, nor changed: another name is taken. */
static void temporary_name_taken(void **state) {
  (void)state;
  put("victim.txt", "keep");
  /* zero bytes give the suffix "aaaaaaaaaa" */
  assert_int_equal(symlink("victim.txt", at(".out.csv.aaaaaaaaaa")), 0);
  fixed_calls = 1;
  cs_error err = {0, ""};
  assert_int_equal(walk_and_write("out.csv", "new", &err), 0);
  assert_int_equal(fixed_calls, 0); /* the planted name was the first tried */
  assert_string_equal(content("out.csv"), "new");
  assert_string_equal(content("victim.txt"), "keep");
  struct stat st;
  assert_int_equal(lstat(at(".out.csv.aaaaaaaaaa"), &st), 0);
  assert_true(S_ISLNK(st.st_mode));
  assert_int_equal(unlink(at(".out.csv.aaaaaaaaaa")), 0);
  /* a regular file planted there keeps its content */
  put(".out.csv.aaaaaaaaaa", "planted");
  fixed_calls = 1;
  assert_int_equal(walk_and_write("out.csv", "newer", &err), 0);
  assert_string_equal(content(".out.csv.aaaaaaaaaa"), "planted");
  assert_string_equal(content("out.csv"), "newer");
  /* every name tried is taken: an error, and the target as it was */
  fixed_calls = 1000;
  assert_int_equal(walk_and_write("out.csv", "never", &err), CS_EIO);
  assert_non_null(strstr(err.msg, "out.csv: cannot create a file beside it (File exists)"));
  assert_string_equal(content("out.csv"), "newer");
  assert_string_equal(content(".out.csv.aaaaaaaaaa"), "planted");
}

static int failing_fill(const char *fd_path, int fd, void *ud, cs_error *err) {
  (void)ud;
  /* half a file, then a failure */
  assert_int_equal(write(fd, "half", 4), 4);
  /* fd_path opens the same file */
  int again = open(fd_path, O_RDONLY);
  assert_true(again >= 0);
  char b[8];
  assert_int_equal(read(again, b, sizeof b), 4);
  close(again);
  return cs_error_set(err, CS_EIO, "the fill failed");
}

/* A fill that fails leaves the old file and no temporary one. */
static void failed_fill_leaves_old_file(void **state) {
  (void)state;
  put("out.csv", "old");
  cs_safe_target t = CS_SAFE_TARGET_INIT;
  cs_error err = {0, ""};
  assert_int_equal(cs_safe_target_walk(&t, root, "out.csv", "out.csv", &err), 0);
  assert_int_equal(cs_atomic_write_at(&t, failing_fill, NULL, &err), CS_EIO);
  assert_string_equal(err.msg, "the fill failed");
  cs_safe_target_close(&t);
  assert_string_equal(content("out.csv"), "old");
  assert_int_equal(entries("."), 1);
}

int main(void) {
  (void)docs_equal, (void)loads_back; /* rundb_testdoc.h's, not needed here */
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(symlink_in_every_position, setup, teardown),
      cmocka_unit_test_setup_teardown(names_refused, setup, teardown),
      cmocka_unit_test_setup_teardown(write_holds_the_folder, setup, teardown),
      cmocka_unit_test_setup_teardown(user_path, setup, teardown),
      cmocka_unit_test_setup_teardown(non_regular_targets, setup, teardown),
      cmocka_unit_test_setup_teardown(stores_never_replaced, setup, teardown),
      cmocka_unit_test_setup_teardown(temporary_name_taken, setup, teardown),
      cmocka_unit_test_setup_teardown(failed_fill_leaves_old_file, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
