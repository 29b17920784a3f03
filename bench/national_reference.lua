-- national_reference.lua: the computation of bench/national.lua in plain
-- Lua 5.4, as a programmer coming from the spreadsheet would write it: read
-- populations, changes and split fractions from coopsim's shipped CSV files
-- (data/), group the 357 municipalities of 2024 into the same cooperations,
-- run the baseline and the 8 variants for 2024-2053 in floating point with
-- largest-remainder rounding, compare them with the baseline and print the
-- same summary.
--
--   lua5.4 bench/national_reference.lua [DATA_DIR] [--totals]
--
-- --totals prints "scenario,cooperation,year,code,total" lines for checking
-- against coopsim's rows. The reference for `make bench` (c).

local data_dir, totals_only = "data", false
for _, a in ipairs(arg) do
  if a == "--totals" then totals_only = true else data_dir = a end
end

local function read_csv(name)
  local rows, header = {}, nil
  for line in io.lines(data_dir .. "/" .. name) do
    local cells = {}
    for cell in (line .. ","):gmatch("([^,]*),") do cells[#cells + 1] = cell end
    if not header then header = cells else rows[#rows + 1] = cells end
  end
  return rows
end

local population = {}
for _, r in ipairs(read_csv("population.csv")) do
  local y = tonumber(r[1])
  population[y] = population[y] or {}
  population[y][r[2]] = tonumber(r[3])
end
local last_year = 0
for y in pairs(population) do if y > last_year then last_year = y end end

local names = {}
for _, r in ipairs(read_csv("municipalities.csv")) do
  names[r[1]] = names[r[1]] or {}
  table.insert(names[r[1]], { name = r[2], from = r[3], to = r[4] ~= "" and r[4] or "9999-12-31" })
end
local function name_at(code, date)
  for _, p in ipairs(names[code] or {}) do
    if p.from <= date and date < p.to then return p.name end
  end
  return code
end

-- the 2024 reform renumbered and split municipalities: their 1 January 2023
-- population is the sum of their predecessors' (a split by its fraction)
local fraction = {}
for _, r in ipairs(read_csv("split_fractions.csv")) do fraction[r[1] .. r[2] .. r[3]] = tonumber(r[4]) end
local before = {}
for _, r in ipairs(read_csv("changes.csv")) do
  if r[1] == "2024-01-01" and r[2] ~= r[4] then
    before[r[4]] = before[r[4]] or {}
    table.insert(before[r[4]], { old = r[2], f = fraction[r[1] .. r[2] .. r[4]] or 1 })
  end
end
local function round(x) return x >= 0 and math.floor(x + 0.5) or -math.floor(-x + 0.5) end
local function pop_of(code, year)
  local p = population[year] and population[year][code]
  if p then return p end
  if year == 2023 and before[code] then
    local s = 0
    for _, b in ipairs(before[code]) do s = s + population[2023][b.old] * b.f end
    return round(s)
  end
  -- past SSB's last year: the last figure grown by 0.5 % a year
  return math.floor(population[last_year][code] * 1.005 ^ (year - last_year) + 0.5)
end

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

-- the same cooperations as bench/national.lua
local groups, pending = {}, {}
local function flush(list)
  local k = (#list + 29) // 30
  local size, extra, i = #list // k, #list % k, 1
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
  local nxt = codes[i + 1]
  if not nxt or nxt:sub(1, 2) ~= code:sub(1, 2) then
    if #pending >= 10 or not nxt then flush(pending); pending = {} end
  end
end
local north = { ["18"] = true, ["55"] = true, ["56"] = true }
local keys = { { equal = 0.2, pop = 0.8 }, { equal = 0, pop = 1 }, { equal = 0.3, pop = 0.7 }, { equal = 1, pop = 0 } }
local coops = {}
for i, g in ipairs(groups) do
  coops[i] = { name = string.format("Samarbeid %02d (%s)", i, g[1]:sub(1, 2)), members = g,
    wage = 600000 + 50000 * #g, tax = north[g[1]:sub(1, 2)] and 0.051 or 0.141,
    running = 150000 + 10000 * (i % 5), grant = (i % 3 == 1) and 400000 or 0, key = keys[(i - 1) % #keys + 1] }
end

-- a variant: the baseline's assumptions with some changed
local function scenario(name, t)
  local s = { name = name, wage_growth = 0.035, price_growth = 0.025, grant_to = 2030, exit = {} }
  for k, v in pairs(t or {}) do s[k] = v end
  return s
end
local function last_paid(notice) return tonumber(notice:sub(1, 4)) + 1 end -- 12 months from 1 January after

local scenarios = {
  scenario("Baseline"),
  scenario("Grant ends 2026", { grant_to = 2026 }),
  scenario("Oslo withdraws", { exit = { ["0301"] = last_paid("2025-05-01") } }),
  scenario("Five withdraw", { exit = { ["1103"] = last_paid("2026-03-01"), ["1833"] = last_paid("2027-06-30"),
    ["3403"] = last_paid("2029-01-15"), ["4601"] = last_paid("2030-09-01"), ["5001"] = last_paid("2031-02-01") } }),
  scenario("Key 50/50 from 2030", { key_from = 2030, new_key = { equal = 0.5, pop = 0.5 } }),
  scenario("Grant extended to 2040", { grant_to = 2040 }),
  scenario("Wage growth 5 %", { wage_growth = 0.05 }),
  scenario("Price growth 4 %", { price_growth = 0.04 }),
  scenario("Running costs cut 2028", { cut_from = 2028, cut_to = 100000 }),
}

local function run(s, from, to)
  local rows = {}
  for _, c in ipairs(coops) do
    for year = from, to do
      local wage = c.wage * (1 + s.wage_growth) ^ (year - 2024)
      local running = c.running * (1 + s.price_growth) ^ (year - 2024)
      if s.cut_from and year >= s.cut_from then running = s.cut_to * (1 + s.price_growth) ^ (year - s.cut_from) end
      local pension = 0.21 * wage
      local cost = wage + pension + c.tax * (wage + pension) + running
      local grant = (c.grant > 0 and year <= s.grant_to) and c.grant or 0
      local net = math.max(cost - grant, 0)
      local key = (s.key_from and year >= s.key_from) and s.new_key or c.key
      local list, sum_pop = {}, 0
      for _, code in ipairs(c.members) do
        if not s.exit[code] or year <= s.exit[code] then
          local p = pop_of(code, year - 1)
          list[#list + 1] = { code = code, pop = p }
          sum_pop = sum_pop + p
        end
      end
      local floors = 0
      for _, m in ipairs(list) do
        m.exact = key.equal * net / #list + key.pop * net * m.pop / sum_pop
        m.total = math.floor(m.exact)
        m.rest = m.exact - m.total
        floors = floors + m.total
      end
      local order = {}
      for i, m in ipairs(list) do order[i] = m end
      table.sort(order, function(a, b)
        if a.rest ~= b.rest then return a.rest > b.rest end
        return a.code < b.code
      end)
      for i = 1, round(net) - floors do order[i].total = order[i].total + 1 end
      for _, m in ipairs(list) do
        rows[#rows + 1] = { coop = c.name, year = year, code = m.code, total = m.total }
      end
    end
  end
  return { name = s.name, rows = rows }
end

local from, to = 2024, 2053
local runs = {}
for i, s in ipairs(scenarios) do runs[i] = run(s, from, to) end

if totals_only then
  for _, r in ipairs(runs) do
    for _, row in ipairs(r.rows) do print(string.format("%s,%s,%d,%s,%d", r.name, row.coop, row.year, row.code, row.total)) end
  end
  return
end

-- compare: line the runs up by cooperation, year and member
local lines, index = {}, {}
for ri, r in ipairs(runs) do
  for _, row in ipairs(r.rows) do
    local k = row.coop .. "|" .. row.year .. "|" .. row.code
    local line = index[k]
    if not line then
      line = { coop = row.coop, year = row.year, code = row.code, shares = {} }
      index[k] = line
      lines[#lines + 1] = line
    end
    line.shares[ri] = row.total
  end
end
table.sort(lines, function(a, b)
  if a.coop ~= b.coop then return a.coop < b.coop end
  if a.year ~= b.year then return a.year < b.year end
  return a.code < b.code
end)
local years = { 2024, 2030, 2040, 2053 }
local sums, worst = {}, {}
for ri = 1, #runs do sums[ri] = {} end
for _, line in ipairs(lines) do
  for ri = 1, #runs do
    local v, a = line.shares[ri], line.shares[1]
    if v then sums[ri][line.year] = (sums[ri][line.year] or 0) + v end
    if ri > 1 and a and v and (not worst[ri] or v - a > worst[ri].diff) then
      worst[ri] = { diff = v - a, code = line.code, year = line.year }
    end
  end
end

local function int(v)
  local s = string.format("%d", v)
  local sign, digits = s:match("^(-?)(%d+)$")
  return sign .. digits:reverse():gsub("(%d%d%d)", "%1 "):reverse():gsub("^ ", "")
end
local function pad(s, w, right)
  local n = w - utf8.len(s)
  if n <= 0 then return s end
  return right and (string.rep(" ", n) .. s) or (s .. string.rep(" ", n))
end
print(string.format("%d municipalities in %d cooperations, %d-%d, %d runs", #codes, #coops, from, to, #runs))
local header = { "run" }
for _, y in ipairs(years) do header[#header + 1] = "total " .. y end
header[#header + 1] = "largest rise for one member"
local right = { false, true, true, true, true, false }
local cells = {}
for ri, r in ipairs(runs) do
  local c = { r.name }
  for _, y in ipairs(years) do c[#c + 1] = int(sums[ri][y]) end
  local w = worst[ri]
  c[#c + 1] = w and string.format("%s kr, %s %s in %d", int(w.diff), w.code, name_at(w.code, w.year .. "-01-01"), w.year) or ""
  cells[#cells + 1] = c
end
local w = {}
for i, h in ipairs(header) do w[i] = utf8.len(h) end
for _, c in ipairs(cells) do for i, v in ipairs(c) do w[i] = math.max(w[i], utf8.len(v)) end end
local function line(c)
  local t = {}
  for i = 1, #header do t[i] = pad(c[i] or "", w[i], right[i]) end
  print((table.concat(t, "  "):gsub("%s+$", "")))
end
line(header)
local rule = {}
for i = 1, #header do rule[i] = string.rep("-", w[i]) end
print(table.concat(rule, "  "))
for _, c in ipairs(cells) do line(c) end
