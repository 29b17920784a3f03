/*
** ssb_import.c: Statistics Norway's (SSB) published files into coopsim's
** registry CSVs (API in ssb_import.h, schema in registry.h).
**
** Inputs are recognised by their content, not their names:
**   - KLASS 131 code lists (JSON with "classificationItems" and "validFrom"),
**   - KLASS change tables (JSON {"codeChanges": [...]}),
**   - StatBank 07459 population exports by region and age, in any of the
**     encodings, separators and layouts SSB writes,
**   - the csdata derived population file and coopsim's own population.csv.
** The registry already in data_dir is read as well, so an import adds to it:
** imported rows replace rows with the same key, and the municipalities'
** validity periods are recomputed from every code list known.
**
** All or nothing: every input and every existing file is parsed and checked
** before anything is written; then each output goes to a temporary file in
** data_dir, is flushed to disk and renamed over the old one.
**
** split_fractions.csv is derived here too (see derive_splits): KLASS records
** splits without population shares, so a documented proxy is computed from
** the population figures, which keeps the file reproducible.
*/
#define _POSIX_C_SOURCE 200809L /* mkstemp, fsync, fchmod, mkdir: temp files renamed into place */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "coopsim/date.h"
#include "coopsim/readfile.h"
#include "coopsim/registry.h"
#include "coopsim/ssb_import.h"
#include "coopsim/temp_files.h"

/* Change records before this date are not kept: the registry's code lists
** begin with KLASS "Kommuneinndeling 2015". */
#define FIRST_CHANGE "2015-01-01"
/* A municipality's population, one figure or summed over ages, is at most
** registry.h's CS_POPULATION_MAX (ten million; Norway had 5.6 million in
** 2026): more is a misplaced column or a forged file. */
#define MAX_POPULATION ((long long)CS_POPULATION_MAX)
/* StatBank puts title lines before its header; more than this is not SSB. */
#define MAX_TITLE_LINES 5
#define MAX_FIELDS 256
#define PATH_SIZE 4096

/* ---- rows ------------------------------------------------------------------ */

/* src: 0 for the registry already in data_dir, i + 1 for files[i]; later
** sources win. line: where the row came from, for messages. */
typedef struct pop_row {
  int year;
  char code[5];
  long long pop;
  int src, line;
  int statbank; /* a StatBank total: dropped when 0 and the code was not valid */
} pop_row;

typedef struct change_row {
  char date[11], old_code[5], new_code[5];
  const char *old_name, *new_name;
  int src, line;
} change_row;

/* One KLASS code list: the municipalities valid from `from`. */
typedef struct version {
  char from[11];
  int src;
  int winner; /* the last imported list with this date */
} version;

typedef struct version_item {
  char code[5];
  const char *name;
  size_t version;
  int line;
} version_item;

/* A period of municipalities.csv; to is "" while still valid. */
typedef struct period {
  char code[5];
  const char *name;
  char from[11], to[11];
  int line;
} period;

typedef struct split_row {
  char date[11], old_code[5], new_code[5];
  const char *fraction, *basis;
} split_row;

/* Strings live in blocks freed together: rows point into them. */
typedef struct block {
  struct block *next;
  size_t used, cap;
  char data[];
} block;

typedef struct importer {
  cs_error *err;
  const char *const *files;
  block *arena;
  pop_row *pops;
  size_t npops, cap_pops;
  change_row *changes;
  size_t nchanges, cap_changes;
  version *versions;
  size_t nversions, cap_versions;
  version_item *items;
  size_t nitems, cap_items;
  period *old; /* municipalities.csv as found */
  size_t nold, cap_old;
  period *periods; /* as recomputed */
  size_t nperiods, cap_periods;
  split_row *splits;
  size_t nsplits, cap_splits;
} importer;

/* Makes room for one more element; returns the (maybe moved) array or NULL
** with the old array untouched. */
static void *grow(void *p, size_t *cap, size_t n, size_t size) {
  if (n < *cap) return p;
  size_t nc = *cap ? *cap * 2 : 256;
  void *np = realloc(p, nc * size);
  if (np) *cap = nc;
  return np;
}

#define PUSH(im, arr, n, cap)                                           \
  do {                                                                  \
    void *np_ = grow((im)->arr, &(im)->cap, (im)->n, sizeof *(im)->arr); \
    if (!np_) return nomem(im);                                         \
    (im)->arr = np_;                                                    \
  } while (0)

static int nomem(importer *im) { return cs_error_set(im->err, CS_ENOMEM, "out of memory"); }

static const char *keep(importer *im, const char *s) {
  size_t n = strlen(s);
  block *b = im->arena;
  if (!b || b->cap - b->used < n + 1) {
    size_t cap = n + 1 > 65536 ? n + 1 : 65536;
    block *nb = malloc(sizeof *nb + cap);
    if (!nb) return NULL;
    nb->next = b;
    nb->used = 0;
    nb->cap = cap;
    im->arena = b = nb;
  }
  char *d = b->data + b->used;
  memcpy(d, s, n + 1);
  b->used += n + 1;
  return d;
}

static void importer_free(importer *im) {
  while (im->arena) {
    block *next = im->arena->next;
    free(im->arena);
    im->arena = next;
  }
  free(im->pops);
  free(im->changes);
  free(im->versions);
  free(im->items);
  free(im->old);
  free(im->periods);
  free(im->splits);
}

/* ---- checks ---------------------------------------------------------------- */

static int is_digits(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] < '0' || s[i] > '9') return 0;
  return 1;
}

static int is_code(const char *s) { return s && strlen(s) == 4 && is_digits(s, 4); }

/* Strict YYYY-MM-DD, a real calendar day, in the years the model knows. */
static int is_date(const char *s) {
  cs_date d;
  return s && cs_date_parse(&d, s, NULL) == 0 && d.year >= 1900 && d.year <= 2100;
}

static int parse_year(const char *s, int *year) {
  if (strlen(s) != 4 || !is_digits(s, 4)) return 0;
  int y = atoi(s);
  if (y < 1900 || y > 2100) return 0;
  *year = y;
  return 1;
}

/* A count of persons: digits only, no sign, no separators. */
static int parse_count(const char *s, long long *out) {
  size_t n = strlen(s);
  if (n == 0 || n > 12 || !is_digits(s, n)) return 0;
  long long v = 0;
  for (size_t i = 0; i < n; i++) v = v * 10 + (s[i] - '0');
  if (v > MAX_POPULATION) return 0;
  *out = v;
  return 1;
}

/* Names are written into CSV without quoting, so anything that would break a
** field or a line is refused here rather than escaped. */
static int check_name(importer *im, const char *name, const char *file, int line, const char *what) {
  if (!name || !*name)
    return cs_error_set(im->err, CS_EINVAL, "%s:%d: %s: empty name", file, line, what);
  for (const unsigned char *c = (const unsigned char *)name; *c; c++)
    if (*c == ',' || *c == '"' || *c < 0x20 || *c == 0x7f)
      return cs_error_set(im->err, CS_EINVAL,
                          "%s:%d: %s: name \"%s\" contains a comma, a quote or a control "
                          "character, which coopsim's unquoted CSV files cannot hold",
                          file, line, what, name);
  return CS_OK;
}

/* ---- text -------------------------------------------------------------- */

/* Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF. A
** Latin-1 file with any letter beyond ASCII fails this. */
static int valid_utf8(const unsigned char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    unsigned char c = s[i];
    size_t len;
    unsigned long cp;
    if (c < 0x80) {
      i++;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return 0;
    }
    if (i + len > n) return 0;
    for (size_t k = 1; k < len; k++) {
      if ((s[i + k] & 0xC0) != 0x80) return 0;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
      return 0;
    i += len;
  }
  return 1;
}

