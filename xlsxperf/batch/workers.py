"""Evaluating files in long-lived worker processes that die with the run.

Each worker evaluates one file at a time under the time and memory limits of
``[limits]``; a worker that crashes or runs past the time limit is killed and replaced, its
file gets a failed :class:`Reply`, and the others go on.

A file is evaluated with its unit's previous year (:mod:`.years`): the one the run names
(:class:`Task` ``pairing``), or the one the worker finds among the submissions the run knows
(``known``) once it has read the file; each worker keeps its own index of those, sent what
changed since its last task (:class:`.years.KnownLog`). The worker reads the earlier file
itself (sending the path costs nothing; an evaluation is about 25 kB over the pipe, reading it
again about 70 ms, and a file whose result was kept from an earlier run has no evaluation in
memory anyway).
It tells the run before it starts on the earlier file, which then gets a time limit of its
own; when that part fails (the earlier file crashes the worker, runs out of time or memory),
the file is evaluated again on its own and says why it was not compared: one bad earlier file
never costs the later one its result. A worker closes every pipe end it
inherited, dies with its parent (``PR_SET_PDEATHSIG`` on Linux; elsewhere the closed pipe
ends it) and ignores Ctrl-C, which is the parent's to handle: however the run ends, no worker
is left behind waiting.
"""

from __future__ import annotations

import errno
import functools
import logging
import os
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import Config
from ..isolate import (
    MEMORY_MESSAGE,
    attempt,
    child_setup,
    context,
    crashed_message,
    limit_memory,
    send_or_exit,
    time_limit_message,
)
from .errors import os_error_in
from .years import NONE, Known, KnownIndex, KnownLog, Pairing, choose

if TYPE_CHECKING:
    from ..evaluation import Evaluation

log = logging.getLogger("xlsxperf")
RECYCLE_AFTER = 50  # files a worker evaluates before it is replaced (bounds memory growth)
# The known submissions are sent this many at a time (some 30 kB): a message of a few hundred
# kB makes the C library hand the run's memory out in larger pieces from then on, and the run
# ends up holding about half a megabyte more at a thousand files.
KNOWN_PART = 200
KNOWN = 0  # the first item of such a message (a task's first item is its path, a text)


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
    pairing: Pairing | None = None  # the previous year it was evaluated with (None: not evaluated)

    @property
    def transient(self) -> bool:
        """The failure says nothing about the file's content: try again next run. A document
        without a content hash means the file could not be read (permissions, a vanished
        file), not that it is bad."""
        return self.doc is None or not self.doc.get("sha256")


@dataclass(frozen=True)
class Task:
    """One file to evaluate, and with which previous year."""

    path: str  # the input, as the run names it
    tmp_name: str  # the evaluation is written under this name in OUTDIR
    pairing: Pairing | None = None  # decided by the run; None: the worker decides from ``known``
    # the submissions the run knows (one log for the whole run), when the worker decides; of
    # them, those of ``years`` (None: all)
    known: KnownLog | None = None
    years: frozenset[int] | None = None
    failed: str | None = None  # pairing was tried and failed: evaluate alone, and say this
    wave: int = 0  # handed out once every task of an earlier wave is done


def evaluate_to(path: str, outdir: str, tmp_name: str, config: Config, pairing: Pairing | None = None,
                known: Sequence[Known] | Callable[[Known], Sequence[Known]] = (), failed: str | None = None,
                starting: Callable[[Pairing], None] = lambda pairing: None) -> Reply:
    """Evaluate one input and write its evaluation to ``outdir/tmp_name``: the worker's job.

    The previous year is ``pairing`` or, when that is None, the one :func:`.years.choose`
    finds in ``known`` (the candidates, or what gives a file's candidates); ``starting`` is
    told before the earlier file is read. With ``failed`` the file is evaluated alone and
    ``failed`` says why."""
    from ..evaluation import evaluate
    from ..render import file_document
    from ..report import output_name, write_evaluation

    ev = evaluate(path, config)
    if ev.calc is not None and ev.sha256:
        if pairing is None:
            me = Known.of(file_document(ev))
            pairing = choose(me, known(me) if callable(known) else known) if me is not None else NONE
        if failed:
            ev.previous_refused = failed
        elif pairing.path:
            starting(pairing)
            ev = _with_previous(ev, pairing, config)
        elif pairing.refused:
            ev.previous_refused = pairing.refused
    reply = Reply(doc=file_document(ev), suggestion=output_name(ev),
                  truncated=ev.submission.problem == "truncated",
                  pairing=(pairing or NONE) if ev.calc is not None else None)
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


def _with_previous(ev: Evaluation, pairing: Pairing, config: Config) -> Evaluation:
    """``ev`` evaluated again with the earlier file ``pairing`` names. An earlier file that
    cannot be evaluated, or of another unit or year, is not compared (``previous_refused``
    says why); an internal error doing so keeps ``ev`` as it was, saying so."""
    from ..evaluation import evaluate, evaluate_submission

    assert pairing.path is not None
    try:
        earlier = evaluate(pairing.path, config)
        paired = evaluate_submission(ev.submission, config, previous=earlier)
    except MemoryError:
        raise
    except Exception as e:  # noqa: BLE001 - this file's result stands without last year
        log.error("comparing %s with %s failed", ev.path, pairing.path, exc_info=e)
        ev.previous_refused = f"与上年文件 {pairing.name} 比对时出现内部错误（{type(e).__name__}），未与上年比对"
        return ev
    paired.sha256 = ev.sha256
    return paired


