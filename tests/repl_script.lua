-- Fed to `coopsim` on stdin (not a terminal): runs as a script.
local r = cs.scenario("Equal", { cs.cooperation {
  name = "Stdin", period = { from = "2023-01-01" }, members = { "Rana", "Vefsn" },
  costs = { { name = "Drift", amount = 1000 } }, key = cs.keys.equal() } }):run { from = 2023 }
print("Rana pays " .. r:share("Rana", 2023))
