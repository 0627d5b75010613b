"""An annotated copy of a submission, to send back to the department.

- A first sheet, 修改清单, lists every problem: its level, its cell (linked), what is wrong and
  what to change (:mod:`.fixes`), under a legend of the colours; it prints first.
- Each finding's cell is filled by severity — errors red, warnings orange, information blue,
  all unlike the template's light-yellow input cells — framed in a darker line of the same
  colour, and carries a note with the messages.
- The 填报说明 sheet prints its instructions without the list of defined names.

The copy is made from the submission itself with openpyxl and saved to a new path; the input
file is only read. openpyxl cannot keep a formula together with its computed value, so a
formula whose value the input file holds is kept as that value: the copy then reads exactly as
the original did (a formula saved without a value stays a formula, and stays unreadable).
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import marker
from .. import schema as S
from ..model import Finding, Severity
from .fixes import action
from .names import sheet_name
from .styles import (
    INPUT_FILL,
    SEVERITY_BORDER,
    SEVERITY_COLOUR_ZH,
    SEVERITY_FILL,
    SEVERITY_FONT,
    header_text,
    looks_like_formula,
    row_height,
)

if TYPE_CHECKING:
    from ..evaluation import Evaluation

COMMENT_AUTHOR = "xlsxperf"
LIST_SHEET = "修改清单"
LIST_COLUMNS = (("序号", 5), ("级别", 8), ("位置", 16), ("问题", 44), ("修改要求", 32))
LIST_FIRST_ROW = 5  # 1-based row of the first problem
NAMES_HEADER = "定义名称"  # the header of the defined-names list on 填报说明


def annotate(ev: Evaluation, path: str | Path) -> Path:
    """Write a copy of the submission of ``ev`` with its findings marked, to ``path``."""
    from openpyxl import load_workbook

    from ..books import require_xml_guard
    from ..files import file_sha256

    path = Path(path)
    source = Path(ev.path)
    if path.resolve() == source.resolve():
        raise ValueError(f"{path}: 不能覆盖被审核的填报表（refusing to overwrite the input file）")
    if not ev.submission.readable:
        raise ValueError(f"{source}: 文件无法读取，不能生成批注副本（the file could not be read）")
    if source.suffix.lower() not in (".xlsx", ".xlsm"):
        raise ValueError(f"{source}: 只能为 .xlsx 文件生成批注副本（annotated copies are made of .xlsx files）")
    if ev.sha256 and file_sha256(source) != ev.sha256:
        raise ValueError(f"{source}: 文件在审核后已改动，请重新审核（the file changed since it was checked）")
    require_xml_guard()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(source, keep_links=False, rich_text=False)
        values = load_workbook(source, data_only=True, keep_links=False)
    _freeze_formulas(wb, values)
    marked: set[tuple[str, str]] = set()
    for (sheet, ref), findings in _by_cell(ev.findings).items():
        if sheet not in wb.sheetnames:
            continue
        try:
            cell = wb[sheet][ref]
        except (KeyError, ValueError, AttributeError):
            continue
        if _mark(cell, findings):
            marked.add((sheet, ref))
    _names_off_the_print(wb)
    _problem_list(wb, ev, marked)
    wb.save(path)
    marker.seal(path)
    return path


def _by_cell(findings: list[Finding]) -> dict[tuple[str, str], list[Finding]]:
    out: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        if f.sheet and f.cell:
            out.setdefault((f.sheet, _first_cell(f.cell)), []).append(f)
    return out


def _first_cell(ref: str) -> str:
    return ref.replace("$", "").split(":")[0]


def _cells(ws: Any) -> list[Any]:
    """The cells the sheet holds, and only those: iterating its rows would make a cell for
    every position up to the farthest one, and a single stray cell at XFD1048576 would ask
    for seventeen billion (openpyxl keeps its cells in ``_cells``; tests/test_canaries.py
    watches it)."""
    return list(ws._cells.values())


def _freeze_formulas(wb: Any, values: Any) -> None:
    """Replace every formula that has a saved value by that value."""
    for ws in wb.worksheets:
        cached = values[ws.title]
        for cell in _cells(ws):
            if cell.data_type != "f":
                continue
            value = cached.cell(cell.row, cell.column).value
            if value is None:
                continue
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # a saved text result that starts with "=" stays text


def _argb(colour: str) -> str:
    return "FF" + colour.lstrip("#")


def _mark(cell: Any, findings: list[Finding]) -> bool:
    """Fill, frame and annotate ``cell``; False when it cannot carry a mark (merged)."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Border, PatternFill, Side

    if not hasattr(cell, "column_letter") or type(cell).__name__ == "MergedCell":
        return False
    worst = max((f.severity for f in findings), key=lambda s: s.rank)
    cell.fill = PatternFill(fill_type="solid", start_color=_argb(SEVERITY_FILL[worst]),
                            end_color=_argb(SEVERITY_FILL[worst]))
    side = Side(style="medium", color=_argb(SEVERITY_BORDER[worst]))
    cell.border = Border(left=side, right=side, top=side, bottom=side)
    text = "\n".join(f"【{f.severity.zh}】{f.code} {f.message}；{action(f)}" for f in findings)
    if cell.comment is not None and cell.comment.text:
        text = cell.comment.text.rstrip() + "\n" + text
    comment = Comment(text, COMMENT_AUTHOR)
    comment.width = 360
    comment.height = min(400, 60 + 18 * text.count("\n") + len(text) // 2)
    cell.comment = comment
    return True


def _names_off_the_print(wb: Any) -> None:
    """填报说明 prints its instructions; the list of defined names is for programs."""
    from openpyxl.utils import get_column_letter

    if S.INSTRUCTIONS not in wb.sheetnames:
        return
    ws = wb[S.INSTRUCTIONS]
    header = min((cell.row for cell in _cells(ws) if cell.column <= 8 and cell.value == NAMES_HEADER),
                 default=None)
    if header is None or header <= 1:
        return
    ws.print_title_rows = None
    ws.print_area = f"A1:{get_column_letter(max(1, ws.max_column))}{header - 1}"


def _problem_list(wb: Any, ev: Evaluation, marked: set[tuple[str, str]]) -> None:
    """The first sheet: every finding with its level, linked cell, message and what to change."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.hyperlink import Hyperlink
    from openpyxl.worksheet.properties import PageSetupProperties

    name = sheet_name(LIST_SHEET, set(wb.sheetnames))
    ws = wb.create_sheet(name, 0)
    for other in wb.worksheets:
        other.sheet_view.tabSelected = False
    ws.sheet_view.tabSelected = True
    wb.active = 0
    font, bold = Font(name="宋体", size=10), Font(name="宋体", size=10, bold=True)
    thin = Side(style="thin", color="FF000000")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="center")

    def fill(colour: str) -> Any:
        return PatternFill(fill_type="solid", start_color=_argb(colour), end_color=_argb(colour))

    def put(row: int, col: int, value: Any, **style: Any) -> Any:
        cell = ws.cell(row, col)
        cell.value = value
        if isinstance(value, str):
            cell.data_type = "s"
            cell.quotePrefix = looks_like_formula(value)
        cell.font = style.get("font", font)
        cell.alignment = style.get("alignment", wrap)
        if "fill" in style:
            cell.fill = style["fill"]
        if style.get("border", True):
            cell.border = box
        return cell

    unit = ev.submission.unit_name or Path(ev.path).name
    put(1, 1, f"修改清单：{unit}", font=Font(name="宋体", size=14, bold=True), border=False,
        alignment=Alignment(vertical="center"))
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(LIST_COLUMNS))
    counts = "，".join(f"{s.zh} {ev.count(s)} 个" for s in Severity)
    put(2, 1, f"本表列出审核发现的全部 {len(ev.findings)} 个问题（{counts}）。请按“修改要求”修改后重新提交；"
              "点击“位置”转到对应单元格，单元格批注中有详细说明。", border=False)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(LIST_COLUMNS))
    ws.row_dimensions[2].height = 30
    legend = [(f"{s.zh}\n（{SEVERITY_COLOUR_ZH[s]}）", SEVERITY_FILL[s]) for s in Severity]
    legend.append(("填报单元格，未发现问题（浅黄色）", INPUT_FILL))
    put(3, 1, "图例", font=bold, border=False)
    for col, (label, colour) in enumerate(legend, start=2):
        put(3, col, label, fill=fill(colour),
            alignment=Alignment(horizontal="center", vertical="center", wrap_text=True))
    ws.row_dimensions[3].height = row_height(
        [(label, width) for (label, _), (_, width) in zip(legend, LIST_COLUMNS[1:], strict=True)],
        font_size=10, minimum=18)
    for col, (header, width) in enumerate(LIST_COLUMNS, start=1):
        cell = put(4, col, header, font=bold, fill=fill("#EDEDED"),
                   alignment=Alignment(horizontal="center", vertical="center", wrap_text=True))
        ws.column_dimensions[cell.column_letter].width = width
    ws.row_dimensions[4].height = 18
    row = LIST_FIRST_ROW
    for n, f in enumerate(sorted(ev.findings, key=lambda f: -f.severity.rank), start=1):
        put(row, 1, n, alignment=Alignment(horizontal="center", vertical="center"))
        put(row, 2, f.severity.zh, font=Font(name="宋体", size=10, bold=True, color=_argb(SEVERITY_FONT[f.severity])),
            fill=fill(SEVERITY_FILL[f.severity]), alignment=Alignment(horizontal="center", vertical="center"))
        where = f.where or "—"
        cell = put(row, 3, where)
        if f.sheet and f.cell and (f.sheet, _first_cell(f.cell)) in marked:
            quoted = f.sheet.replace("'", "''")
            cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{quoted}'!{_first_cell(f.cell)}",
                                       tooltip="转到该单元格")
            cell.font = Font(name="宋体", size=10, color="FF0563C1", underline="single")
        todo = action(f)
        put(row, 4, f.message)
        put(row, 5, todo)
        ws.row_dimensions[row].height = row_height(
            [(where, LIST_COLUMNS[2][1]), (f.message, LIST_COLUMNS[3][1]), (todo, LIST_COLUMNS[4][1])],
            font_size=10, minimum=16)
        row += 1
    if not ev.findings:
        put(row, 1, "没有发现问题。", border=False)
    ws.freeze_panes = ws.cell(LIST_FIRST_ROW, 1)
    ws.print_title_rows = f"{LIST_FIRST_ROW - 1}:{LIST_FIRST_ROW - 1}"
    ws.print_area = f"A1:{get_column_letter(len(LIST_COLUMNS))}{max(row - 1, LIST_FIRST_ROW)}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.oddHeader.left.text = header_text(f"{unit} 修改清单")
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
