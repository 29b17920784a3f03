/*
** atomic_file.c: whole files or nothing (atomic_file.h). POSIX: mkstemp,
** fsync, rename.
*/
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "coopsim/atomic_file.h"

/* fsync of the file at path (reopened: a library may have replaced our fd's
** view of it by opening the name itself). */
static int sync_path(const char *path, int dir) {
  int fd = open(path, dir ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  if (fd < 0) return -1;
  int rc = fsync(fd);
  /* some file systems refuse fsync on a directory: not worth failing for */
  if (rc != 0 && dir && (errno == EINVAL || errno == EBADF)) rc = 0;
  int saved = errno;
  close(fd);
  errno = saved;
  return rc;
}

int cs_atomic_write(const char *path, cs_atomic_fill fill, void *ud, cs_error *err) {
  const char *slash = strrchr(path, '/');
  size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
  const char *base = slash ? slash + 1 : path;
  if (*base == '\0') return cs_error_set(err, CS_EIO, "%s: not a file name", path);
  size_t n = strlen(path) + 16;
  char *tmp = malloc(n), *dir = malloc(dirlen + 2);
  if (!tmp || !dir) {
    free(tmp);
    free(dir);
    return cs_error_set(err, CS_ENOMEM, "%s: out of memory", path);
  }
  snprintf(tmp, n, "%.*s.%s.XXXXXX", (int)dirlen, path, base);
  snprintf(dir, dirlen + 2, "%.*s", dirlen ? (int)dirlen : 1, dirlen ? path : ".");
  int rc = 0;
  int fd = mkstemp(tmp);
  if (fd < 0) {
    rc = cs_error_set(err, CS_EIO, "%s: cannot create a file beside it (%s)", path, strerror(errno));
    goto done;
  }
  /* mkstemp makes 0600; a report is an ordinary file */
  mode_t mask = umask(0);
  umask(mask);
  if (fchmod(fd, 0666 & ~mask) != 0) {
    rc = cs_error_set(err, CS_EIO, "%s: %s", path, strerror(errno));
  }
  if (!rc) rc = fill(tmp, fd, ud, err);
  if (!rc && sync_path(tmp, 0) != 0) {
    rc = cs_error_set(err, CS_EIO, "%s: cannot flush it to disk (%s)", path, strerror(errno));
  }
  if (close(fd) != 0 && !rc) {
    rc = cs_error_set(err, CS_EIO, "%s: %s", path, strerror(errno));
  }
  if (!rc && rename(tmp, path) != 0) {
    rc = cs_error_set(err, CS_EIO, "%s: cannot put the file in place (%s)", path, strerror(errno));
  }
  if (rc) {
    remove(tmp);
    goto done;
  }
  if (sync_path(dir, 1) != 0) {
    rc = cs_error_set(err, CS_EIO, "%s: written, but its directory could not be synced (%s)", path,
                      strerror(errno));
  }
done:
  free(tmp);
  free(dir);
  return rc;
}

typedef struct buffer {
  const char *path;
  const char *data;
  size_t len;
} buffer;

static int fill_buffer(const char *tmp, int fd, void *ud, cs_error *err) {
  const buffer *b = ud;
  (void)tmp;
  size_t done = 0;
  while (done < b->len) {
    ssize_t w = write(fd, b->data + done, b->len - done);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return cs_error_set(err, CS_EIO, "%s: cannot write (%s)", b->path, strerror(errno));
    done += (size_t)w;
  }
  return 0;
}

int cs_atomic_write_buffer(const char *path, const void *data, size_t len, cs_error *err) {
  buffer b = {path, data, len};
  return cs_atomic_write(path, fill_buffer, &b, err);
}
