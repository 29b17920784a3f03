-- coopsim_util.lua: errors at the scenario's line, checks of what a scenario gives (fields, lists, numbers, years, dates, names).
--
-- A part of the scenario API: scripts/coopsim.lua loads it with the core, the
-- report module, the module table M and the parts' shared table S; it uses
-- what the parts before it put in S and adds its own.

local core, report, M, S = ...

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

-- A number, or a text of one: a decimal ("0.051", kept exact) or a
-- fraction ("1/3", returned as the text: the core reads it exactly).
local function check_number(v, what, opts)
  opts = opts or {}
  local fraction
  if type(v) == "string" then
    local exact, d = core.number(v)
    if not exact then fail("%s must be a finite number, got %s (%s)", what, show(v), d) end
    local text = v
    fraction = v:find("/", 1, true) and v
    v = fraction and d or tonumber(v)
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
  if fraction then
    if opts.integer then fail("%s must be a whole number, got %s", what, show(fraction)) end
    return fraction
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

-- for the parts after this one
S.debug_getinfo, S.getmt, S.readonly, S.raw, S.run_state = debug_getinfo, getmt, readonly, raw, run_state
S.is_run, S.is, S.unpack, S.is_ours, S.where = is_run, is, unpack, is_ours, where
S.fail, S.fail_at, S.warn, S.show, S.distance = fail, fail_at, warn, show, distance
S.check_fields, S.set, S.check_list, S.names_list, S.NUMBER_LIMIT = check_fields, set, check_list, names_list, NUMBER_LIMIT
S.check_number, S.check_year, S.check_name, S.check_date, S.jan1 = check_number, check_year, check_name, check_date, jan1
S.date_of = date_of
