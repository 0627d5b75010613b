"""A run that cannot do its job says so (exit 2, one line); a failure that says nothing about a
file is tried again; a killed run keeps its work and leaves no process behind; the state file
is never trusted."""

from __future__ import annotations

import dataclasses
import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from batch_helpers import (
    copy,
    fill_memory,
    group_members,
    names,
    report,
    start_slow_run,
    temp_files,
    unprivileged,
    wait_gone,
    xlsxperf,
)
from click.testing import CliRunner
from conftest import CLEAN, MESSY, ROOT, SEED
from openpyxl import load_workbook

from xlsxperf.batch import (
    JOURNAL_FILE,
    LOCK_FILE,
    MAX_TRIES,
    STATE_FILE,
    DiskFull,
    Source,
    run_batch,
    workers,
)
from xlsxperf.batch.state import STATE_VERSION
from xlsxperf.cli import cli
from xlsxperf.config import default_config


def _inbox(folder: Path, n: int = 3) -> Path:
    sources = (SEED, CLEAN, MESSY)
    for i in range(n):
        copy(sources[i % 3], folder / f"{i:02d}.xlsx")
    return folder


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["run", *args])
    return result.exit_code, result.output


# -- 2. "the run did not happen" never looks like success -----------------------------------------


def test_a_read_only_outdir_exits_2_with_one_line(tmp_path: Path) -> None:
    box, out = _inbox(tmp_path / "box"), tmp_path / "out"
    out.mkdir()
    out.chmod(0o555)
    try:
        done = xlsxperf("run", str(box), "-o", str(out), prefix=unprivileged())
        missing = xlsxperf("run", str(box), "-o", str(out / "sub"), prefix=unprivileged())
    finally:
        out.chmod(0o755)
    assert done.returncode == 2, done.stderr
    assert done.stdout == "" and done.stderr.count("\n") == 1
    assert "输出文件夹不可写" in done.stderr and str(out) in done.stderr
    assert missing.returncode == 2 and missing.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr + missing.stderr
    assert list(out.iterdir()) == []


def _fake_full_disk(monkeypatch: pytest.MonkeyPatch, after: int) -> None:
    """Evaluations fail as XlsxWriter fails on a full disk (FileCreateError wrapping ENOSPC)
    once ``after`` have been written; the workers are forked, so they see it."""
    from xlsxwriter.exceptions import FileCreateError

    import xlsxperf.report as report_module

    real = report_module.write_evaluation
    counter = Path(os.environ.get("TMPDIR", "/tmp")) / f"xlsxperf-full-{os.getpid()}-{time.time_ns()}"

    def write(ev, path, config=None):
        with open(counter, "a") as fh:
            fh.write("x")
        if counter.stat().st_size > after:
            Path(path).write_bytes(b"")  # what a full disk leaves: an empty file
            raise FileCreateError(OSError(errno.ENOSPC, "No space left on device"))
        return real(ev, path, config)

    monkeypatch.setattr(report_module, "write_evaluation", write)


def test_an_injected_full_disk_stops_the_run_with_one_line(tmp_path: Path, monkeypatch) -> None:
    box, out = _inbox(tmp_path / "box", 9), tmp_path / "out"
    _fake_full_disk(monkeypatch, after=2)
    code, output = _run(str(box), "-o", str(out), "--jobs", "2")
    assert code == 2, output
    lines = [x for x in output.splitlines() if not x.split(" ", 2)[-1].startswith("[")]
    assert len(lines) == 1 and "磁盘已满" in lines[0], output
    assert "Traceback" not in output and "Logging error" not in output
    assert [p for p in out.rglob("*") if p.is_file() and p.stat().st_size == 0] == []
    assert temp_files(out) == [] and not (out / LOCK_FILE).exists()
    for x in out.glob("*.xlsx"):
        load_workbook(x)
    with pytest.raises(DiskFull):
        run_batch([box], out, default_config(), jobs=1)


def _mount_tmpfs_then(size: str, out: Path, script: str) -> subprocess.CompletedProcess:
    """Run ``script`` (shell) in a private mount namespace with a tmpfs of ``size`` at $OUT."""
    if not shutil.which("unshare"):
        pytest.skip("unshare not available")
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"],
                           capture_output=True)
    if probe.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs CAP_SYS_ADMIN)")
    setup = f"mkdir -p $OUT && mount -t tmpfs -o size={size} tmpfs $OUT"
    return subprocess.run(["unshare", "-m", "sh", "-c", f"{setup} && {script}"],
                          capture_output=True, text=True, timeout=300, cwd=ROOT,
                          env={**os.environ, "OUT": str(out)})


