/*
** lua_keys.c: keys built from the specs the scripts make of cs.keys.*
** (lua_internal.h, cs_lua_build_key), their codes followed through the
** registry's changes (SPEC 7.1).
*/
#include <lauxlib.h>
#include <stdlib.h>
#include <string.h>
#include "lua_internal.h"

static int follow_entries(const cs_registry *reg, cs_date from, int last_year, const char **codes,
                          cs_q *values, size_t *n, char (*extra)[5], cs_error *err) {
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
                                "key: %s and %s both have a value, and %s went into %s on %s, which "
                                "kept its code: one value per code cannot say both (set a key with "
                                "%s's value from %d with set_key)",
                                x, old, old, x, cs_date_format(ch[i].date, d), x, ch[i].date.year);
          }
        continue;
      }
      /* every record into x that day comes whole from an entry: the sum */
      cs_q sum;
      cs_q_zero(&sum);
      int all = 1;
      for (j = a; j < b && all; j++) {
        if (strcmp(ch[j].new_code, x) != 0) continue;
        for (k = 0; k < *n; k++)
          if (strcmp(codes[k], ch[j].old_code) == 0) break;
        if (k == *n || cs_registry_change_kind(reg, &ch[j]) == CS_CHANGE_SPLIT) all = 0;
        else if (cs_q_add(&sum, &sum, &values[k])) return cs_error_set(err, CS_EOVERFLOW, "overflow");
      }
      if (!all) continue;
      memcpy(extra[nextra], x, 5);
      codes[*n] = extra[nextra++];
      values[(*n)++] = sum;
    }
  }
  return CS_OK;
}

int cs_lua_build_key(lua_State *L, int idx, int anchor, cs_date resolved, int last_year,
                     cs_key **out, cs_error *err) {
  idx = lua_absindex(L, idx);
  cs_key *key = cs_key_new();
  if (!key) return cs_error_set(err, CS_ENOMEM, "out of memory");
  int rc = cs_key_set_notes(key, cs_lua_field_str(L, idx, "label"), cs_lua_field_str(L, idx, "source"),
                            cs_lua_field_str(L, idx, "assumption"));
  if (rc) goto done;
  cs_lua_table_field(L, idx, "components");
  int comps = lua_gettop(L);
  for (lua_Integer i = 1; lua_rawgeti(L, comps, i) == LUA_TTABLE; i++) {
    int c = lua_gettop(L);
    const char *kind = cs_lua_field_str(L, c, "kind");
    cs_q amount;
    int present;
    if ((rc = cs_lua_field_q(L, c, "amount", &amount, &present, err))) break;
    if (!present) cs_q_zero(&amount);
    static const char *const kinds[] = {"base", "rate", "fixed", "equal", "population",
                                        "weights", "custom", NULL};
    static const cs_component_kind kv[] = {CS_DIRECT_BASE, CS_DIRECT_RATE, CS_DIRECT_FIXED,
                                           CS_POOL_EQUAL, CS_POOL_POPULATION, CS_POOL_WEIGHTS,
                                           CS_POOL_CUSTOM};
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
      const cs_registry *reg = cs_lua_registry(L); /* before anything is allocated: it may raise */
      const cs_change *changes;
      size_t nch = cs_registry_changes(reg, &changes);
      cs_lua_table_field(L, c, "entries");
      int e = lua_gettop(L);
      size_t len = (size_t)lua_rawlen(L, e), room = len + nch + 1;
      /* every entry, and room for one more per change record (follow_entries):
      ** the codes' strings stay in the entries, the new codes in extra, both
      ** kept on the stack until the key is built */
      codes = lua_newuserdatauv(L, room * sizeof *codes, 0);
      char(*extra)[5] = lua_newuserdatauv(L, (nch + 1) * sizeof *extra, 0);
      values = calloc(room, sizeof *values);
      if (!values) {
        rc = cs_error_set(err, CS_ENOMEM, "out of memory");
        break;
      }
      for (lua_Integer j = 1; (size_t)j <= len; j++) {
        if (lua_rawgeti(L, e, j) != LUA_TTABLE || !(codes[n] = cs_lua_field_str(L, -1, "code"))) {
          rc = cs_error_set(err, CS_EINVAL, "key entry %d has no member", (int)j);
          break;
        }
        if ((rc = cs_lua_field_q(L, lua_gettop(L), "value", &values[n], &present, err))) break;
        n++;
        lua_pop(L, 1);
      }
      if (!rc && n) rc = follow_entries(reg, resolved, last_year, codes, values, &n, extra, err);
      if (rc) {
        free(values);
        break;
      }
    }
    if (kv[k] <= CS_DIRECT_FIXED) {
      rc = cs_key_add_direct(key, kv[k], &amount, codes, values, n, err);
    } else {
      void *cb = NULL;
      if (kv[k] == CS_POOL_CUSTOM) {
        lua_getfield(L, c, "fn");
        cb = cs_lua_new_callback(L, -1, anchor);
        lua_pop(L, 1);
      }
      rc = cs_key_add_pool(key, kv[k], &amount, codes, values, n, cb ? cs_lua_custom_key : NULL, cb, err);
    }
    free(values);
    lua_settop(L, c - 1);
    if (rc) break;
  }
  lua_settop(L, comps - 1);
done:
  if (rc) {
    cs_key_free(key);
    return rc;
  }
  *out = key;
  return CS_OK;
}


void cs_lua_keys_register(lua_State *L) { (void)L; }
