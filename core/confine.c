/*
** confine.c: kernel confinement of a worker process (confine.h): Landlock
** by its system calls, seccomp by a BPF program of ours (confine_filter.c).
** Linux only.
*/
#define _GNU_SOURCE /* syscall, O_PATH */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "coopsim/confine.h"
#include "coopsim/confine_filter.h"
#include "confine_rules.h"

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

/* ------------------------------------------------------------------------
** Landlock's user-space ABI. Debian 12's kernel headers (6.1) know ABI 2 at
** most, while the kernels it runs on may offer more, so the structures and
** rights are written out here, as the kernel documents them; the numbers
** of the three system calls are the same on every architecture. */

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule 445
#define SYS_landlock_restrict_self 446
#endif

#define LL_CREATE_RULESET_VERSION (1U << 0)
#define LL_RULE_PATH_BENEATH 1

/* the file-system rights: ABI 1 has bits 0-12 */
#define LL_FS_READ_FILE (1ULL << 2)
#define LL_FS_READ_DIR (1ULL << 3)
#define LL_FS_ABI1 ((1ULL << 13) - 1)
#define LL_FS_REFER (1ULL << 13)     /* ABI 2 */
#define LL_FS_TRUNCATE (1ULL << 14)  /* ABI 3 */
#define LL_FS_IOCTL_DEV (1ULL << 15) /* ABI 5 */
/* ABI 4: TCP bind and connect */
#define LL_NET_BIND_TCP (1ULL << 0)
#define LL_NET_CONNECT_TCP (1ULL << 1)
/* ABI 6: abstract unix sockets and signals stay inside the domain */
#define LL_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define LL_SCOPE_SIGNAL (1ULL << 1)

/* The newest ABI whose rights this file knows; a newer kernel gets these. */
#define LL_ABI_KNOWN 7

struct ll_ruleset_attr {
  uint64_t handled_access_fs;
  uint64_t handled_access_net; /* ABI 4 */
  uint64_t scoped;             /* ABI 6 */
};

struct ll_path_beneath_attr {
  uint64_t allowed_access;
  int32_t parent_fd;
} __attribute__((packed));

/* The Landlock ABI the kernel offers, or 0 with the reason in *why. */
static int landlock_abi(int *why) {
  long abi = syscall(SYS_landlock_create_ruleset, NULL, (size_t)0, LL_CREATE_RULESET_VERSION);
  if (abi < 1) {
    *why = abi < 0 ? errno : ENOSYS;
    return 0;
  }
  *why = 0;
  return (int)abi;
}

/* The file-system rights the ruleset handles for an ABI: all it knows. */
static uint64_t landlock_fs_rights(int abi) {
  uint64_t fs = LL_FS_ABI1;
  if (abi >= 2) fs |= LL_FS_REFER;
  if (abi >= 3) fs |= LL_FS_TRUNCATE;
  if (abi >= 5) fs |= LL_FS_IOCTL_DEV;
  return fs;
}

/* ------------------------------------------------------------------------
** The read folders, opened (O_PATH) before anything is applied, so that a
** folder that cannot be opened changes nothing. */

typedef struct read_folder {
  int fd;
  int is_dir;
} read_folder;

static int open_folder(const char *path, read_folder *out, cs_error *err) {
  int fd = open(path, O_PATH | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) {
    int e = errno;
    if (fd >= 0) close(fd);
    return cs_error_set(err, CS_EINVAL, "cannot confine the worker: read folder %s: %s", path,
                        strerror(e));
  }
  out->fd = fd;
  out->is_dir = S_ISDIR(st.st_mode);
  return 0;
}

/* The folder that holds file ("." for a bare name), into buf. */
static int folder_of(const char *file, char *buf, size_t size, cs_error *err) {
  const char *slash = strrchr(file, '/');
  int n;
  if (!slash) n = snprintf(buf, size, ".");
  else if (slash == file) n = snprintf(buf, size, "/");
  else n = snprintf(buf, size, "%.*s", (int)(slash - file), file);
  if (n < 0 || (size_t)n >= size)
    return cs_error_set(err, CS_EINVAL, "cannot confine the worker: the folder of %.200s is too long",
                        file);
  return 0;
}

static void close_folders(read_folder *f, int n) {
  for (int i = 0; i < n; i++) close(f[i].fd);
}

/* ------------------------------------------------------------------------
** Inherited descriptors: every one above 2 that is not kept is closed. */

static int cmp_int(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

/* Closes the descriptors lo..hi (hi may be "all the rest"). */
static void close_span(unsigned lo, unsigned hi) {
  if (lo > hi) return;
#ifdef SYS_close_range
  if (syscall(SYS_close_range, lo, hi, 0U) == 0) return;
#endif
  /* no close_range (Linux < 5.9): one by one up to the descriptor limit */
  struct rlimit r;
  unsigned max = 1u << 16;
  if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur != RLIM_INFINITY && r.rlim_cur < max)
    max = (unsigned)r.rlim_cur;
  for (unsigned fd = lo; fd <= hi && fd < max; fd++) close((int)fd);
}

