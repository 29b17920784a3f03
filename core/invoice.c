/*
** invoice.c: the instalments of the money cycle (invoice.h, SPEC 7.3).
*/
#include <inttypes.h>
#include <string.h>
#include "coopsim/invoice.h"

#define KRONER_MAX (INT64_C(1) << 53) /* the result document's limit (doc.h) */

static int two_digits(const char *s, int *out) {
  if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9') return 0;
  *out = (s[0] - '0') * 10 + (s[1] - '0');
  return 1;
}

/* The reason text is not a day of every year, or NULL when it is one. */
static const char *day_problem(const char *text, cs_invoice_day *out) {
  int m, d;
  if (strlen(text) != 5 || text[2] != '-' || !two_digits(text, &m) || !two_digits(text + 3, &d))
    return "is not a date \"MM-DD\" (e.g. \"01-31\")";
  if (m == 2 && d == 29) return "is not a day of every year (no 02-29: use \"02-28\" or \"03-01\")";
  /* 2001 is not a leap year: its days are the days of every year */
  if (!cs_date_valid(2001, m, d)) return "is no day of the year";
  out->month = m;
  out->day = d;
  return NULL;
}

int cs_invoice_day_parse(const char *text, cs_invoice_day *out, cs_error *err) {
  if (!text) return cs_error_set(err, CS_EINVAL, "a date \"MM-DD\" is missing");
  const char *why = day_problem(text, out);
  return why ? cs_error_set(err, CS_EINVAL, "\"%.40s\" %s", text, why) : 0;
}

static int day_cmp(cs_invoice_day a, cs_invoice_day b) {
  if (a.month != b.month) return a.month < b.month ? -1 : 1;
  return (a.day > b.day) - (a.day < b.day);
}

int cs_invoice_dates_parse(cs_invoice_dates *out, const char *const *texts, size_t n, cs_error *err) {
  if (n == 0 || !texts) return cs_error_set(err, CS_EINVAL, "invoices: give at least one date \"MM-DD\"");
  cs_invoice_day prev = {0, 0};
  for (size_t i = 0; i < n; i++) {
    cs_invoice_day d;
    if (!texts[i]) return cs_error_set(err, CS_EINVAL, "invoices[%zu]: a date \"MM-DD\" is missing", i + 1);
    const char *why = day_problem(texts[i], &d);
    if (why) return cs_error_set(err, CS_EINVAL, "invoices[%zu]: \"%.40s\" %s", i + 1, texts[i], why);
    if (i > 0 && day_cmp(prev, d) >= 0)
      return cs_error_set(err, CS_EINVAL,
                          "invoices[%zu]: \"%s\" does not come after \"%s\" (the dates must be strictly increasing)",
                          i + 1, texts[i], texts[i - 1]);
    /* strictly increasing days of a year without 02-29 are at most 365 */
    if (i >= CS_INVOICE_DATES_MAX) return cs_error_set(err, CS_EINVAL, "invoices: more than 365 dates");
    prev = d;
  }
  /* written only now: a refused list leaves *out as it was */
  for (size_t i = 0; i < n; i++) day_problem(texts[i], &out->day[i]);
  out->n = n;
  return 0;
}

void cs_invoice_room(const cs_invoice_schedule *s, size_t nshares, size_t *max_invoices, size_t *max_lines) {
  size_t k = s && s->dates && s->dates->n > 0 ? s->dates->n : 1;
  *max_invoices = k;
  *max_lines = k * nshares + 1;
}

/* The schedule's own check: what cs_invoice_dates_parse and the field `due`
** promise, for a schedule made by hand. */
static int check_schedule(const cs_invoice_schedule *s, cs_error *err) {
  if (s->dates) {
    if (s->dates->n == 0 || s->dates->n > CS_INVOICE_DATES_MAX)
      return cs_error_set(err, CS_EINVAL, "invoices: %zu dates (1 to 365)", s->dates->n);
    for (size_t i = 0; i < s->dates->n; i++) {
      cs_invoice_day d = s->dates->day[i];
      if (!cs_date_valid(2001, d.month, d.day) || (i > 0 && day_cmp(s->dates->day[i - 1], d) >= 0))
        return cs_error_set(err, CS_EINVAL, "invoices[%zu]: %02d-%02d is not a day after the one before", i + 1,
                            d.month % 100, d.day % 100);
    }
  } else if (s->has_due && !cs_date_valid(2001, s->due.month, s->due.day)) {
    return cs_error_set(err, CS_EINVAL, "due: %02d-%02d is not a day of every year", s->due.month % 100,
                        s->due.day % 100);
  }
  return 0;
}

