/*
** rundb_testdoc.h: documents and files for the run-store tests (test_rundb*.c).
** Included by each test file; everything is static.
*/
#ifndef COOPSIM_RUNDB_TESTDOC_H
#define COOPSIM_RUNDB_TESTDOC_H
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "coopsim/doc.h"
#include "coopsim/rundb.h"

/* cents as an amount with two decimals ("-16.90") in buf, which it returns. */
static const char *testdoc_cents(char *buf, long long cents) {
  long long a = cents < 0 ? -cents : cents;
  snprintf(buf, 32, "%s%lld.%02lld", cents < 0 ? "-" : "", a / 100, a % 100);
  return buf;
}

/* JSON of a document: `nruns` runs of years 2023..2022+nyears, `members`
** members each; names may carry any text (it is JSON-escaped by the caller:
** pass plain ASCII without quotes or backslashes, or pre-escaped text). The
** first member of each year has every optional field, the others none. Its
** figures keep the relations cs_doc_check asks of a simulated run (each
** total its exact share rounded, the parts adding up to it, sum_shares the
** year's totals, the balance sum_shares less the net). */
static char *testdoc_json(int nruns, int nyears, int members, const char *name) {
  /* about 700 bytes a member-year, 1 200 a year entry (its key, lines and events) */
  size_t cap = 4096 + (size_t)nruns * nyears * ((size_t)members * 700 + 1200), n = 0;
  char *b = malloc(cap);
  if (!b) return NULL;
  char cents[32];
#define OUT(...) n += (size_t)snprintf(b + n, cap - n, __VA_ARGS__)
  OUT("{\"coopsim\": \"0.1.0\", \"scenario_file\": \"test.lua\", \"runs\": [");
  for (int r = 0; r < nruns; r++) {
    OUT("%s{\"scenario\": \"%s %d\", \"from\": 2023, \"to\": %d, \"options\": \"rounding=x\", \"rows\": [",
        r ? "," : "", name, r, 2022 + nyears);
    for (int y = 0; y < nyears; y++)
      for (int m = 0; m < members; m++) {
        int first = m == 0;
        OUT("%s{\"year\": %d, \"code\": \"%04d\", \"name\": \"%s member %d\", \"cooperation\": \"%s coop\","
            " \"population\": %d, \"months\": 12, \"charged_months\": %d, \"host\": %s,"
            " \"total\": %d, \"exact\": \"%s\"",
            (y || m) ? "," : "", 2023 + y, 1800 + m, name, m, name, first ? -1 : 1000 + 37 * m,
            first ? 7 : 12, first ? "true" : "false", 1000 * m - 17 * r - y,
            testdoc_cents(cents, (1000 * m - 17 * r - y) * 100 + 10));
        if (first) {
          int total = 1000 * m - 17 * r - y;
          OUT(", \"given\": \"%s\", \"merged\": \"1801+1802\", \"population_date\": \"2022-01-01\","
              " \"population_source\": \"ssb\", \"payee\": \"%s payee\", \"due\": \"2024-02-29\"",
              name, name);
          /* a share by service and the money cycle: share + settlement, in two instalments */
          OUT(", \"services\": [{\"name\": \"%s service\", \"kroner\": %d}], \"settlement\": 5,"
              " \"invoice\": %d, \"difference\": -2, \"invoices\": [{\"due\": \"%d-01-31\", \"amount\": %d,"
              " \"lines\": [{\"kind\": \"share\", \"service\": \"%s service\", \"instalment\": 1, \"amount\": %d},"
              " {\"kind\": \"settlement\", \"settles\": %d, \"amount\": 5}]}, {\"due\": \"%d-07-31\", \"amount\": 0,"
              " \"lines\": [{\"kind\": \"share\", \"instalment\": 2, \"amount\": 0}]}]",
              name, total, total + 5, 2023 + y, total + 5, name, total, 2022 + y, 2023 + y);
        }
        /* the parts -m.25 and P.35 add up to the exact share, total + 0.10 */
        int pop_part = 1000 * m - 17 * r - y + m;
        OUT(", \"parts\": [{\"name\": \"equal\", \"rounded\": %d, \"exact\": \"-%d.25\"%s},"
            " {\"name\": \"population\", \"rounded\": %d, \"exact\": \"%s\"}]}",
            -m, m, first ? ", \"explain\": \"20 % of 1 000.00\"" : "", pop_part,
            testdoc_cents(cents, (long long)pop_part * 100 + 35));
      }
    OUT("], \"years\": [");
    for (int y = 0; y < nyears; y++) {
      /* the totals' sum (members 0..members-1 above); the balance is it less the net */
      int sum_shares = 1000 * members * (members - 1) / 2 - members * (17 * r + y);
      char balance[32];
      testdoc_cents(balance, ((long long)sum_shares - 740539) * 100);
      OUT("%s{\"year\": %d, \"cooperation\": \"%s coop\", \"members\": %d, \"cost\": \"1244539.00\","
          " \"grants\": \"504000.00\", \"net\": \"740539.00\", \"balance\": \"%s\", \"sum_shares\": %d,"
          " \"key\": \"20 %% equal\", \"agreement_months\": 12, \"covers\": true, \"past_end\": %s,"
          " \"lines\": [{\"name\": \"L\\u00f8nn\", \"amount\": \"900000.00\"}, {\"name\": \"Drift\","
          " \"amount\": \"100000.00\"}], \"grant_list\": [{\"name\": \"%s grant\", \"amount\": \"504000.00\"}]",
          y ? "," : "", 2023 + y, name, members, balance, sum_shares, y ? "true" : "false", name);
      if (y == 0) {
        OUT(", \"key_label\": \"%s\", \"key_nb\": \"likt\", \"key_source\": \"sak 63/2022\", \"key_assumption\": \"30/70\"", name);
        OUT(", \"events\": [{\"kind\": \"notice\", \"code\": \"1801\", \"name\": \"%s member 1\","
            " \"date\": \"2023-01-15\", \"until\": \"2023-12-31\"}, {\"kind\": \"merged\", \"code\": \"1802\","
            " \"name\": \"%s member 2\", \"date\": \"2023-01-01\", \"other_code\": \"1800\"}]"
            ", \"actual_cost\": \"1300000.00\", \"actual_grants\": \"504000.00\", \"actual_net\": \"796000.00\"",
            name, name);
      }
      OUT("}");
    }
    OUT("]}");
  }
  OUT("]}");
#undef OUT
  return b;
}

