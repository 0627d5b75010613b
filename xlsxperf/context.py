"""What a rule may look at besides the submission: the settings, the computed figures, the
report text as checked against them, today's date, and the same unit's previous year (None
when no earlier submission is paired with this one)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

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
