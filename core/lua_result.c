/*
** lua_result.c: a cooperation's result (simulate.h) as the scripts read it:
** rows and years as Lua tables, a column of every row, explanations, the
** rows of the result document written in C, and the linter's questions.
*/
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "coopsim/explain.h"
#include "coopsim/report.h"
#include "lua_internal.h"

#define RESULT_MT "coopsim.result"

typedef struct resultbox {
  cs_result *r;
} resultbox;

static int result_gc(lua_State *L) {
  resultbox *b = luaL_checkudata(L, 1, RESULT_MT);
  cs_result_free(b->r);
  b->r = NULL;
  return 0;
}

const cs_result *cs_lua_check_result(lua_State *L, int idx) {
  resultbox *b = luaL_checkudata(L, idx, RESULT_MT);
  if (!b->r) luaL_error(L, "result is closed");
  return b->r;
}

cs_result **cs_lua_new_result(lua_State *L) {
  resultbox *b = lua_newuserdatauv(L, sizeof *b, 0);
  b->r = NULL;
  luaL_setmetatable(L, RESULT_MT);
  return &b->r;
}


/* [-0, +0 or +2, m] Counts r's rows against the sandbox's result limit,
** kept in the Lua registry where a scenario cannot reach it (lua_sandbox.c
** sets coopsim.sandbox.max_rows): every run holds its rows, made or reused.
** 0, or 1 with nil and the message pushed when the limit is passed. */
static void push_explain(lua_State *L, const cs_result *r, const cs_row *row, size_t p) {
  char **box = cs_lua_textbox(L);
  *box = cs_explain_part_text(r, row, p, CS_LANG_EN);
  cs_lua_push_boxed(L, box);
}

static void push_money(lua_State *L, const cs_result *r, const cs_row *row);

