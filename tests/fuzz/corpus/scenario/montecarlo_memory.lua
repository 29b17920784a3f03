-- 10^7 draws of 156 member-years are 6 GB of floats: the sandbox's memory
-- cap must refuse them (they once came from malloc, outside the cap)
local cs = coopsim
local c = cs.cooperation { name = "T", members = { "1833", "1824" }, costs = { { name = "L", amount = 1000 } },
  key = cs.keys.equal(), period = { from = "2023-01-01" } }
local s = cs.scenario("S", { c }):population(cs.projection.hold_last)
print(cs.montecarlo { scenario = s, from = 2023, to = 2100, draws = 10000000, seed = 1 })
