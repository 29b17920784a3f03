#ifndef COOPSIM_CONFINE_H
#define COOPSIM_CONFINE_H
/*
** Kernel confinement of a worker process (Linux): what a process that runs
** a scenario file from someone else may still do once it has started, so
** that a memory-safety bug in Lua does not give the scenario the user's
** rights.
**
** cs_confine applies, in this order and for good (nothing undoes it, and
** children and threads made later inherit it):
**   - every inherited descriptor above 2 that is not one of write_fds is
**     closed (a run store the parent opened before forking, say);
**   - PR_SET_NO_NEW_PRIVS (no set-user-ID or file capabilities gained);
**   - Landlock, where the kernel offers it: every file-system access right
**     the kernel's Landlock ABI knows is handled, and only reading files and
**     listing folders beneath the read folders is allowed (no writing,
**     creating, removing, renaming, truncating, executing, device ioctls);
**     from ABI 4 no TCP bind or connect; from ABI 6 no abstract unix socket
**     and no signal to a process outside the worker;
**   - a seccomp system-call filter (confine_filter.h), an allow-list of the calls
**     the worker makes after start-up (memory, threads, its CPU timer and
**     signal handlers, clocks, reading files, writing to write_fds). Any
**     other call kills the whole process with SIGSYS; opening a file other
**     than read-only fails with EACCES, openat2 and clone3 with ENOSYS (so
**     that the C library uses openat and clone, whose flags the filter can
**     check).
**
** In sanitizer builds (the test build) the process may also read its own
** executable, so that a sanitizer's report names functions and lines.
**
** Call it in a process with one thread: Landlock confines the calling
** thread only (seccomp is synchronised to all threads, but an earlier
** thread would escape Landlock), so cs_confine refuses when /proc/self/stat
** counts more than one. Whatever the worker loads lazily must be loaded
** before (the registry: lua_confine.h).
*/
#include <stddef.h>
#include "coopsim/error.h"

#define CS_CONFINE_MAX_READ_DIRS 16
#define CS_CONFINE_MAX_WRITE_FDS 8

typedef struct cs_confine_opts {
  /* a file whose folder may be read ("." for a bare name), e.g. the
  ** scenario file; NULL for none */
  const char *read_folder_of;
  /* more folders whose files may be read (--allow-read); a plain file here
  ** may be read itself */
  const char *const *read_dirs;
  int nread_dirs;
  /* the descriptors the process may write to (e.g. 1, 2 and a result
  ** pipe); all other descriptors above 2 are closed */
  const int *write_fds;
  int nwrite_fds;
} cs_confine_opts;

/* Nothing readable, nothing writable (not even stdout): fill in what the
** process needs. */
#define CS_CONFINE_OPTS_INIT {NULL, NULL, 0, NULL, 0}

/* What is active (after cs_confine) or offered (after cs_confine_probe). */
typedef struct cs_confine_status {
  int seccomp;       /* 1: the system-call filter is installed / can be */
  int landlock_abi;  /* the kernel's Landlock ABI version in force / offered; 0: none */
  int landlock_errno; /* with landlock_abi 0: ENOSYS (kernel without Landlock),
                     ** EOPNOTSUPP (built in but not enabled at boot) */
} cs_confine_status;

/* What this kernel offers, without confining anything. */
void cs_confine_probe(cs_confine_status *status);

/* Confines the calling process as described above. On success returns 0
** and fills status (landlock_abi 0 when the kernel does not offer Landlock:
** the process then runs with the system-call filter alone, and the caller
** says so). Failures:
**   CS_EINVAL  nothing was applied and nothing closed: bad options (too
**              many folders or descriptors), a read folder that cannot be
**              opened, more than one thread, or no seccomp in this kernel;
**   CS_ERROR   the kernel refused a step (seccomp not available, Landlock
**              offered but failing): the process may be partly confined
**              and must not run the untrusted code.
** The message in err names the folder or the step and the system's reason.
** status may be NULL. */
int cs_confine(const cs_confine_opts *opts, cs_confine_status *status, cs_error *err);

/* One line for people, e.g. "system-call filter (seccomp): yes; Landlock:
** ABI 7 (files, network, signals)" or "...; Landlock: not offered by this
** kernel". Returns buf. */
const char *cs_confine_describe(const cs_confine_status *status, char *buf, size_t size);

#endif
