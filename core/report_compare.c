/*
** report_compare.c: runs side by side (report_internal.h). runs[0] is the
** baseline; rows are matched by cooperation, code and year, as
** scripts/report.lua's R.compare does (without its territory option).
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "report_internal.h"

/* Rows and lines are sorted by integer keys that order exactly as the
** texts did with strcmp: a cooperation by its rank among the distinct
** cooperation names (ranked once, with strcmp), a code (at most 16 bytes,
** doc.h) as two 64-bit numbers of its bytes big-endian with zeros after its
** end (a shorter code that begins a longer one comes first, as in strcmp,
** which compares unsigned bytes), a year biased to unsigned. */
typedef struct code_key {
  uint64_t hi, lo;
} code_key;

static code_key key_of_code(const char *code) {
  unsigned char b[16] = {0};
  for (size_t i = 0; i < 16 && code[i]; i++) b[i] = (unsigned char)code[i];
  code_key k = {0, 0};
  for (size_t i = 0; i < 8; i++) {
    k.hi = k.hi << 8 | b[i];
    k.lo = k.lo << 8 | b[8 + i];
  }
  return k;
}

static uint32_t key_of_year(int year) { return (uint32_t)year ^ 0x80000000u; }

/* A row to compare: by cooperation, year, code, then its place in the
** document (run, then row), as the stable sort by run left them before.
** 32 bytes: a national comparison sorts some hundred thousand. */
typedef struct entry {
  uint64_t coop_year; /* cooperation rank << 32 | year key */
  code_key code;
  uint32_t run, row; /* doc->runs[run].rows[row] */
} entry;

static int by_coop_year_code_place(const void *pa, const void *pb) {
  const entry *a = pa, *b = pb;
  if (a->coop_year != b->coop_year) return a->coop_year < b->coop_year ? -1 : 1;
  if (a->code.hi != b->code.hi) return a->code.hi < b->code.hi ? -1 : 1;
  if (a->code.lo != b->code.lo) return a->code.lo < b->code.lo ? -1 : 1;
  if (a->run != b->run) return a->run < b->run ? -1 : 1;
  return a->row < b->row ? -1 : a->row > b->row;
}

/* A line for the pass over each member's years: by cooperation, code, year. */
typedef struct line_key {
  uint32_t coop, year;
  code_key code;
  cs_cmp_line *line;
} line_key;

static int by_coop_code_year(const void *pa, const void *pb) {
  const line_key *a = pa, *b = pb;
  if (a->coop != b->coop) return a->coop < b->coop ? -1 : 1;
  if (a->code.hi != b->code.hi) return a->code.hi < b->code.hi ? -1 : 1;
  if (a->code.lo != b->code.lo) return a->code.lo < b->code.lo ? -1 : 1;
  return a->year < b->year ? -1 : a->year > b->year;
}

/* The distinct cooperation names of the rows, each with its rank in strcmp
** order: open addressing from the name to its number of arrival. */
typedef struct coop_ranks {
  const char **slot_name;
  uint32_t *slot_num;
  size_t cap;
  const char **names; /* by number of arrival */
  uint32_t *rank;     /* by number of arrival */
  size_t n;
} coop_ranks;

static uint64_t hash_name(const char *s) {
  uint64_t h = 1469598103934665603u;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211u;
  return h;
}

/* The number of name (a new one when not seen); -1 when out of memory.
** nmax: the most names there can be (the rows'), so the table never grows. */
static long coop_number(coop_ranks *t, const char *name, size_t nmax) {
  if (!t->cap) {
    size_t cap = 16;
    while (cap < 2 * nmax) cap *= 2;
    t->slot_name = calloc(cap, sizeof *t->slot_name);
    t->slot_num = calloc(cap, sizeof *t->slot_num);
    t->names = calloc(nmax ? nmax : 1, sizeof *t->names);
    if (!t->slot_name || !t->slot_num || !t->names) return -1;
    t->cap = cap;
  }
  size_t j = hash_name(name) & (t->cap - 1);
  for (; t->slot_name[j]; j = (j + 1) & (t->cap - 1))
    if (t->slot_name[j] == name || strcmp(t->slot_name[j], name) == 0) return (long)t->slot_num[j];
  t->slot_name[j] = name;
  t->slot_num[j] = (uint32_t)t->n;
  t->names[t->n] = name;
  return (long)t->n++;
}

