/*
** report_svg.c: the HTML report's charts as inline SVG (report_internal.h).
**
** Made to be printed and handed to a council: every bar has its figure
** written beside it (a printed page has no hover), the axis says "kr", and
** a member that is absent from a run, joins in it or is a merger is marked
** in words. Charts are small (340 units wide) so that the page can set them
** side by side, one per budget year (small multiples); their viewBox lets
** the page scale them to the column they get.
**
** Text widths are estimated from the characters (DejaVu Sans, the font a
** Debian machine has: text_width); a name or reason that would not fit its
** room is compressed with textLength rather than cut.
**
** A national report draws hundreds of thousands of bars: coordinates and
** figures are written by fmt_num.c, not printf (the same bytes as "%.1f",
** at a fraction of its cost).
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fmt_num.h"
#include "report_internal.h"

#define T(en) cs_rl_text(lang, en)

/* Okabe-Ito colours: distinguishable with the common colour blindnesses. */
static const char *const palette[] = {"#0072B2", "#E69F00", "#009E73", "#D55E00",
                                      "#CC79A7", "#56B4E9", "#8C6D1F", "#000000"};
#define NCOLOURS (sizeof palette / sizeof palette[0])

const char *cs_report_colour(size_t run) { return palette[run % NCOLOURS]; }

#define W 340.0      /* chart width */
#define NAME_W 112.0 /* the members' names end here */
#define LABEL_W 52.0 /* room for a figure beside a bar */
#define BAR 8.0      /* one bar and its gap */
#define GAP 5.0      /* between members */
#define TOP 18.0     /* the axis labels above the bars */
#define NAME_FONT 8.0
#define VALUE_FONT 7.5

/* DejaVu Sans: digits 0.64 em, spaces (also no-break, U+00A0) 0.32 em,
** other characters about 0.6 em. */
static double text_width(const char *s, double font) {
  double em = 0;
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if ((c & 0xC0) == 0x80) continue; /* continues a character */
    if (c >= '0' && c <= '9') em += 0.64;
    else if (c == ' ' || (c == 0xC2 && (unsigned char)s[1] == 0xA0)) em += 0.32;
    else em += 0.6;
  }
  return em * font;
}

/* A round step for about `ticks` grid lines over span: 1, 2 or 5 x 10^k
** whole kroner. */
static double nice_step(double span, int ticks) {
  if (span <= 0) return 1;
  double raw = span / ticks, mag = pow(10, floor(log10(raw)));
  double f = raw / mag, step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
  return step < 1 ? 1 : step;
}

/* The axis over the values [*lo, *hi] (0 in it): the grid's step, about
** three to five lines, and the range a little wider than the values (not
** out to the next grid line, which could leave a third of a chart empty). */
static double axis_range(double *lo, double *hi) {
  if (*lo > 0) *lo = 0;
  if (*hi < 0) *hi = 0;
  double step = nice_step(*hi - *lo > 0 ? *hi - *lo : 1, 4);
  double margin = (*hi - *lo) * 0.02;
  if (*lo < 0) *lo -= margin;
  *hi += margin;
  if (*hi - *lo < step) *hi = *lo + step;
  return step;
}

/* Appends a string literal (only a literal: "" s "" refuses a pointer). */
#define LIT(out, s) cs_sb_addn(out, "" s "", sizeof s - 1)

/* Appends v as "%.*f" writes it with `decimals`. */
static void add_fixed(cs_sb *out, double v, int decimals) {
  char buf[CS_FMT_FIXED_SIZE];
  cs_sb_addn(out, buf, cs_fmt_fixed(buf, v, decimals));
}

void cs_report_kr(int64_t v, int plus, cs_report_lang lang, cs_sb *out) {
  char buf[CS_FMT_GROUPED_SIZE];
  /* the magnitude as an unsigned number: INT64_MIN's is 2^63, written whole */
  uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
  if (v < 0) LIT(out, "\xe2\x88\x92");
  else if (v > 0 && plus) LIT(out, "+");
  cs_sb_addn(out, buf, cs_fmt_grouped(buf, m, cs_rl_group(lang, 1)));
}

