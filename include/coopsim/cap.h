#ifndef COOPSIM_CAP_H
#define COOPSIM_CAP_H
/*
** Caps and floors on members' shares (SPEC §7.2 "Caps and floors"), solved
** exactly.
**
** For a covering key each member pays clamp(lambda * u_i, min_i, max_i),
** where u_i is its share under the key without limits and lambda >= 0 the
** one number that makes the shares sum to the amount A. The sum
** S(lambda) is piecewise linear and non-decreasing; the solver sorts the
** points where a member reaches a limit (min_i / u_i, max_i / u_i), walks
** them until S reaches A and solves the linear equation of that segment in
** rationals: lambda = (A - C) / U, C the sum of the members held at a
** limit, U the sum of u_i of the others. No iteration, no rounding: the
** same answer as repeating "clamp, share the excess among the rest" until
** no member crosses a limit. Where S is flat at A the smallest lambda is
** taken (the shares are the same for any).
** Two degenerate years: every member that has a share is held at its
** maximum and the maxima sum to less than A (each pays its maximum, the
** rest is the year's deficit: CS_CAP_ALL_MAX); the minima sum to more than
** A (each pays its minimum, members without one pay 0, the excess is the
** year's surplus: CS_CAP_ALL_MIN).
** For a fee each fee is clamped and nothing moves (cs_cap_clamp).
*/
#include <stddef.h>
#include "coopsim/error.h"
#include "coopsim/q.h"

/* One member's limits for the year (already multiplied by its charged
** months / 12); a missing limit is none. min <= max, both >= 0. */
typedef struct cs_cap_limit {
  int has_min, has_max;
  cs_q min, max;
} cs_cap_limit;

typedef enum cs_cap_outcome {
  CS_CAP_SOLVED,  /* lambda found: the shares sum to A exactly */
  CS_CAP_ALL_MAX, /* the shares sum to less than A: a deficit */
  CS_CAP_ALL_MIN  /* the minima sum to more than A: a surplus */
} cs_cap_outcome;

/* Where a member ends: below its minimum (raised to it), above its maximum
** (held at it), or within its limits. */
enum { CS_CAP_AT_MIN = -1, CS_CAP_WITHIN = 0, CS_CAP_AT_MAX = 1 };

/* Shares out[i] for a covering key: the amount A (>= 0) shared so that
** member i pays clamp(lambda * u[i], lim[i]). clamp[i] (caller's array of
** n) says where each member ended; *outcome and *lambda (SOLVED only; 0
** otherwise) the year's case. CS_EINVAL for a negative amount, share or
** limit, or a minimum above the maximum (naming the member by index);
** CS_EOVERFLOW; CS_ENOMEM. */
int cs_cap_cover(cs_q *out, signed char *clamp, cs_cap_outcome *outcome, cs_q *lambda,
                 const cs_q *amount, const cs_q *u, const cs_cap_limit *lim, size_t n,
                 cs_error *err);

/* Fees out[i] = clamp(u[i], lim[i]) (nothing moves); clamp[i] as above.
** Errors as cs_cap_cover. */
int cs_cap_clamp(cs_q *out, signed char *clamp, const cs_q *u, const cs_cap_limit *lim,
                 size_t n, cs_error *err);

#endif
