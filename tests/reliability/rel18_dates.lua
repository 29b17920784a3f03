-- RELIABILITY 18: dates and years checked by coopsim's own parser (no mktime).
local cs = coopsim
local coop = cs.cooperation { name = "T", members = { "1835", "1836" },
  costs = { { name = "Drift", amount = 1000 } }, key = cs.keys.equal {},
  notice = { months = 12, from = "next_jan1" } }
local base = cs.scenario("S", { coop })
local function withdraw(d) return base:fork("w"):withdraw("1835", d):run { from = 2023, to = 2026 } end
cs.expect_error(function() withdraw("2023-02-30") end, 'invalid date "2023-02-30" (no such day)', "2023-02-30")
cs.expect_error(function() withdraw("2023-13-01") end, 'invalid date "2023-13-01"', "2023-13-01")
cs.expect_error(function() withdraw("2023-02-29") end, 'invalid date "2023-02-29" (no such day)', "2023-02-29")
cs.expect(withdraw("2024-02-29"):share("1835", 2026), nil, "2024-02-29 exists; gone from 2026")
cs.expect_error(function() withdraw("99999-01-01") end, 'invalid date "99999-01-01"', "year 99999")
cs.expect_error(function() withdraw("2023-1-5") end, 'invalid date "2023-1-5"', "no zero padding")
cs.expect_error(function() base:run { from = 99999, to = 99999 } end, "from 99999 is out of range", "run year 99999")
cs.expect_error(function() base:run { from = 2024, to = 2023 } end, "to (2023) is before from (2024)", "end before start")
cs.expect_error(function()
  cs.cooperation { name = "P", members = { "1835", "1836" }, costs = { { name = "D", amount = 1 } },
    key = cs.keys.equal {}, period = { from = "2024-01-01", to = "2023-01-01" } }
end, "period ends (2023-01-01) before it starts (2024-01-01)", "period end before start")
