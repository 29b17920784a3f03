-- Helsefellesskap Helgeland: an inter-municipal samhandlingsleder (seed 004).
-- Budget for a 100 % post (Vedlegg 2, "Finansiering"): net cost 740 539 kr
-- shared 20 % as an equal fixed sum and 80 % by population on 1 January of
-- the year before the budget year, among the 17 municipalities with
-- inhabitants (Bindal, 0 in Vedlegg 2, belongs elsewhere: SPEC §5).
local cs = coopsim

local helgeland = cs.cooperation {
  name = "Helsefellesskap Helgeland",
  host = "Rana", -- the seed leaves the host open (Alstahaug/Brønnøy/Rana/Vefsn)
  period = { from = "2023-01-01" }, -- the post starts 1 January 2023; open-ended
  members = { "1812", "1813", "1815", "1816", "1818", "1820", "1822", "1824", "1825",
              "1826", "1827", "1828", "1832", "1833", "1834", "1835", "1836" },
  costs = {
    { name = "Lønn", amount = 900000, growth = "wage" },
    { name = "Pensjon", rate = 0.21, of = { "Lønn" } },
    { name = "Arbeidsgiveravgift", rate = 0.051, of = { "Lønn", "Pensjon" } },
    { name = "Drift", amount = 100000, growth = "price" },
  },
  grants = { { name = "Helsedirektoratet", amount = 504000, from = 2021, to = 2023 } },
  key = cs.keys.split { equal = 0.20, population = 0.80,
                        source = "Rødøy kommune sak 63/2022, Vedlegg 2; samarbeidsavtale §3" },
  population_date = "jan1_previous_year",
  notice = { months = 12, from = "next_jan1" }, -- "ett års skriftlig varsel ... knyttes til budsjettår"
}

local base = cs.scenario("Baseline", { helgeland })
local grant_continues = base:fork("Grant continues"):extend_grant("Helsedirektoratet", 2026)
local vefsn = base:fork("Vefsn withdraws"):withdraw("Vefsn", "2023-03-15")
local wage = base:fork("Wage growth 4 %"):growth { wage = 0.04 }

local r0 = base:run { from = 2023, to = 2026 }
local r1 = grant_continues:run { from = 2023, to = 2026 }
local r2 = vefsn:run { from = 2023, to = 2026 }
local r3 = wage:run { from = 2023, to = 2026 }

print(r0)
print()
print(cs.compare(r0, r1, r2, r3))
print()
print(r0:explain("Brønnøy", 2023))

-- Vedlegg 2, to the krone: population 1 January 2022, fixed 20 %, per capita 80 %, total.
local vedlegg2 = {
  { "1812", 1981, 8712, 15477, 24189 },   { "1813", 7777, 8712, 60760, 69473 },
  { "1815", 1175, 8712, 9180, 17892 },    { "1816", 462, 8712, 3610, 12322 },
  { "1818", 1825, 8712, 14258, 22971 },   { "1820", 7333, 8712, 57291, 66004 },
  { "1822", 2257, 8712, 17634, 26346 },   { "1824", 13233, 8712, 103387, 112099 },
  { "1825", 1461, 8712, 11415, 20127 },   { "1826", 1273, 8712, 9946, 18658 },
  { "1827", 1369, 8712, 10696, 19408 },   { "1828", 1698, 8712, 13266, 21978 },
  { "1832", 4420, 8712, 34533, 43245 },   { "1833", 26092, 8712, 203852, 212565 },
  { "1834", 1869, 8712, 14602, 23314 },   { "1835", 450, 8712, 3516, 12228 },
  { "1836", 1153, 8712, 9008, 17720 },
}
local sum, pop = 0, 0
for _, v in ipairs(vedlegg2) do
  local code, inhabitants, fixed, per_capita, total = table.unpack(v)
  local row = r0:row(code, 2023)
  cs.expect(row.population, inhabitants, code .. " population 1 January 2022")
  cs.expect(row.population_date, "2022-01-01", code .. " population date")
  cs.expect(row.parts.equal, fixed, code .. " fixed 20 %")
  cs.expect(row.parts.population, per_capita, code .. " per capita 80 %")
  cs.expect(r0:share(code, 2023), total, code .. " total")
  sum, pop = sum + r0:share(code, 2023), pop + row.population
end
cs.expect(sum, 740539, "sum of shares 2023")
cs.expect(pop, 75828, "population 1 January 2022")
cs.expect(r0:share("Bindal", 2023), nil, "Bindal is not a member")
cs.expect(r0:years()[1].cost, "1244539.00", "total cost 2023")
cs.expect(r0:years()[1].net, "740539.00", "net cost 2023")

-- The grant ends after 2023: from 2024 the members share the full 1 244 539.
local y2024 = r0:years()[2]
cs.expect(y2024.grants, "0.00", "no grant in 2024")
cs.expect(y2024.sum_shares, 1244539, "full cost shared in 2024")
cs.expect(r1:years()[2].sum_shares, 740539, "grant continues: 2024 as 2023")

-- Vefsn: notice in March 2023, one year tied to the budget year: pays 2024, gone from 2025.
cs.expect(r2:share("Vefsn", 2024) ~= nil, true, "Vefsn pays 2024")
cs.expect(r2:share("Vefsn", 2025), nil, "Vefsn gone in 2025")
cs.expect(r2:share("Rana", 2025) > r0:share("Rana", 2025), true, "Rana pays more without Vefsn")
cs.expect(r2:years()[3].sum_shares, 1244539, "the remaining 16 cover the cost in 2025")

-- Wage growth 4 % from the base year 2023: salary 936 000 in 2024, pension and
-- employer's tax follow; running costs stay (price growth 0).
cs.expect(r3:share("Rana", 2023), 212565, "growth does not touch the base year")
cs.expect(r3:years()[2].cost, "1290320.56", "2024 cost with 4 % wage growth")
