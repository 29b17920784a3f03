#ifndef COOPSIM_EMBEDDED_H
#define COOPSIM_EMBEDDED_H
/* Files embedded at build time by cmake/Embed.cmake (internal). */
#include <stddef.h>

struct cs_embedded_file {
  const char *name;
  const unsigned char *data;
  size_t size;
};
extern const struct cs_embedded_file cs_embedded_files[];

/* The embedded file with this name (e.g. "population.csv"), or NULL. */
const struct cs_embedded_file *cs_embedded_find(const char *name);

#endif
