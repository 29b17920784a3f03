/*
** test_rundb_kill.c: SIGKILL a writer at random points (RELIABILITY 23).
**
** A child process opens the store and saves runs in a loop; the parent kills
** it after a random delay, 200 times. After each kill the parent opens the
** store (rolling back a hot journal if the kill left one), and checks that
** PRAGMA integrity_check is ok, that every stored run has all its rows
** (cs_rundb_verify), and that the newest run reads back exactly as saved.
** The seed is printed; COOPSIM_KILL_SEED repeats a sequence.
**
** The store lives in /dev/shm when there is one: a killed process is not a
** power cut, and SQLite's commit is atomic across process crashes whatever
** the disk does with fsync (RELIABILITY.md), so a memory file system keeps
** the same kill points while letting each child make dozens of saves
** instead of one or two. Power-loss ordering is what rel22 covers.
*/
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/wait.h>
#include <time.h>
#include <cmocka.h>
#include "rundb_testdoc.h"

#define KILLS 200

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

/* The child: saves doc again and again until killed. Never returns. */
static void writer(const cs_doc *doc) {
  cs_rundb_options opt = CS_RUNDB_OPTIONS_INIT;
  opt.write = 1;
  cs_rundb *db;
  cs_error err = {0, ""};
  if (cs_rundb_open(&db, path, &opt, &err)) {
    fprintf(stderr, "writer: %s\n", err.msg);
    _exit(3);
  }
  for (;;) {
    int64_t id;
    if (cs_rundb_save(db, doc, &testmeta, &id, &err)) {
      fprintf(stderr, "writer: %s\n", err.msg);
      _exit(4);
    }
  }
}

static double seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void sleep_us(long us) {
  struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
  nanosleep(&ts, NULL);
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

  const char *env = getenv("COOPSIM_KILL_SEED");
  unsigned seed = env ? (unsigned)strtoul(env, NULL, 10) : (unsigned)time(NULL);
  srand(seed);
  fprintf(stderr, "rel23: seed %u (COOPSIM_KILL_SEED=%u repeats it)\n", seed, seed);

  int hot = 0, max_delay_us = 20000;
  double checking = 0;
  size_t last_count = 0;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (int i = 0; i < KILLS; i++) {
    fflush(stderr);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) writer(doc);
    sleep_us(rand() % max_delay_us);
    kill(pid, SIGKILL);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    /* killed, not failed: a writer that exited on its own reported an error */
    if (!WIFSIGNALED(status)) fail_msg("kill %d: the writer exited with status %d", i, WEXITSTATUS(status));
    if (access(journal, F_OK) == 0) hot++;
    double c0 = seconds();

    if (cs_rundb_open(&db, path, NULL, &err)) fail_msg("kill %d (seed %u): open: %s", i, seed, err.msg);
    if (cs_rundb_verify(db, &err)) fail_msg("kill %d (seed %u): %s", i, seed, err.msg);
    cs_rundb_info *list;
    size_t n;
    assert_int_equal(cs_rundb_list(db, &list, &n, &err), 0);
    assert_true(n >= last_count); /* a committed run never disappears */
    if (n > last_count) { /* the newest run, read back exactly */
      cs_doc *back;
      assert_int_equal(cs_rundb_load(db, list[n - 1].id, &back, NULL, &err), 0);
      assert_true(docs_equal(back, doc));
      cs_doc_free(back);
    }
    last_count = n;
    cs_rundb_info_free(list, n);
    cs_rundb_close(db);
    checking += seconds() - c0;
  }
  clock_gettime(CLOCK_MONOTONIC, &t1);
  fprintf(stderr, "rel23: %d kills in %.1f s (%.1f s checking), %d left a hot journal, %zu runs stored\n",
          KILLS, (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9, checking, hot,
          last_count);
  /* the kills landed both between and inside transactions */
  assert_true(hot > 0);
  assert_true(last_count > 0);
  cs_doc_free(doc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(rel23_sigkill_writer_200_times, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
