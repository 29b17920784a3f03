/*
** key.c: cost-sharing keys built from direct and pool components, mixed,
** capped, named and described (key.h). Applying a key for a year is
** key_apply.c; its explanations key_explain.c.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "key_internal.h"

/* The longest code a key names: a municipality code or a party id. */
#define CODE_MAX 16

cs_key *cs_key_new(void) { return calloc(1, sizeof(cs_key)); }

static void component_free(cs_key_component *c) {
  for (size_t i = 0; i < c->nentries; i++) free(c->entries[i].code);
  free(c->entries);
  free(c->percent);
  free(c->name);
  cs_table_free(c->table);
  free(c->bands);
}

static void entries_free(cs_key_entry *e, size_t n) {
  for (size_t i = 0; i < n; i++) free(e[i].code);
  free(e);
}

static void limits_free(cs_key_limits *l) {
  if (!l) return;
  entries_free(l->max_for, l->nmax_for);
  entries_free(l->min_for, l->nmin_for);
  free(l);
}

void cs_key_free(cs_key *k) {
  if (!k) return;
  for (size_t i = 0; i < k->ncomps; i++) component_free(&k->comps[i]);
  free(k->comps);
  limits_free(k->limits);
  free(k->desc[0]);
  free(k->desc[1]);
  free(k->label);
  free(k->source);
  free(k->assumption);
  free(k);
}

int cs_key_set_notes(cs_key *k, const char *label, const char *source, const char *assumption) {
  free(k->label);
  free(k->source);
  free(k->assumption);
  k->label = cs_key_strdup(label);
  k->source = cs_key_strdup(source);
  k->assumption = cs_key_strdup(assumption);
  if ((label && !k->label) || (source && !k->source) || (assumption && !k->assumption))
    return CS_ENOMEM;
  return CS_OK;
}

const char *cs_key_label(const cs_key *k) { return k->label; }
const char *cs_key_source(const cs_key *k) { return k->source; }
const char *cs_key_assumption(const cs_key *k) { return k->assumption; }

int cs_key_is_pool(cs_component_kind kind) {
  switch (kind) {
  case CS_POOL_EQUAL:
  case CS_POOL_POPULATION:
  case CS_POOL_WEIGHTS:
  case CS_POOL_CUSTOM:
  case CS_POOL_BY: return 1;
  default: return 0;
  }
}

const char *cs_key_kind_name(cs_component_kind kind) {
  switch (kind) {
  case CS_DIRECT_BASE: return "base";
  case CS_DIRECT_RATE: return "rate";
  case CS_DIRECT_FIXED: return "fixed";
  case CS_POOL_EQUAL: return "equal";
  case CS_POOL_POPULATION: return "population";
  case CS_POOL_WEIGHTS: return "weights";
  case CS_POOL_CUSTOM: return "custom";
  case CS_POOL_BY: return "by";
  case CS_DIRECT_BAND: return "band";
  case CS_PART_CAP: return "cap";
  }
  return "?";
}

const cs_key_entry *cs_key_find_entry(const cs_key_entry *e, size_t n, const char *code) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(e[i].code, code) == 0) return &e[i];
  return NULL;
}

/* ---- names and descriptions ------------------------------------------- */

/* Each component's part name: its kind's ("by:COLUMN" for a table), with
** #2, #3, ... when the name was used before within the key. */
static int name_parts(cs_key *k) {
  for (size_t i = 0; i < k->ncomps; i++) {
    cs_key_component *c = &k->comps[i];
    cs_sb b = {0};
    if (c->kind == CS_POOL_BY) cs_sb_printf(&b, "by:%s", cs_table_column_name(c->table, c->column));
    else cs_sb_add(&b, cs_key_kind_name(c->kind));
    char *base = cs_sb_take(&b, NULL);
    if (!base) return CS_ENOMEM;
    size_t seen = 1;
    for (size_t j = 0; j < i; j++) {
      const cs_key_component *d = &k->comps[j];
      int same = d->kind == c->kind &&
                 (c->kind != CS_POOL_BY ||
                  strcmp(cs_table_column_name(d->table, d->column),
                         cs_table_column_name(c->table, c->column)) == 0);
      if (same) seen++;
    }
    if (seen > 1) cs_sb_printf(&b, "%s#%zu", base, seen);
    else cs_sb_add(&b, base);
    free(base);
    char *name = cs_sb_take(&b, NULL);
    if (!name) return CS_ENOMEM;
    free(c->name);
    c->name = name;
  }
  return CS_OK;
}

