/* Unit tests: the money cycle in reports (SPEC 7.3) — each row's
** difference, settlement and invoice, a member gone invoiced only its
** settlement, the years' accounts beside their budgets, shares by service,
** invoices compared beside shares — in every format and both languages,
** and the invoice list (CSV, csv-nb, workbook). The document is
** tests/reports/money.json, written by hand; the figures expected here are
** worked out by hand from it:
**
**   2023, budget 100 000 shared equally by Lurøy 1834, Træna 1835 and the
**   host Rødøy 1836: 33 334, 33 333, 33 333 (the krone left to the lowest
**   code; its part rounded on its own 33 333 and the rounding 1). Accounts "Budsjett": 110 000 net (115 000 cost, 5 000 grants):
**   actual 36 667, 36 667, 36 666, differences 3 333, 3 334, 3 333. In
**   "Høyere regnskap" 120 000: 40 000 each, differences 6 666, 6 667, 6 667.
**   Quarterly: 33 334 is 8 334 + 8 334 + 8 333 + 8 333, 33 333 is 8 334 +
**   3 x 8 333.
**   2024, budget 120 000: Lurøy gone (invoiced its settlement alone on
**   2024-01-31), Træna and Rødøy 60 000 each, by service Legevakt 45 000
**   (11 250 a quarter) and Barnevern 15 000 (3 750 a quarter). Træna's
**   invoice 60 000 + 3 334 = 63 334 (in the variant 66 667), its first
**   instalment 11 250 + 3 750 + 3 334 = 18 334.
**   Invoiced in all (the host not invoicing itself): 33 334 + 33 333 +
**   3 333 + 63 334 = 133 334; in the variant 33 334 + 33 333 + 6 666 +
**   66 667 = 140 000. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "../../core/report_internal.h"
#include "coopsim/doc.h"
#include "coopsim/readfile.h"
#include "coopsim/report.h"

#define MONEY_JSON CS_SOURCE_DIR "/tests/reports/money.json"
#define COOP "Legevakt og barnevern Træna–Rødøy–Lurøy"

extern char **environ;

static cs_doc *parse(const char *json, size_t len) {
  cs_doc *doc = NULL;
  cs_error err = {0, ""};
  if (cs_doc_from_json(json, len, "test", &doc, &err) != 0 || cs_doc_check(doc, &err) != 0) {
    print_error("%s\n", err.msg);
    fail();
  }
  return doc;
}

static cs_doc *load_money(void) {
  size_t len;
  cs_error err = {0, ""};
  char *text = cs_read_file(MONEY_JSON, &len, &err);
  if (!text) {
    print_error("%s\n", err.msg);
    fail();
  }
  cs_doc *doc = parse(text, len);
  free(text);
  return doc;
}

static char *render(const cs_doc *doc, cs_report_format f, cs_report_lang lang) {
  char *text = NULL;
  size_t len = 0;
  cs_error err = {0, ""};
  if (cs_report_render(doc, f, lang, &text, &len, &err) != 0) {
    print_error("%s\n", err.msg);
    fail();
  }
  assert_int_equal(strlen(text), len);
  return text;
}

/* Runs python3 with the script and arguments (its output to /dev/null
** when quiet); its exit status. */
static int run_python(const char *script, const char *a, const char *b, const char *c, int quiet) {
  char path[512];
  snprintf(path, sizeof path, "%s/tests/reports/%s", CS_SOURCE_DIR, script);
  char *argv[] = {(char *)"/usr/bin/python3", path, (char *)a, (char *)b, (char *)c, NULL};
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  if (quiet) posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  pid_t pid;
  int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) return -1;
  int status;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The line of text that begins with `start` after the first occurrence of
** `after` (NULL: anywhere), its runs of two or more spaces made " | " (the
** cells of an aligned table), into buf. */
static const char *table_line(const char *text, const char *after, const char *start, char *buf, size_t size) {
  const char *p = after ? strstr(text, after) : text;
  assert_non_null(p);
  size_t n = strlen(start);
  for (; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
    if (strncmp(p, start, n) != 0) continue;
    size_t k = 0;
    for (const char *q = p; *q && *q != '\n' && k + 4 < size; q++) {
      if (q[0] == ' ' && q[1] == ' ') {
        while (q[1] == ' ') q++;
        memcpy(buf + k, " | ", 3);
        k += 3;
      } else {
        buf[k++] = *q;
      }
    }
    buf[k] = '\0';
    return buf;
  }
  print_error("no line \"%s\" after \"%s\"\n", start, after ? after : "");
  fail();
  return NULL;
}