CHECK_OUT = textwrap.dedent("""
    import json, os, sys
    from pathlib import Path
    from openpyxl import load_workbook
    out = Path(sys.argv[1])
    files = []
    for p in sorted(out.rglob("*")):
        if p.is_file():
            ok = True
            if p.suffix == ".xlsx":
                try:
                    load_workbook(p)
                except Exception:
                    ok = False
            files.append([p.name, p.stat().st_size, ok])
    print(json.dumps(files, ensure_ascii=False))
""")


def test_a_real_full_disk_gives_one_line_and_no_empty_files(tmp_path: Path) -> None:
    box = _inbox(tmp_path / "box", 12)
    checker = tmp_path / "check_out.py"
    checker.write_text(CHECK_OUT, encoding="utf-8")
    py = sys.executable
    out = tmp_path / "small"
    script = (f"{py} -m xlsxperf run {box} -o $OUT --jobs 2 > $OUT.stdout 2> {tmp_path}/stderr; "
              f"echo $? > {tmp_path}/rc; {py} {checker} $OUT > {tmp_path}/files")
    done = _mount_tmpfs_then("300k", out, script.replace("$OUT.stdout", f"{tmp_path}/stdout"))
    assert done.returncode == 0, done.stderr
    rc = int((tmp_path / "rc").read_text())
    stderr = (tmp_path / "stderr").read_text(encoding="utf-8")
    files = json.loads((tmp_path / "files").read_text(encoding="utf-8"))
    assert rc == 2, stderr
    errors = [x for x in stderr.splitlines() if "xlsxperf:" in x]
    assert len(errors) == 1 and "磁盘已满" in errors[0], stderr
    assert "Traceback" not in stderr and "Logging error" not in stderr
    assert [f for f in files if f[1] == 0] == [], files
    assert all(ok for _, _, ok in files), files
    assert not [f for f in files if ".tmp" in f[0] or f[0] == LOCK_FILE], files

    full = _mount_tmpfs_then("64k", tmp_path / "full", f"dd if=/dev/zero of=$OUT/filler bs=1k count=100 2>/dev/null; "
                                    f"{py} -m xlsxperf run {box} -o $OUT 2> {tmp_path}/stderr2; "
                                    f"echo $? > {tmp_path}/rc2; ls -A $OUT > {tmp_path}/ls2")
    assert full.returncode == 0, full.stderr
    assert int((tmp_path / "rc2").read_text()) == 2
    line = (tmp_path / "stderr2").read_text(encoding="utf-8")
    assert line.count("\n") == 1 and "磁盘已满" in line
    assert (tmp_path / "ls2").read_text().split() == ["filler"]  # nothing left behind


# -- 3. transient failures are tried again ---------------------------------------------------------


def _failing_in_a_worker(tmp_path: Path, monkeypatch, name: str, fail: Callable[[], object]
                         ) -> tuple[Path, Path]:
    """An inbox of a fine file and ``name``, whose worker calls ``fail`` before evaluating it;
    the real ``evaluate_to`` stays reachable as ``workers.evaluate_to.__wrapped__``."""
    box, out = tmp_path / "box", tmp_path / "out"
    copy(CLEAN, box / "fine.xlsx")
    copy(SEED, box / name)
    real = workers.evaluate_to

    def failing(path: str, *args):
        if Path(path).name == name:
            fail()
        return real(path, *args)

    failing.__wrapped__ = real  # type: ignore[attr-defined]
    monkeypatch.setattr(workers, "evaluate_to", failing)
    return box, out


def test_a_crashed_worker_is_retried_then_given_up_until_the_file_changes(tmp_path: Path, monkeypatch) -> None:
    box, out = _failing_in_a_worker(tmp_path, monkeypatch, "killed.xlsx",
                                    lambda: os.kill(os.getpid(), signal.SIGKILL))  # as the OOM killer
    real = workers.evaluate_to.__wrapped__  # type: ignore[attr-defined]
    for attempt in range(1, MAX_TRIES + 1):
        result = run_batch([box], out, default_config())
        killed = {r.path.name: r for r in result.files}["killed.xlsx"]
        assert killed.status == "error"
        message = killed.doc["findings"][0]["message"]
        if attempt < MAX_TRIES:
            assert killed.source is Source.RETRY and f"第 {attempt} 次" in message and "重试" in message
        else:
            assert killed.source is Source.GAVE_UP and "不再重试" in message
    again = run_batch([box], out, default_config())
    assert again.evaluated == 0  # given up: kept, and said so
    assert "不再重试" in again.docs[1]["findings"][0]["message"]
    monkeypatch.setattr(workers, "evaluate_to", real)
    assert run_batch([box], out, default_config()).evaluated == 0  # unchanged: still given up
    copy(MESSY, box / "killed.xlsx")  # a new version of the file
    fixed = {r.path.name: r for r in run_batch([box], out, default_config()).files}
    assert fixed["killed.xlsx"].status == "ok" and fixed["killed.xlsx"].source is Source.EVALUATED


