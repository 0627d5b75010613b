"""The department's own words against its data (报告核对). Pure functions, no I/O.

A department writes its report by hand from its tables, and the figures drift. This module
reads the long-text fields (报告正文 and the others), finds every figure in them — amounts in
万元 / 亿元 / 元 / 万美元, percentages, counts in 人 / 个 / 次 / 家, scores in 分 — and binds each to
the field or metric it names, then compares the two at the figure's own precision.

Binding is data, not a tangle of patterns: :data:`BINDINGS` lists the phrases that name each
field or metric, and the indicators add their own names. A figure takes the phrase that ends
nearest before it in its clause (the longest one on a tie); a few phrases only count when the
sentence has named their topic first (行政 after 编制 is 行政编制; 年初预算 after 特定目标类 is
the sum of the 特定目标类 projects). Two relations bind percentages to the figure they follow:
"占 x%" is the share of the amount named just before, "完成 … 的 x%" the completion of the
indicator named just before; after "分别" a list of percentages pairs with the figures listed
before it (with the last of them when more figures than percentages are listed). A figure that names a change
(增长, 较上年 …) or another year is not compared; nor is one that nothing names: it is listed
as unbound, never flagged.

Claims are checked too: "无结余" while money was left unspent, "全面实现" while an indicator
is unmet, "全额执行" while the budget was not fully spent.

:func:`read_narrative` (submission and computed figures in, :class:`Narrative` out) is what the
rules C003 / C004 and the 报告核对 sheet use.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING

from . import schema as S
from .model import Cell, Submission
from .values import round_half_up
from .values import to_decimal as _dec

if TYPE_CHECKING:
    from .evaluate import Calc, IndicatorCalc

VERIFIED, MISMATCH, UNBOUND = "verified", "mismatch", "unbound"
VERDICT_ZH = {VERIFIED: "核对一致", MISMATCH: "不一致", UNBOUND: "未能对应"}
EXACT, AT_LEAST, AT_MOST, ABOUT = "", "at-least", "at-most", "about"
QUALIFIER_ZH = {EXACT: "", AT_LEAST: "不少于", AT_MOST: "不超过", ABOUT: "约"}

HUNDRED = Decimal(100)
ZERO = Decimal(0)
CENT = Decimal("0.01")
ABOUT_SHARE = Decimal("0.05")  # 约 / 左右: within 5% of the figure
MAX_DIGITS = 15  # a longer number is no figure anyone typed on purpose
MAX_FIGURES, MAX_CLAIMS = 500, 100  # per text field: a report has a few dozen
TOPIC_REACH = 200  # how far back in its sentence a figure looks for the topic
NAME_TAILS_UP_TO = 40  # an indicator name longer than this is only matched whole

# The long-text fields, in template order.
TEXT_FIELDS: tuple[str, ...] = tuple(n for n, f in S.FIELDS.items() if f.kind is S.Kind.LONGTEXT)
# Fields that state intentions, not results: an indicator named in them is compared with its
# 指标值, and what they say will be done is no claim; nor is what 改进建议 says should be done.
PLAN_FIELDS = frozenset({"goals", "tasks"})
NO_CLAIMS = PLAN_FIELDS | {"suggestions"}

# ---------------------------------------------------------------------------------------------
# Units: the dimension a figure measures and its factor to that dimension's base unit.

CNY, USD, PERCENT, COUNT, VISITS, SCORE = "cny", "usd", "percent", "count", "visits", "score"

UNITS: dict[str, tuple[str, Decimal]] = {
    "亿元": (CNY, Decimal(10000)), "万元": (CNY, Decimal(1)), "元": (CNY, Decimal("0.0001")),
    "亿美元": (USD, Decimal(10000)), "万美元": (USD, Decimal(1)), "美元": (USD, Decimal("0.0001")),
    "%": (PERCENT, Decimal(1)), "分": (SCORE, Decimal(1)), "人次": (VISITS, Decimal(1)),
    "人": (COUNT, Decimal(1)), "名": (COUNT, Decimal(1)), "个": (COUNT, Decimal(1)),
    "次": (COUNT, Decimal(1)), "家": (COUNT, Decimal(1)), "项": (COUNT, Decimal(1)),
    "户": (COUNT, Decimal(1)),
}
KIND_UNITS = {S.Kind.AMOUNT: "万元", S.Kind.PERCENT: "%", S.Kind.SCORE: "分", S.Kind.INTEGER: "人"}

_UNIT_RE = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
FIGURE = re.compile(r"(?<![\d.,])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
                    rf"(?P<approx>余|多)?(?P<unit>{_UNIT_RE})")
# What may not follow a unit for it to be one: 3 个月, 2 个百分点, 人民, 分别, 分析 ...
NOT_AFTER = {"个": ("月", "百分点"), "人": ("民",), "项": ("目",), "元": ("旦",)}
SCORE_AFTER = "的以左，。；、,.;:：)）"  # 分 is a score only at a clause's end or before these

QUALIFIERS_BEFORE = (("不低于", AT_LEAST), ("不少于", AT_LEAST), ("不超过", AT_MOST),
                     ("超过", AT_LEAST), ("超", AT_LEAST), ("逾", AT_LEAST), ("将近", AT_MOST),
                     ("接近", AT_MOST), ("近", AT_MOST), ("不足", AT_MOST), ("不到", AT_MOST),
                     ("大约", ABOUT), ("约", ABOUT))
QUALIFIERS_AFTER = (("以上", AT_LEAST), ("左右", ABOUT), ("以下", AT_MOST), ("以内", AT_MOST))

# ---------------------------------------------------------------------------------------------
# The binding table.


@dataclass(frozen=True)
class Bind:
    """Phrases that name one field or metric; ``topic``: words the sentence must name first.
    A row with no key names something the template does not hold: its figures stay unbound."""

    phrases: tuple[str, ...]
    key: str | None
    dimension: str | None  # None: any
    topic: tuple[str, ...] = ()


QUOTA, STAFF = ("编制",), ("实有", "在职", "现有")
CATEGORY_WORDS = {"特定目标类": "special", "人员类": "personnel", "运转类": "operating"}


def _budget_rows(topic: tuple[str, ...], initial: str, budget: str, actual: str, rate: str
                 ) -> tuple[Bind, ...]:
    """年初预算 / 全年预算 / 执行 / 执行率 of one part of the budget (a bare 预算 only once
    the sentence has named the part)."""
    return (
        Bind(("年初预算数", "年初预算"), initial, CNY, topic),
        Bind(("全年预算数", "全年预算", "调整后预算", "预算数") + (("预算",) if topic else ()), budget,
             CNY, topic),
        Bind(("全年执行数", "执行数", "实际执行", "执行金额", "支出执行", "实际支出", "执行"), actual,
             CNY, topic),
        Bind(("预算执行率", "执行率"), rate, PERCENT, topic),
    )


BINDINGS: tuple[Bind, ...] = (
    # 收入
    Bind(("收入合计", "收入总计", "收入总额", "总收入", "全年收入"), "income_total", CNY),
    Bind(("一般公共预算财政拨款收入", "一般公共预算财政拨款", "一般公共预算拨款收入",
          "一般公共预算收入", "一般公共预算拨款", "一般公共预算", "财政拨款收入"),
         "income_general_budget", CNY),
    Bind(("政府性基金预算拨款收入", "政府性基金预算拨款", "政府性基金收入", "政府性基金"),
         "income_gov_fund", CNY),
    Bind(("国有资本经营预算拨款收入", "国有资本经营预算", "国有资本经营收入"),
         "income_state_capital", CNY),
    Bind(("财政专户管理资金收入", "财政专户管理资金", "财政专户"), "income_fiscal_special", CNY),
    Bind(("单位资金收入", "单位资金"), "income_unit_funds", CNY),
    Bind(("其他收入",), "income_other", CNY),
    # 支出与结转结余
    Bind(("支出合计", "支出总计", "支出总额", "总支出", "全年支出"), "exp_total", CNY),
    Bind(("基本支出",), "exp_basic", CNY),
    Bind(("人员经费",), "exp_personnel", CNY),
    Bind(("公用经费",), "exp_public", CNY),
    Bind(("项目支出",), "exp_project", CNY),
    Bind(("年末结转和结余", "结转和结余", "结转结余", "年末结余", "结余", "结转"), "balance_end", CNY),
    Bind(("年初结转和结余", "年初结转结余", "年初结余"), "balance_start", CNY),
    # 预算执行: the whole budget, its two parts, and the projects of each category
    *_budget_rows((), "exec_total_initial", "exec_total_budget", "exec_total_actual",
                  "execution.rate_pct.total"),
    *_budget_rows(("基本支出",), "exec_basic_initial", "exec_basic_budget", "exec_basic_actual",
                  "execution.rate_pct.basic"),
    *_budget_rows(("项目支出",), "exec_project_initial", "exec_project_budget",
                  "exec_project_actual", "execution.rate_pct.project"),
    Bind(("基本支出预算执行率", "基本支出执行率"), "execution.rate_pct.basic", PERCENT),
    Bind(("项目支出预算执行率", "项目支出执行率"), "execution.rate_pct.project", PERCENT),
    *(row for word, cat in CATEGORY_WORDS.items() for row in (
        *_budget_rows((word,), f"projects.{cat}.initial", f"projects.{cat}.budget",
                      f"projects.{cat}.actual", f"projects.by_category.{cat}.execution_rate_pct"),
        Bind(("项目共", "项目数", "共有项目", "类项目"), f"projects.{cat}.count", COUNT, (word,)))),
    # 机构与人员
    Bind(("下属二级单位", "二级单位", "下属单位"), "sub_units", COUNT),
    Bind(("编制", "核定编制", "人员编制", "编制合计", "编制数"), "quota_total", COUNT),
    Bind(("行政编制",), "quota_admin", COUNT),
    Bind(("事业编制",), "quota_institution", COUNT),
    Bind(("工勤编制",), "quota_worker", COUNT),
    Bind(("行政", "行政人员"), "quota_admin", COUNT, QUOTA),
    Bind(("事业", "事业人员"), "quota_institution", COUNT, QUOTA),
    Bind(("工勤", "行政工勤", "工勤人员"), "quota_worker", COUNT, QUOTA),
    Bind(("实有人数", "期末实有人数", "实有人员", "在职人数", "在职人员", "实有人数合计", "实有"),
         "staff_total", COUNT),
    *(Bind(phrases, key, COUNT, topic) for topic in ((), STAFF) for phrases, key in (
        (("行政", "行政人员", "实有行政人员"), "staff_admin"),
        (("事业", "事业人员", "实有事业人员"), "staff_institution"),
        (("工勤", "行政工勤", "工勤人员", "实有工勤人员"), "staff_worker"))),
    Bind(("期初实有人数", "期初人数", "年初人数", "年初实有人数"), "flow_start", COUNT),
    Bind(("调入",), "flow_in", COUNT),
    Bind(("新录用", "录用", "新进"), "flow_hired", COUNT),
    Bind(("调出",), "flow_out", COUNT),
    Bind(("退休",), "flow_retired", COUNT),
    Bind(("其他减少",), "flow_other", COUNT),
    # 得分
    Bind(("自评得分", "自评总分", "总得分", "综合得分", "评价得分", "得分", "总分"), "self_total", SCORE),
    Bind(("预算执行率得分", "预算执行得分"), "budget_score", SCORE),
    # named, but not in the template: 离退休人员 are not 退休 of the year, 事业单位 not 事业人员
    Bind(("离退休", "退休人员", "离休", "事业单位", "行政事业", "行政村", "行政执法", "聘用", "编外",
          "借调", "一般公共预算支出", "财政拨款支出", "三公经费"), None, None),
)

# "占 x%" is the share of an amount in its whole; the amounts that have one.
SHARE_OF = {
    **{f"income_{k}": f"income.share_pct.{k}" for k, _ in S.INCOME_SOURCES},
    "exp_basic": "expenditure.share_pct.basic",
    "exp_project": "expenditure.share_pct.project",
}
SHARE_WORDS = ("占",)
COMPLETION_WORDS = ("完成",)
RESPECTIVELY = "分别"
CHANGE_WORDS = ("增长", "增加", "减少", "下降", "降低", "提高", "增幅", "降幅", "较上年", "比上年",
                "同比", "环比", "多出", "少于上年")
OTHER_YEAR_WORDS = ("上年", "去年", "上一年", "前年", "同期", "上年度")
PLAN_WORDS = ("目标", "计划", "预期", "指标值", "预计完成", "预算")

# Claims the data can contradict.
BALANCE, COMPLETION, EXECUTION = "balance", "completion", "execution"
CLAIMS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("无结余", "无结转", "没有结余", "没有结转", "零结余", "结余为零", "全部支出", "全部支付",
      "全部用完", "全部花完"), BALANCE),
    (("全面实现", "全部实现", "均已实现", "全面完成", "全部完成", "圆满完成", "均已完成", "均完成",
      "全部达成", "均已达成", "全部达标", "均已达标"), COMPLETION),
    (("全额执行", "全部执行", "执行完毕", "足额执行"), EXECUTION),
)
PROJECT_MONEY = ("项目资金", "项目经费")  # an execution claim about the projects' money
NEGATIONS = ("未", "没", "不", "非", "无法", "难以")
ASPIRATIONS = ("力争", "确保", "争取", "计划", "拟", "将要", "努力", "目标是", "预计")

# ---------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True)
class Datum:
    """A value of the data a figure is compared with."""

    value: Decimal  # exact: a computed ratio is not rounded
    unit: str  # 万元, %, 人, 分, or an indicator's 度量单位
    cell: Cell | None
    computed: bool = False  # a ratio or a sum, not a value typed in one cell

    @property
    def shown(self) -> str:
        return show(self.value if not self.computed else round_half_up(self.value), self.unit)


@dataclass(frozen=True)
class Figure:
    """One figure found in a text field and what it was compared with."""

    field: str  # the long-text field's name (its defined name)
    where: Cell | None  # that field's cell
    clause: str  # the clause as written, with what binds the figure
    text: str  # the figure as written: "414.31 万元"
    number: Decimal
    unit: str
    decimals: int  # shown precision
    qualifier: str  # "", at-least (超 / 余 / 以上), at-most (近 / 不足), about (约 / 左右)
    key: str | None  # the field or metric it names
    label: str | None
    data: Datum | None
    verdict: str  # verified / mismatch / unbound
    tolerance: Decimal | None  # half a unit of the figure's last shown decimal, in its unit
    note: str = ""
    start: int = 0  # offset in the field's text

    @property
    def field_label(self) -> str:
        return S.FIELDS[self.field].label


@dataclass(frozen=True)
class Claim:
    """A sentence that claims something the data can confirm or contradict."""

    field: str
    where: Cell | None
    clause: str
    words: str  # the claim as written: "无结余"
    kind: str  # balance / completion / execution
    holds: bool | None  # None: the data cannot tell
    data: str  # what the data shows
    data_en: str
    data_cell: Cell | None
    start: int = 0

    @property
    def field_label(self) -> str:
        return S.FIELDS[self.field].label


@dataclass(frozen=True)
class Narrative:
    figures: tuple[Figure, ...]
    claims: tuple[Claim, ...]

    @property
    def mismatches(self) -> tuple[Figure, ...]:
        return tuple(f for f in self.figures if f.verdict == MISMATCH)

    @property
    def unbound(self) -> tuple[Figure, ...]:
        return tuple(f for f in self.figures if f.verdict == UNBOUND)

    @property
    def contradicted(self) -> tuple[Claim, ...]:
        return tuple(c for c in self.claims if c.holds is False)


# ---------------------------------------------------------------------------------------------
# Text: folded for matching, with the way back to the original.

DROP = frozenset("“”‘’\"'「」『』\u200b\u200c\u200d\ufeff")
KEEP = frozenset("，；：！？")  # full-width clause punctuation stays, so "," is only ever typed
SENTENCE_ENDS = frozenset("。！？!?\n")
CLAUSE_ENDS = SENTENCE_ENDS | frozenset("，；;")


@dataclass(frozen=True)
class Folded:
    """A text with full-width forms folded (NFKC), spaces and quotes dropped; ``at[i]`` is the
    offset in the original of the folded character ``i``."""

    original: str
    text: str
    at: tuple[int, ...]

    def span(self, start: int, end: int) -> str:
        """The original text of the folded span [start, end)."""
        return self.original[self.at[start]:self.at[end - 1] + 1 if end > start else self.at[start]]

    @cached_property
    def _breaks(self) -> dict[str, list[int]]:
        t = self.text
        return {"line": [i for i, ch in enumerate(t) if ch == "\n"],
                "sentence": [i for i, ch in enumerate(t) if ch in SENTENCE_ENDS],
                "clause": [i for i in range(len(t)) if _is_clause_end(t, i)]}

    def start_of(self, unit: str, i: int) -> int:
        """Where the line, sentence or clause holding position ``i`` starts."""
        breaks = self._breaks[unit]
        k = bisect_left(breaks, i)
        return breaks[k - 1] + 1 if k else 0

    def end_of(self, unit: str, i: int) -> int:
        """Where the line, sentence or clause holding position ``i`` ends (its break)."""
        breaks = self._breaks[unit]
        k = bisect_left(breaks, i)
        return breaks[k] if k < len(breaks) else len(self.text)


def fold(text: str) -> Folded:
    chars: list[str] = []
    at: list[int] = []
    for i, ch in enumerate(text):
        if ch in DROP or (ch.isspace() and ch != "\n"):
            continue
        if ch not in KEEP:
            n = unicodedata.normalize("NFKC", ch)
            ch = n if len(n) == 1 else ch
        chars.append(ch)
        at.append(i)
    at.append(len(text))
    return Folded(text, "".join(chars), tuple(at))


def fold_name(text: str) -> str:
    return fold(text).text.replace("\n", "")


def _is_clause_end(t: str, i: int) -> bool:
    ch = t[i]
    if ch in CLAUSE_ENDS:
        return True
    if ch == ",":  # a comma typed in ASCII, unless it separates thousands
        return not (0 < i and t[i - 1].isdigit() and re.match(r"\d{3}(?!\d)", t[i + 1:i + 5]))
    return False


def _cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


# ---------------------------------------------------------------------------------------------
# Numbers as text


def trimmed(v: Decimal) -> str:
    text = format(v, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def show(v: Decimal, unit: str) -> str:
    """A value with its unit as a report writes it: 414.31 万元, 65.11%, 18 人, 98 分."""
    if unit == "%":
        return trimmed(round_half_up(v)) + "%"
    if unit == "万元":
        return f"{format(v if v.as_tuple().exponent <= -2 else round_half_up(v), 'f')} 万元"  # type: ignore[operator]
    return f"{trimmed(v)} {unit}".strip()


def tolerance_text(tolerance: Decimal, unit: str) -> str:
    """A tolerance as it is, never rounded: ±0.005%, ±0.5 分, ±0.005 万元."""
    return f"±{trimmed(tolerance)}{'' if unit == '%' else ' '}{unit}"


def half_unit(decimals: int) -> Decimal:
    return Decimal(5).scaleb(-(decimals + 1))


def quote(clause: str, limit: int = 80) -> str:
    """A clause short enough for a message: its end, where the figure or claim is."""
    flat = " ".join(clause.split())
    return flat if len(flat) <= limit else "…" + flat[-(limit - 1):]


# ---------------------------------------------------------------------------------------------
# The data behind a key


def _span(sheet: str, letter: str | None, rows: list[int]) -> Cell | None:
    if not letter or not rows:
        return None
    first, last = min(rows), max(rows)
    if first == last:
        return Cell(sheet, f"{letter}{first}")
    if sorted(rows) == list(range(first, last + 1)):
        return Cell(sheet, f"{letter}{first}:{letter}{last}")
    return Cell(sheet, ",".join(f"{letter}{r}" for r in sorted(rows)))


class Data:
    """Every value a figure may be bound to, looked up by key."""

    def __init__(self, sub: Submission, calc: Calc) -> None:
        self.sub = sub
        self.calc = calc
        self.indicators = {i.row.number: i for i in calc.indicators}

    def label(self, key: str) -> str:
        from .evaluate import METRICS

        if key in S.FIELDS:
            f = S.FIELDS[key]
            return f"预算执行表·{f.label}" if key.startswith("exec_") else f.label
        for m in METRICS:
            if m.key == key:
                return m.label
        parts = key.split(".")
        if parts[0] == "projects":
            cat = next(w for w, c in CATEGORY_WORDS.items() if c == parts[1])
            return cat + "项目" + {"initial": "年初预算数之和", "budget": "全年预算数之和",
                                   "actual": "全年执行数之和", "count": "个数"}[parts[2]]
        if parts[0] == "indicator":
            ind = self.indicators[int(parts[1])]
            return f"“{ind.name}”" + {"actual": "完成值", "target": "指标值", "score": "自评得分",
                                      "completion_pct": "完成率"}[parts[2]]
        return key

    def datum(self, key: str) -> Datum | None:
        sub = self.sub
        if key in S.FIELDS:
            f = S.FIELDS[key]
            v = sub.number(key)
            if v is None:
                return None
            unit = f.unit if f.kind is S.Kind.INTEGER and f.unit else KIND_UNITS.get(f.kind, "")
            return Datum(v, unit, sub[key].cell)
        parts = key.split(".")
        if key.startswith("income.share_pct."):
            src = parts[-1]
            parts_ = [sub.amount(f"income_{k}") for k, _ in S.INCOME_SOURCES]
            whole = sum((p for p in parts_ if p is not None), ZERO)
            if whole == 0 or all(p is None for p in parts_):
                return None
            part = sub.amount(f"income_{src}") or ZERO
            return Datum(part / whole * HUNDRED, "%", sub[f"income_{src}"].cell, True)
        if key.startswith("expenditure.share_pct."):
            name = {"basic": "exp_basic", "project": "exp_project"}[parts[-1]]
            basic, project = sub.amount("exp_basic"), sub.amount("exp_project")
            whole = (basic or ZERO) + (project or ZERO)
            part = sub.amount(name)
            if part is None or whole == 0:
                return None
            return Datum(part / whole * HUNDRED, "%", sub[name].cell, True)
        if key.startswith("execution.rate_pct."):
            actual, budget = sub.amount(f"exec_{parts[-1]}_actual"), sub.amount(f"exec_{parts[-1]}_budget")
            if actual is None or not budget:
                return None
            return Datum(actual / budget * HUNDRED, "%", sub[f"exec_{parts[-1]}_actual"].cell, True)
        if parts[0] == "projects":
            return self._projects(parts[1] if parts[1] != "by_category" else parts[2],
                                  "rate" if parts[1] == "by_category" else parts[2])
        if parts[0] == "indicator":
            return self._indicator(self.indicators.get(int(parts[1])), parts[2])
        return None

    def _projects(self, cat: str, what: str) -> Datum | None:
        mine = [p for p in self.calc.projects if p.category == cat]
        table = self.sub.projects
        rows = [p.row.number for p in mine]
        if what == "count":
            return Datum(Decimal(len(mine)), "个", _span(table.sheet, table.columns.get("name"), rows),
                         True) if mine else None

        def total(col: str) -> Decimal | None:
            values = [_dec(p.row.get(col)) for p in mine]
            return sum(values, ZERO) if mine and all(v is not None for v in values) else None  # type: ignore[arg-type]

        if what == "rate":
            actual, budget = total("actual"), total("budget")
            if actual is None or not budget:
                return None
            return Datum(actual / budget * HUNDRED, "%",
                         _span(table.sheet, table.columns.get("actual"), rows), True)
        v = total(what)
        return None if v is None else Datum(v, "万元", _span(table.sheet, table.columns.get(what), rows),
                                            True)

    def _indicator(self, ind: IndicatorCalc | None, what: str) -> Datum | None:
        if ind is None:
            return None
        unit = ind.row.get("unit") if isinstance(ind.row.get("unit"), str) else ""
        cell = self.sub.indicators.cell("actual", ind.row.number)
        if what in ("actual", "target"):
            v = _dec(ind.row.get(what))
            return None if v is None else Datum(v, unit.strip(),
                                                self.sub.indicators.cell(what, ind.row.number))
        if what == "score":
            v = _dec(ind.row.get("score"))
            return None if v is None else Datum(v, "分", self.sub.indicators.cell("score", ind.row.number))
        if what == "completion_pct":
            target, actual = _dec(ind.row.get("target")), _dec(ind.row.get("actual"))
            if target is None or actual is None:
                return None
            if ind.nature in ("≥", "=") and target > 0:
                return Datum(actual / target * HUNDRED, "%", cell, True)
            if ind.nature == "≤" and actual > 0:
                return Datum(target / actual * HUNDRED, "%", cell, True)
        return None


def unit_of(text: str) -> tuple[str, Decimal] | None:
    """The dimension and factor of a unit as a report or the 度量单位 column writes it."""
    return UNITS.get(fold_name(text or ""))


def indicator_phrases(name: str) -> tuple[str, ...]:
    """The ways a report names an indicator: its name with and without the parenthesis, without
    a trailing 数 / 数量, and the tails of those that are at least half the name (and 4 long)."""
    full = fold_name(name)
    bases = {full, re.sub(r"\([^)]*\)", "", full)}
    if len(full) > NAME_TAILS_UP_TO:
        return tuple(sorted((b for b in bases if b), key=len, reverse=True))
    for b in list(bases):
        for end in ("数量", "个数", "次数", "总数", "数"):
            if b.endswith(end) and len(b) > len(end) + 2:
                bases.add(b[: -len(end)])
    out = set()
    for b in bases:
        if not b:
            continue
        least = max(4, -(-len(b) // 2))
        out.update(b[i:] for i in range(0, len(b) - least + 1))
    return tuple(sorted(out, key=len, reverse=True))


def indicator_rows(data: Data, plan: bool) -> tuple[Bind, ...]:
    rows = []
    for ind in data.calc.indicators:
        if not ind.name:
            continue
        phrases = indicator_phrases(ind.name)
        unit = ind.row.get("unit")
        u = unit_of(unit) if isinstance(unit, str) else None
        if u is not None and _dec(ind.row.get("actual")) is not None:
            what = "target" if plan else "actual"
            rows.append(Bind(phrases, f"indicator.{ind.row.number}.{what}", u[0]))
        rows.append(Bind(tuple(p + s for p in phrases for s in ("得分", "自评得分")),
                         f"indicator.{ind.row.number}.score", SCORE))
    return tuple(rows)


# ---------------------------------------------------------------------------------------------
# Scanning


@dataclass
class _Found:
    """A figure while its text is being read."""

    start: int  # folded offsets
    end: int
    number: Decimal
    decimals: int
    unit: str
    qualifier: str
    sentence: int  # start of its sentence
    clause: int  # start of its clause
    clause_end: int
    key: str | None = None
    quote_from: int | None = None
    note: str = ""


def scan(t: Folded) -> list[_Found]:
    """Every figure in a folded text, with its sentence and clause."""
    s = t.text
    out: list[_Found] = []
    for m in FIGURE.finditer(s):
        if len(out) == MAX_FIGURES:
            break
        unit, end = m["unit"], m.end()
        after = s[end:end + 3]
        if s[max(0, m.start() - 1):m.start()] == "第" or after.startswith("/"):
            continue
        if after.startswith(NOT_AFTER.get(unit, ())):
            continue
        if unit == "分" and after and after[0] not in SCORE_AFTER and not after[0].isspace() \
                and (_cjk(after[0]) or after[0].isalnum()):
            continue
        digits = m["num"].replace(",", "")
        if len(digits.replace(".", "").lstrip("0")) > MAX_DIGITS:
            continue
        before = s[max(0, m.start() - 3):m.start()]
        qualifier = next((q for w, q in QUALIFIERS_BEFORE if before.endswith(w)), EXACT)
        if m["approx"]:
            qualifier = AT_LEAST
        qualifier = next((q for w, q in QUALIFIERS_AFTER if after.startswith(w)), qualifier)
        out.append(_Found(m.start(), m.end(), Decimal(digits),
                          len(digits.split(".")[1]) if "." in digits else 0, unit, qualifier,
                          t.start_of("sentence", m.start()), t.start_of("clause", m.start()),
                          t.end_of("clause", m.end())))
    return out


# ---------------------------------------------------------------------------------------------
# Binding


@dataclass(frozen=True)
class _Match:
    rank: tuple[int, int, int]
    key: str | None
    at: int  # end of the phrase in the window


def _best(window: str, prefix: str, rows: Iterable[Bind], dimension: str | None
          ) -> list[_Match]:
    """The rows whose phrase ends nearest the figure (then the longest, then the latest topic);
    more than one key among the best means the words do not say which."""
    found: list[_Match] = []
    for row in rows:
        if dimension is not None and row.dimension not in (dimension, None):
            continue
        topic = -1
        if row.topic:
            topic = max(prefix.rfind(w) for w in row.topic)
            if topic < 0:
                continue
        for p in row.phrases:
            i = window.rfind(p)
            if i >= 0:
                found.append(_Match((i + len(p), len(p), topic), row.key, i + len(p)))
    if not found:
        return []
    top = max(m.rank for m in found)
    return [m for m in found if m.rank == top]


def _other_year(window: str, year: int | None) -> bool:
    if any(w in window for w in OTHER_YEAR_WORDS):
        return True
    return year is not None and any(int(y) != year for y in re.findall(r"(\d{4})年", window))


class _Binder:
    def __init__(self, data: Data, t: Folded, found: list[_Found], plan: bool) -> None:
        self.data, self.t, self.found = data, t, found
        self.rows = BINDINGS + indicator_rows(data, plan)
        self.year = data.sub.year
        self.sentences: dict[int, list[int]] = {}  # sentence start -> its figures
        for k, f in enumerate(found):
            self.sentences.setdefault(f.sentence, []).append(k)

    def prefix(self, f: _Found) -> str:
        """The sentence before the figure, as far back as a topic may be named."""
        return self.t.text[max(f.sentence, f.start - TOPIC_REACH):f.start]

    def window(self, k: int) -> str:
        f = self.found[k]
        start = f.clause
        if k > 0 and self.found[k - 1].sentence == f.sentence:
            start = max(start, self.found[k - 1].end)
        return self.t.text[start:f.start]

    def bind_all(self) -> None:
        for k, f in enumerate(self.found):
            if UNITS[f.unit][0] == PERCENT and self._relation(k):
                continue
            self._plain(k)

    def _plain(self, k: int) -> None:
        f = self.found[k]
        window = self.window(k)
        best = _best(window, self.prefix(f), self.rows, UNITS[f.unit][0])
        if not best:
            return
        if len({m.key for m in best}) > 1:
            f.note = "多个项目都可对应"
            return
        if best[0].key is None:
            f.note = "填报表中没有这一项"
            return
        tail = window[best[0].at:]
        if any(w in tail for w in CHANGE_WORDS):
            f.note = "增减变动数"
            return
        if _other_year(window, self.year):
            f.note = "其他年度的数"
            return
        key: str = best[0].key
        if any(w in tail for w in PLAN_WORDS):
            if not key.startswith("indicator.") or not key.endswith(".actual"):
                f.note = "计划或目标数"
                return
            key = key.removesuffix(".actual") + ".target"
        f.key = key

    # -- 占 x% / 完成 … 的 x% / 分别 ----------------------------------------------------------
    def _relation(self, k: int) -> bool:
        f = self.found[k]
        listed = self._respectively(k)
        if listed is not None:
            return listed
        window = self.window(k)
        for words, kind in ((SHARE_WORDS, "share"), (COMPLETION_WORDS, "completion")):
            at = max(window.rfind(w) for w in words)
            if at < 0:
                continue
            own = _best(window, self.prefix(f), self.rows, PERCENT)
            if own and own[0].rank[0] > at:
                return False  # a percentage named after the relation word
            subject = self._subject(window[:at], kind)
            if subject is None:
                prev = self._previous(k)
                subject = self.found[prev].key if prev is not None else None
                if prev is not None:
                    f.quote_from = self.found[prev].clause
            f.key = self._related(subject, kind)
            if f.key is None:
                f.note = "未能确定所占比例或完成率对应的项目"
            return True
        return False

    def _subject(self, before: str, kind: str) -> str | None:
        """The key named just before 占 / 完成 in the figure's own window."""
        dims = (CNY,) if kind == "share" else (CNY, USD, COUNT, VISITS, PERCENT)
        keys = {m.key for m in _best(before, before, [r for r in self.rows if r.dimension in dims],
                                     None)}
        return keys.pop() if len(keys) == 1 else None

    def _previous(self, k: int) -> int | None:
        """The figure before ``k`` in its sentence that is not a percentage."""
        f = self.found[k]
        for j in range(k - 1, -1, -1):
            g = self.found[j]
            if g.sentence != f.sentence:
                return None
            if UNITS[g.unit][0] != PERCENT:
                return j
        return None

    def _related(self, key: str | None, kind: str) -> str | None:
        if key is None:
            return None
        if kind == "share":
            return SHARE_OF.get(key)
        if key.startswith("indicator.") and key.endswith(".actual"):
            return key.removesuffix(".actual") + ".completion_pct"
        return None

    def _respectively(self, k: int) -> bool | None:
        """A percentage in a list after 分别: pair it with the figures listed before."""
        f = self.found[k]
        s = self.t.text
        at = s.rfind(RESPECTIVELY, f.sentence, f.start)
        if at < 0:
            return None
        same = self.sentences[f.sentence]
        if any(at < self.found[j].start < f.start and UNITS[self.found[j].unit][0] != PERCENT
               for j in same):
            return None  # 分别 belongs to an earlier list
        percents = []  # the run of percentages after 分别
        for j in (j for j in same if self.found[j].start > at):
            if UNITS[self.found[j].unit][0] != PERCENT:
                break
            percents.append(j)
        first = self.found[percents[0]]
        relation = s[at:first.start]
        kind = "share" if any(w in relation for w in SHARE_WORDS) else \
            "completion" if any(w in relation for w in COMPLETION_WORDS) else None
        if kind is None:
            return None
        listed = [j for j in same if self.found[j].end <= at
                  and UNITS[self.found[j].unit][0] != PERCENT]
        last_pct = max((j for j in same if self.found[j].end <= at
                        and UNITS[self.found[j].unit][0] == PERCENT), default=None)
        if last_pct is not None:
            listed = [j for j in listed if j > last_pct]
        i = len(listed) - len(percents) + percents.index(k)
        if i < 0:
            f.note = "分别列出的数字少于百分比"
            return True
        target = self.found[listed[i]]
        subject = target.key
        if kind == "completion" and not (subject or "").startswith("indicator."):
            subject = self._indicator_by_value(target)
        f.key = self._related(subject, kind)
        if f.key is None:
            f.note = "未能确定所占比例或完成率对应的项目"
        return True

    def _indicator_by_value(self, g: _Found) -> str | None:
        """The one indicator whose 完成值 is the figure ``g`` (units converted)."""
        dim, factor = UNITS[g.unit]
        hits = []
        for ind in self.data.calc.indicators:
            unit = ind.row.get("unit")
            u = unit_of(unit) if isinstance(unit, str) else None
            actual = _dec(ind.row.get("actual"))
            if u is None or actual is None or u[0] != dim:
                continue
            scale = factor / u[1]
            if abs(g.number * scale - actual) <= half_unit(g.decimals) * scale:
                hits.append(f"indicator.{ind.row.number}.actual")
        return hits[0] if len(hits) == 1 else None