/* SSB exports come in UTF-8 or ISO-8859-1: returns UTF-8 text without a BOM
** (buf itself, or a new buffer for Latin-1; buf is then freed). */
static char *to_utf8(char *buf, size_t n) {
  if (valid_utf8((const unsigned char *)buf, n)) {
    if (n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) memmove(buf, buf + 3, n - 2);
    return buf;
  }
  char *out = malloc(2 * n + 1), *o = out;
  if (!out) return NULL;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)buf[i];
    if (c < 0x80) {
      *o++ = (char)c;
    } else { /* Latin-1 is the first 256 code points: two bytes each */
      *o++ = (char)(0xC0 | (c >> 6));
      *o++ = (char)(0x80 | (c & 0x3F));
    }
  }
  *o = '\0';
  free(buf);
  return out;
}

typedef struct reader {
  char *p;
  int line;
} reader;

/* The next line without its LF or CRLF, cut in place; NULL at the end.
** r->line is its number. */
static char *next_line(reader *r) {
  if (!r->p || !*r->p) return NULL;
  char *s = r->p, *e = strchr(s, '\n');
  if (e) {
    *e = '\0';
    r->p = e + 1;
  } else {
    r->p = s + strlen(s);
  }
  r->line++;
  size_t len = strlen(s);
  if (len && s[len - 1] == '\r') s[len - 1] = '\0';
  return s;
}

static int blank(const char *s) {
  while (*s == ' ' || *s == '\t') s++;
  return *s == '\0';
}

static void trim_right(char *s) {
  size_t n = strlen(s);
  while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) s[--n] = '\0';
}

/* The separator of a header line: the most frequent of tab, ';' and ','
** outside quotes (StatBank's titles hold commas, so only the header counts). */
static char sniff_separator(const char *line) {
  size_t tab = 0, semi = 0, comma = 0;
  int quoted = 0;
  for (const char *c = line; *c; c++) {
    if (*c == '"') quoted = !quoted;
    else if (!quoted) {
      tab += *c == '\t';
      semi += *c == ';';
      comma += *c == ',';
    }
  }
  if (tab && tab >= semi && tab >= comma) return '\t';
  if (semi && semi >= comma) return ';';
  return ',';
}

/* Splits line at sep in place into at most max fields. A field in quotes may
** hold sep, and "" stands for a quote. Surrounding spaces are dropped.
** Returns the number of fields, -1 for a broken quote, max + 1 for too many. */
static int split_fields(char *line, char sep, char **f, int max) {
  int n = 0;
  char *p = line;
  for (;;) {
    if (n == max) return max + 1;
    while (*p == ' ' && sep != ' ') p++;
    if (*p == '"') {
      char *o = ++p;
      f[n++] = o;
      for (;;) {
        if (!*p) return -1;
        if (*p == '"') {
          if (p[1] == '"') {
            *o++ = '"';
            p += 2;
            continue;
          }
          p++;
          break;
        }
        *o++ = *p++;
      }
      while (*p == ' ') p++;
      if (*p && *p != sep) return -1;
      int end = !*p;
      *o = '\0'; /* o is behind p: the closing quote was consumed */
      if (end) return n;
      p++;
    } else {
      f[n++] = p;
      char *e = strchr(p, sep);
      if (e) *e = '\0';
      trim_right(p);
      if (!e) return n;
      p = e + 1;
    }
  }
}

static int lower_eq(const char *a, const char *b) {
  for (; *a && *b; a++, b++)
    if (tolower((unsigned char)*a) != tolower((unsigned char)*b)) return 0;
  return *a == *b;
}

static int lower_prefix(const char *s, const char *prefix) {
  for (; *prefix; s++, prefix++)
    if (tolower((unsigned char)*s) != tolower((unsigned char)*prefix)) return 0;
  return 1;
}

/* ---- population files --------------------------------------------------- */

static int cmp_pop_key(const void *pa, const void *pb) {
  const pop_row *a = pa, *b = pb;
  if (a->year != b->year) return a->year < b->year ? -1 : 1;
  int c = strcmp(a->code, b->code);
  if (c) return c;
  if (a->src != b->src) return a->src < b->src ? -1 : 1;
  return (a->line > b->line) - (a->line < b->line);
}

static int push_pop(importer *im, int year, const char *code, long long pop, int src, int line,
                    int statbank) {
  PUSH(im, pops, npops, cap_pops);
  pop_row *r = &im->pops[im->npops++];
  memset(r, 0, sizeof *r);
  r->year = year;
  memcpy(r->code, code, 5);
  r->pop = pop;
  r->src = src;
  r->line = line;
  r->statbank = statbank;
  return CS_OK;
}

/* The rows of one file sit at im->pops[first..]. StatBank rows (one per
** region, age and year) are summed per year and code; rows of a table with
** one row per year and code must not repeat a key. */
static int settle_file_rows(importer *im, size_t first, int statbank, const char *file) {
  size_t n = im->npops - first;
  if (n == 0) return CS_OK; /* im->pops may still be NULL */
  pop_row *rows = im->pops + first;
  if (n > 1) qsort(rows, n, sizeof *rows, cmp_pop_key);
  size_t out = 0;
  for (size_t i = 0; i < n; i++) {
    if (out && rows[out - 1].year == rows[i].year && strcmp(rows[out - 1].code, rows[i].code) == 0) {
      if (!statbank)
        return cs_error_set(im->err, CS_EINVAL,
                            "%s:%d: a second population for %s in %d (the first is on line %d)",
                            file, rows[i].line, rows[i].code, rows[i].year, rows[out - 1].line);
      /* a sum over ages: checked like every figure */
      long long sum;
      if (__builtin_add_overflow(rows[out - 1].pop, rows[i].pop, &sum) || sum > MAX_POPULATION)
        return cs_error_set(im->err, CS_EINVAL,
                            "%s:%d: the population of %s in %d summed over ages passes %lld "
                            "(%lld + %lld): not a municipality's",
                            file, rows[i].line, rows[i].code, rows[i].year, MAX_POPULATION,
                            rows[out - 1].pop, rows[i].pop);
      rows[out - 1].pop = sum;
    } else {
      rows[out++] = rows[i];
    }
  }
  im->npops = first + out;
  return CS_OK;
}

enum { POP_ANY, POP_OWN_ONLY };

