/*
** doc_json.c: the result document (doc.h) written as JSON text, directly.
**
** The text is exactly what jansson's json_dumps(JSON_INDENT(2) |
** JSON_SORT_KEYS) makes of the same document (the format every stored file
** and golden file has): two spaces per level, "key": value, each object's
** keys in strcmp order, a string's '"', '\\' and control characters escaped
** as jansson escapes them, other characters as they are. Each object's keys
** are written in that order by hand below; tests/unit/test_doc.c checks the
** text against jansson's own dump of it. Building a jansson tree of a
** national document took seconds and hundreds of megabytes.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include "coopsim/doc.h"
#include "coopsim/text.h"
#include "report_internal.h"

typedef struct jw {
  cs_sb *out;
  int depth;
  int first; /* nothing written yet in the object or array just opened */
  int bad;   /* a text that is not UTF-8 (json_string refuses it too) */
} jw;

static void newline(jw *w) {
  static const char spaces[] = "\n                                                                ";
  size_t n = 2 * (size_t)w->depth;
  if (n + 1 < sizeof spaces) {
    cs_sb_addn(w->out, spaces, n + 1);
  } else {
    cs_sb_addn(w->out, "\n", 1);
    cs_sb_repeat(w->out, " ", n);
  }
}

/* Before a value in an array, or before a key in an object. */
static void next(jw *w) {
  if (!w->first) cs_sb_addn(w->out, ",", 1);
  w->first = 0;
  newline(w);
}

static void jopen(jw *w, char c) {
  char s[1] = {c};
  cs_sb_addn(w->out, s, 1);
  w->depth++;
  w->first = 1;
}

/* Closes an object or array; an empty one is "{}" or "[]". */
static void jclose(jw *w, char c) {
  char s[1] = {c};
  w->depth--;
  if (!w->first) newline(w);
  w->first = 0;
  cs_sb_addn(w->out, s, 1);
}

/* Nonzero for a byte the scan must stop at: the NUL that ends the text, a
** control character, '"', '\\', or one of a UTF-8 sequence (checked as
** jansson checks it). The text's length first (strlen), then the bytes
** that need nothing sixteen at a time (plain_run). */
#define C8(v) v, v, v, v, v, v, v, v
#define C32(v) C8(v), C8(v), C8(v), C8(v)
static const unsigned char stop[256] = {
    C32(1),                                                          /* NUL and the controls */
    0, 0, 1, 0, 0, 0, 0, 0, C8(0), C8(0), C8(0),                     /* ' ' .. '?': '"' */
    C8(0), C8(0), C8(0), 0, 0, 0, 0, 1, 0, 0, 0,                     /* '@' .. '_': '\\' */
    C32(0),                                                          /* '`' .. DEL (as it is) */
    C32(1), C32(1), C32(1), C32(1)};                                 /* 0x80 .. 0xFF */
#undef C8
#undef C32

/* Where the bytes s[i..n) that stop[] lets pass end: sixteen at a time
** where SSE2 is (every x86-64), never reading past s[n - 1]. A byte stops
** the scan when it is below 0x20 or from 0x80 on (one signed comparison:
** those are the bytes below 0x20 as signed), '"' or '\\'. */
static size_t plain_run(const unsigned char *s, size_t i, size_t n) {
#if defined(__SSE2__)
  const __m128i below = _mm_set1_epi8(0x20), quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
  while (n - i >= 16) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
    __m128i hit = _mm_or_si128(_mm_cmplt_epi8(v, below),
                               _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)));
    unsigned bits = (unsigned)_mm_movemask_epi8(hit);
    if (bits) return i + (size_t)__builtin_ctz(bits);
    i += 16;
  }
#endif
  while (i < n && !stop[s[i]]) i++;
  return i;
}

static void string(jw *w, const char *text) {
  const unsigned char *s = (const unsigned char *)text;
  size_t start = 0, i = 0, n = strlen(text);
  cs_sb_addn(w->out, "\"", 1);
  for (;;) {
    i = plain_run(s, i, n);
    if (i == n) break;
    unsigned c = s[i];
    if (c >= 0x80) {
      size_t avail = n - i < 4 ? n - i : 4; /* the bytes before the NUL, as many as a sequence has */
      uint32_t cp;
      size_t len = cs_utf8_len(s + i, avail, &cp);
      if (!len) {
        w->bad = 1;
        return;
      }
      i += len;
      continue;
    }
    cs_sb_addn(w->out, text + start, i - start);
    char esc[8];
    switch (c) {
    case '\\': cs_sb_addn(w->out, "\\\\", 2); break;
    case '"': cs_sb_addn(w->out, "\\\"", 2); break;
    case '\b': cs_sb_addn(w->out, "\\b", 2); break;
    case '\f': cs_sb_addn(w->out, "\\f", 2); break;
    case '\n': cs_sb_addn(w->out, "\\n", 2); break;
    case '\r': cs_sb_addn(w->out, "\\r", 2); break;
    case '\t': cs_sb_addn(w->out, "\\t", 2); break;
    default: {
      static const char hex[] = "0123456789ABCDEF";
      memcpy(esc, "\\u00", 4);
      esc[4] = hex[c >> 4];
      esc[5] = hex[c & 15];
      cs_sb_addn(w->out, esc, 6);
    }
    }
    start = ++i;
  }
  cs_sb_addn(w->out, text + start, i - start);
  cs_sb_addn(w->out, "\"", 1);
}

