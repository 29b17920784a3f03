#ifndef COOPSIM_READFILE_H
#define COOPSIM_READFILE_H
/* Reading a whole file or stream into memory. */
#include <stddef.h>
#include <stdio.h>
#include "coopsim/error.h"

/* Reads everything from f into a new NUL-terminated buffer that the caller
** frees; *len (may be NULL) gets the byte count. NULL on a read error or no
** memory (the stream stays open). */
char *cs_read_stream(FILE *f, size_t *len);

/* Reads the file at path. NULL with CS_EIO (naming the path and the system's
** reason) or CS_ENOMEM in err. */
char *cs_read_file(const char *path, size_t *len, cs_error *err);

#endif
