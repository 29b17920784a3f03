#ifndef COOPSIM_SIMULATE_H
#define COOPSIM_SIMULATE_H
/*
** Simulation of a cooperation over a range of budget years, and its results:
** one row per member and year, one summary per year.
*/
#include <stddef.h>
#include <stdint.h>
#include "coopsim/coop.h"
#include "coopsim/invoice.h"
#include "coopsim/key.h"
#include "coopsim/registry.h"
#include "coopsim/report.h"

typedef enum {
  CS_POP_REGISTRY = 0,    /* SSB figure for the code on that day */
  CS_POP_PREDECESSORS,    /* sum of predecessors (a merger after that day) */
  CS_POP_PROXY,           /* includes part of a split, by a recorded proxy fraction */
  CS_POP_OVERRIDE         /* the scenario replaced the figure (or gave a party's) */
} cs_pop_source;

/* Rows keep the exact values only in hundredths (cents: the exact amount
** rounded half away from zero, 871222 for "8712.22"): the exact arithmetic
** is done during the simulation; rows are for reading. Texts are shared:
** the const char * fields point into the result (they live as long as it)
** and are "" when empty. Explanations are made when asked
** (cs_explain_part_text, cs_explain_row_text), from the year's notes. */
typedef struct cs_part {
  int64_t cents;          /* unrounded, in hundredths */
  int64_t rounded;        /* rounded on its own (halves away from zero), for display */
} cs_part;

/* A member's share of one service (a cooperation with `services`): the
** service's index in cs_result.services, the member's place among that
** service's members of the year, which of the row's parts are the
** service's, and the share (rounded on its own, by largest remainder among
** the service's members). */
typedef struct cs_row_service {
  uint32_t service;
  uint32_t member;        /* its index in the service's cs_year_key */
  uint32_t part0, nparts; /* the row's parts [part0, part0 + nparts) */
  int64_t cents;          /* unrounded, in hundredths */
  int64_t total;          /* whole kroner */
} cs_row_service;

typedef struct cs_row {
  const char *name;
  const char *given;      /* as the scenario wrote the member (first of a merged group) */
  const char *merged;     /* "" or "5004 Steinkjer + 5039 Verran" ... */
  const char *payee;      /* "" when the member is the host */
  int64_t population;
  int64_t cents;          /* unrounded share, in hundredths */
  int64_t total;          /* the share in whole kroner (with services: the sum of the
                          ** service shares, each rounded on its own) */
  uint32_t part0;         /* its parts: r->parts[part0 .. part0 + nparts) */
  uint32_t nparts;        /* (with services: its services', cs_row_services) */
  int year;
  int pop_year;           /* population on 1 January of pop_year */
  char code[CS_MEMBER_ID_MAX + 1]; /* the code in the budget year, or a party's id */
  unsigned char months;   /* months of membership in the year (12 = whole year) */
  unsigned char charged_months; /* 12 unless pro-rated */
  unsigned char pop_source; /* a cs_pop_source */
  unsigned char is_host;
  unsigned char is_party; /* the member is a party (cs_coop_add_party), not a municipality */
} cs_row;

/* A row's money cycle (SPEC 7.3), in cs_result.money (one per row) when
** the result has it. A settlement-only row is a member gone this year that
** is invoiced only the settlement of the year before: it has no share
** (total 0, no parts, population -1) and is not counted among the year's
** members. */
typedef struct cs_row_money {
  int64_t difference;      /* has_difference: the year's actual share less its budget share (kroner) */
  int64_t settlement;      /* what the year's invoice carries from year - 1 (0 under settle = "none") */
  uint32_t invoice0, ninvoices; /* its instalments: r->invoices[invoice0 .. invoice0 + ninvoices) */
  uint32_t member;         /* its place among the year's members (0 for a settlement-only row) */
  unsigned char has_difference; /* the year has accounts (a member's row) */
  unsigned char settlement_only;
} cs_row_money;

typedef struct cs_line_amount {
  const char *name;
  int64_t cents;          /* exact amount in hundredths */
  size_t service;         /* the line's or grant's service (0 without services) */
} cs_line_amount;

/* A part shared in machine words (core/share_fx.c): the figures its
** explanation is written from when asked. */
typedef struct cs_year_note {
  cs_component_kind kind;
  const char *percent;    /* the pool's fraction in per cent ("20") */
  int whole;              /* the pool is all of the net cost */
  int64_t net_cents, pool_cents;
  uint64_t weight, weight_den; /* the pool's total weight, weight / weight_den */
} cs_year_note;

