#ifndef COOPSIM_CLI_H
#define COOPSIM_CLI_H
/* The command-line client: helpers shared by the files in cli/ (internal). */
#include <lua.h>
#include <stddef.h>
#include <stdint.h>
#include "coopsim/report.h"

#define CLI_MAX_ALLOW_READ 7

typedef struct cli_options {
  const char *data_dir; /* --data-dir: registry CSVs instead of the embedded ones */
  const char *registry_db; /* --registry-db: a registry in an SQLite database */
  int trusted;          /* --trusted: scenario files get the whole standard library */
  size_t max_memory;    /* --max-memory MB, in bytes */
  unsigned long long max_instructions; /* --max-instructions N */
  double timeout;       /* --timeout S: wall clock per scenario file */
  size_t max_output;    /* --max-output MB, in bytes */
  long max_rows;        /* --max-rows N: result rows of all runs together */
  const char *allow_read[CLI_MAX_ALLOW_READ]; /* --allow-read DIR */
  int nallow_read;
} cli_options;

/* A fresh Lua state with the global `coopsim`. For a scenario file
** (`scenario` not NULL) the state is the sandbox (sandbox.h) unless
** --trusted was given; data files may then be read below the scenario's
** folder and the --allow-read folders. With scenario NULL (the REPL, -e) the
** state has the whole standard library: it runs what the user types.
** print_to_stderr sends print() to stderr. NULL (message on stderr) on
** failure; close it with cs_sandbox_close. */
lua_State *cli_new_state(const cli_options *opt, const char *scenario, int print_to_stderr);

/* The language of what scenarios print of results (print(r), comparisons,
** r:explain) in the states cli_new_state makes from now on (`coopsim run
** --lang`); without it COOPSIM_LANG decides, else English. */
void cli_set_lang(cs_report_lang lang);

/* [-0, +0, -] Runs the function below nargs arguments on the stack with a
** traceback handler; on error prints the message to stderr. Returns the
** lua_pcall status. */
int cli_pcall(lua_State *L, int nargs, int nresults);

/* Loads and runs FILE as a scenario (text only, within the state's limits);
** on failure prints the message (file, line, limit) to stderr. 0 or -1. */
int cli_dofile(lua_State *L, const char *file);

/* In a worker process, before the scenario runs: loads what the state needs
** and confines the process (lua_confine.h: a system-call filter, Landlock
** where offered) to reading below file's folder and the --allow-read
** folders and writing to stdout, stderr and fd. 0, or 1 after printing why
** (the scenario must then not run). */
int cli_confine_worker(lua_State *L, const char *file, const cli_options *opt, int fd);

/* With --data-dir or --registry-db, opens that registry once to say before
** anything runs whether it can be used; prints why not. 0 or 1. */
int cli_check_registry(const cli_options *opt);

/* Prints the scenario linter's warnings to stderr ("file:line: warning: ...")
** and returns their number. */
int cli_report_warnings(lua_State *L, const char *prefix);

/* Prints failed cs.expect checks to stderr; returns their number. */
int cli_report_expectations(lua_State *L);

/* `coopsim run FILE.lua ...` (run.c). */
int cli_run(int argc, char **argv, const cli_options *opt);

int cli_repl(const cli_options *opt);
int cli_test(int argc, char **argv, const cli_options *opt);
int cli_data(int argc, char **argv, const cli_options *opt);

/* Stored runs (runs.c). */
struct cs_rundb;
struct cs_rundb_meta;
struct cs_doc;
/* Opens the run store at path for `coopsim run --db` before anything runs;
** NULL after printing why it cannot be used. */
struct cs_rundb *cli_runs_open_store(const char *path);
/* Saves doc (the runs scenario file `file` made) with text (len bytes: the
** file's text exactly as it ran, read once by the caller; its SHA-256 is
** stored with it) and the options argv (file itself left out), and prints
** "saved run N to DB" once COMMIT succeeded, or the reason nothing was
** stored; returns 0 or 1. This is what a parent calls with the document a
** worker sent. */
int cli_runs_save_doc(struct cs_rundb *db, const struct cs_doc *doc, const char *file,
                      const char *text, size_t len, int argc, char **argv, const cli_options *opt);
