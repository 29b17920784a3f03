/*
** explain.c: the arithmetic behind a share, in words and numbers.
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "coopsim/date.h"
#include "coopsim/explain.h"
#include "report_internal.h"

char *cs_format_int(int64_t v, const char *sep, char *buf, size_t size) {
  cs_q q;
  cs_q_from_i64(&q, v);
  if (cs_q_format(&q, 0, sep, ".", buf, size)) snprintf(buf, size, "%lld", (long long)v);
  return buf;
}

/* s padded with spaces to width characters (not bytes, so that names with
** æ, ø, å line up); a longer s is kept whole. */
static void add_padded(cs_sb *b, const char *s, int width) {
  int chars = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if ((*p & 0xC0) != 0x80) chars++;
  cs_sb_add(b, s);
  for (int i = chars; i < width; i++) cs_sb_add(b, " ");
}

/* Hundredths with two decimals, grouped by spaces: "148 107.80"; in bokmål
** with a decimal comma, "148 107,80" (report_lang.c). */
static void money(int64_t cents, cs_report_lang lang, char *buf, size_t size) {
  if (cs_q_format_cents(cents, " ", cs_rl_decimal(lang), buf, size)) snprintf(buf, size, "?");
}

static const char *pop_source_text(const cs_row *row, cs_report_lang lang) {
  int nb = lang == CS_LANG_NB;
  switch ((cs_pop_source)row->pop_source) {
  case CS_POP_REGISTRY: return "SSB";
  case CS_POP_PREDECESSORS:
    return nb ? "SSB, under kommunenumrene som gjaldt da: summen av forgjengerne"
              : "SSB, under the code(s) valid then: the sum of its predecessors";
  case CS_POP_PROXY:
    return nb ? "SSB, med en del av en delt kommune anslått med en andel"
              : "SSB, with part of a split municipality by a proxy fraction";
  case CS_POP_OVERRIDE:
    if (nb) return row->is_party ? "satt i scenarioet (partens eget)" : "satt i scenarioet";
    return row->is_party ? "set by the scenario (the party's)" : "set by the scenario";
  }
  return "";
}

/* The event in words into b (as cs_event_text), in lang. Dates stay ISO
** 8601 in bokmål too, as the reports write them. */
static void event_words(cs_sb *b, const cs_year_event *e, cs_report_lang lang) {
  char d[11], u[11], l[11];
  int nb = lang == CS_LANG_NB;
  cs_date_format(e->date, d);
  cs_date_format(e->until, u);
  switch (e->kind) {
  case CS_EVENT_NOTICE:
    cs_sb_printf(b, nb ? "oppsagt %s; oppsigelsestiden løper ut %s" : "notice given %s; notice period ends %s", d,
                 u);
    break;
  case CS_EVENT_GONE:
    cs_sb_printf(b,
                 nb ? "uttrådt %s (oppsagt %s; oppsigelsestiden løp ut %s)"
                    : "left on %s (notice given %s; notice period ended %s)",
                 cs_date_format(cs_date_add_days(e->until, 1), l), d, u);
    break;
  case CS_EVENT_MERGED:
    cs_sb_printf(b, nb ? "sammenslått med %s%s%s per %s" : "merged into %s%s%s on %s", e->other_code,
                 e->other_name[0] ? " " : "", e->other_name, d);
    break;
  case CS_EVENT_SPLIT:
    cs_sb_printf(b, nb ? "delt fra %s%s%s per %s" : "split from %s%s%s on %s", e->other_code,
                 e->other_name[0] ? " " : "", e->other_name, d);
    break;
  case CS_EVENT_JOINS: cs_sb_printf(b, nb ? "trer inn %s" : "joins %s", d); break;
  default: cs_sb_add(b, "?");
  }
}

char *cs_event_text(const cs_year_event *e, char *buf, size_t size) {
  cs_sb b = {0};
  event_words(&b, e, CS_LANG_EN);
  if (size) snprintf(buf, size, "%s", b.s && !b.oom ? b.s : "?");
  cs_sb_free(&b);
  return buf;
}

