/*
** zip_write.c: a ZIP archive written to an open file (zip_write.h).
**
** Each entry is deflated whole with libdeflate (one call over the whole
** buffer: no stream state, no window copies). Entries wait in a queue; a
** second thread takes the oldest waiting one, compresses it and, when every
** entry before it is written, writes it and those after it that are ready.
** The caller's thread takes entries too when more than PENDING_MAX bytes
** wait (so memory stays bounded and both cores work while the caller
** writes faster than one core compresses) and when the archive is closed.
** An entry that deflate would not shrink is stored.
**
** The layout (APPNOTE.TXT 6.3, without ZIP64): per entry a local header,
** its name and its data (sizes and CRC-32 known before the header is
** written, so no data descriptor); then the central directory and its end
** record. Numbers are little-endian, written byte by byte.
*/
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <libdeflate.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "coopsim/atomic_file.h"
#include "coopsim/lazy_deflate.h"
#include "coopsim/thread.h"
#include "coopsim/zip_write.h"

/* libdeflate's level 1, its fastest: the national workbook's 71 MB of XML
** in 115-129 ms on one core, 10.5 MB (level 2: 176-180 ms, 10.1 MB; level 3:
** 200 ms, 9.6 MB; zlib's default, which libxlsxwriter used: 820 ms, 8.0 MB),
** measured December 2026 with the output's pages already touched. */
#define LEVEL 1
#define PENDING_MAX ((size_t)16 << 20) /* bytes waiting before the caller helps */
#define WRITEBACK ((uint64_t)8 << 20)   /* bytes between write-back hints */
#define ZIP_MAX 0xfffffffeu            /* sizes and offsets: 0xffffffff means ZIP64 */
#define ENTRIES_MAX 65534u
#define SPARES 2                       /* buffers kept for cs_zip_spare */
#define DOS_DATE ((0u << 9) | (1u << 5) | 1u) /* 1980-01-01 */
#define FLAG_UTF8 0x0800u                    /* the name is UTF-8 */

enum { QUEUED, BUSY, DONE, WRITTEN };

typedef struct entry {
  char *name;
  size_t namelen;
  char *data; /* the entry's bytes until compressed */
  size_t len;
  size_t size; /* data's size when the archive keeps it (cs_zip_add_kept), else 0 */
  char *out; /* what is written: deflated, or data itself when stored */
  size_t outlen;
  uint32_t crc;
  unsigned method; /* 8 deflated, 0 stored */
  int state;
  uint32_t offset; /* of its local header */
} entry;

struct cs_zip {
  int fd;
  char *shown;
  pthread_mutex_t mu;
  pthread_cond_t work; /* an entry waits, or the archive closes */
  pthread_cond_t done; /* an entry was written */
  entry *e;
  size_t n, cap;
  size_t next_claim;   /* the oldest entry still QUEUED */
  size_t next_write;   /* the oldest entry not WRITTEN */
  size_t pending;      /* bytes of the entries QUEUED or BUSY */
  uint64_t offset;     /* bytes written */
  uint64_t hinted;     /* offset at the last write-back hint */
  int rc;              /* the first error, 0 while none */
  cs_error err;        /* its message */
  int closing;
  int threaded;
  pthread_t thread;
  struct libdeflate_compressor *mine; /* the caller's thread's */
  struct {
    char *p;
    size_t size;
  } spare[SPARES]; /* buffers of written entries, for cs_zip_spare */
};

/* Records the archive's first error (under mu). */
static int fail(cs_zip *z, int code, const char *fmt, const char *detail) {
  if (!z->rc) z->rc = cs_error_set(&z->err, code, fmt, z->shown, detail);
  return z->rc;
}

static void put16(unsigned char *p, unsigned v) {
  p[0] = (unsigned char)(v & 0xff);
  p[1] = (unsigned char)((v >> 8) & 0xff);
}

static void put32(unsigned char *p, uint32_t v) {
  put16(p, v & 0xffff);
  put16(p + 2, v >> 16);
}

/* Writes all n bytes at p (under mu); 0, or the archive's error. */
static int write_all(cs_zip *z, const void *p, size_t n) {
  if (cs_write_all(z->fd, p, n) != 0) return fail(z, CS_EIO, "%s: cannot write the workbook (%s)", strerror(errno));
  z->offset += n;
  return 0;
}

