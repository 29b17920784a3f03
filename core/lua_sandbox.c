/*
** lua_sandbox.c: a fresh, allow-listed, limited Lua state per scenario run
** (see include/coopsim/sandbox.h for what is allowed and why).
*/
#define _XOPEN_SOURCE 700 /* realpath */
#include <errno.h>
#include <limits.h>
#include <lauxlib.h>
#include <lualib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include "coopsim/lua_coopsim.h"
#include "coopsim/readfile.h"
#include "coopsim/sandbox.h"
#include "lua_internal.h"

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

/* Instructions between two count hooks: small enough that a kill is prompt,
** large enough that the hook itself costs nothing measurable. */
#define HOOK_EVERY 10000

/* But while a count hook is set, Lua 5.4 goes through luaG_traceexec at
** every instruction: Lua code runs at half speed. So a limit above
** HOOK_EXACT_BELOW is counted from HOOK_ARM_USEC of CPU time on, when a
** timer signal sets the hook (as lua.c sets its Ctrl-C hook); Lua cannot
** run HOOK_EXACT_BELOW instructions in that time on any machine we know of
** (some 0.6e9 a second here). A kill is therefore never early, and late by
** at most what ran before the hook. Smaller limits are counted from the
** first instruction. */
#define HOOK_EXACT_BELOW 500000000ULL
#define HOOK_ARM_USEC 250000

typedef struct hook_timer {
  int on;
  struct sigaction old_action;
  struct itimerval old_timer;
} hook_timer;

typedef struct sandbox {
  cs_sandbox_opts opts;
  size_t used, peak;      /* bytes held by the Lua allocator */
  long nalloc;            /* allocations (growths) so far */
  long fail_at;           /* from this allocation on every growth fails, or 0 */
  uint64_t instructions;  /* counted in steps of HOOK_EVERY */
  hook_timer timer;       /* sets the count hook for large limits (HOOK_EXACT_BELOW) */
  size_t output;          /* bytes print() wrote */
  cs_sandbox_limit hit;   /* the limit that killed the run */
  /* read_dirs, resolved (realpath's, freed with the sandbox): held apart,
  ** not as PATH_MAX arrays here, so a state's start does not clear 32 KB */
  char *read_real[CS_SANDBOX_MAX_READ_DIRS];
} sandbox;

static void sandbox_free(sandbox *sb) {
  if (!sb) return;
  for (int i = 0; i < CS_SANDBOX_MAX_READ_DIRS; i++) free(sb->read_real[i]);
  free(sb);
}

static sandbox *get_sandbox(lua_State *L) {
  void *ud = NULL;
  lua_getallocf(L, &ud);
  return ud;
}

/* ------------------------------------------------------------------------
** The allocator: counts what it holds, refuses growth past the cap. */

static void *sb_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  sandbox *sb = ud;
  if (ptr == NULL) osize = 0; /* osize is then a type tag, not a size */
  if (nsize == 0) {
    free(ptr);
    sb->used -= osize;
    return NULL;
  }
  if (nsize > osize) {
    sb->nalloc++;
    if (sb->fail_at > 0 && sb->nalloc >= sb->fail_at) return NULL;
    if (sb->opts.max_memory && nsize - osize > sb->opts.max_memory - sb->used) {
      if (sb->hit == CS_LIMIT_NONE) sb->hit = CS_LIMIT_MEMORY;
      return NULL;
    }
  }
  void *p = realloc(ptr, nsize);
  if (p == NULL) return NULL; /* the old block stays valid and counted */
  sb->used = sb->used - osize + nsize;
  if (sb->used > sb->peak) sb->peak = sb->used;
  return p;
}

/* ------------------------------------------------------------------------
** Kills: the message names the limit in the file's terms; it is raised
** again at every hook and after every pcall. */

static void limit_message(const sandbox *sb, char *buf, size_t size) {
  switch (sb->hit) {
    case CS_LIMIT_MEMORY:
      snprintf(buf, size, "memory limit: the scenario needed more than %zu MB (--max-memory)",
               sb->opts.max_memory >> 20);
      break;
    case CS_LIMIT_INSTRUCTIONS:
      snprintf(buf, size,
               "instruction limit: the scenario ran more than %llu Lua instructions "
               "(--max-instructions); an endless loop?",
               (unsigned long long)sb->opts.max_instructions);
      break;
    case CS_LIMIT_OUTPUT:
      snprintf(buf, size, "output limit: the scenario printed more than %zu MB (--max-output)",
               sb->opts.max_output >> 20);
      break;
    default:
      snprintf(buf, size, "no limit");
  }
}

