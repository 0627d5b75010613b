"""Parsing raw cell contents (SPEC section 3): pure functions, many forms."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


# -- the official forms: operators and units inside 指标值 / 完成值, the long 定性 levels ------

@pytest.mark.parametrize("text, op, number, unit", [
    ("≥18个", "≥", "18", "个"), ("≤1%", "≤", "1", "%"), ("100%", None, "100", "%"),
    ("≥95%", "≥", "95", "%"), ("≥50个", "≥", "50", "个"), ("≥100百分比", "≥", "100", "%"),
    ("≤90万元", "≤", "90", "万元"), ("=100%", "=", "100", "%"), ("≤10次", "≤", "10", "次"),
    (">92%", "≥", "92", "%"), ("2200篇", None, "2200", "篇"), ("26次", None, "26", "次"),
    ("28.8万元", None, "28.8", "万元"), ("≥ 90 %", "≥", "90", "%"), ("＞＝９５％", "≥", "95", "%"),
    ("不低于95%", "≥", "95", "%"), ("95%以上", "≥", "95", "%"), ("不超过30万元", "≤", "30", "万元"),
    ("30万元以内", "≤", "30", "万元"), ("不少于250个工作日", "≥", "250", "个工作日"),
    ("1,200人次", None, "1200", "人次"), ("≧3项", "≥", "3", "项"), ("<=5天", "≤", "5", "天"),
])
def test_operator_number_and_unit_in_a_value(text, op, number, unit) -> None:
    from xlsxperf.values import split_measure

    m = split_measure(text)
    assert m is not None and (m.op, m.number, m.unit) == (op, Decimal(number), unit)
    assert parse(text, Kind.MEASURE).value == Decimal(number)


@pytest.mark.parametrize("text, op, number, unit", [
    ("1.2e3", None, "1200", ""), ("1.2E3", None, "1200", ""), ("≥1.2e3", "≥", "1200", ""),
    ("2e3个", None, "2000", "个"), ("5e-1%", None, "0.5", "%"),
])
def test_a_value_in_e_notation_is_read_whole(text, op, number, unit) -> None:
    """As Excel shows a large number typed as text: 1.2e3 is 1200, never 1.2."""
    from xlsxperf.values import split_measure

    m = split_measure(text)
    assert m is not None and (m.op, m.number, m.unit) == (op, Decimal(number), unit)
    parsed = parse(text, Kind.MEASURE)
    assert parsed.value == Decimal(number) and f"按 {Decimal(number).normalize():f}" in parsed.note


@pytest.mark.parametrize("text, why", [
    ("1e999999999", "过大"), ("1e15", "过大"), ("1e-999999999", "过小"), ("1e-31", "过小"),
])
@pytest.mark.parametrize("kind", [Kind.AMOUNT, Kind.PERCENT, Kind.MEASURE, Kind.INTEGER])
def test_an_exponent_beyond_any_figure_is_refused_not_raised(text, why, kind) -> None:
    parsed = parse(text, kind)
    assert parsed.value is None and parsed.parse == Parse.INVALID and why in parsed.note


@pytest.mark.parametrize("text", ["1e999999999999999999999999", "≥1e99999999999999999999999999个"])
def test_an_exponent_no_decimal_holds_is_no_measure(text) -> None:
    from xlsxperf.values import split_measure

    assert split_measure(text) is None
    assert parse(text, Kind.AMOUNT).parse == Parse.INVALID


def test_a_small_written_number_is_noted_without_a_page_of_zeros() -> None:
    parsed = parse("1e-30", Kind.MEASURE)
    assert parsed.value == Decimal("1e-30") and len(parsed.note) < 40


_NUMBERISH = st.text(alphabet="0123456789.,eE+-−()%≥≤<>=个万元亿 ", max_size=40) | st.from_regex(
    r"\A[≥≤]?-?\d{1,3}(\.\d{1,3})?[eE][+-]?\d{1,12}(%|个|万元)?\Z")


@settings(max_examples=300, deadline=None, derandomize=True)
@given(text=_NUMBERISH, kind=st.sampled_from([k for k in Kind if k.numeric]))
def test_a_written_number_never_raises_and_its_note_stays_short(text: str, kind: Kind) -> None:
    parsed = parse(text, kind)
    assert parsed.parse in tuple(Parse)
    assert len(parsed.note or "") < 120
    if parsed.value is not None and parsed.parse != Parse.BLANK and kind != Kind.MEASURE:
        assert abs(parsed.value) < 10 ** 15


@pytest.mark.parametrize("text", ["明显提升", "应保尽保", "按月安排", "≥95%以下", "达成年度指标"])
def test_words_are_no_measure(text) -> None:
    from xlsxperf.values import split_measure

    assert split_measure(text) is None


def test_a_number_in_a_sentence_has_no_unit() -> None:
    from xlsxperf.values import split_measure

    m = split_measure("18个月内完成")
    assert m is not None and m.number == 18 and m.unit is None
    assert parse("18个月内完成", Kind.MEASURE).parse == Parse.NORMALIZED  # noted, F003


@pytest.mark.parametrize("text, level", [
    ("达成年度指标", "达成"), ("部分达成年度指标并具有一定效果", "部分达成"),
    ("未达成年度指标且效果较差", "未达成"), ("达成预期指标", "达成"), ("部分达成预期指标", "部分达成"),
    ("未达成预期指标", "未达成"), (" 部分达成年度指标，并具有一定效果。", "部分达成"), ("达成", "达成"),
])
def test_official_levels(text, level) -> None:
    p = parse(text, Kind.MEASURE)
    assert (p.value, p.parse) == (level, Parse.OK)


@pytest.mark.parametrize("text", ["完成", "已完成", "好", "较好", "高", "效果明显", "符合相关规定", "良好"])
def test_free_words_stay_words(text) -> None:
    p = parse(text, Kind.MEASURE)
    assert (p.value, p.parse) == (text, Parse.OK)


@pytest.mark.parametrize("text, nature", [
    ("≥", "≥"), (">=", "≥"), ("＞＝", "≥"), ("≧", "≥"), ("正向指标", "≥"), ("不低于", "≥"),
    ("≤", "≤"), ("<=", "≤"), ("反向", "≤"), ("不超过", "≤"), ("等于", "="), ("＝", "="),
    ("定性指标", "定性"),
])
def test_nature_words(text, nature) -> None:
    p = parse(text, Kind.CHOICE, choices=("≥", "≤", "=", "定性"))
    assert p.value == nature and p.parse in (Parse.OK, Parse.NORMALIZED)


def test_units_are_compared_as_one_spelling() -> None:
    from xlsxperf.values import normalize_unit

    assert normalize_unit("百分比") == normalize_unit("％") == normalize_unit(" % ") == "%"
    assert normalize_unit("万元") != normalize_unit("元")


def test_levels_with_their_points_as_the_forms_print_them() -> None:
    p = parse("产出指标（50分）", Kind.CHOICE, choices=("产出指标", "效益指标"))
    assert (p.value, p.parse) == ("产出指标", Parse.OK)
    assert parse("产出指标（五十分）", Kind.CHOICE, choices=("产出指标",)).parse == Parse.INVALID


def test_grade_words() -> None:
    grades = ("优", "良", "中", "差")
    assert parse("优秀", Kind.CHOICE, choices=grades).value == "优"
    assert parse("良好", Kind.CHOICE, choices=grades).value == "良"
    assert parse("较差", Kind.CHOICE, choices=grades).value == "差"
    assert parse("正向", Kind.CHOICE, choices=grades).parse == Parse.INVALID  # not a grade
