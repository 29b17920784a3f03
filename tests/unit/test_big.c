/* Unit tests: fixed-capacity signed integers (big.c). Small values are checked
** against __int128 arithmetic, large ones against the division identity, and
** the edges (overflow, Algorithm D's add-back step, text) by fixed vectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "rng.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "coopsim/big.h"

#define STRMAX 1300 /* big.h: enough for any value */

static uint64_t rng_state = 0x2545f4914f6cdd1du;
static uint64_t rnd(void) { return test_xorshift64(&rng_state); }

/* The invariants every result must keep, whatever the operation. */
static void check_norm(const cs_big *x) {
  assert_true(x->n >= 0 && x->n <= CS_BIG_LIMBS);
  if (x->n == 0) assert_int_equal(x->neg, 0);
  else assert_int_not_equal(x->limb[x->n - 1], 0);
  assert_true(x->neg == 0 || x->neg == 1);
}

static cs_big B(const char *text) {
  cs_big x;
  assert_int_equal(cs_big_from_str(&x, text), CS_OK);
  check_norm(&x);
  return x;
}

static cs_big I(int64_t v) {
  cs_big x;
  cs_big_from_i64(&x, v);
  check_norm(&x);
  return x;
}

/* Most significant limb first, as one would write the number in hex. */
static cs_big from_limbs(const uint32_t *msfirst, int n, int neg) {
  cs_big x;
  x.n = n;
  x.neg = neg;
  for (int i = 0; i < n; i++) x.limb[i] = msfirst[n - 1 - i];
  check_norm(&x);
  return x;
}

static void assert_big(const cs_big *x, const char *expect) {
  char buf[STRMAX];
  check_norm(x);
  assert_int_equal(cs_big_to_str(x, buf, sizeof buf), CS_OK);
  assert_string_equal(buf, expect);
}

static void assert_big_eq(const cs_big *x, const cs_big *y) {
  check_norm(x);
  check_norm(y);
  if (cs_big_cmp(x, y) != 0) {
    char bx[STRMAX], by[STRMAX];
    cs_big_to_str(x, bx, sizeof bx);
    cs_big_to_str(y, by, sizeof by);
    fail_msg("%s != %s", bx, by);
  }
}

static void i128_str(__int128 v, char *buf) {
  char tmp[48];
  size_t len = 0;
  unsigned __int128 m = v < 0 ? -(unsigned __int128)v : (unsigned __int128)v;
  do {
    tmp[len++] = (char)('0' + (int)(m % 10));
    m /= 10;
  } while (m);
  if (v < 0) tmp[len++] = '-';
  for (size_t i = 0; i < len; i++) buf[i] = tmp[len - 1 - i];
  buf[len] = '\0';
}

static void assert_big_i128(const cs_big *x, __int128 v) {
  char expect[48];
  i128_str(v, expect);
  assert_big(x, expect);
}

/* 2^4096 - 1, the largest magnitude */
static cs_big big_max(void) {
  cs_big x;
  x.neg = 0;
  x.n = CS_BIG_LIMBS;
  for (int i = 0; i < CS_BIG_LIMBS; i++) x.limb[i] = 0xffffffffu;
  return x;
}

