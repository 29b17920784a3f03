/*
** requests.c: the files a sandboxed scenario asked for (r:write, r:save),
** carried out by the parent process (cli.h).
**
** Check and use the same object: the two folders a scenario may write below
** (the current folder and the scenario's own) are opened before it runs and
** held; a requested path is walked from the held folder one component at a
** time with O_NOFOLLOW (safe_path.h), and the report or the run store is
** then created relative to the last folder walked (atomic_file.h, rundb.h).
** No name is checked and then opened again by name, so a folder swapped
** for a symbolic link while the scenario runs, or while its files are
** written, cannot redirect a write.
*/
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "coopsim/doc.h"
#include "coopsim/report.h"
#include "coopsim/rundb.h"
#include "coopsim/safe_path.h"
#include "coopsim/sandbox.h"

struct cli_requests {
  const char *file; /* the scenario file, as given */
  const char *text; /* its bytes as they ran */
  size_t len;
  const cli_options *opt;
  int cwd_fd, scen_fd;          /* the two folders, held */
  char cwd_abs[PATH_MAX];       /* their absolute names at the start ("" when */
  char scen_abs[PATH_MAX];      /* unknown), for requests by absolute path */
  char scen_given[PATH_MAX];    /* the scenario's folder as given ("sub"); "" for "." */
  size_t n, done;               /* requests noted; carried out, in order */
  char *paths[CLI_MAX_REQUESTS];
};

static char *dupstr(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

cli_requests *cli_requests_open(const char *file, const char *text, size_t len, const cli_options *opt) {
  cli_requests *q = calloc(1, sizeof *q);
  if (!q) {
    fprintf(stderr, "coopsim run: %s: out of memory\n", file);
    return NULL;
  }
  q->file = file;
  q->text = text;
  q->len = len;
  q->opt = opt;
  q->scen_fd = -1;
  const char *slash = strrchr(file, '/');
  if (slash) snprintf(q->scen_given, sizeof q->scen_given, "%.*s", slash == file ? 1 : (int)(slash - file), file);
  q->cwd_fd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  q->scen_fd = q->scen_given[0] ? open(q->scen_given, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                                : fcntl(q->cwd_fd, F_DUPFD_CLOEXEC, 0);
  if (q->cwd_fd < 0 || q->scen_fd < 0) {
    fprintf(stderr, "coopsim run: %s: cannot open %s (%s); nothing was run\n", file,
            q->cwd_fd < 0 ? "the current folder" : "the scenario's folder", strerror(errno));
    cli_requests_close(q, 0);
    return NULL;
  }
  if (!getcwd(q->cwd_abs, sizeof q->cwd_abs)) q->cwd_abs[0] = '\0';
  if (!realpath(q->scen_given[0] ? q->scen_given : ".", q->scen_abs)) q->scen_abs[0] = '\0';
  if (strcmp(q->scen_given, ".") == 0) q->scen_given[0] = '\0';
  return q;
}

static int has_control(const char *s) {
  for (; *s; s++)
    if ((unsigned char)*s < 0x20 || *s == 0x7f) return 1;
  return 0;
}

/* Prints a requested path with control characters shown as '?' (never
** sent to the terminal as they are). */
static void print_path(const char *s) {
  for (; *s; s++) fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, stderr);
}

void cli_requests_close(cli_requests *q, int rc) {
  if (!q) return;
  /* say which files were written when not all were */
  if (rc != 0 && q->done < q->n && !(q->n == 1 && q->done == 0)) {
    fprintf(stderr, "coopsim run: %s: of the %zu files the scenario asked for, ", q->file, q->n);
    if (q->done == 0) fprintf(stderr, "none was written");
    for (size_t i = 0; i < q->n; i++) {
      fputs(i == 0 && q->done > 0 ? "written: " : i == q->done ? "; not written: " : ", ", stderr);
      print_path(q->paths[i]);
    }
    fputc('\n', stderr);
  }
  for (size_t i = 0; i < q->n; i++) free(q->paths[i]);
  if (q->cwd_fd >= 0) close(q->cwd_fd);
  if (q->scen_fd >= 0) close(q->scen_fd);
  free(q);
}

void cli_requests_drop_folders(cli_requests *q) {
  if (!q) return;
  if (q->cwd_fd >= 0) close(q->cwd_fd);
  if (q->scen_fd >= 0) close(q->scen_fd);
  q->cwd_fd = q->scen_fd = -1;
}

int cli_requests_note(cli_requests *q, const cli_request *req) {
  if (q->n == CLI_MAX_REQUESTS) {
    fprintf(stderr,
            "coopsim run: %s: the scenario asked for more than %d files (r:write, r:save); at most "
            "%d are written for a scenario file from someone else, so none was\n",
            q->file, CLI_MAX_REQUESTS, CLI_MAX_REQUESTS);
    return -1;
  }
  if (!(q->paths[q->n] = dupstr(req->path))) {
    fprintf(stderr, "coopsim run: %s: out of memory\n", q->file);
    return -1;
  }
  q->n++;
  return 0;
}

/* When path lies below the folder dir (as text), the rest after dir's "/". */
static const char *below(const char *path, const char *dir) {
  size_t n = strlen(dir);
  if (n == 0) return NULL;
  if (strcmp(dir, "/") == 0) return path[0] == '/' ? path + 1 : NULL;
  return strncmp(path, dir, n) == 0 && path[n] == '/' ? path + n + 1 : NULL;
}

/* The held folder a requested path starts from, and the rest of the path
** to walk from it; -1 when the path lies outside both folders. An absolute
** path must begin with one folder's absolute name (or the scenario's folder
** as given); a path that begins with the scenario's folder as given starts
** there (the folder opened before the run), any other relative path from
** the current folder. */
static int root_of(const cli_requests *q, const char *path, int *root, const char **rest) {
  if ((*rest = below(path, q->scen_given))) *root = q->scen_fd;
  else if (path[0] != '/') {
    *rest = path;
    *root = q->cwd_fd;
  } else if ((*rest = below(path, q->cwd_abs))) *root = q->cwd_fd;
  else if ((*rest = below(path, q->scen_abs))) *root = q->scen_fd;
  else return -1;
  return 0;
}

static int report_name(const char *path) {
  static const char *const exts[] = {".csv", ".json", ".md", ".xlsx", ".html", ".htm", ".txt"};
  size_t n = strlen(path);
  for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
    size_t m = strlen(exts[i]), j = 0;
    if (n < m) continue;
    while (j < m && (path[n - m + j] | 0x20) == exts[i][j]) j++;
    if (j == m) return 1;
  }
  return 0;
}

