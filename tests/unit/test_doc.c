/* Unit tests: the result document (doc.c): a valid document parses and
** survives a round trip; each kind of bad input is refused with a message
** naming where it is. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "coopsim/doc.h"

/* Two runs, the second without one member: the shape R.json writes. */
static const char *const valid =
    "{ \"coopsim\": \"0.1.0\", \"scenario_file\": \"helgeland.lua\", \"runs\": [\n"
    " { \"scenario\": \"Baseline\", \"from\": 2023, \"to\": 2023, \"options\": \"rounding=largest_remainder\",\n"
    "   \"rows\": [\n"
    "    { \"year\": 2023, \"code\": \"1813\", \"name\": \"Brønnøy\", \"given\": \"1813\",\n"
    "      \"cooperation\": \"Helsefellesskap Helgeland\", \"population\": 7777,\n"
    "      \"population_date\": \"2022-01-01\", \"population_source\": \"ssb\", \"months\": 12,\n"
    "      \"charged_months\": 12, \"host\": false, \"payee\": \"Rana\", \"due\": \"2023-03-01\",\n"
    "      \"total\": 69473, \"exact\": \"69472.59\",\n"
    "      \"parts\": [ { \"name\": \"equal\", \"rounded\": 8712, \"exact\": \"8712.22\", \"explain\": \"20 %\" },\n"
    "                 { \"name\": \"population\", \"rounded\": 60760, \"exact\": \"60760.37\" } ] },\n"
    "    { \"year\": 2023, \"code\": \"1833\", \"name\": \"Rana\", \"cooperation\": \"Helsefellesskap Helgeland\",\n"
    "      \"population\": 26092, \"host\": true, \"total\": 212565, \"exact\": \"212564.90\", \"parts\": [] } ],\n"
    "   \"years\": [ { \"year\": 2023, \"cooperation\": \"Helsefellesskap Helgeland\", \"members\": 2,\n"
    "      \"cost\": \"1244539.00\", \"grants\": \"504000.00\", \"net\": \"740539.00\", \"balance\": \"-0.50\",\n"
    "      \"sum_shares\": 282038, \"key\": \"20 % equal + 80 % by population\", \"key_label\": \"Agdenesmodellen\",\n"
    "      \"key_source\": \"sak 63/2022\", \"key_assumption\": \"30/70, confirm\", \"agreement_months\": 12,\n"
    "      \"covers\": true, \"past_end\": false,\n"
    "      \"lines\": [ { \"name\": \"Lønn\", \"amount\": \"900000.00\" } ],\n"
    "      \"grant_list\": [ { \"name\": \"Helsedirektoratet\", \"amount\": \"504000.00\" } ] } ] },\n"
    " { \"scenario\": \"Vefsn withdraws\", \"from\": 2023, \"to\": 2024, \"rows\": [\n"
    "    { \"year\": 2024, \"code\": \"H001\", \"name\": \"Ny\", \"cooperation\": \"X\", \"total\": -5,\n"
    "      \"exact\": \"-5.00\", \"parts\": [] } ], \"years\": [] } ] }";

/* valid with the first occurrence of `from` replaced by `to`. */
static char *variant(const char *from, const char *to) {
  const char *at = strstr(valid, from);
  assert_non_null(at);
  size_t n = strlen(valid) - strlen(from) + strlen(to) + 1;
  char *s = malloc(n);
  assert_non_null(s);
  snprintf(s, n, "%.*s%s%s", (int)(at - valid), valid, to, at + strlen(from));
  return s;
}