static void text_vectors(void **state) {
  (void)state;
  static const char *const round_trip[] = {
      "0", "1", "-1", "9", "10", "-10", "999999999", "1000000000", "-1000000000",
      "4294967295", "4294967296", "-4294967296", "18446744073709551615",
      "18446744073709551616", "-18446744073709551616", "79228162514264337593543950336",
      "340282366920938463463374607431768211456", "100000000000000000000000000000000000001",
      "-1000000000000000000000000000000000000000000000000000000000000000000000000",
      NULL};
  for (int i = 0; round_trip[i]; i++) {
    cs_big x = B(round_trip[i]);
    assert_big(&x, round_trip[i]);
  }
  cs_big x = B("-0");
  assert_int_equal(x.n, 0);
  assert_int_equal(x.neg, 0);
  assert_int_equal(cs_big_sign(&x), 0);
  x = B("-000");
  assert_big(&x, "0");
  x = B("000000000000000000000000000000000042");
  assert_big(&x, "42");
  x = B("-0000000000000000000018446744073709551616");
  assert_big(&x, "-18446744073709551616");
  assert_int_equal(x.n, 3);
  assert_int_equal(x.limb[2], 1);
  assert_int_equal(x.limb[1], 0);
  assert_int_equal(x.limb[0], 0);

  static const char *const bad[] = {"", "-", "+1", " 1", "1 ", "1a", "--1", "0x10", "1-",
                                    "- 1", "1.0", "1e3", "\xd9\xa1", NULL};
  for (int i = 0; bad[i]; i++) {
    x = I(77);
    assert_int_equal(cs_big_from_str(&x, bad[i]), CS_EINVAL);
    assert_int_equal(cs_big_is_zero(&x), 1); /* failure leaves zero */
  }

  /* thousands of leading zeros are not an overflow */
  static char zeros[6000];
  memset(zeros, '0', sizeof zeros - 2);
  zeros[sizeof zeros - 2] = '7';
  assert_int_equal(cs_big_from_str(&x, zeros), CS_OK);
  assert_big(&x, "7");

  /* buffer sizes: exactly enough, one short, none */
  char buf[8];
  x = I(-12345);
  assert_int_equal(cs_big_to_str(&x, buf, 7), CS_OK);
  assert_string_equal(buf, "-12345");
  memset(buf, 'x', sizeof buf);
  assert_int_equal(cs_big_to_str(&x, buf, 6), CS_EINVAL);
  assert_int_equal(buf[0], '\0');
  assert_int_equal(cs_big_to_str(&x, buf, 0), CS_EINVAL);
  x = I(0);
  assert_int_equal(cs_big_to_str(&x, buf, 1), CS_EINVAL);
  assert_int_equal(cs_big_to_str(&x, buf, 2), CS_OK);
  assert_string_equal(buf, "0");
}

static void limb_vectors(void **state) {
  (void)state;
  cs_big a, b, c;
  /* carries across every limb */
  a = B("18446744073709551615");
  b = I(1);
  assert_int_equal(cs_big_add(&c, &a, &b), CS_OK);
  assert_big(&c, "18446744073709551616");
  assert_int_equal(c.n, 3);
  assert_int_equal(cs_big_sub(&c, &c, &b), CS_OK);
  assert_big(&c, "18446744073709551615");
  assert_int_equal(c.n, 2);
  /* borrows across every limb, and a sign change */
  a = B("340282366920938463463374607431768211456"); /* 2^128 */
  assert_int_equal(cs_big_sub(&c, &a, &b), CS_OK);
  assert_int_equal(c.n, 4);
  for (int i = 0; i < 4; i++) assert_int_equal(c.limb[i], 0xffffffffu);
  assert_int_equal(cs_big_sub(&c, &b, &a), CS_OK);
  assert_big(&c, "-340282366920938463463374607431768211455");
  assert_int_equal(cs_big_add(&c, &c, &a), CS_OK);
  assert_big(&c, "1");
  /* x - x is a normalised zero */
  assert_int_equal(cs_big_sub(&c, &a, &a), CS_OK);
  assert_int_equal(c.n, 0);
  assert_int_equal(c.neg, 0);
  a = I(-5);
  b = I(5);
  assert_int_equal(cs_big_add(&c, &a, &b), CS_OK);
  assert_int_equal(c.n, 0);
  assert_int_equal(c.neg, 0);
  /* multiplication */
  a = B("18446744073709551615");
  assert_int_equal(cs_big_mul(&c, &a, &a), CS_OK);
  assert_big(&c, "340282366920938463426481119284349108225");
  a = B("-12345678901234567890123456789");
  b = B("98765432109876543210");
  assert_int_equal(cs_big_mul(&c, &a, &b), CS_OK);
  assert_big(&c, "-1219326311370217952249657064223746380111126352690");
  b = I(0);
  assert_int_equal(cs_big_mul(&c, &a, &b), CS_OK);
  assert_int_equal(c.n, 0);
  assert_int_equal(c.neg, 0);
  assert_int_equal(cs_big_mul_u32(&c, &a, 0), CS_OK);
  assert_int_equal(c.n, 0);
  assert_int_equal(c.neg, 0);
  /* 30! by mul_u32 */
  c = I(1);
  for (uint32_t k = 2; k <= 30; k++) assert_int_equal(cs_big_mul_u32(&c, &c, k), CS_OK);
  assert_big(&c, "265252859812191058636308480000000");
  a = I(-3);
  assert_int_equal(cs_big_mul_u32(&c, &a, 0xffffffffu), CS_OK);
  assert_big(&c, "-12884901885");
  /* division */
  a = B("1219326311370217952249657064223746380111126352690");
  b = I(-97);
  cs_big q, r;
  assert_int_equal(cs_big_divmod(&q, &r, &a, &b), CS_OK);
  assert_big(&q, "-12570374344022865487109866641481921444444601575");
  assert_big(&r, "-85");
  a.neg = 1;
  assert_int_equal(cs_big_divmod(&q, &r, &a, &b), CS_OK);
  assert_big(&q, "12570374344022865487109866641481921444444601574");
  assert_big(&r, "-12");
  b = B("98765432109876543210");
  assert_int_equal(cs_big_divmod(&q, &r, &a, &b), CS_OK);
  assert_big(&q, "-12345678901234567890123456789");
  assert_big(&r, "0");
  assert_int_equal(cs_big_divmod(&q, &r, &b, &a), CS_OK); /* |a| > |b| */
  assert_big(&q, "-1");
  assert_big(&r, "-1219326311370217952249657064124980948001249809480"); /* sign of a */
  b = I(0);
  assert_int_equal(cs_big_divmod(&q, &r, &a, &b), CS_EINVAL);
  assert_int_equal(cs_big_divmod(NULL, NULL, &a, &b), CS_EINVAL);
  /* either output may be NULL */
  a = I(-7);
  b = I(2);
  assert_int_equal(cs_big_divmod(&q, NULL, &a, &b), CS_OK);
  assert_big(&q, "-4");
  assert_int_equal(cs_big_divmod(NULL, &r, &a, &b), CS_OK);
  assert_big(&r, "1");
  /* comparisons */
  a = I(-3);
  b = I(2);
  assert_true(cs_big_cmp(&a, &b) < 0);
  assert_true(cs_big_cmp(&b, &a) > 0);
  assert_true(cs_big_cmp_abs(&a, &b) > 0);
  assert_int_equal(cs_big_cmp(&a, &a), 0);
  a = B("-18446744073709551616");
  b = B("-18446744073709551615");
  assert_true(cs_big_cmp(&a, &b) < 0);
  assert_true(cs_big_cmp_abs(&a, &b) > 0);
  assert_int_equal(cs_big_sign(&a), -1);
  assert_int_equal(cs_big_is_zero(&a), 0);
}

