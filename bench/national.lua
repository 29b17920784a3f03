-- national.lua: every Norwegian municipality of 2024 (357) in cooperations
-- of 10-30 members, 30 budget years (2024-2053), a baseline and 8 variants
-- compared with cs.compare. The benchmark (c) of `make bench`; the same
-- computation in plain Lua is bench/national_reference.lua.
--
-- Members are grouped by county (the first two digits of the code), in code
-- order: a county of more than 30 is split into equal chunks, one of fewer
-- than 10 joins the next county. Costs, grants and keys vary by cooperation
-- (a split key, a population key or an equal key; a state grant for every
-- third), so every kind of work the engine does is exercised. Populations
-- past SSB's last year (1 January 2026) are projected at 0.5 % a year.
--
-- It does what the reference does, no more: the figures are checked outside
-- the timing, where bench/run.sh finds every one of the 96 246 member-years
-- equal to the reference's.
local cs = coopsim

local codes = {
  "0301",
  "1101", "1103", "1106", "1108", "1111", "1112", "1114", "1119", "1120", "1121", "1122", "1124",
  "1127", "1130", "1133", "1134", "1135", "1144", "1145", "1146", "1149", "1151", "1160",
  "1505", "1506", "1508", "1511", "1514", "1515", "1516", "1517", "1520", "1525", "1528", "1531",
  "1532", "1535", "1539", "1547", "1554", "1557", "1560", "1563", "1566", "1573", "1576", "1577",
  "1578", "1579", "1580",
  "1804", "1806", "1811", "1812", "1813", "1815", "1816", "1818", "1820", "1822", "1824", "1825",
  "1826", "1827", "1828", "1832", "1833", "1834", "1835", "1836", "1837", "1838", "1839", "1840",
  "1841", "1845", "1848", "1851", "1853", "1856", "1857", "1859", "1860", "1865", "1866", "1867",
  "1868", "1870", "1871", "1874", "1875",
  "3101", "3103", "3105", "3107", "3110", "3112", "3114", "3116", "3118", "3120", "3122", "3124",
  "3201", "3203", "3205", "3207", "3209", "3212", "3214", "3216", "3218", "3220", "3222", "3224",
  "3226", "3228", "3230", "3232", "3234", "3236", "3238", "3240", "3242",
  "3301", "3303", "3305", "3310", "3312", "3314", "3316", "3318", "3320", "3322", "3324", "3326",
  "3328", "3330", "3332", "3334", "3336", "3338",
  "3401", "3403", "3405", "3407", "3411", "3412", "3413", "3414", "3415", "3416", "3417", "3418",
  "3419", "3420", "3421", "3422", "3423", "3424", "3425", "3426", "3427", "3428", "3429", "3430",
  "3431", "3432", "3433", "3434", "3435", "3436", "3437", "3438", "3439", "3440", "3441", "3442",
  "3443", "3446", "3447", "3448", "3449", "3450", "3451", "3452", "3453", "3454",
  "3901", "3903", "3905", "3907", "3909", "3911",
  "4001", "4003", "4005", "4010", "4012", "4014", "4016", "4018", "4020", "4022", "4024", "4026",
  "4028", "4030", "4032", "4034", "4036",
  "4201", "4202", "4203", "4204", "4205", "4206", "4207", "4211", "4212", "4213", "4214", "4215",
  "4216", "4217", "4218", "4219", "4220", "4221", "4222", "4223", "4224", "4225", "4226", "4227",
  "4228",
  "4601", "4602", "4611", "4612", "4613", "4614", "4615", "4616", "4617", "4618", "4619", "4620",
  "4621", "4622", "4623", "4624", "4625", "4626", "4627", "4628", "4629", "4630", "4631", "4632",
  "4633", "4634", "4635", "4636", "4637", "4638", "4639", "4640", "4641", "4642", "4643", "4644",
  "4645", "4646", "4647", "4648", "4649", "4650", "4651",
  "5001", "5006", "5007", "5014", "5020", "5021", "5022", "5025", "5026", "5027", "5028", "5029",
  "5031", "5032", "5033", "5034", "5035", "5036", "5037", "5038", "5041", "5042", "5043", "5044",
  "5045", "5046", "5047", "5049", "5052", "5053", "5054", "5055", "5056", "5057", "5058", "5059",
  "5060", "5061",
  "5501", "5503", "5510", "5512", "5514", "5516", "5518", "5520", "5522", "5524", "5526", "5528",
  "5530", "5532", "5534", "5536", "5538", "5540", "5542", "5544", "5546",
  "5601", "5603", "5605", "5607", "5610", "5612", "5614", "5616", "5618", "5620", "5622", "5624",
  "5626", "5628", "5630", "5632", "5634", "5636",
}

