#ifndef COOPSIM_DOC_BUILD_H
#define COOPSIM_DOC_BUILD_H
/*
** The result document (doc.h) made from the results the C core computed
** (simulate.h): what `coopsim run` reports, stores and compares with golden
** files. Nothing of it comes from Lua tables a scenario can reach; the Lua
** binding hands over only the runs' names, years and results.
*/
#include <stddef.h>
#include "coopsim/doc.h"
#include "coopsim/doc_wire.h"
#include "coopsim/error.h"
#include "coopsim/simulate.h"

/* A new document without runs. version and scenario_file are copied and may
** be NULL. With explain 0 the parts get no explanation (a report that shows
** none is made faster: only the JSON document and stored runs carry them).
** The caller owns it (cs_doc_free); NULL when out of memory. */
cs_doc *cs_doc_new(const char *version, const char *scenario_file, int explain);

/* Appends a run: the scenario's name, its budget years and the results of
** its cooperations in order. Rows and years are those of every result in
** turn; the run's options line is the first result's. Everything is copied:
** the results may be freed afterwards. CS_ENOMEM, or CS_EINVAL when an
** amount cannot be written with two decimals; the document is unchanged on
** failure. */
int cs_doc_add_run(cs_doc *doc, const char *scenario, int from, int to,
                   const cs_result *const *results, size_t nresults, cs_error *err);

/* The runs of a scenario, as cs_doc_stream takes them. */
typedef struct cs_doc_results {
  const char *scenario;
  int from, to;
  const cs_result *const *results;
  size_t nresults;
} cs_doc_results;

/* Writes the document these runs make to w (doc_wire.h: the same records as
** cs_wire_put_doc of cs_doc_new and cs_doc_add_run's document), one run at a
** time: the results' own texts are used as they are, and a run's rows are
** made in the memory of the one before. explain as for cs_doc_new. On a
** failure the records end saying so (cs_wire_put_end) and CS_ENOMEM or
** CS_EINVAL (as cs_doc_add_run) is returned with the message. */
int cs_doc_stream(cs_wire_out *w, const char *version, const char *scenario_file,
                  const cs_doc_results *runs, size_t nruns, int explain, cs_error *err);

#endif