static const char *by_year_text(cs_table_year which, cs_report_lang lang) {
  switch (which) {
  case CS_TABLE_YEAR_BUDGET: return lang == CS_LANG_NB ? " (budsjettåret)" : " (budget year)";
  case CS_TABLE_YEAR_PREVIOUS: return lang == CS_LANG_NB ? " (året før)" : " (previous year)";
  default: return "";
  }
}

static void add_exact(cs_sb *b, const cs_q *v, cs_report_lang lang) {
  char *t = cs_key_exact(v);
  if (!t) {
    b->oom = 1;
    return;
  }
  cs_key_sb_number(b, t, lang);
  free(t);
}

/* One component as the description writes it. */
static void describe_component(cs_sb *b, const cs_key *k, size_t i, cs_report_lang lang) {
  const cs_key_component *c = &k->comps[i];
  int nb = lang == CS_LANG_NB;
  switch (c->kind) {
  case CS_DIRECT_BASE: {
    char *t = cs_key_money(&c->amount, 0);
    cs_sb_printf(b, nb ? "grunnbeløp %s per medlem" : "base %s per member", t ? t : "?");
    free(t);
    return;
  }
  case CS_DIRECT_RATE: {
    char num[2048]; /* any cs_q as decimal text (big.h: 1300 digits) */
    if (cs_q_format_exact(&c->amount, num, sizeof num)) snprintf(num, sizeof num, "?");
    cs_key_sb_number(b, num, lang);
    cs_sb_add(b, nb ? " per innbygger" : " per inhabitant");
    return;
  }
  case CS_DIRECT_FIXED: cs_sb_add(b, nb ? "faste beløp" : "fixed amounts"); return;
  case CS_DIRECT_BAND:
    cs_sb_add(b, nb ? "etter innbyggerbånd: " : "by population band: ");
    for (size_t j = 0; j < c->nbands; j++) {
      if (j) cs_sb_add(b, "; ");
      cs_key_band_range(b, c->bands, c->nbands, j, 0, lang);
      cs_sb_add(b, ": ");
      add_exact(b, &c->bands[j].amount, lang);
      if (c->bands[j].has_rate) {
        cs_sb_add(b, " + ");
        add_exact(b, &c->bands[j].rate, lang);
        cs_sb_add(b, nb ? " per innbygger" : " per inhabitant");
      }
    }
    return;
  default: break;
  }
  const char *what;
  switch (c->kind) {
  case CS_POOL_EQUAL: what = nb ? "likt" : "equal"; break;
  case CS_POOL_POPULATION: what = nb ? "etter innbyggertall" : "by population"; break;
  case CS_POOL_WEIGHTS: what = nb ? "etter vekt" : "by weights"; break;
  case CS_POOL_CUSTOM: what = nb ? "etter egen regel" : "by custom weights"; break;
  default: what = NULL;
  }
  if (i > 0 && k->ncomps > 1 && !cs_key_is_pool(k->comps[i - 1].kind)) {
    /* the rest after base or fixed amounts */
    cs_sb_add(b, nb ? "resten " : "rest by ");
    if (c->kind == CS_POOL_BY)
      cs_sb_printf(b, nb ? "etter %s i %s%s" : "%s in %s%s",
                   cs_table_column_name(c->table, c->column), cs_table_file(c->table),
                   by_year_text(c->which, lang));
    else if (nb)
      cs_sb_add(b, what);
    else
      cs_sb_add(b, c->kind == CS_POOL_POPULATION ? "population" : cs_key_kind_name(c->kind));
    return;
  }
  cs_key_sb_number(b, c->percent, lang);
  if (c->kind == CS_POOL_BY)
    cs_sb_printf(b, nb ? " %% etter %s i %s%s" : " %% by %s in %s%s",
                 cs_table_column_name(c->table, c->column), cs_table_file(c->table),
                 by_year_text(c->which, lang));
  else
    cs_sb_printf(b, " %% %s", what);
}

