local tries = {
  function() return os.execute("true") end,
  function() return io.open("/etc/passwd") end,
  function() return require "os" end,
  function() return package.loadlib("libc.so.6", "system") end,
  function() return dofile("/etc/passwd") end,
  function() return load(string.dump(print)) end,
  function() return load("\27Lua", "x", "b") end,
  function() return debug.sethook() end,
  function() return ("").dump end,
  function() getmetatable("").__index = {} end,
  function() return collectgarbage("collect") end,
  function() return setmetatable({}, { __gc = function() while true do end end }) end,
  function() return coopsim.read_file("/etc/passwd") end,
}
for i, f in ipairs(tries) do print(i, pcall(f)) end
for k in pairs(_G) do print(k) end
