"""Memory of a batch run's parent process against the number of files (README's 性能 section).

    python benchmarks/bench_memory.py [--sizes 100 1000] [--repeat 3] [--jobs N]
                                      [--cases run re-run changed] [--keep DIR]

For each N it generates N submissions, every second one shaped like the messy sample (whose
document, with its findings, is about seven times a clean one's), evaluates them once into an
output folder (the first `run`), and measures in each repetition, on a copy of that folder:

- run:     `xlsxperf run` over the N files into an empty folder (the first repetition is the
           run that made the folder; the others run again into empty folders);
- re-run:  `xlsxperf run` again over the unchanged inputs (the parent reads the state, plans
           and finds the summary unchanged: exactly its handling of N documents);
- changed: one input replaced by other content, then `xlsxperf run`: one file evaluated, the
           summary workbook and the JSON report written again from N documents.

For each: the peak resident memory of the parent process alone (``VmHWM`` of the `xlsxperf`
process, read as it exits; the worker processes are not counted: their memory depends on one
file, not on N) and the wall time. Figures are the minimum over the repetitions (the machine
is shared; the minimum is the least disturbed), wall times also the median. The last lines
give each case's peak at the largest N over the smallest.

--keep DIR keeps the generated inputs in DIR (and reuses them when they are there).
"""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "samples"))

MB = 1024 * 1024
CASES = ("run", "re-run", "changed")
# the measured commands run with their bytecode compiled, as an installed package's is
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


# -- inputs ---------------------------------------------------------------------------------------


def _scaled(fields: dict, i: int) -> dict:
    scale = Decimal(100 + i % 37) / 100
    out = dict(fields)
    for key, value in fields.items():
        if key.startswith(("income_", "exp_", "balance_", "exec_")) and isinstance(value, Decimal) \
                and not key.endswith("_rate"):
            out[key] = (value * scale).quantize(Decimal("0.01"))
    return out


def submission(folder: Path, i: int, variant: int = 0) -> Path:
    """The ``i``-th submission: a clean one (even ``i``) or a messy one (odd ``i``), each of its
    own unit; ``variant`` changes its figures (the `changed` case)."""
    import make_samples

    from xlsxperf.fill import fill_workbook

    path = folder / f"{i:04d}.xlsx"
    if i % 2:
        fields, projects, indicators, total = make_samples.messy_data()
        fields = dict(fields, unit_name=f"示例县第{i + 1}农业农村局",
                      exp_public=Decimal("150.00") + variant)
        fill_workbook(path, fields, projects, indicators, project_total=total, version=1)
    else:
        base, projects, indicators = make_samples.clean_data()
        fields = _scaled(base, i + variant)
        fields["unit_name"] = f"示例区第{i + 1}局"
        for key in ("exec_basic_rate", "exec_project_rate", "exec_total_rate"):
            fields.pop(key, None)
        scale = Decimal(100 + (i + variant) % 37) / 100
        rows = [dict(p, budget=(p["budget"] * scale).quantize(Decimal("0.01")),
                     initial=(p["initial"] * scale).quantize(Decimal("0.01")),
                     actual=(p["actual"] * scale).quantize(Decimal("0.01")), rate=None,
                     balance=(p["balance"] * scale).quantize(Decimal("0.01"))) for p in projects]
        fill_workbook(path, fields, rows, indicators)
    old = time.time() - 3600
    os.utime(path, (old, old))
    return path


