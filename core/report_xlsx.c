/*
** report_xlsx.c: the workbook (written by core/xlsx.c), laid out as Excel users
** expect (report_internal.h):
**
**   Comparison  every member's share in each run by cooperation and year,
**               and each variant's change from the baseline
**   Chart       a native bar chart per cooperation and year: what each
**               member pays in each run (from the Comparison sheet)
**   one sheet per run: its rows, a column per part, the rounding, the total
**   Years       each run's cooperation-years: cost, grants, net cost, the
**               sum of shares, balance, members, the year's note, the key
**   Assumptions the keys with their labels, sources and assumptions, the
**               cost lines and grants, the populations' dates and sources,
**               each run's options, the scenario file and coopsim's version
**
** With settlements (SPEC 7.3) a sheet Invoiced follows Chart: the
** comparison of what each member is invoiced (share + settlement); the run
** sheets then carry each row's difference, settlement and invoice, and the
** Years sheet each year's accounts beside its budget.
**
** The invoice list (cs_report_invoices_xlsx) is a workbook of its own: one
** sheet, one table of every invoice line, due dates as Excel dates.
**
** Each of these but Chart is one Excel table (a ListObject) with a filter
** on its header, so a planner can filter and sort and chart it. Sums are
** formulas over the shares, so Excel's own sums agree with the figures: the
** tables' total rows are SUBTOTAL over the rows shown (filter a year and
** the total is that year's), and the Years sheet's sum of shares adds the
** run sheet's totals of that cooperation and year with SUMPRODUCT (exact
** matches: no wildcards, indifferent to sorting). Every formula carries its
** value, so a reader that does not calculate shows the same figure.
**
** Figures are numbers, not text; kroner carry the number format
** `#,##0 "kr"`. In a format code ',' is the grouping mark and '.' the
** decimal mark whatever the reader's language: Excel and LibreOffice show
** "1 234 567 kr" to a Norwegian reader and "1,234,567 kr" to an English one.
** Codes stay text ("0301" keeps its zero). Header rows are frozen; columns
** are as wide as their cells.
**
** Sheet names: the fixed sheets' names are taken first, so a run named
** "Comparison" (or "Sammenligning") cannot take the comparison's place; a
** run's name is cut to Excel's 31 characters, stripped of []:*?/\ and made
** unique with " (2)", " (3)", ... (Excel compares names without regard to
** case, ASCII and Latin-1 letters alike).
*/
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "coopsim/date.h"
#include "coopsim/xlsx.h"
#include "fmt_num.h"
#include "report_internal.h"

#define T(en) cs_rl_text(lang, en)
#define SHEET_NAME_MAX 31
#define NAME_BYTES (4 * SHEET_NAME_MAX + 16)

typedef struct book {
  cs_xlsx *wb;
  int head, kr, money, count, pct, year, wrap, title; /* formats */
  double *width; /* per column of the sheet being written */
  size_t nwidth;
  int oom;
  cs_report_lang lang;
  const cs_doc *doc;
  const cs_cmp *cmp;         /* the shares compared */
  char (*sheet)[NAME_BYTES]; /* the sheets' names: fixed ones, Invoiced, then one per run */
  char **cmp_heads;          /* the comparison's column names, for the charts' series names */
  size_t ncmp_heads;
} book;

/* The fixed sheets; SHEET_INVOICED (the invoices compared) is named only
** when a run has settlements, then the runs' sheets (RUN_SHEET). */
enum { SHEET_COMPARISON, SHEET_CHART, SHEET_YEARS, SHEET_ASSUMPTIONS, NFIXED, SHEET_INVOICED = NFIXED };
#define RUN_SHEET(r) (NFIXED + 1 + (r))

/* ---- widths and cells ----------------------------------------------------------- */

static void note_width(book *b, uint32_t col, double w) {
  if (col >= b->nwidth) {
    size_t n = b->nwidth ? b->nwidth : 16;
    while (n <= col) n *= 2;
    double *wd = realloc(b->width, n * sizeof *wd);
    if (!wd) {
      b->oom = 1;
      return;
    }
    memset(wd + b->nwidth, 0, (n - b->nwidth) * sizeof *wd);
    b->width = wd;
    b->nwidth = n;
  }
  if (w > b->width[col]) b->width[col] = w;
}

static void put_str(book *b, uint32_t row, uint32_t col, const char *s, int f) {
  cs_xlsx_string(b->wb, row, col, s, f);
  note_width(b, col, (double)cs_rl_width(s) * (f == b->head ? 1.15 : 1.0));
}

/* put_str for a text that repeats down a column (the document's, a
** translation's, a literal): its shared string found once while it
** repeats (cs_xlsx_string_kept). */
static void put_kept(book *b, uint32_t row, uint32_t col, const char *s, int f) {
  cs_xlsx_string_kept(b->wb, row, col, s, f);
  note_width(b, col, (double)cs_rl_width(s) * (f == b->head ? 1.15 : 1.0));
}

/* How wide a number reads with grouping and its suffix (the digits
** counted, not printed: this runs for every figure of the workbook). */
static double num_width(book *b, double v, int f) {
  int n = (int)cs_fmt_fixed_len(v < 0 ? -v : v, 0);
  return n + (n - 1) / 3 + (v < 0) + (f == b->kr ? 3 : f == b->money ? 6 : f == b->pct ? 3 : 0);
}

static void put_num(book *b, uint32_t row, uint32_t col, double v, int f) {
  cs_xlsx_number(b->wb, row, col, v, f);
  note_width(b, col, num_width(b, v, f));
}

/* A formula with its value (what a reader that does not calculate shows). */
static void put_formula(book *b, uint32_t row, uint32_t col, const char *formula, double v, int f) {
  cs_xlsx_formula(b->wb, row, col, formula, v, f);
  note_width(b, col, num_width(b, v, f));
}

static void set_widths(book *b, size_t ncols) {
  for (size_t c = 0; c < ncols; c++) {
    double w = (c < b->nwidth ? b->width[c] : 0) + 2;
    if (w < 6) w = 6;
    if (w > 60) w = 60;
    cs_xlsx_width(b->wb, (uint32_t)c, w);
  }
  if (b->width) memset(b->width, 0, b->nwidth * sizeof *b->width);
}

static double decimal(const char *text) { return text ? strtod(text, NULL) : 0.0; }

/* ---- names ----------------------------------------------------------------------- */

/* A code point of s at *i folded to lower case for Excel's comparison of
** names (ASCII and Latin-1 letters, Æ Ø Å among them); *i moves past it. */
static unsigned fold(const char *s, size_t *i) {
  unsigned char c = (unsigned char)s[*i];
  if (c < 0x80) {
    (*i)++;
    return c >= 'A' && c <= 'Z' ? c + 32u : c;
  }
  if (c == 0xC3 && s[*i + 1]) {
    unsigned char d = (unsigned char)s[*i + 1];
    *i += 2;
    if (d >= 0x80 && d <= 0x9E && d != 0x97) d = (unsigned char)(d + 0x20);
    return 0xC300u | d;
  }
  (*i)++;
  return c | 0x100u; /* any other byte stands for itself */
}