static void int64_edges(void **state) {
  (void)state;
  int64_t v = 0;
  cs_big x = I(INT64_MAX);
  assert_big(&x, "9223372036854775807");
  assert_int_equal(cs_big_to_i64(&x, &v), 1);
  assert_true(v == INT64_MAX);
  x = I(INT64_MIN);
  assert_big(&x, "-9223372036854775808");
  assert_int_equal(cs_big_to_i64(&x, &v), 1);
  assert_true(v == INT64_MIN);
  x = B("9223372036854775808");
  v = 5;
  assert_int_equal(cs_big_to_i64(&x, &v), 0);
  assert_true(v == 5);
  x = B("-9223372036854775809");
  assert_int_equal(cs_big_to_i64(&x, &v), 0);
  x = B("18446744073709551616");
  assert_int_equal(cs_big_to_i64(&x, &v), 0);
  x = B("-18446744073709551615");
  assert_int_equal(cs_big_to_i64(&x, &v), 0);
  x = I(0);
  assert_int_equal(cs_big_to_i64(&x, &v), 1);
  assert_true(v == 0);
  cs_big_from_u64(&x, UINT64_MAX);
  assert_big(&x, "18446744073709551615");
  assert_int_equal(cs_big_to_i64(&x, &v), 0);
  /* INT64_MIN / -1 leaves int64 but not cs_big */
  cs_big a = I(INT64_MIN), b = I(-1), q, r;
  assert_int_equal(cs_big_divmod(&q, &r, &a, &b), CS_OK);
  assert_big(&q, "9223372036854775808");
  assert_big(&r, "0");
}

static void doubles(void **state) {
  (void)state;
  cs_big x = I(0);
  assert_true(cs_big_to_double(&x) == 0.0);
  x = B("18446744073709551617"); /* 2^64 + 1 */
  assert_true(cs_big_to_double(&x) == 18446744073709551616.0);
  x = B("-9007199254740993"); /* -(2^53 + 1): a tie, to even */
  assert_true(cs_big_to_double(&x) == -9007199254740992.0);
  x = B("9007199254740995"); /* 2^53 + 3: a tie, to even */
  assert_true(cs_big_to_double(&x) == 9007199254740996.0);
  /* in 2^100 + 2^47 the lowest dropped bits decide: a tie goes to even,
  ** anything past the tie rounds up */
  cs_big two = I(2), p100, p47, one = I(1), t;
  assert_int_equal(cs_big_pow_u32(&p100, &two, 100), CS_OK);
  assert_int_equal(cs_big_pow_u32(&p47, &two, 47), CS_OK);
  assert_int_equal(cs_big_add(&t, &p100, &p47), CS_OK);
  assert_true(cs_big_to_double(&t) == ldexp(1.0, 100));
  assert_int_equal(cs_big_add(&t, &t, &one), CS_OK);
  assert_true(cs_big_to_double(&t) == ldexp(1.0, 100) + ldexp(1.0, 48));
  assert_int_equal(cs_big_pow_u32(&t, &two, 1023), CS_OK);
  assert_true(cs_big_to_double(&t) == ldexp(1.0, 1023));
  assert_int_equal(cs_big_pow_u32(&t, &two, 1024), CS_OK);
  assert_true(isinf(cs_big_to_double(&t)));
  t.neg = 1;
  assert_true(isinf(cs_big_to_double(&t)) && cs_big_to_double(&t) < 0.0);
  x = big_max();
  assert_true(isinf(cs_big_to_double(&x)));
  x = B("123456789012345678901234567890");
  assert_true(fabs(cs_big_to_double(&x) / 123456789012345678901234567890.0 - 1.0) < 1e-15);
}

