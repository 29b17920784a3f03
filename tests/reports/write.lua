-- r:write, comparison:write and cs.write from a scenario file: files in
-- each format, read back; errors name this file and line.
local cs = coopsim
local coop = cs.cooperation {
  name = "Træna og Rødøy", host = "Rødøy", members = { "1835", "1836" },
  costs = { { name = "Drift", amount = 1000001 } },
  key = cs.keys.split { equal = 0.5, population = 0.5, label = "Halv og halv", source = "avtale §4" },
}
local base = cs.scenario("Grunnlag", { coop })
local r0 = base:run { from = 2023, to = 2023 }
local r1 = base:fork("Dyrere"):set_cost("Drift", 1500000, 2023):run { from = 2023, to = 2023 }

local dir = os.tmpname() -- a unique name; the reports go beside it
local function read(path)
  local f = assert(io.open(path, "rb"))
  local s = f:read("a")
  f:close()
  os.remove(path)
  return s
end

r0:write(dir .. ".csv")
local csv = read(dir .. ".csv")
cs.expect(csv:match("^scenario,cooperation,year") ~= nil, true, "csv header")
cs.expect(csv:find("Grunnlag,Træna og Rødøy,2023,1835,Træna", 1, true) ~= nil, true, "csv row")

r0:write(dir .. ".txt", { format = "csv-nb", lang = "nb" })
local nb = read(dir .. ".txt")
cs.expect(nb:sub(1, 3), "\xef\xbb\xbf", "csv-nb BOM")
cs.expect(nb:find("scenario;samarbeid;år;", 1, true) ~= nil, true, "csv-nb header")
cs.expect(nb:find(";equal=250000,25 population=140361,96;390362,21;390362;;Rødøy", 1, true) ~= nil, true,
  "decimal comma")

cs.compare(r0, r1):write(dir .. ".md", { lang = "nb" })
local md = read(dir .. ".md")
cs.expect(md:find("## sammenligning av Grunnlag, Dyrere", 1, true) ~= nil, true, "md comparison")
cs.expect(md:find("1 000 001", 1, true) ~= nil, true, "md nb thousands")

cs.write(dir .. ".html", r0, r1)
local html = read(dir .. ".html")
cs.expect(select(2, html:gsub('<svg class="chart"', "")), 3, "html charts: totals, shares, differences")
cs.expect(html:find("Halv og halv", 1, true) ~= nil, true, "html key label")

cs.write(dir .. ".xlsx", r0, r1, { lang = "nb" })
cs.expect(read(dir .. ".xlsx"):sub(1, 2), "PK", "xlsx is a zip")

-- the invoice list: asked for by name; a workbook when written to .xlsx
r0:write(dir .. ".csv", { format = "invoices-nb", lang = "nb" })
local inv = read(dir .. ".csv")
cs.expect(inv:sub(1, 3), "\xef\xbb\xbf", "invoices-nb BOM")
cs.expect(inv:find("scenario;samarbeid;betales til;år;kommunenr.;kommune;forfall;linje;", 1, true) ~= nil, true,
  "invoices-nb header")
cs.expect(inv:find("Grunnlag;Træna og Rødøy;Rødøy;2023;1835;Træna;;andel;;;;390362,00\n", 1, true) ~= nil, true,
  "invoices-nb line")
cs.expect(inv:find(";1836;", 1, true), nil, "the host is not invoiced")
r0:write(dir .. ".xlsx", { format = "invoices" })
cs.expect(read(dir .. ".xlsx"):sub(1, 2), "PK", "invoice list workbook is a zip")
os.remove(dir)

cs.expect_error(function() r0:write(dir .. ".pdf") end, "write.lua:60: write: ", "unknown extension")
cs.expect_error(function() r0:write(dir .. ".csv", { lang = "sv" }) end, 'unknown language "sv"', "bad lang")
cs.expect_error(function() r0:write(dir .. ".csv", { fromat = "csv" }) end, "did you mean 'format'", "typo")
cs.expect_error(function() cs.write(dir .. ".csv") end, "cs.write needs at least one run", "no runs")
cs.expect_error(function() r0:write("/nonexistent-dir/x.csv") end, "/nonexistent-dir/x.csv: cannot create", "no dir")
