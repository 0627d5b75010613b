"""Evaluation -> the evaluation workbook (评价结果), written with XlsxWriter (SPEC section 7).

Sheets, in order:

- 评价总览: who and what was evaluated, computed against declared score and grade, the
  number of findings by severity, the key ratios and three charts.
- 问题清单: one row per finding, errors first, each linking to its cell on the echo sheets.
- 计算指标: every metric as a live formula over the echo sheets, carrying the computed value,
  next to the department's own figure and the difference.
- 报告要点: draft report paragraphs in the style of a published self-evaluation report.
- 报告核对: the figures and claims of the department's own text, checked against its data.
- one echo sheet per sheet of the submission (``收支情况(原表)`` ...): the data at the
  submission's own cell addresses, computed columns to the right, each cell with a finding
  filled by severity and carrying a note.

Text taken from a submission is only ever written with ``write_string`` (and a quote-prefix
format when it starts like a formula), in a workbook that turns no string into a formula,
number or link. Formulas are built from cell references and the schema's own labels only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from xlsxwriter.utility import xl_cell_to_rowcol, xl_rowcol_to_cell

from .. import schema as S
from .._version import __version__
from ..model import Finding, Severity, Status
from ..schema import Kind
from . import marker, narrative_sheet, prose
from .computed import FIRST_ROW, METRICS_SHEET, MetricRow, metric_cells, plan_metrics
from .echo import Echo, EchoSheet, Entry, cached
from .styles import (
    KIND_FORMATS,
    PERCENT_FORMAT,
    SEVERITY_FONT,
    UNIT_FORMATS,
    WORKBOOK_OPTIONS,
    Styles,
    looks_like_formula,
    print_setup,
    row_height,
)

if TYPE_CHECKING:
    from ..config import Config
    from ..evaluate import Evaluation

OVERVIEW = "评价总览"
FINDINGS = "问题清单"
DRAFT = "报告要点"
REPORT_SHEETS = (OVERVIEW, FINDINGS, METRICS_SHEET, DRAFT, narrative_sheet.SHEET)
TITLE = "部门整体支出绩效自评 · 评价结果"
FINDINGS_FIRST_ROW = 3  # 0-based row of the first finding
INDENT = "\u3000\u3000"  # two ideographic spaces, the first-line indent of a Chinese paragraph
DRAFT_WIDTH = 78  # fits an A4 portrait page at 100%: one column is never scaled to fit


def write_evaluation(ev: Evaluation, path: str | Path, config: Config | None = None) -> Path:
    """Write the evaluation workbook of ``ev`` to exactly ``path``; never to the input file.

    ``config`` supplies the grade floors the grade formulas use (the defaults when omitted).
    """
    path = Path(path)
    if path.resolve() == Path(ev.path).resolve():
        raise ValueError(f"{path}: 不能覆盖被审核的填报表（refusing to overwrite the input file）")
    _write(ev, str(path), config, {"in_memory": True})  # no temporary files: faster
    return path


def evaluation_bytes(ev: Evaluation, config: Config | None = None) -> bytes:
    """The evaluation workbook of ``ev`` as bytes, built in memory."""
    import io

    buffer = io.BytesIO()
    _write(ev, buffer, config, {"in_memory": True})
    return buffer.getvalue()


@dataclass
class _Book:
    """What the sheet writers share."""

    ev: Evaluation
    wb: Any
    st: Styles
    floors: tuple[tuple[str, Decimal], ...]
    echo: Echo | None = None
    rows: list[MetricRow] | None = None


def _write(ev: Evaluation, target: str | IO[bytes], config: Config | None,
           options: dict[str, Any]) -> None:
    import xlsxwriter

    from ..config import default_config

    config = config or default_config()
    wb = xlsxwriter.Workbook(target, {**WORKBOOK_OPTIONS, **options})
    wb.set_properties({"title": TITLE, "author": "xlsxperf", "comments": f"xlsxperf {__version__}",
                       "subject": Path(ev.path).name})
    marker.mark(wb, marker.EVALUATION)
    book = _Book(ev, wb, Styles(wb), config.grades)
    sheets = {name: wb.add_worksheet(name) for name in REPORT_SHEETS
              if ev.calc is not None or name in (OVERVIEW, FINDINGS)}
    if ev.calc is not None:
        finding_sheets = tuple(dict.fromkeys(f.sheet for f in ev.findings if f.sheet and f.cell))
        book.echo = Echo(ev.submission, ev.calc, set(REPORT_SHEETS), metric_cells(), finding_sheets)
        book.rows = plan_metrics(ev.submission, ev.calc, book.echo, config.grades)
        echo_ws = {es.source: wb.add_worksheet(es.name) for es in book.echo.sheets.values()}
        _metrics_sheet(book, sheets[METRICS_SHEET])
        _draft_sheet(book, sheets[DRAFT], config.thresholds.reason_below_pct)
        narrative_sheet.write(sheets[narrative_sheet.SHEET], book.st, ev, book.echo)
        for source, ws in echo_ws.items():
            _echo_sheet(book, ws, book.echo.sheets[source])
    _findings_sheet(book, sheets[FINDINGS])
    _overview_sheet(book, sheets[OVERVIEW])
    sheets[OVERVIEW].activate()
    wb.close()


# -- small writing helpers --------------------------------------------------------------------


def _text(ws: Any, row: int, col: int, text: str, st: Styles, role: str = "text", **kw: Any) -> None:
    """Write text as text, whatever it looks like."""
    ws.write_string(row, col, text, st(role, quote=looks_like_formula(text), **kw))


def _value(ws: Any, row: int, col: int, value: Any, fmt: Any) -> None:
    if isinstance(value, bool) or value is None:
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, (int, float)):
        ws.write_number(row, col, value, fmt)
    elif isinstance(value, Decimal):
        ws.write_number(row, col, float(value), fmt)
    elif isinstance(value, date):
        ws.write_datetime(row, col, value, fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


def _formula(ws: Any, row: int, col: int, formula: str | None, value: Any, fmt: Any) -> None:
    """A formula with its cached value; without a formula, the value as plain content."""
    if formula:
        ws.write_formula(row, col, "=" + formula.lstrip("="), fmt, value if value is not None else "")
    else:
        _value(ws, row, col, value, fmt)


def _title(ws: Any, st: Styles, title: str, subtitle: str, last_col: int) -> None:
    ws.merge_range(0, 0, 0, last_col, "", st("title"))
    ws.write_string(0, 0, title, st("title"))
    ws.set_row(0, 28)
    ws.merge_range(1, 0, 1, last_col, "", st("subtitle"))
    _text(ws, 1, 0, subtitle, st, "subtitle")
    ws.set_row(1, 20)


def _unit_format(unit: str) -> str | None:
    return UNIT_FORMATS.get(unit)


# -- 评价总览 ----------------------------------------------------------------------------------


OVERVIEW_WIDTHS = (24, 18, 18, 18, 18)
CHART_HEIGHT = 270  # pixels, the income and budget charts side by side


def _overview_sheet(book: _Book, ws: Any) -> None:
    ev, st = book.ev, book.st
    sub = ev.submission
    widths = OVERVIEW_WIDTHS
    last = len(widths) - 1
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    ws.hide_gridlines(2)
    unit = sub.unit_name or "（未填单位名称）"
    year = f"{sub.year} 年度" if sub.year is not None else "年度未填"
    _title(ws, st, TITLE, f"{unit}　{year}", last)

    row = _heading(ws, st, 3, "一、基本信息", last)
    code = sub.get("unit_code")
    version = (f"{sub.template_version}（当前 {S.TEMPLATE_VERSION}）"
               if sub.template_version is not None else "—")
    pairs = [
        (("单位名称", sub.unit_name or "—"), ("评价年度", str(sub.year) if sub.year is not None else "—")),
        (("单位编码", code if isinstance(code, str) else "—"), ("模板版本", version)),
        (("审核状态", Status(ev.status).zh), ("生成工具", f"xlsxperf {__version__}")),
        (("填报表文件", Path(ev.path).name), None),
        (("文件 SHA-256", ev.sha256 or "—"), None),
    ]
    for left, right in pairs:
        _text(ws, row, 0, left[0], st, "label", bold=True)
        end = 2 if right else last
        ws.merge_range(row, 1, row, end, "", st("text"))
        _text(ws, row, 1, left[1], st, "text")
        if right:
            _text(ws, row, 3, right[0], st, "label", bold=True)
            _text(ws, row, 4, right[1], st, "text")
        row += 1

    row = _heading(ws, st, _gap(ws, row), "二、评分结果", last)
    row = _score_block(book, ws, row)
    row = _heading(ws, st, _gap(ws, row), "三、问题统计", last)
    row = _count_block(book, ws, row)
    if ev.findings:
        row = _heading(ws, st, _gap(ws, row), "四、主要问题", last)
        row = _top_findings(book, ws, row, widths)
    if book.rows is not None and book.ev.calc is not None:
        row = _heading(ws, st, _gap(ws, row), f"{'五' if ev.findings else '四'}、主要指标", last)
        row = _ratio_block(book, ws, row, widths)
        heading = _gap(ws, row)
        ws.set_h_pagebreaks([heading])  # the figures on the first printed page, the charts next
        row = _heading(ws, st, heading, f"{'六' if ev.findings else '五'}、图表", last)
        row = _charts(book, ws, row, widths)
    ws.freeze_panes(2, 0)
    print_setup(ws, landscape=False, repeat=(0, 1))


def _gap(ws: Any, row: int) -> int:
    """A thin empty row between blocks; the row after it."""
    ws.set_row(row, 8)
    return row + 1


def _bar_top(chart_top: int) -> int:
    return chart_top + CHART_HEIGHT // 20 + 1


def _bar_height(calc: Any) -> int:
    n = len([i for i in calc.indicators if i.completion_pct is not None])
    return min(640, max(200, 60 + 24 * n)) if n else 0


def _heading(ws: Any, st: Styles, row: int, text: str, last_col: int) -> int:
    ws.merge_range(row, 0, row, last_col, "", st("heading"))
    ws.write_string(row, 0, text, st("heading"))
    ws.set_row(row, 22)
    return row + 1


def _metric_row(book: _Book, key: str) -> tuple[int, MetricRow] | None:
    for i, r in enumerate(book.rows or []):
        if r.metric.key == key:
            return i, r
    return None


def _metric_ref(book: _Book, key: str, col: str = "C") -> tuple[str | None, Any]:
    """A reference to a metric's cell on 计算指标 and the value it holds (None when empty)."""
    found = _metric_row(book, key)
    if found is None:
        return None, None
    i, r = found
    value = {"C": r.shown if r.value is not None else None, "D": r.typed if r.typed_formula else None,
             "E": r.diff if r.diff_formula else None}[col]
    if value is None:
        return None, None
    return f"'{METRICS_SHEET}'!${col}${FIRST_ROW + 1 + i}", value


