#ifndef COOPSIM_ERROR_H
#define COOPSIM_ERROR_H
/*
** Error codes shared by every module. Functions that can fail return int:
** 0 on success, a negative CS_E* code on failure, and write a message into a
** caller-supplied cs_error (which may be NULL when the caller does not care).
*/
#include <stddef.h>

enum {
  CS_OK = 0,
  CS_ERROR = -1,       /* anything else */
  CS_EINVAL = -2,      /* malformed or out-of-range input */
  CS_ENOTFOUND = -3,   /* no such municipality, year, line ... */
  CS_EAMBIGUOUS = -4,  /* a name that matches more than one municipality */
  CS_EOVERFLOW = -5,   /* exact arithmetic ran out of room */
  CS_ENOMEM = -6,
  CS_EIO = -7
};

#define CS_ERROR_MAX 512

/* A message buffer; the text is always NUL-terminated. */
typedef struct cs_error {
  int code;
  char msg[CS_ERROR_MAX];
} cs_error;

/* Writes a printf-style message into err (if not NULL) and returns code. */
int cs_error_set(cs_error *err, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#endif
