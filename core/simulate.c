/*
** simulate.c: runs a cooperation over budget years (simulate.h).
**
** Per year: cost lines (with growth from the base year, set_cost changes,
** derived lines, pro rata for a part year of the agreement), grants, net
** cost, each of these per service; the members of that year resolved
** through the registry's changes (merged members become one; a party's
** population from its municipalities' territories); their populations at
** the reference date; each service's key; and the one rounding (round.h)
** of each service's shares.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "coop_internal.h"
#include "coopsim/hash.h"
#include "coopsim/round.h"
#include "coopsim/simulate.h"
#include "dec.h"
#include "settle.h"
#include "share_fx.h"

/* dst = the result's copy of text */
#define STR(dst, text)                                                              \
  do {                                                                              \
    if (!((dst) = intern(r->strings, (text)))) {                                    \
      rc = cs_error_set(err, CS_ENOMEM, "out of memory");                           \
      goto fail;                                                                    \
    }                                                                               \
  } while (0)

#define CHECK(x)                                                                    \
  do {                                                                              \
    if ((x) != CS_OK) {                                                             \
      rc = cs_error_set(err, CS_EOVERFLOW, "%s, %d: amounts too large for exact arithmetic", \
                        coop->name, year);                                          \
      goto fail;                                                                    \
    }                                                                               \
  } while (0)

#define NOMEM()                                                                     \
  do {                                                                              \
    rc = cs_error_set(err, CS_ENOMEM, "out of memory");                             \
    goto fail;                                                                      \
  } while (0)

#define ID_SIZE (CS_MEMBER_ID_MAX + 1)

static void copy_text(char *buf, size_t size, const char *text);

/* ---- the result's texts: each distinct string kept once ---------------- */

struct cs_strings {
  size_t cap, n; /* open addressing; cap is a power of two */
  char **slot;
};

static void strings_free(cs_strings *s) {
  if (!s) return;
  for (size_t i = 0; i < s->cap; i++) free(s->slot[i]);
  free(s->slot);
  free(s);
}

/* The result's copy of text ("" is not stored), or NULL when out of memory. */
static const char *intern(cs_strings *s, const char *text) {
  if (!text[0]) return "";
  if (2 * (s->n + 1) > s->cap) {
    size_t cap = s->cap ? 2 * s->cap : 64;
    char **slot = calloc(cap, sizeof *slot);
    if (!slot) return NULL;
    for (size_t i = 0; i < s->cap; i++) {
      if (!s->slot[i]) continue;
      size_t j = cs_hash_str(s->slot[i]) & (cap - 1);
      while (slot[j]) j = (j + 1) & (cap - 1);
      slot[j] = s->slot[i];
    }
    free(s->slot);
    s->slot = slot;
    s->cap = cap;
  }
  size_t j = cs_hash_str(text) & (s->cap - 1);
  for (; s->slot[j]; j = (j + 1) & (s->cap - 1))
    if (strcmp(s->slot[j], text) == 0) return s->slot[j];
  size_t len = strlen(text) + 1;
  if (!(s->slot[j] = malloc(len))) return NULL;
  memcpy(s->slot[j], text, len);
  s->n++;
  return s->slot[j];
}

static void year_free(cs_year *y) {
  free(y->lines);
  free(y->grants);
  for (size_t k = 0; y->keys && k < y->nkeys; k++) {
    cs_key_notes_free(y->keys[k].notes);
    free(y->keys[k].fx);
    free(y->keys[k].part_names);
  }
  free(y->keys);
  free(y->events);
}

void cs_result_free(cs_result *r) {
  if (!r) return;
  for (size_t i = 0; i < r->nyears; i++) year_free(&r->years[i]);
  free(r->years);
  free(r->rows);
  free(r->parts);
  free(r->services);
  free(r->row_services);
  free(r->row_service0);
  free(r->money);
  free(r->invoices);
  free(r->invoice_lines);
  strings_free(r->strings);
  free(r);
}

const cs_row_money *cs_row_money_of(const cs_result *r, const cs_row *row) {
  return r->money ? &r->money[row - r->rows] : NULL;
}

const cs_invoice *cs_row_invoices(const cs_result *r, const cs_row *row, size_t *n) {
  const cs_row_money *m = cs_row_money_of(r, row);
  *n = m ? m->ninvoices : 0;
  return *n ? &r->invoices[m->invoice0] : NULL;
}

const cs_part *cs_row_parts(const cs_result *r, const cs_row *row) { return &r->parts[row->part0]; }

const cs_row_service *cs_row_services(const cs_result *r, const cs_row *row, size_t *n) {
  *n = 0;
  if (!r->row_service0) return NULL;
  size_t i = (size_t)(row - r->rows);
  *n = r->row_service0[i + 1] - r->row_service0[i];
  return &r->row_services[r->row_service0[i]];
}

/* Where part p of row comes from: the year's key, the member's place among
** that key's members and the part's place in that key. 0 when the row has
** no such part. */
static int part_source(const cs_result *r, const cs_row *row, size_t p, const cs_year_key **yk,
                       size_t *member, size_t *q) {
  const cs_year *y = cs_result_year(r, row->year);
  if (!y || p >= row->nparts) return 0;
  size_t ns;
  const cs_row_service *rs = cs_row_services(r, row, &ns);
  if (!r->nservices) {
    if (y->nkeys < 1) return 0;
    *yk = &y->keys[0];
    /* its place among the year's members (settlement-only rows have no parts) */
    *member = r->money ? r->money[row - r->rows].member : (size_t)(row - r->rows) - y->first_row;
    *q = p;
  } else {
    size_t k = 0;
    while (k < ns && !(p >= rs[k].part0 && p < rs[k].part0 + rs[k].nparts)) k++;
    if (k == ns || rs[k].service >= y->nkeys) return 0;
    *yk = &y->keys[rs[k].service];
    *member = rs[k].member;
    *q = p - rs[k].part0;
  }
  return *q < (*yk)->nparts;
}

const char *cs_part_name(const cs_result *r, const cs_row *row, size_t p) {
  const cs_year_key *yk;
  size_t i, q;
  if (!part_source(r, row, p, &yk, &i, &q)) return "";
  return yk->part_names[q];
}

char *cs_explain_part_text(const cs_result *r, const cs_row *row, size_t p,
                           cs_report_lang lang) {
  const cs_year_key *yk;
  size_t i, q;
  if (!part_source(r, row, p, &yk, &i, &q)) {
    char *e = malloc(1);
    if (e) e[0] = '\0';
    return e;
  }
  int64_t cents = r->parts[row->part0 + p].cents;
  if (yk->notes)
    return cs_key_notes_explain(yk->notes, i, q, row->population, row->charged_months, cents,
                                lang);
  if (yk->fx) {
    const cs_year_note *n = &yk->fx[q];
    return cs_key_pool_explain(n->kind, n->percent, n->whole, n->net_cents, n->pool_cents,
                               n->weight, n->weight_den, row->population, row->charged_months,
                               cents, lang);
  }
  char *e = malloc(1);
  if (e) e[0] = '\0';
  return e;
}

int cs_explain_part_same(const cs_result *r, const cs_row *a, size_t pa, const cs_row *b, size_t pb) {
  const cs_year_key *ka, *kb;
  size_t ia, qa, ib, qb;
  if (!part_source(r, a, pa, &ka, &ia, &qa) || !part_source(r, b, pb, &kb, &ib, &qb)) return 0;
  if (ka != kb || qa != qb || ka->notes || !ka->fx) return 0;
  if (r->parts[a->part0 + pa].cents != r->parts[b->part0 + pb].cents) return 0;
  if (a->charged_months != b->charged_months) return 0;
  /* the population is in the text but for a base amount, a fixed amount
  ** and an equal pool (key_explain.c classic_sentence) */
  cs_component_kind kind = ka->fx[qa].kind;
  int shows_population = kind != CS_DIRECT_BASE && kind != CS_DIRECT_FIXED && kind != CS_POOL_EQUAL;
  return !shows_population || a->population == b->population;
}

int cs_explain_part(const cs_result *r, const cs_row *row, size_t p, char *buf, size_t size) {
  char *t = cs_explain_part_text(r, row, p, CS_LANG_EN);
  if (!t) {
    if (size) buf[0] = '\0';
    return -1;
  }
  size_t n = strlen(t);
  if (size) copy_text(buf, size, t);
  free(t);
  return n > (size_t)INT32_MAX ? INT32_MAX : (int)n;
}

const cs_row *cs_result_row(const cs_result *r, const char *code, int year) {
  for (size_t i = 0; i < r->nrows; i++)
    if (r->rows[i].year == year && strcmp(r->rows[i].code, code) == 0) return &r->rows[i];
  return NULL;
}

const cs_year *cs_result_year(const cs_result *r, int year) {
  /* years are consecutive from r->from */
  if (year >= r->from && (size_t)(year - r->from) < r->nyears &&
      r->years[year - r->from].year == year)
    return &r->years[year - r->from];
  for (size_t i = 0; i < r->nyears; i++)
    if (r->years[i].year == year) return &r->years[i];
  return NULL;
}
/* ---- costs ------------------------------------------------------------ */

static const cs_growth_period *growth_at(const cs_coop *c, int year) {
  const cs_growth_period *g = NULL;
  for (size_t i = 0; i < c->ngrowths; i++)
    if (c->growths[i].from_year <= year && (!g || c->growths[i].from_year >= g->from_year))
      g = &c->growths[i];
  return g;
}

/* The factor by which an amount stated in year `from` grows until `to`. */
static int growth_factor(const cs_coop *c, cs_growth kind, int from, int to, cs_q *out) {
  cs_q_from_i64(out, 1);
  if (kind == CS_GROWTH_NONE || from == to) return CS_OK;
  int lo = from < to ? from : to, hi = from < to ? to : from;
  cs_q prod;
  cs_q_from_i64(&prod, 1);
  for (int t = lo + 1; t <= hi; t++) {
    const cs_growth_period *g = growth_at(c, t);
    if (!g) continue;
    const cs_q *rate = kind == CS_GROWTH_WAGE ? &g->wage : &g->price;
    if (cs_q_is_zero(rate)) continue;
    cs_q f, one;
    cs_q_from_i64(&one, 1);
    int rc = cs_q_add(&f, &one, rate);
    if (!rc) rc = cs_q_mul(&prod, &prod, &f);
    if (rc) return rc;
  }
  if (from < to) {
    *out = prod;
    return CS_OK;
  }
  cs_q one;
  cs_q_from_i64(&one, 1);
  return cs_q_div(out, &one, &prod);
}

/* The last growth factor of a cost line: the factor from `from` to `to`
** grows by one year's factor when the next year asks for it, instead of
** being multiplied up from the base year again. */
typedef struct growth_cache {
  int valid, from, to;
  cs_q factor;
} growth_cache;

static int growth_factor_cached(const cs_coop *c, cs_growth kind, int from, int to, cs_q *out,
                                growth_cache *gc) {
  int rc;
  if (gc->valid && gc->from == from && from <= gc->to && gc->to + 1 == to &&
      kind != CS_GROWTH_NONE) {
    cs_q_copy(out, &gc->factor);
    const cs_growth_period *g = growth_at(c, to);
    if (g) {
      const cs_q *rate = kind == CS_GROWTH_WAGE ? &g->wage : &g->price;
      if (!cs_q_is_zero(rate)) {
        cs_q f, one;
        cs_q_from_i64(&one, 1);
        if ((rc = cs_q_add(&f, &one, rate)) || (rc = cs_q_mul(out, out, &f))) return rc;
      }
    }
  } else if ((rc = growth_factor(c, kind, from, to, out))) {
    return rc;
  }
  gc->valid = 1;
  gc->from = from;
  gc->to = to;
  cs_q_copy(&gc->factor, out);
  return CS_OK;
}

static int any_growth(const cs_coop *c) {
  for (size_t i = 0; i < c->ngrowths; i++)
    if (!cs_q_is_zero(&c->growths[i].wage) || !cs_q_is_zero(&c->growths[i].price)) return 1;
  return 0;
}

/* Amount of line i in year (before pro rata). state: 0 new, 1 busy, 2 done. */
static int line_amount(const cs_coop *c, size_t i, int year, int base, cs_q *amounts, int *state,
                       growth_cache *gcache, cs_error *err) {
  if (state[i] == 2) return CS_OK;
  const cs_cost_line *l = &c->lines[i];
  if (state[i] == 1)
    return cs_error_set(err, CS_EINVAL, "cost line \"%s\" depends on itself", l->name);
  state[i] = 1;
  int rc;
  cs_q rate_or_amount = l->amount;
  int stated = base;
  for (size_t s = 0; s < l->nsets; s++)
    if (l->sets[s].from_year <= year) {
      rate_or_amount = l->sets[s].amount;
      stated = l->sets[s].from_year;
    }
  if (!l->derived) {
    cs_q f;
    if ((rc = growth_factor_cached(c, l->growth, stated, year, &f, &gcache[i])) ||
        (rc = cs_q_mul(&amounts[i], &rate_or_amount, &f)))
      return cs_error_set(err, rc, "cost line \"%s\" in %d: amount too large", l->name, year);
  } else {
    cs_q sum;
    cs_q_zero(&sum);
    for (size_t k = 0; k < l->nof; k++) {
      size_t j;
      for (j = 0; j < c->nlines; j++)
        if (strcmp(c->lines[j].name, l->of[k]) == 0) break;
      if (j == c->nlines)
        return cs_error_set(err, CS_ENOTFOUND, "cost line \"%s\" is a rate of \"%s\", which is no cost line",
                            l->name, l->of[k]);
      if ((rc = line_amount(c, j, year, base, amounts, state, gcache, err))) return rc;
      if ((rc = cs_q_add(&sum, &sum, &amounts[j]))) return cs_error_set(err, rc, "overflow");
    }
    if ((rc = cs_q_mul(&amounts[i], &rate_or_amount, &sum)))
      return cs_error_set(err, rc, "cost line \"%s\" in %d: amount too large", l->name, year);
  }
  state[i] = 2;
  return CS_OK;
}

/* ---- the year's costs ------------------------------------------------ */

#define COSTS_TRY(x)                                                                \
  do {                                                                              \
    if ((x) != CS_OK)                                                               \
      return cs_error_set(err, CS_EOVERFLOW, "%s, %d: amounts too large for exact arithmetic", \
                          coop->name, year);                                        \
  } while (0)

/* The index of cost line name, or nlines. */
static size_t line_index(const cs_coop *c, const char *name) {
  size_t i;
  for (i = 0; i < c->nlines; i++)
    if (strcmp(c->lines[i].name, name) == 0) break;
  return i;
}

/* Every service's sums of a year (the cooperation is one service without
** services): cost, granted, net as exact rationals. */
typedef struct svc_sums {
  cs_q cost, granted, net;
} svc_sums;

/* The number of services (1 without services: the cooperation). */
static size_t nsvc_of(const cs_coop *c) { return c->nservices ? c->nservices : 1; }

/* The error for a grant covering a line of another service. */
static int covers_other(const cs_coop *coop, const cs_grant *gr, size_t line, cs_error *err) {
  return cs_error_set(err, CS_EINVAL,
                      "%s: grant \"%s\" of service \"%s\" covers \"%s\", a line of service \"%s\": "
                      "a grant covers lines of its own service",
                      coop->name, gr->name, coop->services[gr->service].name,
                      coop->lines[line].name, coop->services[coop->lines[line].service].name);
}

