"""The 审核结论 of one submission: 通过 / 修改后通过 / 退回修改, from its findings and the
``[review]`` rule of the configuration. Pure functions; the evaluation workbook, the summary
and the annotated copy all ask here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from ..model import Severity, Status
from .styles import SEVERITY_FILL

if TYPE_CHECKING:
    from ..config import Review
    from ..evaluation import Evaluation


class Verdict(StrEnum):
    PASS = "通过"
    REVISE = "修改后通过"
    RETURN = "退回修改"


VERDICT_FILL = {Verdict.PASS: "#C6EFCE", Verdict.REVISE: SEVERITY_FILL[Severity.WARNING],
                Verdict.RETURN: SEVERITY_FILL[Severity.ERROR]}


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    reasons: tuple[str, ...]  # what decided it, a few words each

    @property
    def why(self) -> str:
        return "；".join(self.reasons)


def decide(counts: Mapping[Severity, int], codes: Iterable[str], review: Review) -> Decision:
    """The verdict for a submission with ``counts`` findings by severity and these rule codes."""
    errors, warnings = counts.get(Severity.ERROR, 0), counts.get(Severity.WARNING, 0)
    returned = []
    if review.return_errors and errors >= review.return_errors:
        returned.append(f"错误 {errors} 个（达到 {review.return_errors} 个即退回修改）")
    if review.return_warnings and warnings >= review.return_warnings:
        returned.append(f"警告 {warnings} 个（达到 {review.return_warnings} 个即退回修改）")
    forced = sorted({c for c in codes if review.return_codes and c.startswith(review.return_codes)})
    if forced:
        returned.append(f"有 {'、'.join(forced)} 类问题（按规定即退回修改）")
    if returned:
        return Decision(Verdict.RETURN, tuple(returned))
    revise = []
    if errors:
        revise.append(f"错误 {errors} 个（须改正）")
    if review.revise_warnings and warnings >= review.revise_warnings:
        revise.append(f"警告 {warnings} 个（须修改或说明）")
    if revise:
        return Decision(Verdict.REVISE, tuple(revise))
    if warnings:
        return Decision(Verdict.PASS, (f"警告 {warnings} 个，未达到须修改的数量（{review.revise_warnings} 个）",))
    return Decision(Verdict.PASS, ("没有错误和警告",))


def rule_text(review: Review) -> str:
    """The configured rule in words, for the page a reviewer signs."""
    parts = []
    if review.return_errors == 1:
        parts.append("有错误即退回修改")
    elif review.return_errors:
        parts.append(f"错误达到 {review.return_errors} 个退回修改，不足的须修改后通过")
    else:
        parts.append("有错误须修改后通过")
    if review.return_warnings:
        parts.append(f"警告达到 {review.return_warnings} 个退回修改")
    if review.return_codes:
        parts.append(f"有 {'、'.join(review.return_codes)} 类问题即退回修改")
    if review.revise_warnings == 1:
        parts.append("有警告须修改后通过")
    elif review.revise_warnings:
        parts.append(f"警告达到 {review.revise_warnings} 个须修改后通过")
    parts.append("否则通过")
    return "；".join(parts) + "。"


def decide_evaluation(ev: Evaluation, review: Review) -> Decision | None:
    """The verdict of an evaluated submission; None when it could not be evaluated."""
    if ev.status != Status.OK or ev.calc is None:
        return None
    return decide({s: ev.count(s) for s in Severity}, [f.code for f in ev.findings], review)


def decide_document(doc: Mapping[str, Any], review: Review) -> Decision | None:
    """The same from a file's JSON document (``xlsxperf.render.file_document``)."""
    if doc.get("status") != Status.OK:
        return None
    findings = doc.get("findings") or []
    counts: dict[Severity, int] = {}
    for f in findings:
        try:
            sev = Severity(f.get("severity"))
        except ValueError:
            continue
        counts[sev] = counts.get(sev, 0) + 1
    return decide(counts, [str(f.get("code", "")) for f in findings], review)
