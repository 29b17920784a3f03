#ifndef COOPSIM_LAZY_DEFLATE_H
#define COOPSIM_LAZY_DEFLATE_H
/*
** libdeflate loaded when a workbook is first written, not at start-up
** (core/lazy_deflate.c): coopsim is not linked to it; lazy_deflate.c
** defines the functions zip_write.c calls (those of <libdeflate.h>, same
** names and types) and forwards each to the library, opened by its soname.
*/
#include "coopsim/error.h"

/* Loads libdeflate (libdeflate.so.0, Debian package libdeflate0) once per
** process; thread-safe; later calls return at once. Returns CS_OK, or CS_EIO
** with a message naming `shown` (the file being written), the library, its
** Debian package and the loader's reason. */
int cs_deflate_load(const char *shown, cs_error *err);

#endif
