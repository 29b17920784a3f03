-- The money cycle's Lua API (SPEC 7.3): every error names the scenario
-- file's line and the value; a fork inherits accounts and a later call
-- replaces; a run reuses a result only with the same accounts; r:invoices,
-- r:row's fields and r:years() against figures worked out here.
-- (tests/CMakeLists: the linter's warnings of accounts are checked from
-- this file's output.)
local cs = coopsim

-- "money.lua:N:" of the line that calls here() (error's own position of its
-- caller's caller): errors must carry it
local function here()
  local _, e = pcall(error, "", 3)
  return e:match("(money%.lua:%d+:)")
end

local function coop(def)
  local t = {
    name = "Regnskap", host = "Rana", period = { from = "2023-01-01" },
    members = { "Rana", "Hemnes", "Lurøy" },
    costs = { { name = "Drift", amount = 300000 } },
    key = cs.keys.equal(),
  }
  for k, v in pairs(def or {}) do t[k] = v end
  return t
end

-- ---- the cooperation's fields ------------------------------------------------
cs.expect_error(function() cs.cooperation(coop { invoices = { "01-31", "02-29" } }) end, "invoices[2]",
  "02-29 is refused")
cs.expect_error(function() cs.cooperation(coop { invoices = { "01-31", "02-29" } }) end, here(), "the line")
cs.expect_error(function() cs.cooperation(coop { invoices = { "04-30", "01-31" } }) end, "\"01-31\"",
  "dates must increase")
cs.expect_error(function() cs.cooperation(coop { invoices = { "01-31" }, due = "01-15" }) end,
  "give `invoices` (the instalment dates) or `due`, not both", "invoices with due")
cs.expect_error(function() cs.cooperation(coop { invoices = "01-31" }) end, "invoices must be a list", "not a list")
cs.expect_error(function() cs.cooperation(coop { invoices = { 131 } }) end, "invoices[1]", "not a text")
cs.expect_error(function() cs.cooperation(coop { settle = "later" }) end,
  "settle must be \"next_year\" or \"none\", got \"later\"", "an unknown settle")
cs.expect_error(function() cs.cooperation(coop { settle = "later" }) end, here(), "settle: the line")

-- ---- s:accounts ---------------------------------------------------------------
local c = cs.cooperation(coop { invoices = { "01-31", "07-31" } })
local s = cs.scenario("Base", { c })
cs.expect_error(function() s:accounts(2023, { cost = -5 }) end, "cost must not be negative, got -5", "a negative cost")
cs.expect_error(function() s:accounts(2023, { cost = -5 }) end, here(), "negative: the line")
cs.expect_error(function() s:accounts(2023, { cost = "much" }) end, "\"much\"", "not a number")
cs.expect_error(function() s:accounts(2023, { cost = 1, grants = -1 }) end, "grants must not be negative, got -1",
  "negative grants")
cs.expect_error(function() s:accounts(2023, { grants = 1 }) end, "accounts for 2023: cost is missing", "no cost")
cs.expect_error(function() s:accounts(2023, { cost = 1, cooperation = "Annet" }) end,
  "\"Annet\" is no cooperation of the scenario", "an unknown cooperation")
cs.expect_error(function() s:accounts(2023, { cost = 1, service = "drift" }) end,
  "Regnskap has no services (service = \"drift\")", "a service where there are none")
cs.expect_error(function() s:accounts(2023, { cost = 1, costs = 2 }) end, "costs", "an unknown field")
cs.expect_error(function() s:accounts(1800, { cost = 1 }) end, "1800 is out of range", "a year out of range")
cs.expect_error(function() s:accounts(2023, 5) end, "needs its figures as a table, got 5", "no table")

local g = cs.cooperation(coop { name = "Med tilskudd", grants = { { name = "Skjønn", amount = 30000, from = 2023, to = 2024 } } })
cs.expect_error(function() cs.scenario("G", { g }):accounts(2023, { cost = 1 }) end,
  "Med tilskudd has grant 'Skjønn' that year: give grants (0 when none came)", "grants required")
local two = cs.scenario("Two", { c, g })
cs.expect_error(function() two:accounts(2023, { cost = 1 }) end,
  "the scenario has 2 cooperations: name one (cooperation = \"Regnskap\", \"Med tilskudd\")", "which cooperation")
local svc = cs.cooperation {
  name = "Tjenester", period = { from = "2023-01-01" }, members = { "Rana", "Hemnes" },
  services = { { name = "drift", costs = { { name = "Drift", amount = 1000 } }, key = cs.keys.equal() },
               { name = "kurs", costs = { { name = "Kurs", amount = 500 } }, key = cs.keys.equal() } },
}
local ss = cs.scenario("Svc", { svc })
cs.expect_error(function() ss:accounts(2023, { cost = 1 }) end,
  "Tjenester has services: give each service's accounts (service = \"drift\")", "services need a service")
cs.expect_error(function() ss:accounts(2023, { cost = 1, service = "brann" }) end,
  "Tjenester has no service \"brann\"", "an unknown service")
-- one service's accounts without the other's: the run says which is missing
ss:accounts(2023, { cost = 1100, service = "drift" })
cs.expect_error(function() ss:run { from = 2023, to = 2024 } end, "service \"kurs\" are missing", "a service left out")
ss:accounts(2023, { cost = 400, service = "kurs" })
local rs = ss:run { from = 2023, to = 2024 }
-- drift: 1 100 against 1 000 (550 / 500 each); kurs: 400 against 500 (200 / 250)
cs.expect(rs:row("Rana", 2024).settlement, 50 - 50, "Rana: +50 and -50")
cs.expect(rs:row("Hemnes", 2023).difference, 0, "Hemnes: +50 and -50")

-- ---- the money in a run: fork, replace, reuse ------------------------------------
s:accounts(2023, { cost = 360000 })       -- replaced by the next call
s:accounts(2023, { cost = 330001 })
local r = s:run { from = 2023, to = 2024 }
-- 300 000 equally: 100 000 each; actual 330 001 = 3 x 110 000.33..: the one
-- krone left goes to 1832 Hemnes (equal remainders: the lowest code)
cs.expect(r:row("Hemnes", 2023).difference, 10001, "Hemnes's difference")
cs.expect(r:row("Rana", 2023).difference, 10000, "Rana's difference")
cs.expect(r:row("Hemnes", 2024).settlement, 10001, "settled in 2024")
cs.expect(r:row("Hemnes", 2024).invoice, 100000 + 10001, "invoice = share + settlement")
cs.expect(r:row("Hemnes", 2024).due, "2024-01-31", "due: the first instalment")
local inv = r:invoices("Hemnes", 2024)
cs.expect(#inv, 2, "two instalments")
cs.expect(inv[1].amount, 50000 + 10001, "the first with the settlement")
cs.expect(inv[1].lines[2].kind, "settlement", "its settlement line")
cs.expect(inv[1].lines[2].settles, 2023, "of 2023")
cs.expect(inv[2].due, "2024-07-31", "the second instalment")
cs.expect(inv[2].amount, 50000, "the second")
cs.expect(#r:invoices("Rana", 2024), 0, "the host invoices no one for itself")
cs.expect(r:years()[1].actual_cost, "330001.00", "the year's actual cost")
cs.expect(r:years()[1].keys[1].actual_sum_shares, 330001, "the actual shares' sum")
cs.expect(r:options():find(" invoices=01-31,07-31 settle=next_year", 1, true) ~= nil, true, "the options line")
-- a fork inherits the accounts; a later call there replaces them only there
local f = s:fork("Other accounts"):accounts(2023, { cost = 270000 })
local rf = f:run { from = 2023, to = 2024 }
cs.expect(rf:row("Hemnes", 2024).settlement, -10000, "the fork's accounts")
cs.expect(s:run({ from = 2023, to = 2024 }):row("Hemnes", 2024).settlement, 10001, "the parent's unchanged")
cs.expect(rawequal(rf:_results()[1], r:_results()[1]), false, "other accounts: not reused")
cs.expect(rawequal(s:fork("Same"):run({ from = 2023, to = 2024 }):_results()[1], r:_results()[1]), true,
  "the same accounts: reused")
-- the comparison shows each run's invoice
local lines = cs.compare(r, rf):rows()
cs.expect(lines[4].invoices[1], 100000 + 10001, "compare: the base's invoice")
cs.expect(lines[4].invoices[2], 100000 - 10000, "compare: the fork's invoice")
-- settle = "none": shown, not invoiced
local none = cs.scenario("None", { cs.cooperation(coop { settle = "none" }) }):accounts(2023, { cost = 330001 })
local rn = none:run { from = 2023, to = 2024 }
cs.expect(rn:row("Hemnes", 2023).difference, 10001, "none: the difference shown")
cs.expect(rn:row("Hemnes", 2024).settlement, 0, "none: not invoiced")
cs.expect(tostring(rn:explain("Hemnes", 2023, { lang = "en" })):find("shown, not invoiced", 1, true) ~= nil, true, "none: explained")
-- a member leaving: a settlement-only row, r:share nil
local gone = s:fork("Lurøy leaves"):withdraw("Lurøy", "2022-12-01"):run { from = 2023, to = 2024 }
cs.expect(gone:share("Lurøy", 2024), nil, "no share when gone")
cs.expect(gone:row("Lurøy", 2024).settlement_only, true, "a settlement-only row")
cs.expect(gone:row("Lurøy", 2024).invoice, 10000, "its invoice: the settlement")
cs.expect(gone:row("Lurøy", 2024).population, nil, "no population")
cs.expect(tostring(gone:explain("Lurøy", 2024, { lang = "en" })):find("2024 invoice = share 0 + settlement for 2023: 10 000 (actual 330 001, budget 300 000)", 1, true) ~= nil,
  true, "explain: the settlement")

-- ---- the linter's warnings (checked in the output by tests/CMakeLists) ----------
local w = cs.scenario("Warned", { cs.cooperation(coop { name = "Varslet" }) })
w:accounts(2020, { cost = 1 })      -- outside the run
w:accounts(2024, { cost = 300000 }) -- the run's last year: never invoiced
w:run { from = 2023, to = 2024 }