static void close_others(const int *keep, int nkeep) {
  int sorted[CS_CONFINE_MAX_WRITE_FDS + CS_CONFINE_MAX_READ_DIRS + 2];
  int n = 0;
  for (int i = 0; i < nkeep; i++)
    if (keep[i] > 2) sorted[n++] = keep[i];
  qsort(sorted, (size_t)n, sizeof *sorted, cmp_int);
  unsigned lo = 3;
  for (int i = 0; i < n; i++) {
    if ((unsigned)sorted[i] < lo) continue; /* a duplicate */
    close_span(lo, (unsigned)sorted[i] - 1);
    lo = (unsigned)sorted[i] + 1;
  }
  close_span(lo, ~0U);
}

/* The number of threads of this process (field 20 of /proc/self/stat, the
** 18th after the command's closing parenthesis); 0 when it cannot be read
** (no /proc). */
static int thread_count(void) {
  char buf[1024];
  int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return 0;
  buf[n] = '\0';
  char *p = strrchr(buf, ')');
  for (int field = 2; p && field < 20; field++) p = strchr(p + 1, ' ');
  return p ? atoi(p + 1) : 0;
}

/* ------------------------------------------------------------------------
** Landlock: reading beneath the read folders, nothing else. */

static int apply_landlock(int abi, const read_folder *folders, int nfolders, cs_error *err) {
  if (abi > LL_ABI_KNOWN) abi = LL_ABI_KNOWN;
  struct ll_ruleset_attr attr;
  memset(&attr, 0, sizeof attr);
  attr.handled_access_fs = landlock_fs_rights(abi);
  size_t size = sizeof attr.handled_access_fs;
  if (abi >= 4) {
    /* no rule allows any port: no TCP bind or connect at all */
    attr.handled_access_net = LL_NET_BIND_TCP | LL_NET_CONNECT_TCP;
    size = offsetof(struct ll_ruleset_attr, scoped);
  }
  if (abi >= 6) {
    attr.scoped = LL_SCOPE_ABSTRACT_UNIX_SOCKET | LL_SCOPE_SIGNAL;
    size = sizeof attr;
  }
  int ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, size, 0U);
  if (ruleset < 0)
    return cs_error_set(err, CS_ERROR, "cannot confine the worker: Landlock ruleset: %s",
                        strerror(errno));
  for (int i = 0; i < nfolders; i++) {
    struct ll_path_beneath_attr rule;
    rule.allowed_access = LL_FS_READ_FILE | (folders[i].is_dir ? LL_FS_READ_DIR : 0);
    rule.parent_fd = folders[i].fd;
    if (syscall(SYS_landlock_add_rule, ruleset, LL_RULE_PATH_BENEATH, &rule, 0U) != 0) {
      int e = errno;
      close(ruleset);
      return cs_error_set(err, CS_ERROR, "cannot confine the worker: Landlock rule: %s",
                          strerror(e));
    }
  }
  if (syscall(SYS_landlock_restrict_self, ruleset, 0U) != 0) {
    int e = errno;
    close(ruleset);
    return cs_error_set(err, CS_ERROR, "cannot confine the worker: Landlock: %s", strerror(e));
  }
  close(ruleset);
  return 0;
}

/* ------------------------------------------------------------------------
** The system-call filter.
**
** The default is to kill the whole process (SECCOMP_RET_KILL_PROCESS), not
** to fail the call with EPERM: a worker only gets here through a bug (ours,
** or one in Lua that a scenario exploits), and an exploit that gets errors
** back keeps running and may probe; a killed worker is reported by the
** parent ("made a system call that is not allowed"), so a call missing
** from the list shows at once in the tests instead of as a quietly
** degraded run (no threads, say). Errors are returned only where the C
** library tries a call and copes with its failure: clone3 (ENOSYS: glibc
** then uses clone, whose flags a filter can see) and opening a file for
** anything but reading (EACCES, as a read-only file system would). The
** rules are in confine_filter.c, written out as a BPF program. */

static int apply_seccomp(const int *write_fds, int nwrite_fds, cs_error *err) {
  struct sock_filter code[CS_CONFINE_FILTER_MAX];
  size_t n = cs_confine_filter(code, sizeof code / sizeof *code, write_fds, nwrite_fds,
                               (uint32_t)getpid());
  if (n == 0)
    return cs_error_set(err, CS_ERROR, "cannot confine the worker: the system-call filter "
                                       "could not be made");
  struct sock_fprog prog = {(unsigned short)n, code};
  /* every thread gets the filter, should there be any */
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &prog) != 0)
    return cs_error_set(err, CS_ERROR, "cannot confine the worker: the system-call filter: %s",
                        strerror(errno));
  return 0;
}

static int seccomp_offered(void) {
  uint32_t action = SECCOMP_RET_KILL_PROCESS;
  return syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0U, &action) == 0;
}

