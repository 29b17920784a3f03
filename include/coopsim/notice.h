#ifndef COOPSIM_NOTICE_H
#define COOPSIM_NOTICE_H
/*
** Notice rules for withdrawal (SPEC §3, §5).
**   from next_jan1:   the period starts on 1 January of the year after the
**                     notice date (a notice given on 1 January too);
**   from notice_date: the period starts on the notice date.
** The period ends N months after its start, minus one day; when the start
** day does not exist in the end month the period ends on that month's last
** day (31 August + 6 months ends on the last day of February). The member's
** last budget year is the year the period ends in; it leaves the next day.
*/
#include "coopsim/date.h"
#include "coopsim/error.h"

typedef enum { CS_NOTICE_NEXT_JAN1, CS_NOTICE_NOTICE_DATE } cs_notice_from;

typedef struct cs_notice {
  int months; /* 0..1200 */
  cs_notice_from from;
} cs_notice;

/* Computes the notice period for a notice given on `given`. *start and *end
** are inclusive; *exit is the first day outside the cooperation (end + 1).
** CS_EINVAL for months outside 0..1200. */
int cs_notice_period(const cs_notice *rule, cs_date given, cs_date *start, cs_date *end,
                     cs_date *exit, cs_error *err);

#endif
