-- coopsim_spec.lua: the spec of a cooperation in a scenario, and simulating it (results reused where the spec is the same).
--
-- A part of the scenario API: scripts/coopsim.lua loads it with the core, the
-- report module, the module table M and the parts' shared table S; it uses
-- what the parts before it put in S and adds its own.

local core, report, M, S = ...
local fail_at, getmt, jan1, key_mt, native_projection = S.fail_at, S.getmt, S.jan1, S.key_mt, S.native_projection
local is, parties, party_mt, part_names, POOLS, raw = S.is, S.parties, S.party_mt, S.part_names, S.POOLS, S.raw

---------------------------------------------------------------------------
-- runs

-- Deep copy of plain data (keys keep their functions).
local function copy(t)
  if type(t) ~= "table" or getmt(t) == key_mt then return t end
  local r = {}
  for k, v in pairs(t) do r[k] = copy(v) end
  return r
end

-- The party a scenario names (its object, id, or its name where no
-- municipality bears it at date), or nil.
local function party_named(what, date)
  if is(what, party_mt) then return raw(what) end
  if type(what) ~= "string" then return nil end
  if parties[what] then return parties[what] end
  if core.find(what, date) then return nil end
  for _, p in pairs(parties) do
    if p.name == what then return p end
  end
  return nil
end

-- Entries { member, value } with their members' codes at anchor (or party ids).
local function entries_at(entries, anchor, loc, what)
  local out = {}
  for j, e in ipairs(entries) do
    local p = party_named(e.member, anchor)
    if p then
      out[j] = { code = p.id, value = e.value }
    else
      local m, msg = core.find(e.member, anchor)
      if not m then fail_at(loc, what .. " " .. tostring(e.member) .. ": " .. msg) end
      out[j] = { code = m.code, value = e.value }
    end
  end
  return out
end

local function key_spec(key, anchor, loc)
  local comps = {}
  for i, comp in ipairs(key.components) do
    local c = { kind = comp.kind, amount = comp.amount, fn = comp.fn, table = comp.table,
                column = comp.column, year = comp.year, bands = comp.bands, file = comp.file,
                table_years = comp.table_years, where = comp.where }
    if comp.entries then c.entries = entries_at(comp.entries, anchor, loc, "key entry") end
    comps[i] = c
  end
  local limits
  if key.limits then
    limits = { max = key.limits.max, min = key.limits.min }
    if key.limits.max_for then limits.max_for = entries_at(key.limits.max_for, anchor, loc, "key max_for") end
    if key.limits.min_for then limits.min_for = entries_at(key.limits.min_for, anchor, loc, "key min_for") end
  end
  return { label = key.label, source = key.source, assumption = key.assumption, components = comps,
           limits = limits, where = key.where, description = key.description }
end