/* ------------------------------------------------------------------------ */

void cs_confine_probe(cs_confine_status *status) {
  status->seccomp = seccomp_offered();
  status->landlock_abi = landlock_abi(&status->landlock_errno);
}

int cs_confine(const cs_confine_opts *opts, cs_confine_status *status, cs_error *err) {
  cs_confine_status st;
  if (!status) status = &st;
  status->seccomp = 0;
  status->landlock_abi = 0;
  status->landlock_errno = 0;
  if (opts->nread_dirs < 0 || opts->nread_dirs > CS_CONFINE_MAX_READ_DIRS ||
      opts->nwrite_fds < 0 || opts->nwrite_fds > CS_CONFINE_MAX_WRITE_FDS)
    return cs_error_set(err, CS_EINVAL,
                        "cannot confine the worker: at most %d read folders and %d descriptors",
                        CS_CONFINE_MAX_READ_DIRS, CS_CONFINE_MAX_WRITE_FDS);
  for (int i = 0; i < opts->nwrite_fds; i++)
    if (opts->write_fds[i] < 0)
      return cs_error_set(err, CS_EINVAL, "cannot confine the worker: descriptor %d",
                          opts->write_fds[i]);
  int threads = thread_count();
  if (threads > 1)
    return cs_error_set(err, CS_EINVAL,
                        "cannot confine the worker: it has %d threads already; Landlock would "
                        "confine only one",
                        threads);
  if (!seccomp_offered())
    return cs_error_set(err, CS_EINVAL,
                        "cannot confine the worker: no seccomp system-call filter that can "
                        "kill a process here (it needs Linux 4.14 or later built with "
                        "CONFIG_SECCOMP_FILTER, and is not there under valgrind)");

  read_folder folders[CS_CONFINE_MAX_READ_DIRS + 2];
  int nfolders = 0;
  if (opts->read_folder_of) {
    char dir[PATH_MAX];
    int rc = folder_of(opts->read_folder_of, dir, sizeof dir, err);
    if (!rc) rc = open_folder(dir, &folders[0], err);
    if (rc) return rc;
    nfolders = 1;
  }
  for (int i = 0; i < opts->nread_dirs; i++) {
    int rc = open_folder(opts->read_dirs[i], &folders[nfolders], err);
    if (rc) {
      close_folders(folders, nfolders);
      return rc;
    }
    nfolders++;
  }
#ifdef CS_CONFINE_SANITIZER
  /* Only in sanitizer builds (the test build): the sanitizer names the
  ** functions and lines of a report by reading the executable
  ** (/proc/self/exe), which Landlock would refuse; it may read that one
  ** file. Without it a report still appears, as addresses. */
  if (open_folder("/proc/self/exe", &folders[nfolders], err) == 0) nfolders++;
#endif

  /* from here on the process changes for good */
  int keep[CS_CONFINE_MAX_WRITE_FDS + CS_CONFINE_MAX_READ_DIRS + 2];
  int nkeep = 0;
  for (int i = 0; i < opts->nwrite_fds; i++) keep[nkeep++] = opts->write_fds[i];
  for (int i = 0; i < nfolders; i++) keep[nkeep++] = folders[i].fd;
  close_others(keep, nkeep);

  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    int e = errno;
    close_folders(folders, nfolders);
    return cs_error_set(err, CS_ERROR, "cannot confine the worker: no_new_privs: %s", strerror(e));
  }
  int why = 0;
  int abi = landlock_abi(&why);
  if (abi > 0) {
    int rc = apply_landlock(abi, folders, nfolders, err);
    if (rc) {
      close_folders(folders, nfolders);
      return rc;
    }
  }
  close_folders(folders, nfolders);
  int rc = apply_seccomp(opts->write_fds, opts->nwrite_fds, err);
  if (rc) return rc;
  status->seccomp = 1;
  status->landlock_abi = abi;
  status->landlock_errno = why;
  return 0;
}

const char *cs_confine_describe(const cs_confine_status *status, char *buf, size_t size) {
  char ll[160];
  int abi = status->landlock_abi;
  if (abi > 0)
    snprintf(ll, sizeof ll, "ABI %d (files: read only below the scenario's folders%s%s)", abi,
             abi >= 4 ? "; no TCP" : "", abi >= 6 ? "; no signals or abstract sockets outside" : "");
  else if (status->landlock_errno == EOPNOTSUPP)
    snprintf(ll, sizeof ll, "built into this kernel but not enabled at boot");
  else if (status->landlock_errno == ENOSYS || status->landlock_errno == 0)
    snprintf(ll, sizeof ll, "not offered by this kernel");
  else
    snprintf(ll, sizeof ll, "unavailable (%s)", strerror(status->landlock_errno));
  snprintf(buf, size, "system-call filter (seccomp): %s; Landlock: %s",
           status->seccomp ? "yes" : "no (the worker refuses to run)", ll);
  return buf;
}
