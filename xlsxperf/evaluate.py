"""Submission -> Evaluation: the computed figures and every finding. Pure, no I/O.

:func:`compute` derives the metrics (SPEC section 6) and the per-project and per-indicator
figures; :func:`evaluate_submission` runs every enabled rule over the submission and the
computed figures. :func:`evaluate` is the one-call entry point: path in, Evaluation out.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import schema as S
from .config import Config, default_config
from .files import file_sha256
from .model import Finding, Row, Severity, Status, Submission
from .narrative import Narrative, read_narrative
from .scoring import budget_score, completion_pct, grade, indicator_score, met, pct
from .values import round_half_up
from .values import sum_present as _sum
from .values import to_decimal as _dec

INCOME_KEYS = tuple(k for k, _ in S.INCOME_SOURCES)


@dataclass(frozen=True)
class MetricDef:
    key: str
    label: str
    words: str  # the formula in words, as the 计算指标 sheet shows it
    unit: str  # 万元, %, 分, 人, or "" for a grade
    typed: str | None = None  # the field holding the department's own figure, if any


def _metric_defs() -> tuple[MetricDef, ...]:
    defs = [MetricDef("income.total", "收入合计", "各项收入之和", "万元", "income_total")]
    for key, label in S.INCOME_SOURCES:
        defs.append(MetricDef(f"income.share_pct.{key}", f"{label}占比",
                              f"{label} ÷ 收入合计 × 100%", "%"))
    defs += [
        MetricDef("expenditure.total", "支出合计", "基本支出 + 项目支出", "万元", "exp_total"),
        MetricDef("expenditure.share_pct.basic", "基本支出占比", "基本支出 ÷ 支出合计 × 100%", "%"),
        MetricDef("expenditure.share_pct.project", "项目支出占比", "项目支出 ÷ 支出合计 × 100%", "%"),
    ]
    for rkey, rlabel in S.EXECUTION.rows:
        defs.append(MetricDef(f"execution.rate_pct.{rkey}", f"{rlabel}预算执行率",
                              f"{rlabel}全年执行数 ÷ 全年预算数 × 100%", "%",
                              f"exec_{rkey}_rate"))
    for label, key in S.CATEGORY_KEYS.items():
        defs.append(MetricDef(f"projects.by_category.{key}.execution_rate_pct",
                              f"{label}项目执行率",
                              f"{label}项目全年执行数之和 ÷ 全年预算数之和 × 100%", "%"))
    defs += [
        MetricDef("staff.quota_total", "核定编制合计", "行政编制 + 事业编制 + 工勤编制", "人",
                  "quota_total"),
        MetricDef("staff.actual_total", "期末实有人数合计", "实有行政 + 事业 + 工勤人员", "人",
                  "staff_total"),
        MetricDef("score.budget_computed", "预算执行率得分",
                  "min(权重, 预算执行率 × 权重)，执行率 = 合计全年执行数 ÷ 全年预算数", "分",
                  "budget_score"),
        MetricDef("score.self", "自评总分", "部门填报的自评总分", "分"),
        MetricDef("score.computed", "计算总分", "预算执行率得分 + 各指标计算得分之和", "分", "self_total"),
        MetricDef("grade.self", "自评等级", "部门填报的评价等级；未填写时按自评总分确定", "", "self_grade"),
        MetricDef("grade.computed", "计算等级", "按计算总分：优 ≥ 90，良 80–90，中 60–80，差 < 60", "",
                  "self_grade"),
    ]
    return tuple(defs)


METRICS: tuple[MetricDef, ...] = _metric_defs()


@dataclass
class ProjectCalc:
    row: Row
    name: str | None
    category: str | None  # personnel / operating / special
    execution_rate_pct: Decimal | None
    unspent: Decimal | None  # 全年预算数 − 全年执行数

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "category": self.category, "row": self.row.number,
                "budget": json_number(self.row.get("budget")), "actual": json_number(self.row.get("actual")),
                "execution_rate_pct": json_number(self.execution_rate_pct)}


@dataclass
class IndicatorCalc:
    row: Row
    name: str | None
    level1: str | None
    nature: str | None
    weight: Decimal | None
    score_self: Decimal | None
    score_computed: Decimal | None
    completion_pct: Decimal | None
    met: bool | None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "level1": self.level1, "nature": self.nature,
                "row": self.row.number, "weight": json_number(self.weight),
                "completion_pct": json_number(self.completion_pct),
                "score_self": json_number(self.score_self), "score_computed": json_number(self.score_computed),
                "met": self.met}


@dataclass
class Calc:
    metrics: dict[str, Decimal | str | None]
    projects: list[ProjectCalc]
    indicators: list[IndicatorCalc]
    budget_weight: Decimal
    narrative: Narrative | None = None  # the figures and claims of the text fields, checked


def compute(sub: Submission, config: Config) -> Calc:
    """Every metric and the per-project and per-indicator figures."""
    m: dict[str, Decimal | str | None] = {}
    income = _sum([sub.amount(f"income_{k}") for k in INCOME_KEYS])
    m["income.total"] = income
    for k in INCOME_KEYS:
        m[f"income.share_pct.{k}"] = pct(sub.amount(f"income_{k}") or Decimal(0), income) \
            if income else None
    basic, project = sub.amount("exp_basic"), sub.amount("exp_project")
    spent = _sum([basic, project])
    m["expenditure.total"] = spent
    m["expenditure.share_pct.basic"] = pct(basic, spent)
    m["expenditure.share_pct.project"] = pct(project, spent)
    for rkey, _ in S.EXECUTION.rows:
        m[f"execution.rate_pct.{rkey}"] = pct(sub.amount(f"exec_{rkey}_actual"),
                                              sub.amount(f"exec_{rkey}_budget"))

    projects = []
    for row in sub.projects.rows:
        budget, actual = _dec(row.get("budget")), _dec(row.get("actual"))
        projects.append(ProjectCalc(
            row, row.get("name") if isinstance(row.get("name"), str) else None,
            S.CATEGORY_KEYS.get(row.get("category")), pct(actual, budget),
            budget - actual if budget is not None and actual is not None else None))
    for key in S.CATEGORY_KEYS.values():
        mine = [p for p in projects if p.category == key]
        m[f"projects.by_category.{key}.execution_rate_pct"] = pct(
            _sum([_dec(p.row.get("actual")) for p in mine]),
            _sum([_dec(p.row.get("budget")) for p in mine]))

    m["staff.quota_total"] = _sum([sub.number(f"quota_{k}") for k in ("admin", "institution", "worker")])
    m["staff.actual_total"] = _sum([sub.number(f"staff_{k}") for k in ("admin", "institution", "worker")])

    weight = sub.amount("budget_weight")
    weight = weight if weight is not None else config.profile.budget_weight
    m["score.budget_computed"] = budget_score(sub.amount("exec_total_actual"),
                                              sub.amount("exec_total_budget"), weight)
    indicators = []
    for row in sub.indicators.rows:
        nature, target, actual = row.get("nature"), row.get("target"), row.get("actual")
        w, own = _dec(row.get("weight")), _dec(row.get("score"))
        indicators.append(IndicatorCalc(
            row, row.get("name") if isinstance(row.get("name"), str) else None,
            row.get("level1"), nature, w, own,
            indicator_score(nature, target, actual, w, own),
            completion_pct(nature, target, actual)
            if isinstance(target, Decimal) and isinstance(actual, Decimal) else None,
            met(nature, target, actual)))
    m["score.self"] = sub.amount("self_total")
    parts = [m["score.budget_computed"]] + [i.score_computed for i in indicators]
    total = None if any(p is None for p in parts) or not indicators else round_half_up(
        sum(parts, Decimal(0)))  # type: ignore[arg-type]
    m["score.computed"] = total
    declared = sub.get("self_grade")
    m["grade.self"] = declared if declared in S.GRADES else grade(m["score.self"], config.grades)
    m["grade.computed"] = grade(total, config.grades)
    calc = Calc(m, projects, indicators, weight)
    calc.narrative = read_narrative(sub, calc)
    return calc


# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Context:
    """What a rule may look at besides the submission: settings, computed figures, today."""

    config: Config
    calc: Calc
    today: date


@dataclass
class Evaluation:
    submission: Submission
    calc: Calc | None
    findings: list[Finding] = field(default_factory=list)
    status: Status = Status.OK
    sha256: str | None = None

    @property
    def path(self) -> str:
        return self.submission.path

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def worst(self) -> Severity | None:
        return max((f.severity for f in self.findings), key=lambda s: s.rank, default=None)


def _order(f: Finding) -> tuple:
    return (-f.severity.rank, S.SHEET_ORDER.index(f.sheet) if f.sheet in S.SHEET_ORDER else 99,
            _cell_key(f.cell), f.code)


def _cell_key(ref: str | None) -> tuple[int, str]:
    if not ref:
        return (0, "")
    letters = "".join(ch for ch in ref if ch.isalpha())
    digits = "".join(ch for ch in ref if ch.isdigit())
    return (int(digits or 0), letters.rjust(3))


def finalize(findings: list[Finding], config: Config) -> list[Finding]:
    """Apply the configured selection and severities, then sort: errors first."""
    out = []
    for f in findings:
        if not config.enabled(f.code) and not f.code.startswith(("S001", "S002", "S005")):
            continue
        if f.code in config.severity:
            f = replace(f, severity=config.severity[f.code])
        out.append(f)
    return sorted(out, key=_order)


def evaluate_submission(sub: Submission, config: Config | None = None,
                        today: date | None = None) -> Evaluation:
    """Run every enabled rule over ``sub``."""
    from .rules import load_all

    config = config or default_config()
    if not sub.readable:
        status = Status.INVALID if any(f.code == "S002" for f in sub.findings) else Status.ERROR
        return Evaluation(sub, None, finalize(sub.findings, config), status)
    calc = compute(sub, config)
    ctx = Context(config, calc, today or date.today())
    findings = list(sub.findings)
    for rule in load_all().values():
        if rule.check is not None and config.enabled(rule.code):
            findings.extend(f if f.path else replace(f, path=sub.path) for f in rule.check(sub, ctx))
    return Evaluation(sub, calc, finalize(findings, config))


def evaluate(path: str | Path, config: Config | None = None) -> Evaluation:
    """Read and evaluate one workbook within ``config.limits``. Never raises for a bad file."""
    from .messages import error_detail
    from .read import read_submission, unreadable

    config = config or default_config()
    sub = read_submission(path, config.limits)
    try:
        ev = evaluate_submission(sub, config)
    except Exception as e:  # a value no rule expected: the file still gets an answer
        logging.getLogger("xlsxperf").error("internal error while checking %s", path, exc_info=e)
        detail = error_detail(e)
        failed = unreadable(path, f"审核时出现内部错误（{detail}）",
                            f"internal error while checking ({detail})")
        ev = Evaluation(failed, None, failed.findings, Status.ERROR)
    ev.sha256 = file_sha256(path)
    return ev


def json_number(v: Any) -> Any:
    """A Decimal as a JSON number (int when whole); anything else as it is."""
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    return v
