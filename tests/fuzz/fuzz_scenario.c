/*
** Fuzz harness: the scenario loader. The input is a scenario file, loaded
** and run in a fresh sandboxed Lua state (sandbox.h) as `coopsim run` runs a
** file from someone else, with limits small enough for many runs a second.
** Whatever the file holds, the run must end with success or an error that
** has a message, a limit that was hit must fail the run, the stack must be
** as it was, and closing the state must free everything.
*/
#include <lua.h>
#include "coopsim/sandbox.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  cs_sandbox_opts opts;
  cs_sandbox_defaults(&opts);
  opts.max_memory = (size_t)64 << 20;
  opts.max_instructions = 20000000;
  opts.max_output = (size_t)64 << 10;
  opts.max_rows = 20000;
  opts.print_to_stderr = 0;
  cs_error err = {0, ""};
  lua_State *L = cs_sandbox_new(&opts, &err);
  CHECK(L != NULL, "no sandbox: %s", err.msg);
  int rc = cs_sandbox_run(L, (const char *)data, size, "=fuzz.lua", &err);
  if (rc != 0) CHECK(rc < 0 && err.msg[0], "run failed (%d) without a message", rc);
  CHECK(cs_sandbox_limit_hit(L) == CS_LIMIT_NONE || rc != 0, "a limit was hit but the run succeeded");
  CHECK(lua_gettop(L) == 0, "the run left %d values on the stack", lua_gettop(L));
  size_t peak, used = cs_sandbox_memory(L, &peak);
  CHECK(opts.max_memory == 0 || peak <= opts.max_memory, "held %zu bytes, the cap is %zu", peak,
        opts.max_memory);
  (void)used;
  cs_sandbox_close(L);
  return 0;
}
