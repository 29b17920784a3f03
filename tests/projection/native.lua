-- The shipped projections (cs.projection.growth, hold_last) are computed in
-- C when one is a scenario's only population function; this checks every
-- row, population and explanation against the same scenario computed
-- through the Lua functions (coopsim._native_projection = false), past the
-- registry's last year, with a hypothetical merger (whose parts take the
-- projection too) and a part-year withdrawal.
local cs = coopsim
local coop = cs.cooperation {
  name = "Projeksjon", host = "1824", period = { from = "2024-01-01" },
  members = { "1812", "1813", "1815", "1816", "1818", "1820", "1824", "1825", "1826", "1827" },
  costs = { { name = "Lønn", amount = 812345, growth = "wage" }, { name = "Pensjon", rate = 0.21, of = { "Lønn" } } },
  key = cs.keys.split { equal = 0.25, population = 0.75 },
  growth = { wage = 0.035 },
  exit_year = "months",
}
local function runs()
  local out = {}
  local base = cs.scenario("Base", { coop })
  local variants = {
    base:fork("growth"):population(cs.projection.growth(0.007)),
    base:fork("shrink"):population(cs.projection.growth(-0.013)),
    base:fork("hold"):population(cs.projection.hold_last),
    base:fork("merged"):population(cs.projection.growth(0.005))
      :merge({ "Grane", "Hattfjelldal" }, "Indre Helgeland", "2027-01-01")
      :withdraw("1815", "2029-05-01"),
  }
  for _, v in ipairs(variants) do out[#out + 1] = v:run { from = 2025, to = 2040 } end
  return out
end
local function flat(run)
  local t = {}
  for _, row in ipairs(run:rows()) do
    t[#t + 1] = table.concat({ row.year, row.code, row.population, row.population_source, row.exact, row.total }, " ")
    t[#t + 1] = tostring(run:explain(row.code, row.year))
  end
  return table.concat(t, "\n")
end
local native = runs()
coopsim._native_projection(false)
local lua = runs()
coopsim._native_projection(true)
for i = 1, #native do
  cs.expect(flat(native[i]) == flat(lua[i]), true, native[i].name .. ": native projection = Lua projection")
end
cs.expect(native[4]:row("H001", 2040).population_source, "override", "the merger's parts are projected")
