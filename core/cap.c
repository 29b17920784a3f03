/*
** cap.c: caps and floors solved exactly (cap.h).
*/
#include <stdlib.h>
#include "coopsim/cap.h"

#define TRY(x)                                                                  \
  do {                                                                          \
    int rc_ = (x);                                                              \
    if (rc_ != CS_OK) {                                                         \
      rc = rc_ == CS_EOVERFLOW                                                  \
               ? cs_error_set(err, CS_EOVERFLOW, "limits: amounts too large for exact arithmetic") \
               : cs_error_set(err, rc_, "limits: invalid arithmetic");          \
      goto done;                                                                \
    }                                                                           \
  } while (0)

static int check(const cs_q *u, const cs_cap_limit *lim, size_t n, cs_error *err) {
  for (size_t i = 0; i < n; i++) {
    if (cs_q_sign(&u[i]) < 0)
      return cs_error_set(err, CS_EINVAL, "limits: member %zu has a negative share", i + 1);
    if ((lim[i].has_min && cs_q_sign(&lim[i].min) < 0) ||
        (lim[i].has_max && cs_q_sign(&lim[i].max) < 0))
      return cs_error_set(err, CS_EINVAL, "limits: member %zu has a negative limit", i + 1);
    if (lim[i].has_min && lim[i].has_max && cs_q_cmp(&lim[i].min, &lim[i].max) > 0)
      return cs_error_set(err, CS_EINVAL, "limits: member %zu has its minimum above its maximum",
                          i + 1);
  }
  return CS_OK;
}

/* clamp(v, lim) into *out and where it ended. */
static signed char clamp_one(cs_q *out, const cs_q *v, const cs_cap_limit *lim) {
  if (lim->has_min && cs_q_cmp(v, &lim->min) < 0) {
    cs_q_copy(out, &lim->min);
    return CS_CAP_AT_MIN;
  }
  if (lim->has_max && cs_q_cmp(v, &lim->max) > 0) {
    cs_q_copy(out, &lim->max);
    return CS_CAP_AT_MAX;
  }
  cs_q_copy(out, v);
  return CS_CAP_WITHIN;
}

int cs_cap_clamp(cs_q *out, signed char *clamp, const cs_q *u, const cs_cap_limit *lim,
                 size_t n, cs_error *err) {
  int rc = check(u, lim, n, err);
  if (rc) return rc;
  for (size_t i = 0; i < n; i++) clamp[i] = clamp_one(&out[i], &u[i], &lim[i]);
  return CS_OK;
}

/* A point where a member with a share reaches a limit: its minimum (it
** starts to move with lambda) or its maximum (it stops). */
typedef struct event {
  size_t member;
  int at_max;
  cs_q lambda;
} event;

static int by_lambda(const void *a, const void *b) {
  const event *x = *(const event *const *)a, *y = *(const event *const *)b;
  int c = cs_q_cmp(&x->lambda, &y->lambda);
  if (c) return c;
  if (x->at_max != y->at_max) return x->at_max - y->at_max; /* minimum first */
  return x->member < y->member ? -1 : x->member > y->member;
}

int cs_cap_cover(cs_q *out, signed char *clamp, cs_cap_outcome *outcome, cs_q *lambda,
                 const cs_q *amount, const cs_q *u, const cs_cap_limit *lim, size_t n,
                 cs_error *err) {
  int rc = check(u, lim, n, err);
  if (rc) return rc;
  if (cs_q_sign(amount) < 0) return cs_error_set(err, CS_EINVAL, "limits: a negative amount to share");
  event *ev = malloc((2 * n + 1) * sizeof *ev);
  event **order = malloc((2 * n + 1) * sizeof *order);
  size_t nev = 0;
  cs_q C, U, S, t;
  cs_q_zero(&C);
  cs_q_zero(&U);
  cs_q_zero(lambda);
  if (!ev || !order) {
    rc = cs_error_set(err, CS_ENOMEM, "out of memory");
    goto done;
  }
  /* at lambda = 0 every member pays its minimum (0 without one) */
  for (size_t i = 0; i < n; i++) {
    if (lim[i].has_min) TRY(cs_q_add(&C, &C, &lim[i].min));
    if (cs_q_is_zero(&u[i])) continue;
    event *e = &ev[nev++];
    e->member = i;
    e->at_max = 0;
    if (lim[i].has_min) TRY(cs_q_div(&e->lambda, &lim[i].min, &u[i]));
    else cs_q_zero(&e->lambda);
    if (lim[i].has_max) {
      e = &ev[nev++];
      e->member = i;
      e->at_max = 1;
      TRY(cs_q_div(&e->lambda, &lim[i].max, &u[i]));
    }
  }
  for (size_t k = 0; k < nev; k++) order[k] = &ev[k];
  qsort(order, nev, sizeof *order, by_lambda);
  int c = cs_q_cmp(&C, amount);
  if (c >= 0) {
    *outcome = c > 0 ? CS_CAP_ALL_MIN : CS_CAP_SOLVED;
  } else {
    /* S(lambda) = C + lambda U on each segment; C < A here */
    int solved = 0;
    for (size_t k = 0; k < nev && !solved; k++) {
      const event *e = order[k];
      TRY(cs_q_mul(&S, &e->lambda, &U));
      TRY(cs_q_add(&S, &S, &C));
      if (cs_q_cmp(&S, amount) >= 0) {
        solved = 1; /* within (previous point, this one]: U > 0 as S grew */
        break;
      }
      size_t i = e->member;
      if (!e->at_max) {
        if (lim[i].has_min) TRY(cs_q_sub(&C, &C, &lim[i].min));
        TRY(cs_q_add(&U, &U, &u[i]));
      } else {
        TRY(cs_q_add(&C, &C, &lim[i].max));
        TRY(cs_q_sub(&U, &U, &u[i]));
      }
    }
    if (solved || cs_q_sign(&U) > 0) {
      TRY(cs_q_sub(&t, amount, &C));
      TRY(cs_q_div(lambda, &t, &U));
      *outcome = CS_CAP_SOLVED;
    } else {
      *outcome = CS_CAP_ALL_MAX;
    }
  }
  for (size_t i = 0; i < n; i++) {
    if (*outcome == CS_CAP_ALL_MAX && !cs_q_is_zero(&u[i])) {
      /* every member with a share has a maximum here (else U > 0) */
      cs_q_copy(&out[i], &lim[i].max);
      clamp[i] = CS_CAP_AT_MAX;
      continue;
    }
    if (*outcome == CS_CAP_ALL_MAX || *outcome == CS_CAP_ALL_MIN) cs_q_zero(&t);
    else TRY(cs_q_mul(&t, lambda, &u[i]));
    clamp[i] = clamp_one(&out[i], &t, &lim[i]);
  }
done:
  free(ev);
  free(order);
  return rc;
}
