#ifndef COOPSIM_LAZY_JANSSON_H
#define COOPSIM_LAZY_JANSSON_H
/*
** jansson loaded when JSON is first read (a result document, SSB's KLASS
** files), not at start-up (core/lazy_jansson.c). coopsim is not linked to
** it; lazy_jansson.c defines the jansson functions coopsim calls (those of
** <jansson.h>, same names and types) and forwards each to the library,
** opened by its soname (libjansson.so.4) with dlopen. json_loads and
** json_loadb load it; when it cannot be loaded they fail as on bad input
** (NULL, with the library and the loader's reason in the error's text).
*/
#include "coopsim/error.h"

/* Loads jansson once per process; thread-safe; later calls return at once.
** Returns CS_OK, or CS_EIO with a message naming the library and the
** loader's reason. Calling it is optional: parsing loads it. */
int cs_jansson_load(cs_error *err);

#endif
