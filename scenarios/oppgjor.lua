-- Avregning: the money cycle of a shared child welfare service (SPEC 7.3).
--
-- Barneverntjenesten for Vefsn, Grane og Hattfjelldal: Vefsn is the host
-- (vertskommune) and runs the service for all three from 1 January 2022.
-- The figures are an example, not the service's real budget or accounts:
-- a budget of 10 650 000 kr (pay 9 400 000, running costs 1 250 000) less a
-- state grant of 600 000, shared 20 % equally and 80 % by inhabitants on
-- 1 January of the year before (SSB, table 07459). Vefsn invoices a-konto
-- quarterly (31 January, 30 April, 31 July, 31 October), closes its accounts
-- in February and settles the difference between the actual net cost and
-- the budgeted one with every member on the next year's first invoice.
--
-- The accounts: 2022 (settled on the 2023 invoice; 2022 is before the run
-- and computed only for that), 2023 (11 012 345.40 kr, the grant as
-- budgeted) and 2024 (10 380 000 kr, a grant of only 450 000). Two variants:
-- Hattfjelldal gives notice on 1 May 2023 (12 months from 1 January: 2024 is
-- its last year, so in 2025 it is invoiced only its settlement for 2024),
-- and Grane and Hattfjelldal merge into "Indre Helgeland" on 1 January 2025
-- (the merged municipality is invoiced both settlements for 2024).
--
-- Every figure is checked below against shares worked out here in whole
-- øre as exact fractions, not against coopsim's output.
local cs = coopsim

local tjenesten = cs.cooperation {
  name = "Barneverntjenesten Vefsn, Grane og Hattfjelldal",
  host = "Vefsn",
  period = { from = "2022-01-01" },
  members = { "Vefsn", "Grane", "Hattfjelldal" },
  costs = {
    { name = "Lønn og sosiale kostnader", amount = 9400000 },
    { name = "Drift", amount = 1250000 },
  },
  grants = { { name = "Statstilskudd", amount = 600000, from = 2022, to = 2025 } },
  key = cs.keys.split { equal = 0.20, population = 0.80,
                        source = "example agreement: 20 % equal, 80 % by inhabitants" },
  population_date = "jan1_previous_year",
  notice = { months = 12, from = "next_jan1" },
  invoices = { "01-31", "04-30", "07-31", "10-31" },
  settle = "next_year",
}

local base = cs.scenario("Økonomiplan med årsregnskap", { tjenesten })
base:accounts(2022, { cost = 10820000, grants = 600000 })
base:accounts(2023, { cost = 11012345.40, grants = 600000 })
base:accounts(2024, { cost = 10380000, grants = 450000 })
local leaves = base:fork("Hattfjelldal går ut (særskilt avregning)"):withdraw("Hattfjelldal", "2023-05-01")
local merged = base:fork("Indre Helgeland"):merge({ "Grane", "Hattfjelldal" }, "Indre Helgeland", "2025-01-01")

local r0 = base:run { from = 2023, to = 2025 }
local r1 = leaves:run { from = 2023, to = 2025 }
local r2 = merged:run { from = 2023, to = 2025 }
print(r1)
print()
print(cs.compare(r0, r1, r2))
print()
print(r1:explain("Hattfjelldal", 2024))
print(r1:explain("Hattfjelldal", 2025))

-- ---- worked out here ------------------------------------------------------
local VEFSN, GRANE, HATT = "1824", "1825", "1826"
-- inhabitants on 1 January (SSB 07459), by the year they are read for
local POP = {
  [2022] = { [VEFSN] = 13268, [GRANE] = 1453, [HATT] = 1267 }, -- 2021-01-01
  [2023] = { [VEFSN] = 13233, [GRANE] = 1461, [HATT] = 1273 }, -- 2022-01-01
  [2024] = { [VEFSN] = 13342, [GRANE] = 1454, [HATT] = 1278 }, -- 2023-01-01
  [2025] = { [VEFSN] = 13469, [GRANE] = 1447, [HATT] = 1284 }, -- 2024-01-01
}
local BUDGET = (9400000 + 1250000 - 600000) * 100 -- net cost in øre, every year
local ACTUAL = { [2022] = (10820000 - 600000) * 100, [2023] = 1101234540 - 60000000,
                 [2024] = (10380000 - 450000) * 100 }

