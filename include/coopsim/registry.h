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
**   territories.csv     date,code,same_as,as_of,source
**       a split part whose territory is a former municipality's: on date,
**       code came into being with exactly the territory same_as had on
**       as_of (1580 Haram in 2024 = 1534 Haram on 2019-12-31); source names
**       the publication that says so (written by hand).
** The same files are embedded in the binary (data/ at build time), so the
** registry works from any directory with no set-up.
**
** Territories and populations (SPEC 7.1). The territory of a code "as on"
** a day is what the code covered that day. Its population on 1 January of
** an earlier year is the sum over the municipalities of that day: the
** figure of each whose territory went wholly into it (also when the merged
** municipality kept one predecessor's code: 5001 Trondheim as on
** 2020-01-01 had 196 159 + 6 076 = 202 235 inhabitants on 1 January 2019),
** a part of a split municipality by its recorded fraction (a proxy), and
** for a split part listed in territories.csv the former municipality's own
** figure (or, while that territory lay inside another municipality, the
** recorded fraction of that municipality's figure rounded half up, the
** remaining part taking the difference; both proxies).
*/
#include <stddef.h>
#include <stdint.h>
#include "coopsim/date.h"
#include "coopsim/error.h"
#include "coopsim/q.h"

typedef struct cs_registry cs_registry;

/* The registry's files: municipalities, counties, population, changes,
** split_fractions (CSV), the sources text (SOURCES.md) and territories.
** cs_registry_file_name(0 .. CS_REGISTRY_FILES - 1) names them. */
#define CS_REGISTRY_FILES 7

/* The largest population a municipality can have on a day, for checking
** figures read from files: Norway had 5.6 million inhabitants in 2026. */
#define CS_POPULATION_MAX 10000000

/* Where a population figure comes from (values as cs_pop_source's first
** three in simulate.h). */
typedef enum {
  CS_ORIGIN_OWN = 0,          /* SSB's figure for the code itself on that day */
  CS_ORIGIN_PREDECESSORS = 1, /* SSB's figures for the codes that held the territory then */
  CS_ORIGIN_PROXY = 2         /* includes a part of a split municipality by a recorded fraction */
} cs_pop_origin;

/* What kind of change a change record is part of (cs_registry_change_kind). */
typedef enum {
  CS_CHANGE_NAME,        /* the code kept, the name changed */
  CS_CHANGE_RENUMBERING, /* a new code in the same county, the territory kept */
  CS_CHANGE_COUNTY,      /* a new code in another county, the territory kept */
  CS_CHANGE_MERGER,      /* several codes into one (the new one may be one of them) */
  CS_CHANGE_SPLIT        /* one code into several */
} cs_change_kind;

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

/* Opens the registry from ntexts (at most CS_REGISTRY_FILES) texts in the
** CSV schema, in the order of cs_registry_file_name(0..): municipalities,
** counties, population, changes, split_fractions (CSV), the sources text and
** territories; the optional ones (counties, split_fractions, sources,
** territories) may be NULL or left out. The texts are copied. */
int cs_registry_open_texts(cs_registry **out, const char *const *texts, size_t ntexts,
                           cs_error *err);

/* "municipalities.csv", ... for i = 0 .. CS_REGISTRY_FILES - 1, else NULL. */
const char *cs_registry_file_name(int i);

/* Opens a registry stored in an SQLite database by cs_registry_db_import
** (registry_db.c); the database's application_id and user_version are
** checked first. */
int cs_registry_open_db(cs_registry **out, const char *path, cs_error *err);

/* Frees a registry; NULL is a no-op. */
void cs_registry_free(cs_registry *reg);

/* The municipality with this code that is valid at date, or CS_ENOTFOUND:
** the message names the code's validity and, for a date before it, the
** municipalities that held its territory that day (after it: those that
** hold it on the first day after). */
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

