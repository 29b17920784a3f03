-- A Sunnmøre cooperation with Ålesund from 2020 through the 2024 split, to
-- the krone. On 1 January 2024 1507 Ålesund was split into 1508 Ålesund and
-- 1580 Haram, Haram on its borders from before 2020 (SSB KLASS 131, version
-- Kommuneinndeling 2020, note on 1507; data/territories.csv). With split =
-- "successors" (the default) both parts are members from the split, each
-- with its own population; the host is the part that keeps its name. On
-- 1 January 2023 Haram's territory lay inside 1507, so its figure is the
-- recorded split fraction 0.137875 (data/split_fractions.csv) of 1507's,
-- rounded half up, and 1508 has the rest (SPEC 7.1).
-- The cooperation and its cost are assumed: 1 000 000 kr a year shared 30 %
-- equally and 70 % by population on 1 January of the year before, eKommune
-- Sunnmøre's 2016 rule (../shared/data/README.md).
--
-- Every expected krone below is computed here, independently of coopsim,
-- as exact integer arithmetic from SSB's figures:
--   Statistisk sentralbyrå (SSB), table 07459 "Befolkning", 1 January, by
--   municipality in that year's codes (the csdata extract of 2026-03-31,
--   ../shared/data/raw/ssb_07459_csdata/kommune_folkemengde_1jan_2015_2026.csv).
local cs = coopsim

local SSB = { -- inhabitants on 1 January
  [2019] = { ["1504"] = 47998, ["1523"] = 2250, ["1529"] = 4764, ["1534"] = 9383, ["1546"] = 1238,
             ["1528"] = 7657, ["1531"] = 9271, ["1532"] = 8398 },
  [2020] = { ["1507"] = 66258, ["1528"] = 7625, ["1531"] = 9310, ["1532"] = 8462 },
  [2021] = { ["1507"] = 66670, ["1528"] = 7596, ["1531"] = 9409, ["1532"] = 8506 },
  [2022] = { ["1507"] = 67114, ["1528"] = 7558, ["1531"] = 9547, ["1532"] = 8597 },
  [2023] = { ["1507"] = 67520, ["1528"] = 7630, ["1531"] = 9636, ["1532"] = 8692 },
  [2024] = { ["1508"] = 58509, ["1580"] = 9357, ["1528"] = 7617, ["1531"] = 9720, ["1532"] = 8691 },
  [2025] = { ["1508"] = 59198, ["1580"] = 9409, ["1528"] = 7626, ["1531"] = 9759, ["1532"] = 8773 },
}
local HARAM_FRACTION = 137875 -- millionths: 0.137875, data/split_fractions.csv
local NET = 1000000

