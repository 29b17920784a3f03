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

/* floor((whole + e / 2^128) * scale + 1/2), or -1 when too large. */
static int round_at(cs_u128 whole, cs_u128 e, uint32_t scale, int64_t *out) {
  cs_u128 lo = (cs_u128)(uint64_t)e * scale;
  cs_u128 hi = (e >> 64) * scale + (lo >> 64);
  cs_u128 rest = (hi << 64) | (uint64_t)lo; /* the fraction of e * scale */
  uint64_t carry = (uint64_t)(hi >> 64);
  const cs_u128 half = (cs_u128)1 << 127;
  if (rest >= half) carry++;
  if (whole > (cs_u128)INT64_MAX / scale) return -1;
  cs_u128 v = whole * scale + carry;
  if (v > (cs_u128)INT64_MAX) return -1;
  *out = (int64_t)v;
  return 0;
}

int cs_fx_round(const cs_fx_value *v, uint32_t scale, int64_t *out) {
  int64_t a, b;
  if (round_at(v->whole, v->lo, scale, &a) || round_at(v->whole, v->hi, scale, &b) || a != b)
    return -1;
  *out = a;
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
  qsort_r(tmp, n, sizeof *tmp, by_fraction, &o);
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