static int same_name(const char *a, const char *b) {
  size_t i = 0, j = 0;
  while (a[i] && b[j])
    if (fold(a, &i) != fold(b, &j)) return 0;
  return !a[i] && !b[j];
}

/* The first n bytes of s that hold at most `chars` whole characters. */
static size_t cut_chars(const char *s, size_t chars) {
  size_t i = 0, c = 0;
  while (s[i]) {
    if (((unsigned char)s[i] & 0xC0) != 0x80) {
      if (c == chars) break;
      c++;
    }
    i++;
  }
  return i;
}

/* A sheet name for `want` that Excel takes and that none of taken[0 .. n)
** has: []:*?/\ and control characters made '_', at most 31 characters, no
** apostrophe at either end, and " (2)", " (3)" ... until it is unique and
** not "History" (Excel's own). */
static void sheet_name(const char *want, char (*taken)[NAME_BYTES], size_t n, char *out) {
  char base[NAME_BYTES];
  size_t len = cut_chars(want, SHEET_NAME_MAX);
  if (len > sizeof base - 1) len = sizeof base - 1;
  for (size_t i = 0; i < len; i++) {
    unsigned char ch = (unsigned char)want[i];
    base[i] = ch < 0x20 || strchr("[]:*?/\\", ch) ? '_' : (char)ch;
  }
  base[len] = '\0';
  while (len > 0 && (base[len - 1] == '\'' || base[len - 1] == ' ')) base[--len] = '\0';
  const char *start = base;
  while (*start == '\'') start++;
  if (!*start) start = "Run";
  snprintf(out, NAME_BYTES, "%s", start);
  for (int k = 2;; k++) {
    int clash = same_name(out, "History"); /* Excel's own */
    for (size_t i = 0; i < n && !clash; i++) clash = same_name(out, taken[i]);
    if (!clash) return;
    char suffix[24];
    int sl = snprintf(suffix, sizeof suffix, " (%d)", k);
    size_t keep = cut_chars(start, SHEET_NAME_MAX - (size_t)sl);
    snprintf(out, NAME_BYTES, "%.*s%s", (int)keep, start, suffix);
  }
}

/* Table column headers must be unique (without regard to case), not empty
** and at most 255 characters (Excel's limits): a longer one is cut there,
** " (2)", " (3)" ... is added to a repeat. heads[i] is replaced by a new
** string when changed (owned[i] set; free_heads frees them). */
#define HEAD_MAX 255
static void unique_heads(book *b, const char **heads, int *owned, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (!heads[i][0]) {
      if (owned[i]) free((void *)heads[i]);
      heads[i] = "-";
      owned[i] = 0;
    }
    const char *base = heads[i];
    char *cand = NULL;
    size_t keep = cut_chars(base, HEAD_MAX);
    if (base[keep]) {
      cand = malloc(keep + 1);
      if (!cand) {
        b->oom = 1;
        return;
      }
      snprintf(cand, keep + 1, "%s", base);
    }
    for (int k = 2;; k++) {
      const char *h = cand ? cand : base;
      int clash = 0;
      for (size_t j = 0; j < i && !clash; j++) clash = same_name(h, heads[j]);
      if (!clash) break;
      char suffix[24];
      int sl = snprintf(suffix, sizeof suffix, " (%d)", k);
      keep = cut_chars(base, HEAD_MAX - (size_t)sl);
      free(cand);
      cand = malloc(keep + (size_t)sl + 1);
      if (!cand) {
        b->oom = 1;
        return;
      }
      snprintf(cand, keep + (size_t)sl + 1, "%.*s%s", (int)keep, base, suffix);
    }
    if (cand) {
      if (owned[i]) free((void *)base);
      heads[i] = cand;
      owned[i] = 1;
    }
  }
}

/* ---- tables ------------------------------------------------------------------------ */

/* An Excel table over columns 0 .. n-1 of the sheet begun last, named
** `name`, its header (heads) on row 0: call it before the sheet's rows. */
static void table_begin(book *b, const char *name, const char **heads, size_t n) {
  cs_xlsx_table_begin(b->wb, name, heads, n, b->head);
  for (size_t c = 0; c < n; c++)
    note_width(b, (uint32_t)c, (double)cs_rl_width(heads[c]) * 1.15 + 2); /* and the filter button */
}

/* Ends the table after its data rows 1 .. last_row, with a total row below
** when totals is given: totals[c] is 1 for SUBTOTAL(109) of column c (with
** its value in values[c]); the column `label_col` holds `label`. The header
** row stays in view. */
static void table_end(book *b, uint32_t last_row, const int *totals, const double *values, size_t label_col,
                      const char *label) {
  cs_xlsx_table_end(b->wb, last_row, totals, values, label_col, label);
  cs_xlsx_freeze(b->wb, 1, 0);
}

static void free_heads(const char **heads, int *owned, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (owned[i]) free((void *)heads[i]);
  free((void *)heads);
  free(owned);
}

/* Space for n headers; NULL when out of memory. */
static const char **new_heads(book *b, size_t n, int **owned) {
  const char **h = calloc(n ? n : 1, sizeof *h);
  *owned = calloc(n ? n : 1, sizeof **owned);
  if (!h || !*owned) {
    free((void *)h), free(*owned);
    b->oom = 1;
    return NULL;
  }
  return h;
}

/* ---- the comparison ------------------------------------------------------------------- */

/* A copy of the comparison's column names (b->cmp_heads): the charts'
** series cache the names of their columns. */
static void keep_heads(book *b, const char **heads, size_t n) {
  b->cmp_heads = calloc(n, sizeof *b->cmp_heads);
  if (!b->cmp_heads) {
    b->oom = 1;
    return;
  }
  b->ncmp_heads = n;
  for (size_t c = 0; c < n; c++)
    if (!(b->cmp_heads[c] = strdup(heads[c]))) b->oom = 1;
}

static void free_kept_heads(book *b) {
  for (size_t c = 0; c < b->ncmp_heads; c++) free(b->cmp_heads[c]);
  free(b->cmp_heads);
  b->cmp_heads = NULL;
  b->ncmp_heads = 0;
}

/* Columns: cooperation, year, code, member, each run's share, and after
** each later run its change from the baseline in kroner and per cent. */
static size_t run_col(size_t r) { return 4 + (r == 0 ? 0 : 1 + 3 * (r - 1)); }

