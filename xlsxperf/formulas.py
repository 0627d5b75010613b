"""Excel formulas for the computed figures, mirroring :mod:`xlsxperf.scoring`. Pure text.

Every function returns the formula text (without the leading ``=``) for references given as
A1 text. The writer emits a formula only where the Python computation gave a value, and caches
that value in the cell, so any viewer shows it and a recalculation gives the same number.
Percent values are written as fractions (0.6511 shown as 65.11%): ``ROUND(a/b*100,2)/100``
rounds exactly where :func:`xlsxperf.scoring.pct` does. Excel's ROUND rounds half away from
zero, as ``ROUND_HALF_UP`` does for the non-negative figures involved.
"""

from __future__ import annotations

from decimal import Decimal

from .schema import MET_LEVEL
from .schema import Nature as N
from .scoring import BANDS, Bands


def num(d: Decimal) -> str:
    """A Decimal as a formula literal."""
    text = format(d.normalize(), "f")
    return text if text not in ("-0",) else "0"


def total(refs: list[str]) -> str:
    return f"SUM({','.join(refs)})"


def share(part: str, whole: str) -> str:
    """part / whole as a fraction rounded like a 2-decimal percent (xlsxperf.scoring.pct)."""
    return f"ROUND({part}/{whole}*100,2)/100"


def budget_score(actual: str, budget: str, weight: str) -> str:
    """min(weight, 执行率 × weight), rounded to 2 decimals."""
    return f"ROUND(MIN({weight},{actual}/{budget}*{weight}),2)"


def completion(nature: str | None, target: str, actual: str) -> str | None:
    """完成值 / 指标值 (≥, =) or 指标值 / 完成值 (≤), as a fraction."""
    if nature in (N.AT_LEAST, N.EQUAL):
        return share(actual, target)
    if nature == N.AT_MOST:
        return share(target, actual)
    return None


def _at_least(target: str, actual: str, weight: str) -> str:
    return f"IF({actual}>={target},ROUND({weight},2),ROUND(MAX(0,{weight}*{actual}/{target}),2))"


def _band(level: str, weight: str, bands: Bands) -> tuple[str, str]:
    low, high = bands[level]
    top = f"{weight}*{num(high)}" if level == MET_LEVEL else f"{weight}*{num(high)}-0.01"
    bottom = f"{weight}*{num(low)}"
    return f"ROUND({bottom},2)", f"ROUND(MAX({top},{bottom}),2)"


def qualitative_score(level: str, weight: str, own: str, bands: Bands | None = None) -> str:
    """The self-score clamped into the band of the level; the band's low end when not scored."""
    low, high = _band(level, weight, BANDS if bands is None else bands)
    return f"IF(ISNUMBER({own}),MIN({high},MAX({low},ROUND({own},2))),{low})"


def indicator_score(nature: str | None, target: str, actual: str, weight: str, own: str,
                    bands: Bands | None = None) -> str | None:
    """The computed score of one indicator (xlsxperf.scoring.indicator_score); ``bands``: the
    profile's 定性 bands, the same ones the computation used (default :data:`BANDS`)."""
    cap = f"ROUND({weight},2)"
    if nature == N.AT_LEAST:
        return f"MIN({_at_least(target, actual, weight)},{cap})"
    if nature == N.EQUAL:
        zero = f"ROUND(IF({actual}<=0,{weight},0),2)"
        return f"MIN(IF({target}=0,{zero},{_at_least(target, actual, weight)}),{cap})"
    if nature == N.AT_MOST:
        partial = f"ROUND({weight}*(1-({actual}-{target})/{target}),2)"
        inner = (f"IF({actual}<={target},ROUND({weight},2),"
                 f"IF(OR({target}<=0,{actual}>=2*{target}),0,{partial}))")
        return f"MIN({inner},{cap})"
    if nature == N.QUALITATIVE:
        bands = BANDS if bands is None else bands
        levels = list(bands)
        expr = qualitative_score(levels[-1], weight, own, bands)
        for level in reversed(levels[:-1]):
            expr = f'IF({actual}="{level}",{qualitative_score(level, weight, own, bands)},{expr})'
        return expr
    return None


def grade(score: str, floors: tuple[tuple[str, Decimal], ...], lowest: str = "差") -> str:
    """The grade of a score by the configured floors (highest first), else the lowest grade."""
    expr = f'"{lowest}"'
    for name, floor in reversed(floors):
        expr = f'IF({score}>={num(floor)},"{name}",{expr})'
    return expr


def difference(computed: str, typed: str, places: int) -> str:
    return f"ROUND({computed}-{typed},{places})"


def same_text(computed: str, typed: str) -> str:
    return f'IF({computed}={typed},"一致","不一致")'
