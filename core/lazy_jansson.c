/*
** lazy_jansson.c: jansson loaded when JSON is first read (lazy_jansson.h).
** Each jansson function coopsim calls is defined here with <jansson.h>'s
** own name and type (the compiler checks them against the header) and
** calls the library's, found with dlsym once it is open. A function this
** list lacks is a link error, never a silent fallback.
*/
#define _POSIX_C_SOURCE 200809L
#include <dlfcn.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "coopsim/lazy_jansson.h"

#define SONAME "libjansson.so.4"

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

#define POINTER_R(type, name, params, args) static type(*p_##name) params;
#define POINTER_V(name, params, args) static void(*p_##name) params;
CS_JANSSON_FUNCTIONS(POINTER_R, POINTER_V)
static json_t *(*p_json_loads)(const char *input, size_t flags, json_error_t *error);
static json_t *(*p_json_loadb)(const char *buffer, size_t buflen, size_t flags, json_error_t *error);

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int loaded;    /* every pointer set */
static char why[512]; /* else the reason, as a message */

static void load(void) {
  void *h = dlopen(SONAME, RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char *e = dlerror();
    snprintf(why, sizeof why, "jansson (%s, Debian package libjansson4) cannot be loaded: %s", SONAME,
             e ? e : "dlopen failed");
    return;
  }
  /* dlsym returns void *; ISO C has no cast from it to a function pointer,
  ** POSIX guarantees the object representation: copy it */
#define RESOLVE(name)                                                                  \
  {                                                                                    \
    void *f = dlsym(h, #name);                                                         \
    if (!f) {                                                                          \
      snprintf(why, sizeof why, "jansson (%s) cannot be used: it has no %s", SONAME, #name); \
      dlclose(h);                                                                      \
      return;                                                                          \
    }                                                                                  \
    memcpy(&p_##name, &f, sizeof f);                                                   \
  }
#define RESOLVE_R(type, name, params, args) RESOLVE(name)
#define RESOLVE_V(name, params, args) RESOLVE(name)
  CS_JANSSON_FUNCTIONS(RESOLVE_R, RESOLVE_V)
  RESOLVE(json_loads)
  RESOLVE(json_loadb)
  loaded = 1;
}

int cs_jansson_load(cs_error *err) {
  pthread_once(&once, load);
  if (loaded) return CS_OK;
  return cs_error_set(err, CS_EIO, "%s", why);
}

/* Without the library nothing was parsed: the error says why, as a parse
** error would (line and column 0: no position in the text). */
static json_t *not_loaded(json_error_t *error) {
  if (error) {
    memset(error, 0, sizeof *error);
    snprintf(error->text, sizeof error->text, "%s", why);
  }
  return NULL;
}

json_t *json_loads(const char *input, size_t flags, json_error_t *error) {
  pthread_once(&once, load);
  return loaded ? p_json_loads(input, flags, error) : not_loaded(error);
}

json_t *json_loadb(const char *buffer, size_t buflen, size_t flags, json_error_t *error) {
  pthread_once(&once, load);
  return loaded ? p_json_loadb(buffer, buflen, flags, error) : not_loaded(error);
}

/* Loads jansson for a function on a value. Without the library there is no
** such value (parsing failed): a call is a defect in the caller, stopped
** here rather than by a call through a null pointer. (A program that also
** links jansson itself, as the unit tests do, may have made its value
** there: the library dlopen finds is that same one.) */
static void need(const char *name) {
  pthread_once(&once, load);
  if (loaded) return;
  fprintf(stderr, "coopsim: internal error: %s called without jansson: %s\n", name, why);
  abort();
}

#define DEFINE_R(type, name, params, args) \
  type name params {                       \
    need(#name);                           \
    return p_##name args;                  \
  }
#define DEFINE_V(name, params, args) \
  void name params {                 \
    need(#name);                     \
    p_##name args;                   \
  }
CS_JANSSON_FUNCTIONS(DEFINE_R, DEFINE_V)
