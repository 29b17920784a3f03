-- A Trøndelag cooperation from 2019 through the 2020 reform, to the krone.
-- Trondheim (5001) kept its code when Klæbu (5030) joined it on 1 January
-- 2020: from 2020 the two members are one, and its 2020 share (population
-- on 1 January 2019) is that of Trondheim and Klæbu together, not of
-- Trondheim's old territory alone (SPEC 7.1). The cooperation and its cost
-- are assumed: a joint post of 1 000 000 kr a year, shared 20 % equally and
-- 80 % by population on 1 January of the year before, as Helgeland does.
--
-- Every expected krone below is computed here, independently of coopsim,
-- as exact integer arithmetic from SSB's figures:
--   Statistisk sentralbyrå (SSB), table 07459 "Befolkning", 1 January, by
--   municipality in that year's codes (the csdata extract of 2026-03-31,
--   ../shared/data/raw/ssb_07459_csdata/kommune_folkemengde_1jan_2015_2026.csv).
local cs = coopsim

local SSB = { -- inhabitants on 1 January
  [2018] = { ["5001"] = 193501, ["5028"] = 16424, ["5029"] = 8142, ["5030"] = 6094, ["5031"] = 13958 },
  [2019] = { ["5001"] = 196159, ["5028"] = 16562, ["5029"] = 8231, ["5030"] = 6076, ["5031"] = 14040 },
  [2020] = { ["5001"] = 205163, ["5028"] = 16733, ["5029"] = 8325, ["5031"] = 14148 },
  [2021] = { ["5001"] = 207595, ["5028"] = 16949, ["5029"] = 8367, ["5031"] = 14334 },
}
local NET = 1000000

