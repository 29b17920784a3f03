/*
** lua_compare.c: the alignment behind cs.compare, in C (scripts/report.lua,
** R.compare). Runs are lined up by (cooperation, year, code): each line has
** every run's share, and for a run without one a status, "withdrawn" when
** the member was there in an earlier year of that run, else "not a member".
** With by = "territory" a row counts under the municipality that holds its
** territory today, and the codes merged into it are listed per run; a
** member that was split counts with all its successors as one group,
** "1508 + 1580" (SPEC 7.1), and so do their own rows. Codes are
** municipality codes or party ids (up to 16 characters), each known by a
** number of its own here.
**
** The rows are read from the results directly: a Lua table per row would
** cost more than the runs themselves.
*/
#define _GNU_SOURCE /* qsort_r */
#include <lauxlib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "coopsim/hash.h"
#include "lua_internal.h"

#define ALIGN_MT "coopsim.alignment"

/* A line of the comparison. */
typedef struct line {
  uint32_t coop; /* index into the cooperations' names */
  int year;
  uint32_t code; /* index into the codes */
  const char *name; /* the first row's name (or today's, by territory) */
} line;

/* Open addressing from a packed key to an index + 1 (0: empty). */
typedef struct table {
  size_t cap, n; /* cap a power of two */
  uint64_t *key;
  uint32_t *val;
} table;

/* Everything the alignment allocates, freed by __gc (a Lua error can come
** between any two allocations). */
typedef struct alignment {
  size_t nruns;
  size_t ncoops, coops_cap;
  const char **coops;
  size_t nlines, lines_cap;
  line *lines;
  int64_t *shares;   /* nlines * nruns */
  unsigned char *has; /* nlines * nruns: 1 if the run has a share */
  /* the money cycle (SPEC 7.3), when a run has it: what each run invoices
  ** (share + settlement; a member gone has a settlement and no share) */
  int money;
  int64_t *invoices;  /* nlines * nruns */
  unsigned char *has_invoice;
  char **parts;      /* nlines * nruns (by territory only): "1 + 2" codes merged in */
  table at;          /* (coop, year, code) -> line */
  table first;       /* (run, coop, code) -> the first year the run has it */
  /* the codes: each text once, known by its index (a code's hash -> index + 1) */
  table codes;
  char **code;
  size_t ncodes, code_cap;
  /* by territory: per code, the group of today's codes it counts under
  ** (union-find over code indexes); whether it is a code of today and its
  ** name; per group (at its root) the group's code and name */
  uint32_t *parent;
  unsigned char *tmark;
  char **tname;
  uint32_t *gcode;
  char **gname;
  size_t tcap;
  size_t *order;
} alignment;

static void table_free(table *t) {
  free(t->key);
  free(t->val);
  memset(t, 0, sizeof *t);
}

static int alignment_gc(lua_State *L) {
  alignment *a = luaL_checkudata(L, 1, ALIGN_MT);
  if (a->parts)
    for (size_t i = 0; i < a->nlines * a->nruns; i++) free(a->parts[i]);
  free(a->parts);
  free(a->coops);
  free(a->lines);
  free(a->shares);
  free(a->invoices);
  free(a->has_invoice);
  free(a->has);
  table_free(&a->at);
  table_free(&a->first);
  table_free(&a->codes);
  for (size_t i = 0; i < a->ncodes; i++) free(a->code[i]);
  free(a->code);
  for (size_t i = 0; i < a->tcap; i++) {
    if (a->tname) free(a->tname[i]);
    if (a->gname) free(a->gname[i]);
  }
  free(a->parent);
  free(a->tmark);
  free(a->tname);
  free(a->gcode);
  free(a->gname);
  free(a->order);
  memset(a, 0, sizeof *a);
  return 0;
}

static size_t slot_of(uint64_t key, size_t cap) {
  key ^= key >> 33;
  key *= 0xff51afd7ed558ccdu;
  key ^= key >> 33;
  return (size_t)key & (cap - 1);
}

/* The value stored for key, or 0. */
static uint32_t table_get(const table *t, uint64_t key) {
  if (!t->cap) return 0;
  for (size_t j = slot_of(key, t->cap); t->val[j]; j = (j + 1) & (t->cap - 1))
    if (t->key[j] == key) return t->val[j];
  return 0;
}

