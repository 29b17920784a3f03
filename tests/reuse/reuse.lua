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
cs.expect(rawequal(rv.results[1], rb.results[1]), true, "A untouched: reused")
cs.expect(rawequal(rv.results[2], rb.results[2]), false, "B touched: made anew")
cs.expect(rv:share("1824", 2027) == nil, true, "1824 has left B by 2027")

-- a grant ended in A only
local rg = base:fork("grant ends"):end_grant("Tilskudd", 2025):run { from = 2024, to = 2027 }
cs.expect(rawequal(rg.results[2], rb.results[2]), true, "B has no such grant: reused")
cs.expect(rg:share("1812", 2027) > rb:share("1812", 2027), true, "A pays more without the grant")

-- other years: not reused
local r2 = base:run { from = 2024, to = 2026 }
cs.expect(rawequal(r2.results[1], rb.results[1]), false, "other years: made anew")

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
