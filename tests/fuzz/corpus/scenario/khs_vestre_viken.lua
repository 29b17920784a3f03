-- Kommunehelsesamarbeidet (KHS) in Vestre Viken hospital area (seed 002):
-- a membership fee of 3 kr per inhabitant per year, paid on 15 January.
-- A member may withdraw with 6 months' notice counted from 1 January of the
-- year after the notice was given. Agreement 2019-01-01 to 2023-01-01 "or
-- until a new agreement exists".
--
-- The seed names the regions, not the municipalities. The members here are
-- the 26 municipalities of Vestre Viken HF's catchment area in 2019 (an
-- assumption, stated in the key). Codes are used because "Nes" and "Sande"
-- are ambiguous names in 2019. The 2020 reform merges several of them
-- (Asker + Hurum + Røyken; Drammen + Nedre Eiker + Svelvik) and Sande with
-- non-member Holmestrand: by default the new municipality is a member with
-- its whole population (merger = "whole").
local cs = coopsim

local khs = cs.cooperation {
  name = "Kommunehelsesamarbeidet Vestre Viken",
  period = { from = "2019-01-01", to = "2022-12-31" },
  members = {
    "0220", "0219", "0628", "0627",         -- Asker, Bærum, Hurum, Røyken
    "0602", "0626", "0625", "0624",         -- Drammen, Lier, Nedre Eiker, Øvre Eiker
    "0711", "0713",                         -- Svelvik, Sande (Vestfold)
    "0604", "0631", "0632", "0633",         -- Kongsberg, Flesberg, Rollag, Nore og Uvdal
    "0623", "0621", "0622",                 -- Modum, Sigdal, Krødsherad
    "0605", "0612", "0532",                 -- Ringerike, Hole, Jevnaker
    "0615", "0616", "0617", "0618", "0619", "0620", -- Flå, Nes, Gol, Hemsedal, Ål, Hol
  },
  payee = "KHS (Kommunehelsesamarbeidet)",
  key = cs.keys.per_capita { rate = 3, label = "medlemskontingent",
    source = "seed 002: kr 3,- pr. innbygger, innbetaling 15.01. hvert år",
    assumption = "members: the 26 municipalities of Vestre Viken HF's area in 2019; population on 1 January of the year before" },
  population_date = "jan1_previous_year",
  notice = { months = 6, from = "next_jan1" },
  due = "01-15",
}

local base = cs.scenario("KHS 2019-2023", { khs })
local hole = base:fork("Hole withdraws"):withdraw("Hole", "2021-03-10")
local r0 = base:run { from = 2019, to = 2023, past_end = true } -- "or until a new agreement exists"
local r1 = hole:run { from = 2019, to = 2023, past_end = true }

print(r0)
print()
print(cs.compare(r0, r1))
print()
print(r1:explain("Hole", 2022))

-- 3 kr per inhabitant: Bærum in 2019 pays 3 x its population on 1 January 2018.
cs.expect(r0:share("0219", 2019), 3 * cs.population("0219", 2018), "Bærum 2019")
cs.expect(r0:row("0219", 2019).due, "2019-01-15", "due 15 January")
-- Notice on 2021-03-10: the 6 months run from 2022-01-01 to 2022-06-30;
-- Hole leaves on 2022-07-01 and owes the fee of 15 January 2022 in full.
cs.expect(r1:share("Hole", 2022), 3 * cs.population("Hole", 2021), "Hole owes 2022 in full")
cs.expect(r1:share("Hole", 2023), nil, "Hole is gone in 2023")
cs.expect(r1:row("Hole", 2022).months, 6, "Hole is a member for 6 months of 2022")
-- The 2020 reform: 26 members in 2019, 22 from 2020 (two three-way mergers; Sande joins non-member Holmestrand).
cs.expect(#r0:rows() > 0, true)
local count = {}
for _, row in ipairs(r0:rows()) do count[row.year] = (count[row.year] or 0) + 1 end
cs.expect(count[2019], 26, "members 2019")
cs.expect(count[2020], 22, "members 2020")
-- Holmestrand (with Sande) pays for its whole population: merger = "whole".
cs.expect(r0:share("Holmestrand", 2021), 3 * cs.population("3802", 2020), "Holmestrand 2021")
