/* Unit tests: a report's sections made by two threads and written in order
** (report_sections.c), against the same sections made one after another
** by one thread: sections of pseudo-random text and length (none, a few
** bytes, several spills of the sink's buffer), from none to 24 of them, the
** helper let to run ahead by nothing, by a chunk or by all; into a buffer
** and through a sink; a sink that fails part-way and a section that runs
** out of memory (what is written is then a beginning of the text, and
** nothing hangs). Every section made exactly once.
** Given JSON documents as arguments (tests/reports/html_sections.sh), the
** HTML report of each (cs_report_html_with), its details made by two
** threads at each bound, in both languages, against one thread's. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "rng.h"
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <pthread.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include "../../core/report_internal.h"
#include "coopsim/doc.h"
#include "coopsim/readfile.h"
#include "coopsim/thread.h"

#define MAX_SECTIONS 24

/* ---- fake sections ---------------------------------------------------------- */

typedef struct fake {
  size_t len[MAX_SECTIONS]; /* each section's length */
  uint64_t seed;
  size_t fail_at;        /* the section that runs out of memory part-way, or SIZE_MAX */
  int fail_always;       /* ... each time it is made (else only when the helper makes it) */
  pthread_t writer;      /* the caller's thread */
  int slow_first;        /* section 0 sleeps 100 us a piece: the helper holds it long */
  atomic_int made[MAX_SECTIONS];
} fake;

/* 64 KB of random bytes (every value), filled once */
static unsigned char noise[1 << 16];

/* Section k's bytes i .. i + n - 1 into dst: the noise from where the seed
** and k say on, round (memcpy: the tests run under the sanitizers). */
static void bytes_of(const fake *f, size_t k, size_t i, char *dst, size_t n) {
  while (n > 0) {
    size_t at = (size_t)((f->seed + k * 4099 + i) & 0xffff), m = sizeof noise - at;
    if (m > n) m = n;
    memcpy(dst, noise + at, m);
    dst += m, i += m, n -= m;
  }
}

/* Appends section k in pieces of 1 to 7 000 bytes, spilling after each. */
static void fake_render(void *ud, size_t k, cs_sb *out) {
  fake *f = ud;
  atomic_fetch_add(&f->made[k], 1);
  int fail = k == f->fail_at && (f->fail_always || !pthread_equal(pthread_self(), f->writer));
  uint64_t st = f->seed + k + 1;
  char piece[7000];
  for (size_t i = 0; i < f->len[k];) {
    size_t n = 1 + (size_t)(test_xorshift64star(&st) % sizeof piece);
    if (n > f->len[k] - i) n = f->len[k] - i;
    bytes_of(f, k, i, piece, n);
    if (fail && i >= f->len[k] / 2) { /* as cs_sb does when realloc fails */
      out->oom = 1;
      return;
    }
    if (k == 0 && f->slow_first) nanosleep(&(struct timespec){0, 100000}, NULL);
    cs_sb_addn(out, piece, n);
    cs_sb_spill(out);
    i += n;
  }
  if (fail) out->oom = 1; /* a short section fails at its end */
}

static char *expected(const fake *f, size_t n, size_t *total) {
  size_t t = 0;
  for (size_t k = 0; k < n; k++) t += f->len[k];
  char *e = malloc(t + 1);
  assert_non_null(e);
  for (size_t k = 0, at = 0; k < n; at += f->len[k++]) bytes_of(f, k, 0, e + at, f->len[k]);
  *total = t;
  return e;
}

/* A sink collecting what it is handed, failing (-1) once it would hold
** more than `limit` bytes. */
typedef struct collect {
  char *s;
  size_t len, cap, limit;
  int calls;
  int slow; /* 300 us a call: a reader that keeps the writer waiting */
} collect;

static int collect_sink(void *ud, const char *s, size_t n) {
  collect *c = ud;
  c->calls++;
  if (c->slow) nanosleep(&(struct timespec){0, 300000}, NULL);
  if (c->len + n > c->limit) return -1;
  if (c->len + n > c->cap) {
    size_t cap = c->cap ? c->cap : 4096;
    while (cap < c->len + n) cap *= 2;
    char *p = realloc(c->s, cap);
    assert_non_null(p);
    c->s = p;
    c->cap = cap;
  }
  memcpy(c->s + c->len, s, n);
  c->len += n;
  return 0;
}