static int check_member(const cs_invoice_member *m, cs_error *err) {
  char a[11], b[11];
  if (m->year < 1 || m->year > 9999) return cs_error_set(err, CS_EINVAL, "invoice for year %d (1..9999)", m->year);
  if (m->settlement > KRONER_MAX || m->settlement < -KRONER_MAX)
    return cs_error_set(err, CS_EINVAL, "a settlement of %" PRId64 " kroner is beyond 2^53", m->settlement);
  if (!m->member) return 0;
  if (!cs_date_valid(m->first.year, m->first.month, m->first.day) ||
      !cs_date_valid(m->last.year, m->last.month, m->last.day) || m->first.year != m->year ||
      m->last.year != m->year || cs_date_cmp(m->first, m->last) > 0)
    return cs_error_set(err, CS_EINVAL, "membership %s to %s is not a period within %d",
                        cs_date_format(m->first, a), cs_date_format(m->last, b), m->year);
  if (m->nshares && !m->shares) return cs_error_set(err, CS_EINVAL, "%zu shares missing", m->nshares);
  for (size_t i = 0; i < m->nshares; i++)
    if (m->shares[i].amount > KRONER_MAX || m->shares[i].amount < -KRONER_MAX)
      return cs_error_set(err, CS_EINVAL, "a share of %" PRId64 " kroner is beyond 2^53", m->shares[i].amount);
  return 0;
}

/* The k-th (0-based) of n instalments of amount: |amount| / n, the first
** |amount| mod n one krone more, with amount's sign. */
static int64_t instalment_part(int64_t amount, size_t k, size_t n) {
  uint64_t mag = amount < 0 ? (uint64_t)0 - (uint64_t)amount : (uint64_t)amount;
  uint64_t part = mag / n + (k < mag % n ? 1 : 0);
  return amount < 0 ? -(int64_t)part : (int64_t)part;
}

int cs_invoice_make(const cs_invoice_schedule *s, const cs_invoice_member *m, cs_invoice *invoices,
                    size_t *ninvoices, cs_invoice_line *lines, size_t *nlines, cs_error *err) {
  *ninvoices = *nlines = 0;
  static const cs_invoice_schedule none = {NULL, 0, {0, 0}};
  if (!s) s = &none;
  int rc = check_schedule(s, err);
  if (rc || (rc = check_member(m, err))) return rc;
  /* the member's dates: dates[from .. to) of the schedule, or the one date `only` */
  cs_date only = {m->year, 1, 1};
  size_t from = 0, to = 0;
  if (!m->member) {
    if (s->dates) only = (cs_date){m->year, s->dates->day[0].month, s->dates->day[0].day};
    else if (s->has_due) only = (cs_date){m->year, s->due.month, s->due.day};
  } else if (s->dates) {
    while (from < s->dates->n &&
           cs_date_cmp((cs_date){m->year, s->dates->day[from].month, s->dates->day[from].day}, m->first) < 0)
      from++;
    to = from;
    while (to < s->dates->n &&
           (m->full_year ||
            cs_date_cmp((cs_date){m->year, s->dates->day[to].month, s->dates->day[to].day}, m->last) <= 0))
      to++;
    if (from == to) only = m->first;
  } else {
    only = s->has_due ? (cs_date){m->year, s->due.month, s->due.day} : m->first;
  }
  size_t k = to > from ? to - from : 1;
  size_t nl = 0, ni = 0;
  for (size_t i = 0; i < k; i++) {
    cs_invoice *inv = &invoices[ni];
    inv->due = to > from ? (cs_date){m->year, s->dates->day[from + i].month, s->dates->day[from + i].day} : only;
    inv->amount = 0;
    inv->first_line = nl;
    inv->nlines = 0;
    for (size_t j = 0; m->member && j < m->nshares; j++) {
      int64_t part = instalment_part(m->shares[j].amount, i, k);
      if (part == 0) continue;
      lines[nl++] = (cs_invoice_line){CS_INVOICE_SHARE, m->shares[j].service, (int)(i + 1), 0, part};
      inv->nlines++;
      if (__builtin_add_overflow(inv->amount, part, &inv->amount)) goto overflow;
    }
    if (i == 0 && m->settlement != 0) {
      lines[nl++] = (cs_invoice_line){CS_INVOICE_SETTLEMENT, NULL, 0, m->year - 1, m->settlement};
      inv->nlines++;
      if (__builtin_add_overflow(inv->amount, m->settlement, &inv->amount)) goto overflow;
    }
    if (inv->nlines > 0) ni++; /* an invoice with no line is not sent */
  }
  *ninvoices = ni;
  *nlines = nl;
  return 0;
overflow:
  return cs_error_set(err, CS_EOVERFLOW, "the invoice of %d does not add up within 64 bits", m->year);
}
