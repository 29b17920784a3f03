/*
** registry.c: Norwegian municipalities, populations and changes, read from
** coopsim's CSV schema (see registry.h), embedded or from a folder.
*/
#include <errno.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "coopsim/q.h"
#include "coopsim/readfile.h"
#include "coopsim/registry.h"
#include "embedded.h"

typedef struct county {
  char code[3];
  const char *name;
  cs_date from, to;
} county;

typedef struct popentry {
  char code[5];
  int year;
  int64_t pop;
} popentry;

typedef struct splitentry {
  cs_date date;
  char old_code[5], new_code[5];
  cs_q fraction;
  const char *text; /* the fraction as written ("0.137875"), for explanations */
} splitentry;

/* A row of territories.csv: on date, code came into being with exactly the
** territory same_as had on as_of. */
typedef struct territory {
  cs_date date, as_of;
  char code[5], same_as[5];
  const char *source;
} territory;

/* A change record in an index by code (the old or the new one), then date. */
typedef struct chref {
  char code[5];
  cs_date date;
  uint32_t i; /* into changes */
} chref;

struct cs_registry {
  char *arena; /* all strings */
  size_t arena_used, arena_size;
  cs_municipality *munis;
  size_t nmunis;
  county *counties;
  size_t ncounties;
  popentry *pops;
  size_t npops;
  cs_change *changes;
  size_t nchanges;
  splitentry *splits;
  size_t nsplits;
  territory *terrs;
  size_t nterrs;
  chref *by_new, *by_old; /* the changes by new code and by old code (nchanges each) */
  char *sources;
  int pop_first, pop_last;
  struct popmemo *memo; /* answers of cs_registry_population_of (see there) */
};

/* cs_registry_population_of's answers, kept: the path for a year before a
** code existed walks the changes (some 100 000 instructions), and every run
** of a scenario asks the same again. Only answers without an error are
** kept. Open addressing on (code, at, year). */
typedef struct popmemo_entry {
  uint64_t key; /* 0: empty */
  int64_t pop;
  int proxy;
} popmemo_entry;

struct popmemo {
  pthread_mutex_t lock; /* several simulations may ask at once (simulate_many.c) */
  size_t cap, n;        /* cap a power of two */
  popmemo_entry *e;
};

/* The memo's key, every field in bits of its own: a flag (never 0), the
** code's four ASCII bytes (7 bits each), the date (14 + 4 + 5 bits) and the
** year (12 bits). 0 (not kept) for anything that does not fit. */
static uint64_t memo_key(const char *code, cs_date at, int year) {
  uint64_t c = 0;
  size_t n = strlen(code);
  if (n == 0 || n > 4 || year < 0 || year > 4095 || at.year < 0 || at.year > 16383) return 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char b = (unsigned char)code[i];
    if (b >= 128) return 0;
    c |= (uint64_t)b << (7 * i);
  }
  uint64_t d = (uint64_t)at.year << 9 | (uint64_t)(at.month & 15) << 5 | (uint64_t)(at.day & 31);
  return (uint64_t)1 << 63 | c << 35 | d << 12 | (uint64_t)year;
}

static size_t memo_slot(uint64_t key, size_t cap) {
  key ^= key >> 29;
  key *= 0xbf58476d1ce4e5b9u;
  key ^= key >> 32;
  return (size_t)key & (cap - 1);
}

/* The answer kept for key into *pop, *proxy: 1, or 0 when there is none. */
static int memo_get(struct popmemo *m, uint64_t key, int64_t *pop, int *proxy) {
  int found = 0;
  if (!m || !key) return 0;
  pthread_mutex_lock(&m->lock);
  if (m->cap)
    for (size_t j = memo_slot(key, m->cap); m->e[j].key; j = (j + 1) & (m->cap - 1))
      if (m->e[j].key == key) {
        *pop = m->e[j].pop;
        *proxy = m->e[j].proxy;
        found = 1;
        break;
      }
  pthread_mutex_unlock(&m->lock);
  return found;
}

/* memo_put with the lock held. */
static void memo_put_locked(struct popmemo *m, uint64_t key, int64_t pop, int proxy) {
  for (size_t j = m->cap ? memo_slot(key, m->cap) : 0; m->cap && m->e[j].key; j = (j + 1) & (m->cap - 1))
    if (m->e[j].key == key) return;
  if (m->n >= ((size_t)1 << 20)) return;
  if (2 * (m->n + 1) > m->cap) {
    size_t cap = m->cap ? 2 * m->cap : 1024;
    popmemo_entry *e = calloc(cap, sizeof *e);
    if (!e) return;
    for (size_t i = 0; i < m->cap; i++)
      if (m->e[i].key) {
        size_t j = memo_slot(m->e[i].key, cap);
        while (e[j].key) j = (j + 1) & (cap - 1);
        e[j] = m->e[i];
      }
    free(m->e);
    m->e = e;
    m->cap = cap;
  }
  size_t j = memo_slot(key, m->cap);
  while (m->e[j].key) j = (j + 1) & (m->cap - 1);
  m->e[j].key = key;
  m->e[j].pop = pop;
  m->e[j].proxy = proxy;
  m->n++;
}

/* Keeps an answer (once: another thread may have kept it meanwhile); when
** out of memory it is simply not kept. */
static void memo_put(struct popmemo *m, uint64_t key, int64_t pop, int proxy) {
  if (!m || !key) return;
  pthread_mutex_lock(&m->lock);
  memo_put_locked(m, key, pop, proxy);
  pthread_mutex_unlock(&m->lock);
}


static const cs_date FOREVER = {9999, 12, 31};

static const cs_municipality *period_at(const cs_registry *r, const char *code, cs_date at);

/* ---- loading ---------------------------------------------------------- */

typedef struct source {
  const char *name; /* file name for messages */
  char *text;       /* NUL-terminated, owned */
  size_t size;
} source;

/* 1 if path does not exist (an optional file may be absent). */
static int access_missing(const char *path) {
  FILE *f = fopen(path, "rb");
  if (f) {
    fclose(f);
    return 0;
  }
  return errno == ENOENT;
}

static int read_source(source *out, const char *dir, const char *file, int optional,
                       cs_error *err) {
  out->name = file;
  out->text = NULL;
  out->size = 0;
  if (!dir) {
    const struct cs_embedded_file *f = cs_embedded_find(file);
    if (!f) {
      if (optional) return CS_OK;
      return cs_error_set(err, CS_ENOTFOUND, "embedded registry file %s is missing", file);
    }
    out->text = malloc(f->size + 1);
    if (!out->text) return cs_error_set(err, CS_ENOMEM, "out of memory");
    memcpy(out->text, f->data, f->size);
    out->text[f->size] = '\0';
    out->size = f->size;
    return CS_OK;
  }
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, file);
  if (optional && access_missing(path)) return CS_OK;
  out->text = cs_read_file(path, &out->size, err);
  return out->text ? CS_OK : CS_EIO;
}

static const char *intern(cs_registry *r, const char *s, size_t len) {
  if (r->arena_used + len + 1 > r->arena_size) return NULL; /* sized up front */
  char *p = r->arena + r->arena_used;
  memcpy(p, s, len);
  p[len] = '\0';
  r->arena_used += len + 1;
  return p;
}

/* Splits the next line of *cursor into at most max fields (in place).
** Returns the field count, 0 at the end of input. */
static int next_fields(char **cursor, char **fields, int max, int *lineno) {
  char *p = *cursor;
  if (!p || !*p) return 0;
  char *end = strchr(p, '\n');
  if (end) {
    *end = '\0';
    *cursor = end + 1;
  } else {
    *cursor = p + strlen(p);
  }
  (*lineno)++;
  size_t len = strlen(p);
  if (len && p[len - 1] == '\r') p[len - 1] = '\0';
  int n = 0;
  fields[n++] = p;
  for (char *c = p; *c; c++) {
    if (*c == ',') {
      *c = '\0';
      if (n == max) return max + 1; /* too many fields */
      fields[n++] = c + 1;
    }
  }
  return n;
}

/* Makes room for one more element in *arr (n in use, *cap allocated). */
static int reserve(void **arr, size_t *cap, size_t n, size_t elem, size_t first) {
  if (n < *cap) return 0;
  size_t ncap = *cap ? *cap * 2 : first;
  void *p = realloc(*arr, ncap * elem);
  if (!p) return -1;
  *arr = p;
  *cap = ncap;
  return 0;
}

static int is_code(const char *s, size_t digits) {
  if (strlen(s) != digits) return 0;
  for (size_t i = 0; i < digits; i++)
    if (s[i] < '0' || s[i] > '9') return 0;
  return 1;
}

static int parse_i64(const char *s, int64_t *out) {
  if (!*s) return 0;
  int64_t v = 0;
  for (const char *c = s; *c; c++) {
    if (*c < '0' || *c > '9') return 0;
    if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, *c - '0', &v)) return 0;
  }
  *out = v;
  return 1;
}

static int parse_period(const char *from, const char *to, cs_date *f, cs_date *t) {
  if (cs_date_parse(f, from, NULL)) return 0;
  if (!*to) {
    *t = FOREVER;
    return 1;
  }
  return cs_date_parse(t, to, NULL) == 0 && cs_date_cmp(*f, *t) < 0;
}

#define BAD(src, line, ...)                                                      \
  do {                                                                           \
    char m_[400];                                                                \
    snprintf(m_, sizeof m_, __VA_ARGS__);                                        \
    return cs_error_set(err, CS_EINVAL, "%s:%d: %s", (src)->name, (line), m_); \
  } while (0)

