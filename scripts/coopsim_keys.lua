-- coopsim_keys.lua: cost-sharing keys (cs.keys).
--
-- A part of the scenario API: scripts/coopsim.lua loads it with the core, the
-- report module, the module table M and the parts' shared table S; it uses
-- what the parts before it put in S and adds its own.

local core, report, M, S = ...
local check_fields, check_name, check_number, fail, is, raw = S.check_fields, S.check_name, S.check_number, S.fail, S.is, S.raw
local readonly, show, unpack = S.readonly, S.show, S.unpack

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

-- for the parts after this one
S.key_mt, S.NOTE_FIELDS, S.new_key, S.pct, S.member_entries = key_mt, NOTE_FIELDS, new_key, pct, member_entries
S.check_key = check_key
