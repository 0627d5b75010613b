"""The lease on an output folder: a reused process id, another container with the same host
name, a run that died on another host, runs taking over at the same moment, and a holder
that stalls."""

from __future__ import annotations

import json
import multiprocessing
import os
import socket
import time
from pathlib import Path

import pytest
from batch_helpers import copy
from click.testing import CliRunner
from conftest import CLEAN

from xlsxperf.batch import LOCK_FILE, LeaseLost, LockBusy, run_batch
from xlsxperf.batch.lease import STALE, Lease, _boot_id, _pid_namespace
from xlsxperf.cli import cli
from xlsxperf.config import default_config


def _lease_file(out: Path, age: float = 0, **fields: object) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    holder = {"run": "0" * 32, "host": socket.gethostname(), "pid": os.getpid(), "boot": _boot_id(),
              "pidns": _pid_namespace(), "started": "2026-01-01 00:00:00", **fields}
    path = out / LOCK_FILE
    path.write_text(json.dumps(holder), encoding="utf-8")
    when = time.time() - age
    os.utime(path, (when, when))
    return path


def _dead_pid() -> int:
    proc = multiprocessing.get_context("fork").Process(target=lambda: None)
    proc.start()
    proc.join()
    return int(proc.pid or 0)


def test_a_reused_process_id_does_not_block_forever(tmp_path: Path) -> None:
    box, out = tmp_path / "box", tmp_path / "out"
    copy(CLEAN, box / "a.xlsx")
    # pid 1 is alive (it is init, or whatever a container runs): the old lock waited for it
    _lease_file(out, pid=1)
    with pytest.raises(LockBusy):
        run_batch([box], out, default_config(), lock_wait=0.3)  # refreshed recently: held
    _lease_file(out, age=STALE + 60, pid=1)  # not refreshed for minutes: stale
    assert run_batch([box], out, default_config(), lock_wait=0).docs[0]["status"] == "ok"
    assert not (out / LOCK_FILE).exists()


def test_a_dead_holder_on_this_machine_is_stale_at_once(tmp_path: Path) -> None:
    box, out = tmp_path / "box", tmp_path / "out"
    copy(CLEAN, box / "a.xlsx")
    _lease_file(out, pid=_dead_pid())
    assert run_batch([box], out, default_config(), lock_wait=0).docs[0]["status"] == "ok"


def test_another_container_with_the_same_host_name_is_not_taken_for_dead(tmp_path: Path) -> None:
    box, out = tmp_path / "box", tmp_path / "out"
    copy(CLEAN, box / "a.xlsx")
    _lease_file(out, pid=_dead_pid(), pidns="4026531836-elsewhere")  # its pid means nothing here
    with pytest.raises(LockBusy):
        run_batch([box], out, default_config(), lock_wait=0.3)


def test_a_run_that_died_on_another_host_blocks_minutes_not_hours(tmp_path: Path) -> None:
    box, out = tmp_path / "box", tmp_path / "out"
    copy(CLEAN, box / "a.xlsx")
    _lease_file(out, age=60, host="fileserver-2", pid=4242)
    with pytest.raises(LockBusy):
        run_batch([box], out, default_config(), lock_wait=0.2)
    _lease_file(out, age=STALE + 1, host="fileserver-2", pid=4242)
    assert STALE <= 600
    assert run_batch([box], out, default_config(), lock_wait=0).docs[0]["status"] == "ok"


def test_the_busy_message_names_the_holder_in_words(tmp_path: Path) -> None:
    box, out = tmp_path / "box", tmp_path / "out"
    copy(CLEAN, box / "a.xlsx")
    _lease_file(out, host="fileserver-2", pid=4242)
    result = CliRunner().invoke(cli, ["run", str(box), "-o", str(out), "--lock-wait", "0"])
    assert result.exit_code == 2
    assert "fileserver-2" in result.output and "4242" in result.output
    assert "{" not in result.output and "lock" in result.output


class _SlowLease(Lease):
    """A lease on a slow share: a moment passes between judging the lease stale and acting."""

    def _is_stale(self, data: bytes, mtime: float) -> bool:
        import random

        stale = super()._is_stale(data, mtime)
        time.sleep(random.uniform(0, 0.05))
        return stale


def _contend(outdir: str, barrier: object, queue: object) -> None:
    barrier.wait()  # type: ignore[attr-defined]
    lease = _SlowLease(Path(outdir), wait=0.2)
    try:
        lease.acquire()
    except LockBusy:
        queue.put("busy")  # type: ignore[attr-defined]
        return
    queue.put(lease.run_id)  # type: ignore[attr-defined]
    time.sleep(0.3)  # hold it while the others try; do not release


def test_concurrent_takeovers_of_a_stale_lease_give_one_holder(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    contenders, trials = 6, 12
    for trial in range(trials):
        out = tmp_path / f"out{trial}"
        _lease_file(out, age=STALE + 60, host="crashed-host", pid=99999)
        barrier, queue = ctx.Barrier(contenders), ctx.Queue()
        procs = [ctx.Process(target=_contend, args=(str(out), barrier, queue)) for _ in range(contenders)]
        for p in procs:
            p.start()
        answers = [queue.get(timeout=30) for _ in procs]
        for p in procs:
            p.join(10)
        winners = [a for a in answers if a != "busy"]
        assert len(winners) == 1, f"trial {trial}: {len(winners)} holders"
        holder = json.loads((out / LOCK_FILE).read_text(encoding="utf-8"))
        assert holder["run"] == winners[0]
        assert [p.name for p in out.iterdir()] == [LOCK_FILE]  # no ticket or temporary file left


def test_concurrent_creation_gives_one_holder(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("fork")
    for trial in range(5):
        out = tmp_path / f"out{trial}"
        out.mkdir()
        barrier, queue = ctx.Barrier(6), ctx.Queue()
        procs = [ctx.Process(target=_contend, args=(str(out), barrier, queue)) for _ in range(6)]
        for p in procs:
            p.start()
        answers = [queue.get(timeout=30) for _ in procs]
        for p in procs:
            p.join(10)
        assert len([a for a in answers if a != "busy"]) == 1


def test_the_holder_beats_and_notices_a_takeover(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    lease = Lease(out, wait=0, stale=2, heartbeat=0.1)
    lease.acquire()
    path = out / LOCK_FILE
    os.utime(path, (time.time() - 1.5,) * 2)
    time.sleep(0.15)
    lease.beat()
    assert time.time() - path.stat().st_mtime < 1  # refreshed
    other = Lease(out, wait=0, stale=2)
    with pytest.raises(LockBusy):
        other.acquire()  # a live holder is respected
    os.utime(path, (time.time() - 5,) * 2)  # the holder stalled for longer than the lease
    other.acquire()
    time.sleep(0.15)
    with pytest.raises(LeaseLost):
        lease.beat()
    lease.release()  # never removes a lease that is not its own
    assert json.loads(path.read_text(encoding="utf-8"))["run"] == other.run_id
    other.release()
    assert not path.exists()


def test_temporary_names_are_unique_per_run(tmp_path: Path) -> None:
    from xlsxperf.files import temp_name

    names = {temp_name("评价汇总.xlsx") for _ in range(1000)}
    assert len(names) == 1000  # the old names (pid only) clashed across containers