/* The comparison of cmp's figures (the shares, or the invoices) on the
** sheet `sheet`, as the table `table`. */
static void comparison_sheet(book *b, const cs_cmp *cmp, size_t sheet, const char *table) {
  cs_report_lang lang = b->lang;
  const cs_doc *doc = b->doc;
  size_t nr = doc->nruns, ncols = 4 + nr + 2 * (nr ? nr - 1 : 0);
  cs_xlsx_sheet(b->wb, b->sheet[sheet]);
  int *owned = NULL;
  const char **heads = new_heads(b, ncols, &owned);
  int *totals = calloc(ncols, sizeof *totals);
  double *values = calloc(ncols, sizeof *values);
  cs_sb names = {0}; /* "diff kr: RUN" texts, NUL-separated */
  if (!heads || !totals || !values) {
    b->oom = 1;
    goto done;
  }
  heads[0] = T("cooperation");
  heads[1] = T("year");
  heads[2] = T("code");
  heads[3] = T("member");
  for (size_t r = 0; r < nr; r++) {
    size_t c = run_col(r);
    heads[c] = doc->runs[r].scenario;
    totals[c] = 1;
    if (r > 0) {
      for (int k = 0; k < 2; k++) {
        char *h = malloc(strlen(doc->runs[r].scenario) + 32);
        if (!h) {
          b->oom = 1;
          goto done;
        }
        sprintf(h, "%s: %s", T(k ? "diff %" : "diff kr"), doc->runs[r].scenario);
        heads[c + 1 + k] = h;
        owned[c + 1 + k] = 1;
      }
      totals[c + 1] = 1;
    }
  }
  unique_heads(b, heads, owned, ncols);
  if (!b->oom) table_begin(b, table, heads, ncols);
  if (!b->oom && sheet == SHEET_COMPARISON) keep_heads(b, heads, ncols);
  uint32_t row = 1;
  for (size_t i = 0; i < cmp->nlines && !b->oom && !cs_xlsx_failed(b->wb); i++, row++) {
    const cs_cmp_line *l = &cmp->lines[i];
    put_str(b, row, 0, l->cooperation, 0);
    put_num(b, row, 1, l->year, b->year);
    put_str(b, row, 2, l->code, 0);
    put_str(b, row, 3, l->name, 0);
    int base = l->status[0] == CS_CMP_PRESENT;
    for (size_t r = 0; r < nr; r++) {
      size_t c = run_col(r);
      int here = l->status[r] == CS_CMP_PRESENT;
      if (here) {
        put_num(b, row, (uint32_t)c, (double)l->share[r], b->kr);
        values[c] += (double)l->share[r];
      } else {
        names.len = 0;
        cs_sb_add(&names, "");
        cs_cmp_absent(cmp, i, r, lang, &names);
        if (names.oom) b->oom = 1;
        else put_str(b, row, (uint32_t)c, names.s, 0);
      }
      if (r == 0) continue;
      if (here || base) {
        double d = (double)((here ? l->share[r] : 0) - (base ? l->share[0] : 0));
        put_num(b, row, (uint32_t)(c + 1), d, b->kr);
        values[c + 1] += d;
      }
      if (here && base && l->share[0] != 0)
        put_num(b, row, (uint32_t)(c + 2), ((double)l->share[r] - (double)l->share[0]) / (double)l->share[0],
                b->pct);
    }
  }
  if (!b->oom) table_end(b, row - 1, totals, values, 3, T("total of the rows shown"));
  cs_xlsx_freeze(b->wb, 1, 4);
  set_widths(b, ncols);
done:
  if (heads) free_heads(heads, owned, ncols);
  free(totals);
  free(values);
  cs_sb_free(&names);
}

/* ---- the charts ------------------------------------------------------------------------ */

/* A bar chart per cooperation and year of what each member pays in each
** run that has the cooperation, from the comparison's rows; two across. */
static void chart_sheet(book *b) {
  cs_report_lang lang = b->lang;
  const cs_doc *doc = b->doc;
  const cs_cmp *cmp = b->cmp;
  cs_xlsx_sheet(b->wb, b->sheet[SHEET_CHART]);
  put_str(b, 0, 0, T("What each member pays in each scenario, kr (from the comparison)"), b->title);
  size_t nc = 0;
  const char **coops = cs_report_cooperations(doc->runs, doc->nruns, &nc, &b->oom);
  size_t nchart = 0;
  uint32_t row = 2, row_next = 2;
  for (size_t k = 0; k < nc && !b->oom && !cs_xlsx_failed(b->wb); k++) {
    cs_run_set set;
    if (cs_report_runs_of(doc, coops[k], &set)) {
      b->oom = 1;
      break;
    }
    for (size_t i = 0; i < cmp->nlines && !b->oom && !cs_xlsx_failed(b->wb);) {
      size_t to = cs_cmp_block_end(cmp, i);
      if (strcmp(cmp->lines[i].cooperation, coops[k]) != 0) {
        i = to;
        continue;
      }
      /* the values the series cache: the block's names and each run's shares */
      size_t n = to - i;
      const char **cats = malloc(n * sizeof *cats);
      double *values = malloc((set.n ? set.n : 1) * n * sizeof *values);
      cs_xlsx_series *series = malloc((set.n ? set.n : 1) * sizeof *series);
      if (!cats || !values || !series) {
        free((void *)cats), free(values), free(series);
        b->oom = 1;
        break;
      }
      for (size_t m = 0; m < n; m++) cats[m] = cmp->lines[i + m].name;
      char title[512];
      snprintf(title, sizeof title, "%s %d", coops[k], cmp->lines[i].year);
      for (size_t s = 0; s < set.n; s++) {
        size_t r = set.idx[s], c = run_col(r);
        double *v = values + s * n;
        /* the comparison's cells: a member absent from the run has text there, cached as 0 */
        for (size_t m = 0; m < n; m++)
          v[m] = cmp->lines[i + m].status[r] == CS_CMP_PRESENT ? (double)cmp->lines[i + m].share[r] : 0;
        /* the comparison's rows of this block: line i is on row i + 1 */
        series[s] = (cs_xlsx_series){.sheet = b->sheet[SHEET_COMPARISON],
                                     .first_row = (uint32_t)(i + 1),
                                     .last_row = (uint32_t)to,
                                     .cat_col = 3,
                                     .val_col = (uint32_t)c,
                                     .name_row = 0,
                                     .name_col = (uint32_t)c,
                                     .name = c < b->ncmp_heads ? b->cmp_heads[c] : "",
                                     .cats = cats,
                                     .values = v,
                                     .colour = (uint32_t)strtoul(cs_report_colour(r) + 1, NULL, 16)};
      }
      /* a bar chart's categories run up the y axis: reversed (cs_xlsx_bar_chart),
      ** the first member is at the top as in the table; values on the x axis.
      ** 520 px wide, about 7 px a bar and 110 px for the title, axis and legend */
      double height = 110 + 7.0 * (double)(set.n * n) + 6.0 * (double)n;
      uint32_t rows = (uint32_t)(height / 20.0) + 2; /* default rows are 20 px */
      if (nchart % 2 == 0) row = row_next;
      cs_xlsx_chart chart = {.title = title,
                             .axis_name = "kr",
                             .axis_format = "#,##0",
                             .gap = 60,
                             .row = row,
                             .col = nchart % 2 == 0 ? 0 : 9,
                             .width = 520,
                             .height = (uint32_t)(height + 0.5),
                             .series = series,
                             .nseries = set.n};
      cs_xlsx_bar_chart(b->wb, &chart);
      free((void *)cats), free(values), free(series);
      if (row + rows > row_next) row_next = row + rows;
      nchart++;
      i = to;
    }
    free(set.idx);
  }
  free((void *)coops);
}

