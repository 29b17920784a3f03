/*
** settle.c: where a year's differences go in the next year (settle.h,
** SPEC 7.3).
*/
#include <stdlib.h>
#include <string.h>
#include "settle.h"

#define MAX_PARTS 16 /* codes one municipality's territory can be split into (registry.c) */

void cs_settle_clear(cs_settle_carry *c) {
  c->n = 0;
  c->year = 0;
  c->budget_net = c->actual_net = 0;
}

void cs_settle_free(cs_settle_carry *c) {
  free(c->items);
  memset(c, 0, sizeof *c);
}

int cs_settle_add(cs_settle_carry *c, const char *code, const char *name, const char *given, int party,
                  int64_t difference) {
  if (c->n == c->cap) {
    size_t cap = c->cap ? 2 * c->cap : 32;
    cs_settle_item *g = realloc(c->items, cap * sizeof *g);
    if (!g) return CS_ENOMEM;
    c->items = g;
    c->cap = cap;
  }
  cs_settle_item *it = &c->items[c->n++];
  memset(it, 0, sizeof *it);
  size_t len = strlen(code);
  if (len >= sizeof it->code) len = sizeof it->code - 1;
  memcpy(it->code, code, len);
  it->name = name;
  it->given = given;
  it->party = party;
  it->difference = difference;
  it->target = SIZE_MAX;
  return CS_OK;
}

/* code's place among codes[0 .. n) (sorted bytewise), or SIZE_MAX. */
static size_t find_code(const char *const *codes, size_t n, const char *code) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(codes[mid], code);
    if (c == 0) return mid;
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return SIZE_MAX;
}

/* The hypothetical merger (s:merge) code is part of from the budget year
** starting jan1, or NULL. */
static const char *vmerger_code(const cs_coop *coop, const char *code, cs_date jan1) {
  for (size_t i = 0; i < coop->nvmergers; i++) {
    const cs_vmerger *v = &coop->vmergers[i];
    if (cs_date_cmp(v->date, jan1) > 0) continue;
    for (size_t p = 0; p < v->nparts; p++)
      if (strcmp(v->parts[p], code) == 0) return v->code;
  }
  return NULL;
}

void cs_settle_route(cs_settle_carry *c, const cs_coop *coop, const cs_registry *reg,
                     const char *const *codes, size_t n) {
  cs_date last = {c->year, 12, 31}, next = cs_date_jan1(c->year + 1);
  for (size_t i = 0; i < c->n; i++) {
    cs_settle_item *it = &c->items[i];
    it->target = find_code(codes, n, it->code);
    if (it->target != SIZE_MAX || it->party) continue;
    const char *h = vmerger_code(coop, it->code, next);
    if (h) {
      it->target = find_code(codes, n, h);
      continue;
    }
    /* the one code its territory is in on 1 January (a split or a code
    ** unknown to the registry: a row of its own) */
    char to[MAX_PARTS][5];
    size_t nto = 0;
    if (cs_registry_successors(reg, it->code, last, next, to, MAX_PARTS, &nto, NULL, NULL, NULL) == CS_OK &&
        nto == 1) {
      it->target = find_code(codes, n, to[0]);
      if (it->target == SIZE_MAX && (h = vmerger_code(coop, to[0], next))) it->target = find_code(codes, n, h);
    }
  }
}
