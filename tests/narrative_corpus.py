"""The report-text corpus (``tests/narrative_corpus/*.toml``): load it, check it, run the checker.

Every case is one or two sentences in the wording of a published report, the data they are
checked against, and what the checker must do with each number in them (bound to what, and
agrees / disagrees / unbound / not compared). ``tests/narrative_corpus/README.md`` documents
the format and lists the sources the wording was learnt from.

- :func:`load_cases` reads the corpus into typed :class:`Case` objects.
- :func:`numbers_in` finds every number followed by a unit in a text, on its own (it does not
  use the checker's scanner), so the corpus can be checked to expect each one exactly once.
- :func:`datum` computes, from the case's own data, the value a key stands for; with
  :func:`figure_agrees` it proves that a figure expected to agree does agree and one planted to
  disagree does not, whatever the checker says.
- :func:`evaluate_case` builds a submission for the case in memory and runs the checker: it is
  the only function that calls into ``xlsxperf``.
- :func:`score` runs every case and counts false accusations, planted contradictions caught and
  figures bound, overall and per class.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parent / "narrative_corpus"
CLEAN_SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "2022_clean_example.xlsx"

CLASSES = tuple(str(i) for i in range(1, 11)) + ("clean", "planted")
CLASS_TITLES = {
    "1": "存量与流量（离退休 vs 本年退休）", "2": "计量种类不同（个/次 vs 人）",
    "3": "总额之后列出的组成部分", "4": "决算口径的收入来源", "5": "总计不是合计",
    "6": "差额（大于/节约/超支）", "7": "标题式写法", "8": "具名项目不是通用项目",
    "9": "合计填报 0.01 尾差", "10": "计数与不比较的原因", "clean": "与数据一致",
    "planted": "故意改错的数字",
}
AGREE, DISAGREE, UNBOUND, NOT_COMPARED = "agree", "disagree", "unbound", "not-compared"
OUTCOMES = (AGREE, DISAGREE, UNBOUND, NOT_COMPARED)
MISSED = "missed"  # the checker did not list the number at all
STYLES = ("自评报告", "自评表", "决算公开")
QUALIFIERS = ("", "at-least", "at-most", "about")

# Fields every case gets unless its data says otherwise: no numbers in them, so that the only
# figures the checker reads are the case's own.
DEFAULTS: dict[str, Any] = {
    "unit_code": "900201", "supervisor": "示例县人民政府", "filler": "王敏",
    "phone": "0800-7654321", "fill_date": "2024-04-20",
    "functions": "负责本部门职责范围内的各项工作。",
    "tasks": "保障机关正常运转，完成年度重点工作任务。",
    "goals": "按时完成年度工作任务，资金使用规范高效。",
    "conclusion": "本年度部门整体支出绩效情况良好。",
    "problems": "预算编制的精细化程度有待提高。",
    "suggestions": "进一步加强预算执行监控。",
    "application": "自评结果作为下年度预算安排的参考。",
}

# ---------------------------------------------------------------------------------------------
# The corpus as data


@dataclass(frozen=True)
class Project:
    name: str
    category: str  # 人员类 / 运转类 / 特定目标类
    initial: Decimal
    budget: Decimal
    actual: Decimal
    balance: Decimal
    reason: str = ""


@dataclass(frozen=True)
class Indicator:
    level1: str
    level2: str
    name: str
    nature: str  # ≥ / ≤ / = / 定性
    target: Decimal | str
    unit: str
    actual: Decimal | str
    weight: Decimal
    score: Decimal
    reason: str = ""


@dataclass(frozen=True)
class Expect:
    """What the checker must do with one number of the text, in the order they are written."""

    figure: str  # as written: "792.22万元"
    outcome: str  # agree / disagree / unbound / not-compared
    binds: str = ""  # for agree / disagree: the field, metric, indicator or project key
    why: str = ""  # for not-compared: 年份 / 增长 / 计划 / 差额 / 期间 / 时长 / 序数 / 标准 …
    qualifier: str = ""  # at-least / at-most / about, when the text says 超 / 近 / 约 …
    typed_note: bool = False  # the typed total differs by a rounding slip: an info note belongs on it
    note: str = ""  # what makes this number a trap, for the reader


@dataclass(frozen=True)
class Case:
    id: str
    file: str
    province: str
    style: str  # 自评报告 / 自评表 / 决算公开
    klass: str  # "1" … "10", "clean", "planted"
    trap: bool
    field: str  # the long-text field holding the text
    text: str
    data: Mapping[str, Decimal | int | str]  # the dataset's fields with the case's overrides
    projects: tuple[Project, ...]
    indicators: tuple[Indicator, ...]
    expect: tuple[Expect, ...]
    dataset: str = ""
    source: str = ""  # the pattern's source (a README entry), when one applies


def _value(v: Any) -> Decimal | int | str:
    """TOML data: integers stay integers (people, years), strings that are numbers are Decimals."""
    if isinstance(v, bool):
        raise ValueError(f"a boolean is not a value: {v!r}")
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        raise ValueError(f"write decimals as strings, not floats: {v!r}")
    if isinstance(v, str):
        try:
            return Decimal(v.replace(",", ""))
        except InvalidOperation:
            return v
    raise ValueError(f"unexpected value {v!r}")


def _measure(v: Any) -> Decimal | str:
    out = _value(v)
    return Decimal(out) if isinstance(out, int) else out


def _project(raw: Mapping[str, Any]) -> Project:
    return Project(raw["name"], raw["category"], Decimal(raw["initial"]), Decimal(raw["budget"]),
                   Decimal(raw["actual"]), Decimal(raw["balance"]), raw.get("reason", ""))


def _indicator(raw: Mapping[str, Any]) -> Indicator:
    return Indicator(raw["level1"], raw["level2"], raw["name"], raw["nature"],
                     _measure(raw["target"]), raw.get("unit", ""), _measure(raw["actual"]),
                     Decimal(str(raw["weight"])), Decimal(str(raw["score"])), raw.get("reason", ""))


def _expect(raw: Mapping[str, Any]) -> Expect:
    known = {"figure", "outcome", "binds", "why", "qualifier", "typed_note", "note"}
    if set(raw) - known:
        raise ValueError(f"unknown keys in expect: {sorted(set(raw) - known)}")
    return Expect(**raw)


def load_file(path: Path) -> list[Case]:
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    datasets = doc.get("dataset", {})
    out = []
    for raw in doc.get("case", []):
        base = datasets.get(raw.get("dataset", ""), {}) if raw.get("dataset") else {}
        if raw.get("dataset") and not base:
            raise ValueError(f"{path.name}: case {raw.get('id')} names unknown dataset {raw['dataset']}")
        data = {k: _value(v) for k, v in {**base.get("fields", {}), **raw.get("data", {})}.items()}
        projects = raw.get("projects", base.get("projects", []))
        indicators = raw.get("indicators", base.get("indicators", []))
        out.append(Case(
            id=raw["id"], file=path.name, province=raw["province"], style=raw["style"],
            klass=str(raw["klass"]), trap=bool(raw["trap"]), field=raw.get("field", "report_text"),
            text=raw["text"], data=data, projects=tuple(_project(p) for p in projects),
            indicators=tuple(_indicator(i) for i in indicators),
            expect=tuple(_expect(e) for e in raw.get("expect", [])),
            dataset=raw.get("dataset", ""), source=raw.get("source", "")))
    return out


@cache
def load_cases() -> tuple[Case, ...]:
    """Every case of every corpus file, in file order."""
    return tuple(c for path in sorted(CORPUS.glob("*.toml")) for c in load_file(path))


# ---------------------------------------------------------------------------------------------
# Numbers in a text, found independently of the checker

_FOLD = str.maketrans("０１２３４５６７８９．％，", "0123456789.%,")
SCAN_UNITS = (
    "个百分点", "个工作日", "平方米", "万人次", "亿美元", "万美元", "人次", "公里", "千米", "亿元",
    "万元", "美元", "个月", "万人", "%", "人", "名", "个", "项", "次", "家", "户", "处", "场", "所",
    "件", "篇", "份", "台", "辆", "座", "期", "套", "册", "条", "亩", "吨", "天", "页", "倍", "元",
    "分",
)
SCAN_NOT_AFTER = {"人": "民", "项": "目", "元": "旦", "名": "称单", "所": "属有在以得", "分": "别钟析配类布"}
_SCAN = re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(余|多)?\s*("
                   + "|".join(re.escape(u) for u in SCAN_UNITS) + ")")


@dataclass(frozen=True)
class Number:
    start: int
    end: int
    text: str  # as written
    value: Decimal
    decimals: int
    unit: str


def fold_figure(text: str) -> str:
    """A figure as written, compared without spaces and full-width forms."""
    return "".join(text.translate(_FOLD).split())


def numbers_in(text: str) -> list[Number]:
    """Every number followed by a unit (dates and numbers without a unit are not figures)."""
    folded = text.translate(_FOLD)
    out = []
    for m in _SCAN.finditer(folded):
        unit = m[3]
        if folded[m.end():m.end() + 1] and folded[m.end()] in SCAN_NOT_AFTER.get(unit, ""):
            continue
        digits = m[1].replace(",", "")
        out.append(Number(m.start(), m.end(), text[m.start():m.end()], Decimal(digits),
                          len(digits.split(".")[1]) if "." in digits else 0, unit))
    return out


# ---------------------------------------------------------------------------------------------
# The data behind a key, computed from the case alone

INCOME_PARTS = ("income_general_budget", "income_gov_fund", "income_state_capital",
                "income_fiscal_special", "income_unit_funds", "income_other")
# A field the department types and the value that should stand behind it.
TYPED_TOTALS = {"income_total": "income.total", "exp_total": "expenditure.total",
                "exec_total_budget": "exec.total.budget", "exec_total_actual": "exec.total.actual",
                "exec_total_initial": "exec.total.initial", "balance_end": "balance.identity",
                "self_total": "score.sum", "quota_total": "staff.quota_total",
                "staff_total": "staff.actual_total"}
# Keys that name the same thing: binding to either is binding right.
SAME = [{"income_total", "income.total"}, {"exp_total", "expenditure.total", "exec_total_actual"},
        {"exp_basic", "exec_basic_actual"}, {"exp_project", "exec_project_actual"},
        {"quota_total", "staff.quota_total"}, {"staff_total", "staff.actual_total"},
        {"self_total", "score.self"}, {"income.grand_total", "expenditure.grand_total"},
        *({f"exec_{k}_rate", f"execution.rate_pct.{k}"} for k in ("basic", "project", "total"))]
AMOUNT_UNITS = {"亿元": Decimal(10000), "万元": Decimal(1), "元": Decimal("0.0001")}
PEOPLE = {"人", "名"}


def same_key(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    return a == b or any(a in s and b in s for s in SAME)


@dataclass(frozen=True)
class Datum:
    value: Decimal
    unit: str  # 万元, %, 人, 分, or an indicator's 度量单位


def _num(case: Case, name: str) -> Decimal | None:
    v = case.data.get(name)
    return Decimal(v) if isinstance(v, (int, Decimal)) else None


def _sum(case: Case, names: Iterable[str]) -> Decimal | None:
    values = [_num(case, n) for n in names]
    return sum((v for v in values if v is not None), Decimal(0)) if any(
        v is not None for v in values) else None


def _pct(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    return None if part is None or not whole else part / whole * 100


def datum(case: Case, key: str) -> Datum | None:
    """The value ``key`` stands for in the case's data (computed keys are not rounded)."""
    d = case.data
    parts = key.split(":") if ":" in key else key.split(".")
    income = _sum(case, INCOME_PARTS)
    spent = _sum(case, ("exp_basic", "exp_project"))
    fiscal = _sum(case, ("income_general_budget", "income_gov_fund", "income_state_capital"))
    computed: dict[str, Decimal | None] = {
        "income.total": income, "expenditure.total": spent,
        "income.fiscal_appropriation": fiscal,
        "income.share_pct.fiscal_appropriation": _pct(fiscal, income),
        "income.grand_total": None if income is None else income + (_num(case, "balance_start") or 0),
        "expenditure.grand_total": None if spent is None else spent + (_num(case, "balance_end") or 0),
        "expenditure.share_pct.basic": _pct(_num(case, "exp_basic"), spent),
        "expenditure.share_pct.project": _pct(_num(case, "exp_project"), spent),
        "staff.quota_total": _sum(case, ("quota_admin", "quota_institution", "quota_worker")),
        "staff.actual_total": _sum(case, ("staff_admin", "staff_institution", "staff_worker")),
        "balance.identity": None if income is None or spent is None else
        (_num(case, "balance_start") or Decimal(0)) + income - spent,
        "score.sum": None if _num(case, "budget_score") is None else
        _num(case, "budget_score") + sum((i.score for i in case.indicators), Decimal(0)),  # type: ignore[operator]
    }
    for row in ("basic", "project", "total"):
        computed[f"execution.rate_pct.{row}"] = _pct(_num(case, f"exec_{row}_actual"),
                                                   _num(case, f"exec_{row}_budget"))
    for col in ("initial", "budget", "actual"):
        computed[f"exec.total.{col}"] = _sum(case, (f"exec_basic_{col}", f"exec_project_{col}"))
    for src in INCOME_PARTS:
        computed[f"income.share_pct.{src.removeprefix('income_')}"] = _pct(_num(case, src), income)
    if key in computed:
        v = computed[key]
        unit = "%" if ("share_pct" in key or "rate_pct" in key) else \
            "人" if key.startswith("staff.") else "分" if key.startswith("score.") else "万元"
        return None if v is None else Datum(v, unit)
    if key == "projects.count":  # how many projects the table lists
        return Datum(Decimal(len(case.projects)), "个") if case.projects else None
    if parts[0] == "projects":  # projects.<category>.initial|budget|actual|count, by_category rates
        cats = {"special": "特定目标类", "operating": "运转类", "personnel": "人员类"}
        if parts[1] == "by_category":
            mine = [p for p in case.projects if p.category == cats[parts[2]]]
            return Datum(sum((p.actual for p in mine), Decimal(0)) / sum(
                (p.budget for p in mine), Decimal(0)) * 100, "%") if mine else None
        mine = [p for p in case.projects if p.category == cats[parts[1]]]
        if not mine:
            return None
        if parts[2] == "count":
            return Datum(Decimal(len(mine)), "个")
        return Datum(sum((getattr(p, parts[2]) for p in mine), Decimal(0)), "万元")
    if parts[0] == "project":  # project:<name>:initial|budget|actual|balance|rate_pct
        p = next((p for p in case.projects if p.name == parts[1]), None)
        if p is None:
            return None
        if parts[2] == "rate_pct":
            return Datum(p.actual / p.budget * 100, "%")
        return Datum(getattr(p, parts[2]), "万元")
    if parts[0] == "indicator":  # indicator:<name>:actual|target|score|completion_pct
        i = next((i for i in case.indicators if i.name == parts[1]), None)
        if i is None:
            return None
        if parts[2] == "score":
            return Datum(i.score, "分")
        if parts[2] in ("actual", "target"):
            v = getattr(i, parts[2])
            return Datum(v, i.unit) if isinstance(v, Decimal) else None
        if parts[2] == "completion_pct" and isinstance(i.actual, Decimal) and isinstance(
                i.target, Decimal):
            if i.nature == "≤":
                return Datum(i.target / i.actual * 100, "%") if i.actual else None
            return Datum(i.actual / i.target * 100, "%") if i.target else None
        return None
    if key in d:
        v = _num(case, key)
        if v is None:
            return None
        unit = "%" if key.endswith("_rate") else "分" if key in ("self_total", "budget_score",
                                                                  "budget_weight") else \
            "人" if isinstance(d[key], int) else "万元"
        return Datum(v, unit)
    return None