static int64_t rnd_i64(void) {
  switch (rnd() % 8) {
  case 0: {
    static const int64_t edge[] = {0, 1, -1, 2, -2, INT64_MAX, INT64_MIN, INT64_MAX - 1,
                                   INT64_MIN + 1, 4294967295, -4294967295, 4294967296,
                                   -4294967296, 2147483648, -2147483648};
    return edge[rnd() % (sizeof edge / sizeof edge[0])];
  }
  case 1: return (int64_t)(rnd() % 201) - 100;
  case 2:
  case 3: {
    /* every magnitude from one bit to 64 */
    uint64_t m = rnd() >> (rnd() % 64);
    return (rnd() & 1) ? (int64_t)(m >> 1) : -(int64_t)(m >> 1);
  }
  default: return (int64_t)rnd();
  }
}

static uint64_t gcd_u64(uint64_t a, uint64_t b) {
  while (b) {
    uint64_t t = a % b;
    a = b;
    b = t;
  }
  return a;
}

static void property_int64(void **state) {
  (void)state;
  rng_state = 0x2545f4914f6cdd1du;
  for (int iter = 0; iter < 20000; iter++) {
    int64_t x = rnd_i64(), y = rnd_i64();
    __int128 X = x, Y = y;
    cs_big a = I(x), b = I(y), c, q, r;
    int64_t back;
    assert_int_equal(cs_big_to_i64(&a, &back), 1);
    assert_true(back == x);
    assert_true(cs_big_to_double(&a) == (double)x);
    int c_ab = cs_big_cmp(&a, &b);
    assert_int_equal((c_ab > 0) - (c_ab < 0), (x > y) - (x < y));
    assert_int_equal(cs_big_sign(&a), (x > 0) - (x < 0));

    assert_int_equal(cs_big_add(&c, &a, &b), CS_OK);
    assert_big_i128(&c, X + Y);
    assert_int_equal(cs_big_to_i64(&c, &back), X + Y >= INT64_MIN && X + Y <= INT64_MAX);
    assert_int_equal(cs_big_sub(&c, &a, &b), CS_OK);
    assert_big_i128(&c, X - Y);
    assert_int_equal(cs_big_mul(&c, &a, &b), CS_OK);
    assert_big_i128(&c, X * Y);
    assert_int_equal(cs_big_mul_u32(&c, &a, (uint32_t)y), CS_OK);
    assert_big_i128(&c, X * (__int128)(uint32_t)y);

    if (y != 0) {
      __int128 Q = X / Y, R = X % Y;
      if (R != 0 && ((R < 0) != (Y < 0))) {
        Q -= 1;
        R += Y;
      }
      assert_int_equal(cs_big_divmod(&q, &r, &a, &b), CS_OK);
      assert_big_i128(&q, Q);
      assert_big_i128(&r, R);
    } else {
      assert_int_equal(cs_big_divmod(&q, &r, &a, &b), CS_EINVAL);
    }

    uint64_t ux = x < 0 ? 0 - (uint64_t)x : (uint64_t)x;
    uint64_t uy = y < 0 ? 0 - (uint64_t)y : (uint64_t)y;
    assert_int_equal(cs_big_gcd(&c, &a, &b), CS_OK);
    assert_big_i128(&c, (__int128)gcd_u64(ux, uy));

    /* the same through every kind of aliasing */
    c = a;
    assert_int_equal(cs_big_add(&c, &c, &b), CS_OK);
    assert_big_i128(&c, X + Y);
    c = b;
    assert_int_equal(cs_big_sub(&c, &a, &c), CS_OK);
    assert_big_i128(&c, X - Y);
    c = a;
    assert_int_equal(cs_big_mul(&c, &c, &c), CS_OK);
    assert_big_i128(&c, X * X);
    if (y != 0) {
      cs_big qa = a, rb = b;
      assert_int_equal(cs_big_divmod(&qa, &rb, &qa, &rb), CS_OK);
      assert_int_equal(cs_big_divmod(&q, &r, &a, &b), CS_OK);
      assert_big_eq(&qa, &q);
      assert_big_eq(&rb, &r);
    }
  }
}

