"""Batch runs over a shared folder (SPEC section 8): discover, evaluate, write, remember.

``run_batch(paths, outdir, config)`` evaluates every workbook under ``paths`` and writes, into
``outdir``: one evaluation workbook per submission, the summary workbook (评价汇总.xlsx), the
JSON report, a log file and the state file that makes the next run incremental.

- Each submission is evaluated in its own worker process under a time and a memory limit; a
  file that crashes, hangs or blows up gets an error row and the batch goes on.
- Inputs are only read: never modified, moved or locked. Every output is written under a
  temporary name in ``outdir`` and renamed into place.
- A lock file in ``outdir`` keeps two runs apart; the lock of a dead process is taken over.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._version import __version__
from .config import Config
from .files import atomic_write, file_sha256, write_text

STATE_FILE = ".xlsxperf-state.json"
LOCK_FILE = ".xlsxperf.lock"
LOG_FILE = "xlsxperf.log"
REPORT_FILE = "评价汇总.json"
SUMMARY_FILE = "评价汇总.xlsx"
STATE_VERSION = 1
SPREADSHEETS = (".xlsx", ".xlsm", ".xls")
TEMP_SUFFIXES = (".tmp", ".temp", ".part", ".crdownload", ".partial", ".download", ".swp", ".bak")
SETTLE_SECONDS = 60  # a file modified more recently than this may still be being copied
TRUNCATED_WINDOW = 3600  # a broken zip this recent is taken to be still arriving

log = logging.getLogger("xlsxperf")


class LockBusy(RuntimeError):
    """Another run holds the output folder."""


# -- discovery ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Skipped:
    path: Path
    reason: str  # shown in the summary's 未审核文件 sheet


def _silently_skipped(name: str) -> bool:
    """Office lock files, hidden files and temporary files are not submissions."""
    lower = name.lower()
    return (name.startswith(("~$", ".", "~")) or lower.endswith(TEMP_SUFFIXES)
            or lower in ("thumbs.db", "desktop.ini"))


def discover(paths: Iterable[Path], outdir: Path) -> tuple[list[Path], list[Skipped]]:
    """Workbooks to evaluate (sorted, each once) and other files listed as not evaluated."""
    found: dict[Path, None] = {}
    others: list[Skipped] = []
    out = outdir.resolve()

    def consider(p: Path) -> None:
        if _silently_skipped(p.name):
            return
        if p.suffix.lower() in SPREADSHEETS:
            found.setdefault(p.resolve(), None)
        else:
            others.append(Skipped(p, "不是 .xlsx / .xlsm / .xls 文件，未审核（not a spreadsheet）"))

    for root in paths:
        if root.is_file():
            consider(root)
            continue
        for dirpath, dirnames, filenames in os.walk(root):
            here = Path(dirpath)
            dirnames[:] = sorted(d for d in dirnames
                                 if not d.startswith(".") and (here / d).resolve() != out)
            if here.resolve() == out:
                continue
            for name in sorted(filenames):
                consider(here / name)
    return sorted(found), others


# -- the lock ------------------------------------------------------------------------------------


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


class Lock:
    """``outdir/.xlsxperf.lock`` holding pid, host and start time; taken over when stale."""

    STALE_ELSEWHERE = 6 * 3600  # a lock from another host is stale after this long

    def __init__(self, outdir: Path, wait: float = 10.0) -> None:
        self.path = outdir / LOCK_FILE
        self.wait = wait
        self.mine = json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                                "started": time.strftime("%Y-%m-%d %H:%M:%S")})

    def _stale(self) -> bool:
        try:
            holder = json.loads(self.path.read_text(encoding="utf-8"))
            pid, host = int(holder["pid"]), str(holder["host"])
        except (OSError, ValueError, KeyError, TypeError):
            try:  # unreadable: a lock being written right now, or garbage left behind
                return time.time() - self.path.stat().st_mtime > 60
            except OSError:
                return True
        if host == socket.gethostname():
            return not _alive(pid)
        try:
            return time.time() - self.path.stat().st_mtime > self.STALE_ELSEWHERE
        except OSError:
            return True

    def holder(self) -> str:
        try:
            return self.path.read_text(encoding="utf-8")
        except OSError:
            return "?"

    def __enter__(self) -> Lock:
        deadline = time.monotonic() + self.wait
        while True:
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                if self._stale():
                    stale = self.path.with_name(f"{LOCK_FILE}.stale.{os.getpid()}")
                    try:  # rename first: of two runs taking over, only one wins
                        os.replace(self.path, stale)
                        stale.unlink()
                        log.warning("took over a stale lock")
                    except OSError:
                        pass
                    continue
                if time.monotonic() >= deadline:
                    raise LockBusy(self.holder()) from None
                time.sleep(0.2)
                continue
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(self.mine)
            return self

    def __exit__(self, *exc: Any) -> None:
        try:
            if self.path.read_text(encoding="utf-8") == self.mine:
                self.path.unlink()
        except OSError:
            pass


# -- state ---------------------------------------------------------------------------------------


@dataclass
class Entry:
    """What the state file remembers of one input."""

    sha256: str
    size: int
    mtime_ns: int
    tool: str
    config: str
    output: str | None  # the evaluation workbook's file name in outdir
    doc: dict[str, Any]  # the file's JSON document (SPEC section 6)


def load_state(outdir: Path) -> tuple[dict[str, Entry], str]:
    """(entries by input path, digest of the outputs last written)."""
    try:
        data = json.loads((outdir / STATE_FILE).read_text(encoding="utf-8"))
        if data.get("version") != STATE_VERSION:
            return {}, ""
        return {k: Entry(**v) for k, v in data["inputs"].items()}, str(data.get("outputs", ""))
    except (OSError, ValueError, TypeError, KeyError):
        return {}, ""  # no state or a damaged one: everything is evaluated again


def save_state(outdir: Path, entries: dict[str, Entry], outputs: str) -> None:
    data = {"version": STATE_VERSION, "outputs": outputs,
            "inputs": {k: vars(e) for k, e in sorted(entries.items())}}
    write_text(outdir / STATE_FILE, json.dumps(data, ensure_ascii=False, indent=1))


# -- workers -------------------------------------------------------------------------------------


def _limit_memory(megabytes: int) -> None:
    """Cap this process's address space at its current size plus ``megabytes``."""
    try:
        import resource
    except ImportError:  # Windows: the time limit still applies
        return
    try:
        with open("/proc/self/statm") as fh:
            current = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        current = 0
    cap = current + megabytes * 1024 * 1024
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def evaluate_to(path: str, outdir: str, tmp_name: str, config: Config) -> dict[str, Any]:
    """Evaluate one input and write its evaluation to ``outdir/tmp_name``: the worker's job."""
    from .evaluation import evaluate
    from .render import file_document
    from .report import output_name, write_evaluation

    ev = evaluate(path, config)
    doc = file_document(ev)
    doc["output_suggestion"] = output_name(ev)
    doc["truncated"] = ev.submission.problem == "truncated"
    if ev.calc is not None:
        write_evaluation(ev, Path(outdir) / tmp_name, config)
        doc["output_tmp"] = tmp_name
    return doc


