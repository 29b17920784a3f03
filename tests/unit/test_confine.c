/*
** test_confine.c: kernel confinement of a worker (confine.h).
**
** Every test forks a child that confines itself with cs_confine and then
** tries one thing; the parent reads the child's fate from its wait status:
** exit 0 for "went as expected", another exit code naming the step that did
** not, or death by SIGSYS where the system-call filter is to kill. The test
** process itself is never confined. Landlock's part is skipped on a kernel
** that does not offer it; the filter's part is not (every kernel coopsim
** supports has seccomp).
*/
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <seccomp.h>
#include "coopsim/confine.h"
#include "coopsim/readfile.h"

#if defined(__SANITIZE_ADDRESS__)
#define TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_ASAN 1
#endif
#endif

/* the folders: root/read (may be read: data.txt) and root/outside.txt */
static char root[256], readdir_[300], inside[320], outside[320], created[320], marker[320];

/* The Landlock ABI, asked of the kernel directly (not through confine.c). */
static int kernel_landlock_abi(void) {
  long abi = syscall(SYS_landlock_create_ruleset, NULL, (size_t)0, 1U);
  return abi > 0 ? (int)abi : 0;
}

static void write_text(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  assert_int_equal(fclose(f), 0);
}

static int setup(void **state) {
  (void)state;
  const char *tmp = getenv("TMPDIR");
  snprintf(root, sizeof root, "%s/coopsim-confine-XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(root)) return -1;
  snprintf(readdir_, sizeof readdir_, "%s/read", root);
  snprintf(inside, sizeof inside, "%s/data.txt", readdir_);
  snprintf(outside, sizeof outside, "%s/outside.txt", root);
  snprintf(created, sizeof created, "%s/created.txt", readdir_);
  snprintf(marker, sizeof marker, "%s/marker.txt", root);
  if (mkdir(readdir_, 0700) != 0) return -1;
  write_text(inside, "inside\n");
  write_text(outside, "outside\n");
  return 0;
}

static int teardown(void **state) {
  (void)state;
  unlink(inside);
  unlink(outside);
  unlink(created);
  unlink(marker);
  rmdir(readdir_);
  rmdir(root);
  return 0;
}

/* How a child is started: its stdout (or -1 to keep the test's), and one
** more descriptor it may write to (or -1). */
typedef struct child_setup {
  int stdout_fd;
  int extra_fd;
} child_setup;

static const child_setup plain = {-1, -1};

/* Forks; the child confines itself (read folder: root/read) and exits with
** body(arg). Returns the child's wait status. */
static int confined(int (*body)(void *), void *arg, const child_setup *cs) {
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    if (cs->stdout_fd >= 0) dup2(cs->stdout_fd, 1);
    const char *dirs[] = {readdir_};
    int fds[3] = {1, 2, cs->extra_fd};
    cs_confine_opts o = {NULL, dirs, 1, fds, cs->extra_fd >= 0 ? 3 : 2};
    cs_error err = {0, ""};
    if (cs_confine(&o, NULL, &err) != 0) {
      fprintf(stderr, "cs_confine: %s\n", err.msg);
      _exit(90);
    }
    _exit(body(arg));
  }
  int status;
  while (waitpid(pid, &status, 0) < 0) assert_int_equal(errno, EINTR);
  return status;
}

static void assert_exited_ok(int status) {
  if (WIFSIGNALED(status)) fprintf(stderr, "child killed by signal %d\n", WTERMSIG(status));
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), 0);
}

static void assert_killed_by_filter(int status) {
  if (WIFEXITED(status)) fprintf(stderr, "child exited with %d\n", WEXITSTATUS(status));
  assert_true(WIFSIGNALED(status));
  assert_int_equal(WTERMSIG(status), SIGSYS);
}

static void skip_without_landlock(void) {
  if (kernel_landlock_abi() == 0) {
    fprintf(stderr, "this kernel offers no Landlock: skipped\n");
    skip();
  }
}

