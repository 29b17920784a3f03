/* Unit tests: the report writers (report_*.c): numbers in each language,
** display widths with æ, ø and å, CSV with ';' and decimal comma, tables
** that line up, escaping in HTML, the comparison's statuses, and files that
** are written whole or not at all. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "rng.h"
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include "../../core/report_internal.h"
#include "coopsim/doc.h"
#include "coopsim/report.h"

/* Two runs of one cooperation: Træna leaves in the variant's second year,
** Bø is only in the variant; names with æ, ø, å and a ';' to quote. */
static const char *const doc_json =
    "{ \"coopsim\": \"0.1.0\", \"runs\": ["
    " { \"scenario\": \"Base <script>alert(1)</script>\", \"from\": 2023, \"to\": 2024, \"rows\": ["
    "  {\"year\":2023,\"code\":\"1835\",\"name\":\"Træna\",\"cooperation\":\"Hå; og Ås\",\"population\":450,"
    "   \"total\":1234567,\"exact\":\"1234567.49\",\"host\":true,"
    "   \"parts\":[{\"name\":\"equal\",\"rounded\":1000000,\"exact\":\"1000000.25\"},"
    "             {\"name\":\"population\",\"rounded\":234567,\"exact\":\"234567.24\"}]},"
    "  {\"year\":2023,\"code\":\"1815\",\"name\":\"Vega\",\"cooperation\":\"Hå; og Ås\",\"population\":1175,"
    "   \"total\":17892,\"exact\":\"17892.30\",\"payee\":\"Træna\",\"parts\":[]},"
    "  {\"year\":2024,\"code\":\"1835\",\"name\":\"Træna\",\"cooperation\":\"Hå; og Ås\",\"population\":444,"
    "   \"total\":1000,\"exact\":\"1000.00\",\"parts\":[]},"
    "  {\"year\":2024,\"code\":\"1815\",\"name\":\"Vega\",\"cooperation\":\"Hå; og Ås\",\"population\":1208,"
    "   \"total\":2000,\"exact\":\"2000.00\",\"parts\":[]} ],"
    "  \"years\": [ {\"year\":2023,\"cooperation\":\"Hå; og Ås\",\"members\":2,\"cost\":\"1252459.79\","
    "   \"grants\":\"0.00\",\"net\":\"1252459.79\",\"balance\":\"0.00\",\"sum_shares\":1252459,"
    "   \"key\":\"30 % equal\",\"key_label\":\"Agdenesmodellen\",\"key_source\":\"sak 1/2012\","
    "   \"key_assumption\":\"30/70 <unconfirmed>\"} ] },"
    " { \"scenario\": \"Træna går ut\", \"from\": 2023, \"to\": 2024, \"rows\": ["
    "  {\"year\":2023,\"code\":\"1835\",\"name\":\"Træna\",\"cooperation\":\"Hå; og Ås\",\"total\":1234000,"
    "   \"exact\":\"1234000.00\",\"parts\":[]},"
    "  {\"year\":2023,\"code\":\"1815\",\"name\":\"Vega\",\"cooperation\":\"Hå; og Ås\",\"total\":18000,"
    "   \"exact\":\"18000.00\",\"parts\":[]},"
    "  {\"year\":2024,\"code\":\"1815\",\"name\":\"Vega\",\"cooperation\":\"Hå; og Ås\",\"total\":2500,"
    "   \"exact\":\"2500.00\",\"parts\":[]},"
    "  {\"year\":2024,\"code\":\"1867\",\"name\":\"Bø\",\"cooperation\":\"Hå; og Ås\",\"total\":500,"
    "   \"exact\":\"500.00\",\"parts\":[]} ], \"years\": [] } ] }";

static cs_doc *load(void) {
  cs_doc *doc = NULL;
  cs_error err = {0, ""};
  if (cs_doc_from_json(doc_json, strlen(doc_json), "test", &doc, &err) != 0) {
    print_error("%s\n", err.msg);
    fail();
  }
  return doc;
}

static char *render(const cs_doc *doc, cs_report_format f, cs_report_lang lang) {
  char *text = NULL;
  size_t len = 0;
  cs_error err = {0, ""};
  assert_int_equal(cs_report_render(doc, f, lang, &text, &len, &err), 0);
  assert_int_equal(strlen(text), len);
  return text;
}

