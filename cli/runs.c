/*
** runs.c: stored runs on the command line — `coopsim run FILE --db DB`
** saves, `coopsim runs list|show|compare|export|verify --db DB` reads (rundb.h).
**
** There is no default store: without --db, `coopsim run` stores nothing
** and `coopsim runs` asks for the file, so runs never land in a file the
** user did not name.
*/
#include <errno.h>
#include <lauxlib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "coopsim/explain.h"
#include "coopsim/report.h"
#include "coopsim/rundb.h"

cs_rundb *cli_runs_open_store(const char *path) {
  cs_rundb_options opt = CS_RUNDB_OPTIONS_INIT;
  opt.write = 1;
  cs_rundb *db = NULL;
  cs_error err = {0, ""};
  if (cs_rundb_open(&db, path, &opt, &err)) {
    fprintf(stderr, "coopsim run: %s\n", err.msg);
    /* the hint only when the file is not a store (CS_EINVAL); a store that
    ** cannot be opened, is locked or cannot be upgraded (CS_EIO) is one */
    if (err.code == CS_EINVAL)
      fprintf(stderr, "coopsim run: nothing was run; give --db a coopsim run store, or a new file name "
              "ending in .db\n");
    else
      fprintf(stderr, "coopsim run: nothing was run\n");
    return NULL;
  }
  return db;
}

int cli_runs_meta(cs_rundb_meta *meta, const char *file, const char *text, size_t len, int argc, char **argv,
                  const cli_options *opt, cs_error *err) {
  char *registry = NULL, *options = NULL;
  *meta = (cs_rundb_meta){NULL, NULL, NULL, 0, NULL};
  if (!(registry = cs_rundb_registry_version(opt->data_dir, opt->registry_db, err))) return CS_EIO;
  /* the options as given, without the file */
  size_t cap = 1;
  for (int i = 0; i < argc; i++) cap += strlen(argv[i]) + 1;
  if ((options = malloc(cap)) == NULL) {
    free(registry);
    return cs_error_set(err, CS_ENOMEM, "out of memory");
  }
  options[0] = '\0';
  for (int i = 0; i < argc; i++) {
    if (argv[i] == file) continue;
    if (options[0]) strcat(options, " ");
    strcat(options, argv[i]);
  }
  *meta = (cs_rundb_meta){registry, file, text, len, options};
  return CS_OK;
}

void cli_runs_meta_free(cs_rundb_meta *meta) {
  free((char *)meta->registry_version);
  free((char *)meta->options);
  meta->registry_version = meta->options = NULL;
}

int cli_runs_saved(const cs_rundb *db, int rc, int64_t id, const cs_error *err) {
  /* "saved" only once COMMIT succeeded */
  if (!rc) fprintf(stderr, "saved run %lld to %s\n", (long long)id, cs_rundb_path(db));
  else fprintf(stderr, "coopsim run: %s\n", err->msg);
  return rc ? 1 : 0;
}

int cli_runs_save_doc(cs_rundb *db, const cs_doc *doc, const char *file, const char *text, size_t len,
                      int argc, char **argv, const cli_options *opt) {
  cs_error err = {0, ""};
  cs_rundb_meta meta = {NULL, NULL, NULL, 0, NULL};
  int64_t id = 0;
  int rc = CS_OK;
  if (doc->nruns == 0) rc = cs_error_set(&err, CS_EINVAL, "%s made no runs; nothing was stored", file);
  if (!rc) rc = cli_runs_meta(&meta, file, text, len, argc, argv, opt, &err);
  if (!rc) rc = cs_rundb_save(db, doc, &meta, &id, &err);
  cli_runs_meta_free(&meta);
  return cli_runs_saved(db, rc, id, &err);
}

/* ---- coopsim runs ------------------------------------------------------------ */

/* Display width of UTF-8 text: one column per character. */
static size_t width(const char *s) {
  size_t w = 0;
  for (; *s; s++)
    if (((unsigned char)*s & 0xc0) != 0x80) w++;
  return w;
}

