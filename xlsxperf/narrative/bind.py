"""Binding: each figure to the datum its words name, and judging it against that datum at the
figure's own precision.

Precision first. A figure is bound only by the phrase right before it (the words of
:data:`~xlsxperf.narrative.phrases.LINKS` may stand between: 为, 共计, 达 …), when that phrase
takes a figure of its kind, when nothing but scope words (本单位, 部门整体, 2023年度 …) or the
department's own name stands before the phrase, and when nothing in the clause makes the figure
a change, a difference, another year, a period or a plan. Anything less certain is left unbound
and listed; a figure the words may tie to one of several data is compared only when it agrees
with one of them.

The phrases are looked up, not scanned: :class:`PhraseIndex` maps every phrase of the table,
of the indicators' names and of the projects' names to its rows, once per workbook.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache

from ..model import Cell
from .data import Data
from .index import unit_of
from .phrases import (
    ABOUT,
    ABOUT_SHARE,
    AT_LEAST,
    AT_MOST,
    CATEGORY_WORDS,
    CHANGE,
    CHANGE_WORDS,
    CNY,
    COMPARED_WITH,
    COMPLETION_WORDS,
    DIFFERENCE,
    DIFFERENCE_WORDS,
    DURATION,
    DURATIONS,
    FUNDING,
    GROUP_OF,
    GROUPS,
    INDICATOR_LINKS,
    MISMATCH,
    MORE_OR_LESS,
    NARROWING,
    ORDINAL,
    ORGANISATION,
    OTHER_YEAR_WORDS,
    PART_WORDS,
    PERCENT,
    PERIOD,
    PERIOD_RE,
    PLAN,
    PLAN_BEFORE,
    PLAN_LINKS,
    POINTS,
    QUALIFIERS_BEFORE,
    RATE,
    RATE_WORDS,
    RESPECTIVELY,
    SCOPE,
    SCORE_OF,
    SCORED,
    SHARE_OF,
    SHARE_TAILS,
    SHARE_WHOLES,
    SHARE_WORDS,
    TOPIC_REACH,
    TOPIC_TAILS,
    TOTAL_MARKS,
    UNBOUND,
    UNITS,
    USD,
    VERIFIED,
    WHY_ZH,
    YEAR,
    Bind,
)
from .records import Datum, Figure
from .text import Folded, Found, cjk, half_unit, show

_GAP_WORDS = tuple(sorted(set(INDICATOR_LINKS), key=len, reverse=True))
QUALIFIER_WORDS = tuple(sorted((w for w, _ in QUALIFIERS_BEFORE), key=len, reverse=True))
_SCOPE_WORDS = tuple(sorted(set(SCOPE) | set(TOTAL_MARKS), key=len, reverse=True))


@lru_cache(maxsize=256)
def _allowed(topic: tuple[str, ...]) -> tuple[str, ...]:
    """The words that may stand before a phrase of this topic, longest first."""
    return tuple(sorted(_SCOPE_WORDS + topic + (TOPIC_TAILS if topic else ()), key=len, reverse=True))

# ---------------------------------------------------------------------------------------------
# Binding


@dataclass
class _Match:
    row: Bind
    start: int  # the phrase in the folded text
    end: int
    links: tuple[str, ...]  # the words between it and the figure
    topic: int = -1  # where its topic was named
    weak: bool = False  # the topic was an item of a list, not the subject
    others: list[Bind] = field(default_factory=list)  # rows of the same phrase, no better


def _kind(f: Found) -> str:
    return UNITS[f.unit][0]


class Binder:
    def __init__(self, data: Data, t: Folded, found: list[Found], plan: bool) -> None:
        self.data, self.t, self.found, self.plan = data, t, found, plan
        self.index = data.index
        self.year = data.sub.year
        self.sentences: dict[int, list[int]] = {}  # sentence start -> its figures
        for k, f in enumerate(found):
            self.sentences.setdefault(f.sentence, []).append(k)

    def window_start(self, k: int) -> int:
        f = self.found[k]
        start = f.clause
        if k > 0 and self.found[k - 1].sentence == f.sentence:
            start = max(start, self.found[k - 1].end)
        return start

    def bind_all(self) -> None:
        for k, f in enumerate(self.found):
            if f.ordinal or f.per:
                f.why = ORDINAL if f.ordinal else RATE
                f.note = WHY_ZH[f.why]
                continue
            if _kind(f) == PERCENT and self._relation(k):
                continue
            self._plain(k)

    # -- the phrase before a figure ------------------------------------------------------------
    def _match(self, lo: int, end: int, kind: str | None, sentence: int) -> _Match | None | str:
        """The phrase right before ``end`` (link words may stand between) that takes a figure of
        ``kind``; a note when a phrase stands there that cannot name it; None: no phrase."""
        s = self.t.text
        links: list[str] = []
        while True:
            hits = self.index.ending_at(s, end, lo)
            if hits:
                return self._choose(hits, end, tuple(links), kind, sentence)
            word = next((w for w in _GAP_WORDS if end - len(w) >= lo and s.startswith(w, end - len(w))),
                        None)
            if word is None:
                return None
            end -= len(word)
            links.insert(0, word)

    def _choose(self, hits: list[tuple[int, Bind]], end: int, links: tuple[str, ...],
                kind: str | None, sentence: int) -> _Match | str:
        best: list[_Match] = []
        rank: tuple[int, int, int] = (-1, -2, -1)
        for n, row in hits:
            if kind is not None and not row.takes(kind):
                continue
            if any(w not in row.gap for w in links):
                continue
            m = _Match(row, end - n, end, links)
            if row.topic and not self._topic(m, sentence):
                continue
            r = (n, m.topic if not m.weak else -1, 1 if row.keys else 0)
            if r > rank:
                best, rank = [m], r
            elif r == rank:
                best.append(m)
        if not best:
            return "单位不同或名称不符"
        m = best[0]
        m.others = [b.row for b in best[1:]]
        if m.weak:  # a list item named the topic: the plain rows of the phrase may be meant too
            m.others += [r for n, r in hits if n == m.end - m.start and not r.topic
                         and r.takes(kind or "") and r.keys]
        return m

    def _topic(self, m: _Match, sentence: int) -> bool:
        """Has the sentence named the row's topic before the phrase? For a ``subject`` topic,
        one listed with a figure of its own is only the subject when that figure is the same
        part's other figure (特定目标类项目共 3 个，年初预算 …)."""
        s = self.t.text
        lo = max(sentence, m.start - TOPIC_REACH)
        at, word = max((s.rfind(w, lo, m.start), w) for w in m.row.topic)
        if at < 0:
            return self._project_named(m, lo) is not None  # 机要保密工作经费预算 …
        m.topic = at
        if not m.row.subject:
            return True
        for g in (self.found[j] for j in self.sentences.get(sentence, ())):
            if g.phrase is None or g.start > m.start:
                continue
            a, b = g.phrase
            if a <= at < b:
                mine = GROUP_OF.get(m.row.keys[0]) if m.row.keys else None
                theirs = GROUP_OF.get(g.key or "")
                if mine and theirs and mine[0] == theirs[0] and mine[1] != theirs[1]:
                    return True
                if mine and theirs and mine[1] == theirs[1]:
                    return False  # 基本支出预算执行率 …，预算执行率 …: another item
                m.weak = True
        return True

    def _left(self, m: _Match) -> tuple[str, str, bool]:
        """What stands right before the phrase: (what makes it another thing or "", why it may
        name only a part (a money source, a grade …) or "", whether it says "the whole")."""
        s = self.t.text
        j = m.start
        while j > 0 and cjk(s[j - 1]):
            j -= 1
        rest = s[j:m.start]
        funding, total = "", False
        allowed = _allowed(m.row.topic)
        while rest:
            w = next((w for w in FUNDING + NARROWING if rest.endswith(w)), None)
            if w:
                if not funding and not self.data.only(w):
                    funding = f"名称前有“{w}”，说的可能只是其中一部分，口径可能不同，不作为问题"
            else:
                w = next((w for w in allowed if rest.endswith(w)), None)
                if w is None:
                    break
                total = total or w in TOTAL_MARKS
            rest = rest[: -len(w)]
        if rest and not (len(rest) >= 2 and rest in self.data.unit_name):
            return rest, funding, total
        return "", funding, total

    def _plain(self, k: int) -> None:
        f = self.found[k]
        s = self.t.text
        lo = self.window_start(k)
        kind = _kind(f)
        m = self._match(lo, f.start, kind, f.sentence)
        masked = s[lo:f.start]
        if isinstance(m, _Match):
            masked = s[lo:m.start] + "\x00" + s[m.end:f.start]
            f.phrase = (m.start, m.end)
        why = self._why(f, masked, kind)
        if why:
            f.why, f.note = why, WHY_ZH[why]
            return
        if m is None or isinstance(m, str):
            if not self._follow(k, lo) and not self._measure(k, lo) and isinstance(m, str):
                f.note, f.other = m, True
            if f.key is None and kind in DURATIONS:
                f.why, f.note = DURATION, WHY_ZH[DURATION]
            return
        self._bind(k, m, lo)

    def _why(self, f: Found, window: str, kind: str) -> str:
        """Why the figure is not compared, if it is not: a date within the year, a rate per
        head, a change, a difference or another year."""
        s = self.t.text
        if PERIOD_RE.search(s[f.sentence:f.start]):
            return PERIOD
        for w in QUALIFIER_WORDS:  # 不少于 880 人 is no difference
            window = window.replace(w, "\x00")
        if any(w in window for w in RATE_WORDS):
            return RATE
        years = re.findall(r"(\d{4})年", window)
        other_year = any(w in window for w in OTHER_YEAR_WORDS) or any(
            self.year is None or int(y) != self.year for y in years)
        change = any(w in window for w in CHANGE_WORDS)
        compared = COMPARED_WITH.search(window) or any(w in window for w in DIFFERENCE_WORDS)
        if change or compared or MORE_OR_LESS.search(window) or kind == POINTS:
            return CHANGE if other_year or (change and not compared) else DIFFERENCE
        if other_year:
            return YEAR  # (a year named when the workbook's own is unknown: no telling)
        return ""

    def _bind(self, k: int, m: _Match, lo: int) -> None:
        f = self.found[k]
        s = self.t.text
        row = m.row
        if not row.keys:
            f.why = row.why
            f.note = WHY_ZH[row.why] if row.why else "填报表中没有这一项"
            f.other = not row.why
            f.named = "" if row.why else s[m.start:m.end]
            return
        total, funding = False, ""
        project = self._project_named(m, lo)
        if project is not None:  # 新闻宣传专项经费全年预算 …: that project's
            keys = [project]
        else:
            if not row.own:
                other, funding, total = self._left(m)
                if other:
                    f.note = f"“{other}”限定了名称，不是填报表中的这一项"
                    f.other, f.named = True, other
                    return
            keys = list(row.keys)
            for r in m.others:
                keys += [key for key in r.keys if key not in keys]
        before = s[lo:m.start]
        for word in CATEGORY_WORDS:  # 特定目标类 is no 目标
            before = before.replace(word, "")
        plan = self.plan or any(w in PLAN_LINKS for w in m.links)
        maybe = not plan and any(w in before for w in PLAN_BEFORE)  # 按计划完成 … / 目标为 …
        if plan or maybe:
            if not all(key.startswith("indicator.") and key.endswith(".actual") for key in keys):
                f.why, f.note = PLAN, WHY_ZH[PLAN]
                return
            targets = [key.removesuffix(".actual") + ".target" for key in keys]
            keys = targets + keys if maybe else targets
        if len(keys) == 1 and project is None:
            keys = self._continue(k, keys[0], m, total)
            if not keys:
                f.note, f.other = "说的是前面提到的另一项，填报表中没有", True
                return
        if self._part(k, keys, lo, m):
            f.note = "其中列出的组成部分，不是合计"
            return
        if row.excludes and self._excluded(f, row.excludes):
            f.note = "所列人员含" + "、".join(row.excludes) + "，与填报的口径不同"
            return
        f.key, f.either = keys[0], tuple(keys[1:])
        f.tentative = f.tentative or funding or row.loose or (
            self._elsewhere(f, m) if not row.own else "")

    def _continue(self, k: int, key: str, m: _Match, total: bool) -> list[str]:
        """The same subject continues: 项目支出全年预算 …，实际支出 … is the projects' 执行数; a
        project's amount, then 执行率 is that project's; 预算执行率 x%，得分 y 分 is the budget's
        score. After 项目支出 x 万元 a bare 执行率 may be either the projects' or the whole's."""
        prev = self._previous_keyed(k)
        g = self.found[prev] if prev is not None else None
        if key == "self_total" and bare_score(self.t.text[m.start:m.end]):
            last = self._before(k)
            if last is None:  # 得分 98 分, unless the sentence speaks of something scored
                prefix = self.t.text[self.found[k].sentence:m.start]
                return [] if any(w in prefix for w in SCORED) else [key]
            if last is g and (g.key or "") in SCORE_OF:
                return [SCORE_OF[g.key or ""]]
            if last is g and (g.key or "").startswith("indicator.") and \
                    (g.key or "").endswith(".actual"):
                return [(g.key or "").removesuffix(".actual") + ".score"]
            return []
        if key not in GROUP_OF or GROUP_OF[key][0] != "total" or total or m.row.topic:
            return [key]
        before = self._before(k)
        if before is not None and before.other:
            return []  # 三公经费支出 …，预算执行率 …: the rate of what was named
        if before is not None and before.tentative:
            self.found[k].tentative = before.tentative  # 财政拨款支出决算 …，完成预算的 …
        if g is None:
            return [key]
        role = GROUP_OF[key][1]
        theirs = [x for x in (g.key, *g.either) if x]
        project = next((x for x in theirs if x.startswith("project.")), None)
        if project is not None and role in PROJECT_ROLES:  # 危桥改造工程经费 …，实际支出 …
            return [f"project.{project.split('.')[1]}.{PROJECT_ROLES[role]}"]
        if theirs and theirs[0].startswith("indicator.") and _kind(g) in (CNY, USD):
            return []  # a cost indicator's amount, then its spending or rate: not the budget's
        group = GROUP_OF.get(g.key or "")
        if group and group[0] != "total" and group[1] != role and role in GROUPS[group[0]]:
            return [GROUPS[group[0]][role]]
        part = EXPENDITURE_PARTS.get(g.key or "")
        if part and role in GROUPS[part] and not g.either:
            return [key, GROUPS[part][role]]
        return [key]

    def _elsewhere(self, f: Found, m: _Match) -> str:
        """Has the sentence named another organisation before the phrase (下属单位 1 个，即县委
        机要保密局，编制 5 名)? Its figures may be that organisation's: why, or ""."""
        s = self.t.text
        for o in ORGANISATION.finditer(s, f.sentence, m.start):
            name = o.group()
            while name and name.startswith(_SCOPE_WORDS):  # 本单位, 其中下属单位 …
                name = name[len(next(w for w in _SCOPE_WORDS if name.startswith(w))):]
            if len(name) > 1 and name not in self.data.unit_name and name not in _SCOPE_WORDS:
                return f"句中先说到“{name}”，可能是它的数，不作为问题"
        return ""

    def _back(self, k: int, wanted: Callable[[Found], bool]) -> int | None:
        """The nearest figure before figure ``k`` in its sentence that is ``wanted``."""
        sentence = self.found[k].sentence
        for j in range(k - 1, -1, -1):
            g = self.found[j]
            if g.sentence != sentence:
                return None
            if wanted(g):
                return j
        return None

    def _before(self, k: int) -> Found | None:
        """The figure before, in the sentence (not counting those not compared)."""
        j = self._back(k, lambda g: not g.why)
        return None if j is None else self.found[j]

    def _project_named(self, m: _Match, lo: int) -> str | None:
        """A project named right before a budget phrase (新闻宣传专项经费全年预算): its datum."""
        key = m.row.keys[0] if len(m.row.keys) == 1 else ""
        group = GROUP_OF.get(key)
        if m.row.own or group is None or group[1] not in PROJECT_ROLES:
            return None
        s = self.t.text
        end = m.start - (1 if s[m.start - 1:m.start] == "的" else 0)
        for _, r in sorted(self.index.ending_at(s, end, lo), key=lambda x: -x[0]):
            if r.own and r.keys and r.keys[0].startswith("project."):
                return f"project.{r.keys[0].split('.')[1]}.{PROJECT_ROLES[group[1]]}"
        return None

    def _previous_keyed(self, k: int) -> int | None:
        return self._back(k, lambda g: bool(g.key))

    def _part(self, k: int, keys: list[str], lo: int, m: _Match) -> bool:
        """A figure listed after 其中 / 含 / 主要用于 is a part: never the total named before."""
        f = self.found[k]
        s = self.t.text
        at = max(s.rfind(w, f.sentence, m.start) for w in PART_WORDS)
        if at < 0:
            return False
        return any(self.found[j].key in keys and not self.found[j].either
                   and self.found[j].end <= at for j in self.sentences[f.sentence] if j < k)

    def _excluded(self, f: Found, words: tuple[str, ...]) -> bool:
        """实有人数 65 人，其中在职 63 人、退休 2 人: the figure counts what the datum does not."""
        s = self.t.text
        end = self.t.end_of("sentence", f.end)
        rest = s[f.end:end]
        head = rest.lstrip("，,、；;：:(（")
        return head.startswith(PART_WORDS) and any(w in rest for w in words)

    def _follow(self, k: int, lo: int) -> bool:
        """次数目标 10 次，实际完成 11 次: with nothing but 实际 / 完成 before it, a figure of the
        indicator just named in its sentence is that indicator's 完成值."""
        f = self.found[k]
        s = self.t.text
        rest = s[lo:f.start]
        plan = False
        while rest:
            w = next((w for w in _GAP_WORDS if rest.endswith(w)), None)
            if w is None:
                return False
            plan = plan or w in PLAN_LINKS
            rest = rest[: -len(w)]
        prev = self._previous_keyed(k)
        if prev is None or not (self.found[prev].key or "").startswith("indicator."):
            return False
        g = self.found[prev]
        if g.unit != f.unit and _kind(g) != _kind(f):
            return False
        row = (g.key or "").split(".")[1]
        what = "target" if plan or self.plan else "actual"
        f.key = f"indicator.{row}.{what}"
        return True

    def _measure(self, k: int, lo: int) -> bool:
        """改造危桥 2 座: a figure in a measure word only one indicator is counted in, with the
        words of that indicator's name around it."""
        f = self.found[k]
        kind = _kind(f)
        inds = self.data.measured.get(kind, [])
        if len(inds) != 1:
            return False
        row, name = inds[0]
        clause = self.t.text[max(f.clause, f.start - 30):f.start]
        grams = {name[i:i + 2] for i in range(len(name) - 1)}
        if sum(1 for g in grams if g in clause) < 2:
            return False
        f.key = f"indicator.{row}.{'target' if self.plan else 'actual'}"
        f.tentative = "只凭计量单位和部分名称对应到这项指标，不一致时不作为问题"
        return True

    # -- 占 x% / 完成 … 的 x% / 分别 ----------------------------------------------------------
    def _relation(self, k: int) -> bool:
        f = self.found[k]
        listed = self._respectively(k)
        if listed is not None:
            return listed
        s = self.t.text
        lo = self.window_start(k)
        window = s[lo:f.start]
        for words, kind in ((SHARE_WORDS, "share"), (COMPLETION_WORDS, "completion")):
            at = max(window.rfind(w) for w in words)
            if at < 0:
                continue
            own = self._match(lo, f.start, PERCENT, f.sentence)
            if own is not None and not (isinstance(own, _Match) and own.start < lo + at):
                return False  # a percentage named after the relation word
            why = self._why(f, window, PERCENT)
            if why:
                f.why, f.note = why, WHY_ZH[why]
                return True
            subject = self._subject(k, lo + at, kind)
            f.key = self._related(subject, kind)
            if f.key is None:
                f.note = "未能确定所占比例或完成率对应的项目"
            elif kind == "share" and not self._whole(f.key, window[at + 1:]):
                f.key, f.note = None, "所占的是另一个总数，填报数据中没有这一比例"
            return True
        return False

    def _whole(self, key: str, text: str) -> bool:
        """占 … 的 x%: the whole named after 占, if any, is the share's own (收入合计 …)."""
        wholes = next((w for p, w in SHARE_WHOLES.items() if key.startswith(p)), ())
        while True:
            tail = next((w for w in SHARE_TAILS if text.endswith(w)), None)
            if tail is None:
                break
            text = text[: -len(tail)]
        text = re.sub(r"^\d{4}年度?", "", text)
        while text and text not in wholes:
            head = next((w for w in _SCOPE_WORDS if text.startswith(w)), None)
            if head is None:
                return False
            text = text[len(head):]
        return True

    def _subject(self, k: int, at: int, kind: str) -> str | None:
        """The datum named just before 占 / 完成: a phrase there (back to the figure before, in
        the sentence), else that figure's."""
        f = self.found[k]
        s = self.t.text
        prev = self._back(k, lambda g: _kind(g) != PERCENT)
        lo = self.found[prev].end if prev is not None else f.sentence
        end = at
        while end > lo and s[end - 1] in "，,；;、：: ":
            end -= 1
        kinds = None if kind == "completion" else CNY
        m = self._match(lo, end, kinds, f.sentence)
        if isinstance(m, _Match):
            if not m.row.keys:
                return None
            if not m.row.own:
                other, funding, _ = self._left(m)
                if other:
                    return None
                f.tentative = f.tentative or funding
            key = m.row.keys[0]
            return key if kind == "share" or key.startswith("indicator.") else None
        if m is not None:
            return None
        if prev is None:
            return None
        g = self.found[prev]
        f.quote_from = g.clause
        f.tentative = g.tentative
        return g.key if not g.either else None

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
        if any(at < self.found[j].start < f.start and _kind(self.found[j]) != PERCENT
               for j in same):
            return None  # 分别 belongs to an earlier list
        percents = []  # the run of percentages after 分别
        for j in (j for j in same if self.found[j].start > at):
            if _kind(self.found[j]) != PERCENT:
                break
            percents.append(j)
        first = self.found[percents[0]]
        relation = s[at:first.start]
        kind = "share" if any(w in relation for w in SHARE_WORDS) else \
            "completion" if any(w in relation for w in COMPLETION_WORDS) else None
        if kind is None:
            return None
        listed = [j for j in same if self.found[j].end <= at and _kind(self.found[j]) != PERCENT]
        last_pct = max((j for j in same if self.found[j].end <= at
                        and _kind(self.found[j]) == PERCENT), default=None)
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
        for kind, unit_factor, actual, row in self.data.valued:
            if kind != dim:
                continue
            scale = factor / unit_factor
            if abs(g.number * scale - actual) <= half_unit(g.decimals) * scale:
                hits.append(f"indicator.{row}.actual")
        return hits[0] if len(hits) == 1 else None