static void numbers(void **state) {
  (void)state;
  char buf[64];
  assert_string_equal(cs_rl_int(1234567, CS_LANG_EN, 0, buf, sizeof buf), "1,234,567");
  assert_string_equal(cs_rl_int(1234567, CS_LANG_NB, 0, buf, sizeof buf), "1 234 567");
  assert_string_equal(cs_rl_int(1234567, CS_LANG_NB, 1, buf, sizeof buf), "1\xc2\xa0" "234\xc2\xa0" "567");
  assert_string_equal(cs_rl_int(-1000, CS_LANG_EN, 0, buf, sizeof buf), "-1,000");
  assert_string_equal(cs_rl_int(999, CS_LANG_NB, 0, buf, sizeof buf), "999");
  assert_string_equal(cs_rl_int(0, CS_LANG_NB, 0, buf, sizeof buf), "0");
  assert_string_equal(cs_rl_int(INT64_MIN, CS_LANG_EN, 0, buf, sizeof buf), "-9,223,372,036,854,775,808");
  /* a buf too small for any text is cut as snprintf cuts; one byte less
  ** than the room cs_rl_int writes straight into takes that path too */
  char small[6], edge[48]; /* 48: one byte short of the 49 written straight into */
  assert_string_equal(cs_rl_int(-1234567, CS_LANG_EN, 0, small, sizeof small), "-1,23");
  assert_string_equal(cs_rl_int(INT64_MIN, CS_LANG_NB, 1, edge, sizeof edge),
                      "-9\xc2\xa0" "223\xc2\xa0" "372\xc2\xa0" "036\xc2\xa0" "854\xc2\xa0" "775\xc2\xa0" "808");
  assert_string_equal(cs_rl_int(7, CS_LANG_EN, 0, small, 1), "");
  assert_string_equal(cs_rl_money("1234567.50", CS_LANG_NB, 0, buf, sizeof buf), "1 234 567,50");
  assert_string_equal(cs_rl_money("1234567.50", CS_LANG_EN, 0, buf, sizeof buf), "1,234,567.50");
  assert_string_equal(cs_rl_money("740539.00", CS_LANG_NB, 0, buf, sizeof buf), "740 539");
  assert_string_equal(cs_rl_money("-0.33", CS_LANG_NB, 0, buf, sizeof buf), "-0,33");
  assert_string_equal(cs_rl_money("-0.00", CS_LANG_EN, 0, buf, sizeof buf), "0");
  assert_string_equal(cs_rl_money("n/a", CS_LANG_EN, 0, buf, sizeof buf), "n/a");
  assert_string_equal(cs_rl_percent(1000, 1125, CS_LANG_NB, buf, sizeof buf), "+12,5 %");
  assert_string_equal(cs_rl_percent(1000, 875, CS_LANG_EN, buf, sizeof buf), "-12.5 %");
  assert_string_equal(cs_rl_percent(0, 875, CS_LANG_EN, buf, sizeof buf), "");
  cs_rl_decimal_comma("equal=8712.22 v1.2", buf, sizeof buf);
  assert_string_equal(buf, "equal=8712,22 v1,2");
  assert_int_equal(cs_rl_width("Brønnøy"), 7);
  assert_int_equal(cs_rl_width("Træna - Træne"), 13);
  assert_int_equal(cs_rl_width("Åfjord"), 6);
  assert_string_equal(cs_rl_text(CS_LANG_NB, "year"), "år");
  assert_string_equal(cs_rl_text(CS_LANG_NB, "member"), "kommune");
  assert_string_equal(cs_rl_text(CS_LANG_EN, "member"), "member");
}

/* The byte offset of display column w (0-based) in line, or its length. */
static size_t byte_at(const char *line, size_t w) {
  size_t i = 0;
  for (size_t col = 0; line[i] && line[i] != '\n' && col < w; col++) {
    i++;
    while (((unsigned char)line[i] & 0xC0) == 0x80) i++;
  }
  return i;
}

/* In the table whose header line starts with `header`, the right-aligned
** column `col` ends at the same display column on every line down to the
** first blank line or note: a non-blank there, a blank (or the end) just after. */
static void assert_column_aligned(const char *text, const char *header, const char *col) {
  const char *h = strstr(text, header);
  assert_non_null(h);
  const char *c = strstr(h, col);
  assert_non_null(c);
  char head[1024];
  snprintf(head, sizeof head, "%.*s", (int)((size_t)(c - h) + strlen(col)), h);
  size_t edge = cs_rl_width(head);
  int checked = 0;
  /* down to a blank line or a note (a line starting with a letter) */
  for (const char *p = h; *p && *p != '\n' && (p == h || *p == ' ' || *p == '-' || (*p >= '0' && *p <= '9'));
       p = strchr(p, '\n') + 1) {
    size_t a = byte_at(p, edge - 1), b = byte_at(p, edge);
    int ok = p[a] != ' ' && p[a] != '\n' && p[a] != '\0' && (p[b] == ' ' || p[b] == '\n' || p[b] == '\0');
    if (!ok) {
      const char *end = strchr(p, '\n');
      print_error("column \"%s\" does not end at display column %zu in: %.*s\n", col, edge,
                  (int)(end ? end - p : (long)strlen(p)), p);
      fail();
    }
    checked++;
  }
  assert_true(checked >= 4);
}