static int raise_limit(lua_State *L) {
  sandbox *sb = get_sandbox(L);
  char where[256], msg[256];
  cs_lua_where(L, where, sizeof where);
  limit_message(sb, msg, sizeof msg);
  lua_pushfstring(L, "%s%s", where, msg);
  return lua_error(L);
}

static void sb_hook(lua_State *L, lua_Debug *ar) {
  (void)ar;
  sandbox *sb = get_sandbox(L);
  if (sb->hit == CS_LIMIT_NONE) {
    sb->instructions += HOOK_EVERY;
    if (sb->opts.max_instructions == 0 || sb->instructions <= sb->opts.max_instructions) return;
    sb->hit = CS_LIMIT_INSTRUCTIONS;
  }
  /* from now on, stop at every line and call: a pcall cannot outlast it */
  lua_sethook(L, sb_hook, LUA_MASKCOUNT | LUA_MASKLINE | LUA_MASKCALL, 1);
  raise_limit(L);
}

/* ------------------------------------------------------------------------
** Replacements for base functions. */

static int sb_print(lua_State *L) {
  sandbox *sb = get_sandbox(L);
  FILE *out = sb->opts.print_to_stderr ? stderr : stdout;
  int n = lua_gettop(L);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  for (int i = 1; i <= n; i++) {
    if (i > 1) luaL_addchar(&b, '\t');
    luaL_tolstring(L, i, NULL);
    luaL_addvalue(&b);
  }
  luaL_addchar(&b, '\n');
  luaL_pushresult(&b);
  size_t len;
  const char *s = lua_tolstring(L, -1, &len);
  if (sb->opts.max_output && len > sb->opts.max_output - sb->output) {
    if (sb->hit == CS_LIMIT_NONE) sb->hit = CS_LIMIT_OUTPUT;
    return raise_limit(L);
  }
  sb->output += len;
  fwrite(s, 1, len, out);
  return 0;
}

static int finish_pcall(lua_State *L, int status, int extra) {
  if (get_sandbox(L)->hit != CS_LIMIT_NONE) return raise_limit(L);
  if (status != LUA_OK) {
    lua_pushboolean(L, 0);
    lua_pushvalue(L, -2);
    return 2;
  }
  return lua_gettop(L) - extra;
}

static int sb_pcall(lua_State *L) {
  luaL_checkany(L, 1);
  lua_pushboolean(L, 1);
  lua_insert(L, 1);
  int status = lua_pcall(L, lua_gettop(L) - 2, LUA_MULTRET, 0);
  return finish_pcall(L, status, 0);
}

