/*
** big.c: fixed-capacity signed integers (see big.h).
**
** Sign and magnitude, 32-bit limbs, least significant first, always
** normalised. Every public function builds its result in locals and writes
** the outputs only at the end, so outputs may alias inputs. When a function
** fails (overflow, division by zero, bad text) its cs_big outputs are set to
** zero rather than left half written; cs_big_to_i64 leaves *out alone and
** cs_big_to_str leaves an empty string.
*/
#include <string.h>
#include "coopsim/big.h"

#define LIMB_BASE ((uint64_t)1 << 32)

/* The largest power of ten in a limb: text is converted nine digits at a
** time instead of one. */
#define CHUNK_DIGITS 9
#define CHUNK_BASE 1000000000u

static void set_zero(cs_big *x) {
  x->neg = 0;
  x->n = 0;
}

static void normalise(cs_big *x) {
  while (x->n > 0 && x->limb[x->n - 1] == 0) x->n--;
  if (x->n == 0) x->neg = 0;
}

/* Copies only the limbs in use: the rest of a local is never initialised. */
static void copy_out(cs_big *out, const cs_big *x) {
  out->neg = x->neg;
  out->n = x->n;
  if (x->n > 0 && out != x) memcpy(out->limb, x->limb, (size_t)x->n * sizeof x->limb[0]);
}

static int fail(cs_big *out, int code) {
  if (out) set_zero(out);
  return code;
}

static int mag_cmp(const cs_big *a, const cs_big *b) {
  if (a->n != b->n) return a->n < b->n ? -1 : 1;
  for (int i = a->n; i-- > 0;)
    if (a->limb[i] != b->limb[i]) return a->limb[i] < b->limb[i] ? -1 : 1;
  return 0;
}

/* |a| + |b| into out (sign left to the caller). */
static int mag_add(cs_big *out, const cs_big *a, const cs_big *b) {
  const cs_big *lo = a->n < b->n ? a : b, *hi = a->n < b->n ? b : a;
  uint64_t carry = 0;
  int i = 0;
  for (; i < lo->n; i++) {
    uint64_t s = (uint64_t)hi->limb[i] + lo->limb[i] + carry;
    out->limb[i] = (uint32_t)s;
    carry = s >> 32;
  }
  for (; i < hi->n; i++) {
    uint64_t s = (uint64_t)hi->limb[i] + carry;
    out->limb[i] = (uint32_t)s;
    carry = s >> 32;
  }
  out->n = hi->n;
  if (carry) {
    if (out->n == CS_BIG_LIMBS) return CS_EOVERFLOW;
    out->limb[out->n++] = (uint32_t)carry;
  }
  return CS_OK;
}

/* |a| - |b| into out; the caller guarantees |a| >= |b|. */
static void mag_sub(cs_big *out, const cs_big *a, const cs_big *b) {
  uint32_t borrow = 0;
  for (int i = 0; i < a->n; i++) {
    uint64_t d = (uint64_t)a->limb[i] - (i < b->n ? b->limb[i] : 0u) - borrow;
    out->limb[i] = (uint32_t)d;
    borrow = (uint32_t)(d >> 63); /* a wrapped difference has its top bit set */
  }
  out->n = a->n;
  normalise(out);
}

/* x = x * m + add, in place; the building block of parsing and of mul_u32. */
static int mag_mul_add_small(cs_big *x, uint32_t m, uint32_t add) {
  uint64_t carry = add;
  for (int i = 0; i < x->n; i++) {
    uint64_t p = (uint64_t)x->limb[i] * m + carry;
    x->limb[i] = (uint32_t)p;
    carry = p >> 32;
  }
  if (carry) {
    if (x->n == CS_BIG_LIMBS) return CS_EOVERFLOW;
    x->limb[x->n++] = (uint32_t)carry;
  }
  normalise(x);
  return CS_OK;
}

/* x = x / d in place, returning the remainder; d != 0. */
static uint32_t mag_div_small(cs_big *x, uint32_t d) {
  uint64_t rem = 0;
  for (int i = x->n; i-- > 0;) {
    uint64_t cur = (rem << 32) | x->limb[i];
    x->limb[i] = (uint32_t)(cur / d);
    rem = cur % d;
  }
  normalise(x);
  return (uint32_t)rem;
}

static int leading_zeros32(uint32_t v) {
  int s = 0;
  while (!(v & 0x80000000u)) {
    v <<= 1;
    s++;
  }
  return s;
}

