"""Excel 97-2003 workbooks (``.xls``) behind the :class:`~xlsxperf.books.Book` interface, via xlrd.

xlrd reads BIFF5/BIFF8 files with their formatting (``formatting_info=True``), which gives
each cell's number format (so percent and date formats are known), the merged ranges and
the defined names. python-calamine reads ``.xls`` values too (0.25 ms against xlrd's 4-6 ms
for a template-sized workbook), but an ``.xls`` keeps what the reader needs besides values
in BIFF records calamine does not expose: the number formats (FORMAT and XF records, and the
XF index of every cell record), the defined names (NAME and EXTERNSHEET records) and the
date system (DATEMODE). Reading those is what xlrd does; ``.xls`` submissions are few, so
they stay on xlrd, which keeps rows ragged (no grid is built from a file's claims).

An ``.xls`` keeps no formula text that xlrd can show, only the value saved with it: a formula
cell reads as that value, like any other cell. Numbers in a date format become datetimes,
counted from the workbook's own date system (1900 or 1904).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from .books import EMPTY, EPOCH_1900, EPOCH_1904, Merges, RawCell, merge_map, whole


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
        self.epoch: datetime = EPOCH_1904 if self._wb.datemode == 1 else EPOCH_1900
        self._merged: dict[str, Merges] = {}
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
        if isinstance(value, float):
            return RawCell(whole(value), fmt)  # as openpyxl reads a number saved without decimals
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

    def _merged_map(self, sheet: str) -> Merges:
        if sheet not in self._merged:
            self._merged[sheet] = merge_map(
                (rlo + 1, clo + 1, rhi, chi)
                for rlo, rhi, clo, chi in self._wb.sheet_by_name(sheet).merged_cells)
        return self._merged[sheet]

    def merged_anchor(self, sheet: str, row: int, col: int) -> tuple[int, int, int]:
        return self._merged_map(sheet).get((row, col), (row, col, col))
