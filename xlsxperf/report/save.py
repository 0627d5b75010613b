"""Writing the outputs of ``xlsxperf check -o DIR``: an evaluation per submission and, on
request, an annotated copy of each; unique names, atomic writes, never over an input and
never over a file we did not write (a department's corrected copy named ``X_批注.xlsx`` keeps
its name: ours gets a suffix). Annotated copies are made in a child process under the same
time and memory limits as evaluation: a sheet that claims a million rows cannot take the
machine's memory."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..files import atomic_write
from ..marker import is_ours
from .annotate import annotate
from .evaluation import write_evaluation
from .names import output_name, safe_part

if TYPE_CHECKING:
    from ..config import Config
    from ..evaluation import Evaluation

ANNOTATED_SUFFIX = "_批注.xlsx"


@dataclass
class Saved:
    written: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # one line each: what was not written, why


def _unique(name: str, taken: set[str], outdir: Path) -> str:
    """``name``, or ``name`` with a number, not used in this call and not a file of somebody
    else's in ``outdir`` (a file we wrote earlier may be replaced)."""
    stem, _, ext = name.rpartition(".")
    candidate, n = name, 2
    while candidate.lower() in taken or (
            os.path.lexists(outdir / candidate) and not is_ours(outdir / candidate)):
        candidate = f"{stem}_{n}.{ext}"
        n += 1
    taken.add(candidate.lower())
    return candidate


def _annotate_within_limits(ev: Evaluation, target: Path, config: Config) -> None:
    from ..isolate import call

    call(annotate, (ev, target), float(config.limits.timeout_s), config.limits.memory_mb)


def save_evaluations(evaluations: list[Evaluation], outdir: Path, config: Config | None = None,
                     annotated: bool = False) -> Saved:
    """Write each evaluation (and its annotated copy) into ``outdir``."""
    from ..config import default_config
    from ..isolate import LimitExceeded

    conf: Config = config or default_config()
    outdir.mkdir(parents=True, exist_ok=True)
    inputs = {Path(ev.path).resolve() for ev in evaluations}
    taken = {p.name.lower() for p in inputs if p.parent == outdir.resolve()}
    saved = Saved()
    for ev in evaluations:
        target = outdir / _unique(output_name(ev), taken, outdir)

        def evaluation(tmp: Path, ev: Evaluation = ev) -> None:
            write_evaluation(ev, tmp, conf)

        saved.written.append(atomic_write(target, evaluation))
        source = Path(ev.path)
        if annotated and ev.submission.readable and source.suffix.lower() in (".xlsx", ".xlsm"):
            name = _unique((safe_part(source.stem) or "填报表") + ANNOTATED_SUFFIX, taken, outdir)

            def copy(tmp: Path, ev: Evaluation = ev) -> None:
                _annotate_within_limits(ev, tmp, conf)

            try:
                saved.written.append(atomic_write(outdir / name, copy))
            except (LimitExceeded, RuntimeError) as e:
                saved.problems.append(f"{source.name}：未能生成批注副本（{e}）"
                                      "（the annotated copy was not written）")
    return saved
