"""Helpers shared by the batch tests: aged copies, running the command as a separate process,
as a user the file permissions apply to, and finding the processes a run left behind."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT

OLD = time.time() - 7200


def age(path: Path, when: float = OLD) -> None:
    os.utime(path, (when, when))


def copy(src: Path, dst: Path) -> Path:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)
    age(dst)
    return dst


def report(out: Path) -> dict:
    return json.loads((out / "评价汇总.json").read_text(encoding="utf-8"))


def names(report: dict) -> dict[str, dict]:
    return {Path(f["path"]).name: f for f in report["files"]}


def unprivileged() -> list[str]:
    """A command prefix under which file permissions apply: nothing for a normal user; for
    root, setpriv without the capabilities that let root ignore them. Skips the test when
    neither is possible."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: permissions cannot be tested")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"]


def xlsxperf(*args: str, prefix: list[str] | None = None, env: dict | None = None,
             timeout: float = 180, input: str = "") -> subprocess.CompletedProcess:
    """The command line in a process of its own (as cron would start it)."""
    cmd = [*(prefix or []), sys.executable, "-m", "xlsxperf", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=ROOT,
                          env={**os.environ, "XLSXPERF_NO_PAUSE": "1", **(env or {})}, input=input)


def group_members(pgid: int) -> list[int]:
    """Live processes in process group ``pgid`` (Linux /proc)."""
    members = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(entry))
    return members


def wait_gone(pgid: int, seconds: float = 10) -> list[int]:
    deadline = time.monotonic() + seconds
    while (left := group_members(pgid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def fill_memory(*args: object) -> None:
    """What a sheet that claims a million cells does to a reader: the memory cap is reached by
    many small objects in reference cycles, held by the failing call's frames."""
    hold: list = []
    while True:
        hold.append([None, hold])


def temp_files(folder: Path) -> list[Path]:
    from xlsxperf.files import is_temp_name

    return [p for p in folder.rglob("*") if is_temp_name(p.name) or ".tmp" in p.name]


def start_slow_run(box: Path, out: Path, delay: float) -> subprocess.Popen:
    """``xlsxperf run box -o out --jobs 2`` in a session of its own, each file's evaluation
    held back ``delay`` seconds (so that a test can stop the run while it is working)."""
    code = ("import sys, time\n"
            "from xlsxperf.batch import workers\n"
            "real = workers.evaluate_to\n"
            "def slow(*args):\n"
            f"    time.sleep({delay!r})\n"
            "    return real(*args)\n"
            "workers.evaluate_to = slow\n"
            "from xlsxperf.cli import main\n"
            "main(sys.argv[1:])\n")
    return subprocess.Popen([sys.executable, "-c", code, "run", str(box), "-o", str(out), "--jobs", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
                            start_new_session=True)
