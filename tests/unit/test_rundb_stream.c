/*
** test_rundb_stream.c: a worker's document saved as it arrives, as
** `coopsim run --db` does (cli/run.c save_arrived): the wire reader calls
** back as each run arrives whole (cs_wire_get_doc_each), each run goes into
** one open transaction (cs_rundb_save_begin, cs_rundb_save_run), and it is
** committed only once the whole document was read and checked. A document
** the checks refuse after every run was inserted leaves nothing stored.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "coopsim/doc_wire.h"
#include "rundb_testdoc.h"
#include "rundb_teststore.h"
#include "wire_membuf.h"

/* ---- the worker's stream, in memory ------------------------------------- */

static buf encode(const cs_doc *doc) {
  buf b = {NULL, 0, 0, 0, 1000}; /* read back 1 000 bytes at a time */
  cs_wire_out *w = cs_wire_out_new(buf_write, &b);
  assert_non_null(w);
  cs_wire_put_doc(w, doc);
  assert_int_equal(cs_wire_out_flush(w), 0);
  cs_wire_out_free(w);
  return b;
}

/* What the callback does with each run that arrives. */
typedef struct saver {
  cs_rundb *db;
  cs_rundb_saving *sv;
  size_t arrived;    /* runs called back for, in order */
  size_t refused;    /* calls with CS_WIRE_REFUSED (the document is freed next) */
  size_t bytes_read; /* of the stream when the first run was saved */
  buf *in;
  int rc;
  cs_error err;
} saver;

static void save_arrived(void *ud, const cs_doc *doc, size_t i) {
  saver *s = ud;
  assert_int_equal(s->refused, 0); /* nothing after the refusal */
  if (i == CS_WIRE_REFUSED) {
    s->refused++;
    return;
  }
  assert_int_equal(i, s->arrived); /* in order, each once */
  assert_int_equal(doc->nruns, i + 1);
  s->arrived++;
  if (s->rc) return;
  if (i == 0) {
    s->bytes_read = s->in->pos;
    s->rc = cs_rundb_save_begin(s->db, doc, &testmeta, &s->sv, &s->err);
  }
  if (!s->rc) s->rc = cs_rundb_save_run(s->sv, &doc->runs[i], &s->err);
}

static size_t stored_runs(cs_rundb *db) {
  cs_rundb_info *list;
  size_t n;
  cs_error err = {0, ""};
  if (cs_rundb_list(db, &list, &n, &err)) fail_msg("list: %s", err.msg);
  cs_rundb_info_free(list, n);
  return n;
}

/* Each run is saved as it arrives, the first before the rest of the stream
** was read, and the committed run is the document read. */
static void saved_as_it_arrives(void **state) {
  (void)state;
  cs_doc *doc = testdoc(3, 4, 20, "Stream");
  buf b = encode(doc);
  cs_rundb *db = open_write();
  saver s = {db, NULL, 0, 0, 0, &b, 0, {0, ""}};
  cs_wire_in *in = cs_wire_in_new(buf_fill, &b, 1u << 26);
  cs_doc *got = NULL;
  cs_error err = {0, ""};
  if (cs_wire_get_doc_each(in, 1000000, save_arrived, &s, &got, &err)) fail_msg("read: %s", err.msg);
  cs_wire_in_free(in);
  assert_int_equal(s.arrived, 3);
  assert_int_equal(s.refused, 0);
  if (s.rc) fail_msg("save: %s", s.err.msg);
  assert_true(s.bytes_read < b.len / 2); /* the first run was saved while the rest was still to come */
  int64_t id = -1;
  if (cs_rundb_save_commit(s.sv, &id, &err)) fail_msg("commit: %s", err.msg);
  assert_int_equal(id, 1);
  assert_true(loads_back(db, id, got));
  assert_true(docs_equal(doc, got));
  assert_int_equal(cs_rundb_verify(db, &err), 0);
  cs_rundb_close(db);
  cs_doc_free(got);
  cs_doc_free(doc);
  free(b.p);
}

/* The last run breaks a relation (a total that is not its exact share
** rounded): each run is checked as it arrives, so the two before it were
** handed over and inserted and the broken one never was; the document is
** refused with the check's message, and once the save is aborted nothing of
** it is stored; the store then takes a run as before. */
static void refused_document_saves_nothing(void **state) {
  (void)state;
  cs_doc *doc = testdoc(3, 2, 4, "Stream");
  doc->runs[2].rows[1].total += 1000;
  buf b = encode(doc);
  doc->runs[2].rows[1].total -= 1000;
  cs_rundb *db = open_write();
  saver s = {db, NULL, 0, 0, 0, &b, 0, {0, ""}};
  cs_wire_in *in = cs_wire_in_new(buf_fill, &b, 1u << 26);
  cs_doc *got = NULL;
  cs_error err = {0, ""};
  assert_int_equal(cs_wire_get_doc_each(in, 1000000, save_arrived, &s, &got, &err), CS_EINVAL);
  cs_wire_in_free(in);
  assert_null(got);
  if (!strstr(err.msg, "is not the exact share")) fail_msg("%s", err.msg);
  assert_int_equal(s.arrived, 2);
  assert_int_equal(s.refused, 1); /* told before the document was freed */
  if (s.rc) fail_msg("save: %s", s.err.msg); /* the two good ones were inserted */
  cs_rundb_save_abort(s.sv);
  assert_int_equal(stored_runs(db), 0);
  assert_int_equal(cs_rundb_verify(db, &err), 0);
  cs_rundb_save_abort(NULL); /* nothing */
  int64_t id = -1;
  if (cs_rundb_save(db, doc, &testmeta, &id, &err)) fail_msg("save: %s", err.msg);
  assert_int_equal(id, 1);
  assert_true(loads_back(db, id, doc));
  cs_rundb_close(db);
  cs_doc_free(doc);
  free(b.p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(saved_as_it_arrives, setup, teardown),
      cmocka_unit_test_setup_teardown(refused_document_saves_nothing, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
