#ifndef COOPSIM_KEY_H
#define COOPSIM_KEY_H
/*
** Cost-sharing keys. A key is a list of components:
**   direct components charge each member an amount of their own
**     CS_DIRECT_BASE   the same amount for every member (base amount)
**     CS_DIRECT_RATE   rate x the member's population (per inhabitant)
**     CS_DIRECT_FIXED  an amount per member, by code
**   pool components share a fraction of the remainder R = net cost - the sum
**   of the direct components between the members by a weight
**     CS_POOL_EQUAL, CS_POOL_POPULATION, CS_POOL_WEIGHTS (usage, by code),
**     CS_POOL_CUSTOM (weights from a callback, e.g. a Lua function).
** A key with pools covers the net cost (the shares sum to it); pool
** fractions must sum to exactly 1. A key without pools is a fee (the sum is
** whatever it is). cs.keys.split { equal = 0.2, population = 0.8 } is two
** pools; base_plus_rate { rate = "cover" } is a base plus a population pool.
** Each member's weight and direct amounts are multiplied by its share of
** the year (1 unless part-year membership is pro-rated).
*/
#include <stddef.h>
#include <stdint.h>
#include "coopsim/error.h"
#include "coopsim/q.h"

typedef enum {
  CS_DIRECT_BASE,
  CS_DIRECT_RATE,
  CS_DIRECT_FIXED,
  CS_POOL_EQUAL,
  CS_POOL_POPULATION,
  CS_POOL_WEIGHTS,
  CS_POOL_CUSTOM
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
** CS_DIRECT_FIXED give n codes and amounts instead (amount is ignored). */
int cs_key_add_direct(cs_key *key, cs_component_kind kind, const cs_q *amount,
                      const char *const *codes, const cs_q *amounts, size_t n, cs_error *err);

/* Adds a pool component sharing `fraction` (0 < f <= 1) of the remainder.
** For CS_POOL_WEIGHTS give n codes and weights; for CS_POOL_CUSTOM fn and ud
** (the key does not own ud). */
int cs_key_add_pool(cs_key *key, cs_component_kind kind, const cs_q *fraction,
                    const char *const *codes, const cs_q *weights, size_t n,
                    cs_key_custom_fn fn, void *ud, cs_error *err);

/* Checks the key as a whole: pool fractions sum to exactly 1 (if any pools). */
int cs_key_validate(const cs_key *key, cs_error *err);

/* 1 if the key's shares sum to the net cost. */
int cs_key_covers(const cs_key *key);

/* A one-line description ("20 % equal + 80 % by population"). */
const char *cs_key_describe(const cs_key *key);

#define CS_KEY_MAX_PARTS 6

/* One component of one member's share. */
typedef struct cs_key_part {
  const char *name; /* "equal", "population", "base", "rate", "fixed", ... */
  cs_q amount;      /* exact */
  char member[48];  /* the member's own figure in the explanation (a fixed amount,
                    ** a weight), else "" */
  char explain[240]; /* cs_key_apply only: the arithmetic in words */
} cs_key_part;

/* "base", "rate", "fixed", "equal", "population", "weights", "custom". */
const char *cs_key_kind_name(cs_component_kind kind);

/* What the explanations of one component's parts share in a year: the kind,
** the head ("20 % of 1 000.00 = 200.00", the base amount, the rate) and the
** total weight as written. With a member's population, months, amount and
** cs_key_part.member, cs_key_explain_part writes the explanation, so that a
** simulation keeps numbers and explains only when asked. */
typedef struct cs_key_note {
  cs_component_kind kind;
  char head[160];
  char total[64];
} cs_key_note;

/* The explanation of one part: part_year says the member was charged
** months/12 of the year; cents is the part rounded to hundredths
** (INT64_MIN: too large to show). Always NUL-terminates buf. */
void cs_key_explain_part(const cs_key_note *note, int64_t population, int part_year,
                         int64_t months, int64_t cents, const char *member, char *buf,
                         size_t size);

typedef struct cs_key_share {
  size_t nparts;
  cs_key_part parts[CS_KEY_MAX_PARTS];
  cs_q total; /* exact: the sum of the parts */
} cs_key_share;

/* Applies the key for a year: net is the amount to share (>= 0). Fills
** out[i] for each of the n members. Fails (with a message) when weights are
** all zero, a weights key lacks a member, or the direct components exceed
** the net cost of a covering key. */
int cs_key_apply(const cs_key *key, int year, const cs_q *net, const cs_key_member *members,
                 size_t n, cs_key_share *out, cs_error *err);

/* Like cs_key_apply, for the simulation, but writes no explanations: the
** notes of each component (notes[j] for part j, room for CS_KEY_MAX_PARTS)
** instead. When the key has pools only (no
** direct and no custom components) and every fraction and weight fits in
** machine words, the amounts in out (parts and totals) are written over one
** common denominator and are NOT in lowest terms (den > 0; cs_q_format,
** cs_q_round_i64, cs_q_cmp and cs_round_shares accept that), which saves a
** gcd of big numbers per amount; *common is then 1. Otherwise (or when
** cs_key_fast_path is 0) it is cs_key_apply, and *common is 0. The values
** are the same either way. */
int cs_key_apply_common(const cs_key *key, int year, const cs_q *net,
                        const cs_key_member *members, size_t n, cs_key_share *out, int *common,
                        cs_key_note *notes, cs_error *err);

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
** cs_key_apply_common; nothing is reported); or an error code with a
** message (every weight zero). */
int cs_key_multipliers(const cs_key *key, int year, const cs_key_member *members, size_t n,
                       cs_key_multiples *out, cs_error *err);

/* The notes of such a key for a year from the exact net, as
** cs_key_apply_common writes them. */
void cs_key_pool_notes(const cs_key *key, const cs_q *net, const cs_key_multiples *km,
                       cs_key_note *notes);

/* The kind of the key's component p. */
cs_component_kind cs_key_part_kind(const cs_key *key, size_t p);

/* Pool p's fraction in per cent as the notes write it ("20"; owned by the
** key), and in *whole 1 when the pool is all of the net cost. */
const char *cs_key_pool_percent(const cs_key *key, size_t p, int *whole);

/* A pool's note from the figures a result keeps (cs_year_note): as
** cs_key_pool_notes writes it from the same net and pool in øre and total
** weight W / L. */
void cs_key_pool_note_figures(cs_component_kind kind, const char *percent, int whole,
                              int64_t net_cents, int64_t pool_cents, uint64_t W, uint64_t L,
                              cs_key_note *note);

/* 1 (the default): cs_key_apply_common may use the common denominator; tests
** set it to 0 to compare with the exact path. */
extern int cs_key_fast_path;

#endif
