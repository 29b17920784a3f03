/*
** report_html.c: one self-contained HTML page (report_internal.h) that a
** planner can hand to a council: no scripts, no external URLs, charts as
** inline SVG (report_svg.c).
**
** Titled by the cooperations and the scenarios, not by a file. First a
** summary a council member reads in a minute: for each budget year, what
** each member pays in the baseline and in every variant, with the change
** from the baseline beside each figure (one run: a member-by-year table).
** Then the details: the keys and their
** sources and assumptions, the sum of shares by year, each member's share
** and each variant's change per year as small charts side by side (figures
** written on the bars, exits, joins and mergers marked), the comparison
** table and each run's tables (years with their notes; members with every
** part, the rounding and the total). A print style sheet sets it on A4
** without splitting a chart or a summary table across pages. With the
** money cycle (SPEC 7.3) the run tables carry each row's difference,
** settlement and invoice and each year's accounts, and where a run has
** settlements the summary shows what is invoiced for each year that
** settles the one before, the details the invoices compared.
**
** Every text that comes from a scenario is escaped.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fmt_num.h"
#include "report_internal.h"

#define T(en) cs_rl_text(lang, en)

/* Appends a string literal (only a literal: "" s "" refuses a pointer). */
#define LIT(out, s) cs_sb_addn(out, "" s "", sizeof s - 1)

/* Whether byte c goes into HTML as it is. */
static int html_plain(unsigned char c) {
  if (c > '>') return 1; /* letters, most of a text; UTF-8 bytes */
  if (c < 0x20) return c == '\t' || c == '\n';
  return c != '&' && c != '<' && c != '>' && c != '"' && c != '\'';
}

void cs_html_esc(cs_sb *out, const char *s) {
  for (;;) {
    /* the bytes up to the next one to replace, at once */
    const char *p = s;
    while (html_plain((unsigned char)*p)) p++;
    if (p > s) cs_sb_addn(out, s, (size_t)(p - s));
    switch (*p) {
    case '\0': return;
    case '&': LIT(out, "&amp;"); break;
    case '<': LIT(out, "&lt;"); break;
    case '>': LIT(out, "&gt;"); break;
    case '"': LIT(out, "&quot;"); break;
    case '\'': LIT(out, "&#39;"); break;
    /* control characters other than tab and newline have no place in HTML */
    default: LIT(out, "\xef\xbf\xbd");
    }
    s = p + 1;
  }
}

#define esc cs_html_esc

/* ---- words ------------------------------------------------------------------ */

/* "A, B and C" ("A, B og C"): the n strings from get(i). */
static void list_and(cs_sb *out, size_t n, const char *(*get)(const void *, size_t), const void *ud,
                     cs_report_lang lang) {
  for (size_t i = 0; i < n; i++) {
    if (i > 0) cs_sb_printf(out, "%s", i + 1 == n ? T(" and ") : ", ");
    esc(out, get(ud, i));
  }
}

static const char *scenario_at(const void *ud, size_t i) { return ((const cs_doc *)ud)->runs[i].scenario; }
static const char *string_at(const void *ud, size_t i) { return ((const char *const *)ud)[i]; }

/* The first and last budget year of any run. */
static void year_span(const cs_doc *doc, int *from, int *to) {
  *from = *to = 0;
  for (size_t r = 0; r < doc->nruns; r++) {
    if (!*from || doc->runs[r].from < *from) *from = doc->runs[r].from;
    if (doc->runs[r].to > *to) *to = doc->runs[r].to;
  }
}

static const char *set_scenario_at(const void *ud, size_t i) {
  const void *const *p = ud;
  const cs_doc *doc = p[0];
  const cs_run_set *set = p[1];
  return doc->runs[set->idx[i + 1]].scenario;
}

/* "Baseline compared with A and B" for the runs of a set; the baseline
** alone when it is the only run. */
static void compared(const cs_doc *doc, const cs_run_set *set, cs_report_lang lang, cs_sb *out) {
  esc(out, doc->runs[set->idx[0]].scenario);
  if (set->n > 1) {
    const void *ud[2] = {doc, set};
    cs_sb_printf(out, " %s ", T("compared with"));
    list_and(out, set->n - 1, set_scenario_at, ud, lang);
  }
}

/* The page's subtitle: "Baseline compared with A and B, budget years
** 2023–2026" when every cooperation is in every run, else the scenarios. */
static void subtitle(const cs_doc *doc, const cs_run_set *sets, size_t nc, cs_report_lang lang, cs_sb *out) {
  int all = nc > 0;
  for (size_t k = 0; k < nc && all; k++) all = sets[k].n == doc->nruns;
  if (all) compared(doc, &sets[0], lang, out);
  else if (doc->nruns > 0) {
    cs_sb_printf(out, "%s: ", T(doc->nruns > 1 ? "Scenarios" : "Scenario"));
    list_and(out, doc->nruns, scenario_at, doc, lang);
  }
  int from, to;
  year_span(doc, &from, &to);
  if (from == to) cs_sb_printf(out, ", %s %d", T("budget year"), from);
  else cs_sb_printf(out, ", %s %d&ndash;%d", T("budget years"), from, to);
}

static void legend(const cs_doc *doc, const cs_run_set *set, size_t first, cs_sb *out) {
  cs_sb_add(out, "<p class=\"legend\">");
  for (size_t k = first; k < set->n; k++) {
    cs_sb_printf(out, "<span><i style=\"background:%s\"></i>", cs_report_colour(set->idx[k]));
    esc(out, doc->runs[set->idx[k]].scenario);
    cs_sb_add(out, "</span> ");
  }
  cs_sb_add(out, "</p>\n");
}

/* ---- table cells ------------------------------------------------------------ */

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

static void td_kr(cs_sb *out, int64_t v, int plus, cs_report_lang lang) {
  if (v < 0) LIT(out, "<td class=\"n neg\">");
  else LIT(out, "<td class=\"n\">");
  cs_report_kr(v, plus, lang, out);
  LIT(out, "</td>");
}

/* A number's cell, v in plain digits (a year, a count). */
static void td_int(cs_sb *out, int64_t v) {
  LIT(out, "<td class=\"n\">");
  cs_sb_int(out, v);
  LIT(out, "</td>");
}

/* The opening of a figure's cell in the summary: run r's, and (with_year)
** the year's. */
static void td_fig(cs_sb *out, size_t r, int with_year, int year) {
  LIT(out, "<td class=\"n fig\" data-run=\"");
  cs_sb_int(out, (int64_t)r);
  if (with_year) {
    LIT(out, "\" data-year=\"");
    cs_sb_int(out, year);
  }
  LIT(out, "\">");
}

