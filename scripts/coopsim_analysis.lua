-- coopsim_analysis.lua: analysis: parameters, sweeps, goal seek, decomposition and Monte Carlo.
--
-- A part of the scenario API: scripts/coopsim.lua loads it with the core, the
-- report module, the module table M and the parts' shared table S; it uses
-- what the parts before it put in S and adds its own.

local core, report, M, S = ...
local PARAM_PATHS, add_mod, build_spec, cached, check_fields, check_list = S.PARAM_PATHS, S.add_mod, S.build_spec, S.cached, S.check_fields, S.check_list
local check_number, check_year, fail, is, jan1, raw = S.check_number, S.check_year, S.fail, S.is, S.jan1, S.raw
local readonly, resolve, scenario_mt, set, show = S.readonly, S.resolve, S.scenario_mt, S.set, S.show

---------------------------------------------------------------------------
-- analysis: parameters, sweeps, goal seek, decomposition

local function check_path(path, what)
  if type(path) ~= "string" or not (path:match("^%a+%..+$") or path:match("^.+/%a+%..+$")) then
    fail("%s: vary must be a parameter path (%s), got %s", what, PARAM_PATHS, show(path))
  end
end

--- s:set(path, value): a parameter as a modification, e.g. s:set("key.equal", 0.3)
function scenario_mt:set(path, value)
  check_path(path, "set")
  check_number(value, "set: " .. path, { negative = true })
  return add_mod(self, { op = "param", path = path, value = value,
                         text = path .. " = " .. (core.exact(value) or tostring(value)) })
end

local sweep_mt = { __name = "coopsim.sweep", __metatable = false }
sweep_mt.__index = sweep_mt

