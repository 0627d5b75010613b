"""The files' JSON documents of a batch run, kept on disk beside the state.

A run keeps in memory and in its state only each file's record
(:func:`xlsxperf.render.file_record`); the document itself, findings and all, is written once
to ``OUTDIR/.xlsxperf-state.documents/<sha256>.json`` (its text as the JSON report carries
it, named after the hash of that text) and read back one at a time when the summary and the
JSON report are written. So the run's memory does not grow with the documents of a thousand
files.

A document file is written (atomically) before the state records it and is never changed;
one the state no longer names is removed once the state is saved without it (:meth:`prune`),
so a run killed at any point never loses a document its state names. Nothing read back is
trusted: a document whose text does not hash to its name is not used.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..files import atomic_write, is_temp_name

DOCUMENTS_FOLDER = ".xlsxperf-state.documents"
_NAME = re.compile(r"^[0-9a-f]{64}\.json$")

log = logging.getLogger("xlsxperf")


@dataclass(frozen=True, slots=True)
class Stored:
    """Where a file's document is: the hash of its text (its file name) and its size."""

    sha256: str
    size: int

    @property
    def name(self) -> str:
        return f"{self.sha256}.json"

    def to_json(self) -> dict[str, Any]:
        return {"sha256": self.sha256, "size": self.size}

    @classmethod
    def from_json(cls, data: Any) -> Stored | None:
        """A reference from the state file; None when it does not hold together."""
        if not isinstance(data, dict):
            return None
        sha, size = data.get("sha256"), data.get("size")
        if not (isinstance(sha, str) and _NAME.match(f"{sha}.json")):
            return None
        if not isinstance(size, int) or isinstance(size, bool) or size <= 0:
            return None
        return cls(sha, size)


class Documents:
    """The documents folder of one output folder (the run holds the lease)."""

    def __init__(self, outdir: Path) -> None:
        self.folder = outdir / DOCUMENTS_FOLDER
        self.damaged: set[str] = set()  # documents found missing or damaged as they were read

    def path(self, stored: Stored) -> str:
        """The document's file (as text: a Path would intern its name, and a thousand names
        grow the interpreter's table of them for good)."""
        return os.path.join(self.folder, stored.name)

    def put(self, text: str) -> Stored:
        """Write a document's text (unless it is there already); where it is."""
        data = text.encode("utf-8", "surrogateescape")
        stored = Stored(hashlib.sha256(data).hexdigest(), len(data))
        if not self.present(stored):
            self.folder.mkdir(exist_ok=True)
            atomic_write(self.path(stored), lambda tmp: tmp.write_bytes(data))
        return stored

    def present(self, stored: Stored) -> bool:
        """The document is there, of its size (its content is checked as it is read)."""
        try:
            return os.stat(self.path(stored)).st_size == stored.size
        except OSError:
            return False

    def text(self, stored: Stored) -> str | None:
        """The document's text; None when it is missing or not what was written (a damaged
        file is removed, so that the next run evaluates its input again)."""
        path = self.path(stored)
        try:
            with open(path, "rb") as fh:
                data = fh.read(stored.size + 1)
        except OSError as e:
            if stored.name not in self.damaged:
                log.error("document %s cannot be read (%s); its input is evaluated again next run", path, e)
            self.damaged.add(stored.name)
            return None
        if len(data) == stored.size and hashlib.sha256(data).hexdigest() == stored.sha256:
            return data.decode("utf-8", "surrogateescape")
        log.error("document %s is damaged; its input is evaluated again next run", path)
        self.damaged.add(stored.name)
        try:
            os.unlink(path)
        except OSError:
            pass
        return None

    def prune(self, keep: Iterable[Stored | None]) -> None:
        """Remove the documents not in ``keep``, and temporary files of killed runs: only
        files named as we name ours."""
        names = {s.name for s in keep if s is not None}
        try:
            found = os.listdir(self.folder)
        except OSError:
            return
        for name in found:
            if name in names or not (_NAME.match(name) or is_temp_name(name)):
                continue
            try:
                os.unlink(os.path.join(self.folder, name))
            except OSError as e:
                log.warning("could not remove %s: %s", name, e)
