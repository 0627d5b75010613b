"""The 报告核对 sheet of the evaluation workbook: the department's text against its data.

Two lists. 数字核对: every figure found in 报告正文 and the other long-text fields, the clause
it stands in, what it was bound to, the data's value and cell, and 核对一致 / 不一致 / 未能对应 /
不比较 (with why: 年份, 增长, 差额, 计划 …); the counts of the four add up to every figure found.
表述核对: every claim (无结余, 全面实现, 全额执行 …) with what the data shows.

Plain values only, no formulas; every text taken from the submission is written with
``write_string`` (quote-prefixed when it starts like a formula).
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from ..model import Cell, Severity
from ..narrative import Claim, Figure, tolerance_text
from ..narrative.phrases import (
    CNY,
    MISMATCH,
    NOT_COMPARED_ZH,
    PERCENT,
    QUALIFIER_ZH,
    SCORE,
    UNBOUND,
    UNITS,
    USD,
    VERDICT_ZH,
    VERIFIED,
)
from .cells import banner, heading
from .cells import text as write_text
from .styles import NOTE_COLOR, link_units, print_setup, row_height

if TYPE_CHECKING:
    from ..evaluation import Evaluation
    from .echo import Echo
    from .styles import Styles

SHEET = "报告核对"
FIGURE_COLUMNS = (("序号", 5), ("栏目", 22), ("语句", 30), ("报告中的数字", 11), ("对应的项目", 16),
                  ("填报数据", 12), ("数据位置", 14), ("核对结果", 9), ("说明", 14), ("键名", 30))
PRINTED = 9  # the key is for programs: on screen only
MAX_PLACE_WIDTH = 40  # LibreOffice does not wrap a linked cell's text: 栏目 widens for its longest
# The claims sit on the same columns: (title, first column, last column)
CLAIM_COLUMNS = (("序号", 0, 0), ("栏目", 1, 1), ("语句", 2, 2), ("表述", 3, 3), ("数据情况", 4, 5),
                 ("数据位置", 6, 6), ("核对结果", 7, 7))
CLAIM_ZH = {False: "与数据矛盾", True: "与数据相符", None: "无法核对"}


def write(ws: Any, st: Styles, ev: Evaluation, echo: Echo | None) -> None:
    """Fill ``ws`` with the figures and claims of ``ev``'s text fields."""
    assert ev.narrative is not None
    found = ev.narrative
    last = PRINTED - 1
    for c, (_, w) in enumerate(FIGURE_COLUMNS):
        ws.set_column(c, c, w)
    places = [_place_text(x.where, x.field_label) for x in found.figures]
    places += [_place_text(x.where, x.field_label) for x in found.claims]
    ws.set_column(1, 1, min(MAX_PLACE_WIDTH, max([FIGURE_COLUMNS[1][1]] + [link_units(p) + 2 for p in places])))
    summary = summary_text(found.figures)
    banner(ws, st, 0, "报告核对", "title", last, 28)
    banner(ws, st, 1, summary, "wrapnote", last,
            row_height([(summary, sum(w for _, w in FIGURE_COLUMNS[:PRINTED]))]))

    row = heading(ws, st, 3, "一、数字核对", last)
    header = row
    for c, (h, _) in enumerate(FIGURE_COLUMNS):
        ws.write_string(row, c, h, st("header"))
    ws.set_row(row, row_height(list(FIGURE_COLUMNS)))
    row += 1
    for n, f in enumerate(found.figures, start=1):
        _figure_row(ws, st, echo, row, n, f)
        row += 1
    if not found.figures:
        banner(ws, st, row, "文字栏目中没有找到数字（报告正文未填写时，只核对其他文字栏目）。", "text", last)
        row += 1
    else:
        ws.autofilter(header, 0, row - 1, len(FIGURE_COLUMNS) - 1)

    row = heading(ws, st, row + 1, "二、表述核对", last)
    for h, first, end in CLAIM_COLUMNS:
        if end > first:
            ws.merge_range(row, first, row, end, "", st("header"))
        ws.write_string(row, first, h, st("header"))
    row += 1
    for n, claim in enumerate(found.claims, start=1):
        _claim_row(ws, st, echo, row, n, claim)
        row += 1
    if not found.claims:
        banner(ws, st, row, "文字栏目中没有“无结余”“全面实现”“全额执行”之类可以核对的表述。", "text", last)
    ws.freeze_panes(header + 1, 0)
    print_setup(ws, landscape=True, repeat=(header, header))
    ws.print_area(0, 0, row, last)


