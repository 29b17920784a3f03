/*
** report_compare.c: runs side by side (report_internal.h). runs[0] is the
** baseline; rows are matched by cooperation, code and year, as
** scripts/report.lua's R.compare does (without its territory option).
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "coopsim/hash.h"
#include "report_internal.h"

/* Rows and lines are sorted by integer keys that order exactly as the
** texts did with strcmp: a cooperation and a code each by its rank among
** the distinct texts of its kind (ranked once, with strcmp), a year biased
** to unsigned. The keys are small, so a national comparison sorts 16 bytes
** a row: its fresh pages were a good part of the time. */
static uint32_t key_of_year(int year) { return (uint32_t)year ^ 0x80000000u; }

/* A row to compare: by cooperation, year, code, then its place in the
** document (run, then row), as the stable sort by run left them before. */
typedef struct entry {
  uint64_t coop_year; /* cooperation rank << 32 | year key */
  uint64_t code_place; /* code rank << 32 | place (the index into the rows taken) */
} entry;

static int by_coop_year_code_place(const void *pa, const void *pb) {
  const entry *a = pa, *b = pb;
  if (a->coop_year != b->coop_year) return a->coop_year < b->coop_year ? -1 : 1;
  return a->code_place < b->code_place ? -1 : a->code_place > b->code_place;
}

/* A line for the pass over each member's years: by cooperation, code, year. */
typedef struct line_key {
  uint32_t coop, code, year;
  cs_cmp_line *line;
} line_key;

static int by_coop_code_year(const void *pa, const void *pb) {
  const line_key *a = pa, *b = pb;
  if (a->coop != b->coop) return a->coop < b->coop ? -1 : 1;
  if (a->code != b->code) return a->code < b->code ? -1 : 1;
  return a->year < b->year ? -1 : a->year > b->year;
}

/* The distinct texts of one kind, each with its rank in strcmp order:
** open addressing from the text to its number of arrival. */
typedef struct ranks {
  const char **slot_text;
  uint32_t *slot_num;
  size_t cap;
  const char **texts; /* by number of arrival */
  uint32_t *rank;     /* by number of arrival */
  size_t n;
} ranks;

/* Doubles the table (from 16 slots); -1 when out of memory. */
static int grow_ranks(ranks *t) {
  size_t cap = t->cap ? 2 * t->cap : 16;
  const char **slot_text = calloc(cap, sizeof *slot_text);
  uint32_t *slot_num = calloc(cap, sizeof *slot_num);
  const char **texts = realloc((void *)t->texts, cap / 2 * sizeof *texts);
  if (texts) t->texts = texts;
  if (!slot_text || !slot_num || !texts) {
    free((void *)slot_text), free(slot_num);
    return -1;
  }
  for (size_t i = 0; i < t->n; i++) {
    size_t j = cs_hash_str(t->texts[i]) & (cap - 1);
    while (slot_text[j]) j = (j + 1) & (cap - 1);
    slot_text[j] = t->texts[i];
    slot_num[j] = (uint32_t)i;
  }
  free((void *)t->slot_text), free(t->slot_num);
  t->slot_text = slot_text, t->slot_num = slot_num, t->cap = cap;
  return 0;
}

/* The number of text (a new one when not seen); -1 when out of memory.
** The table holds at most half as many texts as it has slots. */
static long text_number(ranks *t, const char *text) {
  if (2 * (t->n + 1) > t->cap && grow_ranks(t) != 0) return -1;
  size_t j = cs_hash_str(text) & (t->cap - 1);
  for (; t->slot_text[j]; j = (j + 1) & (t->cap - 1))
    if (t->slot_text[j] == text || strcmp(t->slot_text[j], text) == 0) return (long)t->slot_num[j];
  t->slot_text[j] = text;
  t->slot_num[j] = (uint32_t)t->n;
  t->texts[t->n] = text;
  return (long)t->n++;
}

static int by_text(const void *pa, const void *pb) {
  return strcmp(**(const char *const *const *)pa, **(const char *const *const *)pb);
}

/* Ranks the texts in strcmp order; -1 when out of memory. */
static int rank_texts(ranks *t) {
  const char ***order = malloc((t->n ? t->n : 1) * sizeof *order);
  t->rank = malloc((t->n ? t->n : 1) * sizeof *t->rank);
  if (!order || !t->rank) {
    free((void *)order);
    return -1;
  }
  for (size_t i = 0; i < t->n; i++) order[i] = &t->texts[i];
  qsort((void *)order, t->n, sizeof *order, by_text);
  for (size_t i = 0; i < t->n; i++) t->rank[order[i] - t->texts] = (uint32_t)i;
  free((void *)order);
  return 0;
}

