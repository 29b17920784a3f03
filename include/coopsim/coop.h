#ifndef COOPSIM_COOP_H
#define COOPSIM_COOP_H
/*
** A cooperation agreement: members, host, agreement period, cost lines,
** grants, the cost-sharing key by year, population reference date, billing
** date, notice rule, part-year rule and merger rule. Built by calls, then
** simulated (simulate.h). Codes given here are registry codes already
** resolved by the caller at the date stated (the member's anchor date).
*/
#include <stddef.h>
#include "coopsim/date.h"
#include "coopsim/error.h"
#include "coopsim/invoice.h"
#include "coopsim/key.h"
#include "coopsim/notice.h"
#include "coopsim/party.h"
#include "coopsim/q.h"

/* The longest member id: a municipality code (4 digits) or a party id. */
#define CS_MEMBER_ID_MAX CS_PARTY_ID_MAX

typedef enum { CS_GROWTH_NONE, CS_GROWTH_WAGE, CS_GROWTH_PRICE } cs_growth;
typedef enum { CS_POPDATE_PREVIOUS_YEAR, CS_POPDATE_BUDGET_YEAR, CS_POPDATE_FIXED } cs_popdate;
typedef enum { CS_PART_YEAR_FULL, CS_PART_YEAR_MONTHS } cs_part_year;
typedef enum { CS_MERGER_WHOLE, CS_MERGER_MEMBER_PART, CS_MERGER_ERROR } cs_merger;
/* A member that is split: every successor a member from the split date
** (each with its own population), or stop and ask. */
typedef enum { CS_SPLIT_SUCCESSORS, CS_SPLIT_ERROR } cs_split;
/* The money cycle (SPEC 7.3): a year's settlement (actual share less budget
** share) on the next year's invoice, or shown and not invoiced. */
typedef enum { CS_SETTLE_NEXT_YEAR, CS_SETTLE_NONE } cs_settle;

typedef struct cs_coop cs_coop;

/* A population override: may replace *population (the registry figure) of
** member `code` for budget year `year` (population year pop_year). Returns 0
** or an error code with a message. */
typedef int (*cs_population_fn)(void *ud, const char *code, int year, int pop_year,
                                int64_t *population, cs_error *err);

/* Creates an empty cooperation named name (copied whole). Caller owns it
** (cs_coop_free). NULL when out of memory. */
cs_coop *cs_coop_new(const char *name);
void cs_coop_free(cs_coop *c);
const char *cs_coop_name(const cs_coop *c);

/* The host (a registry code valid on the cooperation's resolution date:
** period.from, else 1 January of base_year, else 1 January of the run's
** first year; `at` is not used) or, for payee, a free text that replaces
** the host as the payee of invoices (seed 001: KS buys the function on
** behalf of the members). A host that is split is followed by the part
** that keeps its name (else the run stops, naming the parts). */
int cs_coop_set_host(cs_coop *c, const char *code, cs_date at, cs_error *err);
int cs_coop_set_payee(cs_coop *c, const char *payee, cs_error *err);

/* A payee that is a municipality (SPEC 7.1): its code at the resolution
** date, followed each year like the host (its name that year is the
** payee's; a payee that is split is followed by the part that keeps its
** name, else the run stops naming the parts). */
int cs_coop_set_payee_code(cs_coop *c, const char *code, cs_error *err);

/* A host that is a party (cs_coop_add_party: the party, by its id). */
int cs_coop_set_host_party(cs_coop *c, const char *id, cs_error *err);

/* Agreement period; has_to = 0 for an open end. A first (last) year that is
** only partly inside the period bears its costs pro rata by months begun. */
int cs_coop_set_period(cs_coop *c, cs_date from, int has_to, cs_date to, cs_error *err);
/* Year at which cost amounts are stated (default: the period's first year). */
int cs_coop_set_base_year(cs_coop *c, int year, cs_error *err);
/* Growth rates per year from from_year on (later calls override later years). */
int cs_coop_set_growth(cs_coop *c, int from_year, const cs_q *wage, const cs_q *price,
                       cs_error *err);
int cs_coop_set_popdate(cs_coop *c, cs_popdate kind, int fixed_year, cs_error *err);
int cs_coop_set_notice(cs_coop *c, const cs_notice *rule, cs_error *err);
void cs_coop_set_part_year(cs_coop *c, cs_part_year rule);
void cs_coop_set_merger(cs_coop *c, cs_merger rule);
void cs_coop_set_split(cs_coop *c, cs_split rule);
/* Invoices are due on month-day of each budget year. CS_EINVAL when the
** cooperation has instalment dates (cs_coop_set_invoices). */
int cs_coop_set_due(cs_coop *c, int month, int day, cs_error *err);

/* The money cycle (SPEC 7.3). Instalment dates of every budget year (the
** field `invoices`, parsed by cs_invoice_dates_parse; copied). CS_EINVAL
** naming both fields when the cooperation has a due date. */
int cs_coop_set_invoices(cs_coop *c, const cs_invoice_dates *dates, cs_error *err);

/* The field `settle` as given (a run's options line names it). */
void cs_coop_set_settle(cs_coop *c, cs_settle rule);