def summary_text(figures: tuple[Figure, ...]) -> str:
    """The count of every figure found, by outcome: 一致 + 不一致 + 未能对应 + 不比较 = all."""
    counts = Counter(f.outcome for f in figures)
    whys = Counter(f.why for f in figures if f.why)
    reasons = "、".join(f"{w} {n} 个" for w, n in whys.items())
    return (f"报告正文及其他文字栏目中共找到 {len(figures)} 个数字：核对一致 {counts[VERIFIED]} 个，"
            f"不一致 {counts[MISMATCH]} 个，未能对应 {counts[UNBOUND]} 个（只列出，不作为问题），"
            f"{NOT_COMPARED_ZH} {sum(whys.values())} 个{f'（{reasons}）' if reasons else ''}。"
            "数字只由紧挨在它前面的名称对应到填报数据，按报告数字本身的精度比较；增减变动、差额、"
            "其他年度、年度中某一时点、标准和计划不比较。")


def _place_text(cell: Cell | None, label: str = "") -> str:
    return f"{label}（{cell}）" if label and cell else (label or (str(cell) if cell else "—"))


def _place(ws: Any, st: Styles, echo: Echo | None, row: int, col: int, cell: Cell | None,
           label: str = "") -> str:
    """``label`` and the cell, linked to the cell's echo when there is one."""
    text = _place_text(cell, label)
    first = cell.ref.split(",")[0] if cell else None
    target = echo.locate(cell.sheet, first) if echo and cell else None
    if target is not None:
        sheet, ref = target
        ws.write_url(row, col, f"internal:'{sheet}'!{ref}", st("link", text_wrap=True), string=text,
                     tip="转到原表数据中的单元格")
    else:
        write_text(ws, row, col, text, st)
    return text


def _figure_row(ws: Any, st: Styles, echo: Echo | None, row: int, n: int, f: Figure) -> None:
    ws.write_number(row, 0, n, st("data", "0", align="center"))
    where = _place(ws, st, echo, row, 1, f.where, f.field_label)
    write_text(ws, row, 2, f.clause, st)
    write_text(ws, row, 3, f.text, st, align="right")
    write_text(ws, row, 4, f.label or "—", st)
    write_text(ws, row, 5, f.data.shown if f.data else "—", st, align="right")
    data_at = _place(ws, st, echo, row, 6, f.data.cell if f.data else None,
                     "" if f.data is None or f.data.cell else "计算值")
    verdict = NOT_COMPARED_ZH if f.why else VERDICT_ZH[f.verdict]
    if f.verdict == MISMATCH:
        fmt = st("data", severity=Severity.WARNING, align="center", bold=True)
    elif f.verdict == VERIFIED:
        fmt = st("data", align="center")
    else:
        fmt = st("data", align="center", font_color=NOTE_COLOR)
    ws.write_string(row, 7, verdict, fmt)
    note = _note(f)
    write_text(ws, row, 8, note, st)
    write_text(ws, row, 9, f.key or "", st, "data", font_size=9, font_color=NOTE_COLOR)
    widths = [w for _, w in FIGURE_COLUMNS]
    ws.set_row(row, row_height([(where, widths[1]), (f.clause, widths[2]), (f.label or "", widths[4]),
                                (data_at, widths[6]), (note, widths[8])]))


def _note(f: Figure) -> str:
    parts = []
    if f.qualifier:
        parts.append(f"报告数为“{QUALIFIER_ZH[f.qualifier]}”")
    counted = f.decimals == 0 and UNITS[f.unit][0] not in (CNY, USD, PERCENT, SCORE)
    if f.verdict != UNBOUND and f.tolerance is not None and not counted:
        parts.append(f"允许误差 {tolerance_text(f.tolerance, f.unit)}")
    if f.why:
        parts.append(f"{f.why}：{f.note}" if f.note else f.why)
    elif f.note:
        parts.append(f.note)
    return "；".join(parts)


def _claim_row(ws: Any, st: Styles, echo: Echo | None, row: int, n: int, c: Claim) -> None:
    ws.write_number(row, 0, n, st("data", "0", align="center"))
    where = _place(ws, st, echo, row, 1, c.where, c.field_label)
    write_text(ws, row, 2, c.clause, st)
    write_text(ws, row, 3, c.words, st)
    ws.merge_range(row, 4, row, 5, "", st("text"))
    write_text(ws, row, 4, c.data, st)
    data_at = _place(ws, st, echo, row, 6, c.data_cell)
    if c.holds is False:
        fmt = st("data", severity=Severity.WARNING, align="center", bold=True)
    elif c.holds:
        fmt = st("data", align="center")
    else:
        fmt = st("data", align="center", font_color=NOTE_COLOR)
    ws.write_string(row, 7, CLAIM_ZH[c.holds], fmt)
    widths = [w for _, w in FIGURE_COLUMNS]
    ws.set_row(row, row_height([(where, widths[1]), (c.clause, widths[2]),
                                (c.data, widths[4] + widths[5]), (data_at, widths[6])]))
