/*
** doc_wire.c: the result document as compact binary records (doc_wire.h).
**
** A text is sent once: the first time as 1, its length and its bytes; later
** as 3 + its number in the order of first sending; NULL as 0. A text that
** seldom repeats (an amount, an explanation) is sent as 2, its length and
** its bytes, and not numbered: neither side looks it up or keeps it beyond
** its document. The reader keeps the texts it has seen (within its budget)
** to resolve the numbers; a document's texts live in its arena, so a
** document read is freed like any other (cs_doc_free).
*/
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "coopsim/hash.h"
#include "coopsim/doc_wire.h"
#include "coopsim/text.h"

#define MAGIC "CSW2"
enum { TAG_NULL = 0, TAG_NEW = 1, TAG_ONCE = 2, TAG_NUMBER = 3 };
#define OUT_BUF 65536
#define IN_BUF 65536
#define TEXTS_MAX (1u << 24) /* texts a stream may define */

/* ---- writing --------------------------------------------------------------- */

/* Texts sent so far: open addressing from the text to its number. A slot
** keeps the text's length and hash, so that a probe compares bytes only
** when both match (the texts of a national document are looked up millions
** of times: a strcmp and two strlen a lookup were a tenth of the worker's
** time). The writer keeps its own copy of each (in `copies`: a text put may
** be a field that changes after), until the document's end
** (cs_wire_put_end), where both sides forget every text. */
typedef struct sent_slot {
  const char *text; /* NULL: free */
  uint64_t hash;
  uint32_t len, num;
} sent_slot;

typedef struct sent {
  sent_slot *slots;
  size_t cap, n;
} sent;

struct cs_wire_out {
  int (*write)(void *ud, const void *data, size_t n);
  void *ud;
  size_t len;
  int failed;
  sent texts;
  cs_doc_arena *copies;
  unsigned char buf[OUT_BUF]; /* last: left unzeroed (see cs_wire_out_new) */
};

cs_wire_out *cs_wire_out_new(int (*write)(void *ud, const void *data, size_t n), void *ud) {
  /* every field zeroed but the buffer, which is written before it is read:
  ** zeroing it would touch its 16 pages, and a page's first touch costs
  ** microseconds (a worker's start-up; an empty run's message is 7 bytes) */
  cs_wire_out *w = malloc(sizeof *w);
  if (!w) return NULL;
  memset(w, 0, offsetof(cs_wire_out, buf));
  if (!(w->copies = cs_doc_arena_new(0))) {
    free(w);
    return NULL;
  }
  w->write = write;
  w->ud = ud;
  memcpy(w->buf, MAGIC, 4);
  w->len = 4;
  return w;
}

void cs_wire_out_free(cs_wire_out *w) {
  if (!w) return;
  free(w->texts.slots);
  cs_doc_arena_free(w->copies);
  free(w);
}

static void flush_buf(cs_wire_out *w) {
  if (w->failed || w->len == 0) return;
  if (w->write(w->ud, w->buf, w->len) != 0) w->failed = 1;
  w->len = 0;
}

static void put_bytes(cs_wire_out *w, const void *data, size_t n) {
  if (n <= OUT_BUF - w->len && !w->failed) { /* most often: it fits */
    memcpy(w->buf + w->len, data, n);
    w->len += n;
    return;
  }
  const unsigned char *p = data;
  while (n > 0 && !w->failed) {
    if (w->len == OUT_BUF) flush_buf(w);
    size_t k = OUT_BUF - w->len < n ? OUT_BUF - w->len : n;
    memcpy(w->buf + w->len, p, k);
    w->len += k;
    p += k;
    n -= k;
  }
}

/* A varint written straight into the buffer (flushed first when fewer than
** the 10 bytes it may take are left): the puts of a national document are
** some ten million numbers. The bytes sent are those of put_bytes'; only
** where the stream is cut into writes may differ, which the reader never
** sees. */
static inline void put_varint(cs_wire_out *w, uint64_t v) {
  if (w->failed) return;
  if (OUT_BUF - w->len < 10) {
    flush_buf(w);
    if (w->failed) return;
  }
  unsigned char *p = w->buf + w->len;
  while (v >= 0x80) {
    *p++ = (unsigned char)(v | 0x80);
    v >>= 7;
  }
  *p++ = (unsigned char)v;
  w->len = (size_t)(p - w->buf);
}

void cs_wire_put_uint(cs_wire_out *w, uint64_t v) { put_varint(w, v); }