/* A text element; the text escaped, compressed to max_w when longer. */
static void svg_text(cs_sb *out, double x, double y, const char *cls, const char *text, double font, double max_w) {
  LIT(out, "<text x=\"");
  add_fixed(out, x, 1);
  LIT(out, "\" y=\"");
  add_fixed(out, y, 1);
  LIT(out, "\" class=\"");
  cs_sb_add(out, cls);
  LIT(out, "\"");
  if (max_w > 0 && text_width(text, font) > max_w) {
    LIT(out, " textLength=\"");
    add_fixed(out, max_w, 0);
    LIT(out, "\" lengthAdjust=\"spacingAndGlyphs\"");
  }
  LIT(out, ">");
  cs_html_esc(out, text);
  cs_sb_add(out, "</text>");
}

/* A bar's figure at (x, y): right of x for v >= 0, left of it for v < 0;
** `plus` writes "+" before a positive figure (changes). The year, the run
** and the member's code (may be NULL) go into data- attributes for the
** checks. Returns the figure's estimated width. */
static double value_label(cs_sb *out, double x, double y, int64_t v, int plus, cs_report_lang lang, int year,
                          size_t run, const char *code) {
  LIT(out, "<text x=\"");
  add_fixed(out, x, 1);
  LIT(out, "\" y=\"");
  add_fixed(out, y, 1);
  if (v < 0) LIT(out, "\" class=\"value neg\" data-year=\"");
  else LIT(out, "\" class=\"value\" data-year=\"");
  cs_sb_int(out, year);
  LIT(out, "\" data-run=\"");
  cs_sb_int(out, (int64_t)run);
  LIT(out, "\"");
  if (code) {
    LIT(out, " data-code=\"");
    cs_html_esc(out, code);
    LIT(out, "\"");
  }
  LIT(out, ">");
  size_t start = out->len;
  cs_report_kr(v, plus, lang, out);
  double w = out->oom ? 0 : text_width(out->s + start, VALUE_FONT);
  LIT(out, "</text>");
  return w;
}

static void svg_open(cs_sb *out, double height, const char *label) {
  cs_sb_printf(out,
               "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" "
               "width=\"%.0f\" height=\"%.0f\" role=\"img\" aria-label=\"",
               W, height, W, height);
  cs_html_esc(out, label);
  cs_sb_add(out, "\">\n");
}

/* The value axis over [lo, hi]: a grid line and its figure at each multiple
** of step, "kr" at its end; the zero line darker. */
static void value_axis(cs_sb *out, double lo, double hi, double step, double x0, double x1, double bottom,
                       cs_report_lang lang) {
  for (double t = ceil(lo / step) * step; t <= hi; t += step) {
    double x = x0 + (t - lo) / (hi - lo) * (x1 - x0);
    int zero = fabs(t) < step / 2;
    LIT(out, "<line x1=\"");
    add_fixed(out, x, 1);
    LIT(out, "\" y1=\"");
    add_fixed(out, TOP - 4, 1);
    LIT(out, "\" x2=\"");
    add_fixed(out, x, 1);
    LIT(out, "\" y2=\"");
    add_fixed(out, bottom, 1);
    if (zero) LIT(out, "\" class=\"zero\"/><text x=\"");
    else LIT(out, "\" class=\"grid\"/><text x=\"");
    add_fixed(out, x, 1);
    LIT(out, "\" y=\"10\" class=\"tick\">");
    cs_report_kr(zero ? 0 : (int64_t)llround(t), 0, lang, out);
    LIT(out, "</text>\n");
  }
  LIT(out, "<text x=\"");
  add_fixed(out, W - 1, 1);
  LIT(out, "\" y=\"10\" class=\"unit\">kr</text>\n");
}

/* Opens a bar's rectangle from (x, y), w wide, in run r's colour, and its
** title (the tooltip): the caller writes the title and "</title></rect>". */
static void bar(cs_sb *out, double x, double y, double w, size_t r) {
  LIT(out, "<rect x=\"");
  add_fixed(out, x, 1);
  LIT(out, "\" y=\"");
  add_fixed(out, y, 1);
  LIT(out, "\" width=\"");
  add_fixed(out, w, 1);
  LIT(out, "\" height=\"");
  add_fixed(out, BAR - 1, 0);
  LIT(out, "\" fill=\"");
  cs_sb_add(out, cs_report_colour(r));
  LIT(out, "\"><title>");
}

/* Whether the line's member is in run r. */
static int present(const cs_cmp_line *l, size_t r) { return l->status[r] == CS_CMP_PRESENT; }

