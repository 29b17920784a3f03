/*
** Fuzz harness: the registry's CSV loader (cs_registry_open_texts) and the
** queries over what it loaded. The input is the registry's seven texts
** separated by NUL bytes, in the order of cs_registry_file_name(0..6):
** municipalities, counties, population, changes, split_fractions, sources,
** territories.
** A required text the input lacks is given as its header alone, so short
** inputs still reach the later tables.
*/
#include <string.h>
#include "coopsim/registry.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* How many municipality periods the queries visit: the loader is the target,
** the queries only check that what it accepted can be used. */
#define MAX_QUERIED 16

static void query(const cs_registry *reg) {
  const cs_municipality *all;
  size_t n = cs_registry_all(reg, &all);
  int first, last;
  cs_registry_population_years(reg, &first, &last);
  const cs_change *ch;
  size_t nch = cs_registry_changes(reg, &ch);
  for (size_t i = 1; i < nch; i++)
    CHECK(cs_date_cmp(ch[i - 1].date, ch[i].date) <= 0, "changes not sorted by date");
  CHECK(cs_registry_sources(reg) != NULL, "no sources text");
  for (size_t i = 0; i < n && i < MAX_QUERIED; i++) {
    const cs_municipality *m = &all[i], *got;
    cs_error err;
    CHECK(cs_date_cmp(m->valid_from, m->valid_to) < 0, "period of %s ends before it starts", m->code);
    int rc = cs_registry_by_code(reg, m->code, m->valid_from, &got, &err);
    CHECK(rc == 0, "%s not found on its first day: %s", m->code, err.msg);
    CHECK(strcmp(got->code, m->code) == 0, "asked for %s, got %s", m->code, got->code);
    (void)cs_registry_find(reg, m->name, m->valid_from, &got, &err);
    (void)cs_registry_find(reg, m->code, m->valid_to, &got, &err);
    const cs_municipality *periods;
    CHECK(cs_registry_periods(reg, m->code, &periods) >= 1, "%s has no periods", m->code);
    (void)cs_registry_count_at(reg, m->valid_from);
    char succ[5];
    cs_date later = {2100, 1, 1};
    (void)cs_registry_successor(reg, m->code, m->valid_from, later, succ, &err);
    if (first <= last) {
      int years[3] = {first, last, m->valid_from.year};
      for (int k = 0; k < 3; k++) {
        int64_t pop;
        cs_pop_origin origin;
        char words[64];
        (void)cs_registry_population(reg, m->code, years[k], &pop, &err);
        (void)cs_registry_population_of(reg, m->code, m->valid_from, years[k], &pop, &origin, &err);
        (void)cs_registry_population_frozen(reg, m->code, m->valid_from, years[k], &pop, &origin, &err);
        (void)cs_registry_population_detail(reg, m->code, m->valid_from, years[k], words,
                                            sizeof words, &err);
      }
    }
  }
  /* a name not in the registry goes through the suggestions */
  const cs_municipality *got;
  cs_date today = {2024, 6, 1};
  (void)cs_registry_find(reg, "Rnaa", today, &got, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const char *const headers[CS_REGISTRY_FILES] = {
      "code,name,valid_from,valid_to\n", NULL, "year,code,population\n",
      "date,old_code,old_name,new_code,new_name\n", NULL, NULL, NULL};
  char *copy = fuzz_text(data, size);
  const char *texts[CS_REGISTRY_FILES] = {0};
  const char *p = copy, *end = copy + size;
  for (int i = 0; i < CS_REGISTRY_FILES && p <= end; i++) {
    texts[i] = p;
    p += strlen(p) + 1;
  }
  for (int i = 0; i < CS_REGISTRY_FILES; i++)
    if (!texts[i]) texts[i] = headers[i];
  cs_registry *reg = NULL;
  cs_error err = {0, ""};
  int rc = cs_registry_open_texts(&reg, texts, CS_REGISTRY_FILES, &err);
  if (rc == 0) {
    CHECK(reg != NULL, "success without a registry");
    query(reg);
    cs_registry_free(reg);
  } else {
    CHECK(reg == NULL, "a registry despite error %d", rc);
    CHECK(rc < 0 && err.msg[0], "error %d without a message", rc);
  }
  free(copy);
  return 0;
}
