/* Unit tests: the HTML report's pieces (report_internal.h): cs_html_esc
** and cs_report_kr against references written here byte by byte, over
** literal cases and random inputs (every byte value, every magnitude of
** kroner, INT64_MIN and INT64_MAX). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "rng.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../core/report_internal.h"

static uint64_t rng_state = 0x2545f4914f6cdd1du;
static uint64_t rnd(void) { return test_xorshift64star(&rng_state); }

/* one byte at a time, as the escaping is specified */
static void esc_reference(char *out, const char *s) {
  out[0] = '\0';
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '&') strcat(out, "&amp;");
    else if (c == '<') strcat(out, "&lt;");
    else if (c == '>') strcat(out, "&gt;");
    else if (c == '"') strcat(out, "&quot;");
    else if (c == '\'') strcat(out, "&#39;");
    else if (c < 0x20 && c != '\t' && c != '\n') strcat(out, "\xef\xbf\xbd");
    else strncat(out, s, 1);
  }
}

static void same_esc(const char *s) {
  char want[1024];
  esc_reference(want, s);
  cs_sb out = {0};
  cs_sb_add(&out, "[");
  cs_html_esc(&out, s);
  assert_false(out.oom);
  assert_int_equal(out.len, strlen(want) + 1);
  assert_memory_equal(out.s + 1, want, strlen(want));
  cs_sb_free(&out);
}

static void esc_literals(void **state) {
  (void)state;
  cs_sb out = {0};
  cs_html_esc(&out, "Hå & Ås <b>\"x\"</b> 'y'\tz\n\x01\x1f\x7f");
  assert_string_equal(out.s, "Hå &amp; Ås &lt;b&gt;&quot;x&quot;&lt;/b&gt; &#39;y&#39;\tz\n\xef\xbf\xbd\xef\xbf\xbd\x7f");
  cs_sb_free(&out);
  same_esc("");
  same_esc("&");
  same_esc("plain text, no escape 0123456789");
  same_esc("<<>>&&\"\"''");
  same_esc("Trondheim - Tråante");
}

static void esc_random(void **state) {
  (void)state;
  for (int i = 0; i < 20000; i++) {
    char s[48];
    size_t n = rnd() % 40;
    for (size_t j = 0; j < n; j++) {
      /* mostly letters, now and then any byte but NUL */
      uint64_t r = rnd();
      s[j] = r % 4 ? (char)('a' + r / 4 % 26) : (char)(1 + r / 4 % 255);
    }
    s[n] = '\0';
    same_esc(s);
  }
}

/* "−16 346": a real minus, the magnitude grouped (INT64_MIN's is 2^63) */
static void kr_reference(char *out, int64_t v, int plus, cs_report_lang lang) {
  uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
  char d[32];
  snprintf(d, sizeof d, "%" PRIu64, m);
  strcpy(out, v < 0 ? "\xe2\x88\x92" : v > 0 && plus ? "+" : "");
  size_t nd = strlen(d);
  for (size_t i = 0; i < nd; i++) {
    if (i > 0 && (nd - i) % 3 == 0) strcat(out, lang == CS_LANG_EN ? "," : "\xc2\xa0");
    strncat(out, d + i, 1);
  }
}

static void same_kr(int64_t v) {
  for (int plus = 0; plus < 2; plus++) {
    for (int l = 0; l < 2; l++) {
      cs_report_lang lang = l ? CS_LANG_NB : CS_LANG_EN;
      char want[96];
      kr_reference(want, v, plus, lang);
      cs_sb out = {0};
      cs_report_kr(v, plus, lang, &out);
      assert_false(out.oom);
      assert_string_equal(out.s, want);
      cs_sb_free(&out);
    }
  }
}

static void kroner(void **state) {
  (void)state;
  cs_sb out = {0};
  cs_report_kr(-16346, 0, CS_LANG_NB, &out);
  assert_string_equal(out.s, "\xe2\x88\x92"
                             "16\xc2\xa0"
                             "346");
  cs_sb_free(&out);
  cs_report_kr(1234567, 1, CS_LANG_EN, &out);
  assert_string_equal(out.s, "+1,234,567");
  cs_sb_free(&out);
  cs_report_kr(0, 1, CS_LANG_EN, &out);
  assert_string_equal(out.s, "0");
  cs_sb_free(&out);
  same_kr(INT64_MIN);
  cs_sb min = {0};
  cs_report_kr(INT64_MIN, 0, CS_LANG_EN, &min); /* 2^63, written out by hand: not one short */
  assert_string_equal(min.s, "\xe2\x88\x92" "9,223,372,036,854,775,808");
  cs_sb_free(&min);
  same_kr(INT64_MIN + 1);
  same_kr(INT64_MAX);
  for (int64_t p = 1;; p *= 10) { /* 1 .. 10^18 */
    same_kr(p), same_kr(-p), same_kr(p - 1), same_kr(1 - p);
    if (p > INT64_MAX / 10) break;
  }
  for (int i = 0; i < 20000; i++) {
    uint64_t r = rnd();
    int64_t v = (int64_t)(r >> (1 + r % 63)); /* at most INT64_MAX */
    same_kr(r & 1 ? -v : v);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(esc_literals),
      cmocka_unit_test(esc_random),
      cmocka_unit_test(kroner),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
