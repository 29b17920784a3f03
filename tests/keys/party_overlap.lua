-- The linter's warning of parties whose municipalities overlap another
-- member (SPEC 7.2 "Parties that are not municipalities"): Vega is a member
-- and in Helgeland regionråd; Sømna and Brønnøy are in both councils. Each
-- overlap is named once per party, with whom it overlaps. (Run by `coopsim
-- run`, whose warnings CMakeLists.txt reads: the result document holds
-- codes of four characters until the lead widens it.)
local cs = coopsim
cs.party { id = "P01", name = "Helgeland regionråd", municipalities = { "Sømna", "Brønnøy", "Vega" } }
cs.party { id = "SorHelgeland", name = "Sør-Helgeland regionråd",
           municipalities = { "Sømna", "Brønnøy", "Vevelstad" } }
local overlap = cs.cooperation {
  name = "Overlapp", period = { from = "2023-01-01" },
  members = { "P01", "SorHelgeland", "Vega" },
  costs = { { name = "Sekretariat", amount = 100000 } },
  key = cs.keys.population(),
}
cs.scenario("Overlapp", { overlap }):run { from = 2023, to = 2023 }
