#ifndef COOPSIM_DEC_H
#define COOPSIM_DEC_H
/*
** Exact decimals for the cost lines (internal to core/): n / 10^scale. Cost
** amounts, rates and growth rates are decimals, and so are their sums and
** products; kept as decimals they need no greatest common divisor, which
** is most of what exact rationals (q.h) cost. Additions align the scales,
** products add them; nothing is ever rounded until cs_dec_cents.
** Every function returns 0, or -1 when a number does not fit (the caller
** then takes the rational path, which reports it).
*/
#include <stdint.h>
#include "coopsim/big.h"
#include "coopsim/q.h"

typedef struct cs_dec {
  int scale; /* 0 .. CS_DEC_MAX_SCALE */
  cs_big n;
} cs_dec;

#define CS_DEC_MAX_SCALE 600

/* q as a decimal; -1 when its denominator has a prime factor other than 2
** and 5 (1/3, 7/12), or it is too large. */
int cs_dec_from_q(cs_dec *out, const cs_q *q);
void cs_dec_from_i64(cs_dec *out, int64_t v);
/* Copies only the limbs in use (a cs_dec is over 500 bytes). */
void cs_dec_copy(cs_dec *out, const cs_dec *a);
int cs_dec_add(cs_dec *out, const cs_dec *a, const cs_dec *b);
int cs_dec_sub(cs_dec *out, const cs_dec *a, const cs_dec *b);
int cs_dec_mul(cs_dec *out, const cs_dec *a, const cs_dec *b);
/* *out <0, 0, >0 as a is less than, equal to or greater than b. */
int cs_dec_cmp(const cs_dec *a, const cs_dec *b, int *out);
/* As cs_q_cents: hundredths and whole kroner, halves away from zero. */
int cs_dec_cents(const cs_dec *a, int64_t *cents, int64_t *whole);
/* The same value as a rational in lowest terms. */
int cs_dec_to_q(cs_q *out, const cs_dec *a);
/* The same value as n / 10^scale, not in lowest terms (what q.h's
** rounding, comparison and formatting accept, and cs_fx_init). */
int cs_dec_to_q_unreduced(cs_q *out, const cs_dec *a);

#endif