/* A key as K("name") gives it: the quoted name and ": ", and its length
** (the names are fixed ASCII: nothing to escape or count). */
#define K(name) "\"" name "\": ", sizeof("\"" name "\": ") - 1

static void key(jw *w, const char *k, size_t klen) {
  next(w);
  cs_sb_addn(w->out, k, klen);
}

/* A text field; absent when NULL (as jansson's tree had no such key). */
static void str(jw *w, const char *k, size_t klen, const char *v) {
  if (!v) return;
  key(w, k, klen);
  string(w, v);
}

static void num(jw *w, const char *k, size_t klen, int64_t v) {
  key(w, k, klen);
  cs_sb_int(w->out, v);
}

static void boolean(jw *w, const char *k, size_t klen, int v) {
  key(w, k, klen);
  if (v) cs_sb_addn(w->out, "true", 4);
  else cs_sb_addn(w->out, "false", 5);
}

/* Each function below writes one kind of object, its keys in strcmp order. */

static void amounts(jw *w, const char *k, size_t klen, const cs_doc_amount *a, size_t n) {
  key(w, k, klen);
  jopen(w, '[');
  for (size_t i = 0; i < n; i++) {
    next(w);
    jopen(w, '{');
    str(w, K("amount"), a[i].amount);
    str(w, K("name"), a[i].name);
    jclose(w, '}');
  }
  jclose(w, ']');
}

static void services(jw *w, const cs_doc_row *r) {
  key(w, K("services"));
  jopen(w, '[');
  for (size_t i = 0; i < r->nservices; i++) {
    next(w);
    jopen(w, '{');
    num(w, K("kroner"), r->services[i].kroner);
    str(w, K("name"), r->services[i].name);
    jclose(w, '}');
  }
  jclose(w, ']');
}

static void invoices(jw *w, const cs_doc_row *r) {
  key(w, K("invoices"));
  jopen(w, '[');
  for (size_t i = 0; i < r->ninvoices; i++) {
    const cs_doc_invoice *inv = &r->invoices[i];
    next(w);
    jopen(w, '{');
    num(w, K("amount"), inv->amount);
    str(w, K("due"), inv->due);
    key(w, K("lines"));
    jopen(w, '[');
    for (size_t k = 0; k < inv->nlines; k++) {
      const cs_doc_invoice_line *l = &inv->lines[k];
      next(w);
      jopen(w, '{');
      num(w, K("amount"), l->amount);
      if (l->instalment) num(w, K("instalment"), l->instalment);
      str(w, K("kind"), l->kind);
      str(w, K("service"), l->service);
      if (l->settles) num(w, K("settles"), l->settles);
      jclose(w, '}');
    }
    jclose(w, ']');
    jclose(w, '}');
  }
  jclose(w, ']');
}

static void parts(jw *w, const cs_doc_row *r) {
  key(w, K("parts"));
  jopen(w, '[');
  for (size_t i = 0; i < r->nparts; i++) {
    const cs_doc_part *p = &r->parts[i];
    next(w);
    jopen(w, '{');
    str(w, K("exact"), p->exact);
    str(w, K("explain"), p->explain);
    str(w, K("name"), p->name);
    num(w, K("rounded"), p->rounded);
    jclose(w, '}');
  }
  jclose(w, ']');
}

static void row(jw *w, const cs_doc_row *r) {
  jopen(w, '{');
  num(w, K("charged_months"), r->charged_months);
  str(w, K("code"), r->code);
  str(w, K("cooperation"), r->cooperation);
  if (r->money && r->has_difference) num(w, K("difference"), r->difference);
  str(w, K("due"), r->due);
  str(w, K("exact"), r->exact);
  str(w, K("given"), r->given);
  boolean(w, K("host"), r->host);
  if (r->money) num(w, K("invoice"), r->invoice);
  if (r->money && r->ninvoices) invoices(w, r);
  str(w, K("merged"), r->merged);
  num(w, K("months"), r->months);
  str(w, K("name"), r->name);
  parts(w, r);
  str(w, K("payee"), r->payee);
  num(w, K("population"), r->population);
  str(w, K("population_date"), r->population_date);
  str(w, K("population_source"), r->population_source);
  if (r->nservices) services(w, r);
  if (r->money) num(w, K("settlement"), r->settlement);
  if (r->money && r->settlement_only) boolean(w, K("settlement_only"), 1);
  num(w, K("total"), r->total);
  num(w, K("year"), r->year);
  jclose(w, '}');
}