#define ASSERT_LINE(text, after, start, want)                                                                    \
  do {                                                                                                            \
    char line_[1024];                                                                                             \
    assert_string_equal(table_line(text, after, start, line_, sizeof line_), want);                              \
  } while (0)

/* The terminal table: settlement, invoice and difference columns, the
** member gone shown with its settlement alone, the accounts beside the
** budget, services after the total, and the invoices compared. */
static void money_table(void **state) {
  (void)state;
  cs_doc *doc = load_money();
  char *t = render(doc, CS_REPORT_TABLE, CS_LANG_EN);
  ASSERT_LINE(t, NULL, "year  code  member",
              "year | code | member | population | equal | Legevakt/equal | Barnevern/equal | rounding | total | "
              "Legevakt | Barnevern | difference | settlement | invoice | due | payee");
  ASSERT_LINE(t, NULL, "2023  1834", "2023 | 1834 | Lurøy | 1,869 | 33,333 | 1 | 33,334 | 3,333 | 0 | 33,334 | 2023-01-31 | Rødøy");
  ASSERT_LINE(t, NULL, "2023  1836", "2023 | 1836 | Rødøy | 1,153 | 33,333 | 0 | 33,333 | 3,333 | 0 | 33,333 | (host)");
  ASSERT_LINE(t, NULL, "2024  1834", "2024 | 1834 | Lurøy (settlement only) | 3,333 | 3,333 | 2024-01-31 | Rødøy");
  ASSERT_LINE(t, NULL, "2024  1835",
              "2024 | 1835 | Træna | 450 | 45,000 | 15,000 | 0 | 60,000 | 45,000 | 15,000 | 3,334 | 63,334 | 2024-01-31 | Rødøy");
  /* the variant's differences and invoices */
  ASSERT_LINE(t, "Høyere regnskap:", "2023  1835", "2023 | 1835 | Træna | 450 | 33,333 | 0 | 33,333 | 6,667 | 0 | 33,333 | 2023-01-31 | Rødøy");
  ASSERT_LINE(t, "Høyere regnskap:", "2024  1835",
              "2024 | 1835 | Træna | 450 | 45,000 | 15,000 | 0 | 60,000 | 45,000 | 15,000 | 6,667 | 66,667 | 2024-01-31 | Rødøy");
  /* the accounts beside the budget; 2024 has none */
  ASSERT_LINE(t, NULL, "year     cost",
              "year | cost | grants | net cost | actual cost | actual grants | actual net cost | sum of shares | balance | "
              "members | note");
  ASSERT_LINE(t, NULL, "2023  100,000", "2023 | 100,000 | 0 | 100,000 | 115,000 | 5,000 | 110,000 | 100,000 | 0 | 3");
  ASSERT_LINE(t, NULL, "2024  120,000", "2024 | 120,000 | 0 | 120,000 | 120,000 | 0 | 2");
  /* the shares compared (Lurøy has none in 2024), then the invoices */
  const char *shares = "comparison of Budsjett, Høyere regnskap (" COOP ")";
  const char *invoices = "comparison of the invoices (share + settlement) of Budsjett, Høyere regnskap (" COOP ")";
  assert_non_null(strstr(t, shares));
  assert_non_null(strstr(t, invoices));
  assert_true(strstr(t, shares) < strstr(t, invoices));
  ASSERT_LINE(t, shares, "2024  1835", "2024 | 1835 | Træna | 60,000 | 60,000 | 0 | +0.0 %");
  ASSERT_LINE(t, shares, "            total", " | total | 100,000 | 100,000 | 0 | +0.0 %");
  /* Lurøy is in the invoices' comparison of 2024, not in the shares' */
  const char *luroy = strstr(strstr(t, shares), "2024  1834");
  assert_true(luroy && luroy > strstr(t, invoices));
  ASSERT_LINE(t, invoices, "2024  1834", "2024 | 1834 | Lurøy | 3,333 | 6,666 | 3,333 | +100.0 %");
  ASSERT_LINE(t, invoices, "2024  1835", "2024 | 1835 | Træna | 63,334 | 66,667 | 3,333 | +5.3 %");
  ASSERT_LINE(t, invoices, "2024  1836", "2024 | 1836 | Rødøy | 63,333 | 66,667 | 3,334 | +5.3 %");
  ASSERT_LINE(strstr(t, "2024  1836  Rødøy     63,333"), NULL, "            total",
              " | total | 130,000 | 140,000 | 10,000 | +7.7 %");
  free(t);
  t = render(doc, CS_REPORT_TABLE, CS_LANG_NB);
  ASSERT_LINE(t, NULL, "  år  kommunenr.",
              " | år | kommunenr. | kommune | innbyggere | likt | Legevakt/likt | Barnevern/likt | avrunding | sum | "
              "Legevakt | Barnevern | avvik | avregning | faktura | forfall | betales til");
  ASSERT_LINE(t, NULL, "2024  1834", "2024 | 1834 | Lurøy (kun avregning) | 3 333 | 3 333 | 2024-01-31 | Rødøy");
  ASSERT_LINE(t, NULL, "2024  1835",
              "2024 | 1835 | Træna | 450 | 45 000 | 15 000 | 0 | 60 000 | 45 000 | 15 000 | 3 334 | 63 334 | 2024-01-31 | Rødøy");
  assert_non_null(strstr(t, "kostnad regnskap  tilskudd regnskap  netto kostnad regnskap"));
  assert_non_null(strstr(t, "sammenligning av fakturaene (andel + avregning) for Budsjett, Høyere regnskap"));
  free(t);
  cs_doc_free(doc);
}

