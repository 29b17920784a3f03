/*
** report.c: choosing a report's format and language, rendering it, and
** writing it to a file whole or not at all (report.h).
*/
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "coopsim/atomic_file.h"
#include "coopsim/report.h"
#include "coopsim/rundb.h"
#include "report_internal.h"

static const char *const format_names[] = {"table", "csv",  "csv-nb",   "json",       "md",
                                           "xlsx",  "html", "invoices", "invoices-nb"};
#define FORMAT_LIST "table, csv, csv-nb, json, md, xlsx, html, invoices, invoices-nb"

int cs_report_format_parse(const char *name, cs_report_format *out, cs_error *err) {
  for (size_t i = 0; i < sizeof format_names / sizeof format_names[0]; i++) {
    if (strcmp(name, format_names[i]) == 0) {
      *out = (cs_report_format)i;
      return 0;
    }
  }
  return cs_error_set(err, CS_EINVAL, "unknown format \"%s\" (" FORMAT_LIST ")", name);
}

const char *cs_report_format_name(cs_report_format format) {
  return (size_t)format < sizeof format_names / sizeof format_names[0] ? format_names[format] : "?";
}

int cs_report_format_is_text(cs_report_format format) { return format != CS_REPORT_XLSX; }

static int ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), m = strlen(suffix);
  if (m > n) return 0;
  for (size_t i = 0; i < m; i++) {
    char a = s[n - m + i], b = suffix[i];
    if (a >= 'A' && a <= 'Z') a = (char)(a - 'A' + 'a');
    if (a != b) return 0;
  }
  return 1;
}

int cs_report_format_from_path(const char *path, cs_report_format *out, cs_error *err) {
  static const struct {
    const char *ext;
    cs_report_format format;
  } exts[] = {{".csv", CS_REPORT_CSV},   {".json", CS_REPORT_JSON}, {".md", CS_REPORT_MD},
              {".xlsx", CS_REPORT_XLSX}, {".html", CS_REPORT_HTML}, {".htm", CS_REPORT_HTML},
              {".txt", CS_REPORT_TABLE}};
  for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
    if (ends_with(path, exts[i].ext)) {
      *out = exts[i].format;
      return 0;
    }
  }
  return cs_error_set(err, CS_EINVAL,
                      "%s: cannot tell the format from the file name (.csv .json .md .xlsx .html .txt); "
                      "give it (" FORMAT_LIST ")",
                      path);
}

int cs_report_lang_parse(const char *name, cs_report_lang *out, cs_error *err) {
  if (strcmp(name, "en") == 0) *out = CS_LANG_EN;
  else if (strcmp(name, "nb") == 0 || strcmp(name, "no") == 0) *out = CS_LANG_NB;
  else return cs_error_set(err, CS_EINVAL, "unknown language \"%s\" (en, nb)", name);
  return 0;
}

/* Renders a text format into b (which may have a sink). 0, or an error set. */
static int render_into(const cs_doc *doc, cs_report_format format, cs_report_lang lang, cs_sb *b,
                       cs_error *err) {
  int rc = 0;
  switch (format) {
  case CS_REPORT_TABLE: rc = cs_report_table(doc, lang, b, err); break;
  case CS_REPORT_CSV: rc = cs_report_csv(doc, lang, 0, b); break;
  case CS_REPORT_CSV_NB: rc = cs_report_csv(doc, lang, 1, b); break;
  case CS_REPORT_MD: rc = cs_report_markdown(doc, lang, b, err); break;
  case CS_REPORT_HTML: rc = cs_report_html(doc, lang, b, err); break;
  case CS_REPORT_INVOICES: rc = cs_report_invoices_csv(doc, lang, 0, b); break;
  case CS_REPORT_INVOICES_NB: rc = cs_report_invoices_csv(doc, lang, 1, b); break;
  case CS_REPORT_JSON:
    rc = cs_doc_json_sb(doc, b);
    if (rc == CS_EINVAL) return cs_error_set(err, CS_EINVAL, "a text of the results is not UTF-8");
    break;
  case CS_REPORT_XLSX:
    return cs_error_set(err, CS_EINVAL, "an xlsx workbook is binary: write it to a file (--out FILE.xlsx)");
  default: return cs_error_set(err, CS_EINVAL, "unknown report format %d", (int)format);
  }
  if (rc == 0 && b->oom) rc = CS_ENOMEM;
  if (rc == CS_ENOMEM && !b->sink_failed)
    cs_error_set(err, CS_ENOMEM, "out of memory writing the %s report", cs_report_format_name(format));
  return rc;
}

int cs_report_render(const cs_doc *doc, cs_report_format format, cs_report_lang lang, char **out, size_t *len,
                     cs_error *err) {
  *out = NULL;
  if (len) *len = 0;
  cs_sb b = {0};
  int rc = render_into(doc, format, lang, &b, err);
  if (rc) {
    cs_sb_free(&b);
    return rc;
  }
  *out = cs_sb_take(&b, len);
  return *out ? 0 : cs_error_set(err, CS_ENOMEM, "out of memory");
}

