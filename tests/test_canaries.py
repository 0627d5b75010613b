"""Canaries for what the code borrows from its libraries' internals: if a new release changes
them, these fail first, with a message saying what to look at."""

from __future__ import annotations

from typing import Any

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


def test_openpyxl_keeps_a_sheets_cells_in_a_dict_by_position() -> None:
    """xlsxperf.report.annotate visits ``Worksheet._cells`` (the cells a sheet holds) instead of
    every position up to the farthest cell."""
    from openpyxl import Workbook

    from xlsxperf.report.annotate import _cells

    ws = Workbook().active
    ws["B2"], ws["XFD1048576"] = 1, "x"
    assert isinstance(ws._cells, dict), "openpyxl Worksheet._cells changed: review annotate._cells"
    assert sorted(c.coordinate for c in _cells(ws)) == ["B2", "XFD1048576"]
    assert ws._cells[(2, 2)].value == 1


def test_xlsxwriter_leaves_plain_functions_as_they_are() -> None:
    """xlsxperf.report.xlsx.Sheet skips XlsxWriter's renaming of Excel 365 functions for
    formulas calling only PLAIN_FUNCTIONS: XlsxWriter itself must leave those unchanged."""
    import xlsxwriter
    from xlsxwriter.worksheet import Worksheet

    from xlsxperf.report.xlsx import PLAIN_FUNCTIONS, Sheet

    assert callable(getattr(Worksheet, "_prepare_formula", None)), \
        "XlsxWriter's Worksheet._prepare_formula is gone: review xlsxperf.report.xlsx.Sheet"
    wb = xlsxwriter.Workbook(None, {"in_memory": True})
    plain, ours = wb.add_worksheet(), wb.add_worksheet("b", worksheet_class=Sheet)
    formulas = [f"={name}(A1,'收支情况(原表)'!$B$10)" for name in sorted(PLAIN_FUNCTIONS)]
    formulas += ["=ROUND(B5/C5*100,2)/100", "=IF(A1>=B1,ROUND(C1,2),ROUND(MAX(0,C1*A1/B1),2))",
                 "=XLOOKUP(A1,B:B,C:C)", "=SUM(FILTER(A:A,B:B>1))", "{=SUM(A1:A3)}",
                 "=SORT(A1:A3)", "=SUM(A1)+LAMBDA(x,x)(1)", "='Sheet1(原表)'!A1"]
    for f in formulas:
        assert ours._prepare_formula(f) == plain._prepare_formula(f), f
    for name in PLAIN_FUNCTIONS:
        assert plain._prepare_formula(f"={name}(1)") == f"{name}(1)", name


def test_xlsxwriter_passes_numbers_in_attributes_through() -> None:
    """xlsxperf.report.xlsx.Sheet passes a number in an XML attribute through without asking
    XlsxWriter to search it; XlsxWriter must do the same with it, and text must be escaped the
    same way by both."""
    from xlsxwriter.worksheet import Worksheet

    from xlsxperf.report.xlsx import Sheet

    assert callable(getattr(Worksheet, "_escape_attributes", None)), \
        "XlsxWriter's _escape_attributes is gone: review xlsxperf.report.xlsx.Sheet"
    plain, ours = Worksheet(), Sheet()
    for value in (0, 7, 1048575, 15.75, -1, "A1", "a&b", 'say "x"', "<tag>", "line\nbreak", ""):
        assert ours._escape_attributes(value) == plain._escape_attributes(value), value
        assert type(ours._escape_attributes(value)) is type(plain._escape_attributes(value))


