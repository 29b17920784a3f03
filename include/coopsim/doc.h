#ifndef COOPSIM_DOC_H
#define COOPSIM_DOC_H
/*
** The result document: every run a scenario file made, as plain data.
**
** It is what crosses the pipe from a sandboxed worker to the parent, what
** every report writer (table, CSV, Markdown, JSON, XLSX, HTML) reads and
** what a stored run holds. Its text form is the JSON that
** `coopsim run --format json` prints (scripts/report.lua, R.json):
**
**   { "coopsim": "0.1.0", "scenario_file": "helgeland.lua",
**     "runs": [ { "scenario": "Baseline", "from": 2023, "to": 2026,
**                 "options": "rounding=...", "rows": [ROW...], "years": [YEAR...] } ] }
**
** Money: `total`, `rounded` and `sum_shares` are whole kroner (int64); the
** exact amounts are decimal text with two decimals ("24189.44"), kept as text
** so that nothing is lost on the way. Everything a document holds is owned by
** the document and freed by cs_doc_free.
*/
#include <stddef.h>
#include <stdint.h>
#include "coopsim/error.h"

typedef struct cs_doc_part {
  char *name;     /* "equal", "population", ... */
  int64_t rounded; /* whole kroner */
  char *exact;    /* "8712.22" */
  char *explain;  /* one line of arithmetic, may be NULL */
} cs_doc_part;

/* A member's share of one service of the agreement (SPEC 7.2 services). */
typedef struct cs_doc_service {
  char *name;
  int64_t kroner;
} cs_doc_service;

/* One line of an instalment (SPEC 7.3): part of the year's share (of a
** service, when the agreement has several), or the settlement of a year. */
typedef struct cs_doc_invoice_line {
  char *kind;        /* "share" or "settlement" */
  char *service;     /* the service, or NULL */
  int instalment;    /* share: 1.. the instalment's number; settlement: 0 */
  int settles;       /* settlement: the year it settles; share: 0 */
  int64_t amount;    /* whole kroner */
} cs_doc_invoice_line;

/* An invoice: one instalment, due on a date, the sum of its lines. */
typedef struct cs_doc_invoice {
  char *due;         /* "YYYY-MM-DD" */
  int64_t amount;    /* whole kroner */
  cs_doc_invoice_line *lines;
  size_t nlines;
} cs_doc_invoice;

typedef struct cs_doc_row {
  int year;
  char code[17];           /* four digits, H001.. for hypothetical mergers, or a party's id */
  char *name;              /* the member's name in that year */
  char *given;             /* what the scenario wrote (name or code), may be NULL */
  char *merged;            /* a hypothetical merger's predecessors, may be NULL */
  char *cooperation;
  int64_t population;      /* -1 when the key used none */
  char *population_date;   /* "2022-01-01", may be NULL */
  char *population_source; /* "ssb", "projection", "scenario", may be NULL */
  int months, charged_months;
  int host;                /* 1 for the host municipality */
  char *payee;             /* may be NULL */
  char *due;               /* "2024-03-01", may be NULL */
  int64_t total;           /* whole kroner: the amount invoiced */
  char *exact;             /* exact share, two decimals */
  cs_doc_part *parts;
  size_t nparts;
  cs_doc_service *services; /* by service, when the agreement has services; else NULL */
  size_t nservices;
  /* the money cycle (SPEC 7.3), when the run has it (money = 1) */
  int money;
  int settlement_only;     /* 1: a member gone this year, invoiced only its settlement (no share) */
  int has_difference;      /* 1: the year has accounts */
  int64_t difference;      /* this year's actual share minus its budget share */
  int64_t settlement;      /* what this year's invoice carries from the year before */
  int64_t invoice;         /* share + settlement */
  cs_doc_invoice *invoices; /* the instalments, in order of due date */
  size_t ninvoices;
} cs_doc_row;

typedef struct cs_doc_amount {
  char *name;
  char *amount; /* two decimals */
} cs_doc_amount;

/* Why a member pays its last year, is absent, merged, split or joins: one
** event of a year (simulate.h cs_year_event), in the year it takes effect. */
typedef struct cs_doc_event {
  char *kind;       /* "notice", "gone", "merged", "split", "joins" */
  char *code;       /* the member (GONE: its last code) */
  char *name;
  char *date;       /* the notice, merger, split or joining, "YYYY-MM-DD" */
  char *until;      /* notice, gone: the notice period's last day; else NULL */
  char *other_code; /* merged: merged into; split: split from; else NULL */
  char *other_name; /* its name, or NULL */
} cs_doc_event;

typedef struct cs_doc_year {
  int year;
  char *cooperation;
  int members;
  char *cost, *grants, *net, *balance; /* two decimals */
  int64_t sum_shares;                  /* whole kroner */
  char *key;                           /* the key's description */
  char *key_nb; /* the same in bokmål; NULL in a document from before it was
                ** kept (a run store of version 1 or 2) */
  char *key_label, *key_source, *key_assumption; /* each may be NULL */
  int agreement_months;
  int covers, past_end;
  cs_doc_amount *lines, *grant_list;
  size_t nlines, ngrants;
  cs_doc_event *events;                /* may be NULL when nevents is 0 */
  size_t nevents;
  /* the accounts (regnskap) of the year, two decimals; NULL when none */
  char *actual_cost, *actual_grants, *actual_net;
} cs_doc_year;

typedef struct cs_doc_run {
  char *scenario;
  int from, to;
  char *options;
  cs_doc_row *rows; /* ordered by year, then cooperation, then code */
  size_t nrows;
  cs_doc_year *years;
  size_t nyears;
} cs_doc_run;

