local cs = coopsim
local c = cs.cooperation { name = "T", host = "Rana", period = { from = "2023-01-01", to = "2024-12-31" },
  members = { "1833", "Vefsn", "Herøy (Nordland)" }, costs = { { name = "L", amount = 1e6, growth = "wage" } },
  grants = { { name = "G", amount = 1000, from = 2023, to = 2023 } },
  key = cs.keys.split { equal = 0.5, population = 0.5 }, notice = { months = 6, from = "notice_date" }, due = "03-01" }
local s = cs.scenario("S", { c })
local r = s:fork("w"):withdraw("Vefsn", "2023-02-28"):growth { wage = 0.03 }:run { from = 2023, to = 2025, past_end = true }
print(r:share("Rana", 2024), r:explain("Rana", 2024), cs.compare(s:run { from = 2023, to = 2024 }, r))
print(cs.population("0301", "2024-02-29"), cs.municipality("1507", "2023-12-31").name, #cs.changes(2024))
print(s:run { from = 2023, to = 2024 }:row("Rana", 2023).total)
