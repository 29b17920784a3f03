/*
** doc_arena.c: one allocation for a document's many small pieces (doc.h,
** cs_doc_arena_*). A document made from results or read from a worker has
** some ten texts and arrays per row; allocated one by one they were most of
** the time a national export took. An arena hands out pieces of large
** blocks and frees them all at once; texts are kept once (interned), so the
** same name in ten thousand rows is one copy.
*/
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "coopsim/doc.h"

/* Under AddressSanitizer (the test build), what a reset takes back is
** poisoned until it is handed out again: a text or array of a run before,
** still pointed to after cs_doc_arena_reset, is reported where it is read
** instead of read as whatever the next run put there. */
#if defined(__SANITIZE_ADDRESS__)
#define ARENA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ARENA_ASAN 1
#endif
#endif
#ifdef ARENA_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define BLOCK 65536
#define MAPPED (1u << 20)     /* blocks this large are mapped: their pages come zeroed */
#define MAX_BLOCK (8u << 20)  /* blocks grow with the arena up to this */

typedef struct block {
  struct block *next;
  size_t used, size;
  size_t dirty;       /* data beyond this many bytes is zero (never handed out
                      ** of a fresh mapping); malloc'ed: size */
  void *map;          /* the mapping (munmap), or NULL: malloc'ed */
  size_t mapped;      /* its length */
  max_align_t data[]; /* size bytes */
} block;

/* A block of at least `size` bytes. A large one is mapped (its pages come
** zeroed, so what is handed out of it need not be cleared), in 4 KB pages:
** no huge pages are asked for. On this project's virtual machines the host
** takes back free memory in large blocks (free page reporting); a 2 MB page
** is made of such memory, and its first touch a few seconds after the last
** run cost 2.4-28 ms a MB against 0.6-1.2 ms in 4 KB pages
** (bench/page_touch.c), which the kernel takes from memory it still holds. A national export after a pause spent some
** 400 ms zeroing its document's huge pages. */
static block *new_block(size_t size) {
  block *b;
  if (size >= MAPPED && size <= SIZE_MAX - sizeof *b - 4096) {
    size_t len = (sizeof *b + size + 4095) & ~(size_t)4095;
    char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return NULL;
    b = (block *)(void *)p;
    b->map = p;
    b->mapped = len;
    b->size = len - sizeof *b;
    b->dirty = 0;
  } else {
    if (!(b = malloc(sizeof *b + size))) return NULL;
    b->map = NULL;
    b->mapped = 0;
    b->size = size;
    b->dirty = size;
  }
  b->next = NULL;
  b->used = 0;
  return b;
}

static void free_block(block *b) {
  UNPOISON(b->data, b->size); /* no poison left on addresses a later mapping may get */
  if (b->map) munmap(b->map, b->mapped);
  else free(b);
}

typedef struct slot {
  const char *text; /* NULL: free */
  uint32_t len;     /* a text's length (texts of 4 GB or more are not interned) */
  uint32_t hash;    /* the hash's low half, whose low bits place the slot */
} slot;

struct cs_doc_arena {
  block *head;
  block *spare;        /* blocks kept by cs_doc_arena_reset, used again first */
  size_t bytes;        /* all blocks' sizes, the spare ones too */
  size_t limit;        /* 0: none */
  /* interned texts: open addressing over slots, each a text with its length
  ** and hash, so that a probe reads one slot and touches a text only when
  ** its hash and length match */
  slot *slots;
  size_t ntexts, cap;
};

cs_doc_arena *cs_doc_arena_new(size_t limit) {
  cs_doc_arena *a = calloc(1, sizeof *a);
  if (a) a->limit = limit;
  return a;
}

void cs_doc_arena_free(cs_doc_arena *a) {
  if (!a) return;
  for (block *b = a->head, *next; b; b = next) {
    next = b->next;
    free_block(b);
  }
  for (block *b = a->spare, *next; b; b = next) {
    next = b->next;
    free_block(b);
  }
  free(a->slots);
  free(a);
}

void cs_doc_arena_reset(cs_doc_arena *a) {
  /* every block is kept for the next use: a worker's run after run fills
  ** the same pages instead of mapping (and faulting in) new ones */
  for (block *b = a->head, *next; b; b = next) {
    next = b->next;
    POISON(b->data, b->size);
    b->used = 0;
    b->next = a->spare;
    a->spare = b;
  }
  a->head = NULL;
  if (a->slots) {
    memset(a->slots, 0, a->cap * sizeof *a->slots);
    a->ntexts = 0;
  }
}

void cs_doc_arena_adopt(cs_doc_arena *a, cs_doc_arena *from) {
  if (!from) return;
  /* behind a's head block, which stays the one pieces are taken from */
  block **end = a->head ? &a->head->next : &a->head;
  while (*end) end = &(*end)->next;
  *end = from->head;
  end = &a->spare;
  while (*end) end = &(*end)->next;
  *end = from->spare;
  a->bytes += from->bytes;
  free(from->slots);
  free(from);
}

size_t cs_doc_arena_bytes(const cs_doc_arena *a) { return a->bytes + a->cap * sizeof *a->slots; }