/* What cli_runs_save_doc stores beside the document, in *meta: the
** registry's version and the options (argv without file) are allocated,
** freed by cli_runs_meta_free (also after a failure: then NULL). 0, or a
** CS_E* code with the message in err. */
int cli_runs_meta(struct cs_rundb_meta *meta, const char *file, const char *text, size_t len, int argc,
                  char **argv, const cli_options *opt, cs_error *err);
void cli_runs_meta_free(struct cs_rundb_meta *meta);
/* Prints "saved run ID to DB" when rc is 0, else the reason nothing was
** stored (err); returns 0 or 1, as cli_runs_save_doc. */
int cli_runs_saved(const struct cs_rundb *db, int rc, int64_t id, const cs_error *err);
/* 1 once a failed write to standard output has been told on stderr (the
** report's writer names it, and its caller prints that): the last checks of
** `runs` and main then only set the exit status, so that one failure is
** one message. */
extern int cli_stdout_failure_told;

/* Writes doc as a report in fmt/lng to the file out (whole or not at all;
** "wrote OUT" on stderr) or, with out NULL, to standard output. 0 or a
** CS_E* code with the message in err, which the caller prints. */
int cli_emit_doc(const struct cs_doc *doc, cs_report_format fmt, cs_report_lang lng,
                 const char *out, cs_error *err);

/* ---- Files a sandboxed scenario asks for (requests.c) ----------------------
** r:write and r:save in a scenario file from someone else are requests the
** parent carries out: below the current folder or the scenario's folder,
** both opened before the scenario runs and held, each path walked from
** there without following a symbolic link (safe_path.h). */
#define CLI_MAX_REQUESTS 16
typedef struct cli_requests cli_requests;

/* A file a sandboxed scenario asked for (r:write, r:save), as the parent
** read it from the worker. */
typedef struct cli_request {
  const char *kind;          /* "write" or "save" */
  const char *path;          /* as the scenario gave it */
  const char *format, *lang; /* NULL when not given */
  const struct cs_doc *doc;  /* the runs it names */
} cli_request;

/* Opens and holds the folders a sandboxed scenario `file` may write below
** (the current folder, the scenario's own), before it runs. text and len
** are the scenario's bytes as they ran, stored with r:save (the caller
** keeps them alive until cli_requests_close). NULL after printing why. */
cli_requests *cli_requests_open(const char *file, const char *text, size_t len, const cli_options *opt);

/* Notes a request before any is carried out, so that they are counted and,
** when one fails, listed. 0, or -1 after printing why (more than
** CLI_MAX_REQUESTS, out of memory): then none may be carried out. */
int cli_requests_note(cli_requests *q, const cli_request *req);

/* Carries out the next noted request (r:write, r:save) once its path is
** checked; prints what was written or why not. 0 or 1. */
int cli_carry_out(cli_requests *q, const cli_request *req);

/* For the worker process after fork: closes the held folders it inherited
** (O_CLOEXEC does not act on fork), so the sandbox holds no folder
** descriptor; q stays the parent's. NULL is allowed. */
void cli_requests_drop_folders(cli_requests *q);

/* Ends the requests: when rc is not 0 and a noted request was not carried
** out, prints which files were written and which were not. Frees q; NULL is
** allowed. */
void cli_requests_close(cli_requests *q, int rc);

/* The differences between the golden CSV `expected` and the `actual` CSV
** (golden.c): each a line to emit ("scenario S, C, member CODE NAME, year Y,
** column COL: expected E, actual A"), at most limit of them and then a line
** saying how many more. Returns the number of differences. */
size_t cli_golden_diff(const char *expected, size_t elen, const char *actual, size_t alen,
                       void (*emit)(const char *line, void *ud), void *ud, size_t limit);

/* `coopsim runs list|show|compare|export`. */
int cli_runs(int argc, char **argv, const cli_options *opt);

#endif
