/*
** test_zip_write.c: the ZIP writer (core/zip_write.c), its archives read
** back here by a reader of the test's own (the end record, the central
** directory, each local header) and inflated with zlib, not libdeflate.
*/
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <cmocka.h>
#include "coopsim/zip_write.h"
#include "zip_inflate.h"

static unsigned get16(const unsigned char *p) { return (unsigned)p[0] | (unsigned)p[1] << 8; }
static uint32_t get32(const unsigned char *p) { return (uint32_t)get16(p) | (uint32_t)get16(p + 2) << 16; }

/* The file at fd, whole. */
static unsigned char *slurp(int fd, size_t *n) {
  off_t end = lseek(fd, 0, SEEK_END);
  assert_true(end >= 0);
  unsigned char *b = malloc((size_t)end + 1);
  assert_non_null(b);
  assert_int_equal(pread(fd, b, (size_t)end, 0), end);
  *n = (size_t)end;
  return b;
}

typedef struct got {
  char name[128];
  unsigned char *data;
  size_t len;
  unsigned method;
} got;

/* Reads the archive in b: every entry through the central directory and
** its local header, checking that the two agree, that the entries fill the
** file in order with nothing between, and each CRC-32 (zlib's). */
static size_t read_zip(const unsigned char *b, size_t n, got *out, size_t max) {
  assert_true(n >= 22);
  const unsigned char *end = b + n - 22;
  assert_int_equal(get32(end), 0x06054b50);
  size_t count = get16(end + 10);
  assert_int_equal(get16(end + 8), count);
  uint32_t cd_size = get32(end + 12), cd_off = get32(end + 16);
  assert_int_equal((size_t)cd_off + cd_size, n - 22);
  assert_true(count <= max);
  const unsigned char *c = b + cd_off;
  size_t expect_offset = 0;
  for (size_t i = 0; i < count; i++) {
    assert_int_equal(get32(c), 0x02014b50);
    unsigned method = get16(c + 10);
    assert_int_equal(get16(c + 14), 0x21); /* 1980-01-01 */
    uint32_t crc = get32(c + 16), csize = get32(c + 20), usize = get32(c + 24);
    unsigned namelen = get16(c + 28);
    uint32_t off = get32(c + 42);
    assert_int_equal(off, expect_offset);
    const unsigned char *l = b + off;
    assert_int_equal(get32(l), 0x04034b50);
    assert_int_equal(get16(l + 8), method);
    assert_int_equal(get32(l + 14), crc);
    assert_int_equal(get32(l + 18), csize);
    assert_int_equal(get32(l + 22), usize);
    assert_int_equal(get16(l + 26), namelen);
    assert_memory_equal(l + 30, c + 46, namelen);
    assert_true(namelen < sizeof out[i].name);
    memcpy(out[i].name, c + 46, namelen);
    out[i].name[namelen] = 0;
    const unsigned char *data = l + 30 + namelen + get16(l + 28);
    out[i].method = method;
    out[i].len = usize;
    out[i].data = malloc(usize + 1);
    assert_non_null(out[i].data);
    if (method == 0) {
      assert_int_equal(csize, usize);
      memcpy(out[i].data, data, usize);
    } else {
      assert_int_equal(method, 8);
      zip_inflate(data, csize, out[i].data, usize);
    }
    assert_int_equal(crc32(0, out[i].data, usize), crc);
    expect_offset = (size_t)(data - b) + csize;
    c += 46 + namelen + get16(c + 30) + get16(c + 32);
  }
  assert_int_equal(expect_offset, cd_off);
  return count;
}

static int temp_fd(void) {
  char path[] = "/tmp/cs_zip_XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  unlink(path);
  return fd;
}

static char *text_of(size_t len, unsigned seed) {
  char *s = malloc(len ? len : 1);
  assert_non_null(s);
  for (size_t i = 0; i < len; i++) s[i] = "<row r=\"12\"><c s=\"3\"><v>1234</v></c></row>"[(i * 7 + seed) % 41];
  return s;
}

