"""Excel 97-2003 workbooks (``.xls``) behind the :class:`~xlsxperf.books.Book` interface, via xlrd.

xlrd reads BIFF5/BIFF8 files with their formatting (``formatting_info=True``), which gives
each cell's number format (so percent and date formats are known), the merged ranges and
the defined names. An ``.xls`` keeps no formula text that xlrd can show, only the value
saved with it: a formula cell reads as that value, like any other cell. Numbers in a date
format become datetimes, counted from the workbook's own date system (1900 or 1904).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

from .books import EMPTY, RawCell

MAX_MERGE_CELLS = 10000  # an absurd merge: its inner cells read as empty
WHOLE_LIMIT = 1e15  # whole numbers below this read as int; .xls stores every number as a float


class _Discard:
    """A log sink: xlrd writes its warnings to a file-like object."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass


class XlrdBook:
    """An ``.xls`` read with xlrd."""

    def __init__(self, path: str | Path) -> None:
        import xlrd

        self.path = str(path)
        self._xlrd = xlrd
        self._wb = xlrd.open_workbook(self.path, formatting_info=True, logfile=_Discard(),
                                      verbosity=0, ragged_rows=True)
        self.sheet_names = list(self._wb.sheet_names())
        self.epoch: datetime = (CALENDAR_MAC_1904 if self._wb.datemode == 1
                                else CALENDAR_WINDOWS_1900)
        self._merged: dict[str, dict[tuple[int, int], tuple[int, int, int]]] = {}
        self._formats: dict[int, str] = {}

    # -- names -------------------------------------------------------------------------------
    def defined_name(self, name: str) -> tuple[str, int, int] | None:
        candidates = self._wb.name_map.get(name.lower(), [])
        for n in sorted(candidates, key=lambda n: (n.scope != -1, n.scope)):  # global first
            try:
                sheet, rlo, rhi, clo, chi = n.area2d(clipped=False)
            except Exception:  # #REF!, a constant or a formula: not a single-area reference
                continue
            if rhi <= rlo or chi <= clo or sheet.name not in self.sheet_names:
                continue
            return sheet.name, rlo + 1, clo + 1
        return None

    # -- cells -------------------------------------------------------------------------------
    def _number_format(self, xf_index: int) -> str:
        fmt = self._formats.get(xf_index)
        if fmt is None:
            fmt = "General"
            try:
                xf = self._wb.xf_list[xf_index]
                found = self._wb.format_map.get(xf.format_key)
                if found is not None and found.format_str:
                    fmt = found.format_str
            except (IndexError, AttributeError):
                pass
            self._formats[xf_index] = fmt
        return fmt

    def _raw(self, sh: Any, r: int, c: int) -> RawCell:
        """The cell at 0-based (r, c), without resolving merges."""
        xlrd = self._xlrd
        if r >= sh.nrows or c >= sh.row_len(r):
            return EMPTY
        ctype = sh.cell_type(r, c)
        if ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
            return EMPTY
        value = sh.cell_value(r, c)
        fmt = self._number_format(sh.cell_xf_index(r, c))
        if ctype == xlrd.XL_CELL_TEXT:
            return RawCell(value, fmt) if value != "" else EMPTY
        if ctype == xlrd.XL_CELL_DATE:
            return RawCell(self._date(value), fmt)
        if ctype == xlrd.XL_CELL_BOOLEAN:
            return RawCell(bool(value), fmt)
        if ctype == xlrd.XL_CELL_ERROR:
            return RawCell(xlrd.error_text_from_code.get(value, "#N/A"), fmt)
        if isinstance(value, float) and math.isfinite(value) and value == int(value) \
                and abs(value) < WHOLE_LIMIT:
            return RawCell(int(value), fmt)  # as openpyxl reads a number saved without decimals
        return RawCell(value, fmt)

    def _date(self, serial: float) -> Any:
        try:
            moment = self._xlrd.xldate.xldate_as_datetime(serial, self._wb.datemode)
        except Exception:  # negative or beyond 9999-12-31: keep the number
            return serial
        return moment.time() if 0 <= serial < 1 else moment

    def cell(self, sheet: str, row: int, col: int) -> RawCell:
        sh = self._wb.sheet_by_name(sheet)
        r, c, _ = self.merged_anchor(sheet, row, col)
        return self._raw(sh, r - 1, c - 1)

    def max_row(self, sheet: str) -> int:
        return self._wb.sheet_by_name(sheet).nrows

    def rows(self, sheet: str, first: int, last: int, width: int) -> Iterator[list[RawCell]]:
        sh = self._wb.sheet_by_name(sheet)
        merged = self._merged_map(sheet)
        for r in range(first, last + 1):
            out = []
            for c in range(1, width + 1):
                anchor = merged.get((r, c))
                if anchor is not None and anchor[:2] != (r, c):
                    out.append(self._raw(sh, anchor[0] - 1, anchor[1] - 1))
                else:
                    out.append(self._raw(sh, r - 1, c - 1))
            yield out

    def _merged_map(self, sheet: str) -> dict[tuple[int, int], tuple[int, int, int]]:
        if sheet not in self._merged:
            m: dict[tuple[int, int], tuple[int, int, int]] = {}
            for rlo, rhi, clo, chi in self._wb.sheet_by_name(sheet).merged_cells:
                if (rhi - rlo) * (chi - clo) > MAX_MERGE_CELLS:
                    continue
                for r in range(rlo, rhi):
                    for c in range(clo, chi):
                        m[(r + 1, c + 1)] = (rlo + 1, clo + 1, chi)
            self._merged[sheet] = m
        return self._merged[sheet]

    def merged_anchor(self, sheet: str, row: int, col: int) -> tuple[int, int, int]:
        return self._merged_map(sheet).get((row, col), (row, col, col))
