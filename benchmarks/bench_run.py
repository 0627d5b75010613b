"""Benchmarks: `xlsxperf run` against two floors, one file's `check` against importing click,
the reader per file, and the 50,000-row cases. Prints Markdown tables (README's 性能 section).

    python benchmarks/bench_run.py [--sizes 60 200] [--repeat 3] [--jobs N]
                                   [--sections run startup reader large] [--python PYTHON]

For each N it generates N submissions (varied units and figures) and measures, side by side
and in turn in each repetition (so that a busy machine weighs on every side alike):
- floor (calamine): every value read by python-calamine, written back by XlsxWriter;
- floor (openpyxl): every cell read by openpyxl, written back by XlsxWriter;
- run:    `xlsxperf run` over the N files, into an empty folder;
- re-run: `xlsxperf run` again over the unchanged inputs.
Each floor runs in a child process with a pool of as many workers as `run` uses (all cores,
or --jobs): parent plus workers, like `run`. For each side: wall time (min and median over
the repetitions), CPU time of the whole process tree (user + system), and the peak resident
memory of the whole process tree (the sum over its live processes, sampled every 20 ms).

Start-up: one file's `xlsxperf check` against `python -c "import click"` and `xlsxperf
--version`, alternated, 30 times each (min and median). Reader: opening and reading the seed
sample with the calamine reader and with the openpyxl reader, in one process (min, median of
50). Large: a submission with 50,000 project rows (`check -o`) and one with 50,000 indicators
(`check`), each alternated with its own calamine floor in every repetition (peak memory: the
highest of the repetitions).

--python runs the measured commands with another interpreter (e.g. one where xlsxperf is
installed with `pip install .`, as users install it, rather than in editable mode). The
measured commands run with their bytecode compiled (PYTHONDONTWRITEBYTECODE is cleared for
them), as an installed package's is.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "samples"))

SEED = ROOT / "samples" / "2022_市中区经济合作局.xlsx"
MB = 1024 * 1024
PAGE = os.sysconf("SC_PAGE_SIZE")
SECTIONS = ("run", "startup", "reader", "large")
# the measured commands run with their bytecode compiled, as an installed package's is (where
# PYTHONDONTWRITEBYTECODE is set, every process would compile every module again)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


# -- inputs ---------------------------------------------------------------------------------------


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


def large(folder: Path, kind: str, rows: int) -> Path:
    """The clean sample with ``rows`` project rows or ``rows`` indicators."""
    import make_samples

    from xlsxperf.fill import fill_workbook

    fields, projects, indicators = make_samples.clean_data()
    if kind == "projects":
        projects = [dict(p, seq=i + 1, name=f"{p['name']}（第{i + 1}项）")
                    for i, p in enumerate(projects[i % len(projects)] for i in range(rows))]
    else:
        indicators = [dict(d, name=f"{d['name']}（第{i + 1}项）")
                      for i, d in enumerate(indicators[i % len(indicators)] for i in range(rows))]
    path = folder / f"{kind}_{rows}.xlsx"
    fill_workbook(path, fields, projects, indicators)
    old = time.time() - 3600
    os.utime(path, (old, old))
    return path


# -- the floors ----------------------------------------------------------------------------------


def copy_openpyxl(src: str, dst: str) -> int:
    """Every cell read with openpyxl, written back with XlsxWriter."""
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


def copy_calamine(src: str, dst: str) -> int:
    """Every value read with python-calamine, written back with XlsxWriter."""
    import xlsxwriter
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(src)
    out = xlsxwriter.Workbook(dst)
    cells = 0
    for name in wb.sheet_names:
        sheet = wb.get_sheet_by_name(name)
        target = out.add_worksheet(name[:31])
        top, left = sheet.start or (0, 0)
        for r, row in enumerate(sheet.to_python(), start=top):
            for c, value in enumerate(row, start=left):
                if value != "":
                    target.write(r, c, str(value))
                    cells += 1
    out.close()
    return cells


def floor_child(kind: str, jobs: int, src: Path, dst: Path) -> None:
    """The floor's process tree: this process and a pool of ``jobs`` workers."""
    copy = copy_calamine if kind == "calamine" else copy_openpyxl
    import xlsxwriter  # noqa: F401  (loaded once, before the workers fork, as `run` does)

    if kind == "calamine":
        import python_calamine  # noqa: F401
    else:
        import openpyxl  # noqa: F401
    dst.mkdir(parents=True, exist_ok=True)
    paths = sorted(src.glob("*.xlsx"))
    with ProcessPoolExecutor(jobs) as pool:
        list(pool.map(copy, map(str, paths), [str(dst / p.name) for p in paths]))