/* Entries of every kind come back in order, byte for byte: empty, small,
** several MiB (past the writer's 16 MiB of waiting work together), and
** random bytes that deflate cannot shrink (stored). */
static void archive_round_trip(void **state) {
  (void)state;
  enum { N = 40 };
  size_t len[N];
  unsigned char *want[N];
  int fd = temp_fd();
  cs_error err;
  cs_zip *z = cs_zip_new(fd, "book.xlsx", &err);
  assert_non_null(z);
  uint32_t x = 12345;
  for (size_t i = 0; i < N; i++) {
    len[i] = i == 0 ? 0 : i % 7 == 3 ? (size_t)5 << 20 : 100 + i * 977; /* 5 MiB: past the huge-page hint */
    char *d;
    if (i % 5 == 4) { /* random: stored */
      d = malloc(len[i]);
      assert_non_null(d);
      for (size_t k = 0; k < len[i]; k++) x = x * 1103515245u + 12345u, d[k] = (char)(x >> 23);
    } else {
      d = text_of(len[i], (unsigned)i);
    }
    want[i] = malloc(len[i] + 1);
    assert_non_null(want[i]);
    memcpy(want[i], d, len[i]);
    char name[64];
    snprintf(name, sizeof name, "xl/worksheets/sheet%zu.xml", i + 1);
    if (i == 1) assert_int_equal(cs_zip_add_copy(z, name, d, len[i], &err), 0), free(d);
    else assert_int_equal(cs_zip_add(z, name, d, len[i], &err), 0);
  }
  assert_int_equal(cs_zip_close(z, &err), 0);
  size_t n;
  unsigned char *b = slurp(fd, &n);
  got g[N];
  assert_int_equal(read_zip(b, n, g, N), N);
  for (size_t i = 0; i < N; i++) {
    char name[64];
    snprintf(name, sizeof name, "xl/worksheets/sheet%zu.xml", i + 1);
    assert_string_equal(g[i].name, name);
    assert_int_equal(g[i].len, len[i]);
    assert_memory_equal(g[i].data, want[i], len[i]);
    if (i % 5 == 4 && len[i] > 0) assert_int_equal(g[i].method, 0);
    if (i % 5 != 4 && len[i] > 1000) assert_int_equal(g[i].method, 8);
    free(g[i].data);
    free(want[i]);
  }
  free(b);
  close(fd);
}

/* The same entries make the same bytes (no time of writing in them). */
static void same_entries_same_bytes(void **state) {
  (void)state;
  unsigned char *b[2];
  size_t n[2];
  for (int k = 0; k < 2; k++) {
    int fd = temp_fd();
    cs_error err;
    cs_zip *z = cs_zip_new(fd, "a.xlsx", &err);
    assert_non_null(z);
    assert_int_equal(cs_zip_add(z, "[Content_Types].xml", text_of(5000, 1), 5000, &err), 0);
    assert_int_equal(cs_zip_add(z, "xl/sheet.xml", text_of(200000, 2), 200000, &err), 0);
    assert_int_equal(cs_zip_close(z, &err), 0);
    b[k] = slurp(fd, &n[k]);
    close(fd);
  }
  assert_int_equal(n[0], n[1]);
  assert_memory_equal(b[0], b[1], n[0]);
  free(b[0]);
  free(b[1]);
}

/* A full disk: the archive's error names the file and the system's reason,
** and every later call returns it (data given is freed: ASan's leak check). */
static void disk_full(void **state) {
  (void)state;
  int fd = open("/dev/full", O_WRONLY);
  if (fd < 0) skip();
  cs_error err;
  cs_zip *z = cs_zip_new(fd, "out/book.xlsx", &err);
  assert_non_null(z);
  int rc = 0;
  for (int i = 0; i < 5 && rc == 0; i++) rc = cs_zip_add(z, "xl/a.xml", text_of(100000, 3), 100000, &err);
  int closed = cs_zip_close(z, &err);
  assert_int_equal(closed, CS_EIO);
  assert_non_null(strstr(err.msg, "out/book.xlsx: cannot write the workbook ("));
  assert_non_null(strstr(err.msg, "No space left on device"));
  close(fd);
}

