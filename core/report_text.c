/*
** report_text.c: the text reports: aligned terminal tables, CSV and Markdown
** (report_internal.h).
**
** The table and CSV began as scripts/report.lua's (R.run_table, R.compare,
** R.csv). CSV's first thirteen columns are still R.csv's, byte for byte in
** English; after them come a column per part name used in any run
** ("part_equal", ...) and "rounding" (SPEC 7.5), so that the rounded parts
** and the rounding add up to the total on every row. The golden files of
** `coopsim test` are this CSV in English. With services a column per
** service follows, and with the money cycle (SPEC 7.3) difference,
** settlement and invoice; a document without them gives the CSV it always
** gave.
*/
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report_internal.h"

#define T(en) cs_rl_text(lang, en)

/* ---- key notes ---------------------------------------------------------------- */

/* "key: LABEL = KEY; source: SOURCE" and "ASSUMPTION: ..." for each distinct
** key of the cooperation's years, one note per entry of notes (at most max). */
static void key_note(const cs_doc_year *y, cs_report_lang lang, const char *indent, cs_sb *out) {
  cs_sb_printf(out, "%s: ", T("key"));
  if (y->key_label) cs_sb_printf(out, "%s = ", y->key_label);
  cs_sb_add(out, cs_rl_key(lang, y));
  if (y->key_source) cs_sb_printf(out, "; %s: %s", T("source"), y->key_source);
  if (y->key_assumption) cs_sb_printf(out, "%s%s: %s", indent, T("ASSUMPTION"), y->key_assumption);
}

static int same_key(const cs_doc_year *a, const cs_doc_year *b) {
#define SAME(f) ((a->f == NULL && b->f == NULL) || (a->f && b->f && strcmp(a->f, b->f) == 0))
  return SAME(key) && SAME(key_label) && SAME(key_source) && SAME(key_assumption);
#undef SAME
}

/* Appends each distinct key note of the cooperation's years as a line
** (prefix before each, e.g. "- " in Markdown). */
static void key_notes(const cs_doc_run *run, const char *coop, cs_report_lang lang, const char *prefix,
                      const char *indent, cs_sb *out) {
  for (size_t i = 0; i < run->nyears; i++) {
    const cs_doc_year *y = &run->years[i];
    if (coop && strcmp(y->cooperation, coop)) continue;
    int seen = 0;
    for (size_t j = 0; j < i && !seen; j++) {
      seen = (!coop || strcmp(run->years[j].cooperation, coop) == 0) && same_key(&run->years[j], y);
    }
    if (seen) continue;
    cs_sb_add(out, prefix);
    key_note(y, lang, indent, out);
    cs_sb_add(out, "\n");
  }
}

/* ---- one run -------------------------------------------------------------------- */

