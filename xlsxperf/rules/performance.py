"""Performance-score rules (P): each self-score against the official scoring formulas
(:mod:`xlsxperf.scoring`), the indicator structure, and the declared grade."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from .. import schema as S
from ..model import Finding, Severity
from ..scoring import band, grade, pct
from .registry import make, rule
from .sums import number

if TYPE_CHECKING:
    from ..calc import IndicatorCalc
    from ..context import Context
    from ..model import Submission

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO


def _name(i: IndicatorCalc) -> str:
    return f"“{i.name}”" if i.name else f"第 {i.row.number} 行指标"


@rule("P001", "score-exceeds-weight", E, "得分超过权重",
      "{label}自评得分 {actual} 分，超过其权重 {expected} 分",
      "{label}: self-score {actual} exceeds its weight {expected}")
def score_exceeds_weight(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：某项指标（含预算执行率）的自评得分大于它的权重（分值）。
    为什么：任何一项的得分都不能超过满分；超过说明得分或权重填错。
    示例：“带动农民增收”权重 10 分，自评 12 分。
    """
    own, weight = number(sub["budget_score"]), ctx.calc.budget_weight
    if own is not None and own > weight:
        yield make("P001", at=sub["budget_score"], actual=own, expected=weight, label="预算执行率")
    for i in ctx.calc.indicators:
        if i.score_self is not None and i.weight is not None and i.score_self > i.weight:
            yield make("P001", at=i.row["score"], actual=i.score_self, expected=i.weight,
                       label=_name(i))


@rule("P002", "score-mismatch", W, "自评得分与计算得分不符",
      "{label}自评 {actual} 分，按评分规则计算为 {expected} 分（{direction}）",
      "{label}: self-score {actual}, computed {expected} ({direction_en})")