/* Population tables: StatBank exports (region, age, "Persons YYYY"...), the
** csdata derived file and coopsim's own population.csv. text is UTF-8 and is
** cut up in place. */
static int import_population(importer *im, char *text, const char *file, int src, int accept) {
  reader rd = {text, 0};
  char *line, *f[MAX_FIELDS];
  char sep = ',';
  int statbank = 0, header_found = 0, titles = 0, first_line = 0, ncols = 0;
  int year_col = -1, code_col = -1, pop_col = -1;
  int col_year[MAX_FIELDS];
  while (!header_found && (line = next_line(&rd)) != NULL) {
    if (blank(line)) continue;
    if (!first_line) first_line = rd.line;
    if (++titles > MAX_TITLE_LINES) break;
    sep = sniff_separator(line);
    ncols = split_fields(line, sep, f, MAX_FIELDS);
    if (ncols < 2 || ncols > MAX_FIELDS) continue; /* a title line */
    if (lower_eq(f[0], "year")) {
      for (int i = 0; i < ncols; i++) {
        int *slot = lower_eq(f[i], "year")                                        ? &year_col
                    : lower_eq(f[i], "code") || lower_eq(f[i], "kommunenummer")   ? &code_col
                    : lower_eq(f[i], "population") || lower_eq(f[i], "folkemengde") ? &pop_col
                                                                                  : NULL;
        if (slot && *slot >= 0)
          return cs_error_set(im->err, CS_EINVAL, "%s:%d: column \"%s\" appears twice", file,
                              rd.line, f[i]);
        if (slot) *slot = i;
      }
      if (code_col < 0 || pop_col < 0)
        return cs_error_set(im->err, CS_EINVAL,
                            "%s:%d: a population table needs the columns year, code (or "
                            "kommunenummer) and population (or folkemengde)",
                            file, rd.line);
      header_found = 1;
    } else if (lower_eq(f[0], "region") && accept == POP_ANY) {
      int c = 1;
      if (lower_eq(f[1], "age") || lower_eq(f[1], "alder")) c = 2;
      int nyears = 0;
      for (int i = 0; i < ncols; i++) col_year[i] = 0;
      for (; c < ncols; c++) {
        const char *h = f[c];
        const char *y = lower_prefix(h, "persons ") ? h + 8 : lower_prefix(h, "personer ") ? h + 9 : NULL;
        int year;
        if (!y || !parse_year(y, &year))
          return cs_error_set(im->err, CS_EINVAL,
                              "%s:%d: unexpected column \"%s\" in a StatBank export (expected "
                              "\"Persons YYYY\" or \"Personer YYYY\")",
                              file, rd.line, h);
        for (int k = 0; k < c; k++)
          if (col_year[k] == year)
            return cs_error_set(im->err, CS_EINVAL, "%s:%d: column \"%s\" appears twice", file,
                                rd.line, h);
        col_year[c] = year;
        nyears++;
      }
      if (!nyears)
        return cs_error_set(im->err, CS_EINVAL, "%s:%d: a StatBank export without \"Persons YYYY\" columns",
                            file, rd.line);
      statbank = 1;
      header_found = 1;
    }
  }
  if (!header_found)
    return cs_error_set(im->err, CS_EINVAL,
                        "%s:%d: not a format coopsim can import%s (expected a KLASS code list or "
                        "change table in JSON, a StatBank population export with a header "
                        "\"region\", \"age\", \"Persons YYYY\"..., or a population table "
                        "year,code,population)",
                        file, first_line ? first_line : 1,
                        accept == POP_OWN_ONLY ? " as coopsim's population.csv" : "");
  size_t first = im->npops;
  while ((line = next_line(&rd)) != NULL) {
    if (blank(line)) continue;
    int n = split_fields(line, sep, f, MAX_FIELDS);
    if (n < 0) return cs_error_set(im->err, CS_EINVAL, "%s:%d: unbalanced quotes", file, rd.line);
    if (n != ncols)
      return cs_error_set(im->err, CS_EINVAL, "%s:%d: expected %d fields, got %d", file, rd.line,
                          ncols, n > MAX_FIELDS ? MAX_FIELDS : n);
    if (statbank) {
      /* "0301 Oslo" or "K-0301 Oslo"; the pseudo-regions ("K-21-22 Svalbard",
      ** "K-23 ...", "K-Rest ...") are not municipalities and are left out */
      const char *region = f[0];
      if (strncmp(region, "K-", 2) == 0) region += 2;
      if (!is_digits(region, 4) || strlen(region) < 4 || (region[4] != '\0' && region[4] != ' '))
        continue;
      char code[5];
      memcpy(code, region, 4);
      code[4] = '\0';
      for (int c = 1; c < ncols; c++) {
        if (!col_year[c]) continue;
        long long v;
        if (!parse_count(f[c], &v))
          return cs_error_set(im->err, CS_EINVAL,
                              "%s:%d: invalid population \"%s\" for %s in %d (expected a whole "
                              "number 0..%lld)",
                              file, rd.line, f[c], code, col_year[c], MAX_POPULATION);
        int rc = push_pop(im, col_year[c], code, v, src, rd.line, 1);
        if (rc) return rc;
      }
    } else {
      int year;
      long long v;
      if (!parse_year(f[year_col], &year))
        return cs_error_set(im->err, CS_EINVAL, "%s:%d: invalid year \"%s\" (expected 1900..2100)",
                            file, rd.line, f[year_col]);
      if (!is_code(f[code_col]))
        return cs_error_set(im->err, CS_EINVAL,
                            "%s:%d: invalid municipality code \"%s\" (expected 4 digits)", file,
                            rd.line, f[code_col]);
      if (!parse_count(f[pop_col], &v))
        return cs_error_set(im->err, CS_EINVAL,
                            "%s:%d: invalid population \"%s\" (expected a whole number 0..%lld)",
                            file, rd.line, f[pop_col], MAX_POPULATION);
      int rc = push_pop(im, year, f[code_col], v, src, rd.line, 0);
      if (rc) return rc;
    }
  }
  return settle_file_rows(im, first, statbank, file);
}

/* ---- KLASS JSON --------------------------------------------------------- */

/* jansson keeps no positions of parsed values, so to name a line this scans
** the text for the elements of the array under the top-level key: lines[i]
** is the line on which element i starts (1 when not found). */
static int *element_lines(const char *text, const char *key, size_t n) {
  int *lines = malloc((n ? n : 1) * sizeof *lines);
  if (!lines) return NULL;
  for (size_t i = 0; i < n; i++) lines[i] = 1;
  int line = 1, depth = 0, in_array = 0, want = 0;
  const char *last = NULL;
  size_t last_len = 0, found = 0, klen = strlen(key);
  for (const char *p = text; *p && found < n; p++) {
    char c = *p;
    if (c == '\n') line++;
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (in_array && want && depth == 2 && c != ']') {
      lines[found++] = line;
      want = 0;
    }
    if (c == '"') {
      const char *start = p + 1;
      for (p++; *p && *p != '"'; p++) {
        if (*p == '\\' && p[1]) p++;
        if (*p == '\n') line++;
      }
      if (!*p) break;
      if (depth == 1) {
        last = start;
        last_len = (size_t)(p - start);
      }
    } else if (c == '{' || c == '[') {
      depth++;
      if (c == '[' && depth == 2 && last && last_len == klen && memcmp(last, key, klen) == 0) {
        in_array = 1;
        want = 1;
      }
    } else if (c == '}' || c == ']') {
      depth--;
      if (depth < 2) in_array = 0;
    } else if (c == ',' && in_array && depth == 2) {
      want = 1;
    }
  }
  return lines;
}

/* Line of the first occurrence of "key" in text (1 if absent). */
static int key_line(const char *text, const char *key) {
  char pattern[64];
  snprintf(pattern, sizeof pattern, "\"%s\"", key);
  const char *at = strstr(text, pattern);
  int line = 1;
  for (const char *p = text; at && p < at; p++) line += *p == '\n';
  return line;
}

static const char *jstr(json_t *obj, const char *key) { return json_string_value(json_object_get(obj, key)); }

static int cmp_item(const void *pa, const void *pb) {
  const version_item *a = pa, *b = pb;
  if (a->version != b->version) return a->version < b->version ? -1 : 1;
  return strcmp(a->code, b->code);
}

static int push_item(importer *im, const char *code, const char *name, size_t v, int line) {
  PUSH(im, items, nitems, cap_items);
  version_item *vi = &im->items[im->nitems];
  memcpy(vi->code, code, 5);
  vi->version = v;
  vi->line = line;
  if (!(vi->name = keep(im, name))) return nomem(im);
  im->nitems++;
  return CS_OK;
}

