-- coopsim_lint.lua: the scenario linter: silent failures that lose planners' results.
--
-- A part of the scenario API: scripts/coopsim.lua loads it with the core, the
-- report module, the module table M and the parts' shared table S; it uses
-- what the parts before it put in S and adds its own.

local core, report, M, S = ...
local coop_base, jan1, run_state, scenario_mt, warn = S.coop_base, S.jan1, S.run_state, S.scenario_mt, S.warn
local build_spec = S.build_spec

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

-- "2019, 2020 and 2022"
local function year_list(years)
  local t = {}
  for i, y in ipairs(years) do t[i] = tostring(y) end
  if #t <= 1 then return t[1] or "" end
  return table.concat(t, ", ", 1, #t - 1) .. " and " .. t[#t]
end

-- The warnings of parties whose municipalities are also another member's
-- (their inhabitants count twice), for the members of base.
local function party_overlaps(coop, base)
  local out, owner, any = {}, {}, false
  for _, m in ipairs(base.members) do
    if m.party then any = true else owner[m.code] = m.code end
  end
  if not any then return out end
  for _, m in ipairs(base.members) do
    -- the municipalities counted twice, by whom: members ("") or a party
    local groups, order = {}, {}
    for _, code in ipairs(m.party and m.party.munis or {}) do
      local o = owner[code]
      if o then
        local g = o:match("^%d") and "" or o
        if not groups[g] then groups[g] = {}; order[#order + 1] = g end
        groups[g][#groups[g] + 1] = code
      else
        owner[code] = m.code
      end
    end
    for _, g in ipairs(order) do
      local codes = groups[g]
      local whom = g == "" and (#codes == 1 and "also a member" or "also members") or ("also in party " .. g)
      out[#out + 1] = string.format("%s: party %s (%s) includes %s, which %s %s: %s inhabitants count twice",
        coop.name, m.code, m.party.name, year_list(codes), #codes == 1 and "is" or "are", whom,
        #codes == 1 and "its" or "their")
    end
  end
  return out
end

-- The keys of a run (SPEC 7.2 linter): a cap that never binds; a table
-- with values for years the run never reads; a party whose municipalities
-- are also another member's.
local function lint_keys(scen, run, state)
  local from, to = run.from, run.to
  local tables = {} -- by table: the first key by it and the years read
  for ci, coop in ipairs(scen.coops) do
    local r = state.results[ci]
    local spec = state.specs and state.specs[ci] or build_spec(coop, scen, from, to)
    local capped = false
    for _, kp in ipairs(spec.keys) do capped = capped or kp.key.limits ~= nil end
    -- a cap that never binds: a capped key's years with no member held
    -- (read only where the run has a capped key: a table per year costs)
    if r and capped then
      local held, seen = {}, {}
      for _, y in ipairs(r:years()) do
        for _, k in ipairs(y.keys) do
          if k.capped then
            local id = k.service .. "\n" .. k.key
            if not seen[id] then
              seen[id] = { service = k.service, key = k.key, first = y.year, last = y.year }
              seen[#seen + 1] = id
            end
            seen[id].last = y.year
            held[id] = (held[id] or 0) + k.clamped
          end
        end
      end
      for _, id in ipairs(seen) do
        local k = seen[id]
        if held[id] == 0 then
          warn(state.where, string.format("%s%s: the cap of the key (%s) never binds in %d-%d: no member reaches a limit",
            coop.name, k.service ~= "" and (", service " .. k.service) or "", k.key, k.first, k.last))
        end
      end
    end
    -- the years each table is read for, over every key in force in the run
    for _, kp in ipairs(spec.keys) do
      local last = to
      for _, other in ipairs(spec.keys) do
        if other.service == kp.service and other.from_year > kp.from_year and other.from_year - 1 < last then
          last = other.from_year - 1
        end
      end
      local first = kp.from_year > from and kp.from_year or from
      for _, c in ipairs(first <= last and kp.key.components or {}) do
        if c.kind == "by" and c.year and c.table_years and #c.table_years > 0 then
          local t = tables[c.table]
          if not t then
            t = { comp = c, read = {} }
            tables[c.table] = t
            tables[#tables + 1] = c.table
          end
          local shift = c.year == "previous" and 1 or 0
          for y = first - shift, last - shift do t.read[y] = true end
        end
      end
    end
    -- a party whose municipalities are also another member's: found once
    -- per cooperation and resolution date (its members there)
    local base = coop_base(coop, spec.resolution)
    if base.overlaps == nil then base.overlaps = party_overlaps(coop, base) end
    for _, text in ipairs(base.overlaps) do warn(coop.where, text) end
  end
  -- a table with values for years the run never reads
  for _, h in ipairs(tables) do
    local t, unread = tables[h], {}
    for _, y in ipairs(t.comp.table_years) do
      if not t.read[y] then unread[#unread + 1] = y end
    end
    if #unread > 0 then
      warn(t.comp.where, string.format("%s has values of %s for %s, which the run %d-%d never reads",
        t.comp.file, t.comp.column, year_list(unread), from, to))
    end
  end
end

-- Accounts the run never settles (SPEC 7.3): for a year outside the run
-- (the year before its first is settled in it, unless the agreement had not
-- begun), or for its last year, whose settlement would be on an invoice of
-- the year after the run. A later call for the same year replaces an
-- earlier one: only the last is read.
local function lint_accounts(scen, from, to)
  local last = {} -- by cooperation, then "year service": the last call's place
  local function id(mod) return mod.year .. " " .. tostring(mod.service) end
  for i, mod in ipairs(scen.mods) do
    if mod.op == "accounts" then
      last[mod.coop] = last[mod.coop] or {}
      last[mod.coop][id(mod)] = i
    end
  end
  for i, mod in ipairs(scen.mods) do
    if mod.op == "accounts" and last[mod.coop][id(mod)] == i then
      local coop, y = mod.coop, mod.year
      local begins = coop.period_from and tonumber(coop.period_from:sub(1, 4))
      local svc = mod.service and (", service " .. mod.service) or ""
      if y > to or y < from - 1 or (y == from - 1 and begins and y < begins) then
        warn(mod.where, string.format("accounts for %d of %s%s are outside the run (%d-%d): they are never settled here",
          y, coop.name, svc, from, to))
      elseif y == to and coop.settle ~= "none" then
        warn(mod.where, string.format("accounts for %d of %s%s: the settlement goes on the %d invoice, after the run (%d-%d): it is never invoiced here",
          y, coop.name, svc, y + 1, from, to))
      end
    end
  end
end

local function lint(scen, run, opts)
  local state = run_state(run)
  local from, to = run.from, run.to
  lint_keys(scen, run, state)
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
  lint_accounts(scen, from, to)
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

-- for the parts after this one
S.same_shares, S.resolved_as, S.lint = same_shares, resolved_as, lint
