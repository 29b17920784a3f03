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
#include "coopsim/error.h"
#include "coopsim/simulate.h"

/* A new document without runs. version and scenario_file are copied and may
** be NULL. The caller owns it (cs_doc_free); NULL when out of memory. */
cs_doc *cs_doc_new(const char *version, const char *scenario_file);

/* Appends a run: the scenario's name, its budget years and the results of
** its cooperations in order. Rows and years are those of every result in
** turn; the run's options line is the first result's. Everything is copied:
** the results may be freed afterwards. CS_ENOMEM, or CS_EINVAL when an
** amount cannot be written with two decimals; the document is unchanged on
** failure. */
int cs_doc_add_run(cs_doc *doc, const char *scenario, int from, int to,
                   const cs_result *const *results, size_t nresults, cs_error *err);

#endif
