/*
** fmt_num.c: numbers written by hand, byte for byte what printf writes,
** or their length counted (fmt_num.h).
**
** A double is m * 2^e with m an integer of at most 53 bits. With e < 0 the
** value is below 2^53 and m * 10^decimals still fits 64 bits, so rounding
** at the decimal is one shift and a look at the bits shifted out (exact,
** ties to even, as glibc rounds in the default rounding mode). With e >= 0
** the value is a whole number, written from 32-bit limbs when it is wider
** than 64 bits. Writing and counting share that rounding (split_fixed).
*/
#include "fmt_num.h"
#include <string.h>

/* 10^0 .. 10^19: the decimals' scales and count_digits' bounds. */
static const uint64_t pow10_u64[20] = {
    1u,           10u,           100u,           1000u,           10000u,
    100000u,      1000000u,      10000000u,      100000000u,      1000000000u,
    10000000000u, 100000000000u, 1000000000000u, 10000000000000u, 100000000000000u,
    1000000000000000u, 10000000000000000u, 100000000000000000u, 1000000000000000000u, 10000000000000000000u};

/* "00" .. "99": two digits per division. */
static const char two_digits[201] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                    "8081828384858687888990919293949596979899";

size_t cs_fmt_uint(char *out, uint64_t v) {
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
  size_t n = cs_fmt_uint(out, piece[np - 1]);
  for (size_t i = np - 1; i-- > 0;) {
    put_padded(out + n, piece[i], 9);
    n += 9;
  }
  return n;
}

/* How many decimal digits v has, counted without a loop: a number of b
** bits has t = b * 1233 >> 12 digits (1233 / 4096 is just below log10(2))
** or, once it reaches 10^t, one more; 0 has one. */
static size_t count_digits(uint64_t v) {
  int t = ((64 - __builtin_clzll(v | 1)) * 1233) >> 12;
  return (size_t)t + (v >= pow10_u64[t]) + (v == 0);
}

/* A double taken apart for "%.*f": the sign bit, then "inf" or "nan", or
** the whole number and the decimals' digits rounded as printf rounds, or
** (a whole number of 2^63 or more) the bits m * 2^e that put_big writes. */
typedef struct fixed {
  int neg;
  const char *special; /* "inf", "nan" or NULL */
  int big;             /* the number is m * 2^e, no part */
  uint64_t whole, part, m;
  int e;
} fixed;

/* v taken apart for `decimals` (0 .. CS_FMT_FIXED_MAX_DECIMALS). Inlined
** into both users: called, it cost cs_fmt_fixed about 2 ns (a tenth) a
** number, and the HTML report writes millions. */
static inline __attribute__((always_inline)) fixed split_fixed(double v, int decimals) {
  fixed f = {0};
  uint64_t bits;
  memcpy(&bits, &v, sizeof bits);
  int bexp = (int)((bits >> 52) & 0x7ff);
  uint64_t frac = bits & (((uint64_t)1 << 52) - 1);
  f.neg = (int)(bits >> 63);
  if (bexp == 0x7ff) {
    f.special = frac ? "nan" : "inf";
    return f;
  }
  /* |v| = m * 2^e; a subnormal has no hidden bit */
  uint64_t m = bexp ? frac | (uint64_t)1 << 52 : frac;
  int e = bexp ? bexp - 1075 : -1074;
  if (e < 0) {
    /* N = |v| * 10^decimals rounded to a whole number, half to even */
    uint64_t scale = pow10_u64[decimals];
    uint64_t x = m * scale, q = 0; /* x < 2^53 * 1000 < 2^63 */
    int k = -e;
    if (k < 64) {
      uint64_t r = x & (((uint64_t)1 << k) - 1), half = (uint64_t)1 << (k - 1);
      q = x >> k;
      if (r > half || (r == half && (q & 1))) q++;
    } /* else x < 2^63 <= 2^(k-1): less than a half, N = 0 */
    if (decimals == 0) { /* no division: "%.0f" is the workbook's count */
      f.whole = q;
    } else {
      f.whole = q / scale;
      f.part = q % scale;
    }
  } else if (e <= 10) {
    f.whole = m << e; /* below 2^63 */
  } else {
    f.big = 1;
    f.m = m;
    f.e = e;
  }
  return f;
}

static int clamp_decimals(int decimals) {
  if (decimals < 0) return 0;
  return decimals > CS_FMT_FIXED_MAX_DECIMALS ? CS_FMT_FIXED_MAX_DECIMALS : decimals;
}

size_t cs_fmt_fixed(char *buf, double v, int decimals) {
  decimals = clamp_decimals(decimals);
  fixed f = split_fixed(v, decimals);
  size_t n = 0;
  if (f.neg) buf[n++] = '-';
  if (f.special) {
    memcpy(buf + n, f.special, 4);
    return n + 3;
  }
  n += f.big ? put_big(buf + n, f.m, f.e) : cs_fmt_uint(buf + n, f.whole);
  if (decimals > 0) {
    buf[n++] = '.';
    put_padded(buf + n, f.part, (size_t)decimals);
    n += (size_t)decimals;
  }
  buf[n] = '\0';
  return n;
}

size_t cs_fmt_fixed_len(double v, int decimals) {
  decimals = clamp_decimals(decimals);
  fixed f = split_fixed(v, decimals);
  size_t n = (size_t)f.neg;
  if (f.special) return n + 3;
  if (f.big) { /* 2^63 and beyond: rare enough to be written */
    char d[CS_FMT_FIXED_SIZE];
    n += put_big(d, f.m, f.e);
  } else {
    n += count_digits(f.whole);
  }
  return n + (decimals > 0 ? 1 + (size_t)decimals : 0);
}

size_t cs_fmt_grouped(char *buf, uint64_t v, const char *sep) {
  size_t seplen = 0;
  while (seplen < CS_FMT_SEP_MAX && sep[seplen]) seplen++;
  char d[20];
  size_t nd = cs_fmt_uint(d, v), n = 0;
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
