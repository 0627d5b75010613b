"""The computed figures (计算指标), each declared once. Pure, no I/O.

A :class:`Metric` says everything about one figure in one place:

- ``exact``: its value from a submission, unrounded (the report-text check compares a
  department's "65.11%" with this);
- ``places``: how the published value is rounded (half-up; None: not rounded);
- ``label`` / ``words`` / ``unit``: what the 计算指标 sheet, the console and the messages call it;
- ``typed``: the field where the department states the same figure, if any;
- ``at``: the cell a reader is sent to when the figure is quoted;
- ``formula``: its live Excel formula over the echo sheets (``Sources``).

:func:`compute_metrics` loops over :data:`METRICS` for the JSON document and the rules; the
report-text check (:mod:`xlsxperf.narrative`) takes its data from :meth:`Metric.exact`; the
evaluation workbook (:mod:`xlsxperf.report.computed`) writes :meth:`Metric.formula`. Adding a
metric is adding one entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

from . import formulas as X
from . import schema as S
from .model import Cell
from .scoring import exact_budget_score, grade, grade_bands, ratio
from .values import round_half_up, sum_present

if TYPE_CHECKING:
    from .calc import IndicatorCalc, ProjectCalc
    from .model import Submission, TableData

MetricValue = Decimal | str | None
Floors = tuple[tuple[str, Decimal], ...]


@dataclass
class Basis:
    """What metrics are computed from: the submission, its per-row figures, the settings, and
    the values of the metrics computed before (``values``, rounded)."""

    sub: Submission
    projects: list[ProjectCalc]
    indicators: list[IndicatorCalc]
    budget_weight: Decimal
    grades: Floors
    values: dict[str, MetricValue] = field(default_factory=dict)

    def amount(self, name: str) -> Decimal | None:
        return self.sub.amount(name)

    def cell(self, name: str) -> Cell | None:
        return self.sub[name].cell


class Sources(Protocol):
    """References to the echoed data that formulas are written over (the evaluation workbook)."""

    def field_ref(self, name: str) -> str | None:
        """The absolute reference of a field's echoed cell."""

    def column_range(self, table: TableData, key: str) -> str | None:
        """The range of one column over a table's data rows."""

    def indicator_scores(self) -> str | None:
        """The range of the indicators' computed scores."""

    def metric_ref(self, key: str) -> str:
        """The cell holding another metric's value."""


Exact = Callable[[Basis], MetricValue]
Formula = Callable[[Sources, Basis], "str | None"]
At = Callable[[Basis], "Cell | None"]


@dataclass(frozen=True)
class Metric:
    """One computed figure, declared once (see the module's documentation)."""

    key: str
    label: str
    words: str  # the formula in words, as the 计算指标 sheet shows it
    unit: str  # 万元, %, 分, 人, or "" for a grade
    exact: Exact
    formula: Formula
    places: int | None = 2  # None: published as computed
    typed: str | None = None  # the field holding the department's own figure, if any
    at: At | None = None  # the cell a quoted figure points at

    def value(self, basis: Basis) -> MetricValue:
        """The published value: :attr:`exact`, rounded half-up to :attr:`places`."""
        v = self.exact(basis)
        if isinstance(v, Decimal) and self.places is not None:
            return round_half_up(v, self.places)
        return v

    def cell(self, basis: Basis) -> Cell | None:
        return self.at(basis) if self.at is not None else None

    def describe(self, grades: Floors) -> str:
        """:attr:`words` with the configured grade bands filled in."""
        return self.words.replace("{grades}", grade_bands(grades))


# -- building blocks ----------------------------------------------------------------------------


def _refs(src: Sources, names: list[str]) -> list[str]:
    return [r for r in (src.field_ref(n) for n in names) if r]


def _sum_formula(names: list[str]) -> Formula:
    def formula(src: Sources, b: Basis) -> str | None:
        refs = _refs(src, names)
        return X.total(refs) if refs else None

    return formula


def _field_sum(names: list[str]) -> Exact:
    return lambda b: sum_present([b.sub.number(n) for n in names])