/* cs_rl_int and cs_rl_percent against printf's own text of the same figures
** (the reference they replaced): "%+.1f %%" with the decimal comma in
** bokmål, digits grouped by three; cut like snprintf in a small buffer. */
static void numbers_as_printf(void **state) {
  (void)state;
  static const int64_t v[] = {1,      -1,     7,       999,        1000,       -1000,      12345,
                              -98765, 100000, 1048576, 4294967296, -999999999, INT64_MAX, INT64_MIN + 1};
  uint64_t seed = 88172645463325252u;
  for (int i = 0; i < 20000; i++) {
    seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
    int64_t a = i < 14 ? v[i] : (int64_t)(seed % 2000001) - 1000000;
    seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
    int64_t b = (int64_t)(seed % 4000001) - 2000000;
    if (i % 7 == 0) b = a + (int64_t)(seed % 3) - 1; /* tiny changes: -0.0, ties */
    if (i % 11 == 0 && a > -1000000000 && a < 1000000000) b = a * 3 / 2 + 1;
    char want[96], got[96];
    if (a != 0) {
      double pct = ((double)b - (double)a) * 100.0 / (double)a;
      snprintf(want, sizeof want, "%+.1f %%", pct);
      assert_string_equal(cs_rl_percent(a, b, CS_LANG_EN, got, sizeof got), want);
      char *dot = strchr(want, '.');
      if (dot) *dot = ',';
      assert_string_equal(cs_rl_percent(a, b, CS_LANG_NB, got, sizeof got), want);
      char cut[4];
      snprintf(cut, sizeof cut, "%s", want);
      assert_string_equal(cs_rl_percent(a, b, CS_LANG_NB, got, sizeof cut), cut);
    }
    /* the grouping by hand, from printf's digits */
    char digits[32];
    uint64_t m = a < 0 ? (uint64_t)0 - (uint64_t)a : (uint64_t)a;
    snprintf(digits, sizeof digits, "%llu", (unsigned long long)m);
    size_t n = strlen(digits), k = 0;
    if (a < 0) want[k++] = '-';
    for (size_t d = 0; d < n; d++) {
      if (d > 0 && (n - d) % 3 == 0) memcpy(want + k, "\xc2\xa0", 2), k += 2;
      want[k++] = digits[d];
    }
    want[k] = '\0';
    assert_string_equal(cs_rl_int(a, CS_LANG_NB, 1, got, sizeof got), want);
    char cut[6];
    snprintf(cut, sizeof cut, "%s", want);
    assert_string_equal(cs_rl_int(a, CS_LANG_NB, 1, got, sizeof cut), cut);
  }
  char one[1] = {'x'};
  cs_rl_int(5, CS_LANG_EN, 0, one, 0); /* no room: nothing written */
  cs_rl_percent(1, 5, CS_LANG_EN, one, 0);
  assert_int_equal(one[0], 'x');
  assert_string_equal(cs_rl_percent(3, 3, CS_LANG_NB, one, 1), "");
}

/* cs_cmp_build against a comparison made here the slow, plain way: every
** (cooperation, year, code) of any run, ordered with strcmp and the year;
** per run the sum of its rows, the first row's merger, present / withdrawn
** (present in an earlier year of the same cooperation and code) / not a
** member. The codes include longer ones (lineage codes up to 16), codes
** that begin another, and bytes above 0x7f; equal cooperation names are
** separate copies. */
typedef struct ref_key {
  const char *coop;
  int year;
  const char *code;
} ref_key;

static int ref_order(const void *pa, const void *pb) {
  const ref_key *a = pa, *b = pb;
  int c = strcmp(a->coop, b->coop);
  if (c) return c;
  if (a->year != b->year) return a->year < b->year ? -1 : 1;
  return strcmp(a->code, b->code);
}

static void comparison_order(void **state) {
  (void)state;
  static const char *const coops[] = {"Bø", "Aa", "A", "b", "Å", "Hå; og Ås"};
  static const char *const codes[] = {"0301", "03011", "030", "H001", "1835", "9\xc3\xa6", "1234567890123456",
                                      "123456789012345", "12345678", "123456789", "1", "H0010", "\xc3\xa6"};
  enum { NRUNS = 4, NROWS = 400, NC = 6, NK = 13 };
  char *names[NRUNS][NROWS];
  cs_doc_run runs[NRUNS];
  memset(runs, 0, sizeof runs);
  uint64_t seed = 1181783497276652981u;
  for (size_t r = 0; r < NRUNS; r++) {
    runs[r].rows = calloc(NROWS, sizeof *runs[r].rows);
    assert_non_null(runs[r].rows);
    runs[r].nrows = NROWS;
    for (size_t i = 0; i < NROWS; i++) {
      cs_doc_row *row = &runs[r].rows[i];
      seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
      /* each row its own copy of the cooperation's name */
      names[r][i] = strdup(coops[seed % NC]);
      assert_non_null(names[r][i]);
      row->cooperation = names[r][i];
      row->year = 2020 + (int)(seed >> 8) % 5;
      strcpy(row->code, codes[(seed >> 16) % NK]);
      row->name = (char *)codes[(seed >> 24) % NK];
      row->merged = (seed >> 32) % 4 == 0 ? (char *)coops[(seed >> 40) % NC] : NULL;
      row->total = (int64_t)(seed >> 44) % 100000;
    }
  }
  runs[2].nrows = 0; /* a run without rows among the others */
  cs_doc doc = {0};
  doc.runs = runs;
  doc.nruns = NRUNS;
  cs_cmp *c = NULL;
  cs_error err = {0, ""};
  assert_int_equal(cs_cmp_build(&doc, CS_CMP_SHARE, &c, &err), 0);
  /* the reference: the distinct keys, sorted */
  ref_key *keys = calloc(NRUNS * NROWS, sizeof *keys);
  assert_non_null(keys);
  size_t nk = 0;
  for (size_t r = 0; r < NRUNS; r++)
    for (size_t i = 0; i < runs[r].nrows; i++) {
      const cs_doc_row *row = &runs[r].rows[i];
      ref_key k = {row->cooperation, row->year, row->code};
      size_t j = 0;
      while (j < nk && ref_order(&keys[j], &k) != 0) j++;
      if (j == nk) keys[nk++] = k;
    }
  qsort(keys, nk, sizeof *keys, ref_order);
  assert_int_equal(c->nlines, nk);
  for (size_t l = 0; l < nk; l++) {
    const cs_cmp_line *line = &c->lines[l];
    assert_string_equal(line->cooperation, keys[l].coop);
    assert_int_equal(line->year, keys[l].year);
    assert_string_equal(line->code, keys[l].code);
    int named = 0;
    for (size_t r = 0; r < NRUNS; r++) {
      int64_t sum = 0;
      int present = 0, earlier = 0;
      const char *merged = NULL;
      for (size_t i = 0; i < runs[r].nrows; i++) {
        const cs_doc_row *row = &runs[r].rows[i];
        if (strcmp(row->cooperation, keys[l].coop) || strcmp(row->code, keys[l].code)) continue;
        if (row->year < keys[l].year) earlier = 1;
        if (row->year != keys[l].year) continue;
        if (!named) assert_ptr_equal(line->name, row->name), named = 1;
        present = 1;
        sum += row->total;
        if (!merged) merged = row->merged;
      }
      if (present) {
        assert_int_equal(line->status[r], CS_CMP_PRESENT);
        assert_int_equal(line->share[r], sum);
        assert_ptr_equal(line->merged[r], merged);
      } else {
        assert_int_equal(line->status[r], earlier ? CS_CMP_WITHDRAWN : CS_CMP_NOT_MEMBER);
        assert_null(line->merged[r]);
      }
    }
  }
  cs_cmp_free(c);
  free(keys);
  for (size_t r = 0; r < NRUNS; r++) {
    for (size_t i = 0; i < NROWS; i++) free(names[r][i]);
    free(runs[r].rows);
  }
}

