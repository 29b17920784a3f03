/*
** doc_build.c: the result document from the C core's results (doc_build.h).
**
** The fields are those the JSON writer and every report read: amounts as
** text with two decimals, whole kroner as integers, the part explanations
** written from the year's notes (cs_explain_part).
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "coopsim/doc_build.h"
#include "coopsim/explain.h"

/* Part explanations are one line of arithmetic; a longer one is an error,
** never a cut text. */
#define EXPLAIN_MAX 4096

/* Everything of the runs goes into the document's arena, each text once
** (doc.h): a name in ten thousand rows is one copy. When streaming to a
** worker's records (cs_doc_stream) the texts the results hold are used as
** they are (borrow: they live as long as the results), and the texts and
** arrays of a run are made in the memory of the run before (the writer keeps
** its own copy of each text it numbers). */
typedef struct builder {
  cs_error *err;
  int failed;
  cs_doc_arena *texts;  /* texts made here, interned */
  cs_doc_arena *arrays; /* rows, parts, years ... */
  int borrow;           /* 1: the results' own texts are used as they are, and the
                        ** texts made here are not interned (the writer keeps each
                        ** text once) */
  int explain;          /* 1: part explanations wanted */
  /* the dates last made into text for the rows (a year's rows share their
  ** population date and due date): the text used again instead of formatted
  ** and copied anew for each row; NULL: none (forgotten with the arena) */
  cs_date pop_date, due_date;
  char *pop_text, *due_text;
  /* the row whose part p was explained last (of result memo_result) and its
  ** text, p < MEMO_PARTS: used again for the same part of the next row when
  ** cs_explain_part_same says the text is the same (the members of an equal
  ** pool, a year); NULL: none (forgotten with the arena and at each run) */
  const cs_result *memo_result;
  const cs_row *memo_row[8];
  char *memo_text[8];
} builder;

#define MEMO_PARTS (sizeof ((builder *)0)->memo_row / sizeof *((builder *)0)->memo_row)

static void forget_explanations(builder *b) {
  b->memo_result = NULL;
  memset(b->memo_row, 0, sizeof b->memo_row);
  memset(b->memo_text, 0, sizeof b->memo_text);
}

static int no_memory(builder *b) {
  if (!b->failed) b->failed = cs_error_set(b->err, CS_ENOMEM, "out of memory making the result document");
  return b->failed;
}

/* A text made here (a date, an amount, an explanation). */
static char *dup_str(builder *b, const char *s) {
  if (b->failed) return NULL;
  size_t n = strlen(s);
  char *p;
  if (b->borrow) {
    if ((p = cs_doc_arena_alloc_raw(b->texts, n + 1))) memcpy(p, s, n + 1);
  } else {
    p = (char *)cs_doc_arena_intern(b->texts, s, n, NULL);
  }
  if (!p) no_memory(b);
  return p;
}

/* A text the results hold for as long as they live (a name, a key). */
static char *held(builder *b, const char *s) { return b->borrow ? (char *)s : dup_str(b, s); }

static void *array(builder *b, size_t n, size_t size) {
  if (b->failed || n == 0) return NULL;
  void *p = n > SIZE_MAX / size ? NULL : cs_doc_arena_alloc(b->arrays, n * size);
  if (!p) no_memory(b);
  return p;
}

/* Optional texts: NULL when empty. */
static char *held_opt(builder *b, const char *s) { return s && s[0] ? held(b, s) : NULL; }

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

/* A malloc'ed copy (the document's own texts are not in the arena). */
static char *copy(const char *s, int *failed) {
  if (!s) return NULL;
  size_t n = strlen(s) + 1;
  char *p = malloc(n);
  if (p) memcpy(p, s, n);
  else *failed = 1;
  return p;
}

cs_doc *cs_doc_new(const char *version, const char *scenario_file, int explain) {
  cs_doc *doc = calloc(1, sizeof *doc);
  if (!doc) return NULL;
  doc->no_explanations = !explain;
  int failed = !(doc->arena = cs_doc_arena_new(0));
  doc->coopsim_version = copy(version, &failed);
  doc->scenario_file = copy(scenario_file, &failed);
  if (failed) {
    cs_doc_free(doc);
    return NULL;
  }
  return doc;
}

