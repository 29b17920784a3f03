/*
** test.c: `coopsim test` — regression runs of scenario files. Each file runs
** in a fresh Lua state; its cs.expect checks and, when present, the golden
** file NAME.expected.csv beside it (every run's rows) are compared. The last
** line is "N passed, N failed"; the exit status is 1 on any failure.
*/
#include <dirent.h>
#include <lauxlib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cli.h"
#include "coopsim/sandbox.h"
#include "worker.h"
#include "coopsim/atomic_file.h"
#include "coopsim/doc.h"
#include "coopsim/readfile.h"
#include "coopsim/report.h"

static int quiet_print(lua_State *L) {
  (void)L;
  return 0;
}

/* The golden file, whole or not at all, through a temporary file of its own
** (mkstemp: never a name a scenario's folder could hold as a link). */
static int write_all(const char *path, const char *text, size_t len) {
  return cs_atomic_write_buffer(path, text, len, NULL) == 0 ? 0 : -1;
}

/* [-1, +1, -] The runs' result document (JSON text) at the top of the
** stack replaced by their CSV in English as the report writer makes it
** (report.h): a golden file holds what `coopsim run --format csv` writes,
** the part columns and the rounding too. 0, or -1 after printing why. */
static int golden_csv(lua_State *L, const char *file) {
  size_t len;
  const char *json = lua_tolstring(L, -1, &len);
  cs_error err = {0, ""};
  cs_doc *doc = NULL;
  char *csv = NULL;
  int rc = json ? cs_doc_from_json(json, len, file, &doc, &err) : cs_error_set(&err, CS_EINVAL, "no results");
  if (!rc) rc = cs_report_render(doc, CS_REPORT_CSV, CS_LANG_EN, &csv, &len, &err);
  cs_doc_free(doc);
  lua_pop(L, 1);
  if (rc) {
    fprintf(stderr, "coopsim test: %s: %s\n", file, err.msg);
    return -1;
  }
  lua_pushlstring(L, csv, len);
  free(csv);
  return 0;
}

