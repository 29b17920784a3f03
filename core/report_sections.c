/*
** report_sections.c: a report's sections made by two threads and written
** in order (report_internal.h).
**
** The caller's thread (the writer) and one helper take the sections in
** order, each the next one nobody has taken. A section the writer takes
** when every section before it is written goes straight to the report;
** any other goes into chunks (what its buffer hands its sink, copied) kept
** with the section, and the writer writes those in order as soon as every
** section before them is written: before it takes a section, at each chunk
** of its own, and once nothing is left to take, until the last section
** ends. A written chunk is kept for the next section's text (a page's first
** touch costs some 10 us on this machine).
**
** Memory: while more than max_buffered bytes wait, neither thread makes a
** chunk or takes a section that is not the next to be written; the writer
** meanwhile writes the next section's chunks as they come. That section is
** then the helper's (every section of the writer's it took before is
** whole), and the helper never waits while its section is the next, so the
** two never wait for each other at once. What is made ahead of the next
** section stays within max_buffered and a chunk (the bound is checked and
** the chunk counted under one lock). The next section's own chunks, the
** helper's, stay within max_buffered and a chunk too: more, and the helper
** waits for the writer to write them (a slow reader), which it does at its
** next chunk or loop without waiting for the helper. In all, at most twice
** max_buffered and a few chunks wait.
**
** A section whose chunks ran out of memory (a chunk's malloc, or its
** buffer) is made again by the writer when it is next, straight to the
** report, leaving out what of it was written already: the render is the
** same each time, so the text is too. After a failure the helper takes no
** more sections. The text is the same as one thread's, section by
** section, byte for byte: only who makes a section, and when, differs.
*/
#include <stdlib.h>
#include <string.h>
#include "coopsim/thread.h"
#include "report_internal.h"

struct cs_chunk {
  struct cs_chunk *next;
  size_t len, cap;
  char data[];
};

struct cs_section_slot {
  cs_chunk *head, *tail; /* made, not yet written */
  size_t pending;        /* their bytes, and those of a chunk being filled */
  size_t written;        /* bytes of it written to the report */
  int done;              /* the section is made (or given up: failed) */
  int failed;            /* its chunks ran out of memory: the writer makes it again */
};

/* Where a buffered section's sink puts its text. */
typedef struct maker {
  cs_sections *s;
  size_t k;
  int helper;
  cs_sb *out; /* the writer's report (writer only) */
} maker;

static void drain(cs_sections *s, cs_sb *out, int wait);

/* (under mu) Whether a thread making section k (or, for the writer, about
** to take it) must not make more now: too much waits, and k is not next. */
static int over_bound(const cs_sections *s, size_t k) {
  return !s->stop && s->buffered > s->max_buffered && k != s->written;
}

/* (under mu) Whether the helper, making the section to be written next,
** must let the writer write some of it first: more than max_buffered bytes
** of it wait (a slow reader, or the writer busy with a section of its own).
** The writer writes them at its next chunk or loop, never waiting for the
** helper while they are there. */
static int next_full(const cs_sections *s, const maker *m) {
  return m->helper && !s->stop && m->k == s->written && s->slot[m->k].pending > s->max_buffered;
}

/* (the writer, called and returning under mu) Writes what it can while
** over_bound(k) and out takes it: the next section is then the helper's,
** and each of its chunks (or its end) wakes the writer. Returning, the
** bound allows section k under the same lock (or out failed). */
static void writer_wait(cs_sections *s, cs_sb *out, size_t k) {
  while (!out->oom && over_bound(s, k)) {
    pthread_mutex_unlock(&s->mu);
    drain(s, out, 0);
    pthread_mutex_lock(&s->mu);
    if (!out->oom && over_bound(s, k) && !s->slot[s->written].head && !s->slot[s->written].done)
      pthread_cond_wait(&s->cv, &s->mu);
  }
}