static void table_aligned(void **state) {
  (void)state;
  cs_doc *doc = load();
  char *t = render(doc, CS_REPORT_TABLE, CS_LANG_NB);
  /* labels and thousands as bokmål writes them */
  assert_non_null(strstr(t, "år  kommunenr.  kommune"));
  assert_non_null(strstr(t, "1 234 567"));
  assert_non_null(strstr(t, "(vertskommune)"));
  assert_non_null(strstr(t, "FORUTSETNING: 30/70 <unconfirmed>"));
  assert_non_null(strstr(t, "nøkkel: Agdenesmodellen = 30 % equal; kilde: sak 1/2012"));
  assert_non_null(strstr(t, "uttrådt"));     /* Træna in the variant's 2024 */
  assert_non_null(strstr(t, "ikke medlem")); /* Bø in the baseline */
  /* the members' table: "sum" right-aligned over Træna's and Vega's rows */
  assert_column_aligned(t, "  år  kommunenr.  kommune", "sum");
  /* the comparison's columns too */
  assert_column_aligned(t, "  år  kommunenr.  kommune  Base", "endring kr");
  free(t);
  t = render(doc, CS_REPORT_TABLE, CS_LANG_EN);
  assert_non_null(strstr(t, "1,234,567"));
  assert_non_null(strstr(t, "withdrawn"));
  assert_column_aligned(t, "year  code  member", "total");
  free(t);
  cs_doc_free(doc);
}

static void csv_formats(void **state) {
  (void)state;
  cs_doc *doc = load();
  char *t = render(doc, CS_REPORT_CSV_NB, CS_LANG_EN);
  assert_memory_equal(t, "\xef\xbb\xbf", 3); /* BOM: Excel reads UTF-8 */
  assert_non_null(strstr(t, "scenario;cooperation;year;code;name;population"));
  /* the cooperation holds ';' and is quoted; decimals with a comma */
  assert_non_null(strstr(t, "payee;part_equal;part_population;rounding\n"));
  assert_non_null(strstr(t, ";\"Hå; og Ås\";2023;1835;Træna;450;;;equal=1000000,25 population=234567,24;1234567,49;1234567;;(host);1000000;234567;0\n"));
  /* a row without parts: the part cells empty, its total all rounding */
  assert_non_null(strstr(t, ";2023;1815;Vega;1175;;;;17892,30;17892;;Træna;;;17892\n"));
  free(t);
  t = render(doc, CS_REPORT_CSV, CS_LANG_EN);
  assert_int_equal(t[0], 's'); /* no BOM */
  assert_non_null(strstr(t, ",Hå; og Ås,2023,1835,Træna,450,,,equal=1000000.25 population=234567.24,1234567.49,1234567,,(host),1000000,234567,0\n"));
  free(t);
  t = render(doc, CS_REPORT_CSV_NB, CS_LANG_NB);
  assert_non_null(strstr(t, "scenario;samarbeid;år;kommunenr.;navn;innbyggere"));
  assert_non_null(strstr(t, ";betales til;del_likt;del_etter_innbyggertall;avrunding\n"));
  free(t);
  cs_doc_free(doc);
}

