"""The charts of 评价总览, printed on the page after the decision (附录一　图表), one function a
chart, each writing its data as live formulas below the charts and the chart over them.

- 收入构成: a pie of the income sources; one source alone is a sentence, not a full disc.
- 预算与执行: horizontal bars, 年初预算 / 全年预算 / 全年执行 for 基本支出, 项目支出, 合计;
  one bar a line, so no two labels share a place.
- 绩效指标完成率: a column a quantitative indicator, its name wrapped under it, and a line at
  100%; a rate over 1000% is not drawn but marked 异常 with the cells that cause it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .. import schema as S
from . import cells
from .anomaly import LABEL as ANOMALY
from .anomaly import completion_anomaly
from .book import OVERVIEW
from .echo import cached
from .prose import pct_text, wan
from .styles import FONT, PERCENT_FORMAT, UNIT_FORMATS, row_height, text_units

if TYPE_CHECKING:
    from .book import Book

ROW_PX = 20  # a 15-point row
CHART_ROWS = 16  # the income and budget charts, side by side
COMPLETION_ROWS = 17
BAR_COLOURS = ("#A5A5A5", "#5B9BD5", "#ED7D31")  # 年初预算, 全年预算, 全年执行
REFERENCE_COLOUR = "#C00000"
LABEL_COL = 6  # the wrapped names the completion chart shows, right of the printed page
LABEL_WIDTH = 16
FONT_PROPS = {"name": FONT}


@dataclass
class Area:
    """Where the charts go and where their data goes."""

    ws: Any
    top: int  # first row of the charts
    px: list[int]  # column widths in pixels
    data: int  # next free row of the data tables
    units: tuple[int, ...]  # column widths in width units

    def width(self, first: int, last: int) -> int:
        return sum(self.px[first:last + 1])


def write(book: Book, ws: Any, row: int, widths: tuple[int, ...]) -> int:
    """The charts from ``row`` on (a new page) and a note for each rate marked 异常; their data
    below, for the screen. The last row to print."""
    last = len(widths) - 1
    row = cells.heading(ws, book.st, row, "附录一　图表", last)
    top = row + 1
    indicators = _indicators(book)
    end = top + CHART_ROWS + 1 + (COMPLETION_ROWS + 1 if indicators else 0)
    for r in range(row, end):
        ws.set_row(r, 15)  # charts are anchored to rows: their heights must be known
    area = Area(ws, top, [int(w * 7 + 5) for w in widths], end, widths)
    ws.set_column(LABEL_COL, LABEL_COL, LABEL_WIDTH)
    for ind in indicators:
        wild = completion_anomaly(book.ev.submission, ind)
        if wild is not None:
            _anomaly_note(book, area, ind, wild)
    printed = area.data - 1
    area.data = cells.heading(ws, book.st, area.data + 1, "图表数据", last)
    income(book, area)
    budget(book, area)
    if indicators:
        completion(book, area, top + CHART_ROWS + 1)
    return printed


def _anomaly_note(book: Book, area: Area, ind: Any, wild: Any) -> None:
    """Under the charts: which rate is not drawn and which cells to check."""
    ws, st, last = area.ws, book.st, len(area.units) - 1
    name = ind.name or f"第 {ind.row.number} 行"
    note = f"“{name}”完成率 {pct_text(wild.value)} 未画入图中。{wild.text}"
    r = area.data
    ws.set_row(r, row_height([(note, sum(area.units[:-1]))], font_size=10, minimum=17))
    cells.merged_text(ws, r, 0, last - 1, note, st, "text", font_size=10)
    if wild.cells:  # a short link: spreadsheet programs do not wrap a linked cell's text
        book.cell_link(ws, r, last, wild.cells[0], "查看单元格", align="center", font_size=10)
    else:
        ws.write_blank(r, last, None, st("data"))
    area.data = r + 1


def _indicators(book: Book) -> list[Any]:
    calc = book.ev.calc
    return [i for i in calc.indicators if i.completion_pct is not None] if calc else []


def _table_header(book: Book, area: Area, labels: tuple[tuple[int, int, str], ...]) -> int:
    """A header row of (first column, last column, label); its row."""
    r = area.data
    for first, last, h in labels:
        cells.merged_text(area.ws, r, first, last, h, book.st, "header")
    area.ws.set_row(r, row_height([(h, sum(area.units[first:last + 1])) for first, last, h in labels],
                                  minimum=18))
    return r


def _label(book: Book, area: Area, r: int, text: str, role: str = "data") -> None:
    """A row's label across the first two columns (the first alone holds it: charts read it)."""
    cells.merged_text(area.ws, r, 0, 1, text, book.st, role)


# -- 收入构成 ---------------------------------------------------------------------------------


