"""One batch run: discover, plan, evaluate, record, summarise.

``run_batch(paths, outdir, config)`` evaluates every workbook under ``paths`` and writes into
``outdir`` one evaluation per submission, the summary workbook, the JSON report and the state
that makes the next run incremental. The order of things is what makes it safe to leave alone:

1. the output folder is checked writable before anything else (:func:`ensure_writable`);
2. the lease is taken; temporary files of killed runs are removed;
3. the state is read defensively (:mod:`.state`), the inputs discovered (:mod:`.discover`);
   no workbook at all keeps the previous summary and stops (NoInputs), unless allowed;
4. each file that changed is evaluated in a worker (:mod:`.workers`); as each finishes its
   evaluation is renamed into place and recorded, so a killed run keeps what it finished;
5. each evaluated submission is paired with its unit's previous year (:mod:`.years`); those
   not evaluated with the pairing they should have (a 2021 file changed, arrived or went
   away; a 2022 file read before its 2021 file) are evaluated again, recorded the same way;
6. evaluations of inputs that disappeared are moved to ``已删除/``; the summary is written.

Only a verdict on a file's content is remembered as such: a crash, a time or memory limit, a
file that could not be read are tried again on the next runs, ``MAX_TRIES`` times in a row,
then kept (and said so) until the file changes. Files are replaced or removed only when they
are ours: inside OUTDIR once the path is resolved, and carrying our mark.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from .._version import __version__
from ..config import Config
from ..files import atomic_write, file_sha256, is_temp_name, temp_name
from ..model import Status
from .discover import Discovery, Skipped, discover, shown
from .documents import DOCUMENTS_FOLDER, Documents, Stored
from .errors import BatchError, Interrupted, NoInputs, OutdirUnwritable, from_os_error, os_error_in
from .lease import LOCK_FILE, TICKET_STALE, Lease
from .state import DAMAGED, DELETED_FOLDER, Entry, Removed, State, Store
from .workers import Reply, Task, run_workers
from .years import NONE, Known, KnownLog, plan, trend

REPORT_FILE = "评价汇总.json"
SUMMARY_FILE = "评价汇总.xlsx"
LOG_FILE = "xlsxperf.log"
SETTLE_SECONDS = 60  # a file modified more recently than this may still be being copied
TRUNCATED_WINDOW = 3600  # a broken zip this recent is taken to be still arriving
MAX_TRIES = 3  # failures that say nothing about a file's content, before we stop retrying
_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")
_UNKNOWN_YEAR = 9999  # a file whose year is not known before it is read: evaluated last

log = logging.getLogger("xlsxperf")


class Source(StrEnum):
    """Where a file's result in this run comes from."""

    EVALUATED = "evaluated"  # evaluated in this run
    REUSED = "reused"  # unchanged since an earlier run (same content): its result stands
    PENDING = "pending"  # still being copied: left for the next run
    RETRY = "retry"  # could not be evaluated this time; tried again next run
    GAVE_UP = "gave-up"  # failed MAX_TRIES times in a row; kept until the file changes


@dataclass(slots=True)
class FileResult:
    """One input's outcome: its record and, apart from it, how it came about. Its public
    document is read from the documents folder when asked for (:attr:`doc`)."""

    key: str  # the input's path (as the state names it)
    source: Source
    # the file's record (render.file_record; with "output" and "duplicate_of"); the whole
    # document when it is not stored (a file pending or unreadable this time)
    record: dict[str, Any]
    error: str | None = None  # why it could not be evaluated this time (RETRY, GAVE_UP)
    stored: Stored | None = None  # where its document is
    documents: Documents | None = None

    @property
    def path(self) -> Path:
        return Path(self.key)

    @property
    def status(self) -> Status:
        return Status(self.record["status"])

    @property
    def doc(self) -> dict[str, Any]:
        """The file's public JSON document (SPEC section 6, with "output" and, when the
        unit's year was submitted twice, "duplicate_of"), as the JSON report carries it.
        Read from OUTDIR while no later run has replaced it; a document found damaged
        there is the record with empty lists (and the next run evaluates the file again)."""
        text = self._stored_text()
        if text is None:
            if self.stored is None:
                return self.record
            doc = {**self.record, "projects": [], "indicators": [], "findings": []}
        else:
            doc = json.loads(text)
        if self.record.get("duplicate_of"):
            doc["duplicate_of"] = self.record["duplicate_of"]
        return doc

    def text(self) -> str:
        """:attr:`doc` as the JSON report carries it (``render.to_json``), the stored text
        itself when it can be."""
        from ..render import to_json, with_keys

        text = self._stored_text()
        if text is None:
            return to_json(self.doc)
        dups = self.record.get("duplicate_of")
        return with_keys(text, {"duplicate_of": dups}) if dups else text

    def digest(self) -> str:
        """A digest of :meth:`text`, made from what is in memory."""
        if self.stored is not None:
            return f"{self.stored.sha256} {json.dumps(self.record.get('duplicate_of'), ensure_ascii=False)}"
        from ..render import to_json

        return hashlib.sha256(to_json(self.record).encode("utf-8", "surrogateescape")).hexdigest()

    def _stored_text(self) -> str | None:
        if self.stored is None or self.documents is None:
            return None
        return self.documents.text(self.stored)


