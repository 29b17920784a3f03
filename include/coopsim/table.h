#ifndef COOPSIM_TABLE_H
#define COOPSIM_TABLE_H
/*
** Tables of figures by municipality that planners keep in spreadsheets
** (usage hours, inhabitants in an age group, unemployment), read from CSV
** for keys that share a cost in proportion to a column (cs.keys.by, SPEC
** §7.2 "Keys from a table"), and the lookup of each member's value in a
** budget year.
**
** The text a table is read from:
**   - UTF-8, with or without a byte order mark; a text that is not valid
**     UTF-8 is read as Windows-1252 (ISO-8859-1 plus 0x80-0x9F) and
**     converted. UTF-16 and NUL bytes are refused.
**   - Lines end in LF, CRLF or CR. The first line that is not blank is the
**     header; lines whose cells are all empty are skipped.
**   - Cells are separated by ';' when the header has a ';' outside quotes,
**     else by ','. A cell may be quoted ("1 234,5"; "" is a quote inside).
**     Spaces and no-break spaces around a cell are not part of it.
**   - The header names a column `code` or `kommune` (not both; case does
**     not matter), optionally `year`, and the value columns. A name given
**     twice is an error. Empty names at the end of the header are allowed
**     when every cell under them is empty (some programs end each line with
**     a separator).
**   - `code`: a municipality code of four digits; one to three digits is an
**     error suggesting the zero-padded code (Excel drops leading zeros).
**     `kommune`: a name or a code. `year`: a year of four digits.
**   - Value cells: a decimal number >= 0 with a decimal comma or point and
**     optionally spaces or no-break spaces (U+00A0, U+202F) between groups
**     of three digits ("12 345,5"), with at most CS_TABLE_WHOLE_DIGITS
**     digits before the decimal point (leading zeros aside) and
**     CS_TABLE_DECIMALS after it. A value column is checked when a key
**     uses it (cs_table_column): a column of names beside the codes does no
**     harm until then.
**   - A row with another number of cells than the header, and two rows with
**     the same member and year, are errors.
** Every error names the file, the line (1-based, the line where the row
** starts) and the value.
*/
#include <stddef.h>
#include "coopsim/date.h"
#include "coopsim/error.h"
#include "coopsim/q.h"
#include "coopsim/registry.h"

typedef struct cs_table cs_table;

#define CS_TABLE_WHOLE_DIGITS 15 /* 999 999 999 999 999 at most */
#define CS_TABLE_DECIMALS 12

typedef enum cs_table_encoding {
  CS_TABLE_UTF8,        /* UTF-8 without a byte order mark */
  CS_TABLE_UTF8_BOM,    /* UTF-8 with a byte order mark */
  CS_TABLE_WINDOWS_1252 /* not UTF-8: read as Windows-1252 and converted */
} cs_table_encoding;

/* Reads a table from the len bytes at `bytes` (need not end in NUL); `file`
** is the name errors use (copied). The caller owns *out (cs_table_free).
** CS_EINVAL with a message naming the file, the line and the value;
** CS_ENOMEM. */
int cs_table_parse(cs_table **out, const char *file, const char *bytes, size_t len,
                   cs_error *err);

/* Another reference to t (a key that reads a table keeps one); returns t.
** Thread-safe. */
cs_table *cs_table_retain(cs_table *t);

/* Drops one reference; the last frees the table. NULL is a no-op. */
void cs_table_free(cs_table *t);

/* The file name given to cs_table_parse, the separator, the encoding read. */
const char *cs_table_file(const cs_table *t);
char cs_table_separator(const cs_table *t);
cs_table_encoding cs_table_encoding_of(const cs_table *t);

/* 1 when the member column is `kommune` (names or codes), 0 for `code`. */
int cs_table_by_name(const cs_table *t);

/* 1 when the table has a `year` column. */
int cs_table_has_year(const cs_table *t);

/* The value columns (all but code/kommune and year), in header order. */
size_t cs_table_ncolumns(const cs_table *t);
const char *cs_table_column_name(const cs_table *t, size_t column);