/* The date d as text, "YYYY-MM-DD": the text made for *last (a date kept
** with it in *at) when d is that date again. */
static char *date_text(builder *b, cs_date d, cs_date *at, char **last) {
  if (*last && at->year == d.year && at->month == d.month && at->day == d.day) return *last;
  char buf[16];
  char *t = dup_str(b, cs_date_format(d, buf));
  *at = d;
  *last = t;
  return t;
}

static const char *const pop_sources[] = {"ssb", "predecessors", "proxy", "override"};

/* The money cycle of a row (SPEC 7.3), when its result has it: the year's
** difference, the settlement carried from the year before, the invoice
** (share + settlement) and, when the invoices have dates, the instalments
** with their lines (the row's due date is then the first one's). A
** settlement-only row has no population. */
static void fill_money(builder *b, const cs_result *r, const cs_row *row, cs_doc_row *out) {
  const cs_row_money *m = cs_row_money_of(r, row);
  if (!m || b->failed) return;
  char d[16];
  out->money = 1;
  out->settlement_only = m->settlement_only;
  out->has_difference = m->has_difference;
  out->difference = m->difference;
  out->settlement = m->settlement;
  out->invoice = row->total + m->settlement;
  if (m->settlement_only) out->population_date = out->population_source = NULL;
  size_t n;
  const cs_invoice *inv = cs_row_invoices(r, row, &n);
  if (!r->dated || n == 0 || !(out->invoices = array(b, n, sizeof *out->invoices))) return;
  out->ninvoices = n;
  for (size_t i = 0; i < n && !b->failed; i++) {
    cs_doc_invoice *o = &out->invoices[i];
    o->due = dup_str(b, cs_date_format(inv[i].due, d));
    o->amount = inv[i].amount;
    if (!(o->lines = array(b, inv[i].nlines, sizeof *o->lines))) continue;
    o->nlines = inv[i].nlines;
    for (size_t k = 0; k < inv[i].nlines; k++) {
      const cs_invoice_line *l = &r->invoice_lines[inv[i].first_line + k];
      cs_doc_invoice_line *ol = &o->lines[k];
      ol->kind = held(b, l->kind == CS_INVOICE_SETTLEMENT ? "settlement" : "share");
      ol->service = l->service ? held(b, l->service) : NULL;
      ol->instalment = l->instalment;
      ol->settles = l->settles;
      ol->amount = l->amount;
    }
  }
  if (!b->failed) out->due = out->invoices[0].due;
}

