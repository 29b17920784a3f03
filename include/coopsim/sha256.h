#ifndef COOPSIM_SHA256_H
#define COOPSIM_SHA256_H
/*
** SHA-256 as lowercase hex text (core/sha256.c, by nettle, loaded on first
** use): how a stored run identifies the scenario file it ran and the
** registry its figures come from.
*/
#include <stddef.h>
#include "coopsim/error.h"

#define CS_SHA256_HEX 65 /* 64 hex digits and the NUL */

/* Loads nettle once per process (thread-safe; later calls return at once).
** Returns CS_OK, or CS_EIO with a message naming the library and its Debian
** package. Optional: cs_sha256_hex loads it; a caller that must not start
** what it cannot finish (a store opened for writing) asks first. */
int cs_sha256_load(cs_error *err);

/* Writes the SHA-256 of the len bytes at data (data may be NULL when len is
** 0) into out as 64 lowercase hex digits and a NUL; returns out. Returns
** NULL, with err (CS_EIO) naming the library and its Debian package, when
** nettle (libnettle.so.8) cannot be loaded. */
char *cs_sha256_hex(const void *data, size_t len, char out[CS_SHA256_HEX], cs_error *err);

#endif
