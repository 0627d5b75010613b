"""schema -> the blank template workbook (部门整体支出绩效自评表), written with XlsxWriter.

Layout, per sheet:

- form sheets (基本信息, 收支情况, 评价结论): column A the label, column B the input, C:F the
  unit and help text; long texts take B:F. Every input has a workbook-level defined name.
- 收支情况 also holds the 预算执行 grid (rows 基本支出 / 项目支出 / 合计).
- 项目支出 and 绩效指标: a header row, empty input rows (rows may be inserted or deleted while
  the sheet is protected) and, for projects, a typed 合计 row.
- 年度总体目标 (version 2): one row per goal, 预期目标 and 实际完成情况.

``write_template(path, version)`` writes any version the reader knows (:data:`schema.TEMPLATE_VERSIONS`);
a version has the fields, columns and tables declared ``since`` it or before. Version 2 adds
调整原因 to the 预算执行 grid and to each project, 调整后指标值 and 是否核心指标 to each indicator,
and the 年度总体目标 sheet; it keeps every cell of version 1 where it was.

Input cells are unlocked and lightly filled; everything else is locked; sheets are protected
without a password so that labels are not overwritten by accident.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from . import schema as S
from .schema import Field, Kind

FONT = "宋体"
INPUT_FILL = "#FFF7D6"
HEADER_FILL = "#DDEBF7"
SECTION_FILL = "#BDD7EE"
TOTAL_FILL = "#F2F2F2"
FIXED_DATE = datetime(2024, 1, 1)  # document properties, so regenerating is byte-stable

NUM_FORMATS = {
    Kind.AMOUNT: "#,##0.00",
    Kind.INTEGER: "0",
    Kind.YEAR: "0",
    Kind.PERCENT: "0.00%",
    Kind.SCORE: "0.00",
    Kind.DATE: "yyyy-mm-dd",
    Kind.TEXT: "@",
    Kind.LONGTEXT: "@",
    Kind.CHOICE: "@",
    Kind.MEASURE: "General",
}

FORM_WIDTHS = (28, 18, 20, 18, 13, 36)  # A..F
HEADER_ROWS = {S.PROJECTS: 3, S.INDICATORS: 8, S.GOALS: 3}  # 1-based header row of each table
GRID_EXTRA_WIDTH = 30  # columns of the 预算执行 grid right of F (version 2: 调整原因)
PROTECT = {
    "insert_rows": True,
    "delete_rows": True,
    "format_rows": True,
    "format_columns": True,
    "select_locked_cells": True,
    "select_unlocked_cells": True,
}


def _col(c: int) -> str:
    from xlsxwriter.utility import xl_col_to_name

    return xl_col_to_name(c)


def _abs(sheet: str, row: int, col: int) -> str:
    return f"='{sheet}'!${_col(col)}${row + 1}"


class _Formats:
    """Cell formats, made once per workbook."""

    def __init__(self, wb: Any) -> None:
        base = {"font_name": FONT, "font_size": 11, "valign": "vcenter"}
        self.wb = wb
        self.base = base
        self.title = wb.add_format({**base, "bold": True, "font_size": 16, "center_across": True})
        self.note = wb.add_format({**base, "font_color": "#595959"})
        self.section = wb.add_format({**base, "bold": True, "bg_color": SECTION_FILL, "top": 1,
                                      "bottom": 1})
        self.label = wb.add_format({**base, "border": 1, "text_wrap": True})
        self.label_req = wb.add_format({**base, "border": 1, "text_wrap": True, "bold": True})
        self.help = wb.add_format({**base, "font_color": "#595959", "font_size": 10})
        self.header = wb.add_format({**base, "bold": True, "bg_color": HEADER_FILL, "border": 1,
                                     "align": "center", "text_wrap": True})
        self.total_label = wb.add_format({**base, "bold": True, "bg_color": TOTAL_FILL, "border": 1,
                                          "align": "center"})
        self.total_locked = wb.add_format({**base, "bg_color": TOTAL_FILL, "border": 1})
        self.plain = wb.add_format({**base})
        self._inputs: dict[tuple[Kind, bool], Any] = {}

    def input(self, kind: Kind, total: bool = False) -> Any:
        key = (kind, total)
        if key not in self._inputs:
            props = {**self.base, "locked": False, "bg_color": INPUT_FILL, "border": 1,
                     "num_format": NUM_FORMATS[kind]}
            if kind == Kind.LONGTEXT:
                props.update({"text_wrap": True, "valign": "top"})
            if kind in (Kind.TEXT, Kind.CHOICE):
                props["text_wrap"] = True
            if total:
                props["bold"] = True
            self._inputs[key] = self.wb.add_format(props)
        return self._inputs[key]


def _validation(kind: Kind, choices: tuple[str, ...], title: str, help_text: str) -> dict:
    """The data validation of an input of ``kind`` (input message names the unit)."""
    unit = S.UNIT_OF_KIND.get(kind, "")
    message = help_text or ""
    v: dict[str, Any]
    if kind == Kind.AMOUNT:
        v = {"validate": "decimal", "criteria": ">=", "value": 0,
             "input_message": f"单位：{unit}，保留两位小数。{message}".strip()}
    elif kind == Kind.INTEGER:
        v = {"validate": "integer", "criteria": ">=", "value": 0,
             "input_message": f"填写整数。{message}".strip()}
    elif kind == Kind.YEAR:
        v = {"validate": "integer", "criteria": "between", "minimum": 2000, "maximum": 2100,
             "input_message": "四位年份，如 2022"}
    elif kind == Kind.PERCENT:
        v = {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 10,
             "input_message": f"单位：%，如 89.41%。{message}".strip()}
    elif kind == Kind.SCORE:
        v = {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 100,
             "input_message": f"单位：分，保留两位小数。{message}".strip()}
    elif kind == Kind.DATE:
        v = {"validate": "date", "criteria": "between", "minimum": datetime(2000, 1, 1),
             "maximum": datetime(2100, 12, 31), "input_message": "日期，如 2023-05-19"}
    elif kind == Kind.CHOICE:
        v = {"validate": "list", "source": list(choices),
             "input_message": f"从下拉列表中选择：{' / '.join(choices)}"}
    else:
        if not message:
            return {}
        v = {"validate": "any", "input_message": message}
    v["input_title"] = title[:32]
    v["input_message"] = v["input_message"][:255]
    if kind != Kind.MEASURE and v["validate"] != "any":
        v["error_title"] = "输入有误"
        v["error_message"] = v["input_message"][:255]
    return v


def _help_text(f: Field) -> str:
    parts = []
    if f.unit_text:
        parts.append(f"单位：{f.unit_text}")
    parts.append("必填" if f.required else "选填")
    if f.help and f.help != "选填":
        parts.append(f.help)
    if f.choices:
        parts.append("可选：" + " / ".join(f.choices))
    return "；".join(parts)


# ---------------------------------------------------------------------------------------------


def write_template(path: str | Path, version: int = S.TEMPLATE_VERSION) -> Path:
    """Write the blank template of ``version`` (default: the current one) to ``path`` (a new
    file; the caller checks overwrite)."""
    import xlsxwriter

    if version not in S.TEMPLATE_VERSIONS:
        raise ValueError(f"unknown template version {version}; known: {S.TEMPLATE_VERSIONS}")
    path = Path(path)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                          "strings_to_numbers": False})
    wb.set_properties({"title": S.TEMPLATE_TITLE, "subject": f"模板版本 {version}",
                       "author": "xlsxperf", "created": FIXED_DATE,
                       "comments": S.TEMPLATE_ID})
    fmt = _Formats(wb)
    instructions = wb.add_worksheet(S.INSTRUCTIONS)
    for sheet in (S.BASIC_SHEET, S.FINANCE_SHEET):
        ws = wb.add_worksheet(sheet.name)
        row = _form(wb, ws, fmt, sheet)
        if sheet is S.FINANCE_SHEET:
            _grid(wb, ws, fmt, S.EXECUTION, row + 1, version)
        _finish_form(ws)
    _projects(wb, fmt, version)
    if S.GOAL_TABLE.since <= version:
        _goals(wb, fmt, version)
    _indicators(wb, fmt, version)
    ws = wb.add_worksheet(S.CONCLUSION)
    _form(wb, ws, fmt, S.CONCLUSION_SHEET)
    _finish_form(ws)
    _instructions(instructions, fmt, version)
    _meta(wb, fmt, version)
    instructions.activate()
    wb.close()
    return path


def _band(ws: Any, row: int, first: int, last: int, text: str, fmt: Any) -> None:
    """Text in the first cell and its format across the row: the look of a merge, without one
    (merged ranges make every later read of the workbook slower)."""
    ws.write_string(row, first, text, fmt)
    for col in range(first + 1, last + 1):
        ws.write_blank(row, col, None, fmt)


def _title(ws: Any, fmt: _Formats, text: str, note: str, last_col: int) -> None:
    ws.set_default_row(20)
    _band(ws, 0, 0, last_col, text, fmt.title)
    ws.set_row(0, 30)
    ws.write_string(1, 0, note, fmt.note)
    ws.set_row(1, 24)


def _form(wb: Any, ws: Any, fmt: _Formats, sheet: S.Sheet) -> int:
    """Lay out a form sheet's sections; return the next free row (0-based)."""
    for col, width in enumerate(FORM_WIDTHS):
        ws.set_column(col, col, width)
    _title(ws, fmt, f"{S.TEMPLATE_TITLE} · {sheet.title}",
           "请在浅黄色单元格中填写；加粗的项目为必填。金额单位：万元，保留两位小数。", 5)
    row = 2
    for section in sheet.sections:
        _band(ws, row, 0, 5, section.title, fmt.section)
        row += 1
        for f in section.fields:
            _field_row(wb, ws, fmt, f, row)
            row += 1
    return row