/* A document's pieces in large blocks, freed at once (doc_arena.c). */
typedef struct cs_doc_arena cs_doc_arena;

typedef struct cs_doc {
  cs_doc_arena *arena;   /* when not NULL, every text and array of the runs
                         ** (not the runs array itself) lives in it: a text may be
                         ** shared by many fields, and nothing is freed one by one */
  int texts_checked;     /* 1: every text was checked (text.h) where it came in */
  int no_explanations;   /* 1: made without the parts' explanations (doc_build.h) */
  char *coopsim_version; /* may be NULL */
  char *scenario_file;   /* may be NULL */
  cs_doc_run *runs;      /* runs[0] is the baseline of any comparison */
  size_t nruns;
} cs_doc;

/* Parses and validates a document from its JSON text (len bytes; need not be
** NUL-terminated). `origin` names the text in messages ("worker", a file
** name). Unknown keys, wrong types, kroner that are not whole numbers within
** ±2^53, codes that are not four characters, years outside 1838..9999 are
** errors naming the run, row and field; amounts as text must be decimals
** with exactly two decimals, dates real "YYYY-MM-DD" dates. On success *out is a new document the
** caller frees with cs_doc_free. CS_EINVAL or CS_ENOMEM on failure. */
int cs_doc_from_json(const char *text, size_t len, const char *origin, cs_doc **out,
                     cs_error *err);

/* Checks a document made elsewhere (a worker process, a run store, a file)
** before anything is made of it: every text valid UTF-8 without control or
** bidirectional formatting characters (text.h), codes, years within the run,
** dates, amounts with two decimals, whole kroner within ±2^53, and per run
** the absolute kroner of every total, part and year's sum of shares adding
** up to at most 2^61, so that no sum or difference a report makes of them can
** overflow 64 bits. 0, or CS_EINVAL naming the run, row and field. */
int cs_doc_check(const cs_doc *doc, cs_error *err);

/* The relations between a document's figures that every simulated run has
** (doc_check.c; SPEC 1.3 and 7.5), for a document cs_doc_check accepted: each
** row's total its exact share rounded (within a krone; with services, a
** krone a service, and the services' kroner add up to it), each part its
** exact part rounded (at most 50 øre away), the exact parts adding up to the
** row's within a cent a part, a row without parts sharing nothing; each row
** in a year of its cooperation, a year's sum_shares its rows' totals, its
** net its cost less its grants and its balance sum_shares less its net
** (each within an øre: every figure is rounded), and
** the years spanning the run's period (first `from`, last `to`). A run store
** checks every run it reads with it, and cs_wire_get_doc every document it
** reads. 0, CS_EINVAL naming the run, row or year and field, or CS_ENOMEM. */
int cs_doc_check_relations(const cs_doc *doc, cs_error *err);

/* cs_doc_check and cs_doc_check_relations of run i (< doc->nruns) alone,
** the same checks and messages, for a reader that checks each run as it
** arrives (cs_wire_get_doc_each); the head's texts are not checked here. */
int cs_doc_check_run(const cs_doc *doc, size_t i, cs_error *err);
int cs_doc_check_run_relations(const cs_doc *doc, size_t i, cs_error *err);

/* The document as JSON text (indented, keys sorted), NUL-terminated and
** malloc'ed: the caller frees it. NULL when out of memory. */
char *cs_doc_to_json(const cs_doc *doc);

/* cs_doc_to_json, its length (without the NUL) in *len when len is not NULL. */
char *cs_doc_to_json_n(const cs_doc *doc, size_t *len);

/* Frees everything one run of doc holds (its texts, rows, parts, years; in
** an arena document nothing is freed) and zeroes it; a run partly filled
** (NULL arrays, counts of what was begun) is fine. */
void cs_doc_run_clear(const cs_doc *doc, cs_doc_run *run);

/* ---- the arena (doc_arena.c) ----------------------------------------------- */

/* A new arena that takes at most limit bytes (0: no limit); the caller owns
** it (cs_doc_arena_free, or cs_doc_free of the document holding it). NULL
** when out of memory. */
cs_doc_arena *cs_doc_arena_new(size_t limit);
void cs_doc_arena_free(cs_doc_arena *a);

/* n zeroed bytes, aligned for any type; NULL past the limit or out of memory. */
void *cs_doc_arena_alloc(cs_doc_arena *a, size_t n);

/* The same, not zeroed (for what the caller fills at once). */
void *cs_doc_arena_alloc_raw(cs_doc_arena *a, size_t n);

/* The arena's one copy of the n bytes at s as a NUL-terminated text (made
** on first sight; *fresh, when not NULL, says whether it was); NULL past the
** limit or out of memory. */
const char *cs_doc_arena_intern(cs_doc_arena *a, const char *s, size_t n, int *fresh);

/* Forgets everything handed out (the pointers are no longer valid) and
** keeps its blocks for what comes next (the memory stays held). */
void cs_doc_arena_reset(cs_doc_arena *a);

/* Moves every block of `from` into a (what it handed out stays valid, and
** is freed with a) and frees `from`; its texts are not interned in a (a
** text of both may be two copies). NULL `from` is allowed. Never fails. */
void cs_doc_arena_adopt(cs_doc_arena *a, cs_doc_arena *from);

/* Bytes the arena holds. */
size_t cs_doc_arena_bytes(const cs_doc_arena *a);

/* Frees a document and everything it holds; NULL is allowed. */
void cs_doc_free(cs_doc *doc);

#endif
