#ifndef COOPSIM_RUNDB_H
#define COOPSIM_RUNDB_H
/*
** The run store: result documents (doc.h) kept in an SQLite file so that a
** run can be listed, shown, compared and exported later (`coopsim run FILE
** --db DB`, `coopsim runs ...`, `r:save(db)` in Lua).
**
** One stored run is one execution of a scenario file: its inputs (the file's
** name, text and SHA-256), the command-line options, the registry and coopsim
** versions, the time (UTC), and every run of the document with all its rows,
** parts and per-year totals. Money is stored as it is in the document: whole
** kroner as INTEGER, exact amounts as decimal text; every table is STRICT
** with CHECK constraints.
**
** Durability (RELIABILITY.md): a save is one BEGIN IMMEDIATE transaction with
** bound parameters only; it succeeds only when COMMIT returned SQLITE_DONE;
** on any error it issues ROLLBACK, so a run is either fully stored or absent.
** The file uses a rollback journal (journal_mode=DELETE) and
** synchronous=FULL: WAL needs shared memory beside the file, which network
** and synced folders (where planners keep shared files) do not provide
** safely, and leaves -wal/-shm files that a copied database silently lacks.
*/
#include <stddef.h>
#include <stdint.h>
#include "coopsim/doc.h"
#include "coopsim/error.h"

/* An open run store (one SQLite connection). */
typedef struct cs_rundb cs_rundb;

typedef struct cs_rundb_options {
  int write;        /* 1: create the file if missing and make sure it can be written */
  int busy_ms;      /* how long to wait for another process's lock */
  int dirfd;        /* -1, or a folder held open (safe_path.h): the store is `name` in it */
  const char *name; /* with dirfd: the file's name in that folder, one component */
} cs_rundb_options;
#define CS_RUNDB_OPTIONS_INIT {0, 5000, -1, NULL}

/* The file's identity: application_id "CooS" and the schema version. */
#define CS_RUNDB_APPLICATION_ID 0x436f6f53
#define CS_RUNDB_VERSION 3

/* Opens the run store at path. Before anything else it checks the file: an
** existing file must be a regular file, a coopsim run store
** (application_id) of a version this coopsim reads (user_version not
** newer) with all its tables and columns. With opt->write it must also
** pass PRAGMA quick_check (the whole file: runs are added to it); a reader
** checks what it reads instead (cs_rundb_load, cs_rundb_list; every page
** SQLite reads is checked closely, cell_size_check), and cs_rundb_verify
** checks the whole file on request.
** With opt->write the file is created (schema, application_id,
** user_version) when missing or empty, and a write lock is taken and
** released once, so that a read-only file or folder, or a lock another
** process holds past busy_ms, is refused now rather than after a long run.
** An existing store of an older version is upgraded to CS_RUNDB_VERSION
** first, in one transaction: when that fails (an amount that is not
** exactly coopsim's text, a full disk) the file is left as it was and the
** open fails with CS_EIO naming path.
** A new store is only created under a store's name (cs_rundb_is_store_name):
** a missing or empty file of another name is refused and left as it was;
** an existing store may have any name.
** Without write the file must exist and is only read (a hot journal left by
** a crashed writer is still rolled back). opt may be NULL (read, 5 s).
** With opt->dirfd >= 0 the store is opt->name inside that folder, opened
** through the held folder (never by its path) and never through a symbolic
** link; its journal lands beside it; `path` then only names it in messages
** (the folder is duplicated: it stays the caller's). On success *out is the
** caller's to cs_rundb_close. CS_EINVAL (not a run store, newer version,
** missing tables, read-only, not a store's name, not a regular file) or
** CS_EIO (cannot open, corrupt, locked) with a message naming path. */
int cs_rundb_open(cs_rundb **out, const char *path, const cs_rundb_options *opt, cs_error *err);

/* 1 when the last component of path ends in a run store's extension:
** .db, .sqlite or .sqlite3, in any case. */
int cs_rundb_is_store_name(const char *path);

/* Closes the store; NULL is allowed. */
void cs_rundb_close(cs_rundb *db);

/* The path the store was opened with, as messages show it (owned by db). */
const char *cs_rundb_path(const cs_rundb *db);

/* What a save records beside the document. */
typedef struct cs_rundb_meta {
  const char *registry_version; /* required: which registry the figures come from */
  const char *scenario_file;    /* the file's name; NULL: doc->scenario_file */
  const char *scenario_text;    /* the file's bytes, may be NULL (REPL, -e) */
  size_t scenario_len;
  const char *options;          /* the command-line options as text; NULL: "" */
} cs_rundb_meta;

/* Stores doc and meta as a new run in one BEGIN IMMEDIATE transaction and
** sets *id to its number. Returns 0 only after COMMIT succeeded; on any error
** the transaction is rolled back, *id is left alone and the message says that
** nothing was saved. The store must have been opened with write.
** CS_EINVAL (a value the schema refuses: the message names it) or CS_EIO. */
int cs_rundb_save(cs_rundb *db, const cs_doc *doc, const cs_rundb_meta *meta, int64_t *id,
                  cs_error *err);

