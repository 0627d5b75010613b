"""Performance-score rules (P): each self-score against the official scoring formulas
(:mod:`xlsxperf.scoring`), the indicator structure, and the declared grade."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from .. import schema as S
from ..model import Finding, Severity
from ..scoring import band, grade, grade_bands, pct
from .registry import make, rule
from .sums import number

if TYPE_CHECKING:
    from ..calc import IndicatorCalc
    from ..context import Context
    from ..model import Submission

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO


def _cost(i: IndicatorCalc) -> bool:
    """A cost indicator: 一级 成本指标, or 二级 成本指标 / 经济 / 社会 / 生态环境成本指标."""
    return i.level1 == S.COST or i.row.text("level2") in S.COST_LEVEL2


def _cost_at_least(i: IndicatorCalc) -> bool:
    """A cost set as ≥ (P009): its direction is in doubt, so nothing is concluded from it."""
    return _cost(i) and i.nature == S.Nature.AT_LEAST


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
                       label=i.label)


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
    pairs += [(i.row["score"], i.score_self, i.score_computed, i.label)
              for i in ctx.calc.indicators
              if i.nature != S.Nature.QUALITATIVE and not _cost_at_least(i)]
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
    是什么：定性指标按完成情况分档计分，各档占权重的比例由评分口径规定（口径文件的 [qualitative]）；
    全国口径为：达成 80%–100%，部分达成 60%–80%（不含 80%），未达成 0–60%（不含 60%）。
    自评得分不在所选档次的区间内即报告。完成值写官方全称（达成年度指标 等）与简写同样认定。
    为什么：定性指标没有数值可算，分档是唯一的客观约束；“部分达成”却给高分是典型的打分偏高。
    示例：按全国口径，“农村人居环境”权重 10 分，完成情况“部分达成”，自评 9 分（应在 6–7.99 分之间）。
    """
    for i in ctx.calc.indicators:
        level, limits = i.row.text("actual"), None
        if i.nature == S.Nature.QUALITATIVE and i.weight is not None and level is not None:
            limits = band(level, i.weight, ctx.calc.bands)
        if limits is None or i.score_self is None:
            continue
        low, high = limits
        if not low <= i.score_self <= high:
            yield make("P003", at=i.row["score"], actual=i.score_self, expected=f"{low}–{high}",
                       label=i.label, level=level, low=low, high=high)


@rule("P004", "unmet-no-reason", W, "指标未完成且未说明原因",
      "{label}未完成（指标值 {expected}，完成值 {actual}），未填写偏差原因",
      "{label} was not met (target {expected}, achieved {actual}) and no reason is given")