/* ---- one run ------------------------------------------------------------------------------ */

/* Columns of a run's sheet: the fixed ones before the parts and after. */
enum { RC_COOP, RC_YEAR, RC_CODE, RC_MEMBER, RC_POP, RC_POP_DATE, RC_POP_SOURCE, RC_PARTS };

static void run_sheet(book *b, size_t r, uint32_t *total_col, uint32_t *last_row) {
  cs_report_lang lang = b->lang;
  const cs_doc_run *run = &b->doc->runs[r];
  cs_xlsx_sheet(b->wb, b->sheet[RUN_SHEET(r)]);
  size_t np = 0, ns = 0;
  const char **parts = cs_report_part_names(run, 1, NULL, &np, &b->oom);
  const char **services = cs_report_service_names(run, 1, NULL, &ns, &b->oom);
  unsigned f = cs_report_features(run, 1, NULL);
  size_t ndiff = (f & CS_RF_DIFFERENCE) != 0, nmoney = (f & CS_RF_MONEY) ? 2 : 0;
  int any_merged = 0; /* the column of mergers only when a row is one */
  for (size_t i = 0; i < run->nrows && !any_merged; i++) any_merged = run->rows[i].merged != NULL;
  /* parts, rounding, total[, services][, difference][, settlement, invoice], due, payee[, merged] */
  size_t ncols = RC_PARTS + np + 4 + ns + ndiff + nmoney + (size_t)any_merged;
  char tname[32];
  snprintf(tname, sizeof tname, "Run_%zu", r + 1);
  int *owned = NULL;
  const char **heads = new_heads(b, ncols, &owned);
  int *totals = calloc(ncols, sizeof *totals);
  double *values = calloc(ncols, sizeof *values);
  if (!heads || !totals || !values) {
    b->oom = 1;
    goto done;
  }
  heads[RC_COOP] = T("cooperation");
  heads[RC_YEAR] = T("year");
  heads[RC_CODE] = T("code");
  heads[RC_MEMBER] = T("member");
  heads[RC_POP] = T("population");
  heads[RC_POP_DATE] = T("population date");
  heads[RC_POP_SOURCE] = T("population source");
  for (size_t p = 0; p < np; p++) {
    heads[RC_PARTS + p] = cs_rl_part_dup(lang, parts[p]);
    owned[RC_PARTS + p] = 1;
    if (!heads[RC_PARTS + p]) {
      heads[RC_PARTS + p] = "";
      owned[RC_PARTS + p] = 0;
      b->oom = 1;
    }
    totals[RC_PARTS + p] = 1;
  }
  size_t c_round = RC_PARTS + np, c_total = c_round + 1, c_service = c_total + 1, c_diff = c_service + ns,
         c_settle = c_diff + ndiff, c_invoice = c_settle + 1, c_due = c_settle + nmoney, c_payee = c_due + 1,
         c_merged = c_payee + 1;
  heads[c_round] = T("rounding");
  heads[c_total] = T("total");
  for (size_t k = 0; k < ns; k++) {
    heads[c_service + k] = services[k];
    totals[c_service + k] = 1;
  }
  if (ndiff) {
    heads[c_diff] = T("difference");
    totals[c_diff] = 1;
  }
  if (nmoney) {
    heads[c_settle] = T("settlement");
    heads[c_invoice] = T("invoice");
    totals[c_settle] = totals[c_invoice] = 1;
  }
  heads[c_due] = T("due");
  heads[c_payee] = T("payee");
  if (any_merged) heads[c_merged] = T("merged");
  totals[c_round] = totals[c_total] = 1;
  unique_heads(b, heads, owned, ncols);
  if (!b->oom) table_begin(b, tname, heads, ncols);
  uint32_t row = 1;
  for (size_t i = 0; i < run->nrows && !b->oom && !cs_xlsx_failed(b->wb); i++, row++) {
    const cs_doc_row *x = &run->rows[i];
    put_kept(b, row, RC_COOP, x->cooperation, 0);
    put_num(b, row, RC_YEAR, x->year, b->year);
    put_str(b, row, RC_CODE, x->code, 0);
    put_str(b, row, RC_MEMBER, x->name, 0);
    if (x->population >= 0) put_num(b, row, RC_POP, (double)x->population, b->count);
    if (x->population_date) put_kept(b, row, RC_POP_DATE, x->population_date, 0);
    if (x->population_source)
      put_kept(b, row, RC_POP_SOURCE, cs_rl_population_source(lang, x->population_source), 0);
    /* a member gone, invoiced only its settlement, has no share */
    int share = !cs_report_no_share(x);
    for (size_t p = 0; p < np; p++) {
      int64_t v;
      if (share && cs_report_row_part(x, parts[p], &v)) {
        put_num(b, row, (uint32_t)(RC_PARTS + p), (double)v, b->kr);
        values[RC_PARTS + p] += (double)v;
      }
    }
    if (share) {
      int64_t rounding = cs_report_row_rounding(x);
      put_num(b, row, (uint32_t)c_round, (double)rounding, b->kr);
      values[c_round] += (double)rounding;
      put_num(b, row, (uint32_t)c_total, (double)x->total, b->kr);
      values[c_total] += (double)x->total;
    }
    for (size_t k = 0; k < ns; k++) {
      int64_t v;
      if (share && cs_report_row_service(x, services[k], &v)) {
        put_num(b, row, (uint32_t)(c_service + k), (double)v, b->kr);
        values[c_service + k] += (double)v;
      }
    }
    if (ndiff && x->money && x->has_difference) {
      put_num(b, row, (uint32_t)c_diff, (double)x->difference, b->kr);
      values[c_diff] += (double)x->difference;
    }
    if (nmoney) {
      int64_t settlement = x->money ? x->settlement : 0, invoice = x->money ? x->invoice : x->total;
      put_num(b, row, (uint32_t)c_settle, (double)settlement, b->kr);
      put_num(b, row, (uint32_t)c_invoice, (double)invoice, b->kr);
      values[c_settle] += (double)settlement;
      values[c_invoice] += (double)invoice;
    }
    if (x->due) put_kept(b, row, (uint32_t)c_due, x->due, 0);
    put_kept(b, row, (uint32_t)c_payee, x->host ? T("(host)") : x->payee ? x->payee : "", 0);
    if (x->merged) put_kept(b, row, (uint32_t)c_merged, x->merged, 0);
  }
  if (!b->oom) table_end(b, row - 1, totals, values, RC_MEMBER, T("total of the rows shown"));
  set_widths(b, ncols);
  *total_col = (uint32_t)c_total;
  *last_row = row - 1;
done:
  if (heads) free_heads(heads, owned, ncols);
  free(totals);
  free(values);
  free((void *)parts);
  free((void *)services);
}