static const size_t lengths[] = {0, 1, 17, 4095, 100000, CS_SB_SPILL - 1, CS_SB_SPILL, CS_SB_SPILL + 1, 600000};
#define NLENGTHS (sizeof lengths / sizeof lengths[0])
static const size_t bounds[] = {0, 1, CS_SB_SPILL, (size_t)3 << 20, SIZE_MAX};
#define NBOUNDS (sizeof bounds / sizeof bounds[0])

static uint64_t rng_state = 0x853c49e6748fea9bu;
static int limited_said;

/* Whether a limit on memory is set at all (the library starts its helper
** under one only when it is far above what the process has: a test under
** any limit does not count on the helper). */
static int memory_limited(void) {
  struct rlimit as, data;
  return getrlimit(RLIMIT_AS, &as) != 0 || as.rlim_cur != RLIM_INFINITY || getrlimit(RLIMIT_DATA, &data) != 0 ||
         data.rlim_cur != RLIM_INFINITY;
}

/* The most a chunk holds: the fake's pieces spill past CS_SB_SPILL by
** less than a piece. */
#define CHUNK_MAX (CS_SB_SPILL + 7000)

/* n sections of random lengths (seeded): made by two threads with bound b,
** into a buffer (sink 0) or through a sink, against the text one thread
** makes; a prefix of it when the sink fails at `limit` or section fail_at
** runs out of memory each time it is made (fail_always), out->oom then
** set; the whole text when it fails only on the helper (made again by the
** writer). What was made ahead of the section being written never passed
** the bound and a chunk of each thread. */
static void one_case_as(size_t n, size_t b, int sink, size_t limit, size_t fail_at, int fail_always, int slow,
                        const size_t *len) {
  int slow_sink = sink == 2; /* a sink that is slow */
  fake *f = calloc(1, sizeof *f);
  assert_non_null(f);
  f->seed = test_xorshift64star(&rng_state);
  f->fail_at = fail_at;
  f->fail_always = fail_always;
  f->slow_first = slow;
  f->writer = pthread_self();
  for (size_t k = 0; k < n; k++) f->len[k] = len ? len[k] : lengths[test_xorshift64star(&rng_state) % NLENGTHS];
  size_t total;
  char *want = expected(f, n, &total);
  cs_sb out = {0};
  collect c = {NULL, 0, 0, limit, 0, slow_sink};
  if (sink) cs_sb_sink_start(&out, collect_sink, &c);
  cs_sb_add(&out, "<head>"); /* what the caller writes before the sections */
  cs_sections s;
  cs_sections_start(&s, n, fake_render, f, b, 1);
  if (n >= 2 && !memory_limited()) assert_true(s.threaded); /* the two threads are what is tested */
  if (n >= 2 && memory_limited() && !limited_said) {
    print_message("memory is limited here: the sections may be made by one thread\n");
    limited_said = 1;
  }
  cs_sb_add(&out, "<more>");
  cs_sections_finish(&s, &out);
  if (sink && !out.oom) cs_sb_spill_now(&out);
  const char *got = sink ? c.s : out.s;
  size_t got_len = sink ? c.len : out.len;
  int failed = limit < 12 + total || (fail_at < n && fail_always);
  if (b < SIZE_MAX && s.peak_ahead > b + 2 * CHUNK_MAX)
    fail_msg("%zu bytes made ahead of the next section, the bound %zu", s.peak_ahead, b);
  if (b < SIZE_MAX / 4 && s.peak_buffered > 2 * b + 4 * CHUNK_MAX)
    fail_msg("%zu bytes waited to be written, the bound %zu", s.peak_buffered, b);
  if (!failed) {
    assert_false(out.oom);
    assert_int_equal(got_len, 12 + total);
    assert_memory_equal(got, "<head><more>", 12);
    if (total) assert_memory_equal(got + 12, want, total);
    for (size_t k = 0; k < n; k++) assert_true(atomic_load(&f->made[k]) == 1 || (k == fail_at && f->made[k] <= 2));
  } else {
    assert_true(out.oom);
    if (sink && limit < 12 + total) assert_true(out.sink_failed);
    if (got_len > 12) {
      assert_memory_equal(got, "<head><more>", 12);
      assert_true(got_len - 12 <= total);
      assert_memory_equal(got + 12, want, got_len - 12);
    }
    for (size_t k = 0; k < n; k++) assert_true(atomic_load(&f->made[k]) <= (k == fail_at ? 2 : 1));
  }
  assert_null(s.slot);
  cs_sb_free(&out);
  free(c.s);
  free(want);
  free(f);
}

static void one_case(size_t n, size_t b, int sink, size_t limit, size_t fail_at) {
  one_case_as(n, b, sink, limit, fail_at, 1, 0, NULL);
}

