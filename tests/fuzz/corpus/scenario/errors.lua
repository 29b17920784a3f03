-- Errors that help: each bad input stops with the scenario's file, line and
-- the offending value (issue "errors that help"). Every check below runs the
-- bad call in pcall and looks for the file name and the value in the message.
local cs = coopsim

local function good(overrides)
  local def = {
    name = "Test", period = { from = "2023-01-01" }, members = { "1833", "1824" },
    costs = { { name = "Drift", amount = 1000 } }, key = cs.keys.equal(),
  }
  for k, v in pairs(overrides or {}) do def[k] = v end
  return def
end

local function fails(fn, ...)
  local ok, msg = pcall(fn)
  cs.expect(ok, false, "should fail: " .. table.concat({ ... }, " "))
  msg = tostring(msg)
  cs.expect(msg:find("errors.lua:%d+:") ~= nil, true, "file and line in: " .. msg)
  for _, want in ipairs { ... } do
    cs.expect(msg:find(want, 1, true) ~= nil, true, "'" .. want .. "' in: " .. msg)
  end
end

-- an unknown municipality, with near names offered
fails(function() cs.municipality("Rnaa") end, "Rnaa")
fails(function() cs.cooperation(good { members = { "1833", "Hattfjeldal" } }) end, "Hattfjeldal", "Hattfjelldal")
-- an ambiguous name lists the candidates with codes and counties
fails(function() cs.municipality("Herøy") end, "Herøy", "1515", "1818")
-- a name resolves at the date: Verran existed until 2019
fails(function() cs.municipality("Verran", "2021-01-01") end, "Verran", "5039")
cs.expect(cs.municipality("Verran", "2019-01-01").code, "5039")
-- an unknown option, with a hint
fails(function() cs.keys.split { equl = 0.2, population = 0.8 } end, "equl", "equal")
fails(function() cs.cooperation(good { memebers = {} }) end, "memebers", "members")
fails(function() cs.cooperation(good { costs = { { name = "Lønn", amout = 5 } } }) end, "amout")
-- key shares that do not sum to exactly 1
fails(function() cs.keys.split { equal = 0.333, population = 0.666 } end, "0.999")
-- 0.1 + 0.2 is 0.30000000000000004 as Lua prints it: not a key that sums to 1
fails(function() cs.keys.split { equal = 0.1 + 0.2, population = 0.7 } end, "0.30000000000000004")
cs.expect(tostring(cs.keys.split { equal = 0.1, population = 0.9 }), "10 % equal + 90 % by population")
-- a negative amount
fails(function() cs.cooperation(good { costs = { { name = "Drift", amount = -5 } } }) end, "-5")
fails(function() cs.keys.per_capita { rate = -3 } end, "-3")
-- not a number, NaN and infinity
fails(function() cs.keys.per_capita { rate = 0 / 0 } end, "rate")
fails(function() cs.keys.per_capita { rate = math.huge } end, "inf")
fails(function() cs.keys.per_capita { rate = "3 kr" } end, "3 kr")
-- invalid dates
fails(function() cs.cooperation(good { period = { from = "2023-02-30" } }) end, "2023-02-30")
fails(function() cs.scenario("x", { cs.cooperation(good()) }):withdraw("Rana", "2023-13-01") end, "2023-13-01")
-- a grant whose last year precedes its first
fails(function()
  cs.cooperation(good { grants = { { name = "Tilskudd", amount = 100, from = 2024, to = 2023 } } })
end, "2023", "2024")
-- a rate line of a line that does not exist
fails(function()
  cs.cooperation(good { costs = { { name = "Pensjon", rate = 0.2, of = { "Lønn" } } } })
end, "Lønn")
-- a modification of a grant that does not exist: at the modification's line
fails(function()
  cs.scenario("x", { cs.cooperation(good()) }):end_grant("Nothing", 2024):run { from = 2023, to = 2024 }
end, "Nothing")
-- a run before the agreement starts
fails(function() cs.scenario("x", { cs.cooperation(good()) }):run { from = 2020, to = 2023 } end, "2020")
-- a year outside the run, an unknown member in a result
local r = cs.scenario("x", { cs.cooperation(good()) }):run { from = 2023, to = 2024 }
fails(function() r:share("Rana", 2030) end, "2030")
fails(function() r:share("Rnaa", 2023) end, "Rnaa")
cs.expect(r:share("Bindal", 2023), nil, "not a member: nil")
cs.expect(r:share("Rana", 2023) + r:share("Vefsn", 2023), 1000, "equal key covers the cost")
