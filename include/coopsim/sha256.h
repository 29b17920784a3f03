#ifndef COOPSIM_SHA256_H
#define COOPSIM_SHA256_H
/*
** SHA-256 as lowercase hex text (core/sha256.c, no library): how a stored run
** identifies the scenario file it ran.
*/
#include <stddef.h>

#define CS_SHA256_HEX 65 /* 64 hex digits and the NUL */

/* Writes the SHA-256 of the len bytes at data into out as 64 lowercase hex
** digits and a NUL; returns out. Cannot fail. */
char *cs_sha256_hex(const void *data, size_t len, char out[CS_SHA256_HEX]);

#endif
