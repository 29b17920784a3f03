-- RELIABILITY 17: key shares must sum to exactly 1; no negative shares; a
-- key needs members.
local cs = coopsim
local function run(key, members)
  return cs.scenario("S", { cs.cooperation { name = "T", members = members or { "1833", "1834", "1835" },
    costs = { { name = "Drift", amount = 1000 } }, key = key } }):run { from = 2023, to = 2023 }
end
cs.expect_error(function() run(cs.keys.split { equal = 0.333, population = 0.333, per_capita = 0.333 }) end,
  "cs.keys.split", "0.333 x 3 (unknown part)")
cs.expect_error(function() run(cs.keys.split { equal = 0.333, population = 0.667 - 0.001 }) end,
  "key shares must sum to exactly 1", "0.333 + 0.666")
cs.expect_error(function() run(cs.keys.split { equal = 1.0001, population = 0 }) end,
  "share 'equal' must be at most 1, got 1.0001", "1.0001")
cs.expect_error(function() run(cs.keys.split { equal = -0.5, population = 1.5 }) end,
  "must not be negative, got -0.5", "negative")
cs.expect_error(function() run(cs.keys.split {}) end, "cs.keys.split", "no parts")
cs.expect_error(function() run(cs.keys.equal {}, {}) end, "needs a list of members", "empty member list")
cs.expect_error(function() run(cs.keys.weights { ["1833"] = -1, ["1834"] = 1, ["1835"] = 1 }) end,
  "weight", "negative weight")
-- 0.1 + 0.2 + 0.7 is exactly 1 in decimals (binary floats would say otherwise)
cs.expect(run(cs.keys.split { equal = 0.1, population = 0.9 }):share("1833", 2023) ~= nil, true,
  "0.1 + 0.9 is exactly 1")
