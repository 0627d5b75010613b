"""Consistency rules (C): figures that are each plausible but contradict one another."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from .. import schema as S
from ..model import Finding, Severity
from .registry import make, rule
from .sums import half_unit, number

if TYPE_CHECKING:
    from ..context import Context
    from ..model import Submission

W = Severity.WARNING
RECALL_WORDS = ("收回", "交回", "上缴", "缴回", "注销", "核销", "调剂", "统筹", "盘活")


@rule("C001", "overstaffed", W, "实有人数超过核定编制",
      "{label}实有 {actual} 人，核定编制 {expected} 人{note}",
      "{label}: {actual} staff against a quota of {expected}")
def overstaffed(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：期末实有人数超过核定编制：某一类人员（行政、事业、工勤）实有人数大于该类编制，
    或某类有人员却没有该类编制，或实有人数合计大于编制合计。
    为什么：超编会推高人员经费，是机构编制和预算管理的审核重点；没有编制的人员通常是借调、
    聘用或下属单位人员，应在说明中讲清楚。
    示例：核定编制 10 个（行政 9、工勤 1，无事业编制），期末实有 18 人，其中事业 8 人。
    """
    for key, label in S.STAFF_CATEGORIES:
        staff, quota = sub[f"staff_{key}"], number(sub[f"quota_{key}"])
        have = number(staff)
        if have is None or have <= 0:
            continue
        if quota is None or have > quota:
            note = "（没有该类编制）" if not quota else ""
            yield make("C001", at=staff, actual=have, expected=quota or 0, label=f"{label}人员",
                       note=note)
    have, quota = number(sub["staff_total"]), number(sub["quota_total"])
    if have is not None and quota is not None and have > quota:
        yield make("C001", at=sub["staff_total"], actual=have, expected=quota, label="合计", note="")


@rule("C002", "unspent-but-no-balance", W, "项目资金未花完却没有结余",
      "项目预算未执行 {actual} 万元，但年末结转和结余为 {expected} 万元，且未说明资金已收回",
      "{actual} of project budget was not spent, yet the year-end balance is {expected} and no "
      "reason says the money was recalled")
def unspent_but_no_balance(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：项目支出表中各项目 全年预算数 − 全年执行数 之和大于 0（钱没花完），年末结转和结余却为 0，
    而偏差原因、未达 90% 原因中都没有说明资金已被收回（收回、交回、上缴、注销等）。
    为什么：没花完的钱要么结转结余到下年，要么被财政收回；两者都没有，资金去向就说不清，
    报告中“年末资金无结余”的说法也就站不住。
    示例：特定目标类项目预算 70.40 万元、执行 53.27 万元，未执行 17.13 万元，报告却称“年末资金无结余”。
    """
    balance = number(sub["balance_end"])
    if balance is None or balance != 0:
        return
    unspent = sum((p.unspent for p in ctx.calc.projects if p.unspent is not None and p.unspent > 0),
                  Decimal(0))
    tol = 2 * half_unit(S.Kind.AMOUNT) * max(1, len(ctx.calc.projects))
    if unspent <= tol:
        return
    reasons = [r["reason"].value for r in sub.projects.rows]
    reasons += [sub.get(f"exec_{key}_reason") for key, _ in S.EXECUTION.rows]
    if any(isinstance(t, str) and any(w in t for w in RECALL_WORDS) for t in reasons):
        return
    yield make("C002", at=sub["balance_end"], actual=unspent, expected=balance, tolerance=tol)