static void fill_row(builder *b, const cs_result *r, const cs_row *row, cs_doc_row *out) {
  char explain[EXPLAIN_MAX];
  const cs_year *y = cs_result_year(r, row->year);
  const cs_part *parts = cs_row_parts(r, row);
  out->year = row->year;
  size_t ncode = 0; /* row->code cut to the field, as snprintf "%s" would (without its cost for each row) */
  while (ncode < sizeof out->code - 1 && row->code[ncode]) ncode++;
  memcpy(out->code, row->code, ncode);
  out->code[ncode] = '\0';
  out->name = held(b, row->name);
  out->given = held(b, row->given);
  out->merged = held_opt(b, row->merged);
  out->cooperation = held(b, r->name);
  out->population = row->population;
  out->population_date = date_text(b, (cs_date){row->pop_year, 1, 1}, &b->pop_date, &b->pop_text);
  out->population_source =
      held(b, row->pop_source < sizeof pop_sources / sizeof *pop_sources ? pop_sources[row->pop_source] : "ssb");
  out->months = row->months;
  out->charged_months = row->charged_months;
  out->host = row->is_host;
  out->payee = held_opt(b, row->payee);
  if (y && y->has_due) out->due = date_text(b, y->due, &b->due_date, &b->due_text);
  out->total = row->total;
  out->exact = cents_text(b, row->cents, "a share");
  size_t ns = 0;
  const cs_row_service *rs = cs_row_services(r, row, &ns);
  if (ns > 0 && (out->services = array(b, ns, sizeof *out->services))) {
    out->nservices = ns;
    for (size_t k = 0; k < ns; k++) {
      out->services[k].name = held(b, rs[k].service < r->nservices ? r->services[rs[k].service] : "?");
      out->services[k].kroner = rs[k].total;
    }
  }
  if (b->failed || row->nparts == 0) return;
  if (!(out->parts = array(b, row->nparts, sizeof *out->parts))) return;
  out->nparts = row->nparts;
  for (size_t p = 0; p < row->nparts && !b->failed; p++) {
    cs_doc_part *part = &out->parts[p];
    part->name = held(b, cs_part_name(r, row, p));
    part->rounded = parts[p].rounded;
    part->exact = cents_text(b, parts[p].cents, "a part of a share");
    if (!b->explain) continue;
    if (p < MEMO_PARTS && b->memo_result == r && b->memo_row[p] && cs_explain_part_same(r, b->memo_row[p], p, row, p)) {
      part->explain = b->memo_text[p];
      b->memo_row[p] = row;
      continue;
    }
    cs_explain_part(r, row, p, explain, sizeof explain);
    if (strlen(explain) + 1 >= sizeof explain) {
      b->failed = cs_error_set(b->err, CS_EINVAL, "%s %d %s: the explanation of part %s is longer than %d bytes",
                               r->name, row->year, row->code, part->name ? part->name : "?", EXPLAIN_MAX);
      return;
    }
    part->explain = dup_str(b, explain);
    if (p < MEMO_PARTS && part->explain) {
      if (b->memo_result != r) forget_explanations(b);
      b->memo_result = r;
      b->memo_row[p] = row;
      b->memo_text[p] = part->explain;
    }
  }
}

/* fill_row, then the money cycle's fields. */
static void fill_row_money(builder *b, const cs_result *r, const cs_row *row, cs_doc_row *out) {
  fill_row(b, r, row, out);
  fill_money(b, r, row, out);
}

static cs_doc_amount *amounts(builder *b, const cs_line_amount *a, size_t n, size_t *nout) {
  *nout = 0;
  cs_doc_amount *out = array(b, n, sizeof *out);
  if (!out) return NULL;
  *nout = n;
  for (size_t i = 0; i < n; i++) {
    out[i].name = held(b, a[i].name);
    out[i].amount = cents_text(b, a[i].cents, "an amount");
  }
  return out;
}

static void fill_year(builder *b, const cs_result *r, const cs_year *y, cs_doc_year *out) {
  out->year = y->year;
  out->cooperation = held(b, r->name);
  out->members = (int)y->nmembers;
  out->cost = cents_text(b, y->cost, "a year's cost");
  out->grants = cents_text(b, y->granted, "a year's grants");
  out->net = cents_text(b, y->net, "a year's net cost");
  out->balance = cents_text(b, y->balance, "a year's balance");
  out->sum_shares = y->sum_shares;
  out->key = held(b, y->key);
  out->key_nb = held_opt(b, y->key_nb);
  out->key_label = held_opt(b, y->label);
  out->key_source = held_opt(b, y->source);
  out->key_assumption = held_opt(b, y->assumption);
  out->agreement_months = y->agreement_months;
  out->covers = y->covers;
  out->past_end = y->past_end;
  out->lines = amounts(b, y->lines, y->nlines, &out->nlines);
  out->grant_list = amounts(b, y->grants, y->ngrants, &out->ngrants);
  if (y->has_accounts) { /* the year's accounts (SPEC 7.3) */
    out->actual_cost = cents_text(b, y->actual_cost, "a year's actual cost");
    out->actual_grants = cents_text(b, y->actual_granted, "a year's actual grants");
    out->actual_net = cents_text(b, y->actual_net, "a year's actual net cost");
  }
  if (b->failed || y->nevents == 0) return;
  if (!(out->events = array(b, y->nevents, sizeof *out->events))) return;
  out->nevents = y->nevents;
  static const char *const kinds[] = {"notice", "gone", "merged", "split", "joins"};
  for (size_t i = 0; i < y->nevents; i++) {
    const cs_year_event *e = &y->events[i];
    cs_doc_event *d = &out->events[i];
    char date[16];
    d->kind = held(b, (size_t)e->kind < sizeof kinds / sizeof *kinds ? kinds[e->kind] : "?");
    d->code = held(b, e->code);
    d->name = held(b, e->name ? e->name : "");
    d->date = dup_str(b, cs_date_format(e->date, date));
    if (e->kind == CS_EVENT_NOTICE || e->kind == CS_EVENT_GONE) d->until = dup_str(b, cs_date_format(e->until, date));
    d->other_code = held_opt(b, e->other_code);
    d->other_name = e->other_code[0] ? held_opt(b, e->other_name) : NULL;
  }
}