def _field_cell(name: str) -> At:
    return lambda b: b.cell(name)


def span(sheet: str, letter: str | None, rows: list[int]) -> Cell | None:
    """The cells of one column over ``rows``: B5, B5:B7 or B5,B9."""
    if not letter or not rows:
        return None
    first, last = min(rows), max(rows)
    if first == last:
        return Cell(sheet, f"{letter}{first}")
    if sorted(rows) == list(range(first, last + 1)):
        return Cell(sheet, f"{letter}{first}:{letter}{last}")
    return Cell(sheet, ",".join(f"{letter}{r}" for r in sorted(rows)))


INCOME_FIELDS = [f"income_{k}" for k, _ in S.INCOME_SOURCES]
EXPENDITURE_FIELDS = ["exp_basic", "exp_project"]
# 财政拨款收入 in 决算 wording: the money appropriated from the three government budgets
APPROPRIATION_FIELDS = ["income_general_budget", "income_gov_fund", "income_state_capital"]


def _income_share(key: str, label: str) -> Metric:
    name = f"income_{key}"

    def exact(b: Basis) -> MetricValue:
        whole = b.values.get("income.total")
        return ratio(b.amount(name) or Decimal(0), whole) if isinstance(whole, Decimal) else None

    def formula(src: Sources, b: Basis) -> str:
        ref = src.field_ref(name)
        return X.share(f"N({ref})" if ref else "0", src.metric_ref("income.total"))

    return Metric(f"income.share_pct.{key}", f"{label}占比", f"{label} ÷ 收入合计 × 100%", "%",
                  exact, formula, at=_field_cell(name))


def _expenditure_share(key: str, label: str) -> Metric:
    name = f"exp_{key}"

    def exact(b: Basis) -> MetricValue:
        whole = b.values.get("expenditure.total")
        return ratio(b.amount(name), whole) if isinstance(whole, Decimal) else None

    def formula(src: Sources, b: Basis) -> str | None:
        ref = src.field_ref(name)
        return X.share(ref, src.metric_ref("expenditure.total")) if ref else None

    return Metric(f"expenditure.share_pct.{key}", f"{label}占比", f"{label} ÷ 支出合计 × 100%", "%",
                  exact, formula, at=_field_cell(name))


def _share_formula(part: str, whole: str) -> Formula:
    """part ÷ whole of two fields, as a percent rounded like the metric."""
    def formula(src: Sources, b: Basis) -> str | None:
        a, w = src.field_ref(part), src.field_ref(whole)
        return X.share(a, w) if a and w else None

    return formula


def _grand_total(key: str, label: str, words: str, total: str, balance: str, at: str) -> Metric:
    """收入总计 / 支出总计 (决算 wording): this year's total and the balance carried in or out."""
    def exact(b: Basis) -> MetricValue:
        whole, carried = b.values.get(total), b.sub.number(balance)
        return whole + carried if isinstance(whole, Decimal) and carried is not None else None

    def formula(src: Sources, b: Basis) -> str | None:
        ref = src.field_ref(balance)
        return f"{src.metric_ref(total)}+{ref}" if ref else None

    return Metric(key, label, words, "万元", exact, formula, places=None, at=_field_cell(at))


def _execution_rate(row: str, label: str) -> Metric:
    actual, budget = f"exec_{row}_actual", f"exec_{row}_budget"
    return Metric(f"execution.rate_pct.{row}", f"{label}预算执行率",
                  f"{label}全年执行数 ÷ 全年预算数 × 100%", "%",
                  lambda b: ratio(b.amount(actual), b.amount(budget)), _share_formula(actual, budget),
                  typed=f"exec_{row}_rate", at=_field_cell(actual))


