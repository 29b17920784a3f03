/*
** q.c: exact rationals over cs_big, always in lowest terms with den > 0.
*/
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "coopsim/q.h"
#include "fmt_num.h"

#define TRY(x) do { int rc_ = (x); if (rc_) return rc_; } while (0)

static void big_one(cs_big *b) { cs_big_from_u64(b, 1); }

/* *out = *x, only the limbs in use. */
static void copy_limbs(cs_big *out, const cs_big *x) {
  out->neg = x->neg;
  out->n = x->n;
  memcpy(out->limb, x->limb, (size_t)x->n * sizeof x->limb[0]);
}

/*
** The fast path. Money in a scenario is small: numerators and denominators
** almost always fit in 64 bits. When both operands' parts do, an operation is
** done in int64 (products and sums checked with __builtin_*_overflow, exact
** comparisons in __int128) and the result written in lowest terms, which is
** the one canonical form, so it is the same value, bit for bit, that the
** general path over cs_big would give. Any overflow falls back to the general
** path; results never lose precision. Only the limbs in use are written: a
** cs_q is over a kilobyte, and copying whole structs was much of the cost.
*/
int cs_q_fast_path = 1;

/* 1 and *v if b fits in an int64 other than INT64_MIN (so |v| is an int64). */
static inline int small(const cs_big *b, int64_t *v) {
  if (b->n > 2) return 0;
  uint64_t m = b->n == 0 ? 0 : b->n == 1 ? b->limb[0] : ((uint64_t)b->limb[1] << 32) | b->limb[0];
  if (m > (uint64_t)INT64_MAX) return 0;
  *v = b->neg ? -(int64_t)m : (int64_t)m;
  return 1;
}

/* Both parts of a as int64 (den > 0 by the invariant). */
static inline int small_q(const cs_q *a, int64_t *n, int64_t *d) {
  return cs_q_fast_path && small(&a->num, n) && small(&a->den, d);
}

static inline uint64_t gcd_u64(uint64_t a, uint64_t b) {
  if (a == 0) return b;
  if (b == 0) return a;
  int shift = __builtin_ctzll(a | b);
  a >>= __builtin_ctzll(a);
  do {
    b >>= __builtin_ctzll(b);
    if (a > b) {
      uint64_t t = a;
      a = b;
      b = t;
    }
    b -= a;
  } while (b);
  return a << shift;
}

static inline uint64_t uabs(int64_t v) { return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v; }

/* out = n/d, already in lowest terms with d > 0. */
static inline void set_small(cs_q *out, int64_t n, int64_t d) {
  cs_big_from_i64(&out->num, n);
  cs_big_from_i64(&out->den, d);
}

/* n/d in lowest terms (d != 0); 0 on success, -1 when it does not fit. */
static int set_reduced(cs_q *out, int64_t n, int64_t d) {
  if (n == INT64_MIN || d == INT64_MIN) return -1;
  if (d < 0) {
    n = -n;
    d = -d;
  }
  if (n == 0) {
    set_small(out, 0, 1);
    return 0;
  }
  uint64_t g = gcd_u64(uabs(n), (uint64_t)d);
  set_small(out, n / (int64_t)g, d / (int64_t)g);
  return 0;
}

/* a + b for small operands (Knuth 4.5.1: reduce by gcd(ad, bd) first). */
static int add_small(cs_q *out, int64_t an, int64_t ad, int64_t bn, int64_t bd) {
  if (ad == bd) {
    int64_t t;
    if (__builtin_add_overflow(an, bn, &t)) return -1;
    return set_reduced(out, t, ad);
  }
  int64_t g = (int64_t)gcd_u64((uint64_t)ad, (uint64_t)bd);
  int64_t t1, t2, t, den;
  if (__builtin_mul_overflow(an, bd / g, &t1) || __builtin_mul_overflow(bn, ad / g, &t2) ||
      __builtin_add_overflow(t1, t2, &t) || t == INT64_MIN)
    return -1;
  if (t == 0) {
    set_small(out, 0, 1);
    return 0;
  }
  int64_t g2 = (int64_t)gcd_u64(uabs(t), (uint64_t)g);
  if (__builtin_mul_overflow(ad / g, bd / g2, &den)) return -1;
  set_small(out, t / g2, den);
  return 0;
}

