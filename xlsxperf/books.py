"""Workbook access behind one small interface, so the reader does not care who saved the file.

:class:`Book` is what the reader needs: sheet names, defined names, cell values with their
number formats, merged ranges resolved to their top-left cell, and formula cells read by
their cached value. The implementations live in their own modules (:mod:`xlsxperf.xlsxbook`
for ``.xlsx`` / ``.xlsm``, :mod:`xlsxperf.xlsbook` for ``.xls``); :func:`xlsxperf.opener.open_book`
picks one for a file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from .errors import XmlUnsafe


@dataclass(frozen=True)
class RawCell:
    value: Any
    number_format: str = "General"
    formula: str | None = None  # the formula text when the cell holds one
    cached: bool = True  # False: a formula without a cached value


EMPTY = RawCell(None)


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


def require_xml_guard() -> None:
    """Refuse to parse workbooks unless openpyxl uses defusedxml."""
    import openpyxl.xml

    if not getattr(openpyxl.xml, "DEFUSEDXML", False):
        raise XmlUnsafe(
            "openpyxl 未启用 defusedxml 的 XML 防护，拒绝读取（请安装 defusedxml，并且不要设置 "
            "OPENPYXL_DEFUSEDXML=False）。openpyxl is not using defusedxml; refusing to parse "
            "untrusted workbooks (install defusedxml and do not set OPENPYXL_DEFUSEDXML=False)."
        )