/* Fills run (zeroed) with the rows and years of the results. */
static void build_run(builder *b, cs_doc_run *run, const char *scenario, int from, int to,
                      const cs_result *const *results, size_t nresults) {
  size_t nrows = 0, nyears = 0;
  for (size_t i = 0; i < nresults; i++) {
    nrows += results[i]->nrows;
    nyears += results[i]->nyears;
  }
  forget_explanations(b); /* a result may come again in a later run, its texts in an arena reset since */
  run->scenario = held(b, scenario);
  run->from = from;
  run->to = to;
  if (nresults > 0) run->options = held(b, results[0]->options);
  run->rows = array(b, nrows, sizeof *run->rows);
  run->years = array(b, nyears, sizeof *run->years);
  for (size_t i = 0; i < nresults && !b->failed; i++) {
    const cs_result *r = results[i];
    for (size_t k = 0; k < r->nrows && !b->failed; k++)
      fill_row_money(b, r, &r->rows[k], &run->rows[run->nrows++]);
  }
  for (size_t i = 0; i < nresults && !b->failed; i++) {
    const cs_result *r = results[i];
    for (size_t k = 0; k < r->nyears && !b->failed; k++)
      fill_year(b, r, &r->years[k], &run->years[run->nyears++]);
  }
}

int cs_doc_add_run(cs_doc *doc, const char *scenario, int from, int to,
                   const cs_result *const *results, size_t nresults, cs_error *err) {
  builder b = {.err = err, .texts = doc->arena, .arrays = doc->arena, .explain = !doc->no_explanations};
  if (!doc->arena) return cs_error_set(err, CS_EINVAL, "a document made by cs_doc_new is needed");
  cs_doc_run *runs = realloc(doc->runs, (doc->nruns + 1) * sizeof *runs);
  if (!runs) return cs_error_set(err, CS_ENOMEM, "out of memory making the result document");
  doc->runs = runs;
  cs_doc_run *run = &runs[doc->nruns];
  memset(run, 0, sizeof *run);
  build_run(&b, run, scenario, from, to, results, nresults);
  if (b.failed) {
    cs_doc_run_clear(doc, run);
    return b.failed;
  }
  doc->nruns++;
  return CS_OK;
}

int cs_doc_stream(cs_wire_out *w, const char *version, const char *scenario_file,
                  const cs_doc_results *runs, size_t nruns, int explain, cs_error *err) {
  cs_doc_arena *arena = cs_doc_arena_new(0); /* one run's texts and arrays */
  builder b = {.err = err, .texts = arena, .arrays = arena, .borrow = 1, .explain = explain};
  if (!arena) no_memory(&b);
  cs_wire_put_head(w, version, scenario_file);
  for (size_t i = 0; i < nruns && !b.failed; i++) {
    cs_doc_run run;
    memset(&run, 0, sizeof run);
    build_run(&b, &run, runs[i].scenario, runs[i].from, runs[i].to, runs[i].results, runs[i].nresults);
    if (!b.failed) cs_wire_put_run(w, &run);
    if (arena) cs_doc_arena_reset(arena); /* the next run in the same memory */
    b.pop_text = b.due_text = NULL;      /* made in it */
  }
  cs_wire_put_end(w, b.failed);
  cs_doc_arena_free(arena);
  return b.failed;
}