static int check_header(const source *s, char **cursor, const char *expect, cs_error *err) {
  char *p = *cursor, *end = strchr(p, '\n');
  size_t len = end ? (size_t)(end - p) : strlen(p);
  if (len && p[len - 1] == '\r') len--;
  if (len != strlen(expect) || strncmp(p, expect, len) != 0)
    BAD(s, 1, "header is not \"%s\"", expect);
  *cursor = end ? end + 1 : p + strlen(p);
  return CS_OK;
}

static int load_munis(cs_registry *r, source *s, cs_error *err) {
  char *cur = s->text, *f[8];
  int line = 1, n;
  if (check_header(s, &cur, "code,name,valid_from,valid_to", err)) return err ? err->code : CS_EINVAL;
  size_t cap = 0;
  while ((n = next_fields(&cur, f, 4, &line)) > 0) {
    if (n == 1 && !*f[0]) continue;
    if (n != 4) BAD(s, line, "expected 4 fields, got %d", n);
    if (!is_code(f[0], 4)) BAD(s, line, "invalid municipality code \"%s\"", f[0]);
    if (!*f[1]) BAD(s, line, "empty name for %s", f[0]);
    cs_date from, to;
    if (!parse_period(f[2], f[3], &from, &to))
      BAD(s, line, "invalid validity period \"%s\"..\"%s\"", f[2], f[3]);
    if (reserve((void **)&r->munis, &cap, r->nmunis, sizeof *r->munis, 1024))
      return cs_error_set(err, CS_ENOMEM, "out of memory");
    cs_municipality *m = &r->munis[r->nmunis++];
    m->code = intern(r, f[0], 4);
    m->name = intern(r, f[1], strlen(f[1]));
    m->county_code = intern(r, f[0], 2);
    m->county = "";
    m->valid_from = from;
    m->valid_to = to;
  }
  return CS_OK;
}

static int load_counties(cs_registry *r, source *s, cs_error *err) {
  if (!s->text) return CS_OK;
  char *cur = s->text, *f[8];
  int line = 1, n;
  if (check_header(s, &cur, "code,name,valid_from,valid_to", err)) return err ? err->code : CS_EINVAL;
  size_t cap = 0;
  while ((n = next_fields(&cur, f, 4, &line)) > 0) {
    if (n == 1 && !*f[0]) continue;
    if (n != 4) BAD(s, line, "expected 4 fields, got %d", n);
    if (!is_code(f[0], 2)) BAD(s, line, "invalid county code \"%s\"", f[0]);
    cs_date from, to;
    if (!parse_period(f[2], f[3], &from, &to))
      BAD(s, line, "invalid validity period \"%s\"..\"%s\"", f[2], f[3]);
    if (reserve((void **)&r->counties, &cap, r->ncounties, sizeof *r->counties, 64))
      return cs_error_set(err, CS_ENOMEM, "out of memory");
    county *c = &r->counties[r->ncounties++];
    memcpy(c->code, f[0], 3);
    c->name = intern(r, f[1], strlen(f[1]));
    c->from = from;
    c->to = to;
  }
  return CS_OK;
}

static int load_pops(cs_registry *r, source *s, cs_error *err) {
  char *cur = s->text, *f[8];
  int line = 1, n;
  if (check_header(s, &cur, "year,code,population", err)) return err ? err->code : CS_EINVAL;
  size_t cap = 0;
  r->pop_first = 9999;
  r->pop_last = 0;
  while ((n = next_fields(&cur, f, 3, &line)) > 0) {
    if (n == 1 && !*f[0]) continue;
    if (n != 3) BAD(s, line, "expected 3 fields, got %d", n);
    int64_t year, pop;
    if (!parse_i64(f[0], &year) || year < 1900 || year > 2100) BAD(s, line, "invalid year \"%s\"", f[0]);
    if (!is_code(f[1], 4)) BAD(s, line, "invalid municipality code \"%s\"", f[1]);
    if (!parse_i64(f[2], &pop) || pop > CS_POPULATION_MAX)
      BAD(s, line, "invalid population \"%s\" (expected a whole number 0..%d)", f[2],
          CS_POPULATION_MAX);
    if (reserve((void **)&r->pops, &cap, r->npops, sizeof *r->pops, 8192))
      return cs_error_set(err, CS_ENOMEM, "out of memory");
    popentry *p = &r->pops[r->npops++];
    memcpy(p->code, f[1], 5);
    p->year = (int)year;
    p->pop = pop;
    if (year < r->pop_first) r->pop_first = (int)year;
    if (year > r->pop_last) r->pop_last = (int)year;
  }
  return CS_OK;
}

static int load_changes(cs_registry *r, source *s, cs_error *err) {
  char *cur = s->text, *f[8];
  int line = 1, n;
  if (check_header(s, &cur, "date,old_code,old_name,new_code,new_name", err)) return err ? err->code : CS_EINVAL;
  size_t cap = 0;
  while ((n = next_fields(&cur, f, 5, &line)) > 0) {
    if (n == 1 && !*f[0]) continue;
    if (n != 5) BAD(s, line, "expected 5 fields, got %d", n);
    cs_date d;
    if (cs_date_parse(&d, f[0], NULL)) BAD(s, line, "invalid date \"%s\"", f[0]);
    if (!is_code(f[1], 4)) BAD(s, line, "invalid old code \"%s\"", f[1]);
    if (!is_code(f[3], 4)) BAD(s, line, "invalid new code \"%s\"", f[3]);
    if (reserve((void **)&r->changes, &cap, r->nchanges, sizeof *r->changes, 1024))
      return cs_error_set(err, CS_ENOMEM, "out of memory");
    cs_change *c = &r->changes[r->nchanges++];
    c->date = d;
    c->old_code = intern(r, f[1], 4);
    c->old_name = intern(r, f[2], strlen(f[2]));
    c->new_code = intern(r, f[3], 4);
    c->new_name = intern(r, f[4], strlen(f[4]));
  }
  return CS_OK;
}

static int load_splits(cs_registry *r, source *s, cs_error *err) {
  if (!s->text) return CS_OK;
  char *cur = s->text, *f[8];
  int line = 1, n;
  if (check_header(s, &cur, "date,old_code,new_code,fraction,basis", err)) return err ? err->code : CS_EINVAL;
  size_t cap = 0;
  while ((n = next_fields(&cur, f, 5, &line)) > 0) {
    if (n == 1 && !*f[0]) continue;
    if (n < 4) BAD(s, line, "expected 5 fields, got %d", n);
    cs_date d;
    cs_q frac, one;
    cs_q_from_i64(&one, 1);
    if (cs_date_parse(&d, f[0], NULL)) BAD(s, line, "invalid date \"%s\"", f[0]);
    if (!is_code(f[1], 4) || !is_code(f[2], 4)) BAD(s, line, "invalid code \"%s\" or \"%s\"", f[1], f[2]);
    if (cs_q_from_decimal(&frac, f[3]) || cs_q_sign(&frac) < 0 || cs_q_cmp(&frac, &one) > 0)
      BAD(s, line, "invalid fraction \"%s\" (expected 0..1)", f[3]);
    if (reserve((void **)&r->splits, &cap, r->nsplits, sizeof *r->splits, 16))
      return cs_error_set(err, CS_ENOMEM, "out of memory");
    splitentry *e = &r->splits[r->nsplits++];
    e->date = d;
    memcpy(e->old_code, f[1], 5);
    memcpy(e->new_code, f[2], 5);
    e->fraction = frac;
    e->text = intern(r, f[3], strlen(f[3]));
  }
  return CS_OK;
}

/* territories.csv: date,code,same_as,as_of,source. What the rows claim is
** checked against the other tables once they are loaded (check_territories). */
static int load_territories(cs_registry *r, source *s, cs_error *err) {
  if (!s->text) return CS_OK;
  char *cur = s->text, *f[8];
  int line = 1, n;
  if (check_header(s, &cur, "date,code,same_as,as_of,source", err)) return err ? err->code : CS_EINVAL;
  size_t cap = 0;
  while ((n = next_fields(&cur, f, 5, &line)) > 0) {
    if (n == 1 && !*f[0]) continue;
    if (n != 5) BAD(s, line, "expected 5 fields, got %d (the source must not contain a comma)", n);
    territory t;
    memset(&t, 0, sizeof t);
    if (cs_date_parse(&t.date, f[0], NULL)) BAD(s, line, "invalid date \"%s\"", f[0]);
    if (!is_code(f[1], 4)) BAD(s, line, "invalid municipality code \"%s\"", f[1]);
    if (!is_code(f[2], 4)) BAD(s, line, "invalid municipality code \"%s\"", f[2]);
    if (cs_date_parse(&t.as_of, f[3], NULL)) BAD(s, line, "invalid date \"%s\"", f[3]);
    if (cs_date_cmp(t.as_of, t.date) >= 0)
      BAD(s, line, "as_of %s is not before the date %s", f[3], f[0]);
    if (!*f[4]) BAD(s, line, "no source for %s = %s", f[1], f[2]);
    for (size_t i = 0; i < r->nterrs; i++)
      if (cs_date_cmp(r->terrs[i].date, t.date) == 0 && strcmp(r->terrs[i].code, f[1]) == 0)
        BAD(s, line, "a second row for %s on %s", f[1], f[0]);
    if (reserve((void **)&r->terrs, &cap, r->nterrs, sizeof *r->terrs, 8))
      return cs_error_set(err, CS_ENOMEM, "out of memory");
    memcpy(t.code, f[1], 5);
    memcpy(t.same_as, f[2], 5);
    t.source = intern(r, f[4], strlen(f[4]));
    r->terrs[r->nterrs++] = t;
  }
  return CS_OK;
}

