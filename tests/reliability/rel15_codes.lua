-- RELIABILITY 15: codes and names that are wrong: an error naming the field
-- and the value; nothing runs.
local cs = coopsim
local function coop(members)
  return cs.cooperation { name = "T", members = members,
                          costs = { { name = "Drift", amount = 1000 } }, key = cs.keys.equal {} }
end
local function run(members) return cs.scenario("S", { coop(members) }):run { from = 2023, to = 2023 } end
cs.expect_error(function() run { "9999", "1833" } end, 'member 1: unknown municipality code "9999"', "9999")
cs.expect_error(function() run { "03O1", "1833" } end, 'member 1: unknown municipality "03O1"', "03O1")
cs.expect_error(function() run { " 0301", "1833" } end, 'member 1: unknown municipality " 0301"', "leading space")
cs.expect_error(function() run { "1833", "1833" } end, "member 1833 is listed twice", "duplicate")
cs.expect_error(function() run { "1833", "Rana" } end, "member 1833 is listed twice", "duplicate by name")
cs.expect_error(function() run { "Rnaa", "1833" } end, 'unknown municipality "Rnaa"', "unknown name")
cs.expect_error(function() run { "Herøy", "1833" } end,
  'ambiguous municipality "Herøy": 1515 Herøy (Møre og Romsdal), 1818 Herøy (Nordland)', "Herøy")
cs.expect_error(function() run { 1833.5, "1834" } end, "member 1 must be a code or name, got 1833.5", "1833.5")
cs.expect_error(function() run { true, "1834" } end, "member 1 must be a code or name, got true", "true")
cs.expect_error(function() run {} end, "needs a list of members", "no members")
cs.expect_error(function() cs.municipality("Herøy") end, "ambiguous", "municipality(Herøy)")
-- the error carries this file and line
cs.expect_error(function() run { "9999" } end, "rel15_codes.lua:", "file and line")
-- two cooperations of one name in a scenario: the reports would add them up
-- as one (they once failed only when written, naming a year's sum_shares)
cs.expect_error(function() cs.scenario("S", { coop { "1833" }, coop { "1834" } }) end,
  'cooperations 1 and 2 are both named "T"; give each a name of its own', "two of one name")
