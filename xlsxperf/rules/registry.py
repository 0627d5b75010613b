"""The registry of rules: :class:`Rule`, the decorators that declare one, and :func:`make`,
which builds a finding of a declared rule.

A rule is declared with :func:`rule` on a function ``check(sub, ctx) -> Iterable[Finding]``,
or with :func:`declare` when the finding is raised while reading (S codes). Its docstring is
its documentation, in the sections 是什么 / 为什么 / 示例, and ``xlsxperf rules CODE`` prints it.

The family modules import this one; importing :mod:`xlsxperf.rules` imports every family, so
the registry is complete whenever the package is loaded.
"""

from __future__ import annotations

import inspect
import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..model import Cell, Finding, Severity, Value

if TYPE_CHECKING:
    from ..context import Context
    from ..model import Submission

Check = Callable[["Submission", "Context"], Iterable[Finding]]

ORDER = "SFTRPCY"  # families in the order the catalogue lists them

FAMILIES = {
    "S": ("结构", "Structure"),
    "F": ("填报", "Filling"),
    "T": ("合计", "Totals"),
    "R": ("比率", "Ratios"),
    "P": ("绩效评分", "Performance scores"),
    "C": ("一致性", "Consistency"),
    "Y": ("上年对比", "Year over year"),
}


@dataclass(frozen=True)
class Rule:
    """One rule of the catalogue; its check is the decorated function."""

    code: str
    name: str
    severity: Severity
    title: str  # Chinese one-line description
    zh: str  # message template
    en: str  # message template
    doc: str
    check: Check | None = None

    @property
    def family(self) -> str:
        return self.code[0]

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "severity": self.severity.value,
                "title": self.title, "message_zh": self.zh, "message_en": self.en,
                "doc": self.doc}


REGISTRY: dict[str, Rule] = {}


def _register(r: Rule) -> Rule:
    if r.code in REGISTRY:
        raise ValueError(f"rule code {r.code} declared twice")
    REGISTRY[r.code] = r
    return r


def declare(code: str, name: str, severity: Severity, title: str, zh: str, en: str,
            doc: str) -> Rule:
    """Declare a rule whose findings are raised by the reader or the preflight."""
    return _register(Rule(code, name, severity, title, zh, en, inspect.cleandoc(doc)))


def rule(code: str, name: str, severity: Severity, title: str, zh: str, en: str
         ) -> Callable[[Check], Check]:
    """Register ``check`` as the rule ``code``; its docstring is the rule's documentation."""

    def wrap(check: Check) -> Check:
        _register(Rule(code, name, severity, title, zh, en,
                       inspect.cleandoc(check.__doc__ or ""), check))
        return check

    return wrap


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _text(x: Any) -> str | None:
    if x is None:
        return None
    if isinstance(x, Decimal):
        if x.as_tuple().exponent < -2:  # type: ignore[operator]
            x = x.normalize()
        return format(x, "f")
    return str(x)


def make(code: str, *, at: Cell | Value | None = None, sheet: str | None = None,
         severity: Severity | None = None, expected: Any = None, actual: Any = None,
         tolerance: Any = None, path: str | None = None, **fmt: Any) -> Finding:
    """Build a finding of rule ``code``; ``fmt`` fills the rule's message templates."""
    r = REGISTRY.get(code)
    if r is None:
        raise KeyError(f"rule {code} is not declared (import xlsxperf.rules first)")
    cell = at.cell if isinstance(at, Value) else at
    values = _Blank({k: _text(v) if isinstance(v, Decimal) else v for k, v in fmt.items()})
    values.setdefault("expected", _text(expected))
    values.setdefault("actual", _text(actual))
    values.setdefault("tolerance", _text(tolerance))
    values.setdefault("sheet", cell.sheet if cell else sheet)
    fm = string.Formatter()
    return Finding(
        code=r.code,
        name=r.name,
        severity=severity or r.severity,
        message=fm.vformat(r.zh, (), values),
        message_en=fm.vformat(r.en, (), values),
        sheet=cell.sheet if cell else sheet,
        cell=cell.ref if cell else None,
        defined_name=cell.name if cell else None,
        expected=_text(expected),
        actual=_text(actual),
        tolerance=_text(tolerance),
        path=path,
    )
