/*
** main.c: `coopsim` — run scenario files, the REPL, regression runs and
** registry commands (see --help).
*/
#include <errno.h>
#include <lauxlib.h>
#include <lualib.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "coopsim/confine.h"
#include "coopsim/sandbox.h"
#include "coopsim/temp_files.h"

static const char *const usage =
    "coopsim " COOPSIM_VERSION " - who pays what in inter-municipal cooperation\n"
    "\n"
    "usage:\n"
    "  coopsim run FILE.lua [--format table|csv|csv-nb|json|md|xlsx|html] [--out PATH]\n"
    "                   [--lang en|nb] [--strict] [--db FILE]\n"
    "                               run a scenario file; with --format, --out or --lang,\n"
    "                               write every run the file made, the first as the\n"
    "                               baseline of a comparison (the format from --out's\n"
    "                               extension when not given, else csv; the file's own\n"
    "                               prints go to stderr); xlsx needs --out\n"
    "                               --format invoices|invoices-nb: the invoice list, every\n"
    "                               invoice line by member and year (a workbook with\n"
    "                               --out FILE.xlsx)\n"
    "                               --db FILE: also store the runs in the run store\n"
    "                               FILE (created if missing; checked before running)\n"
    "  coopsim runs list|show ID|compare ID ID|export ID|verify --db FILE\n"
    "                               stored runs: list them, show one, compare the second\n"
    "                               with the first by member and year, export one, check\n"
    "                               the whole store file\n"
    "                               (export takes --format, --out and --lang as run does)\n"
    "  coopsim                      the interactive REPL (also: coopsim repl)\n"
    "  coopsim -e 'CODE'            run a chunk of Lua with `coopsim` (also `cs`) loaded\n"
    "  coopsim test [PATH ...] [--update] [--strict]\n"
    "                               run scenario files (a folder: every *.lua in it),\n"
    "                               check cs.expect and NAME.expected.csv golden files;\n"
    "                               --update rewrites the golden files;\n"
    "                               --strict makes linter warnings errors\n"
    "  coopsim data show NAME|CODE [DATE]    a municipality (name resolved at DATE)\n"
    "  coopsim data history CODE             its periods and changes\n"
    "  coopsim data population CODE FROM TO  population on 1 January, FROM..TO\n"
    "  coopsim data changes YEAR             the changes that took effect in YEAR\n"
    "  coopsim data import FILE... [--data-dir DIR | --registry-db FILE]\n"
    "                               import SSB files (KLASS JSON, StatBank CSV) into the\n"
    "                               registry CSVs in DIR (default: data) or into an SQLite\n"
    "                               registry (created from the built-in one); all or nothing\n"
    "  coopsim --help | --version\n"
    "\n"
    "options for every command:\n"
    "  --data-dir DIR   use the registry CSVs in DIR instead of the built-in registry\n"
    "  --registry-db FILE  use the registry in the SQLite database FILE\n"
    "                   (made by coopsim data import --registry-db)\n"
    "\n"
    "scenario files (run, test) run in a sandbox: no files, programs or modules;\n"
    "data files only below the scenario's folder; `coopsim run` runs them in a\n"
    "separate worker process that the kernel confines (last line):\n"
    "  --trusted              your own file: the whole Lua library, no limits\n"
    "  --allow-read DIR       data files may also come from below DIR\n"
    "  --max-memory MB        memory for the scenario's Lua (default 512)\n"
    "  --max-instructions N   Lua instructions (default 10000000000)\n"
    "  --max-output MB        what print() may write (default 64)\n"
    "  --max-rows N           result rows of all runs together (default 1000000)\n"
    "  --timeout S            wall-clock seconds per file (default 60)\n"
    "\n"
    "Figures: Kilde: Statistisk sentralbyrå (SSB).\n";