/* The members' grid of one cooperation: year, code, member, population, the
** parts and their rounding, total, due, payee; a rule between years when
** `rules`. With services, each service's share after the total; with the
** money cycle (SPEC 7.3), the difference (where a year has accounts), the
** settlement and the invoice after them, a member gone in a year shown
** with its settlement and no share. */
static void members_grid(const cs_doc_run *run, const char *coop, cs_report_lang lang, int rules, int nbsp,
                         cs_grid *g) {
  size_t np = 0, ns = 0;
  int oom = 0;
  const char **parts = cs_report_part_names(run, 1, coop, &np, &oom);
  const char **services = cs_report_service_names(run, 1, coop, &ns, &oom);
  unsigned f = cs_report_features(run, 1, coop);
  size_t nround = np > 0; /* the rounding column, when there are parts to add up */
  size_t ndiff = (f & CS_RF_DIFFERENCE) != 0, nmoney = (f & CS_RF_MONEY) ? 2 : 0;
  size_t ncols = 4 + np + nround + 1 + ns + ndiff + nmoney + 2;
  if (cs_grid_init(g, ncols) || oom) {
    g->oom = 1;
    free((void *)parts);
    free((void *)services);
    return;
  }
  size_t c = 0;
  cs_grid_set(g, c++, T("year"));
  cs_grid_set(g, c++, T("code"));
  cs_grid_set(g, c++, T("member"));
  cs_grid_set(g, c++, T("population"));
  for (size_t p = 0; p < np; p++) {
    char *h = cs_rl_part_dup(lang, parts[p]);
    if (!h) g->oom = 1;
    else cs_grid_set(g, c, h);
    free(h);
    c++;
  }
  if (nround) cs_grid_set(g, c++, T("rounding"));
  cs_grid_set(g, c++, T("total"));
  for (size_t k = 0; k < ns; k++) cs_grid_set(g, c++, services[k]);
  if (ndiff) cs_grid_set(g, c++, T("difference"));
  if (nmoney) {
    cs_grid_set(g, c++, T("settlement"));
    cs_grid_set(g, c++, T("invoice"));
  }
  cs_grid_set(g, c++, T("due"));
  cs_grid_set(g, c++, T("payee"));
  g->right[0] = g->right[3] = 1;
  for (size_t p = 0; p < np + nround + 1 + ns + ndiff + nmoney; p++) g->right[4 + p] = 1;
  int last_year = 0;
  char buf[64];
  cs_sb name = {0};
  for (size_t i = 0; i < run->nrows; i++) {
    const cs_doc_row *row = &run->rows[i];
    if (strcmp(row->cooperation, coop)) continue;
    int share = !cs_report_no_share(row);
    if (rules && last_year && row->year != last_year) cs_grid_rule(g);
    last_year = row->year;
    cs_grid_row(g);
    c = 0;
    snprintf(buf, sizeof buf, "%d", row->year);
    cs_grid_set(g, c++, buf);
    cs_grid_set(g, c++, row->code);
    name.len = 0;
    cs_sb_add(&name, row->name);
    if (!share) cs_sb_printf(&name, " (%s)", T("settlement only"));
    if (name.oom) g->oom = 1;
    else cs_grid_set(g, c, name.s);
    c++;
    cs_grid_set(g, c++, row->population >= 0 ? cs_rl_int(row->population, lang, nbsp, buf, sizeof buf) : "");
    for (size_t p = 0; p < np; p++) {
      int64_t v;
      cs_grid_set(g, c++, share && cs_report_row_part(row, parts[p], &v) ? cs_rl_int(v, lang, nbsp, buf, sizeof buf) : "");
    }
    if (nround) cs_grid_set(g, c++, share ? cs_rl_int(cs_report_row_rounding(row), lang, nbsp, buf, sizeof buf) : "");
    cs_grid_set(g, c++, share ? cs_rl_int(row->total, lang, nbsp, buf, sizeof buf) : "");
    for (size_t k = 0; k < ns; k++) {
      int64_t v;
      cs_grid_set(g, c++,
                  share && cs_report_row_service(row, services[k], &v) ? cs_rl_int(v, lang, nbsp, buf, sizeof buf) : "");
    }
    if (ndiff) cs_grid_set(g, c++, row->money && row->has_difference ? cs_rl_int(row->difference, lang, nbsp, buf, sizeof buf) : "");
    if (nmoney) {
      cs_grid_set(g, c++, row->money ? cs_rl_int(row->settlement, lang, nbsp, buf, sizeof buf) : "");
      cs_grid_set(g, c++, cs_rl_int(row->money ? row->invoice : row->total, lang, nbsp, buf, sizeof buf));
    }
    cs_grid_set(g, c++, row->due ? row->due : "");
    cs_grid_set(g, c++, row->host ? T("(host)") : row->payee ? row->payee : "");
  }
  cs_sb_free(&name);
  free((void *)parts);
  free((void *)services);
}