# ---------------------------------------------------------------------------------------------
# Judging


def judge(number: Decimal, decimals: int, unit: str, qualifier: str, d: Datum
          ) -> tuple[str, Decimal]:
    """The verdict of a figure against its datum, and the tolerance in the figure's unit."""
    tol = half_unit(decimals)
    fig_dim, fig_factor = UNITS[unit]
    u = unit_of(d.unit)
    if u is None or u[0] != fig_dim:
        return UNBOUND, tol
    scale = fig_factor / u[1]
    value, margin = number * scale, tol * scale
    diff = d.value - value
    if qualifier == AT_LEAST:
        ok = diff >= -margin
    elif qualifier == AT_MOST:
        ok = diff <= margin
    elif qualifier == ABOUT:
        ok = abs(diff) <= max(2 * margin, abs(value) * ABOUT_SHARE)
    else:
        ok = abs(diff) <= margin
    return (VERIFIED if ok else MISMATCH), tol


def _figure(name: str, where: Cell | None, t: Folded, f: _Found, data: Data) -> Figure:
    start = f.quote_from if f.quote_from is not None else f.clause
    clause = t.span(start, f.clause_end).strip(" ，,；;：:")
    text = t.original[t.at[f.start]:t.at[f.end - 1] + 1]
    datum = data.datum(f.key) if f.key else None
    verdict, tol = UNBOUND, half_unit(f.decimals)
    note = f.note
    if f.key and datum is None:
        note = note or "填报表中没有这个数"
    if datum is not None:
        verdict, tol = judge(f.number, f.decimals, f.unit, f.qualifier, datum)
        if verdict == UNBOUND:
            note = note or "单位不同，无法比较"
    return Figure(name, where, clause, text, f.number, f.unit, f.decimals, f.qualifier, f.key,
                  data.label(f.key) if f.key else None, datum, verdict, tol, note, t.at[f.start])