static uint32_t rnd_limb(void) {
  /* values near the limb boundaries stress carries and qhat corrections */
  switch (rnd() % 8) {
  case 0: return 0;
  case 1: return 0xffffffffu;
  case 2: return 0x80000000u;
  case 3: return 0x7fffffffu;
  case 4: return 1;
  default: return (uint32_t)rnd();
  }
}

static cs_big rnd_big(int max_limbs) {
  cs_big x;
  x.n = 1 + (int)(rnd() % (uint64_t)max_limbs);
  for (int i = 0; i < x.n; i++) x.limb[i] = rnd_limb();
  if (x.limb[x.n - 1] == 0) x.limb[x.n - 1] = 1 + (uint32_t)(rnd() % 0xfffffffeu);
  x.neg = (int)(rnd() & 1);
  check_norm(&x);
  return x;
}

/* q and r from divmod(a, b) must satisfy a = q*b + r with r on b's side. */
static void check_division(const cs_big *a, const cs_big *b, const cs_big *q, const cs_big *r) {
  cs_big t, zero = I(0);
  check_norm(q);
  check_norm(r);
  assert_int_equal(cs_big_mul(&t, q, b), CS_OK);
  assert_int_equal(cs_big_add(&t, &t, r), CS_OK);
  assert_big_eq(&t, a);
  assert_true(cs_big_cmp_abs(r, b) < 0);
  if (cs_big_sign(b) > 0) assert_true(cs_big_cmp(r, &zero) >= 0);
  else assert_true(cs_big_cmp(r, &zero) <= 0);
}

static void division_identity(void **state) {
  (void)state;
  rng_state = 0x9e3779b97f4a7c15u;
  for (int iter = 0; iter < 20000; iter++) {
    cs_big a = rnd_big(iter % 2 ? 80 : 8), b = rnd_big(iter % 3 ? 40 : 4), q, r;
    assert_int_equal(cs_big_divmod(&q, &r, &a, &b), CS_OK);
    check_division(&a, &b, &q, &r);
    /* an exact multiple divides back exactly */
    cs_big p, q2, r2;
    assert_int_equal(cs_big_mul(&p, &a, &b), CS_OK);
    assert_int_equal(cs_big_divmod(&q2, &r2, &p, &b), CS_OK);
    assert_big_eq(&q2, &a);
    assert_int_equal(r2.n, 0);
    /* and one less than a multiple is floored */
    cs_big one = I(1);
    assert_int_equal(cs_big_sub(&p, &p, &one), CS_OK);
    assert_int_equal(cs_big_divmod(&q2, &r2, &p, &b), CS_OK);
    check_division(&p, &b, &q2, &r2);
  }
  /* multiplication: commutative and distributive over many limbs */
  for (int iter = 0; iter < 2000; iter++) {
    cs_big a = rnd_big(40), b = rnd_big(40), c = rnd_big(40), s, l, r1, r2, t;
    assert_int_equal(cs_big_add(&s, &b, &c), CS_OK);
    assert_int_equal(cs_big_mul(&l, &a, &s), CS_OK);
    assert_int_equal(cs_big_mul(&r1, &a, &b), CS_OK);
    assert_int_equal(cs_big_mul(&r2, &c, &a), CS_OK);
    assert_int_equal(cs_big_add(&t, &r1, &r2), CS_OK);
    assert_big_eq(&l, &t);
  }
}

