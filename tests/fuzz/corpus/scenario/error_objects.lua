local cs = coopsim
local t = setmetatable({}, { __index = function() error("no") end, __tostring = function() error("no") end })
print(pcall(cs.cooperation, t))
local self = {}; self.self = self
print(pcall(cs.cooperation, { name = "x", members = self, key = cs.keys.equal() }))
error(setmetatable({}, { __tostring = function() while true do end end }))