def _field_row(wb: Any, ws: Any, fmt: _Formats, f: Field, row: int) -> None:
    ws.write_string(row, 0, f.label, fmt.label_req if f.required else fmt.label)
    initial = S.PLACEHOLDERS.get(f.name, "")
    if f.kind == Kind.LONGTEXT:
        ws.merge_range(row, 1, row, 5, "", fmt.input(f.kind))
        if initial:
            ws.write_string(row, 1, initial, fmt.input(f.kind))
        ws.set_row(row, 96)
    else:
        ws.write_blank(row, 1, None, fmt.input(f.kind))
        ws.write_string(row, 2, _help_text(f), fmt.help)
        if f.kind == Kind.TEXT and f.help:
            ws.set_row(row, 20)
    v = _validation(f.kind, f.choices, f.label, _help_text(f))
    if v:
        ws.data_validation(row, 1, row, 1, v)
    wb.define_name(f.name, _abs(ws.name, row, 1))


def _finish_form(ws: Any) -> None:
    ws.freeze_panes(2, 0)
    ws.set_paper(9)
    ws.set_portrait()
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.repeat_rows(0)
    ws.set_footer("&C第 &P 页，共 &N 页")
    ws.protect("", PROTECT)


def _grid(wb: Any, ws: Any, fmt: _Formats, grid: S.Grid, row: int, version: int) -> None:
    columns = grid.columns_in(version)
    _band(ws, row, 0, max(5, len(columns)), f"{grid.title}（单位：万元）", fmt.section)
    for c in range(len(FORM_WIDTHS), len(columns) + 1):
        ws.set_column(c, c, GRID_EXTRA_WIDTH)
    row += 1
    ws.write_string(row, 0, grid.row_header, fmt.header)
    for c, col in enumerate(columns, start=1):
        ws.write_string(row, c, col.label, fmt.header)
    ws.set_row(row, 32)
    for rkey, rlabel in grid.rows:
        row += 1
        total = rkey == "total"
        ws.write_string(row, 0, rlabel, fmt.total_label if total else fmt.label_req)
        for c, col in enumerate(columns, start=1):
            f = grid.field(rkey, col.key)
            ws.write_blank(row, c, None, fmt.input(col.kind, total))
            v = _validation(col.kind, col.choices, f"{rlabel}{col.label}", col.help)
            if v:
                ws.data_validation(row, c, row, c, v)
            wb.define_name(f.name, _abs(ws.name, row, c))
        if total:
            ws.set_row(row, 20)