-- Finds the coop member matching `member` at date: same code, or a code
-- that the member's code has become by then; or a part of a member that was
-- split (then also that part's code).
local function find_member(spec, member, date, loc)
  local p = party_named(member, date)
  if p then
    for i, x in ipairs(spec.members) do
      if x.code == p.id then return i end
    end
    return nil, { code = p.id, name = p.name, party = p }
  end
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

-- A parameter set by cs.sweep / cs.solve (and s:set), by path:
--   key.PART                   a part of the key (its names: key.equal, key.population,
--                              key.by:timer, key.equal#2, ...): the part's fraction, the other
--                              parts of the key scaled in proportion so they still sum to 1
--                              (exactly); for base_plus_rate and per_capita key.base, key.rate
--   key.max, key.min           a capped key's limits
--   growth.wage, growth.price  growth per year from the base year
--   cost.NAME, grant.NAME      a cost line's amount (or rate) / a grant's amount
--   SERVICE/key.PART           with services, the key of that service
local apply_param
local PARAM_PATHS = "key.PART (key.equal, key.population, key.by:COLUMN, ...), key.base, key.rate, key.max, key.min, growth.wage, growth.price, cost.NAME, grant.NAME; with services SERVICE/key.PART"

-- Sets pool i of comps to v and scales the other pools so that the pools
-- still sum to 1: each times (1 - v) / (1 - its old share), exactly. Two
-- pools: the other gets 1 - v. An error message, or nil (and "alone" for a
-- key of one pool, which is left as it is).
local function set_pool(comps, i, v)
  local pools = {}
  for j, c in ipairs(comps) do
    if POOLS[c.kind] then pools[#pools + 1] = j end
  end
  if #pools < 2 then return nil, "alone" end -- a key of one part: nothing to vary here
  if core.q("cmp", v, 0) < 0 or core.q("cmp", v, 1) > 0 then return "a share is between 0 and 1" end
  local rest = core.q("sub", 1, comps[i].amount)
  local left = core.q("sub", 1, v)
  if #pools == 2 then
    for _, j in ipairs(pools) do
      if j ~= i then comps[j].amount = left end
    end
  elseif core.q("cmp", rest, 0) == 0 then
    return "the other parts are all 0: there is nothing to scale"
  else
    local f = core.q("div", left, rest)
    for _, j in ipairs(pools) do
      if j ~= i then comps[j].amount = core.q("mul", comps[j].amount, f) end
    end
  end
  comps[i].amount = v
  return nil
end

apply_param = function(spec, mod, loc)
  local path, service = mod.path, nil
  if spec.services then
    for si, sv in ipairs(spec.services) do
      if path:sub(1, #sv.name + 1) == sv.name .. "/" then service, path = si, path:sub(#sv.name + 2) end
    end
  end
  local kind, name = path:match("^(%a+)%.(.+)$")
  local v = mod.value
  local found = false
  if kind == "key" then
    if spec.services and not service then
      fail_at(loc, string.format("%s has services: name the service in the path (%s/%s)", spec.name,
        spec.services[1].name, mod.path))
    end
    for _, k in ipairs(own(spec, "keys")) do
      if k.service == service then
        local comps, names = k.key.components, part_names(k.key)
        for i, c in ipairs(comps) do
          if names[i] == name and POOLS[c.kind] then
            local err, alone = set_pool(comps, i, v)
            if err then fail_at(loc, string.format("%s = %s: %s", mod.path, tostring(v), err)) end
            found = found or not alone
          elseif (name == "base" or name == "rate") and c.kind == name then
            c.amount, found = v, true
          end
        end
        if (name == "max" or name == "min") and k.key.limits and k.key.limits[name] then
          k.key.limits[name], found = v, true
        end
      end
    end
  elseif service then
    found = false
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

-- A party as the core takes it: its name and its municipalities' codes at
-- anchor, or its population (one figure, or by year).
local function party_spec(p, anchor, loc)
  local out = { name = p.name }
  if p.municipalities then
    out.munis = {}
    for i, m in ipairs(p.municipalities) do
      local r, msg = core.find(m, anchor)
      if not r then fail_at(loc, "party " .. p.id .. ": municipality " .. i .. ": " .. msg) end
      out.munis[i] = r.code
    end
  elseif type(p.population) == "table" then
    out.pops = {}
    for y, n in pairs(p.population) do out.pops[#out.pops + 1] = { year = y, n = n } end
    table.sort(out.pops, function(a, b) return a.year < b.year end)
  else
    out.pop = p.population
  end
  return out
end

local function coop_base(coop, anchor)
  local b = coop_bases[coop]
  if b and b.anchor == anchor then return b end
  local host, host_party
  if coop.host_party then
    host, host_party = coop.host_party, true
  elseif coop.host then
    local h, msg = core.find(coop.host, anchor)
    if not h then fail_at(coop.where, "host: " .. msg) end
    host = h.code
  end
  -- the payee: a party (by its name), a municipality followed like a member,
  -- or any other text as written
  local payee, payee_code
  if coop.payee then
    local p = party_named(coop.payee, anchor)
    if p then
      payee = p.name
    else
      local m, msg, how = core.find(coop.payee, anchor)
      if m then payee_code = m.code
      elseif how == "ambiguous" then fail_at(coop.where, "payee: " .. msg)
      else payee = coop.payee end
    end
  end
  local members, listed = {}, {}
  for i, m in ipairs(coop.members) do
    local code, party = m.code, nil
    if m.party then
      party = party_spec(m.party, anchor, coop.where)
    elseif not code then
      local r, msg = core.find(m.given, anchor)
      if not r then fail_at(coop.where, "member " .. i .. ": " .. msg) end
      code = r.code
    end
    if listed[code] then fail_at(coop.where, "member " .. code .. " is listed twice") end
    listed[code] = true
    members[i] = { code = code, given = m.given, anchor = anchor, party = party }
  end
  local keys, services = {}, nil
  if coop.services then
    services = {}
    for si, sv in ipairs(coop.services) do
      local list
      if sv.members then
        list = {}
        for k, given in ipairs(sv.members) do
          local p = party_named(given, anchor)
          local code = p and p.id
          if not code then
            local r, msg = core.find(given, anchor)
            if not r then fail_at(coop.where, "service " .. sv.name .. ": member " .. k .. ": " .. msg) end
            code = r.code
          end
          if not listed[code] then
            fail_at(coop.where, "service " .. sv.name .. ": " .. tostring(given) .. " (" .. code .. ") is not a member of " .. coop.name)
          end
          list[k] = code
        end
      end
      services[si] = { name = sv.name, members = list }
      keys[si] = { from_year = 0, key = key_spec(sv.key, anchor, coop.where), service = si }
    end
  else
    keys[1] = { from_year = 0, key = key_spec(coop.key, anchor, coop.where) }
  end
  b = { anchor = anchor, members = members, host = host, host_party = host_party, payee = payee,
        payee_code = payee_code, keys = keys, services = services }
  coop_bases[coop] = b
  return b
end

local function build_spec(coop, scen, from, to)
  local anchor = coop.anchor or jan1(coop.base_year or from)
  local base = coop_base(coop, anchor)
  local keys = {}
  for i, k in ipairs(base.keys) do keys[i] = k end
  local spec = {
    name = coop.name, payee = base.payee, payee_code = base.payee_code, host_party = base.host_party,
    services = base.services,
    period_from = coop.period_from, period_to = coop.period_to,
    base_year = coop.base_year, population_date = coop.population_date,
    population_year = coop.population_year,
    notice_months = coop.notice_months, notice_from = coop.notice_from,
    exit_year = coop.exit_year, merger = coop.merger, split = coop.split, prorate = coop.prorate,
    due_month = coop.due_month, due_day = coop.due_day, invoices = coop.invoices, settle = coop.settle,
    costs = coop.costs, grants = coop.grants, members = base.members, host = base.host,
    resolution = anchor, -- the keys' codes are followed from here (core/lua_coopsim.c)
    keys = keys,
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
        members[#members + 1] = { code = m.code, given = m.party and m.party.id or mod.member, anchor = mod.date,
                                  joined = true, party = m.party and party_spec(m.party, mod.date, loc) }
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
      -- the cooperation's key, or with services the service's
      local service
      for si, sv in ipairs(spec.services or {}) do
        if sv.name == mod.service then service = si end
      end
      if (mod.service == nil) == (spec.services == nil) and (mod.service == nil or service) then
        local keys = own(spec, "keys")
        -- its codes at 1 January of its first year (SPEC 7.1), not before the cooperation's
        local at = jan1(mod.from_year)
        if at < anchor then at = anchor end
        keys[#keys + 1] = { from_year = mod.from_year, key = key_spec(mod.key, at, loc), resolution = at,
                            service = service }
        mod.matched = true
      else
        touched[#touched] = nil
      end
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
    elseif mod.op == "accounts" then
      -- a year's accounts (SPEC 7.3); a later call for the same year and
      -- service replaces (in C), so the order is the scenario's
      if mod.coop == coop then
        local service
        for si, sv in ipairs(spec.services or {}) do
          if sv.name == mod.service then service = si end
        end
        spec.accounts = spec.accounts or {}
        spec.accounts[#spec.accounts + 1] = { year = mod.year, service = service, cost = mod.cost, grants = mod.grants }
      else
        touched[#touched] = nil
      end
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
-- Returns the list and each cooperation's spec (for the linter), or nil and
-- the message.
local function simulate_coops(scen, from, to)
  local results, specs, keys, at, all = {}, {}, {}, {}, {}
  for i, coop in ipairs(scen.coops) do
    local spec, touched = build_spec(coop, scen, from, to)
    all[i] = spec
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
  return results, all
end

-- for the parts after this one
S.copy, S.key_spec, S.find_member, S.own, S.apply_param = copy, key_spec, find_member, own, apply_param
S.PARAM_PATHS, S.coop_bases, S.coop_base, S.build_spec, S.result_cache = PARAM_PATHS, coop_bases, coop_base, build_spec, result_cache
S.pure_spec, S.mod_ids, S.simulate_coops = pure_spec, mod_ids, simulate_coops