/* open(path, flags) fails with errno e: 0, else 1 */
static int open_fails(const char *path, int flags, int e) {
  int fd = open(path, flags, 0600);
  if (fd >= 0) {
    close(fd);
    return 1;
  }
  return errno == e ? 0 : 1;
}

/* ---- what the worker may do -------------------------------------------- */

static int body_read_inside(void *arg) {
  (void)arg;
  size_t len = 0;
  cs_error err = {0, ""};
  char *text = cs_read_file(inside, &len, &err); /* fopen, fread: what coopsim.read_file does */
  if (!text || len != 7 || strcmp(text, "inside\n") != 0) return 1;
  free(text);
  char resolved[4096]; /* realpath: what the sandbox's path check does */
  char twisted[400];
  snprintf(twisted, sizeof twisted, "%s/../read/./data.txt", readdir_);
  if (!realpath(twisted, resolved) || strlen(resolved) < 14 ||
      strcmp(resolved + strlen(resolved) - 14, "/read/data.txt") != 0)
    return 2;
  struct stat st;
  if (stat(inside, &st) != 0 || st.st_size != 7) return 3;
  return 0;
}

static void read_below_folder_works(void **state) {
  (void)state;
  assert_exited_ok(confined(body_read_inside, NULL, &plain));
}

static void *sum_thread(void *arg) {
  long *v = arg;
  long s = 0;
  for (long i = 1; i <= *v; i++) s += i;
  *v = s;
  return NULL;
}

static int body_threads(void *arg) {
  (void)arg;
  pthread_t t[4];
  long v[4] = {10, 100, 1000, 10000};
  for (int i = 0; i < 4; i++)
    if (pthread_create(&t[i], NULL, sum_thread, &v[i]) != 0) return 1;
  for (int i = 0; i < 4; i++)
    if (pthread_join(t[i], NULL) != 0) return 2;
  /* n (n + 1) / 2 */
  if (v[0] != 55 || v[1] != 5050 || v[2] != 500500 || v[3] != 50005000) return 3;
  /* simulate_many asks for the processors: the C library falls back to
  ** the affinity mask when /sys is closed to it */
  if (sysconf(_SC_NPROCESSORS_ONLN) < 1) return 4;
  return 0;
}

static void threads_work(void **state) {
  (void)state;
  assert_exited_ok(confined(body_threads, NULL, &plain));
}

static int body_malloc(void *arg) {
  (void)arg;
  size_t n = (size_t)100 << 20;
  unsigned char *p = malloc(n);
  if (!p) return 1;
  memset(p, 7, n);
  unsigned char *q = realloc(p, n * 2); /* mremap */
  if (!q) return 2;
  memset(q + n, 9, n);
  unsigned long sum = 0;
  for (size_t i = 0; i < 2 * n; i += 4096) sum += q[i];
  free(q);
  /* 25 600 pages of 7 and 25 600 of 9 */
  return sum == 25600ul * 7 + 25600ul * 9 ? 0 : 3;
}

static void malloc_100_mb_works(void **state) {
  (void)state;
  assert_exited_ok(confined(body_malloc, NULL, &plain));
}

static int body_stdout(void *arg) {
  (void)arg;
  printf("hello from %d\n", 42); /* stdio: fstat, isatty, write */
  if (fflush(stdout) != 0) return 1;
  if (write(2, "", 0) != 0) return 2;
  return 0;
}

static void write_to_stdout_works(void **state) {
  (void)state;
  int p[2];
  assert_int_equal(pipe(p), 0);
  child_setup cs = {p[1], -1};
  int status = confined(body_stdout, NULL, &cs);
  close(p[1]);
  char buf[64] = "";
  ssize_t n = read(p[0], buf, sizeof buf - 1);
  close(p[0]);
  assert_exited_ok(status);
  assert_true(n > 0);
  buf[n] = '\0';
  assert_string_equal(buf, "hello from 42\n");
}

