print(coopsim.municipality("Rana").name)
