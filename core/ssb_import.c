/*
** ssb_import.c: SSB's published files into coopsim's registry schema
** (ssb_import.h, registry.h). Everything is read and checked first; then each
** output file is written to a temporary file, flushed to disk and renamed
** into place, so a bad input changes nothing.
*/
#define _POSIX_C_SOURCE 200809L /* fsync, fileno: flush before rename */
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "coopsim/date.h"
#include "coopsim/q.h"
#include "coopsim/readfile.h"
#include "coopsim/ssb_import.h"

/* ---- in-memory tables -------------------------------------------------- */

typedef struct pop_row {
  int year;
  char code[5];
  long long pop;
} pop_row;

typedef struct change_row {
  char date[11], old_code[5], new_code[5];
  char *old_name, *new_name;
} change_row;

typedef struct version_item {
  char code[5];
  char *name;
} version_item;

/* One code list: the municipalities valid from `from`. */
typedef struct version {
  char from[11];
  version_item *items;
  size_t n;
} version;

typedef struct tables {
  pop_row *pops;
  size_t npops, cap_pops;
  change_row *changes;
  size_t nchanges, cap_changes;
  version *versions;
  size_t nversions;
} tables;

static char *dupn(const char *s, size_t n) {
  char *d = malloc(n + 1);
  if (d) {
    memcpy(d, s, n);
    d[n] = '\0';
  }
  return d;
}

static void tables_free(tables *t) {
  free(t->pops);
  for (size_t i = 0; i < t->nchanges; i++) {
    free(t->changes[i].old_name);
    free(t->changes[i].new_name);
  }
  free(t->changes);
  for (size_t v = 0; v < t->nversions; v++) {
    for (size_t i = 0; i < t->versions[v].n; i++) free(t->versions[v].items[i].name);
    free(t->versions[v].items);
  }
  free(t->versions);
  memset(t, 0, sizeof *t);
}

static int is_code(const char *s) {
  return strlen(s) == 4 && isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) &&
         isdigit((unsigned char)s[2]) && isdigit((unsigned char)s[3]);
}

/* Names go into CSV unquoted: refuse what would break a line or a field. */
static int check_name(const char *name, const char *file, int line, cs_error *err) {
  if (!*name || strpbrk(name, ",\"\n\r"))
    return cs_error_set(err, CS_EINVAL, "%s:%d: name \"%s\" is empty or has a comma, quote or newline",
                        file, line, name);
  return CS_OK;
}

static int add_pop(tables *t, int year, const char *code, long long pop, int replace) {
  for (size_t i = 0; i < t->npops; i++)
    if (t->pops[i].year == year && strcmp(t->pops[i].code, code) == 0) {
      if (replace) t->pops[i].pop = pop;
      else t->pops[i].pop += pop;
      return CS_OK;
    }
  if (t->npops == t->cap_pops) {
    size_t cap = t->cap_pops ? t->cap_pops * 2 : 8192;
    pop_row *n = realloc(t->pops, cap * sizeof *n);
    if (!n) return CS_ENOMEM;
    t->pops = n;
    t->cap_pops = cap;
  }
  pop_row *r = &t->pops[t->npops++];
  r->year = year;
  memcpy(r->code, code, 5);
  r->pop = pop;
  return CS_OK;
}

static int add_change(tables *t, const char *date, const char *oc, const char *on, const char *nc,
                      const char *nn) {
  for (size_t i = 0; i < t->nchanges; i++) {
    change_row *c = &t->changes[i];
    if (strcmp(c->date, date) == 0 && strcmp(c->old_code, oc) == 0 && strcmp(c->new_code, nc) == 0) {
      char *a = dupn(on, strlen(on)), *b = dupn(nn, strlen(nn));
      if (!a || !b) {
        free(a);
        free(b);
        return CS_ENOMEM;
      }
      free(c->old_name);
      free(c->new_name);
      c->old_name = a;
      c->new_name = b;
      return CS_OK;
    }
  }
  if (t->nchanges == t->cap_changes) {
    size_t cap = t->cap_changes ? t->cap_changes * 2 : 1024;
    change_row *n = realloc(t->changes, cap * sizeof *n);
    if (!n) return CS_ENOMEM;
    t->changes = n;
    t->cap_changes = cap;
  }
  change_row *c = &t->changes[t->nchanges];
  memset(c, 0, sizeof *c);
  snprintf(c->date, sizeof c->date, "%s", date);
  memcpy(c->old_code, oc, 5);
  memcpy(c->new_code, nc, 5);
  c->old_name = dupn(on, strlen(on));
  c->new_name = dupn(nn, strlen(nn));
  if (!c->old_name || !c->new_name) {
    free(c->old_name);
    free(c->new_name);
    return CS_ENOMEM;
  }
  t->nchanges++;
  return CS_OK;
}

