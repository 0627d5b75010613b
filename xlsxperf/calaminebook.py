"""``.xlsx`` / ``.xlsm`` and ``.ods`` workbooks behind the :class:`~xlsxperf.books.Book` interface.

Values come from python-calamine (a Rust reader: all the values of a template-sized workbook in
about a millisecond). What calamine does not give comes from a small guarded XML pass
(:mod:`xlsxperf.ooxml` for ``.xlsx``, :mod:`xlsxperf.odf` for ``.ods``): defined names, the
date system, number formats (percent cells), formula cells and whether a value was saved with
them (S004), error cells, merged ranges. An ``.xlsx`` sheet is read only when the reader first
needs it; an ``.ods`` is read whole when opened, as calamine reads it.

Values read as openpyxl reads them, so the two readers give the same submission: a whole
float is an ``int`` (``<v>10</v>``), a date a ``datetime``, an empty cell ``None``, an error
cell its text (``#REF!``), a formula cell its saved value.

Before calamine builds a sheet, the value area the XML pass measured is checked against the
memory limit (:class:`~xlsxperf.xmlscan.Budget`): calamine keeps a sheet as one dense grid
from its first to its last value, so two values at A1 and XFD1048576 would ask for hundreds of
gigabytes (and a failed allocation in Rust ends the process). Such an ``.xlsx`` sheet, like a
file calamine cannot parse, raises :class:`Refused`, and the reader reads the file with
openpyxl, which keeps only the cells there are (see :func:`xlsxperf.read.read_submission`);
an ``.ods`` over the limit is S005.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any, NoReturn

from .books import EMPTY, Merges, RawCell, merge_map, whole
from .errors import LimitExceeded
from .ooxml import Package, SheetScan, name_target, read_package, scan_sheet
from .xmlscan import Budget


class Refused(Exception):
    """calamine (or the XML pass) could not parse the file; ``__cause__`` says why."""


class _Sheet:
    """One sheet: calamine's values from (top, left) on, and what the XML pass found."""

    __slots__ = ("grid", "top", "left", "scan", "merges", "special", "last")

    def __init__(self, grid: list[list[Any]], top: int, left: int, scan: SheetScan) -> None:
        self.grid = grid
        self.top = top  # 1-based row and column of grid[0][0]
        self.left = left
        self.scan = scan
        self.merges: Merges = merge_map(scan.merges)
        # rows whose cells need more than calamine's value: a formula, an error, a merge
        self.special = scan.special_rows | {r for r, _ in self.merges}
        self.last = max(top + len(grid) - 1 if grid else 0, scan.bottom)


EMPTY_SHEET = _Sheet([], 1, 1, SheetScan())


def _value(v: Any) -> Any:
    """A calamine value as openpyxl gives it."""
    kind = type(v)
    if kind is float:
        return whole(v)
    if kind is str:
        return v if v else None
    if kind is date:
        return datetime(v.year, v.month, v.day)
    return v  # bool, int, datetime, time, timedelta