static int body_pipe(void *arg) {
  int fd = *(int *)arg;
  return write(fd, "result", 6) == 6 ? 0 : 1;
}

static void write_to_result_pipe_works(void **state) {
  (void)state;
  int p[2];
  assert_int_equal(pipe(p), 0);
  child_setup cs = {-1, p[1]};
  int status = confined(body_pipe, &p[1], &cs);
  close(p[1]);
  char buf[16] = "";
  ssize_t n = read(p[0], buf, sizeof buf - 1);
  close(p[0]);
  assert_exited_ok(status);
  assert_int_equal(n, 6);
  assert_memory_equal(buf, "result", 6);
}

static int body_clocks(void *arg) {
  (void)arg;
  static const clockid_t clocks[] = {CLOCK_MONOTONIC, CLOCK_REALTIME, CLOCK_PROCESS_CPUTIME_ID,
                                     CLOCK_THREAD_CPUTIME_ID};
  for (size_t i = 0; i < sizeof clocks / sizeof *clocks; i++) {
    struct timespec ts;
    if (clock_gettime(clocks[i], &ts) != 0) return 1 + (int)i;
  }
  struct timeval tv;
  if (gettimeofday(&tv, NULL) != 0 || time(NULL) == (time_t)-1) return 10;
  return 0;
}

static void clock_gettime_works(void **state) {
  (void)state;
  assert_exited_ok(confined(body_clocks, NULL, &plain));
}

static volatile sig_atomic_t ticked;
static void on_vtalrm(int sig) {
  (void)sig;
  ticked = 1;
}

/* The sandbox's CPU timer (lua_sandbox.c): ITIMER_VIRTUAL and SIGVTALRM. */
static int body_cpu_timer(void *arg) {
  (void)arg;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_vtalrm;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGVTALRM, &sa, NULL) != 0) return 1;
  struct itimerval it = {{0, 0}, {0, 10000}};
  if (setitimer(ITIMER_VIRTUAL, &it, NULL) != 0) return 2;
  /* spin until the signal has come; give up after 20 s of CPU */
  volatile unsigned long spin = 0;
  struct timespec ts;
  while (!ticked) {
    spin++;
    if ((spin & 0xfffff) == 0 && clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) == 0 && ts.tv_sec >= 20)
      return 3;
  }
  return 0;
}

static void cpu_timer_works(void **state) {
  (void)state;
  assert_exited_ok(confined(body_cpu_timer, NULL, &plain));
}

static int body_kill_self(void *arg) {
  (void)arg;
  return kill(getpid(), 0) == 0 ? 0 : 1;
}

static void signal_to_itself_works(void **state) {
  (void)state;
  assert_exited_ok(confined(body_kill_self, NULL, &plain));
}

static int body_abort(void *arg) {
  (void)arg;
  signal(SIGABRT, SIG_DFL);
  abort(); /* raise: tgkill to itself */
}

static void abort_still_aborts(void **state) {
  (void)state;
  int status = confined(body_abort, NULL, &plain);
  assert_true(WIFSIGNALED(status));
  assert_int_equal(WTERMSIG(status), SIGABRT);
}

/* ---- what it may not do: files ------------------------------------------ */

static int body_read_outside(void *arg) {
  (void)arg;
  char up[400];
  snprintf(up, sizeof up, "%s/../outside.txt", readdir_);
  if (open_fails(outside, O_RDONLY, EACCES)) return 1;
  if (open_fails(up, O_RDONLY, EACCES)) return 2;
  if (open_fails("/etc/passwd", O_RDONLY, EACCES)) return 3;
  if (open_fails(root, O_RDONLY | O_DIRECTORY, EACCES)) return 4;
  /* what the C library asks for the processor count */
  if (open_fails("/proc/stat", O_RDONLY, EACCES)) return 5;
  return 0;
}