/* Replaces (or adds) the version starting at from; takes ownership of items. */
static int set_version(tables *t, const char *from, version_item *items, size_t n) {
  for (size_t v = 0; v < t->nversions; v++)
    if (strcmp(t->versions[v].from, from) == 0) {
      for (size_t i = 0; i < t->versions[v].n; i++) free(t->versions[v].items[i].name);
      free(t->versions[v].items);
      t->versions[v].items = items;
      t->versions[v].n = n;
      return CS_OK;
    }
  version *nv = realloc(t->versions, (t->nversions + 1) * sizeof *nv);
  if (!nv) return CS_ENOMEM;
  t->versions = nv;
  version *v = &t->versions[t->nversions++];
  snprintf(v->from, sizeof v->from, "%s", from);
  v->items = items;
  v->n = n;
  return CS_OK;
}

/* ---- reading files ----------------------------------------------------- */

/* A whole input file; SSB's files are text, so a NUL byte is refused. */
static char *read_file(const char *path, size_t *len, cs_error *err) {
  char *buf = cs_read_file(path, len, err);
  if (buf && strlen(buf) != *len) {
    free(buf);
    cs_error_set(err, CS_EINVAL, "%s: contains a NUL byte: not a text file", path);
    return NULL;
  }
  return buf;
}

static int valid_utf8(const unsigned char *s, size_t n) {
  for (size_t i = 0; i < n;) {
    unsigned char c = s[i];
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (!len || i + len > n) return 0;
    for (size_t k = 1; k < len; k++)
      if ((s[i + k] & 0xC0) != 0x80) return 0;
    i += len;
  }
  return 1;
}

/* SSB exports come in UTF-8 or ISO-8859-1: returns UTF-8 text (a new buffer
** for Latin-1, else buf itself), without a BOM. */
static char *to_utf8(char *buf, size_t n) {
  if (valid_utf8((unsigned char *)buf, n)) {
    if (n >= 3 && (unsigned char)buf[0] == 0xEF && (unsigned char)buf[1] == 0xBB &&
        (unsigned char)buf[2] == 0xBF)
      memmove(buf, buf + 3, n - 2);
    return buf;
  }
  char *out = malloc(2 * n + 1), *o = out;
  if (!out) return NULL;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)buf[i];
    if (c < 0x80) *o++ = (char)c;
    else {
      *o++ = (char)(0xC0 | (c >> 6));
      *o++ = (char)(0x80 | (c & 0x3F));
    }
  }
  *o = '\0';
  free(buf);
  return out;
}

#define MAXF 64

/* Splits a line into fields by sep, honouring "quoted" fields with "" as a
** quote; modifies the line. Returns the number of fields. */
static int split_fields(char *line, char sep, char **f) {
  int n = 0;
  char *p = line;
  for (;;) {
    if (n == MAXF) return n;
    if (*p == '"') {
      char *o = ++p;
      f[n++] = o;
      while (*p) {
        if (*p == '"' && p[1] == '"') {
          *o++ = '"';
          p += 2;
        } else if (*p == '"') {
          p++;
          break;
        } else {
          *o++ = *p++;
        }
      }
      char *rest = strchr(p, sep);
      *o = '\0';
      if (!rest) return n;
      p = rest + 1;
    } else {
      f[n++] = p;
      char *end = strchr(p, sep);
      if (!end) return n;
      *end = '\0';
      p = end + 1;
    }
  }
}

static int parse_ll(const char *s, long long *out) {
  char *end;
  while (*s == ' ') s++;
  if (!isdigit((unsigned char)*s)) return 0;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  while (*end == ' ') end++;
  if (errno || *end) return 0;
  *out = v;
  return 1;
}

/* Lines of text, CRLF or LF; empty lines skipped. */
typedef struct lines {
  char *p;
  int no;
} lines;

