-- coopsim_places.lua: municipalities, populations and projections.
--
-- A part of the scenario API: scripts/coopsim.lua loads it with the core, the
-- report module, the module table M and the parts' shared table S; it uses
-- what the parts before it put in S and adds its own.

local core, report, M, S = ...
local check_number, date_of, fail, jan1, show = S.check_number, S.date_of, S.fail, S.jan1, S.show

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

--- cs.changes([year]) -> list of registry changes
function M.changes(year) return core.changes(year) end

--- cs.sources() -> the registry's data sources
function M.sources() return core.sources() end

-- for the parts after this one
S.LATEST, S.resolve, S.muni_mt, S.last_figure, S.native_projection = LATEST, resolve, muni_mt, last_figure, native_projection