/* Writes the report req asks for into the walked folder t. */
static int carry_out_write(const cli_requests *q, const cli_request *req, const cs_doc *doc,
                           const cs_safe_target *t) {
  cs_error err = {0, ""};
  cs_report_format fmt;
  cs_report_lang lng = CS_LANG_EN;
  int rc = req->format ? cs_report_format_parse(req->format, &fmt, &err)
                       : cs_report_format_from_path(req->path, &fmt, &err);
  if (!rc) rc = req->lang ? cs_report_lang_parse(req->lang, &lng, &err) : cs_report_lang_default(&lng, &err);
  if (!rc) rc = cs_report_write_at(doc, fmt, lng, t, &err);
  if (rc) fprintf(stderr, "coopsim run: %s: write: %s\n", q->file, err.msg);
  else fprintf(stderr, "wrote %s\n", req->path);
  return rc ? 1 : 0;
}

/* Stores the runs of doc in the store in the walked folder t. */
static int carry_out_save(const cli_requests *q, const cli_request *req, const cs_doc *doc,
                          const cs_safe_target *t) {
  cs_error err = {0, ""};
  cs_rundb_options o = CS_RUNDB_OPTIONS_INIT;
  o.write = 1;
  o.dirfd = t->dirfd;
  o.name = t->name;
  cs_rundb *store = NULL;
  if (cs_rundb_open(&store, req->path, &o, &err)) {
    fprintf(stderr, "coopsim run: %s: save: %s; the scenario ran, but its runs were not stored\n", q->file,
            err.msg);
    return 1;
  }
  int rc = cli_runs_save_doc(store, doc, q->file, q->text, q->len, 0, NULL, q->opt);
  cs_rundb_close(store);
  return rc;
}

int cli_carry_out(cli_requests *q, const cli_request *req) {
  const char *what = strcmp(req->kind, "save") == 0 ? "save" : "write";
  if (has_control(req->path)) {
    fprintf(stderr, "coopsim run: %s: %s: the path holds a control character; not written\n", q->file, what);
    return 1;
  }
  if (q->done >= q->n || strcmp(q->paths[q->done], req->path) != 0) {
    fprintf(stderr, "coopsim run: %s: %s: \"%s\" was not among the files noted; not written\n", q->file,
            what, req->path);
    return 1;
  }
  int root;
  const char *rest;
  if (root_of(q, req->path, &root, &rest) != 0) {
    fprintf(stderr,
            "coopsim run: %s: %s: \"%s\" is outside the current folder and the scenario's folder; a "
            "scenario file from someone else may write only there (or run your own with --trusted); "
            "not written\n",
            q->file, what, req->path);
    return 1;
  }
  cs_error err = {0, ""};
  cs_safe_target t = CS_SAFE_TARGET_INIT;
  if (cs_safe_target_walk(&t, root, rest, req->path, &err) != 0) {
    fprintf(stderr, "coopsim run: %s: %s: %s; not written\n", q->file, what, err.msg);
    return 1;
  }
  /* a report keeps a report's extension (a store's name is r:save's) */
  if (strcmp(what, "write") == 0 && !report_name(t.name)) {
    fprintf(stderr,
            "coopsim run: %s: write: \"%s\" does not end in a report's extension (.csv .json .md .xlsx "
            ".html .htm .txt); not written\n",
            q->file, req->path);
    cs_safe_target_close(&t);
    return 1;
  }
  int rc = strcmp(what, "write") == 0 ? carry_out_write(q, req, req->doc, &t)
                                      : carry_out_save(q, req, req->doc, &t);
  cs_safe_target_close(&t);
  if (rc == 0) q->done++;
  return rc;
}
