-- coopsim.lua: the scenario API (SPEC §3) on top of the C core.
--
-- Loaded by luaopen_coopsim with (core, report, part, M): part(name) loads a
-- shipped part of the API in coopsim's own environment; M is the (empty)
-- module table to fill, made by the host (core/lua_coopsim.c: a `coopsim
-- run` fills it the first time a scenario touches it). Scenario files see
-- the returned table M as the global `coopsim`. Every error raised for a
-- scenario names the scenario's file and line: `where()` (coopsim_util.lua)
-- finds the first stack frame outside coopsim's scripts.
--
-- The parts, each by concern, in the order they are loaded (a part uses
-- what the parts before it put in the shared table S):
--   coopsim_util.lua         errors at the scenario's line, checks of its values
--   coopsim_places.lua       municipalities, populations, projections
--   coopsim_keys.lua         cs.keys
--   coopsim_cooperation.lua  cs.cooperation
--   coopsim_scenario.lua     cs.scenario and the modifications
--   coopsim_spec.lua         a cooperation in a scenario as the core's spec; simulating
--   coopsim_lint.lua         the scenario linter
--   coopsim_run.lua          runs, comparisons, reports, stored runs, expectations
--   coopsim_analysis.lua     parameters, sweeps, goal seek, decomposition, Monte Carlo
--   coopsim_repl.lua         the REPL's helpers

local core, report, part, M = ...

local S = {}
M.version = core.version
M.keys = {}

for _, name in ipairs { "util", "places", "keys", "cooperation", "scenario", "spec", "lint", "run",
                        "analysis", "repl" } do
  part("coopsim_" .. name .. ".lua")(core, report, M, S)
end

local readonly, raw = S.readonly, S.raw

-- A scenario is handed out as a read-only view: its methods work on the
-- table behind the view and hand out views.
for name, fn in pairs(S.scenario_mt) do
  if type(fn) == "function" and name:sub(1, 2) ~= "__" then
    S.scenario_mt[name] = function(self, ...) return readonly(fn(raw(self), ...)) end
  end
end

-- A run's methods, for core/lua_run.c.
core.run_methods(S.run_mt)

return M
