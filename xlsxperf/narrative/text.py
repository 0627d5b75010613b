"""Text as the report-text check reads it: folded for matching with the way back to the
original, numbers shown as reports write them, and the scan for figures."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from ..values import round_half_up
from .phrases import (
    AT_LEAST,
    EXACT,
    FIGURE,
    MAX_DIGITS,
    MAX_FIGURES,
    NOT_AFTER,
    QUALIFIERS_AFTER,
    QUALIFIERS_BEFORE,
    SCORE_AFTER,
)

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
                "clause": [i for i in range(len(t)) if is_clause_end(t, i)]}

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


_FOLDED: dict[str, str] = {}  # a character as folded ("" when dropped), memoised


def _fold_char(ch: str) -> str:
    out = _FOLDED.get(ch)
    if out is None:
        if ch in DROP or (ch.isspace() and ch != "\n"):
            out = ""
        elif ch in KEEP:
            out = ch
        else:
            n = unicodedata.normalize("NFKC", ch)
            out = n if len(n) == 1 else ch
        if len(_FOLDED) < 100_000:
            _FOLDED[ch] = out
    return out


def fold(text: str) -> Folded:
    chars: list[str] = []
    at: list[int] = []
    for i, ch in enumerate(text):
        c = _fold_char(ch)
        if c:
            chars.append(c)
            at.append(i)
    at.append(len(text))
    return Folded(text, "".join(chars), tuple(at))


_PLAIN = re.compile(r"[\u4e00-\u9fff!#-&(-~]*")  # CJK and ASCII but quotes: NFKC leaves them


def fold_name(text: str) -> str:
    """A name folded like a text (no line breaks); fast for the plain CJK of most names."""
    if _PLAIN.fullmatch(text):
        return text
    return fold(text).text.replace("\n", "")


def is_clause_end(t: str, i: int) -> bool:
    ch = t[i]
    if ch in CLAUSE_ENDS:
        return True
    if ch == ",":  # a comma typed in ASCII, unless it separates thousands
        return not (0 < i and t[i - 1].isdigit() and re.match(r"\d{3}(?!\d)", t[i + 1:i + 5]))
    return False


def cjk(ch: str) -> bool:
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
# Scanning


@dataclass
class Found:
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
    why: str = ""  # not compared, and why (年份, 增长, 计划 …)
    either: tuple[str, ...] = ()  # more keys the words may name: compared only when one agrees
    tentative: str = ""  # why the words may name a part: a disagreement is listed, not flagged
    ordinal: bool = False  # 第 2 名
    per: bool = False  # 1000 元/人: a rate per head
    other: bool = False  # its words name something the template does not hold
    named: str = ""  # the words that make it another thing (政府采购执行率: 政府采购)
    phrase: tuple[int, int] | None = None  # the words that bound it (folded offsets)


def scan(t: Folded) -> list[Found]:
    """Every figure in a folded text, with its sentence and clause."""
    s = t.text
    out: list[Found] = []
    for m in FIGURE.finditer(s):
        if len(out) == MAX_FIGURES:
            break
        unit, end = m["unit"], m.end()
        after = s[end:end + 3]
        if after.startswith(NOT_AFTER.get(unit, ())):
            continue
        if unit == "分" and after and after[0] not in SCORE_AFTER and not after[0].isspace() \
                and (cjk(after[0]) or after[0].isalnum()):
            continue
        digits = m["num"].replace(",", "")
        if len(digits.replace(".", "").lstrip("0")) > MAX_DIGITS:
            continue
        before = s[max(0, m.start() - 3):m.start()]
        qualifier = next((q for w, q in QUALIFIERS_BEFORE if before.endswith(w)), EXACT)
        if m["approx"]:
            qualifier = AT_LEAST
        qualifier = next((q for w, q in QUALIFIERS_AFTER if after.startswith(w)), qualifier)
        out.append(Found(m.start(), m.end(), Decimal(digits),
                          len(digits.split(".")[1]) if "." in digits else 0, unit, qualifier,
                          t.start_of("sentence", m.start()), t.start_of("clause", m.start()),
                          t.end_of("clause", m.end()),
                          ordinal=s[max(0, m.start() - 1):m.start()] == "第",
                          per=after.startswith("/")))
    return out
