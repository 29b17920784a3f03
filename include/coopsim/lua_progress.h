#ifndef COOPSIM_LUA_PROGRESS_H
#define COOPSIM_LUA_PROGRESS_H
/* Lua binding of the terminal progress bar (progress.h). */
#include <lua.h>

/* [-0, +0, m] Adds progress to the core table on top of the stack:
** progress(label, total) -> bar, with bar:update(done) and bar:close()
** (also a to-be-closed variable and __gc, so an error erases it). */
void cs_lua_progress_register(lua_State *L);

#endif
