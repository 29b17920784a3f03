/* Unit tests: the result document as binary records (doc_wire.c), the way a
** worker sends it to its parent, and the checks the parent makes before any
** report (doc_check.c): a round trip keeps every field; a cut, malformed,
** oversized or forged stream, or a document whose figures do not add up as
** a simulated run's, is refused with a message, never read past its
** budget. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "coopsim/doc.h"
#include "coopsim/doc_wire.h"
#include "wire_membuf.h" /* a stream in memory */

/* A small document whose figures add up as a simulated run's, worked out by
** hand (cs_wire_get_doc refuses one that does not: relations_refused).
**
** Run 0, one year: net 1 244 539.00 (Lønn 900 000 + Husleie 344 539) less
** the grant 504 000.00 = 740 539.00, shared 20 % equally, 80 % by
** population (Brønnøy 7 777, Rana 26 092; together 33 869):
**   equal: 740 539 / 5 / 2 = 74 053.90 each (rounded 74 054)
**   Brønnøy by population: 592 431.20 * 7 777 / 33 869 = 136 034.0559... -> 136 034.06
**   Rana by population: 592 431.20 * 26 092 / 33 869 = 456 397.1440... -> 456 397.14
**   shares 210 087.9559... (.96) and 530 451.0440... (.04): floors 210 087
**   + 530 451 = 740 538, the last krone to the larger remainder, Brønnøy's:
**   totals 210 088 and 530 451, summing to 740 539; balance 0.00.
** Run 1, 2023-2024, two services shared equally: Brann 100.00, Feiing
** 50.00 a year; instalments 01-31 and 07-31 (the first takes the odd krone).
**   2023, three members (1824 < 1832 < P01, ties to the lower code):
**   Brann 100 / 3 = 33.33 each: 34, 33, 33; Feiing 50 / 3 = 16.67 each: 17,
**   17, 16; totals 51, 50, 49 (sum 150), exact shares 50.00. Accounts:
**   Brann cost 70.00 (Feiing as budgeted): 70 / 3 = 23.33 each: 24, 23, 23,
**   so each member's actual share is 10 below its budget share (difference
**   -10), settled in 2024. Instalments: 1824 Brann 17 + 17, Feiing 9 + 8
**   (26, 25); 1832 Brann 17 + 16, Feiing 9 + 8 (26, 24); the host P01
**   invoices no one for itself.
**   2024, Vefsn gone (only its settlement, -10), Hemnes merged into H001:
**   Brann 100 / 2 = 50, Feiing 50 / 2 = 25, totals 75 and 75 (sum 150);
**   H001 carries Hemnes's -10: invoice 65 = (25 + 13 - 10) + (25 + 12). */
static const char *const valid =
    "{ \"coopsim\": \"0.1.0\", \"scenario_file\": \"helgeland.lua\", \"runs\": [\n"
    " { \"scenario\": \"Baseline\", \"from\": 2023, \"to\": 2023, \"options\": \"rounding=largest_remainder\",\n"
    "   \"rows\": [\n"
    "    { \"year\": 2023, \"code\": \"1813\", \"name\": \"Brønnøy\", \"given\": \"1813\",\n"
    "      \"cooperation\": \"Helsefellesskap Helgeland\", \"population\": 7777,\n"
    "      \"population_date\": \"2022-01-01\", \"population_source\": \"ssb\", \"months\": 12,\n"
    "      \"charged_months\": 12, \"host\": false, \"payee\": \"Rana\", \"due\": \"2023-03-01\",\n"
    "      \"total\": 210088, \"exact\": \"210087.96\",\n"
    "      \"parts\": [ { \"name\": \"equal\", \"rounded\": 74054, \"exact\": \"74053.90\", \"explain\": \"20 %\" },\n"
    "                 { \"name\": \"population\", \"rounded\": 136034, \"exact\": \"136034.06\" } ] },\n"
    "    { \"year\": 2023, \"code\": \"1833\", \"name\": \"Rana\", \"cooperation\": \"Helsefellesskap Helgeland\",\n"
    "      \"population\": 26092, \"host\": true, \"total\": 530451, \"exact\": \"530451.04\",\n"
    "      \"parts\": [ { \"name\": \"equal\", \"rounded\": 74054, \"exact\": \"74053.90\" },\n"
    "                 { \"name\": \"population\", \"rounded\": 456397, \"exact\": \"456397.14\" } ] } ],\n"
    "   \"years\": [ { \"year\": 2023, \"cooperation\": \"Helsefellesskap Helgeland\", \"members\": 2,\n"
    "      \"cost\": \"1244539.00\", \"grants\": \"504000.00\", \"net\": \"740539.00\", \"balance\": \"0.00\",\n"
    "      \"sum_shares\": 740539, \"key\": \"20 % equal + 80 % by population\", \"key_label\": \"Agdenesmodellen\",\n"
    "      \"key_source\": \"sak 63/2022\", \"key_assumption\": \"30/70, confirm\", \"agreement_months\": 12,\n"
    "      \"covers\": true, \"past_end\": false,\n"
    "      \"lines\": [ { \"name\": \"Lønn\", \"amount\": \"900000.00\" },\n"
    "                 { \"name\": \"Husleie\", \"amount\": \"344539.00\" } ],\n"
    "      \"grant_list\": [ { \"name\": \"Helsedirektoratet\", \"amount\": \"504000.00\" } ] } ] },\n"
    " { \"scenario\": \"Vefsn withdraws\", \"from\": 2023, \"to\": 2024, \"rows\": [\n"
    "    { \"year\": 2023, \"code\": \"1824\", \"name\": \"Vefsn\", \"cooperation\": \"X\", \"payee\": \"P01\",\n"
    "      \"due\": \"2023-01-31\", \"total\": 51, \"exact\": \"50.00\",\n"
    "      \"parts\": [ { \"name\": \"Brann/equal\", \"rounded\": 33, \"exact\": \"33.33\" },\n"
    "                 { \"name\": \"Feiing/equal\", \"rounded\": 17, \"exact\": \"16.67\" } ],\n"
    "      \"services\": [ { \"name\": \"Brann\", \"kroner\": 34 }, { \"name\": \"Feiing\", \"kroner\": 17 } ],\n"
    "      \"settlement\": 0, \"invoice\": 51, \"difference\": -10,\n"
    "      \"invoices\": [ { \"due\": \"2023-01-31\", \"amount\": 26, \"lines\": [\n"
    "          { \"kind\": \"share\", \"service\": \"Brann\", \"instalment\": 1, \"amount\": 17 },\n"
    "          { \"kind\": \"share\", \"service\": \"Feiing\", \"instalment\": 1, \"amount\": 9 } ] },\n"
    "        { \"due\": \"2023-07-31\", \"amount\": 25, \"lines\": [\n"
    "          { \"kind\": \"share\", \"service\": \"Brann\", \"instalment\": 2, \"amount\": 17 },\n"
    "          { \"kind\": \"share\", \"service\": \"Feiing\", \"instalment\": 2, \"amount\": 8 } ] } ] },\n"
    "    { \"year\": 2023, \"code\": \"1832\", \"name\": \"Hemnes\", \"cooperation\": \"X\", \"payee\": \"P01\",\n"
    "      \"due\": \"2023-01-31\", \"total\": 50, \"exact\": \"50.00\",\n"
    "      \"parts\": [ { \"name\": \"Brann/equal\", \"rounded\": 33, \"exact\": \"33.33\" },\n"
    "                 { \"name\": \"Feiing/equal\", \"rounded\": 17, \"exact\": \"16.67\" } ],\n"
    "      \"services\": [ { \"name\": \"Brann\", \"kroner\": 33 }, { \"name\": \"Feiing\", \"kroner\": 17 } ],\n"
    "      \"settlement\": 0, \"invoice\": 50, \"difference\": -10,\n"
    "      \"invoices\": [ { \"due\": \"2023-01-31\", \"amount\": 26, \"lines\": [\n"
    "          { \"kind\": \"share\", \"service\": \"Brann\", \"instalment\": 1, \"amount\": 17 },\n"
    "          { \"kind\": \"share\", \"service\": \"Feiing\", \"instalment\": 1, \"amount\": 9 } ] },\n"
    "        { \"due\": \"2023-07-31\", \"amount\": 24, \"lines\": [\n"
    "          { \"kind\": \"share\", \"service\": \"Brann\", \"instalment\": 2, \"amount\": 16 },\n"
    "          { \"kind\": \"share\", \"service\": \"Feiing\", \"instalment\": 2, \"amount\": 8 } ] } ] },\n"
    "    { \"year\": 2023, \"code\": \"P01\", \"name\": \"Helgeland regionråd\", \"cooperation\": \"X\",\n"
    "      \"host\": true, \"total\": 49, \"exact\": \"50.00\",\n"
    "      \"parts\": [ { \"name\": \"Brann/equal\", \"rounded\": 33, \"exact\": \"33.33\" },\n"
    "                 { \"name\": \"Feiing/equal\", \"rounded\": 17, \"exact\": \"16.67\" } ],\n"
    "      \"services\": [ { \"name\": \"Brann\", \"kroner\": 33 }, { \"name\": \"Feiing\", \"kroner\": 16 } ],\n"
    "      \"settlement\": 0, \"invoice\": 49, \"difference\": -10 },\n"
    "    { \"year\": 2024, \"code\": \"1824\", \"name\": \"Vefsn\", \"cooperation\": \"X\", \"months\": 0,\n"
    "      \"charged_months\": 0, \"payee\": \"P01\", \"due\": \"2024-01-31\", \"total\": 0, \"exact\": \"0.00\",\n"
    "      \"parts\": [], \"settlement\": -10, \"invoice\": -10, \"settlement_only\": true,\n"
    "      \"invoices\": [ { \"due\": \"2024-01-31\", \"amount\": -10, \"lines\": [\n"
    "          { \"kind\": \"settlement\", \"settles\": 2023, \"amount\": -10 } ] } ] },\n"
    "    { \"year\": 2024, \"code\": \"H001\", \"name\": \"Ny\", \"merged\": \"1832+1833\", \"cooperation\": \"X\",\n"
    "      \"payee\": \"P01\", \"due\": \"2024-01-31\", \"total\": 75, \"exact\": \"75.00\",\n"
    "      \"parts\": [ { \"name\": \"Brann/equal\", \"rounded\": 50, \"exact\": \"50.00\" },\n"
    "                 { \"name\": \"Feiing/equal\", \"rounded\": 25, \"exact\": \"25.00\" } ],\n"
    "      \"services\": [ { \"name\": \"Brann\", \"kroner\": 50 }, { \"name\": \"Feiing\", \"kroner\": 25 } ],\n"
    "      \"settlement\": -10, \"invoice\": 65,\n"
    "      \"invoices\": [ { \"due\": \"2024-01-31\", \"amount\": 28, \"lines\": [\n"
    "          { \"kind\": \"share\", \"service\": \"Brann\", \"instalment\": 1, \"amount\": 25 },\n"
    "          { \"kind\": \"share\", \"service\": \"Feiing\", \"instalment\": 1, \"amount\": 13 },\n"
    "          { \"kind\": \"settlement\", \"settles\": 2023, \"amount\": -10 } ] },\n"
    "        { \"due\": \"2024-07-31\", \"amount\": 37, \"lines\": [\n"
    "          { \"kind\": \"share\", \"service\": \"Brann\", \"instalment\": 2, \"amount\": 25 },\n"
    "          { \"kind\": \"share\", \"service\": \"Feiing\", \"instalment\": 2, \"amount\": 12 } ] } ] },\n"
    "    { \"year\": 2024, \"code\": \"P01\", \"name\": \"Helgeland regionråd\", \"cooperation\": \"X\",\n"
    "      \"host\": true, \"total\": 75, \"exact\": \"75.00\",\n"
    "      \"parts\": [ { \"name\": \"Brann/equal\", \"rounded\": 50, \"exact\": \"50.00\" },\n"
    "                 { \"name\": \"Feiing/equal\", \"rounded\": 25, \"exact\": \"25.00\" } ],\n"
    "      \"services\": [ { \"name\": \"Brann\", \"kroner\": 50 }, { \"name\": \"Feiing\", \"kroner\": 25 } ],\n"
    "      \"settlement\": -10, \"invoice\": 65 } ],\n"
    "   \"years\": [ { \"year\": 2023, \"cooperation\": \"X\", \"members\": 3, \"cost\": \"150.00\",\n"
    "      \"grants\": \"0.00\", \"net\": \"150.00\", \"balance\": \"0.00\", \"sum_shares\": 150,\n"
    "      \"key\": \"equal\", \"lines\": [ { \"name\": \"Brann\", \"amount\": \"100.00\" },\n"
    "                                 { \"name\": \"Feiing\", \"amount\": \"50.00\" } ],\n"
    "      \"actual_cost\": \"120.00\", \"actual_grants\": \"0.00\", \"actual_net\": \"120.00\",\n"
    "      \"events\": [ { \"kind\": \"notice\", \"code\": \"1824\", \"name\": \"Vefsn\", \"date\": \"2023-03-15\",\n"
    "                    \"until\": \"2023-12-31\" } ] },\n"
    "    { \"year\": 2024, \"cooperation\": \"X\", \"members\": 2, \"cost\": \"150.00\",\n"
    "      \"grants\": \"0.00\", \"net\": \"150.00\", \"balance\": \"0.00\", \"sum_shares\": 150,\n"
    "      \"key\": \"equal\", \"lines\": [ { \"name\": \"Brann\", \"amount\": \"100.00\" },\n"
    "                                 { \"name\": \"Feiing\", \"amount\": \"50.00\" } ],\n"
    "      \"events\": [ { \"kind\": \"gone\", \"code\": \"1824\", \"name\": \"Vefsn\", \"date\": \"2023-03-15\",\n"
    "                    \"until\": \"2023-12-31\" },\n"
    "                  { \"kind\": \"merged\", \"code\": \"1832\", \"name\": \"Hemnes\", \"date\": \"2024-01-01\",\n"
    "                    \"other_code\": \"H001\", \"other_name\": \"Ny\" } ] } ] } ] }";


