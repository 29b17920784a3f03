/*
** error.c: filling cs_error messages.
*/
#include <stdarg.h>
#include <stdio.h>
#include "coopsim/error.h"

int cs_error_set(cs_error *err, int code, const char *fmt, ...) {
  if (err) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    err->code = code;
  }
  return code;
}
