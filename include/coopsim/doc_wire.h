#ifndef COOPSIM_DOC_WIRE_H
#define COOPSIM_DOC_WIRE_H
/*
** The result document (doc.h) as compact binary records: what a sandboxed
** worker sends its parent. Numbers are LEB128 varints (signed ones
** zigzagged), texts are length-prefixed and said once: a text the stream
** has carried before (since the last document's end) is sent as its
** number. The reader is the trusted side: it pulls the bytes it needs from
** a source (a pipe under a deadline),
** checks every count against a memory budget before it allocates, and the
** document it makes passes cs_doc_check and cs_doc_check_relations (doc.h)
** before it is handed out. A
** stream starts with "CSW2", so that text from an older or another program
** is refused at once.
*/
#include <stddef.h>
#include <stdint.h>
#include "coopsim/doc.h"
#include "coopsim/error.h"

/* ---- writing --------------------------------------------------------------- */

typedef struct cs_wire_out cs_wire_out;

/* A writer that hands full buffers to write(ud, data, n) (0, or -1 on a
** failure). The caller owns it (cs_wire_out_free); NULL when out of memory. */
cs_wire_out *cs_wire_out_new(int (*write)(void *ud, const void *data, size_t n), void *ud);
void cs_wire_out_free(cs_wire_out *w);

/* Each put records a failure in w (the later ones do nothing);
** cs_wire_out_flush writes what is buffered and says whether every put and
** write succeeded: 0, or -1. */
void cs_wire_put_uint(cs_wire_out *w, uint64_t v);
void cs_wire_put_int(cs_wire_out *w, int64_t v);
/* NULL allowed. */
void cs_wire_put_str(cs_wire_out *w, const char *s);
void cs_wire_put_doc(cs_wire_out *w, const cs_doc *doc);

/* The same records one piece at a time (doc_build.h cs_doc_stream): the
** head, each run, then the end; cs_wire_put_end(w, 1) says the rest could
** not be made (the reader fails with CS_ERROR). */
void cs_wire_put_head(cs_wire_out *w, const char *version, const char *scenario_file);
void cs_wire_put_run(cs_wire_out *w, const cs_doc_run *run);
void cs_wire_put_end(cs_wire_out *w, int failed);
int cs_wire_out_flush(cs_wire_out *w);

/* ---- reading --------------------------------------------------------------- */

typedef struct cs_wire_in cs_wire_in;

/* A reader pulling bytes with fill(ud, buf, cap, err): the number of bytes
** read (> 0), 0 at the end of the data, or a negative CS_E* code with err
** set (a deadline passed). max_bytes bounds everything the reader takes and
** allocates: the bytes read and the documents made. The caller owns it
** (cs_wire_in_free); NULL when out of memory. */
cs_wire_in *cs_wire_in_new(long (*fill)(void *ud, void *buf, size_t cap, cs_error *err), void *ud,
                           size_t max_bytes);
void cs_wire_in_free(cs_wire_in *r);

/* Each get returns 0, or a CS_E* code with a message naming what was being
** read (CS_EINVAL for malformed data, CS_ENOMEM past the budget, the fill's
** own code). Texts are malloc'ed and the caller's; NULL stays NULL. */
int cs_wire_get_uint(cs_wire_in *r, uint64_t max, uint64_t *out, const char *what, cs_error *err);
int cs_wire_get_int(cs_wire_in *r, int64_t *out, const char *what, cs_error *err);
int cs_wire_get_str(cs_wire_in *r, char **out, const char *what, cs_error *err);

/* Reads a document of at most max_rows rows in all and checks it as a
** simulated run's, each run as it arrives: every figure and text alone
** (cs_doc_check_run), then the relations every simulated run's figures
** have (cs_doc_check_run_relations:
** each total its exact share rounded, the parts adding up to it, a year's
** sum_shares its rows' totals, its net the cost less the grants and its
** balance sum_shares less the net, the years spanning the run). On success *out
** is the caller's (cs_doc_free). On failure *out is NULL, nothing read is
** kept, the reader refuses any later document, and the code is CS_EINVAL
** for malformed or inconsistent data (the message names the run, row or
** year and field, and says what does not add up), CS_ENOMEM past the
** budget or out of memory, CS_ERROR when the worker said it could not make
** the rest, or the fill's own code. */
int cs_wire_get_doc(cs_wire_in *r, size_t max_rows, cs_doc **out, cs_error *err);

/* Called by cs_wire_get_doc_each once run i of doc has arrived whole and
** was checked (its rows and years read, each text checked as it came, then
** the run's figures and their relations: cs_doc_check_run, _relations),
** before the next is read and before the document's size is checked: it may
** read the run (a save that is rolled back when the document is refused). doc->runs grows as
** runs arrive, so the run's struct moves; what it points to (rows, years,
** texts: the document's arena) stays where it is, unchanged, until the
** document is freed, and may be read meanwhile, from another thread too.
** When the reader refuses the document it calls the function once more,
** with i == CS_WIRE_REFUSED, before it frees the document: from its return
** nothing of the document may be read any more. */
typedef void cs_wire_run_fn(void *ud, const cs_doc *doc, size_t i);
#define CS_WIRE_REFUSED SIZE_MAX

/* cs_wire_get_doc, calling arrived (when not NULL) as each run arrives,
** and when the document is refused (cs_wire_run_fn). */
int cs_wire_get_doc_each(cs_wire_in *r, size_t max_rows, cs_wire_run_fn *arrived, void *ud, cs_doc **out,
                         cs_error *err);

/* 1 when the source has no more bytes (after the last get). */
int cs_wire_at_end(cs_wire_in *r, cs_error *err);

#endif
