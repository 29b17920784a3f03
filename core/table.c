/*
** table.c: CSV tables of figures by municipality, and each member's value
** in a budget year (table.h).
*/
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "coopsim/table.h"

typedef struct trow {
  size_t line;
  char *member;
  int year;
  char **cells; /* the value columns' cells, trimmed */
} trow;

/* What one resolver made of the rows read for one budget year (kept: the
** lookups of every run of a sweep ask the same). */
enum { ROW_OTHER_YEAR, ROW_RESOLVED, ROW_NO_MUNICIPALITY, ROW_SPLIT };
typedef struct resolution {
  cs_table_resolver res;
  int row_year, year;
  unsigned char *state; /* per row: ROW_* */
  char (*code)[5];      /* per row: the code holding its territory in `year` */
  char **why;           /* per row: the resolver's message when not resolved */
} resolution;

struct cs_table {
  atomic_size_t refs;
  char *file;
  char sep;
  cs_table_encoding enc;
  int by_name, has_year;
  size_t ncols;
  char **cols;
  size_t nrows;
  trow *rows;
  /* the resolutions, behind a lock: a table is read, never changed, but
  ** what it resolved is kept and runs may look up at the same time */
  pthread_mutex_t lock;
  size_t nres;
  resolution **res; /* each allocated alone: a lookup keeps a pointer to it */
};

static char *dup_n(const char *s, size_t n) {
  char *d = malloc(n + 1);
  if (!d) return NULL;
  memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

static char *dup_s(const char *s) { return dup_n(s, strlen(s)); }

static int oom(cs_error *err) { return cs_error_set(err, CS_ENOMEM, "out of memory reading a table"); }

static int lower_ascii(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

/* Compares two texts with ASCII letters folded (the header's names). */
static int casecmp_ascii(const char *a, const char *b) {
  for (;; a++, b++) {
    int ca = lower_ascii((unsigned char)*a), cb = lower_ascii((unsigned char)*b);
    if (ca != cb || !ca) return ca - cb;
  }
}

static int all_digits(const char *s) {
  if (!*s) return 0;
  for (; *s; s++)
    if (*s < '0' || *s > '9') return 0;
  return 1;
}

/* ---- encoding ------------------------------------------------------------ */

static int cont(unsigned char c) { return (c & 0xC0) == 0x80; }

/* The length of the valid UTF-8 sequence at s (n bytes left), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t n) {
  unsigned char c = s[0];
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return n >= 2 && cont(s[1]) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (n < 3 || !cont(s[1]) || !cont(s[2])) return 0;
    if ((c == 0xE0 && s[1] < 0xA0) || (c == 0xED && s[1] >= 0xA0)) return 0; /* overlong, surrogate */
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (n < 4 || !cont(s[1]) || !cont(s[2]) || !cont(s[3])) return 0;
    if ((c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] >= 0x90)) return 0;
    return 4;
  }
  return 0;
}

/* Windows-1252's 0x80-0x9F; 0 where it has no character. */
static const unsigned short cp1252[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

/* The line (1-based) of byte offset `at`: line breaks are LF, CRLF, CR. */
static size_t line_at(const unsigned char *b, size_t at) {
  size_t line = 1;
  for (size_t i = 0; i < at; i++)
    if (b[i] == '\n' || (b[i] == '\r' && (i + 1 >= at || b[i + 1] != '\n'))) line++;
  return line;
}

/* The text as UTF-8 in *text (len *tlen): the bytes themselves after a byte
** order mark, or a converted copy in *owned (the caller frees it). */
static int to_utf8(const char *file, const unsigned char *b, size_t len, char **owned,
                   const char **text, size_t *tlen, cs_table_encoding *enc, cs_error *err) {
  *owned = NULL;
  if (len >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF)))
    return cs_error_set(err, CS_EINVAL,
                        "%s is UTF-16 text: save it as CSV UTF-8 (or CSV with semicolons)", file);
  for (size_t i = 0; i < len; i++)
    if (b[i] == 0)
      return cs_error_set(err, CS_EINVAL, "%s line %zu: a NUL byte (is it a spreadsheet, not CSV?)",
                          file, line_at(b, i));
  int bom = len >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF;
  size_t bad = len;
  for (size_t i = bom ? 3 : 0; i < len;) {
    size_t k = utf8_seq(b + i, len - i);
    if (!k) {
      bad = i;
      break;
    }
    i += k;
  }
  if (bad == len) {
    *enc = bom ? CS_TABLE_UTF8_BOM : CS_TABLE_UTF8;
    *text = (const char *)b + (bom ? 3 : 0);
    *tlen = len - (bom ? 3 : 0);
    return CS_OK;
  }
  if (bom)
    return cs_error_set(err, CS_EINVAL,
                        "%s line %zu: byte 0x%02X is not UTF-8, although the file starts with a "
                        "UTF-8 byte order mark", file, line_at(b, bad), b[bad]);
  /* Windows-1252: at most three bytes of UTF-8 for each byte */
  char *o = malloc(len * 3 + 1);
  if (!o) return oom(err);
  size_t w = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned cp = b[i];
    if (cp >= 0x80 && cp < 0xA0) {
      cp = cp1252[cp - 0x80];
      if (!cp) {
        free(o);
        return cs_error_set(err, CS_EINVAL,
                            "%s line %zu: byte 0x%02X is neither UTF-8 nor Windows-1252", file,
                            line_at(b, i), b[i]);
      }
    }
    if (cp < 0x80) {
      o[w++] = (char)cp;
    } else if (cp < 0x800) {
      o[w++] = (char)(0xC0 | (cp >> 6));
      o[w++] = (char)(0x80 | (cp & 0x3F));
    } else {
      o[w++] = (char)(0xE0 | (cp >> 12));
      o[w++] = (char)(0x80 | ((cp >> 6) & 0x3F));
      o[w++] = (char)(0x80 | (cp & 0x3F));
    }
  }
  o[w] = '\0';
  *owned = o;
  *text = o;
  *tlen = w;
  *enc = CS_TABLE_WINDOWS_1252;
  return CS_OK;
}