/* One key applied for a year: the cooperation's key, or one service's. Its
** members are the year's rows in order (without services) or the members
** in the service (cs_row_service.member). The explanations are written
** from `notes` (the exact path) or `fx` (the machine-word path), one of
** which is set when the key had members. */
typedef struct cs_year_key {
  const char *service;    /* the service's name; "" without services */
  const char *key;        /* the key's description */
  const char *key_nb;     /* the same in bokmål */
  const char *label, *source, *assumption;
  int covers;             /* the key shares the net cost */
  size_t nmembers;
  size_t nparts;
  const char **part_names; /* nparts names: "equal", "by:timer", "brann/equal" with services */
  cs_key_notes *notes;    /* owned by the result, or NULL */
  cs_year_note *fx;       /* nparts, or NULL */
  int capped;             /* the key has limits (cs.keys.capped) */
  size_t nclamped;        /* members a cap or floor held (the linter's "never binds") */
  int64_t cost, granted, net; /* the service's, in hundredths */
  int64_t shared;         /* what the key shared (the net cost when positive, else 0) */
  int64_t sum_shares;     /* whole kroner */
  /* the service's accounts (SPEC 7.3), when the year has them: hundredths,
  ** and the actual shares' sum in whole kroner */
  int has_accounts;
  int64_t actual_cost, actual_granted, actual_net, actual_shared, actual_sum;
} cs_year_key;

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
  char code[CS_MEMBER_ID_MAX + 1]; /* the member: its code that year (GONE: its last code) */
  const char *name;       /* its name (points into the result) */
  cs_date date;           /* the notice, merger, split or joining */
  cs_date until;          /* NOTICE, GONE: the notice period's last day */
  char other_code[CS_MEMBER_ID_MAX + 1]; /* MERGED: merged into; SPLIT: split from; else "" */
  const char *other_name; /* its name, or "" */
} cs_year_event;

typedef struct cs_year {
  int year;
  int agreement_months;   /* months of the year inside the agreement (12 = whole) */
  int past_end;           /* 1 if the year is after the agreement's end */
  size_t nlines;
  cs_line_amount *lines;  /* cost lines of the year (pro rata applied), of every service */
  size_t ngrants;
  cs_line_amount *grants; /* amounts granted */
  int64_t cost, granted, net; /* in hundredths: every service together */
  int64_t sum_shares;
  int64_t balance;        /* sum of shares + grants - cost, in hundredths: surplus (>0) or deficit (<0) */
  int covers;             /* every key of the year shares its net cost */
  const char *key;        /* key description ("brann: ...; feiing: ..." with services) */
  const char *key_nb;     /* the same in bokmål */
  const char *label, *source, *assumption;
  size_t nmembers;
  size_t first_row;       /* its rows: r->rows[first_row .. first_row + nrows), in order of
                          ** code: the members' and settlement-only rows (SPEC 7.3) */
  size_t nrows;           /* nmembers + the settlement-only rows */
  int has_due;
  cs_date due;            /* when has_due */
  size_t nkeys;
  cs_year_key *keys;      /* the key of each service (one without services) */
  size_t nevents;
  cs_year_event *events;  /* why members are absent, leave, merge, split or join */
  /* the money cycle (SPEC 7.3): the year's accounts (every service's
  ** together; hundredths), and what of year - 1 its invoices settle */
  int has_accounts;
  int64_t actual_cost, actual_granted, actual_net;
  int has_settled;        /* year - 1 had accounts and settle = "next_year" */
  int64_t settled_net, settled_actual_net; /* year - 1's budgeted and actual net cost (hundredths) */
} cs_year;

typedef struct cs_strings cs_strings; /* the result's texts (simulate.c) */

typedef struct cs_result {
  const char *name;       /* the cooperation's name */
  int from, to;
  size_t nrows;
  cs_row *rows;           /* by year, then code (bytewise: codes before party ids) */
  size_t nparts;
  cs_part *parts;         /* the rows' parts */
  size_t nservices;       /* 0: the cooperation has no services */
  const char **services;  /* their names */
  size_t nrow_services;
  cs_row_service *row_services;
  uint32_t *row_service0; /* with services (nrows + 1 of them): row i's services are
                          ** row_services[row_service0[i] .. row_service0[i + 1]) */
  size_t nyears;
  cs_year *years;
  const char *options;    /* the interpretations used, e.g. "rounding=largest_remainder ... split=successors" */
  cs_strings *strings;
  /* the money cycle (SPEC 7.3), when the cooperation has instalment dates
  ** or accounts for a year of the run or the year before: each row's
  ** figures and instalments (the host's row has none); NULL and 0 without */
  cs_row_money *money;    /* nrows of them */
  cs_invoice *invoices;   /* first_line indexes invoice_lines */
  size_t ninvoices;
  cs_invoice_line *invoice_lines; /* a line's service points into the result */
  size_t ninvoice_lines;
  int dated;              /* the invoices have dates (instalment dates or `due`): without,
                          ** an invoice is dated on the member's first day in the year */
  int settle_none;        /* settle = "none": differences shown, never invoiced */
} cs_result;