static cs_doc *parse(const char *json) {
  cs_doc *doc = NULL;
  cs_error err = {0, ""};
  if (cs_doc_from_json(json, strlen(json), "test", &doc, &err) != 0) fail_msg("%s", err.msg);
  return doc;
}

static buf encode(const cs_doc *doc) {
  buf b = {NULL, 0, 0, 0, 0};
  cs_wire_out *w = cs_wire_out_new(buf_write, &b);
  assert_non_null(w);
  cs_wire_put_doc(w, doc);
  cs_wire_put_uint(w, 42); /* something after the document */
  assert_int_equal(cs_wire_out_flush(w), 0);
  cs_wire_out_free(w);
  return b;
}

/* Decodes b within budget; the code, the document in *out. */
static int decode(buf *b, size_t budget, cs_doc **out, cs_error *err) {
  b->pos = 0;
  cs_wire_in *in = cs_wire_in_new(buf_fill, b, budget);
  assert_non_null(in);
  int rc = cs_wire_get_doc(in, 1000000, out, err);
  cs_wire_in_free(in);
  return rc;
}

static void round_trip(void **state) {
  (void)state;
  cs_doc *doc = parse(valid);
  doc->runs[0].years[0].key_nb = strdup("20 % likt + 80 % etter innbyggertall"); /* the worker's, not in JSON */
  buf b = encode(doc);
  for (size_t chunk = 0; chunk <= 7; chunk += 7) { /* whole, and 7 bytes a read */
    b.chunk = chunk;
    b.pos = 0;
    cs_wire_in *in = cs_wire_in_new(buf_fill, &b, 1 << 20);
    cs_doc *back = NULL;
    cs_error err = {0, ""};
    assert_int_equal(cs_wire_get_doc(in, 1000000, &back, &err), 0);
    uint64_t after;
    assert_int_equal(cs_wire_get_uint(in, 100, &after, "after", &err), 0);
    assert_int_equal(after, 42);
    assert_true(cs_wire_at_end(in, &err));
    char *a = cs_doc_to_json(doc), *c = cs_doc_to_json(back);
    assert_string_equal(a, c);
    free(a), free(c);
    /* every field, not only those JSON shows */
    assert_string_equal(back->runs[0].years[0].key_nb, "20 % likt + 80 % etter innbyggertall");
    assert_string_equal(back->runs[0].rows[0].code, "1813");
    assert_null(back->runs[0].rows[1].payee);
    assert_int_equal(back->runs[0].rows[0].total, 210088);
    assert_int_equal(back->runs[0].rows[1].parts[1].rounded, 456397);
    assert_int_equal(back->runs[0].years[0].sum_shares, 740539);
    const cs_doc_row *p01 = &back->runs[1].rows[2];
    assert_string_equal(p01->code, "P01");
    assert_int_equal(p01->nservices, 2);
    assert_int_equal(p01->services[1].kroner, 16);
    assert_true(p01->money && p01->has_difference && !p01->settlement_only);
    assert_int_equal(p01->difference, -10);
    assert_int_equal(p01->ninvoices, 0);
    const cs_doc_row *ny = &back->runs[1].rows[4];
    assert_string_equal(ny->code, "H001");
    assert_true(ny->money && !ny->has_difference);
    assert_int_equal(ny->settlement, -10);
    assert_int_equal(ny->ninvoices, 2);
    assert_int_equal(ny->invoices[0].lines[2].settles, 2023);
    assert_int_equal(ny->invoices[0].lines[2].amount, -10);
    assert_true(back->runs[1].rows[3].settlement_only);
    assert_int_equal(back->runs[1].rows[3].invoice, -10);
    assert_string_equal(back->runs[1].years[0].actual_net, "120.00");
    assert_null(back->runs[1].years[1].actual_net);
    assert_int_equal(back->runs[1].years[1].nevents, 2);
    assert_string_equal(back->runs[1].years[1].events[1].other_name, "Ny");
    assert_null(back->runs[1].years[1].events[1].until);
    cs_doc_free(back);
    cs_wire_in_free(in);
  }
  /* a text said twice is sent once: "Helsefellesskap Helgeland" is in the
  ** stream one time although three fields hold it */
  size_t found = 0;
  for (size_t i = 0; i + 25 <= b.len; i++) found += memcmp(b.p + i, "Helsefellesskap Helgeland", 25) == 0;
  assert_int_equal(found, 1);
  free(b.p);
  cs_doc_free(doc);
}

