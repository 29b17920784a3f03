-- `require "coopsim"` from a stock lua5.4 (the loadable module, no liblua inside).
local cs = require "coopsim"
assert(cs.municipality("Rana").code == "1833", "Rana is 1833")
assert(cs.population("1833", "2022-01-01") == 26092, "Rana had 26 092 inhabitants on 1 January 2022")
local c = cs.cooperation {
  name = "require test", members = { "1812", "1813" }, base_year = 2023,
  costs = { { name = "Drift", amount = 1000 } }, key = cs.keys.equal(),
}
local r = cs.scenario("x", { c }):run { from = 2023, to = 2023 }
assert(r:share("1812", 2023) + r:share("1813", 2023) == 1000)
print("require \"coopsim\" from lua5.4: ok")
