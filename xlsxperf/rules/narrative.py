"""Narrative rules (C003, C004): the department's own text against its data.

The figures and claims are read by :mod:`xlsxperf.narrative`; these rules only turn its
mismatches and contradicted claims into findings on the cell of the text that holds them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..model import Finding, Severity
from ..narrative import quote, tolerance_text
from .registry import make, rule

if TYPE_CHECKING:
    from ..context import Context
    from ..model import Submission

W = Severity.WARNING


@rule("C003", "narrative-number-mismatch", W, "报告文字中的数字与填报数据不符",
      "{field}“{clause}”中的 {actual} 与{label} {expected}（{data_cell}）不符",
      "{field}: {actual} in “{clause}” differs from {label} {expected} ({data_cell})")
def narrative_number_mismatch(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：报告正文及其他文字栏目（职能职责、年度主要工作任务、评价结论等）中的数字，按其前面的文字
    （收入合计、基本支出、编制、实有人数、预算执行率、自评得分、指标名称……）对应到填报的数据或计算指标，
    两者之差超出报告数字本身的精度（最后一位小数的半个单位，如“65.11%”为 ±0.005 个百分点，“98分”为
    ±0.5 分；亿元、元与万元之间先换算）。“占 x%”核对前面金额所占的比例，“分别完成……的 a%、b%”
    逐一核对前面所列指标的完成率；绩效目标、工作任务栏目中的指标数字与指标值比较。增减变动、其他年度
    的数字不核对；无法对应的数字只在“报告核对”表中列出，不作为问题。
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