static void push_row(lua_State *L, const cs_result *r, const cs_row *row) {
  char d[11];
  lua_createtable(L, 0, 20);
  cs_lua_set_str(L, "cooperation", r->name);
  cs_lua_set_int(L, "year", row->year);
  cs_lua_set_str(L, "code", row->code);
  cs_lua_set_str(L, "name", row->name);
  cs_lua_set_str(L, "given", row->given);
  if (row->merged[0]) {
    cs_lua_set_str(L, "merged", row->merged);
  }
  cs_lua_set_int(L, "population", row->population);
  snprintf(d, sizeof d, "%04d-01-01", row->pop_year);
  cs_lua_set_str(L, "population_date", d);
  static const char *const srcs[] = {"ssb", "predecessors", "proxy", "override"};
  cs_lua_set_str(L, "population_source", srcs[row->pop_source]);
  cs_lua_set_int(L, "months", row->months);
  cs_lua_set_int(L, "charged_months", row->charged_months);
  lua_createtable(L, 0, (int)row->nparts);
  lua_createtable(L, (int)row->nparts, 0);
  const cs_part *parts = cs_row_parts(r, row);
  for (size_t i = 0; i < row->nparts; i++) {
    const char *name = cs_part_name(r, row, i);
    lua_pushinteger(L, parts[i].rounded);
    lua_setfield(L, -3, name);
    lua_createtable(L, 0, 4);
    cs_lua_set_str(L, "name", name);
    cs_lua_set_int(L, "rounded", parts[i].rounded);
    cs_lua_push_cents(L, parts[i].cents);
    lua_setfield(L, -2, "exact");
    push_explain(L, r, row, i);
    lua_setfield(L, -2, "explain");
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  lua_setfield(L, -2, "part_list");
  lua_setfield(L, -2, "parts");
  if (r->nservices) {
    /* services = { [name] = kroner }: the services the member is in */
    size_t nrs;
    const cs_row_service *rs = cs_row_services(r, row, &nrs);
    lua_createtable(L, 0, (int)nrs);
    for (size_t k = 0; k < nrs; k++) {
      lua_pushinteger(L, rs[k].total);
      lua_setfield(L, -2, r->services[rs[k].service]);
    }
    lua_setfield(L, -2, "services");
  }
  if (row->is_party) cs_lua_set_bool(L, "party", 1);
  cs_lua_push_cents(L, row->cents);
  lua_setfield(L, -2, "exact");
  cs_lua_set_int(L, "total", row->total);
  const cs_year *y = cs_result_year(r, row->year);
  if (y && y->has_due) {
    cs_lua_set_str(L, "due", cs_date_format(y->due, d));
  }
  push_money(L, r, row);
  if (row->payee[0]) {
    cs_lua_set_str(L, "payee", row->payee);
  }
  cs_lua_set_bool(L, "host", row->is_host);
}

/* [-0, +1, m] The row's instalments (SPEC 7.3): { { due, amount, lines =
** { { kind, service, instalment, settles, amount }, ... } }, ... }; {} for
** the host or a result without the money cycle. */
static void push_invoices(lua_State *L, const cs_result *r, const cs_row *row) {
  size_t n;
  const cs_invoice *inv = cs_row_invoices(r, row, &n);
  char d[16];
  lua_createtable(L, (int)n, 0);
  for (size_t i = 0; i < n; i++) {
    lua_createtable(L, 0, 3);
    cs_lua_set_str(L, "due", cs_date_format(inv[i].due, d));
    cs_lua_set_int(L, "amount", inv[i].amount);
    lua_createtable(L, (int)inv[i].nlines, 0);
    for (size_t k = 0; k < inv[i].nlines; k++) {
      const cs_invoice_line *l = &r->invoice_lines[inv[i].first_line + k];
      lua_createtable(L, 0, 5);
      cs_lua_set_str(L, "kind", l->kind == CS_INVOICE_SETTLEMENT ? "settlement" : "share");
      if (l->service) cs_lua_set_str(L, "service", l->service);
      if (l->instalment) cs_lua_set_int(L, "instalment", l->instalment);
      if (l->settles) cs_lua_set_int(L, "settles", l->settles);
      cs_lua_set_int(L, "amount", l->amount);
      lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    lua_setfield(L, -2, "lines");
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
}

/* The row's money cycle into the row table on top (SPEC 7.3), when the
** result has it: difference (a year with accounts), settlement, invoice
** (share + settlement), settlement_only, and due as the first instalment's.
** A settlement-only row has no population. */
static void push_money(lua_State *L, const cs_result *r, const cs_row *row) {
  const cs_row_money *m = cs_row_money_of(r, row);
  if (!m) return;
  char d[16];
  if (m->has_difference) cs_lua_set_int(L, "difference", m->difference);
  cs_lua_set_int(L, "settlement", m->settlement);
  cs_lua_set_int(L, "invoice", row->total + m->settlement);
  if (m->settlement_only) {
    cs_lua_set_bool(L, "settlement_only", 1);
    lua_pushnil(L);
    lua_setfield(L, -2, "population");
  }
  size_t n;
  const cs_invoice *inv = cs_row_invoices(r, row, &n);
  if (n && r->dated) cs_lua_set_str(L, "due", cs_date_format(inv[0].due, d));
}

/* result:invoices(code, year) -> the instalments of the member's row
** (push_invoices), or nil when it has no row that year. */
static int r_invoices(lua_State *L) {
  const cs_result *r = cs_lua_check_result(L, 1);
  const char *code = luaL_checkstring(L, 2);
  int year = (int)luaL_checkinteger(L, 3);
  const cs_row *row = cs_result_row(r, code, year);
  if (!row) return 0;
  push_invoices(L, r, row);
  return 1;
}

/* result:rows() -> array of row tables */
static int r_rows(lua_State *L) {
  const cs_result *r = cs_lua_check_result(L, 1);
  lua_createtable(L, (int)r->nrows, 0);
  for (size_t i = 0; i < r->nrows; i++) {
    push_row(L, r, &r->rows[i]);
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

/* result:column(field) -> { value of every row, in row order } for field
** "year", "code", "name", "total", "population" or "pop_year": what the
** comparison and the linter read, without a table per row. */
static int r_column(lua_State *L) {
  const cs_result *r = cs_lua_check_result(L, 1);
  static const char *const fields[] = {"year", "code", "name", "total", "population", "pop_year",
                                       NULL};
  int f = luaL_checkoption(L, 2, NULL, fields);
  lua_createtable(L, (int)r->nrows, 0);
  for (size_t i = 0; i < r->nrows; i++) {
    const cs_row *row = &r->rows[i];
    switch (f) {
    case 0: lua_pushinteger(L, row->year); break;
    case 1: lua_pushstring(L, row->code); break;
    case 2: lua_pushstring(L, row->name); break;
    case 3: lua_pushinteger(L, row->total); break;
    case 4: lua_pushinteger(L, row->population); break;
    default: lua_pushinteger(L, row->pop_year); break;
    }
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

/* result:unpopulated() -> { { code, name, pop_year }, ... }: the rows with
** 0 inhabitants, for the linter (usually none: no table per row). */
static int r_unpopulated(lua_State *L) {
  const cs_result *r = cs_lua_check_result(L, 1);
  lua_newtable(L);
  lua_Integer n = 0;
  for (size_t i = 0; i < r->nrows; i++) {
    const cs_row *row = &r->rows[i];
    if (row->population != 0) continue;
    lua_createtable(L, 0, 3);
    cs_lua_set_str(L, "code", row->code);
    cs_lua_set_str(L, "name", row->name);
    cs_lua_set_int(L, "pop_year", row->pop_year);
    lua_rawseti(L, -2, ++n);
  }
  return 1;
}

/* ---- the rows of the result document, written here ---------------------- */

/* A growing text buffer; on no memory it is marked and stays short. */
typedef struct jbuf {
  char *p;
  size_t len, cap;
  int oom;
} jbuf;

static void jb_put(jbuf *b, const char *s, size_t n) {
  if (b->oom) return;
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n + 1) cap *= 2;
    char *np = realloc(b->p, cap);
    if (!np) {
      b->oom = 1;
      return;
    }
    b->p = np;
    b->cap = cap;
  }
  memcpy(b->p + b->len, s, n);
  b->len += n;
}

static void jb_str(jbuf *b, const char *s) { jb_put(b, s, strlen(s)); }

static void jb_int(jbuf *b, long long v) {
  char t[32];
  int n = snprintf(t, sizeof t, "%lld", v);
  jb_put(b, t, (size_t)n);
}

/* A JSON string as report.lua's json_string writes it: control characters,
** '"' and '\' escaped, other bytes as they are. */
static void jb_json_string(jbuf *b, const char *s) {
  jb_put(b, "\"", 1);
  const char *run = s;
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c >= 32 && c != 127 && c != '"' && c != '\\') continue;
    jb_put(b, run, (size_t)(s - run));
    char e[8];
    switch (c) {
    case '"': jb_str(b, "\\\""); break;
    case '\\': jb_str(b, "\\\\"); break;
    case '\n': jb_str(b, "\\n"); break;
    case '\r': jb_str(b, "\\r"); break;
    case '\t': jb_str(b, "\\t"); break;
    default: snprintf(e, sizeof e, "\\u%04x", c); jb_str(b, e);
    }
    run = s + 1;
  }
  jb_put(b, run, (size_t)(s - run));
  jb_put(b, "\"", 1);
}

/* `,\n<indent>"key": ` (the first field without the comma) */
static void jb_key(jbuf *b, const char *indent, const char *key, int *first) {
  jb_str(b, *first ? "" : ",\n");
  *first = 0;
  jb_str(b, indent);
  jb_json_string(b, key);
  jb_str(b, ": ");
}

/* result:json_rows(indent) -> the rows as items of the document's "rows"
** array, each on `indent`, joined by ",\n": exactly what report.lua's json()
** writes for push_row's tables (keys sorted, two spaces a level), without a
** Lua table per row. */
static int r_json_rows(lua_State *L) {
  const cs_result *r = cs_lua_check_result(L, 1);
  size_t ilen;
  const char *indent = luaL_checklstring(L, 2, &ilen);
  if (ilen > 200) return luaL_error(L, "indent too deep");
  char in1[256], in2[256], in3[256];
  snprintf(in1, sizeof in1, "%s  ", indent);
  snprintf(in2, sizeof in2, "%s    ", indent);
  snprintf(in3, sizeof in3, "%s      ", indent);
  static const char *const srcs[] = {"ssb", "predecessors", "proxy", "override"};
  jbuf b = {NULL, 0, 0, 0};
  char t[256], d[11];
  for (size_t i = 0; i < r->nrows; i++) {
    const cs_row *row = &r->rows[i];
    const cs_year *y = cs_result_year(r, row->year);
    const cs_part *parts = cs_row_parts(r, row);
    int first = 1;
    if (i) jb_str(&b, ",\n");
    jb_str(&b, indent);
    jb_str(&b, "{\n");
    jb_key(&b, in1, "charged_months", &first), jb_int(&b, row->charged_months);
    jb_key(&b, in1, "code", &first), jb_json_string(&b, row->code);
    jb_key(&b, in1, "cooperation", &first), jb_json_string(&b, r->name);
    if (y && y->has_due) jb_key(&b, in1, "due", &first), jb_json_string(&b, cs_date_format(y->due, d));
    if (cs_q_format_cents(row->cents, NULL, ".", t, sizeof t) == CS_OK)
      jb_key(&b, in1, "exact", &first), jb_json_string(&b, t);
    jb_key(&b, in1, "given", &first), jb_json_string(&b, row->given);
    jb_key(&b, in1, "host", &first), jb_str(&b, row->is_host ? "true" : "false");
    if (row->merged[0]) jb_key(&b, in1, "merged", &first), jb_json_string(&b, row->merged);
    jb_key(&b, in1, "months", &first), jb_int(&b, row->months);
    jb_key(&b, in1, "name", &first), jb_json_string(&b, row->name);
    jb_key(&b, in1, "parts", &first);
    if (row->nparts == 0) {
      jb_str(&b, "[]");
    } else {
      jb_str(&b, "[\n");
      for (size_t p = 0; p < row->nparts; p++) {
        int pf = 1;
        if (p) jb_str(&b, ",\n");
        jb_str(&b, in2);
        jb_str(&b, "{\n");
        if (cs_q_format_cents(parts[p].cents, NULL, ".", t, sizeof t) == CS_OK)
          jb_key(&b, in3, "exact", &pf), jb_json_string(&b, t);
        char *ex = cs_explain_part_text(r, row, p, CS_LANG_EN);
        if (!ex) b.oom = 1;
        jb_key(&b, in3, "explain", &pf), jb_json_string(&b, ex ? ex : "");
        free(ex);
        jb_key(&b, in3, "name", &pf), jb_json_string(&b, cs_part_name(r, row, p));
        jb_key(&b, in3, "rounded", &pf), jb_int(&b, parts[p].rounded);
        jb_str(&b, "\n");
        jb_str(&b, in2);
        jb_str(&b, "}");
      }
      jb_str(&b, "\n");
      jb_str(&b, in1);
      jb_str(&b, "]");
    }
    if (row->payee[0]) jb_key(&b, in1, "payee", &first), jb_json_string(&b, row->payee);
    jb_key(&b, in1, "population", &first), jb_int(&b, row->population);
    snprintf(d, sizeof d, "%04d-01-01", row->pop_year);
    jb_key(&b, in1, "population_date", &first), jb_json_string(&b, d);
    jb_key(&b, in1, "population_source", &first), jb_json_string(&b, srcs[row->pop_source]);
    jb_key(&b, in1, "total", &first), jb_int(&b, row->total);
    jb_key(&b, in1, "year", &first), jb_int(&b, row->year);
    jb_str(&b, "\n");
    jb_str(&b, indent);
    jb_str(&b, "}");
  }
  if (b.oom) {
    free(b.p);
    return luaL_error(L, "not enough memory");
  }
  lua_pushlstring(L, b.p ? b.p : "", b.len);
  free(b.p);
  return 1;
}

/* result:same_shares(other) -> true if both have the same cooperation name
** and the same rows (year, code, whole kroner) in the same order; with the
** money cycle (SPEC 7.3) also the same invoices (share + settlement) and
** differences. */
static int r_same_shares(lua_State *L) {
  const cs_result *a = cs_lua_check_result(L, 1), *b = cs_lua_check_result(L, 2);
  int same = strcmp(a->name, b->name) == 0 && a->nrows == b->nrows && !a->money == !b->money;
  for (size_t i = 0; same && i < a->nrows; i++) {
    same = a->rows[i].year == b->rows[i].year && a->rows[i].total == b->rows[i].total &&
           strcmp(a->rows[i].code, b->rows[i].code) == 0;
    if (same && a->money) {
      const cs_row_money *x = &a->money[i], *y = &b->money[i];
      same = x->settlement == y->settlement && x->has_difference == y->has_difference &&
             x->difference == y->difference && x->settlement_only == y->settlement_only;
    }
  }
  lua_pushboolean(L, same);
  return 1;
}

static void push_amounts(lua_State *L, const cs_line_amount *a, size_t n) {
  lua_createtable(L, (int)n, 0);
  for (size_t i = 0; i < n; i++) {
    lua_createtable(L, 0, 2);
    cs_lua_set_str(L, "name", a[i].name);
    cs_lua_push_cents(L, a[i].cents);
    lua_setfield(L, -2, "amount");
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
}

/* result:years() -> array of per-year summaries (amounts as exact text) */
static int r_years(lua_State *L) {
  const cs_result *r = cs_lua_check_result(L, 1);
  lua_createtable(L, (int)r->nyears, 0);
  for (size_t i = 0; i < r->nyears; i++) {
    const cs_year *y = &r->years[i];
    lua_createtable(L, 0, 16);
    cs_lua_set_int(L, "year", y->year);
    cs_lua_push_cents(L, y->cost);
    lua_setfield(L, -2, "cost");
    cs_lua_push_cents(L, y->granted);
    lua_setfield(L, -2, "grants");
    cs_lua_push_cents(L, y->net);
    lua_setfield(L, -2, "net");
    cs_lua_set_int(L, "sum_shares", y->sum_shares);
    cs_lua_push_cents(L, y->balance);
    lua_setfield(L, -2, "balance");
    cs_lua_set_bool(L, "covers", y->covers);
    cs_lua_set_int(L, "agreement_months", y->agreement_months);
    cs_lua_set_bool(L, "past_end", y->past_end);
    cs_lua_set_int(L, "members", (lua_Integer)y->nmembers);
    cs_lua_set_str(L, "key", y->key);
    cs_lua_set_str(L, "key_nb", y->key_nb);
    if (y->label[0]) {
      cs_lua_set_str(L, "label", y->label);
    }
    if (y->source[0]) {
      cs_lua_set_str(L, "source", y->source);
    }
    if (y->assumption[0]) {
      cs_lua_set_str(L, "assumption", y->assumption);
    }
    push_amounts(L, y->lines, y->nlines);
    lua_setfield(L, -2, "lines");
    push_amounts(L, y->grants, y->ngrants);
    lua_setfield(L, -2, "grant_list");
    /* each key of the year (one per service): its sums, and how many
    ** members a cap or floor held */
    lua_createtable(L, (int)y->nkeys, 0);
    for (size_t k = 0; k < y->nkeys; k++) {
      const cs_year_key *yk = &y->keys[k];
      lua_createtable(L, 0, 10);
      cs_lua_set_str(L, "service", yk->service);
      cs_lua_set_str(L, "key", yk->key);
      cs_lua_set_str(L, "key_nb", yk->key_nb);
      cs_lua_set_int(L, "clamped", (lua_Integer)yk->nclamped);
      cs_lua_set_bool(L, "capped", yk->capped);
      cs_lua_set_int(L, "members", (lua_Integer)yk->nmembers);
      cs_lua_push_cents(L, yk->cost);
      lua_setfield(L, -2, "cost");
      cs_lua_push_cents(L, yk->granted);
      lua_setfield(L, -2, "grants");
      cs_lua_push_cents(L, yk->net);
      lua_setfield(L, -2, "net");
      cs_lua_push_cents(L, yk->shared);
      lua_setfield(L, -2, "shared");
      cs_lua_set_int(L, "sum_shares", yk->sum_shares);
      if (yk->has_accounts) {
        cs_lua_push_cents(L, yk->actual_cost);
        lua_setfield(L, -2, "actual_cost");
        cs_lua_push_cents(L, yk->actual_granted);
        lua_setfield(L, -2, "actual_grants");
        cs_lua_push_cents(L, yk->actual_net);
        lua_setfield(L, -2, "actual_net");
        cs_lua_set_int(L, "actual_sum_shares", yk->actual_sum);
      }
      lua_rawseti(L, -2, (lua_Integer)k + 1);
    }
    lua_setfield(L, -2, "keys");
    if (y->has_accounts) { /* the year's accounts (SPEC 7.3) */
      cs_lua_push_cents(L, y->actual_cost);
      lua_setfield(L, -2, "actual_cost");
      cs_lua_push_cents(L, y->actual_granted);
      lua_setfield(L, -2, "actual_grants");
      cs_lua_push_cents(L, y->actual_net);
      lua_setfield(L, -2, "actual_net");
    }
    lua_rawseti(L, -2, (lua_Integer)i + 1);
  }
  return 1;
}

/* The language argument at idx: nil is English, else "en" or "nb". */
static cs_report_lang check_lang(lua_State *L, int idx) {
  const char *name = luaL_optstring(L, idx, NULL);
  cs_report_lang lang = CS_LANG_EN;
  cs_error err = {0, ""};
  if (name && cs_report_lang_parse(name, &lang, &err) != 0) luaL_error(L, "%s", err.msg);
  return lang;
}

/* result:explain(code, year [, lang]) -> text | nil */
static int r_explain(lua_State *L) {
  const cs_result *r = cs_lua_check_result(L, 1);
  const char *code = luaL_checkstring(L, 2);
  int year = (int)luaL_checkinteger(L, 3);
  cs_report_lang lang = check_lang(L, 4);
  const cs_row *row = cs_result_row(r, code, year);
  if (!row) return 0;
  char **box = cs_lua_textbox(L);
  *box = cs_explain_row_text_lang(r, row, lang);
  cs_lua_push_boxed(L, box);
  return 1;
}

/* result:absent(code, year [, lang]) -> why code is no member in year
** (text), or nil when the result says nothing about it (cs_explain_absent). */
static int r_absent(lua_State *L) {
  const cs_result *r = cs_lua_check_result(L, 1);
  const char *code = luaL_checkstring(L, 2);
  int year = (int)luaL_checkinteger(L, 3);
  cs_report_lang lang = check_lang(L, 4);
  int oom;
  char **box = cs_lua_textbox(L);
  *box = cs_explain_absent_text_lang(r, code, year, lang, &oom);
  if (!*box && !oom) return 0;
  cs_lua_push_boxed(L, box);
  return 1;
}

static int r_info(lua_State *L) {
  const cs_result *r = cs_lua_check_result(L, 1);
  lua_createtable(L, 0, 4);
  cs_lua_set_str(L, "name", r->name);
  cs_lua_set_int(L, "from", r->from);
  cs_lua_set_int(L, "to", r->to);
  cs_lua_set_str(L, "options", r->options);
  cs_lua_set_int(L, "rows", (lua_Integer)r->nrows);
  return 1;
}

/* exact(text) -> canonical exact decimal text of a number, or nil, msg */

void cs_lua_result_register(lua_State *L) {
  if (luaL_newmetatable(L, RESULT_MT)) {
    lua_pushcfunction(L, result_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushboolean(L, 0); /* getmetatable gives a scenario nothing to change */
    lua_setfield(L, -2, "__metatable");
    static const luaL_Reg methods[] = {{"rows", r_rows}, {"years", r_years}, {"explain", r_explain},
                                       {"info", r_info}, {"column", r_column}, {"unpopulated", r_unpopulated},
                                       {"absent", r_absent}, {"invoices", r_invoices},
                                       {"json_rows", r_json_rows},
                                       {"same_shares", r_same_shares}, {NULL, NULL}};
    luaL_newlib(L, methods);
    lua_setfield(L, -2, "__index");
  }
  lua_pop(L, 1);
}
