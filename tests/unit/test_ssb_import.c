/* Unit tests: the SSB importer (ssb_import.c) on small fixtures of our own in
** each of SSB's real formats (KLASS code list and change table JSON; StatBank
** exports in ISO-8859-1 with tabs and quotes, in UTF-8 with bare commas, and
** with ';', title lines, CRLF, "K-" regions and pseudo-regions; the csdata
** derived file; coopsim's own CSV), and on bad input, which must fail naming
** file, line and value and leave the data folder byte for byte as it was. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "coopsim/registry.h"
#include "coopsim/ssb_import.h"

#define FX(name) CS_FIXTURES "/ssb/" name

static char dir[64];

static int make_dir(void **state) {
  (void)state;
  snprintf(dir, sizeof dir, "/tmp/coopsim-import-XXXXXX");
  return mkdtemp(dir) ? 0 : -1;
}

/* Removes the folder and the (flat) files in it. */
static void remove_tree(const char *path) {
  DIR *d = opendir(path);
  if (!d) return;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    char p[512];
    snprintf(p, sizeof p, "%s/%s", path, e->d_name);
    unlink(p);
  }
  closedir(d);
  rmdir(path);
}

static int remove_dir(void **state) {
  (void)state;
  remove_tree(dir);
  return 0;
}

static char *slurp_path(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 4096, n = 0, got;
  char *buf = malloc(cap);
  while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
    n += got;
    if (n + 1 == cap) buf = realloc(buf, cap *= 2);
  }
  fclose(f);
  if (buf) buf[n] = '\0';
  return buf;
}

static char *slurp(const char *name) {
  char path[256];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  return slurp_path(path);
}

static int cmp_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Every file in the folder, names and bytes, in name order: equal snapshots
** mean nothing was written, renamed or left behind. */
static char *snapshot(void) {
  DIR *d = opendir(dir);
  assert_non_null(d);
  char *names[64];
  size_t n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL && n < 64)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) names[n++] = strdup(e->d_name);
  closedir(d);
  qsort(names, n, sizeof *names, cmp_names);
  size_t cap = 1 << 16, len = 0;
  char *out = malloc(cap);
  out[0] = '\0';
  for (size_t i = 0; i < n; i++) {
    char *body = slurp(names[i]);
    size_t need = len + strlen(names[i]) + (body ? strlen(body) : 0) + 8;
    if (need > cap) out = realloc(out, cap = need * 2);
    len += (size_t)sprintf(out + len, "[%s]\n%s", names[i], body ? body : "");
    free(body);
    free(names[i]);
  }
  return out;
}

static cs_import_report import(const char *const *files, int n) {
  cs_import_report r;
  cs_error err;
  if (cs_ssb_import(dir, files, n, &r, &err)) fail_msg("%s", err.msg);
  assert_int_equal(r.files, n);
  return r;
}

static void expect_file(const char *name, const char *want) {
  char *got = slurp(name);
  assert_non_null(got);
  assert_string_equal(got, want);
  free(got);
}

static void code_lists_and_changes(void **state) {
  (void)state;
  const char *files[] = {FX("klass_2023.json"), FX("klass_2024.json"), FX("changes.json")};
  cs_import_report r = import(files, 3);
  assert_int_equal(r.municipalities_added, 4);
  assert_int_equal(r.changes_added, 1);
  /* 9999 Uoppgitt left out; Rana's name changed with the 2024 list; Vefsn's
  ** one period spans both lists; the 1972 change is before the registry */
  expect_file("municipalities.csv", "code,name,valid_from,valid_to\n"
                                    "1580,Haram,2024-01-01,\n"
                                    "1824,Vefsn,2023-01-01,\n"
                                    "1833,Rana,2023-01-01,2024-01-01\n"
                                    "1833,Rana - Raane,2024-01-01,\n");
  expect_file("changes.csv", "date,old_code,old_name,new_code,new_name\n"
                             "2024-01-01,1833,Rana,1833,Rana - Raane\n");
  expect_file("split_fractions.csv", "date,old_code,new_code,fraction,basis\n");
  /* importing the same files again changes nothing */
  char *before = snapshot();
  r = import(files, 3);
  assert_int_equal(r.municipalities_added + r.municipalities_changed + r.changes_added, 0);
  char *after = snapshot();
  assert_string_equal(before, after);
  free(before);
  free(after);
}

