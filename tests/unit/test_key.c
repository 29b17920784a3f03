/* Unit tests: cost-sharing keys (key.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "coopsim/key.h"
#include "coopsim/round.h"
#include "key_test.h"

static cs_q Q(const char *s) {
  cs_q q;
  assert_int_equal(cs_q_from_decimal(&q, s), 0);
  return q;
}

static void members(cs_key_member *m, size_t n, const int64_t *pop) {
  static const char *const codes[] = {"0001", "0002", "0003", "0004"};
  for (size_t i = 0; i < n; i++) {
    m[i].code = codes[i];
    m[i].name = codes[i];
    m[i].population = pop[i];
    cs_q_from_i64(&m[i].year_share, 1);
  }
}

/* Member i's total of the key-year rounded to whole kroner. */
static int64_t rounded_total(const cs_key_year *ky, size_t i) {
  int64_t v;
  assert_int_equal(cs_q_round_i64(cs_key_year_total(ky, i), &v), 0);
  return v;
}

static void split_key(void **state) {
  (void)state;
  cs_key *k = cs_key_new();
  cs_q f1 = Q("0.2"), f2 = Q("0.8");
  assert_int_equal(cs_key_add_pool(k, CS_POOL_EQUAL, &f1, NULL, NULL, 0, NULL, NULL, NULL), 0);
  assert_int_equal(cs_key_add_pool(k, CS_POOL_POPULATION, &f2, NULL, NULL, 0, NULL, NULL, NULL), 0);
  assert_int_equal(cs_key_validate(k, NULL), 0);
  assert_true(cs_key_covers(k));
  cs_key_member m[3];
  members(m, 3, (int64_t[]){100, 300, 600});
  cs_q net = Q("1000");
  cs_key_year *ky = kt_eval(k, NULL, 2023, &net, m, 3);
  /* 200/3 + 800 * pop/1000 */
  assert_int_equal(rounded_total(ky, 0), 147);  /* 66.67 + 80 */
  assert_int_equal(rounded_total(ky, 1), 307);  /* 66.67 + 240 */
  assert_int_equal(rounded_total(ky, 2), 547);  /* 66.67 + 480 */
  assert_string_equal(cs_key_part_name(k, 0), "equal");
  assert_string_equal(cs_key_part_name(k, 1), "population");
  cs_key_notes *nt = cs_key_year_take_notes(ky);
  char *s = kt_explain(ky, nt, m, 1, 1, 12, CS_LANG_EN);
  assert_string_equal(s, "80 % of 1 000.00 = 800.00 x 300 / 1 000 inhabitants = 240.00");
  free(s);
  cs_key_notes_free(nt);
  cs_key_year_free(ky);
  cs_key_free(k);
}

static void shares_must_sum_to_one(void **state) {
  (void)state;
  cs_key *k = cs_key_new();
  cs_q f = Q("0.333");
  for (int i = 0; i < 3; i++)
    assert_int_equal(cs_key_add_pool(k, CS_POOL_EQUAL, &f, NULL, NULL, 0, NULL, NULL, NULL), 0);
  cs_error err;
  assert_int_equal(cs_key_validate(k, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "0.999"));
  cs_key_free(k);
  k = cs_key_new();
  cs_q neg = Q("-0.1");
  assert_int_equal(cs_key_add_pool(k, CS_POOL_EQUAL, &neg, NULL, NULL, 0, NULL, NULL, &err), CS_EINVAL);
  assert_int_equal(cs_key_validate(k, &err), CS_EINVAL); /* no components */
  cs_key_free(k);
}

static void base_plus_rate(void **state) {
  (void)state;
  cs_key_member m[2];
  members(m, 2, (int64_t[]){1000, 3000});
  /* fixed rate: a fee, does not cover */
  cs_key *k = cs_key_new();
  cs_q base = Q("10000"), rate = Q("6");
  assert_int_equal(cs_key_add_direct(k, CS_DIRECT_BASE, &base, NULL, NULL, 0, NULL), 0);
  assert_int_equal(cs_key_add_direct(k, CS_DIRECT_RATE, &rate, NULL, NULL, 0, NULL), 0);
  assert_false(cs_key_covers(k));
  cs_q net = Q("0");
  cs_key_year *ky = kt_eval(k, NULL, 2018, &net, m, 2);
  assert_int_equal(rounded_total(ky, 0), 16000);
  assert_int_equal(rounded_total(ky, 1), 28000);
  cs_key_year_free(ky);
  cs_key_free(k);
  /* covering rate: (net - 2 x base) by population */
  k = cs_key_new();
  cs_q one = Q("1");
  assert_int_equal(cs_key_add_direct(k, CS_DIRECT_BASE, &base, NULL, NULL, 0, NULL), 0);
  assert_int_equal(cs_key_add_pool(k, CS_POOL_POPULATION, &one, NULL, NULL, 0, NULL, NULL, NULL), 0);
  net = Q("60000");
  ky = kt_eval(k, NULL, 2018, &net, m, 2);
  assert_int_equal(rounded_total(ky, 0), 20000);
  assert_int_equal(rounded_total(ky, 1), 40000);
  cs_key_year_free(ky);
  /* base amounts above the cost: a clear error */
  net = Q("15000");
  kt_eval_fails(k, NULL, 2018, &net, m, 2, "exceed");
  cs_key_free(k);
}