static void describe_limits(cs_sb *b, const cs_key_limits *l, cs_report_lang lang) {
  int nb = lang == CS_LANG_NB, first = 1;
  cs_sb_add(b, nb ? ", med tak: " : ", capped: ");
  const char *words[2] = {nb ? "maksimum" : "maximum", nb ? "minimum" : "minimum"};
  for (int m = 0; m < 2; m++) {
    int has = m == 0 ? l->has_max : l->has_min;
    const cs_q *all = m == 0 ? &l->max : &l->min;
    const cs_key_entry *e = m == 0 ? l->max_for : l->min_for;
    size_t n = m == 0 ? l->nmax_for : l->nmin_for;
    if (has) {
      cs_sb_printf(b, "%s%s ", first ? "" : ", ", words[m]);
      add_exact(b, all, lang);
      first = 0;
    }
    for (size_t i = 0; i < n; i++) {
      cs_sb_printf(b, "%s%s %s ", first ? "" : ", ", e[i].code, words[m]);
      add_exact(b, &e[i].value, lang);
      first = 0;
    }
  }
}

static int describe(cs_key *k) {
  for (int lang = 0; lang < 2; lang++) {
    cs_sb b = {0};
    for (size_t i = 0; i < k->ncomps; i++) {
      if (i) cs_sb_add(&b, " + ");
      describe_component(&b, k, i, (cs_report_lang)lang);
    }
    if (k->limits) describe_limits(&b, k->limits, (cs_report_lang)lang);
    char *d = cs_sb_take(&b, NULL);
    if (!d) return CS_ENOMEM;
    free(k->desc[lang]);
    k->desc[lang] = d;
  }
  return CS_OK;
}

/* The names and descriptions after a change. */
static int renew_texts(cs_key *k, cs_error *err) {
  if (name_parts(k) || describe(k)) return cs_error_set(err, CS_ENOMEM, "out of memory");
  return CS_OK;
}

const char *cs_key_describe(const cs_key *k) { return k->desc[0] ? k->desc[0] : ""; }

const char *cs_key_describe_lang(const cs_key *k, cs_report_lang lang) {
  const char *d = k->desc[lang == CS_LANG_NB ? 1 : 0];
  return d ? d : "";
}

size_t cs_key_nparts(const cs_key *k) { return k->ncomps + (k->limits ? 1 : 0); }

const char *cs_key_part_name(const cs_key *k, size_t p) {
  if (p < k->ncomps) return k->comps[p].name ? k->comps[p].name : "";
  if (p == k->ncomps && k->limits) return "cap";
  return "";
}

cs_component_kind cs_key_part_kind(const cs_key *k, size_t p) {
  if (p < k->ncomps) return k->comps[p].kind;
  if (p == k->ncomps && k->limits) return CS_PART_CAP;
  return CS_POOL_EQUAL;
}

const cs_table *cs_key_part_table(const cs_key *k, size_t p, cs_table_year *which) {
  if (p >= k->ncomps || k->comps[p].kind != CS_POOL_BY) return NULL;
  if (which) *which = k->comps[p].which;
  return k->comps[p].table;
}

int cs_key_is_capped(const cs_key *k) { return k->limits != NULL; }

const char *cs_key_pool_percent(const cs_key *k, size_t p, int *whole) {
  cs_q one;
  cs_q_from_i64(&one, 1);
  if (p >= k->ncomps || !k->comps[p].percent) {
    *whole = 0;
    return "";
  }
  *whole = cs_q_cmp(&k->comps[p].amount, &one) == 0;
  return k->comps[p].percent;
}