static void read_outside_folder_fails(void **state) {
  (void)state;
  skip_without_landlock();
  assert_exited_ok(confined(body_read_outside, NULL, &plain));
}

static int body_open_for_writing(void *arg) {
  (void)arg;
  if (open_fails(inside, O_WRONLY, EACCES)) return 1;
  if (open_fails(inside, O_RDWR, EACCES)) return 2;
  if (open_fails(inside, O_RDONLY | O_TRUNC, EACCES)) return 3;
  if (open_fails(inside, O_WRONLY | O_APPEND, EACCES)) return 4;
  if (open_fails("/dev/null", O_WRONLY, EACCES)) return 5;
  if (open_fails(outside, O_RDWR, EACCES)) return 6;
  FILE *f = fopen(inside, "a");
  if (f) return 7;
  return 0;
}

static void open_for_writing_fails(void **state) {
  (void)state;
  assert_exited_ok(confined(body_open_for_writing, NULL, &plain));
  size_t len = 0;
  char *text = cs_read_file(inside, &len, NULL);
  assert_non_null(text);
  assert_string_equal(text, "inside\n");
  free(text);
}

static int body_create(void *arg) {
  (void)arg;
  if (open_fails(created, O_CREAT | O_WRONLY | O_EXCL, EACCES)) return 1;
  if (open_fails(readdir_, O_TMPFILE | O_WRONLY, EACCES)) return 2;
  return 0;
}

static void creating_a_file_fails(void **state) {
  (void)state;
  assert_exited_ok(confined(body_create, NULL, &plain));
  struct stat st;
  assert_int_equal(stat(created, &st), -1);
}

static int body_mkdir(void *arg) {
  (void)arg;
  mkdir(marker, 0700);
  return 1;
}

static void mkdir_kills(void **state) {
  (void)state;
  assert_killed_by_filter(confined(body_mkdir, NULL, &plain));
  struct stat st;
  assert_int_equal(stat(marker, &st), -1);
}

static int body_unlink(void *arg) {
  (void)arg;
  unlink(inside);
  return 1;
}

static void unlink_kills(void **state) {
  (void)state;
  assert_killed_by_filter(confined(body_unlink, NULL, &plain));
  struct stat st;
  assert_int_equal(stat(inside, &st), 0);
}

/* A descriptor the parent opened for writing before the fork (a run store)
** is closed, and writing to it is not allowed anyway. */
static int body_inherited_fd(void *arg) {
  int fd = *(int *)arg;
  char c;
  if (read(fd, &c, 1) != -1 || errno != EBADF) return 1; /* closed */
  write(fd, "forged", 6);
  return 2;
}

static void inherited_descriptor_closed(void **state) {
  (void)state;
  int fd = open(marker, O_CREAT | O_RDWR | O_TRUNC, 0600);
  assert_true(fd > 2);
  assert_killed_by_filter(confined(body_inherited_fd, &fd, &plain));
  struct stat st;
  assert_int_equal(fstat(fd, &st), 0); /* still open here */
  assert_int_equal(st.st_size, 0);
  close(fd);
  unlink(marker);
}

/* ---- what it may not do: processes, network, memory, limits ------------ */

static int body_execve(void *arg) {
  (void)arg;
  char sh[] = "sh", c[] = "-c", cmd[400];
  snprintf(cmd, sizeof cmd, "echo ran > %s", marker);
  char *argv[] = {sh, c, cmd, NULL};
  char *envp[] = {NULL};
  execve("/bin/sh", argv, envp);
  return 1;
}

static void execve_kills(void **state) {
  (void)state;
  assert_killed_by_filter(confined(body_execve, NULL, &plain));
  struct stat st;
  assert_int_equal(stat(marker, &st), -1);
}

static int body_fork(void *arg) {
  (void)arg;
  pid_t p = fork();
  if (p == 0) _exit(0);
  return 1;
}

static void fork_kills(void **state) {
  (void)state;
  assert_killed_by_filter(confined(body_fork, NULL, &plain));
}

