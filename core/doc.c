/*
** doc.c: the result document (doc.h) read from its JSON text, with jansson
** (doc_json.c writes it).
**
** Parsing is strict because the text may come from a worker process that ran
** someone else's scenario file: every object's keys are checked against the
** fields doc.h knows, every value's type and range is checked, and a message
** names where the bad value is ("runs[1] \"Vefsn withdraws\", rows[3] 2024
** 1824, field \"total\": ...").
*/
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "coopsim/date.h"
#include "coopsim/doc.h"

#define KRONER_MAX 9007199254740992LL /* 2^53: the integers a double holds exactly */
#define YEAR_MIN 1838                 /* the first Norwegian municipal law */
#define YEAR_MAX 9999

/* ---- freeing -------------------------------------------------------------- */

static void free_amounts(cs_doc_amount *a, size_t n) {
  for (size_t i = 0; a && i < n; i++) {
    free(a[i].name);
    free(a[i].amount);
  }
  free(a);
}

static void free_row(cs_doc_row *r) {
  free(r->name);
  free(r->given);
  free(r->merged);
  free(r->cooperation);
  free(r->population_date);
  free(r->population_source);
  free(r->payee);
  free(r->due);
  free(r->exact);
  for (size_t i = 0; r->parts && i < r->nparts; i++) {
    free(r->parts[i].name);
    free(r->parts[i].exact);
    free(r->parts[i].explain);
  }
  free(r->parts);
  for (size_t i = 0; r->services && i < r->nservices; i++) free(r->services[i].name);
  free(r->services);
  for (size_t i = 0; r->invoices && i < r->ninvoices; i++) {
    cs_doc_invoice *inv = &r->invoices[i];
    free(inv->due);
    for (size_t k = 0; inv->lines && k < inv->nlines; k++) {
      free(inv->lines[k].kind);
      free(inv->lines[k].service);
    }
    free(inv->lines);
  }
  free(r->invoices);
}

static void free_year(cs_doc_year *y) {
  free(y->cooperation);
  free(y->cost);
  free(y->grants);
  free(y->net);
  free(y->balance);
  free(y->key);
  free(y->key_label);
  free(y->key_source);
  free(y->key_assumption);
  free(y->actual_cost);
  free(y->actual_grants);
  free(y->actual_net);
  free_amounts(y->lines, y->nlines);
  free_amounts(y->grant_list, y->ngrants);
  for (size_t i = 0; i < y->nevents; i++) {
    cs_doc_event *e = &y->events[i];
    free(e->kind), free(e->code), free(e->name), free(e->date), free(e->until);
    free(e->other_code), free(e->other_name);
  }
  free(y->events);
}

void cs_doc_run_clear(const cs_doc *doc, cs_doc_run *run) {
  if (doc->arena) { /* everything is in the arena */
    memset(run, 0, sizeof *run);
    return;
  }
  free(run->scenario);
  free(run->options);
  for (size_t j = 0; run->rows && j < run->nrows; j++) free_row(&run->rows[j]);
  free(run->rows);
  for (size_t j = 0; run->years && j < run->nyears; j++) free_year(&run->years[j]);
  free(run->years);
  memset(run, 0, sizeof *run);
}

void cs_doc_free(cs_doc *doc) {
  if (!doc) return;
  for (size_t i = 0; i < doc->nruns; i++) cs_doc_run_clear(doc, &doc->runs[i]);
  cs_doc_arena_free(doc->arena);
  free(doc->runs);
  free(doc->coopsim_version);
  free(doc->scenario_file);
  free(doc);
}

/* ---- parsing -------------------------------------------------------------- */

/* Where the parser is: "origin: runs[0] "Baseline", rows[3] 2023 1813". */
typedef struct pctx {
  cs_error *err;
  char where[512];
} pctx;

