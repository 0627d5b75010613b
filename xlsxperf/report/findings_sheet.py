"""问题清单: one row per finding, errors first, each linking to its cell on the echo sheets."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._version import __version__
from ..model import Severity
from . import cells
from .book import FINDINGS_FIRST_ROW
from .styles import SEVERITY_FONT, print_setup, row_height

if TYPE_CHECKING:
    from ..model import Finding
    from .book import Book

COLUMNS = (("序号", 5), ("级别", 6), ("代码", 6), ("位置", 16), ("问题说明", 56), ("应为", 15),
           ("实际", 15), ("规则", 22), ("定义名称", 16))
PRINTED = 8  # the defined name is for programs: it stays on screen, off the paper


def rule_title(code: str) -> str:
    """The rule's Chinese title (``收入合计与各项收入之和不符``); the code when it is unknown."""
    from ..rules import REGISTRY

    rule = REGISTRY.get(code)
    return rule.title if rule is not None else code


def by_severity(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: -f.severity.rank)


def write(book: Book, ws: Any) -> None:
    ev, st = book.ev, book.st
    last = len(COLUMNS) - 1
    for c, (_, w) in enumerate(COLUMNS):
        ws.set_column(c, c, w)
    counts = "，".join(f"{s.zh} {ev.count(s)} 个" for s in Severity)
    cells.title(ws, st, "问题清单",
                f"共 {len(ev.findings)} 个问题（{counts}），按级别排列；点击“位置”转到原表数据中的单元格。",
                last)
    hr = FINDINGS_FIRST_ROW - 1
    for c, (h, _) in enumerate(COLUMNS):
        cells.text(ws, hr, c, h, st, "header")
    ws.set_row(hr, 22)
    row = FINDINGS_FIRST_ROW
    for n, f in enumerate(by_severity(ev.findings), start=1):
        _row(book, ws, row, n, f)
        row += 1
    if not ev.findings:
        cells.merged_text(ws, row, 0, last, "没有发现问题。", st)
        row += 1
    ws.autofilter(hr, 0, max(hr, row - 1), last)
    source = (f"填报表文件：{Path(ev.path).name}；SHA-256：{ev.sha256 or '—'}；"
              f"生成工具：xlsxperf {__version__}")
    cells.merged_text(ws, row + 1, 0, PRINTED - 1, source, st, "note")
    ws.freeze_panes(hr + 1, 0)
    print_setup(ws, landscape=True, repeat=(hr, hr))
    ws.print_area(0, 0, row + 1, PRINTED - 1)


def _row(book: Book, ws: Any, row: int, n: int, f: Finding) -> None:
    st = book.st
    ws.write_number(row, 0, n, st("data", "0", align="center"))
    ws.write_string(row, 1, f.severity.zh, st("data", severity=f.severity, align="center",
                                              font_color=SEVERITY_FONT[f.severity], bold=True))
    ws.write_string(row, 2, f.code, st("data", align="center"))
    where = book.location(ws, row, 3, f, text_wrap=True)
    title = rule_title(f.code)
    texts = [where, f.message, f.expected or "", f.actual or "", title, f.defined_name or ""]
    for c, t in enumerate(texts[1:], start=4):
        cells.text(ws, row, c, t, st, "text")
    widths = [w for _, w in COLUMNS[3:]]
    ws.set_row(row, row_height(list(zip(texts, widths, strict=True))))