/* Why the member of line i is absent from run r, escaped. */
static void absent(const cs_cmp *cmp, size_t i, size_t r, cs_report_lang lang, cs_sb *out) {
  cs_sb why = {0};
  cs_cmp_absent(cmp, i, r, lang, &why);
  if (why.oom) out->oom = 1;
  if (why.s) esc(out, why.s);
  cs_sb_free(&why);
}

/* ---- the summary -------------------------------------------------------------- */

/* A change in per cent as the page writes it: cs_rl_percent's text ("-40,5 %",
** nothing when a is 0) with a real minus, "−40,5 %". */
static void percent(cs_sb *out, int64_t a, int64_t b, cs_report_lang lang) {
  char buf[CS_FMT_FIXED_SIZE + 4];
  cs_rl_percent(a, b, lang, buf, sizeof buf);
  const char *p = buf;
  if (*p == '-') {
    LIT(out, "\xe2\x88\x92");
    p++;
  }
  cs_sb_add(out, p);
}

/* The change d from the baseline's a in a summary cell: "−16 386 (−40,5 %)",
** a muted 0 when nothing changed. */
static void change_cell(cs_sb *out, int64_t a, int64_t d, int both, size_t run, cs_report_lang lang) {
  if (d > 0) LIT(out, "<td class=\"n chg up\" data-run=\"");
  else if (d < 0) LIT(out, "<td class=\"n chg down\" data-run=\"");
  else LIT(out, "<td class=\"n chg same\" data-run=\"");
  cs_sb_int(out, (int64_t)run);
  LIT(out, "\">");
  cs_report_kr(d, 1, lang, out);
  if (both && a != 0 && d != 0) {
    cs_sb_add(out, " <small>(");
    percent(out, a, a + d, lang);
    cs_sb_add(out, ")</small>");
  }
  cs_sb_add(out, "</td>");
}

/* One budget year of one cooperation: each member's share in every run of
** the set, each variant's change from the baseline beside it, and the sums. */
static void summary_table(const cs_doc *doc, const cs_cmp *cmp, const cs_run_set *set, size_t from, size_t to,
                          cs_report_lang lang, cs_sb *out) {
  size_t nr = set->n, b = set->idx[0];
  int year = cmp->lines[from].year, inv = cmp->field == CS_CMP_INVOICE;
  cs_sb_printf(out, "<table class=\"summary\"%s data-year=\"%d\" data-cooperation=\"",
               inv ? " data-field=\"invoice\"" : "", year);
  esc(out, cmp->lines[from].cooperation);
  cs_sb_printf(out, "\">\n<caption>%s %d</caption>\n<colgroup><col class=\"member\">",
               T(inv ? "Invoiced in budget year" : "Budget year"), year);
  for (size_t k = 0; k < nr; k++) cs_sb_add(out, k ? "<col><col class=\"chg\">" : "<col>");
  cs_sb_add(out, "</colgroup>\n<thead><tr>");
  th(out, T("member"), 0);
  for (size_t k = 0; k < nr; k++) {
    cs_sb_printf(out, "<th class=\"n\"><i style=\"background:%s\"></i>", cs_report_colour(set->idx[k]));
    esc(out, doc->runs[set->idx[k]].scenario);
    cs_sb_add(out, "</th>");
    if (k > 0) th(out, T("change"), 1);
  }
  cs_sb_add(out, "</tr></thead>\n<tbody>\n");
  int64_t *sum = calloc(nr, sizeof *sum);
  if (!sum) {
    out->oom = 1;
    return;
  }
  for (size_t i = from; i < to; i++) {
    const cs_cmp_line *l = &cmp->lines[i];
    int base = l->status[b] == CS_CMP_PRESENT;
    cs_sb_add(out, "<tr data-code=\"");
    esc(out, l->code);
    cs_sb_add(out, "\"><td>");
    esc(out, l->name);
    cs_sb_add(out, " <span class=\"code\">");
    esc(out, l->code);
    cs_sb_add(out, "</span></td>");
    for (size_t k = 0; k < nr; k++) {
      size_t r = set->idx[k];
      int here = l->status[r] == CS_CMP_PRESENT;
      td_fig(out, r, 0, 0);
      if (here) {
        cs_report_kr(l->share[r], 0, lang, out);
        sum[k] += l->share[r];
      } else {
        cs_sb_add(out, "<span class=\"absent\">");
        absent(cmp, i, r, lang, out);
        cs_sb_add(out, "</span>");
      }
      cs_sb_add(out, "</td>");
      if (k == 0) continue;
      if (here || base) change_cell(out, base ? l->share[b] : 0, (here ? l->share[r] : 0) - (base ? l->share[b] : 0),
                                    here && base, r, lang);
      else cs_sb_add(out, "<td></td>");
    }
    cs_sb_add(out, "</tr>\n");
    cs_sb_spill(out); /* nothing written is looked at again */
  }
  cs_sb_add(out, "<tr class=\"total\"><td>");
  esc(out, T("total"));
  cs_sb_add(out, "</td>");
  for (size_t k = 0; k < nr; k++) {
    td_fig(out, set->idx[k], 0, 0);
    cs_report_kr(sum[k], 0, lang, out);
    cs_sb_add(out, "</td>");
    if (k > 0) change_cell(out, sum[0], sum[k] - sum[0], 1, set->idx[k], lang);
  }
  cs_sb_add(out, "</tr>\n</tbody></table>\n");
  free(sum);
}

/* The first line of the block of cooperation coop and year in cmp, or
** cmp->nlines when there is none. */
static size_t block_of(const cs_cmp *cmp, const char *coop, int year) {
  for (size_t i = 0; i < cmp->nlines; i++)
    if (cmp->lines[i].year == year && strcmp(cmp->lines[i].cooperation, coop) == 0) return i;
  return cmp->nlines;
}

/* Whether a run of the set has a row of coop in year that carries a
** settlement (SPEC 7.3). */
static int year_settles(const cs_doc *doc, const cs_run_set *set, const char *coop, int year) {
  for (size_t k = 0; k < set->n; k++) {
    const cs_doc_run *run = &doc->runs[set->idx[k]];
    for (size_t i = 0; i < run->nrows; i++) {
      const cs_doc_row *row = &run->rows[i];
      if (row->year == year && row->money && (row->settlement != 0 || row->settlement_only) &&
          strcmp(row->cooperation, coop) == 0)
        return 1;
    }
  }
  return 0;
}