/*
** Truncating division of magnitudes, |a| = q*|b| + r with 0 <= r < |b|.
** b->n >= 2 and |a| >= |b|: Knuth's Algorithm D (TAOCP 4.3.1). The divisor
** is shifted so its top limb has the high bit set; then every trial quotient
** digit taken from the top two limbs of the running remainder is at most two
** too large, and the test against the second divisor limb leaves it at most
** one too large, which the rare add-back step repairs.
*/
static void mag_divmod_knuth(cs_big *q, cs_big *r, const cs_big *a, const cs_big *b) {
  uint32_t u[CS_BIG_LIMBS + 1], v[CS_BIG_LIMBS];
  const int m = a->n, n = b->n;
  const int s = leading_zeros32(b->limb[n - 1]);

  /* shifting through 64 bits keeps s == 0 from becoming a shift by 32 */
  for (int i = n - 1; i >= 0; i--) {
    uint64_t w = ((uint64_t)b->limb[i] << 32) | (i > 0 ? b->limb[i - 1] : 0u);
    v[i] = (uint32_t)((w << s) >> 32);
  }
  u[m] = (uint32_t)(((uint64_t)a->limb[m - 1] << s) >> 32);
  for (int i = m - 1; i >= 0; i--) {
    uint64_t w = ((uint64_t)a->limb[i] << 32) | (i > 0 ? a->limb[i - 1] : 0u);
    u[i] = (uint32_t)((w << s) >> 32);
  }

  const uint64_t vtop = v[n - 1], vnext = v[n - 2];
  for (int j = m - n; j >= 0; j--) {
    uint64_t top = ((uint64_t)u[j + n] << 32) | u[j + n - 1];
    uint64_t qhat = top / vtop, rhat = top % vtop;
    while (qhat >= LIMB_BASE || qhat * vnext > ((rhat << 32) | u[j + n - 2])) {
      qhat--;
      rhat += vtop;
      if (rhat >= LIMB_BASE) break; /* the test above can no longer succeed */
    }

    uint64_t carry = 0;
    uint32_t borrow = 0;
    for (int i = 0; i < n; i++) {
      uint64_t p = qhat * v[i] + carry;
      carry = p >> 32;
      uint64_t d = (uint64_t)u[i + j] - (uint32_t)p - borrow;
      u[i + j] = (uint32_t)d;
      borrow = (uint32_t)(d >> 63);
    }
    uint64_t d = (uint64_t)u[j + n] - carry - borrow;
    u[j + n] = (uint32_t)d;

    if (d >> 63) {
      /* qhat was one too large: the partial remainder went negative */
      qhat--;
      uint64_t c = 0;
      for (int i = 0; i < n; i++) {
        uint64_t t = (uint64_t)u[i + j] + v[i] + c;
        u[i + j] = (uint32_t)t;
        c = t >> 32;
      }
      u[j + n] = (uint32_t)(u[j + n] + c); /* the carry cancels the borrow */
    }
    q->limb[j] = (uint32_t)qhat;
  }
  q->n = m - n + 1;
  q->neg = 0;
  normalise(q);

  for (int i = 0; i < n; i++) {
    uint64_t w = ((uint64_t)u[i + 1] << 32) | u[i];
    r->limb[i] = (uint32_t)(w >> s);
  }
  r->n = n;
  r->neg = 0;
  normalise(r);
}

/* Truncating division of magnitudes; b is not zero. */
static void mag_divmod(cs_big *q, cs_big *r, const cs_big *a, const cs_big *b) {
  if (mag_cmp(a, b) < 0) {
    set_zero(q);
    copy_out(r, a);
    r->neg = 0;
    return;
  }
  if (b->n == 1) {
    copy_out(q, a);
    q->neg = 0;
    uint32_t rem = mag_div_small(q, b->limb[0]);
    cs_big_from_u64(r, rem);
    return;
  }
  mag_divmod_knuth(q, r, a, b);
}

void cs_big_from_u64(cs_big *out, uint64_t v) {
  out->neg = 0;
  out->n = 0;
  while (v) {
    out->limb[out->n++] = (uint32_t)v;
    v >>= 32;
  }
}

void cs_big_from_i64(cs_big *out, int64_t v) {
  /* negating in unsigned arithmetic is defined for INT64_MIN too */
  cs_big_from_u64(out, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v);
  out->neg = v < 0;
}

int cs_big_from_str(cs_big *out, const char *text) {
  const char *p = text;
  int neg = 0;
  if (*p == '-') {
    neg = 1;
    p++;
  }
  const char *digits = p;
  while (*p >= '0' && *p <= '9') p++;
  if (p == digits || *p != '\0') return fail(out, CS_EINVAL);

  cs_big t;
  set_zero(&t);
  for (p = digits; *p;) {
    uint32_t chunk = 0, scale = 1;
    for (int k = 0; k < CHUNK_DIGITS && *p; k++, p++) {
      chunk = chunk * 10 + (uint32_t)(*p - '0');
      scale *= 10;
    }
    if (mag_mul_add_small(&t, scale, chunk) != CS_OK) return fail(out, CS_EOVERFLOW);
  }
  t.neg = neg && t.n > 0;
  copy_out(out, &t);
  return CS_OK;
}

