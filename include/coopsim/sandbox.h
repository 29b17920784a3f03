#ifndef COOPSIM_SANDBOX_H
#define COOPSIM_SANDBOX_H
/*
** The scenario sandbox: a fresh Lua state per run in which a scenario file
** from someone else can compute but not touch the machine.
**
** Allow-list: base (without dofile, loadfile, collectgarbage beyond "count";
** `load` in text mode only, in the sandbox's environment; `setmetatable`
** refuses `__gc`; `require` gives only "coopsim" and "coopsim.report"),
** table, string (without `dump`, removed from the real string table), math,
** utf8, and the `coopsim` module. No io, os, package, debug, coroutine.
** Data files a scenario names (coopsim.read_file, coopsim.read_csv) are read
** only below the scenario's folder or a folder given with --allow-read.
**
** Limits: a memory cap on the Lua allocator (growth past the cap fails;
** frees always succeed), an instruction budget and an output budget. A limit
** that is hit kills the run for good: the error is raised again at every
** hook and after every pcall, so a script cannot catch it and carry on, and
** cs_sandbox_run reports the run failed even if the chunk returned normally.
**
** The sandbox does not stop C code that never returns to Lua (a pattern
** match that backtracks for hours, a finalizer loop): that is what the
** worker process (cli/worker.h) and its wall-clock timeout are for.
*/
#include <lua.h>
#include <stddef.h>
#include <stdint.h>
#include "coopsim/error.h"

#define CS_SANDBOX_MAX_READ_DIRS 8

typedef struct cs_sandbox_opts {
  int trusted;               /* 1: the whole standard library, no limits */
  size_t max_memory;         /* bytes the Lua allocator may hold; 0 = no cap */
  uint64_t max_instructions; /* Lua VM instructions; 0 = no budget */
  size_t max_output;         /* bytes print() may write; 0 = no limit */
  long max_rows;             /* result rows all runs together may hold; 0 = no limit */
  const char *read_dirs[CS_SANDBOX_MAX_READ_DIRS]; /* folders data files may come from */
  int nread_dirs;
  const char *data_dir;      /* registry CSVs instead of the embedded registry, or NULL */
  const char *registry_db;   /* registry in SQLite, or NULL */
  int print_to_stderr;       /* print() writes to stderr instead of stdout */
  long fail_alloc_at;        /* tests: from the n-th allocation on, all fail (0 = never) */
  int lazy_module;           /* 1: coopsim's scripts run at the module's first read
                             ** (lua_coopsim.h cs_lua_module_opts.lazy), not at creation */
} cs_sandbox_opts;

/* Defaults for a file from someone else: 512 MB, 10^10 instructions, 64 MB
** of output, 10^6 result rows, no read folders. */
void cs_sandbox_defaults(cs_sandbox_opts *opts);

/* Which limit killed a run, if any. */
typedef enum cs_sandbox_limit {
  CS_LIMIT_NONE = 0,
  CS_LIMIT_MEMORY,
  CS_LIMIT_INSTRUCTIONS,
  CS_LIMIT_OUTPUT,
} cs_sandbox_limit;

/* Creates a fresh state with the allow-list above and the coopsim module as
** the global `coopsim`. The caller owns the state and closes it with
** cs_sandbox_close. NULL (with a message in err) when out of memory or the
** module fails to load. `opts` is copied, but the strings it points to must
** outlive the state. */
lua_State *cs_sandbox_new(const cs_sandbox_opts *opts, cs_error *err);

/* Loads `text` (len bytes) as a text chunk named `chunkname` (e.g.
** "@scenarios/helgeland.lua") and runs it. Binary chunks are refused before
** anything runs. Returns 0 when the chunk ran to the end within every limit;
** otherwise CS_ERROR with the message (file and line where known, and which
** limit) in err. Leaves the stack as it found it. */
int cs_sandbox_run(lua_State *L, const char *text, size_t len, const char *chunkname,
                   cs_error *err);

/* The limit that killed the state's run, or CS_LIMIT_NONE. */
cs_sandbox_limit cs_sandbox_limit_hit(lua_State *L);

/* Bytes the Lua allocator holds now, and the most it held. */
size_t cs_sandbox_memory(lua_State *L, size_t *peak);

/* Tests: from the k-th allocation from now on, every allocation fails (a
** single failure would be absorbed by Lua's emergency collection and
** retry); 0 turns it off. */
void cs_sandbox_fail_allocation(lua_State *L, long k);

/* Allocations (growths) the state has made so far. */
long cs_sandbox_allocations(lua_State *L);

/* Files a sandboxed scenario asks for (r:write, r:save) are not written by
** the state: they are recorded as requests (lua_coopsim.h, cs_lua_request)
** that the parent process checks and carries out after the run. */

/* 1 when the resolved (absolute, realpath'd) path lies at or below the
** resolved folder dir; 0 otherwise, and for an empty dir. */
int cs_path_below(const char *resolved, const char *dir);

/* Closes a state made by cs_sandbox_new; NULL is allowed. */
void cs_sandbox_close(lua_State *L);

/* 1 when `path` (as a scenario wrote it: relative to the first read folder,
** the scenario's own, unless absolute) resolves, after symbolic links, to a
** file below one of the sandbox's read folders; the resolved path goes to
** resolved (PATH_MAX bytes). 0 with the reason in err otherwise. For trusted
** states every existing path is allowed. */
int cs_sandbox_may_read(lua_State *L, const char *path, char *resolved, cs_error *err);

#endif
