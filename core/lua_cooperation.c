/*
** lua_cooperation.c: cooperations built from the specs the scripts make
** (a cooperation with a scenario's modifications applied) and simulated,
** several at once on threads unless one calls Lua.
*/
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>
#include "coopsim/coop.h"
#include "coopsim/simulate_many.h"
#include "lua_internal.h"

#define COOP_MT "coopsim.coopbox"
#define ROWS_KEY "coopsim.rows" /* rows the runs hold so far */

typedef struct coopbox {
  cs_coop *coop;
} coopbox;

static int coopbox_gc(lua_State *L) {
  coopbox *b = luaL_checkudata(L, 1, COOP_MT);
  cs_coop_free(b->coop);
  b->coop = NULL;
  return 0;
}

/* The service (1-based in the spec) that the entry at t belongs to: made
** current (cs_coop_use_service) when the cooperation has services. */
static int use_service(lua_State *L, int t, cs_coop *coop, int services, cs_error *err) {
  if (!services) return CS_OK;
  lua_Integer sv = cs_lua_field_int(L, t, "service", 0);
  if (sv < 1) return cs_error_set(err, CS_EINVAL, "an entry of a cooperation with services has no service");
  return cs_coop_use_service(coop, (size_t)(sv - 1), err);
}

/* The member at t: a municipality, or a party ({ name, munis = { codes },
** pop = n or pops = { { year, n } } }). */
static int add_member(lua_State *L, int t, cs_coop *coop, cs_date since, int joined,
                      const char *code, cs_error *err) {
  if (lua_getfield(L, t, "party") != LUA_TTABLE) {
    lua_pop(L, 1);
    return cs_coop_add_member(coop, code, since, joined, cs_lua_field_str(L, t, "given"), err);
  }
  int p = lua_gettop(L), rc;
  size_t nmunis = 0;
  const char **munis = cs_lua_field_strings(L, p, "munis", &nmunis);
  cs_lua_table_field(L, p, "pops");
  int pt = lua_gettop(L);
  size_t npops = (size_t)lua_rawlen(L, pt);
  int *years = lua_newuserdatauv(L, (npops ? npops : 1) * sizeof *years, 0);
  int64_t *pops = lua_newuserdatauv(L, (npops + 1) * sizeof *pops, 0);
  for (size_t k = 0; k < npops; k++) {
    lua_rawgeti(L, pt, (lua_Integer)k + 1);
    years[k] = (int)cs_lua_field_int(L, -1, "year", 0);
    pops[k] = (int64_t)cs_lua_field_int(L, -1, "n", -1);
    lua_pop(L, 1);
  }
  lua_getfield(L, p, "pop");
  int one = lua_isinteger(L, -1);
  if (one) pops[0] = (int64_t)lua_tointeger(L, -1);
  lua_pop(L, 1);
  rc = cs_coop_add_party(coop, code, cs_lua_field_str(L, p, "name"), munis, nmunis,
                         one ? NULL : years, pops, one ? 1 : npops, since, joined, err);
  lua_settop(L, p - 1);
  return rc;
}

/* The money cycle's fields of the spec at idx (SPEC 7.3): `invoices` (a
** list of "MM-DD"), `settle` ("next_year" or "none") and `accounts`
** ({ { year, service (1-based, or absent), cost, grants (or absent) }, ... },
** in the order given: a later one for the same year and service replaces). */
static int money_fields(lua_State *L, int idx, cs_coop *coop, cs_error *err) {
  int rc;
  size_t n;
  const char **dates = cs_lua_field_strings(L, idx, "invoices", &n);
  if (dates) {
    cs_invoice_dates *d = lua_newuserdatauv(L, sizeof *d, 0);
    rc = cs_invoice_dates_parse(d, dates, n, err);
    if (!rc) rc = cs_coop_set_invoices(coop, d, err);
    lua_pop(L, 1);
  } else {
    rc = CS_OK;
  }
  lua_pop(L, 1);
  if (rc) return rc;
  const char *s = cs_lua_field_str(L, idx, "settle");
  if (s) {
    if (strcmp(s, "none") != 0 && strcmp(s, "next_year") != 0)
      return cs_error_set(err, CS_EINVAL, "settle must be \"next_year\" or \"none\", got \"%s\"", s);
    cs_coop_set_settle(coop, strcmp(s, "none") == 0 ? CS_SETTLE_NONE : CS_SETTLE_NEXT_YEAR);
  }
  cs_lua_table_field(L, idx, "accounts");
  for (lua_Integer i = 1; lua_rawgeti(L, -1, i) == LUA_TTABLE; i++) {
    int t = lua_gettop(L), has_cost, has_grants;
    cs_q cost, grants;
    if ((rc = cs_lua_field_q(L, t, "cost", &cost, &has_cost, err)) ||
        (rc = cs_lua_field_q(L, t, "grants", &grants, &has_grants, err)))
      return rc;
    lua_Integer sv = cs_lua_field_int(L, t, "service", 1);
    if (sv < 1) return cs_error_set(err, CS_EINVAL, "accounts: service %d is no service", (int)sv);
    if ((rc = cs_coop_set_accounts(coop, (int)cs_lua_field_int(L, t, "year", 0), (size_t)(sv - 1),
                                   has_cost ? &cost : NULL, has_grants ? &grants : NULL, err)))
      return rc;
    lua_pop(L, 1);
  }
  lua_pop(L, 2);
  return CS_OK;
}