/* Stores key -> val (val > 0; the key is new). 0, or -1 when out of memory. */
static int table_put(table *t, uint64_t key, uint32_t val) {
  if (2 * (t->n + 1) > t->cap) {
    table g = {t->cap ? 2 * t->cap : 1024, 0, NULL, NULL};
    g.key = malloc(g.cap * sizeof *g.key);
    g.val = calloc(g.cap, sizeof *g.val);
    if (!g.key || !g.val) {
      table_free(&g);
      return -1;
    }
    for (size_t i = 0; i < t->cap; i++)
      if (t->val[i]) {
        size_t j = slot_of(t->key[i], g.cap);
        while (g.val[j]) j = (j + 1) & (g.cap - 1);
        g.key[j] = t->key[i];
        g.val[j] = t->val[i];
      }
    g.n = t->n;
    table_free(t);
    *t = g;
  }
  size_t j = slot_of(key, t->cap);
  while (t->val[j]) j = (j + 1) & (t->cap - 1);
  t->key[j] = key;
  t->val[j] = val;
  t->n++;
  return 0;
}

static void *grow(void *p, size_t *cap, size_t need, size_t size) {
  if (need <= *cap) return p;
  size_t c = *cap ? *cap : 64;
  while (c < need) c *= 2;
  void *q = realloc(p, c * size);
  if (q) *cap = c;
  return q;
}

#define NOMEM(L) luaL_error(L, "cs.compare: not enough memory")

/* The index of code's text among the alignment's codes, made when new: the
** table maps a hash to an index + 1; codes with the same hash are told
** apart by their text (the probe goes on past a slot whose text differs). */
static uint32_t code_index(lua_State *L, alignment *a, const char *text) {
  uint64_t h = cs_hash_str(text);
  if (a->codes.cap)
    for (size_t j = slot_of(h, a->codes.cap); a->codes.val[j]; j = (j + 1) & (a->codes.cap - 1))
      if (a->codes.key[j] == h && strcmp(a->code[a->codes.val[j] - 1], text) == 0)
        return a->codes.val[j] - 1;
  if (a->ncodes >= UINT32_MAX - 1) luaL_error(L, "cs.compare: too many codes");
  char **c = grow(a->code, &a->code_cap, a->ncodes + 1, sizeof *c);
  if (!c) NOMEM(L);
  a->code = c;
  size_t n = strlen(text) + 1;
  if (!(a->code[a->ncodes] = malloc(n))) NOMEM(L);
  memcpy(a->code[a->ncodes], text, n);
  a->ncodes++;
  /* table_put stores the key as new: a hash already there is probed past */
  if (table_put(&a->codes, h, (uint32_t)a->ncodes)) NOMEM(L);
  return (uint32_t)(a->ncodes - 1);
}

/* The cooperation's index among the names seen so far. */
static uint32_t coop_index(lua_State *L, alignment *a, const char *name) {
  for (size_t i = 0; i < a->ncoops; i++)
    if (strcmp(a->coops[i], name) == 0) return (uint32_t)i;
  if (a->ncoops >= 0xffff) luaL_error(L, "cs.compare: more than 65535 cooperations");
  const char **c = grow(a->coops, &a->coops_cap, a->ncoops + 1, sizeof *c);
  if (!c) NOMEM(L);
  a->coops = c;
  a->coops[a->ncoops] = name;
  return (uint32_t)a->ncoops++;
}

/* ---- by territory: groups of today's municipalities --------------------- */

/* Room for the groups of every code made so far. */
static void groups_room(lua_State *L, alignment *a) {
  if (a->ncodes <= a->tcap) return;
  size_t cap = a->tcap ? a->tcap : 64;
  while (cap < a->ncodes) cap *= 2;
  uint32_t *p = realloc(a->parent, cap * sizeof *p);
  if (p) a->parent = p;
  uint32_t *g = realloc(a->gcode, cap * sizeof *g);
  if (g) a->gcode = g;
  char **t = realloc(a->tname, cap * sizeof *t);
  if (t) a->tname = t;
  char **n = realloc(a->gname, cap * sizeof *n);
  if (n) a->gname = n;
  unsigned char *m = realloc(a->tmark, cap);
  if (m) a->tmark = m;
  if (!p || !g || !t || !n || !m) NOMEM(L);
  for (size_t i = a->tcap; i < cap; i++) {
    a->parent[i] = (uint32_t)i;
    a->gcode[i] = (uint32_t)i;
    a->tname[i] = a->gname[i] = NULL;
    a->tmark[i] = 0;
  }
  a->tcap = cap;
}

