"""What the runs remember: per input, its content hash, its verdict and its evaluation's name,
and the previous year it was evaluated with (:class:`~.years.Pairing`).

In OUTDIR:

- ``.xlsxperf-state.json``, the snapshot, replaced atomically at the start and the end of a run
  (one input a line);
- ``.xlsxperf-state.journal``, one JSON line appended as each file finishes, so a run killed
  at 95% keeps 95%. A line cut short by the kill is ignored;
- ``.xlsxperf-state.documents/``, each file's JSON document (:mod:`.documents`): an entry
  keeps only the file's record (:func:`xlsxperf.render.file_record`) and where its document is.

A state of version 2 or earlier (whole documents in its entries) is read, and its documents
moved to the documents folder. Nothing read back is trusted. A snapshot that is not what we
write (``null``, a list, wrong types) is logged and rebuilt: everything is evaluated again. An
entry that does not hold together (a missing field, an output name with a folder in it) is
dropped and its input evaluated again. A folder in the state file's place cannot be rebuilt
without deleting somebody's folder: that stops the run (StateUnusable).
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import IO, Any

from ..files import atomic_write
from ..model import Severity, Status
from .documents import Documents, Stored
from .errors import StateUnusable, from_os_error
from .years import NONE, Pairing

STATE_FILE = ".xlsxperf-state.json"
JOURNAL_FILE = ".xlsxperf-state.journal"
STATE_VERSION = 3
READABLE_VERSIONS = (1, 2, 3)
DAMAGED = "状态文件损坏，已全部重新审核（the state file was damaged and has been rebuilt）"
DELETED_FOLDER = "已删除"

log = logging.getLogger("xlsxperf")
_SHA = re.compile(r"^[0-9a-f]{64}$")


@dataclass(slots=True)
class Entry:
    """What the state remembers of one input."""

    sha256: str | None  # content hash; None when the file could not be read
    size: int
    mtime_ns: int
    tool: str  # the version that evaluated it
    config: str  # the configuration's digest
    output: str | None  # the evaluation workbook's file name in OUTDIR
    # the file's record (render.file_record); read from a state of version 2 or earlier
    # (``stored`` None), its whole public JSON document until the Store moves it
    doc: dict[str, Any]
    failures: int = 0  # failed attempts in a row that said nothing about the content
    pairing: Pairing = NONE  # the previous year it was evaluated with: part of its cache key
    stored: Stored | None = None  # where its document is (:mod:`.documents`)

    def share(self, key: str, shared: dict[Any, Any]) -> Entry:
        """This entry with one copy of each string it and its record both hold, and of the
        values many records hold alike (a status, a grade, a supervising department, counts
        of findings), kept in ``shared``: a run holds the entries of every input. The record
        is not changed afterwards but for its ``duplicate_of``."""
        doc = self.doc
        if doc.get("path") == key:
            doc["path"] = key
        if self.sha256 is not None and doc.get("sha256") == self.sha256:
            doc["sha256"] = self.sha256
        if self.output is not None and doc.get("output") == self.output:
            doc["output"] = self.output
        for k in ("status", "supervisor"):
            if isinstance(doc.get(k), str):
                doc[k] = shared.setdefault(doc[k], doc[k])
        metrics = doc.get("metrics")
        if isinstance(metrics, dict):
            for k in ("grade.computed", "grade.self"):
                if isinstance(metrics.get(k), str):
                    metrics[k] = shared.setdefault(metrics[k], metrics[k])
        counts = doc.get("counts")
        if isinstance(counts, dict) and all(isinstance(v, int) for v in counts.values()):
            doc["counts"] = shared.setdefault(("counts", *counts.items()), counts)
        return self


@dataclass
class Removed:
    """An input that disappeared; its evaluation was moved to 已删除/."""

    output: str  # relative to OUTDIR: 已删除/<name>
    when: str
    source: str = ""  # its name in OUTDIR before the move


@dataclass
class State:
    entries: dict[str, Entry] = field(default_factory=dict)
    removed: dict[str, Removed] = field(default_factory=dict)
    outputs: str = ""  # digest of the report last written
    damaged: bool = False  # the snapshot could not be used: rebuilt from nothing
    dropped: int = 0  # entries of the snapshot that did not hold together
    shared: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)  # see Entry.share


def _plain(record: Entry | Removed) -> dict[str, Any]:
    """A record as JSON-ready data (a shallow copy: the document is a plain dict already)."""
    data = {f.name: getattr(record, f.name) for f in fields(record)}
    if isinstance(record, Entry):
        data["pairing"] = record.pairing.to_json()
        data["stored"] = record.stored.to_json() if record.stored is not None else None
    return data


def safe_name(name: Any) -> bool:
    """A plain file name inside OUTDIR: no folder part, nothing hidden, not ``..``."""
    return (isinstance(name, str) and 0 < len(name) < 255 and name == os.path.basename(name)
            and "/" not in name and "\\" not in name and "\0" not in name
            and not name.startswith(".") and name.strip() == name)


def _valid_doc(doc: Any, whole: bool = True) -> bool:
    """The file document (``whole``) or its record holds what the summary and the command
    line read from it."""
    if not isinstance(doc, dict) or not isinstance(doc.get("path"), str):
        return False
    if doc.get("status") not in {s.value for s in Status}:
        return False
    counts = doc.get("counts")
    if not isinstance(counts, dict) or not all(
            isinstance(counts.get(s.value), int) and not isinstance(counts.get(s.value), bool)
            for s in Severity):
        return False
    if not isinstance(doc.get("metrics", {}), dict) or not isinstance(doc.get("unit") or {}, dict):
        return False
    previous = doc.get("previous")
    if previous is not None and not (isinstance(previous, dict) and isinstance(previous.get("path"), str)
                                     and isinstance(previous.get("metrics", {}), dict)):
        return False
    if not isinstance(doc.get("previous_refused"), (str, type(None))):
        return False
    if not whole:
        return isinstance(doc.get("sha256"), (str, type(None))) and isinstance(doc.get("output"), (str, type(None)))
    findings = doc.get("findings")
    if not isinstance(findings, list):
        return False
    return all(isinstance(f, dict) and isinstance(f.get("code"), str)
               and isinstance(f.get("name"), str) and isinstance(f.get("message"), str)
               and f.get("severity") in {s.value for s in Severity} for f in findings)


def parse_entry(data: Any) -> Entry | None:
    """An entry from its JSON form; None when anything in it is off."""
    if not isinstance(data, dict):
        return None
    sha, output = data.get("sha256"), data.get("output")
    ints = [data.get(k, 0) for k in ("size", "mtime_ns", "failures")]
    if not (sha is None or isinstance(sha, str) and _SHA.match(sha)):
        return None
    if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in ints):
        return None
    if not (isinstance(data.get("tool"), str) and isinstance(data.get("config"), str)):
        return None
    stored = Stored.from_json(data["stored"]) if data.get("stored") is not None else None
    if data.get("stored") is not None and stored is None:
        return None
    if not (output is None or safe_name(output)) or not _valid_doc(data.get("doc"), whole=stored is None):
        return None
    pairing = Pairing.from_json(data.get("pairing"))
    if pairing is None:
        return None
    return Entry(sha, ints[0], ints[1], sys.intern(data["tool"]), sys.intern(data["config"]), output,
                 data["doc"], ints[2], pairing, stored)


def _parse_removed(data: Any) -> Removed | None:
    if not isinstance(data, dict):
        return None
    output, when, source = data.get("output"), data.get("when"), data.get("source", "")
    if not isinstance(output, str) or not isinstance(when, str):
        return None
    if source and not safe_name(source):
        return None
    folder, _, name = output.partition("/")
    return Removed(output, when, source or "") if folder == DELETED_FOLDER and safe_name(name) else None


class Store:
    """Reads and writes the state of one output folder (the run holds the lease)."""

    def __init__(self, outdir: Path) -> None:
        self.outdir = outdir
        self.path = outdir / STATE_FILE
        self.journal = outdir / JOURNAL_FILE
        self.documents = Documents(outdir)
        self.replayed = False  # a journal was found (a run was killed): fold it in
        self.journaled = False  # this run has written to the journal
        self.migrated = False  # documents of an earlier version's state were moved: save
        for p in (self.path, self.journal):
            if p.is_dir():
                raise StateUnusable(f"状态文件的位置被一个文件夹占用：{p}；请移走或改名后重试"
                                    "（a folder is where the state file goes）")
        folder = self.documents.folder
        if os.path.lexists(folder) and not folder.is_dir():
            raise StateUnusable(f"状态文件夹的位置被一个文件占用：{folder}；请移走或改名后重试"
                                "（a file is where the state's documents go）")

    def load(self) -> State:
        state = self._snapshot()
        self._warn_dropped(state)
        self._replay(state)
        self._migrate(state)
        return state

    def _migrate(self, state: State) -> None:
        """Entries read from a state of version 2 or earlier carry their whole document: it
        goes to the documents folder, the entry keeps its record."""
        from ..render import file_record, to_json

        for entry in state.entries.values():
            if entry.stored is None:
                doc = {k: v for k, v in entry.doc.items() if k != "duplicate_of"}  # marked per run
                try:
                    entry.stored = self.documents.put(to_json(doc))
                except OSError as e:
                    raise from_os_error(e, self.outdir) or e from None
                entry.doc = file_record(doc)
                entry.share(str(doc.get("path")), state.shared)
                self.migrated = True

    def _snapshot(self) -> State:
        try:
            with open(self.path, "rb") as fh:
                try:  # as save() writes it: a line at a time, never the whole text in memory
                    return _state_of(*_lines(fh))
                except _NotLines:
                    pass
                fh.seek(0)
                raw = fh.read()  # an earlier version's, or edited by hand
        except FileNotFoundError:
            return State()
        except OSError as e:
            raise StateUnusable(f"状态文件无法读取：{self.path}（{e.strerror or e}）；"
                                "请检查权限后重试（cannot read the state file）") from None
        try:
            data = json.loads(raw.decode("utf-8"))
        except ValueError:  # UnicodeDecodeError included
            data = None
        if not (isinstance(data, dict) and data.get("version") in READABLE_VERSIONS
                and isinstance(data.get("inputs"), dict)):
            log.warning("%s: %s", self.path, DAMAGED)
            return State(damaged=True)
        removed = data.get("removed")
        members = [("inputs", k, v) for k, v in data["inputs"].items()]
        members += [("removed", k, v) for k, v in (removed.items() if isinstance(removed, dict) else ())]
        return _state_of(data, iter(members))

    def _warn_dropped(self, state: State) -> None:
        if state.dropped:
            log.warning("%s: %d damaged entries dropped; their inputs are evaluated again",
                        self.path, state.dropped)

    def _replay(self, state: State) -> None:
        try:
            with open(self.journal, encoding="utf-8", errors="replace") as fh:
                lines = fh.readlines()
            self.replayed = True
        except FileNotFoundError:
            return
        except OSError as e:
            raise StateUnusable(f"状态日志无法读取：{self.journal}（{e.strerror or e}）"
                                "（cannot read the state journal）") from None
        for line in lines:
            try:
                record = json.loads(line)
                key = record["input"]
            except (ValueError, TypeError, KeyError):
                continue  # a line cut short when a run was killed
            if not isinstance(key, str):
                continue
            removed = _parse_removed(record.get("removed"))
            if removed is not None:
                state.removed[key] = removed
            if record.get("entry") is None:
                state.entries.pop(key, None)
                continue
            entry = parse_entry(record["entry"])
            if entry is not None:
                state.entries[key] = entry.share(key, state.shared)

    def record(self, key: str, entry: Entry | None, removed: Removed | None = None) -> None:
        """Append what became of one input to the journal (``None``: forget it; ``removed``:
        where its evaluation goes now that the input is gone)."""
        data: dict[str, Any] = {"input": key, "entry": _plain(entry) if entry else None}
        if removed is not None:
            data["removed"] = _plain(removed)
        line = json.dumps(data, ensure_ascii=False, default=str)
        try:
            with open(self.journal, "a", encoding="utf-8") as fh:
                fh.write(line + "\n")
            self.journaled = True
        except OSError as e:
            raise from_os_error(e, self.outdir) or e from None

    def save(self, state: State) -> None:
        """Write the snapshot atomically (an entry at a time: its text is never whole in
        memory), drop the journal it now contains, then the documents it does not name."""
        def write(tmp: Path) -> None:
            with open(tmp, "w", encoding="utf-8") as fh:
                fh.write(f'{{"version": {STATE_VERSION}, "outputs": {json.dumps(state.outputs)},\n')
                _members(fh, "inputs", state.entries)
                fh.write(",\n")
                _members(fh, "removed", state.removed)
                fh.write("\n}\n")

        try:
            atomic_write(self.path, write)
            self.journal.unlink(missing_ok=True)
            self.replayed = self.journaled = self.migrated = False
            self.documents.prune(e.stored for e in state.entries.values())
        except OSError as e:
            raise from_os_error(e, self.outdir) or e from None


class _NotLines(Exception):
    """The snapshot is not in the form :meth:`Store.save` writes."""


def _interned_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    return {sys.intern(k): v for k, v in pairs}


_DECODER = json.JSONDecoder(object_pairs_hook=_interned_keys)  # a record's keys: one copy each
_SECTION = re.compile(r'"(inputs|removed)": \{(\})?(,)?')


def _lines(fh: IO[bytes]) -> tuple[dict[str, Any], Iterator[tuple[str, str, Any]]]:
    """The header and the members (section, key, value) of a snapshot written by
    :meth:`Store.save`, read a line at a time; _NotLines when it is not in that form (the
    members as they are read: the caller starts again from the whole text)."""
    first = fh.readline()
    if not (first.startswith(b'{"version": ') and first.endswith(b",\n")):
        raise _NotLines
    try:
        head = json.loads(first[:-2].decode("utf-8") + "}")
    except ValueError:
        raise _NotLines from None
    if not isinstance(head, dict):
        raise _NotLines

    def members() -> Iterator[tuple[str, str, Any]]:
        section, more, seen = None, True, set()
        for raw in fh:
            try:
                line = raw.decode("utf-8").rstrip("\n")
            except UnicodeDecodeError:
                raise _NotLines from None
            if section is None:
                m = _SECTION.fullmatch(line)
                if m is not None and more:
                    section, more = (None if m[2] else m[1]), bool(m[3])
                    seen.add(m[1])
                    continue
                if line == "}" and not more and "inputs" in seen:
                    return
                raise _NotLines
            if line in ("}", "},"):
                section, more = None, line == "},"
                continue
            try:
                key, end = _DECODER.raw_decode(line)
                value, end = _DECODER.raw_decode(line, end + 2) if line[end:end + 2] == ": " else (None, -1)
            except ValueError:
                raise _NotLines from None
            if not isinstance(key, str) or end < 0 or line[end:] not in ("", ","):
                raise _NotLines
            yield section, key, value
        raise _NotLines  # cut short

    return head, members()


def _state_of(head: dict[str, Any], members: Iterator[tuple[str, str, Any]]) -> State:
    """A state from a snapshot's header and members: an entry that does not hold together is
    dropped (and counted), so that its input is evaluated again."""
    if head.get("version") not in READABLE_VERSIONS:
        raise _NotLines
    state = State(outputs=head["outputs"] if isinstance(head.get("outputs"), str) else "")
    for section, key, value in members:
        if section == "inputs":
            entry = parse_entry(value)
            if entry is None:
                state.dropped += 1
            else:
                state.entries[key] = entry.share(key, state.shared)
        elif (r := _parse_removed(value)) is not None:
            state.removed[key] = r
    return state


def _members(fh: IO[str], name: str, records: dict[str, Entry] | dict[str, Removed]) -> None:
    """``"name": {...}`` of the snapshot, one record a line, in key order."""
    fh.write(f'"{name}": {{')
    for i, key in enumerate(sorted(records)):
        line = json.dumps({key: _plain(records[key])}, ensure_ascii=False, default=str)[1:-1]
        fh.write(("\n" if i == 0 else ",\n") + line)
    fh.write("\n}" if records else "}")
