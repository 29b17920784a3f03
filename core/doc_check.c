/*
** doc_check.c: a result document made elsewhere (a worker process, a run
** store, a JSON file) checked before any report is made of it (doc.h,
** cs_doc_check).
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "coopsim/date.h"
#include "coopsim/doc.h"
#include "coopsim/party.h"
#include "coopsim/text.h"

#define KRONER_MAX 9007199254740992LL /* 2^53 */
#define RUN_SUM_MAX (1LL << 61)       /* sums and their differences stay in 63 bits */
#define YEAR_MIN 1838
#define YEAR_MAX 9999

/* Where the check is, written out only for a message: a national document
** has a hundred thousand rows, and formatting each one's place was a
** quarter of the check. */
typedef struct ctx {
  int texts_checked; /* the document's texts were checked where they came in */
  cs_error *err;
  int64_t sum;       /* the run's absolute kroner so far */
  long run;          /* -1: none */
  const char *scenario; /* the run's name, once checked */
  const cs_doc_row *row; /* with row_i; or the year with year_i */
  const cs_doc_year *year;
  size_t row_i, year_i;
  const char *sub;   /* "parts", "lines", "grant_list", "events", or NULL */
  size_t sub_i;
  /* the dates last found good: a document's rows share their few dates (an
  ** interned text is one pointer), and nothing changes it while it is
  ** checked, so a pointer seen good is good */
  const char *good_date[2];
} ctx;

static void where(const ctx *c, char *buf, size_t size) {
  size_t n = 0;
  buf[0] = '\0';
#define ADD(...) (n += (size_t)snprintf(buf + n, n < size ? size - n : 0, __VA_ARGS__), n = n < size ? n : size)
  if (c->run < 0) return;
  if (c->scenario) ADD("runs[%ld] \"%.60s\"", c->run, c->scenario);
  else ADD("runs[%ld]", c->run);
  if (c->row) ADD(", rows[%zu] %d %.16s", c->row_i, c->row->year, c->row->code);
  else if (c->year) ADD(", years[%zu] %d", c->year_i, c->year->year);
  if (c->sub) ADD(", %s[%zu]", c->sub, c->sub_i);
#undef ADD
}

