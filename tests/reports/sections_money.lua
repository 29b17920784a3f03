-- sections_money.lua: scenarios/oppgjor.lua's money cycle (accounts,
-- settlements, invoices) with a second cooperation beside it, so that the
-- HTML report's details of two cooperations, with what is invoiced, are
-- made by two threads in tests/reports/html_sections.sh.
local cs = coopsim

local tjenesten = cs.cooperation {
  name = "Barneverntjenesten Vefsn, Grane og Hattfjelldal",
  host = "Vefsn",
  period = { from = "2022-01-01" },
  members = { "Vefsn", "Grane", "Hattfjelldal" },
  costs = {
    { name = "Lønn og sosiale kostnader", amount = 9400000 },
    { name = "Drift", amount = 1250000 },
  },
  grants = { { name = "Statstilskudd", amount = 600000, from = 2022, to = 2025 } },
  key = cs.keys.split { equal = 0.20, population = 0.80,
                        source = "example agreement: 20 % equal, 80 % by inhabitants" },
  population_date = "jan1_previous_year",
  notice = { months = 12, from = "next_jan1" },
  invoices = { "01-31", "04-30", "07-31", "10-31" },
  settle = "next_year",
}

local t2 = cs.cooperation {
  name = "Andre tjeneste",
  host = "Vefsn",
  period = { from = "2022-01-01" },
  members = { "Vefsn", "Grane", "Hattfjelldal" },
  costs = { { name = "Drift", amount = 500000 } },
  key = cs.keys.equal(),
  population_date = "jan1_previous_year",
  notice = { months = 12, from = "next_jan1" },
  invoices = { "01-31", "07-31" },
  settle = "next_year",
}
local base = cs.scenario("Økonomiplan med årsregnskap", { tjenesten, t2 })
base:accounts(2022, { cooperation = "Barneverntjenesten Vefsn, Grane og Hattfjelldal", cost = 10820000, grants = 600000 })
base:accounts(2023, { cooperation = "Barneverntjenesten Vefsn, Grane og Hattfjelldal", cost = 11012345.40, grants = 600000 })
base:accounts(2024, { cooperation = "Barneverntjenesten Vefsn, Grane og Hattfjelldal", cost = 10380000, grants = 450000 })
local leaves = base:fork("Hattfjelldal går ut (særskilt avregning)"):withdraw("Hattfjelldal", "2023-05-01")
local merged = base:fork("Indre Helgeland"):merge({ "Grane", "Hattfjelldal" }, "Indre Helgeland", "2025-01-01")

local r0 = base:run { from = 2023, to = 2025 }
local r1 = leaves:run { from = 2023, to = 2025 }
local r2 = merged:run { from = 2023, to = 2025 }
cs.compare(r0, r1, r2)