static int import_code_list(importer *im, json_t *root, const char *text, const char *file, int src) {
  json_t *items = json_object_get(root, "classificationItems");
  const char *from = jstr(root, "validFrom");
  if (!is_date(from))
    return cs_error_set(im->err, CS_EINVAL,
                        "%s:%d: KLASS code list with an invalid validFrom \"%s\" (expected "
                        "YYYY-MM-DD, a real date)",
                        file, key_line(text, "validFrom"), from ? from : "(missing)");
  PUSH(im, versions, nversions, cap_versions);
  size_t v = im->nversions++;
  memset(&im->versions[v], 0, sizeof im->versions[v]);
  memcpy(im->versions[v].from, from, 11);
  im->versions[v].src = src;
  size_t n = json_array_size(items), first = im->nitems;
  int *lines = element_lines(text, "classificationItems", n);
  if (!lines) return nomem(im);
  int rc = CS_OK;
  for (size_t i = 0; i < n && !rc; i++) {
    json_t *it = json_array_get(items, i);
    json_t *level = json_object_get(it, "level");
    const char *code = jstr(it, "code"), *name = jstr(it, "name");
    const char *ls = json_string_value(level);
    if (!json_is_object(it) || !level || !code) {
      rc = cs_error_set(im->err, CS_EINVAL,
                        "%s:%d: classificationItems[%zu] lacks its code or level", file, lines[i], i);
      break;
    }
    /* level 1 are the municipalities (131 has no other level today) */
    if (!((ls && strcmp(ls, "1") == 0) || (json_is_integer(level) && json_integer_value(level) == 1)))
      continue;
    if (strcmp(code, "9999") == 0) continue; /* "Uoppgitt": unknown, not a municipality */
    if (!is_code(code)) {
      rc = cs_error_set(im->err, CS_EINVAL,
                        "%s:%d: classificationItems[%zu]: invalid municipality code \"%s\" "
                        "(expected 4 digits)",
                        file, lines[i], i, code);
      break;
    }
    if ((rc = check_name(im, name, file, lines[i], code))) break;
    rc = push_item(im, code, name, v, lines[i]);
  }
  free(lines);
  if (rc) return rc;
  size_t k = im->nitems - first;
  /* an empty list would end every municipality on its date */
  if (k == 0)
    return cs_error_set(im->err, CS_EINVAL, "%s:%d: a KLASS code list without municipalities (level 1 items)",
                        file, key_line(text, "classificationItems"));
  if (k > 1) qsort(im->items + first, k, sizeof *im->items, cmp_item);
  for (size_t i = first + 1; i < im->nitems; i++)
    if (strcmp(im->items[i].code, im->items[i - 1].code) == 0)
      return cs_error_set(im->err, CS_EINVAL, "%s:%d: code %s appears twice in the code list (also line %d)",
                          file, im->items[i].line, im->items[i].code, im->items[i - 1].line);
  return CS_OK;
}

static int push_change(importer *im, const char *date, const char *oc, const char *on, const char *nc,
                       const char *nn, int src, int line) {
  PUSH(im, changes, nchanges, cap_changes);
  change_row *c = &im->changes[im->nchanges];
  memset(c, 0, sizeof *c);
  memcpy(c->date, date, 11);
  memcpy(c->old_code, oc, 5);
  memcpy(c->new_code, nc, 5);
  c->src = src;
  c->line = line;
  if (!(c->old_name = keep(im, on)) || !(c->new_name = keep(im, nn))) return nomem(im);
  im->nchanges++;
  return CS_OK;
}

static int import_change_table(importer *im, json_t *root, const char *text, const char *file, int src) {
  json_t *arr = json_object_get(root, "codeChanges");
  size_t n = json_array_size(arr);
  int *lines = element_lines(text, "codeChanges", n);
  if (!lines) return nomem(im);
  int rc = CS_OK;
  for (size_t i = 0; i < n && !rc; i++) {
    json_t *c = json_array_get(arr, i);
    const char *date = jstr(c, "changeOccurred"), *oc = jstr(c, "oldCode"), *nc = jstr(c, "newCode");
    const char *on = jstr(c, "oldName"), *nn = jstr(c, "newName");
    char what[48];
    snprintf(what, sizeof what, "codeChanges[%zu]", i);
    if (!is_date(date)) {
      rc = cs_error_set(im->err, CS_EINVAL,
                        "%s:%d: %s: invalid changeOccurred \"%s\" (expected YYYY-MM-DD, a real date)",
                        file, lines[i], what, date ? date : "(missing)");
    } else if (strcmp(date, FIRST_CHANGE) < 0) {
      continue;
    } else if (!is_code(oc) || !is_code(nc)) {
      const char *bad = is_code(oc) ? nc : oc;
      rc = cs_error_set(im->err, CS_EINVAL,
                        "%s:%d: %s: invalid municipality code \"%s\" (expected 4 digits)", file,
                        lines[i], what, bad ? bad : "(missing)");
    } else if (!(rc = check_name(im, on, file, lines[i], what)) &&
               !(rc = check_name(im, nn, file, lines[i], what))) {
      rc = push_change(im, date, oc, on, nc, nn, src, lines[i]);
    }
  }
  free(lines);
  return rc;
}

static int import_json(importer *im, const char *text, const char *file, int src) {
  json_error_t je;
  json_t *root = json_loads(text, JSON_REJECT_DUPLICATES, &je);
  if (!root)
    return cs_error_set(im->err, CS_EINVAL, "%s:%d: invalid JSON: %s", file, je.line > 0 ? je.line : 1,
                        je.text);
  int rc;
  if (json_is_array(json_object_get(root, "classificationItems")) && json_object_get(root, "validFrom"))
    rc = import_code_list(im, root, text, file, src);
  else if (json_is_array(json_object_get(root, "codeChanges")))
    rc = import_change_table(im, root, text, file, src);
  else if (json_is_array(json_object_get(root, "versions")) && json_object_get(root, "classificationType"))
    rc = CS_OK; /* KLASS metadata (131.json): the periods come from the code lists themselves */
  else
    rc = cs_error_set(im->err, CS_EINVAL,
                      "%s:1: JSON that is neither a KLASS code list (classificationItems and "
                      "validFrom) nor a KLASS change table (codeChanges)",
                      file);
  json_decref(root);
  return rc;
}

/* One input's content: buf (len bytes and a NUL after them) is owned and
** freed here. */
static int import_text(importer *im, char *buf, size_t len, const char *file, int src) {
  if (memchr(buf, '\0', len)) {
    free(buf);
    return cs_error_set(im->err, CS_EINVAL, "%s:1: contains NUL bytes: not a text file", file);
  }
  char *text = to_utf8(buf, len);
  if (!text) {
    free(buf);
    return nomem(im);
  }
  const char *p = text;
  while (isspace((unsigned char)*p)) p++;
  int rc = *p == '{' ? import_json(im, text, file, src) : import_population(im, text, file, src, POP_ANY);
  free(text);
  return rc;
}

static int import_file(importer *im, const char *file, int src) {
  size_t len;
  char *buf = cs_read_file(file, &len, im->err);
  if (!buf) return CS_EIO;
  return import_text(im, buf, len, file, src);
}

/* ---- the registry already in data_dir ---------------------------------- */

typedef struct own_file {
  char path[PATH_SIZE];
  char *text; /* NULL when the file does not exist */
  reader rd;
} own_file;