static int bad(ctx *c, const char *field, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static int bad(ctx *c, const char *field, const char *fmt, ...) {
  char why[256], at[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, sizeof why, fmt, ap);
  va_end(ap);
  where(c, at, sizeof at);
  return cs_error_set(c->err, CS_EINVAL, "%s%sfield \"%s\": %s", at, at[0] ? ", " : "", field, why);
}

static int text_slow(ctx *c, const char *field, const char *s, int required) {
  char why[128];
  if (!s) return required ? bad(c, field, "missing") : 0;
  if (c->texts_checked) return 0;
  if (cs_text_check(s, strlen(s), why, sizeof why)) return bad(c, field, "%s", why);
  return 0;
}

/* A text field: present when required, and a text cs_text_check lets
** through. Inline for a document whose texts were checked as they came in
** (a worker's): some ten fields a row come here just to be passed. */
static inline int text(ctx *c, const char *field, const char *s, int required) {
  if (s && c->texts_checked) return 0;
  return text_slow(c, field, s, required);
}

static int year(ctx *c, const char *field, int y) {
  if (y < YEAR_MIN || y > YEAR_MAX) return bad(c, field, "year %d outside %d..%d", y, YEAR_MIN, YEAR_MAX);
  return 0;
}

static int range(ctx *c, const char *field, long long v, long long lo, long long hi) {
  if (v < lo || v > hi) return bad(c, field, "%lld outside %lld..%lld", v, lo, hi);
  return 0;
}

/* Whole kroner within ±2^53, counted into the run's sum. */
static int kroner(ctx *c, const char *field, int64_t v) {
  if (v > KRONER_MAX || v < -KRONER_MAX) return bad(c, field, "%lld kroner is beyond 2^53", (long long)v);
  c->sum += v < 0 ? -v : v;
  if (c->sum > RUN_SUM_MAX) return bad(c, field, "the run's amounts add up to more than 2^61 kroner");
  return 0;
}

/* "-1234.50": an optional sign, 1 to 18 digits, a point and two decimals. */
/* How many of the bytes at p are digits 0-9 (strspn(p, "0123456789"),
** without its set built for each call: every amount of a document comes here). */
static size_t ndigits(const char *p) {
  size_t n = 0;
  while (p[n] >= '0' && p[n] <= '9') n++;
  return n;
}

static int decimal2(ctx *c, const char *field, const char *s) {
  if (!s) return bad(c, field, "missing");
  const char *p = s[0] == '-' ? s + 1 : s;
  size_t n = ndigits(p);
  if (n == 0 || n > 18 || p[n] != '.' || ndigits(p + n + 1) != 2 || p[n + 3] != '\0')
    return bad(c, field, "\"%.40s\" is not an amount with two decimals", s);
  return 0;
}

/* The cents of an amount decimal2 accepted, in *out; -1 when it has more
** than 16 digits before the point (then it is beyond 2^53 kroner, and no
** whole number of kroner within 2^53 is near it: a row's exact share or
** part against its whole kroner; a year's figures use wide_cents). */
static int cents(const char *s, int64_t *out) {
  int neg = s[0] == '-';
  const char *p = s + neg;
  int64_t v = 0;
  for (; *p != '.'; p++) v = v * 10 + (*p - '0'); /* at most 18 digits (decimal2): below 2^63 */
  if (p - s - neg > 16) return -1;
  v = v * 100 + (p[1] - '0') * 10 + (p[2] - '0');
  *out = neg ? -v : v;
  return 0;
}

/* The cents of an amount decimal2 accepted, however large: its at most 18
** digits before the point make less than 10^20 cents, and a sum of a few
** such stays far inside 128 bits. For the year's figures, which cs_doc_check
** does not bound by 2^53 kroner: a net of 10^16 kroner or more and its
** balance cancel out to shares of a few kroner. */
static __int128 wide_cents(const char *s) {
  int neg = s[0] == '-';
  __int128 v = 0;
  const char *p = s + neg;
  for (; *p != '.'; p++) v = v * 10 + (*p - '0');
  v = v * 100 + (p[1] - '0') * 10 + (p[2] - '0');
  return neg ? -v : v;
}

/* |a - b| < limit for a whole number of kroner a (in cents, a * 100) and an
** amount b in cents; kroner within 2^53 times 100 stays in 63 bits. */
static int near(int64_t kroner_v, int64_t cents_v, int64_t limit) {
  int64_t d = kroner_v * 100 - cents_v;
  return d > -limit && d < limit;
}

static int date(ctx *c, const char *field, const char *s) {
  cs_date d;
  cs_error ignored;
  if (!s || s == c->good_date[0] || s == c->good_date[1]) return 0;
  if (cs_date_parse(&d, s, &ignored)) return bad(c, field, "\"%.40s\" is not a date YYYY-MM-DD", s);
  c->good_date[1] = c->good_date[0];
  c->good_date[0] = s;
  return 0;
}

/* Four digits ("1833"), a hypothetical merger's H and three digits, or a
** party's id (party.h: 1-16 of A-Z a-z 0-9 _ -, a letter first). */
static int code(ctx *c, const char *s) {
  size_t n = strlen(s);
  int municipal = n == 4 && ((s[0] >= '0' && s[0] <= '9') || s[0] == 'H') && ndigits(s + 1) == 3;
  if (!municipal && cs_party_id_check(s, NULL, NULL) != 0)
    return bad(c, "code", "\"%.20s\" is neither a municipality's code nor a party's id", s);
  return 0;
}

/* Services, and the money cycle's figures: an invoice is the sum of its
** lines, the row's invoice the sum of its invoices, and share + settlement. */
static int check_money(ctx *c, const cs_doc_row *r) {
  if (r->nservices && !r->services) return bad(c, "services", "missing");
  for (size_t i = 0; i < r->nservices; i++)
    if (text(c, "services.name", r->services[i].name, 1) || kroner(c, "services.kroner", r->services[i].kroner))
      return CS_EINVAL;
  if (!r->money) {
    if (r->settlement || r->invoice || r->difference || r->settlement_only || r->ninvoices)
      return bad(c, "invoice", "money figures in a row without the money cycle");
    return 0;
  }
  if (range(c, "settlement_only", r->settlement_only, 0, 1) || kroner(c, "settlement", r->settlement) ||
      kroner(c, "invoice", r->invoice) || kroner(c, "difference", r->difference))
    return CS_EINVAL;
  if (r->settlement_only && r->total != 0) return bad(c, "total", "a settlement-only row has no share");
  if (r->invoice != r->total + r->settlement)
    return bad(c, "invoice", "%lld is not the share %lld plus the settlement %lld", (long long)r->invoice,
               (long long)r->total, (long long)r->settlement);
  if (r->ninvoices && !r->invoices) return bad(c, "invoices", "missing");
  int64_t sum = 0;
  for (size_t i = 0; i < r->ninvoices; i++) {
    const cs_doc_invoice *inv = &r->invoices[i];
    int64_t lines = 0;
    if (!inv->due) return bad(c, "invoices.due", "missing");
    if (date(c, "invoices.due", inv->due) || kroner(c, "invoices.amount", inv->amount)) return CS_EINVAL;
    if (inv->nlines && !inv->lines) return bad(c, "invoices.lines", "missing");
    for (size_t k = 0; k < inv->nlines; k++) {
      const cs_doc_invoice_line *l = &inv->lines[k];
      if (!l->kind || (strcmp(l->kind, "share") != 0 && strcmp(l->kind, "settlement") != 0))
        return bad(c, "invoices.lines.kind", "\"%.20s\" is neither \"share\" nor \"settlement\"",
                   l->kind ? l->kind : "");
      if (text(c, "invoices.lines.service", l->service, 0) || range(c, "invoices.lines.instalment", l->instalment, 0, 366) ||
          range(c, "invoices.lines.settles", l->settles, 0, YEAR_MAX) ||
          kroner(c, "invoices.lines.amount", l->amount))
        return CS_EINVAL;
      lines += l->amount;
    }
    if (lines != inv->amount)
      return bad(c, "invoices.amount", "%lld is not the sum of its lines (%lld)", (long long)inv->amount,
                 (long long)lines);
    sum += inv->amount;
  }
  if (r->ninvoices && sum != r->invoice)
    return bad(c, "invoices", "they sum to %lld, not to the invoice %lld", (long long)sum, (long long)r->invoice);
  return 0;
}

/* The relations between a row's figures that every simulated row has (SPEC
** 1.3, 7.5): its total is its exact share rounded to one of the two whole
** kroner around it (the largest-remainder correction may take the other),
** or with services the sum of its services' shares, each so rounded; each
** part is its exact amount rounded on its own (to the nearer krone: at most
** 50 øre away, share_fx.c cs_fx_cents), and the exact parts,
** each to the cent, add up to the exact share within a cent a part. A row
** without parts shares nothing. Checked after every figure alone. */
static int row_relations(ctx *c, const cs_doc_row *r) {
  int64_t exact, limit = 100;
  if (r->nservices > 1 && __builtin_mul_overflow((int64_t)100, (int64_t)r->nservices, &limit)) limit = INT64_MAX;
  if (cents(r->exact, &exact) || !near(r->total, exact, limit))
    return bad(c, "total", "%lld kroner is not the exact share %.40s rounded", (long long)r->total, r->exact);
  if (r->nservices) {
    int64_t sum = 0;
    for (size_t i = 0; i < r->nservices; i++) sum += r->services[i].kroner; /* each within 2^53 */
    if (sum != r->total)
      return bad(c, "services", "they sum to %lld, not to the total %lld", (long long)sum, (long long)r->total);
  }
  if (!r->nparts) {
    if (exact != 0) return bad(c, "parts", "none, but the exact share is %.40s", r->exact);
    return 0;
  }
  int64_t sum = 0;
  c->sub = "parts";
  for (size_t i = 0; i < r->nparts; i++) {
    int64_t e;
    c->sub_i = i;
    if (cents(r->parts[i].exact, &e) || !near(r->parts[i].rounded, e, 51))
      return bad(c, "rounded", "%lld kroner is not the exact part %.40s rounded", (long long)r->parts[i].rounded,
                 r->parts[i].exact);
    if (__builtin_add_overflow(sum, e, &sum)) /* each within a krone of 2^53 kroner; many may not fit */
      return bad(c, "exact", "the parts' exact amounts add up to more than 2^63 øre");
  }
  c->sub = NULL;
  int64_t d = sum - exact;
  if (d < -(int64_t)r->nparts || d > (int64_t)r->nparts)
    return bad(c, "parts", "their exact amounts add up to %lld.%02lld, not to the exact share %.40s",
               (long long)(sum / 100), (long long)((sum < 0 ? -sum : sum) % 100), r->exact);
  return 0;
}

static int check_row(ctx *c, const cs_doc_run *run, const cs_doc_row *r) {
  if (year(c, "year", r->year)) return CS_EINVAL;
  if (r->year < run->from || r->year > run->to)
    return bad(c, "year", "%d is outside the run (%d..%d)", r->year, run->from, run->to);
  if (code(c, r->code) || text(c, "name", r->name, 1) || text(c, "given", r->given, 0) ||
      text(c, "merged", r->merged, 0) || text(c, "cooperation", r->cooperation, 1) ||
      range(c, "population", r->population, -1, KRONER_MAX) || date(c, "population_date", r->population_date) ||
      text(c, "population_source", r->population_source, 0) || range(c, "months", r->months, 0, 12) ||
      range(c, "charged_months", r->charged_months, 0, 12) || range(c, "host", r->host, 0, 1) ||
      text(c, "payee", r->payee, 0) || date(c, "due", r->due) || kroner(c, "total", r->total) ||
      decimal2(c, "exact", r->exact))
    return CS_EINVAL;
  if (r->nparts && !r->parts) return bad(c, "parts", "missing");
  if (check_money(c, r)) return CS_EINVAL;
  c->sub = "parts";
  for (size_t i = 0; i < r->nparts; i++) {
    const cs_doc_part *p = &r->parts[i];
    c->sub_i = i;
    if (text(c, "name", p->name, 1) || kroner(c, "rounded", p->rounded) || decimal2(c, "exact", p->exact) ||
        text(c, "explain", p->explain, 0))
      return CS_EINVAL;
  }
  c->sub = NULL;
  return 0;
}

static int amounts(ctx *c, const char *what, const cs_doc_amount *a, size_t n) {
  if (n && !a) return bad(c, what, "missing");
  c->sub = what;
  for (size_t i = 0; i < n; i++) {
    c->sub_i = i;
    if (text(c, "name", a[i].name, 1) || decimal2(c, "amount", a[i].amount)) return CS_EINVAL;
  }
  c->sub = NULL;
  return 0;
}

static int check_events(ctx *c, const cs_doc_year *y) {
  static const char *const kinds[] = {"notice", "gone", "merged", "split", "joins", NULL};
  if (y->nevents && !y->events) return bad(c, "events", "missing");
  c->sub = "events";
  for (size_t i = 0; i < y->nevents; i++) {
    const cs_doc_event *e = &y->events[i];
    c->sub_i = i;
    int known = 0;
    for (const char *const *k = kinds; e->kind && *k; k++) known |= strcmp(e->kind, *k) == 0;
    if (!known) return bad(c, "kind", "\"%.20s\" is no event", e->kind ? e->kind : "");
    if (!e->code || code(c, e->code) || text(c, "name", e->name, 1) || !e->date || date(c, "date", e->date) ||
        date(c, "until", e->until) || (e->other_code && code(c, e->other_code)) ||
        text(c, "other_name", e->other_name, 0))
      return e->code && e->date ? CS_EINVAL : bad(c, e->code ? "date" : "code", "missing");
    if ((e->kind[0] == 'n' || e->kind[0] == 'g') && !e->until) return bad(c, "until", "missing");
  }
  c->sub = NULL;
  return 0;
}

static int check_year(ctx *c, const cs_doc_year *y) {
  if (year(c, "year", y->year) || text(c, "cooperation", y->cooperation, 1) ||
      range(c, "members", y->members, 0, 1000000) || decimal2(c, "cost", y->cost) ||
      decimal2(c, "grants", y->grants) || decimal2(c, "net", y->net) || decimal2(c, "balance", y->balance) ||
      kroner(c, "sum_shares", y->sum_shares) || text(c, "key", y->key, 1) ||
      text(c, "key_nb", y->key_nb, 0) ||
      text(c, "key_label", y->key_label, 0) || text(c, "key_source", y->key_source, 0) ||
      text(c, "key_assumption", y->key_assumption, 0) ||
      range(c, "agreement_months", y->agreement_months, 0, 12) || range(c, "covers", y->covers, 0, 1) ||
      range(c, "past_end", y->past_end, 0, 1) || amounts(c, "lines", y->lines, y->nlines) ||
      amounts(c, "grant_list", y->grant_list, y->ngrants) || check_events(c, y) ||
      (y->actual_cost && decimal2(c, "actual_cost", y->actual_cost)) ||
      (y->actual_grants && decimal2(c, "actual_grants", y->actual_grants)) ||
      (y->actual_net && decimal2(c, "actual_net", y->actual_net)))
    return CS_EINVAL;
  return 0;
}

static int year_order(const void *pa, const void *pb) {
  const cs_doc_year *a = *(const cs_doc_year *const *)pa, *b = *(const cs_doc_year *const *)pb;
  if (a->year != b->year) return a->year < b->year ? -1 : 1;
  return a->cooperation == b->cooperation ? 0 : strcmp(a->cooperation, b->cooperation);
}

/* The relations between a run's years and its rows that every simulated run
** has: its years span its period (the first is `from`, the last `to`; a run
** has a year for every year of its period), every row belongs to a year of
** its cooperation, and a year's sum of shares is the sum of its rows'
** totals. Rows come ordered by year and cooperation (doc.h), so each group
** of rows is looked up once among the sorted years. */
static int run_relations(ctx *c, const cs_doc_run *run) {
  if (!run->nyears) return run->nrows ? bad(c, "years", "none, but the run has rows") : 0;
  int lo = run->years[0].year, hi = lo;
  for (size_t j = 1; j < run->nyears; j++) {
    if (run->years[j].year < lo) lo = run->years[j].year;
    if (run->years[j].year > hi) hi = run->years[j].year;
  }
  if (lo != run->from || hi != run->to)
    return bad(c, "to", "the run is %d-%d, but its years are %d-%d", run->from, run->to, lo, hi);
  const cs_doc_year **sorted = malloc(run->nyears * sizeof *sorted);
  int64_t *sums = calloc(run->nyears, sizeof *sums);
  int rc = 0;
  if (!sorted || !sums) {
    rc = cs_error_set(c->err, CS_ENOMEM, "out of memory checking a document");
    goto done;
  }
  for (size_t j = 0; j < run->nyears; j++) sorted[j] = &run->years[j];
  qsort(sorted, run->nyears, sizeof *sorted, year_order);
  for (size_t i = 0; i < run->nrows && !rc;) {
    const cs_doc_row *first = &run->rows[i];
    cs_doc_year key = {.year = first->year, .cooperation = first->cooperation};
    const cs_doc_year *pkey = &key;
    const cs_doc_year **found = bsearch(&pkey, sorted, run->nyears, sizeof *sorted, year_order);
    int64_t sum = 0;
    size_t j = i;
    for (; j < run->nrows && run->rows[j].year == first->year &&
           (run->rows[j].cooperation == first->cooperation ||
            strcmp(run->rows[j].cooperation, first->cooperation) == 0);
         j++)
      sum += run->rows[j].total; /* the run's kroner add up to at most 2^61 (kroner()) */
    if (!found) {
      c->row = first, c->row_i = i;
      rc = bad(c, "year", "the run has no year %d of \"%.60s\"", first->year, first->cooperation);
      c->row = NULL;
    } else {
      sums[*found - run->years] += sum;
    }
    i = j;
  }
  for (size_t j = 0; j < run->nyears && !rc; j++)
    if (sums[j] != run->years[j].sum_shares) {
      c->year = &run->years[j], c->year_i = j;
      rc = bad(c, "sum_shares", "%lld is not the sum of the year's shares (%lld)",
               (long long)run->years[j].sum_shares, (long long)sums[j]);
      c->year = NULL;
    }
  /* the net cost is the cost less the grants, and the balance the shares'
  ** sum less the net cost: each figure is its exact value rounded to the
  ** øre, so their roundings leave at most an øre between the two sides
  ** (three halves of one, and a whole number of øre) */
  for (size_t j = 0; j < run->nyears && !rc; j++) {
    const cs_doc_year *y = &run->years[j];
    __int128 net = wide_cents(y->net);
    __int128 off_net = wide_cents(y->cost) - wide_cents(y->grants) - net;
    __int128 off_balance = (__int128)y->sum_shares * 100 - net - wide_cents(y->balance);
    c->year = y, c->year_i = j;
    if (off_net < -1 || off_net > 1)
      rc = bad(c, "net", "%s is not the cost %s less the grants %s", y->net, y->cost, y->grants);
    else if (off_balance < -1 || off_balance > 1)
      rc = bad(c, "balance", "%s is not the shares' sum %lld less the net cost %s", y->balance,
               (long long)y->sum_shares, y->net);
    c->year = NULL;
  }
done:
  free(sorted);
  free(sums);
  return rc;
}

/* Run i of doc alone (cs_doc_check_run), in c. */
static int check_run(ctx *c, const cs_doc *doc, size_t i) {
  const cs_doc_run *run = &doc->runs[i];
  c->sum = 0;
  c->run = (long)i;
  c->scenario = NULL;
  if (text(c, "scenario", run->scenario, 1)) return CS_EINVAL;
  c->scenario = run->scenario;
  if (year(c, "from", run->from) || year(c, "to", run->to) || text(c, "options", run->options, 0))
    return CS_EINVAL;
  if (run->to < run->from) return bad(c, "to", "the run ends (%d) before it starts (%d)", run->to, run->from);
  if ((run->nrows && !run->rows) || (run->nyears && !run->years)) return bad(c, "rows", "missing");
  for (size_t j = 0; j < run->nrows; j++) {
    c->row = &run->rows[j], c->row_i = j;
    if (check_row(c, run, c->row)) return CS_EINVAL;
  }
  c->row = NULL;
  for (size_t j = 0; j < run->nyears; j++) {
    c->year = &run->years[j], c->year_i = j;
    if (check_year(c, c->year)) return CS_EINVAL;
  }
  c->year = NULL;
  return 0;
}

int cs_doc_check(const cs_doc *doc, cs_error *err) {
  /* the head's texts are not in the document's arena: checked here always */
  ctx c = {0, err, 0, -1, NULL, NULL, NULL, 0, 0, NULL, 0, {NULL, NULL}};
  if (text(&c, "coopsim", doc->coopsim_version, 0) || text(&c, "scenario_file", doc->scenario_file, 0))
    return CS_EINVAL;
  c.texts_checked = doc->texts_checked;
  if (doc->nruns && !doc->runs) return bad(&c, "runs", "missing");
  for (size_t i = 0; i < doc->nruns; i++)
    if (check_run(&c, doc, i)) return CS_EINVAL;
  return 0;
}

int cs_doc_check_run(const cs_doc *doc, size_t i, cs_error *err) {
  ctx c = {doc->texts_checked, err, 0, -1, NULL, NULL, NULL, 0, 0, NULL, 0, {NULL, NULL}};
  if (i >= doc->nruns || !doc->runs) return bad(&c, "runs", "missing");
  return check_run(&c, doc, i);
}

int cs_doc_check_run_relations(const cs_doc *doc, size_t i, cs_error *err) {
  ctx c = {1, err, 0, -1, NULL, NULL, NULL, 0, 0, NULL, 0, {NULL, NULL}};
  const cs_doc_run *run = &doc->runs[i];
  c.run = (long)i;
  c.scenario = run->scenario;
  for (size_t j = 0; j < run->nrows; j++) {
    c.row = &run->rows[j], c.row_i = j;
    if (row_relations(&c, c.row)) return CS_EINVAL;
  }
  c.row = NULL;
  return run_relations(&c, run);
}

int cs_doc_check_relations(const cs_doc *doc, cs_error *err) {
  for (size_t i = 0; i < doc->nruns; i++) {
    int rc = cs_doc_check_run_relations(doc, i, err);
    if (rc) return rc;
  }
  return 0;
}
