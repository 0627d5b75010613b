"""The department's own words against its data (报告核对). Pure functions, no I/O.

A department writes its report by hand from its tables, and the figures drift. This module
reads the long-text fields (报告正文 and the others), finds every figure in them — amounts in
万元 / 亿元 / 元 / 万美元, percentages, counts in 人 / 个 / 次 / 家, scores in 分 — and binds each to
the field or metric it names, then compares the two at the figure's own precision.

Binding is data, not a tangle of patterns: :data:`BINDINGS` lists the phrases that name each
field or metric, and the indicators add their own names. A figure takes the phrase that ends
nearest before it in its clause (the longest one on a tie); a few phrases only count when the
sentence has named their topic first (行政 after 编制 is 行政编制; 年初预算 after 特定目标类 is
the sum of the 特定目标类 projects). Two relations bind percentages to the figure they follow:
"占 x%" is the share of the amount named just before, "完成 … 的 x%" the completion of the
indicator named just before; after "分别" a list of percentages pairs with the figures listed
before it (with the last of them when more figures than percentages are listed). A figure that names a change
(增长, 较上年 …) or another year is not compared; nor is one that nothing names: it is listed
as unbound, never flagged.

Claims are checked too: "无结余" while money was left unspent, "全面实现" while an indicator
is unmet, "全额执行" while the budget was not fully spent.

:func:`read_narrative` (submission and computed figures in, :class:`Narrative` out) is what the
rules C003 / C004 and the 报告核对 sheet use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Cell, Submission
from .bind import Binder, Data, PhraseIndex, figure_record, indicator_phrases, judge, unit_of
from .claims import find_claims
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