def _field(name: str, text: str, where: Cell | None, data: Data
           ) -> tuple[list[Figure], list[Claim]]:
    t = fold(text)
    found = scan(t)
    _Binder(data, t, found, name in PLAN_FIELDS).bind_all()
    figures = [_figure(name, where, t, f, data) for f in found]
    claims = [] if name in NO_CLAIMS else _claims(name, where, t, found, figures, data)
    return figures, claims


# -- claims -----------------------------------------------------------------------------------


def _category(prefix: str) -> str | None:
    best, at = None, -1
    for word, cat in CATEGORY_WORDS.items():
        i = prefix.rfind(word)
        if i > at:
            best, at = cat, i
    return best


Outcome = tuple[bool | None, str, str, Cell | None]  # holds, what the data shows (zh, en), where


def _balance(data: Data, cat: str | None) -> Outcome:
    """Was money left: a year-end balance, or projects that did not spend their budget?"""
    sub = data.sub
    projects = [p for p in data.calc.projects if cat is None or p.category == cat]
    rows = [p.row.number for p in projects]
    table = sub.projects
    unspent = sum((p.unspent for p in projects if p.unspent is not None and p.unspent > 0), ZERO)
    left = sum((b for b in (_dec(p.row.get("balance")) for p in projects) if b is not None and b > 0),
               ZERO)
    tol = CENT * max(1, len(projects))
    who = (next(w for w, c in CATEGORY_WORDS.items() if c == cat) if cat else "") + "项目"
    end = sub.amount("balance_end")
    if cat is None and end is not None and end > CENT / 2:
        return False, f"年末结转和结余 {show(end, '万元')}", f"the year-end balance is {end}", \
            sub["balance_end"].cell
    if unspent > tol:
        return (False, f"{who}全年预算数比全年执行数多 {show(unspent, '万元')}，资金没有全部支出",
                f"{unspent} of the {who} budget was not spent",
                _span(table.sheet, table.columns.get("actual"), rows))
    if left > tol:
        return (False, f"{who}年末结转结余 {show(left, '万元')}", f"{left} carried over",
                _span(table.sheet, table.columns.get("balance"), rows))
    if not projects and (cat is not None or end is None):
        return None, "没有可核对的数据", "no data to check", None
    return True, "没有剩余资金", "no money was left", _span(table.sheet, table.columns.get("actual"),
                                                         rows)


