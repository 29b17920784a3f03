-- Results are reused across runs when a cooperation's spec is the same
-- (scripts/coopsim.lua, simulate_coop): this checks that a variant reuses
-- exactly the cooperations its modifications do not touch, that runs made
-- and forgotten in a loop never hand an old result to a new modification
-- (results are keyed by each modification's number, never by a table's
-- address, which a later table can take), and
-- that a Lua key function is called again on every run.
local cs = coopsim
local function coop(name, members)
  return cs.cooperation {
    name = name, host = members[1], period = { from = "2024-01-01" }, members = members,
    costs = { { name = "Lønn", amount = 900000, growth = "wage" }, { name = "Drift", amount = 100000 } },
    grants = name == "A" and { { name = "Tilskudd", amount = 200000, from = 2024, to = 2030 } } or {},
    key = cs.keys.split { equal = 0.2, population = 0.8 },
    growth = { wage = 0.035 },
  }
end
local a = coop("A", { "1812", "1813", "1815", "1816", "1818" })
local b = coop("B", { "1820", "1822", "1824", "1825", "1826" })
local base = cs.scenario("Base", { a, b })
local rb = base:run { from = 2024, to = 2027 }

-- a withdrawal from B: A's result is the baseline's own, B's is new
local rv = base:fork("1824 leaves B"):withdraw("1824", "2024-03-01"):run { from = 2024, to = 2027 }
cs.expect(rawequal(rv:_results()[1], rb:_results()[1]), true, "A untouched: reused")
cs.expect(rawequal(rv:_results()[2], rb:_results()[2]), false, "B touched: made anew")
cs.expect(rv:share("1824", 2027) == nil, true, "1824 has left B by 2027")

-- a grant ended in A only
local rg = base:fork("grant ends"):end_grant("Tilskudd", 2025):run { from = 2024, to = 2027 }
cs.expect(rawequal(rg:_results()[2], rb:_results()[2]), true, "B has no such grant: reused")
cs.expect(rg:share("1812", 2027) > rb:share("1812", 2027), true, "A pays more without the grant")

-- other years: not reused
local r2 = base:run { from = 2024, to = 2026 }
cs.expect(rawequal(r2:_results()[1], rb:_results()[1]), false, "other years: made anew")

-- modifications made and forgotten in a loop: every run has its own figures
-- (cs.sweep's runs are not kept: their modifications can be collected)
local seen = {}
for i = 0, 40 do
  local sw = cs.sweep { scenario = base, from = 2024, to = 2024, vary = "key.equal", values = { i / 100 } }
  local share = sw:share("1812", 2024, i / 100)
  cs.expect(seen[share] == nil, true, "key.equal = " .. i / 100 .. " gives a share of its own")
  seen[share] = true
  sw = nil
  collectgarbage() -- a full collection (the test runs with --trusted)
end

-- a key in Lua is asked again on every run
local calls = 0
local custom = cs.scenario("Custom", { cs.cooperation {
  name = "C", host = "1812", period = { from = "2024-01-01" }, members = { "1812", "1813" },
  costs = { { name = "Drift", amount = 1000 } },
  key = cs.keys.custom(function(ctx)
    calls = calls + 1
    return { ["1812"] = 1, ["1813"] = 3 }
  end),
} })
custom:run { from = 2024, to = 2024 }
local before = calls
custom:run { from = 2024, to = 2024 }
cs.expect(calls > before, true, "a custom key runs again")

-- a spec shares the cooperation's tables until a modification writes: a
-- varied cost, grant or key, a withdrawal or a join in one variant leaves
-- the cooperation and every other run as they were
local before = base:run { from = 2025, to = 2025 }:share("1812", 2025)
base:fork("cost"):set("cost.Lønn", 2000000):run { from = 2025, to = 2025 }
local a_only = cs.scenario("A only", { a })
local a_before = a_only:run { from = 2025, to = 2025 }:share("1812", 2025)
a_only:fork("grant"):set("grant.Tilskudd", 900000):run { from = 2025, to = 2025 }
base:fork("key"):set("key.equal", 0.9):run { from = 2025, to = 2025 }
base:fork("leave"):withdraw("1813", "2024-01-01"):run { from = 2025, to = 2025 }
base:fork("join"):join("1836", "2025-01-01"):run { from = 2025, to = 2025 }
base:fork("new key"):set_key(cs.keys.equal(), 2025):set("key.equal", 0.5):run { from = 2025, to = 2025 }
-- (other years than before: a result made now, not one kept from then)
local again = cs.scenario("Base again", { a, b }):run { from = 2025, to = 2026 }
cs.expect(again:share("1812", 2025), before, "the cooperation is unchanged by its variants")
cs.expect(again:share("1813", 2025) ~= nil, true, "1813 is still a member")
cs.expect(again:share("1836", 2025), nil, "1836 did not join the cooperation itself")
cs.expect(cs.scenario("A again", { a }):run { from = 2025, to = 2026 }:share("1812", 2025), a_before,
  "the grant is unchanged by a variant that varied it")