PROJECT_ROLES = {"initial": "initial", "budget": "budget", "actual": "actual", "rate": "rate_pct"}
EXPENDITURE_PARTS = {"exp_basic": "basic", "exp_project": "project"}


def bare_score(phrase: str) -> bool:
    """A bare 得分 / 评分: whose score depends on what the sentence named before."""
    return phrase in ("得分", "评分")


# ---------------------------------------------------------------------------------------------
# Judging


def judge(number: Decimal, decimals: int, unit: str, qualifier: str, d: Datum
          ) -> tuple[str, Decimal]:
    """The verdict of a figure against its datum, and the tolerance in the figure's unit. A typed
    total agrees when the figure is the typed value or the sum of its parts."""
    tol = half_unit(decimals)
    fig_dim, fig_factor = UNITS[unit]
    u = unit_of(d.unit)
    if u is None:
        return UNBOUND, tol
    if u[0] != fig_dim:
        if {u[0], fig_dim} != {"people", "count"}:  # 编制 10 个 is 10 人
            return UNBOUND, tol
        u = (fig_dim, u[1])
    scale = fig_factor / u[1]
    value, margin = number * scale, tol * scale
    ok = any(_within(v - value, value, margin, qualifier)
             for v in (d.value, d.parts) if v is not None)
    return (VERIFIED if ok else MISMATCH), tol