/* Runs one scenario file; returns 1 if it passed. */
static int test_file(const char *file, int update, int strict, const cli_options *opt) {
  lua_State *L = cli_new_state(opt, file, 0);
  if (!L) return 0;
  lua_pushcfunction(L, quiet_print);
  lua_setglobal(L, "print");
  int ok = 1;
  if (cli_dofile(L, file) != 0) {
    fprintf(stderr, "FAIL %s: the scenario raised an error (above)\n", file);
    cs_sandbox_close(L);
    return 0;
  }
  int failed = cli_report_expectations(L);
  if (failed) ok = 0;
  int warnings = cli_report_warnings(L, strict ? "error" : "warning");
  if (strict && warnings) ok = 0;
  lua_getglobal(L, "coopsim");
  lua_getfield(L, -1, "_expect");
  lua_getfield(L, -1, "checked");
  lua_Integer checked = lua_tointeger(L, -1);
  lua_pop(L, 2);
  /* golden file */
  char golden[4096];
  size_t flen = strlen(file);
  if (flen > 4 && strcmp(file + flen - 4, ".lua") == 0)
    snprintf(golden, sizeof golden, "%.*s.expected.csv", (int)(flen - 4), file);
  else snprintf(golden, sizeof golden, "%s.expected.csv", file);
  struct stat st;
  if (lstat(golden, &st) == 0 && !S_ISREG(st.st_mode)) {
    printf("FAIL %s: %s is not a plain file (a symbolic link?); it is neither read nor written\n",
           file, golden);
    fflush(stdout);
    cs_sandbox_close(L);
    return 0;
  }
  lua_getfield(L, -1, "_runs");
  lua_Integer nruns = luaL_len(L, -1);
  const char *golden_note = "no golden file";
  if (nruns > 0) {
    lua_getfield(L, -2, "report");
    lua_getfield(L, -1, "json");
    lua_pushvalue(L, -3);
    if (cli_pcall(L, 1, 1) != LUA_OK || golden_csv(L, file) != 0) {
      cs_sandbox_close(L);
      return 0;
    }
    size_t alen;
    const char *actual = lua_tolstring(L, -1, &alen);
    char *expected = cs_read_file(golden, NULL, NULL);
    if (update) {
      if (!expected || strcmp(expected, actual) != 0) {
        if (write_all(golden, actual, alen) != 0) {
          perror(golden);
          ok = 0;
        } else {
          golden_note = expected ? "golden file updated" : "golden file written";
        }
      } else {
        golden_note = "golden file unchanged";
      }
    } else if (expected) {
      if (strcmp(expected, actual) == 0) {
        golden_note = "golden file matches";
      } else {
        ok = 0;
        golden_note = "golden file differs";
        lua_getfield(L, -2, "diff_csv");
        lua_pushstring(L, expected);
        lua_pushvalue(L, -3);
        if (cli_pcall(L, 2, 1) == LUA_OK) {
          lua_Integer nd = luaL_len(L, -1);
          for (lua_Integer i = 1; i <= nd; i++) {
            lua_rawgeti(L, -1, i);
            fprintf(stderr, "%s: %s\n", golden, lua_tostring(L, -1));
            lua_pop(L, 1);
          }
          lua_pop(L, 1);
        }
      }
    }
    free(expected);
  }
  printf("%s %s (%lld checks%s, %lld runs, %s)\n", ok ? "PASS" : "FAIL", file, (long long)checked,
         failed ? ", some failed" : "", (long long)nruns, golden_note);
  fflush(stdout);
  cs_sandbox_close(L);
  return ok;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every *.lua in dir, sorted; caller frees each and the array. */
static char **lua_files(const char *dir, size_t *n) {
  DIR *d = opendir(dir);
  *n = 0;
  if (!d) return NULL;
  size_t cap = 16;
  char **files = malloc(cap * sizeof *files);
  struct dirent *e;
  while (files && (e = readdir(d))) {
    size_t len = strlen(e->d_name);
    if (len < 5 || strcmp(e->d_name + len - 4, ".lua") != 0 || e->d_name[0] == '.') continue;
    if (*n == cap) {
      char **nf = realloc(files, (cap *= 2) * sizeof *files);
      if (!nf) break;
      files = nf;
    }
    size_t plen = strlen(dir) + len + 2;
    files[*n] = malloc(plen);
    if (!files[*n]) break;
    snprintf(files[*n], plen, "%s/%s", dir, e->d_name);
    (*n)++;
  }
  closedir(d);
  if (files) qsort(files, *n, sizeof *files, cmp_str);
  return files;
}

/* Runs the files with up to `jobs` worker processes; each worker's output
** goes to a temporary file that is printed in the files' order, so -j N
** prints exactly what -j 1 prints. Returns the number that passed. */
static int run_parallel(char **files, size_t n, int jobs, int update, int strict,
                        const cli_options *opt) {
  FILE **out = calloc(n, sizeof *out);
  pid_t *pid = calloc(n, sizeof *pid);
  int *ok = calloc(n, sizeof *ok), *done = calloc(n, sizeof *done);
  int passed = 0, running = 0;
  size_t next = 0, printed = 0;
  if (!out || !pid || !ok || !done) {
    fprintf(stderr, "coopsim test: out of memory\n");
    goto end;
  }
  fflush(stdout);
  fflush(stderr);
  while (printed < n) {
    while (running < jobs && next < n) {
      out[next] = tmpfile();
      pid[next] = out[next] ? fork() : -1;
      if (pid[next] == 0) {
        dup2(fileno(out[next]), STDOUT_FILENO);
        dup2(fileno(out[next]), STDERR_FILENO);
        /* the wall-clock limit: SIGALRM ends a file that hangs in C */
        if (opt->timeout > 0) alarm((unsigned)opt->timeout + (opt->timeout > (unsigned)opt->timeout));
        if (!opt->trusted) {
          cli_worker_limits lim = {opt->timeout, opt->max_memory, 0};
          cli_worker_child_limits(&lim);
        }
        int r = test_file(files[next], update, strict, opt);
        fflush(stdout);
        fflush(stderr);
        _exit(r ? 0 : 1);
      }
      if (pid[next] < 0) { /* no process: run it here */
        ok[next] = test_file(files[next], update, strict, opt);
        done[next] = 2;
      } else {
        running++;
      }
      next++;
    }
    if (running > 0) {
      int status;
      pid_t w = wait(&status);
      for (size_t i = 0; i < next && w > 0; i++)
        if (pid[i] == w && !done[i]) {
          done[i] = 1;
          ok[i] = WIFEXITED(status) && WEXITSTATUS(status) == 0;
          if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
            fprintf(out[i], "FAIL %s: timeout: ran longer than %g s (--timeout) and was stopped\n",
                    files[i], opt->timeout);
          else if (!WIFEXITED(status))
            fprintf(out[i], "FAIL %s: the worker died (signal %d)\n", files[i],
                    WIFSIGNALED(status) ? WTERMSIG(status) : 0);
          running--;
        }
    }
    while (printed < next && done[printed]) {
      if (done[printed] == 1 && out[printed]) {
        char buf[4096];
        size_t got;
        rewind(out[printed]);
        while ((got = fread(buf, 1, sizeof buf, out[printed])) > 0) fwrite(buf, 1, got, stdout);
        fflush(stdout);
      }
      if (out[printed]) fclose(out[printed]);
      passed += ok[printed];
      printed++;
    }
  }
end:
  free(out);
  free(pid);
  free(ok);
  free(done);
  return passed;
}

int cli_test(int argc, char **argv, const cli_options *opt) {
  int update = 0, strict = 0, jobs = 1, passed = 0, failed = 0;
  char **files = NULL;
  size_t nfiles = 0, cap = 0;
  for (int i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--update") == 0) update = 1;
    else if (strcmp(argv[i], "--strict") == 0) strict = 1;
    else if (strcmp(argv[i], "-j") == 0 && i + 1 < argc) {
      char *end;
      long j = strtol(argv[++i], &end, 10);
      if (*end || j < 1 || j > 256) {
        fprintf(stderr, "coopsim test: -j takes a number of workers from 1 to 256\n");
        return 2;
      }
      jobs = (int)j;
    } else if (argv[i][0] == '-') {
      fprintf(stderr, "coopsim test: unknown option %s\n", argv[i]);
      return 2;
    }
  }
  const char *deflt = "scenarios";
  int any_path = 0;
  for (int i = 0; i <= argc; i++) {
    const char *path;
    if (i == argc) {
      if (any_path) break;
      path = deflt;
    } else {
      path = argv[i];
      if (path[0] == '-') {
        if (strcmp(path, "-j") == 0) i++;
        continue;
      }
      any_path = 1;
    }
    struct stat st;
    if (stat(path, &st) != 0) {
      fprintf(stderr, "FAIL %s: no such file or folder\n", path);
      failed++;
      continue;
    }
    size_t n = 0;
    char **found = NULL;
    if (S_ISDIR(st.st_mode)) {
      found = lua_files(path, &n);
      if (n == 0) {
        fprintf(stderr, "FAIL %s: no *.lua files\n", path);
        failed++;
      }
    } else {
      found = malloc(sizeof *found);
      if (found && (found[0] = malloc(strlen(path) + 1))) {
        strcpy(found[0], path);
        n = 1;
      }
    }
    for (size_t k = 0; k < n; k++) {
      if (nfiles == cap) {
        char **nf = realloc(files, (cap = cap ? cap * 2 : 16) * sizeof *files);
        if (!nf) break;
        files = nf;
      }
      files[nfiles++] = found[k];
    }
    free(found);
  }
  /* files from others run in child processes, which the wall-clock limit
  ** can end; --trusted files run here when there is one job */
  if (!opt->trusted || (jobs > 1 && nfiles > 1)) {
    int p = run_parallel(files, nfiles, jobs, update, strict, opt);
    passed += p;
    failed += (int)nfiles - p;
  } else {
    for (size_t i = 0; i < nfiles; i++) {
      if (test_file(files[i], update, strict, opt)) passed++;
      else failed++;
    }
  }
  for (size_t i = 0; i < nfiles; i++) free(files[i]);
  free(files);
  printf("%d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
