#ifndef COOPSIM_LUA_CONFINE_H
#define COOPSIM_LUA_CONFINE_H
/*
** Confining the worker process that runs a sandboxed Lua state (confine.h):
** what the state would load lazily is loaded first, since the confined
** process can no longer open it.
*/
#include <lua.h>
#include "coopsim/confine.h"

/* [-0, +0, -] Opens, in protected mode, what a scenario in L may need and
** coopsim loads on first use: the municipality registry (embedded, the
** --data-dir CSVs or the --registry-db SQLite file). Then confines the
** process: cs_confine(opts, status, err). Everything else a sandboxed
** scenario reaches is in memory already or deferred to the parent (r:write
** and r:save; workbooks, run stores and SHA-256 are made there).
** Returns 0 when confined; CS_ERROR with the registry's message in err
** ("cannot open the municipality registry: ...") when it cannot be opened
** (nothing is confined then); else cs_confine's code and message. Call it
** before the scenario runs and before any thread is started. */
int cs_lua_confine(lua_State *L, const cs_confine_opts *opts, cs_confine_status *status,
                   cs_error *err);

#endif
