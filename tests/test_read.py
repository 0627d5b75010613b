"""Reading submissions: by name, by label, tables with inserted and blank rows, numbers as
text, formulas, merged cells, workbooks re-saved by LibreOffice, and files that are not ours."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from xlsxperf import schema as S
from xlsxperf.evaluation import evaluate
from xlsxperf.fill import Formula
from xlsxperf.model import Parse
from xlsxperf.read import read_submission


def _codes(path: Path) -> list[str]:
    return [f.code for f in evaluate(path).findings]


def _assert_fields_equal(sub, fields: dict) -> None:
    for name, expected in fields.items():
        got = sub[name].value
        if isinstance(expected, str):
            expected = expected.strip()
        assert got == expected, (name, got, expected)


def _assert_rows_equal(rows, expected: list[dict]) -> None:
    assert len(rows) == len(expected)
    for row, data in zip(rows, expected, strict=False):
        for key, value in data.items():
            assert row.get(key) == value, (row.number, key, row.get(key), value)


def test_fill_every_field_and_read_it_back(fill, seed_data) -> None:
    fields, projects, indicators = seed_data
    assert set(fields) >= {n for n, f in S.FIELDS.items() if f.required}
    sub = read_submission(fill(fields, projects, indicators))
    assert sub.readable and sub.findings == []
    _assert_fields_equal(sub, fields)
    _assert_rows_equal(sub.projects.rows, projects)
    _assert_rows_equal(sub.indicators.rows, indicators)
    assert sub.projects.total is not None and sub.projects.total.get("actual") == Decimal("144.56")
    assert sub.template_version == S.TEMPLATE_VERSION
    v = sub["income_total"]
    assert (v.cell.sheet, v.cell.ref, v.cell.name, v.found_by) == (S.FINANCE, "B10", "income_total", "name")
    assert isinstance(sub["report_text"].value, str) and "414.31" in sub["report_text"].value


def test_rows_inserted_blank_and_deleted_in_both_tables(fill, seed_data, tmp_path: Path) -> None:
    fields, projects, indicators = seed_data
    path = fill(fields, projects, indicators)
    wb = load_workbook(path)
    ws = wb[S.PROJECTS]
    ws.insert_rows(6, amount=3)  # three empty rows in the middle of the projects
    ws.cell(7, 2).value = "新增项目"
    ws.cell(7, 3).value = "运转类"
    for col, value in zip((4, 5, 6), (1, 1, 1), strict=False):
        ws.cell(7, col).value = value
    ind = wb[S.INDICATORS]
    ind.delete_rows(10)  # the second indicator is deleted
    ind.insert_rows(12, amount=2)
    wb.save(path)
    sub = read_submission(path)
    names = [r.get("name") for r in sub.projects.rows]
    assert names == [p["name"] for p in projects[:2]] + ["新增项目"] + [p["name"] for p in projects[2:]]
    assert [r.number for r in sub.projects.rows][:3] == [4, 5, 7]
    assert sub.projects.total.number == 22  # 合计 moved down by three
    assert [r.get("name") for r in sub.indicators.rows] == \
        [i["name"] for i in indicators[:1] + indicators[2:]]
    assert sub["budget_score"].value == fields["budget_score"]


def test_table_header_found_when_rows_are_inserted_above_it(fill, seed_data) -> None:
    fields, projects, indicators = seed_data
    path = fill(fields, projects, indicators)
    wb = load_workbook(path)
    for rng in list(wb[S.PROJECTS].merged_cells.ranges):
        wb[S.PROJECTS].unmerge_cells(str(rng))
    wb[S.PROJECTS].insert_rows(1, amount=4)
    wb.save(path)
    sub = read_submission(path)
    assert sub.projects.header_row == 7
    _assert_rows_equal(sub.projects.rows, projects)


@pytest.mark.parametrize("raw, expected", [
    ("414.31万元", Decimal("414.31")),
    ("1,234.5", Decimal("1234.5")),
    ("４１４．３１", Decimal("414.31")),
    (" 18 ", Decimal(18)),
    ("1.2亿元", Decimal(12000)),
])
def test_numbers_typed_as_text_are_read_and_noted(fill, raw, expected) -> None:
    path = fill({"income_general_budget": raw})
    sub = read_submission(path)
    v = sub["income_general_budget"]
    assert v.value == expected and v.parse == Parse.NORMALIZED and v.raw == raw
    f003 = [f for f in evaluate(path).findings if f.code == "F003"]
    assert [f.cell for f in f003] == ["B4"] and raw in f003[0].message


def test_percent_text_count_text_and_not_filled_marks(fill) -> None:
    path = fill({"exec_total_rate": "65.11%", "staff_total": " 18 ", "income_other": "—",
                 "income_gov_fund": "/", "income_unit_funds": "无", "income_state_capital": "-"})
    sub = read_submission(path)
    assert sub["exec_total_rate"].value == Decimal("65.11")
    assert sub["staff_total"].value == 18
    for name in ("income_other", "income_gov_fund", "income_unit_funds", "income_state_capital"):
        assert sub[name].value is None and sub[name].parse == Parse.BLANK, name
    missing = {f.cell for f in evaluate(path).findings if f.code == "F001"}
    assert {"B5", "B6", "B8", "B9"} <= missing


def test_a_number_that_is_not_one(fill) -> None:
    path = fill({"exp_basic": "约二百七十万", "eval_year": "2022年度"})
    findings = evaluate(path).findings
    assert [(f.code, f.cell) for f in findings if f.code == "F002"] == [("F002", "B12")]
    assert read_submission(path)["eval_year"].value == 2022


def test_percent_cells_typed_as_fraction_or_percent_value(fill, tmp_path: Path) -> None:
    path = fill({"exec_total_rate": Decimal("96.03")})  # stored 0.9603 in a 0.00% cell
    assert load_workbook(path)[S.FINANCE]["E25"].value == pytest.approx(0.9603)
    assert read_submission(path)["exec_total_rate"].value == Decimal("96.03")


def test_formula_without_cached_value_is_s004(fill) -> None:
    path = fill({"income_total": Formula("=SUM(B4:B9)"), "income_general_budget": Decimal(5)})
    sub = read_submission(path)
    assert sub["income_total"].parse == Parse.NO_VALUE and sub["income_total"].value is None
    findings = evaluate(path).findings
    s004 = [f for f in findings if f.code == "S004"]
    assert [(f.sheet, f.cell) for f in s004] == [(S.FINANCE, "B10")]
    assert not [f for f in findings if f.code == "F001" and (f.sheet, f.cell) == (S.FINANCE, "B10")]


@pytest.mark.libreoffice
def test_formula_with_cached_value_is_read(libreoffice, fill, tmp_path: Path) -> None:
    path = fill({"income_total": Formula("=SUM(B4:B9)"), "income_general_budget": Decimal(5),
                 "income_gov_fund": Decimal("1.25")})
    resaved = libreoffice.convert(path, "xlsx", tmp_path / "lo", recalc=True)
    sub = read_submission(resaved)
    assert sub["income_total"].value == Decimal("6.25") and sub["income_total"].parse == Parse.OK
    assert "S004" not in _codes(resaved)


def test_merged_long_text_reads_the_top_left_cell(fill) -> None:
    path = fill({"conclusion": "较好完成了各项任务。"})
    wb = load_workbook(path)
    assert any(str(r).startswith("B6:") for r in wb[S.CONCLUSION].merged_cells.ranges)
    assert read_submission(path)["conclusion"].value == "较好完成了各项任务。"


def test_fields_found_by_label_when_names_are_gone(fill, seed_data) -> None:
    fields, projects, indicators = seed_data
    path = fill(fields, projects, indicators)
    wb = load_workbook(path)
    for name in list(wb.defined_names.keys()):
        del wb.defined_names[name]
    wb.save(path)
    sub = read_submission(path)
    _assert_fields_equal(sub, fields)
    assert all(sub[n].found_by == "label" for n in fields)
    s006 = [f for f in evaluate(path).findings if f.code == "S006"]
    assert sorted(f.sheet for f in s006) == sorted({S.FIELDS[n].sheet for n in fields})


def test_a_name_pointing_at_the_wrong_cell_loses_to_the_label(fill, seed_data) -> None:
    fields, projects, indicators = seed_data
    path = fill(fields, projects, indicators)
    wb = load_workbook(path)
    wb.defined_names["income_total"].attr_text = f"'{S.FINANCE}'!$B$4"  # 一般公共预算 row
    wb.defined_names["exp_total"].attr_text = f"'{S.FINANCE}'!$B$99"  # nothing there
    wb.save(path)
    sub = read_submission(path)
    assert sub["income_total"].found_by == "label" and sub["income_total"].cell.ref == "B10"
    assert sub["exp_total"].value == fields["exp_total"]
    assert sub["income_general_budget"].found_by == "name"


def test_missing_field_says_where_it_looked(fill) -> None:
    path = fill({"unit_name": "某局"})
    wb = load_workbook(path)
    del wb.defined_names["self_total"]
    wb[S.CONCLUSION]["A4"] = "总分"  # label renamed too
    wb.save(path)
    f001 = [f for f in evaluate(path).findings if f.code == "F001" and "self_total" in f.message]
    assert len(f001) == 1 and "自评总分" in f001[0].message and f001[0].sheet == S.CONCLUSION


@pytest.mark.libreoffice
def test_resaved_by_libreoffice_reads_back_identical(libreoffice, fill, seed_data,
                                                     tmp_path: Path) -> None:
    fields, projects, indicators = seed_data
    original = fill(fields, projects, indicators)
    resaved = libreoffice.convert(original, "xlsx", tmp_path / "lo")
    a, b = read_submission(original), read_submission(resaved)
    assert b.findings == []
    for name in S.FIELDS:
        assert (b[name].value, b[name].cell, b[name].found_by) == \
            (a[name].value, a[name].cell, a[name].found_by), name
    _assert_rows_equal(b.projects.rows, projects)
    _assert_rows_equal(b.indicators.rows, indicators)
    assert [f.code for f in evaluate(resaved).findings] == [f.code for f in evaluate(original).findings]


def test_a_workbook_that_is_not_a_template_is_s002(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "决算报表.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("收入支出决算表")
    ws.write_row(0, 0, ["项目", "金额"])
    ws.write_row(1, 0, ["收入合计", 414.31])
    wb.close()
    ev = evaluate(path)
    assert ev.status == "invalid" and [f.code for f in ev.findings] == ["S002"]
    message = ev.findings[0].message
    assert "决算报表.xlsx" in message and "_meta" in message and "基本信息" in message \
        and "项目支出" in message


def test_random_bytes_are_s001(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"\x00\x01garbage" * 100)
    ev = evaluate(path)
    assert ev.status == "error" and [f.code for f in ev.findings] == ["S001"]
    assert "broken.xlsx" in ev.findings[0].message


def test_dates_and_years_in_many_forms(fill) -> None:
    for raw, expected in (("2023-05-19", date(2023, 5, 19)), ("2023年5月19日", date(2023, 5, 19)),
                          ("2023/5/19", date(2023, 5, 19)), (date(2023, 5, 19), date(2023, 5, 19))):
        sub = read_submission(fill({"fill_date": raw}))
        assert sub["fill_date"].value == expected, raw


def test_template_version_mismatch_is_s003(fill) -> None:
    path = fill({"unit_name": "某局"}, version=1)  # read as the version its layout is
    wb = load_workbook(path)
    wb[S.META_SHEET]["B2"] = 7
    wb.save(path)
    s003 = [f for f in evaluate(path).findings if f.code == "S003"]
    assert len(s003) == 1 and s003[0].actual == "7" and s003[0].expected == "1"
    assert "S003" not in _codes(fill({"unit_name": "某局"}))