static int cmp_muni(const void *pa, const void *pb) {
  const cs_municipality *a = pa, *b = pb;
  int c = strcmp(a->code, b->code);
  return c ? c : cs_date_cmp(a->valid_from, b->valid_from);
}

static int cmp_pop(const void *pa, const void *pb) {
  const popentry *a = pa, *b = pb;
  int c = strcmp(a->code, b->code);
  return c ? c : (a->year > b->year) - (a->year < b->year);
}

static int cmp_change(const void *pa, const void *pb) {
  const cs_change *a = pa, *b = pb;
  int c = cs_date_cmp(a->date, b->date);
  if (!c) c = strcmp(a->old_code, b->old_code);
  if (!c) c = strcmp(a->new_code, b->new_code);
  return c;
}

/* qsort, unless the array is in order already (the shipped files are): one
** linear check instead of n log n calls of cmp at every start. glibc's qsort
** is a stable merge sort, so a sorted array would come out unchanged anyway. */
static void sort_if_needed(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *)) {
  const char *p = base;
  for (size_t i = 1; i < n; i++)
    if (cmp(p + (i - 1) * size, p + i * size) > 0) {
      qsort(base, n, size, cmp);
      return;
    }
}

/* population.csv is by year, then code; lookups want code, then year. A
** stable counting sort on the four-digit code does it in linear time; the
** result is checked (and sorted in full if the years were out of order). */
static int sort_pops(cs_registry *r) {
  size_t *start = calloc(10001, sizeof *start);
  popentry *sorted = malloc((r->npops ? r->npops : 1) * sizeof *sorted);
  if (!start || !sorted) {
    free(start);
    free(sorted);
    return CS_ENOMEM;
  }
  for (size_t i = 0; i < r->npops; i++) start[atoi(r->pops[i].code) + 1]++;
  for (size_t k = 1; k <= 10000; k++) start[k] += start[k - 1];
  for (size_t i = 0; i < r->npops; i++) sorted[start[atoi(r->pops[i].code)]++] = r->pops[i];
  free(start);
  free(r->pops);
  r->pops = sorted;
  sort_if_needed(r->pops, r->npops, sizeof *r->pops, cmp_pop);
  return CS_OK;
}

static const char *county_name(const cs_registry *r, const char *code, cs_date at) {
  for (size_t i = 0; i < r->ncounties; i++) {
    const county *c = &r->counties[i];
    if (strncmp(c->code, code, 2) == 0 && cs_date_cmp(c->from, at) <= 0 &&
        cs_date_cmp(at, c->to) < 0)
      return c->name;
  }
  return "";
}

static const char *const registry_files[CS_REGISTRY_FILES] = {
    "municipalities.csv", "counties.csv",        "population.csv", "changes.csv",
    "split_fractions.csv", "SOURCES.md", "territories.csv"};

static int cmp_chref(const void *pa, const void *pb) {
  const chref *a = pa, *b = pb;
  int c = strcmp(a->code, b->code);
  if (!c) c = cs_date_cmp(a->date, b->date);
  return c ? c : (a->i > b->i) - (a->i < b->i);
}

/* The changes by new code and by old code (each sorted by code, then date). */
static int index_changes(cs_registry *r) {
  size_t n = r->nchanges ? r->nchanges : 1;
  if (r->nchanges > UINT32_MAX) return CS_EOVERFLOW;
  r->by_new = malloc(n * sizeof *r->by_new);
  r->by_old = malloc(n * sizeof *r->by_old);
  if (!r->by_new || !r->by_old) return CS_ENOMEM;
  for (size_t i = 0; i < r->nchanges; i++) {
    memcpy(r->by_new[i].code, r->changes[i].new_code, 5);
    memcpy(r->by_old[i].code, r->changes[i].old_code, 5);
    r->by_new[i].date = r->by_old[i].date = r->changes[i].date;
    r->by_new[i].i = r->by_old[i].i = (uint32_t)i;
  }
  if (r->nchanges > 1) {
    qsort(r->by_new, r->nchanges, sizeof *r->by_new, cmp_chref);
    qsort(r->by_old, r->nchanges, sizeof *r->by_old, cmp_chref);
  }
  return CS_OK;
}

static size_t split_targets(const cs_registry *r, const char *old_code, cs_date date);
static void index_range(const chref *ix, size_t n, const char *code, size_t *lo, size_t *hi);

/* Each row of territories.csv against the other tables: code came into
** being on date by a split, and same_as was valid on as_of. */
static int check_territories(cs_registry *r, cs_error *err) {
  for (size_t i = 0; i < r->nterrs; i++) {
    const territory *t = &r->terrs[i];
    char d[11], a[11];
    cs_date_format(t->date, d);
    cs_date_format(t->as_of, a);
    int split_into = 0;
    for (size_t k = 0; k < r->nchanges; k++) {
      const cs_change *c = &r->changes[k];
      if (cs_date_cmp(c->date, t->date) == 0 && strcmp(c->new_code, t->code) == 0 &&
          split_targets(r, c->old_code, t->date) > 1)
        split_into = 1;
    }
    if (!split_into || !period_at(r, t->code, t->date))
      return cs_error_set(err, CS_EINVAL,
                          "territories.csv: %s on %s: the change table records no split into %s "
                          "on that date",
                          t->code, d, t->code);
    if (!period_at(r, t->same_as, t->as_of))
      return cs_error_set(err, CS_EINVAL, "territories.csv: %s was not valid on %s", t->same_as, a);
  }
  return CS_OK;
}

/* Opens from a folder (dir), the embedded files (dir NULL, texts NULL) or
** texts in memory (texts[i] for registry_files[i], NULL when absent). */
static int open_from(cs_registry **out, const char *dir, const char *const *texts,
                     cs_error *err) {
  source src[CS_REGISTRY_FILES] = {{0}};
  int rc = CS_OK;
  *out = NULL;
  cs_registry *r = calloc(1, sizeof *r);
  if (!r) return cs_error_set(err, CS_ENOMEM, "out of memory");
  if (!(r->memo = calloc(1, sizeof *r->memo)) || pthread_mutex_init(&r->memo->lock, NULL) != 0) {
    free(r->memo);
    free(r);
    return cs_error_set(err, CS_ENOMEM, "out of memory");
  }
  size_t total = 0;
  for (int i = 0; i < CS_REGISTRY_FILES; i++) {
    int optional = (i == 1 || i >= 4);
    if (texts) {
      src[i].name = registry_files[i];
      if (!texts[i] && !optional) {
        rc = cs_error_set(err, CS_ENOTFOUND, "registry table for %s is missing", registry_files[i]);
        goto done;
      }
      if (texts[i]) {
        src[i].size = strlen(texts[i]);
        src[i].text = malloc(src[i].size + 1);
        if (!src[i].text) {
          rc = cs_error_set(err, CS_ENOMEM, "out of memory");
          goto done;
        }
        memcpy(src[i].text, texts[i], src[i].size + 1);
      }
    } else if ((rc = read_source(&src[i], dir, registry_files[i], optional, err)) != CS_OK) {
      goto done;
    }
    total += src[i].size + 1;
  }
  r->arena_size = total;
  r->arena = malloc(total ? total : 1);
  if (!r->arena) {
    rc = cs_error_set(err, CS_ENOMEM, "out of memory");
    goto done;
  }
  if ((rc = load_munis(r, &src[0], err)) || (rc = load_counties(r, &src[1], err)) ||
      (rc = load_pops(r, &src[2], err)) || (rc = load_changes(r, &src[3], err)) ||
      (rc = load_splits(r, &src[4], err)) || (rc = load_territories(r, &src[6], err)))
    goto done;
  r->sources = src[5].text ? src[5].text : NULL;
  src[5].text = NULL;
  sort_if_needed(r->munis, r->nmunis, sizeof *r->munis, cmp_muni);
  if (sort_pops(r)) {
    rc = cs_error_set(err, CS_ENOMEM, "out of memory");
    goto done;
  }
  sort_if_needed(r->changes, r->nchanges, sizeof *r->changes, cmp_change);
  if ((rc = index_changes(r))) {
    rc = cs_error_set(err, rc, "out of memory");
    goto done;
  }
  if ((rc = check_territories(r, err))) goto done;
  for (size_t i = 0; i < r->nmunis; i++)
    r->munis[i].county = county_name(r, r->munis[i].code, r->munis[i].valid_from);
done:
  for (int i = 0; i < CS_REGISTRY_FILES; i++) free(src[i].text);
  if (rc) {
    cs_registry_free(r);
    return rc;
  }
  *out = r;
  return CS_OK;
}

int cs_registry_open_embedded(cs_registry **out, cs_error *err) {
  return open_from(out, NULL, NULL, err);
}

int cs_registry_open_texts(cs_registry **out, const char *const *texts, size_t ntexts,
                           cs_error *err) {
  const char *all[CS_REGISTRY_FILES] = {NULL};
  *out = NULL;
  if (!texts || ntexts > CS_REGISTRY_FILES)
    return cs_error_set(err, CS_EINVAL, "registry: %zu tables given, at most %d", ntexts,
                        CS_REGISTRY_FILES);
  for (size_t i = 0; i < ntexts; i++) all[i] = texts[i];
  return open_from(out, NULL, all, err);
}