static void ranks_free(ranks *t) {
  free((void *)t->slot_text);
  free(t->slot_num);
  free((void *)t->texts);
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

#define PLACE(e) ((e).code_place & 0xffffffffu)
#define HIGH(v) ((uint32_t)((v) >> 32))

static int same_line(const entry *a, const entry *b) {
  return a->coop_year == b->coop_year && HIGH(a->code_place) == HIGH(b->code_place);
}

int cs_cmp_build(const cs_doc *doc, cs_cmp_field field, cs_cmp **out, cs_error *err) {
  *out = NULL;
  size_t n = 0;
  for (size_t r = 0; r < doc->nruns; r++) {
    if (doc->runs[r].nrows > UINT32_MAX - n)
      return cs_error_set(err, CS_ENOMEM, "too many rows to compare (more than %lu)", (unsigned long)UINT32_MAX);
    n += doc->runs[r].nrows;
  }
  cs_cmp *c = calloc(1, sizeof *c);
  entry *e = malloc((n ? n : 1) * sizeof *e);
  const cs_doc_row **taken = malloc((n ? n : 1) * sizeof *taken); /* by place */
  size_t *first = malloc((doc->nruns + 1) * sizeof *first);      /* each run's first place */
  line_key *order = NULL;
  ranks coops = {0}, codes = {0};
  if (!c || !e || !taken || !first) goto oom;
  c->field = field;
  c->nruns = doc->nruns;
  size_t k = 0;
  const char *last = NULL; /* rows of one cooperation come together */
  long coop = 0, code;
  for (size_t r = 0; r < doc->nruns; r++) {
    first[r] = k;
    for (size_t i = 0; i < doc->runs[r].nrows; i++) {
      const cs_doc_row *row = &doc->runs[r].rows[i];
      /* a member gone, invoiced only its settlement, has no share */
      if (field == CS_CMP_SHARE && cs_report_no_share(row)) continue;
      if (row->cooperation != last) {
        if ((coop = text_number(&coops, row->cooperation)) < 0) goto oom;
        last = row->cooperation;
      }
      if ((code = text_number(&codes, row->code)) < 0) goto oom;
      taken[k] = row;
      e[k] = (entry){(uint64_t)coop << 32 | key_of_year(row->year), (uint64_t)code << 32 | k};
      k++;
    }
  }
  first[doc->nruns] = n = k;
  if (rank_texts(&coops) || rank_texts(&codes)) goto oom;
  for (size_t i = 0; i < n; i++) {
    e[i].coop_year = (uint64_t)coops.rank[HIGH(e[i].coop_year)] << 32 | (e[i].coop_year & 0xffffffffu);
    e[i].code_place = (uint64_t)codes.rank[HIGH(e[i].code_place)] << 32 | PLACE(e[i]);
  }
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
    size_t place = PLACE(e[i]), run = 0, hi = doc->nruns;
    while (hi - run > 1) { /* the run whose places hold this one */
      size_t mid = run + (hi - run) / 2;
      if (first[mid] <= place) run = mid;
      else hi = mid;
    }
    const cs_doc_row *row = taken[place];
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
      order[at] = (line_key){HIGH(e[i].coop_year), HIGH(e[i].code_place), key_of_year(row->year), line};
    }
    cs_cmp_line *line = &c->lines[c->nlines - 1];
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
      if (i > 0 && (order[i - 1].coop != order[i].coop || order[i - 1].code != order[i].code)) seen = 0;
      if (order[i].line->status[r] == CS_CMP_PRESENT) seen = 1;
      else if (seen) order[i].line->status[r] = CS_CMP_WITHDRAWN;
    }
  }
  free(order);
  free(e);
  free((void *)taken);
  free(first);
  ranks_free(&coops);
  ranks_free(&codes);
  *out = c;
  return 0;
oom:
  free(order);
  free(e);
  free((void *)taken);
  free(first);
  ranks_free(&coops);
  ranks_free(&codes);
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
  /* the last one first: rows of one cooperation come together (and a
  ** document's texts are mostly one copy each: the same pointer) */
  for (size_t j = l->n; j > 0; j--)
    if (l->names[j - 1] == name || strcmp(l->names[j - 1], name) == 0) return;
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
