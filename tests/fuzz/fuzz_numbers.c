/*
** Fuzz harness: the parsers of dates and numbers (date.c cs_date_parse,
** q.c cs_q_from_decimal, big.c cs_big_from_str) and the arithmetic on what
** they accept. The input's first line is parsed each way; a second line is
** a second operand. What is accepted must print back as it was read and
** obey the identities of exact arithmetic whenever no operation overflows.
** The simulation's fast arithmetic answers as the exact one: decimals
** (dec.c) and shares in machine words (share_fx.c), whenever they answer.
*/
#include <ctype.h>
#include <math.h>
#include <string.h>
#include "coopsim/big.h"
#include "coopsim/date.h"
#include "coopsim/q.h"
#include "../../core/dec.h"
#include "../../core/share_fx.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The grammar cs_q_from_decimal promises: [+-] digits [. digits] [eE [+-] digits],
** at least one mantissa digit; nothing else (no spaces, "nan", "inf"). */
static int decimal_syntax(const char *s) {
  int mant = 0;
  if (*s == '+' || *s == '-') s++;
  for (; isdigit((unsigned char)*s); s++) mant++;
  if (*s == '.')
    for (s++; isdigit((unsigned char)*s); s++) mant++;
  if (!mant) return 0;
  if (*s == 'e' || *s == 'E') {
    int e = 0;
    s++;
    if (*s == '+' || *s == '-') s++;
    for (; isdigit((unsigned char)*s); s++) e++;
    if (!e) return 0;
  }
  return *s == '\0';
}

static void check_date(const char *text, size_t len) {
  cs_date d;
  cs_error err;
  if (cs_date_parse(&d, text, &err) != 0) {
    CHECK(err.msg[0], "a date error without a message");
    return;
  }
  char buf[11];
  CHECK(len == 10 && strcmp(cs_date_format(d, buf), text) == 0, "\"%s\" reads as %s", text, buf);
  CHECK(cs_date_valid(d.year, d.month, d.day), "accepted %s is not a valid date", text);
  /* day arithmetic agrees with the ordinal wherever the result is a date */
  static const int steps[] = {1, -1, 59, -366, 1461, -36524, 146097};
  for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
    if (cs_date_ordinal(d) + steps[i] < 0) continue; /* before year 1: not a date */
    cs_date e = cs_date_add_days(d, steps[i]);
    if (!cs_date_valid(e.year, e.month, e.day)) continue;
    CHECK(cs_date_ordinal(e) - cs_date_ordinal(d) == steps[i], "%s + %d days", text, steps[i]);
    cs_date back = cs_date_add_days(e, -steps[i]);
    CHECK(cs_date_cmp(back, d) == 0, "%s + %d - %d days", text, steps[i], steps[i]);
  }
  cs_date m = cs_date_add_months(d, 13);
  if (m.year <= 9999)
    CHECK(cs_date_valid(m.year, m.month, m.day) && m.day <= d.day, "%s + 13 months", text);
}

static void check_big(const char *text) {
  cs_big b, again;
  if (cs_big_from_str(&b, text) != 0) return;
  char buf[1400], want[1400];
  CHECK(cs_big_to_str(&b, buf, sizeof buf) == 0, "%s does not print", text);
  /* the canonical form: no leading zeros, no "-0" */
  const char *s = text;
  int neg = *s == '-';
  s += neg;
  while (*s == '0' && s[1]) s++;
  snprintf(want, sizeof want, "%s%s", neg && strcmp(s, "0") ? "-" : "", s);
  CHECK(strcmp(buf, want) == 0, "\"%s\" prints as %s", text, buf);
  CHECK(cs_big_from_str(&again, buf) == 0 && cs_big_cmp(&again, &b) == 0, "%s does not read back", buf);
}

/* The properties of one accepted number. */
static void check_q(const char *text, const cs_q *a) {
  char buf[2048];
  CHECK(decimal_syntax(text), "accepted \"%s\", which is not a decimal", text);
  if (cs_q_format_exact(a, buf, sizeof buf) == 0 && !strstr(buf, "...")) {
    cs_q back;
    CHECK(cs_q_from_decimal(&back, buf) == 0 && cs_q_cmp(&back, a) == 0,
          "\"%s\" prints as %s, which reads back as another number", text, buf);
  }
  (void)cs_q_format(a, 2, " ", ",", buf, sizeof buf);
  cs_big whole;
  cs_q frac, sum, w;
  if (cs_q_floor(&whole, &frac, a) == 0) {
    CHECK(cs_q_sign(&frac) >= 0, "floor of %s leaves a negative fraction", text);
    w.num = whole;
    cs_big_from_u64(&w.den, 1);
    if (cs_q_add(&sum, &w, &frac) == 0)
      CHECK(cs_q_cmp(&sum, a) == 0, "floor + fraction of %s", text);
  }
  int64_t r;
  if (cs_q_round_i64(a, &r) == 0) {
    double d = cs_q_to_double(a);
    CHECK(isfinite(d) && fabs(d - (double)r) <= 0.5 + 1e-9 * fabs(d),
          "%s rounds to %lld but is the double %g", text, (long long)r, d);
  }
}

