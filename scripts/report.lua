-- report.lua: text tables, side-by-side comparisons and CSV/JSON/Markdown
-- writers for runs. Widths are counted in characters (utf8.len), so æ, ø
-- and å line up; numbers are grouped with spaces ("740 539") in code, never
-- through a locale.

local R = {}

local function width(s)
  s = tostring(s)
  return utf8.len(s) or #s
end

local function pad(s, w, right)
  s = tostring(s)
  local n = w - width(s)
  if n <= 0 then return s end
  return right and (string.rep(" ", n) .. s) or (s .. string.rep(" ", n))
end

-- "740 539"; "-1 234"
function R.int(v)
  if v == nil then return "" end
  local s = string.format("%d", v)
  local sign, digits = s:match("^(-?)(%d+)$")
  digits = digits:reverse():gsub("(%d%d%d)", "%1 "):reverse():gsub("^ ", "")
  return sign .. digits
end

-- "12.5 %", "-3.1 %"
local function percent(a, b)
  if not a or not b or a == 0 then return "" end
  return string.format("%+.1f %%", (b - a) * 100 / a)
end

-- Renders rows (arrays of cells) with a header; `right` marks numeric columns.
function R.table(header, rows, right)
  local w = {}
  for i, h in ipairs(header) do w[i] = width(h) end
  for _, row in ipairs(rows) do
    for i, cell in ipairs(row) do
      if width(cell) > (w[i] or 0) then w[i] = width(cell) end
    end
  end
  local out = {}
  local function line(cells)
    local t = {}
    for i = 1, #header do t[i] = pad(cells[i] or "", w[i], right and right[i]) end
    out[#out + 1] = (table.concat(t, "  "):gsub("%s+$", ""))
  end
  line(header)
  local rule = {}
  for i = 1, #header do rule[i] = string.rep("-", w[i]) end
  out[#out + 1] = table.concat(rule, "  ")
  for _, row in ipairs(rows) do
    if row.rule then out[#out + 1] = table.concat(rule, "  ") else line(row) end
  end
  return table.concat(out, "\n")
end

local function key_notes(years)
  local seen, notes = {}, {}
  for _, y in ipairs(years) do
    local text = "key: " .. (y.label and (y.label .. " = ") or "") .. y.key
    if y.source then text = text .. "; source: " .. y.source end
    if y.assumption then text = text .. "\n  ASSUMPTION: " .. y.assumption end
    if not seen[text] then
      seen[text] = true
      notes[#notes + 1] = text
    end
  end
  return notes
end

-- One run: per year the members' populations, parts and totals, then the
-- cooperation's cost, grants, net cost and balance.
function R.run_table(run)
  local out = {}
  for _, res in ipairs(run.results) do
    local info = res:info()
    local years = res:years()
    out[#out + 1] = string.format("%s: %s, %d-%d", run.name, info.name, info.from, info.to)
    for _, note in ipairs(key_notes(years)) do out[#out + 1] = note end
    local rows = res:rows()
    -- the part names in order of first appearance
    local part_names, seen = {}, {}
    for _, row in ipairs(rows) do
      for _, p in ipairs(row.parts.part_list) do
        if not seen[p.name] then seen[p.name] = true; part_names[#part_names + 1] = p.name end
      end
    end
    local header = { "year", "code", "member", "population" }
    local right = { true, false, false, true }
    for _, p in ipairs(part_names) do header[#header + 1] = p; right[#header] = true end
    header[#header + 1] = "total"; right[#header] = true
    header[#header + 1] = "due"
    header[#header + 1] = "payee"
    local cells = {}
    local by_year = {}
    for _, y in ipairs(years) do by_year[y.year] = y end
    local last_year
    for _, row in ipairs(rows) do
      if last_year and row.year ~= last_year then cells[#cells + 1] = { rule = true } end
      last_year = row.year
      local c = { tostring(row.year), row.code, row.name, R.int(row.population) }
      for _, p in ipairs(part_names) do c[#c + 1] = R.int(row.parts[p]) end
      c[#c + 1] = R.int(row.total)
      c[#c + 1] = row.due or ""
      c[#c + 1] = row.host and "(host)" or (row.payee or "")
      cells[#cells + 1] = c
    end
    out[#out + 1] = R.table(header, cells, right)
    local sum_rows = {}
    for _, y in ipairs(years) do
      local note = {}
      if y.agreement_months < 12 then note[#note + 1] = y.agreement_months .. "/12 of the year" end
      if y.past_end then note[#note + 1] = "past the agreement's end" end
      sum_rows[#sum_rows + 1] = { tostring(y.year), R.money(y.cost), R.money(y.grants), R.money(y.net),
        R.int(y.sum_shares), R.money(y.balance), tostring(y.members), table.concat(note, "; ") }
    end
    out[#out + 1] = ""
    out[#out + 1] = R.table({ "year", "cost", "grants", "net cost", "sum of shares", "balance", "members", "note" },
      sum_rows, { true, true, true, true, true, true, true })
    out[#out + 1] = ""
  end
  out[#out + 1] = "options: " .. run:options()
  return table.concat(out, "\n")
end

-- "1234567.50" -> "1 234 567.50"; whole amounts lose ".00"
function R.money(text)
  if not text then return "" end
  local sign, int, dec = tostring(text):match("^(-?)(%d+)%.?(%d*)$")
  if not int then return tostring(text) end
  local s = R.int(math.tointeger(tonumber(int)) or 0)
  if dec ~= "" and tonumber(dec) ~= 0 then s = s .. "." .. dec end
  return sign .. s
end

---------------------------------------------------------------------------
-- comparison

local compare_mt = { __name = "coopsim.comparison" }
compare_mt.__index = compare_mt
R.compare_mt = compare_mt -- coopsim.lua adds :write

-- A comparison of runs from their lines, aligned by (cooperation, year,
-- code) in C (core/lua_compare.c, core.compare): each line has the share in
-- every run or a status word ("withdrawn", "not a member"; line.status only
-- when some run has no share, line.parts only by territory); the table
-- shows the difference to the first run in kroner and per cent.
function R.compare(runs, alignment)
  return setmetatable({ runs = runs, alignment = alignment }, compare_mt)
end

-- the lines, made on the first call (a table per line: a national
-- comparison has some ten thousand)
function compare_mt:rows()
  if not self.lines then self.lines = self.alignment:lines() end
  return self.lines
end

-- { [run] = { [year] = kroner } }: what every member pays, all cooperations together
function compare_mt:totals() return self.alignment:totals() end

-- { [run] = { rise = { cooperation, year, code, name, diff }, fall = ... } }
-- for each run after the first: the member-year that rises most and the
-- one that falls most against the first run
function compare_mt:changes() return self.alignment:changes() end

compare_mt.__tostring = function(c)
  local runs = c.runs
  local header = { "year", "code", "member" }
  local right = { true, false, false }
  for i, run in ipairs(runs) do
    header[#header + 1] = run.name; right[#header] = true
    if i > 1 then
      header[#header + 1] = "diff kr"; right[#header] = true
      header[#header + 1] = "diff %"; right[#header] = true
    end
  end
  local cells, totals = {}, {}
  local blocks = {}
  local function flush(coop, year)
    local t = totals[coop .. year]
    if not t then return end
    local row = { "", "", "total" }
    for i = 1, #runs do
      row[#row + 1] = R.int(t[i] or 0)
      if i > 1 then
        row[#row + 1] = R.int((t[i] or 0) - (t[1] or 0))
        row[#row + 1] = percent(t[1], t[i])
      end
    end
    cells[#cells + 1] = row
    cells[#cells + 1] = { rule = true }
  end
  local cur_key, cur_coop, cur_year
  for _, line in ipairs(c:rows()) do
    local key = line.cooperation .. line.year
    if cur_key and key ~= cur_key then flush(cur_coop, cur_year) end
    if line.cooperation ~= cur_coop then blocks[#blocks + 1] = line.cooperation end
    cur_key, cur_coop, cur_year = key, line.cooperation, line.year
    totals[key] = totals[key] or {}
    local label = line.name
    local made = {}
    local parts = line.parts or {}
    for i = 1, #runs do if parts[i] then made[#made + 1] = runs[i].name .. ": " .. parts[i] end end
    if #made > 0 then label = label .. " (" .. table.concat(made, "; ") .. ")" end
    local row = { tostring(line.year), line.code, label }
    for i = 1, #runs do
      local v = line.shares[i]
      row[#row + 1] = v and R.int(v) or line.status[i] -- a line without a share has a status
      totals[key][i] = (totals[key][i] or 0) + (v or 0)
      if i > 1 then
        local a, b = line.shares[1], v
        row[#row + 1] = (a and b) and R.int(b - a) or ((b and not a) and R.int(b)) or ((a and not b) and R.int(-a)) or ""
        row[#row + 1] = (a and b) and percent(a, b) or ""
      end
    end
    cells[#cells + 1] = row
  end
  if cur_key then flush(cur_coop, cur_year) end
  if cells[#cells] and cells[#cells].rule then cells[#cells] = nil end
  local names = {}
  for _, r in ipairs(runs) do names[#names + 1] = r.name end
  local head = "comparison of " .. table.concat(names, ", ") .. " (" .. table.concat(blocks, ", ") .. ")"
  local notes = {}
  local seen = {}
  for _, run in ipairs(runs) do
    for _, y in ipairs(run:years()) do
      if y.assumption and not seen[y.assumption] then
        seen[y.assumption] = true
        notes[#notes + 1] = "ASSUMPTION (" .. (y.label or y.key) .. "): " .. y.assumption
      end
    end
  end
  local text = head .. "\n" .. R.table(header, cells, right)
  if #notes > 0 then text = text .. "\n" .. table.concat(notes, "\n") end
  return text
end

---------------------------------------------------------------------------
-- writers: CSV (',' or ';' with decimal comma), JSON, Markdown

local function csv_cell(v, sep)
  v = v == nil and "" or tostring(v)
  if v:find('[' .. sep .. '"\n\r]') then v = '"' .. v:gsub('"', '""') .. '"' end
  return v
end

R.row_columns = { "scenario", "cooperation", "year", "code", "name", "population", "population_date",
  "population_source", "parts", "exact", "total", "due", "payee" }

local function parts_text(row)
  local t = {}
  for _, p in ipairs(row.parts.part_list) do t[#t + 1] = p.name .. "=" .. p.exact end
  return table.concat(t, " ")
end

-- CSV of every run's rows. sep "," (decimal point) or ";" (decimal comma).
function R.csv(runs, sep)
  sep = sep or ","
  local out = { table.concat(R.row_columns, sep) }
  for _, run in ipairs(runs) do
    for _, row in ipairs(run:rows()) do
      local exact = row.exact
      local parts = parts_text(row)
      if sep == ";" then
        exact = exact:gsub("%.", ",")
        parts = parts:gsub("(%d)%.(%d)", "%1,%2")
      end
      local cells = {}
      for i, col in ipairs(R.row_columns) do
        local v = row[col]
        if col == "scenario" then v = run.name
        elseif col == "parts" then v = parts
        elseif col == "exact" then v = exact
        elseif col == "payee" and row.host then v = "(host)" end
        cells[i] = csv_cell(v, sep)
      end
      out[#out + 1] = table.concat(cells, sep)
    end
  end
  return table.concat(out, "\n") .. "\n"
end

local function json_string(s)
  return '"' .. tostring(s):gsub('[%c"\\]', function(ch)
    local map = { ['"'] = '\\"', ['\\'] = '\\\\', ['\n'] = '\\n', ['\r'] = '\\r', ['\t'] = '\\t' }
    return map[ch] or string.format("\\u%04x", ch:byte())
  end) .. '"'
end

-- A value whose JSON text is made elsewhere: raw.json(indent) gives it.
local raw_mt = {}

local function json(v, indent)
  indent = indent or ""
  local t = type(v)
  if t == "table" and getmetatable(v) == raw_mt then return v.json(indent) end
  if t == "nil" then return "null" end
  if t == "boolean" then return tostring(v) end
  if t == "number" then
    if math.type(v) == "integer" then return tostring(v) end
    return string.format("%.17g", v)
  end
  if t == "string" then return json_string(v) end
  if t == "table" then
    local inner = indent .. "  "
    if #v > 0 or next(v) == nil then
      local items = {}
      for _, x in ipairs(v) do items[#items + 1] = inner .. json(x, inner) end
      if #items == 0 then return "[]" end
      return "[\n" .. table.concat(items, ",\n") .. "\n" .. indent .. "]"
    end
    local keys = {}
    for k in pairs(v) do if type(k) == "string" then keys[#keys + 1] = k end end
    table.sort(keys)
    local items = {}
    for _, k in ipairs(keys) do items[#items + 1] = inner .. json_string(k) .. ": " .. json(v[k], inner) end
    return "{\n" .. table.concat(items, ",\n") .. "\n" .. indent .. "}"
  end
  return json_string(tostring(v))
end

-- The result document (include/coopsim/doc.h) as JSON: what the C writers,
-- the run store and a worker's parent read. meta.version and
-- meta.scenario_file are optional.
function R.json(runs, meta)
  meta = meta or {}
  local doc = { coopsim = meta.version, scenario_file = meta.scenario_file, runs = {} }
  for _, run in ipairs(runs) do
    -- the rows are written in C (result:json_rows), the same text json()
    -- makes of run:rows() with row.parts = row.parts.part_list and without
    -- row.scenario (the run's name, said once per run), but without a
    -- Lua table per row
    local rows = setmetatable({ json = function(indent)
      local pieces = {}
      for _, result in ipairs(run.results) do
        if result:info().rows > 0 then pieces[#pieces + 1] = result:json_rows(indent .. "  ") end
      end
      if #pieces == 0 then return "[]" end
      return "[\n" .. table.concat(pieces, ",\n") .. "\n" .. indent .. "]"
    end }, raw_mt)
    local years = run:years()
    for _, y in ipairs(years) do
      y.key_label, y.key_source, y.key_assumption = y.label, y.source, y.assumption
      y.label, y.source, y.assumption = nil, nil, nil
    end
    doc.runs[#doc.runs + 1] = { scenario = run.name, from = run.from, to = run.to, options = run:options(),
      rows = rows, years = years }
  end
  return json(doc) .. "\n"
end

function R.markdown(runs)
  local out = {}
  for _, run in ipairs(runs) do
    out[#out + 1] = "## " .. run.name .. "\n"
    for _, note in ipairs(key_notes(run:years())) do out[#out + 1] = "- " .. note:gsub("\n%s*", " ") end
    out[#out + 1] = ""
    out[#out + 1] = "| year | code | member | population | total | due | payee |"
    out[#out + 1] = "|---:|---|---|---:|---:|---|---|"
    for _, row in ipairs(run:rows()) do
      out[#out + 1] = string.format("| %d | %s | %s | %s | %s | %s | %s |", row.year, row.code,
        row.name:gsub("|", "\\|"), R.int(row.population), R.int(row.total), row.due or "",
        row.host and "(host)" or (row.payee or ""))
    end
    out[#out + 1] = ""
  end
  return table.concat(out, "\n")
end

---------------------------------------------------------------------------
-- golden files: differences between an expected and an actual CSV

local function split_csv_line(line)
  local cells, i, n = {}, 1, #line
  while i <= n + 1 do
    if line:sub(i, i) == '"' then
      local j, buf = i + 1, {}
      while j <= n do
        local ch = line:sub(j, j)
        if ch == '"' and line:sub(j + 1, j + 1) == '"' then buf[#buf + 1] = '"'; j = j + 2
        elseif ch == '"' then j = j + 1; break
        else buf[#buf + 1] = ch; j = j + 1 end
      end
      cells[#cells + 1] = table.concat(buf)
      i = j + 1
    else
      local j = line:find(",", i, true) or (n + 1)
      cells[#cells + 1] = line:sub(i, j - 1)
      i = j + 1
    end
  end
  return cells
end

local function index_csv(text)
  local header, rows, order = nil, {}, {}
  for line in (text or ""):gmatch("[^\n]+") do
    local cells = split_csv_line(line)
    if not header then header = cells
    else
      local key = table.concat({ cells[1], cells[2], cells[3], cells[4] }, "|")
      rows[key] = cells
      order[#order + 1] = key
    end
  end
  return header or {}, rows, order
end

-- Lists differences as "scenario S, cooperation C, member CODE NAME, year Y,
-- column COL: expected E, actual A"; at most `limit` lines.
function R.diff_csv(expected, actual, limit)
  limit = limit or 20
  local hdr, exp_rows, exp_order = index_csv(expected)
  local _, act_rows, act_order = index_csv(actual)
  local out = {}
  local function add(s) if #out < limit then out[#out + 1] = s end end
  local function label(c)
    return string.format("scenario %s, %s, member %s %s, year %s", c[1], c[2], c[4], c[5], c[3])
  end
  for _, key in ipairs(exp_order) do
    local e, a = exp_rows[key], act_rows[key]
    if not a then add(label(e) .. ": expected a row, none in the actual results")
    else
      for i, col in ipairs(hdr) do
        if (e[i] or "") ~= (a[i] or "") then
          add(string.format("%s, column %s: expected %s, actual %s", label(e), col, e[i] or "", a[i] or ""))
        end
      end
    end
  end
  for _, key in ipairs(act_order) do
    if not exp_rows[key] then add(label(act_rows[key]) .. ": row not in the expected file") end
  end
  local total = 0
  for _, key in ipairs(exp_order) do
    local e, a = exp_rows[key], act_rows[key]
    if not a then total = total + 1 else
      for i in ipairs(hdr) do if (e[i] or "") ~= (a[i] or "") then total = total + 1 end end
    end
  end
  for _, key in ipairs(act_order) do if not exp_rows[key] then total = total + 1 end end
  if total > #out then out[#out + 1] = string.format("... and %d more differences", total - #out) end
  return out
end

return R
