/*
** report_xlsx.c: the workbook (libxlsxwriter): one sheet per run and a
** comparison sheet (report_internal.h).
**
** Figures are numbers, not text, so a planner can sum and chart them; kroner
** carry the number format `#,##0 "kr"`. In a format code ',' is the grouping
** mark and '.' the decimal mark whatever the reader's language: Excel and
** LibreOffice show "1 234 567 kr" to a Norwegian reader and "1,234,567 kr"
** to an English one. Codes stay text ("0301" keeps its zero). The header row
** of every sheet is frozen; columns are as wide as their widest cell.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>
#include "report_internal.h"

#define T(en) cs_rl_text(lang, en)
#define MAX_PARTS 32
#define MAX_COLS 256
#define SHEET_NAME_MAX 31

typedef struct book {
  lxw_workbook *wb;
  lxw_format *head, *kr, *money, *count, *pct, *year, *bold_kr, *bold;
  lxw_error failed; /* the first error of a write */
  double width[MAX_COLS];
  cs_report_lang lang;
} book;

static void note_width(book *b, lxw_col_t col, double w) {
  if (col < MAX_COLS && w > b->width[col]) b->width[col] = w;
}

static void put_str(book *b, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *s, lxw_format *f) {
  lxw_error e = worksheet_write_string(ws, row, col, s, f);
  if (e && !b->failed) b->failed = e;
  note_width(b, col, (double)cs_rl_width(s) * (f == b->head ? 1.15 : 1.0));
}

/* A number and, for the width, how it reads with grouping and its suffix. */
static void put_num(book *b, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, double v, lxw_format *f) {
  lxw_error e = worksheet_write_number(ws, row, col, v, f);
  if (e && !b->failed) b->failed = e;
  char buf[64];
  int n = snprintf(buf, sizeof buf, "%.0f", v < 0 ? -v : v);
  double w = n + (n - 1) / 3 + (v < 0) + (f == b->kr || f == b->bold_kr ? 3 : f == b->money ? 6 : 0);
  note_width(b, col, w);
}

/* A sheet name Excel takes: at most 31 characters, none of []:*?/\, not
** starting or ending with an apostrophe, and unique (case-insensitively) in
** the workbook: " (2)", " (3)", ... is added to a repeat. */
static void sheet_name(lxw_workbook *wb, const char *want, char *out, size_t size) {
  char base[4 * SHEET_NAME_MAX + 1];
  size_t n = 0, chars = 0;
  for (const char *p = want; *p && n + 4 < sizeof base; p++) {
    unsigned char ch = (unsigned char)*p;
    if ((ch & 0xC0) != 0x80) {
      if (chars == SHEET_NAME_MAX) break;
      chars++;
    }
    base[n++] = strchr("[]:*?/\\", ch) || ch < 0x20 ? '_' : (char)ch;
  }
  /* do not cut a character in two */
  while (n > 0 && ((unsigned char)base[n - 1] & 0xC0) == 0xC0) n--;
  base[n] = '\0';
  while (n > 0 && (base[n - 1] == '\'' || base[n - 1] == ' ')) base[--n] = '\0';
  char *start = base;
  while (*start == '\'') start++;
  if (!*start || strcmp(start, "History") == 0) snprintf(start, sizeof base - (size_t)(start - base), "%s", "Run");
  snprintf(out, size, "%s", start);
  for (int k = 2; workbook_validate_sheet_name(wb, out) != LXW_NO_ERROR && k < 1000; k++) {
    char suffix[16];
    int sl = snprintf(suffix, sizeof suffix, " (%d)", k);
    /* keep base + suffix within 31 characters */
    size_t keep = strlen(start), kc = cs_rl_width(start);
    while (kc + (size_t)sl > SHEET_NAME_MAX && keep > 0) {
      keep--;
      while (keep > 0 && ((unsigned char)start[keep] & 0xC0) == 0x80) keep--;
      kc = 0;
      for (size_t i = 0; i < keep; i++) kc += ((unsigned char)start[i] & 0xC0) != 0x80;
    }
    snprintf(out, size, "%.*s%s", (int)keep, start, suffix);
  }
}

static void set_widths(book *b, lxw_worksheet *ws, size_t ncols) {
  for (size_t c = 0; c < ncols && c < MAX_COLS; c++) {
    double w = b->width[c] + 2;
    if (w < 6) w = 6;
    if (w > 60) w = 60;
    worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, w, NULL);
  }
  memset(b->width, 0, sizeof b->width);
}

static double decimal(const char *text) { return text ? strtod(text, NULL) : 0.0; }

