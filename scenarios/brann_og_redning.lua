-- A fire and rescue company of two services, keyed by population and by
-- crews from a table: Drammensregionens brannvesen IKS (DRBV). EY's review
-- of its key for the owners' contributions ("Gjennomgang av
-- fordelingsnøkkel for driftstilskudd") shares the costs of management,
-- fire prevention and overhead by population and the emergency response by
-- what each owner's watch requires (its crews). Its owners in 2019 were
-- Drammen, Svelvik, Nedre Eiker, Øvre Eiker, Sigdal, Krødsherad, Lier and
-- Sande; on 1 January 2020 Drammen, Svelvik and Nedre Eiker became one
-- municipality (3005 Drammen) and Sande, merged into Holmestrand, went over
-- to the neighbouring fire service (drbv.no, "Drammensregionens brannvesen
-- dekker fem kommuner etter nyttår").
--
-- The budget and the crews are assumptions (labelled): the sources give
-- the rule, not the figures. The crews (man-years of the watch by
-- municipality and year) are in brann_arsverk.csv as a planner's Excel
-- saves it: ';', decimal commas, Windows-1252; a budget year reads the rows
-- of the year before, so budget year 2020 reads 2019's rows of Drammen,
-- Svelvik and Nedre Eiker, summed for 3005 Drammen. Populations on 1
-- January of the year before, SSB's figures (table 07459). Every share is
-- checked against figures worked out here in integers.
local cs = coopsim

local crews = cs.table("brann_arsverk.csv")
local SOURCE = "EY for DRBV: Gjennomgang av fordelingsnøkkel for driftstilskudd (ledelse, forebyggende og overhead etter innbyggertall; beredskap etter vaktordning og vaktlag)"

local drbv = cs.cooperation {
  name = "Drammensregionens brannvesen IKS",
  period = { from = "2019-01-01" },
  host = "Drammen",
  members = { "Drammen", "Svelvik", "Nedre Eiker", "Øvre Eiker", "Sigdal", "Krødsherad", "Lier", "0713" },
  notice = { months = 12, from = "next_jan1" },
  services = {
    { name = "forebygging",
      costs = { { name = "Ledelse, forebyggende og overhead", amount = 24000000 } },
      key = cs.keys.population { source = SOURCE, assumption = "budget 24 mill. kr a year" } },
    { name = "beredskap",
      costs = { { name = "Beredskap (vaktlag)", amount = 56000000 } },
      key = cs.keys.by(crews, "årsverk", { year = "previous", source = SOURCE,
        assumption = "budget 56 mill. kr a year; the watch's man-years by municipality in brann_arsverk.csv" }) },
  },
}

-- Sande gives notice in 2018: its last year is 2019
local base = cs.scenario("DRBV", { drbv }):withdraw("0713", "2018-12-31")
local r = base:run { from = 2019, to = 2021 }
print(r)
print(r:explain("Drammen", 2020))

-- ---- worked out here ------------------------------------------------------
local POP = { -- inhabitants on 1 January (SSB 07459)
  [2018] = { ["0602"] = 68713, ["0711"] = 6672, ["0625"] = 24917, ["0624"] = 18926, ["0621"] = 3488,
             ["0622"] = 2277, ["0626"] = 25980, ["0713"] = 9726 },
  [2019] = { ["3005"] = 68933 + 6685 + 24963, ["3048"] = 19117, ["3045"] = 3490, ["3046"] = 2239,
             ["3049"] = 26373 },
  [2020] = { ["3005"] = 101386, ["3048"] = 19423, ["3045"] = 3467, ["3046"] = 2212, ["3049"] = 26811 },
}
local TENTHS = { -- man-years x 10, the rows of brann_arsverk.csv
  [2018] = { ["0602"] = 480, ["0711"] = 80, ["0625"] = 200, ["0624"] = 160, ["0621"] = 80, ["0622"] = 40,
             ["0626"] = 200, ["0713"] = 120 },
  [2019] = { ["3005"] = 480 + 80 + 200, ["3048"] = 165, ["3045"] = 80, ["3046"] = 40, ["3049"] = 240 },
  [2020] = { ["3005"] = 800, ["3048"] = 165, ["3045"] = 80, ["3046"] = 40, ["3049"] = 240 },
}

-- amount x weight / sum of weights for each member, by largest remainder
-- (the rounded shares sum to the amount; ties to the lower code)
local function shares(amount, weights)
  local codes, total = {}, 0
  for code, w in pairs(weights) do codes[#codes + 1] = code; total = total + w end
  table.sort(codes)
  local kr, rest, floors = {}, {}, 0
  for _, c in ipairs(codes) do
    kr[c] = amount * weights[c] // total
    floors = floors + kr[c]
    rest[#rest + 1] = { code = c, r = amount * weights[c] % total }
  end
  table.sort(rest, function(a, b) if a.r ~= b.r then return a.r > b.r end return a.code < b.code end)
  for i = 1, amount - floors do kr[rest[i].code] = kr[rest[i].code] + 1 end
  return kr
end

for year = 2019, 2021 do
  local pops, crew = POP[year - 1], TENTHS[year - 1]
  local fore, bered = shares(24000000, pops), shares(56000000, crew)
  local n = 0
  for code in pairs(pops) do
    n = n + 1
    local row = r:row(code, year)
    cs.expect(row.population, pops[code], year .. " " .. code .. " inhabitants")
    cs.expect(row.services.forebygging, fore[code], year .. " " .. code .. " forebygging")
    cs.expect(row.services.beredskap, bered[code], year .. " " .. code .. " beredskap")
    cs.expect(r:share(code, year), fore[code] + bered[code], year .. " " .. code)
  end
  cs.expect(r:years()[year - 2018].members, n, year .. ": members")
end
cs.expect(r:share("Holmestrand", 2020), nil, "Sande left after 2019 (its territory is Holmestrand's)")
cs.expect(tostring(r:explain("0713", 2020, { lang = "en" })):find("left on 2020-01-01", 1, true) ~= nil, true, "why Sande is absent")
cs.expect(r:row("Drammen", 2020).merged, "Drammen + Svelvik + Nedre Eiker", "3005 made of three members")
cs.expect(r:options():find("beredskap/by:årsverk.year=previous", 1, true) ~= nil, true,
  "the options line names the table key's year")
local why = tostring(r:explain("Drammen", 2020, { lang = "en" }))
cs.expect(why:find("brann_arsverk.csv, 2019: lines 10 (Drammen: 48) + 11 (Svelvik: 8) + 12 (Nedre Eiker: 20)", 1, true) ~= nil,
  true, "the explanation lists the rows summed for 3005")

-- the emergency response by population as well, half and half, from 2021
local half = base:fork("Beredskap 50/50 fra 2021"):set_key(cs.keys.mix {
  { 0.5, cs.keys.population() }, { 0.5, cs.keys.by(crews, "årsverk", { year = "previous" }) },
}, 2021, "beredskap")
local r2 = half:run { from = 2019, to = 2021 }
print(cs.compare(r, r2))
local pops, crew = POP[2020], TENTHS[2020]
local by_pop, by_crew = shares(28000000, pops), shares(28000000, crew)
-- the mix is rounded once, from the exact halves: worked out over one denominator
local totp, totc = 0, 0
for code in pairs(pops) do totp, totc = totp + pops[code], totc + crew[code] end
local weights = {}
for code in pairs(pops) do weights[code] = pops[code] * totc + crew[code] * totp end
local mixed = shares(56000000, weights)
for code in pairs(pops) do
  cs.expect(r2:row(code, 2021).services.beredskap, mixed[code], "2021 beredskap 50/50 " .. code)
end
cs.expect(r2:share("Lier", 2020), r:share("Lier", 2020), "the variant starts in 2021")
cs.expect(by_pop["3049"] + by_crew["3049"] - mixed["3049"] <= 1, true, "Lier's halves rounded apart differ by at most a krone")

-- a sweep of the population's part of the emergency response (the crews'
-- part gets the rest): 0 is the baseline, 1 all by population
local sw = cs.sweep { scenario = half, from = 2021, to = 2021, vary = "beredskap/key.population",
                      values = { 0, 0.5, 1 } }
print(sw)
local all_pop = shares(56000000, pops)
cs.expect(sw:share("Lier", 2021, 0), shares(24000000, pops)["3049"] + shares(56000000, crew)["3049"], "sweep at 0")
cs.expect(sw:share("Lier", 2021, 1), shares(24000000, pops)["3049"] + all_pop["3049"], "sweep at 1")
