local s = "ab"
for i = 1, 40 do s = s .. s end