static char *next_line(lines *l) {
  while (l->p && *l->p) {
    char *s = l->p, *e = strchr(s, '\n');
    if (e) {
      *e = '\0';
      l->p = e + 1;
    } else {
      l->p = s + strlen(s);
    }
    l->no++;
    size_t len = strlen(s);
    if (len && s[len - 1] == '\r') s[--len] = '\0';
    if (len) return s;
  }
  return NULL;
}

static char detect_sep(const char *header) {
  int tabs = 0, semis = 0, commas = 0;
  for (const char *c = header; *c; c++) {
    tabs += *c == '\t';
    semis += *c == ';';
    commas += *c == ',';
  }
  if (tabs >= semis && tabs >= commas && tabs) return '\t';
  if (semis >= commas && semis) return ';';
  return ',';
}

static int lower_eq(const char *a, const char *b) {
  for (; *a && *b; a++, b++)
    if (tolower((unsigned char)*a) != tolower((unsigned char)*b)) return 0;
  return *a == *b;
}

static int check_year(long long y) { return y >= 1900 && y <= 2100; }

/* Population files: coopsim's own, the csdata derived file, and StatBank
** exports by region and age. */
static int import_population_csv(tables *t, const char *file, char *text, cs_error *err) {
  lines l = {text, 0};
  char *line, *f[MAXF];
  /* find the header: the first line whose first field is year or region */
  char sep = ',';
  int kind = 0, ncols = 0, year_col[MAXF], years[MAXF], nyears = 0;
  int code_col = -1, pop_col = -1, yr_col = -1;
  while ((line = next_line(&l)) != NULL) {
    sep = detect_sep(line);
    char copy[4096];
    snprintf(copy, sizeof copy, "%s", line);
    ncols = split_fields(copy, sep, f);
    if (ncols < 2) continue;
    if (lower_eq(f[0], "year")) {
      for (int i = 0; i < ncols; i++) {
        if (lower_eq(f[i], "year")) yr_col = i;
        if (lower_eq(f[i], "code") || lower_eq(f[i], "kommunenummer")) code_col = i;
        if (lower_eq(f[i], "population") || lower_eq(f[i], "folkemengde")) pop_col = i;
      }
      if (code_col < 0 || pop_col < 0)
        return cs_error_set(err, CS_EINVAL, "%s:%d: a population file needs code and population columns",
                            file, l.no);
      kind = 1;
      break;
    }
    if (lower_eq(f[0], "region")) {
      for (int i = 1; i < ncols; i++) {
        const char *c = f[i];
        const char *sp = strrchr(c, ' ');
        long long y;
        if (sp && (strncmp(c, "Persons", 7) == 0 || strncmp(c, "Personer", 8) == 0) &&
            parse_ll(sp + 1, &y) && check_year(y)) {
          year_col[nyears] = i;
          years[nyears++] = (int)y;
        }
      }
      if (nyears == 0)
        return cs_error_set(err, CS_EINVAL, "%s:%d: no \"Persons YYYY\" columns in the header", file,
                            l.no);
      kind = 2;
      break;
    }
  }
  if (!kind)
    return cs_error_set(err, CS_EINVAL, "%s: not a population file SSB or coopsim writes (no header line)",
                        file);
  /* sums by (year, code) for this file, then replace the existing rows */
  tables tmp = {0};
  int rc = CS_OK;
  while ((line = next_line(&l)) != NULL) {
    int n = split_fields(line, sep, f);
    if (kind == 1) {
      long long y, p;
      if (n <= yr_col || n <= code_col || n <= pop_col) {
        rc = cs_error_set(err, CS_EINVAL, "%s:%d: expected %d fields, got %d", file, l.no, ncols, n);
        break;
      }
      if (!parse_ll(f[yr_col], &y) || !check_year(y)) {
        rc = cs_error_set(err, CS_EINVAL, "%s:%d: invalid year \"%s\"", file, l.no, f[yr_col]);
        break;
      }
      if (!is_code(f[code_col])) {
        rc = cs_error_set(err, CS_EINVAL, "%s:%d: invalid municipality code \"%s\"", file, l.no, f[code_col]);
        break;
      }
      if (!parse_ll(f[pop_col], &p) || p < 0) {
        rc = cs_error_set(err, CS_EINVAL, "%s:%d: invalid population \"%s\"", file, l.no, f[pop_col]);
        break;
      }
      if ((rc = add_pop(&tmp, (int)y, f[code_col], p, 1))) break;
    } else {
      const char *region = f[0];
      if (strncmp(region, "K-", 2) == 0) region += 2;
      /* "0301 Oslo": a 4-digit code then a space; pseudo-regions are skipped */
      if (!(strlen(region) > 4 && region[4] == ' ')) continue;
      char code[5];
      memcpy(code, region, 4);
      code[4] = '\0';
      if (!is_code(code)) continue;
      for (int k = 0; k < nyears; k++) {
        long long p;
        if (year_col[k] >= n) {
          rc = cs_error_set(err, CS_EINVAL, "%s:%d: missing the %d column", file, l.no, years[k]);
          break;
        }
        if (!parse_ll(f[year_col[k]], &p) || p < 0) {
          rc = cs_error_set(err, CS_EINVAL, "%s:%d: invalid population \"%s\" for %s in %d", file,
                            l.no, f[year_col[k]], code, years[k]);
          break;
        }
        if ((rc = add_pop(&tmp, years[k], code, p, 0))) break;
      }
      if (rc) break;
    }
  }
  if (rc == CS_ENOMEM) cs_error_set(err, rc, "out of memory");
  for (size_t i = 0; !rc && i < tmp.npops; i++)
    if (tmp.pops[i].pop > 0 || kind == 1)
      rc = add_pop(t, tmp.pops[i].year, tmp.pops[i].code, tmp.pops[i].pop, 1);
  tables_free(&tmp);
  return rc;
}

