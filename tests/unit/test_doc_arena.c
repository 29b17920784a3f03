/*
** test_doc_arena.c: the document arena (doc.h, cs_doc_arena_*): zeroed
** pieces are zero whether their block is fresh, malloc'ed or used before
** (the arena clears only what may hold something), and the limit holds.
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

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(zeroed_when_fresh_and_after_reset),
      cmocka_unit_test(limit_holds),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