static unsigned flags(const entry *x) {
  for (size_t i = 0; i < x->namelen; i++)
    if ((unsigned char)x->name[i] >= 0x80) return FLAG_UTF8;
  return 0;
}

/* Keeps the buffer p of size bytes for cs_zip_spare in place of the
** smallest kept one when it is larger, and frees what is not kept (under
** mu). size 0: freed. */
static void keep(cs_zip *z, char *p, size_t size) {
  size_t small = 0;
  for (size_t i = 1; i < SPARES; i++)
    if (z->spare[i].size < z->spare[small].size) small = i;
  if (size > z->spare[small].size) {
    char *old = z->spare[small].p;
    z->spare[small].p = p, z->spare[small].size = size;
    p = old;
  }
  free(p);
}

/* Writes entry i's local header, name and data (under mu). */
static void write_entry(cs_zip *z, entry *x) {
  if (!z->rc && (z->offset > ZIP_MAX || x->outlen > ZIP_MAX || x->len > ZIP_MAX ||
                 z->offset + 30 + x->namelen + x->outlen > ZIP_MAX))
    fail(z, CS_EOVERFLOW, "%s: the workbook would pass ZIP's 4 GiB (%s)", "ZIP64 is not written");
  if (!z->rc) {
    unsigned char h[30];
    put32(h, 0x04034b50);
    put16(h + 4, 20); /* version needed: 2.0, deflate */
    put16(h + 6, flags(x));
    put16(h + 8, x->method);
    put16(h + 10, 0); /* 00:00 */
    put16(h + 12, DOS_DATE);
    put32(h + 14, x->crc);
    put32(h + 18, (uint32_t)x->outlen);
    put32(h + 22, (uint32_t)x->len);
    put16(h + 26, (unsigned)x->namelen);
    put16(h + 28, 0);
    x->offset = (uint32_t)z->offset;
    if (!write_all(z, h, sizeof h) && !write_all(z, x->name, x->namelen)) write_all(z, x->out, x->outlen);
    /* the kernel writes back while the rest is made: the fsync waits less */
    if (z->offset - z->hinted >= WRITEBACK) cs_writeback_start(z->fd), z->hinted = z->offset;
  }
  if (x->out != x->data) free(x->out);
  keep(z, x->data, x->size);
  x->out = x->data = NULL;
  x->state = WRITTEN;
}

/* Marks entry i compressed and writes every entry that is now next
** (under mu). */
static void finish(cs_zip *z, size_t i) {
  z->e[i].state = DONE;
  z->pending -= z->e[i].len;
  while (z->next_write < z->n && z->e[z->next_write].state == DONE) write_entry(z, &z->e[z->next_write++]);
  pthread_cond_broadcast(&z->done);
}

/* Takes the oldest waiting entry, compresses it with c outside the lock,
** and finishes it (called and returning under mu). */
static void compress_next(cs_zip *z, struct libdeflate_compressor *c) {
  size_t i = z->next_claim++;
  z->e[i].state = BUSY;
  const char *in = z->e[i].data;
  size_t len = z->e[i].len;
  int skip = z->rc != 0;
  pthread_mutex_unlock(&z->mu);
  /* the queue may move (realloc) while unlocked: only locals here */
  uint32_t crc = 0;
  char *out = NULL;
  size_t outlen = 0;
  int oom = 0;
  if (!skip) {
    crc = libdeflate_crc32(0, in, len);
    size_t bound = libdeflate_deflate_compress_bound(c, len);
    out = malloc(bound ? bound : 1);
    if (!out) {
      oom = 1;
    } else {
      outlen = libdeflate_deflate_compress(c, in, len, out, bound);
    }
  }
  pthread_mutex_lock(&z->mu);
  entry *x = &z->e[i];
  x->crc = crc;
  if (oom) fail(z, CS_ENOMEM, "%s: out of memory compressing the workbook%s", "");
  if (!out || outlen == 0 || outlen >= len) { /* stored: deflate did not shrink it */
    free(out);
    x->out = x->data, x->outlen = len, x->method = 0;
  } else {
    x->out = out, x->outlen = outlen, x->method = 8;
  }
  finish(z, i);
}