/* ---- the years ------------------------------------------------------------------------------ */

/* 'Sheet name' as a formula writes it: quoted, quotes doubled. */
static void quoted_sheet(cs_sb *f, const char *name) {
  cs_sb_add(f, "'");
  for (const char *p = name; *p; p++) cs_sb_add(f, *p == '\'' ? "''" : (char[2]){*p, '\0'});
  cs_sb_add(f, "'");
}

/* A run's rows as blocks of consecutive rows of one cooperation and year,
** each with the sum of its rows' totals: the Years sheet adds a year's
** shares from the blocks of that year instead of reading every row of the
** run for every year. */
typedef struct share_block {
  int year;
  const char *cooperation;
  int64_t sum;
} share_block;

/* The blocks of run's rows (malloc'ed, the caller frees; *n of them);
** *by_year is 1 when their years never decrease (the document's order),
** so that a year's blocks can be found by bisection. NULL when out of
** memory (or when the run has no rows). */
static share_block *share_blocks(const cs_doc_run *run, size_t *n, int *by_year) {
  *n = 0;
  *by_year = 1;
  share_block *bl = run->nrows ? malloc(run->nrows * sizeof *bl) : NULL;
  if (!bl) return NULL;
  for (size_t k = 0; k < run->nrows; k++) {
    const cs_doc_row *x = &run->rows[k];
    share_block *last = *n ? &bl[*n - 1] : NULL;
    if (last && last->year == x->year && strcmp(last->cooperation, x->cooperation) == 0) {
      last->sum += x->total;
      continue;
    }
    if (last && x->year < last->year) *by_year = 0;
    bl[(*n)++] = (share_block){x->year, x->cooperation, x->total};
  }
  return bl;
}

/* The sum of the totals of the rows of one cooperation and year. */
static int64_t shares_of(const share_block *bl, size_t n, int by_year, int year, const char *cooperation) {
  size_t lo = 0;
  if (by_year) { /* the first block of the year */
    size_t hi = n;
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      if (bl[mid].year < year) lo = mid + 1;
      else hi = mid;
    }
  }
  int64_t sum = 0;
  for (size_t k = lo; k < n && !(by_year && bl[k].year > year); k++)
    if (bl[k].year == year && strcmp(bl[k].cooperation, cooperation) == 0) sum += bl[k].sum;
  return sum;
}

/* Each run's years: cost, grants, net cost, (where a year has accounts: the
** actual cost, grants and net cost beside them,) the sum of shares as a
** formula over the run's sheet, balance, members, note and key. */
static void years_sheet(book *b, const uint32_t *total_col, const uint32_t *last_row) {
  cs_report_lang lang = b->lang;
  const cs_doc *doc = b->doc;
  static const char *const head[] = {"scenario",      "cooperation",     "year",          "cost",
                                     "grants",        "net cost",        "actual cost",   "actual grants",
                                     "actual net cost", "sum of shares", "balance",       "members",
                                     "note",          "key"};
  enum { Y_SCEN, Y_COOP, Y_YEAR, Y_COST, Y_GRANTS, Y_NET, Y_ACOST, Y_AGRANTS, Y_ANET, Y_SUM, Y_BAL, Y_MEMBERS, Y_NOTE,
         Y_KEY, NY_ALL };
  /* without accounts their three columns are left out: col[] maps a
  ** column's enum to its place on the sheet */
  int accounts = (cs_report_features(doc->runs, doc->nruns, NULL) & CS_RF_ACCOUNTS) != 0;
  uint32_t col[NY_ALL];
  size_t ny = 0;
  for (size_t c = 0; c < NY_ALL; c++) {
    col[c] = (uint32_t)ny;
    if (accounts || c < Y_ACOST || c > Y_ANET) ny++;
  }
  cs_xlsx_sheet(b->wb, b->sheet[SHEET_YEARS]);
  int *owned = NULL;
  const char **heads = new_heads(b, ny, &owned);
  if (!heads) return;
  for (size_t c = 0; c < NY_ALL; c++)
    if (accounts || c < Y_ACOST || c > Y_ANET) heads[col[c]] = T(head[c]);
  unique_heads(b, heads, owned, ny);
  if (!b->oom) table_begin(b, "Years", heads, ny);
  cs_sb f = {0}, note = {0};
  char cell[32], cell2[32], coop_cell[32], year_cell[32];
  uint32_t row = 1;
  for (size_t r = 0; r < doc->nruns && !b->oom && !cs_xlsx_failed(b->wb); r++) {
    const cs_doc_run *run = &doc->runs[r];
    size_t nblocks = 0;
    int by_year = 1;
    share_block *blocks = share_blocks(run, &nblocks, &by_year);
    if (!blocks && run->nrows) {
      b->oom = 1;
      break;
    }
    for (size_t i = 0; i < run->nyears; i++, row++) {
      const cs_doc_year *y = &run->years[i];
      put_str(b, row, col[Y_SCEN], run->scenario, 0);
      put_str(b, row, col[Y_COOP], y->cooperation, 0);
      put_num(b, row, col[Y_YEAR], y->year, b->year);
      put_num(b, row, col[Y_COST], decimal(y->cost), b->money);
      put_num(b, row, col[Y_GRANTS], decimal(y->grants), b->money);
      put_num(b, row, col[Y_NET], decimal(y->net), b->money);
      if (y->actual_cost) put_num(b, row, col[Y_ACOST], decimal(y->actual_cost), b->money);
      if (y->actual_grants) put_num(b, row, col[Y_AGRANTS], decimal(y->actual_grants), b->money);
      if (y->actual_net) put_num(b, row, col[Y_ANET], decimal(y->actual_net), b->money);
      /* the sum of the run sheet's totals of this cooperation and year */
      int64_t sum = shares_of(blocks, nblocks, by_year, y->year, y->cooperation);
      if (last_row[r] >= 1) {
        cs_xlsx_cell_ref(coop_cell, row, col[Y_COOP], 0, 1);
        cs_xlsx_cell_ref(year_cell, row, col[Y_YEAR], 0, 1);
        f.len = 0;
        cs_sb_add(&f, "SUMPRODUCT(EXACT(");
#define SHEET_RANGE(column)                                               \
  do {                                                                    \
    quoted_sheet(&f, b->sheet[RUN_SHEET(r)]);                             \
    cs_xlsx_cell_ref(cell, 1, (column), 1, 1);                            \
    cs_xlsx_cell_ref(cell2, last_row[r], (column), 1, 1);                 \
    /* one row: one cell, as libxlsxwriter wrote it */                    \
    if (last_row[r] == 1) cs_sb_printf(&f, "!%s", cell);                  \
    else cs_sb_printf(&f, "!%s:%s", cell, cell2);                         \
  } while (0)
        SHEET_RANGE(RC_COOP);
        cs_sb_printf(&f, ",%s)*(", coop_cell);
        SHEET_RANGE(RC_YEAR);
        cs_sb_printf(&f, "=%s)*", year_cell);
        SHEET_RANGE(total_col[r]);
        cs_sb_add(&f, ")");
#undef SHEET_RANGE
        if (f.oom) b->oom = 1;
        else put_formula(b, row, col[Y_SUM], f.s, (double)sum, b->kr);
      } else {
        put_num(b, row, col[Y_SUM], (double)sum, b->kr);
      }
      put_num(b, row, col[Y_BAL], decimal(y->balance), b->money);
      put_num(b, row, col[Y_MEMBERS], y->members, b->count);
      note.len = 0;
      cs_sb_add(&note, "");
      cs_report_year_note(y, lang, 0, &note);
      if (note.oom) b->oom = 1;
      else if (note.len) put_str(b, row, col[Y_NOTE], note.s, 0);
      put_str(b, row, col[Y_KEY], cs_rl_key(lang, y), 0);
    }
    free(blocks);
  }
  if (!b->oom) table_end(b, row - 1, NULL, NULL, 0, NULL);
  cs_xlsx_freeze(b->wb, 1, 3);
  set_widths(b, ny);
  cs_sb_free(&f);
  cs_sb_free(&note);
  free_heads(heads, owned, ny);
}