/* cs_rundb_save in steps, for a document that arrives run by run (a
** worker's, read while the worker still sends: SQLite's inserts overlap the
** worker's work). cs_rundb_save_begin takes the write lock (BEGIN
** IMMEDIATE) and writes the run's header from head (its coopsim version and
** scenario file; its runs are not read) and meta; *out is the caller's, to
** end with cs_rundb_save_commit or cs_rundb_save_abort, and no other call
** may use the store meanwhile. cs_rundb_save_run writes the next run (the
** document's runs in order; run stays the caller's). cs_rundb_save_commit
** checks the run's references, COMMITs, sets *id and frees sv; it returns 0
** only after COMMIT succeeded. cs_rundb_save_abort rolls back and frees sv
** (NULL: nothing). On failure of begin nothing is left open (*out NULL);
** after a failed cs_rundb_save_run the caller aborts; a failed commit has
** rolled back and freed sv. Codes and messages as cs_rundb_save's.
** The steps may run on different threads (`coopsim run --db` inserts on a
** thread of its own), one at a time: the connection is opened without
** SQLite's mutex (SQLITE_OPEN_NOMUTEX), so the caller orders every use of
** db and sv (a mutex, a join) and nothing else uses db meanwhile. */
typedef struct cs_rundb_saving cs_rundb_saving;
int cs_rundb_save_begin(cs_rundb *db, const cs_doc *head, const cs_rundb_meta *meta, cs_rundb_saving **out,
                        cs_error *err);
int cs_rundb_save_run(cs_rundb_saving *sv, const cs_doc_run *run, cs_error *err);
int cs_rundb_save_commit(cs_rundb_saving *sv, int64_t *id, cs_error *err);
void cs_rundb_save_abort(cs_rundb_saving *sv);

/* One stored run's metadata, every string owned by the struct. */
typedef struct cs_rundb_info {
  int64_t id;
  char *created;          /* "2024-05-01T12:00:00Z", UTC */
  char *coopsim_version;  /* the coopsim that stored it */
  char *registry_version;
  char *scenario_file;    /* may be NULL */
  char *scenario_sha256;  /* 64 hex digits, NULL when no text was stored */
  char *scenario_text;    /* NUL-terminated; NULL unless cs_rundb_load filled it */
  size_t scenario_len;
  char *options;
  char *scenarios;        /* the runs' scenario names, ", "-separated */
  int nscenarios;
  int64_t nrows;
  char *damaged;          /* NULL; from cs_rundb_list, for a damaged run, what is
                          ** wrong ("runs, field \"created\": ..."), and then
                          ** every other field but id is NULL or 0 */
} cs_rundb_info;

/* Every stored run, oldest first, without scenario texts. Each run's row is
** checked as cs_rundb_load checks it (its texts, its time, its versions,
** SHA-256 and counts; not its scenario text's digest, which is not read): a
** run that fails is listed with its id and `damaged` set, the others as
** they are. On success *out is an array of *n infos the caller frees with
** cs_rundb_info_free(*out, *n). CS_EIO (the list cannot be read) or
** CS_ENOMEM. */
int cs_rundb_list(cs_rundb *db, cs_rundb_info **out, size_t *n, cs_error *err);

/* Frees n infos and the array; NULL is allowed. */
void cs_rundb_info_free(cs_rundb_info *infos, size_t n);

/* Reads stored run id back as a document equal to the one saved (every
** field, in order), in one read transaction. What it reads is checked: each
** value against the schema's CHECKs (type and range) and cs_doc_check, each
** child row as the next one of its parent and of this run, each stored
** count against the children read; a run that fails is an error naming
** what is wrong (CS_EIO "damaged" or "incomplete", CS_EINVAL from
** cs_doc_check), never a document. The document's texts and arrays are in
** its arena (doc.h). *doc is the caller's to cs_doc_free; info, if not NULL,
** gets the run's metadata with its scenario text (free its fields with
** cs_rundb_info_clear). CS_ENOTFOUND (no run id), CS_EIO, CS_EINVAL or
** CS_ENOMEM. */
int cs_rundb_load(cs_rundb *db, int64_t id, cs_doc **doc, cs_rundb_info *info, cs_error *err);

/* cs_rundb_load, with explanations 0 leaving the parts' explanations unread
** (NULL, doc->no_explanations set): for a report that shows none, which is
** every format but JSON, as `coopsim run` makes its documents. */
int cs_rundb_load_doc(cs_rundb *db, int64_t id, int explanations, cs_doc **doc, cs_rundb_info *info,
                      cs_error *err);

/* Frees the strings one info holds and zeroes it. */
void cs_rundb_info_clear(cs_rundb_info *info);

/* Checks the whole file: PRAGMA integrity_check and foreign_key_check, that
** every stored run has all the scenarios, rows, parts, years and amounts its
** counts promise, and every stored run read as cs_rundb_load reads it (so
** verify refuses whatever `runs show` or `runs export` would refuse; the
** tables' SQL is checked when the store is opened). 0 when all is well;
** CS_EIO, CS_EINVAL or CS_ENOMEM naming the first problem. */
int cs_rundb_verify(cs_rundb *db, cs_error *err);

/* The text a stored run records for the registry its figures come from:
** "embedded sha256:H", "data-dir DIR sha256:H" or "registry-db FILE
** sha256:H", where H is the first 16 hex digits of a SHA-256 over the
** registry's files (so two runs with the same H used the same figures).
** registry_db wins over data_dir; both NULL means the embedded registry. A
** malloc'ed string the caller frees; NULL with CS_EIO or CS_ENOMEM in err
** when a file cannot be read or nettle (the digests) cannot be loaded. */
char *cs_rundb_registry_version(const char *data_dir, const char *registry_db, cs_error *err);

#endif
