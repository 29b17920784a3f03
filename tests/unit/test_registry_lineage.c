/* Unit tests: territories and populations across every reform in the
** registry (SPEC 7.1), against an independent computation.
**
** The registry walks the change table backwards from a territory (registry.c).
** This test walks it forwards instead, with its own reading of data/'s CSV
** files: every municipality of 1 January of a year is a parcel of people
** labelled with its code; each change record moves the parcels its old code
** holds to its new code, a split divides them by the recorded fractions
** (exact integers over 10^12), except that the parcels of a former
** municipality go whole to the split part that restores its territory
** (territories.csv) and, when that municipality no longer existed on the
** population day, the restored part gets the fraction of the whole rounded
** half up and the remaining part the rest. At every day on which a code
** begins, ends, or gains or loses territory, the people it holds are summed
** and rounded half up once, and must equal cs_registry_population_of. The
** figures the SPEC names are checked as exact integers written here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "coopsim/registry.h"

#define DATA CS_SOURCE_DIR "/data"
#define ONE ((__int128)1000000000000LL) /* weight 1 */

static cs_registry *reg;

static int setup(void **state) {
  (void)state;
  cs_error err;
  if (cs_registry_open_dir(&reg, DATA, &err)) {
    print_error("%s\n", err.msg);
    return -1;
  }
  return 0;
}

static int teardown(void **state) {
  (void)state;
  cs_registry_free(reg);
  return 0;
}

static cs_date D(const char *s) {
  cs_date d;
  assert_int_equal(cs_date_parse(&d, s, NULL), 0);
  return d;
}

/* ---- the CSV files, read here ------------------------------------------- */

typedef struct { char date[11], old_code[5], new_code[5]; } change_row;
typedef struct { char date[11], old_code[5], new_code[5]; long long millionths; } fraction_row;
typedef struct { char date[11], code[5], same_as[5], as_of[11]; } territory_row;
typedef struct { int year; char code[5]; long long pop; } pop_row;
typedef struct { char code[5], from[11], to[11]; } period_row;

static change_row changes[1000];
static fraction_row fractions[64];
static territory_row territories[16];
static pop_row pops[6000];
static period_row periods[1200];
static size_t nchanges, nfractions, nterritories, npops, nperiods;

/* Splits a CSV line (no quoting in coopsim's files) into at most max fields. */
static int fields(char *line, char **f, int max) {
  int n = 0;
  line[strcspn(line, "\r\n")] = '\0';
  f[n++] = line;
  for (char *c = line; *c && n < max; c++)
    if (*c == ',') {
      *c = '\0';
      f[n++] = c + 1;
    }
  return n;
}

static FILE *open_data(const char *name) {
  char path[512];
  snprintf(path, sizeof path, "%s/%s", DATA, name);
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  char line[1024];
  assert_non_null(fgets(line, sizeof line, f)); /* header */
  return f;
}

/* "0.137875" as millionths */
static long long millionths(const char *s) {
  assert_true(strncmp(s, "0.", 2) == 0 || strcmp(s, "1") == 0);
  if (strcmp(s, "1") == 0) return 1000000;
  long long v = 0;
  int digits = 0;
  for (const char *p = s + 2; *p; p++, digits++) v = v * 10 + (*p - '0');
  assert_true(digits <= 6);
  for (; digits < 6; digits++) v *= 10;
  return v;
}

