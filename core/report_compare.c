/*
** report_compare.c: runs side by side (report_internal.h). runs[0] is the
** baseline; rows are matched by cooperation, code and year, as
** scripts/report.lua's R.compare does (without its territory option).
*/
#include <stdlib.h>
#include <string.h>
#include "report_internal.h"

typedef struct entry {
  const cs_doc_row *row;
  size_t run;
} entry;

static int by_coop_year_code_run(const void *pa, const void *pb) {
  const entry *a = pa, *b = pb;
  int c = strcmp(a->row->cooperation, b->row->cooperation);
  if (c) return c;
  if (a->row->year != b->row->year) return a->row->year < b->row->year ? -1 : 1;
  c = strcmp(a->row->code, b->row->code);
  if (c) return c;
  return a->run < b->run ? -1 : a->run > b->run;
}

static int by_coop_code_year(const void *pa, const void *pb) {
  const cs_cmp_line *a = *(const cs_cmp_line *const *)pa, *b = *(const cs_cmp_line *const *)pb;
  int c = strcmp(a->cooperation, b->cooperation);
  if (c) return c;
  c = strcmp(a->code, b->code);
  if (c) return c;
  return a->year < b->year ? -1 : a->year > b->year;
}

void cs_cmp_free(cs_cmp *c) {
  if (!c) return;
  for (size_t i = 0; i < c->nlines; i++) {
    free(c->lines[i].share);
    free(c->lines[i].status);
    free((void *)c->lines[i].merged);
  }
  free(c->lines);
  free(c);
}

/* The row's figure for the field. */
static int64_t figure(const cs_doc_row *row, cs_cmp_field field) {
  return field == CS_CMP_INVOICE && row->money ? row->invoice : row->total;
}

int cs_cmp_build(const cs_doc *doc, cs_cmp_field field, cs_cmp **out, cs_error *err) {
  *out = NULL;
  size_t n = 0;
  for (size_t r = 0; r < doc->nruns; r++) n += doc->runs[r].nrows;
  cs_cmp *c = calloc(1, sizeof *c);
  entry *e = calloc(n ? n : 1, sizeof *e);
  cs_cmp_line **order = NULL;
  if (!c || !e) goto oom;
  c->field = field;
  c->nruns = doc->nruns;
  size_t k = 0;
  for (size_t r = 0; r < doc->nruns; r++) {
    for (size_t i = 0; i < doc->runs[r].nrows; i++) {
      const cs_doc_row *row = &doc->runs[r].rows[i];
      /* a member gone, invoiced only its settlement, has no share */
      if (field == CS_CMP_SHARE && cs_report_no_share(row)) continue;
      e[k++] = (entry){row, r};
    }
  }
  n = k;
  qsort(e, n, sizeof *e, by_coop_year_code_run);
  c->lines = calloc(n ? n : 1, sizeof *c->lines);
  if (!c->lines) goto oom;
  for (size_t i = 0; i < n; i++) {
    const cs_doc_row *row = e[i].row;
    cs_cmp_line *line = c->nlines ? &c->lines[c->nlines - 1] : NULL;
    if (!line || strcmp(line->cooperation, row->cooperation) || line->year != row->year ||
        strcmp(line->code, row->code)) {
      line = &c->lines[c->nlines++];
      line->cooperation = row->cooperation;
      line->year = row->year;
      line->code = row->code;
      line->name = row->name; /* the earliest run's name: the baseline's when it has one */
      line->share = calloc(c->nruns, sizeof *line->share);
      line->status = calloc(c->nruns, sizeof *line->status);
      line->merged = calloc(c->nruns, sizeof *line->merged);
      if (!line->share || !line->status || !line->merged) goto oom;
      for (size_t r = 0; r < c->nruns; r++) line->status[r] = CS_CMP_NOT_MEMBER;
    }
    /* a member twice in one run and year (two cooperations of one name) adds up */
    if (line->status[e[i].run] == CS_CMP_PRESENT) line->share[e[i].run] += figure(row, field);
    else line->share[e[i].run] = figure(row, field);
    line->status[e[i].run] = CS_CMP_PRESENT;
    if (row->merged && !line->merged[e[i].run]) line->merged[e[i].run] = row->merged;
  }
  /* absent after being present in an earlier year of the same run: withdrawn */
  order = malloc((c->nlines ? c->nlines : 1) * sizeof *order);
  if (!order) goto oom;
  for (size_t i = 0; i < c->nlines; i++) order[i] = &c->lines[i];
  qsort(order, c->nlines, sizeof *order, by_coop_code_year);
  for (size_t r = 0; r < c->nruns; r++) {
    int seen = 0;
    for (size_t i = 0; i < c->nlines; i++) {
      if (i > 0 && (strcmp(order[i - 1]->cooperation, order[i]->cooperation) ||
                    strcmp(order[i - 1]->code, order[i]->code)))
        seen = 0;
      if (order[i]->status[r] == CS_CMP_PRESENT) seen = 1;
      else if (seen) order[i]->status[r] = CS_CMP_WITHDRAWN;
    }
  }
  free(order);
  free(e);
  *out = c;
  return 0;
oom:
  free(order);
  free(e);
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