/* Appends to the location; returns the old length so the caller can cut back. */
static size_t push_where(pctx *c, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static size_t push_where(pctx *c, const char *fmt, ...) {
  size_t len = strlen(c->where);
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(c->where + len, sizeof c->where - len, fmt, ap);
  va_end(ap);
  return len;
}

static void pop_where(pctx *c, size_t len) { c->where[len] = '\0'; }

/* A JSON value as a message shows it: strings quoted and cut at 60 bytes. */
static const char *show(const json_t *v, char *buf, size_t size) {
  switch (json_typeof(v)) {
  case JSON_STRING: {
    const char *s = json_string_value(v);
    size_t n = strlen(s);
    snprintf(buf, size, "\"%.*s%s\"", n > 60 ? 60 : (int)n, s, n > 60 ? "..." : "");
    break;
  }
  case JSON_INTEGER: snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v)); break;
  case JSON_REAL: snprintf(buf, size, "%.17g", json_real_value(v)); break;
  case JSON_TRUE: snprintf(buf, size, "true"); break;
  case JSON_FALSE: snprintf(buf, size, "false"); break;
  case JSON_NULL: snprintf(buf, size, "null"); break;
  case JSON_OBJECT: snprintf(buf, size, "an object"); break;
  case JSON_ARRAY: snprintf(buf, size, "an array"); break;
  }
  return buf;
}

static int bad(pctx *c, const char *field, const json_t *v, const char *expected) {
  char shown[96];
  if (v) show(v, shown, sizeof shown);
  return cs_error_set(c->err, CS_EINVAL, "%s%sfield \"%s\": %s%s%s", c->where, c->where[0] ? ", " : "",
                      field, expected, v ? ", got " : "", v ? shown : "");
}

static int no_memory(pctx *c) {
  return cs_error_set(c->err, CS_ENOMEM, "%s: out of memory reading the result document", c->where);
}

/* Every key of obj must be in the NULL-terminated list `allowed`. */
static int check_keys(pctx *c, const json_t *obj, const char *const *allowed) {
  const char *key;
  json_t *v;
  json_object_foreach((json_t *)obj, key, v) {
    int ok = 0;
    for (size_t i = 0; allowed[i] && !ok; i++) ok = strcmp(key, allowed[i]) == 0;
    if (!ok) {
      return cs_error_set(c->err, CS_EINVAL, "%s%sunknown field \"%s\"", c->where,
                          c->where[0] ? ", " : "", key);
    }
  }
  return 0;
}

static int need_object(pctx *c, const json_t *v, const char *what) {
  if (json_is_object(v)) return 0;
  char shown[96];
  return cs_error_set(c->err, CS_EINVAL, "%s%s%s must be an object, got %s", c->where,
                      c->where[0] ? ": " : "", what, show(v, shown, sizeof shown));
}

/* A string field; absent (or null when optional) leaves *out NULL. */
static int get_str(pctx *c, const json_t *obj, const char *name, int required, char **out) {
  json_t *v = json_object_get(obj, name);
  *out = NULL;
  if (!v || (json_is_null(v) && !required)) {
    return required ? bad(c, name, NULL, "missing (a string is required)") : 0;
  }
  if (!json_is_string(v)) return bad(c, name, v, "expected a string");
  const char *s = json_string_value(v);
  if (strlen(s) != json_string_length(v)) return bad(c, name, NULL, "the string holds a NUL byte");
  /* control characters would reach terminals, CSV files and other
  ** programs' input as line breaks and escape sequences */
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if (*p < 0x20 || *p == 0x7f) return bad(c, name, NULL, "the string holds a control character");
  size_t n = strlen(s) + 1;
  *out = malloc(n);
  if (!*out) return no_memory(c);
  memcpy(*out, s, n);
  return 0;
}

/* An integer field within lo..hi; absent leaves *out at `dflt` unless required. */
static int get_int(pctx *c, const json_t *obj, const char *name, int required, long long lo, long long hi,
                   long long dflt, long long *out) {
  json_t *v = json_object_get(obj, name);
  *out = dflt;
  if (!v) return required ? bad(c, name, NULL, "missing (an integer is required)") : 0;
  if (!json_is_integer(v)) return bad(c, name, v, "expected an integer");
  long long x = json_integer_value(v);
  if (x < lo || x > hi) {
    char range[96];
    snprintf(range, sizeof range, "expected an integer in %lld..%lld", lo, hi);
    return bad(c, name, v, range);
  }
  *out = x;
  return 0;
}

static int get_year(pctx *c, const json_t *obj, const char *name, int *out) {
  long long y;
  if (get_int(c, obj, name, 1, YEAR_MIN, YEAR_MAX, 0, &y)) return CS_EINVAL;
  *out = (int)y;
  return 0;
}