/* The year's cost lines, grants and net cost as exact rationals: the cents
** into y (lines, grants, cost, granted, net; the grants' names point into
** the coop), the net cost into *net and each service's sums into sv. */
static int costs_exact(const cs_coop *coop, int year, int base, cs_q *amounts, int *state,
                       growth_cache *gcache, cs_year *y, cs_q *net, svc_sums *sv, cs_error *err) {
  int rc;
  int64_t whole;
  size_t ns = nsvc_of(coop);
  cs_q part_of_year, cost, granted;
  COSTS_TRY(cs_q_from_frac(&part_of_year, y->agreement_months, 12));
  memset(state, 0, coop->nlines * sizeof *state);
  cs_q_zero(&cost);
  for (size_t s = 0; s < ns; s++) {
    cs_q_zero(&sv[s].cost);
    cs_q_zero(&sv[s].granted);
  }
  for (size_t i = 0; i < coop->nlines; i++)
    if ((rc = line_amount(coop, i, year, base, amounts, state, gcache, err))) return rc;
  for (size_t i = 0; i < coop->nlines; i++) {
    if (y->agreement_months != 12) COSTS_TRY(cs_q_mul(&amounts[i], &amounts[i], &part_of_year));
    COSTS_TRY(cs_q_cents(&amounts[i], &y->lines[i].cents, &whole));
    COSTS_TRY(cs_q_add(&cost, &cost, &amounts[i]));
    if (coop->nservices) {
      svc_sums *s = &sv[coop->lines[i].service];
      COSTS_TRY(cs_q_add(&s->cost, &s->cost, &amounts[i]));
    }
  }
  cs_q_zero(&granted);
  y->ngrants = 0;
  for (size_t g = 0; g < coop->ngrants; g++) {
    const cs_grant *gr = &coop->grants[g];
    if (year < gr->from || year > gr->to) continue;
    cs_q amount = gr->amount, eligible;
    cs_q_zero(&eligible);
    if (gr->ncovers) {
      cs_q_zero(&eligible);
      for (size_t k = 0; k < gr->ncovers; k++) {
        size_t i = line_index(coop, gr->covers[k]);
        if (i == coop->nlines)
          return cs_error_set(err, CS_ENOTFOUND, "grant \"%s\" covers \"%s\", which is no cost line",
                              gr->name, gr->covers[k]);
        if (coop->nservices && coop->lines[i].service != gr->service)
          return covers_other(coop, gr, i, err);
        COSTS_TRY(cs_q_add(&eligible, &eligible, &amounts[i]));
      }
    }
    if (gr->has_cap && cs_q_cmp(&gr->cap, &amount) < 0) amount = gr->cap;
    if (gr->ncovers && cs_q_cmp(&eligible, &amount) < 0) amount = eligible;
    y->grants[y->ngrants].name = gr->name;
    y->grants[y->ngrants].service = coop->nservices ? gr->service : 0;
    COSTS_TRY(cs_q_cents(&amount, &y->grants[y->ngrants++].cents, &whole));
    COSTS_TRY(cs_q_add(&granted, &granted, &amount));
    if (coop->nservices) COSTS_TRY(cs_q_add(&sv[gr->service].granted, &sv[gr->service].granted, &amount));
  }
  COSTS_TRY(cs_q_sub(net, &cost, &granted));
  if (coop->nservices) {
    for (size_t s = 0; s < ns; s++) COSTS_TRY(cs_q_sub(&sv[s].net, &sv[s].cost, &sv[s].granted));
  } else {
    cs_q_copy(&sv[0].net, net); /* one key shares the year's net cost */
  }
  COSTS_TRY(cs_q_cents(&cost, &y->cost, &whole));
  COSTS_TRY(cs_q_cents(&granted, &y->granted, &whole));
  COSTS_TRY(cs_q_cents(net, &y->net, &whole));
  return CS_OK;
}

/* The cooperation's constants as decimals, made once per simulation, and
** the decimal path's working room. ok is 0 when one of them is not a
** decimal (every year then takes the rational path). */
typedef struct dec_consts {
  int ok;
  cs_dec *amount;       /* per line: its amount or rate */
  cs_dec *set_amount;   /* every line's set_cost amounts, line after line */
  size_t *set0;         /* per line: its first in set_amount */
  cs_dec *wage1, *price1; /* per growth period: 1 + the rate */
  cs_dec *grant, *cap;  /* per grant */
  cs_dec *amounts;      /* per line: this year's */
  int *state;           /* per line: 0 new, 1 busy, 2 done */
  struct dec_growth { int valid, from, to; cs_dec f; } *gc; /* per line: the last factor */
  cs_dec *svc_cost, *svc_granted, *svc_net; /* per service: this year's */
} dec_consts;

static void dec_consts_free(dec_consts *dc) {
  free(dc->amount);
  free(dc->set_amount);
  free(dc->set0);
  free(dc->wage1);
  free(dc->price1);
  free(dc->grant);
  free(dc->cap);
  free(dc->amounts);
  free(dc->state);
  free(dc->gc);
  free(dc->svc_cost);
  free(dc->svc_granted);
  free(dc->svc_net);
  memset(dc, 0, sizeof *dc);
}

/* 0, or -1 when out of memory (dc->ok is 0 when a constant is no decimal). */
static int dec_consts_make(const cs_coop *c, dec_consts *dc) {
  memset(dc, 0, sizeof *dc);
  size_t nl = c->nlines ? c->nlines : 1, nsets = 0;
  for (size_t i = 0; i < c->nlines; i++) nsets += c->lines[i].nsets;
  dc->amount = malloc(nl * sizeof *dc->amount);
  dc->set_amount = malloc((nsets ? nsets : 1) * sizeof *dc->set_amount);
  dc->set0 = malloc(nl * sizeof *dc->set0);
  dc->wage1 = malloc((c->ngrowths ? c->ngrowths : 1) * sizeof *dc->wage1);
  dc->price1 = malloc((c->ngrowths ? c->ngrowths : 1) * sizeof *dc->price1);
  dc->grant = malloc((c->ngrants ? c->ngrants : 1) * sizeof *dc->grant);
  dc->cap = malloc((c->ngrants ? c->ngrants : 1) * sizeof *dc->cap);
  dc->amounts = malloc(nl * sizeof *dc->amounts);
  dc->state = malloc(nl * sizeof *dc->state);
  dc->gc = calloc(nl, sizeof *dc->gc);
  size_t ns = nsvc_of(c);
  dc->svc_cost = malloc(ns * sizeof *dc->svc_cost);
  dc->svc_granted = malloc(ns * sizeof *dc->svc_granted);
  dc->svc_net = malloc(ns * sizeof *dc->svc_net);
  if (!dc->amount || !dc->set_amount || !dc->set0 || !dc->wage1 || !dc->price1 || !dc->grant ||
      !dc->cap || !dc->amounts || !dc->state || !dc->gc || !dc->svc_cost || !dc->svc_granted ||
      !dc->svc_net) {
    dec_consts_free(dc);
    return -1;
  }
  cs_q one;
  cs_q_from_i64(&one, 1);
  size_t k = 0;
  for (size_t i = 0; i < c->nlines; i++) {
    const cs_cost_line *l = &c->lines[i];
    if (cs_dec_from_q(&dc->amount[i], &l->amount)) return 0;
    dc->set0[i] = k;
    for (size_t s = 0; s < l->nsets; s++)
      if (cs_dec_from_q(&dc->set_amount[k++], &l->sets[s].amount)) return 0;
  }
  for (size_t g = 0; g < c->ngrowths; g++) {
    cs_q w, p;
    if (cs_q_add(&w, &one, &c->growths[g].wage) || cs_q_add(&p, &one, &c->growths[g].price) ||
        cs_dec_from_q(&dc->wage1[g], &w) || cs_dec_from_q(&dc->price1[g], &p))
      return 0;
  }
  for (size_t g = 0; g < c->ngrants; g++) {
    if (cs_dec_from_q(&dc->grant[g], &c->grants[g].amount)) return 0;
    if (c->grants[g].has_cap && cs_dec_from_q(&dc->cap[g], &c->grants[g].cap)) return 0;
  }
  dc->ok = 1;
  return 0;
}

/* growth_factor_cached as a decimal: the factor from `from` to `to`
** (from <= to), one year's step on from the last one when it can be. */
static int growth_dec(const cs_coop *c, dec_consts *dc, size_t line, cs_growth kind, int from,
                      int to, cs_dec *out) {
  struct dec_growth *gc = &dc->gc[line];
  int t0 = from;
  if (kind == CS_GROWTH_NONE || from == to) {
    cs_dec_from_i64(out, 1);
    return 0;
  }
  if (gc->valid && gc->from == from && from <= gc->to && gc->to + 1 == to) {
    cs_dec_copy(out, &gc->f);
    t0 = to - 1;
  } else {
    cs_dec_from_i64(out, 1);
  }
  for (int t = t0 + 1; t <= to; t++) {
    const cs_growth_period *g = growth_at(c, t);
    if (!g) continue;
    const cs_q *rate = kind == CS_GROWTH_WAGE ? &g->wage : &g->price;
    if (cs_q_is_zero(rate)) continue;
    size_t gi = (size_t)(g - c->growths);
    if (cs_dec_mul(out, out, kind == CS_GROWTH_WAGE ? &dc->wage1[gi] : &dc->price1[gi])) return -1;
  }
  gc->valid = 1;
  gc->from = from;
  gc->to = to;
  cs_dec_copy(&gc->f, out);
  return 0;
}

/* line_amount as a decimal: 0, or -1 for the rational path (a line stated
** after the year, whose growth divides; a cycle; numbers too large). */
static int line_dec(const cs_coop *c, dec_consts *dc, size_t i, int year, int base) {
  if (dc->state[i] == 2) return 0;
  if (dc->state[i] == 1) return -1; /* the rational path reports the cycle */
  dc->state[i] = 1;
  const cs_cost_line *l = &c->lines[i];
  const cs_dec *rate_or_amount = &dc->amount[i];
  int stated = base;
  for (size_t s = 0; s < l->nsets; s++)
    if (l->sets[s].from_year <= year) {
      rate_or_amount = &dc->set_amount[dc->set0[i] + s];
      stated = l->sets[s].from_year;
    }
  if (!l->derived) {
    cs_dec f;
    if (stated > year && l->growth != CS_GROWTH_NONE) return -1;
    if (growth_dec(c, dc, i, l->growth, stated, year, &f) ||
        cs_dec_mul(&dc->amounts[i], rate_or_amount, &f))
      return -1;
  } else {
    cs_dec sum;
    cs_dec_from_i64(&sum, 0);
    for (size_t k = 0; k < l->nof; k++) {
      size_t j = line_index(c, l->of[k]);
      if (j == c->nlines || line_dec(c, dc, j, year, base) ||
          cs_dec_add(&sum, &sum, &dc->amounts[j]))
        return -1;
    }
    if (cs_dec_mul(&dc->amounts[i], rate_or_amount, &sum)) return -1;
  }
  dc->state[i] = 2;
  return 0;
}

/* costs_exact's figures as decimals, for a whole year of the agreement:
** the cents into y, the net cost into *net and each service's into
** dc->svc_net. 0, or -1 for the rational path (nothing it wrote counts
** then). */
int cs_simulate_decimal_costs = 1;

static int costs_dec(const cs_coop *coop, dec_consts *dc, int year, int base, cs_year *y,
                     cs_dec *net) {
  int64_t whole;
  size_t ns = nsvc_of(coop);
  cs_dec cost, granted;
  if (!dc->ok || !cs_simulate_decimal_costs) return -1;
  memset(dc->state, 0, coop->nlines * sizeof *dc->state);
  cs_dec_from_i64(&cost, 0);
  for (size_t s = 0; s < ns; s++) {
    cs_dec_from_i64(&dc->svc_cost[s], 0);
    cs_dec_from_i64(&dc->svc_granted[s], 0);
  }
  for (size_t i = 0; i < coop->nlines; i++)
    if (line_dec(coop, dc, i, year, base)) return -1;
  for (size_t i = 0; i < coop->nlines; i++) {
    cs_dec *sc = &dc->svc_cost[coop->nservices ? coop->lines[i].service : 0];
    if (cs_dec_cents(&dc->amounts[i], &y->lines[i].cents, &whole) ||
        cs_dec_add(&cost, &cost, &dc->amounts[i]) ||
        (coop->nservices && cs_dec_add(sc, sc, &dc->amounts[i])))
      return -1;
  }
  cs_dec_from_i64(&granted, 0);
  y->ngrants = 0;
  for (size_t g = 0; g < coop->ngrants; g++) {
    const cs_grant *gr = &coop->grants[g];
    if (year < gr->from || year > gr->to) continue;
    const cs_dec *amount = &dc->grant[g];
    cs_dec eligible;
    if (gr->ncovers) {
      cs_dec_from_i64(&eligible, 0);
      for (size_t k = 0; k < gr->ncovers; k++) {
        size_t i = line_index(coop, gr->covers[k]);
        if (i == coop->nlines || (coop->nservices && coop->lines[i].service != gr->service) ||
            cs_dec_add(&eligible, &eligible, &dc->amounts[i]))
          return -1; /* the rational path says why */
      }
    }
    int c;
    if (gr->has_cap) {
      if (cs_dec_cmp(&dc->cap[g], amount, &c)) return -1;
      if (c < 0) amount = &dc->cap[g];
    }
    if (gr->ncovers) {
      if (cs_dec_cmp(&eligible, amount, &c)) return -1;
      if (c < 0) amount = &eligible;
    }
    cs_dec *sg = &dc->svc_granted[coop->nservices ? gr->service : 0];
    y->grants[y->ngrants].name = gr->name;
    y->grants[y->ngrants].service = coop->nservices ? gr->service : 0;
    if (cs_dec_cents(amount, &y->grants[y->ngrants++].cents, &whole) ||
        cs_dec_add(&granted, &granted, amount) || (coop->nservices && cs_dec_add(sg, sg, amount)))
      return -1;
  }
  if (coop->nservices) {
    for (size_t s = 0; s < ns; s++)
      if (cs_dec_sub(&dc->svc_net[s], &dc->svc_cost[s], &dc->svc_granted[s])) return -1;
  }
  if (cs_dec_sub(net, &cost, &granted) || cs_dec_cents(&cost, &y->cost, &whole) ||
      cs_dec_cents(&granted, &y->granted, &whole) || cs_dec_cents(net, &y->net, &whole))
    return -1;
  return 0;
}

/* ---- members ---------------------------------------------------------- */

#define MAX_PARTS 16 /* codes one member's territory can be split into (registry.c) */

/* A text that grows as needed (what a member is made of: it has no bound). */
typedef struct grow_text {
  char *s;          /* "" until written; owned */
  size_t len, cap;
} grow_text;

/* Appends piece to t; CS_ENOMEM when out of memory (t unchanged then). */
static int text_add(grow_text *t, const char *piece) {
  size_t n = strlen(piece);
  if (t->len + n + 1 > t->cap) {
    size_t cap = t->cap ? 2 * t->cap : 128;
    while (cap < t->len + n + 1) cap *= 2;
    char *g = realloc(t->s, cap);
    if (!g) return CS_ENOMEM;
    t->s = g;
    t->cap = cap;
  }
  memcpy(t->s + t->len, piece, n + 1);
  t->len += n;
  return CS_OK;
}

static void text_clear(grow_text *t) {
  t->len = 0;
  if (t->s) t->s[0] = '\0';
}

static const char *text_of(const grow_text *t) { return t->s ? t->s : ""; }

typedef struct active {
  char code[ID_SIZE];      /* a municipality code or a party's id */
  const char *name;        /* the registry's, the merger's or the party's name; NULL: the code */
  const char *given;       /* the first member's, as the scenario wrote it */
  grow_text merged;        /* "Trondheim + Klæbu", "split from ...", "with non-member ..." */
  int nmerged;
  size_t first_member;     /* index in coop->members */
  int months, charged_months;
  int64_t population;
  cs_pop_source pop_source;
  char split_from[5];      /* "" or the member's code whose split made this one */
  cs_date split_date;
  int party;               /* a party (cs_coop_add_party) */
  cs_date first_day, last_day; /* its membership in the year (the money cycle's instalments) */
} active;

static int months_in(cs_date first, cs_date last, int year) {
  /* months of `year` touched by [first, last] */
  if (first.year > year || last.year < year) return 0;
  int a = first.year < year ? 1 : first.month;
  int b = last.year > year ? 12 : last.month;
  return b >= a ? b - a + 1 : 0;
}

static int cmp_active(const void *pa, const void *pb) {
  return strcmp(((const active *)pa)->code, ((const active *)pb)->code);
}

/* snprintf(buf, size, "%s", text) without the format machinery: this runs
** for every member and year. */
static void copy_text(char *buf, size_t size, const char *text) {
  size_t n = strlen(text);
  if (n >= size) n = size - 1;
  memcpy(buf, text, n);
  buf[n] = '\0';
}

/* The name of code on day at, else of its last period: the registry's
** text (it lives as long as the registry), or NULL for an unknown code. */
static const char *name_at(const cs_registry *reg, const char *code, cs_date at) {
  const cs_municipality *m;
  if (cs_registry_by_code(reg, code, at, &m, NULL) == 0) return m->name;
  const cs_municipality *p;
  size_t n = cs_registry_periods(reg, code, &p);
  return n ? p[n - 1].name : NULL;
}

/* name_at, or the code itself. */
static const char *name_or_code(const cs_registry *reg, const char *code, cs_date at) {
  const char *n = name_at(reg, code, at);
  return n ? n : code;
}

