/*
** registry.c: Norwegian municipalities, populations and changes, read from
** coopsim's CSV schema (see registry.h), embedded or from a folder.
*/
#include <errno.h>
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
} splitentry;

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
    if (!parse_i64(f[2], &pop)) BAD(s, line, "invalid population \"%s\"", f[2]);
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

static const char *const registry_files[6] = {"municipalities.csv", "counties.csv",
                                              "population.csv", "changes.csv",
                                              "split_fractions.csv", "SOURCES.md"};

/* Opens from a folder (dir), the embedded files (dir NULL, texts NULL) or
** texts in memory (texts[i] for registry_files[i], NULL when absent). */
static int open_from(cs_registry **out, const char *dir, const char *const *texts,
                     cs_error *err) {
  source src[6] = {{0}};
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
  for (int i = 0; i < 6; i++) {
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
      (rc = load_splits(r, &src[4], err)))
    goto done;
  r->sources = src[5].text ? src[5].text : NULL;
  src[5].text = NULL;
  sort_if_needed(r->munis, r->nmunis, sizeof *r->munis, cmp_muni);
  if (sort_pops(r)) {
    rc = cs_error_set(err, CS_ENOMEM, "out of memory");
    goto done;
  }
  sort_if_needed(r->changes, r->nchanges, sizeof *r->changes, cmp_change);
  for (size_t i = 0; i < r->nmunis; i++)
    r->munis[i].county = county_name(r, r->munis[i].code, r->munis[i].valid_from);
done:
  for (int i = 0; i < 6; i++) free(src[i].text);
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

int cs_registry_open_texts(cs_registry **out, const char *const texts[6], cs_error *err) {
  return open_from(out, NULL, texts, err);
}

const char *cs_registry_file_name(int i) { return i >= 0 && i < 6 ? registry_files[i] : NULL; }

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

/* The date for messages: "today" for the open end used by "latest" lookups. */
static char *fmt_at(cs_date at, char *buf) {
  if (at.year == 9999) {
    strcpy(buf, "today");
    return buf;
  }
  return cs_date_format(at, buf);
}

int cs_registry_by_code(const cs_registry *r, const char *code, cs_date at,
                        const cs_municipality **out, cs_error *err) {
  const cs_municipality *m = period_at(r, code, at);
  if (!m) {
    char d[11];
    const cs_municipality *p;
    size_t n = cs_registry_periods(r, code, &p);
    if (n == 0)
      return cs_error_set(err, CS_ENOTFOUND, "unknown municipality code \"%s\"", code);
    char f[11], t[11];
    return cs_error_set(err, CS_ENOTFOUND,
                        "municipality code %s (%s) was not valid on %s (valid %s to %s)",
                        code, p[n - 1].name, fmt_at(at, d),
                        cs_date_format(p[0].valid_from, f),
                        cs_date_format(cs_date_add_days(p[n - 1].valid_to, -1), t));
  }
  *out = m;
  return CS_OK;
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
      const char *cname = *found[i]->county ? found[i]->county : found[i]->county_code;
      if (strstr(found[i]->name, cname))
        snprintf(item, sizeof item, "%s%s %s", i ? ", " : "", found[i]->code, found[i]->name);
      else
        snprintf(item, sizeof item, "%s%s %s (%s)", i ? ", " : "", found[i]->code,
                 found[i]->name, cname);
      strncat(list, item, sizeof list - strlen(list) - 1);
    }
    return cs_error_set(err, CS_EAMBIGUOUS,
                        "ambiguous municipality \"%s\" (%s): %s; give the code", what,
                        fmt_at(at, d), list);
  }
  /* not found: was it a name at another date (the latest such period)? */
  const cs_municipality *other = NULL;
  for (size_t i = 0; i < r->nmunis; i++)
    if (name_matches(q, r->munis[i].name) &&
        (!other || cs_date_cmp(r->munis[i].valid_from, other->valid_from) > 0))
      other = &r->munis[i];
  if (other) {
    char f[11], t[11];
    return cs_error_set(err, CS_ENOTFOUND,
                        "no municipality named \"%s\" on %s (%s %s existed %s to %s)", what,
                        fmt_at(at, d), other->code, other->name,
                        cs_date_format(other->valid_from, f),
                        cs_date_format(cs_date_add_days(other->valid_to, -1), t));
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
                      fmt_at(at, d), hint);
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

