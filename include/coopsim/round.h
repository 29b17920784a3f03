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
** The shares need not be in lowest terms (den > 0). When they all have the
** same denominator (as cs_key_eval gives them), floors and
** remainders come from one division per share and remainders are compared
** as integers; otherwise (or with cs_round_fast_path 0) each share is
** floored as a rational. The result is the same.
** out has room for n values. Returns 0, CS_EOVERFLOW or CS_ENOMEM. */
int cs_round_shares(int64_t *out, const cs_q *exact, const char *const *codes,
                    size_t n, cs_error *err);

/* 1 (the default); tests set it to 0 to compare with the rational path. */
extern int cs_round_fast_path;

#endif
