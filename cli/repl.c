/*
** repl.c: the interactive REPL, after lua.c: GNU readline with history and
** completion (API names and municipality names), multi-line chunks, values
** pretty-printed, errors that never end the session. Ctrl-C interrupts a
** long run; at the prompt it clears the line (and a chunk still open), and
** only Ctrl-D (or .quit) ends the session. History is written as you go, a
** multi-line chunk as one entry that comes back whole. `.load --trusted
** FILE` runs a scenario file in the session and keeps its runs in `runs`.
** When stdin is not a terminal it runs stdin as a script.
**
** The prompt reads through readline's callback interface: pselect() waits
** for a key or a signal, so a Ctrl-C at the prompt is seen at once (a
** blocking readline() would restart its read and wait for the next key).
*/
#include <errno.h>
#include <fcntl.h>
#include <lauxlib.h>
#include <lualib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"
#include "coopsim/lua_coopsim.h"
#include "coopsim/sandbox.h"
#include "coopsim/readfile.h"
#include "coopsim/temp_files.h"
#include "lazy_readline.h"

static lua_State *globalL = NULL;

static const char *const help_text =
    "coopsim REPL - the module is `coopsim` (also `cs`).\n"
    "  cs.municipality(\"Rana\")              a municipality (name or code)\n"
    "  cs.population(\"1833\", 2022)          inhabitants on 1 January\n"
    "  c = cs.cooperation { name=, host=, members={...}, costs={...}, grants={...}, key=... }\n"
    "  cs.keys.split { equal = 0.2, population = 0.8 }   also: equal, population,\n"
    "      base_plus_rate { base=, rate= n|\"cover\" }, per_capita { rate= }, fixed {...},\n"
    "      weights {...}, custom(fn); each takes label, source, assumption\n"
    "  s = cs.scenario(\"Baseline\", { c })   s:fork(name) then :withdraw(m, date)\n"
    "      :join(m, date) :end_grant(name, year) :set_key(key, year)\n"
    "      :set_cost(name, amount, year) :growth { wage=, price= } :population(...)\n"
    "  r = s:run { from = 2023, to = 2026 }  r:share(m, y)  r:rows()  r:explain(m, y)\n"
    "  cs.compare(r0, r1, ...)                side by side\n"
    "  .load --trusted scenarios/helgeland.lua\n"
    "      runs your own scenario file in this session: its globals stay, its runs\n"
    "      are in `runs` (runs[1], runs[\"Baseline\"], ...)\n"
    "Multi-line input waits for the chunk to complete. Tab completes. Ctrl-C stops\n"
    "a long run, or clears the line at the prompt. Ctrl-D (or .quit) quits.\n"
    "History is kept in ~/.coopsim_history as you go.\n";

/* ---- interrupts (lua.c's laction/lstop) -------------------------------- */

/* Ctrl-C while the prompt waits: noted, and pselect() returns EINTR. */
static volatile sig_atomic_t prompt_interrupted = 0;

static void on_prompt_sigint(int sig) {
  (void)sig;
  prompt_interrupted = 1;
}

/* The session's handling of SIGINT between runs: note it (no SA_RESTART,
** so that a waiting pselect() returns). */
static void catch_at_prompt(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_prompt_sigint;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
}

static int interactive = 0; /* the REPL on a terminal: Ctrl-C never ends it */

static void lstop(lua_State *L, lua_Debug *ar) {
  (void)ar;
  lua_sethook(L, NULL, 0, 0);
  luaL_error(L, "interrupted!");
}

static void laction(int sig) {
  int flag = LUA_MASKCALL | LUA_MASKRET | LUA_MASKLINE | LUA_MASKCOUNT;
  /* a second Ctrl-C kills (removing a report's temporary file first), unless
  ** coopsim was started with SIGINT ignored: then it stays ignored */
  cs_temp_files_signal_restore(sig);
  if (globalL) lua_sethook(globalL, lstop, flag, 1);
}

static int docall(lua_State *L, int nargs, int nres) {
  globalL = L;
  signal(SIGINT, laction);
  int status = cli_pcall(L, nargs, nres);
  if (interactive) catch_at_prompt();
  else cs_temp_files_signal_restore(SIGINT);
  return status;
}

/* ---- completion -------------------------------------------------------- */

static char **matches = NULL;
static size_t nmatches = 0, match_index = 0;

