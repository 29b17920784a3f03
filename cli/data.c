/*
** data.c: `coopsim data` — inspect and update the municipality registry.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "coopsim/explain.h"
#include "coopsim/registry.h"
#include "coopsim/ssb_import.h"

static int open_registry(cs_registry **reg, const cli_options *opt) {
  cs_error err = {0, ""};
  int rc = opt->registry_db         ? cs_registry_open_db(reg, opt->registry_db, &err)
           : opt->data_dir ? cs_registry_open_dir(reg, opt->data_dir, &err)
                           : cs_registry_open_embedded(reg, &err);
  if (rc) fprintf(stderr, "coopsim data: %s\n", err.msg);
  return rc;
}

static int parse_year(const char *s, int *out) {
  char *end;
  long v = strtol(s, &end, 10);
  if (*s == '\0' || *end != '\0' || v < 1900 || v > 2200) {
    fprintf(stderr, "coopsim data: \"%s\" is not a year (1900..2200)\n", s);
    return -1;
  }
  *out = (int)v;
  return 0;
}

static void print_period(const cs_municipality *m) {
  char f[11], t[11];
  printf("  %s %-40s %s to %s  county %s%s%s\n", m->code, m->name, cs_date_format(m->valid_from, f),
         m->valid_to.year == 9999 ? "today     " : cs_date_format(cs_date_add_days(m->valid_to, -1), t),
         m->county_code, *m->county ? " " : "", m->county);
}

static int show(const cs_registry *reg, const char *what, const char *date) {
  cs_date at = {9999, 12, 30};
  cs_error err = {0, ""};
  if (date && cs_date_parse(&at, date, &err)) {
    fprintf(stderr, "coopsim data show: %s\n", err.msg);
    return 1;
  }
  const cs_municipality *m;
  if (cs_registry_find(reg, what, at, &m, &err)) {
    fprintf(stderr, "coopsim data show: %s\n", err.msg);
    return 1;
  }
  printf("%s %s\n", m->code, m->name);
  printf("county: %s %s\n", m->county_code, m->county);
  const cs_municipality *p;
  size_t n = cs_registry_periods(reg, m->code, &p);
  printf("periods:\n");
  for (size_t i = 0; i < n; i++) print_period(&p[i]);
  int first, last;
  cs_registry_population_years(reg, &first, &last);
  printf("population on 1 January:");
  int any = 0;
  for (int y = first; y <= last; y++) {
    int64_t pop;
    char buf[32];
    if (cs_registry_population(reg, m->code, y, &pop, NULL) == 0) {
      printf("%s %d: %s", any++ ? "," : "", y, cs_format_int(pop, " ", buf, sizeof buf));
    }
  }
  printf("%s\n", any ? "" : " none");
  return 0;
}

static int in_set(char (*set)[5], size_t n, const char *code) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(set[i], code) == 0) return 1;
  return 0;
}

/* The code's periods and its whole line of descent: every change that made
** it (back through renumberings and mergers) and every change it went into. */
static int history(const cs_registry *reg, const char *code) {
  const cs_municipality *p;
  size_t n = cs_registry_periods(reg, code, &p);
  if (n == 0) {
    fprintf(stderr, "coopsim data history: unknown municipality code \"%s\"\n", code);
    return 1;
  }
  printf("%s\n", code);
  for (size_t i = 0; i < n; i++) print_period(&p[i]);
  const cs_change *ch;
  size_t nc = cs_registry_changes(reg, &ch);
  char back[256][5], fwd[256][5];
  size_t nb = 1, nf = 1;
  memcpy(back[0], code, 5);
  memcpy(fwd[0], code, 5);
  for (int grew = 1; grew;) { /* closures: predecessors and successors */
    grew = 0;
    for (size_t i = 0; i < nc; i++) {
      if (in_set(back, nb, ch[i].new_code) && !in_set(back, nb, ch[i].old_code) && nb < 256) {
        memcpy(back[nb++], ch[i].old_code, 5);
        grew = 1;
      }
      if (in_set(fwd, nf, ch[i].old_code) && !in_set(fwd, nf, ch[i].new_code) && nf < 256) {
        memcpy(fwd[nf++], ch[i].new_code, 5);
        grew = 1;
      }
    }
  }
  printf("changes:\n");
  for (size_t i = 0; i < nc; i++) {
    if (!in_set(back, nb, ch[i].new_code) && !in_set(fwd, nf, ch[i].old_code)) continue;
    char d[11];
    const char *kind = strcmp(ch[i].old_code, ch[i].new_code) == 0 ? "name" : "code";
    printf("  %s  %s %s -> %s %s  (%s)\n", cs_date_format(ch[i].date, d), ch[i].old_code,
           ch[i].old_name, ch[i].new_code, ch[i].new_name, kind);
  }
  return 0;
}

