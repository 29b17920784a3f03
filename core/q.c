/*
** q.c: exact rationals over cs_big, always in lowest terms with den > 0.
*/
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "coopsim/q.h"

#define TRY(x) do { int rc_ = (x); if (rc_) return rc_; } while (0)

static void big_one(cs_big *b) { cs_big_from_u64(b, 1); }

void cs_q_zero(cs_q *out) {
  cs_big_from_u64(&out->num, 0);
  big_one(&out->den);
}

void cs_q_from_i64(cs_q *out, int64_t v) {
  cs_big_from_i64(&out->num, v);
  big_one(&out->den);
}

/* Divides num and den by their gcd and makes den positive. */
static int normalise(cs_q *a) {
  if (cs_big_is_zero(&a->den)) return CS_EINVAL;
  if (cs_big_is_zero(&a->num)) {
    big_one(&a->den);
    return CS_OK;
  }
  if (a->den.neg) {
    a->den.neg = 0;
    a->num.neg = !a->num.neg;
  }
  cs_big g;
  TRY(cs_big_gcd(&g, &a->num, &a->den));
  if (!(g.n == 1 && g.limb[0] == 1)) {
    TRY(cs_big_divmod(&a->num, NULL, &a->num, &g));
    TRY(cs_big_divmod(&a->den, NULL, &a->den, &g));
  }
  return CS_OK;
}

int cs_q_from_frac(cs_q *out, int64_t num, int64_t den) {
  if (den == 0) return CS_EINVAL;
  cs_big_from_i64(&out->num, num);
  cs_big_from_i64(&out->den, den);
  return normalise(out);
}

int cs_q_from_decimal(cs_q *out, const char *text) {
  const char *p = text;
  int neg = 0, ndig = 0, frac_digits = 0;
  long exp10 = 0;
  cs_big mant, ten;
  cs_big_from_u64(&mant, 0);
  cs_big_from_u64(&ten, 10);
  if (*p == '-' || *p == '+') neg = (*p++ == '-');
  for (; isdigit((unsigned char)*p); p++, ndig++) {
    TRY(cs_big_mul_u32(&mant, &mant, 10));
    cs_big d;
    cs_big_from_u64(&d, (uint64_t)(*p - '0'));
    TRY(cs_big_add(&mant, &mant, &d));
  }
  if (*p == '.') {
    p++;
    for (; isdigit((unsigned char)*p); p++, ndig++, frac_digits++) {
      TRY(cs_big_mul_u32(&mant, &mant, 10));
      cs_big d;
      cs_big_from_u64(&d, (uint64_t)(*p - '0'));
      TRY(cs_big_add(&mant, &mant, &d));
    }
  }
  if (ndig == 0) return CS_EINVAL;
  if (*p == 'e' || *p == 'E') {
    p++;
    int eneg = 0, edig = 0;
    if (*p == '-' || *p == '+') eneg = (*p++ == '-');
    for (; isdigit((unsigned char)*p); p++, edig++) {
      if (exp10 > 100000) return CS_EOVERFLOW;
      exp10 = exp10 * 10 + (*p - '0');
    }
    if (edig == 0) return CS_EINVAL;
    if (eneg) exp10 = -exp10;
  }
  if (*p != '\0') return CS_EINVAL;
  exp10 -= frac_digits;
  if (exp10 > 1200 || exp10 < -1200) return CS_EOVERFLOW;
  cs_big scale;
  TRY(cs_big_pow_u32(&scale, &ten, (uint32_t)labs(exp10)));
  if (exp10 >= 0) {
    TRY(cs_big_mul(&out->num, &mant, &scale));
    big_one(&out->den);
  } else {
    out->num = mant;
    out->den = scale;
  }
  if (neg && !cs_big_is_zero(&out->num)) out->num.neg = 1;
  return normalise(out);
}

int cs_q_from_double(cs_q *out, double v) {
  if (!isfinite(v)) return CS_EINVAL;
  char buf[64];
  for (int prec = 1; prec <= 17; prec++) {
    snprintf(buf, sizeof buf, "%.*g", prec, v);
    if (strtod(buf, NULL) == v) break;
  }
  return cs_q_from_decimal(out, buf);
}