static void parses_valid(void **state) {
  (void)state;
  cs_doc *doc = NULL;
  cs_error err = {0, ""};
  assert_int_equal(cs_doc_from_json(valid, strlen(valid), "test", &doc, &err), 0);
  assert_string_equal(doc->coopsim_version, "0.1.0");
  assert_string_equal(doc->scenario_file, "helgeland.lua");
  assert_int_equal(doc->nruns, 2);
  const cs_doc_run *r = &doc->runs[0];
  assert_string_equal(r->scenario, "Baseline");
  assert_int_equal(r->nrows, 2);
  assert_string_equal(r->rows[0].code, "1813");
  assert_string_equal(r->rows[0].name, "Brønnøy");
  assert_int_equal(r->rows[0].total, 69473);
  assert_int_equal(r->rows[0].population, 7777);
  assert_string_equal(r->rows[0].due, "2023-03-01");
  assert_int_equal(r->rows[0].nparts, 2);
  assert_string_equal(r->rows[0].parts[1].exact, "60760.37");
  assert_null(r->rows[0].parts[1].explain);
  assert_int_equal(r->rows[1].host, 1);
  assert_null(r->rows[1].payee);
  assert_int_equal(r->rows[1].months, 12); /* absent: a full year */
  assert_int_equal(r->nyears, 1);
  assert_string_equal(r->years[0].key_label, "Agdenesmodellen");
  assert_string_equal(r->years[0].key_assumption, "30/70, confirm");
  assert_string_equal(r->years[0].balance, "-0.50");
  assert_int_equal(r->years[0].nlines, 1);
  assert_string_equal(r->years[0].lines[0].name, "Lønn");
  assert_int_equal(doc->runs[1].rows[0].population, -1); /* absent: the key used none */
  assert_string_equal(doc->runs[1].rows[0].code, "H001");
  assert_null(doc->runs[1].options);
  cs_doc_free(doc);
}

static void round_trip(void **state) {
  (void)state;
  cs_doc *a = NULL, *b = NULL;
  cs_error err = {0, ""};
  assert_int_equal(cs_doc_from_json(valid, strlen(valid), "test", &a, &err), 0);
  char *t1 = cs_doc_to_json(a);
  assert_non_null(t1);
  assert_int_equal(cs_doc_from_json(t1, strlen(t1), "round trip", &b, &err), 0);
  char *t2 = cs_doc_to_json(b);
  assert_string_equal(t1, t2);
  assert_non_null(strstr(t1, "\"key_assumption\": \"30/70, confirm\""));
  assert_non_null(strstr(t1, "\"name\": \"Brønnøy\"")); /* UTF-8 kept as is */
  free(t1);
  free(t2);
  cs_doc_free(a);
  cs_doc_free(b);
  cs_doc_free(NULL);
}

/* Every field a document has, with texts to escape: what cs_doc_to_json
** writes is byte for byte what jansson dumps of it (JSON_INDENT(2) |
** JSON_SORT_KEYS, the format of every stored file and golden file). */
static const char *const every_field =
    "{\"coopsim\": \"0.1.0\", \"scenario_file\": \"x.lua\",\n"
    " \"runs\": [{\"scenario\": \"S\", \"from\": 2023, \"to\": 2024, \"options\": \"o\",\n"
    "  \"rows\": [{\"year\": 2024, \"code\": \"1813\", \"name\": \"Br\u00f8nn\u00f8y\", \"given\": \"1813\", \"merged\": \"1812\",\n"
    "    \"cooperation\": \"C\", \"population\": 7777, \"population_date\": \"2023-01-01\", \"population_source\": \"ssb\",\n"
    "    \"months\": 6, \"charged_months\": 7, \"host\": true, \"payee\": \"Rana\", \"due\": \"2024-03-01\", \"total\": -12,\n"
    "    \"exact\": \"-12.25\", \"services\": [{\"name\": \"brann\", \"kroner\": -5}, {\"name\": \"feiing\", \"kroner\": -7}],\n"
    "    \"settlement\": 3, \"invoice\": -9, \"difference\": 4,\n"
    "    \"invoices\": [{\"due\": \"2024-03-01\", \"amount\": -9, \"lines\": [{\"kind\": \"share\", \"service\": \"brann\",\n"
    "      \"instalment\": 1, \"amount\": -12}, {\"kind\": \"settlement\", \"settles\": 2023, \"amount\": 3}]}, {\"due\": \"2024-09-01\", \"amount\": 0, \"lines\": []}],\n"
    "    \"parts\": [{\"name\": \"equal\", \"rounded\": -12, \"exact\": \"-12.25\", \"explain\": \"1 \\\"x\\\"\"}]}],\n"
    "  \"years\": [{\"year\": 2024, \"cooperation\": \"C\", \"members\": 1, \"cost\": \"1.00\", \"grants\": \"0.00\", \"net\": \"1.00\",\n"
    "    \"balance\": \"0.00\", \"sum_shares\": -12, \"key\": \"k\", \"key_nb\": \"k nb\", \"key_label\": \"l\", \"key_source\": \"s\", \"key_assumption\": \"a\",\n"
    "    \"agreement_months\": 12, \"covers\": false, \"past_end\": true, \"lines\": [], \"grant_list\": [{\"name\": \"g\", \"amount\": \"0.00\"}],\n"
    "    \"events\": [{\"kind\": \"merged\", \"code\": \"1812\", \"name\": \"Old\", \"date\": \"2024-01-01\", \"until\": \"2023-12-31\",\n"
    "      \"other_code\": \"1813\", \"other_name\": \"New\"}],\n"
    "    \"actual_cost\": \"2.00\", \"actual_grants\": \"0.00\", \"actual_net\": \"2.00\"}]},\n"
    "  {\"scenario\": \"empty\", \"from\": 2023, \"to\": 2023, \"rows\": [], \"years\": []}]}";

