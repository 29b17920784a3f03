#ifndef COOPSIM_KEY_H
#define COOPSIM_KEY_H
/*
** Cost-sharing keys (SPEC §3, §7.2). A key is a list of components:
**   direct components charge each member an amount of their own
**     CS_DIRECT_BASE   the same amount for every member (base amount)
**     CS_DIRECT_RATE   rate x the member's population (per inhabitant)
**     CS_DIRECT_FIXED  an amount per member, by code
**     CS_DIRECT_BAND   a fee by the member's population band (bands.h)
**   pool components share a fraction of the remainder R = net cost - the sum
**   of the direct components between the members by a weight
**     CS_POOL_EQUAL, CS_POOL_POPULATION, CS_POOL_WEIGHTS (usage, by code),
**     CS_POOL_CUSTOM (weights from a callback, e.g. a Lua function),
**     CS_POOL_BY (a column of a table, table.h: cs.keys.by).
** A key with pools covers the net cost (the shares sum to it); pool
** fractions must sum to exactly 1. A key without pools is a fee (the sum is
** whatever it is). cs.keys.split { equal = 0.2, population = 0.8 } is two
** pools; base_plus_rate { rate = "cover" } is a base plus a population pool;
** cs.keys.mix is the pools of its parts, each scaled by its part's fraction
** (cs_key_mix). Each member's weight and direct amounts are multiplied by
** its share of the year (1 unless part-year membership is pro-rated).
** A key may be capped (cs_key_set_limits): each member's total is clamped
** to its limits; for a covering key the excess moves to the members within
** their limits (cap.h), shown as one more part, `cap`.
**
** Parts are named by their key (SPEC §7.2 "Part names"): equal, population,
** base, rate, fixed, weights, custom, band, by:COLUMN, cap; a name repeated
** within a key gets #2, #3, ... (cs_key_part_name).
**
** A key is applied for a year by cs_key_eval (any key, any number of parts,
** texts that grow): the amounts and the figures its explanations are
** written from (cs_key_notes), explanations in English or bokmål when
** asked. For the simulation's machine-word path, cs_key_multipliers gives
** keys of equal and population pools (at most CS_KEY_MAX_PARTS of them) as
** integer multipliers, and cs_key_pool_explain their explanations.
*/
#include <stddef.h>
#include <stdint.h>
#include "coopsim/bands.h"
#include "coopsim/cap.h"
#include "coopsim/error.h"
#include "coopsim/q.h"
#include "coopsim/report.h"
#include "coopsim/table.h"

typedef enum {
  CS_DIRECT_BASE,
  CS_DIRECT_RATE,
  CS_DIRECT_FIXED,
  CS_POOL_EQUAL,
  CS_POOL_POPULATION,
  CS_POOL_WEIGHTS,
  CS_POOL_CUSTOM,
  CS_POOL_BY,
  CS_DIRECT_BAND,
  CS_PART_CAP /* not a component: the part a capped key adds */
} cs_component_kind;

/* What a key sees of a member in a budget year. */
typedef struct cs_key_member {
  const char *code;
  const char *name;
  int64_t population;
  cs_q year_share; /* months of membership / 12, or 1 */
} cs_key_member;

/* A custom pool: writes n non-negative weights (by member order) or returns
** an error code with a message. */
typedef int (*cs_key_custom_fn)(void *ud, int year, const cs_q *net,
                                const cs_key_member *members, size_t n, cs_q *weights,
                                cs_error *err);

typedef struct cs_key cs_key;

/* Creates an empty key. The caller owns it (cs_key_free). NULL on no memory. */
cs_key *cs_key_new(void);
void cs_key_free(cs_key *key);

/* Label, source and assumption shown in every report (copied; may be NULL). */
int cs_key_set_notes(cs_key *key, const char *label, const char *source,
                     const char *assumption);
const char *cs_key_label(const cs_key *key);
const char *cs_key_source(const cs_key *key);
const char *cs_key_assumption(const cs_key *key);

/* Adds a direct component. amount: the base amount or the rate (>= 0). For
** CS_DIRECT_FIXED give n codes and amounts instead (amount is ignored).
** Codes are member codes or party ids (1-16 bytes, each once). */
int cs_key_add_direct(cs_key *key, cs_component_kind kind, const cs_q *amount,
                      const char *const *codes, const cs_q *amounts, size_t n, cs_error *err);

/* Adds a pool component sharing `fraction` (0 <= f <= 1) of the remainder.
** For CS_POOL_WEIGHTS give n codes and weights; for CS_POOL_CUSTOM fn and ud
** (the key does not own ud). (CS_POOL_BY: cs_key_add_by.) */
int cs_key_add_pool(cs_key *key, cs_component_kind kind, const cs_q *fraction,
                    const char *const *codes, const cs_q *weights, size_t n,
                    cs_key_custom_fn fn, void *ud, cs_error *err);