/* Prints s left-aligned in w columns (longer text is printed whole). */
static void print_left(const char *s, size_t w) {
  fputs(s, stdout);
  for (size_t n = width(s); n < w; n++) putchar(' ');
}

static void print_right(const char *s, size_t w) {
  for (size_t n = width(s); n < w; n++) putchar(' ');
  fputs(s, stdout);
}

static const char *kroner(int64_t v, char *buf, size_t size) {
  return cs_format_int(v, " ", buf, size);
}

static const char *signed_kroner(int64_t v, char *buf, size_t size) {
  char tmp[40];
  if (v > 0) snprintf(buf, size, "+%s", kroner(v, tmp, sizeof tmp));
  else kroner(v, buf, size);
  return buf;
}

/* A run number: decimal digits only, 1 to 2^63-1 ("1e3", "-1", "0", "12abc",
** "" and numbers past the largest are refused, naming the value). */
static int parse_id(const char *s, int64_t *id) {
  int64_t v = 0;
  const char *why = *s ? NULL : "is empty";
  for (const char *c = s; *c && !why; c++) {
    if (*c < '0' || *c > '9') why = "is not a whole number";
    else if (v > (INT64_MAX - (*c - '0')) / 10) why = "is too large";
    else v = v * 10 + (*c - '0');
  }
  if (!why && v == 0) why = "is not a run number (they start at 1)";
  if (why) {
    fprintf(stderr, "coopsim runs: the run number \"%s\" %s (see coopsim runs list)\n", s, why);
    return -1;
  }
  *id = v;
  return 0;
}

static int list(cs_rundb *db) {
  cs_rundb_info *runs;
  size_t n;
  cs_error err = {0, ""};
  if (cs_rundb_list(db, &runs, &n, &err)) {
    fprintf(stderr, "coopsim runs list: %s\n", err.msg);
    return 1;
  }
  if (n == 0) printf("no runs stored in %s\n", cs_rundb_path(db));
  else printf("  id  created (UTC)         rows  file / scenarios\n");
  size_t damaged = 0;
  for (size_t i = 0; i < n; i++) {
    if (runs[i].damaged) { /* its id only: nothing else of it is printed */
      printf("%4lld  DAMAGED, not read: %s\n", (long long)runs[i].id, runs[i].damaged);
      damaged++;
      continue;
    }
    printf("%4lld  %s  %5lld  %s\n", (long long)runs[i].id, runs[i].created, (long long)runs[i].nrows,
           runs[i].scenario_file ? runs[i].scenario_file : "(no file)");
    printf("%35s%s\n", "", runs[i].scenarios ? runs[i].scenarios : "(no runs)");
  }
  for (size_t i = 0; i < n; i++)
    if (runs[i].damaged)
      fprintf(stderr, "coopsim runs list: %s: stored run %lld is damaged (%s)\n", cs_rundb_path(db),
              (long long)runs[i].id, runs[i].damaged);
  cs_rundb_info_free(runs, n);
  return damaged ? 1 : 0;
}

/* Reads run arg; explanations 0 leaves the parts' explanations unread (a
** report that shows none). */
static int load(cs_rundb *db, const char *arg, int explanations, cs_doc **doc, cs_rundb_info *info,
                const char *cmd) {
  int64_t id;
  cs_error err = {0, ""};
  if (parse_id(arg, &id)) return 2;
  if (cs_rundb_load_doc(db, id, explanations, doc, info, &err)) {
    fprintf(stderr, "coopsim runs %s: %s\n", cmd, err.msg);
    return 1;
  }
  return 0;
}

static void print_info(const cs_rundb_info *info, cs_report_lang lang) {
  int nb = lang == CS_LANG_NB;
  const char *none = nb ? "(ingen)" : "(none)";
  printf(nb ? "kjøring %lld, lagret %s av coopsim %s\n" : "run %lld, stored %s by coopsim %s\n",
         (long long)info->id, info->created, info->coopsim_version);
  printf(nb ? "scenariofil: %s\n" : "scenario file: %s\n", info->scenario_file ? info->scenario_file : none);
  if (info->scenario_sha256)
    printf(nb ? "sha256: %s (%zu byte lagret)\n" : "sha256: %s (%zu bytes stored)\n", info->scenario_sha256,
           info->scenario_len);
  printf(nb ? "register: %s\n" : "registry: %s\n", info->registry_version);
  printf(nb ? "valg: %s\n" : "options: %s\n", info->options && *info->options ? info->options : none);
  printf(nb ? "kjøringer: %s\n" : "runs: %s\n", info->scenarios ? info->scenarios : none);
}

