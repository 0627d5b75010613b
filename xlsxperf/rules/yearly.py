"""Year-over-year rules (Y): this year's submission against the same unit's previous year.

They run only when an earlier submission is paired with this one (``ctx.previous``, see
:mod:`xlsxperf.history`) and say something only when both years hold the figures compared:
a missing figure, an indicator without a partner or measured in another unit is no finding.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from .. import schema as S
from ..model import Cell, Finding, Severity
from ..values import round_half_up
from .registry import make, rule
from .sums import differs, number, total

if TYPE_CHECKING:
    from ..calc import IndicatorCalc
    from ..context import Context
    from ..history import Previous
    from ..model import Submission

W, I = Severity.WARNING, Severity.INFO
TEXT_FIELDS = ("problems", "suggestions")
SIMILAR_PCT = Decimal(90)  # Y002: this share of the text the same as last year's
MIN_TEXT_CHARS = 30  # Y002: shorter texts (“无”, “暂无问题。”) are not compared
_NOT_TEXT = re.compile(r"[\W_]+")


def _where(prev: Previous, cell: Cell | None) -> str:
    """Where a figure of last year's workbook is: its file and cell."""
    return f"{prev.file_name} {cell}" if cell else prev.file_name


@rule("Y001", "target-below-last-year", W, "指标值低于上年实际完成值",
      "{label}本年指标值 {actual}{unit}{verb}上年（{year} 年度）实际完成值 {expected}{unit}"
      "（上年：{last_cell}）",
      "{label}: this year's target {actual} is {verb_en} last year's ({year}) actual {expected} "
      "({last_cell})")