/* ---- the assumptions --------------------------------------------------------------------------- */

typedef struct fact_table {
  book *b;
  uint32_t row;
} fact_table;

enum { A_SCEN, A_COOP, A_FROM, A_TO, A_WHAT, A_NAME, A_TEXT, A_AMOUNT, NA };

/* One line of the assumptions: what it is, for which scenario,
** cooperation and years, its name, its text and its amount (amount NULL:
** none). */
static void fact(fact_table *t, const char *scen, const char *coop, int from, int to, const char *what,
                 const char *name, const char *text, const char *amount) {
  book *b = t->b;
  t->row++;
  if (scen) put_str(b, t->row, A_SCEN, scen, 0);
  if (coop) put_str(b, t->row, A_COOP, coop, 0);
  if (from) put_num(b, t->row, A_FROM, from, b->year);
  if (to) put_num(b, t->row, A_TO, to, b->year);
  put_str(b, t->row, A_WHAT, what, 0);
  if (name) put_str(b, t->row, A_NAME, name, 0);
  if (text) {
    cs_xlsx_string(b->wb, t->row, A_TEXT, text, b->wrap);
    double w = (double)cs_rl_width(text);
    note_width(b, A_TEXT, w > 70 ? 70 : w);
  }
  if (amount) put_num(b, t->row, A_AMOUNT, decimal(amount), b->money);
}

static int same_text(const char *a, const char *b) { return a ? b && strcmp(a, b) == 0 : b == NULL; }

/* The place in coops (nc names, each once) of name, nc when it is none of
** them; *last and *last_at remember the name found last (a run's rows and
** years come a cooperation at a time). */
static size_t coop_place(const char *const *coops, size_t nc, const char *name, const char **last, size_t *last_at) {
  if (*last && name == *last) return *last_at;
  size_t k = 0;
  while (k < nc && strcmp(coops[k], name) != 0) k++;
  *last = name;
  *last_at = k;
  return k;
}

/* For each of n items, the place of its cooperation in coops (coop_place),
** the cooperation's text at `offset` in each item of `size` bytes: a new
** array the caller frees, or NULL when out of memory. */
static size_t *coop_places(const char *const *coops, size_t nc, const void *items, size_t n, size_t size,
                           size_t offset) {
  size_t *at = malloc((n ? n : 1) * sizeof *at);
  if (!at) return NULL;
  const char *last = NULL;
  size_t last_at = nc;
  for (size_t i = 0; i < n; i++) {
    const char *name = *(const char *const *)(const void *)((const char *)items + i * size + offset);
    at[i] = coop_place(coops, nc, name, &last, &last_at);
  }
  return at;
}

/* The amounts named in a year's list (cost lines or grants) of the run's
** cooperation coop, as runs of years with the same amount: one fact per
** line and run of years. coop is at `place` among the cooperations, and
** year_coop holds each year's place. */
static void amount_facts(fact_table *t, const cs_doc_run *run, const size_t *year_coop, size_t place,
                         const char *coop, int grants) {
  cs_report_lang lang = t->b->lang;
  const cs_doc_year *seen = NULL; /* the cooperation's year before y */
  for (size_t i = 0; i < run->nyears; i++) {
    const cs_doc_year *y = &run->years[i];
    if (year_coop[i] != place) continue;
    const cs_doc_amount *list = grants ? y->grant_list : y->lines;
    size_t n = grants ? y->ngrants : y->nlines;
    const cs_doc_year *before = seen;
    seen = y;
    for (size_t k = 0; k < n; k++) {
      /* said already: the same line with the same amount in the year before */
      const cs_doc_year *prev = before;
      int continues = 0;
      if (prev && prev->year == y->year - 1) {
        const cs_doc_amount *pl = grants ? prev->grant_list : prev->lines;
        size_t pn = grants ? prev->ngrants : prev->nlines;
        for (size_t q = 0; q < pn && !continues; q++)
          continues = strcmp(pl[q].name, list[k].name) == 0 && strcmp(pl[q].amount, list[k].amount) == 0;
      }
      if (continues) continue;
      /* until the last year in a row with the same amount */
      int last = y->year;
      for (size_t j = i + 1; j < run->nyears; j++) {
        const cs_doc_year *z = &run->years[j];
        if (year_coop[j] != place) continue;
        if (z->year != last + 1) break;
        const cs_doc_amount *zl = grants ? z->grant_list : z->lines;
        size_t zn = grants ? z->ngrants : z->nlines;
        int same = 0;
        for (size_t q = 0; q < zn && !same; q++)
          same = strcmp(zl[q].name, list[k].name) == 0 && strcmp(zl[q].amount, list[k].amount) == 0;
        if (!same) break;
        last = z->year;
      }
      fact(t, run->scenario, coop, y->year, last, T(grants ? "grant" : "cost line"), list[k].name, NULL,
           list[k].amount);
    }
  }
}