/* The cooperation's years: cost, grants, net cost, sum of shares, balance,
** members and a note; where a year has accounts, its actual cost, grants and
** net cost beside the budget's. */
static void years_grid(const cs_doc_run *run, const char *coop, cs_report_lang lang, int nbsp, cs_grid *g) {
  int accounts = (cs_report_features(run, 1, coop) & CS_RF_ACCOUNTS) != 0;
  static const char *const head[] = {"year",        "cost",          "grants",          "net cost",
                                     "actual cost", "actual grants", "actual net cost", "sum of shares",
                                     "balance",     "members",       "note"};
  size_t ncols = accounts ? 11 : 8;
  if (cs_grid_init(g, ncols)) return;
  for (size_t c = 0, h = 0; c < ncols; c++, h++) {
    if (!accounts && h == 4) h = 7; /* no accounts: no columns for them */
    cs_grid_set(g, c, T(head[h]));
    g->right[c] = c + 1 < ncols;
  }
  char buf[96];
  cs_sb note = {0};
  for (size_t i = 0; i < run->nyears; i++) {
    const cs_doc_year *y = &run->years[i];
    if (strcmp(y->cooperation, coop)) continue;
    cs_grid_row(g);
    size_t c = 0;
    snprintf(buf, sizeof buf, "%d", y->year);
    cs_grid_set(g, c++, buf);
    cs_grid_set(g, c++, cs_rl_money(y->cost, lang, nbsp, buf, sizeof buf));
    cs_grid_set(g, c++, cs_rl_money(y->grants, lang, nbsp, buf, sizeof buf));
    cs_grid_set(g, c++, cs_rl_money(y->net, lang, nbsp, buf, sizeof buf));
    if (accounts) {
      cs_grid_set(g, c++, y->actual_cost ? cs_rl_money(y->actual_cost, lang, nbsp, buf, sizeof buf) : "");
      cs_grid_set(g, c++, y->actual_grants ? cs_rl_money(y->actual_grants, lang, nbsp, buf, sizeof buf) : "");
      cs_grid_set(g, c++, y->actual_net ? cs_rl_money(y->actual_net, lang, nbsp, buf, sizeof buf) : "");
    }
    cs_grid_set(g, c++, cs_rl_int(y->sum_shares, lang, nbsp, buf, sizeof buf));
    cs_grid_set(g, c++, cs_rl_money(y->balance, lang, nbsp, buf, sizeof buf));
    snprintf(buf, sizeof buf, "%d", y->members);
    cs_grid_set(g, c++, buf);
    note.len = 0;
    cs_sb_add(&note, "");
    cs_report_year_note(y, lang, nbsp, &note);
    if (note.oom) g->oom = 1;
    else cs_grid_set(g, c, note.s);
  }
  cs_sb_free(&note);
}

static void run_table(const cs_doc_run *run, cs_report_lang lang, cs_sb *out) {
  size_t nc = 0;
  const char **coops = cs_report_cooperations(run, 1, &nc, &out->oom);
  for (size_t k = 0; k < nc; k++) {
    cs_sb_printf(out, "%s: %s, %d-%d\n", run->scenario, coops[k], run->from, run->to);
    key_notes(run, coops[k], lang, "", "\n  ", out);
    cs_grid g;
    members_grid(run, coops[k], lang, 1, 0, &g);
    cs_grid_table(&g, out);
    cs_grid_free(&g);
    cs_sb_add(out, "\n");
    years_grid(run, coops[k], lang, 0, &g);
    cs_grid_table(&g, out);
    cs_grid_free(&g);
    cs_sb_add(out, "\n");
  }
  free((void *)coops);
  if (run->options) {
    cs_sb_printf(out, "%s: ", T("options"));
    cs_rl_options(lang, run->options, out);
    cs_sb_add(out, "\n");
  }
}

/* ---- the comparison ------------------------------------------------------------- */