/* n bytes from the head block (made so when needed); *dirty: how many bytes
** of the piece may be other than zero (a fresh mapping's are not). */
static char *take(cs_doc_arena *a, size_t n, size_t *dirty) {
  size_t align = sizeof(max_align_t);
  n = (n + align - 1) / align * align;
  if (n == 0) n = align;
  block *b = a->head;
  if ((!b || b->size - b->used < n) && a->spare) { /* a kept block that holds n */
    block **at = &a->spare;
    while (*at && (*at)->size < n) at = &(*at)->next;
    if (*at) {
      b = *at;
      *at = b->next;
      b->next = a->head;
      a->head = b;
    }
  }
  if (!b || b->size - b->used < n) {
    /* the arena doubles, in blocks of 64 KB to 8 MB (or n) */
    size_t size = a->bytes < BLOCK ? BLOCK : a->bytes < MAX_BLOCK ? a->bytes : MAX_BLOCK;
    if (a->limit && size > a->limit - (a->bytes < a->limit ? a->bytes : a->limit))
      size = a->limit - (a->bytes < a->limit ? a->bytes : a->limit);
    if (size < n) size = n;
    if (a->limit && (size > a->limit || a->bytes > a->limit - size)) return NULL;
    if (!(b = new_block(size))) return NULL;
    b->next = a->head;
    a->head = b;
    size = b->size;
    a->bytes += size;
  }
  char *p = (char *)b->data + b->used;
  UNPOISON(p, n);
  *dirty = b->dirty > b->used ? b->dirty - b->used : 0;
  b->used += n;
  if (b->dirty < b->used) b->dirty = b->used;
  return p;
}

void *cs_doc_arena_alloc(cs_doc_arena *a, size_t n) {
  size_t dirty;
  char *p = take(a, n, &dirty);
  /* only what may hold something is cleared: the rest of a fresh mapping is
  ** zero already (a national document's rows are tens of megabytes of it) */
  if (p && dirty) memset(p, 0, dirty < n ? dirty : n);
  return p;
}

void *cs_doc_arena_alloc_raw(cs_doc_arena *a, size_t n) {
  size_t dirty;
  return take(a, n, &dirty);
}

/* A 64-bit hash of n bytes, eight at a time (a text is mostly a short
** decimal, a name or a date: one to three words), each word multiplied in
** and the result mixed so that its low bits (the slot) depend on all of it. */
static uint64_t hash_bytes(const char *s, size_t n) {
  const uint64_t k = 0x9E3779B97F4A7C15u; /* 2^64 / the golden ratio, odd */
  uint64_t h = (uint64_t)n * k, w;
  for (; n >= 8; s += 8, n -= 8) {
    memcpy(&w, s, 8);
    h = (h ^ w) * k;
    h ^= h >> 32;
  }
  if (n) {
    w = 0;
    memcpy(&w, s, n);
    h = (h ^ w) * k;
  }
  h ^= h >> 33; /* the finisher of MurmurHash3's 64-bit mix */
  h *= 0xFF51AFD7ED558CCDu;
  h ^= h >> 33;
  h *= 0xC4CEB9FE1A85EC53u;
  h ^= h >> 33;
  return h;
}

/* Grows the intern table to twice its size; 0 or -1. */
static int grow(cs_doc_arena *a) {
  size_t cap = a->cap ? 2 * a->cap : 1024;
  if (cap - 1 > UINT32_MAX || (a->limit && cap * sizeof *a->slots > a->limit)) return -1; /* places fit the kept hash */
  slot *slots = calloc(cap, sizeof *slots);
  if (!slots) return -1;
  /* a place is the hash's low bits, all kept in the slot: no text is read */
  for (size_t i = 0; i < a->cap; i++)
    if (a->slots[i].text) {
      size_t j = a->slots[i].hash & (cap - 1);
      while (slots[j].text) j = (j + 1) & (cap - 1);
      slots[j] = a->slots[i];
    }
  free(a->slots);
  a->slots = slots, a->cap = cap;
  return 0;
}

const char *cs_doc_arena_intern(cs_doc_arena *a, const char *s, size_t n, int *fresh) {
  if (fresh) *fresh = 0;
  slot *at = NULL; /* where the new text goes; NULL: a copy not kept in the table */
  if (n <= UINT32_MAX) { /* a text of 4 GB or more (none is near it) is only copied */
    if (2 * (a->ntexts + 1) > a->cap && grow(a) != 0) return NULL;
    uint64_t h = hash_bytes(s, n);
    size_t j = h & (a->cap - 1);
    for (; a->slots[j].text; j = (j + 1) & (a->cap - 1))
      if (a->slots[j].hash == (uint32_t)h && a->slots[j].len == n && memcmp(a->slots[j].text, s, n) == 0)
        return a->slots[j].text;
    at = &a->slots[j];
    at->hash = (uint32_t)h;
  }
  char *copy = cs_doc_arena_alloc_raw(a, n + 1);
  if (!copy) return NULL;
  memcpy(copy, s, n);
  copy[n] = '\0';
  if (fresh) *fresh = 1;
  if (!at) return copy;
  at->text = copy;
  at->len = (uint32_t)n;
  a->ntexts++;
  return copy;
}
