/*
** confine_filter.c: the worker's system-call filter as a classic BPF
** program (confine_filter.h).
**
** The program: the architecture must be this build's (else the process is
** killed: a 32-bit or x32 call from a 64-bit worker); then one block per
** system call in the rules, entered when the call's number matches and
** ending in a return; a call with no block kills the process. A block is a
** list of rules, each a conjunction of tests on 32-bit halves of the
** arguments and an action, tried in order; when none holds, the process is
** killed. The rules are those of confine.h, as they were given to
** libseccomp; its semantics are kept: an equality test compares the whole
** 64-bit argument (garbage in the upper half fails it), a masked test with
** a 32-bit mask looks at the lower half only.
*/
#define _GNU_SOURCE /* the SYS_ numbers, O_TMPFILE, CLONE_* */
#include "coopsim/confine_filter.h"
#include <asm/ioctls.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include "confine_rules.h"


/* the architecture a call must come from */
#if defined(__x86_64__) && defined(__ILP32__)
#error "confine_filter.c: x32 is not supported"
#elif defined(__x86_64__)
#define ARCH AUDIT_ARCH_X86_64
#elif defined(__i386__)
#define ARCH AUDIT_ARCH_I386
#elif defined(__aarch64__)
#define ARCH AUDIT_ARCH_AARCH64
#elif defined(__arm__)
#define ARCH AUDIT_ARCH_ARM
#elif defined(__s390x__)
#define ARCH AUDIT_ARCH_S390X
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ARCH AUDIT_ARCH_PPC64LE
#elif defined(__riscv) && __riscv_xlen == 64
#define ARCH AUDIT_ARCH_RISCV64
#else
#error "confine_filter.c: add this architecture's AUDIT_ARCH"
#endif


#define KILL SECCOMP_RET_KILL_PROCESS
#define ALLOW SECCOMP_RET_ALLOW
#define ERRNO(e) (SECCOMP_RET_ERRNO | ((uint32_t)(e)&SECCOMP_RET_DATA))

/* where the halves of argument i are in struct seccomp_data */
#define ARG_OFFSET(i) (offsetof(struct seccomp_data, args) + 8 * (size_t)(i))
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define LO(i) ((uint32_t)ARG_OFFSET(i))
#define HI(i) ((uint32_t)ARG_OFFSET(i) + 4)
#else
#define LO(i) ((uint32_t)ARG_OFFSET(i) + 4)
#define HI(i) ((uint32_t)ARG_OFFSET(i))
#endif

/* One test: (the 32-bit word at offset & mask) == value. */
typedef struct test {
  uint32_t offset, mask, value;
} test;

/* A program being written; full once an instruction did not fit. */
typedef struct prog {
  struct sock_filter *out;
  size_t cap, n;
  int full;
} prog;

static void emit(prog *p, uint16_t code, uint8_t jt, uint8_t jf, uint32_t k) {
  if (p->n >= p->cap) {
    p->full = 1;
    return;
  }
  struct sock_filter f = {code, jt, jf, k};
  p->out[p->n++] = f;
}

static size_t test_length(const test *t) { return t->mask == UINT32_MAX ? 2 : 3; }

/* A rule: when every test holds, return action; else go on after it. */
static void rule(prog *p, const test *tests, size_t ntests, uint32_t action) {
  size_t rest = 1; /* the return */
  for (size_t i = 0; i < ntests; i++) rest += test_length(&tests[i]);
  for (size_t i = 0; i < ntests; i++) {
    rest -= test_length(&tests[i]);
    emit(p, BPF_LD | BPF_W | BPF_ABS, 0, 0, tests[i].offset);
    if (tests[i].mask != UINT32_MAX) emit(p, BPF_ALU | BPF_AND | BPF_K, 0, 0, tests[i].mask);
    /* on a mismatch skip the rest of the rule's tests and its return */
    emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, (uint8_t)rest, tests[i].value);
  }
  emit(p, BPF_RET | BPF_K, 0, 0, action);
}

/* A block starts: the number is in A; the block's length is patched at its end. */
static size_t block_start(prog *p, int nr) {
  size_t at = p->n;
  emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 0, (uint32_t)nr);
  return at;
}

/* The block ends in killing the process (no rule held). A block is entered
** only for its call and every way through it returns, so the next block
** still finds the number in A. */
static void block_end(prog *p, size_t at) {
  emit(p, BPF_RET | BPF_K, 0, 0, KILL);
  size_t len = p->n - at - 1;
  if (len > 255) p->full = 1;
  else if (!p->full) p->out[at].jf = (uint8_t)len;
}

