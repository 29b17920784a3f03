-- coopsim_spec.lua: the spec of a cooperation in a scenario, and simulating it (results reused where the spec is the same).
--
-- A part of the scenario API: scripts/coopsim.lua loads it with the core, the
-- report module, the module table M and the parts' shared table S; it uses
-- what the parts before it put in S and adds its own.

local core, report, M, S = ...
local fail_at, getmt, jan1, key_mt, native_projection = S.fail_at, S.getmt, S.jan1, S.key_mt, S.native_projection

---------------------------------------------------------------------------
-- runs

-- Deep copy of plain data (keys keep their functions).
local function copy(t)
  if type(t) ~= "table" or getmt(t) == key_mt then return t end
  local r = {}
  for k, v in pairs(t) do r[k] = copy(v) end
  return r
end

local function key_spec(key, anchor, loc)
  local comps = {}
  for i, comp in ipairs(key.components) do
    local c = { kind = comp.kind, amount = comp.amount, fn = comp.fn }
    if comp.entries then
      c.entries = {}
      for j, e in ipairs(comp.entries) do
        local m, msg = core.find(e.member, anchor)
        if not m then fail_at(loc, "key entry " .. tostring(e.member) .. ": " .. msg) end
        c.entries[j] = { code = m.code, value = e.value }
      end
    end
    comps[i] = c
  end
  return { label = key.label, source = key.source, assumption = key.assumption, components = comps }
end

