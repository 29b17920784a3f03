"""Checks the HTML report as Chromium rendered it (its --dump-dom) against the
JSON of the same runs, with figures computed here from the JSON:

- the page is titled by the cooperations and the scenarios, not by a file;
- the summary comes first: for each cooperation, every member's share in
  every run that has the cooperation, per budget year (one run: a member by
  year table), and each variant's change from the cooperation's baseline;
  a member a run does not have is said to be absent in words;
- every figure is written on the charts: each member's share in each run,
  each variant's change, the sum of shares per year; every chart's axis
  says "kr";
- numbers as the language writes them (nb: no-break spaces, "−"; en: ",");
- the money cycle (SPEC 7.3), where the JSON has it: a member gone in a
  year (settlement only) has no share there, and where a run has
  settlements the summary shows what is invoiced (share + settlement) for
  each year that settles the one before (one run: a member-by-year table
  of every year), each variant's change beside it;
- a print style sheet for A4 that keeps charts whole; no scripts, no URLs
  but SVG's namespace.

usage: html_check.py DOM.html DOC.json LANG"""
import html.parser
import json
import re
import sys

dom_path, doc_path, lang = sys.argv[1], sys.argv[2], sys.argv[3]
doc = json.load(open(doc_path, encoding="utf-8"))
text = open(dom_path, encoding="utf-8").read()
runs = doc["runs"]
failures = []
checked = 0
NB = lang == "nb"


def check(cond, msg):
    if not cond:
        failures.append(msg)
    return cond


def kr(v, plus=False):
    """A figure as the report writes it, computed here."""
    digits = f"{abs(v):,}".replace(",", "\u00a0" if NB else ",")
    sign = "\u2212" if v < 0 else ("+" if plus and v > 0 else "")
    return sign + digits


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent, self.children, self.text = tag, dict(attrs), parent, [], []

    def all_text(self):
        return "".join(t if isinstance(t, str) else t.all_text() for t in self.text)

    def find(self, tag=None, **attrs):
        for c in self.children:
            if (tag is None or c.tag == tag) and all(c.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items()):
                yield c
            yield from c.find(tag, **attrs)

    def has_class(self, cls):
        return cls in self.attrs.get("class", "").split()


VOID = {"meta", "br", "img", "input", "link", "hr", "col", "area", "base", "embed", "source", "track", "wbr"}


class Parser(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, None)
        self.cur = self.root

    def handle_starttag(self, tag, attrs):
        n = Node(tag, attrs, self.cur)
        self.cur.children.append(n)
        self.cur.text.append(n)
        if tag not in VOID:
            self.cur = n

    def handle_startendtag(self, tag, attrs):
        n = Node(tag, attrs, self.cur)
        self.cur.children.append(n)
        self.cur.text.append(n)

    def handle_endtag(self, tag):
        n = self.cur
        while n is not self.root and n.tag != tag:
            n = n.parent
        if n is not self.root:
            self.cur = n.parent

    def handle_data(self, data):
        self.cur.text.append(data)


p = Parser()
p.feed(text)
root = p.root

# ---- the page --------------------------------------------------------------------------------
htmls = list(root.find("html"))
check(htmls and htmls[0].attrs.get("lang") == ("nb" if NB else "en"), "html lang")
title = "".join(t.all_text() for t in root.find("title"))
coops = []
for run in runs:
    for r in run["rows"]:
        if r["cooperation"] not in coops:
            coops.append(r["cooperation"])
for c in coops:
    check(c in title, f"title {title!r} does not name the cooperation {c!r}")
for run in runs:
    check(run["scenario"] in title, f"title {title!r} does not name the scenario {run['scenario']!r}")
if doc.get("scenario_file"):
    check(doc["scenario_file"] not in title, f"the title is the file: {title!r}")
summary = next(root.find("section", id="summary"), None)
details = next(root.find("section", id="details"), None)
check(summary is not None and details is not None, "no summary or no details section")
check(text.find('id="summary"') < text.find('id="details"'), "the summary does not come first")
check("<script" not in text.lower(), "the page has a script")
urls = [u for u in re.findall(r"https?://[^\"' )]+", text) if u != "http://www.w3.org/2000/svg"]
check(not urls, f"the page refers to {urls[:3]}")
styles = "".join(s.all_text() for s in root.find("style"))
check(re.search(r"@page\s*\{[^}]*size:\s*A4", styles) is not None, "no A4 print page")
check(re.search(r"@media print\{.*figure[^{]*\{[^}]*break-inside:\s*avoid", styles) is not None,
      "the print style sheet does not keep figures whole")

# the runs of each cooperation, the first its baseline
runs_of = {c: [i for i, run in enumerate(runs) if any(r["cooperation"] == c for r in run["rows"])
                                                    or any(y["cooperation"] == c for y in run["years"])] for c in coops}
share = {(i, r["cooperation"], r["year"], r["code"]): r["total"] for i, run in enumerate(runs) for r in run["rows"]
         if not r.get("settlement_only")}
members = {}
for (i, c, y, code) in share:
    members.setdefault((c, y), set()).add(code)
# what each row is invoiced: share + settlement (a row without the money cycle: its share)
invoice = {(i, r["cooperation"], r["year"], r["code"]): r.get("invoice", r["total"])
           for i, run in enumerate(runs) for r in run["rows"]}
billed = {}
for (i, c, y, code) in invoice:
    billed.setdefault((c, y), set()).add(code)
