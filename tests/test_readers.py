"""The calamine reader against the openpyxl reader: the same submission, metrics and findings.

Every ``.xlsx`` is read by :class:`~xlsxperf.calaminebook.CalamineBook`; the openpyxl reader it
replaced stays as the fallback for files calamine refuses. Until that one is gone, these tests
read each workbook both ways — the samples, messy submissions, workbooks edited by hand (sheet
names, broken names, every kind of cell), LibreOffice re-saves, the ``.xls`` and ``.ods``
copies — and demand the same values, the same metrics and the same findings, message for
message. They also hold the reader to its promises on hostile sheets: a sheet that would need
a vast grid is refused before calamine builds it, and no file makes it raise.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from datetime import datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import CLEAN, MESSY, SEED
from test_xls import values

from xlsxperf import schema as S
from xlsxperf.books import EPOCH_1904, Book
from xlsxperf.calaminebook import CalamineBook
from xlsxperf.config import Limits, default_config
from xlsxperf.evaluation import Evaluation, evaluate_submission
from xlsxperf.fill import Formula
from xlsxperf.model import Parse, Submission
from xlsxperf.opener import open_book
from xlsxperf.preflight import Format, preflight
from xlsxperf.read import read_book, read_submission
from xlsxperf.xlsxbook import OpenpyxlBook

Fill = Callable[..., Path]
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


# -- comparing -----------------------------------------------------------------------------------


def by_openpyxl(path: Path) -> Submission:
    return read_book(OpenpyxlBook(path))


def by_calamine(path: Path) -> Submission:
    book = open_book(path)
    assert isinstance(book, CalamineBook)
    return read_book(book)  # raises Refused if calamine could not read it: no quiet fallback


def findings(ev: Evaluation) -> list[tuple[Any, ...]]:
    return sorted((f.code, f.sheet, f.cell, f.defined_name, f.message, f.message_en)
                  for f in ev.findings)


def assert_same(path: Path) -> Evaluation:
    """Both readers give the same submission, metrics and findings for ``path``."""
    old, new = by_openpyxl(path), by_calamine(path)
    assert values(new) == values(old)
    assert new.template_version == old.template_version and new.readable == old.readable
    a, b = evaluate_submission(old, default_config()), evaluate_submission(new, default_config())
    assert findings(b) == findings(a)
    assert (b.calc and b.calc.metrics) == (a.calc and a.calc.metrics)
    if a.calc is not None and b.calc is not None:
        assert [p.to_dict() for p in b.calc.projects] == [p.to_dict() for p in a.calc.projects]
        assert [i.to_dict() for i in b.calc.indicators] == \
            [i.to_dict() for i in a.calc.indicators]
    return b


def assert_same_cells(path: Path) -> None:
    """Cell by cell: value, number format, formula, names, merges, date system."""
    a, b = OpenpyxlBook(path), CalamineBook(path)
    assert b.sheet_names == a.sheet_names and b.epoch == a.epoch
    for name in list(S.FIELDS) + ["template_id", "template_version", "no_such_name"]:
        assert b.defined_name(name) == a.defined_name(name), name
    for sheet in a.sheet_names:
        last = max(a.max_row(sheet), b.max_row(sheet))
        for r, (ra, rb) in enumerate(zip(a.rows(sheet, 1, last, 30), b.rows(sheet, 1, last, 30),
                                         strict=True), start=1):
            for c, (ca, cb) in enumerate(zip(ra, rb, strict=True), start=1):
                where = (sheet, r, c)
                assert b.merged_anchor(sheet, r, c) == a.merged_anchor(sheet, r, c), where
                assert (cb.formula is None) == (ca.formula is None), where
                assert cb.cached == ca.cached, where
                if ca.formula is not None and not ca.cached:
                    assert cb.formula == ca.formula, where
                    continue
                assert cb.value == ca.value and type(cb.value) is type(ca.value), (where, ca, cb)
                if ca.value is not None:
                    assert cb.number_format == ca.number_format, (where, ca, cb)


# -- building workbooks by hand ------------------------------------------------------------------


def parts_of(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def write_parts(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def sheet_part(parts: dict[str, bytes], sheet: str) -> str:
    names = re.findall(rb'<sheet name="([^"]+)"', parts["xl/workbook.xml"])
    return f"xl/worksheets/sheet{[n.decode() for n in names].index(sheet) + 1}.xml"


def with_rows(src: Path, out: Path, sheet: str, rows: str) -> Path:
    """``src`` with ``rows`` (``<row>`` elements) appended to ``sheet``'s data."""
    parts = parts_of(src)
    name = sheet_part(parts, sheet)
    xml = parts[name].decode()
    parts[name] = xml.replace("</sheetData>", rows + "</sheetData>", 1).encode()
    return write_parts(out, parts)


