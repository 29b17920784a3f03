-- coopsim_run.lua: runs: their rows, shares, explanations, comparisons, reports, stored runs and expectations.
--
-- A part of the scenario API: scripts/coopsim.lua loads it with the core, the
-- report module, the module table M and the parts' shared table S; it uses
-- what the parts before it put in S and adds its own.

local core, report, M, S = ...
local check_fields, check_year, copy, debug_getinfo, fail, fail_at = S.check_fields, S.check_year, S.copy, S.debug_getinfo, S.fail, S.fail_at
local is_ours, is_run, jan1, lint, raw, readonly = S.is_ours, S.is_run, S.jan1, S.lint, S.raw, S.readonly
local resolve, run_state, scenario_mt, set, show, simulate_coops = S.resolve, S.run_state, S.scenario_mt, S.set, S.show, S.simulate_coops
local where = S.where
local resolve_member = S.resolve_member

-- A run's methods (a run is a C object, core/lua_run.c: its name, years and
-- results cannot be changed; coopsim.lua keeps its own notes on it in
-- run_state(run)). Every run a scenario makes is listed in C, which builds
-- the result document from that list.
local run_mt = {}
local cached

-- A run stopped by a key by a table (a member without a row, a year the
-- table lacks): where that key was made, when the message names its file.
local function key_made_at(scen, msg)
  local keys = {}
  for _, c in ipairs(scen.coops) do
    if c.key then keys[#keys + 1] = c.key end
    for _, sv in ipairs(c.services or {}) do keys[#keys + 1] = sv.key end
  end
  for _, mod in ipairs(scen.mods) do
    if mod.op == "set_key" then keys[#keys + 1] = raw(mod.key) end
  end
  for _, k in ipairs(keys) do
    for _, comp in ipairs(k.components) do
      if comp.kind == "by" and comp.where and msg:find(comp.file, 1, true) then
        return " (the key by " .. comp.column .. " in " .. comp.file .. " was made at " ..
          comp.where:gsub(": $", "") .. ")"
      end
    end
  end
  return ""
end

--- s:run { from = 2023, to = 2026 } -> run
function scenario_mt:run(opts)
  check_fields(opts, set { "from", "to", "past_end" }, "run")
  local from = check_year(opts.from, "run: from")
  local to = check_year(opts.to or opts.from, "run: to")
  if to < from then fail("run: to (%d) is before from (%d)", to, from) end
  local loc = where()
  local results, msg = simulate_coops(self, from, to)
  if not results then fail_at(loc, self.name .. ": " .. msg .. key_made_at(self, msg)) end
  local specs = msg
  for _, mod in ipairs(self.mods) do
    if (mod.op == "grant_end" or mod.op == "set_cost") and not mod.matched then
      fail_at(mod.where, string.format("%s: no %s named %q in any cooperation of the scenario", mod.op,
        mod.op == "grant_end" and "grant" or "cost line", mod.name))
    end
    if mod.op == "set_key" and mod.service and not mod.matched then
      fail_at(mod.where, string.format("set_key: no service named %q in any cooperation of the scenario", mod.service))
    end
  end
  local run = core.run_new(self.name, from, to, results, true) -- listed: reported, stored, compared
  local state = run_state(run)
  state.scenario, state.where, state.specs = self, loc, specs
  scenario_mt.remember(self, run)
  lint(self, run, opts)
  state.specs = nil -- read by the linter only
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
  local m = resolve_member(member, jan1(year), what)
  return at[year .. ":" .. m.code] or {}, m
end

--- r:share(member, year) -> whole kroner, or nil when not a member that year
function run_mt:share(member, year)
  local rows = member_rows(self, member, year, "share")
  local total
  for _, x in ipairs(rows) do
    -- a settlement-only row (SPEC 7.3: a member gone) has no share
    if not x.row.settlement_only then total = (total or 0) + x.row.total end
  end
  return total
end

--- r:invoices(member, year) -> { { due, amount, lines = { { kind, service,
--- instalment, settles, amount }, ... } }, ... } (SPEC 7.3): the member's
--- instalments that year, in order of due date; {} for the host, a year it
--- is not invoiced or a run without the money cycle
function run_mt:invoices(member, year)
  local rows = member_rows(self, member, year, "invoices")
  local out = {}
  for _, x in ipairs(rows) do
    for _, inv in ipairs(x.result:invoices(x.row.code, year) or {}) do out[#out + 1] = inv end
  end
  if #rows > 1 then table.sort(out, function(a, b) return a.due < b.due end) end
  return out
end

--- r:row(member, year) -> the row table, or nil
function run_mt:row(member, year)
  local rows = member_rows(self, member, year, "row")
  return rows[1] and rows[1].row or nil
end

local text_mt = { __name = "coopsim.text", __metatable = false, __tostring = function(t) return t.text end }

-- The language of what a scenario prints: opts.lang when given ("en",
-- "nb"), else the session's (coopsim run --lang, COOPSIM_LANG); an unknown
-- one is an error at the scenario's line naming it.
local function print_lang(opts, what)
  local lang = opts and opts.lang
  if lang ~= nil and type(lang) ~= "string" then fail("%s: lang must be a string, got %s", what, show(lang)) end
  local known, msg = core.lang(lang)
  if not known then fail("%s: %s", what, msg) end
  return known
end
S.print_lang = print_lang

--- r:explain(member, year [, { lang = "nb" }]) -> printable explanation; for
--- a member absent that year, why (its notice, a merger, a split, a later
--- joining); in the session's language unless opts.lang says
function run_mt:explain(member, year, opts)
  if opts ~= nil then check_fields(opts, set { "lang" }, "explain options") end
  local lang = print_lang(opts, "explain")
  local nb = lang == "nb"
  local ok, rows, m = pcall(member_rows, self, member, year, "explain")
  if not ok or #rows == 0 then
    -- a municipality gone by then (Verran in 2021) is found by its last period
    local code = m and m.code or (type(member) == "string" and member:match("^%d%d%d%d$"))
    if not code and type(member) == "string" then
      local latest = core.find(member)
      code = latest and latest.code
    end
    for _, r in ipairs(code and run_state(self).results or {}) do
      local why = r:absent(code, year, lang)
      if why then
        return readonly(setmetatable({ text = why .. string.format(" (scenario %q)", self.name) }, text_mt))
      end
    end
    if not ok then error(rows, 0) end
    return readonly(setmetatable({ text = string.format(nb and "%s %s er ikke medlem i %d (scenario %q)"
      or "%s %s is not a member in %d (scenario %q)", m.code, m.name, year, self.name) }, text_mt))
  end
  local parts = {}
  for _, x in ipairs(rows) do
    parts[#parts + 1] = x.result:explain(x.row.code, year, lang)
  end
  return readonly(setmetatable({ text = "scenario " .. self.name .. ": " .. table.concat(parts, "\n") }, text_mt))
end

-- print(r): in bokmål (the session's language) the reports' table
run_mt._tostring = function(run)
  if print_lang(nil, "print") == "nb" then return report.run_table_nb(run) end
  return report.run_table(run)
end
report.print_lang = function() return print_lang(nil, "print") end

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

-- for the parts after this one
S.run_mt, S.cached, S.scenario_file, S.check_run_year, S.member_rows = run_mt, cached, scenario_file, check_run_year, member_rows
S.text_mt, S.write_runs = text_mt, write_runs