/* A call allowed whatever its arguments. */
static void plain(prog *p, int nr, uint32_t action) {
  emit(p, BPF_JMP | BPF_JEQ | BPF_K, 0, 1, (uint32_t)nr);
  emit(p, BPF_RET | BPF_K, 0, 0, action);
}

/* arg == value, all 64 bits */
static void arg_eq(test *t, unsigned arg, uint64_t value) {
  t[0] = (test){HI(arg), UINT32_MAX, (uint32_t)(value >> 32)};
  t[1] = (test){LO(arg), UINT32_MAX, (uint32_t)value};
}

/* (arg & mask) == value, for a 32-bit mask: the lower half */
static test arg_masked(unsigned arg, uint32_t mask, uint32_t value) {
  return (test){LO(arg), mask, value};
}

/* open/openat: read-only allowed, anything else EACCES (flags in argument
** flags_arg). The rules are disjoint and cover every value. */
static void block_open(prog *p, int nr, unsigned flags_arg) {
  size_t at = block_start(p, nr);
  test t = arg_masked(flags_arg, CS_OPEN_WRITE_BITS, 0);
  rule(p, &t, 1, ALLOW);
  static const uint32_t write_modes[] = {O_WRONLY, O_RDWR, O_ACCMODE};
  for (size_t i = 0; i < sizeof write_modes / sizeof *write_modes; i++) {
    t = arg_masked(flags_arg, O_ACCMODE, write_modes[i]);
    rule(p, &t, 1, ERRNO(EACCES));
  }
  static const uint32_t write_bits[] = {O_CREAT, O_TRUNC, O_APPEND, CS_OPEN_TMPFILE_BIT};
  for (size_t i = 0; i < sizeof write_bits / sizeof *write_bits; i++) {
    t = arg_masked(flags_arg, write_bits[i], write_bits[i]);
    rule(p, &t, 1, ERRNO(EACCES));
  }
  block_end(p, at);
}

/* A call allowed when its argument arg equals one of values. */
static void block_eq_any(prog *p, int nr, unsigned arg, const uint64_t *values, size_t n) {
  size_t at = block_start(p, nr);
  for (size_t i = 0; i < n; i++) {
    test t[2];
    arg_eq(t, arg, values[i]);
    rule(p, t, 2, ALLOW);
  }
  block_end(p, at);
}

