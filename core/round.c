/*
** round.c: largest-remainder rounding of exact shares (see round.h).
*/
#include <stdlib.h>
#include <string.h>
#include "coopsim/round.h"

typedef struct {
  size_t index;
  cs_q frac;
  const char *code;
} remainder;

/* The tie-break of equal remainders, the same for both paths: the lower
** code, then the input order (which only equal codes reach). */
static int lower_code_first(const char *ca, size_t ia, const char *cb, size_t ib) {
  int c = strcmp(ca, cb);
  if (c) return c;
  return (ia > ib) - (ia < ib);
}

static int by_remainder(const void *pa, const void *pb) {
  const remainder *a = pa, *b = pb;
  int c = cs_q_cmp(&b->frac, &a->frac); /* larger remainder first */
  return c ? c : lower_code_first(a->code, a->index, b->code, b->index);
}

/* All shares over one denominator den (not necessarily in lowest terms, as
** cs_key_eval gives them): each share's floor and remainder come
** from one division, and remainders r/den compare as the integers r. */
typedef struct {
  size_t index;
  cs_big rem;
  const char *code;
} int_remainder;

static int by_int_remainder(const void *pa, const void *pb) {
  const int_remainder *a = pa, *b = pb;
  int c = cs_big_cmp(&b->rem, &a->rem); /* larger remainder first */
  return c ? c : lower_code_first(a->code, a->index, b->code, b->index);
}

int cs_round_fast_path = 1;

static int round_common(int64_t *out, const cs_q *exact, const char *const *codes, size_t n,
                        cs_error *err) {
  int_remainder *rem = malloc(n * sizeof *rem); /* every field is written (520 bytes each) */
  if (!rem) return cs_error_set(err, CS_ENOMEM, "out of memory rounding shares");
  int rc = CS_OK;
  cs_q sum;
  cs_big_from_u64(&sum.num, 0);
  sum.den = exact[0].den;
  int64_t floors = 0, target = 0;
  for (size_t i = 0; i < n; i++) {
    cs_big whole;
    int64_t w;
    if ((rc = cs_big_add(&sum.num, &sum.num, &exact[i].num)) != CS_OK ||
        (rc = cs_big_divmod(&whole, &rem[i].rem, &exact[i].num, &exact[i].den)) != CS_OK)
      goto fail;
    if (!cs_big_to_i64(&whole, &w) || __builtin_add_overflow(floors, w, &floors)) {
      rc = CS_EOVERFLOW;
      goto fail;
    }
    out[i] = w;
    rem[i].index = i;
    rem[i].code = codes ? codes[i] : "";
  }
  if ((rc = cs_q_round_i64(&sum, &target)) != CS_OK) goto fail;
  int64_t extra = target - floors;
  if (extra < 0 || (uint64_t)extra > n) {
    rc = cs_error_set(err, CS_ERROR, "internal: %lld kroner left after flooring",
                      (long long)extra);
    goto fail;
  }
  qsort(rem, n, sizeof *rem, by_int_remainder);
  for (int64_t k = 0; k < extra; k++) out[rem[k].index] += 1;
  free(rem);
  return CS_OK;
fail:
  free(rem);
  if (rc == CS_EOVERFLOW) return cs_error_set(err, rc, "amount too large for exact rounding");
  return rc;
}

int cs_round_shares(int64_t *out, const cs_q *exact, const char *const *codes,
                    size_t n, cs_error *err) {
  if (n == 0) return CS_OK;
  int same = cs_round_fast_path;
  for (size_t i = 1; i < n && same; i++) same = cs_big_cmp(&exact[i].den, &exact[0].den) == 0;
  if (same) return round_common(out, exact, codes, n, err);
  remainder *rem = calloc(n, sizeof *rem);
  if (!rem) return cs_error_set(err, CS_ENOMEM, "out of memory rounding shares");
  int rc = CS_OK;
  cs_q sum;
  cs_q_zero(&sum);
  int64_t floors = 0, target = 0;
  for (size_t i = 0; i < n; i++) {
    cs_big whole;
    int64_t w;
    if ((rc = cs_q_add(&sum, &sum, &exact[i])) != CS_OK ||
        (rc = cs_q_floor(&whole, &rem[i].frac, &exact[i])) != CS_OK)
      goto fail;
    if (!cs_big_to_i64(&whole, &w) || __builtin_add_overflow(floors, w, &floors)) {
      rc = CS_EOVERFLOW;
      goto fail;
    }
    out[i] = w;
    rem[i].index = i;
    rem[i].code = codes ? codes[i] : "";
  }
  if ((rc = cs_q_round_i64(&sum, &target)) != CS_OK) goto fail;
  int64_t extra = target - floors; /* 0 <= extra <= n by construction */
  if (extra < 0 || (uint64_t)extra > n) {
    rc = cs_error_set(err, CS_ERROR, "internal: %lld kroner left after flooring",
                      (long long)extra);
    goto fail;
  }
  qsort(rem, n, sizeof *rem, by_remainder);
  for (int64_t k = 0; k < extra; k++) out[rem[k].index] += 1;
  free(rem);
  return CS_OK;
fail:
  free(rem);
  if (rc == CS_EOVERFLOW)
    return cs_error_set(err, rc, "amount too large for exact rounding");
  return rc;
}