def _table_sheet(ws: Any, fmt: _Formats, table: S.Table, title: str, note: str,
                 header_row: int, version: int) -> None:
    columns = table.columns_in(version)
    last = len(columns) - 1
    for c, col in enumerate(columns):
        ws.set_column(c, c, col.width)
    _title(ws, fmt, title, note, last)
    for c, col in enumerate(columns):
        ws.write_string(header_row, c, col.label, fmt.header)
    ws.set_row(header_row, 36)
    first, end = header_row + 1, header_row + table.blank_rows
    for r in range(first, end + 1):
        for c, col in enumerate(columns):
            ws.write_blank(r, c, None, fmt.input(col.kind))
    for c, col in enumerate(columns):
        v = _validation(col.kind, col.choices, col.label, col.help)
        if v:
            ws.data_validation(first, c, end, c, v)
    ws.freeze_panes(header_row + 1, 0)
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.repeat_rows(0, header_row)
    ws.set_footer("&C第 &P 页，共 &N 页")
    ws.protect("", PROTECT)


def _projects(wb: Any, fmt: _Formats, version: int) -> None:
    t = S.PROJECT_TABLE
    ws = wb.add_worksheet(t.sheet)
    header = HEADER_ROWS[t.sheet] - 1
    note = "每个项目一行，可插入或删除行；合计行请手工填写。项目类别：人员类 / 运转类 / 特定目标类。"
    if version >= 2:
        note += "全年预算数与年初预算数不同的，在“调整原因”中说明。"
    _table_sheet(ws, fmt, t, f"{S.TEMPLATE_TITLE} · {t.title}", note, header, version)
    total = header + t.blank_rows + 1
    columns = t.columns_in(version)
    name_col = [c.key for c in columns].index("name")
    for c, col in enumerate(columns):
        if c == name_col:
            ws.write_string(total, c, "合计", fmt.total_label)
        elif col.total:
            ws.write_blank(total, c, None, fmt.input(col.kind, True))
            ws.data_validation(total, c, total, c, _validation(col.kind, (), f"合计{col.label}", ""))
        else:
            ws.write_blank(total, c, None, fmt.total_locked)
    ws.set_row(total, 20)