/* A list imported later, on its own, closes the periods it ends. */
static void periods_recomputed_from_data_dir(void **state) {
  (void)state;
  const char *first[] = {FX("klass_2023.json")};
  import(first, 1);
  expect_file("municipalities.csv", "code,name,valid_from,valid_to\n"
                                    "1824,Vefsn,2023-01-01,\n"
                                    "1833,Rana,2023-01-01,\n");
  const char *second[] = {FX("klass_2024.json")};
  cs_import_report r = import(second, 1);
  assert_int_equal(r.municipalities_added, 1);   /* 1580 */
  assert_int_equal(r.municipalities_changed, 2); /* Rana closed, Rana - Raane opened */
  expect_file("municipalities.csv", "code,name,valid_from,valid_to\n"
                                    "1580,Haram,2024-01-01,\n"
                                    "1824,Vefsn,2023-01-01,\n"
                                    "1833,Rana,2023-01-01,2024-01-01\n"
                                    "1833,Rana - Raane,2024-01-01,\n");
}

static void statbank_formats(void **state) {
  (void)state;
  const char *files[] = {FX("statbank_latin1_tab.csv"), FX("statbank_utf8_comma.csv"),
                         FX("statbank_semicolon_crlf.csv"), FX("csdata_population.csv")};
  cs_import_report r = import(files, 4);
  assert_int_equal(r.population_added, 10);
  /* summed over age; Bindal's zero totals (no code list says it is valid)
  ** dropped; Svalbard, the shelf and "Rest" skipped */
  expect_file("population.csv", "year,code,population\n"
                                "2022,1824,300\n"
                                "2022,1833,301\n"
                                "2023,1824,320\n"
                                "2023,1833,310\n"
                                "2024,1824,340\n"
                                "2024,1833,320\n"
                                "2025,1824,130\n"
                                "2025,1833,334\n"
                                "2026,1824,13000\n"
                                "2026,1833,26500\n");
  /* a later figure replaces the one with the same year and code */
  const char *update[] = {FX("population_update.csv")};
  r = import(update, 1);
  assert_int_equal(r.population_added, 0);
  assert_int_equal(r.population_changed, 1); /* 2023 Rana 310 -> 311; 2024 the same */
  char *p = slurp("population.csv");
  assert_non_null(strstr(p, "\n2023,1833,311\n"));
  assert_non_null(strstr(p, "\n2024,1833,320\n"));
  free(p);
}

/* A zero total is kept for a code valid that year, dropped for one that is not. */
static void statbank_zero_totals(void **state) {
  (void)state;
  const char *files[] = {FX("klass_2023.json"), FX("statbank_zero.csv")};
  import(files, 2);
  expect_file("population.csv", "year,code,population\n"
                                "2023,1824,0\n"
                                "2023,1833,12\n");
}

static void split_fractions(void **state) {
  (void)state;
  const char *files[] = {FX("split_lists.json"), FX("split_changes.json"), FX("split_population.csv")};
  import(files, 3);
  /* gains 800 and 250 of 1050: 0.7619047... and 0.2380952..., rounded so
  ** that the two sum to exactly 1 */
  expect_file("split_fractions.csv",
              "date,old_code,new_code,fraction,basis\n"
              "2024-01-01,1507,1508,0.761905,proxy: growth of 1508 over its other predecessors "
              "1 January 2023 to 2024 = 800 of 1050 persons gained by all new codes of 1507\n"
              "2024-01-01,1507,1580,0.238095,proxy: growth of 1580 over its other predecessors "
              "1 January 2023 to 2024 = 250 of 1050 persons gained by all new codes of 1507\n");
  /* figures of a planner's own (basis not a proxy) survive a new import */
  char path[256];
  snprintf(path, sizeof path, "%s/split_fractions.csv", dir);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs("date,old_code,new_code,fraction,basis\n"
        "2024-01-01,1507,1508,0.85,SSB table of the split\n"
        "2024-01-01,1507,1580,0.15,SSB table of the split\n",
        f);
  fclose(f);
  import(files, 3);
  expect_file("split_fractions.csv", "date,old_code,new_code,fraction,basis\n"
                                     "2024-01-01,1507,1508,0.85,SSB table of the split\n"
                                     "2024-01-01,1507,1580,0.15,SSB table of the split\n");
}