def _category_rate(label: str, key: str) -> Metric:
    def mine(b: Basis) -> list[ProjectCalc]:
        return [p for p in b.projects if p.category == key]

    def exact(b: Basis) -> MetricValue:
        rows = mine(b)
        return ratio(sum_present([p.row.decimal("actual") for p in rows]),
                     sum_present([p.row.decimal("budget") for p in rows]))

    def formula(src: Sources, b: Basis) -> str | None:
        table = b.sub.projects
        cats, acts, buds = (src.column_range(table, k) for k in ("category", "actual", "budget"))
        if not (cats and acts and buds):
            return None
        return X.share(f'SUMIF({cats},"{label}",{acts})', f'SUMIF({cats},"{label}",{buds})')

    def at(b: Basis) -> Cell | None:
        table = b.sub.projects
        return span(table.sheet, table.columns.get("actual"), [p.row.number for p in mine(b)])

    return Metric(f"projects.by_category.{key}.execution_rate_pct", f"{label}项目执行率",
                  f"{label}项目全年执行数之和 ÷ 全年预算数之和 × 100%", "%", exact, formula, at=at)


def _staff_total(prefix: str, label: str, words: str) -> Metric:
    names = [f"{prefix}_{k}" for k, _ in S.STAFF_CATEGORIES]
    return Metric(f"staff.{'quota' if prefix == 'quota' else 'actual'}_total", label, words, "人",
                  _field_sum(names), _sum_formula(names), places=None, typed=f"{prefix}_total")


def _metric_ratio(part: str, whole: str) -> Exact:
    """part ÷ whole × 100 of two metrics computed before."""
    def exact(b: Basis) -> MetricValue:
        p, w = b.values.get(part), b.values.get(whole)
        return ratio(p, w) if isinstance(p, Decimal) and isinstance(w, Decimal) else None

    return exact


def _metric_share(part: str, whole: str) -> Formula:
    """The Excel formula of :func:`_metric_ratio`: part ÷ whole × 100 over their cells."""
    return lambda src, b: X.share(src.metric_ref(part), src.metric_ref(whole))


def _adjustment(b: Basis) -> MetricValue:
    initial, budget = b.amount("exec_total_initial"), b.amount("exec_total_budget")
    return ratio(budget - initial, initial) if initial is not None and budget is not None else None


def _adjustment_formula(src: Sources, b: Basis) -> str | None:
    initial, budget = src.field_ref("exec_total_initial"), src.field_ref("exec_total_budget")
    return X.share(f"({budget}-{initial})", initial) if initial and budget else None


def _budget_score(b: Basis) -> MetricValue:
    return exact_budget_score(b.amount("exec_total_actual"), b.amount("exec_total_budget"),
                              b.budget_weight)


def _budget_score_formula(src: Sources, b: Basis) -> str | None:
    a, w = src.field_ref("exec_total_actual"), src.field_ref("exec_total_budget")
    weight = src.field_ref("budget_weight") if b.amount("budget_weight") is not None \
        else X.num(b.budget_weight)
    return X.budget_score(a, w, weight) if a and w and weight else None


def _computed_score(b: Basis) -> MetricValue:
    parts = [b.values.get("score.budget_computed")] + [i.score_computed for i in b.indicators]
    if not b.indicators or not all(isinstance(p, Decimal) for p in parts):
        return None
    return sum((p for p in parts if isinstance(p, Decimal)), Decimal(0))


def _computed_score_formula(src: Sources, b: Basis) -> str | None:
    scores = src.indicator_scores()
    return f"ROUND({src.metric_ref('score.budget_computed')}+SUM({scores}),2)" if scores else None


def _grade_of(score_key: str) -> Exact:
    def exact(b: Basis) -> MetricValue:
        score = b.values.get(score_key)
        return grade(score, b.grades) if isinstance(score, Decimal) else None

    return exact


def _grade_formula(score_key: str) -> Formula:
    return lambda src, b: X.grade(src.metric_ref(score_key), b.grades)


def _self_grade(b: Basis) -> MetricValue:
    declared = b.sub.get("self_grade")
    return declared if isinstance(declared, str) and declared in S.GRADES \
        else _grade_of("score.self")(b)


def _self_grade_formula(src: Sources, b: Basis) -> str | None:
    if b.sub.get("self_grade") in S.GRADES:
        return src.field_ref("self_grade")
    return _grade_formula("score.self")(src, b)


