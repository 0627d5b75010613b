"""File and sheet names built from submission text, safe on Windows and Linux. Pure functions."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..evaluation import Evaluation

EVALUATION_SUFFIX = "_评价结果.xlsx"
MAX_NAME_BYTES = 180  # a file name in UTF-8; file systems allow 255, leave room for temp names
WINDOWS_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL"] + [f"COM{i}" for i in range(1, 10)] + [f"LPT{i}" for i in range(1, 10)]
)
_FORBIDDEN = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\'\x00-\x1f\x7f]")


def safe_part(text: str) -> str:
    """``text`` without characters a file name may not hold; spaces collapsed, ends trimmed."""
    t = unicodedata.normalize("NFC", text)
    t = "".join(" " if ch.isspace() else "" if unicodedata.category(ch) in ("Cc", "Cf") else ch
                for ch in t)
    t = _FORBIDDEN.sub("", t)
    t = re.sub(r"\s+", " ", t)
    return t.strip(" .")


def _trim_bytes(text: str, limit: int) -> str:
    while len(text.encode("utf-8")) > limit:
        text = text[:-1]
    return text.rstrip(" .")


def output_name(ev: Evaluation) -> str:
    """``2022_乐山市市中区经济合作局_评价结果.xlsx``; the input file's stem when unit or year is missing."""
    sub = ev.submission
    unit = safe_part(sub.unit_name or "")
    year = sub.year
    budget = MAX_NAME_BYTES - len(EVALUATION_SUFFIX.encode("utf-8"))
    if unit and year is not None and 1000 <= year <= 9999:
        stem = f"{year}_{_trim_bytes(unit, budget - 5)}"
    else:
        stem = _trim_bytes(safe_part(Path(ev.path).stem), budget) or "未命名"
    if stem.split(".")[0].upper() in WINDOWS_RESERVED:
        stem = "_" + stem
    return stem + EVALUATION_SUFFIX


def sheet_name(text: str, taken: set[str], suffix: str = "", limit: int = 31) -> str:
    """A valid, unused worksheet name from ``text`` + ``suffix`` (at most 31 characters)."""
    base = _SHEET_FORBIDDEN.sub("", text).strip() or "Sheet"
    base = base[: limit - len(suffix)] + suffix
    name, n = base, 2
    while name.lower() in {t.lower() for t in taken}:
        tag = f"~{n}"
        name = base[: limit - len(tag)] + tag
        n += 1
    return name
