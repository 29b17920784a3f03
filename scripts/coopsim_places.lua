-- coopsim_places.lua: municipalities, populations and projections.
--
-- A part of the scenario API: scripts/coopsim.lua loads it with the core, the
-- report module, the module table M and the parts' shared table S; it uses
-- what the parts before it put in S and adds its own.

local core, report, M, S = ...
local check_number, date_of, fail, jan1, show = S.check_number, S.date_of, S.fail, S.jan1, S.show
local check_fields, check_list, check_name, check_year, set, where = S.check_fields, S.check_list, S.check_name, S.check_year, S.set, S.where
local is, raw, readonly = S.is, S.raw, S.readonly

---------------------------------------------------------------------------
-- municipalities

-- Municipalities valid now, for completion in the REPL (no message names it).
local LATEST = "9999-12-30"

-- A code or name at date; without a date, the code's or name's latest
-- period (a check before the resolution date is known).
local function resolve(what, date, label)
  if type(what) == "number" and math.type(what) == "integer" then what = string.format("%04d", what) end
  if type(what) ~= "string" then fail("%s must be a municipality code or name, got %s", label, show(what)) end
  local m, msg = core.find(what, date)
  if not m then fail("%s: %s", label, msg) end
  return m
end

local muni_mt = {
  __name = "coopsim.municipality", __metatable = false,
  __tostring = function(m)
    return string.format("%s %s (%s, %s)", m.code, m.name, m.county ~= "" and m.county or m.county_code,
      m.valid_to and ("valid " .. m.valid_from .. " to " .. m.valid_to) or ("since " .. m.valid_from))
  end,
}

--- cs.municipality(code_or_name [, date]) -> { code, name, county, ... }
--- (without a date: the code's or name's latest period)
function M.municipality(what, date)
  date = date and date_of(date, "date") or nil
  return setmetatable(resolve(what, date, "municipality"), muni_mt)
end

--- cs.population(code_or_name, date_or_year [, as_of]) -> inhabitants on 1 January
--- of the territory as on as_of (default: the date), and the figure's source
--- ("registry", "predecessors" or "proxy"). A name is resolved at as_of;
--- as_of before the date gives no_reform's proxy once the territory merged.
function M.population(what, date, as_of)
  if date == nil then fail("cs.population needs a date or year (1 January)") end
  date = date_of(date, "date")
  if date:sub(6) ~= "01-01" then fail("population is counted on 1 January, got %s", show(date)) end
  as_of = as_of ~= nil and date_of(as_of, "as_of") or date
  local m = resolve(what, as_of, "municipality")
  local n, source = core.population_of(m.code, as_of, tonumber(date:sub(1, 4)), as_of < date)
  if not n then fail("%s", source) end
  return n, source
end

--- cs.projection: population functions for years past the registry (use with
--- s:population(fn)); they change nothing where SSB has a figure.
M.projection = {}

local function last_figure(code)
  local _, last = core.population_years()
  local n = core.population_of(code, jan1(last), last)
  return n, last
end

-- The shipped projections, for the C core to compute the same figures
-- itself when one of them is a scenario's only population function
-- (core/lua_coopsim.c, projection_cb): a call into Lua per member and year
-- costs more than the rest of a long run.
local native_projection = setmetatable({}, { __mode = "k" })
S.use_native_projection = true -- read when a spec is made (coopsim_spec.lua)

--- coopsim._native_projection(on): tests compare the shipped projections
--- computed in C with the same Lua functions (on = false); the figures are
--- the same either way.
function M._native_projection(on)
  S.use_native_projection = on ~= false
end

--- cs.projection.hold_last: the last figure SSB has, held flat
function M.projection.hold_last(code, year, pop, pop_year)
  if pop ~= nil then return nil end
  return (last_figure(code))
end
native_projection[M.projection.hold_last] = { kind = "hold_last" }

--- cs.projection.growth(rate): the last figure, growing by rate per year
function M.projection.growth(rate)
  check_number(rate, "cs.projection.growth: rate", { negative = true })
  local fn = function(code, year, pop, pop_year)
    if pop ~= nil then return nil end
    local n, last = last_figure(code)
    if not n then return nil end
    return math.floor(n * (1 + rate) ^ (pop_year - last) + 0.5)
  end
  native_projection[fn] = { kind = "growth", rate = rate }
  return fn