/* The message handler around a scenario's own: once a limit has killed the
** run the scenario's handler is not called, since Lua runs a handler for an
** error raised in a hook with hooks off, where a loop could never be
** stopped. */
static int sb_msgh(lua_State *L) {
  if (get_sandbox(L)->hit != CS_LIMIT_NONE) return 1;
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

static int sb_xpcall(lua_State *L) {
  int n = lua_gettop(L);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  lua_pushvalue(L, 2);
  lua_pushcclosure(L, sb_msgh, 1);
  lua_replace(L, 2);
  lua_pushboolean(L, 1);
  lua_pushvalue(L, 1);
  lua_rotate(L, 3, 2); /* f, handler, true, f, args... */
  int status = lua_pcall(L, n - 2, LUA_MULTRET, 2);
  return finish_pcall(L, status, 2);
}

static int sb_setmetatable(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  int t = lua_type(L, 2);
  luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
  if (t == LUA_TTABLE) {
    lua_pushliteral(L, "__gc");
    if (lua_rawget(L, 2) != LUA_TNIL)
      return luaL_error(L, "setmetatable: a metatable with __gc is not allowed in the sandbox");
    lua_pop(L, 1);
  }
  if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
    return luaL_error(L, "cannot change a protected metatable");
  lua_settop(L, 2);
  lua_setmetatable(L, 1);
  return 1;
}

/* rawset, which would go round a read-only view's __newindex, refuses
** coopsim's views like an assignment does. */
static int sb_rawset(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checkany(L, 2);
  luaL_checkany(L, 3);
  if (cs_lua_is_view(L, 1))
    return luaL_error(L, "rawset: coopsim's tables and objects are read-only");
  lua_settop(L, 3);
  lua_rawset(L, 1);
  return 1;
}

static int sb_load(lua_State *L) {
  size_t len;
  const char *s = lua_tolstring(L, 1, &len);
  const char *mode = luaL_optstring(L, 3, "t");
  if (strchr(mode, 'b')) {
    luaL_pushfail(L);
    lua_pushliteral(L, "load: binary chunks are not allowed in the sandbox");
    return 2;
  }
  int env = !lua_isnone(L, 4) ? 4 : 0;
  int status;
  if (s != NULL) {
    const char *name = luaL_optstring(L, 2, s);
    status = luaL_loadbufferx(L, s, len, name, "t");
  } else {
    /* a reader function: load the pieces into one string first, so that the
    ** text-mode check sees the whole chunk and no C boundary is crossed */
    luaL_checktype(L, 1, LUA_TFUNCTION);
    const char *name = luaL_optstring(L, 2, "=(load)");
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (;;) {
      lua_pushvalue(L, 1);
      lua_call(L, 0, 1);
      if (lua_isnil(L, -1) || (lua_isstring(L, -1) && lua_rawlen(L, -1) == 0)) {
        lua_pop(L, 1);
        break;
      }
      if (!lua_isstring(L, -1)) return luaL_error(L, "reader function must return a string");
      luaL_addvalue(&b);
    }
    luaL_pushresult(&b);
    size_t n;
    const char *text = lua_tolstring(L, -1, &n);
    status = luaL_loadbufferx(L, text, n, name, "t");
  }
  if (status != LUA_OK) {
    luaL_pushfail(L);
    lua_insert(L, -2);
    return 2;
  }
  if (env) {
    lua_pushvalue(L, env);
    if (!lua_setupvalue(L, -2, 1)) lua_pop(L, 1);
  }
  return 1;
}

static int sb_collectgarbage(lua_State *L) {
  const char *opt = luaL_optstring(L, 1, "collect");
  if (strcmp(opt, "count") != 0)
    return luaL_error(L, "collectgarbage(\"%s\") is not available in the sandbox (only \"count\")",
                      opt);
  int k = lua_gc(L, LUA_GCCOUNT, 0), b = lua_gc(L, LUA_GCCOUNTB, 0);
  lua_pushnumber(L, (lua_Number)k + ((lua_Number)b / 1024));
  return 1;
}

static int sb_require(lua_State *L) {
  const char *name = luaL_checkstring(L, 1);
  if (strcmp(name, "coopsim") == 0) {
    lua_getglobal(L, "coopsim");
    return 1;
  }
  if (strcmp(name, "coopsim.report") == 0) {
    lua_getglobal(L, "coopsim");
    lua_getfield(L, -1, "report");
    return 1;
  }
  return luaL_error(L,
                    "require \"%s\": scenario files run in a sandbox that can load only "
                    "\"coopsim\" (run your own files with --trusted)",
                    name);
}

/* coopsim.read_file(path) -> text: a data file below the scenario's folder
** or an --allow-read folder. */
static int sb_read_file(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  char resolved[PATH_MAX];
  cs_error err;
  char where[256];
  cs_lua_where(L, where, sizeof where);
  if (!cs_sandbox_may_read(L, path, resolved, &err)) {
    lua_pushfstring(L, "%s%s", where, err.msg);
    return lua_error(L);
  }
  size_t len;
  char *text = cs_read_file(resolved, &len, &err);
  if (!text) {
    lua_pushfstring(L, "%scannot read \"%s\": %s", where, path, err.msg);
    return lua_error(L);
  }
  lua_pushlstring(L, text, len);
  free(text);
  return 1;
}

/* ------------------------------------------------------------------------
** The allow-list. */

static const char *const base_allowed[] = {
    "assert", "error",  "getmetatable", "ipairs", "next",     "pairs",    "rawequal",
    "rawget", "rawlen", "rawset",       "select", "tonumber", "tostring", "type",
    "_G",     "_VERSION", NULL};

static int in_list(const char *name, const char *const *list) {
  for (; *list; list++)
    if (strcmp(name, *list) == 0) return 1;
  return 0;
}

/* Removes from table t every key not in `allowed`: first collects them,
** then clears them (clearing while traversing is allowed, but this is plainer). */
static void keep_only(lua_State *L, int t, const char *const *allowed) {
  t = lua_absindex(L, t);
  lua_newtable(L);
  int doomed = lua_gettop(L);
  lua_Integer n = 0;
  lua_pushnil(L);
  while (lua_next(L, t)) {
    lua_pop(L, 1);
    if (lua_type(L, -1) != LUA_TSTRING || !in_list(lua_tostring(L, -1), allowed)) {
      lua_pushvalue(L, -1);
      lua_rawseti(L, doomed, ++n);
    }
  }
  for (lua_Integer i = 1; i <= n; i++) {
    lua_rawgeti(L, doomed, i);
    lua_pushnil(L);
    lua_rawset(L, t);
  }
  lua_pop(L, 1);
}

/* Opens a library as a global and leaves its table on the stack. */
static void open_lib(lua_State *L, const char *name, lua_CFunction f) {
  luaL_requiref(L, name, f, 1);
}

/* Runs protected: builds the globals of a sandboxed state. */
static int build_state(lua_State *L) {
  sandbox *sb = get_sandbox(L);
  if (sb->opts.trusted) {
    luaL_openlibs(L);
  } else {
    open_lib(L, LUA_GNAME, luaopen_base);
    keep_only(L, -1, base_allowed);
    lua_pop(L, 1);
    open_lib(L, LUA_TABLIBNAME, luaopen_table);
    lua_pop(L, 1);
    open_lib(L, LUA_STRLIBNAME, luaopen_string);
    lua_pushnil(L);
    lua_setfield(L, -2, "dump"); /* the real table: the string metatable reaches it */
    lua_pop(L, 1);
    open_lib(L, LUA_MATHLIBNAME, luaopen_math);
    lua_pop(L, 1);
    open_lib(L, LUA_UTF8LIBNAME, luaopen_utf8);
    lua_pop(L, 1);
    /* the string metatable cannot be read or changed */
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 2);
    static const luaL_Reg replaced[] = {
        {"print", sb_print},     {"pcall", sb_pcall},         {"xpcall", sb_xpcall},
        {"setmetatable", sb_setmetatable}, {"load", sb_load}, {"collectgarbage", sb_collectgarbage},
        {"require", sb_require}, {"rawset", sb_rawset}, {NULL, NULL}};
    lua_pushglobaltable(L);
    luaL_setfuncs(L, replaced, 0);
    lua_pop(L, 1);
    /* coopsim.lua finds the scenario's line through debug.getinfo, which it
    ** captures while loading; the scenario itself never sees `debug` */
    open_lib(L, LUA_DBLIBNAME, luaopen_debug);
    lua_pop(L, 1);
  }
  cs_lua_set_data_dir(L, sb->opts.data_dir);
  cs_lua_set_db(L, sb->opts.registry_db);
  cs_lua_set_defer_io(L, !sb->opts.trusted);
  cs_lua_module_opts mo = {sb_read_file, sb->opts.trusted ? 0 : sb->opts.max_rows,
                           sb->opts.lazy_module};
  cs_lua_open_module(L, &mo);
  lua_setglobal(L, "coopsim");
  if (!sb->opts.trusted) {
    lua_pushnil(L);
    lua_setglobal(L, LUA_DBLIBNAME);
    /* the scenario's own copies of the libraries: what it changes in them
    ** does not reach the tables coopsim's scripts and the string methods use */
    static const char *const libs[] = {LUA_STRLIBNAME, LUA_TABLIBNAME, LUA_MATHLIBNAME,
                                       LUA_UTF8LIBNAME, NULL};
    for (const char *const *lib = libs; *lib; lib++) {
      lua_getglobal(L, *lib);
      lua_newtable(L);
      lua_pushnil(L);
      while (lua_next(L, -3)) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, -4);
      }
      lua_setglobal(L, *lib);
      lua_pop(L, 1);
    }
  }
  return 0;
}

