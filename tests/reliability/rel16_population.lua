-- RELIABILITY 16: populations that cannot be: rejected, naming the value.
local cs = coopsim
local coop = cs.cooperation { name = "T", members = { "1835", "1836" },
  costs = { { name = "Drift", amount = 1000 } }, key = cs.keys.population {} }
local base = cs.scenario("S", { coop })
local function with(v) return base:fork("p"):population("1835", v):run { from = 2023, to = 2023 } end
cs.expect_error(function() with(-5) end, "population must not be negative, got -5", "-5")
cs.expect_error(function() with(12.5) end, "population must be a whole number, got 12.5", "12.5")
cs.expect_error(function() with("12") end, 'needs a number or a { [year] = value } table, got "12"', '"12"')
cs.expect_error(function() with(1e300) end, "got 1e+300", "1e300")
cs.expect_error(function() with(0 / 0) end, "population must be finite", "NaN")
cs.expect_error(function() with(math.huge) end, "population must be finite, got inf", "math.huge")
cs.expect_error(function() with { [2023] = -1 } end, "population for 2023 must not be negative", "table -1")
cs.expect_error(function() with { [2023.5] = 10 } end, "population year must be a year", "year 2023.5")
cs.expect(with(450):share("1835", 2023) ~= nil, true, "a good population still runs")
