-- Monte Carlo on Helgeland: wage growth and population growth uncertain.
-- The hot loop is C in doubles (statistics, not invoices); these checks tie
-- it to the exact engine and to its own promises.
local cs = coopsim

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
-- past 2027 the registry has no figures: hold the last one (SSB's 2026)
local s = cs.scenario("Baseline", { helgeland }):population(cs.projection.hold_last):growth { wage = 0.035 }

local vary = { population_growth = { sd = 0.01 }, wage_growth = { mean = 0.035, sd = 0.01 } }
local mc = cs.montecarlo { scenario = s, from = 2024, to = 2033, draws = 20000, seed = 1, vary = vary }
print(mc)

-- With no uncertainty every draw is the exact run.
local flat = cs.montecarlo { scenario = s, from = 2024, to = 2033, draws = 50, seed = 1,
  vary = { wage_growth = { mean = 0.035, sd = 0 } } }
for _, r in ipairs(flat.rows) do
  cs.expect(math.abs(r.mean - r.base) < 1, true, "no uncertainty: the exact share, " .. r.code .. " " .. r.year)
  cs.expect(r.p5 == r.p95, true, "no uncertainty: one value")
end
-- The same seed gives the same figures on one thread or two.
local one = cs.montecarlo { scenario = s, from = 2024, to = 2026, draws = 3000, seed = 7, vary = vary, threads = 1 }
local two = cs.montecarlo { scenario = s, from = 2024, to = 2026, draws = 3000, seed = 7, vary = vary, threads = 2 }
cs.expect(tostring(one), tostring(two), "deterministic whatever the thread count")
local other = cs.montecarlo { scenario = s, from = 2024, to = 2026, draws = 3000, seed = 8, vary = vary }
cs.expect(tostring(one) ~= tostring(other), true, "another seed, other draws")
-- The draws centre on the exact run (mean wage growth = the scenario's 3.5 %).
for _, r in ipairs(mc.rows) do
  cs.expect(math.abs(r.mean - r.base) / r.base < 0.01, true, "mean within 1 % of the exact run, " .. r.code .. " " .. r.year)
  cs.expect(r.p5 < r.p50 and r.p50 < r.p95, true, "p5 < p50 < p95, " .. r.code .. " " .. r.year)
end
-- Uncertainty grows with the horizon.
local a, b = mc:row("1833", 2024), mc:row("1833", 2033)
cs.expect((b.p95 - b.p5) / b.p50 > (a.p95 - a.p5) / a.p50, true, "wider in 2033 than in 2024")
cs.expect(mc.draws, 20000)
cs.expect_error(function()
  cs.montecarlo { scenario = s, from = 2024, to = 2025, draws = 10, vary = { wages = {} } }
end, "wages", "an unknown option is an error")
