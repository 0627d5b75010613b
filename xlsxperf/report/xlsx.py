"""The XlsxWriter workbook and worksheets the evaluation workbook is written with.

What here leans on XlsxWriter's internals is watched by tests/test_canaries.py:

- Formulas. XlsxWriter passes every formula through some thirty regular-expression
  substitutions that rename Excel 365 functions (``_prepare_formula``); our formulas call only
  classic functions (:data:`PLAIN_FUNCTIONS`), which it leaves as they are, so a formula
  calling nothing else skips them. Any other formula goes through XlsxWriter's own way.
- Attributes. XlsxWriter escapes each attribute of each XML element it writes by searching it
  with a regular expression, and takes a number (a row, a format index) as needing nothing
  from the TypeError that search raises; a number is passed through without one.
- Rows and cells. XlsxWriter visits every position of a sheet's extent to find its rows and
  cells, and writes each cell through a chain of calls that test its type by name and escape
  its attributes. :meth:`Sheet._write_rows` visits the rows and cells there are, and a cell
  with its own format holding a shared string, a number, a date or nothing is written in one
  step, as the same bytes. Every other cell (a formula, a cell taking its row's or column's
  format) and every streamed sheet goes through XlsxWriter's own way.
- Shared strings. XlsxWriter escapes every shared string with several regular expressions; a
  string with nothing to escape or mark (most of them) is written in one step by the
  workbook's packager (:meth:`XlsxWorkbook._get_packager`, XlsxWriter's hook for another
  packager), as the same bytes; any other goes through XlsxWriter's own way.
- Streamed sheets. A sheet of a very large table (more than :data:`STREAM_ROWS` rows) is
  written in XlsxWriter's ``constant_memory`` mode, for that sheet alone: each row goes to a
  temporary file as soon as a later row is started, so a sheet of 50,000 rows holds one row in
  memory. Its rows must be written top to bottom (XlsxWriter drops a write above the current
  row); its text is stored in its cells rather than in the shared string table.
"""

from __future__ import annotations

import re
from typing import Any

from xlsxwriter import Workbook
from xlsxwriter.packager import Packager
from xlsxwriter.sharedstrings import SharedStrings
from xlsxwriter.utility import xl_rowcol_to_cell_fast
from xlsxwriter.worksheet import (
    CellBlankTuple,
    CellDatetimeTuple,
    CellNumberTuple,
    CellStringTuple,
    Worksheet,
)

STREAM_ROWS = 5000  # a sheet with more rows than this is streamed
PLAIN_FUNCTIONS = frozenset({
    "ABS", "AND", "AVERAGE", "COUNT", "COUNTA", "COUNTIF", "COUNTIFS", "EXACT", "IF", "IFERROR",
    "ISBLANK", "ISNUMBER", "LEN", "MAX", "MIN", "N", "NOT", "OR", "ROUND", "ROUNDDOWN", "ROUNDUP",
    "SUM", "SUMIF", "SUMIFS", "SUMPRODUCT", "TEXT", "TRIM", "VALUE",
})
_CALL = re.compile(r"([A-Za-z_][A-Za-z0-9_.]*)\(")
# the cells written in one step when they have a format of their own
_ONE_STEP = frozenset((CellStringTuple, CellBlankTuple, CellNumberTuple, CellDatetimeTuple))
# what XlsxWriter changes in a shared string or marks on it: XML's special characters (a rich
# string's runs among them), control characters and its escapes of them, space at either end
# (kept with xml:space)
_NOT_PLAIN = re.compile(r'[\x00-\x08\x0b-\x1f&<>"\n\ufffe\uffff]|_x[0-9a-fA-F]{4}_|^\s|\s$')