def test_a_streamed_sheet_holds_one_row_and_keeps_every_cell(tmp_path: Any) -> None:
    """xlsxperf.report.xlsx.StreamedSheet turns XlsxWriter's constant_memory mode on for one
    sheet: rows leave memory as soon as a later row is written, and the file has them all."""
    from openpyxl import load_workbook

    from xlsxperf.report.xlsx import XlsxWorkbook

    wb = XlsxWorkbook(str(tmp_path / "x.xlsx"), {"tmpdir": str(tmp_path)})
    streamed, held = wb.add_sheet("s", streamed=True), wb.add_sheet("h")
    for ws in (streamed, held):
        for r in range(100):
            ws.set_row(r, 30)
            ws.write_string(r, 0, f"第{r}行")
            ws.write_number(r, 1, r)
            ws.write_formula(r, 2, f"=B{r + 1}*2", None, r * 2)
        ws.write_comment(99, 0, "末行")
    assert streamed.constant_memory and not held.constant_memory
    assert len(streamed.table) <= 1 and len(held.table) == 100
    wb.close()
    back = load_workbook(tmp_path / "x.xlsx")
    for name in ("s", "h"):
        ws = back[name]
        assert [[c.value for c in row] for row in ws.iter_rows()] == \
            [[f"第{r}行", r, f"=B{r + 1}*2"] for r in range(100)]
        assert ws.row_dimensions[50].height == 30 and ws["A100"].comment.text == "末行"


def _sheet_parts(path: Any) -> dict[str, bytes]:
    import zipfile

    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/")}


def test_summary_sheets_keep_links_small_and_write_them_as_xlsxwriter_does(tmp_path: Any) -> None:
    """xlsxperf.report.summary.RowByRow replaces XlsxWriter's ``Worksheet.hyperlinks`` (read as
    ``hyperlinks[row][col]``, ``.keys()`` of both, set as each link is written) by a compact
    store that makes each Url again as the sheet closes: the sheet's XML and its links'
    relationships must be byte for byte what XlsxWriter writes from its own store."""
    import xlsxwriter
    from openpyxl import load_workbook

    from xlsxperf.report.summary import RowByRow, _Links

    def write(path: Any, worksheet_class: Any) -> Any:
        wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "tmpdir": str(tmp_path)})
        ws = wb.add_worksheet("s", worksheet_class=worksheet_class)
        link = wb.add_format({"font_color": "blue", "underline": 1})
        for r in range(300):
            ws.write_string(r, 0, f"第{r}行")
            ws.write_url(r, 1, f"external:{r:04d}_评价结果.xlsx", link, string=f"{r:04d}_评价结果.xlsx")
            if r % 7 == 0:  # more than one link in a row, an internal one, a tip, an address
                ws.write_url(r, 3, "internal:'s'!A1", None, string="回到顶部", tip="第一行")
                ws.write_url(r, 4, "https://example.org/a?b=1&c=\"2\"")
        ws.write_url(300, 1, "external:..\\上级\\a b.xlsx")
        wb.close()
        return ws

    ours = write(tmp_path / "ours.xlsx", RowByRow)
    plain = write(tmp_path / "plain.xlsx", None)
    assert isinstance(ours.hyperlinks, _Links) and not isinstance(plain.hyperlinks, _Links)
    assert _sheet_parts(tmp_path / "ours.xlsx") == _sheet_parts(tmp_path / "plain.xlsx")
    ws = load_workbook(tmp_path / "ours.xlsx")["s"]
    assert ws["B1"].hyperlink.target == "0000_评价结果.xlsx" and ws["D8"].hyperlink.location == "'s'!A1"


def _rows_and_cells(ws: Any, wb: Any) -> None:
    """Every kind of cell and row XlsxWriter writes, in a sparse sheet over several 16-row
    blocks, written in no particular order."""
    from datetime import datetime

    fmt, other = wb.add_format({"bold": True}), wb.add_format({"num_format": "0.00%"})
    ws.set_column(5, 5, 12, other)  # a column format, for cells that have none
    ws.set_row(3, 40, fmt)  # a row format, for cells that have none
    ws.set_row(70, 10)  # a row with a height and no cell
    ws.set_row(80, None, None, {"hidden": True})
    for r in (40, 3, 0, 17, 33, 16, 15, 120):
        ws.write_string(r, 0, f"文本 {r} & <b>", fmt)
        ws.write_string(r, 7, "无格式")
        ws.write_number(r, 2, r / 7, fmt)
        ws.write_number(r, 3, 10 ** 20 + r, other)
        ws.write_blank(r, 4, None, fmt)
        ws.write_number(r, 5, 0.5)  # takes the column's format
        ws.write_string(r, 6, "x")  # takes the row's format on row 3
        ws.write_datetime(r, 9, datetime(2024, 2, 29, 12, 30), other)
    ws.write_formula(1, 1, "=A1&\"<>\"", fmt, "a<b")
    ws.write_formula(1, 2, "=1/0", fmt, "#DIV/0!")
    ws.write_formula(1, 3, "=TRUE()", fmt, True)
    ws.write_formula(1, 4, "=B2", fmt, 12.5)
    ws.write_formula(1, 5, "=B2", None, "")
    ws.write_boolean(2, 1, False, fmt)
    ws.write_rich_string(2, 2, "普通", fmt, "粗体", "尾", other)
    ws.write_url(2, 3, "https://example.org/?a=1&b=2", fmt, string="链接")
    ws.merge_range(50, 1, 52, 4, "合并", fmt)
    ws.write_string(60, 200, "far right", fmt)
    ws.write_comment(90, 3, "只有批注的行")
    ws.write_comment(0, 0, "有单元格的批注")