static int read_tables(void **state) {
  (void)state;
  char line[1024], *f[8];
  FILE *in = open_data("changes.csv");
  while (fgets(line, sizeof line, in)) {
    if (fields(line, f, 8) < 5) continue;
    change_row *c = &changes[nchanges++];
    snprintf(c->date, sizeof c->date, "%s", f[0]);
    snprintf(c->old_code, sizeof c->old_code, "%s", f[1]);
    snprintf(c->new_code, sizeof c->new_code, "%s", f[3]);
  }
  fclose(in);
  in = open_data("split_fractions.csv");
  while (fgets(line, sizeof line, in)) {
    if (fields(line, f, 8) < 4) continue;
    fraction_row *s = &fractions[nfractions++];
    snprintf(s->date, sizeof s->date, "%s", f[0]);
    snprintf(s->old_code, sizeof s->old_code, "%s", f[1]);
    snprintf(s->new_code, sizeof s->new_code, "%s", f[2]);
    s->millionths = millionths(f[3]);
  }
  fclose(in);
  in = open_data("territories.csv");
  while (fgets(line, sizeof line, in)) {
    if (fields(line, f, 8) < 5) continue;
    territory_row *t = &territories[nterritories++];
    snprintf(t->date, sizeof t->date, "%s", f[0]);
    snprintf(t->code, sizeof t->code, "%s", f[1]);
    snprintf(t->same_as, sizeof t->same_as, "%s", f[2]);
    snprintf(t->as_of, sizeof t->as_of, "%s", f[3]);
  }
  fclose(in);
  in = open_data("population.csv");
  while (fgets(line, sizeof line, in)) {
    if (fields(line, f, 8) < 3) continue;
    pop_row *p = &pops[npops++];
    p->year = atoi(f[0]);
    snprintf(p->code, sizeof p->code, "%s", f[1]);
    p->pop = atoll(f[2]);
  }
  fclose(in);
  in = open_data("municipalities.csv");
  while (fgets(line, sizeof line, in)) {
    if (fields(line, f, 8) < 4) continue;
    period_row *p = &periods[nperiods++];
    snprintf(p->code, sizeof p->code, "%s", f[0]);
    snprintf(p->from, sizeof p->from, "%s", f[2]);
    snprintf(p->to, sizeof p->to, "%s", f[3]);
  }
  fclose(in);
  return nchanges > 500 && npops > 4000 && nperiods > 800 && nterritories >= 1 ? 0 : -1;
}

/* ---- the forward walk ---------------------------------------------------- */

typedef struct parcel {
  char label[5];  /* the municipality of the population day it comes from */
  char holder[5]; /* the code that holds it now */
  __int128 people; /* persons x weight (ONE = whole persons) */
} parcel;

static parcel parcels[4096];
static size_t nparcels;

static const territory_row *restores(const char *date, const char *code) {
  for (size_t i = 0; i < nterritories; i++)
    if (strcmp(territories[i].date, date) == 0 && strcmp(territories[i].code, code) == 0)
      return &territories[i];
  return NULL;
}

static long long fraction_of(const char *date, const char *old_code, const char *new_code) {
  for (size_t i = 0; i < nfractions; i++)
    if (strcmp(fractions[i].date, date) == 0 && strcmp(fractions[i].old_code, old_code) == 0 &&
        strcmp(fractions[i].new_code, new_code) == 0)
      return fractions[i].millionths;
  fail_msg("no fraction for %s -> %s on %s", old_code, new_code, date);
  return 0;
}

/* Labels a former municipality's territory (as on as_of) holds in this walk. */
typedef struct labels { char code[16][5]; size_t n; } labels;
static labels restored_labels[16]; /* per territories row, recorded at its as_of */
static int restored_seen[16];

static void add_parcel(const char *label, const char *holder, __int128 people) {
  assert_true(nparcels < sizeof parcels / sizeof parcels[0]);
  parcel *p = &parcels[nparcels++];
  snprintf(p->label, sizeof p->label, "%s", label);
  snprintf(p->holder, sizeof p->holder, "%s", holder);
  p->people = people;
}

