"""Messy but honest data, through real workbooks: what departments actually type.

Full-width digits, units (万元 / 亿元 / 元 / %), thousands separators, spaces, dates typed as
text or as serial numbers, and workbooks in the 1904 date system must read as the numbers
and dates they mean, and evaluate to the same figures as a tidy workbook.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from xlsxperf.evaluation import evaluate
from xlsxperf.model import Parse
from xlsxperf.read import read_submission

Fill = Callable[..., Path]


def _clean(clean_data: tuple, **fields: Any) -> tuple[dict, list, list]:
    f, projects, indicators = clean_data
    return {**f, **fields}, [dict(p) for p in projects], [dict(i) for i in indicators]


def test_amounts_typed_as_text_give_the_same_metrics(fill: Fill, clean_data: tuple) -> None:
    tidy = evaluate(fill(*clean_data))
    messy_fields = {
        "income_general_budget": "５２０．００",  # full-width digits and point
        "income_gov_fund": "30万元",
        "income_state_capital": "0.00元",
        "income_total": "5,500,000元",  # 元 with thousands separators: 550 万元
        "exp_basic": "0.038亿元",  # 380 万元
        "exp_project": " 150 ",
        "exp_total": "530.00 万元",
        "exp_personnel": "３２０万元",
        "exp_public": "60.0",
        "exec_total_budget": "545.00",
        "exec_total_actual": "５３０",
    }
    messy = evaluate(fill(*_clean(clean_data, **messy_fields)))
    assert tidy.calc is not None and messy.calc is not None
    assert messy.calc.metrics == tidy.calc.metrics
    assert messy.calc.metrics["income.total"] == D("550.00")
    sub = messy.submission
    assert sub.amount("income_total") == D("550")
    assert sub.amount("exp_basic") == D("380")
    assert sub.amount("income_general_budget") == D("520.00")
    for name in messy_fields:
        assert sub[name].parse == Parse.NORMALIZED, name
    assert "F002" not in {f.code for f in messy.findings}
    normalized = {f.defined_name for f in messy.findings if f.code == "F003"}
    assert {"income_total", "exp_basic", "income_general_budget"} <= normalized


@pytest.mark.parametrize("text, expected", [
    ("1,234.50", D("1234.50")),
    ("１，２３４．５", D("1234.5")),
    ("1234.5万元", D("1234.5")),
    ("0.12345亿元", D("1234.5")),
    ("12,345,000元", D("1234.5")),
    ("  1234.5\u3000", D("1234.5")),
    ("(12.5)", D("-12.5")),
    ("−12.5", D("-12.5")),
])
def test_amount_text(fill: Fill, clean_data: tuple, text: str, expected: D) -> None:
    sub = read_submission(fill(*_clean(clean_data, balance_start=text)))
    v = sub["balance_start"]
    assert v.value == expected and isinstance(v.value, D)
    assert v.raw == text  # the original text is kept for the message
    assert v.parse == Parse.NORMALIZED


@pytest.mark.parametrize("text", ["—", "-", "/", "无", "", "  ", "——"])
def test_not_filled_marks(fill: Fill, clean_data: tuple, text: str) -> None:
    sub = read_submission(fill(*_clean(clean_data, exp_public=text, filler=text)))
    assert sub["exp_public"].parse == Parse.BLANK and sub["exp_public"].value is None
    ev = evaluate(sub.path)
    assert ("F001", "filler") in {(f.code, f.defined_name) for f in ev.findings}


def test_percentages(fill: Fill, clean_data: tuple) -> None:
    fields, projects, indicators = _clean(clean_data, exec_total_rate="97.25%",
                                          exec_basic_rate="９８．７０％")
    projects[0]["rate"] = "93.75%"
    projects[1]["rate"] = D("92.59")  # a number in a percent cell, stored as 0.9259
    sub = read_submission(fill(fields, projects, indicators))
    assert sub["exec_total_rate"].value == D("97.25")
    assert sub["exec_basic_rate"].value == D("98.70")
    assert sub.projects.rows[0]["rate"].value == D("93.75")
    assert sub.projects.rows[1]["rate"].value == D("92.59")
    assert sub.projects.rows[1]["rate"].parse == Parse.OK
    ev = evaluate(sub.path)
    assert "R001" not in {f.code for f in ev.findings}  # typed rates agree with the data


def test_counts_with_units_and_spaces(fill: Fill, clean_data: tuple) -> None:
    sub = read_submission(fill(*_clean(clean_data, staff_admin=" 19 ", staff_institution="8人",
                                       quota_total="３０", sub_units="1个")))
    assert sub["staff_admin"].value == 19
    assert sub["staff_institution"].value == 8
    assert sub["quota_total"].value == 30
    assert sub["sub_units"].value == 1
    assert isinstance(sub["staff_admin"].value, int)


@pytest.mark.parametrize("typed", ["2023年4月20日", "2023/4/20", "2023-04-20", "2023.4.20",
                                   "20230420", "２０２３年４月２０日", 45036,
                                   datetime(2023, 4, 20)])
def test_dates(fill: Fill, clean_data: tuple, typed: Any) -> None:
    sub = read_submission(fill(*_clean(clean_data, fill_date=typed)))
    assert sub["fill_date"].value == date(2023, 4, 20)
    assert "F008" not in {f.code for f in evaluate(sub.path).findings}


@pytest.mark.parametrize("typed", ["2023年2月30日", "明年", 10**7])
def test_bad_dates(fill: Fill, clean_data: tuple, typed: Any) -> None:
    sub = read_submission(fill(*_clean(clean_data, fill_date=typed)))
    assert sub["fill_date"].parse == Parse.INVALID
    assert "F008" in {f.code for f in evaluate(sub.path).findings}


def test_1904_date_system(fill: Fill, clean_data: tuple, tmp_path: Path) -> None:
    """A serial number in a 1904 workbook counts from 1904-01-01 (Excel for Mac)."""
    from openpyxl import load_workbook
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    path = fill(*clean_data)
    wb = load_workbook(path)
    wb.epoch = CALENDAR_MAC_1904
    sheet, ref = next(iter(wb.defined_names["fill_date"].destinations))
    cell = wb[sheet][ref.replace("$", "")]
    cell.value = (date(2023, 4, 20) - date(1904, 1, 1)).days
    cell.number_format = "General"
    mac = tmp_path / "mac.xlsx"
    wb.save(mac)
    sub = read_submission(mac)
    assert sub["fill_date"].value == date(2023, 4, 20)
    assert read_submission(path)["fill_date"].value == date(2023, 4, 20)


def test_indicator_values_typed_as_text(fill: Fill, clean_data: tuple) -> None:
    tidy = evaluate(fill(*clean_data))
    fields, projects, indicators = _clean(clean_data)
    indicators[0]["actual"] = "１３"
    indicators[0]["target"] = " 12 "
    indicators[2]["actual"] = "100%"
    indicators[4]["weight"] = "15分"
    messy = evaluate(fill(fields, projects, indicators))
    assert messy.calc is not None and tidy.calc is not None
    assert [i.to_dict() for i in messy.calc.indicators] == \
        [i.to_dict() for i in tidy.calc.indicators]
    assert messy.calc.metrics == tidy.calc.metrics


def test_project_rows_with_messy_amounts(fill: Fill, clean_data: tuple) -> None:
    tidy = evaluate(fill(*clean_data))
    fields, projects, indicators = _clean(clean_data)
    total = {key: sum((p[key] for p in projects if key in p), D(0))
             for key in ("initial", "budget", "actual", "balance")}
    projects[0].update(budget="６４万元", actual="600,000元", initial="60.00 万元")
    projects[1].update(budget="0.0054亿元", actual=" 50 ")
    messy = evaluate(fill(fields, projects, indicators, project_total=total))
    assert messy.calc is not None and tidy.calc is not None
    assert [p.to_dict() for p in messy.calc.projects] == [p.to_dict() for p in tidy.calc.projects]
    assert messy.calc.metrics == tidy.calc.metrics
    tidy_errors = {(f.code, f.cell) for f in tidy.findings if f.severity.value == "error"}
    messy_errors = {(f.code, f.cell) for f in messy.findings if f.severity.value == "error"}
    assert messy_errors == tidy_errors


@pytest.mark.parametrize("typed", ["1e30", "9" * 40, 1e300, 10**20])
def test_absurd_magnitudes_are_not_numbers(fill: Fill, clean_data: tuple, typed: Any) -> None:
    ev = evaluate(fill(*_clean(clean_data, income_general_budget=typed, exec_total_budget=typed,
                               staff_admin=typed)))
    assert ev.status == "ok"
    bad = {f.defined_name for f in ev.findings if f.code == "F002"}
    assert {"income_general_budget", "exec_total_budget", "staff_admin"} <= bad


def test_overflowing_number_in_the_file_is_not_a_number(fill: Fill, clean_data: tuple,
                                                        tmp_path: Path) -> None:
    """``<v>1e400</v>`` reads as an infinite float: the field is F002, the file still reads."""
    import re
    import zipfile

    src = fill(*clean_data)
    with zipfile.ZipFile(src) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    sheet, ref = read_submission(src)["staff_admin"].cell.sheet, \
        read_submission(src)["staff_admin"].cell.ref  # type: ignore[union-attr]
    names = re.findall(rb'<sheet name="([^"]+)"', parts["xl/workbook.xml"])
    part = f"xl/worksheets/sheet{[n.decode() for n in names].index(sheet) + 1}.xml"
    xml, n = re.subn(rf'(<c r="{ref}"[^>]*>)<v>[^<]*</v>'.encode(), rb"\1<v>1e400</v>",
                     parts[part])
    assert n == 1
    parts[part] = xml
    out = tmp_path / "inf.xlsx"
    with zipfile.ZipFile(out, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    ev = evaluate(out)
    assert ev.status == "ok"
    assert ev.submission["staff_admin"].parse == Parse.INVALID
    assert ("F002", "staff_admin") in {(f.code, f.defined_name) for f in ev.findings}