/* Whole kroner: an integer within ±2^53 (a real, even 100.0, is refused). */
static int get_kroner(pctx *c, const json_t *obj, const char *name, int64_t *out) {
  json_t *v = json_object_get(obj, name);
  *out = 0;
  if (!v) return bad(c, name, NULL, "missing (whole kroner are required)");
  if (json_is_real(v)) return bad(c, name, v, "expected whole kroner written as an integer");
  if (!json_is_integer(v)) return bad(c, name, v, "expected whole kroner (an integer)");
  json_int_t x = json_integer_value(v);
  if (x > KRONER_MAX || x < -KRONER_MAX) return bad(c, name, v, "kroner out of range (beyond 2^53)");
  *out = (int64_t)x;
  return 0;
}

static int get_bool(pctx *c, const json_t *obj, const char *name, int *out) {
  json_t *v = json_object_get(obj, name);
  *out = 0;
  if (!v) return 0;
  if (!json_is_boolean(v)) return bad(c, name, v, "expected true or false");
  *out = json_is_true(v);
  return 0;
}

/* "-1234.50": an optional sign, digits, a point and exactly two decimals. */
static int is_decimal2(const char *s) {
  if (*s == '-') s++;
  size_t n = strspn(s, "0123456789");
  if (n == 0 || n > 18 || s[n] != '.') return 0;
  return strspn(s + n + 1, "0123456789") == 2 && s[n + 3] == '\0';
}

static int get_decimal(pctx *c, const json_t *obj, const char *name, char **out) {
  if (get_str(c, obj, name, 1, out)) return CS_EINVAL;
  if (is_decimal2(*out)) return 0;
  int rc = bad(c, name, json_object_get(obj, name), "expected an amount with two decimals (\"1234.50\")");
  free(*out);
  *out = NULL;
  return rc;
}

static int get_date(pctx *c, const json_t *obj, const char *name, char **out) {
  if (get_str(c, obj, name, 0, out)) return CS_EINVAL;
  if (!*out) return 0;
  cs_date d;
  cs_error ignored;
  if (cs_date_parse(&d, *out, &ignored) == 0) return 0;
  int rc = bad(c, name, json_object_get(obj, name), "expected a real date \"YYYY-MM-DD\"");
  free(*out);
  *out = NULL;
  return rc;
}

/* An array field: its size in *n (0 when absent and optional). */
static int get_array(pctx *c, const json_t *obj, const char *name, int required, json_t **out, size_t *n) {
  json_t *v = json_object_get(obj, name);
  *out = v;
  *n = 0;
  if (!v) return required ? bad(c, name, NULL, "missing (an array is required)") : 0;
  if (!json_is_array(v)) return bad(c, name, v, "expected an array");
  *n = json_array_size(v);
  return 0;
}

static int parse_amounts(pctx *c, const json_t *obj, const char *name, cs_doc_amount **out, size_t *n) {
  json_t *arr;
  size_t count;
  if (get_array(c, obj, name, 0, &arr, &count)) return CS_EINVAL;
  if (count == 0) return 0;
  *out = calloc(count, sizeof **out);
  if (!*out) return no_memory(c);
  *n = count;
  static const char *const keys[] = {"name", "amount", NULL};
  for (size_t i = 0; i < count; i++) {
    json_t *item = json_array_get(arr, i);
    size_t mark = push_where(c, ", %s[%zu]", name, i);
    if (need_object(c, item, "the item") || check_keys(c, item, keys) ||
        get_str(c, item, "name", 1, &(*out)[i].name) || get_decimal(c, item, "amount", &(*out)[i].amount))
      return CS_EINVAL;
    pop_where(c, mark);
  }
  return 0;
}

static int parse_services(pctx *c, const json_t *obj, cs_doc_row *r) {
  json_t *arr;
  size_t n;
  if (get_array(c, obj, "services", 0, &arr, &n)) return CS_EINVAL;
  if (n == 0) return 0;
  if (!(r->services = calloc(n, sizeof *r->services))) return no_memory(c);
  r->nservices = n;
  static const char *const keys[] = {"name", "kroner", NULL};
  for (size_t i = 0; i < n; i++) {
    json_t *item = json_array_get(arr, i);
    size_t mark = push_where(c, ", services[%zu]", i);
    if (need_object(c, item, "the service") || check_keys(c, item, keys) ||
        get_str(c, item, "name", 1, &r->services[i].name) || get_kroner(c, item, "kroner", &r->services[i].kroner))
      return CS_EINVAL;
    pop_where(c, mark);
  }
  return 0;
}