def score_mismatch(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：自评得分与按评分规则计算的得分相差超过容许差（默认 0.01 分）。自评高于计算得分为“警告”
    （得分偏高），低于计算得分为“提示”。定性指标的得分区间由 P003 检查。
    评分规则：预算执行率得分 = min(权重, 执行率 × 权重)；≥ 和 = 指标未达到指标值时按
    权重 × 完成值 ÷ 指标值；≤ 指标超出指标值时线性扣分，达到 2 倍指标值得 0 分。
    为什么：自评得分偏高是绩效自评最常见的问题，计算得分给出了客观的参照。
    示例：预算执行率 96.03%，计算得分 9.60 分，自评 10 分（偏高 0.40 分）。
    """
    tol = ctx.config.thresholds.score_tolerance
    pairs = [(sub["budget_score"], number(sub["budget_score"]),
              ctx.calc.metrics.get("score.budget_computed"), "预算执行率")]
    pairs += [(i.row["score"], i.score_self, i.score_computed, _name(i))
              for i in ctx.calc.indicators if i.nature != S.Nature.QUALITATIVE]
    for value, own, computed, label in pairs:
        if own is None or not isinstance(computed, Decimal) or abs(own - computed) <= tol:
            continue
        higher = own > computed
        yield make("P002", at=value, actual=own, expected=computed, tolerance=tol, label=label,
                   severity=W if higher else I,
                   direction=f"偏高 {own - computed}" if higher else f"偏低 {computed - own}",
                   direction_en="inflated" if higher else "lower than computed")


@rule("P003", "qualitative-band", W, "定性指标得分不在其等级区间内",
      "{label}完成情况为“{level}”，得分应在 {low}–{high} 分之间，自评 {actual} 分",
      "{label}: level '{level}' scores between {low} and {high}, self-score {actual}")
def qualitative_band(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：定性指标按完成情况分档计分：达成得权重的 80%–100%，部分达成 60%–80%（不含 80%），
    未达成 0–60%（不含 60%）。自评得分不在所选档次的区间内即报告。
    为什么：定性指标没有数值可算，分档是唯一的客观约束；“部分达成”却给高分是典型的打分偏高。
    示例：“农村人居环境”权重 10 分，完成情况“部分达成”，自评 9 分（应在 6–7.99 分之间）。
    """
    for i in ctx.calc.indicators:
        level, limits = i.row.text("actual"), None
        if i.nature == S.Nature.QUALITATIVE and i.weight is not None and level is not None:
            limits = band(level, i.weight)
        if limits is None or i.score_self is None:
            continue
        low, high = limits
        if not low <= i.score_self <= high:
            yield make("P003", at=i.row["score"], actual=i.score_self, expected=f"{low}–{high}",
                       label=_name(i), level=level, low=low, high=high)


@rule("P004", "unmet-no-reason", W, "指标未完成且未说明原因",
      "{label}未完成（指标值 {expected}，完成值 {actual}），未填写偏差原因",
      "{label} was not met (target {expected}, achieved {actual}) and no reason is given")
def unmet_no_reason(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：指标没有达到指标值（≥ 指标完成值小于指标值；≤ 指标完成值大于指标值；定性指标不是“达成”），
    而“偏差原因分析及改进措施”为空。
    为什么：未完成的目标必须分析原因、提出改进措施，这是自评报告的核心内容。
    示例：“带动农民增收”指标值 500 万元，完成 300 万元，偏差原因为空。
    """
    for i in ctx.calc.indicators:
        if i.met is False and not i.row["reason"].filled:
            yield make("P004", at=i.row["reason"], expected=_plain(i.row.get("target")),
                       actual=_plain(i.row.get("actual")), label=_name(i))


def _plain(v: object) -> object:
    return v.normalize() if isinstance(v, Decimal) else v


@rule("P005", "target-too-low", W, "指标值设置偏低",
      "{label}完成率 {actual}%，达到 {threshold}% 以上，指标值可能设置{how}",
      "{label}: completion {actual}% is at or above {threshold}%: the target was set too {how_en}")
def target_too_low(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：定量指标的完成率（≥ 和 = 指标为 完成值 ÷ 指标值，≤ 指标为 指标值 ÷ 完成值）达到 120% 以上。
    阈值可在配置中调整（thresholds.target_too_low_pct）。≥ 和 = 指标说“指标值可能设置偏低”；≤ 指标
    （上限，如成本、差错率）远未达到上限时说“指标值可能设置偏松”。
    为什么：大幅超额完成通常说明年初目标定得太低（上限定得太宽），绩效目标没有起到约束作用，下年应
    收紧目标。
    示例：招商引资签约总金额目标 130 亿元，完成 176.98 亿元（136.14%）。
    """
    threshold = ctx.config.thresholds.target_too_low_pct
    for i in ctx.calc.indicators:
        if i.completion_pct is not None and i.completion_pct >= threshold:
            ceiling = i.nature == S.Nature.AT_MOST
            yield make("P005", at=i.row["target"], actual=i.completion_pct,
                       expected=f"< {threshold}", label=_name(i), threshold=threshold,
                       how="偏松" if ceiling else "偏低", how_en="loose" if ceiling else "low")


@rule("P006", "indicator-structure", E, "绩效指标体系不完整",
      "{problem}", "{problem_en}")
def indicator_structure(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：绩效指标至少要有产出指标和效益指标（缺少为“错误”）；按全国口径还应有满意度指标，
    且一级指标权重为 产出 50、效益 30、满意度 10（不符为“警告”）。四川口径只要求有产出和效益指标，
    90 分可在指标间自由分配。
    为什么：部门整体支出绩效评价要回答“花钱办了什么事、办成了什么效果、服务对象是否满意”，
    缺少任何一类都不完整。
    示例：只设了产出指标和效益指标，没有满意度指标。
    """
    rows = ctx.calc.indicators
    if not rows:
        return
    profile = ctx.config.profile
    at = sub.indicators.cell("level1", sub.indicators.header_row) if sub.indicators.header_row else None
    present = {i.level1 for i in rows}
    for level in ("产出指标", "效益指标"):
        if level not in present:
            yield make("P006", at=at, sheet=S.INDICATORS, actual="无", expected=level,
                       problem=f"没有{level}", problem_en=f"no {level} indicator")
    if profile.require_satisfaction and "满意度指标" not in present:
        yield make("P006", at=at, sheet=S.INDICATORS, severity=W, actual="无", expected="满意度指标",
                   problem="没有满意度指标", problem_en="no satisfaction indicator")
    if profile.fixed_level1_weights:
        for level, want in profile.level1_weights.items():
            got = sum((i.weight for i in rows if i.level1 == level and i.weight is not None),
                      Decimal(0))
            if level in present and got != want:
                yield make("P006", at=at, sheet=S.INDICATORS, severity=W, actual=got, expected=want,
                           problem=f"{level}权重合计 {got} 分，按{profile.title}应为 {want} 分",
                           problem_en=f"{level} weights add up to {got}, the profile says {want}")


@rule("P007", "grade-mismatch", W, "评价等级与自评总分不符",
      "填报的评价等级为“{actual}”，自评总分 {score} 分对应的等级为“{expected}”",
      "declared grade '{actual}' is not the grade of the self-score {score} ('{expected}')")
def grade_mismatch(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：填写了评价等级时，它应与自评总分对应：优 ≥ 90 分，良 80–90 分，中 60–80 分，差 < 60 分
    （分界可在配置 [grades] 中调整）。
    为什么：等级是评价结果应用的依据，与分数不符会误导结果应用。
    示例：自评总分 95 分，评价等级填了“良”。
    """
    declared, total = sub.get("self_grade"), number(sub["self_total"])
    expected = grade(total, ctx.config.grades)
    if declared in S.GRADES and expected is not None and declared != expected:
        yield make("P007", at=sub["self_grade"], actual=declared, expected=expected, score=total)


@rule("P008", "score-execution-gap", W, "指标得分率明显高于预算执行率",
      "各指标自评得分率 {actual}%，比预算执行率得分率 {expected}% 高出 {gap} 个百分点（超过 {threshold}）",
      "indicator score ratio {actual}% is {gap} points above the budget-execution score ratio "
      "{expected}%")
def score_execution_gap(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：各绩效指标的自评得分率（自评得分之和 ÷ 权重之和）比预算执行率得分率（预算执行率得分 ÷ 权重）
    高出 5 个百分点以上。阈值可在配置中调整（thresholds.score_gap_pct）。
    为什么：钱没有花出去，目标却几乎全部完成，二者至少有一个不真实：要么目标定得太低，要么完成值虚高。
    示例：预算执行率 84.38%（得分率 84.38%），各指标自评得分率 100%。
    """
    computed = ctx.calc.metrics.get("score.budget_computed")
    scored = [i for i in ctx.calc.indicators if i.score_self is not None and i.weight]
    if not isinstance(computed, Decimal) or not scored or not ctx.calc.budget_weight:
        return
    ratio = pct(sum((i.score_self for i in scored if i.score_self is not None), Decimal(0)),
                sum((i.weight for i in scored if i.weight is not None), Decimal(0)))
    budget_ratio = pct(computed, ctx.calc.budget_weight)
    threshold = ctx.config.thresholds.score_gap_pct
    if ratio is not None and budget_ratio is not None and ratio - budget_ratio > threshold:
        at = sub.indicators.cell("score", sub.indicators.header_row) if sub.indicators.header_row else None
        yield make("P008", at=at, sheet=S.INDICATORS, actual=ratio, expected=budget_ratio,
                   gap=ratio - budget_ratio, threshold=threshold)
