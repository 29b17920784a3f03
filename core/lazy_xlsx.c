/*
** lazy_xlsx.c: libxlsxwriter loaded when a workbook is first written
** (lazy_xlsx.h). Each workbook function report_xlsx.c calls is defined here
** with <xlsxwriter.h>'s own name and type (the compiler checks them against
** the header) and calls the library's, found with dlsym once it is open.
** A function this list lacks is a link error, never a silent fallback.
*/
#define _POSIX_C_SOURCE 200809L
#include <xlsxwriter.h>
#include "coopsim/lazy_lib.h"
#include "coopsim/lazy_xlsx.h"

#define SONAME "libxlsxwriter.so." LXW_SOVERSION

/* Every function of <xlsxwriter.h> coopsim uses: R(type, name, (params),
** (args)) returns a value, V(name, (params), (args)) returns none. */
#define CS_XLSX_FUNCTIONS(R, V) \
  R(lxw_format *, workbook_add_format, (lxw_workbook *wb), (wb)) \
  V(format_set_num_format, (lxw_format *fmt, const char *numfmt), (fmt, numfmt)) \
  R(lxw_worksheet *, workbook_add_worksheet, (lxw_workbook *wb, const char *sheet), (wb, sheet)) \
  R(char *, lxw_strerror, (lxw_error e), (e)) \
  V(worksheet_freeze_panes, (lxw_worksheet *ws, lxw_row_t r, lxw_col_t c), (ws, r, c)) \
  V(format_set_bold, (lxw_format *fmt), (fmt)) \
  R(lxw_error, worksheet_write_string, (lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *str, lxw_format *fmt), \
    (ws, r, c, str, fmt)) \
  R(lxw_error, workbook_set_properties, (lxw_workbook *wb, lxw_doc_properties *props), (wb, props)) \
  R(lxw_workbook *, workbook_new, (const char *file), (file)) \
  R(lxw_error, workbook_close, (lxw_workbook *wb), (wb)) \
  V(lxw_rowcol_to_cell_abs, (char *cell, lxw_row_t r, lxw_col_t c, uint8_t ar, uint8_t ac), \
    (cell, r, c, ar, ac)) \
  V(lxw_rowcol_to_range_abs, (char *range, lxw_row_t r0, lxw_col_t c0, lxw_row_t r1, lxw_col_t c1), \
    (range, r0, c0, r1, c1)) \
  R(lxw_error, worksheet_write_number, (lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, double num, lxw_format *fmt), \
    (ws, r, c, num, fmt)) \
  R(lxw_error, worksheet_write_formula_num, (lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, const char *formula, lxw_format *fmt, double result), \
    (ws, r, c, formula, fmt, result)) \
  R(lxw_error, worksheet_write_datetime, (lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, lxw_datetime *dt, lxw_format *fmt), \
    (ws, r, c, dt, fmt)) \
  R(lxw_error, worksheet_set_column, (lxw_worksheet *ws, lxw_col_t c0, lxw_col_t c1, double w, lxw_format *fmt), \
    (ws, c0, c1, w, fmt)) \
  R(lxw_error, worksheet_insert_chart_opt, (lxw_worksheet *ws, lxw_row_t r, lxw_col_t c, lxw_chart *ch, lxw_chart_options *opt), \
    (ws, r, c, ch, opt)) \
  R(lxw_error, worksheet_add_table, (lxw_worksheet *ws, lxw_row_t r0, lxw_col_t c0, lxw_row_t r1, lxw_col_t c1, lxw_table_options *opt), \
    (ws, r0, c0, r1, c1, opt)) \
  R(lxw_chart *, workbook_add_chart, (lxw_workbook *wb, uint8_t type), (wb, type)) \
  V(format_set_text_wrap, (lxw_format *fmt), (fmt)) \
  V(format_set_font_size, (lxw_format *fmt, double size), (fmt, size)) \
  V(format_set_align, (lxw_format *fmt, uint8_t align), (fmt, align)) \
  V(chart_title_set_name, (lxw_chart *ch, const char *name), (ch, name)) \
  V(chart_set_series_gap, (lxw_chart *ch, uint16_t gap), (ch, gap)) \
  V(chart_series_set_values, (lxw_chart_series *se, const char *sheet, lxw_row_t r0, lxw_col_t c0, lxw_row_t r1, lxw_col_t c1), \
    (se, sheet, r0, c0, r1, c1)) \
  V(chart_series_set_name_range, (lxw_chart_series *se, const char *sheet, lxw_row_t r, lxw_col_t c), \
    (se, sheet, r, c)) \
  V(chart_series_set_fill, (lxw_chart_series *se, lxw_chart_fill *fill), (se, fill)) \
  V(chart_series_set_categories, (lxw_chart_series *se, const char *sheet, lxw_row_t r0, lxw_col_t c0, lxw_row_t r1, lxw_col_t c1), \
    (se, sheet, r0, c0, r1, c1)) \
  V(chart_legend_set_position, (lxw_chart *ch, uint8_t pos), (ch, pos)) \
  V(chart_axis_set_reverse, (lxw_chart_axis *ax), (ax)) \
  V(chart_axis_set_num_format, (lxw_chart_axis *ax, const char *numfmt), (ax, numfmt)) \
  V(chart_axis_set_name, (lxw_chart_axis *ax, const char *name), (ax, name)) \
  R(lxw_chart_series *, chart_add_series, (lxw_chart *ch, const char *cats, const char *values), \
    (ch, cats, values))

/* the library's functions, once loaded */
CS_XLSX_FUNCTIONS(CS_LAZY_POINTER_R, CS_LAZY_POINTER_V)

static const cs_lazy_sym syms[] = {CS_XLSX_FUNCTIONS(CS_LAZY_SYM_R, CS_LAZY_SYM_V)};
static cs_lazy_lib lib = CS_LAZY_LIB("libxlsxwriter", SONAME, "libxlsxwriter4", syms);

int cs_xlsx_load(const char *shown, cs_error *err) {
  if (cs_lazy_load(&lib)) return CS_OK;
  return cs_error_set(err, CS_EIO, "%s: cannot write the workbook: %s", shown ? shown : "workbook", lib.why);
}

/* A workbook function called before cs_xlsx_load: it loads the library, and
** stops the process through cs_lazy_need when it cannot be loaded (a defect
** in the caller rather than a call through a null pointer). */
CS_XLSX_FUNCTIONS(CS_LAZY_FORWARD_R, CS_LAZY_FORWARD_V)