int cs_q_add(cs_q *out, const cs_q *a, const cs_q *b) {
  cs_q r;
  if (cs_big_cmp(&a->den, &b->den) == 0) {
    TRY(cs_big_add(&r.num, &a->num, &b->num));
    r.den = a->den;
  } else {
    cs_big t1, t2;
    TRY(cs_big_mul(&t1, &a->num, &b->den));
    TRY(cs_big_mul(&t2, &b->num, &a->den));
    TRY(cs_big_add(&r.num, &t1, &t2));
    TRY(cs_big_mul(&r.den, &a->den, &b->den));
  }
  TRY(normalise(&r));
  *out = r;
  return CS_OK;
}

int cs_q_sub(cs_q *out, const cs_q *a, const cs_q *b) {
  cs_q nb = *b;
  if (!cs_big_is_zero(&nb.num)) nb.num.neg = !nb.num.neg;
  return cs_q_add(out, a, &nb);
}

int cs_q_mul(cs_q *out, const cs_q *a, const cs_q *b) {
  cs_q r;
  TRY(cs_big_mul(&r.num, &a->num, &b->num));
  TRY(cs_big_mul(&r.den, &a->den, &b->den));
  TRY(normalise(&r));
  *out = r;
  return CS_OK;
}

int cs_q_div(cs_q *out, const cs_q *a, const cs_q *b) {
  if (cs_big_is_zero(&b->num)) return CS_EINVAL;
  cs_q r;
  TRY(cs_big_mul(&r.num, &a->num, &b->den));
  TRY(cs_big_mul(&r.den, &a->den, &b->num));
  TRY(normalise(&r));
  *out = r;
  return CS_OK;
}

int cs_q_pow(cs_q *out, const cs_q *a, int e) {
  cs_q r;
  unsigned ue = (unsigned)(e < 0 ? -(long)e : e);
  TRY(cs_big_pow_u32(&r.num, &a->num, ue));
  TRY(cs_big_pow_u32(&r.den, &a->den, ue));
  if (e < 0) {
    if (cs_big_is_zero(&r.num)) return CS_EINVAL;
    cs_big t = r.num;
    r.num = r.den;
    r.den = t;
  }
  TRY(normalise(&r));
  *out = r;
  return CS_OK;
}

int cs_q_mul_i64(cs_q *out, const cs_q *a, int64_t m) {
  cs_q b;
  cs_q_from_i64(&b, m);
  return cs_q_mul(out, a, &b);
}

int cs_q_cmp(const cs_q *a, const cs_q *b) {
  cs_big t1, t2;
  if (cs_big_cmp(&a->den, &b->den) == 0) return cs_big_cmp(&a->num, &b->num);
  /* Products of two in-range values can only overflow if both are huge;
  ** fall back to comparing doubles, which cannot happen in practice. */
  if (cs_big_mul(&t1, &a->num, &b->den) || cs_big_mul(&t2, &b->num, &a->den)) {
    double x = cs_q_to_double(a), y = cs_q_to_double(b);
    return (x > y) - (x < y);
  }
  return cs_big_cmp(&t1, &t2);
}

int cs_q_sign(const cs_q *a) { return cs_big_sign(&a->num); }
int cs_q_is_zero(const cs_q *a) { return cs_big_is_zero(&a->num); }
int cs_q_is_integer(const cs_q *a) { return a->den.n == 1 && a->den.limb[0] == 1; }

int cs_q_floor(cs_big *whole, cs_q *frac, const cs_q *a) {
  cs_big q, r;
  TRY(cs_big_divmod(&q, &r, &a->num, &a->den));
  if (whole) *whole = q;
  if (frac) {
    frac->num = r;
    frac->den = a->den;
    TRY(normalise(frac));
  }
  return CS_OK;
}

/* Rounds |a| * 10^decimals half up into *out (a non-negative integer). */
static int scaled_round_abs(cs_big *out, const cs_q *a, int decimals) {
  cs_q t = *a;
  t.num.neg = 0;
  cs_big ten, s;
  cs_big_from_u64(&ten, 10);
  TRY(cs_big_pow_u32(&s, &ten, (uint32_t)decimals));
  TRY(cs_big_mul(&t.num, &t.num, &s));
  /* floor(x + 1/2) = floor((2 num + den) / (2 den)) */
  cs_big n2, d2;
  TRY(cs_big_mul_u32(&n2, &t.num, 2));
  TRY(cs_big_add(&n2, &n2, &t.den));
  TRY(cs_big_mul_u32(&d2, &t.den, 2));
  return cs_big_divmod(out, NULL, &n2, &d2);
}

