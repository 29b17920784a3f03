/* Unit tests: shares in machine words (core/share_fx.c) against the exact
** path (q.c, round.c): whatever the machine-word path answers is the exact
** answer, and it declines (-1) only rarely. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "rng.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "coopsim/q.h"
#include "coopsim/round.h"
#include "../../core/share_fx.h"

static uint64_t rng_state = 0x2545f4914f6cdd1du;
static uint64_t rnd(void) { return test_xorshift64star(&rng_state); }

static cs_q Q(const char *s) {
  cs_q q;
  assert_int_equal(cs_q_from_decimal(&q, s), 0);
  return q;
}

/* X * m / D as an exact rational (not in lowest terms: q.h accepts it). */
static cs_q exact_of(const cs_big *x, const cs_big *d, uint64_t m) {
  cs_q v;
  cs_big mb;
  cs_big_from_u64(&mb, m);
  assert_int_equal(cs_big_mul(&v.num, x, &mb), 0);
  v.den = *d;
  return v;
}

/* One year's shares both ways: every answer of the machine-word path equals
** the exact one. Returns 1 if the machine-word path answered everything. */
static int check_year(const cs_big *x, const cs_big *d, const uint64_t *m, size_t n,
                      const char *const *codes) {
  cs_fx fx;
  if (cs_fx_init(&fx, x, d)) return 0;
  int all = 1;
  cs_fx_value *v = calloc(n, sizeof *v);
  cs_q *exact = calloc(n, sizeof *exact);
  int64_t *want = calloc(n, sizeof *want), *got = calloc(n, sizeof *got);
  size_t *tmp = calloc(n, sizeof *tmp);
  assert_non_null(v), assert_non_null(exact), assert_non_null(want), assert_non_null(got);
  assert_non_null(tmp);
  uint64_t sum = 0;
  int64_t floors = 0;
  for (size_t i = 0; i < n; i++) {
    exact[i] = exact_of(x, d, m[i]);
    sum += m[i];
    int64_t cents, whole, c2, w2;
    assert_int_equal(cs_q_cents(&exact[i], &cents, &whole), 0);
    if (cs_fx_times(&fx, m[i], &v[i])) {
      all = 0;
      continue;
    }
    if (cs_fx_cents(&v[i], &c2, &w2) == 0) {
      assert_int_equal(c2, cents);
      assert_int_equal(w2, whole);
    } else {
      all = 0;
    }
    floors += (int64_t)v[i].whole;
  }
  assert_int_equal(cs_round_shares(want, exact, codes, n, NULL), 0);
  /* the target is rounded exactly, as simulate.c does */
  cs_q total = exact_of(x, d, sum);
  int64_t target;
  assert_int_equal(cs_q_round_i64(&total, &target), 0);
  if (all) {
    if (cs_fx_largest_remainder(got, v, m, codes, n, target - floors, tmp) == 0)
      assert_memory_equal(got, want, n * sizeof *got);
    else
      all = 0;
  } else {
    all = 0;
  }
  free(v), free(exact), free(want), free(got), free(tmp);
  return all;
}

static const char *const codes8[8] = {"1812", "1813", "1815", "1816", "1818", "1820", "1822", "1824"};

