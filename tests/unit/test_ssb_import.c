/* Unit tests: the SSB importer (ssb_import.c) on small fixtures in each of
** SSB's real formats, and on bad input that must change nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "coopsim/registry.h"
#include "coopsim/ssb_import.h"

#define FX(name) CS_FIXTURES "/ssb/" name

static char dir[64];

static int make_dir(void **state) {
  (void)state;
  snprintf(dir, sizeof dir, "/tmp/coopsim-import-XXXXXX");
  return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state) {
  (void)state;
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
  return system(cmd) == 0 ? 0 : -1;
}

static char *slurp(const char *name) {
  char path[256];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  static char buf[1 << 16];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  char *copy = malloc(n + 1);
  memcpy(copy, buf, n + 1);
  return copy;
}

static void import(const char *const *files, int n) {
  cs_import_report r;
  cs_error err;
  if (cs_ssb_import(dir, files, n, &r, &err)) fail_msg("%s", err.msg);
  assert_int_equal(r.files, n);
}

static void code_lists_and_changes(void **state) {
  (void)state;
  const char *files[] = {FX("klass_2023.json"), FX("klass_2024.json"), FX("changes.json")};
  import(files, 3);
  char *m = slurp("municipalities.csv");
  assert_string_equal(m, "code,name,valid_from,valid_to\n"
                         "1580,Haram,2024-01-01,\n"
                         "1824,Vefsn,2023-01-01,\n"
                         "1833,Rana,2023-01-01,2024-01-01\n"
                         "1833,Rana - Raane,2024-01-01,\n");
  free(m);
  char *c = slurp("changes.csv");
  assert_string_equal(c, "date,old_code,old_name,new_code,new_name\n"
                         "2024-01-01,1833,Rana,1833,Rana - Raane\n");
  free(c);
  /* importing the same files again changes nothing */
  cs_import_report r;
  assert_int_equal(cs_ssb_import(dir, files, 3, &r, NULL), 0);
  assert_int_equal(r.municipalities_added + r.municipalities_changed, 0);
  assert_int_equal(r.changes_added, 0);
}

static void statbank_formats(void **state) {
  (void)state;
  const char *files[] = {FX("statbank_latin1_tab.csv"), FX("statbank_utf8_comma.csv"),
                         FX("statbank_semicolon_crlf.csv")};
  import(files, 3);
  char *p = slurp("population.csv");
  /* summed over age; zero totals dropped; pseudo-regions skipped */
  assert_string_equal(p, "year,code,population\n"
                         "2022,1824,300\n"
                         "2022,1833,301\n"
                         "2023,1824,320\n"
                         "2023,1833,310\n"
                         "2024,1824,340\n"
                         "2024,1833,320\n"
                         "2025,1824,130\n"
                         "2025,1833,330\n");
  free(p);
  /* a newer export replaces a year's figures */
  const char *own[] = {FX("bad_code.csv")};
  cs_error err;
  assert_int_equal(cs_ssb_import(dir, own, 1, NULL, &err), CS_EINVAL);
}

static void bad_input_changes_nothing(void **state) {
  (void)state;
  const char *good[] = {FX("klass_2023.json"), FX("statbank_utf8_comma.csv")};
  import(good, 2);
  char *m0 = slurp("municipalities.csv"), *p0 = slurp("population.csv");
  static const struct {
    const char *file, *text;
  } bad[] = {{FX("bad_code.csv"), "03O1"},
             {FX("bad_negative.csv"), "-5"},
             {FX("bad_date.json"), "2023-02-30"},
             {FX("unknown.txt"), "unknown.txt"},
             {"/nonexistent/file.csv", "file.csv"}};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    /* a good file first: it must not be written either */
    const char *files[] = {FX("klass_2024.json"), bad[i].file};
    cs_error err;
    assert_int_not_equal(cs_ssb_import(dir, files, 2, NULL, &err), 0);
    assert_non_null(strstr(err.msg, bad[i].text));
    char *m = slurp("municipalities.csv"), *p = slurp("population.csv");
    assert_string_equal(m, m0);
    assert_string_equal(p, p0);
    free(m);
    free(p);
  }
  /* the line is named for CSV errors */
  const char *files[] = {FX("bad_code.csv")};
  cs_error err;
  cs_ssb_import(dir, files, 1, NULL, &err);
  assert_non_null(strstr(err.msg, "bad_code.csv:3"));
  free(m0);
  free(p0);
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
      cmocka_unit_test_setup_teardown(statbank_formats, make_dir, remove_dir),
      cmocka_unit_test_setup_teardown(bad_input_changes_nothing, make_dir, remove_dir),
      cmocka_unit_test_setup_teardown(opens_as_registry, make_dir, remove_dir),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
