/* Unit tests: the worker's system-call filter written out by coopsim
** (confine_filter.c) decides every call as libseccomp's compile of the same
** rules does. The rules below are those confine.c gave libseccomp before
** the filter was written out; both programs run in a classic-BPF
** interpreter here over every system-call number, several architectures,
** and the argument values the rules test and their neighbours (upper
** halves with garbage, flags one bit off), for several descriptor lists
** and process ids. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <termios.h>
#include <unistd.h>
#include "coopsim/confine_filter.h"
#include "../../core/confine_rules.h"

#ifdef CS_HAVE_LIBSECCOMP
#include <seccomp.h>


/* ---- the reference: the rules as given to libseccomp -------------------- */


static int rule(scmp_filter_ctx ctx, uint32_t action, int nr, unsigned n, const struct scmp_arg_cmp *cmp) {
  if (nr < 0) return 0;
  return seccomp_rule_add_array(ctx, action, nr, n, cmp);
}
static int allow(scmp_filter_ctx ctx, int nr) { return rule(ctx, SCMP_ACT_ALLOW, nr, 0, NULL); }
static struct scmp_arg_cmp arg_eq(unsigned arg, uint64_t value) {
  struct scmp_arg_cmp c = {arg, SCMP_CMP_EQ, value, 0};
  return c;
}
static struct scmp_arg_cmp arg_masked(unsigned arg, uint64_t mask, uint64_t value) {
  struct scmp_arg_cmp c = {arg, SCMP_CMP_MASKED_EQ, mask, value};
  return c;
}
static int rules_open(scmp_filter_ctx ctx, int nr, unsigned flags_arg) {
  struct scmp_arg_cmp ro = arg_masked(flags_arg, CS_OPEN_WRITE_BITS, 0);
  int rc = rule(ctx, SCMP_ACT_ALLOW, nr, 1, &ro);
  static const uint32_t write_modes[] = {O_WRONLY, O_RDWR, O_ACCMODE};
  for (size_t i = 0; !rc && i < sizeof write_modes / sizeof *write_modes; i++) {
    struct scmp_arg_cmp w = arg_masked(flags_arg, O_ACCMODE, write_modes[i]);
    rc = rule(ctx, SCMP_ACT_ERRNO(EACCES), nr, 1, &w);
  }
  static const uint32_t write_bits[] = {O_CREAT, O_TRUNC, O_APPEND, CS_OPEN_TMPFILE_BIT};
  for (size_t i = 0; !rc && i < sizeof write_bits / sizeof *write_bits; i++) {
    struct scmp_arg_cmp w = arg_masked(flags_arg, write_bits[i], write_bits[i]);
    rc = rule(ctx, SCMP_ACT_ERRNO(EACCES), nr, 1, &w);
  }
  return rc;
}
static int add_rules(scmp_filter_ctx ctx, const int *write_fds, int nwrite_fds, uint32_t pid) {
  static const int plain[] = {
      SCMP_SYS(read), SCMP_SYS(lseek), SCMP_SYS(close),
      SCMP_SYS(fstat), SCMP_SYS(newfstatat), SCMP_SYS(stat), SCMP_SYS(lstat), SCMP_SYS(statx),
      SCMP_SYS(readlink), SCMP_SYS(readlinkat), SCMP_SYS(getcwd),
      SCMP_SYS(access), SCMP_SYS(faccessat), SCMP_SYS(faccessat2),
      SCMP_SYS(brk), SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(madvise),
      SCMP_SYS(futex), SCMP_SYS(set_robust_list), SCMP_SYS(rseq), SCMP_SYS(sched_yield),
      SCMP_SYS(sched_getaffinity), SCMP_SYS(gettid), SCMP_SYS(getpid),
      SCMP_SYS(exit), SCMP_SYS(exit_group), SCMP_SYS(restart_syscall),
      SCMP_SYS(rt_sigaction), SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigreturn),
      SCMP_SYS(sigaltstack), SCMP_SYS(getitimer),
      SCMP_SYS(clock_gettime), SCMP_SYS(clock_getres), SCMP_SYS(gettimeofday), SCMP_SYS(time),
      SCMP_SYS(clock_nanosleep), SCMP_SYS(nanosleep),
      SCMP_SYS(getrandom), SCMP_SYS(sysinfo), SCMP_SYS(getrlimit),
  };
  int rc = 0;
  for (size_t i = 0; !rc && i < sizeof plain / sizeof *plain; i++) rc = allow(ctx, plain[i]);
  for (int i = 0; !rc && i < nwrite_fds; i++) {
    struct scmp_arg_cmp fd = arg_eq(0, (uint64_t)write_fds[i]);
    rc = rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(write), 1, &fd);
    if (!rc) rc = rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(writev), 1, &fd);
  }
  if (!rc) rc = rules_open(ctx, SCMP_SYS(open), 1);
  if (!rc) rc = rules_open(ctx, SCMP_SYS(openat), 2);
  if (!rc) rc = rule(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(openat2), 0, NULL);
  if (!rc) rc = rule(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0, NULL);
  if (!rc) {
    struct scmp_arg_cmp c = arg_masked(CS_CLONE_FLAGS_ARG, CS_CLONE_NEED | CS_CLONE_NEVER, CS_CLONE_NEED);
    rc = rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1, &c);
  }
  if (!rc) {
    struct scmp_arg_cmp m[2] = {arg_masked(2, PROT_EXEC, 0), arg_masked(3, MAP_TYPE, MAP_PRIVATE)};
    rc = rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), 2, m);
  }
  if (!rc) {
    struct scmp_arg_cmp p = arg_masked(2, PROT_EXEC, 0);
    rc = rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), 1, &p);
  }
  if (!rc) {
    struct scmp_arg_cmp t = arg_eq(1, TCGETS);
    rc = rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1, &t);
  }
  if (!rc) {
    struct scmp_arg_cmp t = arg_eq(0, ITIMER_VIRTUAL);
    rc = rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(setitimer), 1, &t);
  }
  if (!rc) {
    struct scmp_arg_cmp self = arg_eq(0, pid);
    rc = rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 1, &self);
    if (!rc) rc = rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(kill), 1, &self);
  }