def _serve(conn: Any, inherited: list[Any], parent_pid: int, outdir: str, config: Config) -> None:
    """Worker process: one file per message until told to stop, every outcome sent back.
    After running out of memory the worker stops."""
    child_setup(parent_pid, inherited)
    limit_memory(config.limits.memory_mb)
    index = KnownIndex()  # the submissions the run knows (see years.KnownLog)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        if task[0] == KNOWN:  # more of the known submissions, before a task
            index.apply(task[1])
            continue
        path, tmp_name, pairing, years, failed = task
        known = functools.partial(index.near, years=years)
        reply, error, detail = attempt(evaluate_to, path, outdir, tmp_name, config, pairing, known,
                                       failed, conn.send)
        if error is not None:  # reported to the parent, which logs it
            (Path(outdir) / tmp_name).unlink(missing_ok=True)
            reply = Reply(error=error, detail=detail)
        send_or_exit(conn.send, reply)
        if error == MEMORY_MESSAGE:
            return


@dataclass
class _Worker:
    proc: Any
    conn: Any
    task: Task | None = None
    started: float = 0.0
    served: int = 0
    pairing: Pairing | None = None  # the earlier file it is reading now, for its task
    seen: int = 0  # how many of the run's known-submission changes it has been sent

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


def _alone(task: Task, pairing: Pairing, why: str) -> Task:
    """``task`` again, without the previous year whose part failed (``why``)."""
    return Task(task.path, task.tmp_name, pairing, wave=task.wave,
                failed=f"上年文件 {pairing.name} 与本年一并审核时失败（{why}），未与上年比对；"
                       "两个文件之一改动后会重新比对")


def run_workers(tasks: list[Task], outdir: Path, config: Config, jobs: int,
                done: Callable[[str, Reply], None], tick: Callable[[], None] = lambda: None,
                stop: Callable[[], bool] = lambda: False,
                prepare: Callable[[Task], Task] = lambda task: task) -> bool:
    """Evaluate ``tasks`` in up to ``jobs`` worker processes, calling ``done`` as each finishes
    and ``tick`` twice a second; ``prepare`` completes a task as it is handed out (the run
    adds what it knows by then). Tasks are handed out in order, those of a wave (in order)
    once every task of the waves before it is done. Returns False when ``stop`` said to stop before all were
    done: the files in hand are abandoned (their workers killed, their temporary outputs
    removed). An exception from ``done`` ends the run the same way.

    A task whose earlier year fails (the worker crashes, runs out of time or memory once it
    said it was reading the earlier file) is handed out again without it."""
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
            (outdir / w.task.tmp_name).unlink(missing_ok=True)

    def failed(w: _Worker, task: Task, reply: Reply) -> None:
        """The task's end when it failed: handed out again alone when its earlier year was
        being read, else reported."""
        if w.pairing is not None and w.pairing.path and task.failed is None:
            queue.appendleft(_alone(task, w.pairing, reply.error or "未知错误"))
        else:
            done(task.path, reply)

    def hand_out(w: _Worker, task: Task) -> None:
        task = prepare(task)
        w.task, w.started, w.pairing = task, time.monotonic(), None
        if task.known is not None:  # what the worker has not been sent of it, a part at a time
            changes, w.seen = task.known.since(w.seen)
            for i in range(0, len(changes), KNOWN_PART):
                w.conn.send((KNOWN, changes[i:i + KNOWN_PART]))
        w.conn.send((task.path, task.tmp_name, task.pairing, task.years, task.failed))

    try:
        while queue or any(w.task for w in workers):
            if stop():
                return False
            while queue and not any(w.task and w.task.wave < queue[0].wave for w in workers) and (
                    idle := [w for w in workers if w.task is None] or ([spawn()] if len(workers) < jobs else [])):
                hand_out(idle[0], queue.popleft())
            busy = {w.conn: w for w in workers if w.task}
            for ready in wait(list(busy), timeout=0.5):
                w = busy[ready]
                task = w.task
                assert task is not None
                try:
                    message = w.conn.recv()
                except (EOFError, OSError):
                    w.proc.join(5)
                    code = w.proc.exitcode
                    retire(w, kill=True)
                    w.task = None
                    failed(w, task, Reply(error=crashed_message(code)))
                    continue
                if isinstance(message, Pairing):  # it starts on the earlier file: a time limit of its own
                    w.pairing, w.started = message, time.monotonic()
                    continue
                reply: Reply = message
                w.task = None
                w.served += 1
                if reply.error or w.served >= RECYCLE_AFTER or not w.proc.is_alive():
                    retire(w)  # a fresh worker after errors, and now and then anyway
                if reply.error and reply.doc is None:
                    failed(w, task, reply)
                else:
                    done(task.path, reply)
            now = time.monotonic()
            for w in [w for w in workers if w.task and now - w.started > timeout]:
                task = w.task
                assert task is not None
                retire(w, kill=True)
                w.task = None
                failed(w, task, Reply(error=time_limit_message(config.limits.timeout_s)))
            tick()
        return True
    finally:
        for w in list(workers):
            retire(w, kill=bool(w.task))
