"""The XlsxWriter workbook and worksheets the evaluation workbook is written with.

Three things here lean on XlsxWriter's internals; tests/test_canaries.py watches them:

- Formulas. XlsxWriter passes every formula through some thirty regular-expression
  substitutions that rename Excel 365 functions (``_prepare_formula``); our formulas call only
  classic functions (:data:`PLAIN_FUNCTIONS`), which it leaves as they are, so a formula
  calling nothing else skips them. Any other formula goes through XlsxWriter's own way.
- Attributes. XlsxWriter escapes each attribute of each XML element it writes by searching it
  with a regular expression, and takes a number (a row, a format index) as needing nothing
  from the TypeError that search raises; a number is passed through without one.
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
from xlsxwriter.worksheet import Worksheet

STREAM_ROWS = 5000  # a sheet with more rows than this is streamed
PLAIN_FUNCTIONS = frozenset({
    "ABS", "AND", "AVERAGE", "COUNT", "COUNTA", "COUNTIF", "COUNTIFS", "EXACT", "IF", "IFERROR",
    "ISBLANK", "ISNUMBER", "LEN", "MAX", "MIN", "N", "NOT", "OR", "ROUND", "ROUNDDOWN", "ROUNDUP",
    "SUM", "SUMIF", "SUMIFS", "SUMPRODUCT", "TEXT", "TRIM", "VALUE",
})
_CALL = re.compile(r"([A-Za-z_][A-Za-z0-9_.]*)\(")


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


class StreamedSheet(Sheet):
    """A worksheet written as a stream (XlsxWriter's ``constant_memory`` mode for this sheet):
    rows top to bottom only."""

    def _initialize(self, init_data: dict[str, Any]) -> None:
        super()._initialize({**init_data, "constant_memory": True})


class XlsxWorkbook(Workbook):
    """A workbook whose worksheets are :class:`Sheet`, or :class:`StreamedSheet` on request."""

    worksheet_class = Sheet

    def add_sheet(self, name: str, streamed: bool = False) -> Any:
        return self.add_worksheet(name, worksheet_class=StreamedSheet if streamed else None)