class _Unsendable:
    def __reduce__(self) -> tuple:
        raise MemoryError  # no memory left to say what happened


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the memory cap is RLIMIT_AS")
def test_a_child_that_fills_its_memory_says_so() -> None:
    from xlsxperf.isolate import MEMORY_MESSAGE, LimitExceeded, call

    with pytest.raises(LimitExceeded) as raised:
        call(fill_memory, (), 60, 64)
    assert str(raised.value) == MEMORY_MESSAGE  # not "进程异常退出，退出码 1"


def test_a_child_without_memory_to_answer_is_read_as_out_of_memory() -> None:
    from xlsxperf.isolate import MEMORY_MESSAGE, LimitExceeded, call

    with pytest.raises(LimitExceeded) as raised:
        call(_Unsendable, (), 60, 1024)
    assert str(raised.value) == MEMORY_MESSAGE


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the memory cap is RLIMIT_AS")
def test_a_worker_that_fills_its_memory_says_so_and_the_run_goes_on(tmp_path: Path, monkeypatch) -> None:
    from xlsxperf.config import Limits

    box, out = _failing_in_a_worker(tmp_path, monkeypatch, "huge.xlsx", fill_memory)
    config = dataclasses.replace(default_config(), limits=Limits(memory_mb=64))
    files = {r.path.name: r for r in run_batch([box], out, config).files}
    assert files["fine.xlsx"].status == "ok"
    assert files["huge.xlsx"].status == "error"
    assert "超过内存限制" in files["huge.xlsx"].doc["findings"][0]["message"]
    assert temp_files(out) == []


def test_a_permission_error_is_not_remembered(tmp_path: Path) -> None:
    box, out = tmp_path / "box", tmp_path / "out"
    copy(CLEAN, box / "a.xlsx")
    (box / "a.xlsx").chmod(0o000)  # chmod changes neither size nor modification time
    try:
        first = xlsxperf("run", str(box), "-o", str(out), prefix=unprivileged())
    finally:
        (box / "a.xlsx").chmod(0o644)
    assert first.returncode == 3, first.stderr
    assert "重试" in names(report(out))["a.xlsx"]["findings"][0]["message"]
    second = xlsxperf("run", str(box), "-o", str(out), prefix=unprivileged())
    assert second.returncode == 0, second.stderr
    assert names(report(out))["a.xlsx"]["status"] == "ok"


# -- 4. a killed run keeps its work and leaves no worker behind ------------------------------------

def _start_slow_run(box: Path, out: Path) -> subprocess.Popen:
    return start_slow_run(box, out, 0.4)


def _wait_for_outputs(out: Path, n: int, proc: subprocess.Popen) -> int:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        done = len(list(out.glob("*_评价结果*.xlsx")))
        if done >= n:
            return done
        time.sleep(0.05)
    raise AssertionError("the run did not get going")


@pytest.mark.parametrize("how", ["SIGTERM", "SIGINT"])
def test_sigterm_stops_cleanly_and_keeps_the_finished_files(tmp_path: Path, how: str) -> None:
    box, out = _inbox(tmp_path / "box", 16), tmp_path / "out"
    proc = _start_slow_run(box, out)
    _wait_for_outputs(out, 3, proc)
    proc.send_signal(getattr(signal, how))
    stdout, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 128 + getattr(signal, how), stderr
    assert "已中止" in stderr and "Traceback" not in stderr
    assert wait_gone(proc.pid) == []  # no worker survives
    kept = list(out.glob("*_评价结果*.xlsx"))
    for x in kept:
        load_workbook(x)
    assert temp_files(out) == [] and not (out / LOCK_FILE).exists()
    rerun = run_batch([box], out, default_config())
    assert rerun.evaluated == 16 - len(kept)
    assert len(rerun.docs) == 16