/* The row's own events: its last year, members merged into it, its
** joining. */
static void row_events(cs_sb *b, const cs_year *y, const cs_row *row, cs_report_lang lang) {
  for (size_t i = 0; i < y->nevents; i++) {
    const cs_year_event *e = &y->events[i];
    if (e->kind == CS_EVENT_MERGED && strcmp(e->other_code, row->code) == 0) {
      cs_sb_printf(b, "  %s %s ", e->code, e->name);
      event_words(b, e, lang);
      cs_sb_add(b, "\n");
    } else if (strcmp(e->code, row->code) == 0 && (e->kind == CS_EVENT_NOTICE ||
                                                    e->kind == CS_EVENT_JOINS)) {
      /* (a split shows in "member made of", every year) */
      cs_sb_add(b, "  ");
      event_words(b, e, lang);
      if (e->kind == CS_EVENT_NOTICE)
        cs_sb_printf(b, lang == CS_LANG_NB ? ": %d er siste år\n" : ": %d is its last year\n", row->year);
      else cs_sb_add(b, "\n");
    }
  }
}

/* "1508 Ålesund, 1580 Haram": the parts of code's split in year y. */
static void split_parts(cs_sb *b, const cs_year *y, const char *code) {
  int any = 0;
  for (size_t i = 0; i < y->nevents; i++) {
    const cs_year_event *e = &y->events[i];
    if (e->kind != CS_EVENT_SPLIT || strcmp(e->other_code, code) != 0) continue;
    cs_sb_printf(b, "%s%s %s", any++ ? ", " : "", e->code, e->name);
  }
}

char *cs_explain_absent_text(const cs_result *r, const char *code, int year, int *oom) {
  return cs_explain_absent_text_lang(r, code, year, CS_LANG_EN, oom);
}

char *cs_explain_absent_text_lang(const cs_result *r, const char *code, int year, cs_report_lang lang, int *oom) {
  cs_sb b = {0};
  char d[11];
  int found = 0;
  int nb = lang == CS_LANG_NB;
  const char *not_member = nb ? "%s %s er ikke medlem i %d: " : "%s %s is not a member in %d: ";
  if (oom) *oom = 0;
  /* gone, merged or split in that year or before: the latest such event */
  for (size_t k = r->nyears; k-- > 0 && !found;) {
    const cs_year *y = &r->years[k];
    if (y->year > year) continue;
    for (size_t i = y->nevents; i-- > 0 && !found;) {
      const cs_year_event *e = &y->events[i];
      if ((e->kind == CS_EVENT_GONE || e->kind == CS_EVENT_MERGED) && strcmp(e->code, code) == 0) {
        cs_sb_printf(&b, not_member, e->code, e->name, year);
        event_words(&b, e, lang);
        found = 1;
      } else if (e->kind == CS_EVENT_SPLIT && strcmp(e->other_code, code) == 0) {
        cs_sb_printf(&b, not_member, code, e->other_name, year);
        cs_sb_printf(&b, nb ? "den ble delt %s i " : "it was split on %s into ", cs_date_format(e->date, d));
        split_parts(&b, y, code);
        cs_sb_add(&b, nb ? ", som er medlemmer i dens sted" : ", members in its place");
        found = 1;
      }
    }
  }
  /* joins later */
  for (size_t k = 0; k < r->nyears && !found; k++) {
    const cs_year *y = &r->years[k];
    if (y->year <= year) continue;
    for (size_t i = 0; i < y->nevents && !found; i++) {
      const cs_year_event *e = &y->events[i];
      if (e->kind == CS_EVENT_JOINS && strcmp(e->code, code) == 0) {
        cs_sb_printf(&b, not_member, e->code, e->name, year);
        cs_sb_add(&b, nb ? "den " : "it ");
        event_words(&b, e, lang);
        found = 1;
      }
    }
  }
  if (!found) {
    cs_sb_free(&b);
    return NULL;
  }
  char *t = cs_sb_take(&b, NULL);
  if (!t && oom) *oom = 1;
  return t;
}

int cs_explain_absent(const cs_result *r, const char *code, int year, char *buf, size_t size) {
  if (size) buf[0] = '\0';
  if (!size) return 0;
  char *t = cs_explain_absent_text(r, code, year, NULL);
  if (!t) return 0;
  snprintf(buf, size, "%s", t);
  free(t);
  return 1;
}

