-- cs.compare's alignment (core/lua_compare.c): lines in (cooperation, year,
-- code) order even when a later run adds members (the sort), the status of
-- a run without a share ("withdrawn" after the member has been there, "not
-- a member" before), the shares summed per line, and by = "territory".
local cs = coopsim
local function coop(name, members)
  return cs.cooperation {
    name = name, host = members[1], period = { from = "2024-01-01" }, members = members,
    costs = { { name = "Drift", amount = 100000 } },
    key = cs.keys.split { equal = 0.5, population = 0.5 },
    notice = { months = 0, from = "notice_date" },
  }
end
local base = cs.scenario("Base", { coop("B", { "1820", "1822" }), coop("A", { "1812", "1813" }) })
local joined = base:fork("1815 joins A"):join("1815", "2025-01-01")
local left = base:fork("1813 leaves A"):withdraw("1813", "2025-01-01")
local runs = { base:run { from = 2024, to = 2026 }, joined:run { from = 2024, to = 2026 },
               left:run { from = 2024, to = 2026 } }
local lines = cs.compare(table.unpack(runs)):rows()
local function key(l) return string.format("%s|%04d|%s", l.cooperation, l.year, l.code) end
for i = 2, #lines do
  cs.expect(key(lines[i - 1]) < key(lines[i]), true, "order at line " .. i)
end
-- (a join applies to every cooperation of the scenario: 1815 joins A and B)
cs.expect(#lines, 2 * 3 + 2 * 3 + 2 * 2, "lines: A and B's two members for 3 years, 1815 in both for 2")
local at = {}
for _, l in ipairs(lines) do at[key(l)] = l end
local j = at["A|2025|1815"]
cs.expect(j.shares[1], nil, "1815 in the base")
cs.expect(j.status[1], "not a member", "1815 before it joins")
cs.expect(j.shares[2] > 0, true, "1815 pays once joined")
local w = at["A|2026|1813"]
cs.expect(w.status[3], "withdrawn", "1813 after leaving")
cs.expect(w.status[1], nil, "1813 in the base: a share, no status")
cs.expect(at["A|2024|1812"].status, nil, "a line with every run's share: no status at all")
cs.expect(at["A|2024|1812"].parts, nil, "no codes merged in: no parts")
cs.expect(w.shares[1], runs[1]:share("1813", 2026), "the share is the run's")
local total = 0
for _, l in ipairs(lines) do
  if l.cooperation == "A" and l.year == 2026 then total = total + (l.shares[3] or 0) end
end
cs.expect(total, 100000, "what A's members pay in 2026 without 1813")

-- by territory: Steinkjer and Verran (1702, 1724 in 2017; 5004, 5039 from
-- 2018) line up under 5006 Steinkjer today, their codes listed per run
local t = cs.scenario("T", { cs.cooperation {
  name = "T", host = "1702", period = { from = "2017-01-01" }, members = { "1702", "1724" },
  costs = { { name = "Drift", amount = 1000 } }, key = cs.keys.equal(),
} })
local tl = cs.compare(t:run { from = 2019, to = 2020 }, { by = "territory" }):rows()
cs.expect(#tl, 2, "one line a year")
cs.expect(tl[1].code, "5006", "today's code")
cs.expect(tl[1].shares[1], 1000, "the two shares summed")
cs.expect(tl[1].parts[1], "5004 + 5039", "the codes that made it")

-- totals and changes: the same as summing and scanning the lines in Lua
local cmp = cs.compare(table.unpack(runs))
local totals, changes = cmp:totals(), cmp:changes()
local sums, rise, fall = {}, {}, {}
for ri = 1, #runs do sums[ri] = {} end
for _, l in ipairs(cmp:rows()) do
  local a = l.shares[1]
  for ri = 1, #runs do
    local v = l.shares[ri]
    if v then
      sums[ri][l.year] = (sums[ri][l.year] or 0) + v
      if ri > 1 and a then
        if not rise[ri] or v - a > rise[ri].diff then rise[ri] = { diff = v - a, code = l.code, year = l.year } end
        if not fall[ri] or v - a < fall[ri].diff then fall[ri] = { diff = v - a, code = l.code, year = l.year } end
      end
    end
  end
end
for ri = 1, #runs do
  for year = 2024, 2026 do
    cs.expect(totals[ri][year], sums[ri][year], "total of run " .. ri .. " in " .. year)
  end
end
cs.expect(changes[1], nil, "the first run is the one compared with")
for ri = 2, #runs do
  for _, k in ipairs { "diff", "code", "year" } do
    cs.expect(changes[ri].rise[k], rise[ri][k], "largest rise of run " .. ri .. ": " .. k)
    cs.expect(changes[ri].fall[k], fall[ri][k], "largest fall of run " .. ri .. ": " .. k)
  end
end
-- 1813 leaves A: nobody pays less, so the "largest fall" is the first line
-- with no change (A 2024 1812), the same rule as the largest rise
cs.expect(changes[3].fall.diff, 0, "nobody pays less when 1813 leaves")
cs.expect(changes[3].fall.code .. " " .. changes[3].fall.year, "1812 2024", "the first line of the equal ones")