/* Every cut of the stream is an error with a message, never a crash. */
static void every_cut_refused(void **state) {
  (void)state;
  cs_doc *doc = parse(valid);
  buf b = encode(doc);
  size_t full = b.len;
  for (size_t len = 0; len < full - 1; len++) { /* the trailing 42 is one byte */
    b.len = len;
    cs_doc *back = NULL;
    cs_error err = {0, ""};
    int rc = decode(&b, 1 << 20, &back, &err);
    if (rc == 0) fail_msg("a stream cut at %zu of %zu bytes was read", len, full);
    assert_null(back);
    assert_true(err.msg[0] != '\0');
  }
  free(b.p);
  cs_doc_free(doc);
}

/* The reader never takes more than its budget: a small one refuses. */
static void budget(void **state) {
  (void)state;
  cs_doc *doc = parse(valid);
  buf b = encode(doc);
  cs_doc *back = NULL;
  cs_error err = {0, ""};
  assert_int_equal(decode(&b, 2000, &back, &err), CS_ENOMEM);
  assert_non_null(strstr(err.msg, "larger than"));
  assert_null(back);
  free(b.p);
  cs_doc_free(doc);
}

/* Streams no worker of ours writes. */
static void forged_streams(void **state) {
  (void)state;
  static const struct {
    const char *bytes;
    size_t len;
    const char *message;
  } cases[] = {
      {"{\"runs\":[]}", 11, "not in coopsim's format"},
      /* a text number never sent */
      {"CSW2\x05", 5, "never sent"},
      /* a count of 2^40 runs */
      {"CSW2\x00\x00\x80\x80\x80\x80\x80\x20", 12, "more than"},
      /* a text of 2^60 bytes */
      {"CSW2\x01\xff\xff\xff\xff\xff\xff\xff\xff\x0f", 14, "larger than"},
      /* a varint of eleven bytes */
      {"CSW2\x00\x00\x01\x01\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01", 19, "malformed"},
      /* a text with a NUL byte */
      {"CSW2\x01\x03\x61\x00\x62", 9, "NUL"},
      /* a text sent once (not numbered) where no document is being read */
      {"CSW2\x02\x01\x61", 7, "outside a document"},
      /* the head's scenario file with a byte that is not UTF-8 (the head comes
      ** before the document's arena; found by fuzz_wire) */
      {"CSW2\x01\x01\x30\x01\x02\x61\xf0\x00", 12, "the scenario file"},
      /* the head's version with a control character */
      {"CSW2\x01\x02\x30\x1b\x01\x01\x61\x00", 12, "the coopsim version"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    buf b = {(unsigned char *)cases[i].bytes, cases[i].len, 0, 0, 0};
    cs_doc *doc = NULL;
    cs_error err = {0, ""};
    assert_int_not_equal(decode(&b, 1 << 20, &doc, &err), 0);
    if (!strstr(err.msg, cases[i].message))
      fail_msg("case %zu: expected \"%s\" in: %s", i, cases[i].message, err.msg);
    assert_null(doc);
  }
}

/* A text a worker sends is checked as it arrives (a terminal's escape
** sequence, a bidirectional override), once however often it is used. */
static void texts_checked_on_arrival(void **state) {
  (void)state;
  cs_doc *doc = parse(valid);
  char *saved = doc->runs[0].rows[1].name;
  doc->runs[0].rows[1].name = (char *)"Ra\x1b[2Jna";
  buf b = encode(doc);
  doc->runs[0].rows[1].name = saved;
  cs_doc *back = NULL;
  cs_error err = {0, ""};
  assert_int_equal(decode(&b, 1 << 20, &back, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "a row's name"));
  assert_non_null(strstr(err.msg, "control character"));
  assert_null(back);
  free(b.p);
  cs_doc_free(doc);
}

/* A NUL inside a document's text, numbered (a row's name) or sent once (a
** row's exact share), is refused as such: the check that finds it runs
** only when the text check fails (check_text). */
static void nul_in_document_text(void **state) {
  (void)state;
  static const struct {
    int exact;
    const char *marked, *what;
  } cases[] = {{0, "RaQna", "NUL"}, {1, "210Q87.96", "NUL"}};
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    cs_doc *doc = parse(valid);
    char **field = cases[i].exact ? &doc->runs[0].rows[0].exact : &doc->runs[0].rows[1].name;
    char *saved = *field;
    *field = (char *)cases[i].marked;
    buf b = encode(doc);
    *field = saved;
    unsigned char *at = NULL;
    size_t n = strlen(cases[i].marked);
    for (size_t k = 0; k + n <= b.len && !at; k++)
      if (memcmp(b.p + k, cases[i].marked, n) == 0) at = b.p + k;
    assert_non_null(at);
    *(unsigned char *)memchr(at, 'Q', n) = 0;
    cs_doc *back = NULL;
    cs_error err = {0, ""};
    assert_int_equal(decode(&b, 1 << 20, &back, &err), CS_EINVAL);
    if (!strstr(err.msg, cases[i].what)) fail_msg("case %zu: expected \"%s\" in: %s", i, cases[i].what, err.msg);
    assert_null(back);
    free(b.p);
    cs_doc_free(doc);
  }
}

