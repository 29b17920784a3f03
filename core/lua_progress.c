/*
** lua_progress.c: the terminal progress bar for Lua (lua_progress.h), used by
** cs.sweep and cs.solve.
*/
#include <lauxlib.h>
#include "coopsim/lua_progress.h"
#include "coopsim/progress.h"

#define PROGRESS_MT "coopsim.progress"

typedef struct box {
  cs_progress *p;
} box;

/* [-0, +0, -] Ends the bar; safe to call twice (close, then __gc). */
static int bar_close(lua_State *L) {
  box *b = luaL_checkudata(L, 1, PROGRESS_MT);
  cs_progress_end(b->p);
  b->p = NULL;
  return 0;
}

static int bar_update(lua_State *L) {
  box *b = luaL_checkudata(L, 1, PROGRESS_MT);
  cs_progress_update(b->p, (long)luaL_checkinteger(L, 2));
  return 0;
}

/* progress(label, total) -> bar */
static int l_progress(lua_State *L) {
  const char *label = luaL_checkstring(L, 1);
  lua_Integer total = luaL_checkinteger(L, 2);
  /* the handle exists, closed, with its metatable before the bar starts */
  box *b = lua_newuserdatauv(L, sizeof *b, 0);
  b->p = NULL;
  luaL_setmetatable(L, PROGRESS_MT);
  b->p = cs_progress_start(label, (long)total);
  return 1;
}

void cs_lua_progress_register(lua_State *L) {
  if (luaL_newmetatable(L, PROGRESS_MT)) {
    lua_pushcfunction(L, bar_close);
    lua_setfield(L, -2, "__gc");
    lua_pushboolean(L, 0); /* getmetatable gives a scenario nothing to change */
    lua_setfield(L, -2, "__metatable");
    lua_pushcfunction(L, bar_close);
    lua_setfield(L, -2, "__close");
    static const luaL_Reg methods[] = {{"update", bar_update}, {"close", bar_close}, {NULL, NULL}};
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
  }
  lua_pop(L, 1);
  lua_pushcfunction(L, l_progress);
  lua_setfield(L, -2, "progress");
}
