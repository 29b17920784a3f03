-- Samhandlingsleder for the northern part of Trøndelag (seed 003): Steinkjer
-- employs the post and invoices the members their share by a distribution key
-- in an attachment that the seed does not include. The one figure we have:
-- Inderøy's share is 42 376 kr per year.
local cs = coopsim

local samhandling = cs.cooperation {
  name = "Samhandlingsleder nordre Trøndelag",
  host = "Steinkjer",
  period = { from = "2021-01-01" },
  members = { "Inderøy" },
  key = cs.keys.fixed { ["Inderøy"] = 42376, label = "fordelingsnøkkel",
    source = "seed 003, forslag til vedtak pkt. 3: \"For Inderøy kommune er kostnadene kr 42.376 pr år\"",
    assumption = "only Inderøy's amount is known; the other members' shares are in an attachment not included" },
}

local r = cs.scenario("Inderøy's share", { samhandling }):run { from = 2021, to = 2024 }
print(r)
print()
print(r:explain("Inderøy", 2022))

for year = 2021, 2024 do
  cs.expect(r:share("Inderøy", year), 42376, "Inderøy " .. year)
  cs.expect(r:row("Inderøy", year).payee, "Steinkjer", "invoiced by the host " .. year)
end
cs.expect(r:share("Steinkjer", 2022), nil, "the host is not a paying member here")