def _completion(data: Data, keys: set[str]) -> Outcome:
    """Is every indicator met: those the paragraph names, or all of them?"""
    rows = {int(k.split(".")[1]) for k in keys if k.startswith("indicator.")}
    scope = [i for i in data.calc.indicators if not rows or i.row.number in rows]
    unmet = [i for i in scope if i.met is False]
    if not unmet:
        if not any(i.met is not None for i in scope):
            return None, "没有可核对的指标", "no indicator to check", None
        return True, "各项指标均已完成", "every indicator is met", None
    parts = []
    for i in unmet[:3]:
        unit = i.row.get("unit") if isinstance(i.row.get("unit"), str) else ""
        actual, target = i.row.get("actual"), i.row.get("target")
        if isinstance(actual, Decimal) and isinstance(target, Decimal):
            parts.append(f"“{i.name}”完成值 {show(actual, unit)}，指标值 {show(target, unit)}")
        else:
            parts.append(f"“{i.name}”完成值为“{actual}”")
    more = f"等 {len(unmet)} 项指标" if len(unmet) > 3 else ""
    return (False, "；".join(parts) + more + "，未完成",
            f"{len(unmet)} indicator(s) not met: " + ", ".join(str(i.name) for i in unmet[:3]),
            data.sub.indicators.cell("actual", unmet[0].row.number))


