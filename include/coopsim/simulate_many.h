#ifndef COOPSIM_SIMULATE_MANY_H
#define COOPSIM_SIMULATE_MANY_H
/*
** Several cooperations simulated at once, on up to `threads` threads: a
** scenario's cooperations are independent of each other. The results are
** the same as one cs_simulate after another, whatever the thread count.
*/
#include <stddef.h>
#include "coopsim/simulate.h"

/* Runs cs_simulate(coops[i], reg, from, to, &out[i], ...) for i < n. The
** cooperations must not call back into a single-threaded interpreter (a Lua
** key or population function): give threads = 1 for those. Returns CS_OK,
** or the error of the first cooperation (by index) that failed, with *failed
** set to its index; out[i] is then NULL for every i, the caller owning
** nothing. On success the caller owns every out[i] (cs_result_free). */
int cs_simulate_many(cs_coop *const *coops, size_t n, const cs_registry *reg, int from, int to,
                     int threads, cs_result **out, size_t *failed, cs_error *err);

/* The number of threads worth using here: the processors online, at most 8. */
int cs_simulate_threads(void);

#endif
