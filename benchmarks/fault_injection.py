"""Fault injection for `xlsxperf run`: kill it at random moments, then let it finish.

    python benchmarks/fault_injection.py [N] [KILLS] [SEED]     (default: 200 20 1)

Generates N inputs (submissions and three broken files), then starts `xlsxperf run` KILLS
times and kills each at a random moment in its first seconds (when a run finishes before its
moment, later moments are drawn within the time it took) — SIGKILL to the run's process
alone (its workers must notice by themselves), SIGTERM or SIGINT (what systemd, Task
Scheduler and Ctrl-C send). Between runs, as on a shared drive in use, departments replace a
few files with new versions and now and then one file is deleted and another arrives. Finally
one run is left to finish. It asserts, and exits 1 if any fails:

- after every kill, no process of the run survives (its process group is empty within 5 s);
- after the last run: every workbook in OUTDIR is a valid workbook, no temporary file is
  left, the summary has exactly one row per input, the JSON report agrees, and the
  evaluations in OUTDIR are exactly those the report names;
- the work done before the kills was kept: the last run evaluates fewer files than N.

Linux only (process groups are read from /proc).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))

from batch_helpers import group_members  # noqa: E402  (the batch tests' own)

SIGNALS = (signal.SIGKILL, signal.SIGKILL, signal.SIGTERM, signal.SIGINT)


def start(inbox: Path, out: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "xlsxperf", "run", str(inbox), "-o", str(out), "--settle", "0",
           "--jobs", "2", "--lock-wait", "30", "--fail-on", "never"]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            cwd=ROOT, start_new_session=True)


def churn(inbox: Path, variants: list[Path], rng: random.Random, count: int) -> int:
    """Replace ``count`` inputs by new versions (other content, often another unit)."""
    targets = rng.sample(sorted(p for p in inbox.iterdir() if p.name[0].isdigit()), count)
    old = time.time() - 3600
    for target in targets:
        target.write_bytes(rng.choice(variants).read_bytes())
        os.utime(target, (old, old))
    return len(targets)


def main() -> int:
    from bench_run import generate
    from openpyxl import load_workbook

    from xlsxperf.files import is_temp_name

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    kills = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        inbox, out, spare = Path(tmp) / "inbox", Path(tmp) / "out", Path(tmp) / "spare"
        inbox.mkdir()
        spare.mkdir()
        generate(inbox, n - 3)
        variants = generate(spare, 40)  # the new versions departments send
        (inbox / "损坏.xlsx").write_bytes(os.urandom(3000))
        (inbox / "空文件.xlsx").write_bytes(b"")
        (inbox / "文本.xlsx").write_text("不是电子表格", encoding="utf-8")
        old = time.time() - 3600
        for p in inbox.iterdir():
            os.utime(p, (old, old))

        started = time.monotonic()
        moments, orphans, interrupted_ok = [], 0, 0
        span = 4.0  # kill moments are drawn from [0.05 s, span]
        changed = arrived = deleted = 0
        victims: set[str] = set()
        for k in range(kills):
            if k:
                changed += churn(inbox, variants, rng, 5)
                if rng.random() < 0.3:
                    victim = rng.choice(sorted(inbox.glob("0*.xlsx")))
                    victim.unlink()
                    victims.add(str(victim.resolve()))
                    new = inbox / f"new_{k}.xlsx"
                    new.write_bytes(rng.choice(variants).read_bytes())
                    os.utime(new, (old, old))
                    deleted += 1
                    arrived += 1
            proc = start(inbox, out)
            begun = time.monotonic()
            moment = rng.uniform(0.05, span)
            sig = rng.choice(SIGNALS)
            while proc.poll() is None and time.monotonic() < begun + moment:
                time.sleep(0.01)
            if proc.poll() is None:
                os.kill(proc.pid, sig)
            else:  # it had finished: aim the next kills within what a run takes now
                span = max(0.3, 0.9 * (time.monotonic() - begun))
            _, stderr = proc.communicate(timeout=120)
            deadline = time.monotonic() + 5
            while (left := group_members(proc.pid)) and time.monotonic() < deadline:
                time.sleep(0.05)
            if left:
                orphans += len(left)
                failures.append(f"kill {k + 1}: {len(left)} processes outlived the run")
                for pid in left:
                    os.kill(pid, signal.SIGKILL)
            if "Traceback" in stderr:
                failures.append(f"kill {k + 1}: a traceback reached the user:\n{stderr}")
            if sig != signal.SIGKILL and proc.returncode == 128 + sig:
                interrupted_ok += 1
            moments.append((round(moment, 2), signal.Signals(sig).name, proc.returncode))
        killed_for = time.monotonic() - started

        inputs = len(list(inbox.iterdir()))
        t0 = time.monotonic()
        final = subprocess.run([sys.executable, "-m", "xlsxperf", "run", str(inbox), "-o", str(out),
                                "--settle", "0", "--jobs", "2", "--format", "json", "--fail-on", "never"],
                               capture_output=True, text=True, cwd=ROOT, timeout=600)
        last_run = time.monotonic() - t0
        if final.returncode not in (0, 3):
            failures.append(f"last run exited {final.returncode}: {final.stderr}")
        report = json.loads(final.stdout)
        evaluated_last = int(final.stderr.strip().splitlines()[-1].split("本次审核 ")[1].split(" 个")[0])

        files = [p for p in out.rglob("*") if p.is_file()]
        temps = [p.name for p in files if is_temp_name(p.name) or ".tmp" in p.name]
        if temps:
            failures.append(f"temporary files left: {temps}")
        bad = []
        for p in files:
            if p.suffix == ".xlsx":
                try:
                    load_workbook(p, read_only=True).close()
                except Exception as e:  # noqa: BLE001 - reported
                    bad.append(f"{p.name}: {e}")
        if bad:
            failures.append(f"invalid workbooks: {bad}")
        summary = load_workbook(out / "评价汇总.xlsx", read_only=True)["汇总"]
        rows = sum(1 for r in summary.iter_rows(min_row=5, values_only=True)
                   if any(v not in (None, "") for v in r))  # a file not evaluated has no score
        if rows != inputs:
            failures.append(f"summary has {rows} rows for {inputs} inputs")
        if len(report["files"]) != inputs:
            failures.append(f"JSON report has {len(report['files'])} files for {inputs} inputs")
        outputs = {d["output"] for d in report["files"] if d["output"]}
        on_disk = {p.name for p in out.glob("*_评价结果*.xlsx")}
        if outputs != on_disk:
            failures.append(f"evaluations on disk and in the report differ: {sorted(on_disk ^ outputs)[:5]}")
        if evaluated_last >= n:
            failures.append("nothing was kept from the killed runs")
        gone = {x["path"] for x in report.get("removed", [])}
        if not gone <= victims:
            failures.append(f"listed as removed but not deleted: {sorted(gone - victims)}")
        moved = list((out / "已删除").glob("*.xlsx"))
        if len(moved) != len(gone):
            failures.append(f"{len(moved)} evaluations in 已删除, {len(gone)} listed as removed")

        print(f"inputs {inputs} ({n - 3} submissions, 3 broken files); {kills} runs killed at "
              f"random moments over {killed_for:.0f} s; between runs {changed} files replaced by new "
              f"versions, {deleted} deleted, {arrived} arrived")
        print(f"deleted inputs listed in the summary with their evaluation in 已删除/: {len(gone)}")
        hit = sum(1 for _, _, code in moments if code in (-9, 130, 143))
        print(f"runs killed while working: {hit} of {kills} (the others had finished)")
        print("kills (moment s, signal, exit code):", moments)
        soft = sum(1 for _, name, _ in moments if name != "SIGKILL")
        print(f"SIGTERM/SIGINT sent: {soft}; runs that stopped cleanly with 128+signal: {interrupted_ok} "
              "(the others had finished, or were still starting up)")
        print(f"processes that outlived a killed run: {orphans}")
        print(f"last run: {last_run:.1f} s, evaluated {evaluated_last} files, reused the rest; "
              f"exit {final.returncode}")
        print(f"outputs: {len(on_disk)} evaluations, all valid: {not bad}; temporary files: {len(temps)}; "
              f"summary rows {rows} = inputs {inputs}: {rows == inputs}")
    if failures:
        print("FAILED:\n- " + "\n- ".join(failures))
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