/* Applies the change records of one date to the parcels. */
static void apply_date(const char *date, int pop_year) {
  size_t first = nparcels; /* parcels made here are already moved */
  (void)pop_year;
  for (size_t i = 0; i < first; i++) {
    parcel *p = &parcels[i];
    char targets[16][5];
    size_t nt = 0;
    for (size_t c = 0; c < nchanges; c++)
      if (strcmp(changes[c].date, date) == 0 && strcmp(changes[c].old_code, p->holder) == 0)
        snprintf(targets[nt++], 5, "%s", changes[c].new_code);
    if (nt == 0) continue;
    if (nt == 1) {
      snprintf(p->holder, sizeof p->holder, "%s", targets[0]);
      continue;
    }
    /* a split: restored parts first */
    char old[5];
    snprintf(old, sizeof old, "%s", p->holder);
    int whole_to = -1, restored_proxy = 0;
    for (size_t t = 0; t < nt; t++) {
      const territory_row *tr = restores(date, targets[t]);
      if (!tr) continue;
      const labels *l = &restored_labels[tr - territories];
      if (restored_seen[tr - territories]) {
        for (size_t k = 0; k < l->n; k++)
          if (strcmp(l->code[k], p->label) == 0) whole_to = (int)t;
      } else {
        restored_proxy = 1; /* the former municipality did not exist on the population day */
      }
    }
    if (whole_to >= 0) {
      snprintf(p->holder, sizeof p->holder, "%s", targets[whole_to]);
      continue;
    }
    int restored_any = 0;
    for (size_t t = 0; t < nt; t++) restored_any |= restores(date, targets[t]) != NULL;
    if (restored_any && !restored_proxy) {
      /* not part of the restored territory: to the remaining part */
      for (size_t t = 0; t < nt; t++)
        if (!restores(date, targets[t])) snprintf(p->holder, sizeof p->holder, "%s", targets[t]);
      continue;
    }
    __int128 whole = p->people, given = 0;
    if (restored_proxy) {
      /* the restored part: the fraction of the whole rounded half up, in whole persons */
      assert_true(whole % ONE == 0);
      long long persons = (long long)(whole / ONE);
      for (size_t t = 0; t < nt; t++) {
        if (!restores(date, targets[t])) continue;
        long long share = (fraction_of(date, old, targets[t]) * persons + 500000) / 1000000;
        add_parcel(p->label, targets[t], (__int128)share * ONE);
        given += (__int128)share * ONE;
      }
      for (size_t t = 0; t < nt; t++)
        if (!restores(date, targets[t])) {
          snprintf(p->holder, sizeof p->holder, "%s", targets[t]);
          p->people = whole - given;
        }
      continue;
    }
    /* parts by their recorded fractions */
    for (size_t t = 0; t < nt; t++) {
      long long f = fraction_of(date, old, targets[t]);
      __int128 part = whole / 1000000 * f;
      assert_true(whole % 1000000 == 0); /* exact: at most two splits of 6 decimals */
      if (t == 0) {
        snprintf(p->holder, sizeof p->holder, "%s", targets[t]);
        p->people = part;
      } else {
        add_parcel(p->label, targets[t], part);
      }
    }
  }
}

/* The people code holds now, rounded half up. */
static long long held(const char *code) {
  __int128 sum = 0;
  for (size_t i = 0; i < nparcels; i++)
    if (strcmp(parcels[i].holder, code) == 0) sum += parcels[i].people;
  return (long long)((sum + ONE / 2) / ONE);
}

/* The days (and codes) to check: a code's first and last days, and every
** day a change gives a code territory or takes it away. */
typedef struct checkpoint { char date[11], code[5]; } checkpoint;
static checkpoint checks[6000];
static size_t nchecks;

static void add_check(cs_date d, const char *code) {
  if (d.year > 2026) return;
  assert_true(nchecks < sizeof checks / sizeof checks[0]);
  cs_date_format(d, checks[nchecks].date);
  snprintf(checks[nchecks].code, 5, "%s", code);
  nchecks++;
}

static int cmp_check(const void *a, const void *b) {
  const checkpoint *x = a, *y = b;
  int c = strcmp(x->date, y->date);
  return c ? c : strcmp(x->code, y->code);
}