static int body_socket(void *arg) {
  (void)arg;
  int s = socket(AF_INET, SOCK_STREAM, 0);
  if (s >= 0) close(s);
  return 1;
}

static void socket_kills(void **state) {
  (void)state;
  assert_killed_by_filter(confined(body_socket, NULL, &plain));
}

static int body_unix_socket(void *arg) {
  (void)arg;
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  if (s >= 0) close(s);
  return 1;
}

static void unix_socket_kills(void **state) {
  (void)state;
  assert_killed_by_filter(confined(body_unix_socket, NULL, &plain));
}

static int body_kill_parent(void *arg) {
  (void)arg;
  kill(getppid(), 0);
  return 1;
}

static void kill_of_another_process_kills(void **state) {
  (void)state;
  assert_killed_by_filter(confined(body_kill_parent, NULL, &plain));
}

static int body_kill_group(void *arg) {
  (void)arg;
  kill(0, 0); /* the whole process group, the parent with it */
  return 1;
}

static void kill_of_the_process_group_kills(void **state) {
  (void)state;
  assert_killed_by_filter(confined(body_kill_group, NULL, &plain));
}

static int body_ptrace(void *arg) {
  (void)arg;
  ptrace(PTRACE_ATTACH, getppid(), NULL, NULL);
  return 1;
}

static void ptrace_kills(void **state) {
  (void)state;
  assert_killed_by_filter(confined(body_ptrace, NULL, &plain));
}

static int body_exec_memory(void *arg) {
  int how = *(int *)arg;
  if (how == 0) mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (how == 1) {
    void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return 2;
    mprotect(p, 4096, PROT_READ | PROT_EXEC);
  }
  if (how == 2) mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  return 1;
}

static void executable_or_shared_memory_kills(void **state) {
  (void)state;
  for (int how = 0; how < 3; how++) assert_killed_by_filter(confined(body_exec_memory, &how, &plain));
}

static int body_limits(void *arg) {
  int how = *(int *)arg;
  struct rlimit r;
  if (getrlimit(RLIMIT_CPU, &r) != 0) return 2; /* reading is fine */
  if (how == 0) {
    r.rlim_cur = r.rlim_max;
    setrlimit(RLIMIT_CPU, &r);
  }
  if (how == 1) prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
  if (how == 2) {
    struct itimerval it = {{0, 0}, {100, 0}};
    setitimer(ITIMER_REAL, &it, NULL);
  }
  return 1;
}

static void raising_limits_prctl_and_real_timer_kill(void **state) {
  (void)state;
  for (int how = 0; how < 3; how++) assert_killed_by_filter(confined(body_limits, &how, &plain));
}

/* ---- status and refusals ---------------------------------------------- */

static void probe_reports_the_kernel(void **state) {
  (void)state;
  cs_confine_status st;
  cs_confine_probe(&st);
  assert_int_equal(st.seccomp, 1);
  assert_int_equal(st.landlock_abi, kernel_landlock_abi());
  char line[300], want[32];
  cs_confine_describe(&st, line, sizeof line);
  assert_non_null(strstr(line, "system-call filter (seccomp): yes"));
  if (st.landlock_abi > 0) {
    snprintf(want, sizeof want, "Landlock: ABI %d", st.landlock_abi);
    assert_non_null(strstr(line, want));
  } else {
    assert_non_null(strstr(line, "Landlock: not"));
  }
  cs_confine_status none = {0, 0, ENOSYS};
  cs_confine_describe(&none, line, sizeof line);
  assert_string_equal(line, "system-call filter (seccomp): no (the worker refuses to run); "
                            "Landlock: not offered by this kernel");
}

