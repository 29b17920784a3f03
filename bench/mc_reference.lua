-- The Monte Carlo job in plain Lua 5.4: the same flat model, the same
-- counter-based generator and tabulated normals (tails clamped to the table,
-- the one difference), the same share arithmetic, percentiles by sorting.
-- Usage: lua5.4 bench/mc_reference.lua MODEL.lua
local m = dofile(arg[1])
local clock = os.clock
local t0 = clock()
local function mix(z)
  z = z + 0x9e3779b97f4a7c15
  z = (z ~ (z >> 30)) * 0xbf58476d1ce4e5b9
  z = (z ~ (z >> 27)) * 0x94d049bb133111eb
  return z ~ (z >> 31)
end
local q, floor = m.q, math.floor
local function normal(key, stream)
  local u = ((mix(key + stream) >> 11) + 0.5) * (1.0 / 9007199254740992.0)
  local x = u * 4096
  local k = floor(x)
  if k < 1 then k = 1 elseif k > 4094 then k = 4094 end
  return q[k] + (x - k) * (q[k + 1] - q[k])
end
local M, years, draws = m.nmembers, m.years, m.draws
local samples, sums = {}, {}
for c = 1, #years * M do samples[c] = {}; sums[c] = 0 end
local growth, pop, share = {}, {}, {}
for d = 0, draws - 1 do
  local key = mix(m.seed ~ mix(d))
  local wf, wage_at = 1.0, 0
  for i = 1, M do growth[i] = 1.0 end
  for yi, y in ipairs(years) do
    local f = 1.0
    if m.vary_wage and y.wage_steps > 0 then
      while wage_at < y.wage_steps do
        wage_at = wage_at + 1
        wf = wf * (1 + m.wage_mean + m.wage_sd * normal(key, wage_at))
      end
      f = wf
    end
    local net = y.cost_other + y.cost_wage * f - y.grant
    if net < 0 then net = 0 end
    local base = (1 << 20) + (yi - 1) * M
    local n = #y.members
    for k = 1, n do
      local mi = y.members[k]
      growth[mi] = growth[mi] * (1 + m.pop_mean + m.pop_sd * normal(key, base + mi - 1))
      pop[k] = y.population[k] * growth[mi]
      share[k] = 0
    end
    local direct = 0
    for _, c in ipairs(y.comps) do
      if c.kind <= 2 then
        for k = 1, n do
          local v = c.kind == 0 and c.amount or c.kind == 1 and c.amount * pop[k] or c.by_member[y.members[k]]
          v = v * y.year_share[k]
          share[k] = share[k] + v
          direct = direct + v
        end
      end
    end
    local rest = net - direct
    if rest < 0 then rest = 0 end
    for _, c in ipairs(y.comps) do
      if c.kind > 2 then
        local total = 0
        for k = 1, n do
          local w = c.kind == 3 and 1 or c.kind == 4 and pop[k] or c.by_member[y.members[k]]
          total = total + w * y.year_share[k]
        end
        local fr = c.amount * rest / total
        for k = 1, n do
          local w = c.kind == 3 and 1 or c.kind == 4 and pop[k] or c.by_member[y.members[k]]
          share[k] = share[k] + fr * w * y.year_share[k]
        end
      end
    end
    for k = 1, n do
      local cell = (yi - 1) * M + y.members[k]
      local s = samples[cell]
      s[#s + 1] = share[k]
      sums[cell] = sums[cell] + share[k]
    end
  end
end
local stats = {}
for c = 1, #samples do
  local s = samples[c]
  if #s > 0 then
    table.sort(s)
    local n = #s
    local function at(p) return s[floor(p * (n - 1) + 0.5) + 1] end
    stats[c] = { mean = sums[c] / n, p5 = at(0.05), p50 = at(0.5), p95 = at(0.95) }
  end
end
local t = clock() - t0
local my = 0
for _, y in ipairs(years) do my = my + #y.members end
my = my * draws
local check = stats[m.check.cell]
print(string.format("plain Lua %8.3f s  %7.1f M member-years/s  (Rana 2033 mean %.2f)", t, my / t / 1e6, check.mean))
