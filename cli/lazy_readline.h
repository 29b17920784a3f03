#ifndef COOPSIM_CLI_LAZY_READLINE_H
#define COOPSIM_CLI_LAZY_READLINE_H
/*
** GNU readline loaded when the interactive REPL starts, not at every start
** (cli/lazy_readline.c): readline and its libtinfo were a third of what
** the dynamic loader did for `coopsim run`. coopsim is not linked to it;
** lazy_readline.c defines the readline functions repl.c calls (same names
** and types as <readline/readline.h>) and forwards each to the library,
** opened by its soname with dlopen. readline's variables cannot be
** forwarded so: after this header their names stand for the library's own
** variables, reached through pointers found when it was loaded.
*/
#include <stddef.h>
#include <stdio.h>
#include <readline/history.h>
#include <readline/readline.h>

/* Loads readline (libreadline.so.8, Debian package libreadline8) once;
** later calls return at once. Returns 0, or -1 with the loader's reason in
** why (a message naming the library and its package). Call it before any
** readline function or variable: the variables are unset until it has
** succeeded, and the functions abort the process when it cannot load. */
int cli_readline_load(char *why, size_t size);

/* readline's variables that repl.c uses, in the library: V(name) */
#define CLI_READLINE_VARIABLES(V)                                                     \
  V(rl_attempted_completion_over) V(rl_line_buffer) V(rl_completion_append_character) \
  V(rl_point) V(rl_end) V(rl_outstream) V(history_comment_char)                       \
  V(history_write_timestamps) V(history_multiline_entries) V(rl_readline_name)        \
  V(rl_catch_signals) V(rl_attempted_completion_function) V(rl_basic_word_break_characters)

#define CLI_RL_FIELD(name) __typeof__(name) *name;
typedef struct cli_readline_vars {
  CLI_READLINE_VARIABLES(CLI_RL_FIELD)
} cli_readline_vars;
#undef CLI_RL_FIELD
extern cli_readline_vars cli_rl;

#ifndef CLI_LAZY_READLINE_IMPL
#define rl_attempted_completion_over (*cli_rl.rl_attempted_completion_over)
#define rl_line_buffer (*cli_rl.rl_line_buffer)
#define rl_completion_append_character (*cli_rl.rl_completion_append_character)
#define rl_point (*cli_rl.rl_point)
#define rl_end (*cli_rl.rl_end)
#define rl_outstream (*cli_rl.rl_outstream)
#define history_comment_char (*cli_rl.history_comment_char)
#define history_write_timestamps (*cli_rl.history_write_timestamps)
#define history_multiline_entries (*cli_rl.history_multiline_entries)
#define rl_readline_name (*cli_rl.rl_readline_name)
#define rl_catch_signals (*cli_rl.rl_catch_signals)
#define rl_attempted_completion_function (*cli_rl.rl_attempted_completion_function)
#define rl_basic_word_break_characters (*cli_rl.rl_basic_word_break_characters)
#endif

#endif
