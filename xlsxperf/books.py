"""Workbook access behind one small interface, so the reader does not care who saved the file.

:class:`Book` is what the reader needs: sheet names, defined names, cell values with their
number formats, merged ranges resolved to their top-left cell, and formula cells read by
their cached value. The implementations live in their own modules:

- :mod:`xlsxperf.calaminebook`: ``.xlsx`` / ``.xlsm`` and ``.ods``, values by python-calamine,
  the rest (names, number formats, formulas) by a small guarded XML pass; the reader of
  every workbook in these formats.
- :mod:`xlsxperf.xlsbook`: ``.xls`` by xlrd, which gives the number format of every cell.
- :mod:`xlsxperf.xlsxbook`: ``.xlsx`` by openpyxl, used only when calamine refuses a file
  that openpyxl reads (calamine is stricter about a few malformed values), and by the test
  that compares both readers.

:func:`xlsxperf.opener.open_book` picks one for a file. This module also keeps what the
readers share: cell addresses, merged ranges, whole numbers, the two date systems, and the
check that XML is parsed with protection. It imports nothing heavy.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any, NamedTuple, Protocol

from .errors import XmlUnsafe

EPOCH_1900 = datetime(1899, 12, 30)  # serial day 0 of the 1900 date system (Windows)
EPOCH_1904 = datetime(1904, 1, 1)  # serial day 0 of the 1904 date system (old Macs)
MAX_MERGE_CELLS = 10000  # an absurd merge: its inner cells read as empty
WHOLE_LIMIT = 1e15  # a whole float below this reads as int, as openpyxl reads "<v>10</v>"


class RawCell(NamedTuple):
    """A cell as the workbook holds it (a tuple: cheap to make for every cell of a table)."""

    value: Any
    number_format: str = "General"
    formula: str | None = None  # "=…" when the cell holds a formula; "=" alone when it
    # shares another cell's formula and its value was saved (the text is then not needed)
    cached: bool = True  # False: a formula without a cached value


EMPTY = RawCell(None)

Merges = dict[tuple[int, int], tuple[int, int, int]]  # (row, col) -> (top, left, right)


class Book(Protocol):
    path: str
    sheet_names: list[str]
    epoch: datetime

    def defined_name(self, name: str) -> tuple[str, int, int] | None:
        """(sheet, row, col), 1-based, of the first cell a defined name refers to."""

    def cell(self, sheet: str, row: int, col: int) -> RawCell: ...

    def max_row(self, sheet: str) -> int: ...

    def rows(self, sheet: str, first: int, last: int, width: int) -> Iterator[list[RawCell]]:
        """Rows ``first``..``last`` (1-based, inclusive), ``width`` cells each."""

    def merged_anchor(self, sheet: str, row: int, col: int) -> tuple[int, int, int]:
        """(top row, left col, right col) of the merged range holding the cell, or the cell."""


# -- cell addresses ------------------------------------------------------------------------------


def column_letter(col: int) -> str:
    """1 -> ``A``, 28 -> ``AB``."""
    letters = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """``A`` -> 1, ``ab`` -> 28; 0 for anything that is not column letters."""
    col = 0
    for ch in letters.upper():
        if not "A" <= ch <= "Z":
            return 0
        col = col * 26 + ord(ch) - 64
    return col


def split_ref(ref: str) -> tuple[int, int] | None:
    """``B12`` (or ``$B$12``) -> (12, 2); None when it is not a single cell address."""
    ref = ref.replace("$", "")
    i = 0
    while i < len(ref) and ref[i].isalpha():
        i += 1
    col, digits = column_index(ref[:i]), ref[i:]
    if not col or not digits.isdigit() or not digits.isascii() or int(digits) < 1:
        return None
    return int(digits), col


# -- shared by the readers -----------------------------------------------------------------------


def merge_map(ranges: Iterable[tuple[int, int, int, int]]) -> Merges:
    """Each cell of each merged range (top, left, bottom, right; 1-based, inclusive) -> its
    range's (top, left, right). Absurdly large merges are left out: their cells read alone."""
    m: Merges = {}
    for top, left, bottom, right in ranges:
        if (bottom - top + 1) * (right - left + 1) > MAX_MERGE_CELLS or bottom < top \
                or right < left:
            continue
        for r in range(top, bottom + 1):
            for c in range(left, right + 1):
                m[(r, c)] = (top, left, right)
    return m


def whole(value: float) -> float | int:
    """A float holding a whole number as int (spreadsheets store every number as a float)."""
    if math.isfinite(value) and value == int(value) and abs(value) < WHOLE_LIMIT:
        return int(value)
    return value


def require_xml_guard() -> None:
    """Refuse to parse workbooks unless XML is parsed with defusedxml's protection.

    Our own XML passes use defusedxml's guards; openpyxl, when it is used, must too. This
    checks openpyxl's switch without importing openpyxl (which is slow to import): its
    module's flag when it is loaded, else the same conditions it will check when it is.
    """
    try:
        import defusedxml  # noqa: F401
    except ImportError:
        available = False
    else:
        available = True
    flags = sys.modules.get("openpyxl.xml")
    if flags is not None:
        protected = bool(getattr(flags, "DEFUSEDXML", False))
    else:
        protected = available and os.environ.get("OPENPYXL_DEFUSEDXML", "True") == "True"
    if not (available and protected):
        raise XmlUnsafe(
            "openpyxl 未启用 defusedxml 的 XML 防护，拒绝读取（请安装 defusedxml，并且不要设置 "
            "OPENPYXL_DEFUSEDXML=False）。openpyxl is not using defusedxml; refusing to parse "
            "untrusted workbooks (install defusedxml and do not set OPENPYXL_DEFUSEDXML=False)."
        )