/* (an/ad) * (bn/bd) for small operands in lowest terms: cross-reduce first,
** then the product is in lowest terms too. */
static int mul_small(cs_q *out, int64_t an, int64_t ad, int64_t bn, int64_t bd) {
  if (an == 0 || bn == 0) {
    set_small(out, 0, 1);
    return 0;
  }
  int64_t g1 = (int64_t)gcd_u64(uabs(an), (uint64_t)bd);
  int64_t g2 = (int64_t)gcd_u64(uabs(bn), (uint64_t)ad);
  int64_t n, d;
  if (__builtin_mul_overflow(an / g1, bn / g2, &n) || __builtin_mul_overflow(ad / g2, bd / g1, &d) ||
      n == INT64_MIN)
    return -1;
  set_small(out, n, d);
  return 0;
}

void cs_q_copy(cs_q *out, const cs_q *a) {
  if (out == a) return;
  out->num.neg = a->num.neg;
  out->num.n = a->num.n;
  memcpy(out->num.limb, a->num.limb, (size_t)a->num.n * sizeof a->num.limb[0]);
  out->den.neg = a->den.neg;
  out->den.n = a->den.n;
  memcpy(out->den.limb, a->den.limb, (size_t)a->den.n * sizeof a->den.limb[0]);
}

void cs_q_zero(cs_q *out) {
  cs_big_from_u64(&out->num, 0);
  big_one(&out->den);
}

void cs_q_from_i64(cs_q *out, int64_t v) {
  cs_big_from_i64(&out->num, v);
  big_one(&out->den);
}

/* |x| >> bits (bits < 32 * CS_BIG_LIMBS). */
static void shift_right(cs_big *x, int bits) {
  int w = bits / 32, b = bits % 32;
  if (w >= x->n) {
    x->n = 0;
    x->neg = 0;
    return;
  }
  for (int i = 0; i + w < x->n; i++) {
    uint64_t lo = x->limb[i + w], hi = i + w + 1 < x->n ? x->limb[i + w + 1] : 0;
    x->limb[i] = (uint32_t)(((hi << 32) | lo) >> b);
  }
  x->n -= w;
  while (x->n > 0 && x->limb[x->n - 1] == 0) x->n--;
  if (x->n == 0) x->neg = 0;
}

/* How often 2 divides x (x != 0). */
static int twos(const cs_big *x) {
  int i = 0;
  while (x->limb[i] == 0) i++;
  return 32 * i + __builtin_ctz(x->limb[i]);
}

/* How often 5 divides |x| (x != 0), at most max times; *x is divided by
** 5 that many times. Chunks of 5^13 (the largest power in a limb), then
** 5^8, 5^4, 5^2, 5 once each. */
static int fives(cs_big *x, int max) {
  static const uint32_t pow5[] = {5u, 25u, 625u, 390625u, 1220703125u};
  static const int exp5[] = {1, 2, 4, 8, 13};
  int count = 0;
  cs_big p, q, r;
  cs_big_from_u64(&p, pow5[4]);
  while (count + 13 <= max && cs_big_divmod(&q, &r, x, &p) == CS_OK && r.n == 0) {
    copy_limbs(x, &q);
    count += 13;
  }
  for (int k = 3; k >= 0; k--) {
    if (count + exp5[k] > max) continue;
    cs_big_from_u64(&p, pow5[k]);
    if (cs_big_divmod(&q, &r, x, &p) == CS_OK && r.n == 0) {
      copy_limbs(x, &q);
      count += exp5[k];
    }
  }
  return count;
}

