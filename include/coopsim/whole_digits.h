#ifndef COOPSIM_WHOLE_DIGITS_H
#define COOPSIM_WHOLE_DIGITS_H
/*
** How many characters printf's "%.0f" writes for a number, counted without
** formatting it (the workbook sizes its columns by it for every figure).
*/

/* The length of snprintf(..., "%.0f", v): the digits of v rounded to a
** whole number as printf rounds (to nearest, ties to even), with a '-' when
** v's sign is negative (-0.0 and -0.3 are "-0"), "inf"/"nan" and their signs as printf writes them. Counted
** for |v| < 1e18, formatted beyond (there it is printf's own answer). Never
** fails. */
int cs_whole_digits(double v);

#endif
