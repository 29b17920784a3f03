/*
** dec.c: exact decimals n / 10^scale for the cost lines (dec.h).
*/
#include <pthread.h>
#include <string.h>
#include "dec.h"

/* Copies only the limbs in use (a cs_big is over 500 bytes). */
static void copy_big(cs_big *out, const cs_big *a) {
  out->neg = a->neg;
  out->n = a->n;
  memcpy(out->limb, a->limb, (size_t)a->n * sizeof a->limb[0]);
}

void cs_dec_copy(cs_dec *out, const cs_dec *a) {
  out->scale = a->scale;
  copy_big(&out->n, &a->n);
}

/* x *= 10^k */
static int times_pow10(cs_big *x, int k) {
  for (; k >= 9; k -= 9)
    if (cs_big_mul_u32(x, x, 1000000000u) != CS_OK) return -1;
  static const uint32_t small[9] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};
  if (k > 0 && cs_big_mul_u32(x, x, small[k]) != CS_OK) return -1;
  return 0;
}

/* 10^k for the scales cost lines reach (3 digits a year of growth), made
** once for the process; beyond it 10^k is made when asked. */
#define POW10_KEPT 160
static cs_big pow10_kept[POW10_KEPT];
static pthread_once_t pow10_once = PTHREAD_ONCE_INIT;

static void pow10_make(void) {
  cs_big_from_u64(&pow10_kept[0], 1);
  for (int k = 1; k < POW10_KEPT; k++) {
    pow10_kept[k] = pow10_kept[k - 1];
    cs_big_mul_u32(&pow10_kept[k], &pow10_kept[k], 10);
  }
}

/* 10^k as a big number, in *out or in the kept table (*p points to it) */
static int pow10_big(cs_big *out, int k, const cs_big **p) {
  if (k >= 0 && k < POW10_KEPT) {
    pthread_once(&pow10_once, pow10_make);
    *p = &pow10_kept[k];
    return 0;
  }
  cs_big_from_u64(out, 1);
  *p = out;
  return times_pow10(out, k);
}

void cs_dec_from_i64(cs_dec *out, int64_t v) {
  out->scale = 0;
  cs_big_from_i64(&out->n, v);
}

int cs_dec_from_q(cs_dec *out, const cs_q *q) {
  /* den = 2^x 5^y: the scale is max(x, y) and n = num * 10^scale / den */
  cs_big d, t, r, five;
  copy_big(&d, &q->den);
  d.neg = 0;
  if (cs_big_is_zero(&d)) return -1;
  int x = 0, y = 0;
  while (d.n && !(d.limb[0] & 1)) {
    /* halve */
    uint32_t carry = 0;
    for (int i = d.n - 1; i >= 0; i--) {
      uint32_t v = d.limb[i];
      d.limb[i] = (v >> 1) | (carry << 31);
      carry = v & 1;
    }
    while (d.n && d.limb[d.n - 1] == 0) d.n--;
    if (++x > CS_DEC_MAX_SCALE) return -1;
  }
  cs_big_from_u64(&five, 5);
  while (!(d.n == 1 && d.limb[0] == 1)) {
    if (cs_big_divmod(&t, &r, &d, &five) != CS_OK || !cs_big_is_zero(&r)) return -1;
    copy_big(&d, &t);
    if (++y > CS_DEC_MAX_SCALE) return -1;
  }
  int s = x > y ? x : y;
  /* num * 2^(s-x) * 5^(s-y) */
  copy_big(&out->n, &q->num);
  for (int i = 0; i < s - x; i++)
    if (cs_big_mul_u32(&out->n, &out->n, 2) != CS_OK) return -1;
  for (int i = 0; i < s - y; i++)
    if (cs_big_mul_u32(&out->n, &out->n, 5) != CS_OK) return -1;
  out->scale = s;
  return 0;
}

/* a and b over the larger scale into x and y */
static int align(cs_big *x, cs_big *y, int *scale, const cs_dec *a, const cs_dec *b) {
  copy_big(x, &a->n);
  copy_big(y, &b->n);
  *scale = a->scale > b->scale ? a->scale : b->scale;
  if (a->scale < *scale && times_pow10(x, *scale - a->scale)) return -1;
  if (b->scale < *scale && times_pow10(y, *scale - b->scale)) return -1;
  return 0;
}

int cs_dec_add(cs_dec *out, const cs_dec *a, const cs_dec *b) {
  cs_big x, y;
  int s;
  if (align(&x, &y, &s, a, b) || cs_big_add(&out->n, &x, &y) != CS_OK) return -1;
  out->scale = s;
  return 0;
}

int cs_dec_sub(cs_dec *out, const cs_dec *a, const cs_dec *b) {
  cs_big x, y;
  int s;
  if (align(&x, &y, &s, a, b) || cs_big_sub(&out->n, &x, &y) != CS_OK) return -1;
  out->scale = s;
  return 0;
}

int cs_dec_mul(cs_dec *out, const cs_dec *a, const cs_dec *b) {
  if (a->scale + b->scale > CS_DEC_MAX_SCALE) return -1;
  int s = a->scale + b->scale;
  if (cs_big_mul(&out->n, &a->n, &b->n) != CS_OK) return -1;
  out->scale = s;
  return 0;
}

int cs_dec_cmp(const cs_dec *a, const cs_dec *b, int *out) {
  if (a->scale == b->scale) {
    *out = cs_big_cmp(&a->n, &b->n);
    return 0;
  }
  cs_big x, y;
  int s;
  if (align(&x, &y, &s, a, b)) return -1;
  *out = cs_big_cmp(&x, &y);
  return 0;
}

int cs_dec_cents(const cs_dec *a, int64_t *cents, int64_t *whole) {
  cs_big m, q, r, room;
  const cs_big *p;
  copy_big(&m, &a->n);
  int neg = m.neg;
  m.neg = 0;
  uint64_t q100;
  int up;
  if (a->scale <= 2) {
    if (times_pow10(&m, 2 - a->scale)) return -1;
    int64_t v;
    if (!cs_big_to_i64(&m, &v) || v > INT64_MAX - 100) return -1;
    q100 = (uint64_t)v;
    up = 0;
  } else {
    /* floor(100 |a|) and its remainder against half of 10^(scale - 2) */
    if (pow10_big(&room, a->scale - 2, &p) || cs_big_divmod(&q, &r, &m, p) != CS_OK) return -1;
    int64_t v;
    if (!cs_big_to_i64(&q, &v) || v > INT64_MAX - 100) return -1;
    q100 = (uint64_t)v;
    if (cs_big_mul_u32(&r, &r, 2) != CS_OK) return -1;
    up = cs_big_cmp(&r, p) >= 0;
  }
  /* as cs_q_cents: floor(100|a| + 1/2) and floor((floor(100|a|) + 50) / 100) */
  int64_t c = (int64_t)(q100 + (uint64_t)up), w = (int64_t)((q100 + 50) / 100);
  *cents = neg ? -c : c;
  *whole = neg ? -w : w;
  return 0;
}

int cs_dec_to_q_unreduced(cs_q *out, const cs_dec *a) {
  const cs_big *p;
  copy_big(&out->num, &a->n);
  if (pow10_big(&out->den, a->scale, &p)) return -1;
  if (p != &out->den) copy_big(&out->den, p);
  return 0;
}

int cs_dec_to_q(cs_q *out, const cs_dec *a) {
  if (cs_dec_to_q_unreduced(out, a)) return -1;
  return cs_q_normalise(out) == CS_OK ? 0 : -1;
}