/* Money is decimal: denominators are mostly 2^x 5^y (rates such as 0.035,
** and their powers). Then gcd(num, den) = 2^min(x, v2(num)) 5^min(y,
** v5(num)), found by counting, without Euclid's divisions of big numbers.
** Reduces a (num != 0, den > 0) and returns 1, or 0 when den has another
** prime factor (a is left alone). */
static int reduce_decimal(cs_q *a) {
  cs_big d, n;
  copy_limbs(&d, &a->den);
  int x = twos(&d);
  shift_right(&d, x);
  int y = fives(&d, 1 << 20);
  if (!(d.n == 1 && d.limb[0] == 1)) return 0;
  copy_limbs(&n, &a->num);
  n.neg = 0;
  int nx = twos(&n);
  if (nx > x) nx = x;
  shift_right(&n, nx);
  int ny = fives(&n, y);
  /* n is |num| / (2^nx 5^ny); the denominator 2^(x-nx) 5^(y-ny) */
  cs_big den;
  copy_limbs(&den, &a->den);
  shift_right(&den, nx);
  for (int k = ny; k > 0; k -= 13) {
    cs_big p;
    cs_big_from_u64(&p, k >= 13 ? 1220703125u : 1);
    if (k < 13)
      for (int j = 0; j < k; j++) p.limb[0] *= 5;
    if (cs_big_divmod(&den, NULL, &den, &p)) return 0;
  }
  int neg = a->num.neg;
  copy_limbs(&a->num, &n);
  a->num.neg = neg && a->num.n > 0;
  copy_limbs(&a->den, &den);
  return 1;
}

/* Divides num and den by their gcd and makes den positive. */
static int normalise(cs_q *a) {
  if (cs_big_is_zero(&a->den)) return CS_EINVAL;
  int64_t n, d;
  if (cs_q_fast_path && small(&a->num, &n) && small(&a->den, &d) && set_reduced(a, n, d) == 0)
    return CS_OK;
  if (cs_big_is_zero(&a->num)) {
    big_one(&a->den);
    return CS_OK;
  }
  if (a->den.neg) {
    a->den.neg = 0;
    a->num.neg = !a->num.neg;
  }
  if (cs_q_fast_path && reduce_decimal(a)) return CS_OK;
  cs_big g;
  TRY(cs_big_gcd(&g, &a->num, &a->den));
  if (!(g.n == 1 && g.limb[0] == 1)) {
    TRY(cs_big_divmod(&a->num, NULL, &a->num, &g));
    TRY(cs_big_divmod(&a->den, NULL, &a->den, &g));
  }
  return CS_OK;
}

int cs_q_normalise(cs_q *a) { return normalise(a); }

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

/* n + a for an integer n and a in lowest terms: (n * den + num) / den is in
** lowest terms too (gcd(num + n den, den) = gcd(num, den) = 1). */
static int add_integer(cs_q *out, const cs_big *n, const cs_q *a) {
  cs_q r;
  TRY(cs_big_mul(&r.num, n, &a->den));
  TRY(cs_big_add(&r.num, &r.num, &a->num));
  r.den = a->den;
  cs_q_copy(out, &r);
  return CS_OK;
}

int cs_q_add(cs_q *out, const cs_q *a, const cs_q *b) {
  int64_t an, ad, bn, bd;
  if (small_q(a, &an, &ad) && small_q(b, &bn, &bd) && add_small(out, an, ad, bn, bd) == 0)
    return CS_OK;
  /* with one side zero or an integer no gcd is needed (operands are in
  ** lowest terms by the invariant) */
  if (cs_q_fast_path && cs_big_is_zero(&a->num)) {
    cs_q_copy(out, b);
    return CS_OK;
  }
  if (cs_q_fast_path && cs_big_is_zero(&b->num)) {
    cs_q_copy(out, a);
    return CS_OK;
  }
  if (cs_q_fast_path && cs_q_is_integer(a)) return add_integer(out, &a->num, b);
  if (cs_q_fast_path && cs_q_is_integer(b)) return add_integer(out, &b->num, a);
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
  cs_q_copy(out, &r);
  return CS_OK;
}

