#ifndef COOPSIM_SHARE_FX_H
#define COOPSIM_SHARE_FX_H
/*
** Shares of one exact amount in machine words, for the simulation (internal
** to core/). A key whose parts all have the form X * m / D (X/D the exact
** amount to share, m a machine-word multiplier; key.h's common denominator)
** gives every part, total and remainder from one 128-bit fraction of X/D,
** computed once per year, instead of a division of big numbers per member.
**
** Each value is known as an interval: its integer part exactly, its
** fraction between lo and hi (in units of 2^-128). A rounding or a
** comparison is only answered when the whole interval gives one answer;
** otherwise the functions return -1 and the caller takes the exact path
** (q.h, round.h). So the results are the exact path's, to the krone and
** to the øre, or nothing.
*/
#include <stddef.h>
#include <stdint.h>
#include "coopsim/big.h"

typedef unsigned __int128 cs_u128;

/* X/D as floor(X/D) and f = floor(frac(X/D) * 2^128); exact when f has no
** error (X/D has a finite binary fraction of at most 128 bits). */
typedef struct cs_fx {
  cs_u128 whole;
  cs_u128 f;
  int exact;
} cs_fx;

/* A value X * m / D: whole + r / 2^128 with r a real number in [lo, hi]
** (lo <= hi < 2^128). */
typedef struct cs_fx_value {
  cs_u128 whole;
  cs_u128 lo, hi;
} cs_fx_value;

/* Sets fx from X / D (X >= 0, D > 0). 0, or -1 when floor(X/D) does not
** fit in 64 bits or the numbers are too large (the caller takes the exact
** path). */
int cs_fx_init(cs_fx *fx, const cs_big *x, const cs_big *d);

/* X * m / D into *out. 0, or -1 when its integer part is uncertain or too
** large. */
int cs_fx_times(const cs_fx *fx, uint64_t m, cs_fx_value *out);

/* v rounded to øre and to kroner, halves up (v >= 0): *cents = floor(100 v
** + 1/2), *whole = floor(v + 1/2) (as cs_q_cents gives them). 0, or -1 when
** the interval straddles a rounding boundary or the result does not fit. */
int cs_fx_cents(const cs_fx_value *v, int64_t *cents, int64_t *whole);

/* Largest remainder over n values (round.h's rule): out[i] = the integer
** part of v[i], plus one for the `extra` values with the largest
** fractions, equal values (same multiplier m[i]) going to the lower code,
** then the lower index. 0, or -1 when two different values' fractions are
** too close to order with certainty. tmp has room for n indices. */
int cs_fx_largest_remainder(int64_t *out, const cs_fx_value *v, const uint64_t *m,
                            const char *const *codes, size_t n, int64_t extra, size_t *tmp);

#endif
