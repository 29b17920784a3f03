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
#include "coopsim/doc_wire.h"
#include "coopsim/lua_coopsim.h"
#include "coopsim/readfile.h"
#include "coopsim/report.h"

static int quiet_print(lua_State *L) {
  (void)L;
  return 0;
}

/* What a scenario file's run gave: from the worker, or from a state here. */
typedef struct outcome {
  int status;      /* 0: the file ran to its end */
  cs_lua_check_counts checks;
  cs_doc *doc;     /* every run it made */
  size_t got;      /* bytes the worker sent */
  size_t budget;   /* what the parent takes of it (--max-memory) */
  cs_error err;
} outcome;

typedef struct test_job {
  const char *file;
  const char *text;
  size_t len;
  int strict;
  const cli_options *opt;
} test_job;

/* Runs the file in L (print silenced); fills o. */
static void run_file(lua_State *L, const test_job *job, outcome *o) {
  lua_pushcfunction(L, quiet_print);
  lua_setglobal(L, "print");
  char chunkname[4096];
  snprintf(chunkname, sizeof chunkname, "@%s", job->file);
  cs_error err = {0, ""};
  if (cs_sandbox_run(L, job->text, job->len, chunkname, &err) != 0) {
    fprintf(stderr, "coopsim: %s\n", err.msg);
    o->status = 1;
    return;
  }
  cli_report_expectations(L);
  cli_report_warnings(L, job->strict ? "error" : "warning");
  cs_lua_checks(L, &o->checks);
}

/* The document of the runs L made (in o), for the trusted path. */
static void make_doc(lua_State *L, const test_job *job, outcome *o) {
  cs_error err = {0, ""};
  if (cs_lua_runs_doc(L, COOPSIM_VERSION, job->file, 0, &o->doc, &err) != 0) {
    fprintf(stderr, "coopsim: %s: the results could not be made: %s\n", job->file, err.msg);
    o->status = 1;
  }
}

static int write_fd(void *ud, const void *data, size_t n) { return cli_write_all(*(int *)ud, data, n); }

/* In the worker: runs the file, sends the status, the checks and the runs. */
static int test_child(int fd, void *arg) {
  const test_job *job = arg;
  outcome o = {0};
  lua_State *L = cli_new_state(job->opt, job->file, 0);
  if (!L) return 1;
  if (cli_confine_worker(L, job->file, job->opt, fd) != 0) return 1;
  run_file(L, job, &o);
  cs_wire_out *w = cs_wire_out_new(write_fd, &fd);
  if (!w) return 1;
  cs_wire_put_int(w, o.status);
  cs_wire_put_uint(w, (uint64_t)o.checks.checked);
  cs_wire_put_uint(w, (uint64_t)o.checks.failed);
  cs_wire_put_uint(w, (uint64_t)o.checks.warnings);
  cs_wire_put_uint(w, o.status == 0);
  int rc = 0;
  if (o.status == 0) { /* made as it is sent: the parent checks it */
    cs_error err = {0, ""};
    if (cs_lua_runs_stream(L, w, COOPSIM_VERSION, job->file, 0, &err) != 0) {
      fprintf(stderr, "coopsim: %s: the results could not be made: %s\n", job->file, err.msg);
      rc = 1;
    }
  }
  if (cs_wire_out_flush(w) != 0) rc = 1;
  cs_wire_out_free(w);
  return rc;
}

/* In the parent: reads what the worker sends. */
static int test_consume(cli_worker_pipe *p, void *arg) {
  outcome *o = arg;
  cs_wire_in *in = cs_wire_in_new(cli_worker_fill, p, o->budget);
  if (!in) return cs_error_set(&o->err, CS_ENOMEM, "out of memory");
  int64_t status;
  uint64_t v[3], has_doc;
  int rc = cs_wire_get_int(in, &status, "the worker's status", &o->err);
  for (int i = 0; i < 3 && !rc; i++) rc = cs_wire_get_uint(in, INT64_MAX, &v[i], "the checks", &o->err);
  if (!rc) rc = cs_wire_get_uint(in, 1, &has_doc, "the results", &o->err);
  /* checked alone and in the relations every simulated run has (doc_wire.h) */
  if (!rc && has_doc) rc = cs_wire_get_doc(in, SIZE_MAX, &o->doc, &o->err);
  if (!rc && !cs_wire_at_end(in, &o->err))
    rc = cs_error_set(&o->err, CS_EINVAL, "the worker sent more than it announced");
  cs_wire_in_free(in);
  if (!rc) {
    o->status = status != 0;
    o->checks.checked = (long long)v[0];
    o->checks.failed = (long long)v[1];
    o->checks.warnings = (long long)v[2];
  }
  o->got = p->got;
  return rc;
}

static void print_diff(const char *line, void *ud) { fprintf(stderr, "%s: %s\n", (const char *)ud, line); }

