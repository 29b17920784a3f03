/*
** lua_keys.c: keys built from the specs the scripts make of cs.keys.*
** (lua_internal.h, cs_lua_build_key), their codes followed through the
** registry's changes (SPEC 7.1); and tables for keys by a column
** (cs.table): read from the text the host's reader gave, kept by the keys
** that use them, asked for their columns and years.
**
** A key spec: { label, source, assumption, components = { { kind, amount,
** entries = { { code, value } }, fn, table, column, year, bands = { { upto,
** amount, rate } } }, ... }, limits = { max, min, max_for, min_for } }. A mix
** comes flattened (coopsim_keys.lua): its parts' pools, each scaled by the
** part's fraction, exactly as cs_key_mix makes them.
*/
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>
#include "coopsim/party.h"
#include "coopsim/table.h"
#include "lua_internal.h"

#define TABLE_MT "coopsim.table"
#define KEYBOX_MT "coopsim.keybox"

/* ---- tables --------------------------------------------------------------- */

typedef struct tablebox {
  cs_table *t;
} tablebox;

static int tablebox_gc(lua_State *L) {
  tablebox *b = luaL_checkudata(L, 1, TABLE_MT);
  cs_table_free(b->t);
  b->t = NULL;
  return 0;
}

/* [-0, +0, v] The table in the userdata at idx. */
static cs_table *check_table(lua_State *L, int idx) {
  tablebox *b = luaL_checkudata(L, idx, TABLE_MT);
  if (!b->t) luaL_error(L, "the table is closed");
  return b->t;
}

/* table(file, text) -> table | nil, message: the CSV text read from file
** (named so in messages) */
static int l_table(lua_State *L) {
  const char *file = cs_lua_check_text(L, 1);
  size_t len;
  const char *text = luaL_checklstring(L, 2, &len);
  tablebox *b = lua_newuserdatauv(L, sizeof *b, 0);
  b->t = NULL;
  luaL_setmetatable(L, TABLE_MT);
  cs_error err = {0, ""};
  if (cs_table_parse(&b->t, file, text, len, &err)) return cs_lua_fail(L, &err);
  return 1;
}

/* table_info(t) -> { file, columns = { names }, has_year, by_name, rows,
** years = { the years of its rows, in order } } */
static int l_table_info(lua_State *L) {
  const cs_table *t = check_table(L, 1);
  lua_createtable(L, 0, 6);
  cs_lua_set_str(L, "file", cs_table_file(t));
  lua_createtable(L, (int)cs_table_ncolumns(t), 0);
  for (size_t c = 0; c < cs_table_ncolumns(t); c++) {
    lua_pushstring(L, cs_table_column_name(t, c));
    lua_rawseti(L, -2, (lua_Integer)c + 1);
  }
  lua_setfield(L, -2, "columns");
  cs_lua_set_bool(L, "has_year", cs_table_has_year(t));
  cs_lua_set_bool(L, "by_name", cs_table_by_name(t));
  cs_lua_set_int(L, "rows", (lua_Integer)cs_table_nrows(t));
  lua_newtable(L);
  lua_Integer ny = 0;
  for (size_t r = 0; cs_table_has_year(t) && r < cs_table_nrows(t); r++) {
    int y = cs_table_row_year(t, r), seen = 0;
    for (size_t q = 0; q < r && !seen; q++) seen = cs_table_row_year(t, q) == y;
    if (seen) continue;
    lua_pushinteger(L, y);
    lua_rawseti(L, -2, ++ny);
  }
  lua_setfield(L, -2, "years");
  return 1;
}

/* table_column(t, name) -> true | nil, message: the column exists and every
** cell of it is a number >= 0 (the message names the file, line and value) */
static int l_table_column(lua_State *L) {
  const cs_table *t = check_table(L, 1);
  const char *name = cs_lua_check_text(L, 2);
  size_t column;
  cs_error err = {0, ""};
  if (cs_table_column(t, name, &column, &err)) return cs_lua_fail(L, &err);
  lua_pushboolean(L, 1);
  return 1;
}

