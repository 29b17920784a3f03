-- A capped membership fee: KS's fee (kontingent) for municipalities in
-- 2020, as KS publishes it (ks.no, "Medlemskontingent", "Satser 2020"):
-- a base amount for each municipality (grunnbeløp) 108 142 kr plus the
-- ordinary fee of 36,15 kr per inhabitant, at most 9 133 121 kr (Oslo,
-- which pays as a municipality only, has a maximum of its own,
-- 16 398 104 kr); and apart from it a fee for research and development
-- (FoU) of 6,02 kr per inhabitant, "held outside the maximum". Two services
-- of one agreement: the capped fee and the FoU fee.
--
-- Which inhabitants KS counts is not in the page: this scenario takes 1
-- January of the year before (an assumption, labelled), SSB's figures
-- (table 07459) for the municipalities as they are in 2020: Oslo 681 071,
-- Bergen (4601, 1201 before 2020) 281 190, Trondheim (5001 with Klæbu, as
-- from 2020) 196 159 + 6 076, Rana 26 315, Træna 456, Utsira 196. The
-- figures below are checked against fees worked out here in whole øre.
local cs = coopsim

local SOURCE = "ks.no: Medlemskontingent, satser 2020 (grunnbeløp, kontingent per innbygger, maksimumskontingent)"
local ASSUMED = "inhabitants on 1 January of the year before the fee year (KS's page does not say which day)"

local ks = cs.cooperation {
  name = "KS medlemskontingent",
  period = { from = "2020-01-01", to = "2020-12-31" },
  payee = "KS",
  members = { "Oslo", "Bergen", "Trondheim", "Rana", "Træna", "Utsira" },
  population_date = "jan1_previous_year",
  services = {
    { name = "kontingent",
      key = cs.keys.capped(cs.keys.base_plus_rate { base = 108142, rate = 36.15 },
        { max = 9133121, max_for = { Oslo = 16398104 }, label = "KS-kontingent",
          source = SOURCE, assumption = ASSUMED }) },
    { name = "FoU",
      key = cs.keys.per_capita { rate = 6.02, label = "FoU-kontingent", source = SOURCE,
        assumption = ASSUMED } },
  },
}

local base = cs.scenario("Satser 2020", { ks })
local r = base:run { from = 2020, to = 2020 }
print(r)
print(r:explain("Bergen", 2020))

-- ---- the fees worked out here, in øre -----------------------------------
local POP = { ["0301"] = 681071, ["4601"] = 281190, ["5001"] = 196159 + 6076,
              ["1833"] = 26315, ["1835"] = 456, ["1151"] = 196 }
local CODES = { "0301", "1151", "1833", "1835", "4601", "5001" } -- in the order ties go

-- Whole kroner from exact øre by largest remainder: the rounded shares sum
-- to the exact sum rounded; ties go to the lower code.
local function largest_remainder(ore)
  local sum, kr, rest = 0, {}, {}
  for _, c in ipairs(CODES) do
    sum = sum + ore[c]
    kr[c] = ore[c] // 100
    rest[#rest + 1] = { code = c, r = ore[c] % 100 }
  end
  local target, floors = (sum + 50) // 100, 0
  for _, c in ipairs(CODES) do floors = floors + kr[c] end
  table.sort(rest, function(a, b) if a.r ~= b.r then return a.r > b.r end return a.code < b.code end)
  for i = 1, target - floors do kr[rest[i].code] = kr[rest[i].code] + 1 end
  return kr
end

local fee, fou = {}, {}
for code, pop in pairs(POP) do
  local max = code == "0301" and 16398104 or 9133121
  fee[code] = math.min(10814200 + 3615 * pop, max * 100)
  fou[code] = 602 * pop
end
local KS, FOU = largest_remainder(fee), largest_remainder(fou)
cs.expect(KS["0301"], 16398104, "Oslo at its own maximum")
cs.expect(KS["4601"], 9133121, "Bergen at the maximum (108 142 + 36,15 x 281 190 = 10 273 160,50)")
for _, code in ipairs(CODES) do
  local row = r:row(code, 2020)
  cs.expect(row.services.kontingent, KS[code], "kontingent " .. code)
  cs.expect(row.services.FoU, FOU[code], "FoU " .. code)
  cs.expect(r:share(code, 2020), KS[code] + FOU[code], "the whole fee " .. code)
end
cs.expect(r:row("Trondheim", 2020).population, 202235, "Trondheim with Klæbu's territory")
cs.expect(r:row("Rana", 2020).payee, "KS", "KS invoices")
-- a fee: what the members pay is what it is; there is no cost to cover
local y = r:years()[1]
cs.expect(y.sum_shares, KS["0301"] + KS["4601"] + KS["5001"] + KS["1833"] + KS["1835"] + KS["1151"] +
  FOU["0301"] + FOU["4601"] + FOU["5001"] + FOU["1833"] + FOU["1835"] + FOU["1151"], "the year's fees")
cs.expect(y.keys[1].clamped, 2, "the maximum holds Oslo and Bergen")
cs.expect(y.keys[2].key_nb, "6,02 per innbygger", "the FoU fee in bokmål")

-- a higher maximum: Bergen pays its whole fee; nothing moves to the others
local higher = base:fork("Maksimum 10,5 mill"):set("kontingent/key.max", 10500000)
local r2 = higher:run { from = 2020, to = 2020 }
print(cs.compare(r, r2))
fee["4601"] = 10814200 + 3615 * POP["4601"]
local KS2 = largest_remainder(fee)
cs.expect(r2:row("Bergen", 2020).services.kontingent, KS2["4601"], "Bergen under the higher maximum")
cs.expect(r2:row("Oslo", 2020).services.kontingent, 16398104, "Oslo keeps its own maximum")
cs.expect(r2:share("Rana", 2020), r:share("Rana", 2020), "a fee: the others pay the same")
cs.expect_error(function() base:fork("x"):set("key.max", 1):run { from = 2020, to = 2020 } end,
  "has services: name the service in the path")