class CalamineBook:
    """An ``.xlsx`` / ``.xlsm`` (``fmt="xlsx"``) or ``.ods`` (``fmt="ods"``) read with calamine."""

    def __init__(self, path: str | Path, fmt: str = "xlsx", memory_mb: int | None = None) -> None:
        from .config import Limits

        self.path = str(path)
        self.fmt = fmt
        self._budget = Budget(memory_mb if memory_mb is not None else Limits().memory_mb)
        self._package: Package | None = None
        self._ods: Any = None
        # one read of the file: the XML pass and calamine see the same bytes
        data = Path(path).read_bytes()
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            if fmt == "ods":
                from .odf import scan_ods

                self._ods = scan_ods(self._zip, self._budget)  # before calamine reads it all
                self.epoch: datetime = self._ods.epoch
            else:
                self._package = read_package(self._zip)
                self.epoch = self._package.epoch
            from python_calamine import CalamineWorkbook

            # by content, not by the file's name (calamine's from_path goes by the suffix)
            self._wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
            self.sheet_names: list[str] = list(self._wb.sheet_names)
            self._kinds = {m.name: str(m.typ) for m in self._wb.sheets_metadata}
        except Exception as e:
            _refuse(e)
        self._sheets: dict[str, _Sheet] = {}

    # -- names -------------------------------------------------------------------------------
    def defined_name(self, name: str) -> tuple[str, int, int] | None:
        key = name.lower()
        target: tuple[str, int, int] | None = None
        if self._package is not None:
            text = self._package.names.get(key)
            if text is None:  # sheet-scoped names, as some programs save them
                text = next((local[key] for i, local in sorted(self._package.local_names.items())
                             if i < len(self.sheet_names) and key in local), None)
            target = name_target(text) if text is not None else None
        elif self._ods is not None:
            text = self._ods.names.get(key)
            if text is None:
                text = next((self._ods.local_names[s][key] for s in self.sheet_names
                             if key in self._ods.local_names.get(s, {})), None)
            if text is not None:
                from .odf import range_target

                target = range_target(text)
        if target is None or target[0] not in self.sheet_names or target[2] < 1:
            return None
        return target

    # -- sheets ------------------------------------------------------------------------------
    def _sheet(self, name: str) -> _Sheet:
        sheet = self._sheets.get(name)
        if sheet is None:
            sheet = self._sheets[name] = self._load(name)
        return sheet

    def _load(self, name: str) -> _Sheet:
        if name not in self.sheet_names or not self._kinds.get(name, "").endswith("WorkSheet"):
            return EMPTY_SHEET  # a chart or dialog sheet holds no cells
        if self._package is not None:
            part = self._package.part(name)
            if not part:
                return EMPTY_SHEET
            try:
                scan = scan_sheet(self._zip, part, self._package.formats, name, self._budget)
            except KeyError:  # the part is not in the package
                return EMPTY_SHEET
            except LimitExceeded as e:  # openpyxl keeps only the cells there are
                raise Refused(e.reason_en) from e
            except Exception as e:
                _refuse(e)
        else:
            scan = self._ods.sheets.get(name, SheetScan())
        if not scan.top:  # no value: nothing for calamine to build
            return _Sheet([], 1, 1, scan)
        try:
            data = self._wb.get_sheet_by_name(name)
            start = data.start
            grid = data.to_python(skip_empty_area=True) if start is not None else []
            del data
        except Exception as e:
            _refuse(e)
        top, left = (start[0] + 1, start[1] + 1) if start is not None else (1, 1)
        return _Sheet(grid, top, left, scan)

    # -- cells -------------------------------------------------------------------------------
    def _raw(self, sh: _Sheet, r: int, c: int) -> RawCell:
        """The cell at (r, c), 1-based, without resolving merges."""
        i, j = r - sh.top, c - sh.left
        v = sh.grid[i][j] if 0 <= i < len(sh.grid) and 0 <= j < len(sh.grid[i]) else None
        if r in sh.special:
            key = (r, c)
            scan = sh.scan
            fmt = scan.formats.get(key, "General")
            error = scan.errors.get(key)
            formula = scan.formulas.get(key)
            if formula is not None:
                text, cached = formula
                value = error if error is not None else _value(v)
                if not cached or value is None:
                    return RawCell(None, fmt, "=" + text, False)
                return RawCell(value, fmt, "=" + text)
            if error is not None:
                return RawCell(error, fmt)
        value = _value(v)
        if value is None:
            return EMPTY
        return RawCell(value, sh.scan.formats.get((r, c), "General"))

    def cell(self, sheet: str, row: int, col: int) -> RawCell:
        sh = self._sheet(sheet)
        r, c, _ = sh.merges.get((row, col), (row, col, col))
        return self._raw(sh, r, c)

    def max_row(self, sheet: str) -> int:
        return self._sheet(sheet).last

    def rows(self, sheet: str, first: int, last: int, width: int) -> Iterator[list[RawCell]]:
        sh = self._sheet(sheet)
        merges, grid, formats = sh.merges, sh.grid, sh.scan.formats
        raw = self._raw
        for r in range(first, last + 1):
            if r in sh.special:  # cell by cell
                out = []
                for c in range(1, width + 1):
                    anchor = merges.get((r, c))
                    if anchor is not None and anchor[:2] != (r, c):
                        out.append(raw(sh, anchor[0], anchor[1]))
                    else:
                        out.append(raw(sh, r, c))
                yield out
                continue
            out = [EMPTY] * width  # the values calamine read, each with its format
            i = r - sh.top
            if 0 <= i < len(grid):
                for c, v in enumerate(grid[i][:max(0, width - sh.left + 1)], start=sh.left):
                    if v != "":
                        out[c - 1] = RawCell(_value(v), formats.get((r, c), "General"))
            yield out

    def merged_anchor(self, sheet: str, row: int, col: int) -> tuple[int, int, int]:
        return self._sheet(sheet).merges.get((row, col), (row, col, col))


def _refuse(e: Exception) -> NoReturn:
    """Re-raise what the reader handles itself (limits, unsafe XML, memory); anything else
    calamine or the XML pass could not parse becomes :class:`Refused`."""
    from defusedxml import DefusedXmlException

    if isinstance(e, (LimitExceeded, DefusedXmlException, MemoryError)):
        raise e
    raise Refused(f"{type(e).__name__}: {e}") from e