/* ---- records ----------------------------------------------------------- */

/* The length of a blank at s: space, tab, U+00A0 or U+202F; else 0. */
static size_t blank_at(const char *s, size_t n) {
  if (n >= 1 && (s[0] == ' ' || s[0] == '\t')) return 1;
  if (n >= 2 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0) return 2;
  if (n >= 3 && (unsigned char)s[0] == 0xE2 && (unsigned char)s[1] == 0x80 &&
      (unsigned char)s[2] == 0xAF)
    return 3;
  return 0;
}

/* s[0..n) without blanks at either end, as a new string. */
static char *trimmed(const char *s, size_t n) {
  size_t k;
  while (n && (k = blank_at(s, n)) != 0) s += k, n -= k;
  for (;;) {
    size_t cut = 0;
    for (size_t j = 1; j <= 3 && j <= n; j++)
      if (blank_at(s + n - j, j) == j) cut = j;
    if (!cut) break;
    n -= cut;
  }
  return dup_n(s, n);
}

typedef struct cells {
  char **v;
  size_t n, cap;
} cells;

static void cells_clear(cells *c) {
  for (size_t i = 0; i < c->n; i++) free(c->v[i]);
  c->n = 0;
}

static int cells_push(cells *c, char *s) {
  if (!s) return -1;
  if (c->n == c->cap) {
    size_t cap = c->cap ? c->cap * 2 : 16;
    char **v = realloc(c->v, cap * sizeof *v);
    if (!v) {
      free(s);
      return -1;
    }
    c->v = v;
    c->cap = cap;
  }
  c->v[c->n++] = s;
  return 0;
}

static int is_eol(char ch) { return ch == '\n' || ch == '\r'; }

/* Steps over the line break at *pos (if any), counting it. */
static void skip_eol(const char *s, size_t len, size_t *pos, size_t *line) {
  if (*pos < len && s[*pos] == '\r') {
    (*pos)++;
    if (*pos < len && s[*pos] == '\n') (*pos)++;
    (*line)++;
  } else if (*pos < len && s[*pos] == '\n') {
    (*pos)++;
    (*line)++;
  }
}

/* The separator a header line asks for: ';' when it has one outside
** quotes, else ','. */
static char detect_sep(const char *s, size_t len, size_t pos) {
  int quoted = 0;
  for (; pos < len; pos++) {
    if (s[pos] == '"') quoted = !quoted;
    else if (!quoted && is_eol(s[pos])) break;
    else if (!quoted && s[pos] == ';') return ';';
  }
  return ',';
}

/* Reads the record at *pos into c (cells trimmed, quotes removed), moving
** *pos past it and *line past its line breaks (a quoted cell may hold
** some). */
static int read_record(const char *file, const char *s, size_t len, size_t *pos, size_t *line,
                       char sep, cells *c, cs_error *err) {
  cells_clear(c);
  for (;;) {
    size_t p = *pos, k;
    while ((k = blank_at(s + p, len - p)) != 0) p += k;
    if (p < len && s[p] == '"') {
      /* a quoted cell: "" is a quote; ends at the next lone quote */
      size_t qline = *line, cap = 64, w = 0;
      char *v = malloc(cap);
      if (!v) return oom(err);
      for (p++;; p++) {
        if (p >= len) {
          free(v);
          return cs_error_set(err, CS_EINVAL, "%s line %zu: a quote that is never closed", file,
                              qline);
        }
        if (s[p] == '"') {
          if (p + 1 < len && s[p + 1] == '"') p++;
          else break;
        }
        if (s[p] == '\n' || (s[p] == '\r' && !(p + 1 < len && s[p + 1] == '\n'))) (*line)++;
        if (w + 1 >= cap) {
          char *nv = realloc(v, cap *= 2);
          if (!nv) {
            free(v);
            return oom(err);
          }
          v = nv;
        }
        v[w++] = s[p];
      }
      p++; /* the closing quote */
      while ((k = blank_at(s + p, len - p)) != 0) p += k;
      if (p < len && s[p] != sep && !is_eol(s[p])) {
        free(v);
        return cs_error_set(err, CS_EINVAL, "%s line %zu: text after a closing quote", file,
                            *line);
      }
      char *t = trimmed(v, w);
      free(v);
      if (cells_push(c, t)) return oom(err);
    } else {
      size_t b = p;
      while (p < len && s[p] != sep && !is_eol(s[p])) p++;
      if (cells_push(c, trimmed(s + b, p - b))) return oom(err);
    }
    *pos = p;
    if (p < len && s[p] == sep) {
      (*pos)++;
      continue;
    }
    skip_eol(s, len, pos, line);
    break;
  }
  return CS_OK;
}

