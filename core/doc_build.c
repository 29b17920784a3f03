/*
** doc_build.c: the result document from the C core's results (doc_build.h).
**
** The fields are those the JSON writer and every report read: amounts as
** text with two decimals, whole kroner as integers, the part explanations
** written from the year's notes (cs_explain_part).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "coopsim/doc_build.h"
#include "coopsim/explain.h"

/* Part explanations are one line of arithmetic; a longer one is an error,
** never a cut text. */
#define EXPLAIN_MAX 4096

typedef struct builder {
  cs_error *err;
  int failed;
} builder;

static char *dup_str(builder *b, const char *s) {
  if (b->failed) return NULL;
  size_t n = strlen(s) + 1;
  char *p = malloc(n);
  if (!p) {
    b->failed = cs_error_set(b->err, CS_ENOMEM, "out of memory making the result document");
    return NULL;
  }
  memcpy(p, s, n);
  return p;
}

/* An optional text: NULL when empty. */
static char *dup_opt(builder *b, const char *s) { return s && s[0] ? dup_str(b, s) : NULL; }

/* Hundredths as "1234.50". */
static char *cents_text(builder *b, int64_t cents, const char *what) {
  char buf[64];
  if (b->failed) return NULL;
  if (cs_q_format_cents(cents, NULL, ".", buf, sizeof buf) != CS_OK) {
    b->failed = cs_error_set(b->err, CS_EINVAL, "%s is too large to write", what);
    return NULL;
  }
  return dup_str(b, buf);
}

cs_doc *cs_doc_new(const char *version, const char *scenario_file) {
  cs_doc *doc = calloc(1, sizeof *doc);
  if (!doc) return NULL;
  builder b = {NULL, 0};
  if (version) doc->coopsim_version = dup_str(&b, version);
  if (scenario_file) doc->scenario_file = dup_str(&b, scenario_file);
  if (b.failed) {
    cs_doc_free(doc);
    return NULL;
  }
  return doc;
}

static const char *const pop_sources[] = {"ssb", "predecessors", "proxy", "override"};

static void fill_row(builder *b, const cs_result *r, const cs_row *row, cs_doc_row *out) {
  char d[16], explain[EXPLAIN_MAX];
  const cs_year *y = cs_result_year(r, row->year);
  const cs_part *parts = cs_row_parts(r, row);
  out->year = row->year;
  snprintf(out->code, sizeof out->code, "%s", row->code);
  out->name = dup_str(b, row->name);
  out->given = dup_str(b, row->given);
  out->merged = dup_opt(b, row->merged);
  out->cooperation = dup_str(b, r->name);
  out->population = row->population;
  snprintf(d, sizeof d, "%04d-01-01", row->pop_year);
  out->population_date = dup_str(b, d);
  out->population_source =
      dup_str(b, row->pop_source < sizeof pop_sources / sizeof *pop_sources ? pop_sources[row->pop_source] : "ssb");
  out->months = row->months;
  out->charged_months = row->charged_months;
  out->host = row->is_host;
  out->payee = dup_opt(b, row->payee);
  if (y && y->has_due) out->due = dup_str(b, cs_date_format(y->due, d));
  out->total = row->total;
  out->exact = cents_text(b, row->cents, "a share");
  if (b->failed || row->nparts == 0) return;
  out->parts = calloc(row->nparts, sizeof *out->parts);
  if (!out->parts) {
    b->failed = cs_error_set(b->err, CS_ENOMEM, "out of memory making the result document");
    return;
  }
  out->nparts = row->nparts;
  for (size_t p = 0; p < row->nparts && !b->failed; p++) {
    cs_doc_part *part = &out->parts[p];
    part->name = dup_str(b, cs_part_name(r, row, p));
    part->rounded = parts[p].rounded;
    part->exact = cents_text(b, parts[p].cents, "a part of a share");
    cs_explain_part(r, row, p, explain, sizeof explain);
    if (strlen(explain) + 1 >= sizeof explain) {
      b->failed = cs_error_set(b->err, CS_EINVAL, "%s %d %s: the explanation of part %s is longer than %d bytes",
                               r->name, row->year, row->code, part->name ? part->name : "?", EXPLAIN_MAX);
      return;
    }
    part->explain = dup_str(b, explain);
  }
}

