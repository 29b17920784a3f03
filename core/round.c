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

static int by_remainder(const void *pa, const void *pb) {
  const remainder *a = pa, *b = pb;
  int c = cs_q_cmp(&b->frac, &a->frac); /* larger remainder first */
  if (c) return c;
  c = strcmp(a->code, b->code); /* then the lower code */
  if (c) return c;
  return (a->index > b->index) - (a->index < b->index);
}

int cs_round_shares(int64_t *out, const cs_q *exact, const char *const *codes,
                    size_t n, cs_error *err) {
  if (n == 0) return CS_OK;
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