static const char *jstr(json_t *obj, const char *key) {
  json_t *v = json_object_get(obj, key);
  return json_is_string(v) ? json_string_value(v) : NULL;
}

static int import_json(tables *t, const char *file, const char *text, cs_error *err) {
  json_error_t je;
  json_t *root = json_loads(text, 0, &je);
  if (!root)
    return cs_error_set(err, CS_EINVAL, "%s:%d: invalid JSON: %s", file, je.line, je.text);
  int rc = CS_OK;
  json_t *items = json_object_get(root, "classificationItems");
  json_t *changes = json_object_get(root, "codeChanges");
  if (json_is_array(items)) {
    const char *from = jstr(root, "validFrom");
    cs_date d;
    if (!from || cs_date_parse(&d, from, NULL)) {
      rc = cs_error_set(err, CS_EINVAL, "%s: code list without a valid validFrom (got \"%s\")", file,
                        from ? from : "");
      goto done;
    }
    size_t n = json_array_size(items), k = 0;
    version_item *vi = calloc(n ? n : 1, sizeof *vi);
    if (!vi) {
      rc = cs_error_set(err, CS_ENOMEM, "out of memory");
      goto done;
    }
    for (size_t i = 0; i < n; i++) {
      json_t *it = json_array_get(items, i);
      const char *code = jstr(it, "code"), *name = jstr(it, "name"), *level = jstr(it, "level");
      if (level && strcmp(level, "1") != 0) continue;
      if (!code || !is_code(code)) {
        rc = cs_error_set(err, CS_EINVAL, "%s: item %zu: invalid municipality code \"%s\"", file, i,
                          code ? code : "");
        break;
      }
      if (strcmp(code, "9999") == 0) continue; /* "Uoppgitt": not a municipality */
      if ((rc = check_name(name ? name : "", file, (int)i, err))) break;
      memcpy(vi[k].code, code, 5);
      vi[k].name = dupn(name, strlen(name));
      if (!vi[k].name) {
        rc = cs_error_set(err, CS_ENOMEM, "out of memory");
        break;
      }
      k++;
    }
    if (!rc) rc = set_version(t, from, vi, k);
    if (rc) {
      for (size_t i = 0; i < k; i++) free(vi[i].name);
      free(vi);
      if (rc == CS_ENOMEM) cs_error_set(err, rc, "out of memory");
    }
  } else if (json_is_array(changes)) {
    for (size_t i = 0; i < json_array_size(changes) && !rc; i++) {
      json_t *c = json_array_get(changes, i);
      const char *oc = jstr(c, "oldCode"), *nc = jstr(c, "newCode"), *on = jstr(c, "oldName"),
                 *nn = jstr(c, "newName"), *date = jstr(c, "changeOccurred");
      cs_date d;
      if (!date || cs_date_parse(&d, date, NULL)) {
        rc = cs_error_set(err, CS_EINVAL, "%s: change %zu: invalid date \"%s\"", file, i, date ? date : "");
        break;
      }
      if (d.year < 2015) continue; /* the registry covers 2015 on */
      if (!oc || !nc || !is_code(oc) || !is_code(nc)) {
        rc = cs_error_set(err, CS_EINVAL, "%s: change %zu: invalid code \"%s\" or \"%s\"", file, i,
                          oc ? oc : "", nc ? nc : "");
        break;
      }
      if ((rc = check_name(on ? on : "", file, (int)i, err)) || (rc = check_name(nn ? nn : "", file, (int)i, err)))
        break;
      if ((rc = add_change(t, date, oc, on, nc, nn))) cs_error_set(err, rc, "out of memory");
    }
  } else {
    rc = cs_error_set(err, CS_EINVAL,
                      "%s: JSON that is neither a KLASS code list nor a KLASS change table", file);
  }
done:
  json_decref(root);
  return rc;
}

