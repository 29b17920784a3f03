/*
** report_html.c: one self-contained HTML page (report_internal.h): no
** scripts, no external URLs, charts as inline SVG. For each cooperation:
** the sum of shares by year in every run; for each budget year each
** member's share in the baseline and every variant, and each variant's
** difference from the baseline per member; then the tables. Every text that
** comes from a scenario is escaped.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report_internal.h"

#define T(en) cs_rl_text(lang, en)
#define MAX_COOPS 64

/* Okabe-Ito colours: distinguishable with the common colour blindnesses. */
static const char *const palette[] = {"#0072B2", "#E69F00", "#009E73", "#D55E00",
                                      "#CC79A7", "#56B4E9", "#8C6D1F", "#000000"};
#define NCOLOURS (sizeof palette / sizeof palette[0])

static void esc(cs_sb *out, const char *s) {
  for (; *s; s++) {
    switch (*s) {
    case '&': cs_sb_add(out, "&amp;"); break;
    case '<': cs_sb_add(out, "&lt;"); break;
    case '>': cs_sb_add(out, "&gt;"); break;
    case '"': cs_sb_add(out, "&quot;"); break;
    case '\'': cs_sb_add(out, "&#39;"); break;
    default:
      /* control characters other than tab and newline have no place in HTML */
      if ((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n') cs_sb_add(out, "\xef\xbf\xbd");
      else cs_sb_addn(out, s, 1);
    }
  }
}

static void kr(cs_sb *out, int64_t v, cs_report_lang lang) {
  char buf[64];
  cs_sb_add(out, cs_rl_int(v, lang, 1, buf, sizeof buf));
}

/* A round step for about `ticks` grid lines up to max: 1, 2 or 5 x 10^k. */
static double nice_step(double max, int ticks) {
  if (max <= 0) return 1;
  double raw = max / ticks, mag = pow(10, floor(log10(raw)));
  double f = raw / mag, step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
  return step < 1 ? 1 : step; /* whole kroner */
}

static void legend(const cs_doc *doc, size_t first, cs_sb *out) {
  cs_sb_add(out, "<p class=\"legend\">");
  for (size_t r = first; r < doc->nruns; r++) {
    cs_sb_printf(out, "<span><i style=\"background:%s\"></i>", palette[r % NCOLOURS]);
    esc(out, doc->runs[r].scenario);
    cs_sb_add(out, "</span> ");
  }
  cs_sb_add(out, "</p>\n");
}

/* The lines of one cooperation and year in the comparison: [*from, *to). */
static void year_block(const cs_cmp *cmp, size_t i, size_t *to) {
  size_t j = i;
  while (j < cmp->nlines && cmp->lines[j].year == cmp->lines[i].year &&
         strcmp(cmp->lines[j].cooperation, cmp->lines[i].cooperation) == 0)
    j++;
  *to = j;
}

#define LABEL_W 190
#define PLOT_W 560
#define BAR_H 9

/* Horizontal grouped bars: per member one bar per run (runs first..n-1),
** value = share (diff = 0) or difference from the baseline (diff = 1). */
static void bars_chart(const cs_doc *doc, const cs_cmp *cmp, size_t from, size_t to, int diff,
                       cs_report_lang lang, cs_sb *out) {
  size_t first = diff ? 1 : 0, nr = doc->nruns - first;
  double lo = 0, hi = 0;
  for (size_t i = from; i < to; i++) {
    const cs_cmp_line *l = &cmp->lines[i];
    for (size_t r = first; r < doc->nruns; r++) {
      double v;
      if (!diff) {
        if (l->status[r] != CS_CMP_PRESENT) continue;
        v = (double)l->share[r];
      } else {
        int here = l->status[r] == CS_CMP_PRESENT, base = l->status[0] == CS_CMP_PRESENT;
        v = (double)((here ? l->share[r] : 0) - (base ? l->share[0] : 0));
      }
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (diff && lo == 0 && hi == 0) {
    cs_sb_add(out, "<p class=\"small\">");
    esc(out, T("no differences from the baseline this year"));
    cs_sb_add(out, "</p>\n");
    return;
  }
  legend(doc, first, out);
  double step = nice_step(hi - lo > 0 ? hi - lo : 1, 5);
  lo = floor(lo / step) * step;
  hi = ceil(hi / step) * step;
  if (hi <= lo) hi = lo + step;
  double group = (double)nr * BAR_H + 8;
  double height = 24 + group * (double)(to - from) + 10;
  double width = LABEL_W + PLOT_W + 80;
  cs_sb_printf(out,
               "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
               "viewBox=\"0 0 %.0f %.0f\" role=\"img\">\n",
               width, height, width, height);
#define X(v) (LABEL_W + ((v) - lo) / (hi - lo) * PLOT_W)
  /* grid and axis labels */
  char buf[64];
  for (double t = lo; t <= hi + step / 2; t += step) {
    cs_sb_printf(out, "<line x1=\"%.1f\" y1=\"18\" x2=\"%.1f\" y2=\"%.1f\" class=\"%s\"/>", X(t), X(t),
                 height - 10, fabs(t) < step / 2 ? "zero" : "grid");
    cs_sb_printf(out, "<text x=\"%.1f\" y=\"12\" class=\"tick\">%s</text>\n", X(t),
                 cs_rl_int((int64_t)llround(t), lang, 1, buf, sizeof buf));
  }
  double y = 24;
  for (size_t i = from; i < to; i++, y += group) {
    const cs_cmp_line *l = &cmp->lines[i];
    cs_sb_printf(out, "<text x=\"%d\" y=\"%.1f\" class=\"name\">", LABEL_W - 6, y + (double)nr * BAR_H / 2 + 4);
    esc(out, l->name);
    cs_sb_add(out, "</text>\n");
    for (size_t r = first; r < doc->nruns; r++) {
      int here = l->status[r] == CS_CMP_PRESENT, base = l->status[0] == CS_CMP_PRESENT;
      double by = y + (double)(r - first) * BAR_H;
      if (!diff && !here) continue;
      double v = diff ? (double)((here ? l->share[r] : 0) - (base ? l->share[0] : 0)) : (double)l->share[r];
      double x0 = X(v < 0 ? v : 0), x1 = X(v < 0 ? 0 : v);
      cs_sb_printf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>", x0, by,
                   x1 - x0 < 0.5 && v != 0 ? 0.5 : x1 - x0, BAR_H - 1, palette[r % NCOLOURS]);
      esc(out, l->name);
      cs_sb_add(out, ", ");
      esc(out, doc->runs[r].scenario);
      cs_sb_add(out, ": ");
      kr(out, diff ? (int64_t)v : l->share[r], lang);
      cs_sb_add(out, " kr");
      if (!here) {
        cs_sb_printf(out, " (%s)", T(l->status[r] == CS_CMP_WITHDRAWN ? "withdrawn" : "not a member"));
      }
      cs_sb_add(out, "</title></rect>\n");
    }
  }
#undef X
  cs_sb_add(out, "</svg>\n");
}

/* Vertical grouped bars: per year the sum of shares of the cooperation in
** each run. */
static void totals_chart(const cs_doc *doc, const cs_cmp *cmp, const char *coop, cs_report_lang lang,
                         cs_sb *out) {
  size_t nr = doc->nruns, nrs = nr, ny = 0;
  /* at most one year per line of the comparison */
  int *years = calloc(cmp->nlines + 1, sizeof *years);
  int64_t *sums = calloc((cmp->nlines + 1) * nr, sizeof *sums);
  if (!years || !sums) {
    free(years);
    free(sums);
    out->oom = 1;
    return;
  }
#define SUM(y, r) sums[(y) * nr + (r)]
  for (size_t i = 0; i < cmp->nlines; i++) {
    const cs_cmp_line *l = &cmp->lines[i];
    if (strcmp(l->cooperation, coop)) continue;
    if (ny == 0 || years[ny - 1] != l->year) years[ny++] = l->year;
    for (size_t r = 0; r < nrs; r++) {
      if (l->status[r] == CS_CMP_PRESENT) SUM(ny - 1, r) += l->share[r];
    }
  }
  double hi = 0;
  for (size_t y = 0; y < ny; y++)
    for (size_t r = 0; r < nrs; r++)
      if ((double)SUM(y, r) > hi) hi = (double)SUM(y, r);
  double step = nice_step(hi, 5);
  hi = ceil(hi / step) * step;
  if (hi <= 0) hi = step;
  const double left = 110, plot_h = 260, top = 14, bar_w = 16;
  double group = (double)nrs * bar_w + 24;
  double width = left + group * (double)ny + 20, height = top + plot_h + 30;
  cs_sb_printf(out,
               "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
               "viewBox=\"0 0 %.0f %.0f\" role=\"img\">\n",
               width, height, width, height);
  char buf[64];
#define Y(v) (top + plot_h - (v) / hi * plot_h)
  for (double t = 0; t <= hi + step / 2; t += step) {
    cs_sb_printf(out, "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" class=\"%s\"/>", left - 4, Y(t),
                 width - 10, Y(t), t == 0 ? "zero" : "grid");
    cs_sb_printf(out, "<text x=\"%.0f\" y=\"%.1f\" class=\"ytick\">%s</text>\n", left - 8, Y(t) + 4,
                 cs_rl_int((int64_t)llround(t), lang, 1, buf, sizeof buf));
  }
  for (size_t y = 0; y < ny; y++) {
    double gx = left + 12 + group * (double)y;
    for (size_t r = 0; r < nrs; r++) {
      double v = (double)SUM(y, r);
      cs_sb_printf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.0f\" height=\"%.1f\" fill=\"%s\"><title>",
                   gx + (double)r * bar_w, Y(v), bar_w - 2, plot_h - (Y(v) - top), palette[r % NCOLOURS]);
      esc(out, doc->runs[r].scenario);
      cs_sb_printf(out, ", %d: ", years[y]);
      kr(out, SUM(y, r), lang);
      cs_sb_add(out, " kr</title></rect>\n");
    }
    cs_sb_printf(out, "<text x=\"%.1f\" y=\"%.0f\" class=\"tick\">%d</text>\n", gx + (double)nrs * bar_w / 2,
                 top + plot_h + 18, years[y]);
  }
#undef Y
#undef SUM
  cs_sb_add(out, "</svg>\n");
  free(years);
  free(sums);
}

/* ---- tables ----------------------------------------------------------------- */

static void th(cs_sb *out, const char *text, int num) {
  cs_sb_add(out, num ? "<th class=\"n\">" : "<th>");
  esc(out, text);
  cs_sb_add(out, "</th>");
}

static void td(cs_sb *out, const char *text, int num) {
  cs_sb_add(out, num ? "<td class=\"n\">" : "<td>");
  esc(out, text);
  cs_sb_add(out, "</td>");
}

static void td_kr(cs_sb *out, int64_t v, cs_report_lang lang) {
  char buf[64];
  cs_sb_printf(out, "<td class=\"n%s\">%s</td>", v < 0 ? " neg" : "", cs_rl_int(v, lang, 1, buf, sizeof buf));
}

static void compare_table(const cs_doc *doc, const cs_cmp *cmp, const char *coop, cs_report_lang lang,
                          cs_sb *out) {
  size_t nr = doc->nruns;
  cs_sb_add(out, "<table>\n<thead><tr>");
  th(out, T("year"), 1);
  th(out, T("code"), 0);
  th(out, T("member"), 0);
  for (size_t r = 0; r < nr; r++) {
    th(out, doc->runs[r].scenario, 1);
    if (r > 0) {
      th(out, T("diff kr"), 1);
      th(out, T("diff %"), 1);
    }
  }
  cs_sb_add(out, "</tr></thead>\n<tbody>\n");
  int64_t *sum = calloc(nr, sizeof *sum);
  if (!sum) {
    out->oom = 1;
    return;
  }
  char buf[64];
  for (size_t i = 0; i < cmp->nlines; i++) {
    const cs_cmp_line *l = &cmp->lines[i];
    if (strcmp(l->cooperation, coop)) continue;
    cs_sb_add(out, "<tr>");
    snprintf(buf, sizeof buf, "%d", l->year);
    td(out, buf, 1);
    td(out, l->code, 0);
    td(out, l->name, 0);
    int base = l->status[0] == CS_CMP_PRESENT;
    for (size_t r = 0; r < nr; r++) {
      int here = l->status[r] == CS_CMP_PRESENT;
      if (here) {
        td_kr(out, l->share[r], lang);
        sum[r] += l->share[r];
      } else {
        td(out, T(l->status[r] == CS_CMP_WITHDRAWN ? "withdrawn" : "not a member"), 1);
      }
      if (r > 0) {
        if (here || base) td_kr(out, (here ? l->share[r] : 0) - (base ? l->share[0] : 0), lang);
        else td(out, "", 1);
        td(out, here && base ? cs_rl_percent(l->share[0], l->share[r], lang, buf, sizeof buf) : "", 1);
      }
    }
    cs_sb_add(out, "</tr>\n");
    const cs_cmp_line *next = i + 1 < cmp->nlines ? &cmp->lines[i + 1] : NULL;
    if (!next || next->year != l->year || strcmp(next->cooperation, l->cooperation)) {
      cs_sb_add(out, "<tr class=\"total\"><td></td><td></td>");
      td(out, T("total"), 0);
      for (size_t r = 0; r < nr; r++) {
        td_kr(out, sum[r], lang);
        if (r > 0) {
          td_kr(out, sum[r] - sum[0], lang);
          td(out, cs_rl_percent(sum[0], sum[r], lang, buf, sizeof buf), 1);
        }
      }
      cs_sb_add(out, "</tr>\n");
      memset(sum, 0, nr * sizeof *sum);
    }
  }
  free(sum);
  cs_sb_add(out, "</tbody></table>\n");
}

static int same_str(const char *a, const char *b) { return a ? b && strcmp(a, b) == 0 : b == NULL; }

static int same_year_key(const cs_doc_year *p, const cs_doc_year *y) {
  return strcmp(p->key, y->key) == 0 && same_str(p->key_label, y->key_label) &&
         same_str(p->key_source, y->key_source) && same_str(p->key_assumption, y->key_assumption);
}

/* Whether two runs have the same key in every year of the cooperation. */
static int same_keys(const cs_doc_run *a, const cs_doc_run *b, const char *coop) {
  size_t i = 0, j = 0;
  for (;;) {
    while (i < a->nyears && strcmp(a->years[i].cooperation, coop)) i++;
    while (j < b->nyears && strcmp(b->years[j].cooperation, coop)) j++;
    if (i == a->nyears || j == b->nyears) return i == a->nyears && j == b->nyears;
    if (a->years[i].year != b->years[j].year || !same_year_key(&a->years[i], &b->years[j])) return 0;
    i++, j++;
  }
}

static void key_list(const cs_doc_run *run, const char *coop, cs_report_lang lang, cs_sb *out) {
  cs_sb_add(out, "<ul class=\"key\">\n");
  for (size_t i = 0; i < run->nyears; i++) {
    const cs_doc_year *y = &run->years[i];
    if (strcmp(y->cooperation, coop)) continue;
    /* once per distinct key */
    int seen = 0;
    for (size_t j = 0; j < i && !seen; j++) {
      const cs_doc_year *p = &run->years[j];
      seen = strcmp(p->cooperation, coop) == 0 && same_year_key(p, y);
    }
    if (seen) continue;
    cs_sb_printf(out, "<li>%d: <b>", y->year);
    esc(out, T("key"));
    cs_sb_add(out, ":</b> ");
    if (y->key_label) {
      cs_sb_add(out, "<q>");
      esc(out, y->key_label);
      cs_sb_add(out, "</q> = ");
    }
    esc(out, y->key);
    if (y->key_source) {
      cs_sb_add(out, "; <b>");
      esc(out, T("source"));
      cs_sb_add(out, ":</b> ");
      esc(out, y->key_source);
    }
    if (y->key_assumption) {
      cs_sb_add(out, "<br><span class=\"assumption\">");
      esc(out, T("ASSUMPTION"));
      cs_sb_add(out, ": ");
      esc(out, y->key_assumption);
      cs_sb_add(out, "</span>");
    }
    cs_sb_add(out, "</li>\n");
  }
  cs_sb_add(out, "</ul>\n");
}

static void run_tables(const cs_doc_run *run, const char *coop, cs_report_lang lang, cs_sb *out) {
  char buf[96];
  cs_sb_add(out, "<table>\n<thead><tr>");
  static const char *const yh[] = {"year", "cost", "grants", "net cost", "sum of shares", "balance", "members"};
  for (size_t c = 0; c < 7; c++) th(out, T(yh[c]), 1);
  cs_sb_add(out, "</tr></thead>\n<tbody>\n");
  for (size_t i = 0; i < run->nyears; i++) {
    const cs_doc_year *y = &run->years[i];
    if (strcmp(y->cooperation, coop)) continue;
    cs_sb_add(out, "<tr>");
    snprintf(buf, sizeof buf, "%d", y->year);
    td(out, buf, 1);
    td(out, cs_rl_money(y->cost, lang, 1, buf, sizeof buf), 1);
    td(out, cs_rl_money(y->grants, lang, 1, buf, sizeof buf), 1);
    td(out, cs_rl_money(y->net, lang, 1, buf, sizeof buf), 1);
    td_kr(out, y->sum_shares, lang);
    td(out, cs_rl_money(y->balance, lang, 1, buf, sizeof buf), 1);
    snprintf(buf, sizeof buf, "%d", y->members);
    td(out, buf, 1);
    cs_sb_add(out, "</tr>\n");
  }
  cs_sb_add(out, "</tbody></table>\n");
  size_t np = 0;
  const char **parts = cs_report_part_names(run, 1, coop, &np, &out->oom);
  cs_sb_add(out, "<table>\n<thead><tr>");
  th(out, T("year"), 1);
  th(out, T("code"), 0);
  th(out, T("member"), 0);
  th(out, T("population"), 1);
  for (size_t p = 0; p < np; p++) th(out, parts[p], 1);
  th(out, T("total"), 1);
  th(out, T("due"), 0);
  th(out, T("payee"), 0);
  cs_sb_add(out, "</tr></thead>\n<tbody>\n");
  for (size_t i = 0; i < run->nrows; i++) {
    const cs_doc_row *row = &run->rows[i];
    if (strcmp(row->cooperation, coop)) continue;
    cs_sb_add(out, "<tr>");
    snprintf(buf, sizeof buf, "%d", row->year);
    td(out, buf, 1);
    td(out, row->code, 0);
    td(out, row->name, 0);
    td(out, row->population >= 0 ? cs_rl_int(row->population, lang, 1, buf, sizeof buf) : "", 1);
    for (size_t p = 0; p < np; p++) {
      int64_t v;
      if (cs_report_row_part(row, parts[p], &v)) td_kr(out, v, lang);
      else td(out, "", 1);
    }
    td_kr(out, row->total, lang);
    td(out, row->due ? row->due : "", 0);
    td(out, row->host ? T("(host)") : row->payee ? row->payee : "", 0);
    cs_sb_add(out, "</tr>\n");
  }
  cs_sb_add(out, "</tbody></table>\n");
  free((void *)parts);
  if (run->options) {
    cs_sb_add(out, "<p class=\"small\">");
    esc(out, T("options"));
    cs_sb_add(out, ": <code>");
    esc(out, run->options);
    cs_sb_add(out, "</code></p>\n");
  }
}

static const char style[] =
    "body{font-family:system-ui,'DejaVu Sans',sans-serif;margin:2em;color:#222;max-width:1150px}"
    "h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ccc}h3{margin-top:1.5em}"
    "table{border-collapse:collapse;margin:0.8em 0;font-size:0.85em}"
    "th,td{padding:2px 8px;border-bottom:1px solid #e4e4e4;text-align:left;white-space:nowrap}"
    "th{background:#f3f3f3}.n{text-align:right;font-variant-numeric:tabular-nums}.neg{color:#b00020}"
    "tr.total td{font-weight:bold;border-bottom:2px solid #999}"
    ".legend span{margin-right:1.2em;white-space:nowrap}"
    ".legend i{display:inline-block;width:0.9em;height:0.9em;margin-right:0.3em;vertical-align:-0.1em}"
    ".assumption{color:#8a4b00;font-weight:bold}.small{font-size:0.8em;color:#555}"
    "svg.chart{display:block;margin:0.5em 0 1em 0}"
    "svg .grid{stroke:#e0e0e0}svg .zero{stroke:#444}"
    "svg text{font-family:system-ui,'DejaVu Sans',sans-serif;font-size:11px;fill:#333}"
    "svg .name{text-anchor:end}svg .tick{text-anchor:middle}svg .ytick{text-anchor:end}";

int cs_report_html(const cs_doc *doc, cs_report_lang lang, cs_sb *out, cs_error *err) {
  cs_cmp *cmp;
  if (cs_cmp_build(doc, &cmp, err)) return CS_ENOMEM;
  const char *title = doc->scenario_file ? doc->scenario_file : "coopsim";
  cs_sb_printf(out, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n<title>",
               lang == CS_LANG_NB ? "nb" : "en");
  esc(out, T("Report"));
  cs_sb_add(out, ": ");
  esc(out, title);
  cs_sb_printf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", style);
  esc(out, T("Report"));
  cs_sb_add(out, ": ");
  esc(out, title);
  cs_sb_add(out, "</h1>\n<p class=\"small\">");
  esc(out, T("made by"));
  cs_sb_add(out, " coopsim ");
  esc(out, doc->coopsim_version ? doc->coopsim_version : "");
  cs_sb_add(out, "</p>\n<h2>");
  esc(out, T("Runs"));
  cs_sb_add(out, "</h2>\n<ol>\n");
  for (size_t r = 0; r < doc->nruns; r++) {
    cs_sb_printf(out, "<li><span style=\"color:%s\">&#9632;</span> <b>", palette[r % NCOLOURS]);
    esc(out, doc->runs[r].scenario);
    cs_sb_printf(out, "</b>, %d&ndash;%d%s", doc->runs[r].from, doc->runs[r].to, r == 0 ? " (" : "");
    if (r == 0) {
      esc(out, T("baseline"));
      cs_sb_add(out, ")");
    }
    cs_sb_add(out, "</li>\n");
  }
  cs_sb_add(out, "</ol>\n");
  /* per cooperation: charts, comparison, each run's tables */
  const char *coops[MAX_COOPS];
  size_t nc = 0;
  for (size_t i = 0; i < cmp->nlines && nc < MAX_COOPS; i++) {
    if (nc == 0 || strcmp(coops[nc - 1], cmp->lines[i].cooperation)) coops[nc++] = cmp->lines[i].cooperation;
  }
  for (size_t k = 0; k < nc; k++) {
    cs_sb_add(out, "<section class=\"cooperation\">\n<h2>");
    esc(out, coops[k]);
    cs_sb_add(out, "</h2>\n");
    /* the keys, once for all runs that share them */
    for (size_t r = 0; r < doc->nruns; r++) {
      int shown = 0;
      for (size_t q = 0; q < r && !shown; q++) shown = same_keys(&doc->runs[q], &doc->runs[r], coops[k]);
      if (shown) continue;
      if (doc->nruns > 1) {
        cs_sb_add(out, "<p><b>");
        for (size_t q = r, n = 0; q < doc->nruns; q++) {
          if (q > r && !same_keys(&doc->runs[r], &doc->runs[q], coops[k])) continue;
          if (n++) cs_sb_add(out, ", ");
          esc(out, doc->runs[q].scenario);
        }
        cs_sb_add(out, "</b></p>\n");
      }
      key_list(&doc->runs[r], coops[k], lang, out);
    }
    cs_sb_add(out, "<h3>");
    esc(out, T("Sum of shares by year"));
    cs_sb_add(out, "</h3>\n<figure>");
    legend(doc, 0, out);
    totals_chart(doc, cmp, coops[k], lang, out);
    cs_sb_add(out, "</figure>\n");
    for (size_t i = 0; i < cmp->nlines;) {
      size_t to;
      year_block(cmp, i, &to);
      if (strcmp(cmp->lines[i].cooperation, coops[k])) {
        i = to;
        continue;
      }
      cs_sb_printf(out, "<h3>%s %d</h3>\n<h4>", T("budget year"), cmp->lines[i].year);
      esc(out, T("Shares by member"));
      cs_sb_add(out, "</h4>\n<figure>");
      bars_chart(doc, cmp, i, to, 0, lang, out);
      cs_sb_add(out, "</figure>\n");
      if (doc->nruns > 1) {
        cs_sb_add(out, "<h4>");
        esc(out, T("Difference from the baseline"));
        cs_sb_add(out, " (");
        esc(out, doc->runs[0].scenario);
        cs_sb_add(out, ")</h4>\n<figure>");
        bars_chart(doc, cmp, i, to, 1, lang, out);
        cs_sb_add(out, "</figure>\n");
      }
      i = to;
    }
    if (doc->nruns > 1) {
      cs_sb_add(out, "<h3>");
      esc(out, T("Comparison"));
      cs_sb_add(out, "</h3>\n");
      compare_table(doc, cmp, coops[k], lang, out);
    }
    for (size_t r = 0; r < doc->nruns; r++) {
      cs_sb_add(out, "<h3>");
      esc(out, doc->runs[r].scenario);
      cs_sb_add(out, "</h3>\n");
      run_tables(&doc->runs[r], coops[k], lang, out);
    }
    cs_sb_add(out, "</section>\n");
  }
  cs_sb_add(out, "</body>\n</html>\n");
  cs_cmp_free(cmp);
  return out->oom ? cs_error_set(err, CS_ENOMEM, "out of memory writing HTML") : 0;
}