/* ---- building ----------------------------------------------------------- */

/* Appends c to the key, which takes what c holds, also on failure. */
static int append(cs_key *k, cs_key_component *c, cs_error *err) {
  cs_key_component *nc = realloc(k->comps, (k->ncomps + 1) * sizeof *nc);
  if (!nc) {
    component_free(c);
    return cs_error_set(err, CS_ENOMEM, "out of memory");
  }
  k->comps = nc;
  k->comps[k->ncomps++] = *c;
  return renew_texts(k, err);
}

static int check_code(const char *code, const char *what, cs_error *err) {
  size_t n = code ? strlen(code) : 0;
  if (n == 0 || n > CODE_MAX)
    return cs_error_set(err, CS_EINVAL, "%s for \"%s\": a member is a code or an id of 1-%d characters",
                        what, code ? code : "", CODE_MAX);
  return CS_OK;
}

static void value_text(const cs_q *v, char *buf, size_t size) {
  if (cs_q_format_exact(v, buf, size)) snprintf(buf, size, "(too large)");
}

/* Copies n (code, value) pairs: codes checked and each once, values >= 0
** (and not 0 unless allow_zero). */
static int copy_entries(cs_key_entry **out, const char *const *codes, const cs_q *values,
                        size_t n, int allow_zero, const char *what, cs_error *err) {
  cs_key_entry *e = calloc(n ? n : 1, sizeof *e);
  if (!e) return cs_error_set(err, CS_ENOMEM, "out of memory");
  int rc = CS_OK;
  size_t i = 0;
  for (; i < n; i++) {
    if ((rc = check_code(codes[i], what, err))) break;
    if (cs_q_sign(&values[i]) < 0 || (!allow_zero && cs_q_is_zero(&values[i]))) {
      char v[64];
      value_text(&values[i], v, sizeof v);
      rc = cs_error_set(err, CS_EINVAL, "%s for %s must not be negative (got %s)", what, codes[i], v);
      break;
    }
    if (cs_key_find_entry(e, i, codes[i])) {
      rc = cs_error_set(err, CS_EINVAL, "%s given twice for %s", what, codes[i]);
      break;
    }
    if (!(e[i].code = cs_key_strdup(codes[i]))) {
      rc = cs_error_set(err, CS_ENOMEM, "out of memory");
      break;
    }
    cs_q_copy(&e[i].value, &values[i]);
  }
  if (rc) {
    entries_free(e, i);
    return rc;
  }
  *out = e;
  return CS_OK;
}

static int set_percent(cs_key_component *c, cs_error *err) {
  cs_q p;
  char buf[80];
  if (cs_q_mul_i64(&p, &c->amount, 100) || cs_q_format_exact(&p, buf, sizeof buf))
    snprintf(buf, sizeof buf, "?");
  free(c->percent);
  if (!(c->percent = cs_key_strdup(buf))) return cs_error_set(err, CS_ENOMEM, "out of memory");
  return CS_OK;
}

int cs_key_add_direct(cs_key *k, cs_component_kind kind, const cs_q *amount,
                      const char *const *codes, const cs_q *amounts, size_t n, cs_error *err) {
  cs_key_component c;
  memset(&c, 0, sizeof c);
  c.kind = kind;
  if (kind == CS_DIRECT_FIXED) {
    int rc = copy_entries(&c.entries, codes, amounts, n, 1, "fixed amount", err);
    if (rc) return rc;
    c.nentries = n;
  } else if (kind == CS_DIRECT_BASE || kind == CS_DIRECT_RATE) {
    if (cs_q_sign(amount) < 0) {
      char v[64];
      value_text(amount, v, sizeof v);
      return cs_error_set(err, CS_EINVAL, "%s must not be negative (got %s)",
                          kind == CS_DIRECT_BASE ? "base" : "rate", v);
    }
    cs_q_copy(&c.amount, amount);
  } else {
    return cs_error_set(err, CS_EINVAL, "not a direct component (bands: cs_key_add_bands)");
  }
  return append(k, &c, err);
}