/* The comparison grid of one cooperation: year, code, member, then the
** share in each run of the set and, for each later run, the difference to
** the set's baseline in kroner and per cent; a total line after each year
** (and a rule, for terminals). */
static void compare_grid(const cs_doc *doc, const cs_cmp *cmp, const cs_run_set *set, const char *coop,
                         cs_report_lang lang, int rules, cs_grid *g) {
  size_t nr = set->n, b = set->idx[0];
  if (cs_grid_init(g, 3 + nr + 2 * (nr - 1))) return;
  size_t c = 0;
  cs_grid_set(g, c++, T("year"));
  cs_grid_set(g, c++, T("code"));
  cs_grid_set(g, c++, T("member"));
  g->right[0] = 1;
  for (size_t k = 0; k < nr; k++) {
    g->right[c] = 1;
    cs_grid_set(g, c++, doc->runs[set->idx[k]].scenario);
    if (k > 0) {
      g->right[c] = g->right[c + 1] = 1;
      cs_grid_set(g, c++, T("diff kr"));
      cs_grid_set(g, c++, T("diff %"));
    }
  }
  int64_t *sum = calloc(nr, sizeof *sum);
  if (!sum) {
    g->oom = 1;
    return;
  }
  char buf[64];
  cs_sb why = {0};
  for (size_t i = 0; i < cmp->nlines; i++) {
    const cs_cmp_line *l = &cmp->lines[i];
    if (strcmp(l->cooperation, coop)) continue;
    cs_grid_row(g);
    c = 0;
    snprintf(buf, sizeof buf, "%d", l->year);
    cs_grid_set(g, c++, buf);
    cs_grid_set(g, c++, l->code);
    cs_grid_set(g, c++, l->name);
    int base = l->status[b] == CS_CMP_PRESENT;
    for (size_t k = 0; k < nr; k++) {
      size_t r = set->idx[k];
      int here = l->status[r] == CS_CMP_PRESENT;
      if (here) {
        cs_grid_set(g, c++, cs_rl_int(l->share[r], lang, 0, buf, sizeof buf));
        sum[k] += l->share[r];
      } else {
        why.len = 0;
        cs_sb_add(&why, "");
        cs_cmp_absent(cmp, i, r, lang, &why);
        if (why.oom) g->oom = 1;
        else cs_grid_set(g, c, why.s);
        c++;
      }
      if (k > 0) {
        if (here || base) {
          int64_t d = (here ? l->share[r] : 0) - (base ? l->share[b] : 0);
          cs_grid_set(g, c, cs_rl_int(d, lang, 0, buf, sizeof buf));
        }
        c++;
        if (here && base) cs_grid_set(g, c, cs_rl_percent(l->share[b], l->share[r], lang, buf, sizeof buf));
        c++;
      }
    }
    const cs_cmp_line *next = i + 1 < cmp->nlines ? &cmp->lines[i + 1] : NULL;
    if (!next || next->year != l->year || strcmp(next->cooperation, l->cooperation)) {
      cs_grid_row(g);
      cs_grid_set(g, 2, T("total"));
      c = 3;
      for (size_t k = 0; k < nr; k++) {
        cs_grid_set(g, c++, cs_rl_int(sum[k], lang, 0, buf, sizeof buf));
        if (k > 0) {
          cs_grid_set(g, c++, cs_rl_int(sum[k] - sum[0], lang, 0, buf, sizeof buf));
          cs_grid_set(g, c++, cs_rl_percent(sum[0], sum[k], lang, buf, sizeof buf));
        }
      }
      memset(sum, 0, nr * sizeof *sum);
      if (next && rules && strcmp(next->cooperation, coop) == 0) cs_grid_rule(g);
    }
  }
  cs_sb_free(&why);
  free(sum);
}

/* "comparison of A, B (Coop)", or of the invoices */
static void compare_head(const cs_doc *doc, const cs_cmp *cmp, const cs_run_set *set, const char *coop,
                         cs_report_lang lang, cs_sb *out) {
  cs_sb_printf(out, "%s ",
               T(cmp->field == CS_CMP_INVOICE ? "comparison of the invoices (share + settlement) of" : "comparison of"));
  for (size_t k = 0; k < set->n; k++) cs_sb_printf(out, "%s%s", k ? ", " : "", doc->runs[set->idx[k]].scenario);
  cs_sb_printf(out, " (%s)", coop);
}

/* A heading (for Markdown a section) and the comparison's grid. */
static void comparison(const cs_doc *doc, const cs_cmp *cmp, const cs_run_set *set, const char *coop,
                       cs_report_lang lang, int markdown, cs_sb *out) {
  if (markdown) cs_sb_add(out, "## ");
  compare_head(doc, cmp, set, coop, lang, out);
  cs_sb_add(out, markdown ? "\n\n" : "\n");
  cs_grid g;
  compare_grid(doc, cmp, set, coop, lang, !markdown, &g);
  if (markdown) cs_grid_markdown(&g, out);
  else cs_grid_table(&g, out);
  cs_grid_free(&g);
  cs_sb_add(out, "\n");
}

/* Each cooperation that more than one run has, compared across those runs;
** where one of them has settlements, their invoices compared too (SPEC
** 7.3). */
static int comparisons(const cs_doc *doc, cs_report_lang lang, int markdown, cs_sb *out, cs_error *err) {
  cs_cmp *cmp, *invoices = NULL;
  if (cs_cmp_build(doc, CS_CMP_SHARE, &cmp, err)) return CS_ENOMEM;
  size_t nc = 0;
  const char **coops = cs_report_cooperations(doc->runs, doc->nruns, &nc, &out->oom);
  for (size_t k = 0; k < nc; k++) {
    cs_run_set set;
    if (cs_report_runs_of(doc, coops[k], &set)) {
      out->oom = 1;
      break;
    }
    if (set.n > 1) {
      comparison(doc, cmp, &set, coops[k], lang, markdown, out);
      if (cs_report_set_features(doc, &set, coops[k]) & CS_RF_SETTLEMENTS) {
        if (!invoices && cs_cmp_build(doc, CS_CMP_INVOICE, &invoices, err)) {
          free(set.idx);
          out->oom = 1;
          break;
        }
        comparison(doc, invoices, &set, coops[k], lang, markdown, out);
      }
    }
    free(set.idx);
  }
  free((void *)coops);
  cs_cmp_free(cmp);
  cs_cmp_free(invoices);
  return 0;
}

