-- SPEC 7.2's examples through the scenario API, each checked to the krone
-- against figures worked out here in exact fractions (our own rational
-- arithmetic and largest remainder), never against coopsim's output; and
-- the errors and refusals the section asks for.
--
-- Populations: SSB table 07459 on 1 January 2022 (budget year 2023):
-- 1812 Sømna 1 981, 1813 Brønnøy 7 777, 1815 Vega 1 175 (SPEC 1.1).
local cs = coopsim

---------------------------------------------------------------------------
-- exact fractions, and the one rounding

local function gcd(a, b)
  a, b = math.abs(a), math.abs(b)
  while b ~= 0 do a, b = b, a % b end
  return a
end
local function F(n, d)
  d = d or 1
  if d < 0 then n, d = -n, -d end
  local g = gcd(n, d)
  if g == 0 then return { 0, 1 } end
  return { n // g, d // g }
end
local function add(a, b) return F(a[1] * b[2] + b[1] * a[2], a[2] * b[2]) end
local function mul(a, b) return F(a[1] * b[1], a[2] * b[2]) end

-- Whole kroner of exact shares (fractions, by code) by largest remainder:
-- the rounded shares sum to the exact sum rounded half up; ties go to the
-- lower code.
local function round_shares(exact)
  local codes, den = {}, 1
  for code, q in pairs(exact) do
    codes[#codes + 1] = code
    den = den // gcd(den, q[2]) * q[2]
  end
  table.sort(codes)
  local sum, kr, rest, floors = 0, {}, {}, 0
  for _, c in ipairs(codes) do
    local n = exact[c][1] * (den // exact[c][2])
    sum = sum + n
    kr[c] = n // den
    floors = floors + kr[c]
    rest[#rest + 1] = { code = c, r = n % den }
  end
  local target = (2 * sum + den) // (2 * den)
  table.sort(rest, function(a, b) if a.r ~= b.r then return a.r > b.r end return a.code < b.code end)
  for i = 1, target - floors do kr[rest[i].code] = kr[rest[i].code] + 1 end
  return kr
end

local POP = { ["1812"] = 1981, ["1813"] = 7777, ["1815"] = 1175 }
local POP_ALL = 1981 + 7777 + 1175
local HOURS = { [2023] = { ["1812"] = F(10), ["1813"] = F(51, 2), ["1815"] = F(9, 2) }, -- bruk.csv
                [2024] = { ["1812"] = F(12), ["1813"] = F(20), ["1815"] = F(8) } }

local function coop(name, key, cost)
  return cs.cooperation {
    name = name, period = { from = "2023-01-01" },
    members = { "Sømna", "Brønnøy", "Vega" },
    costs = { { name = "Drift", amount = cost or 100000 } },
    key = key,
  }
end

local function check(r, year, exact, what)
  local kr = round_shares(exact)
  for code in pairs(exact) do
    cs.expect(r:share(code, year), kr[code], what .. " " .. code .. " " .. year)
  end
end

---------------------------------------------------------------------------
-- mixed keys: SPEC's example, a table with a year column read in the budget year

local t = cs.table("bruk.csv")
local mix = cs.keys.mix { { 0.2, cs.keys.equal() }, { 0.3, cs.keys.population() },
                          { 0.5, cs.keys.by(t, "timer", { year = "budget" }) } }
local base = cs.scenario("Mix", { coop("Mix", mix) })
local r = base:run { from = 2023, to = 2024 }
for year = 2023, 2024 do
  local hours = F(0)
  for _, h in pairs(HOURS[year]) do hours = add(hours, h) end
  local exact = {}
  for code, pop in pairs(POP) do
    exact[code] = add(add(F(20000, 3), F(30000 * pop, POP_ALL)), mul(F(50000), mul(HOURS[year][code], F(hours[2], hours[1]))))
  end
  if year == 2023 then check(r, year, exact, "mix") end
end
cs.expect(r:row("Brønnøy", 2023).parts["by:timer"], 31875, "Brønnøy's part by the table: 50 000 x 25.5 / 40")
cs.expect(r:options():find("by:timer.year=budget", 1, true) ~= nil, true, "the options line names the year read")
local why = tostring(r:explain("Brønnøy", 2024, { lang = "en" }))
cs.expect(why:find("x timer 20 / 40 = 25 000.00 (bruk.csv, 2024: line 6)", 1, true) ~= nil, true,
  "the explanation names the table's file, year and line")

-- s:set("key.PART", v) on a mix of three parts scales the others in proportion:
-- population 0.5, equal 0.2 x 5/7 = 1/7, by:timer 0.5 x 5/7 = 5/14
local r2 = base:fork("population 0.5"):set("key.population", 0.5):run { from = 2023, to = 2023 }
local exact = {}
for code, pop in pairs(POP) do
  exact[code] = add(add(F(100000, 21), F(50000 * pop, POP_ALL)),
                    mul(F(100000 * 5, 14), mul(HOURS[2023][code], F(1, 40))))
end
check(r2, 2023, exact, "scaled mix")
-- and a part of 0: the sweep of a mix's part
local r3 = base:fork("timer 0"):set("key.by:timer", 0):run { from = 2023, to = 2023 }
exact = {}
for code, pop in pairs(POP) do exact[code] = add(F(40000, 3), F(60000 * pop, POP_ALL)) end
check(r3, 2023, exact, "mix without the table's part")

-- fractions as texts, exactly: 1/3 equally, 2/3 by population
local thirds = cs.scenario("1/3", { coop("Tredeler",
  cs.keys.mix { { "1/3", cs.keys.equal() }, { "2/3", cs.keys.population() } }, 90000) })
exact = {}
for code, pop in pairs(POP) do exact[code] = add(F(10000), F(60000 * pop, POP_ALL)) end
check(thirds:run { from = 2023, to = 2023 }, 2023, exact, "thirds")

-- what a mix refuses
cs.expect_error(function() cs.keys.mix { { 0.5, cs.keys.equal() }, { 0.4, cs.keys.population() } } end,
  "must sum to exactly 1, they sum to 0.9")
cs.expect_error(function() cs.keys.mix { { 0.5, cs.keys.equal() }, { 0.5, cs.keys.per_capita { rate = 3 } } } end,
  "is a fee key")
cs.expect_error(function()
  cs.keys.mix { { 0.5, cs.keys.equal() }, { 0.5, cs.keys.capped(cs.keys.population(), { max = 1 }) } }
end, "is capped: cap the mix instead")
cs.expect_error(function()
  cs.keys.mix { { 0.5, cs.keys.equal() }, { 0.5, cs.keys.base_plus_rate { base = 1, rate = "cover" } } }
end, "has base or fixed amounts")

---------------------------------------------------------------------------
-- tables: what is read, and every error naming the file, row and line

local plain = cs.table("missing_member.csv")
cs.expect_error(function() cs.keys.by(t, "timer") end, "bruk.csv has a year column")
cs.expect_error(function() cs.keys.by(plain, "timer", { year = "budget" }) end, "has no year column")
cs.expect_error(function() cs.keys.by(plain, "minutter") end, "missing_member.csv has no column \"minutter\"")
cs.expect_error(function() cs.table("bad_duplicate.csv") end, "bad_duplicate.csv")
cs.expect_error(function() cs.table("bad_duplicate.csv") end, "line 4")
cs.expect_error(function() cs.keys.by(cs.table("bad_number.csv"), "timer") end, "bad_number.csv line 3")
cs.expect_error(function() cs.keys.by(cs.table("bad_number.csv"), "timer") end, "\"ti\"")
cs.expect_error(function() cs.table("bad_code.csv") end, "0813")
cs.expect_error(function() cs.table("bad_both.csv") end, "both")
cs.expect_error(function() cs.table("no_such_file.csv") end, "no_such_file.csv")
cs.expect_error(function() cs.table("../../scenarios/brann_arsverk.csv") end, "below")
-- a member without a row: the run stops naming the member, the year, the file, and
-- the line the key was made at
cs.expect_error(function() cs.scenario("no row", { coop("Mangler", cs.keys.by(plain, "timer")) }):run { from = 2023, to = 2023 } end,
  "1815")
cs.expect_error(function() cs.scenario("no row", { coop("Mangler", cs.keys.by(plain, "timer")) }):run { from = 2023, to = 2023 } end,
  "missing_member.csv")
cs.expect_error(function() cs.scenario("no row", { coop("Mangler", cs.keys.by(plain, "timer")) }):run { from = 2023, to = 2023 } end,
  "was made at")

---------------------------------------------------------------------------
-- caps and floors: SPEC's example limits on a key of weights (round
-- numbers, so the figures can be followed by hand). Net 1 500 000; under
-- the key Oslo 900 000, Rana 300 000, Vefsn 150 000, Sømna 90 000, Træna
-- 57 000, Vevelstad 3 000. Rana is held at 200 000, Vevelstad raised to
-- 5 000; the rest, 1 295 000, goes to the others in proportion:
-- lambda = 1 295 000 / 1 197 000; Oslo 973 684.21 stays under its own
-- maximum of 1 000 000.

local WEIGHTS = { ["0301"] = 600, ["1833"] = 200, ["1824"] = 100, ["1812"] = 60, ["1835"] = 38, ["1816"] = 2 }
local capped = cs.keys.capped(cs.keys.weights { Oslo = 600, Rana = 200, Vefsn = 100, ["Sømna"] = 60, ["Træna"] = 38,
                                                Vevelstad = 2 },
  { max = 200000, min = 5000, max_for = { ["0301"] = 1000000 } })
local capcoop = cs.cooperation {
  name = "Tak og gulv", period = { from = "2023-01-01" },
  members = { "Oslo", "Rana", "Vefsn", "Sømna", "Træna", "Vevelstad" },
  costs = { { name = "Drift", amount = 1500000 } },
  key = capped,
}
local caps = cs.scenario("Tak", { capcoop })
local rc = caps:run { from = 2023, to = 2023 }
exact = {}
for code, w in pairs(WEIGHTS) do exact[code] = F(1500000 * w * 1295, 1000 * 1197) end
exact["1833"], exact["1816"] = F(200000), F(5000)
check(rc, 2023, exact, "capped")
cs.expect(rc:row("Rana", 2023).parts.cap, -100000, "Rana's part cap: 200 000 - 300 000")
cs.expect(tostring(rc:explain("Rana", 2023, { lang = "en" })):find("held at its maximum 200 000", 1, true) ~= nil, true,
  "the explanation of the cap")
cs.expect(tostring(rc:explain("Oslo", 2023, { lang = "en" })):find("goes to the 4 within their limits", 1, true) ~= nil, true,
  "where the excess went")
-- key.max sets the general maximum, not Oslo's own: at 300 000 Rana is held
-- no more, Vevelstad still raised: lambda = 1 495 000 / 1 497 000
local rc2 = caps:fork("max 300 000"):set("key.max", 300000):run { from = 2023, to = 2023 }
exact = {}
for code, w in pairs(WEIGHTS) do exact[code] = F(1500000 * w * 1495, 1000 * 1497) end
exact["1816"] = F(5000)
check(rc2, 2023, exact, "capped at 300 000")
-- every member at its maximum: the deficit
local deficit = cs.scenario("Underskudd", { cs.cooperation {
  name = "Alle på taket", period = { from = "2023-01-01" }, members = { "Sømna", "Brønnøy", "Vega" },
  costs = { { name = "Drift", amount = 100000 } },
  key = cs.keys.capped(cs.keys.population(), { max = 30000 }) } }):run { from = 2023, to = 2023 }
cs.expect(deficit:years()[1].sum_shares, 90000, "each at its maximum")
cs.expect(deficit:years()[1].balance, "-10000.00", "the year's deficit")
-- a cap that never binds: the linter warns (see the run's warnings)
cs.scenario("Aldri", { coop("Aldri", cs.keys.capped(cs.keys.equal(), { max = 90000 })) }):run { from = 2023, to = 2023 }
cs.expect_error(function() cs.keys.capped(capped, { max = 1 }) end, "capped already")
cs.expect_error(function() cs.keys.capped(cs.keys.equal(), { max = 1.5 }) end, "whole number")
cs.expect_error(function() cs.keys.capped(cs.keys.equal(), {}) end, "needs a limit")

---------------------------------------------------------------------------
-- population bands: SPEC's example, a fee by the population the row shows

local bands = cs.keys.bands { { upto = 5000, amount = 20000 }, { upto = 20000, amount = 50000, rate = 2 },
                              { amount = 100000 } }
local rb = cs.scenario("Bånd", { cs.cooperation {
  name = "Bånd", period = { from = "2023-01-01" }, members = { "Sømna", "Brønnøy", "Rana" },
  key = bands } }):run { from = 2023, to = 2023 }
cs.expect(rb:share("Sømna", 2023), 20000, "band 1")
cs.expect(rb:share("Brønnøy", 2023), 50000 + 2 * 7777, "band 2 with its rate")
cs.expect(rb:share("Rana", 2023), 100000, "band 3 (26 092 inhabitants)")
local rbc = cs.scenario("Bånd med tak", { cs.cooperation {
  name = "Bånd med tak", period = { from = "2023-01-01" }, members = { "Sømna", "Brønnøy", "Rana" },
  key = cs.keys.capped(bands, { max = 60000 }) } }):run { from = 2023, to = 2023 }
cs.expect(rbc:share("Brønnøy", 2023), 60000, "capped(bands) clamps the fee")
cs.expect(rbc:share("Sømna", 2023), 20000, "and nothing moves")
cs.expect_error(function() cs.keys.bands { { upto = 5000, amount = 1 }, { upto = 5000, amount = 2 }, { amount = 3 } } end,
  "band 2: upto 5 000 is not above band 1's upto 5 000")
cs.expect_error(function() cs.keys.bands { { upto = 5000, amount = 1 }, { amount = 2, upto = 9000 } } end,
  "the last band (2) has upto")
-- a band table written with `from`: the linter warns of a gap and an overlap
cs.keys.bands { { from = 0, upto = 5000, amount = 1 }, { from = 5002, upto = 9000, amount = 2 },
                { from = 8000, amount = 3 } }

---------------------------------------------------------------------------
-- services: each shares its own net cost and is rounded on its own

local svc = cs.cooperation {
  name = "Tjenester", period = { from = "2023-01-01" },
  members = { "Sømna", "Brønnøy", "Vega" },
  services = {
    { name = "brann", costs = { { name = "Beredskap", amount = 1000000 } },
      grants = { { name = "DSB", amount = 100000, from = 2023, to = 2023, covers = { "Beredskap" } } },
      key = cs.keys.population() },
    { name = "feiing", members = { "Sømna", "Brønnøy" }, costs = { { name = "Feiing", amount = 30001 } },
      key = cs.keys.equal() },
  },
}
local ss = cs.scenario("Tjenester", { svc })
local rs = ss:run { from = 2023, to = 2023 }
local brann = {}
for code, pop in pairs(POP) do brann[code] = F(900000 * pop, POP_ALL) end
local bk = round_shares(brann)
local fk = round_shares { ["1812"] = F(30001, 2), ["1813"] = F(30001, 2) }
cs.expect(rs:row("Sømna", 2023).services.brann, bk["1812"], "brann Sømna")
cs.expect(rs:row("Sømna", 2023).services.feiing, fk["1812"], "feiing Sømna")
cs.expect(rs:share("Sømna", 2023), bk["1812"] + fk["1812"], "Sømna: the sum of its service shares")
cs.expect(rs:share("Vega", 2023), bk["1815"], "Vega is in no feiing")
cs.expect(rs:row("Vega", 2023).services.feiing, nil, "Vega's services list brann only")
cs.expect(rs:row("Brønnøy", 2023).parts["feiing/equal"] ~= nil, true, "parts are named SERVICE/PART")
-- set_key and s:set name the service
local rs2 = ss:fork("feiing by population"):set_key(cs.keys.population(), 2023, "feiing"):run { from = 2023, to = 2023 }
local feiing = round_shares { ["1812"] = F(30001 * 1981, 1981 + 7777), ["1813"] = F(30001 * 7777, 1981 + 7777) }
cs.expect(rs2:row("Brønnøy", 2023).services.feiing, feiing["1813"], "feiing's own key from 2023")
cs.expect(rs2:row("Brønnøy", 2023).services.brann, bk["1813"], "brann's key unchanged")
cs.expect_error(function() ss:set_key(cs.keys.equal(), 2024) end, "has services: name the service")
cs.expect_error(function() ss:fork("x"):set_key(cs.keys.equal(), 2023, "sweep"):run { from = 2023, to = 2023 } end,
  "no service named \"sweep\"")
cs.expect_error(function() ss:fork("y"):set("brann/key.equal", 0.5):run { from = 2023, to = 2023 } end,
  "cannot vary")
cs.expect_error(function() cs.montecarlo { scenario = ss, from = 2023, to = 2023, draws = 10 } end,
  "does not take a cooperation with services")
cs.expect_error(function() cs.cooperation { name = "x", members = { "Vega" }, key = cs.keys.equal(),
  services = { { name = "a", key = cs.keys.equal() } } } end, "with services, key belong to each service")
cs.expect_error(function() cs.cooperation { name = "x", members = { "Vega" },
  services = { { name = "a", key = cs.keys.equal(), costs = { { name = "L", amount = 1 } } },
               { name = "b", key = cs.keys.equal(), costs = { { name = "L", amount = 2 } } } } } end,
  "is given twice (names are unique across services)")
cs.expect_error(function() cs.cooperation { name = "x", members = { "Vega" },
  services = { { name = "a", key = cs.keys.equal(), costs = { { name = "L", amount = 1 } } },
               { name = "b", key = cs.keys.equal(), grants = { { name = "G", amount = 1, from = 2023, to = 2023, covers = { "L" } } } } } } end,
  "a grant covers lines of its own service")

---------------------------------------------------------------------------
-- a payee that names a municipality is followed like a member (SPEC 7.1)

local pay = cs.cooperation {
  name = "Innherred", period = { from = "2019-01-01" }, members = { "Inderøy" }, payee = "Verran",
  costs = { { name = "Drift", amount = 1000 } }, key = cs.keys.equal(),
}
local rp = cs.scenario("Betaler", { pay }):run { from = 2019, to = 2020 }
cs.expect(rp:row("Inderøy", 2019).payee, "Verran", "the payee in 2019")
cs.expect(rp:row("Inderøy", 2020).payee, "Steinkjer", "merged into Steinkjer in 2020")

---------------------------------------------------------------------------
-- a comparison by territory groups a split member with its successors

local aal = cs.cooperation {
  name = "Sunnmøre", period = { from = "2023-01-01" }, members = { "Ålesund", "Giske" },
  costs = { { name = "Drift", amount = 10000 } }, key = cs.keys.equal(),
}
local ra = cs.scenario("Ålesund", { aal }):run { from = 2023, to = 2024 }
local lines = cs.compare(ra, { by = "territory" }):rows()
local seen = {}
for _, l in ipairs(lines) do seen[l.year .. " " .. l.code] = l end
cs.expect(seen["2023 1508 + 1580"] ~= nil, true, "1507 in 2023 counts under 1508 + 1580")
cs.expect(seen["2024 1508 + 1580"] ~= nil, true, "1508 and 1580 in 2024 count as one group")
cs.expect(seen["2024 1508 + 1580"].shares[1], ra:share("1508", 2024) + ra:share("1580", 2024), "the group's shares summed")
cs.expect(seen["2023 1508 + 1580"].shares[1], ra:share("1507", 2023), "1507's share in the group")
cs.expect(seen["2024 1508 + 1580"].name, "Ålesund + Haram", "the group's names")

---------------------------------------------------------------------------
-- goal seek and decomposition with a mix and with services (SPEC 7.2
-- "Analysis"): key.PART of a mix of three parts scales the other two

local W = { ["1812"] = 1, ["1813"] = 2, ["1815"] = 5 } -- the weights, 8 together
local mix3 = coop("Tre deler", cs.keys.mix { { 0.2, cs.keys.equal() }, { 0.3, cs.keys.population() },
  { 0.5, cs.keys.weights { ["Sømna"] = 1, ["Brønnøy"] = 2, Vega = 5 } } }, 900000)
local sm = cs.scenario("Tre deler", { mix3 })
-- shares of 900 000 with fractions e, p, w of equal, population and weights
local function mix_shares(e, p, w)
  local exact = {}
  for code, pop in pairs(POP) do
    exact[code] = mul(F(900000), add(add(mul(e, F(1, 3)), mul(p, F(pop, POP_ALL))), mul(w, F(W[code], 8))))
  end
  return round_shares(exact)
end
local before = mix_shares(F(1, 5), F(3, 10), F(1, 2))
-- key.weights = 0.4 scales equal and population by 0.6 / 0.5 (0.24, 0.36);
-- then key.equal = 0.3 scales those two by 0.7 / 0.76
local after = mix_shares(F(3, 10), F(36 * 70, 100 * 76), F(40 * 70, 100 * 76))
local sv = sm:fork("Vekter 40 %, likt 30 %"):set("key.weights", 0.4):set("key.equal", 0.3)
local d = cs.decompose(sm, sv, { from = 2023, to = 2023 })
for _, row in ipairs(d.rows) do
  cs.expect(row.base, before[row.code], "decomposition base " .. row.code)
  cs.expect(row.variant, after[row.code], "decomposition variant " .. row.code)
  cs.expect(row.parts[1] + row.parts[2], after[row.code] - before[row.code], "the parts sum to the change " .. row.code)
end
-- goal seek on the mix's equal part: the value found gives the share sought
local v, got = cs.solve { scenario = sm, vary = "key.equal", member = "Vega", year = 2023, target = 350000 }
cs.expect(got, 350000, "goal seek reaches Vega's target")
cs.expect(sm:fork("x"):set("key.equal", v):run { from = 2023, to = 2023 }:share("Vega", 2023), 350000,
  "the value found, set by hand")
-- with services: a service's part by its path
local two = cs.cooperation {
  name = "To tjenester", period = { from = "2023-01-01" }, members = { "Sømna", "Brønnøy", "Vega" },
  services = { { name = "a", costs = { { name = "A", amount = 100000 } }, key = cs.keys.split { equal = 0.5, population = 0.5 } },
               { name = "b", costs = { { name = "B", amount = 50000 } }, key = cs.keys.population() } },
}
local st = cs.scenario("To tjenester", { two })
local v2, got2 = cs.solve { scenario = st, vary = "a/key.equal", member = "Vega", year = 2023, target = 30000 }
cs.expect(got2, 30000, "goal seek in a service")
local b_vega = round_shares { ["1812"] = F(50000 * 1981, POP_ALL), ["1813"] = F(50000 * 7777, POP_ALL),
                              ["1815"] = F(50000 * 1175, POP_ALL) }["1815"]
cs.expect(st:fork("y"):set("a/key.equal", v2):run { from = 2023, to = 2023 }:row("Vega", 2023).services.b, b_vega,
  "the other service untouched")
