"""Open a workbook with the reader that fits its format.

``.xlsx`` / ``.xlsm`` and ``.ods``: :class:`~xlsxperf.calaminebook.CalamineBook`; ``.xls``:
:class:`~xlsxperf.xlsbook.XlrdBook`; ``reader="openpyxl"`` asks for
:class:`~xlsxperf.xlsxbook.OpenpyxlBook` (an ``.xlsx`` calamine refused, and the tests).
"""

from __future__ import annotations

from pathlib import Path

from .books import Book, require_xml_guard


def open_book(path: str | Path, fmt: str | None = None, memory_mb: int | None = None,
              reader: str | None = None) -> Book:
    """The book for ``path``, by its format (``"xlsx"``, ``"xls"`` or ``"ods"``) or else its
    first bytes. ``memory_mb`` bounds the sheets calamine may build (default: the
    limits.memory_mb of :class:`~xlsxperf.config.Limits`)."""
    require_xml_guard()
    if fmt is None:
        from .preflight import package_format, sniff

        with open(path, "rb") as fh:
            kind = sniff(fh.read(8))
        fmt = "xls" if kind == "ole2" else package_format(path).value
    if fmt == "xls":
        from .xlsbook import XlrdBook

        return XlrdBook(path)
    if reader == "openpyxl":
        from .xlsxbook import OpenpyxlBook

        return OpenpyxlBook(path)
    from .calaminebook import CalamineBook

    return CalamineBook(path, "ods" if fmt == "ods" else "xlsx", memory_mb)
