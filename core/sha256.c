/*
** sha256.c: SHA-256 as lowercase hex text (sha256.h), computed by nettle
** (Debian's libnettle8), which is opened on first use: only saving or
** reading a stored run needs a digest, and a run that does neither never
** loads it.
*/
#include <nettle/sha2.h>
#include "coopsim/lazy_lib.h"
#include "coopsim/sha256.h"

/* <nettle/sha2.h> names these nettle_sha256_*: the pointers have the
** header's types, so the compiler checks them */
static void (*p_init)(struct sha256_ctx *ctx);
static void (*p_update)(struct sha256_ctx *ctx, size_t length, const uint8_t *data);
static void (*p_digest)(struct sha256_ctx *ctx, size_t length, uint8_t *digest);

static const cs_lazy_sym syms[] = {{"nettle_sha256_init", (void *)&p_init},
                                   {"nettle_sha256_update", (void *)&p_update},
                                   {"nettle_sha256_digest", (void *)&p_digest}};
static cs_lazy_lib lib = CS_LAZY_LIB("nettle", "libnettle.so.8", "libnettle8", syms);

int cs_sha256_load(cs_error *err) {
  if (cs_lazy_load(&lib)) return CS_OK;
  return cs_error_set(err, CS_EIO, "cannot compute a SHA-256: %s", lib.why);
}

char *cs_sha256_hex(const void *data, size_t len, char out[CS_SHA256_HEX], cs_error *err) {
  if (cs_sha256_load(err) != CS_OK) return NULL;
  struct sha256_ctx ctx;
  uint8_t d[SHA256_DIGEST_SIZE];
  p_init(&ctx);
  if (len) p_update(&ctx, len, data);
  p_digest(&ctx, sizeof d, d);
  static const char hex[] = "0123456789abcdef";
  for (size_t i = 0; i < sizeof d; i++) {
    out[2 * i] = hex[d[i] >> 4];
    out[2 * i + 1] = hex[d[i] & 15];
  }
  out[2 * sizeof d] = '\0';
  return out;
}
