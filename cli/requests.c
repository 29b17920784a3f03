/*
** requests.c: the files a sandboxed scenario asked for (r:write, r:save),
** carried out by the parent process after it checked the path.
*/
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"
#include "coopsim/doc.h"
#include "coopsim/report.h"
#include "coopsim/rundb.h"
#include "coopsim/sandbox.h"

/* 1 when a file the scenario asked for may be written at path: its folder
** must lie below the current directory or the scenario's folder. */
static int may_write(const char *path, const char *file, char *why, size_t why_size) {
  char dir[4096], real_dir[4096], cwd[4096], real_scen[4096], scen_dir[4096];
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
    snprintf(why, why_size, "\"%s\" is not a file name", path);
    return 0;
  }
  if (!slash) snprintf(dir, sizeof dir, ".");
  else if (slash == path) snprintf(dir, sizeof dir, "/");
  else snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
  const char *fs = strrchr(file, '/');
  if (!fs) snprintf(scen_dir, sizeof scen_dir, ".");
  else snprintf(scen_dir, sizeof scen_dir, "%.*s", (int)(fs - file), file);
  if (!realpath(dir, real_dir)) {
    snprintf(why, why_size, "\"%s\": %s", dir, strerror(errno));
    return 0;
  }
  for (const char *c = path; *c; c++) {
    /* "." and ".." are resolved below; other names starting with a dot are hidden */
    if ((c == path || c[-1] == '/') && c[0] == '.' && c[1] != '/' && c[1] != '\0' &&
        !(c[1] == '.' && (c[2] == '/' || c[2] == '\0'))) {
      snprintf(why, why_size, "\"%s\" names a hidden file or folder", path);
      return 0;
    }
    if ((unsigned char)*c < 0x20 || *c == 0x7f) {
      snprintf(why, why_size, "the path holds a control character");
      return 0;
    }
  }
  const char *ext = strrchr(base, '.');
  static const char *const allowed_ext[] = {".csv", ".json", ".md", ".xlsx", ".html", ".txt",
                                            ".db", ".sqlite", ".sqlite3", NULL};
  int ext_ok = 0;
  for (int i = 0; ext && allowed_ext[i]; i++) ext_ok |= strcmp(ext, allowed_ext[i]) == 0;
  if (!ext_ok) {
    snprintf(why, why_size,
             "\"%s\" does not end in a report's or a run store's extension (.csv .json .md "
             ".xlsx .html .txt, or .db .sqlite .sqlite3 for r:save)",
             path);
    return 0;
  }
  struct stat st;
  if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
    snprintf(why, why_size, "\"%s\" is a symbolic link; a scenario file from someone else "
             "may not write through one", path);
    return 0;
  }
  const char *roots[2] = {getcwd(cwd, sizeof cwd), realpath(scen_dir, real_scen)};
  for (int i = 0; i < 2; i++)
    if (roots[i] && cs_path_below(real_dir, roots[i])) return 1;
  snprintf(why, why_size,
           "\"%s\" is outside the current folder and the scenario's folder; a scenario "
           "file from someone else may write only there (or run your own with --trusted)",
           path);
  return 0;
}

/* Carries out a request a sandboxed scenario made (r:write, r:save). */
int cli_carry_out(const cli_request *req, const char *file, const cli_options *opt) {
  char why[1024];
  if (!may_write(req->path, file, why, sizeof why)) {
    fprintf(stderr, "coopsim run: %s: %s: %s; not written\n", file, req->kind, why);
    return 1;
  }
  cs_error err = {0, ""};
  const cs_doc *doc = req->doc;
  int rc = 0;
  if (strcmp(req->kind, "write") == 0) {
    cs_report_format fmt;
    cs_report_lang lng = CS_LANG_EN;
    rc = req->format ? cs_report_format_parse(req->format, &fmt, &err)
                     : cs_report_format_from_path(req->path, &fmt, &err);
    if (!rc && req->lang) rc = cs_report_lang_parse(req->lang, &lng, &err);
    if (!rc) rc = cs_report_write(doc, fmt, lng, req->path, &err);
    if (rc) fprintf(stderr, "coopsim run: %s: write: %s\n", file, err.msg);
    else fprintf(stderr, "wrote %s\n", req->path);
  } else {
    cs_rundb *store = cli_runs_open_store(req->path);
    rc = store ? cli_runs_save_doc(store, doc, file, 0, NULL, opt) : 1;
    cs_rundb_close(store);
  }
  return rc ? 1 : 0;
}