/* Every code on every day it begins, ends or changes territory, for every
** year before that day: the registry's population equals the forward walk's.
** This covers every merger (also the three that kept a code: 0704 Tønsberg
** 2017, 1103 Stavanger and 5001 Trondheim 2020) and every split (0720
** Stokke 2017, 1850 Tysfjord and 5012 Snillfjord 2020, 1507 Ålesund 2024). */
static void registry_wide(void **state) {
  (void)state;
  nchecks = 0;
  for (size_t i = 0; i < nperiods; i++) {
    add_check(D(periods[i].from), periods[i].code);
    if (periods[i].to[0]) add_check(cs_date_add_days(D(periods[i].to), -1), periods[i].code);
  }
  for (size_t c = 0; c < nchanges; c++) {
    add_check(D(changes[c].date), changes[c].new_code);
    add_check(cs_date_add_days(D(changes[c].date), -1), changes[c].old_code);
  }
  qsort(checks, nchecks, sizeof *checks, cmp_check);
  long compared = 0, mergers_kept = 0;
  for (int year = 2015; year <= 2026; year++) {
    char jan1[11];
    snprintf(jan1, sizeof jan1, "%04d-01-01", year);
    nparcels = 0;
    for (size_t i = 0; i < npops; i++)
      if (pops[i].year == year) add_parcel(pops[i].code, pops[i].code, (__int128)pops[i].pop * ONE);
    memset(restored_seen, 0, sizeof restored_seen);
    memset(restored_labels, 0, sizeof restored_labels);
    /* the change dates after 1 January, in order */
    size_t c = 0;
    for (size_t k = 0; k < nchecks; k++) {
      if (strcmp(checks[k].date, jan1) < 0) continue;
      /* apply every change dated after jan1 and on or before this day */
      while (c < nchanges && strcmp(changes[c].date, checks[k].date) <= 0) {
        const char *d = changes[c].date;
        if (strcmp(d, jan1) > 0) {
          /* before the changes of d: what the former municipalities hold on
          ** their as_of day (the day before d at the latest) */
          for (size_t t = 0; t < nterritories; t++)
            if (!restored_seen[t] && strcmp(territories[t].as_of, d) < 0 &&
                strcmp(territories[t].as_of, jan1) >= 0) {
              restored_seen[t] = 1;
              for (size_t i = 0; i < nparcels; i++)
                if (strcmp(parcels[i].holder, territories[t].same_as) == 0)
                  snprintf(restored_labels[t].code[restored_labels[t].n++], 5, "%s", parcels[i].label);
            }
          apply_date(d, year);
        }
        while (c < nchanges && strcmp(changes[c].date, d) == 0) c++;
      }
      /* the territories restored later whose as_of is on or before this day */
      cs_date at = D(checks[k].date);
      const cs_municipality *m;
      if (cs_registry_by_code(reg, checks[k].code, at, &m, NULL) != 0) continue;
      int64_t got;
      cs_pop_origin origin;
      cs_error err;
      if (cs_registry_population_of(reg, checks[k].code, at, year, &got, &origin, &err) != 0)
        fail_msg("%s as on %s, 1 January %d: %s", checks[k].code, checks[k].date, year, err.msg);
      long long want = held(checks[k].code);
      if (got != want)
        fail_msg("%s as on %s, 1 January %d: registry %lld, forward walk %lld", checks[k].code,
                 checks[k].date, year, (long long)got, want);
      if ((strcmp(checks[k].code, "5001") == 0 || strcmp(checks[k].code, "1103") == 0 ||
           strcmp(checks[k].code, "0704") == 0) &&
          origin == CS_ORIGIN_PREDECESSORS)
        mergers_kept++;
      compared++;
    }
  }
  print_message("compared %ld territory-years; %ld of them code-kept mergers\n", compared, mergers_kept);
  assert_true(compared > 12000);
  assert_true(mergers_kept > 10);
}

/* ---- the SPEC's figures, as exact integers from SSB table 07459 ---------- */

