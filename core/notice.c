/*
** notice.c: when a withdrawing member's notice period ends (notice.h).
*/
#include "coopsim/notice.h"

int cs_notice_period(const cs_notice *rule, cs_date given, cs_date *start, cs_date *end,
                     cs_date *exit, cs_error *err) {
  if (rule->months < 0 || rule->months > 1200)
    return cs_error_set(err, CS_EINVAL, "notice of %d months is out of range (0..1200)",
                        rule->months);
  cs_date s = rule->from == CS_NOTICE_NEXT_JAN1 ? cs_date_jan1(given.year + 1) : given;
  cs_date e;
  if (rule->months == 0) {
    e = cs_date_add_days(s, -1);
  } else {
    cs_date target = cs_date_add_months(s, rule->months);
    if (target.day < s.day) /* clamped: the start day is missing in that month */
      e = target;
    else
      e = cs_date_add_days(target, -1);
  }
  if (start) *start = s;
  if (end) *end = e;
  if (exit) *exit = cs_date_add_days(e, 1);
  return CS_OK;
}
