/*
** report_lang.c: labels in English or Norwegian bokmål, and numbers as each
** language writes them (report_internal.h). Formatted in code, never through
** a locale: only C.UTF-8 is sure to exist (SPEC §6).
**
** Thousands separators: English "1,234,567"; bokmål "1 234 567" (Språkrådet:
** a space, never a point). Text reports use a regular space, as the rest of
** coopsim does ("740 539" in explanations, tables and the REPL): it is what a
** planner types and searches for, and a terminal never wraps inside a cell.
** HTML uses U+00A0 (no-break space) so that a browser never breaks a figure
** across two lines. Workbooks hold numbers, not text: Excel and LibreOffice
** show the reader's own separators.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fmt_num.h"
#include "report_internal.h"

int cs_report_lang_default(cs_report_lang *out, cs_error *err) {
  *out = CS_LANG_EN;
  const char *v = getenv("COOPSIM_LANG");
  if (!v || !*v) return 0;
  if (cs_report_lang_parse(v, out, NULL) == 0) return 0;
  *out = CS_LANG_EN;
  return cs_error_set(err, CS_EINVAL, "COOPSIM_LANG=\"%s\": unknown language (en, nb)", v);
}

static const struct {
  const char *en, *nb;
} labels[] = {
    {"year", "år"},
    {"code", "kommunenr."},
    {"member", "kommune"},
    {"population", "innbyggere"},
    {"total", "sum"},
    {"due", "forfall"},
    {"payee", "betales til"},
    {"(host)", "(vertskommune)"},
    {"cost", "kostnad"},
    {"grants", "tilskudd"},
    {"net cost", "netto kostnad"},
    {"sum of shares", "sum andeler"},
    {"balance", "differanse"},
    {"members", "medlemmer"},
    {"note", "merknad"},
    {"key", "nøkkel"},
    {"source", "kilde"},
    {"ASSUMPTION", "FORUTSETNING"},
    {"assumption", "forutsetning"},
    {"label", "navn"},
    {"options", "valg"},
    {"comparison of", "sammenligning av"},
    {"Comparison", "Sammenligning"},
    {"diff kr", "endring kr"},
    {"diff %", "endring %"},
    {"withdrawn", "uttrådt"},
    {"not a member", "ikke medlem"},
    {"of the year", "av året"},
    {"past the agreement's end", "etter avtalens slutt"},
    {"scenario", "scenario"},
    {"cooperation", "samarbeid"},
    {"name", "navn"},
    {"population_date", "innbyggertall_dato"},
    {"population_source", "innbyggertall_kilde"},
    {"parts", "deler"},
    {"exact", "eksakt"},
    {"share", "andel"},
    {"shares", "andeler"},
    {"baseline", "utgangspunkt"},
    {"Shares by member", "Andel per kommune"},
    {"Difference from the baseline", "Endring fra utgangspunktet"},
    {"Sum of shares by year", "Sum andeler per år"},
    {"Runs", "Kjøringer"},
    {"Report", "Rapport"},
    {"made by", "laget med"},
    {"made with", "laget med"},
    {"scenario file", "scenariofil"},
    {"Cost and grants", "Kostnad og tilskudd"},
    {"Cost-sharing key", "Fordelingsnøkkel"},
    {"Shares", "Andeler"},
    {"kr", "kr"},
    {"budget year", "budsjettår"},
    {"no differences from the baseline this year", "ingen endringer fra utgangspunktet dette året"},
    {"rounding", "avrunding"},
    {" and ", " og "},
    {"compared with", "sammenlignet med"},
    {"budget years", "budsjettårene"},
    {"Budget year", "Budsjettår"},
    {"from", "fra"},
    {"Made with", "Laget med"},
    {"Populations: Statistics Norway (SSB).", "Innbyggertall: Statistisk sentralbyrå (SSB)."},
    {"Summary: what each member pays, and the change", "Sammendrag: hva hver kommune betaler, og endringen"},
    {"Summary: what each member pays", "Sammendrag: hva hver kommune betaler"},
    {"Kroner per budget year.", "Kroner per budsjettår."},
    {"Beside each figure of a variant: the change from the baseline, the first scenario.",
     "Ved hvert tall i et alternativ: endringen fra utgangspunktet, det første scenarioet."},
    {"Scenarios", "Scenarioer"},
    {"Scenario", "Scenario"},
    {"change", "endring"},
    {"Details", "Detaljer"},
    {"What each member pays", "Hva hver kommune betaler"},
    {"Change from the baseline", "Endring fra utgangspunktet"},
    {"joins", "trer inn"},
    {"withdrawn in the baseline", "uttrådt i utgangspunktet"},
    {"merged", "sammenslått"},
    {"merged into", "slått sammen til"},
    {"total of the rows shown", "sum av radene som vises"},
    {"What each member pays in each scenario, kr (from the comparison)",
     "Hva hver kommune betaler i hvert scenario, kr (fra sammenligningen)"},
    {"population date", "innbyggertall per"},
    {"population source", "kilde for innbyggertall"},
    {"Chart", "Diagram"},
    {"Years", "År"},
    {"Assumptions", "Forutsetninger"},
    {"to", "til"},
    {"what", "hva"},
    {"text", "tekst"},
    {"amount", "beløp"},
    {"grant", "tilskudd"},
    {"cost line", "kostnadslinje"},
    {"key source", "kilde for nøkkelen"},
    {"Statistics Norway (SSB), population on 1 January", "Statistisk sentralbyrå (SSB), innbyggertall 1. januar"},
    {"Population", "Innbyggertall"},
    {"not used by the key", "brukes ikke av nøkkelen"},
    {"shares are whole kroner", "andelene er hele kroner"},
    /* the money cycle (SPEC 7.3): a-konto invoices, the accounts (regnskap)
    ** and the settlement (avregning) of the difference (avvik) */
    {"settlement", "avregning"},
    {"invoice", "faktura"},
    {"difference", "avvik"},
    {"settlement only", "kun avregning"},
    {"actual cost", "kostnad regnskap"},
    {"actual grants", "tilskudd regnskap"},
    {"actual net cost", "netto kostnad regnskap"},
    {"comparison of the invoices (share + settlement) of", "sammenligning av fakturaene (andel + avregning) for"},
    {"Invoiced (share + settlement)", "Fakturert (andel + avregning)"},
    {"Invoiced in budget year", "Fakturert for budsjettåret"},
    {"service", "tjeneste"},
    {"line", "linje"},
    {"instalment", "termin"},
    {"settles", "avregning for"},
    {"Invoices", "Fakturaer"},
    {"Invoiced", "Fakturert"},
    {"Invoice list", "Fakturaliste"},
};