def test_sheet_rows_and_cells_are_written_as_xlsxwriter_writes_them(tmp_path: Any) -> None:
    """xlsxperf.report.xlsx.Sheet writes the rows it holds (``_write_rows``) and the common
    cells (``_write_cell``) its own way: the sheet's XML must be byte for byte XlsxWriter's."""
    import xlsxwriter
    from xlsxwriter.worksheet import Worksheet

    from xlsxperf.report.xlsx import Sheet

    for name in ("_write_rows", "_write_cell", "_write_row", "_write_empty_row"):
        assert callable(getattr(Worksheet, name, None)), \
            f"XlsxWriter's Worksheet.{name} is gone: review xlsxperf.report.xlsx.Sheet"
    for worksheet_class, path in ((Sheet, tmp_path / "ours.xlsx"), (None, tmp_path / "plain.xlsx")):
        wb = xlsxwriter.Workbook(str(path), {"in_memory": True})
        ws = wb.add_worksheet("s", worksheet_class=worksheet_class)
        _rows_and_cells(ws, wb)
        wb.close()
    ours, plain = _sheet_parts(tmp_path / "ours.xlsx"), _sheet_parts(tmp_path / "plain.xlsx")
    assert ours == plain
    sheet = plain["xl/worksheets/sheet1.xml"]
    for expected in (b'spans="1:10"', b't="e"', b't="b"', b't="str"', b'hidden="1"', b'<row r="91"',
                     b'<c r="GS61"', b'<row r="71"'):
        assert expected in sheet, expected  # the case is there to compare


def test_shared_strings_are_written_as_xlsxwriter_writes_them(tmp_path: Any) -> None:
    """xlsxperf.report.xlsx.XlsxWorkbook's packager writes a plain shared string in one step;
    the part must be byte for byte what XlsxWriter's own packager writes, for plain strings and
    for every kind it changes or marks."""
    import zipfile

    from xlsxwriter.packager import Packager
    from xlsxwriter.workbook import Workbook

    from xlsxperf.report.xlsx import XlsxWorkbook

    assert callable(getattr(Workbook, "_get_packager", None)) and \
        callable(getattr(Packager, "_write_shared_strings_file", None)), \
        "XlsxWriter's packager hook is gone: review xlsxperf.report.xlsx.XlsxWorkbook"
    texts = ["单位名称", "plain", "a & b", "1 < 2", "x > y", 'say "hi"', "line\nbreak", " lead",
             "trail ", "\ttab", "ctl\x01x", "esc _x0041_ here", "bad\ufffe", "<r>not rich</r>",
             "end\n", "收入合计（万元）", "=SUM(A1)", "a\u3000"]
    parts = {}
    for cls in (XlsxWorkbook, Workbook):
        path = tmp_path / f"{cls.__name__}.xlsx"
        wb = cls(str(path), {"in_memory": True})
        ws = wb.add_worksheet()
        bold = wb.add_format({"bold": True})
        for r, text in enumerate(texts):
            ws.write_string(r, 0, text)
        ws.write_rich_string(len(texts), 0, "普通", bold, "粗体")
        wb.close()
        with zipfile.ZipFile(path) as z:
            parts[cls] = z.read("xl/sharedStrings.xml")
    assert parts[XlsxWorkbook] == parts[Workbook]
    for expected in (b"&amp;", b'xml:space="preserve"', b"_x0001_", b"_x005F_x0041_", b"<si><r>"):
        assert expected in parts[Workbook], expected  # the case is there to compare