const char *cs_registry_file_name(int i) {
  return i >= 0 && i < CS_REGISTRY_FILES ? registry_files[i] : NULL;
}

int cs_registry_open_dir(cs_registry **out, const char *dir, cs_error *err) {
  return open_from(out, dir, NULL, err);
}

void cs_registry_free(cs_registry *r) {
  if (!r) return;
  free(r->arena);
  free(r->munis);
  free(r->counties);
  free(r->pops);
  free(r->changes);
  free(r->splits);
  free(r->terrs);
  free(r->by_new);
  free(r->by_old);
  free(r->sources);
  if (r->memo) {
    pthread_mutex_destroy(&r->memo->lock);
    free(r->memo->e);
  }
  free(r->memo);
  free(r);
}

const char *cs_registry_sources(const cs_registry *r) {
  return r->sources ? r->sources : "Kilde: Statistisk sentralbyrå (SSB)";
}

/* ---- queries ---------------------------------------------------------- */

/* Index of the first period of code, or nmunis. */
static size_t first_period(const cs_registry *r, const char *code) {
  size_t lo = 0, hi = r->nmunis;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (strcmp(r->munis[mid].code, code) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

static const cs_municipality *period_at(const cs_registry *r, const char *code, cs_date at) {
  for (size_t i = first_period(r, code); i < r->nmunis && strcmp(r->munis[i].code, code) == 0; i++)
    if (cs_date_cmp(r->munis[i].valid_from, at) <= 0 && cs_date_cmp(at, r->munis[i].valid_to) < 0)
      return &r->munis[i];
  return NULL;
}

size_t cs_registry_periods(const cs_registry *r, const char *code, const cs_municipality **out) {
  size_t i = first_period(r, code), n = 0;
  while (i + n < r->nmunis && strcmp(r->munis[i + n].code, code) == 0) n++;
  *out = n ? &r->munis[i] : NULL;
  return n;
}

/* "valid 2020-01-01 to 2023-12-31" or "valid from 2024-01-01" for the
** periods p[0..n) of one code. */
static const char *validity(const cs_municipality *p, size_t n, char *buf, size_t size) {
  char f[11], t[11];
  if (p[n - 1].valid_to.year == 9999)
    snprintf(buf, size, "valid from %s", cs_date_format(p[0].valid_from, f));
  else
    snprintf(buf, size, "valid %s to %s", cs_date_format(p[0].valid_from, f),
             cs_date_format(cs_date_add_days(p[n - 1].valid_to, -1), t));
  return buf;
}

static const char *name_on(const cs_registry *r, const char *code, cs_date date);
static int flows_codes(const cs_registry *r, const char *code, cs_date from, cs_date to,
                       char (*out)[5], size_t cap, size_t *n);

/* "0602 Drammen, 0625 Nedre Eiker" for codes[0..n) on date, appended to buf. */
static void list_codes(const cs_registry *r, char (*codes)[5], size_t n, cs_date date, char *buf,
                       size_t size) {
  size_t used = strlen(buf);
  for (size_t i = 0; i < n && used + 1 < size; i++) {
    snprintf(buf + used, size - used, "%s%s %s", i ? ", " : "", codes[i], name_on(r, codes[i], date));
    used = strlen(buf);
  }
}

int cs_registry_by_code(const cs_registry *r, const char *code, cs_date at,
                        const cs_municipality **out, cs_error *err) {
  const cs_municipality *m = period_at(r, code, at);
  if (m) {
    *out = m;
    return CS_OK;
  }
  if (!err) return CS_ENOTFOUND; /* the simulation asks often and needs no words */
  char d[11], v[64], held[300] = "";
  const cs_municipality *p;
  size_t n = cs_registry_periods(r, code, &p);
  if (n == 0) return cs_error_set(err, CS_ENOTFOUND, "unknown municipality code \"%s\"", code);
  cs_date_format(at, d);
  validity(p, n, v, sizeof v);
  if (cs_date_cmp(at, p[0].valid_from) < 0) {
    /* before it: who held its territory that day */
    char (*codes)[5] = NULL;
    size_t nc = 0;
    if (cs_registry_origins(r, code, p[0].valid_from, at, &codes, &nc, NULL) == CS_OK && nc) {
      snprintf(held, sizeof held, "; on %s its territory was ", d);
      list_codes(r, codes, nc, at, held, sizeof held);
    }
    free(codes);
  } else {
    /* after it (or in a gap): who holds it on the first day after */
    const cs_municipality *last = NULL;
    for (size_t i = 0; i < n; i++)
      if (cs_date_cmp(p[i].valid_to, at) <= 0) last = &p[i];
    if (last) {
      char succ[16][5], f[11];
      size_t ns = 0;
      cs_date day = last->valid_to;
      if (flows_codes(r, code, cs_date_add_days(day, -1), day, succ, 16, &ns) == CS_OK && ns &&
          !(ns == 1 && strcmp(succ[0], code) == 0)) {
        snprintf(held, sizeof held, "; from %s its territory was ", cs_date_format(day, f));
        list_codes(r, succ, ns, day, held, sizeof held);
      }
    }
  }
  return cs_error_set(err, CS_ENOTFOUND, "municipality code %s (%s) was not valid on %s (%s)%s",
                      code, p[n - 1].name, d, v, held);
}

/* Lower-cases ASCII and the Latin-1 supplement letters (Æ Ø Å Á ...) of a
** UTF-8 string into buf. */
static void fold(const char *s, char *buf, size_t size) {
  size_t o = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p && o + 2 < size; p++) {
    unsigned char c = *p;
    if (c >= 'A' && c <= 'Z') c = (unsigned char)(c + 32);
    else if (c == 0xC3 && p[1] >= 0x80 && p[1] <= 0x9E && p[1] != 0x97) {
      buf[o++] = (char)c;
      c = (unsigned char)(*++p + 0x20);
    }
    buf[o++] = (char)c;
  }
  buf[o] = '\0';
}

/* Does the folded query q match municipality name (SPEC §5)? */
static int name_matches(const char *q, const char *name) {
  char full[256];
  fold(name, full, sizeof full);
  if (strcmp(q, full) == 0) return 1;
  /* without "(county)" */
  char *paren = strstr(full, " (");
  if (paren) {
    char base[256];
    size_t len = (size_t)(paren - full);
    memcpy(base, full, len);
    base[len] = '\0';
    if (strcmp(q, base) == 0) return 1;
  }
  /* any part around " - " */
  const char *start = full;
  for (;;) {
    const char *sep = strstr(start, " - ");
    size_t len = sep ? (size_t)(sep - start) : strlen(start);
    if (strlen(q) == len && strncmp(q, start, len) == 0) return 1;
    if (!sep) break;
    start = sep + 3;
  }
  return 0;
}

/* Edit distance between a and b (bytes), capped at 9. */
static int edit_distance(const char *a, size_t la, const char *b, size_t lb) {
  int prev[64], cur[64];
  if (la > 62 || lb > 62) return 9;
  for (size_t j = 0; j <= lb; j++) prev[j] = (int)j;
  for (size_t i = 1; i <= la; i++) {
    cur[0] = (int)i;
    for (size_t j = 1; j <= lb; j++) {
      int sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
      int del = prev[j] + 1, ins = cur[j - 1] + 1;
      cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
    }
    memcpy(prev, cur, (lb + 1) * sizeof *prev);
  }
  return prev[lb];
}

/* Is the folded query q close to any part of name (for suggestions)? */
static int near_name(const char *q, const char *name) {
  char full[256];
  fold(name, full, sizeof full);
  size_t ql = strlen(q);
  const char *start = full;
  for (;;) {
    const char *sep = strstr(start, " - ");
    size_t len = sep ? (size_t)(sep - start) : strlen(start);
    if (edit_distance(q, ql, start, len) <= 2 || (ql >= 3 && len >= 3 && strncmp(q, start, 3) == 0))
      return 1;
    if (!sep) return 0;
    start = sep + 3;
  }
}

/* "1818 Herøy (Nordland)", "1515 Herøy (Møre og Romsdal)": a candidate of
** an ambiguous name, with its county unless the name says it. */
static const char *candidate(const cs_municipality *m, char *buf, size_t size) {
  const char *cname = *m->county ? m->county : m->county_code;
  if (strstr(m->name, cname)) snprintf(buf, size, "%s %s", m->code, m->name);
  else snprintf(buf, size, "%s %s (%s)", m->code, m->name, cname);
  return buf;
}

int cs_registry_find(const cs_registry *r, const char *what, cs_date at,
                     const cs_municipality **out, cs_error *err) {
  char d[11];
  if (!what || !*what) return cs_error_set(err, CS_EINVAL, "empty municipality name");
  if (is_code(what, 4)) return cs_registry_by_code(r, what, at, out, err);
  char q[256];
  fold(what, q, sizeof q);
  const cs_municipality *found[8];
  size_t nfound = 0;
  for (size_t i = 0; i < r->nmunis; i++) {
    const cs_municipality *m = &r->munis[i];
    if (cs_date_cmp(m->valid_from, at) > 0 || cs_date_cmp(at, m->valid_to) >= 0) continue;
    if (name_matches(q, m->name) && nfound < 8) found[nfound++] = m;
  }
  if (nfound == 1) {
    *out = found[0];
    return CS_OK;
  }
  if (nfound > 1) {
    char list[400] = "";
    for (size_t i = 0; i < nfound; i++) {
      char item[120];
      strncat(list, i ? ", " : "", sizeof list - strlen(list) - 1);
      strncat(list, candidate(found[i], item, sizeof item), sizeof list - strlen(list) - 1);
    }
    return cs_error_set(err, CS_EAMBIGUOUS,
                        "ambiguous municipality \"%s\" (%s): %s; give the code", what,
                        cs_date_format(at, d), list);
  }
  /* not found: was it a name at another date (the latest such period)? */
  const cs_municipality *other = NULL;
  for (size_t i = 0; i < r->nmunis; i++)
    if (name_matches(q, r->munis[i].name) &&
        (!other || cs_date_cmp(r->munis[i].valid_from, other->valid_from) > 0))
      other = &r->munis[i];
  if (other) {
    char v[64];
    return cs_error_set(err, CS_ENOTFOUND, "no municipality named \"%s\" on %s (%s %s was %s)",
                        what, cs_date_format(at, d), other->code, other->name,
                        validity(other, 1, v, sizeof v));
  }
  /* a near miss: a name part within two edits, or sharing its first letters */
  char hint[300] = "";
  size_t nh = 0;
  for (size_t i = 0; i < r->nmunis && nh < 5; i++) {
    const cs_municipality *m = &r->munis[i];
    if (cs_date_cmp(m->valid_from, at) > 0 || cs_date_cmp(at, m->valid_to) >= 0) continue;
    if (near_name(q, m->name)) {
      char item[100];
      snprintf(item, sizeof item, "%s%s %s", nh++ ? ", " : " (did you mean: ", m->code, m->name);
      strncat(hint, item, sizeof hint - strlen(hint) - 2);
    }
  }
  if (nh) strcat(hint, ")");
  return cs_error_set(err, CS_ENOTFOUND, "unknown municipality \"%s\" on %s%s", what,
                      cs_date_format(at, d), hint);
}

int cs_registry_find_latest(const cs_registry *r, const char *what, const cs_municipality **out,
                            cs_error *err) {
  if (!what || !*what) return cs_error_set(err, CS_EINVAL, "empty municipality name");
  if (is_code(what, 4)) {
    const cs_municipality *p;
    size_t n = cs_registry_periods(r, what, &p);
    if (!n) return cs_error_set(err, CS_ENOTFOUND, "unknown municipality code \"%s\"", what);
    *out = &p[n - 1];
    return CS_OK;
  }
  char q[256];
  fold(what, q, sizeof q);
  /* the latest period bearing the name; two codes ending together are ambiguous */
  const cs_municipality *best = NULL, *tie = NULL;
  for (size_t i = 0; i < r->nmunis; i++) {
    const cs_municipality *m = &r->munis[i];
    if (!name_matches(q, m->name)) continue;
    int c = best ? cs_date_cmp(m->valid_to, best->valid_to) : 1;
    if (c > 0) {
      best = m;
      tie = NULL;
    } else if (c == 0 && strcmp(m->code, best->code) != 0) {
      tie = m;
    }
  }
  if (best && !tie) {
    *out = best;
    return CS_OK;
  }
  if (best) {
    char a[120], b[120];
    return cs_error_set(err, CS_EAMBIGUOUS, "ambiguous municipality \"%s\": %s, %s; give the code",
                        what, candidate(best, a, sizeof a), candidate(tie, b, sizeof b));
  }
  char hint[300] = "";
  size_t nh = 0;
  for (size_t i = 0; i < r->nmunis && nh < 5; i++) {
    const cs_municipality *m = &r->munis[i];
    if (m->valid_to.year != 9999 || !near_name(q, m->name)) continue;
    char item[100];
    snprintf(item, sizeof item, "%s%s %s", nh++ ? ", " : " (did you mean: ", m->code, m->name);
    strncat(hint, item, sizeof hint - strlen(hint) - 2);
  }
  if (nh) strcat(hint, ")");
  return cs_error_set(err, CS_ENOTFOUND, "unknown municipality \"%s\"%s", what, hint);
}

cs_change_kind cs_registry_change_kind(const cs_registry *r, const cs_change *ch) {
  if (split_targets(r, ch->old_code, ch->date) > 1) return CS_CHANGE_SPLIT;
  size_t lo, hi, into = 0;
  index_range(r->by_new, r->nchanges, ch->new_code, &lo, &hi);
  for (size_t i = lo; i < hi; i++)
    if (cs_date_cmp(r->by_new[i].date, ch->date) == 0) into++;
  if (into > 1) return CS_CHANGE_MERGER;
  if (strcmp(ch->old_code, ch->new_code) == 0) return CS_CHANGE_NAME;
  return strncmp(ch->old_code, ch->new_code, 2) == 0 ? CS_CHANGE_RENUMBERING : CS_CHANGE_COUNTY;
}

const char *cs_change_kind_name(cs_change_kind kind) {
  switch (kind) {
  case CS_CHANGE_NAME: return "name change";
  case CS_CHANGE_RENUMBERING: return "renumbering";
  case CS_CHANGE_COUNTY: return "county change";
  case CS_CHANGE_MERGER: return "merger";
  case CS_CHANGE_SPLIT: return "split";
  }
  return "";
}

int cs_registry_population(const cs_registry *r, const char *code, int year, int64_t *out,
                           cs_error *err) {
  size_t lo = 0, hi = r->npops;
  popentry key;
  memset(&key, 0, sizeof key);
  snprintf(key.code, sizeof key.code, "%s", code);
  key.year = year;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    int c = cmp_pop(&r->pops[mid], &key);
    if (c == 0) {
      *out = r->pops[mid].pop;
      return CS_OK;
    }
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return cs_error_set(err, CS_ENOTFOUND, "no population for %s on 1 January %d", code, year);
}

void cs_registry_population_years(const cs_registry *r, int *first, int *last) {
  *first = r->pop_first;
  *last = r->pop_last;
}

size_t cs_registry_changes(const cs_registry *r, const cs_change **out) {
  *out = r->changes;
  return r->nchanges;
}

size_t cs_registry_all(const cs_registry *r, const cs_municipality **out) {
  *out = r->munis;
  return r->nmunis;
}

size_t cs_registry_count_at(const cs_registry *r, cs_date at) {
  size_t n = 0;
  for (size_t i = 0; i < r->nmunis; i++)
    if (cs_date_cmp(r->munis[i].valid_from, at) <= 0 && cs_date_cmp(at, r->munis[i].valid_to) < 0)
      n++;
  return n;
}

/* ---- history ---------------------------------------------------------- */

/* The range [*lo, *hi) of the index ix (by_new or by_old) for code. */
static void index_range(const chref *ix, size_t n, const char *code, size_t *lo, size_t *hi) {
  size_t a = 0, b = n;
  while (a < b) {
    size_t m = (a + b) / 2;
    if (strcmp(ix[m].code, code) < 0) a = m + 1;
    else b = m;
  }
  *lo = a;
  b = n;
  while (a < b) {
    size_t m = (a + b) / 2;
    if (strcmp(ix[m].code, code) <= 0) a = m + 1;
    else b = m;
  }
  *hi = a;
}

/* How many codes old_code went to on date (2 or more: a split). */
static size_t split_targets(const cs_registry *r, const char *old_code, cs_date date) {
  size_t lo, hi, n = 0;
  index_range(r->by_old, r->nchanges, old_code, &lo, &hi);
  for (size_t i = lo; i < hi; i++)
    if (cs_date_cmp(r->by_old[i].date, date) == 0) n++;
  return n;
}

/* The row of territories.csv for code created on date, or NULL. */
static const territory *restored_at(const cs_registry *r, const char *code, cs_date date) {
  for (size_t i = 0; i < r->nterrs; i++)
    if (cs_date_cmp(r->terrs[i].date, date) == 0 && strcmp(r->terrs[i].code, code) == 0)
      return &r->terrs[i];
  return NULL;
}

int cs_registry_restored(const cs_registry *r, const char *code, cs_date date, const char **same_as,
                         cs_date *as_of, const char **said_by) {
  const territory *t = restored_at(r, code, date);
  if (!t) return 0;
  if (same_as) *same_as = t->same_as;
  if (as_of) *as_of = t->as_of;
  if (said_by) *said_by = t->source;
  return 1;
}

static const splitentry *split_fraction(const cs_registry *r, cs_date date, const char *old_code,
                                        const char *new_code) {
  for (size_t s = 0; s < r->nsplits; s++)
    if (cs_date_cmp(r->splits[s].date, date) == 0 && strcmp(r->splits[s].old_code, old_code) == 0 &&
        strcmp(r->splits[s].new_code, new_code) == 0)
      return &r->splits[s];
  return NULL;
}

/* 1 if `into` is the one part of old's split on date that is no restored
** territory, every other part being one (1508 Ålesund in 2024). */
static int remaining_part(const cs_registry *r, const char *old_code, const char *into, cs_date date) {
  size_t lo, hi, others = 0;
  if (restored_at(r, into, date)) return 0;
  index_range(r->by_old, r->nchanges, old_code, &lo, &hi);
  for (size_t i = lo; i < hi; i++) {
    if (cs_date_cmp(r->by_old[i].date, date) != 0) continue;
    const char *to = r->changes[r->by_old[i].i].new_code;
    if (strcmp(to, into) == 0) continue;
    if (!restored_at(r, to, date)) return 0;
    others++;
  }
  return others > 0;
}

int cs_registry_territory_changed(const cs_registry *r, const char *code, cs_date after,
                                  cs_date upto, cs_date *date) {
  size_t lo, hi;
  int found = 0;
  cs_date best = {0, 0, 0};
  /* another code went into it */
  index_range(r->by_new, r->nchanges, code, &lo, &hi);
  for (size_t i = hi; i-- > lo;) {
    const chref *c = &r->by_new[i];
    if (cs_date_cmp(c->date, upto) > 0) continue;
    if (cs_date_cmp(c->date, after) <= 0) break;
    if (strcmp(r->changes[c->i].old_code, code) != 0) {
      best = c->date;
      found = 1;
      break;
    }
  }
  /* or it was split */
  index_range(r->by_old, r->nchanges, code, &lo, &hi);
  for (size_t i = hi; i-- > lo;) {
    const chref *c = &r->by_old[i];
    if (cs_date_cmp(c->date, upto) > 0) continue;
    if (cs_date_cmp(c->date, after) <= 0 || (found && cs_date_cmp(c->date, best) <= 0)) break;
    if (split_targets(r, code, c->date) > 1) {
      best = c->date;
      found = 1;
      break;
    }
  }
  if (found && date) *date = best;
  return found;
}

/* A piece of territory: code and the fraction of the original it holds. */
typedef struct flow {
  char code[5];
  cs_q frac;
} flow;

#define MAX_FLOWS 16

/* Where code's territory (as on date from) is on date to: follows changes
** dated after from and on or before to. Splits divide the fraction by the
** split_fractions table; a split without fractions sets *unknown_split.
** The last split on the way: its date and code into *split_date and
** split_code (when not NULL). */
static int flows_of(const cs_registry *r, const char *code, cs_date from, cs_date to,
                    flow *out, size_t *nout, int *proxy, const char **unknown_split,
                    cs_date *split_date, char *split_code) {
  size_t n = 1;
  memcpy(out[0].code, code, 5);
  cs_q_from_i64(&out[0].frac, 1);
  /* changes are sorted by date: start at the first one after `from` */
  size_t lo = 0, hi = r->nchanges;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (cs_date_cmp(r->changes[mid].date, from) <= 0) lo = mid + 1;
    else hi = mid;
  }
  for (size_t i = lo; i < r->nchanges && cs_date_cmp(r->changes[i].date, to) <= 0;) {
    cs_date d = r->changes[i].date;
    size_t j = i;
    while (j < r->nchanges && cs_date_cmp(r->changes[j].date, d) == 0) j++;
    {
      flow next[MAX_FLOWS];
      size_t nn = 0;
      for (size_t k = 0; k < n; k++) {
        size_t targets = 0;
        for (size_t c = i; c < j; c++)
          if (strcmp(r->changes[c].old_code, out[k].code) == 0) targets++;
        if (targets == 0) {
          if (nn == MAX_FLOWS) return CS_EOVERFLOW;
          next[nn++] = out[k];
          continue;
        }
        if (targets > 1) {
          if (split_date) *split_date = d;
          if (split_code) memcpy(split_code, out[k].code, 5);
        }
        for (size_t c = i; c < j; c++) {
          const cs_change *ch = &r->changes[c];
          if (strcmp(ch->old_code, out[k].code) != 0) continue;
          size_t dup;
          for (dup = 0; dup < nn; dup++)
            if (strcmp(next[dup].code, ch->new_code) == 0) break;
          if (dup == nn && nn == MAX_FLOWS) return CS_EOVERFLOW;
          cs_q frac = out[k].frac;
          if (targets > 1) {
            const splitentry *se = split_fraction(r, d, ch->old_code, ch->new_code);
            if (!se) {
              if (unknown_split) *unknown_split = ch->old_code;
              cs_q_zero(&frac);
            } else {
              int rc = cs_q_mul(&frac, &frac, &se->fraction);
              if (rc) return rc;
              if (proxy) *proxy = 1;
            }
          }
          if (dup < nn) { /* two pieces meet again */
            int rc = cs_q_add(&next[dup].frac, &next[dup].frac, &frac);
            if (rc) return rc;
          } else {
            memcpy(next[nn].code, ch->new_code, 5);
            next[nn++].frac = frac;
          }
        }
      }
      memcpy(out, next, nn * sizeof *out);
      n = nn;
    }
    i = j;
  }
  *nout = n;
  return CS_OK;
}