const char *cs_rl_text(cs_report_lang lang, const char *en) {
  if (lang == CS_LANG_EN) return en;
  for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++) {
    if (strcmp(labels[i].en, en) == 0) return labels[i].nb;
  }
  return en;
}

const char *cs_rl_key(cs_report_lang lang, const cs_doc_year *y) {
  return lang == CS_LANG_NB && y->key_nb ? y->key_nb : y->key;
}

/* The heading of one key's name (no service, no "#N"), n bytes of it. */
static void part_base(cs_report_lang lang, const char *name, size_t n, cs_sb *out) {
  static const struct {
    const char *name, *en, *nb;
  } parts[] = {{"equal", "equal", "likt"},
               /* "by population", so the part is not taken for the population column */
               {"population", "by population", "etter innbyggertall"},
               {"base", "base", "grunnbeløp"},
               {"rate", "rate", "per innbygger"},
               {"fixed", "fixed", "fast beløp"},
               {"weights", "weights", "etter vekt"},
               {"custom", "custom", "egen regel"},
               {"band", "band", "etter innbyggertrinn"},
               {"cap", "cap", "tak og gulv"}};
  for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
    if (strlen(parts[i].name) == n && strncmp(parts[i].name, name, n) == 0) {
      cs_sb_add(out, lang == CS_LANG_NB ? parts[i].nb : parts[i].en);
      return;
    }
  }
  if (n > 3 && strncmp(name, "by:", 3) == 0) {
    cs_sb_add(out, lang == CS_LANG_NB ? "etter " : "by ");
    cs_sb_addn(out, name + 3, n - 3);
    return;
  }
  cs_sb_addn(out, name, n);
}