/* What the member is made of (cs_row.merged, written by the simulation in
** English: "Trondheim + Klæbu", "split from 1507 Ålesund on 2024-01-01",
** "with non-member 5012 Snillfjord (whole population counted)", joined by
** "; ") in bokmål: each of those fixed phrases in its bokmål words, names
** and codes as they are. */
static void made_of_nb(cs_sb *b, const char *merged) {
  static const struct {
    const char *en, *nb;
  } words[] = {{"split from ", "delt fra "},
               {"with non-member ", "sammen med ikke-medlem "},
               {" (whole population counted)", " (hele innbyggertallet telles med)"},
               {" (member part counted)", " (medlemmets del telles med)"}};
  for (const char *p = merged; *p;) {
    const char *end = strstr(p, "; ");
    size_t n = end ? (size_t)(end - p) : strlen(p);
    size_t i = 0;
    /* "split from CODE NAME on DATE": the date after the last " on " */
    if (n > 11 && strncmp(p, words[0].en, 11) == 0) {
      const char *on = NULL;
      for (const char *q = p; q + 4 <= p + n; q++)
        if (strncmp(q, " on ", 4) == 0) on = q;
      cs_sb_add(b, words[0].nb);
      if (on) {
        cs_sb_addn(b, p + 11, (size_t)(on - p - 11));
        cs_sb_add(b, " per ");
        cs_sb_addn(b, on + 4, (size_t)(p + n - on - 4));
      } else {
        cs_sb_addn(b, p + 11, n - 11);
      }
      i = n;
    }
    while (i < n) {
      size_t k = 1;
      for (size_t w = 1; w < sizeof words / sizeof words[0]; w++) {
        size_t len = strlen(words[w].en);
        if (len <= n - i && strncmp(p + i, words[w].en, len) == 0) {
          cs_sb_add(b, words[w].nb);
          k = len;
          break;
        }
      }
      if (k == 1) cs_sb_addn(b, p + i, 1);
      i += k;
    }
    if (!end) break;
    cs_sb_add(b, "; ");
    p = end + 2;
  }
}

/* indent, then prefix and name padded together to width characters, then
** the amount right-aligned: one line of the cost block. */
static void amount_line(cs_sb *b, const char *indent, const char *prefix, const char *name, int width,
                        const char *amount) {
  cs_sb_add(b, indent);
  cs_sb_add(b, prefix);
  add_padded(b, name, width - (int)cs_rl_width(prefix));
  cs_sb_printf(b, " %16s\n", amount);
}

/* A year's or service's cost lines, grants and net cost (lines of service
** `only`, or every line when only is SIZE_MAX); indent before each line. */
static void costs(cs_sb *b, const cs_year *y, size_t only, const char *indent, int64_t cost, int64_t net,
                  cs_report_lang lang) {
  char a[64];
  int nb = lang == CS_LANG_NB;
  int width = nb ? 36 : 33; /* "= nettokostnad = kostnad - tilskudd" fits */
  for (size_t i = 0; i < y->nlines; i++) {
    if (only != SIZE_MAX && y->lines[i].service != only) continue;
    money(y->lines[i].cents, lang, a, sizeof a);
    amount_line(b, indent, nb ? "kostnad " : "cost ", y->lines[i].name, width, a);
  }
  if (y->agreement_months < 12)
    cs_sb_printf(b,
                 nb ? "%s(%d av 12 måneder innenfor avtaleperioden: kostnadene forholdsmessig)\n"
                    : "%s(%d of 12 months inside the agreement period: costs pro rata)\n",
                 indent, y->agreement_months);
  money(cost, lang, a, sizeof a);
  amount_line(b, indent, "", nb ? "sum kostnad" : "total cost", width, a);
  for (size_t i = 0; i < y->ngrants; i++) {
    if (only != SIZE_MAX && y->grants[i].service != only) continue;
    money(y->grants[i].cents, lang, a, sizeof a);
    amount_line(b, indent, nb ? "- tilskudd " : "- grant ", y->grants[i].name, width, a);
  }
  money(net, lang, a, sizeof a);
  amount_line(b, indent, "", nb ? "= nettokostnad = kostnad - tilskudd" : "= net cost = cost - grants", width, a);
}

