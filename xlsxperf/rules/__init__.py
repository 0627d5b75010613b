"""The rule catalogue (审核规则): one registry, one small function per rule.

Each family of rules is one module (structure, filling, totals, ratios, performance,
consistency, narrative, yearly); each rule is one decorated function whose docstring is its
documentation. Importing this package registers every rule. Codes are a contract: they are
never renamed or reused.
"""

from __future__ import annotations

from . import (  # noqa: F401
    consistency,
    filling,
    narrative,
    performance,
    ratios,
    structure,
    totals,
    yearly,
)
from .registry import FAMILIES, ORDER, REGISTRY, Rule, declare, make, rule

__all__ = ["FAMILIES", "ORDER", "REGISTRY", "Rule", "codes", "declare", "load_all", "make", "rule"]


def load_all() -> dict[str, Rule]:
    """The registry in catalogue order: by family, then by code."""
    return dict(sorted(REGISTRY.items(), key=lambda kv: (ORDER.index(kv[0][0]), kv[0])))


def codes() -> tuple[str, ...]:
    """Every declared rule code, in catalogue order."""
    return tuple(load_all())
