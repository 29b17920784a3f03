/*
** xlsx.h: a workbook (Office Open XML, SpreadsheetML) written straight to a
** ZIP archive (zip_write.h), part by part: each sheet is kept as XML until
** it ends, then handed to the archive, which deflates it on a second thread
** while the next sheet is written. No cell is kept once written.
**
** What it writes is what coopsim's reports need: document properties
** (title, comments, the time of writing), cell formats (bold, font size,
** wrapped text at the top of the cell, a number format), sheets of text
** (through the shared-string table), numbers, formulas with their values
** and dates, column widths, a frozen top-left pane, tables (ListObjects)
** with a filter on the header and an optional total row of SUBTOTAL
** formulas, and clustered bar charts with their series' cached values.
**
** Cells of a sheet come row by row, left to right (a cell out of that order
** is an error, never a silently reordered or dropped cell). Calls that add
** content return nothing: the workbook keeps its first error (out of
** memory, a bad argument, a write error of the archive), ignores every
** later call, and cs_xlsx_close reports it; cs_xlsx_failed says whether
** one happened.
**
** Text is UTF-8. Escaped for XML: & < > (and " in attributes). Characters
** XML 1.0 forbids (control characters but tab, line feed and carriage
** return) cannot reach the file: in a cell's text and in attributes (sheet,
** table and column names, number formats: OOXML's ST_Xstring) they are
** written as OOXML's _xHHHH_ escape, which Excel reads back as the
** character, so a table's column name still matches its header cell (and a
** literal "_xHHHH_" has its '_' escaped as _x005F_ so that it reads back as
** itself); in chart text, formulas and document properties each is
** replaced by U+FFFD. A byte that is not part of valid UTF-8, and U+FFFE
** and U+FFFF (valid UTF-8 but no XML character), become U+FFFD everywhere.
*/
#ifndef COOPSIM_XLSX_H
#define COOPSIM_XLSX_H

#include <stddef.h>
#include <stdint.h>
#include "coopsim/error.h"

typedef struct cs_xlsx cs_xlsx;

/* Excel's limits, checked */
#define CS_XLSX_ROWS 1048576u
#define CS_XLSX_COLS 16384u
#define CS_XLSX_TEXT_MAX 32767u /* characters in a cell */

/* A new workbook written to fd from its current offset (the workbook does
** not close fd); shown names the file in errors; title and comments are
** the document's properties (NULL: none). Returns the workbook, or NULL
** with err set: CS_ENOMEM, or the archive's error (CS_EIO when libdeflate
** cannot be loaded). */
cs_xlsx *cs_xlsx_new(int fd, const char *shown, const char *title, const char *comments, cs_error *err);

/* A cell format. Fields left 0 take the default: not bold, 11 points, no
** wrap, the General number format. */
typedef struct cs_xlsx_style {
  int bold;
  double size;            /* points; 0: 11 */
  int wrap_top;           /* wrapped text, aligned to the top of the cell */
  const char *num_format; /* e.g. "#,##0 \"kr\"", "yyyy-mm-dd"; NULL: General */
} cs_xlsx_style;

/* Adds a format; returns its number for the cell calls (1, 2, ...), or 0
** (the default format) with the workbook's error set. */
int cs_xlsx_format(cs_xlsx *x, const cs_xlsx_style *style);

/* Ends the sheet being written (its XML to the archive) and starts a new
** one named name (at most 31 characters, none of []:*?/\, unique without
** regard to case: the caller's to ensure; an empty or too long name is an
** error). Sheets appear in the order they are started; the first is the
** one shown when the file opens. */
void cs_xlsx_sheet(cs_xlsx *x, const char *name);

/* Freezes the first rows rows and cols columns of the sheet (0, 0: none);
** the last call for a sheet counts. */
void cs_xlsx_freeze(cs_xlsx *x, uint32_t rows, uint32_t cols);

/* Cells of the current sheet (0-based row and column; fmt 0 or a number
** from cs_xlsx_format). Text goes to the shared-string table (empty text
** is a blank cell: none at all without a format, as libxlsxwriter did); a number is
** written as printf's "%.16G" would, as libxlsxwriter did (a number that is
** not finite is an error); a formula (without '=') carries value, what a
** reader that does not calculate shows; a date is the day's Excel serial
** number (1900 system, from 1900-03-01; an earlier day is an error) shown
** through fmt. */
void cs_xlsx_string(cs_xlsx *x, uint32_t row, uint32_t col, const char *text, int fmt);
/* cs_xlsx_string for texts that repeat down a column at one address (a
** document's text, a literal): when a cell's text is at the address of the
** one kept last in its column and equal to it, its shared string is used
** without hashing and searching the table again. The same workbook as
** cs_xlsx_string, whatever the caller does with its buffers. */
void cs_xlsx_string_kept(cs_xlsx *x, uint32_t row, uint32_t col, const char *text, int fmt);
void cs_xlsx_number(cs_xlsx *x, uint32_t row, uint32_t col, double value, int fmt);
void cs_xlsx_formula(cs_xlsx *x, uint32_t row, uint32_t col, const char *formula, double value, int fmt);
void cs_xlsx_date(cs_xlsx *x, uint32_t row, uint32_t col, int year, int month, int day, int fmt);