/* A pool's fraction: 0 <= f <= 1. */
static int check_fraction(const cs_q *f, const char *what, cs_error *err) {
  cs_q one;
  cs_q_from_i64(&one, 1);
  if (cs_q_sign(f) < 0 || cs_q_cmp(f, &one) > 0) {
    char v[64];
    value_text(f, v, sizeof v);
    return cs_error_set(err, CS_EINVAL, "share %s for %s must be between 0 and 1", v, what);
  }
  return CS_OK;
}

/* Appends pool c with its percent text; the key takes what c holds, also
** on failure. */
static int add_pool_component(cs_key *k, cs_key_component *c, cs_error *err) {
  int rc = set_percent(c, err);
  if (rc) {
    component_free(c);
    return rc;
  }
  return append(k, c, err);
}

int cs_key_add_pool(cs_key *k, cs_component_kind kind, const cs_q *fraction,
                    const char *const *codes, const cs_q *weights, size_t n,
                    cs_key_custom_fn fn, void *ud, cs_error *err) {
  cs_key_component c;
  memset(&c, 0, sizeof c);
  if (!cs_key_is_pool(kind)) return cs_error_set(err, CS_EINVAL, "not a pool component");
  if (kind == CS_POOL_BY) return cs_error_set(err, CS_EINVAL, "a pool by a table: cs_key_add_by");
  int rc = check_fraction(fraction, cs_key_kind_name(kind), err);
  if (rc) return rc;
  if (kind == CS_POOL_CUSTOM && !fn) return cs_error_set(err, CS_EINVAL, "custom key without a function");
  c.kind = kind;
  cs_q_copy(&c.amount, fraction);
  if (kind == CS_POOL_WEIGHTS) {
    if ((rc = copy_entries(&c.entries, codes, weights, n, 1, "weight", err))) return rc;
    c.nentries = n;
  }
  if (kind == CS_POOL_CUSTOM) {
    c.fn = fn;
    c.ud = ud;
  }
  return add_pool_component(k, &c, err);
}

int cs_key_add_by(cs_key *k, const cs_q *fraction, cs_table *table, const char *column,
                  cs_table_year which, cs_error *err) {
  if (!table || !column) return cs_error_set(err, CS_EINVAL, "a key by a table needs a table and a column");
  cs_key_component c;
  memset(&c, 0, sizeof c);
  int rc = check_fraction(fraction, column, err);
  if (!rc) rc = cs_table_column(table, column, &c.column, err);
  if (!rc) rc = cs_table_check_year(table, which, err);
  if (rc) return rc;
  c.kind = CS_POOL_BY;
  cs_q_copy(&c.amount, fraction);
  c.table = cs_table_retain(table);
  c.which = which;
  return add_pool_component(k, &c, err);
}

int cs_key_add_bands(cs_key *k, const cs_band *bands, size_t n, cs_error *err) {
  int rc = cs_bands_check(bands, n, err);
  if (rc) return rc;
  cs_key_component c;
  memset(&c, 0, sizeof c);
  c.kind = CS_DIRECT_BAND;
  if (!(c.bands = malloc(n * sizeof *c.bands))) return cs_error_set(err, CS_ENOMEM, "out of memory");
  for (size_t i = 0; i < n; i++) c.bands[i] = bands[i];
  c.nbands = n;
  return append(k, &c, err);
}