static int open_own(importer *im, own_file *o, const char *dir, const char *name, const char *header) {
  memset(o, 0, sizeof *o);
  if ((size_t)snprintf(o->path, sizeof o->path, "%s/%s", dir, name) >= sizeof o->path)
    return cs_error_set(im->err, CS_EINVAL, "%s: path too long", dir);
  struct stat st;
  if (stat(o->path, &st) != 0) {
    if (errno == ENOENT) return CS_OK;
    return cs_error_set(im->err, CS_EIO, "%s: %s", o->path, strerror(errno));
  }
  size_t len;
  if (!(o->text = cs_read_file(o->path, &len, im->err))) return CS_EIO;
  if (memchr(o->text, '\0', len) || !valid_utf8((const unsigned char *)o->text, len))
    return cs_error_set(im->err, CS_EINVAL, "%s: not UTF-8 text, which coopsim's registry files are",
                        o->path);
  o->rd.p = o->text;
  if (!header) return CS_OK;
  char *line = next_line(&o->rd);
  if (!line || strcmp(line, header) != 0)
    return cs_error_set(im->err, CS_EINVAL, "%s:1: expected the header \"%s\", found \"%s\"", o->path,
                        header, line ? line : "");
  return CS_OK;
}

/* The next data row of a registry file, split at ',' into exactly n fields
** (want_min..n); 0 at the end. Quotes are not part of coopsim's schema. */
static int own_row(importer *im, own_file *o, char **f, int want_min, int n, int *rc) {
  char *line;
  *rc = CS_OK;
  while ((line = next_line(&o->rd)) != NULL) {
    if (blank(line)) continue;
    if (strchr(line, '"')) {
      *rc = cs_error_set(im->err, CS_EINVAL, "%s:%d: quotes are not part of coopsim's CSV schema",
                         o->path, o->rd.line);
      return 0;
    }
    int got = split_fields(line, ',', f, n);
    if (got < want_min || got > n) {
      *rc = cs_error_set(im->err, CS_EINVAL, "%s:%d: expected %d fields, got %d", o->path, o->rd.line,
                         n, got > n ? n + 1 : got);
      return 0;
    }
    static char none[1]; /* an optional trailing field left out */
    for (int i = got; i < n; i++) f[i] = none;
    return 1;
  }
  return 0;
}

static int cmp_period(const void *pa, const void *pb) {
  const period *a = pa, *b = pb;
  int c = strcmp(a->code, b->code);
  return c ? c : strcmp(a->from, b->from);
}

static int load_municipalities(importer *im, const char *dir) {
  own_file o;
  int rc = open_own(im, &o, dir, "municipalities.csv", "code,name,valid_from,valid_to");
  char *f[4];
  while (!rc && o.text && own_row(im, &o, f, 4, 4, &rc)) {
    int line = o.rd.line;
    if (!is_code(f[0]))
      rc = cs_error_set(im->err, CS_EINVAL, "%s:%d: invalid municipality code \"%s\"", o.path, line, f[0]);
    else if (!is_date(f[2]) || (*f[3] && (!is_date(f[3]) || strcmp(f[3], f[2]) <= 0)))
      rc = cs_error_set(im->err, CS_EINVAL, "%s:%d: invalid period \"%s\" to \"%s\"", o.path, line,
                        f[2], f[3]);
    else if (!(rc = check_name(im, f[1], o.path, line, f[0]))) {
      void *np = grow(im->old, &im->cap_old, im->nold, sizeof *im->old);
      if (!np) {
        rc = nomem(im);
        break;
      }
      im->old = np;
      period *p = &im->old[im->nold++];
      memcpy(p->code, f[0], 5);
      memcpy(p->from, f[2], 11);
      snprintf(p->to, sizeof p->to, "%s", f[3]);
      p->line = line;
      if (!(p->name = keep(im, f[1]))) rc = nomem(im);
    }
  }
  if (!rc && im->nold > 1) {
    qsort(im->old, im->nold, sizeof *im->old, cmp_period);
    for (size_t i = 1; i < im->nold && !rc; i++) {
      const period *a = &im->old[i - 1], *b = &im->old[i];
      if (strcmp(a->code, b->code) == 0 && (!*a->to || strcmp(a->to, b->from) > 0))
        rc = cs_error_set(im->err, CS_EINVAL, "%s:%d: the period of %s from %s overlaps the one on line %d",
                          o.path, b->line, b->code, b->from, a->line);
    }
  }
  free(o.text);
  return rc;
}

static int load_changes(importer *im, const char *dir) {
  own_file o;
  int rc = open_own(im, &o, dir, "changes.csv", "date,old_code,old_name,new_code,new_name");
  char *f[5];
  while (!rc && o.text && own_row(im, &o, f, 5, 5, &rc)) {
    int line = o.rd.line;
    if (!is_date(f[0]))
      rc = cs_error_set(im->err, CS_EINVAL, "%s:%d: invalid date \"%s\"", o.path, line, f[0]);
    else if (!is_code(f[1]) || !is_code(f[3]))
      rc = cs_error_set(im->err, CS_EINVAL, "%s:%d: invalid municipality code \"%s\"", o.path, line,
                        is_code(f[1]) ? f[3] : f[1]);
    else if (!(rc = check_name(im, f[2], o.path, line, f[1])) && !(rc = check_name(im, f[4], o.path, line, f[3])))
      rc = push_change(im, f[0], f[1], f[2], f[3], f[4], 0, line);
  }
  free(o.text);
  return rc;
}

/* A decimal in 0..1: "0", "0.25", "1", "1.000". */
static int is_fraction(const char *s) {
  if (s[0] != '0' && s[0] != '1') return 0;
  if (!s[1]) return 1;
  if (s[1] != '.' || !s[2] || !is_digits(s + 2, strlen(s + 2))) return 0;
  if (s[0] == '1')
    for (const char *c = s + 2; *c; c++)
      if (*c != '0') return 0;
  return 1;
}

static int push_split(importer *im, const char *date, const char *oc, const char *nc, const char *fraction,
                      const char *basis) {
  PUSH(im, splits, nsplits, cap_splits);
  split_row *s = &im->splits[im->nsplits];
  memcpy(s->date, date, 11);
  memcpy(s->old_code, oc, 5);
  memcpy(s->new_code, nc, 5);
  if (!(s->fraction = keep(im, fraction)) || !(s->basis = keep(im, basis))) return nomem(im);
  im->nsplits++;
  return CS_OK;
}

/* Rows whose basis is not a proxy of ours (say, SSB's real shares entered by
** a planner) survive an import; the proxies are derived afresh. */
static int load_splits(importer *im, const char *dir) {
  own_file o;
  int rc = open_own(im, &o, dir, "split_fractions.csv", "date,old_code,new_code,fraction,basis");
  char *f[5];
  while (!rc && o.text && own_row(im, &o, f, 4, 5, &rc)) {
    int line = o.rd.line;
    if (!is_date(f[0]))
      rc = cs_error_set(im->err, CS_EINVAL, "%s:%d: invalid date \"%s\"", o.path, line, f[0]);
    else if (!is_code(f[1]) || !is_code(f[2]))
      rc = cs_error_set(im->err, CS_EINVAL, "%s:%d: invalid municipality code \"%s\"", o.path, line,
                        is_code(f[1]) ? f[2] : f[1]);
    else if (!is_fraction(f[3]))
      rc = cs_error_set(im->err, CS_EINVAL, "%s:%d: invalid fraction \"%s\" (expected a decimal 0..1)",
                        o.path, line, f[3]);
    else if (strncmp(f[4], "proxy", 5) != 0)
      rc = push_split(im, f[0], f[1], f[2], f[3], f[4]);
  }
  free(o.text);
  return rc;
}

static int load_registry(importer *im, const char *dir) {
  struct stat st;
  if (stat(dir, &st) != 0) {
    if (errno == ENOENT) return CS_OK; /* created when writing */
    return cs_error_set(im->err, CS_EIO, "%s: %s", dir, strerror(errno));
  }
  if (!S_ISDIR(st.st_mode)) return cs_error_set(im->err, CS_EINVAL, "%s: not a folder", dir);
  own_file o;
  int rc = open_own(im, &o, dir, "population.csv", NULL);
  if (!rc && o.text) rc = import_population(im, o.text, o.path, 0, POP_OWN_ONLY);
  free(o.text);
  if (!rc) rc = load_municipalities(im, dir);
  if (!rc) rc = load_changes(im, dir);
  if (!rc) rc = load_splits(im, dir);
  return rc;
}