static void sections_in_order(void **state) {
  (void)state;
  static const size_t counts[] = {0, 1, 2, 3, 5, 17, MAX_SECTIONS};
  for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
    for (size_t b = 0; b < NBOUNDS; b++)
      for (int sink = 0; sink < 2; sink++)
        if (counts[i] < 17 || b % 2 == 0) one_case(counts[i], bounds[b], sink, SIZE_MAX, SIZE_MAX);
}

static void sink_fails(void **state) {
  (void)state;
  static const size_t limits[] = {0, 5, 100, CS_SB_SPILL, 2000000};
  for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++)
    for (size_t b = 0; b < NBOUNDS; b++)
      for (size_t n = 2; n <= 12; n += 5) one_case(n, bounds[b], 1, limits[i], SIZE_MAX);
}

static void section_out_of_memory(void **state) {
  (void)state;
  for (size_t fail_at = 0; fail_at < 6; fail_at++)
    for (size_t b = 0; b < NBOUNDS; b++)
      for (int sink = 0; sink < 2; sink++) {
        one_case(6, bounds[b], sink, SIZE_MAX, fail_at);                        /* each time: the report fails */
        one_case_as(6, bounds[b], sink, SIZE_MAX, fail_at, 0, 0, NULL);         /* on the helper: made again */
        one_case_as(6, bounds[b], sink, SIZE_MAX, fail_at, 0, fail_at == 0, NULL);
      }
}

/* The helper holds a long first section (2 MB, slowly) while the writer
** could take the 23 after it (600 KB each); or the report's reader is slow
** (sink 2), so the writer cannot write the helper's next section as fast
** as it is made: what is made ahead of the next section stays within the
** bound, and so does what waits of the next section itself. */
static void bound_holds(void **state) {
  (void)state;
  size_t len[MAX_SECTIONS];
  len[0] = (size_t)2 << 20;
  for (size_t k = 1; k < MAX_SECTIONS; k++) len[k] = 600000;
  static const size_t small[] = {0, CS_SB_SPILL, (size_t)1 << 20, (size_t)3 << 20};
  for (size_t b = 0; b < sizeof small / sizeof small[0]; b++)
    for (int sink = 0; sink < 2; sink++) one_case_as(MAX_SECTIONS, small[b], sink, SIZE_MAX, SIZE_MAX, 1, 1, len);
  /* six sections of 3 MB through a slow sink: each of the helper's, when
  ** next, is made faster than it is written */
  size_t big[6] = {(size_t)3 << 20, (size_t)3 << 20, (size_t)3 << 20, (size_t)3 << 20, (size_t)3 << 20,
                   (size_t)3 << 20};
  for (size_t b = 0; b < sizeof small / sizeof small[0]; b++) one_case_as(6, small[b], 2, SIZE_MAX, SIZE_MAX, 1, 0, big);
}

/* No helper asked for, one section, or memory limited: each made in turn
** by the caller. */
static void one_thread(void **state) {
  (void)state;
  fake *f = calloc(1, sizeof *f);
  assert_non_null(f);
  f->fail_at = SIZE_MAX;
  for (size_t k = 0; k < 3; k++) f->len[k] = 10 + k;
  cs_sections s;
  cs_sections_start(&s, 3, fake_render, f, SIZE_MAX, 0);
  assert_false(s.threaded);
  cs_sb out = {0};
  cs_sections_finish(&s, &out);
  size_t total;
  char *want = expected(f, 3, &total);
  assert_int_equal(out.len, total);
  assert_memory_equal(out.s, want, total);
  cs_sections_start(&s, 1, fake_render, f, SIZE_MAX, 1);
  assert_false(s.threaded);
  cs_sections_finish(&s, &out);
  assert_int_equal(out.len, total + 10);
  /* a limit on the data less than 1 GiB above the address space the
  ** process has: one thread, as under a tight `ulimit -v` or `-d`; one far
  ** above: two */
  struct rlimit data;
  assert_int_equal(getrlimit(RLIMIT_DATA, &data), 0);
  if (data.rlim_cur == RLIM_INFINITY && data.rlim_max == RLIM_INFINITY && !memory_limited()) {
    unsigned long long used = 0;
    assert_int_equal(cs_thread_address_space(&used), 0);
    struct rlimit near = {used + ((rlim_t)512 << 20), RLIM_INFINITY}, far = {RLIM_INFINITY - 1, RLIM_INFINITY};
    assert_int_equal(setrlimit(RLIMIT_DATA, &near), 0);
    cs_sections_start(&s, 3, fake_render, f, SIZE_MAX, 1);
    int near_threaded = s.threaded;
    cs_sections_finish(&s, &out);
    assert_int_equal(setrlimit(RLIMIT_DATA, &far), 0);
    cs_sections_start(&s, 3, fake_render, f, SIZE_MAX, 1);
    int far_threaded = s.threaded;
    cs_sections_finish(&s, &out);
    assert_int_equal(setrlimit(RLIMIT_DATA, &data), 0);
    assert_false(near_threaded);
    assert_true(far_threaded);
    assert_int_equal(out.len, 3 * total + 10);
  } else {
    print_message("memory is limited here: the two threads are not tested\n");
  }
  cs_sb_free(&out);
  free(want);
  free(f);
}