static void *compressor_thread(void *arg) {
  cs_zip *z = arg;
  struct libdeflate_compressor *c = libdeflate_alloc_compressor(LEVEL);
  pthread_mutex_lock(&z->mu);
  if (!c) fail(z, CS_ENOMEM, "%s: out of memory compressing the workbook%s", "");
  for (;;) {
    while (z->next_claim == z->n && !z->closing) pthread_cond_wait(&z->work, &z->mu);
    if (z->next_claim == z->n) break;
    if (!c) { /* the error is recorded: the caller's thread drains the queue */
      pthread_cond_wait(&z->work, &z->mu);
      continue;
    }
    compress_next(z, c);
  }
  pthread_mutex_unlock(&z->mu);
  libdeflate_free_compressor(c);
  return NULL;
}

cs_zip *cs_zip_new(int fd, const char *shown, cs_error *err) {
  if (!shown) shown = "workbook";
  if (cs_deflate_load(shown, err)) return NULL;
  cs_zip *z = calloc(1, sizeof *z);
  if (z) z->shown = strdup(shown);
  if (z && z->shown) z->mine = libdeflate_alloc_compressor(LEVEL);
  if (!z || !z->shown || !z->mine) {
    if (z) free(z->shown);
    free(z);
    cs_error_set(err, CS_ENOMEM, "%s: out of memory starting the workbook", shown);
    return NULL;
  }
  z->fd = fd;
  pthread_mutex_init(&z->mu, NULL);
  pthread_cond_init(&z->work, NULL);
  pthread_cond_init(&z->done, NULL);
  return z;
}

/* The archive's error into err (under mu). */
static int report(cs_zip *z, cs_error *err) {
  if (z->rc && err) *err = z->err;
  return z->rc;
}

int cs_zip_add(cs_zip *z, const char *name, char *data, size_t len, cs_error *err) {
  return cs_zip_add_kept(z, name, data, len, 0, err);
}

char *cs_zip_spare(cs_zip *z, size_t min, size_t *size) {
  pthread_mutex_lock(&z->mu);
  size_t best = SPARES;
  for (size_t i = 0; i < SPARES; i++)
    if (z->spare[i].p && z->spare[i].size >= min && (best == SPARES || z->spare[i].size < z->spare[best].size))
      best = i;
  char *p = NULL;
  if (best < SPARES) {
    p = z->spare[best].p, *size = z->spare[best].size;
    z->spare[best].p = NULL, z->spare[best].size = 0;
  }
  pthread_mutex_unlock(&z->mu);
  return p;
}

int cs_zip_add_kept(cs_zip *z, const char *name, char *data, size_t len, size_t size, cs_error *err) {
  pthread_mutex_lock(&z->mu);
  size_t namelen = name ? strlen(name) : 0;
  char *copy = NULL;
  if (z->rc) {
  } else if (namelen == 0 || namelen > 0xffff || name[0] == '/') {
    fail(z, CS_EINVAL, "%s: cannot write the workbook (a part named \"%s\")", name ? name : "");
  } else if (z->n >= ENTRIES_MAX || len > ZIP_MAX) {
    fail(z, CS_EOVERFLOW, "%s: the workbook would pass ZIP's limits (%s)", "ZIP64 is not written");
  } else if (z->n == z->cap) {
    size_t cap = z->cap ? 2 * z->cap : 64;
    entry *e = realloc(z->e, cap * sizeof *e);
    if (e) z->e = e, z->cap = cap;
    else fail(z, CS_ENOMEM, "%s: out of memory writing the workbook%s", "");
  }
  if (!z->rc && !(copy = malloc(namelen + 1))) fail(z, CS_ENOMEM, "%s: out of memory writing the workbook%s", "");
  if (z->rc) {
    pthread_mutex_unlock(&z->mu);
    free(data);
    free(copy);
    return report(z, err);
  }
  memcpy(copy, name, namelen + 1);
  entry *x = &z->e[z->n++];
  memset(x, 0, sizeof *x);
  x->name = copy, x->namelen = namelen, x->data = data, x->len = len, x->state = QUEUED;
  x->size = size >= len ? size : 0;
  z->pending += len;
  if (!z->threaded && cs_thread_start(&z->thread, NULL, compressor_thread, z) == 0) z->threaded = 1;
  pthread_cond_signal(&z->work);
  /* too much waits (or no second thread): this thread compresses too */
  while (z->next_claim < z->n && (z->pending > PENDING_MAX || !z->threaded)) compress_next(z, z->mine);
  int rc = report(z, err);
  pthread_mutex_unlock(&z->mu);
  return rc;
}