static uint32_t find_root(alignment *a, uint32_t x) {
  while (a->parent[x] != x) x = a->parent[x] = a->parent[a->parent[x]];
  return x;
}

static void unite(alignment *a, uint32_t x, uint32_t y) {
  x = find_root(a, x), y = find_root(a, y);
  if (x != y) a->parent[x < y ? y : x] = x < y ? x : y;
}

/* A copy of s, raised when out of memory. */
static char *dup_text(lua_State *L, const char *s) {
  char *d = malloc(strlen(s) + 1);
  if (!d) NOMEM(L);
  strcpy(d, s);
  return d;
}

/* Today's municipalities holding code ci's territory (the one it became,
** or every part when it was split; a party or a hypothetical merger is
** itself), each marked as today's with its name and united with ci. */
static void territory_of(lua_State *L, alignment *a, const cs_registry *reg, uint32_t ci,
                         const char *row_name) {
  const char *code = a->code[ci];
  cs_date today = {9999, 12, 30};
  char one[5], parts[16][5];
  const char *tname = NULL;
  size_t n = 0;
  if (cs_registry_territory(reg, code, one, &tname) == CS_OK) {
    memcpy(parts[n++], one, 5);
  } else {
    const cs_municipality *p;
    size_t np = cs_registry_periods(reg, code, &p);
    if (!np || cs_registry_successors(reg, code, p[np - 1].valid_from, today, parts, 16, &n, NULL,
                                      NULL, NULL) != CS_OK)
      n = 0;
  }
  groups_room(L, a);
  if (n == 0) {
    if (!a->tmark[ci]) {
      a->tname[ci] = dup_text(L, row_name);
      a->tmark[ci] = 1;
    }
    return;
  }
  for (size_t k = 0; k < n; k++) {
    uint32_t ti = code_index(L, a, parts[k]);
    groups_room(L, a);
    if (!a->tmark[ti]) {
      const cs_municipality *m;
      const char *nm = n == 1 && tname ? tname
                       : cs_registry_by_code(reg, parts[k], today, &m, NULL) == CS_OK ? m->name
                                                                                       : parts[k];
      a->tname[ti] = dup_text(L, nm);
      a->tmark[ti] = 1;
    }
    unite(a, ci, ti);
  }
}

static int by_code_text(const void *pa, const void *pb, void *ctx) {
  char **code = ctx;
  return strcmp(code[*(const uint32_t *)pa], code[*(const uint32_t *)pb]);
}

/* Each group's code and name at its root (gcode, gname): its one today's
** code and name, or of several (a member that was split), "1508 + 1580"
** and "Ålesund + Haram", today's codes in order. */
static void name_groups(lua_State *L, alignment *a) {
  size_t n = a->ncodes;
  groups_room(L, a);
  uint32_t *today = lua_newuserdatauv(L, (n ? n : 1) * sizeof *today, 0); /* popped at the end */
  for (size_t r = 0; r < n; r++) {
    if (find_root(a, (uint32_t)r) != r) continue;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
      if (a->tmark[i] && find_root(a, (uint32_t)i) == r) today[k++] = (uint32_t)i;
    if (k == 0) continue;
    if (k == 1) {
      a->gcode[r] = today[0];
      a->gname[r] = dup_text(L, a->tname[today[0]]);
      continue;
    }
    qsort_r(today, k, sizeof *today, by_code_text, a->code);
    size_t len = 1, nlen = 1;
    for (size_t q = 0; q < k; q++) {
      len += strlen(a->code[today[q]]) + 3;
      nlen += strlen(a->tname[today[q]]) + 3;
    }
    char *code = malloc(len), *name = malloc(nlen);
    if (!code || !name) {
      free(code), free(name);
      NOMEM(L);
    }
    code[0] = name[0] = '\0';
    for (size_t q = 0; q < k; q++) {
      if (q) strcat(code, " + "), strcat(name, " + ");
      strcat(code, a->code[today[q]]);
      strcat(name, a->tname[today[q]]);
    }
    a->gname[r] = name;
    /* the group's code among the codes (a new code: the arrays grow, the
    ** roots stay as they are) */
    uint32_t gi;
    {
      /* code_index may raise: keep code in a box that frees it */
      char **box = cs_lua_textbox(L);
      *box = code;
      gi = code_index(L, a, code);
      lua_pop(L, 1); /* the box frees code when collected */
    }
    groups_room(L, a);
    a->gcode[r] = gi;
  }
  lua_pop(L, 1); /* today */
}