-- The shares of net (øre) among pops ({ [code] = inhabitants }): member i's
-- exact share net x (P + 4 n p_i) / (5 n P) øre (20 % equally, 80 % by
-- inhabitants), in whole kroner by largest remainder, so that they sum to
-- the net cost rounded to kroner; equal remainders go to the lower code.
local function shares(net, pops)
  local codes, n, P = {}, 0, 0
  for code, p in pairs(pops) do codes[#codes + 1] = code; n = n + 1; P = P + p end
  table.sort(codes)
  local D = 5 * n * P * 100 -- øre -> kroner
  local kr, rest, floors = {}, {}, 0
  for _, c in ipairs(codes) do
    local num = net * (P + 4 * n * pops[c])
    kr[c] = num // D
    floors = floors + kr[c]
    rest[#rest + 1] = { code = c, r = num % D }
  end
  local target = (net + 50) // 100 -- no net cost here ends in 50 øre
  table.sort(rest, function(a, b) if a.r ~= b.r then return a.r > b.r end return a.code < b.code end)
  for i = 1, target - floors do kr[rest[i].code] = kr[rest[i].code] + 1 end
  return kr
end

local function without(pops, code)
  local t = {}
  for c, p in pairs(pops) do if c ~= code then t[c] = p end end
  return t
end

-- a member's quarterly instalments of a share: whole kroner, the first
-- ones taking the remaining kroner; the settlement on the first
local function quarters(share, settlement, year)
  local q, r = share // 4, share % 4
  local out = {}
  for i, d in ipairs { "01-31", "04-30", "07-31", "10-31" } do
    out[i] = { due = year .. "-" .. d, amount = q + (i <= r and 1 or 0) }
  end
  out[1].amount = out[1].amount + settlement
  return out
end

local function check_invoices(r, code, year, share, settlement, what)
  local got = r:invoices(code, year)
  local want = quarters(share, settlement, year)
  cs.expect(#got, 4, what .. ": four instalments")
  for i = 1, 4 do
    cs.expect(got[i] and got[i].due, want[i].due, what .. ": instalment " .. i .. " due")
    cs.expect(got[i] and got[i].amount, want[i].amount, what .. ": instalment " .. i)
  end
  cs.expect(got[1] and #got[1].lines, settlement ~= 0 and 2 or 1, what .. ": lines of the first instalment")
end

-- ---- the base: every member every year ------------------------------------
local MEMBERS = { VEFSN, GRANE, HATT }
local diff = {}
for year = 2022, 2024 do
  local b, a = shares(BUDGET, POP[year]), shares(ACTUAL[year], POP[year])
  diff[year] = {}
  for _, c in ipairs(MEMBERS) do diff[year][c] = a[c] - b[c] end
end
-- the differences sum to the rounded actual net cost less the budget's
cs.expect(diff[2023][VEFSN] + diff[2023][GRANE] + diff[2023][HATT], 10412345 - 10050000, "2023 differences sum")
cs.expect(diff[2024][VEFSN] + diff[2024][GRANE] + diff[2024][HATT], 9930000 - 10050000, "2024 differences sum")

for year = 2023, 2025 do
  local b = shares(BUDGET, POP[year])
  for _, c in ipairs(MEMBERS) do
    local what = string.format("base %d %s", year, c)
    local row = r0:row(c, year)
    cs.expect(row.population, POP[year][c], what .. ": population")
    cs.expect(row.total, b[c], what .. ": share")
    cs.expect(row.difference, diff[year] and diff[year][c], what .. ": difference")
    cs.expect(row.settlement, diff[year - 1][c], what .. ": settlement of " .. (year - 1))
    cs.expect(row.invoice, b[c] + diff[year - 1][c], what .. ": invoice")
    if c == VEFSN then
      cs.expect(#r0:invoices(c, year), 0, what .. ": the host invoices no one for itself")
    else
      check_invoices(r0, c, year, b[c], diff[year - 1][c], what)
    end
  end
end
local y2023 = r0:years()[1]
cs.expect(y2023.actual_cost, "11012345.40", "2023 actual cost")
cs.expect(y2023.actual_net, "10412345.40", "2023 actual net cost")
cs.expect(r0:years()[2].actual_grants, "450000.00", "2024 actual grants")
cs.expect(r0:years()[3].actual_net, nil, "2025 has no accounts")

-- ---- Hattfjelldal leaves after 2024 -----------------------------------------
local b25 = shares(BUDGET, without(POP[2025], HATT))
for _, c in ipairs { VEFSN, GRANE } do
  local row = r1:row(c, 2025)
  cs.expect(row.total, b25[c], "leaves 2025 " .. c .. ": share among two")
  cs.expect(row.invoice, b25[c] + diff[2024][c], "leaves 2025 " .. c .. ": invoice")
end
check_invoices(r1, GRANE, 2025, b25[GRANE], diff[2024][GRANE], "leaves 2025 Grane")
local gone = r1:row(HATT, 2025)
cs.expect(r1:share(HATT, 2025), nil, "Hattfjelldal has no share in 2025")
cs.expect(gone.settlement_only, true, "Hattfjelldal's 2025 row is its settlement only")
cs.expect(gone.settlement, diff[2024][HATT], "Hattfjelldal settles 2024 in 2025")
cs.expect(gone.invoice, diff[2024][HATT], "Hattfjelldal's 2025 invoice")
local inv = r1:invoices(HATT, 2025)
cs.expect(#inv, 1, "one invoice for the settlement")
cs.expect(inv[1].due, "2025-01-31", "due with the first instalment")
cs.expect(inv[1].amount, diff[2024][HATT], "its amount")
cs.expect(inv[1].lines[1].kind, "settlement", "a settlement line")
cs.expect(inv[1].lines[1].settles, 2024, "settling 2024")
cs.expect(r1:years()[3].members, 2, "two members in 2025")
-- 2023 and 2024 as the base: notice changes nothing before 2025
cs.expect(r1:row(HATT, 2024).invoice, r0:row(HATT, 2024).invoice, "Hattfjelldal 2024 as the base")

-- ---- Grane and Hattfjelldal merge on 1 January 2025 -------------------------
local pops = { [VEFSN] = POP[2025][VEFSN], IH = POP[2025][GRANE] + POP[2025][HATT] }
local m25 = shares(BUDGET, pops)
local ih = r2:row("H001", 2025) -- a hypothetical merger's code
cs.expect(ih and ih.population, POP[2025][GRANE] + POP[2025][HATT], "Indre Helgeland's inhabitants")
cs.expect(ih and ih.total, m25.IH, "Indre Helgeland's share")
cs.expect(ih and ih.settlement, diff[2024][GRANE] + diff[2024][HATT], "both settlements for 2024")
cs.expect(r2:row(VEFSN, 2025).total, m25[VEFSN], "Vefsn's share beside Indre Helgeland")