/* The money cycle's fields: all of settlement and invoice, or none. */
static int parse_money(pctx *c, const json_t *obj, cs_doc_row *r) {
  if (!json_object_get(obj, "settlement") && !json_object_get(obj, "invoice")) return 0;
  r->money = 1;
  if (get_kroner(c, obj, "settlement", &r->settlement) || get_kroner(c, obj, "invoice", &r->invoice) ||
      get_bool(c, obj, "settlement_only", &r->settlement_only))
    return CS_EINVAL;
  if (json_object_get(obj, "difference")) {
    r->has_difference = 1;
    if (get_kroner(c, obj, "difference", &r->difference)) return CS_EINVAL;
  }
  json_t *arr;
  size_t n;
  if (get_array(c, obj, "invoices", 0, &arr, &n)) return CS_EINVAL;
  if (n == 0) return 0;
  if (!(r->invoices = calloc(n, sizeof *r->invoices))) return no_memory(c);
  r->ninvoices = n;
  static const char *const keys[] = {"due", "amount", "lines", NULL};
  static const char *const line_keys[] = {"kind", "service", "instalment", "settles", "amount", NULL};
  for (size_t i = 0; i < n; i++) {
    json_t *item = json_array_get(arr, i), *lines;
    cs_doc_invoice *inv = &r->invoices[i];
    size_t nl, mark = push_where(c, ", invoices[%zu]", i);
    if (need_object(c, item, "the invoice") || check_keys(c, item, keys) || get_date(c, item, "due", &inv->due) ||
        get_kroner(c, item, "amount", &inv->amount) || get_array(c, item, "lines", 1, &lines, &nl))
      return CS_EINVAL;
    if (nl && !(inv->lines = calloc(nl, sizeof *inv->lines))) return no_memory(c);
    inv->nlines = nl;
    for (size_t k = 0; k < nl; k++) {
      json_t *l = json_array_get(lines, k);
      cs_doc_invoice_line *line = &inv->lines[k];
      long long instalment, settles;
      size_t m2 = push_where(c, ", lines[%zu]", k);
      if (need_object(c, l, "the line") || check_keys(c, l, line_keys) || get_str(c, l, "kind", 1, &line->kind) ||
          get_str(c, l, "service", 0, &line->service) || get_int(c, l, "instalment", 0, 0, 366, 0, &instalment) ||
          get_int(c, l, "settles", 0, 0, YEAR_MAX, 0, &settles) || get_kroner(c, l, "amount", &line->amount))
        return CS_EINVAL;
      line->instalment = (int)instalment;
      line->settles = (int)settles;
      pop_where(c, m2);
    }
    pop_where(c, mark);
  }
  return 0;
}

static int parse_row(pctx *c, const json_t *obj, cs_doc_row *r) {
  static const char *const keys[] = {
      "year", "code", "name", "given", "merged", "cooperation", "population", "population_date",
      "population_source", "months", "charged_months", "host", "payee", "due", "total", "exact",
      "parts", "services", "settlement", "invoice", "difference", "settlement_only", "invoices", NULL};
  if (need_object(c, obj, "the row")) return CS_EINVAL;
  char *code = NULL;
  if (get_year(c, obj, "year", &r->year) || get_str(c, obj, "code", 1, &code)) return CS_EINVAL;
  if (strlen(code) >= sizeof r->code) {
    free(code);
    return bad(c, "code", json_object_get(obj, "code"), "expected a code of at most 16 characters");
  }
  memcpy(r->code, code, strlen(code) + 1);
  free(code);
  push_where(c, " %d %s", r->year, r->code);
  long long pop, months, charged;
  if (check_keys(c, obj, keys) || get_str(c, obj, "name", 1, &r->name) || get_str(c, obj, "given", 0, &r->given) ||
      get_str(c, obj, "merged", 0, &r->merged) || get_str(c, obj, "cooperation", 1, &r->cooperation) ||
      get_int(c, obj, "population", 0, -1, KRONER_MAX, -1, &pop) ||
      get_date(c, obj, "population_date", &r->population_date) ||
      get_str(c, obj, "population_source", 0, &r->population_source) ||
      get_int(c, obj, "months", 0, 0, 12, 12, &months) ||
      get_int(c, obj, "charged_months", 0, 0, 12, 12, &charged) || get_bool(c, obj, "host", &r->host) ||
      get_str(c, obj, "payee", 0, &r->payee) || get_date(c, obj, "due", &r->due) ||
      get_kroner(c, obj, "total", &r->total) || get_decimal(c, obj, "exact", &r->exact))
    return CS_EINVAL;
  r->population = pop;
  r->months = (int)months;
  r->charged_months = (int)charged;
  if (parse_services(c, obj, r) || parse_money(c, obj, r)) return CS_EINVAL;
  json_t *arr;
  size_t n;
  if (get_array(c, obj, "parts", 1, &arr, &n)) return CS_EINVAL;
  if (n == 0) return 0;
  r->parts = calloc(n, sizeof *r->parts);
  if (!r->parts) return no_memory(c);
  r->nparts = n;
  static const char *const part_keys[] = {"name", "rounded", "exact", "explain", NULL};
  for (size_t i = 0; i < n; i++) {
    json_t *p = json_array_get(arr, i);
    cs_doc_part *part = &r->parts[i];
    size_t mark = push_where(c, ", parts[%zu]", i);
    if (need_object(c, p, "the part") || check_keys(c, p, part_keys) ||
        get_str(c, p, "name", 1, &part->name) || get_kroner(c, p, "rounded", &part->rounded) ||
        get_decimal(c, p, "exact", &part->exact) || get_str(c, p, "explain", 0, &part->explain))
      return CS_EINVAL;
    pop_where(c, mark);
  }
  return 0;
}

