/*
** data.c: `coopsim data` — inspect and update the municipality registry.
*/
#include <errno.h>
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

/* Characters (not bytes) of a UTF-8 text, so that æ, ø, å line up. */
static int chars(const char *s) {
  int n = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++)
    if ((*p & 0xC0) != 0x80) n++;
  return n;
}

/* Prints s padded with spaces to width characters. */
static void pad(const char *s, int width) {
  int n = chars(s);
  fputs(s, stdout);
  for (; n < width; n++) putchar(' ');
}

/* The words of a command line from argv[from] to argv[to - 1], joined by
** spaces: a name of several words given without quotes. */
static void join_words(char **argv, int from, int to, char *buf, size_t size) {
  buf[0] = '\0';
  for (int i = from; i < to; i++) {
    if (i > from) strncat(buf, " ", size - strlen(buf) - 1);
    strncat(buf, argv[i], size - strlen(buf) - 1);
  }
}

static void print_periods(const cs_municipality *p, size_t n) {
  int w = 0;
  for (size_t i = 0; i < n; i++)
    if (chars(p[i].name) > w) w = chars(p[i].name);
  for (size_t i = 0; i < n; i++) {
    char f[11], t[11];
    printf("  %s  ", p[i].code);
    pad(p[i].name, w);
    printf("  %s to %s  county %s%s%s\n", cs_date_format(p[i].valid_from, f),
           p[i].valid_to.year == 9999 ? "(still valid)"
                                      : cs_date_format(cs_date_add_days(p[i].valid_to, -1), t),
           p[i].county_code, *p[i].county ? " " : "", p[i].county);
  }
}

/* A municipality by code or name: at date when given, else its latest period. */
static int find(const cs_registry *reg, const char *what, const char *date, const char *cmd,
                const cs_municipality **m) {
  cs_error err = {0, ""};
  cs_date at;
  int rc = date ? cs_date_parse(&at, date, &err) : 0;
  if (!rc) rc = date ? cs_registry_find(reg, what, at, m, &err) : cs_registry_find_latest(reg, what, m, &err);
  if (rc) fprintf(stderr, "coopsim data %s: %s\n", cmd, err.msg);
  return rc;
}