/* Why the member of line i is absent from run r, at (x, y). */
static void absent(const cs_cmp *cmp, size_t i, size_t r, double x, double y, cs_report_lang lang, cs_sb *out) {
  cs_sb why = {0};
  cs_cmp_absent(cmp, i, r, lang, &why);
  if (why.oom) out->oom = 1;
  /* the chart's right edge is the end: a long reason is compressed */
  svg_text(out, x, y, "absent", why.s ? why.s : "", VALUE_FONT, W - 1 - x);
  cs_sb_free(&why);
}

/* Whether any of the runs has the member as a merger in this line. */
static const char *merged_text(const cs_cmp_line *l, const cs_run_set *set) {
  for (size_t k = 0; k < set->n; k++)
    if (l->merged[set->idx[k]]) return l->merged[set->idx[k]];
  return NULL;
}

/* The value a member's bar shows for run r: its share, or (diff) its change
** from the baseline b, a share it does not have counted as 0. 0 when there
** is no bar to draw. */
static int bar_value(const cs_cmp_line *l, size_t r, size_t b, int diff, int64_t *v) {
  if (!diff) {
    *v = present(l, r) ? l->share[r] : 0;
    return present(l, r);
  }
  *v = (present(l, r) ? l->share[r] : 0) - (present(l, b) ? l->share[b] : 0);
  return present(l, r) || present(l, b);
}

void cs_svg_member_range(const cs_cmp *cmp, const cs_run_set *set, size_t from, size_t to, int diff, double *lo,
                         double *hi) {
  size_t first = diff ? 1 : 0, b = set->idx[0];
  for (size_t i = from; i < to; i++) {
    for (size_t k = first; k < set->n; k++) {
      int64_t v;
      if (!bar_value(&cmp->lines[i], set->idx[k], b, diff, &v)) continue;
      if ((double)v < *lo) *lo = (double)v;
      if ((double)v > *hi) *hi = (double)v;
    }
  }
}

void cs_svg_member_chart(const cs_doc *doc, const cs_cmp *cmp, const cs_run_set *set, size_t from, size_t to,
                         int diff, double lo, double hi, cs_report_lang lang, cs_sb *out) {
  size_t first = diff ? 1 : 0, nbars = set->n - first, b = set->idx[0];
  double step = axis_range(&lo, &hi);
  double x0 = NAME_W + 6 + (lo < 0 ? LABEL_W : 0), x1 = W - LABEL_W;
  double group = (double)nbars * BAR + GAP;
  double height = TOP + group * (double)(to - from) + 2;
  char label[160];
  snprintf(label, sizeof label, "%s %d", T(diff ? "Change from the baseline" : "What each member pays"),
           cmp->lines[from].year);
  svg_open(out, height, label);
  value_axis(out, lo, hi, step, x0, x1, height - 2, lang);
#define X(v) (x0 + ((v) - lo) / (hi - lo) * (x1 - x0))
  double y = TOP;
  for (size_t i = from; i < to; i++, y += group) {
    const cs_cmp_line *l = &cmp->lines[i];
    /* the member's name, marked when a run has it as a merger */
    cs_sb name = {0};
    cs_sb_add(&name, l->name);
    if (merged_text(l, set)) cs_sb_add(&name, " *");
    if (name.oom) out->oom = 1;
    svg_text(out, NAME_W, y + (double)nbars * BAR / 2 + 3, "name", name.s ? name.s : "", NAME_FONT, NAME_W - 2);
    cs_sb_free(&name);
    cs_sb_add(out, "\n");
    for (size_t k = first; k < set->n; k++) {
      size_t r = set->idx[k];
      double by = y + (double)(k - first) * BAR, ty = by + BAR - 2;
      int here = present(l, r), base = present(l, b);
      int64_t v;
      if (!bar_value(l, r, b, diff, &v)) {
        /* no bar: say why, where the bar would start */
        if (!diff) absent(cmp, i, r, X(0) + 2, ty, lang, out);
        cs_sb_add(out, "\n");
        continue;
      }
      double a = X(v < 0 ? (double)v : 0), e = X(v < 0 ? 0 : (double)v);
      if (e - a < 0.6 && v != 0) e = a + 0.6;
      bar(out, a, by, e - a, r);
      cs_html_esc(out, l->name);
      cs_sb_add(out, ", ");
      cs_html_esc(out, doc->runs[r].scenario);
      cs_sb_add(out, "</title></rect>");
      /* the figure beside the bar's end, outside it */
      double w = value_label(out, v < 0 ? a - 2 : e + 2, ty, v, diff, lang, l->year, r, l->code);
      if (!base && here && k > 0) {
        /* a member the baseline does not have this year: it joins, or the
        ** baseline let it go */
        svg_text(out, (v < 0 ? X(0) : e + 2 + w) + 3, ty, "mark",
                 T(l->status[b] == CS_CMP_WITHDRAWN ? "withdrawn in the baseline" : "joins"), VALUE_FONT, 0);
      } else if (diff && !here) {
        /* only the baseline has it: the variant's change is its whole share */
        absent(cmp, i, r, X(0) + 3, ty, lang, out);
      }
      cs_sb_add(out, "\n");
    }
  }
#undef X
  cs_sb_add(out, "</svg>\n");
}

