"""Sums of rounded numbers, done right.

A figure shown with two decimals stands for every value within half a unit of its last
decimal (414.31 means [414.305, 414.315]). A typed total is inconsistent with its parts only
when those intervals cannot meet: when the difference exceeds the half-units of all the
operands added up. Integers (people, counts) are exact. No epsilon, no float.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from ..model import Value
from ..schema import Kind
from ..values import to_decimal

ZERO = Decimal(0)


def half_unit(kind: Kind) -> Decimal:
    """Half a unit of the last decimal the template shows for ``kind``; 0 for integers."""
    return _HALF_UNITS[kind]


_HALF_UNITS = {k: Decimal(5).scaleb(-(k.decimals + 1)) if k.decimals else ZERO for k in Kind}


def number(v: Value) -> Decimal | None:
    return to_decimal(v.value)


@dataclass(frozen=True)
class Sum:
    """Σ of the filled operands, and the tolerance they carry."""

    value: Decimal
    tolerance: Decimal
    filled: int


def total(values: Iterable[tuple[Value, Kind]], signs: Iterable[int] | None = None) -> Sum:
    """Signed sum of the filled values; blanks count as 0 and carry no rounding."""
    items = list(values)
    signs = list(signs) if signs is not None else [1] * len(items)
    acc, tol, filled = ZERO, ZERO, 0
    for (v, kind), sign in zip(items, signs, strict=False):
        n = to_decimal(v.value)
        if n is None:
            continue
        acc = acc + n if sign == 1 else acc + sign * n
        tol += _HALF_UNITS[kind]
        filled += 1
    return Sum(acc, tol, filled)


def differs(stated: Value, kind: Kind, computed: Sum) -> bool:
    """Whether a stated total cannot be the computed sum, given both sides' rounding."""
    n = number(stated)
    if n is None or computed.filled == 0:
        return False
    return abs(n - computed.value) > computed.tolerance + half_unit(kind)