static void add_back(void **state) {
  (void)state;
  /* Trial quotient digits that survive Knuth's two-limb test and are still
  ** one too large, so step D6 must add the divisor back (checked once with an
  ** instrumented build). Expected values from Python's // and %. */
  static const struct {
    uint32_t a[5];
    int an;
    uint32_t b[4];
    int bn;
    const char *q, *r;
  } v[] = {
      {{0x7fffffff, 0x80000000, 0x00000000, 0x00000000}, 4,
       {0x80000000, 0x00000000, 0x00000001}, 3,
       "4294967294", "39614081257132168792477007874"},
      {{0x7fffffff, 0x80000000, 0x00000001, 0x80000000}, 4,
       {0x80000000, 0x00000000, 0x00000003}, 3,
       "4294967294", "39614081257132168790329524230"},
      {{0x7fffffff, 0x80000000, 0x00000001, 0x80000000, 0x00000000}, 5,
       {0x00000001, 0x80000000, 0x00000001, 0xffffffff}, 4,
       "6148914689804861439", "66023468808003808186052116479"},
  };
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    for (int sign = 0; sign < 4; sign++) {
      cs_big a = from_limbs(v[i].a, v[i].an, sign & 1);
      cs_big b = from_limbs(v[i].b, v[i].bn, sign >> 1 & 1);
      cs_big q, r;
      assert_int_equal(cs_big_divmod(&q, &r, &a, &b), CS_OK);
      check_division(&a, &b, &q, &r);
      if (sign == 0) {
        assert_big(&q, v[i].q);
        assert_big(&r, v[i].r);
      }
    }
  }
  cs_big a = from_limbs(v[0].a, v[0].an, 1), b = from_limbs(v[0].b, v[0].bn, 0), q, r;
  assert_int_equal(cs_big_divmod(&q, &r, &a, &b), CS_OK);
  assert_big(&q, "-4294967295");
  assert_big(&r, "4294967295");
  a.neg = 0;
  b.neg = 1;
  assert_int_equal(cs_big_divmod(&q, &r, &a, &b), CS_OK);
  assert_big(&q, "-4294967295");
  assert_big(&r, "-4294967295");

  /* the same shapes, shifted and padded, at every size up to the limit */
  rng_state = 0x0123456789abcdefu;
  for (int iter = 0; iter < 5000; iter++) {
    int bn = 3 + (int)(rnd() % 38);
    int an = bn + 1 + (int)(rnd() % (uint64_t)(CS_BIG_LIMBS - bn));
    cs_big x, y, q2, r2;
    x.n = an;
    y.n = bn;
    x.neg = (int)(rnd() & 1);
    y.neg = (int)(rnd() & 1);
    for (int i = 0; i < an; i++) x.limb[i] = rnd_limb();
    for (int i = 0; i < bn; i++) y.limb[i] = rnd_limb();
    x.limb[an - 1] = 0x7fffffffu;
    y.limb[bn - 1] = rnd() & 1 ? 0x80000000u : 1u;
    assert_int_equal(cs_big_divmod(&q2, &r2, &x, &y), CS_OK);
    check_division(&x, &y, &q2, &r2);
  }
}

