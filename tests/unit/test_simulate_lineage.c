/* Unit tests: members through municipal reforms in a simulation (SPEC 7.1):
** code-kept mergers, member_part's proxy, splits of members and hosts, the
** year's events and their words. Expected figures are SSB's (table 07459,
** data/population.csv) combined by hand as exact integers here; the keys
** charge 1 kr per inhabitant so that a share is the population it used. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "coopsim/explain.h"
#include "coopsim/simulate.h"

static cs_registry *reg;

static int setup(void **state) {
  (void)state;
  cs_error err;
  if (cs_registry_open_dir(&reg, CS_SOURCE_DIR "/data", &err)) {
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

/* A cooperation from `from` of the members codes[0..n), 1 kr per inhabitant. */
static cs_coop *per_capita(const char *from, const char *const *codes, size_t n) {
  cs_coop *c = cs_coop_new("T");
  cs_error err;
  assert_int_equal(cs_coop_set_period(c, D(from), 0, D(from), &err), 0);
  for (size_t i = 0; i < n; i++)
    assert_int_equal(cs_coop_add_member(c, codes[i], D(from), 0, codes[i], &err), 0);
  cs_key *k = cs_key_new();
  cs_q one;
  cs_q_from_i64(&one, 1);
  assert_int_equal(cs_key_add_direct(k, CS_DIRECT_RATE, &one, NULL, NULL, 0, &err), 0);
  assert_int_equal(cs_coop_set_key(c, k, 0, &err), 0);
  return c;
}

static const cs_row *row(const cs_result *r, const char *code, int year) {
  const cs_row *x = cs_result_row(r, code, year);
  if (!x) fail_msg("no row for %s in %d", code, year);
  return x;
}

/* The events of year in r of kind for code, counted. */
static size_t events(const cs_result *r, int year, cs_event_kind kind, const char *code,
                     const cs_year_event **last) {
  const cs_year *y = cs_result_year(r, year);
  size_t n = 0;
  for (size_t i = 0; y && i < y->nevents; i++)
    if (y->events[i].kind == kind && strcmp(y->events[i].code, code) == 0) {
      n++;
      if (last) *last = &y->events[i];
    }
  return n;
}

/* 5001 Trondheim kept its code when 5030 Klæbu joined it in 2020: members
** Trondheim and Klæbu are one member from 2020, with both populations. */
static void code_kept_merger(void **state) {
  (void)state;
  const char *m[] = {"5001", "5030"};
  cs_coop *c = per_capita("2019-01-01", m, 2);
  cs_result *r;
  cs_error err;
  assert_int_equal(cs_simulate(c, reg, 2019, 2021, &r, &err), 0);
  assert_int_equal(row(r, "5001", 2019)->total, 193501);
  assert_int_equal(row(r, "5030", 2019)->total, 6094);
  const cs_row *t = row(r, "5001", 2020);
  assert_int_equal(t->total, 196159 + 6076);
  assert_int_equal(t->pop_source, CS_POP_PREDECESSORS);
  assert_string_equal(t->merged, "5001 + 5030");
  assert_null(cs_result_row(r, "5030", 2020));
  assert_int_equal(row(r, "5001", 2021)->total, 205163);
  assert_int_equal(row(r, "5001", 2021)->pop_source, CS_POP_REGISTRY);
  /* why Klæbu is no member from 2020 */
  const cs_year_event *e = NULL;
  assert_int_equal(events(r, 2020, CS_EVENT_MERGED, "5030", &e), 1);
  assert_string_equal(e->other_code, "5001");
  assert_string_equal(e->other_name, "Trondheim");
  assert_int_equal(cs_date_cmp(e->date, D("2020-01-01")), 0);
  assert_int_equal(events(r, 2020, CS_EVENT_MERGED, "5001", NULL), 0); /* it kept its code */
  assert_int_equal(events(r, 2021, CS_EVENT_MERGED, "5030", NULL), 0); /* once */
  char buf[300];
  assert_int_equal(cs_explain_absent(r, "5030", 2021, buf, sizeof buf), 1);
  assert_string_equal(buf, "5030 Klæbu is not a member in 2021: merged into 5001 Trondheim on 2020-01-01");
  char text[8192];
  cs_explain_row(r, t, text, sizeof text);
  assert_non_null(strstr(text, "5030 Klæbu merged into 5001 Trondheim on 2020-01-01"));
  assert_int_equal(cs_explain_absent(r, "1833", 2021, buf, sizeof buf), 0);
  assert_string_equal(buf, "");
  cs_result_free(r);
  cs_coop_free(c);
}

