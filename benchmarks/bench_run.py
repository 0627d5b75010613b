"""Benchmark of `xlsxperf run` against a floor, the incremental re-run, and start-up.

    python benchmarks/bench_run.py [N ...]      (default: 20 60)

For each N it generates N submissions (varied units and figures) and measures, in one go:
- run:    `xlsxperf run` wall time over the N files (all cores);
- floor:  reading every cell with openpyxl and writing it back with XlsxWriter, with the
          same number of processes: what any tool must at least spend on these files;
- rerun:  `xlsxperf run` again over the unchanged inputs;
- peak:   the peak resident memory of the run's processes (parent and workers);
and once: `xlsxperf --version` against `python -c "import click"` (median of 7).
Targets: run ≤ 1.5 × floor, rerun < 10% of run, start-up < 2 × the click import, peak memory
flat in N.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "samples"))


def generate(folder: Path, n: int) -> list[Path]:
    import make_samples

    from xlsxperf.fill import fill_workbook

    base_fields, projects, indicators = make_samples.clean_data()
    paths = []
    for i in range(n):
        scale = Decimal(100 + i % 37) / 100
        fields = dict(base_fields, unit_name=f"示例区第{i + 1}局")
        for key, value in base_fields.items():
            if key.startswith(("income_", "exp_", "balance_", "exec_")) and isinstance(value, Decimal) \
                    and not key.endswith("_rate"):
                fields[key] = (value * scale).quantize(Decimal("0.01"))
        fields.pop("exec_basic_rate"), fields.pop("exec_project_rate"), fields.pop("exec_total_rate")
        rows = [dict(p, budget=(p["budget"] * scale).quantize(Decimal("0.01")),
                     initial=(p["initial"] * scale).quantize(Decimal("0.01")),
                     actual=(p["actual"] * scale).quantize(Decimal("0.01")), rate=None,
                     balance=(p["balance"] * scale).quantize(Decimal("0.01"))) for p in projects]
        path = folder / f"{i:04d}.xlsx"
        fill_workbook(path, fields, rows, indicators)
        old = time.time() - 3600
        os.utime(path, (old, old))
        paths.append(path)
    return paths


def copy_cells(src: str, dst: str) -> int:
    """The floor's unit of work: every cell read with openpyxl, written with XlsxWriter."""
    import xlsxwriter
    from openpyxl import load_workbook

    wb = load_workbook(src)
    out = xlsxwriter.Workbook(dst)
    cells = 0
    for ws in wb.worksheets:
        target = out.add_worksheet(ws.title[:31])
        for row in ws.iter_rows():
            for c in row:
                if c.value is not None:
                    target.write(c.row - 1, c.column - 1, str(c.value))
                    cells += 1
    out.close()
    return cells


def floor(paths: list[Path], outdir: Path, jobs: int) -> float:
    outdir.mkdir()
    start = time.perf_counter()
    with ProcessPoolExecutor(jobs) as pool:
        list(pool.map(copy_cells, map(str, paths), [str(outdir / p.name) for p in paths]))
    return time.perf_counter() - start


def timed_run(inbox: Path, out: Path) -> tuple[float, float]:
    """Wall time and peak RSS (MB, the largest of the run's processes) of one `xlsxperf run`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "xlsxperf", "run", str(inbox), "-o", str(out),
                    "--fail-on", "never"], check=True, capture_output=True)
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(peak, before) / 1024


def startup() -> tuple[float, float]:
    def median(cmd: list[str]) -> float:
        times = []
        for _ in range(7):
            start = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True)
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    return (median([sys.executable, "-m", "xlsxperf", "--version"]),
            median([sys.executable, "-c", "import click"]))


def main(sizes: list[int]) -> None:
    jobs = os.cpu_count() or 1
    print(f"{jobs} cores; python {sys.version.split()[0]}")
    print(f"{'N':>5} {'run s':>8} {'floor s':>8} {'run/floor':>9} {'rerun s':>8} {'rerun/run':>9} "
          f"{'peak MB':>8}")
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            inbox = Path(tmp) / "inbox"
            inbox.mkdir()
            paths = generate(inbox, n)
            low = floor(paths, Path(tmp) / "floor", jobs)
            run, peak = timed_run(inbox, Path(tmp) / "out")
            rerun, _ = timed_run(inbox, Path(tmp) / "out")
            print(f"{n:>5} {run:>8.2f} {low:>8.2f} {run / low:>9.2f} {rerun:>8.2f} "
                  f"{rerun / run:>9.1%} {peak:>8.0f}")
    ours, click_import = startup()
    print(f"start-up: xlsxperf --version {ours * 1000:.0f} ms; python -c 'import click' "
          f"{click_import * 1000:.0f} ms; ratio {ours / click_import:.2f}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [20, 60])