class Sheet(Worksheet):
    """A worksheet whose plain formulas skip XlsxWriter's renaming of Excel 365 functions, and
    whose numbers in XML attributes (rows, format indexes) are not searched for characters to
    escape: XlsxWriter learns that a number has none from a TypeError, once per attribute."""

    def _escape_attributes(self, attribute: Any) -> Any:
        if not isinstance(attribute, str):
            return attribute
        return super()._escape_attributes(attribute)

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        if not (self.use_future_functions or expand_future_functions or formula.startswith("{")
                or formula.endswith("}")) \
                and all(name in PLAIN_FUNCTIONS for name in _CALL.findall(formula)):
            return formula[1:] if formula.startswith("=") else formula
        out: str = super()._prepare_formula(formula, expand_future_functions)
        return out

    def _write_rows(self) -> None:
        """The rows of a sheet held in memory, as XlsxWriter writes them, visiting the rows and
        cells there are instead of every position of the sheet's extent."""
        if self.constant_memory:
            super()._write_rows()
            return
        table, row_info, comments = self.table, self.row_info, self.comments
        first, last, left, right = self.dim_rowmin, self.dim_rowmax, self.dim_colmin, self.dim_colmax
        placed: dict[int, list[int]] = {}  # row -> its columns holding a cell or a comment
        for source in (table, comments):
            for r, cols in source.items():
                if cols and first <= r <= last:
                    placed.setdefault(r, []).extend(c for c in cols if left <= c <= right)
        blocks: dict[int, tuple[int, int]] = {}  # the "spans" of each block of 16 rows
        for r, cols in placed.items():
            if cols:
                low, high = blocks.get(r // 16, (cols[0], cols[0]))
                blocks[r // 16] = (min(low, *cols), max(high, *cols))
        self.row_spans = spans = {i: f"{low + 1}:{high + 1}" for i, (low, high) in blocks.items()}
        write = self.fh.write
        for r in sorted({*placed, *(r for r in row_info if first <= r <= last)}):
            cells = table.get(r)
            if cells:
                self._write_row(r, spans.get(r // 16), row_info.get(r))
                for c in sorted(cells):
                    if left <= c <= right:
                        self._write_cell(r, c, cells[c])
                write("</row>")
            else:
                self._write_empty_row(r, spans.get(r // 16), row_info.get(r))

    def _write_cell(self, row: int, col: int, cell: Any) -> None:
        fmt, kind = cell.format, type(cell)
        if fmt is None or self.constant_memory or kind not in _ONE_STEP:
            super()._write_cell(row, col, cell)
            return
        head = f'<c r="{xl_rowcol_to_cell_fast(row, col)}" s="{fmt._get_xf_index()}"'
        if kind is CellStringTuple:  # cell.string: the index of its shared string
            self.fh.write(f'{head} t="s"><v>{cell.string}</v></c>')
        elif kind is CellBlankTuple:
            self.fh.write(f"{head}/>")
        else:
            self.fh.write(f"{head}><v>{cell.number:.16G}</v></c>")


class StreamedSheet(Sheet):
    """A worksheet written as a stream (XlsxWriter's ``constant_memory`` mode for this sheet):
    rows top to bottom only."""

    def _initialize(self, init_data: dict[str, Any]) -> None:
        super()._initialize({**init_data, "constant_memory": True})


class _SharedStrings(SharedStrings):
    def _write_sst_strings(self) -> None:
        write = self.fh.write
        for string in self.string_table.string_array:
            if _NOT_PLAIN.search(string) is None:
                write(f"<si><t>{string}</t></si>")
            else:
                self._write_si(string)


class _Packager(Packager):
    def _write_shared_strings_file(self) -> None:
        if not self.workbook.str_table.count:
            return
        sst = _SharedStrings()
        sst.string_table = self.workbook.str_table
        sst._set_xml_writer(self._filename("xl/sharedStrings.xml"))
        sst._assemble_xml_file()


class XlsxWorkbook(Workbook):
    """A workbook whose worksheets are :class:`Sheet`, or :class:`StreamedSheet` on request,
    put together by a packager that writes plain shared strings in one step."""

    worksheet_class = Sheet

    def _get_packager(self) -> Packager:
        return _Packager()

    def add_sheet(self, name: str, streamed: bool = False) -> Any:
        return self.add_worksheet(name, worksheet_class=StreamedSheet if streamed else None)