/* The line of (coop, year, code), made when new. */
static size_t line_of(lua_State *L, alignment *a, uint32_t coop, int year, uint32_t code,
                      const char *name) {
  uint64_t key = (uint64_t)coop << 48 ^ (uint64_t)(uint16_t)year << 32 ^ code;
  uint32_t k = table_get(&a->at, key);
  if (k) return k - 1;
  size_t i = a->nlines, cap = a->lines_cap;
  line *l = grow(a->lines, &a->lines_cap, i + 1, sizeof *l);
  if (!l) NOMEM(L);
  a->lines = l;
  if (a->lines_cap != cap) {
    /* the per-run arrays follow the lines' capacity */
    size_t n = a->lines_cap * a->nruns;
    int64_t *s = realloc(a->shares, n * sizeof *s);
    if (s) a->shares = s;
    unsigned char *h = realloc(a->has, n);
    if (h) a->has = h;
    char **p = a->parts ? realloc(a->parts, n * sizeof *p) : NULL;
    if (p) a->parts = p;
    int64_t *v = realloc(a->invoices, n * sizeof *v);
    if (v) a->invoices = v;
    unsigned char *hv = realloc(a->has_invoice, n);
    if (hv) a->has_invoice = hv;
    if (!s || !h || (a->parts && !p) || !v || !hv) NOMEM(L);
  }
  memset(&a->shares[i * a->nruns], 0, a->nruns * sizeof *a->shares);
  memset(&a->has[i * a->nruns], 0, a->nruns);
  memset(&a->invoices[i * a->nruns], 0, a->nruns * sizeof *a->invoices);
  memset(&a->has_invoice[i * a->nruns], 0, a->nruns);
  if (a->parts) memset(&a->parts[i * a->nruns], 0, a->nruns * sizeof *a->parts);
  l[i].coop = coop;
  l[i].year = year;
  l[i].code = code;
  l[i].name = name;
  if (table_put(&a->at, key, (uint32_t)(i + 1))) NOMEM(L);
  a->nlines++;
  return i;
}

/* part text += (" + ") code */
static void add_part(lua_State *L, char **p, const char *code) {
  size_t old = *p ? strlen(*p) : 0, n = strlen(code);
  char *s = realloc(*p, old + n + 4);
  if (!s) NOMEM(L);
  if (old) memcpy(s + old, " + ", 3), old += 3;
  memcpy(s + old, code, n + 1);
  *p = s;
}

static int by_coop_year_code(const void *pa, const void *pb, void *ctx) {
  const alignment *a = ((const void **)ctx)[0];
  const size_t *rank = ((const void **)ctx)[1];
  const line *x = &a->lines[*(const size_t *)pa], *y = &a->lines[*(const size_t *)pb];
  if (x->coop != y->coop) return rank[x->coop] < rank[y->coop] ? -1 : 1;
  if (x->year != y->year) return x->year < y->year ? -1 : 1;
  return strcmp(a->code[x->code], a->code[y->code]);
}

