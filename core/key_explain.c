/*
** key_explain.c: the explanations of a key's parts in words and numbers,
** in English or bokmål, written from the figures a year's notes keep
** (key.h: cs_key_notes_explain, cs_key_pool_explain); and
** the number texts keys write.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "key_internal.h"

/* ---- texts ----------------------------------------------------------- */

char *cs_key_strdup(const char *s) {
  if (!s) return NULL;
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

/* Room for any cs_q as decimal text with groups (big.h: 1300 digits). */
enum { NUMBER_ROOM = 2048 };

char *cs_key_money(const cs_q *a, int decimals) {
  char buf[NUMBER_ROOM];
  if (cs_q_format(a, decimals, " ", ".", buf, sizeof buf)) snprintf(buf, sizeof buf, "(too large)");
  return cs_key_strdup(buf);
}

char *cs_key_exact(const cs_q *a) {
  char plain[NUMBER_ROOM], buf[NUMBER_ROOM];
  if (cs_q_format_exact(a, plain, sizeof plain)) return cs_key_strdup("(too large)");
  /* group the whole part by spaces: "-1234567.5" -> "-1 234 567.5" */
  const char *p = plain;
  size_t o = 0;
  if (*p == '-') buf[o++] = *p++;
  size_t digits = strspn(p, "0123456789");
  for (size_t i = 0; i < digits; i++) {
    if (i > 0 && (digits - i) % 3 == 0) buf[o++] = ' ';
    buf[o++] = p[i];
  }
  snprintf(buf + o, sizeof buf - o, "%s", p + digits);
  return cs_key_strdup(buf);
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

void cs_key_sb_number(cs_sb *b, const char *text, cs_report_lang lang) {
  if (!text) text = "?";
  if (lang != CS_LANG_NB) {
    cs_sb_add(b, text);
    return;
  }
  for (size_t i = 0; text[i]; i++) {
    char c = text[i];
    if (c == '.' && i > 0 && is_digit(text[i - 1]) && is_digit(text[i + 1])) c = ',';
    cs_sb_addn(b, &c, 1);
  }
}

static void add_int(cs_sb *b, int64_t v) {
  char buf[64];
  if (cs_q_format_int(v, " ", buf, sizeof buf)) snprintf(buf, sizeof buf, "%lld", (long long)v);
  cs_sb_add(b, buf);
}

static void add_cents(cs_sb *b, int64_t cents, cs_report_lang lang) {
  char buf[64];
  if (cents == INT64_MIN ||
      cs_q_format_cents(cents, " ", lang == CS_LANG_NB ? "," : ".", buf, sizeof buf))
    snprintf(buf, sizeof buf, "(too large)");
  cs_sb_add(b, buf);
}

void cs_key_band_range(cs_sb *b, const cs_band *bands, size_t n, size_t k, int words,
                       cs_report_lang lang) {
  int nb = lang == CS_LANG_NB;
  if (n == 1) {
    cs_sb_add(b, nb ? "alle innbyggertall" : "for every population");
    return;
  }
  if (k == 0) {
    cs_sb_add(b, nb ? "til og med " : "up to ");
    add_int(b, bands[0].upto);
  } else if (k + 1 == n) {
    cs_sb_add(b, nb ? "over " : "above ");
    add_int(b, bands[k - 1].upto);
  } else {
    add_int(b, cs_bands_from(bands, k));
    cs_sb_add(b, nb ? " til " : " to ");
    add_int(b, bands[k].upto);
  }
  if (words) cs_sb_add(b, nb ? " innbyggere" : " inhabitants");
}

/* ---- notes ----------------------------------------------------------- */

cs_key_notes *cs_key_notes_new(size_t n, size_t nparts) {
  size_t cells;
  if (__builtin_mul_overflow(n, nparts, &cells)) return NULL;
  cs_key_notes *nt = calloc(1, sizeof *nt);
  if (!nt) return NULL;
  nt->n = n;
  nt->nparts = nparts;
  nt->parts = calloc(nparts + 1, sizeof *nt->parts);
  nt->members = calloc(cells + 1, sizeof *nt->members);
  if (!nt->parts || !nt->members) {
    cs_key_notes_free(nt);
    return NULL;
  }
  return nt;
}

void cs_key_notes_free(cs_key_notes *nt) {
  if (!nt) return;
  if (nt->parts)
    for (size_t p = 0; p < nt->nparts; p++) {
      cs_key_part_note *pn = &nt->parts[p];
      free(pn->name);
      free(pn->percent);
      free(pn->rest);
      free(pn->pool);
      free(pn->total);
      free(pn->head);
      cs_table_free(pn->table);
      free(pn->bands);
      free(pn->lambda);
      free(pn->amount);
      free(pn->excess);
      free(pn->shortfall);
      free(pn->unshared);
    }
  if (nt->members)
    for (size_t i = 0; i < nt->n * nt->nparts; i++) {
      cs_key_member_note *mn = &nt->members[i];
      free(mn->figure);
      free(mn->under);
      free(mn->after);
      free(mn->limit);
    }
  free(nt->parts);
  free(nt->members);
  free(nt->rows);
  free(nt);
}

size_t cs_key_notes_nparts(const cs_key_notes *nt) { return nt->nparts; }

const char *cs_key_notes_part_name(const cs_key_notes *nt, size_t p) {
  return p < nt->nparts && nt->parts[p].name ? nt->parts[p].name : "";
}

cs_component_kind cs_key_notes_part_kind(const cs_key_notes *nt, size_t p) {
  return p < nt->nparts ? nt->parts[p].kind : CS_POOL_EQUAL;
}

/* ---- sentences -------------------------------------------------------- */

/* " x 5/12 of the year" when the member was charged part of it. */
static void add_months(cs_sb *b, int part_year, int64_t months, cs_report_lang lang) {
  if (part_year)
    cs_sb_printf(b, lang == CS_LANG_NB ? " x %lld/12 av året" : " x %lld/12 of the year",
                 (long long)months);
}

/* The parts of the first keys (base, rate, fixed, equal, population,
** weights, custom): head is the pool's "20 % of 1 000.00 = 200.00" (in
** lang), the base amount or the rate; total and member are number texts. */
static void classic_sentence(cs_sb *b, cs_report_lang lang, cs_component_kind kind,
                             const char *head, const char *total, const char *member,
                             int64_t population, int part_year, int64_t months, int64_t cents) {
  int nb = lang == CS_LANG_NB;
  switch (kind) {
  case CS_DIRECT_BASE:
    cs_sb_add(b, nb ? "grunnbeløp " : "base amount ");
    cs_key_sb_number(b, head, lang);
    add_months(b, part_year, months, lang);
    return;
  case CS_DIRECT_RATE:
    cs_key_sb_number(b, head, lang);
    cs_sb_add(b, nb ? " kr per innbygger x " : " kr per inhabitant x ");
    add_int(b, population);
    cs_sb_add(b, nb ? " innbyggere" : " inhabitants");
    add_months(b, part_year, months, lang);
    break;
  case CS_DIRECT_FIXED:
    cs_sb_add(b, nb ? "fast beløp " : "fixed amount ");
    cs_key_sb_number(b, member, lang);
    add_months(b, part_year, months, lang);
    return;
  case CS_POOL_EQUAL:
    cs_sb_add(b, head);
    cs_sb_add(b, nb ? ", delt likt på " : ", shared equally by ");
    cs_key_sb_number(b, total, lang);
    cs_sb_add(b, nb ? " medlemmer" : " members");
    add_months(b, part_year, months, lang);
    break;
  case CS_POOL_POPULATION:
    cs_sb_add(b, head);
    cs_sb_add(b, " x ");
    add_int(b, population);
    cs_sb_add(b, " / ");
    cs_key_sb_number(b, total, lang);
    cs_sb_add(b, nb ? " innbyggere" : " inhabitants");
    add_months(b, part_year, months, lang);
    break;
  default:
    cs_sb_add(b, head);
    cs_sb_add(b, nb ? " x vekt " : " x weight ");
    cs_key_sb_number(b, member, lang);
    cs_sb_add(b, " / ");
    cs_key_sb_number(b, total, lang);
  }
  cs_sb_add(b, " = ");
  add_cents(b, cents, lang);
}

/* A pool's head in lang: the rest when the pool is all of it, else
** "20 % of 740 539.00 = 148 107.80". */
static void pool_head(cs_sb *b, const cs_key_part_note *pn, cs_report_lang lang) {
  if (!pn->whole) {
    cs_key_sb_number(b, pn->percent, lang);
    cs_sb_add(b, lang == CS_LANG_NB ? " % av " : " % of ");
  }
  cs_key_sb_number(b, pn->rest, lang);
  if (!pn->whole) {
    cs_sb_add(b, " = ");
    cs_key_sb_number(b, pn->pool, lang);
  }
}

/* A share by a table column: the pool, the member's value and where it came
** from (the file, the year of the rows, each line and its value). */
static void by_sentence(cs_sb *b, const cs_key_notes *nt, const cs_key_part_note *pn,
                        const cs_key_member_note *mn, int part_year, int64_t months,
                        int64_t cents, cs_report_lang lang) {
  int nb = lang == CS_LANG_NB;
  const cs_table *t = pn->table;
  pool_head(b, pn, lang);
  cs_sb_printf(b, " x %s ", cs_table_column_name(t, pn->column));
  cs_key_sb_number(b, mn->figure, lang);
  add_months(b, part_year, months, lang);
  cs_sb_add(b, " / ");
  cs_key_sb_number(b, pn->total, lang);
  cs_sb_add(b, " = ");
  add_cents(b, cents, lang);
  cs_sb_printf(b, " (%s", cs_table_file(t));
  if (pn->row_year) cs_sb_printf(b, ", %d", pn->row_year);
  if (mn->nrows == 1) {
    cs_sb_printf(b, nb ? ": linje %zu)" : ": line %zu)", cs_table_row_line(t, nt->rows[mn->row0]));
    return;
  }
  cs_sb_add(b, nb ? ": linjer " : ": lines ");
  for (size_t k = 0; k < mn->nrows; k++) {
    size_t row = nt->rows[mn->row0 + k];
    cs_q v;
    char *text = cs_table_value(t, row, pn->column, &v, NULL) == CS_OK ? cs_key_exact(&v) : NULL;
    cs_sb_printf(b, "%s%zu (%s: ", k ? " + " : "", cs_table_row_line(t, row),
                 cs_table_row_member(t, row));
    cs_key_sb_number(b, text ? text : "?", lang);
    cs_sb_add(b, ")");
    free(text);
  }
  cs_sb_add(b, ")");
}

/* A fee by population band: the band chosen, its amount and rate. */
static void band_sentence(cs_sb *b, const cs_key_part_note *pn, const cs_key_member_note *mn,
                          int64_t population, int part_year, int64_t months, int64_t cents,
                          cs_report_lang lang) {
  int nb = lang == CS_LANG_NB;
  const cs_band *band = &pn->bands[mn->band];
  cs_sb_add(b, nb ? "bånd " : "band ");
  cs_key_band_range(b, pn->bands, pn->nbands, mn->band, 1, lang);
  cs_sb_add(b, " (");
  add_int(b, population);
  cs_sb_add(b, "): ");
  char *amount = cs_key_exact(&band->amount);
  cs_key_sb_number(b, amount, lang);
  free(amount);
  if (band->has_rate) {
    char *rate = cs_key_exact(&band->rate);
    cs_sb_add(b, " + ");
    cs_key_sb_number(b, rate, lang);
    cs_sb_add(b, nb ? " kr per innbygger x " : " kr per inhabitant x ");
    add_int(b, population);
    free(rate);
  }
  add_months(b, part_year, months, lang);
  cs_sb_add(b, " = ");
  add_cents(b, cents, lang);
}

static const char *members_word(size_t n, cs_report_lang lang) {
  if (lang == CS_LANG_NB) return n == 1 ? "medlem" : "medlemmer";
  return n == 1 ? "member" : "members";
}

/* The cap: what the member paid under the key, the limit that held it (or
** the factor that moved it), and where the year's excess went. */
static void cap_sentence(cs_sb *b, const cs_key_part_note *pn, const cs_key_member_note *mn,
                         int part_year, int64_t months, int64_t cents, cs_report_lang lang) {
  int nb = lang == CS_LANG_NB;
  if (pn->covering) cs_sb_add(b, nb ? "andel etter nøkkelen " : "share under the key ");
  else cs_sb_add(b, nb ? "avgift " : "fee ");
  cs_key_sb_number(b, mn->under, lang);
  if (mn->clamp != CS_CAP_WITHIN) {
    if (mn->clamp == CS_CAP_AT_MAX) cs_sb_add(b, nb ? " holdt på maksimum " : " held at its maximum ");
    else cs_sb_add(b, nb ? " løftet til minimum " : " raised to its minimum ");
    cs_key_sb_number(b, mn->limit, lang);
    if (part_year) {
      add_months(b, part_year, months, lang);
      cs_sb_add(b, " = ");
      cs_key_sb_number(b, mn->after, lang);
    }
  } else if (!pn->covering) {
    cs_sb_add(b, nb ? ", innenfor grensene" : ", within its limits");
  } else {
    cs_sb_add(b, " x ");
    cs_key_sb_number(b, pn->outcome == CS_CAP_SOLVED ? pn->lambda : "0", lang);
    cs_sb_add(b, " = ");
    cs_key_sb_number(b, mn->after, lang);
  }
  cs_sb_add(b, ": ");
  add_cents(b, cents, lang);
  if (!pn->covering) {
    if (mn->clamp != CS_CAP_WITHIN)
      cs_sb_add(b, nb ? "; en avgift: ingenting flyttes til andre medlemmer"
                      : "; a fee: nothing moves to other members");
    return;
  }
  if (pn->outcome == CS_CAP_ALL_MAX) {
    cs_sb_add(b, nb ? "; alle er på maksimum: " : "; every member is at its maximum: ");
    cs_key_sb_number(b, pn->unshared, lang);
    cs_sb_add(b, nb ? " av " : " of the ");
    cs_key_sb_number(b, pn->amount, lang);
    cs_sb_add(b, nb ? " som skal fordeles er ikke dekket (årets underskudd)"
                    : " to share is not covered (the year's deficit)");
    return;
  }
  if (pn->outcome == CS_CAP_ALL_MIN) {
    cs_sb_add(b, nb ? "; minimumsbeløpene overstiger " : "; the minima exceed the ");
    cs_key_sb_number(b, pn->amount, lang);
    cs_sb_add(b, nb ? " som skal fordeles med " : " to share by ");
    cs_key_sb_number(b, pn->unshared, lang);
    cs_sb_add(b, nb ? " (årets overskudd)" : " (the year's surplus)");
    return;
  }
  if (!pn->nmax && !pn->nmin) return;
  if (pn->nmax) {
    cs_sb_add(b, nb ? "; overskytende " : "; the excess ");
    cs_key_sb_number(b, pn->excess, lang);
    cs_sb_printf(b, nb ? " fra %zu %s på maksimum" : " of %zu %s at %s maximum", pn->nmax,
                 members_word(pn->nmax, lang), pn->nmax == 1 ? "its" : "their");
  }
  if (pn->nmin) {
    cs_sb_add(b, pn->nmax ? (nb ? ", minus " : ", less the ") : (nb ? "; " : "; the "));
    cs_key_sb_number(b, pn->shortfall, lang);
    if (nb)
      cs_sb_printf(b, " som løfter %zu %s til minimum", pn->nmin, members_word(pn->nmin, lang));
    else
      cs_sb_printf(b, " that raises %zu %s to %s minimum", pn->nmin, members_word(pn->nmin, lang),
                   pn->nmin == 1 ? "its" : "their");
  }
  if (pn->nwithin == 0) {
    cs_sb_add(b, nb ? ": alle er på en grense, og grensene summerer seg til beløpet som skal fordeles"
                    : ": every member is at a limit, and the limits sum to the amount to share");
    return;
  }
  if (pn->nmax)
    cs_sb_printf(b, nb ? "%s går til de %zu innenfor grensene" : "%s goes to the %zu within their limits",
                 pn->nmin ? "," : "", pn->nwithin);
  else
    cs_sb_printf(b, nb ? " tas fra de %zu innenfor grensene" : " comes from the %zu within their limits",
                 pn->nwithin);
  cs_sb_add(b, nb ? " i forhold til andelene" : " in proportion to their shares");
}

char *cs_key_notes_explain(const cs_key_notes *nt, size_t i, size_t p, int64_t population,
                           int charged_months, int64_t cents, cs_report_lang lang) {
  cs_sb b = {0};
  if (i >= nt->n || p >= nt->nparts) return cs_key_strdup("");
  const cs_key_part_note *pn = &nt->parts[p];
  const cs_key_member_note *mn = &nt->members[i * nt->nparts + p];
  int part_year = charged_months != 12;
  int64_t months = charged_months;
  switch (pn->kind) {
  case CS_POOL_BY: by_sentence(&b, nt, pn, mn, part_year, months, cents, lang); break;
  case CS_DIRECT_BAND: band_sentence(&b, pn, mn, population, part_year, months, cents, lang); break;
  case CS_PART_CAP: cap_sentence(&b, pn, mn, part_year, months, cents, lang); break;
  default: {
    cs_sb head = {0};
    if (cs_key_is_pool(pn->kind)) pool_head(&head, pn, lang);
    else cs_sb_add(&head, pn->head ? pn->head : "");
    char *h = cs_sb_take(&head, NULL);
    classic_sentence(&b, lang, pn->kind, h ? h : "?", pn->total, mn->figure, population, part_year,
                     months, cents);
    free(h);
  }
  }
  return cs_sb_take(&b, NULL);
}

char *cs_key_pool_explain(cs_component_kind kind, const char *percent, int whole,
                          int64_t net_cents, int64_t pool_cents, uint64_t W, uint64_t L,
                          int64_t population, int charged_months, int64_t cents,
                          cs_report_lang lang) {
  char restt[64], poolt[64], totalt[NUMBER_ROOM];
  cs_q total_w;
  if (cs_q_format_cents(net_cents, " ", ".", restt, sizeof restt))
    snprintf(restt, sizeof restt, "(too large)");
  if (cs_q_format_cents(pool_cents, " ", ".", poolt, sizeof poolt))
    snprintf(poolt, sizeof poolt, "(too large)");
  if (L == 1 && W <= INT64_MAX) { /* a whole total (inhabitants, members): the same text without a cs_q */
    if (cs_q_format_int((int64_t)W, kind == CS_POOL_POPULATION ? " " : NULL, totalt, sizeof totalt))
      snprintf(totalt, sizeof totalt, "(too large)");
  } else {
    if (W > INT64_MAX || L > INT64_MAX || L == 0 || cs_q_from_frac(&total_w, (int64_t)W, (int64_t)L))
      cs_q_zero(&total_w);
    if (kind == CS_POOL_POPULATION
            ? cs_q_format(&total_w, 0, " ", ".", totalt, sizeof totalt)
            : cs_q_format_exact(&total_w, totalt, sizeof totalt))
      snprintf(totalt, sizeof totalt, "(too large)");
  }
  cs_sb head = {0}, b = {0};
  if (!whole) {
    cs_key_sb_number(&head, percent, lang);
    cs_sb_add(&head, lang == CS_LANG_NB ? " % av " : " % of ");
  }
  cs_key_sb_number(&head, restt, lang);
  if (!whole) {
    cs_sb_add(&head, " = ");
    cs_key_sb_number(&head, poolt, lang);
  }
  char *h = cs_sb_take(&head, NULL);
  if (!h) return NULL;
  classic_sentence(&b, lang, kind, h, totalt, NULL, population, charged_months != 12,
                   charged_months, cents);
  free(h);
  return cs_sb_take(&b, NULL);
}
