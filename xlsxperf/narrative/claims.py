"""Claims: sentences that say something the data can confirm or contradict (无结余,
全面完成, 全额执行), each checked against the data."""

from __future__ import annotations

import re
from decimal import Decimal

from ..calc import ProjectCalc
from ..metrics import span
from ..model import Cell
from ..values import to_decimal as _dec
from .data import Data
from .phrases import (
    ALL_BUT,
    ASPIRATIONS,
    BALANCE,
    CATEGORY_WORDS,
    CENT,
    CLAIMS,
    COMPLETION,
    EXECUTION,
    HUNDRED,
    MAX_CLAIMS,
    NEGATIONS,
    ONE_PROJECT,
    PROJECT_MONEY,
    PROJECT_WORDS,
    TOPIC_REACH,
    ZERO,
)
from .records import Claim, Figure
from .text import Folded, Found, is_clause_end, show

# -- claims -----------------------------------------------------------------------------------


def _category(prefix: str) -> str | None:
    best, at = None, -1
    for word, cat in CATEGORY_WORDS.items():
        i = prefix.rfind(word)
        if i > at:
            best, at = cat, i
    return best


Outcome = tuple[bool | None, str, str, Cell | None]  # holds, what the data shows (zh, en), where


def _named_projects(data: Data, prefix: str) -> list[ProjectCalc]:
    """The projects whose name the sentence gives before the claim (办公楼维修项目资金已全部支付),
    written whole, with or without its 项目; names under four characters are not looked for."""
    named = []
    for p in data.calc.projects:
        core = (p.name or "").strip().removesuffix("项目")
        if len(core) >= 4 and core in prefix:
            named.append(p)
    return named


def _unclear(prefix: str) -> Outcome | None:
    """Not checked, and why, when the sentence does not make clear what it is about: all but
    some (除…外, …以外的, 其余项目), or a project it does not name (该项目)."""
    if ALL_BUT.search(prefix):
        return None, "句中除去了一部分，所说的范围无法确定，未核对", "it says all but some", None
    if any(w in prefix for w in ONE_PROJECT):
        return None, "所说的是哪个项目无法确定，未核对", "which project is meant is not clear", None
    return None


def _balance(data: Data, prefix: str, clause: str) -> Outcome:
    """Was money left: a year-end balance, or projects that did not spend their budget? The
    sentence decides whose money: projects it names, one it does not name (not checked), a
    category of projects, the projects (项目资金 in the claim's clause), or the department."""
    unclear = _unclear(prefix)
    if unclear:
        return unclear
    sub = data.sub
    named = _named_projects(data, prefix)
    cat = _category(prefix)
    projects = named or [p for p in data.calc.projects if cat is None or p.category == cat]
    department = not named and cat is None and not any(w in clause for w in PROJECT_WORDS)
    rows = [p.row.number for p in projects]
    table = sub.projects
    unspent = sum((p.unspent for p in projects if p.unspent is not None and p.unspent > 0), ZERO)
    left = sum((b for b in (_dec(p.row.get("balance")) for p in projects) if b is not None and b > 0),
               ZERO)
    tol = CENT * max(1, len(projects))
    if named:
        who = "、".join(f"“{p.name}”" for p in named)
    else:
        who = (next(w for w, c in CATEGORY_WORDS.items() if c == cat) if cat else "") + "项目"
    end = sub.amount("balance_end")
    if department and end is not None and end > CENT / 2:
        return False, f"年末结转和结余 {show(end, '万元')}", f"the year-end balance is {end}", \
            sub["balance_end"].cell
    if unspent > tol:
        return (False, f"{who}全年预算数比全年执行数多 {show(unspent, '万元')}，资金没有全部支出",
                f"{unspent} of the {who} budget was not spent",
                span(table.sheet, table.columns.get("actual"), rows))
    if left > tol:
        return (False, f"{who}年末结转结余 {show(left, '万元')}", f"{left} carried over",
                span(table.sheet, table.columns.get("balance"), rows))
    if not projects and (not department or end is None):
        return None, "没有可核对的数据", "no data to check", None
    return True, "没有剩余资金", "no money was left", span(table.sheet, table.columns.get("actual"),
                                                         rows)


def _completion(data: Data, keys: set[str], prefix: str) -> Outcome:
    """Is every indicator met: those the paragraph names, or all of them? Not checked when the
    sentence is unclear, or about a project's tasks (a project named, no indicator)."""
    unclear = _unclear(prefix)
    if unclear:
        return unclear
    rows = {int(k.split(".")[1]) for k in keys if k.startswith("indicator.")}
    if not rows and _named_projects(data, prefix):
        return (None, "所说的是项目的任务，未与部门绩效指标核对",
                "it is about a project's tasks, not the indicators", None)
    scope = [i for i in data.calc.indicators if not rows or i.row.number in rows]
    unmet = [i for i in scope if i.met is False]
    if not unmet:
        if not any(i.met is not None for i in scope):
            return None, "没有可核对的指标", "no indicator to check", None
        return True, "各项指标均已完成", "every indicator is met", None
    parts = []
    for i in unmet[:3]:
        unit = i.row.text("unit") or ""
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
    """Was the budget the sentence is about spent in full: of projects it names, of a part of
    the budget, or the whole? Projects it does not make clear (该项目, 除…外) are not checked."""
    unclear = _unclear(prefix)
    if unclear:
        return unclear
    named = _named_projects(data, prefix)
    if named:
        rates = [(p, p.execution_rate_pct) for p in named]
        if any(r is None for _, r in rates):
            return None, "没有可核对的数据", "no data to check", None
        low = [(p, r) for p, r in rates if r is not None and r < HUNDRED - CENT / 2]
        table = data.sub.projects
        if low:
            shown = "；".join(f"“{p.name}”预算执行率 {show(r, '%')}" for p, r in low)
            return False, shown, f"{len(low)} named project(s) spent less than their budget", \
                table.cell("actual", low[0][0].row.number)
        return True, "、".join(f"“{p.name}”" for p in named) + "预算执行率 100%", \
            "the named projects spent their budget", None
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


def find_claims(name: str, where: Cell | None, t: Folded, found: list[Found], figures: list[Figure],
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
                        and s[m.end()] not in "完了毕" and not is_clause_end(s, m.end()):
                    continue  # 全部支出中…: the noun, not the claim
                hits.append((m.start(), m.end(), phrase, kind))
    for f, g in zip(found, figures, strict=False):  # 资金执行 100%: a full execution no phrase names
        if g.key is None and not f.named and not f.why and f.unit == "%" and f.number == HUNDRED \
                and "执行" in s[f.clause:f.start]:
            hits.append((f.start, f.end, g.text, EXECUTION))
    out = []
    for start, end, words, kind in sorted(hits):
        prefix = s[max(t.start_of("sentence", start), start - TOPIC_REACH):start]
        if kind == BALANCE:
            holds, zh, en, cell = _balance(data, prefix, s[t.start_of("clause", start):start])
        elif kind == COMPLETION:
            lo, hi = t.at[t.start_of("line", start)], t.at[t.end_of("line", start)]
            holds, zh, en, cell = _completion(
                data, {f.key for f in figures if f.key and lo <= f.start < hi}, prefix)
        else:
            holds, zh, en, cell = _execution(data, prefix)
        clause = t.span(t.start_of("clause", start), t.end_of("clause", end)).strip(" ，,；;：:")
        out.append(Claim(name, where, clause, words, kind, holds, zh, en, cell, t.at[start]))
    return out