/* CSV: after the rounding a column per service, then difference,
** settlement and invoice; a member gone has no share, parts or rounding. */
static void money_csv(void **state) {
  (void)state;
  cs_doc *doc = load_money();
  char *t = render(doc, CS_REPORT_CSV, CS_LANG_EN);
  assert_non_null(strstr(t, "scenario,cooperation,year,code,name,population,population_date,population_source,parts,"
                            "exact,total,due,payee,part_equal,part_Legevakt/equal,part_Barnevern/equal,rounding,"
                            "service_Legevakt,service_Barnevern,difference,settlement,invoice\n"));
  assert_non_null(strstr(t, "\nBudsjett," COOP ",2023,1834,Lurøy,1869,2022-01-01,ssb,equal=33333.33,33333.33,33334,"
                            "2023-01-31,Rødøy,33333,,,1,,,3333,0,33334\n"));
  assert_non_null(strstr(t, "\nBudsjett," COOP ",2024,1834,Lurøy,,,,,,,2024-01-31,Rødøy,,,,,,,,3333,3333\n"));
  assert_non_null(strstr(t, "\nBudsjett," COOP ",2024,1835,Træna,450,2023-01-01,ssb,Legevakt/equal=45000.00 "
                            "Barnevern/equal=15000.00,60000.00,60000,2024-01-31,Rødøy,,45000,15000,0,45000,15000,,"
                            "3334,63334\n"));
  assert_non_null(strstr(t, "\nHøyere regnskap," COOP ",2024,1836,Rødøy,1153,2023-01-01,ssb,Legevakt/equal=45000.00 "
                            "Barnevern/equal=15000.00,60000.00,60000,,(host),,45000,15000,0,45000,15000,,6667,66667\n"));
  free(t);
  t = render(doc, CS_REPORT_CSV_NB, CS_LANG_NB);
  assert_memory_equal(t, "\xef\xbb\xbf", 3);
  assert_non_null(strstr(t, ";betales til;del_likt;del_Legevakt/likt;del_Barnevern/likt;avrunding;tjeneste_Legevakt;"
                            "tjeneste_Barnevern;avvik;avregning;faktura\n"));
  assert_non_null(strstr(t, "\nBudsjett;" COOP ";2023;1835;Træna;450;2022-01-01;ssb;equal=33333,33;33333,33;33333;"
                            "2023-01-31;Rødøy;33333;;;0;;;3334;0;33333\n"));
  free(t);
  /* read independently: parts and rounding add up to the total, the
  ** services to the total, the invoice is the total and the settlement */
  char dir[] = "/tmp/cs_report_money_XXXXXX", path[256];
  assert_non_null(mkdtemp(dir));
  snprintf(path, sizeof path, "%s/money.expected.csv", dir);
  cs_error err = {0, ""};
  assert_int_equal(cs_report_write(doc, CS_REPORT_CSV, CS_LANG_EN, path, &err), 0);
  assert_int_equal(run_python("golden_columns.py", path, NULL, NULL, 0), 0);
  unlink(path);
  rmdir(dir);
  cs_doc_free(doc);
}

