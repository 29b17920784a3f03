-- What a scenario prints of results in the session's language (issue 16):
-- print(r), print(cs.compare(...)) and r:explain(m, y) without a lang
-- option follow `coopsim run --lang` and COOPSIM_LANG; r:explain's lang
-- option wins; a wrong option or language is an error naming this file's
-- line and the value. tests/lang/print_lang.sh runs this file in each
-- language and checks what it prints; the checks here hold in every one.
--
-- Figures worked out here: Drift 300 000 shared equally by Hemnes (1832),
-- Rana (1833, the host) and Lurøy (1834): 100 000 each. The accounts of
-- 2023: 331 500, so each actual share is 110 500 and each difference
-- +10 500, settled on the 2024 invoice: 100 000 + 10 500 = 110 500. In the
-- variant "Lurøy går ut" Lurøy gives notice on 1 March 2022 (12 months from
-- the next 1 January: the notice period ends 2023-12-31), so in 2024 it is
-- invoiced only its settlement (10 500), and Hemnes and Rana share 300 000:
-- 150 000 each, +50 000 (+50.0 %) against the base.
local cs = coopsim

local function here()
  local _, e = pcall(error, "", 3)
  return e:match("(print_lang%.lua:%d+:)")
end

local coop = cs.cooperation {
  name = "Regnskap", host = "Rana", period = { from = "2023-01-01" },
  members = { "Hemnes", "Rana", "Lurøy" },
  costs = { { name = "Drift", amount = 300000 } },
  key = cs.keys.equal(),
  notice = { months = 12, from = "next_jan1" },
  due = "01-31",
}
local base = cs.scenario("Grunnlag", { coop })
base:accounts(2023, { cost = 331500 })
local gone = base:fork("Lurøy går ut"):withdraw("Lurøy", "2022-03-01")
local r0 = base:run { from = 2023, to = 2024 }
local r1 = gone:run { from = 2023, to = 2024 }

-- ---- the option, in any session ---------------------------------------------
local nb = tostring(r0:explain("Hemnes", 2024, { lang = "nb" }))
local en = tostring(r0:explain("Hemnes", 2024, { lang = "en" }))
cs.expect(nb:find("1832 Hemnes, budsjettår 2024, Regnskap", 1, true) ~= nil, true, "nb: the heading")
cs.expect(nb:find("  2024 faktura = andel 100 000 + avregning for 2023: 10 500 (regnskap 331 500, budsjett 300 000) = 110 500 kr\n", 1, true) ~= nil, true, "nb: the settlement")
cs.expect(nb:find("  kostnad Drift                              300 000,00\n", 1, true) ~= nil, true, "nb: a decimal comma")
cs.expect(nb:find("  forfall 2024-01-31; fakturert av Rana", 1, true) ~= nil, true, "nb: due and payee")
cs.expect(en:find("1832 Hemnes, budget year 2024, Regnskap", 1, true) ~= nil, true, "en: the heading")
cs.expect(en:find("  2024 invoice = share 100 000 + settlement for 2023: 10 500 (actual 331 500, budget 300 000) = 110 500 kr\n", 1, true) ~= nil, true, "en: the settlement")
cs.expect(tostring(r0:explain("Hemnes", 2024, { lang = "no" })), nb, "\"no\" is bokmål")
-- a member gone: why, in bokmål
cs.expect(tostring(r1:explain("Lurøy", 2024, { lang = "nb" })):find("1834 Lurøy, budsjettår 2024, Regnskap\n  ikke medlem i 2024: ingen andel; faktureres bare avregningen for 2023\n", 1, true) ~= nil, true, "nb: settlement only")

-- a split (1507 Ålesund into 1508 Ålesund and 1580 Haram on 1 January 2024)
-- and a merger (5030 Klæbu into 5001 Trondheim on 1 January 2020), in bokmål
local split = cs.scenario("Deling", { cs.cooperation {
  name = "Sunnmøre", period = { from = "2023-01-01" }, members = { "1506", "1507" },
  costs = { { name = "Drift", amount = 200000 } }, key = cs.keys.equal() } }):run { from = 2023, to = 2024 }
cs.expect(tostring(split:explain("1580", 2024, { lang = "nb" })):find("\n  kommunen består av: delt fra 1507 Ålesund per 2024-01-01\n", 1, true) ~= nil, true, "nb: made of a split")
cs.expect(tostring(split:explain("1507", 2024, { lang = "nb" })), "1507 Ålesund er ikke medlem i 2024: den ble delt 2024-01-01 i 1508 Ålesund, 1580 Haram, som er medlemmer i dens sted (scenario \"Deling\")", "nb: split, absent")
local merged = cs.scenario("Sammenslåing", { cs.cooperation {
  name = "Trondheimsregionen", period = { from = "2019-01-01" }, members = { "5001", "5029", "5030" },
  costs = { { name = "Drift", amount = 300000 } }, key = cs.keys.equal() } }):run { from = 2019, to = 2020 }
local t = tostring(merged:explain("5001", 2020, { lang = "nb" }))
cs.expect(t:find("\n  kommunen består av: 5001 + 5030\n  5030 Klæbu sammenslått med 5001 Trondheim per 2020-01-01\n", 1, true) ~= nil, true, "nb: a merger: " .. t)
cs.expect(tostring(merged:explain("5030", 2020, { lang = "nb" })), "5030 Klæbu er ikke medlem i 2020: sammenslått med 5001 Trondheim per 2020-01-01 (scenario \"Sammenslåing\")", "nb: merged, absent")

-- errors name this file's line and the value
cs.expect_error(function() r0:explain("Hemnes", 2024, { lang = "sv" }) end, "unknown language \"sv\" (en, nb)", "an unknown language")
cs.expect_error(function() r0:explain("Hemnes", 2024, { lang = "sv" }) end, here(), "an unknown language: the line")
cs.expect_error(function() r0:explain("Hemnes", 2024, { lagn = "nb" }) end, "lagn", "an unknown option")
cs.expect_error(function() r0:explain("Hemnes", 2024, { lagn = "nb" }) end, here(), "an unknown option: the line")
cs.expect_error(function() r0:explain("Hemnes", 2024, { lang = 1 }) end, "explain: lang must be a string, got 1", "not a text")
cs.expect_error(function() r0:explain("Hemnes", 2024, "nb") end, "explain options expects a table, got string", "not a table")

-- ---- in the session's language: what print_lang.sh checks -------------------
local session = tostring(r0:explain("Hemnes", 2024))
print("SESSION " .. (session == nb and "nb" or session == en and "en" or "neither"))
print("== print(r)")
print(r1)
print("== print(cs.compare(r0, r1))")
print(cs.compare(r0, r1))
print("== r1:explain(\"Lurøy\", 2023)")
print(r1:explain("Lurøy", 2023))
print("== end")
