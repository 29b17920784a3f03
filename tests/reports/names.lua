-- Scenario names that are not valid Excel sheet names as they stand, or that
-- are the names of the fixed sheets: forbidden characters, over 31 characters,
-- two that collide once cut, "History" (Excel's own), "Comparison" and
-- "sammenligning".
local cs = coopsim
local coop = cs.cooperation {
  name = "Træna og Rødøy", host = "Rødøy", members = { "1835", "1836" },
  costs = { { name = "Drift", amount = 100001 } },
  key = cs.keys.population { label = "Etter innbyggertall", assumption = "tall fra SSB <2022>" },
}
local base = cs.scenario("Grunnlag [2023]: a/b*c?d\\e", { coop })
base:run { from = 2023, to = 2023 }
base:fork("Et svært langt scenarionavn med æøå som er for langt 1"):set_cost("Drift", 200000, 2023)
  :run { from = 2023, to = 2023 }
base:fork("Et svært langt scenarionavn med æøå som er for langt 2"):set_cost("Drift", 300000, 2023)
  :run { from = 2023, to = 2023 }
base:fork("History"):set_cost("Drift", 400000, 2023):run { from = 2023, to = 2023 }
-- runs named like the fixed sheets (issue 12): each keeps a sheet of its own
base:fork("Comparison"):set_cost("Drift", 500000, 2023):run { from = 2023, to = 2023 }
base:fork("sammenligning"):set_cost("Drift", 600000, 2023):run { from = 2023, to = 2023 }