int cs_big_is_zero(const cs_big *a) { return a->n == 0; }

int cs_big_sign(const cs_big *a) { return a->n == 0 ? 0 : a->neg ? -1 : 1; }

int cs_big_cmp(const cs_big *a, const cs_big *b) {
  int sa = cs_big_sign(a), sb = cs_big_sign(b);
  if (sa != sb) return sa < sb ? -1 : 1;
  int c = mag_cmp(a, b);
  return sa < 0 ? -c : c;
}

int cs_big_cmp_abs(const cs_big *a, const cs_big *b) { return mag_cmp(a, b); }

/* a + b, with b's sign taken as bneg so subtraction needs no copy of b. */
static int add_signed(cs_big *out, const cs_big *a, const cs_big *b, int bneg) {
  cs_big t;
  if (a->neg == bneg) {
    if (mag_add(&t, a, b) != CS_OK) return fail(out, CS_EOVERFLOW);
    t.neg = bneg;
  } else if (mag_cmp(a, b) >= 0) {
    mag_sub(&t, a, b);
    t.neg = a->neg;
  } else {
    mag_sub(&t, b, a);
    t.neg = bneg;
  }
  normalise(&t);
  copy_out(out, &t);
  return CS_OK;
}

int cs_big_add(cs_big *out, const cs_big *a, const cs_big *b) {
  return add_signed(out, a, b, b->neg);
}

int cs_big_sub(cs_big *out, const cs_big *a, const cs_big *b) {
  return add_signed(out, a, b, b->n > 0 && !b->neg);
}

int cs_big_mul(cs_big *out, const cs_big *a, const cs_big *b) {
  if (a->n == 0 || b->n == 0) {
    set_zero(out);
    return CS_OK;
  }
  /* the product needs at least a->n + b->n - 1 limbs */
  if (a->n + b->n - 1 > CS_BIG_LIMBS) return fail(out, CS_EOVERFLOW);
  uint32_t w[CS_BIG_LIMBS + 1];
  int wn = a->n + b->n;
  memset(w, 0, (size_t)wn * sizeof w[0]);
  for (int i = 0; i < a->n; i++) {
    uint64_t carry = 0;
    for (int j = 0; j < b->n; j++) {
      /* at most (2^32-1)^2 + 2*(2^32-1) = 2^64-1: no overflow */
      uint64_t p = (uint64_t)a->limb[i] * b->limb[j] + w[i + j] + carry;
      w[i + j] = (uint32_t)p;
      carry = p >> 32;
    }
    w[i + b->n] = (uint32_t)carry;
  }
  while (wn > 0 && w[wn - 1] == 0) wn--;
  if (wn > CS_BIG_LIMBS) return fail(out, CS_EOVERFLOW);
  out->neg = a->neg != b->neg;
  out->n = wn;
  memcpy(out->limb, w, (size_t)wn * sizeof w[0]);
  return CS_OK;
}

int cs_big_mul_u32(cs_big *out, const cs_big *a, uint32_t m) {
  cs_big t;
  copy_out(&t, a);
  if (mag_mul_add_small(&t, m, 0) != CS_OK) return fail(out, CS_EOVERFLOW);
  copy_out(out, &t);
  return CS_OK;
}

int cs_big_divmod(cs_big *q, cs_big *r, const cs_big *a, const cs_big *b) {
  if (b->n == 0) {
    fail(q, CS_EINVAL);
    return fail(r, CS_EINVAL);
  }
  cs_big qq, rr;
  mag_divmod(&qq, &rr, a, b);
  if (a->neg == b->neg) {
    rr.neg = rr.n > 0 && a->neg;
  } else if (rr.n == 0) {
    qq.neg = qq.n > 0;
  } else {
    /* truncation rounded toward zero; floor needs one more step down, and
    ** the remainder moves across to b's side */
    cs_big one;
    cs_big_from_u64(&one, 1);
    if (mag_add(&qq, &qq, &one) != CS_OK) { /* cannot happen: |b| >= 2 here */
      fail(q, CS_EOVERFLOW);
      return fail(r, CS_EOVERFLOW);
    }
    qq.neg = 1;
    mag_sub(&rr, b, &rr);
    rr.neg = rr.n > 0 && b->neg;
  }
  if (q) copy_out(q, &qq);
  if (r) copy_out(r, &rr);
  return CS_OK;
}