void cs_rl_part(cs_report_lang lang, const char *name, cs_sb *out) {
  /* SERVICE/ before the part: the service's name may hold '/' itself */
  const char *slash = strrchr(name, '/');
  const char *part = slash ? slash + 1 : name;
  if (slash) cs_sb_addn(out, name, (size_t)(part - name));
  /* "#N" after a repeated part */
  size_t n = strlen(part);
  const char *hash = strrchr(part, '#');
  if (hash && hash > part && hash[1] && strspn(hash + 1, "0123456789") == strlen(hash + 1)) n = (size_t)(hash - part);
  part_base(lang, part, n, out);
  if (n < strlen(part)) {
    cs_sb_add(out, " ");
    cs_sb_add(out, part + n);
  }
}

/* ---- the options line ------------------------------------------------------ */

/* One "key=value" setting of the options line in bokmål, appended to out;
** 0 when it is not one coopsim writes (the caller keeps it as written). */
static int option_nb(const char *key, size_t klen, const char *v, cs_sb *out) {
  static const struct {
    const char *key, *value, *nb;
  } fixed[] = {
      {"rounding", "largest_remainder", "avrunding: største rest"},
      {"population_date", "jan1_previous_year", "innbyggertall: 1. januar året før"},
      {"population_date", "jan1_budget_year", "innbyggertall: 1. januar i budsjettåret"},
      {"population_date", "fixed_year", "innbyggertall: fast år"},
      {"exit_year", "full", "utmeldingsåret: helt år"},
      {"exit_year", "months", "utmeldingsåret: etter måneder"},
      {"merger", "whole", "sammenslåing: hele den nye kommunen"},
      {"merger", "member_part", "sammenslåing: medlemmets del"},
      {"merger", "error", "sammenslåing: feil"},
      {"split", "successors", "deling: etterfølgerne"},
      {"split", "error", "deling: feil"},
      {"settle", "next_year", "avregning: på neste års faktura"},
      {"settle", "none", "avregning: vises, faktureres ikke"},
  };
  for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
    if (strlen(fixed[i].key) == klen && memcmp(fixed[i].key, key, klen) == 0 && strcmp(fixed[i].value, v) == 0) {
      cs_sb_add(out, fixed[i].nb);
      return 1;
    }
  if (klen == 9 && memcmp(key, "no_reform", 9) == 0) {
    cs_sb_printf(out, "kommuneinndeling som %s", v);
    return 1;
  }
  if (klen == 8 && memcmp(key, "invoices", 8) == 0) { /* MM-DD,MM-DD: "31.1., 30.4." */
    cs_sb_add(out, "a konto-fakturaer forfaller");
    for (const char *p = v; *p;) {
#define D(c) ((c) >= '0' && (c) <= '9')
      if (!D(p[0]) || !D(p[1]) || p[2] != '-' || !D(p[3]) || !D(p[4])) return 0;
#undef D
      int m = (p[0] - '0') * 10 + (p[1] - '0'), d = (p[3] - '0') * 10 + (p[4] - '0');
      if (m < 1 || m > 12 || d < 1 || d > 31) return 0;
      cs_sb_printf(out, "%s %d.%d.", p == v ? "" : ",", d, m);
      p += 5;
      if (*p == ',') p++;
      else if (*p) return 0;
    }
    return 1;
  }
  /* a table key's year: "PART.year=previous" */
  if (klen > 5 && memcmp(key + klen - 5, ".year", 5) == 0) {
    const char *which = strcmp(v, "previous") == 0 ? "året før budsjettåret"
                        : strcmp(v, "budget") == 0 ? "budsjettåret"
                        : strcmp(v, "none") == 0   ? "tabellen uten år"
                                                   : NULL;
    if (!which) return 0;
    char *part = malloc(klen - 4);
    if (!part) {
      out->oom = 1;
      return 1;
    }
    memcpy(part, key, klen - 5);
    part[klen - 5] = '\0';
    cs_rl_part(CS_LANG_NB, part, out);
    free(part);
    cs_sb_printf(out, ": %s", which);
    return 1;
  }
  return 0;
}

