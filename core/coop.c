/*
** coop.c: building a cooperation agreement (coop.h).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "coop_internal.h"

#define GROW(arr, n)                                                  \
  do {                                                                \
    void *p_ = realloc((arr), ((n) + 1) * sizeof *(arr));             \
    if (!p_) return cs_error_set(err, CS_ENOMEM, "out of memory");    \
    (arr) = p_;                                                       \
  } while (0)

static int copy_name(char *dst, size_t size, const char *src, const char *what, cs_error *err) {
  if (!src || !*src) return cs_error_set(err, CS_EINVAL, "%s must not be empty", what);
  if (strlen(src) >= size)
    return cs_error_set(err, CS_EINVAL, "%s \"%.40s...\" is longer than %zu bytes", what, src,
                        size - 1);
  memcpy(dst, src, strlen(src) + 1);
  return CS_OK;
}

/* A copy of s ("" for NULL), or NULL when out of memory. */
static char *dup_text(const char *s) {
  if (!s) s = "";
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d) memcpy(d, s, n);
  return d;
}

static void member_free(cs_member *m) {
  free(m->given);
  free(m->part_exits);
  free(m->party_name);
  free(m->munis);
  free(m->pop_years);
  free(m->pops);
}

cs_coop *cs_coop_new(const char *name) {
  cs_coop *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  if (!(c->name = dup_text(name))) {
    free(c);
    return NULL;
  }
  c->popdate = CS_POPDATE_PREVIOUS_YEAR;
  c->notice.months = 12;
  c->notice.from = CS_NOTICE_NEXT_JAN1;
  c->prorate_period = 1;
  return c;
}

void cs_coop_free(cs_coop *c) {
  if (!c) return;
  for (size_t i = 0; i < c->nlines; i++) {
    free(c->lines[i].of);
    free(c->lines[i].sets);
  }
  for (size_t i = 0; i < c->ngrants; i++) free(c->grants[i].covers);
  for (size_t i = 0; i < c->nkeys; i++) cs_key_free(c->keys[i].key);
  for (size_t i = 0; i < c->nvmergers; i++) free(c->vmergers[i].parts);
  for (size_t i = 0; i < c->nmembers; i++) member_free(&c->members[i]);
  for (size_t i = 0; i < c->nservices; i++) {
    free(c->services[i].name);
    free(c->services[i].members);
  }
  free(c->services);
  free(c->accounts);
  free(c->name);
  free(c->payee);
  free(c->vmergers);
  free(c->members);
  free(c->lines);
  free(c->grants);
  free(c->keys);
  free(c->growths);
  free(c);
}

const char *cs_coop_name(const cs_coop *c) { return c->name; }

int cs_coop_set_host(cs_coop *c, const char *code, cs_date at, cs_error *err) {
  (void)at;
  if (!code || strlen(code) != 4) return cs_error_set(err, CS_EINVAL, "invalid host code");
  memcpy(c->host, code, 5);
  c->has_host = 1;
  c->host_party = 0;
  return CS_OK;
}

int cs_coop_set_host_party(cs_coop *c, const char *id, cs_error *err) {
  int rc = cs_party_id_check(id, NULL, err);
  if (rc) return rc;
  memcpy(c->host, id, strlen(id) + 1);
  c->has_host = 1;
  c->host_party = 1;
  return CS_OK;
}

int cs_coop_set_payee(cs_coop *c, const char *payee, cs_error *err) {
  if (!payee || !*payee) return cs_error_set(err, CS_EINVAL, "payee must not be empty");
  char *p = dup_text(payee);
  if (!p) return cs_error_set(err, CS_ENOMEM, "out of memory");
  free(c->payee);
  c->payee = p;
  c->has_payee_code = 0;
  return CS_OK;
}

int cs_coop_set_payee_code(cs_coop *c, const char *code, cs_error *err) {
  if (!code || strlen(code) != 4) return cs_error_set(err, CS_EINVAL, "invalid payee code");
  memcpy(c->payee_code, code, 5);
  c->has_payee_code = 1;
  free(c->payee);
  c->payee = NULL;
  return CS_OK;
}

