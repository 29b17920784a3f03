#ifndef COOPSIM_ATOMIC_FILE_H
#define COOPSIM_ATOMIC_FILE_H
/*
** Whole files or nothing: content is written to a temporary file in the
** target's directory (mkstemp), flushed to disk (fsync), then renamed over
** the target, and the directory is synced so the rename survives a crash.
** On any failure the temporary file is removed and the target is untouched.
*/
#include <stddef.h>
#include "coopsim/error.h"

/* Fills the temporary file: write through fd, or open tmp_path by name (for
** libraries that take a file name). Returns 0, or a CS_E* code with err set. */
typedef int (*cs_atomic_fill)(const char *tmp_path, int fd, void *ud, cs_error *err);

/* Writes `path` through fill. The new file gets mode 0666 less the umask,
** as fopen would. CS_EIO naming the path and the system's reason, or fill's
** own error; the temporary file is removed in both cases. */
int cs_atomic_write(const char *path, cs_atomic_fill fill, void *ud, cs_error *err);

/* Writes len bytes of data as the whole content of path (cs_atomic_write). */
int cs_atomic_write_buffer(const char *path, const void *data, size_t len, cs_error *err);

#endif
