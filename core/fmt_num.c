/*
** fmt_num.c: numbers written by hand, byte for byte what printf writes
** (fmt_num.h).
**
** A double is m * 2^e with m an integer of at most 53 bits. With e < 0 the
** value is below 2^53 and m * 10^decimals still fits 64 bits, so rounding
** at the decimal is one shift and a look at the bits shifted out (exact,
** ties to even, as glibc rounds in the default rounding mode). With e >= 0
** the value is a whole number, written from 32-bit limbs when it is wider
** than 64 bits.
*/
#include "fmt_num.h"
#include <string.h>

static const uint64_t pow10_u64[CS_FMT_FIXED_MAX_DECIMALS + 1] = {1, 10, 100, 1000};

/* "00" .. "99": two digits per division. */
static const char two_digits[201] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                    "8081828384858687888990919293949596979899";

/* v in decimal at out (no NUL); its length. */
static size_t put_u64(char *out, uint64_t v) {
  char d[20];
  size_t i = sizeof d;
  while (v >= 100) {
    size_t two = (size_t)(v % 100) * 2;
    v /= 100;
    d[--i] = two_digits[two + 1];
    d[--i] = two_digits[two];
  }
  if (v >= 10) {
    d[--i] = two_digits[v * 2 + 1];
    d[--i] = two_digits[v * 2];
  } else {
    d[--i] = (char)('0' + v);
  }
  memcpy(out, d + i, sizeof d - i);
  return sizeof d - i;
}

/* v as exactly `width` digits, zeros in front (no NUL). */
static void put_padded(char *out, uint64_t v, size_t width) {
  for (size_t i = width; i-- > 0;) {
    out[i] = (char)('0' + v % 10);
    v /= 10;
  }
}

/* m * 2^e (m < 2^53, 0 <= e <= 971: at most 1024 bits) in decimal at out
** (no NUL); its length. The number is cut into nine-digit pieces by
** dividing its limbs by 10^9 until nothing is left. */
static size_t put_big(char *out, uint64_t m, int e) {
  uint32_t limb[32] = {0};
  size_t nl = 0;
  for (int i = 0; i < 53; i++) {
    if (!((m >> i) & 1)) continue;
    int pos = i + e;
    limb[pos / 32] |= (uint32_t)1 << (pos % 32);
    if ((size_t)(pos / 32) + 1 > nl) nl = (size_t)(pos / 32) + 1;
  }
  uint32_t piece[36]; /* 309 digits at most: 35 pieces of nine */
  size_t np = 0;
  while (nl > 0) {
    uint64_t rem = 0;
    for (size_t i = nl; i-- > 0;) {
      uint64_t cur = (rem << 32) | limb[i];
      limb[i] = (uint32_t)(cur / 1000000000u);
      rem = cur % 1000000000u;
    }
    piece[np++] = (uint32_t)rem;
    while (nl > 0 && limb[nl - 1] == 0) nl--;
  }
  if (np == 0) piece[np++] = 0;
  size_t n = put_u64(out, piece[np - 1]);
  for (size_t i = np - 1; i-- > 0;) {
    put_padded(out + n, piece[i], 9);
    n += 9;
  }
  return n;
}

size_t cs_fmt_fixed(char *buf, double v, int decimals) {
  if (decimals < 0) decimals = 0;
  if (decimals > CS_FMT_FIXED_MAX_DECIMALS) decimals = CS_FMT_FIXED_MAX_DECIMALS;
  uint64_t bits;
  memcpy(&bits, &v, sizeof bits);
  int bexp = (int)((bits >> 52) & 0x7ff);
  uint64_t frac = bits & (((uint64_t)1 << 52) - 1);
  size_t n = 0;
  if (bits >> 63) buf[n++] = '-';
  if (bexp == 0x7ff) {
    memcpy(buf + n, frac ? "nan" : "inf", 4);
    return n + 3;
  }
  /* |v| = m * 2^e; a subnormal has no hidden bit */
  uint64_t m = bexp ? frac | (uint64_t)1 << 52 : frac;
  int e = bexp ? bexp - 1075 : -1074;
  uint64_t scale = pow10_u64[decimals], whole, part = 0;
  if (e < 0) {
    /* N = |v| * 10^decimals rounded to a whole number, half to even */
    uint64_t x = m * scale, q = 0; /* x < 2^53 * 1000 < 2^63 */
    int k = -e;
    if (k < 64) {
      uint64_t r = x & (((uint64_t)1 << k) - 1), half = (uint64_t)1 << (k - 1);
      q = x >> k;
      if (r > half || (r == half && (q & 1))) q++;
    } /* else x < 2^63 <= 2^(k-1): less than a half, N = 0 */
    whole = q / scale;
    part = q % scale;
    n += put_u64(buf + n, whole);
  } else if (e <= 10) {
    n += put_u64(buf + n, m << e); /* below 2^63 */
  } else {
    n += put_big(buf + n, m, e);
  }
  if (decimals > 0) {
    buf[n++] = '.';
    put_padded(buf + n, part, (size_t)decimals);
    n += (size_t)decimals;
  }
  buf[n] = '\0';
  return n;
}

size_t cs_fmt_grouped(char *buf, uint64_t v, const char *sep) {
  size_t seplen = 0;
  while (seplen < CS_FMT_SEP_MAX && sep[seplen]) seplen++;
  char d[20];
  size_t nd = put_u64(d, v), n = 0;
  for (size_t i = 0; i < nd; i++) {
    if (i > 0 && (nd - i) % 3 == 0) {
      memcpy(buf + n, sep, seplen);
      n += seplen;
    }
    buf[n++] = d[i];
  }
  buf[n] = '\0';
  return n;
}
