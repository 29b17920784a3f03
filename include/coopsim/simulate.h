#ifndef COOPSIM_SIMULATE_H
#define COOPSIM_SIMULATE_H
/*
** Simulation of a cooperation over a range of budget years, and its results:
** one row per member and year, one summary per year.
*/
#include <stddef.h>
#include <stdint.h>
#include "coopsim/coop.h"
#include "coopsim/registry.h"

typedef enum {
  CS_POP_REGISTRY = 0,    /* SSB figure for the code on that day */
  CS_POP_PREDECESSORS,    /* sum of predecessors (a merger after that day) */
  CS_POP_PROXY,           /* includes part of a split, by a recorded proxy fraction */
  CS_POP_OVERRIDE         /* the scenario replaced the figure */
} cs_pop_source;

/* Rows keep the exact values only as text (two decimals): the
** exact arithmetic is done during the simulation; rows are for reading. */
typedef struct cs_part {
  char name[16];
  char exact[48];         /* unrounded, two decimals: "8712.22" */
  int64_t rounded;        /* rounded on its own (halves away from zero), for display */
  char explain[240];
} cs_part;

typedef struct cs_row {
  int year;
  char code[5];           /* the code in the budget year */
  char name[64];
  char given[64];         /* as the scenario wrote the member (first of a merged group) */
  char merged[160];       /* "" or "5004 Steinkjer + 5039 Verran" ... */
  int64_t population;
  int pop_year;           /* population on 1 January of pop_year */
  cs_pop_source pop_source;
  int months;             /* months of membership in the year (12 = whole year) */
  int charged_months;     /* 12 unless pro-rated */
  size_t nparts;
  cs_part parts[CS_KEY_MAX_PARTS];
  char exact[48];         /* unrounded share, two decimals */
  int64_t total;          /* the share in whole kroner */
  int has_due;
  cs_date due;
  char payee[64];         /* "" when the member is the host */
  int is_host;
} cs_row;

typedef struct cs_line_amount {
  char name[64];
  cs_q amount;
} cs_line_amount;

typedef struct cs_year {
  int year;
  int agreement_months;   /* months of the year inside the agreement (12 = whole) */
  int past_end;           /* 1 if the year is after the agreement's end */
  size_t nlines;
  cs_line_amount *lines;  /* cost lines of the year (pro rata applied) */
  size_t ngrants;
  cs_line_amount *grants; /* amounts granted */
  cs_q cost, granted, net, shared; /* shared = max(net, 0) for a covering key */
  int64_t sum_shares;
  cs_q balance;           /* sum of shares + grants - cost: surplus (>0) or deficit (<0) */
  int covers;
  char key[256];          /* key description */
  char label[128], source[256], assumption[512];
  size_t nmembers;
} cs_year;

typedef struct cs_result {
  char name[128];         /* the cooperation's name */
  int from, to;
  size_t nrows;
  cs_row *rows;           /* by year, then code */
  size_t nyears;
  cs_year *years;
  char options[256];      /* the interpretations used, e.g. "rounding=largest_remainder ..." */
} cs_result;

/* Runs the cooperation for budget years from..to. The caller owns *out
** (cs_result_free). Errors name the year, member and value. */
int cs_simulate(const cs_coop *coop, const cs_registry *reg, int from, int to, cs_result **out,
                cs_error *err);

void cs_result_free(cs_result *r);

/* The row of member code (the code in that year) in year, or NULL. */
const cs_row *cs_result_row(const cs_result *r, const char *code, int year);
const cs_year *cs_result_year(const cs_result *r, int year);

#endif