/* ---- the existing registry ---------------------------------------------- */

typedef struct period {
  char code[5];
  char *name;
  char from[11], to[11]; /* to: "" while valid */
} period;

static int read_existing(tables *t, const char *dir, period **periods, size_t *nperiods,
                         cs_error *err) {
  char path[4096];
  size_t len;
  *periods = NULL;
  *nperiods = 0;
  snprintf(path, sizeof path, "%s/population.csv", dir);
  FILE *probe = fopen(path, "rb");
  if (probe) {
    fclose(probe);
    char *text = read_file(path, &len, err);
    if (!text) return CS_EIO;
    int rc = import_population_csv(t, path, text, err);
    free(text);
    if (rc) return rc;
  }
  snprintf(path, sizeof path, "%s/changes.csv", dir);
  if ((probe = fopen(path, "rb")) != NULL) {
    fclose(probe);
    char *text = read_file(path, &len, err);
    if (!text) return CS_EIO;
    lines l = {text, 0};
    char *line, *f[MAXF];
    next_line(&l);
    while ((line = next_line(&l)) != NULL) {
      if (split_fields(line, ',', f) != 5 || !is_code(f[1]) || !is_code(f[3])) {
        free(text);
        return cs_error_set(err, CS_EINVAL, "%s:%d: malformed change row", path, l.no);
      }
      if (add_change(t, f[0], f[1], f[2], f[3], f[4])) {
        free(text);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
      }
    }
    free(text);
  }
  snprintf(path, sizeof path, "%s/municipalities.csv", dir);
  if ((probe = fopen(path, "rb")) != NULL) {
    fclose(probe);
    char *text = read_file(path, &len, err);
    if (!text) return CS_EIO;
    lines l = {text, 0};
    char *line, *f[MAXF];
    size_t cap = 0;
    next_line(&l);
    while ((line = next_line(&l)) != NULL) {
      if (split_fields(line, ',', f) != 4 || !is_code(f[0])) {
        free(text);
        return cs_error_set(err, CS_EINVAL, "%s:%d: malformed municipality row", path, l.no);
      }
      if (*nperiods == cap) {
        period *np = realloc(*periods, (cap = cap ? cap * 2 : 1024) * sizeof *np);
        if (!np) {
          free(text);
          return cs_error_set(err, CS_ENOMEM, "out of memory");
        }
        *periods = np;
      }
      period *p = &(*periods)[(*nperiods)++];
      memcpy(p->code, f[0], 5);
      p->name = dupn(f[1], strlen(f[1]));
      snprintf(p->from, sizeof p->from, "%s", f[2]);
      snprintf(p->to, sizeof p->to, "%s", f[3]);
    }
    free(text);
  }
  return CS_OK;
}

/* ---- merging and writing ----------------------------------------------- */

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int cmp_period(const void *pa, const void *pb) {
  const period *a = pa, *b = pb;
  int c = strcmp(a->code, b->code);
  return c ? c : strcmp(a->from, b->from);
}

static int cmp_pop(const void *pa, const void *pb) {
  const pop_row *a = pa, *b = pb;
  if (a->year != b->year) return a->year < b->year ? -1 : 1;
  return strcmp(a->code, b->code);
}

static int cmp_change(const void *pa, const void *pb) {
  const change_row *a = pa, *b = pb;
  int c = strcmp(a->date, b->date);
  if (!c) c = strcmp(a->old_code, b->old_code);
  if (!c) c = strcmp(a->new_code, b->new_code);
  return c;
}