/* "ASSUMPTION (label): text", once per distinct assumption of any run. */
static void assumption_notes(const cs_doc *doc, cs_report_lang lang, const char *prefix, cs_sb *out) {
  for (size_t r = 0; r < doc->nruns; r++) {
    for (size_t i = 0; i < doc->runs[r].nyears; i++) {
      const cs_doc_year *y = &doc->runs[r].years[i];
      if (!y->key_assumption) continue;
      int seen = 0;
      for (size_t r2 = 0; r2 <= r && !seen; r2++) {
        size_t end = r2 == r ? i : doc->runs[r2].nyears;
        for (size_t j = 0; j < end && !seen; j++) {
          const char *a = doc->runs[r2].years[j].key_assumption;
          seen = a && strcmp(a, y->key_assumption) == 0;
        }
      }
      if (!seen) {
        cs_sb_printf(out, "%s%s (%s): %s\n", prefix, T("ASSUMPTION"), y->key_label ? y->key_label : y->key,
                     y->key_assumption);
      }
    }
  }
}

int cs_report_table(const cs_doc *doc, cs_report_lang lang, cs_sb *out, cs_error *err) {
  for (size_t r = 0; r < doc->nruns; r++) {
    run_table(&doc->runs[r], lang, out);
    cs_sb_add(out, "\n");
  }
  if (doc->nruns > 1) {
    if (comparisons(doc, lang, 0, out, err)) return CS_ENOMEM;
    assumption_notes(doc, lang, "", out);
  }
  return out->oom ? cs_error_set(err, CS_ENOMEM, "out of memory writing the table") : 0;
}

/* ---- CSV -------------------------------------------------------------------------- */

/* v between double quotes, each '"' in it doubled; `lead` (may be "") after
** the opening quote. */
static void csv_quoted(cs_sb *out, const char *lead, const char *v) {
  cs_sb_add(out, "\"");
  cs_sb_add(out, lead);
  for (const char *q; (q = strchr(v, '"')) != NULL; v = q + 1) {
    cs_sb_addn(out, v, (size_t)(q - v));
    cs_sb_addn(out, "\"\"", 2);
  }
  cs_sb_add(out, v);
  cs_sb_add(out, "\"");
}

void cs_csv_cell(cs_sb *out, const char *v, char sep) {
  /* one pass: a cell with none of the separator, '"', CR, LF is written as it is */
  for (size_t n = 0;; n++) {
    char c = v[n];
    if (c == '\0') {
      cs_sb_addn(out, v, n);
      return;
    }
    if (c == sep || c == '"' || c == '\n' || c == '\r') break;
  }
  csv_quoted(out, "", v);
}

void cs_csv_text_cell(cs_sb *out, const char *v, char sep) {
  if (*v != '=' && *v != '+' && *v != '-' && *v != '@') {
    cs_csv_cell(out, v, sep);
    return;
  }
  csv_quoted(out, "'", v);
}

/* The CSV column of a service: "service_" and its name (en), "tjeneste_"
** and its name with '_' for spaces (nb), as cs_rl_part_column names parts.
** A new string the caller frees; NULL when out of memory. */
static char *service_column(cs_report_lang lang, const char *name) {
  cs_sb b = {0};
  cs_sb_printf(&b, "%s_", T("service"));
  size_t start = b.len;
  cs_sb_add(&b, name);
  for (size_t i = start; lang == CS_LANG_NB && !b.oom && i < b.len; i++)
    if (b.s[i] == ' ') b.s[i] = '_';
  char *s = cs_sb_take(&b, NULL);
  cs_sb_free(&b);
  return s;
}

static const char *const csv_cols[] = {"scenario", "cooperation", "year", "code", "name", "population",
                                       "population_date", "population_source", "parts", "exact", "total",
                                       "due", "payee"};
#define CSV_NCOLS (sizeof csv_cols / sizeof csv_cols[0])