static void bad_input_changes_nothing(void **state) {
  (void)state;
  const char *good[] = {FX("klass_2023.json"), FX("changes.json"), FX("statbank_utf8_comma.csv")};
  import(good, 3);
  char *before = snapshot();
  static const struct {
    const char *file, *where, *value;
  } bad[] = {
      {FX("bad_code.csv"), "bad_code.csv:3:", "\"03O1\""},
      {FX("bad_code_list.json"), "bad_code_list.json:4:", "\"03O1\""},
      {FX("bad_negative.csv"), "bad_negative.csv:2:", "\"-5\""},
      {FX("bad_date.json"), "bad_date.json:5:", "\"2023-02-30\""},
      {FX("bad_name.json"), "bad_name.json:4:", "\"Rana, Raane\""},
      {FX("bad_statbank.csv"), "bad_statbank.csv:5:", "\"..\""},
      {FX("bad_sum.csv"), "bad_sum.csv:4:", "passes 10000000 (6000000 + 4000001)"},
      {FX("unknown.txt"), "unknown.txt:1:", "not a format"},
      {"/nonexistent/file.csv", "/nonexistent/file.csv", "No such file"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    /* a good file first: it must not be written either */
    const char *files[] = {FX("klass_2024.json"), bad[i].file};
    cs_error err = {0, ""};
    assert_int_not_equal(cs_ssb_import(dir, files, 2, NULL, &err), 0);
    if (!strstr(err.msg, bad[i].where) || !strstr(err.msg, bad[i].value))
      fail_msg("%s: message \"%s\" lacks \"%s\" or %s", bad[i].file, err.msg, bad[i].where, bad[i].value);
    char *after = snapshot();
    assert_string_equal(before, after);
    free(after);
  }
  free(before);
}

/* The folder is created when missing, and not when the import fails. */
static void creates_data_dir(void **state) {
  (void)state;
  char sub[128];
  snprintf(sub, sizeof sub, "%s/registry", dir);
  const char *badfile[] = {FX("bad_code.csv")};
  assert_int_not_equal(cs_ssb_import(sub, badfile, 1, NULL, NULL), 0);
  struct stat st;
  assert_int_not_equal(stat(sub, &st), 0);
  const char *files[] = {FX("klass_2023.json")};
  cs_error err;
  if (cs_ssb_import(sub, files, 1, NULL, &err)) fail_msg("%s", err.msg);
  char path[192];
  snprintf(path, sizeof path, "%s/municipalities.csv", sub);
  char *m = slurp_path(path);
  assert_non_null(m);
  assert_string_equal(m, "code,name,valid_from,valid_to\n1824,Vefsn,2023-01-01,\n1833,Rana,2023-01-01,\n");
  free(m);
  remove_tree(sub);
}

/* A broken file already in the folder is an error too, and stays as it is. */
static void bad_existing_registry(void **state) {
  (void)state;
  char path[256];
  snprintf(path, sizeof path, "%s/changes.csv", dir);
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs("date,old_code,old_name,new_code,new_name\n2023-02-29,1833,Rana,1833,Rana\n", f);
  fclose(f);
  char *before = snapshot();
  const char *files[] = {FX("klass_2023.json")};
  cs_error err = {0, ""};
  assert_int_equal(cs_ssb_import(dir, files, 1, NULL, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "changes.csv:2:"));
  assert_non_null(strstr(err.msg, "2023-02-29"));
  char *after = snapshot();
  assert_string_equal(before, after);
  free(before);
  free(after);
}

/* cs_ssb_check_texts parses and checks texts as cs_ssb_import does the files
** holding them: the same report, the same errors, and no file written. */
static void check_texts_in_memory(void **state) {
  (void)state;
  const char *files[] = {FX("klass_2023.json"), FX("changes.json"), FX("statbank_utf8_comma.csv"),
                         FX("split_changes.json"), FX("split_population.csv")};
  enum { N = 5 };
  char *texts[N];
  size_t lens[N];
  for (int i = 0; i < N; i++) {
    texts[i] = slurp_path(files[i]);
    assert_non_null(texts[i]);
    lens[i] = strlen(texts[i]);
  }
  cs_import_report mem, disk;
  cs_error err;
  if (cs_ssb_check_texts(files, (const char *const *)texts, lens, N, &mem, &err)) fail_msg("%s", err.msg);
  char *before = snapshot();
  assert_string_equal(before, "");
  disk = import(files, N);
  assert_int_equal(mem.files, disk.files);
  assert_int_equal(mem.municipalities_added, disk.municipalities_added);
  assert_int_equal(mem.population_added, disk.population_added);
  assert_int_equal(mem.changes_added, disk.changes_added);
  free(before);

  /* lens, not the NUL, ends a text: "2023,03O1,5" cut after "2023,1833,26000\n" is good */
  char *bad = slurp_path(FX("bad_code.csv"));
  assert_non_null(bad);
  const char *name[] = {"bad_code.csv"};
  size_t len = strlen(bad);
  assert_int_equal(cs_ssb_check_texts(name, (const char *const *)&bad, &len, 1, NULL, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "bad_code.csv:3:"));
  assert_non_null(strstr(err.msg, "\"03O1\""));
  len = (size_t)(strstr(bad, "2023,03O1") - bad);
  if (cs_ssb_check_texts(name, (const char *const *)&bad, &len, 1, &mem, &err)) fail_msg("%s", err.msg);
  assert_int_equal(mem.population_added, 1);
  free(bad);

  /* a NUL inside the text is refused as in a file */
  static const char nul_text[] = "year,code,population\n2023,1833,\0" "5\n";
  const char *nul = nul_text;
  len = sizeof nul_text - 1;
  assert_int_equal(cs_ssb_check_texts(name, &nul, &len, 1, NULL, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "NUL"));
  /* a population table with a header and no rows (found by fuzz_ssb: the
  ** empty row array was NULL plus an offset) */
  const char *header_only = "year,code,population\n";
  len = strlen(header_only);
  if (cs_ssb_check_texts(name, &header_only, &len, 1, &mem, &err)) fail_msg("%s", err.msg);
  assert_int_equal(mem.population_added, 0);
  for (int i = 0; i < N; i++) free(texts[i]);
}

/* Every figure and every sum over ages is checked against the stated limit
** (CS_POPULATION_MAX), overflow-checked, with file, line and value: a forged
** export once made Rana 2 999 999 997. */
static void forged_populations(void **state) {
  (void)state;
  static const struct {
    const char *text, *want;
  } cases[] = {
      {"region,age,Persons 2024\n1833 Rana,0,999999999\n1833 Rana,1,999999999\n1833 Rana,2,999999999\n",
       "forged.csv:2: invalid population \"999999999\" for 1833 in 2024 (expected a whole number 0..10000000)"},
      {"region,age,Persons 2024\n1833 Rana,0,9000000\n1833 Rana,1,9000000\n",
       "forged.csv:3: the population of 1833 in 2024 summed over ages passes 10000000 (9000000 + 9000000)"},
      {"region,age,Persons 2024\n1833 Rana,0,9223372036854775807\n1833 Rana,1,1\n",
       "forged.csv:2: invalid population \"9223372036854775807\""},
      {"year,code,population\n2023,1833,10000001\n", "forged.csv:2: invalid population \"10000001\""},
      {"region,age,Persons 2024\n1833 Rana,0,5000000\n1833 Rana,1,5000000\n", NULL},
  };
  const char *name[] = {"forged.csv"};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    size_t len = strlen(cases[i].text);
    cs_error err = {0, ""};
    cs_import_report rep;
    int rc = cs_ssb_check_texts(name, &cases[i].text, &len, 1, &rep, &err);
    if (!cases[i].want) {
      if (rc) fail_msg("case %zu: %s", i, err.msg);
      assert_int_equal(rep.population_added, 1);
      continue;
    }
    assert_int_equal(rc, CS_EINVAL);
    if (!strstr(err.msg, cases[i].want)) fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err.msg, cases[i].want);
  }
}