/* One run: the members' rows under a frozen header, then the cooperation's
** years with the key's label, source and assumption. */
static void run_sheet(book *b, const cs_doc_run *run) {
  cs_report_lang lang = b->lang;
  char name[4 * SHEET_NAME_MAX + 16];
  sheet_name(b->wb, run->scenario, name, sizeof name);
  lxw_worksheet *ws = workbook_add_worksheet(b->wb, name);
  if (!ws) {
    b->failed = LXW_ERROR_MEMORY_MALLOC_FAILED;
    return;
  }
  size_t np = 0; int oom = 0;
  const char **parts = cs_report_part_names(run, 1, NULL, &np, &oom);
  if (np > MAX_PARTS) np = MAX_PARTS;
  const char *head[8 + MAX_PARTS];
  size_t nh = 0;
  head[nh++] = T("cooperation");
  head[nh++] = T("year");
  head[nh++] = T("code");
  head[nh++] = T("member");
  head[nh++] = T("population");
  for (size_t p = 0; p < np; p++) head[nh++] = parts[p];
  head[nh++] = T("total");
  head[nh++] = T("due");
  head[nh++] = T("payee");
  for (size_t c = 0; c < nh; c++) put_str(b, ws, 0, (lxw_col_t)c, head[c], b->head);
  const char **all_parts = parts;
  worksheet_freeze_panes(ws, 1, 0);
  lxw_row_t r = 1;
  for (size_t i = 0; i < run->nrows; i++, r++) {
    const cs_doc_row *row = &run->rows[i];
    lxw_col_t c = 0;
    put_str(b, ws, r, c++, row->cooperation, NULL);
    put_num(b, ws, r, c++, row->year, b->year);
    put_str(b, ws, r, c++, row->code, NULL);
    put_str(b, ws, r, c++, row->name, NULL);
    if (row->population >= 0) put_num(b, ws, r, c, (double)row->population, b->count);
    c++;
    for (size_t p = 0; p < np; p++, c++) {
      int64_t v;
      if (cs_report_row_part(row, parts[p], &v)) put_num(b, ws, r, c, (double)v, b->kr);
    }
    put_num(b, ws, r, c++, (double)row->total, b->kr);
    if (row->due) put_str(b, ws, r, c, row->due, NULL);
    c++;
    put_str(b, ws, r, c++, row->host ? T("(host)") : row->payee ? row->payee : "", NULL);
  }
  /* the years, below a blank row */
  r++;
  static const char *const yhead[] = {"cooperation", "year", "cost", "grants", "net cost", "sum of shares",
                                      "balance", "members", "key", "label", "source", "assumption"};
  const size_t nyh = sizeof yhead / sizeof yhead[0];
  for (size_t c = 0; c < nyh; c++) put_str(b, ws, r, (lxw_col_t)c, T(yhead[c]), b->head);
  r++;
  for (size_t i = 0; i < run->nyears; i++, r++) {
    const cs_doc_year *y = &run->years[i];
    lxw_col_t c = 0;
    put_str(b, ws, r, c++, y->cooperation, NULL);
    put_num(b, ws, r, c++, y->year, b->year);
    put_num(b, ws, r, c++, decimal(y->cost), b->money);
    put_num(b, ws, r, c++, decimal(y->grants), b->money);
    put_num(b, ws, r, c++, decimal(y->net), b->money);
    put_num(b, ws, r, c++, (double)y->sum_shares, b->kr);
    put_num(b, ws, r, c++, decimal(y->balance), b->money);
    put_num(b, ws, r, c++, y->members, b->count);
    put_str(b, ws, r, c++, y->key, NULL);
    put_str(b, ws, r, c++, y->key_label ? y->key_label : "", NULL);
    put_str(b, ws, r, c++, y->key_source ? y->key_source : "", NULL);
    put_str(b, ws, r, c++, y->key_assumption ? y->key_assumption : "", NULL);
  }
  if (run->options) {
    r++;
    char line[1024];
    snprintf(line, sizeof line, "%s: %s", T("options"), run->options);
    lxw_error e = worksheet_write_string(ws, r, 0, line, NULL); /* not counted in widths */
    if (e && !b->failed) b->failed = e;
  }
  set_widths(b, ws, nh > nyh ? nh : nyh);
  free((void *)all_parts);
}