/* ---- the HTML report of real documents -------------------------------------- */

static char **docs;
static int ndocs;

/* A report of doc (csv 0: HTML; 1: CSV; 2: CSV with ';' and decimal
** commas) made with the given thread threshold and bound, into a buffer or
** through a sink; the text (malloc'ed) and its length. */
static char *report(const cs_doc *doc, int csv, cs_report_lang lang, size_t thread_rows, size_t b, int sink,
                    size_t *len) {
  cs_sb out = {0};
  collect c = {NULL, 0, 0, SIZE_MAX, 0, 0};
  if (sink) cs_sb_sink_start(&out, collect_sink, &c);
  cs_error err = {0, ""};
  if (csv ? cs_report_csv_with(doc, lang, csv == 2, &out, thread_rows, b) != 0
          : cs_report_html_with(doc, lang, &out, &err, thread_rows, b) != 0)
    fail_msg("%s", csv ? "csv: out of memory" : err.msg);
  if (!sink) {
    *len = out.len;
    return out.s;
  }
  cs_sb_spill_now(&out);
  cs_sb_free(&out);
  *len = c.len;
  return c.s;
}

/* Each document's report (csv as report's) in en and nb by two threads,
** every bound, to a buffer and a sink, against one thread's. */
static void same_by_two(int csv) {
  if (ndocs == 0) skip();
  static const char *const what[] = {"HTML", "CSV", "CSV (nb)"};
  for (int i = 0; i < ndocs; i++) {
    size_t len;
    cs_error err = {0, ""};
    char *json = cs_read_file(docs[i], &len, &err);
    if (!json) fail_msg("%s", err.msg);
    cs_doc *doc = NULL;
    if (cs_doc_from_json(json, len, docs[i], &doc, &err) != 0 || cs_doc_check(doc, &err) != 0)
      fail_msg("%s", err.msg);
    free(json);
    for (int lang = 0; lang < 2; lang++) {
      cs_report_lang lg = lang ? CS_LANG_NB : CS_LANG_EN;
      size_t one_len;
      char *one = report(doc, csv, lg, SIZE_MAX, 0, 1, &one_len);
      if (!csv) assert_non_null(strstr(one, "</html>"));
      assert_true(one_len > 0);
      for (size_t b = 0; b < NBOUNDS; b++)
        for (int sink = 0; sink < 2; sink++) {
          size_t two_len;
          char *two = report(doc, csv, lg, 0, bounds[b], sink, &two_len);
          if (two_len != one_len || memcmp(one, two, one_len) != 0)
            fail_msg("%s (%s, bound %zu, sink %d): two threads' %s differs from one's", docs[i],
                     lang ? "nb" : "en", bounds[b], sink, what[csv]);
          free(two);
        }
      free(one);
    }
    printf("html_sections: %s's %s the same by one thread and two\n", docs[i], what[csv]);
    cs_doc_free(doc);
  }
}

static void html_same(void **state) {
  (void)state;
  same_by_two(0);
}

/* The CSV report (a run a section), both kinds. */
static void csv_same(void **state) {
  (void)state;
  same_by_two(1);
  same_by_two(2);
}

int main(int argc, char **argv) {
  uint64_t st = 0x9e3779b97f4a7c15u;
  for (size_t i = 0; i < sizeof noise; i++) noise[i] = (unsigned char)test_xorshift64star(&st);
  docs = argv + 1;
  ndocs = argc - 1;
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(sections_in_order), cmocka_unit_test(sink_fails), cmocka_unit_test(section_out_of_memory),
      cmocka_unit_test(bound_holds),
      cmocka_unit_test(one_thread), cmocka_unit_test(html_same), cmocka_unit_test(csv_same),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