/* ---- merging ----------------------------------------------------------- */

typedef struct snapshot_item {
  char code[5];
  const char *name;
  size_t date; /* index into the boundary dates */
} snapshot_item;

static int cmp_date11(const void *a, const void *b) { return strcmp((const char *)a, (const char *)b); }

static int cmp_snapshot_item(const void *pa, const void *pb) {
  const snapshot_item *a = pa, *b = pb;
  int c = strcmp(a->code, b->code);
  if (c) return c;
  return (a->date > b->date) - (a->date < b->date);
}

/* The municipalities' periods, recomputed: at every boundary date (an
** imported code list's validFrom, or a from/to of the periods found in
** data_dir) the set of (code, name) valid is the imported list of that date,
** else what the existing periods say. A code/name is then valid from the
** first date of a run of consecutive dates that list it, until the next
** date (open after the last). */
static int rebuild_periods(importer *im, cs_import_report *rep) {
  /* the last imported list of each date wins */
  for (size_t v = 0; v < im->nversions; v++) {
    im->versions[v].winner = 1;
    for (size_t w = 0; w < im->nversions; w++)
      if (w != v && strcmp(im->versions[w].from, im->versions[v].from) == 0 &&
          (im->versions[w].src > im->versions[v].src || (im->versions[w].src == im->versions[v].src && w > v)))
        im->versions[v].winner = 0;
  }
  size_t ndates = 0, cap = 2 * im->nold + im->nversions + 1;
  char(*dates)[11] = malloc(cap * sizeof *dates);
  long *winner_at = NULL;
  snapshot_item *items = NULL;
  int rc = CS_OK;
  if (!dates) return nomem(im);
  for (size_t i = 0; i < im->nold; i++) {
    memcpy(dates[ndates++], im->old[i].from, 11);
    if (*im->old[i].to) memcpy(dates[ndates++], im->old[i].to, 11);
  }
  for (size_t v = 0; v < im->nversions; v++) memcpy(dates[ndates++], im->versions[v].from, 11);
  if (ndates > 1) qsort(dates, ndates, sizeof *dates, cmp_date11);
  size_t nd = 0;
  for (size_t i = 0; i < ndates; i++)
    if (!nd || strcmp(dates[nd - 1], dates[i]) != 0) memmove(dates[nd++], dates[i], 11);
  ndates = nd;
  winner_at = malloc((ndates ? ndates : 1) * sizeof *winner_at);
  size_t cap_items = im->nitems + 1, nitems = 0;
  for (size_t i = 0; i < im->nold; i++) cap_items += ndates;
  items = malloc(cap_items * sizeof *items);
  if (!winner_at || !items) {
    rc = nomem(im);
    goto done;
  }
  for (size_t d = 0; d < ndates; d++) winner_at[d] = -1;
  for (size_t v = 0; v < im->nversions; v++) {
    if (!im->versions[v].winner) continue;
    char(*at)[11] = bsearch(im->versions[v].from, dates, ndates, sizeof *dates, cmp_date11);
    winner_at[at - dates] = (long)v;
  }
  for (size_t i = 0; i < im->nitems; i++) {
    const version_item *vi = &im->items[i];
    if (!im->versions[vi->version].winner) continue;
    char(*at)[11] = bsearch(im->versions[vi->version].from, dates, ndates, sizeof *dates, cmp_date11);
    snapshot_item *s = &items[nitems++];
    memcpy(s->code, vi->code, 5);
    s->name = vi->name;
    s->date = (size_t)(at - dates);
  }
  for (size_t i = 0; i < im->nold; i++) {
    const period *p = &im->old[i];
    for (size_t d = 0; d < ndates; d++) {
      if (winner_at[d] >= 0 || strcmp(dates[d], p->from) < 0 || (*p->to && strcmp(dates[d], p->to) >= 0))
        continue;
      snapshot_item *s = &items[nitems++];
      memcpy(s->code, p->code, 5);
      s->name = p->name;
      s->date = d;
    }
  }
  if (nitems > 1) qsort(items, nitems, sizeof *items, cmp_snapshot_item);
  for (size_t i = 0; i < nitems;) {
    size_t j = i;
    while (j + 1 < nitems && strcmp(items[j + 1].code, items[i].code) == 0 &&
           items[j + 1].date == items[j].date + 1 && strcmp(items[j + 1].name, items[i].name) == 0)
      j++;
    void *np = grow(im->periods, &im->cap_periods, im->nperiods, sizeof *im->periods);
    if (!np) {
      rc = nomem(im);
      goto done;
    }
    im->periods = np;
    period *p = &im->periods[im->nperiods++];
    memset(p, 0, sizeof *p);
    memcpy(p->code, items[i].code, 5);
    p->name = items[i].name;
    memcpy(p->from, dates[items[i].date], 11);
    if (items[j].date + 1 < ndates) memcpy(p->to, dates[items[j].date + 1], 11);
    i = j + 1;
  }
  /* the report: a period that is not exactly one found before is added (a
  ** new code) or changed (a known code) */
  for (size_t i = 0; i < im->nperiods; i++) {
    const period *p = &im->periods[i];
    int same = 0, known = 0;
    for (size_t k = 0; k < im->nold && !same; k++) {
      const period *q = &im->old[k];
      if (strcmp(q->code, p->code) != 0) continue;
      known = 1;
      same = strcmp(q->from, p->from) == 0 && strcmp(q->to, p->to) == 0 && strcmp(q->name, p->name) == 0;
    }
    if (!same) {
      if (known) rep->municipalities_changed++;
      else rep->municipalities_added++;
    }
  }
done:
  free(dates);
  free(winner_at);
  free(items);
  return rc;
}

/* 1 if code is valid on date by the recomputed periods (sorted by code). */
static int valid_on(const importer *im, const char *code, const char *date) {
  size_t lo = 0, hi = im->nperiods;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (strcmp(im->periods[mid].code, code) < 0) lo = mid + 1;
    else hi = mid;
  }
  for (size_t i = lo; i < im->nperiods && strcmp(im->periods[i].code, code) == 0; i++)
    if (strcmp(im->periods[i].from, date) <= 0 && (!*im->periods[i].to || strcmp(date, im->periods[i].to) < 0))
      return 1;
  return 0;
}

static int merge_populations(importer *im, cs_import_report *rep) {
  /* StatBank lists every code it ever used, with 0 persons in the years the
  ** code did not exist: those rows are not figures, they are absences */
  size_t out = 0;
  for (size_t i = 0; i < im->npops; i++) {
    const pop_row *r = &im->pops[i];
    if (r->statbank && r->pop == 0) {
      char jan1[16];
      snprintf(jan1, sizeof jan1, "%04d-01-01", r->year);
      if (!valid_on(im, r->code, jan1)) continue;
    }
    im->pops[out++] = *r;
  }
  im->npops = out;
  if (im->npops > 1) qsort(im->pops, im->npops, sizeof *im->pops, cmp_pop_key);
  out = 0;
  for (size_t i = 0; i < im->npops;) {
    size_t j = i;
    while (j + 1 < im->npops && im->pops[j + 1].year == im->pops[i].year &&
           strcmp(im->pops[j + 1].code, im->pops[i].code) == 0)
      j++;
    const pop_row *existing = im->pops[i].src == 0 ? &im->pops[i] : NULL;
    pop_row last = im->pops[j];
    if (last.src != 0) {
      if (!existing) rep->population_added++;
      else if (existing->pop != last.pop) rep->population_changed++;
    }
    im->pops[out++] = last;
    i = j + 1;
  }
  im->npops = out;
  return CS_OK;
}