int cs_registry_successor(const cs_registry *r, const char *code, cs_date from, cs_date to,
                          char out[5], cs_error *err) {
  const cs_municipality *p;
  if (cs_registry_periods(r, code, &p) == 0)
    return cs_error_set(err, CS_ENOTFOUND, "unknown municipality code \"%s\"", code);
  flow f[MAX_FLOWS];
  size_t n = 0;
  int rc = flows_of(r, code, from, to, f, &n, NULL, NULL, NULL, NULL);
  if (rc) return cs_error_set(err, rc, "too many changes following %s", code);
  if (n > 1) {
    char list[200] = "", d[11];
    for (size_t i = 0; i < n; i++) {
      strncat(list, i ? ", " : "", sizeof list - strlen(list) - 1);
      strncat(list, f[i].code, sizeof list - strlen(list) - 1);
    }
    return cs_error_set(err, CS_EAMBIGUOUS, "%s was split by %s into %s", code,
                        cs_date_format(to, d), list);
  }
  memcpy(out, f[0].code, 5);
  return CS_OK;
}

int cs_registry_successors(const cs_registry *r, const char *code, cs_date from, cs_date to,
                           char (*out)[5], size_t cap, size_t *n, cs_date *split_date,
                           char split_code[5], cs_error *err) {
  const cs_municipality *p;
  *n = 0;
  if (cs_registry_periods(r, code, &p) == 0)
    return cs_error_set(err, CS_ENOTFOUND, "unknown municipality code \"%s\"", code);
  flow f[MAX_FLOWS];
  size_t nf = 0;
  char sc[5] = "";
  cs_date sd = {0, 0, 0};
  int rc = flows_of(r, code, from, to, f, &nf, NULL, NULL, &sd, sc);
  if (rc || nf > cap)
    return cs_error_set(err, CS_EOVERFLOW, "%s: its territory went to more than %zu municipalities",
                        code, rc ? (size_t)MAX_FLOWS : cap);
  for (size_t i = 0; i < nf; i++) memcpy(out[i], f[i].code, 5);
  *n = nf;
  if (split_date) *split_date = sd;
  if (split_code) memcpy(split_code, sc, 5);
  return CS_OK;
}