static void fixed_and_weights(void **state) {
  (void)state;
  cs_key_member m[2];
  members(m, 2, (int64_t[]){1, 1});
  const char *codes[] = {"0001", "0002"};
  cs_q amounts[] = {Q("42376"), Q("1000")};
  cs_key *k = cs_key_new();
  assert_int_equal(cs_key_add_direct(k, CS_DIRECT_FIXED, NULL, codes, amounts, 2, NULL), 0);
  cs_q net = Q("0");
  cs_key_year *ky = kt_eval(k, NULL, 2022, &net, m, 2);
  assert_int_equal(rounded_total(ky, 0), 42376);
  assert_int_equal(rounded_total(ky, 1), 1000);
  cs_key_year_free(ky);
  cs_key_free(k);
  /* weights: a member without a weight is an error naming it */
  k = cs_key_new();
  cs_q one = Q("1"), w[] = {Q("3")};
  assert_int_equal(cs_key_add_pool(k, CS_POOL_WEIGHTS, &one, codes, w, 1, NULL, NULL, NULL), 0);
  net = Q("900");
  kt_eval_fails(k, NULL, 2022, &net, m, 2, "0002");
  cs_key_free(k);
}

/* A member there for 6 of 12 months under pro rata weighs half. */
static void part_year(void **state) {
  (void)state;
  cs_key_member m[2];
  members(m, 2, (int64_t[]){1, 1});
  cs_q_from_frac(&m[1].year_share, 6, 12);
  cs_key *k = cs_key_new();
  cs_q one = Q("1");
  cs_key_add_pool(k, CS_POOL_EQUAL, &one, NULL, NULL, 0, NULL, NULL, NULL);
  cs_q net = Q("900");
  cs_key_year *ky = kt_eval(k, NULL, 2022, &net, m, 2);
  assert_int_equal(rounded_total(ky, 0), 600);
  assert_int_equal(rounded_total(ky, 1), 300);
  cs_key_year_free(ky);
  cs_key_free(k);
}

static int custom_weights(void *ud, int year, const cs_q *net, const cs_key_member *m, size_t n,
                          cs_q *w, cs_error *err) {
  (void)ud; (void)year; (void)net; (void)err;
  for (size_t i = 0; i < n; i++) cs_q_from_i64(&w[i], (int64_t)i + 1);
  (void)m;
  return 0;
}

static void custom(void **state) {
  (void)state;
  cs_key_member m[2];
  members(m, 2, (int64_t[]){1, 1});
  cs_key *k = cs_key_new();
  cs_q one = Q("1");
  assert_int_equal(cs_key_add_pool(k, CS_POOL_CUSTOM, &one, NULL, NULL, 0, custom_weights, NULL, NULL), 0);
  cs_q net = Q("300");
  cs_key_year *ky = kt_eval(k, NULL, 2022, &net, m, 2);
  assert_int_equal(rounded_total(ky, 0), 100);
  assert_int_equal(rounded_total(ky, 1), 200);
  cs_key_year_free(ky);
  cs_key_free(k);
}

/* 1 if a is not in lowest terms (the common denominator's mark). */
static int not_lowest(const cs_q *a) {
  cs_q b;
  cs_q_copy(&b, a);
  assert_int_equal(cs_q_normalise(&b), 0);
  return cs_big_cmp(&a->den, &b.den) != 0;
}