/* Markdown, HTML and JSON carry the same. */
static void money_markdown_html_json(void **state) {
  (void)state;
  cs_doc *doc = load_money();
  char *t = render(doc, CS_REPORT_MD, CS_LANG_NB);
  assert_non_null(strstr(t, "| år | kommunenr. | kommune | innbyggere | likt | Legevakt/likt | Barnevern/likt | avrunding | "
                            "sum | Legevakt | Barnevern | avvik | avregning | faktura | forfall | betales til |\n"));
  assert_non_null(strstr(t, "| 2024 | 1834 | Lurøy (kun avregning) |  |  |  |  |  |  |  |  |  | 3 333 | 3 333 | "
                            "2024-01-31 | Rødøy |\n"));
  assert_non_null(strstr(t, "| 2023 | 100 000 | 0 | 100 000 | 115 000 | 5 000 | 110 000 | 100 000 | 0 | 3 |  |\n"));
  assert_non_null(strstr(t, "## sammenligning av fakturaene (andel + avregning) for Budsjett, Høyere regnskap"));
  assert_non_null(strstr(t, "| 2024 | 1834 | Lurøy | 3 333 | 6 666 | 3 333 | +100,0 % |\n"));
  free(t);
  t = render(doc, CS_REPORT_HTML, CS_LANG_NB);
  /* the summary: what is invoiced only for the year that settles the one before */
  assert_non_null(strstr(t, "<table class=\"summary\" data-field=\"invoice\" data-year=\"2024\""));
  assert_null(strstr(t, "data-field=\"invoice\" data-year=\"2023\""));
  assert_non_null(strstr(t, "<caption>Fakturert for budsjettåret 2024</caption>"));
  /* Lurøy in the invoices' summary: 3 333, then 6 666 and the change +3 333 (+100,0 %) */
  const char *sum = strstr(t, "data-field=\"invoice\" data-year=\"2024\"");
  const char *luroy = strstr(sum, "<tr data-code=\"1834\">");
  assert_non_null(luroy);
  assert_non_null(strstr(luroy, "data-run=\"0\">3\xc2\xa0" "333</td><td class=\"n fig\" data-run=\"1\">6\xc2\xa0" "666</td>"
                                "<td class=\"n chg up\" data-run=\"1\">+3\xc2\xa0" "333 <small>(+100,0 %)</small>"));
  assert_non_null(strstr(t, "<h3>Fakturert (andel + avregning)</h3>\n<table class=\"details\" data-field=\"invoice\">"));
  assert_non_null(strstr(t, "<tr class=\"settlement-only\">"));
  assert_non_null(strstr(t, "Lurøy <span class=\"small\">(kun avregning)</span>"));
  assert_non_null(strstr(t, "<th class=\"n\">netto kostnad regnskap</th>"));
  assert_non_null(strstr(t, "<td class=\"n\">115\xc2\xa0" "000</td><td class=\"n\">5\xc2\xa0" "000</td>"
                            "<td class=\"n\">110\xc2\xa0" "000</td>"));
  assert_non_null(strstr(t, "<td class=\"n\">3\xc2\xa0" "334</td><td class=\"n\">63\xc2\xa0" "334</td>"));
  free(t);
  /* one run: a member-by-year table of shares, then one of what is invoiced */
  doc->nruns = 1;
  t = render(doc, CS_REPORT_HTML, CS_LANG_EN);
  doc->nruns = 2;
  const char *m = strstr(t, "<table class=\"summary matrix\" data-field=\"invoice\"");
  assert_non_null(m);
  assert_non_null(strstr(m, "<caption>Budsjett: Invoiced (share + settlement)</caption>"));
  assert_non_null(strstr(m, "<tr data-code=\"1834\"><td>Lurøy <span class=\"code\">1834</span></td>"
                            "<td class=\"n fig\" data-run=\"0\" data-year=\"2023\">33,334</td>"
                            "<td class=\"n fig\" data-run=\"0\" data-year=\"2024\">3,333</td></tr>"));
  assert_non_null(strstr(m, "data-year=\"2024\">63,334</td>"));
  assert_null(strstr(t, "<h3>Invoiced (share + settlement)</h3>")); /* no comparison of one run */
  free(t);
  t = render(doc, CS_REPORT_JSON, CS_LANG_EN);
  cs_doc *back = parse(t, strlen(t));
  const cs_doc_row *tr = &back->runs[0].rows[4]; /* Træna 2024 */
  assert_string_equal(tr->code, "1835");
  assert_int_equal(tr->ninvoices, 4);
  assert_int_equal(tr->invoices[0].amount, 18334);
  assert_int_equal(tr->invoices[0].lines[2].settles, 2023);
  assert_int_equal(back->runs[0].rows[3].settlement_only, 1);
  assert_string_equal(back->runs[0].years[0].actual_net, "110000.00");
  cs_doc_free(back);
  free(t);
  cs_doc_free(doc);
}

