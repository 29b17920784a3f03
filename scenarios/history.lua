-- Municipal history inside simulations: renumbering chains, mergers, a split,
-- and hypothetical mergers (registry: SSB KLASS 131 and table 07459).
local cs = coopsim

-- A chain of renumberings: Hole was 0612 (Buskerud) until 2019, 3038 (Viken)
-- 2020-2023 and 3310 (Buskerud) from 2024. A member listed as 0612 in 2019
-- is followed to 2025, and its populations are SSB's own figures each year.
local hole = cs.cooperation {
  name = "Renumbering chain", period = { from = "2019-01-01" },
  members = { "0612", "0605" }, -- Hole, Ringerike
  key = cs.keys.per_capita { rate = 1 },
}
local r = cs.scenario("Chain", { hole }):run { from = 2019, to = 2025 }
cs.expect(r:row("Hole", 2019).code, "0612", "Hole 2019")
cs.expect(r:row("Hole", 2021).code, "3038", "Hole 2021")
cs.expect(r:row("Hole", 2025).code, "3310", "Hole 2025")
cs.expect(r:share("Hole", 2025), cs.population("3310", 2024), "Hole pays its own 2024 population")
cs.expect(r:row("Hole", 2024).population_source, "predecessors", "1 January 2023: the figure under its earlier code 3038")

