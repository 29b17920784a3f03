-- coopsim_cooperation.lua: cooperations (cs.cooperation).
--
-- A part of the scenario API: scripts/coopsim.lua loads it with the core, the
-- report module, the module table M and the parts' shared table S; it uses
-- what the parts before it put in S and adds its own.

local core, report, M, S = ...
local check_date, check_fields, check_key, check_list, check_name, check_number = S.check_date, S.check_fields, S.check_key, S.check_list, S.check_name, S.check_number
local check_year, fail, jan1, names_list, readonly, resolve = S.check_year, S.fail, S.jan1, S.names_list, S.readonly, S.resolve
local set, show, where = S.set, S.show, S.where
local resolve_member, is, party_mt = S.resolve_member, S.is, S.party_mt

---------------------------------------------------------------------------
-- cooperations

local coop_mt = { __name = "coopsim.cooperation", __metatable = false }
coop_mt.__index = coop_mt
coop_mt.__tostring = function(c)
  local names = {}
  for _, m in ipairs(c.members) do names[#names + 1] = m.given end
  local keys
  if c.services then
    local list = {}
    for _, sv in ipairs(c.services) do list[#list + 1] = sv.name .. ": " .. tostring(sv.key) end
    keys = "services " .. table.concat(list, "; ")
  else
    keys = "key: " .. tostring(c.key)
  end
  return string.format("cooperation %q: %d members (%s); %s", c.name, #c.members,
    table.concat(names, ", "), keys)
end

local COOP_FIELDS = set {
  "name", "host", "payee", "members", "costs", "grants", "key", "population_date", "notice",
  "period", "base_year", "growth", "exit_year", "merger", "split", "due", "prorate", "assumption",
  "services", "invoices", "settle",
}
local SERVICE_FIELDS = set { "name", "costs", "grants", "key", "members" }
local COST_FIELDS = set { "name", "amount", "growth", "rate", "of", "assumption" }
local GRANT_FIELDS = set { "name", "amount", "from", "to", "cap", "covers" }

local function check_cost(c, i)
  local what = "cost line " .. i
  check_fields(c, COST_FIELDS, what)
  if type(c.name) ~= "string" or c.name == "" then fail("%s needs a name", what) end
  check_name(c.name, what .. ": name")
  if c.assumption ~= nil then check_name(c.assumption, what .. ": assumption") end
  what = "cost line '" .. c.name .. "'"
  if c.rate ~= nil then
    if c.amount ~= nil then fail("%s has both amount and rate", what) end
    check_number(c.rate, what .. ": rate")
    if type(c.of) ~= "table" or #c.of == 0 then fail("%s: rate needs `of`, the lines it applies to", what) end
    c = { name = c.name, rate = c.rate, of = names_list(c.of, what .. ": of"), assumption = c.assumption }
    if c.growth ~= nil then fail("%s: a rate line grows with the lines it is a rate of; remove growth", what) end
  else
    if c.amount == nil then fail("%s needs amount or rate", what) end
    check_number(c.amount, what .. ": amount")
    if c.growth ~= nil and c.growth ~= "wage" and c.growth ~= "price" and c.growth ~= "none" then
      fail("%s: growth must be \"wage\", \"price\" or \"none\", got %s", what, show(c.growth))
    end
  end
  return { name = c.name, amount = c.amount, rate = c.rate, of = c.of,
           growth = c.growth ~= "none" and c.growth or nil, assumption = c.assumption }
end

local function check_grant(g, i)
  local what = "grant " .. i
  check_fields(g, GRANT_FIELDS, what)
  if type(g.name) ~= "string" or g.name == "" then fail("%s needs a name", what) end
  check_name(g.name, what .. ": name")
  what = "grant '" .. g.name .. "'"
  check_number(g.amount, what .. ": amount")
  local from = check_year(g.from, what .. ": from")
  local to = check_year(g.to, what .. ": to")
  if to < from then fail("%s: last year %d precedes first year %d", what, to, from) end
  if g.cap ~= nil then check_number(g.cap, what .. ": cap") end
  if g.covers ~= nil and type(g.covers) ~= "table" then fail("%s: covers must be a list of cost lines", what) end
  return { name = g.name, amount = g.amount, from = from, to = to, cap = g.cap,
           covers = g.covers and names_list(g.covers, what .. ": covers") }
end

--- cs.cooperation { name, host, members, costs, grants, key, ... }
function M.cooperation(def)
  check_fields(def, COOP_FIELDS, "cs.cooperation")
  local c = setmetatable({ where = where() }, coop_mt)
  if type(def.name) ~= "string" or def.name == "" then fail("cs.cooperation needs a name") end
  c.name = check_name(def.name, "cooperation name")
  if def.period ~= nil then
    check_fields(def.period, set { "from", "to" }, "period")
    c.period_from = check_date(def.period.from, "period.from")
    if def.period.to ~= nil then
      c.period_to = check_date(def.period.to, "period.to")
      if c.period_to < c.period_from then fail("period ends (%s) before it starts (%s)", c.period_to, c.period_from) end
    end
  end
  if def.base_year ~= nil then c.base_year = check_year(def.base_year, "base_year") end
  -- members and host are resolved at the agreement's start, else 1 January
  -- of the base year, else of the run's first year (at run time)
  c.anchor = c.period_from or (c.base_year and jan1(c.base_year))
  if type(def.members) ~= "table" or #def.members == 0 then fail("cs.cooperation needs a list of members") end
  local members = check_list(def.members, "members")
  c.members = {}
  local seen = {}
  for i, m in ipairs(members) do
    local given = math.type(m) == "integer" and string.format("%04d", m) or m
    if type(given) ~= "string" and not is(given, party_mt) then
      fail("member %d must be a code or name, got %s", i, show(m))
    end
    local r = resolve_member(given, c.anchor, "member " .. i)
    if r.party then given = r.party.id end
    local entry = { given = given, party = r.party }
    if c.anchor or r.party then
      if seen[r.code] then fail("member %s is listed twice (as %s and %s)", r.code, seen[r.code], given) end
      seen[r.code] = given
      entry.code, entry.name = r.code, r.name
    end
    -- (no date yet: the code or name exists; it is resolved at run time)
    c.members[i] = entry
  end
  if def.host ~= nil then
    c.host = def.host
    local h = resolve_member(def.host, c.anchor, "host")
    if h.party then c.host_party = h.party.id
    elseif c.anchor then c.host_code = h.code end
  end
  if def.payee ~= nil then
    -- a municipality or party is followed like a member (coopsim_spec.lua);
    -- any other text is kept as written
    c.payee = check_name(def.payee, "payee")
  end
  -- cost lines and grants: the cooperation's, or each service's
  local function lines_and_grants(costs, grants, service, where_)
    local out_c, out_g = {}, {}
    for i, cost in ipairs(check_list(costs or {}, where_ .. "costs")) do
      out_c[i] = check_cost(cost, i)
      out_c[i].service = service
    end
    for i, g in ipairs(check_list(grants or {}, where_ .. "grants")) do
      out_g[i] = check_grant(g, i)
      out_g[i].service = service
    end
    return out_c, out_g
  end
  c.costs, c.grants = {}, {}
  local services_of = {} -- a line's service, by name
  if def.services ~= nil then
    for _, f in ipairs { "costs", "grants", "key" } do
      if def[f] ~= nil then
        fail("cs.cooperation: with services, %s belong to each service (give them in services, not beside)", f)
      end
    end
    local list = check_list(def.services, "services")
    if #list == 0 then fail("cs.cooperation: services is empty") end
    c.services = {}
    for i, sv in ipairs(list) do
      check_fields(sv, SERVICE_FIELDS, "service " .. i)
      if type(sv.name) ~= "string" or sv.name == "" then fail("service %d needs a name", i) end
      check_name(sv.name, "service " .. i .. ": name")
      if sv.name:find("/", 1, true) then
        fail("service %s: a service's name has no '/' (parts are named SERVICE/PART)", show(sv.name))
      end
      for j = 1, i - 1 do
        if c.services[j].name == sv.name then fail("service %s is given twice", show(sv.name)) end
      end
      if sv.key == nil then fail("service %s needs a key", show(sv.name)) end
      local entry = { name = sv.name, key = check_key(sv.key, "service " .. sv.name .. ": key") }
      local costs, grants = lines_and_grants(sv.costs, sv.grants, i, "service " .. sv.name .. ": ")
      for _, x in ipairs(costs) do c.costs[#c.costs + 1] = x; services_of[x.name] = i end
      for _, x in ipairs(grants) do c.grants[#c.grants + 1] = x end
      if sv.members ~= nil then
        local given = check_list(sv.members, "service " .. sv.name .. ": members")
        entry.members = {}
        local in_service = {}
        for k, m in ipairs(given) do
          local r = resolve_member(m, c.anchor, "service " .. sv.name .. ": member " .. k)
          local found = false
          for _, x in ipairs(c.members) do
            if (x.code and x.code == r.code) or x.given == m then found = true end
          end
          if not found and c.anchor then
            fail("service %s: %s is not a member of %s", show(sv.name), show(m), c.name)
          end
          if in_service[r.code] then fail("service %s lists %s twice", show(sv.name), r.code) end
          in_service[r.code] = true
          entry.members[k] = math.type(m) == "integer" and string.format("%04d", m) or m
        end
      end
      c.services[i] = entry
    end
  else
    c.costs, c.grants = lines_and_grants(def.costs, def.grants, nil, "")
  end
  local names = {}
  for _, cost in ipairs(c.costs) do
    if names[cost.name] then fail("cost line '%s' is given twice (names are unique across services)", cost.name) end
    names[cost.name] = true
  end
  for _, cost in ipairs(c.costs) do
    for _, of in ipairs(cost.of or {}) do
      if not names[of] then fail("cost line '%s' is a rate of '%s', which is no cost line", cost.name, tostring(of)) end
      if services_of[of] ~= services_of[cost.name] then
        fail("cost line '%s' is a rate of '%s', a line of another service", cost.name, tostring(of))
      end
    end
  end
  local gnames = {}
  for _, g in ipairs(c.grants) do
    if gnames[g.name] then fail("grant '%s' is given twice (names are unique across services)", g.name) end
    gnames[g.name] = true
    for _, cov in ipairs(g.covers or {}) do
      if not names[cov] then fail("grant '%s' covers '%s', which is no cost line", g.name, tostring(cov)) end
      if c.services and services_of[cov] ~= g.service then
        fail("grant '%s' of service %s covers '%s', a line of service %s: a grant covers lines of its own service",
          g.name, show(c.services[g.service].name), cov, show(c.services[services_of[cov]].name))
      end
    end
  end
  if not c.services then
    if def.key == nil then fail("cs.cooperation needs a key (e.g. cs.keys.split { equal = 0.2, population = 0.8 })") end
    c.key = check_key(def.key, "key")
  end
  local pd = def.population_date
  if pd == nil or pd == "jan1_previous_year" or pd == "jan1_budget_year" then
    c.population_date = pd or "jan1_previous_year"
  elseif type(pd) == "table" then
    check_fields(pd, set { "year" }, "population_date")
    c.population_date = "fixed"
    c.population_year = check_year(pd.year, "population_date.year")
  else
    fail("population_date must be \"jan1_previous_year\", \"jan1_budget_year\" or { year = N }, got %s", show(pd))
  end
  if def.notice ~= nil then
    check_fields(def.notice, set { "months", "from" }, "notice")
    c.notice_months = math.tointeger(check_number(def.notice.months, "notice.months", { integer = true, max = 1200 }))
    local from = def.notice.from or "next_jan1"
    if from ~= "next_jan1" and from ~= "notice_date" then
      fail("notice.from must be \"next_jan1\" or \"notice_date\", got %s", show(from))
    end
    c.notice_from = from
  end
  if def.growth ~= nil then
    check_fields(def.growth, set { "wage", "price" }, "growth")
    c.growth = { wage = def.growth.wage or 0, price = def.growth.price or 0 }
    check_number(c.growth.wage, "growth.wage", { negative = true })
    check_number(c.growth.price, "growth.price", { negative = true })
  end
  if def.exit_year ~= nil and def.exit_year ~= "full" and def.exit_year ~= "months" then
    fail("exit_year must be \"full\" or \"months\", got %s", show(def.exit_year))
  end
  c.exit_year = def.exit_year or "full"
  if def.merger ~= nil and def.merger ~= "whole" and def.merger ~= "member_part" and def.merger ~= "error" then
    fail("merger must be \"whole\", \"member_part\" or \"error\", got %s", show(def.merger))
  end
  c.merger = def.merger or "whole"
  if def.split ~= nil and def.split ~= "successors" and def.split ~= "error" then
    fail("split must be \"successors\" or \"error\", got %s", show(def.split))
  end
  c.split = def.split or "successors"
  if def.due ~= nil then
    local mo, d = tostring(def.due):match("^(%d%d)%-(%d%d)$")
    if not mo or not core.valid_date("2001-" .. def.due) then
      fail("due must be \"MM-DD\" (e.g. \"01-15\"), got %s", show(def.due))
    end
    c.due_month, c.due_day = tonumber(mo), tonumber(d)
  end
  -- the money cycle (SPEC 7.3)
  if def.invoices ~= nil then
    if def.due ~= nil then
      fail("give `invoices` (the instalment dates) or `due`, not both (due = %s, invoices = { ... })", show(def.due))
    end
    if type(def.invoices) ~= "table" or #def.invoices == 0 then
      fail("invoices must be a list of dates \"MM-DD\" (e.g. { \"01-31\", \"07-31\" }), got %s", show(def.invoices))
    end
    local list = {}
    for i, d in ipairs(def.invoices) do list[i] = d end
    local ok, msg = core.invoice_dates(list)
    if not ok then fail("%s", msg) end
    c.invoices = list
  end
  if def.settle ~= nil and def.settle ~= "next_year" and def.settle ~= "none" then
    fail("settle must be \"next_year\" or \"none\", got %s", show(def.settle))
  end
  c.settle = def.settle
  if def.prorate ~= nil and type(def.prorate) ~= "boolean" then fail("prorate must be true or false") end
  c.prorate = def.prorate ~= false
  if def.assumption ~= nil then check_name(def.assumption, "assumption") end
  c.assumption = def.assumption
  return readonly(c)
end

-- for the parts after this one
S.coop_mt, S.COOP_FIELDS, S.COST_FIELDS, S.GRANT_FIELDS, S.check_cost = coop_mt, COOP_FIELDS, COST_FIELDS, GRANT_FIELDS, check_cost
S.check_grant = check_grant
