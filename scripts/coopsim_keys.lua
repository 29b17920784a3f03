-- coopsim_keys.lua: cost-sharing keys (cs.keys).
--
-- A part of the scenario API: scripts/coopsim.lua loads it with the core, the
-- report module, the module table M and the parts' shared table S; it uses
-- what the parts before it put in S and adds its own.

local core, report, M, S = ...
local check_fields, check_name, check_number, fail, is, raw = S.check_fields, S.check_name, S.check_number, S.fail, S.is, S.raw
local readonly, show, unpack = S.readonly, S.show, S.unpack
local check_list, fail_at, set, warn, where = S.check_list, S.fail_at, S.set, S.warn, S.where

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

-- A fraction in per cent as the descriptions write it: exact ("20 %",
-- "12.5 %"), or rounded with "..." when it has no short decimal ("33.33... %").
local function pct(x)
  local t = core.q("mul", x, 100)
  if not t then return tostring(x) .. " x 100 %" end
  if t:find("/", 1, true) then
    local _, d = core.number(t)
    return string.format("%.2f... %%", d)
  end
  return t .. " %"
end

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

local POOLS = set { "equal", "population", "weights", "custom", "by" }

-- The names of a key's parts, as the core names them (SPEC 7.2 "Part
-- names"): its kind's, "by:COLUMN" for a table, "band", then "cap" when
-- capped; a name used before within the key gets #2, #3, ...
local function part_names(key)
  local names, seen = {}, {}
  for i, c in ipairs(key.components) do
    local base = c.kind == "by" and ("by:" .. c.column) or c.kind == "bands" and "band" or c.kind
    local id = c.kind == "by" and ("by:" .. c.column:lower()) or base
    seen[id] = (seen[id] or 0) + 1
    names[i] = seen[id] > 1 and (base .. "#" .. seen[id]) or base
  end
  if key.limits then names[#names + 1] = "cap" end
  return names
end

---------------------------------------------------------------------------
-- mixed keys (SPEC 7.2 "Mixed keys")

--- cs.keys.mix { { 0.2, cs.keys.equal() }, { 0.3, cs.keys.population() }, ... }:
--- the net cost split into parts by exact fractions (numbers read as their
--- shortest decimal, or texts "1/3") that sum to exactly 1, each part shared
--- by its key, a covering key (equal, population, weights, custom, by, split, mix)
function M.keys.mix(def)
  if type(def) ~= "table" then fail("cs.keys.mix expects a list of { share, key } parts, got %s", show(def)) end
  local notes, list = {}, {}
  for k, v in pairs(def) do
    if type(k) == "string" then
      if not NOTE_FIELDS[k] then
        fail("unknown option '%s' in cs.keys.mix; allowed: assumption, label, source (and the parts as a list)", k)
      end
      notes[k] = v
    else
      list[k] = v
    end
  end
  list = check_list(list, "cs.keys.mix")
  if #list == 0 then fail("cs.keys.mix needs at least one { share, key } part") end
  local comps, shares, desc = {}, {}, {}
  for i, part in ipairs(list) do
    if type(part) ~= "table" then fail("cs.keys.mix: part %d must be { share, key }, got %s", i, show(part)) end
    local f, key = raw(part)[1], raw(part)[2]
    if f == nil or key == nil or raw(part)[3] ~= nil then fail("cs.keys.mix: part %d must be { share, key }", i) end
    f = check_number(f, "cs.keys.mix: part " .. i .. ": share", { max = 1 })
    key = check_key(key, "cs.keys.mix: part " .. i .. ": key")
    if key.limits then
      fail("cs.keys.mix: part %d (%s) is capped: cap the mix instead (a capped key cannot be a part)", i, key.description)
    end
    local pools = 0
    for _, c in ipairs(key.components) do
      if POOLS[c.kind] then pools = pools + 1 end
    end
    if pools == 0 then
      fail("cs.keys.mix: part %d (%s) is a fee key: a mix shares the net cost by covering keys (equal, population, weights, custom, by, split, mix)", i, key.description)
    end
    if pools < #key.components then
      fail("cs.keys.mix: part %d (%s) has base or fixed amounts: a part shares its fraction of the net cost as a whole (equal, population, weights, custom, by, split, mix)", i, key.description)
    end
    -- its pools, each scaled by the part's share (as core/key.c's cs_key_mix)
    for _, c in ipairs(key.components) do
      local copy = {}
      for field, value in pairs(c) do copy[field] = value end
      copy.amount = core.q("mul", f, c.amount)
      if not copy.amount then fail("cs.keys.mix: part %d: its share times %s is too large for exact arithmetic", i, show(c.amount)) end
      comps[#comps + 1] = copy
    end
    shares[i] = f
    desc[i] = pct(f) .. " (" .. key.description .. ")"
  end
  local ok, sum = core.sum_is_one(unpack(shares))
  if not ok then fail("cs.keys.mix: the parts' shares must sum to exactly 1, they sum to %s", sum) end
  return new_key(notes, comps, table.concat(desc, " + "))
end

---------------------------------------------------------------------------
-- tables and keys by a column (SPEC 7.2 "Keys from a table")

local table_mt = {
  __name = "coopsim.table", __metatable = false,
  __tostring = function(t)
    return string.format("table %s: %d rows; columns %s%s", t.file, t.rows, table.concat(t.columns, ", "),
      t.has_year and "; by year" or "")
  end,
}

--- cs.table("bruk.csv") -> a table of figures by municipality, read from a CSV
--- file beside the scenario (or below an --allow-read folder)
function M.table(path)
  if type(path) ~= "string" or path == "" then fail("cs.table needs a file name, got %s", show(path)) end
  check_name(path, "cs.table: file name")
  local loc = where()
  local ok, text = pcall(M.read_file, path)
  if not ok then
    text = type(text) == "string" and text or "cannot read " .. path
    if text:sub(1, #loc) == loc then error(text, 0) end
    fail_at(loc, text)
  end
  local h, msg = core.table(path, text)
  if not h then fail_at(loc, msg) end
  local info = core.table_info(h)
  return readonly(setmetatable({ file = path, handle = h, columns = info.columns, has_year = info.has_year,
                                 by_name = info.by_name, rows = info.rows, years = info.years, where = loc },
                               table_mt))
end

--- cs.keys.by(t, "COLUMN" [, { year = "budget" | "previous" }]): shares in
--- proportion to that column's value for each member
function M.keys.by(t, column, opts)
  if not is(t, table_mt) then fail("cs.keys.by needs a table from cs.table, got %s", show(t)) end
  t = raw(t)
  if type(column) ~= "string" then fail("cs.keys.by: the column must be a name, got %s", show(column)) end
  opts = opts or {}
  check_fields(opts, set { "year", "label", "source", "assumption" }, "cs.keys.by options")
  local name
  for _, c in ipairs(t.columns) do
    if c:lower() == column:lower() then name = c end
  end
  if not name then
    fail("cs.keys.by: %s has no column %s (its columns: %s)", t.file, show(column), table.concat(t.columns, ", "))
  end
  local ok, msg = core.table_column(t.handle, name)
  if not ok then fail("cs.keys.by: %s", msg) end
  if t.has_year then
    if opts.year == nil then
      fail("cs.keys.by: %s has a year column: say which rows a budget year reads, year = \"budget\" or \"previous\"", t.file)
    end
    if opts.year ~= "budget" and opts.year ~= "previous" then
      fail("cs.keys.by: year must be \"budget\" or \"previous\", got %s", show(opts.year))
    end
  elseif opts.year ~= nil then
    fail("cs.keys.by: %s has no year column (its rows apply to every year): leave out year", t.file)
  end
  return new_key(opts, { { kind = "by", amount = 1, table = t.handle, column = name, year = opts.year,
                           file = t.file, table_years = t.years, where = where() } },
    "by " .. name .. " in " .. t.file .. (opts.year and (" (" .. opts.year .. " year)") or ""))
end

---------------------------------------------------------------------------
-- caps and floors (SPEC 7.2 "Caps and floors")

--- cs.keys.capped(key, { max = 200000, min = 5000, max_for = { ["0301"] = 1000000 } [, min_for = ...] })
function M.keys.capped(key, opts)
  key = check_key(key, "cs.keys.capped: key")
  check_fields(opts, set { "max", "min", "max_for", "min_for", "label", "source", "assumption" },
    "cs.keys.capped")
  if key.limits then fail("cs.keys.capped: the key is capped already (cap it once)") end
  local limits = {}
  for _, f in ipairs { "max", "min" } do
    if opts[f] ~= nil then limits[f] = check_number(opts[f], "cs.keys.capped: " .. f, { integer = true }) end
  end
  for _, f in ipairs { "max_for", "min_for" } do
    if opts[f] ~= nil then
      if type(opts[f]) ~= "table" then fail("cs.keys.capped: %s must be a table of members and limits", f) end
      limits[f] = member_entries(opts[f], "cs.keys.capped: " .. f)
      for _, e in ipairs(limits[f]) do
        check_number(e.value, "cs.keys.capped: " .. f .. " for " .. e.member, { integer = true })
      end
    end
  end
  if not (limits.max or limits.min or limits.max_for or limits.min_for) then
    fail("cs.keys.capped needs a limit: max, min, max_for or min_for")
  end
  if limits.max and limits.min and limits.min > limits.max then
    fail("cs.keys.capped: min %s is above max %s", show(limits.min), show(limits.max))
  end
  local comps = {}
  for i, c in ipairs(key.components) do comps[i] = c end
  local words = {}
  if limits.max then words[#words + 1] = "at most " .. core.format_int(limits.max) end
  if limits.min then words[#words + 1] = "at least " .. core.format_int(limits.min) end
  if limits.max_for or limits.min_for then words[#words + 1] = "limits of their own for some members" end
  local notes = {
    label = opts.label or key.label, source = opts.source or key.source,
    assumption = opts.assumption or key.assumption,
  }
  local k = new_key(notes, comps, key.description .. "; each member " .. table.concat(words, ", "))
  raw(k).limits = limits
  raw(k).where = where()
  return k
end

---------------------------------------------------------------------------
-- population bands (SPEC 7.2 "Population bands")

--- cs.keys.bands { { upto = 5000, amount = 20000 }, { upto = 20000, amount = 50000, rate = 2 },
---   { amount = 100000 } }: a fee by the population the member's row shows
function M.keys.bands(def)
  if type(def) ~= "table" then fail("cs.keys.bands expects a list of bands, got %s", show(def)) end
  local notes, list = {}, {}
  for k, v in pairs(def) do
    if type(k) == "string" then
      if not NOTE_FIELDS[k] then
        fail("unknown option '%s' in cs.keys.bands; allowed: assumption, label, source (and the bands as a list)", k)
      end
      notes[k] = v
    else
      list[k] = v
    end
  end
  list = check_list(list, "cs.keys.bands")
  if #list == 0 then fail("cs.keys.bands needs at least one band") end
  local loc = where()
  local bands, desc = {}, {}
  for i, b in ipairs(list) do
    check_fields(b, set { "upto", "amount", "rate", "from" }, "band " .. i)
    local band = {}
    if b.upto ~= nil then band.upto = math.tointeger(check_number(b.upto, "band " .. i .. ": upto", { integer = true })) end
    if b.amount == nil then fail("band %d needs an amount (0 when it has only a rate)", i) end
    band.amount = check_number(b.amount, "band " .. i .. ": amount")
    if b.rate ~= nil then band.rate = check_number(b.rate, "band " .. i .. ": rate") end
    if i < #list and band.upto == nil then fail("band %d needs upto (only the last band has none)", i) end
    if i == #list and band.upto ~= nil then
      fail("the last band (%d) has upto = %s: it must cover every larger population (leave out upto)", i, show(b.upto))
    end
    if i > 1 and band.upto and band.upto <= bands[i - 1].upto then
      fail("band %d: upto %s is not above band %d's upto %s (bands are given in increasing upto)", i,
        core.format_int(band.upto), i - 1, core.format_int(bands[i - 1].upto))
    end
    -- a band's `from`, as planners' tables write it, is checked against the
    -- band before: the linter warns of a gap or an overlap (the bands are
    -- still read by upto alone)
    if b.from ~= nil then
      local from = math.tointeger(check_number(b.from, "band " .. i .. ": from", { integer = true }))
      local expect = i == 1 and 0 or bands[i - 1].upto + 1
      if i == 1 and from > 1 then
        warn(loc, string.format("band 1 starts at %s: populations below it fall into band 1 all the same (bands are read by upto)",
          core.format_int(from)))
      elseif i > 1 and from > expect then
        local gap = from - 1 == expect and ("population " .. core.format_int(expect) .. " falls")
          or ("populations " .. core.format_int(expect) .. " to " .. core.format_int(from - 1) .. " fall")
        warn(loc, string.format("bands %d and %d leave a gap: band %d ends at %s and band %d starts at %s; %s into band %d (bands are read by upto)",
          i - 1, i, i - 1, core.format_int(bands[i - 1].upto), i, core.format_int(from), gap, i))
      elseif i > 1 and from < expect then
        warn(loc, string.format("bands %d and %d overlap: band %d ends at %s and band %d starts at %s; populations %s to %s fall into band %d (bands are read by upto)",
          i - 1, i, i - 1, core.format_int(bands[i - 1].upto), i, core.format_int(from), core.format_int(from),
          core.format_int(bands[i - 1].upto), i - 1))
      end
    end
    bands[i] = band
    local range = i == 1 and #list == 1 and "every population"
      or i == 1 and ("up to " .. core.format_int(band.upto))
      or band.upto and (core.format_int(bands[i - 1].upto + 1) .. " to " .. core.format_int(band.upto))
      or ("above " .. core.format_int(bands[i - 1].upto))
    desc[i] = range .. ": " .. tostring(band.amount) .. (band.rate and (" + " .. tostring(band.rate) .. " per inhabitant") or "")
  end
  return new_key(notes, { { kind = "bands", bands = bands } }, "by population band: " .. table.concat(desc, "; "))
end

-- for the parts after this one
S.key_mt, S.NOTE_FIELDS, S.new_key, S.pct, S.member_entries = key_mt, NOTE_FIELDS, new_key, pct, member_entries
S.check_key, S.POOLS, S.part_names, S.table_mt = check_key, POOLS, part_names, table_mt
