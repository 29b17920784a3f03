/*
** key.c: cost-sharing keys built from direct and pool components (key.h).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "coopsim/key.h"

typedef struct entry {
  char code[5];
  cs_q value;
} entry;

typedef struct component {
  cs_component_kind kind;
  cs_q amount; /* base amount, rate, or pool fraction */
  char percent[48]; /* a pool's fraction in per cent, as the notes write it */
  entry *entries;
  size_t nentries;
  cs_key_custom_fn fn;
  void *ud;
} component;

struct cs_key {
  char *label, *source, *assumption;
  component *comps;
  size_t ncomps;
  char description[256];
};

static char *dup_or_null(const char *s) {
  if (!s) return NULL;
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

cs_key *cs_key_new(void) { return calloc(1, sizeof(cs_key)); }

void cs_key_free(cs_key *k) {
  if (!k) return;
  for (size_t i = 0; i < k->ncomps; i++) free(k->comps[i].entries);
  free(k->comps);
  free(k->label);
  free(k->source);
  free(k->assumption);
  free(k);
}

int cs_key_set_notes(cs_key *k, const char *label, const char *source, const char *assumption) {
  free(k->label);
  free(k->source);
  free(k->assumption);
  k->label = dup_or_null(label);
  k->source = dup_or_null(source);
  k->assumption = dup_or_null(assumption);
  if ((label && !k->label) || (source && !k->source) || (assumption && !k->assumption))
    return CS_ENOMEM;
  return CS_OK;
}

const char *cs_key_label(const cs_key *k) { return k->label; }
const char *cs_key_source(const cs_key *k) { return k->source; }
const char *cs_key_assumption(const cs_key *k) { return k->assumption; }

static int is_pool(cs_component_kind kind) { return kind >= CS_POOL_EQUAL; }

const char *cs_key_kind_name(cs_component_kind kind) {
  switch (kind) {
  case CS_DIRECT_BASE: return "base";
  case CS_DIRECT_RATE: return "rate";
  case CS_DIRECT_FIXED: return "fixed";
  case CS_POOL_EQUAL: return "equal";
  case CS_POOL_POPULATION: return "population";
  case CS_POOL_WEIGHTS: return "weights";
  case CS_POOL_CUSTOM: return "custom";
  }
  return "?";
}

static void fmt_money(const cs_q *a, int decimals, char *buf, size_t size) {
  if (cs_q_format(a, decimals, " ", ".", buf, size)) snprintf(buf, size, "(too large)");
}

static void fmt_int(int64_t v, char *buf, size_t size) {
  cs_q q;
  cs_q_from_i64(&q, v);
  fmt_money(&q, 0, buf, size);
}

static void fmt_percent(const cs_q *f, char *buf, size_t size) {
  cs_q p;
  if (cs_q_mul_i64(&p, f, 100) || cs_q_format_exact(&p, buf, size)) snprintf(buf, size, "?");
}

static void describe(cs_key *k) {
  char *d = k->description;
  size_t size = sizeof k->description;
  d[0] = '\0';
  for (size_t i = 0; i < k->ncomps; i++) {
    const component *c = &k->comps[i];
    char item[96], num[48];
    switch (c->kind) {
    case CS_DIRECT_BASE:
      fmt_money(&c->amount, 0, num, sizeof num);
      snprintf(item, sizeof item, "base %s per member", num);
      break;
    case CS_DIRECT_RATE:
      if (cs_q_format_exact(&c->amount, num, sizeof num)) snprintf(num, sizeof num, "?");
      snprintf(item, sizeof item, "%s per inhabitant", num);
      break;
    case CS_DIRECT_FIXED:
      snprintf(item, sizeof item, "fixed amounts");
      break;
    default:
      fmt_percent(&c->amount, num, sizeof num);
      snprintf(item, sizeof item, "%s %% %s", num,
               c->kind == CS_POOL_EQUAL        ? "equal"
               : c->kind == CS_POOL_POPULATION ? "by population"
               : c->kind == CS_POOL_WEIGHTS    ? "by weights"
                                               : "by custom weights");
      if (k->ncomps > 1 && i > 0 && !is_pool(k->comps[i - 1].kind))
        snprintf(item, sizeof item, "rest by %s",
                 c->kind == CS_POOL_POPULATION ? "population" : cs_key_kind_name(c->kind));
    }
    if (i) strncat(d, " + ", size - strlen(d) - 1);
    strncat(d, item, size - strlen(d) - 1);
  }
}

static int add_component(cs_key *k, component *c, cs_error *err) {
  if (k->ncomps == CS_KEY_MAX_PARTS)
    return cs_error_set(err, CS_EINVAL, "a key has at most %d components", CS_KEY_MAX_PARTS);
  component *nc = realloc(k->comps, (k->ncomps + 1) * sizeof *nc);
  if (!nc) return cs_error_set(err, CS_ENOMEM, "out of memory");
  k->comps = nc;
  k->comps[k->ncomps++] = *c;
  describe(k);
  return CS_OK;
}

static int copy_entries(component *c, const char *const *codes, const cs_q *values, size_t n,
                        int allow_zero, const char *what, cs_error *err) {
  c->entries = calloc(n ? n : 1, sizeof *c->entries);
  if (!c->entries) return cs_error_set(err, CS_ENOMEM, "out of memory");
  c->nentries = n;
  for (size_t i = 0; i < n; i++) {
    if (cs_q_sign(&values[i]) < 0 || (!allow_zero && cs_q_is_zero(&values[i]))) {
      char v[64];
      cs_q_format_exact(&values[i], v, sizeof v);
      free(c->entries);
      c->entries = NULL;
      return cs_error_set(err, CS_EINVAL, "%s for %s must not be negative (got %s)", what,
                          codes[i], v);
    }
    for (size_t j = 0; j < i; j++)
      if (strcmp(c->entries[j].code, codes[i]) == 0) {
        free(c->entries);
        c->entries = NULL;
        return cs_error_set(err, CS_EINVAL, "%s given twice for %s", what, codes[i]);
      }
    snprintf(c->entries[i].code, sizeof c->entries[i].code, "%s", codes[i]);
    c->entries[i].value = values[i];
  }
  return CS_OK;
}

int cs_key_add_direct(cs_key *k, cs_component_kind kind, const cs_q *amount,
                      const char *const *codes, const cs_q *amounts, size_t n, cs_error *err) {
  component c;
  memset(&c, 0, sizeof c);
  c.kind = kind;
  if (kind == CS_DIRECT_FIXED) {
    int rc = copy_entries(&c, codes, amounts, n, 1, "fixed amount", err);
    if (rc) return rc;
  } else if (kind == CS_DIRECT_BASE || kind == CS_DIRECT_RATE) {
    if (cs_q_sign(amount) < 0) {
      char v[64];
      cs_q_format_exact(amount, v, sizeof v);
      return cs_error_set(err, CS_EINVAL, "%s must not be negative (got %s)",
                          kind == CS_DIRECT_BASE ? "base" : "rate", v);
    }
    c.amount = *amount;
  } else {
    return cs_error_set(err, CS_EINVAL, "not a direct component");
  }
  int rc = add_component(k, &c, err);
  if (rc) free(c.entries);
  return rc;
}

int cs_key_add_pool(cs_key *k, cs_component_kind kind, const cs_q *fraction,
                    const char *const *codes, const cs_q *weights, size_t n,
                    cs_key_custom_fn fn, void *ud, cs_error *err) {
  component c;
  memset(&c, 0, sizeof c);
  cs_q one;
  cs_q_from_i64(&one, 1);
  if (!is_pool(kind)) return cs_error_set(err, CS_EINVAL, "not a pool component");
  if (cs_q_sign(fraction) < 0 || cs_q_cmp(fraction, &one) > 0) {
    char v[64];
    cs_q_format_exact(fraction, v, sizeof v);
    return cs_error_set(err, CS_EINVAL, "share %s for %s must be between 0 and 1", v,
                        cs_key_kind_name(kind));
  }
  c.kind = kind;
  c.amount = *fraction;
  fmt_percent(fraction, c.percent, sizeof c.percent);
  if (kind == CS_POOL_WEIGHTS) {
    int rc = copy_entries(&c, codes, weights, n, 1, "weight", err);
    if (rc) return rc;
  }
  if (kind == CS_POOL_CUSTOM) {
    if (!fn) return cs_error_set(err, CS_EINVAL, "custom key without a function");
    c.fn = fn;
    c.ud = ud;
  }
  int rc = add_component(k, &c, err);
  if (rc) free(c.entries);
  return rc;
}

int cs_key_validate(const cs_key *k, cs_error *err) {
  cs_q sum;
  cs_q_zero(&sum);
  int pools = 0;
  if (k->ncomps == 0) return cs_error_set(err, CS_EINVAL, "the key has no components");
  for (size_t i = 0; i < k->ncomps; i++)
    if (is_pool(k->comps[i].kind)) {
      pools++;
      if (cs_q_add(&sum, &sum, &k->comps[i].amount))
        return cs_error_set(err, CS_EOVERFLOW, "overflow adding key shares");
    }
  cs_q one;
  cs_q_from_i64(&one, 1);
  if (pools && cs_q_cmp(&sum, &one) != 0) {
    char v[80];
    cs_q_format_exact(&sum, v, sizeof v);
    return cs_error_set(err, CS_EINVAL, "key shares sum to %s, not 1", v);
  }
  return CS_OK;
}

int cs_key_covers(const cs_key *k) {
  for (size_t i = 0; i < k->ncomps; i++)
    if (is_pool(k->comps[i].kind)) return 1;
  return 0;
}

const char *cs_key_describe(const cs_key *k) { return k->description; }

static const entry *find_entry(const component *c, const char *code) {
  for (size_t i = 0; i < c->nentries; i++)
    if (strcmp(c->entries[i].code, code) == 0) return &c->entries[i];
  return NULL;
}

#define TRYQ(x)                                                                  \
  do {                                                                           \
    if ((x) != CS_OK) {                                                          \
      free(w), free(sum_mult);                                                                   \
      return cs_error_set(err, CS_EOVERFLOW, "amounts too large for exact arithmetic"); \
    }                                                                            \
  } while (0)

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

/* The note of a pool: its head ("20 % of rest = pool", or the rest when
** the pool is the whole) and its total weight as written. The rest and the
** pool as text, rounded to øre. */
static void note_text(cs_component_kind kind, const char *percent, int whole, const char *restt,
                      const char *poolt, const cs_q *total_w, cs_key_note *nt) {
  nt->kind = kind;
  if (whole)
    snprintf(nt->head, sizeof nt->head, "%s", restt);
  else
    snprintf(nt->head, sizeof nt->head, "%s %% of %s = %s", percent, restt, poolt);
  if (kind == CS_POOL_POPULATION) fmt_money(total_w, 0, nt->total, sizeof nt->total);
  else cs_q_format_exact(total_w, nt->total, sizeof nt->total);
}

static int is_whole(const component *c) {
  cs_q one;
  cs_q_from_i64(&one, 1);
  return cs_q_cmp(&c->amount, &one) == 0;
}

/* The same from the exact amounts. */
static void pool_note(const component *c, const cs_q *rest, const cs_q *pool,
                      const cs_q *total_w, cs_key_note *nt) {
  char poolt[64], restt[64];
  fmt_money(pool, 2, poolt, sizeof poolt);
  fmt_money(rest, 2, restt, sizeof restt);
  note_text(c->kind, c->percent, is_whole(c), restt, poolt, total_w, nt);
}

int cs_key_fast_path = 1;

static int apply(const cs_key *k, int year, const cs_q *net, const cs_key_member *m, size_t n,
                 cs_key_share *out, int *common, cs_key_note *notes, cs_error *err);

void cs_key_explain_part(const cs_key_note *nt, int64_t population, int part_year,
                         int64_t months, int64_t cents, const char *member, char *buf,
                         size_t size) {
  char note[48] = "", a[64], c3[64];
  if (part_year) snprintf(note, sizeof note, " x %lld/12 of the year", (long long)months);
  if (cents == INT64_MIN || cs_q_format_cents(cents, " ", ".", c3, sizeof c3))
    snprintf(c3, sizeof c3, "(too large)");
  switch (nt->kind) {
  case CS_DIRECT_BASE: snprintf(buf, size, "base amount %s%s", nt->head, note); break;
  case CS_DIRECT_RATE:
    fmt_int(population, a, sizeof a);
    snprintf(buf, size, "%s kr per inhabitant x %s inhabitants%s = %s", nt->head, a, note, c3);
    break;
  case CS_DIRECT_FIXED: snprintf(buf, size, "fixed amount %s%s", member, note); break;
  case CS_POOL_EQUAL:
    snprintf(buf, size, "%s, shared equally by %s members%s = %s", nt->head, nt->total, note, c3);
    break;
  case CS_POOL_POPULATION:
    fmt_int(population, a, sizeof a);
    snprintf(buf, size, "%s x %s / %s inhabitants%s = %s", nt->head, a, nt->total, note, c3);
    break;
  default: snprintf(buf, size, "%s x weight %s / %s = %s", nt->head, member, nt->total, c3);
  }
}

int cs_key_apply(const cs_key *k, int year, const cs_q *net, const cs_key_member *m, size_t n,
                 cs_key_share *out, cs_error *err) {
  cs_key_note notes[CS_KEY_MAX_PARTS];
  int rc = apply(k, year, net, m, n, out, NULL, notes, err);
  if (rc) return rc;
  cs_q one;
  cs_q_from_i64(&one, 1);
  for (size_t i = 0; i < n; i++) {
    const cs_q *ys = &m[i].year_share;
    cs_q t;
    int64_t months = 0;
    int part_year = cs_q_cmp(ys, &one) != 0;
    if (part_year && (cs_q_mul_i64(&t, ys, 12) || cs_q_round_i64(&t, &months))) part_year = 0;
    for (size_t p = 0; p < out[i].nparts; p++) {
      cs_key_part *kp = &out[i].parts[p];
      int64_t cents, whole;
      if (cs_q_cents(&kp->amount, &cents, &whole)) cents = INT64_MIN;
      cs_key_explain_part(&notes[p], m[i].population, part_year, months, cents, kp->member,
                          kp->explain, sizeof kp->explain);
    }
  }
  return CS_OK;
}

int cs_key_apply_common(const cs_key *k, int year, const cs_q *net, const cs_key_member *m,
                        size_t n, cs_key_share *out, int *common, cs_key_note *notes,
                        cs_error *err) {
  int pools_only = cs_key_fast_path;
  for (size_t i = 0; i < k->ncomps; i++)
    if (!is_pool(k->comps[i].kind) || k->comps[i].kind == CS_POOL_CUSTOM) pools_only = 0;
  *common = pools_only;
  return apply(k, year, net, m, n, out, common, notes, err);
}

static int apply(const cs_key *k, int year, const cs_q *net, const cs_key_member *m, size_t n,
                 cs_key_share *out, int *common, cs_key_note *notes, cs_error *err) {
  cs_q *w = NULL;
  int64_t *sum_mult = NULL;
  for (size_t i = 0; i < n; i++) {
    out[i].nparts = 0;
    cs_q_zero(&out[i].total);
  }
  if (n == 0) return CS_OK;
  w = malloc(n * sizeof *w); /* every weight is written before it is read */
  sum_mult = calloc(n, sizeof *sum_mult);
  if (!w || !sum_mult) {
    free(w), free(sum_mult);
    return cs_error_set(err, CS_ENOMEM, "out of memory");
  }
  /* the common denominator (see common_factor): K over every pool, found
  ** in a first pass over the weights; *common is cleared if it fails */
  uint64_t K = 1;
  cs_q den_L;
  /* direct components first: their sum is taken off before the pools */
  cs_q direct_sum;
  cs_q_zero(&direct_sum);
  char a[64], b[64];
  for (size_t ci = 0; ci < k->ncomps; ci++) {
    const component *c = &k->comps[ci];
    if (is_pool(c->kind)) continue;
    cs_key_note *nt = &notes[out[0].nparts];
    nt->kind = c->kind;
    nt->head[0] = nt->total[0] = '\0';
    for (size_t i = 0; i < n; i++) {
      cs_key_part *p = &out[i].parts[out[i].nparts++];
      p->name = cs_key_kind_name(c->kind);
      p->member[0] = '\0';
      if (c->kind == CS_DIRECT_BASE) {
        TRYQ(cs_q_mul(&p->amount, &c->amount, &m[i].year_share));
        if (i == 0) fmt_money(&c->amount, 0, nt->head, sizeof nt->head);
      } else if (c->kind == CS_DIRECT_RATE) {
        TRYQ(cs_q_mul_i64(&p->amount, &c->amount, m[i].population));
        TRYQ(cs_q_mul(&p->amount, &p->amount, &m[i].year_share));
        if (i == 0 && cs_q_format_exact(&c->amount, nt->head, sizeof nt->head))
          snprintf(nt->head, sizeof nt->head, "?");
      } else {
        const entry *e = find_entry(c, m[i].code);
        if (!e) {
          free(w), free(sum_mult);
          return cs_error_set(err, CS_EINVAL, "fixed key has no amount for member %s %s in %d",
                              m[i].code, m[i].name, year);
        }
        TRYQ(cs_q_mul(&p->amount, &e->value, &m[i].year_share));
        fmt_money(&e->value, 0, p->member, sizeof p->member);
      }
      TRYQ(cs_q_add(&direct_sum, &direct_sum, &p->amount));
    }
  }
  cs_q rest, one;
  cs_q_from_i64(&one, 1);
  TRYQ(cs_q_sub(&rest, net, &direct_sum));
  if (cs_key_covers(k) && cs_q_sign(&rest) < 0) {
    fmt_money(net, 2, a, sizeof a);
    fmt_money(&direct_sum, 2, b, sizeof b);
    free(w), free(sum_mult);
    return cs_error_set(err, CS_EINVAL,
                        "in %d the base and fixed amounts (%s) exceed the net cost to cover (%s)",
                        year, b, a);
  }
  for (int pass = common && *common ? 0 : 1; pass < 2; pass++) {
  if (pass == 1 && common && *common) {
    cs_big kb;
    cs_big_from_u64(&kb, K);
    cs_q_zero(&den_L);
    TRYQ(cs_big_mul(&den_L.den, &rest.den, &kb));
  }
  for (size_t ci = 0; ci < k->ncomps; ci++) {
    const component *c = &k->comps[ci];
    if (!is_pool(c->kind)) continue;
    cs_q pool, total_w;
    TRYQ(cs_q_mul(&pool, &rest, &c->amount));
    cs_q_zero(&total_w);
    if (c->kind == CS_POOL_CUSTOM) {
      int rc = c->fn(c->ud, year, net, m, n, w, err);
      if (rc) {
        free(w), free(sum_mult);
        return rc;
      }
    }
    for (size_t i = 0; i < n; i++) {
      switch (c->kind) {
      case CS_POOL_EQUAL: cs_q_from_i64(&w[i], 1); break;
      case CS_POOL_POPULATION: cs_q_from_i64(&w[i], m[i].population); break;
      case CS_POOL_WEIGHTS: {
        const entry *e = find_entry(c, m[i].code);
        if (!e) {
          free(w), free(sum_mult);
          return cs_error_set(err, CS_EINVAL, "weights key has no weight for member %s %s in %d",
                              m[i].code, m[i].name, year);
        }
        w[i] = e->value;
        break;
      }
      default:
        if (cs_q_sign(&w[i]) < 0) {
          cs_q_format_exact(&w[i], a, sizeof a);
          free(w), free(sum_mult);
          return cs_error_set(err, CS_EINVAL, "custom key gave %s a negative weight (%s) in %d",
                              m[i].code, a, year);
        }
      }
      TRYQ(cs_q_mul(&w[i], &w[i], &m[i].year_share));
      TRYQ(cs_q_add(&total_w, &total_w, &w[i]));
    }
    if (cs_q_is_zero(&total_w)) {
      free(w), free(sum_mult);
      return cs_error_set(err, CS_EINVAL, "in %d every member's %s weight is zero", year,
                          cs_key_kind_name(c->kind));
    }
    if (common && *common && pass == 0) {
      if (common_factor(&c->amount, w, &total_w, n, &K)) *common = 0;
      continue;
    }
    pool_note(c, &rest, &pool, &total_w, &notes[out[0].nparts]);
    for (size_t i = 0; i < n; i++) {
      cs_key_part *p = &out[i].parts[out[i].nparts++];
      p->name = cs_key_kind_name(c->kind);
      p->member[0] = '\0';
      if (c->kind != CS_POOL_EQUAL && c->kind != CS_POOL_POPULATION)
        cs_q_format_exact(&w[i], p->member, sizeof p->member);
      int64_t mult;
      if (common && *common && common_mult(&c->amount, &w[i], &total_w, K, &mult) == 0 &&
          !__builtin_add_overflow(sum_mult[i], mult, &sum_mult[i])) {
        cs_big mb;
        cs_big_from_i64(&mb, mult);
        TRYQ(cs_big_mul(&p->amount.num, &rest.num, &mb));
        p->amount.den = den_L.den;
      } else {
        if (common && *common) {
          /* a factor does not fit after all: start again on the exact path */
          *common = 0;
          free(w), free(sum_mult);
          return apply(k, year, net, m, n, out, NULL, notes, err);
        }
        TRYQ(cs_q_mul(&p->amount, &pool, &w[i]));
        TRYQ(cs_q_div(&p->amount, &p->amount, &total_w));
      }
    }
  }
  }
  if (common && *common) {
    for (size_t i = 0; i < n; i++) {
      cs_big mb;
      cs_big_from_i64(&mb, sum_mult[i]);
      TRYQ(cs_big_mul(&out[i].total.num, &rest.num, &mb));
      out[i].total.den = den_L.den;
    }
  } else {
    for (size_t i = 0; i < n; i++)
      for (size_t j = 0; j < out[i].nparts; j++)
        TRYQ(cs_q_add(&out[i].total, &out[i].total, &out[i].parts[j].amount));
  }
  free(w), free(sum_mult);
  return CS_OK;
}

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
  if (!cs_key_fast_path || n == 0 || k->ncomps == 0 || k->ncomps > CS_KEY_MAX_PARTS) return 1;
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
    const component *c = &k->comps[ci];
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

void cs_key_pool_notes(const cs_key *k, const cs_q *net, const cs_key_multiples *km,
                       cs_key_note *notes) {
  for (size_t ci = 0; ci < km->nparts; ci++) {
    const component *c = &k->comps[ci];
    cs_q total_w, pool;
    if (cs_q_from_frac(&total_w, (int64_t)km->W[ci], (int64_t)km->L)) cs_q_zero(&total_w);
    if (cs_q_mul(&pool, net, &c->amount)) cs_q_zero(&pool);
    pool_note(c, net, &pool, &total_w, &notes[ci]);
  }
}

cs_component_kind cs_key_part_kind(const cs_key *k, size_t p) {
  return p < k->ncomps ? k->comps[p].kind : CS_POOL_EQUAL;
}

const char *cs_key_pool_percent(const cs_key *k, size_t p, int *whole) {
  if (p >= k->ncomps) {
    *whole = 0;
    return "";
  }
  *whole = is_whole(&k->comps[p]);
  return k->comps[p].percent;
}

void cs_key_pool_note_figures(cs_component_kind kind, const char *percent, int whole,
                              int64_t net_cents, int64_t pool_cents, uint64_t W, uint64_t L,
                              cs_key_note *note) {
  char restt[64], poolt[64];
  cs_q total_w;
  if (cs_q_format_cents(net_cents, " ", ".", restt, sizeof restt)) snprintf(restt, sizeof restt, "(too large)");
  if (cs_q_format_cents(pool_cents, " ", ".", poolt, sizeof poolt)) snprintf(poolt, sizeof poolt, "(too large)");
  if (W > INT64_MAX || L > INT64_MAX || cs_q_from_frac(&total_w, (int64_t)W, (int64_t)L)) cs_q_zero(&total_w);
  note_text(kind, percent, whole, restt, poolt, &total_w, note);
}