/* The name of code in the snapshot at date (existing periods or an imported
** version), or NULL. */
static const char *snapshot_name(const tables *t, const period *old, size_t nold, const char *date,
                                 const char *code) {
  for (size_t v = 0; v < t->nversions; v++)
    if (strcmp(t->versions[v].from, date) == 0) {
      for (size_t i = 0; i < t->versions[v].n; i++)
        if (strcmp(t->versions[v].items[i].code, code) == 0) return t->versions[v].items[i].name;
      return NULL;
    }
  for (size_t i = 0; i < nold; i++)
    if (strcmp(old[i].code, code) == 0 && strcmp(old[i].from, date) <= 0 &&
        (!old[i].to[0] || strcmp(date, old[i].to) < 0))
      return old[i].name;
  return NULL;
}

/* Recomputes the periods from the snapshots at every boundary date. */
static int rebuild_periods(const tables *t, const period *old, size_t nold, period **out,
                           size_t *nout) {
  size_t ndates = 0, ncodes = 0;
  char **dates = calloc(2 * nold + t->nversions + 1, sizeof *dates);
  char **codes = NULL;
  size_t total_items = nold;
  for (size_t v = 0; v < t->nversions; v++) total_items += t->versions[v].n;
  codes = calloc(total_items + 1, sizeof *codes);
  if (!dates || !codes) {
    free(dates);
    free(codes);
    return CS_ENOMEM;
  }
  for (size_t i = 0; i < nold; i++) {
    dates[ndates++] = (char *)old[i].from;
    if (old[i].to[0]) dates[ndates++] = (char *)old[i].to;
    codes[ncodes++] = (char *)old[i].code;
  }
  for (size_t v = 0; v < t->nversions; v++) {
    dates[ndates++] = (char *)t->versions[v].from;
    for (size_t i = 0; i < t->versions[v].n; i++) codes[ncodes++] = t->versions[v].items[i].code;
  }
  if (ndates) qsort(dates, ndates, sizeof *dates, cmp_str);
  if (ncodes) qsort(codes, ncodes, sizeof *codes, cmp_str);
  size_t nd = 0, nc = 0;
  for (size_t i = 0; i < ndates; i++)
    if (!nd || strcmp(dates[nd - 1], dates[i])) dates[nd++] = dates[i];
  for (size_t i = 0; i < ncodes; i++)
    if (!nc || strcmp(codes[nc - 1], codes[i])) codes[nc++] = codes[i];
  size_t cap = nold + 64, n = 0;
  period *res = calloc(cap, sizeof *res);
  int rc = res ? CS_OK : CS_ENOMEM;
  for (size_t c = 0; !rc && c < nc; c++) {
    const char *cur = NULL;
    for (size_t d = 0; d <= nd && !rc; d++) {
      const char *name = d < nd ? snapshot_name(t, old, nold, dates[d], codes[c]) : NULL;
      int same = cur && name && strcmp(cur, name) == 0;
      if (cur && !same) { /* the current period ends at dates[d] (or stays open) */
        if (d < nd) snprintf(res[n - 1].to, sizeof res[n - 1].to, "%s", dates[d]);
        cur = NULL;
      }
      if (name && !same) {
        if (n == cap) {
          period *np = realloc(res, (cap *= 2) * sizeof *np);
          if (!np) {
            rc = CS_ENOMEM;
            break;
          }
          res = np;
        }
        memset(&res[n], 0, sizeof res[n]);
        memcpy(res[n].code, codes[c], 5);
        res[n].name = dupn(name, strlen(name));
        if (!res[n].name) rc = CS_ENOMEM;
        snprintf(res[n].from, sizeof res[n].from, "%s", dates[d]);
        n++;
        cur = name;
      }
    }
  }
  free(dates);
  free(codes);
  if (rc) {
    for (size_t i = 0; i < n; i++) free(res[i].name);
    free(res);
    return rc;
  }
  if (n) qsort(res, n, sizeof *res, cmp_period);
  *out = res;
  *nout = n;
  return CS_OK;
}

static long long pop_of(const tables *t, int year, const char *code, int *found) {
  for (size_t i = 0; i < t->npops; i++)
    if (t->pops[i].year == year && strcmp(t->pops[i].code, code) == 0) {
      *found = 1;
      return t->pops[i].pop;
    }
  *found = 0;
  return 0;
}