end

---------------------------------------------------------------------------
-- parties: members that are not municipalities (SPEC 7.2)

-- The parties defined so far, by id.
local parties = {}

local party_mt = {
  __name = "coopsim.party", __metatable = false,
  __tostring = function(p)
    local what
    if p.municipalities then what = #p.municipalities .. " municipalities"
    elseif type(p.population) == "table" then what = "population by year"
    else what = "population " .. core.format_int(p.population) end
    return string.format("party %s %s (%s)", p.id, p.name, what)
  end,
}

--- cs.party { id = "P01", name = "Helgeland regionråd", municipalities = { ... } }
--- or { id =, name =, population = n or { [year] = n } }: a member that is no
--- municipality, found by its id (or its name where no municipality bears it)
function M.party(def)
  check_fields(def, set { "id", "name", "municipalities", "population" }, "cs.party")
  if type(def.id) ~= "string" then fail("cs.party needs an id (1-16 characters of A-Z a-z 0-9 _ -), got %s", show(def.id)) end
  local ok, msg = core.party_id_check(def.id)
  if not ok then fail("cs.party: %s", msg) end
  if parties[def.id] then fail("party %s is defined twice (first at %s)", def.id, parties[def.id].where) end
  if def.name == nil then fail("party %s needs a name", def.id) end
  check_name(def.name, "party " .. def.id .. ": name")
  local p = { id = def.id, name = def.name, where = where() }
  if (def.municipalities == nil) == (def.population == nil) then
    fail("party %s needs municipalities or population (one of them)", def.id)
  end
  if def.municipalities ~= nil then
    local list = check_list(def.municipalities, "party " .. def.id .. ": municipalities")
    if #list == 0 then fail("party %s: municipalities is empty", def.id) end
    local seen = {}
    for i, m in ipairs(list) do
      if math.type(m) == "integer" then m = string.format("%04d", m); list[i] = m end
      local r = resolve(m, nil, "party " .. def.id .. ": municipality " .. i)
      if seen[r.code] then fail("party %s lists %s twice (as %s and %s)", def.id, r.code, show(seen[r.code]), show(m)) end
      seen[r.code] = m
    end
    p.municipalities = list
  elseif type(def.population) == "table" then
    local pops = {}
    for y, v in pairs(def.population) do
      y = check_year(y, "party " .. def.id .. ": population year")
      pops[y] = math.tointeger(check_number(v, "party " .. def.id .. ": population for " .. y, { integer = true }))
    end
    if next(pops) == nil then fail("party %s: population has no years", def.id) end
    p.population = pops
  else
    p.population = math.tointeger(check_number(def.population, "party " .. def.id .. ": population", { integer = true }))
  end
  parties[def.id] = p
  return readonly(setmetatable(p, party_mt))
end

-- A member given by the scenario: a party (its object, its id, or its name
-- where no municipality bears it) as { code = id, name =, party = p }, or a
-- municipality at date (without a date: its latest period), as resolve.
local function resolve_member(what, date, label)
  if is(what, party_mt) then
    local p = raw(what)
    return { code = p.id, name = p.name, party = p }
  end
  if type(what) == "string" and parties[what] then
    local p = parties[what]
    return { code = p.id, name = p.name, party = p }
  end
  if type(what) == "number" and math.type(what) == "integer" then what = string.format("%04d", what) end
  if type(what) ~= "string" then
    fail("%s must be a municipality code or name, or a party, got %s", label, show(what))
  end
  local m, msg = core.find(what, date)
  if m then return m end
  for _, p in pairs(parties) do
    if p.name == what then return { code = p.id, name = p.name, party = p } end
  end
  fail("%s: %s", label, msg)
end

--- cs.changes([year]) -> list of registry changes
function M.changes(year) return core.changes(year) end

--- cs.sources() -> the registry's data sources
function M.sources() return core.sources() end

-- for the parts after this one
S.parties, S.party_mt, S.resolve_member = parties, party_mt, resolve_member
S.LATEST, S.resolve, S.muni_mt, S.last_figure, S.native_projection = LATEST, resolve, muni_mt, last_figure, native_projection
