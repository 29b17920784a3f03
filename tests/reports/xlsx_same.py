"""Compares two workbooks' content as a reader sees it, read back with
openpyxl (Debian's python3-openpyxl), not their bytes: a workbook's bytes
differ from one write to the next anyway (docProps/core.xml holds the time
of writing), and a change to how the workbook is written (libxlsxwriter's
constant_memory mode writes strings inline instead of in the shared-string
table) may change the bytes and keep the content.

Compared, sheet by sheet and in order:
- the sheets' names and order; the workbook's defined names; its title,
  subject, creator, keywords and comments (not the times);
- every cell: its value, its type, its number format, its font (bold, size,
  italic, colour) and its alignment (wrap, horizontal, vertical);
- the columns' widths, hidden columns, the rows' heights, frozen panes,
  merged cells, the filter's range;
- the tables: name, range, header and total rows, style, and each column's
  name, total function and total label;
- the charts: kind, where they are anchored and their size, title, and
  each series' name, categories and values: the cells they refer to and
  the values cached with them; the axes (direction, side, number format,
  title, gridlines), the legend's place and the gap between bars.

Prints each difference (at most LIMIT per sheet) and exits 1 when there is
any, 0 when the content is the same; 2 when a file cannot be read.
usage: xlsx_same.py A.xlsx B.xlsx [LIMIT]
"""
import sys

import openpyxl
from openpyxl.utils import get_column_letter

LIMIT = int(sys.argv[3]) if len(sys.argv) > 3 else 20


def load(path):
    try:
        return openpyxl.load_workbook(path)  # not read-only: tables, charts, widths
    except Exception as e:  # any reader error is the file's
        print(f"{path}: cannot read the workbook: {e}")
        sys.exit(2)


def cell_facts(c):
    f, a = c.font, c.alignment
    colour = f.color.rgb if f.color is not None and f.color.type == "rgb" else None
    return (c.value, c.data_type, c.number_format, bool(f.b), f.sz, bool(f.i), colour,
            bool(a.wrap_text), a.horizontal, a.vertical)


CELL_FIELDS = ("value", "type", "number format", "bold", "font size", "italic", "colour",
               "wrap", "horizontal alignment", "vertical alignment")


def ref_text(ref):
    """A series' reference: the formula and the values cached with it."""
    if ref is None:
        return None
    for kind in ("numRef", "strRef"):
        r = getattr(ref, kind, None)
        if r is not None:
            cache = r.numCache if kind == "numRef" else r.strCache
            points = None
            if cache is not None:
                points = [(p.idx, p.v) for p in cache.pt]
            return (kind, r.f, points)
    for kind in ("numLit", "strLit"):
        if getattr(ref, kind, None) is not None:
            return (kind, repr(getattr(ref, kind)))
    return repr(ref)


def title_text(t):
    if t is None or t.tx is None or t.tx.rich is None:
        return None
    return "".join(r.t or "" for p in t.tx.rich.p for r in (p.r or []))


def axis_facts(ax):
    if ax is None:
        return None
    fmt = ax.numFmt.formatCode if ax.numFmt is not None else None
    return (type(ax).__name__, ax.scaling.orientation if ax.scaling is not None else None, ax.axPos, fmt,
            title_text(ax.title), ax.majorGridlines is not None, ax.delete)


def chart_facts(ch):
    anchor = ch.anchor
    where = None
    if hasattr(anchor, "_from"):
        where = (anchor._from.row, anchor._from.col, anchor._from.rowOff, anchor._from.colOff)
        if hasattr(anchor, "ext") and anchor.ext is not None:
            where += (anchor.ext.width, anchor.ext.height)
        elif hasattr(anchor, "to") and anchor.to is not None:
            where += (anchor.to.row, anchor.to.col, anchor.to.rowOff, anchor.to.colOff)
    series = []
    for s in ch.series:
        name = ref_text(s.tx) if s.tx is not None else None
        fill = None
        if s.spPr is not None and s.spPr.solidFill is not None:
            sf = s.spPr.solidFill
            colour = sf.srgbClr
            fill = getattr(colour, "val", colour) if colour is not None else repr(sf)
        series.append((name, ref_text(s.cat), ref_text(s.val), fill))
    return {"kind": (type(ch).__name__, getattr(ch, "type", None), getattr(ch, "grouping", None)),
            "anchor": where, "title": title_text(ch.title), "series": series,
            "axes": (axis_facts(getattr(ch, "x_axis", None)), axis_facts(getattr(ch, "y_axis", None))),
            "legend": ch.legend.position if ch.legend is not None else None,
            "gap": getattr(ch, "gapWidth", None)}


def table_facts(t):
    cols = [(c.name, c.totalsRowFunction, c.totalsRowLabel) for c in t.tableColumns]
    style = t.tableStyleInfo
    return (t.name, t.displayName, t.ref, t.headerRowCount, t.totalsRowCount, t.totalsRowShown,
            style.name if style is not None else None,
            style.showRowStripes if style is not None else None,
            t.autoFilter.ref if t.autoFilter is not None else None, cols)


