"""What the sheet writers of one evaluation workbook share: the evaluation, the workbook and
its formats, the configuration, the echo sheets and the rows of 计算指标."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from . import cells
from .computed import FIRST_ROW, METRICS_SHEET, MetricRow
from .styles import Styles

if TYPE_CHECKING:
    from ..config import Config
    from ..evaluation import Evaluation
    from ..model import Cell, Finding
    from .echo import Echo

OVERVIEW = "评价总览"
FINDINGS = "问题清单"
DRAFT = "报告要点"
FINDINGS_FIRST_ROW = 3  # 0-based row of the first finding on 问题清单
MAX_LINKS = 65530  # Excel keeps at most this many links on one sheet


@dataclass
class Book:
    ev: Evaluation
    wb: Any
    st: Styles
    config: Config
    today: date = field(default_factory=date.today)
    echo: Echo | None = None
    rows: list[MetricRow] | None = None
    _links: dict[str, int] = field(default_factory=dict)  # links written, by sheet

    @property
    def floors(self) -> tuple[tuple[str, Decimal], ...]:
        return self.config.grades

    def metric_row(self, key: str) -> tuple[int, MetricRow] | None:
        for i, r in enumerate(self.rows or []):
            if r.metric.key == key:
                return i, r
        return None

    def metric_ref(self, key: str, col: str = "C") -> tuple[str | None, Any]:
        """A reference to a metric's cell on 计算指标 and the value it holds (None when empty)."""
        found = self.metric_row(key)
        if found is None:
            return None, None
        i, r = found
        value = {"C": r.shown if r.value is not None else None, "D": r.typed if r.typed_formula else None,
                 "E": r.diff if r.diff_formula else None}[col]
        if value is None:
            return None, None
        return f"'{METRICS_SHEET}'!${col}${FIRST_ROW + 1 + i}", value

    def link(self, ws: Any, row: int, col: int, label: str, sheet: str | None, ref: str | None,
             **fmt: Any) -> None:
        """``label``, linked to the echo of ``sheet!ref`` when there is one (as plain text
        beyond the number of links Excel keeps on one sheet)."""
        target = self.echo.locate(sheet, ref) if self.echo else None
        if target is not None and self._links.get(ws.name, 0) < MAX_LINKS:
            self._links[ws.name] = self._links.get(ws.name, 0) + 1
            echo_sheet, echo_ref = target
            ws.write_url(row, col, f"internal:'{echo_sheet}'!{echo_ref}", self.st("link", **fmt),
                         string=label, tip="转到原表数据中的单元格")
        else:
            cells.text(ws, row, col, label, self.st, "data", **fmt)

    def location(self, ws: Any, row: int, col: int, f: Finding, **fmt: Any) -> str:
        """The finding's sheet!cell, linked to its echo cell when there is one."""
        where = f.where or "—"
        self.link(ws, row, col, where, f.sheet, f.cell, **fmt)
        return where

    def cell_link(self, ws: Any, row: int, col: int, cell: Cell, label: str = "", **fmt: Any) -> None:
        self.link(ws, row, col, label or str(cell), cell.sheet, cell.ref, **fmt)