/* The sink of a section made into chunks: the n bytes at p copied into a
** chunk (a spare one when one is large enough) and put after the
** section's others, once the bound allows (the helper waits; the writer
** writes meanwhile); the room is counted under the same lock as the bound
** is checked. -1 when the report is being given up or memory ran out. */
static int chunk_sink(void *ud, const char *p, size_t n) {
  maker *m = ud;
  cs_sections *s = m->s;
  pthread_mutex_lock(&s->mu);
  if (m->helper)
    while (over_bound(s, m->k) || next_full(s, m)) pthread_cond_wait(&s->cv, &s->mu);
  else
    writer_wait(s, m->out, m->k);
  if (s->stop || (!m->helper && m->out->oom)) {
    pthread_mutex_unlock(&s->mu);
    return -1;
  }
  cs_chunk **pp = &s->spare;
  while (*pp && (*pp)->cap < n) pp = &(*pp)->next;
  cs_chunk *c = *pp;
  if (c) *pp = c->next;
  s->buffered += n;
  if (s->buffered > s->peak_buffered) s->peak_buffered = s->buffered;
  s->slot[m->k].pending += n;
  if (m->k != s->written) {
    s->ahead += n;
    if (s->ahead > s->peak_ahead) s->peak_ahead = s->ahead;
  }
  pthread_mutex_unlock(&s->mu);
  if (!c) {
    size_t cap = n > CS_SB_SPILL + CS_SB_SPILL / 4 ? n : CS_SB_SPILL + CS_SB_SPILL / 4;
    c = cap <= SIZE_MAX - sizeof *c ? malloc(sizeof *c + cap) : NULL;
    if (!c) {
      pthread_mutex_lock(&s->mu);
      s->buffered -= n;
      s->slot[m->k].pending -= n;
      if (m->k != s->written) s->ahead -= n; /* else taken off when it became next */
      pthread_cond_broadcast(&s->cv);
      pthread_mutex_unlock(&s->mu);
      return -1;
    }
    c->cap = cap;
  }
  memcpy(c->data, p, n);
  c->len = n;
  c->next = NULL;
  pthread_mutex_lock(&s->mu);
  cs_section_slot *sl = &s->slot[m->k];
  if (sl->tail) sl->tail->next = c;
  else sl->head = c;
  sl->tail = c;
  pthread_cond_broadcast(&s->cv);
  pthread_mutex_unlock(&s->mu);
  if (!m->helper) drain(s, m->out, 0);
  return 0;
}

/* Makes section m->k into b (a buffer whose sink is chunk_sink with ud m,
** emptied), its last part handed to the sink too; marks it made, or
** failed when its text did not all become chunks. */
static void make_buffered(cs_sections *s, maker *m, cs_sb *b) {
  s->render(s->ud, m->k, b);
  cs_sb_spill_now(b); /* what is left, whatever its size */
  pthread_mutex_lock(&s->mu);
  s->slot[m->k].failed = b->oom && !s->stop;
  s->slot[m->k].done = 1;
  pthread_cond_broadcast(&s->cv);
  pthread_mutex_unlock(&s->mu);
  b->oom = b->sink_failed = 0; /* a failure is the section's, told by its slot */
  b->len = 0;
  if (b->s) b->s[0] = '\0';
}

/* Writes n bytes to out: through its sink, what it holds first, when it
** has one (not copied into it), else appended. */
static void put(cs_sb *out, const char *p, size_t n) {
  if (out->oom) return;
  if (!out->sink) {
    cs_sb_addn(out, p, n);
    return;
  }
  cs_sb_spill_now(out);
  if (!out->oom && out->sink(out->sink_ud, p, n) != 0) out->sink_failed = out->oom = 1;
}

/* A section made again, its first `skip` bytes (written before it failed)
** left out, the rest put to out. */
typedef struct again {
  cs_sb *out;
  size_t skip;
} again;

static int again_sink(void *ud, const char *p, size_t n) {
  again *a = ud;
  size_t drop = a->skip < n ? a->skip : n;
  a->skip -= drop;
  if (n > drop) put(a->out, p + drop, n - drop);
  return a->out->oom ? -1 : 0;
}

/* (the writer) Makes failed section k again, straight to out. */
static void make_again(cs_sections *s, size_t k, size_t skip, cs_sb *out) {
  again a = {out, skip};
  cs_sb b = {0};
  cs_sb_sink_start(&b, again_sink, &a);
  s->render(s->ud, k, &b);
  cs_sb_spill_now(&b);
  if (b.oom) out->oom = 1;
  cs_sb_free(&b);
}