/* The child waits on a pipe after confining itself, so that the parent can
** read the kernel's view of it in /proc. */
static void kernel_sees_the_confinement(void **state) {
  (void)state;
  int ready[2], go[2];
  assert_int_equal(pipe(ready), 0);
  assert_int_equal(pipe(go), 0);
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  assert_true(pid >= 0);
  int abi = kernel_landlock_abi(); /* a system call the confined child may not make */
  if (pid == 0) {
    const char *dirs[] = {readdir_};
    int fds[] = {1, 2, ready[1], go[0]};
    cs_confine_opts o = {NULL, dirs, 1, fds, 4};
    cs_confine_status st;
    cs_error err = {0, ""};
    int rc = cs_confine(&o, &st, &err);
    char c = rc == 0 && st.seccomp == 1 && st.landlock_abi == abi ? 'y' : 'n';
    if (write(ready[1], &c, 1) != 1) _exit(1);
    read(go[0], &c, 1);
    _exit(0);
  }
  close(ready[1]);
  close(go[0]);
  char c = 0;
  assert_int_equal(read(ready[0], &c, 1), 1);
  assert_int_equal(c, 'y');
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
  char *status = cs_read_file(path, NULL, NULL);
  assert_non_null(status);
  assert_non_null(strstr(status, "\nNoNewPrivs:\t1\n"));
  assert_non_null(strstr(status, "\nSeccomp:\t2\n")); /* filter mode */
  free(status);
  close(go[1]);
  close(ready[0]);
  int st;
  assert_int_equal(waitpid(pid, &st, 0), pid);
  assert_exited_ok(st);
}

/* A folder that cannot be opened: refused, and nothing is applied. */
static void missing_folder_refused_unconfined(void **state) {
  (void)state;
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    char missing[400];
    snprintf(missing, sizeof missing, "%s/no-such-folder", root);
    const char *dirs[] = {readdir_, missing};
    int fds[] = {1, 2};
    cs_confine_opts o = {NULL, dirs, 2, fds, 2};
    cs_error err = {0, ""};
    if (cs_confine(&o, NULL, &err) != CS_EINVAL) _exit(1);
    if (!strstr(err.msg, "no-such-folder") || !strstr(err.msg, "No such file")) _exit(2);
    /* not confined: it still reads outside and writes */
    if (cs_read_file(outside, NULL, NULL) == NULL) _exit(3);
    int fd = open(marker, O_CREAT | O_WRONLY | O_TRUNC, 0600);
    if (fd < 0) _exit(4);
    close(fd);
    _exit(0);
  }
  int st;
  assert_int_equal(waitpid(pid, &st, 0), pid);
  assert_exited_ok(st);
  unlink(marker);
}

static void *wait_on(void *arg) {
  char c;
  read(*(int *)arg, &c, 1);
  return NULL;
}

/* A second thread would escape Landlock: refused. */
static void threads_refused(void **state) {
  (void)state;
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    int p[2];
    pthread_t t;
    if (pipe(p) != 0 || pthread_create(&t, NULL, wait_on, &p[0]) != 0) _exit(1);
    const char *dirs[] = {readdir_};
    int fds[] = {1, 2, p[1]};
    cs_confine_opts o = {NULL, dirs, 1, fds, 3};
    cs_error err = {0, ""};
    int rc = cs_confine(&o, NULL, &err);
    if (write(p[1], "x", 1) != 1 || pthread_join(t, NULL) != 0) _exit(2);
    if (rc != CS_EINVAL || !strstr(err.msg, "2 threads")) _exit(3);
    _exit(0);
  }
  int st;
  assert_int_equal(waitpid(pid, &st, 0), pid);
  assert_exited_ok(st);
}

/* A kernel without Landlock or without seccomp, as seen from a child whose
** own filter (installed here, before cs_confine) answers ENOSYS to those
** calls, as such a kernel would. */
static void pretend_kernel_lacks(int nr) {
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (!ctx || seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), nr, 0) != 0 || seccomp_load(ctx) != 0)
    _exit(80);
  seccomp_release(ctx);
}

