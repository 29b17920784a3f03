/*
** rundb_registry.c: which registry a stored run's figures come from
** (cs_rundb_registry_version in rundb.h).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "coopsim/readfile.h"
#include "coopsim/registry.h"
#include "coopsim/rundb.h"
#include "coopsim/sha256.h"
#include "embedded.h"

/* Appends "name=sha256\n" for one file to list (cap bytes). Returns 0, or
** -1 with err set when the digest cannot be computed. */
static int add_digest(char *list, size_t cap, const char *name, const void *data, size_t len, cs_error *err) {
  char sha[CS_SHA256_HEX];
  if (!cs_sha256_hex(data, len, sha, err)) return -1;
  size_t n = strlen(list);
  snprintf(list + n, cap - n, "%s=%s\n", name, sha);
  return 0;
}

char *cs_rundb_registry_version(const char *data_dir, const char *registry_db, cs_error *err) {
  char list[1024] = "";
  const char *kind = registry_db ? "registry-db" : data_dir ? "data-dir" : "embedded";
  const char *where = registry_db ? registry_db : data_dir;
  if (registry_db) {
    size_t len;
    char *bytes = cs_read_file(registry_db, &len, err);
    if (!bytes) return NULL;
    int bad = add_digest(list, sizeof list, "db", bytes, len, err);
    free(bytes);
    if (bad) return NULL;
  } else {
    for (int i = 0; i < CS_REGISTRY_FILES; i++) {
      const char *name = cs_registry_file_name(i);
      if (data_dir) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", data_dir, name);
        size_t len;
        char *bytes = cs_read_file(path, &len, NULL);
        int bad = bytes && add_digest(list, sizeof list, name, bytes, len, err); /* optional files may be absent */
        free(bytes);
        if (bad) return NULL;
      } else {
        const struct cs_embedded_file *f = cs_embedded_find(name);
        if (f && add_digest(list, sizeof list, name, f->data, f->size, err)) return NULL;
      }
    }
  }
  char sha[CS_SHA256_HEX];
  if (!cs_sha256_hex(list, strlen(list), sha, err)) return NULL;
  size_t cap = strlen(kind) + (where ? strlen(where) : 0) + 32;
  char *out = malloc(cap);
  if (!out) {
    cs_error_set(err, CS_ENOMEM, "out of memory");
    return NULL;
  }
  snprintf(out, cap, "%s%s%s sha256:%.16s", kind, where ? " " : "", where ? where : "", sha);
  return out;
}
