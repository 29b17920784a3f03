/*
** share_fx.c: shares of one exact amount in machine words, with the
** certainty of every answer checked (share_fx.h).
*/
#define _GNU_SOURCE /* qsort_r */
#include <stdlib.h>
#include <string.h>
#include "share_fx.h"

int cs_fx_init(cs_fx *fx, const cs_big *x, const cs_big *d) {
  cs_big q, r, shifted;
  int64_t whole;
  if (cs_big_sign(x) < 0 || cs_big_sign(d) <= 0) return -1;
  if (cs_big_divmod(&q, &r, x, d) != CS_OK || !cs_big_to_i64(&q, &whole)) return -1;
  /* f = floor(r * 2^128 / d): r shifted up by four 32-bit limbs */
  if (r.n + 4 > CS_BIG_LIMBS) return -1;
  memset(&shifted, 0, sizeof shifted);
  shifted.n = r.n ? r.n + 4 : 0;
  memcpy(&shifted.limb[4], r.limb, (size_t)r.n * sizeof r.limb[0]);
  if (cs_big_divmod(&q, &r, &shifted, d) != CS_OK || q.n > 4) return -1;
  cs_u128 f = 0;
  for (int i = q.n - 1; i >= 0; i--) f = (f << 32) | q.limb[i];
  fx->whole = (cs_u128)(uint64_t)whole;
  fx->f = f;
  fx->exact = cs_big_is_zero(&r);
  return 0;
}

int cs_fx_times(const cs_fx *fx, uint64_t m, cs_fx_value *out) {
  /* f * m as 192 bits: carry (the integer part) and a 128-bit fraction */
  cs_u128 p0 = (cs_u128)(uint64_t)fx->f * m;
  cs_u128 p1 = (fx->f >> 64) * m;
  cs_u128 mid = (p0 >> 64) + (uint64_t)p1;
  uint64_t carry = (uint64_t)(p1 >> 64) + (uint64_t)(mid >> 64);
  cs_u128 frac = (mid << 64) | (uint64_t)p0;
  /* the true fraction lies in [f*m, f*m + m) / 2^128 unless f is exact;
  ** the interval is kept closed, [lo, lo + m], so that a rounding boundary
  ** anywhere inside it (scaled boundaries fall between integers) is seen */
  cs_u128 width = fx->exact ? 0 : (cs_u128)m;
  if (frac > ~(cs_u128)0 - width) return -1; /* the integer part is uncertain */
  if (fx->whole > ~(cs_u128)0 / (m ? m : 1)) return -1;
  cs_u128 whole = fx->whole * m;
  if (whole > ~(cs_u128)0 - carry) return -1;
  out->whole = whole + carry;
  out->lo = frac;
  out->hi = frac + width;
  return 0;
}

/* v * 100 for the fraction e (0 <= e < 2^128): the whole hundredths it
** adds (0..99) into *h, and the rest of e * 100 below 2^128 into *rest. */
static void times100(cs_u128 e, uint64_t *h, cs_u128 *rest) {
  cs_u128 lo = (cs_u128)(uint64_t)e * 100;
  cs_u128 hi = (e >> 64) * 100 + (lo >> 64);
  *rest = (hi << 64) | (uint64_t)lo;
  *h = (uint64_t)(hi >> 64);
}

int cs_fx_cents(const cs_fx_value *v, int64_t *cents, int64_t *whole) {
  /* 100 v = 100 whole + h + rest / 2^128 for the interval's low end; the
  ** high end is at most 100 (hi - lo) / 2^128 further */
  uint64_t h;
  cs_u128 rest, width = v->hi - v->lo;
  times100(v->lo, &h, &rest);
  if (width > ~(cs_u128)0 / 100) return -1;
  cs_u128 w100 = width * 100;
  if (rest > ~(cs_u128)0 - w100) return -1; /* the high end has one hundredth more */
  const cs_u128 half = (cs_u128)1 << 127;
  if (rest < half && rest + w100 >= half) return -1; /* straddles the half */
  if (v->whole > (cs_u128)(INT64_MAX / 100 - 1)) return -1;
  /* floor(100 v) and whether its fraction is at least a half: cents are
  ** floor(100 v + 1/2), kroner floor((floor(100 v) + 50) / 100) = floor(v + 1/2) */
  int64_t floor100 = (int64_t)(v->whole * 100 + h);
  *cents = floor100 + (rest >= half);
  *whole = floor100 / 100 + (floor100 % 100 >= 50); /* (floor100 + 50) / 100 could overflow */
  return 0;
}

typedef struct order {
  const cs_fx_value *v;
  const char *const *codes;
} order;

static int by_fraction(const void *pa, const void *pb, void *ctx) {
  const order *o = ctx;
  size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
  const cs_fx_value *va = &o->v[a], *vb = &o->v[b];
  if (va->lo != vb->lo) return va->lo < vb->lo ? 1 : -1; /* larger fraction first */
  int c = strcmp(o->codes ? o->codes[a] : "", o->codes ? o->codes[b] : "");
  if (c) return c;
  return (a > b) - (a < b);
}

/* 1 if the two values are certainly equal. */
static int same_value(const cs_fx_value *a, const cs_fx_value *b, uint64_t ma, uint64_t mb) {
  if (ma == mb) return 1; /* the same multiple of X/D */
  return a->lo == a->hi && b->lo == b->hi && a->lo == b->lo;
}

int cs_fx_largest_remainder(int64_t *out, const cs_fx_value *v, const uint64_t *m,
                            const char *const *codes, size_t n, int64_t extra, size_t *tmp) {
  if (extra < 0 || (uint64_t)extra > n) return -1;
  for (size_t i = 0; i < n; i++) {
    if (v[i].whole > (cs_u128)INT64_MAX) return -1;
    out[i] = (int64_t)v[i].whole;
    tmp[i] = i;
  }
  if (extra == 0) return 0;
  order o = {v, codes};
  if (n <= 64) {
    /* insertion sort: a year has a few dozen members */
    for (size_t i = 1; i < n; i++) {
      size_t x = tmp[i], j = i;
      for (; j > 0 && by_fraction(&tmp[j - 1], &x, &o) > 0; j--) tmp[j] = tmp[j - 1];
      tmp[j] = x;
    }
  } else {
    qsort_r(tmp, n, sizeof *tmp, by_fraction, &o);
  }
  /* every neighbour in that order is certainly in order: a larger
  ** fraction for certain, or certainly the same value (then the code
  ** decides, as the sort did) */
  for (size_t k = 0; k + 1 < n; k++) {
    size_t a = tmp[k], b = tmp[k + 1];
    if (v[a].lo > v[b].hi) continue;
    if (same_value(&v[a], &v[b], m[a], m[b])) continue;
    return -1;
  }
  for (int64_t k = 0; k < extra; k++) out[tmp[k]] += 1;
  return 0;
}