/* The writer remembers a text by its own copy: a field that holds another
** text by the time it is put again (a row array made anew for the next run)
** is sent as what it holds then. */
static void texts_copied_when_sent(void **state) {
  (void)state;
  buf b = {NULL, 0, 0, 0, 0};
  cs_wire_out *w = cs_wire_out_new(buf_write, &b);
  assert_non_null(w);
  char code[17] = "4602";
  cs_wire_put_str(w, code);
  strcpy(code, "4640"); /* the same memory, another text */
  cs_wire_put_str(w, code);
  strcpy(code, "4602");
  cs_wire_put_str(w, code); /* sent before: its number */
  assert_int_equal(cs_wire_out_flush(w), 0);
  cs_wire_out_free(w);
  cs_wire_in *in = cs_wire_in_new(buf_fill, &b, 1 << 20);
  cs_error err = {0, ""};
  char *t[3];
  for (int i = 0; i < 3; i++) assert_int_equal(cs_wire_get_str(in, &t[i], "a code", &err), 0);
  assert_string_equal(t[0], "4602");
  assert_string_equal(t[1], "4640");
  assert_string_equal(t[2], "4602");
  assert_int_equal(b.len, 4 + 2 * 6 + 1); /* the third is a number, one byte */
  for (int i = 0; i < 3; i++) free(t[i]);
  cs_wire_in_free(in);
  free(b.p);
}

