"""Open a workbook with the reader that fits its format."""

from __future__ import annotations

from pathlib import Path

from .books import Book, require_xml_guard


def open_book(path: str | Path, fmt: str | None = None) -> Book:
    """The book for ``path``, by its format (``"xlsx"`` or ``"xls"``) or else its first bytes."""
    require_xml_guard()
    if fmt is None:
        from .preflight import sniff

        with open(path, "rb") as fh:
            fmt = "xls" if sniff(fh.read(8)) == "ole2" else "xlsx"
    if fmt == "xls":
        from .xlsbook import XlrdBook

        return XlrdBook(path)
    from .xlsxbook import OpenpyxlBook

    return OpenpyxlBook(path)
