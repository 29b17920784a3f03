#ifndef COOPSIM_TESTS_RNG_H
#define COOPSIM_TESTS_RNG_H
/* The unit tests' random numbers: fixed seeds, so that a failure comes back
** the same on every machine (none of them is for anything secret). Each
** advances the state at s and returns the next number. */
#include <stdint.h>

/* Marsaglia's xorshift64 (13, 7, 17). */
static inline uint64_t test_xorshift64(uint64_t *s) {
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return *s;
}

/* Vigna's xorshift64* (12, 25, 27, times 0x2545f4914f6cdd1d). */
static inline uint64_t test_xorshift64star(uint64_t *s) {
  *s ^= *s >> 12;
  *s ^= *s << 25;
  *s ^= *s >> 27;
  return *s * 0x2545f4914f6cdd1du;
}

#endif
