"""Submission -> the computed figures: per project, per indicator, and every metric. Pure.

:func:`compute` derives the per-row figures (a project's execution rate and unspent money, an
indicator's completion and computed score, by :mod:`xlsxperf.scoring`) and then every metric of
:mod:`xlsxperf.metrics`, the JSON contract's ``metrics`` (SPEC section 6).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from . import schema as S
from .config import Config
from .metrics import Basis, MetricValue, compute_metrics
from .model import Row, Submission
from .scoring import Bands, completion_pct, indicator_score, met, pct
from .values import json_number


@dataclass
class ProjectCalc:
    """One project row's computed figures."""

    row: Row
    name: str | None
    category: str | None  # personnel / operating / special
    execution_rate_pct: Decimal | None
    unspent: Decimal | None  # 全年预算数 − 全年执行数

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "category": self.category, "row": self.row.number,
                "budget": json_number(self.row.get("budget")), "actual": json_number(self.row.get("actual")),
                "execution_rate_pct": json_number(self.execution_rate_pct)}


@dataclass
class IndicatorCalc:
    """One indicator row's computed completion and score."""

    row: Row
    name: str | None
    level1: str | None
    nature: str | None
    weight: Decimal | None
    score_self: Decimal | None
    score_computed: Decimal | None
    completion_pct: Decimal | None
    met: bool | None
    target: Decimal | str | None = None  # the 指标值 scored against: 调整后指标值 when given

    @property
    def label(self) -> str:
        """How messages name it: “its name”, or its row when it has none."""
        return f"“{self.name}”" if self.name else f"第 {self.row.number} 行指标"

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "level1": self.level1, "nature": self.nature,
                "row": self.row.number, "weight": json_number(self.weight),
                "completion_pct": json_number(self.completion_pct),
                "score_self": json_number(self.score_self), "score_computed": json_number(self.score_computed),
                "met": self.met}


@dataclass
class Calc:
    """Every computed figure of one submission."""

    metrics: dict[str, MetricValue]
    projects: list[ProjectCalc]
    indicators: list[IndicatorCalc]
    budget_weight: Decimal
    grades: tuple[tuple[str, Decimal], ...] = ()
    bands: Bands | None = None  # the profile's 定性 bands the scores were computed with

    def basis(self, sub: Submission) -> Basis:
        """The metrics' inputs, with every metric's value already known."""
        return Basis(sub, self.projects, self.indicators, self.budget_weight, self.grades,
                     dict(self.metrics))


def project_figures(sub: Submission) -> list[ProjectCalc]:
    out = []
    for row in sub.projects.rows:
        budget, actual = row.decimal("budget"), row.decimal("actual")
        out.append(ProjectCalc(
            row, row.text("name"), S.CATEGORY_KEYS.get(row.text("category") or ""),
            pct(actual, budget),
            budget - actual if budget is not None and actual is not None else None))
    return out


def scored_target(row: Row) -> Decimal | str | None:
    """The 指标值 an indicator is scored against: its 调整后指标值 (template v2) when that is a
    number, else its 指标值."""
    adjusted = row.measure("target_adjusted")
    return adjusted if isinstance(adjusted, Decimal) else row.measure("target")


def indicator_figures(sub: Submission, bands: Bands | None = None) -> list[IndicatorCalc]:
    out = []
    for row in sub.indicators.rows:
        nature, target, actual = row.text("nature"), scored_target(row), row.measure("actual")
        weight, own = row.decimal("weight"), row.decimal("score")
        out.append(IndicatorCalc(
            row, row.text("name"), row.text("level1"), nature, weight, own,
            indicator_score(nature, target, actual, weight, own, bands),
            completion_pct(nature, target, actual)
            if isinstance(target, Decimal) and isinstance(actual, Decimal) else None,
            met(nature, target, actual), target))
    return out


def compute(sub: Submission, config: Config) -> Calc:
    """Every metric and the per-project and per-indicator figures."""
    weight = sub.amount("budget_weight")
    weight = weight if weight is not None else config.profile.budget_weight
    bands = config.profile.bands
    projects, indicators = project_figures(sub), indicator_figures(sub, bands)
    metrics = compute_metrics(Basis(sub, projects, indicators, weight, config.grades))
    return Calc(metrics, projects, indicators, weight, config.grades, bands)
