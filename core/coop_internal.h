#ifndef COOPSIM_COOP_INTERNAL_H
#define COOPSIM_COOP_INTERNAL_H
/* The cooperation's fields, shared by coop.c and simulate.c only. */
#include "coopsim/coop.h"

/* A notice given by a part of a member after the member was split. */
typedef struct cs_part_exit {
  char code[5];
  cs_date notice_given, exit;
} cs_part_exit;

typedef struct cs_member {
  char code[CS_MEMBER_ID_MAX + 1]; /* a municipality code, or a party's id */
  char *given;            /* as the scenario wrote it (owned) */
  cs_date anchor;
  int joined;             /* anchor is a join date (membership starts there) */
  int has_exit;
  cs_date notice_given, exit; /* exit: first day no longer a member */
  cs_part_exit *part_exits;    /* notices of parts after a split (owned) */
  size_t npart_exits;
  /* a party (not a municipality): its name and population */
  int party;
  char *party_name;       /* owned */
  char (*munis)[5];       /* its municipalities at the resolution date (owned) */
  size_t nmunis;
  int *pop_years;         /* given populations by the population date's year (owned), */
  int64_t *pops;          /* or one figure for every year (pop_years NULL, npops 1) */
  size_t npops;
} cs_member;

typedef struct cs_cost_set {
  int from_year;
  cs_q amount;
} cs_cost_set;

typedef struct cs_cost_line {
  size_t service;
  char name[64];
  int derived;
  cs_q amount;            /* fixed: amount at base year; derived: the rate */
  cs_growth growth;
  char (*of)[64];
  size_t nof;
  cs_cost_set *sets;
  size_t nsets;
} cs_cost_line;

typedef struct cs_grant {
  size_t service;
  char name[64];
  cs_q amount;
  int from, to;
  int has_cap;
  cs_q cap;
  char (*covers)[64];
  size_t ncovers;
} cs_grant;

/* A hypothetical merger (scenario modification merge()). */
typedef struct cs_vmerger {
  char code[5];           /* "H001"...: hypothetical codes never clash with SSB's digits */
  char name[64];
  cs_date date;           /* effective for budget years starting on or after it */
  char (*parts)[5];
  size_t nparts;
} cs_vmerger;

typedef struct cs_key_period {
  size_t service;
  int from_year;
  cs_key *key;
} cs_key_period;

/* A service (cs_coop_add_service). */
typedef struct cs_service {
  char *name;             /* owned */
  int has_members;        /* 0: every member */
  char (*members)[CS_MEMBER_ID_MAX + 1]; /* owned */
  size_t nmembers;
} cs_service;

/* A year's accounts of a service (cs_coop_set_accounts). */
typedef struct cs_accounts {
  int year;
  size_t service;
  cs_q cost;
  int has_grants;
  cs_q grants;
} cs_accounts;

typedef struct cs_growth_period {
  int from_year;
  cs_q wage, price;
} cs_growth_period;

struct cs_coop {
  char *name;             /* owned */
  int has_host;
  int host_party;         /* the host is a party (host: its id) */
  char host[CS_MEMBER_ID_MAX + 1];
  char *payee;            /* owned, or NULL */
  int has_payee_code;     /* the payee is a municipality, followed like the host */
  char payee_code[5];
  int has_period, has_to;
  cs_date from, to;
  int has_base_year, base_year;
  cs_growth_period *growths;
  size_t ngrowths;
  cs_popdate popdate;
  int pop_fixed_year;
  cs_notice notice;
  int has_notice;
  cs_part_year part_year;
  cs_merger merger;
  cs_split split;
  int has_due, due_month, due_day;
  int has_invoices;       /* instalment dates (the field `invoices`) */
  cs_invoice_dates invoices;
  int has_settle;         /* the field `settle` was given */
  cs_settle settle;
  cs_accounts *accounts;  /* by year and service, each once */
  size_t naccounts;
  int prorate_period;
  int has_freeze;
  cs_date freeze;         /* no_reform: municipal structure frozen at this date */
  cs_member *members;
  size_t nmembers;
  cs_cost_line *lines;
  size_t nlines;
  cs_grant *grants;
  size_t ngrants;
  cs_key_period *keys;
  size_t nkeys;
  cs_vmerger *vmergers;
  size_t nvmergers;
  cs_service *services;   /* none: one implicit service, 0 */
  size_t nservices;
  size_t current_service; /* where lines, grants and keys go (cs_coop_use_service) */
  cs_population_fn pop_fn;
  void *pop_ud;
};

#endif