int cs_big_pow_u32(cs_big *out, const cs_big *a, uint32_t e) {
  cs_big result, base;
  cs_big_from_u64(&result, 1);
  copy_out(&base, a);
  while (e) {
    if (e & 1u && cs_big_mul(&result, &result, &base) != CS_OK) return fail(out, CS_EOVERFLOW);
    e >>= 1;
    /* a square that will still be used and overflows means the whole power
    ** overflows, since |result| >= 1 whenever base is not zero */
    if (e && cs_big_mul(&base, &base, &base) != CS_OK) return fail(out, CS_EOVERFLOW);
  }
  copy_out(out, &result);
  return CS_OK;
}

int cs_big_gcd(cs_big *out, const cs_big *a, const cs_big *b) {
  cs_big x, y, q, r;
  copy_out(&x, a);
  copy_out(&y, b);
  x.neg = y.neg = 0;
  while (y.n > 0) {
    if (x.n <= 2 && y.n <= 2) {
      /* both fit in 64 bits: finish in machine words */
      uint64_t a64 = x.n == 2 ? ((uint64_t)x.limb[1] << 32) | x.limb[0] : x.n ? x.limb[0] : 0;
      uint64_t b64 = y.n == 2 ? ((uint64_t)y.limb[1] << 32) | y.limb[0] : y.limb[0];
      while (b64) {
        uint64_t t = a64 % b64;
        a64 = b64;
        b64 = t;
      }
      cs_big_from_u64(out, a64);
      return CS_OK;
    }
    mag_divmod(&q, &r, &x, &y);
    copy_out(&x, &y);
    copy_out(&y, &r);
  }
  copy_out(out, &x);
  return CS_OK;
}

int cs_big_to_i64(const cs_big *a, int64_t *out) {
  if (a->n > 2) return 0;
  uint64_t m = 0;
  for (int i = a->n; i-- > 0;) m = (m << 32) | a->limb[i];
  int64_t v;
  if (!a->neg) {
    if (m > (uint64_t)INT64_MAX) return 0;
    v = (int64_t)m;
  } else {
    if (m > (uint64_t)INT64_MAX + 1u) return 0;
    /* -(m - 1) - 1 stays in range even for INT64_MIN */
    v = -(int64_t)(m - 1u) - 1;
  }
  if (out) *out = v;
  return 1;
}

double cs_big_to_double(const cs_big *a) {
  if (a->n == 0) return 0.0;
  /*
  ** Take the top 64 significant bits and fold every lower bit into a sticky
  ** last bit, so the one conversion to double rounds to nearest correctly;
  ** the scaling afterwards is by powers of two and exact until it overflows
  ** to infinity.
  */
  const int top = a->n - 1;
  const int lz = leading_zeros32(a->limb[top]);
  const int bits = top * 32 + (32 - lz);
  uint64_t mant = 0;
  int shift = 0; /* value = mant * 2^shift, roughly */
  if (bits <= 64) {
    for (int i = top; i >= 0; i--) mant = (mant << 32) | a->limb[i];
  } else {
    /* the three top limbs hold at least 65 significant bits */
    uint64_t hi = ((uint64_t)a->limb[top] << 32) | a->limb[top - 1];
    uint32_t lo = a->limb[top - 2];
    mant = (hi << lz) | (lz ? (uint64_t)lo >> (32 - lz) : 0u);
    int sticky = (uint32_t)((uint64_t)lo << lz) != 0;
    for (int i = top - 3; i >= 0 && !sticky; i--) sticky = a->limb[i] != 0;
    mant |= (uint64_t)sticky;
    shift = bits - 64;
  }
  double d = (double)mant;
  for (; shift >= 32; shift -= 32) d *= 4294967296.0;
  d *= (double)((uint64_t)1 << shift);
  return a->neg ? -d : d;
}

int cs_big_to_str(const cs_big *a, char *buf, size_t size) {
  /* 32 bits are under ten decimal digits, so this holds any value */
  char tmp[CS_BIG_LIMBS * 10 + 2];
  size_t len = 0;
  cs_big t;
  copy_out(&t, a);
  do {
    uint32_t chunk = mag_div_small(&t, CHUNK_BASE);
    /* every chunk but the most significant is padded to nine digits */
    for (int k = 0; k < CHUNK_DIGITS && (t.n > 0 || chunk > 0); k++) {
      tmp[len++] = (char)('0' + chunk % 10);
      chunk /= 10;
    }
  } while (t.n > 0);
  if (len == 0) tmp[len++] = '0';
  if (a->neg) tmp[len++] = '-';

  if (size < len + 1) {
    if (size > 0) buf[0] = '\0';
    return CS_EINVAL;
  }
  for (size_t i = 0; i < len; i++) buf[i] = tmp[len - 1 - i];
  buf[len] = '\0';
  return CS_OK;
}
