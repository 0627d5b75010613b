"""Canaries for what the code borrows from its libraries' internals: if a new release changes
them, these fail first, with a message saying what to look at."""

from __future__ import annotations

from conftest import SEED


def test_openpyxl_merged_cell_formatting_hook_is_still_there() -> None:
    """xlsxperf.xlsxbook skips openpyxl's ``MergedCellRange.format`` while loading (a third of
    the load time); the method must still exist and still be what loading calls."""
    from openpyxl.worksheet.merge import MergedCellRange

    assert callable(getattr(MergedCellRange, "format", None)), \
        "openpyxl.worksheet.merge.MergedCellRange.format is gone: review xlsxbook._merges_unformatted"


def test_skipping_merged_cell_formatting_reads_the_same_values() -> None:
    from openpyxl import load_workbook

    from xlsxperf.xlsxbook import _merges_unformatted

    plain = load_workbook(SEED)
    with _merges_unformatted():
        fast = load_workbook(SEED)
    for ws in plain.worksheets:
        other = fast[ws.title]
        assert [str(r) for r in ws.merged_cells.ranges] == [str(r) for r in other.merged_cells.ranges]
        for row in ws.iter_rows():
            for cell in row:
                assert other.cell(cell.row, cell.column).value == cell.value, (ws.title, cell.coordinate)