static inline void put_int(cs_wire_out *w, int64_t v) {
  put_varint(w, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

void cs_wire_put_int(cs_wire_out *w, int64_t v) { put_int(w, v); }

/* Doubles the table of texts sent; 0, or -1 out of memory. */
static int sent_grow(sent *t) {
  size_t cap = t->cap ? 2 * t->cap : 1024;
  sent_slot *slots = calloc(cap, sizeof *slots);
  if (!slots) return -1;
  for (size_t i = 0; i < t->cap; i++) /* a place is the kept hash's: no text is read */
    if (t->slots[i].text) {
      size_t j = t->slots[i].hash & (cap - 1);
      while (slots[j].text) j = (j + 1) & (cap - 1);
      slots[j] = t->slots[i];
    }
  free(t->slots);
  t->slots = slots, t->cap = cap;
  return 0;
}

/* The slot of the n bytes at s (hash h): the one they were recorded in
** when sent before (*fresh 0), else a new one holding a copy (*fresh 1);
** NULL on a failure, recorded in w. The slot is good until the next
** lookup (the table may grow); its text, until the document's end. */
static const sent_slot *sent_find(cs_wire_out *w, const char *s, size_t n, uint64_t h, int *fresh) {
  sent *t = &w->texts;
  *fresh = 0;
  if (2 * (t->n + 1) > t->cap && sent_grow(t) != 0) {
    w->failed = 1;
    return NULL;
  }
  size_t j = h & (t->cap - 1);
  for (; t->slots[j].text; j = (j + 1) & (t->cap - 1))
    if (t->slots[j].hash == h && t->slots[j].len == n && memcmp(t->slots[j].text, s, n) == 0)
      return &t->slots[j];
  if (t->n >= TEXTS_MAX || n > UINT32_MAX) { /* no text is near 4 GB */
    w->failed = 1;
    return NULL;
  }
  char *copy = cs_doc_arena_alloc_raw(w->copies, n + 1); /* written whole below: no zeroing */
  if (!copy) {
    w->failed = 1;
    return NULL;
  }
  memcpy(copy, s, n + 1);
  t->slots[j].text = copy;
  t->slots[j].hash = h;
  t->slots[j].len = (uint32_t)n;
  t->slots[j].num = (uint32_t)t->n++;
  *fresh = 1;
  return &t->slots[j];
}

/* A field's text as sent the last time (put_field): the writer's copy, its
** length and number; copy NULL: none yet. */
typedef struct last_text {
  const char *copy;
  size_t len;
  uint32_t num;
} last_text;

/* The n bytes at s (s[n] a NUL): their number when sent before, else
** themselves (numbered from here on); recorded in *last when not NULL. */
static void put_text(cs_wire_out *w, const char *s, size_t n, last_text *last) {
  int fresh;
  const sent_slot *t = sent_find(w, s, n, cs_hash_mem(s, n), &fresh);
  if (!t) return;
  if (last) {
    last->copy = t->text;
    last->len = n;
    last->num = t->num;
  }
  if (!fresh) {
    put_varint(w, TAG_NUMBER + (uint64_t)t->num);
    return;
  }
  put_varint(w, TAG_NEW);
  put_varint(w, n);
  put_bytes(w, s, n);
}

void cs_wire_put_str(cs_wire_out *w, const char *s) {
  if (w->failed) return;
  if (!s) {
    put_varint(w, TAG_NULL);
    return;
  }
  put_text(w, s, strlen(s), NULL);
}

/* cs_wire_put_str for a field that mostly holds what it held in the row
** before (a row's cooperation, population date and source, due date, its
** parts' names): compared with that first, so that the text is hashed and
** looked up only when it changed. The same bytes: a text equal to the last
** one sent for the field has its number. *last lives for one run's records
** (cs_wire_put_run); the texts are forgotten only at the document's end. */
static void put_field(cs_wire_out *w, const char *s, last_text *last) {
  if (w->failed) return;
  if (!s) {
    put_varint(w, TAG_NULL);
    return;
  }
  size_t n = strlen(s);
  if (last->copy && last->len == n && memcmp(last->copy, s, n) == 0) {
    put_varint(w, TAG_NUMBER + (uint64_t)last->num);
    return;
  }
  put_text(w, s, n, last);
}

/* A document's text that seldom repeats: sent as it is, not numbered. */
static void put_once(cs_wire_out *w, const char *s) {
  if (w->failed) return;
  if (!s) {
    put_varint(w, TAG_NULL);
    return;
  }
  size_t n = strlen(s);
  put_varint(w, TAG_ONCE);
  put_varint(w, n);
  put_bytes(w, s, n);
}

static void put_amounts(cs_wire_out *w, const cs_doc_amount *a, size_t n) {
  put_varint(w, n);
  for (size_t i = 0; i < n; i++) {
    cs_wire_put_str(w, a[i].name);
    cs_wire_put_str(w, a[i].amount);
  }
}

/* A document's records: its head, then each run after a 1, then 0 at its
** end (2: the worker failed to make the rest). */
enum { DOC_END = 0, DOC_RUN = 1, DOC_FAILED = 2 };

void cs_wire_put_head(cs_wire_out *w, const char *version, const char *scenario_file) {
  cs_wire_put_str(w, version);
  cs_wire_put_str(w, scenario_file);
}

/* Forgets the texts sent: the document's texts end with it, on both sides. */
static void forget_texts(cs_wire_out *w) {
  if (w->texts.slots) memset(w->texts.slots, 0, w->texts.cap * sizeof *w->texts.slots);
  w->texts.n = 0;
  cs_doc_arena_reset(w->copies);
}

void cs_wire_put_end(cs_wire_out *w, int failed) {
  put_varint(w, failed ? DOC_FAILED : DOC_END);
  forget_texts(w);
}

void cs_wire_put_doc(cs_wire_out *w, const cs_doc *doc) {
  cs_wire_put_head(w, doc->coopsim_version, doc->scenario_file);
  for (size_t i = 0; i < doc->nruns; i++) cs_wire_put_run(w, &doc->runs[i]);
  cs_wire_put_end(w, 0);
}

/* The fields put_field compares with their text in the row before. */
enum { F_COOPERATION, F_POP_DATE, F_POP_SOURCE, F_PAYEE, F_DUE, F_INV_DUE, F_LINE_KIND, F_LINE_SERVICE,
       F_PART_NAME, F_SERVICE_NAME = F_PART_NAME + 8, F_FIELDS = F_SERVICE_NAME + 8 };

void cs_wire_put_run(cs_wire_out *w, const cs_doc_run *run) {
  last_text last[F_FIELDS];
  memset(last, 0, sizeof last);
  put_varint(w, DOC_RUN);
  cs_wire_put_str(w, run->scenario);
  put_int(w, run->from);
  put_int(w, run->to);
  cs_wire_put_str(w, run->options);
  put_varint(w, run->nrows);
  for (size_t j = 0; j < run->nrows; j++) {
    const cs_doc_row *r = &run->rows[j];
    put_int(w, r->year);
    cs_wire_put_str(w, r->code);
    cs_wire_put_str(w, r->name);
    cs_wire_put_str(w, r->given);
    cs_wire_put_str(w, r->merged);
    put_field(w, r->cooperation, &last[F_COOPERATION]);
    put_int(w, r->population);
    put_field(w, r->population_date, &last[F_POP_DATE]);
    put_field(w, r->population_source, &last[F_POP_SOURCE]);
    put_int(w, r->months);
    put_int(w, r->charged_months);
    put_int(w, r->host);
    put_field(w, r->payee, &last[F_PAYEE]);
    put_field(w, r->due, &last[F_DUE]);
    put_int(w, r->total);
    put_once(w, r->exact);
    put_varint(w, r->nparts);
    for (size_t p = 0; p < r->nparts; p++) {
      put_field(w, r->parts[p].name, &last[F_PART_NAME + (p < 8 ? p : 7)]);
      put_int(w, r->parts[p].rounded);
      put_once(w, r->parts[p].exact);
      put_once(w, r->parts[p].explain);
    }
    put_varint(w, r->nservices);
    for (size_t k = 0; k < r->nservices; k++) {
      put_field(w, r->services[k].name, &last[F_SERVICE_NAME + (k < 8 ? k : 7)]);
      put_int(w, r->services[k].kroner);
    }
    put_varint(w, (uint64_t)(r->money != 0) | (uint64_t)(r->settlement_only != 0) << 1 |
                            (uint64_t)(r->has_difference != 0) << 2);
    if (r->money) {
      put_int(w, r->difference);
      put_int(w, r->settlement);
      put_int(w, r->invoice);
      put_varint(w, r->ninvoices);
      for (size_t k = 0; k < r->ninvoices; k++) {
        const cs_doc_invoice *inv = &r->invoices[k];
        put_field(w, inv->due, &last[F_INV_DUE]);
        put_int(w, inv->amount);
        put_varint(w, inv->nlines);
        for (size_t l = 0; l < inv->nlines; l++) {
          put_field(w, inv->lines[l].kind, &last[F_LINE_KIND]);
          put_field(w, inv->lines[l].service, &last[F_LINE_SERVICE]);
          put_int(w, inv->lines[l].instalment);
          put_int(w, inv->lines[l].settles);
          put_int(w, inv->lines[l].amount);
        }
      }
    }
  }
  put_varint(w, run->nyears);
  for (size_t j = 0; j < run->nyears; j++) {
    const cs_doc_year *y = &run->years[j];
    put_int(w, y->year);
    cs_wire_put_str(w, y->cooperation);
    put_int(w, y->members);
    cs_wire_put_str(w, y->cost);
    cs_wire_put_str(w, y->grants);
    cs_wire_put_str(w, y->net);
    cs_wire_put_str(w, y->balance);
    put_int(w, y->sum_shares);
    cs_wire_put_str(w, y->key);
    cs_wire_put_str(w, y->key_nb);
    cs_wire_put_str(w, y->key_label);
    cs_wire_put_str(w, y->key_source);
    cs_wire_put_str(w, y->key_assumption);
    put_int(w, y->agreement_months);
    put_int(w, y->covers);
    put_int(w, y->past_end);
    put_amounts(w, y->lines, y->nlines);
    put_amounts(w, y->grant_list, y->ngrants);
    cs_wire_put_str(w, y->actual_cost);
    cs_wire_put_str(w, y->actual_grants);
    cs_wire_put_str(w, y->actual_net);
    put_varint(w, y->nevents);
    for (size_t k = 0; k < y->nevents; k++) {
      const cs_doc_event *e = &y->events[k];
      cs_wire_put_str(w, e->kind);
      cs_wire_put_str(w, e->code);
      cs_wire_put_str(w, e->name);
      cs_wire_put_str(w, e->date);
      cs_wire_put_str(w, e->until);
      cs_wire_put_str(w, e->other_code);
      cs_wire_put_str(w, e->other_name);
    }
  }
}

int cs_wire_out_flush(cs_wire_out *w) {
  flush_buf(w);
  return w->failed ? -1 : 0;
}

/* ---- reading --------------------------------------------------------------- */

struct cs_wire_in {
  long (*fill)(void *ud, void *buf, size_t cap, cs_error *err);
  void *ud;
  size_t budget;            /* bytes still allowed (read and allocated) */
  size_t max_bytes;
  size_t pos, len;
  int eof, started;
  int broken;               /* a document read failed: its texts are gone */
  const char **texts;       /* the stream's texts by number */
  unsigned char *owned;     /* texts[i] is malloc'ed here (else in a document's arena) */
  size_t ntexts, texts_cap;
  cs_doc_arena *arena;      /* while a document is read: where its pieces go */
  unsigned char buf[IN_BUF]; /* last: left unzeroed (bytes pos..len are what was read) */
};

cs_wire_in *cs_wire_in_new(long (*fill)(void *ud, void *buf, size_t cap, cs_error *err), void *ud,
                           size_t max_bytes) {
  cs_wire_in *r = malloc(sizeof *r); /* the buffer unzeroed, as cs_wire_out_new's */
  if (!r) return NULL;
  memset(r, 0, offsetof(cs_wire_in, buf));
  r->fill = fill;
  r->ud = ud;
  r->budget = max_bytes;
  r->max_bytes = max_bytes;
  return r;
}

/* Forgets the texts read so far (the writer does at a document's end). */
static void forget_read_texts(cs_wire_in *r) {
  for (size_t i = 0; i < r->ntexts; i++)
    if (r->owned[i]) free((char *)r->texts[i]);
  r->ntexts = 0;
}

void cs_wire_in_free(cs_wire_in *r) {
  if (!r) return;
  forget_read_texts(r);
  free(r->texts);
  free(r->owned);
  free(r);
}

static int over_budget(cs_wire_in *r, const char *what, cs_error *err) {
  return cs_error_set(err, CS_ENOMEM, "%s: the results are larger than %zu MB (the memory the parent "
                      "gives them; --max-memory)", what, r->max_bytes >> 20);
}

/* Takes n bytes of the budget. */
static int charge(cs_wire_in *r, size_t n, const char *what, cs_error *err) {
  if (n > r->budget) return over_budget(r, what, err);
  r->budget -= n;
  return 0;
}

static int refill(cs_wire_in *r, const char *what, cs_error *err) {
  if (r->eof) return cs_error_set(err, CS_EINVAL, "%s: the results end too early", what);
  long got = r->fill(r->ud, r->buf, sizeof r->buf, err);
  if (got < 0) return (int)got;
  if (got == 0) {
    r->eof = 1;
    return cs_error_set(err, CS_EINVAL, "%s: the results end too early", what);
  }
  if (charge(r, (size_t)got, what, err)) return CS_ENOMEM;
  r->pos = 0;
  r->len = (size_t)got;
  return 0;
}

static int get_bytes_slow(cs_wire_in *r, void *out, size_t n, const char *what, cs_error *err) {
  unsigned char *p = out;
  while (n > 0) {
    if (r->pos == r->len) {
      int rc = refill(r, what, err);
      if (rc) return rc;
    }
    size_t k = r->len - r->pos < n ? r->len - r->pos : n;
    memcpy(p, r->buf + r->pos, k);
    r->pos += k;
    p += k;
    n -= k;
  }
  return 0;
}

/* n bytes into out: at once when the buffer holds them (a text mostly). */
static inline int get_bytes(cs_wire_in *r, void *out, size_t n, const char *what, cs_error *err) {
  if (n <= r->len - r->pos) {
    memcpy(out, r->buf + r->pos, n);
    r->pos += n;
    return 0;
  }
  return get_bytes_slow(r, out, n, what, err);
}

static int start(cs_wire_in *r, cs_error *err) {
  if (r->started) return 0;
  char magic[4];
  int rc = get_bytes(r, magic, 4, "the start of the results", err);
  if (rc) return rc;
  if (memcmp(magic, MAGIC, 4) != 0)
    return cs_error_set(err, CS_EINVAL, "the results are not in coopsim's format (" MAGIC ")");
  r->started = 1;
  return 0;
}

static int get_varint_slow(cs_wire_in *r, uint64_t *out, const char *what, cs_error *err) {
  uint64_t v = 0;
  if (r->started && r->len - r->pos >= 10) { /* the whole number is in the buffer */
    const unsigned char *p = r->buf + r->pos;
    for (int i = 0; i < 9; i++) {
      v |= (uint64_t)(p[i] & 0x7f) << (7 * i);
      if (p[i] < 0x80) {
        r->pos += (size_t)i + 1;
        *out = v;
        return 0;
      }
    }
    if (p[9] > 1) return cs_error_set(err, CS_EINVAL, "%s: a number is malformed", what); /* past 64 bits */
    r->pos += 10;
    *out = v | (uint64_t)p[9] << 63;
    return 0;
  }
  int rc = start(r, err);
  if (rc) return rc;
  for (int shift = 0; shift < 70; shift += 7) {
    unsigned char b;
    if ((rc = get_bytes(r, &b, 1, what, err))) return rc;
    if (shift == 63 && b > 1) break;
    v |= (uint64_t)(b & 0x7f) << shift;
    if (!(b & 0x80)) {
      *out = v;
      return 0;
    }
  }
  return cs_error_set(err, CS_EINVAL, "%s: a number is malformed", what);
}

/* A varint; a one- or two-byte one (a tag, a count, a flag, a text's
** number, a small figure: most of a document's) at once, inline, the rest
** by get_varint_slow. */
static inline int get_varint(cs_wire_in *r, uint64_t *out, const char *what, cs_error *err) {
  if (r->started && r->len - r->pos >= 2) {
    const unsigned char *p = r->buf + r->pos;
    if (p[0] < 0x80) {
      *out = p[0];
      r->pos += 1;
      return 0;
    }
    if (p[1] < 0x80) {
      *out = (uint64_t)(p[0] & 0x7f) | (uint64_t)p[1] << 7;
      r->pos += 2;
      return 0;
    }
  }
  return get_varint_slow(r, out, what, err);
}

int cs_wire_get_uint(cs_wire_in *r, uint64_t max, uint64_t *out, const char *what, cs_error *err) {
  int rc = get_varint(r, out, what, err);
  if (rc) return rc;
  if (*out > max)
    return cs_error_set(err, CS_EINVAL, "%s: %llu is more than %llu", what, (unsigned long long)*out,
                        (unsigned long long)max);
  return 0;
}

/* A zigzagged signed varint (inline: a document's figures are most of its numbers). */
static inline int get_int(cs_wire_in *r, int64_t *out, const char *what, cs_error *err) {
  uint64_t u;
  int rc = get_varint(r, &u, what, err);
  if (rc) return rc;
  *out = (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
  return 0;
}

int cs_wire_get_int(cs_wire_in *r, int64_t *out, const char *what, cs_error *err) {
  return get_int(r, out, what, err);
}

/* A copy of n + 1 bytes charged to the budget. */
static char *copy_text(cs_wire_in *r, const char *s, size_t n, const char *what, cs_error *err) {
  if (charge(r, n + 1, what, err)) return NULL;
  char *p = malloc(n + 1);
  if (!p) {
    cs_error_set(err, CS_ENOMEM, "%s: out of memory", what);
    return NULL;
  }
  memcpy(p, s, n + 1);
  return p;
}

/* Checks a document's text as it arrives: the n bytes at s (a NUL at
** s[n]) hold no NUL (which would cut the text short) and are valid text
** (cs_text_check). cs_text_check refuses a NUL as a control character, so
** the bytes are searched for one only when it fails, for the clearer
** message: one pass over a good text instead of two. */
static int check_text(const char *s, size_t n, const char *what, cs_error *err) {
  char why[128];
  if (cs_text_check(s, n, why, sizeof why) == 0) return 0;
  if (memchr(s, '\0', n)) return cs_error_set(err, CS_EINVAL, "%s: a text holds a NUL byte", what);
  return cs_error_set(err, CS_EINVAL, "%s \"%.40s\": %s", what, s, why);
}

/* Reads a text: NULL (tag 0), one sent before (its number), or a new one
** (its bytes), which is remembered; while a document is read its texts go
** into the document's arena and are checked (text.h) once, on arrival. */
static int get_text(cs_wire_in *r, const char **out, const char *what, cs_error *err) {
  uint64_t tag;
  *out = NULL;
  if (r->broken) return cs_error_set(err, CS_EINVAL, "%s: the results were refused already", what);
  int rc = get_varint(r, &tag, what, err);
  if (rc) return rc;
  if (tag == TAG_NULL) return 0;
  if (tag >= TAG_NUMBER) {
    if (tag - TAG_NUMBER >= r->ntexts) return cs_error_set(err, CS_EINVAL, "%s: refers to a text never sent", what);
    const char *s = r->texts[tag - TAG_NUMBER];
    if (r->arena && r->owned[tag - TAG_NUMBER]) { /* sent before the document: the document's own copy, checked */
      char why[128];
      if (cs_text_check(s, strlen(s), why, sizeof why) != 0)
        return cs_error_set(err, CS_EINVAL, "%s \"%.40s\": %s", what, s, why);
      if (!(s = cs_doc_arena_intern(r->arena, s, strlen(s), NULL))) return over_budget(r, what, err);
    }
    *out = s;
    return 0;
  }
  uint64_t n;
  if ((rc = get_varint(r, &n, what, err))) return rc;
  if (n > r->budget / 2) return over_budget(r, what, err);
  if (tag == TAG_ONCE) { /* the document's own, not numbered */
    if (!r->arena) return cs_error_set(err, CS_EINVAL, "%s: a text sent once outside a document", what);
    char *s = cs_doc_arena_alloc_raw(r->arena, (size_t)n + 1);
    if (!s) return over_budget(r, what, err);
    if ((rc = get_bytes(r, s, (size_t)n, what, err))) return rc;
    s[n] = '\0';
    if ((rc = check_text(s, (size_t)n, what, err))) return rc;
    *out = s;
    return 0;
  }
  if (r->ntexts >= TEXTS_MAX) return cs_error_set(err, CS_EINVAL, "%s: more than %u texts", what, TEXTS_MAX);
  if (r->ntexts == r->texts_cap) {
    size_t cap = r->texts_cap ? 2 * r->texts_cap : 256;
    if (charge(r, (cap - r->texts_cap) * (sizeof *r->texts + 1), what, err)) return CS_ENOMEM;
    const char **t = realloc(r->texts, cap * sizeof *t);
    if (t) r->texts = t;
    unsigned char *o = realloc(r->owned, cap);
    if (o) r->owned = o;
    if (!t || !o) return cs_error_set(err, CS_ENOMEM, "%s: out of memory", what);
    r->texts_cap = cap;
  }
  char *s;
  if (r->arena) {
    if (!(s = cs_doc_arena_alloc_raw(r->arena, (size_t)n + 1))) return over_budget(r, what, err);
  } else {
    if (charge(r, (size_t)n + 1, what, err)) return CS_ENOMEM;
    if (!(s = malloc((size_t)n + 1))) return cs_error_set(err, CS_ENOMEM, "%s: out of memory", what);
  }
  if ((rc = get_bytes(r, s, (size_t)n, what, err))) {
    if (!r->arena) free(s);
    return rc;
  }
  s[n] = '\0';
  if (r->arena) {
    if ((rc = check_text(s, (size_t)n, what, err))) return rc;
  } else if (memchr(s, '\0', (size_t)n)) { /* a head's text: checked whole later (check_head_text) */
    free(s);
    return cs_error_set(err, CS_EINVAL, "%s: a text holds a NUL byte", what);
  }
  r->owned[r->ntexts] = !r->arena;
  r->texts[r->ntexts++] = s;
  *out = s;
  return 0;
}

int cs_wire_get_str(cs_wire_in *r, char **out, const char *what, cs_error *err) {
  const char *s;
  *out = NULL;
  int rc = get_text(r, &s, what, err);
  if (rc || !s) return rc;
  if (!(*out = copy_text(r, s, strlen(s), what, err))) return err ? err->code : CS_ENOMEM;
  return 0;
}

/* A document's text field: in its arena, shared by every field with it. */
#define GET_TEXT(r, field, what, err) get_text(r, (const char **)&(field), what, err)

/* An array of n elements of size each, zeroed, in the document's arena
** (within the budget). */
static void *get_array(cs_wire_in *r, uint64_t n, size_t size, const char *what, cs_error *err) {
  if (n == 0) return NULL;
  void *p = n > r->budget / size ? NULL : cs_doc_arena_alloc(r->arena, (size_t)n * size);
  if (!p) over_budget(r, what, err);
  return p;
}

static int get_small(cs_wire_in *r, int *out, const char *what, cs_error *err) {
  int64_t v;
  int rc = get_int(r, &v, what, err);
  if (rc) return rc;
  if (v < -1000000000 || v > 1000000000) return cs_error_set(err, CS_EINVAL, "%s: %lld is out of range", what, (long long)v);
  *out = (int)v;
  return 0;
}

static int get_amounts(cs_wire_in *r, cs_doc_amount **out, size_t *n, cs_error *err) {
  uint64_t count;
  int rc = cs_wire_get_uint(r, SIZE_MAX, &count, "amounts", err);
  if (rc) return rc;
  *out = NULL;
  *n = 0;
  if (count == 0) return 0;
  if (!(*out = get_array(r, count, sizeof **out, "amounts", err))) return err ? err->code : CS_ENOMEM;
  *n = (size_t)count;
  for (size_t i = 0; i < *n; i++)
    if ((rc = GET_TEXT(r, (*out)[i].name, "an amount's name", err)) ||
        (rc = GET_TEXT(r, (*out)[i].amount, "an amount", err)))
      return rc;
  return 0;
}

static int get_code(cs_wire_in *r, char code[17], cs_error *err) {
  const char *s;
  int rc = get_text(r, &s, "a row's code", err);
  if (rc) return rc;
  size_t n = s ? strlen(s) : 0;
  if (n == 0 || n > 16) return cs_error_set(err, CS_EINVAL, "a row's code is not 1 to 16 characters");
  memcpy(code, s, n + 1);
  return 0;
}

/* A row's services and money cycle (after its parts). */
static int get_row_money(cs_wire_in *r, cs_doc_row *row, cs_error *err) {
  uint64_t n, flags;
  int64_t v;
  int rc;
  if ((rc = cs_wire_get_uint(r, SIZE_MAX, &n, "a row's services", err))) return rc;
  if (n && !(row->services = get_array(r, n, sizeof *row->services, "a row's services", err)))
    return err ? err->code : CS_ENOMEM;
  row->nservices = (size_t)n;
  for (size_t k = 0; k < row->nservices; k++) {
    if ((rc = GET_TEXT(r, row->services[k].name, "a service", err)) ||
        (rc = get_int(r, &v, "a service's kroner", err)))
      return rc;
    row->services[k].kroner = v;
  }
  if ((rc = cs_wire_get_uint(r, 7, &flags, "a row's money flags", err))) return rc;
  row->money = (int)(flags & 1);
  row->settlement_only = (int)(flags >> 1 & 1);
  row->has_difference = (int)(flags >> 2 & 1);
  if (!row->money) return 0;
  if ((rc = get_int(r, &row->difference, "a row's difference", err)) ||
      (rc = get_int(r, &row->settlement, "a row's settlement", err)) ||
      (rc = get_int(r, &row->invoice, "a row's invoice", err)) ||
      (rc = cs_wire_get_uint(r, SIZE_MAX, &n, "a row's invoices", err)))
    return rc;
  if (n && !(row->invoices = get_array(r, n, sizeof *row->invoices, "a row's invoices", err)))
    return err ? err->code : CS_ENOMEM;
  row->ninvoices = (size_t)n;
  for (size_t k = 0; k < row->ninvoices; k++) {
    cs_doc_invoice *inv = &row->invoices[k];
    uint64_t nl;
    if ((rc = GET_TEXT(r, inv->due, "an invoice's due date", err)) ||
        (rc = get_int(r, &inv->amount, "an invoice", err)) ||
        (rc = cs_wire_get_uint(r, SIZE_MAX, &nl, "an invoice's lines", err)))
      return rc;
    if (nl && !(inv->lines = get_array(r, nl, sizeof *inv->lines, "an invoice's lines", err)))
      return err ? err->code : CS_ENOMEM;
    inv->nlines = (size_t)nl;
    for (size_t l = 0; l < inv->nlines; l++) {
      cs_doc_invoice_line *line = &inv->lines[l];
      if ((rc = GET_TEXT(r, line->kind, "an invoice line", err)) ||
          (rc = GET_TEXT(r, line->service, "an invoice line", err)) ||
          (rc = get_small(r, &line->instalment, "an invoice line", err)) ||
          (rc = get_small(r, &line->settles, "an invoice line", err)) ||
          (rc = get_int(r, &line->amount, "an invoice line", err)))
        return rc;
    }
  }
  return 0;
}

static int get_row(cs_wire_in *r, cs_doc_row *row, cs_error *err) {
  int64_t v;
  int rc;
  if ((rc = get_small(r, &row->year, "a row's year", err)) || (rc = get_code(r, row->code, err)) ||
      (rc = GET_TEXT(r, row->name, "a row's name", err)) ||
      (rc = GET_TEXT(r, row->given, "a row's given name", err)) ||
      (rc = GET_TEXT(r, row->merged, "a row's merger", err)) ||
      (rc = GET_TEXT(r, row->cooperation, "a row's cooperation", err)) ||
      (rc = get_int(r, &row->population, "a row's population", err)) ||
      (rc = GET_TEXT(r, row->population_date, "a row's population date", err)) ||
      (rc = GET_TEXT(r, row->population_source, "a row's population source", err)) ||
      (rc = get_small(r, &row->months, "a row's months", err)) ||
      (rc = get_small(r, &row->charged_months, "a row's charged months", err)) ||
      (rc = get_small(r, &row->host, "a row's host flag", err)) ||
      (rc = GET_TEXT(r, row->payee, "a row's payee", err)) ||
      (rc = GET_TEXT(r, row->due, "a row's due date", err)) ||
      (rc = get_int(r, &v, "a row's total", err)))
    return rc;
  row->total = v;
  uint64_t nparts;
  if ((rc = GET_TEXT(r, row->exact, "a row's exact share", err)) ||
      (rc = cs_wire_get_uint(r, SIZE_MAX, &nparts, "a row's parts", err)))
    return rc;
  if (nparts == 0) return get_row_money(r, row, err);
  if (!(row->parts = get_array(r, nparts, sizeof *row->parts, "a row's parts", err)))
    return err ? err->code : CS_ENOMEM;
  row->nparts = (size_t)nparts;
  for (size_t p = 0; p < row->nparts; p++) {
    cs_doc_part *part = &row->parts[p];
    if ((rc = GET_TEXT(r, part->name, "a part's name", err)) ||
        (rc = get_int(r, &v, "a part", err)))
      return rc;
    part->rounded = v;
    if ((rc = GET_TEXT(r, part->exact, "a part's exact amount", err)) ||
        (rc = GET_TEXT(r, part->explain, "a part's explanation", err)))
      return rc;
  }
  return get_row_money(r, row, err);
}

static int get_year(cs_wire_in *r, cs_doc_year *y, cs_error *err) {
  int64_t v;
  int rc;
  if ((rc = get_small(r, &y->year, "a year", err)) ||
      (rc = GET_TEXT(r, y->cooperation, "a year's cooperation", err)) ||
      (rc = get_small(r, &y->members, "a year's members", err)) ||
      (rc = GET_TEXT(r, y->cost, "a year's cost", err)) ||
      (rc = GET_TEXT(r, y->grants, "a year's grants", err)) ||
      (rc = GET_TEXT(r, y->net, "a year's net cost", err)) ||
      (rc = GET_TEXT(r, y->balance, "a year's balance", err)) ||
      (rc = get_int(r, &v, "a year's sum of shares", err)))
    return rc;
  y->sum_shares = v;
  if ((rc = GET_TEXT(r, y->key, "a year's key", err)) ||
      (rc = GET_TEXT(r, y->key_nb, "a year's key in bokmål", err)) ||
      (rc = GET_TEXT(r, y->key_label, "a key's label", err)) ||
      (rc = GET_TEXT(r, y->key_source, "a key's source", err)) ||
      (rc = GET_TEXT(r, y->key_assumption, "a key's assumption", err)) ||
      (rc = get_small(r, &y->agreement_months, "a year's agreement months", err)) ||
      (rc = get_small(r, &y->covers, "a year's covers flag", err)) ||
      (rc = get_small(r, &y->past_end, "a year's past-end flag", err)) ||
      (rc = get_amounts(r, &y->lines, &y->nlines, err)) ||
      (rc = get_amounts(r, &y->grant_list, &y->ngrants, err)))
    return rc;
  if ((rc = GET_TEXT(r, y->actual_cost, "a year's actual cost", err)) ||
      (rc = GET_TEXT(r, y->actual_grants, "a year's actual grants", err)) ||
      (rc = GET_TEXT(r, y->actual_net, "a year's actual net cost", err)))
    return rc;
  uint64_t n;
  if ((rc = cs_wire_get_uint(r, SIZE_MAX, &n, "a year's events", err))) return rc;
  if (n == 0) return 0;
  if (!(y->events = get_array(r, n, sizeof *y->events, "a year's events", err))) return err ? err->code : CS_ENOMEM;
  y->nevents = (size_t)n;
  for (size_t k = 0; k < y->nevents; k++) {
    cs_doc_event *e = &y->events[k];
    if ((rc = GET_TEXT(r, e->kind, "an event", err)) || (rc = GET_TEXT(r, e->code, "an event", err)) ||
        (rc = GET_TEXT(r, e->name, "an event", err)) || (rc = GET_TEXT(r, e->date, "an event", err)) ||
        (rc = GET_TEXT(r, e->until, "an event", err)) ||
        (rc = GET_TEXT(r, e->other_code, "an event", err)) ||
        (rc = GET_TEXT(r, e->other_name, "an event", err)))
      return rc;
  }
  return 0;
}

/* The head's texts come before the document's arena (cs_wire_get_str), so
** they are checked here, as every text of the document is where it comes. */
static int check_head_text(const char *s, const char *what, cs_error *err) {
  char why[128];
  if (s && cs_text_check(s, strlen(s), why, sizeof why) != 0)
    return cs_error_set(err, CS_EINVAL, "%s \"%.40s\": %s", what, s, why);
  return 0;
}

int cs_wire_get_doc(cs_wire_in *r, size_t max_rows, cs_doc **out, cs_error *err) {
  return cs_wire_get_doc_each(r, max_rows, NULL, NULL, out, err);
}

int cs_wire_get_doc_each(cs_wire_in *r, size_t max_rows, cs_wire_run_fn *arrived, void *ud, cs_doc **out,
                         cs_error *err) {
  *out = NULL;
  if (r->broken) return cs_error_set(err, CS_EINVAL, "the results were refused already");
  if (charge(r, sizeof(cs_doc), "the document", err)) return CS_ENOMEM;
  cs_doc *doc = calloc(1, sizeof *doc);
  if (!doc || !(doc->arena = cs_doc_arena_new(r->budget))) {
    free(doc);
    return cs_error_set(err, CS_ENOMEM, "out of memory reading the results");
  }
  size_t rows = 0, cap = 0;
  int rc;
  if ((rc = cs_wire_get_str(r, &doc->coopsim_version, "the coopsim version", err)) ||
      (rc = cs_wire_get_str(r, &doc->scenario_file, "the scenario file", err)) ||
      (rc = check_head_text(doc->coopsim_version, "the coopsim version", err)) ||
      (rc = check_head_text(doc->scenario_file, "the scenario file", err)))
    goto fail;
  r->arena = doc->arena; /* the document's texts and arrays from here on */
  doc->texts_checked = 1; /* each text is checked as it comes (get_text) */
  for (;;) {
    uint64_t n;
    if ((rc = cs_wire_get_uint(r, DOC_FAILED, &n, "the next run", err))) goto fail;
    if (n == DOC_END) break;
    if (n == DOC_FAILED) {
      rc = cs_error_set(err, CS_ERROR, "the worker could not make the results (it said why)");
      goto fail;
    }
    if (doc->nruns == cap) { /* the runs array is the document's own (cs_doc_free frees it) */
      size_t more = cap ? 2 * cap : 4;
      if (more > (1u << 20)) {
        rc = cs_error_set(err, CS_EINVAL, "more than %u runs", 1u << 20);
        goto fail;
      }
      if (charge(r, (more - cap) * sizeof *doc->runs, "the runs", err)) {
        rc = CS_ENOMEM;
        goto fail;
      }
      cs_doc_run *runs = realloc(doc->runs, more * sizeof *runs);
      if (!runs) {
        rc = cs_error_set(err, CS_ENOMEM, "out of memory reading the results");
        goto fail;
      }
      memset(runs + cap, 0, (more - cap) * sizeof *runs);
      doc->runs = runs;
      cap = more;
    }
    cs_doc_run *run = &doc->runs[doc->nruns++];
    if ((rc = GET_TEXT(r, run->scenario, "a run's name", err)) ||
        (rc = get_small(r, &run->from, "a run's first year", err)) ||
        (rc = get_small(r, &run->to, "a run's last year", err)) ||
        (rc = GET_TEXT(r, run->options, "a run's options", err)) ||
        (rc = cs_wire_get_uint(r, max_rows - rows, &n, "the number of rows (--max-rows)", err)))
      goto fail;
    rows += (size_t)n;
    if (n && !(run->rows = get_array(r, n, sizeof *run->rows, "the rows", err))) {
      rc = err ? err->code : CS_ENOMEM;
      goto fail;
    }
    for (size_t j = 0; j < n; j++) {
      run->nrows = j + 1;
      if ((rc = get_row(r, &run->rows[j], err))) goto fail;
    }
    if ((rc = cs_wire_get_uint(r, SIZE_MAX, &n, "the number of years", err))) goto fail;
    if (n && !(run->years = get_array(r, n, sizeof *run->years, "the years", err))) {
      rc = err ? err->code : CS_ENOMEM;
      goto fail;
    }
    for (size_t j = 0; j < n; j++) {
      run->nyears = j + 1;
      if ((rc = get_year(r, &run->years[j], err))) goto fail;
    }
    /* every figure of the run alone, then the relations between them that
    ** every simulated run has (doc.h): here, as it arrives, so that no
    ** caller can forget them, whoever is handed the run gets it checked,
    ** and the checks of one run overlap the worker's sending of the next */
    if ((rc = cs_doc_check_run(doc, doc->nruns - 1, err)) ||
        (rc = cs_doc_check_run_relations(doc, doc->nruns - 1, err)))
      goto fail;
    if (arrived) arrived(ud, doc, doc->nruns - 1);
  }
  r->arena = NULL;
  forget_read_texts(r);
  size_t used = cs_doc_arena_bytes(doc->arena);
  if (used > r->budget) {
    rc = over_budget(r, "the document", err);
    goto fail;
  }
  r->budget -= used;
  /* the head's texts were checked by check_head_text, each run as it came */
  *out = doc;
  return 0;
fail:
  /* the texts read so far are in the arena that goes now; whoever was
  ** handed runs stops reading them first (cs_wire_run_fn) */
  if (arrived) arrived(ud, doc, CS_WIRE_REFUSED);
  r->arena = NULL;
  forget_read_texts(r);
  r->broken = 1;
  cs_doc_free(doc);
  return rc ? rc : CS_EINVAL;
}

int cs_wire_at_end(cs_wire_in *r, cs_error *err) {
  if (r->pos < r->len) return 0;
  if (r->eof) return 1;
  long got = r->fill(r->ud, r->buf, sizeof r->buf, err);
  if (got <= 0) {
    r->eof = 1;
    return got == 0;
  }
  if (charge(r, (size_t)got, "the end of the results", err)) return 0;
  r->pos = 0;
  r->len = (size_t)got;
  return 0;
}
