/*
** explain.c: the arithmetic behind a share, in words and numbers.
*/
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
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

void cs_explain_row(const cs_result *r, const cs_row *row, char *buf, size_t size) {
  out o = {buf, size, 0};
  char a[64], b[64], c3[64], pb[160], text[240];
  buf[0] = '\0';
  const cs_year *y = cs_result_year(r, row->year);
  put(&o, "%s %s, budget year %d, %s\n", row->code, row->name, row->year, r->name);
  if (row->merged[0]) put(&o, "  member made of: %s\n", row->merged);
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
