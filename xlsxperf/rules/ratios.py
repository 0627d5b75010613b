"""Ratio rules (R): budget execution rates, typed and computed, and budget adjustments, on the
预算执行 table and on every project."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from .. import schema as S
from ..model import MISSING, Finding, Severity, Value
from .registry import make, rule
from .sums import half_unit, number

if TYPE_CHECKING:
    from ..context import Context
    from ..model import Submission

W, E = Severity.WARNING, Severity.ERROR
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Line:
    """One line with a budget, an execution, a typed rate and a reason: a row of the 预算执行
    table or a project."""

    label: str
    budget: Value
    actual: Value
    rate: Value
    reason: Value
    initial: Value = MISSING
    adjust_reason: Value = MISSING  # 调整原因 (template v2); MISSING in a v1 workbook
    key: str = ""  # the 预算执行 row (basic, project, total); "" for a project


def lines(sub: Submission) -> list[Line]:
    out = [Line(f"预算执行表·{label}", sub[f"exec_{key}_budget"], sub[f"exec_{key}_actual"],
                sub[f"exec_{key}_rate"], sub[f"exec_{key}_reason"], sub[f"exec_{key}_initial"],
                sub[f"exec_{key}_adjust_reason"], key)
           for key, label in S.EXECUTION.rows]
    for row in sub.projects.rows:
        name = row.get("name") if isinstance(row.get("name"), str) else f"第 {row.number} 行"
        out.append(Line(f"项目“{name}”", row["budget"], row["actual"], row["rate"], row["reason"],
                        row["initial"], row["adjust_reason"]))
    return out


def _lines(sub: Submission, ctx: Context) -> list[Line]:
    """:func:`lines`, made once per evaluation for all the rules that walk them."""
    return ctx.shared("ratios.lines", lambda: lines(sub))


def exact_rate(line: Line) -> Decimal | None:
    budget, actual = number(line.budget), number(line.actual)
    if budget is None or actual is None or budget <= 0:
        return None
    return actual / budget * HUNDRED


@rule("R001", "reported-ratio-mismatch", W, "填报的执行率与计算值不符",
      "{label}填报执行率 {actual}%，按 全年执行数 ÷ 全年预算数 计算为 {expected}%",
      "{label}: typed execution rate {actual}% differs from the computed {expected}%")
def reported_ratio_mismatch(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：预算执行表和项目支出表中填写了执行率的，执行率应等于 全年执行数 ÷ 全年预算数（调整后）。
    填报值保留两位小数，只要计算值落在其舍入区间内（±0.005 个百分点）即视为一致。
    为什么：常见错误是用年初预算数作分母，或者执行数更新了而执行率没有更新。
    示例：项目支出全年预算 700.00 万元、执行 450.00 万元，执行率应为 64.29%，却填了 80%。
    """
    for line in _lines(sub, ctx):
        typed, exact = number(line.rate), exact_rate(line)
        if typed is None or exact is None:
            continue
        if abs(typed - exact) > half_unit(S.Kind.PERCENT):
            shown = exact.quantize(Decimal("0.01"))
            yield make("R001", at=line.rate, actual=typed, expected=shown,
                       tolerance=half_unit(S.Kind.PERCENT), label=line.label)


@rule("R002", "low-execution-no-reason", W, "执行率低于 90% 未说明原因",
      "{label}执行率 {actual}%，低于 {threshold}%，未说明原因",
      "{label}: execution rate {actual}% is below {threshold}% and no reason is given")
