-- The Monte Carlo job as a whole command (make bench, (f)): one
-- `coopsim run bench/mc_whole.lua` is start-up, the exact run, the draws,
-- the percentiles and the report, timed from outside against plain Lua 5.4
-- running bench/mc_reference.lua on the same model. The same model as
-- bench/mc_job.lua (Helgeland, budget years 2024-2033, seed 1, population
-- growth sd 1 %, wage growth 3.5 % +- 1 %), 100 000 draws: bench/run.sh
-- runs a copy with BENCH_DRAWS in the `local draws` line (the sandbox has
-- no os.getenv). The report, then the figures the bench compares, to stdout.
local cs = coopsim
local draws = 100000
local helgeland = cs.cooperation {
  name = "Helsefellesskap Helgeland", host = "Rana", period = { from = "2023-01-01" },
  members = { "1812", "1813", "1815", "1816", "1818", "1820", "1822", "1824", "1825",
              "1826", "1827", "1828", "1832", "1833", "1834", "1835", "1836" },
  costs = {
    { name = "Lønn", amount = 900000, growth = "wage" },
    { name = "Pensjon", rate = 0.21, of = { "Lønn" } },
    { name = "Arbeidsgiveravgift", rate = 0.051, of = { "Lønn", "Pensjon" } },
    { name = "Drift", amount = 100000, growth = "price" },
  },
  grants = { { name = "Helsedirektoratet", amount = 504000, from = 2021, to = 2023 } },
  key = cs.keys.split { equal = 0.20, population = 0.80 },
}
local s = cs.scenario("Baseline", { helgeland }):population(cs.projection.hold_last):growth { wage = 0.035 }
local mc = cs.montecarlo { scenario = s, from = 2024, to = 2033, draws = draws, seed = 1,
  vary = { population_growth = { sd = 0.01 }, wage_growth = { mean = 0.035, sd = 0.01 } } }
print(mc)
print(string.format("%d member-years, Rana 2033 mean %.2f", mc.member_years, mc:row("1833", 2033).mean))