def figure_agrees(number: Number, qualifier: str, d: Datum) -> bool | None:
    """Does the figure agree with the datum at the figure's own precision? None: other units."""
    value, unit = number.value, number.unit
    if unit in AMOUNT_UNITS and d.unit in AMOUNT_UNITS:
        scale = AMOUNT_UNITS[unit] / AMOUNT_UNITS[d.unit]
    elif unit == d.unit or (unit in PEOPLE and d.unit in PEOPLE) or (unit == "个" and d.unit in PEOPLE):
        scale = Decimal(1)
    else:
        return None
    margin = Decimal(5).scaleb(-(number.decimals + 1)) * scale
    value *= scale
    diff = d.value - value
    if qualifier == "at-least":
        return diff >= -margin
    if qualifier == "at-most":
        return diff <= margin
    if qualifier == "about":
        return abs(diff) <= max(2 * margin, abs(value) * Decimal("0.05"))
    return abs(diff) <= margin


def expected_data(case: Case, e: Expect) -> list[Datum]:
    """The data an agree / disagree figure is judged against: its key's; for a typed total with a
    rounding slip, also the value that should stand behind it (the text may quote either)."""
    out = [datum(case, e.binds)]
    if e.typed_note and e.binds in TYPED_TOTALS:
        out.append(datum(case, TYPED_TOTALS[e.binds]))
    return [d for d in out if d is not None]