def _score_block(book: _Book, ws: Any, row: int) -> int:
    st = book.st
    for c, h in enumerate(("项目", "计算值", "自评值", "差异（计算 − 自评）")):
        _text(ws, row, c, h, st, "header")
    row += 1
    lines = [
        ("总分", "score.computed", "C", "score.self", "C", "分"),
        ("等级", "grade.computed", "C", "grade.self", "C", ""),
        ("预算执行率得分", "score.budget_computed", "C", "score.budget_computed", "D", "分"),
    ]
    for label, ckey, ccol, tkey, tcol, unit in lines:
        _text(ws, row, 0, label, st, "label", bold=True)
        num = _unit_format(unit)
        cref, cval = _metric_ref(book, ckey, ccol)
        tref, tval = _metric_ref(book, tkey, tcol)
        if book.rows is None:  # not evaluated: the declared score is all there is
            cref, cval, tref, tval = None, None, None, None
        _formula(ws, row, 1, cref, cval if cref else "—", st("computed", num))
        _formula(ws, row, 2, tref, tval if tref else "—", st("data", num))
        here, there = xl_rowcol_to_cell(row, 1), xl_rowcol_to_cell(row, 2)
        if cref and tref and isinstance(cval, float) and isinstance(tval, float):
            diff = float(Decimal(str(cval)) - Decimal(str(tval)))
            ws.write_formula(row, 3, f"=ROUND({here}-{there},2)", st("data", num), round(diff, 2))
        elif cref and tref and isinstance(cval, str) and isinstance(tval, str):
            ws.write_formula(row, 3, f'=IF({here}={there},"一致","不一致")', st("data"),
                             "一致" if cval == tval else "不一致")
        else:
            ws.write_string(row, 3, "—", st("data"))
        ws.write_blank(row, 4, None, st("plain"))
        row += 1
    return row