int cs_q_round_i64(const cs_q *a, int64_t *out) {
  cs_big r;
  TRY(scaled_round_abs(&r, a, 0));
  if (a->num.neg && !cs_big_is_zero(&r)) r.neg = 1;
  return cs_big_to_i64(&r, out) ? CS_OK : CS_EOVERFLOW;
}

int cs_q_format(const cs_q *a, int decimals, const char *group, const char *point,
                char *buf, size_t size) {
  char digits[1400];
  cs_big r;
  if (decimals < 0 || decimals > 40) return CS_EINVAL;
  TRY(scaled_round_abs(&r, a, decimals));
  TRY(cs_big_to_str(&r, digits, sizeof digits));
  size_t len = strlen(digits);
  /* pad so there is at least one digit before the point */
  char padded[1450];
  if ((int)len <= decimals) {
    size_t pad = (size_t)decimals + 1 - len;
    memset(padded, '0', pad);
    memcpy(padded + pad, digits, len + 1);
  } else {
    memcpy(padded, digits, len + 1);
  }
  len = strlen(padded);
  size_t intlen = len - (size_t)decimals;
  size_t glen = group ? strlen(group) : 0, plen = point ? strlen(point) : 0;
  size_t need = 2 + len + (glen * (intlen / 3)) + plen;
  if (need > size) return CS_EINVAL;
  char *o = buf;
  if (a->num.neg && !cs_big_is_zero(&r)) *o++ = '-';
  for (size_t i = 0; i < intlen; i++) {
    if (i > 0 && glen && (intlen - i) % 3 == 0) {
      memcpy(o, group, glen);
      o += glen;
    }
    *o++ = padded[i];
  }
  if (decimals > 0) {
    memcpy(o, point ? point : ".", point ? plen : 1);
    o += point ? plen : 1;
    memcpy(o, padded + intlen, (size_t)decimals);
    o += decimals;
  }
  *o = '\0';
  return CS_OK;
}

int cs_q_format_exact(const cs_q *a, char *buf, size_t size) {
  /* A finite decimal exists iff den has only factors 2 and 5. */
  cs_big d = a->den, r, two, five;
  cs_big_from_u64(&two, 2);
  cs_big_from_u64(&five, 5);
  int twos = 0, fives = 0;
  for (;;) {
    cs_big q;
    TRY(cs_big_divmod(&q, &r, &d, &two));
    if (!cs_big_is_zero(&r)) break;
    d = q;
    twos++;
  }
  for (;;) {
    cs_big q;
    TRY(cs_big_divmod(&q, &r, &d, &five));
    if (!cs_big_is_zero(&r)) break;
    d = q;
    fives++;
  }
  int places = twos > fives ? twos : fives;
  if (d.n == 1 && d.limb[0] == 1 && places <= 40) {
    TRY(cs_q_format(a, places, NULL, ".", buf, size));
    return CS_OK;
  }
  TRY(cs_q_format(a, 12, NULL, ".", buf, size > 4 ? size - 3 : size));
  strcat(buf, "...");
  return CS_OK;
}

/* b without its k lowest limbs (b / 2^(32 k), truncated). */
static void drop_limbs(cs_big *out, const cs_big *b, int k) {
  out->neg = b->neg;
  out->n = b->n - k;
  memcpy(out->limb, b->limb + k, (size_t)out->n * sizeof *out->limb);
}

double cs_q_to_double(const cs_q *a) {
  /* num and den may each be beyond a double's range (about 2^1024, 32
  ** limbs) while their ratio is not: 1.000...1 with 400 decimals was inf/inf
  ** = NaN. Drop the same low limbs from both, keeping four (128 bits) in the
  ** shorter, so the ratio changes by far less than a double can show. */
  int shorter = a->num.n < a->den.n ? a->num.n : a->den.n;
  if ((a->num.n > 30 || a->den.n > 30) && shorter > 4) {
    cs_big num, den;
    drop_limbs(&num, &a->num, shorter - 4);
    drop_limbs(&den, &a->den, shorter - 4);
    return cs_big_to_double(&num) / cs_big_to_double(&den);
  }
  return cs_big_to_double(&a->num) / cs_big_to_double(&a->den);
}