def _indicators(wb: Any, fmt: _Formats, version: int) -> None:
    t = S.INDICATOR_TABLE
    ws = wb.add_worksheet(t.sheet)
    header = HEADER_ROWS[t.sheet] - 1
    last = len(t.columns_in(version)) - 1
    note = ("预算执行率指标单独填写（默认 10 分，得分 = 执行率 × 10，最高 10 分）；其余指标每行一个，"
            "可插入或删除行。定性指标的完成值填 达成 / 部分达成 / 未达成。")
    if version >= 2:
        note = ("预算执行率指标单独填写（默认 10 分，得分 = 执行率 × 10，最高 10 分）；"
                "其余指标每行一个，可插入或删除行。一级指标：产出 / 效益 / 满意度，成本指标可单列为一级。"
                "指标值可写作 ≥18个、≤1%；定性指标的完成值填 " + " / ".join(S.OFFICIAL_LEVELS) + "。")
    _table_sheet(ws, fmt, t, f"{S.TEMPLATE_TITLE} · {t.title}", note, header, version)
    _band(ws, 2, 0, last, "预算执行率指标", fmt.section)
    for i, f in enumerate(S.BUDGET_INDICATOR):
        row = 3 + i
        ws.merge_range(row, 0, row, 2, f.label, fmt.label_req)
        if f.name == "budget_weight":
            ws.write_number(row, 3, 10, fmt.input(f.kind))
        else:
            ws.write_blank(row, 3, None, fmt.input(f.kind))
        ws.write_string(row, 4, _help_text(f), fmt.help)
        ws.data_validation(row, 3, row, 3, _validation(f.kind, (), f.label, f.help))
        wb.define_name(f.name, _abs(ws.name, row, 3))
    _band(ws, header - 1, 0, last, "绩效指标", fmt.section)