int cs_coop_set_period(cs_coop *c, cs_date from, int has_to, cs_date to, cs_error *err) {
  if (has_to && cs_date_cmp(to, from) < 0) {
    char a[11], b[11];
    return cs_error_set(err, CS_EINVAL, "agreement ends (%s) before it starts (%s)",
                        cs_date_format(to, a), cs_date_format(from, b));
  }
  c->has_period = 1;
  c->from = from;
  c->has_to = has_to;
  c->to = to;
  return CS_OK;
}

int cs_coop_set_base_year(cs_coop *c, int year, cs_error *err) {
  if (year < 1900 || year > 2200)
    return cs_error_set(err, CS_EINVAL, "base_year %d is out of range (1900..2200)", year);
  c->has_base_year = 1;
  c->base_year = year;
  return CS_OK;
}

int cs_coop_set_growth(cs_coop *c, int from_year, const cs_q *wage, const cs_q *price,
                       cs_error *err) {
  cs_q minus1;
  cs_q_from_i64(&minus1, -1);
  if (cs_q_cmp(wage, &minus1) <= 0 || cs_q_cmp(price, &minus1) <= 0)
    return cs_error_set(err, CS_EINVAL, "growth must be greater than -1 (-100 %%)");
  GROW(c->growths, c->ngrowths);
  cs_growth_period *g = &c->growths[c->ngrowths++];
  g->from_year = from_year;
  g->wage = *wage;
  g->price = *price;
  return CS_OK;
}

int cs_coop_set_popdate(cs_coop *c, cs_popdate kind, int fixed_year, cs_error *err) {
  if (kind == CS_POPDATE_FIXED && (fixed_year < 1900 || fixed_year > 2200))
    return cs_error_set(err, CS_EINVAL, "population year %d is out of range", fixed_year);
  c->popdate = kind;
  c->pop_fixed_year = fixed_year;
  return CS_OK;
}

int cs_coop_set_notice(cs_coop *c, const cs_notice *rule, cs_error *err) {
  if (rule->months < 0 || rule->months > 1200)
    return cs_error_set(err, CS_EINVAL, "notice of %d months is out of range (0..1200)",
                        rule->months);
  c->notice = *rule;
  c->has_notice = 1;
  return CS_OK;
}

void cs_coop_set_part_year(cs_coop *c, cs_part_year rule) { c->part_year = rule; }
void cs_coop_set_merger(cs_coop *c, cs_merger rule) { c->merger = rule; }
void cs_coop_set_split(cs_coop *c, cs_split rule) { c->split = rule; }
void cs_coop_set_prorate_period(cs_coop *c, int on) { c->prorate_period = on; }

int cs_coop_set_due(cs_coop *c, int month, int day, cs_error *err) {
  if (!cs_date_valid(2001, month, day)) /* a non-leap year: 02-29 is refused */
    return cs_error_set(err, CS_EINVAL, "invalid due date %02d-%02d (expected MM-DD)", month, day);
  if (c->has_invoices)
    return cs_error_set(err, CS_EINVAL,
                        "%s: give `invoices` (the instalment dates) or `due`, not both", c->name);
  c->has_due = 1;
  c->due_month = month;
  c->due_day = day;
  return CS_OK;
}

int cs_coop_set_invoices(cs_coop *c, const cs_invoice_dates *dates, cs_error *err) {
  if (c->has_due)
    return cs_error_set(err, CS_EINVAL,
                        "%s: give `invoices` (the instalment dates) or `due`, not both", c->name);
  if (!dates || dates->n == 0 || dates->n > CS_INVOICE_DATES_MAX)
    return cs_error_set(err, CS_EINVAL, "%s: invoices: give 1 to %d dates", c->name,
                        CS_INVOICE_DATES_MAX);
  c->invoices = *dates;
  c->has_invoices = 1;
  return CS_OK;
}

void cs_coop_set_settle(cs_coop *c, cs_settle rule) {
  c->settle = rule;
  c->has_settle = 1;
}