/* A copy of pool component c with its fraction times f. */
static int copy_pool(cs_key_component *out, const cs_key_component *c, const cs_q *f,
                     cs_error *err) {
  memset(out, 0, sizeof *out);
  out->kind = c->kind;
  if (cs_q_mul(&out->amount, &c->amount, f))
    return cs_error_set(err, CS_EOVERFLOW, "a part's share is too large for exact arithmetic");
  out->fn = c->fn;
  out->ud = c->ud;
  out->column = c->column;
  out->which = c->which;
  if (c->table) out->table = cs_table_retain(c->table);
  if (c->nentries) {
    if (!(out->entries = calloc(c->nentries, sizeof *out->entries))) {
      component_free(out);
      return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < c->nentries; i++, out->nentries++) {
      if (!(out->entries[i].code = cs_key_strdup(c->entries[i].code))) {
        component_free(out);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
      }
      cs_q_copy(&out->entries[i].value, &c->entries[i].value);
    }
  }
  return CS_OK;
}

int cs_key_mix(cs_key **out, const cs_q *fractions, const cs_key *const *parts, size_t n,
               cs_error *err) {
  *out = NULL;
  if (n == 0) return cs_error_set(err, CS_EINVAL, "a mix needs at least one part");
  cs_q sum, one;
  cs_q_zero(&sum);
  cs_q_from_i64(&one, 1);
  char v[80];
  for (size_t i = 0; i < n; i++) {
    char what[32];
    snprintf(what, sizeof what, "part %zu of the mix", i + 1);
    int rc = check_fraction(&fractions[i], what, err);
    if (rc) return rc;
    if (cs_q_add(&sum, &sum, &fractions[i]))
      return cs_error_set(err, CS_EOVERFLOW, "the mix's shares are too large for exact arithmetic");
    const cs_key *p = parts[i];
    if (!p || p->ncomps == 0) return cs_error_set(err, CS_EINVAL, "part %zu of the mix has no key", i + 1);
    if (p->limits)
      return cs_error_set(err, CS_EINVAL,
                          "part %zu of the mix (%s) is capped: cap the mix instead (a capped key "
                          "cannot be a part)", i + 1, cs_key_describe(p));
    int pools = 0, direct = 0;
    for (size_t j = 0; j < p->ncomps; j++) {
      if (cs_key_is_pool(p->comps[j].kind)) pools++;
      else direct++;
    }
    if (!pools)
      return cs_error_set(err, CS_EINVAL,
                          "part %zu of the mix (%s) is a fee key: a mix shares the net cost by "
                          "covering keys (equal, population, weights, custom, by, split, mix)",
                          i + 1, cs_key_describe(p));
    if (direct)
      return cs_error_set(err, CS_EINVAL,
                          "part %zu of the mix (%s) has base or fixed amounts: a part shares its "
                          "fraction of the net cost as a whole (equal, population, weights, "
                          "custom, by, split, mix)", i + 1, cs_key_describe(p));
  }
  if (cs_q_cmp(&sum, &one) != 0) {
    value_text(&sum, v, sizeof v);
    return cs_error_set(err, CS_EINVAL, "the parts of the mix sum to %s, not 1", v);
  }
  cs_key *k = cs_key_new();
  if (!k) return cs_error_set(err, CS_ENOMEM, "out of memory");
  int rc = CS_OK;
  for (size_t i = 0; i < n && !rc; i++)
    for (size_t j = 0; j < parts[i]->ncomps && !rc; j++) {
      cs_key_component c;
      if ((rc = copy_pool(&c, &parts[i]->comps[j], &fractions[i], err))) break;
      rc = add_pool_component(k, &c, err);
    }
  if (rc) {
    cs_key_free(k);
    return rc;
  }
  *out = k;
  return CS_OK;
}

/* A limit: whole kroner >= 0 that fit in 64 bits. */
static int check_limit(const cs_q *v, const char *what, const char *code, cs_error *err) {
  int64_t whole;
  char t[80];
  value_text(v, t, sizeof t);
  if (cs_q_sign(v) < 0 || !cs_q_is_integer(v) || cs_q_round_i64(v, &whole))
    return cs_error_set(err, CS_EINVAL, "%s%s%s %s is not a whole number of kroner >= 0", what,
                        code ? " for " : "", code ? code : "", t);
  return CS_OK;
}