int cs_q_sub(cs_q *out, const cs_q *a, const cs_q *b) {
  int64_t an, ad, bn, bd;
  if (small_q(a, &an, &ad) && small_q(b, &bn, &bd) && add_small(out, an, ad, -bn, bd) == 0)
    return CS_OK;
  cs_q nb;
  cs_q_copy(&nb, b);
  if (!cs_big_is_zero(&nb.num)) nb.num.neg = !nb.num.neg;
  return cs_q_add(out, a, &nb);
}

/* gcd(|a|, m) for m > 0 small: one pass of a mod m, then machine words. */
static uint64_t gcd_big_u64(const cs_big *a, uint64_t m) {
  cs_big mb, r;
  cs_big_from_u64(&mb, m);
  if (cs_big_divmod(NULL, &r, a, &mb)) return 1;
  int64_t rv = 0;
  cs_big_to_i64(&r, &rv); /* 0 <= r < m <= INT64_MAX */
  return gcd_u64((uint64_t)rv, m);
}

/* Divides |x| by the small d (d divides it exactly, d >= 1). */
static int div_exact_u64(cs_big *x, uint64_t d) {
  if (d == 1) return CS_OK;
  cs_big db;
  cs_big_from_u64(&db, d);
  return cs_big_divmod(x, NULL, x, &db);
}

/* a * b where b's numerator and denominator are small and both operands are
** in lowest terms: cross-reduce first (Knuth 4.5.1), g1 = gcd(a.num, b.den),
** g2 = gcd(b.num, a.den); the product is then in lowest terms with no gcd of
** two big numbers. */
static int mul_by_small(cs_q *out, const cs_q *a, int64_t bn, int64_t bd) {
  if (bn == 0 || cs_big_is_zero(&a->num)) {
    cs_q_zero(out);
    return CS_OK;
  }
  uint64_t g1 = gcd_big_u64(&a->num, (uint64_t)bd);
  uint64_t g2 = gcd_big_u64(&a->den, uabs(bn));
  cs_q r;
  cs_q_copy(&r, a);
  cs_big m;
  TRY(div_exact_u64(&r.num, g1));
  TRY(div_exact_u64(&r.den, g2));
  cs_big_from_i64(&m, bn / (int64_t)g2);
  TRY(cs_big_mul(&r.num, &r.num, &m));
  cs_big_from_i64(&m, bd / (int64_t)g1);
  TRY(cs_big_mul(&r.den, &r.den, &m));
  cs_q_copy(out, &r);
  return CS_OK;
}

int cs_q_mul(cs_q *out, const cs_q *a, const cs_q *b) {
  int64_t an, ad, bn, bd;
  int sa = small_q(a, &an, &ad), sb = small_q(b, &bn, &bd);
  if (sa && sb && mul_small(out, an, ad, bn, bd) == 0) return CS_OK;
  if (sb && bn != INT64_MIN) return mul_by_small(out, a, bn, bd);
  if (sa && an != INT64_MIN) return mul_by_small(out, b, an, ad);
  cs_q r;
  TRY(cs_big_mul(&r.num, &a->num, &b->num));
  TRY(cs_big_mul(&r.den, &a->den, &b->den));
  TRY(normalise(&r));
  cs_q_copy(out, &r);
  return CS_OK;
}