static void markdown_and_json(void **state) {
  (void)state;
  cs_doc *doc = load();
  char *t = render(doc, CS_REPORT_MD, CS_LANG_NB);
  assert_non_null(strstr(t, "| år | kommunenr. | kommune | innbyggere | likt | etter innbyggertall | avrunding | sum |"));
  assert_non_null(strstr(t, "|---:|---|---|"));
  assert_non_null(strstr(t, "| 2023 | 1835 | Træna | 450 | 1 000 000 | 234 567 | 0 | 1 234 567 |  | (vertskommune) |"));
  free(t);
  t = render(doc, CS_REPORT_JSON, CS_LANG_NB);
  cs_doc *back = NULL;
  cs_error err;
  assert_int_equal(cs_doc_from_json(t, strlen(t), "json report", &back, &err), 0);
  assert_int_equal(back->nruns, 2);
  cs_doc_free(back);
  free(t);
  char *x = NULL;
  assert_int_equal(cs_report_render(doc, CS_REPORT_XLSX, CS_LANG_EN, &x, NULL, &err), CS_EINVAL);
  assert_null(x);
  cs_doc_free(doc);
}

static void html_escaped(void **state) {
  (void)state;
  cs_doc *doc = load();
  char *t = render(doc, CS_REPORT_HTML, CS_LANG_NB);
  assert_null(strstr(t, "<script"));
  assert_non_null(strstr(t, "Base &lt;script&gt;alert(1)&lt;/script&gt;"));
  assert_non_null(strstr(t, "30/70 &lt;unconfirmed&gt;"));
  assert_non_null(strstr(t, "<html lang=\"nb\">"));
  /* the charts: totals by year, shares for each year, differences for each year */
  size_t svgs = 0;
  for (const char *p = t; (p = strstr(p, "<svg class=\"chart\"")); p++) svgs++;
  assert_int_equal(svgs, 1 + 2 + 2);
  /* no external resources: the only URL is SVG's namespace */
  for (const char *p = t; (p = strstr(p, "http")); p++) {
    assert_int_equal(strncmp(p, "http://www.w3.org/2000/svg", 26), 0);
  }
  assert_null(strstr(t, "https:"));
  /* numbers with no-break spaces */
  assert_non_null(strstr(t, "1\xc2\xa0" "234\xc2\xa0" "567"));
  /* titled by the cooperation and the scenarios, the summary first */
  assert_non_null(strstr(t, "<title>Hå; og Ås &ndash; Base &lt;script&gt;alert(1)&lt;/script&gt; og Træna går ut</title>"));
  assert_true(strstr(t, "id=\"summary\"") < strstr(t, "id=\"details\""));
  /* the summary: Træna left the variant in 2024, Bø joins it; changes with a real minus */
  assert_non_null(strstr(t, "<td class=\"n fig\" data-run=\"1\"><span class=\"absent\">uttrådt</span></td>"));
  assert_non_null(strstr(t, "<td class=\"n fig\" data-run=\"0\"><span class=\"absent\">ikke medlem</span></td>"));
  assert_non_null(strstr(t, "\xe2\x88\x92" "567")); /* Træna 2023: 1 234 000 - 1 234 567 */
  /* the charts: figures on the bars, the marks in words, the axis in kr */
  assert_non_null(strstr(t, "class=\"value\" data-year=\"2024\" data-run=\"1\" data-code=\"1867\">500</text>"));
  assert_non_null(strstr(t, ">trer inn</text>"));
  assert_non_null(strstr(t, "class=\"absent\">uttrådt</text>"));
  assert_non_null(strstr(t, "class=\"unit\">kr</text>"));
  assert_non_null(strstr(t, "@page{size:A4"));
  free(t);
  cs_doc_free(doc);
}

/* round(n / d) for n, d > 0, halves up */
static long long round_div(long long n, long long d) { return (2 * n + d) / (2 * d); }

/* Brønnøy 2023 (SPEC 1.1): the parts rounded on their own add to 69 472,
** the total is 69 473; the CSV's rounding column holds the krone between
** (SPEC 7.5). The parts are computed here from Vedlegg 2's figures. */
static void parts_add_up(void **state) {
  (void)state;
  long long equal = round_div(740539LL * 20, 100LL * 17);              /* 8 712.22 */
  long long pop = round_div(740539LL * 80 * 7777, 100LL * 75828);      /* 60 760.37 */
  assert_int_equal(equal, 8712);
  assert_int_equal(pop, 60760);
  char json[2048];
  snprintf(json, sizeof json,
           "{\"runs\":[{\"scenario\":\"Baseline\",\"from\":2023,\"to\":2023,\"rows\":["
           "{\"year\":2023,\"code\":\"1813\",\"name\":\"Brønnøy\",\"cooperation\":\"Helgeland\","
           "\"population\":7777,\"total\":69473,\"exact\":\"69472.59\",\"parts\":["
           "{\"name\":\"equal\",\"rounded\":%lld,\"exact\":\"8712.22\"},"
           "{\"name\":\"population\",\"rounded\":%lld,\"exact\":\"60760.37\"}]}],"
           "\"years\":[{\"year\":2023,\"cooperation\":\"Helgeland\",\"members\":17,\"cost\":\"1290320.56\","
           "\"grants\":\"0.00\",\"net\":\"1290320.56\",\"balance\":\"0.44\",\"sum_shares\":1290321,"
           "\"covers\":true,\"agreement_months\":12,\"key\":\"20 %% equal + 80 %% by population\"}]}]}",
           equal, pop);
  cs_doc *doc = NULL;
  cs_error err = {0, ""};
  if (cs_doc_from_json(json, strlen(json), "test", &doc, &err) != 0) {
    print_error("%s\n", err.msg);
    fail();
  }
  assert_int_equal(cs_report_row_rounding(&doc->runs[0].rows[0]), 69473 - equal - pop);
  assert_int_equal(cs_report_row_rounding(&doc->runs[0].rows[0]), 1);
  char *t = render(doc, CS_REPORT_CSV, CS_LANG_EN);
  assert_non_null(strstr(t, ",total,due,payee,part_equal,part_population,rounding\n"));
  assert_non_null(strstr(t, ",69472.59,69473,,,8712,60760,1\n"));
  free(t);
  /* the table too, and the year's balance of øre explained */
  t = render(doc, CS_REPORT_TABLE, CS_LANG_NB);
  assert_non_null(strstr(t, "likt  etter innbyggertall  avrunding     sum"));
  assert_non_null(strstr(t, "0,44 kr: andelene er hele kroner"));
  free(t);
  t = render(doc, CS_REPORT_TABLE, CS_LANG_EN);
  assert_non_null(strstr(t, "0.44 kr: shares are whole kroner"));
  free(t);
  cs_doc_free(doc);
}