/* A worker that could not make the rest of its document says so at the end
** of what it sent: the reader fails; nothing half made is handed out. */
static void failed_document(void **state) {
  (void)state;
  cs_doc *doc = parse(valid);
  buf b = {NULL, 0, 0, 0, 0};
  cs_wire_out *w = cs_wire_out_new(buf_write, &b);
  cs_wire_put_head(w, doc->coopsim_version, doc->scenario_file);
  cs_wire_put_run(w, &doc->runs[0]);
  cs_wire_put_end(w, 1);
  assert_int_equal(cs_wire_out_flush(w), 0);
  cs_wire_out_free(w);
  cs_doc *back = NULL;
  cs_error err = {0, ""};
  assert_int_equal(decode(&b, 1 << 20, &back, &err), CS_ERROR);
  assert_non_null(strstr(err.msg, "could not make the results"));
  assert_null(back);
  free(b.p);
  cs_doc_free(doc);
}

/* A document whose figures would overflow a report's sums, or that holds
** what a terminal would act on, is refused before any report. */
static void forged_figures(void **state) {
  (void)state;
  cs_doc *doc = parse(valid);
  cs_error err = {0, ""};
  /* 2^53 + 1 kroner */
  doc->runs[0].rows[0].total = 9007199254740993LL;
  assert_int_equal(cs_doc_check(doc, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "beyond 2^53"));
  assert_non_null(strstr(err.msg, "rows[0] 2023 1813"));
  doc->runs[0].rows[0].total = 210088;
  assert_int_equal(cs_doc_check(doc, &err), 0);
  /* rows of 2^52 kr each: fine alone, together past what 63 bits sum */
  cs_doc_row *rows = calloc(600, sizeof *rows);
  assert_non_null(rows);
  cs_doc_row *orig = doc->runs[0].rows;
  size_t norig = doc->runs[0].nrows;
  for (size_t i = 0; i < 600; i++) {
    rows[i] = orig[1];
    rows[i].total = (int64_t)1 << 52;
  }
  doc->runs[0].rows = rows;
  doc->runs[0].nrows = 600;
  assert_int_equal(cs_doc_check(doc, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "2^61"));
  doc->runs[0].rows = orig;
  doc->runs[0].nrows = norig;
  free(rows);
  /* a name with an escape sequence, a bidi override, bytes that are not UTF-8 */
  static const char *const names[] = {"Rana\x1b[2J", "Ra\xe2\x80\xaena", "Ra\xc2\x9bna", "Ra\xffna",
                                      "Ra\xc0\x80na"};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
    char *saved = doc->runs[0].rows[1].name;
    doc->runs[0].rows[1].name = (char *)names[i];
    assert_int_equal(cs_doc_check(doc, &err), CS_EINVAL);
    assert_non_null(strstr(err.msg, "field \"name\""));
    doc->runs[0].rows[1].name = saved;
  }
  /* an event of no known kind, a notice without its end */
  char *kind = doc->runs[1].years[0].events[0].kind;
  doc->runs[1].years[0].events[0].kind = (char *)"vanished";
  assert_int_equal(cs_doc_check(doc, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "is no event"));
  doc->runs[1].years[0].events[0].kind = kind;
  char *until = doc->runs[1].years[0].events[0].until;
  doc->runs[1].years[0].events[0].until = NULL;
  assert_int_equal(cs_doc_check(doc, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "until"));
  doc->runs[1].years[0].events[0].until = until;
  /* the money cycle adds up: an instalment is its lines, the invoice its
  ** instalments and share plus settlement */
  cs_doc_row *ny = &doc->runs[1].rows[4];
  ny->invoices[1].lines[0].amount = 26;
  assert_int_equal(cs_doc_check(doc, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "is not the sum of its lines"));
  ny->invoices[1].lines[0].amount = 25;
  ny->invoice = 66;
  assert_int_equal(cs_doc_check(doc, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "is not the share 75 plus the settlement -10"));
  ny->invoice = 65;
  char *due = ny->invoices[1].due; /* an instalment without its due date (found by fuzz_wire) */
  ny->invoices[1].due = NULL;
  err.msg[0] = '\0';
  assert_int_equal(cs_doc_check(doc, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "field \"invoices.due\": missing"));
  ny->invoices[1].due = due;
  doc->runs[1].rows[3].total = 5; /* a settlement-only row with a share */
  assert_int_equal(cs_doc_check(doc, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "a settlement-only row has no share"));
  doc->runs[1].rows[3].total = 0;
  assert_int_equal(cs_doc_check(doc, &err), 0);
  /* a row outside its run's years */
  doc->runs[0].rows[0].year = 2030;
  assert_int_equal(cs_doc_check(doc, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "outside the run"));
  doc->runs[0].rows[0].year = 2023;
  assert_int_equal(cs_doc_check(doc, &err), 0);
  cs_doc_free(doc);
}

