/* Unit tests: caps and floors solved exactly (cap.c). Every expected share
** is a fraction written here, worked out by hand; the property test checks
** the solver's answer by its definition (clamp(lambda u) summing to A). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "coopsim/cap.h"

static cs_q F(int64_t num, int64_t den) {
  cs_q q;
  assert_int_equal(cs_q_from_frac(&q, num, den), 0);
  return q;
}

static cs_q I(int64_t v) { return F(v, 1); }

static cs_cap_limit limit(int64_t min, int64_t max) { /* -1: none */
  cs_cap_limit l;
  memset(&l, 0, sizeof l);
  l.has_min = min >= 0;
  l.has_max = max >= 0;
  if (l.has_min) l.min = I(min);
  if (l.has_max) l.max = I(max);
  return l;
}

static void eq(const cs_q *a, const cs_q *b) {
  if (cs_q_cmp(a, b) != 0) {
    char x[80], y[80];
    cs_q_format_exact(a, x, sizeof x);
    cs_q_format_exact(b, y, sizeof y);
    fail_msg("%s != %s", x, y);
  }
}

/* Helgeland's 17 members share 740 539 by population (75 828 inhabitants)
** with a maximum of 150 000 each. Rana (26 092) is above it; its excess
** lifts Vefsn (13 233) above it too; the other 15 (36 503 inhabitants)
** share the rest 440 539 by population. */
static void two_members_reach_the_maximum(void **state) {
  (void)state;
  static const int64_t pop[17] = {1981, 7777, 1175, 462, 1825, 7333, 2257, 13233, 1461,
                                  1273, 1369, 1698, 4420, 26092, 1869, 450, 1153};
  cs_q u[17], out[17], amount = I(740539), lambda;
  cs_cap_limit lim[17];
  signed char clamp[17];
  cs_cap_outcome outcome;
  for (int i = 0; i < 17; i++) {
    u[i] = F(740539 * pop[i], 75828);
    lim[i] = limit(-1, 150000);
  }
  assert_int_equal(cs_cap_cover(out, clamp, &outcome, &lambda, &amount, u, lim, 17, NULL), 0);
  assert_int_equal(outcome, CS_CAP_SOLVED);
  cs_q want_lambda;
  /* lambda u_i = 440539 pop_i / 36503 with u_i = 740539 pop_i / 75828 */
  cs_q a = F(440539, 740539), b = F(75828, 36503);
  assert_int_equal(cs_q_mul(&want_lambda, &a, &b), 0);
  eq(&lambda, &want_lambda);
  cs_q sum;
  cs_q_zero(&sum);
  for (int i = 0; i < 17; i++) {
    cs_q want = pop[i] == 26092 || pop[i] == 13233 ? I(150000) : F(440539 * pop[i], 36503);
    eq(&out[i], &want);
    assert_int_equal(clamp[i], pop[i] == 26092 || pop[i] == 13233 ? CS_CAP_AT_MAX : CS_CAP_WITHIN);
    cs_q_add(&sum, &sum, &out[i]);
  }
  eq(&sum, &amount);
}

/* A floor and a cap in one year: u = 700, 250, 50 of 1 000, maximum 500,
** minimum 150. The first is held at 500; with lambda 5/3 the third would
** pay 250/3 < 150, so it is raised to 150; the second pays the rest 350 =
** 7/5 x 250, within its limits. */
static void min_and_max(void **state) {
  (void)state;
  cs_q u[3] = {I(700), I(250), I(50)}, out[3], amount = I(1000), lambda;
  cs_cap_limit lim[3] = {limit(150, 500), limit(150, 500), limit(150, 500)};
  signed char clamp[3];
  cs_cap_outcome outcome;
  assert_int_equal(cs_cap_cover(out, clamp, &outcome, &lambda, &amount, u, lim, 3, NULL), 0);
  assert_int_equal(outcome, CS_CAP_SOLVED);
  cs_q w0 = I(500), w1 = I(350), w2 = I(150), wl = F(7, 5);
  eq(&out[0], &w0);
  eq(&out[1], &w1);
  eq(&out[2], &w2);
  eq(&lambda, &wl);
  assert_int_equal(clamp[0], CS_CAP_AT_MAX);
  assert_int_equal(clamp[1], CS_CAP_WITHIN);
  assert_int_equal(clamp[2], CS_CAP_AT_MIN);
  /* u = 700, 200, 100: with the first held, lambda 5/3 leaves the third at
  ** 500/3 >= 150: no floor binds */
  u[1] = I(200), u[2] = I(100);
  assert_int_equal(cs_cap_cover(out, clamp, &outcome, &lambda, &amount, u, lim, 3, NULL), 0);
  cs_q x1 = F(1000, 3), x2 = F(500, 3), l2 = F(5, 3);
  eq(&out[0], &w0);
  eq(&out[1], &x1);
  eq(&out[2], &x2);
  eq(&lambda, &l2);
  assert_int_equal(clamp[2], CS_CAP_WITHIN);
  /* the order of the members changes nothing */
  cs_q ur[3] = {u[2], u[0], u[1]}, outr[3];
  assert_int_equal(cs_cap_cover(outr, clamp, &outcome, &lambda, &amount, ur, lim, 3, NULL), 0);
  eq(&outr[0], &x2);
  eq(&outr[1], &w0);
  eq(&outr[2], &x1);
}

