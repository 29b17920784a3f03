/* Unit tests: explain in bokmål (cs_explain_row_text_lang,
** cs_explain_absent_text_lang) against figures worked out here with exact
** fractions, never taken from coopsim; and English unchanged.
**
** The cooperation "Oppgjør": 1812 Sømna, 1813 Brønnøy (the host) and 1815
** Vega from 2023; cost "Drift" 1 000 000 a year, a grant "Tilskudd" of
** 100 000 (net cost 900 000); the key 20 % equal + 80 % by population;
** due 31 January. Vega gives notice on 15 December 2022 (12 months from 1
** January 2023): 2023 is its last year. The accounts of 2023: cost
** 1 050 000.25, grants 80 000 (actual net cost 970 000.25).
**
** Populations (SSB, table 07459) on 1 January 2022 (budget year 2023):
** Sømna 1 981, Brønnøy 7 777, Vega 1 175 (sum 10 933); on 1 January 2023
** (budget year 2024): Sømna 1 970, Brønnøy 7 787 (sum 9 757). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "coopsim/explain.h"
#include "coopsim/simulate.h"

static cs_registry *reg;
static cs_coop *coop;
static cs_result *res;

static cs_q Q(const char *s) {
  cs_q q;
  assert_int_equal(cs_q_from_decimal(&q, s), 0);
  return q;
}

static cs_date D(const char *s) {
  cs_date d;
  assert_int_equal(cs_date_parse(&d, s, NULL), 0);
  return d;
}

static int setup(void **state) {
  (void)state;
  cs_error err;
  if (cs_registry_open_dir(&reg, CS_SOURCE_DIR "/data", &err)) {
    print_error("%s\n", err.msg);
    return -1;
  }
  static const char *const members[] = {"1812", "1813", "1815"};
  coop = cs_coop_new("Oppgjør");
  if (cs_coop_set_period(coop, D("2023-01-01"), 0, D("2023-01-01"), &err)) goto fail;
  for (size_t i = 0; i < 3; i++)
    if (cs_coop_add_member(coop, members[i], D("2023-01-01"), 0, members[i], &err)) goto fail;
  if (cs_coop_set_host(coop, "1813", D("2023-01-01"), &err)) goto fail;
  cs_q cost = Q("1000000"), grant = Q("100000");
  if (cs_coop_add_cost(coop, "Drift", &cost, CS_GROWTH_NONE, &err)) goto fail;
  if (cs_coop_add_grant(coop, "Tilskudd", &grant, 2023, 2024, NULL, NULL, 0, &err)) goto fail;
  cs_key *k = cs_key_new();
  cs_q equal = Q("0.2"), population = Q("0.8");
  if (cs_key_add_pool(k, CS_POOL_EQUAL, &equal, NULL, NULL, 0, NULL, NULL, &err) ||
      cs_key_add_pool(k, CS_POOL_POPULATION, &population, NULL, NULL, 0, NULL, NULL, &err) ||
      cs_coop_set_key(coop, k, 0, &err))
    goto fail;
  cs_notice rule = {12, CS_NOTICE_NEXT_JAN1};
  if (cs_coop_set_notice(coop, &rule, &err) || cs_coop_withdraw(coop, "1815", D("2022-12-15"), &err)) goto fail;
  if (cs_coop_set_due(coop, 1, 31, &err)) goto fail;
  cs_q actual = Q("1050000.25"), actual_grants = Q("80000");
  if (cs_coop_set_accounts(coop, 2023, 0, &actual, &actual_grants, &err)) goto fail;
  if (cs_simulate(coop, reg, 2023, 2024, &res, &err)) goto fail;
  return 0;
fail:
  print_error("%s\n", err.msg);
  return -1;
}

static int teardown(void **state) {
  (void)state;
  cs_result_free(res);
  cs_coop_free(coop);
  cs_registry_free(reg);
  return 0;
}

static const cs_row *row_of(const char *code, int year) {
  const cs_row *row = cs_result_row(res, code, year);
  if (!row) fail_msg("no row of %s in %d", code, year);
  return row;
}

/* Vega 2023, the member with a notice. Budget net 900 000 (øre exact):
** equal 20 % / 3 = 60 000; by population 720 000 x 1 175 / 10 933 =
** 77 380.4079.. (77 380,41 to the øre); total 137 380.4079... The three
** totals 190 460.0750.., 572 159.5170.., 137 380.4079.. have floors summing
** to 899 999: the largest remainder (.517, Brønnøy) gets the krone, so Vega
** pays 137 380. Actual net 970 000.25: equal 194 000.05 / 3 =
** 64 666.6833..; by population 776 000.20 x 1 175 / 10 933 = 83 398.9056..;
** totals 205 273.689.., 616 660.971.., 148 065.588.. (floors 969 998, two
** kroner to the largest remainders: Brønnøy, Sømna): Vega 148 065, so its
** difference is 148 065 - 137 380 = +10 685. */
static void member_with_notice(void **state) {
  (void)state;
  char *t = cs_explain_row_text_lang(res, row_of("1815", 2023), CS_LANG_NB);
  assert_non_null(t);
  assert_string_equal(t,
                      "1815 Vega, budsjettår 2023, Oppgjør\n"
                      "  oppsagt 2022-12-15; oppsigelsestiden løper ut 2023-12-31: 2023 er siste år\n"
                      "  kostnad Drift                            1 000 000,00\n"
                      "  sum kostnad                              1 000 000,00\n"
                      "  - tilskudd Tilskudd                        100 000,00\n"
                      "  = nettokostnad = kostnad - tilskudd        900 000,00\n"
                      "  nøkkel: 20 % likt + 80 % etter innbyggertall\n"
                      "  innbyggere per 1. januar 2022: 1 175 (SSB)\n"
                      "  likt        20 % av 900 000,00 = 180 000,00, delt likt på 3 medlemmer = 60 000,00\n"
                      "  etter innbyggertall 80 % av 900 000,00 = 720 000,00 x 1 175 / 10 933 innbyggere = 77 380,41\n"
                      "  uavrundet sum 137 380,41 -> 137 380 kr (avrundet til hele kroner; største rest slik at "
                      "andelene summerer til 900 000)\n"
                      "  regnskap 2023: nettokostnad 970 000,25 mot budsjettets 900 000: andel etter regnskapet "
                      "148 065 kr, avvik +10 685 kr (avregnes på neste års faktura)\n"
                      "  faktura 2023-01-31 137 380 kr\n"
                      "  forfall 2023-01-31; fakturert av Brønnøy\n");
  free(t);
  /* the host: 60 000 + 720 000 x 7 777 / 10 933 = 572 159.5170.. -> 572 160
  ** (the largest remainder); actual 616 661, difference +44 501 */
  t = cs_explain_row_text_lang(res, row_of("1813", 2023), CS_LANG_NB);
  assert_non_null(t);
  if (!strstr(t, "  uavrundet sum 572 159,52 -> 572 160 kr") ||
      !strstr(t, "andel etter regnskapet 616 661 kr, avvik +44 501 kr") ||
      !strstr(t, "\n  forfall 2023-01-31; vertskommune: fakturerer ikke seg selv\n"))
    fail_msg("%s", t);
  free(t);
}