static int by_code_year(const void *pa, const void *pb) {
  const cs_cmp_line *a = *(const cs_cmp_line *const *)pa, *b = *(const cs_cmp_line *const *)pb;
  int c = strcmp(a->code, b->code);
  return c ? c : (a->year > b->year) - (a->year < b->year);
}

/* One run of one cooperation: each member's share in every budget year, a
** member per row and a year per column, the sums below. */
static void summary_matrix(const cs_doc *doc, const cs_cmp *cmp, const cs_run_set *set, const char *coop,
                           cs_report_lang lang, cs_sb *out) {
  size_t r = set->idx[0], n = 0, ny = 0;
  const cs_cmp_line **lines = malloc((cmp->nlines ? cmp->nlines : 1) * sizeof *lines);
  int *years = malloc((cmp->nlines ? cmp->nlines : 1) * sizeof *years);
  int64_t *sum = calloc(cmp->nlines ? cmp->nlines : 1, sizeof *sum);
  if (!lines || !years || !sum) {
    out->oom = 1;
    goto done;
  }
  for (size_t i = 0; i < cmp->nlines; i++) {
    const cs_cmp_line *l = &cmp->lines[i];
    if (strcmp(l->cooperation, coop)) continue;
    if (ny == 0 || years[ny - 1] != l->year) years[ny++] = l->year;
    lines[n++] = l;
  }
  /* by member, then year: a row ends where the code changes */
  qsort((void *)lines, n, sizeof *lines, by_code_year);
  cs_sb_printf(out, "<table class=\"summary matrix\"%s data-cooperation=\"",
               cmp->field == CS_CMP_INVOICE ? " data-field=\"invoice\"" : "");
  esc(out, coop);
  cs_sb_add(out, "\">\n<caption>");
  esc(out, doc->runs[r].scenario);
  if (cmp->field == CS_CMP_INVOICE) {
    cs_sb_add(out, ": ");
    esc(out, T("Invoiced (share + settlement)"));
  }
  cs_sb_add(out, "</caption>\n<thead><tr>");
  th(out, T("member"), 0);
  for (size_t y = 0; y < ny; y++) cs_sb_printf(out, "<th class=\"n\">%d</th>", years[y]);
  cs_sb_add(out, "</tr></thead>\n<tbody>\n");
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && strcmp(lines[j]->code, lines[i]->code) == 0) j++;
    cs_sb_add(out, "<tr data-code=\"");
    esc(out, lines[i]->code);
    cs_sb_add(out, "\"><td>");
    esc(out, lines[j - 1]->name); /* its latest name */
    cs_sb_add(out, " <span class=\"code\">");
    esc(out, lines[i]->code);
    cs_sb_add(out, "</span></td>");
    for (size_t y = 0, k = i; y < ny; y++) {
      td_fig(out, r, 1, years[y]);
      if (k < j && lines[k]->year == years[y]) {
        const cs_cmp_line *l = lines[k++];
        if (l->status[r] == CS_CMP_PRESENT) {
          cs_report_kr(l->share[r], 0, lang, out);
          sum[y] += l->share[r];
        } else {
          cs_sb_add(out, "<span class=\"absent\">");
          absent(cmp, (size_t)(l - cmp->lines), r, lang, out);
          cs_sb_add(out, "</span>");
        }
      }
      cs_sb_add(out, "</td>");
    }
    cs_sb_add(out, "</tr>\n");
    cs_sb_spill(out); /* nothing written is looked at again */
    i = j;
  }
  cs_sb_add(out, "<tr class=\"total\"><td>");
  esc(out, T("total"));
  cs_sb_add(out, "</td>");
  for (size_t y = 0; y < ny; y++) {
    td_fig(out, r, 1, years[y]);
    cs_report_kr(sum[y], 0, lang, out);
    cs_sb_add(out, "</td>");
  }
  cs_sb_add(out, "</tr>\n</tbody></table>\n");
done:
  free((void *)lines);
  free(years);
  free(sum);
}

/* ---- the details ------------------------------------------------------------- */