/* The width of column col of the current sheet, in characters of the
** default font (as Excel's dialog), stored as Excel stores it (rounded to
** whole pixels). May come after the rows: the sheet is finished at its end. */
void cs_xlsx_width(cs_xlsx *x, uint32_t col, double width);

/* A table (ListObject) over columns 0 .. n-1 of the current sheet, its
** header on row 0, written here: call it before any other cell of the
** sheet. heads are the columns' names (unique without regard to case, not
** empty: the caller's to ensure), written with format head_fmt; name is the
** table's name (unique in the workbook, a valid Excel name). One table per
** sheet. */
void cs_xlsx_table_begin(cs_xlsx *x, const char *name, const char *const *heads, size_t n, int head_fmt);

/* Ends the table after its last data row last_row (>= 1; a table needs a
** data row, so 0 is taken as 1, left empty). With totals (n flags, as in
** cs_xlsx_table_begin), a total row follows: SUBTOTAL(109, column) with the
** value values[c] where totals[c] is 1, and label (may be NULL) in column
** label_col. Call it after the table's last row. */
void cs_xlsx_table_end(cs_xlsx *x, uint32_t last_row, const int *totals, const double *values, size_t label_col,
                       const char *label);

/* One series of a bar chart: categories and values from cells of the sheet
** named sheet (rows first_row .. last_row, columns cat_col and val_col),
** its name from the cell (name_row, name_col). The values those cells hold
** are cached in the chart (what a reader shows before it calculates):
** name, cats[] and values[], last_row - first_row + 1 of each (a cell that
** holds no number caches 0). colour is the bars' fill as 0xRRGGBB. */
typedef struct cs_xlsx_series {
  const char *sheet;
  uint32_t first_row, last_row, cat_col, val_col, name_row, name_col;
  const char *name;
  const char *const *cats;
  const double *values;
  uint32_t colour;
} cs_xlsx_series;

/* A clustered bar chart (bars across, categories down, the first at the
** top: the category axis reversed), with a title, the value axis' name and
** number format, the legend below and gap (per cent of a bar) between
** groups; its top-left corner on cell (row, col) of the current sheet,
** width x height pixels (columns of 64 and rows of 20 pixels, the
** defaults). The series are copied: they stay the caller's. */
typedef struct cs_xlsx_chart {
  const char *title;
  const char *axis_name;
  const char *axis_format;
  unsigned gap;
  uint32_t row, col;
  uint32_t width, height;
  const cs_xlsx_series *series;
  size_t nseries;
} cs_xlsx_chart;
void cs_xlsx_bar_chart(cs_xlsx *x, const cs_xlsx_chart *chart);

/* Writes the reference of cell (row, col) at out, each part absolute
** ('$') when asked: "B7", "$B7", "$B$7"; NUL-terminated, at most 16
** bytes. A row or column past Excel's limits is taken as the last one.
** Returns its length. */
size_t cs_xlsx_cell_ref(char *out, uint32_t row, uint32_t col, int abs_row, int abs_col);

/* The text of a number as cells and charts hold it (printf's "%.16G", as
** libxlsxwriter wrote), NUL-terminated, at out (at least 32 bytes); its
** length. A number that is not finite writes "" (cells refuse it). */
size_t cs_xlsx_num_text(char *out, double v);

/* Where escaped text goes (the header comment says what each does). */
typedef enum { CS_XLSX_ESC_CELL, CS_XLSX_ESC_ATTR, CS_XLSX_ESC_PLAIN } cs_xlsx_esc;

/* The n bytes at text escaped as the writer escapes them for a cell's text
** (CELL), an attribute (ATTR) or other element text (PLAIN): a new
** NUL-terminated string the caller frees, its length in *len (may be
** NULL); NULL when out of memory. */
char *cs_xlsx_escape(const char *text, size_t n, cs_xlsx_esc mode, size_t *len);

/* 1 once the workbook has an error (every later call is ignored). */
int cs_xlsx_failed(const cs_xlsx *x);

/* Ends the last sheet, writes the workbook's remaining parts and the
** archive's directory. Frees x in every case (NULL is allowed and fails
** with CS_EINVAL). Returns 0, or the workbook's first error with err set:
** CS_ENOMEM, CS_EINVAL (a call out of order or past Excel's limits, naming
** the sheet and cell), CS_EIO (the file, naming shown and the system's
** reason); the file then holds no whole workbook (the caller discards it). */
int cs_xlsx_close(cs_xlsx *x, cs_error *err);

/* Frees x without finishing the file (after an error elsewhere). NULL is
** allowed. */
void cs_xlsx_abandon(cs_xlsx *x);

#endif