static int pop_year_of(const cs_coop *c, int year) {
  switch (c->popdate) {
  case CS_POPDATE_PREVIOUS_YEAR: return year - 1;
  case CS_POPDATE_BUDGET_YEAR: return year;
  default: return c->pop_fixed_year;
  }
}

/* The hypothetical merger that code belongs to in the budget year starting
** jan1, or NULL. */
static const cs_vmerger *vmerger_of(const cs_coop *c, const char *code, cs_date jan1) {
  for (size_t i = 0; i < c->nvmergers; i++) {
    const cs_vmerger *v = &c->vmergers[i];
    if (cs_date_cmp(v->date, jan1) > 0) continue;
    for (size_t p = 0; p < v->nparts; p++)
      if (strcmp(v->parts[p], code) == 0) return v;
  }
  return NULL;
}

static const cs_vmerger *vmerger_by_code(const cs_coop *c, const char *code) {
  for (size_t i = 0; i < c->nvmergers; i++)
    if (strcmp(c->vmergers[i].code, code) == 0) return &c->vmergers[i];
  return NULL;
}

/* The date at which member m is resolved for a budget year starting jan1:
** that day, or its join date if later; never after a no_reform freeze
** (unless it joined after it). */
static cs_date resolve_date(const cs_coop *c, const cs_member *m, cs_date jan1) {
  cs_date at = cs_date_cmp(jan1, m->anchor) > 0 ? jan1 : m->anchor;
  if (c->has_freeze && cs_date_cmp(at, c->freeze) > 0)
    at = cs_date_cmp(c->freeze, m->anchor) > 0 ? c->freeze : m->anchor;
  return at;
}

/* The cooperation's resolution date (SPEC 7.1): period.from, else 1
** January of base_year, else 1 January of the run's first year. */
static cs_date resolution_date(const cs_coop *c, int from) {
  if (c->has_period) return c->from;
  return cs_date_jan1(c->has_base_year ? c->base_year : from);
}

/* A member's codes as last resolved: successors(code, anchor, at) follows
** only the changes dated after anchor and on or before at, so for a later
** date with no change in between they are the same codes. */
typedef struct resolved {
  int valid;
  cs_date at;
  size_t ncodes;
  char codes[MAX_PARTS][5];
  cs_date split_date;     /* the last split on the way, when ncodes > 1 */
  char split_code[5];
  /* the registry period its name was read from, kept while the code and the
  ** day asked for stay inside it */
  const cs_municipality *name_period;
  int gen;                /* counts the times codes were resolved */
  /* the non-member found in the territory of nm_for (codes of generation nm_gen) */
  int nm_valid, nm_gen;
  cs_date nm_date;
  char nm_for[5], nm_code[5];
  /* the codes of the year before (events) */
  size_t nprev;
  char prev[MAX_PARTS][5];
  cs_date prev_at;
} resolved;

/* The registry period of code that covers day at, through the one kept in
** *kept when it still does. NULL when none does. */
static const cs_municipality *period_kept(const cs_registry *reg, const char *code, cs_date at,
                                          const cs_municipality **kept) {
  const cs_municipality *m = *kept;
  if (m && strcmp(m->code, code) == 0 && cs_date_cmp(m->valid_from, at) <= 0 &&
      cs_date_cmp(at, m->valid_to) < 0)
    return m;
  if (cs_registry_by_code(reg, code, at, &m, NULL) != 0) return NULL;
  *kept = m;
  return m;
}

