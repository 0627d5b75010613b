"""Small file helpers shared by every writer: atomic replacement and content hashes.

Temporary files are named ``.xlsxperf-<random>.tmp.<target name>``: unique for every write
(two runs, two hosts or two containers never share one), recognisable by a later run that
cleans up after a killed one (:func:`is_temp_name`).
"""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

TEMP_PREFIX = ".xlsxperf-"
PathT = TypeVar("PathT", str, Path)
_TEMP = re.compile(r"^\.xlsxperf-[0-9a-f]{12}\.tmp\.")
_LEGACY_TEMPS = (  # names earlier versions used for their temporary files
    re.compile(r"^\..+\.\d+\.tmp(\.[A-Za-z]+)?$"),  # .评价汇总.1234.tmp.xlsx
    re.compile(r"^\.[0-9a-f]{16}\.new\.xlsx$"),  # a worker's evaluation in progress
    re.compile(r"^\.xlsxperf\.lock\.stale\.\d+$"),
)


def temp_name(name: str) -> str:
    """A fresh temporary name for a file that will be renamed to ``name``."""
    return f"{TEMP_PREFIX}{uuid.uuid4().hex[:12]}.tmp.{name}"


def is_temp_name(name: str) -> bool:
    """True for the temporary files this version or an earlier one writes."""
    return bool(_TEMP.match(name)) or any(p.match(name) for p in _LEGACY_TEMPS)


def atomic_write(target: PathT, write: Callable[[Path], Any]) -> PathT:
    """Call ``write(tmp)`` for a temporary file next to ``target``, then rename it into place.

    The temporary file is removed whatever happens, so a failed write (a full disk included)
    leaves nothing behind and never a half-written or empty ``target``. ``target`` may be
    given as text (a run writing thousands of files keeps no Path per file)."""
    where = os.fspath(target)
    tmp = Path(os.path.join(os.path.dirname(where), temp_name(os.path.basename(where))))
    try:
        write(tmp)
        if os.path.getsize(tmp) == 0:
            raise OSError(f"{target}: nothing was written")
        os.replace(tmp, target)
    finally:
        try:
            tmp.unlink()
        except OSError:
            pass  # renamed already, or a share that refuses the delete: the next run's clean-up
    return target


def write_text(target: Path, text: str) -> Path:
    """Write UTF-8 ``text`` to ``target`` atomically."""
    return atomic_write(target, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def file_sha256(path: str | Path) -> str | None:
    """The SHA-256 of a file's content; None when it cannot be read."""
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    except OSError:
        return None
    return h.hexdigest()
