/*
** rundb_teststore.h: a run store in a folder of its own for each test
** (setup, teardown: the folder made and removed; path: the store's file;
** open_write: the store opened for writing, or the test failed). Included
** after rundb_testdoc.h by the store's tests; everything is static.
*/
#ifndef CS_RUNDB_TESTSTORE_H
#define CS_RUNDB_TESTSTORE_H

static char path[600];
static const char *dir;

static int setup(void **state) {
  (void)state;
  dir = testdir_make();
  if (!dir) return -1;
  snprintf(path, sizeof path, "%s/runs.db", dir);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  testdir_remove(dir);
  return 0;
}

static cs_rundb *open_write(void) {
  cs_rundb_options opt = CS_RUNDB_OPTIONS_INIT;
  opt.write = 1;
  cs_rundb *db = NULL;
  cs_error err = {0, ""};
  if (cs_rundb_open(&db, path, &opt, &err)) fail_msg("open %s: %s", path, err.msg);
  return db;
}

#endif