void cs_sandbox_defaults(cs_sandbox_opts *opts) {
  memset(opts, 0, sizeof *opts);
  opts->max_memory = (size_t)512 << 20;
  opts->max_instructions = 10000000000ULL;
  opts->max_output = (size_t)64 << 20;
  opts->max_rows = 1000000;
}

/* Error messages from the error object without running any of its
** metamethods (a scenario may raise a table whose __tostring never ends). */
static void error_text(lua_State *L, int idx, cs_error *err, int code) {
  const char *msg = lua_type(L, idx) == LUA_TSTRING || lua_type(L, idx) == LUA_TNUMBER
                        ? lua_tostring(L, idx)
                        : NULL;
  if (msg) cs_error_set(err, code, "%s", msg);
  else cs_error_set(err, code, "(error object is a %s value)", luaL_typename(L, idx));
}

/* The state whose count hook the CPU timer sets: one at a time (a second
** state made meanwhile counts from its first instruction instead). */
static lua_State *volatile hook_state;

static void set_hook_now(int sig) {
  (void)sig;
  lua_State *L = hook_state;
  if (L) lua_sethook(L, sb_hook, LUA_MASKCOUNT, HOOK_EVERY); /* safe in a signal handler */
}

/* From HOOK_ARM_USEC of CPU time on, count L's instructions (see above),
** whatever Lua runs in the state while it lives: the scenario and what
** coopsim does with its results after. */
static void hook_timer_start(lua_State *L, hook_timer *t) {
  t->on = 0;
  if (hook_state) {
    lua_sethook(L, sb_hook, LUA_MASKCOUNT, HOOK_EVERY);
    return;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = set_hook_now;
  sigemptyset(&sa.sa_mask);
  hook_state = L;
  struct itimerval it = {{0, 0}, {0, HOOK_ARM_USEC}};
  if (sigaction(SIGVTALRM, &sa, &t->old_action) != 0) {
    hook_state = NULL;
    lua_sethook(L, sb_hook, LUA_MASKCOUNT, HOOK_EVERY); /* no timer: count from now */
    return;
  }
  if (setitimer(ITIMER_VIRTUAL, &it, &t->old_timer) != 0) {
    sigaction(SIGVTALRM, &t->old_action, NULL);
    hook_state = NULL;
    lua_sethook(L, sb_hook, LUA_MASKCOUNT, HOOK_EVERY);
    return;
  }
  t->on = 1;
}

static void hook_timer_stop(hook_timer *t) {
  if (!t->on) return;
  struct itimerval off = {{0, 0}, {0, 0}};
  setitimer(ITIMER_VIRTUAL, &off, NULL);
  sigaction(SIGVTALRM, &t->old_action, NULL);
  setitimer(ITIMER_VIRTUAL, &t->old_timer, NULL);
  hook_state = NULL;
}

lua_State *cs_sandbox_new(const cs_sandbox_opts *opts, cs_error *err) {
  sandbox *sb = calloc(1, sizeof *sb);
  if (!sb) {
    cs_error_set(err, CS_ENOMEM, "out of memory creating a Lua state");
    return NULL;
  }
  sb->opts = *opts;
  sb->fail_at = opts->fail_alloc_at;
  if (sb->opts.trusted) {
    sb->opts.max_memory = 0;
    sb->opts.max_instructions = 0;
    sb->opts.max_output = 0;
  }
  for (int i = 0; i < sb->opts.nread_dirs && i < CS_SANDBOX_MAX_READ_DIRS; i++) {
    if (!(sb->read_real[i] = realpath(sb->opts.read_dirs[i], NULL))) {
      cs_error_set(err, errno == ENOMEM ? CS_ENOMEM : CS_EINVAL, "--allow-read %s: %s",
                   sb->opts.read_dirs[i], strerror(errno));
      sandbox_free(sb);
      return NULL;
    }
  }
  lua_State *L = lua_newstate(sb_alloc, sb);
  if (!L) {
    cs_error_set(err, CS_ENOMEM, "out of memory creating a Lua state");
    sandbox_free(sb);
    return NULL;
  }
  lua_pushcfunction(L, build_state);
  int status = lua_pcall(L, 0, 0, 0);
  if (status != LUA_OK) {
    error_text(L, -1, err, status == LUA_ERRMEM ? CS_ENOMEM : CS_ERROR);
    cs_sandbox_close(L);
    return NULL;
  }
  if (!sb->opts.trusted && sb->opts.max_instructions) {
    if (sb->opts.max_instructions < HOOK_EXACT_BELOW) lua_sethook(L, sb_hook, LUA_MASKCOUNT, HOOK_EVERY);
    else hook_timer_start(L, &sb->timer);
  }
  return L;
}

/* The message handler of a scenario's run: an error object that is not text
** (a table, say) still says where the scenario raised it; its metamethods
** are not run. A kill's message is left as it is. */
static int run_msgh(lua_State *L) {
  int t = lua_type(L, 1);
  if (t == LUA_TSTRING || t == LUA_TNUMBER || get_sandbox(L)->hit != CS_LIMIT_NONE) return 1;
  char where[1024];
  cs_lua_where(L, where, sizeof where);
  lua_pushfstring(L, "%s(error object is a %s value)", where, luaL_typename(L, 1));
  return 1;
}

int cs_sandbox_run(lua_State *L, const char *text, size_t len, const char *chunkname,
                   cs_error *err) {
  sandbox *sb = get_sandbox(L);
  int top = lua_gettop(L);
  const char *name = chunkname[0] == '@' || chunkname[0] == '=' ? chunkname + 1 : chunkname;
  if (len > 0 && text[0] == LUA_SIGNATURE[0]) {
    cs_error_set(err, CS_EINVAL, "%s: a precompiled (binary) chunk; only Lua source text is accepted",
                 name);
    return CS_EINVAL;
  }
  /* a UTF-8 byte order mark, as some Windows editors write it */
  if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
    text += 3;
    len -= 3;
  }
  lua_pushcfunction(L, run_msgh);
  int status = luaL_loadbufferx(L, text, len, chunkname, "t");
  if (status == LUA_OK) status = lua_pcall(L, 0, 0, top + 1);
  int rc = 0;
  if (sb->hit != CS_LIMIT_NONE) {
    /* the kill wins, even over a chunk that caught it and returned */
    char msg[256];
    limit_message(sb, msg, sizeof msg);
    const char *lua_msg = status != LUA_OK ? lua_tostring(L, -1) : NULL;
    if (lua_msg && strstr(lua_msg, msg)) cs_error_set(err, CS_ERROR, "%s", lua_msg);
    else cs_error_set(err, CS_ERROR, "%s: %s", name, msg);
    rc = CS_ERROR;
  } else if (status == LUA_ERRMEM) {
    cs_error_set(err, CS_ENOMEM, "%s: out of memory", name);
    rc = CS_ENOMEM;
  } else if (status != LUA_OK) {
    error_text(L, -1, err, CS_ERROR);
    rc = CS_ERROR;
  }
  lua_settop(L, top);
  return rc;
}