/* compare(runs, by_territory) -> the alignment, whose lines() are { {
** cooperation, year, code, name, shares = { [run] = kroner }, parts =
** { [run] = "codes" }, status = { [run] = "withdrawn" | "not a member" },
** invoices = { [run] = kroner } }, ... } by cooperation, year, code (parts
** and status only when not empty; invoices only when a run has the money
** cycle, SPEC 7.3: share + settlement, also of a member gone);
** totals() and changes() summarise it without a table per line. */
static int l_compare(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  int by_territory = lua_toboolean(L, 2);
  lua_settop(L, 2);
  alignment *a = lua_newuserdatauv(L, sizeof *a, 1); /* 3 */
  memset(a, 0, sizeof *a);
  luaL_setmetatable(L, ALIGN_MT);
  /* 4: every result the lines point into (their names, the cooperations'
  ** names), kept alive by the alignment whatever becomes of the runs */
  lua_newtable(L);
  lua_pushvalue(L, 4);
  lua_setiuservalue(L, 3, 1);
  lua_Integer kept = 0;
  const cs_registry *reg = by_territory ? cs_lua_registry(L) : NULL;
  a->nruns = (size_t)lua_rawlen(L, 1);
  if (a->nruns == 0 || a->nruns > 0xffff) return luaL_error(L, "cs.compare: 1 to 65535 runs");
  if (by_territory) {
    a->parts = malloc(sizeof *a->parts); /* made real by line_of's first growth */
    if (!a->parts) NOMEM(L);
  }
  /* by territory: first the groups, from every row's code */
  for (size_t ri = 0; by_territory && ri < a->nruns; ri++) {
    lua_rawgeti(L, 1, (lua_Integer)ri + 1);
    cs_lua_push_run_results(L, -1);
    size_t nres = (size_t)lua_rawlen(L, -1);
    for (size_t k = 1; k <= nres; k++) {
      lua_rawgeti(L, -1, (lua_Integer)k);
      const cs_result *r = cs_lua_check_result(L, -1);
      lua_pop(L, 1);
      for (size_t i = 0; i < r->nrows; i++) {
        size_t before = a->ncodes;
        uint32_t ci = code_index(L, a, r->rows[i].code);
        if (ci >= before) territory_of(L, a, reg, ci, r->rows[i].name);
      }
    }
    lua_pop(L, 2);
  }
  if (by_territory) name_groups(L, a);
  for (size_t ri = 0; ri < a->nruns; ri++) {
    lua_rawgeti(L, 1, (lua_Integer)ri + 1);
    cs_lua_push_run_results(L, -1);
    size_t nres = (size_t)lua_rawlen(L, -1);
    for (size_t k = 1; k <= nres; k++) {
      lua_rawgeti(L, -1, (lua_Integer)k);
      const cs_result *r = cs_lua_check_result(L, -1);
      lua_rawseti(L, 4, ++kept); /* the alignment keeps it */
      uint32_t coop = coop_index(L, a, r->name);
      for (size_t i = 0; i < r->nrows; i++) {
        const cs_row *row = &r->rows[i];
        uint32_t ci = code_index(L, a, row->code), code = ci;
        const char *name = row->name;
        if (by_territory) {
          uint32_t root = find_root(a, ci);
          code = a->gcode[root];
          if (a->gname[root]) name = a->gname[root];
        }
        size_t li = line_of(L, a, coop, row->year, code, name);
        size_t at = li * a->nruns + ri;
        if (by_territory && code != ci) add_part(L, &a->parts[at], row->code);
        const cs_row_money *mo = cs_row_money_of(r, row);
        if (mo) {
          a->money = 1;
          if (__builtin_add_overflow(a->invoices[at], row->total + mo->settlement, &a->invoices[at]))
            return luaL_error(L, "cs.compare: invoices too large");
          a->has_invoice[at] = 1;
          if (mo->settlement_only) continue; /* no share: not a member that year */
        }
        a->shares[at] += row->total;
        a->has[at] = 1;
        uint64_t fk = (uint64_t)ri << 48 ^ (uint64_t)coop << 32 ^ code;
        uint32_t first = table_get(&a->first, fk);
        if (!first) {
          if (table_put(&a->first, fk, (uint32_t)row->year)) NOMEM(L);
        } else if ((uint32_t)row->year < first) {
          /* rows come by year within a result; another result of the same
          ** cooperation may start earlier */
          for (size_t j = slot_of(fk, a->first.cap);; j = (j + 1) & (a->first.cap - 1))
            if (a->first.key[j] == fk) {
              a->first.val[j] = (uint32_t)row->year;
              break;
            }
        }
      }
    }
    lua_pop(L, 2);
  }
  /* the order: cooperation (by name), year, code; usually the lines come so already */
  size_t *rank = calloc(a->ncoops ? a->ncoops : 1, sizeof *rank);
  a->order = malloc((a->nlines ? a->nlines : 1) * sizeof *a->order);
  if (!rank || !a->order) {
    free(rank);
    NOMEM(L);
  }
  for (size_t i = 0; i < a->ncoops; i++)
    for (size_t j = 0; j < a->ncoops; j++)
      if (strcmp(a->coops[j], a->coops[i]) < 0) rank[i]++;
  for (size_t i = 0; i < a->nlines; i++) a->order[i] = i;
  const void *ctx[2] = {a, rank};
  int sorted = 1;
  for (size_t i = 1; i < a->nlines && sorted; i++)
    sorted = by_coop_year_code(&a->order[i - 1], &a->order[i], ctx) < 0;
  if (!sorted) qsort_r(a->order, a->nlines, sizeof *a->order, by_coop_year_code, ctx);
  free(rank);
  lua_pushvalue(L, 3);
  return 1;
}

