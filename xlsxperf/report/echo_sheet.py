"""Writing the echo sheets planned by :mod:`.echo`: the submission's data at its own cell
addresses, each cell with a finding filled by severity and carrying a note."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from xlsxwriter.utility import xl_cell_to_rowcol

from ..schema import Kind
from . import cells
from .echo import Entry
from .styles import KIND_FORMATS, UNIT_FORMATS, looks_like_formula, print_setup

if TYPE_CHECKING:
    from ..model import Finding, Severity
    from .book import Book
    from .echo import EchoSheet
    from .styles import Styles


def notes(book: Book) -> dict[tuple[str, tuple[int, int]], list[Finding]]:
    """Findings by the echo cell they are about."""
    out: dict[tuple[str, tuple[int, int]], list[Finding]] = {}
    if book.echo is None:
        return out
    for f in book.ev.findings:
        if not f.cell:
            continue
        target = book.echo.locate(f.sheet, f.cell)
        if target is None:
            continue
        sheet, ref = target
        out.setdefault((sheet, xl_cell_to_rowcol(ref)), []).append(f)
    return out


def comment_text(findings: list[Finding]) -> str:
    parts = []
    for f in findings:
        line = f"【{f.severity.zh}】{f.code} {f.message}"
        detail = "；".join(x for x in (f"应为 {f.expected}" if f.expected else "",
                                      f"实际 {f.actual}" if f.actual else "") if x)
        parts.append(line + (f"\n（{detail}）" if detail else ""))
    return "\n".join(parts)


def write(book: Book, ws: Any, es: EchoSheet) -> None:
    st = book.st
    mine = {pos: fs for (sheet, pos), fs in notes(book).items() if sheet == es.name}
    for pos in mine:
        if pos not in es.cells and pos not in es.covered:
            es.cells[pos] = Entry("blank")
    for c, w in es.widths.items():
        ws.set_column(c, c, w)
    for r, h in es.heights.items():
        ws.set_row(r, h)
    for (r, c), entry in sorted(es.cells.items()):
        fs = mine.get((r, c))
        worst = max((f.severity for f in fs), key=lambda s: s.rank) if fs else None
        _cell(ws, st, r, c, entry, worst)
    for (r, c), fs in mine.items():
        lines = comment_text(fs)
        ws.write_comment(r, c, lines, {"author": "xlsxperf", "x_scale": 3, "font_name": "宋体",
                                       "y_scale": min(6, 1 + lines.count("\n") * 0.5 + len(lines) / 80)})
    if es.header_row is not None:
        ws.freeze_panes(es.header_row + 1, 0)
        print_setup(ws, landscape=es.landscape, repeat=(es.header_row, es.header_row))
    else:
        ws.freeze_panes(2, 0)
        print_setup(ws, landscape=es.landscape)


def _cell(ws: Any, st: Styles, r: int, c: int, e: Entry, worst: Severity | None) -> None:
    if e.role == "formula":
        fmt = st("computed", UNIT_FORMATS.get(e.unit), severity=worst)
        ws.write_formula(r, c, "=" + (e.formula or "").lstrip("="), fmt, e.value)
        return
    if e.role in ("label", "header", "section", "title", "note"):
        cells.text(ws, r, c, str(e.value), st, e.role, severity=worst)
        return
    if e.role == "blank":
        ws.write_blank(r, c, None, st("data", severity=worst))
        return
    value, kind = e.value, e.kind or Kind.TEXT
    if isinstance(value, str):
        role = "longtext" if kind == Kind.LONGTEXT else "text"
        fmt = st(role, "@", severity=worst, quote=looks_like_formula(value))
        if e.merge_to is not None:
            ws.merge_range(r, c, r, e.merge_to, "", fmt)
        ws.write_string(r, c, value, fmt)
        return
    fmt = st("data", KIND_FORMATS.get(kind), severity=worst)
    if isinstance(value, Decimal):
        ws.write_number(r, c, float(value / 100) if kind == Kind.PERCENT else float(value), fmt)
    else:
        cells.value(ws, r, c, value, fmt)
