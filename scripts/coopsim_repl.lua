-- coopsim_repl.lua: helpers of the REPL.
--
-- A part of the scenario API: scripts/coopsim.lua loads it with the core, the
-- report module, the module table M and the parts' shared table S; it uses
-- what the parts before it put in S and adds its own.

local core, report, M, S = ...
local LATEST, getmt = S.LATEST, S.getmt

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

-- for the parts after this one
S.pretty = pretty