/* Sømna 2024: its share and the settlement of 2023 on one invoice. Budget
** 2024 (two members): 90 000 + 720 000 x 1 970 / 9 757 = 235 372.5530..;
** Brønnøy 664 627.4469..: floors 899 999, the krone to Sømna: 235 373.
** Its 2023 difference: actual 205 274 (205 273.689.. plus a krone of the
** largest remainder) - budget 190 460 = 14 814; invoice 250 187. */
static void settlement_line(void **state) {
  (void)state;
  char *t = cs_explain_row_text_lang(res, row_of("1812", 2024), CS_LANG_NB);
  assert_non_null(t);
  if (!strstr(t, "\n  etter innbyggertall 80 % av 900 000,00 = 720 000,00 x 1 970 / 9 757 innbyggere = 145 372,55\n") ||
      !strstr(t, "\n  uavrundet sum 235 372,55 -> 235 373 kr") ||
      !strstr(t, "\n  2024 faktura = andel 235 373 + avregning for 2023: 14 814 (regnskap 970 000,25, budsjett "
                 "900 000) = 250 187 kr\n  faktura 2024-01-31 250 187 kr\n  forfall 2024-01-31; fakturert av Brønnøy\n"))
    fail_msg("%s", t);
  free(t);
  /* Vega 2024: gone, invoiced only its 2023 difference, +10 685 */
  t = cs_explain_row_text_lang(res, row_of("1815", 2024), CS_LANG_NB);
  assert_non_null(t);
  assert_string_equal(t, "1815 Vega, budsjettår 2024, Oppgjør\n"
                         "  ikke medlem i 2024: ingen andel; faktureres bare avregningen for 2023\n"
                         "  2024 faktura = andel 0 + avregning for 2023: 10 685 (regnskap 970 000,25, budsjett "
                         "900 000) = 10 685 kr\n"
                         "  faktura 2024-01-31 10 685 kr\n"
                         "  fakturert av Brønnøy\n");
  free(t);
  t = cs_explain_absent_text_lang(res, "1815", 2024, CS_LANG_NB, NULL);
  assert_non_null(t);
  assert_string_equal(t, "1815 Vega er ikke medlem i 2024: uttrådt 2024-01-01 (oppsagt 2022-12-15; "
                         "oppsigelsestiden løp ut 2023-12-31)");
  free(t);
}

/* English: the _lang functions with CS_LANG_EN give the old texts byte for
** byte, and those keep their words and decimal points. */
static void english_unchanged(void **state) {
  (void)state;
  for (size_t i = 0; i < res->nrows; i++) {
    const cs_row *row = &res->rows[i];
    char *old = cs_explain_row_text(res, row), *en = cs_explain_row_text_lang(res, row, CS_LANG_EN);
    assert_non_null(old);
    assert_non_null(en);
    assert_string_equal(old, en);
    free(old);
    free(en);
  }
  char *t = cs_explain_row_text(res, row_of("1815", 2023));
  if (!strstr(t, "\n  notice given 2022-12-15; notice period ends 2023-12-31: 2023 is its last year\n") ||
      !strstr(t, "\n  = net cost = cost - grants              900 000.00\n") ||
      !strstr(t, "\n  population 1 175 on 1 January 2022 (SSB)\n") ||
      !strstr(t, "accounts 2023: actual net cost 970 000.25 against the budget's 900 000: actual share 148 065 kr, "
                 "difference +10 685 kr"))
    fail_msg("%s", t);
  free(t);
  int oom = 1;
  char *old = cs_explain_absent_text(res, "1815", 2024, &oom), *en = cs_explain_absent_text_lang(res, "1815", 2024, CS_LANG_EN, NULL);
  assert_int_equal(oom, 0);
  assert_string_equal(old, en);
  assert_string_equal(old, "1815 Vega is not a member in 2024: left on 2024-01-01 (notice given 2022-12-15; notice "
                           "period ended 2023-12-31)");
  free(old);
  free(en);
  /* nothing recorded: NULL, not out of memory */
  assert_null(cs_explain_absent_text_lang(res, "1820", 2024, CS_LANG_NB, &oom));
  assert_int_equal(oom, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(member_with_notice),
      cmocka_unit_test(settlement_line),
      cmocka_unit_test(english_unchanged),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
