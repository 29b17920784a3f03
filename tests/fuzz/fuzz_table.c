/*
** Fuzz harness: CSV tables of figures by municipality (table.c
** cs_table_parse, cs_table_column, cs_table_value, cs_table_lookup) and a
** key by a table's column applied for a year (cs_key_eval). The input is
** the file's bytes. What the reader accepts must be well-formed: rows in
** increasing line order, members and cells valid UTF-8 with no blank at
** either end, codes of four digits in a code column, every value a number
** >= 0 or a clear error naming the file; a lookup answers for every member
** or fails with a message, and a key by a column shares exactly the net.
*/
#include <string.h>
#include "coopsim/key.h"
#include "coopsim/table.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* How many members the lookups ask for. */
#define MEMBERS 4

static int valid_utf8(const unsigned char *s) {
  while (*s) {
    size_t k = *s < 0x80 ? 1 : (*s & 0xE0) == 0xC0 ? 2 : (*s & 0xF0) == 0xE0 ? 3 : (*s & 0xF8) == 0xF0 ? 4 : 0;
    if (!k) return 0;
    for (size_t i = 1; i < k; i++)
      if ((s[i] & 0xC0) != 0x80) return 0;
    s += k;
  }
  return 1;
}

static int trimmed(const char *s) {
  size_t n = strlen(s);
  if (!n) return 1;
  return s[0] != ' ' && s[0] != '\t' && s[n - 1] != ' ' && s[n - 1] != '\t';
}

/* A resolver of its own: a four-digit text is its code, a name is "9" and
** three digits from its bytes; "0002" merged into "0001" in 2021; "0004"
** was split then. */
static int find(void *ud, const char *what, cs_date at, char code[5], cs_error *err) {
  (void)ud, (void)at;
  size_t n = strlen(what);
  if (n == 4 && strspn(what, "0123456789") == 4) {
    memcpy(code, what, 5);
    return CS_OK;
  }
  if (n > 0 && what[0] == 'X') return cs_error_set(err, CS_ENOTFOUND, "no municipality \"%s\"", what);
  unsigned h = 0;
  for (size_t i = 0; i < n; i++) h = h * 31 + (unsigned char)what[i];
  snprintf(code, 5, "9%03u", h % 1000);
  return CS_OK;
}

static int successor(void *ud, const char *code, cs_date from, cs_date to, char out[5], cs_error *err) {
  (void)ud;
  int merged = from.year < 2021 && to.year >= 2021;
  if (merged && strcmp(code, "0004") == 0) return cs_error_set(err, CS_EAMBIGUOUS, "0004 was split");
  memcpy(out, merged && strcmp(code, "0002") == 0 ? "0001" : code, 5);
  return CS_OK;
}

