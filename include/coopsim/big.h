#ifndef COOPSIM_BIG_H
#define COOPSIM_BIG_H
/*
** Signed integers of fixed, large capacity (CS_BIG_LIMBS 32-bit limbs), for
** exact money arithmetic. Every operation checks for overflow and returns
** CS_EOVERFLOW instead of wrapping; division by zero returns CS_EINVAL.
** Values are plain structs: no allocation, copy by assignment. Output
** parameters may alias inputs.
*/
#include <stdint.h>
#include <stddef.h>
#include "coopsim/error.h"

#define CS_BIG_LIMBS 128 /* 4096 bits */

typedef struct cs_big {
  int neg;                     /* 1 if negative; zero is never negative */
  int n;                       /* limbs in use; 0 for zero; limb[n-1] != 0 */
  uint32_t limb[CS_BIG_LIMBS]; /* magnitude, least significant first */
} cs_big;

void cs_big_from_i64(cs_big *out, int64_t v);
void cs_big_from_u64(cs_big *out, uint64_t v);
/* Parses an optional '-' and decimal digits only. CS_EINVAL / CS_EOVERFLOW. */
int cs_big_from_str(cs_big *out, const char *text);

int cs_big_is_zero(const cs_big *a);
int cs_big_sign(const cs_big *a); /* -1, 0, 1 */
/* Compares values: <0, 0, >0. */
int cs_big_cmp(const cs_big *a, const cs_big *b);
/* Compares magnitudes. */
int cs_big_cmp_abs(const cs_big *a, const cs_big *b);

int cs_big_add(cs_big *out, const cs_big *a, const cs_big *b);
int cs_big_sub(cs_big *out, const cs_big *a, const cs_big *b);
int cs_big_mul(cs_big *out, const cs_big *a, const cs_big *b);
int cs_big_mul_u32(cs_big *out, const cs_big *a, uint32_t m);
/* Floor division: q = floor(a / b), r = a - q*b, so 0 <= r < |b| for b > 0.
** Either output may be NULL. */
int cs_big_divmod(cs_big *q, cs_big *r, const cs_big *a, const cs_big *b);
/* a to the power e (e >= 0). */
int cs_big_pow_u32(cs_big *out, const cs_big *a, uint32_t e);
/* Greatest common divisor of |a| and |b| (gcd(0,0) = 0). */
int cs_big_gcd(cs_big *out, const cs_big *a, const cs_big *b);

/* 1 and the value in *out if it fits in int64, else 0. */
int cs_big_to_i64(const cs_big *a, int64_t *out);
/* Nearest double (for display and statistics only). */
double cs_big_to_double(const cs_big *a);
/* Decimal text into buf; returns CS_EINVAL if size is too small. 1300 bytes
** hold any value. */
int cs_big_to_str(const cs_big *a, char *buf, size_t size);

#endif