# -- measuring a process tree --------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                out += [int(p) for p in fh.read().split()]
    except OSError:
        pass
    return out


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


class TreeMemory(threading.Thread):
    """Samples the summed resident memory of a process and all its descendants."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            tree, seen = [self.pid], 0
            while seen < len(tree):
                tree += _children(tree[seen])
                seen += 1
            self.peak = max(self.peak, sum(_rss(p) for p in tree))
            self.done.wait(0.02)


class Measured:
    def __init__(self, wall: float, cpu: float, peak: int, code: int) -> None:
        self.wall, self.cpu, self.peak, self.code = wall, cpu, peak, code


def measure(cmd: list[str], env: dict[str, str] | None = None) -> Measured:
    """Wall time, CPU time of the whole tree and its peak memory, for one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=env or ENV)
    sampler = TreeMemory(proc.pid)
    sampler.start()
    code = proc.wait()
    wall = time.perf_counter() - start
    sampler.done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Measured(wall, cpu, sampler.peak, code)


# -- the sections --------------------------------------------------------------------------------


def _fmt_s(values: list[float]) -> str:
    return f"{min(values):.2f} s / {statistics.median(values):.2f} s"


def run_vs_floors(python: str, sizes: list[int], repeat: int, jobs: int) -> list[str]:
    lines = [
        "| N | side | wall, min / median | CPU, min / median | CPU per file | peak memory "
        "(tree) | CPU ÷ calamine floor |",
        "|---|---|---|---|---|---|---|",
    ]
    me = [sys.executable, str(Path(__file__).resolve())]
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            inbox = Path(tmp) / "inbox"
            inbox.mkdir()
            generate(inbox, n)
            sides: dict[str, list[Measured]] = {k: [] for k in
                                                ("floor (calamine)", "floor (openpyxl)", "run",
                                                 "re-run")}
            for rep in range(repeat):
                for kind in ("calamine", "openpyxl"):
                    dst = Path(tmp) / f"floor-{kind}-{rep}"
                    m = measure(me + ["--floor", kind, "--jobs", str(jobs), str(inbox), str(dst)])
                    assert m.code == 0, f"floor {kind} failed"
                    sides[f"floor ({kind})"].append(m)
                    shutil.rmtree(dst)
                out = Path(tmp) / f"out-{rep}"
                cmd = [python, "-m", "xlsxperf", "run", str(inbox), "-o", str(out),
                       "--fail-on", "never", "--settle", "0", "--jobs", str(jobs)]
                m = measure(cmd)
                assert m.code == 0, "run failed"
                sides["run"].append(m)
                sides["re-run"].append(measure(cmd))
                shutil.rmtree(out)
        base = min(m.cpu for m in sides["floor (calamine)"])
        for side, ms in sides.items():
            cpu = [m.cpu for m in ms]
            lines.append(f"| {n} | {side} | {_fmt_s([m.wall for m in ms])} | {_fmt_s(cpu)} | "
                         f"{min(cpu) / n * 1000:.1f} ms | {max(m.peak for m in ms) / MB:.0f} MB | "
                         f"{min(cpu) / base:.2f} |")
        print(f"  measured N = {n}", file=sys.stderr)
    return lines