def test_kill_9_leaves_no_worker_and_loses_no_finished_file(tmp_path: Path) -> None:
    box, out = _inbox(tmp_path / "box", 16), tmp_path / "out"
    proc = _start_slow_run(box, out)
    _wait_for_outputs(out, 3, proc)
    os.kill(proc.pid, signal.SIGKILL)  # the run only: its workers must notice by themselves
    proc.communicate(timeout=30)
    assert wait_gone(proc.pid) == [], "workers outlived their run"
    assert (out / JOURNAL_FILE).is_file()  # what finished was recorded as it finished
    recorded = [json.loads(x) for x in (out / JOURNAL_FILE).read_text(encoding="utf-8").splitlines()]
    kept = {p.name for p in out.glob("*_评价结果*.xlsx")}
    assert kept and kept <= {r["entry"]["output"] for r in recorded}  # none of them unknown
    rerun = run_batch([box], out, default_config(), lock_wait=0)  # the lease of a dead process
    assert rerun.evaluated == 16 - len(kept)
    assert temp_files(out) == [], "temporary files of the killed run are cleaned"
    assert len(rerun.docs) == 16 and all(d["status"] == "ok" for d in rerun.docs)
    assert sorted(p.name for p in out.glob("*_评价结果*.xlsx")) == sorted(d["output"] for d in rerun.docs)


def test_leftover_temporary_files_are_removed_at_start(tmp_path: Path) -> None:
    box, out = _inbox(tmp_path / "box", 1), tmp_path / "out"
    out.mkdir()
    leftovers = [".xlsxperf-0123456789ab.tmp.2022_x_评价结果.xlsx", ".0123456789abcdef.new.xlsx",
                 ".评价汇总.4242.tmp.xlsx"]
    for name in leftovers:
        (out / name).write_bytes(b"partial")
    (out / "说明.xlsx").write_bytes(b"somebody's file")
    run_batch([box], out, default_config())
    assert not [n for n in leftovers if (out / n).exists()]
    assert (out / "说明.xlsx").read_bytes() == b"somebody's file"


# -- 6. the state file is never trusted ------------------------------------------------------------


@pytest.mark.parametrize("content", ["null", "[1, 2]", '{"version": 2, "inputs": []}',
                                     '{"version": 2, "inputs": {"x": null}}', "\x00\x01 not json"])
def test_a_damaged_state_is_rebuilt_and_said_so(tmp_path: Path, content: str) -> None:
    box, out = _inbox(tmp_path / "box", 2), tmp_path / "out"
    out.mkdir()
    (out / STATE_FILE).write_text(content, encoding="utf-8")
    code, output = _run(str(box), "-o", str(out))
    assert code == 0, output
    assert len(report(out)["files"]) == 2
    if content.startswith(('{"version": 2, "inputs": {', )):
        assert "状态文件损坏" not in output  # one bad entry: only that input is evaluated again
    else:
        assert "状态文件损坏，已全部重新审核" in output
        assert "状态文件损坏" in (out / "xlsxperf.log").read_text(encoding="utf-8")
    assert json.loads((out / STATE_FILE).read_text(encoding="utf-8"))["version"] == STATE_VERSION == 3


def test_a_folder_in_place_of_the_state_file_stops_the_run_with_one_line(tmp_path: Path) -> None:
    box, out = _inbox(tmp_path / "box", 1), tmp_path / "out"
    (out / STATE_FILE).mkdir(parents=True)
    (out / STATE_FILE / "keep.txt").write_text("somebody's", encoding="utf-8")
    code, output = _run(str(box), "-o", str(out))
    assert code == 2 and output.count("\n") == 1
    assert "状态文件的位置被一个文件夹占用" in output
    assert (out / STATE_FILE / "keep.txt").read_text(encoding="utf-8") == "somebody's"


def test_an_output_path_in_the_state_never_deletes_an_input(tmp_path: Path) -> None:
    box, out = tmp_path / "自评表", tmp_path / "out"
    copy(SEED, box / "x.xlsx")
    copy(CLEAN, box / "y.xlsx")
    run_batch([box], out, default_config())
    state = json.loads((out / STATE_FILE).read_text(encoding="utf-8"))
    state["inputs"][str(box / "x.xlsx")]["output"] = "../自评表/x.xlsx"
    y_output = state["inputs"][str(box / "y.xlsx")]["output"]
    (out / y_output).unlink()
    os.symlink(box / "y.xlsx", out / y_output)  # an output name that leads to an input
    (out / STATE_FILE).write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    before = {p.name: p.read_bytes() for p in box.iterdir()}
    for src, name in ((MESSY, "x.xlsx"), (MESSY, "y.xlsx")):  # both changed: re-evaluated
        copy(src, box / name)
    changed = {p.name: p.read_bytes() for p in box.iterdir()}
    run_batch([box], out, default_config())
    assert {p.name: p.read_bytes() for p in box.iterdir()} == changed
    assert set(changed) == set(before)
    assert (out / y_output).is_symlink()  # not ours: neither replaced nor removed
    assert len(report(out)["files"]) == 2