def inconsistencies(case: Case) -> list[str]:
    """Identities the case's data breaks (in class 9, a typed total may be 0.01 off its parts)."""
    slack = {e.binds for e in case.expect if e.typed_note} | (set(TYPED_TOTALS) if case.klass == "9"
                                                             else set())
    out = []

    def check(name: str, typed: str, value: Decimal | None, against: str = "") -> None:
        t = _num(case, typed)
        if t is None or value is None:
            return
        allowed = Decimal("0.01") if slack & {typed, against} else Decimal(0)
        if abs(t - value) > allowed:
            out.append(f"{name}: {typed} = {t}, computed {value}")

    check("收入合计", "income_total", _sum(case, INCOME_PARTS))
    check("支出合计", "exp_total", _sum(case, ("exp_basic", "exp_project")))
    check("基本支出", "exp_basic", _sum(case, ("exp_personnel", "exp_public")))
    identity = datum(case, "balance.identity")
    check("年末结转和结余", "balance_end", identity.value if identity else None)
    for col in ("initial", "budget", "actual"):
        check(f"预算执行表合计·{col}", f"exec_total_{col}",
              _sum(case, (f"exec_basic_{col}", f"exec_project_{col}")))
    for row, exp in (("basic", "exp_basic"), ("project", "exp_project"), ("total", "exp_total")):
        check(f"执行数·{row}", f"exec_{row}_actual", _num(case, exp), exp)
    check("编制合计", "quota_total", _sum(case, ("quota_admin", "quota_institution", "quota_worker")))
    check("实有人数合计", "staff_total", _sum(case, ("staff_admin", "staff_institution", "staff_worker")))
    start = _num(case, "flow_start")
    if start is not None:
        flow = start + (_sum(case, ("flow_in", "flow_hired")) or 0) - (
            _sum(case, ("flow_out", "flow_retired", "flow_other")) or 0)
        check("人员变动", "staff_total", flow)
    if case.indicators:
        weights = sum((i.weight for i in case.indicators), Decimal(0)) + (
            _num(case, "budget_weight") or 0)
        if weights != 100:
            out.append(f"权重合计 {weights}")
        scores = datum(case, "score.sum")
        check("自评总分", "self_total", scores.value if scores else None)
    rate = datum(case, "execution.rate_pct.total")
    if rate is not None and _num(case, "budget_score") is not None:
        computed = min(Decimal(10), rate.value / 10).quantize(Decimal("0.01"), "ROUND_HALF_UP")
        check("预算执行率得分", "budget_score", computed)
    project = _num(case, "exp_project")
    if project is not None and sum((p.actual for p in case.projects), Decimal(0)) > project:
        out.append("项目执行数之和超过项目支出")
    return out