/* What every section (a run's rows) of a CSV report needs, read only. */
typedef struct csv_ctx {
  const cs_doc *doc;
  cs_report_lang lang;
  int nb, money;
  const char *sepstr;
  const char **pnames, **snames;
  size_t np, ns;
} csv_ctx;

/* The CSV rows of run r (cs_section_fn: made on either thread). */
static void csv_run_rows(void *ud, size_t r, cs_sb *out) {
  const csv_ctx *x = ud;
  const cs_doc *doc = x->doc;
  cs_report_lang lang = x->lang;
  int nb = x->nb, money = x->money;
  const char *sepstr = x->sepstr;
  char sep = sepstr[0];
  const char **pnames = x->pnames, **snames = x->snames;
  size_t np = x->np, ns = x->ns;
  char buf[96];
  cs_sb parts = {0};
  const cs_doc_run *run = &doc->runs[r];
  for (size_t i = 0; i < run->nrows; i++) {
    const cs_doc_row *row = &run->rows[i];
    parts.len = 0;
    cs_sb_add(&parts, "");
    for (size_t p = 0; p < row->nparts; p++) {
      if (nb) cs_rl_decimal_comma(row->parts[p].exact, buf, sizeof buf);
      if (p) cs_sb_addn(&parts, " ", 1);
      cs_sb_add(&parts, row->parts[p].name);
      cs_sb_addn(&parts, "=", 1);
      cs_sb_add(&parts, nb ? buf : row->parts[p].exact);
    }
    if (parts.oom) out->oom = 1;
    /* a member gone, invoiced only its settlement: no share, nothing of one */
    int share = !cs_report_no_share(row);
    for (size_t c = 0; c < CSV_NCOLS; c++) {
      const char *v = "";
      int64_t n = 0; /* a number instead of v when has_n */
      int has_n = 0;
      switch (c) {
      case 0: v = run->scenario; break;
      case 1: v = row->cooperation; break;
      case 2: n = row->year, has_n = 1; break;
      case 3: v = row->code; break;
      case 4: v = row->name; break;
      case 5: if (row->population >= 0) n = row->population, has_n = 1; break;
      case 6: v = row->population_date ? row->population_date : ""; break;
      case 7: v = row->population_source ? row->population_source : ""; break;
      case 8: v = parts.s && share ? parts.s : ""; break;
      case 9:
        if (!share) break;
        if (nb) { cs_rl_decimal_comma(row->exact, buf, sizeof buf); v = buf; }
        else v = row->exact;
        break;
      case 10: if (share) n = row->total, has_n = 1; break;
      case 11: v = row->due ? row->due : ""; break;
      case 12: v = row->host ? T("(host)") : row->payee ? row->payee : ""; break;
      }
      if (c) cs_sb_addn(out, sepstr, 1);
      if (has_n) cs_sb_int(out, n);
      else if (c == 0 || c == 1 || c == 4 || c == 12) cs_csv_text_cell(out, v, sep);
      else cs_csv_cell(out, v, sep);
    }
    /* each part rounded on its own, empty where the row has no such part */
    for (size_t p = 0; p < np; p++) {
      int64_t v;
      cs_sb_addn(out, sepstr, 1);
      if (share && cs_report_row_part(row, pnames[p], &v)) cs_sb_int(out, v);
    }
    cs_sb_addn(out, sepstr, 1);
    if (share) cs_sb_int(out, cs_report_row_rounding(row));
    for (size_t k = 0; k < ns; k++) {
      int64_t v;
      cs_sb_addn(out, sepstr, 1);
      if (share && cs_report_row_service(row, snames[k], &v)) cs_sb_int(out, v);
    }
    if (money) {
      cs_sb_add(out, sepstr);
      if (row->money && row->has_difference) cs_sb_printf(out, "%" PRId64, row->difference);
      cs_sb_printf(out, "%s%" PRId64 "%s%" PRId64, sepstr, row->money ? row->settlement : 0, sepstr,
                   row->money ? row->invoice : row->total);
    }
    cs_sb_add(out, "\n");
    cs_sb_spill(out);
  }
  cs_sb_free(&parts);
}

int cs_report_csv(const cs_doc *doc, cs_report_lang lang, int nb, cs_sb *out) {
  return cs_report_csv_with(doc, lang, nb, out, CS_CSV_THREAD_ROWS, CS_CSV_MAX_BUFFERED);
}

