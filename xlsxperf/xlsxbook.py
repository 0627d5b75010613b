"""``.xlsx`` / ``.xlsm`` workbooks behind the :class:`~xlsxperf.books.Book` interface, via openpyxl.

No longer the reader of every ``.xlsx`` (:mod:`xlsxperf.calaminebook` is). It stays for one
case: a file python-calamine refuses but openpyxl reads (calamine is stricter about a few
malformed values, e.g. ``t="n"`` with spaces around the number, or an unknown error code);
:func:`xlsxperf.read.read_submission` then reads it here. The test comparing both readers
uses it too.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

from .books import EMPTY, Merges, RawCell, merge_map, require_xml_guard


@contextmanager
def _merges_unformatted() -> Iterator[None]:
    """Skip openpyxl's copying of borders onto merged cells while loading: it only matters for
    display, and it is a third of the time to load a template-sized workbook."""
    from openpyxl.worksheet.merge import MergedCellRange

    original = MergedCellRange.format
    MergedCellRange.format = lambda self: None
    try:
        yield
    finally:
        MergedCellRange.format = original


class OpenpyxlBook:
    """An ``.xlsx`` / ``.xlsm`` read with openpyxl (macros are never run or kept)."""

    def __init__(self, path: str | Path) -> None:
        import warnings

        from openpyxl import load_workbook

        require_xml_guard()
        self.path = str(path)
        with warnings.catch_warnings(), _merges_unformatted():
            warnings.simplefilter("ignore")  # "Data Validation extension not supported" etc.
            self._wb = load_workbook(self.path, data_only=False, keep_links=False, rich_text=False)
        self._cached_wb: Any = None
        self.sheet_names = list(self._wb.sheetnames)
        self.epoch = self._wb.epoch
        self._names = {k.lower(): v for k, v in self._wb.defined_names.items()}
        self._merged: dict[str, Merges] = {}

    def defined_name(self, name: str) -> tuple[str, int, int] | None:
        dn = self._names.get(name.lower())
        if dn is None:
            for ws in self._wb.worksheets:  # sheet-scoped names, as some programs save them
                local = {k.lower(): v for k, v in ws.defined_names.items()}
                if name.lower() in local:
                    dn = local[name.lower()]
                    break
        if dn is None:
            return None
        try:
            for sheet, ref in dn.destinations:
                if sheet not in self.sheet_names:
                    return None
                first = ref.replace("$", "").split(":")[0]
                letters, row = coordinate_from_string(first)
                return sheet, row, column_index_from_string(letters)
        except Exception:  # a broken name (#REF!) or a formula, not a reference
            return None
        return None

    def _cell_value(self, sheet: str, cell: Any) -> RawCell:
        value = cell.value
        if value is None:
            return EMPTY
        fmt = cell.number_format or "General"
        if cell.data_type == "f":  # a formula (plain, array or data table): its cached value
            text = value if isinstance(value, str) else getattr(value, "text", "") or ""
            cached = self._cached(sheet, cell.row, cell.column)
            return RawCell(cached, fmt, formula=str(text), cached=cached is not None)
        return RawCell(value, fmt)

    def _cached(self, sheet: str, row: int, col: int) -> Any:
        if self._cached_wb is None:
            import warnings

            from openpyxl import load_workbook

            with warnings.catch_warnings(), _merges_unformatted():
                warnings.simplefilter("ignore")
                self._cached_wb = load_workbook(self.path, data_only=True, keep_links=False)
        return self._cached_wb[sheet].cell(row, col).value

    def _cells(self, sheet: str) -> bool:
        """Whether ``sheet`` holds cells (a chart sheet holds none)."""
        return hasattr(self._wb[sheet], "iter_rows")

    def cell(self, sheet: str, row: int, col: int) -> RawCell:
        if not self._cells(sheet):
            return EMPTY
        ws = self._wb[sheet]
        r, c, _ = self.merged_anchor(sheet, row, col)
        return self._cell_value(sheet, ws.cell(r, c))

    def max_row(self, sheet: str) -> int:
        return self._wb[sheet].max_row if self._cells(sheet) else 0

    def rows(self, sheet: str, first: int, last: int, width: int) -> Iterator[list[RawCell]]:
        if not self._cells(sheet):
            return
        ws = self._wb[sheet]
        merged = self._merged_map(sheet)
        filled = min(width, ws.max_column)  # iter_rows creates every cell it visits
        padding = [EMPTY] * (width - filled)
        for cells in ws.iter_rows(min_row=first, max_row=last, max_col=filled):
            out = []
            for cell in cells:
                key = (cell.row, cell.column)
                if key in merged and merged[key][:2] != key:
                    r, c, _ = merged[key]
                    out.append(self._cell_value(sheet, ws.cell(r, c)))
                else:
                    out.append(self._cell_value(sheet, cell) if cell.value is not None else EMPTY)
            yield out + padding

    def _merged_map(self, sheet: str) -> Merges:
        if sheet not in self._merged:
            if not self._cells(sheet):
                self._merged[sheet] = {}
                return self._merged[sheet]
            self._merged[sheet] = merge_map(
                (rng.min_row, rng.min_col, rng.max_row, rng.max_col)
                for rng in self._wb[sheet].merged_cells.ranges)
        return self._merged[sheet]

    def merged_anchor(self, sheet: str, row: int, col: int) -> tuple[int, int, int]:
        return self._merged_map(sheet).get((row, col), (row, col, col))