static int all_empty(const cells *c) {
  for (size_t i = 0; i < c->n; i++)
    if (c->v[i][0]) return 0;
  return 1;
}

/* ---- numbers ----------------------------------------------------------- */

enum { NUM_OK, NUM_EMPTY, NUM_NEGATIVE, NUM_BAD, NUM_NOMEM };

/* A value cell as a plain decimal ("12345.5") in *canon (malloc'ed, when
** NUM_OK): digits, groups of three after 1-3 digits when separated by a
** blank, and a decimal comma or point followed by digits. */
static int parse_number(const char *cell, char **canon) {
  *canon = NULL;
  size_t n = strlen(cell);
  if (n == 0) return NUM_EMPTY;
  int neg = 0;
  const char *p = cell;
  if (*p == '-') neg = 1, p++, n--;
  else if (n >= 3 && (unsigned char)p[0] == 0xE2 && (unsigned char)p[1] == 0x88 &&
           (unsigned char)p[2] == 0x92) /* U+2212 minus sign */
    neg = 1, p += 3, n -= 3;
  char *out = malloc(n + 2);
  if (!out) return NUM_NOMEM;
  size_t w = 0, group = 0, groups = 0, first_group = 0;
  int ok = 1;
  while (n) {
    size_t k;
    if (*p >= '0' && *p <= '9') {
      out[w++] = *p++, n--;
      group++;
    } else if ((k = blank_at(p, n)) != 0 && group > 0) {
      /* a group separator: a digit must follow */
      if (groups == 0) first_group = group;
      else if (group != 3) ok = 0;
      groups++;
      group = 0;
      p += k, n -= k;
      if (!n || *p < '0' || *p > '9') ok = 0;
    } else {
      break;
    }
  }
  if (w == 0) ok = 0;
  if (groups > 0 && (first_group < 1 || first_group > 3 || group != 3)) ok = 0;
  if (ok && n && (*p == ',' || *p == '.')) {
    p++, n--;
    out[w++] = '.';
    size_t digits = 0;
    while (n && *p >= '0' && *p <= '9') out[w++] = *p++, n--, digits++;
    if (!digits) ok = 0;
  }
  if (n) ok = 0;
  out[w] = '\0';
  if (!ok) {
    free(out);
    return NUM_BAD;
  }
  if (neg) {
    free(out);
    return NUM_NEGATIVE;
  }
  *canon = out;
  return NUM_OK;
}

/* The message for a value cell that is not a number >= 0; 0 when it is. */
static int check_cell(const cs_table *t, size_t row, size_t col, cs_q *value, cs_error *err) {
  const trow *r = &t->rows[row];
  char *canon;
  int st = parse_number(r->cells[col], &canon);
  if (st == NUM_NOMEM) return oom(err);
  const char *what = NULL;
  switch (st) {
  case NUM_EMPTY: what = "is empty"; break;
  case NUM_NEGATIVE: what = "is negative (values are 0 or more)"; break;
  case NUM_BAD: what = "is not a number"; break;
  default: break;
  }
  if (what)
    return cs_error_set(err, CS_EINVAL, "%s line %zu, column %s: \"%s\" %s", t->file, r->line,
                        t->cols[col], r->cells[col], what);
  /* values a key can share by exactly, and sum, whatever the members: at
  ** most 15 digits before the decimal point and 12 after (found by fuzz_table:
  ** values of hundreds of digits parsed, and their shares overflowed) */
  const char *s = canon, *dot = strchr(canon, '.');
  while (*s == '0' && s[1] && s[1] != '.') s++;
  size_t whole = dot ? (size_t)(dot - s) : strlen(s), decimals = dot ? strlen(dot + 1) : 0;
  if (whole > CS_TABLE_WHOLE_DIGITS || decimals > CS_TABLE_DECIMALS) {
    int many_whole = whole > CS_TABLE_WHOLE_DIGITS;
    free(canon);
    return cs_error_set(err, CS_EINVAL, "%s line %zu, column %s: \"%.40s%s\" has more than %d %s", t->file,
                        r->line, t->cols[col], r->cells[col], strlen(r->cells[col]) > 40 ? "..." : "",
                        many_whole ? CS_TABLE_WHOLE_DIGITS : CS_TABLE_DECIMALS,
                        many_whole ? "digits before the decimal point" : "decimals");
  }
  int rc = CS_OK;
  if (value) {
    rc = cs_q_from_decimal(value, canon);
    if (rc)
      rc = cs_error_set(err, CS_EINVAL, "%s line %zu, column %s: \"%s\" has too many digits",
                        t->file, r->line, t->cols[col], r->cells[col]);
  }
  free(canon);
  return rc;
}

