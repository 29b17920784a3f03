/*
** key_apply.c: a key applied for a budget year (key.h). cs_key_eval gives
** every member's parts and total, exact, and the notes the explanations are
** written from; the machine-word multipliers of keys of equal and
** population pools are here too (cs_key_multipliers).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "key_internal.h"

int cs_key_fast_path = 1;

struct cs_key_year {
  size_t n, nparts;
  cs_q unshared;
  size_t nclamped;
  cs_key_notes *notes;
  /* member i's part p at own_amount[i * nparts + p], its total at
  ** own_total[i]; kept for the next year (cs_key_eval reuses them: fresh
  ** pages for a megabyte of amounts every year cost more than the
  ** arithmetic) */
  cs_q *own_amount, *own_total;
  size_t room_cells, room_members;
};

#define AMT(ky, i, p) (&(ky)->own_amount[(i) * (ky)->nparts + (p)])
#define TOT(ky, i) (&(ky)->own_total[(i)])

static uint64_t gcd_u64(uint64_t a, uint64_t b) {
  while (b) {
    uint64_t t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/*
** The common denominator of a pools-only key. Every pool part is
** rest * f_c * w_ic / W_c; with rest = Rn/Rd, f_c = fn/fd, w_ic = wn/wd and
** W_c = Wn/Wd all in lowest terms (f, w and W small), the part is
** Rn * mult_ic / (Rd * K), where K is the least common multiple of every
** fd * wd * Wn and mult_ic = fn * wn * Wd * (K / (fd * wd * Wn)). The parts
** and the totals then share the denominator Rd * K and need no gcd; only
** the machine-word factors are checked for overflow. 0 when it applies
** (*K set), -1 when a factor does not fit (the exact path is used).
*/
static int common_factor(const cs_q *fraction, const cs_q *w, const cs_q *total_w, size_t n,
                         uint64_t *K) {
  int64_t fn, fd, wn, wd, tn, td;
  if (!cs_q_small(fraction, &fn, &fd) || !cs_q_small(total_w, &tn, &td) || fn < 0 || tn <= 0)
    return -1;
  for (size_t i = 0; i < n; i++) {
    uint64_t d;
    if (!cs_q_small(&w[i], &wn, &wd) || wn < 0) return -1;
    if (__builtin_mul_overflow((uint64_t)fd, (uint64_t)wd, &d) ||
        __builtin_mul_overflow(d, (uint64_t)tn, &d))
      return -1;
    /* K = lcm(K, d) */
    if (__builtin_mul_overflow(*K / gcd_u64(*K, d), d, K) || *K > (uint64_t)INT64_MAX) return -1;
  }
  return 0;
}

/* mult_ic as above; 0, or -1 if it does not fit in int64. */
static int common_mult(const cs_q *fraction, const cs_q *w, const cs_q *total_w, uint64_t K,
                       int64_t *out) {
  int64_t fn, fd, wn, wd, tn, td;
  cs_q_small(fraction, &fn, &fd);
  cs_q_small(w, &wn, &wd);
  cs_q_small(total_w, &tn, &td);
  uint64_t d = (uint64_t)fd * (uint64_t)wd * (uint64_t)tn, m; /* checked in common_factor */
  if (__builtin_mul_overflow((uint64_t)fn, (uint64_t)wn, &m) ||
      __builtin_mul_overflow(m, (uint64_t)td, &m) || __builtin_mul_overflow(m, K / d, &m) ||
      m > (uint64_t)INT64_MAX)
    return -1;
  *out = (int64_t)m;
  return 0;
}

/* A pool's total weight as the explanations write it: inhabitants grouped
** ("75 828"), table values exact and grouped ("1 389.5"), other weights
** exact ("12.5", as the first texts wrote them). NULL: no memory. */
static char *total_text(cs_component_kind kind, const cs_q *total_w) {
  if (kind == CS_POOL_POPULATION) return cs_key_money(total_w, 0);
  if (kind == CS_POOL_BY) return cs_key_exact(total_w);
  char buf[2048]; /* room for any cs_q as decimal text (big.h: 1300 digits) */
  if (cs_q_format_exact(total_w, buf, sizeof buf)) snprintf(buf, sizeof buf, "(too large)");
  return cs_key_strdup(buf);
}

static int is_whole(const cs_key_component *c) {
  cs_q one;
  cs_q_from_i64(&one, 1);
  return cs_q_cmp(&c->amount, &one) == 0;
}

/* ---- the evaluation ------------------------------------------------------ */

#define TRYQ(x)                                                                  \
  do {                                                                           \
    if ((x) != CS_OK) {                                                          \
      rc = cs_error_set(err, CS_EOVERFLOW, "amounts too large for exact arithmetic"); \
      goto done;                                                                 \
    }                                                                            \
  } while (0)

#define NOMEM()                                                                  \
  do {                                                                           \
    rc = cs_error_set(err, CS_ENOMEM, "out of memory");                          \
    goto done;                                                                   \
  } while (0)

/* A new text into *slot, or out of memory. */
#define SET_TEXT(slot, expr)                                                     \
  do {                                                                           \
    if (!((slot) = (expr))) NOMEM();                                             \
  } while (0)

/* Readies ky for n members and nparts parts in its own arrays (grown when
** too small) with new, empty notes. -1 when out of memory. */
static int year_ready(cs_key_year *ky, size_t n, size_t nparts) {
  size_t cells;
  if (__builtin_mul_overflow(n, nparts, &cells) || cells > SIZE_MAX / sizeof(cs_q) - 1) return -1;
  if (cells + 1 > ky->room_cells) {
    free(ky->own_amount);
    ky->room_cells = 0;
    if (!(ky->own_amount = malloc((cells + 1) * sizeof *ky->own_amount))) return -1;
    ky->room_cells = cells + 1;
  }
  if (n + 1 > ky->room_members) {
    free(ky->own_total);
    ky->room_members = 0;
    if (!(ky->own_total = malloc((n + 1) * sizeof *ky->own_total))) return -1;
    ky->room_members = n + 1;
  }
  cs_key_notes_free(ky->notes);
  if (!(ky->notes = cs_key_notes_new(n, nparts))) return -1;
  ky->n = n;
  ky->nparts = nparts;
  ky->nclamped = 0;
  cs_q_zero(&ky->unshared);
  return 0;
}

void cs_key_year_free(cs_key_year *ky) {
  if (!ky) return;
  free(ky->own_amount);
  free(ky->own_total);
  cs_key_notes_free(ky->notes);
  free(ky);
}

/* The direct components: each member's amount, and their sum. */
static int eval_direct(const cs_key *k, int year, const cs_key_member *m, size_t n,
                       cs_key_year *ky, cs_q *direct_sum, cs_error *err) {
  int rc = CS_OK;
  size_t np = ky->nparts;
  cs_key_notes *nt = ky->notes;
  cs_q_zero(direct_sum);
  for (size_t ci = 0; ci < k->ncomps; ci++) {
    const cs_key_component *c = &k->comps[ci];
    if (cs_key_is_pool(c->kind)) continue;
    cs_key_part_note *pn = &nt->parts[ci];
    if (c->kind == CS_DIRECT_BASE) {
      SET_TEXT(pn->head, cs_key_money(&c->amount, 0));
    } else if (c->kind == CS_DIRECT_RATE) {
      char buf[2048]; /* any cs_q as decimal text (big.h: 1300 digits) */
      if (cs_q_format_exact(&c->amount, buf, sizeof buf)) snprintf(buf, sizeof buf, "?");
      SET_TEXT(pn->head, cs_key_strdup(buf));
    } else if (c->kind == CS_DIRECT_BAND) {
      if (!(pn->bands = malloc(c->nbands * sizeof *pn->bands))) NOMEM();
      memcpy(pn->bands, c->bands, c->nbands * sizeof *pn->bands);
      pn->nbands = c->nbands;
    }
    for (size_t i = 0; i < n; i++) {
      cs_q *a = AMT(ky, i, ci);
      cs_key_member_note *mn = &nt->members[i * np + ci];
      switch (c->kind) {
      case CS_DIRECT_BASE: TRYQ(cs_q_mul(a, &c->amount, &m[i].year_share)); break;
      case CS_DIRECT_RATE:
        TRYQ(cs_q_mul_i64(a, &c->amount, m[i].population));
        TRYQ(cs_q_mul(a, a, &m[i].year_share));
        break;
      case CS_DIRECT_FIXED: {
        const cs_key_entry *e = cs_key_find_entry(c->entries, c->nentries, m[i].code);
        if (!e) {
          rc = cs_error_set(err, CS_EINVAL, "fixed key has no amount for member %s %s in %d",
                            m[i].code, m[i].name, year);
          goto done;
        }
        TRYQ(cs_q_mul(a, &e->value, &m[i].year_share));
        SET_TEXT(mn->figure, cs_key_money(&e->value, 0));
        break;
      }
      default: /* CS_DIRECT_BAND */
        if (m[i].population < 0) {
          rc = cs_error_set(err, CS_EINVAL, "population bands: %s %s has %lld inhabitants in %d",
                            m[i].code, m[i].name, (long long)m[i].population, year);
          goto done;
        }
        mn->band = cs_bands_find(c->bands, c->nbands, m[i].population);
        TRYQ(cs_bands_fee(a, &c->bands[mn->band], m[i].population));
        TRYQ(cs_q_mul(a, a, &m[i].year_share));
      }
      TRYQ(cs_q_add(direct_sum, direct_sum, a));
    }
  }
done:
  return rc;
}

/* Each member's value of each table the key reads (vals[ci] for part ci). */
static int lookup_tables(const cs_key *k, const cs_key_env *env, int year,
                         const cs_key_member *m, size_t n, cs_table_values **vals,
                         cs_error *err) {
  const char **codes = NULL, **names = NULL;
  int rc = CS_OK;
  for (size_t ci = 0; ci < k->ncomps; ci++) {
    const cs_key_component *c = &k->comps[ci];
    if (c->kind != CS_POOL_BY) continue;
    if (!env || !env->resolver) {
      rc = cs_error_set(err, CS_EINVAL, "the key by %s of %s needs the registry (no resolver given)",
                        cs_table_column_name(c->table, c->column), cs_table_file(c->table));
      break;
    }
    if (!codes) {
      codes = malloc(n * sizeof *codes);
      names = malloc(n * sizeof *names);
      if (!codes || !names) {
        rc = cs_error_set(err, CS_ENOMEM, "out of memory");
        break;
      }
      for (size_t i = 0; i < n; i++) codes[i] = m[i].code, names[i] = m[i].name;
    }
    if ((rc = cs_table_lookup(c->table, c->column, c->which, year, env->resolver, codes, names, n,
                              &vals[ci], err)))
      break;
  }
  free(codes);
  free(names);
  return rc;
}

/* The pools: each shares its fraction of `rest` by its weights. With
** *common set, a first pass finds the common denominator (see
** common_factor) and the amounts are written over it; *common is cleared,
** and the amounts are written exactly, when a factor does not fit. */
static int eval_pools(const cs_key *k, int year, const cs_q *net, const cs_q *rest,
                      const cs_key_member *m,
                      size_t n, cs_table_values *const *vals, int *common, cs_key_year *ky,
                      int64_t *sum_mult, cs_q *den_L, cs_error *err) {
  int rc = CS_OK;
  size_t np = ky->nparts;
  cs_key_notes *nt = ky->notes;
  cs_q *w = malloc(n * sizeof *w); /* every weight is written before it is read */
  if (!w) return cs_error_set(err, CS_ENOMEM, "out of memory");
  uint64_t K = 1;
  char a[80];
  for (int pass = common && *common ? 0 : 1; pass < 2; pass++) {
    if (pass == 1 && common && *common) {
      cs_big kb;
      cs_big_from_u64(&kb, K);
      cs_q_zero(den_L);
      TRYQ(cs_big_mul(&den_L->den, &rest->den, &kb));
    }
    for (size_t ci = 0; ci < k->ncomps; ci++) {
      const cs_key_component *c = &k->comps[ci];
      if (!cs_key_is_pool(c->kind)) continue;
      cs_q pool, total_w;
      TRYQ(cs_q_mul(&pool, rest, &c->amount));
      cs_q_zero(&total_w);
      if (c->kind == CS_POOL_CUSTOM && (rc = c->fn(c->ud, year, net, m, n, w, err))) goto done;
      for (size_t i = 0; i < n; i++) {
        switch (c->kind) {
        case CS_POOL_EQUAL: cs_q_from_i64(&w[i], 1); break;
        case CS_POOL_POPULATION: cs_q_from_i64(&w[i], m[i].population); break;
        case CS_POOL_WEIGHTS: {
          const cs_key_entry *e = cs_key_find_entry(c->entries, c->nentries, m[i].code);
          if (!e) {
            rc = cs_error_set(err, CS_EINVAL, "weights key has no weight for member %s %s in %d",
                              m[i].code, m[i].name, year);
            goto done;
          }
          cs_q_copy(&w[i], &e->value);
          break;
        }
        case CS_POOL_BY: cs_q_copy(&w[i], &vals[ci]->value[i]); break;
        default:
          if (cs_q_sign(&w[i]) < 0) {
            cs_q_format_exact(&w[i], a, sizeof a);
            rc = cs_error_set(err, CS_EINVAL, "custom key gave %s a negative weight (%s) in %d",
                              m[i].code, a, year);
            goto done;
          }
        }
        TRYQ(cs_q_mul(&w[i], &w[i], &m[i].year_share));
        TRYQ(cs_q_add(&total_w, &total_w, &w[i]));
      }
      if (cs_q_is_zero(&total_w)) {
        rc = cs_error_set(err, CS_EINVAL, "in %d every member's %s weight is zero", year,
                          c->kind == CS_POOL_BY ? c->name : cs_key_kind_name(c->kind));
        goto done;
      }
      if (common && *common && pass == 0) {
        if (common_factor(&c->amount, w, &total_w, n, &K)) *common = 0;
        continue;
      }
      /* the part's note, once per evaluation */
      cs_key_part_note *pn = &nt->parts[ci];
      if (!pn->rest) {
        pn->whole = is_whole(c);
        SET_TEXT(pn->percent, cs_key_strdup(c->percent));
        SET_TEXT(pn->rest, cs_key_money(rest, 2));
        SET_TEXT(pn->pool, cs_key_money(&pool, 2));
        SET_TEXT(pn->total, total_text(c->kind, &total_w));
        if (c->kind == CS_POOL_BY) {
          pn->table = cs_table_retain(c->table);
          pn->column = c->column;
          pn->row_year = vals[ci]->row_year;
        }
      }
      for (size_t i = 0; i < n; i++) {
        cs_q *part = AMT(ky, i, ci);
        cs_key_member_note *mn = &nt->members[i * np + ci];
        if (!mn->figure && (c->kind == CS_POOL_WEIGHTS || c->kind == CS_POOL_CUSTOM)) {
          if (cs_q_format_exact(&w[i], a, sizeof a)) snprintf(a, sizeof a, "(too large)");
          SET_TEXT(mn->figure, cs_key_strdup(a));
        } else if (!mn->figure && c->kind == CS_POOL_BY) {
          const cs_table_values *v = vals[ci];
          SET_TEXT(mn->figure, cs_key_exact(&v->value[i]));
          size_t *rows = realloc(nt->rows, (nt->nrows + v->count[i]) * sizeof *rows);
          if (!rows) NOMEM();
          nt->rows = rows;
          mn->row0 = nt->nrows;
          mn->nrows = v->count[i];
          memcpy(rows + nt->nrows, v->rows + v->first[i], v->count[i] * sizeof *rows);
          nt->nrows += v->count[i];
        }
        int64_t mult;
        if (common && *common && common_mult(&c->amount, &w[i], &total_w, K, &mult) == 0 &&
            !__builtin_add_overflow(sum_mult[i], mult, &sum_mult[i])) {
          cs_big mb;
          cs_big_from_i64(&mb, mult);
          TRYQ(cs_big_mul(&part->num, &rest->num, &mb));
          part->den = den_L->den;
        } else {
          if (common && *common) {
            /* a factor does not fit after all: the caller starts again exactly */
            *common = 0;
            rc = 1;
            goto done;
          }
          TRYQ(cs_q_mul(part, &pool, &w[i]));
          TRYQ(cs_q_div(part, part, &total_w));
        }
      }
    }
  }
done:
  free(w);
  return rc;
}

/* The limits: each member's, times its share of the year. */
static int member_limit(const cs_key_limits *l, const cs_key_member *m, cs_cap_limit *out,
                        const cs_q **max_year, const cs_q **min_year) {
  const cs_key_entry *emax = cs_key_find_entry(l->max_for, l->nmax_for, m->code);
  const cs_key_entry *emin = cs_key_find_entry(l->min_for, l->nmin_for, m->code);
  *max_year = emax ? &emax->value : l->has_max ? &l->max : NULL;
  *min_year = emin ? &emin->value : l->has_min ? &l->min : NULL;
  out->has_max = *max_year != NULL;
  out->has_min = *min_year != NULL;
  if (out->has_max && cs_q_mul(&out->max, *max_year, &m->year_share)) return CS_EOVERFLOW;
  if (out->has_min && cs_q_mul(&out->min, *min_year, &m->year_share)) return CS_EOVERFLOW;
  return CS_OK;
}

/* The cap part: each member's total clamped (a fee) or solved (a covering
** key shares `amount`), the difference as part `ncomps`. */
static int eval_cap(const cs_key *k, int year, const cs_q *amount, const cs_key_member *m,
                    size_t n, cs_key_year *ky, cs_error *err) {
  const cs_key_limits *l = k->limits;
  size_t np = ky->nparts, p = k->ncomps;
  cs_key_notes *nt = ky->notes;
  cs_key_part_note *pn = &nt->parts[p];
  int covering = cs_key_covers(k), rc = CS_OK;
  cs_cap_limit *lim = malloc(n * sizeof *lim);
  cs_q *out = malloc(n * sizeof *out), *u = malloc(n * sizeof *u), lambda, sum, t;
  signed char *clamp = malloc(n);
  cs_cap_outcome outcome = CS_CAP_SOLVED;
  if (!lim || !out || !u || !clamp) NOMEM();
  for (size_t i = 0; i < n; i++) {
    const cs_q *mx, *mn;
    TRYQ(member_limit(l, &m[i], &lim[i], &mx, &mn));
    cs_q_copy(&u[i], TOT(ky, i));
  }
  cs_error cerr;
  if (covering)
    rc = cs_cap_cover(out, clamp, &outcome, &lambda, amount, u, lim, n, &cerr);
  else
    rc = cs_cap_clamp(out, clamp, u, lim, n, &cerr);
  if (rc) {
    rc = cs_error_set(err, rc, "in %d %s", year, cerr.msg);
    goto done;
  }
  pn->covering = covering;
  pn->outcome = outcome;
  cs_q excess, shortfall;
  cs_q_zero(&excess);
  cs_q_zero(&shortfall);
  cs_q_zero(&sum);
  for (size_t i = 0; i < n; i++) {
    cs_q *part = AMT(ky, i, p);
    cs_key_member_note *mn = &nt->members[i * np + p];
    TRYQ(cs_q_sub(part, &out[i], &u[i]));
    mn->clamp = clamp[i];
    SET_TEXT(mn->under, cs_key_money(&u[i], 2));
    SET_TEXT(mn->after, cs_key_money(&out[i], 2));
    if (clamp[i] != CS_CAP_WITHIN) {
      /* the limit per year as written (lim[i] is it times the months) */
      const cs_q *mx, *mnv;
      TRYQ(member_limit(l, &m[i], &lim[i], &mx, &mnv));
      SET_TEXT(mn->limit, cs_key_exact(clamp[i] == CS_CAP_AT_MAX ? mx : mnv));
      ky->nclamped++;
      if (clamp[i] == CS_CAP_AT_MAX) {
        pn->nmax++;
        TRYQ(cs_q_sub(&t, &u[i], &out[i]));
        TRYQ(cs_q_add(&excess, &excess, &t));
      } else {
        pn->nmin++;
        TRYQ(cs_q_sub(&t, &out[i], &u[i]));
        TRYQ(cs_q_add(&shortfall, &shortfall, &t));
      }
    } else {
      pn->nwithin++;
    }
    cs_q_copy(TOT(ky, i), &out[i]);
    TRYQ(cs_q_add(&sum, &sum, &out[i]));
  }
  SET_TEXT(pn->excess, cs_key_money(&excess, 2));
  SET_TEXT(pn->shortfall, cs_key_money(&shortfall, 2));
  if (covering) {
    TRYQ(cs_q_sub(&ky->unshared, amount, &sum));
    SET_TEXT(pn->amount, cs_key_money(amount, 2));
    TRYQ(cs_q_sub(&t, &sum, amount));
    SET_TEXT(pn->unshared, cs_key_money(cs_q_sign(&ky->unshared) >= 0 ? &ky->unshared : &t, 2));
    if (outcome == CS_CAP_SOLVED) SET_TEXT(pn->lambda, cs_key_exact(&lambda));
  }
done:
  free(lim);
  free(out);
  free(u);
  free(clamp);
  return rc;
}

/* The key applied into ky (parts, totals, notes). *common as in eval_pools
** (NULL: exact). */
static int eval(const cs_key *k, const cs_key_env *env, int year, const cs_q *net,
                const cs_key_member *m, size_t n, int *common, cs_key_year *ky, cs_error *err) {
  size_t np = ky->nparts;
  for (size_t p = 0; p < np; p++) {
    cs_key_part_note *pn = &ky->notes->parts[p];
    pn->kind = cs_key_part_kind(k, p);
    if (!(pn->name = cs_key_strdup(cs_key_part_name(k, p))))
      return cs_error_set(err, CS_ENOMEM, "out of memory");
  }
  if (n == 0) return CS_OK;
  int rc = CS_OK;
  cs_table_values **vals = calloc(k->ncomps ? k->ncomps : 1, sizeof *vals);
  int64_t *sum_mult = calloc(n, sizeof *sum_mult);
  cs_q direct_sum, rest, den_L;
  char a[64], b[64];
  if (!vals || !sum_mult) NOMEM();
  if ((rc = eval_direct(k, year, m, n, ky, &direct_sum, err))) goto done;
  TRYQ(cs_q_sub(&rest, net, &direct_sum));
  if (cs_key_covers(k) && cs_q_sign(&rest) < 0) {
    if (cs_q_format(net, 2, " ", ".", a, sizeof a)) snprintf(a, sizeof a, "(too large)");
    if (cs_q_format(&direct_sum, 2, " ", ".", b, sizeof b)) snprintf(b, sizeof b, "(too large)");
    rc = cs_error_set(err, CS_EINVAL,
                      "in %d the base and fixed amounts (%s) exceed the net cost to cover (%s)",
                      year, b, a);
    goto done;
  }
  if ((rc = lookup_tables(k, env, year, m, n, vals, err))) goto done;
  rc = eval_pools(k, year, net, &rest, m, n, vals, common, ky, sum_mult, &den_L, err);
  if (rc == 1) {
    /* the common denominator did not fit: again, exactly */
    memset(sum_mult, 0, n * sizeof *sum_mult);
    rc = eval_pools(k, year, net, &rest, m, n, vals, NULL, ky, sum_mult, &den_L, err);
  }
  if (rc) goto done;
  if (common && *common) {
    for (size_t i = 0; i < n; i++) {
      cs_big mb;
      cs_big_from_i64(&mb, sum_mult[i]);
      TRYQ(cs_big_mul(&TOT(ky, i)->num, &rest.num, &mb));
      TOT(ky, i)->den = den_L.den;
    }
  } else {
    for (size_t i = 0; i < n; i++) {
      cs_q *t = TOT(ky, i);
      cs_q_zero(t);
      for (size_t p = 0; p < k->ncomps; p++) TRYQ(cs_q_add(t, t, AMT(ky, i, p)));
    }
  }
  if (k->limits) rc = eval_cap(k, year, net, m, n, ky, err);
done:
  if (vals)
    for (size_t ci = 0; ci < k->ncomps; ci++) cs_table_values_free(vals[ci]);
  free(vals);
  free(sum_mult);
  return rc;
}

int cs_key_eval(const cs_key *k, const cs_key_env *env, int year, const cs_q *net,
                const cs_key_member *m, size_t n, cs_key_year **io, cs_error *err) {
  cs_key_year *ky = *io;
  int fresh = ky == NULL;
  if (fresh && !(ky = calloc(1, sizeof *ky))) return cs_error_set(err, CS_ENOMEM, "out of memory");
  int rc = CS_OK;
  cs_q reduced; /* the net in lowest terms (a decimal path may give n / 10^s) */
  cs_q_copy(&reduced, net);
  if (cs_q_normalise(&reduced) != CS_OK) {
    rc = cs_error_set(err, CS_EINVAL, "in %d the amount to share has no denominator", year);
  } else if (year_ready(ky, n, cs_key_nparts(k))) {
    rc = cs_error_set(err, CS_ENOMEM, "out of memory");
  } else {
    int common = cs_key_fast_path && !k->limits;
    for (size_t ci = 0; ci < k->ncomps; ci++)
      if (!cs_key_is_pool(k->comps[ci].kind) || k->comps[ci].kind == CS_POOL_CUSTOM) common = 0;
    rc = eval(k, env, year, &reduced, m, n, &common, ky, err);
  }
  if (rc && fresh) {
    cs_key_year_free(ky);
    return rc;
  }
  *io = ky;
  return rc;
}

size_t cs_key_year_nmembers(const cs_key_year *ky) { return ky->n; }
size_t cs_key_year_nparts(const cs_key_year *ky) { return ky->nparts; }
const cs_q *cs_key_year_part(const cs_key_year *ky, size_t i, size_t p) { return AMT(ky, i, p); }
const cs_q *cs_key_year_total(const cs_key_year *ky, size_t i) { return TOT(ky, i); }
const cs_q *cs_key_year_unshared(const cs_key_year *ky) { return &ky->unshared; }
size_t cs_key_year_nclamped(const cs_key_year *ky) { return ky->nclamped; }

cs_key_notes *cs_key_year_take_notes(cs_key_year *ky) {
  cs_key_notes *n = ky->notes;
  ky->notes = NULL;
  return n;
}

/* ---- machine words: keys of equal and population pools --------------------- */

/*
** The multipliers of an equal and population pools key. With each member's
** year share y_i = yn_i / yd_i and L the least common multiple of the yd_i,
** member i's weight in pool c, times L, is the integer w_ic = base_ic * yn_i
** * (L / yd_i) (base 1 for equal, the population for population), and the
** pool's total W_c = sum of w_ic. Part c of member i is net * fn_c / fd_c *
** w_ic / W_c = net * mult_ic / K, with K the least common multiple of every
** fd_c * W_c and mult_ic = fn_c * w_ic * (K / (fd_c * W_c)); the pool itself
** is net * fn_c * (K / fd_c) / K.
*/
int cs_key_multipliers(const cs_key *k, int year, const cs_key_member *m, size_t n,
                       cs_key_multiples *out, cs_error *err) {
  if (!cs_key_fast_path || n == 0 || k->ncomps == 0 || k->ncomps > CS_KEY_MAX_PARTS || k->limits)
    return 1;
  for (size_t ci = 0; ci < k->ncomps; ci++)
    if (k->comps[ci].kind != CS_POOL_EQUAL && k->comps[ci].kind != CS_POOL_POPULATION) return 1;
  uint64_t L = 1, *mult = out->mult;
  for (size_t i = 0; i < n; i++) {
    int64_t yn, yd;
    if (!cs_q_small(&m[i].year_share, &yn, &yd) || yn < 0 || yd <= 0) return 1;
    uint64_t g = gcd_u64(L, (uint64_t)yd);
    if (__builtin_mul_overflow(L / g, (uint64_t)yd, &L) || L > ((uint64_t)1 << 32)) return 1;
  }
  uint64_t fn[CS_KEY_MAX_PARTS], fd[CS_KEY_MAX_PARTS], fd_W[CS_KEY_MAX_PARTS];
  uint64_t K = 1;
  for (size_t ci = 0; ci < k->ncomps; ci++) {
    const cs_key_component *c = &k->comps[ci];
    int64_t a, b;
    if (!cs_q_small(&c->amount, &a, &b) || a < 0 || b <= 0) return 1;
    fn[ci] = (uint64_t)a;
    fd[ci] = (uint64_t)b;
    uint64_t total = 0;
    for (size_t i = 0; i < n; i++) {
      int64_t yn, yd;
      cs_q_small(&m[i].year_share, &yn, &yd);
      uint64_t base = c->kind == CS_POOL_EQUAL ? 1 : (uint64_t)m[i].population, w;
      if (m[i].population < 0 ||
          __builtin_mul_overflow(base, (uint64_t)yn * (L / (uint64_t)yd), &w) ||
          __builtin_add_overflow(total, w, &total))
        return 1;
      mult[i * CS_KEY_MAX_PARTS + ci] = w; /* the weight for now, the multiplier below */
    }
    if (total == 0)
      return cs_error_set(err, CS_EINVAL, "in %d every member's %s weight is zero", year,
                          cs_key_kind_name(c->kind));
    out->W[ci] = total;
    if (__builtin_mul_overflow(fd[ci], total, &fd_W[ci])) return 1;
    uint64_t g = gcd_u64(K, fd_W[ci]);
    if (__builtin_mul_overflow(K / g, fd_W[ci], &K) || K > (uint64_t)INT64_MAX) return 1;
  }
  for (size_t ci = 0; ci < k->ncomps; ci++) {
    uint64_t f;
    if (__builtin_mul_overflow(fn[ci], K / fd_W[ci], &f) ||
        __builtin_mul_overflow(fn[ci], K / fd[ci], &out->pool[ci]))
      return 1;
    for (size_t i = 0; i < n; i++) {
      uint64_t *x = &mult[i * CS_KEY_MAX_PARTS + ci];
      if (__builtin_mul_overflow(*x, f, x)) return 1;
    }
  }
  out->K = K;
  out->L = L;
  out->nparts = k->ncomps;
  return CS_OK;
}
