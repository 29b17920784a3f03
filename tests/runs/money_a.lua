-- Stored runs with the money cycle (tests/runs/money_compare.sh; money_b.lua
-- the same with other accounts): equal
-- shares of 300 000 with two instalments, accounts of 2023 settled in 2024,
-- and Lurøy leaving after 2023 (a settlement-only row in 2024).
local cs = coopsim
local ACTUAL = 330001
local c = cs.cooperation {
  name = "Regnskap", host = "Rana", period = { from = "2023-01-01" },
  members = { "Rana", "Hemnes", "Lurøy" }, costs = { { name = "Drift", amount = 300000 } },
  key = cs.keys.equal(), invoices = { "01-31", "07-31" },
}
local s = cs.scenario("Avregning", { c })
s:withdraw("Lurøy", "2022-12-01"):accounts(2023, { cost = ACTUAL })
s:run { from = 2023, to = 2024 }