def generate(folder: Path, n: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    have = {p.name for p in folder.glob("*.xlsx")}
    for i in range(n):
        if f"{i:04d}.xlsx" not in have:
            submission(folder, i)


# -- the parent's peak memory ----------------------------------------------------------------------


def _vm_hwm() -> int:
    """This process's peak resident memory, in bytes."""
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def parent(report: Path, args: list[str]) -> None:
    """Run the `xlsxperf` command in this process and write its peak memory to ``report``
    as it exits (the workers are its children and are not counted)."""
    atexit.register(lambda: report.write_text(str(_vm_hwm()), encoding="ascii"))
    sys.argv = ["xlsxperf", *args]
    from xlsxperf.launch import main

    main()


def measure(inbox: Path, out: Path, jobs: int) -> tuple[int, float]:
    """The parent's peak memory and the wall time of one `xlsxperf run`."""
    with tempfile.NamedTemporaryFile(suffix=".peak", delete=False) as fh:
        peak_file = Path(fh.name)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--parent", str(peak_file), "--",
           "run", str(inbox), "-o", str(out), "--fail-on", "never", "--settle", "0",
           "--jobs", str(jobs)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
    wall = time.perf_counter() - start
    try:
        peak = int(peak_file.read_text(encoding="ascii") or 0)
    finally:
        peak_file.unlink(missing_ok=True)
    if proc.returncode != 0:
        raise SystemExit(f"xlsxperf run failed ({proc.returncode}): {proc.stderr.decode()[-2000:]}")
    return peak, wall


def run_sizes(sizes: list[int], repeat: int, jobs: int, cases: list[str], keep: Path | None) -> list[str]:
    peaks: dict[tuple[int, str], list[int]] = {}
    walls: dict[tuple[int, str], list[float]] = {}

    def note(n: int, case: str, measured: tuple[int, float]) -> None:
        peaks.setdefault((n, case), []).append(measured[0])
        walls.setdefault((n, case), []).append(measured[1])

    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            inbox = (keep or Path(tmp)) / f"inbox-{n}"
            generate(inbox, n)
            spare = Path(tmp) / f"spare-{n}"
            spare.mkdir()
            original = spare / "original.xlsx"
            shutil.copy2(inbox / "0000.xlsx", original)
            changed = submission(spare, 0, variant=1)
            prepared = Path(tmp) / f"prepared-{n}"
            first = measure(inbox, prepared, jobs)
            for rep in range(repeat):
                if "run" in cases:
                    if rep:
                        fresh = Path(tmp) / f"fresh-{n}"
                        note(n, "run", measure(inbox, fresh, jobs))
                        shutil.rmtree(fresh)
                    else:
                        note(n, "run", first)
                out = Path(tmp) / f"out-{n}-{rep}"
                shutil.copytree(prepared, out, symlinks=True)
                if "re-run" in cases:
                    note(n, "re-run", measure(inbox, out, jobs))
                if "changed" in cases:
                    shutil.copy2(changed, inbox / "0000.xlsx")
                    try:
                        note(n, "changed", measure(inbox, out, jobs))
                    finally:
                        shutil.copy2(original, inbox / "0000.xlsx")
                shutil.rmtree(out)
            shutil.rmtree(prepared)
            print(f"  measured N = {n}", file=sys.stderr)
    lines = ["| N | case | parent peak memory (VmHWM), min | wall, min / median |", "|---|---|---|---|"]
    for n in sizes:
        for case in cases:
            w = walls[(n, case)]
            lines.append(f"| {n} | {case} | {min(peaks[(n, case)]) / MB:.1f} MB | "
                         f"{min(w):.2f} s / {statistics.median(w):.2f} s |")
    if len(sizes) > 1:
        lines.append("")
        small, big = min(sizes), max(sizes)
        for case in cases:
            ratio = min(peaks[(big, case)]) / min(peaks[(small, case)])
            lines.append(f"{case}: parent peak at N = {big} is {ratio:.3f} × N = {small} "
                         f"({(ratio - 1) * 100:+.1f}%)")
    return lines


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--parent":  # the measured command, started by main
        parent(Path(sys.argv[2]), sys.argv[4:])
        return
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cases", nargs="+", default=list(CASES), choices=CASES)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores, {args.jobs} worker processes; Python {sys.version.split()[0]}; "
          f"load average {os.getloadavg()[0]:.1f} at the start; {args.repeat} repetitions")
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "xlsxperf")], env=ENV, check=True)
    print("\n".join(run_sizes(args.sizes, args.repeat, args.jobs, args.cases, args.keep)))


if __name__ == "__main__":
    main()