static cs_doc_amount *amounts(builder *b, const cs_line_amount *a, size_t n, size_t *nout) {
  *nout = 0;
  if (n == 0 || b->failed) return NULL;
  cs_doc_amount *out = calloc(n, sizeof *out);
  if (!out) {
    b->failed = cs_error_set(b->err, CS_ENOMEM, "out of memory making the result document");
    return NULL;
  }
  *nout = n;
  for (size_t i = 0; i < n; i++) {
    out[i].name = dup_str(b, a[i].name);
    out[i].amount = cents_text(b, a[i].cents, "an amount");
  }
  return out;
}

static void fill_year(builder *b, const cs_result *r, const cs_year *y, cs_doc_year *out) {
  out->year = y->year;
  out->cooperation = dup_str(b, r->name);
  out->members = (int)y->nmembers;
  out->cost = cents_text(b, y->cost, "a year's cost");
  out->grants = cents_text(b, y->granted, "a year's grants");
  out->net = cents_text(b, y->net, "a year's net cost");
  out->balance = cents_text(b, y->balance, "a year's balance");
  out->sum_shares = y->sum_shares;
  out->key = dup_str(b, y->key);
  out->key_label = dup_opt(b, y->label);
  out->key_source = dup_opt(b, y->source);
  out->key_assumption = dup_opt(b, y->assumption);
  out->agreement_months = y->agreement_months;
  out->covers = y->covers;
  out->past_end = y->past_end;
  out->lines = amounts(b, y->lines, y->nlines, &out->nlines);
  out->grant_list = amounts(b, y->grants, y->ngrants, &out->ngrants);
  if (b->failed || y->nevents == 0) return;
  if (!(out->events = calloc(y->nevents, sizeof *out->events))) {
    b->failed = cs_error_set(b->err, CS_ENOMEM, "out of memory making the result document");
    return;
  }
  out->nevents = y->nevents;
  static const char *const kinds[] = {"notice", "gone", "merged", "split", "joins"};
  for (size_t i = 0; i < y->nevents; i++) {
    const cs_year_event *e = &y->events[i];
    cs_doc_event *d = &out->events[i];
    char date[16];
    d->kind = dup_str(b, (size_t)e->kind < sizeof kinds / sizeof *kinds ? kinds[e->kind] : "?");
    d->code = dup_str(b, e->code);
    d->name = dup_str(b, e->name ? e->name : "");
    d->date = dup_str(b, cs_date_format(e->date, date));
    if (e->kind == CS_EVENT_NOTICE || e->kind == CS_EVENT_GONE) d->until = dup_str(b, cs_date_format(e->until, date));
    d->other_code = dup_opt(b, e->other_code);
    d->other_name = e->other_code[0] ? dup_opt(b, e->other_name) : NULL;
  }
}

int cs_doc_add_run(cs_doc *doc, const char *scenario, int from, int to,
                   const cs_result *const *results, size_t nresults, cs_error *err) {
  builder b = {err, 0};
  size_t nrows = 0, nyears = 0;
  for (size_t i = 0; i < nresults; i++) {
    nrows += results[i]->nrows;
    nyears += results[i]->nyears;
  }
  cs_doc_run *runs = realloc(doc->runs, (doc->nruns + 1) * sizeof *runs);
  if (!runs) return cs_error_set(err, CS_ENOMEM, "out of memory making the result document");
  doc->runs = runs;
  cs_doc_run *run = &runs[doc->nruns];
  memset(run, 0, sizeof *run);
  run->scenario = dup_str(&b, scenario);
  run->from = from;
  run->to = to;
  if (nresults > 0) run->options = dup_str(&b, results[0]->options);
  if (!b.failed && nrows && !(run->rows = calloc(nrows, sizeof *run->rows)))
    b.failed = cs_error_set(err, CS_ENOMEM, "out of memory making the result document");
  if (!b.failed && nyears && !(run->years = calloc(nyears, sizeof *run->years)))
    b.failed = cs_error_set(err, CS_ENOMEM, "out of memory making the result document");
  for (size_t i = 0; i < nresults && !b.failed; i++) {
    const cs_result *r = results[i];
    for (size_t k = 0; k < r->nrows && !b.failed; k++) fill_row(&b, r, &r->rows[k], &run->rows[run->nrows++]);
  }
  for (size_t i = 0; i < nresults && !b.failed; i++) {
    const cs_result *r = results[i];
    for (size_t k = 0; k < r->nyears && !b.failed; k++)
      fill_year(&b, r, &r->years[k], &run->years[run->nyears++]);
  }
  if (b.failed) {
    cs_doc_run_clear(run);
    return b.failed;
  }
  doc->nruns++;
  return CS_OK;
}