static void check_pair(const cs_q *a, const cs_q *b) {
  cs_q s, d, m, q, diff;
  if (cs_q_add(&s, a, b) == 0 && cs_q_sub(&d, &s, b) == 0)
    CHECK(cs_q_cmp(&d, a) == 0, "(a + b) - b != a");
  if (cs_q_mul(&m, a, b) == 0 && !cs_q_is_zero(b) && cs_q_div(&q, &m, b) == 0)
    CHECK(cs_q_cmp(&q, a) == 0, "(a * b) / b != a");
  if (cs_q_sub(&diff, a, b) == 0) {
    int c = cs_q_cmp(a, b);
    CHECK((c > 0) - (c < 0) == cs_q_sign(&diff), "cmp(a, b) disagrees with the sign of a - b");
  }
  cs_q sq, p2;
  if (cs_q_mul(&sq, a, a) == 0 && cs_q_pow(&p2, a, 2) == 0) CHECK(cs_q_cmp(&sq, &p2) == 0, "a^2 != a * a");
}

/* dec.c against q.c: the same sums, products, order and øre. */
static void check_dec(const cs_q *a, const cs_q *b) {
  cs_dec da, db, dr;
  if (cs_dec_from_q(&da, a) || cs_dec_from_q(&db, b)) return;
  cs_q r, back;
  int64_t c1, w1, c2, w2;
  if (cs_dec_to_q(&back, &da) == 0) CHECK(cs_q_cmp(&back, a) == 0, "a as a decimal and back");
  if (cs_dec_add(&dr, &da, &db) == 0 && cs_q_add(&r, a, b) == 0 && cs_dec_to_q(&back, &dr) == 0)
    CHECK(cs_q_cmp(&back, &r) == 0, "decimal a + b");
  if (cs_dec_sub(&dr, &da, &db) == 0 && cs_q_sub(&r, a, b) == 0 && cs_dec_to_q(&back, &dr) == 0)
    CHECK(cs_q_cmp(&back, &r) == 0, "decimal a - b");
  if (cs_dec_mul(&dr, &da, &db) == 0 && cs_q_mul(&r, a, b) == 0) {
    if (cs_dec_to_q(&back, &dr) == 0) CHECK(cs_q_cmp(&back, &r) == 0, "decimal a * b");
    if (cs_dec_cents(&dr, &c1, &w1) == 0 && cs_q_cents(&r, &c2, &w2) == 0)
      CHECK(c1 == c2 && w1 == w2, "decimal a * b in øre: %lld, exactly %lld", (long long)c1,
            (long long)c2);
  }
  int c, e = cs_q_cmp(a, b);
  if (cs_dec_cmp(&da, &db, &c) == 0) CHECK((c > 0) - (c < 0) == (e > 0) - (e < 0), "decimal order of a and b");
}

/* share_fx.c against q.c: |a| / |b| times a few multipliers, in øre and
** kroner, whenever the machine-word path answers. */
static void check_fx(const cs_q *a, const cs_q *b) {
  cs_q x, y, v;
  cs_q_copy(&x, a);
  cs_q_copy(&y, b);
  x.num.neg = 0;
  y.num.neg = 0;
  if (cs_q_is_zero(&y) || cs_q_div(&v, &x, &y)) return;
  cs_fx fx;
  if (cs_fx_init(&fx, &v.num, &v.den)) return;
  static const uint64_t ms[] = {1, 3, 7, 100, 1000003, (uint64_t)1 << 40, 0xfffffffffffffffbu};
  for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++) {
    cs_fx_value fv;
    int64_t c1, w1, c2, w2;
    cs_q t, mq;
    if (cs_fx_times(&fx, ms[i], &fv) || cs_fx_cents(&fv, &c1, &w1)) continue;
    cs_big_from_u64(&mq.num, ms[i]);
    cs_big_from_u64(&mq.den, 1);
    if (cs_q_mul(&t, &v, &mq) || cs_q_cents(&t, &c2, &w2)) continue;
    CHECK(c1 == c2 && w1 == w2, "|a/b| x %llu in øre: %lld, exactly %lld",
          (unsigned long long)ms[i], (long long)c1, (long long)c2);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *text = fuzz_text(data, size);
  char *second = strchr(text, '\n');
  if (second) *second++ = '\0';
  size_t len = strlen(text);
  check_date(text, len);
  check_big(text);
  cs_q a, b;
  int ok_a = cs_q_from_decimal(&a, text) == 0;
  if (ok_a) check_q(text, &a);
  if (second) {
    char *nl = strchr(second, '\n');
    if (nl) *nl = '\0';
    if (cs_q_from_decimal(&b, second) == 0) {
      check_q(second, &b);
      if (ok_a) {
        check_pair(&a, &b);
        check_dec(&a, &b);
        check_fx(&a, &b);
      }
    }
  }
  free(text);
  return 0;
}
