/*
** lazy_lib.c: a shared library opened on first use (lazy_lib.h).
*/
#define _POSIX_C_SOURCE 200809L
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "coopsim/lazy_lib.h"

/* Opens the library and fills every slot; on failure sets lib->why, closes
** it and leaves the slots as they were. Runs under lib->mu. */
static int open_lib(cs_lazy_lib *lib) {
  void *h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char *e = dlerror();
    snprintf(lib->why, sizeof lib->why, "%s (%s, Debian package %s) cannot be loaded: %s", lib->what, lib->soname,
             lib->package, e ? e : "dlopen failed");
    return 0;
  }
  for (size_t i = 0; i < lib->nsyms; i++) {
    if (!dlsym(h, lib->syms[i].name)) {
      snprintf(lib->why, sizeof lib->why, "%s (%s) cannot be used: it has no %s", lib->what, lib->soname,
               lib->syms[i].name);
      dlclose(h);
      return 0;
    }
  }
  /* dlsym returns void *; ISO C has no cast from it to a function pointer,
  ** POSIX guarantees the object representation: copy it */
  for (size_t i = 0; i < lib->nsyms; i++) {
    void *f = dlsym(h, lib->syms[i].name);
    memcpy(lib->syms[i].slot, &f, sizeof f);
  }
  return 1;
}

int cs_lazy_load(cs_lazy_lib *lib) {
  int state = atomic_load_explicit(&lib->state, memory_order_acquire);
  if (state != CS_LAZY_UNTRIED) return state == CS_LAZY_LOADED;
  pthread_mutex_lock(&lib->mu);
  state = atomic_load_explicit(&lib->state, memory_order_relaxed);
  if (state == CS_LAZY_UNTRIED) {
    state = open_lib(lib) ? CS_LAZY_LOADED : CS_LAZY_FAILED;
    atomic_store_explicit(&lib->state, state, memory_order_release);
  }
  pthread_mutex_unlock(&lib->mu);
  return state == CS_LAZY_LOADED;
}

void cs_lazy_need_slow(cs_lazy_lib *lib, const char *fn) {
  if (!cs_lazy_load(lib)) cs_lazy_missing(lib, fn);
}

_Noreturn void cs_lazy_missing(cs_lazy_lib *lib, const char *fn) {
  fprintf(stderr, "coopsim: internal error: %s called without %s: %s\n", fn, lib->what, lib->why);
  abort();
}