static void degenerate(void **state) {
  (void)state;
  cs_q out[2], lambda, zero = I(0);
  signed char clamp[2];
  cs_cap_outcome outcome;
  /* maxima below the amount: each pays its maximum, 400 is not covered */
  cs_q u[2] = {I(600), I(400)}, amount = I(1000);
  cs_cap_limit lim[2] = {limit(-1, 300), limit(-1, 300)};
  assert_int_equal(cs_cap_cover(out, clamp, &outcome, &lambda, &amount, u, lim, 2, NULL), 0);
  assert_int_equal(outcome, CS_CAP_ALL_MAX);
  cs_q m = I(300);
  eq(&out[0], &m);
  eq(&out[1], &m);
  assert_int_equal(clamp[0], CS_CAP_AT_MAX);
  /* minima above the amount: each pays its minimum, 60 too much */
  cs_q u2[2] = {I(60), I(40)}, a2 = I(100);
  cs_cap_limit lim2[2] = {limit(80, -1), limit(80, -1)};
  assert_int_equal(cs_cap_cover(out, clamp, &outcome, &lambda, &a2, u2, lim2, 2, NULL), 0);
  assert_int_equal(outcome, CS_CAP_ALL_MIN);
  cs_q e = I(80);
  eq(&out[0], &e);
  eq(&out[1], &e);
  eq(&lambda, &zero);
  assert_int_equal(clamp[1], CS_CAP_AT_MIN);
  /* minima exactly the amount: solved with lambda 0 */
  cs_q a3 = I(160);
  assert_int_equal(cs_cap_cover(out, clamp, &outcome, &lambda, &a3, u2, lim2, 2, NULL), 0);
  assert_int_equal(outcome, CS_CAP_SOLVED);
  eq(&out[0], &e);
  /* a member with no share but a minimum pays it; the other the rest */
  cs_q u4[2] = {I(1000), I(0)};
  cs_cap_limit lim4[2] = {limit(100, -1), limit(100, -1)};
  assert_int_equal(cs_cap_cover(out, clamp, &outcome, &lambda, &amount, u4, lim4, 2, NULL), 0);
  cs_q n900 = I(900), n100 = I(100), l4 = F(9, 10);
  eq(&out[0], &n900);
  eq(&out[1], &n100);
  eq(&lambda, &l4);
  /* nothing to share and no minima */
  cs_q u5[2] = {I(0), I(0)};
  cs_cap_limit lim5[2] = {limit(-1, 10), limit(-1, -1)};
  assert_int_equal(cs_cap_cover(out, clamp, &outcome, &lambda, &zero, u5, lim5, 2, NULL), 0);
  assert_int_equal(outcome, CS_CAP_SOLVED);
  eq(&out[0], &zero);
  eq(&out[1], &zero);
  /* a maximum of 0 sends everything to the other */
  cs_q u6[2] = {I(500), I(500)};
  cs_cap_limit lim6[2] = {limit(-1, -1), limit(-1, 0)};
  assert_int_equal(cs_cap_cover(out, clamp, &outcome, &lambda, &amount, u6, lim6, 2, NULL), 0);
  eq(&out[0], &amount);
  eq(&out[1], &zero);
  assert_int_equal(clamp[1], CS_CAP_AT_MAX);
  /* min = max: a fixed amount, the rest to the other */
  cs_cap_limit lim7[2] = {limit(-1, -1), limit(123, 123)};
  assert_int_equal(cs_cap_cover(out, clamp, &outcome, &lambda, &amount, u6, lim7, 2, NULL), 0);
  cs_q r7 = I(877), f7 = I(123);
  eq(&out[0], &r7);
  eq(&out[1], &f7);
  /* bad input */
  cs_error err;
  cs_cap_limit bad[2] = {limit(200, 100), limit(-1, -1)};
  assert_int_equal(cs_cap_cover(out, clamp, &outcome, &lambda, &amount, u6, bad, 2, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "member 1 has its minimum above its maximum"));
  cs_q neg[2] = {I(-1), I(5)};
  assert_int_equal(cs_cap_cover(out, clamp, &outcome, &lambda, &amount, neg, lim6, 2, &err), CS_EINVAL);
  cs_q minus = I(-5);
  assert_int_equal(cs_cap_cover(out, clamp, &outcome, &lambda, &minus, u6, lim6, 2, &err), CS_EINVAL);
}

