/*
** lua_analysis.c: Monte Carlo for the scripts (cs.montecarlo): the flat
** model they make of a scenario's exact runs, drawn in C (montecarlo.h) on
** threads, Ctrl-C stopping it with the draws done so far.
*/
#define _POSIX_C_SOURCE 200809L /* clock_gettime for the Monte Carlo timing */
#include <lauxlib.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "coopsim/lua_progress.h"
#include "coopsim/montecarlo.h"
#include "coopsim/progress.h"
#include "coopsim/temp_files.h"
#include "lua_internal.h"

static volatile sig_atomic_t mc_stop = 0;
static void mc_interrupt(int sig) {
  (void)sig;
  mc_stop = 1;
}

static void mc_progress(void *ud, long done, long total) {
  (void)total;
  cs_progress_update(ud, done);
}

static double num_field(lua_State *L, int idx, const char *name) {
  lua_getfield(L, idx, name);
  double v = lua_tonumber(L, -1);
  lua_pop(L, 1);
  if (!isfinite(v)) luaL_error(L, "cs.montecarlo: %s must be a finite number", name);
  return v;
}

/* A whole number in lo..hi, checked before any conversion (a NaN or 1e300
** cast to an integer is undefined behaviour). */
static lua_Integer int_field(lua_State *L, int idx, const char *name, lua_Integer lo, lua_Integer hi) {
  lua_getfield(L, idx, name);
  int isint;
  lua_Integer v = lua_tointegerx(L, -1, &isint);
  if (!isint || v < lo || v > hi)
    luaL_error(L, "cs.montecarlo: %s must be a whole number from %I to %I, got %s", name, lo, hi,
               luaL_tolstring(L, -1, NULL));
  lua_pop(L, 1);
  return v;
}

