"""Draft report paragraphs (报告要点) from a submission and its computed figures. Pure text.

The sections follow the order and the wording of a department's published self-evaluation
report: 基本情况, 收入, 支出, 结转结余, 预算执行, 项目执行, 绩效目标完成, 自评结论, e.g.

    2022 年度收入合计 414.31 万元，其中：一般公共预算财政拨款收入 414.31 万元，占 100%；…

Totals in the draft are the sums of the parts it lists, so every sentence adds up; the
department's own totals are compared with them elsewhere (rules T001 ...). Percentages drop
trailing zeros as such reports do (100%, 65.11%, 160%); amounts keep two decimals.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .. import schema as S
from ..scoring import pct
from ..values import round_half_up
from ..values import sum_present as _sum
from ..values import to_decimal as _dec

if TYPE_CHECKING:
    from ..calc import Calc
    from ..model import Row, Submission

ALWAYS_LISTED = ("general_budget", "gov_fund", "other")  # income sources named even when 0
REASON_BELOW_PCT = Decimal(90)


@dataclass(frozen=True)
class Section:
    """One heading of the draft and its paragraphs."""

    title: str
    paragraphs: tuple[str, ...]


# -- numbers as text -------------------------------------------------------------------------


def trimmed(v: Decimal | int) -> str:
    """A number without trailing zeros: 100.00 -> "100", 65.10 -> "65.1", 0.75 -> "0.75"."""
    d = Decimal(v)
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def pct_text(v: Decimal) -> str:
    """A percent value as the reports write it: 100.00 -> "100%", 65.11 -> "65.11%"."""
    return trimmed(round_half_up(v)) + "%"


def amount_text(v: Decimal) -> str:
    """An amount in 万元 with two decimals: 414.31 -> "414.31", 0 -> "0.00"."""
    return format(round_half_up(v), "f")


def wan(v: Decimal) -> str:
    return f"{amount_text(v)} 万元"


def score_text(v: Decimal) -> str:
    return trimmed(round_half_up(v))


def _clause(text: str) -> str:
    """Department text to embed in a sentence: no trailing full stop, no line breaks."""
    flat = " ".join(part.strip() for part in text.splitlines() if part.strip())
    return flat.rstrip("。；;.，, ")


def _join(parts: list[str], sep: str = "；") -> str:
    return sep.join(p for p in parts if p)


# -- helpers over the data -------------------------------------------------------------------




def year_of(sub: Submission) -> int | None:
    """The evaluation year when it is a plausible four-digit year (else "本年度" is written)."""
    year = sub.year
    return year if year is not None and 1949 < year < 2200 else None


def _measure(v: Any, unit: str) -> str:
    if isinstance(v, Decimal):
        return f"{trimmed(v)}{unit}"
    return str(v)


# -- sections --------------------------------------------------------------------------------


def basic_section(sub: Submission, calc: Calc) -> Section:
    unit = sub.unit_name or "本部门"
    year = year_of(sub)
    paras: list[str] = []

    org = []
    sub_units = sub.get("sub_units")
    if isinstance(sub_units, int):
        org.append(f"{unit}有下属二级单位 {sub_units} 个。" if sub_units else f"{unit}无下属二级单位。")
    quota = calc.metrics.get("staff.quota_total")
    if isinstance(quota, Decimal):
        parts = [f"{label} {sub.number(f'quota_{k}')} 个"
                 for k, label in (("admin", "行政编制"), ("institution", "事业编制"),
                                  ("worker", "工勤编制"))
                 if sub.number(f"quota_{k}")]
        line = f"核定人员编制 {trimmed(quota)} 个"
        org.append(line + ("，其中" + "，".join(parts) if parts else "") + "。")
    if org:
        paras.append("（一）机构组成。" + "".join(org))

    staff = calc.metrics.get("staff.actual_total")
    if isinstance(staff, Decimal):
        parts = [f"{label} {sub.number(f'staff_{k}')} 人"
                 for k, label in (("admin", "行政"), ("institution", "事业"), ("worker", "工勤"))
                 if sub.number(f"staff_{k}")]
        when = f"{year} 年" if year else ""
        text = f"{when}期末实有人数 {trimmed(staff)} 人" + ("，其中" + "，".join(parts) if parts else "") + "。"
        flows = [(label, sub.number(name)) for name, label in
                 (("flow_in", "调入"), ("flow_hired", "新录用"), ("flow_out", "调出"),
                  ("flow_retired", "退休"), ("flow_other", "其他减少"))]
        shown = [f"{label} {trimmed(n)} 人" for label, n in flows
                 if n is not None and (label != "其他减少" or n)]
        start = sub.number("flow_start")
        if start is not None:
            text += f"期初实有人数 {trimmed(start)} 人。"
        if shown:
            text += "期间：" + "，".join(shown) + "。"
        paras.append("（二）机构职能和人员概况。" + text)

    for number, (name, label) in enumerate((("tasks", "年度主要工作任务"),
                                            ("goals", "部门整体支出绩效目标")), start=3):
        given = sub.get(name)
        if isinstance(given, str) and given.strip():
            paras.append(f"（{'一二三四五六'[number - 1]}）{label}。{_clause(given)}。")
    return Section("一、部门基本情况", tuple(paras))


def income_paragraph(sub: Submission, calc: Calc) -> str:
    year = year_of(sub)
    total = calc.metrics.get("income.total")
    lead = f"{year} 年度" if year else "本年度"
    if not isinstance(total, Decimal):
        return f"（一）部门财政资金收入情况。{lead}收入数据未填写。"
    parts = []
    for key, label in S.INCOME_SOURCES:
        amount = sub.amount(f"income_{key}")
        if amount is None or (not amount and key not in ALWAYS_LISTED):
            continue
        share = calc.metrics.get(f"income.share_pct.{key}")
        tail = f"，占 {pct_text(share)}" if isinstance(share, Decimal) else ""
        parts.append(f"{label} {wan(amount)}{tail}")
    body = f"{lead}收入合计 {wan(total)}"
    if parts:
        body += "，其中：" + _join(parts)
    return f"（一）部门财政资金收入情况。{body}。"


def expenditure_paragraph(sub: Submission, calc: Calc) -> str:
    year = year_of(sub)
    lead = f"{year} 年度" if year else "本年度"
    total = calc.metrics.get("expenditure.total")
    if not isinstance(total, Decimal):
        return f"（二）部门财政资金支出情况。{lead}支出数据未填写。"
    parts = []
    basic = sub.amount("exp_basic")
    if basic is not None:
        share = calc.metrics.get("expenditure.share_pct.basic")
        text = f"基本支出 {wan(basic)}"
        personnel, public = sub.amount("exp_personnel"), sub.amount("exp_public")
        inner = [f"人员经费 {wan(personnel)}" if personnel is not None else "",
                 f"公用经费 {wan(public)}" if public is not None else ""]
        if any(inner):
            text += "（其中" + _join(inner, "，") + "）"
        if isinstance(share, Decimal):
            text += f"，占 {pct_text(share)}"
        parts.append(text)
    project = sub.amount("exp_project")
    if project is not None:
        share = calc.metrics.get("expenditure.share_pct.project")
        text = f"项目支出 {wan(project)}"
        if isinstance(share, Decimal):
            text += f"，占 {pct_text(share)}"
        parts.append(text)
    return f"（二）部门财政资金支出情况。{lead}支出合计 {wan(total)}，其中：{_join(parts)}。"


def balance_paragraph(sub: Submission) -> str | None:
    start, end = sub.amount("balance_start"), sub.amount("balance_end")
    if start is None and end is None:
        return None
    year = f"{year_of(sub)} 年" if year_of(sub) else "本年"
    parts = []
    if start is not None:
        parts.append(f"{year}年初结转和结余 {wan(start)}")
    if end is not None:
        parts.append(f"{'年末' if parts else year + '年末'}部门结转和结余为 {wan(end)}")
    return "（三）部门财政资金结转结余情况。" + "，".join(parts) + "。"


def execution_paragraph(sub: Submission, calc: Calc,
                        reason_below: Decimal = REASON_BELOW_PCT) -> str | None:
    budget, actual = sub.amount("exec_total_budget"), sub.amount("exec_total_actual")
    rate = calc.metrics.get("execution.rate_pct.total")
    if budget is None or actual is None:
        return None
    year = f"{year_of(sub)} 年" if year_of(sub) else "本年"
    initial = sub.amount("exec_total_initial")
    text = f"{year}全年预算数 {wan(budget)}"
    if initial is not None:
        text += f"（年初预算数 {wan(initial)}）"
    text += f"，全年执行数 {wan(actual)}"
    if isinstance(rate, Decimal):
        text += f"，预算执行率 {pct_text(rate)}"
    parts = []
    for rkey, rlabel in S.EXECUTION.rows[:2]:
        b, a = sub.amount(f"exec_{rkey}_budget"), sub.amount(f"exec_{rkey}_actual")
        r = calc.metrics.get(f"execution.rate_pct.{rkey}")
        if b is None or a is None:
            continue
        line = f"{rlabel}全年预算数 {wan(b)}，执行 {wan(a)}"
        if isinstance(r, Decimal):
            line += f"，执行率 {pct_text(r)}"
            reason = sub.get(f"exec_{rkey}_reason")
            if r < reason_below and isinstance(reason, str) and reason.strip():
                line += f"，未达 {trimmed(reason_below)}% 的原因：{_clause(reason)}"
        parts.append(line)
    if parts:
        text += "。其中：" + _join(parts)
    return "（四）预算执行情况。" + text + "。"


def finance_section(sub: Submission, calc: Calc,
                    reason_below: Decimal = REASON_BELOW_PCT) -> Section:
    paras = [income_paragraph(sub, calc), expenditure_paragraph(sub, calc),
             balance_paragraph(sub), execution_paragraph(sub, calc, reason_below)]
    return Section("二、部门财政资金收支情况", tuple(p for p in paras if p))


def _rows_total(rows: list[Row], key: str) -> Decimal | None:
    return _sum([_dec(r.get(key)) for r in rows])


def projects_section(sub: Submission, calc: Calc,
                     reason_below: Decimal = REASON_BELOW_PCT) -> Section:
    projects = calc.projects
    if not projects:
        return Section("三、项目支出执行情况", ("未填写项目支出明细。",))
    rows = [p.row for p in projects]
    budget, actual = _rows_total(rows, "budget"), _rows_total(rows, "actual")
    year = f"{year_of(sub)} 年度" if year_of(sub) else "本年度"
    head = f"{year}共有项目 {len(projects)} 个"
    if budget is not None:
        head += f"，全年预算数 {wan(budget)}"
    if actual is not None:
        head += f"，全年执行数 {wan(actual)}"
    rate = pct(actual, budget)
    if rate is not None:
        head += f"，执行率 {pct_text(rate)}"
    paras = [head + "。"]

    number = 0
    for label, key in S.CATEGORY_KEYS.items():
        mine = [p for p in projects if p.category == key]
        if not mine:
            continue
        number += 1
        names = [p.name for p in mine if p.name]
        text = f"{label}项目共 {len(mine)} 个"
        if names:
            text += ("，分别为" + "、".join(names)) if len(names) > 1 else f"，为{names[0]}"
        text += "。"
        mrows = [p.row for p in mine]
        initial, b, a = (_rows_total(mrows, k) for k in ("initial", "budget", "actual"))
        figures = []
        if initial is not None:
            same = b is not None and b == initial
            figures.append(f"{label}项目年初预算共计 {wan(initial)}" + ("（年中未调整）" if same else ""))
        if b is not None and b != initial:
            figures.append(f"全年预算 {wan(b)}")
        if a is not None:
            figures.append(f"实际执行共计 {wan(a)}")
        r = calc.metrics.get(f"projects.by_category.{key}.execution_rate_pct")
        if isinstance(r, Decimal):
            figures.append(f"预算执行率 {pct_text(r)}")
        balance = _rows_total(mrows, "balance")
        if balance is not None:
            figures.append(f"年末结转结余 {wan(balance)}")
        if figures:
            text += "，".join(figures) + "。"
        paras.append(f"{number}. {text}")

    low = [(p, p.execution_rate_pct) for p in projects if p.execution_rate_pct is not None
           and p.execution_rate_pct < reason_below]
    if low:
        items = [f"{p.name or f'第 {p.row.number} 行项目'}（{pct_text(rate)}）" for p, rate in low]
        paras.append(f"执行率低于 {trimmed(reason_below)}% 的项目 {len(low)} 个：" + "、".join(items) + "。")
    return Section("三、项目支出执行情况", tuple(paras))


def indicators_section(sub: Submission, calc: Calc) -> Section:
    inds = calc.indicators
    if not inds:
        return Section("四、绩效目标完成情况", ("未填写绩效指标。",))
    counts = [(level, sum(1 for i in inds if i.level1 == level)) for level in S.LEVEL1]
    by_level = "，".join(f"{level} {n} 个" for level, n in counts if n)
    head = f"部门整体支出绩效共设置指标 {len(inds)} 个"
    if by_level:
        head += f"（{by_level}）"
    weight = calc.budget_weight
    head += f"，另设预算执行率指标（权重 {trimmed(weight)} 分）。"
    paras = [head]

    lines = []
    for ind in inds:
        if not ind.name:
            continue
        target, actual = ind.row.measure("target"), ind.row.measure("actual")
        unit = ind.row.text("unit") or ""
        if ind.nature == S.Nature.QUALITATIVE:
            if isinstance(actual, str):
                goal = f"目标{target}，" if isinstance(target, str) and target else ""
                lines.append(f"{ind.name}{goal}完成情况为{actual}")
            continue
        if target is None or actual is None:
            continue
        sign = "不高于" if ind.nature == S.Nature.AT_MOST else ""
        line = f"{ind.name}目标{sign} {_measure(target, unit)}，完成 {_measure(actual, unit)}"
        if ind.completion_pct is not None:
            line += f"，完成目标的 {pct_text(ind.completion_pct)}"
        lines.append(line)
    if lines:
        paras.append("各项指标完成情况：" + _join(lines) + "。")

    unmet = [i for i in inds if i.met is False]
    if unmet:
        items = []
        for i in unmet:
            name = i.name or f"第 {i.row.number} 行指标"
            items.append(f"{name}（完成目标的 {pct_text(i.completion_pct)}）"
                         if i.completion_pct is not None else name)
        paras.append(f"未完成目标的指标 {len(unmet)} 个：" + "、".join(items) + "。")
    else:
        known = [i for i in inds if i.met is not None]
        if known and len(known) == len(inds):
            paras.append("各项绩效指标均已完成。")
    return Section("四、绩效目标完成情况", tuple(paras))


def conclusion_section(sub: Submission, calc: Calc) -> Section:
    m = calc.metrics
    paras = []
    own, own_grade = m.get("score.self"), m.get("grade.self")
    if isinstance(own, Decimal):
        text = f"（一）评价结论。经对各类指标进行评分和汇总分析，部门整体绩效评价自评得分 {score_text(own)} 分"
        if own_grade:
            text += f"，评价等级为{own_grade}"
        paras.append(text + "。")
    computed, budget = m.get("score.computed"), m.get("score.budget_computed")
    scores = [i.score_computed for i in calc.indicators]
    known = [s for s in scores if s is not None]
    parts = []
    if isinstance(budget, Decimal):
        parts.append(f"预算执行率得分 {score_text(budget)} 分")
    if scores and len(known) == len(scores):
        parts.append(f"绩效指标得分 {score_text(sum(known, Decimal(0)))} 分")
    if isinstance(computed, Decimal):
        parts.append(f"计算总分 {score_text(computed)} 分，等级为{m.get('grade.computed')}")
    if parts:
        paras.append("按评分规则复核：" + "，".join(parts) + "。")
    number = 2
    for name, label in (("problems", "存在问题"), ("suggestions", "改进建议")):
        given = sub.get(name)
        if isinstance(given, str) and given.strip() and given.strip() != S.PLACEHOLDERS.get(name):
            paras.append(f"（{'一二三四'[number - 1]}）{label}。{given.strip()}")
            number += 1
    if not paras:
        paras.append("自评得分未填写。")
    return Section("五、自评结论", tuple(paras))


def report_sections(sub: Submission, calc: Calc,
                    reason_below: Decimal = REASON_BELOW_PCT) -> list[Section]:
    """The draft report, section by section, in the order of a published report."""
    return [
        basic_section(sub, calc),
        finance_section(sub, calc, reason_below),
        projects_section(sub, calc, reason_below),
        indicators_section(sub, calc),
        conclusion_section(sub, calc),
    ]


def report_text(sub: Submission, calc: Calc, reason_below: Decimal = REASON_BELOW_PCT) -> str:
    """The draft as plain text: headings and paragraphs separated by blank lines."""
    out = []
    for section in report_sections(sub, calc, reason_below):
        out.append(section.title)
        out.extend(section.paragraphs)
    return "\n\n".join(out)