/* A piece of territory: code and the fraction of the original it holds. */
typedef struct flow {
  char code[5];
  cs_q frac;
} flow;

#define MAX_FLOWS 16

/* Where code's territory (as on date from) is on date to: follows changes
** dated after from and on or before to. Splits divide the fraction by the
** split_fractions table; a split without fractions sets *unknown_split. */
static int flows_of(const cs_registry *r, const char *code, cs_date from, cs_date to,
                    flow *out, size_t *nout, int *proxy, const char **unknown_split) {
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
        for (size_t c = i; c < j; c++) {
          const cs_change *ch = &r->changes[c];
          if (strcmp(ch->old_code, out[k].code) != 0) continue;
          if (nn == MAX_FLOWS) return CS_EOVERFLOW;
          memcpy(next[nn].code, ch->new_code, 5);
          next[nn].frac = out[k].frac;
          if (targets > 1) {
            const splitentry *se = NULL;
            for (size_t s = 0; s < r->nsplits; s++)
              if (cs_date_cmp(r->splits[s].date, d) == 0 &&
                  strcmp(r->splits[s].old_code, ch->old_code) == 0 &&
                  strcmp(r->splits[s].new_code, ch->new_code) == 0)
                se = &r->splits[s];
            if (!se) {
              if (unknown_split) *unknown_split = ch->old_code;
              cs_q_zero(&next[nn].frac);
            } else {
              int rc = cs_q_mul(&next[nn].frac, &next[nn].frac, &se->fraction);
              if (rc) return rc;
              if (proxy) *proxy = 1;
            }
          }
          nn++;
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
  int rc = flows_of(r, code, from, to, f, &n, NULL, NULL);
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

static int population_of(const cs_registry *r, const char *code, cs_date at, int year,
                         int64_t *out, int *proxy, cs_error *err);

int cs_registry_population_of(const cs_registry *r, const char *code, cs_date at, int year,
                              int64_t *out, int *proxy, cs_error *err) {
  uint64_t key = memo_key(code, at, year);
  int64_t kept;
  int p = 0;
  if (memo_get(r->memo, key, &kept, &p)) {
    *out = kept;
    if (proxy) *proxy = p;
    return CS_OK;
  }
  int rc = population_of(r, code, at, year, out, &p, err);
  if (proxy) *proxy = p;
  if (rc == CS_OK) memo_put(r->memo, key, *out, p);
  return rc;
}

static int population_of(const cs_registry *r, const char *code, cs_date at, int year,
                         int64_t *out, int *proxy, cs_error *err) {
  cs_date jan1 = cs_date_jan1(year);
  if (proxy) *proxy = 0;
  if (period_at(r, code, jan1)) {
    int rc = cs_registry_population(r, code, year, out, err);
    if (rc == CS_OK || cs_date_cmp(jan1, at) <= 0) return rc;
  }
  if (cs_date_cmp(jan1, at) > 0) {
    /* a later year: the territory must have stayed whole and alone */
    char succ[5];
    int rc = cs_registry_successor(r, code, at, jan1, succ, err);
    if (rc) return rc;
    for (size_t i = 0; i < r->nmunis; i++) {
      const cs_municipality *m = &r->munis[i];
      if (strcmp(m->code, code) == 0 || cs_date_cmp(m->valid_from, at) > 0 ||
          cs_date_cmp(at, m->valid_to) >= 0)
        continue;
      char s2[5];
      if (cs_registry_successor(r, m->code, at, jan1, s2, NULL) == 0 && strcmp(s2, succ) == 0)
        return cs_error_set(err, CS_ENOTFOUND,
                            "no population for %s on 1 January %d: it had merged into %s",
                            code, year, succ);
    }
    return cs_registry_population(r, succ, year, out, err);
  }
  /* an earlier year: sum the predecessors valid on 1 January of year. Only
  ** codes from which a chain of changes dated after jan1 and on or before
  ** at leads to code can be among them: collect those first (walking the
  ** changes backwards from code), so flows_of runs for them alone and not
  ** for every municipality of that day. */
  size_t lo = 0, hi = r->nchanges;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (cs_date_cmp(r->changes[mid].date, jan1) <= 0) lo = mid + 1;
    else hi = mid;
  }
  size_t end = lo;
  while (end < r->nchanges && cs_date_cmp(r->changes[end].date, at) <= 0) end++;
  size_t nsrc = 1, cap = 16;
  char (*src)[5] = malloc(cap * sizeof *src);
  if (!src) return cs_error_set(err, CS_ENOMEM, "out of memory");
  memcpy(src[0], code, 5);
  for (size_t c = end; c-- > lo;) {
    const cs_change *ch = &r->changes[c];
    int to_src = 0, from_src = 0;
    for (size_t k = 0; k < nsrc; k++) {
      if (strcmp(src[k], ch->new_code) == 0) to_src = 1;
      if (strcmp(src[k], ch->old_code) == 0) from_src = 1;
    }
    if (!to_src || from_src) continue;
    if (nsrc == cap) {
      char (*grown)[5] = realloc(src, 2 * cap * sizeof *src);
      if (!grown) {
        free(src);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
      }
      src = grown;
      cap *= 2;
    }
    memcpy(src[nsrc++], ch->old_code, 5);
  }
  cs_q total;
  cs_q_zero(&total);
  int any = 0;
  for (size_t i = 0; i < r->nmunis; i++) {
    const cs_municipality *m = &r->munis[i];
    if (cs_date_cmp(m->valid_from, jan1) > 0 || cs_date_cmp(jan1, m->valid_to) >= 0) continue;
    size_t si;
    for (si = 0; si < nsrc; si++)
      if (strcmp(src[si], m->code) == 0) break;
    if (si == nsrc) continue; /* no chain of changes leads from it to code */
    flow f[MAX_FLOWS];
    size_t n = 0;
    const char *unknown = NULL;
    int used_proxy = 0;
    if (flows_of(r, m->code, jan1, at, f, &n, &used_proxy, &unknown)) continue;
    for (size_t k = 0; k < n; k++) {
      if (strcmp(f[k].code, code) != 0) continue;
      if (unknown) {
        free(src);
        return cs_error_set(err, CS_ENOTFOUND,
                            "population of %s on 1 January %d needs the share of split "
                            "municipality %s: no fraction recorded", code, year, unknown);
      }
      int64_t pop;
      int rc = cs_registry_population(r, m->code, year, &pop, err);
      if (rc) {
        free(src);
        return rc;
      }
      cs_q part;
      cs_q_from_i64(&part, pop);
      if ((rc = cs_q_mul(&part, &part, &f[k].frac)) || (rc = cs_q_add(&total, &total, &part))) {
        free(src);
        return cs_error_set(err, rc, "overflow summing predecessors of %s", code);
      }
      if (used_proxy && proxy) *proxy = 1;
      any = 1;
    }
  }
  free(src);
  if (!any)
    return cs_error_set(err, CS_ENOTFOUND, "no population for %s on 1 January %d", code, year);
  return cs_q_round_i64(&total, out) ? cs_error_set(err, CS_EOVERFLOW, "population overflow")
                                     : CS_OK;
}

int cs_registry_population_frozen(const cs_registry *r, const char *code, cs_date at, int year,
                                  int64_t *out, int *proxy, cs_error *err) {
  cs_date jan1 = cs_date_jan1(year);
  if (cs_date_cmp(jan1, at) <= 0 || period_at(r, code, jan1))
    return cs_registry_population_of(r, code, at, year, out, proxy, err);
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
  if (proxy) *proxy = part != whole; /* a renumbering alone is exact */
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