-- Shares of NET, 3/10 equally and 7/10 by population, for pops = { [code] =
-- inhabitants }: member i's exact share is NET * (3 P + 7 n p_i) / (10 n P);
-- rounded by largest remainder (floors, then the kroner left one each to
-- the largest remainders, equal ones to the lower code), as SPEC 1.3 says.
local function shares(pops)
  local codes, P = {}, 0
  for code, p in pairs(pops) do codes[#codes + 1] = code; P = P + p end
  table.sort(codes)
  local n, den, out, floors, order = #codes, 10 * #codes * P, {}, 0, {}
  for _, code in ipairs(codes) do
    local num = NET * (3 * P + 7 * n * pops[code])
    out[code] = num // den
    floors = floors + out[code]
    order[#order + 1] = { code = code, rem = num % den }
  end
  table.sort(order, function(a, b) if a.rem ~= b.rem then return a.rem > b.rem end return a.code < b.code end)
  for k = 1, NET - floors do out[order[k].code] = out[order[k].code] + 1 end
  return out
end

local function others(year, t)
  for _, code in ipairs { "1528", "1531", "1532" } do t[code] = SSB[year][code] end
  return t
end
-- 1507 on 1 January 2019: its five predecessors
local aalesund_2019 = SSB[2019]["1504"] + SSB[2019]["1523"] + SSB[2019]["1529"] + SSB[2019]["1534"] + SSB[2019]["1546"]
-- Haram on 1 January 2023: 0.137875 x 67 520 rounded half up; Ålesund the rest
local haram_2023 = (HARAM_FRACTION * SSB[2023]["1507"] + 500000) // 1000000
local pops = {
  [2020] = others(2019, { ["1507"] = aalesund_2019 }),
  [2021] = others(2020, { ["1507"] = SSB[2020]["1507"] }),
  [2022] = others(2021, { ["1507"] = SSB[2021]["1507"] }),
  [2023] = others(2022, { ["1507"] = SSB[2022]["1507"] }),
  [2024] = others(2023, { ["1508"] = SSB[2023]["1507"] - haram_2023, ["1580"] = haram_2023 }),
  [2025] = others(2024, { ["1508"] = SSB[2024]["1508"], ["1580"] = SSB[2024]["1580"] }),
}
cs.expect(aalesund_2019, 65633, "1507's territory on 1 January 2019")
cs.expect(haram_2023, 9309, "the SPEC's 9 309")
cs.expect(SSB[2023]["1507"] - haram_2023, 58211, "the SPEC's 58 211")

local sunnmore = function(split)
  return cs.cooperation {
    name = "Digitalt samarbeid Sunnmøre", host = "Ålesund",
    period = { from = "2020-01-01" },
    members = { "Ålesund", "Sula", "Giske", "Sykkylven" },
    costs = { { name = "Fellestjeneste", amount = NET, assumption = "assumed: 1 000 000 kr a year" } },
    key = cs.keys.split { equal = 0.3, population = 0.7, label = "30/70",
                          source = "eKommune Sunnmøre 2016 (../shared/data/README.md)" },
    population_date = "jan1_previous_year",
    split = split,
  }
end
local base = cs.scenario("Sunnmøre", { sunnmore() })
local r = base:run { from = 2020, to = 2025 }
for year, p in pairs(pops) do
  local n = 0
  for code, kroner in pairs(shares(p)) do
    cs.expect(r:share(code, year), kroner, string.format("%s in %d", code, year))
    cs.expect(r:row(code, year).population, p[code], string.format("population of %s in %d", code, year))
    n = n + 1
  end
  local members = 0
  for _, row in ipairs(r:rows()) do if row.year == year then members = members + 1 end end
  cs.expect(members, n, "members in " .. year)
end
cs.expect(r:share("Haram", 2024), 129710, "Haram 2024, the figure written out")
cs.expect(r:row("Haram", 2024).population_source, "proxy", "a proxy before SSB's own figure")
cs.expect(r:row("Haram", 2025).population_source, "ssb", "SSB's own from 2024 on")
cs.expect(r:row("Haram", 2024).merged, "split from 1507 Ålesund on 2024-01-01", "the row says where it came from")
cs.expect(r:row("1508", 2024).host, true, "the part that keeps the name is the host")
cs.expect(r:row("Haram", 2024).payee, "Ålesund", "Haram pays Ålesund")
cs.expect(tostring(r:explain("1507", 2024, { lang = "en" })):find("1507 Ålesund is not a member in 2024: it was split on 2024-01-01 into 1508 Ålesund, 1580 Haram", 1, true) ~= nil,
  true, "explain says why 1507 is absent")
-- the registry: Haram's territory is 1534 Haram's, with SSB's own figures before 2020
local pop, source = cs.population("1580", 2019, 2024)
cs.expect(pop, SSB[2019]["1534"], "1580's territory in 2019 is 1534's")
cs.expect(source, "predecessors", "its source")
pop, source = cs.population("1580", 2023, 2024)
cs.expect(pop, haram_2023, "1580's territory in 2023: the proxy")
cs.expect(source, "proxy", "marked proxy")
cs.expect(cs.population("1508", 2019, 2024), aalesund_2019 - SSB[2019]["1534"], "1508's territory in 2019: 65 633 - 9 383")

-- Ålesund gives notice on 1 March 2023: twelve months from 1 January 2024,
-- the notice binds both parts: both pay 2024, neither 2025.
local notice = base:fork("Ålesund gives notice"):withdraw("Ålesund", "2023-03-01")
local rn = notice:run { from = 2020, to = 2025 }
for code, kroner in pairs(shares(pops[2024])) do
  cs.expect(rn:share(code, 2024), kroner, "after the notice, 2024: " .. code)
end
for code, kroner in pairs(shares(others(2024, {}))) do
  cs.expect(rn:share(code, 2025), kroner, "after the notice, 2025: " .. code)
end
cs.expect(rn:share("Haram", 2025), nil, "Haram is gone in 2025")
cs.expect(rn:share("1508", 2025), nil, "Ålesund is gone in 2025")
cs.expect(tostring(rn:explain("Haram", 2024, { lang = "en" })):find("notice given 2023-03-01; notice period ends 2024-12-31", 1, true) ~= nil,
  true, "why Haram pays 2024 as its last year")
cs.expect(tostring(rn:explain("Haram", 2025, { lang = "en" })):find("left on 2025-01-01 (notice given 2023-03-01; notice period ended 2024-12-31)", 1, true) ~= nil,
  true, "why Haram is absent in 2025")

-- After the split a part gives notice for itself: Haram on 1 March 2024
-- pays 2025 as its last year; Ålesund stays.
local rh = base:fork("Haram gives notice"):withdraw("Haram", "2024-03-01"):run { from = 2024, to = 2026 }
for code, kroner in pairs(shares(others(2024, { ["1508"] = SSB[2024]["1508"], ["1580"] = SSB[2024]["1580"] }))) do
  cs.expect(rh:share(code, 2025), kroner, "Haram's last year, 2025: " .. code)
end
for code, kroner in pairs(shares(others(2025, { ["1508"] = SSB[2025]["1508"] }))) do
  cs.expect(rh:share(code, 2026), kroner, "without Haram, 2026: " .. code)
end
cs.expect(rh:share("Haram", 2026), nil, "Haram is gone in 2026")
cs.expect(tostring(rh:explain("Haram", 2026, { lang = "en" })):find("left on 2026-01-01 (notice given 2024-03-01; notice period ended 2025-12-31)", 1, true) ~= nil,
  true, "why Haram is absent in 2026")

-- split = "error": the run stops at the split and names the parts
cs.expect_error(function() cs.scenario("ask", { sunnmore("error") }):run { from = 2023, to = 2024 } end,
  "was split on 2024-01-01 into 1508 Ålesund, 1580 Haram", "split = \"error\" asks")
-- a value keyed by the split member reaches neither part
cs.expect_error(function()
  cs.scenario("fixed", { cs.cooperation { name = "F", period = { from = "2020-01-01" },
    members = { "Ålesund", "Sula" }, key = cs.keys.fixed { ["Ålesund"] = 100000, Sula = 20000 } } })
    :run { from = 2024, to = 2024 }
end, "a value keyed by 1507 does not carry over", "fixed amounts of a split member")

print(cs.compare(r, rn))
print(r:explain("Haram", 2024))
print(rn:explain("Haram", 2025))