static void without_landlock_filter_alone(void **state) {
  (void)state;
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    pretend_kernel_lacks(SCMP_SYS(landlock_create_ruleset));
    const char *dirs[] = {readdir_};
    int fds[] = {1, 2};
    cs_confine_opts o = {NULL, dirs, 1, fds, 2};
    cs_confine_status st;
    cs_error err = {0, ""};
    if (cs_confine(&o, &st, &err) != 0) _exit(1);
    if (st.seccomp != 1 || st.landlock_abi != 0 || st.landlock_errno != ENOSYS) _exit(2);
    char line[300];
    if (!strstr(cs_confine_describe(&st, line, sizeof line), "Landlock: not offered by this kernel"))
      _exit(3);
    /* the filter alone: reading anywhere, but no writing, no sockets */
    char *text = cs_read_file(outside, NULL, NULL);
    if (!text) _exit(4);
    free(text);
    if (open_fails(inside, O_WRONLY, EACCES)) _exit(5);
    socket(AF_INET, SOCK_STREAM, 0);
    _exit(6);
  }
  int st;
  assert_int_equal(waitpid(pid, &st, 0), pid);
  assert_killed_by_filter(st);
}

static void without_seccomp_refused_unconfined(void **state) {
  (void)state;
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    pretend_kernel_lacks(SCMP_SYS(seccomp));
    const char *dirs[] = {readdir_};
    int fds[] = {1, 2};
    cs_confine_opts o = {NULL, dirs, 1, fds, 2};
    cs_error err = {0, ""};
    if (cs_confine(&o, NULL, &err) != CS_EINVAL) _exit(1);
    if (!strstr(err.msg, "no seccomp system-call filter")) _exit(2);
    /* nothing applied: it still reads outside and opens for writing */
    char *text = cs_read_file(outside, NULL, NULL);
    if (!text) _exit(3);
    free(text);
    int fd = open(marker, O_CREAT | O_WRONLY | O_TRUNC, 0600);
    if (fd < 0) _exit(4);
    close(fd);
    _exit(0);
  }
  int st;
  assert_int_equal(waitpid(pid, &st, 0), pid);
  assert_exited_ok(st);
  unlink(marker);
}

/* Checked before anything is applied (in a child all the same, so that a
** mistake could not confine the test process). */
static void bad_options_refused(void **state) {
  (void)state;
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    int fds[] = {1, -4};
    cs_confine_opts o = {NULL, NULL, 0, fds, 2};
    cs_error err = {0, ""};
    if (cs_confine(&o, NULL, &err) != CS_EINVAL || !strstr(err.msg, "descriptor -4")) _exit(1);
    cs_confine_opts many = {NULL, NULL, CS_CONFINE_MAX_READ_DIRS + 1, fds, 1};
    if (cs_confine(&many, NULL, &err) != CS_EINVAL) _exit(2);
    /* not confined */
    if (cs_read_file(outside, NULL, NULL) == NULL) _exit(3);
    _exit(0);
  }
  int st;
  assert_int_equal(waitpid(pid, &st, 0), pid);
  assert_exited_ok(st);
}

/* read_folder_of: the folder of a file, here root/read/data.txt. */
static int body_folder_of(void *arg) {
  (void)arg;
  char *text = cs_read_file(inside, NULL, NULL);
  if (!text) return 1;
  free(text);
  if (open_fails(outside, O_RDONLY, EACCES)) return 2;
  return 0;
}

static void folder_of_a_file_readable(void **state) {
  (void)state;
  skip_without_landlock();
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    int fds[] = {1, 2};
    cs_confine_opts o = {inside, NULL, 0, fds, 2};
    cs_error err = {0, ""};
    if (cs_confine(&o, NULL, &err) != 0) {
      fprintf(stderr, "cs_confine: %s\n", err.msg);
      _exit(90);
    }
    _exit(body_folder_of(NULL));
  }
  int st;
  assert_int_equal(waitpid(pid, &st, 0), pid);
  assert_exited_ok(st);
}

