/*
** safe_path.c: a folder held open and a name in it (safe_path.h). POSIX:
** open, openat with O_DIRECTORY | O_NOFOLLOW.
*/
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "coopsim/safe_path.h"

static char *dupstr(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

void cs_safe_target_close(cs_safe_target *t) {
  if (!t) return;
  if (t->dirfd >= 0) close(t->dirfd);
  free(t->shown);
  t->dirfd = -1;
  t->name[0] = '\0';
  t->shown = NULL;
}

/* Starts *out closed with a copy of shown; CS_ENOMEM. */
static int begin(cs_safe_target *out, const char *shown, cs_error *err) {
  out->dirfd = -1;
  out->name[0] = '\0';
  out->shown = dupstr(shown);
  return out->shown ? CS_OK : cs_error_set(err, CS_ENOMEM, "%s: out of memory", shown);
}

/* Keeps the last component (len bytes at s) as out->name. */
static int set_name(cs_safe_target *out, const char *s, size_t len, cs_error *err) {
  if (len == 0 || (len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.'))
    return cs_error_set(err, CS_EINVAL, "\"%s\" does not end in a file name", out->shown);
  if (len > CS_SAFE_NAME_MAX)
    return cs_error_set(err, CS_EINVAL, "\"%s\": the file name is longer than %d bytes", out->shown,
                        CS_SAFE_NAME_MAX);
  memcpy(out->name, s, len);
  out->name[len] = '\0';
  return CS_OK;
}

int cs_safe_target_open(cs_safe_target *out, const char *path, cs_error *err) {
  int rc = begin(out, path, err);
  if (rc) return rc;
  const char *slash = strrchr(path, '/');
  const char *base = slash ? slash + 1 : path;
  if ((rc = set_name(out, base, strlen(base), err))) goto fail;
  if (!slash) {
    out->dirfd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  } else {
    /* the folder part as the user wrote it ("/" for "/x") */
    size_t n = slash == path ? 1 : (size_t)(slash - path);
    char *dir = malloc(n + 1);
    if (!dir) {
      rc = cs_error_set(err, CS_ENOMEM, "%s: out of memory", path);
      goto fail;
    }
    memcpy(dir, path, n);
    dir[n] = '\0';
    out->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(dir);
  }
  if (out->dirfd < 0) {
    rc = cs_error_set(err, CS_EIO, "%s: cannot create the file: cannot open its folder (%s)", path,
                      strerror(errno));
    goto fail;
  }
  return CS_OK;
fail:
  cs_safe_target_close(out);
  return rc;
}

/* Why component c (len bytes) may not be walked through or written, or
** NULL when it may. */
static const char *refused_component(const char *c, size_t len) {
  if (len == 2 && c[0] == '.' && c[1] == '.') return "goes up a folder (\"..\")";
  if (c[0] == '.') return "names a hidden file or folder";
  for (size_t i = 0; i < len; i++)
    if ((unsigned char)c[i] < 0x20 || c[i] == 0x7f) return "holds a control character";
  return NULL;
}

int cs_safe_target_walk(cs_safe_target *out, int rootfd, const char *rel, const char *shown,
                        cs_error *err) {
  int cur = rootfd; /* the folder reached so far; ours once we opened one */
  int rc = begin(out, shown, err);
  if (rc) return rc;
  if (rel[0] == '/') {
    rc = cs_error_set(err, CS_EINVAL, "\"%s\" is not a path relative to a folder", shown);
    goto fail;
  }
  /* control characters anywhere (also in skipped components) */
  for (const char *c = rel; *c; c++)
    if ((unsigned char)*c < 0x20 || *c == 0x7f) {
      /* not echoed: it could be a terminal's escape sequence */
      rc = cs_error_set(err, CS_EINVAL, "the path holds a control character");
      goto fail;
    }
  const char *p = rel;
  for (;;) {
    const char *slash = strchr(p, '/');
    size_t len = slash ? (size_t)(slash - p) : strlen(p);
    if (!slash) break; /* p is the last component */
    if (len == 0 || (len == 1 && p[0] == '.')) {
      p = slash + 1;
      continue;
    }
    const char *why = refused_component(p, len);
    if (!why && len > CS_SAFE_NAME_MAX) why = "is longer than a folder name may be";
    if (why) {
      rc = cs_error_set(err, CS_EINVAL, "\"%s\": the folder \"%.*s\" %s", shown, (int)len, p, why);
      goto fail_cur;
    }
    char comp[CS_SAFE_NAME_MAX + 1];
    memcpy(comp, p, len);
    comp[len] = '\0';
    int next = openat(cur, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (next < 0) {
      int e = errno;
      struct stat st;
      if (e == ELOOP || (e == ENOTDIR && fstatat(cur, comp, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                         S_ISLNK(st.st_mode)))
        rc = cs_error_set(err, CS_EINVAL,
                          "\"%s\": the folder \"%s\" is a symbolic link; a scenario file from "
                          "someone else may not write through one",
                          shown, comp);
      else if (e == ENOTDIR)
        rc = cs_error_set(err, CS_EINVAL, "\"%s\": \"%s\" is not a folder", shown, comp);
      else
        rc = cs_error_set(err, CS_EIO, "\"%s\": cannot open the folder \"%s\" (%s)", shown, comp,
                          strerror(e));
      goto fail_cur;
    }
    if (cur != rootfd) close(cur);
    cur = next;
    p = slash + 1;
  }
  size_t len = strlen(p);
  const char *why = len ? refused_component(p, len) : NULL;
  if (why) {
    rc = cs_error_set(err, CS_EINVAL, "\"%s\" %s", shown, why);
    goto fail_cur;
  }
  if ((rc = set_name(out, p, len, err))) goto fail_cur;
  /* the target owns its folder, also when that is the root itself */
  out->dirfd = cur != rootfd ? cur : fcntl(rootfd, F_DUPFD_CLOEXEC, 0);
  if (out->dirfd < 0) {
    rc = cs_error_set(err, CS_EIO, "\"%s\": %s", shown, strerror(errno));
    goto fail;
  }
  return CS_OK;
fail_cur:
  if (cur != rootfd) close(cur);
fail:
  cs_safe_target_close(out);
  return rc;
}