/* Sums the last column (amounts) of the invoice list's lines of one scenario. */
static int64_t sum_amounts(const char *t, const char *scenario, char sep) {
  int64_t sum = 0;
  size_t n = strlen(scenario);
  for (const char *p = strchr(t, '\n'); p && p[1]; p = strchr(p + 1, '\n')) {
    const char *line = p + 1;
    if (strncmp(line, scenario, n) != 0 || line[n] != sep) continue;
    const char *end = strchr(line, '\n');
    const char *last = end;
    while (last > line && last[-1] != sep) last--;
    sum += strtoll(last, NULL, 10); /* whole kroner: the ".00" or ",00" ends the number */
  }
  return sum;
}

/* The invoice list as CSV: a line per share (of a service), instalment and
** settlement, by member and year; the host not invoiced. */
static void invoice_list_csv(void **state) {
  (void)state;
  cs_doc *doc = load_money();
  char *t = render(doc, CS_REPORT_INVOICES, CS_LANG_EN);
  assert_non_null(strstr(t, "scenario,cooperation,payee,year,code,member,due,line,service,instalment,settles,amount\n"
                            "Budsjett," COOP ",Rødøy,2023,1834,Lurøy,2023-01-31,share,,1,,8334.00\n"
                            "Budsjett," COOP ",Rødøy,2023,1834,Lurøy,2023-04-30,share,,2,,8334.00\n"
                            "Budsjett," COOP ",Rødøy,2023,1834,Lurøy,2023-07-31,share,,3,,8333.00\n"
                            "Budsjett," COOP ",Rødøy,2023,1834,Lurøy,2023-10-31,share,,4,,8333.00\n"
                            "Budsjett," COOP ",Rødøy,2024,1834,Lurøy,2024-01-31,settlement,,,2023,3333.00\n"
                            "Budsjett," COOP ",Rødøy,2023,1835,Træna,2023-01-31,share,,1,,8334.00\n"));
  assert_non_null(strstr(t, "Budsjett," COOP ",Rødøy,2024,1835,Træna,2024-01-31,share,Legevakt,1,,11250.00\n"
                            "Budsjett," COOP ",Rødøy,2024,1835,Træna,2024-01-31,share,Barnevern,1,,3750.00\n"
                            "Budsjett," COOP ",Rødøy,2024,1835,Træna,2024-01-31,settlement,,,2023,3334.00\n"
                            "Budsjett," COOP ",Rødøy,2024,1835,Træna,2024-04-30,share,Legevakt,2,,11250.00\n"));
  assert_non_null(strstr(t, "Høyere regnskap," COOP ",Rødøy,2024,1835,Træna,2024-01-31,settlement,,,2023,6667.00\n"));
  assert_null(strstr(t, ",1836,")); /* the host Rødøy is not invoiced */
  assert_int_equal(sum_amounts(t, "Budsjett", ','), 133334);
  assert_int_equal(sum_amounts(t, "Høyere regnskap", ','), 140000);
  size_t lines = 0;
  for (const char *p = t; (p = strchr(p, '\n')); p++) lines++;
  assert_int_equal(lines, 1 + 2 * (4 + 1 + 4 + 8 + 1)); /* per run: Lurøy 4 + 1, Træna 4 + 4 x 2 + 1 */
  free(t);
  /* csv-nb: a BOM, ';', a decimal comma, bokmål, æøå intact */
  t = render(doc, CS_REPORT_INVOICES_NB, CS_LANG_NB);
  assert_memory_equal(t, "\xef\xbb\xbf", 3);
  assert_true(strncmp(t + 3, "scenario;samarbeid;betales til;år;kommunenr.;kommune;forfall;linje;tjeneste;termin;"
                             "avregning for;beløp\n", 98) == 0);
  assert_non_null(strstr(t, "\nBudsjett;Legevakt og barnevern Tr\xc3\xa6na\xe2\x80\x93R\xc3\xb8" "d\xc3\xb8y\xe2\x80\x93"
                            "Lur\xc3\xb8y;R\xc3\xb8" "d\xc3\xb8y;2024;1835;Tr\xc3\xa6na;2024-01-31;andel;Legevakt;1;;11250,00\n"));
  assert_non_null(strstr(t, ";2024;1834;Lurøy;2024-01-31;avregning;;;2023;3333,00\n"));
  assert_null(strstr(t, ".00"));
  assert_int_equal(sum_amounts(t, "Budsjett", ';'), 133334);
  free(t);
  /* invoices-nb in English: the separators of Norwegian Excel, English words */
  t = render(doc, CS_REPORT_INVOICES_NB, CS_LANG_EN);
  assert_non_null(strstr(t, ";2024-01-31;settlement;;;2023;3333,00\n"));
  free(t);
  cs_doc_free(doc);
}