/* The codes of flows_of (no fractions), for messages. */
static int flows_codes(const cs_registry *r, const char *code, cs_date from, cs_date to,
                       char (*out)[5], size_t cap, size_t *n) {
  flow f[MAX_FLOWS];
  size_t nf = 0;
  int rc = flows_of(r, code, from, to, f, &nf, NULL, NULL, NULL, NULL);
  if (rc) return rc;
  *n = 0;
  for (size_t i = 0; i < nf && i < cap; i++) memcpy(out[(*n)++], f[i].code, 5);
  return CS_OK;
}

int cs_registry_fraction_in(const cs_registry *r, const char *code, cs_date from, cs_date to,
                            const char *target, cs_q *out, int *proxy, cs_error *err) {
  flow f[MAX_FLOWS];
  size_t n = 0;
  const char *unknown = NULL;
  int p = 0;
  int rc = flows_of(r, code, from, to, f, &n, &p, &unknown, NULL, NULL);
  if (rc) return cs_error_set(err, rc, "too many changes following %s", code);
  cs_q_zero(out);
  for (size_t i = 0; i < n; i++) {
    if (strcmp(f[i].code, target) != 0) continue;
    if (unknown)
      return cs_error_set(err, CS_ENOTFOUND,
                          "the share of %s in %s needs the share of split municipality %s: no "
                          "fraction recorded in split_fractions.csv",
                          code, target, unknown);
    if (cs_q_add(out, out, &f[i].frac)) return cs_error_set(err, CS_EOVERFLOW, "overflow");
  }
  if (proxy) *proxy = p;
  return CS_OK;
}

/* ---- territories: who held what, and how many lived there -------------- */

/* A growing set of codes. */
typedef struct codeset {
  char (*c)[5];
  size_t n, cap;
} codeset;

static int set_has(const codeset *s, const char *code) {
  for (size_t i = 0; i < s->n; i++)
    if (strcmp(s->c[i], code) == 0) return 1;
  return 0;
}

static int set_add(codeset *s, const char *code) {
  if (set_has(s, code)) return CS_OK;
  if (reserve((void **)&s->c, &s->cap, s->n, sizeof *s->c, 8)) return CS_ENOMEM;
  memcpy(s->c[s->n++], code, 5);
  return CS_OK;
}

static void set_remove(codeset *s, const char *code) {
  for (size_t i = 0; i < s->n; i++)
    if (strcmp(s->c[i], code) == 0) {
      memmove(&s->c[i], &s->c[i + 1], (s->n - i - 1) * sizeof *s->c);
      s->n--;
      return;
    }
}

/* Text built along a walk (the words of cs_registry_population_detail). */
typedef struct tbuf {
  char *buf;
  size_t size, used;
} tbuf;

