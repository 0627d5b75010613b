"""The official scoring formulas (SPEC section 5). Pure functions over Decimal.

- 预算执行率 = 全年执行数 / 全年预算数 (the adjusted budget); its score = min(w, 执行率 × w).
- ≥ and = indicators: 完成值 ≥ 指标值 → full weight, else weight × 完成值 / 指标值;
  = with 指标值 0: 完成值 ≤ 0 → full, else 0.
- ≤ indicators: 完成值 ≤ 指标值 → full; up to twice the target the score falls linearly;
  from twice the target it is 0.
- 定性 indicators: each level scores within a band of the weight, which the profile sets
  (:class:`Bands`); by default (财预〔2020〕10号) 达成 → [80%, 100%], 部分达成 → [60%, 80%),
  未达成 → [0, 60%). The computed score is the self-score clamped into its band.
- Scores round half-up to 2 decimals; an indicator never scores above its weight.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from .schema import GRADES, MET_LEVEL, QUALITATIVE_LEVELS
from .schema import Nature as N
from .values import round_half_up

ZERO = Decimal(0)
LOWEST_GRADE = GRADES[-1]  # the grade below every floor (差)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
Bands = Mapping[str, tuple[Decimal, Decimal]]  # level -> (low, high) share of the weight


def bands_from_floors(met: Decimal, partly: Decimal) -> dict[str, tuple[Decimal, Decimal]]:
    """The three bands from the lower bounds of 达成 and 部分达成, in percent of the weight:
    达成 [met, 100], 部分达成 [partly, met), 未达成 [0, partly)."""
    m, p = met / HUNDRED, partly / HUNDRED
    return {MET_LEVEL: (m, Decimal(1)), QUALITATIVE_LEVELS[1]: (p, m), QUALITATIVE_LEVELS[2]: (ZERO, p)}


BANDS: Bands = bands_from_floors(Decimal(80), Decimal(60))  # high is exclusive except for 达成


def ratio(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    """part ÷ whole × 100, unrounded; None when undefined."""
    if part is None or whole is None or whole == 0:
        return None
    return part / whole * HUNDRED


def pct(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    """part / whole as a percent value rounded to 2 decimals; None when undefined."""
    exact = ratio(part, whole)
    return None if exact is None else round_half_up(exact)


def exact_budget_score(actual: Decimal | None, budget: Decimal | None, weight: Decimal
                       ) -> Decimal | None:
    """min(weight, 执行率 × weight), unrounded; None without a positive budget."""
    if actual is None or budget is None or budget <= 0:
        return None
    return min(weight, actual / budget * weight)


def budget_score(actual: Decimal | None, budget: Decimal | None, weight: Decimal
                 ) -> Decimal | None:
    """:func:`exact_budget_score` rounded to 2 decimals."""
    exact = exact_budget_score(actual, budget, weight)
    return None if exact is None else round_half_up(exact)


def completion_pct(nature: str | None, target: Decimal, actual: Decimal) -> Decimal | None:
    """How far an indicator got: 完成值 / 指标值 (≥, =), 指标值 / 完成值 (≤), in percent."""
    if nature in (N.AT_LEAST, N.EQUAL):
        return pct(actual, target) if target > 0 else None
    if nature == N.AT_MOST:
        return pct(target, actual) if actual > 0 else None
    return None


def met(nature: str | None, target: Decimal | str | None, actual: Decimal | str | None
        ) -> bool | None:
    """Whether an indicator reached its target; None when it cannot be told."""
    if nature == N.QUALITATIVE:  # words that are no level (完成, 好) cannot be told
        return actual == MET_LEVEL if actual in QUALITATIVE_LEVELS else None
    if not isinstance(target, Decimal) or not isinstance(actual, Decimal):
        return None
    if nature == N.AT_MOST or (nature == N.EQUAL and target == 0):
        return actual <= target
    if nature in (N.AT_LEAST, N.EQUAL):
        return actual >= target
    return None


def quantitative_score(nature: str, target: Decimal, actual: Decimal, weight: Decimal
                       ) -> Decimal | None:
    if nature == N.EQUAL and target == 0:
        return round_half_up(weight if actual <= 0 else ZERO)
    if nature in (N.AT_LEAST, N.EQUAL):
        if actual >= target:
            return round_half_up(weight)
        if target <= 0:
            return None
        return round_half_up(max(ZERO, weight * actual / target))
    if nature == N.AT_MOST:
        if actual <= target:
            return round_half_up(weight)
        if target <= 0 or actual >= 2 * target:
            return round_half_up(ZERO)
        return round_half_up(weight * (1 - (actual - target) / target))
    return None


def band(level: str, weight: Decimal, bands: Bands | None = None
         ) -> tuple[Decimal, Decimal] | None:
    """The closed score band of a 定性 level, at 2-decimal precision."""
    bands = BANDS if bands is None else bands
    if level not in bands:
        return None
    low, high = bands[level]
    top = weight * high if level == MET_LEVEL else weight * high - CENT
    return round_half_up(weight * low), round_half_up(max(top, weight * low))


def qualitative_score(level: str, weight: Decimal, self_score: Decimal | None,
                      bands: Bands | None = None) -> Decimal | None:
    """The self-score clamped into the band of ``level`` (its low end when not scored)."""
    b = band(level, weight, bands)
    if b is None:
        return None
    low, high = b
    if self_score is None:
        return low
    return min(high, max(low, round_half_up(self_score)))


def indicator_score(nature: str | None, target: Decimal | str | None,
                    actual: Decimal | str | None, weight: Decimal | None,
                    self_score: Decimal | None, bands: Bands | None = None) -> Decimal | None:
    """The computed score of one indicator; never above its weight. ``bands``: the profile's
    定性 bands (default :data:`BANDS`)."""
    if weight is None:
        return None
    if nature == N.QUALITATIVE:
        return qualitative_score(actual, weight, self_score, bands) \
            if isinstance(actual, str) else None
    if not isinstance(target, Decimal) or not isinstance(actual, Decimal) or nature is None:
        return None
    score = quantitative_score(nature, target, actual, weight)
    return None if score is None else min(score, round_half_up(weight))


@dataclass(frozen=True)
class Band:
    """One grade and its score range."""

    name: str
    low: Decimal | None  # inclusive; None: no lower bound
    high: Decimal | None  # exclusive; None: no upper bound

    @property
    def range_text(self) -> str:
        """``≥ 90``, ``80–90``, ``< 60``."""
        if self.low is None and self.high is None:
            return "全部"
        if self.low is None:
            return f"< {_plain(self.high)}"
        if self.high is None:
            return f"≥ {_plain(self.low)}"
        return f"{_plain(self.low)}–{_plain(self.high)}"

    @property
    def label(self) -> str:
        """``优（≥ 90）``"""
        return f"{self.name}（{self.range_text}）"

    def holds(self, score: Decimal) -> bool:
        return (self.low is None or score >= self.low) and (self.high is None or score < self.high)


def _plain(d: Decimal | None) -> str:
    return "" if d is None else format(d.normalize(), "f")


def bands(floors: tuple[tuple[str, Decimal], ...]) -> list[Band]:
    """Every grade with its score range, highest first (差 below the lowest floor)."""
    out, high = [], None
    for name, floor in sorted(floors, key=lambda kv: -kv[1]):
        out.append(Band(name, floor, high))
        high = floor
    out.append(Band(LOWEST_GRADE, None, high))
    return out


def grade_bands(floors: tuple[tuple[str, Decimal], ...]) -> str:
    """The grade bands in words: "优 ≥ 90，良 80–90，中 60–80，差 < 60" for the default floors."""
    return "，".join(f"{b.name} {b.range_text}" for b in bands(floors))


def grade(score: Decimal | None, floors: tuple[tuple[str, Decimal], ...]) -> str | None:
    """The grade of ``score``: the first floor it reaches (floors highest first), else 差."""
    if score is None:
        return None
    for name, floor in floors:
        if score >= floor:
            return name
    return LOWEST_GRADE
