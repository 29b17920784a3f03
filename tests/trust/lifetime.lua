-- Issue 12, item 2: a comparison keeps the results it points into alive.
-- (Runs with --trusted, for collectgarbage; the review made cmp:rows() read
-- freed memory with r0.results = {} and a collection.)
local cs = coopsim
local coop = cs.cooperation {
  name = "Træna og Rødøy", members = { "1835", "1836" }, period = { from = "2023-01-01" },
  costs = { { name = "Drift", amount = 100000 } }, key = cs.keys.population {},
}
local base = cs.scenario("Grunnlag", { coop })
local cmp = cs.compare(base:run { from = 2023, to = 2023 },
                       base:fork("Mer"):set("cost.Drift", 200000):run { from = 2023, to = 2023 })
-- nothing but the comparison holds the runs now; runs cannot be emptied either
for _ = 1, 3 do collectgarbage("collect") end
local rows = cmp:rows()
cs.expect(#rows, 2)
cs.expect(rows[1].name, "Træna")
cs.expect(rows[1].shares[1], 28072) -- 100 000 x 450 / 1 603
cs.expect(rows[1].shares[2], 56145) -- 200 000 x 450 / 1 603 = 56 144.73
cs.expect(rows[2].cooperation, "Træna og Rødøy")
local r = base:run { from = 2023, to = 2023 }
cs.expect(pcall(function() r.results = {} end), false, "a run's results cannot be replaced")