/* Rows in file order (blank lines skipped): the line the row starts on,
** the member as written, its year (0 without a year column), and a cell as
** written (trimmed). */
size_t cs_table_nrows(const cs_table *t);
size_t cs_table_row_line(const cs_table *t, size_t row);
const char *cs_table_row_member(const cs_table *t, size_t row);
int cs_table_row_year(const cs_table *t, size_t row);
const char *cs_table_cell(const cs_table *t, size_t row, size_t column);

/* The value column named `name` (ASCII letters compared without case) in
** *out, after checking that every cell of it is a number >= 0. CS_ENOTFOUND
** naming the file and listing its value columns; CS_EINVAL naming the file,
** line, column and the first cell that is empty or not such a number. */
int cs_table_column(const cs_table *t, const char *name, size_t *out, cs_error *err);

/* The exact value of a cell; CS_EINVAL with a message as cs_table_column. */
int cs_table_value(const cs_table *t, size_t row, size_t column, cs_q *out, cs_error *err);

/* ---- each member's value in a budget year ---------------------------- */

/* Which rows a key reads for budget year Y: a table without a year column
** applies to every year (NONE); with one, a key must say BUDGET (the rows
** of year Y) or PREVIOUS (of year Y - 1). */
typedef enum cs_table_year {
  CS_TABLE_YEAR_NONE,
  CS_TABLE_YEAR_BUDGET,
  CS_TABLE_YEAR_PREVIOUS
} cs_table_year;

/* "none", "budget", "previous" (as a run's options line writes them). */
const char *cs_table_year_name(cs_table_year which);

/* CS_EINVAL naming the file when `which` does not suit the table (a year
** option for a table without a year column, or none for one with it). */
int cs_table_check_year(const cs_table *t, cs_table_year which, cs_error *err);

/* What the lookup needs of the registry, as two functions (core/registry.c
** answers them: cs_table_registry_resolver). The answers must not change
** while a table lives: a table keeps what it resolved, per resolver.
**   find: the four-digit code of the municipality `what` (a code or a
**     name) valid at `at`, into code; CS_ENOTFOUND or CS_EAMBIGUOUS with a
**     message.
**   successor: the code that holds code's territory at `to`, following the
**     changes after `from` (mergers, renumbering); CS_EAMBIGUOUS when it was
**     split (the message names the parts), CS_ENOTFOUND for an unknown code. */
typedef struct cs_table_resolver {
  int (*find)(void *ud, const char *what, cs_date at, char code[5], cs_error *err);
  int (*successor)(void *ud, const char *code, cs_date from, cs_date to, char out[5],
                   cs_error *err);
  void *ud;
} cs_table_resolver;

/* A resolver answered by the registry (cs_registry_find,
** cs_registry_successor); reg must outlive its use. */
void cs_table_registry_resolver(cs_table_resolver *out, const cs_registry *reg);

/* Each member's value in one budget year and the rows it came from. */
typedef struct cs_table_values {
  int row_year;       /* the year of the rows read; 0 for a table without years */
  cs_date row_date;   /* the date their codes and names were read at */
  size_t n;           /* members */
  cs_q *value;        /* value[i]: member i's value, exact */
  size_t *first, *count; /* member i's rows: rows[first[i] .. first[i] + count[i]) */
  size_t *rows;       /* row numbers for cs_table_row_*, in file order per member */
  size_t nunresolved; /* rows of that year naming no municipality on row_date */
  size_t *unresolved; /* (they belong to no member: the linter may warn) */
} cs_table_values;

/* The values of column `column` for members codes[0..n-1] (their codes in
** budget year `year`; names[i], which may be NULL, for messages) in budget
** year `year`. A row's code or name is read at 1 January of its year (of
** `year` for a table without years). A member's value is the sum of the
** rows whose municipality holds part of its territory in `year` (one row,
** or the rows of the municipalities that merged into it since the row's
** date, also when it kept one's code). Errors (CS_EINVAL), each naming the
** file: the year option does not suit the table; two rows that name the
** same municipality; a member without a row (the message names the member,
** the year, rows naming no municipality and municipalities split since,
** whose parts need rows of their own); every member's value 0. The caller
** owns *out (cs_table_values_free). */
int cs_table_lookup(const cs_table *t, size_t column, cs_table_year which, int year,
                    const cs_table_resolver *res, const char *const *codes,
                    const char *const *names, size_t n, cs_table_values **out, cs_error *err);

void cs_table_values_free(cs_table_values *v);

#endif
