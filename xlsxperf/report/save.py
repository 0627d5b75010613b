"""Writing the outputs of ``xlsxperf check -o DIR``: an evaluation per submission and, on
request, an annotated copy of each; unique names, atomic writes, never over an input."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..files import atomic_write
from .annotate import annotate
from .evaluation import write_evaluation
from .names import output_name, safe_part

if TYPE_CHECKING:
    from ..config import Config
    from ..evaluation import Evaluation

ANNOTATED_SUFFIX = "_批注.xlsx"


def _unique(name: str, taken: set[str]) -> str:
    stem, _, ext = name.rpartition(".")
    candidate, n = name, 2
    while candidate.lower() in taken:
        candidate = f"{stem}_{n}.{ext}"
        n += 1
    taken.add(candidate.lower())
    return candidate


def save_evaluations(evaluations: list[Evaluation], outdir: Path, config: Config | None = None,
                     annotated: bool = False) -> list[Path]:
    """Write each evaluation (and its annotated copy) into ``outdir``; return what was written."""
    outdir.mkdir(parents=True, exist_ok=True)
    inputs = {Path(ev.path).resolve() for ev in evaluations}
    taken = {p.name.lower() for p in inputs if p.parent == outdir.resolve()}
    written = []
    for ev in evaluations:
        target = outdir / _unique(output_name(ev), taken)
        written.append(atomic_write(target, lambda tmp, ev=ev: write_evaluation(ev, tmp, config)))
        source = Path(ev.path)
        if annotated and ev.submission.readable and source.suffix.lower() in (".xlsx", ".xlsm"):
            name = _unique((safe_part(source.stem) or "填报表") + ANNOTATED_SUFFIX, taken)
            written.append(atomic_write(outdir / name, lambda tmp, ev=ev: annotate(ev, tmp)))
    return written