/* Part names of SPEC 7.2 as headings and CSV columns. */
static void part_names(void **state) {
  (void)state;
  static const struct {
    const char *name, *en, *nb, *col_en, *col_nb;
  } cases[] = {
      {"equal", "equal", "likt", "part_equal", "del_likt"},
      {"population", "by population", "etter innbyggertall", "part_population", "del_etter_innbyggertall"},
      {"base", "base", "grunnbeløp", "part_base", "del_grunnbeløp"},
      {"rate", "rate", "per innbygger", "part_rate", "del_per_innbygger"},
      {"band", "band", "etter innbyggertrinn", "part_band", "del_etter_innbyggertrinn"},
      {"cap", "cap", "tak og gulv", "part_cap", "del_tak_og_gulv"},
      {"by:timer", "by timer", "etter timer", "part_by:timer", "del_etter_timer"},
      {"equal#2", "equal #2", "likt #2", "part_equal#2", "del_likt_#2"},
      {"Legevakt/population", "Legevakt/by population", "Legevakt/etter innbyggertall",
       "part_Legevakt/population", "del_Legevakt/etter_innbyggertall"},
      {"A/B/by:x#3", "A/B/by x #3", "A/B/etter x #3", "part_A/B/by:x#3", "del_A/B/etter_x_#3"},
      {"#", "#", "#", "part_#", "del_#"},
      {"odd#", "odd#", "odd#", "part_odd#", "del_odd#"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *en = cs_rl_part_dup(CS_LANG_EN, cases[i].name), *nb = cs_rl_part_dup(CS_LANG_NB, cases[i].name);
    char *cen = cs_rl_part_column(CS_LANG_EN, cases[i].name), *cnb = cs_rl_part_column(CS_LANG_NB, cases[i].name);
    assert_string_equal(en, cases[i].en);
    assert_string_equal(nb, cases[i].nb);
    assert_string_equal(cen, cases[i].col_en);
    assert_string_equal(cnb, cases[i].col_nb);
    free(en), free(nb), free(cen), free(cnb);
  }
}

/* The key in bokmål when the document has it (the worker's), else as it is. */
static void key_in_bokmal(void **state) {
  (void)state;
  cs_doc *doc = load();
  char *nb = render(doc, CS_REPORT_TABLE, CS_LANG_NB);
  assert_non_null(strstr(nb, "Agdenesmodellen = 30 % equal")); /* none in bokmål: the English one */
  free(nb);
  doc->runs[0].years[0].key_nb = strdup("30 % likt");
  static const cs_report_format formats[] = {CS_REPORT_TABLE, CS_REPORT_MD, CS_REPORT_HTML};
  for (size_t f = 0; f < 3; f++) {
    nb = render(doc, formats[f], CS_LANG_NB);
    char *en = render(doc, formats[f], CS_LANG_EN);
    assert_non_null(strstr(nb, "30 % likt"));
    assert_null(strstr(nb, "30 % equal"));
    assert_non_null(strstr(en, "30 % equal"));
    assert_null(strstr(en, "30 % likt"));
    free(nb);
    free(en);
  }
  cs_doc_free(doc);
}

/* The options line in words in bokmål, every setting coopsim writes; one it
** does not know is kept as written; in English the line as it is. */
static void options_in_bokmal(void **state) {
  (void)state;
  const char *line = "rounding=largest_remainder population_date=jan1_budget_year exit_year=months "
                     "merger=member_part split=error no_reform=2019-12-31 brann/by:timer.year=previous "
                     "by:km2.year=none invoices=01-31,04-30,10-01 settle=none weird=x lone invoices=1-31 invoices=+1-31 invoices=13-01";
  cs_sb b = {0};
  cs_rl_options(CS_LANG_EN, line, &b);
  assert_string_equal(b.s, line);
  b.len = 0;
  cs_rl_options(CS_LANG_NB, line, &b);
  assert_string_equal(b.s, "avrunding: største rest; innbyggertall: 1. januar i budsjettåret; "
                           "utmeldingsåret: etter måneder; sammenslåing: medlemmets del; deling: feil; "
                           "kommuneinndeling som 2019-12-31; brann/etter timer: året før budsjettåret; "
                           "etter km2: tabellen uten år; a konto-fakturaer forfaller 31.1., 30.4., 1.10.; "
                           "avregning: vises, faktureres ikke; weird=x; lone; invoices=1-31; invoices=+1-31; invoices=13-01");
  cs_sb_free(&b);
}

/* CSV cells against RFC 4180 written out here byte by byte: quoted when the
** cell holds the separator, '"', CR or LF, each '"' doubled; a text cell that
** begins like a formula (= + - @) quoted with a leading apostrophe. Random
** cells over an alphabet of every such byte, both separators. */
static void ref_csv(char *out, const char *v, char sep, int text) {
  int formula = text && (*v == '=' || *v == '+' || *v == '-' || *v == '@');
  int quote = formula;
  for (const char *p = v; *p; p++)
    if (*p == sep || *p == '"' || *p == '\n' || *p == '\r') quote = 1;
  char *o = out;
  if (quote) *o++ = '"';
  if (formula) *o++ = '\'';
  for (const char *p = v; *p; p++) {
    if (quote && *p == '"') *o++ = '"';
    *o++ = *p;
  }
  if (quote) *o++ = '"';
  *o = '\0';
}

static void csv_cells(void **state) {
  (void)state;
  static const char alphabet[] = {'a', '7', ',', ';', '"', '\n', '\r', '=', '+', '-', '@', '\'', ' ', (char)0xc3, (char)0xa5};
  uint64_t x = 0x9e3779b97f4a7c15u;
  cs_sb b = {0};
  char v[16], want[64];
  for (int i = 0; i < 200000; i++) {
    test_xorshift64(&x);
    size_t n = x % sizeof v;
    for (size_t k = 0; k < n; k++) v[k] = alphabet[(x >> (4 + 4 * k)) % sizeof alphabet];
    v[n] = '\0';
    char sep = (x >> 62) & 1 ? ';' : ',';
    int text = (int)((x >> 61) & 1);
    b.len = 0;
    if (text) cs_csv_text_cell(&b, v, sep);
    else cs_csv_cell(&b, v, sep);
    cs_sb_addn(&b, "", 1);
    ref_csv(want, v, sep, text);
    assert_string_equal(b.s, want);
  }
  cs_sb_free(&b);
}

/* COOPSIM_LANG sets the default language; LANG does not. */
static void default_language(void **state) {
  (void)state;
  cs_report_lang l;
  cs_error err = {0, ""};
  unsetenv("COOPSIM_LANG");
  setenv("LANG", "nb_NO.UTF-8", 1);
  assert_int_equal(cs_report_lang_default(&l, &err), 0);
  assert_int_equal(l, CS_LANG_EN);
  setenv("COOPSIM_LANG", "nb", 1);
  assert_int_equal(cs_report_lang_default(&l, &err), 0);
  assert_int_equal(l, CS_LANG_NB);
  setenv("COOPSIM_LANG", "", 1);
  assert_int_equal(cs_report_lang_default(&l, &err), 0);
  assert_int_equal(l, CS_LANG_EN);
  setenv("COOPSIM_LANG", "sv", 1);
  assert_int_equal(cs_report_lang_default(&l, &err), CS_EINVAL);
  assert_int_equal(l, CS_LANG_EN);
  assert_string_equal(err.msg, "COOPSIM_LANG=\"sv\": unknown language (en, nb)");
  unsetenv("COOPSIM_LANG");
  unsetenv("LANG");
}

static int count_leftovers(const char *dir) {
  DIR *d = opendir(dir);
  assert_non_null(d);
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d))) n += e->d_name[0] == '.' && strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
  closedir(d);
  return n;
}