/* The amount "-1234.50" in cents (the test's own reading, not coopsim's). */
static long long cents_of(const char *s) {
  long long whole = 0;
  int frac = 0, neg = s[0] == '-';
  assert_int_equal(sscanf(s + neg, "%lld.%2d", &whole, &frac), 2);
  return (neg ? -1 : 1) * (whole * 100 + frac);
}

/* The hand-made document adds up, figure by figure, as worked out above
** `valid`: each year's shares sum to its net cost (balance 0.00), the net
** is the cost lines less the grants, each row's parts sum to its exact
** share and its services to its total; and so cs_doc_check_relations
** accepts it. */
static void valid_adds_up(void **state) {
  (void)state;
  cs_doc *doc = parse(valid);
  for (size_t i = 0; i < doc->nruns; i++) {
    const cs_doc_run *run = &doc->runs[i];
    for (size_t j = 0; j < run->nyears; j++) {
      const cs_doc_year *y = &run->years[j];
      long long shares = 0, lines = 0, grants = 0;
      for (size_t k = 0; k < run->nrows; k++)
        if (run->rows[k].year == y->year && strcmp(run->rows[k].cooperation, y->cooperation) == 0)
          shares += run->rows[k].total;
      for (size_t k = 0; k < y->nlines; k++) lines += cents_of(y->lines[k].amount);
      for (size_t k = 0; k < y->ngrants; k++) grants += cents_of(y->grant_list[k].amount);
      assert_int_equal(shares, y->sum_shares);
      assert_int_equal(shares * 100, cents_of(y->net));
      assert_int_equal(cents_of(y->balance), 0);
      assert_int_equal(lines, cents_of(y->cost));
      assert_int_equal(grants, cents_of(y->grants));
      assert_int_equal(lines - grants, cents_of(y->net));
    }
    for (size_t k = 0; k < run->nrows; k++) {
      const cs_doc_row *r = &run->rows[k];
      long long parts = 0, services = 0;
      for (size_t p = 0; p < r->nparts; p++) parts += cents_of(r->parts[p].exact);
      for (size_t p = 0; p < r->nservices; p++) services += r->services[p].kroner;
      assert_int_equal(parts, cents_of(r->exact));
      if (r->nservices) assert_int_equal(services, r->total);
    }
  }
  cs_error err = {0, ""};
  assert_int_equal(cs_doc_check_relations(doc, &err), 0);
  cs_doc_free(doc);
}

