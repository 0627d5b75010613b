"""Small writing helpers shared by the sheet writers of the evaluation workbook.

Text is always written as text (quote-prefixed when it starts like a formula); a formula is
always written with the value it computes, so every viewer shows the figure.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from .styles import Styles, looks_like_formula

GAP_HEIGHT = 8
HEADING_HEIGHT = 22


def text(ws: Any, row: int, col: int, value: str, st: Styles, role: str = "text", **kw: Any) -> None:
    """Write text as text, whatever it looks like."""
    ws.write_string(row, col, value, st(role, quote=looks_like_formula(value), **kw))


def merged_text(ws: Any, row: int, first: int, last: int, value: str, st: Styles, role: str = "text",
                **kw: Any) -> None:
    """Text across columns ``first`` … ``last`` of one row."""
    if last > first:
        ws.merge_range(row, first, row, last, "", st(role, **kw))
    text(ws, row, first, value, st, role, **kw)


def banner(ws: Any, st: Styles, row: int, value: str, role: str, last_col: int,
           height: float | None = None) -> None:
    """Text across columns 0 … ``last_col`` of one row, the row ``height`` points high if given."""
    merged_text(ws, row, 0, last_col, value, st, role)
    if height:
        ws.set_row(row, height)


def value(ws: Any, row: int, col: int, v: Any, fmt: Any) -> None:
    """A number, date or text as its own cell type; None and booleans as a blank cell."""
    if isinstance(v, bool) or v is None:
        ws.write_blank(row, col, None, fmt)
    elif isinstance(v, (int, float)):
        ws.write_number(row, col, v, fmt)
    elif isinstance(v, Decimal):
        ws.write_number(row, col, float(v), fmt)
    elif isinstance(v, date):
        ws.write_datetime(row, col, v, fmt)
    else:
        ws.write_string(row, col, str(v), fmt)


def formula(ws: Any, row: int, col: int, f: str | None, v: Any, fmt: Any) -> None:
    """A formula with its cached value; without a formula, the value as plain content."""
    if f:
        ws.write_formula(row, col, "=" + f.lstrip("="), fmt, v if v is not None else "")
    else:
        value(ws, row, col, v, fmt)


def title(ws: Any, st: Styles, main: str, subtitle: str, last_col: int) -> None:
    """The sheet's title on row 0 and a grey line under it on row 1."""
    merged_text(ws, 0, 0, last_col, main, st, "title")
    ws.set_row(0, 28)
    merged_text(ws, 1, 0, last_col, subtitle, st, "subtitle")
    ws.set_row(1, 20)


def heading(ws: Any, st: Styles, row: int, label: str, last_col: int,
            height: float = HEADING_HEIGHT) -> int:
    """A section heading across the sheet; the row after it."""
    merged_text(ws, row, 0, last_col, label, st, "heading")
    ws.set_row(row, height)
    return row + 1


def gap(ws: Any, row: int, height: float = GAP_HEIGHT) -> int:
    """A thin empty row between blocks; the row after it."""
    ws.set_row(row, height)
    return row + 1