class Observer(Protocol):
    """Progress reports (the command line shows a bar or one line per file)."""

    def started(self, todo: int, reused: int) -> None: ...

    def finished(self, result: FileResult) -> None: ...


class Stop:
    """Set by a signal handler the caller installs; the run stops at the next file."""

    def __init__(self) -> None:
        self.signum: int | None = None

    def __call__(self, signum: int, frame: Any = None) -> None:
        self.signum = signum

    def __bool__(self) -> bool:
        return self.signum is not None


@dataclass
class RunResult:
    files: list[FileResult]  # one per input, in input order
    not_evaluated: list[Skipped]  # other files and folders under the inputs, and why
    removed: list[Skipped]  # inputs that disappeared, and where their evaluation went
    evaluated: int  # inputs handed to a worker in this run
    summary_path: Path
    report_path: Path
    totals: dict[str, Any] = field(default_factory=dict)  # the JSON report's "summary"
    notes: list[str] = field(default_factory=list)  # things to tell the person running it

    @property
    def records(self) -> list[dict[str, Any]]:
        """Each file's record (in memory already)."""
        return [f.record for f in self.files]

    @property
    def docs(self) -> list[dict[str, Any]]:
        """Each file's whole document, all read into memory at once (:attr:`FileResult.doc`)."""
        return [f.doc for f in self.files]

    @property
    def report(self) -> dict[str, Any]:
        """The JSON report, read from :attr:`report_path` (every document at once)."""
        return dict(json.loads(self.report_path.read_text(encoding="utf-8")))

    def count(self, *sources: Source) -> int:
        return sum(1 for f in self.files if f.source in sources)


