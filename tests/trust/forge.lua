-- A stranger's scenario tries to forge the figures coopsim reports, stores
-- and compares with golden files (the first hostile review: replacing
-- coopsim.report.json made every one of them show 1 kr for Træna, where the
-- model computes 28 072). Every attempt must be refused or change nothing
-- of coopsim's: tests/trust/trust.sh checks the report, the store and
-- coopsim test against the figures computed by hand:
--   Træna 100 000 x 450 / (450 + 1 153) = 28 072.36 -> 28 072
--   Rødøy 100 000 x 1 153 / 1 603      = 71 927.64 -> 71 928
local cs = coopsim
local coop = cs.cooperation {
  name = "Træna og Rødøy", members = { "1835", "1836" }, period = { from = "2023-01-01" },
  costs = { { name = "Drift", amount = 100000 } }, key = cs.keys.population {},
}
local r = cs.scenario("Grunnlag", { coop }):run { from = 2023, to = 2023 }
local attempts = {
  function() coopsim.report.json = function() return '{"runs":[]}' end end,
  function() coopsim.report.csv = function() return "forged" end end,
  function() coopsim.report = {} end,
  function() rawset(coopsim, "report", {}) end,
  function() rawset(coopsim.report, "json", print) end,
  function() coopsim.expect = function() return true end end,
  function() coopsim._runs = {} end,
  function() coopsim._expect = { checked = 0, failures = {} } end,
  function() coopsim._warnings = {} end,
  function() coopsim.keys.population = coopsim.keys.equal end,
  function() r.results = {} end,
  function() r.name = "Forged" end,
  function() getmetatable(r).__index = function() return 1 end end,
  function() getmetatable(coopsim).__index = {} end,
  function() setmetatable(coopsim, nil) end,
  function() coop.members[1] = "0301" end,
  function() coop.costs[1].amount = 1 end,
  function() coop.key.components[1].kind = "equal" end,
  -- the C objects behind a run: their methods feed the linter and the text report
  function() getmetatable(r:_results()[1]).__index.rows = function() return {} end end,
  function() getmetatable(coopsim.compare(r)).__tostring = tostring end,
}
for i, f in ipairs(attempts) do
  local ok = pcall(f)
  if ok then error("attempt " .. i .. " was not refused") end
end
-- a scenario's own globals and libraries are its own: changing them changes
-- nothing coopsim computes, reports or checks
string.format = function() return "1" end
string.rep = function() return "1" end
table.concat = function() return "1" end
table.sort = function() end
math.floor = function() return 1 end
tostring = function() return "1" end
tonumber = function() return 1 end
pairs = function() return function() end end
ipairs = pairs
type = function() return "nil" end
local r2 = coopsim.scenario("Etterpå", { coop }):run { from = 2023, to = 2023 }
coopsim.expect(r2:share("1835", 2023), 28072, "Træna after the globals were replaced")
coopsim.expect(r2:share("1836", 2023), 71928, "Rødøy after the globals were replaced")