def compare_sheet(name, x, y, report):
    seen = 0

    def diff(what):
        nonlocal seen
        seen += 1
        if seen <= LIMIT:
            report(f"{name}: {what}")

    if (x.max_row, x.max_column) != (y.max_row, y.max_column):
        diff(f"size {x.max_row}x{x.max_column} against {y.max_row}x{y.max_column}")
    rows = max(x.max_row, y.max_row)
    cols = max(x.max_column, y.max_column)
    for r in range(1, rows + 1):
        for c in range(1, cols + 1):
            a, b = cell_facts(x.cell(r, c)), cell_facts(y.cell(r, c))
            if a != b:
                fields = [f"{CELL_FIELDS[i]} {a[i]!r} against {b[i]!r}" for i in range(len(a)) if a[i] != b[i]]
                diff(f"{get_column_letter(c)}{r}: " + ", ".join(fields))
    for c in range(1, cols + 1):
        letter = get_column_letter(c)
        dx, dy = x.column_dimensions[letter], y.column_dimensions[letter]
        if (dx.width, dx.hidden) != (dy.width, dy.hidden):
            diff(f"column {letter}: width {dx.width!r} against {dy.width!r}, hidden {dx.hidden} against {dy.hidden}")
    for r in range(1, rows + 1):
        if x.row_dimensions[r].height != y.row_dimensions[r].height:
            diff(f"row {r}: height {x.row_dimensions[r].height!r} against {y.row_dimensions[r].height!r}")
    if x.freeze_panes != y.freeze_panes:
        diff(f"frozen at {x.freeze_panes!r} against {y.freeze_panes!r}")
    mx = sorted(str(m) for m in x.merged_cells.ranges)
    my = sorted(str(m) for m in y.merged_cells.ranges)
    if mx != my:
        diff(f"merged cells {mx} against {my}")
    if x.auto_filter.ref != y.auto_filter.ref:
        diff(f"filter {x.auto_filter.ref!r} against {y.auto_filter.ref!r}")
    tx = sorted(table_facts(t) for t in x.tables.values())
    ty = sorted(table_facts(t) for t in y.tables.values())
    if tx != ty:
        diff(f"tables {[t[0] for t in tx]} against {[t[0] for t in ty]}")
        for a, b in zip(tx, ty):
            if a != b:
                diff(f"table {a[0]}: {a} against {b}")
    cx = [chart_facts(ch) for ch in x._charts]
    cy = [chart_facts(ch) for ch in y._charts]
    if len(cx) != len(cy):
        diff(f"{len(cx)} charts against {len(cy)}")
    for i, (a, b) in enumerate(zip(cx, cy)):
        for key in ("kind", "anchor", "title", "axes", "legend", "gap"):
            if a[key] != b[key]:
                diff(f"chart {i + 1}: {key} {a[key]!r} against {b[key]!r}")
        if len(a["series"]) != len(b["series"]):
            diff(f"chart {i + 1}: {len(a['series'])} series against {len(b['series'])}")
        for k, (sa, sb) in enumerate(zip(a["series"], b["series"])):
            for j, part in enumerate(("name", "categories", "values", "fill")):
                if sa[j] != sb[j]:
                    diff(f"chart {i + 1} series {k + 1}: {part} {sa[j]!r} against {sb[j]!r}")
    if seen > LIMIT:
        report(f"{name}: ... {seen - LIMIT} more differences")
    return seen


def defined_names(wb):
    return sorted((d.name, d.localSheetId, d.attr_text) for d in wb.defined_names.definedName)


def main():
    if len(sys.argv) < 3:
        print("usage: xlsx_same.py A.xlsx B.xlsx [LIMIT]")
        return 2
    pa, pb = sys.argv[1], sys.argv[2]
    a, b = load(pa), load(pb)
    count = 0

    def report(line):
        print(line)

    if a.sheetnames != b.sheetnames:
        print(f"sheets {a.sheetnames} against {b.sheetnames}")
        count += 1
    if defined_names(a) != defined_names(b):
        print(f"defined names {defined_names(a)} against {defined_names(b)}")
        count += 1
    for field in ("title", "subject", "creator", "keywords", "description", "category", "lastModifiedBy"):
        va, vb = getattr(a.properties, field), getattr(b.properties, field)
        if va != vb:
            print(f"property {field}: {va!r} against {vb!r}")
            count += 1
    for name in a.sheetnames:
        if name in b.sheetnames:
            count += compare_sheet(name, a[name], b[name], report)
    cells = sum(ws.max_row * ws.max_column for ws in a.worksheets)
    if count:
        print(f"{pa} and {pb} differ: {count} differences")
        return 1
    print(f"same content: {len(a.sheetnames)} sheets, {cells} cells (of their used ranges), "
          f"{sum(len(ws.tables) for ws in a.worksheets)} tables, {sum(len(ws._charts) for ws in a.worksheets)} charts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
