-- A scenario whose golden file (drift.expected.csv) holds a changed figure:
-- `coopsim test` must fail and name member, year, column, expected and actual.
local cs = coopsim
local c = cs.cooperation {
  name = "Drift check", period = { from = "2023-01-01" }, members = { "1833", "1824" },
  costs = { { name = "Drift", amount = 1001 } }, key = cs.keys.equal(),
}
cs.scenario("Equal", { c }):run { from = 2023, to = 2023 }
cs.expect(1 + 1, 3, "a failing in-file expectation")