int cs_coop_set_accounts(cs_coop *c, int year, size_t service, const cs_q *cost, const cs_q *grants,
                         cs_error *err) {
  if (year < 1900 || year > 2200)
    return cs_error_set(err, CS_EINVAL, "accounts for %d: the year is out of range (1900..2200)", year);
  if (service >= (c->nservices ? c->nservices : 1))
    return cs_error_set(err, CS_EINVAL, "accounts for %d: %s has no service %zu", year, c->name,
                        service + 1);
  const cs_q *amount[2] = {cost, grants};
  static const char *const what[2] = {"cost", "grants"};
  for (int i = 0; i < 2; i++) {
    if (!amount[i] || cs_q_sign(amount[i]) >= 0) continue;
    char v[64];
    cs_q_format_exact(amount[i], v, sizeof v);
    return cs_error_set(err, CS_EINVAL, "accounts for %d: %s must not be negative (got %s)", year,
                        what[i], v);
  }
  if (!cost) return cs_error_set(err, CS_EINVAL, "accounts for %d: the cost is missing", year);
  cs_accounts a;
  memset(&a, 0, sizeof a);
  a.year = year;
  a.service = service;
  a.cost = *cost;
  a.has_grants = grants != NULL;
  if (grants) a.grants = *grants;
  for (size_t i = 0; i < c->naccounts; i++)
    if (c->accounts[i].year == year && c->accounts[i].service == service) {
      c->accounts[i] = a; /* a later call replaces */
      return CS_OK;
    }
  GROW(c->accounts, c->naccounts);
  c->accounts[c->naccounts++] = a;
  return CS_OK;
}

static cs_member *find_member(cs_coop *c, const char *code) {
  for (size_t i = 0; i < c->nmembers; i++)
    if (strcmp(c->members[i].code, code) == 0) return &c->members[i];
  return NULL;
}

/* A new member slot with code and given copied; NULL with err set. */
static cs_member *new_member(cs_coop *c, const char *code, const char *given, cs_date anchor,
                             int joined, cs_error *err) {
  if (find_member(c, code)) {
    cs_error_set(err, CS_EINVAL, "%s (%s) is already a member", code, given ? given : code);
    return NULL;
  }
  cs_member *g = realloc(c->members, (c->nmembers + 1) * sizeof *g);
  if (!g) {
    cs_error_set(err, CS_ENOMEM, "out of memory");
    return NULL;
  }
  c->members = g;
  cs_member *m = &c->members[c->nmembers];
  memset(m, 0, sizeof *m);
  if (!(m->given = dup_text(given ? given : code))) {
    cs_error_set(err, CS_ENOMEM, "out of memory");
    return NULL;
  }
  memcpy(m->code, code, strlen(code) + 1);
  m->anchor = anchor;
  m->joined = joined;
  c->nmembers++;
  return m;
}

int cs_coop_add_member(cs_coop *c, const char *code, cs_date anchor, int joined,
                       const char *given, cs_error *err) {
  if (!code || strlen(code) != 4) return cs_error_set(err, CS_EINVAL, "invalid member code");
  return new_member(c, code, given, anchor, joined, err) ? CS_OK : err ? err->code : CS_EINVAL;
}

