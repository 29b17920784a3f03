/*
** test_temp_files.c: a signal that ends the process removes the temporary
** file of a whole-file write being filled (core/temp_files.c through
** core/atomic_file.c). Each case runs in a child process that the signal
** really ends; the parent checks how it ended and what is left in the
** folder.
*/
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include "coopsim/atomic_file.h"
#include "coopsim/temp_files.h"

static char folder[256];

static int setup(void **state) {
  (void)state;
  snprintf(folder, sizeof folder, "%s/cs_temp_files_XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
  return mkdtemp(folder) ? 0 : -1;
}

/* Every entry of the folder, hidden ones too, joined by spaces ("" when
** empty); entries are removed afterwards so that each case starts empty. */
static void entries(char *out, size_t size, int remove) {
  out[0] = '\0';
  DIR *d = opendir(folder);
  assert_non_null(d);
  struct dirent *e;
  while ((e = readdir(d))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    size_t n = strlen(out);
    snprintf(out + n, size - n, "%s%s", n ? " " : "", e->d_name);
    if (remove) unlinkat(dirfd(d), e->d_name, 0);
  }
  closedir(d);
}

static int teardown(void **state) {
  (void)state;
  char left[1024];
  entries(left, sizeof left, 1);
  return rmdir(folder);
}

/* Runs body in a child and returns its wait status. */
static int in_child(void (*body)(void)) {
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    body();
    _exit(0);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) assert_int_equal(errno, EINTR);
  return status;
}

/* The child died of sig and left nothing in the folder. */
static void died_leaving_nothing(int status, int sig) {
  if (WIFEXITED(status)) fail_msg("exited with %d instead of dying of signal %d", WEXITSTATUS(status), sig);
  assert_true(WIFSIGNALED(status));
  assert_int_equal(WTERMSIG(status), sig);
  char left[1024];
  entries(left, sizeof left, 1);
  assert_string_equal(left, "");
}

static void write_report(cs_atomic_fill fill) {
  char path[512];
  snprintf(path, sizeof path, "%s/r.json", folder);
  cs_error err = {0, ""};
  int rc = cs_atomic_write(path, fill, NULL, &err);
  _exit(rc == 0 ? 0 : 3);
}

static int wrote_some(int fd) { return cs_write_all(fd, "{\"runs\": [", 10) == 0 ? 0 : CS_EIO; }

static int fill_then_sigterm(const char *fd_path, int fd, void *ud, cs_error *err) {
  (void)fd_path, (void)ud, (void)err;
  wrote_some(fd);
  raise(SIGTERM);
  return CS_OK; /* not reached where the handler is installed */
}

static void term_while_filling(void) {
  cs_temp_files_on_signals();
  write_report(fill_then_sigterm);
}

/* The process dies of SIGTERM, as before, and neither the temporary file
** nor the target is left. */
static void test_sigterm_removes_the_temporary_file(void **state) {
  (void)state;
  int status = in_child(term_while_filling);
  died_leaving_nothing(status, SIGTERM);
}

/* Without the handler, the same child leaves the partial file: the case
** above would fail were the handler not doing the work. */
static void term_without_handler(void) { write_report(fill_then_sigterm); }

static void test_without_the_handler_the_file_stays(void **state) {
  (void)state;
  int status = in_child(term_without_handler);
  assert_true(WIFSIGNALED(status));
  assert_int_equal(WTERMSIG(status), SIGTERM);
  char left[1024];
  entries(left, sizeof left, 1);
  assert_true(strncmp(left, ".r.json.", 8) == 0);
  assert_null(strchr(left, ' ')); /* that one file only */
}

static void *wait_forever(void *arg) {
  (void)arg;
  for (;;) pause();
  return NULL;
}

/* The signal handled in a thread other than the one filling the file. */
static int fill_then_sigint_elsewhere(const char *fd_path, int fd, void *ud, cs_error *err) {
  (void)fd_path, (void)ud, (void)err;
  wrote_some(fd);
  pthread_t t;
  if (pthread_create(&t, NULL, wait_forever, NULL) != 0) _exit(4);
  sigset_t mine;
  sigemptyset(&mine);
  sigaddset(&mine, SIGINT);
  pthread_sigmask(SIG_BLOCK, &mine, NULL); /* only the other thread can take it */
  pthread_kill(t, SIGINT);
  for (;;) pause();
  return CS_OK;
}

static void int_in_another_thread(void) {
  cs_temp_files_on_signals();
  write_report(fill_then_sigint_elsewhere);
}

static void test_a_signal_in_another_thread(void **state) {
  (void)state;
  int status = in_child(int_in_another_thread);
  died_leaving_nothing(status, SIGINT);
}

/* A signal ignored before (nohup, a background job) stays ignored: the
** write completes and the report is in place. */
static void ignored_sigterm(void) {
  signal(SIGTERM, SIG_IGN);
  cs_temp_files_on_signals();
  write_report(fill_then_sigterm);
}

