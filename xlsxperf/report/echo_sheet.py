"""Writing the echo sheets planned by :mod:`.echo`: the submission's data at its own cell
addresses, each cell with a finding filled by severity and carrying a note.

Rows are written top to bottom, each row's cells left to right, so that a sheet of a very
large table can be written as a stream (:data:`.xlsx.STREAM_ROWS`). Every cell with a finding
is coloured; the notes on one sheet are at most :data:`MAX_NOTES` (errors first, then from the
top), and the sheet says so when there are more: the list of every problem is 问题清单.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..schema import Kind
from . import cells
from .echo import INTRO, Entry, Pos
from .styles import KIND_FORMATS, UNIT_FORMATS, looks_like_formula, print_setup

if TYPE_CHECKING:
    from ..model import Finding, Severity
    from .book import Book
    from .echo import EchoSheet
    from .styles import Styles

MAX_NOTES = 1000  # notes on one echo sheet; a cell beyond them is coloured, its note left out


def notes(book: Book) -> dict[str, dict[Pos, list[Finding]]]:
    """Findings by echo sheet and by the cell they are about."""
    out: dict[str, dict[Pos, list[Finding]]] = {}
    if book.echo is None:
        return out
    for f in book.ev.findings:
        if not f.cell:
            continue
        target = book.echo.position(f.sheet, f.cell)
        if target is not None:
            sheet, pos = target
            out.setdefault(sheet, {}).setdefault(pos, []).append(f)
    return out


def comment_text(findings: list[Finding]) -> str:
    parts = []
    for f in findings:
        line = f"【{f.severity.zh}】{f.code} {f.message}"
        detail = "；".join(x for x in (f"应为 {f.expected}" if f.expected else "",
                                      f"实际 {f.actual}" if f.actual else "") if x)
        parts.append(line + (f"\n（{detail}）" if detail else ""))
    return "\n".join(parts)


def _worst(findings: list[Finding]) -> Severity:
    return max((f.severity for f in findings), key=lambda s: s.rank)


def noted(mine: dict[Pos, list[Finding]], limit: int) -> set[Pos]:
    """The cells that carry a note: all of them, or the first ``limit``, errors first."""
    if len(mine) <= limit:
        return set(mine)
    order = sorted(mine, key=lambda pos: (-_worst(mine[pos]).rank, pos))
    return set(order[:limit])


def write(book: Book, ws: Any, es: EchoSheet, mine: dict[Pos, list[Finding]] | None = None) -> None:
    """Write ``es`` to ``ws``; ``mine``: the findings on this sheet's cells (see :func:`notes`)."""
    st = book.st
    if mine is None:
        mine = notes(book).get(es.name, {})
    for pos in mine:
        if es.free(pos):
            es.cells[pos] = Entry("blank")
    annotated = noted(mine, MAX_NOTES)
    if len(annotated) < len(mine):
        intro = es.cells.get((1, 0))
        if intro is not None and intro.value == INTRO:
            intro.value = (f"单元格位置与填报表一致；绿色为计算值（公式）。有问题的单元格共 {len(mine)} 个，"
                           f"均按级别着色，其中 {len(annotated)} 个附批注（错误优先，其次自上而下），"
                           "其余问题的说明见“问题清单”。")
    for c, w in es.widths.items():
        ws.set_column(c, c, w)
    formats: dict[tuple[Any, ...], Any] = {}
    for r, row in es.rows():
        height = es.height(r, row)
        if height is not None:
            ws.set_row(r, height)
        for c, entry in row:
            fs = mine.get((r, c))
            worst = _worst(fs) if fs else None
            _cell(ws, st, formats, r, c, entry, worst)
            if fs and (r, c) in annotated:
                text = comment_text(fs)
                ws.write_comment(r, c, text, {
                    "author": "xlsxperf", "x_scale": 3, "font_name": "宋体",
                    "y_scale": min(6, 1 + text.count("\n") * 0.5 + len(text) / 80)})
    if es.header_row is not None:
        ws.freeze_panes(es.header_row + 1, 0)
        print_setup(ws, landscape=es.landscape, repeat=(es.header_row, es.header_row))
    else:
        ws.freeze_panes(2, 0)
        print_setup(ws, landscape=es.landscape)


def _cell(ws: Any, st: Styles, formats: dict[tuple[Any, ...], Any], r: int, c: int, e: Entry,
          worst: Severity | None) -> None:
    role, value = e.role, e.value
    if role == "formula":
        key: tuple[Any, ...] = (role, e.unit, worst)
        fmt = formats.get(key) or formats.setdefault(key, st("computed", UNIT_FORMATS.get(e.unit),
                                                             severity=worst))
        ws.write_formula(r, c, "=" + (e.formula or "").lstrip("="), fmt, value)
        return
    if role in ("label", "header", "section", "title", "note"):
        cells.text(ws, r, c, str(value), st, role, severity=worst)
        return
    if role == "blank":
        ws.write_blank(r, c, None, st("data", severity=worst))
        return
    kind = e.kind or Kind.TEXT
    if isinstance(value, str):
        quote = looks_like_formula(value)
        key = ("text", kind == Kind.LONGTEXT, worst, quote)
        fmt = formats.get(key) or formats.setdefault(
            key, st("longtext" if kind == Kind.LONGTEXT else "text", "@", severity=worst, quote=quote))
        if e.merge_to is not None:
            ws.merge_range(r, c, r, e.merge_to, "", fmt)
        ws.write_string(r, c, value, fmt)
        return
    key = ("data", kind, worst)
    fmt = formats.get(key) or formats.setdefault(key, st("data", KIND_FORMATS.get(kind), severity=worst))
    if isinstance(value, Decimal):
        ws.write_number(r, c, float(value / 100) if kind == Kind.PERCENT else float(value), fmt)
    else:
        cells.value(ws, r, c, value, fmt)
