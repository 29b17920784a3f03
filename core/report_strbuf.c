/*
** report_strbuf.c: growable text for the report writers (report_internal.h).
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report_internal.h"

static int reserve(cs_sb *b, size_t more) {
  if (b->oom) return -1;
  if (b->len + more + 1 <= b->cap) return 0;
  size_t cap = b->cap ? b->cap : 4096;
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

void cs_sb_addn(cs_sb *b, const char *s, size_t n) {
  if (reserve(b, n)) return;
  memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = '\0';
}

void cs_sb_add(cs_sb *b, const char *s) { cs_sb_addn(b, s, strlen(s)); }

void cs_sb_printf(cs_sb *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0 || reserve(b, (size_t)n)) return;
  va_start(ap, fmt);
  vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
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