size_t cs_confine_filter(struct sock_filter *out, size_t cap, const int *write_fds, int nwrite_fds,
                         uint32_t pid) {
  if (nwrite_fds < 0 || nwrite_fds > CS_CONFINE_MAX_WRITE_FDS) return 0;
  for (int i = 0; i < nwrite_fds; i++)
    if (write_fds[i] < 0) return 0;
  prog p = {out, cap, 0, 0};
  /* the architecture; then the number stays in A */
  emit(&p, BPF_LD | BPF_W | BPF_ABS, 0, 0, (uint32_t)offsetof(struct seccomp_data, arch));
  emit(&p, BPF_JMP | BPF_JEQ | BPF_K, 1, 0, ARCH);
  emit(&p, BPF_RET | BPF_K, 0, 0, KILL);
  emit(&p, BPF_LD | BPF_W | BPF_ABS, 0, 0, (uint32_t)offsetof(struct seccomp_data, nr));
#if defined(__x86_64__)
  /* x32 calls carry the same architecture and bit 30 in the number */
  emit(&p, BPF_JMP | BPF_JGE | BPF_K, 0, 1, 0x40000000u);
  emit(&p, BPF_RET | BPF_K, 0, 0, KILL);
#endif

  /* without arguments to check: memory, threads, signals, clocks, reading
  ** and looking at files (Landlock decides which may be opened; stat,
  ** readlink and getcwd, which realpath needs, only reveal names); a call
  ** this architecture does not have is left out */
  static const int plain_calls[] = {
      SYS_read, SYS_lseek, SYS_close, SYS_fstat,
#ifdef SYS_newfstatat
      SYS_newfstatat,
#endif
#ifdef SYS_stat
      SYS_stat,
#endif
#ifdef SYS_lstat
      SYS_lstat,
#endif
#ifdef SYS_statx
      SYS_statx,
#endif
#ifdef SYS_readlink
      SYS_readlink,
#endif
      SYS_readlinkat, SYS_getcwd,
#ifdef SYS_access
      SYS_access,
#endif
      SYS_faccessat,
#ifdef SYS_faccessat2
      SYS_faccessat2,
#endif
      SYS_brk, SYS_munmap, SYS_mremap, SYS_madvise,
      SYS_futex, SYS_set_robust_list,
#ifdef SYS_rseq
      SYS_rseq,
#endif
      SYS_sched_yield, SYS_sched_getaffinity, SYS_gettid, SYS_getpid,
      SYS_exit, SYS_exit_group, SYS_restart_syscall,
      SYS_rt_sigaction, SYS_rt_sigprocmask, SYS_rt_sigreturn,
      SYS_sigaltstack, SYS_getitimer,
      SYS_clock_gettime, SYS_clock_getres, SYS_gettimeofday,
#ifdef SYS_time
      SYS_time,
#endif
      SYS_clock_nanosleep, SYS_nanosleep,
      SYS_getrandom, SYS_sysinfo,
#ifdef SYS_getrlimit
      SYS_getrlimit,
#endif
  };
  for (size_t i = 0; i < sizeof plain_calls / sizeof *plain_calls; i++) plain(&p, plain_calls[i], ALLOW);

  /* writing: only to the descriptors given */
  uint64_t fds[CS_CONFINE_MAX_WRITE_FDS];
  for (int i = 0; i < nwrite_fds; i++) fds[i] = (uint64_t)write_fds[i];
  block_eq_any(&p, SYS_write, 0, fds, (size_t)nwrite_fds);
  block_eq_any(&p, SYS_writev, 0, fds, (size_t)nwrite_fds);
  /* opening: read-only */
#ifdef SYS_open
  block_open(&p, SYS_open, 1);
#endif
  block_open(&p, SYS_openat, 2);
  /* openat2 and clone3 pass their flags in a structure a filter cannot read */
#ifdef SYS_openat2
  plain(&p, SYS_openat2, ERRNO(ENOSYS));
#endif
#ifdef SYS_clone3
  plain(&p, SYS_clone3, ERRNO(ENOSYS));
#endif
  /* clone: threads of this process only, never a new process or namespace */
  {
    const uint32_t need = CS_CLONE_NEED;
    const uint32_t never = CS_CLONE_NEVER;
    size_t at = block_start(&p, SYS_clone);
    test t = arg_masked(CS_CLONE_FLAGS_ARG, need | never, need);
    rule(&p, &t, 1, ALLOW);
    block_end(&p, at);
  }
  /* memory: never executable (no code written at run time), never shared
  ** (a writable shared mapping of an inherited file would write to it) */
  {
    size_t at = block_start(&p, SYS_mmap);
    test t[2] = {arg_masked(2, PROT_EXEC, 0), arg_masked(3, MAP_TYPE, MAP_PRIVATE)};
    rule(&p, t, 2, ALLOW);
    block_end(&p, at);
    at = block_start(&p, SYS_mprotect);
    rule(&p, t, 1, ALLOW);
    block_end(&p, at);
  }
  /* isatty (stdio, the progress bar) */
  const uint64_t tcgets = TCGETS;
  block_eq_any(&p, SYS_ioctl, 1, &tcgets, 1);
  /* the sandbox's CPU timer (lua_sandbox.c): the virtual one only */
  const uint64_t virt = ITIMER_VIRTUAL;
  block_eq_any(&p, SYS_setitimer, 0, &virt, 1);
  /* signals to this process only (raise, abort) */
  const uint64_t self = pid;
  block_eq_any(&p, SYS_tgkill, 0, &self, 1);
  block_eq_any(&p, SYS_kill, 0, &self, 1);
#ifdef CS_CONFINE_SANITIZER
  /* the sanitizer's symbolizer marks the executable it opened close-on-exec */
  const uint64_t setfd = F_SETFD;
  block_eq_any(&p, SYS_fcntl, 1, &setfd, 1);
#endif
  /* limits may be read, not raised */
  {
    size_t at = block_start(&p, SYS_prlimit64);
    test t[4];
    arg_eq(t, 0, 0);
    arg_eq(t + 2, 2, 0);
    rule(&p, t, 4, ALLOW);
    block_end(&p, at);
  }
  emit(&p, BPF_RET | BPF_K, 0, 0, KILL);
  return p.full ? 0 : p.n;
}
