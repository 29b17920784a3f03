#ifndef COOPSIM_BANDS_H
#define COOPSIM_BANDS_H
/*
** Fees by population band (SPEC §7.2 "Population bands": NFKK, the KS
** county fee, the 2020 reform support of 5 / 20 / 25 / 30 million by
** band). A band covers populations above the previous band's `upto` up to
** its own (inclusive); the first starts at 0; the last has no `upto` and
** covers every larger population. A member in a band pays its amount plus,
** when the band has a rate, rate x its whole population.
*/
#include <stddef.h>
#include <stdint.h>
#include "coopsim/error.h"
#include "coopsim/q.h"

typedef struct cs_band {
  int has_upto;
  int64_t upto;  /* inclusive, in inhabitants (>= 0); not on the last band */
  cs_q amount;   /* >= 0 */
  int has_rate;
  cs_q rate;     /* per inhabitant of the whole population, >= 0 */
} cs_band;

/* Checks a band table: at least one band; every band but the last has an
** `upto`, the last has none; `upto` strictly increasing and >= 0; amounts
** and rates >= 0. CS_EINVAL naming the band (1-based) and the value. */
int cs_bands_check(const cs_band *bands, size_t n, cs_error *err);

/* The band (index) of a population >= 0 in a checked table. */
size_t cs_bands_find(const cs_band *bands, size_t n, int64_t population);

/* The first population of band k: 0, or the previous band's upto + 1. */
int64_t cs_bands_from(const cs_band *bands, size_t k);

/* The fee of band b for a population: amount + rate x population.
** CS_EOVERFLOW. */
int cs_bands_fee(cs_q *out, const cs_band *b, int64_t population);

#endif