#ifdef CS_CONFINE_SANITIZER
  if (!rc) {
    struct scmp_arg_cmp f = arg_eq(1, F_SETFD);
    rc = rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(fcntl), 1, &f);
  }
#endif
  if (!rc) {
    struct scmp_arg_cmp r[2] = {arg_eq(0, 0), arg_eq(2, 0)};
    rc = rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prlimit64), 2, r);
  }
  return rc;
}

/* libseccomp's program for the rules, as it would load it. */
static size_t reference(struct sock_filter *out, size_t cap, const int *fds, int nfds, uint32_t pid) {
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_KILL_PROCESS);
  assert_non_null(ctx);
  assert_int_equal(seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS), 0);
  assert_int_equal(add_rules(ctx, fds, nfds, pid), 0);
  FILE *f = tmpfile();
  assert_non_null(f);
  assert_int_equal(seccomp_export_bpf(ctx, fileno(f)), 0);
  seccomp_release(ctx);
  rewind(f);
  size_t n = fread(out, sizeof *out, cap, f);
  assert_true(n > 0 && n < cap);
  fclose(f);
  return n;
}

/* ---- a classic-BPF interpreter, as the kernel runs a seccomp filter ------ */

static uint32_t run(const struct sock_filter *prog, size_t n, const struct seccomp_data *d) {
  uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = {0};
  const unsigned char *bytes = (const unsigned char *)d;
  for (size_t pc = 0; pc < n; pc++) {
    const struct sock_filter *f = &prog[pc];
    switch (f->code) {
    case BPF_LD | BPF_W | BPF_ABS:
      assert_true(f->k % 4 == 0 && f->k + 4 <= sizeof *d);
      memcpy(&a, bytes + f->k, 4);
      break;
    case BPF_LD | BPF_IMM: a = f->k; break;
    case BPF_LDX | BPF_IMM: x = f->k; break;
    case BPF_LD | BPF_MEM: assert_true(f->k < BPF_MEMWORDS); a = mem[f->k]; break;
    case BPF_LDX | BPF_MEM: assert_true(f->k < BPF_MEMWORDS); x = mem[f->k]; break;
    case BPF_ST: assert_true(f->k < BPF_MEMWORDS); mem[f->k] = a; break;
    case BPF_STX: assert_true(f->k < BPF_MEMWORDS); mem[f->k] = x; break;
    case BPF_MISC | BPF_TAX: x = a; break;
    case BPF_MISC | BPF_TXA: a = x; break;
    case BPF_ALU | BPF_AND | BPF_K: a &= f->k; break;
    case BPF_ALU | BPF_OR | BPF_K: a |= f->k; break;
    case BPF_JMP | BPF_JA: pc += f->k; break;
    case BPF_JMP | BPF_JEQ | BPF_K: pc += a == f->k ? f->jt : f->jf; break;
    case BPF_JMP | BPF_JGT | BPF_K: pc += a > f->k ? f->jt : f->jf; break;
    case BPF_JMP | BPF_JGE | BPF_K: pc += a >= f->k ? f->jt : f->jf; break;
    case BPF_JMP | BPF_JSET | BPF_K: pc += (a & f->k) ? f->jt : f->jf; break;
    case BPF_JMP | BPF_JEQ | BPF_X: pc += a == x ? f->jt : f->jf; break;
    case BPF_RET | BPF_K: return f->k;
    case BPF_RET | BPF_A: return a;
    default: fail_msg("instruction %zu: opcode 0x%x not in this interpreter", pc, f->code);
    }
  }
  fail_msg("the program ran off its end");
  return 0;
}