RECYCLE_AFTER = 50  # files a worker evaluates before it is replaced (bounds memory growth)


def _serve(conn: Any, outdir: str, config: Config) -> None:
    """Worker process: limits first, then one file per message until told to stop; every
    outcome goes back on ``conn``. After running out of memory the worker stops."""
    _limit_memory(config.limits.memory_mb)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        path, tmp_name = task
        try:
            conn.send(("ok", evaluate_to(path, outdir, tmp_name, config)))
        except MemoryError:
            conn.send(("error", "超过内存限制（memory limit exceeded）", ""))
            return
        except BaseException as e:  # noqa: BLE001 - reported to the parent, which logs it
            conn.send(("error", f"{type(e).__name__}: {e}", traceback.format_exc()))


@dataclass
class Outcome:
    path: Path
    doc: dict[str, Any] | None = None  # the file document, when the worker finished
    error: str | None = None  # why there is no document
    detail: str = ""  # a traceback for the log


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
                done: Callable[[Outcome], None]) -> None:
    """Evaluate ``tasks`` ((input, temporary output name)) in up to ``jobs`` worker processes.

    A worker that crashes or runs past the time limit is killed and replaced; its file gets
    an error outcome and the others go on."""
    import multiprocessing as mp
    from collections import deque
    from multiprocessing.connection import wait

    if not tasks:
        return
    from . import evaluate, read, report  # noqa: F401  (loaded once; forked workers inherit them)

    ctx = mp.get_context()
    timeout = float(config.limits.timeout_s)
    queue = deque(tasks)
    workers: list[_Worker] = []

    def spawn() -> _Worker:
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_serve, args=(child, str(outdir), config), daemon=True)
        proc.start()
        child.close()
        w = _Worker(proc, parent)
        workers.append(w)
        return w

    def retire(w: _Worker, kill: bool = False) -> None:
        workers.remove(w)
        w.stop(kill)

    try:
        while queue or any(w.task for w in workers):
            while queue and (idle := [w for w in workers if w.task is None] or
                             ([spawn()] if len(workers) < jobs else [])):
                w = idle[0]
                w.task, w.started = queue.popleft(), time.monotonic()
                w.conn.send((str(w.task[0]), w.task[1]))
            busy = {w.conn: w for w in workers if w.task}
            for conn in wait(list(busy), timeout=0.5):
                w = busy[conn]
                path, w.task = w.task[0], None  # type: ignore[index]
                try:
                    message = conn.recv()
                except (EOFError, OSError):
                    w.proc.join(5)
                    retire(w, kill=True)
                    done(Outcome(path, error=f"进程异常退出，退出码 {w.proc.exitcode}（worker crashed）"))
                    continue
                w.served += 1
                done(Outcome(path, doc=message[1]) if message[0] == "ok"
                     else Outcome(path, error=message[1], detail=message[2]))
                if w.served >= RECYCLE_AFTER or not w.proc.is_alive() or message[0] != "ok":
                    retire(w)  # a fresh worker after errors, and now and then anyway
            now = time.monotonic()
            for w in [w for w in workers if w.task and now - w.started > timeout]:
                path = w.task[0]  # type: ignore[index]
                retire(w, kill=True)
                done(Outcome(path, error=f"超过时间限制 {config.limits.timeout_s} 秒（time limit exceeded）"))
    finally:
        for w in list(workers):
            retire(w, kill=bool(w.task))


