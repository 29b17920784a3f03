-- Issue 12, items 3 and 4: no silent capacity, no silent duplicate, every
-- number checked where it enters. Figures computed by hand in the comments.
local cs = coopsim

-- 70 cost lines of 2 000 kr and a rate of 0.5 of all 70: 140 000 + 70 000
-- (the review's 70 lines cost 134 000: only the first 64 were read)
local costs = {}
for i = 1, 70 do costs[i] = { name = "Linje " .. i, amount = 2000 } end
costs[71] = { name = "Påslag", rate = 0.5, of = {} }
for i = 1, 70 do costs[71].of[i] = "Linje " .. i end
local grant_covers = {}
for i = 1, 70 do grant_covers[i] = "Linje " .. i end
local coop = cs.cooperation {
  name = "Mange linjer", members = { "1835", "1836" }, period = { from = "2023-01-01" },
  costs = costs, key = cs.keys.equal {},
  -- a grant capped by the eligible lines: all 70 of them, 140 000
  grants = { { name = "Tilskudd", amount = 1000000, from = 2023, to = 2023, covers = grant_covers } },
}
local r = cs.scenario("Grunnlag", { coop }):run { from = 2023, to = 2023 }
local y = r:years()[1]
cs.expect(y.cost, "210000.00", "70 lines and a rate of all 70")
cs.expect(y.grants, "140000.00", "a grant covering 70 lines")
cs.expect(r:share("1835", 2023) + r:share("1836", 2023), 70000, "the net cost shared")

-- the same municipality twice is an error, not counted twice
local s = cs.scenario("S", { coop })
cs.expect_error(function() s:merge({ "1835", "Træna" }, "Ny", "2024-01-01") end, "1835 Træna is listed twice")
cs.expect_error(function()
  cs.cooperation { name = "T", members = { "1835", "1836", "Træna" }, period = { from = "2023-01-01" },
                   key = cs.keys.equal {} }
end, "listed twice")
cs.expect_error(function()
  local twice = cs.cooperation { name = "T", members = { "1835", "1836", "Træna" }, key = cs.keys.equal {} }
  cs.scenario("S", { twice }):run { from = 2023, to = 2023 }
end, "listed twice")
cs.expect_error(function()
  cs.cooperation { name = "T", members = { "1835", "1836" }, key = cs.keys.equal {},
    costs = { { name = "A", amount = 1 }, { name = "B", rate = 0.1, of = { "A", "A" } } } }
end, "names \"A\" twice")
-- a list with a gap is refused, not cut at the gap
cs.expect_error(function()
  cs.cooperation { name = "T", members = { "1835", nil, "1836" }, key = cs.keys.equal {} }
end, "entry 2 is missing")
cs.expect_error(function() cs.scenario("S", { coop, coop }) end, "listed twice")

-- years: inf, 1e308, 2^63, NaN, 2.5 (an internal Lua error before)
for _, bad in ipairs { 1 / 0, -1 / 0, 1e308, 2 ^ 63, 0 / 0, 2023.5, "2023" } do
  cs.expect_error(function() s:run { from = bad, to = 2024 } end, "run: from", "year " .. tostring(bad))
  cs.expect_error(function() s:end_grant("Tilskudd", bad) end, "end_grant: last year", "end_grant " .. tostring(bad))
end
-- Monte Carlo's figures (NaN threads were undefined behaviour; inf sd gave a NaN mean)
for _, bad in ipairs { 0 / 0, 1 / 0, 0, -1, 257, 1.5 } do
  cs.expect_error(function() cs.montecarlo { scenario = s, from = 2023, draws = 10, threads = bad } end,
    "threads", "threads " .. tostring(bad))
end
for _, bad in ipairs { 0 / 0, 1 / 0, -0.1, 2 } do
  cs.expect_error(function()
    cs.montecarlo { scenario = s, from = 2023, draws = 10, vary = { population_growth = { sd = bad } } }
  end, "sd", "sd " .. tostring(bad))
end
for _, bad in ipairs { 0 / 0, 1 / 0, -1, 1, 5 } do
  cs.expect_error(function()
    cs.montecarlo { scenario = s, from = 2023, draws = 10, vary = { wage_growth = { mean = bad, sd = 0.01 } } }
  end, "mean", "mean " .. tostring(bad))
end
-- dates with a NUL byte are not dates
cs.expect_error(function() s:withdraw("1835", "2023-03-01\0junk") end, "NUL")
cs.expect_error(function() cs.population("1835\0", 2023) end, "NUL")
-- names a report or terminal would show: no control or bidi characters
cs.expect_error(function() cs.scenario("A\u{202E}B", { coop }) end, "bidirectional")
cs.expect_error(function() cs.scenario("A\u{9B}B", { coop }) end, "control character")
cs.expect_error(function() cs.scenario("A\27[31mB", { coop }) end, "control character")
cs.expect_error(function() cs.keys.equal { label = "x\u{2066}y" } end, "bidirectional")