static void spec_figures(void **state) {
  (void)state;
  int64_t p;
  cs_pop_origin o;
  /* 5001 Trondheim in 2020 kept its code and took in 5030 Klæbu: on
  ** 1 January 2019 196 159 + 6 076 */
  assert_int_equal(cs_registry_population_of(reg, "5001", D("2020-01-01"), 2019, &p, &o, NULL), 0);
  assert_int_equal(p, 196159 + 6076);
  assert_int_equal(o, CS_ORIGIN_PREDECESSORS);
  assert_int_equal(cs_registry_population_of(reg, "5001", D("2019-01-01"), 2019, &p, &o, NULL), 0);
  assert_int_equal(p, 196159);
  assert_int_equal(o, CS_ORIGIN_OWN);
  /* 1103 Stavanger = 1103 + 1141 Finnøy + 1142 Rennesøy */
  assert_int_equal(cs_registry_population_of(reg, "1103", D("2020-01-01"), 2019, &p, &o, NULL), 0);
  assert_int_equal(p, 134037 + 3150 + 4847);
  /* a new code (1108 Sandnes = 1102 Sandnes + 1129 Forsand) */
  assert_int_equal(cs_registry_population_of(reg, "1108", D("2020-01-01"), 2019, &p, &o, NULL), 0);
  assert_int_equal(p, 77246 + 1193);
  /* 0704 Tønsberg 2017 kept its code, took in 0720 Stokke's part:
  ** 42 276 + 0.204989 x 11 657 = 44 665.56... on 1 January 2016 */
  assert_int_equal(cs_registry_population_of(reg, "0704", D("2017-01-01"), 2016, &p, &o, NULL), 0);
  assert_int_equal(p, (42276 * 1000000LL + 204989LL * 11657 + 500000) / 1000000);
  assert_int_equal(o, CS_ORIGIN_PROXY);
  /* 1580 Haram (2024) has 1534 Haram's territory: its own figure in 2019 */
  assert_int_equal(cs_registry_population_of(reg, "1580", D("2024-01-01"), 2019, &p, &o, NULL), 0);
  assert_int_equal(p, 9383);
  assert_int_equal(o, CS_ORIGIN_PREDECESSORS);
  /* 1508 Ålesund: 1507's territory less Haram's: 47 998 + 2 250 + 4 764 + 9 383 + 1 238 - 9 383 */
  assert_int_equal(cs_registry_population_of(reg, "1508", D("2024-01-01"), 2019, &p, &o, NULL), 0);
  assert_int_equal(p, 47998 + 2250 + 4764 + 9383 + 1238 - 9383);
  assert_int_equal(p, 56250);
  /* 2020-2023 Haram lay inside 1507: the recorded fraction 0.137875 of
  ** 1507's figure, rounded half up; 1508 the rest */
  assert_int_equal(cs_registry_population_of(reg, "1580", D("2024-01-01"), 2023, &p, &o, NULL), 0);
  assert_int_equal(p, (137875LL * 67520 + 500000) / 1000000);
  assert_int_equal(p, 9309);
  assert_int_equal(o, CS_ORIGIN_PROXY);
  assert_int_equal(cs_registry_population_of(reg, "1508", D("2024-01-01"), 2023, &p, &o, NULL), 0);
  assert_int_equal(p, 67520 - 9309);
  assert_int_equal(o, CS_ORIGIN_PROXY);
  /* from 2024 on, SSB's own */
  assert_int_equal(cs_registry_population_of(reg, "1580", D("2024-01-01"), 2024, &p, &o, NULL), 0);
  assert_int_equal(p, 9357);
  assert_int_equal(o, CS_ORIGIN_OWN);
  /* a later year of a territory kept whole: 1534 Haram's (as on its last
  ** day) is 1580's from 2024; 1507's is 1508 + 1580 */
  assert_int_equal(cs_registry_population_of(reg, "1534", D("2019-12-31"), 2024, &p, &o, NULL), 0);
  assert_int_equal(p, 9357);
  assert_int_equal(cs_registry_population_of(reg, "1507", D("2023-12-31"), 2024, &p, &o, NULL), 0);
  assert_int_equal(p, 58509 + 9357);
  /* and one that merged: no figure of its own, but no_reform's proxy */
  cs_error err;
  assert_int_equal(cs_registry_population_of(reg, "5030", D("2019-01-01"), 2020, &p, &o, &err),
                   CS_ENOTFOUND);
  assert_non_null(strstr(err.msg, "merged into 5001"));
  assert_int_equal(cs_registry_population_frozen(reg, "5030", D("2019-01-01"), 2020, &p, &o, NULL), 0);
  assert_int_equal(p, (6076LL * 205163 * 2 + 202235) / (2 * 202235)); /* 6076/202235 x 205163, half up */
  assert_int_equal(o, CS_ORIGIN_PROXY);
}

static void details_in_words(void **state) {
  (void)state;
  char buf[400];
  assert_int_equal(cs_registry_population_detail(reg, "5001", D("2020-01-01"), 2019, buf, sizeof buf, NULL), 0);
  assert_string_equal(buf, "5001 Trondheim 196 159 + 5030 Klæbu 6 076");
  assert_int_equal(cs_registry_population_detail(reg, "1580", D("2024-01-01"), 2023, buf, sizeof buf, NULL), 0);
  assert_string_equal(buf, "0.137875 x (1507 Ålesund 67 520) = 9 309");
  assert_int_equal(cs_registry_population_detail(reg, "1508", D("2024-01-01"), 2019, buf, sizeof buf, NULL), 0);
  assert_non_null(strstr(buf, " - (1580 Haram: 1534 Haram 9 383)"));
  /* cut, never overflowing */
  char small[12];
  assert_int_equal(cs_registry_population_detail(reg, "5001", D("2020-01-01"), 2019, small, sizeof small, NULL), 0);
  assert_int_equal(strlen(small), sizeof small - 1);
  assert_string_equal(small + sizeof small - 4, "...");
}