static int show(cs_rundb *db, const char *arg, cs_report_lang lang) {
  cs_doc *doc;
  cs_rundb_info info;
  int rc = load(db, arg, 0, &doc, &info, "show");
  if (rc) return rc;
  print_info(&info, lang);
  putchar('\n');
  char *text = NULL;
  size_t len;
  cs_error err = {0, ""};
  if (cs_report_render(doc, CS_REPORT_TABLE, lang, &text, &len, &err)) {
    fprintf(stderr, "coopsim runs show: %s\n", err.msg);
    rc = 1;
  } else {
    fwrite(text, 1, len, stdout);
  }
  free(text);
  cs_rundb_info_clear(&info);
  cs_doc_free(doc);
  return rc;
}

/* ---- compare ----------------------------------------------------------------- */

static int row_order(const void *pa, const void *pb) {
  const cs_doc_row *a = *(const cs_doc_row *const *)pa, *b = *(const cs_doc_row *const *)pb;
  int c = strcmp(a->cooperation, b->cooperation);
  if (c) return c;
  if (a->year != b->year) return a->year < b->year ? -1 : 1;
  return strcmp(a->code, b->code);
}

static const cs_doc_row **sorted_rows(const cs_doc_run *run) {
  const cs_doc_row **rows = malloc((run->nrows ? run->nrows : 1) * sizeof *rows);
  if (!rows) return NULL;
  for (size_t i = 0; i < run->nrows; i++) rows[i] = &run->rows[i];
  qsort(rows, run->nrows, sizeof *rows, row_order);
  return rows;
}

/* inv: NULL, or what the runs invoice (SPEC 7.3: share + settlement) as a,
** b and their difference */
static void compare_line(const char *year, const char *code, const char *name, const char *a,
                         const char *b, const char *diff, const char *const *inv) {
  print_left(year, 6);
  print_left(code, 6);
  print_left(name, 26);
  print_right(a, 12);
  print_right(b, 12);
  print_right(diff, 12);
  for (int k = 0; inv && k < 3; k++) print_right(inv[k], 12);
  putchar('\n');
}

/* The invoice (share + settlement) of a row, the share when it has no money cycle. */
static int64_t invoiced(const cs_doc_row *r) { return r->money ? r->invoice : r->total; }

/* 1 if a row of the run has the money cycle. */
static int has_money(const cs_doc_run *run) {
  for (size_t i = 0; i < run->nrows; i++)
    if (run->rows[i].money) return 1;
  return 0;
}

static void year_total(int year, const int64_t *t, int any_a, int any_b, int money) {
  char a[40], b[40], d[40], y[16], ia[40], ib[40], id[40];
  snprintf(y, sizeof y, "%d", year);
  const char *inv[3] = {any_a ? kroner(t[2], ia, sizeof ia) : "absent", any_b ? kroner(t[3], ib, sizeof ib) : "absent",
                        signed_kroner(t[3] - t[2], id, sizeof id)};
  compare_line(y, "", "total", any_a ? kroner(t[0], a, sizeof a) : "absent",
               any_b ? kroner(t[1], b, sizeof b) : "absent", signed_kroner(t[1] - t[0], d, sizeof d),
               money ? inv : NULL);
}