/* Hand-made edges: halves, zero, ties, and a value a hair below a half. */
static void edges(void **state) {
  (void)state;
  cs_big x, d;
  /* 2.5 kr and 0.005 kr: halves round up */
  cs_big_from_u64(&x, 5), cs_big_from_u64(&d, 2);
  uint64_t m1[2] = {1, 1};
  assert_true(check_year(&x, &d, m1, 2, codes8));
  cs_fx fx;
  cs_fx_value v;
  int64_t out;
  assert_int_equal(cs_fx_init(&fx, &x, &d), 0);
  assert_int_equal(cs_fx_times(&fx, 1, &v), 0);
  int64_t cents;
  assert_int_equal(cs_fx_cents(&v, &cents, &out), 0);
  assert_int_equal(cents, 250);
  assert_int_equal(out, 3);
  /* 1/200 = 0.005 kr has no finite binary fraction: 1 øre, or declined */
  cs_big_from_u64(&x, 1), cs_big_from_u64(&d, 200);
  assert_int_equal(cs_fx_init(&fx, &x, &d), 0);
  assert_int_equal(cs_fx_times(&fx, 1, &v), 0);
  if (cs_fx_cents(&v, &cents, &out) == 0) assert_int_equal(cents, 1);
  check_year(&x, &d, m1, 2, codes8);
  /* 3/8 kr = 37.5 øre is exact in binary: 38 øre for certain */
  cs_big_from_u64(&x, 3), cs_big_from_u64(&d, 8);
  assert_int_equal(cs_fx_init(&fx, &x, &d), 0);
  assert_int_equal(cs_fx_times(&fx, 1, &v), 0);
  assert_int_equal(cs_fx_cents(&v, &cents, &out), 0);
  assert_int_equal(cents, 38);
  assert_int_equal(out, 0);
  /* nothing to share */
  cs_big_from_u64(&x, 0), cs_big_from_u64(&d, 7);
  uint64_t m2[3] = {1, 5, 9};
  assert_true(check_year(&x, &d, m2, 3, codes8));
  /* 100 kr by three equal weights: 33.33.. each; the odd krone to the lowest code */
  cs_big_from_u64(&x, 100), cs_big_from_u64(&d, 3);
  uint64_t m3[3] = {1, 1, 1};
  const char *rev[3] = {"1820", "1815", "1818"};
  assert_true(check_year(&x, &d, m3, 3, rev));
  /* 1/2 - 1/D for a huge D: just below a half; right, or declined */
  cs_q h = Q("0.5"), tiny, one;
  cs_q_from_i64(&one, 1);
  cs_q g;
  assert_int_equal(cs_q_from_frac(&g, 1035, 1000), 0);
  assert_int_equal(cs_q_pow(&g, &g, 60), 0);
  assert_int_equal(cs_q_div(&tiny, &one, &g), 0); /* 1 / 1.035^60 */
  assert_int_equal(cs_q_div(&tiny, &tiny, &g), 0);
  assert_int_equal(cs_q_div(&tiny, &tiny, &g), 0);
  assert_int_equal(cs_q_sub(&h, &h, &tiny), 0);
  uint64_t m4[1] = {1};
  check_year(&h.num, &h.den, m4, 1, codes8);
  cs_fx_init(&fx, &h.num, &h.den);
  if (cs_fx_times(&fx, 1, &v) == 0 && cs_fx_cents(&v, &cents, &out) == 0) {
    assert_int_equal(cents, 50);
    assert_int_equal(out, 0);
  }
  /* the largest value it answers for: 92 233 720 368 547 757.99 kr, whose
  ** floor(100 v) + 50 is past INT64_MAX (fuzz_numbers found the overflow) */
  v.whole = (cs_u128)(INT64_MAX / 100 - 1);
  v.lo = v.hi = ~(cs_u128)0 / 100 * 99; /* 0.99 kr and a little less */
  assert_int_equal(cs_fx_cents(&v, &cents, &out), 0);
  assert_int_equal(cents, (INT64_MAX / 100 - 1) * 100 + 99);
  assert_int_equal(out, INT64_MAX / 100); /* rounded up to whole kroner */
}

/* Random years as the simulation makes them: a net cost with decades of
** growth in its denominator, shared by equal and population pools over a
** common denominator (key.c's K), some members with equal weights. */
static void random_years(void **state) {
  (void)state;
  const char *codes[40];
  char buf[40][5];
  for (int i = 0; i < 40; i++) {
    snprintf(buf[i], sizeof buf[i], "%04d", 1000 + 7 * i);
    codes[i] = buf[i];
  }
  int answered = 0, years = 4000;
  for (int t = 0; t < years; t++) {
    /* net = amount * (1 + g)^k */
    char amount[32];
    snprintf(amount, sizeof amount, "%llu.%02llu", (unsigned long long)(rnd() % 100000000),
             (unsigned long long)(rnd() % 100));
    cs_q net = Q(amount), g;
    assert_int_equal(cs_q_from_frac(&g, 1000 + (int64_t)(rnd() % 60), 1000), 0);
    assert_int_equal(cs_q_pow(&g, &g, (int)(rnd() % 40)), 0);
    assert_int_equal(cs_q_mul(&net, &net, &g), 0);
    size_t n = 1 + rnd() % 40;
    uint64_t pop[40], m[40], W = 0;
    for (size_t i = 0; i < n; i++) {
      pop[i] = rnd() % 4 == 0 && i ? pop[i - 1] : 1 + rnd() % 700000; /* ties now and then */
      W += pop[i];
    }
    /* f equal + (1 - f) population with f = a / 10: K = lcm(10 n, 10 W) */
    uint64_t a = rnd() % 11, K = 10 * n * W; /* a common multiple, not always the least */
    for (size_t i = 0; i < n; i++) m[i] = a * (K / (10 * n)) + (10 - a) * pop[i] * (K / (10 * W));
    cs_big kb, d;
    cs_big_from_u64(&kb, K);
    assert_int_equal(cs_big_mul(&d, &net.den, &kb), 0);
    answered += check_year(&net.num, &d, m, n, codes);
  }
  /* the exact path decides only when a figure is within 2^-64 of a boundary */
  assert_true(answered > years * 99 / 100);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(edges),
      cmocka_unit_test(random_years),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
