"""The department's own words against its data (报告核对). Pure functions, no I/O.

A department writes its report by hand from its tables, and the figures drift. This package
reads the long-text fields (报告正文 and the others), finds every number followed by a unit in
them — amounts, percentages, people, counts, times, visits, scores, measure words — binds each
to the datum its words name, and compares the two at the figure's own precision.

Precision first: a figure is compared only when the words that name it are its own subject,
its kind agrees with the datum's, and nothing in the clause makes it a part, a difference,
another year, a date within the year, a rate per head or a plan. Anything less certain is listed,
never flagged: 未能对应 (nothing the template holds), or 不比较 with why (年份, 增长, 差额 …).

- :mod:`.phrases`: the words as data: units and kinds, :data:`BINDINGS` (per row its phrases, its
  datum, the kinds of figure it takes, what may stand between phrase and figure, the words the
  sentence must have named first), scope, link, change, plan and claim words.
- :mod:`.text`: folding (full-width forms, quotes) with the way back, and the figure scan.
- :mod:`.index`: the phrase index, built once per workbook from the table and the indicators'
  and projects' names.
- :mod:`.data`: the datum behind each key (fields, metrics, projects, indicators).
- :mod:`.bind`: the binder and the judge; :mod:`.claims`: 无结余, 全面实现, 全额执行.

:func:`read_narrative` (submission and computed figures in, :class:`Narrative` out) is what the
rules C003 / C004 / C005 and the 报告核对 sheet use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Cell, Submission
from .bind import Binder, figure_record, judge
from .claims import find_claims
from .data import Data
from .index import PhraseIndex, indicator_phrases, unit_of
from .phrases import (
    BINDINGS,
    MAX_CLAIMS,
    MAX_FIGURES,
    MISMATCH,
    NO_CLAIMS,
    NOT_COMPARED,
    NOT_COMPARED_ZH,
    PLAN_FIELDS,
    QUALIFIER_ZH,
    TEXT_FIELDS,
    UNBOUND,
    VERDICT_ZH,
    VERIFIED,
    WHY_ZH,
    Bind,
)
from .records import Claim, Datum, Figure, Narrative
from .text import Folded, fold, quote, scan, show, tolerance_text, trimmed

if TYPE_CHECKING:
    from ..calc import Calc

__all__ = [
    "BINDINGS", "MAX_CLAIMS", "MAX_FIGURES", "MISMATCH", "NOT_COMPARED", "NOT_COMPARED_ZH",
    "NO_CLAIMS", "PLAN_FIELDS", "QUALIFIER_ZH", "TEXT_FIELDS", "UNBOUND", "VERDICT_ZH", "VERIFIED",
    "WHY_ZH", "Bind", "Claim", "Data", "Datum", "Figure", "Folded", "Narrative", "PhraseIndex",
    "fold", "indicator_phrases", "judge", "quote", "read_narrative", "scan", "show",
    "tolerance_text", "trimmed", "unit_of",
]


def _field(name: str, text: str, where: Cell | None, data: Data
           ) -> tuple[list[Figure], list[Claim]]:
    t = fold(text)
    found = scan(t)
    Binder(data, t, found, name in PLAN_FIELDS).bind_all()
    figures = [figure_record(name, where, t, f, data) for f in found]
    claims = [] if name in NO_CLAIMS else find_claims(name, where, t, found, figures, data)
    return figures, claims


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
