-- Samhandlingskoordinator, KS Nord-Trøndelag (seed 001): every municipality
-- with a cooperation agreement with Helse Nord-Trøndelag pays a base amount of
-- 10 000 kr plus a rate per inhabitant, "beregnet i 2018 til ca 6 kroner". KS
-- buys the function from the host on the members' behalf, so KS is the payee.
-- The seed asks for the effects of the 2018 and 2020 reforms on the
-- distribution to be reassessed: members are listed by their 2017 names and
-- followed through the registry, so Leksvik becomes Indre Fosen in 2018 (with
-- non-member Rissa: the whole new municipality is a member, as the seed
-- expects), and Steinkjer + Verran, Namsos + Namdalseid + Fosnes, and
-- Nærøy + Vikna become one member each in 2020.
local cs = coopsim

local members = { "Meråker", "Frosta", "Stjørdal", "Levanger", "Verdal", "Inderøy", "Leksvik",
  "Steinkjer", "Verran", "Snåsa", "Lierne", "Grong", "Røyrvik", "Namsskogan", "Høylandet",
  "Overhalla", "Namdalseid", "Flatanger", "Namsos", "Fosnes", "Osen", "Nærøy", "Vikna", "Leka",
  "Bindal" }

local function coordinator(key)
  return cs.cooperation {
    name = "Samhandlingskoordinator Nord-Trøndelag",
    payee = "KS Nord-Trøndelag",
    period = { from = "2017-01-01" },
    members = members,
    costs = { { name = "Samhandlingskoordinator (kjøp av funksjonen)", amount = 1050000,
                assumption = "assumed: the seed states no cost" } },
    key = key,
    population_date = "jan1_previous_year",
  }
end

local fixed_rate = coordinator(cs.keys.base_plus_rate { base = 10000, rate = 6,
  source = "seed 001: grunnbeløp kr 10 000 pr kommune + ca 6 kr pr innbygger (2018)" })
local covering = coordinator(cs.keys.base_plus_rate { base = 10000, rate = "cover",
  assumption = "rate solved so that the shares cover an assumed cost of 1 050 000 kr" })

local r6 = cs.scenario("10 000 + 6 kr", { fixed_rate }):run { from = 2018, to = 2024 }
local reform = cs.scenario("Reform (covering rate)", { covering })
local rc = reform:run { from = 2018, to = 2024 }
-- the counterfactual: the municipal structure of 2019 kept after the 2020 reform
local frozen = reform:fork("No reform (covering rate)"):no_reform("2019-12-31"):run { from = 2018, to = 2024 }
print(r6)
print()
print(cs.compare(r6, rc))
print()
print("What the 2020 reform did to each member's payment (grouped by today's municipality):")
print(cs.compare(frozen, rc, { by = "territory" }))

-- Membership in 2019 and in 2020, side by side, by the members as listed.
local rows19, rows20 = {}, {}
for _, row in ipairs(rc:rows()) do
  if row.year == 2019 then rows19[#rows19 + 1] = row end
  if row.year == 2020 then rows20[#rows20 + 1] = row end
end
local by_code20 = {}
for _, row in ipairs(rows20) do by_code20[row.code] = row end
local cells = {}
for _, row in ipairs(rows19) do
  local succ = cs.municipality(row.code, "2019-01-01")
  local now
  for _, r20 in ipairs(rows20) do
    if (r20.merged or r20.given):find(row.given, 1, true) or r20.given == row.given then now = r20 end
  end
  cells[#cells + 1] = { row.code, row.name, cs.report.int(row.total),
    now and now.code or "", now and now.name or "", now and cs.report.int(now.total) or "" }
end
print()
print("membership 2019 (25) and 2020 (21), covering rate:")
print(cs.report.table({ "2019", "member", "share 2019", "2020", "member", "share 2020" }, cells,
  { false, false, true, false, false, true }))

cs.expect(#rows19, 25, "25 members in 2019")
cs.expect(#rows20, 21, "21 members in 2020")
-- 10 000 + 6 kr x population on 1 January of the year before.
cs.expect(r6:share("Frosta", 2019), 10000 + 6 * cs.population("Frosta", 2018), "Frosta 2019, fixed rate")
cs.expect(r6:share("Indre Fosen", 2019), 10000 + 6 * cs.population("Indre Fosen", 2018),
  "Indre Fosen 2019: whole population")
-- Steinkjer 2020 = Steinkjer + Verran: one base amount, population summed (1 January 2019).
cs.expect(r6:share("Steinkjer", 2020),
  10000 + 6 * (cs.population("5004", 2019) + cs.population("5039", 2019)), "Steinkjer 2020")
cs.expect(r6:row("Steinkjer", 2020).population_source, "predecessors", "Steinkjer 2020 population")
-- The covering rate makes the shares sum to the cost in every year.
for _, y in ipairs(rc:years()) do cs.expect(y.sum_shares, 1050000, "covering " .. y.year) end
cs.expect(r6:row("Frosta", 2019).payee, "KS Nord-Trøndelag", "KS invoices")
-- Without the reform there would still be 25 members in 2020, and Namsos,
-- Namdalseid and Fosnes would pay three base amounts instead of one.
local n20 = 0
for _, row in ipairs(frozen:rows()) do if row.year == 2020 then n20 = n20 + 1 end end
cs.expect(n20, 25, "no reform: 25 members in 2020")
local three = frozen:share("5005", 2020) + frozen:share("5040", 2020) + frozen:share("5048", 2020)
cs.expect(three > rc:share("Namsos", 2020), true, "the merged Namsos pays less than its three parts would")
cs.expect(frozen:row("5040", 2020).population_source, "ssb", "Namdalseid 2020: its own figure of 1 January 2019")
cs.expect(frozen:row("5040", 2021).population_source, "proxy", "Namdalseid 2021: a share of Namsos (proxy)")
cs.expect(frozen:years()[3].sum_shares, 1050000, "the counterfactual covers the cost too")