/* strdup is POSIX, not C17; readline frees what we return with free(). */
static char *dupstr(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

static void clear_matches(void) {
  for (size_t i = 0; i < nmatches; i++) free(matches[i]);
  free(matches);
  matches = NULL;
  nmatches = 0;
  match_index = 0;
}

static void add_match(const char *s) {
  for (size_t i = 0; i < nmatches; i++)
    if (strcmp(matches[i], s) == 0) return;
  char **nm = realloc(matches, (nmatches + 1) * sizeof *nm);
  if (!nm) return;
  matches = nm;
  matches[nmatches] = dupstr(s);
  if (matches[nmatches]) nmatches++;
}

static char *next_match(const char *text, int state) {
  (void)text;
  if (state == 0) match_index = 0;
  if (match_index < nmatches) return dupstr(matches[match_index++]);
  return NULL;
}

/* Adds the string keys of the table at the top (and of its __index table)
** that start with prefix, as base .. key. */
static void add_keys(lua_State *L, const char *base, const char *prefix) {
  for (int pass = 0; pass < 2; pass++) {
    if (pass == 1) {
      if (!lua_getmetatable(L, -1)) return;
      if (lua_getfield(L, -1, "__index") != LUA_TTABLE) {
        lua_pop(L, 2);
        return;
      }
    }
    lua_pushnil(L);
    while (lua_next(L, -2)) {
      if (lua_type(L, -2) == LUA_TSTRING) {
        const char *k = lua_tostring(L, -2);
        if (strncmp(k, prefix, strlen(prefix)) == 0 && k[0] != '_') {
          char buf[256];
          snprintf(buf, sizeof buf, "%s%s%s", base, k, lua_type(L, -1) == LUA_TFUNCTION ? "(" : "");
          add_match(buf);
        }
      }
      lua_pop(L, 1);
    }
    if (pass == 1) lua_pop(L, 2);
  }
}

/* Completes a.b.c or a:b (methods) against the globals. */
static void complete_path(lua_State *L, const char *text) {
  int top = lua_gettop(L);
  lua_pushglobaltable(L);
  const char *start = text, *sep;
  while ((sep = strpbrk(start, ".:")) != NULL) {
    char part[128];
    size_t len = (size_t)(sep - start);
    if (len >= sizeof part) break;
    memcpy(part, start, len);
    part[len] = '\0';
    if (lua_type(L, -1) != LUA_TTABLE) break;
    lua_pushstring(L, part);
    lua_rawget(L, -2); /* raw: completion must not run metamethods */
    if (lua_type(L, -1) != LUA_TTABLE && !(lua_type(L, -1) == LUA_TUSERDATA)) {
      lua_settop(L, top);
      return;
    }
    cs_lua_raw(L, -1); /* coopsim's read-only views: the table behind */
    lua_replace(L, -2);
    lua_remove(L, -2);
    start = sep + 1;
  }
  if (lua_type(L, -1) == LUA_TTABLE) {
    char base[256];
    size_t blen = (size_t)(start - text);
    if (blen >= sizeof base) blen = sizeof base - 1;
    memcpy(base, text, blen);
    base[blen] = '\0';
    add_keys(L, base, start);
  }
  lua_settop(L, top);
}

/* Municipality names valid today that start with prefix (case as typed). */
static void complete_names(lua_State *L, const char *prefix) {
  int top = lua_gettop(L);
  lua_getglobal(L, "coopsim");
  if (lua_getfield(L, -1, "_names") == LUA_TFUNCTION) {
    lua_pushstring(L, prefix);
    if (lua_pcall(L, 1, 1, 0) == LUA_OK && lua_istable(L, -1)) {
      lua_Integer n = luaL_len(L, -1);
      for (lua_Integer i = 1; i <= n; i++) {
        lua_rawgeti(L, -1, i);
        add_match(lua_tostring(L, -1));
        lua_pop(L, 1);
      }
    }
  }
  lua_settop(L, top);
}

static char **completion(const char *text, int start, int end) {
  (void)end;
  rl_attempted_completion_over = 1;
  clear_matches();
  lua_State *L = globalL;
  if (!L) return NULL;
  /* inside a string literal? then complete municipality names */
  int quotes = 0;
  for (int i = 0; i < start; i++)
    if (rl_line_buffer[i] == '"') quotes++;
  if (quotes % 2 == 1) {
    complete_names(L, text);
    rl_completion_append_character = '"';
  } else {
    complete_path(L, text);
    rl_completion_append_character = '\0';
  }
  if (nmatches == 0) return NULL;
  return rl_completion_matches(text, next_match);
}

/* ---- reading and running chunks ---------------------------------------- */

static int incomplete(lua_State *L, int status) {
  if (status == LUA_ERRSYNTAX) {
    size_t lmsg;
    const char *msg = lua_tolstring(L, -1, &lmsg);
    const char *eof = "<eof>";
    size_t le = strlen(eof);
    if (lmsg >= le && strcmp(msg + lmsg - le, eof) == 0) {
      lua_pop(L, 1);
      return 1;
    }
  }
  return 0;
}

static void print_results(lua_State *L, int base) {
  int n = lua_gettop(L) - base;
  if (n <= 0) return;
  lua_getglobal(L, "coopsim");
  lua_getfield(L, -1, "_pretty");
  lua_remove(L, -2);
  lua_insert(L, base + 1);
  if (docall(L, n, 1) == LUA_OK) {
    puts(lua_tostring(L, -1) ? lua_tostring(L, -1) : "");
    lua_pop(L, 1);
  }
  lua_settop(L, base);
}

/* Runs the chunk in buf: first as `return <buf>` so expressions print. */
static int run_chunk(lua_State *L, const char *buf, int *need_more) {
  int base = lua_gettop(L);
  *need_more = 0;
  const char *ret = lua_pushfstring(L, "return %s;", buf);
  int status = luaL_loadbufferx(L, ret, strlen(ret), "=stdin", "t");
  lua_remove(L, -2);
  if (status != LUA_OK) {
    lua_pop(L, 1);
    status = luaL_loadbufferx(L, buf, strlen(buf), "=stdin", "t");
    if (incomplete(L, status)) {
      *need_more = 1;
      return LUA_OK;
    }
    if (status != LUA_OK) {
      fprintf(stderr, "%s\n", lua_tostring(L, -1));
      lua_pop(L, 1);
      return status;
    }
  }
  status = docall(L, 0, LUA_MULTRET);
  if (status == LUA_OK) print_results(L, base);
  lua_settop(L, base);
  return status;
}

static char *history_path(void) {
  const char *home = getenv("HOME");
  if (!home) return NULL;
  size_t n = strlen(home) + 32;
  char *p = malloc(n);
  if (p) snprintf(p, n, "%s/.coopsim_history", home);
  return p;
}

static int run_script_stdin(lua_State *L) {
  size_t len = 0;
  char *buf = cs_read_stream(stdin, &len);
  if (!buf) {
    fprintf(stderr, "coopsim: cannot read standard input\n");
    return 1;
  }
  int rc = 0;
  if (luaL_loadbufferx(L, buf, len, "=stdin", "t") != LUA_OK) {
    fprintf(stderr, "coopsim: %s\n", lua_tostring(L, -1));
    rc = 1;
  } else if (docall(L, 0, 0) != LUA_OK) {
    rc = 1;
  } else if (cli_report_expectations(L) > 0) {
    rc = 1;
  }
  free(buf);
  return rc;
}

/* ---- the prompt ---------------------------------------------------------- */

static char *read_result = NULL; /* the line the handler got */
static int read_done = 0;

static void on_line(char *line) {
  read_result = line; /* NULL: end of input (Ctrl-D on an empty line) */
  read_done = 1;
  rl_callback_handler_remove(); /* no second prompt before the line is run */
}

/* Reads a line at prompt. NULL at the end of input; *interrupted set (and
** NULL returned) when Ctrl-C was pressed: the line typed so far is dropped. */
static char *read_line(const char *prompt, int *interrupted) {
  *interrupted = 0;
  read_result = NULL;
  read_done = 0;
  prompt_interrupted = 0;
  rl_callback_handler_install(prompt, on_line);
  /* SIGINT is blocked but while pselect() waits, so a Ctrl-C between the
  ** check of the flag and the wait cannot be missed */
  sigset_t block, waiting;
  sigemptyset(&block);
  sigaddset(&block, SIGINT);
  sigprocmask(SIG_BLOCK, &block, &waiting);
  sigdelset(&waiting, SIGINT);
  while (!read_done) {
    fd_set fds;
    FD_ZERO(&fds);
    FD_SET(STDIN_FILENO, &fds);
    int n = prompt_interrupted ? -1 : pselect(STDIN_FILENO + 1, &fds, NULL, NULL, NULL, &waiting);
    if (prompt_interrupted) {
      prompt_interrupted = 0;
      /* as a shell does: the line stays on the screen with ^C after it,
      ** the next prompt starts empty below it */
      rl_point = rl_end;
      rl_redisplay();
      fputs("^C\n", rl_outstream ? rl_outstream : stdout);
      fflush(rl_outstream ? rl_outstream : stdout);
      rl_free_line_state();
      rl_callback_sigcleanup();
      rl_replace_line("", 0);
      rl_callback_handler_remove();
      sigprocmask(SIG_UNBLOCK, &block, NULL);
      *interrupted = 1;
      return NULL;
    }
    if (n < 0) {
      if (errno == EINTR) continue; /* another signal (a resized window) */
      rl_callback_handler_remove();
      break;
    }
    rl_callback_read_char();
  }
  sigprocmask(SIG_UNBLOCK, &block, NULL);
  return read_result;
}

/* ---- history, written as you go ------------------------------------------------ */

/* Entries carry a timestamp line ("#1700000000") in the file, so that a
** chunk of several lines reads back as one entry (history_multiline_entries). */
static int history_ready(const char *hist) {
  history_comment_char = '#'; /* without it entries get no timestamp */
  history_write_timestamps = 1;
  history_multiline_entries = 1;
  stifle_history(1000);
  /* append_history needs the file: make it (private: it holds what was typed) */
  int fd = open(hist, O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (fd < 0) return -1;
  close(fd);
  read_history(hist);
  history_truncate_file(hist, 5000);
  return 0;
}

static void remember(const char *hist, const char *entry) {
  static int warned = 0;
  add_history(entry);
  if (!hist) return;
  int rc = append_history(1, hist);
  if (rc != 0 && !warned) {
    fprintf(stderr, "coopsim: the history is not saved in %s: %s\n", hist, strerror(rc));
    warned = 1;
  }
}

/* ---- .load --trusted FILE ------------------------------------------------------ */

/* [-0, +0, -] The number of runs the session has made (lua_coopsim.h). */
static lua_Integer runs_made(lua_State *L) {
  cs_lua_push_runs(L);
  lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
  lua_pop(L, 1);
  return n;
}

/* Runs FILE in the session (its globals stay) and puts the runs it made in
** the global `runs`: runs[1], runs[2], ... in order, and by scenario name
** (the first run of a name). The runs made before an error are kept too. */
static void load_trusted(lua_State *L, const char *file) {
  cs_error err = {0, ""};
  size_t len;
  char *text = cs_read_file(file, &len, &err);
  if (!text) {
    fprintf(stderr, "coopsim: %s\n", err.msg);
    return;
  }
  lua_Integer before = runs_made(L);
  char chunkname[4096];
  snprintf(chunkname, sizeof chunkname, "@%s", file);
  int status = luaL_loadbufferx(L, text, len, chunkname, "t");
  free(text);
  if (status != LUA_OK) {
    fprintf(stderr, "coopsim: %s\n", lua_tostring(L, -1));
    lua_pop(L, 1);
    return;
  }
  status = docall(L, 0, 0);
  lua_Integer after = runs_made(L);
  cs_lua_push_runs(L);
  lua_createtable(L, (int)(after - before), 4);
  int runs = lua_gettop(L);
  for (lua_Integer i = before + 1; i <= after; i++) {
    lua_rawgeti(L, runs - 1, i);
    lua_pushvalue(L, -1);
    lua_rawseti(L, runs, i - before);
    /* by name: the run's `name` (a run is a C object whose name is read-only) */
    if (lua_getfield(L, -1, "name") == LUA_TSTRING) {
      lua_pushvalue(L, -1);
      if (lua_rawget(L, runs) == LUA_TNIL) {
        lua_pop(L, 1);
        lua_pushvalue(L, -2);
        lua_rawset(L, runs);
      } else {
        lua_pop(L, 2);
      }
    } else {
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
  }
  lua_pushvalue(L, runs);
  lua_setglobal(L, "runs");
  printf("%s %s: %lld run%s in `runs`", status == LUA_OK ? "loaded" : "stopped", file,
         (long long)(after - before), after - before == 1 ? "" : "s");
  for (lua_Integer i = 1; i <= after - before; i++) {
    lua_rawgeti(L, runs, i);
    const char *name = NULL;
    if (lua_getfield(L, -1, "name") == LUA_TSTRING) name = lua_tostring(L, -1);
    printf("%s [%lld] %s", i == 1 ? ":" : ",", (long long)i, name ? name : "?");
    lua_settop(L, runs);
  }
  printf("\n");
  lua_settop(L, runs - 2);
}

/* A dot command (.help, .quit, .load); 1 when line was one, *quit set for
** .quit and .exit. */
static int dot_command(lua_State *L, const char *line, int *quit) {
  *quit = 0;
  if (strcmp(line, ".help") == 0) {
    fputs(help_text, stdout);
    return 1;
  }
  if (strcmp(line, ".quit") == 0 || strcmp(line, ".exit") == 0) {
    *quit = 1;
    return 1;
  }
  if (strncmp(line, ".load", 5) == 0 && (line[5] == ' ' || line[5] == '\0')) {
    const char *p = line + 5;
    while (*p == ' ') p++;
    if (strncmp(p, "--trusted", 9) != 0 || (p[9] != ' ' && p[9] != '\0')) {
      fputs(".load --trusted FILE runs your own scenario file in this session (unsandboxed)\n", stderr);
      return 1;
    }
    p += 9;
    while (*p == ' ') p++;
    char file[4096];
    snprintf(file, sizeof file, "%s", p);
    size_t n = strlen(file);
    while (n > 0 && file[n - 1] == ' ') file[--n] = '\0';
    /* "a file with spaces.lua" */
    if (n >= 2 && file[0] == '"' && file[n - 1] == '"') {
      memmove(file, file + 1, n - 2);
      file[n - 2] = '\0';
    }
    if (!file[0]) {
      fputs("which file? .load --trusted FILE\n", stderr);
      return 1;
    }
    load_trusted(L, file);
    return 1;
  }
  return 0;
}

int cli_repl(const cli_options *opt) {
  lua_State *L = cli_new_state(opt, NULL, 0);
  if (!L) return 1;
  globalL = L;
  lua_getglobal(L, "coopsim");
  lua_setglobal(L, "cs");
  if (!isatty(STDIN_FILENO)) {
    int rc = run_script_stdin(L);
    cs_sandbox_close(L);
    return rc;
  }
  char why[512];
  if (cli_readline_load(why, sizeof why) != 0) {
    fprintf(stderr, "coopsim: %s\n", why);
    cs_sandbox_close(L);
    return 1;
  }
  interactive = 1;
  catch_at_prompt();
  printf("coopsim %s - type .help for the API, Ctrl-D to quit\n", COOPSIM_VERSION);
  rl_readline_name = "coopsim";
  rl_catch_signals = 0; /* SIGINT is ours: pselect() sees it */
  rl_attempted_completion_function = completion;
  rl_basic_word_break_characters = " \t\n\"'(),=+-*/{}[]<>~;#";
  char *hist = history_path();
  if (hist && history_ready(hist) != 0) {
    fprintf(stderr, "coopsim: the history is not saved in %s: %s\n", hist, strerror(errno));
    free(hist);
    hist = NULL;
  }
  char *chunk = NULL;
  for (;;) {
    int interrupted;
    char *line = read_line(chunk ? ">> " : "coopsim> ", &interrupted);
    if (interrupted) {
      /* the line, and a chunk still open, are dropped; the session goes on */
      free(chunk);
      chunk = NULL;
      continue;
    }
    if (!line) break;
    int quit;
    if (!chunk && dot_command(L, line, &quit)) {
      if (!quit) remember(hist, line);
      free(line);
      if (quit) break;
      continue;
    }
    if (chunk) {
      size_t n = strlen(chunk) + strlen(line) + 2;
      char *nc = malloc(n);
      if (!nc) break;
      snprintf(nc, n, "%s\n%s", chunk, line);
      free(chunk);
      free(line);
      chunk = nc;
    } else {
      if (!*line) {
        free(line);
        continue;
      }
      chunk = line;
    }
    int need_more;
    run_chunk(L, chunk, &need_more);
    if (need_more) continue;
    remember(hist, chunk); /* the whole chunk, as one entry */
    free(chunk);
    chunk = NULL;
  }
  free(chunk);
  putchar('\n');
  free(hist);
  cs_temp_files_signal_restore(SIGINT);
  clear_matches();
  cs_sandbox_close(L);
  globalL = NULL;
  return 0;
}
