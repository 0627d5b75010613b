"""The phrase index: every phrase that names a datum — the table's, and one workbook's
indicator and project names — mapped to its rows once per workbook, and looked up by the text
that ends where a figure's words end.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

from ..values import to_decimal as _dec
from .phrases import (
    ACTUAL_LINKS,
    CNY,
    INDICATOR_LINKS,
    LINKS,
    NAME_TAILS_UP_TO,
    PERCENT,
    SCORE,
    UNITS,
    Bind,
)
from .text import fold_name

if TYPE_CHECKING:
    from ..calc import IndicatorCalc, ProjectCalc


class PhraseIndex:
    """Phrase → the rows it names, for the table and one workbook's indicators and projects.
    A row with ``suffixes`` is named by its phrase and then one of them (“名称 + 得分”)."""

    def __init__(self, rows: Iterable[Bind]) -> None:
        self.rows: dict[str, list[Bind]] = {}
        self.suffixes: set[str] = set()
        self.longest = 0
        groups: dict[int, list[Bind]] = {}  # rows sharing their phrases (an indicator's)
        for row in rows:
            groups.setdefault(id(row.phrases), []).append(row)
            self.suffixes.update(row.suffixes)
        for same in groups.values():
            phrases = same[0].phrases
            self.longest = max(self.longest, max(map(len, phrases), default=0))
            for p in phrases:
                if p:
                    self.rows.setdefault(p, []).extend(same)

    def ending_at(self, s: str, end: int, lo: int) -> list[tuple[int, Bind]]:
        """Every (phrase length, row) whose phrase ends at ``end`` and starts at or after ``lo``."""
        out = []
        for sfx in (x for x in self.suffixes if s.endswith(x, lo, end)):
            stop = end - len(sfx)
            for n in range(1, min(self.longest, stop - lo) + 1):
                rows = self.rows.get(s[stop - n:stop])
                if rows:
                    out += [(n + len(sfx), r) for r in rows if sfx in r.suffixes]
        for n in range(1, min(self.longest, end - lo) + 1):
            rows = self.rows.get(s[end - n:end])
            if rows:
                out += [(n, r) for r in rows if not r.suffixes]
        return out


@lru_cache(maxsize=256)
def unit_of(text: str) -> tuple[str, Decimal] | None:
    """The kind and factor of a unit as a report or the 度量单位 column writes it."""
    return UNITS.get(fold_name(text or ""))


def indicator_unit(ind: IndicatorCalc) -> tuple[str, Decimal] | None:
    unit = ind.row.get("unit")
    return unit_of(unit) if isinstance(unit, str) else None


NAME_ENDS = ("数量", "个数", "次数", "总数", "人数", "人次", "场次", "天数", "座数", "件数", "里程",
             "面积", "数")


def _bases(full: str) -> set[str]:
    """The folded name ``full`` with and without its parenthesis and trailing 数 / 数量 …"""
    bases = {full, re.sub(r"\([^)]*\)", "", full)}
    for b in list(bases):
        for end in NAME_ENDS:
            if b.endswith(end) and len(b) > len(end) + 2:
                bases.add(b[: -len(end)])
    return {b for b in bases if b}


def indicator_phrases(name: str, ends: frozenset[str] | None = None) -> tuple[str, ...]:
    """The ways a report names an indicator: its name with and without the parenthesis, without
    a trailing 数 / 数量 / 人次 / 里程 …, and the tails of those that are at least half the name
    (and 4 long). With ``ends`` (every run of 2 to 4 characters the texts hold), only the ways
    whose last 4 characters are there: the others cannot be found."""

    def found(b: str) -> bool:
        return ends is None or len(b) < 2 or b[-4:] in ends

    full = fold_name(name)
    if len(full) > NAME_TAILS_UP_TO:
        bases = {full, re.sub(r"\([^)]*\)", "", full)}
        return tuple(sorted((b for b in bases if b and found(b)), key=len, reverse=True))
    out: set[str] = set()
    for b in _bases(full):
        if not found(b):
            continue
        out.add(b)
        least = max(4, -(-len(b) // 2))
        out.update(b[i:] for i in range(0, len(b) - least + 1))
    return tuple(sorted(out, key=len, reverse=True))


def indicator_rows(indicators: Iterable[IndicatorCalc], ends: frozenset[str] | None = None
                   ) -> list[Bind]:
    """The department's indicators as rows of the table: the 完成值 (the 指标值 in a plan) by
    its name in its unit, and its score by its name and 得分 (only the names the texts may hold,
    given ``ends``)."""
    rows = []
    named: dict[str, tuple[str, ...]] = {}  # a name's phrases, once per name
    for ind in indicators:
        if not ind.name:
            continue
        phrases = named.get(ind.name)
        if phrases is None:
            phrases = named[ind.name] = indicator_phrases(ind.name, ends)
        if not phrases:
            continue
        u = indicator_unit(ind)
        if u is not None and _dec(ind.row.get("actual")) is not None:
            rows.append(Bind(phrases, f"indicator.{ind.row.number}.actual", u[0],
                             gap=INDICATOR_LINKS, own=True))
        rows.append(Bind(phrases, f"indicator.{ind.row.number}.score", SCORE, own=True,
                         suffixes=("得分", "自评得分")))
    return rows


def project_rows(projects: Iterable[ProjectCalc]) -> list[Bind]:
    """The projects as rows: an amount after a project's name is its 执行数, 全年预算数 or 年初
    预算数 (compared only when it agrees with one of them); "名称 + 执行率" is its rate."""
    rows = []
    for p in projects:
        if not p.name:
            continue
        name = fold_name(p.name)
        names = {name, name.removesuffix("项目")} - {""}
        n = p.row.number
        rows.append(Bind(tuple(names), (f"project.{n}.actual", f"project.{n}.budget",
                                        f"project.{n}.initial"), CNY,
                         gap=LINKS + ACTUAL_LINKS, own=True))
        rows.append(Bind(tuple(m + s for m in names for s in ("执行率", "预算执行率", "资金执行率")),
                         f"project.{n}.rate_pct", PERCENT, own=True))
    return rows