static int show(const cs_registry *reg, const char *what, const char *date) {
  const cs_municipality *m;
  if (find(reg, what, date, "show", &m)) return 1;
  printf("%s %s\n", m->code, m->name);
  printf("county: %s %s\n", m->county_code, m->county);
  const cs_municipality *p;
  size_t n = cs_registry_periods(reg, m->code, &p);
  printf("periods:\n");
  print_periods(p, n);
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

/* The change records ch[0..n) that `keep` selects, as aligned lines. */
static void print_changes(const cs_registry *reg, const cs_change *ch, size_t n, const char *indent,
                          int (*keep)(const cs_change *, void *), void *ud) {
  int wo = 0, wn = 0;
  for (size_t i = 0; i < n; i++) {
    if (!keep(&ch[i], ud)) continue;
    if (chars(ch[i].old_name) > wo) wo = chars(ch[i].old_name);
    if (chars(ch[i].new_name) > wn) wn = chars(ch[i].new_name);
  }
  for (size_t i = 0; i < n; i++) {
    if (!keep(&ch[i], ud)) continue;
    char d[11];
    printf("%s%s  %s ", indent, cs_date_format(ch[i].date, d), ch[i].old_code);
    pad(ch[i].old_name, wo);
    printf(" -> %s ", ch[i].new_code);
    pad(ch[i].new_name, wn);
    printf("  %s\n", cs_change_kind_name(cs_registry_change_kind(reg, &ch[i])));
  }
}

typedef struct lineage {
  char (*back)[5], (*fwd)[5];
  size_t nb, nf;
} lineage;

static int in_lineage(const cs_change *c, void *ud) {
  const lineage *l = ud;
  return in_set(l->back, l->nb, c->new_code) || in_set(l->fwd, l->nf, c->old_code);
}

/* The code's periods and its whole line of descent: every change that made
** it (back through renumberings and mergers) and every change it went into. */
static int history(const cs_registry *reg, const char *what) {
  const cs_municipality *m;
  if (find(reg, what, NULL, "history", &m)) return 1;
  const char *code = m->code;
  const cs_municipality *p;
  size_t n = cs_registry_periods(reg, code, &p);
  printf("%s\n", code);
  print_periods(p, n);
  for (size_t i = 0; i < n; i++) {
    const char *same_as, *said_by;
    cs_date as_of;
    char d[11], a[11];
    if (cs_registry_restored(reg, code, p[i].valid_from, &same_as, &as_of, &said_by))
      printf("  from %s its territory is that of %s on %s (%s)\n", cs_date_format(p[i].valid_from, d),
             same_as, cs_date_format(as_of, a), said_by);
  }
  const cs_change *ch;
  size_t nc = cs_registry_changes(reg, &ch);
  char back[256][5], fwd[256][5];
  lineage l = {back, fwd, 1, 1};
  memcpy(back[0], code, 5);
  memcpy(fwd[0], code, 5);
  for (int grew = 1; grew;) { /* closures: predecessors and successors */
    grew = 0;
    for (size_t i = 0; i < nc; i++) {
      if (in_set(back, l.nb, ch[i].new_code) && !in_set(back, l.nb, ch[i].old_code)) {
        if (l.nb == 256) break;
        memcpy(back[l.nb++], ch[i].old_code, 5);
        grew = 1;
      }
      if (in_set(fwd, l.nf, ch[i].old_code) && !in_set(fwd, l.nf, ch[i].new_code)) {
        if (l.nf == 256) break;
        memcpy(fwd[l.nf++], ch[i].new_code, 5);
        grew = 1;
      }
    }
  }
  if (l.nb == 256 || l.nf == 256) {
    fprintf(stderr, "coopsim data history: the line of descent of %s has more than 256 codes\n", code);
    return 1;
  }
  printf("changes:\n");
  print_changes(reg, ch, nc, "  ", in_lineage, &l);
  return 0;
}

static const char *origin_name(cs_pop_origin o) {
  return o == CS_ORIGIN_PROXY ? "proxy" : o == CS_ORIGIN_PREDECESSORS ? "predecessors" : "registry";
}

/* Each 1 January's figure FROM..TO for the territory the municipality had
** on its last valid day within the range, with its source. */
static int population(const cs_registry *reg, const char *what, int from, int to) {
  if (from > to) {
    fprintf(stderr, "coopsim data population: the years %d..%d are reversed (give FROM before TO)\n",
            from, to);
    return 2;
  }
  cs_date start = cs_date_jan1(from), end = {to, 12, 31};
  const cs_municipality *m, *p;
  cs_error err = {0, ""};
  /* a name at the range's end, else the name's latest period */
  if (cs_registry_find(reg, what, end, &m, NULL) != 0 && find(reg, what, NULL, "population", &m))
    return 1;
  size_t n = cs_registry_periods(reg, m->code, &p);
  const cs_municipality *last = NULL;
  for (size_t i = 0; i < n; i++)
    if (cs_date_cmp(p[i].valid_from, end) <= 0 && cs_date_cmp(start, p[i].valid_to) < 0) last = &p[i];
  if (!last) {
    char f[11], t[11];
    fprintf(stderr, "coopsim data population: %s %s was not valid in %d..%d (valid %s to %s)\n",
            m->code, m->name, from, to, cs_date_format(p[0].valid_from, f),
            p[n - 1].valid_to.year == 9999 ? "now"
                                           : cs_date_format(cs_date_add_days(p[n - 1].valid_to, -1), t));
    return 1;
  }
  cs_date as_of = cs_date_add_days(last->valid_to, -1);
  if (cs_date_cmp(as_of, end) > 0) as_of = end;
  char d[11];
  printf("%s %s, population on 1 January of its territory as on %s\n", last->code, last->name,
         cs_date_format(as_of, d));
  for (int y = from; y <= to; y++) {
    int64_t pop;
    cs_pop_origin origin;
    char buf[32], detail[400] = "";
    int later = cs_date_cmp(cs_date_jan1(y), as_of) > 0;
    int rc = later ? cs_registry_population_frozen(reg, last->code, as_of, y, &pop, &origin, &err)
                   : cs_registry_population_of(reg, last->code, as_of, y, &pop, &origin, &err);
    if (rc) {
      printf("  %d  %s\n", y, err.msg);
      continue;
    }
    if (origin != CS_ORIGIN_OWN && !later)
      cs_registry_population_detail(reg, last->code, as_of, y, detail, sizeof detail, NULL);
    else if (later && origin == CS_ORIGIN_PROXY)
      snprintf(detail, sizeof detail, "its share on 1 January %d of the municipality it merged into",
               as_of.year);
    printf("  %d  %10s  ", y, cs_format_int(pop, " ", buf, sizeof buf));
    if (detail[0]) printf("%-12s  %s\n", origin_name(origin), detail);
    else printf("%s\n", origin_name(origin));
  }
  return 0;
}

static int in_year(const cs_change *c, void *ud) { return c->date.year == *(const int *)ud; }

static int changes(const cs_registry *reg, int year) {
  const cs_change *ch;
  size_t n = cs_registry_changes(reg, &ch), count = 0;
  for (size_t i = 0; i < n; i++)
    if (ch[i].date.year == year) count++;
  print_changes(reg, ch, n, "", in_year, &year);
  cs_date jan1 = cs_date_jan1(year), before = cs_date_jan1(year - 1);
  printf("%zu change records in %d; municipalities on 1 January %d: %zu, on 1 January %d: %zu\n",
         count, year, year - 1, cs_registry_count_at(reg, before), year,
         cs_registry_count_at(reg, jan1));
  return 0;
}

/* 1 if s is a date "YYYY-MM-DD" (a name never is). */
static int looks_like_date(const char *s) {
  cs_date d;
  return cs_date_parse(&d, s, NULL) == 0;
}

/* Everything written to stdout reached it (a full disk is an exit status). */
static int stdout_ok(int rc) {
  if (fflush(stdout) != 0 || ferror(stdout)) {
    fprintf(stderr, "coopsim data: cannot write to standard output: %s\n", strerror(errno));
    return 1;
  }
  return rc;
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
    return stdout_ok(0);
  }
  cs_registry *reg;
  if (open_registry(&reg, opt)) return 1;
  int rc = 2, year, year2;
  char words[512];
  if (strcmp(sub, "show") == 0 && argc >= 2) {
    /* `data show Indre Østfold [DATE]`: the words before a date are the name */
    int date = argc >= 3 && looks_like_date(argv[argc - 1]);
    join_words(argv, 1, date ? argc - 1 : argc, words, sizeof words);
    rc = show(reg, words, date ? argv[argc - 1] : NULL);
  } else if (strcmp(sub, "history") == 0 && argc >= 2) {
    join_words(argv, 1, argc, words, sizeof words);
    rc = history(reg, words);
  } else if (strcmp(sub, "population") == 0 && argc >= 4) {
    /* `data population Indre Østfold 2019 2024`: the words before the years */
    join_words(argv, 1, argc - 2, words, sizeof words);
    rc = parse_year(argv[argc - 2], &year) || parse_year(argv[argc - 1], &year2)
             ? 2
             : population(reg, words, year, year2);
  } else if (strcmp(sub, "changes") == 0 && argc == 2) {
    rc = parse_year(argv[1], &year) ? 2 : changes(reg, year);
  } else {
    fprintf(stderr, "coopsim data: unknown or incomplete command (see coopsim --help)\n");
  }
  cs_registry_free(reg);
  return stdout_ok(rc);
}