/* [-1, +0, m] The line's cooperation (its name on top of the stack), year,
** code and name into the table below it. */
static void set_line_fields(lua_State *L, const alignment *a, const line *l) {
  lua_setfield(L, -2, "cooperation");
  lua_pushinteger(L, l->year);
  lua_setfield(L, -2, "year");
  lua_pushstring(L, a->code[l->code]);
  lua_setfield(L, -2, "code");
  lua_pushstring(L, l->name);
  lua_setfield(L, -2, "name");
}

static alignment *check_alignment(lua_State *L) {
  alignment *a = luaL_checkudata(L, 1, ALIGN_MT);
  if (!a->order) luaL_error(L, "comparison is closed");
  return a;
}

/* alignment:lines() -> the lines as Lua tables (see l_compare) */
static int a_lines(lua_State *L) {
  alignment *a = check_alignment(L);
  lua_settop(L, 1);
  lua_createtable(L, (int)a->ncoops, 0); /* 2: the cooperations' names as Lua strings */
  for (size_t i = 0; i < a->ncoops; i++) {
    lua_pushstring(L, a->coops[i]);
    lua_rawseti(L, 2, (lua_Integer)i + 1);
  }
  lua_pushliteral(L, "withdrawn");    /* 3 */
  lua_pushliteral(L, "not a member"); /* 4 */
  lua_createtable(L, a->nlines > INT32_MAX ? INT32_MAX : (int)a->nlines, 0); /* 5 */
  for (size_t k = 0; k < a->nlines; k++) {
    size_t li = a->order[k];
    const line *l = &a->lines[li];
    lua_createtable(L, 0, 5);
    lua_rawgeti(L, 2, (lua_Integer)l->coop + 1);
    set_line_fields(L, a, l);
    const int64_t *sh = &a->shares[li * a->nruns];
    const unsigned char *has = &a->has[li * a->nruns];
    lua_createtable(L, (int)a->nruns, 0);
    for (size_t ri = 0; ri < a->nruns; ri++)
      if (has[ri]) {
        lua_pushinteger(L, sh[ri]);
        lua_rawseti(L, -2, (lua_Integer)ri + 1);
      }
    lua_setfield(L, -2, "shares");
    if (a->money) {
      lua_createtable(L, (int)a->nruns, 0);
      for (size_t ri = 0; ri < a->nruns; ri++)
        if (a->has_invoice[li * a->nruns + ri]) {
          lua_pushinteger(L, a->invoices[li * a->nruns + ri]);
          lua_rawseti(L, -2, (lua_Integer)ri + 1);
        }
      lua_setfield(L, -2, "invoices");
    }
    /* parts and status only where there is something to say: most lines
    ** have every run's share and no merged codes (two tables less each) */
    int made = 0;
    for (size_t ri = 0; a->parts && ri < a->nruns; ri++)
      if (a->parts[li * a->nruns + ri]) {
        if (!made++) lua_newtable(L);
        lua_pushstring(L, a->parts[li * a->nruns + ri]);
        lua_rawseti(L, -2, (lua_Integer)ri + 1);
      }
    if (made) lua_setfield(L, -2, "parts");
    made = 0;
    for (size_t ri = 0; ri < a->nruns; ri++)
      if (!has[ri]) {
        uint64_t fk = (uint64_t)ri << 48 ^ (uint64_t)l->coop << 32 ^ l->code;
        uint32_t first = table_get(&a->first, fk);
        if (!made++) lua_newtable(L);
        lua_pushvalue(L, first && (int)first < l->year ? 3 : 4);
        lua_rawseti(L, -2, (lua_Integer)ri + 1);
      }
    if (made) lua_setfield(L, -2, "status");
    lua_rawseti(L, 5, (lua_Integer)k + 1);
  }
  return 1;
}

