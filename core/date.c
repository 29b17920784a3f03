/*
** date.c: calendar dates validated by hand (see date.h for why not mktime).
*/
#include <stdio.h>
#include <string.h>
#include "coopsim/date.h"

int cs_date_is_leap(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int cs_date_days_in_month(int year, int month) {
  static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  if (month == 2 && cs_date_is_leap(year)) return 29;
  return days[month - 1];
}

int cs_date_valid(int year, int month, int day) {
  if (year < 1 || year > 9999) return 0;
  int dim = cs_date_days_in_month(year, month);
  return dim > 0 && day >= 1 && day <= dim;
}

static int digits(const char *s, int n, int *out) {
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return 0;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return 1;
}

int cs_date_parse(cs_date *out, const char *text, cs_error *err) {
  int y, m, d;
  if (!text || strlen(text) != 10 || text[4] != '-' || text[7] != '-' ||
      !digits(text, 4, &y) || !digits(text + 5, 2, &m) || !digits(text + 8, 2, &d))
    return cs_error_set(err, CS_EINVAL, "invalid date \"%s\" (expected YYYY-MM-DD)",
                        text ? text : "(null)");
  if (!cs_date_valid(y, m, d))
    return cs_error_set(err, CS_EINVAL, "invalid date \"%s\" (no such day)", text);
  out->year = y;
  out->month = m;
  out->day = d;
  return CS_OK;
}

char *cs_date_format(cs_date d, char *buf) {
  /* by hand: a national document formats a date in each of its rows */
  int y = d.year % 10000, m = d.month % 100, day = d.day % 100;
  if (y < 0 || m < 0 || day < 0) { /* never a valid date; as printf would */
    snprintf(buf, 11, "%04d-%02d-%02d", y, m, day);
    return buf;
  }
  buf[0] = (char)('0' + y / 1000), buf[1] = (char)('0' + y / 100 % 10);
  buf[2] = (char)('0' + y / 10 % 10), buf[3] = (char)('0' + y % 10), buf[4] = '-';
  buf[5] = (char)('0' + m / 10), buf[6] = (char)('0' + m % 10), buf[7] = '-';
  buf[8] = (char)('0' + day / 10), buf[9] = (char)('0' + day % 10), buf[10] = '\0';
  return buf;
}

cs_date cs_date_add_months(cs_date d, int months) {
  long total = (long)d.year * 12 + (d.month - 1) + months;
  cs_date r;
  r.year = (int)(total / 12);
  r.month = (int)(total % 12) + 1;
  int dim = cs_date_days_in_month(r.year, r.month);
  r.day = d.day > dim ? dim : d.day;
  return r;
}

/* Days from 0001-01-01 by the usual era arithmetic (no tables, no libc). */
long cs_date_ordinal(cs_date d) {
  long y = d.year - 1;
  long days = y * 365 + y / 4 - y / 100 + y / 400;
  for (int m = 1; m < d.month; m++) days += cs_date_days_in_month(d.year, m);
  return days + d.day - 1;
}

cs_date cs_date_add_days(cs_date d, int days) {
  long ord = cs_date_ordinal(d) + days;
  cs_date r = {1, 1, 1};
  if (ord < 0) return r;
  /* Start from an estimate of the year, then correct. */
  int y = (int)(ord / 366) + 1;
  while (cs_date_ordinal((cs_date){y + 1, 1, 1}) <= ord) y++;
  long rest = ord - cs_date_ordinal((cs_date){y, 1, 1});
  int m = 1;
  while (rest >= cs_date_days_in_month(y, m)) rest -= cs_date_days_in_month(y, m++);
  r.year = y;
  r.month = m;
  r.day = (int)rest + 1;
  return r;
}

cs_date cs_date_jan1(int year) {
  cs_date d = {year, 1, 1};
  return d;
}
