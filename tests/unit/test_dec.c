/* Unit tests: exact decimals (core/dec.c) against exact rationals (q.c):
** sums, differences, products, comparisons and rounding to øre agree, and
** what is no decimal (1/3) is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "rng.h"
#include <stdio.h>
#include <string.h>
#include "coopsim/q.h"
#include "../../core/dec.h"

static uint64_t rng_state = 0x853c49e6748fea9bu;
static uint64_t rnd(void) { return test_xorshift64star(&rng_state); }

static cs_q Q(const char *s) {
  cs_q q;
  assert_int_equal(cs_q_from_decimal(&q, s), 0);
  return q;
}

/* a random decimal with up to 4 places, negative now and then */
static cs_q random_q(void) {
  char t[40];
  snprintf(t, sizeof t, "%s%llu.%04llu", rnd() % 5 == 0 ? "-" : "",
           (unsigned long long)(rnd() % 10000000), (unsigned long long)(rnd() % 10000));
  return Q(t);
}

static void same(const cs_dec *d, const cs_q *q) {
  cs_q back;
  assert_int_equal(cs_dec_to_q(&back, d), 0);
  assert_int_equal(cs_q_cmp(&back, q), 0);
  int64_t c1, w1, c2, w2;
  assert_int_equal(cs_dec_cents(d, &c1, &w1), 0);
  assert_int_equal(cs_q_cents(q, &c2, &w2), 0);
  assert_int_equal(c1, c2);
  assert_int_equal(w1, w2);
}

static void against_rationals(void **state) {
  (void)state;
  for (int t = 0; t < 3000; t++) {
    cs_q a = random_q(), b = random_q(), g, r;
    /* a growth factor: (1 + rate)^k, rates like 0.035 */
    char rate[16];
    snprintf(rate, sizeof rate, "1.%03llu", (unsigned long long)(rnd() % 100));
    g = Q(rate);
    assert_int_equal(cs_q_pow(&g, &g, (int)(rnd() % 31)), 0);
    cs_dec da, db, dg, dr;
    assert_int_equal(cs_dec_from_q(&da, &a), 0);
    assert_int_equal(cs_dec_from_q(&db, &b), 0);
    assert_int_equal(cs_dec_from_q(&dg, &g), 0);
    same(&da, &a);
    assert_int_equal(cs_dec_add(&dr, &da, &db), 0);
    assert_int_equal(cs_q_add(&r, &a, &b), 0);
    same(&dr, &r);
    assert_int_equal(cs_dec_sub(&dr, &da, &db), 0);
    assert_int_equal(cs_q_sub(&r, &a, &b), 0);
    same(&dr, &r);
    assert_int_equal(cs_dec_mul(&dr, &da, &dg), 0);
    assert_int_equal(cs_q_mul(&r, &a, &g), 0);
    same(&dr, &r);
    int c1, c2 = cs_q_cmp(&a, &b);
    assert_int_equal(cs_dec_cmp(&da, &db, &c1), 0);
    assert_int_equal((c1 > 0) - (c1 < 0), (c2 > 0) - (c2 < 0));
  }
}

static void edges(void **state) {
  (void)state;
  cs_dec d;
  cs_q third, h;
  assert_int_equal(cs_q_from_frac(&third, 1, 3), 0);
  assert_int_equal(cs_dec_from_q(&d, &third), -1); /* no decimal */
  assert_int_equal(cs_q_from_frac(&third, 7, 12), 0);
  assert_int_equal(cs_dec_from_q(&d, &third), -1);
  /* halves away from zero, at øre and at kroner */
  const char *cases[] = {"0.005", "-0.005", "2.5", "-2.5", "0.004999", "1234567.125", "0", NULL};
  for (int i = 0; cases[i]; i++) {
    h = Q(cases[i]);
    assert_int_equal(cs_dec_from_q(&d, &h), 0);
    same(&d, &h);
  }
  int64_t c, w;
  h = Q("-0.005");
  cs_dec_from_q(&d, &h);
  cs_dec_cents(&d, &c, &w);
  assert_int_equal(c, -1);
  /* 1/8 = 0.125 is a decimal */
  assert_int_equal(cs_q_from_frac(&h, 1, 8), 0);
  assert_int_equal(cs_dec_from_q(&d, &h), 0);
  assert_int_equal(d.scale, 3);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(against_rationals),
      cmocka_unit_test(edges),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