METRICS: tuple[Metric, ...] = (
    Metric("income.total", "收入合计", "各项收入之和", "万元", _field_sum(INCOME_FIELDS),
           _sum_formula(INCOME_FIELDS), places=None, typed="income_total"),
    *(_income_share(k, label) for k, label in S.INCOME_SOURCES),
    Metric("income.fiscal_appropriation", "财政拨款收入",
           "一般公共预算 + 政府性基金预算 + 国有资本经营预算财政拨款收入", "万元",
           _field_sum(APPROPRIATION_FIELDS), _sum_formula(APPROPRIATION_FIELDS), places=None,
           at=_field_cell("income_general_budget")),
    Metric("income.share_pct.fiscal_appropriation", "财政拨款收入占比", "财政拨款收入 ÷ 收入合计 × 100%",
           "%", _metric_ratio("income.fiscal_appropriation", "income.total"),
           _metric_share("income.fiscal_appropriation", "income.total"),
           at=_field_cell("income_general_budget")),
    _grand_total("income.grand_total", "收入总计", "收入合计 + 年初结转和结余", "income.total",
                 "balance_start", "income_total"),
    Metric("expenditure.total", "支出合计", "基本支出 + 项目支出", "万元", _field_sum(EXPENDITURE_FIELDS),
           _sum_formula(EXPENDITURE_FIELDS), places=None, typed="exp_total"),
    _expenditure_share("basic", "基本支出"),
    _expenditure_share("project", "项目支出"),
    _grand_total("expenditure.grand_total", "支出总计", "支出合计 + 年末结转和结余",
                 "expenditure.total", "balance_end", "exp_total"),
    *(_execution_rate(row, label) for row, label in S.EXECUTION.rows),
    Metric("execution.adjustment_rate_pct", "预算调整率",
           "（合计全年预算数 − 合计年初预算数）÷ 合计年初预算数 × 100%", "%", _adjustment,
           _adjustment_formula, at=_field_cell("exec_total_budget")),
    *(_category_rate(label, key) for label, key in S.CATEGORY_KEYS.items()),
    Metric("balance.rate_pct", "结转结余率", "年末结转和结余 ÷ 预算执行表合计全年预算数 × 100%", "%",
           lambda b: ratio(b.amount("balance_end"), b.amount("exec_total_budget")),
           _share_formula("balance_end", "exec_total_budget"), at=_field_cell("balance_end")),
    _staff_total("quota", "核定编制合计", "行政编制 + 事业编制 + 工勤编制"),
    _staff_total("staff", "期末实有人数合计", "实有行政 + 事业 + 工勤人员"),
    Metric("staff.control_rate_pct", "人员控制率", "期末实有人数合计 ÷ 核定编制合计 × 100%", "%",
           _metric_ratio("staff.actual_total", "staff.quota_total"),
           _metric_share("staff.actual_total", "staff.quota_total"),
           at=_field_cell("staff_total")),
    Metric("score.budget_computed", "预算执行率得分",
           "min(权重, 预算执行率 × 权重)，执行率 = 合计全年执行数 ÷ 全年预算数", "分",
           _budget_score, _budget_score_formula, typed="budget_score"),
    Metric("score.self", "自评总分", "部门填报的自评总分", "分", lambda b: b.amount("self_total"),
           lambda src, b: src.field_ref("self_total"), places=None),
    Metric("score.computed", "计算总分", "预算执行率得分 + 各指标计算得分之和", "分", _computed_score,
           _computed_score_formula, typed="self_total"),
    Metric("grade.self", "自评等级", "部门填报的评价等级；未填写时按自评总分确定", "", _self_grade,
           _self_grade_formula, places=None, typed="self_grade"),
    Metric("grade.computed", "计算等级", "按计算总分：{grades}", "",
           _grade_of("score.computed"), _grade_formula("score.computed"), places=None,
           typed="self_grade"),
)

BY_KEY: dict[str, Metric] = {m.key: m for m in METRICS}


def compute_metrics(basis: Basis) -> dict[str, MetricValue]:
    """Every metric's published value, in catalogue order (later ones may use earlier ones)."""
    for m in METRICS:
        basis.values[m.key] = m.value(basis)
    return dict(basis.values)
