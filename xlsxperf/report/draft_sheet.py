"""报告要点: draft report paragraphs in the order and style of a published self-evaluation
report (the text comes from :mod:`.prose`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import cells, prose
from .styles import print_setup, row_height

if TYPE_CHECKING:
    from .book import Book

INDENT = "\u3000\u3000"  # two ideographic spaces, the first-line indent of a Chinese paragraph
WIDTH = 78  # fits an A4 portrait page at 100%: one column is never scaled to fit


def write(book: Book, ws: Any) -> None:
    st = book.st
    sub, calc = book.ev.submission, book.ev.calc
    assert calc is not None
    ws.set_column(0, 0, WIDTH)
    ws.hide_gridlines(2)
    ws.write_string(0, 0, "报告要点（草稿）", st("title"))
    ws.set_row(0, 28)
    ws.write_string(1, 0, "根据填报数据生成，段落顺序与部门整体支出绩效自评报告一致，供撰写报告时参考、核对。",
                    st("subtitle", text_wrap=True))
    row = 3
    for section in prose.report_sections(sub, calc, book.config.thresholds.reason_below_pct):
        ws.write_string(row, 0, section.title, st("heading"))
        ws.set_row(row, 24)
        row += 1
        for para in section.paragraphs:
            cells.text(ws, row, 0, INDENT + para, st, "paragraph")
            ws.set_row(row, row_height([(INDENT + para, WIDTH)]))
            row += 1
        row += 1
    print_setup(ws, landscape=False)