static int by_name(const void *pa, const void *pb) {
  return strcmp(**(const char *const *const *)pa, **(const char *const *const *)pb);
}

/* Ranks the names in strcmp order; -1 when out of memory. */
static int rank_coops(coop_ranks *t) {
  const char ***order = malloc((t->n ? t->n : 1) * sizeof *order);
  t->rank = malloc((t->n ? t->n : 1) * sizeof *t->rank);
  if (!order || !t->rank) {
    free((void *)order);
    return -1;
  }
  for (size_t i = 0; i < t->n; i++) order[i] = &t->names[i];
  qsort((void *)order, t->n, sizeof *order, by_name);
  for (size_t i = 0; i < t->n; i++) t->rank[order[i] - t->names] = (uint32_t)i;
  free((void *)order);
  return 0;
}

static void coop_ranks_free(coop_ranks *t) {
  free((void *)t->slot_name);
  free(t->slot_num);
  free((void *)t->names);
  free(t->rank);
}

void cs_cmp_free(cs_cmp *c) {
  if (!c) return;
  free(c->shares);
  free(c->statuses);
  free((void *)c->mergeds);
  free(c->lines);
  free(c);
}

/* The row's figure for the field. */
static int64_t figure(const cs_doc_row *row, cs_cmp_field field) {
  return field == CS_CMP_INVOICE && row->money ? row->invoice : row->total;
}

static int same_line(const entry *a, const entry *b) {
  return a->coop_year == b->coop_year && a->code.hi == b->code.hi && a->code.lo == b->code.lo;
}

int cs_cmp_build(const cs_doc *doc, cs_cmp_field field, cs_cmp **out, cs_error *err) {
  *out = NULL;
  size_t n = 0;
  for (size_t r = 0; r < doc->nruns; r++) {
    if (r >= UINT32_MAX || doc->runs[r].nrows > UINT32_MAX - n)
      return cs_error_set(err, CS_ENOMEM, "too many rows to compare (more than %lu)", (unsigned long)UINT32_MAX);
    n += doc->runs[r].nrows;
  }
  cs_cmp *c = calloc(1, sizeof *c);
  entry *e = malloc((n ? n : 1) * sizeof *e);
  line_key *order = NULL;
  coop_ranks coops = {0};
  if (!c || !e) goto oom;
  c->field = field;
  c->nruns = doc->nruns;
  size_t k = 0;
  const char *last = NULL; /* rows of one cooperation come together */
  long num = 0;
  for (size_t r = 0; r < doc->nruns; r++) {
    for (size_t i = 0; i < doc->runs[r].nrows; i++) {
      const cs_doc_row *row = &doc->runs[r].rows[i];
      /* a member gone, invoiced only its settlement, has no share */
      if (field == CS_CMP_SHARE && cs_report_no_share(row)) continue;
      if (row->cooperation != last) {
        if ((num = coop_number(&coops, row->cooperation, n)) < 0) goto oom;
        last = row->cooperation;
      }
      e[k++] = (entry){(uint64_t)num << 32 | key_of_year(row->year), key_of_code(row->code), (uint32_t)r, (uint32_t)i};
    }
  }
  n = k;
  if (rank_coops(&coops)) goto oom;
  for (size_t i = 0; i < n; i++)
    e[i].coop_year = (uint64_t)coops.rank[e[i].coop_year >> 32] << 32 | (e[i].coop_year & 0xffffffffu);
  qsort(e, n, sizeof *e, by_coop_year_code_place);
  /* the lines, and each line's figures per run in three blocks */
  size_t nlines = 0;
  for (size_t i = 0; i < n; i++) nlines += i == 0 || !same_line(&e[i - 1], &e[i]);
  size_t cells = nlines * c->nruns;
  c->lines = calloc(nlines ? nlines : 1, sizeof *c->lines);
  c->shares = calloc(cells ? cells : 1, sizeof *c->shares);
  c->statuses = malloc((cells ? cells : 1) * sizeof *c->statuses);
  c->mergeds = calloc(cells ? cells : 1, sizeof *c->mergeds);
  order = malloc((nlines ? nlines : 1) * sizeof *order);
  if (!c->lines || !c->shares || !c->statuses || !c->mergeds || !order) goto oom;
  for (size_t i = 0; i < cells; i++) c->statuses[i] = CS_CMP_NOT_MEMBER;
  for (size_t i = 0; i < n; i++) {
    const cs_doc_row *row = &doc->runs[e[i].run].rows[e[i].row];
    if (i == 0 || !same_line(&e[i - 1], &e[i])) {
      size_t at = c->nlines++;
      cs_cmp_line *line = &c->lines[at];
      line->cooperation = row->cooperation;
      line->year = row->year;
      line->code = row->code;
      line->name = row->name; /* the earliest run's name: the baseline's when it has one */
      line->share = c->shares + at * c->nruns;
      line->status = c->statuses + at * c->nruns;
      line->merged = c->mergeds + at * c->nruns;
      order[at] = (line_key){(uint32_t)(e[i].coop_year >> 32), key_of_year(row->year), e[i].code, line};
    }
    cs_cmp_line *line = &c->lines[c->nlines - 1];
    size_t run = e[i].run;
    /* a member twice in one run and year (two cooperations of one name) adds up */
    if (line->status[run] == CS_CMP_PRESENT) line->share[run] += figure(row, field);
    else line->share[run] = figure(row, field);
    line->status[run] = CS_CMP_PRESENT;
    if (row->merged && !line->merged[run]) line->merged[run] = row->merged;
  }
  /* absent after being present in an earlier year of the same run: withdrawn */
  qsort(order, c->nlines, sizeof *order, by_coop_code_year);
  for (size_t r = 0; r < c->nruns; r++) {
    int seen = 0;
    for (size_t i = 0; i < c->nlines; i++) {
      if (i > 0 && (order[i - 1].coop != order[i].coop || order[i - 1].code.hi != order[i].code.hi ||
                    order[i - 1].code.lo != order[i].code.lo))
        seen = 0;
      if (order[i].line->status[r] == CS_CMP_PRESENT) seen = 1;
      else if (seen) order[i].line->status[r] = CS_CMP_WITHDRAWN;
    }
  }
  free(order);
  free(e);
  coop_ranks_free(&coops);
  *out = c;
  return 0;
oom:
  free(order);
  free(e);
  coop_ranks_free(&coops);
  cs_cmp_free(c);
  return cs_error_set(err, CS_ENOMEM, "out of memory comparing the runs");
}

