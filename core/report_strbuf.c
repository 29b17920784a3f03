/*
** report_strbuf.c: growable text for the report writers (report_internal.h).
*/
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fmt_num.h"
#include "report_internal.h"

static int reserve(cs_sb *b, size_t more) {
  if (b->oom) return -1;
  if (b->len + more + 1 <= b->cap) return 0;
  /* 256 bytes first: most texts are short (an explanation, a number, a
  ** name), and a block this small comes from malloc's per-thread cache,
  ** where one of 4 KB took some 300 instructions a time; reports start
  ** large (cs_sb_sink_start) */
  size_t cap = b->cap ? b->cap : 256;
  while (cap < b->len + more + 1) cap *= 2;
  char *s = realloc(b->s, cap);
  if (!s) {
    b->oom = 1;
    return -1;
  }
  b->s = s;
  b->cap = cap;
  return 0;
}

void cs_sb_sink_start(cs_sb *b, int (*sink)(void *ud, const char *s, size_t n), void *ud) {
  b->sink = sink;
  b->sink_ud = ud;
  /* exactly this much (reserve would double up to 512 KB): a line that
  ** ends past CS_SB_SPILL (a long JSON row) fits without growing */
  size_t cap = CS_SB_SPILL + CS_SB_SPILL / 4;
  char *s = malloc(cap);
  if (!s) {
    b->oom = 1;
    return;
  }
  free(b->s);
  b->s = s;
  b->cap = cap;
  b->len = 0;
  s[0] = '\0';
}

void cs_sb_spill_now(cs_sb *b) {
  if (!b->sink || b->oom || !b->len) return;
  if (b->sink(b->sink_ud, b->s, b->len) != 0) {
    b->sink_failed = 1;
    b->oom = 1;
  }
  b->len = 0;
  b->s[0] = '\0';
}

void cs_sb_addn_grow(cs_sb *b, const char *s, size_t n) {
  if (reserve(b, n)) return;
  memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = '\0';
}

void cs_sb_printf(cs_sb *b, const char *fmt, ...) {
  if (reserve(b, 64)) return;
  /* into the room there is; formatted again only when it did not fit */
  size_t room = b->cap - b->len;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(b->s + b->len, room, fmt, ap);
  va_end(ap);
  if (n < 0) {
    b->s[b->len] = '\0';
    return;
  }
  if ((size_t)n >= room) {
    if (reserve(b, (size_t)n)) {
      b->s[b->len] = '\0';
      return;
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
  }
  b->len += (size_t)n;
}

void cs_sb_int(cs_sb *b, int64_t v) {
  char d[24];
  size_t n = 0;
  if (v < 0) d[n++] = '-';
  n += cs_fmt_uint(d + n, v < 0 ? 0 - (uint64_t)v : (uint64_t)v);
  cs_sb_addn(b, d, n);
}

void cs_sb_repeat(cs_sb *b, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) cs_sb_add(b, s);
}

char *cs_sb_take(cs_sb *b, size_t *len) {
  if (b->oom) return NULL;
  if (!b->s) cs_sb_addn(b, "", 0);
  if (b->oom) return NULL;
  char *s = b->s;
  if (len) *len = b->len;
  b->s = NULL;
  b->len = b->cap = 0;
  return s;
}

void cs_sb_free(cs_sb *b) {
  free(b->s);
  b->s = NULL;
  b->len = b->cap = 0;
}
