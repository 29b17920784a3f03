#ifndef COOPSIM_PARTY_H
#define COOPSIM_PARTY_H
/*
** Members that are not municipalities (SPEC §7.2 "Parties that are not
** municipalities"): counties, regional councils, companies. This part is
** their identity: the rule for ids and the order of members, which breaks
** ties of the largest-remainder rounding (round.c) and sorts rows.
*/
#include "coopsim/error.h"
#include "coopsim/registry.h"

/* The longest party id. */
#define CS_PARTY_ID_MAX 16

/* Checks a party id: 1-16 characters of A-Z a-z 0-9 _ -, beginning with a
** letter, not H followed by digits only (hypothetical mergers are H001,
** H002, ...), and, when reg is given, not the name of a municipality at any
** date. CS_EINVAL naming the id and the rule it breaks. */
int cs_party_id_check(const char *id, const cs_registry *reg, cs_error *err);

/* The order of members: codes and party ids compared byte by byte, so
** "0301" < "1833" < "P01" (digits before letters; a code is never a prefix
** of an id). <0, 0, >0. */
int cs_member_id_cmp(const char *a, const char *b);

#endif