/* table_values(t, column, which, year, { codes }) -> { value as a double,
** ... } | nil, message: each member's value in a budget year, as a key by
** the column reads it (Monte Carlo draws nothing of a table) */
static int l_table_values(lua_State *L) {
  const cs_table *t = check_table(L, 1);
  const char *name = cs_lua_check_text(L, 2);
  static const char *const whiches[] = {"none", "budget", "previous", NULL};
  cs_table_year which = (cs_table_year)luaL_checkoption(L, 3, "none", whiches);
  int year = (int)luaL_checkinteger(L, 4);
  luaL_checktype(L, 5, LUA_TTABLE);
  size_t n = (size_t)lua_rawlen(L, 5);
  const cs_registry *reg = cs_lua_registry(L);
  const char **codes = lua_newuserdatauv(L, (n ? n : 1) * sizeof *codes, 0);
  for (size_t i = 0; i < n; i++) {
    lua_rawgeti(L, 5, (lua_Integer)i + 1);
    codes[i] = lua_tostring(L, -1); /* kept alive by the list */
    lua_pop(L, 1);
    if (!codes[i]) return luaL_error(L, "table_values: code %d is not a text", (int)i + 1);
  }
  double *d = lua_newuserdatauv(L, (n ? n : 1) * sizeof *d, 0);
  size_t column;
  cs_error err = {0, ""};
  if (cs_table_column(t, name, &column, &err)) return cs_lua_fail(L, &err);
  cs_table_resolver res;
  cs_table_registry_resolver(&res, reg);
  cs_table_values *v = NULL;
  if (cs_table_lookup(t, column, which, year, &res, codes, NULL, n, &v, &err))
    return cs_lua_fail(L, &err);
  for (size_t i = 0; i < n; i++) d[i] = cs_q_to_double(&v->value[i]);
  cs_table_values_free(v); /* before anything that may raise */
  lua_createtable(L, (int)n, 0);
  for (size_t i = 0; i < n; i++) {
    lua_pushnumber(L, (lua_Number)d[i]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

/* party_id_check(id) -> true | nil, message (party.h, with the registry) */
static int l_party_id_check(lua_State *L) {
  const char *id = cs_lua_check_text(L, 1);
  cs_error err = {0, ""};
  if (cs_party_id_check(id, cs_lua_registry(L), &err)) return cs_lua_fail(L, &err);
  lua_pushboolean(L, 1);
  return 1;
}

/* ---- codes inside keys ---------------------------------------------------- */

/* A key's entries (codes valid on `from`, the cooperation's resolution
** date) followed through the registry's changes after it (SPEC 7.1): a
** municipality renumbered, or made of entries' municipalities only, gets an
** entry of its own, the value or the sum of the values (limits: a sum of
** two is an error, merge_error); the entries' own codes stay for the years
** before. A municipality that kept its code while taking in another
** entry's (5001 + 5030 in 2020) cannot hold both values under one code: an
** error when the run (to `last_year`) reaches it. codes/values grow to *n:
** they have room for *n plus one entry per change record, and so has extra,
** where the new codes are written. */
static int follow_entries(const cs_registry *reg, cs_date from, int last_year, const char **codes,
                          cs_q *values, size_t *n, char (*extra)[5], int merge_error,
                          const char *what, cs_error *err) {
  const cs_change *ch;
  size_t nch = cs_registry_changes(reg, &ch), nextra = 0;
  cs_date end = {last_year, 12, 31};
  /* the changes by day: [a, b) share a date */
  for (size_t a = 0, b; a < nch; a = b) {
    for (b = a + 1; b < nch && cs_date_cmp(ch[b].date, ch[a].date) == 0; b++) {
    }
    if (cs_date_cmp(ch[a].date, from) <= 0 || cs_date_cmp(ch[a].date, end) > 0) continue;
    for (size_t i = a; i < b; i++) {
      const char *x = ch[i].new_code;
      size_t k, j;
      for (k = 0; k < *n; k++)
        if (strcmp(codes[k], x) == 0) break;
      if (k < *n) { /* has an entry: if it kept its code, no other entry may go into it */
        const char *old = ch[i].old_code;
        int kept = 0;
        for (j = a; j < b; j++)
          if (strcmp(ch[j].old_code, x) == 0 && strcmp(ch[j].new_code, x) == 0) kept = 1;
        for (j = 0; kept && j < *n && strcmp(old, x) != 0; j++)
          if (strcmp(codes[j], old) == 0) {
            char d[11];
            return cs_error_set(err, CS_EINVAL,
                                "%s: %s and %s both have a value, and %s went into %s on %s, which "
                                "kept its code: one value per code cannot say both (set a key with "
                                "%s's value from %d with set_key)",
                                what, x, old, old, x, cs_date_format(ch[i].date, d), x,
                                ch[i].date.year);
          }
        continue;
      }
      /* every record into x that day comes whole from an entry: the sum */
      cs_q sum;
      cs_q_zero(&sum);
      int all = 1;
      size_t count = 0;
      const char *first = NULL, *second = NULL;
      for (j = a; j < b && all; j++) {
        if (strcmp(ch[j].new_code, x) != 0) continue;
        for (k = 0; k < *n; k++)
          if (strcmp(codes[k], ch[j].old_code) == 0) break;
        if (k == *n || cs_registry_change_kind(reg, &ch[j]) == CS_CHANGE_SPLIT) {
          all = 0;
        } else {
          if (count++ == 0) first = codes[k];
          else second = codes[k];
          if (cs_q_add(&sum, &sum, &values[k])) return cs_error_set(err, CS_EOVERFLOW, "overflow");
        }
      }
      if (!all) continue;
      if (merge_error && count > 1) {
        char d[11];
        return cs_error_set(err, CS_EINVAL,
                            "%s: %s and %s both have a limit and merged into %s on %s: limits are "
                            "not added up (give %s's limit in a key set from %d with set_key)",
                            what, first, second, x, cs_date_format(ch[i].date, d), x,
                            ch[i].date.year);
      }
      memcpy(extra[nextra], x, 5);
      codes[*n] = extra[nextra++];
      cs_q_copy(&values[(*n)++], &sum);
    }
  }
  return CS_OK;
}

/* [-0, +3, e] The list of { code, value } at field name of the table at
** idx, every code followed (follow_entries): the codes and values, kept in
** userdata left on the stack (3 of them) until the key is built. */
static int read_entries(lua_State *L, int idx, const char *name, cs_date resolved, int last_year,
                        int merge_error, const char ***codes_out, cs_q **values_out, size_t *nout,
                        cs_error *err) {
  const cs_registry *reg = cs_lua_registry(L); /* before the userdata: it may raise */
  const cs_change *changes;
  size_t nch = cs_registry_changes(reg, &changes);
  cs_lua_table_field(L, idx, name);
  int e = lua_gettop(L);
  size_t len = (size_t)lua_rawlen(L, e), room = len + nch + 1, n = 0;
  /* every entry, and room for one more per change record: the codes'
  ** strings stay in the entries, the new codes in extra */
  const char **codes = lua_newuserdatauv(L, room * sizeof *codes, 0);
  char(*extra)[5] = lua_newuserdatauv(L, (nch + 1) * sizeof *extra, 0);
  cs_q *values = lua_newuserdatauv(L, room * sizeof *values, 0);
  lua_rotate(L, e, -1); /* the entries' list on top, above the three */
  int rc = CS_OK, present;
  for (lua_Integer j = 1; (size_t)j <= len && !rc; j++) {
    if (lua_rawgeti(L, -1, j) != LUA_TTABLE || !(codes[n] = cs_lua_field_str(L, -1, "code"))) {
      rc = cs_error_set(err, CS_EINVAL, "key %s entry %d has no member", name, (int)j);
      break;
    }
    if (!(rc = cs_lua_field_q(L, lua_gettop(L), "value", &values[n], &present, err))) n++;
    lua_pop(L, 1);
  }
  lua_pop(L, 1); /* the list (its strings stay in the spec) */
  if (!rc && n) rc = follow_entries(reg, resolved, last_year, codes, values, &n, extra, merge_error,
                                    merge_error ? "key limits" : "key", err);
  *codes_out = codes;
  *values_out = values;
  *nout = n;
  return rc;
}

/* The bands of the component at c. */
static int add_bands(lua_State *L, int c, cs_key *key, cs_error *err) {
  cs_lua_table_field(L, c, "bands");
  int t = lua_gettop(L);
  size_t n = (size_t)lua_rawlen(L, t);
  cs_band *b = lua_newuserdatauv(L, (n ? n : 1) * sizeof *b, 0);
  int rc = CS_OK, present;
  for (size_t i = 0; i < n && !rc; i++) {
    memset(&b[i], 0, sizeof b[i]);
    lua_rawgeti(L, t, (lua_Integer)i + 1);
    int bt = lua_gettop(L);
    cs_q upto;
    if (!(rc = cs_lua_field_q(L, bt, "upto", &upto, &present, err)) && present) {
      b[i].has_upto = 1;
      if (!cs_q_is_integer(&upto) || cs_q_round_i64(&upto, &b[i].upto))
        rc = cs_error_set(err, CS_EINVAL, "band %zu: upto must be a whole number of inhabitants", i + 1);
    }
    if (!rc && !(rc = cs_lua_field_q(L, bt, "amount", &b[i].amount, &present, err)) && !present)
      cs_q_zero(&b[i].amount);
    if (!rc && !(rc = cs_lua_field_q(L, bt, "rate", &b[i].rate, &present, err))) b[i].has_rate = present;
    lua_settop(L, bt - 1);
  }
  if (!rc) rc = cs_key_add_bands(key, b, n, err);
  lua_settop(L, t - 1);
  return rc;
}

/* The limits at field "limits" of the key spec at idx. */
static int add_limits(lua_State *L, int idx, cs_key *key, cs_date resolved, int last_year,
                      cs_error *err) {
  if (lua_getfield(L, idx, "limits") != LUA_TTABLE) {
    lua_pop(L, 1);
    return CS_OK;
  }
  int l = lua_gettop(L);
  cs_q max, min;
  int has_max, has_min, rc;
  if ((rc = cs_lua_field_q(L, l, "max", &max, &has_max, err)) ||
      (rc = cs_lua_field_q(L, l, "min", &min, &has_min, err))) {
    lua_settop(L, l - 1);
    return rc;
  }
  const char **maxc, **minc;
  cs_q *maxv, *minv;
  size_t nmax, nmin;
  if (!(rc = read_entries(L, l, "max_for", resolved, last_year, 1, &maxc, &maxv, &nmax, err)) &&
      !(rc = read_entries(L, l, "min_for", resolved, last_year, 1, &minc, &minv, &nmin, err)))
    rc = cs_key_set_limits(key, has_max ? &max : NULL, has_min ? &min : NULL, maxc, maxv, nmax,
                           minc, minv, nmin, err);
  lua_settop(L, l - 1);
  return rc;
}

/* ---- keys ------------------------------------------------------------------ */

typedef struct keybox {
  cs_key *key;
} keybox;

static int keybox_gc(lua_State *L) {
  keybox *b = luaL_checkudata(L, 1, KEYBOX_MT);
  cs_key_free(b->key);
  b->key = NULL;
  return 0;
}

int cs_lua_build_key(lua_State *L, int idx, int anchor, cs_date resolved, int last_year,
                     cs_key **out, cs_error *err) {
  idx = lua_absindex(L, idx);
  int base = lua_gettop(L);
  /* the key in a box until it is handed over: a Lua error frees it */
  keybox *box = lua_newuserdatauv(L, sizeof *box, 0);
  box->key = NULL;
  luaL_setmetatable(L, KEYBOX_MT);
  cs_key *key = box->key = cs_key_new();
  if (!key) {
    lua_settop(L, base);
    return cs_error_set(err, CS_ENOMEM, "out of memory");
  }
  int rc = cs_key_set_notes(key, cs_lua_field_str(L, idx, "label"), cs_lua_field_str(L, idx, "source"),
                            cs_lua_field_str(L, idx, "assumption"));
  if (rc) rc = cs_error_set(err, rc, "out of memory");
  cs_lua_table_field(L, idx, "components");
  int comps = lua_gettop(L);
  for (lua_Integer i = 1; !rc && lua_rawgeti(L, comps, i) == LUA_TTABLE; i++) {
    int c = lua_gettop(L);
    const char *kind = cs_lua_field_str(L, c, "kind");
    cs_q amount;
    int present;
    if ((rc = cs_lua_field_q(L, c, "amount", &amount, &present, err))) break;
    if (!present) cs_q_zero(&amount);
    static const char *const kinds[] = {"base", "rate", "fixed", "equal", "population",
                                        "weights", "custom", "by", "bands", NULL};
    static const cs_component_kind kv[] = {CS_DIRECT_BASE, CS_DIRECT_RATE, CS_DIRECT_FIXED,
                                           CS_POOL_EQUAL, CS_POOL_POPULATION, CS_POOL_WEIGHTS,
                                           CS_POOL_CUSTOM, CS_POOL_BY, CS_DIRECT_BAND};
    int k = -1;
    for (int j = 0; kind && kinds[j]; j++)
      if (strcmp(kind, kinds[j]) == 0) k = j;
    if (k < 0) {
      rc = cs_error_set(err, CS_EINVAL, "unknown key component \"%s\"", kind ? kind : "?");
      break;
    }
    const char **codes = NULL;
    cs_q *values = NULL;
    size_t n = 0;
    if (kv[k] == CS_DIRECT_FIXED || kv[k] == CS_POOL_WEIGHTS) {
      if ((rc = read_entries(L, c, "entries", resolved, last_year, 0, &codes, &values, &n, err))) break;
    }
    switch (kv[k]) {
    case CS_DIRECT_BASE:
    case CS_DIRECT_RATE:
    case CS_DIRECT_FIXED: rc = cs_key_add_direct(key, kv[k], &amount, codes, values, n, err); break;
    case CS_DIRECT_BAND: rc = add_bands(L, c, key, err); break;
    case CS_POOL_BY: {
      lua_getfield(L, c, "table");
      tablebox *tb = luaL_testudata(L, -1, TABLE_MT);
      const char *column = cs_lua_field_str(L, c, "column"), *year = cs_lua_field_str(L, c, "year");
      if (!tb || !tb->t || !column) {
        rc = cs_error_set(err, CS_EINVAL, "a key by a table needs the table and a column");
        break;
      }
      cs_table_year which = !year                          ? CS_TABLE_YEAR_NONE
                            : strcmp(year, "budget") == 0  ? CS_TABLE_YEAR_BUDGET
                                                           : CS_TABLE_YEAR_PREVIOUS;
      rc = cs_key_add_by(key, &amount, tb->t, column, which, err);
      break;
    }
    default: {
      void *cb = NULL;
      if (kv[k] == CS_POOL_CUSTOM) {
        lua_getfield(L, c, "fn");
        cb = cs_lua_new_callback(L, -1, anchor);
        lua_pop(L, 1);
      }
      rc = cs_key_add_pool(key, kv[k], &amount, codes, values, n, cb ? cs_lua_custom_key : NULL, cb, err);
    }
    }
    lua_settop(L, c - 1);
  }
  lua_settop(L, comps - 1);
  if (!rc) rc = add_limits(L, idx, key, resolved, last_year, err);
  box->key = NULL; /* handed over, or freed here */
  if (rc) cs_key_free(key);
  else *out = key;
  lua_settop(L, base);
  return rc;
}

void cs_lua_keys_register(lua_State *L) {
  if (luaL_newmetatable(L, TABLE_MT)) {
    lua_pushcfunction(L, tablebox_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushboolean(L, 0); /* getmetatable gives a scenario nothing to change */
    lua_setfield(L, -2, "__metatable");
  }
  lua_pop(L, 1);
  if (luaL_newmetatable(L, KEYBOX_MT)) {
    lua_pushcfunction(L, keybox_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
  }
  lua_pop(L, 1);
  static const luaL_Reg funcs[] = {{"table", l_table},
                                   {"table_info", l_table_info},
                                   {"table_column", l_table_column},
                                   {"table_values", l_table_values},
                                   {"party_id_check", l_party_id_check},
                                   {NULL, NULL}};
  luaL_setfuncs(L, funcs, 0);
}