static void tput(tbuf *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tput(tbuf *t, const char *fmt, ...) {
  if (!t || t->size == 0 || t->used + 1 >= t->size) return;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(t->buf + t->used, t->size - t->used, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  if ((size_t)n >= t->size - t->used) { /* cut: end with "..." */
    t->used = t->size - 1;
    if (t->size >= 4) memcpy(t->buf + t->size - 4, "...", 4);
    return;
  }
  t->used += (size_t)n;
}

/* "196 159" */
static const char *group_int(int64_t v, char *buf, size_t size) {
  char digits[32];
  snprintf(digits, sizeof digits, "%lld", (long long)(v < 0 ? -v : v));
  size_t n = strlen(digits), o = 0;
  if (v < 0 && o + 1 < size) buf[o++] = '-';
  for (size_t i = 0; i < n && o + 2 < size; i++) {
    if (i && (n - i) % 3 == 0) buf[o++] = ' ';
    buf[o++] = digits[i];
  }
  buf[o] = '\0';
  return buf;
}

/* The name code had on date (or its last name). */
static const char *name_on(const cs_registry *r, const char *code, cs_date date) {
  const cs_municipality *m = period_at(r, code, date), *p;
  if (m) return m->name;
  size_t n = cs_registry_periods(r, code, &p);
  return n ? p[n - 1].name : "";
}

/* A walk back through the changes for one population day. */
typedef struct walk {
  const cs_registry *r;
  int year;
  cs_date jan1;
  long steps;
  tbuf *text; /* NULL unless the words are asked for */
  cs_error *err;
} walk;

#define WALK_DEPTH 24
#define WALK_STEPS 20000L

static int walk_guard(walk *w, const char *code, int depth) {
  if (depth > WALK_DEPTH || ++w->steps > WALK_STEPS)
    return cs_error_set(w->err, CS_EOVERFLOW, "the history of %s is too long to follow", code);
  return CS_OK;
}

static int pop_back(walk *w, const char *code, cs_date at, int depth, cs_q *out, int *origin);

/* The population on the walk's day of the territory a restored split part
** (t) had when it came into being out of old on t->date. */
static int restored_value(walk *w, const territory *t, const char *old, int depth, cs_q *out,
                          int *origin) {
  int rc;
  if (cs_date_cmp(w->jan1, t->as_of) <= 0) {
    /* the former municipality's own territory: its figures */
    if ((rc = pop_back(w, t->same_as, t->as_of, depth + 1, out, origin))) return rc;
    if (*origin < CS_ORIGIN_PREDECESSORS) *origin = CS_ORIGIN_PREDECESSORS;
    return CS_OK;
  }
  /* then inside old: the recorded fraction of old's figure, rounded half up */
  const splitentry *se = split_fraction(w->r, t->date, old, t->code);
  if (!se) {
    char d[11];
    return cs_error_set(w->err, CS_ENOTFOUND,
                        "population of %s on 1 January %d needs its share of %s (split on %s): "
                        "no fraction recorded in split_fractions.csv",
                        t->code, w->year, old, cs_date_format(t->date, d));
  }
  cs_q whole;
  int64_t n;
  tput(w->text, "%s x (", se->text);
  if ((rc = pop_back(w, old, cs_date_add_days(t->date, -1), depth + 1, &whole, origin))) return rc;
  if (cs_q_mul(&whole, &whole, &se->fraction) || cs_q_round_i64(&whole, &n))
    return cs_error_set(w->err, CS_EOVERFLOW, "population overflow for %s", t->code);
  char g[32];
  tput(w->text, ") = %s", group_int(n, g, sizeof g));
  cs_q_from_i64(out, n);
  *origin = CS_ORIGIN_PROXY;
  return CS_OK;
}

/* The population on the walk's day of the part of old's territory (as on
** the day before date) that went into `into` on date. */
static int piece_of(walk *w, const char *old, const char *into, cs_date date, int depth, cs_q *out,
                    int *origin) {
  const cs_registry *r = w->r;
  cs_date before = cs_date_add_days(date, -1);
  int rc, o;
  if (split_targets(r, old, date) <= 1) return pop_back(w, old, before, depth, out, origin);
  const territory *t = restored_at(r, into, date);
  if (t) return restored_value(w, t, old, depth, out, origin);
  if (remaining_part(r, old, into, date)) {
    /* old less its restored parts */
    size_t lo, hi;
    cs_q part;
    tput(w->text, "(");
    if ((rc = pop_back(w, old, before, depth, out, origin))) return rc;
    tput(w->text, ")");
    index_range(r->by_old, r->nchanges, old, &lo, &hi);
    for (size_t i = lo; i < hi; i++) {
      const char *to = r->changes[r->by_old[i].i].new_code;
      if (cs_date_cmp(r->by_old[i].date, date) != 0 || strcmp(to, into) == 0) continue;
      tput(w->text, " - (%s %s: ", to, name_on(r, to, date));
      if ((rc = restored_value(w, restored_at(r, to, date), old, depth, &part, &o))) return rc;
      tput(w->text, ")");
      if (o > *origin) *origin = o;
      if (cs_q_sub(out, out, &part))
        return cs_error_set(w->err, CS_EOVERFLOW, "population overflow for %s", into);
    }
    if (*origin < CS_ORIGIN_PREDECESSORS) *origin = CS_ORIGIN_PREDECESSORS;
    if (cs_q_sign(out) < 0)
      return cs_error_set(w->err, CS_EINVAL,
                          "population of %s on 1 January %d: its restored parts have more "
                          "inhabitants than %s",
                          into, w->year, old);
    return CS_OK;
  }
  /* a part by its recorded fraction: a proxy */
  const splitentry *se = split_fraction(r, date, old, into);
  if (!se) {
    char d[11];
    return cs_error_set(w->err, CS_ENOTFOUND,
                        "population of %s on 1 January %d needs the share of split "
                        "municipality %s (split on %s): no fraction recorded in split_fractions.csv",
                        into, w->year, old, cs_date_format(date, d));
  }
  tput(w->text, "%s x (", se->text);
  if ((rc = pop_back(w, old, before, depth, out, origin))) return rc;
  tput(w->text, ")");
  if (cs_q_mul(out, out, &se->fraction))
    return cs_error_set(w->err, CS_EOVERFLOW, "population overflow for %s", into);
  *origin = CS_ORIGIN_PROXY;
  return CS_OK;
}

/* The population on the walk's day (w->jan1, on or before at) of the
** territory code had on at: its own figure when nothing changed it in
** between, else the sum of the pieces it was made of at the last change. */
static int pop_back(walk *w, const char *code, cs_date at, int depth, cs_q *out, int *origin) {
  const cs_registry *r = w->r;
  int rc = walk_guard(w, code, depth);
  if (rc) return rc;
  cs_date e;
  if (!cs_registry_territory_changed(r, code, w->jan1, at, &e)) {
    int64_t pop;
    char g[32];
    if (!period_at(r, code, w->jan1))
      return cs_error_set(w->err, CS_ENOTFOUND,
                          "no population for %s on 1 January %d: the code did not exist then and "
                          "the change table records nothing that made it",
                          code, w->year);
    if ((rc = cs_registry_population(r, code, w->year, &pop, w->err))) return rc;
    cs_q_from_i64(out, pop);
    *origin = CS_ORIGIN_OWN;
    tput(w->text, "%s %s %s", code, name_on(r, code, w->jan1), group_int(pop, g, sizeof g));
    return CS_OK;
  }
  size_t lo, hi, pieces = 0;
  cs_q piece;
  int o;
  cs_q_zero(out);
  *origin = CS_ORIGIN_PREDECESSORS;
  index_range(r->by_new, r->nchanges, code, &lo, &hi);
  for (size_t i = lo; i < hi; i++) {
    if (cs_date_cmp(r->by_new[i].date, e) != 0) continue;
    if (pieces++) tput(w->text, " + ");
    if ((rc = piece_of(w, r->changes[r->by_new[i].i].old_code, code, e, depth + 1, &piece, &o)))
      return rc;
    if (o > *origin) *origin = o;
    if (cs_q_add(out, out, &piece))
      return cs_error_set(w->err, CS_EOVERFLOW, "population overflow summing the predecessors of %s",
                          code);
  }
  if (!pieces) {
    char d[11];
    return cs_error_set(w->err, CS_ENOTFOUND,
                        "no population for %s on 1 January %d: the change table does not say what "
                        "made it on %s",
                        code, w->year, cs_date_format(e, d));
  }
  return CS_OK;
}

static int origins_walk(const cs_registry *r, const char *code, cs_date at, cs_date since, int depth,
                        long *steps, codeset *out, cs_error *err);

/* origins_walk for the part of old's territory that went into `into` on date. */
static int piece_origins(const cs_registry *r, const char *old, const char *into, cs_date date,
                         cs_date since, int depth, long *steps, codeset *out, cs_error *err) {
  cs_date before = cs_date_add_days(date, -1);
  if (split_targets(r, old, date) > 1) {
    const territory *t = restored_at(r, into, date);
    if (t && cs_date_cmp(since, t->as_of) <= 0)
      return origins_walk(r, t->same_as, t->as_of, since, depth + 1, steps, out, err);
    if (remaining_part(r, old, into, date)) {
      /* old's origins less those of its restored parts, when they are whole then */
      size_t lo, hi;
      int whole = 1;
      index_range(r->by_old, r->nchanges, old, &lo, &hi);
      for (size_t i = lo; i < hi; i++) {
        const char *to = r->changes[r->by_old[i].i].new_code;
        if (cs_date_cmp(r->by_old[i].date, date) == 0 && strcmp(to, into) != 0 &&
            cs_date_cmp(since, restored_at(r, to, date)->as_of) > 0)
          whole = 0;
      }
      if (whole) {
        codeset mine = {0}, theirs = {0};
        int rc = origins_walk(r, old, before, since, depth + 1, steps, &mine, err);
        for (size_t i = lo; i < hi && !rc; i++) {
          const char *to = r->changes[r->by_old[i].i].new_code;
          if (cs_date_cmp(r->by_old[i].date, date) != 0 || strcmp(to, into) == 0) continue;
          const territory *tt = restored_at(r, to, date);
          rc = origins_walk(r, tt->same_as, tt->as_of, since, depth + 1, steps, &theirs, err);
        }
        for (size_t i = 0; i < theirs.n; i++) set_remove(&mine, theirs.c[i]);
        for (size_t i = 0; i < mine.n && !rc; i++)
          if (set_add(out, mine.c[i])) rc = cs_error_set(err, CS_ENOMEM, "out of memory");
        free(mine.c);
        free(theirs.c);
        return rc;
      }
    }
  }
  return origins_walk(r, old, before, since, depth + 1, steps, out, err);
}

static int origins_walk(const cs_registry *r, const char *code, cs_date at, cs_date since, int depth,
                        long *steps, codeset *out, cs_error *err) {
  if (depth > WALK_DEPTH || ++*steps > WALK_STEPS)
    return cs_error_set(err, CS_EOVERFLOW, "the history of %s is too long to follow", code);
  cs_date e;
  if (!cs_registry_territory_changed(r, code, since, at, &e))
    return set_add(out, code) ? cs_error_set(err, CS_ENOMEM, "out of memory") : CS_OK;
  size_t lo, hi;
  index_range(r->by_new, r->nchanges, code, &lo, &hi);
  for (size_t i = lo; i < hi; i++) {
    if (cs_date_cmp(r->by_new[i].date, e) != 0) continue;
    int rc = piece_origins(r, r->changes[r->by_new[i].i].old_code, code, e, since, depth, steps,
                           out, err);
    if (rc) return rc;
  }
  return CS_OK;
}

int cs_registry_origins(const cs_registry *r, const char *code, cs_date at, cs_date since,
                        char (**out)[5], size_t *n, cs_error *err) {
  codeset s = {0};
  long steps = 0;
  *out = NULL;
  *n = 0;
  if (cs_date_cmp(since, at) > 0) {
    char a[11], b[11];
    return cs_error_set(err, CS_EINVAL, "origins of %s: %s is after %s", code,
                        cs_date_format(since, a), cs_date_format(at, b));
  }
  int rc = origins_walk(r, code, at, since, 0, &steps, &s, err);
  if (rc) {
    free(s.c);
    return rc;
  }
  *out = s.c;
  *n = s.n;
  return CS_OK;
}

/* The population on a later day (w->jan1 after at) of the territory code
** had on at: the figures of the codes that then hold exactly that territory
** (the code itself, a renumbered code, or all the parts of a split), or
** CS_ENOTFOUND when it had merged with other territory. */
static int pop_forward(walk *w, const char *code, cs_date at, int64_t *out, int *origin) {
  const cs_registry *r = w->r;
  flow f[MAX_FLOWS];
  size_t n = 0, kept = 0;
  int rc = flows_of(r, code, at, w->jan1, f, &n, NULL, NULL, NULL, NULL);
  if (rc) return cs_error_set(w->err, rc, "too many changes following %s", code);
  int64_t total = 0;
  for (size_t k = 0; k < n; k++) {
    codeset from = {0};
    if ((rc = origins_walk(r, f[k].code, w->jan1, at, 0, &w->steps, &from, w->err))) {
      free(from.c);
      return rc;
    }
    int has = set_has(&from, code), only = has && from.n == 1;
    free(from.c);
    if (!has) continue;
    if (!only)
      return cs_error_set(w->err, CS_ENOTFOUND,
                          "no population for %s on 1 January %d: it had merged into %s %s", code,
                          w->year, f[k].code, name_on(r, f[k].code, w->jan1));
    int64_t pop;
    char g[32];
    if ((rc = cs_registry_population(r, f[k].code, w->year, &pop, w->err))) return rc;
    tput(w->text, "%s%s %s %s", kept ? " + " : "", f[k].code, name_on(r, f[k].code, w->jan1),
         group_int(pop, g, sizeof g));
    if (__builtin_add_overflow(total, pop, &total))
      return cs_error_set(w->err, CS_EOVERFLOW, "population overflow for %s", code);
    kept++;
  }
  if (!kept)
    return cs_error_set(w->err, CS_ENOTFOUND, "no population for %s on 1 January %d", code, w->year);
  *out = total;
  *origin = kept == 1 && strcmp(f[0].code, code) == 0 && n == 1 ? CS_ORIGIN_OWN : CS_ORIGIN_PREDECESSORS;
  return CS_OK;
}

/* cs_registry_population_of without the memo; text (may be NULL) gets the words. */
static int population_walk(const cs_registry *r, const char *code, cs_date at, int year,
                           int64_t *out, int *origin, tbuf *text, cs_error *err) {
  *origin = CS_ORIGIN_OWN;
  if (!period_at(r, code, at)) {
    const cs_municipality *m;
    return cs_registry_by_code(r, code, at, &m, err);
  }
  if (year < r->pop_first || year > r->pop_last) {
    if (r->pop_first > r->pop_last)
      return cs_error_set(err, CS_ENOTFOUND, "no population for %s on 1 January %d: the registry has no figures",
                          code, year);
    return cs_error_set(err, CS_ENOTFOUND,
                        "no population for %s on 1 January %d (the registry has figures for 1 "
                        "January %d-%d)",
                        code, year, r->pop_first, r->pop_last);
  }
  walk w = {r, year, cs_date_jan1(year), 0, text, err};
  if (cs_date_cmp(w.jan1, at) > 0) return pop_forward(&w, code, at, out, origin);
  /* the usual case: the code's own figure, its territory unchanged since */
  if (!text && period_at(r, code, w.jan1) &&
      !cs_registry_territory_changed(r, code, w.jan1, at, NULL))
    return cs_registry_population(r, code, year, out, err);
  cs_q q;
  int rc = pop_back(&w, code, at, 0, &q, origin);
  if (rc) return rc;
  if (cs_q_round_i64(&q, out) || *out < 0)
    return cs_error_set(err, CS_EOVERFLOW, "population overflow for %s", code);
  if (*origin == CS_ORIGIN_PROXY && !cs_q_is_integer(&q)) {
    char g[32];
    tput(text, " = %s (rounded half up)", group_int(*out, g, sizeof g));
  }
  return CS_OK;
}

int cs_registry_population_of(const cs_registry *r, const char *code, cs_date at, int year,
                              int64_t *out, cs_pop_origin *origin, cs_error *err) {
  uint64_t key = memo_key(code, at, year);
  int64_t kept;
  int o = 0;
  if (memo_get(r->memo, key, &kept, &o)) {
    *out = kept;
    if (origin) *origin = (cs_pop_origin)o;
    return CS_OK;
  }
  int rc = population_walk(r, code, at, year, out, &o, NULL, err);
  if (origin) *origin = (cs_pop_origin)o;
  if (rc == CS_OK) memo_put(r->memo, key, *out, o);
  return rc;
}

int cs_registry_population_detail(const cs_registry *r, const char *code, cs_date at, int year,
                                  char *buf, size_t size, cs_error *err) {
  tbuf t = {buf, size, 0};
  int64_t out;
  int o;
  if (size) buf[0] = '\0';
  return population_walk(r, code, at, year, &out, &o, &t, err);
}

int cs_registry_population_frozen(const cs_registry *r, const char *code, cs_date at, int year,
                                  int64_t *out, cs_pop_origin *origin, cs_error *err) {
  cs_date jan1 = cs_date_jan1(year);
  if (cs_date_cmp(jan1, at) <= 0 || year < r->pop_first || year > r->pop_last ||
      !period_at(r, code, at))
    return cs_registry_population_of(r, code, at, year, out, origin, err);
  /* the territory kept whole and alone (renumbered, or split into parts
  ** that took in nothing else): the figures of its parts */
  if (cs_registry_population_of(r, code, at, year, out, origin, NULL) == CS_OK) return CS_OK;
  char succ[5];
  int rc = cs_registry_successor(r, code, at, jan1, succ, err);
  if (rc) return rc;
  /* code's share of succ's territory on the last 1 January on or before at */
  int base = at.year;
  int64_t part, whole, now;
  if ((rc = cs_registry_population_of(r, code, at, base, &part, NULL, err)) ||
      (rc = cs_registry_population_of(r, succ, jan1, base, &whole, NULL, err)) ||
      (rc = cs_registry_population_of(r, succ, jan1, year, &now, NULL, err)))
    return rc;
  if (whole <= 0)
    return cs_error_set(err, CS_ENOTFOUND, "no population for %s in %d to divide", succ, base);
  cs_q q, share;
  cs_q_from_i64(&q, now);
  if (cs_q_from_frac(&share, part, whole) || cs_q_mul(&q, &q, &share) || cs_q_round_i64(&q, out))
    return cs_error_set(err, CS_EOVERFLOW, "population proxy overflow for %s", code);
  if (origin) *origin = part != whole ? CS_ORIGIN_PROXY : CS_ORIGIN_PREDECESSORS;
  return CS_OK;
}

int cs_registry_territory(const cs_registry *r, const char *code, char out[5],
                          const char **name) {
  const cs_municipality *p, *m;
  size_t n = cs_registry_periods(r, code, &p);
  cs_date today = {9999, 12, 30};
  *name = NULL;
  if (n == 0 || cs_registry_successor(r, code, p[n - 1].valid_from, today, out, NULL) != 0) {
    snprintf(out, 5, "%s", code);
    return CS_ENOTFOUND;
  }
  if (cs_registry_by_code(r, out, today, &m, NULL) == 0) *name = m->name;
  return CS_OK;
}