static void compare_table(const cs_doc *doc, const cs_cmp *cmp, const cs_run_set *set, const char *coop,
                          cs_report_lang lang, cs_sb *out) {
  size_t nr = set->n, b = set->idx[0];
  cs_sb_printf(out, "<table class=\"details\"%s>\n<thead><tr>",
               cmp->field == CS_CMP_INVOICE ? " data-field=\"invoice\"" : "");
  th(out, T("year"), 1);
  th(out, T("code"), 0);
  th(out, T("member"), 0);
  for (size_t k = 0; k < nr; k++) {
    th(out, doc->runs[set->idx[k]].scenario, 1);
    if (k > 0) {
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
  for (size_t i = 0; i < cmp->nlines; i++) {
    const cs_cmp_line *l = &cmp->lines[i];
    if (strcmp(l->cooperation, coop)) continue;
    cs_sb_add(out, "<tr>");
    td_int(out, l->year);
    td(out, l->code, 0);
    td(out, l->name, 0);
    int base = l->status[b] == CS_CMP_PRESENT;
    for (size_t k = 0; k < nr; k++) {
      size_t r = set->idx[k];
      int here = l->status[r] == CS_CMP_PRESENT;
      if (here) {
        td_kr(out, l->share[r], 0, lang);
        sum[k] += l->share[r];
      } else {
        cs_sb_add(out, "<td class=\"n\">");
        absent(cmp, i, r, lang, out);
        cs_sb_add(out, "</td>");
      }
      if (k > 0) {
        if (here || base) td_kr(out, (here ? l->share[r] : 0) - (base ? l->share[b] : 0), 1, lang);
        else td(out, "", 1);
        cs_sb_add(out, "<td class=\"n\">");
        if (here && base) percent(out, l->share[b], l->share[r], lang);
        cs_sb_add(out, "</td>");
      }
    }
    cs_sb_add(out, "</tr>\n");
    cs_sb_spill(out); /* nothing written is looked at again */
    const cs_cmp_line *next = i + 1 < cmp->nlines ? &cmp->lines[i + 1] : NULL;
    if (!next || next->year != l->year || strcmp(next->cooperation, l->cooperation)) {
      cs_sb_add(out, "<tr class=\"total\"><td></td><td></td>");
      td(out, T("total"), 0);
      for (size_t k = 0; k < nr; k++) {
        td_kr(out, sum[k], 0, lang);
        if (k > 0) {
          td_kr(out, sum[k] - sum[0], 1, lang);
          cs_sb_add(out, "<td class=\"n\">");
          percent(out, sum[0], sum[k], lang);
          cs_sb_add(out, "</td>");
        }
      }
      cs_sb_add(out, "</tr>\n");
      cs_sb_spill(out); /* nothing written is looked at again */
      memset(sum, 0, nr * sizeof *sum);
    }
  }
  free(sum);
  cs_sb_add(out, "</tbody></table>\n");
}

/* Whether a and b are the same text, or both NULL; the same pointer (a
** text the document shares) needs no comparison. */
static int same_str(const char *a, const char *b) { return a == b || (a && b && strcmp(a, b) == 0); }

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

/* Each distinct key of the run's years for the cooperation, from the year
** it first applies: label, description, source, assumption. */
static void key_list(const cs_doc_run *run, const char *coop, cs_report_lang lang, cs_sb *out) {
  cs_sb_add(out, "<ul class=\"key\">\n");
  for (size_t i = 0; i < run->nyears; i++) {
    const cs_doc_year *y = &run->years[i];
    if (strcmp(y->cooperation, coop)) continue;
    int seen = 0;
    for (size_t j = 0; j < i && !seen; j++) {
      const cs_doc_year *p = &run->years[j];
      seen = strcmp(p->cooperation, coop) == 0 && same_year_key(p, y);
    }
    if (seen) continue;
    cs_sb_printf(out, "<li>%s %d: <b>", T("from"), y->year);
    esc(out, T("key"));
    cs_sb_add(out, ":</b> ");
    if (y->key_label) {
      cs_sb_add(out, "<q>");
      esc(out, y->key_label);
      cs_sb_add(out, "</q> = ");
    }
    esc(out, cs_rl_key(lang, y));
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

/* Whether two rows' populations have the same date and source. */
static int same_population(const cs_doc_row *a, const cs_doc_row *b) {
  return same_str(a->population_date, b->population_date) && same_str(a->population_source, b->population_source);
}

/* A decimal amount's cell, empty for NULL. */
static void td_money(cs_sb *out, const char *amount, cs_report_lang lang) {
  char buf[96];
  td(out, amount ? cs_rl_money(amount, lang, 1, buf, sizeof buf) : "", 1);
}

/* The run's years and rows of one cooperation: with services, each
** service's share after the total; with the money cycle (SPEC 7.3), the
** difference (where a year has accounts), the settlement and the invoice,
** and the years' accounts beside their budgets. */
static void run_tables(const cs_doc_run *run, const char *coop, cs_report_lang lang, cs_sb *out) {
  char buf[96];
  unsigned f = cs_report_features(run, 1, coop);
  int accounts = (f & CS_RF_ACCOUNTS) != 0, money = (f & CS_RF_MONEY) != 0, diff = (f & CS_RF_DIFFERENCE) != 0;
  cs_sb_add(out, "<table class=\"details\">\n<thead><tr>");
  static const char *const yh[] = {"year",        "cost",          "grants",          "net cost",     "actual cost",
                                   "actual grants", "actual net cost", "sum of shares", "balance", "members"};
  for (size_t c = 0; c < 10; c++)
    if (accounts || c < 4 || c > 6) th(out, T(yh[c]), 1);
  th(out, T("note"), 0);
  cs_sb_add(out, "</tr></thead>\n<tbody>\n");
  for (size_t i = 0; i < run->nyears; i++) {
    const cs_doc_year *y = &run->years[i];
    if (strcmp(y->cooperation, coop)) continue;
    cs_sb_add(out, "<tr>");
    td_int(out, y->year);
    td(out, cs_rl_money(y->cost, lang, 1, buf, sizeof buf), 1);
    td(out, cs_rl_money(y->grants, lang, 1, buf, sizeof buf), 1);
    td(out, cs_rl_money(y->net, lang, 1, buf, sizeof buf), 1);
    if (accounts) {
      td_money(out, y->actual_cost, lang);
      td_money(out, y->actual_grants, lang);
      td_money(out, y->actual_net, lang);
    }
    td_kr(out, y->sum_shares, 0, lang);
    td(out, cs_rl_money(y->balance, lang, 1, buf, sizeof buf), 1);
    td_int(out, y->members);
    cs_sb_add(out, "<td>");
    cs_sb note = {0};
    cs_report_year_note(y, lang, 1, &note);
    if (note.oom) out->oom = 1;
    if (note.s) esc(out, note.s);
    cs_sb_free(&note);
    cs_sb_add(out, "</td></tr>\n");
    cs_sb_spill(out);
  }
  cs_sb_add(out, "</tbody></table>\n");
  size_t np = 0, ns = 0;
  const char **parts = cs_report_part_names(run, 1, coop, &np, &out->oom);
  const char **services = cs_report_service_names(run, 1, coop, &ns, &out->oom);
  cs_sb_add(out, "<table class=\"details\">\n<thead><tr>");
  th(out, T("year"), 1);
  th(out, T("code"), 0);
  th(out, T("member"), 0);
  th(out, T("population"), 1);
  for (size_t p = 0; p < np; p++) {
    cs_sb_add(out, "<th class=\"n\">");
    cs_sb h = {0};
    cs_rl_part(lang, parts[p], &h);
    if (h.oom) out->oom = 1;
    if (h.s) esc(out, h.s);
    cs_sb_free(&h);
    cs_sb_add(out, "</th>");
  }
  if (np) th(out, T("rounding"), 1);
  th(out, T("total"), 1);
  for (size_t k = 0; k < ns; k++) th(out, services[k], 1);
  if (diff) th(out, T("difference"), 1);
  if (money) {
    th(out, T("settlement"), 1);
    th(out, T("invoice"), 1);
  }
  th(out, T("due"), 0);
  th(out, T("payee"), 0);
  cs_sb_add(out, "</tr></thead>\n<tbody>\n");
  for (size_t i = 0; i < run->nrows; i++) {
    const cs_doc_row *row = &run->rows[i];
    if (strcmp(row->cooperation, coop)) continue;
    int share = !cs_report_no_share(row);
    cs_sb_add(out, share ? "<tr>" : "<tr class=\"settlement-only\">");
    td_int(out, row->year);
    td(out, row->code, 0);
    cs_sb_add(out, "<td>");
    esc(out, row->name);
    if (!share) {
      cs_sb_add(out, " <span class=\"small\">(");
      esc(out, T("settlement only"));
      cs_sb_add(out, ")</span>");
    }
    if (row->merged) {
      cs_sb_add(out, " <span class=\"small\">(");
      esc(out, T("merged"));
      cs_sb_add(out, ": ");
      esc(out, row->merged);
      cs_sb_add(out, ")</span>");
    }
    cs_sb_add(out, "</td>");
    if (row->population >= 0) { /* digits and separators: nothing to escape */
      char pop[1 + CS_FMT_GROUPED_SIZE];
      LIT(out, "<td class=\"n\">");
      cs_sb_add(out, cs_rl_int(row->population, lang, 1, pop, sizeof pop));
      LIT(out, "</td>");
    } else {
      td(out, "", 1);
    }
    for (size_t p = 0; p < np; p++) {
      int64_t v;
      if (share && cs_report_row_part(row, parts[p], &v)) td_kr(out, v, 0, lang);
      else td(out, "", 1);
    }
    if (np) {
      if (share) td_kr(out, cs_report_row_rounding(row), 0, lang);
      else td(out, "", 1);
    }
    if (share) td_kr(out, row->total, 0, lang);
    else td(out, "", 1);
    for (size_t k = 0; k < ns; k++) {
      int64_t v;
      if (share && cs_report_row_service(row, services[k], &v)) td_kr(out, v, 0, lang);
      else td(out, "", 1);
    }
    if (diff) {
      if (row->money && row->has_difference) td_kr(out, row->difference, 0, lang);
      else td(out, "", 1);
    }
    if (money) {
      td_kr(out, row->money ? row->settlement : 0, 0, lang);
      td_kr(out, row->money ? row->invoice : row->total, 0, lang);
    }
    td(out, row->due ? row->due : "", 0);
    td(out, row->host ? T("(host)") : row->payee ? row->payee : "", 0);
    cs_sb_add(out, "</tr>\n");
    cs_sb_spill(out); /* nothing written is looked at again */
  }
  cs_sb_add(out, "</tbody></table>\n");
  free((void *)parts);
  free((void *)services);
  /* where the populations come from: each date and source once */
  cs_sb_add(out, "<p class=\"small\">");
  esc(out, T("Population"));
  cs_sb_add(out, ": ");
  int any = 0;
  const cs_doc_row **seen = malloc((run->nrows ? run->nrows : 1) * sizeof *seen);
  size_t nseen = 0, hit = 0;
  if (!seen) out->oom = 1;
  for (size_t i = 0; i < run->nrows && seen; i++) {
    const cs_doc_row *row = &run->rows[i];
    if (strcmp(row->cooperation, coop) || !row->population_date) continue;
    /* the rows of a year share a date: the one the row before matched first */
    if (hit < nseen && same_population(seen[hit], row)) continue;
    size_t j = 0;
    while (j < nseen && !same_population(seen[j], row)) j++;
    hit = j;
    if (j < nseen) continue;
    seen[nseen++] = row;
    if (any++) cs_sb_add(out, ", ");
    esc(out, row->population_date);
    if (row->population_source) {
      cs_sb_add(out, " (");
      esc(out, cs_rl_population_source(lang, row->population_source));
      cs_sb_add(out, ")");
    }
  }
  free((void *)seen);
  if (!any) esc(out, T("not used by the key"));
  cs_sb_add(out, ". ");
  if (run->options && lang == CS_LANG_EN) {
    esc(out, T("options"));
    cs_sb_add(out, ": <code>");
    esc(out, run->options);
    cs_sb_add(out, "</code>");
  } else if (run->options) { /* words, not code */
    cs_sb words = {0};
    cs_rl_options(lang, run->options, &words);
    if (words.oom) out->oom = 1;
    esc(out, T("options"));
    cs_sb_add(out, ": ");
    esc(out, words.s ? words.s : "");
    cs_sb_free(&words);
  }
  cs_sb_add(out, "</p>\n");
}

/* ---- the charts of one cooperation -------------------------------------------- */

/* Under a year's chart: what the members marked * are mergers of. */
static void merger_notes(const cs_doc *doc, const cs_cmp *cmp, const cs_run_set *set, size_t from, size_t to,
                         cs_report_lang lang, cs_sb *out) {
  for (size_t i = from; i < to; i++) {
    const cs_cmp_line *l = &cmp->lines[i];
    for (size_t k = 0; k < set->n; k++) {
      size_t r = set->idx[k];
      if (!l->merged[r]) continue;
      int same = 0; /* said already for an earlier run */
      for (size_t q = 0; q < k && !same; q++) same = same_str(l->merged[set->idx[q]], l->merged[r]);
      if (same) continue;
      cs_sb_add(out, "<p class=\"note\">* ");
      esc(out, l->name);
      cs_sb_add(out, ", ");
      esc(out, T("merged"));
      cs_sb_add(out, ": ");
      esc(out, l->merged[r]);
      if (set->n > 1) {
        cs_sb_add(out, " (");
        esc(out, doc->runs[r].scenario);
        cs_sb_add(out, ")");
      }
      cs_sb_add(out, "</p>\n");
    }
  }
}

/* Small multiples: one chart per budget year of the cooperation, side by
** side, on one scale; shares (diff 0) or each variant's change from the
** baseline (1). */
static void multiples(const cs_doc *doc, const cs_cmp *cmp, const cs_run_set *set, const char *coop, int diff,
                      cs_report_lang lang, cs_sb *out) {
  size_t b = set->idx[0];
  legend(doc, set, diff ? 1 : 0, out);
  /* one scale for every year, so the years compare at a glance */
  double lo = 0, hi = 0;
  for (size_t i = 0; i < cmp->nlines;) {
    size_t to = cs_cmp_block_end(cmp, i);
    if (strcmp(cmp->lines[i].cooperation, coop) == 0) cs_svg_member_range(cmp, set, i, to, diff, &lo, &hi);
    i = to;
  }
  cs_sb_add(out, "<div class=\"multiples\">\n");
  for (size_t i = 0; i < cmp->nlines;) {
    size_t to = cs_cmp_block_end(cmp, i);
    if (strcmp(cmp->lines[i].cooperation, coop) == 0) {
      cs_sb_printf(out, "<figure data-year=\"%d\"><figcaption>%d</figcaption>\n", cmp->lines[i].year,
                   cmp->lines[i].year);
      int any = !diff;
      for (size_t j = i; j < to && !any; j++) {
        const cs_cmp_line *l = &cmp->lines[j];
        for (size_t k = 1; k < set->n && !any; k++) {
          size_t r = set->idx[k];
          int here = l->status[r] == CS_CMP_PRESENT, base = l->status[b] == CS_CMP_PRESENT;
          any = here != base || (here && l->share[r] != l->share[b]);
        }
      }
      if (any) {
        cs_svg_member_chart(doc, cmp, set, i, to, diff, lo, hi, lang, out);
        merger_notes(doc, cmp, set, i, to, lang, out);
      } else {
        cs_sb_add(out, "<p class=\"note\">");
        esc(out, T("no differences from the baseline this year"));
        cs_sb_add(out, "</p>\n");
      }
      cs_sb_add(out, "</figure>\n");
      cs_sb_spill(out);
    }
    i = to;
  }
  cs_sb_add(out, "</div>\n");
}

/* ---- each cooperation's rows -------------------------------------------------- */

/* The cooperation (an index into the page's list of them) of each row and
** year of a run. A national document has many cooperations in each run:
** what the page asks per cooperation and run looks at that cooperation's
** rows only (coop_view), not at every row of the run each time. */
typedef struct run_coops {
  size_t *row, *year;
} run_coops;

/* The index in coops[0 .. nc) of name: that of the row before (prev, its
** name prev_name) when it is the same. */
static size_t coop_at(const char *const *coops, size_t nc, const char *name, const char *prev_name, size_t prev) {
  if (prev_name && (prev_name == name || strcmp(prev_name, name) == 0)) return prev;
  size_t k = 0;
  while (k < nc && strcmp(coops[k], name)) k++;
  return k; /* < nc: coops lists every row's and year's cooperation */
}

/* Fills rc for run, and has[k] for each cooperation k the run has rows or
** years of. 0, or -1 out of memory. */
static int index_coops(const cs_doc_run *run, const char *const *coops, size_t nc, run_coops *rc,
                       unsigned char *has) {
  rc->row = malloc((run->nrows ? run->nrows : 1) * sizeof *rc->row);
  rc->year = malloc((run->nyears ? run->nyears : 1) * sizeof *rc->year);
  if (!rc->row || !rc->year) return -1;
  for (size_t i = 0; i < run->nrows; i++) {
    const char *prev = i ? run->rows[i - 1].cooperation : NULL;
    rc->row[i] = coop_at(coops, nc, run->rows[i].cooperation, prev, i ? rc->row[i - 1] : 0);
    if (rc->row[i] < nc) has[rc->row[i]] = 1;
  }
  for (size_t i = 0; i < run->nyears; i++) {
    const char *prev = i ? run->years[i - 1].cooperation : NULL;
    rc->year[i] = coop_at(coops, nc, run->years[i].cooperation, prev, i ? rc->year[i - 1] : 0);
    if (rc->year[i] < nc) has[rc->year[i]] = 1;
  }
  return 0;
}

/* One run's rows and years of one cooperation as a run of their own, in
** the run's order: copies of the row and year structs, whose texts stay
** the document's. Every use filters by the cooperation as it would on the
** whole run, so what it finds is the same. */
typedef struct coop_view {
  cs_doc_run run;
  cs_doc_row *rows;
  cs_doc_year *years;
  size_t rows_cap, years_cap;
} coop_view;

/* Sets v to run's rows and years of cooperation k (rc: run's index).
** 0, or -1 out of memory. */
static int view_of(const cs_doc_run *run, const run_coops *rc, size_t k, coop_view *v) {
  size_t nr = 0, ny = 0;
  for (size_t i = 0; i < run->nrows; i++) nr += rc->row[i] == k;
  for (size_t i = 0; i < run->nyears; i++) ny += rc->year[i] == k;
  if (nr > v->rows_cap) {
    cs_doc_row *rows = realloc(v->rows, nr * sizeof *rows);
    if (!rows) return -1;
    v->rows = rows, v->rows_cap = nr;
  }
  if (ny > v->years_cap) {
    cs_doc_year *years = realloc(v->years, ny * sizeof *years);
    if (!years) return -1;
    v->years = years, v->years_cap = ny;
  }
  v->run = *run;
  v->run.rows = v->rows, v->run.nrows = 0;
  v->run.years = v->years, v->run.nyears = 0;
  for (size_t i = 0; i < run->nrows; i++)
    if (rc->row[i] == k) v->rows[v->run.nrows++] = run->rows[i];
  for (size_t i = 0; i < run->nyears; i++)
    if (rc->year[i] == k) v->years[v->run.nyears++] = run->years[i];
  return 0;
}

/* ---- the page ------------------------------------------------------------------ */

static const char style[] =
    "body{font-family:'DejaVu Sans',system-ui,sans-serif;margin:1.5em auto;padding:0 1em;color:#222;"
    "max-width:1100px;font-size:14px;line-height:1.35}"
    "h1{font-size:1.7em;margin:0.2em 0}h2{font-size:1.3em;margin-top:1.6em;border-bottom:2px solid #0072B2}"
    "h3{font-size:1.1em;margin-top:1.4em}.lead{font-size:1.1em;margin:0.2em 0 0.6em 0}"
    ".small,.note{font-size:0.8em;color:#555}.note{margin:0.2em 0}"
    "table{border-collapse:collapse;margin:0.6em 0;font-size:0.85em}"
    "caption{text-align:left;font-weight:bold;padding:0.2em 0}"
    "th,td{padding:2px 7px;border-bottom:1px solid #e4e4e4;text-align:left;vertical-align:top}"
    "th{background:#f3f3f3}td{white-space:nowrap}.n{text-align:right;font-variant-numeric:tabular-nums}"
    ".neg{color:#b00020}.up{color:#b00020}.down{color:#1a6b1a}tr.total td{font-weight:bold;border-top:2px solid #999}"
    "table.summary th i,.legend i{display:inline-block;width:0.8em;height:0.8em;margin-right:0.3em;"
    "vertical-align:-0.05em}"
    "table.summary{width:100%;max-width:980px;table-layout:fixed}table.summary col.member{width:20%}"
    "table.summary col.chg{width:11%}table.summary th{white-space:normal}"
    "table.matrix{width:auto;min-width:50%;table-layout:auto}table.summary td.fig{font-weight:bold;border-left:1px solid #e4e4e4}table.summary .chg{font-size:0.85em}"
    "table.summary .same{color:#aaa}table.summary small{font-size:0.9em}"
    ".absent{font-style:italic;color:#666}.code{font-size:0.8em;color:#888}"
    ".legend{margin:0.3em 0}.legend span{margin-right:1.2em;white-space:nowrap}"
    ".assumption{color:#8a4b00;font-weight:bold}"
    ".multiples{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:0.5em 1.5em}"
    "figure{margin:0;break-inside:avoid;page-break-inside:avoid}"
    "figcaption{font-weight:bold;font-size:0.9em}"
    "svg.chart{display:block;width:100%;max-width:510px;height:auto}figure.totals svg.chart{max-width:440px}"
    "svg .grid{stroke:#e3e3e3}svg .zero{stroke:#555}"
    "svg text{font-family:'DejaVu Sans',system-ui,sans-serif;fill:#222}"
    "svg .name{font-size:8px;text-anchor:end}svg .tick,svg .unit{font-size:7px;fill:#555}"
    "svg .tick{text-anchor:middle}svg .unit{text-anchor:end;font-weight:bold}"
    "svg .value{font-size:7.5px}svg .value.neg{text-anchor:end}"
    "svg .absent{font-size:7.5px;font-style:italic;fill:#666}svg .mark{font-size:7.5px;font-weight:bold;fill:#8a4b00}"
    "table.details td{font-size:0.95em}"
    "@page{size:A4;margin:14mm 12mm}"
    "@media print{body{margin:0;padding:0;max-width:none;font-size:9.5pt}"
    "h2{break-after:avoid;page-break-after:avoid}h3,caption,figcaption{break-after:avoid;page-break-after:avoid}"
    "table.summary,figure,.legend{break-inside:avoid;page-break-inside:avoid}"
    "thead{display:table-header-group}tr{break-inside:avoid;page-break-inside:avoid}"
    ".multiples{grid-template-columns:1fr 1fr;gap:0.3em 1em}"
    "section.details{break-before:page;page-break-before:always}"
    "table.details{font-size:0.75em}}";

/* What each cooperation's details read (cs_report_html). */
typedef struct details {
  const cs_doc *doc;
  const cs_cmp *cmp, *inv;
  const char *const *coops;
  const cs_run_set *sets;
  const run_coops *rc;
  cs_report_lang lang;
} details;

/* The details of cooperation k: its keys, charts, comparison and each
** run's tables (a cs_section_fn: run on two threads at once, it reads d). */
static void coop_details(void *ud, size_t k, cs_sb *out) {
  const details *d = ud;
  const cs_doc *doc = d->doc;
  const cs_cmp *cmp = d->cmp, *inv = d->inv;
  const char *const *coops = d->coops;
  const cs_run_set *set = &d->sets[k];
  cs_report_lang lang = d->lang;
  /* the runs' rows and years of this cooperation */
  coop_view *views = calloc(set->n ? set->n : 1, sizeof *views);
  if (!views) out->oom = 1;
  for (size_t a = 0; a < set->n && !out->oom; a++)
    if (view_of(&doc->runs[set->idx[a]], &d->rc[set->idx[a]], k, &views[a])) out->oom = 1;
  if (out->oom) goto done;
  cs_sb_add(out, "<section class=\"cooperation\">\n<h2>");
  esc(out, coops[k]);
  cs_sb_add(out, "</h2>\n<h3>");
  esc(out, T("Cost-sharing key"));
  cs_sb_add(out, "</h3>\n");
  /* the keys, once for all runs that share them */
  for (size_t a = 0; a < set->n; a++) {
    const cs_doc_run *run = &views[a].run;
    int shown = 0;
    for (size_t q = 0; q < a && !shown; q++) shown = same_keys(&views[q].run, run, coops[k]);
    if (shown) continue;
    if (set->n > 1) {
      cs_sb_add(out, "<p><b>");
      for (size_t q = a, n = 0; q < set->n; q++) {
        if (q > a && !same_keys(run, &views[q].run, coops[k])) continue;
        if (n++) cs_sb_add(out, ", ");
        esc(out, doc->runs[set->idx[q]].scenario);
      }
      cs_sb_add(out, "</b></p>\n");
    }
    key_list(run, coops[k], lang, out);
  }
  cs_sb_add(out, "<h3>");
  esc(out, T("Sum of shares by year"));
  cs_sb_add(out, "</h3>\n<figure class=\"totals\">");
  legend(doc, set, 0, out);
  cs_svg_totals_chart(doc, cmp, set, coops[k], lang, out);
  cs_sb_add(out, "</figure>\n<h3>");
  esc(out, T("What each member pays"));
  cs_sb_add(out, "</h3>\n");
  multiples(doc, cmp, set, coops[k], 0, lang, out);
  if (set->n > 1) {
    cs_sb_add(out, "<h3>");
    esc(out, T("Change from the baseline"));
    cs_sb_add(out, " (");
    esc(out, doc->runs[set->idx[0]].scenario);
    cs_sb_add(out, ")</h3>\n");
    multiples(doc, cmp, set, coops[k], 1, lang, out);
    cs_sb_add(out, "<h3>");
    esc(out, T("Comparison"));
    cs_sb_add(out, "</h3>\n");
    compare_table(doc, cmp, set, coops[k], lang, out);
    if (inv && (cs_report_set_features(doc, set, coops[k]) & CS_RF_SETTLEMENTS)) {
      cs_sb_add(out, "<h3>");
      esc(out, T("Invoiced (share + settlement)"));
      cs_sb_add(out, "</h3>\n");
      compare_table(doc, inv, set, coops[k], lang, out);
    }
  }
  for (size_t a = 0; a < set->n; a++) {
    const cs_doc_run *run = &views[a].run;
    cs_sb_add(out, "<h3>");
    esc(out, run->scenario);
    cs_sb_printf(out, ", %d&ndash;%d", run->from, run->to);
    if (a == 0 && set->n > 1) {
      cs_sb_add(out, " (");
      esc(out, T("baseline"));
      cs_sb_add(out, ")");
    }
    cs_sb_add(out, "</h3>\n");
    run_tables(run, coops[k], lang, out);
  }
  cs_sb_add(out, "</section>\n");
done:
  for (size_t a = 0; views && a < set->n; a++) free(views[a].rows), free(views[a].years);
  free(views);
}

int cs_report_html(const cs_doc *doc, cs_report_lang lang, cs_sb *out, cs_error *err) {
  return cs_report_html_with(doc, lang, out, err, CS_HTML_THREAD_ROWS, CS_HTML_MAX_BUFFERED);
}

int cs_report_html_with(const cs_doc *doc, cs_report_lang lang, cs_sb *out, cs_error *err, size_t thread_rows,
                        size_t max_buffered) {
  cs_cmp *cmp, *inv = NULL;
  if (cs_cmp_build(doc, CS_CMP_SHARE, &cmp, err)) return CS_ENOMEM;
  /* where a run has settlements, its invoices beside its shares (SPEC 7.3) */
  if ((cs_report_features(doc->runs, doc->nruns, NULL) & CS_RF_SETTLEMENTS) &&
      cs_cmp_build(doc, CS_CMP_INVOICE, &inv, err)) {
    cs_cmp_free(cmp);
    return CS_ENOMEM;
  }
  size_t nc = 0;
  const char **coops = cs_report_cooperations(doc->runs, doc->nruns, &nc, &out->oom);
  /* each run's rows by cooperation; each cooperation with the runs that
  ** have it (cs_report_runs_of) */
  run_coops *rc = calloc(doc->nruns ? doc->nruns : 1, sizeof *rc);
  unsigned char *has = calloc((doc->nruns ? doc->nruns : 1) * (nc ? nc : 1), 1);
  cs_run_set *sets = calloc(nc ? nc : 1, sizeof *sets);
  if (!rc || !has || !sets) out->oom = 1;
  for (size_t r = 0; r < doc->nruns && !out->oom; r++) {
    if (index_coops(&doc->runs[r], coops, nc, &rc[r], has + r * nc)) out->oom = 1;
  }
  for (size_t k = 0; k < nc && !out->oom; k++) {
    sets[k].idx = malloc((doc->nruns ? doc->nruns : 1) * sizeof *sets[k].idx);
    if (!sets[k].idx) out->oom = 1;
    for (size_t r = 0; r < doc->nruns && sets[k].idx; r++)
      if (has[r * nc + k]) sets[k].idx[sets[k].n++] = r;
  }
  if (out->oom) goto done;
  /* each cooperation's details, on a helper thread from now on when the
  ** document is large (the text is the same: cs_sections) */
  size_t nrows = 0;
  for (size_t r = 0; r < doc->nruns; r++) nrows += doc->runs[r].nrows;
  details d = {doc, cmp, inv, coops, sets, rc, lang};
  cs_sections sections;
  cs_sections_start(&sections, nc, coop_details, &d, max_buffered, nrows >= thread_rows);
  int one_set = 1; /* every cooperation in the same runs */
  for (size_t k = 1; k < nc && one_set; k++) {
    one_set = sets[k].n == sets[0].n && memcmp(sets[k].idx, sets[0].idx, sets[0].n * sizeof *sets[0].idx) == 0;
  }
  /* the title: the cooperations, then the scenarios */
  cs_sb title = {0};
  list_and(&title, nc, string_at, coops, lang);
  if (nc == 0) cs_sb_add(&title, "coopsim");
  cs_sb_printf(out, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n",
               lang == CS_LANG_NB ? "nb" : "en");
  cs_sb_add(out, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
  if (title.s) cs_sb_add(out, title.s);
  if (doc->nruns > 0) {
    cs_sb_add(out, " &ndash; ");
    list_and(out, doc->nruns, scenario_at, doc, lang);
  }
  cs_sb_printf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n<header>\n<h1>", style);
  if (title.s) cs_sb_add(out, title.s);
  cs_sb_free(&title);
  cs_sb_add(out, "</h1>\n<p class=\"lead\">");
  subtitle(doc, sets, nc, lang, out);
  cs_sb_add(out, "</p>\n<p class=\"small\">");
  esc(out, T("Made with"));
  cs_sb_add(out, " coopsim ");
  esc(out, doc->coopsim_version ? doc->coopsim_version : "");
  if (doc->scenario_file) {
    cs_sb_printf(out, " %s ", T("from"));
    esc(out, doc->scenario_file);
  }
  cs_sb_add(out, ". ");
  esc(out, T("Populations: Statistics Norway (SSB)."));
  cs_sb_add(out, "</p>\n</header>\n");

  /* the summary */
  int variants = 0;
  for (size_t k = 0; k < nc; k++) variants |= sets[k].n > 1;
  cs_sb_add(out, "<section class=\"summary\" id=\"summary\">\n<h2>");
  esc(out, T(variants ? "Summary: what each member pays, and the change" : "Summary: what each member pays"));
  cs_sb_add(out, "</h2>\n<p class=\"note\">");
  esc(out, T("Kroner per budget year."));
  if (variants) {
    cs_sb_add(out, " ");
    esc(out, T("Beside each figure of a variant: the change from the baseline, the first scenario."));
  }
  cs_sb_add(out, "</p>\n");
  for (size_t k = 0; k < nc; k++) {
    if (nc > 1) {
      cs_sb_add(out, "<h3>");
      esc(out, coops[k]);
      cs_sb_add(out, "</h3>\n");
      if (!one_set && sets[k].n > 1) {
        cs_sb_add(out, "<p class=\"note\">");
        compared(doc, &sets[k], lang, out);
        cs_sb_add(out, "</p>\n");
      }
    }
    int invoiced = inv && (cs_report_set_features(doc, &sets[k], coops[k]) & CS_RF_SETTLEMENTS);
    if (sets[k].n == 1) {
      summary_matrix(doc, cmp, &sets[k], coops[k], lang, out);
      if (invoiced) summary_matrix(doc, inv, &sets[k], coops[k], lang, out);
      continue;
    }
    for (size_t i = 0; i < cmp->nlines;) {
      size_t to = cs_cmp_block_end(cmp, i);
      if (strcmp(cmp->lines[i].cooperation, coops[k]) == 0) {
        summary_table(doc, cmp, &sets[k], i, to, lang, out);
        /* a year that settles the one before: what is invoiced, beside it */
        size_t j = invoiced ? block_of(inv, coops[k], cmp->lines[i].year) : 0;
        if (invoiced && j < inv->nlines && year_settles(doc, &sets[k], coops[k], cmp->lines[i].year))
          summary_table(doc, inv, &sets[k], j, cs_cmp_block_end(inv, j), lang, out);
      }
      i = to;
    }
  }
  cs_sb_add(out, "</section>\n");

  /* the details (begun on the helper thread, if any, with the summary) */
  cs_sb_add(out, "<section class=\"details\" id=\"details\">\n<h2>");
  esc(out, T("Details"));
  cs_sb_add(out, "</h2>\n");
  cs_sections_finish(&sections, out);
  cs_sb_add(out, "</section>\n</body>\n</html>\n");
done:
  for (size_t k = 0; sets && k < nc; k++) free(sets[k].idx);
  free(sets);
  for (size_t r = 0; rc && r < doc->nruns; r++) free(rc[r].row), free(rc[r].year);
  free(rc);
  free(has);
  free((void *)coops);
  cs_cmp_free(cmp);
  cs_cmp_free(inv);
  return out->oom ? cs_error_set(err, CS_ENOMEM, "out of memory writing HTML") : 0;
}
