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
  }
  free(c->lines);
  free(c);
}

int cs_cmp_build(const cs_doc *doc, cs_cmp **out, cs_error *err) {
  *out = NULL;
  size_t n = 0;
  for (size_t r = 0; r < doc->nruns; r++) n += doc->runs[r].nrows;
  cs_cmp *c = calloc(1, sizeof *c);
  entry *e = calloc(n ? n : 1, sizeof *e);
  cs_cmp_line **order = NULL;
  if (!c || !e) goto oom;
  c->nruns = doc->nruns;
  size_t k = 0;
  for (size_t r = 0; r < doc->nruns; r++) {
    for (size_t i = 0; i < doc->runs[r].nrows; i++) e[k++] = (entry){&doc->runs[r].rows[i], r};
  }
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
      if (!line->share || !line->status) goto oom;
      for (size_t r = 0; r < c->nruns; r++) line->status[r] = CS_CMP_NOT_MEMBER;
    }
    /* a member twice in one run and year (two cooperations of one name) adds up */
    if (line->status[e[i].run] == CS_CMP_PRESENT) line->share[e[i].run] += row->total;
    else line->share[e[i].run] = row->total;
    line->status[e[i].run] = CS_CMP_PRESENT;
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

size_t cs_report_part_names(const cs_doc_run *run, const char *cooperation, const char **names, size_t max) {
  size_t n = 0;
  for (size_t i = 0; i < run->nrows; i++) {
    const cs_doc_row *row = &run->rows[i];
    if (cooperation && strcmp(row->cooperation, cooperation)) continue;
    for (size_t p = 0; p < row->nparts; p++) {
      size_t j = 0;
      while (j < n && strcmp(names[j], row->parts[p].name)) j++;
      if (j == n && n < max) names[n++] = row->parts[p].name;
    }
  }
  return n;
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

size_t cs_report_cooperations(const cs_doc_run *run, const char **names, size_t max) {
  size_t n = 0;
  for (size_t i = 0; i < run->nrows + run->nyears; i++) {
    const char *coop = i < run->nrows ? run->rows[i].cooperation : run->years[i - run->nrows].cooperation;
    size_t j = 0;
    while (j < n && strcmp(names[j], coop)) j++;
    if (j == n && n < max) names[n++] = coop;
  }
  return n;
}
