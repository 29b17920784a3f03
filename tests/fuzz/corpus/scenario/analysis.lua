-- Analysis on the Helgeland agreement: a sweep of the equal share, goal seek,
-- and the decomposition of a change into its modifications (Shapley values).
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
  notice = { months = 12, from = "next_jan1" },
}
local base = cs.scenario("Baseline", { helgeland })

-- Sweep: the equal share from 0 to 50 %. Small members pay more, Rana less.
local sweep = cs.sweep { scenario = base, from = 2025, to = 2025, vary = "key.equal",
                         values = { 0, 0.1, 0.2, 0.3, 0.4, 0.5 } }
print(sweep)
cs.expect(sweep:share("1833", 2025, 0.2), base:run { from = 2025 }:share("Rana", 2025), "the sweep at 20 % is the baseline")
cs.expect(sweep:share("1835", 2025, 0.5) > sweep:share("1835", 2025, 0), true, "Træna pays more with a larger equal part")
cs.expect(sweep:share("1833", 2025, 0.5) < sweep:share("1833", 2025, 0), true, "Rana pays less")
for _, v in ipairs { 0, 0.1, 0.2, 0.3, 0.4, 0.5 } do
  local sum = 0
  for _, r in ipairs(sweep.rows) do if r.value == v then sum = sum + r.share end end
  cs.expect(sum, 1244539, "every point of the sweep covers the cost")
end

-- Goal seek: the equal share at which Træna pays 15 000 kr in 2025.
local equal, share = cs.solve { scenario = base, vary = "key.equal", member = "Træna", year = 2025, target = 15000 }
print(string.format("Træna pays %s kr in 2025 with key.equal = %.6f", cs.report.int(share), equal))
cs.expect(share, 15000, "goal seek meets the target")
cs.expect(equal > 0.1 and equal < 0.2, true, "between 10 and 20 %")
cs.expect_error(function()
  cs.solve { scenario = base, vary = "key.equal", member = "Træna", year = 2025, target = 100000 }
end, "no value in range", "an unreachable target says so")

-- Decomposition: how much of each member's change in 2025 comes from the
-- grant continuing and how much from Vefsn's withdrawal.
local both = base:fork("Grant continues, Vefsn withdraws")
  :extend_grant("Helsedirektoratet", 2026):withdraw("Vefsn", "2023-03-15")
local d = cs.decompose(base, both, { from = 2025, to = 2025 })
print(d)
local r0, r1 = base:run { from = 2025 }, both:run { from = 2025 }
for _, row in ipairs(d.rows) do
  cs.expect(row.parts[1] + row.parts[2], row.change, "parts sum exactly to the change, " .. row.code)
  cs.expect(row.change, (r1:share(row.code, 2025) or 0) - (r0:share(row.code, 2025) or 0), "change, " .. row.code)
end
-- independent of the order of the modifications
local other = base:fork("Other order"):withdraw("Vefsn", "2023-03-15"):extend_grant("Helsedirektoratet", 2026)
local d2 = cs.decompose(base, other, { from = 2025, to = 2025 })
for i, row in ipairs(d.rows) do
  cs.expect(d2.rows[i].parts[1], row.parts[2], "order-independent, " .. row.code)
  cs.expect(d2.rows[i].parts[2], row.parts[1], "order-independent, " .. row.code)
end
