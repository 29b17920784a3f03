/*
** report_money.c: the money cycle in reports (report_internal.h, SPEC 7.3):
** what a run carries beyond its budget, and the invoice list — every
** invoice of every member and year with its lines, ready to hand to the
** accounts department — as CSV (the workbook is in report_xlsx.c).
**
** Invoice list columns: scenario, cooperation, payee, year, code, member,
** due, line ("share" or "settlement"), service, instalment, settles,
** amount. One line per invoice line, so that a spreadsheet's sum of
** `amount` over any filter is what is invoiced; an invoice is the lines of
** one member, year and due date. Amounts have two decimals (an accounts
** department writes øre), no thousands separators (a spreadsheet reads
** them as numbers): "3321.00", or "3321,00" with a decimal comma.
*/
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report_internal.h"

#define T(en) cs_rl_text(lang, en)

int cs_report_no_share(const cs_doc_row *row) { return row->money && row->settlement_only; }

unsigned cs_report_features(const cs_doc_run *runs, size_t nruns, const char *cooperation) {
  unsigned f = 0;
  for (size_t r = 0; r < nruns; r++) {
    for (size_t i = 0; i < runs[r].nrows; i++) {
      const cs_doc_row *row = &runs[r].rows[i];
      if (cooperation && strcmp(row->cooperation, cooperation)) continue;
      if (row->nservices) f |= CS_RF_SERVICES;
      if (!row->money) continue;
      f |= CS_RF_MONEY;
      if (row->has_difference) f |= CS_RF_DIFFERENCE;
      if (row->settlement != 0 || row->settlement_only) f |= CS_RF_SETTLEMENTS;
    }
    for (size_t i = 0; i < runs[r].nyears; i++) {
      const cs_doc_year *y = &runs[r].years[i];
      if (cooperation && strcmp(y->cooperation, cooperation)) continue;
      if (y->actual_cost || y->actual_grants || y->actual_net) f |= CS_RF_ACCOUNTS;
    }
  }
  return f;
}

unsigned cs_report_set_features(const cs_doc *doc, const cs_run_set *set, const char *cooperation) {
  unsigned f = 0;
  for (size_t k = 0; k < set->n; k++) f |= cs_report_features(&doc->runs[set->idx[k]], 1, cooperation);
  return f;
}

/* ---- the invoice list's lines ------------------------------------------------------ */

typedef struct line_list {
  cs_inv_line *v;
  size_t n, cap;
  int oom;
} line_list;

static void add_line(line_list *l, cs_inv_line line) {
  if (l->oom || line.amount == 0) return;
  if (l->n == l->cap) {
    size_t cap = l->cap ? 2 * l->cap : 64;
    cs_inv_line *v = realloc(l->v, cap * sizeof *v);
    if (!v) {
      l->oom = 1;
      return;
    }
    l->v = v;
    l->cap = cap;
  }
  l->v[l->n++] = line;
}

/* The lines of one row. */
static void row_lines(line_list *l, const cs_doc_run *run, const cs_doc_row *row) {
  if (row->host) return; /* the host does not invoice itself */
  if (row->money && row->ninvoices > 0) {
    for (size_t i = 0; i < row->ninvoices; i++) {
      const cs_doc_invoice *inv = &row->invoices[i];
      for (size_t k = 0; k < inv->nlines; k++) {
        const cs_doc_invoice_line *x = &inv->lines[k];
        int settlement = strcmp(x->kind, "settlement") == 0;
        add_line(l, (cs_inv_line){run, row, inv->due, settlement, x->service, x->instalment, x->settles, x->amount});
      }
    }
    return;
  }
  /* no instalments listed: one invoice on the row's due date */
  if (!cs_report_no_share(row)) {
    if (row->nservices) {
      for (size_t s = 0; s < row->nservices; s++)
        add_line(l, (cs_inv_line){run, row, row->due, 0, row->services[s].name, 0, 0, row->services[s].kroner});
    } else {
      add_line(l, (cs_inv_line){run, row, row->due, 0, NULL, 0, 0, row->total});
    }
  }
  if (row->money) add_line(l, (cs_inv_line){run, row, row->due, 1, NULL, 0, row->year - 1, row->settlement});
}

typedef struct ordered {
  const cs_doc_row *row;
  size_t run, index;
} ordered;