int cs_report_csv_with(const cs_doc *doc, cs_report_lang lang, int nb, cs_sb *out, size_t thread_rows,
                       size_t max_buffered) {
  char sep = nb ? ';' : ',';
  char sepstr[2] = {sep, '\0'};
  size_t np = 0, ns = 0;
  const char **pnames = cs_report_part_names(doc->runs, doc->nruns, NULL, &np, &out->oom);
  const char **snames = cs_report_service_names(doc->runs, doc->nruns, NULL, &ns, &out->oom);
  int money = (cs_report_features(doc->runs, doc->nruns, NULL) & CS_RF_MONEY) != 0;
  /* Excel reads a CSV without a byte order mark in the ANSI code page
  ** (Windows-1252 in Norway) and garbles æ, ø and å; the BOM makes it UTF-8 */
  if (nb) cs_sb_add(out, "\xef\xbb\xbf");
  for (size_t c = 0; c < CSV_NCOLS; c++) {
    if (c) cs_sb_add(out, sepstr);
    cs_csv_cell(out, T(csv_cols[c]), sep);
  }
  for (size_t p = 0; p < np; p++) {
    char *col = cs_rl_part_column(lang, pnames[p]);
    if (!col) out->oom = 1;
    cs_sb_add(out, sepstr);
    /* a part's name comes from the scenario (a service, a table's column) */
    cs_csv_text_cell(out, col ? col : "", sep);
    free(col);
  }
  cs_sb_add(out, sepstr);
  cs_csv_cell(out, T("rounding"), sep);
  /* with services, a column per service; with the money cycle, the
  ** difference, settlement and invoice (SPEC 7.3) */
  for (size_t k = 0; k < ns; k++) {
    char *col = service_column(lang, snames[k]);
    if (!col) out->oom = 1;
    cs_sb_add(out, sepstr);
    cs_csv_text_cell(out, col ? col : "", sep);
    free(col);
  }
  if (money) {
    static const char *const money_cols[] = {"difference", "settlement", "invoice"};
    for (size_t c = 0; c < 3; c++) {
      cs_sb_add(out, sepstr);
      cs_csv_cell(out, T(money_cols[c]), sep);
    }
  }
  cs_sb_add(out, "\n");
  csv_ctx x = {doc, lang, nb, money, sepstr, pnames, snames, np, ns};
  size_t nrows = 0;
  for (size_t r = 0; r < doc->nruns; r++) nrows += doc->runs[r].nrows;
  cs_sections sections;
  cs_sections_start(&sections, doc->nruns, csv_run_rows, &x, max_buffered, nrows >= thread_rows);
  cs_sections_finish(&sections, out);
  free((void *)pnames);
  free((void *)snames);
  return out->oom ? CS_ENOMEM : 0;
}

/* ---- Markdown ---------------------------------------------------------------------- */

int cs_report_markdown(const cs_doc *doc, cs_report_lang lang, cs_sb *out, cs_error *err) {
  for (size_t r = 0; r < doc->nruns; r++) {
    const cs_doc_run *run = &doc->runs[r];
    size_t nc = 0;
    const char **coops = cs_report_cooperations(run, 1, &nc, &out->oom);
    cs_sb_printf(out, "## %s, %d-%d\n\n", run->scenario, run->from, run->to);
    for (size_t k = 0; k < nc; k++) {
      cs_sb_printf(out, "### %s\n\n", coops[k]);
      key_notes(run, coops[k], lang, "- ", "; ", out);
      cs_sb_add(out, "\n");
      cs_grid g;
      members_grid(run, coops[k], lang, 0, 0, &g);
      cs_grid_markdown(&g, out);
      cs_grid_free(&g);
      cs_sb_add(out, "\n");
      years_grid(run, coops[k], lang, 0, &g);
      cs_grid_markdown(&g, out);
      cs_grid_free(&g);
      cs_sb_add(out, "\n");
    }
    free((void *)coops);
    if (run->options) { /* English: the line as code; bokmål: in words */
      cs_sb_printf(out, "%s: %s", T("options"), lang == CS_LANG_EN ? "`" : "");
      cs_rl_options(lang, run->options, out);
      cs_sb_add(out, lang == CS_LANG_EN ? "`\n\n" : "\n\n");
    }
  }
  if (doc->nruns > 1) {
    if (comparisons(doc, lang, 1, out, err)) return CS_ENOMEM;
    assumption_notes(doc, lang, "- ", out);
  }
  return out->oom ? cs_error_set(err, CS_ENOMEM, "out of memory writing Markdown") : 0;
}