/* ---- the table --------------------------------------------------------- */

static void rows_free(trow *rows, size_t n, size_t ncols) {
  for (size_t i = 0; i < n; i++) {
    free(rows[i].member);
    if (rows[i].cells)
      for (size_t c = 0; c < ncols; c++) free(rows[i].cells[c]);
    free(rows[i].cells);
  }
  free(rows);
}

static void resolution_free(resolution *r, size_t nrows) {
  if (r->why)
    for (size_t i = 0; i < nrows; i++) free(r->why[i]);
  free(r->why);
  free(r->code);
  free(r->state);
}

static void table_destroy(cs_table *t) {
  rows_free(t->rows, t->nrows, t->ncols);
  for (size_t c = 0; c < t->ncols; c++) free(t->cols[c]);
  free(t->cols);
  for (size_t i = 0; i < t->nres; i++) {
    resolution_free(t->res[i], t->nrows);
    free(t->res[i]);
  }
  free(t->res);
  pthread_mutex_destroy(&t->lock);
  free(t->file);
  free(t);
}

cs_table *cs_table_retain(cs_table *t) {
  atomic_fetch_add(&t->refs, 1);
  return t;
}

void cs_table_free(cs_table *t) {
  if (t && atomic_fetch_sub(&t->refs, 1) == 1) table_destroy(t);
}

/* The member cell of a row: a code of four digits, or (kommune) a name. */
static int check_member(const cs_table *t, size_t line, const char *v, cs_error *err) {
  const char *col = t->by_name ? "kommune" : "code";
  if (!v[0]) return cs_error_set(err, CS_EINVAL, "%s line %zu: no %s", t->file, line, col);
  if (all_digits(v)) {
    size_t n = strlen(v);
    if (n == 4) return CS_OK;
    if (n < 4)
      return cs_error_set(err, CS_EINVAL,
                          "%s line %zu: code \"%s\" has %zu digit%s; municipality codes have "
                          "four: did you mean \"%.*s%s\"?",
                          t->file, line, v, n, n == 1 ? "" : "s", (int)(4 - n), "000", v);
  } else if (t->by_name) {
    return CS_OK;
  }
  return cs_error_set(err, CS_EINVAL, "%s line %zu: \"%s\" is not a municipality code (four digits)",
                      t->file, line, v);
}

static int parse_year(const cs_table *t, size_t line, const char *v, int *year, cs_error *err) {
  if (strlen(v) != 4 || !all_digits(v) || v[0] == '0')
    return cs_error_set(err, CS_EINVAL, "%s line %zu: year \"%s\" is not a year of four digits",
                        t->file, line, v);
  *year = atoi(v);
  return CS_OK;
}

/* Row order for finding duplicates: year, then member with ASCII case
** folded, then line. */
static int by_year_member(const void *a, const void *b) {
  const trow *x = *(const trow *const *)a, *y = *(const trow *const *)b;
  if (x->year != y->year) return x->year < y->year ? -1 : 1;
  int c = casecmp_ascii(x->member, y->member);
  if (c) return c;
  return x->line < y->line ? -1 : x->line > y->line;
}

static int check_duplicates(const cs_table *t, cs_error *err) {
  if (t->nrows < 2) return CS_OK;
  const trow **idx = malloc(t->nrows * sizeof *idx);
  if (!idx) return oom(err);
  for (size_t i = 0; i < t->nrows; i++) idx[i] = &t->rows[i];
  qsort(idx, t->nrows, sizeof *idx, by_year_member);
  int rc = CS_OK;
  for (size_t i = 1; i < t->nrows && !rc; i++) {
    const trow *first = idx[i - 1], *second = idx[i];
    if (first->year != second->year || casecmp_ascii(first->member, second->member) != 0) continue;
    if (t->has_year)
      rc = cs_error_set(err, CS_EINVAL, "%s line %zu: a second row for %s in %d (the first is line %zu)",
                        t->file, second->line, first->member, second->year, first->line);
    else
      rc = cs_error_set(err, CS_EINVAL, "%s line %zu: a second row for %s (the first is line %zu)",
                        t->file, second->line, first->member, first->line);
  }
  free(idx);
  return rc;
}