static void report_text(void **state) {
  (void)state;
  cs_import_report r = {3, 4, 1, 10, 2, 1};
  char buf[512] = "";
  FILE *f = fmemopen(buf, sizeof buf, "w");
  assert_non_null(f);
  cs_import_report_print(&r, f);
  fclose(f);
  assert_non_null(strstr(buf, "3 files"));
  assert_non_null(strstr(buf, "municipalities 4 periods added, 1 changed"));
  assert_non_null(strstr(buf, "population 10 rows added, 2 changed"));
  assert_non_null(strstr(buf, "changes 1 added"));
}

/* What the importer writes opens as a registry. */
static void opens_as_registry(void **state) {
  (void)state;
  const char *files[] = {FX("klass_2023.json"), FX("klass_2024.json"), FX("changes.json"),
                         FX("statbank_latin1_tab.csv")};
  import(files, 4);
  cs_registry *reg;
  cs_error err;
  if (cs_registry_open_dir(&reg, dir, &err)) fail_msg("%s", err.msg);
  const cs_municipality *m;
  cs_date d = {2024, 6, 1};
  assert_int_equal(cs_registry_find(reg, "Raane", d, &m, NULL), 0);
  assert_string_equal(m->code, "1833");
  int64_t p;
  assert_int_equal(cs_registry_population(reg, "1833", 2023, &p, NULL), 0);
  assert_int_equal(p, 310);
  cs_registry_free(reg);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(code_lists_and_changes, make_dir, remove_dir),
      cmocka_unit_test_setup_teardown(periods_recomputed_from_data_dir, make_dir, remove_dir),
      cmocka_unit_test_setup_teardown(statbank_formats, make_dir, remove_dir),
      cmocka_unit_test_setup_teardown(statbank_zero_totals, make_dir, remove_dir),
      cmocka_unit_test_setup_teardown(split_fractions, make_dir, remove_dir),
      cmocka_unit_test_setup_teardown(bad_input_changes_nothing, make_dir, remove_dir),
      cmocka_unit_test_setup_teardown(creates_data_dir, make_dir, remove_dir),
      cmocka_unit_test_setup_teardown(bad_existing_registry, make_dir, remove_dir),
      cmocka_unit_test(report_text),
      cmocka_unit_test(forged_populations),
      cmocka_unit_test_setup_teardown(check_texts_in_memory, make_dir, remove_dir),
      cmocka_unit_test_setup_teardown(opens_as_registry, make_dir, remove_dir),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
