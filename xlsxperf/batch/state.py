"""What the runs remember: per input, its content hash, its verdict and its evaluation's name,
and the previous year it was evaluated with (:class:`~.years.Pairing`).

Two files in OUTDIR:

- ``.xlsxperf-state.json``, the snapshot, replaced atomically at the start and the end of a run;
- ``.xlsxperf-state.journal``, one JSON line appended as each file finishes, so a run killed
  at 95% keeps 95%. A line cut short by the kill is ignored.

Nothing read back is trusted. A snapshot that is not what we write (``null``, a list, wrong
types) is logged and rebuilt: everything is evaluated again. An entry that does not hold
together (a missing field, an output name with a folder in it) is dropped and its input
evaluated again. A folder in the state file's place cannot be rebuilt without deleting
somebody's folder: that stops the run (StateUnusable).
"""

from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from ..files import write_text
from ..model import Severity, Status
from .errors import StateUnusable, from_os_error
from .years import NONE, Pairing

STATE_FILE = ".xlsxperf-state.json"
JOURNAL_FILE = ".xlsxperf-state.journal"
STATE_VERSION = 2
READABLE_VERSIONS = (1, 2)
DAMAGED = "状态文件损坏，已全部重新审核（the state file was damaged and has been rebuilt）"
DELETED_FOLDER = "已删除"

log = logging.getLogger("xlsxperf")
_SHA = re.compile(r"^[0-9a-f]{64}$")


@dataclass
class Entry:
    """What the state remembers of one input."""

    sha256: str | None  # content hash; None when the file could not be read
    size: int
    mtime_ns: int
    tool: str  # the version that evaluated it
    config: str  # the configuration's digest
    output: str | None  # the evaluation workbook's file name in OUTDIR
    doc: dict[str, Any]  # the file's public JSON document (SPEC section 6)
    failures: int = 0  # failed attempts in a row that said nothing about the content
    pairing: Pairing = NONE  # the previous year it was evaluated with: part of its cache key


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


def _plain(record: Entry | Removed) -> dict[str, Any]:
    """A record as JSON-ready data (a shallow copy: the document is a plain dict already)."""
    data = {f.name: getattr(record, f.name) for f in fields(record)}
    if isinstance(record, Entry):
        data["pairing"] = record.pairing.to_json()
    return data


def safe_name(name: Any) -> bool:
    """A plain file name inside OUTDIR: no folder part, nothing hidden, not ``..``."""
    return (isinstance(name, str) and 0 < len(name) < 255 and name == os.path.basename(name)
            and "/" not in name and "\\" not in name and "\0" not in name
            and not name.startswith(".") and name.strip() == name)


def _valid_doc(doc: Any) -> bool:
    """The file document holds what the summary and the command line read from it."""
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
    if not (output is None or safe_name(output)) or not _valid_doc(data.get("doc")):
        return None
    pairing = Pairing.from_json(data.get("pairing"))
    if pairing is None:
        return None
    return Entry(sha, ints[0], ints[1], data["tool"], data["config"], output, data["doc"], ints[2],
                 pairing)


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
        self.replayed = False  # a journal was found (a run was killed): fold it in
        self.journaled = False  # this run has written to the journal
        for p in (self.path, self.journal):
            if p.is_dir():
                raise StateUnusable(f"状态文件的位置被一个文件夹占用：{p}；请移走或改名后重试"
                                    "（a folder is where the state file goes）")

    def load(self) -> State:
        state = self._snapshot()
        self._replay(state)
        return state

    def _snapshot(self) -> State:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return State()
        except UnicodeDecodeError:
            text = ""
        except OSError as e:
            raise StateUnusable(f"状态文件无法读取：{self.path}（{e.strerror or e}）；"
                                "请检查权限后重试（cannot read the state file）") from None
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if not (isinstance(data, dict) and data.get("version") in READABLE_VERSIONS
                and isinstance(data.get("inputs"), dict)):
            log.warning("%s: %s", self.path, DAMAGED)
            return State(damaged=True)
        state = State(outputs=data["outputs"] if isinstance(data.get("outputs"), str) else "")
        dropped = 0
        for key, value in data["inputs"].items():
            entry = parse_entry(value)
            if entry is None:
                dropped += 1
            else:
                state.entries[key] = entry
        removed = data.get("removed")
        for key, value in (removed.items() if isinstance(removed, dict) else ()):
            r = _parse_removed(value)
            if r is not None:
                state.removed[key] = r
        if dropped:
            log.warning("%s: %d damaged entries dropped; their inputs are evaluated again",
                        self.path, dropped)
        return state

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
                state.entries[key] = entry

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
        """Write the snapshot atomically, then drop the journal it now contains."""
        data = {"version": STATE_VERSION, "outputs": state.outputs,
                "inputs": {k: _plain(e) for k, e in sorted(state.entries.items())},
                "removed": {k: _plain(r) for k, r in sorted(state.removed.items())}}
        try:
            write_text(self.path, json.dumps(data, ensure_ascii=False, indent=1, default=str))
            self.journal.unlink(missing_ok=True)
            self.replayed = self.journaled = False
        except OSError as e:
            raise from_os_error(e, self.outdir) or e from None