/* A document without the money cycle: one invoice per member and year, its
** share (a line per service), due on the row's due date or none; the host
** and a share of 0 kr are not invoiced; names that look like formulas are
** kept as text. A row with the money cycle but no instalments listed: its
** share and its settlement on the row's due date. */
static void invoice_list_without_instalments(void **state) {
  (void)state;
  static const char json[] =
      "{\"runs\":[{\"scenario\":\"=Base\",\"from\":2024,\"to\":2024,\"rows\":["
      " {\"year\":2024,\"code\":\"0301\",\"name\":\"Oslo\",\"cooperation\":\"K\",\"total\":1200,\"exact\":\"1200.00\","
      "  \"payee\":\"@Host\",\"due\":\"2024-03-01\",\"parts\":[]},"
      " {\"year\":2024,\"code\":\"1833\",\"name\":\"Rana\",\"cooperation\":\"K\",\"total\":900,\"exact\":\"900.00\","
      "  \"host\":true,\"parts\":[]},"
      " {\"year\":2024,\"code\":\"1835\",\"name\":\"Træna\",\"cooperation\":\"K\",\"total\":300,\"exact\":\"300.00\","
      "  \"payee\":\"Rana\",\"services\":[{\"name\":\"A; B\",\"kroner\":100},{\"name\":\"C\",\"kroner\":200},"
      "  {\"name\":\"D\",\"kroner\":0}],\"parts\":[]},"
      " {\"year\":2024,\"code\":\"1836\",\"name\":\"Rødøy\",\"cooperation\":\"K\",\"total\":0,\"exact\":\"0.00\","
      "  \"payee\":\"Rana\",\"parts\":[]},"
      " {\"year\":2024,\"code\":\"1837\",\"name\":\"Meløy\",\"cooperation\":\"K\",\"total\":1000,\"exact\":\"1000.00\","
      "  \"payee\":\"Rana\",\"due\":\"2024-02-01\",\"settlement\":-500,\"invoice\":500,\"parts\":[]}],"
      " \"years\":[]}]}";
  cs_doc *doc = parse(json, strlen(json));
  char *t = render(doc, CS_REPORT_INVOICES, CS_LANG_EN);
  assert_string_equal(t, "scenario,cooperation,payee,year,code,member,due,line,service,instalment,settles,amount\n"
                         "\"'=Base\",K,\"'@Host\",2024,0301,Oslo,2024-03-01,share,,,,1200.00\n"
                         "\"'=Base\",K,Rana,2024,1835,Træna,,share,A; B,,,100.00\n"
                         "\"'=Base\",K,Rana,2024,1835,Træna,,share,C,,,200.00\n"
                         "\"'=Base\",K,Rana,2024,1837,Meløy,2024-02-01,share,,,,1000.00\n"
                         "\"'=Base\",K,Rana,2024,1837,Meløy,2024-02-01,settlement,,,2023,-500.00\n");
  free(t);
  t = render(doc, CS_REPORT_INVOICES_NB, CS_LANG_EN);
  assert_non_null(strstr(t, ";K;Rana;2024;1835;Træna;;share;\"A; B\";;;100,00\n"));
  assert_non_null(strstr(t, ";settlement;;;2023;-500,00\n"));
  free(t);
  cs_doc_free(doc);
  /* no runs: the header alone */
  cs_doc *empty = parse("{\"runs\":[]}", 11);
  t = render(empty, CS_REPORT_INVOICES, CS_LANG_EN);
  assert_string_equal(t, "scenario,cooperation,payee,year,code,member,due,line,service,instalment,settles,amount\n");
  free(t);
  cs_doc_free(empty);
}