/* Fills coop from the spec table at idx (made by scripts/coopsim_spec.lua)
** for a run to last_year. */
static int build_coop(lua_State *L, int idx, cs_coop *coop, int anchor, int last_year,
                      cs_error *err) {
  int rc, present;
  cs_date d1, d2, resolved = {1, 1, 1};
  const char *s;
  /* the date the members and the keys' codes were resolved at */
  if ((rc = cs_lua_field_date(L, idx, "resolution", &resolved, &present, err))) return rc;
  lua_getfield(L, idx, "host_party");
  int host_party = lua_toboolean(L, -1);
  lua_pop(L, 1);
  if ((s = cs_lua_field_str(L, idx, "host"))) {
    if ((rc = host_party ? cs_coop_set_host_party(coop, s, err)
                         : cs_coop_set_host(coop, s, cs_date_jan1(1), err)))
      return rc;
  }
  if ((s = cs_lua_field_str(L, idx, "payee")) && (rc = cs_coop_set_payee(coop, s, err))) return rc;
  if ((s = cs_lua_field_str(L, idx, "payee_code")) && (rc = cs_coop_set_payee_code(coop, s, err)))
    return rc;
  if ((rc = cs_lua_field_date(L, idx, "period_from", &d1, &present, err))) return rc;
  if (present) {
    int has_to;
    if ((rc = cs_lua_field_date(L, idx, "period_to", &d2, &has_to, err))) return rc;
    if ((rc = cs_coop_set_period(coop, d1, has_to, d2, err))) return rc;
  }
  lua_Integer by = cs_lua_field_int(L, idx, "base_year", 0);
  if (by && (rc = cs_coop_set_base_year(coop, (int)by, err))) return rc;
  s = cs_lua_field_str(L, idx, "population_date");
  if (s) {
    cs_popdate kind = strcmp(s, "jan1_budget_year") == 0 ? CS_POPDATE_BUDGET_YEAR
                      : strcmp(s, "fixed") == 0          ? CS_POPDATE_FIXED
                                                         : CS_POPDATE_PREVIOUS_YEAR;
    if ((rc = cs_coop_set_popdate(coop, kind, (int)cs_lua_field_int(L, idx, "population_year", 0), err)))
      return rc;
  }
  if ((s = cs_lua_field_str(L, idx, "notice_from"))) {
    cs_notice n = {(int)cs_lua_field_int(L, idx, "notice_months", 12),
                   strcmp(s, "notice_date") == 0 ? CS_NOTICE_NOTICE_DATE : CS_NOTICE_NEXT_JAN1};
    if ((rc = cs_coop_set_notice(coop, &n, err))) return rc;
  }
  s = cs_lua_field_str(L, idx, "exit_year");
  cs_coop_set_part_year(coop, s && strcmp(s, "months") == 0 ? CS_PART_YEAR_MONTHS : CS_PART_YEAR_FULL);
  s = cs_lua_field_str(L, idx, "merger");
  cs_coop_set_merger(coop, !s || strcmp(s, "whole") == 0 ? CS_MERGER_WHOLE
                           : strcmp(s, "member_part") == 0 ? CS_MERGER_MEMBER_PART
                                                           : CS_MERGER_ERROR);
  s = cs_lua_field_str(L, idx, "split");
  cs_coop_set_split(coop, s && strcmp(s, "error") == 0 ? CS_SPLIT_ERROR : CS_SPLIT_SUCCESSORS);
  if ((rc = cs_lua_field_date(L, idx, "freeze", &d1, &present, err))) return rc;
  if (present) cs_coop_set_freeze(coop, d1);
  lua_getfield(L, idx, "prorate");
  cs_coop_set_prorate_period(coop, lua_isnil(L, -1) || lua_toboolean(L, -1));
  lua_pop(L, 1);
  lua_Integer dm = cs_lua_field_int(L, idx, "due_month", 0);
  if (dm && (rc = cs_coop_set_due(coop, (int)dm, (int)cs_lua_field_int(L, idx, "due_day", 1), err)))
    return rc;
  /* growth */
  cs_lua_table_field(L, idx, "growths");
  for (lua_Integer i = 1; lua_rawgeti(L, -1, i) == LUA_TTABLE; i++) {
    cs_q w, p;
    int pw, pp;
    int t = lua_gettop(L);
    if ((rc = cs_lua_field_q(L, t, "wage", &w, &pw, err)) || (rc = cs_lua_field_q(L, t, "price", &p, &pp, err)))
      return rc;
    if (!pw) cs_q_zero(&w);
    if (!pp) cs_q_zero(&p);
    if ((rc = cs_coop_set_growth(coop, (int)cs_lua_field_int(L, t, "from_year", 0), &w, &p, err))) return rc;
    lua_pop(L, 1);
  }
  lua_pop(L, 2);
  /* members */
  cs_lua_table_field(L, idx, "members");
  for (lua_Integer i = 1; lua_rawgeti(L, -1, i) == LUA_TTABLE; i++) {
    int t = lua_gettop(L);
    cs_date since;
    if ((rc = cs_lua_field_date(L, t, "anchor", &since, &present, err))) return rc;
    lua_getfield(L, t, "joined");
    int joined = lua_toboolean(L, -1);
    lua_pop(L, 1);
    const char *code = cs_lua_field_str(L, t, "code");
    if ((rc = add_member(L, t, coop, since, joined, code, err))) return rc;
    cs_date notice;
    if ((rc = cs_lua_field_date(L, t, "notice", &notice, &present, err))) return rc;
    if (present && (rc = cs_coop_withdraw(coop, code, notice, err))) return rc;
    /* notices of parts after a split: { { code =, date = }, ... } */
    if (lua_getfield(L, t, "part_notices") == LUA_TTABLE) {
      int pn = lua_gettop(L);
      for (lua_Integer k = 1; lua_rawgeti(L, pn, k) == LUA_TTABLE; k++) {
        cs_date given;
        if ((rc = cs_lua_field_date(L, lua_gettop(L), "date", &given, &present, err)) ||
            (rc = cs_coop_withdraw_part(coop, code, cs_lua_field_str(L, lua_gettop(L), "code"), given, err)))
          return rc;
        lua_pop(L, 1);
      }
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
    lua_pop(L, 1);
  }
  lua_pop(L, 2);
  /* services: each with its members (codes as the members'), or all */
  cs_lua_table_field(L, idx, "services");
  int services = (int)lua_rawlen(L, -1) > 0;
  for (lua_Integer i = 1; lua_rawgeti(L, -1, i) == LUA_TTABLE; i++) {
    int t = lua_gettop(L);
    size_t n;
    const char **codes = cs_lua_field_strings(L, t, "members", &n);
    rc = cs_coop_add_service(coop, cs_lua_field_str(L, t, "name"), codes, n, NULL, err);
    lua_pop(L, 1);
    if (rc) return rc;
    lua_pop(L, 1);
  }
  lua_pop(L, 2);
  /* cost lines */
  cs_lua_table_field(L, idx, "costs");
  for (lua_Integer i = 1; lua_rawgeti(L, -1, i) == LUA_TTABLE; i++) {
    int t = lua_gettop(L);
    const char *name = cs_lua_field_str(L, t, "name");
    if ((rc = use_service(L, t, coop, services, err))) return rc;
    cs_q amount;
    if ((rc = cs_lua_field_q(L, t, "rate", &amount, &present, err))) return rc;
    if (present) {
      size_t nof;
      const char **of = cs_lua_field_strings(L, t, "of", &nof);
      rc = cs_coop_add_derived_cost(coop, name, &amount, of, nof, err);
      lua_pop(L, 1);
      if (rc) return rc;
    } else {
      if ((rc = cs_lua_field_q(L, t, "amount", &amount, &present, err))) return rc;
      const char *g = cs_lua_field_str(L, t, "growth");
      cs_growth growth = !g ? CS_GROWTH_NONE : strcmp(g, "wage") == 0 ? CS_GROWTH_WAGE
                         : strcmp(g, "price") == 0                   ? CS_GROWTH_PRICE
                                                                     : CS_GROWTH_NONE;
      if ((rc = cs_coop_add_cost(coop, name, &amount, growth, err))) return rc;
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 2);
  /* cost changes */
  cs_lua_table_field(L, idx, "cost_sets");
  for (lua_Integer i = 1; lua_rawgeti(L, -1, i) == LUA_TTABLE; i++) {
    int t = lua_gettop(L);
    cs_q amount;
    if ((rc = cs_lua_field_q(L, t, "amount", &amount, &present, err))) return rc;
    if ((rc = cs_coop_set_cost(coop, cs_lua_field_str(L, t, "name"), &amount,
                               (int)cs_lua_field_int(L, t, "from_year", 0), err)))
      return rc;
    lua_pop(L, 1);
  }
  lua_pop(L, 2);
  /* grants */
  cs_lua_table_field(L, idx, "grants");
  for (lua_Integer i = 1; lua_rawgeti(L, -1, i) == LUA_TTABLE; i++) {
    int t = lua_gettop(L);
    if ((rc = use_service(L, t, coop, services, err))) return rc;
    cs_q amount, cap;
    int has_cap;
    if ((rc = cs_lua_field_q(L, t, "amount", &amount, &present, err)) ||
        (rc = cs_lua_field_q(L, t, "cap", &cap, &has_cap, err)))
      return rc;
    size_t nc;
    const char **covers = cs_lua_field_strings(L, t, "covers", &nc);
    rc = cs_coop_add_grant(coop, cs_lua_field_str(L, t, "name"), &amount, (int)cs_lua_field_int(L, t, "from", 0),
                           (int)cs_lua_field_int(L, t, "to", 0), has_cap ? &cap : NULL, covers, nc, err);
    lua_pop(L, 1);
    if (rc) return rc;
    lua_pop(L, 1);
  }
  lua_pop(L, 2);
  cs_lua_table_field(L, idx, "grant_ends");
  for (lua_Integer i = 1; lua_rawgeti(L, -1, i) == LUA_TTABLE; i++) {
    int t = lua_gettop(L);
    if ((rc = cs_coop_set_grant_end(coop, cs_lua_field_str(L, t, "name"), (int)cs_lua_field_int(L, t, "last_year", 0), err)))
      return rc;
    lua_pop(L, 1);
  }
  lua_pop(L, 2);
  /* keys */
  cs_lua_table_field(L, idx, "keys");
  int keys = lua_gettop(L);
  for (lua_Integer i = 1; lua_rawgeti(L, keys, i) == LUA_TTABLE; i++) {
    int t = lua_gettop(L);
    cs_key *key = NULL;
    /* its last year: before the next key (by from_year), or the run's last */
    lua_Integer from_year = cs_lua_field_int(L, t, "from_year", 0), last = last_year;
    lua_Integer service = cs_lua_field_int(L, t, "service", 0);
    for (lua_Integer j = 1; lua_rawgeti(L, keys, j) == LUA_TTABLE; j++) {
      lua_Integer f = cs_lua_field_int(L, lua_gettop(L), "from_year", 0);
      if (cs_lua_field_int(L, lua_gettop(L), "service", 0) == service && f > from_year && f - 1 < last)
        last = f - 1;
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
    cs_date at = resolved; /* a key given to set_key: its own resolution date */
    if ((rc = cs_lua_field_date(L, t, "resolution", &at, &present, err))) return rc;
    if (!present) at = resolved;
    if ((rc = use_service(L, t, coop, services, err))) return rc;
    lua_getfield(L, t, "key");
    rc = cs_lua_build_key(L, -1, anchor, at, (int)last, &key, err);
    lua_pop(L, 1);
    if (rc) return rc;
    if ((rc = cs_coop_set_key(coop, key, (int)cs_lua_field_int(L, t, "from_year", 0), err))) return rc;
    lua_pop(L, 1);
  }
  lua_pop(L, 2);
  /* hypothetical mergers */
  cs_lua_table_field(L, idx, "mergers");
  for (lua_Integer i = 1; lua_rawgeti(L, -1, i) == LUA_TTABLE; i++) {
    int t = lua_gettop(L);
    size_t n;
    const char **codes = cs_lua_field_strings(L, t, "codes", &n);
    cs_date date;
    if ((rc = cs_lua_field_date(L, t, "date", &date, &present, err))) return rc;
    rc = cs_coop_add_merger(coop, codes, n, cs_lua_field_str(L, t, "name"), date, err);
    lua_pop(L, 1);
    if (rc) return rc;
    lua_pop(L, 1);
  }
  lua_pop(L, 2);
  if (lua_getfield(L, idx, "population_fn") == LUA_TFUNCTION) {
    cs_coop_set_population_fn(coop, cs_lua_population_fn, cs_lua_new_callback(L, -1, anchor));
  }
  lua_pop(L, 1);
  if (lua_getfield(L, idx, "projection") == LUA_TTABLE) {
    /* a shipped projection alone (cs.projection.*): computed in C, as the
    ** Lua function would, without a call into Lua per member and year */
    cs_coop_set_population_fn(coop, cs_lua_projection_fn, cs_lua_new_projection(L, -1, anchor));
  }
  lua_pop(L, 1);
  /* the money cycle, after the services its accounts name */
  return money_fields(L, idx, coop, err);
}

/* [-0, +0 or +2, m] Counts r's rows against the module's result limit
** (cs_lua_module_opts.max_rows, kept in the Lua registry where a scenario
** cannot reach it): every run holds its rows, made or reused. 0, or 1 with
** nil and the message pushed when the limit is passed. */
static int charge_rows(lua_State *L, const cs_result *r) {
  if (lua_getfield(L, LUA_REGISTRYINDEX, CS_LUA_MAX_ROWS_KEY) == LUA_TNUMBER) {
    lua_Integer max = lua_tointeger(L, -1);
    lua_getfield(L, LUA_REGISTRYINDEX, ROWS_KEY);
    lua_Integer made = lua_tointeger(L, -1) + (lua_Integer)r->nrows;
    lua_pop(L, 2);
    lua_pushinteger(L, made);
    lua_setfield(L, LUA_REGISTRYINDEX, ROWS_KEY);
    if (made > max) {
      lua_pushnil(L);
      lua_pushfstring(L, "result limit: the runs hold more than %I rows (--max-rows)", max);
      return 1;
    }
    return 0;
  }
  lua_pop(L, 1);
  return 0;
}

/* simulate({ spec, ... }, from, to) -> { result, ... } | nil, message, i:
** the cooperations of a run, on several threads (simulate_many.h) unless
** one of them calls Lua (a custom key, a population function); the error
** is the first failing spec's (i). */
static int l_simulate(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_Integer from = luaL_checkinteger(L, 2), to = luaL_checkinteger(L, 3);
  if (from < 1900 || to > 2200 || from > to)
    return luaL_error(L, "run years %d..%d are out of range (1900..2200)", (int)from, (int)to);
  const cs_registry *reg = cs_lua_registry(L);
  size_t n = (size_t)lua_rawlen(L, 1);
  lua_settop(L, 3);
  lua_newtable(L); /* 4: anchors callbacks for the duration of the run */
  /* 5: the coops, as boxes (freed by __gc whatever happens), and 6: their
  ** pointers for the threads */
  lua_createtable(L, (int)n, 0);
  cs_coop **coops = lua_newuserdatauv(L, (n ? n : 1) * sizeof *coops, 0);
  int lua_calls = 0;
  cs_error err = {0, ""};
  for (size_t i = 0; i < n; i++) {
    coops[i] = NULL;
    if (lua_rawgeti(L, 1, (lua_Integer)i + 1) != LUA_TTABLE)
      return luaL_error(L, "simulate: spec %d is not a table", (int)i + 1);
    int spec = lua_gettop(L);
    coopbox *box = lua_newuserdatauv(L, sizeof *box, 0);
    box->coop = NULL;
    luaL_setmetatable(L, COOP_MT);
    lua_rawseti(L, 5, (lua_Integer)i + 1);
    lua_getfield(L, spec, "name");
    box->coop = cs_coop_new(lua_tostring(L, -1));
    lua_pop(L, 1);
    if (!box->coop) return luaL_error(L, "out of memory");
    coops[i] = box->coop;
    int anchored = (int)lua_rawlen(L, 4);
    if (build_coop(L, spec, box->coop, 4, (int)to, &err)) {
      cs_lua_fail(L, &err);
      lua_pushinteger(L, (lua_Integer)i + 1);
      return 3;
    }
    /* a callback anchored for this coop is a Lua function it calls */
    for (int k = anchored + 1; k <= (int)lua_rawlen(L, 4); k++) {
      lua_rawgeti(L, 4, k);
      if (luaL_testudata(L, -1, "coopsim.callback")) lua_calls = 1;
      lua_pop(L, 1);
    }
    lua_settop(L, 6);
  }
  /* the results, boxed before they exist so that a Lua error frees them */
  lua_createtable(L, (int)n, 0); /* 7 */
  cs_result ***boxes = lua_newuserdatauv(L, (n ? n : 1) * sizeof *boxes, 0); /* 8 */
  cs_result **out = lua_newuserdatauv(L, (n ? n : 1) * sizeof *out, 0);    /* 9 */
  for (size_t i = 0; i < n; i++) {
    boxes[i] = cs_lua_new_result(L);
    lua_rawseti(L, 7, (lua_Integer)i + 1);
  }
  size_t failed;
  int threads = lua_calls ? 1 : cs_simulate_threads();
  if (cs_simulate_many(coops, n, reg, (int)from, (int)to, threads, out, &failed, &err)) {
    cs_lua_fail(L, &err);
    lua_pushinteger(L, (lua_Integer)failed + 1);
    return 3;
  }
  for (size_t i = 0; i < n; i++) *boxes[i] = out[i];
  for (size_t i = 0; i < n; i++)
    if (charge_rows(L, out[i])) {
      lua_pushinteger(L, (lua_Integer)i + 1);
      return 3;
    }
  lua_pushvalue(L, 7);
  return 1;
}

/* charge(result) -> true | nil, message: a run reuses the result (scripts/
** coopsim.lua keeps results for runs with the same spec); it holds its rows
** all the same. */
static int l_charge(lua_State *L) {
  const cs_result *r = cs_lua_check_result(L, 1);
  if (charge_rows(L, r)) return 2;
  lua_pushboolean(L, 1);
  return 1;
}

/* invoice_dates({ "MM-DD", ... }) -> true | nil, message: the `invoices`
** field checked as the simulation takes it (cs_invoice_dates_parse). */
static int l_invoice_dates(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  size_t n = (size_t)lua_rawlen(L, 1);
  if (n > CS_INVOICE_DATES_MAX) {
    lua_pushnil(L);
    lua_pushfstring(L, "invoices: at most %d dates (one a day), got %d", CS_INVOICE_DATES_MAX, (int)n);
    return 2;
  }
  const char **texts = lua_newuserdatauv(L, (n ? n : 1) * sizeof *texts, 0);
  for (size_t i = 0; i < n; i++) {
    lua_rawgeti(L, 1, (lua_Integer)i + 1);
    if (lua_type(L, -1) != LUA_TSTRING) {
      lua_pushnil(L);
      lua_pushfstring(L, "invoices[%d]: expected a date \"MM-DD\", got %s", (int)i + 1, luaL_typename(L, -2));
      return 2;
    }
    texts[i] = lua_tostring(L, -1); /* still in the table */
    lua_pop(L, 1);
  }
  cs_invoice_dates *d = lua_newuserdatauv(L, sizeof *d, 0);
  cs_error err = {0, ""};
  if (cs_invoice_dates_parse(d, texts, n, &err)) {
    lua_pushnil(L);
    lua_pushstring(L, err.msg);
    return 2;
  }
  lua_pushboolean(L, 1);
  return 1;
}


void cs_lua_cooperation_register(lua_State *L) {
  if (luaL_newmetatable(L, COOP_MT)) {
    lua_pushcfunction(L, coopbox_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushboolean(L, 0); /* getmetatable gives a scenario nothing to change */
    lua_setfield(L, -2, "__metatable");
  }
  lua_pop(L, 1);
  static const luaL_Reg funcs[] = {{"simulate", l_simulate}, {"charge", l_charge},
                                   {"invoice_dates", l_invoice_dates}, {NULL, NULL}};
  luaL_setfuncs(L, funcs, 0);
}
