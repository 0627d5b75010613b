"""Totals rules (T): every typed total against the sum of its parts.

Each check states the identity, takes the operands with their shown precision (see
:mod:`xlsxperf.rules.sums`) and reports the typed total's cell.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from .. import schema as S
from ..model import Finding, Parse, Severity, Value
from .registry import make, rule
from .sums import Sum, differs, half_unit, number, total

if TYPE_CHECKING:
    from ..context import Context
    from ..model import Submission

E = Severity.ERROR
A, I, SC = S.Kind.AMOUNT, S.Kind.INTEGER, S.Kind.SCORE


def _check(code: str, stated: Value, kind: S.Kind, computed: Sum, column: str = ""
           ) -> Iterable[Finding]:
    typed = number(stated)
    if typed is not None and differs(stated, kind, computed):
        q = Decimal(1).scaleb(-kind.decimals)
        actual, expected = typed.quantize(q), computed.value.quantize(q)
        yield make(code, at=stated, expected=expected, actual=actual,
                   tolerance=computed.tolerance + half_unit(kind), diff=abs(actual - expected),
                   column=column)


def _fields(sub: Submission, names: Iterable[str], kind: S.Kind) -> list[tuple[Value, S.Kind]]:
    return [(sub[n], kind) for n in names]


@rule("T001", "income-total", E, "收入合计与各项收入之和不符",
      "收入合计 {actual} 万元，各项收入之和为 {expected} 万元（相差 {diff}）",
      "income total {actual} differs from the sum of its sources {expected} (by {diff})")
def income_total(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：收入合计 = 一般公共预算财政拨款收入 + 政府性基金预算拨款收入 + 国有资本经营预算拨款收入
    + 财政专户管理资金收入 + 单位资金收入 + 其他收入。
    为什么：收入合计是计算各项收入占比和结余的基数，合计与明细不符说明某项收入漏填或合计抄错。
    示例：各项收入之和 1,300.50 万元，收入合计填了 1,400.00 万元。
    """
    parts = _fields(sub, (f"income_{k}" for k, _ in S.INCOME_SOURCES), A)
    yield from _check("T001", sub["income_total"], A, total(parts))


@rule("T002", "expenditure-total", E, "支出合计与基本支出、项目支出之和不符",
      "支出合计 {actual} 万元，基本支出与项目支出之和为 {expected} 万元（相差 {diff}）",
      "expenditure total {actual} differs from basic + project {expected} (by {diff})")