/* A year's accounts (regnskap): its actual cost and grants, never pro-rated,
** for service `service` (an index of cs_coop_add_service; 0 without
** services). grants NULL: none given, which the simulation refuses for a
** year in which the service has grants. A later call for the same year and
** service replaces an earlier one. CS_EINVAL naming the value for a
** negative amount, a year outside 1900..2200 or an unknown service, and
** for no cost (NULL). */
int cs_coop_set_accounts(cs_coop *c, int year, size_t service, const cs_q *cost, const cs_q *grants,
                         cs_error *err);
/* 1 = prorate the agreement's first and last years by months (default). */
void cs_coop_set_prorate_period(cs_coop *c, int on);

/* Adds a member: code valid at `anchor` (its join date or the agreement's
** resolution date, see cs_coop_set_host); `given` is what the scenario
** wrote. Duplicate codes fail. A member whose territory is later split
** becomes every part (cs_coop_set_split); a notice it gave binds them all. */
int cs_coop_add_member(cs_coop *c, const char *code, cs_date anchor, int joined,
                       const char *given, cs_error *err);
/* A member that is not a municipality (SPEC 7.2 "Parties"): id (checked
** by cs_party_id_check without a registry; the caller checks names) and
** name, and its population: the sum of its municipalities' (codes valid
** at the cooperation's resolution date; their territories followed each
** year by the cooperation's merger rule: a municipality merged with one
** outside the party counts whole, by the party's part, or stops the run)
** when nmunis > 0; else given, either one figure for every year (years
** NULL, n 1) or by the population date's year (years[i], pops[i]: a year
** the run reads that is not given is an error). anchor and joined as for
** cs_coop_add_member: the resolution date, or (joined 1) the date it joins. */
int cs_coop_add_party(cs_coop *c, const char *id, const char *name, const char *const *munis,
                      size_t nmunis, const int *years, const int64_t *pops, size_t npops,
                      cs_date anchor, int joined, cs_error *err);

/* Notice of withdrawal given on `given` by member code (as added); it binds
** every part the member is later split into. */
int cs_coop_withdraw(cs_coop *c, const char *code, cs_date given, cs_error *err);
/* Notice given on `given` by `part`, one of the municipalities member code
** (as added) was split into: that part alone leaves. A second notice of the
** same part replaces the first. */
int cs_coop_withdraw_part(cs_coop *c, const char *code, const char *part, cs_date given,
                          cs_error *err);
/* Removes a member from the start (e.g. a variant without it). */
int cs_coop_remove_member(cs_coop *c, const char *code, cs_error *err);

/* Cost lines. A fixed line has an amount at the base year and optional
** growth; a derived line is rate x the sum of named lines of the same year. */
int cs_coop_add_cost(cs_coop *c, const char *name, const cs_q *amount, cs_growth growth,
                     cs_error *err);
int cs_coop_add_derived_cost(cs_coop *c, const char *name, const cs_q *rate,
                             const char *const *of, size_t nof, cs_error *err);
/* From from_year on, the fixed line `name` is `amount` (stated in
** from_year's money: growth continues from there). */
int cs_coop_set_cost(cs_coop *c, const char *name, const cs_q *amount, int from_year,
                     cs_error *err);

/* A grant of amount per year, from..to inclusive. cap (may be NULL) limits
** it per year; covers (may be empty) names the eligible cost lines. The
** amount granted is the smallest of amount, cap and eligible costs. */
int cs_coop_add_grant(cs_coop *c, const char *name, const cs_q *amount, int from, int to,
                      const cs_q *cap, const char *const *covers, size_t ncovers,
                      cs_error *err);
/* Sets the grant's last year (ending it early or extending it). */
int cs_coop_set_grant_end(cs_coop *c, const char *name, int last_year, cs_error *err);

/* Uses key from from_year on (the first call's from_year may be anything)
** for the service chosen by cs_coop_use_service (the cooperation's key
** without services). The cooperation takes ownership of key, also on
** failure. */
int cs_coop_set_key(cs_coop *c, cs_key *key, int from_year, cs_error *err);

/* Services (SPEC 7.2): one agreement, several services, each with its own
** cost lines, grants and key, and optionally a subset of the members
** (member ids as added; NULL, 0: every member, also those that join).
** Each service shares its own net cost when positive and is rounded on
** its own. Names are unique; *index is the new service's. A cooperation
** with services has no lines, grants or keys outside them. */
int cs_coop_add_service(cs_coop *c, const char *name, const char *const *members,
                        size_t nmembers, size_t *index, cs_error *err);

/* Cost lines, grants and keys added after this call belong to service
** `index` (cs_coop_add_service); CS_EINVAL for an unknown index. */
int cs_coop_use_service(cs_coop *c, size_t index, cs_error *err);

/* The service named name: its index, or CS_ENOTFOUND naming the services. */
int cs_coop_find_service(const cs_coop *c, const char *name, size_t *index, cs_error *err);

/* A hypothetical merger of the municipalities `codes` (valid the day before
** `date`) into one called `name`, for budget years starting on or after
** `date`. Members among them become one member ("H001", "H002", ... in
** results) with the population of all the parts. */
int cs_coop_add_merger(cs_coop *c, const char *const *codes, size_t n, const char *name,
                       cs_date date, cs_error *err);

/* The counterfactual "no reform": members keep the municipal structure of
** date `at` in every later year; populations of municipalities merged since
** come from cs_registry_population_frozen (a proxy, marked as such). */
void cs_coop_set_freeze(cs_coop *c, cs_date at);

void cs_coop_set_population_fn(cs_coop *c, cs_population_fn fn, void *ud);

#endif