/* The key's texts (key_nb, the description in bokmål, when lang is nb and
** the year has one; label, source and assumption are the scenario's own
** words). */
static void key_texts(cs_sb *b, const char *indent, const char *key, const char *key_nb, const char *label,
                      const char *source, const char *assumption, cs_report_lang lang) {
  int nb = lang == CS_LANG_NB;
  cs_sb_printf(b, nb ? "%snøkkel: %s\n" : "%skey: %s\n", indent, nb && key_nb ? key_nb : key);
  if (label[0]) cs_sb_printf(b, nb ? "%snavn på nøkkelen: %s\n" : "%skey label: %s\n", indent, label);
  if (source[0]) cs_sb_printf(b, nb ? "%skilde for nøkkelen: %s\n" : "%skey source: %s\n", indent, source);
  if (assumption[0]) cs_sb_printf(b, nb ? "%sFORUTSETNING: %s\n" : "%sASSUMPTION: %s\n", indent, assumption);
}

/* Parts [from, to) of the row, each with its explanation; in bokmål the
** part's name as the reports write it ("etter innbyggertall"). */
static void parts(cs_sb *b, const cs_result *r, const cs_row *row, size_t from, size_t to, const char *indent,
                  cs_report_lang lang) {
  for (size_t i = from; i < to; i++) {
    char *text = cs_explain_part_text(r, row, i, lang);
    char *name = lang == CS_LANG_NB ? cs_rl_part_dup(lang, cs_part_name(r, row, i)) : NULL;
    if (!text || (lang == CS_LANG_NB && !name)) {
      free(text);
      free(name);
      b->oom = 1;
      return;
    }
    if (name) {
      cs_sb_add(b, indent);
      add_padded(b, name, 11);
      cs_sb_printf(b, " %s\n", text);
    } else {
      cs_sb_printf(b, "%s%-11s %s\n", indent, cs_part_name(r, row, i), text);
    }
    free(name);
    free(text);
  }
}

/* Hundredths as whole kroner with spaces ("110 000") when whole, else
** with øre ("110 000.50", in bokmål "110 000,50"). */
static void kroner(int64_t cents, cs_report_lang lang, char *buf, size_t size) {
  if (cents % 100 == 0) cs_format_int(cents / 100, " ", buf, size);
  else money(cents, lang, buf, size);
}

/* The money cycle of a row (SPEC 7.3) after its share: the year's
** difference when it has accounts, and the invoice (share + settlement of
** the year before). */
static void money_cycle(cs_sb *b, const cs_result *r, const cs_row *row, const cs_row_money *m, const cs_year *y,
                        cs_report_lang lang) {
  char a[64], c[64], d[64], e[64];
  int nb = lang == CS_LANG_NB;
  if (m->has_difference && y) {
    kroner(y->actual_net, lang, a, sizeof a);
    kroner(y->net, lang, c, sizeof c);
    cs_sb_printf(b,
                 nb ? "  regnskap %d: nettokostnad %s mot budsjettets %s: andel etter regnskapet %s kr, "
                      "avvik %s%s kr"
                    : "  accounts %d: actual net cost %s against the budget's %s: actual share %s kr, "
                      "difference %s%s kr",
                 row->year, a, c, cs_format_int(row->total + m->difference, " ", d, sizeof d),
                 m->difference > 0 ? "+" : "", cs_format_int(m->difference, " ", e, sizeof e));
    if (nb)
      cs_sb_add(b, r->settle_none ? " (vises, faktureres ikke: settle = \"none\")\n"
                                  : " (avregnes på neste års faktura)\n");
    else
      cs_sb_add(b, r->settle_none ? " (shown, not invoiced: settle = \"none\")\n"
                                  : " (settled on the next year's invoice)\n");
  }
  if (y && y->has_settled) {
    kroner(y->settled_actual_net, lang, a, sizeof a);
    kroner(y->settled_net, lang, c, sizeof c);
    /* the host invoices no one for itself: what it bears */
    const char *what = nb ? (row->is_host ? "bæres av vertskommunen" : "faktura")
                          : (row->is_host ? "borne by the host" : "invoice");
    cs_sb_printf(b,
                 nb ? "  %d %s = andel %s + avregning for %d: %s (regnskap %s, budsjett %s)"
                    : "  %d %s = share %s + settlement for %d: %s (actual %s, budget %s)",
                 row->year, what, m->settlement_only ? "0" : cs_format_int(row->total, " ", d, sizeof d),
                 row->year - 1, cs_format_int(m->settlement, " ", e, sizeof e), a, c);
    cs_sb_printf(b, " = %s kr\n", cs_format_int(row->total + m->settlement, " ", a, sizeof a));
  }
  size_t n;
  const cs_invoice *inv = cs_row_invoices(r, row, &n);
  if (n && r->dated) {
    if (nb) cs_sb_add(b, n == 1 ? "  faktura" : "  terminer");
    else cs_sb_add(b, n == 1 ? "  invoice" : "  instalments");
    for (size_t i = 0; i < n; i++) {
      char dd[11];
      cs_sb_printf(b, "%s %s %s", i ? "," : "", cs_date_format(inv[i].due, dd),
                   cs_format_int(inv[i].amount, " ", a, sizeof a));
    }
    cs_sb_add(b, " kr\n");
  }
}

