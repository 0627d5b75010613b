"""An annotated copy of a submission: each finding's cell filled by severity, with a note.

The copy is made from the submission itself with openpyxl and saved to a new path; the input
file is only read. openpyxl cannot keep a formula together with its computed value, so a
formula whose value the input file holds is kept as that value: the copy then reads exactly as
the original did (a formula saved without a value stays a formula, and stays unreadable).
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..model import Finding
from . import marker
from .styles import SEVERITY_FILL

if TYPE_CHECKING:
    from ..evaluate import Evaluation

COMMENT_AUTHOR = "xlsxperf"


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
    for (sheet, ref), findings in _by_cell(ev.findings).items():
        if sheet not in wb.sheetnames:
            continue
        try:
            cell = wb[sheet][ref]
        except (KeyError, ValueError, AttributeError):
            continue
        _mark(cell, findings)
    wb.save(path)
    marker.seal(path)
    return path


def _by_cell(findings: list[Finding]) -> dict[tuple[str, str], list[Finding]]:
    out: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        if f.sheet and f.cell:
            out.setdefault((f.sheet, f.cell.replace("$", "").split(":")[0]), []).append(f)
    return out


def _freeze_formulas(wb: Any, values: Any) -> None:
    """Replace every formula that has a saved value by that value."""
    for ws in wb.worksheets:
        cached = values[ws.title]
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type != "f":
                    continue
                value = cached.cell(cell.row, cell.column).value
                if value is None:
                    continue
                cell.value = value
                if isinstance(value, str):
                    cell.data_type = "s"  # a saved text result that starts with "=" stays text


def _mark(cell: Any, findings: list[Finding]) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    if not hasattr(cell, "column_letter") or type(cell).__name__ == "MergedCell":
        return
    worst = max((f.severity for f in findings), key=lambda s: s.rank)
    color = "FF" + SEVERITY_FILL[worst].lstrip("#")
    cell.fill = PatternFill(fill_type="solid", start_color=color, end_color=color)
    text = "\n".join(f"【{f.severity.zh}】{f.code} {f.message}" for f in findings)
    if cell.comment is not None and cell.comment.text:
        text = cell.comment.text.rstrip() + "\n" + text
    comment = Comment(text, COMMENT_AUTHOR)
    comment.width = 360
    comment.height = min(400, 60 + 18 * text.count("\n") + len(text) // 2)
    cell.comment = comment