/* Codes not valid on a day: the message names the dates and who held the
** territory then, never "today" or 9999. */
static void messages_name_dates(void **state) {
  (void)state;
  const cs_municipality *m;
  cs_error err;
  assert_int_equal(cs_registry_by_code(reg, "3005", D("2019-01-01"), &m, &err), CS_ENOTFOUND);
  assert_non_null(strstr(err.msg, "valid 2020-01-01 to 2023-12-31"));
  assert_non_null(strstr(err.msg, "0602 Drammen"));
  assert_non_null(strstr(err.msg, "0625 Nedre Eiker"));
  assert_non_null(strstr(err.msg, "0711 Svelvik"));
  assert_int_equal(cs_registry_by_code(reg, "1507", D("2024-06-01"), &m, &err), CS_ENOTFOUND);
  assert_non_null(strstr(err.msg, "1508 Ålesund"));
  assert_non_null(strstr(err.msg, "1580 Haram"));
  assert_int_equal(cs_registry_by_code(reg, "1580", D("2020-01-01"), &m, &err), CS_ENOTFOUND);
  assert_non_null(strstr(err.msg, "valid from 2024-01-01"));
  assert_null(strstr(err.msg, "9999"));
  assert_null(strstr(err.msg, "today"));
  /* the latest period of a name or code, for checks without a date */
  assert_int_equal(cs_registry_find_latest(reg, "Ålesund", &m, NULL), 0);
  assert_string_equal(m->code, "1508");
  assert_int_equal(cs_registry_find_latest(reg, "Verran", &m, NULL), 0);
  assert_string_equal(m->code, "5039");
  assert_int_equal(cs_registry_find_latest(reg, "3005", &m, NULL), 0);
  assert_string_equal(m->name, "Drammen");
  assert_int_equal(cs_registry_find_latest(reg, "Herøy", &m, &err), CS_EAMBIGUOUS);
  assert_non_null(strstr(err.msg, "1515 Herøy (Møre og Romsdal), 1818 Herøy (Nordland)"));
  assert_null(strstr(err.msg, "today"));
  assert_int_equal(cs_registry_find_latest(reg, "Rnaa", &m, &err), CS_ENOTFOUND);
  assert_non_null(strstr(err.msg, "1833"));
}

static void change_kinds(void **state) {
  (void)state;
  const cs_change *ch;
  size_t n = cs_registry_changes(reg, &ch);
  int seen[5] = {0};
  for (size_t i = 0; i < n; i++) {
    cs_change_kind k = cs_registry_change_kind(reg, &ch[i]);
    seen[k]++;
    char d[11];
    cs_date_format(ch[i].date, d);
    if (strcmp(d, "2020-01-01") == 0 && strcmp(ch[i].old_code, "5001") == 0)
      assert_int_equal(k, CS_CHANGE_MERGER); /* the code-kept merger's own record */
    if (strcmp(d, "2024-01-01") == 0 && strcmp(ch[i].new_code, "1580") == 0)
      assert_int_equal(k, CS_CHANGE_SPLIT);
    if (strcmp(d, "2018-01-01") == 0 && strcmp(ch[i].old_code, "1601") == 0)
      assert_int_equal(k, CS_CHANGE_COUNTY); /* Sør-Trøndelag 16 -> Trøndelag 50 */
    if (strcmp(d, "2023-01-01") == 0 && strcmp(ch[i].old_code, "5001") == 0)
      assert_int_equal(k, CS_CHANGE_NAME);
  }
  /* every code change 2015-2024 moved a county (1601 -> 5001, 3005 -> 3301, ...): no
  ** renumbering within one county */
  assert_true(seen[CS_CHANGE_MERGER] > 0 && seen[CS_CHANGE_SPLIT] > 0 && seen[CS_CHANGE_COUNTY] > 0 &&
              seen[CS_CHANGE_NAME] > 0);
  assert_int_equal(seen[CS_CHANGE_RENUMBERING], 0);
  cs_change made_up = {{2030, 1, 1}, "3301", "Drammen", "3399", "Drammen"};
  assert_int_equal(cs_registry_change_kind(reg, &made_up), CS_CHANGE_RENUMBERING);
  assert_string_equal(cs_change_kind_name(CS_CHANGE_COUNTY), "county change");
}