def _clean(clean_data: tuple, **fields: Any) -> tuple[dict, list, list]:
    f, projects, indicators = clean_data
    return {**f, **fields}, [dict(p) for p in projects], [dict(i) for i in indicators]


# -- the samples and messy submissions -----------------------------------------------------------


@pytest.mark.parametrize("src", [SEED, CLEAN, MESSY], ids=["seed", "clean", "messy"])
def test_samples_read_the_same(src: Path) -> None:
    assert_same(src)
    assert_same_cells(src)


MESSY_FIELDS: list[dict[str, Any]] = [
    {"income_general_budget": "５２０．００", "income_gov_fund": "30万元",
     "income_total": "5,500,000元", "exp_basic": "0.038亿元", "exp_project": " 150 ",
     "exec_total_rate": "97.25%", "exec_basic_rate": "９８．７０％"},
    {"fill_date": 45036, "staff_admin": " 19 ", "staff_institution": "8人", "sub_units": "1个"},
    {"fill_date": "2023年2月30日", "exp_public": "—", "filler": "", "balance_start": "(12.5)"},
    {"fill_date": datetime(2023, 4, 20, 9, 30), "income_total": 10 ** 16, "exp_total": True},
    {"income_total": Formula("=SUM(B4:B9)"), "income_general_budget": Decimal(5)},
    {"exp_total": "=1+1", "unit_name": "  市中区 经济合作局  ", "report_text": "#REF!"},
]


@pytest.mark.parametrize("fields", MESSY_FIELDS, ids=range(len(MESSY_FIELDS)))
def test_messy_submissions_read_the_same(fill: Fill, clean_data: tuple,
                                         fields: dict[str, Any]) -> None:
    data = _clean(clean_data, **fields)
    data[1][0]["rate"] = "93.75%"
    data[1][1]["actual"] = "１２．５万元"
    path = fill(*data)
    assert_same(path)
    assert_same_cells(path)


def test_rows_inserted_names_gone_and_1904_read_the_same(fill: Fill, seed_data: tuple,
                                                         tmp_path: Path) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(fill(*seed_data))
    wb[S.PROJECTS].insert_rows(6, amount=3)
    wb[S.PROJECTS].cell(7, 2).value = "新增项目"
    wb[S.INDICATORS].delete_rows(10, 1)
    for name in list(wb.defined_names):
        del wb.defined_names[name]
    wb.epoch = EPOCH_1904
    out = tmp_path / "edited.xlsx"
    wb.save(out)
    ev = assert_same(out)
    assert ev.submission["unit_name"].found_by == "label"
    assert_same_cells(out)


# -- names, sheet names, every kind of cell ------------------------------------------------------


