/*
** text.c: which texts coopsim lets through to reports and terminals
** (text.h).
*/
#include <stdint.h>
#include <stdio.h>
#include "coopsim/text.h"

static int bidi(uint32_t c) {
  return c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) ||
         (c >= 0x2066 && c <= 0x2069);
}

int cs_text_check(const char *s, size_t len, char *why, size_t why_size) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  while (i < len) {
    unsigned char b = p[i];
    if (b >= 0x20 && b < 0x7F) { /* printable ASCII, most of every text */
      i++;
      continue;
    }
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
