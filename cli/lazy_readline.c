/*
** lazy_readline.c: GNU readline loaded when the interactive REPL starts
** (lazy_readline.h). Each readline function repl.c calls is defined here
** with <readline/readline.h>'s own name and type (the compiler checks them
** against the header) and calls the library's, found with dlsym once it is
** open; its variables are found the same way. A function this list lacks
** is a link error, never a silent fallback.
*/
#define CLI_LAZY_READLINE_IMPL
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include "lazy_readline.h"

#define SONAME "libreadline.so.8"

/* Every readline function repl.c calls: R(type, name, (params), (args))
** returns a value, V(name, (params), (args)) returns none. */
#define CLI_READLINE_FUNCTIONS(R, V) \
  V(rl_callback_handler_install, (const char *prompt, rl_vcpfunc_t *f), (prompt, f)) \
  V(rl_callback_read_char, (void), ()) \
  V(rl_callback_handler_remove, (void), ()) \
  V(rl_callback_sigcleanup, (void), ()) \
  V(rl_redisplay, (void), ()) \
  V(rl_replace_line, (const char *text, int clear_undo), (text, clear_undo)) \
  V(rl_free_line_state, (void), ()) \
  R(char **, rl_completion_matches, (const char *text, rl_compentry_func_t *f), (text, f)) \
  V(add_history, (const char *line), (line)) \
  V(stifle_history, (int max), (max)) \
  R(int, read_history, (const char *file), (file)) \
  R(int, append_history, (int n, const char *file), (n, file)) \
  R(int, history_truncate_file, (const char *file, int lines), (file, lines))

#define POINTER_R(type, name, params, args) static type(*p_##name) params;
#define POINTER_V(name, params, args) static void(*p_##name) params;
CLI_READLINE_FUNCTIONS(POINTER_R, POINTER_V)

cli_readline_vars cli_rl;
static int loaded; /* every pointer set */

int cli_readline_load(char *why, size_t size) {
  if (loaded) return 0;
  /* the REPL is one thread: no once-guard needed */
  void *h = dlopen(SONAME, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char *e = dlerror();
    snprintf(why, size, "the REPL needs GNU readline (%s, Debian package libreadline8), which cannot "
             "be loaded: %s", SONAME, e ? e : "dlopen failed");
    return -1;
  }
  /* dlsym returns void *; ISO C has no cast from it to a function pointer,
  ** POSIX guarantees the object representation: copy it */
#define RESOLVE(name, dest)                                                              \
  {                                                                                      \
    void *f = dlsym(h, #name);                                                           \
    if (!f) {                                                                            \
      snprintf(why, size, "the REPL needs GNU readline, and %s has no %s", SONAME, #name); \
      dlclose(h);                                                                        \
      return -1;                                                                         \
    }                                                                                    \
    memcpy(&(dest), &f, sizeof f);                                                       \
  }
#define RESOLVE_R(type, name, params, args) RESOLVE(name, p_##name)
#define RESOLVE_V(name, params, args) RESOLVE(name, p_##name)
#define RESOLVE_VAR(name) RESOLVE(name, cli_rl.name)
  CLI_READLINE_FUNCTIONS(RESOLVE_R, RESOLVE_V)
  CLI_READLINE_VARIABLES(RESOLVE_VAR)
  loaded = 1;
  return 0;
}

/* A readline function called before cli_readline_load succeeded: a defect
** in the caller, stopped here rather than by a call through a null pointer. */
static void need(const char *name) {
  if (loaded) return;
  fprintf(stderr, "coopsim: internal error: %s called before readline was loaded\n", name);
  abort();
}

#define DEFINE_R(type, name, params, args) \
  type name params {                       \
    need(#name);                           \
    return p_##name args;                  \
  }
#define DEFINE_V(name, params, args) \
  void name params {                 \
    need(#name);                     \
    p_##name args;                   \
  }
CLI_READLINE_FUNCTIONS(DEFINE_R, DEFINE_V)