/* alignment:totals() -> { [run] = { [year] = kroner } }: every member's
** share summed, all cooperations together */
static int a_totals(lua_State *L) {
  alignment *a = check_alignment(L);
  lua_settop(L, 1);
  int lo = 0, hi = -1;
  for (size_t i = 0; i < a->nlines; i++) {
    if (hi < lo || a->lines[i].year < lo) lo = a->lines[i].year;
    if (a->lines[i].year > hi) hi = a->lines[i].year;
  }
  size_t nyears = hi >= lo ? (size_t)(hi - lo + 1) : 0;
  int64_t *sum = calloc(nyears * a->nruns + 1, sizeof *sum);
  unsigned char *any = calloc(nyears * a->nruns + 1, 1);
  if (!sum || !any) {
    free(sum), free(any);
    return luaL_error(L, "cs.compare: not enough memory");
  }
  int over = 0;
  for (size_t i = 0; i < a->nlines; i++)
    for (size_t ri = 0; ri < a->nruns; ri++)
      if (a->has[i * a->nruns + ri]) {
        size_t at = ri * nyears + (size_t)(a->lines[i].year - lo);
        over |= __builtin_add_overflow(sum[at], a->shares[i * a->nruns + ri], &sum[at]);
        any[at] = 1;
      }
  if (over) {
    free(sum), free(any);
    return luaL_error(L, "cs.compare: totals too large");
  }
  lua_createtable(L, (int)a->nruns, 0);
  for (size_t ri = 0; ri < a->nruns; ri++) {
    lua_createtable(L, 0, (int)nyears);
    for (size_t y = 0; y < nyears; y++)
      if (any[ri * nyears + y]) {
        lua_pushinteger(L, sum[ri * nyears + y]);
        lua_rawseti(L, -2, lo + (lua_Integer)y);
      }
    lua_rawseti(L, -2, (lua_Integer)ri + 1);
  }
  free(sum), free(any);
  return 1;
}

/* { cooperation, year, code, name, diff } of line li, run ri */
static void push_change(lua_State *L, const alignment *a, size_t li, int64_t diff) {
  const line *l = &a->lines[li];
  lua_createtable(L, 0, 5);
  lua_pushstring(L, a->coops[l->coop]);
  set_line_fields(L, a, l);
  lua_pushinteger(L, diff);
  lua_setfield(L, -2, "diff");
}

/* alignment:changes() -> { [run] = { rise = change, fall = change } } for
** every run after the first: of the lines with a share in both, the largest
** rise and the largest fall against the first run (the first such line in
** the comparison's order when several are equal) */
static int a_changes(lua_State *L) {
  alignment *a = check_alignment(L);
  lua_settop(L, 1);
  lua_createtable(L, (int)a->nruns, 0);
  for (size_t ri = 1; ri < a->nruns; ri++) {
    size_t rise = SIZE_MAX, fall = SIZE_MAX;
    int64_t up = 0, down = 0;
    for (size_t k = 0; k < a->nlines; k++) {
      size_t li = a->order[k];
      const unsigned char *has = &a->has[li * a->nruns];
      if (!has[0] || !has[ri]) continue;
      int64_t d;
      if (__builtin_sub_overflow(a->shares[li * a->nruns + ri], a->shares[li * a->nruns], &d))
        continue;
      if (rise == SIZE_MAX || d > up) rise = li, up = d;
      if (fall == SIZE_MAX || d < down) fall = li, down = d;
    }
    if (rise == SIZE_MAX) continue;
    lua_createtable(L, 0, 2);
    push_change(L, a, rise, up);
    lua_setfield(L, -2, "rise");
    push_change(L, a, fall, down);
    lua_setfield(L, -2, "fall");
    lua_rawseti(L, -2, (lua_Integer)ri + 1);
  }
  return 1;
}

void cs_lua_compare_register(lua_State *L) {
  if (luaL_newmetatable(L, ALIGN_MT)) {
    lua_pushcfunction(L, alignment_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushboolean(L, 0); /* getmetatable gives a scenario nothing to change */
    lua_setfield(L, -2, "__metatable");
    static const luaL_Reg methods[] = {
        {"lines", a_lines}, {"totals", a_totals}, {"changes", a_changes}, {NULL, NULL}};
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
  }
  lua_pop(L, 1);
  lua_pushcfunction(L, l_compare);
  lua_setfield(L, -2, "compare");
}