void cs_svg_totals_chart(const cs_doc *doc, const cs_cmp *cmp, const cs_run_set *set, const char *coop,
                         cs_report_lang lang, cs_sb *out) {
  size_t nr = set->n, ny = 0;
  /* the cooperation's lines are first to last, and its years: the sums
  ** are as many as its years, not as the document's lines */
  size_t first = cmp->nlines, last = 0, nyears = 0;
  for (size_t i = 0; i < cmp->nlines; i++) {
    const cs_cmp_line *l = &cmp->lines[i];
    if (strcmp(l->cooperation, coop)) continue;
    if (first == cmp->nlines || l->year != cmp->lines[last].year) nyears++;
    if (first == cmp->nlines) first = i;
    last = i;
  }
  int *years = calloc(nyears + 1, sizeof *years);
  int64_t *sums = calloc((nyears + 1) * nr, sizeof *sums);
  int *has = calloc((nyears + 1) * nr, sizeof *has);
  if (!years || !sums || !has) {
    free(years), free(sums), free(has);
    out->oom = 1;
    return;
  }
#define SUM(y, k) sums[(y) * nr + (k)]
#define HAS(y, k) has[(y) * nr + (k)]
  for (size_t i = first; i <= last && i < cmp->nlines; i++) {
    const cs_cmp_line *l = &cmp->lines[i];
    if (strcmp(l->cooperation, coop)) continue;
    if (ny == 0 || years[ny - 1] != l->year) years[ny++] = l->year;
    for (size_t k = 0; k < nr; k++) {
      if (present(l, set->idx[k])) SUM(ny - 1, k) += l->share[set->idx[k]], HAS(ny - 1, k) = 1;
    }
  }
  double lo = 0, hi = 0;
  for (size_t y = 0; y < ny; y++)
    for (size_t k = 0; k < nr; k++) {
      if ((double)SUM(y, k) > hi) hi = (double)SUM(y, k);
      if ((double)SUM(y, k) < lo) lo = (double)SUM(y, k);
    }
  double step = axis_range(&lo, &hi);
  const double name_w = 40, x0 = name_w + 6 + (lo < 0 ? LABEL_W : 0), x1 = W - LABEL_W;
  double group = (double)nr * BAR + GAP, height = TOP + group * (double)ny + 2;
  svg_open(out, height, T("Sum of shares by year"));
  value_axis(out, lo, hi, step, x0, x1, height - 2, lang);
#define X(v) (x0 + ((v) - lo) / (hi - lo) * (x1 - x0))
  char buf[32];
  for (size_t y = 0; y < ny; y++) {
    double gy = TOP + group * (double)y;
    snprintf(buf, sizeof buf, "%d", years[y]);
    svg_text(out, name_w, gy + (double)nr * BAR / 2 + 3, "name", buf, NAME_FONT, 0);
    for (size_t k = 0; k < nr; k++) {
      if (!HAS(y, k)) continue;
      size_t r = set->idx[k];
      int64_t v = SUM(y, k);
      double by = gy + (double)k * BAR, a = X(v < 0 ? (double)v : 0), e = X(v < 0 ? 0 : (double)v);
      bar(out, a, by, e - a, r);
      cs_html_esc(out, doc->runs[r].scenario);
      cs_sb_add(out, "</title></rect>");
      value_label(out, v < 0 ? a - 2 : e + 2, by + BAR - 2, v, 0, lang, years[y], r, NULL);
      cs_sb_add(out, "\n");
    }
  }
#undef X
#undef SUM
#undef HAS
  cs_sb_add(out, "</svg>\n");
  free(years), free(sums), free(has);
}
