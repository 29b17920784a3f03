-- Every silent failure the linter knows, once (tests/CMakeLists: run with --strict).
local cs = coopsim
local c = cs.cooperation {
  name = "Lint", period = { from = "2023-01-01", to = "2024-12-31" },
  members = { "1811", "1833" }, -- Bindal, Rana
  costs = { { name = "Drift", amount = 1000 } }, key = cs.keys.equal(),
}
local base = cs.scenario("Base", { c })
base:run { from = 2023, to = 2025 }                                   -- past the agreement's end
base:fork("Late"):withdraw("Rana", "2030-01-01"):run { from = 2023, to = 2024 } -- dated after the run
base:fork("Same"):set_cost("Drift", 1000, 2024):run { from = 2023, to = 2024 }  -- changes nothing
base:fork("Pop"):population("Rana", { [2022] = 30000 }):run { from = 2023, to = 2024 } -- read past 2022
base:fork("Zero"):population("Bindal", 0):run { from = 2023, to = 2023 } -- a member with 0 inhabitants
-- no period or base year: a run from 2019 and one from 2020 resolve Steinkjer differently
local open = cs.cooperation { name = "Open", members = { "Steinkjer", "Snåsa" },
                              costs = { { name = "Drift", amount = 1000 } }, key = cs.keys.equal() }
cs.scenario("Open 2019", { open }):run { from = 2019, to = 2019 }
cs.scenario("Open 2020", { open }):run { from = 2020, to = 2020 }     -- resolved differently