/* Replaces a text of a document parsed from JSON (its texts are its own). */
static void set_text(char **field, const char *s) {
  free(*field);
  *field = strdup(s);
  assert_non_null(*field);
}

/* A document whose every figure is fine alone but whose figures do not add
** up as a simulated run's is refused by the reader itself, with a message
** naming the run, row or year, the field and what does not add up; nothing
** is handed out (and ASan finds nothing leaked). */
static void relations_refused(void **state) {
  (void)state;
  static const struct {
    const char *where, *what;
  } cases[] = {
      /* 0: a row's total not its exact share rounded (the year's sum kept) */
      {"runs[0] \"Baseline\", rows[0] 2023 1813, field \"total\"",
       "210090 kroner is not the exact share 210087.96 rounded"},
      /* 1: each total its exact share rounded down, the largest remainder's
      ** krone lost: the shares no longer sum to the year's net */
      {"runs[0] \"Baseline\", years[0] 2023, field \"sum_shares\"",
       "740539 is not the sum of the year's shares (740538)"},
      /* 2: a part not its exact part rounded */
      {"rows[1] 2023 1833, parts[1], field \"rounded\"", "456399 kroner is not the exact part 456397.14 rounded"},
      /* 3: the exact parts not adding up to the exact share */
      {"rows[0] 2023 1813, field \"parts\"",
       "their exact amounts add up to 210097.96, not to the exact share 210087.96"},
      /* 4: a row without parts that shares something */
      {"runs[1] \"Vefsn withdraws\", rows[3] 2024 1824, field \"parts\"", "none, but the exact share is 0.50"},
      /* 5: the services not adding up to the row's total */
      {"rows[4] 2024 H001, field \"services\"", "they sum to 76, not to the total 75"},
      /* 6: the run's period longer than its years */
      {"runs[1] \"Vefsn withdraws\", field \"to\"", "the run is 2023-2025, but its years are 2023-2024"},
      /* 7: a row of a year the run does not have */
      {"rows[5] 2024 P01, field \"year\"", "the run has no year 2024 of \"Y\""},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    cs_doc *doc = parse(valid);
    cs_doc_run *base = &doc->runs[0], *vefsn = &doc->runs[1];
    switch (i) {
    case 0:
      base->rows[0].total += 2;
      base->years[0].sum_shares += 2;
      break;
    case 1:
      base->rows[0].total = 210087;
      break;
    case 2:
      base->rows[1].parts[1].rounded = 456399;
      break;
    case 3:
      set_text(&base->rows[0].parts[0].exact, "74063.90");
      base->rows[0].parts[0].rounded = 74064;
      break;
    case 4:
      set_text(&vefsn->rows[3].exact, "0.50");
      break;
    case 5:
      vefsn->rows[4].services[0].kroner = 51;
      break;
    case 6:
      vefsn->to = 2025;
      break;
    default:
      set_text(&vefsn->rows[5].cooperation, "Y");
      break;
    }
    cs_error err = {0, ""};
    if (cs_doc_check(doc, &err) != 0) fail_msg("case %zu: a figure is wrong alone: %s", i, err.msg);
    buf b = encode(doc);
    for (size_t chunk = 0; chunk <= 7; chunk += 7) { /* whole, and 7 bytes a read */
      b.chunk = chunk;
      cs_doc *back = NULL;
      err.msg[0] = '\0';
      assert_int_equal(decode(&b, 1 << 20, &back, &err), CS_EINVAL);
      assert_null(back);
      if (!strstr(err.msg, cases[i].where) || !strstr(err.msg, cases[i].what))
        fail_msg("case %zu: expected \"%s\" and \"%s\" in: %s", i, cases[i].where, cases[i].what, err.msg);
    }
    free(b.p);
    cs_doc_free(doc);
  }
}