-- Finds the coop member matching `member` at date: same code, or a code
-- that the member's code has become by then; or a part of a member that was
-- split (then also that part's code).
local function find_member(spec, member, date, loc)
  local m, msg = core.find(member, date)
  if not m then fail_at(loc, msg) end
  for i, x in ipairs(spec.members) do
    if x.code == m.code then return i end
    local succ = core.successor(x.code, x.anchor, date)
    if succ == m.code then return i end
  end
  for i, x in ipairs(spec.members) do
    for _, part in ipairs(core.successors(x.code, x.anchor, date) or {}) do
      if part == m.code then return i, m, part end
    end
  end
  return nil, m
end

-- A spec's tables are shared with the cooperation (and other specs) until a
-- modification writes to one: then the spec gets its own copy of it.
local function own(spec, field)
  if not spec.owned[field] then
    spec[field] = copy(spec[field])
    spec.owned[field] = true
  end
  return spec[field]
end

-- The spec table for core.simulate: the cooperation with the scenario's
-- modifications applied in order.
-- A parameter set by cs.sweep / cs.solve (and s:set), by path:
--   key.equal, key.population  the split key's fractions (the other part gets 1 - v)
--   key.base, key.rate         base_plus_rate's base amount / fixed rate, per_capita's rate
--   growth.wage, growth.price  growth per year from the base year
--   cost.NAME, grant.NAME      a cost line's amount (or rate) / a grant's amount
local apply_param
local PARAM_PATHS = "key.equal, key.population, key.base, key.rate, growth.wage, growth.price, cost.NAME, grant.NAME"

apply_param = function(spec, mod, loc)
  local kind, name = mod.path:match("^(%a+)%.(.+)$")
  local v = mod.value
  local found = false
  if kind == "key" then
    for _, k in ipairs(own(spec, "keys")) do
      for _, c in ipairs(k.key.components) do
        if (name == "equal" or name == "population") and (c.kind == "equal" or c.kind == "population") and #k.key.components == 2 then
          c.amount = (c.kind == name) and v or core.one_minus(v) -- exact: the parts sum to 1
          found = true
        elseif name == "base" and c.kind == "base" then
          c.amount, found = v, true
        elseif name == "rate" and c.kind == "rate" then
          c.amount, found = v, true
        end
      end
    end
    if (name == "equal" or name == "population") and found and (v < 0 or v > 1) then
      fail_at(loc, string.format("%s = %s is outside 0..1", mod.path, tostring(v)))
    end
  elseif kind == "growth" and (name == "wage" or name == "price") then
    if #spec.growths == 0 then spec.growths[1] = { from_year = 0, wage = 0, price = 0 } end
    for _, g in ipairs(spec.growths) do g[name] = v end
    found = true
  elseif kind == "cost" then
    for _, c in ipairs(own(spec, "costs")) do
      if c.name == name then
        if c.rate then c.rate = v else c.amount = v end
        found = true
      end
    end
  elseif kind == "grant" then
    for _, g in ipairs(own(spec, "grants")) do
      if g.name == name then g.amount, found = v, true end
    end
  end
  if not found then
    fail_at(loc, string.format("cannot vary %q in %s (paths: %s)", mod.path, spec.name, PARAM_PATHS))
  end
end

-- What every spec of a cooperation starts from, made once per anchor and
-- shared read-only: the members resolved at the anchor and the first key.
local coop_bases = setmetatable({}, { __mode = "k" })

local function coop_base(coop, anchor)
  local b = coop_bases[coop]
  if b and b.anchor == anchor then return b end
  local host
  if coop.host then
    local h, msg = core.find(coop.host, anchor)
    if not h then fail_at(coop.where, "host: " .. msg) end
    host = h.code
  end
  local members, listed = {}, {}
  for i, m in ipairs(coop.members) do
    local code = m.code
    if not code then
      local r, msg = core.find(m.given, anchor)
      if not r then fail_at(coop.where, "member " .. i .. ": " .. msg) end
      code = r.code
    end
    if listed[code] then fail_at(coop.where, "member " .. code .. " is listed twice") end
    listed[code] = true
    members[i] = { code = code, given = m.given, anchor = anchor }
  end
  b = { anchor = anchor, members = members, host = host, key = key_spec(coop.key, anchor, coop.where) }
  coop_bases[coop] = b
  return b
end

local function build_spec(coop, scen, from, to)
  local anchor = coop.anchor or jan1(coop.base_year or from)
  local base = coop_base(coop, anchor)
  local spec = {
    name = coop.name, payee = coop.payee,
    period_from = coop.period_from, period_to = coop.period_to,
    base_year = coop.base_year, population_date = coop.population_date,
    population_year = coop.population_year,
    notice_months = coop.notice_months, notice_from = coop.notice_from,
    exit_year = coop.exit_year, merger = coop.merger, split = coop.split, prorate = coop.prorate,
    due_month = coop.due_month, due_day = coop.due_day,
    costs = coop.costs, grants = coop.grants, members = base.members, host = base.host,
    resolution = anchor, -- the keys' codes are followed from here (core/lua_coopsim.c)
    keys = { { from_year = 0, key = base.key } },
    cost_sets = {}, grant_ends = {}, growths = {}, owned = {},
  }
  if coop.growth then
    spec.growths[1] = { from_year = 0, wage = coop.growth.wage, price = coop.growth.price }
  end
  local pop_sets, pop_fns = {}, {}
  local touched = {} -- the modifications that changed this cooperation's spec
  for _, mod in ipairs(scen.mods) do
    local loc = mod.where
    touched[#touched + 1] = mod -- taken back below where the modification finds nothing here
    if mod.op == "withdraw" then
      local i, _, part = find_member(spec, mod.member, mod.date, loc)
      if part then -- a part of a split member gives notice for itself
        local x = own(spec, "members")[i]
        x.part_notices = x.part_notices or {}
        x.part_notices[#x.part_notices + 1] = { code = part, date = mod.date }
      elseif i then own(spec, "members")[i].notice = mod.date else touched[#touched] = nil end
    elseif mod.op == "join" then
      local i, m = find_member(spec, mod.member, mod.date, loc)
      if not i then
        local members = own(spec, "members")
        members[#members + 1] = { code = m.code, given = mod.member, anchor = mod.date, joined = true }
      else
        touched[#touched] = nil
      end
    elseif mod.op == "grant_end" then
      local found = false
      for _, g in ipairs(spec.grants) do if g.name == mod.name then found = true end end
      if found then spec.grant_ends[#spec.grant_ends + 1] = { name = mod.name, last_year = mod.last_year }
      else touched[#touched] = nil end
      mod.matched = mod.matched or found
    elseif mod.op == "set_key" then
      local keys = own(spec, "keys")
      -- its codes at 1 January of its first year (SPEC 7.1), not before the cooperation's
      local at = jan1(mod.from_year)
      if at < anchor then at = anchor end
      keys[#keys + 1] = { from_year = mod.from_year, key = key_spec(mod.key, at, loc), resolution = at }
    elseif mod.op == "set_cost" then
      local found = false
      for _, c in ipairs(spec.costs) do if c.name == mod.name then found = true end end
      if found then
        spec.cost_sets[#spec.cost_sets + 1] = { name = mod.name, amount = mod.amount, from_year = mod.from_year }
      else
        touched[#touched] = nil
      end
      mod.matched = mod.matched or found
    elseif mod.op == "growth" then
      local last = spec.growths[#spec.growths] or { wage = 0, price = 0 }
      spec.growths[#spec.growths + 1] = { from_year = mod.from or 0,
        wage = mod.wage or last.wage, price = mod.price or last.price }
    elseif mod.op == "population_set" then
      pop_sets[#pop_sets + 1] = mod
    elseif mod.op == "freeze" then
      spec.freeze = mod.date
    elseif mod.op == "param" then
      apply_param(spec, mod, loc)
    elseif mod.op == "merge" then
      spec.mergers = spec.mergers or {}
      spec.mergers[#spec.mergers + 1] = { codes = mod.codes, name = mod.name, date = mod.date }
    elseif mod.op == "population_fn" then
      pop_fns[#pop_fns + 1] = mod.fn
    end
  end
  if #pop_sets == 0 and #pop_fns == 1 and native_projection[pop_fns[1]] and S.use_native_projection then
    spec.projection = native_projection[pop_fns[1]]
  elseif #pop_sets > 0 or #pop_fns > 0 then
    spec.population_fn = function(code, year, pop, pop_year)
      for _, s in ipairs(pop_sets) do
        if s.code == code then
          if type(s.value) == "number" then pop = s.value
          elseif s.value[pop_year] then pop = s.value[pop_year] end
        end
      end
      for _, fn in ipairs(pop_fns) do
        local v = fn(code, year, pop, pop_year)
        if v ~= nil then pop = v end
      end
      return pop
    end
  end
  return spec, touched
end

-- A cooperation's result is reused by every run that gives it the same
-- spec: the same cooperation, the same years and the same modifications
-- touching it (a variant that withdraws a member of one cooperation reuses
-- the parent's results for all the others). Only specs without Lua functions
-- (a custom key, a population function other than the shipped projections)
-- are reused, since a function may answer differently the next time.
-- Results are read-only; the cache holds them weakly.
local result_cache = setmetatable({}, { __mode = "k" })

local function pure_spec(spec)
  if spec.population_fn then return false end
  for _, k in ipairs(spec.keys) do
    for _, c in ipairs(k.key.components) do
      if c.fn then return false end
    end
  end
  return true
end

local mod_ids = 0 -- each modification's number, never reused (an address can be)

-- The results of a scenario's cooperations for from..to: reused where the
-- spec is the same, the others simulated together (on several threads, in C).
-- Returns the list, or nil and the message.
local function simulate_coops(scen, from, to)
  local results, specs, keys, at = {}, {}, {}, {}
  for i, coop in ipairs(scen.coops) do
    local spec, touched = build_spec(coop, scen, from, to)
    local key, hit
    if pure_spec(spec) then
      local ids = { from, to }
      for k, mod in ipairs(touched) do
        if not mod._id then mod_ids = mod_ids + 1; mod._id = mod_ids end
        ids[k + 2] = mod._id
      end
      key = table.concat(ids, " ")
      hit = result_cache[coop] and result_cache[coop][key]
    end
    if hit then
      local ok, msg = core.charge(hit) -- a run holds the rows it reuses (--max-rows)
      if not ok then return nil, msg end
      results[i] = hit
    else
      specs[#specs + 1], keys[#specs + 1], at[#specs + 1] = spec, key or false, i
    end
  end
  if #specs > 0 then
    local made, msg = core.simulate(specs, from, to)
    if not made then return nil, msg end
    for k, r in ipairs(made) do
      local coop = scen.coops[at[k]]
      results[at[k]] = r
      if keys[k] then
        local c = result_cache[coop]
        if not c then c = setmetatable({}, { __mode = "v" }); result_cache[coop] = c end
        c[keys[k]] = r
      end
    end
  end
  return results
end

-- for the parts after this one
S.copy, S.key_spec, S.find_member, S.own, S.apply_param = copy, key_spec, find_member, own, apply_param
S.PARAM_PATHS, S.coop_bases, S.coop_base, S.build_spec, S.result_cache = PARAM_PATHS, coop_bases, coop_base, build_spec, result_cache
S.pure_spec, S.mod_ids, S.simulate_coops = pure_spec, mod_ids, simulate_coops