/* The document of testdoc_json; aborts the test on a parse error. */
static cs_doc *testdoc(int nruns, int nyears, int members, const char *name) {
  char *json = testdoc_json(nruns, nyears, members, name);
  cs_doc *doc = NULL;
  cs_error err = {0, ""};
  if (!json || cs_doc_from_json(json, strlen(json), "test", &doc, &err)) {
    fprintf(stderr, "test document: %s\n", err.msg);
    abort();
  }
  free(json);
  return doc;
}

/* 1 when a and b have the same JSON text. */
static int docs_equal(const cs_doc *a, const cs_doc *b) {
  char *ja = cs_doc_to_json(a), *jb = cs_doc_to_json(b);
  int same = ja && jb && strcmp(ja, jb) == 0;
  free(ja);
  free(jb);
  return same;
}

/* 1 when stored run id loads (cs_rundb_load, every check of a reader) and
** is want exactly; else 0, and why on stderr. */
static int loads_back(cs_rundb *db, int64_t id, const cs_doc *want) {
  cs_doc *back = NULL;
  cs_error err = {0, ""};
  if (cs_rundb_load(db, id, &back, NULL, &err) != 0) {
    fprintf(stderr, "stored run %lld: %s\n", (long long)id, err.msg);
    return 0;
  }
  int same = docs_equal(want, back);
  if (!same) fprintf(stderr, "stored run %lld is not the document saved\n", (long long)id);
  cs_doc_free(back);
  return same;
}

/* A fresh private folder under base, or TMPDIR, or /tmp; the path is static. */
static const char *testdir_make_in(const char *base) {
  static char dir[512];
  const char *tmp = base ? base : getenv("TMPDIR");
  snprintf(dir, sizeof dir, "%s/coopsim-rundb-XXXXXX", tmp && *tmp ? tmp : "/tmp");
  return mkdtemp(dir);
}

static const char *testdir_make(void) { return testdir_make_in(NULL); }

/* Removes dir and everything below it (links are removed, not followed). */
static void testdir_remove(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return;
  struct dirent *e;
  char path[1024];
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) testdir_remove(path);
    else unlink(path);
  }
  closedir(d);
  rmdir(dir);
}

static const cs_rundb_meta testmeta = {"test registry", NULL, "print('hi')\n", 12, "--test"};

#endif