-- group by county, 10-30 members each
local groups, pending = {}, {}
local function flush(list)
  local k = (#list + 29) // 30
  local size = #list // k
  local extra = #list % k
  local i = 1
  for c = 1, k do
    local n = size + (c <= extra and 1 or 0)
    local g = {}
    for j = i, i + n - 1 do g[#g + 1] = list[j] end
    groups[#groups + 1] = g
    i = i + n
  end
end
for i, code in ipairs(codes) do
  pending[#pending + 1] = code
  local next_code = codes[i + 1]
  if not next_code or next_code:sub(1, 2) ~= code:sub(1, 2) then
    if #pending >= 10 or not next_code then
      flush(pending)
      pending = {}
    end
  end
end

local north = { ["18"] = true, ["55"] = true, ["56"] = true }
local keys = {
  cs.keys.split { equal = 0.2, population = 0.8 },
  cs.keys.population(),
  cs.keys.split { equal = 0.3, population = 0.7, label = "30/70" },
  cs.keys.equal(),
}
local coops = {}
for i, g in ipairs(groups) do
  local grants = {}
  if i % 3 == 1 then
    grants[1] = { name = "Statstilskudd", amount = 400000, from = 2024, to = 2030 }
  end
  coops[i] = cs.cooperation {
    name = string.format("Samarbeid %02d (%s)", i, g[1]:sub(1, 2)),
    host = g[1],
    period = { from = "2024-01-01" },
    members = g,
    costs = {
      { name = "Lønn", amount = 600000 + 50000 * #g, growth = "wage" },
      { name = "Pensjon", rate = 0.21, of = { "Lønn" } },
      { name = "Arbeidsgiveravgift", rate = north[g[1]:sub(1, 2)] and 0.051 or 0.141, of = { "Lønn", "Pensjon" } },
      { name = "Drift", amount = 150000 + 10000 * (i % 5), growth = "price" },
    },
    grants = grants,
    key = keys[(i - 1) % #keys + 1],
    population_date = "jan1_previous_year",
    notice = { months = 12, from = "next_jan1" },
    growth = { wage = 0.035, price = 0.025 },
  }
end

local base = cs.scenario("Baseline", coops):population(cs.projection.growth(0.005))
local variants = {
  base:fork("Grant ends 2026"):end_grant("Statstilskudd", 2026),
  base:fork("Oslo withdraws"):withdraw("0301", "2025-05-01"),
  base:fork("Five withdraw"):withdraw("1103", "2026-03-01"):withdraw("1833", "2027-06-30")
    :withdraw("3403", "2029-01-15"):withdraw("4601", "2030-09-01"):withdraw("5001", "2031-02-01"),
  base:fork("Key 50/50 from 2030"):set_key(cs.keys.split { equal = 0.5, population = 0.5 }, 2030),
  base:fork("Grant extended to 2040"):extend_grant("Statstilskudd", 2040),
  base:fork("Wage growth 5 %"):growth { wage = 0.05 },
  base:fork("Price growth 4 %"):growth { price = 0.04 },
  base:fork("Running costs cut 2028"):set_cost("Drift", 100000, 2028),
}

local from, to = 2024, 2053
local runs = { base:run { from = from, to = to } }
for _, v in ipairs(variants) do runs[#runs + 1] = v:run { from = from, to = to } end
local cmp = cs.compare(table.unpack(runs))

-- the comparison, summed: every run's total in some years, and the largest
-- rise for one member against the baseline
local years = { 2024, 2030, 2040, 2053 }
local totals, changes = cmp:totals(), cmp:changes()
print(string.format("%d municipalities in %d cooperations, %d-%d, %d runs", #codes, #coops, from, to, #runs))
local header = { "run" }
for _, y in ipairs(years) do header[#header + 1] = "total " .. y end
header[#header + 1] = "largest rise for one member"
local cells, right = {}, { false, true, true, true, true, false }
for ri, run in ipairs(runs) do
  local c = { run.name }
  for _, y in ipairs(years) do c[#c + 1] = cs.report.int(totals[ri][y]) end
  local w = changes[ri] and changes[ri].rise
  c[#c + 1] = w and string.format("%s kr, %s %s in %d", cs.report.int(w.diff), w.code, w.name, w.year) or ""
  cells[#cells + 1] = c
end
print(cs.report.table(header, cells, right))

