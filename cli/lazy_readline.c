/*
** lazy_readline.c: GNU readline loaded when the interactive REPL starts
** (lazy_readline.h). Each readline function repl.c calls is defined here
** with <readline/readline.h>'s own name and type (the compiler checks them
** against the header) and calls the library's, found with dlsym once it is
** open; its variables are found the same way. A function this list lacks
** is a link error, never a silent fallback.
*/
#define CLI_LAZY_READLINE_IMPL
#include "coopsim/lazy_lib.h"
#include "lazy_readline.h"

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

CLI_READLINE_FUNCTIONS(CS_LAZY_POINTER_R, CS_LAZY_POINTER_V)

cli_readline_vars cli_rl;

#define SYM_VAR(name) {#name, (void *)&cli_rl.name},
static const cs_lazy_sym syms[] = {CLI_READLINE_FUNCTIONS(CS_LAZY_SYM_R, CS_LAZY_SYM_V) CLI_READLINE_VARIABLES(SYM_VAR)};
static cs_lazy_lib lib = CS_LAZY_LIB("GNU readline", "libreadline.so.8", "libreadline8", syms);

int cli_readline_load(char *why, size_t size) {
  if (cs_lazy_load(&lib)) return 0;
  snprintf(why, size, "the REPL cannot start: %s", lib.why);
  return -1;
}

/* A readline function called before cli_readline_load: it loads the
** library, and stops the process through cs_lazy_need when it cannot be
** loaded (a defect in the caller rather than a call through a null
** pointer). */
CLI_READLINE_FUNCTIONS(CS_LAZY_FORWARD_R, CS_LAZY_FORWARD_V)
