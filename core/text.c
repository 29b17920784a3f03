/*
** text.c: which texts coopsim lets through to reports and terminals
** (text.h).
*/
#include <stdint.h>
#include <stdio.h>
#include "coopsim/text.h"
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static int bidi(uint32_t c) {
  return c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) ||
         (c >= 0x2066 && c <= 0x2069);
}

/* Where the printable ASCII (0x20 .. 0x7E, most of every text) from p[i]
** on ends, at len at most: sixteen bytes at a time where SSE2 is (every
** x86-64), never reading past p[len - 1]. As signed bytes, 0x80 .. 0xFF
** are below 0x20: one comparison each way. The parent checks every text
** the worker sends (a national run's explanations are some 20 MB). */
static size_t printable_run(const unsigned char *p, size_t i, size_t len) {
#if defined(__SSE2__)
  const __m128i below = _mm_set1_epi8(0x1F), above = _mm_set1_epi8(0x7F);
  while (len - i >= 16) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
    __m128i ok = _mm_and_si128(_mm_cmpgt_epi8(v, below), _mm_cmplt_epi8(v, above));
    unsigned bad = (unsigned)_mm_movemask_epi8(ok) ^ 0xFFFFu;
    if (bad) return i + (size_t)__builtin_ctz(bad);
    i += 16;
  }
#endif
  while (i < len && p[i] >= 0x20 && p[i] < 0x7F) i++;
  return i;
}

int cs_text_check(const char *s, size_t len, char *why, size_t why_size) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  while ((i = printable_run(p, i, len)) < len) {
    unsigned char b = p[i];
    uint32_t c;
    size_t n;
    if (b < 0x80) c = b, n = 1;
    else if (b >= 0xC2 && b <= 0xDF) c = b & 0x1Fu, n = 2;
    else if (b >= 0xE0 && b <= 0xEF) c = b & 0x0Fu, n = 3;
    else if (b >= 0xF0 && b <= 0xF4) c = b & 0x07u, n = 4;
    else {
      snprintf(why, why_size, "byte %zu (0x%02X) is not UTF-8", i + 1, b);
      return -1;
    }
    if (len - i < n) {
      snprintf(why, why_size, "byte %zu starts a UTF-8 character that is cut off", i + 1);
      return -1;
    }
    for (size_t k = 1; k < n; k++) {
      if ((p[i + k] & 0xC0) != 0x80) {
        snprintf(why, why_size, "byte %zu (0x%02X) is not UTF-8", i + k + 1, p[i + k]);
        return -1;
      }
      c = c << 6 | (p[i + k] & 0x3Fu);
    }
    /* overlong forms, surrogates and code points past U+10FFFF */
    if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
        (c >= 0xD800 && c <= 0xDFFF)) {
      snprintf(why, why_size, "bytes %zu-%zu are not valid UTF-8", i + 1, i + n);
      return -1;
    }
    if (c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F)) {
      snprintf(why, why_size, "byte %zu is a control character (U+%04X)", i + 1, (unsigned)c);
      return -1;
    }
    if (bidi(c)) {
      snprintf(why, why_size, "byte %zu is a bidirectional formatting character (U+%04X)", i + 1,
               (unsigned)c);
      return -1;
    }
    i += n;
  }
  return 0;
}

size_t cs_utf8_len(const unsigned char *s, size_t n, uint32_t *cp) {
  unsigned c = s[0];
  size_t len;
  uint32_t v;
  if (c < 0xC2) return 0; /* ASCII, a continuation byte, an overlong two-byte form */
  if (c < 0xE0) len = 2, v = c & 0x1Fu;
  else if (c < 0xF0) len = 3, v = c & 0x0Fu;
  else if (c < 0xF5) len = 4, v = c & 0x07u;
  else return 0;
  if (len > n) return 0;
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    v = (v << 6) | (s[i] & 0x3Fu);
  }
  if ((len == 3 && v < 0x800) || (len == 4 && v < 0x10000) || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
    return 0;
  *cp = v;
  return len;
}