/* Prints run b against run a, member by member and year, matched by
** cooperation, year and code; with the money cycle (SPEC 7.3) also what
** each invoices (share + settlement; a member gone has a settlement-only
** row, "no share"). Returns -1 when out of memory. */
static int compare_runs(const cs_doc_run *a, const cs_doc_run *b, int64_t ida, int64_t idb) {
  const cs_doc_row **ra = sorted_rows(a), **rb = sorted_rows(b);
  if (!ra || !rb) {
    free(ra);
    free(rb);
    return -1;
  }
  char ha[32], hb[32];
  snprintf(ha, sizeof ha, "run %lld", (long long)ida);
  snprintf(hb, sizeof hb, "run %lld", (long long)idb);
  size_t i = 0, j = 0;
  const char *coop = NULL;
  int year = 0, any_a = 0, any_b = 0, money = has_money(a) || has_money(b);
  int64_t t[4] = {0, 0, 0, 0}; /* shares a, b; invoices a, b */
  while (i < a->nrows || j < b->nrows) {
    int c = i == a->nrows ? 1 : j == b->nrows ? -1 : row_order(&ra[i], &rb[j]);
    const cs_doc_row *ref = c <= 0 ? ra[i] : rb[j];
    if (coop && (strcmp(coop, ref->cooperation) != 0 || year != ref->year)) {
      year_total(year, t, any_a, any_b, money);
      memset(t, 0, sizeof t);
      any_a = any_b = 0;
    }
    if (!coop || strcmp(coop, ref->cooperation) != 0) {
      printf("\n%s: %s, %d-%d\n", a->scenario, ref->cooperation, a->from < b->from ? a->from : b->from,
             a->to > b->to ? a->to : b->to);
      char ia[32], ib[32];
      snprintf(ia, sizeof ia, "invoice %lld", (long long)ida);
      snprintf(ib, sizeof ib, "invoice %lld", (long long)idb);
      const char *const inv_head[3] = {ia, ib, "diff kr"};
      compare_line("year", "code", "member", ha, hb, "diff kr", money ? inv_head : NULL);
      printf("----  ----  ------------------------  ----------  ----------  ----------%s\n",
             money ? "  ----------  ----------  ----------" : "");
    }
    coop = ref->cooperation;
    year = ref->year;
    char sa[40], sb[40], sd[40], y[16], ia[40], ib[40], id[40];
    const cs_doc_row *xa = c <= 0 ? ra[i] : NULL, *xb = c >= 0 ? rb[j] : NULL;
    int64_t va = xa ? xa->total : 0, vb = xb ? xb->total : 0;
    int64_t wa = xa ? invoiced(xa) : 0, wb = xb ? invoiced(xb) : 0;
    snprintf(y, sizeof y, "%d", ref->year);
    const char *inv[3] = {xa ? kroner(wa, ia, sizeof ia) : "absent", xb ? kroner(wb, ib, sizeof ib) : "absent",
                          signed_kroner(wb - wa, id, sizeof id)};
    compare_line(y, ref->code, xb ? xb->name : xa->name,
                 !xa ? "absent" : xa->settlement_only ? "no share" : kroner(va, sa, sizeof sa),
                 !xb ? "absent" : xb->settlement_only ? "no share" : kroner(vb, sb, sizeof sb),
                 signed_kroner(vb - va, sd, sizeof sd), money ? inv : NULL);
    t[0] += va;
    t[1] += vb;
    t[2] += wa;
    t[3] += wb;
    any_a |= c <= 0;
    any_b |= c >= 0;
    if (c <= 0) i++;
    if (c >= 0) j++;
  }
  if (coop) year_total(year, t, any_a, any_b, money);
  free(ra);
  free(rb);
  return 0;
}

