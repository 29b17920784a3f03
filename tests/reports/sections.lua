-- sections.lua: three cooperations of Nordland (12, 14 and 15 members),
-- 2024-2040, a baseline and two variants: an HTML report whose
-- cooperations' details are each larger than what a report's buffer holds
-- before it goes to the file (256 KB), for tests/reports/html_sections.sh.
local cs = coopsim
local groups = {
  { "1804", "1806", "1811", "1812", "1813", "1815", "1816", "1818", "1820", "1822", "1824", "1825" },
  { "1826", "1827", "1828", "1832", "1833", "1834", "1835", "1836", "1837", "1838", "1839", "1840", "1841",
    "1845" },
  { "1848", "1851", "1853", "1856", "1857", "1859", "1860", "1865", "1866", "1867", "1868", "1870", "1871",
    "1874", "1875" },
}
local coops = {}
for i, g in ipairs(groups) do
  coops[i] = cs.cooperation {
    name = "Nordland " .. i,
    host = g[1],
    period = { from = "2024-01-01" },
    members = g,
    costs = {
      { name = "Lønn", amount = 700000 + 40000 * #g, growth = "wage" },
      { name = "Drift", amount = 120000 * i, growth = "price" },
    },
    grants = i == 2 and { { name = "Statstilskudd", amount = 300000, from = 2024, to = 2030 } } or {},
    key = i == 1 and cs.keys.equal() or cs.keys.split { equal = 0.3, population = 0.7 },
    population_date = "jan1_previous_year",
    notice = { months = 12, from = "next_jan1" },
    growth = { wage = 0.035, price = 0.025 },
  }
end
local base = cs.scenario("Baseline", coops):population(cs.projection.growth(0.005))
local runs = {
  base:run { from = 2024, to = 2040 },
  base:fork("Bodø withdraws"):withdraw("1804", "2027-03-01"):run { from = 2024, to = 2040 },
  base:fork("Wage growth 5 %"):growth { wage = 0.05 }:run { from = 2024, to = 2040 },
}
cs.compare(table.unpack(runs))
