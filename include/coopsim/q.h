#ifndef COOPSIM_Q_H
#define COOPSIM_Q_H
/*
** Exact rational numbers for money: num/den in lowest terms, den > 0.
** Amounts stay exact through cost lines, growth, grants and keys; the one
** rounding is cs_round_shares (round.h). Every operation reports overflow
** (CS_EOVERFLOW) instead of losing precision.
*/
#include <stdint.h>
#include "coopsim/big.h"

typedef struct cs_q {
  cs_big num;
  cs_big den;
} cs_q;

/* Copies a into out, only the limbs in use (a cs_q is over a kilobyte;
** plain assignment copies all of it). */
void cs_q_copy(cs_q *out, const cs_q *a);

/* 1 (the default): operations whose operands' numerators and denominators
** fit in int64 are done in machine integers, with overflow checks that fall
** back to the general cs_big path; the results are identical. Tests set it
** to 0 to compare the two paths. */
extern int cs_q_fast_path;

/* 1 and *num, *den if both fit in int64 (other than INT64_MIN), else 0. */
int cs_q_small(const cs_q *a, int64_t *num, int64_t *den);

void cs_q_zero(cs_q *out);
void cs_q_from_i64(cs_q *out, int64_t v);
/* num/den for int64 values; den must not be 0 (CS_EINVAL). */
int cs_q_from_frac(cs_q *out, int64_t num, int64_t den);

/* Parses a decimal number as written: "-12", "0.051", "1e-3", "2.5E6".
** CS_EINVAL for anything else (including "nan", "inf", spaces). */
int cs_q_from_decimal(cs_q *out, const char *text);

/* The shortest decimal that prints as the double v (so 0.051 is 51/1000,
** 0.1 + 0.2 is 0.30000000000000004). CS_EINVAL for NaN and infinities. */
int cs_q_from_double(cs_q *out, double v);

/* Brings a (den != 0) to lowest terms with den > 0. CS_EINVAL for den 0. */
int cs_q_normalise(cs_q *a);

int cs_q_add(cs_q *out, const cs_q *a, const cs_q *b);
int cs_q_sub(cs_q *out, const cs_q *a, const cs_q *b);
int cs_q_mul(cs_q *out, const cs_q *a, const cs_q *b);
/* CS_EINVAL when b is zero. */
int cs_q_div(cs_q *out, const cs_q *a, const cs_q *b);
/* a^e for any int e (a != 0 when e < 0). */
int cs_q_pow(cs_q *out, const cs_q *a, int e);
int cs_q_mul_i64(cs_q *out, const cs_q *a, int64_t m);

int cs_q_cmp(const cs_q *a, const cs_q *b);
int cs_q_sign(const cs_q *a);
int cs_q_is_zero(const cs_q *a);
int cs_q_is_integer(const cs_q *a);

/* floor(a) into *whole (may be NULL) and a - floor(a) into *frac (may be
** NULL); 0 <= frac < 1. */
int cs_q_floor(cs_big *whole, cs_q *frac, const cs_q *a);

/* a rounded to the nearest integer, halves away from zero, as int64;
** CS_EOVERFLOW if it does not fit. */
int cs_q_round_i64(const cs_q *a, int64_t *out);

/* a rounded to hundredths (half away from zero) in *cents and to whole
** kroner (half away from zero) in *whole, from one division; CS_EOVERFLOW if
** either does not fit in int64. Accepts a not in lowest terms (den > 0). */
int cs_q_cents(const cs_q *a, int64_t *cents, int64_t *whole);

/* Decimal text with exactly `decimals` digits after the point, rounded half
** away from zero, digits grouped by `group` (e.g. " ") when not NULL, with
** `point` as the decimal mark. buf of size bytes. */
int cs_q_format(const cs_q *a, int decimals, const char *group, const char *point,
                char *buf, size_t size);
/* The same text for a value given as hundredths (cs_q_cents), decimals 2. */
int cs_q_format_cents(int64_t cents, const char *group, const char *point, char *buf,
                      size_t size);

/* The same text for a whole number v, decimals 0: what cs_q_format of v
** (and cs_q_format_exact, with group NULL) writes, without a cs_q. 0, or
** CS_EINVAL (nothing written) when size bytes might not hold it: 32 always
** do with group " ". */
int cs_q_format_int(int64_t v, const char *group, char *buf, size_t size);

/* Exact decimal text if a has a finite decimal expansion of at most 40
** digits after the point, else a rounded to 12 places followed by "...".
** Used for explaining rates ("0.051"). */
int cs_q_format_exact(const cs_q *a, char *buf, size_t size);

/* Nearest double, for statistics and charts only. */
double cs_q_to_double(const cs_q *a);

#endif