static void files_whole_or_nothing(void **state) {
  (void)state;
  cs_doc *doc = load();
  umask(022);
  char dir[] = "/tmp/cs_report_test_XXXXXX";
  assert_non_null(mkdtemp(dir));
  char path[256];
  cs_error err = {0, ""};
  /* a directory where the file should go: refused, nothing is left */
  snprintf(path, sizeof path, "%s/out.csv", dir);
  assert_int_equal(mkdir(path, 0700), 0);
  assert_int_equal(cs_report_write(doc, CS_REPORT_CSV, CS_LANG_EN, path, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "out.csv is a folder; only a missing or regular file is replaced"));
  assert_int_equal(count_leftovers(dir), 0);
  assert_int_equal(rmdir(path), 0);
  /* a missing directory */
  snprintf(path, sizeof path, "%s/missing/out.csv", dir);
  assert_int_equal(cs_report_write(doc, CS_REPORT_CSV, CS_LANG_EN, path, &err), CS_EIO);
  assert_non_null(strstr(err.msg, "missing/out.csv"));
  /* written: the whole file, readable by others as fopen would make it */
  snprintf(path, sizeof path, "%s/out.xlsx", dir);
  assert_int_equal(cs_report_write(doc, CS_REPORT_XLSX, CS_LANG_NB, path, &err), 0);
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  char magic[4];
  assert_int_equal(fread(magic, 1, 4, f), 4);
  fclose(f);
  assert_memory_equal(magic, "PK\x03\x04", 4); /* a zip: the workbook */
  struct stat st;
  assert_int_equal(stat(path, &st), 0);
  assert_true(st.st_size > 4000);
  assert_int_equal(st.st_mode & 0777, 0666 & ~022);
  assert_int_equal(count_leftovers(dir), 0);
  unlink(path);
  rmdir(dir);
  cs_doc_free(doc);
}