/* Resolves a code or name at no particular date: the latest period of the
** code, or the latest period bearing the name (CS_EAMBIGUOUS when two codes
** bear it in their latest periods, e.g. Herøy; CS_ENOTFOUND with close
** names). For a check before the resolution date is known. */
int cs_registry_find_latest(const cs_registry *reg, const char *code_or_name,
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

/* The kind of change record ch (one of cs_registry_changes) is part of:
** judged with the other records of its date. */
cs_change_kind cs_registry_change_kind(const cs_registry *reg, const cs_change *ch);

/* "merger", "split", "renumbering", "name change", "county change". */
const char *cs_change_kind_name(cs_change_kind kind);

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

/* Every code that holds a part of code's territory (as on `from`) on `to`:
** the successor, or all the parts of a split. Writes at most cap codes to
** out and their number to *n; CS_EOVERFLOW (with a message) when there are
** more, CS_ENOTFOUND for an unknown code. When the last split on the way
** is given, its date goes to *split_date and the code split to split_code
** (5 bytes); split_date may be NULL. */
int cs_registry_successors(const cs_registry *reg, const char *code, cs_date from, cs_date to,
                           char (*out)[5], size_t cap, size_t *n, cs_date *split_date,
                           char split_code[5], cs_error *err);

/* The codes valid on `since` whose territory (as on that day) lies wholly
** or in part in code's territory as on `at` (since <= at): the code itself
** when nothing changed, its predecessors across mergers and renumbering,
** the former municipality a restored split part equals. A growing list:
** *out (caller frees) with *n codes. */
int cs_registry_origins(const cs_registry *reg, const char *code, cs_date at, cs_date since,
                        char (**out)[5], size_t *n, cs_error *err);

/* The fraction of code's territory (as on from) that lies in target's
** territory on to: 1 for a municipality gone wholly into it, 0 for one that
** did not, a recorded split fraction for a part (*proxy, may be NULL, set
** to 1 then). CS_ENOTFOUND for a split without a recorded fraction. */
int cs_registry_fraction_in(const cs_registry *reg, const char *code, cs_date from, cs_date to,
                            const char *target, cs_q *out, int *proxy, cs_error *err);

/* The date of the last change after `after` and on or before `upto` that
** changed code's territory (another code went into it, or it was split):
** 1 and *date, or 0 when there is none. */
int cs_registry_territory_changed(const cs_registry *reg, const char *code, cs_date after,
                                  cs_date upto, cs_date *date);

/* The municipality that holds code's territory today: its code into out
** and its name (owned by the registry, or NULL) into *name; returns 0.
** When code was split, or is unknown, out is code itself (its first four
** characters), *name NULL, and the return CS_ENOTFOUND. */
int cs_registry_territory(const cs_registry *reg, const char *code, char out[5],
                           const char **name);

/* Population on 1 January of year of the territory code had on `at` (code
** must be valid that day), as the header says: for an earlier year the sum
** over the municipalities of that day (rounded half up to whole persons
** once, after the sum); for a later year the figures of the codes that then
** hold exactly that territory (CS_ENOTFOUND when it had merged with other
** territory: "it had merged into ..."). *origin (may be NULL) says where the
** figure comes from. CS_ENOTFOUND also for a year without figures. */
int cs_registry_population_of(const cs_registry *reg, const char *code, cs_date at,
                              int year, int64_t *out, cs_pop_origin *origin, cs_error *err);

/* As cs_registry_population_of, and when code's territory (as at `at`) has
** since merged into a larger municipality S, a proxy: S's population on 1
** January of year times code's share of S's territory at the last 1 January
** on or before `at` (rounded to whole persons; *origin CS_ORIGIN_PROXY). For
** counterfactuals that freeze the municipal structure (no_reform) and for
** cs.population with as_of before the date. */
int cs_registry_population_frozen(const cs_registry *reg, const char *code, cs_date at,
                                  int year, int64_t *out, cs_pop_origin *origin, cs_error *err);

/* In words, how cs_registry_population_of arrives at its figure (the
** codes and figures summed, fractions, restored territories), e.g.
** "5001 Trondheim 196 159 + 5030 Klæbu 6 076", into buf (always
** NUL-terminated; cut with "..." when small). 0, or the error of
** cs_registry_population_of. */
int cs_registry_population_detail(const cs_registry *reg, const char *code, cs_date at, int year,
                                  char *buf, size_t size, cs_error *err);

/* The correspondence of territories.csv for code created on date: 1 and
** *same_as (the former municipality's code), *as_of and *said_by (the
** source that says so; both owned by the registry; each pointer may be
** NULL), or 0 when code on date is no restored territory. */
int cs_registry_restored(const cs_registry *reg, const char *code, cs_date date,
                         const char **same_as, cs_date *as_of, const char **said_by);

/* Text describing the data sources (embedded SOURCES), never NULL. */
const char *cs_registry_sources(const cs_registry *reg);

#endif
