#ifndef COOPSIM_HASH_H
#define COOPSIM_HASH_H
/*
** The hash of a text for coopsim's hash tables (interned texts, codes,
** ranks, shared strings): 64-bit FNV-1a. Inline, as each table hashes every
** text it meets on a hot path. Not for anything an adversary may aim at
** beyond slowing a table down: every table compares the texts themselves.
*/
#include <stddef.h>
#include <stdint.h>

#define CS_HASH_INIT 1469598103934665603u

/* The hash of the n bytes at s. */
static inline uint64_t cs_hash_mem(const char *s, size_t n) {
  uint64_t h = CS_HASH_INIT;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211u;
  return h;
}

/* The hash of the text s up to its NUL: cs_hash_mem(s, strlen(s)). */
static inline uint64_t cs_hash_str(const char *s) {
  uint64_t h = CS_HASH_INIT;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211u;
  return h;
}

#endif
