#ifndef COOPSIM_ATOMIC_FILE_H
#define COOPSIM_ATOMIC_FILE_H
/*
** Whole files or nothing, in a folder held open (safe_path.h): the content
** is written to a new temporary file created in that folder with
** openat(O_CREAT | O_EXCL | O_NOFOLLOW), flushed to disk (fsync), then
** renamed over the target with renameat() in the same folder, and the
** folder is synced so the rename survives a crash. On any failure the
** temporary file is removed and the target is untouched.
**
** The target is checked first, relative to the same folder and without
** following a symbolic link: only a missing file or a regular file is
** replaced. A symbolic link, a folder, a device, a FIFO or a socket is
** refused, and so is a file that is an SQLite database (a run store or a
** registry): a report never replaces one.
*/
#include <stddef.h>
#include "coopsim/error.h"
#include "coopsim/safe_path.h"

/* Fills the temporary file: write through fd, or open fd_path by name (for
** libraries that take a file name): fd_path is "/proc/self/fd/N", which
** opens the very file fd refers to, wherever its folder has moved.
** Returns 0, or a CS_E* code with err set. */
typedef int (*cs_atomic_fill)(const char *fd_path, int fd, void *ud, cs_error *err);

/* Writes the file t->name in the folder t->dirfd through fill. The new file
** gets mode 0666 less the umask, as fopen would. CS_EINVAL when the target
** may not be replaced (the message says what it is), CS_EIO naming
** t->shown and the system's reason, or fill's own error; the temporary
** file is removed in each case. The target stays the caller's. */
int cs_atomic_write_at(const cs_safe_target *t, cs_atomic_fill fill, void *ud, cs_error *err);

/* cs_atomic_write_at for a path the user gave (cs_safe_target_open). */
int cs_atomic_write(const char *path, cs_atomic_fill fill, void *ud, cs_error *err);

/* Writes all n bytes of data to fd, again after a signal or a short write.
** 0, or -1 with errno set. */
int cs_write_all(int fd, const void *data, size_t n);

/* Asks the kernel to start writing fd's file to disk now, without waiting
** (Linux: sync_file_range; elsewhere nothing). A fill that writes a large
** file calls it now and then, so that the fsync before the file is put in
** place has little left to wait for. Changes no byte and no promise. */
void cs_writeback_start(int fd);

/* Writes len bytes of data as the whole content of the target. */
int cs_atomic_write_buffer_at(const cs_safe_target *t, const void *data, size_t len,
                              cs_error *err);

/* cs_atomic_write_buffer_at for a path the user gave. */
int cs_atomic_write_buffer(const char *path, const void *data, size_t len, cs_error *err);

#endif
