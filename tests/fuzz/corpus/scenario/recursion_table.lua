local function deep(n) return deep(n + 1) + 1 end
print(pcall(deep, 1))
local t = {}
for i = 1, 1e9 do t[i] = i end