static int parse_events(pctx *c, const json_t *obj, cs_doc_year *y) {
  json_t *arr;
  size_t n;
  if (get_array(c, obj, "events", 0, &arr, &n)) return CS_EINVAL;
  if (n == 0) return 0;
  if (!(y->events = calloc(n, sizeof *y->events))) return no_memory(c);
  y->nevents = n;
  static const char *const keys[] = {"kind", "code", "name", "date", "until", "other_code", "other_name", NULL};
  for (size_t i = 0; i < n; i++) {
    json_t *item = json_array_get(arr, i);
    cs_doc_event *e = &y->events[i];
    size_t mark = push_where(c, ", events[%zu]", i);
    if (need_object(c, item, "the event") || check_keys(c, item, keys) || get_str(c, item, "kind", 1, &e->kind) ||
        get_str(c, item, "code", 1, &e->code) || get_str(c, item, "name", 1, &e->name) ||
        get_date(c, item, "date", &e->date) || get_date(c, item, "until", &e->until) ||
        get_str(c, item, "other_code", 0, &e->other_code) || get_str(c, item, "other_name", 0, &e->other_name))
      return CS_EINVAL;
    pop_where(c, mark);
  }
  return 0;
}

static int parse_year(pctx *c, const json_t *obj, cs_doc_year *y) {
  static const char *const keys[] = {
      "year", "cooperation", "members", "cost", "grants", "net", "balance", "sum_shares", "key",
      "key_label", "key_source", "key_assumption", "agreement_months", "covers", "past_end", "lines",
      "grant_list", "events", "actual_cost", "actual_grants", "actual_net", NULL};
  if (need_object(c, obj, "the year") || get_year(c, obj, "year", &y->year)) return CS_EINVAL;
  push_where(c, " %d", y->year);
  long long members, months;
  if (check_keys(c, obj, keys) || get_str(c, obj, "cooperation", 1, &y->cooperation) ||
      get_int(c, obj, "members", 1, 0, 100000, 0, &members) || get_decimal(c, obj, "cost", &y->cost) ||
      get_decimal(c, obj, "grants", &y->grants) || get_decimal(c, obj, "net", &y->net) ||
      get_decimal(c, obj, "balance", &y->balance) || get_kroner(c, obj, "sum_shares", &y->sum_shares) ||
      get_str(c, obj, "key", 1, &y->key) || get_str(c, obj, "key_label", 0, &y->key_label) ||
      get_str(c, obj, "key_source", 0, &y->key_source) ||
      get_str(c, obj, "key_assumption", 0, &y->key_assumption) ||
      get_int(c, obj, "agreement_months", 0, 0, 12, 12, &months) ||
      get_bool(c, obj, "covers", &y->covers) || get_bool(c, obj, "past_end", &y->past_end) ||
      parse_amounts(c, obj, "lines", &y->lines, &y->nlines) ||
      parse_amounts(c, obj, "grant_list", &y->grant_list, &y->ngrants) || parse_events(c, obj, y) ||
      (json_object_get(obj, "actual_cost") && get_decimal(c, obj, "actual_cost", &y->actual_cost)) ||
      (json_object_get(obj, "actual_grants") && get_decimal(c, obj, "actual_grants", &y->actual_grants)) ||
      (json_object_get(obj, "actual_net") && get_decimal(c, obj, "actual_net", &y->actual_net)))
    return CS_EINVAL;
  y->members = (int)members;
  y->agreement_months = (int)months;
  return 0;
}

