"""The common indicators (共性指标) of a 部门整体 evaluation, as a reference for the reviewer
(复核参考): their values this year and last year, the change, and a score by the bands a
profile defines. Pure; nothing here is a finding, and nothing here enters the total score.

The indicators follow 财预〔2013〕53号 (部门整体支出绩效评价共性指标体系框架); each is one metric
of :mod:`xlsxperf.metrics`. Scoring bands differ from province to province and none is
national; a profile may carry one scheme in its ``[common_indicators]`` section::

    [common_indicators]
    note = "示例评分档次，不是全国统一标准"

    [common_indicators.staff_control]       # 人员控制率: linear
    weight = 5
    worse = "above"       # values above `full` lose points ("below": values below it)
    full = 100
    per_point = 0.5       # points lost per percentage point beyond `full`

    [common_indicators.budget_adjustment]   # 预算调整率: steps
    weight = 5
    worse = "above"
    absolute = true       # the size of the change, whether up or down
    steps = [[0, 5], [10, 4], [20, 3], [30, 2]]   # at most 0% → 5, at most 10% → 4 …; beyond: 0

:func:`parse_scheme` reads that section (a :class:`ValueError` names the bad key);
:func:`reference` gives the rows of the 复核参考.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .formulas import num
from .values import round_half_up

ZERO = Decimal(0)


@dataclass(frozen=True)
class Common:
    """One common indicator (共性指标): its key, metric and label."""

    key: str  # the name of its section in a profile
    metric: str  # the metric holding its value
    label: str
    words: str  # the formula in words


COMMON: tuple[Common, ...] = (
    Common("staff_control", "staff.control_rate_pct", "人员控制率",
           "期末实有人数合计 ÷ 核定编制合计 × 100%"),
    Common("budget_adjustment", "execution.adjustment_rate_pct", "预算调整率",
           "（全年预算数 − 年初预算数）÷ 年初预算数 × 100%"),
    Common("balance", "balance.rate_pct", "结转结余率", "年末结转和结余 ÷ 全年预算数 × 100%"),
    Common("execution", "execution.rate_pct.total", "预算执行率", "全年执行数 ÷ 全年预算数 × 100%"),
    Common("project_share", "expenditure.share_pct.project", "项目支出占比",
           "项目支出 ÷ 支出合计 × 100%"),
)
BY_KEY = {c.key: c for c in COMMON}


@dataclass(frozen=True)
class Band:
    """How one common indicator is scored: linearly from ``full``, or by ``steps``."""

    weight: Decimal
    worse: str  # "above": higher values lose points; "below": lower values do
    full: Decimal | None = None
    per_point: Decimal = ZERO
    steps: tuple[tuple[Decimal, Decimal], ...] = ()  # (limit, score), best limit first
    absolute: bool = False

    def score(self, value: Decimal) -> Decimal:
        v = abs(value) if self.absolute else value
        if self.steps:
            got = next((s for limit, s in self.steps
                        if (v <= limit if self.worse == "above" else v >= limit)), ZERO)
        else:
            assert self.full is not None
            excess = v - self.full if self.worse == "above" else self.full - v
            got = self.weight - max(ZERO, excess) * self.per_point
        return round_half_up(min(self.weight, max(ZERO, got)))

    def formula(self, value: str) -> str:
        """:meth:`score` as an Excel formula over ``value``, a percent value (96.03)."""
        v = f"ABS({value})" if self.absolute else value
        w = num(self.weight)
        if self.steps:
            sign = "<=" if self.worse == "above" else ">="
            expr = "0"
            for limit, s in reversed(self.steps):
                expr = f"IF({v}{sign}{num(limit)},{num(s)},{expr})"
            return expr
        assert self.full is not None
        excess = f"{v}-{num(self.full)}" if self.worse == "above" else f"{num(self.full)}-{v}"
        return f"ROUND(MIN({w},MAX(0,{w}-MAX(0,{excess})*{num(self.per_point)})),2)"

    def describe(self) -> str:
        """The band in words: “不超过 100% 得满分 5 分，每超过 1 个百分点扣 0.5 分”."""
        size = "（按绝对值，调增调减同样计）" if self.absolute else ""
        if self.steps:
            sign = "≤" if self.worse == "above" else "≥"
            parts = [f"{sign} {num(limit)}% 得 {num(s)} 分" for limit, s in self.steps]
            return "；".join(parts) + f"；其余 0 分{size}（满分 {num(self.weight)} 分）"
        assert self.full is not None
        if self.worse == "above":
            return (f"不超过 {num(self.full)}% 得满分 {num(self.weight)} 分，每超过 1 个百分点扣 "
                    f"{num(self.per_point)} 分，扣完为止{size}")
        return (f"达到 {num(self.full)}% 得满分 {num(self.weight)} 分，每低 1 个百分点扣 "
                f"{num(self.per_point)} 分，扣完为止{size}")


@dataclass(frozen=True)
class Scheme:
    """A profile's scoring bands for the common indicators."""

    note: str = ""
    bands: dict[str, Band] = field(default_factory=dict)


