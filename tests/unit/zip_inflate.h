/*
** zip_inflate.h: a ZIP entry's deflated bytes inflated by zlib, for the
** tests that read archives back (test_zip_write, test_xlsx): the csize
** bytes at in must inflate whole to exactly usize bytes into out, which
** has room for usize + 1. Needs cmocka.h and zlib.h included before.
** Everything is static.
*/
#ifndef CS_ZIP_INFLATE_H
#define CS_ZIP_INFLATE_H

#include <string.h>

static void zip_inflate(const unsigned char *in, size_t csize, unsigned char *out, size_t usize) {
  z_stream s;
  memset(&s, 0, sizeof s);
  assert_int_equal(inflateInit2(&s, -15), Z_OK); /* raw deflate, as ZIP stores it */
  s.next_in = (unsigned char *)in;
  s.avail_in = (uInt)csize;
  s.next_out = out;
  s.avail_out = (uInt)usize + 1;
  assert_int_equal(inflate(&s, Z_FINISH), Z_STREAM_END);
  assert_int_equal(s.total_out, usize);
  assert_int_equal(s.avail_in, 0);
  inflateEnd(&s);
}

#endif
