#ifndef COOPSIM_LAZY_LIB_H
#define COOPSIM_LAZY_LIB_H
/*
** A shared library opened on first use (core/lazy_lib.c), the one loader
** behind lazy_sqlite.c, lazy_jansson.c, lazy_deflate.c and cli/lazy_readline.c.
** Each of those defines the library's functions under their own names and
** forwards every call through a pointer that cs_lazy_load fills with dlsym:
** the binary is not linked to the library, and a run that never needs it
** never loads it.
*/
#include <stdatomic.h>
#include <stddef.h>
#include <pthread.h>

/* One symbol to find: its name, and the object its address is copied into
** (a function pointer or a pointer to a variable, of the symbol's type). */
typedef struct cs_lazy_sym {
  const char *name;
  void *slot;
} cs_lazy_sym;

enum { CS_LAZY_UNTRIED, CS_LAZY_LOADED, CS_LAZY_FAILED };

/* A library and the symbols coopsim takes from it. Define one static
** instance per library with CS_LAZY_LIB; the loader owns the rest. */
typedef struct cs_lazy_lib {
  const char *what;       /* its name for people: "SQLite" */
  const char *soname;     /* "libsqlite3.so.0" */
  const char *package;    /* the Debian package: "libsqlite3-0" */
  const cs_lazy_sym *syms;
  size_t nsyms;
  atomic_int state;       /* CS_LAZY_*, set once under mu */
  pthread_mutex_t mu;
  char why[512];          /* when CS_LAZY_FAILED: the reason, as a message */
} cs_lazy_lib;

#define CS_LAZY_LIB(what, soname, package, syms) \
  {(what), (soname), (package), (syms), sizeof(syms) / sizeof *(syms), CS_LAZY_UNTRIED, PTHREAD_MUTEX_INITIALIZER, ""}

/* Opens the library and copies the address of every symbol into its slot,
** once per process (thread-safe; later calls return at once). Returns 1
** when loaded; 0 when it cannot be, with lib->why saying why:
**   "SQLite (libsqlite3.so.0, Debian package libsqlite3-0) cannot be loaded: <dlerror>"
**   "SQLite (libsqlite3.so.0) cannot be used: it has no <symbol>"
** A failed load is not retried, and sets no slot. */
int cs_lazy_load(cs_lazy_lib *lib);

/* Prints "coopsim: internal error: FN called without WHAT: WHY" and aborts:
** a function of the library was called on a handle that cannot exist
** because the library could not be loaded (a defect in the caller, stopped
** here rather than by a call through a null pointer). */
_Noreturn void cs_lazy_missing(cs_lazy_lib *lib, const char *fn);

/* cs_lazy_need's way when the library is not loaded yet: loads it, or
** aborts through cs_lazy_missing. Out of line, so that a forwarder's loaded
** case saves no registers. */
#if defined(__GNUC__)
__attribute__((cold, noinline))
#endif
void cs_lazy_need_slow(cs_lazy_lib *lib, const char *fn);

/* Loads the library if need be before FN forwards a call to it; aborts
** through cs_lazy_missing when it cannot be loaded. The loaded case costs
** one atomic load and a branch (a forwarder is then a jump to the library:
** a national `runs export` makes some ten million such calls). */
static inline void cs_lazy_need(cs_lazy_lib *lib, const char *fn) {
#if defined(__GNUC__)
  if (__builtin_expect(atomic_load_explicit(&lib->state, memory_order_acquire) != CS_LAZY_LOADED, 0))
#else
  if (atomic_load_explicit(&lib->state, memory_order_acquire) != CS_LAZY_LOADED)
#endif
    cs_lazy_need_slow(lib, fn);
}

/* The pieces each forwarding file writes for every function of its list,
** given as R(type, name, (params), (args)) for one that returns a value and
** V(name, (params), (args)) for one that returns none: the pointer p_NAME,
** its entry in the file's cs_lazy_sym table, and NAME itself, which loads
** the file's `static cs_lazy_lib lib` if need be and calls p_NAME. */
#define CS_LAZY_POINTER_R(type, name, params, args) static type(*p_##name) params;
#define CS_LAZY_POINTER_V(name, params, args) static void(*p_##name) params;
#define CS_LAZY_SYM_R(type, name, params, args) {#name, (void *)&p_##name},
#define CS_LAZY_SYM_V(name, params, args) {#name, (void *)&p_##name},
#define CS_LAZY_FORWARD_R(type, name, params, args) \
  type name params {                                \
    cs_lazy_need(&lib, #name);                      \
    return p_##name args;                           \
  }
#define CS_LAZY_FORWARD_V(name, params, args) \
  void name params {                          \
    cs_lazy_need(&lib, #name);                \
    p_##name args;                            \
  }

#endif
