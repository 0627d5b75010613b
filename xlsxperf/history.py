"""Last year beside this year: which submissions are the same unit's consecutive years. Pure.

A unit is known by its 单位编码 when both years carry one, else by its 单位名称 normalised
(:func:`unit_name_key`: full-width forms folded, spaces, quotes and fill-in noise such as
“（盖章）” dropped, every kind of bracket made the same). Names must then be *equal*: two units
whose names merely look alike (市中区经济合作局, 市中区经济和信息化局) are different units, and
so is the same name under two different 主管部门. A wrong pairing is worse than none, so
whenever the identity is in doubt nothing is paired.

- :func:`refusal` says why an earlier submission is not the previous year of a later one
  (None when it is);
- :func:`pair_years` pairs, in a list of evaluations or file documents, each submission with
  its unit's previous year;
- :class:`Previous` is the earlier year as the checks of this year see it (``Context.previous``);
  :meth:`Previous.indicator_pairs` pairs indicators by their normalised 三级指标 name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

if TYPE_CHECKING:
    from .calc import Calc, IndicatorCalc
    from .model import Submission

T = TypeVar("T")
NAMED = 3  # candidates named in the message of an ambiguous previous year


class Earlier(Protocol):
    """What an earlier year is given as: an Evaluation (its path, submission and figures)."""

    @property
    def path(self) -> str: ...

    @property
    def submission(self) -> Submission: ...

    @property
    def calc(self) -> Calc | None: ...


E = TypeVar("E", bound=Earlier)

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_QUOTES = dict.fromkeys(map(ord, "\"'`“”‘’「」『』〝〞＂＇"))
_BRACKETS = str.maketrans({"[": "(", "]": ")", "{": "(", "}": ")", "【": "(", "】": ")",
                           "〔": "(", "〕": ")", "〈": "(", "〉": ")", "《": "(", "》": ")",
                           "<": "(", ">": ")", "〖": "(", "〗": ")", "﹝": "(", "﹞": ")"})
_LABEL = re.compile(r"^(单位名称|单位|名称)[:：]")
_SEAL = re.compile(r"\((单位)?(盖章|公章|签章|章)\)|(单位)?(盖章|公章|签章)$")
_EDGE_PUNCT = ".,;:，。；：、!?！？-—_"


def _fold(text: str) -> str:
    """NFKC (full-width to half-width), no invisible characters, no whitespace, no quotes."""
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE).translate(_QUOTES)
    return re.sub(r"\s+", "", text)


def unit_name_key(name: Any) -> str | None:
    """A 单位名称 as compared across years; None when there is no name.

    ``"乐山市市中区 经济合作局（盖章）"`` and ``"乐山市市中区经济合作局"`` give the same key;
    nothing is dropped that could tell two units apart (本级, 机关, a place name stay)."""
    if not isinstance(name, str):
        return None
    text = _fold(name).translate(_BRACKETS)
    text = _LABEL.sub("", text)
    for _ in range(2):
        text = _SEAL.sub("", text).strip(_EDGE_PUNCT)
    return text or None


def unit_code_key(code: Any) -> str | None:
    """A 单位编码 as compared across years: folded, no spaces, upper case; a code read as a
    number (``510101.0``) loses its ``.0``."""
    if isinstance(code, bool) or code is None:
        return None
    text = _fold(str(code)).upper()
    if re.fullmatch(r"\d+\.0+", text):
        text = text.split(".")[0]
    return text or None


def indicator_key(name: Any) -> str | None:
    """A 三级指标 name as paired across years: folded, no spaces or quotes, brackets alike,
    Latin letters in lower case (“外商直接到资（FDI）” = “外商直接到资(fdi)”)."""
    if not isinstance(name, str):
        return None
    return _fold(name).translate(_BRACKETS).strip(_EDGE_PUNCT).lower() or None


def unit_of_measure_key(unit: Any) -> str:
    """A 度量单位 as compared across years ("" when blank)."""
    return _fold(unit).lower() if isinstance(unit, str) else ""


# -- identity ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Identity:
    """Who and which year a submission is, as read (``name``) and as compared (the keys)."""

    name: str | None
    code: str | None
    supervisor: str | None
    year: int | None

    @cached_property
    def name_key(self) -> str | None:
        return unit_name_key(self.name)

    @cached_property
    def code_key(self) -> str | None:
        return unit_code_key(self.code)

    @cached_property
    def supervisor_key(self) -> str | None:
        return unit_name_key(self.supervisor)

    def describe(self) -> str:
        parts = [self.name or "未填单位名称"]
        if self.code_key:
            parts.append(f"编码 {self.code}")
        if self.supervisor_key:
            parts.append(f"主管部门 {self.supervisor}")
        year = f"{self.year} 年度" if self.year is not None else "年度未填"
        return f"{'，'.join(parts)}，{year}"


def _text(v: Any) -> str | None:
    if isinstance(v, bool) or v is None:
        return None
    return v if isinstance(v, str) else str(v)


def identity(sub: Submission) -> Identity:
    return Identity(sub.unit_name, _text(sub.get("unit_code")), _text(sub.get("supervisor")),
                    sub.year)


def identity_of(item: Any) -> Identity | None:
    """The identity of an Evaluation, a Submission or a file document (JSON ``files[]``);
    None when the item was not evaluated."""
    if isinstance(item, dict):
        if item.get("status") not in (None, "ok"):
            return None
        unit = item.get("unit") or {}
        year = unit.get("year")
        return Identity(_text(unit.get("name")), _text(unit.get("code")),
                        _text(item.get("supervisor")),
                        year if isinstance(year, int) and not isinstance(year, bool) else None)
    sub = getattr(item, "submission", item)
    if getattr(item, "calc", True) is None or not getattr(sub, "readable", False):
        return None
    return identity(sub)


def same_unit(a: Identity, b: Identity) -> str | None:
    """Why ``a`` and ``b`` cannot be taken for the same unit; None when they are the same.

    Both codes present: the codes decide. Otherwise the normalised names must be present and
    equal, and the 主管部门, when both are given, must be equal too."""
    if a.code_key and b.code_key:
        return None if a.code_key == b.code_key else "单位编码不同"
    if not a.name_key or not b.name_key:
        return "单位名称未填写，无法确认是同一单位"
    if a.name_key != b.name_key:
        return "单位名称不同"
    if a.supervisor_key and b.supervisor_key and a.supervisor_key != b.supervisor_key:
        return "主管部门不同"
    return None


def refusal(now: Identity, earlier: Identity) -> str | None:
    """Why ``earlier`` is not the previous year of ``now`` (in Chinese); None when it is."""
    why = same_unit(now, earlier)
    if why:
        return f"不是同一单位（{why}）：本年为 {now.describe()}；上年文件为 {earlier.describe()}"
    if now.year is None or earlier.year is None:
        return "评价年度未填写，无法确认是上一年度"
    if earlier.year != now.year - 1:
        return f"不是上一年度：本年为 {now.year} 年度，上年文件为 {earlier.year} 年度"
    return None


@dataclass(frozen=True)
class Match(Generic[T]):
    """One item and its unit's previous year among the items: ``earlier`` when exactly one
    is found, else ``refused`` says why none is taken (None: there is no candidate)."""

    item: T
    earlier: T | None = None
    refused: str | None = None


def _label(item: Any) -> str:
    """A file's name, to name it in a message."""
    path = item.get("path") if isinstance(item, dict) else getattr(item, "path", None)
    return Path(path).name if isinstance(path, str) and path else str(item)