/* Runs the cooperation for budget years from..to. The caller owns *out
** (cs_result_free). Errors name the year, member and value. Members, host
** and the hypothetical mergers' parts are followed from the cooperation's
** resolution date (cs_coop_set_host) through SSB's changes; populations
** are those of each member's territory in the budget year (registry.h).
**
** The money cycle (SPEC 7.3, core/settle.c): for a year with accounts
** (cs_coop_set_accounts) the actual shares are the year's key applied to
** the actual net cost with the same members, months, populations and
** limits, rounded as the budget's; a member's difference is its actual
** share less its budget share, carried (settle = "next_year") onto its
** invoice of the next year, or of the member it merged into, or onto a
** settlement-only row of its own when it is gone or split. Accounts for
** the year before `from` are settled in `from` (that year is computed, not
** shown). Every member's invoices of a year are its instalments
** (invoice.h), each service split on its own. CS_EINVAL when a year with
** accounts lacks grants that a service has that year, or a service's
** accounts where another has some. */
int cs_simulate(const cs_coop *coop, const cs_registry *reg, int from, int to, cs_result **out,
                cs_error *err);

void cs_result_free(cs_result *r);

/* 1 (the default): a year's cost lines are computed as exact decimals when
** they are decimals (core/dec.h), else as rationals; tests set it to 0 to
** compare with the rational path. The figures are the same. */
extern int cs_simulate_decimal_costs;

/* The money cycle of row (of result r), or NULL when r has none. */
const cs_row_money *cs_row_money_of(const cs_result *r, const cs_row *row);

/* The instalments of row, *n of them (their lines in r->invoice_lines from
** each one's first_line); NULL and 0 when none (the host, a result without
** the money cycle, nothing to invoice). Owned by r. */
const cs_invoice *cs_row_invoices(const cs_result *r, const cs_row *row, size_t *n);

/* The row of member code (the code in that year, or a party's id) in year,
** or NULL. A settlement-only row (cs_row_money) is found like any other. */
const cs_row *cs_result_row(const cs_result *r, const char *code, int year);
const cs_year *cs_result_year(const cs_result *r, int year);

/* The parts of row (of result r). */
const cs_part *cs_row_parts(const cs_result *r, const cs_row *row);

/* The services the row's member is in that year, *n of them (owned by r);
** NULL and 0 without services. */
const cs_row_service *cs_row_services(const cs_result *r, const cs_row *row, size_t *n);

/* The name of part p of row ("equal", "population", "by:timer", "equal#2",
** "brann/equal" with services; "" if none). Owned by r. */
const char *cs_part_name(const cs_result *r, const cs_row *row, size_t p);

/* The explanation of part p of row in English or bokmål: the arithmetic
** with its figures (key.h, cs_key_notes_explain). A new string the caller
** frees; NULL when out of memory. "" for a part the row does not have. */
char *cs_explain_part_text(const cs_result *r, const cs_row *row, size_t p,
                           cs_report_lang lang);

/* cs_explain_part_text in English into buf, for callers with a buffer:
** returns the length of the whole text (as snprintf does), so a caller
** whose buffer was too small can tell (the text is never cut silently:
** check the return value against size); -1 when out of memory (buf
** then ""). */
int cs_explain_part(const cs_result *r, const cs_row *row, size_t p, char *buf, size_t size);

/* 1 when part pa of row a and part pb of row b (both rows of r) have the
** same explanation for certain, so that a writer may use one text for both:
** the same pool of the same year's key explained from the machine-word
** notes (fx), the same amount, the same months charged and, for a kind
** whose text shows it, the same population; every input of
** cs_key_pool_explain is then equal. 0 when they may differ (a key
** explained from per-member notes among them). */
int cs_explain_part_same(const cs_result *r, const cs_row *a, size_t pa, const cs_row *b, size_t pb);

#endif