/* Adds a pool sharing `fraction` of the remainder in proportion to the
** table's column `column` (cs.keys.by): each member's value in a budget
** year is found by cs_table_lookup with `which` (CS_TABLE_YEAR_NONE for a
** table without a year column, else BUDGET or PREVIOUS). The column is
** checked now (every cell a number >= 0) and `which` against the table;
** errors name the file, line and value (table.h). The key keeps a
** reference to the table (cs_table_retain). */
int cs_key_add_by(cs_key *key, const cs_q *fraction, cs_table *table, const char *column,
                  cs_table_year which, cs_error *err);

/* Adds a fee by population band (cs.keys.bands): the n bands are checked
** (cs_bands_check) and copied. */
int cs_key_add_bands(cs_key *key, const cs_band *bands, size_t n, cs_error *err);

/* A mixed key (cs.keys.mix) in *out (the caller owns it): part i shares
** fractions[i] (0..1, together exactly 1) of the net cost by parts[i], a
** covering key of pools only: equal, population, weights, custom, by, or
** a split or mix of these (its pools, each scaled by fractions[i], become
** the new key's). A fee key, a key with base amounts or a capped key as a
** part is an error naming the part (1-based); so is a sum other than 1.
** The parts are not changed; the new key has its own copies (and a
** reference to each table). */
int cs_key_mix(cs_key **out, const cs_q *fractions, const cs_key *const *parts, size_t n,
               cs_error *err);

/* Caps and floors (cs.keys.capped): max and min (NULL: none) apply to every
** member, max_for / min_for (codes[i], values[i]) replace them for the
** members they name. Whole kroner per year >= 0, multiplied by a member's
** charged months / 12; for each member the minimum is at most the maximum.
** At least one limit; a key is capped once; a key without components
** cannot be. CS_EINVAL naming the value. */
int cs_key_set_limits(cs_key *key, const cs_q *max, const cs_q *min,
                      const char *const *max_codes, const cs_q *max_values, size_t nmax,
                      const char *const *min_codes, const cs_q *min_values, size_t nmin,
                      cs_error *err);

/* 1 if the key has limits. */
int cs_key_is_capped(const cs_key *key);

/* Checks the key as a whole: pool fractions sum to exactly 1 (if any pools). */
int cs_key_validate(const cs_key *key, cs_error *err);

/* 1 if the key's shares sum to the net cost. */
int cs_key_covers(const cs_key *key);

/* A one-line description ("20 % equal + 80 % by population"); owned by the
** key, valid until it changes. */
const char *cs_key_describe(const cs_key *key);

/* The same in English or bokmål ("20 % likt + 80 % etter innbyggertall"). */
const char *cs_key_describe_lang(const cs_key *key, cs_report_lang lang);

/* The key's parts in the order a year's amounts have them: its components,
** then `cap` when capped. */
size_t cs_key_nparts(const cs_key *key);

/* Part p's name ("equal", "by:timer", "equal#2", "cap"; "" past the end);
** owned by the key. */
const char *cs_key_part_name(const cs_key *key, size_t p);

/* Part p's kind (CS_PART_CAP for the cap). */
cs_component_kind cs_key_part_kind(const cs_key *key, size_t p);

/* The table a CS_POOL_BY part p reads and which of its years (for a run's
** options line); NULL for other parts. */
const cs_table *cs_key_part_table(const cs_key *key, size_t p, cs_table_year *which);

/* ---- the key applied for a budget year -------------------------------- */

/* What keys need from outside the key for a year: the registry, through a
** resolver, for keys by a table (may be NULL otherwise). */
typedef struct cs_key_env {
  const cs_table_resolver *resolver;
} cs_key_env;

/* The figures explanations of one key-year are written from (what a result
** keeps instead of texts). */
typedef struct cs_key_notes cs_key_notes;

/* One key applied for one budget year: every member's parts and total,
** exact, and the notes. */
typedef struct cs_key_year cs_key_year;

/* Applies the key for a year: net is the amount to share (>= 0; what a
** covering key shares, ignored by a fee key). members[i] is member i; each
** member's code, also for tables. *io is NULL (a new key-year is made) or
** a key-year of an earlier call, whose memory is reused (a simulation
** passes the same one every year; notes not taken are freed). The caller
** owns *io (cs_key_year_free), also after a failure that reused it (its
** contents are then undefined); a failure leaves a NULL *io NULL.
** Fails with a message naming the year and the member or the value: all
** weights zero, a member without a weight, fixed amount or table row, base
** and fixed amounts above the net cost of a covering key, a key by a table
** without a resolver, amounts too large for exact arithmetic. */
int cs_key_eval(const cs_key *key, const cs_key_env *env, int year, const cs_q *net,
                const cs_key_member *members, size_t n, cs_key_year **io, cs_error *err);