static void json_as_jansson_dumps_it(void **state) {
  (void)state;
  const char *docs[] = {valid, every_field};
  for (size_t i = 0; i < 2; i++) {
    cs_doc *doc = NULL;
    cs_error err = {0, ""};
    if (cs_doc_from_json(docs[i], strlen(docs[i]), "test", &doc, &err) != 0) fail_msg("doc %zu: %s", i, err.msg);
    if (i == 1) { /* texts no checked document holds, to see them escaped */
      free(doc->scenario_file);
      doc->scenario_file = strdup("a \"b\" \\ c/d \x01\t\n\x1f\x7f \xc3\xa6\xe2\x80\xa8.lua");
    }
    char *text = cs_doc_to_json(doc);
    assert_non_null(text);
    json_error_t jerr;
    json_t *tree = json_loads(text, 0, &jerr);
    if (!tree) fail_msg("doc %zu: not JSON: %s\n%s", i, jerr.text, text);
    char *dumped = json_dumps(tree, JSON_INDENT(2) | JSON_SORT_KEYS);
    assert_non_null(dumped);
    size_t n = strlen(dumped);
    if (strlen(text) != n + 1 || memcmp(text, dumped, n) != 0 || text[n] != '\n')
      fail_msg("doc %zu: written\n%s\njansson\n%s", i, text, dumped);
    if (i == 1) { /* every field made it, escaped as jansson escapes */
      assert_non_null(strstr(text, "\"difference\": 4"));
      assert_non_null(strstr(text, "\"other_name\": \"New\""));
      assert_non_null(strstr(text, "\"key_label\": \"l\",\n          \"key_nb\": \"k nb\""));
      assert_non_null(strstr(text, "a \\\"b\\\" \\\\ c/d \\u0001\\t\\n\\u001F\x7f \xc3\xa6\xe2\x80\xa8.lua"));
    }
    free(dumped);
    json_decref(tree);
    free(text);
    cs_doc_free(doc);
  }
}