def ensure_writable(outdir: Path) -> None:
    """Create ``outdir`` if needed and prove a file can be written there; raise
    OutdirUnwritable or DiskFull (one line saying what to fix) when not."""
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutdirUnwritable(f"输出文件夹的位置是一个文件：{outdir}（OUTDIR is a file）") from None
    except OSError as e:
        error = from_os_error(e, outdir)
        raise error or OutdirUnwritable(f"无法创建输出文件夹：{outdir}（{e.strerror or e}）") from None
    probe = outdir / temp_name("probe")
    try:
        fd = os.open(probe, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        try:
            os.write(fd, b"\0" * 65536)
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as e:
        error = from_os_error(e, outdir)
        raise error or OutdirUnwritable(f"输出文件夹不可写：{outdir}（{e.strerror or e}）") from None
    finally:
        try:
            probe.unlink()
        except OSError:
            pass


def clean_leftovers(outdir: Path) -> int:
    """Remove the temporary files killed runs left in ``outdir`` (we hold the lease)."""
    removed = 0
    for folder in (outdir, outdir / DELETED_FOLDER, outdir / DOCUMENTS_FOLDER):
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            ticket = name.startswith(LOCK_FILE + ".takeover.")
            if is_temp_name(name) or (ticket and _older(folder / name, TICKET_STALE)):
                try:
                    (folder / name).unlink()
                    removed += 1
                except OSError:
                    pass
    return removed


def _both(paths: list[Path]) -> list[Path]:
    """Each path as given (made absolute) and resolved."""
    out = []
    for p in paths:
        out.append(p.absolute())
        try:
            out.append(p.resolve())
        except (OSError, RuntimeError):
            pass
    return out


def _older(path: Path, seconds: float) -> bool:
    try:
        return time.time() - path.stat().st_mtime > seconds
    except OSError:
        return False


def _own_file(outdir: Path, name: str, kinds: tuple[str, ...] = ("evaluation",)) -> str | None:
    """``outdir/name`` if it is a file we wrote (inside OUTDIR once resolved, carrying our
    mark of one of ``kinds``); None otherwise. (Paths as text: a Path interns its parts, and a
    run names thousands of files.)"""
    from ..marker import read_mark

    target = os.path.join(outdir, name)
    try:
        real = os.path.realpath(target, strict=True)
        if os.path.dirname(real) != os.path.realpath(outdir, strict=True) or not os.path.isfile(real):
            return None
    except (OSError, RuntimeError, ValueError):
        return None
    return target if read_mark(real) in kinds else None


def error_doc(path: Path, status: Status, reason: str = "", reason_en: str = "") -> dict[str, Any]:
    """The file document of an input that has no evaluation: pending, or an S001 error."""
    from ..evaluation import Evaluation
    from ..model import Submission, TableData
    from ..render import file_document
    from ..rules import make

    findings = [] if status is Status.PENDING else [
        make("S001", path=str(path), file=path.name, reason=reason, reason_en=reason_en)]
    sub = Submission(str(path), {}, TableData("", None, {}), TableData("", None, {}),
                     findings=findings, readable=False)
    doc = file_document(Evaluation(sub, None, findings, status))
    doc["output"] = None
    return doc


def outputs_digest(report: dict[str, Any], files: list[FileResult]) -> str:
    """Changes whenever the JSON report (``report`` with ``files`` as its files) does; made
    from what is in memory, so that a run that changes nothing reads no document."""
    h = hashlib.sha256(json.dumps({k: v for k, v in report.items() if k != "files"}, ensure_ascii=False,
                                  default=str).encode("utf-8", "surrogateescape"))
    for f in files:
        h.update(f"\n{f.digest()}".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def write_report(target: Path, report: dict[str, Any], files: list[FileResult]) -> None:
    """The JSON report to ``target``, ``report`` with ``files`` as its files, one document at
    a time (the text is ``render.to_json`` of the whole report)."""
    from ..render import json_chunks

    with open(target, "w", encoding="utf-8", errors="surrogateescape") as fh:
        for chunk in json_chunks(report, "files", (f.text() for f in files)):
            fh.write(chunk)


def mark_duplicates(docs: list[dict[str, Any]]) -> None:
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


class _Run:
    """The state of one run while it goes (see the module's docstring for the steps)."""

    def __init__(self, paths: list[Path], outdir: Path, config: Config, jobs: int,
                 observer: Observer | None, settle: float, allow_empty: bool,
                 truncated_window: float, stop: Stop, lease: Lease) -> None:
        self.paths = paths
        self.outdir = outdir
        self.config = config
        self.digest = config.digest()
        self.jobs = jobs
        self.observer = observer
        self.settle = settle
        self.allow_empty = allow_empty
        self.truncated_window = truncated_window
        self.stop = stop
        self.lease = lease
        self.now = time.time()
        # by input path (a str: a thousand Path objects weigh half a megabyte)
        self.results: dict[str, FileResult] = {}
        self.stats: dict[str, tuple[int, int]] = {}  # size and mtime_ns of the files to evaluate
        self.notes: list[str] = []
        self.store = Store(outdir)
        self.documents = self.store.documents
        self.state = State()
        self.removed_before: dict[str, Removed] = {}
        # evaluated submissions, candidates for a previous year: made when a worker first needs them
        self.known: KnownLog | None = None  # for the workers, once a task needs it
        # how many entries hold each output name (lower case): made when a name is first chosen,
        # then kept with the entries (see _entry)
        self.outputs: Counter[str] | None = None
        self.handed: set[str] = set()  # inputs handed to a worker in this run
        self.done: set[str] = set()  # and those of them that came back

    # -- 2-3: prepare --------------------------------------------------------------------------

    def go(self) -> RunResult:
        log.info("run started: %s -> %s (jobs %d, tool %s, config %s)",
                 [shown(p) for p in self.paths], shown(self.outdir), self.jobs, __version__, self.digest)
        cleaned = clean_leftovers(self.outdir)
        if cleaned:
            log.info("removed %d temporary files left by an earlier run", cleaned)
        self.state = self.store.load()
        if self.state.damaged:
            self.notes.append(DAMAGED)
        if self.store.replayed or self.store.migrated or self.state.damaged:
            self.store.save(self.state)  # a killed run's journal, an earlier version's documents
        self.removed_before = dict(self.state.removed)
        found = discover(self.paths, self.outdir, known=self._unchanged)
        if found.own:
            log.info("skipped %d files written by xlsxperf among the inputs", len(found.own))
        if not found.inputs and not self.allow_empty:
            raise NoInputs("没有找到任何填报表（.xlsx / .xlsm / .xls / .ods）："
                           + "、".join(shown(p) for p in self.paths)
                           + "；共享盘是否已挂载？上次的评价汇总已保留。确实没有文件时请加 --allow-empty"
                           "（no workbook found; the previous summary is kept）")
        inputs = found.inputs
        todo = self._plan(inputs)
        if self.observer:
            likely = self._likely_again(inputs, todo)
            self.observer.started(len(todo) + likely, sum(
                1 for r in self.results.values() if r.source is Source.REUSED) - likely)
        self._evaluate(self._first_pass(todo))
        self._evaluate(self._pair(inputs))
        removed = self._remove_deleted(found, inputs)
        self.lease.beat(force=True)
        return self._finish(found, inputs, removed, len(self.handed))

    def _evaluate(self, tasks: list[Task]) -> None:
        """Hand ``tasks`` to the workers; stopped by a signal, keep what was finished."""
        self.handed.update(t.path for t in tasks)
        complete = run_workers(tasks, self.outdir, self.config, self.jobs, self._finished, self._tick,
                               self._stopped, self._prepare)
        if not complete:
            self.store.save(self.state)
            raise Interrupted(self.stop.signum or 15, len(self.done), len(self.handed))

    def _stopped(self) -> bool:
        return bool(self.stop)

    def _tick(self) -> None:
        self.lease.beat()

    def _unchanged(self, path: str) -> bool:
        """The input was evaluated (or tried) before and has the size and time recorded then:
        a submission still, not one of our outputs."""
        entry = self.state.entries.get(path)
        if entry is None:
            return False
        try:
            st = os.stat(path)
        except OSError:
            return False
        return (entry.size, entry.mtime_ns) == (st.st_size, st.st_mtime_ns)

    def _plan(self, inputs: list[str]) -> list[str]:
        """Decide for each input: reuse, pending, or evaluate (returned)."""
        todo = []
        for path in inputs:
            if self._stopped():
                self.store.save(self.state)
                raise Interrupted(self.stop.signum or 15, 0, len(inputs))
            self.lease.beat()
            try:
                st = os.stat(path)
            except OSError as e:
                self._set(path, Source.RETRY, error_doc(
                    Path(path), Status.ERROR, f"无法读取文件（{e.strerror or e}），下次运行时重试",
                    f"cannot read the file ({e.strerror or e}); tried again next run"), str(e))
                continue
            old = self.state.entries.get(path)
            if old is not None and not self._usable(old):
                old = None
            unchanged = old is not None and (old.size, old.mtime_ns) == (st.st_size, st.st_mtime_ns)
            if old is not None and old.failures == 0 and (
                    unchanged or (old.sha256 is not None and old.sha256 == file_sha256(path))):
                if not unchanged:  # touched, same content: same result
                    old.size, old.mtime_ns = st.st_size, st.st_mtime_ns
                    self.store.record(path, old)
                self._set(path, Source.REUSED, old.doc, stored=old.stored)
            elif old is not None and old.failures >= MAX_TRIES and unchanged:
                self._set(path, Source.REUSED, old.doc, stored=old.stored)  # gave up on it earlier: said so
            elif self.now - st.st_mtime < self.settle:
                self._set(path, Source.PENDING, error_doc(Path(path), Status.PENDING))
            else:
                self.stats[path] = (st.st_size, st.st_mtime_ns)
                todo.append(path)
        return todo

    def _first_pass(self, todo: list[str]) -> list[Task]:
        """The files to evaluate, earlier years first, a year at a time (the year a file had
        last time, else a year in its path; unknown ones last): a worker reading a later year
        then finds its previous year evaluated already, and it is evaluated once."""
        def year(path: str) -> int:
            y = self._last_year(path)
            if y is not None:
                return y
            found = _YEAR.findall(path)
            return int(found[-1]) if found else _UNKNOWN_YEAR
        waves = {p: year(p) for p in todo}
        return [Task(p, temp_name("evaluation.xlsx"), wave=waves[p]) for p in sorted(todo, key=waves.__getitem__)]

    def _last_year(self, path: str) -> int | None:
        """The 评价年度 the input had when it was last evaluated, if known."""
        old = self.state.entries.get(path)
        year = (old.doc.get("unit") or {}).get("year") if old is not None else None
        return year if isinstance(year, int) and not isinstance(year, bool) else None

    def _prepare(self, task: Task) -> Task:
        """A task as it is handed out: unless the run named its previous year, the worker gets
        the submissions evaluated so far to find it among. Of those, the ones that can be its
        previous year: of the year it had last time and the one before (corrected, or replaced
        by next year's report under the same name); for a new file, of the years around the
        one in its path (a folder named for the year of submission holds the year before's
        report); all of them when no year is known. (A file of another year than expected is
        paired by :meth:`_pair`: evaluated again.)"""
        if task.pairing is not None:
            return task
        if self.known is None:
            self.known = KnownLog({p: k for p, r in self.results.items()
                                   if r.status is Status.OK and (k := Known.of(r.record)) is not None})
        year = self._last_year(task.path)
        if year is not None:
            years: frozenset[int] | None = frozenset((year - 1, year))
        elif task.wave != _UNKNOWN_YEAR:
            years = frozenset((task.wave - 2, task.wave - 1, task.wave))
        else:
            years = None
        return replace(task, known=self.known, years=years)

    def _likely_again(self, inputs: list[str], todo: list[str]) -> int:
        """Files kept from an earlier run that will probably be evaluated again with another
        previous year: theirs is being evaluated again, or gone (for the progress count)."""
        changed = set(todo)
        present = set(inputs)
        return sum(1 for p, r in self.results.items() if r.source is Source.REUSED
                   and (e := self.state.entries.get(p)) is not None and e.pairing.path
                   and (e.pairing.path in changed or e.pairing.path not in present))

    def _pair(self, inputs: list[str]) -> list[Task]:
        """The evaluated submissions whose pairing with a previous year is not the one they
        were evaluated with (see :mod:`.years`): to evaluate again. One whose previous year
        is still being copied or could not be read this time waits for the next run."""
        ok = [(p, r) for p in inputs if (r := self.results.get(p)) is not None and r.status is Status.OK]
        wanted = plan([r.record for _, r in ok])
        waiting = {p for p, r in self.results.items() if r.source in (Source.PENDING, Source.RETRY)}
        tasks = []
        for path, _ in ok:
            entry = self.state.entries.get(path)
            have = entry.pairing if entry is not None else NONE
            want = wanted.get(path, NONE)
            if have == want or have.path in waiting:
                continue
            log.info("%s: evaluated again with %s", shown(path),
                     f"last year {shown(want.path)}" if want.path else "no previous year")
            if entry is not None:  # kept from an earlier run: its stat is the entry's
                self.stats.setdefault(path, (entry.size, entry.mtime_ns))
            tasks.append(Task(path, temp_name("evaluation.xlsx"), want))
        return tasks

    def _usable(self, entry: Entry) -> bool:
        """An entry made by this tool and configuration whose evaluation and document are
        still in place."""
        return (entry.tool == __version__ and entry.config == self.digest
                and entry.stored is not None and self.documents.present(entry.stored)
                and (entry.output is None or os.path.isfile(os.path.join(self.outdir, entry.output))))

    def _set(self, path: str, source: Source, record: dict[str, Any], error: str | None = None,
             stored: Stored | None = None) -> None:
        result = FileResult(path, source, record, error, stored, self.documents if stored else None)
        self.results[path] = result
        if self.known is not None:
            self.known.set(path, Known.of(record) if result.status is Status.OK else None)
        if source in (Source.RETRY, Source.GAVE_UP) and error:
            log.error("%s: %s", shown(path), error)

    # -- 4: as each file finishes --------------------------------------------------------------

    def _finished(self, path: str, reply: Reply) -> None:
        self.done.add(path)
        if reply.write_errno is not None:
            e = OSError(reply.write_errno, os.strerror(reply.write_errno))
            raise from_os_error(e, self.outdir) or OutdirUnwritable(
                f"无法在输出文件夹中写出评价结果：{self.outdir}（{e.strerror}）")
        old = self.state.entries.get(path)
        st = self.stats[path]
        if reply.error or reply.doc is None or reply.transient:
            self._failed(path, reply, old, st)
        elif reply.truncated and self.now - st[1] / 1e9 < self.truncated_window:
            self._discard(reply)
            self._set(path, Source.PENDING, error_doc(Path(path), Status.PENDING))
        else:
            # Recorded first, then the earlier evaluation removed, then the new one renamed into
            # place: killed at any point, the state never misses a file it put there (an entry
            # whose evaluation is missing is simply evaluated again).
            from ..render import file_record, to_json

            doc = reply.doc
            output = self._name_for(path, reply.suggestion) if reply.output_tmp else None
            doc["output"] = output
            stored = self.documents.put(to_json(doc))  # in place before the state names it
            record = file_record(doc)
            entry = Entry(doc.get("sha256"), st[0], st[1], __version__, self.digest, output, record,
                          pairing=reply.pairing or NONE, stored=stored).share(path, self.state.shared)
            self._entry(path, entry)
            self.store.record(path, entry)
            if old is not None and old.output and old.output != output:
                self._remove_own(old.output)  # this input's earlier evaluation, under another name
            if output and reply.output_tmp:
                os.replace(os.path.join(self.outdir, reply.output_tmp), os.path.join(self.outdir, output))
            self._set(path, Source.EVALUATED, entry.doc, stored=stored)
        if self.observer:
            self.observer.finished(self.results[path])

    def _failed(self, path: str, reply: Reply, old: Entry | None, st: tuple[int, int]) -> None:
        self._discard(reply)
        if reply.error is None and reply.doc is not None:  # evaluated, but the file was unreadable
            reason = "; ".join(f["message"] for f in reply.doc.get("findings", [])) or "无法读取文件"
        else:
            reason = reply.error or "未知错误"
        unchanged = old is not None and (old.size, old.mtime_ns) == st
        tries = old.failures + 1 if old is not None and old.failures and unchanged else 1
        if tries >= MAX_TRIES:
            source = Source.GAVE_UP
            zh = f"无法审核：{reason}（已连续 {tries} 次失败，不再重试；文件改动后会重新审核）"
            en = f"could not be evaluated: {reason} ({tries} failures in a row; retried when the file changes)"
        else:
            source = Source.RETRY
            zh = f"无法审核：{reason}（第 {tries} 次失败，下次运行时重试）"
            en = f"could not be evaluated: {reason} (failure {tries}; tried again next run)"
        from ..render import file_record, to_json

        doc = error_doc(Path(path), Status.ERROR, zh, en)
        if old is not None and old.output:  # describes content that has changed since; removed
            self._remove_own(old.output)  # before the entry forgets it, so it is never orphaned
        stored = self.documents.put(to_json(doc))
        entry = Entry(None, st[0], st[1], __version__, self.digest, None, file_record(doc), tries,
                      stored=stored).share(path, self.state.shared)
        self._entry(path, entry)
        self.store.record(path, entry)
        self._set(path, source, entry.doc, f"{reason}\n{reply.detail}".rstrip(), stored=stored)

    def _discard(self, reply: Reply) -> None:
        if reply.output_tmp:
            try:
                os.unlink(os.path.join(self.outdir, reply.output_tmp))
            except FileNotFoundError:
                pass

    def _entry(self, key: str, entry: Entry | None) -> None:
        """Set (None: forget) the state's entry of ``key``, keeping the count of output names."""
        old = self.state.entries.get(key)
        if entry is None:
            self.state.entries.pop(key, None)
        else:
            self.state.entries[key] = entry
        if self.outputs is not None:
            if old is not None and old.output:
                self.outputs[_folded(old.output)] -= 1
            if entry is not None and entry.output:
                self.outputs[_folded(entry.output)] += 1

    def _name_for(self, key: str, suggestion: str | None) -> str:
        """The evaluation's file name: one no other input holds and no file we did not write
        occupies (ours, left by a killed run, may be replaced)."""
        if self.outputs is None:
            self.outputs = Counter(_folded(e.output) for e in self.state.entries.values() if e.output)
        own = self.state.entries.get(key)
        mine = own.output.lower() if own is not None and own.output else None
        wanted = suggestion or "评价结果.xlsx"
        stem, _, ext = wanted.rpartition(".")
        tag = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:6]
        candidates = [wanted, f"{stem}_{tag}.{ext}"] + [f"{stem}_{tag}_{n}.{ext}" for n in range(2, 100)]
        for name in candidates:
            lower = name.lower()
            if self.outputs[lower] > (lower == mine):
                continue  # another input's
            if os.path.lexists(os.path.join(self.outdir, name)) and _own_file(self.outdir, name) is None:
                continue  # somebody else's file: never overwritten
            return name
        raise OutdirUnwritable(f"输出文件夹中找不到可用的文件名：{wanted}")

    def _remove_own(self, name: str) -> None:
        target = _own_file(self.outdir, name)
        if target is not None:
            try:
                os.unlink(target)
            except OSError as e:
                log.warning("could not remove %s: %s", shown(target), e)

    # -- 5: deleted inputs, the summary --------------------------------------------------------

    def _remove_deleted(self, found: Discovery, inputs: list[str]) -> list[Skipped]:
        """Entries of inputs under this run's paths that are gone: their evaluations move to
        已删除/, and the summary lists them for as long as they are there."""
        roots, blind = _both(self.paths), _both(found.unreadable)
        seen = set(inputs) | set(self.results)

        def under(key: str, folders: list[Path]) -> bool:
            return any(Path(key) == f or Path(key).is_relative_to(f) for f in folders)

        for key in list(self.state.entries):
            if key in seen or not under(key, roots) or under(key, blind):
                continue
            entry = self.state.entries[key]
            self._entry(key, None)
            removed = None
            if entry.output and _own_file(self.outdir, entry.output) is not None:
                # recorded first, moved second: a run killed in between finishes the move
                removed = Removed(f"{DELETED_FOLDER}/{self._free_deleted_name(entry.output)}",
                                  time.strftime("%Y-%m-%d %H:%M"), entry.output)
                self.state.removed[key] = removed
            self.store.record(key, None, removed)
            log.info("input gone: %s (evaluation %s)", shown(key), removed.output if removed else "none")
        listed = []
        for key, r in sorted(self.state.removed.items()):
            name = r.output.partition("/")[2]
            self._finish_move(r)
            if key in seen or _own_file(self.outdir / DELETED_FOLDER, name) is None:
                del self.state.removed[key]
                continue
            listed.append(Skipped(shown(key), f"输入文件已不在（{r.when}），评价结果已移到 {r.output}"
                                              "（input gone; evaluation moved）"))
        return listed

    def _free_deleted_name(self, name: str) -> str:
        folder = self.outdir / DELETED_FOLDER
        planned = {r.output for r in self.state.removed.values()}
        stem, _, ext = name.rpartition(".")
        n = 1
        while True:
            candidate = name if n == 1 else f"{stem}_{n}.{ext}"
            if not os.path.lexists(folder / candidate) and f"{DELETED_FOLDER}/{candidate}" not in planned:
                return candidate
            n += 1

    def _finish_move(self, r: Removed) -> None:
        """Move the evaluation of a removed input into 已删除/ unless it is there already (or
        gone, or meanwhile the evaluation of an input again)."""
        target = self.outdir / r.output
        if os.path.lexists(target) or not r.source:
            return
        if any(e.output == r.source for e in self.state.entries.values()):
            return
        source = _own_file(self.outdir, r.source)
        if source is not None:
            target.parent.mkdir(exist_ok=True)
            os.replace(source, target)

    def _finish(self, found: Discovery, inputs: list[str], removed: list[Skipped], handed: int) -> RunResult:
        """The JSON report and the summary workbook, written from the records in memory and
        the documents read one at a time (never all at once), when they changed."""
        from ..render import SCHEMA_VERSION, summary

        self.known, self.stats, self.done, self.handed = None, {}, set(), set()  # evaluating is over: room
        files = [self.results[p] for p in inputs if p in self.results]
        records = [f.record for f in files]
        mark_duplicates(records)
        report: dict[str, Any] = {
                  "schema_version": SCHEMA_VERSION,
                  "tool": {"name": "xlsxperf", "version": __version__},
                  "files": None, "summary": summary(records),  # the files: streamed in write_report
                  "not_evaluated": [{"path": s.path, "reason": s.reason} for s in found.others],
                  "removed": [{"path": s.path, "reason": s.reason} for s in removed],
                  "trend": trend(records)}
        digest = outputs_digest(report, files)
        report_path, summary_path = self.outdir / REPORT_FILE, self.outdir / SUMMARY_FILE
        if digest != self.state.outputs or not (report_path.exists() and summary_path.exists()):
            from ..report.summary import write_summary

            atomic_write(report_path, lambda tmp: write_report(tmp, report, files))
            others = found.others + removed
            atomic_write(summary_path, lambda tmp: write_summary(records, others, tmp, self.config,
                                                                 load=self._document))
            if self.documents.damaged:
                self.notes.append(f"{len(self.documents.damaged)} 份审核记录已损坏，汇总中这些文件的问题清单为空，"
                                  "下次运行时重新审核（stored documents were damaged; evaluated again next run）")
        if self.store.journaled or digest != self.state.outputs or self.state.removed != self.removed_before:
            self.state.outputs = digest
            self.store.save(self.state)
        log.info("run finished: %s", report["summary"])
        return RunResult(files, found.others, removed, handed, summary_path, report_path, report["summary"],
                         self.notes)


    def _document(self, record: dict[str, Any]) -> dict[str, Any]:
        """The whole document of the file this record is of (read from the documents folder)."""
        result = self.results.get(str(record.get("path")))
        if result is None or result.record is not record:
            result = next(r for r in self.results.values() if r.record is record)
        return result.doc


def _folded(name: str) -> str:
    """``name`` in lower case: the same string when it is already (as most are: CJK and
    ``.xlsx``), so that counting a thousand names holds no second copy of them."""
    low = name.lower()
    return name if low == name else low


def run_batch(paths: list[Path], outdir: Path, config: Config, jobs: int | None = None,
              observer: Observer | None = None, settle: float = SETTLE_SECONDS,
              lock_wait: float = 10.0, allow_empty: bool = False,
              truncated_window: float = TRUNCATED_WINDOW, stop: Stop | None = None) -> RunResult:
    """Evaluate everything under ``paths`` into ``outdir``.

    Raises a BatchError (LockBusy, OutdirUnwritable, DiskFull, StateUnusable, NoInputs,
    LeaseLost) when the run cannot do its job, and Interrupted when ``stop`` was set (by a
    signal handler the caller installed; what was finished is kept)."""
    outdir = Path(outdir)
    ensure_writable(outdir)
    jobs = max(1, jobs or os.cpu_count() or 1)
    try:
        with Lease(outdir, lock_wait) as lease:
            try:
                return _Run([Path(p) for p in paths], outdir, config, jobs, observer, settle,
                            allow_empty, truncated_window, stop if stop is not None else Stop(),
                            lease).go()
            except BaseException:
                # Stopped early (disk full, a signal, …): evaluations still in flight were written
                # under temporary names; none of them may outlive the run.
                clean_leftovers(outdir)
                raise
    except (BatchError, Interrupted):
        raise
    except Exception as e:
        cause = os_error_in(e)
        error = from_os_error(cause, outdir) if cause is not None else None
        if error is not None:
            raise error from e
        raise