int cs_key_set_limits(cs_key *k, const cs_q *max, const cs_q *min, const char *const *max_codes,
                      const cs_q *max_values, size_t nmax, const char *const *min_codes,
                      const cs_q *min_values, size_t nmin, cs_error *err) {
  if (k->ncomps == 0) return cs_error_set(err, CS_EINVAL, "a key without components cannot be capped");
  if (k->limits) return cs_error_set(err, CS_EINVAL, "the key is capped already (cap it once)");
  if (!max && !min && !nmax && !nmin)
    return cs_error_set(err, CS_EINVAL, "capped without limits: give max, min, max_for or min_for");
  int rc;
  if ((max && (rc = check_limit(max, "max", NULL, err))) ||
      (min && (rc = check_limit(min, "min", NULL, err))))
    return rc;
  for (size_t i = 0; i < nmax; i++)
    if ((rc = check_limit(&max_values[i], "max_for", max_codes[i], err))) return rc;
  for (size_t i = 0; i < nmin; i++)
    if ((rc = check_limit(&min_values[i], "min_for", min_codes[i], err))) return rc;
  cs_key_limits *l = calloc(1, sizeof *l);
  if (!l) return cs_error_set(err, CS_ENOMEM, "out of memory");
  if (max) l->has_max = 1, cs_q_copy(&l->max, max);
  if (min) l->has_min = 1, cs_q_copy(&l->min, min);
  if ((rc = copy_entries(&l->max_for, max_codes, max_values, nmax, 1, "max_for", err))) {
    free(l);
    return rc;
  }
  l->nmax_for = nmax;
  if ((rc = copy_entries(&l->min_for, min_codes, min_values, nmin, 1, "min_for", err))) {
    limits_free(l);
    return rc;
  }
  l->nmin_for = nmin;
  /* each member's minimum at most its maximum: the members named, and the rest */
  for (size_t m = 0; m <= nmax + nmin; m++) {
    const char *code = m < nmax ? max_codes[m] : m < nmax + nmin ? min_codes[m - nmax] : NULL;
    const cs_key_entry *emax = code ? cs_key_find_entry(l->max_for, nmax, code) : NULL;
    const cs_key_entry *emin = code ? cs_key_find_entry(l->min_for, nmin, code) : NULL;
    const cs_q *hi = emax ? &emax->value : l->has_max ? &l->max : NULL;
    const cs_q *lo = emin ? &emin->value : l->has_min ? &l->min : NULL;
    if (hi && lo && cs_q_cmp(lo, hi) > 0) {
      char a[80], b[80];
      value_text(lo, a, sizeof a);
      value_text(hi, b, sizeof b);
      limits_free(l);
      return cs_error_set(err, CS_EINVAL, "the minimum %s is above the maximum %s%s%s", a, b,
                          code ? " for " : "", code ? code : "");
    }
  }
  k->limits = l;
  return renew_texts(k, err);
}

int cs_key_validate(const cs_key *k, cs_error *err) {
  cs_q sum;
  cs_q_zero(&sum);
  int pools = 0;
  if (k->ncomps == 0) return cs_error_set(err, CS_EINVAL, "the key has no components");
  for (size_t i = 0; i < k->ncomps; i++)
    if (cs_key_is_pool(k->comps[i].kind)) {
      pools++;
      if (cs_q_add(&sum, &sum, &k->comps[i].amount))
        return cs_error_set(err, CS_EOVERFLOW, "overflow adding key shares");
    }
  cs_q one;
  cs_q_from_i64(&one, 1);
  if (pools && cs_q_cmp(&sum, &one) != 0) {
    char v[80];
    value_text(&sum, v, sizeof v);
    return cs_error_set(err, CS_EINVAL, "key shares sum to %s, not 1", v);
  }
  return CS_OK;
}

int cs_key_covers(const cs_key *k) {
  for (size_t i = 0; i < k->ncomps; i++)
    if (cs_key_is_pool(k->comps[i].kind)) return 1;
  return 0;
}
