/*
** wire_membuf.h: a wire stream in memory for the tests of the worker's
** document (test_doc_wire, test_rundb_stream): buf_write appends what a
** cs_wire_out writes, buf_fill hands it to a cs_wire_in at most chunk bytes
** at a time (0: as much as asked), as a pipe gives what it has. The test
** frees p. Everything is static.
*/
#ifndef CS_WIRE_MEMBUF_H
#define CS_WIRE_MEMBUF_H

#include <stdlib.h>
#include <string.h>
#include "coopsim/error.h"

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

#endif