static int cmp_change_key(const void *pa, const void *pb) {
  const change_row *a = pa, *b = pb;
  int c = strcmp(a->date, b->date);
  if (!c) c = strcmp(a->old_code, b->old_code);
  if (!c) c = strcmp(a->new_code, b->new_code);
  if (!c) c = (a->src > b->src) - (a->src < b->src);
  if (!c) c = (a->line > b->line) - (a->line < b->line);
  return c;
}

static int merge_changes(importer *im, const char *dir, cs_import_report *rep) {
  if (im->nchanges > 1) qsort(im->changes, im->nchanges, sizeof *im->changes, cmp_change_key);
  size_t out = 0;
  for (size_t i = 0; i < im->nchanges;) {
    size_t j = i;
    while (j + 1 < im->nchanges && strcmp(im->changes[j + 1].date, im->changes[i].date) == 0 &&
           strcmp(im->changes[j + 1].old_code, im->changes[i].old_code) == 0 &&
           strcmp(im->changes[j + 1].new_code, im->changes[i].new_code) == 0) {
      const change_row *a = &im->changes[j], *b = &im->changes[j + 1];
      if (a->src == b->src && (strcmp(a->old_name, b->old_name) || strcmp(a->new_name, b->new_name))) {
        char path[PATH_SIZE];
        snprintf(path, sizeof path, "%s/changes.csv", dir);
        return cs_error_set(im->err, CS_EINVAL,
                            "%s:%d: the change %s %s -> %s is also on line %d with other names",
                            b->src ? im->files[b->src - 1] : path, b->line, b->date, b->old_code,
                            b->new_code, a->line);
      }
      j++;
    }
    if (im->changes[i].src != 0) rep->changes_added++;
    im->changes[out++] = im->changes[j];
    i = j + 1;
  }
  im->nchanges = out;
  return CS_OK;
}

/* ---- split fractions ----------------------------------------------------- */

static long long find_pop(const importer *im, int year, const char *code, int *found) {
  size_t lo = 0, hi = im->npops;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    const pop_row *r = &im->pops[mid];
    int c = r->year != year ? (r->year < year ? -1 : 1) : strcmp(r->code, code);
    if (c == 0) {
      *found = 1;
      return r->pop;
    }
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  *found = 0;
  return 0;
}

/* The proxy for one split: changes[first..first+k) share date and old code.
** KLASS gives no shares, so each new code's share is its growth over its
** other predecessors, from 1 January before the split to the first 1 January
** after it, as a part of the growth of all the new codes: the part of the old
** municipality it received plus ordinary growth, which is the noise of this
** proxy. Rounded to 6 decimals by largest remainder, so the shares of one
** split sum to exactly 1. A split with a missing figure gets no proxy. */
static int proxy_for_split(importer *im, size_t first, size_t k) {
  const change_row *g = &im->changes[first];
  cs_date d;
  cs_date_parse(&d, g->date, NULL);
  int year = d.month == 1 && d.day == 1 ? d.year : d.year + 1;
  long long *gain = calloc(k, sizeof *gain), *micro = calloc(k, sizeof *micro), *rem = calloc(k, sizeof *rem);
  long long total = 0;
  int ok = 1, rc = CS_OK;
  if (!gain || !micro || !rem) {
    rc = nomem(im);
    goto done;
  }
  for (size_t j = 0; j < k && ok; j++) {
    const char *nc = im->changes[first + j].new_code;
    int found, continues = 1;
    long long now = find_pop(im, year, nc, &found), before = 0;
    ok = found;
    for (size_t c = 0; c < im->nchanges && ok; c++) {
      const change_row *o = &im->changes[c];
      if (strcmp(o->date, g->date) != 0) continue;
      /* a new code that was itself an old code that day carried another
      ** territory before, unless a row maps it onto itself (counted below) */
      if (strcmp(o->old_code, nc) == 0) continues = 0;
      if (strcmp(o->new_code, nc) != 0 || strcmp(o->old_code, g->old_code) == 0) continue;
      before += find_pop(im, year - 1, o->old_code, &found);
      ok = found;
    }
    if (continues) { /* kept its code with no change row: its own predecessor */
      long long self = find_pop(im, year - 1, nc, &found);
      if (found) before += self;
    }
    gain[j] = now > before ? now - before : 0;
    total += gain[j];
  }
  if (!ok || total <= 0) goto done;
  long long assigned = 0;
  for (size_t j = 0; j < k; j++) {
    micro[j] = gain[j] * 1000000 / total;
    rem[j] = gain[j] * 1000000 % total;
    assigned += micro[j];
  }
  for (; assigned < 1000000; assigned++) {
    size_t best = 0;
    for (size_t j = 1; j < k; j++)
      if (rem[j] > rem[best]) best = j;
    micro[best]++;
    rem[best] = -1;
  }
  for (size_t j = 0; j < k && !rc; j++) {
    char fraction[32], basis[256];
    snprintf(fraction, sizeof fraction, "%lld.%06lld", micro[j] / 1000000, micro[j] % 1000000);
    snprintf(basis, sizeof basis,
             "proxy: growth of %s over its other predecessors 1 January %d to %d = %lld of %lld "
             "persons gained by all new codes of %s",
             im->changes[first + j].new_code, year - 1, year, gain[j], total, g->old_code);
    rc = push_split(im, g->date, g->old_code, im->changes[first + j].new_code, fraction, basis);
  }
done:
  free(gain);
  free(micro);
  free(rem);
  return rc;
}

static int cmp_split(const void *pa, const void *pb) {
  const split_row *a = pa, *b = pb;
  int c = strcmp(a->date, b->date);
  if (!c) c = strcmp(a->old_code, b->old_code);
  if (!c) c = strcmp(a->new_code, b->new_code);
  return c;
}

/* Every old code that went to several new codes on one date is a split (or a
** part moved): a proxy for each, unless data_dir held figures of its own. */
static int derive_splits(importer *im) {
  size_t kept = im->nsplits;
  int rc = CS_OK;
  for (size_t i = 0; i < im->nchanges && !rc;) {
    size_t k = 1;
    while (i + k < im->nchanges && strcmp(im->changes[i + k].date, im->changes[i].date) == 0 &&
           strcmp(im->changes[i + k].old_code, im->changes[i].old_code) == 0)
      k++;
    int own = 0;
    for (size_t s = 0; s < kept && !own; s++)
      own = strcmp(im->splits[s].date, im->changes[i].date) == 0 &&
            strcmp(im->splits[s].old_code, im->changes[i].old_code) == 0;
    if (k > 1 && !own) rc = proxy_for_split(im, i, k);
    i += k;
  }
  if (!rc && im->nsplits > 1) qsort(im->splits, im->nsplits, sizeof *im->splits, cmp_split);
  return rc;
}

/* ---- writing ---------------------------------------------------------- */

typedef struct output {
  const char *name;
  char tmp[PATH_SIZE], final[PATH_SIZE];
  int made;   /* the temporary file exists */
  int ticket; /* its entry for a signal's removal (temp_files.h) */
} output;