--- cs.sweep { scenario = s, from =, to =, vary = "key.equal", values = { 0, 0.1, ... } }
function M.sweep(opts)
  check_fields(opts, set { "scenario", "from", "to", "vary", "values" }, "cs.sweep")
  if not is(opts.scenario, scenario_mt) then fail("cs.sweep needs scenario = a scenario") end
  local base = raw(opts.scenario)
  check_path(opts.vary, "cs.sweep")
  if type(opts.values) ~= "table" or #opts.values == 0 then fail("cs.sweep needs a list of values") end
  local values = check_list(opts.values, "cs.sweep: values") -- a copy: what was checked is what is used
  for i, v in ipairs(values) do values[i] = check_number(v, "cs.sweep: value " .. i, { negative = true }) end
  local from = check_year(opts.from, "cs.sweep: from")
  local to = check_year(opts.to or opts.from, "cs.sweep: to")
  local rows, members = {}, {}
  local bar <close> = core.progress("cs.sweep", #values)
  for i, v in ipairs(values) do
    bar:update(i - 1)
    local scen = base:fork(base.name .. " " .. opts.vary .. "=" .. tostring(v)):set(opts.vary, v)
    local run = scenario_mt.run_quiet(scen, from, to)
    for _, row in ipairs(cached(run).rows) do
      if not row.settlement_only then -- a member gone, invoiced its settlement (SPEC 7.3): no share
        rows[#rows + 1] = { value = v, year = row.year, code = row.code, name = row.name, share = row.total }
        members[row.code] = row.name
      end
    end
  end
  return readonly(setmetatable({ vary = opts.vary, values = values, from = from, to = to, rows = rows,
                                 members = members }, sweep_mt))
end

-- The code of a member given by code or name in a result's rows for year:
-- the code itself when a row has it, else the name resolved at 1 January.
local function row_code(rows, member, year, what)
  for _, r in ipairs(rows) do
    if r.code == member and r.year == year then return member end
  end
  return resolve(member, jan1(year), what).code
end

--- sweep:share(member, year, value) -> the share at that value (member: code or name)
function sweep_mt:share(code, year, value)
  code = row_code(self.rows, code, year, "sweep:share")
  for _, r in ipairs(self.rows) do
    if r.code == code and r.year == year and r.value == value then return r.share end
  end
  return nil
end

-- What an analysis prints, in the session's language (report.print_lang:
-- `coopsim run --lang`, COOPSIM_LANG): the reports' words where they have
-- them (core.label), these where they do not.
local analysis_nb = {
  ["sweep of %s, budget year %d"] = "variasjon av %s, budsjettår %d",
  ["decomposition of %s against %s (Shapley values over the modifications)"] =
    "dekomponering av %s mot %s (Shapley-verdier over endringene)",
  ["change"] = "endring",
  ["Monte Carlo of %s: %d draws, seed %d%s"] = "Monte Carlo av %s: %d trekninger, frø %d%s",
  [" (stopped after %d of %d)"] = " (stoppet etter %d av %d)",
  ["exact run"] = "eksakt kjøring",
  ["mean"] = "snitt",
}
local function words()
  if report.print_lang() ~= "nb" then return function(text) return text end end
  return function(text) return analysis_nb[text] or core.label(text, "nb") end
end

sweep_mt.__tostring = function(sw)
  local T = words()
  local out = {}
  for year = sw.from, sw.to do
    local header, right = { T("code"), T("member") }, { false, false }
    for _, v in ipairs(sw.values) do
      header[#header + 1] = sw.vary .. "=" .. (core.exact(v) or tostring(v))
      right[#header] = true
    end
    local codes = {}
    for code in pairs(sw.members) do codes[#codes + 1] = code end
    table.sort(codes)
    local cells = {}
    for _, code in ipairs(codes) do
      local row, any = { code, sw.members[code] }, false
      for _, v in ipairs(sw.values) do
        local sh = sw:share(code, year, v)
        any = any or sh ~= nil
        row[#row + 1] = sh and report.int(sh) or "-"
      end
      if any then cells[#cells + 1] = row end
    end
    out[#out + 1] = string.format(T("sweep of %s, budget year %d"), sw.vary, year)
    out[#out + 1] = report.table(header, cells, right)
  end
  return table.concat(out, "\n")
end

--- cs.solve { scenario =, vary =, member =, year =, target = [, lo = 0, hi = 1] }
--- -> the parameter value at which the member's share meets the target, and that share
function M.solve(opts)
  check_fields(opts, set { "scenario", "vary", "member", "year", "target", "lo", "hi" }, "cs.solve")
  if not is(opts.scenario, scenario_mt) then fail("cs.solve needs scenario = a scenario") end
  check_path(opts.vary, "cs.solve")
  local year = check_year(opts.year, "cs.solve: year")
  check_number(opts.target, "cs.solve: target")
  local lo, hi = opts.lo or 0, opts.hi or 1
  check_number(lo, "cs.solve: lo", { negative = true })
  check_number(hi, "cs.solve: hi", { negative = true })
  if hi <= lo then fail("cs.solve: hi (%s) must be above lo (%s)", tostring(hi), tostring(lo)) end
  local code = resolve(opts.member, jan1(year), "cs.solve: member").code
  local bar <close> = core.progress("cs.solve", 62)
  local steps = 0
  local function share_at(v)
    steps = steps + 1
    bar:update(steps)
    local scen = opts.scenario:fork("solve"):set(opts.vary, v)
    local run = scenario_mt.run_quiet(scen, year, year)
    local sh = run:share(code, year)
    if sh == nil then fail("cs.solve: %s is not a member in %d", opts.member, year) end
    return sh
  end
  local a, b = share_at(lo), share_at(hi)
  local target = opts.target
  if (a - target) * (b - target) > 0 then
    fail("cs.solve: no value in range: %s's share in %d goes from %s (%s = %s) to %s (%s = %s), target %s",
      tostring(opts.member), year, report.int(a), opts.vary, tostring(lo), report.int(b), opts.vary,
      tostring(hi), report.int(target))
  end
  -- bisection on the exact runs; shares are whole kroner, so stop at 1e-9
  local increasing = b >= a
  for _ = 1, 60 do
    if hi - lo < 1e-9 then break end
    local mid = (lo + hi) / 2
    local m = share_at(mid)
    if (m < target) == increasing then lo = mid else hi = mid end
  end
  local best = math.abs(share_at(lo) - target) <= math.abs(share_at(hi) - target) and lo or hi
  return best, share_at(best)
end

local decomposition_mt = { __name = "coopsim.decomposition", __metatable = false }
decomposition_mt.__index = decomposition_mt

local function factorial(n)
  local f = 1
  for i = 2, n do f = f * i end
  return f
end

--- cs.decompose(base, variant, { from =, to = }) -> each member's change split among
--- the variant's modifications (Shapley values: independent of their order; the
--- parts are whole kroner and sum exactly to the change)
function M.decompose(base, variant, opts)
  if not is(base, scenario_mt) or not is(variant, scenario_mt) then
    fail("cs.decompose needs two scenarios: a base and a variant forked from it")
  end
  base, variant = raw(base), raw(variant)
  check_fields(opts or {}, set { "from", "to" }, "cs.decompose")
  opts = opts or {}
  local from = check_year(opts.from, "cs.decompose: from")
  local to = check_year(opts.to or opts.from, "cs.decompose: to")
  for i, m in ipairs(base.mods) do
    if variant.mods[i] ~= m then fail("cs.decompose: %q is not forked from %q", variant.name, base.name) end
  end
  local extra = {}
  for i = #base.mods + 1, #variant.mods do extra[#extra + 1] = variant.mods[i] end
  local k = #extra
  if k == 0 then fail("cs.decompose: %q has no modifications beyond %q", variant.name, base.name) end
  if k > 10 then fail("cs.decompose: %d modifications need 2^%d runs; at most 10", k, k) end
  -- the value of every subset of modifications (bit i: extra[i + 1])
  local values = {}
  for mask = 0, (1 << k) - 1 do
    local scen = raw(base:fork("subset " .. mask))
    for i = 1, k do
      if mask & (1 << (i - 1)) ~= 0 then scen.mods[#scen.mods + 1] = extra[i] end
    end
    local shares = {}
    for _, row in ipairs(cached(scenario_mt.run_quiet(scen, from, to)).rows) do
      if not row.settlement_only then
        shares[row.year .. ":" .. row.code] = { total = row.total, name = row.name, year = row.year, code = row.code }
      end
    end
    values[mask] = shares
  end
  local kf = factorial(k)
  local keys, seen = {}, {}
  for mask = 0, (1 << k) - 1 do
    for key, r in pairs(values[mask]) do
      if not seen[key] then seen[key] = r; keys[#keys + 1] = key end
    end
  end
  table.sort(keys, function(x, y)
    local a, b = seen[x], seen[y]
    if a.year ~= b.year then return a.year < b.year end
    return a.code < b.code
  end)
  local function v(mask, key) local r = values[mask][key]; return r and r.total or 0 end
  local rows = {}
  for _, key in ipairs(keys) do
    -- k! x Shapley value, an integer: sum over subsets S without i of
    -- |S|! (k - |S| - 1)! (v(S + i) - v(S))
    local scaled, total = {}, v((1 << k) - 1, key) - v(0, key)
    for i = 1, k do
      local bit, sum = 1 << (i - 1), 0
      for mask = 0, (1 << k) - 1 do
        if mask & bit == 0 then
          local size = 0
          for j = 0, k - 1 do if mask & (1 << j) ~= 0 then size = size + 1 end end
          sum = sum + factorial(size) * factorial(k - size - 1) * (v(mask | bit, key) - v(mask, key))
        end
      end
      scaled[i] = sum
    end
    -- whole kroner by largest remainder; they sum exactly to the change
    local parts, floors, rem = {}, 0, {}
    for i = 1, k do
      parts[i] = scaled[i] // kf
      floors = floors + parts[i]
      rem[i] = { i = i, r = scaled[i] - parts[i] * kf }
    end
    -- ties go by the modification's text, not its position, so the result
    -- does not depend on the order the modifications were made in
    table.sort(rem, function(x, y)
      if x.r ~= y.r then return x.r > y.r end
      if extra[x.i].text ~= extra[y.i].text then return extra[x.i].text < extra[y.i].text end
      return x.i < y.i
    end)
    for n = 1, total - floors do parts[rem[n].i] = parts[rem[n].i] + 1 end
    rows[#rows + 1] = { year = seen[key].year, code = seen[key].code, name = seen[key].name,
                        base = values[0][key] and values[0][key].total, variant = values[(1 << k) - 1][key] and values[(1 << k) - 1][key].total,
                        change = total, parts = parts }
  end
  local names = {}
  for i, m in ipairs(extra) do names[i] = m.text end
  return readonly(setmetatable({ base = base.name, variant = variant.name, modifications = names, rows = rows },
    decomposition_mt))
end

decomposition_mt.__tostring = function(d)
  local T = words()
  local header, right = { T("year"), T("code"), T("member"), d.base, d.variant, T("change") },
    { true, false, false, true, true, true }
  for _, name in ipairs(d.modifications) do header[#header + 1] = name; right[#header] = true end
  local cells = {}
  for _, r in ipairs(d.rows) do
    local row = { tostring(r.year), r.code, r.name, r.base and report.int(r.base) or "-",
                  r.variant and report.int(r.variant) or "-", report.int(r.change) }
    for i = 1, #d.modifications do row[#row + 1] = report.int(r.parts[i]) end
    cells[#cells + 1] = row
  end
  return string.format(T("decomposition of %s against %s (Shapley values over the modifications)"), d.variant,
    d.base) .. "\n" .. report.table(header, cells, right)
end

---------------------------------------------------------------------------
-- Monte Carlo

local MC_KIND = { base = 0, rate = 1, fixed = 2, equal = 3, population = 4, weights = 5, by = 5, bands = 6 }

-- A number of the spec (a Lua number, or an exact text: "0.06", "1/3") as
-- a double, for the draws.
local function double(v)
  if v == nil then return 0 end
  local _, d = core.number(v)
  return d or 0
end
local montecarlo_mt = { __name = "coopsim.montecarlo", __metatable = false }
montecarlo_mt.__index = montecarlo_mt

--- cs.montecarlo { scenario = s, from =, to =, draws = 100000, seed = 1,
---   vary = { population_growth = { [mean =,] sd = }, wage_growth = { mean =, sd = } }
---   [, threads = 2] [, progress = true] }
--- -> per member and year the mean and the 5th, 50th and 95th percentiles
function M.montecarlo(opts)
  check_fields(opts, set { "scenario", "from", "to", "draws", "seed", "vary", "threads", "progress" },
    "cs.montecarlo")
  local scen = opts.scenario
  if not is(scen, scenario_mt) then fail("cs.montecarlo needs scenario = a scenario") end
  scen = raw(scen)
  if #scen.coops ~= 1 then fail("cs.montecarlo takes a scenario with one cooperation") end
  local from = check_year(opts.from, "cs.montecarlo: from")
  local to = check_year(opts.to or opts.from, "cs.montecarlo: to")
  local draws = math.tointeger(check_number(opts.draws or 10000, "cs.montecarlo: draws",
    { integer = true, max = 10000000 }))
  if draws < 1 then fail("cs.montecarlo: draws must be at least 1, got %s", show(opts.draws)) end
  local seed = math.tointeger(check_number(opts.seed or 1, "cs.montecarlo: seed", { integer = true, negative = true }))
  local threads = math.tointeger(check_number(opts.threads or 2, "cs.montecarlo: threads", { integer = true, max = 256 }))
  if threads < 1 then fail("cs.montecarlo: threads must be at least 1, got %s", show(opts.threads)) end
  if opts.progress ~= nil and type(opts.progress) ~= "boolean" then
    fail("cs.montecarlo: progress must be true or false, got %s", show(opts.progress))
  end
  local vary = opts.vary or {}
  check_fields(vary, set { "population_growth", "wage_growth" }, "cs.montecarlo vary")
  local pg, wg = vary.population_growth or {}, vary.wage_growth
  check_fields(pg, set { "mean", "sd" }, "vary.population_growth")
  if wg then check_fields(wg, set { "mean", "sd" }, "vary.wage_growth") end
  -- growth rates a year: a mean within -100 % .. +100 %, a spread of at most 100 %
  for what, g in pairs { population_growth = pg, wage_growth = wg or {} } do
    if g.mean ~= nil then
      local mean = check_number(g.mean, "vary." .. what .. ".mean", { negative = true })
      if mean <= -1 or mean >= 1 then fail("vary.%s.mean must be a rate between -1 and 1, got %s", what, show(g.mean)) end
    end
    if g.sd ~= nil then check_number(g.sd, "vary." .. what .. ".sd", { max = 1 }) end
  end
  local coop = scen.coops[1]
  if coop.services then
    fail("cs.montecarlo does not take a cooperation with services (%s): each service shares its own net cost and the draws model one per year; make each service a cooperation of its own to draw it", coop.name)
  end
  -- the exact runs the flat model is read from
  local base = scenario_mt.run_quiet(scen, from, to)
  local r0, r1
  if wg then
    r0 = scenario_mt.run_quiet(scen:fork("wage 0"):set("growth.wage", 0), from, to)
    r1 = scenario_mt.run_quiet(scen:fork("wage 1"):set("growth.wage", 1), from, to)
  end
  local base_year = coop.base_year or (coop.period_from and tonumber(coop.period_from:sub(1, 4))) or from
  local spec = build_spec(coop, scen, from, to)
  local index, members = {}, {}
  for _, row in ipairs(cached(base).rows) do
    if not index[row.code] and not row.settlement_only then
      members[#members + 1] = { code = row.code, name = row.name }
      index[row.code] = #members
    end
  end
  local years = {}
  local y0 = base:years()
  local c0 = r0 and r0:years()
  local c1 = r1 and r1:years()
  for i, y in ipairs(y0) do
    local yr = { year = y.year, grant = tonumber(y.grants), members = {}, population = {}, year_share = {},
                 comps = {} }
    local n = y.year - base_year
    if wg and n ~= 0 then
      local a0, a1 = tonumber(c0[i].cost), tonumber(c1[i].cost)
      yr.cost_wage = (a1 - a0) / (2 ^ n - 1)
      yr.cost_other = a0 - yr.cost_wage
      yr.wage_steps = n
    else
      yr.cost_other, yr.cost_wage, yr.wage_steps = tonumber(y.cost), 0, 0
    end
    for _, row in ipairs(cached(base).rows) do
      if row.year == y.year and not row.settlement_only then
        yr.members[#yr.members + 1] = index[row.code]
        yr.population[#yr.population + 1] = row.population
        yr.year_share[#yr.year_share + 1] = row.charged_months / 12
      end
    end
    local key
    for _, k in ipairs(spec.keys) do if k.from_year <= y.year then key = k.key end end
    local codes = {}
    for k, mi in ipairs(yr.members) do codes[k] = members[mi].code end
    for _, c in ipairs(key.components) do
      if c.kind == "custom" then fail("cs.montecarlo does not take keys written in Lua (cs.keys.custom)") end
      local comp = { kind = MC_KIND[c.kind], amount = double(c.amount) }
      if c.entries then
        comp.by_member = {}
        for j = 1, #members do comp.by_member[j] = 0 end
        for _, e in ipairs(c.entries) do
          if index[e.code] then comp.by_member[index[e.code]] = double(e.value) end
        end
      elseif c.kind == "by" then
        -- a table's values are not drawn: each member's value that year
        local values, msg = core.table_values(c.table, c.column, c.year or "none", y.year, codes)
        if not values then fail("cs.montecarlo: %s", msg) end
        comp.by_member = {}
        for j = 1, #members do comp.by_member[j] = 0 end
        for k, mi in ipairs(yr.members) do comp.by_member[mi] = values[k] end
      elseif c.kind == "bands" then
        comp.bands = {}
        for b, band in ipairs(c.bands) do
          comp.bands[b] = { upto = band.upto, amount = double(band.amount), rate = band.rate and double(band.rate) }
        end
      end
      yr.covers = yr.covers or S.POOLS[c.kind] ~= nil
      yr.comps[#yr.comps + 1] = comp
    end
    if key.limits then
      -- caps and floors apply to the shares of the drawn populations
      local l = key.limits
      local own = { max = {}, min = {} }
      for _, side in ipairs { "max", "min" } do
        for _, e in ipairs(l[side .. "_for"] or {}) do own[side][e.code] = double(e.value) end
      end
      yr.capped, yr.cap_max, yr.cap_min = true, {}, {}
      for k, code in ipairs(codes) do
        local ys = yr.year_share[k]
        local mx, mn = own.max[code] or (l.max and double(l.max)), own.min[code] or (l.min and double(l.min))
        yr.cap_max[k] = mx and mx * ys or -1
        yr.cap_min[k] = mn and mn * ys or -1
      end
    end
    years[#years + 1] = yr
  end
  local stats, done, stopped, seconds = core.montecarlo({ nmembers = #members, years = years }, {
    seed = seed, draws = draws, pop_mean = pg.mean or 0, pop_sd = pg.sd or 0,
    vary_wage = wg ~= nil, wage_mean = wg and wg.mean or 0, wage_sd = wg and wg.sd or 0,
    threads = threads, progress = opts.progress,
  })
  if not stats then fail("cs.montecarlo: %s", done) end
  local rows = {}
  for yi, yr in ipairs(years) do
    for mi, m in ipairs(members) do
      local st = stats[(yi - 1) * #members + mi]
      if st.n > 0 then
        rows[#rows + 1] = { year = yr.year, code = m.code, name = m.name, mean = st.mean, p5 = st.p5,
                            p50 = st.p50, p95 = st.p95, base = base:share(m.code, yr.year) }
      end
    end
  end
  local member_years = 0
  for _, yr in ipairs(years) do member_years = member_years + #yr.members end
  return readonly(setmetatable({ scenario = scen.name, draws = done, asked = draws, stopped = stopped,
                        seed = seed, rows = rows, seconds = seconds, member_years = member_years * done,
                        model = { nmembers = #members, members = members, years = years,
                                  pop_mean = pg.mean or 0, pop_sd = pg.sd or 0, vary_wage = wg ~= nil,
                                  wage_mean = wg and wg.mean or 0, wage_sd = wg and wg.sd or 0 } },
                      montecarlo_mt))
end

--- cs.mc_quantiles(): the generator's table (for reference implementations)
function M.mc_quantiles() return core.mc_quantiles() end

function montecarlo_mt:row(code, year)
  code = row_code(self.rows, code, year, "mc:row")
  for _, r in ipairs(self.rows) do if r.code == code and r.year == year then return r end end
end

montecarlo_mt.__tostring = function(mc)
  local T = words()
  local cells = {}
  local function kr(v) return report.int(math.floor(v + 0.5)) end
  for _, r in ipairs(mc.rows) do
    cells[#cells + 1] = { tostring(r.year), r.code, r.name, r.base and report.int(r.base) or "-",
                          kr(r.mean), kr(r.p5), kr(r.p50), kr(r.p95) }
  end
  local head = string.format(T("Monte Carlo of %s: %d draws, seed %d%s"), mc.scenario, mc.draws, mc.seed,
    mc.stopped and string.format(T(" (stopped after %d of %d)"), mc.draws, mc.asked) or "")
  return head .. "\n" .. report.table({ T("year"), T("code"), T("member"), T("exact run"), T("mean"), "p5", "p50", "p95" },
    cells, { true, false, false, true, true, true, true, true })
end

-- for the parts after this one
S.check_path, S.sweep_mt, S.row_code, S.decomposition_mt, S.factorial = check_path, sweep_mt, row_code, decomposition_mt, factorial
S.MC_KIND, S.montecarlo_mt = MC_KIND, montecarlo_mt
