-- helgeland_reference.lua: the computation of scenarios/helgeland.lua in
-- plain Lua 5.4, as a programmer coming from the spreadsheet would write it:
-- read the population and names from coopsim's shipped CSV files (data/),
-- compute the four Helgeland runs 2023-2026 in floating point with the
-- largest-remainder rounding, and print the same tables (the Baseline run,
-- the comparison of the four, Brønnøy's 2023 arithmetic).
--
--   lua5.4 bench/helgeland_reference.lua [DATA_DIR] [--totals]
--
-- With --totals it prints "scenario,year,code,total" lines instead, which
-- bench/run.sh compares with coopsim's own rows (the figures must agree).
-- It is the reference for `make bench` (b), not part of coopsim.

local data_dir, totals_only = "data", false
for _, a in ipairs(arg) do
  if a == "--totals" then totals_only = true else data_dir = a end
end

---------------------------------------------------------------------------
-- the registry files

local function read_csv(name)
  local rows, header = {}, nil
  for line in io.lines(data_dir .. "/" .. name) do
    local cells = {}
    for cell in (line .. ","):gmatch("([^,]*),") do cells[#cells + 1] = cell end
    if not header then header = cells else rows[#rows + 1] = cells end
  end
  return rows
end

local population = {} -- population[year][code]
for _, r in ipairs(read_csv("population.csv")) do
  local year = tonumber(r[1])
  population[year] = population[year] or {}
  population[year][r[2]] = tonumber(r[3])
end

local periods = {} -- periods[code] = { { name, from, to }, ... }
for _, r in ipairs(read_csv("municipalities.csv")) do
  periods[r[1]] = periods[r[1]] or {}
  table.insert(periods[r[1]], { name = r[2], from = r[3], to = r[4] ~= "" and r[4] or "9999-12-31" })
end

local function name_at(code, date)
  for _, p in ipairs(periods[code] or {}) do
    if p.from <= date and date < p.to then return p.name end
  end
  return code
end

-- a name ("Vefsn", "Rana") to its code at a date
local function code_of(name, date)
  for code, ps in pairs(periods) do
    for _, p in ipairs(ps) do
      if p.from <= date and date < p.to then
        for part in (p.name .. " - "):gmatch("(.-) %- ") do
          if part == name then return code end
        end
      end
    end
  end
  error("unknown municipality " .. name)
end

---------------------------------------------------------------------------
-- the cooperation (seed 004, Vedlegg 2)

local members = { "1812", "1813", "1815", "1816", "1818", "1820", "1822", "1824", "1825",
                  "1826", "1827", "1828", "1832", "1833", "1834", "1835", "1836" }
local host = "1833"

-- a scenario: the Baseline plus changes
local function scenario(name, changes)
  local s = { name = name, grant_to = 2023, wage_growth = 0, exit = {} }
  for k, v in pairs(changes or {}) do s[k] = v end
  return s
end

-- notice given during year Y, 12 months from the next 1 January: the last
-- budget year paid is Y + 1
local function last_year_paid(notice_date, months)
  local y = tonumber(notice_date:sub(1, 4)) + 1
  return y + (months - 1) // 12
end

local function run(s, from, to)
  local rows, years = {}, {}
  for year = from, to do
    local wage = 900000 * (1 + s.wage_growth) ^ (year - 2023)
    local pension = 0.21 * wage
    local tax = 0.051 * (wage + pension)
    local running = 100000
    local cost = wage + pension + tax + running
    local grant = (year >= 2021 and year <= s.grant_to) and 504000 or 0
    local net = cost - grant
    -- members this year, population 1 January of the year before
    local list, sum_pop = {}, 0
    for _, code in ipairs(members) do
      local last = s.exit[code]
      if not last or year <= last then
        local pop = population[year - 1][code]
        list[#list + 1] = { code = code, pop = pop }
        sum_pop = sum_pop + pop
      end
    end
    local shared = 0
    for _, m in ipairs(list) do
      m.equal = 0.20 * net / #list
      m.by_pop = 0.80 * net * m.pop / sum_pop
      m.exact = m.equal + m.by_pop
      m.total = math.floor(m.exact)
      m.rest = m.exact - m.total
      shared = shared + m.total
    end
    -- largest remainder: the kroner left go to the largest remainders
    local order = {}
    for i, m in ipairs(list) do order[i] = m end
    table.sort(order, function(a, b)
      if a.rest ~= b.rest then return a.rest > b.rest end
      return a.code < b.code
    end)
    local left = math.floor(net + 0.5) - shared
    for i = 1, left do order[i].total = order[i].total + 1 end
    local sum = 0
    local date = string.format("%d-01-01", year)
    for _, m in ipairs(list) do
      sum = sum + m.total
      rows[#rows + 1] = { year = year, code = m.code, name = name_at(m.code, date), pop = m.pop,
        equal = m.equal, by_pop = m.by_pop, exact = m.exact, total = m.total }
    end
    years[#years + 1] = { year = year, cost = cost, grant = grant, net = net, sum = sum,
      members = #list, wage = wage, pension = pension, tax = tax, running = running, sum_pop = sum_pop }
  end
  return { name = s.name, rows = rows, years = years }
end

---------------------------------------------------------------------------
-- printing

local function int(v)
  local s = string.format("%d", math.floor(v + 0.5))
  local sign, digits = s:match("^(-?)(%d+)$")
  return sign .. digits:reverse():gsub("(%d%d%d)", "%1 "):reverse():gsub("^ ", "")
end

local function money(v)
  local whole = math.floor(v + 0.005)
  local cents = math.floor((v - whole) * 100 + 0.5)
  return int(whole) .. string.format(".%02d", cents)
end

local function pad(s, w, right)
  local n = w - utf8.len(s)
  if n <= 0 then return s end
  return right and (string.rep(" ", n) .. s) or (s .. string.rep(" ", n))
end

local function print_table(header, rows, right)
  local w = {}
  for i, h in ipairs(header) do w[i] = utf8.len(h) end
  for _, row in ipairs(rows) do
    for i, c in ipairs(row) do w[i] = math.max(w[i], utf8.len(c)) end
  end
  local rule = {}
  for i = 1, #header do rule[i] = string.rep("-", w[i]) end
  local function line(cells)
    local t = {}
    for i = 1, #header do t[i] = pad(cells[i] or "", w[i], right[i]) end
    print((table.concat(t, "  "):gsub("%s+$", "")))
  end
  line(header)
  print(table.concat(rule, "  "))
  for _, row in ipairs(rows) do
    if row.rule then print(table.concat(rule, "  ")) else line(row) end
  end
end

local function print_run(r)
  print(string.format("%s: Helsefellesskap Helgeland, %d-%d", r.name, r.years[1].year, r.years[#r.years].year))
  print("key: 20 % equal + 80 % by population; source: Rødøy kommune sak 63/2022, Vedlegg 2; samarbeidsavtale §3")
  local cells, last = {}, nil
  for _, row in ipairs(r.rows) do
    if last and row.year ~= last then cells[#cells + 1] = { rule = true } end
    last = row.year
    local date = string.format("%d-01-01", row.year)
    cells[#cells + 1] = { tostring(row.year), row.code, row.name, int(row.pop), int(row.equal),
      int(row.by_pop), int(row.total), "", row.code == host and "(host)" or name_at(host, date) }
  end
  print_table({ "year", "code", "member", "population", "equal", "population", "total", "due", "payee" },
    cells, { true, false, false, true, true, true, true })
  print()
  local sums = {}
  for _, y in ipairs(r.years) do
    sums[#sums + 1] = { tostring(y.year), int(y.cost), int(y.grant), int(y.net), int(y.sum),
      int(y.sum + y.grant - y.cost), tostring(y.members), "" }
  end
  print_table({ "year", "cost", "grants", "net cost", "sum of shares", "balance", "members", "note" },
    sums, { true, true, true, true, true, true, true })
  print()
  print("options: rounding=largest_remainder population_date=jan1_previous_year exit_year=full merger=whole")
end

local function percent(a, b)
  if a == 0 then return "" end
  return string.format("%+.1f %%", (b - a) * 100 / a)
end

local function print_compare(runs)
  local header, right = { "year", "code", "member" }, { true, false, false }
  for i, r in ipairs(runs) do
    header[#header + 1] = r.name; right[#header] = true
    if i > 1 then
      header[#header + 1] = "diff kr"; right[#header] = true
      header[#header + 1] = "diff %"; right[#header] = true
    end
  end
  -- line up the runs by year and code
  local share, names, ever = {}, {}, {}
  for i, r in ipairs(runs) do
    share[i], ever[i] = {}, {}
    for _, row in ipairs(r.rows) do
      share[i][row.year .. row.code] = row.total
      names[row.year .. row.code] = row.name
      ever[i][row.code] = ever[i][row.code] or row.year
    end
  end
  local cells = {}
  for y = runs[1].years[1].year, runs[1].years[#runs[1].years].year do
    local totals = {}
    for _, code in ipairs(members) do
      local k = y .. code
      if names[k] then
        local c = { tostring(y), code, names[k] }
        for i = 1, #runs do
          local a, b = share[1][k], share[i][k]
          c[#c + 1] = b and int(b) or ((ever[i][code] and ever[i][code] < y) and "withdrawn" or "not a member")
          totals[i] = (totals[i] or 0) + (b or 0)
          if i > 1 then
            c[#c + 1] = (a and b) and int(b - a) or (b and int(b)) or (a and int(-a)) or ""
            c[#c + 1] = (a and b) and percent(a, b) or ""
          end
        end
        cells[#cells + 1] = c
      end
    end
    local t = { "", "", "total" }
    for i = 1, #runs do
      t[#t + 1] = int(totals[i])
      if i > 1 then
        t[#t + 1] = int(totals[i] - totals[1])
        t[#t + 1] = percent(totals[1], totals[i])
      end
    end
    cells[#cells + 1] = t
    cells[#cells + 1] = { rule = true }
  end
  cells[#cells] = nil
  local names_list = {}
  for _, r in ipairs(runs) do names_list[#names_list + 1] = r.name end
  print("comparison of " .. table.concat(names_list, ", ") .. " (Helsefellesskap Helgeland)")
  print_table(header, cells, right)
end

local function print_explain(r, code, year)
  local y
  for _, x in ipairs(r.years) do if x.year == year then y = x end end
  for _, row in ipairs(r.rows) do
    if row.code == code and row.year == year then
      local function item(label, v) print("  " .. pad(label, 34) .. pad(money(v), 16, true)) end
      print(string.format("scenario %s: %s %s, budget year %d, Helsefellesskap Helgeland", r.name, code, row.name, year))
      item("cost Lønn", y.wage)
      item("cost Pensjon", y.pension)
      item("cost Arbeidsgiveravgift", y.tax)
      item("cost Drift", y.running)
      item("total cost", y.cost)
      if y.grant > 0 then item("- grant Helsedirektoratet", y.grant) end
      item("= net cost = cost - grants", y.net)
      print("  key: 20 % equal + 80 % by population")
      print("  key source: Rødøy kommune sak 63/2022, Vedlegg 2; samarbeidsavtale §3")
      print(string.format("  population %s on 1 January %d (SSB)", int(row.pop), year - 1))
      print(string.format("  equal       20 %% of %s = %s, shared equally by %d members = %s", money(y.net),
        money(0.2 * y.net), y.members, money(row.equal)))
      print(string.format("  population  80 %% of %s = %s x %s / %s inhabitants = %s", money(y.net),
        money(0.8 * y.net), int(row.pop), int(y.sum_pop), money(row.by_pop)))
      print(string.format("  unrounded total %s -> %s kr (whole kroner; largest remainder so the shares sum to %s)",
        money(row.exact), int(row.total), int(y.net)))
      print("  due date not stated; invoiced by " .. name_at(host, year .. "-01-01"))
      print()
    end
  end
end

---------------------------------------------------------------------------
-- the four runs

local base = scenario("Baseline")
local grant_continues = scenario("Grant continues", { grant_to = 2026 })
local vefsn = scenario("Vefsn withdraws",
  { exit = { [code_of("Vefsn", "2023-03-15")] = last_year_paid("2023-03-15", 12) } })
local wage = scenario("Wage growth 4 %", { wage_growth = 0.04 })

local runs = { run(base, 2023, 2026), run(grant_continues, 2023, 2026), run(vefsn, 2023, 2026),
               run(wage, 2023, 2026) }

if totals_only then
  for _, r in ipairs(runs) do
    for _, row in ipairs(r.rows) do print(string.format("%s,%d,%s,%d", r.name, row.year, row.code, row.total)) end
  end
  return
end

print_run(runs[1])
print()
print_compare(runs)
print()
print_explain(runs[1], code_of("Brønnøy", "2023-01-01"), 2023)