def low_execution_no_reason(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：预算执行表或项目支出表中执行率（按 全年执行数 ÷ 全年预算数 计算）低于 90%，
    而“未达 90% 原因”或“偏差原因”为空。阈值可在配置中调整（thresholds.reason_below_pct）。
    为什么：执行率偏低是绩效评价扣分和审计关注的重点，必须说明原因和改进措施。
    示例：高标准农田建设项目预算 400.00 万元、执行 250.00 万元（62.5%），偏差原因为空。
    """
    threshold = ctx.config.thresholds.reason_below_pct
    for line in _lines(sub, ctx):
        exact = exact_rate(line)
        if exact is not None and exact < threshold and not line.reason.filled:
            yield make("R002", at=line.reason if line.reason.cell else line.actual,
                       actual=exact.quantize(Decimal("0.01")), expected=f"≥ {threshold}",
                       label=line.label, threshold=threshold)


@rule("R003", "over-execution", W, "执行数超过预算数",
      "{label}全年执行数 {actual} 万元，超过全年预算数 {expected} 万元",
      "{label}: executed {actual} exceeds the budget {expected}")
def over_execution(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：全年执行数大于全年预算数（调整后）。
    为什么：超预算支出违反预算法“无预算不得支出”的要求；通常是全年预算数没有按调整后的数填写。
    示例：动物防疫经费全年预算 100.00 万元，执行 120.00 万元。
    """
    tol = 2 * half_unit(S.Kind.AMOUNT)
    for line in _lines(sub, ctx):
        budget, actual = number(line.budget), number(line.actual)
        if budget is not None and actual is not None and budget > 0 and actual - budget > tol:
            yield make("R003", at=line.actual, actual=actual, expected=budget, tolerance=tol,
                       label=line.label)


@rule("R004", "zero-budget", E, "没有预算却有支出",
      "{label}全年预算数为 0，全年执行数却为 {actual} 万元",
      "{label}: budget is 0 but {actual} was spent")
def zero_budget(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：全年预算数为 0，全年执行数大于 0。
    为什么：没有预算的支出无法计算执行率，也违反先有预算后有支出的原则；通常是预算数漏填。
    示例：农机购置补贴全年预算数 0，执行 20.00 万元。
    """
    for line in _lines(sub, ctx):
        budget, actual = number(line.budget), number(line.actual)
        if budget is not None and budget == 0 and actual is not None and actual > 0:
            yield make("R004", at=line.budget, actual=actual, expected=0, label=line.label)


@rule("R005", "adjustment-no-reason", W, "预算调整未说明原因",
      "{label}年初预算数 {initial} 万元，全年预算数 {actual} 万元，{change}，未填写调整原因",
      "{label}: the budget went from {initial} to {actual} ({change_en}) and no reason is given")
def adjustment_no_reason(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：全年预算数（调整后）与年初预算数相差超过年初预算数的规定比例（thresholds.adjust_reason_pct，
    全国口径 10%，四川口径 0 即任何调整），或年初预算为 0 而全年有预算，“调整原因”却为空。
    预算执行表基本支出、项目支出两行的调整原因也可以写在合计行。只检查有“调整原因”栏的填报表（第 2 版模板起）。
    为什么：年中追加或调减预算要单独说明原因（四川自评表的填表说明）；大幅调整而不说明，
    执行率和目标完成情况都无从判断。
    示例：项目“普查工作经费”年初预算 50.00 万元，全年预算 64.00 万元（调增 28%），调整原因为空。
    """
    threshold = ctx.config.thresholds.adjust_reason_pct
    tol = 2 * half_unit(S.Kind.AMOUNT)
    on_total = sub["exec_total_adjust_reason"].filled
    for line in _lines(sub, ctx):
        initial, budget = number(line.initial), number(line.budget)
        if line.key == "total" or line.adjust_reason.cell is None or line.adjust_reason.filled \
                or initial is None or budget is None or abs(budget - initial) <= tol:
            continue
        if line.key and on_total:
            continue
        change = budget - initial
        word, word_en = ("调增", "up") if change > 0 else ("调减", "down")
        if initial > 0:
            share = abs(change) / initial * HUNDRED
            if share <= threshold:
                continue
            shown = share.quantize(Decimal("0.01"))
            text = f"{word} {abs(change)} 万元（{shown}%，超过 {threshold}%）"
        else:
            text, shown = f"{word} {abs(change)} 万元（年初预算为 0）", None
        yield make("R005", at=line.adjust_reason, actual=budget, expected=initial, initial=initial,
                   label=line.label, change=text, change_en=f"{word_en} {abs(change)}"
                   + (f", {shown}%" if shown is not None else ""))