static void overflow(void **state) {
  (void)state;
  cs_big x = I(3), max = big_max(), one = I(1), two = I(2), t;
  int squarings = 0, rc;
  /* 3^(2^11) has 3247 bits, 3^(2^12) would need 6492 */
  while ((rc = cs_big_mul(&x, &x, &x)) == CS_OK) {
    squarings++;
    assert_true(squarings < 100);
  }
  assert_int_equal(rc, CS_EOVERFLOW);
  assert_int_equal(squarings, 11);
  assert_int_equal(cs_big_is_zero(&x), 1); /* failure leaves zero */
  x = I(-3);
  assert_int_equal(cs_big_pow_u32(&t, &x, 2048), CS_OK);
  cs_big three = I(3), s = I(3);
  for (int i = 0; i < 11; i++) assert_int_equal(cs_big_mul(&s, &s, &s), CS_OK);
  assert_big_eq(&t, &s);

  char buf[STRMAX], big_text[STRMAX];
  assert_int_equal(cs_big_to_str(&max, big_text, sizeof big_text), CS_OK);
  assert_int_equal(strlen(big_text), 1234);
  assert_int_equal(big_text[1233], '5'); /* 2^4096 ends in 6 */
  x = B(big_text);
  assert_big_eq(&x, &max);
  max.neg = 1;
  assert_int_equal(cs_big_to_str(&max, buf, sizeof buf), CS_OK);
  assert_int_equal(strlen(buf), 1235);
  x = B(buf);
  assert_big_eq(&x, &max);
  assert_int_equal(cs_big_to_str(&max, buf, 1235), CS_EINVAL);
  assert_int_equal(cs_big_to_str(&max, buf, 1236), CS_OK);
  max.neg = 0;
  big_text[1233] = '6';
  assert_int_equal(cs_big_from_str(&x, big_text), CS_EOVERFLOW);
  assert_int_equal(cs_big_is_zero(&x), 1);
  static char huge[3000];
  memset(huge, '9', sizeof huge - 1);
  huge[0] = '-';
  assert_int_equal(cs_big_from_str(&x, huge), CS_EOVERFLOW);

  /* one past the edge, from every direction */
  cs_big neg_max = max, neg_one = I(-1);
  neg_max.neg = 1;
  assert_int_equal(cs_big_add(&t, &max, &one), CS_EOVERFLOW);
  assert_int_equal(cs_big_add(&t, &one, &max), CS_EOVERFLOW);
  assert_int_equal(cs_big_sub(&t, &max, &neg_one), CS_EOVERFLOW);
  assert_int_equal(cs_big_sub(&t, &neg_max, &one), CS_EOVERFLOW);
  assert_int_equal(cs_big_add(&t, &neg_max, &neg_max), CS_EOVERFLOW);
  assert_int_equal(cs_big_add(&t, &max, &neg_one), CS_OK);
  assert_int_equal(cs_big_sub(&t, &t, &neg_one), CS_OK);
  assert_big_eq(&t, &max);
  assert_int_equal(cs_big_add(&t, &max, &neg_max), CS_OK);
  assert_int_equal(t.n, 0);
  assert_int_equal(cs_big_mul(&t, &max, &two), CS_EOVERFLOW);
  assert_int_equal(cs_big_mul(&t, &neg_one, &max), CS_OK);
  assert_big_eq(&t, &neg_max);
  assert_int_equal(cs_big_mul_u32(&t, &max, 2), CS_EOVERFLOW);
  assert_int_equal(cs_big_mul_u32(&t, &max, 1), CS_OK);
  assert_big_eq(&t, &max);
  /* the largest magnitude divides cleanly */
  cs_big q, r;
  assert_int_equal(cs_big_divmod(&q, &r, &neg_max, &max), CS_OK);
  assert_big(&q, "-1");
  assert_big(&r, "0");
  assert_int_equal(cs_big_divmod(&q, &r, &max, &three), CS_OK);
  check_division(&max, &three, &q, &r);
  /* floor(-max / 2) = -2^4095, and q*b = -2^4096 is out of range even
  ** though q and a are not, so check the values directly */
  cs_big half;
  assert_int_equal(cs_big_divmod(&q, &r, &neg_max, &two), CS_OK);
  assert_int_equal(cs_big_pow_u32(&half, &two, 4095), CS_OK);
  half.neg = 1;
  assert_big_eq(&q, &half);
  assert_big(&r, "1");

  /* (2^2048 - 1)^2 fills all 128 limbs; 2^2048 squared needs 129 */
  cs_big p, m;
  assert_int_equal(cs_big_pow_u32(&p, &two, 2048), CS_OK);
  assert_int_equal(p.n, 65);
  assert_int_equal(cs_big_mul(&t, &p, &p), CS_EOVERFLOW);
  assert_int_equal(cs_big_sub(&m, &p, &one), CS_OK);
  assert_int_equal(cs_big_mul(&t, &m, &m), CS_OK);
  assert_int_equal(t.n, CS_BIG_LIMBS);
  /* 2^4096 - 2^2049 + 1 = max - 2*2^2048 + 2 */
  cs_big e;
  assert_int_equal(cs_big_sub(&e, &max, &p), CS_OK);
  assert_int_equal(cs_big_sub(&e, &e, &p), CS_OK);
  assert_int_equal(cs_big_add(&e, &e, &two), CS_OK);
  assert_big_eq(&t, &e);
}

