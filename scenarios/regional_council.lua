-- A regional council network whose members are councils, each a party made
-- of municipalities (SPEC 7.2 "Parties that are not municipalities"; the
-- kind: interkommunale politiske råd, kommuneloven chapter 18, working
-- together in a county network), and the county as a party whose
-- population is given by year. Helgeland regionråd is the SPEC's own
-- example (P01) with seed 004's 17 municipalities; Lofotrådet and
-- Vesterålen regionråd with the municipalities they are usually listed
-- with (an assumption, labelled: check against the councils' own lists);
-- Nordland fylkeskommune with the county's inhabitants (the sum of its
-- municipalities in SSB's table 07459). A secretariat of 1 200 000 kr a
-- year, 50 % equally and 50 % by population (assumed).
--
-- The golden file regional_council.expected.csv holds the parties' ids
-- (P01, Lofotradet, ...) as member codes.
local cs = coopsim

local function must(actual, expected, label)
  if not cs.expect(actual, expected, label) then
    error(string.format("%s: expected %s, got %s", label, tostring(expected), tostring(actual)), 2)
  end
end

local HELGELAND = { "1812", "1813", "1815", "1816", "1818", "1820", "1822", "1824", "1825", "1826", "1827",
                    "1828", "1832", "1833", "1834", "1835", "1836" }
cs.party { id = "P01", name = "Helgeland regionråd", municipalities = HELGELAND }
cs.party { id = "Lofotradet", name = "Lofotrådet",
           municipalities = { "Vågan", "Flakstad", "Moskenes", "Vestvågøy", "Værøy", "Røst" } }
cs.party { id = "VesteraalenRR", name = "Vesterålen regionråd",
           municipalities = { "Andøy", "1867", "Øksnes", "Sortland", "Hadsel", "Lødingen" } }
local nfk = cs.party { id = "NFK", name = "Nordland fylkeskommune", population = { [2022] = 240190, [2023] = 241084, [2024] = 243081 } }

local network = cs.cooperation {
  name = "Regionrådsnettverket i Nordland",
  period = { from = "2023-01-01" },
  host = "NFK",
  members = { "P01", "Lofotrådet", "VesteraalenRR", nfk },
  costs = { { name = "Sekretariat", amount = 1200000 } },
  key = cs.keys.split { equal = 0.5, population = 0.5, label = "nettverksnøkkel",
    assumption = "50 % equally, 50 % by population; the councils' memberships as usually listed" },
}

local base = cs.scenario("Nettverket", { network })
local r = base:run { from = 2023, to = 2024 }
print(r)
print(r:explain("Lofotrådet", 2023))

-- inhabitants on 1 January (SSB 07459): 2022 for budget year 2023, 2023 for 2024
local POP = {
  [2023] = { P01 = 75828, Lofotradet = 9724 + 1216 + 982 + 11566 + 678 + 469,
             VesteraalenRR = 4572 + 2565 + 4458 + 10468 + 8107 + 1976, NFK = 240190 },
  [2024] = { P01 = 75961, Lofotradet = 9736 + 1220 + 979 + 11551 + 688 + 469,
             VesteraalenRR = 4577 + 2584 + 4533 + 10561 + 8184 + 1985, NFK = 241084 },
}
local IDS = { "Lofotradet", "NFK", "P01", "VesteraalenRR" } -- bytewise: ties go in this order

local function largest_remainder(num, den, total)
  local kr, rest, floors = {}, {}, 0
  for _, id in ipairs(IDS) do
    kr[id] = num[id] // den
    floors = floors + kr[id]
    rest[#rest + 1] = { id = id, r = num[id] % den }
  end
  table.sort(rest, function(a, b) if a.r ~= b.r then return a.r > b.r end return a.id < b.id end)
  for i = 1, total - floors do kr[rest[i].id] = kr[rest[i].id] + 1 end
  return kr
end

for year = 2023, 2024 do
  local pop, all = POP[year], 0
  for _, id in ipairs(IDS) do all = all + pop[id] end
  -- 600 000 / 4 + 600 000 x pop / all, over the denominator 4 x all
  local num = {}
  for _, id in ipairs(IDS) do num[id] = 600000 * all + 600000 * pop[id] * 4 end
  local kr = largest_remainder(num, 4 * all, 1200000)
  for _, id in ipairs(IDS) do
    must(r:row(id, year).population, pop[id], year .. " " .. id .. " inhabitants")
    must(r:share(id, year), kr[id], year .. " " .. id)
  end
end
must(r:share("Helgeland regionråd", 2023), r:share("P01", 2023), "a party found by its name")
must(r:row("Lofotrådet", 2023).payee, "Nordland fylkeskommune", "the county hosts and invoices")
must(r:row("NFK", 2023).host, true, "the host party")
must(r:row("P01", 2023).party, true, "a row of a party")
must(r:row("NFK", 2024).population_source, "override", "a population given by the scenario")

-- a council leaves: notice in 2023, gone in 2025; a party's notice binds it alone
local leaves = base:fork("Lofotrådet går ut"):withdraw("Lofotrådet", "2023-05-01")
local r2 = leaves:run { from = 2024, to = 2025 }
must(r2:share("Lofotradet", 2024) ~= nil, true, "pays its notice year")
must(r2:share("Lofotradet", 2025), nil, "gone in 2025")
must(tostring(r2:explain("Lofotradet", 2025, { lang = "en" })):find("left on 2025-01-01", 1, true) ~= nil, true,
  "why the council is absent")

-- the county's population is given for 2022 to 2024 only
must(pcall(function() base:run { from = 2026, to = 2026 } end), false, "2025's county population is missing")
cs.expect_error(function() base:run { from = 2026, to = 2026 } end,
  "party NFK (Nordland fylkeskommune) in 2026: no population given for 1 January 2025")

-- a council whose municipalities overlap another's: the linter warns
cs.party { id = "SorHelgeland", name = "Sør-Helgeland regionråd", municipalities = { "Sømna", "Brønnøy", "Vega", "Vevelstad" } }
local overlap = cs.cooperation {
  name = "Overlapp", period = { from = "2023-01-01" },
  members = { "P01", "SorHelgeland" },
  costs = { { name = "Sekretariat", amount = 100000 } },
  key = cs.keys.population(),
}
cs.scenario("Overlapp", { overlap }):run { from = 2023, to = 2023 }

-- ids and names: the rules
cs.expect_error(function() cs.party { id = "H123", name = "x", population = 1 } end, "hypothetical merger")
cs.expect_error(function() cs.party { id = "Rana", name = "x", population = 1 } end, "is the name of a municipality")
cs.expect_error(function() cs.party { id = "P01", name = "again", population = 1 } end, "party P01 is defined twice")
cs.expect_error(function() cs.party { id = "ABCDEFGHIJKLMNOPQ", name = "x", population = 1 } end, "at most 16")
cs.expect_error(function() cs.party { id = "P9", name = "x" } end, "needs municipalities or population")
cs.expect_error(function() cs.party { id = "P9", name = "x", municipalities = { "Vega", "1815" } } end,
  "lists 1815 twice")

-- keys by party id: a fixed amount for each council
local fixed = cs.cooperation {
  name = "Faste beløp", period = { from = "2023-01-01" },
  members = { "P01", "Lofotradet" },
  key = cs.keys.fixed { P01 = 50000, ["Lofotrådet"] = 20000 },
}
local r3 = cs.scenario("Faste", { fixed }):run { from = 2023, to = 2023 }
must(r3:share("P01", 2023), 50000, "a fixed amount keyed by the party's id")
must(r3:share("Lofotradet", 2023), 20000, "a fixed amount keyed by the party's name")