def _content(item: Any) -> str | None:
    """A file's content hash, when known: two candidates with the same content are one."""
    sha = item.get("sha256") if isinstance(item, dict) else getattr(item, "sha256", None)
    return sha if isinstance(sha, str) and sha else None


UnitKey = tuple[int, bool, str]  # (year, by its code?, the code's or the name's key)


def unit_keys(who: Identity, year: int) -> list[UnitKey]:
    """The keys a submission of ``who`` is found by as one of ``year``: its unit's code key
    and its name key (those it has). A previous year is looked up by its keys of the year
    before."""
    return [(year, by_code, key) for by_code, key in ((True, who.code_key), (False, who.name_key)) if key]


class Matcher(Generic[T]):
    """The candidates (items with an identity), indexed by :func:`unit_keys`, to find any
    item's previous year quickly (a batch holds hundreds)."""

    def __init__(self, items: Sequence[T], identify: Callable[[Any], Identity | None] = identity_of,
                 label: Callable[[Any], str] = _label,
                 content: Callable[[Any], str | None] = _content) -> None:
        self.identify, self.label, self.content = identify, label, content
        self.known = [(x, who) for x in items if (who := identify(x)) is not None]
        self.by_key: dict[UnitKey, list[int]] = {}
        for i, (_, who) in enumerate(self.known):
            if who.year is not None:
                for key in unit_keys(who, who.year):
                    self.by_key.setdefault(key, []).append(i)

    def match(self, item: T, me: Identity) -> Match[T]:
        """``item`` (who is ``me``) with its unit's previous year among the candidates."""
        if me.year is None:
            return Match(item)
        year = me.year - 1
        near = {i for key in unit_keys(me, year) for i in self.by_key.get(key, ())}
        earlier = [self.known[i] for i in sorted(near)
                   if self.known[i][0] is not item and refusal(me, self.known[i][1]) is None]
        by_code = [(x, other) for x, other in earlier if me.code_key and me.code_key == other.code_key]
        chosen = _distinct(by_code or earlier, self.content, self.label)
        if len(chosen) == 1:
            return Match(item, chosen[0][0])
        if not chosen:
            return Match(item)
        names = sorted(self.label(x) for x, _ in chosen)
        shown = "、".join(names[:NAMED]) + (f" 等 {len(names)} 份" if len(names) > NAMED else "")
        return Match(item, refused=f"上一年度（{year} 年度）有 {len(chosen)} 份同一单位的填报表（{shown}），"
                                  "无法确定与哪一份比对，未与上年比对")


