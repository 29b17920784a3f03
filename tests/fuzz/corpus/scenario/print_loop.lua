for i = 1, 1e7 do print(("x"):rep(100)) end