/* A bad territories.csv is refused with file, line and value; a claim the
** change table contradicts too. */
static void bad_territories(void **state) {
  (void)state;
  const char *base[CS_REGISTRY_FILES] = {
      "code,name,valid_from,valid_to\n1507,Ålesund,2020-01-01,2024-01-01\n1508,Ålesund,2024-01-01,\n"
      "1580,Haram,2024-01-01,\n1534,Haram,2015-01-01,2020-01-01\n",
      NULL, "year,code,population\n",
      "date,old_code,old_name,new_code,new_name\n2020-01-01,1534,Haram,1507,Ålesund\n"
      "2024-01-01,1507,Ålesund,1508,Ålesund\n2024-01-01,1507,Ålesund,1580,Haram\n",
      NULL, NULL, NULL};
  static const struct { const char *text, *want; } cases[] = {
      {"date,code,same_as,as_of,source\n2024-01-01,1580,1534,2019-12-31,SSB\n", NULL},
      {"date,code,same_as\n", "header"},
      {"date,code,same_as,as_of,source\n2024-01-01,158O,1534,2019-12-31,SSB\n", "territories.csv:2: invalid municipality code \"158O\""},
      {"date,code,same_as,as_of,source\n2024-01-01,1580,1534,2024-02-01,SSB\n", "territories.csv:2: as_of 2024-02-01"},
      {"date,code,same_as,as_of,source\n2024-01-01,1580,1534,2019-12-31,\n", "territories.csv:2: no source"},
      {"date,code,same_as,as_of,source\n2024-01-01,1580,1534,2019-12-31,SSB, KLASS\n", "territories.csv:2: expected 5 fields"},
      {"date,code,same_as,as_of,source\n2024-01-01,1508,1534,2019-12-31,SSB\n2024-01-01,1508,1534,2019-12-31,SSB\n",
       "territories.csv:3: a second row for 1508"},
      {"date,code,same_as,as_of,source\n2020-01-01,1507,1534,2019-12-31,SSB\n", "no split into 1507"},
      {"date,code,same_as,as_of,source\n2024-01-01,1580,1534,2021-12-31,SSB\n", "1534 was not valid on 2021-12-31"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const char *texts[CS_REGISTRY_FILES];
    memcpy(texts, base, sizeof texts);
    texts[6] = cases[i].text;
    cs_registry *r = NULL;
    cs_error err = {0, ""};
    int rc = cs_registry_open_texts(&r, texts, CS_REGISTRY_FILES, &err);
    if (!cases[i].want) {
      if (rc) fail_msg("case %zu: %s", i, err.msg);
      const char *same_as;
      assert_int_equal(cs_registry_restored(r, "1580", D("2024-01-01"), &same_as, NULL, NULL), 1);
      assert_string_equal(same_as, "1534");
      cs_registry_free(r);
      continue;
    }
    assert_int_equal(rc, CS_EINVAL);
    assert_null(r);
    if (!strstr(err.msg, cases[i].want)) fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.msg, cases[i].want);
  }
  /* more tables than there are */
  cs_registry *r = NULL;
  assert_int_equal(cs_registry_open_texts(&r, base, CS_REGISTRY_FILES + 1, NULL), CS_EINVAL);
}

/* A population beyond the stated limit is refused with file, line and value. */
static void population_limit(void **state) {
  (void)state;
  const char *texts[4] = {"code,name,valid_from,valid_to\n1833,Rana,2015-01-01,\n", NULL,
                          "year,code,population\n2015,1833,10000001\n",
                          "date,old_code,old_name,new_code,new_name\n"};
  cs_registry *r = NULL;
  cs_error err;
  assert_int_equal(cs_registry_open_texts(&r, texts, 4, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "population.csv:2"));
  assert_non_null(strstr(err.msg, "10000001"));
  texts[2] = "year,code,population\n2015,1833,10000000\n";
  assert_int_equal(cs_registry_open_texts(&r, texts, 4, &err), 0);
  cs_registry_free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(registry_wide),       cmocka_unit_test(spec_figures),
      cmocka_unit_test(details_in_words),    cmocka_unit_test(messages_name_dates),
      cmocka_unit_test(change_kinds),        cmocka_unit_test(bad_territories),
      cmocka_unit_test(population_limit),
  };
  if (read_tables(NULL)) return 1;
  return cmocka_run_group_tests(tests, setup, teardown);
}
