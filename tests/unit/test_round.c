/* Unit tests: exact rationals (q.c) and the one rounding (round.c),
** including RELIABILITY.md tests 25 and 26. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "rng.h"
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>
#include "coopsim/q.h"
#include "coopsim/round.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15u;
static uint64_t rnd(void) { return test_xorshift64star(&rng_state); }

static void q_decimal(void **state) {
  (void)state;
  cs_q a, b, c;
  char buf[128];
  assert_int_equal(cs_q_from_decimal(&a, "0.051"), 0);
  assert_int_equal(cs_q_format_exact(&a, buf, sizeof buf), 0);
  assert_string_equal(buf, "0.051");
  assert_int_equal(cs_q_from_double(&b, 0.1 + 0.2), 0);
  assert_int_equal(cs_q_format_exact(&b, buf, sizeof buf), 0);
  assert_string_equal(buf, "0.30000000000000004");
  assert_int_equal(cs_q_from_double(&c, 0.2), 0);
  assert_int_equal(cs_q_from_decimal(&a, "0.8"), 0);
  assert_int_equal(cs_q_add(&a, &a, &c), 0);
  cs_q one;
  cs_q_from_i64(&one, 1);
  assert_int_equal(cs_q_cmp(&a, &one), 0);
  assert_int_equal(cs_q_from_decimal(&a, "2.5E3"), 0);
  assert_int_equal(cs_q_format(&a, 2, " ", ",", buf, sizeof buf), 0);
  assert_string_equal(buf, "2 500,00");
  static const char *const bad[] = {"", "-", ".", "1e", "nan", "inf", " 1", "1 ", "1..2", "0x10", NULL};
  for (int i = 0; bad[i]; i++) assert_int_equal(cs_q_from_decimal(&a, bad[i]), CS_EINVAL);
  assert_int_equal(cs_q_from_double(&a, nan("")), CS_EINVAL);
  assert_int_equal(cs_q_from_double(&a, INFINITY), CS_EINVAL);
}

static void q_arith(void **state) {
  (void)state;
  cs_q a, b, c;
  char buf[128];
  cs_q_from_frac(&a, 1, 3);
  cs_q_from_frac(&b, 1, 6);
  assert_int_equal(cs_q_add(&c, &a, &b), 0);
  cs_q half;
  cs_q_from_frac(&half, 1, 2);
  assert_int_equal(cs_q_cmp(&c, &half), 0);
  /* 1.04^-2 * 1.04^2 = 1 */
  cs_q g, p, m;
  cs_q_from_decimal(&g, "1.04");
  assert_int_equal(cs_q_pow(&p, &g, 2), 0);
  assert_int_equal(cs_q_pow(&m, &g, -2), 0);
  assert_int_equal(cs_q_mul(&c, &p, &m), 0);
  cs_q one;
  cs_q_from_i64(&one, 1);
  assert_int_equal(cs_q_cmp(&c, &one), 0);
  /* rounding halves away from zero */
  int64_t r;
  cs_q_from_frac(&a, 5, 2);
  cs_q_round_i64(&a, &r);
  assert_int_equal(r, 3);
  cs_q_from_frac(&a, -5, 2);
  cs_q_round_i64(&a, &r);
  assert_int_equal(r, -3);
  cs_q_from_frac(&a, -7, 3);
  cs_big w;
  cs_q frac;
  assert_int_equal(cs_q_floor(&w, &frac, &a), 0);
  assert_int_equal(cs_big_to_str(&w, buf, sizeof buf), 0);
  assert_string_equal(buf, "-3");
  cs_q two_thirds;
  cs_q_from_frac(&two_thirds, 2, 3);
  assert_int_equal(cs_q_cmp(&frac, &two_thirds), 0);
  assert_int_equal(cs_q_div(&c, &a, &(cs_q){0}), CS_EINVAL);
}

/* Seed 004 Vedlegg 2: 740 539 shared 20 % equally among 17, 80 % by population. */
static void vedlegg2(void **state) {
  (void)state;
  static const int64_t pop[17] = {1981, 7777, 1175, 462, 1825, 7333, 2257, 13233, 1461,
                                  1273, 1369, 1698, 4420, 26092, 1869, 450, 1153};
  static const int64_t total[17] = {24189, 69473, 17892, 12322, 22971, 66004, 26346, 112099, 20127,
                                    18658, 19408, 21978, 43245, 212565, 23314, 12228, 17720};
  static const char *const codes[17] = {"1812", "1813", "1815", "1816", "1818", "1820",
                                        "1822", "1824", "1825", "1826", "1827", "1828",
                                        "1832", "1833", "1834", "1835", "1836"};
  cs_q exact[17], net, fixed, pp;
  cs_q_from_i64(&net, 740539);
  cs_q_from_frac(&fixed, 740539 * 2, 10 * 17);
  for (int i = 0; i < 17; i++) {
    cs_q_from_frac(&pp, 740539 * 8 * pop[i], 10 * 75828);
    cs_q_add(&exact[i], &fixed, &pp);
  }
  int64_t out[17], sum = 0;
  assert_int_equal(cs_round_shares(out, exact, codes, 17, NULL), 0);
  for (int i = 0; i < 17; i++) {
    assert_int_equal(out[i], total[i]);
    sum += out[i];
  }
  assert_int_equal(sum, 740539);
}

