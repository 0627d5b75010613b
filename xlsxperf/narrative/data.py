"""The data behind a key: every value a figure may be compared with (fields, metrics, the
projects and indicators), with its cell and, for a typed total, the sum of its parts."""

from __future__ import annotations

from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING

from .. import schema as S
from ..metrics import BY_KEY, EXPENDITURE_FIELDS, INCOME_FIELDS, METRICS, Metric, span
from ..model import Submission
from ..scoring import ratio
from ..values import to_decimal as _dec
from .index import PhraseIndex, indicator_rows, indicator_unit, project_rows
from .phrases import (
    BINDINGS,
    CATEGORY_WORDS,
    CENT,
    FUNDING_SOURCES,
    HUNDRED,
    KIND_UNITS,
    MEASURES,
    TEXT_FIELDS,
    ZERO,
)
from .records import Datum
from .text import fold, fold_name

if TYPE_CHECKING:
    from ..calc import Calc, IndicatorCalc, ProjectCalc

# A field and the metrics that compute the figure it states (budget_score: 预算执行率得分)
COMPUTING: dict[str, list[Metric]] = {}
for _m in METRICS:
    if _m.typed in S.FIELDS:
        COMPUTING.setdefault(_m.typed, []).append(_m)

# A typed total and the parts that should add up to it: (parts, signs, what the sum is)
TYPED_TOTALS: dict[str, tuple[tuple[str, ...], tuple[int, ...], str]] = {
    "income_total": (tuple(INCOME_FIELDS), (), "各项收入之和"),
    "exp_total": (tuple(EXPENDITURE_FIELDS), (), "基本支出与项目支出之和"),
    "quota_total": (("quota_admin", "quota_institution", "quota_worker"), (), "各类编制之和"),
    "staff_total": (("staff_admin", "staff_institution", "staff_worker"), (), "各类人员之和"),
    **{f"exec_total_{col}": ((f"exec_basic_{col}", f"exec_project_{col}"), (),
                             "基本支出与项目支出之和") for col in ("initial", "budget", "actual")},
    "balance_end": (("balance_start", "income_total", "exp_total"), (1, 1, -1),
                    "年初结转和结余 + 收入合计 − 支出合计"),
}