static void check_lookup(cs_table *t, size_t col) {
  cs_table_resolver res = {find, successor, NULL};
  /* the members: the first rows' municipalities as the resolver reads them */
  char codes[MEMBERS][5];
  const char *cp[MEMBERS];
  size_t n = 0;
  for (size_t r = 0; r < cs_table_nrows(t) && n < MEMBERS; r++) {
    char c[5];
    cs_date d = cs_date_jan1(2021);
    if (find(NULL, cs_table_row_member(t, r), d, c, NULL) != CS_OK) continue;
    int dup = 0;
    for (size_t k = 0; k < n; k++) dup |= strcmp(codes[k], c) == 0;
    if (dup) continue;
    memcpy(codes[n], c, 5);
    cp[n] = codes[n];
    n++;
  }
  cs_table_year which = cs_table_has_year(t) ? CS_TABLE_YEAR_PREVIOUS : CS_TABLE_YEAR_NONE;
  int year = cs_table_has_year(t) ? cs_table_row_year(t, 0) + 1 : 2021;
  for (int pass = 0; pass < 2; pass++) { /* the second answers from what the table kept */
    cs_table_values *v = NULL;
    cs_error err;
    err.msg[0] = '\0';
    int rc = cs_table_lookup(t, col, which, year, &res, cp, NULL, n, &v, &err);
    if (rc) {
      CHECK(v == NULL && err.msg[0], "a failed lookup without a message");
      continue;
    }
    for (size_t i = 0; i < n; i++) {
      CHECK(v->count[i] >= 1, "member %zu without rows", i);
      CHECK(cs_q_sign(&v->value[i]) >= 0, "a negative value");
      for (size_t k = 0; k < v->count[i]; k++) CHECK(v->rows[v->first[i] + k] < cs_table_nrows(t), "row out of range");
    }
    cs_table_values_free(v);
  }
  /* a key by the column shares exactly the net */
  cs_key *k = cs_key_new();
  CHECK(k != NULL, "out of memory");
  cs_q one, net;
  cs_q_from_i64(&one, 1);
  cs_q_from_i64(&net, 1000);
  if (cs_key_add_by(k, &one, t, cs_table_column_name(t, col), which, NULL) == CS_OK && n > 0) {
    cs_key_member m[MEMBERS];
    for (size_t i = 0; i < n; i++) {
      m[i].code = cp[i];
      m[i].name = cp[i];
      m[i].population = 1;
      cs_q_from_i64(&m[i].year_share, 1);
    }
    cs_key_env env = {&res};
    cs_key_year *ky = NULL;
    if (cs_key_eval(k, &env, year, &net, m, n, &ky, NULL) == CS_OK) {
      cs_q sum;
      cs_q_zero(&sum);
      for (size_t i = 0; i < n; i++) CHECK(cs_q_add(&sum, &sum, cs_key_year_total(ky, i)) == 0, "overflow");
      CHECK(cs_q_cmp(&sum, &net) == 0, "the shares do not sum to the net");
      cs_key_notes *nt = cs_key_year_take_notes(ky);
      char *s = cs_key_notes_explain(nt, 0, 0, 1, 12, 0, CS_LANG_NB);
      CHECK(s != NULL, "no explanation");
      free(s);
      cs_key_notes_free(nt);
      cs_key_year_free(ky);
    }
  }
  cs_key_free(k);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  cs_table *t = NULL;
  cs_error err;
  err.msg[0] = '\0';
  if (cs_table_parse(&t, "fuzz.csv", (const char *)data, size, &err) != CS_OK) {
    CHECK(t == NULL, "a table on failure");
    CHECK(strstr(err.msg, "fuzz.csv") != NULL, "an error without the file: %s", err.msg);
    return 0;
  }
  CHECK(cs_table_nrows(t) >= 1 && cs_table_ncolumns(t) >= 1, "an empty table accepted");
  size_t line = 0;
  for (size_t r = 0; r < cs_table_nrows(t); r++) {
    const char *m = cs_table_row_member(t, r);
    CHECK(cs_table_row_line(t, r) > line, "rows out of line order");
    line = cs_table_row_line(t, r);
    CHECK(m[0] && valid_utf8((const unsigned char *)m) && trimmed(m), "member \"%s\"", m);
    if (!cs_table_by_name(t)) CHECK(strlen(m) == 4 && strspn(m, "0123456789") == 4, "code \"%s\"", m);
    if (cs_table_has_year(t)) CHECK(cs_table_row_year(t, r) >= 1000, "year %d", cs_table_row_year(t, r));
    for (size_t c = 0; c < cs_table_ncolumns(t); c++) {
      const char *cell = cs_table_cell(t, r, c);
      CHECK(valid_utf8((const unsigned char *)cell) && trimmed(cell), "cell \"%s\"", cell);
      cs_q v;
      if (cs_table_value(t, r, c, &v, &err) == CS_OK)
        CHECK(cs_q_sign(&v) >= 0, "a negative value read from \"%s\"", cell);
      else
        CHECK(strstr(err.msg, "fuzz.csv") != NULL, "a value error without the file: %s", err.msg);
    }
  }
  for (size_t c = 0; c < cs_table_ncolumns(t); c++) {
    size_t col;
    if (cs_table_column(t, cs_table_column_name(t, c), &col, &err) == CS_OK) {
      CHECK(col == c, "column %zu found as %zu", c, col);
      check_lookup(t, col);
      break;
    }
  }
  cs_table_free(t);
  return 0;
}