int cs_table_parse(cs_table **out, const char *file, const char *bytes, size_t len,
                   cs_error *err) {
  *out = NULL;
  if (!file) file = "(table)";
  cs_table *t = calloc(1, sizeof *t);
  char *owned = NULL;
  cells c = {NULL, 0, 0};
  size_t *role = NULL; /* per header cell: value column index, or SIZE_MAX - k for the others */
  int rc = CS_OK;
  if (!t || !(t->file = dup_s(file))) {
    free(t);
    return oom(err);
  }
  atomic_init(&t->refs, 1);
  if (pthread_mutex_init(&t->lock, NULL)) {
    free(t->file);
    free(t);
    return oom(err);
  }
  const char *s = NULL;
  size_t n = 0, pos = 0, line = 1;
  if ((rc = to_utf8(t->file, (const unsigned char *)bytes, len, &owned, &s, &n, &t->enc, err)))
    goto done;
  /* the header: the first record that is not blank */
  size_t header_line;
  for (;;) {
    if (pos >= n) {
      rc = cs_error_set(err, CS_EINVAL, "%s is empty: a table needs a header line and rows", t->file);
      goto done;
    }
    t->sep = detect_sep(s, n, pos);
    header_line = line;
    if ((rc = read_record(t->file, s, n, &pos, &line, t->sep, &c, err))) goto done;
    if (!all_empty(&c)) break;
  }
  size_t ncells = c.n, named = c.n;
  while (named > 0 && !c.v[named - 1][0]) named--;
  role = malloc(ncells * sizeof *role);
  t->cols = calloc(ncells, sizeof *t->cols);
  if (!role || !t->cols) {
    rc = oom(err);
    goto done;
  }
  enum { ROLE_MEMBER = 1, ROLE_YEAR = 2, ROLE_NONE = 3 };
  size_t member_at = SIZE_MAX;
  for (size_t i = 0; i < ncells; i++) {
    const char *name = c.v[i];
    if (i >= named) {
      role[i] = SIZE_MAX - ROLE_NONE;
      continue;
    }
    if (!name[0]) {
      rc = cs_error_set(err, CS_EINVAL, "%s line %zu: column %zu of the header has no name",
                        t->file, header_line, i + 1);
      goto done;
    }
    for (size_t j = 0; j < i; j++)
      if (casecmp_ascii(c.v[j], name) == 0) {
        rc = cs_error_set(err, CS_EINVAL, "%s line %zu: columns %zu and %zu are both named \"%s\"",
                          t->file, header_line, j + 1, i + 1, name);
        goto done;
      }
    if (casecmp_ascii(name, "code") == 0 || casecmp_ascii(name, "kommune") == 0) {
      int by_name = casecmp_ascii(name, "kommune") == 0;
      if (member_at != SIZE_MAX) {
        rc = cs_error_set(err, CS_EINVAL,
                          "%s line %zu: the header has both a code and a kommune column: keep one",
                          t->file, header_line);
        goto done;
      }
      member_at = i;
      t->by_name = by_name;
      role[i] = SIZE_MAX - ROLE_MEMBER;
    } else if (casecmp_ascii(name, "year") == 0) {
      t->has_year = 1;
      role[i] = SIZE_MAX - ROLE_YEAR;
    } else {
      role[i] = t->ncols;
      if (!(t->cols[t->ncols++] = dup_s(name))) {
        rc = oom(err);
        goto done;
      }
    }
  }
  if (member_at == SIZE_MAX) {
    rc = cs_error_set(err, CS_EINVAL,
                      "%s line %zu: no column named code or kommune (the header is \"%s%s\"; "
                      "cells are separated by ';' or ',')",
                      t->file, header_line, c.v[0], ncells > 1 ? "..." : "");
    goto done;
  }
  if (t->ncols == 0) {
    rc = cs_error_set(err, CS_EINVAL, "%s line %zu: no value columns beside %s%s", t->file,
                      header_line, t->by_name ? "kommune" : "code", t->has_year ? " and year" : "");
    goto done;
  }
  /* the rows */
  size_t cap = 0;
  while (pos < n) {
    size_t row_line = line;
    if ((rc = read_record(t->file, s, n, &pos, &line, t->sep, &c, err))) goto done;
    if (all_empty(&c)) continue;
    if (c.n != ncells) {
      rc = cs_error_set(err, CS_EINVAL, "%s line %zu: %zu cells, the header has %zu", t->file,
                        row_line, c.n, ncells);
      goto done;
    }
    if (t->nrows == cap) {
      size_t ncap = cap ? cap * 2 : 64;
      trow *nr = realloc(t->rows, ncap * sizeof *nr);
      if (!nr) {
        rc = oom(err);
        goto done;
      }
      t->rows = nr;
      cap = ncap;
    }
    trow *r = &t->rows[t->nrows++];
    memset(r, 0, sizeof *r);
    r->line = row_line;
    if (!(r->cells = calloc(t->ncols, sizeof *r->cells))) {
      rc = oom(err);
      goto done;
    }
    for (size_t i = 0; i < ncells; i++) {
      if (role[i] == SIZE_MAX - ROLE_NONE) {
        if (c.v[i][0]) {
          rc = cs_error_set(err, CS_EINVAL, "%s line %zu: \"%s\" under column %zu, which has no name",
                            t->file, row_line, c.v[i], i + 1);
          goto done;
        }
      } else if (role[i] == SIZE_MAX - ROLE_MEMBER) {
        if ((rc = check_member(t, row_line, c.v[i], err))) goto done;
        r->member = c.v[i];
        c.v[i] = dup_s("");
      } else if (role[i] == SIZE_MAX - ROLE_YEAR) {
        if ((rc = parse_year(t, row_line, c.v[i], &r->year, err))) goto done;
      } else {
        r->cells[role[i]] = c.v[i];
        c.v[i] = dup_s("");
      }
      if (!c.v[i]) {
        rc = oom(err);
        goto done;
      }
    }
  }
  if (t->nrows == 0) {
    rc = cs_error_set(err, CS_EINVAL, "%s has a header but no rows", t->file);
    goto done;
  }
  rc = check_duplicates(t, err);
done:
  cells_clear(&c);
  free(c.v);
  free(role);
  free(owned);
  if (rc) {
    table_destroy(t);
    return rc;
  }
  *out = t;
  return CS_OK;
}

