/* Unit tests: the result document as binary records (doc_wire.c), the way a
** worker sends it to its parent, and the checks the parent makes before any
** report (doc_check.c): a round trip keeps every field; a cut, malformed,
** oversized or forged stream is refused with a message, never read past
** its budget. */
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
    "      \"grant_list\": [ { \"name\": \"Helsedirektoratet\", \"amount\": \"504000.00\" } ],\n"
    "      \"events\": [ { \"kind\": \"notice\", \"code\": \"1824\", \"name\": \"Vefsn\", \"date\": \"2023-03-15\",\n"
    "                    \"until\": \"2024-12-31\" },\n"
    "                  { \"kind\": \"merged\", \"code\": \"5030\", \"name\": \"Klæbu\", \"date\": \"2020-01-01\",\n"
    "                    \"other_code\": \"5001\", \"other_name\": \"Trondheim\" } ] } ] },\n"
    " { \"scenario\": \"Vefsn withdraws\", \"from\": 2023, \"to\": 2024, \"rows\": [\n"
    "    { \"year\": 2024, \"code\": \"H001\", \"name\": \"Ny\", \"cooperation\": \"X\", \"total\": -5,\n"
    "      \"exact\": \"-5.00\", \"parts\": [] },\n"
    "    { \"year\": 2024, \"code\": \"P01\", \"name\": \"Helgeland regionråd\", \"cooperation\": \"X\",\n"
    "      \"total\": 100, \"exact\": \"100.00\", \"parts\": [],\n"
    "      \"services\": [ { \"name\": \"Brann\", \"kroner\": 60 }, { \"name\": \"Feiing\", \"kroner\": 40 } ],\n"
    "      \"settlement\": 7, \"invoice\": 107, \"difference\": -3,\n"
    "      \"invoices\": [ { \"due\": \"2024-01-31\", \"amount\": 57, \"lines\": [\n"
    "          { \"kind\": \"share\", \"service\": \"Brann\", \"instalment\": 1, \"amount\": 30 },\n"
    "          { \"kind\": \"share\", \"service\": \"Feiing\", \"instalment\": 1, \"amount\": 20 },\n"
    "          { \"kind\": \"settlement\", \"settles\": 2023, \"amount\": 7 } ] },\n"
    "        { \"due\": \"2024-07-31\", \"amount\": 50, \"lines\": [\n"
    "          { \"kind\": \"share\", \"service\": \"Brann\", \"instalment\": 2, \"amount\": 30 },\n"
    "          { \"kind\": \"share\", \"service\": \"Feiing\", \"instalment\": 2, \"amount\": 20 } ] } ] },\n"
    "    { \"year\": 2024, \"code\": \"1824\", \"name\": \"Vefsn\", \"cooperation\": \"X\", \"total\": 0,\n"
    "      \"exact\": \"0.00\", \"parts\": [], \"settlement\": -12, \"invoice\": -12, \"settlement_only\": true } ],\n"
    "   \"years\": [ { \"year\": 2024, \"cooperation\": \"X\", \"members\": 2, \"cost\": \"90.00\",\n"
    "      \"grants\": \"0.00\", \"net\": \"90.00\", \"balance\": \"5.00\", \"sum_shares\": 95, \"key\": \"k\",\n"
    "      \"actual_cost\": \"100.00\", \"actual_grants\": \"0.00\", \"actual_net\": \"100.00\" } ] } ] }";

/* ---- a stream in memory -------------------------------------------------- */

typedef struct buf {
  unsigned char *p;
  size_t len, cap, pos;
  size_t chunk; /* the most one fill hands over (a pipe gives what it has) */
} buf;

static int buf_write(void *ud, const void *data, size_t n) {
  buf *b = ud;
  if (b->len + n > b->cap) {
    b->cap = (b->len + n) * 2;
    b->p = realloc(b->p, b->cap);
    assert_non_null(b->p);
  }
  memcpy(b->p + b->len, data, n);
  b->len += n;
  return 0;
}

static long buf_fill(void *ud, void *out, size_t cap, cs_error *err) {
  (void)err;
  buf *b = ud;
  size_t n = b->len - b->pos;
  if (n > cap) n = cap;
  if (b->chunk && n > b->chunk) n = b->chunk;
  memcpy(out, b->p + b->pos, n);
  b->pos += n;
  return (long)n;
}

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
    assert_string_equal(back->runs[0].rows[0].code, "1813");
    assert_null(back->runs[0].rows[1].payee);
    assert_int_equal(back->runs[1].rows[0].total, -5);
    assert_int_equal(back->runs[0].years[0].nevents, 2);
    const cs_doc_row *p01 = &back->runs[1].rows[1];
    assert_string_equal(p01->code, "P01");
    assert_int_equal(p01->nservices, 2);
    assert_int_equal(p01->services[1].kroner, 40);
    assert_true(p01->money && p01->has_difference && !p01->settlement_only);
    assert_int_equal(p01->ninvoices, 2);
    assert_int_equal(p01->invoices[0].lines[2].settles, 2023);
    assert_true(back->runs[1].rows[2].settlement_only);
    assert_string_equal(back->runs[1].years[0].actual_net, "100.00");
    assert_string_equal(back->runs[0].years[0].events[1].other_name, "Trondheim");
    assert_null(back->runs[0].years[0].events[1].until);
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
  doc->runs[0].rows[0].total = 69473;
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
  char *kind = doc->runs[0].years[0].events[0].kind;
  doc->runs[0].years[0].events[0].kind = (char *)"vanished";
  assert_int_equal(cs_doc_check(doc, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "is no event"));
  doc->runs[0].years[0].events[0].kind = kind;
  char *until = doc->runs[0].years[0].events[0].until;
  doc->runs[0].years[0].events[0].until = NULL;
  assert_int_equal(cs_doc_check(doc, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "until"));
  doc->runs[0].years[0].events[0].until = until;
  /* the money cycle adds up: an instalment is its lines, the invoice its
  ** instalments and share plus settlement */
  cs_doc_row *p01 = &doc->runs[1].rows[1];
  p01->invoices[1].lines[0].amount = 31;
  assert_int_equal(cs_doc_check(doc, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "is not the sum of its lines"));
  p01->invoices[1].lines[0].amount = 30;
  p01->invoice = 108;
  assert_int_equal(cs_doc_check(doc, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "is not the share 100 plus the settlement 7"));
  p01->invoice = 107;
  doc->runs[1].rows[2].total = 5; /* a settlement-only row with a share */
  assert_int_equal(cs_doc_check(doc, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "a settlement-only row has no share"));
  doc->runs[1].rows[2].total = 0;
  assert_int_equal(cs_doc_check(doc, &err), 0);
  /* a row outside its run's years */
  doc->runs[0].rows[0].year = 2030;
  assert_int_equal(cs_doc_check(doc, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "outside the run"));
  doc->runs[0].rows[0].year = 2023;
  assert_int_equal(cs_doc_check(doc, &err), 0);
  cs_doc_free(doc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(round_trip), cmocka_unit_test(every_cut_refused), cmocka_unit_test(budget),
      cmocka_unit_test(forged_streams), cmocka_unit_test(forged_figures),
      cmocka_unit_test(texts_checked_on_arrival), cmocka_unit_test(texts_copied_when_sent),
      cmocka_unit_test(failed_document),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