/* The workbooks, read back by openpyxl: the invoice list (written to a
** .xlsx name with either invoice format, in both languages) and the report
** workbook of a document with the money cycle. A .csv name gets the CSV. */
static void workbooks(void **state) {
  (void)state;
  cs_doc *doc = load_money();
  char dir[] = "/tmp/cs_report_money_XXXXXX";
  assert_non_null(mkdtemp(dir));
  char path[256];
  cs_error err = {0, ""};
  snprintf(path, sizeof path, "%s/fakturaer.XLSX", dir);
  assert_int_equal(cs_report_write(doc, CS_REPORT_INVOICES_NB, CS_LANG_NB, path, &err), 0);
  assert_int_equal(run_python("invoices_check.py", path, MONEY_JSON, "nb", 0), 0);
  assert_int_equal(run_python("invoices_check.py", path, MONEY_JSON, "en", 1), 1); /* the check bites */
  snprintf(path, sizeof path, "%s/invoices.xlsx", dir);
  assert_int_equal(cs_report_write(doc, CS_REPORT_INVOICES, CS_LANG_EN, path, &err), 0);
  assert_int_equal(run_python("invoices_check.py", path, MONEY_JSON, "en", 0), 0);
  unlink(path);
  snprintf(path, sizeof path, "%s/book.xlsx", dir);
  assert_int_equal(cs_report_write(doc, CS_REPORT_XLSX, CS_LANG_NB, path, &err), 0);
  assert_int_equal(run_python("xlsx_check.py", path, MONEY_JSON, "nb", 0), 0);
  unlink(path);
  snprintf(path, sizeof path, "%s/invoices.csv", dir);
  assert_int_equal(cs_report_write(doc, CS_REPORT_INVOICES, CS_LANG_EN, path, &err), 0);
  size_t len;
  char *text = cs_read_file(path, &len, &err);
  assert_non_null(text);
  assert_true(strncmp(text, "scenario,cooperation,payee,", 27) == 0);
  free(text);
  unlink(path);
  snprintf(path, sizeof path, "%s/fakturaer.XLSX", dir);
  unlink(path);
  assert_int_equal(rmdir(dir), 0);
  cs_doc_free(doc);
}