-- A merger of two members: Steinkjer + Verran become one member in 2020 with
-- one base amount; its 2020 population (1 January 2019) is the sum of both.
local nt = cs.cooperation {
  name = "Merger of members", period = { from = "2019-01-01" },
  members = { "Steinkjer", "Verran", "Snåsa" },
  key = cs.keys.base_plus_rate { base = 10000, rate = 1 },
}
local r2 = cs.scenario("Merger", { nt }):run { from = 2019, to = 2020 }
cs.expect(#r2:rows(), 5, "three members in 2019, two in 2020")
cs.expect(r2:share("Steinkjer", 2020),
  10000 + cs.population("5004", 2019) + cs.population("5039", 2019), "one base amount")
cs.expect(r2:row("Steinkjer", 2020).merged, "Steinkjer + Verran", "the merged member names its parts")

-- A merger with a non-member: Sande (Vestfold) joined Holmestrand in 2020.
local sande = function(merger)
  return cs.cooperation {
    name = "Sande", period = { from = "2019-01-01" }, members = { "0713", "0711" }, -- Sande, Svelvik
    key = cs.keys.per_capita { rate = 1 }, merger = merger,
  }
end
local whole = cs.scenario("whole", { sande() }):run { from = 2020, to = 2021 }
cs.expect(whole:share("Holmestrand", 2021), cs.population("3802", 2020), "whole: Holmestrand's population")
cs.expect(whole:row("Holmestrand", 2021).merged:find("non-member 0715 Holmestrand", 1, true) ~= nil, true,
  "the row says it merged with a non-member")
local part = cs.scenario("member part", { sande("member_part") }):run { from = 2020, to = 2020 }
cs.expect(part:share("Holmestrand", 2020), cs.population("0713", 2019), "member_part: Sande's own 2019 population")
cs.expect_error(function()
  cs.scenario("error", { sande("error") }):run { from = 2020, to = 2020 }
end, "non-member", "merger = \"error\" stops and asks")

-- The 2024 split of Ålesund (1507) into Ålesund (1508) and Haram (1580):
-- by default (split = "successors") both parts are members from the split,
-- each with its own population; split = "error" stops and asks.
local aal = function(split)
  return cs.cooperation {
    name = "Split", period = { from = "2020-01-01" }, members = { "1507", "1505" }, -- Ålesund, Kristiansund
    key = cs.keys.per_capita { rate = 1 }, split = split,
  }
end
cs.expect(cs.scenario("Split", { aal() }):run { from = 2020, to = 2023 }:share("1507", 2023),
  cs.population("1507", 2022), "Ålesund before the split")
local split = cs.scenario("Split", { aal() }):run { from = 2024, to = 2024 }
cs.expect(split:share("1508", 2024) + split:share("1580", 2024), cs.population("1507", 2023),
  "the two parts together: all of 1507 on 1 January 2023")
cs.expect(split:row("Haram", 2024).merged, "split from 1507 Ålesund on 2024-01-01", "the row says where it came from")
cs.expect_error(function() cs.scenario("Split", { aal("error") }):run { from = 2024, to = 2024 } end,
  "split = \"error\"", "split = \"error\" stops and asks")

-- A hypothetical merger: Grane + Hattfjelldal as one member from 2026.
local hg = cs.cooperation {
  name = "Helgeland", period = { from = "2023-01-01" },
  members = { "1812", "1813", "1815", "1816", "1818", "1820", "1822", "1824", "1825",
              "1826", "1827", "1828", "1832", "1833", "1834", "1835", "1836" },
  costs = { { name = "Net", amount = 740539 } },
  key = cs.keys.split { equal = 0.2, population = 0.8 },
}
local base = cs.scenario("Base", { hg })
local merged = base:fork("Grane + Hattfjelldal"):merge({ "Grane", "Hattfjelldal" }, "Indre Helgeland", "2026-01-01")
local r0, r1 = base:run { from = 2025, to = 2026 }, merged:run { from = 2025, to = 2026 }
print(cs.compare(r0, r1))
cs.expect(r1:share("Grane", 2026), nil, "Grane is part of the merged member in 2026")
cs.expect(r1:row("H001", 2026).population, cs.population("1825", 2025) + cs.population("1826", 2025),
  "the merged member's population")
cs.expect(r1:share("H001", 2026) < r0:share("Grane", 2026) + r0:share("Hattfjelldal", 2026), true,
  "one equal part fewer")
cs.expect(r1:years()[2].sum_shares, 740539, "still covers the cost")
cs.expect(r1:share("Vefsn", 2026) > r0:share("Vefsn", 2026), true, "the others pay a little more")

-- The resolution date: a cooperation without period or base year resolves
-- its members and host at 1 January of the run's first year (never "today"):
-- 3005 Drammen was valid 2020-2023, so a 2021 run knows it, and follows it
-- to 3301 in 2024.
local drammen = cs.cooperation {
  name = "Drammen", host = "3005", members = { "3005", "Lier" }, key = cs.keys.per_capita { rate = 1 },
}
local rd = cs.scenario("Drammen", { drammen }):run { from = 2021, to = 2024 }
cs.expect(rd:row("3005", 2021).host, true, "3005 is the host in 2021")
cs.expect(rd:row("Drammen", 2024).code, "3301", "followed to 3301")
cs.expect(rd:row("Drammen", 2024).host, true, "the host too")
cs.expect_error(function() cs.scenario("Drammen", { drammen }):run { from = 2019, to = 2019 } end,
  "was not valid on 2019-01-01 (valid 2020-01-01 to 2023-12-31); on 2019-01-01 its territory was 0602 Drammen, 0625 Nedre Eiker, 0711 Svelvik",
  "a 2019 run: the error names the validity and the predecessors")
-- with a base year, at 1 January of it
local based = cs.cooperation {
  name = "Base year", base_year = 2021, members = { "3005", "Lier" }, key = cs.keys.per_capita { rate = 1 },
}
cs.expect(cs.scenario("Base year", { based }):run { from = 2022, to = 2022 }:share("3005", 2022),
  cs.population("3005", 2021), "resolved on 2021-01-01")
-- a code or name that never existed is refused when the cooperation is made
cs.expect_error(function() cs.cooperation { name = "X", members = { "Drammenn" }, key = cs.keys.equal() } end,
  'unknown municipality "Drammenn"', "unknown everywhere")
cs.expect(cs.municipality("3005").name, "Drammen", "a code's latest period without a date")

-- Codes inside keys follow the registry like members (SPEC 7.1): Hole's
-- fixed amount (0612 in 2019) is 3038's in 2020 and 3310's in 2024; the
-- amounts of Steinkjer and Verran are summed when they merge in 2020; a key
-- given to set_key is resolved at 1 January of its first year.
local fixed = cs.cooperation {
  name = "Fixed", period = { from = "2019-01-01" }, members = { "Hole", "Steinkjer", "Verran" },
  key = cs.keys.fixed { Hole = 1000, Steinkjer = 300, Verran = 40 },
}
local rf = cs.scenario("Fixed", { fixed }):run { from = 2019, to = 2025 }
cs.expect(rf:share("Hole", 2019), 1000, "0612 Hole")
cs.expect(rf:share("3038", 2021), 1000, "3038 Hole")
cs.expect(rf:share("3310", 2025), 1000, "3310 Hole")
cs.expect(rf:share("Steinkjer", 2020), 300 + 40, "Steinkjer + Verran")
local later = cs.scenario("Fixed", { fixed }):set_key(cs.keys.fixed { Hole = 2000, Steinkjer = 500 }, 2024)
  :run { from = 2023, to = 2025 }
cs.expect(later:share("Hole", 2023), 1000, "the first key until 2023")
cs.expect(later:share("Hole", 2025), 2000, "Hole on 2024-01-01 is 3310")
cs.expect_error(function()
  cs.scenario("Kept", { cs.cooperation { name = "Kept", period = { from = "2019-01-01" },
    members = { "Trondheim", "Klæbu" }, key = cs.keys.fixed { Trondheim = 1000, ["Klæbu"] = 500 } } })
    :run { from = 2019, to = 2020 }
end, "5030 went into 5001 on 2020-01-01, which kept its code", "a code-kept merger of two keyed members")