const char *cs_table_file(const cs_table *t) { return t->file; }
char cs_table_separator(const cs_table *t) { return t->sep; }
cs_table_encoding cs_table_encoding_of(const cs_table *t) { return t->enc; }
int cs_table_by_name(const cs_table *t) { return t->by_name; }
int cs_table_has_year(const cs_table *t) { return t->has_year; }
size_t cs_table_ncolumns(const cs_table *t) { return t->ncols; }
const char *cs_table_column_name(const cs_table *t, size_t c) { return c < t->ncols ? t->cols[c] : ""; }
size_t cs_table_nrows(const cs_table *t) { return t->nrows; }
size_t cs_table_row_line(const cs_table *t, size_t r) { return r < t->nrows ? t->rows[r].line : 0; }
const char *cs_table_row_member(const cs_table *t, size_t r) { return r < t->nrows ? t->rows[r].member : ""; }
int cs_table_row_year(const cs_table *t, size_t r) { return r < t->nrows ? t->rows[r].year : 0; }
const char *cs_table_cell(const cs_table *t, size_t r, size_t c) {
  return r < t->nrows && c < t->ncols ? t->rows[r].cells[c] : "";
}

int cs_table_column(const cs_table *t, const char *name, size_t *out, cs_error *err) {
  for (size_t c = 0; c < t->ncols; c++) {
    if (casecmp_ascii(t->cols[c], name) != 0) continue;
    for (size_t r = 0; r < t->nrows; r++) {
      int rc = check_cell(t, r, c, NULL, err);
      if (rc) return rc;
    }
    *out = c;
    return CS_OK;
  }
  char list[300] = "";
  for (size_t c = 0; c < t->ncols; c++) {
    size_t used = strlen(list);
    if (used + strlen(t->cols[c]) + 8 >= sizeof list) {
      strcat(list, ", ...");
      break;
    }
    snprintf(list + used, sizeof list - used, "%s%s", c ? ", " : "", t->cols[c]);
  }
  return cs_error_set(err, CS_ENOTFOUND, "%s has no column \"%s\" (its value columns: %s)",
                      t->file, name, list);
}

int cs_table_value(const cs_table *t, size_t row, size_t column, cs_q *out, cs_error *err) {
  if (row >= t->nrows || column >= t->ncols)
    return cs_error_set(err, CS_EINVAL, "%s: no cell at row %zu, column %zu", t->file, row, column);
  return check_cell(t, row, column, out, err);
}

/* ---- lookup ------------------------------------------------------------- */

const char *cs_table_year_name(cs_table_year which) {
  switch (which) {
  case CS_TABLE_YEAR_BUDGET: return "budget";
  case CS_TABLE_YEAR_PREVIOUS: return "previous";
  default: return "none";
  }
}

int cs_table_check_year(const cs_table *t, cs_table_year which, cs_error *err) {
  if (t->has_year && which == CS_TABLE_YEAR_NONE)
    return cs_error_set(err, CS_EINVAL,
                        "%s has a year column: say which rows a budget year reads "
                        "(year = \"budget\" or \"previous\")", t->file);
  if (!t->has_year && which != CS_TABLE_YEAR_NONE)
    return cs_error_set(err, CS_EINVAL,
                        "%s has no year column: its rows apply to every year (leave out year = \"%s\")",
                        t->file, cs_table_year_name(which));
  return CS_OK;
}

static int reg_find(void *ud, const char *what, cs_date at, char code[5], cs_error *err) {
  const cs_municipality *m;
  int rc = cs_registry_find(ud, what, at, &m, err);
  if (rc) return rc;
  if (strlen(m->code) != 4) return cs_error_set(err, CS_ERROR, "registry code \"%s\" is not four digits", m->code);
  memcpy(code, m->code, 5);
  return CS_OK;
}

static int reg_successor(void *ud, const char *code, cs_date from, cs_date to, char out[5],
                         cs_error *err) {
  return cs_registry_successor(ud, code, from, to, out, err);
}

void cs_table_registry_resolver(cs_table_resolver *out, const cs_registry *reg) {
  out->find = reg_find;
  out->successor = reg_successor;
  out->ud = (void *)reg; /* only read: the functions take it back as const */
}

static int same_resolver(const cs_table_resolver *a, const cs_table_resolver *b) {
  return a->find == b->find && a->successor == b->successor && a->ud == b->ud;
}

typedef struct code_row {
  const char *code;
  size_t row;
} code_row;

static int by_code_row(const void *a, const void *b) {
  const code_row *x = a, *y = b;
  int c = strcmp(x->code, y->code);
  if (c) return c;
  return x->row < y->row ? -1 : x->row > y->row;
}