static int cmd_eval(const char *code, const cli_options *opt) {
  lua_State *L = cli_new_state(opt, NULL, 0);
  if (!L) return 1;
  /* `cs` as in the REPL, so what works there works here */
  lua_getglobal(L, "coopsim");
  lua_setglobal(L, "cs");
  int rc = 0;
  if (luaL_loadbufferx(L, code, strlen(code), "=(command line)", "t") != LUA_OK) {
    fprintf(stderr, "coopsim: %s\n", lua_tostring(L, -1));
    rc = 1;
  } else if (cli_pcall(L, 0, 0) != LUA_OK) {
    rc = 1;
  } else if (cli_report_expectations(L) > 0) {
    rc = 1;
  }
  cs_sandbox_close(L);
  return rc;
}

/* A whole number in [1, max] written in plain digits; 0 on anything else. */
static unsigned long long parse_count(const char *s, unsigned long long max) {
  unsigned long long v = 0;
  if (!*s) return 0;
  for (; *s; s++) {
    if (*s < '0' || *s > '9') return 0;
    if (v > (max - (unsigned long long)(*s - '0')) / 10) return 0;
    v = v * 10 + (unsigned long long)(*s - '0');
  }
  return v;
}

/* Seconds: digits with at most one decimal point, in (0, 86400]; 0 on error. */
static double parse_seconds(const char *s) {
  double v = 0, scale = 0;
  if (!*s) return 0;
  for (; *s; s++) {
    if (*s == '.' && scale == 0) scale = 1;
    else if (*s >= '0' && *s <= '9') {
      if (scale == 0) v = v * 10 + (*s - '0');
      else v += (*s - '0') * (scale /= 10);
      if (v > 86400) return 0;
    } else return 0;
  }
  return v;
}

