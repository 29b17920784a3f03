/*
** explain.c: the arithmetic behind a share, in words and numbers.
*/
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "coopsim/date.h"
#include "coopsim/explain.h"

char *cs_format_int(int64_t v, const char *sep, char *buf, size_t size) {
  cs_q q;
  cs_q_from_i64(&q, v);
  if (cs_q_format(&q, 0, sep, ".", buf, size)) snprintf(buf, size, "%lld", (long long)v);
  return buf;
}

/* "%-*s" by characters, not bytes, so names with æ, ø, å line up. */
static const char *padr(const char *s, int width, char *buf, size_t size) {
  int chars = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if ((*p & 0xC0) != 0x80) chars++;
  snprintf(buf, size, "%s%*s", s, width > chars ? width - chars : 0, "");
  return buf;
}

static void money(int64_t cents, char *buf, size_t size) {
  if (cs_q_format_cents(cents, " ", ".", buf, size)) snprintf(buf, size, "?");
}

typedef struct out {
  char *buf;
  size_t size, used;
} out;

static void put(out *o, const char *fmt, ...) {
  if (o->used + 1 >= o->size) return;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(o->buf + o->used, o->size - o->used, fmt, ap);
  va_end(ap);
  if (n > 0) o->used += (size_t)n < o->size - o->used ? (size_t)n : o->size - o->used - 1;
}

static const char *pop_source_text(cs_pop_source s) {
  switch (s) {
  case CS_POP_REGISTRY: return "SSB";
  case CS_POP_PREDECESSORS: return "SSB, under the code(s) valid then: the sum of its predecessors";
  case CS_POP_PROXY: return "SSB, with part of a split municipality by a proxy fraction";
  case CS_POP_OVERRIDE: return "set by the scenario";
  }
  return "";
}

char *cs_event_text(const cs_year_event *e, char *buf, size_t size) {
  char d[11], u[11];
  cs_date_format(e->date, d);
  cs_date_format(e->until, u);
  switch (e->kind) {
  case CS_EVENT_NOTICE:
    snprintf(buf, size, "notice given %s; notice period ends %s", d, u);
    break;
  case CS_EVENT_GONE: {
    char l[11];
    snprintf(buf, size, "left on %s (notice given %s; notice period ended %s)",
             cs_date_format(cs_date_add_days(e->until, 1), l), d, u);
    break;
  }
  case CS_EVENT_MERGED:
    snprintf(buf, size, "merged into %s%s%s on %s", e->other_code, e->other_name[0] ? " " : "",
             e->other_name, d);
    break;
  case CS_EVENT_SPLIT:
    snprintf(buf, size, "split from %s%s%s on %s", e->other_code, e->other_name[0] ? " " : "",
             e->other_name, d);
    break;
  case CS_EVENT_JOINS:
    snprintf(buf, size, "joins %s", d);
    break;
  default:
    snprintf(buf, size, "?");
  }
  return buf;
}

/* The row's own events: its last year, members merged into it, its
** joining. */
static void row_events(out *o, const cs_year *y, const cs_row *row) {
  char text[300];
  for (size_t i = 0; i < y->nevents; i++) {
    const cs_year_event *e = &y->events[i];
    if (e->kind == CS_EVENT_MERGED && strcmp(e->other_code, row->code) == 0) {
      put(o, "  %s %s %s\n", e->code, e->name, cs_event_text(e, text, sizeof text));
    } else if (strcmp(e->code, row->code) == 0 && (e->kind == CS_EVENT_NOTICE ||
                                                    e->kind == CS_EVENT_JOINS)) {
      /* (a split shows in "member made of", every year) */
      cs_event_text(e, text, sizeof text);
      if (e->kind == CS_EVENT_NOTICE)
        put(o, "  %s: %d is its last year\n", text, row->year);
      else
        put(o, "  %s\n", text);
    }
  }
}

/* "1508 Ålesund, 1580 Haram": the parts of code's split in year y. */
static void split_parts(const cs_year *y, const char *code, char *buf, size_t size) {
  size_t used = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < y->nevents && used + 1 < size; i++) {
    const cs_year_event *e = &y->events[i];
    if (e->kind != CS_EVENT_SPLIT || strcmp(e->other_code, code) != 0) continue;
    snprintf(buf + used, size - used, "%s%s %s", used ? ", " : "", e->code, e->name);
    used = strlen(buf);
  }
}