class Data:
    """Every value a figure may be bound to, looked up by key, and the phrases that name them."""

    def __init__(self, sub: Submission, calc: Calc) -> None:
        self.sub = sub
        self.calc = calc
        self.indicators = {i.row.number: i for i in calc.indicators}
        self.projects = {p.row.number: p for p in calc.projects}
        self.basis = calc.basis(sub)
        name = sub.get("unit_name")
        self.unit_name = fold_name(name) if isinstance(name, str) else ""

    @cached_property
    def index(self) -> PhraseIndex:
        """The table's phrases and this workbook's names, built once."""
        ends = frozenset(t[i:i + n] for t in self._texts() for n in (2, 3, 4)
                         for i in range(len(t) - n + 1))
        return PhraseIndex([*BINDINGS, *indicator_rows(self.calc.indicators, ends),
                            *project_rows(self.calc.projects)])

    def _texts(self) -> list[str]:
        """The long-text fields, folded."""
        out = []
        for name in TEXT_FIELDS:
            v = self.sub.get(name)
            if isinstance(v, str):
                out.append(fold(v).text)
        return out

    def only(self, funding: str) -> bool:
        """Is all the department's money from this source (no other income, no opening
        balance)? Then 一般公共预算财政拨款基本支出 is 基本支出."""
        own = FUNDING_SOURCES.get(funding, ())
        others = [n for n in INCOME_FIELDS if n not in own]
        values = [self.sub.number(n) for n in [*others, "balance_start"]]
        return bool(own) and all(v is not None and v == 0 for v in values)

    @cached_property
    def measured(self) -> dict[str, list[tuple[int, str]]]:
        """Measure word (场, 篇, 公里 …) → the indicators counted in it: (row, name)."""
        measured: dict[str, list[tuple[int, str]]] = {}
        for ind in self.calc.indicators:
            u = indicator_unit(ind)
            if u is not None and u[0] in MEASURES and ind.name and _dec(ind.row.get("actual")) is not None:
                measured.setdefault(u[0], []).append((ind.row.number, fold_name(ind.name)))
        return measured

    @cached_property
    def valued(self) -> list[tuple[str, Decimal, Decimal, int]]:
        """Every indicator's (kind, factor, 完成值, row)."""
        valued = []
        for ind in self.calc.indicators:
            u, actual = indicator_unit(ind), _dec(ind.row.get("actual"))
            if u is not None and actual is not None:
                valued.append((u[0], u[1], actual, ind.row.number))
        return valued

    def label(self, key: str) -> str:
        if key in S.FIELDS:
            f = S.FIELDS[key]
            return f"预算执行表·{f.label}" if key.startswith("exec_") else f.label
        if key in BY_KEY:
            return BY_KEY[key].label
        parts = key.split(".")
        if parts[0] == "projects":
            if parts[1] == "count":
                return "项目支出表所列项目个数"
            cat = next(w for w, c in CATEGORY_WORDS.items() if c == parts[1])
            return cat + "项目" + {"initial": "年初预算数之和", "budget": "全年预算数之和",
                                   "actual": "全年执行数之和", "count": "个数"}[parts[2]]
        if parts[0] == "project":
            p = self.projects[int(parts[1])]
            return f"“{p.name}”" + {"initial": "年初预算数", "budget": "全年预算数",
                                    "actual": "全年执行数", "rate_pct": "执行率"}[parts[2]]
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
            total, words, slip = self._parts(key, v)
            if total is None:  # the same figure computed (预算执行率得分): the text may quote it
                total, words = self._computed(key, v)
            return Datum(v, unit, sub[key].cell, parts=total, parts_words=words, slip=slip)
        metric = BY_KEY.get(key)
        if metric is not None:
            exact = metric.exact(self.basis)
            if not isinstance(exact, Decimal):
                return None
            return Datum(exact, metric.unit, metric.cell(self.basis), True)
        parts = key.split(".")
        if parts[0] == "projects":
            return self._projects(parts[1], parts[2] if len(parts) > 2 else "")
        if parts[0] == "project":
            return self._project(self.projects.get(int(parts[1])), parts[2])
        if parts[0] == "indicator":
            return self._indicator(self.indicators.get(int(parts[1])), parts[2])
        return None

    def _computed(self, key: str, typed: Decimal) -> tuple[Decimal | None, str]:
        """The metric that computes what the field states, when it differs from the typed value."""
        for m in COMPUTING.get(key, ()):
            exact = m.exact(self.basis)
            if isinstance(exact, Decimal) and exact != typed:
                return exact, m.label
        return None, ""

    def _parts(self, key: str, typed: Decimal) -> tuple[Decimal | None, str, bool]:
        """The sum of a typed total's parts when it differs from the typed value, and whether
        the difference is within the parts' rounding (a slip, not an error)."""
        if key == "self_total":
            own = [i.score_self for i in self.calc.indicators]
            budget = self.sub.amount("budget_score")
            if not own or budget is None or any(v is None for v in own):
                return None, "", False
            total = budget + sum((v for v in own if v is not None), ZERO)
            words, n = "预算执行率得分与各项指标得分之和", len(own) + 1
        elif key in TYPED_TOTALS:
            names, signs, words = TYPED_TOTALS[key]
            values = [self.sub.number(n) for n in names]
            if any(v is None for v in values) and key in ("balance_end",):
                return None, "", False
            if all(v is None for v in values):
                return None, "", False
            if key == "balance_end":  # over the computed totals, not the typed ones
                values = [self.sub.number("balance_start"), _metric(self, "income.total"),
                          _metric(self, "expenditure.total")]
                if any(v is None for v in values):
                    return None, "", False
            total = sum(((s or 1) * v for v, s in zip(values, signs or (1,) * len(values),
                                                      strict=False) if v is not None), ZERO)
            n = sum(v is not None for v in values)
        else:
            return None, "", False
        if total == typed:
            return None, "", False
        integer = S.FIELDS[key].kind is S.Kind.INTEGER
        slip = not integer and abs(total - typed) <= CENT / 2 * (n + 1)
        return total, words, slip

    def _projects(self, cat: str, what: str) -> Datum | None:
        table = self.sub.projects
        if cat == "count":
            rows = [p.row.number for p in self.calc.projects]
            return Datum(Decimal(len(rows)), "个", span(table.sheet, table.columns.get("name"), rows),
                         True) if rows else None
        mine = [p for p in self.calc.projects if p.category == cat]
        rows = [p.row.number for p in mine]
        if what == "count":
            return Datum(Decimal(len(mine)), "个", span(table.sheet, table.columns.get("name"), rows),
                         True) if mine else None

        def total(col: str) -> Decimal | None:
            values = [p.row.decimal(col) for p in mine]
            present = [v for v in values if v is not None]
            return sum(present, ZERO) if mine and len(present) == len(values) else None

        v = total(what)
        return None if v is None else Datum(v, "万元", span(table.sheet, table.columns.get(what), rows),
                                            True)

    def _project(self, p: ProjectCalc | None, what: str) -> Datum | None:
        if p is None:
            return None
        table = self.sub.projects
        if what == "rate_pct":
            rate = ratio(p.row.decimal("actual"), p.row.decimal("budget"))
            return None if rate is None else Datum(rate, "%", table.cell("actual", p.row.number), True)
        v = p.row.decimal(what)
        return None if v is None else Datum(v, "万元", table.cell(what, p.row.number))

    def _indicator(self, ind: IndicatorCalc | None, what: str) -> Datum | None:
        if ind is None:
            return None
        unit = ind.row.text("unit") or ""
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
            if ind.nature in (S.Nature.AT_LEAST, S.Nature.EQUAL) and target > 0:
                return Datum(actual / target * HUNDRED, "%", cell, True)
            if ind.nature == S.Nature.AT_MOST and actual > 0:
                return Datum(target / actual * HUNDRED, "%", cell, True)
        return None


def _metric(data: Data, key: str) -> Decimal | None:
    v = BY_KEY[key].exact(data.basis)
    return v if isinstance(v, Decimal) else None