static int compare(cs_rundb *db, const char *arg_a, const char *arg_b) {
  cs_doc *a = NULL, *b = NULL;
  cs_rundb_info ia, ib;
  int rc = load(db, arg_a, 0, &a, &ia, "compare");
  if (rc) return rc;
  rc = load(db, arg_b, 0, &b, &ib, "compare");
  if (rc) {
    cs_rundb_info_clear(&ia);
    cs_doc_free(a);
    return rc;
  }
  printf("run %lld (%s, %s) against run %lld (%s, %s), in kroner\n", (long long)ib.id,
         ib.scenario_file ? ib.scenario_file : "no file", ib.created, (long long)ia.id,
         ia.scenario_file ? ia.scenario_file : "no file", ia.created);
  if (ia.scenario_sha256 && ib.scenario_sha256 && strcmp(ia.scenario_sha256, ib.scenario_sha256) != 0)
    printf("the scenario files differ (sha256 %.12s... and %.12s...)\n", ia.scenario_sha256, ib.scenario_sha256);
  if (strcmp(ia.registry_version, ib.registry_version) != 0)
    printf("the registries differ: %s and %s\n", ia.registry_version, ib.registry_version);
  /* scenarios matched by name, in the first run's order */
  char *used = calloc(b->nruns + 1, 1);
  for (size_t s = 0; s < a->nruns && used && !rc; s++) {
    size_t t = 0;
    while (t < b->nruns && (used[t] || strcmp(a->runs[s].scenario, b->runs[t].scenario) != 0)) t++;
    if (t == b->nruns) {
      printf("\n%s: only in run %lld\n", a->runs[s].scenario, (long long)ia.id);
      continue;
    }
    used[t] = 1;
    if (compare_runs(&a->runs[s], &b->runs[t], ia.id, ib.id)) rc = 1;
  }
  for (size_t t = 0; t < b->nruns && used; t++)
    if (!used[t]) printf("\n%s: only in run %lld\n", b->runs[t].scenario, (long long)ib.id);
  if (!used || rc) {
    fprintf(stderr, "coopsim runs compare: out of memory\n");
    rc = 1;
  }
  free(used);
  cs_rundb_info_clear(&ia);
  cs_rundb_info_clear(&ib);
  cs_doc_free(a);
  cs_doc_free(b);
  return rc;
}

/* ---- verify ------------------------------------------------------------------ */

/* The whole file checked (a run is checked as it is read; this reads every
** page, also of runs never read, and every run's counts). */
static int verify(cs_rundb *db) {
  cs_error err = {0, ""};
  if (cs_rundb_verify(db, &err)) {
    fprintf(stderr, "coopsim runs verify: %s\n", err.msg);
    return 1;
  }
  printf("%s: every page, value, reference and count checked: ok\n", cs_rundb_path(db));
  return 0;
}

/* ---- export ------------------------------------------------------------------ */

static int export(cs_rundb *db, const char *arg, const char *format, const char *out, const char *lang) {
  cs_error err = {0, ""};
  cs_report_format fmt = CS_REPORT_CSV;
  cs_report_lang lng = CS_LANG_EN;
  if ((format ? cs_report_format_parse(format, &fmt, &err)
              : out ? cs_report_format_from_path(out, &fmt, &err) : 0) ||
      (lang && cs_report_lang_parse(lang, &lng, &err))) {
    fprintf(stderr, "coopsim runs export: %s\n", err.msg);
    return 2;
  }
  if (!out && !cs_report_format_is_text(fmt)) {
    fprintf(stderr, "coopsim runs export: a %s workbook is binary: give --out FILE\n", cs_report_format_name(fmt));
    return 2;
  }
  cs_doc *doc;
  /* only the JSON report shows the parts' explanations */
  int rc = load(db, arg, fmt == CS_REPORT_JSON, &doc, NULL, "export");
  if (rc) return rc;
  rc = cli_emit_doc(doc, fmt, lng, out, &err);
  if (rc) fprintf(stderr, "coopsim runs export: %s\n", err.msg);
  cs_doc_free(doc);
  return rc ? 1 : 0;
}

static const char *const runs_usage =
    "usage: coopsim runs list --db FILE\n"
    "       coopsim runs show ID --db FILE [--lang en|nb]\n"
    "       coopsim runs compare ID ID --db FILE\n"
    "       coopsim runs export ID --db FILE [--format F] [--out PATH] [--lang en|nb]\n"
    "       coopsim runs verify --db FILE\n"
    "runs are stored by coopsim run FILE.lua --db FILE (or r:save(FILE) in a scenario)\n";