/* merger = "member_part" with Klæbu no member: before the merger Trondheim's
** own figure; after it its share of 1 January 2019 times the merged figure:
** 196 159 / 202 235 x 205 163 = 198 999.04 (SPEC 7.1). "error" stops. */
static void member_part_after_code_kept_merger(void **state) {
  (void)state;
  const char *m[] = {"5001", "5031"};
  cs_coop *c = per_capita("2019-01-01", m, 2);
  cs_coop_set_merger(c, CS_MERGER_MEMBER_PART);
  cs_result *r;
  cs_error err;
  assert_int_equal(cs_simulate(c, reg, 2019, 2022, &r, &err), 0);
  assert_int_equal(row(r, "5001", 2020)->total, 196159);
  assert_int_equal(row(r, "5001", 2020)->pop_source, CS_POP_PREDECESSORS);
  const cs_row *t = row(r, "5001", 2021);
  assert_int_equal(t->total, (196159LL * 205163 * 2 + 202235) / (2 * 202235));
  assert_int_equal(t->total, 198999);
  assert_int_equal(t->pop_source, CS_POP_PROXY);
  assert_non_null(strstr(t->merged, "with non-member 5030 Klæbu (member part counted)"));
  assert_int_equal(row(r, "5001", 2022)->total, (196159LL * 207595 * 2 + 202235) / (2 * 202235));
  assert_int_equal(row(r, "5031", 2021)->total, 14148); /* untouched */
  cs_result_free(r);
  /* whole: the merged municipality's whole population */
  cs_coop_set_merger(c, CS_MERGER_WHOLE);
  assert_int_equal(cs_simulate(c, reg, 2020, 2021, &r, &err), 0);
  assert_int_equal(row(r, "5001", 2020)->total, 196159 + 6076);
  assert_int_equal(row(r, "5001", 2021)->total, 205163);
  cs_result_free(r);
  cs_coop_set_merger(c, CS_MERGER_ERROR);
  assert_int_equal(cs_simulate(c, reg, 2019, 2020, &r, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "non-member 5030 Klæbu"));
  assert_non_null(strstr(err.msg, "since 2020-01-01"));
  cs_coop_free(c);
}

/* What a member is made of is never cut: five members into 1507 Ålesund
** (2020), each written with a long name. */
static void merged_text_grows(void **state) {
  (void)state;
  const char *codes[] = {"1504", "1523", "1529", "1534", "1546"};
  cs_coop *c = per_capita("2019-01-01", codes, 0);
  cs_error err;
  char given[5][64], want[400] = "";
  for (int i = 0; i < 5; i++) {
    snprintf(given[i], sizeof given[i], "%s, as the agreement of 2019 names it in full, page %d", codes[i], i);
    assert_int_equal(cs_coop_add_member(c, codes[i], D("2019-01-01"), 0, given[i], &err), 0);
    if (i) strcat(want, " + ");
    strcat(want, given[i]);
  }
  cs_result *r;
  assert_int_equal(cs_simulate(c, reg, 2020, 2020, &r, &err), 0);
  assert_true(strlen(want) > 250); /* more than the 160 bytes it was once cut at */
  assert_string_equal(row(r, "1507", 2020)->merged, want);
  assert_int_equal(row(r, "1507", 2020)->total, 47998 + 2250 + 4764 + 9383 + 1238);
  cs_result_free(r);
  cs_coop_free(c);
}