# ---------------------------------------------------------------------------------------------
# Running the checker: the one place that calls into xlsxperf


@dataclass(frozen=True)
class Got:
    """What the checker did with one expected number."""

    expect: Expect
    outcome: str  # agree / disagree / unbound / not-compared / missed
    key: str | None  # what it bound the number to (indicators and projects by name)
    note: str = ""
    typed_note: bool = False  # an info finding sits on the typed total the number names
    why: str = ""  # not compared, and why (年份, 增长, 差额 …)

    @property
    def key_right(self) -> bool:
        return same_key(self.key, self.expect.binds)


@dataclass(frozen=True)
class CaseResult:
    case: Case
    got: tuple[Got, ...]
    extra: tuple[str, ...]  # figures the checker listed that the corpus does not expect
    findings: tuple[tuple[str, str, str], ...]  # every rule's findings: code, severity, where


_BASE: dict[str, Any] = {}


def evaluate_case(case: Case) -> CaseResult:
    """Build the case's submission in memory (from the clean sample's, every field replaced by
    the case's data), run the computation, the report-text check and every rule, and say per
    expected number what the checker did. The only function here that calls into xlsxperf."""
    from xlsxperf import schema as S
    from xlsxperf.config import default_config
    from xlsxperf.evaluation import evaluate_submission
    from xlsxperf.model import Cell, Parse, Row, TableData, Value
    from xlsxperf.narrative import MISMATCH, VERIFIED
    from xlsxperf.read import read_submission

    config = default_config()
    if "sub" not in _BASE:
        _BASE["sub"] = read_submission(CLEAN_SAMPLE, config.limits)
    base = _BASE["sub"]

    def typed(kind: Any, v: Any) -> Any:
        if kind in (S.Kind.INTEGER, S.Kind.YEAR):
            return int(v)
        if kind in (S.Kind.AMOUNT, S.Kind.PERCENT, S.Kind.SCORE):
            return Decimal(v)
        if kind is S.Kind.DATE:
            return date.fromisoformat(v) if isinstance(v, str) else v
        return str(v)

    values = {**DEFAULTS, **case.data, case.field: case.text}
    fields = {}
    for name, f in S.FIELDS.items():
        cell = base[name].cell
        raw = values.get(name)
        fields[name] = Value(None, None, cell, Parse.BLANK) if raw is None else \
            Value(typed(f.kind, raw), raw, cell)

    def table(data: TableData, rows: list[dict[str, Any]], total: dict[str, Any] | None
              ) -> TableData:
        def row(number: int, content: dict[str, Any]) -> Row:
            return Row(number, {k: Value(v, v, Cell(data.sheet, f"{col}{number}"), found_by="table")
                                if v not in (None, "") else
                                Value(None, None, Cell(data.sheet, f"{col}{number}"), Parse.BLANK,
                                      found_by="table")
                                for k, col in data.columns.items() for v in [content.get(k)]})
        first = (data.header_row or 0) + 1
        out = [row(first + i, r) for i, r in enumerate(rows)]
        end = data.total.number if data.total is not None else first + len(rows)
        return replace(data, rows=out, total=row(end, total) if total is not None else None)

    projects = [{"seq": i + 1, "name": p.name, "category": p.category, "initial": p.initial,
                 "budget": p.budget, "actual": p.actual, "balance": p.balance,
                 "reason": p.reason or None} for i, p in enumerate(case.projects)]
    project_total = {"name": "合计", **{k: sum((getattr(p, k) for p in case.projects), Decimal(0))
                                        for k in ("initial", "budget", "actual", "balance")}}
    indicators = [{"level1": i.level1, "level2": i.level2, "name": i.name, "nature": i.nature,
                   "target": i.target, "unit": i.unit or None, "actual": i.actual,
                   "weight": i.weight, "score": i.score, "reason": i.reason or None}
                  for i in case.indicators]
    sub = replace(base, fields=fields, findings=[],
                  projects=table(base.projects, projects, project_total),
                  indicators=table(base.indicators, indicators, None))
    ev = evaluate_submission(sub, config)
    narrative = ev.narrative
    assert narrative is not None

    names = {("indicator", r.number): r.get("name") for r in sub.indicators.rows}
    names.update({("project", r.number): r.get("name") for r in sub.projects.rows})

    def key_of(key: str | None) -> str | None:
        """Indicators and projects by name, as the corpus writes them."""
        if key and key.startswith(("indicator.", "project.")):
            table, row, what = key.split(".")
            return f"{table}:{names.get((table, int(row)))}:{what}"
        return key

    infos = {f.defined_name for f in ev.findings if f.severity.value == "info" and f.defined_name}
    mine = [f for f in narrative.figures if f.field == case.field]
    numbers = numbers_in(case.text)
    got = []
    used: set[int] = set()
    for n, e in zip(numbers, case.expect, strict=False):
        hit = next((k for k, f in enumerate(mine) if k not in used and n.start <= f.start < n.end),
                   None)
        if hit is None:
            got.append(Got(e, MISSED, None))
            continue
        used.add(hit)
        fig = mine[hit]
        outcome = AGREE if fig.verdict == VERIFIED else DISAGREE if fig.verdict == MISMATCH else \
            NOT_COMPARED if fig.why else UNBOUND
        got.append(Got(e, outcome, key_of(fig.key), fig.note, typed_note=bool(e.binds) and e.binds in infos,
                       why=fig.why))
    extra = tuple(fig.text for k, fig in enumerate(mine) if k not in used)
    findings = tuple((f.code, f.severity.value, f.where) for f in ev.findings)
    return CaseResult(case, tuple(got), extra, findings)