cs_sandbox_limit cs_sandbox_limit_hit(lua_State *L) { return get_sandbox(L)->hit; }

size_t cs_sandbox_memory(lua_State *L, size_t *peak) {
  sandbox *sb = get_sandbox(L);
  if (peak) *peak = sb->peak;
  return sb->used;
}

void cs_sandbox_fail_allocation(lua_State *L, long k) {
  sandbox *sb = get_sandbox(L);
  sb->fail_at = k > 0 ? sb->nalloc + k : 0;
}

long cs_sandbox_allocations(lua_State *L) { return get_sandbox(L)->nalloc; }

void cs_sandbox_close(lua_State *L) {
  if (!L) return;
  sandbox *sb = get_sandbox(L);
  hook_timer_stop(&sb->timer);
  /* finalizers run with hooks off; coopsim's own are the only ones a
  ** sandboxed state can have (setmetatable refuses __gc) */
  lua_close(L);
  sandbox_free(sb);
}

int cs_path_below(const char *resolved, const char *dir) {
  size_t n = strlen(dir);
  if (n == 0 || strncmp(resolved, dir, n) != 0) return 0;
  return resolved[n] == '/' || resolved[n] == '\0' || (n == 1 && dir[0] == '/');
}

int cs_sandbox_may_read(lua_State *L, const char *path, char *resolved, cs_error *err) {
  sandbox *sb = get_sandbox(L);
  char joined[PATH_MAX];
  if (path[0] != '/' && sb->opts.nread_dirs > 0)
    snprintf(joined, sizeof joined, "%s/%s", sb->read_real[0], path);
  else
    snprintf(joined, sizeof joined, "%s", path);
  if (!realpath(joined, resolved)) {
    cs_error_set(err, CS_EIO, "cannot read \"%s\": %s", path, strerror(errno));
    return 0;
  }
  if (sb->opts.trusted) return 1;
  for (int i = 0; i < sb->opts.nread_dirs && i < CS_SANDBOX_MAX_READ_DIRS; i++)
    if (cs_path_below(resolved, sb->read_real[i])) return 1;
  cs_error_set(err, CS_EINVAL,
               "cannot read \"%s\": scenario files may read data files only below their own "
               "folder%s (allow more with --allow-read DIR)",
               path, sb->opts.nread_dirs > 0 ? "" : " (none given)");
  return 0;
}