int cs_explain_absent(const cs_result *r, const char *code, int year, char *buf, size_t size) {
  char text[300], parts[1400], d[11]; /* parts: up to 16 codes and names */
  if (size) buf[0] = '\0';
  if (!size) return 0;
  /* gone, merged or split in that year or before: the latest such event */
  for (size_t k = r->nyears; k-- > 0;) {
    const cs_year *y = &r->years[k];
    if (y->year > year) continue;
    for (size_t i = y->nevents; i-- > 0;) {
      const cs_year_event *e = &y->events[i];
      if ((e->kind == CS_EVENT_GONE || e->kind == CS_EVENT_MERGED) && strcmp(e->code, code) == 0) {
        snprintf(buf, size, "%s %s is not a member in %d: %s", e->code, e->name, year,
                 cs_event_text(e, text, sizeof text));
        return 1;
      }
      if (e->kind == CS_EVENT_SPLIT && strcmp(e->other_code, code) == 0) {
        split_parts(y, code, parts, sizeof parts);
        snprintf(buf, size, "%s %s is not a member in %d: it was split on %s into %s, members in "
                 "its place",
                 code, e->other_name, year, cs_date_format(e->date, d), parts);
        return 1;
      }
    }
  }
  /* joins later */
  for (size_t k = 0; k < r->nyears; k++) {
    const cs_year *y = &r->years[k];
    if (y->year <= year) continue;
    for (size_t i = 0; i < y->nevents; i++) {
      const cs_year_event *e = &y->events[i];
      if (e->kind == CS_EVENT_JOINS && strcmp(e->code, code) == 0) {
        snprintf(buf, size, "%s %s is not a member in %d: it %s", e->code, e->name, year,
                 cs_event_text(e, text, sizeof text));
        return 1;
      }
    }
  }
  return 0;
}

void cs_explain_row(const cs_result *r, const cs_row *row, char *buf, size_t size) {
  out o = {buf, size, 0};
  char a[64], b[64], c3[64], pb[160], text[240];
  buf[0] = '\0';
  const cs_year *y = cs_result_year(r, row->year);
  put(&o, "%s %s, budget year %d, %s\n", row->code, row->name, row->year, r->name);
  if (row->merged[0]) put(&o, "  member made of: %s\n", row->merged);
  if (y) row_events(&o, y, row);
  if (y) {
    for (size_t i = 0; i < y->nlines; i++) {
      money(y->lines[i].cents, a, sizeof a);
      put(&o, "  cost %s %16s\n", padr(y->lines[i].name, 28, pb, sizeof pb), a);
    }
    if (y->agreement_months < 12)
      put(&o, "  (%d of 12 months inside the agreement period: costs pro rata)\n",
          y->agreement_months);
    money(y->cost, a, sizeof a);
    put(&o, "  total cost %-22s %16s\n", "", a);
    for (size_t i = 0; i < y->ngrants; i++) {
      money(y->grants[i].cents, a, sizeof a);
      put(&o, "  - grant %s %16s\n", padr(y->grants[i].name, 25, pb, sizeof pb), a);
    }
    money(y->net, a, sizeof a);
    put(&o, "  = net cost = cost - grants %-6s %16s\n", "", a);
    put(&o, "  key: %s\n", y->key);
    if (y->label[0]) put(&o, "  key label: %s\n", y->label);
    if (y->source[0]) put(&o, "  key source: %s\n", y->source);
    if (y->assumption[0]) put(&o, "  ASSUMPTION: %s\n", y->assumption);
  }
  put(&o, "  population %s on 1 January %d (%s)\n",
      cs_format_int(row->population, " ", a, sizeof a), row->pop_year,
      pop_source_text(row->pop_source));
  if (row->months < 12)
    put(&o, "  member %d of 12 months; charged for %d\n", row->months, row->charged_months);
  for (size_t i = 0; i < row->nparts; i++) {
    cs_explain_part(r, row, i, text, sizeof text);
    put(&o, "  %-11s %s\n", cs_part_name(r, row, i), text);
  }
  money(row->cents, a, sizeof a);
  put(&o, "  unrounded total %s -> %s kr (whole kroner; largest remainder so the shares sum to %s)\n",
      a, cs_format_int(row->total, " ", b, sizeof b),
      y ? cs_format_int(y->sum_shares, " ", c3, sizeof c3) : "?");
  if (y && y->has_due) {
    char d[11];
    put(&o, "  due %s", cs_date_format(y->due, d));
  } else {
    put(&o, "  due date not stated");
  }
  if (row->is_host) put(&o, "; host: does not invoice itself\n");
  else if (row->payee[0]) put(&o, "; invoiced by %s\n", row->payee);
  else put(&o, "\n");
}