def income(book: Book, area: Area) -> None:
    """A pie of the income sources at the top left; a sentence when there is only one."""
    wb, st, ws, echo, sub = book.wb, book.st, area.ws, book.echo, book.ev.submission
    assert echo is not None
    sources = [(label, sub.amount(f"income_{k}"), echo.field_ref(f"income_{k}"))
               for k, label in S.INCOME_SOURCES]
    sources = [s for s in sources if s[1] and s[2]]
    head = _table_header(book, area, ((0, 1, "收入来源"), (2, 2, "金额（万元）")))
    r = head
    for label, amount, ref in sources:
        r += 1
        _label(book, area, r, label)
        ws.write_formula(r, 2, f"={ref}", st("data", UNIT_FORMATS["万元"]), float(amount))  # type: ignore[arg-type]
    area.data = r + 2
    block = (area.top, 0, area.top + CHART_ROWS - 1, 2)
    if len(sources) == 1:
        label, amount, _ = sources[0]
        sentence = f"收入全部来自{label}（{wan(amount)}，占 100%），不作构成图。"  # type: ignore[arg-type]
        ws.merge_range(*block, "", st("note", font_size=11, text_wrap=True, align="center"))
        cells.text(ws, area.top, 0, sentence, st, "note", font_size=11, text_wrap=True, align="center")
        return
    if not sources:
        ws.merge_range(*block, "", st("note", font_size=11, text_wrap=True, align="center"))
        cells.text(ws, area.top, 0, "没有填写收入来源，不作构成图。", st, "note", font_size=11,
                   text_wrap=True, align="center")
        return
    pie = wb.add_chart({"type": "pie"})
    pie.add_series({"name": "收入构成", "categories": [OVERVIEW, head + 1, 0, r, 0],
                    "values": [OVERVIEW, head + 1, 2, r, 2],
                    "data_labels": {"percentage": True, "position": "best_fit", "leader_lines": True,
                                    "font": {**FONT_PROPS, "size": 9}}})
    pie.set_title({"name": "收入构成", "name_font": {**FONT_PROPS, "size": 12}})
    pie.set_legend({"position": "bottom", "font": {**FONT_PROPS, "size": 9}})
    pie.set_size({"width": area.width(0, 2) - 4, "height": CHART_ROWS * ROW_PX - 6})
    ws.insert_chart(area.top, 0, pie, {"x_offset": 2, "y_offset": 3})


# -- 预算与执行 -------------------------------------------------------------------------------