static void events(jw *w, const cs_doc_year *y) {
  key(w, K("events"));
  jopen(w, '[');
  for (size_t i = 0; i < y->nevents; i++) {
    const cs_doc_event *e = &y->events[i];
    next(w);
    jopen(w, '{');
    str(w, K("code"), e->code);
    str(w, K("date"), e->date);
    str(w, K("kind"), e->kind);
    str(w, K("name"), e->name);
    str(w, K("other_code"), e->other_code);
    str(w, K("other_name"), e->other_name);
    str(w, K("until"), e->until);
    jclose(w, '}');
  }
  jclose(w, ']');
}

static void year(jw *w, const cs_doc_year *y) {
  jopen(w, '{');
  str(w, K("actual_cost"), y->actual_cost);
  str(w, K("actual_grants"), y->actual_grants);
  str(w, K("actual_net"), y->actual_net);
  num(w, K("agreement_months"), y->agreement_months);
  str(w, K("balance"), y->balance);
  str(w, K("cooperation"), y->cooperation);
  str(w, K("cost"), y->cost);
  boolean(w, K("covers"), y->covers);
  if (y->nevents) events(w, y);
  amounts(w, K("grant_list"), y->grant_list, y->ngrants);
  str(w, K("grants"), y->grants);
  str(w, K("key"), y->key);
  str(w, K("key_assumption"), y->key_assumption);
  str(w, K("key_label"), y->key_label);
  str(w, K("key_nb"), y->key_nb);
  str(w, K("key_source"), y->key_source);
  amounts(w, K("lines"), y->lines, y->nlines);
  num(w, K("members"), y->members);
  str(w, K("net"), y->net);
  boolean(w, K("past_end"), y->past_end);
  num(w, K("sum_shares"), y->sum_shares);
  num(w, K("year"), y->year);
  jclose(w, '}');
}

static void run(jw *w, const cs_doc_run *r) {
  jopen(w, '{');
  num(w, K("from"), r->from);
  str(w, K("options"), r->options);
  key(w, K("rows"));
  jopen(w, '[');
  for (size_t i = 0; i < r->nrows; i++) {
    next(w);
    row(w, &r->rows[i]);
    cs_sb_spill(w->out);
  }
  jclose(w, ']');
  str(w, K("scenario"), r->scenario);
  num(w, K("to"), r->to);
  key(w, K("years"));
  jopen(w, '[');
  for (size_t i = 0; i < r->nyears; i++) {
    next(w);
    year(w, &r->years[i]);
  }
  jclose(w, ']');
  jclose(w, '}');
}

/* The writer's state inside the runs' array: two deep, first until a run
** was written. */
#define IN_RUNS(out, nwritten) ((jw){(out), 2, (nwritten) == 0, 0})

int cs_doc_json_head(cs_sb *out, const char *coopsim_version) {
  jw w = {out, 0, 1, 0};
  jopen(&w, '{');
  str(&w, K("coopsim"), coopsim_version);
  key(&w, K("runs"));
  jopen(&w, '[');
  return w.bad ? CS_EINVAL : 0;
}

int cs_doc_json_run(cs_sb *out, const cs_doc_run *r, size_t i) {
  jw w = IN_RUNS(out, i);
  next(&w);
  run(&w, r);
  return w.bad ? CS_EINVAL : 0;
}

int cs_doc_json_tail(cs_sb *out, const char *scenario_file, size_t nruns) {
  jw w = IN_RUNS(out, nruns);
  jclose(&w, ']');
  str(&w, K("scenario_file"), scenario_file);
  jclose(&w, '}');
  cs_sb_addn(out, "\n", 1);
  return w.bad ? CS_EINVAL : 0;
}

int cs_doc_json_sb(const cs_doc *doc, cs_sb *out) {
  int bad = cs_doc_json_head(out, doc->coopsim_version) != 0;
  for (size_t i = 0; i < doc->nruns && !bad; i++) bad = cs_doc_json_run(out, &doc->runs[i], i) != 0;
  if (!bad) bad = cs_doc_json_tail(out, doc->scenario_file, doc->nruns) != 0;
  return bad ? CS_EINVAL : out->oom ? CS_ENOMEM : 0;
}

char *cs_doc_to_json_n(const cs_doc *doc, size_t *len) {
  cs_sb b = {0};
  if (len) *len = 0;
  if (cs_doc_json_sb(doc, &b) != 0) {
    cs_sb_free(&b);
    return NULL;
  }
  return cs_sb_take(&b, len);
}

char *cs_doc_to_json(const cs_doc *doc) { return cs_doc_to_json_n(doc, NULL); }