/* Renders a text format through sink (what the writer has made goes out a
** CS_SB_SPILL at a time, cs_sb_spill, and the rest at the end). *failed: the
** sink refused; the error is then the caller's to say. */
static int render_to(const cs_doc *doc, cs_report_format format, cs_report_lang lang,
                     int (*sink)(void *, const char *, size_t), void *ud, int *failed, cs_error *err) {
  cs_sb b = {0};
  cs_sb_sink_start(&b, sink, ud);
  int rc = render_into(doc, format, lang, &b, err);
  if (!rc && b.len && sink(ud, b.s, b.len) != 0) b.sink_failed = 1;
  *failed = b.sink_failed;
  cs_sb_free(&b);
  return rc;
}

static int write_stream(void *ud, const char *s, size_t n) {
  cs_sink_job *job = ud;
  if (fwrite(s, 1, n, job->f) == n) return 0;
  job->errno_ = errno ? errno : EIO;
  return -1;
}

int cs_report_write_stream(const cs_doc *doc, cs_report_format format, cs_report_lang lang, FILE *f,
                           const char *shown, cs_error *err) {
  cs_sink_job job = {f, -1, 0, 0};
  int failed;
  errno = 0;
  int rc = render_to(doc, format, lang, write_stream, &job, &failed, err);
  if (!failed && fflush(f) != 0) {
    job.errno_ = errno ? errno : EIO;
    failed = 1;
  }
  if (failed) rc = cs_error_set(err, CS_EIO, "%s: %s", shown, strerror(job.errno_));
  return rc;
}

/* Write-back is started every 8 MB written: a national JSON or HTML report
** is some 80 MB, and the fsync that puts it in place then waits for little. */
#define WRITEBACK_EVERY ((size_t)8 << 20)

int cs_sink_fd(void *ud, const char *s, size_t n) {
  cs_sink_job *job = ud;
  if (cs_write_all(job->fd, s, n) != 0) {
    job->errno_ = errno;
    return -1;
  }
  if ((job->unsynced += n) >= WRITEBACK_EVERY) {
    cs_writeback_start(job->fd);
    job->unsynced = 0;
  }
  return 0;
}

/* A text report streamed into the temporary file (cs_atomic_write_at). */
typedef struct text_job {
  const char *shown;
  const cs_doc *doc;
  cs_report_format format;
  cs_report_lang lang;
} text_job;

static int fill_text(const char *fd_path, int fd, void *ud, cs_error *err) {
  (void)fd_path;
  const text_job *t = ud;
  cs_sink_job job = {NULL, fd, 0, 0};
  int failed;
  int rc = render_to(t->doc, t->format, t->lang, cs_sink_fd, &job, &failed, err);
  if (failed) rc = cs_error_set(err, CS_EIO, "%s: cannot write (%s)", t->shown, strerror(job.errno_));
  return rc;
}

typedef struct xlsx_job {
  const char *shown;
  const cs_doc *doc;
  cs_report_lang lang;
  int invoices; /* the invoice list's workbook */
} xlsx_job;

/* The workbook goes straight into the temporary file. */
static int fill_xlsx(const char *fd_path, int fd, void *ud, cs_error *err) {
  (void)fd_path;
  const xlsx_job *job = ud;
  if (job->invoices) return cs_report_invoices_xlsx(job->doc, job->lang, fd, job->shown, err);
  return cs_report_xlsx(job->doc, job->lang, fd, job->shown, err);
}

int cs_report_store_name(const char *name) {
  return cs_rundb_is_store_name(name) || ends_with(name, "-journal") || ends_with(name, "-wal") ||
         ends_with(name, "-shm");
}

int cs_report_write_at(const cs_doc *doc, cs_report_format format, cs_report_lang lang,
                       const cs_safe_target *target, cs_error *err) {
  if (cs_report_store_name(target->name))
    return cs_error_set(err, CS_EINVAL,
                        "%s: a report is not written under a run store's name (.db .sqlite "
                        ".sqlite3, or SQLite's -journal -wal -shm); nothing was written",
                        target->shown);
  /* the invoice list to a workbook's name: the workbook of it */
  int invoice_book = (format == CS_REPORT_INVOICES || format == CS_REPORT_INVOICES_NB) && ends_with(target->name, ".xlsx");
  if (format == CS_REPORT_XLSX || invoice_book) {
    xlsx_job job = {target->shown, doc, lang, invoice_book};
    return cs_atomic_write_at(target, fill_xlsx, &job, err);
  }
  text_job job = {target->shown, doc, format, lang};
  return cs_atomic_write_at(target, fill_text, &job, err);
}

int cs_report_write(const cs_doc *doc, cs_report_format format, cs_report_lang lang, const char *path,
                    cs_error *err) {
  cs_safe_target target = CS_SAFE_TARGET_INIT;
  int rc = cs_safe_target_open(&target, path, err);
  if (!rc) rc = cs_report_write_at(doc, format, lang, &target, err);
  cs_safe_target_close(&target);
  return rc;
}
