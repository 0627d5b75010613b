"""Which files under the inputs are submissions, and a row for every one that is not.

Nothing here stops the run: a name that is not UTF-8, a link that loops or points nowhere, a
folder that cannot be opened each become one row of 未审核文件 naming the problem. Office lock
files, hidden and temporary files are not submissions and are skipped without a row; so are
our own outputs (evaluations, summaries, annotated copies), recognised by the mark they carry
whatever folder they are in.

The files found are paths as text, not Path objects: a Path keeps each part of its name
apart, and interned, which for a thousand files is a megabyte the run does not need.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

SPREADSHEETS = (".xlsx", ".xlsm", ".xls", ".ods")
TEMP_SUFFIXES = (".tmp", ".temp", ".part", ".crdownload", ".partial", ".download", ".swp", ".bak")
NOT_A_SPREADSHEET = "不是 .xlsx / .xlsm / .xls / .ods 文件，未审核（not a spreadsheet）"
BAD_NAME = "文件名不是 UTF-8 编码（多见于解压出的 GBK 文件名），请改名后重新提交（name is not UTF-8）"
BAD_FOLDER_NAME = "文件夹名不是 UTF-8 编码，其中的文件未审核，请改名（folder name is not UTF-8）"
BAD_LINK = "链接指向的文件不存在或形成循环（broken or looping link）"
NOT_A_FILE = "不是普通文件（设备、管道等）（not a regular file）"
LOOP = "文件夹链接形成循环（a folder link loops back）"


@dataclass(frozen=True)
class Skipped:
    """A file or folder under the inputs that was not evaluated, and why (a 未审核文件 row)."""

    path: str  # as shown to people: bytes that are not UTF-8 as \xNN
    reason: str


@dataclass
class Discovery:
    inputs: list[str] = field(default_factory=list)  # workbooks to evaluate (resolved), sorted, each once
    others: list[Skipped] = field(default_factory=list)
    unreadable: list[Path] = field(default_factory=list)  # folders whose files are unknown
    own: list[str] = field(default_factory=list)  # our own outputs found among the inputs


def shown(path: str | os.PathLike[str]) -> str:
    """A path as one printable line: bytes that are not UTF-8 as ``\\xNN``, control
    characters (a newline in a name) escaped."""
    text = os.fsencode(os.fspath(path)).decode("utf-8", "backslashreplace")
    return "".join(ch.encode("unicode_escape").decode("ascii")
                   if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in text)


def encodable(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def silently_skipped(name: str) -> bool:
    """Office lock files, hidden files and temporary files are not submissions."""
    lower = name.lower()
    return (name.startswith(("~$", ".", "~")) or lower.endswith(TEMP_SUFFIXES)
            or lower in ("thumbs.db", "desktop.ini"))


def _real(path: str | Path) -> str | None:
    """``path`` with every link resolved, as text; None when it leads nowhere (a missing
    target, a link loop, a name the system cannot take)."""
    try:
        return os.path.realpath(path, strict=True)
    except (OSError, RuntimeError, ValueError):  # RuntimeError: a symlink loop (Python < 3.13)
        return None


def _kind(entry: os.DirEntry[str]) -> tuple[bool, bool, bool]:
    """(folder, regular file, link), each False when it cannot be told (a looping link)."""
    answers = []
    for test in (entry.is_dir, entry.is_file, entry.is_symlink):
        try:
            answers.append(test())
        except OSError:
            answers.append(False)
    return answers[0], answers[1], answers[2]


def discover(paths: Iterable[Path], outdir: Path,
             known: Callable[[str], bool] = lambda path: False) -> Discovery:
    """Walk ``paths`` (files and folders, recursively; links followed, loops cut).

    A file is one of xlsxperf's own outputs by the mark in its content; ``known`` names the
    files whose content is known to be a submission (evaluated before and unchanged since),
    whose mark is then not read: a run over a shared drive does not open every file again."""
    from ..marker import read_mark

    found: dict[str, None] = {}
    result = Discovery()
    out = _real(outdir) or str(outdir.absolute())
    seen: set[tuple[int, int]] = set()

    def skip(path: str | Path, reason: str) -> None:
        result.others.append(Skipped(shown(path), reason))

    def consider(p: str) -> None:
        if not encodable(p):
            skip(p, BAD_NAME)
            return
        if silently_skipped(os.path.basename(p)):
            return
        if os.path.splitext(p)[1].lower() not in SPREADSHEETS:
            skip(p, NOT_A_SPREADSHEET)
            return
        real = _real(p)
        if real is None:
            skip(p, BAD_LINK)
            return
        if os.path.splitext(real)[1].lower() != ".xls" and not known(real) and \
                read_mark(real) is not None:
            result.own.append(real)
            return
        found.setdefault(real, None)

    def walk(folder: Path) -> None:
        if not encodable(str(folder)):
            skip(folder, BAD_FOLDER_NAME)
            return
        try:
            st = os.stat(folder)
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as e:
            result.unreadable.append(folder)
            skip(folder, f"无法打开文件夹（{e.strerror or e}），其中的文件未审核（folder cannot be read）")
            return
        key = (st.st_dev, st.st_ino)
        if key in seen:
            skip(folder, LOOP)
            return
        seen.add(key)
        for entry in entries:
            p = os.path.join(folder, entry.name)
            is_dir, is_file, is_link = _kind(entry)
            if is_dir:
                if not entry.name.startswith(".") and _real(p) != out:
                    walk(Path(p))
            elif is_file:
                consider(p)
            elif silently_skipped(entry.name):
                continue
            elif is_link:
                skip(p, BAD_LINK)  # a link to nothing, or to itself
            else:
                skip(p, NOT_A_FILE)

    for root in paths:
        root = Path(root)
        if root.is_dir():
            walk(root)
        elif root.is_file():
            consider(str(root))
        elif root.is_symlink():
            skip(root, BAD_LINK)
        elif root.exists():
            skip(root, NOT_A_FILE)
        else:
            skip(root, "路径不存在（no such file or folder）")
    result.inputs = sorted(found)
    return result
