/* Unit tests: cost-sharing keys (key.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "coopsim/key.h"
#include "coopsim/round.h"

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

static int64_t rounded_total(const cs_key_share *s) {
  int64_t v;
  assert_int_equal(cs_q_round_i64(&s->total, &v), 0);
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
  cs_key_share out[3];
  cs_q net = Q("1000");
  assert_int_equal(cs_key_apply(k, 2023, &net, m, 3, out, NULL), 0);
  /* 200/3 + 800 * pop/1000 */
  assert_int_equal(rounded_total(&out[0]), 147);  /* 66.67 + 80 */
  assert_int_equal(rounded_total(&out[1]), 307);  /* 66.67 + 240 */
  assert_int_equal(rounded_total(&out[2]), 547);  /* 66.67 + 480 */
  assert_string_equal(out[0].parts[0].name, "equal");
  assert_string_equal(out[0].parts[1].name, "population");
  assert_non_null(strstr(out[1].parts[1].explain, "300"));
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
  cs_key_share out[2];
  /* fixed rate: a fee, does not cover */
  cs_key *k = cs_key_new();
  cs_q base = Q("10000"), rate = Q("6");
  assert_int_equal(cs_key_add_direct(k, CS_DIRECT_BASE, &base, NULL, NULL, 0, NULL), 0);
  assert_int_equal(cs_key_add_direct(k, CS_DIRECT_RATE, &rate, NULL, NULL, 0, NULL), 0);
  assert_false(cs_key_covers(k));
  cs_q net = Q("0");
  assert_int_equal(cs_key_apply(k, 2018, &net, m, 2, out, NULL), 0);
  assert_int_equal(rounded_total(&out[0]), 16000);
  assert_int_equal(rounded_total(&out[1]), 28000);
  cs_key_free(k);
  /* covering rate: (net - 2 x base) by population */
  k = cs_key_new();
  cs_q one = Q("1");
  assert_int_equal(cs_key_add_direct(k, CS_DIRECT_BASE, &base, NULL, NULL, 0, NULL), 0);
  assert_int_equal(cs_key_add_pool(k, CS_POOL_POPULATION, &one, NULL, NULL, 0, NULL, NULL, NULL), 0);
  net = Q("60000");
  assert_int_equal(cs_key_apply(k, 2018, &net, m, 2, out, NULL), 0);
  assert_int_equal(rounded_total(&out[0]), 20000);
  assert_int_equal(rounded_total(&out[1]), 40000);
  /* base amounts above the cost: a clear error */
  net = Q("15000");
  cs_error err;
  assert_int_equal(cs_key_apply(k, 2018, &net, m, 2, out, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "exceed"));
  cs_key_free(k);
}

static void fixed_and_weights(void **state) {
  (void)state;
  cs_key_member m[2];
  members(m, 2, (int64_t[]){1, 1});
  cs_key_share out[2];
  const char *codes[] = {"0001", "0002"};
  cs_q amounts[] = {Q("42376"), Q("1000")};
  cs_key *k = cs_key_new();
  assert_int_equal(cs_key_add_direct(k, CS_DIRECT_FIXED, NULL, codes, amounts, 2, NULL), 0);
  cs_q net = Q("0");
  assert_int_equal(cs_key_apply(k, 2022, &net, m, 2, out, NULL), 0);
  assert_int_equal(rounded_total(&out[0]), 42376);
  cs_key_free(k);
  /* weights: a member without a weight is an error naming it */
  k = cs_key_new();
  cs_q one = Q("1"), w[] = {Q("3")};
  assert_int_equal(cs_key_add_pool(k, CS_POOL_WEIGHTS, &one, codes, w, 1, NULL, NULL, NULL), 0);
  net = Q("900");
  cs_error err;
  assert_int_equal(cs_key_apply(k, 2022, &net, m, 2, out, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "0002"));
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
  cs_key_share out[2];
  cs_q net = Q("900");
  assert_int_equal(cs_key_apply(k, 2022, &net, m, 2, out, NULL), 0);
  assert_int_equal(rounded_total(&out[0]), 600);
  assert_int_equal(rounded_total(&out[1]), 300);
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
  cs_key_share out[2];
  cs_q net = Q("300");
  assert_int_equal(cs_key_apply(k, 2022, &net, m, 2, out, NULL), 0);
  assert_int_equal(rounded_total(&out[0]), 100);
  assert_int_equal(rounded_total(&out[1]), 200);
  cs_key_free(k);
}

/* cs_key_apply_common: a pools-only key gives the same values over one
** common denominator; a key with a direct component, a weight too large
** for machine words, or cs_key_fast_path = 0 falls back to the exact path. */
static void common_denominator(void **state) {
  (void)state;
  cs_key_member m[4];
  int64_t pop[4] = {1234, 98765, 4321, 77};
  members(m, 4, pop);
  cs_q_from_frac(&m[1].year_share, 5, 12);
  cs_key_share exact[4], common[4];
  int used;
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
        cs_key_fast_path = fast && variant != 2;
        assert_int_equal(cs_key_apply(k, 2030, nets[ni], m, 4, exact, NULL), 0);
        cs_key_note notes[CS_KEY_MAX_PARTS];
        assert_int_equal(cs_key_apply_common(k, 2030, nets[ni], m, 4, common, &used, notes, NULL), 0);
        cs_key_fast_path = 1;
        assert_int_equal(used, fast && variant == 0);
        int64_t r1[4], r2[4];
        cs_q t1[4], t2[4];
        for (size_t i = 0; i < 4; i++) {
          assert_int_equal(common[i].nparts, exact[i].nparts);
          for (size_t p = 0; p < exact[i].nparts; p++) {
            assert_int_equal(cs_q_cmp(&common[i].parts[p].amount, &exact[i].parts[p].amount), 0);
            /* the explanation made later from the notes is cs_key_apply's */
            char text[240];
            int64_t cents, whole;
            assert_int_equal(cs_q_cents(&common[i].parts[p].amount, &cents, &whole), 0);
            cs_key_explain_part(&notes[p], m[i].population, i == 1, 5, cents,
                                common[i].parts[p].member, text, sizeof text);
            assert_string_equal(text, exact[i].parts[p].explain);
          }
          assert_int_equal(cs_q_cmp(&common[i].total, &exact[i].total), 0);
          t1[i] = exact[i].total;
          t2[i] = common[i].total;
        }
        assert_int_equal(cs_round_shares(r1, t1, codes, 4, NULL), 0);
        assert_int_equal(cs_round_shares(r2, t2, codes, 4, NULL), 0);
        assert_memory_equal(r1, r2, sizeof r1);
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
