/*
** zip_write.h: a ZIP archive, the container of a workbook, written to an
** open file. Each entry is deflated whole by libdeflate (opened when the
** first archive is made, core/lazy_deflate.c), on a second thread while the
** caller builds the next entry; the calling thread helps when entries wait.
** Entries appear in the archive in the order they were added, dated
** 1980-01-01 00:00 (the earliest ZIP date, as libxlsxwriter writes), so the
** same entries make the same bytes.
**
** Not written: ZIP64. An archive whose entries or offsets would pass 4 GiB
** less one byte, or that holds 65 535 entries, is refused (CS_EOVERFLOW).
*/
#ifndef COOPSIM_ZIP_WRITE_H
#define COOPSIM_ZIP_WRITE_H

#include <stddef.h>
#include "coopsim/error.h"

typedef struct cs_zip cs_zip;

/* A new archive written from the current offset of fd, which the archive
** does not close; shown names the file in errors. Returns the archive, or
** NULL with err set: CS_EIO when libdeflate cannot be opened, CS_ENOMEM. */
cs_zip *cs_zip_new(int fd, const char *shown, cs_error *err);

/* Adds the entry name (a relative path with '/', 1 to 65 535 bytes) holding
** the len bytes at data. The archive takes data, which must come from
** malloc: it is freed once compressed, and also when this call fails.
** Returns 0, or the archive's first error with err set (CS_ENOMEM; CS_EIO
** naming shown and the system's reason; CS_EOVERFLOW past ZIP's limits;
** CS_EINVAL for a bad name); after a failure every call returns it. */
int cs_zip_add(cs_zip *z, const char *name, char *data, size_t len, cs_error *err);

/* cs_zip_add of a buffer of size bytes (size >= len) that the archive
** keeps once the entry is written, for cs_zip_spare to hand out again,
** instead of freeing it: a workbook's sheets, megabytes each, are then
** written into pages already touched rather than new ones (a first touch
** costs microseconds per 4 KB page on this project's machines). The
** archive keeps the two largest such buffers and frees the others.
** Returns and fails as cs_zip_add. */
int cs_zip_add_kept(cs_zip *z, const char *name, char *data, size_t len, size_t size, cs_error *err);
/* A buffer of at least min bytes that a written entry added with
** cs_zip_add_kept no longer needs, the smallest such, now the caller's
** (free it, or give it back through cs_zip_add_kept), its size in *size;
** NULL when the archive keeps none that large. Its bytes are unspecified. */
char *cs_zip_spare(cs_zip *z, size_t min, size_t *size);
/* cs_zip_add of a copy of the len bytes at data (which stays the caller's). */
int cs_zip_add_copy(cs_zip *z, const char *name, const char *data, size_t len, cs_error *err);

/* Compresses and writes the entries left, then the central directory.
** Frees z in every case. Returns 0, or the archive's first error with err
** set; the file is then not a whole archive (the caller discards it). */
int cs_zip_close(cs_zip *z, cs_error *err);

/* Frees z without finishing the archive (after an error elsewhere): the
** file holds no whole archive and the caller discards it. NULL is allowed. */
void cs_zip_abandon(cs_zip *z);

#endif
