/*
** golden.c: the differences between a golden file (NAME.expected.csv) and
** the CSV of the runs a scenario made, row by row and column by column, for
** `coopsim test` (cli.h, cli_golden_diff).
**
** Rows are matched by their first four cells (scenario, cooperation, year,
** code); a row in only one of the files is a difference of its own.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

typedef struct row {
  char **cells;
  size_t ncells;
} row;

typedef struct csv {
  row *rows; /* rows[0] is the header */
  size_t nrows;
} csv;

static void csv_free(csv *c) {
  for (size_t i = 0; i < c->nrows; i++) {
    for (size_t k = 0; k < c->rows[i].ncells; k++) free(c->rows[i].cells[k]);
    free(c->rows[i].cells);
  }
  free(c->rows);
  memset(c, 0, sizeof *c);
}

/* Appends a cell of n bytes (quotes undone) to r; -1 when out of memory. */
static int add_cell(row *r, const char *s, size_t n, int quoted) {
  char *cell = malloc(n + 1), **cells = realloc(r->cells, (r->ncells + 1) * sizeof *cells);
  if (cells) r->cells = cells;
  if (!cell || !cells) {
    free(cell);
    return -1;
  }
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    cell[k++] = s[i];
    if (quoted && s[i] == '"' && i + 1 < n && s[i + 1] == '"') i++;
  }
  cell[k] = '\0';
  r->cells[r->ncells++] = cell;
  return 0;
}

/* Splits text (len bytes; lines end in \n, cells split by ',' outside quotes). */
static int csv_parse(const char *text, size_t len, csv *out) {
  memset(out, 0, sizeof *out);
  size_t i = 0;
  while (i < len) {
    row r = {NULL, 0};
    for (;;) {
      if (i < len && text[i] == '"') {
        size_t start = ++i;
        while (i < len && !(text[i] == '"' && (i + 1 >= len || text[i + 1] != '"'))) i += text[i] == '"' ? 2 : 1;
        if (add_cell(&r, text + start, (i < len ? i : len) - start, 1)) goto nomem;
        if (i < len) i++; /* the closing quote */
      } else {
        size_t start = i;
        while (i < len && text[i] != ',' && text[i] != '\n') i++;
        if (add_cell(&r, text + start, i - start, 0)) goto nomem;
      }
      if (i < len && text[i] == ',') {
        i++;
        continue;
      }
      break;
    }
    while (i < len && text[i] != '\n') i++; /* anything after a quoted cell */
    i++;
    row *rows = realloc(out->rows, (out->nrows + 1) * sizeof *rows);
    if (!rows) {
      for (size_t k = 0; k < r.ncells; k++) free(r.cells[k]);
      free(r.cells);
      goto fail;
    }
    out->rows = rows;
    out->rows[out->nrows++] = r;
    continue;
  nomem:
    for (size_t k = 0; k < r.ncells; k++) free(r.cells[k]);
    free(r.cells);
    goto fail;
  }
  return 0;
fail:
  csv_free(out);
  return -1;
}

static const char *cell(const row *r, size_t k) { return k < r->ncells ? r->cells[k] : ""; }

/* 1 when rows a and b have the same first four cells. */
static int same_key(const row *a, const row *b) {
  for (size_t k = 0; k < 4; k++)
    if (strcmp(cell(a, k), cell(b, k)) != 0) return 0;
  return 1;
}

static const row *find(const csv *c, const row *key) {
  for (size_t i = 1; i < c->nrows; i++)
    if (same_key(&c->rows[i], key)) return &c->rows[i];
  return NULL;
}

/* "scenario S, C, member CODE NAME, year Y" */
static void label(const row *r, char *buf, size_t size) {
  snprintf(buf, size, "scenario %s, %s, member %s %s, year %s", cell(r, 0), cell(r, 1), cell(r, 3),
           cell(r, 4), cell(r, 2));
}

size_t cli_golden_diff(const char *expected, size_t elen, const char *actual, size_t alen,
                       void (*emit)(const char *line, void *ud), void *ud, size_t limit) {
  csv e, a;
  char line[4096], where[1024];
  if (csv_parse(expected, elen, &e)) {
    emit("out of memory comparing with the golden file", ud);
    return 1;
  }
  if (csv_parse(actual, alen, &a)) {
    csv_free(&e);
    emit("out of memory comparing with the golden file", ud);
    return 1;
  }
  size_t total = 0;
  const row *header = e.nrows ? &e.rows[0] : NULL;
  if (header && a.nrows) {
    for (size_t k = 0; k < header->ncells || k < a.rows[0].ncells; k++)
      if (strcmp(cell(header, k), cell(&a.rows[0], k)) != 0) {
        if (total++ < limit) {
          snprintf(line, sizeof line, "header, column %zu: expected %s, actual %s", k + 1, cell(header, k),
                   cell(&a.rows[0], k));
          emit(line, ud);
        }
      }
  }
  for (size_t i = 1; i < e.nrows; i++) {
    const row *r = &e.rows[i], *b = find(&a, r);
    label(r, where, sizeof where);
    if (!b) {
      if (total++ < limit) {
        snprintf(line, sizeof line, "%s: expected a row, none in the actual results", where);
        emit(line, ud);
      }
      continue;
    }
    for (size_t k = 0; header && k < header->ncells; k++)
      if (strcmp(cell(r, k), cell(b, k)) != 0 && total++ < limit) {
        snprintf(line, sizeof line, "%s, column %s: expected %s, actual %s", where, cell(header, k),
                 cell(r, k), cell(b, k));
        emit(line, ud);
      }
  }
  for (size_t i = 1; i < a.nrows; i++)
    if (!find(&e, &a.rows[i]) && total++ < limit) {
      label(&a.rows[i], where, sizeof where);
      snprintf(line, sizeof line, "%s: row not in the expected file", where);
      emit(line, ud);
    }
  if (total > limit) {
    snprintf(line, sizeof line, "... and %zu more differences", total - limit);
    emit(line, ud);
  }
  csv_free(&e);
  csv_free(&a);
  return total;
}
