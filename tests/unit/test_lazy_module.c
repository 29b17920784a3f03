/*
** Unit tests: the coopsim module opened lazily (lua_coopsim.h
** cs_lua_module_opts.lazy; the sandbox's lazy_module, what `coopsim run`
** uses): the shipped scripts run at the module's first read, not when the
** state is made, and a scenario sees the same module, the same values and
** the same errors as with a module opened whole.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "coopsim/sandbox.h"

static lua_State *new_state(int lazy, int trusted) {
  cs_sandbox_opts o;
  cs_sandbox_defaults(&o);
  o.trusted = trusted;
  o.lazy_module = lazy;
  o.read_dirs[0] = CS_SOURCE_DIR "/scenarios";
  o.nread_dirs = 1;
  cs_error err = {0, ""};
  lua_State *L = cs_sandbox_new(&o, &err);
  if (!L) fail_msg("sandbox: %s", err.msg);
  return L;
}

/* Runs code in L; returns the global `result` as text (the caller frees
** it), or "error: " and the message. */
static char *run_in(lua_State *L, const char *code) {
  cs_error err = {0, ""};
  char buf[CS_ERROR_MAX + 16];
  if (cs_sandbox_run(L, code, strlen(code), "@test.lua", &err) != 0) {
    snprintf(buf, sizeof buf, "error: %s", err.msg);
  } else {
    lua_getglobal(L, "result");
    snprintf(buf, sizeof buf, "%s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "(no result)");
    lua_pop(L, 1);
  }
  size_t n = strlen(buf) + 1;
  char *out = malloc(n);
  assert_non_null(out);
  memcpy(out, buf, n);
  return out;
}

/* Runs code in a fresh state, lazy or not. */
static char *run_fresh(int lazy, int trusted, const char *code) {
  lua_State *L = new_state(lazy, trusted);
  char *out = run_in(L, code);
  cs_sandbox_close(L);
  return out;
}

/* The same text from a lazily and an eagerly opened module, sandboxed and
** trusted; returns nothing, fails with both texts. */
static void same_both_ways(const char *code) {
  for (int trusted = 0; trusted <= 1; trusted++) {
    char *eager = run_fresh(0, trusted, code);
    char *lazy = run_fresh(1, trusted, code);
    if (strcmp(eager, lazy) != 0)
      fail_msg("%s: lazy and eager differ for\n%s\neager: %s\nlazy:  %s",
               trusted ? "trusted" : "sandboxed", code, eager, lazy);
    free(eager);
    free(lazy);
  }
}

/* What a scenario can see of the module, as text: every name with its
** type, and those of the tables in it, sorted. Its first read is `first`. */
#define DESCRIBE(first)                                                                       \
  "local first = " first "\n"                                                                 \
  "local out = { tostring(first) ~= nil and type(first) or '' }\n"                          \
  "local function names(t, prefix)\n"                                                         \
  "  local n = {}\n"                                                                          \
  "  for k, v in pairs(t) do n[#n + 1] = prefix .. k .. ':' .. type(v) end\n"               \
  "  table.sort(n)\n"                                                                         \
  "  return table.concat(n, ' ')\n"                                                           \
  "end\n"                                                                                     \
  "out[#out + 1] = names(coopsim, '')\n"                                                      \
  "for _, sub in ipairs { 'keys', 'projection', 'report' } do\n"                            \
  "  out[#out + 1] = names(coopsim[sub], sub .. '.')\n"                                       \
  "end\n"                                                                                     \
  "out[#out + 1] = tostring(getmetatable(coopsim)) .. ' ' .. #coopsim .. ' ' ..\n"          \
  "  tostring(rawget(coopsim, 'scenario')) .. ' ' .. tostring(next(coopsim)) .. ' ' ..\n"  \
  "  coopsim.version .. ' ' .. tostring(require('coopsim') == coopsim)\n"                   \
  "result = table.concat(out, '\\n')\n"

/* The module is not filled when the state is made, and is by its first
** read: the state holds far less memory before, and about as much after. */
static void fills_at_first_read(void **state) {
  (void)state;
  lua_State *eager = new_state(0, 0), *lazy = new_state(1, 0);
  size_t peak, m_eager = cs_sandbox_memory(eager, &peak), m_lazy = cs_sandbox_memory(lazy, &peak);
  if (!(m_lazy * 4 < m_eager))
    fail_msg("a lazy state holds %zu bytes, an eager one %zu: not filled later?", m_lazy, m_eager);
  char *out = run_in(lazy, "result = type(coopsim.scenario)");
  assert_string_equal(out, "function");
  free(out);
  size_t m_after = cs_sandbox_memory(lazy, &peak);
  if (!(m_after - m_lazy > (m_eager - m_lazy) / 2))
    fail_msg("the first read took %zu bytes (eager %zu, lazy %zu): not filled?", m_after - m_lazy,
             m_eager, m_lazy);
  cs_sandbox_close(eager);
  cs_sandbox_close(lazy);
}

/* Every way a scenario first meets the module gives the same module. */
static void same_module(void **state) {
  (void)state;
  same_both_ways(DESCRIBE("coopsim.scenario"));  /* a name */
  same_both_ways(DESCRIBE("coopsim.keys.split")); /* a name in a table of it */
  same_both_ways(DESCRIBE("pairs(coopsim)"));     /* pairs before any name */
  same_both_ways(DESCRIBE("require('coopsim.report')"));
  same_both_ways(DESCRIBE("coopsim.no_such_name"));
  same_both_ways(DESCRIBE("rawget(coopsim, 'scenario')")); /* raw: no fill */
  /* the module's values are the same objects at every read */
  same_both_ways("local s = coopsim.scenario\n"
                 "result = tostring(s == coopsim.scenario and coopsim.keys == coopsim.keys and\n"
                 "  require('coopsim.report') == coopsim.report)");
}

/* A scenario's mistakes at its first read of coopsim are reported as they
** are with the module opened whole: file, line and message. */
static void same_errors(void **state) {
  (void)state;
  static const char *const first_reads[] = {
      "\n\nlocal c = coopsim.cooperation { nme = 'x' }",
      "coopsim.scenario = 1",
      "local x = coopsim.municipality('Nowhere')",
      "coopsim.keys.split { equal = 0.5, population = 0.6 }",
      "local t = coopsim.keys\nt.split = nil",
      NULL};
  for (const char *const *code = first_reads; *code; code++) {
    same_both_ways(*code);
    char *out = run_fresh(1, 0, *code);
    int ok = strncmp(out, "error: test.lua:", 16) == 0;
    if (!ok) fprintf(stderr, "no file and line for %s: %s\n", *code, out);
    free(out);
    assert_true(ok);
  }
  same_both_ways("result = coopsim()"); /* a view is not callable (no line either way) */
}

/* A scenario run through the lazily filled module gets figures worked out
** by hand: 740 539 kr shared equally among Helgeland's 17 members is
** 740 539 / 17 = 43 561.1176... kr each, and the rounded shares add up to
** the whole. */
static void runs_a_scenario(void **state) {
  (void)state;
  lua_State *L = new_state(1, 0);
  char *out = run_in(L,
                     "local c = coopsim.cooperation { name = 'Test', host = 'Rana',\n"
                     "  period = { from = '2023-01-01' },\n"
                     "  members = { '1812', '1813', '1815', '1816', '1818', '1820', '1822', '1824',\n"
                     "    '1825', '1826', '1827', '1828', '1832', '1833', '1834', '1835', '1836' },\n"
                     "  costs = { { name = 'Netto', amount = 740539 } },\n"
                     "  key = coopsim.keys.split { equal = 1 } }\n"
                     "local r = coopsim.scenario('Base', { c }):run { from = 2023, to = 2023 }\n"
                     "local sum = 0\n"
                     "for _, code in ipairs { '1812', '1813', '1815', '1816', '1818', '1820', '1822',\n"
                     "    '1824', '1825', '1826', '1827', '1828', '1832', '1833', '1834', '1835', '1836' } do\n"
                     "  sum = sum + r:row(code, 2023).total\n"
                     "end\n"
                     "result = string.format('%.2f %d', r:row('Brønnøy', 2023).exact, sum)\n");
  assert_string_equal(out, "43561.12 740539");
  free(out);
  cs_sandbox_close(L);
}

/* A fill that fails (here: allocation k fails) fails the read cleanly with a
** message, and the next read fills the module whole. */
static void failed_fill_is_retried(void **state) {
  (void)state;
  const char *touch = "result = type(coopsim.scenario)";
  char *want = run_fresh(0, 0, DESCRIBE("coopsim.scenario"));
  lua_State *L = new_state(1, 0);
  long before = cs_sandbox_allocations(L);
  char *out = run_in(L, touch);
  long n = cs_sandbox_allocations(L) - before;
  assert_string_equal(out, "function");
  free(out);
  cs_sandbox_close(L);
  int failed = 0;
  long step = n / 60 > 0 ? n / 60 : 1;
  for (long k = 1; k <= n; k += step) {
    L = new_state(1, 0);
    cs_sandbox_fail_allocation(L, k);
    out = run_in(L, touch);
    if (strcmp(out, "function") != 0) {
      if (strncmp(out, "error: ", 7) != 0 || strlen(out) <= 7) fail_msg("k=%ld: %s", k, out);
      failed++;
    }
    free(out);
    cs_sandbox_fail_allocation(L, 0);
    out = run_in(L, DESCRIBE("coopsim.scenario"));
    if (strcmp(out, want) != 0) fail_msg("k=%ld: after a failed fill:\n%s\nwant:\n%s", k, out, want);
    free(out);
    cs_sandbox_close(L);
  }
  assert_true(failed > 0);
  free(want);
  print_message("a fill: %ld allocations; %d of the failing ones tried, each retried whole\n", n,
                failed);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(fills_at_first_read), cmocka_unit_test(same_module),
      cmocka_unit_test(same_errors),         cmocka_unit_test(runs_a_scenario),
      cmocka_unit_test(failed_fill_is_retried),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