/* The comparison: each member's share in every run, and each later run's
** difference to the baseline in kroner and as a fraction (shown in per cent). */
static void compare_sheet(book *b, const cs_doc *doc, const cs_cmp *cmp) {
  cs_report_lang lang = b->lang;
  char name[4 * SHEET_NAME_MAX + 16];
  sheet_name(b->wb, T("Comparison"), name, sizeof name);
  lxw_worksheet *ws = workbook_add_worksheet(b->wb, name);
  if (!ws) {
    b->failed = LXW_ERROR_MEMORY_MALLOC_FAILED;
    return;
  }
  size_t nr = doc->nruns;
  lxw_col_t c = 0;
  put_str(b, ws, 0, c++, T("cooperation"), b->head);
  put_str(b, ws, 0, c++, T("year"), b->head);
  put_str(b, ws, 0, c++, T("code"), b->head);
  put_str(b, ws, 0, c++, T("member"), b->head);
  for (size_t r = 0; r < nr; r++) {
    put_str(b, ws, 0, c++, doc->runs[r].scenario, b->head);
    if (r > 0) {
      put_str(b, ws, 0, c++, T("diff kr"), b->head);
      put_str(b, ws, 0, c++, T("diff %"), b->head);
    }
  }
  size_t ncols = c;
  worksheet_freeze_panes(ws, 1, 4);
  int64_t *sum = calloc(nr, sizeof *sum);
  if (!sum) {
    b->failed = LXW_ERROR_MEMORY_MALLOC_FAILED;
    return;
  }
  lxw_row_t row = 1;
  for (size_t i = 0; i < cmp->nlines; i++, row++) {
    const cs_cmp_line *l = &cmp->lines[i];
    c = 0;
    put_str(b, ws, row, c++, l->cooperation, NULL);
    put_num(b, ws, row, c++, l->year, b->year);
    put_str(b, ws, row, c++, l->code, NULL);
    put_str(b, ws, row, c++, l->name, NULL);
    int base = l->status[0] == CS_CMP_PRESENT;
    for (size_t r = 0; r < nr; r++) {
      int here = l->status[r] == CS_CMP_PRESENT;
      if (here) {
        put_num(b, ws, row, c++, (double)l->share[r], b->kr);
        sum[r] += l->share[r];
      } else {
        put_str(b, ws, row, c++, T(l->status[r] == CS_CMP_WITHDRAWN ? "withdrawn" : "not a member"), NULL);
      }
      if (r > 0) {
        if (here || base)
          put_num(b, ws, row, c, (double)((here ? l->share[r] : 0) - (base ? l->share[0] : 0)), b->kr);
        c++;
        if (here && base && l->share[0] != 0)
          put_num(b, ws, row, c, ((double)l->share[r] - (double)l->share[0]) / (double)l->share[0], b->pct);
        c++;
      }
    }
    const cs_cmp_line *next = i + 1 < cmp->nlines ? &cmp->lines[i + 1] : NULL;
    if (!next || next->year != l->year || strcmp(next->cooperation, l->cooperation)) {
      row++;
      c = 0;
      put_str(b, ws, row, c++, l->cooperation, b->bold);
      put_num(b, ws, row, c++, l->year, b->year);
      c++;
      put_str(b, ws, row, c++, T("total"), b->bold);
      for (size_t r = 0; r < nr; r++) {
        put_num(b, ws, row, c++, (double)sum[r], b->bold_kr);
        if (r > 0) {
          put_num(b, ws, row, c++, (double)(sum[r] - sum[0]), b->bold_kr);
          if (sum[0] != 0) put_num(b, ws, row, c, ((double)sum[r] - (double)sum[0]) / (double)sum[0], b->pct);
          c++;
        }
      }
      memset(sum, 0, nr * sizeof *sum);
    }
  }
  free(sum);
  set_widths(b, ws, ncols);
}

int cs_report_xlsx(const cs_doc *doc, cs_report_lang lang, const char *path, const char *shown, cs_error *err) {
  book b;
  memset(&b, 0, sizeof b);
  b.lang = lang;
  cs_cmp *cmp = NULL;
  if (cs_cmp_build(doc, &cmp, err)) return CS_ENOMEM;
  b.wb = workbook_new(path);
  if (!b.wb) {
    cs_cmp_free(cmp);
    return cs_error_set(err, CS_ENOMEM, "%s: out of memory starting the workbook", shown);
  }
  b.head = workbook_add_format(b.wb);
  format_set_bold(b.head);
  format_set_bottom(b.head, LXW_BORDER_THIN);
  b.bold = workbook_add_format(b.wb);
  format_set_bold(b.bold);
  b.kr = workbook_add_format(b.wb);
  format_set_num_format(b.kr, "#,##0 \"kr\"");
  b.bold_kr = workbook_add_format(b.wb);
  format_set_num_format(b.bold_kr, "#,##0 \"kr\"");
  format_set_bold(b.bold_kr);
  b.money = workbook_add_format(b.wb);
  format_set_num_format(b.money, "#,##0.00 \"kr\"");
  b.count = workbook_add_format(b.wb);
  format_set_num_format(b.count, "#,##0");
  b.pct = workbook_add_format(b.wb);
  format_set_num_format(b.pct, "+0.0%;-0.0%;0.0%");
  b.year = workbook_add_format(b.wb);
  format_set_num_format(b.year, "0");
  char title[512], comments[128];
  snprintf(title, sizeof title, "%s", doc->scenario_file ? doc->scenario_file : "coopsim");
  snprintf(comments, sizeof comments, "coopsim %s", doc->coopsim_version ? doc->coopsim_version : "");
  lxw_doc_properties props;
  memset(&props, 0, sizeof props);
  props.title = title;
  props.comments = comments;
  workbook_set_properties(b.wb, &props);
  for (size_t r = 0; r < doc->nruns && !b.failed; r++) run_sheet(&b, &doc->runs[r]);
  if (!b.failed && doc->nruns > 0) compare_sheet(&b, doc, cmp);
  cs_cmp_free(cmp);
  lxw_error failed = b.failed;
  lxw_error closed = workbook_close(b.wb); /* frees the workbook in every case */
  if (failed) return cs_error_set(err, CS_EIO, "%s: cannot write the workbook (%s)", shown, lxw_strerror(failed));
  if (closed) return cs_error_set(err, CS_EIO, "%s: cannot write the workbook (%s)", shown, lxw_strerror(closed));
  return 0;
}