int cs_coop_add_party(cs_coop *c, const char *id, const char *name, const char *const *munis,
                      size_t nmunis, const int *years, const int64_t *pops, size_t npops,
                      cs_date anchor, int joined, cs_error *err) {
  int rc = cs_party_id_check(id, NULL, err);
  if (rc) return rc;
  if (!name || !*name) return cs_error_set(err, CS_EINVAL, "party %s needs a name", id);
  if (nmunis == 0 && npops == 0)
    return cs_error_set(err, CS_EINVAL,
                        "party %s needs municipalities or a population", id);
  if (nmunis > 0 && npops > 0)
    return cs_error_set(err, CS_EINVAL,
                        "party %s: give municipalities or a population, not both", id);
  if (!years && npops > 1)
    return cs_error_set(err, CS_EINVAL, "party %s: one population, or one per year", id);
  for (size_t i = 0; i < nmunis; i++) {
    if (!munis[i] || strlen(munis[i]) != 4)
      return cs_error_set(err, CS_EINVAL, "party %s: invalid municipality code", id);
    for (size_t j = 0; j < i; j++)
      if (strcmp(munis[i], munis[j]) == 0)
        return cs_error_set(err, CS_EINVAL, "party %s lists municipality %s twice", id, munis[i]);
  }
  for (size_t i = 0; i < npops; i++) {
    if (pops[i] < 0)
      return cs_error_set(err, CS_EINVAL, "party %s: population %lld is negative", id,
                          (long long)pops[i]);
    for (size_t j = 0; years && j < i; j++)
      if (years[i] == years[j])
        return cs_error_set(err, CS_EINVAL, "party %s: population for %d given twice", id,
                            years[i]);
  }
  char *pname = dup_text(name);
  char (*m5)[5] = nmunis ? malloc(nmunis * sizeof *m5) : NULL;
  int *py = years && npops ? malloc(npops * sizeof *py) : NULL;
  int64_t *pp = npops ? malloc(npops * sizeof *pp) : NULL;
  if (!pname || (nmunis && !m5) || (years && npops && !py) || (npops && !pp)) {
    free(pname), free(m5), free(py), free(pp);
    return cs_error_set(err, CS_ENOMEM, "out of memory");
  }
  for (size_t i = 0; i < nmunis; i++) memcpy(m5[i], munis[i], 5);
  for (size_t i = 0; i < npops; i++) {
    pp[i] = pops[i];
    if (py) py[i] = years[i];
  }
  cs_member *m = new_member(c, id, name, anchor, joined, err);
  if (!m) {
    free(pname), free(m5), free(py), free(pp);
    return err ? err->code : CS_EINVAL;
  }
  m->party = 1;
  m->party_name = pname;
  m->munis = m5;
  m->nmunis = nmunis;
  m->pop_years = py;
  m->pops = pp;
  m->npops = npops;
  return CS_OK;
}

int cs_coop_withdraw(cs_coop *c, const char *code, cs_date given, cs_error *err) {
  cs_member *m = find_member(c, code);
  if (!m) return cs_error_set(err, CS_ENOTFOUND, "%s is not a member of %s", code, c->name);
  cs_date exit;
  int rc = cs_notice_period(&c->notice, given, NULL, NULL, &exit, err);
  if (rc) return rc;
  m->has_exit = 1;
  m->notice_given = given;
  m->exit = exit;
  return CS_OK;
}

int cs_coop_withdraw_part(cs_coop *c, const char *code, const char *part, cs_date given,
                          cs_error *err) {
  cs_member *m = find_member(c, code);
  if (!m) return cs_error_set(err, CS_ENOTFOUND, "%s is not a member of %s", code, c->name);
  if (!part || strlen(part) != 4) return cs_error_set(err, CS_EINVAL, "invalid code of a part");
  cs_date exit;
  int rc = cs_notice_period(&c->notice, given, NULL, NULL, &exit, err);
  if (rc) return rc;
  cs_part_exit *e = NULL;
  for (size_t i = 0; i < m->npart_exits; i++)
    if (strcmp(m->part_exits[i].code, part) == 0) e = &m->part_exits[i];
  if (!e) {
    GROW(m->part_exits, m->npart_exits);
    e = &m->part_exits[m->npart_exits++];
    memcpy(e->code, part, 5);
  }
  e->notice_given = given;
  e->exit = exit;
  return CS_OK;
}

int cs_coop_remove_member(cs_coop *c, const char *code, cs_error *err) {
  cs_member *m = find_member(c, code);
  if (!m) return cs_error_set(err, CS_ENOTFOUND, "%s is not a member of %s", code, c->name);
  size_t i = (size_t)(m - c->members);
  member_free(m);
  memmove(m, m + 1, (c->nmembers - i - 1) * sizeof *m);
  c->nmembers--;
  return CS_OK;
}

