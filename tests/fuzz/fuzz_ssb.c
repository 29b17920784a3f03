/*
** Fuzz harness: the SSB importer's parsing and checks (ssb_import.c) through
** cs_ssb_check_texts, which writes no file. The input is up to MAX_TEXTS
** texts separated by the line "@@@" (so one input can hold a code list, a
** change table and a population export, and reach the merge and the split
** proxies); each may be KLASS JSON, a StatBank export in any encoding and
** separator, or coopsim's population CSV.
*/
#include <string.h>
#include "coopsim/ssb_import.h"
#include "fuzz.h"

#define MAX_TEXTS 6
#define SEPARATOR "\n@@@\n"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The first separator in p[0..n), or NULL. */
static const char *find_separator(const char *p, size_t n) {
  const size_t len = strlen(SEPARATOR);
  for (size_t i = 0; i + len <= n; i++)
    if (memcmp(p + i, SEPARATOR, len) == 0) return p + i;
  return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const char *const names[MAX_TEXTS] = {"in1", "in2", "in3", "in4", "in5", "in6"};
  const char *texts[MAX_TEXTS];
  size_t lens[MAX_TEXTS];
  int n = 0;
  const char *p = (const char *)data, *end = p + size;
  const size_t seplen = strlen(SEPARATOR);
  while (n < MAX_TEXTS) {
    const char *sep = n + 1 < MAX_TEXTS ? find_separator(p, (size_t)(end - p)) : NULL;
    texts[n] = p;
    lens[n] = sep ? (size_t)(sep - p) : (size_t)(end - p);
    n++;
    if (!sep) break;
    p = sep + seplen;
  }
  cs_import_report rep;
  cs_error err = {0, ""};
  int rc = cs_ssb_check_texts(names, texts, lens, n, &rep, &err);
  if (rc == 0) {
    CHECK(rep.files == n, "report counts %d files of %d", rep.files, n);
    CHECK(rep.municipalities_added >= 0 && rep.population_added >= 0 && rep.changes_added >= 0,
          "negative counts in the report");
  } else {
    CHECK(rc < 0, "error code %d is not negative", rc);
    CHECK(err.msg[0] != '\0', "error %d without a message", rc);
  }
  return 0;
}