# ---------------------------------------------------------------------------------------------
# Scoring


@dataclass
class Tally:
    figures: int = 0
    found: int = 0  # listed by the checker at all (the 报告核对 sheet accounts for it)
    with_datum: int = 0  # expected agree / disagree
    bound_right: int = 0  # …and bound to the expected key
    false_c003: int = 0  # disagree where the corpus expects anything else
    planted: int = 0
    caught: int = 0  # planted contradictions given a C003 on the right key
    outcome_right: int = 0  # outcome (and key, where there is one) as expected
    typed_notes: int = 0
    typed_notes_given: int = 0
    cases: int = 0
    traps: int = 0

    def add(self, g: Got) -> None:
        e = g.expect
        self.figures += 1
        self.found += g.outcome != MISSED
        if e.outcome in (AGREE, DISAGREE):
            self.with_datum += 1
            self.bound_right += g.key_right and g.outcome in (AGREE, DISAGREE)
        if g.outcome == DISAGREE and e.outcome != DISAGREE:
            self.false_c003 += 1
        if e.outcome == DISAGREE:
            self.planted += 1
            self.caught += g.outcome == DISAGREE and g.key_right
        if e.outcome in (AGREE, DISAGREE):
            self.outcome_right += g.outcome == e.outcome and g.key_right
        elif e.outcome == NOT_COMPARED:
            self.outcome_right += g.outcome == NOT_COMPARED
        else:
            self.outcome_right += g.outcome in (UNBOUND, MISSED)
        if e.typed_note:
            self.typed_notes += 1
            self.typed_notes_given += g.typed_note