static cs_cost_line *find_line(cs_coop *c, const char *name) {
  for (size_t i = 0; i < c->nlines; i++)
    if (strcmp(c->lines[i].name, name) == 0) return &c->lines[i];
  return NULL;
}

static int new_line(cs_coop *c, const char *name, cs_cost_line **out, cs_error *err) {
  cs_cost_line tmp;
  memset(&tmp, 0, sizeof tmp);
  int rc = copy_name(tmp.name, sizeof tmp.name, name, "cost line name", err);
  if (rc) return rc;
  if (find_line(c, name)) return cs_error_set(err, CS_EINVAL, "cost line \"%s\" given twice", name);
  GROW(c->lines, c->nlines);
  tmp.service = c->current_service;
  c->lines[c->nlines] = tmp;
  *out = &c->lines[c->nlines++];
  return CS_OK;
}

static int check_amount(const cs_q *a, const char *what, const char *name, cs_error *err) {
  if (cs_q_sign(a) < 0) {
    char v[64];
    cs_q_format_exact(a, v, sizeof v);
    return cs_error_set(err, CS_EINVAL, "%s of \"%s\" must not be negative (got %s)", what,
                        name, v);
  }
  return CS_OK;
}

int cs_coop_add_cost(cs_coop *c, const char *name, const cs_q *amount, cs_growth growth,
                     cs_error *err) {
  int rc = check_amount(amount, "amount", name ? name : "", err);
  if (rc) return rc;
  cs_cost_line *l;
  if ((rc = new_line(c, name, &l, err))) return rc;
  l->amount = *amount;
  l->growth = growth;
  return CS_OK;
}

int cs_coop_add_derived_cost(cs_coop *c, const char *name, const cs_q *rate,
                             const char *const *of, size_t nof, cs_error *err) {
  int rc = check_amount(rate, "rate", name ? name : "", err);
  if (rc) return rc;
  if (nof == 0) return cs_error_set(err, CS_EINVAL, "cost line \"%s\": `of` names no lines", name);
  char (*names)[64] = calloc(nof, sizeof *names);
  if (!names) return cs_error_set(err, CS_ENOMEM, "out of memory");
  for (size_t i = 0; i < nof; i++)
    if ((rc = copy_name(names[i], sizeof names[i], of[i], "cost line name", err))) {
      free(names);
      return rc;
    }
  cs_cost_line *l;
  if ((rc = new_line(c, name, &l, err))) {
    free(names);
    return rc;
  }
  l->derived = 1;
  l->amount = *rate;
  l->of = names;
  l->nof = nof;
  return CS_OK;
}

int cs_coop_set_cost(cs_coop *c, const char *name, const cs_q *amount, int from_year,
                     cs_error *err) {
  cs_cost_line *l = find_line(c, name);
  if (!l) return cs_error_set(err, CS_ENOTFOUND, "no cost line named \"%s\"", name);
  int rc = check_amount(amount, l->derived ? "rate" : "amount", name, err);
  if (rc) return rc;
  GROW(l->sets, l->nsets);
  size_t i = l->nsets;
  /* keep sorted by year; a later call for the same year replaces */
  for (size_t j = 0; j < l->nsets; j++)
    if (l->sets[j].from_year == from_year) {
      l->sets[j].amount = *amount;
      return CS_OK;
    }
  while (i > 0 && l->sets[i - 1].from_year > from_year) {
    l->sets[i] = l->sets[i - 1];
    i--;
  }
  l->sets[i].from_year = from_year;
  l->sets[i].amount = *amount;
  l->nsets++;
  return CS_OK;
}

