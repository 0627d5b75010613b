"""The plan of an echo sheet: a table's rows become cells only while they are written, and the
cells planned one by one stand over them (xlsxperf.report.echo)."""

from __future__ import annotations

from decimal import Decimal

from xlsxperf.model import Cell, Row, Value
from xlsxperf.report.echo import EchoSheet, EchoTable, Entry
from xlsxperf.report.styles import line_height
from xlsxperf.schema import Kind


def value(v: object, ref: str = "A1") -> Value:
    return Value(v, v, Cell("项目支出", ref))  # type: ignore[arg-type]


def table(first: int = 4, rows: int = 3) -> EchoTable:
    """Rows ``first`` … (0-based) with a name in column B and an amount in column C."""
    return EchoTable({r: Row(r + 1, {"name": value(f"项目{r}"), "budget": value(Decimal(r))})
                      for r in range(first, first + rows)},
                     {1: ("name", Kind.TEXT), 2: ("budget", Kind.AMOUNT)})


def sheet(*tables: EchoTable) -> EchoSheet:
    es = EchoSheet("项目支出", "项目支出(原表)", tables=list(tables))
    es.widths = {c: 12.0 for c in range(6)}
    return es


def test_a_table_is_written_row_by_row_left_to_right() -> None:
    es = sheet(table())
    es.put((0, 0), Entry("title", "标题"))
    es.put((3, 1), Entry("header", "项目名称"))
    rows = list(es.rows())
    assert [r for r, _ in rows] == [0, 3, 4, 5, 6]
    r, cells = rows[2]
    assert [c for c, _ in cells] == [1, 2]
    assert cells[0][1].value == "项目4" and cells[1][1].value == Decimal(4)


def test_a_cell_planned_by_itself_stands_over_the_tables() -> None:
    first, second = table(), table(first=5)
    second.columns = {2: ("budget", Kind.AMOUNT), 3: ("name", Kind.TEXT)}
    es = sheet(first, second)
    es.put((4, 1), Entry("label", "说明"))
    by_row = dict(es.rows())
    assert [(c, e.value) for c, e in by_row[4]] == [(1, "说明"), (2, Decimal(4))]
    # row 5: the first table's C6 stands over the second's; the second's D6 is its own
    assert [(c, e.value) for c, e in by_row[5]] == [(1, "项目5"), (2, Decimal(5)), (3, "项目5")]


def test_free_cells_are_the_ones_no_table_holds() -> None:
    es = sheet(table())
    assert not es.free((4, 1)) and not es.free((6, 2))
    assert es.free((4, 3)) and es.free((7, 1)) and es.free((3, 1))
    es.tables[0].computed[4] = lambda r: Entry("formula", 1.0, formula="1") if r == 5 else None
    assert not es.free((5, 4)) and es.free((4, 4))
    assert es.last_row() == 6


def test_a_row_is_as_high_as_its_longest_text() -> None:
    es = sheet(table(rows=1))
    short = dict(es.rows())[4]
    one_line = line_height() + 4
    assert es.height(4, short) == one_line
    es.tables[0].rows[4].values["name"] = value("很长的项目名称" * 10)
    assert es.height(4, dict(es.rows())[4]) > 3 * line_height()
    es.clipped = {4}  # a long text continued below the data: its row shows its first lines
    assert es.height(4, short) > one_line
    assert es.height(9, [(0, Entry("formula", 1.0, formula="1"))]) is None