settling = {(r["cooperation"], r["year"]) for run in runs for r in run["rows"]
            if r.get("settlement_only") or r.get("settlement", 0) != 0}
absent_words = ["uttrådt", "ikke medlem", "slått sammen til"] if NB else ["withdrawn", "not a member", "merged into"]


def cell_text(n):
    """The cell's text, runs of ASCII white space as one (a no-break space is kept: it is the figure's)."""
    return re.sub(r"[ \t\r\n]+", " ", n.all_text()).strip(" \t\r\n")


# ---- the summary: every member's figure in every run, and the change ----------------------------
def check_summary(c, tables, figure, who, years):
    """The summary tables of cooperation c for figure {(run, coop, year, code): kroner}, the members
    who[(c, y)] of each year in years: every figure in every run, and each variant's change."""
    global checked
    rs = runs_of[c]
    if len(rs) == 1:
        check(len(tables) == 1 and tables[0].has_class("matrix"), f"summary of {c}: one member-by-year table expected")
    else:
        check(sorted(int(t.attrs.get("data-year", 0)) for t in tables) == years,
              f"summary of {c}: tables for {[t.attrs.get('data-year') for t in tables]}, years {years}")
    for y in years:
        for code in sorted(who[(c, y)]):
            b = figure.get((rs[0], c, y, code))
            for i in rs:
                v = figure.get((i, c, y, code))
                cells = [td for t in tables if len(rs) == 1 or t.attrs.get("data-year") == str(y)
                         for tr in t.find("tr", data_code=code) for td in tr.find("td", data_run=str(i))
                         if len(rs) > 1 or td.attrs.get("data-year") == str(y)]
                figs = [td for td in cells if td.has_class("fig")]
                if not check(len(figs) == 1, f"summary {c} {y} {code} run {i}: {len(figs)} figure cells"):
                    continue
                got = cell_text(figs[0])
                if v is not None:
                    check(got == kr(v), f"summary {c} {y} {code} {runs[i]['scenario']}: {got!r}, expected {kr(v)!r}")
                else:
                    check(any(w in got for w in absent_words), f"summary {c} {y} {code} {runs[i]['scenario']}: {got!r} for an absent member")
                checked += 1
                if i == rs[0] or (v is None and b is None):
                    continue
                chg = [td for td in cells if td.has_class("chg")]
                d = (v or 0) - (b or 0)
                if check(len(chg) == 1, f"summary {c} {y} {code} run {i}: no change cell"):
                    got = cell_text(chg[0])
                    check(got.split(" (")[0] == kr(d, True), f"summary {c} {y} {code} {runs[i]['scenario']}: change {got!r}, expected {kr(d, True)!r}")


for c in coops:
    tables = [t for t in summary.find("table") if t.attrs.get("data-cooperation") == c]
    shares = [t for t in tables if t.attrs.get("data-field") is None]
    invoiced = [t for t in tables if t.attrs.get("data-field") == "invoice"]
    check_summary(c, shares, share, members, sorted({y for (cc, y) in members if cc == c}))
    settles = sorted({y for (cc, y) in settling if cc == c})
    if not settles:
        check(not invoiced, f"summary of {c}: what is invoiced, without a settlement")
        continue
    # one run: every year invoiced; several: the years that settle the one before
    years = sorted({y for (cc, y) in billed if cc == c}) if len(runs_of[c]) == 1 else settles
    check_summary(c, invoiced, invoice, billed, years)

# ---- the charts: every figure written on its bar --------------------------------------------------
values = {}
for t in details.find("text"):
    if "value" in t.attrs.get("class", "").split():
        key = (t.attrs.get("data-year"), t.attrs.get("data-run"), t.attrs.get("data-code"))
        values.setdefault(key, []).append(t.all_text())
svgs = list(details.find("svg"))
check(svgs, "no charts")
for s in svgs:
    units = [t.all_text() for t in s.find("text") if "unit" in t.attrs.get("class", "").split()]
    check(units == ["kr"], f"a chart's axis does not say kr: {units}")
for c in coops:
    rs = runs_of[c]
    for y in sorted({y for (cc, y) in members if cc == c}):
        for code in members[(c, y)]:
            b = share.get((rs[0], c, y, code))
            for i in rs:
                v = share.get((i, c, y, code))
                got = values.get((str(y), str(i), code), [])
                want = []
                if v is not None:
                    want.append(kr(v))
                if i != rs[0] and (v is not None or b is not None):
                    want.append(kr((v or 0) - (b or 0), True))
                # a change is drawn only in a year with a difference; the share always
                for w in want[:1]:
                    check(w in got, f"chart {c} {y} {code} {runs[i]['scenario']}: {w!r} not written on a bar ({got})")
                if len(want) > 1 and any(share.get((k, c, y, m)) != share.get((rs[0], c, y, m))
                                         for k in rs[1:] for m in members[(c, y)]):
                    check(want[1] in got, f"chart {c} {y} {code} {runs[i]['scenario']}: change {want[1]!r} not written ({got})")
                checked += 1
        # the sum of shares per run
        for i in rs:
            rows = [v for (k, cc, yy, m), v in share.items() if k == i and cc == c and yy == y]
            if rows:
                got = values.get((str(y), str(i), None), [])
                check(kr(sum(rows)) in got, f"sum of shares {c} {y} {runs[i]['scenario']}: {kr(sum(rows))!r} not in {got}")

if failures:
    print("\n".join(failures[:30]))
    print(f"{len(failures)} problems")
    sys.exit(1)
print(f"ok: the summary and the charts hold all {checked} figures")