static int population(const cs_registry *reg, const char *what, int from, int to) {
  cs_error err = {0, ""};
  const cs_municipality *m;
  if (cs_registry_find(reg, what, cs_date_jan1(to), &m, &err)) {
    fprintf(stderr, "coopsim data population: %s\n", err.msg);
    return 1;
  }
  printf("%s %s, population on 1 January (territory as on 1 January %d)\n", m->code, m->name, to);
  int rc = 0;
  for (int y = from; y <= to; y++) {
    int64_t pop;
    int proxy;
    char buf[32];
    if (cs_registry_population_of(reg, m->code, cs_date_jan1(to), y, &pop, &proxy, &err)) {
      printf("  %d  %s\n", y, err.msg);
      continue;
    }
    const cs_municipality *mm;
    const char *note = proxy ? "  (includes part of a split municipality: proxy fraction)"
                       : cs_registry_by_code(reg, m->code, cs_date_jan1(y), &mm, NULL)
                           ? "  (sum of predecessors)"
                           : "";
    printf("  %d  %10s%s\n", y, cs_format_int(pop, " ", buf, sizeof buf), note);
  }
  return rc;
}

static int changes(const cs_registry *reg, int year) {
  const cs_change *ch;
  size_t n = cs_registry_changes(reg, &ch), count = 0;
  for (size_t i = 0; i < n; i++) {
    if (ch[i].date.year != year) continue;
    char d[11];
    const char *kind = strcmp(ch[i].old_code, ch[i].new_code) == 0 ? "name" : "code";
    printf("%s  %s %-36s -> %s %-36s %s\n", cs_date_format(ch[i].date, d), ch[i].old_code,
           ch[i].old_name, ch[i].new_code, ch[i].new_name, kind);
    count++;
  }
  cs_date jan1 = cs_date_jan1(year), before = cs_date_jan1(year - 1);
  printf("%zu change records in %d; municipalities on 1 January %d: %zu, on 1 January %d: %zu\n",
         count, year, year - 1, cs_registry_count_at(reg, before), year,
         cs_registry_count_at(reg, jan1));
  return 0;
}

int cli_data(int argc, char **argv, const cli_options *opt) {
  if (argc < 1) {
    fprintf(stderr, "coopsim data: show | history | population | changes | import (see --help)\n");
    return 2;
  }
  const char *sub = argv[0];
  if (strcmp(sub, "import") == 0) {
    const char *dir = opt->data_dir ? opt->data_dir : "data";
    if (argc < 2) {
      fprintf(stderr, "coopsim data import: which files?\n");
      return 2;
    }
    cs_import_report report;
    cs_error err = {0, ""};
    const char *const *files = (const char *const *)argv + 1;
    int rc = opt->registry_db ? cs_registry_db_import(opt->registry_db, files, argc - 1, &report, &err)
                     : cs_ssb_import(dir, files, argc - 1, &report, &err);
    if (rc) {
      fprintf(stderr, "coopsim data import: %s\nnothing was changed in %s\n", err.msg,
              opt->registry_db ? opt->registry_db : dir);
      return 1;
    }
    cs_import_report_print(&report, stdout);
    return 0;
  }
  cs_registry *reg;
  if (open_registry(&reg, opt)) return 1;
  int rc = 2, year, year2;
  if (strcmp(sub, "show") == 0 && argc >= 2) rc = show(reg, argv[1], argc >= 3 ? argv[2] : NULL);
  else if (strcmp(sub, "history") == 0 && argc >= 2) rc = history(reg, argv[1]);
  else if (strcmp(sub, "population") == 0 && argc >= 4)
    rc = parse_year(argv[2], &year) || parse_year(argv[3], &year2) ? 2
                                                                   : population(reg, argv[1], year, year2);
  else if (strcmp(sub, "changes") == 0 && argc >= 2) rc = parse_year(argv[1], &year) ? 2 : changes(reg, year);
  else fprintf(stderr, "coopsim data: unknown or incomplete command (see coopsim --help)\n");
  cs_registry_free(reg);
  return rc;
}
