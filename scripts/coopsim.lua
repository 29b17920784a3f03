-- coopsim.lua: the scenario API (SPEC §3) on top of the C core.
--
-- Loaded by luaopen_coopsim with (core, report). Scenario files see the
-- returned table as the global `coopsim`. Every error raised for a scenario
-- names the scenario's file and line: `where()` finds the first stack frame
-- outside this module.

local core, report = ...
local debug_getinfo = debug and debug.getinfo -- captured before any sandbox
-- the metatable behind a protected one (every metatable here is: a
-- scenario's getmetatable sees false), for coopsim's own type checks
local getmt = debug and debug.getmetatable or getmetatable

-- What a scenario is handed is a read-only view (core/lua_readonly.c):
-- `readonly(t)` makes one, `raw(v)` gives the table behind it to coopsim's
-- own code. A run is a C object (core/lua_run.c): `run_state(r)` is
-- coopsim.lua's own table for it.
local readonly, raw, run_state, is_run = core.readonly, core.raw, core.run_state, core.is_run

-- `v` is one of coopsim's objects made with metatable mt (a view or the table behind it)
local function is(v, mt) return type(v) == "table" and getmt(raw(v)) == mt end

local M = {}
M.version = core.version
M.keys = {}

local unpack = table.unpack

---------------------------------------------------------------------------
-- errors at the scenario's line

local function is_ours(src)
  return src:sub(1, 10) == "=[coopsim]" or src == "=[C]"
end

-- "file:line: " of the first frame that is not coopsim's own code.
local function where()
  if not debug_getinfo then return "" end
  for level = 2, 40 do
    local info = debug_getinfo(level, "Sl")
    if not info then break end
    if not is_ours(info.source) and info.currentline and info.currentline > 0 then
      return info.short_src .. ":" .. info.currentline .. ": "
    end
  end
  return ""
end

local function fail(fmt, ...)
  error(where() .. string.format(fmt, ...), 0)
end

-- Raises msg with a location recorded earlier (a definition's line).
local function fail_at(loc, msg)
  error((loc or "") .. msg, 0)
end

-- Lint warnings (printed by `coopsim run` and `coopsim test`; errors with
-- --strict), recorded in C where the scenario cannot reach them.
local function warn(loc, msg)
  core.warn(loc or "", msg)
end

local function show(v)
  if type(v) == "string" then return string.format("%q", v) end
  return tostring(v)
end

-- Levenshtein distance, for "did you mean" hints on misspelt option keys.
local function distance(a, b)
  local prev = {}
  for j = 0, #b do prev[j] = j end
  for i = 1, #a do
    local cur = { [0] = i }
    for j = 1, #b do
      local cost = a:sub(i, i) == b:sub(j, j) and 0 or 1
      cur[j] = math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
    end
    prev = cur
  end
  return prev[#b]
end

-- Rejects unknown keys in an option table (luaposix checkfieldnames).
local function check_fields(t, allowed, what)
  if type(t) ~= "table" then
    fail("%s expects a table, got %s", what, type(t))
  end
  for k in pairs(t) do
    if type(k) ~= "number" and not allowed[k] then
      local best, bestd
      for name in pairs(allowed) do
        local d = distance(tostring(k), name)
        if not bestd or d < bestd or (d == bestd and name < best) then best, bestd = name, d end
      end
      local hint = (bestd and bestd <= 2) and (" (did you mean '" .. best .. "'?)") or ""
      local names = {}
      for name in pairs(allowed) do names[#names + 1] = name end
      table.sort(names)
      fail("unknown option '%s' in %s%s; allowed: %s", tostring(k), what, hint,
           table.concat(names, ", "))
    end
  end
end

local function set(list)
  local s = {}
  for _, v in ipairs(list) do s[v] = true end
  return s
end

-- A list the scenario gave, copied whole: every key is 1..n, so that no
-- entry after a hole or under another key is silently left out.
local function check_list(t, what)
  if type(t) ~= "table" then fail("%s must be a list, got %s", what, show(t)) end
  local n = 0
  for k in pairs(t) do
    if math.type(k) ~= "integer" or k < 1 then fail("%s must be a list, got the key %s", what, show(k)) end
    n = n + 1
  end
  local out = {}
  for i = 1, n do
    if t[i] == nil then fail("%s has a gap: entry %d is missing", what, i) end
    out[i] = t[i]
  end
  return out
end

-- A list of names the scenario gave (cost lines a rate is of, lines a grant
-- covers), copied: what coopsim checked is what it keeps.
local function names_list(t, what)
  local out = check_list(t, what)
  for i, v in ipairs(out) do
    if type(v) ~= "string" then fail("%s: entry %d must be a name (a string), got %s", what, i, show(v)) end
    for j = 1, i - 1 do
      if out[j] == v then fail("%s names %s twice", what, show(v)) end
    end
  end
  return out
end

-- No figure in a cooperation comes near 10^15 (a million billion kroner or
-- inhabitants); anything larger is a mistake, and products of such figures
-- could not be kept exact.
local NUMBER_LIMIT = 1e15

local function check_number(v, what, opts)
  opts = opts or {}
  if type(v) == "string" then
    local exact, msg = core.exact(v)
    if not exact then fail("%s must be a finite number, got %s (%s)", what, show(v), msg) end
    local text = v
    v = tonumber(v)
    if not v or v ~= v or math.abs(v) > NUMBER_LIMIT then
      fail("%s must be at most 10^15 in size, got %s", what, show(text))
    end
  end
  if type(v) ~= "number" then fail("%s must be a number, got %s", what, show(v)) end
  if v ~= v or v == math.huge or v == -math.huge then fail("%s must be finite, got %s", what, show(v)) end
  if not opts.negative and v < 0 then fail("%s must not be negative, got %s", what, show(v)) end
  if opts.max and v > opts.max then fail("%s must be at most %s, got %s", what, opts.max, show(v)) end
  if math.abs(v) > NUMBER_LIMIT then
    fail("%s must be at most 10^15 in size, got %s", what, show(v))
  end
  if opts.integer and math.type(v) ~= "integer" and v ~= math.floor(v) then
    fail("%s must be a whole number, got %s", what, show(v))
  end
  if math.abs(v) >= 2^53 and math.type(v) ~= "integer" then
    fail("%s is too large to be exact, got %s", what, show(v))
  end
  return v
end

local function check_year(v, what)
  if type(v) ~= "number" or v ~= v or v == math.huge or v == -math.huge or v ~= math.floor(v) then
    fail("%s must be a year (an integer), got %s", what, show(v))
  end
  -- range first: 1e308 and 2^63 are whole but no integer Lua can hold
  if v < 1900 or v > 2200 then fail("%s %s is out of range (1900..2200)", what, show(v)) end
  return math.tointeger(v)
end

-- A name or label that reaches reports and terminals: text without control
-- or bidirectional formatting characters (core/text.c).
local function check_name(v, what)
  if type(v) ~= "string" then fail("%s must be a string, got %s", what, show(v)) end
  local ok, why = core.check_text(v)
  if not ok then fail("%s %s: %s", what, show(v), why) end
  return v
end

local function check_date(v, what)
  local ok, msg = core.valid_date(v)
  if not ok then fail("%s: %s", what, msg) end
  return v
end

local function jan1(year) return string.format("%04d-01-01", year) end

-- A date argument given as a year means 1 January of it.
local function date_of(v, what)
  if math.type(v) == "integer" then return jan1(check_year(v, what)) end
  return check_date(v, what)
end

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
local use_native_projection = true

--- coopsim._native_projection(on): tests compare the shipped projections
--- computed in C with the same Lua functions (on = false); the figures are
--- the same either way.
function M._native_projection(on)
  use_native_projection = on ~= false
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

---------------------------------------------------------------------------
-- keys

local key_mt = { __name = "coopsim.key", __metatable = false }
key_mt.__index = key_mt
key_mt.__tostring = function(k)
  local s = k.description
  if k.label then s = k.label .. ": " .. s end
  if k.assumption then s = s .. " [assumption: " .. k.assumption .. "]" end
  return s
end

local NOTE_FIELDS = { label = true, source = true, assumption = true }

local function new_key(opts, components, description)
  for _, f in ipairs { "label", "source", "assumption" } do
    if opts[f] ~= nil then check_name(opts[f], f) end
  end
  return readonly(setmetatable({
    components = components,
    label = opts.label, source = opts.source, assumption = opts.assumption,
    description = description,
  }, key_mt))
end

local function pct(x) return (core.exact(x * 100) or tostring(x * 100)) .. " %" end

--- cs.keys.split { equal = 0.2, population = 0.8 }
function M.keys.split(opts)
  check_fields(opts, { equal = true, population = true, label = true, source = true, assumption = true },
    "cs.keys.split")
  local comps, parts, desc = {}, {}, {}
  for _, kind in ipairs { "equal", "population" } do
    local f = opts[kind]
    if f ~= nil then
      check_number(f, "share '" .. kind .. "'", { max = 1 })
      comps[#comps + 1] = { kind = kind, amount = f }
      parts[#parts + 1] = f
      desc[#desc + 1] = pct(f) .. (kind == "equal" and " equal" or " by population")
    end
  end
  if #comps == 0 then fail("cs.keys.split needs at least one of equal, population") end
  local ok, sum = core.sum_is_one(unpack(parts))
  if not ok then
    fail("key shares must sum to exactly 1, they sum to %s (%s)", sum,
      table.concat((function()
        local t = {}
        for _, c in ipairs(comps) do t[#t + 1] = c.kind .. " = " .. (core.exact(c.amount) or tostring(c.amount)) end
        return t
      end)(), ", "))
  end
  return new_key(opts, comps, table.concat(desc, " + "))
end

--- cs.keys.equal()
function M.keys.equal(opts)
  opts = opts or {}
  check_fields(opts, NOTE_FIELDS, "cs.keys.equal")
  return new_key(opts, { { kind = "equal", amount = 1 } }, "equal shares")
end

--- cs.keys.population()
function M.keys.population(opts)
  opts = opts or {}
  check_fields(opts, NOTE_FIELDS, "cs.keys.population")
  return new_key(opts, { { kind = "population", amount = 1 } }, "by population")
end

--- cs.keys.base_plus_rate { base = 10000, rate = 6 | "cover" }
function M.keys.base_plus_rate(opts)
  check_fields(opts, { base = true, rate = true, label = true, source = true, assumption = true },
    "cs.keys.base_plus_rate")
  if opts.base == nil then fail("cs.keys.base_plus_rate needs base") end
  check_number(opts.base, "base")
  local comps = { { kind = "base", amount = opts.base } }
  local desc
  if opts.rate == "cover" then
    comps[2] = { kind = "population", amount = 1 }
    desc = "base " .. core.format_int(math.tointeger(opts.base) or 0) .. " + rate per inhabitant solved to cover the cost"
  elseif opts.rate == nil then
    fail("cs.keys.base_plus_rate needs rate (a number or \"cover\")")
  else
    if type(opts.rate) == "string" and not core.exact(opts.rate) then
      fail("rate must be a number or \"cover\", got %s", show(opts.rate))
    end
    check_number(opts.rate, "rate")
    comps[2] = { kind = "rate", amount = opts.rate }
    desc = "base " .. tostring(opts.base) .. " + " .. tostring(opts.rate) .. " per inhabitant"
  end
  return new_key(opts, comps, desc)
end

--- cs.keys.per_capita { rate = 3 }
function M.keys.per_capita(opts)
  check_fields(opts, { rate = true, label = true, source = true, assumption = true }, "cs.keys.per_capita")
  if opts.rate == nil then fail("cs.keys.per_capita needs rate") end
  check_number(opts.rate, "rate")
  return new_key(opts, { { kind = "rate", amount = opts.rate } }, tostring(opts.rate) .. " per inhabitant")
end

-- Entries by member (name or code) for fixed and weights keys.
local function member_entries(opts, what)
  local entries = {}
  for k, v in pairs(opts) do
    if not NOTE_FIELDS[k] then
      if type(k) ~= "string" then fail("%s: members are given by name or code, got %s", what, show(k)) end
      check_number(v, what .. " for " .. k)
      entries[#entries + 1] = { member = k, value = v }
    end
  end
  table.sort(entries, function(a, b) return a.member < b.member end)
  if #entries == 0 then fail("%s needs at least one member", what) end
  return entries
end

--- cs.keys.fixed { ["Inderøy"] = 42376, ... }
function M.keys.fixed(opts)
  if type(opts) ~= "table" then fail("cs.keys.fixed expects a table") end
  return new_key(opts, { { kind = "fixed", entries = member_entries(opts, "fixed amount") } },
    "fixed amounts per member")
end

--- cs.keys.weights { Rana = 3, Vefsn = 2, ... } (usage)
function M.keys.weights(opts)
  if type(opts) ~= "table" then fail("cs.keys.weights expects a table") end
  return new_key(opts, { { kind = "weights", amount = 1, entries = member_entries(opts, "weight") } },
    "by weights per member")
end

--- cs.keys.custom(function(ctx) return { [code] = weight, ... } end [, opts])
function M.keys.custom(fn, opts)
  if type(fn) ~= "function" then fail("cs.keys.custom expects a function, got %s", type(fn)) end
  opts = opts or {}
  check_fields(opts, NOTE_FIELDS, "cs.keys.custom")
  return new_key(opts, { { kind = "custom", amount = 1, fn = fn } }, "custom weights (Lua function)")
end

local function check_key(k, what)
  if not is(k, key_mt) then fail("%s must be a key from cs.keys, got %s", what, show(k)) end
  return raw(k)
end

---------------------------------------------------------------------------
-- cooperations

local coop_mt = { __name = "coopsim.cooperation", __metatable = false }
coop_mt.__index = coop_mt
coop_mt.__tostring = function(c)
  local names = {}
  for _, m in ipairs(c.members) do names[#names + 1] = m.given end
  return string.format("cooperation %q: %d members (%s); key: %s", c.name, #c.members,
    table.concat(names, ", "), tostring(c.key))
end

local COOP_FIELDS = set {
  "name", "host", "payee", "members", "costs", "grants", "key", "population_date", "notice",
  "period", "base_year", "growth", "exit_year", "merger", "split", "due", "prorate", "assumption",
}
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
    if type(given) ~= "string" then fail("member %d must be a code or name, got %s", i, show(m)) end
    local entry = { given = given }
    if c.anchor then
      local r = resolve(given, c.anchor, "member " .. i)
      if seen[r.code] then fail("member %s is listed twice (as %s and %s)", r.code, seen[r.code], given) end
      seen[r.code] = given
      entry.code, entry.name = r.code, r.name
    else
      -- no date yet: check that the code or name exists, resolve at run time
      resolve(given, nil, "member " .. i)
    end
    c.members[i] = entry
  end
  if def.host ~= nil then
    c.host = def.host
    if c.anchor then c.host_code = resolve(def.host, c.anchor, "host").code
    else resolve(def.host, nil, "host") end
  end
  if def.payee ~= nil then
    c.payee = check_name(def.payee, "payee")
  end
  c.costs = {}
  for i, cost in ipairs(check_list(def.costs or {}, "costs")) do c.costs[i] = check_cost(cost, i) end
  local names = {}
  for _, cost in ipairs(c.costs) do
    if names[cost.name] then fail("cost line '%s' is given twice", cost.name) end
    names[cost.name] = true
  end
  for _, cost in ipairs(c.costs) do
    for _, of in ipairs(cost.of or {}) do
      if not names[of] then fail("cost line '%s' is a rate of '%s', which is no cost line", cost.name, tostring(of)) end
    end
  end
  c.grants = {}
  for i, g in ipairs(check_list(def.grants or {}, "grants")) do
    c.grants[i] = check_grant(g, i)
    for _, cov in ipairs(c.grants[i].covers or {}) do
      if not names[cov] then fail("grant '%s' covers '%s', which is no cost line", g.name, tostring(cov)) end
    end
  end
  if def.key == nil then fail("cs.cooperation needs a key (e.g. cs.keys.split { equal = 0.2, population = 0.8 })") end
  c.key = check_key(def.key, "key")
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
  if def.prorate ~= nil and type(def.prorate) ~= "boolean" then fail("prorate must be true or false") end
  c.prorate = def.prorate ~= false
  if def.assumption ~= nil then check_name(def.assumption, "assumption") end
  c.assumption = def.assumption
  return readonly(c)
end

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
  local list, seen = {}, {}
  for i, c in ipairs(coops) do
    if not is(c, coop_mt) then fail("cooperation %d is not from cs.cooperation", i) end
    c = raw(c)
    if seen[c] then fail("cooperation %d (%s) is listed twice", i, c.name) end
    seen[c] = true
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
  resolve(member, date, "withdraw")
  return add_mod(self, { op = "withdraw", member = member, date = date,
                         text = "withdraw " .. tostring(member) .. " (notice " .. date .. ")" })
end

--- s:join(member, date)
function scenario_mt:join(member, date)
  check_date(date, "join: date")
  resolve(member, date, "join")
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

--- s:set_key(key, from_year)
function scenario_mt:set_key(key, from_year)
  check_key(key, "set_key: key")
  check_year(from_year, "set_key: from year")
  return add_mod(self, { op = "set_key", key = key, from_year = math.tointeger(from_year),
                         text = "key " .. tostring(key) .. " from " .. from_year })
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
  local m = resolve(a, nil, "population")
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

--- s:no_reform(date): the counterfactual with the municipal structure frozen at date
function scenario_mt:no_reform(date)
  check_date(date, "no_reform: date")
  return add_mod(self, { op = "freeze", date = date, text = "no reform after " .. date })
end

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
  if #pop_sets == 0 and #pop_fns == 1 and native_projection[pop_fns[1]] and use_native_projection then
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

-- A run's methods (a run is a C object, core/lua_run.c: its name, years and
-- results cannot be changed; coopsim.lua keeps its own notes on it in
-- run_state(run)). Every run a scenario makes is listed in C, which builds
-- the result document from that list.
local run_mt = {}
local lint, cached

-- The scenario linter: silent failures that lose planners' results.
-- (It reads the rows' columns in C: a table per row costs more than the run.)
local function same_shares(a, b)
  local ra, rb = run_state(a).results, run_state(b).results
  if #ra ~= #rb then return false end
  for i, r in ipairs(ra) do
    if not rawequal(r, rb[i]) and not r:same_shares(rb[i]) then return false end
  end
  return true
end

-- The members each cooperation without period or base year was resolved
-- to, by resolution date (1 January of a run's first year).
local resolved_as = setmetatable({}, { __mode = "k" })

lint = function(scen, run, opts)
  local state = run_state(run)
  local from, to = run.from, run.to
  for _, coop in ipairs(scen.coops) do
    if coop.period_to and to > tonumber(coop.period_to:sub(1, 4)) and not opts.past_end then
      warn(state.where, string.format("%s: the run goes to %d, past the agreement's end (%s); say past_end = true if that is meant",
        coop.name, to, coop.period_to))
    end
    if not coop.anchor then
      -- two runs that start in different years may resolve its members differently
      local codes = {}
      for i, m in ipairs(coop_base(coop, jan1(from)).members) do codes[i] = m.code end
      local these, seen = table.concat(codes, " "), resolved_as[coop] or {}
      resolved_as[coop] = seen
      for year, other in pairs(seen) do
        if other ~= these and year ~= from then
          warn(run.where, string.format("%s has no period or base_year: this run resolves its members on %s as %s, a run from %d as %s; give period.from or base_year",
            coop.name, jan1(from), these, year, other))
          break
        end
      end
      seen[from] = these
    end
  end
  for _, mod in ipairs(scen.mods) do
    local year = mod.date and tonumber(mod.date:sub(1, 4)) or mod.from_year or mod.from
    if mod.op == "withdraw" then
      -- the notice only matters if the member's last year falls inside the run
      if year > to then warn(mod.where, string.format("%s is dated after the run (%d-%d): it changes nothing here", mod.text, from, to)) end
    elseif year and (year > to) then
      warn(mod.where, string.format("%s is dated after the run (%d-%d): it changes nothing here", mod.text, from, to))
    end
    if mod.op == "population_set" and type(mod.value) == "table" then
      local last = 0
      for y in pairs(mod.value) do if y > last then last = y end end
      local found = false
      for _, r in ipairs(state.results) do
        local codes, pop_years = r:column("code"), r:column("pop_year")
        for i = 1, #codes do
          if codes[i] == mod.code and pop_years[i] > last then
            warn(mod.where, string.format("population of %s is stated up to %d but read for %04d-01-01 (the registry figure was used)",
              tostring(mod.member), last, pop_years[i]))
            found = true
            break
          end
        end
        if found then break end
      end
    end
  end
  for _, r in ipairs(state.results) do
    for _, z in ipairs(r:unpopulated()) do
      warn(state.where, string.format("%s %s has 0 inhabitants on %04d-01-01 (a member that belongs elsewhere?)",
        z.code, z.name, z.pop_year))
    end
  end
  -- a variant whose results equal its parent's: its modification did nothing
  local parent = scen.parent
  if parent and #scen.mods > #parent.mods then
    local ok, pr = pcall(function()
      local r = scenario_mt.last_run(parent, from, to) -- the parent's own run, when made
      if r then return r end
      return scenario_mt.run_quiet(parent, from, to)
    end)
    if ok and same_shares(pr, run) then
      local m = scen.mods[#scen.mods]
      warn(m.where, string.format("scenario %q gives the same shares as %q in %d-%d: %s changed nothing",
        scen.name, parent.name, from, to, m.text))
    end
  end
end

--- s:run { from = 2023, to = 2026 } -> run
function scenario_mt:run(opts)
  check_fields(opts, set { "from", "to", "past_end" }, "run")
  local from = check_year(opts.from, "run: from")
  local to = check_year(opts.to or opts.from, "run: to")
  if to < from then fail("run: to (%d) is before from (%d)", to, from) end
  local loc = where()
  local results, msg = simulate_coops(self, from, to)
  if not results then fail_at(loc, self.name .. ": " .. msg) end
  for _, mod in ipairs(self.mods) do
    if (mod.op == "grant_end" or mod.op == "set_cost") and not mod.matched then
      fail_at(mod.where, string.format("%s: no %s named %q in any cooperation of the scenario", mod.op,
        mod.op == "grant_end" and "grant" or "cost line", mod.name))
    end
  end
  local run = core.run_new(self.name, from, to, results, true) -- listed: reported, stored, compared
  local state = run_state(run)
  state.scenario, state.where = self, loc
  scenario_mt.remember(self, run)
  lint(self, run, opts)
  return run
end

function scenario_mt.run_quiet(scen, from, to)
  local results, msg = simulate_coops(scen, from, to)
  if not results then error(msg, 0) end
  local run = core.run_new(scen.name, from, to, results, false) -- coopsim's own: not listed
  run_state(run).scenario = scen
  scenario_mt.remember(scen, run)
  return run
end

-- The linter compares each variant with its parent over the same years; the
-- parent's run is kept so that variants forked from one parent (the usual
-- case) do not each run it again. Modifications are only ever appended, so
-- the run stands while the scenario has the same number of them and the
-- same last one.
function scenario_mt.remember(scen, run)
  scen._last_runs = scen._last_runs or {}
  scen._last_runs[run.from .. ":" .. run.to] = { nmods = #scen.mods, last = scen.mods[#scen.mods], run = run }
end

function scenario_mt.last_run(scen, from, to)
  local m = scen._last_runs and scen._last_runs[from .. ":" .. to]
  if m and m.nmods == #scen.mods and m.last == scen.mods[#scen.mods] then return m.run end
  return nil
end

-- The run's rows, made once: { rows = {...}, at = { ["year:code"] = { {result, row}, ... } } }.
-- Internal readers use these; r:rows() hands out copies.
cached = function(run)
  local state = run_state(run)
  if state.cache then return state.cache end
  local c = { rows = {}, at = {} }
  for _, r in ipairs(state.results) do
    for _, row in ipairs(r:rows()) do
      row.scenario = run.name
      c.rows[#c.rows + 1] = row
      local k = row.year .. ":" .. row.code
      c.at[k] = c.at[k] or {}
      table.insert(c.at[k], { result = r, row = row })
    end
  end
  state.cache = c
  return c
end

--- r:rows() -> { { cooperation, year, code, name, population, population_date, parts, total, due, payee }, ... }
function run_mt:rows()
  return copy(cached(self).rows)
end

--- r:years() -> per cooperation and year: cost, grants, net, sum of shares, balance
function run_mt:years()
  local out = {}
  for _, r in ipairs(run_state(self).results) do
    local info = r:info()
    for _, y in ipairs(r:years()) do
      y.cooperation = info.name
      out[#out + 1] = y
    end
  end
  return out
end

function run_mt:options()
  return run_state(self).results[1]:info().options
end

--- r:_results() -> a new list of the run's results per cooperation (read-only
--- C objects; tests check which runs share a result)
function run_mt:_results()
  local list = {}
  for i, r in ipairs(run_state(self).results) do list[i] = r end
  return list
end

-- The file of the first frame outside coopsim (the scenario file), or nil.
local function scenario_file()
  if not debug_getinfo then return nil end
  for level = 2, 40 do
    local info = debug_getinfo(level, "S")
    if not info then break end
    if not is_ours(info.source) then
      return info.source:sub(1, 1) == "@" and info.source:sub(2) or nil
    end
  end
  return nil
end

--- cs.save(path, r0, r1, ...) -> id: stores the runs, with the scenario file's
--- text, as one stored run in the run store at path (created if missing);
--- `coopsim runs list --db path` lists it. All or nothing.
function M.save(path, ...)
  if type(path) ~= "string" then fail("save: the run store must be a file name, got %s", show(path)) end
  local n = select("#", ...)
  if n == 0 then fail("save: which runs? cs.save(path, r0, r1, ...)") end
  local runs = { ... }
  for i = 1, n do
    if not is_run(runs[i]) then fail("save: argument %d is not a run, got %s", i + 1, show(runs[i])) end
  end
  -- sandboxed: the parent process stores the runs after the run (its number is printed then)
  if core.defer("save", path, nil, nil, runs) then return nil end
  local loc, file = where(), scenario_file()
  local id, msg = core.rundb_save(path, core.doc(runs, M.version, file), file)
  if not id then fail_at(loc, "save: " .. msg) end
  return id
end

--- r:save(path) -> id: cs.save(path, r)
function run_mt:save(path)
  return M.save(path, self)
end

local function check_run_year(run, year, what)
  if math.type(year) ~= "integer" then fail("%s: year must be an integer, got %s", what, show(year)) end
  if year < run.from or year > run.to then
    fail("%s: year %d is outside the run (%d..%d)", what, year, run.from, run.to)
  end
end

-- The member's rows in year across the run's cooperations.
local function member_rows(run, member, year, what)
  check_run_year(run, year, what)
  local at = cached(run).at
  if type(member) == "string" and member:match("^[%dH]%d%d%d$") then
    -- a code in the run's rows (e.g. a municipality kept by no_reform) needs no lookup
    local rows = at[year .. ":" .. member]
    if rows then return rows, { code = member, name = rows[1].row.name } end
  end
  local m = resolve(member, jan1(year), what)
  return at[year .. ":" .. m.code] or {}, m
end

--- r:share(member, year) -> whole kroner, or nil when not a member that year
function run_mt:share(member, year)
  local rows = member_rows(self, member, year, "share")
  if #rows == 0 then return nil end
  local total = 0
  for _, x in ipairs(rows) do total = total + x.row.total end
  return total
end

--- r:row(member, year) -> the row table, or nil
function run_mt:row(member, year)
  local rows = member_rows(self, member, year, "row")
  return rows[1] and rows[1].row or nil
end

local text_mt = { __name = "coopsim.text", __metatable = false, __tostring = function(t) return t.text end }

--- r:explain(member, year) -> printable explanation; for a member absent
--- that year, why (its notice, a merger, a split, a later joining)
function run_mt:explain(member, year)
  local ok, rows, m = pcall(member_rows, self, member, year, "explain")
  if not ok or #rows == 0 then
    -- a municipality gone by then (Verran in 2021) is found by its last period
    local code = m and m.code or (type(member) == "string" and member:match("^%d%d%d%d$"))
    if not code and type(member) == "string" then
      local latest = core.find(member)
      code = latest and latest.code
    end
    for _, r in ipairs(code and run_state(self).results or {}) do
      local why = r:absent(code, year)
      if why then return readonly(setmetatable({ text = why .. string.format(" (scenario %q)", self.name) }, text_mt)) end
    end
    if not ok then error(rows, 0) end
    return readonly(setmetatable({ text = string.format("%s %s is not a member in %d (scenario %q)", m.code, m.name, year, self.name) }, text_mt))
  end
  local parts = {}
  for _, x in ipairs(rows) do
    parts[#parts + 1] = x.result:explain(x.row.code, year)
  end
  return readonly(setmetatable({ text = "scenario " .. self.name .. ": " .. table.concat(parts, "\n") }, text_mt))
end

run_mt._tostring = function(run) return report.run_table(run) end

--- cs.compare(r0, r1, ...) -> printable side-by-side comparison
function M.compare(...)
  local runs = { ... }
  local opts = {}
  if type(runs[#runs]) == "table" then
    opts = table.remove(runs)
    check_fields(opts, set { "by" }, "cs.compare options")
    if opts.by ~= nil and opts.by ~= "code" and opts.by ~= "territory" then
      fail("cs.compare: by must be \"code\" or \"territory\", got %s", show(opts.by))
    end
  end
  if #runs < 1 then fail("cs.compare needs at least one run") end
  for i, r in ipairs(runs) do
    if not is_run(r) then fail("cs.compare: argument %d is not a run (got %s)", i, show(r)) end
  end
  -- by = "territory": rows grouped by the municipality that holds their
  -- territory today, so a no_reform run lines up with the real one
  return readonly(report.compare(runs, core.compare(runs, opts.by == "territory")))
end

--- cs.report -- table, CSV, JSON and Markdown writers
M.report = report

---------------------------------------------------------------------------
-- writing reports to files (the C writers, core/report_*.c)

-- Writes runs (the first is the baseline of the comparison) to path; the
-- format from opts.format or path's extension, labels in opts.lang.
local function write_runs(path, runs, opts, what)
  if type(path) ~= "string" or path == "" then fail("%s: the path must be a file name, got %s", what, show(path)) end
  opts = opts or {}
  check_fields(opts, set { "format", "lang" }, what .. " options")
  for _, f in ipairs { "format", "lang" } do
    if opts[f] ~= nil and type(opts[f]) ~= "string" then fail("%s: %s must be a string, got %s", what, f, show(opts[f])) end
  end
  local ok, msg = core.check_report(path, opts.format, opts.lang)
  if not ok then fail("%s: %s", what, msg) end
  -- sandboxed: the parent process checks the path and writes after the run
  if core.defer("write", path, opts.format, opts.lang, runs) then return end
  local file = where():match("^(.-):%d+: $")
  ok, msg = core.write_report(path, core.doc(runs, core.version, file), opts.format, opts.lang)
  if not ok then fail("%s: %s", what, msg) end
end

--- r:write(path [, { format = "xlsx", lang = "nb" }]) -> r
function run_mt:write(path, opts)
  write_runs(path, { self }, opts, "write")
  return self
end

--- cs.compare(r0, r1, ...):write(path [, opts]): every run, r0 the baseline
report.compare_mt.write = function(c, path, opts)
  write_runs(path, raw(c).runs, opts, "write")
  return c
end

--- cs.write(path, r0, r1, ... [, opts]): the runs, r0 the baseline
function M.write(path, ...)
  local runs = { ... }
  local opts
  if type(runs[#runs]) == "table" then opts = table.remove(runs) end
  if #runs < 1 then fail("cs.write needs at least one run") end
  for i, r in ipairs(runs) do
    if not is_run(r) then fail("cs.write: argument %d is not a run (got %s)", i + 1, show(r)) end
  end
  write_runs(path, runs, opts, "cs.write")
end

---------------------------------------------------------------------------
-- expectations (regression checks inside scenario files)

-- The checks and their verdicts are recorded in C (core/lua_run.c), where
-- the scenario cannot reach them; values are compared raw (no metamethod of
-- the scenario's decides).

--- cs.expect(actual, expected [, label]): records a failure with file and line
function M.expect(actual, expected, label)
  return core.expect(actual, expected, label)
end

--- cs.expect_error(fn, pattern [, label]): fn must raise an error matching pattern (plain text)
function M.expect_error(fn, pattern, label)
  if type(pattern) ~= "string" then fail("cs.expect_error: the text must be a string, got %s", show(pattern)) end
  if label ~= nil and type(label) ~= "string" then fail("cs.expect_error: the label must be a string, got %s", show(label)) end
  local ok, msg = pcall(fn)
  if type(msg) ~= "string" then msg = "(error object is a " .. type(msg) .. " value)" end
  local passed = not ok and msg:find(pattern, 1, true) ~= nil
  core.expect_record(passed, label or "error", "error containing " .. show(pattern), ok and "no error" or msg)
  return passed
end

---------------------------------------------------------------------------
-- analysis: parameters, sweeps, goal seek, decomposition

local function check_path(path, what)
  if type(path) ~= "string" or not path:match("^%a+%..+$") then
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
      rows[#rows + 1] = { value = v, year = row.year, code = row.code, name = row.name, share = row.total }
      members[row.code] = row.name
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

sweep_mt.__tostring = function(sw)
  local out = {}
  for year = sw.from, sw.to do
    local header, right = { "code", "member" }, { false, false }
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
    out[#out + 1] = "sweep of " .. sw.vary .. ", budget year " .. year
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
      shares[row.year .. ":" .. row.code] = { total = row.total, name = row.name, year = row.year, code = row.code }
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
  local header, right = { "year", "code", "member", d.base, d.variant, "change" }, { true, false, false, true, true, true }
  for _, name in ipairs(d.modifications) do header[#header + 1] = name; right[#header] = true end
  local cells = {}
  for _, r in ipairs(d.rows) do
    local row = { tostring(r.year), r.code, r.name, r.base and report.int(r.base) or "-",
                  r.variant and report.int(r.variant) or "-", report.int(r.change) }
    for i = 1, #d.modifications do row[#row + 1] = report.int(r.parts[i]) end
    cells[#cells + 1] = row
  end
  return "decomposition of " .. d.variant .. " against " .. d.base ..
    " (Shapley values over the modifications)\n" .. report.table(header, cells, right)
end

---------------------------------------------------------------------------
-- Monte Carlo

local MC_KIND = { base = 0, rate = 1, fixed = 2, equal = 3, population = 4, weights = 5 }
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
    if not index[row.code] then
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
      if row.year == y.year then
        yr.members[#yr.members + 1] = index[row.code]
        yr.population[#yr.population + 1] = row.population
        yr.year_share[#yr.year_share + 1] = row.charged_months / 12
      end
    end
    local key
    for _, k in ipairs(spec.keys) do if k.from_year <= y.year then key = k.key end end
    for _, c in ipairs(key.components) do
      if c.kind == "custom" then fail("cs.montecarlo does not take keys written in Lua (cs.keys.custom)") end
      local comp = { kind = MC_KIND[c.kind], amount = tonumber(c.amount) or 0 }
      if c.entries then
        comp.by_member = {}
        for j = 1, #members do comp.by_member[j] = 0 end
        for _, e in ipairs(c.entries) do
          if index[e.code] then comp.by_member[index[e.code]] = tonumber(e.value) end
        end
      end
      yr.comps[#yr.comps + 1] = comp
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
  local cells = {}
  local function kr(v) return report.int(math.floor(v + 0.5)) end
  for _, r in ipairs(mc.rows) do
    cells[#cells + 1] = { tostring(r.year), r.code, r.name, r.base and report.int(r.base) or "-",
                          kr(r.mean), kr(r.p5), kr(r.p50), kr(r.p95) }
  end
  local head = string.format("Monte Carlo of %s: %d draws, seed %d%s", mc.scenario, mc.draws, mc.seed,
    mc.stopped and string.format(" (stopped after %d of %d)", mc.draws, mc.asked) or "")
  return head .. "\n" .. report.table({ "year", "code", "member", "exact run", "mean", "p5", "p50", "p95" },
    cells, { true, false, false, true, true, true, true, true })
end

---------------------------------------------------------------------------
-- REPL helpers

-- Pretty-prints values: objects with __tostring as themselves, plain tables
-- as sorted, indented Lua (two levels deep).
local function pretty(v, indent, depth)
  indent, depth = indent or "", depth or 0
  if type(v) == "string" then return string.format("%q", v) end
  if type(v) ~= "table" then return tostring(v) end
  local mt = getmt(v)
  if mt and mt.__tostring then return tostring(v) end
  if depth >= 3 then return "{...}" end
  local keys = {}
  for k in pairs(v) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b)
    if type(a) == type(b) and (type(a) == "number" or type(a) == "string") then return a < b end
    return type(a) < type(b)
  end)
  if #keys == 0 then return "{}" end
  local inner = indent .. "  "
  local parts = {}
  for i, k in ipairs(keys) do
    if i > 60 then parts[#parts + 1] = inner .. "... (" .. (#keys - 60) .. " more)"; break end
    local ks = (type(k) == "string" and k:match("^[%a_][%w_]*$")) and k or ("[" .. pretty(k) .. "]")
    if math.type(k) == "integer" and k == i then ks = nil end
    parts[#parts + 1] = inner .. (ks and (ks .. " = ") or "") .. pretty(v[k], inner, depth + 1)
  end
  return "{\n" .. table.concat(parts, ",\n") .. "\n" .. indent .. "}"
end

function M._pretty(...)
  local out = {}
  for i = 1, select("#", ...) do out[i] = pretty((select(i, ...))) end
  return table.concat(out, "\t")
end

-- Municipality names (today's, and each name's short form) starting with prefix.
function M._names(prefix)
  local lower = prefix:lower()
  local out, seen = {}, {}
  for _, m in ipairs(core.names(LATEST)) do
    for part in (m.name .. " - "):gmatch("(.-) %- ") do
      local short = part:gsub(" %b()$", "")
      for _, cand in ipairs { part, short } do
        if cand:lower():sub(1, #lower) == lower and not seen[cand] then
          seen[cand] = true
          out[#out + 1] = cand
        end
      end
    end
  end
  table.sort(out)
  return out
end

-- A scenario is handed out as a read-only view: its methods work on the
-- table behind the view and hand out views.
for name, fn in pairs(scenario_mt) do
  if type(fn) == "function" and name:sub(1, 2) ~= "__" then
    scenario_mt[name] = function(self, ...) return readonly(fn(raw(self), ...)) end
  end
end

-- A run's methods, for core/lua_run.c.
core.run_methods(run_mt)

return M
