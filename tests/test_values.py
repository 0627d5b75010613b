"""Parsing raw cell contents (SPEC section 3): pure functions, many forms."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from xlsxperf.model import Parse
from xlsxperf.schema import Kind
from xlsxperf.values import normalize_label, parse, round_half_up


@pytest.mark.parametrize("raw, kind, fmt, value, how", [
    (414.31, Kind.AMOUNT, "#,##0.00", Decimal("414.31"), Parse.OK),
    (269.75000000000003, Kind.AMOUNT, "General", Decimal("269.75"), Parse.OK),
    ("414.31万元", Kind.AMOUNT, "@", Decimal("414.31"), Parse.NORMALIZED),
    ("1,234.5", Kind.AMOUNT, "@", Decimal("1234.5"), Parse.NORMALIZED),
    ("４１４．３１", Kind.AMOUNT, "@", Decimal("414.31"), Parse.NORMALIZED),
    ("4,143,100元", Kind.AMOUNT, "@", Decimal("414.31"), Parse.NORMALIZED),
    ("(12.50)", Kind.AMOUNT, "@", Decimal("-12.50"), Parse.NORMALIZED),
    ("65.11%", Kind.PERCENT, "@", Decimal("65.11"), Parse.NORMALIZED),
    (0.6511, Kind.PERCENT, "0.00%", Decimal("65.11"), Parse.OK),
    (65.11, Kind.PERCENT, "General", Decimal("65.11"), Parse.OK),
    (" 18 ", Kind.INTEGER, "@", 18, Parse.NORMALIZED),
    ("18人", Kind.INTEGER, "@", 18, Parse.NORMALIZED),
    (18.0, Kind.INTEGER, "0", 18, Parse.OK),
    ("98分", Kind.SCORE, "@", Decimal(98), Parse.NORMALIZED),
    ("2022年度", Kind.YEAR, "@", 2022, Parse.NORMALIZED),
])
def test_numbers(raw, kind, fmt, value, how) -> None:
    p = parse(raw, kind, number_format=fmt)
    assert (p.value, p.parse) == (value, how)
    assert not isinstance(p.value, float)


@pytest.mark.parametrize("raw", [None, "", "  ", "—", "-", "/", "无", "——", "－"])
def test_not_filled(raw) -> None:
    assert parse(raw, Kind.AMOUNT).parse == Parse.BLANK
    assert parse(raw, Kind.TEXT).parse == Parse.BLANK


@pytest.mark.parametrize("raw, kind", [
    ("约二百万", Kind.AMOUNT), ("12.5", Kind.INTEGER), ("50%", Kind.AMOUNT), ("12亩", Kind.AMOUNT),
    (True, Kind.AMOUNT), (datetime(2022, 1, 1), Kind.AMOUNT), ("3分钟", Kind.SCORE),
])
def test_not_numbers(raw, kind) -> None:
    p = parse(raw, kind)
    assert p.parse == Parse.INVALID and p.value is None


def test_dates() -> None:
    assert parse(datetime(2023, 5, 19, 0, 0), Kind.DATE).value == date(2023, 5, 19)
    assert parse("2023.5.19", Kind.DATE).value == date(2023, 5, 19)
    assert parse("20230519", Kind.DATE).value == date(2023, 5, 19)
    assert parse(45065, Kind.DATE).value == date(2023, 5, 19)
    assert parse(43603, Kind.DATE, epoch=datetime(1904, 1, 1)).value == date(2023, 5, 19)
    assert parse("2023-02-30", Kind.DATE).parse == Parse.INVALID
    assert parse("明年", Kind.DATE).parse == Parse.INVALID


def test_choices_and_measures() -> None:
    choices = ("≥", "≤", "=", "定性")
    assert parse(">=", Kind.CHOICE, choices=choices).value == "≥"
    assert parse(" 定性 ", Kind.CHOICE, choices=choices).value == "定性"
    assert parse("大于", Kind.CHOICE, choices=choices).parse == Parse.INVALID
    assert parse("数量", Kind.CHOICE, choices=("数量指标", "质量指标")).value == "数量指标"
    assert parse("达成", Kind.MEASURE).value == "达成"
    assert parse("176.98亿元", Kind.MEASURE).value == Decimal("176.98")
    assert parse(0.95, Kind.MEASURE, number_format="0%").value == Decimal("95")
    assert parse("明显提升", Kind.MEASURE).value == "明显提升"


def test_labels_and_rounding() -> None:
    assert normalize_label(" *收入合计： ") == "收入合计"
    assert normalize_label("全年预算数（调整后）") == "全年预算数(调整后)"
    assert round_half_up(Decimal("75.665")) == Decimal("75.67")
    assert round_half_up(Decimal("9.6029")) == Decimal("9.60")
    assert round_half_up(Decimal("-0.005")) == Decimal("-0.01")
