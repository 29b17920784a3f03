#ifndef COOPSIM_SSB_IMPORT_H
#define COOPSIM_SSB_IMPORT_H
/*
** Importer from Statistics Norway's (SSB) published formats into coopsim's
** registry schema (see registry.h):
**   - KLASS classification 131 code lists ("Kommuneinndeling YYYY" JSON with
**     validFrom and classificationItems[]),
**   - KLASS change tables (JSON {"codeChanges":[...]}),
**   - StatBank population exports (table 07459) as SSB writes them:
**     ISO-8859-1 or UTF-8, tab / ';' / ',' separated, quoted or not, title
**     lines before the header, "K-" prefixed regions, CRLF; one row per
**     region and age ("Persons YYYY" columns), summed over age,
**   - coopsim's own population CSV (year,code,population) and the csdata
**     derived file (year,kommunenummer,kommunenavn,fylkesnummer,folkemengde,...).
** Import is all or nothing: every file is parsed and checked first, then the
** registry CSVs in the data folder are rewritten through temporary files and
** renamed into place.
*/
#include <stdio.h>
#include "coopsim/error.h"

typedef struct cs_import_report {
  int files;               /* files read */
  long municipalities_added, municipalities_changed;
  long population_added, population_changed;
  long changes_added;
} cs_import_report;

/* Imports the n files into the registry CSVs in data_dir (created if
** missing). On success fills *report (may be NULL) and returns 0. On any
** error nothing in data_dir is changed and the message names the file, line
** and value. */
int cs_ssb_import(const char *data_dir, const char *const *files, int n,
                  cs_import_report *report, cs_error *err);

/* The same into a registry stored in the SQLite database at path (created,
** starting from the built-in registry, if it does not exist): the tables are
** replaced in one transaction, so the database holds the old registry or the
** new one, never a mix. A database that is not a coopsim registry, or one
** from a newer coopsim, is refused before anything is written. */
int cs_registry_db_import(const char *path, const char *const *files, int n,
                          cs_import_report *report, cs_error *err);

/* Parses and checks n texts in memory exactly as cs_ssb_import does its
** files (format by content, encoding, every row, the merge and the split
** proxies), against an empty registry, and writes nothing. names[i] names
** texts[i] (lens[i] bytes; need not be NUL-terminated) in messages. For
** tests and fuzzing. 0 and *report (may be NULL), or the error
** cs_ssb_import would give for such files. */
int cs_ssb_check_texts(const char *const *names, const char *const *texts, const size_t *lens, int n,
                       cs_import_report *report, cs_error *err);

/* Prints a one-line report ("imported 3 files: municipalities ... population 4621 rows
** added, 0 changed; changes 509 added") to out. */
void cs_import_report_print(const cs_import_report *report, FILE *out);

#endif