/* Resolves the rows of row_year (every row without years) for budget year
** `year` into r. */
static int resolve(const cs_table *t, const cs_table_resolver *res, int row_year, int year,
                   resolution *r, cs_error *err) {
  memset(r, 0, sizeof *r);
  r->res = *res;
  r->row_year = row_year;
  r->year = year;
  size_t n = t->nrows;
  r->state = calloc(n, 1);
  r->code = calloc(n, sizeof *r->code);
  r->why = calloc(n, sizeof *r->why);
  char (*at_code)[5] = calloc(n, sizeof *at_code);
  code_row *seen = malloc(n * sizeof *seen);
  size_t nseen = 0;
  int rc = CS_OK;
  if (!r->state || !r->code || !r->why || !at_code || !seen) {
    rc = oom(err);
    goto done;
  }
  cs_date row_date = cs_date_jan1(row_year ? row_year : year), to = cs_date_jan1(year);
  for (size_t i = 0; i < n; i++) {
    const trow *tr = &t->rows[i];
    if (t->has_year && tr->year != row_year) continue;
    cs_error e;
    e.msg[0] = '\0';
    if (res->find(res->ud, tr->member, row_date, at_code[i], &e) != CS_OK) {
      r->state[i] = ROW_NO_MUNICIPALITY;
      if (!(r->why[i] = dup_s(e.msg))) {
        rc = oom(err);
        goto done;
      }
      continue;
    }
    seen[nseen++] = (code_row){at_code[i], i};
    if (cs_date_cmp(row_date, to) == 0) {
      memcpy(r->code[i], at_code[i], 5);
      r->state[i] = ROW_RESOLVED;
      continue;
    }
    int src = res->successor(res->ud, at_code[i], row_date, to, r->code[i], &e);
    if (src == CS_OK) {
      r->state[i] = ROW_RESOLVED;
    } else {
      r->state[i] = src == CS_EAMBIGUOUS ? ROW_SPLIT : ROW_NO_MUNICIPALITY;
      if (!(r->why[i] = dup_s(e.msg))) {
        rc = oom(err);
        goto done;
      }
    }
  }
  /* two rows of one date naming one municipality ("Rana" and "1833") */
  qsort(seen, nseen, sizeof *seen, by_code_row);
  for (size_t k = 1; k < nseen; k++)
    if (strcmp(seen[k - 1].code, seen[k].code) == 0) {
      const trow *a = &t->rows[seen[k - 1].row], *b = &t->rows[seen[k].row];
      char d[11];
      rc = cs_error_set(err, CS_EINVAL,
                        "%s lines %zu and %zu both give %s on %s (\"%s\" and \"%s\")", t->file,
                        a->line, b->line, seen[k].code, cs_date_format(row_date, d), a->member,
                        b->member);
      goto done;
    }
done:
  free(at_code);
  free(seen);
  if (rc) resolution_free(r, n);
  return rc;
}

/* The resolution for (res, row_year, year): the one kept, or a new one
** kept for later. Under the table's lock. */
static int resolution_for(const cs_table *ct, const cs_table_resolver *res, int row_year,
                          int year, const resolution **out, cs_error *err) {
  cs_table *t = (cs_table *)ct; /* what it resolved is kept; the table itself is not changed */
  int rc = CS_OK;
  pthread_mutex_lock(&t->lock);
  for (size_t i = 0; i < t->nres; i++)
    if (same_resolver(&t->res[i]->res, res) && t->res[i]->row_year == row_year &&
        t->res[i]->year == year) {
      *out = t->res[i];
      goto done;
    }
  resolution *r = malloc(sizeof *r);
  resolution **nr = realloc(t->res, (t->nres + 1) * sizeof *nr);
  if (nr) t->res = nr;
  if (!r || !nr) {
    free(r);
    rc = oom(err);
    goto done;
  }
  if ((rc = resolve(t, res, row_year, year, r, err))) {
    free(r);
    goto done;
  }
  t->res[t->nres++] = r;
  *out = r;
done:
  pthread_mutex_unlock(&t->lock);
  return rc;
}

void cs_table_values_free(cs_table_values *v) {
  if (!v) return;
  free(v->value);
  free(v->first);
  free(v->count);
  free(v->rows);
  free(v->unresolved);
  free(v);
}

typedef struct member_at {
  const char *code;
  size_t i;
} member_at;

static int by_member_code(const void *a, const void *b) {
  const member_at *x = a, *y = b;
  int c = strcmp(x->code, y->code);
  return c ? c : (x->i < y->i ? -1 : x->i > y->i);
}

/* Appends to msg (size bytes) up to two of the rows in `state` that may
** explain a missing row. */
static void add_hints(const cs_table *t, const resolution *r, int state, const char *head,
                      char *msg, size_t size) {
  size_t shown = 0, more = 0;
  for (size_t i = 0; i < t->nrows; i++) {
    if (r->state[i] != state) continue;
    if (shown == 2) {
      more++;
      continue;
    }
    size_t used = strlen(msg);
    snprintf(msg + used, size - used, "%s line %zu \"%s\": %s", shown ? ";" : head,
             t->rows[i].line, t->rows[i].member, r->why[i] ? r->why[i] : "");
    shown++;
  }
  if (more) {
    size_t used = strlen(msg);
    snprintf(msg + used, size - used, "; and %zu more", more);
  }
}