/* Members that merged first with each other (0702 Holmestrand + 0714 Hof ->
** 0715 Holmestrand, 2018), then with a non-member (0713 Sande -> 3802
** Holmestrand, 2020): the members' part is 0715's territory, read in the
** codes of the day before the second merger. */
static void member_part_after_two_mergers(void **state) {
  (void)state;
  const char *m[] = {"0702", "0714"};
  cs_coop *c = per_capita("2017-01-01", m, 2);
  cs_coop_set_merger(c, CS_MERGER_MEMBER_PART);
  cs_result *r;
  cs_error err;
  if (cs_simulate(c, reg, 2018, 2021, &r, &err)) fail_msg("%s", err.msg);
  assert_int_equal(row(r, "0715", 2018)->total, 10861 + 3176); /* 1 January 2017 */
  assert_int_equal(row(r, "3802", 2020)->total, 14371);        /* 0715 on 1 January 2019 */
  assert_int_equal(row(r, "3802", 2021)->total, (14371LL * 24699 * 2 + 24275) / (2 * 24275));
  assert_int_equal(14371 + 9904, 24275);
  assert_non_null(strstr(row(r, "3802", 2021)->merged, "non-member 0713 Sande"));
  cs_result_free(r);
  cs_coop_free(c);
}

/* 1507 Ålesund split in 2024 into 1508 Ålesund and 1580 Haram (Haram's
** territory of 2019): both are members from the split, each with its own
** population; on 1 January 2023 Haram's is the recorded fraction 0.137875
** of 1507's 67 520 rounded half up, Ålesund's the rest. */
static void split_successors(void **state) {
  (void)state;
  const char *m[] = {"1507", "1505"};
  cs_coop *c = per_capita("2020-01-01", m, 2);
  cs_result *r;
  cs_error err;
  assert_int_equal(cs_simulate(c, reg, 2021, 2025, &r, &err), 0);
  assert_int_equal(row(r, "1507", 2023)->total, 67114);
  int64_t haram = (137875LL * 67520 + 500000) / 1000000;
  assert_int_equal(haram, 9309);
  assert_int_equal(row(r, "1580", 2024)->total, haram);
  assert_int_equal(row(r, "1508", 2024)->total, 67520 - haram);
  assert_int_equal(row(r, "1580", 2024)->pop_source, CS_POP_PROXY);
  assert_int_equal(row(r, "1508", 2024)->pop_source, CS_POP_PROXY);
  assert_string_equal(row(r, "1580", 2024)->merged, "split from 1507 Ålesund on 2024-01-01");
  assert_int_equal(row(r, "1580", 2025)->total, 9357);
  assert_int_equal(row(r, "1508", 2025)->total, 58509);
  assert_int_equal(row(r, "1580", 2025)->pop_source, CS_POP_REGISTRY);
  assert_int_equal(cs_result_year(r, 2024)->nmembers, 3);
  const cs_year_event *e = NULL;
  assert_int_equal(events(r, 2024, CS_EVENT_SPLIT, "1580", &e), 1);
  assert_string_equal(e->other_code, "1507");
  assert_int_equal(events(r, 2024, CS_EVENT_SPLIT, "1508", NULL), 1);
  assert_int_equal(events(r, 2025, CS_EVENT_SPLIT, "1508", NULL), 0);
  char buf[300];
  assert_int_equal(cs_explain_absent(r, "1507", 2025, buf, sizeof buf), 1);
  assert_string_equal(buf, "1507 Ålesund is not a member in 2025: it was split on 2024-01-01 into "
                           "1508 Ålesund, 1580 Haram, members in its place");
  assert_non_null(strstr(r->options, "split=successors"));
  cs_result_free(r);
  /* split = "error": stop and ask, naming the parts */
  cs_coop_set_split(c, CS_SPLIT_ERROR);
  assert_int_equal(cs_simulate(c, reg, 2023, 2023, &r, &err), 0); /* not split yet */
  cs_result_free(r);
  assert_int_equal(cs_simulate(c, reg, 2023, 2024, &r, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "was split on 2024-01-01 into 1508 Ålesund, 1580 Haram"));
  assert_non_null(strstr(err.msg, "split = \"error\""));
  cs_coop_free(c);
}