void cs_rl_options(cs_report_lang lang, const char *options, cs_sb *out) {
  if (lang != CS_LANG_NB) {
    cs_sb_add(out, options);
    return;
  }
  /* settings are separated by spaces; a setting's value has none */
  int first = 1;
  for (const char *p = options; *p;) {
    while (*p == ' ') p++;
    if (!*p) break;
    const char *end = strchr(p, ' ');
    size_t n = end ? (size_t)(end - p) : strlen(p);
    const char *eq = memchr(p, '=', n);
    if (!first) cs_sb_add(out, "; ");
    first = 0;
    int done = 0;
    if (eq) {
      char *v = malloc(n - (size_t)(eq - p));
      if (!v) {
        out->oom = 1;
        return;
      }
      memcpy(v, eq + 1, n - (size_t)(eq - p) - 1);
      v[n - (size_t)(eq - p) - 1] = '\0';
      size_t mark = out->len;
      done = option_nb(p, (size_t)(eq - p), v, out);
      if (!done && !out->oom) { /* nothing half written */
        out->len = mark;
        out->s[mark] = '\0';
      }
      free(v);
    }
    if (!done) cs_sb_addn(out, p, n);
    p += n;
  }
}

char *cs_rl_part_dup(cs_report_lang lang, const char *name) {
  cs_sb b = {0};
  cs_rl_part(lang, name, &b);
  char *s = cs_sb_take(&b, NULL);
  cs_sb_free(&b);
  return s;
}

char *cs_rl_part_column(cs_report_lang lang, const char *name) {
  cs_sb b = {0};
  if (lang == CS_LANG_EN) {
    cs_sb_add(&b, "part_");
    cs_sb_add(&b, name);
  } else {
    cs_sb_add(&b, "del_");
    size_t start = b.len;
    cs_rl_part(lang, name, &b);
    for (size_t i = start; !b.oom && i < b.len; i++)
      if (b.s[i] == ' ') b.s[i] = '_';
  }
  char *s = cs_sb_take(&b, NULL);
  cs_sb_free(&b);
  return s;
}

const char *cs_rl_population_source(cs_report_lang lang, const char *source) {
  static const struct {
    const char *code, *en, *nb;
  } sources[] = {{"ssb", "SSB", "SSB"},
                 {"predecessors", "sum of the predecessors", "sum av forgjengerne"},
                 {"proxy", "estimate (proxy)", "anslag"},
                 {"override", "set by the scenario", "satt i scenarioet"}};
  for (size_t i = 0; i < sizeof sources / sizeof sources[0]; i++) {
    if (strcmp(sources[i].code, source) == 0) return lang == CS_LANG_NB ? sources[i].nb : sources[i].en;
  }
  return source;
}

const char *cs_rl_group(cs_report_lang lang, int nbsp) {
  if (lang == CS_LANG_EN) return ",";
  return nbsp ? "\xc2\xa0" : " ";
}

const char *cs_rl_decimal(cs_report_lang lang) { return lang == CS_LANG_EN ? "." : ","; }

/* digits (no sign) grouped by three with sep, appended to buf at *pos */
static void group_digits(const char *digits, size_t n, const char *sep, char *buf, size_t size, size_t *pos) {
  size_t seplen = strlen(sep);
  for (size_t i = 0; i < n; i++) {
    if (i > 0 && (n - i) % 3 == 0) {
      for (size_t k = 0; k < seplen && *pos + 1 < size; k++) buf[(*pos)++] = sep[k];
    }
    if (*pos + 1 < size) buf[(*pos)++] = digits[i];
  }
  buf[*pos] = '\0';
}

/* text (len bytes) into buf as snprintf("%s") would put it: cut to what
** fits, NUL-terminated when size > 0. */
static void put_cut(char *buf, size_t size, const char *text, size_t len) {
  if (size == 0) return;
  if (len > size - 1) len = size - 1;
  memcpy(buf, text, len);
  buf[len] = '\0';
}

char *cs_rl_int(int64_t v, cs_report_lang lang, int nbsp, char *buf, size_t size) {
  char text[1 + CS_FMT_GROUPED_SIZE];
  /* straight into a buf that holds any text (the HTML page's population
  ** cells, 96 000 nationally); through text, to be cut, into a smaller one */
  char *t = size >= sizeof text ? buf : text;
  size_t n = 0;
  /* the magnitude as unsigned, so INT64_MIN is safe */
  uint64_t m = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
  if (v < 0) t[n++] = '-';
  n += cs_fmt_grouped(t + n, m, cs_rl_group(lang, nbsp));
  if (t == text) put_cut(buf, size, text, n);
  return buf;
}