def _count_block(book: _Book, ws: Any, row: int) -> int:
    ev, st = book.ev, book.st
    for c, h in enumerate(("错误", "警告", "提示", "合计")):
        _text(ws, row, c, h, st, "header")
    row += 1
    last = FINDINGS_FIRST_ROW + max(1, len(ev.findings))
    rng = f"'{FINDINGS}'!$B${FINDINGS_FIRST_ROW + 1}:$B${last}"
    for c, sev in enumerate(Severity):
        n = ev.count(sev)
        fmt = st("data", "0", severity=sev if n else None, bold=True, align="center")
        ws.write_formula(row, c, f'=COUNTIF({rng},"{sev.zh}")', fmt, n)
    ws.write_formula(row, 3, f"=SUM({xl_rowcol_to_cell(row, 0)}:{xl_rowcol_to_cell(row, 2)})",
                     st("data", "0", bold=True, align="center"), len(ev.findings))
    return row + 1


TOP_FINDINGS = 8


def _top_findings(book: _Book, ws: Any, row: int, widths: tuple[int, ...]) -> int:
    """The first findings, errors first, each linking to its cell; the rest on 问题清单."""
    st, findings = book.st, sorted(book.ev.findings, key=lambda f: -f.severity.rank)
    for c, h in enumerate(("位置", "级别", "问题说明")):
        _text(ws, row, c, h, st, "header")
    ws.merge_range(row, 2, row, len(widths) - 1, "", st("header"))
    ws.write_string(row, 2, "问题说明", st("header"))
    row += 1
    for f in findings[:TOP_FINDINGS]:
        _location(book, ws, row, 0, f)
        ws.write_string(row, 1, f.severity.zh, st("data", severity=f.severity, align="center",
                                                  font_color=SEVERITY_FONT[f.severity], bold=True))
        text = f"{f.code} {f.message}"
        ws.merge_range(row, 2, row, len(widths) - 1, "", st("text"))
        _text(ws, row, 2, text, st, "text")
        ws.set_row(row, row_height([(text, sum(widths[2:]))]))
        row += 1
    rest = len(findings) - TOP_FINDINGS
    if rest > 0:
        ws.merge_range(row, 0, row, len(widths) - 1, "", st("note"))
        ws.write_url(row, 0, f"internal:'{FINDINGS}'!A{FINDINGS_FIRST_ROW}", st("link", border=0),
                     string=f"另有 {rest} 个问题，见“问题清单”")
        row += 1
    return row