/* After a refused document the reader refuses the rest of its stream: the
** texts the refused one defined are gone. */
static void refused_then_nothing(void **state) {
  (void)state;
  cs_doc *doc = parse(valid);
  doc->runs[0].rows[1].parts[1].rounded = 456399;
  buf b = encode(doc);
  b.pos = 0;
  cs_wire_in *in = cs_wire_in_new(buf_fill, &b, 1 << 20);
  assert_non_null(in);
  cs_doc *back = NULL;
  cs_error err = {0, ""};
  assert_int_equal(cs_wire_get_doc(in, 1000000, &back, &err), CS_EINVAL);
  assert_null(back);
  assert_int_equal(cs_wire_get_doc(in, 1000000, &back, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "refused already"));
  assert_null(back);
  cs_wire_in_free(in);
  free(b.p);
  cs_doc_free(doc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(round_trip), cmocka_unit_test(every_cut_refused), cmocka_unit_test(budget),
      cmocka_unit_test(forged_streams), cmocka_unit_test(forged_figures),
      cmocka_unit_test(texts_checked_on_arrival), cmocka_unit_test(nul_in_document_text),
      cmocka_unit_test(texts_copied_when_sent),
      cmocka_unit_test(failed_document), cmocka_unit_test(valid_adds_up), cmocka_unit_test(relations_refused),
      cmocka_unit_test(refused_then_nothing),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