/* A settlement-only row that carries parts and services anyway (a forged
** or damaged document): no format shows a share for it. */
static void settlement_only_has_no_share(void **state) {
  (void)state;
  static const char json[] =
      "{\"runs\":[{\"scenario\":\"S\",\"from\":2024,\"to\":2024,\"rows\":["
      " {\"year\":2024,\"code\":\"1834\",\"name\":\"Lurøy\",\"cooperation\":\"K\",\"total\":0,\"exact\":\"0.00\","
      "  \"settlement\":777,\"invoice\":777,\"settlement_only\":true,\"services\":[{\"name\":\"A\",\"kroner\":55}],"
      "  \"parts\":[{\"name\":\"equal\",\"rounded\":44,\"exact\":\"44.00\"}]},"
      " {\"year\":2024,\"code\":\"1835\",\"name\":\"Træna\",\"cooperation\":\"K\",\"total\":100,\"exact\":\"100.00\","
      "  \"settlement\":0,\"invoice\":100,\"services\":[{\"name\":\"A\",\"kroner\":100}],"
      "  \"parts\":[{\"name\":\"equal\",\"rounded\":100,\"exact\":\"100.00\"}]}],\"years\":[]}]}";
  cs_doc *doc = parse(json, strlen(json));
  char *t = render(doc, CS_REPORT_TABLE, CS_LANG_EN);
  ASSERT_LINE(t, NULL, "2024  1834", "2024 | 1834 | Lurøy (settlement only) | 777 | 777");
  free(t);
  t = render(doc, CS_REPORT_CSV, CS_LANG_EN);
  assert_non_null(strstr(t, "\nS,K,2024,1834,Lurøy,,,,,,,,,,,,,777,777\n"));
  free(t);
  t = render(doc, CS_REPORT_HTML, CS_LANG_EN);
  assert_null(strstr(t, ">44<"));
  assert_null(strstr(t, ">55<"));
  free(t);
  t = render(doc, CS_REPORT_INVOICES, CS_LANG_EN);
  assert_non_null(strstr(t, "\nS,K,,2024,1834,Lurøy,,settlement,,,2023,777.00\n"));
  assert_null(strstr(t, ",55.00"));
  free(t);
  cs_doc_free(doc);
}

/* The formats' names: the invoice list is asked for by name, never by a
** file's extension. */
static void format_names(void **state) {
  (void)state;
  cs_report_format f;
  cs_error err = {0, ""};
  assert_int_equal(cs_report_format_parse("invoices", &f, &err), 0);
  assert_int_equal(f, CS_REPORT_INVOICES);
  assert_int_equal(cs_report_format_parse("invoices-nb", &f, &err), 0);
  assert_int_equal(f, CS_REPORT_INVOICES_NB);
  assert_string_equal(cs_report_format_name(CS_REPORT_INVOICES_NB), "invoices-nb");
  assert_true(cs_report_format_is_text(CS_REPORT_INVOICES));
  assert_int_equal(cs_report_format_parse("invoice", &f, &err), CS_EINVAL);
  assert_string_equal(err.msg, "unknown format \"invoice\" (table, csv, csv-nb, json, md, xlsx, html, invoices, "
                               "invoices-nb)");
  assert_int_equal(cs_report_format_from_path("invoices.csv", &f, &err), 0);
  assert_int_equal(f, CS_REPORT_CSV);
  assert_int_equal(cs_report_format_from_path("fakturaer.xlsx", &f, &err), 0);
  assert_int_equal(f, CS_REPORT_XLSX);
}

/* What a document carries beyond its budget decides the columns; a
** document without it is unchanged (tests/reports/same_outputs.sh checks
** every shipped scenario's reports byte for byte). */
static void features(void **state) {
  (void)state;
  cs_doc *doc = load_money();
  unsigned f = cs_report_features(doc->runs, doc->nruns, NULL);
  assert_int_equal(f, CS_RF_MONEY | CS_RF_DIFFERENCE | CS_RF_SETTLEMENTS | CS_RF_ACCOUNTS | CS_RF_SERVICES);
  assert_int_equal(cs_report_features(doc->runs, doc->nruns, "another"), 0);
  assert_true(cs_report_no_share(&doc->runs[0].rows[3]));
  assert_false(cs_report_no_share(&doc->runs[0].rows[4]));
  size_t n = 0;
  int oom = 0;
  const char **s = cs_report_service_names(doc->runs, 1, COOP, &n, &oom);
  assert_int_equal(n, 2);
  assert_string_equal(s[0], "Legevakt");
  assert_string_equal(s[1], "Barnevern");
  free((void *)s);
  cs_doc_free(doc);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(money_table),        cmocka_unit_test(money_csv),
      cmocka_unit_test(money_markdown_html_json), cmocka_unit_test(invoice_list_csv),
      cmocka_unit_test(invoice_list_without_instalments), cmocka_unit_test(workbooks),
      cmocka_unit_test(format_names),       cmocka_unit_test(features),
      cmocka_unit_test(settlement_only_has_no_share),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
