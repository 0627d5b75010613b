"""Time writing one evaluation workbook (评价结果) of the seed sample.

    python benchmarks/bench_evaluation.py [-n RUNS] [SUBMISSION]

The submission is read and evaluated once; then the workbook is written RUNS times in memory
and RUNS times to a file in a temporary folder. Prints the median, the fastest and the slowest.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from xlsxperf.evaluation import evaluate  # noqa: E402
from xlsxperf.report import evaluation_bytes, output_name, write_evaluation  # noqa: E402

SEED = ROOT / "samples" / "2022_市中区经济合作局.xlsx"


def timed(action: Callable[[], object], runs: int) -> list[float]:
    action()  # warm up: imports, caches
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--runs", type=int, default=30)
    parser.add_argument("submission", nargs="?", type=Path, default=SEED)
    args = parser.parse_args()

    ev = evaluate(args.submission)
    size = len(evaluation_bytes(ev))
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / output_name(ev)
        rows = [
            ("in memory", timed(lambda: evaluation_bytes(ev), args.runs)),
            ("to disk", timed(lambda: write_evaluation(ev, target), args.runs)),
        ]
    print(f"{args.submission.name}: {len(ev.findings)} findings, workbook {size / 1024:.0f} KiB, "
          f"{args.runs} runs")
    print(f"{'':<10} {'median ms':>10} {'min ms':>8} {'max ms':>8}")
    for label, times in rows:
        print(f"{label:<10} {statistics.median(times):>10.1f} {min(times):>8.1f} {max(times):>8.1f}")


if __name__ == "__main__":
    main()
