"""Evaluating files in long-lived worker processes that die with the run.

Each worker evaluates one file at a time under the time and memory limits of
``[limits]``; a worker that crashes or runs past the time limit is killed and replaced, its
file gets a failed :class:`Reply`, and the others go on. A worker closes every pipe end it
inherited, dies with its parent (``PR_SET_PDEATHSIG`` on Linux; elsewhere the closed pipe
ends it) and ignores Ctrl-C, which is the parent's to handle: however the run ends, no worker
is left behind waiting.
"""

from __future__ import annotations

import errno
import os
import time
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import Config
from ..isolate import MEMORY_MESSAGE, child_setup, context, limit_memory
from .errors import os_error_in

RECYCLE_AFTER = 50  # files a worker evaluates before it is replaced (bounds memory growth)


@dataclass
class Reply:
    """What became of one file in a worker."""

    doc: dict[str, Any] | None = None  # the file's public JSON document
    output_tmp: str | None = None  # the evaluation workbook, written under this name in OUTDIR
    suggestion: str | None = None  # the name the evaluation would like (report.output_name)
    truncated: bool = False  # the zip ends early: perhaps still being copied
    error: str | None = None  # why there is no document (crash, time or memory limit)
    detail: str = ""  # a traceback for the log
    write_errno: int | None = None  # writing the evaluation failed with this errno

    @property
    def transient(self) -> bool:
        """The failure says nothing about the file's content: try again next run. A document
        without a content hash means the file could not be read (permissions, a vanished
        file), not that it is bad."""
        return self.doc is None or not self.doc.get("sha256")


def evaluate_to(path: str, outdir: str, tmp_name: str, config: Config) -> Reply:
    """Evaluate one input and write its evaluation to ``outdir/tmp_name``: the worker's job."""
    from ..evaluation import evaluate
    from ..render import file_document
    from ..report import output_name, write_evaluation

    ev = evaluate(path, config)
    reply = Reply(doc=file_document(ev), suggestion=output_name(ev),
                  truncated=ev.submission.problem == "truncated")
    if ev.calc is not None and ev.sha256:
        target = Path(outdir) / tmp_name
        try:
            write_evaluation(ev, target, config)
        except Exception as e:
            target.unlink(missing_ok=True)
            cause = os_error_in(e)
            if cause is None:
                raise
            reply.write_errno = cause.errno or errno.EIO
            reply.error = f"无法写出评价结果：{cause.strerror or cause}（cannot write the evaluation）"
            return reply
        reply.output_tmp = tmp_name
    return reply


def _serve(conn: Any, inherited: list[Any], parent_pid: int, outdir: str, config: Config) -> None:
    """Worker process: one file per message until told to stop, every outcome sent back.
    After running out of memory the worker stops."""
    child_setup(parent_pid, inherited)
    limit_memory(config.limits.memory_mb)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        path, tmp_name = task
        try:
            conn.send(evaluate_to(path, outdir, tmp_name, config))
        except MemoryError:
            (Path(outdir) / tmp_name).unlink(missing_ok=True)
            conn.send(Reply(error=MEMORY_MESSAGE))
            return
        except BaseException as e:  # noqa: BLE001 - reported to the parent, which logs it
            (Path(outdir) / tmp_name).unlink(missing_ok=True)
            conn.send(Reply(error=f"{type(e).__name__}: {e}", detail=traceback.format_exc()))


@dataclass
class _Worker:
    proc: Any
    conn: Any
    task: tuple[Path, str] | None = None
    started: float = 0.0
    served: int = 0

    def stop(self, kill: bool = False) -> None:
        try:
            if not kill:
                self.conn.send(None)
        except OSError:
            kill = True
        self.proc.join(0 if kill else 5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(5)
        self.conn.close()


def run_workers(tasks: list[tuple[Path, str]], outdir: Path, config: Config, jobs: int,
                done: Callable[[Path, Reply], None], tick: Callable[[], None] = lambda: None,
                stop: Callable[[], bool] = lambda: False) -> bool:
    """Evaluate ``tasks`` ((input, temporary output name)) in up to ``jobs`` worker processes,
    calling ``done`` as each finishes and ``tick`` twice a second. Returns False when ``stop``
    said to stop before all were done: the files in hand are abandoned (their workers killed,
    their temporary outputs removed). An exception from ``done`` ends the run the same way."""
    from multiprocessing.connection import wait

    if not tasks:
        return True
    from .. import evaluation, read, report  # noqa: F401  (loaded once; forked workers inherit them)

    ctx = context()
    forked = ctx.get_start_method() == "fork"
    timeout = float(config.limits.timeout_s)
    queue = deque(tasks)
    workers: list[_Worker] = []

    def spawn() -> _Worker:
        parent, child = ctx.Pipe()
        inherited = [parent] + [w.conn for w in workers] if forked else []
        proc = ctx.Process(target=_serve, args=(child, inherited, os.getpid(), str(outdir), config),
                           daemon=True)
        proc.start()
        child.close()
        w = _Worker(proc, parent)
        workers.append(w)
        return w

    def retire(w: _Worker, kill: bool = False) -> None:
        workers.remove(w)
        w.stop(kill)
        if kill and w.task:
            (outdir / w.task[1]).unlink(missing_ok=True)

    try:
        while queue or any(w.task for w in workers):
            if stop():
                return False
            while queue and (idle := [w for w in workers if w.task is None] or
                             ([spawn()] if len(workers) < jobs else [])):
                w = idle[0]
                w.task, w.started = queue.popleft(), time.monotonic()
                w.conn.send((str(w.task[0]), w.task[1]))
            busy = {w.conn: w for w in workers if w.task}
            for ready in wait(list(busy), timeout=0.5):
                w = busy[ready]
                assert w.task is not None
                path = w.task[0]
                try:
                    reply: Reply = w.conn.recv()
                except (EOFError, OSError):
                    w.proc.join(5)
                    code = w.proc.exitcode
                    retire(w, kill=True)
                    w.task = None
                    done(path, Reply(error=f"进程异常退出，退出码 {code}（worker crashed）"))
                    continue
                w.task = None
                w.served += 1
                if reply.error or w.served >= RECYCLE_AFTER or not w.proc.is_alive():
                    retire(w)  # a fresh worker after errors, and now and then anyway
                done(path, reply)
            now = time.monotonic()
            for w in [w for w in workers if w.task and now - w.started > timeout]:
                assert w.task is not None
                path = w.task[0]
                retire(w, kill=True)
                w.task = None
                done(path, Reply(error=f"超过时间限制 {config.limits.timeout_s} 秒（time limit exceeded）"))
            tick()
        return True
    finally:
        for w in list(workers):
            retire(w, kill=bool(w.task))
