/*
** lazy_jansson.c: jansson loaded when JSON is first read (lazy_jansson.h).
** Each jansson function coopsim calls is defined here with <jansson.h>'s
** own name and type (the compiler checks them against the header) and
** calls the library's, found with dlsym once it is open. A function this
** list lacks is a link error, never a silent fallback.
*/
#define _POSIX_C_SOURCE 200809L
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include "coopsim/lazy_jansson.h"
#include "coopsim/lazy_lib.h"

/* Every function of <jansson.h> coopsim calls on a value it holds (the
** inline helpers of the header call some: json_decref calls json_delete,
** json_object_foreach the iterators): R(type, name, (params), (args))
** returns a value, V(name, (params), (args)) returns none. The two that
** parse, and so come first, are defined by hand below. */
#define CS_JANSSON_FUNCTIONS(R, V) \
  V(json_delete, (json_t *json), (json)) \
  R(json_t *, json_object_get, (const json_t *object, const char *key), (object, key)) \
  R(void *, json_object_iter, (json_t *object), (object)) \
  R(void *, json_object_key_to_iter, (const char *key), (key)) \
  R(void *, json_object_iter_next, (json_t *object, void *iter), (object, iter)) \
  R(const char *, json_object_iter_key, (void *iter), (iter)) \
  R(json_t *, json_object_iter_value, (void *iter), (iter)) \
  R(size_t, json_array_size, (const json_t *array), (array)) \
  R(json_t *, json_array_get, (const json_t *array, size_t index), (array, index)) \
  R(const char *, json_string_value, (const json_t *string), (string)) \
  R(size_t, json_string_length, (const json_t *string), (string)) \
  R(json_int_t, json_integer_value, (const json_t *integer), (integer)) \
  R(double, json_real_value, (const json_t *real), (real))

CS_JANSSON_FUNCTIONS(CS_LAZY_POINTER_R, CS_LAZY_POINTER_V)
static json_t *(*p_json_loads)(const char *input, size_t flags, json_error_t *error);
static json_t *(*p_json_loadb)(const char *buffer, size_t buflen, size_t flags, json_error_t *error);

static const cs_lazy_sym syms[] = {CS_JANSSON_FUNCTIONS(CS_LAZY_SYM_R, CS_LAZY_SYM_V){"json_loads", (void *)&p_json_loads},
                                   {"json_loadb", (void *)&p_json_loadb}};
static cs_lazy_lib lib = CS_LAZY_LIB("jansson", "libjansson.so.4", "libjansson4", syms);

int cs_jansson_load(cs_error *err) {
  if (cs_lazy_load(&lib)) return CS_OK;
  return cs_error_set(err, CS_EIO, "%s", lib.why);
}

/* Without the library nothing was parsed: the error says why, as a parse
** error would (line and column 0: no position in the text). */
static json_t *not_loaded(json_error_t *error) {
  if (error) {
    memset(error, 0, sizeof *error);
    snprintf(error->text, sizeof error->text, "%s", lib.why);
  }
  return NULL;
}

json_t *json_loads(const char *input, size_t flags, json_error_t *error) {
  return cs_lazy_load(&lib) ? p_json_loads(input, flags, error) : not_loaded(error);
}

json_t *json_loadb(const char *buffer, size_t buflen, size_t flags, json_error_t *error) {
  return cs_lazy_load(&lib) ? p_json_loadb(buffer, buflen, flags, error) : not_loaded(error);
}

/* A function on a value loads jansson first: a program that also links
** jansson itself, as the unit tests do, may have made its value there (the
** library dlopen finds is that same one). Without the library there is no
** such value (parsing failed): a call is a defect, stopped by cs_lazy_need. */
CS_JANSSON_FUNCTIONS(CS_LAZY_FORWARD_R, CS_LAZY_FORWARD_V)