/* 1 if the registry has a change dated after a and on or before b. */
static int changes_between(const cs_registry *reg, cs_date a, cs_date b) {
  const cs_change *ch;
  size_t n = cs_registry_changes(reg, &ch), lo = 0, hi = n;
  while (lo < hi) { /* changes are sorted by date: the first one after a */
    size_t mid = (lo + hi) / 2;
    if (cs_date_cmp(ch[mid].date, a) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo < n && cs_date_cmp(ch[lo].date, b) <= 0;
}

/* An event as the members are resolved, before its names are the result's. */
typedef struct raw_event {
  cs_event_kind kind;
  char code[ID_SIZE], other[ID_SIZE];
  const char *name, *other_name; /* the registry's or the coop's texts; NULL: the code */
  cs_date date, until;
} raw_event;

/* What the simulation keeps about the members from year to year. */
typedef struct members_state {
  const cs_coop *c;
  const cs_registry *reg;
  int first_year;
  cs_date since;            /* the earliest anchor */
  char (*morig)[5];         /* the members' territories as on since (codes of that day) */
  size_t nmorig;
  int morig_done;
  resolved *cache;          /* per member */
  active *act;              /* the year's members */
  size_t act_cap;
  raw_event *ev;            /* the year's events */
  size_t nev, ev_cap;
  size_t ns;                /* services (1 without) */
  unsigned char *msvc;      /* nmembers * ns: member i is in service s */
  unsigned char *insvc;     /* act_cap * ns: the year's member k is in service s */
} members_state;

static void members_state_free(members_state *ms) {
  free(ms->morig);
  free(ms->cache);
  for (size_t i = 0; i < ms->act_cap; i++) free(ms->act[i].merged.s);
  free(ms->act);
  free(ms->ev);
  free(ms->msvc);
  free(ms->insvc);
  memset(ms, 0, sizeof *ms);
}

/* The party member whose id is code, or NULL. */
static const cs_member *party_of(const cs_coop *c, const char *code) {
  if (code[0] >= '0' && code[0] <= '9') return NULL;
  for (size_t i = 0; i < c->nmembers; i++)
    if (c->members[i].party && strcmp(c->members[i].code, code) == 0) return &c->members[i];
  return NULL;
}

/* Which services each member is in (services without a list of members:
** every member, also those that join). 0, or -1 when out of memory. */
static int member_services(members_state *ms) {
  const cs_coop *c = ms->c;
  ms->ns = nsvc_of(c);
  ms->msvc = malloc((c->nmembers ? c->nmembers : 1) * ms->ns);
  if (!ms->msvc) return -1;
  for (size_t i = 0; i < c->nmembers; i++)
    for (size_t s = 0; s < ms->ns; s++) {
      unsigned char in = 1;
      if (c->nservices && c->services[s].has_members) {
        in = 0;
        for (size_t k = 0; k < c->services[s].nmembers && !in; k++)
          in = strcmp(c->services[s].members[k], c->members[i].code) == 0;
      }
      ms->msvc[i * ms->ns + s] = in;
    }
  return 0;
}

static int add_event(members_state *ms, cs_event_kind kind, const char *code, cs_date at,
                     cs_date date, cs_date until, const char *other, cs_date other_at,
                     cs_error *err) {
  if (ms->nev == ms->ev_cap) {
    size_t cap = ms->ev_cap ? 2 * ms->ev_cap : 8;
    raw_event *e = realloc(ms->ev, cap * sizeof *e);
    if (!e) return cs_error_set(err, CS_ENOMEM, "out of memory");
    ms->ev = e;
    ms->ev_cap = cap;
  }
  raw_event *e = &ms->ev[ms->nev++];
  memset(e, 0, sizeof *e);
  e->kind = kind;
  copy_text(e->code, sizeof e->code, code);
  const cs_member *pm = party_of(ms->c, code);
  e->name = pm ? pm->party_name : name_at(ms->reg, code, at);
  e->date = date;
  e->until = until;
  if (other) {
    copy_text(e->other, sizeof e->other, other);
    const cs_vmerger *vm = vmerger_by_code(ms->c, other);
    e->other_name = vm ? vm->name : name_at(ms->reg, other, other_at);
  }
  return CS_OK;
}

/* Room for one more of the year's members (its merged text's room kept
** from earlier years), in no service yet. */
static active *new_active(members_state *ms, size_t n, cs_error *err) {
  if (n == ms->act_cap) {
    size_t cap = ms->act_cap ? 2 * ms->act_cap : 16;
    active *a = realloc(ms->act, cap * sizeof *a);
    if (!a) {
      cs_error_set(err, CS_ENOMEM, "out of memory");
      return NULL;
    }
    memset(a + ms->act_cap, 0, (cap - ms->act_cap) * sizeof *a);
    ms->act = a;
    unsigned char *in = realloc(ms->insvc, cap * ms->ns);
    if (!in) {
      ms->act_cap = cap; /* the actives are grown: keep their count right for the free */
      cs_error_set(err, CS_ENOMEM, "out of memory");
      return NULL;
    }
    ms->insvc = in;
    ms->act_cap = cap;
  }
  active *x = &ms->act[n];
  grow_text keep = x->merged;
  memset(x, 0, sizeof *x);
  x->merged = keep;
  text_clear(&x->merged);
  memset(ms->insvc + n * ms->ns, 0, ms->ns);
  return x;
}

/* The year's member k takes in coop member i's services. */
static void join_services(members_state *ms, size_t k, size_t i) {
  for (size_t s = 0; s < ms->ns; s++) ms->insvc[k * ms->ns + s] |= ms->msvc[i * ms->ns + s];
}

/* The members' territories as on ms->since: the codes of that day that
** hold them (made once per simulation). */
static int member_origins(members_state *ms, cs_error *err) {
  if (ms->morig_done) return CS_OK;
  const cs_coop *c = ms->c;
  for (size_t i = 0; i < c->nmembers; i++) {
    if (c->members[i].party) continue; /* a party's municipalities are its own, not members */
    char (*o)[5] = NULL;
    size_t n = 0;
    int rc = cs_registry_origins(ms->reg, c->members[i].code, c->members[i].anchor, ms->since, &o,
                                 &n, err);
    if (rc) return rc;
    for (size_t k = 0; k < n; k++) {
      size_t j;
      for (j = 0; j < ms->nmorig; j++)
        if (strcmp(ms->morig[j], o[k]) == 0) break;
      if (j < ms->nmorig) continue;
      char (*g)[5] = realloc(ms->morig, (ms->nmorig + 1) * sizeof *g);
      if (!g) {
        free(o);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
      }
      ms->morig = g;
      memcpy(ms->morig[ms->nmorig++], o[k], 5);
    }
    free(o);
  }
  ms->morig_done = 1;
  return CS_OK;
}

/* Territories that count as one's own when a merger takes in others: the
** members' (codes valid on since), or a party's municipalities. */
typedef struct origin_set {
  char (*codes)[5];
  size_t n;
  cs_date since;
} origin_set;

static int in_origins(const origin_set *os, const char *code) {
  for (size_t j = 0; j < os->n; j++)
    if (strcmp(os->codes[j], code) == 0) return 1;
  return 0;
}

/* The members' set (member_origins made). */
static origin_set members_set(const members_state *ms) {
  origin_set os = {ms->morig, ms->nmorig, ms->since};
  return os;
}

/* 1 if the territories of a and b (codes as on since) are one code's on
** day d. */
static int together_on(const cs_registry *reg, const char *a, const char *b, cs_date since,
                       cs_date d) {
  char sa[MAX_PARTS][5], sb[MAX_PARTS][5];
  size_t na = 0, nb = 0;
  if (cs_registry_successors(reg, a, since, d, sa, MAX_PARTS, &na, NULL, NULL, NULL) ||
      cs_registry_successors(reg, b, since, d, sb, MAX_PARTS, &nb, NULL, NULL, NULL))
    return 0;
  for (size_t i = 0; i < na; i++)
    for (size_t j = 0; j < nb; j++)
      if (strcmp(sa[i], sb[j]) == 0) return 1;
  return 0;
}

/* A non-member (a code as on the set's since) whose territory is part of
** code's territory on at, into nonmember ("" when none), and the day it
** joined the set's territory into *merged_on. The set is the members'
** (os NULL: made when first needed) or a party's municipalities. Kept in
** rs (may be NULL) while nothing changes. Members merged with a
** non-member are governed by `merger`. */
static int nonmember_in(members_state *ms, const origin_set *os, resolved *rs, const char *code,
                        cs_date at, char nonmember[5], cs_date *merged_on, cs_error *err) {
  const cs_registry *reg = ms->reg;
  cs_date since = os ? os->since : ms->since;
  nonmember[0] = '\0';
  /* the same codes as when it was last asked: nothing changed */
  if (rs && rs->nm_valid && rs->nm_gen == rs->gen && strcmp(rs->nm_for, code) == 0) {
    memcpy(nonmember, rs->nm_code, 5);
    *merged_on = rs->nm_date;
    return CS_OK;
  }
  if (rs) rs->nm_valid = 0;
  if (cs_date_cmp(since, at) > 0 ||
      !cs_registry_territory_changed(reg, code, since, at, NULL)) {
    /* its territory is as it was: only the set's */
  } else {
    int rc;
    char (*o)[5] = NULL;
    size_t n = 0;
    if ((!os && (rc = member_origins(ms, err))) ||
        (rc = cs_registry_origins(reg, code, at, since, &o, &n, err))) {
      free(o);
      return rc;
    }
    origin_set mine = os ? *os : members_set(ms);
    for (size_t k = 0; k < n && !nonmember[0]; k++)
      if (!in_origins(&mine, o[k])) memcpy(nonmember, o[k], 5);
    if (nonmember[0]) {
      /* the first change on which it shares a code with the set's territory */
      const cs_change *ch;
      size_t nch = cs_registry_changes(reg, &ch);
      int found = 0;
      for (size_t i = 0; i < nch && !found; i++) {
        if (cs_date_cmp(ch[i].date, since) <= 0 || cs_date_cmp(ch[i].date, at) > 0) continue;
        if (i > 0 && cs_date_cmp(ch[i - 1].date, ch[i].date) == 0) continue; /* one test per day */
        for (size_t k = 0; k < n && !found; k++)
          if (in_origins(&mine, o[k]) && together_on(reg, o[k], nonmember, since, ch[i].date)) {
            *merged_on = ch[i].date;
            found = 1;
          }
      }
      if (!found) *merged_on = at;
    }
    free(o);
  }
  if (!rs) return CS_OK;
  rs->nm_valid = 1;
  rs->nm_gen = rs->gen;
  copy_text(rs->nm_for, sizeof rs->nm_for, code);
  memcpy(rs->nm_code, nonmember, 5);
  rs->nm_date = nonmember[0] ? *merged_on : at;
  return CS_OK;
}

/* merger = "member_part": the population of the members' part of x's
** territory (x took in a non-member on merged_on). Before the merger the
** members' own figures (their parts of split municipalities by the
** recorded fractions); from it a proxy: their share of x's territory on the
** last 1 January before the merger times x's figure (SPEC 7.1). The members'
** part is read in the codes of the day before the merger, when no code held
** both members' and non-members' territory. */
static int member_part(members_state *ms, const origin_set *set, const char *code, cs_date at,
                       int pop_year, cs_date merged_on, int64_t *out, cs_pop_source *source,
                       cs_error *err) {
  const cs_registry *reg = ms->reg;
  origin_set mine = set ? *set : members_set(ms);
  cs_date eve = cs_date_add_days(merged_on, -1);
  char (*o)[5] = NULL;
  size_t n = 0;
  int rc, proxy = 0;
  int before = cs_date_cmp(cs_date_jan1(pop_year), merged_on) < 0;
  int base = merged_on.month == 1 && merged_on.day == 1 ? merged_on.year - 1 : merged_on.year;
  int year = before ? pop_year : base;
  if (cs_date_cmp(eve, mine.since) < 0) eve = mine.since;
  if ((rc = cs_registry_origins(reg, code, at, eve, &o, &n, err))) return rc;
  cs_q part, piece, frac;
  cs_q_zero(&part);
  for (size_t k = 0; k < n && !rc; k++) {
    /* a code of the eve is the members' when its territory was members' */
    char (*w)[5] = NULL;
    size_t nw = 0, members = 0;
    if ((rc = cs_registry_origins(reg, o[k], eve, mine.since, &w, &nw, err))) break;
    for (size_t j = 0; j < nw; j++) members += in_origins(&mine, w[j]);
    free(w);
    if (!members) continue;
    int64_t pop;
    int p = 0;
    if ((rc = cs_registry_fraction_in(reg, o[k], eve, at, code, &frac, &p, err)) ||
        (rc = cs_registry_population_of(reg, o[k], eve, year, &pop, NULL, err)))
      break;
    proxy |= p;
    cs_q_from_i64(&piece, pop);
    if (cs_q_mul(&piece, &piece, &frac) || cs_q_add(&part, &part, &piece))
      rc = cs_error_set(err, CS_EOVERFLOW, "population overflow");
  }
  free(o);
  if (rc) return rc;
  if (before) {
    if (cs_q_round_i64(&part, out)) return cs_error_set(err, CS_EOVERFLOW, "population overflow");
    *source = proxy ? CS_POP_PROXY : CS_POP_PREDECESSORS;
    return CS_OK;
  }
  int64_t whole, now;
  if ((rc = cs_registry_population_of(reg, code, at, base, &whole, NULL, err)) ||
      (rc = cs_registry_population_of(reg, code, at, pop_year, &now, NULL, err)))
    return rc;
  if (whole <= 0) return cs_error_set(err, CS_ENOTFOUND, "no population for %s in %d to divide", code, base);
  cs_q q, w;
  cs_q_from_i64(&q, now);
  cs_q_from_i64(&w, whole);
  if (cs_q_mul(&q, &q, &part) || cs_q_div(&q, &q, &w) || cs_q_round_i64(&q, out))
    return cs_error_set(err, CS_EOVERFLOW, "population overflow");
  *source = CS_POP_PROXY;
  return CS_OK;
}

/* 1 if a and b hold the same list of codes. */
static int same_codes(char (*a)[5], size_t na, char (*b)[5], size_t nb) {
  if (na != nb) return 0;
  for (size_t i = 0; i < na; i++)
    if (strcmp(a[i], b[i]) != 0) return 0;
  return 1;
}

/* The events of member i whose codes went from rs->prev (as on
** rs->prev_at) to rs->codes (as on at): its parts after a split, or a
** merger (not a renumbering, which changes nothing but the code). */
static int code_events(members_state *ms, resolved *rs, cs_date at, cs_error *err) {
  const cs_registry *reg = ms->reg;
  int rc;
  if (same_codes(rs->prev, rs->nprev, rs->codes, rs->ncodes)) return CS_OK;
  if (rs->ncodes > 1 && cs_date_cmp(rs->split_date, rs->prev_at) > 0) {
    for (size_t k = 0; k < rs->ncodes; k++)
      if ((rc = add_event(ms, CS_EVENT_SPLIT, rs->codes[k], at, rs->split_date, rs->split_date,
                          rs->split_code, cs_date_add_days(rs->split_date, -1), err)))
        return rc;
    return CS_OK;
  }
  for (size_t p = 0; p < rs->nprev; p++) {
    /* where did this code's territory go, and did it meet other territory there? */
    char to[MAX_PARTS][5];
    size_t nto = 0;
    if (cs_registry_successors(reg, rs->prev[p], rs->prev_at, at, to, MAX_PARTS, &nto, NULL, NULL,
                               NULL) ||
        nto != 1 || strcmp(to[0], rs->prev[p]) == 0)
      continue;
    char (*o)[5] = NULL;
    size_t n = 0;
    if ((rc = cs_registry_origins(reg, to[0], at, rs->prev_at, &o, &n, err))) return rc;
    int merged = n > 1;
    free(o);
    cs_date when;
    if (merged && cs_registry_territory_changed(reg, to[0], rs->prev_at, at, &when) &&
        (rc = add_event(ms, CS_EVENT_MERGED, rs->prev[p], cs_date_add_days(when, -1), when, when,
                        to[0], at, err)))
      return rc;
  }
  return CS_OK;
}

/* The date a party is followed to for a budget year starting jan1. */
static cs_date party_date(const cs_coop *c, const cs_member *m, cs_date jan1) {
  return resolve_date(c, m, jan1);
}

/* A party's population for budget year `year` (on 1 January pop_year):
** the figure given for it, or the sum of its municipalities' territories
** as on `at` (SPEC 7.2), where a municipality merged with one outside the
** party counts by the cooperation's merger rule. */
static int party_population(members_state *ms, const cs_member *m, int year, cs_date at,
                            int pop_year, int64_t *out, cs_pop_source *src, cs_error *err) {
  const cs_coop *c = ms->c;
  const cs_registry *reg = ms->reg;
  if (m->npops) {
    for (size_t k = 0; k < m->npops; k++)
      if (!m->pop_years || m->pop_years[k] == pop_year) {
        *out = m->pops[k];
        *src = CS_POP_OVERRIDE;
        return CS_OK;
      }
    return cs_error_set(err, CS_ENOTFOUND,
                        "party %s (%s) in %d: no population given for 1 January %d (its "
                        "population is given by year)",
                        m->code, m->party_name, year, pop_year);
  }
  /* its municipalities' territories in the budget year, each code once */
  char (*codes)[5] = NULL;
  size_t n = 0, cap = 0;
  int rc = CS_OK;
  for (size_t k = 0; k < m->nmunis && !rc; k++) {
    char succ[MAX_PARTS][5];
    size_t ns = 0;
    if ((rc = cs_registry_successors(reg, m->munis[k], m->anchor, at, succ, MAX_PARTS, &ns, NULL,
                                     NULL, err))) {
      char msg[CS_ERROR_MAX];
      snprintf(msg, sizeof msg, "%s", err ? err->msg : "");
      rc = cs_error_set(err, rc, "party %s (%s) in %d: municipality %s: %s", m->code,
                        m->party_name, year, m->munis[k], msg);
      break;
    }
    for (size_t j = 0; j < ns; j++) {
      size_t q = 0;
      while (q < n && strcmp(codes[q], succ[j]) != 0) q++;
      if (q < n) continue;
      if (n == cap) {
        size_t nc = cap ? 2 * cap : 8;
        char (*g)[5] = realloc(codes, nc * sizeof *g);
        if (!g) {
          rc = cs_error_set(err, CS_ENOMEM, "out of memory");
          break;
        }
        codes = g;
        cap = nc;
      }
      memcpy(codes[n++], succ[j], 5);
    }
  }
  origin_set os = {m->munis, m->nmunis, m->anchor};
  int64_t total = 0;
  int proxy = 0, pred = 0, projected = 0, first, last;
  cs_registry_population_years(reg, &first, &last);
  for (size_t k = 0; k < n && !rc; k++) {
    char nonmember[5] = "";
    cs_date merged_on = at;
    int64_t pop = 0;
    if ((rc = nonmember_in(ms, &os, NULL, codes[k], at, nonmember, &merged_on, err))) break;
    if (nonmember[0] && c->merger == CS_MERGER_ERROR) {
      char d[11];
      rc = cs_error_set(err, CS_EINVAL,
                        "in %d party %s (%s): its territory in %s %s is together with %s %s, "
                        "outside the party (since %s): choose merger = \"whole\" or "
                        "\"member_part\"",
                        year, m->code, m->party_name, codes[k],
                        name_or_code(reg, codes[k], at), nonmember,
                        name_or_code(reg, nonmember, m->anchor), cs_date_format(merged_on, d));
      break;
    }
    if (nonmember[0] && c->merger == CS_MERGER_MEMBER_PART) {
      cs_pop_source ps;
      if ((rc = member_part(ms, &os, codes[k], at, pop_year, merged_on, &pop, &ps, err))) break;
      proxy |= ps == CS_POP_PROXY;
      pred |= ps == CS_POP_PREDECESSORS;
    } else {
      cs_pop_origin origin = CS_ORIGIN_OWN;
      rc = c->has_freeze ? cs_registry_population_frozen(reg, codes[k], at, pop_year, &pop, &origin, err)
                         : cs_registry_population_of(reg, codes[k], at, pop_year, &pop, &origin, err);
      if (rc == CS_ENOTFOUND && pop_year > last && c->pop_fn) {
        /* past the registry's last year: the projection gives each municipality */
        pop = -1;
        if ((rc = c->pop_fn(c->pop_ud, codes[k], year, pop_year, &pop, err))) break;
        if (pop < 0) {
          rc = cs_error_set(err, CS_ENOTFOUND,
                            "party %s (%s) in %d: no population for %s on 1 January %d (the "
                            "registry ends in %d) and the projection gave none",
                            m->code, m->party_name, year, codes[k], pop_year, last);
          break;
        }
        projected = 1;
      } else if (rc) {
        char msg[CS_ERROR_MAX];
        snprintf(msg, sizeof msg, "%s", err ? err->msg : "");
        rc = cs_error_set(err, rc, "party %s (%s) in %d: %s", m->code, m->party_name, year, msg);
        break;
      }
      proxy |= origin == CS_ORIGIN_PROXY;
      pred |= origin == CS_ORIGIN_PREDECESSORS;
    }
    if (__builtin_add_overflow(total, pop, &total)) {
      rc = cs_error_set(err, CS_EOVERFLOW, "party %s: population overflow", m->code);
      break;
    }
  }
  free(codes);
  if (rc) return rc;
  *out = total;
  *src = projected ? CS_POP_OVERRIDE : proxy ? CS_POP_PROXY
         : pred ? CS_POP_PREDECESSORS : CS_POP_REGISTRY;
  return CS_OK;
}

/* Members of the cooperation in `year`, resolved and grouped into
** ms->act[0..*nout) (with the services each is in, ms->insvc), and the
** year's events into ms->ev. */
static int members_of_year(members_state *ms, int year, size_t *nout, cs_error *err) {
  const cs_coop *c = ms->c;
  const cs_registry *reg = ms->reg;
  cs_date jan1 = cs_date_jan1(year), dec31 = {year, 12, 31};
  size_t n = 0;
  int rc = CS_OK;
  ms->nev = 0;
  for (size_t i = 0; i < c->nmembers; i++) {
    const cs_member *m = &c->members[i];
    resolved *rs = &ms->cache[i];
    cs_date first = m->joined ? m->anchor : jan1;
    if (!m->joined && c->has_period && cs_date_cmp(c->from, first) > 0) first = c->from;
    if (m->joined && cs_date_cmp(m->anchor, dec31) > 0) continue; /* joins later */
    cs_date last = dec31;
    if (m->has_exit) {
      if (cs_date_cmp(m->exit, jan1) <= 0) { /* gone */
        if (year == ms->first_year || cs_date_cmp(m->exit, cs_date_jan1(year - 1)) > 0) {
          cs_date lastday = cs_date_add_days(m->exit, -1);
          char code[MAX_PARTS][5];
          size_t nc = 0;
          if (m->party || cs_date_cmp(lastday, m->anchor) < 0 ||
              cs_registry_successors(reg, m->code, m->anchor, lastday, code, MAX_PARTS, &nc, NULL,
                                     NULL, NULL))
            nc = 0;
          if (!nc) {
            if ((rc = add_event(ms, CS_EVENT_GONE, m->code, lastday, m->notice_given, lastday, NULL,
                                lastday, err)))
              return rc;
          }
          for (size_t k = 0; k < nc; k++)
            if ((rc = add_event(ms, CS_EVENT_GONE, code[k], lastday, m->notice_given, lastday, NULL,
                                lastday, err)))
              return rc;
        }
        continue;
      }
      cs_date l = cs_date_add_days(m->exit, -1);
      if (cs_date_cmp(l, last) < 0) last = l;
    }
    if (m->party) {
      /* a party is itself every year: no registry to follow */
      cs_date at = party_date(c, m, jan1);
      active *x = new_active(ms, n, err);
      if (!x) return CS_ENOMEM;
      join_services(ms, n, i);
      n++;
      memcpy(x->code, m->code, sizeof x->code);
      x->name = m->party_name;
      x->given = m->given;
      if (text_add(&x->merged, m->given)) return cs_error_set(err, CS_ENOMEM, "out of memory");
      x->nmerged = 1;
      x->first_member = i;
      x->months = months_in(cs_date_cmp(first, jan1) > 0 ? first : jan1, last, year);
      x->first_day = cs_date_cmp(first, jan1) > 0 ? first : jan1;
      x->last_day = last;
      x->party = 1;
      if (m->has_exit && cs_date_add_days(m->exit, -1).year == year &&
          (rc = add_event(ms, CS_EVENT_NOTICE, m->code, at, m->notice_given, last, NULL, at, err)))
        return rc;
      if (m->joined && m->anchor.year == year &&
          (rc = add_event(ms, CS_EVENT_JOINS, m->code, at, m->anchor, m->anchor, NULL, at, err)))
        return rc;
      continue;
    }
    cs_date at = resolve_date(c, m, jan1);
    int resolved_now = 0;
    if (!(rs->valid && cs_date_cmp(rs->at, at) <= 0 && !changes_between(reg, rs->at, at))) {
      rs->split_code[0] = '\0';
      if ((rc = cs_registry_successors(reg, m->code, m->anchor, at, rs->codes, MAX_PARTS,
                                       &rs->ncodes, &rs->split_date, rs->split_code, err)) ||
          rs->ncodes == 0) {
        char msg[CS_ERROR_MAX];
        snprintf(msg, sizeof msg, "%s", err && rc ? err->msg : "its territory is in no municipality");
        return cs_error_set(err, rc ? rc : CS_ENOTFOUND, "member %s in %d: %s", m->given, year, msg);
      }
      rs->valid = 1;
      rs->at = at;
      rs->gen++;
      resolved_now = 1;
    }
    if (rs->ncodes > 1 && c->split == CS_SPLIT_ERROR) {
      grow_text list = {NULL, 0, 0};
      char d[11];
      for (size_t k = 0; k < rs->ncodes; k++)
        if ((k && text_add(&list, ", ")) || text_add(&list, rs->codes[k]) ||
            text_add(&list, " ") || text_add(&list, name_or_code(reg, rs->codes[k], at))) {
          free(list.s);
          return cs_error_set(err, CS_ENOMEM, "out of memory");
        }
      rc = cs_error_set(err, CS_EINVAL,
                        "member %s (%s) was split on %s into %s; the cooperation says split = "
                        "\"error\": decide (split = \"successors\" makes every part a member)",
                        m->given, rs->split_code, cs_date_format(rs->split_date, d), text_of(&list));
      free(list.s);
      return rc;
    }
    /* events: how its codes changed since the year before (or its start) */
    if (rs->nprev == 0) {
      memcpy(rs->prev[0], m->code, 5);
      rs->nprev = 1;
      rs->prev_at = m->anchor;
      resolved_now = 1;
    }
    /* (codes kept from the year before are the codes of the year before) */
    if (resolved_now && (rc = code_events(ms, rs, at, err))) return rc;
    for (size_t s = 0; s < rs->ncodes; s++) {
      char code[ID_SIZE];
      memset(code, 0, sizeof code);
      memcpy(code, rs->codes[s], 5);
      /* a part's own notice after the split; else the member's binds it */
      const cs_part_exit *pe = NULL;
      for (size_t q = 0; q < m->npart_exits; q++)
        if (strcmp(m->part_exits[q].code, code) == 0) pe = &m->part_exits[q];
      int has_exit = m->has_exit;
      cs_date exit = m->exit, notice_given = m->notice_given, code_last = last;
      if (pe && (!has_exit || cs_date_cmp(pe->exit, exit) < 0)) {
        has_exit = 1;
        exit = pe->exit;
        notice_given = pe->notice_given;
        if (cs_date_cmp(exit, jan1) <= 0) { /* this part is gone */
          if (year == ms->first_year || cs_date_cmp(exit, cs_date_jan1(year - 1)) > 0) {
            cs_date lastday = cs_date_add_days(exit, -1);
            if ((rc = add_event(ms, CS_EVENT_GONE, code, lastday, notice_given, lastday, NULL, lastday,
                                err)))
              return rc;
          }
          continue;
        }
        cs_date l = cs_date_add_days(exit, -1);
        if (cs_date_cmp(l, code_last) < 0) code_last = l;
      }
      int months = months_in(cs_date_cmp(first, jan1) > 0 ? first : jan1, code_last, year);
      const cs_vmerger *vm = vmerger_of(c, code, jan1);
      if (vm) {
        if ((year == ms->first_year || cs_date_cmp(vm->date, cs_date_jan1(year - 1)) > 0) &&
            (rc = add_event(ms, CS_EVENT_MERGED, code, at, vm->date, vm->date, vm->code, at, err)))
          return rc;
        memcpy(code, vm->code, 5);
      }
      size_t k; /* four bytes compared at once, then exactly */
      for (k = 0; k < n; k++)
        if (memcmp(ms->act[k].code, code, 4) == 0 && strcmp(ms->act[k].code, code) == 0) break;
      if (k < n) {
        /* a merger of members: one member from now on */
        active *y = &ms->act[k];
        if (y->first_member != i) {
          if (text_add(&y->merged, " + ") || text_add(&y->merged, m->given))
            return cs_error_set(err, CS_ENOMEM, "out of memory");
          y->nmerged++;
        }
        join_services(ms, k, i);
        if (months > y->months) y->months = months;
        if (cs_date_cmp(first, y->first_day) < 0) y->first_day = cs_date_cmp(first, jan1) > 0 ? first : jan1;
        if (cs_date_cmp(code_last, y->last_day) > 0) y->last_day = code_last;
        continue;
      }
      active *x = new_active(ms, n, err);
      if (!x) return CS_ENOMEM;
      join_services(ms, n, i);
      n++;
      memcpy(x->code, code, sizeof x->code);
      x->given = m->given;
      if (text_add(&x->merged, m->given)) return cs_error_set(err, CS_ENOMEM, "out of memory");
      x->nmerged = 1;
      x->first_member = i;
      x->months = months;
      x->first_day = cs_date_cmp(first, jan1) > 0 ? first : jan1;
      x->last_day = code_last;
      if (rs->ncodes > 1) {
        memcpy(x->split_from, rs->split_code, 5);
        x->split_date = rs->split_date;
      }
      const cs_municipality *np;
      if (vm) x->name = vm->name;
      else if ((np = period_kept(reg, code, at, &rs->name_period))) x->name = np->name;
      else x->name = name_at(reg, code, at);
      if (has_exit && cs_date_add_days(exit, -1).year == year &&
          (rc = add_event(ms, CS_EVENT_NOTICE, rs->codes[s], at, notice_given, code_last, NULL, at,
                          err)))
        return rc;
      if (m->joined && m->anchor.year == year &&
          (rc = add_event(ms, CS_EVENT_JOINS, rs->codes[s], at, m->anchor, m->anchor, NULL, at, err)))
        return rc;
    }
    memcpy(rs->prev, rs->codes, rs->ncodes * sizeof rs->codes[0]);
    rs->nprev = rs->ncodes;
    rs->prev_at = at;
  }
  /* populations */
  int pop_year = pop_year_of(c, year);
  for (size_t k = 0; k < n; k++) {
    active *x = &ms->act[k];
    x->charged_months = c->part_year == CS_PART_YEAR_MONTHS ? x->months : 12;
    if (x->nmerged == 1) text_clear(&x->merged);
    if (x->split_from[0]) {
      char d[11];
      if ((x->merged.len && text_add(&x->merged, "; ")) || text_add(&x->merged, "split from ") ||
          text_add(&x->merged, x->split_from) || text_add(&x->merged, " ") ||
          text_add(&x->merged, name_or_code(reg, x->split_from, cs_date_add_days(x->split_date, -1))) ||
          text_add(&x->merged, " on ") || text_add(&x->merged, cs_date_format(x->split_date, d)))
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    const cs_member *m = &c->members[x->first_member];
    resolved *rs = &ms->cache[x->first_member];
    if (x->party) {
      if ((rc = party_population(ms, m, year, party_date(c, m, jan1), pop_year, &x->population,
                                 &x->pop_source, err)))
        return rc;
    } else {
    cs_date at = resolve_date(c, m, jan1);
    const cs_vmerger *vm = vmerger_by_code(c, x->code);
    if (vm) {
      /* a hypothetical merger: the population of all its parts */
      int64_t total = 0;
      int proxy = 0, projected = 0, first, last;
      cs_date before = cs_date_add_days(vm->date, -1);
      cs_registry_population_years(reg, &first, &last);
      for (size_t p = 0; p < vm->nparts; p++) {
        int64_t pop;
        cs_pop_origin po = CS_ORIGIN_OWN;
        rc = cs_registry_population_frozen(reg, vm->parts[p], before, pop_year, &pop, &po, err);
        if (rc == CS_ENOTFOUND && pop_year > last && c->pop_fn) {
          /* past the registry's last year: the projection gives each part */
          pop = -1;
          if ((rc = c->pop_fn(c->pop_ud, vm->parts[p], year, pop_year, &pop, err))) return rc;
          if (pop < 0)
            return cs_error_set(err, CS_ENOTFOUND,
                                "hypothetical merger %s in %d: no population for %s on 1 January "
                                "%d (the registry ends in %d) and the projection gave none",
                                vm->name, year, vm->parts[p], pop_year, last);
          projected = 1;
        } else if (rc) {
          char msg[CS_ERROR_MAX];
          snprintf(msg, sizeof msg, "%s", err ? err->msg : "");
          return cs_error_set(err, rc, "hypothetical merger %s in %d: %s", vm->name, year, msg);
        }
        total += pop;
        proxy |= po == CS_ORIGIN_PROXY;
      }
      x->population = total;
      x->pop_source = projected ? CS_POP_OVERRIDE : proxy ? CS_POP_PROXY : CS_POP_PREDECESSORS;
      char item[96];
      snprintf(item, sizeof item, "%shypothetical merger from %04d-%02d-%02d", x->merged.len ? "; " : "",
               vm->date.year, vm->date.month, vm->date.day);
      if (text_add(&x->merged, item)) return cs_error_set(err, CS_ENOMEM, "out of memory");
      continue;
    }
    char nonmember[5] = "";
    cs_date merged_on = at;
    if ((rc = nonmember_in(ms, NULL, rs, x->code, at, nonmember, &merged_on, err))) {
      char msg[CS_ERROR_MAX];
      snprintf(msg, sizeof msg, "%s", err ? err->msg : "");
      return cs_error_set(err, rc, "member %s in %d: %s", x->given, year, msg);
    }
    if (nonmember[0] && c->merger == CS_MERGER_ERROR) {
      char d[11];
      return cs_error_set(err, CS_EINVAL,
                          "in %d member %s is part of %s %s together with non-member %s %s (since "
                          "%s): choose merger = \"whole\" or \"member_part\"",
                          year, x->given, x->code, x->name ? x->name : x->code, nonmember,
                          name_or_code(reg, nonmember, ms->since), cs_date_format(merged_on, d));
    }
    cs_pop_origin origin = CS_ORIGIN_OWN;
    if (nonmember[0] && c->merger == CS_MERGER_MEMBER_PART) {
      if ((rc = member_part(ms, NULL, x->code, at, pop_year, merged_on, &x->population,
                            &x->pop_source, err))) {
        char msg[CS_ERROR_MAX];
        snprintf(msg, sizeof msg, "%s", err ? err->msg : "");
        return cs_error_set(err, rc, "merger = \"member_part\" for %s in %d: %s", x->given, year, msg);
      }
    } else {
      int first, last;
      cs_registry_population_years(reg, &first, &last);
      /* past the registry's last year with a projection the lookup fails
      ** with CS_ENOTFOUND nearly always: ask without a message first (the
      ** message is made only for another failure) */
      cs_error *ask = pop_year > last && c->pop_fn ? NULL : err;
      /* and when the population day is not after the day the member is
      ** resolved, a year past the registry can only give CS_ENOTFOUND (the
      ** figure of the code or of its predecessors, none there): no lookup */
      if (ask == NULL && !c->has_freeze && cs_date_cmp(cs_date_jan1(pop_year), at) <= 0)
        rc = CS_ENOTFOUND;
      else for (;;) {
        rc = c->has_freeze ? cs_registry_population_frozen(reg, x->code, at, pop_year,
                                                           &x->population, &origin, ask)
                           : cs_registry_population_of(reg, x->code, at, pop_year,
                                                       &x->population, &origin, ask);
        if (!rc || ask == err || rc == CS_ENOTFOUND) break;
        ask = err;
      }
      if (rc == CS_ENOTFOUND && pop_year > last && c->pop_fn) {
        /* past the registry's last year: a projection may supply it */
        x->population = -1;
        if ((rc = c->pop_fn(c->pop_ud, x->code, year, pop_year, &x->population, err))) return rc;
        if (x->population < 0)
          return cs_error_set(err, CS_ENOTFOUND,
                              "member %s (%s) in %d: no population for 1 January %d (the registry "
                              "ends in %d): add a projection, e.g. s:population(cs.projection.hold_last)",
                              x->given, x->code, year, pop_year, last);
        x->pop_source = CS_POP_OVERRIDE;
        continue;
      }
      if (rc == CS_ENOTFOUND && pop_year > last)
        return cs_error_set(err, CS_ENOTFOUND,
                            "no population for %s on 1 January %d (the registry ends in %d): add a "
                            "projection, e.g. s:population(cs.projection.hold_last)",
                            x->code, pop_year, last);
      if (rc) {
        char msg[CS_ERROR_MAX];
        snprintf(msg, sizeof msg, "%s", err ? err->msg : "");
        return cs_error_set(err, rc, "member %s (%s) in %d: %s", x->given, x->code, year, msg);
      }
      x->pop_source = origin == CS_ORIGIN_PROXY          ? CS_POP_PROXY
                      : origin == CS_ORIGIN_PREDECESSORS ? CS_POP_PREDECESSORS
                                                         : CS_POP_REGISTRY;
    }
    if (nonmember[0]) {
      if ((x->merged.len && text_add(&x->merged, "; ")) || text_add(&x->merged, "with non-member ") ||
          text_add(&x->merged, nonmember) || text_add(&x->merged, " ") ||
          text_add(&x->merged, name_or_code(reg, nonmember, ms->since)) ||
          text_add(&x->merged, c->merger == CS_MERGER_WHOLE ? " (whole population counted)"
                                                            : " (member part counted)"))
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    }
    if (c->pop_fn) {
      int64_t before = x->population;
      if ((rc = c->pop_fn(c->pop_ud, x->code, year, pop_year, &x->population, err))) return rc;
      if (x->population < 0)
        return cs_error_set(err, CS_EINVAL, "population override for %s in %d is negative (%lld)",
                            x->code, year, (long long)x->population);
      if (x->population != before) x->pop_source = CS_POP_OVERRIDE;
    }
  }
  /* by code (bytewise: codes before party ids): members are usually listed
  ** so (a check, not a sort); their services go with them */
  for (size_t k = 1; k < n; k++)
    if (cmp_active(&ms->act[k - 1], &ms->act[k]) > 0) {
      if (ms->ns > 1 || ms->c->nservices) {
        /* sort the services' flags along: by a permutation */
        size_t *perm = malloc(n * sizeof *perm);
        unsigned char *in = malloc(n * ms->ns);
        active *sorted = malloc(n * sizeof *sorted);
        if (!perm || !in || !sorted) {
          free(perm), free(in), free(sorted);
          return cs_error_set(err, CS_ENOMEM, "out of memory");
        }
        for (size_t j = 0; j < n; j++) perm[j] = j;
        for (size_t a = 1; a < n; a++) /* insertion sort: stable, n small */
          for (size_t b = a; b > 0 && cmp_active(&ms->act[perm[b - 1]], &ms->act[perm[b]]) > 0; b--) {
            size_t t = perm[b];
            perm[b] = perm[b - 1];
            perm[b - 1] = t;
          }
        for (size_t j = 0; j < n; j++) {
          sorted[j] = ms->act[perm[j]];
          memcpy(in + j * ms->ns, ms->insvc + perm[j] * ms->ns, ms->ns);
        }
        memcpy(ms->act, sorted, n * sizeof *sorted);
        memcpy(ms->insvc, in, n * ms->ns);
        free(perm), free(in), free(sorted);
      } else {
        qsort(ms->act, n, sizeof *ms->act, cmp_active);
      }
      break;
    }
  *nout = n;
  return CS_OK;
}

/* A municipality as last followed (kept while no change falls in between). */
typedef struct follow_cache {
  int valid;
  cs_date at;
  char code[ID_SIZE];
  const char *name;
} follow_cache;

/* The code and name in a budget year of `code` (the host's or the
** payee's, `what`): followed from the resolution date like a member; one
** that was split is followed by the part that keeps its name, else the
** run stops naming the parts. */
static int follow_of_year(const cs_coop *c, const cs_registry *reg, const char *code0,
                          const char *what, int from, int year, follow_cache *hc, cs_error *err) {
  cs_date res = resolution_date(c, from), at = cs_date_jan1(year);
  if (c->has_freeze && cs_date_cmp(at, c->freeze) > 0) at = c->freeze;
  if (cs_date_cmp(at, res) < 0) at = res;
  if (hc->valid && cs_date_cmp(hc->at, at) <= 0 && !changes_between(reg, hc->at, at)) return CS_OK;
  char *code = hc->code;
  char parts[MAX_PARTS][5], sc[5] = "";
  size_t n = 0;
  cs_date sd;
  memcpy(code, code0, 5);
  if (cs_registry_successors(reg, code0, res, at, parts, MAX_PARTS, &n, &sd, sc, NULL) == CS_OK &&
      n >= 1) {
    if (n == 1) {
      memcpy(code, parts[0], 5);
    } else {
      char d[11];
      size_t keeps = 0, which = 0;
      const char *was = name_or_code(reg, sc, cs_date_add_days(sd, -1));
      grow_text list = {NULL, 0, 0};
      int oom = 0;
      for (size_t k = 0; k < n; k++) {
        const char *nm = name_or_code(reg, parts[k], at);
        if (strcmp(nm, was) == 0) {
          keeps++;
          which = k;
        }
        oom |= (k && text_add(&list, ", ")) || text_add(&list, parts[k]) || text_add(&list, " ") ||
               text_add(&list, nm);
      }
      if (oom) {
        free(list.s);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
      }
      if (keeps != 1) {
        int rc = cs_error_set(err, CS_EINVAL,
                              "%s, %d: the %s %s %s was split on %s into %s and no one part keeps "
                              "its name: name the %s among them",
                              c->name, year, what, sc, was, cs_date_format(sd, d), text_of(&list),
                              what);
        free(list.s);
        return rc;
      }
      free(list.s);
      memcpy(code, parts[which], 5);
    }
  }
  hc->name = name_or_code(reg, code, at);
  if (hc->name == code) hc->name = NULL; /* an unknown code: named by itself */
  hc->valid = 1;
  hc->at = at;
  return CS_OK;
}
/* ---- the year's shares ----------------------------------------------- */

/* What one key gives its members in a year, by either path, and the room
** for it, kept from year to year. Parts are by member: parts[i * nparts + p]. */
typedef struct share_scratch {
  size_t cap, cells;       /* room: members, parts */
  cs_part *parts;
  int64_t *total_cents, *rounded;
  size_t nparts;           /* the last evaluation's */
  int fx;                  /* the last evaluation was in machine words: notes as figures */
  int64_t net_cents, pool_cents[CS_KEY_MAX_PARTS];
  cs_key_multiples mk;
  uint64_t *mult, *sum_mult;
  cs_fx_value *value;
  size_t *order;
  cs_key_year *ky;         /* the exact path's, reused every year */
  /* the key's members this year: all of the year's, or a service's */
  size_t n;
  cs_key_member *km;
  const char **codes;
  size_t *pos;             /* per member of the year: its index among the key's, or SIZE_MAX */
  size_t pos_cap;
} share_scratch;

static void scratch_free(share_scratch *sc) {
  free(sc->parts);
  free(sc->total_cents);
  free(sc->rounded);
  free(sc->mult);
  free(sc->sum_mult);
  free(sc->value);
  free(sc->order);
  cs_key_year_free(sc->ky);
  free(sc->km);
  free(sc->codes);
  free(sc->pos);
  memset(sc, 0, sizeof *sc);
}

/* Room for n members (and n * nparts parts); 0, or -1 when out of memory. */
static int scratch_room(share_scratch *sc, size_t n, size_t nparts) {
  if (n > sc->cap) {
    size_t cap = n < 16 ? 16 : n;
    void *p[8];
    p[0] = realloc(sc->total_cents, cap * sizeof *sc->total_cents);
    if (p[0]) sc->total_cents = p[0];
    p[1] = realloc(sc->rounded, cap * sizeof *sc->rounded);
    if (p[1]) sc->rounded = p[1];
    p[2] = realloc(sc->mult, cap * CS_KEY_MAX_PARTS * sizeof *sc->mult);
    if (p[2]) sc->mult = p[2];
    p[3] = realloc(sc->sum_mult, cap * sizeof *sc->sum_mult);
    if (p[3]) sc->sum_mult = p[3];
    p[4] = realloc(sc->value, cap * sizeof *sc->value);
    if (p[4]) sc->value = p[4];
    p[5] = realloc(sc->order, cap * sizeof *sc->order);
    if (p[5]) sc->order = p[5];
    p[6] = realloc(sc->km, cap * sizeof *sc->km);
    if (p[6]) sc->km = p[6];
    p[7] = realloc(sc->codes, cap * sizeof *sc->codes);
    if (p[7]) sc->codes = p[7];
    for (int k = 0; k < 8; k++)
      if (!p[k]) return -1;
    sc->cap = cap;
  }
  size_t cells;
  if (__builtin_mul_overflow(n, nparts, &cells)) return -1;
  if (cells > sc->cells) {
    cs_part *p = realloc(sc->parts, cells * sizeof *p);
    if (!p) return -1;
    sc->parts = p;
    sc->cells = cells;
  }
  return 0;
}

/* The machine-word path (share_fx.h) for the multiples mk of `shared`: 0
** when every figure is certain, -1 when the exact path must decide. Also
** the net and every pool in øre for the key's notes (*notes_fx 0 when one
** of those is too large for them: the exact path then decides too). */
static int shares_fx(const cs_q *shared, const cs_key_multiples *mk, size_t n,
                     const char *const *codes, share_scratch *sc, int64_t *net_cents,
                     int64_t *pool_cents, int *notes_fx) {
  cs_big kb, d;
  cs_fx fx;
  size_t nparts = mk->nparts;
  cs_big_from_u64(&kb, mk->K);
  if (cs_big_mul(&d, &shared->den, &kb) != CS_OK || cs_fx_init(&fx, &shared->num, &d)) return -1;
  uint64_t all = 0;
  int64_t floors = 0, target, whole;
  for (size_t i = 0; i < n; i++) {
    uint64_t sum = 0;
    for (size_t p = 0; p < nparts; p++) {
      uint64_t m = mk->mult[i * CS_KEY_MAX_PARTS + p];
      cs_fx_value v;
      cs_part *part = &sc->parts[i * nparts + p];
      if (__builtin_add_overflow(sum, m, &sum) || cs_fx_times(&fx, m, &v) ||
          cs_fx_cents(&v, &part->cents, &part->rounded))
        return -1;
    }
    cs_fx_value *v = &sc->value[i];
    sc->sum_mult[i] = sum;
    if (__builtin_add_overflow(all, sum, &all) || cs_fx_times(&fx, sum, v) ||
        cs_fx_cents(v, &sc->total_cents[i], &whole) || v->whole > (cs_u128)INT64_MAX ||
        __builtin_add_overflow(floors, (int64_t)v->whole, &floors))
      return -1;
  }
  /* the exact sum of the shares, rounded: what the rounded shares sum to
  ** (exactly: it is often a whole number, which 2^-128 steps cannot tell) */
  cs_q sum_q;
  cs_big_from_u64(&kb, all);
  sum_q.den = d;
  if (cs_big_mul(&sum_q.num, &shared->num, &kb) != CS_OK || cs_q_round_i64(&sum_q, &target))
    return -1;
  if (cs_fx_largest_remainder(sc->rounded, sc->value, sc->sum_mult, codes, n, target - floors,
                              sc->order))
    return -1;
  /* the notes' figures: the net is shared * K / K, pool p shared * pool[p] / K;
  ** where the machine words leave a figure's øre uncertain, exactly */
  cs_fx_value v;
  *notes_fx = 1;
  if (cs_fx_times(&fx, mk->K, &v) || cs_fx_cents(&v, net_cents, &whole))
    *notes_fx = cs_q_cents(shared, net_cents, &whole) == CS_OK;
  for (size_t p = 0; p < nparts && *notes_fx; p++)
    if (cs_fx_times(&fx, mk->pool[p], &v) || cs_fx_cents(&v, &pool_cents[p], &whole)) {
      cs_q pool;
      cs_big_from_u64(&kb, mk->pool[p]);
      pool.den = d;
      *notes_fx = cs_big_mul(&pool.num, &shared->num, &kb) == CS_OK &&
                  cs_q_cents(&pool, &pool_cents[p], &whole) == CS_OK;
    }
  return 0;
}

/* The year's shares of the key's members (sc->km, sc->codes, sc->n) into
** sc (parts, total cents, rounded totals): by machine words when allowed,
** the key allows and every figure is certain (sc->fx), else exactly by
** cs_key_eval (sc->ky, with the notes). The two give the same figures. */
static int year_shares(const cs_key *key, const cs_key_env *env, int year, const cs_q *shared,
                       share_scratch *sc, int allow_fx, cs_error *err) {
  size_t n = sc->n;
  sc->fx = 0;
  sc->nparts = cs_key_nparts(key);
  if (n == 0) return CS_OK;
  if (scratch_room(sc, n, sc->nparts)) return cs_error_set(err, CS_ENOMEM, "out of memory");
  int rc;
  if (allow_fx) {
    cs_key_multiples *mk = &sc->mk;
    mk->mult = sc->mult;
    rc = cs_key_multipliers(key, year, sc->km, n, mk, err);
    if (rc == CS_OK) {
      int notes_fx = 0;
      if (mk->nparts == sc->nparts &&
          shares_fx(shared, mk, n, sc->codes, sc, &sc->net_cents, sc->pool_cents, &notes_fx) == 0 &&
          notes_fx) {
        sc->fx = 1;
        return CS_OK;
      }
    } else if (rc != 1) {
      return rc;
    }
  }
  /* the exact path */
  if ((rc = cs_key_eval(key, env, year, shared, sc->km, n, &sc->ky, err))) return rc;
  int64_t whole;
  for (size_t i = 0; i < n; i++) {
    for (size_t p = 0; p < sc->nparts; p++) {
      cs_part *part = &sc->parts[i * sc->nparts + p];
      if (cs_q_cents(cs_key_year_part(sc->ky, i, p), &part->cents, &part->rounded))
        return cs_error_set(err, CS_EOVERFLOW, "%d: amounts too large for exact arithmetic", year);
    }
    if (cs_q_cents(cs_key_year_total(sc->ky, i), &sc->total_cents[i], &whole))
      return cs_error_set(err, CS_EOVERFLOW, "%d: amounts too large for exact arithmetic", year);
  }
  return cs_round_shares(sc->rounded, cs_key_year_total(sc->ky, 0), sc->codes, n, err);
}

/* ---- the run ---------------------------------------------------------- */

/* The key of service s (0 without services) in year, or NULL. */
static const cs_key *key_at(const cs_coop *c, size_t s, int year) {
  const cs_key *k = NULL;
  for (size_t i = 0; i < c->nkeys; i++)
    if (c->keys[i].service == s && c->keys[i].from_year <= year) k = c->keys[i].key;
  return k;
}

/* 1 with the first year service s has a key for in *year; 0 when it has none. */
static int first_key_year(const cs_coop *c, size_t s, int *year) {
  for (size_t i = 0; i < c->nkeys; i++)
    if (c->keys[i].service == s) {
      *year = c->keys[i].from_year;
      return 1;
    }
  return 0;
}

static const char *popdate_name(const cs_coop *c) {
  switch (c->popdate) {
  case CS_POPDATE_PREVIOUS_YEAR: return "jan1_previous_year";
  case CS_POPDATE_BUDGET_YEAR: return "jan1_budget_year";
  default: return "fixed_year";
  }
}

/* A member's texts in the result: its name (while it comes from the same
** place: name_src) and the name it was given. */
typedef struct row_texts {
  const char *name_src, *name, *given;
} row_texts;

/* Appends " by:COLUMN.year=which" for each table part of key (service
** prefix sv, or "") not in the text yet (the options line names each table
** key's year). */
static int options_tables(grow_text *t, const cs_key *key, const char *sv) {
  for (size_t p = 0; p < cs_key_nparts(key); p++) {
    cs_table_year which;
    if (!cs_key_part_table(key, p, &which)) continue;
    grow_text item = {NULL, 0, 0};
    int rc = text_add(&item, " ");
    if (!rc && sv[0]) rc = text_add(&item, sv) || text_add(&item, "/");
    if (!rc) rc = text_add(&item, cs_key_part_name(key, p)) || text_add(&item, ".year=") ||
                  text_add(&item, cs_table_year_name(which));
    if (!rc && !strstr(text_of(t), item.s)) rc = text_add(t, item.s);
    free(item.s);
    if (rc) return rc;
  }
  return CS_OK;
}

/* "a: x; b: y" of the services' texts (the key's, its label ...); a text
** the key does not have is left out. */
static int join_texts(grow_text *t, const char *service, const char *text) {
  if (!text || !text[0]) return CS_OK;
  if (t->len && text_add(t, "; ")) return CS_ENOMEM;
  if (service[0] && (text_add(t, service) || text_add(t, ": "))) return CS_ENOMEM;
  return text_add(t, text);
}

/* ---- the money cycle (SPEC 7.3) -------------------------------------- */

/* The accounts of service s (0 without services) in year, or NULL. */
static const cs_accounts *accounts_at(const cs_coop *c, int year, size_t s) {
  for (size_t i = 0; i < c->naccounts; i++)
    if (c->accounts[i].year == year && c->accounts[i].service == s) return &c->accounts[i];
  return NULL;
}

/* 1 if the cooperation has accounts for year (of any service). */
static int any_accounts(const cs_coop *c, int year) {
  for (size_t i = 0; i < c->naccounts; i++)
    if (c->accounts[i].year == year) return 1;
  return 0;
}

/* " (service NAME)" with services, else "". */
static void service_words(const cs_coop *c, size_t s, char *buf, size_t size) {
  if (c->nservices) snprintf(buf, size, ", service \"%s\"", c->services[s].name);
  else buf[0] = '\0';
}

/* The actual shares of service s (its key `key`) in a year with accounts:
** the key applied to the actual net cost (when positive) with the budget's
** members, months and populations (those of b), into a, rounded as the
** budget's; the service's actual figures into yk, and its actual cost and
** grants added to *cost and *granted. The year's grants (y) tell whether
** the accounts must state grants. */
static int actual_shares(const cs_coop *coop, const cs_year *y, size_t s, const cs_key *key,
                         const cs_key_env *env, int year, const share_scratch *b, share_scratch *a,
                         int allow_fx, cs_year_key *yk, cs_q *cost, cs_q *granted, cs_error *err) {
  char svc[160];
  service_words(coop, s, svc, sizeof svc);
  const cs_accounts *acc = accounts_at(coop, year, s);
  if (!acc)
    return cs_error_set(err, CS_EINVAL,
                        "%s: accounts for %d%s are missing: a cooperation with services takes one "
                        "call of s:accounts per service",
                        coop->name, year, svc);
  if (!acc->has_grants)
    for (size_t g = 0; g < y->ngrants; g++)
      if (y->grants[g].service == (coop->nservices ? s : 0))
        return cs_error_set(err, CS_EINVAL,
                            "%s: accounts for %d%s: give grants (grant \"%s\" is budgeted that year; "
                            "0 when none came)",
                            coop->name, year, svc, y->grants[g].name);
  cs_q zero, net, shared;
  int64_t whole;
  cs_q_zero(&zero);
  const cs_q *gr = acc->has_grants ? &acc->grants : &zero;
  if (cs_q_sub(&net, &acc->cost, gr) || cs_q_add(cost, cost, &acc->cost) || cs_q_add(granted, granted, gr) ||
      cs_q_cents(&acc->cost, &yk->actual_cost, &whole) || cs_q_cents(gr, &yk->actual_granted, &whole) ||
      cs_q_cents(&net, &yk->actual_net, &whole))
    return cs_error_set(err, CS_EOVERFLOW, "%s: accounts for %d%s: amounts too large for exact arithmetic",
                        coop->name, year, svc);
  cs_q_copy(&shared, cs_q_sign(&net) > 0 ? &net : &zero);
  yk->actual_shared = cs_q_sign(&net) > 0 ? yk->actual_net : 0;
  yk->has_accounts = 1;
  yk->actual_sum = 0;
  if (scratch_room(a, b->n, 0)) return cs_error_set(err, CS_ENOMEM, "out of memory");
  a->n = b->n;
  if (b->n) {
    memcpy(a->km, b->km, b->n * sizeof *a->km);
    memcpy(a->codes, b->codes, b->n * sizeof *a->codes);
  }
  int rc = year_shares(key, env, year, &shared, a, allow_fx, err);
  if (rc) {
    char msg[CS_ERROR_MAX];
    snprintf(msg, sizeof msg, "%s", err ? err->msg : "");
    return cs_error_set(err, rc, "%s: accounts for %d%s: %s", coop->name, year, svc, msg);
  }
  for (size_t i = 0; i < a->n; i++)
    if (__builtin_add_overflow(yk->actual_sum, a->rounded[i], &yk->actual_sum))
      return cs_error_set(err, CS_EOVERFLOW, "%s: accounts for %d: shares too large", coop->name, year);
  return CS_OK;
}

/* The row's instalments of its year (cs_invoice_make) appended to r's, and
** the row's money pointing at them: shares[0 .. nshares) of a member of
** the year (first .. last its membership; full_year 1 when it pays the
** whole year), none of a settlement-only row (member 0). *inv_cap and
** *line_cap are the room of r's arrays. */
static int row_invoices(cs_result *r, const cs_invoice_schedule *sched, const cs_row *row, cs_row_money *mo,
                        const cs_invoice_share *shares, size_t nshares, int member, cs_date first,
                        cs_date last, int full_year, size_t *inv_cap, size_t *line_cap, cs_error *err) {
  size_t maxi, maxl;
  cs_invoice_room(sched, nshares, &maxi, &maxl);
  if (r->ninvoices + maxi > *inv_cap) {
    size_t cap = *inv_cap ? 2 * *inv_cap : 256;
    while (cap < r->ninvoices + maxi) cap *= 2;
    cs_invoice *g = realloc(r->invoices, cap * sizeof *g);
    if (!g) return cs_error_set(err, CS_ENOMEM, "out of memory");
    r->invoices = g;
    *inv_cap = cap;
  }
  if (r->ninvoice_lines + maxl > *line_cap) {
    size_t cap = *line_cap ? 2 * *line_cap : 256;
    while (cap < r->ninvoice_lines + maxl) cap *= 2;
    cs_invoice_line *g = realloc(r->invoice_lines, cap * sizeof *g);
    if (!g) return cs_error_set(err, CS_ENOMEM, "out of memory");
    r->invoice_lines = g;
    *line_cap = cap;
  }
  cs_invoice_member m = {row->year, member, first, last, full_year, shares, nshares, mo->settlement};
  size_t ni = 0, nl = 0;
  int rc = cs_invoice_make(sched, &m, &r->invoices[r->ninvoices], &ni, &r->invoice_lines[r->ninvoice_lines],
                           &nl, err);
  if (rc) {
    char msg[CS_ERROR_MAX];
    snprintf(msg, sizeof msg, "%s", err ? err->msg : "");
    return cs_error_set(err, rc, "%s, %d, %s: invoices: %s", r->name, row->year, row->code, msg);
  }
  if (r->ninvoices + ni > UINT32_MAX || r->ninvoice_lines + nl > SIZE_MAX / 2)
    return cs_error_set(err, CS_EOVERFLOW, "%s: too many invoices", r->name);
  for (size_t k = 0; k < ni; k++) r->invoices[r->ninvoices + k].first_line += r->ninvoice_lines;
  mo->invoice0 = (uint32_t)r->ninvoices;
  mo->ninvoices = (uint32_t)ni;
  r->ninvoices += ni;
  r->ninvoice_lines += nl;
  return CS_OK;
}

/* Appends " invoices=MM-DD,..." and " settle=..." to the options line:
** the instalment dates when given, the settlement rule when given or when
** the run settles accounts. */
static int options_money(grow_text *t, const cs_coop *coop, int settles) {
  char item[16];
  if (coop->has_invoices) {
    if (text_add(t, " invoices=")) return CS_ENOMEM;
    for (size_t i = 0; i < coop->invoices.n; i++) {
      snprintf(item, sizeof item, "%s%02d-%02d", i ? "," : "", coop->invoices.day[i].month % 100,
               coop->invoices.day[i].day % 100);
      if (text_add(t, item)) return CS_ENOMEM;
    }
  }
  if ((coop->has_settle || settles) &&
      text_add(t, coop->settle == CS_SETTLE_NONE ? " settle=none" : " settle=next_year"))
    return CS_ENOMEM;
  return CS_OK;
}

static int simulate_years(const cs_coop *coop, const cs_registry *reg, int from, int to, int res_from,
                          int hidden, cs_result **out, cs_settle_carry *carry_out, cs_error *err);

int cs_simulate(const cs_coop *coop, const cs_registry *reg, int from, int to, cs_result **out,
                cs_error *err) {
  return simulate_years(coop, reg, from, to, from, 0, out, NULL, err);
}

/* cs_simulate of years from..to, the cooperation resolved as for a run
** from res_from (its host, and its base year when it states none). hidden:
** the year before a run, computed only to settle its accounts in the run
** (no year before it settled); *carry_out (when not NULL) takes what the
** last year leaves to settle. */
static int simulate_years(const cs_coop *coop, const cs_registry *reg, int from, int to, int res_from,
                          int hidden, cs_result **out, cs_settle_carry *carry_out, cs_error *err) {
  int rc = CS_OK, year = from;
  *out = NULL;
  if (from > to)
    return cs_error_set(err, CS_EINVAL, "run from %d to %d: the first year is after the last", from, to);
  if (from < 1900 || to > 2200)
    return cs_error_set(err, CS_EINVAL, "run years %d..%d are out of range (1900..2200)", from, to);
  if (coop->nkeys == 0) return cs_error_set(err, CS_EINVAL, "%s has no cost-sharing key", coop->name);
  int first_year;
  for (size_t s = 0; s < coop->nservices; s++)
    if (!first_key_year(coop, s, &first_year))
      return cs_error_set(err, CS_EINVAL, "%s: service \"%s\" has no cost-sharing key", coop->name,
                          coop->services[s].name);
  if (coop->has_period && from < coop->from.year) {
    char d[11];
    return cs_error_set(err, CS_EINVAL, "%s: the run starts in %d, before the agreement (%s)",
                        coop->name, from, cs_date_format(coop->from, d));
  }
  int base;
  if (coop->has_base_year) base = coop->base_year;
  else if (coop->has_period) base = coop->from.year;
  else if (any_growth(coop))
    return cs_error_set(err, CS_EINVAL,
                        "%s has growth but no base year: set base_year or the agreement period",
                        coop->name);
  else base = res_from;
  /* the money cycle: accounts of the year before the run are settled in its
  ** first year (that year computed, not shown; not before the agreement) */
  int prior_year = from - 1;
  int want_prior = !hidden && prior_year >= 1900 && any_accounts(coop, prior_year) &&
                   !(coop->has_period && prior_year < coop->from.year);
  int money = hidden || want_prior || coop->has_invoices;
  for (size_t i = 0; i < coop->naccounts && !money; i++)
    money = coop->accounts[i].year >= from && coop->accounts[i].year <= to;
  int settle_none = coop->settle == CS_SETTLE_NONE;
  cs_invoice_schedule sched = {coop->has_invoices ? &coop->invoices : NULL, coop->has_due,
                               {coop->due_month, coop->due_day}};
  cs_result *prior = NULL;
  cs_settle_carry carry;
  memset(&carry, 0, sizeof carry);
  share_scratch *asc = NULL;                /* per service: the actual shares of a year with accounts */
  int64_t *mdiff = NULL, *msettle = NULL;   /* per member of the year: difference, settlement */
  const char **mcodes = NULL;               /* per member of the year: its code */
  size_t *so_idx = NULL;                    /* the settlement-only rows' items */
  cs_invoice_share *shares = NULL;          /* a row's shares by service, for its invoices */
  size_t mcap = 0, so_cap = 0, inv_cap = 0, line_cap = 0;

  size_t ns = nsvc_of(coop);
  int services = coop->nservices > 0;
  cs_result *r = calloc(1, sizeof *r);
  cs_q *amounts = calloc(coop->nlines ? coop->nlines : 1, sizeof *amounts);
  int *state = calloc(coop->nlines ? coop->nlines : 1, sizeof *state);
  svc_sums *sv = calloc(ns, sizeof *sv);
  share_scratch *sc = calloc(ns, sizeof *sc);
  const cs_key **used = calloc(coop->nkeys, sizeof *used); /* the keys the run used, once each */
  size_t *used_svc = calloc(coop->nkeys, sizeof *used_svc);
  size_t nused = 0;
  members_state ms;
  memset(&ms, 0, sizeof ms);
  follow_cache hcache, pcache;
  memset(&hcache, 0, sizeof hcache);
  memset(&pcache, 0, sizeof pcache);
  ms.c = coop;
  ms.reg = reg;
  ms.first_year = from;
  ms.cache = calloc(coop->nmembers ? coop->nmembers : 1, sizeof *ms.cache);
  ms.since = coop->nmembers ? coop->members[0].anchor : cs_date_jan1(from);
  for (size_t i = 1; i < coop->nmembers; i++)
    if (cs_date_cmp(coop->members[i].anchor, ms.since) < 0) ms.since = coop->members[i].anchor;
  growth_cache *gcache = calloc(coop->nlines ? coop->nlines : 1, sizeof *gcache);
  /* each member's texts in the result, kept while they stay the same */
  row_texts *texts = calloc(coop->nmembers ? coop->nmembers : 1, sizeof *texts);
  cs_q *year_share = malloc(13 * sizeof *year_share); /* months / 12 for 0..12 months */
  grow_text options = {NULL, 0, 0}, kt = {NULL, 0, 0}, lt = {NULL, 0, 0}, st = {NULL, 0, 0},
            at = {NULL, 0, 0}, kn = {NULL, 0, 0};
  cs_table_resolver resolver;
  cs_table_registry_resolver(&resolver, reg);
  cs_key_env env = {&resolver};
  dec_consts dc;
  memset(&dc, 0, sizeof dc);
  cs_dec net_dec;
  if (!r || !amounts || !state || !sv || !sc || !used || !used_svc || !ms.cache || !gcache ||
      !texts || !year_share || member_services(&ms) || dec_consts_make(coop, &dc) ||
      !(r->strings = calloc(1, sizeof *r->strings)))
    NOMEM();
  if (money && (!(asc = calloc(ns, sizeof *asc)) || !(shares = calloc(ns, sizeof *shares)))) NOMEM();
  r->dated = coop->has_invoices || coop->has_due;
  r->settle_none = settle_none;
  if (want_prior) {
    /* the prior year's differences, and its names kept (in prior) until used */
    if ((rc = simulate_years(coop, reg, prior_year, prior_year, res_from, 1, &prior, &carry, err))) {
      char msg[CS_ERROR_MAX];
      snprintf(msg, sizeof msg, "%s", err ? err->msg : "");
      rc = cs_error_set(err, rc, "%s: accounts for %d, the year before the run, are settled in %d: "
                        "computing %d: %s", coop->name, prior_year, from, prior_year, msg);
      goto fail;
    }
  }
  for (int m = 0; m <= 12; m++) CHECK(cs_q_from_frac(&year_share[m], m, 12));
  STR(r->name, coop->name);
  r->from = from;
  r->to = to;
  if (services) {
    if (!(r->services = calloc(coop->nservices, sizeof *r->services))) NOMEM();
    for (size_t s = 0; s < coop->nservices; s++) STR(r->services[s], coop->services[s].name);
    r->nservices = coop->nservices;
  }
  r->years = calloc((size_t)(to - from + 1), sizeof *r->years);
  if (!r->years) NOMEM();
  size_t rows_cap = 0, parts_cap = 0, rsv_cap = 0;
  int64_t whole;
  for (year = from; year <= to; year++) {
    cs_year *y = &r->years[r->nyears++];
    y->year = year;
    /* agreement months */
    int first_m = 1, last_m = 12;
    if (coop->has_period && year == coop->from.year) first_m = coop->from.month;
    if (coop->has_period && coop->has_to && year == coop->to.year) last_m = coop->to.month;
    y->past_end = coop->has_period && coop->has_to && year > coop->to.year;
    y->agreement_months = coop->prorate_period ? last_m - first_m + 1 : 12;
    cs_q net, balance;
    /* costs, grants, net: as decimals (no gcd) when the year allows it, else
    ** as rationals; the figures are the same */
    y->lines = calloc(coop->nlines ? coop->nlines : 1, sizeof *y->lines);
    y->grants = calloc(coop->ngrants ? coop->ngrants : 1, sizeof *y->grants);
    y->keys = calloc(ns, sizeof *y->keys);
    if (!y->lines || !y->grants || !y->keys) NOMEM();
    y->nkeys = ns;
    for (size_t i = 0; i < coop->nlines; i++) {
      STR(y->lines[i].name, coop->lines[i].name);
      y->lines[i].service = services ? coop->lines[i].service : 0;
    }
    y->nlines = coop->nlines;
    int net_is_dec = y->agreement_months == 12 && costs_dec(coop, &dc, year, base, y, &net_dec) == 0;
    if (net_is_dec) {
      if (cs_dec_to_q_unreduced(&net, &net_dec)) net_is_dec = 0; /* reduced only if needed */
      if (!services) cs_q_copy(&sv[0].net, &net); /* one key shares the year's net cost */
      for (size_t s = 0; s < ns && net_is_dec && services; s++)
        if (cs_dec_to_q_unreduced(&sv[s].net, &dc.svc_net[s]) ||
            cs_dec_to_q_unreduced(&sv[s].cost, &dc.svc_cost[s]) ||
            cs_dec_to_q_unreduced(&sv[s].granted, &dc.svc_granted[s]))
          net_is_dec = 0;
    }
    if (!net_is_dec &&
        (rc = costs_exact(coop, year, base, amounts, state, gcache, y, &net, sv, err)))
      goto fail;
    for (size_t g = 0; g < y->ngrants; g++) STR(y->grants[g].name, y->grants[g].name);
    /* the keys of the year (and their actual shares when the year has accounts) */
    int year_accounts = money && any_accounts(coop, year);
    cs_q act_cost, act_granted;
    cs_q_zero(&act_cost);
    cs_q_zero(&act_granted);
    y->covers = 1;
    text_clear(&kt), text_clear(&lt), text_clear(&st), text_clear(&at), text_clear(&kn);
    for (size_t s = 0; s < ns; s++) {
      const cs_key *key = key_at(coop, s, year);
      if (!key) {
        if (services && first_key_year(coop, s, &first_year))
          rc = cs_error_set(err, CS_EINVAL, "%s: service \"%s\" has no key for %d (its first key starts in %d)",
                            coop->name, coop->services[s].name, year, first_year);
        else
          rc = cs_error_set(err, CS_EINVAL, "%s has no key for %d (the first key starts in %d)",
                            coop->name, year, coop->keys[0].from_year);
        goto fail;
      }
      cs_year_key *yk = &y->keys[s];
      const char *svname = services ? coop->services[s].name : "";
      STR(yk->service, svname);
      STR(yk->key, cs_key_describe(key));
      STR(yk->key_nb, cs_key_describe_lang(key, CS_LANG_NB));
      STR(yk->label, cs_key_label(key) ? cs_key_label(key) : "");
      STR(yk->source, cs_key_source(key) ? cs_key_source(key) : "");
      STR(yk->assumption, cs_key_assumption(key) ? cs_key_assumption(key) : "");
      yk->covers = cs_key_covers(key);
      yk->capped = cs_key_is_capped(key);
      y->covers &= yk->covers;
      if (services) {
        CHECK(cs_q_cents(&sv[s].cost, &yk->cost, &whole));
        CHECK(cs_q_cents(&sv[s].granted, &yk->granted, &whole));
        CHECK(cs_q_cents(&sv[s].net, &yk->net, &whole));
      } else { /* the year's own */
        yk->cost = y->cost, yk->granted = y->granted, yk->net = y->net;
      }
      if (services && (join_texts(&kt, svname, yk->key) || join_texts(&kn, svname, yk->key_nb) ||
                       join_texts(&lt, svname, yk->label) ||
                       join_texts(&st, svname, yk->source) || join_texts(&at, svname, yk->assumption)))
        NOMEM();
      size_t u = 0;
      while (u < nused && !(used[u] == key && used_svc[u] == s)) u++;
      if (u == nused) {
        used[nused] = key;
        used_svc[nused++] = s;
      }
    }
    if (services) {
      /* a text every service has alike is written once */
      int same[4] = {1, 1, 1, 1};
      for (size_t s = 1; s < ns; s++) {
        same[0] &= y->keys[s].key == y->keys[0].key && y->keys[s].key_nb == y->keys[0].key_nb;
        same[1] &= y->keys[s].label == y->keys[0].label;
        same[2] &= y->keys[s].source == y->keys[0].source;
        same[3] &= y->keys[s].assumption == y->keys[0].assumption;
      }
      STR(y->key, same[0] ? y->keys[0].key : text_of(&kt));
      STR(y->key_nb, same[0] ? y->keys[0].key_nb : text_of(&kn));
      STR(y->label, same[1] ? y->keys[0].label : text_of(&lt));
      STR(y->source, same[2] ? y->keys[0].source : text_of(&st));
      STR(y->assumption, same[3] ? y->keys[0].assumption : text_of(&at));
    } else {
      y->key = y->keys[0].key;
      y->key_nb = y->keys[0].key_nb;
      y->label = y->keys[0].label;
      y->source = y->keys[0].source;
      y->assumption = y->keys[0].assumption;
    }
    if (coop->has_due) {
      y->has_due = 1;
      y->due = (cs_date){year, coop->due_month, coop->due_day};
    }
    /* members */
    size_t n = 0;
    if ((rc = members_of_year(&ms, year, &n, err))) goto fail;
    const active *act = ms.act;
    if (ms.nev) {
      y->events = calloc(ms.nev, sizeof *y->events);
      if (!y->events) NOMEM();
      for (size_t e = 0; e < ms.nev; e++) {
        cs_year_event *ye = &y->events[y->nevents++];
        const raw_event *re = &ms.ev[e];
        ye->kind = re->kind;
        memcpy(ye->code, re->code, sizeof ye->code);
        memcpy(ye->other_code, re->other, sizeof ye->other_code);
        ye->date = re->date;
        ye->until = re->until;
        STR(ye->name, re->name ? re->name : re->code);
        STR(ye->other_name, re->other_name ? re->other_name : re->other);
      }
    }
    y->nmembers = n;
    if (n > UINT16_MAX) {
      rc = cs_error_set(err, CS_EINVAL, "%s has more than %d members in %d", coop->name,
                        UINT16_MAX, year);
      goto fail;
    }
    /* each key's members: the year's, or the service's among them */
    size_t total_parts = 0;
    for (size_t s = 0; s < ns; s++) {
      share_scratch *k = &sc[s];
      if (scratch_room(k, n, 0)) NOMEM();
      if (n > k->pos_cap) {
        size_t *p = realloc(k->pos, n * sizeof *p);
        if (!p) NOMEM();
        k->pos = p;
        k->pos_cap = n;
      }
      k->n = 0;
      for (size_t i = 0; i < n; i++) {
        if (!ms.insvc[i * ms.ns + s]) {
          k->pos[i] = SIZE_MAX;
          continue;
        }
        cs_key_member *km = &k->km[k->n];
        km->code = act[i].code;
        km->name = act[i].name ? act[i].name : act[i].code;
        km->population = act[i].population;
        if (act[i].charged_months < 0 || act[i].charged_months > 12)
          CHECK(cs_q_from_frac(&km->year_share, act[i].charged_months, 12));
        else
          cs_q_copy(&km->year_share, &year_share[act[i].charged_months]);
        k->codes[k->n] = act[i].code;
        k->pos[i] = k->n++;
      }
      const cs_key *key = key_at(coop, s, year);
      /* what the key shares: the service's net cost when positive */
      cs_q zero;
      const cs_q *shared = &sv[s].net;
      if (cs_q_sign(shared) <= 0) cs_q_zero(&zero), shared = &zero;
      y->keys[s].shared = shared == &zero ? 0 : y->keys[s].net;
      if ((rc = year_shares(key, &env, year, shared, k, !services, err))) {
        /* a value keyed by a member that was split reaches none of its parts */
        for (size_t i = 0; i < n && rc == CS_EINVAL; i++) {
          if (!act[i].split_from[0]) continue;
          char msg[CS_ERROR_MAX], d[11];
          grow_text list = {NULL, 0, 0};
          snprintf(msg, sizeof msg, "%s", err ? err->msg : "");
          for (size_t q = 0; q < n; q++)
            if (strcmp(act[q].split_from, act[i].split_from) == 0 &&
                ((list.len && text_add(&list, ", ")) || text_add(&list, act[q].code) ||
                 text_add(&list, " ") ||
                 text_add(&list, act[q].name ? act[q].name : act[q].code))) {
              free(list.s);
              NOMEM();
            }
          rc = cs_error_set(err, rc,
                            "%s (member %s was split on %s into %s: a value keyed by %s does not "
                            "carry over to its parts; give one for each)",
                            msg, act[i].split_from, cs_date_format(act[i].split_date, d),
                            text_of(&list), act[i].split_from);
          free(list.s);
          break;
        }
        if (services && rc != CS_ENOMEM) {
          char msg[CS_ERROR_MAX];
          snprintf(msg, sizeof msg, "%s", err ? err->msg : "");
          rc = cs_error_set(err, rc, "service \"%s\": %s", coop->services[s].name, msg);
        }
        goto fail;
      }
      /* the key's year in the result */
      cs_year_key *yk = &y->keys[s];
      yk->nmembers = k->n;
      yk->nparts = k->nparts;
      yk->part_names = calloc(k->nparts ? k->nparts : 1, sizeof *yk->part_names);
      if (!yk->part_names) NOMEM();
      for (size_t p = 0; p < k->nparts; p++) {
        if (services) {
          grow_text pn = {NULL, 0, 0};
          if (text_add(&pn, coop->services[s].name) || text_add(&pn, "/") ||
              text_add(&pn, cs_key_part_name(key, p))) {
            free(pn.s);
            NOMEM();
          }
          yk->part_names[p] = intern(r->strings, pn.s);
          free(pn.s);
          if (!yk->part_names[p]) NOMEM();
        } else {
          STR(yk->part_names[p], cs_key_part_name(key, p));
        }
      }
      if (k->n && k->fx) {
        if (!(yk->fx = calloc(k->nparts ? k->nparts : 1, sizeof *yk->fx))) NOMEM();
        for (size_t p = 0; p < k->nparts; p++) {
          cs_year_note *yn = &yk->fx[p];
          int is_whole;
          yn->kind = cs_key_part_kind(key, p);
          STR(yn->percent, cs_key_pool_percent(key, p, &is_whole));
          yn->whole = is_whole;
          yn->net_cents = k->net_cents;
          yn->pool_cents = k->pool_cents[p];
          yn->weight = k->mk.W[p];
          yn->weight_den = k->mk.L;
        }
      } else if (k->n) {
        yk->notes = cs_key_year_take_notes(k->ky);
        yk->nclamped = cs_key_year_nclamped(k->ky);
      }
      for (size_t i = 0; i < k->n; i++) yk->sum_shares += k->rounded[i];
      total_parts += k->n * k->nparts;
      if (year_accounts &&
          (rc = actual_shares(coop, y, s, key, &env, year, k, &asc[s], !services, yk, &act_cost, &act_granted, err)))
        goto fail;
    }
    /* the money cycle: each member's difference (its actual share less its
    ** budget share, service by service), what its invoice carries from the
    ** year before, and the settlement-only rows of members gone */
    size_t nso = 0;
    if (money) {
      if (n > mcap) {
        size_t cap = n < 64 ? 64 : n;
        int64_t *d = realloc(mdiff, cap * sizeof *d);
        if (d) mdiff = d;
        int64_t *se = realloc(msettle, cap * sizeof *se);
        if (se) msettle = se;
        const char **mc = realloc(mcodes, cap * sizeof *mc);
        if (mc) mcodes = mc;
        if (!d || !se || !mc) NOMEM();
        mcap = cap;
      }
      for (size_t i = 0; i < n; i++) {
        mdiff[i] = msettle[i] = 0;
        mcodes[i] = act[i].code;
        for (size_t s = 0; year_accounts && s < ns; s++) {
          size_t at_s = sc[s].pos[i];
          if (at_s != SIZE_MAX &&
              (__builtin_sub_overflow(asc[s].rounded[at_s], sc[s].rounded[at_s], &whole) ||
               __builtin_add_overflow(mdiff[i], whole, &mdiff[i]))) {
            rc = cs_error_set(err, CS_EOVERFLOW, "%s, %d: differences too large", coop->name, year);
            goto fail;
          }
        }
      }
      if (year_accounts) {
        int64_t w;
        CHECK(cs_q_cents(&act_cost, &y->actual_cost, &w));
        CHECK(cs_q_cents(&act_granted, &y->actual_granted, &w));
        cs_q act_net;
        CHECK(cs_q_sub(&act_net, &act_cost, &act_granted));
        CHECK(cs_q_cents(&act_net, &y->actual_net, &w));
        y->has_accounts = 1;
      }
      if (carry.year == year - 1 && !settle_none) {
        y->has_settled = 1;
        y->settled_net = carry.budget_net;
        y->settled_actual_net = carry.actual_net;
        cs_settle_route(&carry, coop, reg, mcodes, n);
        if (carry.n > so_cap) {
          size_t *g = realloc(so_idx, carry.n * sizeof *g);
          if (!g) NOMEM();
          so_idx = g;
          so_cap = carry.n;
        }
        for (size_t c = 0; c < carry.n; c++) {
          const cs_settle_item *it = &carry.items[c];
          if (it->target == SIZE_MAX) {
            if (it->difference != 0) so_idx[nso++] = c;
          } else if (__builtin_add_overflow(msettle[it->target], it->difference, &msettle[it->target])) {
            rc = cs_error_set(err, CS_EOVERFLOW, "%s, %d: settlements too large", coop->name, year);
            goto fail;
          }
        }
      }
    }
    /* rows: room for this year's members in every year left (membership
    ** seldom changes), so the arrays are seldom grown and copied */
    size_t years_left = (size_t)(to - year + 1);
    if (r->nrows + n + nso > rows_cap) {
      size_t cap = rows_cap * 2;
      if (cap < r->nrows + n * years_left) cap = r->nrows + n * years_left;
      if (cap < r->nrows + n + nso) cap = r->nrows + n + nso;
      cs_row *nr = realloc(r->rows, cap * sizeof *nr);
      if (!nr) NOMEM();
      r->rows = nr;
      if (money) {
        cs_row_money *nm = realloc(r->money, cap * sizeof *nm);
        if (!nm) NOMEM();
        r->money = nm;
      }
      if (services) {
        uint32_t *s0 = realloc(r->row_service0, (cap + 1) * sizeof *s0);
        if (!s0) NOMEM();
        r->row_service0 = s0;
      }
      rows_cap = cap;
    }
    if (r->nparts + total_parts > parts_cap) {
      size_t cap = parts_cap * 2;
      if (cap < r->nparts + total_parts * years_left) cap = r->nparts + total_parts * years_left;
      cs_part *np = realloc(r->parts, cap * sizeof *np);
      if (!np) NOMEM();
      r->parts = np;
      parts_cap = cap;
    }
    if (services && r->nrow_services + n * ns > rsv_cap) {
      size_t cap = rsv_cap * 2;
      if (cap < r->nrow_services + n * ns * years_left) cap = r->nrow_services + n * ns * years_left;
      cs_row_service *g = realloc(r->row_services, cap * sizeof *g);
      if (!g) NOMEM();
      r->row_services = g;
      rsv_cap = cap;
    }
    if (r->nparts + total_parts > UINT32_MAX || r->nrow_services + n * ns > UINT32_MAX) {
      rc = cs_error_set(err, CS_EOVERFLOW, "%s: too many rows", coop->name);
      goto fail;
    }
    y->first_row = r->nrows;
    const char *host_code = "", *host_name = "";
    char host_buf[ID_SIZE] = "";
    if (coop->has_host) {
      if (coop->host_party) {
        const cs_member *hp = party_of(coop, coop->host);
        copy_text(host_buf, sizeof host_buf, coop->host);
        host_code = host_buf;
        host_name = hp ? hp->party_name : coop->host;
      } else {
        if ((rc = follow_of_year(coop, reg, coop->host, "host", from, year, &hcache, err))) goto fail;
        host_code = hcache.code;
        host_name = hcache.name ? hcache.name : hcache.code;
        const cs_vmerger *host_vm = vmerger_of(coop, host_code, cs_date_jan1(year));
        if (host_vm) {
          host_code = host_vm->code;
          host_name = host_vm->name;
        }
      }
    }
    y->sum_shares = 0;
    const char *payee; /* every member but the host pays the payee, or the host */
    if (coop->has_payee_code) {
      if ((rc = follow_of_year(coop, reg, coop->payee_code, "payee", from, year, &pcache, err)))
        goto fail;
      STR(payee, pcache.name ? pcache.name : pcache.code);
    } else {
      STR(payee, coop->payee ? coop->payee : host_name);
    }
    size_t so = 0; /* the next settlement-only row */
    for (size_t i = 0; i <= n; i++) {
      /* settlement-only rows (SPEC 7.3) in order of code among the members' */
      for (; so < nso && (i == n || strcmp(carry.items[so_idx[so]].code, act[i].code) < 0); so++) {
        const cs_settle_item *it = &carry.items[so_idx[so]];
        cs_row *row = &r->rows[r->nrows++];
        memset(row, 0, sizeof *row);
        row->year = year;
        memcpy(row->code, it->code, sizeof row->code);
        STR(row->name, it->name ? it->name : it->code);
        STR(row->given, it->given ? it->given : "");
        row->merged = "";
        row->population = -1;
        row->pop_year = pop_year_of(coop, year);
        row->is_party = (unsigned char)it->party;
        row->part0 = (uint32_t)r->nparts;
        if (services) r->row_service0[r->nrows - 1] = r->row_service0[r->nrows] = (uint32_t)r->nrow_services;
        row->is_host = coop->has_host && strcmp(host_code, row->code) == 0;
        row->payee = row->is_host ? "" : payee;
        cs_row_money *mo = &r->money[r->nrows - 1];
        memset(mo, 0, sizeof *mo);
        mo->settlement_only = 1;
        mo->settlement = it->difference;
        if (!row->is_host && (rc = row_invoices(r, &sched, row, mo, NULL, 0, 0, cs_date_jan1(year),
                                                cs_date_jan1(year), 1, &inv_cap, &line_cap, err)))
          goto fail;
      }
      if (i == n) break;
      cs_row *row = &r->rows[r->nrows++];
      memset(row, 0, sizeof *row);
      row->year = year;
      memcpy(row->code, act[i].code, sizeof row->code);
      row_texts *t = &texts[act[i].first_member];
      if (!t->name || !act[i].name || t->name_src != act[i].name) {
        STR(t->name, act[i].name ? act[i].name : act[i].code);
        t->name_src = act[i].name;
      }
      if (!t->given) STR(t->given, act[i].given); /* the member as written: always the same */
      row->name = t->name;
      row->given = t->given;
      STR(row->merged, text_of(&act[i].merged));
      row->population = act[i].population;
      row->pop_year = pop_year_of(coop, year);
      row->pop_source = (unsigned char)act[i].pop_source;
      row->months = (unsigned char)act[i].months;
      row->charged_months = (unsigned char)act[i].charged_months;
      row->is_party = (unsigned char)act[i].party;
      row->part0 = (uint32_t)r->nparts;
      if (!services) {
        size_t np = sc[0].nparts;
        row->nparts = (uint32_t)np;
        memcpy(&r->parts[r->nparts], &sc[0].parts[i * np], np * sizeof *r->parts);
        r->nparts += np;
        row->cents = sc[0].total_cents[i];
        row->total = sc[0].rounded[i];
      } else {
        cs_q exact;
        cs_q_zero(&exact);
        r->row_service0[r->nrows - 1] = (uint32_t)r->nrow_services;
        for (size_t s = 0; s < ns; s++) {
          const share_scratch *k = &sc[s];
          size_t at_s = k->pos[i];
          if (at_s == SIZE_MAX) continue;
          cs_row_service *rs = &r->row_services[r->nrow_services++];
          rs->service = (uint32_t)s;
          rs->member = (uint32_t)at_s;
          rs->part0 = row->nparts;
          rs->nparts = (uint32_t)k->nparts;
          rs->cents = k->total_cents[at_s];
          rs->total = k->rounded[at_s];
          memcpy(&r->parts[r->nparts], &k->parts[at_s * k->nparts], k->nparts * sizeof *r->parts);
          r->nparts += k->nparts;
          row->nparts += (uint32_t)k->nparts;
          if (__builtin_add_overflow(row->total, rs->total, &row->total)) {
            rc = cs_error_set(err, CS_EOVERFLOW, "%s, %d: shares too large", coop->name, year);
            goto fail;
          }
          CHECK(cs_q_add(&exact, &exact, cs_key_year_total(k->ky, at_s)));
        }
        r->row_service0[r->nrows] = (uint32_t)r->nrow_services;
        CHECK(cs_q_cents(&exact, &row->cents, &whole));
      }
      if (__builtin_add_overflow(y->sum_shares, row->total, &y->sum_shares)) {
        rc = cs_error_set(err, CS_EOVERFLOW, "%s, %d: shares too large", coop->name, year);
        goto fail;
      }
      row->is_host = coop->has_host && strcmp(host_code, row->code) == 0;
      row->payee = row->is_host ? "" : payee;
      if (money) {
        cs_row_money *mo = &r->money[r->nrows - 1];
        memset(mo, 0, sizeof *mo);
        mo->member = (uint32_t)i;
        mo->has_difference = (unsigned char)year_accounts;
        mo->difference = mdiff[i];
        mo->settlement = msettle[i];
        size_t nsh = 0;
        if (services) {
          size_t nrs;
          const cs_row_service *rs = cs_row_services(r, row, &nrs);
          for (size_t k = 0; k < nrs; k++)
            shares[nsh++] = (cs_invoice_share){r->services[rs[k].service], rs[k].total};
        } else {
          shares[nsh++] = (cs_invoice_share){NULL, row->total};
        }
        if (!row->is_host &&
            (rc = row_invoices(r, &sched, row, mo, shares, nsh, 1, act[i].first_day, act[i].last_day,
                               coop->part_year == CS_PART_YEAR_FULL, &inv_cap, &line_cap, err)))
          goto fail;
      }
    }
    y->nrows = r->nrows - y->first_row;
    /* what the year leaves to settle in the next: every member's difference */
    cs_settle_clear(&carry);
    if (year_accounts) {
      carry.year = year;
      carry.budget_net = y->net;
      carry.actual_net = y->actual_net;
      for (size_t i = y->first_row; i < r->nrows; i++) {
        const cs_row *row = &r->rows[i];
        if (r->money[i].has_difference &&
            cs_settle_add(&carry, row->code, row->name, row->given, row->is_party, r->money[i].difference))
          NOMEM();
      }
    }
    /* the balance: the shares' sum less the net cost (grants paid the rest) */
    if (net_is_dec) {
      cs_dec sum_d, bal;
      cs_dec_from_i64(&sum_d, y->sum_shares);
      if (cs_dec_sub(&bal, &sum_d, &net_dec) || cs_dec_cents(&bal, &y->balance, &whole))
        net_is_dec = 0;
    }
    if (!net_is_dec) {
      cs_q sum_q;
      CHECK(cs_q_normalise(&net));
      cs_q_from_i64(&sum_q, y->sum_shares);
      CHECK(cs_q_sub(&balance, &sum_q, &net));
      CHECK(cs_q_cents(&balance, &y->balance, &whole));
    }
  }
  /* the options line: the interpretations used, and each table key's year */
  {
    char line[320], frozen[40] = "";
    if (coop->has_freeze) {
      char d[11];
      snprintf(frozen, sizeof frozen, " no_reform=%s", cs_date_format(coop->freeze, d));
    }
    snprintf(line, sizeof line,
             "rounding=largest_remainder population_date=%s exit_year=%s merger=%s split=%s%s",
             popdate_name(coop), coop->part_year == CS_PART_YEAR_FULL ? "full" : "months",
             coop->merger == CS_MERGER_WHOLE ? "whole"
             : coop->merger == CS_MERGER_MEMBER_PART ? "member_part" : "error",
             coop->split == CS_SPLIT_ERROR ? "error" : "successors", frozen);
    if (text_add(&options, line)) NOMEM();
    int settles = 0;
    for (size_t i = 0; i < coop->naccounts; i++)
      settles |= coop->accounts[i].year >= from - (prior ? 1 : 0) && coop->accounts[i].year <= to;
    if (options_money(&options, coop, settles)) NOMEM();
    for (size_t u = 0; u < nused; u++)
      if (options_tables(&options, used[u], services ? coop->services[used_svc[u]].name : ""))
        NOMEM();
    STR(r->options, text_of(&options));
  }
  /* give back what the doubling of the arrays left unused */
  if (r->nrows) {
    cs_row *rows = realloc(r->rows, r->nrows * sizeof *rows);
    if (rows) r->rows = rows;
  }
  if (r->nparts) {
    cs_part *parts = realloc(r->parts, r->nparts * sizeof *parts);
    if (parts) r->parts = parts;
  }
  if (r->money && r->nrows) {
    cs_row_money *m = realloc(r->money, r->nrows * sizeof *m);
    if (m) r->money = m;
  }
  if (carry_out) {
    *carry_out = carry;
    memset(&carry, 0, sizeof carry);
  }
  *out = r;
  r = NULL;
fail:
  if (asc)
    for (size_t s = 0; s < ns; s++) scratch_free(&asc[s]);
  free(asc);
  free(mdiff);
  free(msettle);
  free(mcodes);
  free(so_idx);
  free(shares);
  cs_settle_free(&carry);
  cs_result_free(prior);
  free(amounts);
  free(state);
  free(sv);
  for (size_t s = 0; sc && s < ns; s++) scratch_free(&sc[s]);
  free(sc);
  free(used);
  free(used_svc);
  members_state_free(&ms);
  free(gcache);
  free(texts);
  free(year_share);
  free(options.s);
  free(kt.s), free(lt.s), free(st.s), free(at.s), free(kn.s);
  dec_consts_free(&dc);
  cs_result_free(r);
  return rc;
}
