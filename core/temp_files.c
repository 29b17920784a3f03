/*
** temp_files.c: temporary files removed when a signal ends the process
** (temp_files.h).
**
** The list is a fixed array of slots that a signal handler reads without a
** lock: a slot's state is an atomic int (free, being written, live), and
** its folder, name and owning process are written before it is made live
** (release) and read only after it was seen live (acquire). Each claim of
** a slot counts up its generation: the handler copies a live slot's folder
** and name, then checks that the slot is still live in the same generation
** before it removes that name (a seqlock: a slot forgotten and taken again
** by another thread while the handler copied it is read again, never
** removed half-copied). The handler marks the process as ending before it
** looks: a thread that lists a file after that removes the file itself.
** The handler calls only async-signal-safe functions: getpid, unlinkat,
** sigaction and raise.
*/
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>
#include "coopsim/temp_files.h"

#if ATOMIC_INT_LOCK_FREE != 2
#error "temp_files.c needs a lock-free atomic int: its signal handler reads the list"
#endif

enum { SLOT_FREE = 0, SLOT_WRITING = 1, SLOT_LIVE = 2 };

typedef struct slot {
  atomic_int state;
  atomic_uint generation; /* counted up by each claim */
  pid_t pid; /* the process that made the file: a forked child's copy is not its own */
  int dirfd;
  char name[4096];
} slot;

static slot slots[CS_TEMP_FILES_MAX];

/* set by the handler: the process is ending (pid too: a forked child's copy
** says nothing of the child) */
static atomic_int ending_pid;

int cs_temp_files_remember(int dirfd, const char *name) {
  size_t len = name ? strlen(name) : sizeof slots[0].name;
  if (len == 0 || len >= sizeof slots[0].name) return -1;
  pid_t self = getpid();
  for (int i = 0; i < CS_TEMP_FILES_MAX; i++) {
    slot *s = &slots[i];
    int st = atomic_load_explicit(&s->state, memory_order_acquire);
    /* a live slot of another process is a parent's, copied by fork: this
    ** process never removes that file, so the slot may be taken */
    if (st == SLOT_LIVE && s->pid == self) continue;
    if (st == SLOT_WRITING) continue;
    if (!atomic_compare_exchange_strong_explicit(&s->state, &st, SLOT_WRITING, memory_order_acquire,
                                                 memory_order_relaxed))
      continue;
    atomic_fetch_add_explicit(&s->generation, 1, memory_order_relaxed);
    atomic_thread_fence(memory_order_release);
    s->pid = self;
    s->dirfd = dirfd;
    memcpy(s->name, name, len + 1);
    atomic_store(&s->state, SLOT_LIVE); /* sequentially consistent with the load below */
    /* a handler already at work may have looked at this slot before it was
    ** live: then it is this thread's to remove the file (either the handler
    ** sees the slot live or this sees the process ending, or both) */
    if (atomic_load(&ending_pid) == (int)self) {
      (void)unlinkat(dirfd, name, 0);
      atomic_store_explicit(&s->state, SLOT_FREE, memory_order_release);
      return -1;
    }
    return i;
  }
  return -1;
}

void cs_temp_files_forget(int ticket) {
  if (ticket < 0 || ticket >= CS_TEMP_FILES_MAX) return;
  atomic_store_explicit(&slots[ticket].state, SLOT_FREE, memory_order_release);
}

/* The signals that end a process by default and that a user, a terminal
** or a limit sends. */
static const int handled[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGPIPE, SIGALRM, SIGXCPU};
#define NHANDLED (sizeof handled / sizeof handled[0])

/* What each signal's action was when the handler was (or was not)
** installed: set once, before threads start, and only read afterwards. */
static struct sigaction before[NHANDLED];
static int installed[NHANDLED];

static int index_of(int sig) {
  for (size_t i = 0; i < NHANDLED; i++)
    if (handled[i] == sig) return (int)i;
  return -1;
}

/* Removes slot s's file when it is live and this process's, its folder and
** name copied first and the slot checked unchanged after (seqlock). 0 when
** done or nothing to do, -1 when the slot changed while it was read. */
static int remove_live(slot *s, pid_t self) {
  if (atomic_load(&s->state) != SLOT_LIVE) return 0; /* sequentially consistent with the store in remember */
  unsigned generation = atomic_load_explicit(&s->generation, memory_order_acquire);
  pid_t pid = s->pid;
  int dirfd = s->dirfd;
  char name[sizeof s->name];
  size_t n = 0;
  while (n < sizeof name - 1 && s->name[n]) name[n] = s->name[n], n++;
  name[n] = '\0';
  atomic_thread_fence(memory_order_acquire);
  if (atomic_load_explicit(&s->state, memory_order_relaxed) != SLOT_LIVE ||
      atomic_load_explicit(&s->generation, memory_order_relaxed) != generation)
    return -1;
  if (pid == self) (void)unlinkat(dirfd, name, 0);
  return 0;
}

/* Gives sig its default action (async-signal-safe). */
static void set_default(int sig) {
  struct sigaction dfl;
  memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  (void)sigaction(sig, &dfl, NULL);
}

static void on_signal(int sig) {
  pid_t self = getpid();
  atomic_store(&ending_pid, (int)self);
  for (int i = 0; i < CS_TEMP_FILES_MAX; i++)
    for (int tries = 0; tries < 8 && remove_live(&slots[i], self) != 0; tries++) {
    }
  /* the default action, whoever installed this handler and how (SA_RESETHAND
  ** did it on entry, but code that saved and restored it with signal() drops
  ** that flag); the signal is blocked until this handler returns, and then
  ** it ends the process */
  set_default(sig);
  (void)raise(sig);
}

static void set_handler(size_t i) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  for (size_t k = 0; k < NHANDLED; k++) sigaddset(&sa.sa_mask, handled[k]);
  /* SA_RESTART: a read or write the signal interrupts goes on as before;
  ** the handler ends the process in any case */
  sa.sa_flags = SA_RESETHAND | SA_RESTART;
  (void)sigaction(handled[i], &sa, NULL);
}

void cs_temp_files_on_signals(void) {
  for (size_t i = 0; i < NHANDLED; i++) {
    if (sigaction(handled[i], NULL, &before[i]) != 0) continue;
    if (before[i].sa_handler != SIG_DFL || (before[i].sa_flags & SA_SIGINFO)) continue;
    set_handler(i);
    installed[i] = 1;
  }
}

void cs_temp_files_signal_restore(int sig) {
  int i = index_of(sig);
  if (i >= 0 && installed[i]) set_handler((size_t)i);
  else if (i >= 0) (void)sigaction(sig, &before[i], NULL); /* all zero, SIG_DFL, if never read */
  else set_default(sig);
}

void cs_temp_files_block(sigset_t *saved) {
  sigset_t set;
  sigemptyset(&set);
  for (size_t i = 0; i < NHANDLED; i++) sigaddset(&set, handled[i]);
  pthread_sigmask(SIG_BLOCK, &set, saved);
}

void cs_temp_files_unblock(const sigset_t *saved) { pthread_sigmask(SIG_SETMASK, saved, NULL); }

void cs_temp_files_signals_default(void) {
  for (size_t i = 0; i < NHANDLED; i++)
    if (installed[i]) set_default(handled[i]);
}