/* A notice given by 1507 before the split binds both parts: notice on
** 2023-03-01, twelve months from the next 1 January: both pay 2024, both are
** gone in 2025, and the events say so. */
static void notice_binds_successors(void **state) {
  (void)state;
  const char *m[] = {"1507", "1505"};
  cs_coop *c = per_capita("2020-01-01", m, 2);
  cs_error err;
  assert_int_equal(cs_coop_withdraw(c, "1507", D("2023-03-01"), &err), 0);
  cs_result *r;
  assert_int_equal(cs_simulate(c, reg, 2023, 2026, &r, &err), 0);
  assert_non_null(cs_result_row(r, "1508", 2024));
  assert_non_null(cs_result_row(r, "1580", 2024));
  assert_null(cs_result_row(r, "1508", 2025));
  assert_null(cs_result_row(r, "1580", 2025));
  const cs_year_event *e = NULL;
  assert_int_equal(events(r, 2024, CS_EVENT_NOTICE, "1580", &e), 1);
  char text[300];
  assert_string_equal(cs_event_text(e, text, sizeof text),
                      "notice given 2023-03-01; notice period ends 2024-12-31");
  assert_int_equal(events(r, 2023, CS_EVENT_NOTICE, "1507", NULL), 0); /* not its last year */
  assert_int_equal(events(r, 2025, CS_EVENT_GONE, "1508", &e), 1);
  assert_string_equal(cs_event_text(e, text, sizeof text),
                      "left on 2025-01-01 (notice given 2023-03-01; notice period ended 2024-12-31)");
  assert_int_equal(events(r, 2026, CS_EVENT_GONE, "1508", NULL), 0); /* once */
  char buf[300];
  assert_int_equal(cs_explain_absent(r, "1580", 2026, buf, sizeof buf), 1);
  assert_string_equal(buf, "1580 Haram is not a member in 2026: left on 2025-01-01 (notice given "
                           "2023-03-01; notice period ended 2024-12-31)");
  char expl[8192];
  cs_explain_row(r, row(r, "1580", 2024), expl, sizeof expl);
  assert_non_null(strstr(expl, "notice given 2023-03-01; notice period ends 2024-12-31: 2024 is its last year"));
  cs_result_free(r);
  /* a run that starts after the member left still says why */
  assert_int_equal(cs_simulate(c, reg, 2026, 2026, &r, &err), 0);
  assert_int_equal(events(r, 2026, CS_EVENT_GONE, "1508", NULL), 1);
  cs_result_free(r);
  cs_coop_free(c);
}

/* After the split a part gives notice for itself: only it leaves. */
static void part_gives_notice(void **state) {
  (void)state;
  const char *m[] = {"1507", "1505"};
  cs_coop *c = per_capita("2020-01-01", m, 2);
  cs_error err;
  assert_int_equal(cs_coop_withdraw_part(c, "1507", "1580", D("2024-03-01"), &err), 0);
  assert_int_equal(cs_coop_withdraw_part(c, "1508", "1580", D("2024-03-01"), &err), CS_ENOTFOUND);
  cs_result *r;
  assert_int_equal(cs_simulate(c, reg, 2024, 2026, &r, &err), 0);
  assert_int_equal(row(r, "1580", 2025)->total, 9357);
  assert_null(cs_result_row(r, "1580", 2026));
  assert_int_equal(row(r, "1508", 2026)->total, 59198);
  const cs_year_event *e = NULL;
  assert_int_equal(events(r, 2025, CS_EVENT_NOTICE, "1580", &e), 1);
  assert_int_equal(cs_date_cmp(e->until, D("2025-12-31")), 0);
  assert_int_equal(events(r, 2025, CS_EVENT_NOTICE, "1508", NULL), 0);
  assert_int_equal(events(r, 2026, CS_EVENT_GONE, "1580", NULL), 1);
  cs_result_free(r);
  /* the member's own earlier notice wins for every part */
  assert_int_equal(cs_coop_withdraw(c, "1507", D("2023-06-01"), &err), 0);
  assert_int_equal(cs_simulate(c, reg, 2024, 2025, &r, &err), 0);
  assert_null(cs_result_row(r, "1580", 2025));
  assert_null(cs_result_row(r, "1508", 2025));
  cs_result_free(r);
  cs_coop_free(c);
}

