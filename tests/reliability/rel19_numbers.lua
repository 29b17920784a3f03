-- RELIABILITY 19: amounts that cannot be kept exact or make no sense.
local cs = coopsim
local function amount(a)
  return cs.scenario("S", { cs.cooperation { name = "T", members = { "1833", "1834" },
    costs = { { name = "Drift", amount = a } }, key = cs.keys.equal {} } }):run { from = 2023, to = 2023 }
end
cs.expect_error(function() amount(math.maxinteger) end, "must be at most 10^15 in size, got 9223372036854775807", "2^63-1")
cs.expect_error(function() amount("1e309") end, 'must be at most 10^15 in size, got "1e309"', '"1e309"')
cs.expect_error(function() amount(0 / 0) end, "amount must be finite", "0/0")
cs.expect_error(function() amount(math.huge) end, "amount must be finite, got inf", "inf")
cs.expect_error(function() amount(-math.huge) end, "amount must be finite, got -inf", "-inf")
cs.expect_error(function() amount(1e300) end, "got 1e+300", "1e300")
cs.expect_error(function() amount(-5) end, "must not be negative, got -5", "negative cost")
cs.expect_error(function() amount({}) end, "amount must be a number", "a table")
-- amounts whose products could overflow: a huge amount times a huge growth
cs.expect_error(function()
  cs.scenario("S", { cs.cooperation { name = "T", members = { "1833", "1834" },
    period = { from = "2023-01-01" },
    costs = { { name = "Drift", amount = 1e15, growth = "wage" } }, key = cs.keys.equal {} } })
    :growth { wage = 1e15 }:run { from = 2023, to = 2030 }
end, "T, 2024: amounts too large for exact arithmetic", "growth rate 1e15")
cs.expect(amount(1e15):share("1833", 2023), 500000000000000, "10^15 itself is exact")
-- unknown option keys
cs.expect_error(function()
  cs.cooperation { name = "T", members = { "1833" }, costs = {}, key = cs.keys.equal {}, colour = "red" }
end, "unknown option 'colour' in cs.cooperation", "unknown key")