KEY_RATIOS = (
    "income.total", "expenditure.total", "expenditure.share_pct.basic",
    "expenditure.share_pct.project", "execution.rate_pct.total", "execution.rate_pct.basic",
    "execution.rate_pct.project", "projects.by_category.special.execution_rate_pct",
    "staff.quota_total", "staff.actual_total",
)


def _ratio_block(book: _Book, ws: Any, row: int, widths: tuple[int, ...]) -> int:
    st = book.st
    for c, h in enumerate(("指标", "计算值", "填报值", "计算方法")):
        _text(ws, row, c, h, st, "header")
    ws.merge_range(row, 3, row, 4, "", st("header"))
    ws.write_string(row, 3, "计算方法", st("header"))
    row += 1
    for key in KEY_RATIOS:
        found = _metric_row(book, key)
        if found is None:
            continue
        _, r = found
        num = _unit_format(r.metric.unit)
        _text(ws, row, 0, r.metric.label, st, "label")
        cref, cval = _metric_ref(book, key, "C")
        tref, tval = _metric_ref(book, key, "D")
        _formula(ws, row, 1, cref, cval if cref else "—", st("computed", num))
        _formula(ws, row, 2, tref, tval if tref else "—", st("data", num))
        ws.merge_range(row, 3, row, 4, "", st("text", font_size=9))
        _text(ws, row, 3, r.metric.words, st, "text", font_size=9)
        ws.set_row(row, row_height([(r.metric.words, sum(widths[3:]) * 11 / 9)], font_size=9,
                                   minimum=18))
        row += 1
    return row


