#ifndef COOPSIM_LAZY_XLSX_H
#define COOPSIM_LAZY_XLSX_H
/*
** libxlsxwriter loaded when a workbook is first written, not at start-up
** (core/lazy_xlsx.c). Loading it at every start cost more than the rest of
** coopsim's libraries together (it brings libcrypto, minizip and zlib):
** coopsim is not linked to it; lazy_xlsx.c defines the workbook functions
** report_xlsx.c calls (those of <xlsxwriter.h>, same names and types) and
** forwards each to the library, opened by its soname with dlopen.
*/
#include "coopsim/error.h"

/* Loads libxlsxwriter (soname libxlsxwriter.so.LXW_SOVERSION, from the
** Debian package libxlsxwriter4) once per process; thread-safe; later calls
** return at once. Call it before any workbook function (they load the
** library too, but abort the process when it cannot be loaded). Returns
** CS_OK, or CS_EIO with a message naming `shown` (the file being written),
** the library, its Debian package and the loader's reason. */
int cs_xlsx_load(const char *shown, cs_error *err);

#endif
