/*
** bands.c: fees by population band (bands.h).
*/
#include <stdio.h>
#include "coopsim/bands.h"

static void text_of(const cs_q *v, char *buf, size_t size) {
  if (cs_q_format_exact(v, buf, size)) snprintf(buf, size, "(too large)");
}

int cs_bands_check(const cs_band *b, size_t n, cs_error *err) {
  char v[80];
  if (n == 0) return cs_error_set(err, CS_EINVAL, "a band table needs at least one band");
  for (size_t k = 0; k < n; k++) {
    int last = k + 1 == n;
    if (cs_q_sign(&b[k].amount) < 0) {
      text_of(&b[k].amount, v, sizeof v);
      return cs_error_set(err, CS_EINVAL, "band %zu: amount %s is negative", k + 1, v);
    }
    if (b[k].has_rate && cs_q_sign(&b[k].rate) < 0) {
      text_of(&b[k].rate, v, sizeof v);
      return cs_error_set(err, CS_EINVAL, "band %zu: rate %s is negative", k + 1, v);
    }
    if (last && b[k].has_upto)
      return cs_error_set(err, CS_EINVAL,
                          "band %zu, the last, has upto = %lld: the last band has no upto "
                          "(it covers every larger population)",
                          k + 1, (long long)b[k].upto);
    if (!last && !b[k].has_upto)
      return cs_error_set(err, CS_EINVAL,
                          "band %zu has no upto: only the last band may leave it out", k + 1);
    if (!last && b[k].upto < 0)
      return cs_error_set(err, CS_EINVAL, "band %zu: upto %lld is negative", k + 1,
                          (long long)b[k].upto);
    if (!last && k > 0 && b[k].upto <= b[k - 1].upto)
      return cs_error_set(err, CS_EINVAL,
                          "band %zu: upto %lld is not above band %zu's %lld (bands go in "
                          "increasing upto)",
                          k + 1, (long long)b[k].upto, k, (long long)b[k - 1].upto);
  }
  return CS_OK;
}

size_t cs_bands_find(const cs_band *b, size_t n, int64_t population) {
  for (size_t k = 0; k + 1 < n; k++)
    if (population <= b[k].upto) return k;
  return n - 1;
}

int64_t cs_bands_from(const cs_band *b, size_t k) { return k == 0 ? 0 : b[k - 1].upto + 1; }

int cs_bands_fee(cs_q *out, const cs_band *b, int64_t population) {
  cs_q_copy(out, &b->amount);
  if (!b->has_rate) return CS_OK;
  cs_q r;
  int rc = cs_q_mul_i64(&r, &b->rate, population);
  if (rc == CS_OK) rc = cs_q_add(out, out, &r);
  return rc;
}