static FILE *open_temp(importer *im, output *o, const char *dir) {
  if ((size_t)snprintf(o->final, sizeof o->final, "%s/%s", dir, o->name) >= sizeof o->final ||
      (size_t)snprintf(o->tmp, sizeof o->tmp, "%s/.%s.XXXXXX", dir, o->name) >= sizeof o->tmp) {
    cs_error_set(im->err, CS_EINVAL, "%s: path too long", dir);
    return NULL;
  }
  sigset_t saved;
  cs_temp_files_block(&saved); /* listed before a signal can end the process */
  int fd = mkstemp(o->tmp);
  int made_errno = errno;
  if (fd >= 0) o->ticket = cs_temp_files_remember(AT_FDCWD, o->tmp);
  cs_temp_files_unblock(&saved);
  if (fd < 0) {
    cs_error_set(im->err, CS_EIO, "%s: cannot create a temporary file: %s", o->tmp, strerror(made_errno));
    return NULL;
  }
  o->made = 1;
  /* mkstemp makes the file private; the registry is as readable as before */
  struct stat st;
  (void)fchmod(fd, stat(o->final, &st) == 0 ? (st.st_mode & 0777) : 0644);
  FILE *f = fdopen(fd, "w");
  if (!f) {
    cs_error_set(im->err, CS_EIO, "%s: %s", o->tmp, strerror(errno));
    close(fd);
  }
  return f;
}

/* Flushed to disk before the rename makes it visible. */
static int close_temp(importer *im, output *o, FILE *f) {
  int bad = fflush(f) != 0 || ferror(f);
  if (!bad && fsync(fileno(f)) != 0) bad = 1;
  int saved = errno;
  if (fclose(f) != 0 && !bad) {
    bad = 1;
    saved = errno;
  }
  if (bad) return cs_error_set(im->err, CS_EIO, "%s: cannot write: %s", o->tmp, strerror(saved));
  return CS_OK;
}

static void write_body(const importer *im, int which, FILE *f) {
  switch (which) {
  case 0:
    fputs("code,name,valid_from,valid_to\n", f);
    for (size_t i = 0; i < im->nperiods; i++) {
      const period *p = &im->periods[i];
      fprintf(f, "%s,%s,%s,%s\n", p->code, p->name, p->from, p->to);
    }
    break;
  case 1:
    fputs("year,code,population\n", f);
    for (size_t i = 0; i < im->npops; i++)
      fprintf(f, "%d,%s,%lld\n", im->pops[i].year, im->pops[i].code, im->pops[i].pop);
    break;
  case 2:
    fputs("date,old_code,old_name,new_code,new_name\n", f);
    for (size_t i = 0; i < im->nchanges; i++) {
      const change_row *c = &im->changes[i];
      fprintf(f, "%s,%s,%s,%s,%s\n", c->date, c->old_code, c->old_name, c->new_code, c->new_name);
    }
    break;
  default:
    fputs("date,old_code,new_code,fraction,basis\n", f);
    for (size_t i = 0; i < im->nsplits; i++) {
      const split_row *s = &im->splits[i];
      fprintf(f, "%s,%s,%s,%s,%s\n", s->date, s->old_code, s->new_code, s->fraction, s->basis);
    }
    break;
  }
}

static int write_outputs(importer *im, const char *dir) {
  output out[4] = {{.name = "municipalities.csv", .ticket = -1}, {.name = "population.csv", .ticket = -1},
                   {.name = "changes.csv", .ticket = -1}, {.name = "split_fractions.csv", .ticket = -1}};
  int rc = CS_OK, created = 0;
  struct stat st;
  if (stat(dir, &st) != 0) {
    if (mkdir(dir, 0777) != 0)
      return cs_error_set(im->err, CS_EIO, "%s: cannot create the folder: %s", dir, strerror(errno));
    created = 1;
  }
  for (int k = 0; k < 4 && !rc; k++) {
    FILE *f = open_temp(im, &out[k], dir);
    if (!f) {
      rc = im->err ? im->err->code : CS_EIO;
      if (!rc) rc = CS_EIO;
      break;
    }
    write_body(im, k, f);
    rc = close_temp(im, &out[k], f);
  }
  /* every file is complete on disk: only now does the registry change */
  for (int k = 0; k < 4 && !rc; k++) {
    if (rename(out[k].tmp, out[k].final) != 0)
      rc = cs_error_set(im->err, CS_EIO, "%s: cannot rename into place: %s%s", out[k].final,
                        strerror(errno), k ? " (the files before it were replaced)" : "");
    else out[k].made = 0;
  }
  for (int k = 0; k < 4; k++) {
    if (out[k].made) unlink(out[k].tmp);
    cs_temp_files_forget(out[k].ticket);
  }
  if (rc && created) rmdir(dir);
  if (!rc) { /* the renames themselves on disk; a failure here loses nothing already written */
    int fd = open(dir, O_RDONLY);
    if (fd >= 0) {
      (void)fsync(fd);
      close(fd);
    }
  }
  return rc;
}

/* ---- the API ------------------------------------------------------------- */

int cs_ssb_import(const char *data_dir, const char *const *files, int n, cs_import_report *report,
                  cs_error *err) {
  if (!data_dir || !*data_dir || n < 0 || (n > 0 && !files))
    return cs_error_set(err, CS_EINVAL, "import: no data folder, or no list of files");
  importer im;
  memset(&im, 0, sizeof im);
  im.err = err;
  im.files = files;
  cs_import_report rep;
  memset(&rep, 0, sizeof rep);
  int rc = load_registry(&im, data_dir);
  for (int i = 0; i < n && !rc; i++) {
    if (!files[i]) rc = cs_error_set(err, CS_EINVAL, "import: file %d is NULL", i + 1);
    else rc = import_file(&im, files[i], i + 1);
    if (!rc) rep.files++;
  }
  if (!rc) rc = rebuild_periods(&im, &rep);
  if (!rc) rc = merge_populations(&im, &rep);
  if (!rc) rc = merge_changes(&im, data_dir, &rep);
  if (!rc) rc = derive_splits(&im);
  if (!rc) rc = write_outputs(&im, data_dir);
  importer_free(&im);
  if (!rc && report) *report = rep;
  return rc;
}

int cs_ssb_check_texts(const char *const *names, const char *const *texts, const size_t *lens, int n,
                       cs_import_report *report, cs_error *err) {
  if (n < 0 || (n > 0 && (!names || !texts || !lens)))
    return cs_error_set(err, CS_EINVAL, "import: no list of texts");
  importer im;
  memset(&im, 0, sizeof im);
  im.err = err;
  im.files = names;
  cs_import_report rep;
  memset(&rep, 0, sizeof rep);
  int rc = CS_OK;
  for (int i = 0; i < n && !rc; i++) {
    if (!texts[i] || !names[i]) {
      rc = cs_error_set(err, CS_EINVAL, "import: text %d is NULL", i + 1);
      break;
    }
    char *buf = malloc(lens[i] + 1);
    if (!buf) {
      rc = nomem(&im);
      break;
    }
    memcpy(buf, texts[i], lens[i]);
    buf[lens[i]] = '\0';
    if (!(rc = import_text(&im, buf, lens[i], names[i], i + 1))) rep.files++;
  }
  if (!rc) rc = rebuild_periods(&im, &rep);
  if (!rc) rc = merge_populations(&im, &rep);
  if (!rc) rc = merge_changes(&im, "(none)", &rep);
  if (!rc) rc = derive_splits(&im);
  importer_free(&im);
  if (!rc && report) *report = rep;
  return rc;
}

void cs_import_report_print(const cs_import_report *r, FILE *out) {
  /* one line, in the words scripts already match (tests/data_reproducible.sh) */
  fprintf(out,
          "imported %d file%s: municipalities %ld periods added, %ld changed; population %ld rows "
          "added, %ld changed; changes %ld added\n",
          r->files, r->files == 1 ? "" : "s", r->municipalities_added, r->municipalities_changed,
          r->population_added, r->population_changed, r->changes_added);
}
