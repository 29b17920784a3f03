#ifndef COOPSIM_REGISTRY_H
#define COOPSIM_REGISTRY_H
/*
** The registry of Norwegian municipalities: codes, names, counties, validity
** periods, population on 1 January of each year, and every change (merger,
** split, renumbering, name change) with its date.
**
** Sources are coopsim's own CSV schema (UTF-8, LF, header line, ',' separator,
** no quoting needed: names never contain ',' or '"'):
**   municipalities.csv  code,name,valid_from,valid_to
**       one row per period in which a code carried one name; valid_to is the
**       first day it no longer did (exclusive), empty while still valid.
**   counties.csv        code,name,valid_from,valid_to   (same rules)
**   population.csv      year,code,population
**       inhabitants on 1 January of year, in the codes valid on that day.
**   changes.csv         date,old_code,old_name,new_code,new_name
**       one row per KLASS change record (date = day the change took effect);
**       several rows with one old_code on a date = a split or a part moved;
**       several old codes to one new_code = a merger; old == new = name change.
**   split_fractions.csv date,old_code,new_code,fraction,basis
**       share of old_code's population that went to new_code at a split
**       (a decimal in 0..1); basis says how the figure was derived.
** The same files are embedded in the binary (data/ at build time), so the
** registry works from any directory with no set-up.
*/
#include <stdint.h>
#include "coopsim/date.h"
#include "coopsim/error.h"

typedef struct cs_registry cs_registry;

typedef struct cs_municipality {
  const char *code;        /* "1833" */
  const char *name;        /* SSB name, e.g. "Rana - Raane" */
  const char *county_code; /* "18" */
  const char *county;      /* county name valid at valid_from, or "" */
  cs_date valid_from;
  cs_date valid_to;        /* exclusive; 9999-12-31 while still valid */
} cs_municipality;

typedef struct cs_change {
  cs_date date;
  const char *old_code, *old_name, *new_code, *new_name;
} cs_change;

/* Opens the registry embedded at build time. The caller owns *out and frees
** it with cs_registry_free. Fails only on corrupt embedded data or no memory. */
int cs_registry_open_embedded(cs_registry **out, cs_error *err);

/* Opens the registry from the CSV files in dir (the schema above). Errors
** name the file, line and value. */
int cs_registry_open_dir(cs_registry **out, const char *dir, cs_error *err);

/* Opens the registry from six texts in the CSV schema, in the order of
** cs_registry_file_name(0..5): municipalities, counties, population,
** changes, split_fractions (CSV) and the sources text; the optional ones
** (counties, split_fractions, sources) may be NULL. The texts are copied. */
int cs_registry_open_texts(cs_registry **out, const char *const texts[6], cs_error *err);

/* "municipalities.csv", ... for i = 0..5, else NULL. */
const char *cs_registry_file_name(int i);

/* Opens a registry stored in an SQLite database by cs_registry_db_import
** (registry_db.c); the database's application_id and user_version are
** checked first. */
int cs_registry_open_db(cs_registry **out, const char *path, cs_error *err);

/* Frees a registry; NULL is a no-op. */
void cs_registry_free(cs_registry *reg);

/* The municipality with this code that is valid at date, or CS_ENOTFOUND. */
int cs_registry_by_code(const cs_registry *reg, const char *code, cs_date at,
                        const cs_municipality **out, cs_error *err);

/* Resolves a code ("1833") or a name ("Rana", "rana - raane", "Herøy
** (Nordland)") at date. A name matches, case-insensitively, the full SSB name,
** any part around " - ", or the name without its "(county)". Returns
** CS_ENOTFOUND (message suggests close names) or CS_EAMBIGUOUS (message lists
** the candidates with codes and counties). The pointer stays valid as long as
** the registry. */
int cs_registry_find(const cs_registry *reg, const char *code_or_name, cs_date at,
                     const cs_municipality **out, cs_error *err);

/* Every period of a code, oldest first: *out points into the registry. */
size_t cs_registry_periods(const cs_registry *reg, const char *code,
                           const cs_municipality **out);

/* Population on 1 January of year for a code valid on that day; CS_ENOTFOUND
** when the registry has no figure. */
int cs_registry_population(const cs_registry *reg, const char *code, int year,
                           int64_t *out, cs_error *err);

/* First and last year with population figures. */
void cs_registry_population_years(const cs_registry *reg, int *first, int *last);

/* All changes, sorted by date, then old code, then new code. */
size_t cs_registry_changes(const cs_registry *reg, const cs_change **out);

/* Number of municipalities valid at date. */
size_t cs_registry_count_at(const cs_registry *reg, cs_date at);

/* All municipality periods (for listing and completion). */
size_t cs_registry_all(const cs_registry *reg, const cs_municipality **out);

/* The code that carries code's territory at date `to`, following changes
** dated after `from` and on or before `to` (renumbering, mergers). Writes the
** code (5 bytes) to out. Returns CS_EAMBIGUOUS when the municipality was split
** between several codes (message lists them), CS_ENOTFOUND for an unknown code. */
int cs_registry_successor(const cs_registry *reg, const char *code, cs_date from,
                          cs_date to, char out[5], cs_error *err);

/* The municipality that holds code's territory today: its code into out
** and its name (owned by the registry, or NULL) into *name; returns 0.
** When code was split, or is unknown, out is code itself (its first four
** characters), *name NULL, and the return CS_ENOTFOUND. */
int cs_registry_territory(const cs_registry *reg, const char *code, char out[5],
                           const char **name);

/* Population on 1 January of year of the territory of `code` as valid at
** `at`: the registry figure when code was valid on that 1 January, else the
** sum of its predecessors valid then, parts of split municipalities weighted
** by split_fractions.csv (rounded to whole persons). *proxy is set to 1 when a
** split fraction was used. */
int cs_registry_population_of(const cs_registry *reg, const char *code, cs_date at,
                              int year, int64_t *out, int *proxy, cs_error *err);

/* As cs_registry_population_of, and when code's territory (as at `at`) has
** since merged into a larger municipality S, a proxy: S's population on 1
** January of year times code's share of S's territory at the last 1 January
** on or before `at` (rounded to whole persons; *proxy set to 1). For
** counterfactuals that freeze the municipal structure (no_reform). */
int cs_registry_population_frozen(const cs_registry *reg, const char *code, cs_date at,
                                  int year, int64_t *out, int *proxy, cs_error *err);

/* Text describing the data sources (embedded SOURCES), never NULL. */
const char *cs_registry_sources(const cs_registry *reg);

#endif