def target_below_last_year(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：同一指标（三级指标名称相同，忽略空格、全角半角和引号）在上年和本年都是 ≥ 指标，本年的
    指标值却低于上年的实际完成值；或都是 ≤ 指标，本年的指标值高于上年的实际完成值。两年的度量单位
    须相同，指标值和完成值须都是数字，否则不比较。
    为什么：绩效目标应当体现进步，至少不低于已经达到的水平；把目标定在去年已经完成的数以下，
    完成和超额完成都不说明问题，是目标设置偏低最直接的证据。
    示例：招商引资签约总金额上年完成 150 亿元，本年指标值只定了 130 亿元。
    """
    prev = ctx.previous
    if prev is None:
        return
    from ..history import unit_of_measure_key  # only with a previous year

    for now, last in prev.indicator_pairs(ctx.calc.indicators):
        target, achieved = now.row.measure("target"), last.row.measure("actual")
        if not isinstance(target, Decimal) or not isinstance(achieved, Decimal):
            continue
        if now.nature != last.nature or \
                unit_of_measure_key(now.row.get("unit")) != unit_of_measure_key(last.row.get("unit")):
            continue
        below = now.nature == S.Nature.AT_LEAST and target < achieved
        above = now.nature == S.Nature.AT_MOST and target > achieved
        if below or above:
            unit = now.row.text("unit") or ""
            yield make("Y001", at=now.row["target"], actual=target,
                       expected=achieved, label=now.label, unit=unit if unit in ("", "%") else f" {unit}",
                       verb="低于" if below else "高于（反向指标）",
                       verb_en="below" if below else "above (an at-most indicator)",
                       year=prev.year, last_cell=_where(prev, last.row["actual"].cell))


def bigrams(text: str) -> Counter[str]:
    """The character pairs of a text folded (NFKC), without spaces, punctuation or symbols."""
    t = _NOT_TEXT.sub("", unicodedata.normalize("NFKC", text))
    return Counter(t[i:i + 2] for i in range(len(t) - 1))


def similarity_pct(a: str, b: str) -> Decimal | None:
    """How much of two texts is the same, in percent: the Dice coefficient of their character
    pairs, 2 × shared pairs ÷ (pairs of a + pairs of b). None when either is shorter than
    :data:`MIN_TEXT_CHARS` characters once folded."""
    x, y = bigrams(a), bigrams(b)
    n, m = sum(x.values()), sum(y.values())
    if n + 1 < MIN_TEXT_CHARS or m + 1 < MIN_TEXT_CHARS:
        return None
    shared = sum((x & y).values())
    return Decimal(200 * shared) / Decimal(n + m)


@rule("Y002", "text-repeats-last-year", W, "存在问题、改进建议与上年基本相同",
      "{label}与上年（{year} 年度）的文字 {actual}% 相同，疑似沿用上年（上年：{last_cell}）",
      "{label} is {actual}% the same text as last year's ({year}, {last_cell})")
def text_repeats_last_year(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：“存在问题”或“改进建议”与上年同一栏目的文字至少 90% 相同。相同程度按字符二元组计算：
    两段文字都折叠全角半角、去掉空格和标点后，取相邻两个字符组成的片段，
    相同程度 = 2 × 两段共有的片段数 ÷ 两段片段数之和（Dice 系数；句子调换顺序、改了年份仍算相同）。
    去掉空格和标点后不足 30 个字的文字（如“无”“暂无问题”）不比较。
    为什么：存在问题和改进建议应当针对本年的情况；照抄上年，说明问题没有整改、建议没有落实，
    或者自评流于形式。
    示例：本年“存在问题”与上年仅年份不同：“一是预算编制不够精细……二是绩效目标不够量化……”。
    """
    prev = ctx.previous
    if prev is None:
        return
    for name in TEXT_FIELDS:
        now, last = sub[name], prev.submission[name]
        if not isinstance(now.value, str) or not isinstance(last.value, str):
            continue
        same = similarity_pct(now.value, last.value)
        if same is not None and same >= SIMILAR_PCT:
            yield make("Y002", at=now, actual=round_half_up(same, 0), expected=f"< {SIMILAR_PCT}",
                       label=S.FIELDS[name].label, year=prev.year,
                       last_cell=_where(prev, last.cell))


def _all_full(indicators: list[IndicatorCalc]) -> bool:
    return bool(indicators) and all(
        i.met is True and i.weight is not None and i.score_self is not None
        and i.score_self >= i.weight for i in indicators)


@rule("Y003", "full-marks-two-years", I, "连续两年指标全部完成且满分",
      "连续两年全部绩效指标完成且自评满分（上年 {year} 年度 {last} 项，本年 {now} 项），"
      "目标可能设置偏低，请复核",
      "every indicator met and given full marks two years running ({year}: {last}, this year: "
      "{now}); the targets may be too low")
def full_marks_two_years(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：本年和上年每一项绩效指标都已完成（≥ 指标完成值不低于指标值，≤ 指标不高于指标值，
    定性指标为“达成”），且每一项的自评得分都等于其权重（满分）。这是提示，不是问题。
    为什么：连续两年所有目标都满分完成，常见的原因是目标定得太保守；复核时可对照上年完成值看本年
    目标是否有提高。
    示例：上年 8 项指标、本年 8 项指标全部完成，自评均为满分。
    """
    prev = ctx.previous
    if prev is None:
        return
    now, last = ctx.calc.indicators, prev.calc.indicators
    if _all_full(now) and _all_full(last):
        data = sub.indicators
        at = data.cell("name", data.header_row) if data.header_row else None
        yield make("Y003", at=at, sheet=S.INDICATORS, year=prev.year, last=len(last),
                   now=len(now))


@rule("Y004", "staff-start-vs-last-year", W, "期初实有人数与上年期末人数不符",
      "期初实有人数 {actual} 人，上年（{year} 年度）期末实有人数合计为 {expected} 人（上年：{last_cell}）",
      "staff at the start of the year {actual} differs from last year's ({year}) year-end "
      "staff {expected} ({last_cell})")
def staff_start_vs_last_year(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：本年的期初实有人数应等于上年填报的期末实有人数合计（人数是整数，必须完全相等）。
    为什么：上年年末就是本年年初；两者不符，说明其中一年的人数填错，或者人员变动没有如实反映。
    示例：上年期末实有 18 人，本年期初填了 20 人。
    """
    prev = ctx.previous
    if prev is None:
        return
    now, last = sub["flow_start"], prev.submission["staff_total"]
    a, b = number(now), number(last)
    if a is not None and b is not None and a != b:
        yield make("Y004", at=now, actual=a, expected=b, year=prev.year,
                   last_cell=_where(prev, last.cell))


@rule("Y005", "balance-start-vs-last-year", W, "年初结转和结余与上年年末数不符",
      "年初结转和结余 {actual} 万元，上年（{year} 年度）年末结转和结余为 {expected} 万元"
      "（相差 {diff}；上年：{last_cell}）",
      "opening balance {actual} differs from last year's ({year}) year-end balance {expected} "
      "(by {diff}; {last_cell})")
def balance_start_vs_last_year(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：本年的年初结转和结余应等于上年填报的年末结转和结余。两者都是两位小数的金额，
    相差超过两者的舍入误差（各 0.005 万元）才报告。
    为什么：上年留下的钱就是本年年初的钱；不符说明其中一年填错，或者有资金被收回、调整却没有说明。
    示例：上年年末结转和结余 12.50 万元，本年年初结转和结余填了 0。
    """
    prev = ctx.previous
    if prev is None:
        return
    now, last = sub["balance_start"], prev.submission["balance_end"]
    a, b = number(now), number(last)
    if a is None or b is None:
        return
    ref = total([(last, S.Kind.AMOUNT)])
    if differs(now, S.Kind.AMOUNT, ref):
        q = Decimal("0.01")
        yield make("Y005", at=now, actual=a.quantize(q), expected=b.quantize(q),
                   diff=abs(a - b).quantize(q), tolerance=ref.tolerance * 2, year=prev.year,
                   last_cell=_where(prev, last.cell))