static int dispatch(int argc, char **argv) {
  cli_options opt = {0};
  opt.timeout = 60;
  /* global options may come anywhere; take them out of argv */
  int n = 1;
  static const char *const valued[] = {"--data-dir", "--registry-db", "--max-memory", "--max-output",
                                       "--max-rows", "--max-instructions", "--timeout",
                                       "--allow-read", NULL};
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    for (const char *const *o = valued; *o; o++)
      if (strcmp(a, *o) == 0 && (!v || !*v)) {
        fprintf(stderr, "coopsim: %s needs a value (see coopsim --help)\n", a);
        return 2;
      }
    if ((strcmp(a, "--data-dir") == 0 && opt.data_dir) || (strcmp(a, "--registry-db") == 0 && opt.registry_db)) {
      fprintf(stderr, "coopsim: %s given twice\n", a);
      return 2;
    }
    if (strcmp(a, "--data-dir") == 0 && v) opt.data_dir = argv[++i];
    else if (strcmp(a, "--registry-db") == 0 && v) opt.registry_db = argv[++i];
    else if (strcmp(a, "--trusted") == 0) opt.trusted = 1;
    else if (strcmp(a, "--max-memory") == 0 && v) {
      unsigned long long mb = parse_count(argv[++i], 1ULL << 20);
      if (mb == 0) {
        fprintf(stderr, "coopsim: --max-memory \"%s\": give megabytes, 1 to 1048576\n", v);
        return 2;
      }
      opt.max_memory = (size_t)mb << 20;
    } else if (strcmp(a, "--max-output") == 0 && v) {
      unsigned long long mb = parse_count(argv[++i], 1ULL << 20);
      if (mb == 0) {
        fprintf(stderr, "coopsim: --max-output \"%s\": give megabytes, 1 to 1048576\n", v);
        return 2;
      }
      opt.max_output = (size_t)mb << 20;
    } else if (strcmp(a, "--max-rows") == 0 && v) {
      opt.max_rows = (long)parse_count(argv[++i], 1ULL << 40);
      if (opt.max_rows == 0) {
        fprintf(stderr, "coopsim: --max-rows \"%s\": give a whole number from 1\n", v);
        return 2;
      }
    } else if (strcmp(a, "--max-instructions") == 0 && v) {
      opt.max_instructions = parse_count(argv[++i], 1ULL << 62);
      if (opt.max_instructions == 0) {
        fprintf(stderr, "coopsim: --max-instructions \"%s\": give a whole number from 1\n", v);
        return 2;
      }
    } else if (strcmp(a, "--timeout") == 0 && v) {
      opt.timeout = parse_seconds(argv[++i]);
      if (opt.timeout <= 0) {
        fprintf(stderr, "coopsim: --timeout \"%s\": give seconds, more than 0 and at most 86400\n", v);
        return 2;
      }
    } else if (strcmp(a, "--allow-read") == 0 && v) {
      if (opt.nallow_read == CLI_MAX_ALLOW_READ) {
        fprintf(stderr, "coopsim: at most %d --allow-read folders\n", CLI_MAX_ALLOW_READ);
        return 2;
      }
      opt.allow_read[opt.nallow_read++] = argv[++i];
    } else argv[n++] = argv[i];
  }
  if (opt.max_memory == 0) opt.max_memory = (size_t)512 << 20;
  if (opt.data_dir && opt.registry_db) {
    fprintf(stderr, "coopsim: give --data-dir or --registry-db, not both\n");
    return 2;
  }
  argc = n;
  if (argc < 2) return cli_check_registry(&opt) != 0 ? 1 : cli_repl(&opt);
  const char *cmd = argv[1];
  if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
    fputs(usage, stdout);
    cs_confine_status st;
    char line[256];
    cs_confine_probe(&st);
    printf("Worker confinement here: %s.\n", cs_confine_describe(&st, line, sizeof line));
    return 0;
  }
  if (strcmp(cmd, "--version") == 0) {
    printf("coopsim %s (%s)\n", COOPSIM_VERSION, LUA_RELEASE);
    return 0;
  }
  if (strcmp(cmd, "run") == 0) return cli_run(argc - 2, argv + 2, &opt);
  /* a registry given on the command line is checked before anything runs */
  if (strcmp(cmd, "data") != 0 && cli_check_registry(&opt) != 0) return 1;
  if (strcmp(cmd, "repl") == 0) return cli_repl(&opt);
  if (strcmp(cmd, "-e") == 0) {
    if (argc < 3) {
      fprintf(stderr, "coopsim -e: which code? (coopsim -e 'print(coopsim.version)')\n");
      return 2;
    }
    return cmd_eval(argv[2], &opt);
  }
  if (strcmp(cmd, "test") == 0) return cli_test(argc - 2, argv + 2, &opt);
  if (strcmp(cmd, "data") == 0) return cli_data(argc - 2, argv + 2, &opt);
  if (strcmp(cmd, "runs") == 0) return cli_runs(argc - 2, argv + 2, &opt);
  fprintf(stderr, "coopsim: unknown command \"%s\" (see coopsim --help)\n", cmd);
  return 2;
}

/* Every command's output can fail to be written (a full disk, a closed
** pipe): that is an exit status, not silence. A file size limit (`ulimit
** -f`) too: SIGXFSZ ignored, a write past it fails with EFBIG, and the
** writer reports it and removes its temporary file, where the signal's
** default killed the process and left the file behind. Ctrl-C, SIGTERM,
** SIGHUP and the like still end the process, but remove first the
** temporary file of a report being written (temp_files.h). */
int main(int argc, char **argv) {
  signal(SIGXFSZ, SIG_IGN);
  cs_temp_files_on_signals();
  int rc = dispatch(argc, argv);
  errno = 0;
  if (fflush(stdout) != 0 || ferror(stdout)) {
    if (!cli_stdout_failure_told) /* else told already, once */
      fprintf(stderr, "coopsim: cannot write to standard output (%s)\n", errno ? strerror(errno) : "write error");
    if (rc == 0) rc = 1;
  }
  return rc;
}
