-- report.lua: text tables, side-by-side comparisons and CSV/JSON/Markdown
-- writers for runs. Widths are counted in characters (utf8.len), so æ, ø
-- and å line up; numbers are grouped with spaces ("740 539") in code, never
-- through a locale.

local core = ... -- coopsim's C core (core/lua_coopsim.c), for the runs' results
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

-- "12.5 %", "-3.1 %"; in bokmål with a decimal comma, "+12,5 %"
local function percent(a, b, nb)
  if not a or not b or a == 0 then return "" end
  local s = string.format("%+.1f %%", (b - a) * 100 / a)
  return nb and (s:gsub("%.", ",")) or s
end

-- The language of what a scenario prints ("en", "nb"): coopsim_run.lua
-- sets it to the session's (coopsim run --lang, COOPSIM_LANG).
R.print_lang = function() return "en" end

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
  for _, res in ipairs(core.run_state(run).results) do
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
    -- the money cycle (SPEC 7.3): shown when the run has it
    local money = rows[1] and rows[1].settlement ~= nil
    if money then
      for _, h in ipairs { "difference", "settlement", "invoice" } do header[#header + 1] = h; right[#header] = true end
    end
    header[#header + 1] = "due"
    header[#header + 1] = "payee"
    local cells = {}
    local by_year = {}
    for _, y in ipairs(years) do by_year[y.year] = y end
    local last_year
    for _, row in ipairs(rows) do
      if last_year and row.year ~= last_year then cells[#cells + 1] = { rule = true } end
      last_year = row.year
      local only = row.settlement_only -- a member gone, invoiced its settlement: no share
      local c = { tostring(row.year), row.code, row.name, only and "" or R.int(row.population) }
      for _, p in ipairs(part_names) do c[#c + 1] = R.int(row.parts[p]) end
      c[#c + 1] = only and "" or R.int(row.total)
      if money then
        c[#c + 1] = row.difference and R.int(row.difference) or ""
        c[#c + 1] = row.settlement ~= 0 and R.int(row.settlement) or ""
        c[#c + 1] = R.int(row.invoice)
      end
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
      if y.actual_net then note[#note + 1] = "accounts: net cost " .. R.money(y.actual_net) end
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

-- One run in bokmål: the report writers' table (core/report_text.c), as
-- `coopsim run --lang nb` writes it.
function R.run_table_nb(run)
  return (core.render(core.doc({ run }), "table", "nb"):gsub("\n+$", ""))
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

local compare_mt = { __name = "coopsim.comparison", __metatable = false }
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
  local c = core.raw(self)
  if not c.lines then c.lines = c.alignment:lines() end
  return c.lines
end

-- { [run] = { [year] = kroner } }: what every member pays, all cooperations together
function compare_mt:totals() return self.alignment:totals() end

-- { [run] = { rise = { cooperation, year, code, name, diff }, fall = ... } }
-- for each run after the first: the member-year that rises most and the
-- one that falls most against the first run
function compare_mt:changes() return self.alignment:changes() end

compare_mt.__tostring = function(c)
  local runs = c.runs
  -- in bokmål the reports' words (core/report_lang.c) and a decimal comma
  local nb = R.print_lang() == "nb"
  local function T(text) return (nb and text) and core.label(text, "nb") or text end
  local header = { T("year"), T("code"), T("member") }
  local right = { true, false, false }
  for i, run in ipairs(runs) do
    header[#header + 1] = run.name; right[#header] = true
    if i > 1 then
      header[#header + 1] = T("diff kr"); right[#header] = true
      header[#header + 1] = T("diff %"); right[#header] = true
    end
  end
  -- the money cycle (SPEC 7.3): what each run invoices (share + settlement)
  local lines = c:rows()
  local money = lines[1] and lines[1].invoices ~= nil
  for i, run in ipairs(money and runs or {}) do
    header[#header + 1] = T("invoice") .. " " .. run.name; right[#header] = true
    if i > 1 then header[#header + 1] = T("diff kr"); right[#header] = true end
  end
  local cells, totals = {}, {}
  local blocks = {}
  local function flush(coop, year)
    local t = totals[coop .. year]
    if not t then return end
    local row = { "", "", T("total") }
    for i = 1, #runs do
      row[#row + 1] = R.int(t[i] or 0)
      if i > 1 then
        row[#row + 1] = R.int((t[i] or 0) - (t[1] or 0))
        row[#row + 1] = percent(t[1], t[i], nb)
      end
    end
    for i = 1, money and #runs or 0 do
      local v = t.invoices[i] or 0
      row[#row + 1] = R.int(v)
      if i > 1 then row[#row + 1] = R.int(v - (t.invoices[1] or 0)) end
    end
    cells[#cells + 1] = row
    cells[#cells + 1] = { rule = true }
  end
  local cur_key, cur_coop, cur_year
  for _, line in ipairs(lines) do
    local key = line.cooperation .. line.year
    if cur_key and key ~= cur_key then flush(cur_coop, cur_year) end
    if line.cooperation ~= cur_coop then blocks[#blocks + 1] = line.cooperation end
    cur_key, cur_coop, cur_year = key, line.cooperation, line.year
    totals[key] = totals[key] or { invoices = {} }
    local label = line.name
    local made = {}
    local parts = line.parts or {}
    for i = 1, #runs do if parts[i] then made[#made + 1] = runs[i].name .. ": " .. parts[i] end end
    if #made > 0 then label = label .. " (" .. table.concat(made, "; ") .. ")" end
    local row = { tostring(line.year), line.code, label }
    for i = 1, #runs do
      local v = line.shares[i]
      row[#row + 1] = v and R.int(v) or T(line.status[i]) -- a line without a share has a status
      totals[key][i] = (totals[key][i] or 0) + (v or 0)
      if i > 1 then
        local a, b = line.shares[1], v
        row[#row + 1] = (a and b) and R.int(b - a) or ((b and not a) and R.int(b)) or ((a and not b) and R.int(-a)) or ""
        row[#row + 1] = (a and b) and percent(a, b, nb) or ""
      end
    end
    for i = 1, money and #runs or 0 do
      local v, a = line.invoices[i], line.invoices[1]
      row[#row + 1] = v and R.int(v) or ""
      totals[key].invoices[i] = (totals[key].invoices[i] or 0) + (v or 0)
      if i > 1 then row[#row + 1] = (v or a) and R.int((v or 0) - (a or 0)) or "" end
    end
    cells[#cells + 1] = row
  end
  if cur_key then flush(cur_coop, cur_year) end
  if cells[#cells] and cells[#cells].rule then cells[#cells] = nil end
  local names = {}
  for _, r in ipairs(runs) do names[#names + 1] = r.name end
  local head = T("comparison of") .. " " .. table.concat(names, ", ") .. " (" .. table.concat(blocks, ", ") .. ")"
  local notes = {}
  local seen = {}
  for _, run in ipairs(runs) do
    for _, y in ipairs(run:years()) do
      if y.assumption and not seen[y.assumption] then
        seen[y.assumption] = true
        notes[#notes + 1] = T("ASSUMPTION") .. " (" .. (y.label or (nb and y.key_nb) or y.key) .. "): " .. y.assumption
      end
    end
  end
  local text = head .. "\n" .. R.table(header, cells, right)
  if #notes > 0 then text = text .. "\n" .. table.concat(notes, "\n") end
  return text
end

---------------------------------------------------------------------------
-- writers: CSV and JSON (in C, from the runs' results), Markdown

-- CSV of every run's rows, written in C from the runs' results: sep ","
-- (decimal point; what golden files hold) or ";" (csv-nb: decimal comma and a
-- BOM, for Norwegian Excel).
function R.csv(runs, sep)
  return core.render(core.doc(runs), sep == ";" and "csv-nb" or "csv")
end

-- The result document (include/coopsim/doc.h) as JSON, built in C from the
-- runs' results (core/doc_build.c): what the C writers, the run store and a
-- worker's parent read. meta.version and meta.scenario_file are optional.
function R.json(runs, meta)
  meta = meta or {}
  return core.render(core.doc(runs, meta.version, meta.scenario_file), "json")
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

return R