int cli_runs(int argc, char **argv, const cli_options *opt) {
  (void)opt;
  const char *db_path = NULL, *format = NULL, *out = NULL, *lang = NULL, *args[3] = {NULL};
  int nargs = 0;
  for (int i = 0; i < argc; i++) {
    const char **slot = strcmp(argv[i], "--db") == 0       ? &db_path
                        : strcmp(argv[i], "--format") == 0 ? &format
                        : strcmp(argv[i], "--out") == 0    ? &out
                        : strcmp(argv[i], "--lang") == 0   ? &lang
                                                           : NULL;
    if (slot && i + 1 < argc) {
      /* once each: the second of two was taken silently before */
      if (*slot) {
        fprintf(stderr, "coopsim runs: %s given twice (%s and %s)\n", argv[i], *slot, argv[i + 1]);
        return 2;
      }
      *slot = argv[++i];
    } else if (argv[i][0] == '-' && argv[i][1] && !(argv[i][1] >= '0' && argv[i][1] <= '9')) {
      /* "-1" is a run number, refused as one below */
      fprintf(stderr, "coopsim runs: unknown option %s\n%s", argv[i], runs_usage);
      return 2;
    } else if (nargs < 3) args[nargs++] = argv[i];
    else {
      fprintf(stderr, "coopsim runs: too many arguments\n%s", runs_usage);
      return 2;
    }
  }
  const char *cmd = args[0];
  cs_error err = {0, ""};
  int want = !cmd ? -1
             : strcmp(cmd, "list") == 0 || strcmp(cmd, "verify") == 0 ? 1
             : strcmp(cmd, "show") == 0 || strcmp(cmd, "export") == 0 ? 2
             : strcmp(cmd, "compare") == 0 ? 3 : -1;
  if (want < 0 || nargs != want) {
    fprintf(stderr, "%s", runs_usage);
    return 2;
  }
  if (!db_path) {
    fprintf(stderr, "coopsim runs %s: which run store? give --db FILE (the file that coopsim run ... --db FILE saved to)\n",
            cmd);
    return 2;
  }
  if (((format || out) && strcmp(cmd, "export") != 0) ||
      (lang && strcmp(cmd, "export") != 0 && strcmp(cmd, "show") != 0)) {
    fprintf(stderr, "coopsim runs %s: --format and --out are for export, --lang for show and export\n", cmd);
    return 2;
  }
  if (out && strcmp(out, "-") == 0) out = NULL; /* --out -: standard output, as without --out */
  /* run numbers are checked before the store is opened */
  int64_t unused;
  for (int i = 1; i < nargs; i++)
    if (parse_id(args[i], &unused)) return 2;
  cs_report_lang lng = CS_LANG_EN;
  /* --lang, else COOPSIM_LANG (LANG and LC_* are not read) */
  if (lang ? cs_report_lang_parse(lang, &lng, &err) != 0 : cs_report_lang_default(&lng, &err) != 0) {
    fprintf(stderr, "coopsim runs %s: %s\n", cmd, err.msg);
    return 2;
  }
  if (!lang && lng == CS_LANG_NB) lang = "nb";
  cs_rundb *db = NULL;
  if (cs_rundb_open(&db, db_path, NULL, &err)) {
    fprintf(stderr, "coopsim runs %s: %s\n", cmd, err.msg);
    return 1;
  }
  int rc = strcmp(cmd, "list") == 0   ? list(db)
           : strcmp(cmd, "verify") == 0 ? verify(db)
           : strcmp(cmd, "show") == 0 ? show(db, args[1], lng)
           : strcmp(cmd, "compare") == 0 ? compare(db, args[1], args[2])
                                         : export(db, args[1], format, out, lang);
  cs_rundb_close(db);
  /* every write can fail, standard output's too (a full disk, a closed pipe) */
  errno = 0;
  if (fflush(stdout) != 0 || ferror(stdout)) {
    if (!cli_stdout_failure_told)
      fprintf(stderr, "coopsim runs %s: cannot write to standard output (%s)\n", cmd,
              errno ? strerror(errno) : "write error");
    cli_stdout_failure_told = 1;
    if (rc == 0) rc = 1;
  }
  return rc;
}