size_t cs_cmp_block_end(const cs_cmp *c, size_t i) {
  size_t j = i;
  while (j < c->nlines && c->lines[j].year == c->lines[i].year &&
         strcmp(c->lines[j].cooperation, c->lines[i].cooperation) == 0)
    j++;
  return j;
}

/* A list of distinct borrowed strings, in order of arrival. */
typedef struct name_list {
  const char **names;
  size_t n, cap;
  int oom;
} name_list;

static void add_name(name_list *l, const char *name) {
  if (l->oom) return;
  /* the last one first: rows of one cooperation come together */
  for (size_t j = l->n; j > 0; j--)
    if (strcmp(l->names[j - 1], name) == 0) return;
  if (l->n == l->cap) {
    size_t cap = l->cap ? 2 * l->cap : 8;
    const char **names = realloc((void *)l->names, cap * sizeof *names);
    if (!names) {
      l->oom = 1;
      return;
    }
    l->names = names;
    l->cap = cap;
  }
  l->names[l->n++] = name;
}

static const char **finish_names(name_list *l, size_t *n, int *oom) {
  if (l->oom || l->n == 0) {
    free((void *)l->names);
    if (l->oom) *oom = 1;
    *n = 0;
    return NULL;
  }
  *n = l->n;
  return l->names;
}

const char **cs_report_part_names(const cs_doc_run *runs, size_t nruns, const char *cooperation, size_t *n,
                                  int *oom) {
  name_list l = {0};
  for (size_t r = 0; r < nruns; r++) {
    for (size_t i = 0; i < runs[r].nrows; i++) {
      const cs_doc_row *row = &runs[r].rows[i];
      if (cooperation && strcmp(row->cooperation, cooperation)) continue;
      for (size_t p = 0; p < row->nparts; p++) add_name(&l, row->parts[p].name);
    }
  }
  return finish_names(&l, n, oom);
}

