/* Unit tests: cs_text_check (text.h), which checks every text the worker
** sends and every text a store holds, against a reference written here one
** byte at a time as text.h specifies the rule: literal cases with their
** messages; each kind of byte that stops a run of printable ASCII at every
** place of a 48-byte text (the check looks at sixteen bytes at a time); and
** 200 000 random texts of printable ASCII, controls, DEL, valid UTF-8 of
** two to four bytes, C1 controls, bidirectional marks, surrogates, overlong
** and cut sequences and stray bytes, same verdict and same message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "rng.h"
#include <stdio.h>
#include <string.h>
#include "coopsim/text.h"

/* The rule, one byte at a time: the first character (from the start) that
** is not UTF-8, a control (C0, DEL, C1) or a bidirectional formatting
** character decides, with the message text.h promises. */
static int reference(const unsigned char *p, size_t len, char *why, size_t size) {
  for (size_t i = 0; i < len;) {
    unsigned b = p[i];
    if (b < 0x20 || b == 0x7F) {
      snprintf(why, size, "byte %zu is a control character (U+%04X)", i + 1, b);
      return -1;
    }
    if (b < 0x80) {
      i++;
      continue;
    }
    size_t n = b >= 0xC2 && b <= 0xDF ? 2 : b >= 0xE0 && b <= 0xEF ? 3 : b >= 0xF0 && b <= 0xF4 ? 4 : 0;
    if (n == 0) {
      snprintf(why, size, "byte %zu (0x%02X) is not UTF-8", i + 1, b);
      return -1;
    }
    if (len - i < n) {
      snprintf(why, size, "byte %zu starts a UTF-8 character that is cut off", i + 1);
      return -1;
    }
    uint32_t c = b & (n == 2 ? 0x1Fu : n == 3 ? 0x0Fu : 0x07u);
    for (size_t k = 1; k < n; k++) {
      if ((p[i + k] & 0xC0) != 0x80) {
        snprintf(why, size, "byte %zu (0x%02X) is not UTF-8", i + k + 1, p[i + k]);
        return -1;
      }
      c = c << 6 | (p[i + k] & 0x3Fu);
    }
    if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10FFFF)) || (c >= 0xD800 && c <= 0xDFFF)) {
      snprintf(why, size, "bytes %zu-%zu are not valid UTF-8", i + 1, i + n);
      return -1;
    }
    if (c <= 0x9F) {
      snprintf(why, size, "byte %zu is a control character (U+%04X)", i + 1, (unsigned)c);
      return -1;
    }
    if (c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069)) {
      snprintf(why, size, "byte %zu is a bidirectional formatting character (U+%04X)", i + 1, (unsigned)c);
      return -1;
    }
    i += n;
  }
  return 0;
}

static void same(const unsigned char *p, size_t len) {
  char want[128] = "", got[128] = "";
  int w = reference(p, len, want, sizeof want);
  int g = cs_text_check((const char *)p, len, got, sizeof got);
  if (w != g || strcmp(want, got) != 0) {
    char hex[3 * 128 + 1] = "";
    for (size_t i = 0; i < len && i < 128; i++) snprintf(hex + 3 * i, 4, "%02X ", p[i]);
    fail_msg("%s: want %d \"%s\", got %d \"%s\"", hex, w, want, g, got);
  }
}

static void literal_cases(void **state) {
  (void)state;
  static const struct {
    const char *s;
    const char *why; /* NULL: accepted */
  } cases[] = {
      {"", NULL},
      {"Rana", NULL},
      {"Tråante – Trondheim", NULL},
      {"Bjarkøy 😀 and a long plain run of ASCII after it", NULL},
      {"a\x1b[31m", "byte 2 is a control character (U+001B)"},
      {"0123456789abcdef0123456789\x7f", "byte 27 is a control character (U+007F)"},
      {"0123456789abcdef\xc2\x85", "byte 17 is a control character (U+0085)"},
      {"right\xe2\x80\xaeleft", "byte 6 is a bidirectional formatting character (U+202E)"},
      {"0123456789abcde\xff", "byte 16 (0xFF) is not UTF-8"},
      {"0123456789abcdef\xc3", "byte 17 starts a UTF-8 character that is cut off"},
      {"\xed\xa0\x80", "bytes 1-3 are not valid UTF-8"},
      {"\xe0\x80\xaf", "bytes 1-3 are not valid UTF-8"},
      {"\xc3(", "byte 2 (0x28) is not UTF-8"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char why[128] = "";
    int rc = cs_text_check(cases[i].s, strlen(cases[i].s), why, sizeof why);
    if (!cases[i].why) {
      if (rc != 0) fail_msg("\"%s\" refused: %s", cases[i].s, why);
    } else {
      assert_int_equal(rc, -1);
      assert_string_equal(why, cases[i].why);
    }
    same((const unsigned char *)cases[i].s, strlen(cases[i].s));
  }
  /* an embedded NUL */
  char why[128];
  assert_int_equal(cs_text_check("ab\0cd", 5, why, sizeof why), -1);
  assert_string_equal(why, "byte 3 is a control character (U+0000)");
}

/* What may come next in a random text: a piece of bytes. */
static const char *const pieces[] = {
    "a", "Z", " ", "~", "0", "\x1f", "\x7f", "\t", "\n", "\x01", "\x00",
    "\xc3\xb8", "\xc3\x85", "\xe2\x80\x93", "\xf0\x9f\x98\x80", "\xef\xbf\xbd",          /* valid */
    "\xc2\x80", "\xc2\x9f", "\xd8\x9c", "\xe2\x80\x8e", "\xe2\x81\xa6", "\xe2\x80\xaa",    /* C1, bidi */
    "\xed\xa0\x80", "\xed\xbf\xbf", "\xc0\xaf", "\xc1\xbf", "\xe0\x80\xaf", "\xf0\x80\x80\xaf", /* bad */
    "\xf4\x90\x80\x80", "\xf5", "\xff", "\x80", "\xbf", "\xc3", "\xe2\x80", "\xf0\x9f\x98",  /* bad or cut */
};
#define NPIECES (sizeof pieces / sizeof pieces[0])

static size_t piece_len(size_t k) { return k == 10 ? 1 : strlen(pieces[k]); } /* "\x00" is one byte */

static void every_place(void **state) {
  (void)state;
  unsigned char text[48];
  for (size_t k = 0; k < NPIECES; k++)
    for (size_t at = 0; at + piece_len(k) <= sizeof text; at++) {
      memset(text, 'x', sizeof text);
      memcpy(text + at, pieces[k], piece_len(k));
      for (size_t len = at; len <= sizeof text; len += len < at + 4 ? 1 : 7) same(text, len);
    }
}

static void random_texts(void **state) {
  (void)state;
  uint64_t st = 0x243f6a8885a308d3u;
  unsigned char text[160];
  for (int round = 0; round < 200000; round++) {
    size_t len = 0;
    size_t want = (size_t)(test_xorshift64star(&st) % 120);
    /* mostly printable ASCII, as real texts are */
    unsigned plain = (unsigned)(test_xorshift64star(&st) % 40);
    while (len < want) {
      uint64_t r = test_xorshift64star(&st);
      if (r % 64 < plain) {
        text[len++] = (unsigned char)(0x20 + (r >> 8) % 95);
      } else {
        size_t k = (size_t)((r >> 16) % NPIECES), n = piece_len(k);
        if (len + n > sizeof text) break;
        memcpy(text + len, pieces[k], n);
        len += n;
      }
    }
    same(text, len);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(literal_cases),
      cmocka_unit_test(every_place),
      cmocka_unit_test(random_texts),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