static void assumptions_sheet(book *b) {
  cs_report_lang lang = b->lang;
  const cs_doc *doc = b->doc;
  static const char *const head[] = {"scenario", "cooperation", "from", "to", "what", "name", "text", "amount"};
  cs_xlsx_sheet(b->wb, b->sheet[SHEET_ASSUMPTIONS]);
  int *owned = NULL;
  const char **heads = new_heads(b, NA, &owned);
  if (!heads) return;
  for (size_t c = 0; c < NA; c++) heads[c] = T(head[c]);
  unique_heads(b, heads, owned, NA);
  if (!b->oom) table_begin(b, "Assumptions", heads, NA);
  fact_table t = {b, 0};
  char made[256];
  snprintf(made, sizeof made, "coopsim %s", doc->coopsim_version ? doc->coopsim_version : "");
  fact(&t, NULL, NULL, 0, 0, T("made with"), NULL, made, NULL);
  if (doc->scenario_file) fact(&t, NULL, NULL, 0, 0, T("scenario file"), NULL, doc->scenario_file, NULL);
  fact(&t, NULL, NULL, 0, 0, T("source"), T("population"), T("Statistics Norway (SSB), population on 1 January"),
       NULL);
  size_t nc = 0;
  const char **coops = cs_report_cooperations(doc->runs, doc->nruns, &nc, &b->oom);
  for (size_t r = 0; r < doc->nruns && !b->oom; r++) {
    const cs_doc_run *run = &doc->runs[r];
    /* each year's and row's cooperation as its place in coops, found once */
    size_t *year_coop = coop_places(coops, nc, run->years, run->nyears, sizeof *run->years,
                                    offsetof(cs_doc_year, cooperation));
    size_t *row_coop = coop_places(coops, nc, run->rows, run->nrows, sizeof *run->rows,
                                   offsetof(cs_doc_row, cooperation));
    if (!year_coop || !row_coop) {
      free(year_coop), free(row_coop);
      b->oom = 1;
      break;
    }
    if (run->options) {
      cs_sb words = {0};
      cs_rl_options(lang, run->options, &words);
      if (words.oom) b->oom = 1;
      else fact(&t, run->scenario, NULL, run->from, run->to, T("options"), NULL, words.s, NULL);
      cs_sb_free(&words);
    }
    for (size_t k = 0; k < nc; k++) {
      /* each key from the year it applies until it changes */
      const cs_doc_year *start = NULL;
      int last = 0;
      for (size_t i = 0; i <= run->nyears; i++) {
        const cs_doc_year *y = i < run->nyears ? &run->years[i] : NULL;
        if (y && year_coop[i] != k) continue;
        if (start && y && same_text(start->key, y->key) && same_text(start->key_label, y->key_label) &&
            same_text(start->key_source, y->key_source) && same_text(start->key_assumption, y->key_assumption)) {
          last = y->year;
          continue;
        }
        if (start) {
          fact(&t, run->scenario, coops[k], start->year, last, T("key"), start->key_label, cs_rl_key(lang, start), NULL);
          if (start->key_source)
            fact(&t, run->scenario, coops[k], start->year, last, T("key source"), start->key_label,
                 start->key_source, NULL);
          if (start->key_assumption)
            fact(&t, run->scenario, coops[k], start->year, last, T("ASSUMPTION"), start->key_label,
                 start->key_assumption, NULL);
        }
        start = y;
        last = y ? y->year : 0;
      }
      amount_facts(&t, run, year_coop, k, coops[k], 0);
      amount_facts(&t, run, year_coop, k, coops[k], 1);
      /* the populations' dates and sources */
      cs_sb seen = {0};
      const cs_doc_row *dated = NULL; /* the row before with a date: most rows repeat it */
      for (size_t i = 0; i < run->nrows; i++) {
        const cs_doc_row *x = &run->rows[i];
        if (row_coop[i] != k || !x->population_date) continue;
        if (dated && strcmp(dated->population_date, x->population_date) == 0 &&
            same_text(dated->population_source, x->population_source))
          continue;
        dated = x;
        char what[160];
        snprintf(what, sizeof what, "\n%s %s\n", x->population_date, x->population_source ? x->population_source : "");
        if (seen.s && strstr(seen.s, what)) continue;
        cs_sb_add(&seen, what);
        char text[160];
        snprintf(text, sizeof text, "%s (%s)", x->population_date,
                 x->population_source ? cs_rl_population_source(lang, x->population_source) : "");
        fact(&t, run->scenario, coops[k], 0, 0, T("population date"), NULL, text, NULL);
      }
      if (seen.oom) b->oom = 1;
      cs_sb_free(&seen);
    }
    free(year_coop), free(row_coop);
  }
  free((void *)coops);
  if (!b->oom) table_end(b, t.row, NULL, NULL, 0, NULL);
  set_widths(b, NA);
  free_heads(heads, owned, NA);
}

/* ---- the workbook -------------------------------------------------------------------------------- */

/* The formats of a workbook: made in this order. */
static void add_formats(book *b, int invoices, int *date) {
  cs_xlsx *wb = b->wb;
  b->head = cs_xlsx_format(wb, &(cs_xlsx_style){.bold = 1});
  if (!invoices) {
    b->title = cs_xlsx_format(wb, &(cs_xlsx_style){.bold = 1, .size = 13});
    b->wrap = cs_xlsx_format(wb, &(cs_xlsx_style){.wrap_top = 1});
    b->kr = cs_xlsx_format(wb, &(cs_xlsx_style){.num_format = "#,##0 \"kr\""});
  }
  /* an accounts department writes øre: two decimals */
  b->money = cs_xlsx_format(wb, &(cs_xlsx_style){.num_format = "#,##0.00 \"kr\""});
  if (!invoices) {
    b->count = cs_xlsx_format(wb, &(cs_xlsx_style){.num_format = "#,##0"});
    b->pct = cs_xlsx_format(wb, &(cs_xlsx_style){.num_format = "+0.0%;-0.0%;0.0%"});
  }
  b->year = cs_xlsx_format(wb, &(cs_xlsx_style){.num_format = "0"});
  if (date) *date = cs_xlsx_format(wb, &(cs_xlsx_style){.num_format = "yyyy-mm-dd"});
}

/* Starts the workbook written to fd (cs_atomic_write_at's temporary file,
** which stays the caller's): its title the cooperations after prefix. 0, or
** an error with err set. */
static int start_book(book *b, int fd, const char *shown, const char *prefix, cs_error *err) {
  const cs_doc *doc = b->doc;
  size_t nc = 0;
  const char **coops = cs_report_cooperations(doc->runs, doc->nruns, &nc, &b->oom);
  cs_sb title = {0};
  if (prefix) cs_sb_printf(&title, "%s: ", prefix);
  for (size_t k = 0; k < nc; k++) cs_sb_printf(&title, "%s%s", k ? ", " : "", coops[k]);
  free((void *)coops);
  char comments[128];
  snprintf(comments, sizeof comments, "coopsim %s", doc->coopsim_version ? doc->coopsim_version : "");
  if (b->oom || title.oom) {
    cs_sb_free(&title);
    return cs_error_set(err, CS_ENOMEM, "%s: out of memory starting the workbook", shown);
  }
  b->wb = cs_xlsx_new(fd, shown, title.s ? title.s : "coopsim", comments, err);
  cs_sb_free(&title);
  if (!b->wb) return err ? err->code : CS_ENOMEM;
  return 0;
}

/* Finishes the workbook (b->oom: abandons it). 0, or the error with err
** set. */
static int finish_book(book *b, const char *shown, cs_error *err) {
  int rc;
  if (b->oom) {
    cs_xlsx_abandon(b->wb);
    rc = cs_error_set(err, CS_ENOMEM, "%s: out of memory writing the workbook", shown);
  } else {
    rc = cs_xlsx_close(b->wb, err);
  }
  b->wb = NULL;
  return rc;
}