/* A report written to a file goes out CS_SB_SPILL (256 KB) at a time (cs_sb_spill):
** the file is byte for byte what rendering in memory makes, and a write
** that fails midway (here the file size limit) leaves nothing behind. */
static void streamed_files(void **state) {
  (void)state;
  cs_doc *doc = load();
  cs_doc_run *run = &doc->runs[0];
  cs_doc_row *orig = run->rows;
  size_t norig = run->nrows, n = 20000;
  cs_doc_row *rows = calloc(n, sizeof *rows);
  assert_non_null(rows);
  for (size_t i = 0; i < n; i++) rows[i] = orig[i % 2]; /* shared texts, freed once below */
  run->rows = rows;
  run->nrows = n;
  char dir[] = "/tmp/cs_report_stream_XXXXXX";
  assert_non_null(mkdtemp(dir));
  char path[256];
  cs_error err = {0, ""};
  static const cs_report_format formats[] = {CS_REPORT_CSV, CS_REPORT_CSV_NB, CS_REPORT_JSON, CS_REPORT_HTML,
                                             CS_REPORT_INVOICES};
  for (size_t f = 0; f < sizeof formats / sizeof *formats; f++) {
    char *text = NULL;
    size_t len = 0;
    assert_int_equal(cs_report_render(doc, formats[f], CS_LANG_NB, &text, &len, &err), 0);
    snprintf(path, sizeof path, "%s/out.txt", dir);
    assert_int_equal(cs_report_write(doc, formats[f], CS_LANG_NB, path, &err), 0);
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    char *back = malloc(len + 1);
    assert_non_null(back);
    assert_int_equal(fread(back, 1, len + 1, fp), len);
    fclose(fp);
    if (formats[f] != CS_REPORT_INVOICES) assert_true(len > ((size_t)1 << 20)); /* it spilled */
    assert_memory_equal(back, text, len);
    free(back);
    free(text);
    unlink(path);
  }
  /* the file may not grow past 1.5 MB: the write fails after a spill */
  struct rlimit old, small;
  assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
  small = old;
  small.rlim_cur = 3 << 19;
  void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
  assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
  snprintf(path, sizeof path, "%s/out.json", dir);
  int rc = cs_report_write(doc, CS_REPORT_JSON, CS_LANG_EN, path, &err);
  assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
  signal(SIGXFSZ, prev);
  assert_int_equal(rc, CS_EIO);
  assert_non_null(strstr(err.msg, "out.json: cannot write"));
  assert_int_equal(access(path, F_OK), -1);
  assert_int_equal(count_leftovers(dir), 0);
  rmdir(dir);
  run->rows = orig;
  run->nrows = norig;
  free(rows);
  cs_doc_free(doc);
}

static void names(void **state) {
  (void)state;
  cs_report_format f;
  cs_report_lang l;
  cs_error err = {0, ""};
  assert_int_equal(cs_report_format_from_path("a/B.XLSX", &f, &err), 0);
  assert_int_equal(f, CS_REPORT_XLSX);
  assert_int_equal(cs_report_format_from_path("b.htm", &f, &err), 0);
  assert_int_equal(f, CS_REPORT_HTML);
  assert_int_equal(cs_report_format_from_path("b.pdf", &f, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "b.pdf: cannot tell the format"));
  assert_int_equal(cs_report_format_parse("csv-nb", &f, &err), 0);
  assert_int_equal(f, CS_REPORT_CSV_NB);
  assert_int_equal(cs_report_format_parse("xls", &f, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "unknown format \"xls\""));
  assert_int_equal(cs_report_lang_parse("nb", &l, &err), 0);
  assert_int_equal(l, CS_LANG_NB);
  assert_int_equal(cs_report_lang_parse("nn", &l, &err), CS_EINVAL);
  assert_non_null(strstr(err.msg, "unknown language \"nn\" (en, nb)"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(numbers),      cmocka_unit_test(numbers_as_printf), cmocka_unit_test(comparison_order),      cmocka_unit_test(table_aligned),
      cmocka_unit_test(csv_formats),  cmocka_unit_test(markdown_and_json),
      cmocka_unit_test(html_escaped), cmocka_unit_test(files_whole_or_nothing),
      cmocka_unit_test(streamed_files), cmocka_unit_test(key_in_bokmal),
      cmocka_unit_test(options_in_bokmal),    cmocka_unit_test(csv_cells),
      cmocka_unit_test(names),        cmocka_unit_test(parts_add_up),
      cmocka_unit_test(part_names),   cmocka_unit_test(default_language),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