/* Names ZIP cannot hold as given are refused, and the data still freed. */
static void bad_names(void **state) {
  (void)state;
  int fd = temp_fd();
  cs_error err;
  cs_zip *z = cs_zip_new(fd, "b.xlsx", &err);
  assert_non_null(z);
  assert_int_equal(cs_zip_add(z, "", text_of(10, 0), 10, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "b.xlsx: cannot write the workbook (a part named \"\")"));
  assert_int_equal(cs_zip_add(z, "ok.xml", text_of(10, 0), 10, &err), CS_EINVAL);
  assert_int_equal(cs_zip_close(z, &err), CS_EINVAL);
  close(fd);
  fd = temp_fd();
  z = cs_zip_new(fd, "c.xlsx", &err);
  assert_non_null(z);
  assert_int_equal(cs_zip_add(z, "/etc/x", text_of(10, 0), 10, &err), CS_EINVAL);
  cs_zip_abandon(z);
  close(fd);
}

/* Buffers given with cs_zip_add_kept come back from cs_zip_spare once their
** entry is written, never one smaller than asked, each once; the archive
** still holds every entry byte for byte; what is kept at close, or not
** kept, is freed (ASan's leak check). */
static void kept_buffers(void **state) {
  (void)state;
  int fd = temp_fd();
  cs_error err;
  cs_zip *z = cs_zip_new(fd, "k.xlsx", &err);
  assert_non_null(z);
  size_t size = 0;
  assert_null(cs_zip_spare(z, 1, &size)); /* nothing written yet */
  const size_t sizes[3] = {500000, 400000, 300000};
  for (int i = 0; i < 3; i++) {
    char *d = text_of(sizes[i], (unsigned)i);
    char *big = realloc(d, sizes[i] + 1000); /* a buffer larger than its entry */
    assert_non_null(big);
    assert_int_equal(cs_zip_add_kept(z, i == 1 ? "b.xml" : i ? "c.xml" : "a.xml", big, sizes[i], sizes[i] + 1000, &err), 0);
  }
  /* the entries are written by the second thread (or this one), in order:
  ** wait for the two buffers of 401000 bytes or more (the third is smaller) */
  assert_null(cs_zip_spare(z, 501001, &size));
  char *p = NULL, *q = NULL;
  size_t psize = 0, qsize = 0;
  while (!(p = cs_zip_spare(z, 401000, &psize))) {
  }
  while (!(q = cs_zip_spare(z, 401000, &qsize))) {
  }
  assert_true((psize == 401000 && qsize == 501000) || (psize == 501000 && qsize == 401000));
  assert_null(cs_zip_spare(z, 401000, &size)); /* each is handed out once */
  /* given back as a new entry, kept again at close and freed there */
  memcpy(p, "<x/>", 4);
  assert_int_equal(cs_zip_add_kept(z, "d.xml", p, 4, psize, &err), 0);
  free(q);
  assert_int_equal(cs_zip_close(z, &err), 0);
  size_t n;
  unsigned char *b = slurp(fd, &n);
  got g[4];
  assert_int_equal(read_zip(b, n, g, 4), 4);
  for (int i = 0; i < 3; i++) {
    char *want = text_of(sizes[i], (unsigned)i);
    assert_int_equal(g[i].len, sizes[i]);
    assert_memory_equal(g[i].data, want, sizes[i]);
    free(want);
  }
  assert_int_equal(g[3].len, 4);
  assert_memory_equal(g[3].data, "<x/>", 4);
  for (int i = 0; i < 4; i++) free(g[i].data);
  free(b);
  close(fd);
}

/* Abandoned with work waiting: everything is freed, nothing crashes. */
static void abandon_waiting(void **state) {
  (void)state;
  int fd = temp_fd();
  cs_error err;
  cs_zip *z = cs_zip_new(fd, "d.xlsx", &err);
  assert_non_null(z);
  for (int i = 0; i < 20; i++) assert_int_equal(cs_zip_add(z, "xl/s.xml", text_of(300000, 4), 300000, &err), 0);
  cs_zip_abandon(z);
  cs_zip_abandon(NULL);
  close(fd);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(archive_round_trip), cmocka_unit_test(same_entries_same_bytes),
      cmocka_unit_test(disk_full),          cmocka_unit_test(bad_names),
      cmocka_unit_test(abandon_waiting),    cmocka_unit_test(kept_buffers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
