"""Grade bands in words, from the configured floors (``config.grades``), never written out by
hand: 优 ≥ 90，良 80–90，中 60–80，差 < 60 with the defaults."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .. import schema as S
from .prose import trimmed

LOWEST = S.GRADES[-1]  # the grade below every floor (差)


@dataclass(frozen=True)
class Band:
    name: str
    low: Decimal | None  # inclusive; None: no lower bound
    high: Decimal | None  # exclusive; None: no upper bound

    @property
    def range_text(self) -> str:
        if self.low is None and self.high is None:
            return "全部"
        if self.low is None:
            return f"< {trimmed(self.high)}"  # type: ignore[arg-type]
        if self.high is None:
            return f"≥ {trimmed(self.low)}"
        return f"{trimmed(self.low)}–{trimmed(self.high)}"

    @property
    def label(self) -> str:
        """``优（≥ 90）``"""
        return f"{self.name}（{self.range_text}）"

    def holds(self, score: Decimal) -> bool:
        return (self.low is None or score >= self.low) and (self.high is None or score < self.high)


def bands(floors: tuple[tuple[str, Decimal], ...]) -> list[Band]:
    """Every grade with its score range, highest first."""
    out, high = [], None
    for name, floor in sorted(floors, key=lambda kv: -kv[1]):
        out.append(Band(name, floor, high))
        high = floor
    out.append(Band(LOWEST, None, high))
    return out


def grade_words(floors: tuple[tuple[str, Decimal], ...]) -> str:
    """``按计算总分：优 ≥ 90，良 80–90，中 60–80，差 < 60``"""
    return "按计算总分：" + "，".join(f"{b.name} {b.range_text}" for b in bands(floors))
