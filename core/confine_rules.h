#ifndef COOPSIM_CONFINE_RULES_H
#define COOPSIM_CONFINE_RULES_H
/*
** What the worker's confinement allows, shared by confine.c (Landlock),
** confine_filter.c (the system-call filter) and the test that compares that
** filter with libseccomp's compile of the same rules
** (tests/unit/test_confine_filter.c). Include after <fcntl.h> and <sched.h>
** with _GNU_SOURCE (O_TMPFILE, the CLONE_ flags).
*/

/* Defined in sanitizer builds (the test build): the sanitizer reads the
** executable to name a report's lines, and marks it close-on-exec, so the
** confinement lets it do those two things and nothing more. */
#if defined(__SANITIZE_ADDRESS__)
#define CS_CONFINE_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CS_CONFINE_SANITIZER 1
#endif
#endif

/* open/openat flags: O_TMPFILE includes O_DIRECTORY, so only its own bit
** marks a temporary file; any of these bits is a write. */
#define CS_OPEN_TMPFILE_BIT (O_TMPFILE & ~O_DIRECTORY)
#define CS_OPEN_WRITE_BITS (O_ACCMODE | O_CREAT | O_TRUNC | O_APPEND | CS_OPEN_TMPFILE_BIT)

/* clone(2): its flags come first, except on s390, where the stack does; a
** thread (every CS_CLONE_NEED flag, no CS_CLONE_NEVER flag) is the only
** clone allowed. */
#if defined(__s390__) || defined(__s390x__)
#define CS_CLONE_FLAGS_ARG 1
#else
#define CS_CLONE_FLAGS_ARG 0
#endif
#define CS_CLONE_NEED (CLONE_VM | CLONE_SIGHAND | CLONE_THREAD)
#define CS_CLONE_NEVER                                                                             \
  (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | \
   CLONE_NEWNET | CLONE_PTRACE | CLONE_VFORK | CLONE_PARENT | CLONE_UNTRACED)

#endif