/* RELIABILITY 25: random totals and weights: exact sum, floor or ceiling,
** independent of input order. */
static void rel25_property(void **state) {
  (void)state;
  enum { MAXN = 400 };
  static cs_q exact[MAXN], perm_exact[MAXN];
  static int64_t out[MAXN], out2[MAXN], w[MAXN];
  static char codebuf[MAXN][5];
  static const char *codes[MAXN], *perm_codes[MAXN];
  static size_t perm[MAXN];
  for (int round = 0; round < 150; round++) {
    size_t n = 1 + rnd() % (round < 100 ? 20 : MAXN);
    int64_t total = (int64_t)(rnd() % 1000000000000ull); /* up to 10^12 */
    int64_t wsum = 0;
    for (size_t i = 0; i < n; i++) {
      w[i] = (int64_t)(rnd() % 100000);
      if (rnd() % 7 == 0) w[i] = w[0]; /* force ties */
      wsum += w[i];
      snprintf(codebuf[i], 5, "%04zu", (i * 37) % 10000);
      codes[i] = codebuf[i];
    }
    if (wsum == 0) {
      w[0] = 1;
      wsum = 1;
    }
    for (size_t i = 0; i < n; i++) {
      cs_q t;
      cs_q_from_i64(&t, total);
      cs_q_mul_i64(&t, &t, w[i]);
      cs_q d;
      cs_q_from_i64(&d, wsum);
      assert_int_equal(cs_q_div(&exact[i], &t, &d), 0);
    }
    assert_int_equal(cs_round_shares(out, exact, codes, n, NULL), 0);
    int64_t sum = 0;
    for (size_t i = 0; i < n; i++) {
      sum += out[i];
      /* floor or ceiling of the exact share */
      __int128 num = (__int128)total * w[i];
      int64_t fl = (int64_t)(num / wsum);
      assert_true(out[i] == fl || (out[i] == fl + 1 && num % wsum != 0));
    }
    assert_int_equal(sum, total);
    /* a permutation of the input gives the same share to every code */
    for (size_t i = 0; i < n; i++) perm[i] = i;
    for (size_t i = n; i > 1; i--) {
      size_t j = rnd() % i, t = perm[i - 1];
      perm[i - 1] = perm[j];
      perm[j] = t;
    }
    for (size_t i = 0; i < n; i++) {
      perm_exact[i] = exact[perm[i]];
      perm_codes[i] = codes[perm[i]];
    }
    assert_int_equal(cs_round_shares(out2, perm_exact, perm_codes, n, NULL), 0);
    for (size_t i = 0; i < n; i++) assert_int_equal(out2[i], out[perm[i]]);
  }
}

static void split(int64_t total, const int64_t *w, size_t n, int64_t *out) {
  cs_q exact[8];
  const char *codes[8] = {"0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008"};
  int64_t wsum = 0;
  for (size_t i = 0; i < n; i++) wsum += w[i];
  for (size_t i = 0; i < n; i++) {
    cs_q t, d;
    cs_q_from_i64(&t, total);
    cs_q_mul_i64(&t, &t, w[i]);
    cs_q_from_i64(&d, wsum);
    cs_q_div(&exact[i], &t, &d);
  }
  assert_int_equal(cs_round_shares(out, exact, codes, n, NULL), 0);
}

