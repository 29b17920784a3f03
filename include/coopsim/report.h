#ifndef COOPSIM_REPORT_H
#define COOPSIM_REPORT_H
/*
** Reports: a result document (doc.h) written as an aligned terminal table,
** CSV (',' or ';' with decimal comma), JSON, Markdown, an XLSX workbook or a
** self-contained HTML page with SVG charts, with labels and numbers in English
** or Norwegian bokmål. Any document with more than one run is also a
** comparison: runs[0] is the baseline, each later run is set against it,
** member by member (matched by cooperation, code and year).
*/
#include <stddef.h>
#include <stdio.h>
#include "coopsim/doc.h"
#include "coopsim/error.h"
#include "coopsim/safe_path.h"

typedef enum cs_report_format {
  CS_REPORT_TABLE, /* aligned columns for a terminal (UTF-8, widths in characters) */
  CS_REPORT_CSV,   /* ',' separated, decimal point, no BOM */
  CS_REPORT_CSV_NB,/* ';' separated, decimal comma, UTF-8 with a BOM (Norwegian Excel) */
  CS_REPORT_JSON,  /* the document itself (cs_doc_to_json) */
  CS_REPORT_MD,    /* Markdown tables */
  CS_REPORT_XLSX,  /* a workbook: one sheet per run and a comparison sheet */
  CS_REPORT_HTML,  /* one page, no external resources, inline SVG charts */
  CS_REPORT_INVOICES,   /* the invoice list (SPEC 7.3): every invoice line of every member
                        ** and year, CSV with ',' and decimal point; written to a path
                        ** ending in .xlsx, a workbook of it */
  CS_REPORT_INVOICES_NB /* the invoice list with ';', decimal comma and a BOM */
} cs_report_format;

typedef enum cs_report_lang {
  CS_LANG_EN, /* "1,234,567.50" */
  CS_LANG_NB  /* "1 234 567,50" */
} cs_report_lang;

/* The format named `name` ("table", "csv", "csv-nb", "json", "md", "xlsx",
** "html", "invoices", "invoices-nb"). CS_EINVAL with a message listing the
** formats when unknown. */
int cs_report_format_parse(const char *name, cs_report_format *out, cs_error *err);

/* The format a file name asks for by its extension (.csv .json .md .xlsx
** .html .htm .txt, any case); never the invoice list, which is asked for by
** name. CS_EINVAL naming the path when it has none of these. */
int cs_report_format_from_path(const char *path, cs_report_format *out, cs_error *err);

/* The format's name, as cs_report_format_parse takes it. A static string. */
const char *cs_report_format_name(cs_report_format format);

/* 1 for the formats that are text (all but xlsx; the invoice list is a
** workbook only when written to a .xlsx file). */
int cs_report_format_is_text(cs_report_format format);

/* The language named `name` ("en", "nb"; "no" is taken as "nb").
** CS_EINVAL naming the value when unknown. */
int cs_report_lang_parse(const char *name, cs_report_lang *out, cs_error *err);

/* The language reports take when none is given: COOPSIM_LANG from the
** environment ("en", "nb"; "no" is "nb"), English when it is unset or
** empty. LANG and LC_* are not read (a planner's machine language is not
** the language of the report a council reads). CS_EINVAL naming the
** variable and its value when it is set to something else; *out is then
** English. */
int cs_report_lang_default(cs_report_lang *out, cs_error *err);

/* Renders a text format into a new NUL-terminated buffer (*out, malloc'ed,
** the caller frees it; *len its length without the NUL, may be NULL).
** CS_EINVAL for xlsx (a workbook is written to a file: cs_report_write),
** CS_ENOMEM when out of memory. */
int cs_report_render(const cs_doc *doc, cs_report_format format, cs_report_lang lang, char **out,
                     size_t *len, cs_error *err);

/* Writes a text report to the open stream f (standard output), a megabyte
** at a time as it is made, and flushes f. CS_EIO naming `shown` and the
** system's reason when a write fails (what was written stays written),
** CS_EINVAL for xlsx, CS_ENOMEM. */
int cs_report_write_stream(const cs_doc *doc, cs_report_format format, cs_report_lang lang, FILE *f,
                           const char *shown, cs_error *err);

/* Writes the report to `path`, a path the user gave, atomically
** (atomic_file.h): a temporary file beside it is written, flushed to disk
** and renamed over path, so path holds either its old content or the whole
** report, never a part. A report never replaces what is not a regular file
** (a link, folder, device, FIFO or socket) nor an SQLite database, and is
** never written under a run store's name (.db .sqlite .sqlite3, or
** SQLite's -journal -wal -shm): CS_EINVAL naming path. CS_EIO naming the
** path and the system's reason (the temporary file removed), CS_EINVAL or
** CS_ENOMEM as cs_report_render. The invoice list (either format) written
** to a path ending in .xlsx (any case) is a workbook of it. */
int cs_report_write(const cs_doc *doc, cs_report_format format, cs_report_lang lang, const char *path,
                    cs_error *err);

/* A JSON report (cs_report_write with CS_REPORT_JSON) written as the
** document's runs arrive, on a thread of its own, into the temporary file
** that becomes path only when the document is accepted: the writing
** overlaps the transfer. The same bytes, file and messages as
** cs_report_write.
** cs_report_json_start: *out the stream, or NULL when it cannot be streamed
** (path not a file a report may take, out of memory, no thread): the
** caller then writes the report with cs_report_write once the document is
** whole, which says why. coopsim_version is the document's, and must stay
** until cs_report_json_end.
** cs_report_json_run: run i of the document has arrived (i = 0, 1, ... in
** order): its struct is copied; what it points to is read by the thread
** and must stay unchanged until cs_report_json_end.
** cs_report_json_end: joins the thread and frees s. keep 1: the document
** was accepted; its tail (scenario_file, the number of runs handed over) is
** written and the file put in place: 0, or as cs_report_write (CS_EIO naming
** the file, ...), err set; -1 when the stream gave up (out of memory) and
** nothing was written: the caller writes it with cs_report_write. keep 0:
** refused, the temporary file removed; returns 0. NULL s: 0. */
typedef struct cs_report_stream cs_report_stream;
void cs_report_json_start(cs_report_stream **out, const char *path, const char *coopsim_version);
void cs_report_json_run(cs_report_stream *s, const cs_doc_run *run);
int cs_report_json_end(cs_report_stream *s, int keep, const char *scenario_file, cs_error *err);

/* cs_report_write into a folder held open (safe_path.h): the file lands
** in target->dirfd whatever happened to the path since it was checked.
** target stays the caller's. */
int cs_report_write_at(const cs_doc *doc, cs_report_format format, cs_report_lang lang,
                       const cs_safe_target *target, cs_error *err);

#endif
