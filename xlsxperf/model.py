"""The data that flows through the pipeline: read values, submissions, findings.

Plain data, no I/O. The reader makes a :class:`Submission`; rules turn it into
:class:`Finding` objects; renderers print or write them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from .schema import Column, Field, Table


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]

    @property
    def zh(self) -> str:
        return {"error": "错误", "warning": "警告", "info": "提示"}[self.value]


class Status(StrEnum):
    """What became of one input file."""

    OK = "ok"  # read and checked
    INVALID = "invalid"  # a workbook, but not one made from the template (S002)
    ERROR = "error"  # could not be read or checked (S001, S005, a crash)
    PENDING = "pending"  # still being copied: left for the next run

    @property
    def zh(self) -> str:
        return _STATUS_ZH[self.value]

    @property
    def evaluated(self) -> bool:
        return self is Status.OK

    @property
    def failed(self) -> bool:
        """The file could not be evaluated (exit code 3)."""
        return self in (Status.INVALID, Status.ERROR)


_STATUS_ZH = {"ok": "已审核", "invalid": "不是标准填报表，未能审核", "error": "无法审核",
              "pending": "待处理（文件尚未就绪）"}


class Parse(StrEnum):
    """How a cell's raw content became its value."""

    BLANK = "blank"  # empty, or a "not filled" mark such as — / 无
    OK = "ok"  # taken as it was
    NORMALIZED = "normalized"  # text parsed into a number or date (F003)
    INVALID = "invalid"  # could not be parsed for its kind (F002 / F007 / F008)
    NO_VALUE = "no-value"  # a formula without a cached value (S004)


@dataclass(frozen=True)
class Cell:
    """Where a value was read: sheet, A1 reference and the defined name, if any."""

    sheet: str
    ref: str
    name: str | None = None

    def __str__(self) -> str:
        return f"{self.sheet}!{self.ref}"


Scalar = Decimal | int | str | date | None


@dataclass(frozen=True)
class Value:
    """One read value with its provenance and how it was parsed."""

    value: Scalar
    raw: Any
    cell: Cell | None  # None: the field was not found at all
    parse: Parse = Parse.OK
    note: str = ""  # how text was normalized, or why it is invalid
    found_by: str = "name"  # "name", "label" or "table"

    @property
    def filled(self) -> bool:
        return self.value is not None


MISSING = Value(None, None, None, Parse.BLANK, found_by="")


def as_decimal(v: object) -> Decimal | None:
    """A read number (Decimal or int, never bool) as a Decimal; None for anything else."""
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return Decimal(v)
    return v if isinstance(v, Decimal) else None


@dataclass
class Row:
    """One data row of a repeating table."""

    number: int  # 1-based sheet row
    values: dict[str, Value]

    def __getitem__(self, key: str) -> Value:
        return self.values.get(key, MISSING)

    def get(self, key: str) -> Scalar:
        return self[key].value

    def text(self, key: str) -> str | None:
        """The cell's value when it is text, else None."""
        v = self[key].value
        return v if isinstance(v, str) else None

    def decimal(self, key: str) -> Decimal | None:
        """The cell's value when it is a number, as a Decimal, else None."""
        return as_decimal(self[key].value)

    def measure(self, key: str) -> Decimal | str | None:
        """An indicator's 指标值 / 完成值: a number (as a Decimal), a 定性 level (text), or None."""
        v = self[key].value
        return v if isinstance(v, str) else self.decimal(key)


@dataclass
class TableData:
    """A repeating table as read: where it is, its columns and its rows."""

    sheet: str
    header_row: int | None  # None: the header was not found
    columns: dict[str, str]  # column key -> column letter
    rows: list[Row] = field(default_factory=list)
    total: Row | None = None

    def cell(self, key: str, row: int) -> Cell | None:
        col = self.columns.get(key)
        return Cell(self.sheet, f"{col}{row}") if col else None


@dataclass(frozen=True)
class Finding:
    """One problem found: the rule, its severity, the message and the cell."""

    code: str
    name: str
    severity: Severity
    message: str
    message_en: str = ""
    sheet: str | None = None
    cell: str | None = None
    defined_name: str | None = None
    expected: str | None = None
    actual: str | None = None
    tolerance: str | None = None
    path: str | None = None

    @property
    def where(self) -> str:
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet or ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.severity.value,
            "sheet": self.sheet,
            "cell": self.cell,
            "defined_name": self.defined_name,
            "message": self.message,
            "message_en": self.message_en,
            "expected": self.expected,
            "actual": self.actual,
            "tolerance": self.tolerance,
        }


@dataclass
class Submission:
    """Everything read from one workbook, each value with the cell it came from."""

    path: str
    fields: dict[str, Value]
    projects: TableData
    indicators: TableData
    template_version: int | None = None
    findings: list[Finding] = field(default_factory=list)  # structural findings (S...)
    readable: bool = True  # False: S001/S002/S005, nothing else can be checked
    problem: str = ""  # why reading stopped before parsing (the preflight's kind: "truncated", …)
    # 年度总体目标 (template v2): found by its header, empty in a v1 workbook
    annual_goals: TableData = field(default_factory=lambda: TableData("", None, {}))

    def __getitem__(self, name: str) -> Value:
        return self.fields.get(name, MISSING)

    def get(self, name: str) -> Scalar:
        return self[name].value

    def amount(self, name: str) -> Decimal | None:
        v = self[name].value
        return v if isinstance(v, Decimal) else None

    def number(self, name: str) -> Decimal | None:
        return as_decimal(self[name].value)

    @property
    def unit_name(self) -> str | None:
        v = self.get("unit_name")
        return v if isinstance(v, str) else None

    @property
    def year(self) -> int | None:
        v = self.get("eval_year")
        return v if isinstance(v, int) else None

    def tables(self) -> list[tuple[Table, TableData]]:
        """Each repeating table's declaration with its data (a table not found has no rows)."""
        from .schema import GOAL_TABLE, INDICATOR_TABLE, PROJECT_TABLE

        return [(PROJECT_TABLE, self.projects), (INDICATOR_TABLE, self.indicators),
                (GOAL_TABLE, self.annual_goals)]

    def values(self) -> Iterator[tuple[Field | Column, Value]]:
        """Every single-value field and table cell, with its declaration."""
        from .schema import FIELDS

        for name, f in FIELDS.items():
            yield f, self[name]
        for table, data in self.tables():
            rows = data.rows + ([data.total] if data.total else [])
            for row in rows:
                for col in table.columns:
                    if col.key in row.values:
                        yield col, row.values[col.key]