int cs_table_lookup(const cs_table *t, size_t column, cs_table_year which, int year,
                    const cs_table_resolver *res, const char *const *codes,
                    const char *const *names, size_t n, cs_table_values **out, cs_error *err) {
  *out = NULL;
  int rc = cs_table_check_year(t, which, err);
  if (rc) return rc;
  if (column >= t->ncols)
    return cs_error_set(err, CS_EINVAL, "%s has no value column %zu", t->file, column + 1);
  if (!res || !res->find || !res->successor)
    return cs_error_set(err, CS_EINVAL, "%s: reading a table needs the registry", t->file);
  int row_year = which == CS_TABLE_YEAR_BUDGET ? year : which == CS_TABLE_YEAR_PREVIOUS ? year - 1 : 0;
  const resolution *r = NULL;
  if ((rc = resolution_for(t, res, row_year, year, &r, err))) return rc;
  cs_table_values *v = calloc(1, sizeof *v);
  member_at *ms = malloc((n ? n : 1) * sizeof *ms);
  if (!v || !ms) {
    free(v);
    free(ms);
    return oom(err);
  }
  v->row_year = row_year;
  v->row_date = cs_date_jan1(row_year ? row_year : year);
  v->n = n;
  v->value = calloc(n ? n : 1, sizeof *v->value);
  v->first = calloc(n ? n : 1, sizeof *v->first);
  v->count = calloc(n ? n : 1, sizeof *v->count);
  v->rows = malloc(t->nrows * sizeof *v->rows);
  v->unresolved = malloc(t->nrows * sizeof *v->unresolved);
  size_t *owner = malloc(t->nrows * sizeof *owner); /* the member each row goes to */
  if (!v->value || !v->first || !v->count || !v->rows || !v->unresolved || !owner) {
    rc = oom(err);
    goto done;
  }
  for (size_t i = 0; i < n; i++) ms[i] = (member_at){codes[i], i};
  qsort(ms, n, sizeof *ms, by_member_code);
  for (size_t i = 0; i < t->nrows; i++) {
    owner[i] = SIZE_MAX;
    if (r->state[i] == ROW_NO_MUNICIPALITY) v->unresolved[v->nunresolved++] = i;
    if (r->state[i] != ROW_RESOLVED) continue;
    member_at key = {r->code[i], 0};
    /* the first member with the code (a member is there once) */
    size_t lo = 0, hi = n;
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      if (strcmp(ms[mid].code, key.code) < 0) lo = mid + 1;
      else hi = mid;
    }
    if (lo < n && strcmp(ms[lo].code, key.code) == 0) {
      owner[i] = ms[lo].i;
      v->count[ms[lo].i]++;
    }
  }
  size_t at = 0;
  for (size_t i = 0; i < n; i++) {
    v->first[i] = at;
    at += v->count[i];
    v->count[i] = 0;
  }
  for (size_t i = 0; i < t->nrows; i++)
    if (owner[i] != SIZE_MAX) {
      size_t m = owner[i];
      v->rows[v->first[m] + v->count[m]++] = i;
    }
  char d[11];
  cs_date_format(v->row_date, d);
  int all_zero = 1;
  for (size_t i = 0; i < n && !rc; i++) {
    if (v->count[i] == 0) {
      char msg[CS_ERROR_MAX];
      if (row_year)
        snprintf(msg, sizeof msg, "%s has no row for %s%s%s in %d", t->file, codes[i],
                 names && names[i] ? " " : "", names && names[i] ? names[i] : "", row_year);
      else
        snprintf(msg, sizeof msg, "%s has no row for %s%s%s (read for %d)", t->file, codes[i],
                 names && names[i] ? " " : "", names && names[i] ? names[i] : "", year);
      add_hints(t, r, ROW_SPLIT, "; split since:", msg, sizeof msg);
      char head[64];
      snprintf(head, sizeof head, "; rows naming no municipality on %s:", d);
      add_hints(t, r, ROW_NO_MUNICIPALITY, head, msg, sizeof msg);
      rc = cs_error_set(err, CS_EINVAL, "%s", msg);
      break;
    }
    cs_q_zero(&v->value[i]);
    for (size_t k = 0; k < v->count[i]; k++) {
      cs_q x;
      if ((rc = cs_table_value(t, v->rows[v->first[i] + k], column, &x, err))) break;
      if (cs_q_add(&v->value[i], &v->value[i], &x)) {
        rc = cs_error_set(err, CS_EOVERFLOW, "%s: the values for %s are too large to add",
                          t->file, codes[i]);
        break;
      }
    }
    if (!rc && !cs_q_is_zero(&v->value[i])) all_zero = 0;
  }
  if (!rc && n > 0 && all_zero) {
    if (row_year)
      rc = cs_error_set(err, CS_EINVAL, "%s: every member's %s is 0 in %d", t->file,
                        t->cols[column], row_year);
    else
      rc = cs_error_set(err, CS_EINVAL, "%s: every member's %s is 0", t->file, t->cols[column]);
  }
done:
  free(ms);
  free(owner);
  if (rc) {
    cs_table_values_free(v);
    return rc;
  }
  *out = v;
  return CS_OK;
}