def _dec(value: Any, where: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise ValueError(f"{where} 应为数字，实际为 {value!r}（must be a number）")
    return Decimal(value)


BAND_KEYS = {"weight", "worse", "full", "per_point", "steps", "absolute"}


def parse_band(data: Any, where: str) -> Band:
    if not isinstance(data, dict):
        raise ValueError(f"{where} 应为一个表（a table）")
    unknown = sorted(set(data) - BAND_KEYS)
    if unknown:
        raise ValueError(f"{where} 中有未知的键 {', '.join(unknown)}（可用：{', '.join(sorted(BAND_KEYS))}）")
    weight = _dec(data.get("weight"), f"{where}.weight")
    worse = data.get("worse")
    if worse not in ("above", "below"):
        raise ValueError(f"{where}.worse 应为 \"above\"（越高越差）或 \"below\"（越低越差）")
    absolute = data.get("absolute", False)
    if not isinstance(absolute, bool):
        raise ValueError(f"{where}.absolute 应为 true 或 false")
    if weight <= 0:
        raise ValueError(f"{where}.weight 应大于 0（must be positive）")
    if "steps" in data:
        if "full" in data or "per_point" in data:
            raise ValueError(f"{where}: steps 与 full / per_point 只能选一种（use either steps or "
                             f"full and per_point）")
        raw = data["steps"]
        if not isinstance(raw, list) or not raw or not all(
                isinstance(s, list) and len(s) == 2 for s in raw):
            raise ValueError(f"{where}.steps 应为 [[界限, 得分], ...]（a list of [limit, score]）")
        steps = tuple((_dec(a, f"{where}.steps"), _dec(b, f"{where}.steps")) for a, b in raw)
        limits = [a for a, _ in steps]
        ordered = sorted(limits) if worse == "above" else sorted(limits, reverse=True)
        if limits != ordered or len(set(limits)) != len(limits):
            raise ValueError(f"{where}.steps 的界限应从最好到最差排列（limits must go from best to worst）")
        if any(s < 0 or s > weight for _, s in steps):
            raise ValueError(f"{where}.steps 的得分应在 0 与 weight 之间（scores must be within 0..weight）")
        return Band(weight, worse, steps=steps, absolute=absolute)
    if "full" not in data or "per_point" not in data:
        raise ValueError(f"{where}: 需要 steps，或 full 与 per_point（needs steps, or full and per_point）")
    per_point = _dec(data["per_point"], f"{where}.per_point")
    if per_point < 0:
        raise ValueError(f"{where}.per_point 不能为负数（must not be negative）")
    return Band(weight, worse, _dec(data["full"], f"{where}.full"), per_point, absolute=absolute)


def parse_scheme(data: Any, where: str) -> Scheme:
    """A ``[common_indicators]`` section; ValueError naming ``where`` and the key when bad."""
    section = f"{where}: [common_indicators]"
    if not isinstance(data, dict):
        raise ValueError(f"{section} 应为一个表（a table）")
    note = data.get("note", "")
    if not isinstance(note, str):
        raise ValueError(f"{section} note 应为文字（must be text）")
    unknown = sorted(set(data) - {"note", *BY_KEY})
    if unknown:
        raise ValueError(f"{section} 中有未知的键 {', '.join(unknown)}（可用：note, {', '.join(BY_KEY)}）")
    bands = {k: parse_band(v, f"{section} {k}") for k, v in data.items() if k != "note"}
    return Scheme(note, bands)


# -- the reference rows -----------------------------------------------------------------------


@dataclass(frozen=True)
class ReferenceRow:
    """One common indicator on 复核参考: this year's and last year's value, the profile's band, scores."""

    common: Common
    value: Decimal | None
    last: Decimal | None  # last year's value; None when unpaired or not computable
    band: Band | None
    score: Decimal | None
    last_score: Decimal | None

    @property
    def change(self) -> Decimal | None:
        """The change on last year, in percentage points."""
        return self.value - self.last if self.value is not None and self.last is not None else None


def _decimal(v: Any) -> Decimal | None:
    return v if isinstance(v, Decimal) else None


def reference(metrics: dict[str, Any], last: dict[str, Any] | None,
              scheme: Scheme | None) -> list[ReferenceRow]:
    """Each common indicator: this year's value (``metrics``), last year's (``last``), and the
    reference scores of both years by ``scheme``'s band, when it has one."""
    rows = []
    for c in COMMON:
        value = _decimal(metrics.get(c.metric))
        before = _decimal(last.get(c.metric)) if last is not None else None
        band = scheme.bands.get(c.key) if scheme is not None else None
        rows.append(ReferenceRow(
            c, value, before, band,
            band.score(value) if band is not None and value is not None else None,
            band.score(before) if band is not None and before is not None else None))
    return rows