int cs_q_div(cs_q *out, const cs_q *a, const cs_q *b) {
  if (cs_big_is_zero(&b->num)) return CS_EINVAL;
  int64_t an, ad, bn, bd;
  /* a / b = a * (bd / bn), the inverse with its sign on the numerator */
  int sa = small_q(a, &an, &ad), sb = small_q(b, &bn, &bd);
  if (sa && sb && mul_small(out, an, ad, bn < 0 ? -bd : bd, bn < 0 ? -bn : bn) == 0)
    return CS_OK;
  if (sb) return mul_by_small(out, a, bn < 0 ? -bd : bd, bn < 0 ? -bn : bn);
  cs_q r;
  TRY(cs_big_mul(&r.num, &a->num, &b->den));
  TRY(cs_big_mul(&r.den, &a->den, &b->num));
  TRY(normalise(&r));
  cs_q_copy(out, &r);
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
  int64_t an, ad, bn, bd;
  if (small_q(a, &an, &ad) && small_q(b, &bn, &bd)) {
    __int128 x = (__int128)an * bd, y = (__int128)bn * ad; /* exact: |products| < 2^126 */
    return (x > y) - (x < y);
  }
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
  int64_t n, d;
  if (small_q(a, &n, &d)) {
    int64_t q = n / d, r = n % d;
    if (r < 0) { /* C truncates toward zero; floor goes one lower */
      q--;
      r += d;
    }
    if (whole) cs_big_from_i64(whole, q);
    if (frac) set_reduced(frac, r, d); /* 0 <= r < d: cannot fail */
    return CS_OK;
  }
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
  int64_t n, d;
  if (decimals <= 18 && small_q(a, &n, &d)) {
    /* |n| * 10^18 < 2^123, so 2 |n| 10^k + d < 2^125: exact in 128 bits */
    unsigned __int128 s = 1;
    for (int i = 0; i < decimals; i++) s *= 10;
    unsigned __int128 num = (unsigned __int128)uabs(n) * s;
    unsigned __int128 r = (2 * num + (uint64_t)d) / (2 * (unsigned __int128)(uint64_t)d);
    out->neg = 0;
    out->n = 0;
    while (r) {
      out->limb[out->n++] = (uint32_t)r;
      r >>= 32;
    }
    return CS_OK;
  }
  cs_q t;
  cs_q_copy(&t, a);
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
  int64_t n, d;
  if (small_q(a, &n, &d)) {
    /* floor((2|n| + d) / 2d): |n|, d < 2^63, so 128 bits hold the sum */
    unsigned __int128 r = (2 * (unsigned __int128)uabs(n) + (uint64_t)d) / (2 * (unsigned __int128)(uint64_t)d);
    if (r > (uint64_t)INT64_MAX) return CS_EOVERFLOW;
    *out = n < 0 ? -(int64_t)r : (int64_t)r;
    return CS_OK;
  }
  cs_big r;
  TRY(scaled_round_abs(&r, a, 0));
  if (a->num.neg && !cs_big_is_zero(&r)) r.neg = 1;
  return cs_big_to_i64(&r, out) ? CS_OK : CS_EOVERFLOW;
}

int cs_q_small(const cs_q *a, int64_t *num, int64_t *den) {
  return small(&a->num, num) && small(&a->den, den);
}

int cs_q_cents(const cs_q *a, int64_t *cents, int64_t *whole) {
  int64_t n, d;
  uint64_t q100;
  int up;
  if (small_q(a, &n, &d)) {
    unsigned __int128 x = (unsigned __int128)uabs(n) * 100;
    unsigned __int128 q = x / (uint64_t)d, r = x % (uint64_t)d;
    if (q > (uint64_t)INT64_MAX - 100) return CS_EOVERFLOW;
    q100 = (uint64_t)q;
    up = 2 * r >= (uint64_t)d;
  } else {
    cs_big x, q, r;
    int64_t qv;
    x = a->num;
    x.neg = 0;
    TRY(cs_big_mul_u32(&x, &x, 100));
    TRY(cs_big_divmod(&q, &r, &x, &a->den));
    if (!cs_big_to_i64(&q, &qv) || qv > INT64_MAX - 100) return CS_EOVERFLOW;
    q100 = (uint64_t)qv;
    TRY(cs_big_mul_u32(&r, &r, 2));
    up = cs_big_cmp_abs(&r, &a->den) >= 0;
  }
  /* floor(100|a| + 1/2), and floor(|a| + 1/2) = floor((floor(100|a|) + 50) / 100) */
  int64_t c = (int64_t)(q100 + (uint64_t)up), w = (int64_t)((q100 + 50) / 100);
  int neg = a->num.neg;
  *cents = neg ? -c : c;
  *whole = neg ? -w : w;
  return CS_OK;
}