def expenditure_total(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：支出合计 = 基本支出 + 项目支出。
    为什么：支出合计是计算支出结构、预算执行和结余的基数。
    示例：基本支出 900.00 万元、项目支出 450.00 万元，支出合计填了 1,300.00 万元。
    """
    yield from _check("T002", sub["exp_total"], A, total(_fields(sub, ("exp_basic", "exp_project"), A)))


@rule("T003", "basic-breakdown", E, "基本支出与人员经费、公用经费之和不符",
      "基本支出 {actual} 万元，人员经费与公用经费之和为 {expected} 万元（相差 {diff}）",
      "basic expenditure {actual} differs from personnel + public {expected} (by {diff})")
def basic_breakdown(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：填写了人员经费和公用经费时，基本支出 = 人员经费 + 公用经费。两项都未填写时不核对。
    为什么：基本支出只由人员经费和公用经费构成，不符说明拆分有误。
    示例：人员经费 700.00、公用经费 150.00，基本支出填了 900.00 万元。
    """
    parts = _fields(sub, ("exp_personnel", "exp_public"), A)
    if all(v.filled for v, _ in parts):
        yield from _check("T003", sub["exp_basic"], A, total(parts))


@rule("T004", "balance-identity", E, "结转结余恒等式不成立",
      "年末结转和结余 {actual} 万元，按 年初结转和结余 + 收入合计 − 支出合计 应为 {expected} 万元（相差 {diff}）",
      "year-end balance {actual} differs from opening balance + income − expenditure {expected} "
      "(by {diff})")
def balance_identity(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：年初结转和结余 + 收入合计 − 支出合计 = 年末结转和结余。
    为什么：这是部门决算的基本平衡关系：年初的余额加上当年的收入，减去当年的支出，就是年末留下的钱。
    等式不成立，说明收入、支出或结转结余至少有一项填错，或者有资金被收回却没有说明。
    示例：年初结转和结余 50.00 万元，收入合计 1,400.00 万元，支出合计 1,300.00 万元，
    年末结转和结余应为 150.00 万元，却填了 0。
    """
    parts = _fields(sub, ("balance_start", "income_total", "exp_total"), A)
    if all(v.filled for v, _ in parts):
        yield from _check("T004", sub["balance_end"], A, total(parts, (1, 1, -1)))


@rule("T005", "execution-table-total", E, "预算执行表合计行与明细不符",
      "预算执行表“{column}”合计 {actual} 万元，基本支出与项目支出之和为 {expected} 万元（相差 {diff}）",
      "budget-execution table, {column}: total {actual} differs from basic + project {expected}")
def execution_table_total(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：预算执行表中，合计行的年初预算数、全年预算数、全年执行数分别等于基本支出行与项目支出行之和。
    为什么：合计行的执行率决定预算执行率得分，合计错误会直接影响得分。
    示例：基本支出年初预算 880.00、项目支出 600.00，合计填了 1,500.00。
    """
    for col in ("initial", "budget", "actual"):
        label = S.EXECUTION.field("total", col).label.split("·", 1)[1]
        parts = _fields(sub, (f"exec_basic_{col}", f"exec_project_{col}"), A)
        yield from _check("T005", sub[f"exec_total_{col}"], A, total(parts), column=label)


@rule("T006", "execution-vs-expenditure", E, "预算执行数与支出合计不符",
      "预算执行表合计全年执行数 {actual} 万元，与支出合计 {expected} 万元不符（相差 {diff}）",
      "total executed {actual} differs from the expenditure total {expected} (by {diff})")
def execution_vs_expenditure(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：预算执行表合计行的全年执行数 = 收支情况中的支出合计。
    为什么：两处填的是同一笔钱；不一致说明其中一处取数口径不对（例如把结转资金的支出漏掉）。
    示例：支出合计 1,300.00 万元，预算执行表合计全年执行数填了 1,350.00 万元。
    """
    yield from _check("T006", sub["exec_total_actual"], A, total([(sub["exp_total"], A)]))


@rule("T007", "project-table-total", E, "项目支出表合计行与各项目之和不符",
      "项目支出表“{column}”合计 {actual} 万元，各项目之和为 {expected} 万元（相差 {diff}）",
      "project table, {column}: total row {actual} differs from the sum of rows {expected}")
def project_table_total(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：项目支出表合计行的年初预算数、全年预算数、全年执行数、年末结转结余分别等于各项目之和。
    含无法识别为数字的单元格的列不核对（那些单元格另报 F002）。
    为什么：合计行常在插入、删除项目后忘记更新。
    示例：五个项目全年预算数之和为 610.00 万元，合计行填了 600.00 万元。
    """
    data = sub.projects
    if data.total is None:
        return
    for col in S.PROJECT_TABLE.columns:
        if not col.total or any(r[col.key].parse == Parse.INVALID for r in data.rows):
            continue
        parts = [(r[col.key], A) for r in data.rows]
        yield from _check("T007", data.total[col.key], A, total(parts), column=col.label)


@rule("T008", "projects-vs-project-expenditure", E, "项目执行数之和超过项目支出",
      "各项目全年执行数之和 {actual} 万元，超过收支情况中的项目支出 {expected} 万元",
      "projects' executed amounts add up to {actual}, more than project expenditure {expected}")
def projects_vs_project_expenditure(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：项目支出表中各项目全年执行数之和不能超过收支情况中的项目支出（可以小于：表中可只列主要项目）。
    为什么：项目花的钱多于部门全部项目支出，说明项目表或支出数有误，或把元当成了万元。
    示例：项目支出 450.00 万元，项目表执行数之和为 600,390.00 万元。
    """
    stated = sub["exp_project"]
    limit = number(stated)
    rows = [(r["actual"], A) for r in sub.projects.rows]
    s = total(rows)
    if limit is not None and s.filled and s.value - limit > s.tolerance + half_unit(A):
        at = sub.projects.total["actual"] if sub.projects.total else stated
        yield make("T008", at=at, actual=s.value, expected=limit,
                   tolerance=s.tolerance + half_unit(A))


def _staff(code: str, sub: Submission, prefix: str) -> Iterable[Finding]:
    parts = _fields(sub, (f"{prefix}_{k}" for k, _ in S.STAFF_CATEGORIES), I)
    yield from _check(code, sub[f"{prefix}_total"], I, total(parts))


@rule("T009", "staffing-quota-total", E, "编制合计与各类编制之和不符",
      "编制合计 {actual} 人，行政、事业、工勤编制之和为 {expected} 人",
      "staffing quota total {actual} differs from the sum of categories {expected}")
def staffing_quota_total(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：编制合计 = 行政编制 + 事业编制 + 工勤编制（人数是整数，必须完全相等）。
    为什么：编制数用于判断是否超编，合计错误会掩盖超编。
    示例：行政 10、事业 5、工勤 2，编制合计填了 18。
    """
    yield from _staff("T009", sub, "quota")


@rule("T010", "staffing-actual-total", E, "实有人数合计与各类人员之和不符",
      "实有人数合计 {actual} 人，行政、事业、工勤人员之和为 {expected} 人",
      "staff total {actual} differs from the sum of categories {expected}")
def staffing_actual_total(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：期末实有人数合计 = 实有行政人员 + 实有事业人员 + 实有工勤人员。
    为什么：实有人数是人员经费是否合理的依据。
    示例：行政 12、事业 5、工勤 3，合计填了 19。
    """
    yield from _staff("T010", sub, "staff")


@rule("T011", "staffing-flow", E, "人员变动与期末人数对不上",
      "期末实有人数 {actual} 人，按 期初 + 调入 + 新录用 − 调出 − 退休 − 其他减少 应为 {expected} 人",
      "year-end staff {actual} differs from opening + in + hired − out − retired − other {expected}")
def staffing_flow(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：期初实有人数 + 调入 + 新录用 − 调出 − 退休 − 其他减少 = 期末实有人数合计。
    为什么：人员变动说明与期末人数对不上，通常是漏填了某项变动。
    示例：期初 18 人，调入 1、新录用 2、调出 1、退休 1，期末应为 19 人，却填了 20 人。
    """
    names = ("flow_start", "flow_in", "flow_hired", "flow_out", "flow_retired", "flow_other")
    parts = _fields(sub, names, I)
    if parts[0][0].filled:
        yield from _check("T011", sub["staff_total"], I, total(parts, (1, 1, 1, -1, -1, -1)))


@rule("T012", "weights-total", E, "指标权重合计不是满分",
      "预算执行率权重与各指标权重之和为 {actual} 分，应为 {expected} 分",
      "weights (budget execution plus indicators) add up to {actual}, not {expected}")
def weights_total(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：预算执行率权重 + 全部绩效指标权重 = 100 分（按评分口径的满分）。
    为什么：权重合计不是满分，总分就失去了可比性，等级也无从判断。
    示例：预算执行率 10 分，各指标权重合计 60 分，总计 70 分。
    """
    parts = [(sub["budget_weight"], SC)] + [(r["weight"], SC) for r in sub.indicators.rows]
    s = total(parts)
    full = ctx.config.profile.total_weight
    if s.filled and sub.indicators.rows and abs(s.value - full) > s.tolerance:
        at = sub.indicators.cell("weight", sub.indicators.header_row) \
            if sub.indicators.header_row else None
        yield make("T012", at=at, sheet=S.INDICATORS, actual=s.value, expected=full,
                   tolerance=s.tolerance)


@rule("T013", "self-score-total", E, "自评总分与各项得分之和不符",
      "自评总分 {actual} 分，预算执行率得分与各指标自评得分之和为 {expected} 分（相差 {diff}）",
      "self-score total {actual} differs from the sum of the self-scores {expected} (by {diff})")
def self_score_total(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：自评总分 = 预算执行率自评得分 + 各绩效指标自评得分。
    为什么：总分不是各项得分相加，说明总分是“估”出来的，或者某项得分改了没同步。
    示例：各项得分之和 69.00 分，自评总分填了 95 分。
    """
    parts = [(sub["budget_score"], SC)] + [(r["score"], SC) for r in sub.indicators.rows]
    yield from _check("T013", sub["self_total"], SC, total(parts))