/* (the writer) Writes what is made of the sections in order from the
** first not yet written: whole sections, then what there is of the next.
** With wait, until every section is written: called when every section is
** taken, so that any not yet made is the helper's. */
static void drain(cs_sections *s, cs_sb *out, int wait) {
  pthread_mutex_lock(&s->mu);
  while (s->written < s->n && !out->oom) {
    cs_section_slot *sl = &s->slot[s->written];
    if (sl->head) {
      cs_chunk *c = sl->head, *last = c;
      sl->head = sl->tail = NULL;
      pthread_mutex_unlock(&s->mu);
      size_t n = 0;
      for (cs_chunk *x = c; x; last = x, x = x->next) {
        put(out, x->data, x->len);
        n += x->len;
      }
      pthread_mutex_lock(&s->mu);
      sl->written += n;
      sl->pending -= n;
      last->next = s->spare;
      s->spare = c;
      s->buffered -= n;
      pthread_cond_broadcast(&s->cv);
    } else if (sl->done) {
      if (sl->failed) {
        size_t k = s->written, skip = sl->written;
        pthread_mutex_unlock(&s->mu);
        make_again(s, k, skip, out);
        pthread_mutex_lock(&s->mu);
      }
      if (++s->written < s->n) s->ahead -= s->slot[s->written].pending; /* next: no longer ahead */
      pthread_cond_broadcast(&s->cv);
    } else if (wait) {
      pthread_cond_wait(&s->cv, &s->mu);
    } else {
      break;
    }
  }
  pthread_mutex_unlock(&s->mu);
}

static void *helper_main(void *arg) {
  cs_sections *s = arg;
  maker m = {s, 0, 1, NULL};
  cs_sb b = {0};
  cs_sb_sink_start(&b, chunk_sink, &m);
  pthread_mutex_lock(&s->mu);
  int failed = 0;
  while (!s->stop && !failed && s->next < s->n) {
    m.k = s->next++;
    pthread_mutex_unlock(&s->mu);
    make_buffered(s, &m, &b);
    pthread_mutex_lock(&s->mu);
    failed = s->slot[m.k].failed; /* memory is short: the writer makes the rest */
  }
  pthread_mutex_unlock(&s->mu);
  cs_sb_free(&b);
  return NULL;
}

void cs_sections_start(cs_sections *s, size_t n, cs_section_fn *render, void *ud, size_t max_buffered, int helper) {
  memset(s, 0, sizeof *s);
  s->n = n;
  s->render = render;
  s->ud = ud;
  s->max_buffered = max_buffered;
  if (!helper || n < 2 || cs_thread_memory_limited() || !(s->slot = calloc(n, sizeof *s->slot))) return;
  if (cs_thread_start_synced(&s->thread, &s->mu, &s->cv, helper_main, s) != 0) {
    free(s->slot);
    s->slot = NULL;
    return;
  }
  s->threaded = 1;
}

void cs_sections_finish(cs_sections *s, cs_sb *out) {
  if (!s->threaded) {
    for (size_t k = 0; k < s->n && !out->oom; k++) s->render(s->ud, k, out);
    return;
  }
  maker m = {s, 0, 0, out};
  cs_sb b = {0}; /* the writer's sections that wait for the helper's */
  for (;;) {
    drain(s, out, 0);
    pthread_mutex_lock(&s->mu);
    if (out->oom) s->stop = 1;
    if (s->stop || s->next >= s->n) {
      pthread_mutex_unlock(&s->mu);
      break;
    }
    size_t k = s->next;
    if (over_bound(s, k)) { /* take it once what waits is written */
      writer_wait(s, out, k);
      pthread_mutex_unlock(&s->mu);
      continue;
    }
    s->next++;
    int direct = k == s->written;
    pthread_mutex_unlock(&s->mu);
    if (direct) {
      s->render(s->ud, k, out);
      pthread_mutex_lock(&s->mu);
      s->slot[k].done = 1;
      pthread_mutex_unlock(&s->mu);
    } else {
      if (!b.s) cs_sb_sink_start(&b, chunk_sink, &m);
      m.k = k;
      make_buffered(s, &m, &b);
    }
  }
  if (!out->oom) drain(s, out, 1);
  pthread_mutex_lock(&s->mu);
  s->stop = 1; /* the helper, if it still makes a section, gives it up */
  pthread_cond_broadcast(&s->cv);
  pthread_mutex_unlock(&s->mu);
  cs_thread_join_synced(s->thread, &s->mu, &s->cv);
  cs_sb_free(&b);
  for (size_t k = 0; k < s->n; k++)
    for (cs_chunk *c = s->slot[k].head, *next; c; c = next) next = c->next, free(c);
  for (cs_chunk *c = s->spare, *next; c; c = next) next = c->next, free(c);
  free(s->slot);
  s->slot = NULL;
  s->threaded = 0;
}
