#ifndef COOPSIM_FUZZ_H
#define COOPSIM_FUZZ_H
/*
** Helpers shared by the libFuzzer harnesses (tests/fuzz/fuzz_*.c).
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A property the code under test must keep: a failure aborts, which
** libFuzzer reports as a crash and saves the input. */
#define CHECK(cond, ...)                                                 \
  do {                                                                   \
    if (!(cond)) {                                                       \
      fprintf(stderr, "%s:%d: CHECK failed: %s: ", __FILE__, __LINE__, #cond); \
      fprintf(stderr, __VA_ARGS__);                                      \
      fputc('\n', stderr);                                               \
      abort();                                                           \
    }                                                                    \
  } while (0)

/* The fuzzer's bytes as a new NUL-terminated string (NULs inside stay, so
** the string may be shorter than size); the caller frees it. Aborts when out
** of memory, which a harness cannot go on from. */
static inline char *fuzz_text(const uint8_t *data, size_t size) {
  char *s = malloc(size + 1);
  if (!s) abort();
  if (size) memcpy(s, data, size);
  s[size] = '\0';
  return s;
}

#endif