/* ---- the comparison ------------------------------------------------------ */

#if defined(__x86_64__)
#define ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define ARCH AUDIT_ARCH_AARCH64
#else
#define ARCH 0 /* another architecture: the native one is found below */
#endif

static size_t checked;

static void compare(const struct sock_filter *ours, size_t n_ours, const struct sock_filter *ref,
                    size_t n_ref, const struct seccomp_data *d) {
  uint32_t a = run(ours, n_ours, d), b = run(ref, n_ref, d);
  if (a != b)
    fail_msg("call %d (arch 0x%x) args %#llx %#llx %#llx %#llx: ours 0x%08x, libseccomp 0x%08x", d->nr,
             d->arch, (unsigned long long)d->args[0], (unsigned long long)d->args[1],
             (unsigned long long)d->args[2], (unsigned long long)d->args[3], a, b);
  checked++;
}

static void compare_for(const int *fds, int nfds, uint32_t pid) {
  static struct sock_filter ours[CS_CONFINE_FILTER_MAX], ref[4096];
  size_t n_ours = cs_confine_filter(ours, CS_CONFINE_FILTER_MAX, fds, nfds, pid);
  assert_true(n_ours > 0);
  size_t n_ref = reference(ref, sizeof ref / sizeof *ref, fds, nfds, pid);

  /* the values the rules test, their neighbours, garbage in the upper half */
  uint64_t v[128];
  size_t nv = 0;
  const uint64_t hi = (uint64_t)1 << 32;
  static const uint64_t base[] = {
      0, 1, 2, 3, 4, 0xffffffffu, UINT64_MAX, (uint64_t)1 << 32, TCGETS, TCSETS, TCGETS | ((uint64_t)1 << 32),
      F_SETFD, F_GETFD, F_SETFL, ITIMER_VIRTUAL, ITIMER_REAL, ITIMER_PROF, PROT_READ, PROT_WRITE, PROT_EXEC,
      PROT_READ | PROT_EXEC, MAP_PRIVATE, MAP_SHARED, MAP_SHARED_VALIDATE, MAP_PRIVATE | MAP_ANONYMOUS,
      MAP_SHARED | MAP_ANONYMOUS, O_RDONLY | O_CLOEXEC, O_WRONLY, O_RDWR, O_ACCMODE, O_CREAT, O_TRUNC, O_APPEND,
      O_TMPFILE, O_DIRECTORY, O_RDONLY | O_CLOEXEC | O_DIRECTORY, O_RDONLY | O_NOFOLLOW | O_PATH,
      O_WRONLY | O_CREAT | O_TRUNC, O_RDONLY | O_CREAT, (uint64_t)O_WRONLY | ((uint64_t)1 << 32),
      CS_CLONE_NEED, CS_CLONE_NEED | CLONE_FS | CLONE_FILES | CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID |
      CLONE_CHILD_CLEARTID, CS_CLONE_NEED | CLONE_NEWUSER, CS_CLONE_NEED | CLONE_VFORK, CLONE_VM | CLONE_THREAD,
      CLONE_VM | CLONE_VFORK | SIGCHLD, CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD,
      (uint64_t)CS_CLONE_NEED | ((uint64_t)1 << 40), CS_CLONE_NEED | CLONE_PARENT, CS_CLONE_NEED | CLONE_UNTRACED};
  for (size_t i = 0; i < sizeof base / sizeof *base; i++) v[nv++] = base[i];
  for (int i = 0; i < nfds; i++) {
    v[nv++] = (uint64_t)fds[i];
    v[nv++] = (uint64_t)fds[i] | hi;
  }
  v[nv++] = pid;
  v[nv++] = pid + 1;
  v[nv++] = (uint64_t)pid | hi;
  assert_true(nv <= sizeof v / sizeof *v);

  uint32_t arch = ARCH;
  if (arch == 0) { /* the architecture our program asks for */
    arch = ours[1].k;
  }
  const uint32_t archs[] = {arch, AUDIT_ARCH_I386, 0, 0xffffffffu};
  struct seccomp_data d;
  for (size_t ai = 0; ai < sizeof archs / sizeof *archs; ai++)
    for (uint32_t nr = 0; nr < 1100; nr++) {
      /* a few argument patterns for every call */
      for (size_t i = 0; i < nv; i += 3) {
        memset(&d, 0, sizeof d);
        d.nr = (int)nr;
        d.arch = archs[ai];
        for (int k = 0; k < 6; k++) d.args[k] = v[(i + 5 * (size_t)k) % nv];
        compare(ours, n_ours, ref, n_ref, &d);
      }
    }
  /* x32 numbers and out-of-range ones */
  static const uint32_t odd[] = {0x40000000u, 0x40000001u, 0x4000003cu, 0x400000e7u, 0x7fffffffu, 0x80000000u, 0xffffffffu};
  for (size_t i = 0; i < sizeof odd / sizeof *odd; i++) {
    memset(&d, 0, sizeof d);
    d.nr = (int)odd[i];
    d.arch = arch;
    compare(ours, n_ours, ref, n_ref, &d);
  }
  /* every pair of values in every pair of the first four arguments, for
  ** the calls whose arguments are tested */
  static const long tested[] = {
      SYS_write, SYS_writev, SYS_openat, SYS_clone, SYS_mmap, SYS_mprotect, SYS_ioctl, SYS_setitimer,
      SYS_tgkill, SYS_kill, SYS_fcntl, SYS_prlimit64,
#ifdef SYS_open
      SYS_open,
#endif
  };
  for (size_t t = 0; t < sizeof tested / sizeof *tested; t++)
    for (size_t i = 0; i < nv; i++)
      for (size_t j = 0; j < nv; j++)
        for (int pattern = 0; pattern < 2; pattern++) {
          memset(&d, 0, sizeof d);
          d.nr = (int)tested[t];
          d.arch = arch;
          /* (i, j, j, i) and (i, j, i, j): every pair of positions gets every pair */
          d.args[0] = v[i], d.args[1] = v[j];
          d.args[2] = pattern ? v[i] : v[j];
          d.args[3] = pattern ? v[j] : v[i];
          d.args[4] = v[(i + j) % nv], d.args[5] = v[(i * j) % nv];
          compare(ours, n_ours, ref, n_ref, &d);
        }
}