static void powers(void **state) {
  (void)state;
  cs_big t, x;
  x = I(0);
  assert_int_equal(cs_big_pow_u32(&t, &x, 0), CS_OK);
  assert_big(&t, "1");
  assert_int_equal(cs_big_pow_u32(&t, &x, 7), CS_OK);
  assert_big(&t, "0");
  assert_int_equal(cs_big_pow_u32(&t, &x, UINT32_MAX), CS_OK);
  assert_big(&t, "0");
  x = I(1);
  assert_int_equal(cs_big_pow_u32(&t, &x, UINT32_MAX), CS_OK);
  assert_big(&t, "1");
  x = I(-1);
  assert_int_equal(cs_big_pow_u32(&t, &x, UINT32_MAX), CS_OK);
  assert_big(&t, "-1");
  assert_int_equal(cs_big_pow_u32(&t, &x, 1u << 31), CS_OK);
  assert_big(&t, "1");
  x = I(-2);
  assert_int_equal(cs_big_pow_u32(&t, &x, 3), CS_OK);
  assert_big(&t, "-8");
  assert_int_equal(cs_big_pow_u32(&t, &x, 64), CS_OK);
  assert_big(&t, "18446744073709551616");
  assert_int_equal(cs_big_pow_u32(&t, &x, 4095), CS_OK);
  assert_int_equal(cs_big_sign(&t), -1);
  assert_int_equal(t.n, CS_BIG_LIMBS);
  assert_int_equal(t.limb[CS_BIG_LIMBS - 1], 0x80000000u);
  assert_int_equal(cs_big_pow_u32(&t, &x, 4096), CS_EOVERFLOW);
  assert_int_equal(cs_big_is_zero(&t), 1);
  x = I(3);
  assert_int_equal(cs_big_pow_u32(&t, &x, UINT32_MAX), CS_EOVERFLOW);
  x = I(10);
  assert_int_equal(cs_big_pow_u32(&t, &x, 18), CS_OK);
  int64_t v;
  assert_int_equal(cs_big_to_i64(&t, &v), 1);
  assert_true(v == 1000000000000000000);
  /* 10^1233 < 2^4096 < 10^1234 */
  char buf[STRMAX], expect[STRMAX];
  assert_int_equal(cs_big_pow_u32(&t, &x, 1233), CS_OK);
  memset(expect, '0', 1234);
  expect[0] = '1';
  expect[1234] = '\0';
  assert_int_equal(cs_big_to_str(&t, buf, sizeof buf), CS_OK);
  assert_string_equal(buf, expect);
  assert_int_equal(cs_big_pow_u32(&t, &x, 1234), CS_EOVERFLOW);
  /* aliasing, and agreement with repeated multiplication */
  rng_state = 0xfeedfacecafebeefu;
  for (int iter = 0; iter < 300; iter++) {
    cs_big b = rnd_big(3), slow = I(1);
    uint32_t e = (uint32_t)(rnd() % 40);
    for (uint32_t k = 0; k < e; k++) assert_int_equal(cs_big_mul(&slow, &slow, &b), CS_OK);
    assert_int_equal(cs_big_pow_u32(&b, &b, e), CS_OK);
    assert_big_eq(&b, &slow);
  }
}

static void gcds(void **state) {
  (void)state;
  cs_big a = I(0), b = I(0), g;
  assert_int_equal(cs_big_gcd(&g, &a, &b), CS_OK);
  assert_big(&g, "0");
  a = B("-123456789012345678901234567890");
  assert_int_equal(cs_big_gcd(&g, &a, &b), CS_OK);
  assert_big(&g, "123456789012345678901234567890");
  assert_int_equal(cs_big_gcd(&g, &b, &a), CS_OK);
  assert_big(&g, "123456789012345678901234567890");
  b = I(-12);
  a = I(-18);
  assert_int_equal(cs_big_gcd(&a, &a, &b), CS_OK); /* aliasing */
  assert_big(&a, "6");
  /* gcd(x*c, (x+1)*c) = |c|, since consecutive numbers are coprime */
  rng_state = 0x5deece66du;
  for (int iter = 0; iter < 1000; iter++) {
    cs_big x = rnd_big(30), c = rnd_big(30), one = I(1), x1, p1, p2, absc = c;
    absc.neg = 0;
    assert_int_equal(cs_big_add(&x1, &x, &one), CS_OK);
    assert_int_equal(cs_big_mul(&p1, &x, &c), CS_OK);
    assert_int_equal(cs_big_mul(&p2, &x1, &c), CS_OK);
    assert_int_equal(cs_big_gcd(&g, &p1, &p2), CS_OK);
    assert_big_eq(&g, &absc);
    /* and the gcd divides both */
    cs_big r, y = rnd_big(20), py;
    assert_int_equal(cs_big_mul(&py, &y, &c), CS_OK);
    assert_int_equal(cs_big_gcd(&g, &p1, &py), CS_OK);
    assert_int_equal(cs_big_sign(&g), 1);
    assert_int_equal(cs_big_divmod(NULL, &r, &p1, &g), CS_OK);
    assert_int_equal(r.n, 0);
    assert_int_equal(cs_big_divmod(NULL, &r, &py, &g), CS_OK);
    assert_int_equal(r.n, 0);
    assert_true(cs_big_cmp_abs(&g, &c) >= 0);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(text_vectors),      cmocka_unit_test(limb_vectors),
      cmocka_unit_test(int64_edges),       cmocka_unit_test(doubles),
      cmocka_unit_test(property_int64),    cmocka_unit_test(division_identity),
      cmocka_unit_test(add_back),          cmocka_unit_test(overflow),
      cmocka_unit_test(powers),            cmocka_unit_test(gcds),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