static void test_an_ignored_signal_stays_ignored(void **state) {
  (void)state;
  int status = in_child(ignored_sigterm);
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), 0);
  char left[1024];
  entries(left, sizeof left, 1);
  assert_string_equal(left, "r.json");
}

/* Code that set SIGINT to its default for a while (the REPL's second
** Ctrl-C) puts the handler back with cs_temp_files_signal_restore. */
static int fill_then_sigint(const char *fd_path, int fd, void *ud, cs_error *err) {
  (void)fd_path, (void)ud, (void)err;
  wrote_some(fd);
  raise(SIGINT);
  return CS_OK;
}

static void restored_sigint(void) {
  cs_temp_files_on_signals();
  signal(SIGINT, SIG_DFL);
  cs_temp_files_signal_restore(SIGINT);
  write_report(fill_then_sigint);
}

static void test_restore_puts_the_handler_back(void **state) {
  (void)state;
  int status = in_child(restored_sigint);
  died_leaving_nothing(status, SIGINT);
}

/* Code that saved the handler with signal() and put it back so (as
** Monte Carlo's Ctrl-C once did) installs it without SA_RESETHAND (glibc's
** signal() sets SA_RESTART only; done here with sigaction, which the
** sanitizers do not rewrite): the handler still ends the process (before,
** it raised the signal again and again, for ever; alarm ends such a child
** by SIGALRM instead). */
static void restored_by_signal(void) {
  cs_temp_files_on_signals();
  struct sigaction now;
  if (sigaction(SIGINT, NULL, &now) != 0) _exit(12);
  now.sa_flags = SA_RESTART;
  sigemptyset(&now.sa_mask);
  if (sigaction(SIGINT, &now, NULL) != 0) _exit(13);
  alarm(20);
  write_report(fill_then_sigint);
}

static void test_a_handler_put_back_by_signal_still_ends(void **state) {
  (void)state;
  int status = in_child(restored_by_signal);
  died_leaving_nothing(status, SIGINT);
}

/* A forked child that dies of a signal never removes its parent's file,
** and the parent's own entry still removes it. */
static void parent_and_child(void) {
  cs_temp_files_on_signals();
  char path[512];
  snprintf(path, sizeof path, "%s/.parent.tmp", folder);
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) _exit(5);
  close(fd);
  int ticket = cs_temp_files_remember(AT_FDCWD, path);
  if (ticket < 0) _exit(6);
  pid_t pid = fork();
  if (pid == 0) {
    raise(SIGTERM);
    _exit(7);
  }
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) != pid) _exit(8);
  if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGTERM) _exit(9);
  if (access(path, F_OK) != 0) _exit(10); /* the child removed it */
  raise(SIGHUP);
  _exit(11);
}

static void test_a_child_never_removes_its_parents_file(void **state) {
  (void)state;
  int status = in_child(parent_and_child);
  if (WIFEXITED(status)) fail_msg("the parent exited with %d", WEXITSTATUS(status));
  died_leaving_nothing(status, SIGHUP);
}

/* The list holds CS_TEMP_FILES_MAX files; one more is refused (written,
** but not removed on a signal), and a forgotten entry is free again. */
static void test_the_list_is_bounded(void **state) {
  (void)state;
  int t[CS_TEMP_FILES_MAX];
  for (int i = 0; i < CS_TEMP_FILES_MAX; i++) {
    t[i] = cs_temp_files_remember(AT_FDCWD, "/nonexistent/x");
    assert_true(t[i] >= 0);
  }
  assert_int_equal(cs_temp_files_remember(AT_FDCWD, "/nonexistent/y"), -1);
  cs_temp_files_forget(t[3]);
  int again = cs_temp_files_remember(AT_FDCWD, "/nonexistent/z");
  assert_int_equal(again, t[3]);
  for (int i = 0; i < CS_TEMP_FILES_MAX; i++) cs_temp_files_forget(t[i]);
  /* too long or empty: refused */
  char long_name[5000];
  memset(long_name, 'a', sizeof long_name - 1);
  long_name[sizeof long_name - 1] = '\0';
  assert_int_equal(cs_temp_files_remember(AT_FDCWD, long_name), -1);
  assert_int_equal(cs_temp_files_remember(AT_FDCWD, ""), -1);
  cs_temp_files_forget(-1);
  cs_temp_files_forget(CS_TEMP_FILES_MAX);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sigterm_removes_the_temporary_file),
      cmocka_unit_test(test_without_the_handler_the_file_stays),
      cmocka_unit_test(test_a_signal_in_another_thread),
      cmocka_unit_test(test_an_ignored_signal_stays_ignored),
      cmocka_unit_test(test_restore_puts_the_handler_back),
      cmocka_unit_test(test_a_handler_put_back_by_signal_still_ends),
      cmocka_unit_test(test_a_child_never_removes_its_parents_file),
      cmocka_unit_test(test_the_list_is_bounded),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
