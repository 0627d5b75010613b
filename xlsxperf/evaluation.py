"""Submission -> Evaluation: the computed figures and every finding.

:func:`evaluate_submission` is pure: it computes the figures (:mod:`xlsxperf.calc`), checks the
report text against them (:mod:`xlsxperf.narrative`) and runs every enabled rule, each on its
own, so that a rule that fails costs that rule only (finding S007). :func:`evaluate` is the
one-call entry point: path in, Evaluation out, within the configured limits. Given the same
unit's previous year (an earlier Evaluation, or its path), the year-over-year checks (Y) run
too; an earlier workbook of another unit or year is not paired, and ``previous_refused`` says why.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from . import rules
from . import schema as S
from .calc import Calc, IndicatorCalc, ProjectCalc, compute
from .collector import collector_paused
from .config import Config, default_config
from .context import Context
from .files import file_sha256
from .messages import error_detail
from .metrics import MetricValue
from .model import Finding, Severity, Status, Submission
from .narrative import Narrative, read_narrative
from .read import read_submission, unreadable

log = logging.getLogger("xlsxperf")
ALWAYS_REPORTED = ("S001", "S002", "S005")  # why a file could not be read: never switched off


@dataclass
class Evaluation:
    """One submission checked: its data, the computed figures, the findings, and its status."""

    submission: Submission
    calc: Calc | None
    findings: list[Finding] = field(default_factory=list)
    status: Status = Status.OK
    sha256: str | None = None
    narrative: Narrative | None = None  # the report text's figures and claims, checked
    previous: Evaluation | None = None  # the same unit's previous year, when paired
    previous_refused: str | None = None  # why an earlier workbook given was not paired

    @property
    def path(self) -> str:
        return self.submission.path

    @property
    def metrics(self) -> dict[str, MetricValue]:
        """Every metric by key (empty when the file could not be evaluated)."""
        return self.calc.metrics if self.calc is not None else {}

    @property
    def projects(self) -> list[ProjectCalc]:
        return self.calc.projects if self.calc is not None else []

    @property
    def indicators(self) -> list[IndicatorCalc]:
        return self.calc.indicators if self.calc is not None else []

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def worst(self) -> Severity | None:
        return max((f.severity for f in self.findings), key=lambda s: s.rank, default=None)


def _order(f: Finding) -> tuple:
    return (-f.severity.rank, S.SHEET_ORDER.index(f.sheet) if f.sheet in S.SHEET_ORDER else 99,
            _cell_key(f.cell), f.code)


def _cell_key(ref: str | None) -> tuple[int, str]:
    if not ref:
        return (0, "")
    letters = "".join(ch for ch in ref if ch.isalpha())
    digits = "".join(ch for ch in ref if ch.isdigit())
    return (int(digits or 0), letters.rjust(3))


def finalize(findings: list[Finding], config: Config) -> list[Finding]:
    """Apply the configured selection and severities, then sort: errors first."""
    out = []
    for f in findings:
        if not config.enabled(f.code) and not f.code.startswith(ALWAYS_REPORTED):
            continue
        if f.code in config.severity:
            f = replace(f, severity=config.severity[f.code])
        out.append(f)
    return sorted(out, key=_order)


def _failed_check(what: str, path: str, e: Exception) -> Finding:
    """S007: one check failed with an internal error; it is logged and the others stand."""
    log.error("internal error in %s while checking %s", what, path, exc_info=e)
    return rules.make("S007", path=path, rule=what, detail=error_detail(e))


def _narrative(sub: Submission, calc: Calc, findings: list[Finding]) -> Narrative:
    try:
        return read_narrative(sub, calc)
    except Exception as e:  # the text check failed: the figures and the other rules stand
        findings.append(_failed_check("报告核对（C003 / C004）", sub.path, e))
        return Narrative((), ())


def run_rules(sub: Submission, ctx: Context) -> list[Finding]:
    """Every enabled rule's findings; a rule that raises becomes one S007 finding."""
    out: list[Finding] = []
    for r in rules.load_all().values():
        if r.check is None or not ctx.config.enabled(r.code):
            continue
        try:
            found = list(r.check(sub, ctx))
        except Exception as e:
            out.append(_failed_check(f"{r.code} {r.name}", sub.path, e))
            continue
        out.extend(f if f.path else replace(f, path=sub.path) for f in found)
    return out


def evaluate_submission(sub: Submission, config: Config | None = None,
                        today: date | None = None, previous: Evaluation | None = None
                        ) -> Evaluation:
    """Check ``sub``: compute its figures, check its text, run every enabled rule (with
    ``previous``, the same unit's previous year, when it is one)."""
    config = config or default_config()
    if not sub.readable:
        status = Status.INVALID if any(f.code == "S002" for f in sub.findings) else Status.ERROR
        return Evaluation(sub, None, finalize(sub.findings, config), status)
    calc = compute(sub, config)
    findings = list(sub.findings)
    narrative = _narrative(sub, calc, findings)
    earlier, refused, last = None, None, None
    if previous is not None:  # the year-over-year pairing is imported only when it is asked for
        from .history import Previous, accept_previous

        earlier, refused = accept_previous(sub, previous)
        last = Previous(earlier.path, earlier.submission, earlier.calc) if earlier and earlier.calc else None
    findings += run_rules(sub, Context(config, calc, narrative, today or date.today(), last))
    return Evaluation(sub, calc, finalize(findings, config), narrative=narrative,
                      previous=earlier, previous_refused=refused)


def evaluate(path: str | Path, config: Config | None = None,
             previous: Evaluation | str | Path | None = None) -> Evaluation:
    """Read and evaluate one workbook within ``config.limits``. Never raises for a bad file.

    ``previous``: the same unit's previous year (an Evaluation, or a path evaluated first)."""
    config = config or default_config()
    if isinstance(previous, (str, Path)):
        previous = evaluate(previous, config)
    with collector_paused():  # a large table is many long-lived objects: see collector
        sub = read_submission(path, config.limits)
        try:
            ev = evaluate_submission(sub, config, previous=previous)
        except Exception as e:  # a value no computation expected: the file still gets an answer
            log.error("internal error while checking %s", path, exc_info=e)
            detail = error_detail(e)
            failed = unreadable(path, f"审核时出现内部错误（{detail}）",
                                f"internal error while checking ({detail})")
            ev = Evaluation(failed, None, failed.findings, Status.ERROR)
    ev.sha256 = file_sha256(path)
    return ev
