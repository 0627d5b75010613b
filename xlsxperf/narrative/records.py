"""What the report-text check finds: each figure with what it was compared with, each claim
with what the data shows."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .. import schema as S
from ..model import Cell
from ..values import round_half_up
from .phrases import MISMATCH, NOT_COMPARED, UNBOUND, VERIFIED
from .text import show

# ---------------------------------------------------------------------------------------------
# Records


@dataclass(frozen=True)
class Datum:
    """A value of the data a figure is compared with."""

    value: Decimal  # exact: a computed ratio is not rounded
    unit: str  # 万元, %, 人, 分, or an indicator's 度量单位
    cell: Cell | None
    computed: bool = False  # a ratio or a sum, not a value typed in one cell
    # A typed total: the sum of its parts when it differs (the text may quote either), what that
    # sum is, and whether the difference is a rounding slip (within the parts' rounding)
    parts: Decimal | None = None
    parts_words: str = ""
    slip: bool = False
    by_parts: bool = False  # the figure agrees with the parts' sum only: that is what is shown

    @property
    def shown(self) -> str:
        if self.by_parts and self.parts is not None:
            return show(round_half_up(self.parts), self.unit)
        return show(self.value if not self.computed else round_half_up(self.value), self.unit)


@dataclass(frozen=True)
class Figure:
    """One figure found in a text field and what it was compared with."""

    field: str  # the long-text field's name (its defined name)
    where: Cell | None  # that field's cell
    clause: str  # the clause as written, with what binds the figure
    text: str  # the figure as written: "414.31 万元"
    number: Decimal
    unit: str
    decimals: int  # shown precision
    qualifier: str  # "", at-least (超 / 余 / 以上), at-most (近 / 不足), about (约 / 左右)
    key: str | None  # the field or metric it names
    label: str | None
    data: Datum | None
    verdict: str  # verified / mismatch / unbound
    tolerance: Decimal | None  # half a unit of the figure's last shown decimal, in its unit
    note: str = ""
    start: int = 0  # offset in the field's text
    why: str = ""  # not compared (verdict unbound), and why: 年份, 增长, 差额, 计划 …

    @property
    def field_label(self) -> str:
        return S.FIELDS[self.field].label

    @property
    def outcome(self) -> str:
        """verified / mismatch / unbound / not-compared: the four ways a figure is accounted for."""
        return NOT_COMPARED if self.why else self.verdict


@dataclass(frozen=True)
class Claim:
    """A sentence that claims something the data can confirm or contradict."""

    field: str
    where: Cell | None
    clause: str
    words: str  # the claim as written: "无结余"
    kind: str  # balance / completion / execution
    holds: bool | None  # None: the data cannot tell
    data: str  # what the data shows
    data_en: str
    data_cell: Cell | None
    start: int = 0

    @property
    def field_label(self) -> str:
        return S.FIELDS[self.field].label


@dataclass(frozen=True)
class Narrative:
    figures: tuple[Figure, ...]
    claims: tuple[Claim, ...]

    @property
    def mismatches(self) -> tuple[Figure, ...]:
        return tuple(f for f in self.figures if f.verdict == MISMATCH)

    @property
    def unbound(self) -> tuple[Figure, ...]:
        """Figures nothing in the data could be matched with (未能对应)."""
        return tuple(f for f in self.figures if f.verdict == UNBOUND and not f.why)

    @property
    def not_compared(self) -> tuple[Figure, ...]:
        """Figures that are a change, another year, a plan, a difference … (不比较)."""
        return tuple(f for f in self.figures if f.why)

    @property
    def slips(self) -> tuple[Figure, ...]:
        """Figures the text gives right, bound to a typed total that is a rounding slip off the
        sum of its parts (one per typed total)."""
        out: dict[str, Figure] = {}
        for f in self.figures:
            if f.verdict == VERIFIED and f.data is not None and f.data.slip and f.key:
                out.setdefault(f.key, f)
        return tuple(out.values())

    @property
    def contradicted(self) -> tuple[Claim, ...]:
        return tuple(c for c in self.claims if c.holds is False)