def _execution(data: Data, prefix: str) -> Outcome:
    """Was the budget the sentence is about spent in full?"""
    scopes = [(prefix.rfind(w), k) for w, k in (("基本支出", "execution.rate_pct.basic"),
                                                ("项目支出", "execution.rate_pct.project"))]
    scopes += [(prefix.rfind(w), f"projects.by_category.{c}.execution_rate_pct")
               for w, c in CATEGORY_WORDS.items()]
    at, key = max(scopes)
    if at < 0:
        key = "execution.rate_pct.project" if any(w in prefix for w in PROJECT_MONEY) \
            else "execution.rate_pct.total"
    d = data.datum(key)
    if d is None:
        return None, "没有可核对的数据", "no data to check", None
    label = data.label(key)
    return d.value >= HUNDRED - CENT / 2, f"{label} {d.shown}", f"the execution rate is {d.shown}", \
        d.cell


def _negated(before: str) -> bool:
    return any(n in before[-3:] for n in NEGATIONS) or any(w in before for w in ASPIRATIONS)


def _claims(name: str, where: Cell | None, t: Folded, found: list[_Found], figures: list[Figure],
            data: Data) -> list[Claim]:
    s = t.text
    hits: list[tuple[int, int, str, str]] = []  # start, end, words, kind
    for phrases, kind in CLAIMS:
        for phrase in phrases:
            for m in re.finditer(re.escape(phrase), s):
                if len(hits) == MAX_CLAIMS:
                    break
                if any(a < m.end() and m.start() < b for a, b, _, _ in hits):
                    continue  # inside a claim already found
                before = s[t.start_of("clause", m.start()):m.start()]
                if _negated(before):
                    continue
                if kind == BALANCE and phrase.startswith("全部") and s[m.end():m.end() + 1] \
                        and s[m.end()] not in "完了毕" and not _is_clause_end(s, m.end()):
                    continue  # 全部支出中…: the noun, not the claim
                hits.append((m.start(), m.end(), phrase, kind))
    for f, g in zip(found, figures, strict=False):  # 资金执行 100%: a full execution no phrase names
        if g.key is None and f.unit == "%" and f.number == HUNDRED and "执行" in s[f.clause:f.start]:
            hits.append((f.start, f.end, g.text, EXECUTION))
    out = []
    for start, end, words, kind in sorted(hits):
        prefix = s[max(t.start_of("sentence", start), start - TOPIC_REACH):start]
        if kind == BALANCE:
            holds, zh, en, cell = _balance(data, _category(prefix))
        elif kind == COMPLETION:
            lo, hi = t.at[t.start_of("line", start)], t.at[t.end_of("line", start)]
            holds, zh, en, cell = _completion(
                data, {f.key for f in figures if f.key and lo <= f.start < hi})
        else:
            holds, zh, en, cell = _execution(data, prefix)
        clause = t.span(t.start_of("clause", start), t.end_of("clause", end)).strip(" ，,；;：:")
        out.append(Claim(name, where, clause, words, kind, holds, zh, en, cell, t.at[start]))
    return out


# ---------------------------------------------------------------------------------------------


def read_narrative(sub: Submission, calc: Calc) -> Narrative:
    """Every figure and claim in the submission's long-text fields, checked against its data."""
    data = Data(sub, calc)
    figures: list[Figure] = []
    claims: list[Claim] = []
    for name in TEXT_FIELDS:
        v = sub[name]
        if not isinstance(v.value, str) or not v.value.strip():
            continue
        f, c = _field(name, v.value, v.cell, data)
        figures += f
        claims += c
    return Narrative(tuple(figures), tuple(claims))