/* A member that joins later: absent before, with the date it joins. */
static void joins_later(void **state) {
  (void)state;
  const char *m[] = {"1833"};
  cs_coop *c = per_capita("2023-01-01", m, 1);
  cs_error err;
  assert_int_equal(cs_coop_add_member(c, "1824", D("2025-01-01"), 1, "Vefsn", &err), 0);
  cs_result *r;
  assert_int_equal(cs_simulate(c, reg, 2023, 2025, &r, &err), 0);
  char buf[300], text[300];
  assert_int_equal(cs_explain_absent(r, "1824", 2024, buf, sizeof buf), 1);
  assert_string_equal(buf, "1824 Vefsn is not a member in 2024: it joins 2025-01-01");
  const cs_year_event *e = NULL;
  assert_int_equal(events(r, 2025, CS_EVENT_JOINS, "1824", &e), 1);
  assert_string_equal(cs_event_text(e, text, sizeof text), "joins 2025-01-01");
  cs_result_free(r);
  cs_coop_free(c);
}

/* The host follows like a member; split, it is the part that keeps its
** name (1508 Ålesund); when no part does (5012 Snillfjord 2020), the run
** stops naming the parts. */
static void host_split(void **state) {
  (void)state;
  const char *m[] = {"1507", "1505"};
  cs_coop *c = per_capita("2020-01-01", m, 2);
  cs_error err;
  assert_int_equal(cs_coop_set_host(c, "1507", D("2020-01-01"), &err), 0);
  cs_result *r;
  assert_int_equal(cs_simulate(c, reg, 2023, 2024, &r, &err), 0);
  assert_true(row(r, "1507", 2023)->is_host);
  assert_true(row(r, "1508", 2024)->is_host);
  assert_false(row(r, "1580", 2024)->is_host);
  assert_string_equal(row(r, "1580", 2024)->payee, "Ålesund");
  cs_result_free(r);
  cs_coop_free(c);
  const char *s[] = {"5012", "5014"}; /* Snillfjord, Frøya */
  c = per_capita("2019-01-01", s, 2);
  assert_int_equal(cs_coop_set_host(c, "5012", D("2019-01-01"), &err), 0);
  assert_int_equal(cs_simulate(c, reg, 2019, 2020, &r, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "the host 5012 Snillfjord was split on 2020-01-01 into"));
  assert_non_null(strstr(err.msg, "5055 Heim"));
  cs_coop_free(c);
}

/* A value keyed by a member that is split (a fixed amount) reaches none of
** its parts: an error naming them. */
static void keyed_value_of_split_member(void **state) {
  (void)state;
  cs_coop *c = cs_coop_new("Fixed");
  cs_error err;
  assert_int_equal(cs_coop_set_period(c, D("2020-01-01"), 0, D("2020-01-01"), &err), 0);
  assert_int_equal(cs_coop_add_member(c, "1507", D("2020-01-01"), 0, "Ålesund", &err), 0);
  assert_int_equal(cs_coop_add_member(c, "1505", D("2020-01-01"), 0, "Kristiansund", &err), 0);
  cs_key *k = cs_key_new();
  const char *codes[] = {"1507", "1505"};
  cs_q amounts[2], zero;
  cs_q_from_i64(&amounts[0], 1000);
  cs_q_from_i64(&amounts[1], 2000);
  cs_q_zero(&zero);
  assert_int_equal(cs_key_add_direct(k, CS_DIRECT_FIXED, &zero, codes, amounts, 2, &err), 0);
  assert_int_equal(cs_coop_set_key(c, k, 0, &err), 0);
  cs_result *r;
  assert_int_equal(cs_simulate(c, reg, 2023, 2023, &r, &err), 0);
  assert_int_equal(row(r, "1507", 2023)->total, 1000);
  cs_result_free(r);
  assert_int_equal(cs_simulate(c, reg, 2024, 2024, &r, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "member 1507 was split on 2024-01-01 into 1508 Ålesund, 1580 Haram"));
  assert_non_null(strstr(err.msg, "a value keyed by 1507 does not carry over"));
  cs_coop_free(c);
}

