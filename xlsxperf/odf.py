"""What python-calamine does not tell about an ``.ods``, read from its ``content.xml``.

One streaming pass (:func:`scan_ods`) through :func:`xlsxperf.xmlscan.guarded_parser` gives, per
sheet, the cells whose value type is a percentage (their number format reads ``0%``, as a
percent-formatted ``.xlsx`` cell's does), formula cells, error cells, merged ranges
(``number-columns-spanned`` / ``number-rows-spanned``) and the rows and columns holding a value,
counting repeated rows and columns; and for the workbook, the named ranges (workbook and sheet
scope) and the null date (the date system). calamine reads every sheet of an ``.ods`` when it
opens it, so this pass runs first and refuses a workbook whose repeated cells would fill more
memory than the limit allows.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .books import EPOCH_1900, column_letter
from .ooxml import SheetScan, first_cell
from .xmlscan import Budget, feed, guarded_parser

CONTENT = "content.xml"
PERCENT_FORMAT = "0%"  # the number format a percentage cell reads with

# $Sheet.$B$4, $'My sheet'.$B$4:.$C$5
_RANGE = re.compile(r"^\$?(?:'((?:[^']|'')+)'|([^.'\s]+))\.\$?([A-Za-z]{1,3})\$?(\d+)")

# elements by their local name, whatever their prefix: calamine reads them so
_TAGS = {local: code for code, local in enumerate((
    "table", "table-row", "table-cell", "covered-table-cell", "named-range", "null-date", "p"))}


def range_target(text: str) -> tuple[str, int, int] | None:
    """(sheet, row, col) of the first cell of an ODF range address; None when it is not one."""
    return first_cell(_RANGE, text)


def _local(attrs: dict[str, str]) -> dict[str, str]:
    """Attributes by their local name (``table:number-columns-repeated`` ->
    ``number-columns-repeated``); the value types of ``office:`` and ``calcext:`` both kept."""
    out = {}
    for key, value in attrs.items():
        prefix, _, local = key.rpartition(":")
        out[local if local != "value-type" or prefix != "calcext" else "calc-value-type"] = value
    return out


def _count(attrs: dict[str, str], key: str) -> int:
    value = attrs.get(key, "1")
    return max(1, int(value)) if value.isdigit() and value.isascii() else 1


@dataclass
class OdsScan:
    epoch: datetime = EPOCH_1900
    sheets: dict[str, SheetScan] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # lower-case name -> range address
    local_names: dict[str, dict[str, str]] = field(default_factory=dict)  # sheet -> same


@dataclass
class _Cell:
    col: int
    repeat: int
    percent: bool
    formula: str | None
    cached: bool
    valued: bool
    error: list[str] | None
    spans: tuple[int, int]  # rows, columns


class _Reader:
    def __init__(self, parser: Any, budget: Budget) -> None:
        self.parser = parser
        self.budget = budget
        self.out = OdsScan()
        self.sheet: str | None = None
        self.scan = SheetScan()
        self.nested = 0  # depth of tables inside cells (not sheets): ignored
        self.row = 0  # the last row number used
        self.repeat = 1
        self.col = 0
        self.cells: list[_Cell] = []
        self.cell: _Cell | None = None
        self.entries = 0

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        code = _TAGS.get(tag.rpartition(":")[2])
        if code is None:
            return
        if code == 6:  # text in a cell
            if self.cell is not None:
                self.cell.valued = True
            return
        attrs = _local(attrs)
        if self.nested or (code == 0 and self.sheet is not None):
            self.nested += code == 0
            return
        if code == 2 or code == 3:  # a cell, or a cell covered by a merge
            if self.sheet is None:
                return
            repeat = _count(attrs, "number-columns-repeated")
            kind = attrs.get("value-type")
            formula = attrs.get("formula")
            cell = _Cell(self.col + 1, repeat, False, None, kind is not None,
                         kind is not None or formula is not None, None, (1, 1))
            if code == 2:  # a covered cell's content is hidden by the merge: only its extent
                cell.percent = kind == "percentage"
                cell.formula = _formula_text(formula) if formula is not None else None
                cell.spans = (_count(attrs, "number-rows-spanned"),
                              _count(attrs, "number-columns-spanned"))
                if attrs.get("calc-value-type") == "error":
                    cell.error = []
                    self.parser.CharacterDataHandler = cell.error.append
            self.col += repeat
            self.cell = cell
            self.cells.append(cell)
        elif code == 1:  # row
            self.cells = []
            self.col = 0
            self.repeat = _count(attrs, "number-rows-repeated")
        elif code == 0:  # a sheet
            self.sheet = attrs.get("name", "")
            self.scan = SheetScan()
            self.row = 0
            self.entries = 0
        elif code == 4:  # a named range
            name, address = attrs.get("name", ""), attrs.get("cell-range-address", "")
            where = self.out.names if self.sheet is None else \
                self.out.local_names.setdefault(self.sheet, {})
            where[name.lower()] = address
        elif code == 5:  # the null date
            try:
                self.out.epoch = datetime.fromisoformat(attrs.get("date-value", "1899-12-30")[:10])
            except ValueError:
                pass

    def end(self, tag: str) -> None:
        code = _TAGS.get(tag.rpartition(":")[2])
        if code is None or code == 6:
            return
        if self.nested:
            self.nested -= code == 0
            return
        if code == 2 or code == 3:
            self.parser.CharacterDataHandler = None
            self.cell = None
        elif code == 1 and self.sheet is not None:
            self._row()
        elif code == 0 and self.sheet is not None:
            self.out.sheets[self.sheet] = self.scan
            self.budget.spend(self.scan.bottom * self.scan.right, self.entries)
            self.sheet = None

    def _row(self) -> None:
        first, last = self.row + 1, self.row + self.repeat
        self.row = last
        scan = self.scan
        valued = [c for c in self.cells if c.valued]
        noted = [c for c in self.cells if c.percent or c.formula is not None
                 or c.error is not None or c.spans != (1, 1)]
        if not valued and not noted:
            return
        if valued:
            left = min(c.col for c in valued)
            right = max(c.col + c.repeat - 1 for c in valued)
            if not scan.top:
                scan.top, scan.left = first, left
            scan.left = min(scan.left, left)
            scan.bottom, scan.right = last, max(scan.right, right)
        self.entries += self.repeat * sum(c.repeat for c in noted)
        cells = scan.bottom * scan.right  # calamine builds an .ods sheet from A1
        self.budget.check(self.sheet or "", f"A1:{column_letter(scan.right)}{scan.bottom}",
                          cells, self.entries)
        for r in range(first, last + 1):
            for c in noted:
                for col in range(c.col, c.col + c.repeat):
                    where = (r, col)
                    if c.percent:
                        scan.formats[where] = PERCENT_FORMAT
                    if c.formula is not None:
                        scan.formulas[where] = (c.formula, c.cached)
                    if c.error is not None:
                        scan.errors[where] = "".join(c.error).strip() or "#VALUE!"
                    if c.spans != (1, 1):
                        scan.merges.append((r, col, r + c.spans[0] - 1, col + c.spans[1] - 1))


def _formula_text(formula: str) -> str:
    """``of:=SUM([.B5:.B9])`` -> ``SUM([.B5:.B9])``."""
    return re.sub(r"^[A-Za-z]+:", "", formula).lstrip("=")


def scan_ods(zf: zipfile.ZipFile, budget: Budget) -> OdsScan:
    """Read ``content.xml`` of the ``.ods`` package ``zf``; refuses (S005) over ``budget``."""
    parser = guarded_parser(namespaces=False)
    reader = _Reader(parser, budget)
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    with zf.open(CONTENT) as fh:
        feed(parser, fh)
    return reader.out