def _distinct(found: list[tuple[T, Identity]], content: Callable[[Any], str | None],
              label: Callable[[Any], str]) -> list[tuple[T, Identity]]:
    """One of each content: the same file twice (a copy in two folders) is one candidate,
    named by the first of its names."""
    out: dict[Any, tuple[T, Identity]] = {}
    for x, who in sorted(found, key=lambda pair: label(pair[0])):
        sha = content(x)
        out.setdefault(sha if sha is not None else id(x), (x, who))
    return list(out.values())


def match_years(items: Sequence[T], identify: Callable[[Any], Identity | None] = identity_of,
                label: Callable[[Any], str] = _label,
                content: Callable[[Any], str | None] = _content) -> list[Match[T]]:
    """Each item that has an identity, with its unit's previous year among ``items`` (see
    :func:`pair_years`), or why none is taken when there are several candidates."""
    matcher = Matcher(items, identify, label, content)
    return [matcher.match(item, me) for item, me in matcher.known]


def pair_years(items: Sequence[T], identify: Callable[[Any], Identity | None] = identity_of
               ) -> list[tuple[T, T]]:
    """Each item paired with its unit's previous year: ``(this year, last year)`` pairs.

    Items are Evaluations, Submissions or file documents. Units are matched by code where
    the code matches, else by name (:func:`same_unit`). An item is left unpaired when its
    previous year is missing or ambiguous (two candidates, e.g. the same unit's previous year
    submitted twice): a wrong pair is worse than none. Two candidates with the same content
    (one file copied into two folders) are one."""
    return [(m.item, m.earlier) for m in match_years(items, identify) if m.earlier is not None]


# -- the earlier year as the checks see it ----------------------------------------------------


@dataclass(frozen=True)
class Previous:
    """The same unit's previous year: its submission and computed figures."""

    path: str
    submission: Submission
    calc: Calc

    @property
    def year(self) -> int | None:
        return self.submission.year

    @property
    def file_name(self) -> str:
        return Path(self.path).name

    def indicator_pairs(self, now: Sequence[IndicatorCalc]
                        ) -> list[tuple[IndicatorCalc, IndicatorCalc]]:
        """(this year, last year) indicators with the same normalised 三级指标 name, in this
        year's order; a name that occurs twice in either year is not paired."""
        mine, theirs = _unique(now), _unique(self.calc.indicators)
        return [(mine[k], theirs[k]) for k in mine if k in theirs]


def _unique(indicators: Sequence[IndicatorCalc]) -> dict[str, IndicatorCalc]:
    seen: dict[str, list[IndicatorCalc]] = {}
    for ind in indicators:
        key = indicator_key(ind.name)
        if key:
            seen.setdefault(key, []).append(ind)
    return {k: v[0] for k, v in seen.items() if len(v) == 1}


def accept_previous(sub: Submission, earlier: E | None) -> tuple[E | None, str | None]:
    """``earlier`` (an Evaluation) when it is ``sub``'s unit's previous year, else None and
    why not (in Chinese: the earlier file could not be evaluated, another unit, another year)."""
    if earlier is None:
        return None, None
    name = Path(earlier.path).name or "上年文件"
    if earlier.calc is None:
        return None, f"上年文件 {name} 无法审核，未与上年比对"
    why = refusal(identity(sub), identity(earlier.submission))
    if why:
        return None, f"上年文件 {name} {why}，未与上年比对"
    return earlier, None


# -- a unit over the years, as paired ---------------------------------------------------------


def year_groups(docs: Sequence[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Evaluated file documents grouped by unit across the years, following the pairing each
    was evaluated with (``previous.path``): a group is one unit's chain of consecutive years
    (two documents of one year when it was submitted twice), in year order. A submission that
    was not paired either way is a group of its own. Groups are in order of their first
    document."""
    ok = [d for d in docs if identity_of(d) is not None]
    index = {d["path"]: i for i, d in enumerate(ok) if isinstance(d.get("path"), str)}
    parent = list(range(len(ok)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, d in enumerate(ok):
        prev = d.get("previous")
        j = index.get(prev.get("path")) if isinstance(prev, dict) else None
        if j is not None:
            parent[root(i)] = root(j)
    groups: dict[int, list[dict[str, Any]]] = {}
    for i, d in enumerate(ok):
        groups.setdefault(root(i), []).append(d)
    return [sorted(g, key=lambda d: ((d.get("unit") or {}).get("year") or 0, d["path"]))
            for g in groups.values()]
