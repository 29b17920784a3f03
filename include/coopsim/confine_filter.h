#ifndef COOPSIM_CONFINE_FILTER_H
#define COOPSIM_CONFINE_FILTER_H
/*
** The worker's system-call filter (confine.h) as a classic BPF program,
** written out by coopsim (core/confine_filter.c) instead of compiled by
** libseccomp at every run (that compile was about a millisecond of every
** sandboxed start). The rules are confine.h's; tests/unit/test_confine_filter.c
** checks, call by call, that this program decides as libseccomp's compile
** of the same rules does.
*/
#include <stddef.h>
#include <stdint.h>
#include <linux/filter.h>
#include "coopsim/confine.h"

/* Enough for the filter with CS_CONFINE_MAX_WRITE_FDS descriptors. */
#define CS_CONFINE_FILTER_MAX 512

/* Writes the filter into out (room for cap instructions) for a process
** whose own id is pid (kill and tgkill may signal it only) and that may
** write to the nwrite_fds descriptors write_fds. Returns the number of
** instructions, or 0 when cap is too small or an argument is out of range
** (nwrite_fds outside 0..CS_CONFINE_MAX_WRITE_FDS, a negative descriptor). Allocates nothing. */
size_t cs_confine_filter(struct sock_filter *out, size_t cap, const int *write_fds, int nwrite_fds,
                         uint32_t pid);

#endif
