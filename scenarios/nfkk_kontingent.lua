-- A fee by population band: NFKK's membership fee for municipalities
-- (nfkk.no, "Bli medlem"): up to 2 000 inhabitants 25 000 kr; 2 001 to
-- 5 000 30 000; 5 001 to 7 500 35 000; 7 501 to 10 000 40 000; over 10 000
-- 45 000 (adjusted each 1 May by the change in the national insurance base
-- amount G, which this scenario leaves out: the 2023 fee at the published
-- rates, an assumption, labelled).
--
-- Six Helgeland municipalities, one or more in every band, by their
-- inhabitants on 1 January 2022 (SSB table 07459, as in seed 004's
-- Vedlegg 2): Træna 450, Sømna 1 981, Hemnes 4 420, Alstahaug 7 333,
-- Brønnøy 7 777, Vefsn 13 233. The bands are written as NFKK's table writes
-- them, each from and up to (the linter would warn of a gap or overlap).
local cs = coopsim

local nfkk = cs.keys.bands {
  { from = 0, upto = 2000, amount = 25000 },
  { from = 2001, upto = 5000, amount = 30000 },
  { from = 5001, upto = 7500, amount = 35000 },
  { from = 7501, upto = 10000, amount = 40000 },
  { from = 10001, amount = 45000 },
  label = "NFKK medlemskontingent",
  source = "nfkk.no: Bli medlem (medlemskontingent etter innbyggertall)",
  assumption = "the published rates, without the yearly adjustment by G; inhabitants on 1 January of the year before",
}

local members = cs.cooperation {
  name = "NFKK-medlemmer på Helgeland",
  period = { from = "2023-01-01" },
  payee = "NFKK",
  members = { "Træna", "Sømna", "Hemnes", "Alstahaug", "Brønnøy", "Vefsn" },
  key = nfkk,
}

local base = cs.scenario("Kontingent 2023", { members })
local r = base:run { from = 2023, to = 2023 }
print(r)
print(r:explain("Brønnøy", 2023))

-- the band of each population, worked out here
local BANDS = { { 2000, 25000 }, { 5000, 30000 }, { 7500, 35000 }, { 10000, 40000 }, { math.maxinteger, 45000 } }
local function fee(pop)
  for _, b in ipairs(BANDS) do
    if pop <= b[1] then return b[2] end
  end
end
local POP = { ["1835"] = 450, ["1812"] = 1981, ["1832"] = 4420, ["1820"] = 7333, ["1813"] = 7777,
              ["1824"] = 13233 }
local sum = 0
for code, pop in pairs(POP) do
  cs.expect(r:row(code, 2023).population, pop, "inhabitants of " .. code)
  cs.expect(r:share(code, 2023), fee(pop), "fee of " .. code)
  sum = sum + fee(pop)
end
cs.expect(r:years()[1].sum_shares, sum, "the year's fees: what they are, no cost to cover")

-- Hemnes grown past 5 000 pays the next band's fee; Vefsn leaving makes no
-- other member's fee change (a fee, not a share of a cost)
local grown = base:fork("Hemnes 5 001"):population("Hemnes", { [2022] = 5001 })
cs.expect(grown:run { from = 2023, to = 2023 }:share("Hemnes", 2023), fee(5001), "Hemnes in the next band")
local without = base:fork("Vefsn går ut"):withdraw("Vefsn", "2021-06-01")
local r3 = without:run { from = 2023, to = 2023 }
cs.expect(r3:share("Vefsn", 2023), nil, "Vefsn gone")
cs.expect(r3:share("Brønnøy", 2023), fee(7777), "Brønnøy's fee is its own")

-- Monte Carlo on the bands: without uncertainty every draw is the exact fee
local mc = cs.montecarlo { scenario = base, from = 2023, to = 2023, draws = 200, seed = 3,
                           vary = { population_growth = { sd = 0 } }, progress = false }
for code, pop in pairs(POP) do
  local row = mc:row(code, 2023)
  cs.expect(row.p5 == fee(pop) and row.p95 == fee(pop) and row.mean == fee(pop), true,
    "the draws of " .. code .. " are its fee")
end
-- a 10 % spread: Alstahaug (7 333) sometimes crosses 7 500, Træna never leaves the first band
local spread = cs.montecarlo { scenario = base, from = 2023, to = 2023, draws = 2000, seed = 3,
                               vary = { population_growth = { sd = 0.1 } }, progress = false }
cs.expect(spread:row("Træna", 2023).p95, 25000, "Træna stays in the first band")
cs.expect(spread:row("Alstahaug", 2023).p95, 40000, "Alstahaug crosses 7 500 in some draws")
cs.expect(spread:row("Alstahaug", 2023).p5, 35000, "and stays below in others")
