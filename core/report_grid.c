/*
** report_grid.c: a grid of text cells rendered as an aligned terminal table
** or as Markdown (report_internal.h). Widths are display widths (code
** points), so "Brønnøy" and "Træna" line up with ASCII names.
*/
#include <stdlib.h>
#include <string.h>
#include "report_internal.h"

int cs_grid_init(cs_grid *g, size_t ncols) {
  memset(g, 0, sizeof *g);
  g->ncols = ncols;
  g->right = calloc(ncols ? ncols : 1, 1);
  if (!g->right) return g->oom = 1, CS_ENOMEM;
  cs_grid_row(g);
  return g->oom ? CS_ENOMEM : 0;
}

static void add_row(cs_grid *g, int rule) {
  if (g->oom) return;
  if (g->nrows == g->cap) {
    size_t cap = g->cap ? g->cap * 2 : 64;
    char **cells = realloc(g->cells, cap * g->ncols * sizeof *cells);
    if (!cells) {
      g->oom = 1;
      return;
    }
    g->cells = cells;
    g->cap = cap;
  }
  char **row = g->cells + g->nrows * g->ncols;
  for (size_t i = 0; i < g->ncols; i++) row[i] = NULL;
  if (!rule) {
    for (size_t i = 0; i < g->ncols && !g->oom; i++) {
      row[i] = calloc(1, 1);
      if (!row[i]) g->oom = 1;
    }
  }
  g->nrows++;
}

void cs_grid_row(cs_grid *g) { add_row(g, 0); }
void cs_grid_rule(cs_grid *g) { add_row(g, 1); }

void cs_grid_set(cs_grid *g, size_t col, const char *text) {
  if (g->oom || g->nrows == 0 || col >= g->ncols) return;
  char **cell = &g->cells[(g->nrows - 1) * g->ncols + col];
  if (!*cell) return; /* a rule */
  size_t n = strlen(text) + 1;
  char *copy = malloc(n);
  if (!copy) {
    g->oom = 1;
    return;
  }
  memcpy(copy, text, n);
  free(*cell);
  *cell = copy;
}

static const char *cell(const cs_grid *g, size_t r, size_t c) { return g->cells[r * g->ncols + c]; }

void cs_grid_table(const cs_grid *g, cs_sb *out) {
  if (g->oom) {
    out->oom = 1;
    return;
  }
  size_t *w = calloc(g->ncols ? g->ncols : 1, sizeof *w);
  if (!w) {
    out->oom = 1;
    return;
  }
  for (size_t r = 0; r < g->nrows; r++) {
    for (size_t c = 0; c < g->ncols; c++) {
      const char *s = cell(g, r, c);
      if (s && cs_rl_width(s) > w[c]) w[c] = cs_rl_width(s);
    }
  }
  for (size_t r = 0; r < g->nrows; r++) {
    int rule = cell(g, r, 0) == NULL;
    size_t start = out->len;
    if (rule) {
      for (size_t c = 0; c < g->ncols; c++) {
        if (c) cs_sb_add(out, "  ");
        cs_sb_repeat(out, "-", w[c]);
      }
    } else {
      for (size_t c = 0; c < g->ncols; c++) {
        const char *s = cell(g, r, c);
        size_t pad = w[c] - cs_rl_width(s);
        if (c) cs_sb_add(out, "  ");
        if (g->right[c]) cs_sb_repeat(out, " ", pad);
        cs_sb_add(out, s);
        if (!g->right[c]) cs_sb_repeat(out, " ", pad);
      }
    }
    /* no trailing blanks */
    while (!out->oom && out->len > start && out->s[out->len - 1] == ' ') out->s[--out->len] = '\0';
    cs_sb_add(out, "\n");
    if (r == 0) {
      for (size_t c = 0; c < g->ncols; c++) {
        if (c) cs_sb_add(out, "  ");
        cs_sb_repeat(out, "-", w[c]);
      }
      cs_sb_add(out, "\n");
    }
  }
  free(w);
}

static void md_cell(cs_sb *out, const char *s) {
  for (; *s; s++) {
    if (*s == '|') cs_sb_add(out, "\\|");
    else if (*s == '\n' || *s == '\r') cs_sb_add(out, " ");
    else cs_sb_addn(out, s, 1);
  }
}

void cs_grid_markdown(const cs_grid *g, cs_sb *out) {
  if (g->oom) {
    out->oom = 1;
    return;
  }
  for (size_t r = 0; r < g->nrows; r++) {
    if (cell(g, r, 0) == NULL) continue; /* rules are for terminals */
    cs_sb_add(out, "|");
    for (size_t c = 0; c < g->ncols; c++) {
      cs_sb_add(out, " ");
      md_cell(out, cell(g, r, c));
      cs_sb_add(out, " |");
    }
    cs_sb_add(out, "\n");
    if (r == 0) {
      cs_sb_add(out, "|");
      for (size_t c = 0; c < g->ncols; c++) cs_sb_add(out, g->right[c] ? "---:|" : "---|");
      cs_sb_add(out, "\n");
    }
  }
}

void cs_grid_free(cs_grid *g) {
  if (g->cells) {
    for (size_t i = 0; i < g->nrows * g->ncols; i++) free(g->cells[i]);
  }
  free(g->cells);
  free(g->right);
  memset(g, 0, sizeof *g);
}