void cs_key_year_free(cs_key_year *ky);

/* Members and parts (cs_key_nparts) of the year. */
size_t cs_key_year_nmembers(const cs_key_year *ky);
size_t cs_key_year_nparts(const cs_key_year *ky);

/* Member i's part p and total, exact (owned by ky). The totals are
** contiguous: cs_key_year_total(ky, 0)[i] is member i's, for
** cs_round_shares. Amounts may not be in lowest terms (den > 0). */
const cs_q *cs_key_year_part(const cs_key_year *ky, size_t i, size_t p);
const cs_q *cs_key_year_total(const cs_key_year *ky, size_t i);

/* For a capped covering key, what the shares leave of the net: > 0 when
** every member is at its maximum (the year's deficit), < 0 when the minima
** exceed the net (a surplus); else 0. */
const cs_q *cs_key_year_unshared(const cs_key_year *ky);

/* How many members a cap or floor held this year (the linter's "a cap that
** never binds"). */
size_t cs_key_year_nclamped(const cs_key_year *ky);

/* The notes of the year, handed over: the caller owns them
** (cs_key_notes_free); ky keeps its amounts. NULL if taken before. */
cs_key_notes *cs_key_year_take_notes(cs_key_year *ky);

/* The notes' parts and their names (as cs_key_part_name). */
size_t cs_key_notes_nparts(const cs_key_notes *notes);
const char *cs_key_notes_part_name(const cs_key_notes *notes, size_t p);
cs_component_kind cs_key_notes_part_kind(const cs_key_notes *notes, size_t p);

/* The explanation of member i's part p in words and numbers: the parts of a
** mixed key, the table value with its file, year and lines, the band
** chosen, the cap or floor applied and where its excess went. population
** is the member's (as its row shows it), charged_months its months charged
** (12: the whole year), cents the part rounded to hundredths (INT64_MIN:
** too large to show). A new string the caller frees; NULL when out of
** memory. */
char *cs_key_notes_explain(const cs_key_notes *notes, size_t i, size_t p, int64_t population,
                           int charged_months, int64_t cents, cs_report_lang lang);

void cs_key_notes_free(cs_key_notes *notes);

/* "base", "rate", "fixed", "equal", "population", "weights", "custom",
** "by", "band", "cap": a kind's name (a part's name without its column
** and its #n). */
const char *cs_key_kind_name(cs_component_kind kind);

/* ---- the machine-word path of core/share_fx.c ------------------------- */

/* The most pools cs_key_multipliers takes (a key with more is applied by
** cs_key_eval). */
#define CS_KEY_MAX_PARTS 6

/* What cs_key_multipliers gives: part p of member i is exactly net *
** mult[i * CS_KEY_MAX_PARTS + p] / K (a member's total: net times the sum of
** its multipliers, over K), pool p is net * pool[p] / K, and its total
** weight is W[p] / L. The caller gives mult room for n * CS_KEY_MAX_PARTS. */
typedef struct cs_key_multiples {
  size_t nparts;
  uint64_t K, L;
  uint64_t pool[CS_KEY_MAX_PARTS], W[CS_KEY_MAX_PARTS];
  uint64_t *mult;
} cs_key_multiples;

/* For the simulation's machine-word path (core/share_fx.h): the
** multipliers of a key of equal and population pools only, when every
** factor fits in 64 bits. Returns CS_OK; 1 when it does not apply (use
** cs_key_eval; nothing is reported); or an error code with a
** message (every weight zero). */
int cs_key_multipliers(const cs_key *key, int year, const cs_key_member *members, size_t n,
                       cs_key_multiples *out, cs_error *err);

/* Pool p's fraction in per cent as the notes write it ("20"; owned by the
** key), and in *whole 1 when the pool is all of the net cost. */
const char *cs_key_pool_percent(const cs_key *key, size_t p, int *whole);

/* The explanation of a member's part of a pool shared in machine words,
** from the figures a result keeps (cs_year_note): the net and the pool in
** øre, the total weight W / L, the member's population and charged months
** and the part rounded to hundredths; the same text cs_key_notes_explain
** writes for the same part. A new string the caller frees; NULL when out
** of memory. */
char *cs_key_pool_explain(cs_component_kind kind, const char *percent, int whole,
                          int64_t net_cents, int64_t pool_cents, uint64_t W, uint64_t L,
                          int64_t population, int charged_months, int64_t cents,
                          cs_report_lang lang);

/* 1 (the default): cs_key_eval may write a key of pools only over one common
** denominator (amounts not in lowest terms) and cs_key_multipliers may
** apply; tests set it to 0 to compare with the exact path. */
extern int cs_key_fast_path;

#endif
