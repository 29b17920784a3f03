/* Unit tests: the Monte Carlo loop (montecarlo.c) on a model whose every
** draw can be recomputed here from the generator (cs_mc_normal): the mean
** and the 5th, 50th and 95th percentiles are those of the sorted draws,
** exactly, on one thread and on three. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "coopsim/montecarlo.h"

static int by_value(const void *a, const void *b) {
  float x = *(const float *)a, y = *(const float *)b;
  return (x > y) - (x < y);
}

static void percentiles_exact(void **state) {
  (void)state;
  enum { DRAWS = 20011 };
  int member = 0;
  double population = 1000, year_share = 1;
  cs_mc_year y;
  memset(&y, 0, sizeof y);
  y.year = 2030;
  y.cost_wage = 1000000;
  y.cost_other = 25000;
  y.wage_steps = 3;
  y.covers = 1;
  cs_mc_component comp;
  memset(&comp, 0, sizeof comp);
  comp.kind = CS_MC_EQUAL;
  comp.amount = 1;
  y.ncomp = 1;
  y.comp = &comp;
  y.n = 1;
  y.member = &member;
  y.population = &population;
  y.year_share = &year_share;
  cs_mc_model m = {1, 1, &y};
  float *want = malloc(DRAWS * sizeof *want);
  assert_non_null(want);
  double sum = 0;
  for (long d = 0; d < DRAWS; d++) {
    double wf = 1;
    for (int s = 1; s <= 3; s++) wf *= 1.0 + 0.035 + 0.01 * cs_mc_normal(7, (uint64_t)d, (uint64_t)s);
    double share = 25000 + 1000000 * wf; /* the only member pays the net cost */
    want[d] = (float)share;
    sum += share;
  }
  qsort(want, DRAWS, sizeof *want, by_value);
  for (int threads = 1; threads <= 3; threads += 2) {
    cs_mc_options o;
    memset(&o, 0, sizeof o);
    o.seed = 7;
    o.draws = DRAWS;
    o.vary_wage = 1;
    o.wage_mean = 0.035;
    o.wage_sd = 0.01;
    o.threads = threads;
    cs_mc_stat st;
    long done;
    cs_error err;
    assert_int_equal(cs_montecarlo(&m, &o, &st, &done, &err), 0);
    assert_int_equal(done, DRAWS);
    assert_int_equal(st.n, DRAWS);
    assert_true(fabs(st.mean - sum / DRAWS) < 1e-6 * st.mean);
    const double q[3] = {0.05, 0.50, 0.95};
    const double got[3] = {st.p5, st.p50, st.p95};
    for (int i = 0; i < 3; i++) {
      size_t k = (size_t)(q[i] * (DRAWS - 1) + 0.5);
      assert_true((float)got[i] == want[k]);
    }
  }
  free(want);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(percentiles_exact)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