/* RELIABILITY 26: edge vectors. */
static void rel26_edges(void **state) {
  (void)state;
  int64_t out[8];
  split(7000000000000000, (int64_t[]){1, 2}, 2, out);
  assert_int_equal(out[0], 2333333333333333);
  assert_int_equal(out[1], 4666666666666667);
  split(1, (int64_t[]){75, 25}, 2, out);
  assert_int_equal(out[0], 1);
  assert_int_equal(out[1], 0);
  split(3, (int64_t[]){75, 25}, 2, out);
  assert_int_equal(out[0], 2);
  assert_int_equal(out[1], 1);
  /* ties go to the lower code: 1 krone among three equal shares */
  split(1, (int64_t[]){1, 1, 1}, 3, out);
  assert_int_equal(out[0], 1);
  assert_int_equal(out[1], 0);
  assert_int_equal(out[2], 0);
  /* the Alabama paradox: a larger total gives the 500-weight ones one krone less */
  int64_t w[6] = {1500, 1500, 900, 500, 500, 200};
  int64_t a[6], b[6];
  split(25, w, 6, a);
  split(26, w, 6, b);
  assert_int_equal(a[3], 3);
  assert_int_equal(b[3], 2);
  /* negative totals are floored and corrected the same way */
  split(-10, (int64_t[]){1, 2}, 2, out);
  assert_int_equal(out[0] + out[1], -10);
  assert_int_equal(out[0], -3);
  assert_int_equal(out[1], -7);
}

/* The common-denominator rounding (shares over one denominator, not in
** lowest terms) against the rational path, and cs_q_cents against
** cs_q_format and cs_q_round_i64, on small and on 30-year-growth
** denominators, with ties. */
static void common_denominator_rounding(void **state) {
  (void)state;
  const char *codes[8] = {"0008", "0001", "0005", "0002", "0007", "0003", "0006", "0004"};
  for (int trial = 0; trial < 400; trial++) {
    size_t n = 1 + rnd() % 8;
    cs_q den;
    if (trial % 2) {
      cs_q g;
      cs_q_from_frac(&g, 207, 200);
      assert_int_equal(cs_q_pow(&g, &g, (int)(rnd() % 30)), 0);
      den.num = g.den;
    } else {
      cs_big_from_u64(&den.num, 1 + rnd() % 1000);
    }
    cs_big k;
    cs_big_from_u64(&k, 1 + rnd() % 24);
    assert_int_equal(cs_big_mul(&den.num, &den.num, &k), 0);
    cs_q shares[8];
    for (size_t i = 0; i < n; i++) {
      cs_big v;
      if (i % 3 == 2) {
        v = shares[i - 1].num; /* ties: equal remainders go to the lower code */
      } else {
        cs_big_from_u64(&v, rnd() % 100000000000u);
        assert_int_equal(cs_big_mul(&v, &v, &den.num), 0);
        cs_big_from_u64(&k, rnd() % 1000000);
        assert_int_equal(cs_big_add(&v, &v, &k), 0);
      }
      if (trial % 5 == 0 && i == 0) v.neg = v.n > 0;
      shares[i].num = v;
      shares[i].den = den.num;
    }
    int64_t fast[8], slow[8];
    cs_round_fast_path = 1;
    assert_int_equal(cs_round_shares(fast, shares, codes, n, NULL), 0);
    cs_round_fast_path = 0;
    assert_int_equal(cs_round_shares(slow, shares, codes, n, NULL), 0);
    cs_round_fast_path = 1;
    assert_memory_equal(fast, slow, n * sizeof fast[0]);
    for (size_t i = 0; i < n; i++) {
      int64_t cents, whole, w2;
      char a[64], b[64];
      assert_int_equal(cs_q_cents(&shares[i], &cents, &whole), 0);
      assert_int_equal(cs_q_round_i64(&shares[i], &w2), 0);
      assert_int_equal(whole, w2);
      assert_int_equal(cs_q_format(&shares[i], 2, " ", ",", a, sizeof a), 0);
      assert_int_equal(cs_q_format_cents(cents, " ", ",", b, sizeof b), 0);
      assert_string_equal(a, b);
    }
  }
  /* different denominators: the rational path */
  cs_q two[2];
  int64_t out[2];
  cs_q_from_frac(&two[0], 1, 2);
  cs_q_from_frac(&two[1], 3, 4);
  const char *c2[2] = {"0001", "0002"};
  assert_int_equal(cs_round_shares(out, two, c2, 2, NULL), 0);
  assert_int_equal(out[0] + out[1], 1);
  assert_int_equal(out[1], 1);
  /* halves and negative halves in cs_q_cents */
  int64_t cents, whole;
  cs_q h;
  cs_q_from_frac(&h, -1, 200);
  assert_int_equal(cs_q_cents(&h, &cents, &whole), 0);
  assert_int_equal(cents, -1);
  assert_int_equal(whole, 0);
  cs_q_from_frac(&h, 99, 200);
  assert_int_equal(cs_q_cents(&h, &cents, &whole), 0);
  assert_int_equal(cents, 50);
  assert_int_equal(whole, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(common_denominator_rounding),
      cmocka_unit_test(q_decimal), cmocka_unit_test(q_arith), cmocka_unit_test(vedlegg2),
      cmocka_unit_test(rel25_property), cmocka_unit_test(rel26_edges),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
