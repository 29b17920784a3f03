/*
** test_doc_arena.c: the document arena (doc.h, cs_doc_arena_*): zeroed
** pieces are zero whether their block is fresh, malloc'ed or used before
** (the arena clears only what may hold something), the limit holds, and
** an arena's blocks adopted by another keep what they hold.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "coopsim/doc.h"

static int all_zero(const unsigned char *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (p[i]) return 0;
  return 1;
}

/* Sizes that land in small (malloc'ed) blocks, in mapped ones (1 MB and
** up), and pieces larger than a block. */
static const size_t sizes[] = {1, 24, 232, 4096, 65536, 100000, 700000, 1u << 20, 3u << 20, 9u << 20};
#define NSIZES (sizeof sizes / sizeof sizes[0])

static void zeroed_when_fresh_and_after_reset(void **state) {
  (void)state;
  cs_doc_arena *a = cs_doc_arena_new(0);
  assert_non_null(a);
  for (int round = 0; round < 3; round++) {
    /* every block gets dirty: raw pieces filled with a pattern, then
    ** zeroed pieces, some smaller than the raw ones before them */
    for (size_t k = 0; k < NSIZES; k++) {
      unsigned char *raw = cs_doc_arena_alloc_raw(a, sizes[k]);
      assert_non_null(raw);
      memset(raw, 0xA5, sizes[k]);
      unsigned char *z = cs_doc_arena_alloc(a, sizes[NSIZES - 1 - k]);
      assert_non_null(z);
      assert_true(all_zero(z, sizes[NSIZES - 1 - k]));
      memset(z, 0x5A, sizes[NSIZES - 1 - k]);
    }
    cs_doc_arena_reset(a);
    /* the kept blocks again: a zeroed piece over what raw pieces held */
    for (size_t k = 0; k < NSIZES; k++) {
      unsigned char *z = cs_doc_arena_alloc(a, sizes[k]);
      assert_non_null(z);
      assert_true(all_zero(z, sizes[k]));
      unsigned char *raw = cs_doc_arena_alloc_raw(a, sizes[k] / 2 + 1);
      assert_non_null(raw);
      memset(raw, 0xC3, sizes[k] / 2 + 1);
    }
    cs_doc_arena_reset(a);
  }
  cs_doc_arena_free(a);
}

static void limit_holds(void **state) {
  (void)state;
  size_t limit = 5u << 20;
  cs_doc_arena *a = cs_doc_arena_new(limit);
  assert_non_null(a);
  size_t got = 0;
  for (;;) {
    unsigned char *p = cs_doc_arena_alloc(a, 300000);
    if (!p) break;
    assert_true(all_zero(p, 300000));
    memset(p, 1, 300000);
    got += 300000;
  }
  assert_true(got > 0);
  assert_true(got <= limit);
  assert_true(cs_doc_arena_bytes(a) <= limit + 64 * 1024);
  cs_doc_arena_free(a);
  cs_doc_arena_free(NULL);
}

/* An arena's blocks adopted by another: what it handed out stays as it was
** and is freed with the other (ASan: read after the source's struct is
** gone, no leak); the other goes on handing out pieces, its texts its own. */
static void adopted_pieces_stay(void **state) {
  (void)state;
  for (int first_empty = 0; first_empty <= 1; first_empty++) {
    cs_doc_arena *a = cs_doc_arena_new(0), *b = cs_doc_arena_new(0);
    assert_non_null(a);
    assert_non_null(b);
    if (!first_empty) memset(cs_doc_arena_alloc(a, 1000), 7, 1000);
    unsigned char *pieces[NSIZES];
    for (size_t i = 0; i < NSIZES; i++) {
      assert_non_null(pieces[i] = cs_doc_arena_alloc_raw(b, sizes[i]));
      memset(pieces[i], (int)(i + 1), sizes[i]);
    }
    const char *t = cs_doc_arena_intern(b, "population", 10, NULL);
    cs_doc_arena_reset(b); /* spare blocks move too */
    for (size_t i = 0; i < NSIZES; i++) {
      assert_non_null(pieces[i] = cs_doc_arena_alloc_raw(b, sizes[i]));
      memset(pieces[i], (int)(i + 1), sizes[i]);
    }
    t = cs_doc_arena_intern(b, "population", 10, NULL);
    size_t before = cs_doc_arena_bytes(a);
    cs_doc_arena_adopt(a, b);
    assert_true(cs_doc_arena_bytes(a) > before);
    for (size_t i = 0; i < NSIZES; i++)
      for (size_t k = 0; k < sizes[i]; k += 4093) assert_int_equal(pieces[i][k], (int)(i + 1));
    assert_string_equal(t, "population");
    int fresh = 0;
    const char *u = cs_doc_arena_intern(a, "population", 10, &fresh);
    assert_true(fresh); /* a's own copy: adopted texts are not interned in a */
    assert_string_equal(u, "population");
    unsigned char *p = cs_doc_arena_alloc(a, 2u << 20);
    assert_non_null(p);
    assert_true(all_zero(p, 2u << 20));
    cs_doc_arena_adopt(a, NULL);
    cs_doc_arena_free(a);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(zeroed_when_fresh_and_after_reset),
      cmocka_unit_test(limit_holds),
      cmocka_unit_test(adopted_pieces_stay),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