def score(cases: Iterable[Case]) -> dict[str, Any]:
    """Run every case: the three figures of the issue, and the same per class."""
    total, per_class = Tally(), {k: Tally() for k in CLASSES}
    accused: list[str] = []
    missed: list[str] = []
    uncaught: list[str] = []
    results = []
    for case in cases:
        r = evaluate_case(case)
        results.append(r)
        t = per_class[case.klass]
        t.cases += 1
        t.traps += case.trap
        total.cases += 1
        total.traps += case.trap
        for g in r.got:
            total.add(g)
            t.add(g)
            e = g.expect
            if g.outcome == DISAGREE and e.outcome != DISAGREE:
                accused.append(f"{case.id} {e.figure} → {g.key}")
            if e.outcome == DISAGREE and not (g.outcome == DISAGREE and g.key_right):
                uncaught.append(f"{case.id} {e.figure}: {g.outcome} {g.key or ''}".rstrip())
            if e.outcome in (AGREE, DISAGREE) and not (g.key_right and g.outcome in (AGREE, DISAGREE)):
                missed.append(f"{case.id} {e.figure}: want {e.binds}, got {g.outcome} {g.key or ''}".rstrip())
    return {
        "cases": total.cases,
        "figures": total.figures,
        "false_c003": total.false_c003,
        "false_c003_cases": len({a.split(" ", 1)[0] for a in accused}),
        "planted_caught": total.caught,
        "planted_total": total.planted,
        "bound_right": total.bound_right,
        "with_datum": total.with_datum,
        "bound_share": total.bound_right / total.with_datum if total.with_datum else 0.0,
        "found_share": total.found / total.figures if total.figures else 0.0,
        "typed_notes_given": total.typed_notes_given,
        "typed_notes": total.typed_notes,
        "per_class": {k: vars(v) for k, v in per_class.items()},
        "false_accusations": accused,
        "uncaught": uncaught,
        "not_bound": missed,
        "results": results,
    }