/* The golden file beside file: NAME.expected.csv for NAME.lua. */
static void golden_name(const char *file, char *out, size_t size) {
  size_t flen = strlen(file);
  if (flen > 4 && strcmp(file + flen - 4, ".lua") == 0)
    snprintf(out, size, "%.*s.expected.csv", (int)(flen - 4), file);
  else snprintf(out, size, "%s.expected.csv", file);
}

/* Runs one scenario file; returns 1 if it passed. */
static int test_file(const char *file, int update, int strict, const cli_options *opt) {
  cs_error err = {0, ""};
  size_t len;
  char *text = cs_read_file(file, &len, &err);
  if (!text) {
    printf("FAIL %s: %s\n", file, err.msg);
    fflush(stdout);
    return 0;
  }
  test_job job = {file, text, len, strict, opt};
  outcome o = {0};
  int ran = 0;
  if (opt->trusted) {
    lua_State *L = cli_new_state(opt, file, 0);
    if (L) {
      run_file(L, &job, &o);
      if (o.status == 0) make_doc(L, &job, &o);
      ran = 1;
    }
    cs_sandbox_close(L);
  } else {
    cli_worker_limits lim = {opt->timeout, opt->max_memory};
    cli_worker_outcome wo;
    o.budget = opt->max_memory;
    if (cli_worker_run(&lim, test_child, &job, test_consume, &o, &wo) != 0) {
      printf("FAIL %s: cannot start a worker process\n", file);
    } else if (wo.timed_out) {
      printf("FAIL %s: timeout: ran longer than %g s (--timeout) and was stopped\n", file, opt->timeout);
    } else if (wo.refused) {
      printf("FAIL %s: %s\n", file, o.err.msg);
    } else if (wo.signal) {
      char why[512];
      cli_worker_explain(&wo, file, &lim, why, sizeof why);
      printf("FAIL %s\n", why);
    } else if (wo.consumed != 0) {
      if (o.got == 0) printf("FAIL %s: the scenario's worker stopped (above)\n", file);
      else printf("FAIL %s: %s\n", file, o.err.msg);
    } else {
      ran = 1;
    }
  }
  free(text);
  if (!ran) {
    fflush(stdout);
    cs_doc_free(o.doc);
    return 0;
  }
  if (o.status != 0) {
    printf("FAIL %s: the scenario raised an error (above)\n", file);
    fflush(stdout);
    cs_doc_free(o.doc);
    return 0;
  }
  int ok = o.checks.failed == 0 && !(strict && o.checks.warnings > 0);
  /* the golden file: the CSV of every run, made here from the C results */
  char golden[4096];
  golden_name(file, golden, sizeof golden);
  struct stat st;
  if (lstat(golden, &st) == 0 && !S_ISREG(st.st_mode)) {
    printf("FAIL %s: %s is not a plain file (a symbolic link?); it is neither read nor written\n",
           file, golden);
    fflush(stdout);
    cs_doc_free(o.doc);
    return 0;
  }
  size_t nruns = o.doc ? o.doc->nruns : 0;
  const char *golden_note = "no golden file";
  if (nruns > 0) {
    char *actual = NULL, *expected = NULL;
    size_t alen = 0, elen = 0;
    if (cs_report_render(o.doc, CS_REPORT_CSV, CS_LANG_EN, &actual, &alen, &err) != 0) {
      printf("FAIL %s: %s\n", file, err.msg);
      fflush(stdout);
      cs_doc_free(o.doc);
      return 0;
    }
    expected = cs_read_file(golden, &elen, NULL);
    int same = expected && elen == alen && memcmp(expected, actual, alen) == 0;
    if (update) {
      if (!same) {
        if (cs_atomic_write_buffer(golden, actual, alen, &err) != 0) {
          fprintf(stderr, "%s\n", err.msg);
          ok = 0;
        } else {
          golden_note = expected ? "golden file updated" : "golden file written";
        }
      } else {
        golden_note = "golden file unchanged";
      }
    } else if (expected) {
      if (same) {
        golden_note = "golden file matches";
      } else {
        ok = 0;
        golden_note = "golden file differs";
        if (memchr(expected, '\0', elen))
          fprintf(stderr, "%s: the golden file holds a NUL byte\n", golden);
        cli_golden_diff(expected, elen, actual, alen, print_diff, golden, 20);
      }
    }
    free(expected);
    free(actual);
  }
  printf("%s %s (%lld checks%s, %zu runs, %s)\n", ok ? "PASS" : "FAIL", file, o.checks.checked,
         o.checks.failed ? ", some failed" : "", nruns, golden_note);
  fflush(stdout);
  cs_doc_free(o.doc);
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
        /* the wall-clock limit: a --trusted file runs in this process, which
        ** SIGALRM ends; a sandboxed one runs in a worker of its own that the
        ** deadline ends */
        if (opt->trusted && opt->timeout > 0)
          alarm((unsigned)opt->timeout + (opt->timeout > (unsigned)opt->timeout));
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
