#ifndef COOPSIM_MONTECARLO_H
#define COOPSIM_MONTECARLO_H
/*
** Monte Carlo over uncertain inputs (wage growth, population growth) on a
** flat model of one cooperation: the hot loop is C over arrays, in doubles
** (statistics, not invoices: the exact engine is simulate.h), split over
** threads. Each draw's random numbers come from a counter-based generator
** keyed by (seed, draw, stream), so results do not depend on the number of
** threads.
*/
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include "coopsim/error.h"

enum { CS_MC_BASE, CS_MC_RATE, CS_MC_FIXED, CS_MC_EQUAL, CS_MC_POPULATION, CS_MC_WEIGHTS,
       CS_MC_BAND };

/* A population band (bands.h): up to upto inhabitants (inclusive; < 0 on
** the last band), amount + rate x population. */
typedef struct cs_mc_band {
  double upto, amount, rate;
} cs_mc_band;

typedef struct cs_mc_component {
  int kind;
  double amount;     /* base amount, rate, or pool fraction */
  double *by_member; /* CS_MC_FIXED amounts / CS_MC_WEIGHTS weights (usage, or a table's
                     ** values, which no draw changes), by member index */
  const cs_mc_band *bands; /* CS_MC_BAND: the fee by the drawn population */
  size_t nbands;
} cs_mc_component;

typedef struct cs_mc_year {
  int year;
  double cost_other;  /* cost that does not follow wage growth */
  double cost_wage;   /* cost that follows wage growth, at zero growth since the base year */
  int wage_steps;     /* years of wage growth since the base year (may be <= 0) */
  double grant;       /* grants, as granted in the exact run */
  int covers;         /* the key shares the net cost */
  size_t ncomp;
  cs_mc_component *comp; /* ncomp components (held by the caller) */
  int capped;         /* the key's shares are clamped (caps and floors, cap.h): each
                      ** member's share (or fee) to its limits, and for a covering key
                      ** the one factor found that makes them sum to the net cost */
  double *cap_max, *cap_min; /* per member this year (as member[]): the limit times months
                             ** / 12, or < 0 for none */
  size_t n;           /* members this year */
  int *member;        /* their member indexes */
  double *population; /* their populations in the exact run */
  double *year_share; /* months charged / 12 */
} cs_mc_year;

typedef struct cs_mc_model {
  size_t nmembers; /* distinct members over all years */
  size_t nyears;
  cs_mc_year *years;
} cs_mc_model;

typedef struct cs_mc_options {
  uint64_t seed;
  long draws;
  double pop_mean, pop_sd;   /* population growth per member and year */
  int vary_wage;             /* draw wage growth per year (else none) */
  double wage_mean, wage_sd;
  int threads;               /* 1 or more */
  volatile sig_atomic_t *stop; /* set to stop early (Ctrl-C); may be NULL */
  void (*progress)(void *ud, long done, long total);
  void *ud;
  /* Room for the draws, nyears * nmembers * draws floats, owned by the
  ** caller; NULL: allocated and freed here. The Lua binding passes memory
  ** from the Lua allocator, so a sandbox's memory cap covers it. */
  float *samples;
} cs_mc_options;

/* Per member and year (index year * nmembers + member): mean and 5th, 50th
** and 95th percentiles of the share; n = 0 where not a member. */
typedef struct cs_mc_stat {
  long n;
  double mean, p5, p50, p95;
} cs_mc_stat;

/* Runs the draws. out has nyears * nmembers entries. *done gets the draws
** completed (fewer than asked when stopped). CS_ENOMEM, CS_EINVAL. */
int cs_montecarlo(const cs_mc_model *model, const cs_mc_options *opt, cs_mc_stat *out,
                  long *done, cs_error *err);

/* The generator, exposed for tests and the plain-Lua reference: a standard
** normal for (seed, draw, stream). */
double cs_mc_normal(uint64_t seed, uint64_t draw, uint64_t stream);

/* The generator's table of the normal distribution's inverse at k / 4096,
** k = 0..4096 (entries 0 and 4096 unused), for reference implementations. */
const double *cs_mc_quantiles(size_t *n);

#endif