def test_sheet_scoped_and_broken_names(tmp_path: Path) -> None:
    parts = parts_of(SEED)
    xml = parts["xl/workbook.xml"].decode()
    xml = xml.replace('<definedName name="unit_name">', '<definedName name="unit_name" '
                      'localSheetId="1">', 1)
    xml = re.sub(r'(<definedName name="income_total">)[^<]*', r"\1#REF!", xml)
    xml = re.sub(r'(<definedName name="exp_total">)[^<]*', r"\1'收支情况'!#REF!", xml)
    xml = re.sub(r'(<definedName name="filler">)[^<]*', r"\1'没有这张表'!$B$8", xml)
    xml = re.sub(r'(<definedName name="eval_year">)[^<]*', r"\1'基本信息'!$B$7:$C$7,"
                 r"'基本信息'!$B$9", xml)
    xml = re.sub(r'(<definedName name="fill_date">)[^<]*', r"\1基本信息!B10", xml)
    parts["xl/workbook.xml"] = xml.encode()
    path = write_parts(tmp_path / "names.xlsx", parts)
    book = CalamineBook(path)
    assert book.defined_name("unit_name") == ("基本信息", 4, 2)  # found in its sheet's scope
    assert book.defined_name("income_total") is None
    assert book.defined_name("exp_total") is None
    assert book.defined_name("filler") is None
    assert book.defined_name("eval_year") == ("基本信息", 7, 2)
    assert book.defined_name("FILL_DATE") == ("基本信息", 10, 2)
    ev = assert_same(path)
    assert ev.submission["income_total"].found_by == "label"
    assert_same_cells(path)


CELLS = {  # what a spreadsheet program may save, and what both readers give
    "A101": ('<c r="A101" t="e"><v>#REF!</v></c>', "#REF!"),
    "B101": ('<c r="B101" t="e"><f>1/0</f><v>#DIV/0!</v></c>', "#DIV/0!"),
    "C101": ('<c r="C101" t="str"><f>"x"&amp;"y"</f><v>xy</v></c>', "xy"),
    "D101": ('<c r="D101"><f>SUM(B4:B9)</f></c>', None),
    "E101": ('<c r="E101"><f>SUM(B4:B9)</f><v></v></c>', None),
    "F101": ('<c r="F101" t="b"><v>1</v></c>', True),
    "G101": ('<c r="G101"><v>10</v></c>', 10),
    "H101": ('<c r="H101"><v>414.31</v></c>', 414.31),
    "I101": ('<c r="I101"><v>-0</v></c>', 0),
    "J101": ('<c r="J101" t="inlineStr"><is><r><t>ab</t></r><r><rPr><b/></rPr>'
             '<t xml:space="preserve"> cd</t></r></is></c>', "ab cd"),
    "K101": ('<c r="K101"><v>1E+20</v></c>', 1e20),
    "A102": ('<c r="A102"><f t="shared" ref="A102:C102" si="7">G101*2</f><v>20</v></c>', 20),
    "B102": ('<c r="B102"><f t="shared" si="7"/><v>828.62</v></c>', 828.62),
    "C102": ('<c r="C102"><f t="shared" si="7"/></c>', None),
    "D102": ('<c r="D102" t="d"><v>2023-05-19T00:00:00</v></c>', datetime(2023, 5, 19)),
}


