#ifndef COOPSIM_FMT_NUM_H
#define COOPSIM_FMT_NUM_H
/*
** Numbers written by hand for the report writers' hot paths (internal to
** core/): the same bytes as the printf conversions they replace, without
** printf's cost (a national HTML report writes millions of coordinates and
** figures), or only counted (the workbook sizes its columns by the length
** of every figure). Nothing here allocates or fails.
*/
#include <stddef.h>
#include <stdint.h>

/* Room for any cs_fmt_fixed text: a sign, the 309 digits of the largest
** double, a point, CS_FMT_FIXED_MAX_DECIMALS decimals and the NUL. */
#define CS_FMT_FIXED_SIZE 320
#define CS_FMT_FIXED_MAX_DECIMALS 3

/* Writes v into buf as glibc's printf("%.*f", decimals, v) does, for
** decimals 0 .. CS_FMT_FIXED_MAX_DECIMALS: the double's exact value rounded
** at that decimal, a tie to the even digit (0.25 -> "0.2", 2.5 -> "2");
** "-" whenever the sign bit is set, so -0.0 and -0.04 give "-0.0"; every
** digit of a large value (1e300 in full); "inf", "-inf", "nan", "-nan".
** buf holds at least CS_FMT_FIXED_SIZE bytes; it is NUL-terminated and the
** text's length is returned. A decimals outside the range is taken as the
** nearest end of it. */
size_t cs_fmt_fixed(char *buf, double v, int decimals);

/* The length cs_fmt_fixed(buf, v, decimals) returns, counted without
** writing the digits (the same rounding: 9.5 and decimals 0 count the two
** of "10"; -0.4 counts the two of "-0"). */
size_t cs_fmt_fixed_len(double v, int decimals);

/* Writes v in decimal at out, no NUL ("0" for 0; at most 20 digits), and
** returns its length: the digits every other writer here and the report
** writers' integers and amounts are made of. */
size_t cs_fmt_uint(char *out, uint64_t v);

/* Room for any cs_fmt_grouped text: 20 digits, 6 separators of at most
** CS_FMT_SEP_MAX bytes, the NUL. */
#define CS_FMT_SEP_MAX 4
#define CS_FMT_GROUPED_SIZE 48

/* Writes v in decimal into buf with sep (at most CS_FMT_SEP_MAX bytes; a
** longer one is cut there) between groups of three digits counted from the
** right: 1234567 and "," -> "1,234,567"; 999 -> "999". buf holds at least
** CS_FMT_GROUPED_SIZE bytes; it is NUL-terminated and the text's length is
** returned. */
size_t cs_fmt_grouped(char *buf, uint64_t v, const char *sep);

#endif
