/*
** emit.c: a result document written as a report to a file (whole or not at
** all) or to standard output, for `coopsim run` and `coopsim runs export`.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "coopsim/doc.h"
#include "coopsim/report.h"

int cli_stdout_failure_told;

int cli_emit_doc(const cs_doc *doc, cs_report_format fmt, cs_report_lang lng, const char *out,
                 cs_error *err) {
  if (out) {
    int rc = cs_report_write(doc, fmt, lng, out, err);
    if (!rc) fprintf(stderr, "wrote %s\n", out);
    return rc;
  }
  int rc = cs_report_write_stream(doc, fmt, lng, stdout, "standard output", err);
  if (rc && ferror(stdout)) cli_stdout_failure_told = 1; /* err names it; the caller prints it */
  return rc;
}
