#ifndef COOPSIM_DATE_H
#define COOPSIM_DATE_H
/*
** Calendar dates (proleptic Gregorian), validated by hand: no mktime, which
** would turn 2023-02-30 into 2023-03-02. Years 1..9999 only.
*/
#include "coopsim/error.h"

typedef struct cs_date {
  int year, month, day;
} cs_date;

/* 1 if y-m-d is a real calendar date with 1 <= y <= 9999, else 0. */
int cs_date_valid(int year, int month, int day);

/* 1 for a leap year. */
int cs_date_is_leap(int year);

/* Days in the month (28..31); 0 for a month outside 1..12. */
int cs_date_days_in_month(int year, int month);

/* Parses exactly "YYYY-MM-DD" (four, two and two digits). Returns 0, or
** CS_EINVAL with a message naming the text when it is malformed or not a
** real date. */
int cs_date_parse(cs_date *out, const char *text, cs_error *err);

/* Writes "YYYY-MM-DD" into buf (at least 11 bytes). Returns buf. */
char *cs_date_format(cs_date d, char *buf);

/* <0, 0, >0 as a is before, equal to or after b. (Inline: the simulation
** compares dates millions of times.) */
static inline int cs_date_cmp(cs_date a, cs_date b) {
  if (a.year != b.year) return a.year < b.year ? -1 : 1;
  if (a.month != b.month) return a.month < b.month ? -1 : 1;
  if (a.day != b.day) return a.day < b.day ? -1 : 1;
  return 0;
}

/* The date n months later (n may be negative), the day clamped to the end of
** the target month: 2023-08-31 + 6 months = 2024-02-29. */
cs_date cs_date_add_months(cs_date d, int months);

/* The date n days later (n may be negative). */
cs_date cs_date_add_days(cs_date d, int days);

/* Days since 0001-01-01 (that date is 0). */
long cs_date_ordinal(cs_date d);

/* cs_date for 1 January of year. */
cs_date cs_date_jan1(int year);

#endif