def test_every_kind_of_cell(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    rows = "".join(f'<row r="{r}">' + "".join(x for ref, (x, _) in CELLS.items()
                                              if ref.endswith(str(r))) + "</row>"
                   for r in (101, 102))
    wb = load_workbook(SEED)  # number formats, dates and times as a program saves them
    ws = wb[S.BASIC]
    for col, value, fmt in ((12, 45036, "yyyy-mm-dd"), (13, 0.5, "h:mm"), (14, 1.25, "[h]:mm:ss"),
                            (15, 0.8941, "0.00%"), (16, 45036.75, "yyyy-mm-dd hh:mm"),
                            (17, 12.5, '#,##0.00"万元"')):
        ws.cell(103, col).value = value
        ws.cell(103, col).number_format = fmt
    wb.save(tmp_path / "formats.xlsx")
    path = with_rows(tmp_path / "formats.xlsx", tmp_path / "cells.xlsx", S.BASIC, rows)
    a, b = OpenpyxlBook(path), CalamineBook(path)
    for ref, (_, expected) in CELLS.items():
        row, col = int(ref[1:]), ord(ref[0]) - 64
        ca, cb = a.cell(S.BASIC, row, col), b.cell(S.BASIC, row, col)
        assert (cb.value, cb.number_format, cb.cached) == (ca.value, ca.number_format, ca.cached)
        assert (cb.formula is None) == (ca.formula is None), ref
        assert cb.formula == ca.formula or ref == "B102", ref  # the shared text is not needed
        assert cb.value == expected and type(cb.value) is type(expected), ref
    assert b.cell(S.BASIC, 102, 3).formula == "=I101*2"  # shared, saved without a value
    assert b.cell(S.BASIC, 101, 4).formula == "=SUM(B4:B9)" and not b.cell(S.BASIC, 101, 4).cached
    expected_types = {12: datetime, 13: time, 14: timedelta, 15: float, 16: datetime, 17: float}
    for col, kind in expected_types.items():
        ca, cb = a.cell(S.BASIC, 103, col), b.cell(S.BASIC, 103, col)
        assert cb == ca and type(cb.value) is kind, col
    assert b.cell(S.BASIC, 103, 15).number_format == "0.00%"
    assert_same_cells(path)
    assert_same(path)


def test_a_chart_sheet_and_an_empty_sheet(tmp_path: Path) -> None:
    from openpyxl import load_workbook
    from openpyxl.chart import BarChart, Reference

    wb = load_workbook(SEED)
    chart = BarChart()
    chart.add_data(Reference(wb[S.FINANCE], min_col=2, min_row=4, max_row=9))
    wb.create_chartsheet("图表").add_chart(chart)
    wb.create_sheet("空白")
    path = tmp_path / "chart.xlsx"
    wb.save(path)
    book = CalamineBook(path)
    assert "图表" in book.sheet_names and "空白" in book.sheet_names
    assert book.max_row("图表") == 0 and book.cell("图表", 1, 1).value is None
    assert book.max_row("空白") == 0
    assert_same(path)


def test_a_file_calamine_refuses_is_read_with_openpyxl(tmp_path: Path) -> None:
    """calamine refuses a number with spaces in a cell typed as number; openpyxl reads it."""
    parts = parts_of(SEED)
    name = sheet_part(parts, S.FINANCE)
    xml = parts[name].decode()
    assert '<c r="B10" s="26" t="n"><v>414.31</v>' in xml
    parts[name] = xml.replace("<v>414.31</v>", "<v> 414.31 </v>", 1).encode()
    path = write_parts(tmp_path / "spaces.xlsx", parts)
    from xlsxperf.calaminebook import Refused

    with pytest.raises(Refused):
        read_book(CalamineBook(path))
    sub = read_submission(path)
    assert sub.readable and sub["income_total"].value == Decimal("414.31")


def test_the_xml_pass_refuses_a_dtd_without_the_preflight(tmp_path: Path) -> None:
    from defusedxml import DefusedXmlException

    parts = parts_of(SEED)
    name = sheet_part(parts, S.BASIC)
    parts[name] = (b'<!DOCTYPE worksheet [<!ENTITY x "y">]>' + parts[name])
    path = write_parts(tmp_path / "dtd.xlsx", parts)
    book = CalamineBook(path)
    with pytest.raises(DefusedXmlException):
        book.cell(S.BASIC, 1, 1)


# -- LibreOffice re-saves, .xls and .ods copies --------------------------------------------------


@pytest.fixture(scope="session")
def resaved(libreoffice: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("resaved")
    copies = {}
    for src in (SEED, CLEAN, MESSY):
        for fmt in ("xlsx", "ods", "xls"):
            copies[f"{src.stem}.{fmt}"] = libreoffice.convert(src, fmt, out / fmt)
    return copies


@pytest.mark.libreoffice
@pytest.mark.parametrize("src", [SEED, CLEAN, MESSY], ids=["seed", "clean", "messy"])
def test_libreoffice_resaves_read_the_same(resaved: dict[str, Path], src: Path) -> None:
    path = resaved[f"{src.stem}.xlsx"]
    assert_same(path)
    assert_same_cells(path)


@pytest.mark.libreoffice
@pytest.mark.parametrize("fmt", ["ods", "xls"])
@pytest.mark.parametrize("src", [SEED, CLEAN, MESSY], ids=["seed", "clean", "messy"])
def test_ods_and_xls_copies_read_as_the_xlsx_did(resaved: dict[str, Path], src: Path,
                                                 fmt: str) -> None:
    """The copy, read as the tool reads it now, against the .xlsx read by the old reader.

    LibreOffice calculates a formula saved without a value, so a cell that is S004 in the
    .xlsx has a value in the copy; those cells aside, everything is the same."""
    copy = resaved[f"{src.stem}.{fmt}"]
    assert preflight(copy).format == Format(fmt)
    old, new = by_openpyxl(src), read_submission(copy)
    a, b = values(old), values(new)
    no_value = {k for k, v in a.items() if isinstance(v, tuple) and Parse.NO_VALUE in v}
    assert {k: v for k, v in b.items() if k not in no_value} == \
        {k: v for k, v in a.items() if k not in no_value}
    ea, eb = evaluate_submission(old, default_config()), evaluate_submission(new, default_config())
    assert eb.calc is not None and ea.calc is not None
    assert eb.calc.metrics == ea.calc.metrics
    computed = {f.cell for f in ea.findings if f.code == "S004"}
    assert [f[:3] for f in findings(eb) if f[2] not in computed] == \
        [f[:3] for f in findings(ea) if f[2] not in computed]


@pytest.mark.libreoffice
def test_ods_book_names_merges_and_percent_cells(resaved: dict[str, Path]) -> None:
    a, b = OpenpyxlBook(SEED), open_book(resaved["2022_市中区经济合作局.ods"])
    assert isinstance(b, CalamineBook) and b.sheet_names == a.sheet_names
    for name in list(S.FIELDS) + ["template_id", "template_version"]:
        assert b.defined_name(name) == a.defined_name(name), name
    sheet, row, col = b.defined_name("exec_total_rate")  # type: ignore[misc]
    assert b.cell(sheet, row, col).number_format == "0%"
    assert b.cell(sheet, row, col).value == a.cell(sheet, row, col).value == 0.9603
    for sheet in (S.BASIC, S.FINANCE, S.PROJECTS, S.INDICATORS, S.CONCLUSION):
        for r in range(1, 40):
            for c in range(1, 12):
                if a.merged_anchor(sheet, r, c) != (r, c, c):
                    assert b.merged_anchor(sheet, r, c) == a.merged_anchor(sheet, r, c)


@pytest.mark.libreoffice
def test_ods_1904_date_system(libreoffice: Any, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(CLEAN)
    wb.epoch = EPOCH_1904
    sheet, ref = next(iter(wb.defined_names["fill_date"].destinations))
    cell = wb[sheet][ref.replace("$", "")]
    cell.value = 43574  # 2023-04-20 counted from 1904-01-01, in a General cell
    cell.number_format = "General"
    src = tmp_path / "mac.xlsx"
    wb.save(src)
    ods = libreoffice.convert(src, "ods", tmp_path / "out")
    assert open_book(ods).epoch == EPOCH_1904
    v = read_submission(ods)["fill_date"]
    assert str(v.value) == "2023-04-20" and v.parse == Parse.NORMALIZED


# -- hostile sheets ------------------------------------------------------------------------------

CHILD = """
import json, sys
from xlsxperf.calaminebook import CalamineBook, Refused
from xlsxperf.config import Limits
from xlsxperf.read import read_book, read_submission
try:
    read_book(CalamineBook(sys.argv[1]))
    refused = False
except Refused:
    refused = True
except Exception as e:
    refused = type(e).__name__
sub = read_submission(sys.argv[1], Limits(memory_mb=int(sys.argv[2])))
print(json.dumps({"refused": refused, "readable": sub.readable,
                  "codes": [f.code for f in sub.findings],
                  "message": sub.findings[0].message if sub.findings else "",
                  "unit": str(sub["unit_name"].value) if sub.readable else ""}))
"""


def read_in_child(path: Path, memory_mb: int = 1024) -> dict[str, Any]:
    """Read ``path`` with calamine, then as the tool reads it, in a child process with its
    address space capped: a grid built from a file's claims would abort the child, not the
    tests."""
    cap = "ulimit -v 3000000; " if sys.platform.startswith("linux") else ""
    done = subprocess.run(["bash", "-c", f'{cap}"$0" -c "$1" "$2" "$3"', sys.executable, CHILD,
                           str(path), str(memory_mb)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return dict(json.loads(done.stdout))


@pytest.mark.parametrize("rows, vast", [
    ('<row r="1048576"><c r="XFD1048576" s="1"/></row>', False),  # formatted, no value
    ('<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>', True),  # A1:XFD1048576
    ('<row r="1048576"><x:c xmlns:x="urn:x" r="XFD1048576"><x:v>1</x:v></x:c></row>', True),
    ('<row r="20000"><c r="CV20000"><v>1</v></c></row>', False),  # 2 million cells: 92 MB
])
def test_a_sheet_spanning_a_vast_area_is_read_without_a_grid(tmp_path: Path, rows: str,
                                                             vast: bool) -> None:
    """The 评价结论 sheet holds values from A1; one more at XFD1048576 would make calamine
    build a grid of 17 billion cells (calamine reads a cell in any namespace). The area is
    measured first, and such a sheet is read by openpyxl, which keeps only the cells."""
    path = with_rows(SEED, tmp_path / "far.xlsx", S.CONCLUSION, rows)
    assert preflight(path).ok
    result = read_in_child(path)
    assert result["refused"] is vast, result
    assert result["readable"] and result["unit"] == "乐山市市中区经济合作局", result


def test_a_single_far_cell_is_not_a_grid(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(SEED)
    wb.create_sheet("远处")["XFD1048576"] = 7
    path = tmp_path / "far.xlsx"
    wb.save(path)
    book = CalamineBook(path, memory_mb=50)
    assert book.cell("远处", 1048576, 16384).value == 7
    assert book.max_row("远处") == 1048576
    assert read_submission(path, Limits(memory_mb=50)).readable


def test_the_area_counts_against_the_memory_limit(tmp_path: Path) -> None:
    """A1:CV20000 is 2 million cells, about 92 MB: read by calamine under 1024 MB, by openpyxl
    (which holds only the cells there are) under 50 MB."""
    path = with_rows(SEED, tmp_path / "wide.xlsx", S.CONCLUSION,
                     '<row r="20000"><c r="CV20000"><v>1</v></c></row>')
    book = CalamineBook(path, memory_mb=50)
    from xlsxperf.calaminebook import Refused

    with pytest.raises(Refused) as e:
        book.max_row(S.CONCLUSION)
    assert "limits.memory_mb" in str(e.value) and "A1:CV20000" in str(e.value)
    assert CalamineBook(path).max_row(S.CONCLUSION) == 20000
    assert read_submission(path, Limits(memory_mb=50)).readable


def test_an_ods_repeating_a_value_over_the_whole_sheet_is_refused(tmp_path: Path) -> None:
    cell = ('<table:table-cell office:value-type="float" office:value="1" '
            'table:number-columns-repeated="16384"><text:p>1</text:p></table:table-cell>')
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
        '<office:spreadsheet><table:table table:name="基本信息">'
        f'<table:table-row table:number-rows-repeated="1048576">{cell}</table:table-row>'
        '</table:table></office:spreadsheet></office:body></office:document-content>')
    path = tmp_path / "repeat.ods"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content)
    assert preflight(path).format == Format.ODS
    result = read_in_child(path)
    assert result["codes"] == ["S005"] and "limits.memory_mb" in result["message"], result
    assert "A1:XFD1048576" in result["message"]


def test_book_interface() -> None:
    book: Book = open_book(SEED)
    assert isinstance(book, CalamineBook)
    assert book.max_row("没有这张表") == 0 and book.cell("没有这张表", 1, 1).value is None


def test_each_cell_of_a_column_is_parsed_for_itself(fill: Fill, clean_data: tuple,
                                                    tmp_path: Path) -> None:
    """A table's parses are remembered per column, but never across what tells cells apart:
    TRUE is not 1, and 0.95 in a percent cell is 95 where a General one reads 0.95."""
    from openpyxl import load_workbook

    f, projects, indicators = _clean(clean_data)
    base = projects[0]
    rows = [dict(base, seq=i + 1, name=f"{base['name']}{i}") for i in range(5)]
    rows[0]["score"], rows[1]["score"], rows[2]["score"] = True, 1, 1
    rows[3]["score"] = "1"
    for r in rows:
        r["rate"] = Decimal(95)  # written as 0.95 in the template's percent cells
    path = fill(f, rows, indicators)
    wb = load_workbook(path)
    ws = wb[S.PROJECT_TABLE.sheet]
    sub = read_submission(path)
    rate = sub.projects.columns["rate"]
    ws[f"{rate}{sub.projects.rows[4].number}"].number_format = "General"
    wb.save(path)

    sub = read_submission(path)
    score = [r["score"] for r in sub.projects.rows]
    assert score[0].value is None and score[0].parse == Parse.INVALID
    assert score[1].value == score[2].value == Decimal(1) and score[1].parse == Parse.OK
    assert score[2].cell != score[1].cell  # a parse remembered, each value still its own cell
    assert score[3].value == Decimal(1) and score[3].parse == Parse.NORMALIZED
    rates = [r["rate"].value for r in sub.projects.rows]
    assert rates[:4] == [Decimal(95)] * 4 and rates[4] == Decimal("0.95")


def test_the_sheet_pass_places_cells_with_and_without_references(tmp_path: Path) -> None:
    """A cell's place comes from its ``r`` (remembered across sheets), or follows the cell before
    it when ``r`` is missing or is no reference; a number format is kept for the cells holding
    something, in any namespace prefix. Scanning the part again (references remembered) gives
    the same."""
    from xlsxperf.ooxml import scan_sheet
    from xlsxperf.xmlscan import Budget

    ns = 'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    sheet = (f'<x:worksheet {ns}><x:sheetData>'
             '<x:row r="2"><x:c r="B2" s="1"><x:v>0.5</x:v></x:c><x:c s="1"><x:v>0.25</x:v></x:c>'
             '<x:c r="??" s="1"><x:v>7</x:v></x:c><x:c r="F2" s="1"/></x:row>'
             '<x:row><x:c s="1" t="e"><x:v>#REF!</x:v></x:c><x:c r="C3" s="2"><x:f>A1</x:f></x:c>'
             '<x:c r="D3" s="1"/></x:row>'
             '</x:sheetData><x:mergeCells><x:mergeCell ref="B5:C6"/></x:mergeCells></x:worksheet>')
    path = tmp_path / "p.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    formats = {"1": "0%", "2": "0.00"}
    with zipfile.ZipFile(path) as z:
        scans = [scan_sheet(z, "xl/worksheets/sheet1.xml", formats, "s", Budget(100)) for _ in "ab"]
    for scan in scans:
        assert scan.formats == {(2, 2): "0%", (2, 3): "0%", (2, 4): "0%", (3, 1): "0%",
                                (3, 3): "0.00"}
        assert scan.errors == {(3, 1): "#REF!"} and scan.formulas == {(3, 3): ("A1", False)}
        assert scan.merges == [(5, 2, 6, 3)]
        assert (scan.top, scan.left, scan.bottom, scan.right) == (2, 1, 3, 4)
