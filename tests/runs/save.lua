-- r:save and cs.save from a scenario file (tests/runs_cli.sh runs it and
-- reads lua.db back with coopsim runs list).
local cs = coopsim
local store = "lua.db"
local c = cs.cooperation { name = "Lua save", period = { from = "2023-01-01" }, members = { "1833", "1824" },
  costs = { { name = "Drift", amount = 1001 } }, key = cs.keys.equal() }
local s = cs.scenario("Equal", { c })
local r0 = s:run { from = 2023, to = 2023 }
local r1 = s:fork("Later"):run { from = 2024, to = 2024 }
cs.expect(r0:save(store), 1, "r:save returns the new run's number")
cs.expect(cs.save(store, r0, r1), 2, "cs.save stores several runs as one")
local ok, msg = pcall(cs.save, store, r0, "not a run")
cs.expect(ok, false, "cs.save refuses what is not a run")
print(msg)
ok, msg = pcall(r0.save, r0, "no/such/folder/x.db")
cs.expect(ok, false, "r:save into a missing folder fails")
print(msg)
