/* Helpers the key tests share (tests/unit/test_key*.c): exact numbers,
** members, and checks of a key-year's amounts against fractions written in
** the test. Include after cmocka.h. */
#ifndef COOPSIM_KEY_TEST_H
#define COOPSIM_KEY_TEST_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "coopsim/key.h"
#include "coopsim/round.h"

static inline cs_q kt_dec(const char *s) {
  cs_q q;
  assert_int_equal(cs_q_from_decimal(&q, s), 0);
  return q;
}

static inline cs_q kt_frac(int64_t num, int64_t den) {
  cs_q q;
  assert_int_equal(cs_q_from_frac(&q, num, den), 0);
  return q;
}

/* a * b / c, exactly (the figures of a share: net * weight / total) */
static inline cs_q kt_abc(int64_t a, int64_t b, int64_t c) {
  cs_q x = kt_frac(a, c), y;
  cs_q_from_i64(&y, b);
  assert_int_equal(cs_q_mul(&x, &x, &y), 0);
  return x;
}

static inline cs_q kt_add(cs_q a, cs_q b) {
  cs_q r;
  assert_int_equal(cs_q_add(&r, &a, &b), 0);
  return r;
}

static inline cs_q kt_sub(cs_q a, cs_q b) {
  cs_q r;
  assert_int_equal(cs_q_sub(&r, &a, &b), 0);
  return r;
}

static inline void kt_eq(const cs_q *got, const cs_q *want, const char *what) {
  if (cs_q_cmp(got, want) != 0) {
    char a[128], b[128];
    cs_q_format_exact(got, a, sizeof a);
    cs_q_format_exact(want, b, sizeof b);
    fail_msg("%s: got %s, want %s", what, a, b);
  }
}

/* Members with these codes and populations, the whole year. */
static inline void kt_members(cs_key_member *m, size_t n, const char *const *codes,
                              const int64_t *pop) {
  for (size_t i = 0; i < n; i++) {
    m[i].code = codes[i];
    m[i].name = codes[i];
    m[i].population = pop[i];
    cs_q_from_i64(&m[i].year_share, 1);
  }
}

/* Applies the key or fails the test with its message. */
static inline cs_key_year *kt_eval(const cs_key *k, const cs_key_env *env, int year,
                                   const cs_q *net, const cs_key_member *m, size_t n) {
  cs_key_year *ky = NULL;
  cs_error err;
  err.msg[0] = '\0';
  if (cs_key_eval(k, env, year, net, m, n, &ky, &err)) fail_msg("cs_key_eval: %s", err.msg);
  return ky;
}

/* The message of a failing cs_key_eval. */
static inline void kt_eval_fails(const cs_key *k, const cs_key_env *env, int year, const cs_q *net,
                                 const cs_key_member *m, size_t n, const char *want) {
  cs_key_year *ky = NULL;
  cs_error err;
  err.msg[0] = '\0';
  if (cs_key_eval(k, env, year, net, m, n, &ky, &err) == 0) {
    cs_key_year_free(ky);
    fail_msg("cs_key_eval accepted (wanted \"%s\")", want);
  }
  assert_null(ky);
  if (!strstr(err.msg, want)) fail_msg("\"%s\" not in: %s", want, err.msg);
}

/* The rounded totals (largest remainder) of a key-year. */
static inline void kt_round(const cs_key_year *ky, const cs_key_member *m, int64_t *out) {
  size_t n = cs_key_year_nmembers(ky);
  const char **codes = malloc(n * sizeof *codes);
  assert_non_null(codes);
  for (size_t i = 0; i < n; i++) codes[i] = m[i].code;
  assert_int_equal(cs_round_shares(out, cs_key_year_total(ky, 0), codes, n, NULL), 0);
  free(codes);
}

/* Member i's part p explained, in lang, for the whole year (months 12). */
static inline char *kt_explain(cs_key_year *ky, const cs_key_notes *nt, const cs_key_member *m,
                               size_t i, size_t p, int months, cs_report_lang lang) {
  int64_t cents, whole;
  if (cs_q_cents(cs_key_year_part(ky, i, p), &cents, &whole)) cents = INT64_MIN;
  char *s = cs_key_notes_explain(nt, i, p, m[i].population, months, cents, lang);
  assert_non_null(s);
  return s;
}

/* The text contains want, or the test fails showing both. */
static inline void kt_has(const char *text, const char *want) {
  if (!strstr(text, want)) fail_msg("\"%s\" not in: %s", want, text);
}

#endif
