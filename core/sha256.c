/*
** sha256.c: SHA-256 hex digests with nettle (Debian's nettle-dev).
*/
#include <nettle/sha2.h>
#include "coopsim/sha256.h"

char *cs_sha256_hex(const void *data, size_t len, char out[CS_SHA256_HEX]) {
  static const char hex[] = "0123456789abcdef";
  struct sha256_ctx ctx;
  uint8_t digest[SHA256_DIGEST_SIZE];
  sha256_init(&ctx);
  sha256_update(&ctx, len, data);
  sha256_digest(&ctx, sizeof digest, digest);
  for (size_t i = 0; i < sizeof digest; i++) {
    out[2 * i] = hex[digest[i] >> 4];
    out[2 * i + 1] = hex[digest[i] & 15];
  }
  out[2 * SHA256_DIGEST_SIZE] = '\0';
  return out;
}