char *cs_rl_money(const char *text, cs_report_lang lang, int nbsp, char *buf, size_t size) {
  const char *p = text;
  if (*p == '-') p++;
  size_t n = strspn(p, "0123456789");
  const char *dec = p + n;
  int ok = n > 0 && (*dec == '\0' || (*dec == '.' && strspn(dec + 1, "0123456789") == strlen(dec + 1)));
  if (!ok) {
    snprintf(buf, size, "%s", text);
    return buf;
  }
  size_t pos = 0;
  if (size == 0) return buf;
  if (text[0] == '-' && size > 1) buf[pos++] = '-';
  group_digits(p, n, cs_rl_group(lang, nbsp), buf, size, &pos);
  int whole = *dec == '\0' || strspn(dec + 1, "0") == strlen(dec + 1);
  if (!whole) snprintf(buf + pos, size - pos, "%s%s", cs_rl_decimal(lang), dec + 1);
  /* "-0.00" reads as 0 */
  if (strcmp(buf, "-0") == 0) snprintf(buf, size, "0");
  return buf;
}

char *cs_rl_percent(int64_t a, int64_t b, cs_report_lang lang, char *buf, size_t size) {
  if (a == 0) {
    put_cut(buf, size, "", 0);
    return buf;
  }
  double pct = ((double)b - (double)a) * 100.0 / (double)a;
  /* "%+.1f %%": cs_fmt_fixed's text, with a '+' in front unless it has a '-' */
  char text[1 + CS_FMT_FIXED_SIZE + 2];
  size_t n = cs_fmt_fixed(text + 1, pct, 1);
  char *p = text + 1;
  if (*p != '-') {
    *--p = '+';
    n++;
  }
  if (lang == CS_LANG_NB) {
    char *dot = memchr(p, '.', n);
    if (dot) *dot = ',';
  }
  memcpy(p + n, " %", 2);
  put_cut(buf, size, p, n + 2);
  return buf;
}

void cs_rl_decimal_comma(const char *text, char *buf, size_t size) {
  size_t i = 0;
  for (; text[i] && i + 1 < size; i++) {
    char ch = text[i];
    if (ch == '.' && i > 0 && text[i - 1] >= '0' && text[i - 1] <= '9' && text[i + 1] >= '0' &&
        text[i + 1] <= '9')
      ch = ',';
    buf[i] = ch;
  }
  if (size) buf[i < size ? i : size - 1] = '\0';
}

size_t cs_rl_width(const char *s) {
  size_t w = 0;
  for (; *s; s++) {
    if (((unsigned char)*s & 0xC0) != 0x80) w++;
  }
  return w;
}

/* Øre of a decimal with two decimals ("-0.44" -> -44); 0 when the text is
** not one or does not fit. */
static int parse_ore(const char *text, int64_t *out) {
  const char *p = text;
  int neg = *p == '-';
  if (neg) p++;
  int64_t v = 0;
  size_t digits = 0;
  for (; *p >= '0' && *p <= '9'; p++, digits++) {
    if (v > (INT64_MAX - 9) / 10) return 0;
    v = v * 10 + (*p - '0');
  }
  if (digits == 0 || p[0] != '.' || !(p[1] >= '0' && p[1] <= '9') || !(p[2] >= '0' && p[2] <= '9') || p[3] ||
      v > (INT64_MAX - 99) / 100)
    return 0;
  v = v * 100 + (p[1] - '0') * 10 + (p[2] - '0');
  *out = neg ? -v : v;
  return 1;
}

void cs_report_year_note(const cs_doc_year *y, cs_report_lang lang, int nbsp, cs_sb *out) {
  int n = 0;
  if (y->agreement_months < 12) {
    cs_sb_printf(out, "%d/12 %s", y->agreement_months, cs_rl_text(lang, "of the year"));
    n++;
  }
  if (y->past_end) {
    cs_sb_printf(out, "%s%s", n++ ? "; " : "", cs_rl_text(lang, "past the agreement's end"));
  }
  /* a cost with øre shared in whole kroner leaves less than a krone over or
  ** under: say where it comes from, so nobody looks for a missing member */
  int64_t balance, net;
  if (y->covers && parse_ore(y->balance, &balance) && parse_ore(y->net, &net) && balance != 0 && net % 100 != 0 &&
      balance > -100 && balance < 100) {
    char buf[64];
    cs_sb_printf(out, "%s%s kr: %s", n++ ? "; " : "", cs_rl_money(y->balance, lang, nbsp, buf, sizeof buf),
                 cs_rl_text(lang, "shares are whole kroner"));
  }
}
