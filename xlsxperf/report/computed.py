"""The rows of the 计算指标 sheet: each metric as a live formula over the echo sheets.

:func:`plan_metrics` pairs every metric in :data:`xlsxperf.evaluate.METRICS` with the formula
that computes it from the echoed cells, the value Python computed (cached in the cell), the
department's own figure where the template asks for one, and the difference. A metric the
data does not allow to compute is shown as "—" without a formula.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .. import schema as S
from ..evaluate import INCOME_KEYS, METRICS, MetricDef
from ..scoring import grade
from ..values import round_half_up
from . import formulas as X
from .echo import cached, raw_text

if TYPE_CHECKING:
    from ..evaluate import Calc
    from ..model import Submission
    from .echo import Echo

METRICS_SHEET = "计算指标"
FIRST_ROW = 3  # 0-based row of the first metric
VALUE_COL, TYPED_COL, DIFF_COL = "C", "D", "E"


@dataclass
class MetricRow:
    metric: MetricDef
    value: Decimal | str | None
    formula: str | None  # None: ``shown`` is written as plain content
    shown: Any  # the cached value of the formula, or the plain content
    typed_formula: str | None = None
    typed: Any = None
    diff_formula: str | None = None
    diff: Any = None


def metric_cells(sheet: str = METRICS_SHEET) -> dict[str, str]:
    """Metric key -> absolute reference to its computed value on the metrics sheet."""
    return {m.key: f"'{sheet}'!${VALUE_COL}${FIRST_ROW + 1 + i}" for i, m in enumerate(METRICS)}


def _local(key: str) -> str:
    i = next(i for i, m in enumerate(METRICS) if m.key == key)
    return f"${VALUE_COL}${FIRST_ROW + 1 + i}"


class _Planner:
    def __init__(self, sub: Submission, calc: Calc, echo: Echo,
                 floors: tuple[tuple[str, Decimal], ...]) -> None:
        self.sub, self.calc, self.echo, self.floors = sub, calc, echo, floors

    def refs(self, names: list[str]) -> list[str]:
        return [r for r in (self.echo.field_ref(n) for n in names) if r]

    def formula(self, m: MetricDef) -> str | None:
        key, sub, echo = m.key, self.sub, self.echo
        if key == "income.total":
            refs = self.refs([f"income_{k}" for k in INCOME_KEYS])
            return X.total(refs) if refs else None
        if key.startswith("income.share_pct."):
            ref = echo.field_ref(f"income_{key.rsplit('.', 1)[1]}")
            return X.share(f"N({ref})" if ref else "0", _local("income.total"))
        if key == "expenditure.total":
            refs = self.refs(["exp_basic", "exp_project"])
            return X.total(refs) if refs else None
        if key.startswith("expenditure.share_pct."):
            ref = echo.field_ref(f"exp_{key.rsplit('.', 1)[1]}")
            return X.share(ref, _local("expenditure.total")) if ref else None
        if key.startswith("execution.rate_pct."):
            rkey = key.rsplit(".", 1)[1]
            a, b = echo.field_ref(f"exec_{rkey}_actual"), echo.field_ref(f"exec_{rkey}_budget")
            return X.share(a, b) if a and b else None
        if key.startswith("projects.by_category."):
            category = next(label for label, k in S.CATEGORY_KEYS.items() if k == key.split(".")[2])
            table = sub.projects
            cats, acts, buds = (echo.column_range(table, k) for k in ("category", "actual", "budget"))
            if not (cats and acts and buds):
                return None
            return X.share(f'SUMIF({cats},"{category}",{acts})', f'SUMIF({cats},"{category}",{buds})')
        if key in ("staff.quota_total", "staff.actual_total"):
            prefix = "quota" if key == "staff.quota_total" else "staff"
            refs = self.refs([f"{prefix}_{k}" for k in ("admin", "institution", "worker")])
            return X.total(refs) if refs else None
        if key == "score.budget_computed":
            a, b = echo.field_ref("exec_total_actual"), echo.field_ref("exec_total_budget")
            w = echo.field_ref("budget_weight") if sub.amount("budget_weight") is not None \
                else X.num(self.calc.budget_weight)
            return X.budget_score(a, b, w) if a and b and w else None
        if key == "score.self":
            return echo.field_ref("self_total")
        if key == "score.computed":
            scores = echo.indicator_scores()
            return f"ROUND({_local('score.budget_computed')}+SUM({scores}),2)" if scores else None
        if key == "grade.self":
            if sub.get("self_grade") in S.GRADES:
                return echo.field_ref("self_grade")
            return self._grade("score.self")
        if key == "grade.computed":
            return self._grade("score.computed")
        return None

    def _grade(self, score_key: str) -> str | None:
        score = self.calc.metrics.get(score_key)
        if not isinstance(score, Decimal):
            return None
        return X.grade(_local(score_key), self.floors)

    def row(self, i: int, m: MetricDef) -> MetricRow:
        value = self.calc.metrics.get(m.key)
        formula = self.formula(m) if value is not None else None
        if m.key.startswith("grade.") and formula and formula.startswith("IF("):
            score = self.calc.metrics.get("score.self" if m.key == "grade.self" else "score.computed")
            if grade(score, self.floors) != value:  # type: ignore[arg-type]
                formula = None  # floors other than the ones given: show the figure as text
        shown = cached(value, m.unit) if value is not None else "—"
        out = MetricRow(m, value, formula, shown)
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
            out.typed = cached(Decimal(typed) if isinstance(typed, int) else typed, m.unit)
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