/* montecarlo(model, opts) -> stats { [cell] = { n, mean, p5, p50, p95 } }, draws_done
** model = { nmembers, years = { { year, cost_other, cost_wage, wage_steps, grant,
**           comps = { { kind, amount, by_member = {...} } }, members = {...},
**           population = {...}, year_share = {...} } } } (member indexes from 1) */
static int l_montecarlo(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checktype(L, 2, LUA_TTABLE);
  cs_mc_model m = {0, 0, NULL};
  m.nmembers = (size_t)num_field(L, 1, "nmembers");
  cs_lua_table_field(L, 1, "years");
  int yt = lua_gettop(L);
  m.nyears = (size_t)lua_rawlen(L, yt);
  if (m.nmembers == 0 || m.nyears == 0) return luaL_error(L, "Monte Carlo: no members or no years");
  /* all arrays live in Lua userdata, so an error cannot leak them */
  size_t total = 0;
  for (size_t y = 1; y <= m.nyears; y++) {
    lua_rawgeti(L, yt, (lua_Integer)y);
    cs_lua_table_field(L, -1, "members");
    total += lua_rawlen(L, -1);
    lua_pop(L, 2);
  }
  m.years = lua_newuserdatauv(L, m.nyears * sizeof *m.years, 0);
  int *mem = lua_newuserdatauv(L, (total ? total : 1) * sizeof *mem, 0);
  double *dbl = lua_newuserdatauv(L, (4 * total + 1) * sizeof *dbl, 0);
  /* the components, their members' amounts and bands: userdata of their
  ** own (no limit on their number), kept in this table */
  lua_newtable(L);
  int held = lua_gettop(L);
  lua_Integer nheld = 0;
  size_t mi = 0, di = 0;
  for (size_t y = 0; y < m.nyears; y++) {
    cs_mc_year *yr = &m.years[y];
    memset(yr, 0, sizeof *yr);
    lua_rawgeti(L, yt, (lua_Integer)y + 1);
    int t = lua_gettop(L);
    yr->year = (int)num_field(L, t, "year");
    yr->cost_other = num_field(L, t, "cost_other");
    yr->cost_wage = num_field(L, t, "cost_wage");
    yr->wage_steps = (int)num_field(L, t, "wage_steps");
    yr->grant = num_field(L, t, "grant");
    cs_lua_table_field(L, t, "members");
    yr->n = lua_rawlen(L, -1);
    yr->member = mem + mi;
    for (size_t k = 0; k < yr->n; k++) {
      lua_rawgeti(L, -1, (lua_Integer)k + 1);
      int idx = (int)lua_tointeger(L, -1) - 1;
      lua_pop(L, 1);
      if (idx < 0 || (size_t)idx >= m.nmembers) return luaL_error(L, "Monte Carlo: bad member index");
      yr->member[k] = idx;
    }
    mi += yr->n;
    lua_pop(L, 1);
    yr->population = dbl + di;
    cs_lua_table_field(L, t, "population");
    for (size_t k = 0; k < yr->n; k++) {
      lua_rawgeti(L, -1, (lua_Integer)k + 1);
      yr->population[k] = lua_tonumber(L, -1);
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
    di += yr->n;
    yr->year_share = dbl + di;
    cs_lua_table_field(L, t, "year_share");
    for (size_t k = 0; k < yr->n; k++) {
      lua_rawgeti(L, -1, (lua_Integer)k + 1);
      yr->year_share[k] = lua_tonumber(L, -1);
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
    di += yr->n;
    /* caps and floors: each member's limits this year (< 0: none) */
    lua_getfield(L, t, "capped");
    yr->capped = lua_toboolean(L, -1);
    lua_getfield(L, t, "covers");
    yr->covers = lua_toboolean(L, -1);
    lua_pop(L, 2);
    yr->cap_max = dbl + di;
    yr->cap_min = dbl + di + yr->n;
    for (int side = 0; side < 2; side++) {
      cs_lua_table_field(L, t, side ? "cap_min" : "cap_max");
      for (size_t k = 0; k < yr->n; k++) {
        lua_rawgeti(L, -1, (lua_Integer)k + 1);
        (side ? yr->cap_min : yr->cap_max)[k] = lua_isnumber(L, -1) ? lua_tonumber(L, -1) : -1;
        lua_pop(L, 1);
      }
      lua_pop(L, 1);
    }
    di += 2 * yr->n;
    cs_lua_table_field(L, t, "comps");
    yr->ncomp = lua_rawlen(L, -1);
    yr->comp = lua_newuserdatauv(L, (yr->ncomp ? yr->ncomp : 1) * sizeof *yr->comp, 0);
    lua_rawseti(L, held, ++nheld);
    for (size_t c = 0; c < yr->ncomp; c++) {
      cs_mc_component *comp = &yr->comp[c];
      memset(comp, 0, sizeof *comp);
      lua_rawgeti(L, -1, (lua_Integer)c + 1);
      int ct = lua_gettop(L);
      comp->kind = (int)num_field(L, ct, "kind");
      comp->amount = num_field(L, ct, "amount");
      if (comp->kind < CS_MC_BASE || comp->kind > CS_MC_BAND)
        return luaL_error(L, "Monte Carlo: unknown component kind %d", comp->kind);
      if (lua_getfield(L, ct, "by_member") == LUA_TTABLE) {
        comp->by_member = lua_newuserdatauv(L, m.nmembers * sizeof *comp->by_member, 0);
        lua_rawseti(L, held, ++nheld);
        for (size_t k = 0; k < m.nmembers; k++) {
          lua_rawgeti(L, -1, (lua_Integer)k + 1);
          comp->by_member[k] = lua_tonumber(L, -1);
          lua_pop(L, 1);
        }
      } else if (comp->kind == CS_MC_FIXED || comp->kind == CS_MC_WEIGHTS) {
        return luaL_error(L, "Monte Carlo: a component by member without its amounts");
      }
      lua_pop(L, 1);
      if (comp->kind == CS_MC_BAND) {
        cs_lua_table_field(L, ct, "bands");
        size_t nb = (size_t)lua_rawlen(L, -1);
        if (nb == 0) return luaL_error(L, "Monte Carlo: bands without a band");
        cs_mc_band *b = lua_newuserdatauv(L, nb * sizeof *b, 0);
        lua_rawseti(L, held, ++nheld);
        for (size_t k = 0; k < nb; k++) {
          lua_rawgeti(L, -1, (lua_Integer)k + 1);
          int bt = lua_gettop(L);
          lua_getfield(L, bt, "upto");
          b[k].upto = lua_isnumber(L, -1) ? lua_tonumber(L, -1) : -1;
          lua_pop(L, 1);
          b[k].amount = num_field(L, bt, "amount");
          lua_getfield(L, bt, "rate");
          b[k].rate = lua_isnumber(L, -1) ? lua_tonumber(L, -1) : 0;
          lua_pop(L, 2);
        }
        comp->bands = b;
        comp->nbands = nb;
      }
      lua_settop(L, ct - 1);
    }
    lua_settop(L, t - 1);
  }
  cs_mc_options o;
  memset(&o, 0, sizeof o);
  o.seed = (uint64_t)int_field(L, 2, "seed", LUA_MININTEGER, LUA_MAXINTEGER);
  o.draws = (long)int_field(L, 2, "draws", 1, 10000000);
  o.pop_mean = num_field(L, 2, "pop_mean");
  o.pop_sd = num_field(L, 2, "pop_sd");
  lua_getfield(L, 2, "vary_wage");
  o.vary_wage = lua_toboolean(L, -1);
  lua_pop(L, 1);
  o.wage_mean = num_field(L, 2, "wage_mean");
  o.wage_sd = num_field(L, 2, "wage_sd");
  o.threads = (int)int_field(L, 2, "threads", 1, 256);
  /* a bar on a terminal unless progress = false (it shows after 1 s only) */
  lua_getfield(L, 2, "progress");
  int progress = lua_isnil(L, -1) || lua_toboolean(L, -1);
  lua_pop(L, 1);
  cs_mc_stat *stats = lua_newuserdatauv(L, m.nyears * m.nmembers * sizeof *stats, 0);
  memset(stats, 0, m.nyears * m.nmembers * sizeof *stats);
  /* the draws (up to 10^7 per member-year) are the largest buffer by far:
  ** from the Lua allocator too, so that a sandbox's memory cap refuses them
  ** instead of the C heap taking gigabytes on a scenario's say-so; in 4 KB
  ** pages, no huge pages asked for (doc_arena.c's new_block says why: the
  ** whole command, bench/mc_whole.lua, after a 3 s pause 801-853 ms with
  ** them, 250-284 ms without; at once after another run 230-261 against
  ** 280-288 ms) */
  if (o.draws >= 1 && o.draws <= 10000000) { /* else cs_montecarlo says why */
    size_t size = m.nyears * m.nmembers * (size_t)o.draws * sizeof *o.samples;
    o.samples = lua_newuserdatauv(L, size, 0);
  }
  mc_stop = 0;
  o.stop = &mc_stop;
  /* Ctrl-C stops the draws; the action before, with its flags, comes back
  ** after (signal() would restore a handler without them: temp_files.c's
  ** needs none, but another may) */
  struct sigaction stop_action, old;
  memset(&stop_action, 0, sizeof stop_action);
  stop_action.sa_handler = mc_interrupt;
  sigemptyset(&stop_action.sa_mask);
  stop_action.sa_flags = SA_RESTART;
  int have_old = sigaction(SIGINT, &stop_action, &old) == 0;
  long done = 0;
  cs_error err = {0, ""};
  struct timespec t0, t1;
  cs_progress *bar = progress ? cs_progress_start("Monte Carlo", (long)o.draws) : NULL;
  o.progress = bar ? mc_progress : NULL;
  o.ud = bar;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  int rc = cs_montecarlo(&m, &o, stats, &done, &err);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  if (have_old) sigaction(SIGINT, &old, NULL);
  else cs_temp_files_signal_restore(SIGINT);
  cs_progress_end(bar);
  if (rc) return cs_lua_fail(L, &err);
  lua_createtable(L, (int)(m.nyears * m.nmembers), 0);
  for (size_t c = 0; c < m.nyears * m.nmembers; c++) {
    lua_createtable(L, 0, 5);
    cs_lua_set_int(L, "n", stats[c].n);
    lua_pushnumber(L, stats[c].mean);
    lua_setfield(L, -2, "mean");
    lua_pushnumber(L, stats[c].p5);
    lua_setfield(L, -2, "p5");
    lua_pushnumber(L, stats[c].p50);
    lua_setfield(L, -2, "p50");
    lua_pushnumber(L, stats[c].p95);
    lua_setfield(L, -2, "p95");
    lua_rawseti(L, -2, (lua_Integer)c + 1);
  }
  lua_pushinteger(L, done);
  lua_pushboolean(L, mc_stop);
  lua_pushnumber(L, (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
  return 4;
}

/* mc_normal(seed, draw, stream) -> the generator's standard normal */
static int l_mc_normal(lua_State *L) {
  lua_pushnumber(L, cs_mc_normal((uint64_t)luaL_checkinteger(L, 1), (uint64_t)luaL_checkinteger(L, 2),
                                 (uint64_t)luaL_checkinteger(L, 3)));
  return 1;
}

/* mc_quantiles() -> { [0..4096] } the generator's table */
static int l_mc_quantiles(lua_State *L) {
  size_t n;
  const double *q = cs_mc_quantiles(&n);
  lua_createtable(L, (int)n, 1);
  for (size_t i = 0; i < n; i++) {
    lua_pushnumber(L, q[i]);
    lua_rawseti(L, -2, (lua_Integer)i);
  }
  return 1;
}


void cs_lua_analysis_register(lua_State *L) {
  static const luaL_Reg funcs[] = {{"montecarlo", l_montecarlo},
                                   {"mc_normal", l_mc_normal},
                                   {"mc_quantiles", l_mc_quantiles},
                                   {NULL, NULL}};
  luaL_setfuncs(L, funcs, 0);
}
