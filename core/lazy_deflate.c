/*
** lazy_deflate.c: libdeflate loaded when a workbook is first written
** (lazy_deflate.h). Each libdeflate function coopsim calls is defined here
** with <libdeflate.h>'s own name and type (the compiler checks them against
** the header) and calls the library's, found with dlsym once it is open.
*/
#define _POSIX_C_SOURCE 200809L
#include <libdeflate.h>
#include "coopsim/lazy_deflate.h"
#include "coopsim/lazy_lib.h"

/* Every function of <libdeflate.h> coopsim uses: R(type, name, (params),
** (args)) returns a value, V(name, (params), (args)) returns none. */
#define CS_DEFLATE_FUNCTIONS(R, V) \
  R(struct libdeflate_compressor *, libdeflate_alloc_compressor, (int level), (level)) \
  R(size_t, libdeflate_deflate_compress, \
    (struct libdeflate_compressor *c, const void *in, size_t in_nbytes, void *out, size_t out_nbytes_avail), \
    (c, in, in_nbytes, out, out_nbytes_avail)) \
  R(size_t, libdeflate_deflate_compress_bound, (struct libdeflate_compressor *c, size_t in_nbytes), (c, in_nbytes)) \
  V(libdeflate_free_compressor, (struct libdeflate_compressor *c), (c)) \
  R(uint32_t, libdeflate_crc32, (uint32_t crc, const void *buffer, size_t len), (crc, buffer, len))

/* the library's functions, once loaded */
CS_DEFLATE_FUNCTIONS(CS_LAZY_POINTER_R, CS_LAZY_POINTER_V)

static const cs_lazy_sym syms[] = {CS_DEFLATE_FUNCTIONS(CS_LAZY_SYM_R, CS_LAZY_SYM_V)};
static cs_lazy_lib lib = CS_LAZY_LIB("libdeflate", "libdeflate.so.0", "libdeflate0", syms);

int cs_deflate_load(const char *shown, cs_error *err) {
  if (cs_lazy_load(&lib)) return CS_OK;
  return cs_error_set(err, CS_EIO, "%s: cannot write the workbook: %s", shown ? shown : "workbook", lib.why);
}

/* A libdeflate function called before cs_deflate_load: it loads the
** library, and stops the process through cs_lazy_need when it cannot. */
CS_DEFLATE_FUNCTIONS(CS_LAZY_FORWARD_R, CS_LAZY_FORWARD_V)
