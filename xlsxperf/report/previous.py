"""Two sheets of the evaluation workbook for the reviewer: 复核参考 and 上年对比.

- 复核参考: the common indicators (共性指标, :mod:`xlsxperf.common_indicators`) this year and
  last year, the change, and the reference score by the profile's example bands. A reference,
  not a finding: it enters no score.
- 上年对比 (only when the same unit's previous year is paired): the key figures this year and
  last year with the change, the two continuity pairs (年初 against 上年年末), and every
  indicator of either year, paired by its 三级指标 name.

This year's figures are live formulas over the 计算指标 sheet and the echo sheets, carrying
their values; last year's are plain values (last year's workbook is not in this one); a change
is a formula over the two. Text from a submission is written as text.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xlsxwriter.utility import xl_rowcol_to_cell

from ..common_indicators import reference
from ..history import Previous, identity, unit_of_measure_key
from ..values import round_half_up
from .cells import banner, heading
from .cells import text as write_text
from .computed import metric_cells
from .echo import cached
from .styles import (
    AMOUNT_FORMAT,
    COUNT_FORMAT,
    PERCENT_FORMAT,
    SCORE_FORMAT,
    print_setup,
    row_height,
)

if TYPE_CHECKING:
    from ..calc import IndicatorCalc
    from ..config import Config
    from ..evaluation import Evaluation
    from .echo import Echo
    from .styles import Styles

REFERENCE = "复核参考"
COMPARISON = "上年对比"
SHEETS = (REFERENCE, COMPARISON)
FORMATS = {"万元": AMOUNT_FORMAT, "%": PERCENT_FORMAT, "分": SCORE_FORMAT, "人": COUNT_FORMAT}
POINTS_FORMAT = '+0.00"个百分点";-0.00"个百分点";0.00"个百分点"'
CHANGE_FORMATS = {"万元": "+#,##0.00;-#,##0.00;0.00", "%": POINTS_FORMAT,
                  "分": "+0.00;-0.00;0.00", "人": "+0;-0;0"}
DASH = "—"


def write(wb: Any, st: Styles, ev: Evaluation, echo: Echo | None, config: Config) -> None:
    """Add 复核参考 and, when the previous year is paired, 上年对比 to ``wb``."""
    if ev.calc is None:
        return
    last = ev.previous if ev.previous is not None and ev.previous.calc is not None else None
    _reference_sheet(wb.add_worksheet(REFERENCE), st, ev, last, config)
    if last is not None and last.calc is not None:
        prev = Previous(last.path, last.submission, last.calc)
        _comparison_sheet(wb.add_worksheet(COMPARISON), st, ev, prev, echo)


# -- helpers -----------------------------------------------------------------------------------


def _header(ws: Any, st: Styles, row: int, columns: tuple[tuple[str, int], ...]) -> None:
    for c, (h, _) in enumerate(columns):
        write_text(ws, row, c, h, st, "header")
    ws.set_row(row, 30)


def _number(ws: Any, row: int, col: int, value: Any, fmt: Any, formula: str | None = None) -> None:
    """A formula with its cached value, a plain number, or a dash when there is no value."""
    if value is None:
        ws.write_string(row, col, DASH, fmt)
    elif formula:
        ws.write_formula(row, col, "=" + formula, fmt, value)
    elif isinstance(value, str):
        ws.write_string(row, col, value, fmt)
    else:
        ws.write_number(row, col, float(value), fmt)


def _shown(v: Any) -> str:
    if isinstance(v, Decimal):
        return format(v.normalize(), "f") if v == v.to_integral_value() else format(v, "f")
    return "" if v is None else str(v)


# -- 复核参考 ----------------------------------------------------------------------------------


REFERENCE_COLUMNS = (("共性指标", 14), ("计算方法", 34), ("本年", 11), ("上年", 11), ("变化", 15),
                     ("参考评分办法（示例）", 46), ("本年参考分", 11), ("上年参考分", 11))


def _reference_sheet(ws: Any, st: Styles, ev: Evaluation, last: Evaluation | None,
                     config: Config) -> None:
    scheme = config.common_indicators
    columns = REFERENCE_COLUMNS
    end = len(columns) - 1
    for c, (_, w) in enumerate(columns):
        ws.set_column(c, c, w)
    banner(ws, st, 0, "复核参考：共性指标", "title", end, 28)
    note = ("按财预〔2013〕53号部门整体支出绩效评价共性指标框架，从填报数据计算，供复核时参考；"
            "不计入总分，也不作为审核问题。")
    note += (f"上年为 {last.submission.year} 年度（{Path(last.path).name}）。" if last is not None
             else "没有与上年的填报表配对，上年一栏空缺。")
    if scheme is not None and scheme.bands:
        note += f"参考分：{scheme.note or '按评分口径中的 [common_indicators] 档次'}。"
    else:
        note += "评分口径没有设定共性指标的评分档次，不计参考分。"
    banner(ws, st, 1, note, "wrapnote", end, row_height([(note, sum(w for _, w in columns))]))
    head = 3
    _header(ws, st, head, columns)
    cells = metric_cells()
    rows = reference(ev.metrics, last.metrics if last is not None else None, scheme)
    for i, r in enumerate(rows):
        row = head + 1 + i
        pct = st("computed", PERCENT_FORMAT, align="right")
        write_text(ws, row, 0, r.common.label, st, "label", bold=True)
        write_text(ws, row, 1, r.common.words, st, "text", font_size=9)
        here, there = xl_rowcol_to_cell(row, 2), xl_rowcol_to_cell(row, 3)
        _number(ws, row, 2, cached(r.value, "%"), pct, cells[r.common.metric])
        _number(ws, row, 3, cached(r.last, "%"), st("data", PERCENT_FORMAT, align="right"))
        change = r.change
        _number(ws, row, 4, float(change) if change is not None else None,
                st("data", POINTS_FORMAT, align="right"),
                f"ROUND(({here}-{there})*100,2)")
        words = r.band.describe() if r.band is not None else "未设定"
        write_text(ws, row, 5, words, st, "text", font_size=9)
        for col, score, ref in ((6, r.score, here), (7, r.last_score, there)):
            formula = r.band.formula(f"ROUND({ref}*100,2)") if r.band is not None else None
            _number(ws, row, col, float(score) if score is not None else None,
                    st("computed" if col == 6 else "data", SCORE_FORMAT, align="right"),
                    formula if col == 6 else None)
        ws.set_row(row, row_height([(r.common.words, columns[1][1] * 11 / 9),
                                    (words, columns[5][1] * 11 / 9)], minimum=20))
    ws.freeze_panes(head + 1, 1)
    print_setup(ws, landscape=True, repeat=(head, head))


# -- 上年对比 ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    label: str
    unit: str
    metric: str | None = None  # a metric of both years
    now: str | None = None  # else: this year's field …
    then: str | None = None  # … against last year's field


FIGURES = (
    Figure("收入合计", "万元", metric="income.total"),
    Figure("支出合计", "万元", metric="expenditure.total"),
    Figure("基本支出", "万元", now="exp_basic", then="exp_basic"),
    Figure("项目支出", "万元", now="exp_project", then="exp_project"),
    Figure("全年预算数（合计）", "万元", now="exec_total_budget", then="exec_total_budget"),
    Figure("全年执行数（合计）", "万元", now="exec_total_actual", then="exec_total_actual"),
    Figure("预算执行率", "%", metric="execution.rate_pct.total"),
    Figure("预算调整率", "%", metric="execution.adjustment_rate_pct"),
    Figure("项目支出占比", "%", metric="expenditure.share_pct.project"),
    Figure("年末结转和结余", "万元", now="balance_end", then="balance_end"),
    Figure("结转结余率", "%", metric="balance.rate_pct"),
    Figure("年初结转和结余（本年）／年末结转和结余（上年）", "万元", now="balance_start", then="balance_end"),
    Figure("核定编制合计", "人", metric="staff.quota_total"),
    Figure("期末实有人数合计", "人", metric="staff.actual_total"),
    Figure("期初实有人数（本年）／期末实有人数合计（上年）", "人", now="flow_start", then="staff_total"),
    Figure("人员控制率", "%", metric="staff.control_rate_pct"),
    Figure("自评总分", "分", metric="score.self"),
    Figure("计算总分", "分", metric="score.computed"),
    Figure("计算等级", "", metric="grade.computed"),
)
FIGURE_COLUMNS = (("项目", 30), ("单位", 7), ("本年", 14), ("上年", 14), ("变化", 16), ("变化率", 11))
COMPARISON_WIDTHS = (30, 7, 14, 14, 16, 12, 12, 12, 34)  # both tables share the columns
INDICATOR_COLUMNS = (("三级指标", 30), ("性质", 6), ("度量单位", 9), ("本年指标值", 12),
                     ("本年完成值", 12), ("上年指标值", 12), ("上年完成值", 12), ("完成值变化", 12),
                     ("说明", 34))


def _comparison_sheet(ws: Any, st: Styles, ev: Evaluation, prev: Previous, echo: Echo | None
                      ) -> None:
    sub = ev.submission
    end = len(INDICATOR_COLUMNS) - 1
    for c, w in enumerate(COMPARISON_WIDTHS):
        ws.set_column(c, c, w)
    unit = sub.unit_name or "（未填单位名称）"
    banner(ws, st, 0, f"上年对比：{unit} {sub.year} 年度与 {prev.year} 年度", "title", end, 28)
    me, then = identity(sub), identity(prev.submission)
    by = "单位编码" if me.code_key and me.code_key == then.code_key else "单位名称"
    note = (f"上年填报表：{prev.file_name}（按{by}确认为同一单位）。本年数为引用本表数据的公式，"
            "上年数取自上年填报表；变化 = 本年 − 上年，比率的变化以百分点计。")
    banner(ws, st, 1, note, "wrapnote", end, row_height([(note, 150)]))
    row = _figures(ws, st, ev, prev, echo, 3)
    _indicators(ws, st, ev, prev, echo, row + 1)
    ws.freeze_panes(2, 1)
    print_setup(ws, landscape=True, repeat=(0, 1))


def _figures(ws: Any, st: Styles, ev: Evaluation, prev: Previous, echo: Echo | None,
             row: int) -> int:
    sub, cells = ev.submission, metric_cells()
    row = heading(ws, st, row, "一、主要数据", len(INDICATOR_COLUMNS) - 1)
    _header(ws, st, row, FIGURE_COLUMNS)
    row += 1
    for f in FIGURES:
        now: Any
        if f.metric is not None:
            now, then = ev.metrics.get(f.metric), prev.calc.metrics.get(f.metric)
            ref: str | None = cells[f.metric]
        else:
            assert f.now is not None and f.then is not None
            now, then = sub.number(f.now), prev.submission.number(f.then)
            ref = echo.field_ref(f.now) if echo is not None else None
        fmt = FORMATS.get(f.unit)
        write_text(ws, row, 0, f.label, st, "label")
        write_text(ws, row, 1, f.unit or DASH, st, "data", align="center")
        here, there = xl_rowcol_to_cell(row, 2), xl_rowcol_to_cell(row, 3)
        _number(ws, row, 2, cached(now, f.unit), st("computed", fmt, align="right"), ref)
        _number(ws, row, 3, cached(then, f.unit), st("data", fmt, align="right"))
        change: Any = None
        rate: float | None = None
        change_formula = rate_formula = None
        if isinstance(now, Decimal) and isinstance(then, Decimal):
            change = float(round_half_up(now - then))
            if f.unit == "%":
                change_formula = f"ROUND(({here}-{there})*100,2)"
            else:
                change_formula = f"ROUND({here}-{there},2)"
                if then != 0:
                    rate = float(round_half_up((now - then) / then * 100) / 100)
                    rate_formula = f"ROUND(({here}-{there})/{there}*100,2)/100"
        elif isinstance(now, str) and isinstance(then, str):
            change = "相同" if now == then else f"{then} → {now}"
        _number(ws, row, 4, change, st("data", CHANGE_FORMATS.get(f.unit), align="right"),
                change_formula)
        _number(ws, row, 5, rate, st("data", PERCENT_FORMAT, align="right"), rate_formula)
        ws.set_row(row, row_height([(f.label, COMPARISON_WIDTHS[0])]))
        row += 1
    return row


def _measure(ws: Any, row: int, col: int, value: Any, fmt: Any, ref: str | None = None) -> None:
    if isinstance(value, Decimal) and ref:
        ws.write_formula(row, col, "=" + ref, fmt, float(value))
    elif isinstance(value, Decimal):
        ws.write_number(row, col, float(value), fmt)
    else:
        ws.write_string(row, col, _shown(value) or DASH, fmt)


def _remark(now: IndicatorCalc | None, last: IndicatorCalc | None, flagged: set[str]) -> str:
    if now is None:
        return "上年有、本年没有的指标"
    if last is None:
        return "本年新增的指标（上年没有同名指标）"
    notes = []
    if now.row["target"].cell is not None and now.row["target"].cell.ref in flagged:
        notes.append("本年指标值未达到上年实际完成值（Y001）")
    if now.nature != last.nature:
        notes.append(f"指标性质不同（上年 {last.nature or DASH}）")
    if unit_of_measure_key(now.row.get("unit")) != unit_of_measure_key(last.row.get("unit")):
        notes.append(f"度量单位不同（上年 {last.row.text('unit') or DASH}），不比较")
    return "；".join(notes)


def _indicators(ws: Any, st: Styles, ev: Evaluation, prev: Previous, echo: Echo | None,
                row: int) -> None:
    assert ev.calc is not None
    row = heading(ws, st, row, "二、绩效指标（按三级指标名称配对）", len(INDICATOR_COLUMNS) - 1)
    _header(ws, st, row, INDICATOR_COLUMNS)
    row += 1
    pairs = prev.indicator_pairs(ev.calc.indicators)
    paired_now = {id(a) for a, _ in pairs}
    paired_then = {id(b) for _, b in pairs}
    flagged = {f.cell for f in ev.findings if f.code == "Y001" and f.cell}
    lines: list[tuple[IndicatorCalc | None, IndicatorCalc | None]] = list(pairs)
    lines += [(i, None) for i in ev.calc.indicators if id(i) not in paired_now]
    lines += [(None, i) for i in prev.calc.indicators if id(i) not in paired_then]
    for now, last in lines:
        either = now or last
        assert either is not None
        write_text(ws, row, 0, either.name or f"第 {either.row.number} 行指标", st, "label")
        write_text(ws, row, 1, either.nature or DASH, st, "data", align="center")
        write_text(ws, row, 2, either.row.text("unit") or DASH, st, "data", align="center")
        cfmt, dfmt = st("computed", "General", align="right"), st("data", "General", align="right")
        for col, ind, key, fmt in ((3, now, "target", cfmt), (4, now, "actual", cfmt),
                                   (5, last, "target", dfmt), (6, last, "actual", dfmt)):
            if ind is None:
                write_text(ws, row, col, DASH, st, "data", align="right")
                continue
            value = ind.row.measure(key)
            ref = echo.ref(ind.row[key].cell) if echo is not None and ind is now else None
            _measure(ws, row, col, value, fmt, ref)
        a = now.row.measure("actual") if now is not None else None
        b = last.row.measure("actual") if last is not None else None
        same_unit = now is not None and last is not None and \
            unit_of_measure_key(now.row.get("unit")) == unit_of_measure_key(last.row.get("unit"))
        if isinstance(a, Decimal) and isinstance(b, Decimal) and same_unit:
            here, there = xl_rowcol_to_cell(row, 4), xl_rowcol_to_cell(row, 6)
            ws.write_formula(row, 7, f"=ROUND({here}-{there},6)", st("data", "General", align="right"),
                             float(a - b))
        else:
            write_text(ws, row, 7, DASH, st, "data", align="right")
        remark = _remark(now, last, flagged)
        write_text(ws, row, 8, remark, st, "text", font_size=9)
        ws.set_row(row, row_height([(either.name or "", INDICATOR_COLUMNS[0][1]),
                                    (remark, INDICATOR_COLUMNS[8][1] * 11 / 9)], minimum=18))
        row += 1
    if not lines:
        banner(ws, st, row, "两年都没有绩效指标。", "text", len(INDICATOR_COLUMNS) - 1)

