/*
** test_rundb_kill.c: SIGKILL a writer at 200 points (RELIABILITY 23).
**
** A child process opens the store and saves runs in a loop. Every change
** SQLite makes to the files goes through the unix VFS's system-call table
** (pwrite64 for the journal and the database, unlink for the journal at
** commit, write and ftruncate, unused here but counted): in the child each
** of these calls is a numbered "step". The parent picks k before the fork;
** the child counts its steps and, about to make step k, says so on a pipe
** and waits; the parent kills it there. The kill lands exactly before step
** k, measured in the child's own steps, never in time, so a busy machine
** changes nothing. The child also reports each save that returned success
** (after COMMIT).
**
** k runs over every step of opening the store and the first saves (one
** calibration child counts them), several times over: kills before the
** first journal write, inside a transaction (a hot journal), just before
** the commit's unlink, and between saves. After each kill the parent opens
** the store (rolling back a hot journal), and checks PRAGMA
** integrity_check, that every stored run has all its rows
** (cs_rundb_verify), that the store holds exactly the runs whose save
** returned (never one fewer: a committed run does not disappear; never one
** more: a run is stored only by its COMMIT, whose unlink is a step), and
** that the newest run reads back exactly as saved.
**
** The store lives in /dev/shm when there is one: a killed process is not a
** power cut, and SQLite's commit is atomic across process crashes whatever
** the disk does with fsync (RELIABILITY.md), so a memory file system gives
** the same kill points faster. Power-loss ordering is what rel22 covers.
*/
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <cmocka.h>
#include <sqlite3.h>
#include "rundb_testdoc.h"

#define KILLS 200
#define SAVES_PER_ROUND 2 /* the steps of opening and this many saves are the kill points */

static char path[600], journal[640];
static const char *dir;

static int setup(void **state) {
  (void)state;
  dir = access("/dev/shm", W_OK) == 0 ? testdir_make_in("/dev/shm") : NULL;
  if (!dir) dir = testdir_make();
  if (!dir) return -1;
  snprintf(path, sizeof path, "%s/runs.db", dir);
  snprintf(journal, sizeof journal, "%s-journal", path);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  testdir_remove(dir);
  return 0;
}

/* ---- the child: every file change is a numbered step ----------------------- */

static int report_fd = -1;
static int stop_at;  /* the step to stop before; 0: report every step and go on */
static int steps;    /* the steps made so far */
static sqlite3_syscall_ptr real_pwrite64, real_write, real_ftruncate, real_unlink;

static void report(char c) {
  ssize_t n;
  do n = write(report_fd, &c, 1);
  while (n < 0 && errno == EINTR);
  if (n != 1) _exit(5);
}

/* Called before every step: at stop_at, says so and waits to be killed. */
static void step(void) {
  steps++;
  if (stop_at == 0) {
    report('s');
  } else if (steps == stop_at) {
    report('k');
    for (;;) pause();
  }
}

static ssize_t step_pwrite64(int fd, const void *buf, size_t n, off_t off) {
  step();
  return ((ssize_t(*)(int, const void *, size_t, off_t))real_pwrite64)(fd, buf, n, off);
}
static ssize_t step_write(int fd, const void *buf, size_t n) {
  step();
  return ((ssize_t(*)(int, const void *, size_t))real_write)(fd, buf, n);
}
static int step_ftruncate(int fd, off_t size) {
  step();
  return ((int (*)(int, off_t))real_ftruncate)(fd, size);
}
static int step_unlink(const char *name) {
  step();
  return ((int (*)(const char *))real_unlink)(name);
}

static void install_steps(void) {
  sqlite3_vfs *v = sqlite3_vfs_find("unix");
  real_pwrite64 = v->xGetSystemCall(v, "pwrite64");
  real_write = v->xGetSystemCall(v, "write");
  real_ftruncate = v->xGetSystemCall(v, "ftruncate");
  real_unlink = v->xGetSystemCall(v, "unlink");
  if (!real_pwrite64 || !real_write || !real_ftruncate || !real_unlink ||
      v->xSetSystemCall(v, "pwrite64", (sqlite3_syscall_ptr)step_pwrite64) != SQLITE_OK ||
      v->xSetSystemCall(v, "write", (sqlite3_syscall_ptr)step_write) != SQLITE_OK ||
      v->xSetSystemCall(v, "ftruncate", (sqlite3_syscall_ptr)step_ftruncate) != SQLITE_OK ||
      v->xSetSystemCall(v, "unlink", (sqlite3_syscall_ptr)step_unlink) != SQLITE_OK)
    _exit(7);
}

/* The child: opens the store and saves doc `saves` times (forever when
** saves < 0), reporting each save that returned. Never returns. */
static void writer(const cs_doc *doc, int saves) {
  install_steps();
  cs_rundb_options opt = CS_RUNDB_OPTIONS_INIT;
  opt.write = 1;
  cs_rundb *db;
  cs_error err = {0, ""};
  if (cs_rundb_open(&db, path, &opt, &err)) {
    fprintf(stderr, "writer: %s\n", err.msg);
    _exit(3);
  }
  for (int i = 0; saves < 0 || i < saves; i++) {
    int64_t id;
    if (cs_rundb_save(db, doc, &testmeta, &id, &err)) {
      fprintf(stderr, "writer: %s\n", err.msg);
      _exit(4);
    }
    report('c');
  }
  cs_rundb_close(db);
  _exit(0);
}

