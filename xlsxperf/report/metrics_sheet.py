"""计算指标: every metric as a live formula over the echo sheets, carrying the computed value,
next to the department's own figure and the difference."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import cells
from .computed import FIRST_ROW
from .styles import UNIT_FORMATS, print_setup, row_height

if TYPE_CHECKING:
    from .book import Book

COLUMNS = (("指标", 24), ("计算方法", 46), ("计算值", 15), ("填报值", 15), ("差异", 12),
           ("键名（JSON）", 40))
PRINTED = 5  # the JSON key is for programs: on screen only


def write(book: Book, ws: Any) -> None:
    st = book.st
    for c, (_, w) in enumerate(COLUMNS):
        ws.set_column(c, c, w)
    cells.title(ws, st, "计算指标",
                "计算值为引用“(原表)”工作表数据的公式（已带计算结果）；差异 = 计算值 − 填报值；"
                "百分比按两位小数四舍五入。", PRINTED - 1)
    hr = FIRST_ROW - 1
    for c, (h, _) in enumerate(COLUMNS):
        cells.text(ws, hr, c, h, st, "header")
    for i, r in enumerate(book.rows or []):
        row = FIRST_ROW + i
        m = r.metric
        num = UNIT_FORMATS.get(m.unit)
        words = r.words
        cells.text(ws, row, 0, m.label, st, "label")
        cells.text(ws, row, 1, words, st, "text")
        cells.formula(ws, row, 2, r.formula, r.shown, st("computed", num, align="right"))
        if r.typed_formula:
            cells.formula(ws, row, 3, r.typed_formula, r.typed, st("data", num, align="right"))
        elif r.typed is not None:
            cells.text(ws, row, 3, str(r.typed), st, "data", align="right")
        else:
            ws.write_blank(row, 3, None, st("data"))
        diff_fmt = st("data", "0.00%" if m.unit == "%" else num, align="right")
        if r.diff_formula:
            cells.formula(ws, row, 4, r.diff_formula, r.diff, diff_fmt)
        else:
            ws.write_blank(row, 4, None, diff_fmt)
        cells.text(ws, row, 5, m.key, st, "data", font_size=9, font_color="#595959")
        ws.set_row(row, row_height([(m.label, COLUMNS[0][1]), (words, COLUMNS[1][1])]))
    ws.freeze_panes(hr + 1, 1)
    print_setup(ws, landscape=True, repeat=(hr, hr))
    ws.print_area(0, 0, FIRST_ROW + max(0, len(book.rows or []) - 1), PRINTED - 1)
