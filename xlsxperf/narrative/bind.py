"""Binding: each figure to the field or metric its words name, and judging it against that
datum at the figure's own precision."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from .. import schema as S
from ..metrics import BY_KEY, span
from ..model import Cell, Submission
from ..values import to_decimal as _dec
from .phrases import (
    ABOUT,
    ABOUT_SHARE,
    AT_LEAST,
    AT_MOST,
    BINDINGS,
    CATEGORY_WORDS,
    CHANGE_WORDS,
    CNY,
    COMPLETION_WORDS,
    COUNT,
    HUNDRED,
    KIND_UNITS,
    MISMATCH,
    NAME_TAILS_UP_TO,
    OTHER_YEAR_WORDS,
    PERCENT,
    PLAN_WORDS,
    RESPECTIVELY,
    SCORE,
    SHARE_OF,
    SHARE_WORDS,
    TOPIC_REACH,
    UNBOUND,
    UNITS,
    USD,
    VERIFIED,
    VISITS,
    ZERO,
    Bind,
)
from .records import Datum, Figure
from .text import Folded, Found, fold_name, half_unit

if TYPE_CHECKING:
    from ..calc import Calc, IndicatorCalc

# ---------------------------------------------------------------------------------------------
# The data behind a key


class Data:
    """Every value a figure may be bound to, looked up by key."""

    def __init__(self, sub: Submission, calc: Calc) -> None:
        self.sub = sub
        self.calc = calc
        self.indicators = {i.row.number: i for i in calc.indicators}
        self.basis = calc.basis(sub)

    def label(self, key: str) -> str:
        if key in S.FIELDS:
            f = S.FIELDS[key]
            return f"预算执行表·{f.label}" if key.startswith("exec_") else f.label
        if key in BY_KEY:
            return BY_KEY[key].label
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
        metric = BY_KEY.get(key)
        if metric is not None:
            exact = metric.exact(self.basis)
            if not isinstance(exact, Decimal):
                return None
            return Datum(exact, metric.unit, metric.cell(self.basis), True)
        parts = key.split(".")
        if parts[0] == "projects":
            return self._projects(parts[1], parts[2])
        if parts[0] == "indicator":
            return self._indicator(self.indicators.get(int(parts[1])), parts[2])
        return None

    def _projects(self, cat: str, what: str) -> Datum | None:
        mine = [p for p in self.calc.projects if p.category == cat]
        table = self.sub.projects
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
    out: set[str] = set()
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


class Binder:
    def __init__(self, data: Data, t: Folded, found: list[Found], plan: bool) -> None:
        self.data, self.t, self.found = data, t, found
        self.rows = BINDINGS + indicator_rows(data, plan)
        self.year = data.sub.year
        self.sentences: dict[int, list[int]] = {}  # sentence start -> its figures
        for k, f in enumerate(found):
            self.sentences.setdefault(f.sentence, []).append(k)

    def prefix(self, f: Found) -> str:
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

    def _indicator_by_value(self, g: Found) -> str | None:
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


def figure_record(name: str, where: Cell | None, t: Folded, f: Found, data: Data) -> Figure:
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