/* Each byte a text may hold, and UTF-8 sequences jansson takes or refuses:
** cs_doc_to_json writes the text as jansson's json_dumps of json_string
** does, and refuses (NULL) what json_string refuses; at the start, in
** the middle and at each edge of the 16-byte blocks the writer scans
** (doc_json.c plain_run), with plain text after it or none. */
static void each_byte_as_jansson(void **state) {
  (void)state;
  static const char *const utf8[] = {
      "\xc3\xa6",         "\xe2\x80\xa8",     "\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf", /* taken */
      "\x80",             "\xbf",             "\xc0\xaf",         "\xc1\xbf",         /* refused */
      "\xe0\x80\xaf",     "\xed\xa0\x80",     "\xf0\x80\x80\xaf", "\xf4\x90\x80\x80", "\xf5\x80\x80\x80",
      "\xff",             "\xc3",             "\xe2\x80",         "\xf0\x9f\x98",     "\xc3\x28"};
  cs_doc *doc = NULL;
  cs_error err = {0, ""};
  if (cs_doc_from_json(valid, strlen(valid), "test", &doc, &err) != 0) fail_msg("%s", err.msg);
  static const int before[] = {0, 1, 14, 15, 16, 17, 30, 31, 32, 33};
  static const char *const after[] = {"", "b", "bcdefghijklmnopqrstuvwxyz0123456789"};
  for (size_t t = 0; t < (128 + sizeof utf8 / sizeof utf8[0]) * 30; t++) {
    size_t k = t / 30 + 1;
    if (k >= 128 + sizeof utf8 / sizeof utf8[0]) break;
    int pad = before[t % 10];
    const char *tail = after[t % 30 / 10];
    char s[96];
    if (k < 128) snprintf(s, sizeof s, "%.*s%c%s", pad, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", (int)k, tail);
    else snprintf(s, sizeof s, "%.*s%s%s", pad, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", utf8[k - 128], tail);
    free(doc->scenario_file);
    doc->scenario_file = strdup(s);
    assert_non_null(doc->scenario_file);
    char *text = cs_doc_to_json(doc);
    json_t *js = json_string(s);
    if (!js) {
      if (text) fail_msg("text %zu: jansson refuses it, written\n%s", k, text);
      continue;
    }
    char *d = json_dumps(js, JSON_ENCODE_ANY);
    assert_non_null(d);
    if (!text) fail_msg("text %zu: refused, jansson writes %s", k, d);
    char want[256];
    snprintf(want, sizeof want, "\"scenario_file\": %s\n}", d);
    if (!strstr(text, want)) fail_msg("text %zu: want %s in\n%s", k, want, text);
    free(d);
    json_decref(js);
    free(text);
  }
  cs_doc_free(doc);
}

/* Each bad variant fails with CS_EINVAL and a message holding `expect`. */
static void refuses(const char *from, const char *to, const char *expect) {
  char *text = variant(from, to);
  cs_doc *doc = (cs_doc *)1;
  cs_error err = {0, ""};
  int rc = cs_doc_from_json(text, strlen(text), "worker", &doc, &err);
  if (rc != CS_EINVAL || !strstr(err.msg, expect)) {
    print_error("replacing %s by %s: rc %d, message \"%s\", expected \"%s\"\n", from, to, rc, err.msg, expect);
    free(text);
    fail();
  }
  assert_null(doc);
  assert_int_equal(strncmp(err.msg, "worker: ", 8), 0);
  free(text);
}

static void refuses_bad_input(void **state) {
  (void)state;
  /* not JSON at all, and a duplicate key */
  refuses("{ \"coopsim\"", "{ \"coopsim\" 1", "worker: not valid JSON: line 1");
  refuses("\"coopsim\": \"0.1.0\",", "\"coopsim\": \"0.1.0\", \"coopsim\": \"x\",", "not valid JSON");
  /* unknown keys, at each level */
  refuses("\"coopsim\": \"0.1.0\"", "\"coopsm\": \"0.1.0\"", "unknown field \"coopsm\"");
  refuses("\"options\": \"rounding", "\"option\": \"rounding",
          "runs[0] \"Baseline\", unknown field \"option\"");
  refuses("\"total\": 69473", "\"totl\": 69473", "runs[0] \"Baseline\", rows[0] 2023 1813, unknown field \"totl\"");
  refuses("\"explain\": \"20 %\"", "\"explian\": \"20 %\"", "rows[0] 2023 1813, parts[0], unknown field \"explian\"");
  refuses("\"covers\": true", "\"cover\": true", "years[0] 2023, unknown field \"cover\"");
  /* wrong types */
  refuses("\"year\": 2023, \"code\": \"1813\"", "\"year\": \"2023\", \"code\": \"1813\"",
          "rows[0], field \"year\": expected an integer, got \"2023\"");
  refuses("\"host\": false", "\"host\": 0", "field \"host\": expected true or false, got 0");
  refuses("\"name\": \"Brønnøy\"", "\"name\": null", "rows[0] 2023 1813, field \"name\": expected a string, got null");
  refuses("\"scenario\": \"Baseline\"", "\"scenario\": 7", "field \"scenario\": expected a string, got 7");
  /* kroner: non-integral, written as a real, out of range, missing */
  refuses("\"total\": 69473", "\"total\": 69473.5", "field \"total\": expected whole kroner written as an integer, got 69473.5");
  refuses("\"total\": 69473", "\"total\": 69473.0", "field \"total\": expected whole kroner written as an integer");
  refuses("\"total\": 69473", "\"total\": 9007199254740993", "field \"total\": kroner out of range (beyond 2^53), got 9007199254740993");
  refuses("\"rounded\": 8712", "\"rounded\": -9007199254740993", "parts[0], field \"rounded\": kroner out of range");
  refuses("\"sum_shares\": 282038", "\"sum_shares\": \"282038\"", "years[0] 2023, field \"sum_shares\": expected whole kroner (an integer)");
  refuses("\"total\": 69473,", "", "field \"total\": missing");
  refuses("\"total\": 69473", "\"total\": 1e400", "not valid JSON");
  /* amounts as text */
  refuses("\"exact\": \"69472.59\"", "\"exact\": \"69472.5\"", "field \"exact\": expected an amount with two decimals");
  refuses("\"cost\": \"1244539.00\"", "\"cost\": \"1e6\"", "years[0] 2023, field \"cost\": expected an amount with two decimals (\"1234.50\"), got \"1e6\"");
  refuses("\"amount\": \"900000.00\"", "\"amount\": \"nan\"", "lines[0], field \"amount\": expected an amount");
  /* codes */
  refuses("\"code\": \"1813\"", "\"code\": \"03O1\"", "rows[0] 2023 03O1, field \"code\": \"03O1\" is neither a municipality's code nor a party's id");
  refuses("\"code\": \"1813\"", "\"code\": \"H12345\"", "is neither a municipality's code nor a party's id");
  refuses("\"code\": \"1813\"", "\"code\": \"Regionraadet_for_alle\"", "expected a code of at most 16 characters");
  refuses("\"code\": \"1813\"", "\"code\": \"18133\"", "\"18133\" is neither a municipality's code nor a party's id");
  refuses("\"code\": \"1813\"", "\"code\": \" 813\"", "\" 813\" is neither a municipality's code nor a party's id");
  /* years and dates */
  refuses("\"from\": 2023", "\"from\": 1700", "runs[0] \"Baseline\", field \"from\": expected an integer in 1838..9999, got 1700");
  refuses("\"year\": 2023, \"cooperation\"", "\"year\": 10000, \"cooperation\"", "years[0], field \"year\": expected an integer in 1838..9999, got 10000");
  refuses("\"to\": 2023", "\"to\": 2022", "field \"to\": the run ends before it starts");
  refuses("\"year\": 2023, \"code\": \"1833\"", "\"year\": 2025, \"code\": \"1833\"", "rows[1] 2025 1833, field \"year\": a year outside the run");
  refuses("\"due\": \"2023-03-01\"", "\"due\": \"2023-02-30\"", "field \"due\": expected a real date \"YYYY-MM-DD\", got \"2023-02-30\"");
  refuses("\"population_date\": \"2022-01-01\"", "\"population_date\": \"22-01-01\"", "field \"population_date\": expected a real date");
  /* other ranges */
  refuses("\"population\": 7777", "\"population\": -5", "field \"population\": expected an integer in -1..");
  refuses("\"months\": 12", "\"months\": 13", "field \"months\": expected an integer in 0..12, got 13");
  refuses("\"members\": 2", "\"members\": -1", "field \"members\": expected an integer in 0..100000, got -1");
  /* structure */
  refuses("\"rows\": [\n    {", "\"rows\": [ 5, \n    {", "rows[0]: the row must be an object, got 5");
  refuses("{ \"coopsim\"", "[ { \"coopsim\"", "not valid JSON"); /* unbalanced */
}

static void refuses_non_object_root(void **state) {
  (void)state;
  cs_doc *doc = NULL;
  cs_error err = {0, ""};
  assert_int_equal(cs_doc_from_json("[1]", 3, "x.json", &doc, &err), CS_EINVAL);
  assert_string_equal(err.msg, "x.json: the document must be an object, got an array");
  /* the length is honoured: the text need not be NUL-terminated */
  assert_int_equal(cs_doc_from_json("{\"runs\": []}garbage", 12, "x.json", &doc, &err), 0);
  assert_int_equal(doc->nruns, 0);
  cs_doc_free(doc);
  assert_int_equal(cs_doc_from_json("{}", 2, "x.json", &doc, &err), CS_EINVAL);
  assert_string_equal(err.msg, "x.json: field \"runs\": missing (an array is required)");
  const char *obj = "{\"runs\": {\"a\": 1}}";
  assert_int_equal(cs_doc_from_json(obj, strlen(obj), "x.json", &doc, &err), CS_EINVAL);
  assert_string_equal(err.msg, "x.json: field \"runs\": expected an array, got an object");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(parses_valid),
      cmocka_unit_test(round_trip),
      cmocka_unit_test(json_as_jansson_dumps_it), cmocka_unit_test(each_byte_as_jansson),
      cmocka_unit_test(refuses_bad_input),
      cmocka_unit_test(refuses_non_object_root),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
