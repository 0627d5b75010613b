"""What a rule may look at besides the submission: the settings, the computed figures, the
report text as checked against them, today's date, and the same unit's previous year (None
when no earlier submission is paired with this one)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

T = TypeVar("T")

if TYPE_CHECKING:
    from .calc import Calc
    from .config import Config
    from .history import Previous
    from .narrative import Narrative


@dataclass(frozen=True)
class Context:
    """What a rule gets besides the submission."""

    config: Config
    calc: Calc
    narrative: Narrative
    today: date
    previous: Previous | None = None
    _shared: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def shared(self, key: str, make: Callable[[], T]) -> T:
        """What several rules derive alike from one submission (e.g. the budget lines the ratio
        rules walk), made once per evaluation under ``key``."""
        if key not in self._shared:
            self._shared[key] = make()
        return self._shared[key]