const char **cs_report_service_names(const cs_doc_run *runs, size_t nruns, const char *cooperation, size_t *n,
                                     int *oom) {
  name_list l = {0};
  for (size_t r = 0; r < nruns; r++) {
    for (size_t i = 0; i < runs[r].nrows; i++) {
      const cs_doc_row *row = &runs[r].rows[i];
      if (cooperation && strcmp(row->cooperation, cooperation)) continue;
      for (size_t s = 0; s < row->nservices; s++) add_name(&l, row->services[s].name);
    }
  }
  return finish_names(&l, n, oom);
}

int cs_report_row_service(const cs_doc_row *row, const char *name, int64_t *out) {
  for (size_t s = 0; s < row->nservices; s++) {
    if (strcmp(row->services[s].name, name) == 0) {
      *out = row->services[s].kroner;
      return 1;
    }
  }
  return 0;
}

int cs_report_row_part(const cs_doc_row *row, const char *name, int64_t *out) {
  for (size_t p = 0; p < row->nparts; p++) {
    if (strcmp(row->parts[p].name, name) == 0) {
      *out = row->parts[p].rounded;
      return 1;
    }
  }
  return 0;
}

const char **cs_report_cooperations(const cs_doc_run *runs, size_t nruns, size_t *n, int *oom) {
  name_list l = {0};
  for (size_t r = 0; r < nruns; r++) {
    for (size_t i = 0; i < runs[r].nrows; i++) add_name(&l, runs[r].rows[i].cooperation);
    for (size_t i = 0; i < runs[r].nyears; i++) add_name(&l, runs[r].years[i].cooperation);
  }
  return finish_names(&l, n, oom);
}

int64_t cs_report_row_rounding(const cs_doc_row *row) {
  /* kroner are within ±2^53 (doc.h); unsigned arithmetic keeps a document
  ** with thousands of such parts defined, if absurd */
  uint64_t r = (uint64_t)row->total;
  for (size_t p = 0; p < row->nparts; p++) r -= (uint64_t)row->parts[p].rounded;
  return (int64_t)r;
}

int cs_report_runs_of(const cs_doc *doc, const char *cooperation, cs_run_set *set) {
  set->n = 0;
  set->idx = malloc((doc->nruns ? doc->nruns : 1) * sizeof *set->idx);
  if (!set->idx) return CS_ENOMEM;
  for (size_t r = 0; r < doc->nruns; r++) {
    const cs_doc_run *run = &doc->runs[r];
    int has = 0;
    for (size_t i = 0; i < run->nrows && !has; i++) has = strcmp(run->rows[i].cooperation, cooperation) == 0;
    for (size_t i = 0; i < run->nyears && !has; i++) has = strcmp(run->years[i].cooperation, cooperation) == 0;
    if (has) set->idx[set->n++] = r;
  }
  return 0;
}

/* Whether code appears in text as a whole code (not inside a longer
** number). */
static int lists_code(const char *text, const char *code) {
  size_t n = strlen(code);
  if (n == 0) return 0;
  for (const char *p = strstr(text, code); p; p = strstr(p + 1, code)) {
    int before = p > text && p[-1] >= '0' && p[-1] <= '9', after = p[n] >= '0' && p[n] <= '9';
    if (!before && !after) return 1;
  }
  return 0;
}

void cs_cmp_absent(const cs_cmp *c, size_t i, size_t r, cs_report_lang lang, cs_sb *out) {
  const cs_cmp_line *l = &c->lines[i];
  size_t from = i;
  while (from > 0 && c->lines[from - 1].year == l->year && strcmp(c->lines[from - 1].cooperation, l->cooperation) == 0)
    from--;
  size_t to = cs_cmp_block_end(c, i);
  for (size_t j = from; j < to; j++) {
    const cs_cmp_line *m = &c->lines[j];
    if (j != i && m->status[r] == CS_CMP_PRESENT && m->merged[r] && lists_code(m->merged[r], l->code)) {
      cs_sb_printf(out, "%s %s", cs_rl_text(lang, "merged into"), m->name);
      return;
    }
  }
  cs_sb_add(out, cs_rl_text(lang, l->status[r] == CS_CMP_WITHDRAWN ? "withdrawn" : "not a member"));
}