/* A fee clamped: nothing moves. */
static void fee(void **state) {
  (void)state;
  cs_q u[3] = {F(1234567, 2), I(40000), I(500)}, out[3];
  cs_cap_limit lim[3] = {limit(1000, 300000), limit(1000, 300000), limit(1000, 300000)};
  signed char clamp[3];
  assert_int_equal(cs_cap_clamp(out, clamp, u, lim, 3, NULL), 0);
  cs_q a = I(300000), b = I(40000), c = I(1000);
  eq(&out[0], &a);
  eq(&out[1], &b);
  eq(&out[2], &c);
  assert_int_equal(clamp[0], CS_CAP_AT_MAX);
  assert_int_equal(clamp[1], CS_CAP_WITHIN);
  assert_int_equal(clamp[2], CS_CAP_AT_MIN);
}

/* Random years: whatever the solver answers must be clamp(lambda u_i)
** summing to A exactly (SOLVED), every member with a share at its maximum
** and the sum below A (ALL_MAX), or the minima above A (ALL_MIN). */
static uint64_t rng = 88172645463325252u;
static int64_t rnd(int64_t n) {
  rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
  return (int64_t)(rng % (uint64_t)n);
}

static void random_years(void **state) {
  (void)state;
  enum { N = 9 };
  int seen[3] = {0, 0, 0};
  for (int iter = 0; iter < 3000; iter++) {
    size_t n = (size_t)rnd(N) + 1;
    cs_q u[N], out[N], amount = F(rnd(5000), rnd(7) + 1), lambda;
    cs_cap_limit lim[N];
    signed char clamp[N];
    cs_cap_outcome outcome;
    for (size_t i = 0; i < n; i++) {
      u[i] = rnd(4) ? F(rnd(2000), rnd(11) + 1) : I(0);
      int64_t lo = rnd(3) ? -1 : rnd(800), hi = rnd(3) ? -1 : rnd(1500);
      if (lo >= 0 && hi >= 0 && lo > hi) {
        int64_t x = lo;
        lo = hi, hi = x;
      }
      lim[i] = limit(lo, hi);
    }
    assert_int_equal(cs_cap_cover(out, clamp, &outcome, &lambda, &amount, u, lim, n, NULL), 0);
    seen[outcome]++;
    cs_q sum, mins, x;
    cs_q_zero(&sum);
    cs_q_zero(&mins);
    for (size_t i = 0; i < n; i++) {
      cs_q_add(&sum, &sum, &out[i]);
      if (lim[i].has_min) cs_q_add(&mins, &mins, &lim[i].min);
      if (outcome == CS_CAP_ALL_MAX) {
        if (!cs_q_is_zero(&u[i])) {
          assert_true(lim[i].has_max);
          eq(&out[i], &lim[i].max);
        }
        continue;
      }
      const cs_q *lam = &lambda;
      cs_q zero;
      cs_q_zero(&zero);
      if (outcome == CS_CAP_ALL_MIN) lam = &zero;
      assert_int_equal(cs_q_mul(&x, lam, &u[i]), 0);
      if (lim[i].has_min && cs_q_cmp(&x, &lim[i].min) < 0) x = lim[i].min;
      if (lim[i].has_max && cs_q_cmp(&x, &lim[i].max) > 0) x = lim[i].max;
      eq(&out[i], &x);
    }
    if (outcome == CS_CAP_SOLVED) eq(&sum, &amount);
    if (outcome == CS_CAP_ALL_MAX) assert_true(cs_q_cmp(&sum, &amount) < 0);
    if (outcome == CS_CAP_ALL_MIN) assert_true(cs_q_cmp(&mins, &amount) > 0);
  }
  /* every case was met, many times */
  for (int k = 0; k < 3; k++)
    if (seen[k] < 100) fail_msg("outcome %d met %d times", k, seen[k]);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(two_members_reach_the_maximum), cmocka_unit_test(min_and_max),
      cmocka_unit_test(degenerate), cmocka_unit_test(fee), cmocka_unit_test(random_years),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
