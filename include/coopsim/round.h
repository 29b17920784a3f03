#ifndef COOPSIM_ROUND_H
#define COOPSIM_ROUND_H
/*
** The one rounding of money: exact shares to whole kroner by largest
** remainder (Hamilton's method).
*/
#include <stdint.h>
#include "coopsim/error.h"
#include "coopsim/q.h"

/* Rounds n exact shares to whole kroner. The rounded shares sum exactly to
** T, the exact sum rounded to the nearest krone (halves away from zero):
** every share is first floored, then the T - (sum of floors) remaining
** kroner go one each to the shares with the largest fractional parts; equal
** remainders go to the lower code (codes[i], compared as strings). Each
** result is therefore the floor or the ceiling of its exact share, and the
** result does not depend on the order of the input.
** Note (Alabama paradox): a larger total can give one share one krone less.
** out has room for n values. Returns 0, CS_EOVERFLOW or CS_ENOMEM. */
int cs_round_shares(int64_t *out, const cs_q *exact, const char *const *codes,
                    size_t n, cs_error *err);

#endif
