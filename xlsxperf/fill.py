"""Fill the template from data: for systems that produce submissions, for samples and tests.

``fill_workbook(out, fields, projects, indicators)`` generates the template (``version``: any
version the reader knows, default the current one), writes each field through its defined
name and the table rows under their headers (``goals``: the 年度总体目标 rows of version 2),
and saves ``out``. A field or column the version does not have is a KeyError.
Values are written as given: a ``str`` stays text (even ``"414.31万元"`` or ``"=1+1"``), so
messy submissions can be built on purpose; wrap a formula in :class:`Formula` to write one.
Percent fields take percent values (``89.41``) and are stored as fractions in their
percent-formatted cells, as a spreadsheet does when ``89.41%`` is typed.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import schema as S
from .template import HEADER_ROWS, write_template


@dataclass(frozen=True)
class Formula:
    text: str  # "=SUM(B4:B9)"


def _set(ws: Any, row: int, col: int, value: Any, percent: bool = False) -> None:
    cell = ws.cell(row, col)
    if isinstance(value, Formula):
        cell.value = value.text
        return
    if percent and isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        value = Decimal(str(value)) / 100
        if "%" not in (cell.number_format or ""):
            cell.number_format = "0.00%"  # a row past the template's, formatted as Excel copies it
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text that looks like a formula stays text


def _version(wb: Any) -> int:
    """The template version of an opened template (its _meta sheet)."""
    return int(wb[S.META_SHEET]["B2"].value)


def _table(ws: Any, table: S.Table, rows: Sequence[Mapping[str, Any]],
           total: Mapping[str, Any] | None, version: int) -> None:
    header = HEADER_ROWS[table.sheet]
    columns = table.columns_in(version)
    keys = [c.key for c in columns]
    percent = {c.key for c in columns if c.kind == S.Kind.PERCENT}
    total_row = header + table.blank_rows + 1
    if table.total_row and len(rows) > table.blank_rows:
        old = total_row
        total_row = header + len(rows) + 1
        for col in range(1, len(keys) + 1):
            ws.cell(old, col).value = None
        ws.cell(total_row, keys.index("name") + 1).value = "合计"
    for i, data in enumerate(rows):
        unknown = set(data) - set(keys)
        if unknown:
            raise KeyError(f"{table.sheet}: unknown columns {sorted(unknown)} "
                           f"(template version {version})")
        for key, value in data.items():
            _set(ws, header + 1 + i, keys.index(key) + 1, value, key in percent)
    if table.total_row:
        if total is None:
            sums: dict[str, Any] = {}
            for column in columns:
                if column.total:
                    nums = [r.get(column.key) for r in rows]
                    if all(isinstance(n, Decimal) for n in nums):
                        sums[column.key] = sum((n for n in nums if isinstance(n, Decimal)), Decimal(0))
            total = sums
        for key, value in total.items():
            _set(ws, total_row, keys.index(key) + 1, value)


def fill_workbook(out: str | Path, fields: Mapping[str, Any],
                  projects: Sequence[Mapping[str, Any]] = (),
                  indicators: Sequence[Mapping[str, Any]] = (),
                  project_total: Mapping[str, Any] | None = None,
                  template: str | Path | None = None, *, version: int | None = None,
                  goals: Sequence[Mapping[str, Any]] = ()) -> Path:
    """Write a filled submission to ``out``; ``project_total`` defaults to the column sums.
    ``template``: a blank template to fill (else one of ``version`` is generated)."""
    from openpyxl import load_workbook

    out = Path(out)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(template) if template else write_template(
            Path(tmp) / "template.xlsx", version or S.TEMPLATE_VERSION)
        wb = load_workbook(source)
    version = _version(wb)
    for name, value in fields.items():
        f = S.FIELDS[name]
        if f.since > version:
            raise KeyError(f"{name}: not a field of template version {version}")
        dn = wb.defined_names[name]
        sheet, ref = next(iter(dn.destinations))
        ws = wb[sheet]
        cell = ws[ref.replace("$", "")]
        _set(ws, cell.row, cell.column, value, f.kind == S.Kind.PERCENT)
    _table(wb[S.PROJECTS], S.PROJECT_TABLE, projects, project_total, version)
    _table(wb[S.INDICATORS], S.INDICATOR_TABLE, indicators, None, version)
    if goals:
        if S.GOAL_TABLE.since > version:
            raise KeyError(f"{S.GOALS}: not a table of template version {version}")
        _table(wb[S.GOALS], S.GOAL_TABLE, goals, None, version)
    wb.save(out)
    return out
