/*
** whole_digits.c: the length of "%.0f" without printing (whole_digits.h).
*/
#include "coopsim/whole_digits.h"
#include <math.h>
#include <stdint.h>
#include <stdio.h>

int cs_whole_digits(double v) {
  double a = fabs(v);
  if (!(a < 1e18)) { /* huge, infinite or not a number: printf's own count */
    char buf[8];
    return snprintf(buf, sizeof buf, "%.0f", v);
  }
  /* a < 2^63: the whole part is exact in 64 bits and a - u, the fraction,
  ** exact in a double; ties go to the even neighbour */
  uint64_t u = (uint64_t)a;
  double frac = a - (double)u;
  if (frac > 0.5 || (frac == 0.5 && (u & 1))) u++;
  int n = 1;
  while (u >= 10) {
    u /= 10;
    n++;
  }
  return n + (signbit(v) != 0); /* printf writes -0 for -0.0 and -0.4 */
}
