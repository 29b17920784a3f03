#ifndef COOPSIM_WHOLE_DIGITS_H
#define COOPSIM_WHOLE_DIGITS_H
/*
** To be deleted: the length of "%.0f" is now counted by the one number
** formatter, cs_fmt_fixed_len(v, 0) in core/fmt_num.h, with the rounding
** that cs_fmt_fixed writes. This header stays only while core/report_xlsx.c
** (another engineer's file) includes it; there, `#include "fmt_num.h"` and
** `int n = (int)cs_fmt_fixed_len(v < 0 ? -v : v, 0);` replace it.
*/
#include "../../core/fmt_num.h"

/* The length of snprintf(..., "%.0f", v): cs_fmt_fixed_len(v, 0). Never
** fails. */
static inline int cs_whole_digits(double v) { return (int)cs_fmt_fixed_len(v, 0); }

#endif