def report(s: Mapping[str, Any]) -> str:
    """The score as a reviewer reads it: the three targets, then one line per class."""
    lines = [
        f"cases {s['cases']}, figures {s['figures']}, listed by the checker "
        f"{s['found_share']:.0%}",
        f"C003 on figures that agree with their data (target 0): {s['false_c003']}, in "
        f"{s['false_c003_cases']} of {s['cases']} cases",
        f"planted contradictions given a C003 on the right datum (target all): "
        f"{s['planted_caught']} / {s['planted_total']}",
        f"figures with a datum bound to it (target ≥ 80%): {s['bound_right']} / "
        f"{s['with_datum']} = {s['bound_share']:.0%}",
        f"typed totals with a rounding slip given an info note: {s['typed_notes_given']} / "
        f"{s['typed_notes']}",
        "class            cases traps figures listed bound/datum false-C003 caught/planted right",
    ]
    for k, t in s["per_class"].items():
        lines.append(f"{k:>7} {CLASS_TITLES[k][:8]:<8} {t['cases']:>5} {t['traps']:>5} "
                     f"{t['figures']:>7} {t['found']:>6} {t['bound_right']:>5}/{t['with_datum']:<5} "
                     f"{t['false_c003']:>10} {t['caught']:>6}/{t['planted']:<7} "
                     f"{t['outcome_right']:>5}")
    return "\n".join(lines)


# A case's data in the form the rules see it, for messages.
def describe(case: Case) -> str:
    return f"{case.file} {case.id} [{case.klass}{' trap' if case.trap else ''}] {case.text}"

