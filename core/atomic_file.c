/*
** atomic_file.c: whole files or nothing, in a folder held open
** (atomic_file.h). POSIX: openat, fstatat, renameat, fsync; Linux:
** getrandom and /proc/self/fd for libraries that open by name.
*/
#define _GNU_SOURCE /* sync_file_range */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>
#include "coopsim/atomic_file.h"
#include "coopsim/temp_files.h"

/* What the entry at st is, in words, when it is not a regular file. */
static const char *kind_of(const struct stat *st) {
  if (S_ISLNK(st->st_mode)) return "a symbolic link";
  if (S_ISDIR(st->st_mode)) return "a folder";
  if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode)) return "a device";
  if (S_ISFIFO(st->st_mode)) return "a FIFO (named pipe)";
  if (S_ISSOCK(st->st_mode)) return "a socket";
  return "not a regular file";
}

/* 0 when t->name in t->dirfd is missing, or a regular file that is not an
** SQLite database: what a whole-file write may replace. */
static int check_target(const cs_safe_target *t, cs_error *err) {
  struct stat st, opened;
  if (fstatat(t->dirfd, t->name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return CS_OK;
    return cs_error_set(err, CS_EIO, "%s: cannot check it (%s)", t->shown, strerror(errno));
  }
  if (!S_ISREG(st.st_mode))
    return cs_error_set(err, CS_EINVAL,
                        "%s is %s; only a missing or regular file is replaced, so nothing was "
                        "written",
                        t->shown, kind_of(&st));
  /* the header, read from the object that was checked (O_NOFOLLOW, then the
  ** same device and inode) */
  int fd = openat(t->dirfd, t->name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0)
    return cs_error_set(err, CS_EIO, "%s: cannot read it to check what it is (%s); nothing was written",
                        t->shown, strerror(errno));
  char head[16];
  ssize_t n = 0;
  int rc = CS_OK;
  if (fstat(fd, &opened) != 0 || opened.st_dev != st.st_dev || opened.st_ino != st.st_ino) {
    rc = cs_error_set(err, CS_EINVAL, "%s changed while it was checked; nothing was written", t->shown);
  } else {
    do n = read(fd, head, sizeof head);
    while (n < 0 && errno == EINTR);
    if (n < 0)
      rc = cs_error_set(err, CS_EIO, "%s: cannot read it to check what it is (%s); nothing was written",
                        t->shown, strerror(errno));
    else if (n == (ssize_t)sizeof head && memcmp(head, "SQLite format 3", 16) == 0)
      rc = cs_error_set(err, CS_EINVAL,
                        "%s is an SQLite database (a run store?); a report never replaces one, so "
                        "nothing was written",
                        t->shown);
  }
  close(fd);
  return rc;
}

/* A temporary name beside name: ".NAME.XXXXXXXXXX", random letters, at
** most CS_SAFE_NAME_MAX bytes. */
static void temp_name(char *out, size_t size, const char *name, unsigned attempt) {
  static const char letters[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  unsigned char rnd[10];
  if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd) {
    /* no randomness: the process id and the attempt still differ per try */
    unsigned long v = (unsigned long)getpid() * 2654435761u + attempt * 40503u;
    for (size_t i = 0; i < sizeof rnd; i++, v /= 7) rnd[i] = (unsigned char)(v + i * 131u);
  }
  char suffix[sizeof rnd + 1];
  for (size_t i = 0; i < sizeof rnd; i++) suffix[i] = letters[rnd[i] % (sizeof letters - 1)];
  suffix[sizeof rnd] = '\0';
  int keep = (int)(CS_SAFE_NAME_MAX - 2 - sizeof rnd);
  snprintf(out, size, ".%.*s.%s", keep, name, suffix);
}

/* fsync of a folder; some file systems refuse it on a folder: not worth
** failing for. */
static int sync_folder(int dirfd) {
  if (fsync(dirfd) == 0) return 0;
  return errno == EINVAL || errno == EBADF ? 0 : -1;
}

int cs_atomic_write_at(const cs_safe_target *t, cs_atomic_fill fill, void *ud, cs_error *err) {
  if (!t || t->dirfd < 0 || !t->name[0])
    return cs_error_set(err, CS_EINVAL, "%s: no folder to write in", t && t->shown ? t->shown : "?");
  int rc = check_target(t, err);
  if (rc) return rc;
  /* O_EXCL | O_NOFOLLOW: a file or link already there under this name is
  ** never written through; another name is tried */
  char tmp[CS_SAFE_NAME_MAX + 1];
  int fd = -1, ticket = -1;
  /* listed for a signal that ends the process while it is filled (no signal
  ** handled in this thread between its creation and its listing) */
  sigset_t saved;
  cs_temp_files_block(&saved);
  for (unsigned attempt = 0; attempt < 100 && fd < 0; attempt++) {
    temp_name(tmp, sizeof tmp, t->name, attempt);
    fd = openat(t->dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0 && errno != EEXIST) break;
  }
  int open_errno = errno;
  if (fd >= 0) ticket = cs_temp_files_remember(t->dirfd, tmp);
  cs_temp_files_unblock(&saved);
  if (fd < 0)
    return cs_error_set(err, CS_EIO, "%s: cannot create a file beside it (%s)", t->shown, strerror(open_errno));
  char fd_path[64];
  snprintf(fd_path, sizeof fd_path, "/proc/self/fd/%d", fd);
  rc = fill(fd_path, fd, ud, err);
  /* 0600 while it was written; a report is an ordinary file */
  mode_t mask = umask(0);
  umask(mask);
  if (!rc && fchmod(fd, 0666 & ~mask) != 0)
    rc = cs_error_set(err, CS_EIO, "%s: %s", t->shown, strerror(errno));
  if (!rc && fsync(fd) != 0)
    rc = cs_error_set(err, CS_EIO, "%s: cannot flush it to disk (%s)", t->shown, strerror(errno));
  if (close(fd) != 0 && !rc) rc = cs_error_set(err, CS_EIO, "%s: %s", t->shown, strerror(errno));
  /* checked again just before: the fill may have taken a while */
  if (!rc) rc = check_target(t, err);
  if (!rc && renameat(t->dirfd, tmp, t->dirfd, t->name) != 0)
    rc = cs_error_set(err, CS_EIO, "%s: cannot put the file in place (%s)", t->shown, strerror(errno));
  if (rc) unlinkat(t->dirfd, tmp, 0);
  /* after the rename or the removal: a signal in between finds no file under tmp */
  cs_temp_files_forget(ticket);
  if (rc) return rc;
  if (sync_folder(t->dirfd) != 0)
    return cs_error_set(err, CS_EIO, "%s: written, but its folder could not be synced (%s)", t->shown,
                        strerror(errno));
  return CS_OK;
}

int cs_atomic_write(const char *path, cs_atomic_fill fill, void *ud, cs_error *err) {
  cs_safe_target t = CS_SAFE_TARGET_INIT;
  int rc = cs_safe_target_open(&t, path, err);
  if (!rc) rc = cs_atomic_write_at(&t, fill, ud, err);
  cs_safe_target_close(&t);
  return rc;
}

typedef struct buffer {
  const char *shown;
  const char *data;
  size_t len;
} buffer;

void cs_writeback_start(int fd) {
#if defined(__linux__)
  (void)sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE); /* a hint: its failure changes nothing */
#else
  (void)fd;
#endif
}

int cs_write_all(int fd, const void *data, size_t n) {
  const char *p = data;
  while (n) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return -1;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

static int fill_buffer(const char *fd_path, int fd, void *ud, cs_error *err) {
  const buffer *b = ud;
  (void)fd_path;
  if (cs_write_all(fd, b->data, b->len) != 0)
    return cs_error_set(err, CS_EIO, "%s: cannot write (%s)", b->shown, strerror(errno));
  return 0;
}

int cs_atomic_write_buffer_at(const cs_safe_target *t, const void *data, size_t len, cs_error *err) {
  buffer b = {t && t->shown ? t->shown : "?", data, len};
  return cs_atomic_write_at(t, fill_buffer, &b, err);
}

int cs_atomic_write_buffer(const char *path, const void *data, size_t len, cs_error *err) {
  cs_safe_target t = CS_SAFE_TARGET_INIT;
  int rc = cs_safe_target_open(&t, path, err);
  if (!rc) rc = cs_atomic_write_buffer_at(&t, data, len, err);
  cs_safe_target_close(&t);
  return rc;
}