/* ---- the parent ------------------------------------------------------------- */

typedef struct child {
  pid_t pid;
  int from; /* its reports */
} child;

/* Starts a writer that stops before step k (0: never) after `saves` saves
** (< 0: forever). */
static child start(const cs_doc *doc, int k, int saves) {
  int rep[2];
  assert_int_equal(pipe(rep), 0);
  fflush(stderr);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    close(rep[0]);
    report_fd = rep[1];
    stop_at = k;
    writer(doc, saves);
  }
  close(rep[1]);
  child c = {pid, rep[0]};
  return c;
}

/* Reads the child's next report: 's', 'k', 'c', or 0 when it closed the pipe. */
static char next_report(const child *c) {
  char r;
  ssize_t n;
  do n = read(c->from, &r, 1);
  while (n < 0 && errno == EINTR);
  return n == 1 ? r : 0;
}

static int finish(child *c) {
  close(c->from);
  int status;
  assert_int_equal(waitpid(c->pid, &status, 0), c->pid);
  return status;
}

/* The steps of opening the store and SAVES_PER_ROUND saves, counted by a
** child that is let run to the end. */
static int count_steps(const cs_doc *doc) {
  child c = start(doc, 0, SAVES_PER_ROUND);
  int counted = 0, saves = 0;
  char r;
  while ((r = next_report(&c)) != 0) {
    if (r == 's') counted++;
    else if (r == 'c') saves++;
  }
  int status = finish(&c);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) fail_msg("the calibration writer failed (%d)", status);
  assert_int_equal(saves, SAVES_PER_ROUND);
  return counted;
}

/* The runs in the store after a kill, checked; *hot tells whether the kill
** left a hot journal (a journal with content: SQLite creates the file
** empty before a transaction's first write). */
static size_t stored_runs(int kill_no, int k, cs_doc *doc, size_t before, int *hot) {
  struct stat st;
  *hot = stat(journal, &st) == 0 && st.st_size > 0;
  cs_rundb *db;
  cs_error err = {0, ""};
  if (cs_rundb_open(&db, path, NULL, &err)) fail_msg("kill %d (step %d): open: %s", kill_no, k, err.msg);
  if (cs_rundb_verify(db, &err)) fail_msg("kill %d (step %d): %s", kill_no, k, err.msg);
  cs_rundb_info *list;
  size_t n;
  assert_int_equal(cs_rundb_list(db, &list, &n, &err), 0);
  if (n > before) { /* a new run: the newest, read back exactly */
    assert_true(loads_back(db, list[n - 1].id, doc));
  }
  cs_rundb_info_free(list, n);
  cs_rundb_close(db);
  return n;
}

static void rel23_sigkill_writer_200_times(void **state) {
  (void)state;
  cs_doc *doc = testdoc(1, 2, 8, "killed");
  /* create the store before the first child */
  cs_rundb_options wopt = CS_RUNDB_OPTIONS_INIT;
  wopt.write = 1;
  cs_rundb *db;
  cs_error err = {0, ""};
  assert_int_equal(cs_rundb_open(&db, path, &wopt, &err), 0);
  cs_rundb_close(db);

  int points = count_steps(doc);
  size_t expected = SAVES_PER_ROUND; /* the calibration child's saves */
  assert_true(points > SAVES_PER_ROUND * 3);
  int hot_kills = 0, clean_kills = 0;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (int i = 0; i < KILLS; i++) {
    int k = 1 + i % points; /* every point, in turn */
    child c = start(doc, k, -1);
    size_t confirmed = 0;
    char r;
    while ((r = next_report(&c)) == 'c') confirmed++;
    if (r != 'k') fail_msg("kill %d: the writer stopped before step %d", i, k);
    kill(c.pid, SIGKILL); /* it waits before step k */
    int status = finish(&c);
    if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
      fail_msg("kill %d (step %d): the writer was not killed (status %d)", i, k, status);
    int hot;
    size_t n = stored_runs(i, k, doc, expected, &hot);
    expected += confirmed;
    if (n != expected)
      fail_msg("kill %d (step %d): %zu runs stored, %zu saves had returned", i, k, n, expected);
    if (hot) hot_kills++;
    else clean_kills++;
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  fprintf(stderr,
          "rel23: %d kills over %d steps (opening the store and %d saves), %d with a hot journal, %d without; "
          "%zu runs stored; %.1f s\n",
          KILLS, points, SAVES_PER_ROUND, hot_kills, clean_kills, expected,
          (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
  /* the kills landed both inside transactions and between them */
  assert_true(hot_kills > 0);
  assert_true(clean_kills > 0);
  cs_doc_free(doc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(rel23_sigkill_writer_200_times, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