def _alternate(cmds: dict[str, list[str]], runs: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {k: [] for k in cmds}
    for _ in range(runs):
        for name, cmd in cmds.items():
            start = time.perf_counter()
            subprocess.run(cmd, capture_output=True, env=ENV)
            times[name].append(time.perf_counter() - start)
    return times


def startup(python: str, runs: int = 30) -> list[str]:
    cmds = {
        'python -c "import click"': [python, "-c", "import click"],
        "xlsxperf --version": [python, "-m", "xlsxperf", "--version"],
        "xlsxperf check (one file)": [python, "-m", "xlsxperf", "check", str(SEED)],
    }
    times = _alternate(cmds, runs)
    base = min(times['python -c "import click"'])
    lines = ["| command | min | median | min ÷ click import |", "|---|---|---|---|"]
    for name, ts in times.items():
        lines.append(f"| `{name}` | {min(ts) * 1000:.0f} ms | {statistics.median(ts) * 1000:.0f} ms "
                     f"| {min(ts) / base:.2f} |")
    return lines


def reader(runs: int = 50) -> list[str]:
    from bench_evaluation import timed

    from xlsxperf.calaminebook import CalamineBook
    from xlsxperf.read import read_book
    from xlsxperf.xlsxbook import OpenpyxlBook

    rows = [
        ("openpyxl (before)", timed(lambda: OpenpyxlBook(SEED), runs),
         timed(lambda: read_book(OpenpyxlBook(SEED)), runs)),
        ("calamine (now)", timed(lambda: CalamineBook(SEED), runs),
         timed(lambda: read_book(CalamineBook(SEED)), runs)),
    ]
    lines = ["| reader | open, min / median | open and read every field and table, min / median |",
             "|---|---|---|"]
    for name, opened, read in rows:
        lines.append(f"| {name} | {min(opened):.1f} / {statistics.median(opened):.1f} ms | "
                     f"{min(read):.1f} / {statistics.median(read):.1f} ms |")
    return lines


def large_cases(python: str, repeat: int) -> list[str]:
    """Each large case and its calamine floor, alternated ``repeat`` times: CPU min / median,
    wall and peak memory of the repetition with the least CPU."""
    lines = ["| case | command | wall | CPU, min / median | peak memory (tree) | "
             "its calamine floor (CPU, min) | CPU ÷ floor (mins) |", "|---|---|---|---|---|---|---|"]
    me = [sys.executable, str(Path(__file__).resolve())]
    with tempfile.TemporaryDirectory() as tmp:
        for kind, label, extra in (("projects", "50,000 project rows", ["-o"]),
                                   ("indicators", "50,000 indicators", [])):
            inbox = Path(tmp) / kind
            inbox.mkdir()
            path = large(inbox, kind, 50000)
            floors, checks = [], []
            for rep in range(repeat):
                floors.append(measure(me + ["--floor", "calamine", "--jobs", "1", str(inbox),
                                            str(Path(tmp) / f"floor-{kind}-{rep}")]))
                cmd = [python, "-m", "xlsxperf", "check", str(path), "--fail-on", "never"]
                if extra:
                    cmd += [extra[0], str(Path(tmp) / f"out-{kind}-{rep}")]
                checks.append(measure(cmd))
            best = min(checks, key=lambda m: m.cpu)
            floor = min(m.cpu for m in floors)
            shown = "check -o" if extra else "check"
            lines.append(f"| {label} | `{shown}` | {best.wall:.1f} s | {best.cpu:.1f} s / "
                         f"{statistics.median(m.cpu for m in checks):.1f} s | "
                         f"{max(m.peak for m in checks) / MB:.0f} MB | {floor:.2f} s | "
                         f"{best.cpu / floor:.1f} |")
            print(f"  measured {label}", file=sys.stderr)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[60, 200])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--sections", nargs="+", default=list(SECTIONS), choices=SECTIONS)
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--floor", choices=["calamine", "openpyxl"], help=argparse.SUPPRESS)
    parser.add_argument("paths", nargs="*", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor:  # a floor's own process tree, started by the benchmark
        floor_child(args.floor, args.jobs, *args.paths)
        return
    load = os.getloadavg()[0]
    print(f"{os.cpu_count()} cores, {args.jobs} worker processes; Python {sys.version.split()[0]}; "
          f"load average {load:.1f} at the start; {args.repeat} repetitions")
    subprocess.run([args.python, "-m", "compileall", "-q", str(ROOT / "xlsxperf"),
                    str(Path(__file__).resolve().parent)], env=ENV, check=True)
    for section in args.sections:
        print()
        if section == "run":
            print("\n".join(run_vs_floors(args.python, args.sizes, args.repeat, args.jobs)))
        elif section == "startup":
            print("\n".join(startup(args.python)))
        elif section == "reader":
            print("\n".join(reader()))
        else:
            print("\n".join(large_cases(args.python, args.repeat)))


if __name__ == "__main__":
    main()