int cs_coop_add_grant(cs_coop *c, const char *name, const cs_q *amount, int from, int to,
                      const cs_q *cap, const char *const *covers, size_t ncovers,
                      cs_error *err) {
  cs_grant g;
  memset(&g, 0, sizeof g);
  int rc = copy_name(g.name, sizeof g.name, name, "grant name", err);
  if (rc) return rc;
  if ((rc = check_amount(amount, "amount", name, err))) return rc;
  if (to < from)
    return cs_error_set(err, CS_EINVAL, "grant \"%s\": last year %d precedes first year %d",
                        name, to, from);
  for (size_t i = 0; i < c->ngrants; i++)
    if (strcmp(c->grants[i].name, name) == 0)
      return cs_error_set(err, CS_EINVAL, "grant \"%s\" given twice", name);
  g.service = c->current_service;
  g.amount = *amount;
  g.from = from;
  g.to = to;
  if (cap) {
    if ((rc = check_amount(cap, "cap", name, err))) return rc;
    g.has_cap = 1;
    g.cap = *cap;
  }
  if (ncovers) {
    g.covers = calloc(ncovers, sizeof *g.covers);
    if (!g.covers) return cs_error_set(err, CS_ENOMEM, "out of memory");
    for (size_t i = 0; i < ncovers; i++)
      if ((rc = copy_name(g.covers[i], sizeof g.covers[i], covers[i], "cost line name", err))) {
        free(g.covers);
        return rc;
      }
    g.ncovers = ncovers;
  }
  void *p = realloc(c->grants, (c->ngrants + 1) * sizeof *c->grants);
  if (!p) {
    free(g.covers);
    return cs_error_set(err, CS_ENOMEM, "out of memory");
  }
  c->grants = p;
  c->grants[c->ngrants++] = g;
  return CS_OK;
}

int cs_coop_set_grant_end(cs_coop *c, const char *name, int last_year, cs_error *err) {
  for (size_t i = 0; i < c->ngrants; i++) {
    cs_grant *g = &c->grants[i];
    if (strcmp(g->name, name) != 0) continue;
    if (last_year < g->from - 1)
      return cs_error_set(err, CS_EINVAL, "grant \"%s\" starts in %d: cannot end it in %d", name,
                          g->from, last_year);
    g->to = last_year;
    return CS_OK;
  }
  return cs_error_set(err, CS_ENOTFOUND, "no grant named \"%s\"", name);
}

int cs_coop_set_key(cs_coop *c, cs_key *key, int from_year, cs_error *err) {
  int rc = cs_key_validate(key, err);
  if (rc) {
    cs_key_free(key);
    return rc;
  }
  size_t i, s = c->current_service;
  for (i = 0; i < c->nkeys; i++)
    if (c->keys[i].from_year == from_year && c->keys[i].service == s) {
      cs_key_free(c->keys[i].key);
      c->keys[i].key = key;
      return CS_OK;
    }
  void *p = realloc(c->keys, (c->nkeys + 1) * sizeof *c->keys);
  if (!p) {
    cs_key_free(key);
    return cs_error_set(err, CS_ENOMEM, "out of memory");
  }
  c->keys = p;
  i = c->nkeys;
  while (i > 0 && c->keys[i - 1].from_year > from_year) {
    c->keys[i] = c->keys[i - 1];
    i--;
  }
  c->keys[i].service = s;
  c->keys[i].from_year = from_year;
  c->keys[i].key = key;
  c->nkeys++;
  return CS_OK;
}