static void test_same_decisions_as_libseccomp(void **state) {
  (void)state;
  checked = 0;
  const int worker[] = {1, 2, 5};
  compare_for(worker, 3, 4242);
  const int other[] = {1, 2, 3};
  compare_for(other, 3, 77);
  compare_for(NULL, 0, 1);
  const int many[] = {1, 2, 9, 10, 11, 12, 13, 200};
  compare_for(many, 8, 0x7fffffff);
  /* more descriptors than the worker may have: refused, not a filter cut short */
  static struct sock_filter out[CS_CONFINE_FILTER_MAX];
  int nine[CS_CONFINE_MAX_WRITE_FDS + 1] = {0};
  assert_int_equal(cs_confine_filter(out, CS_CONFINE_FILTER_MAX, nine, CS_CONFINE_MAX_WRITE_FDS + 1, 1), 0);
  print_message("%zu calls decided alike\n", checked);
}
#endif

static void test_bad_arguments(void **state) {
  (void)state;
  struct sock_filter f[CS_CONFINE_FILTER_MAX];
  const int neg[] = {1, -1};
  assert_int_equal(cs_confine_filter(f, CS_CONFINE_FILTER_MAX, neg, 2, 1), 0);
  assert_int_equal(cs_confine_filter(f, CS_CONFINE_FILTER_MAX, neg, -1, 1), 0);
  const int fds[] = {1, 2};
  /* too small a buffer: nothing half-made is returned */
  assert_int_equal(cs_confine_filter(f, 10, fds, 2, 1), 0);
  size_t n = cs_confine_filter(f, CS_CONFINE_FILTER_MAX, fds, 2, 1);
  assert_true(n > 10 && n < CS_CONFINE_FILTER_MAX);
  assert_int_equal(cs_confine_filter(f, n - 1, fds, 2, 1), 0);
  assert_int_equal(cs_confine_filter(f, n, fds, 2, 1), n);
}

int main(void) {
  const struct CMUnitTest tests[] = {
#ifdef CS_HAVE_LIBSECCOMP
      cmocka_unit_test(test_same_decisions_as_libseccomp),
#endif
      cmocka_unit_test(test_bad_arguments),
  };
#ifndef CS_HAVE_LIBSECCOMP
  fprintf(stderr, "test_confine_filter: libseccomp-dev not installed: the comparison is not run\n");
#endif
  return cmocka_run_group_tests(tests, NULL, NULL);
}