#ifdef TEST_ASAN
/* The sanitizers still report from a confined process: they write to
** stderr, name the function (reading the executable, which sanitizer
** builds allow: confine.c) and end the process with their exit code, not
** a SIGSYS. */
static int body_overflow(void *arg) {
  volatile int i = *(int *)arg;
  char *p = malloc(8);
  p[i] = 1; /* heap-buffer-overflow */
  free(p);
  return 1;
}

static int body_ub(void *arg) {
  volatile int i = *(int *)arg;
  volatile int j = i + 1; /* signed overflow */
  return j < 0 ? 2 : 3;
}

/* The child's stderr, through a file, and its wait status. */
static char *report_of(int (*body)(void *), void *arg, int *status) {
  char errpath[400];
  snprintf(errpath, sizeof errpath, "%s/sanitizer.txt", root);
  int fd = open(errpath, O_CREAT | O_RDWR | O_TRUNC, 0600);
  assert_true(fd > 2);
  int saved = dup(2);
  dup2(fd, 2);
  *status = confined(body, arg, &plain);
  dup2(saved, 2);
  close(saved);
  close(fd);
  char *report = cs_read_file(errpath, NULL, NULL);
  unlink(errpath);
  return report;
}

static void sanitizers_report_when_confined(void **state) {
  (void)state;
  int status, at = 8;
  char *report = report_of(body_overflow, &at, &status);
  assert_non_null(report);
  int named = strstr(report, "ERROR: AddressSanitizer: heap-buffer-overflow") != NULL;
  int symbolized = strstr(report, "in body_overflow") != NULL;
  if (!named || !symbolized) fprintf(stderr, "%s", report);
  free(report);
  assert_true(named);
  assert_true(symbolized);
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), 1);

  int big = 2147483647;
  report = report_of(body_ub, &big, &status);
  assert_non_null(report);
  named = strstr(report, "runtime error: signed integer overflow") != NULL;
  if (!named) fprintf(stderr, "%s", report);
  free(report);
  assert_true(named);
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), 1);
}
#endif

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(probe_reports_the_kernel),
      cmocka_unit_test(kernel_sees_the_confinement),
      cmocka_unit_test(read_below_folder_works),
      cmocka_unit_test(folder_of_a_file_readable),
      cmocka_unit_test(threads_work),
      cmocka_unit_test(malloc_100_mb_works),
      cmocka_unit_test(write_to_stdout_works),
      cmocka_unit_test(write_to_result_pipe_works),
      cmocka_unit_test(clock_gettime_works),
      cmocka_unit_test(cpu_timer_works),
      cmocka_unit_test(signal_to_itself_works),
      cmocka_unit_test(abort_still_aborts),
      cmocka_unit_test(read_outside_folder_fails),
      cmocka_unit_test(open_for_writing_fails),
      cmocka_unit_test(creating_a_file_fails),
      cmocka_unit_test(mkdir_kills),
      cmocka_unit_test(unlink_kills),
      cmocka_unit_test(inherited_descriptor_closed),
      cmocka_unit_test(execve_kills),
      cmocka_unit_test(fork_kills),
      cmocka_unit_test(socket_kills),
      cmocka_unit_test(unix_socket_kills),
      cmocka_unit_test(kill_of_another_process_kills),
      cmocka_unit_test(kill_of_the_process_group_kills),
      cmocka_unit_test(ptrace_kills),
      cmocka_unit_test(executable_or_shared_memory_kills),
      cmocka_unit_test(raising_limits_prctl_and_real_timer_kill),
      cmocka_unit_test(missing_folder_refused_unconfined),
      cmocka_unit_test(threads_refused),
      cmocka_unit_test(bad_options_refused),
      cmocka_unit_test(without_landlock_filter_alone),
      cmocka_unit_test(without_seccomp_refused_unconfined),
#ifdef TEST_ASAN
      cmocka_unit_test(sanitizers_report_when_confined),
#endif
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
