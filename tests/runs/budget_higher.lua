-- Stored-runs test scenario (budget.lua with a higher salary).
-- budget_higher.lua is the same file with a higher salary, so that
-- `coopsim runs compare` has differences to show. COST is set by the caller's
-- copy of the file; keep both files in step.
local cs = coopsim
local post = cs.cooperation {
  name = "Felles stilling",
  host = "Rana",
  period = { from = "2023-01-01" },
  members = { "Rana", "Vefsn", "Brønnøy" },
  costs = { { name = "Lønn", amount = 960000 }, { name = "Drift", amount = 100000 } },
  key = cs.keys.split { equal = 0.20, population = 0.80 },
  population_date = "jan1_previous_year",
  notice = { months = 12, from = "next_jan1" },
}
local base = cs.scenario("Baseline", { post })
base:run { from = 2023, to = 2025 }
base:fork("Vefsn withdraws"):withdraw("Vefsn", "2023-03-15"):run { from = 2023, to = 2025 }
print("SCENARIO RAN")