/* Who invoices the row, ending the explanation: "; invoiced by Rana" or
** "; host: does not invoice itself" after the due date, or on a line of
** its own ("  invoiced by Rana"; own_line). */
static void payee_text(cs_sb *b, const cs_row *row, int own_line, cs_report_lang lang) {
  int nb = lang == CS_LANG_NB;
  const char *sep = own_line ? "  " : "; ";
  if (row->is_host)
    cs_sb_printf(b, "%s%s\n", sep, nb ? "vertskommune: fakturerer ikke seg selv" : "host: does not invoice itself");
  else if (row->payee[0]) cs_sb_printf(b, nb ? "%sfakturert av %s\n" : "%sinvoiced by %s\n", sep, row->payee);
  else cs_sb_add(b, own_line ? "  \n" : "\n");
}

char *cs_explain_row_text(const cs_result *r, const cs_row *row) {
  return cs_explain_row_text_lang(r, row, CS_LANG_EN);
}

char *cs_explain_row_text_lang(const cs_result *r, const cs_row *row, cs_report_lang lang) {
  cs_sb b = {0};
  char a[64], c3[64], bb[64];
  int nb = lang == CS_LANG_NB;
  const cs_year *y = cs_result_year(r, row->year);
  cs_sb_printf(&b, nb ? "%s %s, budsjettår %d, %s\n" : "%s %s, budget year %d, %s\n", row->code, row->name,
               row->year, r->name);
  const cs_row_money *mo = cs_row_money_of(r, row);
  if (mo && mo->settlement_only) {
    /* a member gone this year, invoiced the settlement of the year before */
    cs_sb_printf(&b,
                 nb ? "  ikke medlem i %d: ingen andel; faktureres bare avregningen for %d\n"
                    : "  no member in %d: no share; invoiced only the settlement of %d\n",
                 row->year, row->year - 1);
    money_cycle(&b, r, row, mo, y, lang);
    if (row->payee[0]) cs_sb_printf(&b, nb ? "  fakturert av %s\n" : "  invoiced by %s\n", row->payee);
    goto done;
  }
  if (row->merged[0] && nb) {
    cs_sb_add(&b, "  kommunen består av: ");
    made_of_nb(&b, row->merged);
    cs_sb_add(&b, "\n");
  } else if (row->merged[0]) {
    cs_sb_printf(&b, "  member made of: %s\n", row->merged);
  }
  if (y) row_events(&b, y, row, lang);
  if (y && r->nservices == 0) {
    costs(&b, y, SIZE_MAX, "  ", y->cost, y->net, lang);
    key_texts(&b, "  ", y->key, y->key_nb, y->label, y->source, y->assumption, lang);
  }
  cs_format_int(row->population, " ", a, sizeof a);
  if (nb) cs_sb_printf(&b, "  innbyggere per 1. januar %d: %s (%s)\n", row->pop_year, a, pop_source_text(row, lang));
  else cs_sb_printf(&b, "  population %s on 1 January %d (%s)\n", a, row->pop_year, pop_source_text(row, lang));
  if (row->months < 12)
    cs_sb_printf(&b, nb ? "  medlem %d av 12 måneder; betaler for %d\n" : "  member %d of 12 months; charged for %d\n",
                 row->months, row->charged_months);
  if (r->nservices == 0) {
    parts(&b, r, row, 0, row->nparts, "  ", lang);
    money(row->cents, lang, a, sizeof a);
    cs_sb_printf(&b,
                 nb ? "  uavrundet sum %s -> %s kr (avrundet til hele kroner; største rest slik at andelene "
                      "summerer til %s)\n"
                    : "  unrounded total %s -> %s kr (whole kroner; largest remainder so the shares sum "
                      "to %s)\n",
                 a, cs_format_int(row->total, " ", bb, sizeof bb),
                 y ? cs_format_int(y->sum_shares, " ", c3, sizeof c3) : "?");
  } else {
    size_t nrs;
    const cs_row_service *rs = cs_row_services(r, row, &nrs);
    if (nrs == 0) cs_sb_add(&b, nb ? "  i ingen tjeneste dette året: andel 0\n" : "  in no service this year: share 0\n");
    for (size_t k = 0; k < nrs; k++) {
      const cs_year_key *yk = y && rs[k].service < y->nkeys ? &y->keys[rs[k].service] : NULL;
      cs_sb_printf(&b, nb ? "  tjeneste %s\n" : "  service %s\n", r->services[rs[k].service]);
      if (yk) {
        costs(&b, y, rs[k].service, "    ", yk->cost, yk->net, lang);
        key_texts(&b, "    ", yk->key, yk->key_nb, yk->label, yk->source, yk->assumption, lang);
      }
      parts(&b, r, row, rs[k].part0, rs[k].part0 + rs[k].nparts, "    ", lang);
      money(rs[k].cents, lang, a, sizeof a);
      cs_sb_printf(&b,
                   nb ? "    uavrundet %s -> %s kr (avrundet til hele kroner; største rest slik at tjenestens "
                        "andeler summerer til %s)\n"
                      : "    unrounded %s -> %s kr (whole kroner; largest remainder so the service's "
                        "shares sum to %s)\n",
                   a, cs_format_int(rs[k].total, " ", bb, sizeof bb),
                   yk ? cs_format_int(yk->sum_shares, " ", c3, sizeof c3) : "?");
    }
    cs_sb_add(&b, nb ? "  sum" : "  total");
    for (size_t k = 0; k < nrs; k++)
      cs_sb_printf(&b, "%s%s", k ? " + " : " ", cs_format_int(rs[k].total, " ", bb, sizeof bb));
    cs_sb_printf(&b, nb ? " = %s kr (hver tjeneste avrundet for seg)\n" : " = %s kr (each service rounded on its own)\n",
                 cs_format_int(row->total, " ", bb, sizeof bb));
  }
  if (mo) money_cycle(&b, r, row, mo, y, lang);
  if (mo && r->dated && y && !y->has_due) {
    /* the instalments are listed above */
    payee_text(&b, row, 1, lang);
    goto done;
  }
  if (y && y->has_due) {
    char d[11];
    cs_sb_printf(&b, nb ? "  forfall %s" : "  due %s", cs_date_format(y->due, d));
  } else {
    cs_sb_add(&b, nb ? "  forfall ikke oppgitt" : "  due date not stated");
  }
  payee_text(&b, row, 0, lang);
done:
  if (b.oom) {
    cs_sb_free(&b);
    return NULL;
  }
  return cs_sb_take(&b, NULL);
}

int cs_explain_row(const cs_result *r, const cs_row *row, char *buf, size_t size) {
  char *t = cs_explain_row_text(r, row);
  if (!t) {
    if (size) buf[0] = '\0';
    return -1;
  }
  size_t n = strlen(t);
  if (size) snprintf(buf, size, "%s", t);
  free(t);
  return n > (size_t)INT32_MAX ? INT32_MAX : (int)n;
}
