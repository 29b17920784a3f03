#ifndef COOPSIM_KEY_INTERNAL_H
#define COOPSIM_KEY_INTERNAL_H
/*
** What the key's files share (internal to core/): key.c builds and
** describes keys, key_apply.c applies them for a year, key_explain.c writes
** the explanations from a year's notes.
*/
#include "coopsim/key.h"
#include "report_internal.h"

/* A member's own figure in a component: a fixed amount, a weight, a limit. */
typedef struct cs_key_entry {
  char *code;
  cs_q value;
} cs_key_entry;

typedef struct cs_key_component {
  cs_component_kind kind;
  cs_q amount;    /* base amount, rate, or pool fraction */
  char *percent;  /* a pool's fraction in per cent, as the texts write it ("20") */
  char *name;     /* its part's name ("equal", "by:timer#2") */
  cs_key_entry *entries; /* fixed amounts, weights */
  size_t nentries;
  cs_key_custom_fn fn; /* custom */
  void *ud;
  cs_table *table; /* by: a reference */
  size_t column;
  cs_table_year which;
  cs_band *bands; /* band */
  size_t nbands;
} cs_key_component;

typedef struct cs_key_limits {
  int has_max, has_min;
  cs_q max, min;
  cs_key_entry *max_for, *min_for;
  size_t nmax_for, nmin_for;
} cs_key_limits;

struct cs_key {
  char *label, *source, *assumption;
  cs_key_component *comps;
  size_t ncomps;
  cs_key_limits *limits; /* NULL: not capped */
  char *desc[2];         /* by cs_report_lang */
};

int cs_key_is_pool(cs_component_kind kind);

/* The entry for code, or NULL. */
const cs_key_entry *cs_key_find_entry(const cs_key_entry *e, size_t n, const char *code);

/* ---- a year's notes ----------------------------------------------------- */

/* What every member's explanation of one part shares. Texts are numbers as
** English writes them ("740 539.00", "0.051"; bokmål swaps the decimal
** point), or NULL. */
typedef struct cs_key_part_note {
  cs_component_kind kind;
  char *name;
  /* pools */
  char *percent;
  int whole;
  char *rest, *pool; /* what the pools share and this pool, to øre */
  char *total;       /* the total weight as written */
  /* base amount, rate */
  char *head;
  /* by */
  cs_table *table; /* a reference */
  size_t column;
  int row_year;
  /* band */
  cs_band *bands;
  size_t nbands;
  /* cap */
  int covering;
  cs_cap_outcome outcome;
  char *lambda, *amount, *excess, *shortfall;
  char *unshared; /* the deficit (ALL_MAX) or surplus (ALL_MIN), >= 0 */
  size_t nmax, nmin, nwithin;
} cs_key_part_note;

/* One member's figures in one part. */
typedef struct cs_key_member_note {
  char *figure;    /* fixed amount, weight, table value (as text); NULL: none */
  size_t row0, nrows; /* by: its table rows, notes->rows[row0 .. row0 + nrows) */
  size_t band;     /* band: its band */
  signed char clamp; /* cap: CS_CAP_AT_MIN, _WITHIN, _AT_MAX */
  char *under;     /* cap: its share (or fee) under the key, to øre */
  char *after;     /* cap: what it pays after the limits, to øre */
  char *limit;     /* cap: the limit that held it, per year ("200 000") */
} cs_key_member_note;

struct cs_key_notes {
  size_t n, nparts;
  cs_key_part_note *parts;
  cs_key_member_note *members; /* n * nparts: members[i * nparts + p] */
  size_t *rows, nrows;         /* table rows of by parts */
};

/* An empty set of notes for n members and nparts parts; NULL when out of
** memory. */
cs_key_notes *cs_key_notes_new(size_t n, size_t nparts);

/* ---- texts -------------------------------------------------------------- */

/* A copy of s (NULL for NULL or no memory: check s && !copy). */
char *cs_key_strdup(const char *s);

/* An amount rounded to `decimals` places, grouped by spaces ("740 539.00"),
** as a new string; "(too large)" when it does not fit. NULL: no memory. */
char *cs_key_money(const cs_q *a, int decimals);

/* An exact value as a new string, its whole part grouped by spaces
** ("1 234.5", "0.051", "1.052631578947..." when it has no short decimal
** expansion). NULL: no memory. */
char *cs_key_exact(const cs_q *a);

/* Appends band k's range of populations: "up to 5 000", "5 001 to 20 000",
** "above 20 000" ("for every population" for a single band), followed by
** " inhabitants" when `words`; in bokmål "til og med 5 000", "5 001 til
** 20 000", "over 20 000", "alle innbyggertall" and " innbyggere". */
void cs_key_band_range(cs_sb *b, const cs_band *bands, size_t n, size_t k, int words,
                       cs_report_lang lang);

/* Appends a number text (as cs_key_money and cs_key_exact write it) in
** lang: bokmål writes a decimal comma. */
void cs_key_sb_number(cs_sb *b, const char *text, cs_report_lang lang);

#endif