int cs_zip_add_copy(cs_zip *z, const char *name, const char *data, size_t len, cs_error *err) {
  char *copy = malloc(len ? len : 1);
  if (!copy) {
    pthread_mutex_lock(&z->mu);
    int rc = fail(z, CS_ENOMEM, "%s: out of memory writing the workbook%s", "");
    report(z, err);
    pthread_mutex_unlock(&z->mu);
    return rc;
  }
  memcpy(copy, data, len);
  return cs_zip_add(z, name, copy, len, err);
}

/* Waits for the queue to empty, stops the second thread (under mu). */
static void drain(cs_zip *z) {
  while (z->next_claim < z->n) compress_next(z, z->mine);
  while (z->next_write < z->n) pthread_cond_wait(&z->done, &z->mu);
  z->closing = 1;
  pthread_cond_broadcast(&z->work);
  if (z->threaded) {
    pthread_mutex_unlock(&z->mu);
    pthread_join(z->thread, NULL);
    pthread_mutex_lock(&z->mu);
    z->threaded = 0;
  }
}

static void free_zip(cs_zip *z) {
  for (size_t i = 0; i < z->n; i++) {
    if (z->e[i].out != z->e[i].data) free(z->e[i].out);
    free(z->e[i].data);
    free(z->e[i].name);
  }
  free(z->e);
  for (size_t i = 0; i < SPARES; i++) free(z->spare[i].p);
  libdeflate_free_compressor(z->mine);
  pthread_mutex_destroy(&z->mu);
  pthread_cond_destroy(&z->work);
  pthread_cond_destroy(&z->done);
  free(z->shown);
  free(z);
}

/* The central directory and its end record (under mu). */
static void write_directory(cs_zip *z) {
  uint64_t start = z->offset;
  for (size_t i = 0; i < z->n && !z->rc; i++) {
    const entry *x = &z->e[i];
    unsigned char h[46];
    put32(h, 0x02014b50);
    put16(h + 4, 20); /* made by: MS-DOS attributes, version 2.0 */
    put16(h + 6, 20);
    put16(h + 8, flags(x));
    put16(h + 10, x->method);
    put16(h + 12, 0);
    put16(h + 14, DOS_DATE);
    put32(h + 16, x->crc);
    put32(h + 20, (uint32_t)x->outlen);
    put32(h + 24, (uint32_t)x->len);
    put16(h + 28, (unsigned)x->namelen);
    memset(h + 30, 0, 12); /* extra, comment, disk, attributes */
    put32(h + 42, x->offset);
    if (!write_all(z, h, sizeof h)) write_all(z, x->name, x->namelen);
  }
  uint64_t size = z->offset - start;
  if (!z->rc && (start > ZIP_MAX || size > ZIP_MAX))
    fail(z, CS_EOVERFLOW, "%s: the workbook would pass ZIP's 4 GiB (%s)", "ZIP64 is not written");
  if (z->rc) return;
  unsigned char end[22];
  put32(end, 0x06054b50);
  put16(end + 4, 0);
  put16(end + 6, 0);
  put16(end + 8, (unsigned)z->n);
  put16(end + 10, (unsigned)z->n);
  put32(end + 12, (uint32_t)size);
  put32(end + 16, (uint32_t)start);
  put16(end + 20, 0);
  write_all(z, end, sizeof end);
}

int cs_zip_close(cs_zip *z, cs_error *err) {
  pthread_mutex_lock(&z->mu);
  drain(z);
  if (!z->rc) write_directory(z);
  int rc = report(z, err);
  pthread_mutex_unlock(&z->mu);
  free_zip(z);
  return rc;
}

void cs_zip_abandon(cs_zip *z) {
  if (!z) return;
  pthread_mutex_lock(&z->mu);
  if (!z->rc) z->rc = CS_ERROR; /* what waits is freed, not compressed */
  drain(z);
  pthread_mutex_unlock(&z->mu);
  free_zip(z);
}