-- Shares of NET, equal parts tenths `eq` and population parts tenths
-- `10 - eq`, for pops = { [code] = inhabitants }: member i's exact share is
-- NET * (eq * P + (10 - eq) * n * p_i) / (10 * n * P); rounded by largest
-- remainder (floors, then the kroner left one each to the largest
-- remainders, equal ones to the lower code), as SPEC 1.3 says.
local function shares(pops, eq)
  local codes, P = {}, 0
  for code, p in pairs(pops) do codes[#codes + 1] = code; P = P + p end
  table.sort(codes)
  local n, den, out, floors, order = #codes, 10 * #codes * P, {}, 0, {}
  for _, code in ipairs(codes) do
    local num = NET * (eq * P + (10 - eq) * n * pops[code])
    out[code] = num // den
    floors = floors + out[code]
    order[#order + 1] = { code = code, rem = num % den }
  end
  table.sort(order, function(a, b) if a.rem ~= b.rem then return a.rem > b.rem end return a.code < b.code end)
  for k = 1, NET - floors do out[order[k].code] = out[order[k].code] + 1 end
  return out
end

-- the members of each budget year with the population coopsim must use
local expected = {
  [2019] = shares(SSB[2018], 2),
  -- 2020: one member 5001 of Trondheim's and Klæbu's territory: 196 159 + 6 076 = 202 235
  [2020] = shares({ ["5001"] = SSB[2019]["5001"] + SSB[2019]["5030"], ["5028"] = SSB[2019]["5028"],
                    ["5029"] = SSB[2019]["5029"], ["5031"] = SSB[2019]["5031"] }, 2),
  [2021] = shares(SSB[2020], 2),
  [2022] = shares(SSB[2021], 2),
}

local region = cs.cooperation {
  name = "Felles helsekoordinator Trondheimsregionen",
  host = "Trondheim",
  period = { from = "2019-01-01" },
  members = { "Trondheim", "Klæbu", "Malvik", "Melhus", "Skaun" },
  costs = { { name = "Koordinator", amount = NET, assumption = "assumed: a joint post of 1 000 000 kr" } },
  key = cs.keys.split { equal = 0.2, population = 0.8, label = "20/80 as Helgeland",
                        assumption = "the key of seed 004 applied to an assumed cooperation" },
  population_date = "jan1_previous_year",
}
local base = cs.scenario("Trondheimsregionen", { region })
local r = base:run { from = 2019, to = 2022 }

for year, want in pairs(expected) do
  local n, sum = 0, 0
  for code, kroner in pairs(want) do
    cs.expect(r:share(code, year), kroner, string.format("%s in %d", code, year))
    n, sum = n + 1, sum + kroner
  end
  cs.expect(sum, NET, "the shares of " .. year .. " sum to the cost")
  local members = 0
  for _, row in ipairs(r:rows()) do if row.year == year then members = members + 1 end end
  cs.expect(members, n, "members in " .. year)
end
cs.expect(r:share("Trondheim", 2020), 721130, "Trondheim 2020, the figure written out")
cs.expect(r:row("Trondheim", 2020).population, 202235, "196 159 + 6 076")
cs.expect(r:row("Trondheim", 2020).population_source, "predecessors", "the sum of its predecessors")
cs.expect(r:row("Trondheim", 2020).merged, "Trondheim + Klæbu", "one member made of two")
cs.expect(r:row("Trondheim", 2021).population_source, "ssb", "from 2021 SSB's own figure")
cs.expect(r:share("Klæbu", 2019), expected[2019]["5030"], "Klæbu pays 2019 as itself")
-- why Klæbu is absent from 2020, in words
cs.expect(tostring(r:explain("Klæbu", 2021, { lang = "en" })):find("5030 Klæbu is not a member in 2021: merged into 5001 Trondheim on 2020-01-01", 1, true) ~= nil,
  true, "explain says why Klæbu is absent")
cs.expect(tostring(r:explain("Trondheim", 2020, { lang = "en" })):find("5030 Klæbu merged into 5001 Trondheim on 2020-01-01", 1, true) ~= nil,
  true, "Trondheim's 2020 explanation names the merger")
-- the registry says the same, with its source
local pop, source = cs.population("5001", 2019, 2020)
cs.expect(pop, 196159 + 6076, "cs.population of 5001's 2020 territory in 2019")
cs.expect(source, "predecessors", "its source")
cs.expect(cs.population("5001", 2019), 196159, "5001's own territory in 2019")
cs.expect(cs.population("1103", 2019, 2020), 134037 + 3150 + 4847, "1103 Stavanger's 2020 territory in 2019")

-- A member whose merger took in a non-member: Klæbu not a member, and
-- merger = "member_part". Before the merger Trondheim's own figure; after
-- it a proxy: its share of the merged territory on 1 January 2019 times the
-- merged figure, 196 159 / 202 235 x 205 163 = 198 999.04 -> 198 999.
local without = cs.cooperation {
  name = "Uten Klæbu", host = "Trondheim", period = { from = "2019-01-01" },
  members = { "Trondheim", "Malvik", "Melhus", "Skaun" },
  costs = { { name = "Koordinator", amount = NET } },
  key = cs.keys.split { equal = 0.2, population = 0.8 },
  merger = "member_part",
}
local function member_part(year) -- 196 159 / 202 235 x the merged figure, rounded half up
  local whole = SSB[2019]["5001"] + SSB[2019]["5030"]
  return (2 * SSB[2019]["5001"] * SSB[year]["5001"] + whole) // (2 * whole)
end
cs.expect(member_part(2020), 198999, "the SPEC's figure")
local rp = cs.scenario("member part", { without }):run { from = 2020, to = 2022 }
local want_part = {
  [2020] = shares({ ["5001"] = SSB[2019]["5001"], ["5028"] = SSB[2019]["5028"], ["5029"] = SSB[2019]["5029"],
                    ["5031"] = SSB[2019]["5031"] }, 2),
  [2021] = shares({ ["5001"] = member_part(2020), ["5028"] = SSB[2020]["5028"], ["5029"] = SSB[2020]["5029"],
                    ["5031"] = SSB[2020]["5031"] }, 2),
  [2022] = shares({ ["5001"] = member_part(2021), ["5028"] = SSB[2021]["5028"], ["5029"] = SSB[2021]["5029"],
                    ["5031"] = SSB[2021]["5031"] }, 2),
}
for year, want in pairs(want_part) do
  for code, kroner in pairs(want) do
    cs.expect(rp:share(code, year), kroner, string.format("member part: %s in %d", code, year))
  end
end
cs.expect(rp:row("Trondheim", 2021).population, 198999, "member part 2021")
cs.expect(rp:row("Trondheim", 2021).population_source, "proxy", "a proxy")
cs.expect_error(function()
  cs.scenario("error", { cs.cooperation { name = "E", period = { from = "2019-01-01" },
    members = { "Trondheim", "Malvik" }, key = cs.keys.equal(), merger = "error" } }):run { from = 2020, to = 2020 }
end, "non-member 5030 Klæbu", "merger = \"error\" stops at Klæbu")

-- Names wherever a member is: a sweep and a Monte Carlo row by name.
local sw = cs.sweep { scenario = base, from = 2020, to = 2020, vary = "key.equal", values = { 0.2, 0.3 } }
cs.expect(sw:share("Trondheim", 2020, 0.2), expected[2020]["5001"], "sw:share by name")
cs.expect(sw:share("5001", 2020, 0.2), expected[2020]["5001"], "sw:share by code")
cs.expect(sw:share("Trondheim", 2020, 0.3), shares({ ["5001"] = 202235, ["5028"] = 16562, ["5029"] = 8231,
  ["5031"] = 14040 }, 3)["5001"], "sw:share at 30 % equal")
local mc = cs.montecarlo { scenario = base, from = 2020, to = 2020, draws = 20, seed = 7 }
cs.expect(mc:row("Trondheim", 2020).base, expected[2020]["5001"], "mc:row by name")
cs.expect(mc:row("5001", 2020).base, expected[2020]["5001"], "mc:row by code")

print(r)
print(r:explain("Trondheim", 2020))
print(r:explain("Klæbu", 2020))
