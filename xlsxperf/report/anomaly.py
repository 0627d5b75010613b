"""Ratios no real department can have (over 1000%), and the cell that makes them so.

A 130493.48% execution rate is not a result but a typing slip (an amount in 元, a budget of
0.01): the printouts mark it 异常 and name the cell to look at instead of printing the figure
without a word. Pure functions over the submission and its computed figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from .. import schema as S
from ..model import Cell

if TYPE_CHECKING:
    from ..calc import Calc, IndicatorCalc
    from ..model import Submission

LIMIT_PCT = Decimal(1000)
LABEL = "异常"


@dataclass(frozen=True)
class Anomaly:
    value: Decimal  # the percent value
    cells: tuple[Cell, ...]  # where the figure that causes it was typed
    what: str  # the figure at those cells, in words

    @property
    def text(self) -> str:
        where = "、".join(str(c) for c in self.cells) or "原表数据"
        return f"{LABEL}：超过 {LIMIT_PCT}%，请核对 {where}（{self.what}）"


def _impossible(value: object) -> bool:
    return isinstance(value, Decimal) and value > LIMIT_PCT


def metric_anomaly(sub: Submission, calc: Calc, key: str) -> Anomaly | None:
    """The anomaly of a percent metric, or None when its value is possible."""
    value = calc.metrics.get(key)
    if "pct" not in key or not isinstance(value, Decimal) or not _impossible(value):
        return None
    if key.startswith("execution.rate_pct."):
        rkey = key.rsplit(".", 1)[1]
        label = dict(S.EXECUTION.rows).get(rkey, "")
        cells = tuple(c for c in (sub[f"exec_{rkey}_actual"].cell, sub[f"exec_{rkey}_budget"].cell) if c)
        return Anomaly(value, cells, f"预算执行表·{label}全年执行数、全年预算数")
    if key.startswith("projects.by_category."):
        category = key.split(".")[2]
        wild = [p for p in calc.projects if p.category == category and _impossible(p.execution_rate_pct)]
        cells = tuple(c for p in wild for c in (sub.projects.cell("actual", p.row.number),) if c)
        names = "、".join(f"“{p.name}”" if p.name else f"第 {p.row.number} 行" for p in wild)
        return Anomaly(value, cells, f"项目 {names} 的全年执行数" if wild else "该类项目的全年执行数")
    return Anomaly(value, (), "参与计算的金额")


def completion_anomaly(sub: Submission, ind: IndicatorCalc) -> Anomaly | None:
    """The anomaly of an indicator's completion rate, or None when it is possible."""
    if not _impossible(ind.completion_pct):
        return None
    table = sub.indicators
    cells = tuple(c for c in (table.cell("target", ind.row.number), table.cell("actual", ind.row.number)) if c)
    return Anomaly(ind.completion_pct, cells, f"{ind.label}的指标值、完成值")  # type: ignore[arg-type]