/* digits: the magnitude rounded to `decimals` places, as decimal digits. */
static int format_digits(const char *digits, int neg, int decimals, const char *group,
                         const char *point, char *buf, size_t size);

int cs_q_format_cents(int64_t cents, const char *group, const char *point, char *buf,
                      size_t size) {
  /* the digits by hand (fmt_num.h): this runs for every amount of every
  ** report; room before them for the zeros of "0.05" */
  char digits[32], *d = digits + 2;
  size_t len = cs_fmt_uint(d, uabs(cents));
  d[len] = '\0';
  if (group) return format_digits(d, cents < 0, 2, group, point, buf, size);
  /* without grouping (every document's amount): at least one digit before the point */
  for (; len < 3; len++) *--d = '0';
  size_t plen = point ? strlen(point) : 1;
  if (2 + len + plen > size) return CS_EINVAL;
  char *o = buf;
  if (cents < 0) *o++ = '-';
  memcpy(o, d, len - 2);
  o += len - 2;
  memcpy(o, point ? point : ".", plen);
  o += plen;
  memcpy(o, d + len - 2, 2);
  o[2] = '\0';
  return CS_OK;
}

int cs_q_format_int(int64_t v, const char *group, char *buf, size_t size) {
  char digits[24];
  digits[cs_fmt_uint(digits, uabs(v))] = '\0';
  return format_digits(digits, v < 0, 0, group, NULL, buf, size);
}

int cs_q_format(const cs_q *a, int decimals, const char *group, const char *point,
                char *buf, size_t size) {
  char digits[1400];
  cs_big r;
  if (decimals < 0 || decimals > 40) return CS_EINVAL;
  TRY(scaled_round_abs(&r, a, decimals));
  TRY(cs_big_to_str(&r, digits, sizeof digits));
  return format_digits(digits, a->num.neg && !cs_big_is_zero(&r), decimals, group, point, buf,
                       size);
}

/* digits (a whole number's, without sign) with the point put decimals
** places from the right, zeros before them so that at least one digit
** comes before the point, the whole part grouped by three from the right.
** Written straight into buf: it runs for every amount of an explanation. */
static int format_digits(const char *digits, int neg, int decimals, const char *group,
                         const char *point, char *buf, size_t size) {
  size_t len = strlen(digits);
  size_t pad = (int)len <= decimals ? (size_t)decimals + 1 - len : 0; /* the zeros before */
  size_t all = pad + len, intlen = all - (size_t)decimals;
  size_t glen = group ? strlen(group) : 0, plen = point ? strlen(point) : 1; /* NULL: "." */
  size_t need = 2 + all + (glen * (intlen / 3)) + plen;
  if (need > size) return CS_EINVAL;
  char *o = buf;
  if (neg) *o++ = '-';
  size_t i = 0, run = intlen % 3 ? intlen % 3 : 3; /* the first group's digits */
  while (i < intlen) {
    if (i > 0 && glen) {
      memcpy(o, group, glen);
      o += glen;
    }
    for (size_t end = i + run; i < end; i++) *o++ = i < pad ? '0' : digits[i - pad];
    run = 3;
  }
  if (decimals > 0) {
    memcpy(o, point ? point : ".", plen);
    o += plen;
    for (; i < all; i++) *o++ = i < pad ? '0' : digits[i - pad];
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