/* Writes a temporary file beside `final` and returns its path in tmp. */
static FILE *open_temp(const char *dir, const char *name, char *tmp, size_t size, cs_error *err) {
  snprintf(tmp, size, "%s/.%s.import-tmp", dir, name);
  FILE *f = fopen(tmp, "wb");
  if (!f) cs_error_set(err, CS_EIO, "%s: %s", tmp, strerror(errno));
  return f;
}

static int close_temp(FILE *f, const char *tmp, cs_error *err) {
  int bad = ferror(f) || fflush(f) != 0;
  if (!bad) bad = fsync(fileno(f)) != 0; /* on disk before the rename makes it visible */
  bad |= fclose(f) != 0;
  if (bad) return cs_error_set(err, CS_EIO, "%s: write error: %s", tmp, strerror(errno));
  return CS_OK;
}

/* The split proxy: for each code that received part of a split municipality,
** its growth over its other predecessors from 1 January of the year before to
** 1 January of the split year; fractions rounded to 6 decimals, the last
** adjusted so each split sums to exactly 1. */
static int write_splits(FILE *f, const tables *t) {
  fprintf(f, "date,old_code,new_code,fraction,basis\n");
  for (size_t i = 0; i < t->nchanges; i++) {
    const change_row *c = &t->changes[i];
    if (i > 0 && strcmp(t->changes[i - 1].date, c->date) == 0 &&
        strcmp(t->changes[i - 1].old_code, c->old_code) == 0)
      continue; /* first row of a group only */
    size_t n = 0;
    while (i + n < t->nchanges && strcmp(t->changes[i + n].date, c->date) == 0 &&
           strcmp(t->changes[i + n].old_code, c->old_code) == 0)
      n++;
    if (n < 2) continue;
    int year = atoi(c->date);
    long long gain[16];
    long long total = 0;
    int ok = n <= 16;
    for (size_t k = 0; ok && k < n; k++) {
      const change_row *ck = &t->changes[i + k];
      int found;
      long long now = pop_of(t, year, ck->new_code, &found);
      if (!found) ok = 0;
      long long before = 0;
      /* the other predecessors of new_code on that date, a year earlier */
      for (size_t j = 0; ok && j < t->nchanges; j++) {
        const change_row *o = &t->changes[j];
        if (strcmp(o->date, c->date) || strcmp(o->new_code, ck->new_code) ||
            strcmp(o->old_code, c->old_code) == 0)
          continue;
        long long p = pop_of(t, year - 1, o->old_code, &found);
        if (!found) ok = 0;
        before += p;
      }
      gain[k] = now - before > 0 ? now - before : 0;
      total += gain[k];
    }
    if (!ok || total <= 0) continue;
    long long assigned = 0;
    for (size_t k = 0; k < n; k++) {
      long long micro = k + 1 < n ? (gain[k] * 1000000 + total / 2) / total : 1000000 - assigned;
      assigned += micro;
      fprintf(f, "%s,%s,%s,%lld.%06lld,proxy: growth over its other predecessors 1 January %d to %d\n",
              c->date, c->old_code, t->changes[i + k].new_code, micro / 1000000, micro % 1000000,
              year - 1, year);
    }
  }
  return CS_OK;
}