int cs_report_xlsx(const cs_doc *doc, cs_report_lang lang, int fd, const char *shown, cs_error *err) {
  book b;
  memset(&b, 0, sizeof b);
  b.lang = lang;
  b.doc = doc;
  cs_cmp *cmp = NULL;
  if (cs_cmp_build(doc, CS_CMP_SHARE, &cmp, err)) return CS_ENOMEM;
  b.cmp = cmp;
  uint32_t *total_col = calloc(doc->nruns + 1, sizeof *total_col);
  uint32_t *last_row = calloc(doc->nruns + 1, sizeof *last_row);
  cs_cmp *invoiced = NULL;
  if ((cs_report_features(doc->runs, doc->nruns, NULL) & CS_RF_SETTLEMENTS) &&
      cs_cmp_build(doc, CS_CMP_INVOICE, &invoiced, err)) {
    free(total_col), free(last_row);
    cs_cmp_free(cmp);
    return CS_ENOMEM;
  }
  b.sheet = calloc(RUN_SHEET(doc->nruns), sizeof *b.sheet);
  int rc = 0;
  if (!total_col || !last_row || !b.sheet) {
    rc = cs_error_set(err, CS_ENOMEM, "%s: out of memory writing the workbook", shown);
    goto done;
  }
  /* the fixed sheets' names first: a run cannot take their places */
  static const char *const fixed[NFIXED] = {"Comparison", "Chart", "Years", "Assumptions"};
  for (size_t i = 0; i < NFIXED; i++) sheet_name(T(fixed[i]), b.sheet, i, b.sheet[i]);
  if (invoiced) sheet_name(T("Invoiced"), b.sheet, SHEET_INVOICED, b.sheet[SHEET_INVOICED]);
  for (size_t r = 0; r < doc->nruns; r++)
    sheet_name(doc->runs[r].scenario, b.sheet, RUN_SHEET(r), b.sheet[RUN_SHEET(r)]);
  /* the title: the cooperations */
  if ((rc = start_book(&b, fd, shown, NULL, err))) goto done;
  add_formats(&b, 0, NULL);
#define GOING (!b.oom && !cs_xlsx_failed(b.wb))
  if (GOING) comparison_sheet(&b, cmp, SHEET_COMPARISON, "Comparison");
  if (GOING) chart_sheet(&b);
  if (invoiced && GOING) comparison_sheet(&b, invoiced, SHEET_INVOICED, "Invoiced");
  for (size_t r = 0; r < doc->nruns && GOING; r++) run_sheet(&b, r, &total_col[r], &last_row[r]);
  if (GOING) years_sheet(&b, total_col, last_row);
  if (GOING) assumptions_sheet(&b);
#undef GOING
  rc = finish_book(&b, shown, err);
done:
  free_kept_heads(&b);
  cs_cmp_free(cmp);
  cs_cmp_free(invoiced);
  free(total_col), free(last_row), free(b.sheet), free(b.width);
  return rc;
}

/* ---- the invoice list ------------------------------------------------------------------------------ */

/* A date as an Excel date (a number shown as YYYY-MM-DD), so that it sorts
** and filters as one; text that is not a date (or one before Excel's
** 1900-03-01) as text. */
static void put_date(book *b, uint32_t row, uint32_t col, const char *text, int f) {
  cs_date d;
  if (cs_date_parse(&d, text, NULL) != 0 || d.year < 1900 || (d.year == 1900 && d.month < 3)) {
    put_str(b, row, col, text, 0);
    return;
  }
  cs_xlsx_date(b->wb, row, col, d.year, d.month, d.day, f);
  note_width(b, col, 10);
}

int cs_report_invoices_xlsx(const cs_doc *doc, cs_report_lang lang, int fd, const char *shown, cs_error *err) {
  static const char *const head[] = {"scenario", "cooperation", "payee",      "year",    "code",   "member",
                                     "due",      "line",        "service",    "instalment", "settles", "amount"};
  enum { I_SCEN, I_COOP, I_PAYEE, I_YEAR, I_CODE, I_MEMBER, I_DUE, I_LINE, I_SERVICE, I_INSTALMENT, I_SETTLES,
         I_AMOUNT, NI };
  cs_inv_line *lines = NULL;
  size_t n = 0;
  if (cs_report_invoice_lines(doc, &lines, &n))
    return cs_error_set(err, CS_ENOMEM, "%s: out of memory writing the invoice list", shown);
  book b;
  memset(&b, 0, sizeof b);
  b.lang = lang;
  b.doc = doc;
  int date = 0;
  /* the title: the invoice list of the cooperations */
  int rc = start_book(&b, fd, shown, T("Invoice list"), err);
  if (rc) {
    free(lines);
    return rc;
  }
  add_formats(&b, 1, &date);
  cs_xlsx_sheet(b.wb, T("Invoices"));
  int *owned = NULL;
  const char **heads = new_heads(&b, NI, &owned);
  int totals[NI] = {0};
  double values[NI] = {0};
  for (size_t c = 0; heads && c < NI; c++) heads[c] = T(head[c]);
  if (heads) unique_heads(&b, heads, owned, NI);
  if (heads && !b.oom) table_begin(&b, "Invoices", heads, NI);
  uint32_t row = 1;
  for (size_t i = 0; heads && i < n && !b.oom && !cs_xlsx_failed(b.wb); i++, row++) {
    const cs_inv_line *x = &lines[i];
    put_str(&b, row, I_SCEN, x->run->scenario, 0);
    put_str(&b, row, I_COOP, x->row->cooperation, 0);
    if (x->row->payee) put_str(&b, row, I_PAYEE, x->row->payee, 0);
    put_num(&b, row, I_YEAR, x->row->year, b.year);
    put_str(&b, row, I_CODE, x->row->code, 0); /* text: 0301 keeps its zero */
    put_str(&b, row, I_MEMBER, x->row->name, 0);
    if (x->due) put_date(&b, row, I_DUE, x->due, date);
    put_str(&b, row, I_LINE, T(x->settlement ? "settlement" : "share"), 0);
    if (x->service) put_str(&b, row, I_SERVICE, x->service, 0);
    if (x->instalment) put_num(&b, row, I_INSTALMENT, x->instalment, b.year);
    if (x->settles) put_num(&b, row, I_SETTLES, x->settles, b.year);
    put_num(&b, row, I_AMOUNT, (double)x->amount, b.money);
    values[I_AMOUNT] += (double)x->amount;
  }
  totals[I_AMOUNT] = 1;
  if (heads && !b.oom) {
    table_end(&b, row - 1, totals, values, I_MEMBER, T("total of the rows shown"));
    set_widths(&b, NI);
  }
  if (heads) free_heads(heads, owned, NI);
  rc = finish_book(&b, shown, err);
  free(lines);
  free(b.width);
  return rc;
}