def _goals(wb: Any, fmt: _Formats, version: int) -> None:
    t = S.GOAL_TABLE
    ws = wb.add_worksheet(t.sheet)
    _table_sheet(ws, fmt, t, f"{S.TEMPLATE_TITLE} · {t.title}",
                 "每条年度总体目标一行，可插入或删除行：左栏填年初设定的预期目标，右栏对照说明实际完成情况。",
                 HEADER_ROWS[t.sheet] - 1, version)


def _instructions(ws: Any, fmt: _Formats, version: int) -> None:
    widths = (12, 26, 26, 10, 8, 8, 30)
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    last = len(widths) - 1
    _title(ws, fmt, S.TEMPLATE_TITLE, f"模板版本：{version}（{S.TEMPLATE_ID}）", last)
    sheets = "“" + "”“".join(S.SHEET_ORDERS[version][1:]) + "”"
    counts = "五六七八"[len(S.SHEET_ORDERS[version]) - 6]
    steps: tuple[str, ...] = (
        f"1. 依次填写{sheets}{counts}张工作表，只在浅黄色单元格中填写。",
        "2. 金额单位为万元，保留两位小数；人数、个数填整数；执行率等百分比可直接输入 89.41%。",
        "3. 合计数（收入合计、支出合计、编制合计、项目合计等）请手工填写，审核时会与明细核对。",
        "4. “项目支出”“绩效指标”可插入或删除行；不要改动表头文字。",
        "5. 没有的项目填 0；不适用的文字项填“无”。不要修改工作表名称。",
        "6. 用 Excel、WPS 或 LibreOffice 填写均可，请保存为 .xlsx 格式后提交。",
        "7. 其他系统批量填报时，可按下表的“定义名称”写入对应单元格。",
    )
    if version >= 2:
        steps += (
            "8. 按财政部和省级自评表的写法填写即可：指标值写作“≥18个”“≤1%”时，符号和单位会被识别；"
            "定性指标的完成值填“达成年度指标”“部分达成年度指标并具有一定效果”“未达成年度指标且效果较差”（或简写“达成”等）。",
            "9. 全年预算数与年初预算数不同的（年中追加或调减），在“调整原因”中说明；"
            "指标值年中调整的，填“调整后指标值”，计分按调整后的指标值。",
        )
    row = 2
    for text in steps:
        ws.write_string(row, 0, text, fmt.note)
        ws.set_row(row, 22)
        row += 1
    row += 1
    for c, h in enumerate(("工作表", "项目", "定义名称", "类型", "单位", "必填", "可选项 / 说明")):
        ws.write_string(row, c, h, fmt.header)
    ws.repeat_rows(row)
    for d in S.name_table(version):
        row += 1
        for c, text in enumerate((d.sheet, d.label, d.name, d.kind, d.unit,
                                  "是" if d.required else "否", " / ".join(d.choices))):
            ws.write_string(row, c, text, fmt.label)
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.protect("", PROTECT)


def _meta(wb: Any, fmt: _Formats, version: int) -> None:
    ws = wb.add_worksheet(S.META_SHEET)
    ws.write_string(0, 0, "template_id")
    ws.write_string(0, 1, S.TEMPLATE_ID)
    ws.write_string(1, 0, "template_version")
    ws.write_number(1, 1, version)
    wb.define_name("template_id", f"='{S.META_SHEET}'!$B$1")
    wb.define_name("template_version", f"='{S.META_SHEET}'!$B$2")
    ws.protect("", PROTECT)
    ws.hide()