# -- the run -------------------------------------------------------------------------------------


@dataclass
class RunResult:
    docs: list[dict[str, Any]]  # one per input, in input order
    not_evaluated: list[Skipped]
    evaluated: int  # inputs evaluated in this run (not taken from the state)
    summary_path: Path
    report_path: Path
    report: dict[str, Any] = field(default_factory=dict)


def _error_doc(path: Path, status: str, reason: str = "", reason_en: str = "") -> dict[str, Any]:
    """The file document of an input that has no evaluation: pending, or an S001 error."""
    from .evaluation import Evaluation
    from .model import Submission, TableData
    from .render import file_document
    from .rules import make

    findings = [] if status == "pending" else [
        make("S001", path=str(path), file=path.name, reason=reason, reason_en=reason_en)]
    sub = Submission(str(path), {}, TableData("", None, {}), TableData("", None, {}),
                     findings=findings, readable=False)
    doc = file_document(Evaluation(sub, None, findings, status))
    doc["output"] = None
    return doc


def _unique_names(docs: dict[Path, dict[str, Any]], reserved: set[str]) -> dict[Path, str]:
    """Final evaluation file names. An input whose suggested name is shared with another
    input, or already held by an unchanged one (``reserved``), gets a suffix from its path."""
    wanted: dict[str, list[Path]] = {}
    for path, doc in docs.items():
        if doc.get("output_suggestion"):
            wanted.setdefault(doc["output_suggestion"], []).append(path)
    names = {}
    for name, paths in wanted.items():
        for path in paths:
            if len(paths) == 1 and name not in reserved:
                names[path] = name
            else:
                tag = hashlib.sha256(str(path).encode()).hexdigest()[:6]
                stem, dot, ext = name.rpartition(".")
                names[path] = f"{stem}_{tag}.{ext}"
    return names


