/*
** embedded_find.c: lookup in the table of files embedded at build time.
*/
#include <string.h>
#include "embedded.h"

const struct cs_embedded_file *cs_embedded_find(const char *name) {
  for (const struct cs_embedded_file *f = cs_embedded_files; f->name; f++)
    if (strcmp(f->name, name) == 0) return f;
  return NULL;
}