int cs_ssb_import(const char *data_dir, const char *const *files, int n, cs_import_report *report,
                  cs_error *err) {
  tables t = {0};
  period *old = NULL, *fresh = NULL;
  size_t nold = 0, nfresh = 0;
  cs_import_report rep;
  memset(&rep, 0, sizeof rep);
  int rc;
  if ((rc = read_existing(&t, data_dir, &old, &nold, err))) goto done;
  /* a copy of the counts before, for the report */
  size_t pops_before = t.npops, changes_before = t.nchanges;
  long long *old_pops = calloc(t.npops ? t.npops : 1, sizeof *old_pops);
  if (!old_pops) {
    rc = cs_error_set(err, CS_ENOMEM, "out of memory");
    goto done;
  }
  for (size_t i = 0; i < t.npops; i++) old_pops[i] = t.pops[i].pop;
  for (int i = 0; i < n && !rc; i++) {
    size_t len;
    char *text = read_file(files[i], &len, err);
    if (!text) {
      rc = CS_EIO;
      break;
    }
    char *utf = to_utf8(text, len);
    if (!utf) {
      free(text);
      rc = cs_error_set(err, CS_ENOMEM, "out of memory");
      break;
    }
    const char *p = utf;
    while (isspace((unsigned char)*p)) p++;
    rc = *p == '{' ? import_json(&t, files[i], utf, err) : import_population_csv(&t, files[i], utf, err);
    free(utf);
    rep.files++;
  }
  if (!rc) {
    for (size_t i = 0; i < pops_before; i++)
      if (t.pops[i].pop != old_pops[i]) rep.population_changed++;
    rep.population_added = (long)(t.npops - pops_before);
    rep.changes_added = (long)(t.nchanges - changes_before);
  }
  free(old_pops);
  if (rc) goto done;
  if ((rc = rebuild_periods(&t, old, nold, &fresh, &nfresh))) {
    cs_error_set(err, rc, "out of memory");
    goto done;
  }
  for (size_t i = 0; i < nfresh; i++) {
    int same = 0, code_known = 0;
    for (size_t j = 0; j < nold; j++)
      if (strcmp(old[j].code, fresh[i].code) == 0) {
        code_known = 1;
        if (strcmp(old[j].from, fresh[i].from) == 0 && strcmp(old[j].to, fresh[i].to) == 0 &&
            strcmp(old[j].name, fresh[i].name) == 0)
          same = 1;
      }
    if (!same) {
      if (code_known) rep.municipalities_changed++;
      else rep.municipalities_added++;
    }
  }
  /* write everything to temporary files, then rename */
  static const char *const names[4] = {"municipalities.csv", "population.csv", "changes.csv",
                                       "split_fractions.csv"};
  char tmp[4][4096];
  FILE *f;
  if (t.npops) qsort(t.pops, t.npops, sizeof *t.pops, cmp_pop);
  if (t.nchanges) qsort(t.changes, t.nchanges, sizeof *t.changes, cmp_change);
  for (int k = 0; k < 4 && !rc; k++) {
    if (!(f = open_temp(data_dir, names[k], tmp[k], sizeof tmp[k], err))) {
      rc = CS_EIO;
      for (int j = 0; j < k; j++) remove(tmp[j]);
      break;
    }
    if (k == 0) {
      fprintf(f, "code,name,valid_from,valid_to\n");
      for (size_t i = 0; i < nfresh; i++)
        fprintf(f, "%s,%s,%s,%s\n", fresh[i].code, fresh[i].name, fresh[i].from, fresh[i].to);
    } else if (k == 1) {
      fprintf(f, "year,code,population\n");
      for (size_t i = 0; i < t.npops; i++)
        fprintf(f, "%d,%s,%lld\n", t.pops[i].year, t.pops[i].code, t.pops[i].pop);
    } else if (k == 2) {
      fprintf(f, "date,old_code,old_name,new_code,new_name\n");
      for (size_t i = 0; i < t.nchanges; i++)
        fprintf(f, "%s,%s,%s,%s,%s\n", t.changes[i].date, t.changes[i].old_code,
                t.changes[i].old_name, t.changes[i].new_code, t.changes[i].new_name);
    } else {
      write_splits(f, &t);
    }
    if ((rc = close_temp(f, tmp[k], err))) {
      for (int j = 0; j <= k; j++) remove(tmp[j]);
    }
  }
  for (int k = 0; k < 4 && !rc; k++) {
    char final[4096];
    snprintf(final, sizeof final, "%s/%s", data_dir, names[k]);
    if (rename(tmp[k], final) != 0) {
      rc = cs_error_set(err, CS_EIO, "%s: %s", final, strerror(errno));
      for (int j = k; j < 4; j++) remove(tmp[j]);
    }
  }
done:
  tables_free(&t);
  for (size_t i = 0; i < nold; i++) free(old[i].name);
  free(old);
  for (size_t i = 0; i < nfresh; i++) free(fresh[i].name);
  free(fresh);
  if (!rc && report) *report = rep;
  return rc;
}

void cs_import_report_print(const cs_import_report *r, FILE *out) {
  fprintf(out,
          "imported %d file%s: municipalities %ld added, %ld changed; population %ld rows added, "
          "%ld changed; changes %ld added\n",
          r->files, r->files == 1 ? "" : "s", r->municipalities_added, r->municipalities_changed,
          r->population_added, r->population_changed, r->changes_added);
}