def unmet_no_reason(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：指标没有达到指标值（≥ 指标完成值小于指标值；≤ 指标完成值大于指标值；定性指标为部分达成或
    未达成），而“偏差原因分析及改进措施”为空。填了调整后指标值的，按调整后的指标值判断。
    定性指标的完成值写了“完成”“好”等不是等级的词时，无法判断是否达成，不报此项（由 F007 提示改填）。
    为什么：未完成的目标必须分析原因、提出改进措施，这是自评报告的核心内容。
    示例：“带动农民增收”指标值 500 万元，完成 300 万元，偏差原因为空。
    """
    for i in ctx.calc.indicators:
        if i.met is False and not i.row["reason"].filled and not _cost_at_least(i):
            yield make("P004", at=i.row["reason"], expected=_plain(i.target),
                       actual=_plain(i.row.get("actual")), label=i.label)


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
        if i.completion_pct is not None and i.completion_pct >= threshold and not _cost_at_least(i):
            ceiling = i.nature == S.Nature.AT_MOST
            yield make("P005", at=i.row["target"], actual=i.completion_pct,
                       expected=f"< {threshold}", label=i.label, threshold=threshold,
                       how="偏松" if ceiling else "偏低", how_en="loose" if ceiling else "low")


@rule("P006", "indicator-structure", E, "绩效指标体系不完整",
      "{problem}", "{problem_en}")
def indicator_structure(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：评分口径要求的一级指标（全国、四川口径：产出指标和效益指标）缺少任何一类为“错误”；
    口径要求满意度指标而没有的为“警告”；口径规定了一级指标权重的（全国口径：产出 50、效益 30、满意度 10），
    权重合计不符为“警告”。成本指标单列为一级而口径没有给它单独的权重时，计入产出指标（2020 年的自评表中
    成本指标是产出指标下的二级指标）。要求和权重都在口径文件的 [structure] 和 [weights] 中设置。
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
    for level in profile.required_level1:
        if level not in present:
            yield make("P006", at=at, sheet=S.INDICATORS, actual="无", expected=level,
                       problem=f"没有{level}", problem_en=f"no {level} indicator")
    if profile.require_satisfaction and S.SATISFACTION not in present:
        yield make("P006", at=at, sheet=S.INDICATORS, severity=W, actual="无", expected=S.SATISFACTION,
                   problem="没有满意度指标", problem_en="no satisfaction indicator")
    if profile.fixed_level1_weights:
        for level, want in profile.level1_weights.items():
            mine = [i for i in rows if i.level1 and profile.weight_of(i.level1) == level]
            got = sum((i.weight for i in mine if i.weight is not None), Decimal(0))
            if mine and got != want:
                merged = {i.level1 for i in mine if i.level1} - {level}
                name = level + ("（含" + "、".join(sorted(merged)) + "）" if merged else "")
                yield make("P006", at=at, sheet=S.INDICATORS, severity=W, actual=got, expected=want,
                           problem=f"{name}权重合计 {got} 分，按{profile.title}应为 {want} 分",
                           problem_en=f"{level} weights add up to {got}, the profile says {want}")


@rule("P007", "grade-mismatch", W, "评价等级与自评总分不符",
      "填报的评价等级为“{actual}”，自评总分 {score} 分对应的等级为“{expected}”（{bands}）",
      "declared grade '{actual}' is not the grade of the self-score {score} ('{expected}')")
def grade_mismatch(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：填写了评价等级时，它应与自评总分按评分口径的等级分数段（配置 [grades] 中的各等级下限）
    对应的等级一致；消息中写明所用的分数段。
    为什么：等级是评价结果应用的依据，与分数不符会误导结果应用。
    示例：按默认分数段，自评总分 95 分，评价等级填了“良”。
    """
    declared, total = sub.get("self_grade"), number(sub["self_total"])
    expected = grade(total, ctx.config.grades)
    if declared in S.GRADES and expected is not None and declared != expected:
        yield make("P007", at=sub["self_grade"], actual=declared, expected=expected, score=total,
                   bands=grade_bands(ctx.config.grades))


@rule("P008", "score-execution-gap", W, "指标得分率明显高于预算执行率",
      "各指标自评得分率 {actual}%，比预算执行率得分率 {expected}% 高出 {gap} 个百分点（超过 {threshold}）",
      "indicator score ratio {actual}% is {gap} points above the budget-execution score ratio "
      "{expected}%")
def score_execution_gap(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：各绩效指标的自评得分率（自评得分之和 ÷ 权重之和）比预算执行率得分率（预算执行率得分 ÷ 权重）
    高出规定的百分点以上。幅度是评分口径的设定值（thresholds.score_gap_pct）：全国口径 5 个百分点，
    四川口径 10 个百分点，均可在配置中调整。
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


# -- the indicator system as the official forms build it --------------------------------------




@rule("P009", "cost-at-least", W, "成本指标设为“≥”",
      "{label}是成本指标，指标性质为“≥”：成本应设上限（≤）",
      "{label} is a cost indicator set as ≥: a cost is a ceiling (≤)")
def cost_at_least(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：成本指标（一级为成本指标，或二级为成本指标、经济成本指标、社会成本指标、生态环境成本指标）
    的指标性质为“≥”，包括指标值写作“≥30万元”而指标性质留空的。
    为什么：成本是要控制的上限，越低越好；设为“≥”会让超支的完成值拿满分，节约反而扣分。
    这样的指标方向存疑，不再据此报告自评得分偏高（P002）、“未完成”（P004）或“指标值偏低”（P005）；
    计算得分仍按填报的性质计算，与自评得分的差异由本项说明。
    示例：经济成本指标“项目总成本”指标值“≥30万元”。
    """
    for i in ctx.calc.indicators:
        if _cost_at_least(i):
            nature = i.row["nature"]
            yield make("P009", at=nature if nature.raw is not None else i.row["target"],
                       actual=i.nature, expected="≤", label=i.label)


_PREFIX = re.compile(r"^指标\d+[:：]")  # 指标1：, as the forms pre-print a 三级 cell


def same_name(name: str) -> str:
    """An indicator name as compared across levels: width, spaces, punctuation and a printed
    指标1： prefix ignored."""
    t = _PREFIX.sub("", unicodedata.normalize("NFKC", name).strip())
    return re.sub(r"[\s,.;:!?、，。；：！？\"'“”‘’()（）]", "", t)


@rule("P010", "satisfaction-under-benefit", W, "满意度指标列在效益指标下",
      "{label}是满意度指标，列在了效益指标下，应列为满意度指标",
      "{label} measures satisfaction but is listed under 效益指标")
def satisfaction_under_benefit(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：三级指标名称是满意度（含“满意”二字），一级指标却填了效益指标。
    为什么：满意度是单独的一级指标，有自己的权重；放进效益指标会使效益和满意度的权重都不符合口径，
    满意度的结果也无从汇总。
    示例：效益指标下设“群众满意度 ≥ 90%”。
    """
    for i in ctx.calc.indicators:
        if i.level1 == S.BENEFIT and i.name and "满意" in i.name:
            yield make("P010", at=i.row["name"], actual=S.BENEFIT, expected=S.SATISFACTION,
                       label=i.label)


@rule("P011", "benefit-restates-output", W, "效益指标重复产出指标",
      "效益指标{label}与第 {row} 行的产出指标同名，效益指标应反映产出带来的效果",
      "benefit indicator {label} has the same name as the output indicator of row {row}")
def benefit_restates_output(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：效益指标的三级指标名称与某个产出指标相同（忽略空格、标点和表中预印的“指标1：”）。
    为什么：产出指标说明做了多少、做得怎样，效益指标说明由此带来的经济、社会、生态效果；
    同一个指标在两处各计一次分，等于重复计分。
    示例：产出指标和效益指标下都列了“招商引资签约项目数”。
    """
    outputs: dict[str, int] = {}
    for i in ctx.calc.indicators:
        if i.level1 == S.OUTPUT and i.name:
            outputs.setdefault(same_name(i.name), i.row.number)
    for i in ctx.calc.indicators:
        if i.level1 == S.BENEFIT and i.name and same_name(i.name) in outputs:
            yield make("P011", at=i.row["name"], actual=i.name, label=i.label,
                       row=outputs[same_name(i.name)])
