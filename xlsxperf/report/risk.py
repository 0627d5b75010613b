"""复核优先级: which submissions a reviewer should re-check by hand first (抽查), and why.

A submission's risk is the sum of fixed points for what makes a self-evaluation doubtful,
each reported in a few words (the points are documented in README):

- 自评总分高于计算总分: 20, plus the gap in score points (at most 20 more);
- 错误: 10, plus one for each error (at most 20 more);
- 报告文字与数据矛盾 (C003, C004): 10, plus two for each (at most 10 more);
- 资金未用完（预算执行率低于 100%）而指标自评得分之和达到权重之和: 15;
- 指标值设置偏低 (P005): 5, plus one for each indicator (at most 5 more);

and, when the submission was compared with its unit's previous year (rule family Y):

- 指标值低于上年实际完成值 (Y001): 5, plus one for each indicator (at most 5 more);
- 存在问题、改进建议与上年基本相同 (Y002): 5;
- 与上年年末数不衔接 (Y004, Y005): 5;
- 连续两年指标全部完成且满分 (Y003): 5.

Pure functions over the files' JSON documents (``xlsxperf.render.file_document``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..model import Status
from .prose import pct_text, score_text

SELF_ABOVE = (Decimal(20), Decimal(1), Decimal(20))  # base, per unit, most per unit in all
ERRORS = (Decimal(10), Decimal(1), Decimal(20))
CONTRADICTIONS = (Decimal(10), Decimal(2), Decimal(10))
UNSPENT_FULL = Decimal(15)
LOW_TARGETS = (Decimal(5), Decimal(1), Decimal(5))
SCORE_TOLERANCE = Decimal("0.01")
CONTRADICTION_CODES = ("C003", "C004")
LOW_TARGET_CODE = "P005"
BELOW_LAST_YEAR = (Decimal(5), Decimal(1), Decimal(5))
BELOW_LAST_YEAR_CODE = "Y001"
LAST_YEAR_FLAT = Decimal(5)  # each of the other year-over-year reasons
REPEATED_TEXT_CODE = "Y002"
CARRY_OVER_CODES = ("Y004", "Y005")
FULL_MARKS_TWICE_CODE = "Y003"


@dataclass(frozen=True, slots=True)
class Risk:
    points: Decimal
    reasons: tuple[str, ...]

    @property
    def why(self) -> str:
        return "；".join(self.reasons) if self.reasons else "未发现需优先复核的情形"


def _dec(v: Any) -> Decimal | None:
    if isinstance(v, bool) or not isinstance(v, (int, float, str, Decimal)):
        return None
    try:
        return Decimal(str(v))
    except ArithmeticError:
        return None


def _points(weights: tuple[Decimal, Decimal, Decimal], amount: Decimal) -> Decimal:
    base, per, most = weights
    return base + min(most, per * amount)


def _full_score_unspent(doc: Mapping[str, Any]) -> str | None:
    """Money left unspent (execution below 100%) while the indicators score themselves full."""
    rate = _dec((doc.get("metrics") or {}).get("execution.rate_pct.total"))
    scored = [(s, w) for i in doc.get("indicators") or []
              if (s := _dec(i.get("score_self"))) is not None and (w := _dec(i.get("weight")))]
    if rate is None or rate >= 100 or not scored:
        return None
    own, weight = sum(s for s, _ in scored), sum(w for _, w in scored)
    if own < weight:
        return None
    return f"资金未用完（执行率 {pct_text(rate)}）而指标自评满分"


def assess(doc: Mapping[str, Any]) -> Risk | None:
    """The risk of an evaluated submission; None when it could not be evaluated."""
    if doc.get("status") != Status.OK:
        return None
    metrics = doc.get("metrics") or {}
    findings = doc.get("findings") or []
    codes = [str(f.get("code", "")) for f in findings]
    points, reasons = Decimal(0), []
    own, computed = _dec(metrics.get("score.self")), _dec(metrics.get("score.computed"))
    if own is not None and computed is not None and own - computed > SCORE_TOLERANCE:
        gap = own - computed
        points += _points(SELF_ABOVE, gap)
        reasons.append(f"自评高于计算 {score_text(gap)} 分")
    errors = sum(1 for f in findings if f.get("severity") == "error")
    if errors:
        points += _points(ERRORS, Decimal(errors))
        reasons.append(f"错误 {errors} 个")
    contradictions = sum(1 for c in codes if c in CONTRADICTION_CODES)
    if contradictions:
        points += _points(CONTRADICTIONS, Decimal(contradictions))
        reasons.append(f"报告文字与数据矛盾 {contradictions} 处")
    unspent = _full_score_unspent(doc)
    if unspent:
        points += UNSPENT_FULL
        reasons.append(unspent)
    low = codes.count(LOW_TARGET_CODE)
    if low:
        points += _points(LOW_TARGETS, Decimal(low))
        reasons.append(f"指标值偏低 {low} 项")
    below = codes.count(BELOW_LAST_YEAR_CODE)
    if below:
        points += _points(BELOW_LAST_YEAR, Decimal(below))
        reasons.append(f"指标值低于上年实际 {below} 项")
    if REPEATED_TEXT_CODE in codes:
        points += LAST_YEAR_FLAT
        reasons.append("问题和建议与上年基本相同")
    carried = sum(1 for c in codes if c in CARRY_OVER_CODES)
    if carried:
        points += LAST_YEAR_FLAT
        reasons.append(f"与上年年末数不衔接 {carried} 处")
    if FULL_MARKS_TWICE_CODE in codes:
        points += LAST_YEAR_FLAT
        reasons.append("连续两年全部满分")
    return Risk(points, tuple(reasons))


def ranked(docs: Sequence[Mapping[str, Any]]) -> list[tuple[Mapping[str, Any], Risk | None]]:
    """Evaluated submissions by risk, highest first (ties: lower computed score first), then
    the files that could not be evaluated."""
    pairs = [(d, assess(d)) for d in docs]
    return sorted(pairs, key=lambda pair: order(pair[0], pair[1].points if pair[1] else None))


def order(doc: Mapping[str, Any], points: Decimal | float | None) -> tuple:
    """Where a submission stands in :func:`ranked`, assessed already at ``points`` (None: it
    could not be evaluated); only its computed score, unit name and path are read of ``doc``
    (a file's record will do)."""
    score = (doc.get("metrics") or {}).get("score.computed")
    if isinstance(score, bool) or not isinstance(score, (int, float, Decimal)):
        score = 999  # (a float: a thousand files' sort keys stay small, in the same order)
    unit = (doc.get("unit") or {}).get("name") or ""
    return (points is None, -(points or 0), score, unit, str(doc.get("path", "")))