def run_batch(paths: list[Path], outdir: Path, config: Config, jobs: int | None = None,
              progress: Callable[[str, dict[str, Any]], None] | None = None,
              settle: float = SETTLE_SECONDS, lock_wait: float = 10.0) -> RunResult:
    """Evaluate everything under ``paths`` into ``outdir``. Raises LockBusy if another run
    holds the folder."""
    from .render import SCHEMA_VERSION, summary

    outdir.mkdir(parents=True, exist_ok=True)
    jobs = max(1, jobs or os.cpu_count() or 1)
    with Lock(outdir, lock_wait):
        _log_to(outdir)
        log.info("run started: %s -> %s (jobs %d, tool %s, config %s)", [str(p) for p in paths],
                 outdir, jobs, __version__, config.digest())
        inputs, others = discover(paths, outdir)
        state, last_outputs = load_state(outdir)
        digest = config.digest()
        now = time.time()
        docs: dict[Path, dict[str, Any]] = {}
        fresh: dict[Path, Entry] = {}
        todo: list[tuple[Path, str]] = []
        stats: dict[Path, os.stat_result] = {}

        for path in inputs:
            key = str(path)
            try:
                st = path.stat()
            except OSError as e:
                docs[path] = _error_doc(path, "error", f"无法读取文件（{e.strerror}）",
                                        f"cannot read the file ({e.strerror})")
                continue
            stats[path] = st
            if now - st.st_mtime < settle:
                docs[path] = _error_doc(path, "pending")
                continue
            old = state.get(key)
            if old and old.tool == __version__ and old.config == digest and (
                    old.output is None or (outdir / old.output).exists()):
                if (old.size, old.mtime_ns) == (st.st_size, st.st_mtime_ns) or \
                        old.sha256 == file_sha256(path):
                    old.size, old.mtime_ns = st.st_size, st.st_mtime_ns
                    fresh[path] = old
                    docs[path] = old.doc
                    continue
            todo.append((path, f".{hashlib.sha256(key.encode()).hexdigest()[:16]}.new.xlsx"))

        results: dict[Path, Outcome] = {}

        def finished(outcome: Outcome) -> None:
            results[outcome.path] = outcome
            if outcome.error:
                log.error("%s: %s\n%s", outcome.path, outcome.error, outcome.detail)
            if progress:
                progress("file", {"path": outcome.path, "outcome": outcome})

        if progress:
            progress("start", {"total": len(todo), "reused": len(fresh)})
        run_workers(todo, outdir, config, jobs, finished)

        for path, _ in todo:
            outcome = results[path]
            if outcome.doc is not None:
                doc = outcome.doc
                if doc.pop("truncated", False) and now - stats[path].st_mtime < TRUNCATED_WINDOW:
                    docs[path] = _error_doc(path, "pending")
                    continue
                docs[path] = doc
            else:
                docs[path] = _error_doc(path, "error", f"无法审核：{outcome.error}",
                                        f"could not be evaluated: {outcome.error}")

        kept = {e.output for e in fresh.values() if e.output}  # unchanged inputs keep their names
        names = _unique_names({p: d for p, d in docs.items() if p not in fresh}, kept)
        for path, _ in todo:
            doc = docs[path]
            tmp = doc.pop("output_tmp", None)
            doc.pop("output_suggestion", None)
            output = names.get(path) if tmp else None
            if tmp and output:
                os.replace(outdir / tmp, outdir / output)
            old = state.get(str(path))
            if old and old.output and old.output != output and (outdir / old.output).exists():
                (outdir / old.output).unlink()  # this input's earlier evaluation, renamed
            doc["output"] = output
            if doc["status"] != "pending":
                st = stats[path]
                fresh[path] = Entry(doc.get("sha256") or file_sha256(path) or "", st.st_size, st.st_mtime_ns,
                                    __version__, digest, output, doc)
        for path, entry in fresh.items():
            docs[path]["output"] = entry.output

        ordered = [docs[p] for p in inputs if p in docs]
        _mark_duplicates(ordered)
        report = {"schema_version": SCHEMA_VERSION,
                  "tool": {"name": "xlsxperf", "version": __version__},
                  "files": ordered, "summary": summary(ordered),
                  "not_evaluated": [{"path": str(s.path), "reason": s.reason} for s in others]}
        text = json.dumps(report, ensure_ascii=False, indent=2, default=str)
        outputs = hashlib.sha256(text.encode()).hexdigest()
        report_path, summary_path = outdir / REPORT_FILE, outdir / SUMMARY_FILE
        if outputs != last_outputs or not (report_path.exists() and summary_path.exists()):
            from .report.summary import write_summary

            write_text(report_path, text)
            atomic_write(summary_path, lambda tmp: write_summary(ordered, others, tmp, config))
        save_state(outdir, {str(p): e for p, e in fresh.items()}, outputs)
        log.info("run finished: %s", report["summary"])
        return RunResult(ordered, others, len(todo), summary_path, report_path, report)


def _mark_duplicates(docs: list[dict[str, Any]]) -> None:
    """Two evaluated submissions for the same unit and year: both keep their rows, both marked."""
    seen: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for d in docs:
        d.pop("duplicate_of", None)
        unit = d.get("unit") or {}
        if d["status"] == "ok" and unit.get("name") and unit.get("year"):
            seen.setdefault((unit["name"], unit["year"]), []).append(d)
    for group in seen.values():
        if len(group) > 1:
            for d in group:
                d["duplicate_of"] = [o["path"] for o in group if o is not d]


def _log_to(outdir: Path) -> None:
    """Details (tracebacks included) go to outdir/xlsxperf.log, never to the terminal."""
    target = str((outdir / LOG_FILE).resolve())
    for h in log.handlers:
        if getattr(h, "baseFilename", None) == target:
            return
    for h in list(log.handlers):
        log.removeHandler(h)
        h.close()
    handler = logging.FileHandler(target, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
