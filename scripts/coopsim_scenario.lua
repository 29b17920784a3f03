-- coopsim_scenario.lua: scenarios and their modifications.
--
-- A part of the scenario API: scripts/coopsim.lua loads it with the core, the
-- report module, the module table M and the parts' shared table S; it uses
-- what the parts before it put in S and adds its own.

local core, report, M, S = ...
local check_date, check_fields, check_key, check_list, check_name, check_number = S.check_date, S.check_fields, S.check_key, S.check_list, S.check_name, S.check_number
local check_year, coop_mt, fail, is, pct, raw = S.check_year, S.coop_mt, S.fail, S.is, S.pct, S.raw
local readonly, resolve, set, show, where = S.readonly, S.resolve, S.set, S.show, S.where
local resolve_member = S.resolve_member

---------------------------------------------------------------------------
-- scenarios

local scenario_mt = { __name = "coopsim.scenario", __metatable = false }
scenario_mt.__index = scenario_mt
scenario_mt.__tostring = function(s)
  local ops = {}
  for _, m in ipairs(s.mods) do ops[#ops + 1] = m.text end
  return string.format("scenario %q (%d cooperation%s%s)", s.name, #s.coops, #s.coops == 1 and "" or "s",
    #ops > 0 and ("; " .. table.concat(ops, "; ")) or "")
end

--- cs.scenario(name, { coop, ... })
function M.scenario(name, coops)
  if type(name) ~= "string" then fail("cs.scenario needs a name") end
  check_name(name, "scenario name")
  if is(coops, coop_mt) then coops = { coops } end
  if type(coops) ~= "table" or #coops == 0 then fail("cs.scenario needs a list of cooperations") end
  local list, seen, named = {}, {}, {}
  for i, c in ipairs(coops) do
    if not is(c, coop_mt) then fail("cooperation %d is not from cs.cooperation", i) end
    c = raw(c)
    if seen[c] then fail("cooperation %d (%s) is listed twice", i, c.name) end
    -- the reports, the store and the comparisons tell a run's cooperations
    -- apart by name: two of one name would be added up as one
    if named[c.name] then
      fail("cooperations %d and %d are both named %q; give each a name of its own", named[c.name], i, c.name)
    end
    seen[c] = true
    named[c.name] = i
    list[i] = c
  end
  return readonly(setmetatable({ name = name, coops = list, mods = {} }, scenario_mt))
end

--- s:fork(name) -> a new scenario with the same modifications so far
function scenario_mt:fork(name)
  if type(name) ~= "string" then fail("fork needs a name") end
  check_name(name, "fork: scenario name")
  local mods = {}
  for i, m in ipairs(self.mods) do mods[i] = m end
  return setmetatable({ name = name, coops = self.coops, mods = mods, parent = self }, scenario_mt)
end

local function add_mod(s, mod)
  mod.where = where()
  s.mods[#s.mods + 1] = mod
  return s
end

--- s:withdraw(member, notice_date)
function scenario_mt:withdraw(member, date)
  check_date(date, "withdraw: notice date")
  resolve_member(member, date, "withdraw")
  return add_mod(self, { op = "withdraw", member = member, date = date,
                         text = "withdraw " .. tostring(member) .. " (notice " .. date .. ")" })
end

--- s:join(member, date)
function scenario_mt:join(member, date)
  check_date(date, "join: date")
  resolve_member(member, date, "join")
  return add_mod(self, { op = "join", member = member, date = date,
                         text = "join " .. tostring(member) .. " " .. date })
end

--- s:end_grant(name, last_year) / s:extend_grant(name, last_year)
function scenario_mt:end_grant(name, last_year)
  if type(name) ~= "string" then fail("end_grant needs the grant's name") end
  check_year(last_year, "end_grant: last year")
  return add_mod(self, { op = "grant_end", name = name, last_year = math.tointeger(last_year),
                         text = "grant " .. name .. " ends after " .. last_year })
end

function scenario_mt:extend_grant(name, last_year)
  if type(name) ~= "string" then fail("extend_grant needs the grant's name") end
  check_year(last_year, "extend_grant: last year")
  return add_mod(self, { op = "grant_end", name = name, last_year = math.tointeger(last_year),
                         text = "grant " .. name .. " runs until " .. last_year })
end

--- s:set_key(key, from_year, service): with services, the service's key
function scenario_mt:set_key(key, from_year, service)
  check_key(key, "set_key: key")
  check_year(from_year, "set_key: from year")
  if service ~= nil then check_name(service, "set_key: service") end
  for _, c in ipairs(self.coops) do
    if c.services and service == nil then
      fail("set_key: %s has services: name the service (set_key(key, %d, \"%s\"))", c.name,
        math.tointeger(from_year), c.services[1].name)
    end
  end
  return add_mod(self, { op = "set_key", key = key, from_year = math.tointeger(from_year), service = service,
                         text = "key " .. tostring(key) .. " from " .. from_year ..
                           (service and (" for service " .. service) or "") })
end

--- s:set_cost(name, amount, from_year)
function scenario_mt:set_cost(name, amount, from_year)
  if type(name) ~= "string" then fail("set_cost needs the cost line's name") end
  check_number(amount, "set_cost: amount")
  check_year(from_year, "set_cost: from year")
  return add_mod(self, { op = "set_cost", name = name, amount = amount, from_year = math.tointeger(from_year),
                         text = "cost " .. name .. " = " .. tostring(amount) .. " from " .. from_year })
end

--- s:growth { wage = 0.04, price = 0.03 [, from = year] }
function scenario_mt:growth(opts)
  check_fields(opts, set { "wage", "price", "from" }, "growth")
  if opts.wage ~= nil then check_number(opts.wage, "growth.wage", { negative = true }) end
  if opts.price ~= nil then check_number(opts.price, "growth.price", { negative = true }) end
  if opts.from ~= nil then check_year(opts.from, "growth.from") end
  local parts = {}
  if opts.wage then parts[#parts + 1] = "wage " .. pct(opts.wage) end
  if opts.price then parts[#parts + 1] = "price " .. pct(opts.price) end
  return add_mod(self, { op = "growth", wage = opts.wage, price = opts.price, from = opts.from,
                         text = "growth " .. table.concat(parts, ", ") })
end

--- s:population(code, value_or_table) or s:population(function(code, year, pop, pop_year) ... end)
function scenario_mt:population(a, b)
  if type(a) == "function" then
    return add_mod(self, { op = "population_fn", fn = a, text = "population projection" })
  end
  local m = resolve_member(a, nil, "population")
  if type(b) == "number" then
    check_number(b, "population", { integer = true })
  elseif type(b) == "table" then
    local values = {} -- a copy: what was checked is what is used
    for y, v in pairs(b) do
      y = check_year(y, "population year")
      values[y] = math.tointeger(check_number(v, "population for " .. tostring(y), { integer = true }))
    end
    b = values
  else
    fail("population(code, value) needs a number or a { [year] = value } table, got %s", show(b))
  end
  return add_mod(self, { op = "population_set", member = a, code = m.code, value = b,
                         text = "population of " .. tostring(a) .. " set" })
end

--- s:merge({ "Grane", "Hattfjelldal" }, "Indre Helgeland", "2026-01-01"): a hypothetical merger
function scenario_mt:merge(codes, new_name, date)
  if type(codes) ~= "table" then fail("merge needs a list of at least two municipalities") end
  codes = check_list(codes, "merge: municipalities")
  if #codes < 2 then fail("merge needs a list of at least two municipalities") end
  if type(new_name) ~= "string" or new_name == "" then fail("merge needs the new municipality's name") end
  check_name(new_name, "merge: name")
  check_date(date, "merge: date")
  -- the parts as they are the day before the merger
  local before = core.add_days(date, -1)
  local resolved, names = {}, {}
  for i, c in ipairs(codes) do
    local m = resolve(c, before, "merge: municipality " .. i)
    for j = 1, i - 1 do
      if resolved[j] == m.code then
        fail("merge: %s %s is listed twice (as %s and %s)", m.code, m.name, show(codes[j]), show(c))
      end
    end
    resolved[i] = m.code
    names[i] = m.name
  end
  return add_mod(self, { op = "merge", codes = resolved, name = new_name, date = date,
                         text = "merge " .. table.concat(names, " + ") .. " into " .. new_name .. " " .. date })
end

--- s:accounts(year, { cost = n [, grants = n] [, cooperation = name] [, service = name] }):
--- a year's actual totals (regnskap, SPEC 7.3), never pro-rated; a later
--- call for the same year, cooperation and service replaces an earlier one
local ACCOUNTS_FIELDS = set { "cost", "grants", "cooperation", "service" }
function scenario_mt:accounts(year, opts)
  year = check_year(year, "accounts: year")
  if type(opts) ~= "table" then
    fail("accounts(%d, { cost = n [, grants = n] }) needs its figures as a table, got %s", year, show(opts))
  end
  check_fields(opts, ACCOUNTS_FIELDS, "accounts")
  if opts.cost == nil then fail("accounts for %d: cost is missing (the year's actual cost)", year) end
  check_number(opts.cost, "accounts for " .. year .. ": cost")
  if opts.grants ~= nil then check_number(opts.grants, "accounts for " .. year .. ": grants") end
  local coop
  if opts.cooperation == nil then
    if #self.coops > 1 then
      local names = {}
      for i, c in ipairs(self.coops) do names[i] = show(c.name) end
      fail("accounts for %d: the scenario has %d cooperations: name one (cooperation = %s)", year, #self.coops,
        table.concat(names, ", "))
    end
    coop = self.coops[1]
  else
    check_name(opts.cooperation, "accounts: cooperation")
    for _, c in ipairs(self.coops) do
      if c.name == opts.cooperation then coop = c end
    end
    if not coop then fail("accounts for %d: %s is no cooperation of the scenario", year, show(opts.cooperation)) end
  end
  local service
  if coop.services then
    if opts.service == nil then
      fail("accounts for %d: %s has services: give each service's accounts (service = %s)", year, coop.name,
        show(coop.services[1].name))
    end
    check_name(opts.service, "accounts: service")
    for si, sv in ipairs(coop.services) do
      if sv.name == opts.service then service = si end
    end
    if not service then fail("accounts for %d: %s has no service %s", year, coop.name, show(opts.service)) end
  elseif opts.service ~= nil then
    fail("accounts for %d: %s has no services (service = %s)", year, coop.name, show(opts.service))
  end
  if opts.grants == nil then
    for _, g in ipairs(coop.grants) do
      if g.from <= year and year <= g.to and (not service or g.service == service) then
        fail("accounts for %d: %s has grant '%s' that year: give grants (0 when none came)", year, coop.name, g.name)
      end
    end
  end
  return add_mod(self, { op = "accounts", coop = coop, year = year, service = opts.service, cost = opts.cost,
                         grants = opts.grants,
                         text = "accounts " .. year .. (#self.coops > 1 and (" of " .. coop.name) or "") ..
                           (opts.service and (" for service " .. opts.service) or "") })
end

--- s:no_reform(date): the counterfactual with the municipal structure frozen at date
function scenario_mt:no_reform(date)
  check_date(date, "no_reform: date")
  return add_mod(self, { op = "freeze", date = date, text = "no reform after " .. date })
end

-- for the parts after this one
S.scenario_mt, S.add_mod = scenario_mt, add_mod