def budget(book: Book, area: Area) -> None:
    """Budget against execution as horizontal bars at the top right."""
    wb, st, ws, echo, sub = book.wb, book.st, area.ws, book.echo, book.ev.submission
    assert echo is not None
    columns = [(c.key, c.label) for c in S.EXECUTION.columns if c.key in ("initial", "budget", "actual")]
    head = _table_header(book, area, ((0, 1, "预算执行（万元）"),
                                      *((c, c, label) for c, (_, label) in enumerate(columns, start=2))))
    r = head
    for rkey, rlabel in S.EXECUTION.rows:
        r += 1
        _label(book, area, r, rlabel, "label")
        for c, (ckey, _) in enumerate(columns, start=2):
            name = f"exec_{rkey}_{ckey}"
            amount, ref = sub.amount(name), echo.field_ref(name)
            fmt = st("data", UNIT_FORMATS["万元"])
            if amount is not None and ref:
                ws.write_formula(r, c, f"={ref}", fmt, float(amount))
            else:
                ws.write_blank(r, c, None, fmt)
    area.data = r + 2
    amounts = [sub.amount(f"exec_{rkey}_{ckey}") or 0 for rkey, _ in S.EXECUTION.rows for ckey, _ in columns]
    step = nice_step(max([float(a) for a in amounts] + [1.0]) / 3)
    chart = wb.add_chart({"type": "bar"})
    for c, colour in zip(range(2, len(columns) + 2), BAR_COLOURS, strict=True):
        chart.add_series({"name": [OVERVIEW, head, c], "categories": [OVERVIEW, head + 1, 0, r, 0],
                          "values": [OVERVIEW, head + 1, c, r, c], "fill": {"color": colour},
                          "gap": 40,
                          "data_labels": {"value": True, "num_format": "#,##0.00", "position": "outside_end",
                                          "font": {**FONT_PROPS, "size": 8}}})
    chart.set_title({"name": "预算与执行（万元）", "name_font": {**FONT_PROPS, "size": 12}})
    chart.set_legend({"position": "bottom", "font": {**FONT_PROPS, "size": 9}})
    chart.set_y_axis({"reverse": True, "crossing": "max", "num_font": {**FONT_PROPS, "size": 9}})
    top_value = step * math.ceil(max(float(a) for a in amounts + [1]) * 1.3 / step)  # room for labels
    chart.set_x_axis({"num_format": "#,##0", "min": 0, "max": top_value, "major_unit": step,
                      "num_font": {**FONT_PROPS, "size": 8},
                      "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    chart.set_size({"width": area.width(3, len(area.px) - 1) - 4, "height": CHART_ROWS * ROW_PX - 6})
    ws.insert_chart(area.top, 3, chart, {"x_offset": 2, "y_offset": 3})


def nice_step(rough: float) -> float:
    """1, 2 or 5 times a power of ten, at least ``rough``: axis steps a reader can add up."""
    power = 10 ** math.floor(math.log10(rough)) if rough > 0 else 1
    return next(m * power for m in (1, 2, 5, 10) if m * power >= rough)


# -- 绩效指标完成率 ---------------------------------------------------------------------------


OPENING = "“‘（《「【(["  # never ends a line
CLOSING = "”’）》」】)]，。、；：！？,.;:!?"  # never starts one


def wrap(name: str, units: int) -> str:
    """``name`` broken into lines of about ``units`` width units (CJK characters count two),
    never after an opening quote or bracket, never before closing punctuation."""
    lines, line = [], ""
    for ch in name:
        if line and text_units(line + ch) > units and ch not in CLOSING:
            carried = ""
            while line and line[-1] in OPENING:
                carried, line = line[-1] + carried, line[:-1]
            if line:
                lines.append(line)
            line = carried
        line += ch
    return "\n".join([*lines, line])


def completion(book: Book, area: Area, top: int) -> None:
    """One column an indicator, names wrapped under them, a reference line at 100%."""
    wb, st, ws, echo, sub = book.wb, book.st, area.ws, book.echo, book.ev.submission
    assert echo is not None
    indicators = _indicators(book)
    plot_px = sum(area.units) * 9 - 80  # a width unit prints at up to 9 pixels; the axis takes 80
    units = max(8, int(plot_px / len(indicators) / 6.5))  # a 9-point digit is about 6.5 pixels
    last = len(area.px) - 1
    head = _table_header(book, area, ((0, 1, "绩效指标"), (2, 2, "完成率"), (3, 3, "参考线"), (4, last, "说明")))
    cells.text(ws, head, LABEL_COL, "图中名称", st, "header")
    r = head
    for ind in indicators:
        r += 1
        name = ind.name or f"第 {ind.row.number} 行"
        label = wrap(name, units)
        wild = completion_anomaly(sub, ind)
        if wild is not None:
            label += f"\n（{ANOMALY}）"
        _label(book, area, r, name, "text")
        cells.text(ws, r, LABEL_COL, label, st, "text", font_size=9)
        ws.write_number(r, 3, 1, st("data", "0%"))
        if wild is not None:
            ws.write_string(r, 2, ANOMALY, st("data", align="right", bold=True, font_color="#C00000"))
            note = f"完成率 {pct_text(wild.value)}，{wild.text}"
        else:
            ref = echo.indicator_completion(ind.row.number)
            cells.formula(ws, r, 2, ref, cached(ind.completion_pct, "%"), st("data", PERCENT_FORMAT))
            note = ""
        cells.merged_text(ws, r, 4, last, note, st, "text", font_size=9)
        ws.set_row(r, row_height([(name, sum(area.units[:2])), (note, sum(area.units[4:])),
                                  (label, LABEL_WIDTH)], font_size=9, minimum=15))
    area.data = r + 2
    chart = wb.add_chart({"type": "column"})
    chart.add_series({"name": "完成率", "categories": [OVERVIEW, head + 1, LABEL_COL, r, LABEL_COL],
                      "values": [OVERVIEW, head + 1, 2, r, 2], "fill": {"color": "#5B9BD5"}, "gap": 80,
                      "data_labels": {"value": True, "num_format": "0.00%", "position": "outside_end",
                                      "font": {**FONT_PROPS, "size": 8}}})
    line = wb.add_chart({"type": "line"})
    line.add_series({"name": "100%（按期完成）", "categories": [OVERVIEW, head + 1, LABEL_COL, r, LABEL_COL],
                     "values": [OVERVIEW, head + 1, 3, r, 3], "marker": {"type": "none"},
                     "line": {"color": REFERENCE_COLOUR, "width": 1.5, "dash_type": "dash"}})
    chart.combine(line)
    chart.set_title({"name": "绩效指标完成率（完成值 ÷ 指标值）", "name_font": {**FONT_PROPS, "size": 12}})
    chart.set_legend({"position": "bottom", "font": {**FONT_PROPS, "size": 9}})
    chart.set_x_axis({"num_font": {**FONT_PROPS, "size": 9, "rotation": 0}})
    chart.set_y_axis({"num_format": "0%", "min": 0, "num_font": {**FONT_PROPS, "size": 9},
                      "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    chart.set_size({"width": area.width(0, len(area.px) - 1) - 4, "height": COMPLETION_ROWS * ROW_PX - 6})
    ws.insert_chart(top, 0, chart, {"x_offset": 2, "y_offset": 3})
