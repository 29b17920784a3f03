#ifndef COOPSIM_SETTLE_H
#define COOPSIM_SETTLE_H
/*
** settle.h: the settlement of a year's accounts (SPEC 7.3), for
** simulate.c only: which of the next year's members each difference of a
** year goes to (the same member, the member it merged into, the member a
** hypothetical merger made of it), or that it gets a settlement-only row of
** its own (a member gone, split, or merged with no member).
*/
#include <stddef.h>
#include <stdint.h>
#include "coop_internal.h"
#include "coopsim/registry.h"

/* One member's difference of the year settled. */
typedef struct cs_settle_item {
  char code[CS_MEMBER_ID_MAX + 1]; /* its code that year, or a party's id */
  const char *name, *given;        /* texts of the result that made the row */
  int party;
  int64_t difference;              /* whole kroner */
  size_t target;                   /* cs_settle_route: its place among the next year's members,
                                   ** or SIZE_MAX for a settlement-only row */
} cs_settle_item;

/* The differences of one year, to be settled in the next. */
typedef struct cs_settle_carry {
  int year;                        /* the year settled; 0: nothing to settle */
  int64_t budget_net, actual_net;  /* its net costs, hundredths */
  cs_settle_item *items;           /* in the order of the year's rows (by code) */
  size_t n, cap;
} cs_settle_carry;

/* Forgets the items (keeps the room) and sets the year to 0. */
void cs_settle_clear(cs_settle_carry *c);
void cs_settle_free(cs_settle_carry *c);

/* Adds a member's difference. 0, or CS_ENOMEM. */
int cs_settle_add(cs_settle_carry *c, const char *code, const char *name, const char *given, int party,
                  int64_t difference);

/* Sets each item's target among the next year's members, whose codes (or
** party ids) are codes[0 .. n), sorted bytewise: the member with the same
** code; else, for a municipality, the member of a hypothetical merger it
** is in from the next year, or the one code it became by 1 January of the
** next year (a renumbering, a merger into another member); else SIZE_MAX:
** gone, split (several successors) or merged with no member. */
void cs_settle_route(cs_settle_carry *c, const cs_coop *coop, const cs_registry *reg,
                     const char *const *codes, size_t n);

#endif
