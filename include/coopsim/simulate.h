#ifndef COOPSIM_SIMULATE_H
#define COOPSIM_SIMULATE_H
/*
** Simulation of a cooperation over a range of budget years, and its results:
** one row per member and year, one summary per year.
*/
#include <stddef.h>
#include <stdint.h>
#include "coopsim/coop.h"
#include "coopsim/key.h"
#include "coopsim/registry.h"

typedef enum {
  CS_POP_REGISTRY = 0,    /* SSB figure for the code on that day */
  CS_POP_PREDECESSORS,    /* sum of predecessors (a merger after that day) */
  CS_POP_PROXY,           /* includes part of a split, by a recorded proxy fraction */
  CS_POP_OVERRIDE         /* the scenario replaced the figure */
} cs_pop_source;

/* Rows keep the exact values only in hundredths (cents: the exact amount
** rounded half away from zero, 871222 for "8712.22"): the exact arithmetic
** is done during the simulation; rows are for reading. Texts are shared:
** the const char * fields point into the result (they live as long as it)
** and are "" when empty. Explanations are made when asked
** (cs_explain_row, cs_explain_part), from the year's notes. */
typedef struct cs_part {
  int64_t cents;          /* unrounded, in hundredths */
  int64_t rounded;        /* rounded on its own (halves away from zero), for display */
} cs_part;

typedef struct cs_row {
  const char *name;
  const char *given;      /* as the scenario wrote the member (first of a merged group) */
  const char *merged;     /* "" or "5004 Steinkjer + 5039 Verran" ... */
  const char *payee;      /* "" when the member is the host */
  int64_t population;
  int64_t cents;          /* unrounded share, in hundredths */
  int64_t total;          /* the share in whole kroner */
  uint32_t part0;         /* its parts: r->parts[part0 .. part0 + nparts) */
  int year;
  int pop_year;           /* population on 1 January of pop_year */
  char code[5];           /* the code in the budget year */
  unsigned char nparts;
  unsigned char months;   /* months of membership in the year (12 = whole year) */
  unsigned char charged_months; /* 12 unless pro-rated */
  unsigned char pop_source; /* a cs_pop_source */
  unsigned char is_host;
  uint16_t member;        /* the row's place among its year's rows (0 = first) */
} cs_row;

typedef struct cs_line_amount {
  const char *name;
  int64_t cents;          /* exact amount in hundredths */
} cs_line_amount;

/* A cs_key_note kept in a result: its texts shared (they point into it),
** or, for a pool shared in machine words, NULL texts and the figures they
** are written from when an explanation asks (cs_explain_part): a
** simulation keeps numbers and writes words only when asked. */
typedef struct cs_year_note {
  cs_component_kind kind;
  const char *head;       /* NULL: see the figures */
  const char *total;
  const char *percent;    /* the pool's fraction in per cent ("20") */
  int whole;              /* the pool is all of the net cost */
  int64_t net_cents, pool_cents;
  uint64_t weight, weight_den; /* the pool's total weight, weight / weight_den */
} cs_year_note;

/* Why a member pays its last year, is absent, or is made differently
** from the year before: the reports translate these (cs_event_text in
** explain.h writes one in English). An event is listed in the year it
** takes effect: NOTICE in the member's last year, GONE in its first year
** away (or the run's first year), MERGED and SPLIT in the first year of the
** new municipality (or the run's first year when it happened before),
** JOINS in the year the member joins. */
typedef enum {
  CS_EVENT_NOTICE, /* notice given on date; the notice period ends on until: pays this year, its last */
  CS_EVENT_GONE,   /* left after its notice (given on date, period ended on until) */
  CS_EVENT_MERGED, /* code merged into other_code on date */
  CS_EVENT_SPLIT,  /* code is a part of other_code, split on date */
  CS_EVENT_JOINS   /* code is a member from date */
} cs_event_kind;

typedef struct cs_year_event {
  cs_event_kind kind;
  char code[5];           /* the member: its code that year (GONE: its last code) */
  const char *name;       /* its name (points into the result) */
  cs_date date;           /* the notice, merger, split or joining */
  cs_date until;          /* NOTICE, GONE: the notice period's last day */
  char other_code[5];     /* MERGED: merged into; SPLIT: split from; else "" */
  const char *other_name; /* its name, or "" */
} cs_year_event;

typedef struct cs_year {
  int year;
  int agreement_months;   /* months of the year inside the agreement (12 = whole) */
  int past_end;           /* 1 if the year is after the agreement's end */
  size_t nlines;
  cs_line_amount *lines;  /* cost lines of the year (pro rata applied) */
  size_t ngrants;
  cs_line_amount *grants; /* amounts granted */
  int64_t cost, granted, net; /* in hundredths */
  int64_t sum_shares;
  int64_t balance;        /* sum of shares + grants - cost, in hundredths: surplus (>0) or deficit (<0) */
  int covers;
  const char *key;        /* key description */
  const char *label, *source, *assumption;
  size_t nmembers;
  size_t first_row;       /* its rows: r->rows[first_row .. first_row + nmembers) */
  int has_due;
  cs_date due;            /* when has_due */
  size_t nnotes;
  cs_year_note *notes;    /* per key component (part j of every row): explanation texts */
  char (*member_texts)[48]; /* NULL, or nmembers * nnotes: each row's own figure per part */
  size_t nevents;
  cs_year_event *events;  /* why members are absent, leave, merge, split or join */
} cs_year;

typedef struct cs_strings cs_strings; /* the result's texts (simulate.c) */

typedef struct cs_result {
  char name[128];         /* the cooperation's name */
  int from, to;
  size_t nrows;
  cs_row *rows;           /* by year, then code */
  size_t nparts;
  cs_part *parts;         /* the rows' parts */
  size_t nyears;
  cs_year *years;
  char options[256];      /* the interpretations used, e.g. "rounding=largest_remainder ... split=successors" */
  cs_strings *strings;
} cs_result;

/* Runs the cooperation for budget years from..to. The caller owns *out
** (cs_result_free). Errors name the year, member and value. Members, host
** and the hypothetical mergers' parts are followed from the cooperation's
** resolution date (cs_coop_set_host) through SSB's changes; populations
** are those of each member's territory in the budget year (registry.h). */
int cs_simulate(const cs_coop *coop, const cs_registry *reg, int from, int to, cs_result **out,
                cs_error *err);

void cs_result_free(cs_result *r);

/* 1 (the default): a year's cost lines are computed as exact decimals when
** they are decimals (core/dec.h), else as rationals; tests set it to 0 to
** compare with the rational path. The figures are the same. */
extern int cs_simulate_decimal_costs;

/* The row of member code (the code in that year) in year, or NULL. */
const cs_row *cs_result_row(const cs_result *r, const char *code, int year);
const cs_year *cs_result_year(const cs_result *r, int year);

/* The parts of row (of result r). */
const cs_part *cs_row_parts(const cs_result *r, const cs_row *row);

/* The name of part p of row ("equal", "population", ...; "" if none). */
const char *cs_part_name(const cs_result *r, const cs_row *row, size_t p);

/* The explanation of part p of row (cs_key_explain_part's text) into buf. */
void cs_explain_part(const cs_result *r, const cs_row *row, size_t p, char *buf, size_t size);

#endif