# -- 11. the final line, progress lines ------------------------------------------------------------


def test_the_final_line_counts_add_up(tmp_path: Path) -> None:
    box, out = tmp_path / "box", tmp_path / "out"
    copy(CLEAN, box / "a.xlsx")
    copy(SEED, box / "b.xlsx")
    (box / "broken.xlsx").write_bytes(b"PK\x03\x04" + os.urandom(100))  # truncated, recent
    half = box / "half.xlsx"
    half.write_bytes(SEED.read_bytes()[: len(SEED.read_bytes()) // 2])
    os.utime(half, (time.time() - 300,) * 2)  # settled, but a truncated zip still arriving
    for _ in range(2):
        done = xlsxperf("run", str(box), "-o", str(out))
        line = done.stdout.strip().splitlines()[-1]
        numbers = [int(x) for x in __import__("re").findall(r"(\d+) 个", line)]
        files, evaluated, reused, pending, failed_now = numbers[:5]
        assert files == 4 and evaluated + reused + pending + failed_now == files, line
        assert min(numbers) >= 0
        assert line[:4].isdigit(), "a line appended to a log file starts with its time"


def test_a_newline_in_a_name_stays_on_one_progress_line(tmp_path: Path) -> None:
    box, out = tmp_path / "box", tmp_path / "out"
    copy(CLEAN, box / "第一行\n第二行.xlsx")
    done = xlsxperf("run", str(box), "-o", str(out))
    assert done.returncode == 0, done.stderr
    progress = [x for x in done.stderr.splitlines() if "[1/1]" in x]
    assert len(progress) == 1 and "第一行\\n第二行.xlsx" in progress[0]
    assert "第二行" not in done.stderr.replace(progress[0], "")


def test_run_logs_with_timestamps_to_outdir_only(tmp_path: Path) -> None:
    box, out = _inbox(tmp_path / "box", 1), tmp_path / "out"
    (box / "junk.xlsx").write_bytes(b"not a workbook")
    os.utime(box / "junk.xlsx", (time.time() - 7200,) * 2)
    state_home = tmp_path / "home"
    done = xlsxperf("run", str(box), "-o", str(out), env={"XDG_STATE_HOME": str(state_home)})
    assert done.returncode == 3
    log = (out / "xlsxperf.log").read_text(encoding="utf-8").splitlines()
    assert log and all(x[:4].isdigit() for x in log if x and not x.startswith((" ", "Traceback")))
    assert all(x[:4].isdigit() for x in done.stderr.splitlines())
    assert not (state_home / "xlsxperf" / "xlsxperf.log").exists()


def test_the_per_user_log_is_not_shared(tmp_path: Path, monkeypatch) -> None:
    from xlsxperf.cli import log_file

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "alice"))
    alice = log_file()
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "bob"))
    assert log_file() != alice and alice.parent.is_dir()
    assert not str(alice).startswith("/tmp/xlsxperf.log")


def test_group_members_sees_a_running_group() -> None:
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"], start_new_session=True)
    try:
        assert group_members(proc.pid) == [proc.pid]
    finally:
        proc.kill()
        proc.wait()
    assert wait_gone(proc.pid, 5) == []


def _grandchild(ready: object) -> None:
    from xlsxperf.isolate import watch_parent

    watch_parent(0.1)
    ready.set()  # type: ignore[attr-defined]
    time.sleep(60)  # a file that hangs


def _middle(ready: object, pids: object) -> None:
    import multiprocessing

    child = multiprocessing.get_context("fork").Process(target=_grandchild, args=(ready,))
    child.start()
    pids.put(child.pid)  # type: ignore[attr-defined]
    time.sleep(60)


def test_without_a_parent_death_signal_a_worker_still_ends_with_its_run() -> None:
    """The watch used where Linux's parent-death signal is not available (macOS, Windows)."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    ready, pids = ctx.Event(), ctx.Queue()
    middle = ctx.Process(target=_middle, args=(ready, pids))
    middle.start()
    grandchild = pids.get(timeout=30)
    assert ready.wait(30)
    os.kill(middle.pid or 0, signal.SIGKILL)  # the run dies; its worker is busy with a hanging file
    middle.join(10)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(grandchild, 0)
        except ProcessLookupError:
            break
        state = Path(f"/proc/{grandchild}/stat").read_text().rsplit(")", 1)[1].split()[0] \
            if Path(f"/proc/{grandchild}/stat").exists() else "X"
        if state == "Z":
            break
        time.sleep(0.1)
    else:
        raise AssertionError("the worker outlived its run")