def _within(diff: Decimal, value: Decimal, margin: Decimal, qualifier: str) -> bool:
    if qualifier == AT_LEAST:
        return diff >= -margin
    if qualifier == AT_MOST:
        return diff <= margin
    if qualifier == ABOUT:
        return abs(diff) <= max(2 * margin, abs(value) * ABOUT_SHARE)
    return abs(diff) <= margin


def figure_record(name: str, where: Cell | None, t: Folded, f: Found, data: Data) -> Figure:
    start = f.quote_from if f.quote_from is not None else f.clause
    clause = t.span(start, f.clause_end).strip(" ，,；;：:")
    text = t.original[t.at[f.start]:t.at[f.end - 1] + 1]
    key, note = f.key, f.note
    verdict, tol, datum = UNBOUND, half_unit(f.decimals), None
    if key:
        tried = []
        for k in (key, *f.either):
            d = data.datum(k)
            if d is None:
                continue
            v, tol = judge(f.number, f.decimals, f.unit, f.qualifier, d)
            tried.append((k, d, v))
        hit = next((x for x in tried if x[2] == VERIFIED), None)
        if hit is not None:
            key, datum, verdict = hit
            if datum.parts is not None and judge(f.number, f.decimals, f.unit, f.qualifier,
                                                 replace(datum, parts=None))[0] != VERIFIED:
                datum = replace(datum, by_parts=True)
                note = note or f"与{datum.parts_words}一致，填报的是 {show(datum.value, datum.unit)}"
        elif not tried:
            note = note or "填报表中没有这个数"
        elif len(tried) == 1 and not f.either and tried[0][2] == MISMATCH and not f.tentative:
            key, datum, verdict = tried[0]
        elif all(v == UNBOUND for _, _, v in tried):
            note = note or "单位不同，无法比较"
        else:
            note = note or ("可能是" + "、".join(data.label(k) for k, _, _ in tried) + "，与其中任何一项都不一致"
                            if len(tried) > 1 else f.tentative)
        if verdict == UNBOUND:
            key, datum = None, None
    return Figure(name, where, clause, text, f.number, f.unit, f.decimals, f.qualifier, key,
                  data.label(key) if key else None, datum, verdict, tol, note, t.at[f.start],
                  f.why)
