"""Narrative rules (C003, C004, C005): the department's own text against its data.

The figures and claims are read by :mod:`xlsxperf.narrative`; these rules only turn its
mismatches and contradicted claims into findings on the cell of the text that holds them, and
a typed total the text shows to be a rounding slip into a note on that total's cell.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from .. import schema as S
from ..model import Finding, Severity
from ..narrative import quote, tolerance_text, trimmed
from .registry import make, rule

if TYPE_CHECKING:
    from ..context import Context
    from ..model import Submission

W, I = Severity.WARNING, Severity.INFO


@rule("C003", "narrative-number-mismatch", W, "报告文字中的数字与填报数据不符",
      "{field}“{clause}”中的 {actual} 与{label} {expected}（{data_cell}）不符",
      "{field}: {actual} in “{clause}” differs from {label} {expected} ({data_cell})")
def narrative_number_mismatch(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：报告正文及其他文字栏目（职能职责、年度主要工作任务、评价结论等）中的数字，由紧挨在它前面的
    名称（收入合计、财政拨款收入、收入总计、基本支出、编制、实有人数、预算执行率、自评得分、指标名称、
    项目名称……，中间只能有“为”“共计”“达到”之类的词）对应到填报的数据或计算指标，两者之差超出报告
    数字本身的精度（最后一位小数的半个单位，如“65.11%”为 ±0.005 个百分点，“98分”为 ±0.5 分；亿元、
    元与万元之间先换算）。只在有把握时核对：数字的种类（金额、百分比、人数、个数、次数、得分、指标的
    计量单位）必须与数据相同；名称前面另有限定词（政府采购执行率、人均公用经费、使用编制、非财政拨款
    结余）、列在“其中”“主要用于”之后的组成部分、增减变动、差额（大于、超支、追加、节约）、其他年度、
    年度中某一时点（截至 9 月底）、标准或人均数、计划和目标，都不核对，只在“报告核对”表中列出原因。
    “占 x%”核对前面金额所占的比例，“分别完成……的 a%、b%”逐一核对前面所列指标的完成率；“目标”
    之后和绩效目标、工作任务栏目中的指标数字与指标值比较。
    为什么：报告是根据表格手工撰写的，改了表格忘了改报告、抄错数字都很常见；公开的报告与报送的数据
    不一致，会让人怀疑两者都不可靠。
    示例：报告写“基本支出 269.75 万元，占 66.11%”，而 269.75 ÷ 414.31 = 65.11%。
    """
    for f in ctx.narrative.mismatches:
        assert f.data is not None and f.tolerance is not None
        yield make("C003", at=f.where, expected=f.data.shown, actual=f.text,
                   tolerance=tolerance_text(f.tolerance, f.unit), field=f.field_label,
                   clause=quote(f.clause), label=f.label or "",
                   data_cell=str(f.data.cell) if f.data.cell else "计算值")


@rule("C004", "narrative-claim", W, "报告文字的表述与填报数据矛盾",
      "{field}称“{clause}”，但{data}",
      "{field} says “{clause}”, but {data_en}")
def narrative_claim(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：报告正文及其他文字栏目中的定性表述与数据矛盾：称“无结余”“无结转”“资金全部支出”，而年末
    结转和结余大于 0，或项目全年预算数大于全年执行数（句中提到特定目标类等项目类别时只看该类项目）；
    称“全面实现”“全部完成”“圆满完成”“均已完成”，而有绩效指标未完成（同一段落列出了指标数字时只看
    这些指标）；称“全额执行”或预算执行“100%”，而执行率不足 100%。前面有“未”“没有”“力争”“确保”等
    否定或计划用语的不算；“部门整体支出绩效目标”“年度主要工作任务”“改进建议”讲的是打算，不核对。
    为什么：这些表述概括了资金和目标的结果，是读者最先看、最容易记住的话；与数据相反的概括比一个
    抄错的数字更误导人。
    示例：特定目标类项目预算 70.40 万元、执行 53.27 万元，报告却称“年末资金无结余”。
    """
    for c in ctx.narrative.contradicted:
        yield make("C004", at=c.where, expected=c.data, actual=c.words, field=c.field_label,
                   clause=quote(c.clause), data=c.data, data_en=c.data_en)


@rule("C005", "typed-total-slip", I, "填报的合计与明细之和有尾差，报告文字与数据一致",
      "{label}填报为 {actual}，{parts}为 {expected}，相差 {diff}，在舍入误差以内，请核对尾差；"
      "{field}“{clause}”写的是 {text}，不作为问题",
      "{label} is typed as {actual}, its parts add up to {expected} (a rounding slip of {diff}); "
      "{field} says {text} in “{clause}”, which is not a problem")
def typed_total_slip(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：报告文字中的合计数与填报数据一致，但部门填报的合计（收入合计、支出合计、预算执行表合计行、
    年末结转和结余、自评总分）与明细之和有 0.01 之类的尾差，差额在各项明细四舍五入的误差以内（所以
    不是 T 类错误）。提示写在填报的合计单元格上，报告文字不算问题；报告文字与合计、明细之和都不符时
    是 C003。
    为什么：报告按明细之和写的数字是对的，不应被指为不一致；而填报的合计只差一分钱，多半是手工加总或
    抄写时的尾差，顺手改正即可。
    示例：各项收入之和 1,449.80 万元，收入合计填了 1,449.81 万元，报告写“收入合计 1,449.80 万元”。
    """
    for f in ctx.narrative.slips:
        d = f.data
        assert d is not None and d.parts is not None and f.key is not None
        q = Decimal(1).scaleb(-S.FIELDS[f.key].kind.decimals)  # as the template shows it
        yield make("C005", at=d.cell, expected=d.parts.quantize(q), actual=d.value.quantize(q),
                   diff=trimmed(abs(d.value - d.parts)), label=f.label or "",
                   parts=d.parts_words, field=f.field_label, clause=quote(f.clause), text=f.text)
