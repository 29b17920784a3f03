/*
** Fuzz harness: the binary records a worker sends its parent (doc_wire.h),
** read by the parent within a budget and checked (cs_doc_check). Whatever
** it accepts must write back as records it reads again to the same JSON.
*/
#include <stdlib.h>
#include <string.h>
#include "coopsim/doc_wire.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct mem {
  const uint8_t *p;
  size_t len, pos;
  uint8_t *out;
  size_t out_len, out_cap;
} mem;

static long fill(void *ud, void *buf, size_t cap, cs_error *err) {
  (void)err;
  mem *m = ud;
  size_t n = m->len - m->pos;
  if (n > cap) n = cap;
  if (n > 3) n = n / 2 + 1; /* as a pipe may: never the whole at once */
  memcpy(buf, m->p + m->pos, n);
  m->pos += n;
  return (long)n;
}

static int put(void *ud, const void *data, size_t n) {
  mem *m = ud;
  if (m->out_len + n > m->out_cap) {
    size_t cap = (m->out_len + n) * 2;
    uint8_t *p = realloc(m->out, cap);
    if (!p) return -1;
    m->out = p;
    m->out_cap = cap;
  }
  memcpy(m->out + m->out_len, data, n);
  m->out_len += n;
  return 0;
}

static cs_doc *read_doc(const uint8_t *data, size_t size, cs_error *err, int *rc) {
  mem m = {data, size, 0, NULL, 0, 0};
  cs_wire_in *in = cs_wire_in_new(fill, &m, (size_t)4 << 20);
  CHECK(in != NULL, "no reader");
  cs_doc *doc = NULL;
  *rc = cs_wire_get_doc(in, 100000, &doc, err);
  cs_wire_in_free(in);
  return doc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  cs_error err = {0, ""};
  int rc;
  cs_doc *doc = read_doc(data, size, &err, &rc);
  if (rc != 0) {
    CHECK(doc == NULL, "a document despite error %d", rc);
    CHECK(rc < 0 && err.msg[0], "error %d without a message", rc);
    return 0;
  }
  CHECK(doc != NULL, "success without a document");
  mem out = {NULL, 0, 0, NULL, 0, 0};
  cs_wire_out *w = cs_wire_out_new(put, &out);
  CHECK(w != NULL, "no writer");
  cs_wire_put_doc(w, doc);
  CHECK(cs_wire_out_flush(w) == 0, "an accepted document does not write");
  cs_wire_out_free(w);
  cs_doc *again = read_doc(out.out, out.out_len, &err, &rc);
  CHECK(rc == 0, "the written records are refused: %s", err.msg);
  char *a = cs_doc_to_json(doc), *b = cs_doc_to_json(again);
  CHECK(a && b && strcmp(a, b) == 0, "writing and reading again changed it:\n%s\n%s", a ? a : "", b ? b : "");
  free(a);
  free(b);
  free(out.out);
  cs_doc_free(doc);
  cs_doc_free(again);
  return 0;
}