/* Without period or base year the cooperation resolves at 1 January of the
** run's first year: 3005 Drammen (valid 2020-2023) in a 2021 run, followed
** to 3301 in 2024, host too. */
static void resolution_date(void **state) {
  (void)state;
  cs_coop *c = cs_coop_new("Drammen");
  cs_error err;
  assert_int_equal(cs_coop_add_member(c, "3005", D("2021-01-01"), 0, "Drammen", &err), 0);
  assert_int_equal(cs_coop_add_member(c, "3025", D("2021-01-01"), 0, "Asker", &err), 0);
  assert_int_equal(cs_coop_set_host(c, "3005", D("2021-01-01"), &err), 0);
  cs_key *k = cs_key_new();
  cs_q one;
  cs_q_from_i64(&one, 1);
  assert_int_equal(cs_key_add_pool(k, CS_POOL_EQUAL, &one, NULL, NULL, 0, NULL, NULL, &err), 0);
  assert_int_equal(cs_coop_set_key(c, k, 0, &err), 0);
  cs_result *r;
  assert_int_equal(cs_simulate(c, reg, 2021, 2024, &r, &err), 0);
  assert_true(row(r, "3005", 2021)->is_host);
  assert_true(row(r, "3301", 2024)->is_host);
  assert_int_equal(events(r, 2024, CS_EVENT_MERGED, "3005", NULL), 0); /* a renumbering */
  cs_result_free(r);
  cs_coop_free(c);
}

/* no_reform with the structure of 2019-12-31: 5001 Trondheim and 5030 Klæbu
** stay two members, each its share of 1 January 2019 times 5001's figure. */
static void no_reform_code_kept(void **state) {
  (void)state;
  const char *m[] = {"5001", "5030"};
  cs_coop *c = per_capita("2019-01-01", m, 2);
  cs_coop_set_freeze(c, D("2019-12-31"));
  cs_result *r;
  cs_error err;
  assert_int_equal(cs_simulate(c, reg, 2020, 2021, &r, &err), 0);
  assert_int_equal(row(r, "5001", 2020)->total, 196159);
  assert_int_equal(row(r, "5030", 2020)->total, 6076);
  assert_int_equal(row(r, "5001", 2021)->total, (196159LL * 205163 * 2 + 202235) / (2 * 202235));
  assert_int_equal(row(r, "5030", 2021)->total, (6076LL * 205163 * 2 + 202235) / (2 * 202235));
  assert_int_equal(row(r, "5030", 2021)->pop_source, CS_POP_PROXY);
  cs_result_free(r);
  cs_coop_free(c);
}

/* Every event kind in words. */
static void event_words(void **state) {
  (void)state;
  cs_year_event e;
  char buf[200];
  memset(&e, 0, sizeof e);
  e.name = e.other_name = "";
  e.kind = CS_EVENT_MERGED;
  e.date = D("2020-01-01");
  memcpy(e.other_code, "5006", 5);
  e.other_name = "Steinkjer";
  assert_string_equal(cs_event_text(&e, buf, sizeof buf), "merged into 5006 Steinkjer on 2020-01-01");
  e.kind = CS_EVENT_SPLIT;
  memcpy(e.other_code, "1507", 5);
  e.other_name = "Ålesund";
  e.date = D("2024-01-01");
  assert_string_equal(cs_event_text(&e, buf, sizeof buf), "split from 1507 Ålesund on 2024-01-01");
  e.kind = CS_EVENT_NOTICE;
  e.date = D("2022-05-10");
  e.until = D("2023-12-31");
  assert_string_equal(cs_event_text(&e, buf, sizeof buf),
                      "notice given 2022-05-10; notice period ends 2023-12-31");
  char small[10];
  assert_string_equal(cs_event_text(&e, small, sizeof small), "notice gi");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(code_kept_merger),
      cmocka_unit_test(member_part_after_code_kept_merger),
      cmocka_unit_test(member_part_after_two_mergers),
      cmocka_unit_test(merged_text_grows),
      cmocka_unit_test(split_successors),
      cmocka_unit_test(notice_binds_successors),
      cmocka_unit_test(part_gives_notice),
      cmocka_unit_test(joins_later),
      cmocka_unit_test(host_split),
      cmocka_unit_test(keyed_value_of_split_member),
      cmocka_unit_test(resolution_date),
      cmocka_unit_test(no_reform_code_kept),
      cmocka_unit_test(event_words),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
