/*
** readfile.c: whole files into memory (readfile.h).
*/
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "coopsim/readfile.h"

char *cs_read_stream(FILE *f, size_t *len) {
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  while (buf) {
    size_t got = fread(buf + n, 1, cap - n - 1, f);
    n += got;
    if (got == 0) break;
    if (n + 1 == cap) {
      char *nb = realloc(buf, cap *= 2);
      if (!nb) free(buf);
      buf = nb;
    }
  }
  if (buf && ferror(f)) {
    free(buf);
    buf = NULL;
  }
  if (buf) {
    buf[n] = '\0';
    if (len) *len = n;
  }
  return buf;
}

char *cs_read_file(const char *path, size_t *len, cs_error *err) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    cs_error_set(err, CS_EIO, "%s: %s", path, strerror(errno));
    return NULL;
  }
  char *buf = cs_read_stream(f, len);
  int saved = errno;
  fclose(f);
  if (!buf) cs_error_set(err, CS_EIO, "%s: cannot read it (%s)", path, strerror(saved));
  return buf;
}