static int parse_run(pctx *c, const json_t *obj, cs_doc_run *run) {
  static const char *const keys[] = {"scenario", "from", "to", "options", "rows", "years", NULL};
  if (need_object(c, obj, "the run") || get_str(c, obj, "scenario", 1, &run->scenario)) return CS_EINVAL;
  push_where(c, " \"%s\"", run->scenario);
  if (check_keys(c, obj, keys) || get_year(c, obj, "from", &run->from) || get_year(c, obj, "to", &run->to) ||
      get_str(c, obj, "options", 0, &run->options))
    return CS_EINVAL;
  if (run->to < run->from) return bad(c, "to", json_object_get(obj, "to"), "the run ends before it starts");
  json_t *arr;
  size_t n;
  if (get_array(c, obj, "rows", 1, &arr, &n)) return CS_EINVAL;
  if (n) {
    run->rows = calloc(n, sizeof *run->rows);
    if (!run->rows) return no_memory(c);
    run->nrows = n;
  }
  for (size_t i = 0; i < n; i++) {
    size_t mark = push_where(c, ", rows[%zu]", i);
    if (parse_row(c, json_array_get(arr, i), &run->rows[i])) return CS_EINVAL;
    if (run->rows[i].year < run->from || run->rows[i].year > run->to)
      return bad(c, "year", json_object_get(json_array_get(arr, i), "year"), "a year outside the run");
    pop_where(c, mark);
  }
  if (get_array(c, obj, "years", 1, &arr, &n)) return CS_EINVAL;
  if (n) {
    run->years = calloc(n, sizeof *run->years);
    if (!run->years) return no_memory(c);
    run->nyears = n;
  }
  for (size_t i = 0; i < n; i++) {
    size_t mark = push_where(c, ", years[%zu]", i);
    if (parse_year(c, json_array_get(arr, i), &run->years[i])) return CS_EINVAL;
    pop_where(c, mark);
  }
  return 0;
}

static int parse_doc(pctx *c, const json_t *root, cs_doc *doc) {
  static const char *const keys[] = {"coopsim", "scenario_file", "runs", NULL};
  if (need_object(c, root, "the document") || check_keys(c, root, keys)) return CS_EINVAL;
  if (get_str(c, root, "coopsim", 0, &doc->coopsim_version) ||
      get_str(c, root, "scenario_file", 0, &doc->scenario_file))
    return CS_EINVAL;
  json_t *arr;
  size_t n;
  if (get_array(c, root, "runs", 1, &arr, &n)) return CS_EINVAL;
  if (n) {
    doc->runs = calloc(n, sizeof *doc->runs);
    if (!doc->runs) return no_memory(c);
    doc->nruns = n;
  }
  for (size_t i = 0; i < n; i++) {
    size_t mark = push_where(c, "runs[%zu]", i);
    if (parse_run(c, json_array_get(arr, i), &doc->runs[i])) return CS_EINVAL;
    pop_where(c, mark);
  }
  return 0;
}

int cs_doc_from_json(const char *text, size_t len, const char *origin, cs_doc **out, cs_error *err) {
  *out = NULL;
  if (!origin) origin = "result document";
  json_error_t jerr;
  json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
  if (!root) {
    return cs_error_set(err, CS_EINVAL, "%s: not valid JSON: line %d, column %d: %s", origin, jerr.line,
                        jerr.column, jerr.text);
  }
  cs_doc *doc = calloc(1, sizeof *doc);
  if (!doc) {
    json_decref(root);
    return cs_error_set(err, CS_ENOMEM, "%s: out of memory reading the result document", origin);
  }
  pctx c = {err, ""};
  int rc = parse_doc(&c, root, doc);
  json_decref(root);
  if (!rc) rc = cs_doc_check(doc, err);
  if (rc) {
    /* the location already in the message; put the origin in front */
    if (err) {
      char msg[CS_ERROR_MAX];
      snprintf(msg, sizeof msg, "%s", err->msg);
      cs_error_set(err, err->code, "%s: %s", origin, msg);
    }
    cs_doc_free(doc);
    return rc;
  }
  *out = doc;
  return 0;
}