/* By run, cooperation, code and year; the document's order otherwise. */
static int by_member(const void *pa, const void *pb) {
  const ordered *a = pa, *b = pb;
  if (a->run != b->run) return a->run < b->run ? -1 : 1;
  int c = strcmp(a->row->cooperation, b->row->cooperation);
  if (c) return c;
  if ((c = strcmp(a->row->code, b->row->code))) return c;
  if (a->row->year != b->row->year) return a->row->year < b->row->year ? -1 : 1;
  return (a->index > b->index) - (a->index < b->index);
}

int cs_report_invoice_lines(const cs_doc *doc, cs_inv_line **out, size_t *n) {
  *out = NULL;
  *n = 0;
  size_t nrows = 0;
  for (size_t r = 0; r < doc->nruns; r++) nrows += doc->runs[r].nrows;
  ordered *rows = malloc((nrows ? nrows : 1) * sizeof *rows);
  if (!rows) return CS_ENOMEM;
  size_t k = 0;
  for (size_t r = 0; r < doc->nruns; r++)
    for (size_t i = 0; i < doc->runs[r].nrows; i++, k++) rows[k] = (ordered){&doc->runs[r].rows[i], r, k};
  qsort(rows, nrows, sizeof *rows, by_member);
  line_list l = {0};
  for (size_t i = 0; i < nrows; i++) row_lines(&l, &doc->runs[rows[i].run], rows[i].row);
  free(rows);
  if (l.oom) {
    free(l.v);
    return CS_ENOMEM;
  }
  *out = l.v;
  *n = l.n;
  return 0;
}

/* ---- CSV ---------------------------------------------------------------------------- */

int cs_report_invoices_csv(const cs_doc *doc, cs_report_lang lang, int nb, cs_sb *out) {
  static const char *const cols[] = {"scenario", "cooperation", "payee",      "year",    "code",   "member",
                                     "due",      "line",        "service",    "instalment", "settles", "amount"};
  char sep = nb ? ';' : ',';
  cs_inv_line *lines;
  size_t n;
  if (cs_report_invoice_lines(doc, &lines, &n)) return CS_ENOMEM;
  /* Excel reads a CSV without a byte order mark in the ANSI code page and
  ** garbles æ, ø and å; the BOM makes it UTF-8 */
  if (nb) cs_sb_add(out, "\xef\xbb\xbf");
  for (size_t c = 0; c < sizeof cols / sizeof cols[0]; c++) {
    if (c) cs_sb_addn(out, &sep, 1);
    cs_csv_cell(out, T(cols[c]), sep);
  }
  cs_sb_add(out, "\n");
  for (size_t i = 0; i < n; i++) {
    const cs_inv_line *x = &lines[i];
    const cs_doc_row *row = x->row;
    char s[2] = {sep, '\0'};
    cs_csv_text_cell(out, x->run->scenario, sep);
    cs_sb_add(out, s);
    cs_csv_text_cell(out, row->cooperation, sep);
    cs_sb_add(out, s);
    cs_csv_text_cell(out, row->payee ? row->payee : "", sep);
    cs_sb_printf(out, "%s%d%s", s, row->year, s);
    cs_csv_cell(out, row->code, sep);
    cs_sb_add(out, s);
    cs_csv_text_cell(out, row->name, sep);
    cs_sb_add(out, s);
    cs_sb_add(out, x->due ? x->due : "");
    cs_sb_add(out, s);
    cs_csv_cell(out, T(x->settlement ? "settlement" : "share"), sep);
    cs_sb_add(out, s);
    cs_csv_text_cell(out, x->service ? x->service : "", sep);
    cs_sb_add(out, s);
    if (x->instalment) cs_sb_printf(out, "%d", x->instalment);
    cs_sb_add(out, s);
    if (x->settles) cs_sb_printf(out, "%d", x->settles);
    /* kroner within ±2^53 (doc.h): the sign and magnitude written apart */
    uint64_t m = x->amount < 0 ? (uint64_t)0 - (uint64_t)x->amount : (uint64_t)x->amount;
    cs_sb_printf(out, "%s%s%" PRIu64 "%s00\n", s, x->amount < 0 ? "-" : "", m, nb ? "," : ".");
    cs_sb_spill(out);
  }
  free(lines);
  return out->oom ? CS_ENOMEM : 0;
}
