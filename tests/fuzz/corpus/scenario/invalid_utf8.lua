local s = "ÿþÃ("
print(#s, coopsim.municipality("Råna"))