/* The common denominator: a pools-only key gives the same values over one
** common denominator as the exact path, and the same explanations; a key
** with a direct component, a weight too large for machine words, or
** cs_key_fast_path = 0 takes the exact path. */
static void common_denominator(void **state) {
  (void)state;
  cs_key_member m[4];
  int64_t pop[4] = {1234, 98765, 4321, 77};
  members(m, 4, pop);
  cs_q_from_frac(&m[1].year_share, 5, 12);
  cs_q net = Q("7310519.123456789");
  cs_q big_net; /* a 30-year growth denominator */
  cs_q g;
  assert_int_equal(cs_q_from_frac(&g, 207, 200), 0);
  assert_int_equal(cs_q_pow(&g, &g, 29), 0);
  assert_int_equal(cs_q_mul(&big_net, &net, &g), 0);
  const char *codes[4] = {"0001", "0002", "0003", "0004"};
  const char *w_codes[4] = {"0001", "0002", "0003", "0004"};
  cs_q w_small[4] = {Q("1.5"), Q("0.25"), Q("3"), Q("0")};
  cs_q w_huge[4] = {Q("1.5"), Q("12345678901234567890123"), Q("3"), Q("1")};
  for (int variant = 0; variant < 4; variant++) {
    cs_key *k = cs_key_new();
    cs_q f1 = Q("0.2"), f2 = Q("0.5"), f3 = Q("0.3"), base = Q("1000");
    if (variant == 3) assert_int_equal(cs_key_add_direct(k, CS_DIRECT_BASE, &base, NULL, NULL, 0, NULL), 0);
    assert_int_equal(cs_key_add_pool(k, CS_POOL_EQUAL, &f1, NULL, NULL, 0, NULL, NULL, NULL), 0);
    assert_int_equal(cs_key_add_pool(k, CS_POOL_POPULATION, &f2, NULL, NULL, 0, NULL, NULL, NULL), 0);
    assert_int_equal(cs_key_add_pool(k, CS_POOL_WEIGHTS, &f3, w_codes,
                                     variant == 1 ? w_huge : w_small, 4, NULL, NULL, NULL), 0);
    assert_int_equal(cs_key_validate(k, NULL), 0);
    for (int fast = 0; fast < 2; fast++) {
      const cs_q *nets[2] = {&net, &big_net};
      for (int ni = 0; ni < 2; ni++) {
        cs_key_fast_path = 0;
        cs_key_year *exact = kt_eval(k, NULL, 2030, nets[ni], m, 4);
        cs_key_fast_path = fast && variant != 2;
        cs_key_year *common = kt_eval(k, NULL, 2030, nets[ni], m, 4);
        cs_key_fast_path = 1;
        cs_key_notes *ne = cs_key_year_take_notes(exact), *nc = cs_key_year_take_notes(common);
        size_t np = cs_key_year_nparts(exact);
        assert_int_equal(cs_key_year_nparts(common), np);
        int used = 0;
        for (size_t i = 0; i < 4; i++) {
          for (size_t p = 0; p < np; p++) {
            const cs_q *a = cs_key_year_part(common, i, p), *b = cs_key_year_part(exact, i, p);
            assert_int_equal(cs_q_cmp(a, b), 0);
            assert_false(not_lowest(b));
            used |= not_lowest(a);
            /* the explanations made from either's notes are the same */
            for (int lang = 0; lang < 2; lang++) {
              cs_report_lang l = lang ? CS_LANG_NB : CS_LANG_EN;
              char *se = kt_explain(exact, ne, m, i, p, i == 1 ? 5 : 12, l);
              char *sc = kt_explain(common, nc, m, i, p, i == 1 ? 5 : 12, l);
              assert_string_equal(sc, se);
              free(se);
              free(sc);
            }
          }
          assert_int_equal(cs_q_cmp(cs_key_year_total(common, i), cs_key_year_total(exact, i)), 0);
        }
        assert_int_equal(used, fast && variant == 0);
        int64_t r1[4], r2[4];
        assert_int_equal(cs_round_shares(r1, cs_key_year_total(exact, 0), codes, 4, NULL), 0);
        assert_int_equal(cs_round_shares(r2, cs_key_year_total(common, 0), codes, 4, NULL), 0);
        assert_memory_equal(r1, r2, sizeof r1);
        cs_key_notes_free(ne);
        cs_key_notes_free(nc);
        cs_key_year_free(exact);
        cs_key_year_free(common);
      }
    }
    cs_key_free(k);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(common_denominator),
      cmocka_unit_test(split_key),         cmocka_unit_test(shares_must_sum_to_one),
      cmocka_unit_test(base_plus_rate),    cmocka_unit_test(fixed_and_weights),
      cmocka_unit_test(part_year),         cmocka_unit_test(custom),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