int cs_coop_add_service(cs_coop *c, const char *name, const char *const *members,
                        size_t nmembers, size_t *index, cs_error *err) {
  if (!name || !*name) return cs_error_set(err, CS_EINVAL, "a service needs a name");
  if (strchr(name, '/'))
    return cs_error_set(err, CS_EINVAL,
                        "service name \"%s\" holds a '/' (part names are SERVICE/PART)", name);
  for (size_t i = 0; i < c->nservices; i++)
    if (strcmp(c->services[i].name, name) == 0)
      return cs_error_set(err, CS_EINVAL, "service \"%s\" given twice", name);
  if (c->nservices == 0 && (c->nlines || c->ngrants || c->nkeys))
    return cs_error_set(err, CS_EINVAL,
                        "%s has cost lines, grants or a key outside services: with services, "
                        "each belongs to a service", c->name);
  cs_service sv;
  memset(&sv, 0, sizeof sv);
  if (members) {
    for (size_t i = 0; i < nmembers; i++) {
      if (!members[i] || !find_member(c, members[i]))
        return cs_error_set(err, CS_EINVAL, "service \"%s\": %s is not a member of %s", name,
                            members[i] ? members[i] : "?", c->name);
      for (size_t j = 0; j < i; j++)
        if (strcmp(members[i], members[j]) == 0)
          return cs_error_set(err, CS_EINVAL, "service \"%s\" lists member %s twice", name,
                              members[i]);
    }
    sv.has_members = 1;
    if (nmembers && !(sv.members = malloc(nmembers * sizeof *sv.members)))
      return cs_error_set(err, CS_ENOMEM, "out of memory");
    for (size_t i = 0; i < nmembers; i++) memcpy(sv.members[i], members[i], strlen(members[i]) + 1);
    sv.nmembers = nmembers;
  }
  if (!(sv.name = dup_text(name))) {
    free(sv.members);
    return cs_error_set(err, CS_ENOMEM, "out of memory");
  }
  cs_service *g = realloc(c->services, (c->nservices + 1) * sizeof *g);
  if (!g) {
    free(sv.name);
    free(sv.members);
    return cs_error_set(err, CS_ENOMEM, "out of memory");
  }
  c->services = g;
  c->services[c->nservices] = sv;
  if (index) *index = c->nservices;
  c->nservices++;
  return CS_OK;
}

int cs_coop_use_service(cs_coop *c, size_t index, cs_error *err) {
  if (index >= c->nservices)
    return cs_error_set(err, CS_EINVAL, "%s has no service %zu", c->name, index + 1);
  c->current_service = index;
  return CS_OK;
}

int cs_coop_find_service(const cs_coop *c, const char *name, size_t *index, cs_error *err) {
  for (size_t i = 0; i < c->nservices; i++)
    if (strcmp(c->services[i].name, name) == 0) {
      *index = i;
      return CS_OK;
    }
  char list[512] = "";
  for (size_t i = 0; i < c->nservices; i++) {
    strncat(list, i ? ", " : "", sizeof list - strlen(list) - 1);
    strncat(list, c->services[i].name, sizeof list - strlen(list) - 1);
  }
  return cs_error_set(err, CS_ENOTFOUND, "%s has no service \"%s\" (services: %s)", c->name, name,
                      c->nservices ? list : "none");
}

void cs_coop_set_population_fn(cs_coop *c, cs_population_fn fn, void *ud) {
  c->pop_fn = fn;
  c->pop_ud = ud;
}

void cs_coop_set_freeze(cs_coop *c, cs_date at) {
  c->has_freeze = 1;
  c->freeze = at;
}

int cs_coop_add_merger(cs_coop *c, const char *const *codes, size_t n, const char *name,
                       cs_date date, cs_error *err) {
  if (n < 2) return cs_error_set(err, CS_EINVAL, "a merger needs at least two municipalities");
  if (c->nvmergers >= 999) return cs_error_set(err, CS_EINVAL, "too many hypothetical mergers");
  cs_vmerger v;
  memset(&v, 0, sizeof v);
  int rc = copy_name(v.name, sizeof v.name, name, "merger name", err);
  if (rc) return rc;
  v.parts = calloc(n, sizeof *v.parts);
  if (!v.parts) return cs_error_set(err, CS_ENOMEM, "out of memory");
  for (size_t i = 0; i < n; i++) {
    if (!codes[i] || strlen(codes[i]) != 4) {
      free(v.parts);
      return cs_error_set(err, CS_EINVAL, "invalid code in merger \"%s\"", name);
    }
    memcpy(v.parts[i], codes[i], 5);
  }
  v.nparts = n;
  v.date = date;
  snprintf(v.code, sizeof v.code, "H%03zu", c->nvmergers + 1);
  void *p = realloc(c->vmergers, (c->nvmergers + 1) * sizeof *c->vmergers);
  if (!p) {
    free(v.parts);
    return cs_error_set(err, CS_ENOMEM, "out of memory");
  }
  c->vmergers = p;
  c->vmergers[c->nvmergers++] = v;
  return CS_OK;
}