def _charts(book: _Book, ws: Any, row: int, widths: tuple[int, ...]) -> int:
    """Three charts, their data in a table below them."""
    wb, st, echo, sub, calc = book.wb, book.st, book.echo, book.ev.submission, book.ev.calc
    assert echo is not None and calc is not None
    px = [int(w * 7 + 5) for w in widths]
    chart_top = row
    bar_height = _bar_height(calc)
    n_ind = bar_height > 0
    bar_top = _bar_top(chart_top)
    data_row = bar_top + (bar_height // 20 + 2 if n_ind else 0)
    r = _heading(ws, st, data_row, "图表数据", len(widths) - 1)
    font = {"name": "宋体"}

    # income composition
    sources = [(label, sub.amount(f"income_{k}"), echo.field_ref(f"income_{k}"))
               for k, label in S.INCOME_SOURCES]
    sources = [s for s in sources if s[1] and s[2]]
    _text(ws, r, 0, "收入来源", st, "header")
    _text(ws, r, 1, "金额（万元）", st, "header")
    first = r + 1
    for label, amount, ref in sources:
        r += 1
        _text(ws, r, 0, label, st, "data")
        ws.write_formula(r, 1, f"={ref}", st("data", UNIT_FORMATS["万元"]), float(amount))  # type: ignore[arg-type]
    if sources:
        pie = wb.add_chart({"type": "pie"})
        pie.add_series({"name": "收入构成", "categories": [OVERVIEW, first, 0, r, 0],
                        "values": [OVERVIEW, first, 1, r, 1],
                        "data_labels": {"percentage": True, "font": font}})
        pie.set_title({"name": "收入构成", "name_font": {**font, "size": 12}})
        pie.set_legend({"position": "bottom", "font": font})
        pie.set_size({"width": px[0] + px[1], "height": CHART_HEIGHT})
        ws.insert_chart(chart_top, 0, pie, {"x_offset": 2, "y_offset": 4})
    r += 2

    # budget against execution
    _text(ws, r, 0, "预算执行", st, "header")
    columns = (("initial", "年初预算数"), ("budget", "全年预算数"), ("actual", "全年执行数"))
    for c, _column in enumerate(columns, start=1):
        _text(ws, r, c, label, st, "header")
    head = r
    for rkey, rlabel in S.EXECUTION.rows:
        r += 1
        _text(ws, r, 0, rlabel, st, "label")
        for c, (ckey, _) in enumerate(columns, start=1):
            name = f"exec_{rkey}_{ckey}"
            amount, ref = sub.amount(name), echo.field_ref(name)
            fmt = st("data", UNIT_FORMATS["万元"])
            if amount is not None and ref:
                ws.write_formula(r, c, f"={ref}", fmt, float(amount))
            else:
                ws.write_blank(r, c, None, fmt)
    col_chart = wb.add_chart({"type": "column"})
    for c in range(1, len(columns) + 1):
        col_chart.add_series({"name": [OVERVIEW, head, c], "categories": [OVERVIEW, head + 1, 0, r, 0],
                              "values": [OVERVIEW, head + 1, c, r, c],
                              "data_labels": {"value": True, "num_format": "#,##0.00",
                                              "font": {**font, "size": 7}}})
    col_chart.set_title({"name": "预算与执行（万元）", "name_font": {**font, "size": 12}})
    col_chart.set_legend({"position": "bottom", "font": font})
    col_chart.set_x_axis({"num_font": font})
    col_chart.set_y_axis({"num_format": "#,##0", "num_font": font,
                          "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    col_chart.set_size({"width": sum(px[2:]), "height": CHART_HEIGHT})
    ws.insert_chart(chart_top, 2, col_chart, {"x_offset": 2, "y_offset": 4})
    r += 2

    # indicator completion
    if n_ind:
        _text(ws, r, 0, "绩效指标", st, "header")
        _text(ws, r, 1, "完成率", st, "header")
        first = r + 1
        for ind in calc.indicators:
            if ind.completion_pct is None:
                continue
            r += 1
            name = ind.name or f"第 {ind.row.number} 行"
            _text(ws, r, 0, short(name), st, "data")
            ref = echo.indicator_completion(ind.row.number)
            _formula(ws, r, 1, ref, cached(ind.completion_pct, "%"), st("data", PERCENT_FORMAT))
        bar = wb.add_chart({"type": "bar"})
        bar.add_series({"name": "完成率", "categories": [OVERVIEW, first, 0, r, 0],
                        "values": [OVERVIEW, first, 1, r, 1], "fill": {"color": "#5B9BD5"},
                        "data_labels": {"value": True, "num_format": "0.00%", "font": {**font, "size": 8}}})
        bar.set_title({"name": "绩效指标完成率（完成值 ÷ 指标值）", "name_font": {**font, "size": 12}})
        bar.set_legend({"none": True})
        bar.set_x_axis({"num_format": "0%", "min": 0, "num_font": font,
                        "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
        bar.set_y_axis({"reverse": True, "num_font": {**font, "size": 9}})
        bar.set_size({"width": sum(px), "height": bar_height})
        ws.insert_chart(bar_top, 0, bar, {"x_offset": 2, "y_offset": 0})
    return r + 1


def short(name: str, limit: int = 14) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


# -- 问题清单 ----------------------------------------------------------------------------------


FINDING_COLUMNS = (("序号", 6), ("级别", 7), ("代码", 7), ("位置", 17), ("问题说明", 58),
                   ("应为", 16), ("实际", 16), ("规则", 24), ("定义名称", 18))


def _findings_sheet(book: _Book, ws: Any) -> None:
    ev, st = book.ev, book.st
    last = len(FINDING_COLUMNS) - 1
    for c, (_, w) in enumerate(FINDING_COLUMNS):
        ws.set_column(c, c, w)
    counts = "，".join(f"{s.zh} {ev.count(s)} 个" for s in Severity)
    _title(ws, st, "问题清单",
           f"共 {len(ev.findings)} 个问题（{counts}），按级别排列；点击“位置”转到原表数据中的单元格。",
           last)
    hr = FINDINGS_FIRST_ROW - 1
    for c, (h, _) in enumerate(FINDING_COLUMNS):
        _text(ws, hr, c, h, st, "header")
    ws.set_row(hr, 22)
    findings = sorted(ev.findings, key=lambda f: -f.severity.rank)
    row = FINDINGS_FIRST_ROW
    for n, f in enumerate(findings, start=1):
        _finding_row(book, ws, row, n, f)
        row += 1
    if not findings:
        ws.merge_range(row, 0, row, last, "", st("text"))
        ws.write_string(row, 0, "没有发现问题。", st("text"))
        row += 1
    ws.autofilter(hr, 0, max(hr, row - 1), last)
    ws.freeze_panes(hr + 1, 0)
    print_setup(ws, landscape=True, repeat=(hr, hr))


def _location(book: _Book, ws: Any, row: int, col: int, f: Finding) -> str:
    """The finding's sheet!cell, linked to its echo cell when there is one."""
    where = f.where or "—"
    target = book.echo.locate(f.sheet, f.cell) if book.echo else None
    if target is not None:
        sheet, ref = target
        ws.write_url(row, col, f"internal:'{sheet}'!{ref}", book.st("link"), string=where,
                     tip="转到原表数据中的单元格")
    else:
        _text(ws, row, col, where, book.st, "data")
    return where


def _finding_row(book: _Book, ws: Any, row: int, n: int, f: Finding) -> None:
    st = book.st
    ws.write_number(row, 0, n, st("data", "0", align="center"))
    ws.write_string(row, 1, f.severity.zh, st("data", severity=f.severity, align="center",
                                              font_color=SEVERITY_FONT[f.severity], bold=True))
    ws.write_string(row, 2, f.code, st("data", align="center"))
    where = _location(book, ws, row, 3, f)
    _text(ws, row, 4, f.message, st, "text")
    _text(ws, row, 5, f.expected or "", st, "text")
    _text(ws, row, 6, f.actual or "", st, "text")
    _text(ws, row, 7, f.name, st, "text")
    _text(ws, row, 8, f.defined_name or "", st, "text")
    texts = [where, f.message, f.expected or "", f.actual or "", f.name, f.defined_name or ""]
    widths = [w for _, w in FINDING_COLUMNS[3:]]
    ws.set_row(row, row_height(list(zip(texts, widths, strict=False))))


# -- 计算指标 ----------------------------------------------------------------------------------


def _metrics_sheet(book: _Book, ws: Any) -> None:
    st = book.st
    columns = (("指标", 28), ("计算方法", 46), ("计算值", 15), ("填报值", 15), ("差异", 12),
               ("键名（JSON）", 40))
    for c, (_, w) in enumerate(columns):
        ws.set_column(c, c, w)
    _title(ws, st, "计算指标",
           "计算值为引用“(原表)”工作表数据的公式（已带计算结果）；差异 = 计算值 − 填报值；百分比按两位小数四舍五入。",
           len(columns) - 1)
    hr = FIRST_ROW - 1
    for c, (h, _) in enumerate(columns):
        _text(ws, hr, c, h, st, "header")
    for i, r in enumerate(book.rows or []):
        row = FIRST_ROW + i
        m = r.metric
        num = _unit_format(m.unit)
        _text(ws, row, 0, m.label, st, "label")
        _text(ws, row, 1, m.words, st, "text")
        _formula(ws, row, 2, r.formula, r.shown, st("computed", num, align="right"))
        if r.typed_formula:
            _formula(ws, row, 3, r.typed_formula, r.typed, st("data", num, align="right"))
        elif r.typed is not None:
            _text(ws, row, 3, str(r.typed), st, "data", align="right")
        else:
            ws.write_blank(row, 3, None, st("data"))
        diff_fmt = st("data", "0.00%" if m.unit == "%" else num, align="right")
        if r.diff_formula:
            _formula(ws, row, 4, r.diff_formula, r.diff, diff_fmt)
        else:
            ws.write_blank(row, 4, None, diff_fmt)
        _text(ws, row, 5, m.key, st, "data", font_size=9, font_color="#595959")
        ws.set_row(row, row_height([(m.label, columns[0][1]), (m.words, columns[1][1])]))
    ws.freeze_panes(hr + 1, 1)
    print_setup(ws, landscape=True, repeat=(hr, hr))


# -- 报告要点 ----------------------------------------------------------------------------------


def _draft_sheet(book: _Book, ws: Any, reason_below: Decimal) -> None:
    st = book.st
    sub, calc = book.ev.submission, book.ev.calc
    assert calc is not None
    ws.set_column(0, 0, DRAFT_WIDTH)
    ws.hide_gridlines(2)
    ws.write_string(0, 0, "报告要点（草稿）", st("title"))
    ws.set_row(0, 28)
    ws.write_string(1, 0, "根据填报数据生成，段落顺序与部门整体支出绩效自评报告一致，供撰写报告时参考、核对。",
                    st("subtitle", text_wrap=True))
    row = 3
    for section in prose.report_sections(sub, calc, reason_below):
        ws.write_string(row, 0, section.title, st("heading"))
        ws.set_row(row, 24)
        row += 1
        for para in section.paragraphs:
            _text(ws, row, 0, INDENT + para, st, "paragraph")
            ws.set_row(row, row_height([(INDENT + para, DRAFT_WIDTH)]))
            row += 1
        row += 1
    print_setup(ws, landscape=False, repeat=(0, 0))


# -- echo sheets -------------------------------------------------------------------------------


def _notes(book: _Book) -> dict[tuple[str, tuple[int, int]], list[Finding]]:
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
        text = f"【{f.severity.zh}】{f.code} {f.message}"
        detail = "；".join(x for x in (f"应为 {f.expected}" if f.expected else "",
                                      f"实际 {f.actual}" if f.actual else "") if x)
        parts.append(text + (f"\n（{detail}）" if detail else ""))
    return "\n".join(parts)


def _echo_sheet(book: _Book, ws: Any, es: EchoSheet) -> None:
    st = book.st
    notes = {pos: fs for (sheet, pos), fs in _notes(book).items() if sheet == es.name}
    for pos in notes:
        if pos not in es.cells and pos not in es.covered:
            es.cells[pos] = Entry("blank")
    for c, w in es.widths.items():
        ws.set_column(c, c, w)
    for r, h in es.heights.items():
        ws.set_row(r, h)
    for (r, c), entry in sorted(es.cells.items()):
        fs = notes.get((r, c))
        worst = max((f.severity for f in fs), key=lambda s: s.rank) if fs else None
        _echo_cell(ws, st, r, c, entry, worst)
    for (r, c), fs in notes.items():
        lines = comment_text(fs)
        ws.write_comment(r, c, lines, {"author": "xlsxperf", "x_scale": 3, "font_name": "宋体",
                                       "y_scale": min(6, 1 + lines.count("\n") * 0.5 + len(lines) / 80)})
    if es.header_row is not None:
        ws.freeze_panes(es.header_row + 1, 0)
        print_setup(ws, landscape=es.landscape, repeat=(0, es.header_row))
    else:
        ws.freeze_panes(2, 0)
        print_setup(ws, landscape=es.landscape, repeat=(0, 1))


def _echo_cell(ws: Any, st: Styles, r: int, c: int, e: Entry, worst: Severity | None) -> None:
    if e.role == "formula":
        fmt = st("computed", _unit_format(e.unit), severity=worst)
        ws.write_formula(r, c, "=" + (e.formula or "").lstrip("="), fmt, e.value)
        return
    if e.role in ("label", "header", "section", "title", "note"):
        _text(ws, r, c, str(e.value), st, e.role, severity=worst)
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
        _value(ws, r, c, value, fmt)
