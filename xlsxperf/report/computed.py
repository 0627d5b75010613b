"""The rows of the 计算指标 sheet: each metric as a live formula over the echo sheets.

:func:`plan_metrics` pairs every metric in :data:`xlsxperf.metrics.METRICS` with the formula it
declares (:meth:`~xlsxperf.metrics.Metric.formula`, written over the echoed cells), the value
Python computed (cached in the cell), the department's own figure where the template asks for
one, and the difference. A metric the data does not allow to compute is shown as "—" without a
formula.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .. import formulas as X
from ..metrics import METRICS, Basis, Metric
from ..scoring import grade
from ..values import round_half_up
from .echo import cached, raw_text

if TYPE_CHECKING:
    from ..calc import Calc
    from ..model import Submission, TableData
    from .echo import Echo

METRICS_SHEET = "计算指标"
FIRST_ROW = 3  # 0-based row of the first metric
VALUE_COL, TYPED_COL, DIFF_COL = "C", "D", "E"


@dataclass
class MetricRow:
    metric: Metric
    value: Decimal | str | None
    formula: str | None  # None: ``shown`` is written as plain content
    shown: Any  # the cached value of the formula, or the plain content
    typed_formula: str | None = None
    typed: Any = None
    diff_formula: str | None = None
    diff: Any = None
    words: str = ""  # the formula in words, with the configured grade bands


def metric_cells(sheet: str = METRICS_SHEET) -> dict[str, str]:
    """Metric key -> absolute reference to its computed value on the metrics sheet."""
    return {m.key: f"'{sheet}'!${VALUE_COL}${FIRST_ROW + 1 + i}" for i, m in enumerate(METRICS)}


_LOCAL = {m.key: f"${VALUE_COL}${FIRST_ROW + 1 + i}" for i, m in enumerate(METRICS)}


class _Sources:
    """The echo sheets as a metric's formula sees them; other metrics are cells of this sheet."""

    def __init__(self, echo: Echo) -> None:
        self.echo = echo

    def field_ref(self, name: str) -> str | None:
        return self.echo.field_ref(name)

    def column_range(self, table: TableData, key: str) -> str | None:
        return self.echo.column_range(table, key)

    def indicator_scores(self) -> str | None:
        return self.echo.indicator_scores()

    def metric_ref(self, key: str) -> str:
        return _LOCAL[key]


class _Planner:
    def __init__(self, sub: Submission, calc: Calc, echo: Echo,
                 floors: tuple[tuple[str, Decimal], ...]) -> None:
        self.sub, self.calc, self.echo, self.floors = sub, calc, echo, floors
        self.sources = _Sources(echo)
        self.basis = Basis(sub, calc.projects, calc.indicators, calc.budget_weight, floors,
                           dict(calc.metrics))

    def row(self, i: int, m: Metric) -> MetricRow:
        value = self.calc.metrics.get(m.key)
        formula = m.formula(self.sources, self.basis) if value is not None else None
        if m.key.startswith("grade.") and formula and formula.startswith("IF("):
            score = self.calc.metrics.get("score.self" if m.key == "grade.self" else "score.computed")
            if grade(score, self.floors) != value:  # type: ignore[arg-type]
                formula = None  # floors other than the ones given: show the figure as text
        shown = cached(value, m.unit) if value is not None else "—"
        out = MetricRow(m, value, formula, shown, words=m.describe(self.floors))
        if m.typed:
            self._typed(out, FIRST_ROW + 1 + i)
        return out

    def _typed(self, out: MetricRow, excel_row: int) -> None:
        m = out.metric
        v = self.sub[m.typed]  # type: ignore[index]
        ref = self.echo.ref(v.cell)
        typed = v.value
        if typed is not None and ref:
            out.typed_formula = ref
            out.typed = cached(Decimal(typed) if isinstance(typed, int) else
                               typed if isinstance(typed, (Decimal, str)) else str(typed), m.unit)
        elif v.raw is not None and str(v.raw).strip():
            out.typed = raw_text(v.raw)
            return
        else:
            return
        here, there = f"{VALUE_COL}{excel_row}", f"{TYPED_COL}{excel_row}"
        value = out.value
        if out.formula is None:
            return
        if isinstance(value, Decimal) and isinstance(typed, (Decimal, int)):
            places = 4 if m.unit == "%" else 2
            diff = value - Decimal(typed)
            out.diff = float(round_half_up(diff / 100 if m.unit == "%" else diff, places))
            out.diff_formula = X.difference(here, there, places)
        elif isinstance(value, str) and isinstance(typed, str):
            out.diff = "一致" if value == typed else "不一致"
            out.diff_formula = X.same_text(here, there)


def plan_metrics(sub: Submission, calc: Calc, echo: Echo,
                 floors: tuple[tuple[str, Decimal], ...]) -> list[MetricRow]:
    planner = _Planner(sub, calc, echo, floors)
    return [planner.row(i, m) for i, m in enumerate(METRICS)]
