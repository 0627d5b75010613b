"""The scoring formulas against hand calculations (SPEC section 5)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from xlsxperf.config import default_config
from xlsxperf.scoring import band, budget_score, completion_pct, grade, indicator_score, met


def test_budget_execution_score() -> None:
    assert budget_score(D("414.31"), D("431.44"), D(10)) == D("9.60")  # 96.0296…%
    assert budget_score(D("1350"), D("1600"), D(10)) == D("8.44")  # 84.375% -> 8.4375
    assert budget_score(D("120"), D("100"), D(10)) == D("10.00")  # capped at the weight
    assert budget_score(D("5"), D("0"), D(10)) is None
    assert budget_score(None, D("100"), D(10)) is None


@pytest.mark.parametrize("nature, target, actual, weight, score", [
    ("≥", D(20), D(16), D(10), D("8.00")),
    ("≥", D(20), D(25), D(10), D("10.00")),  # over-achievement never scores above the weight
    ("≥", D(3), D(1), D(10), D("3.33")),
    ("=", D(5), D(4), D(10), D("8.00")),
    ("=", D(0), D(0), D(10), D("10.00")),  # = 0: nothing happened, full marks
    ("=", D(0), D(1), D(10), D("0.00")),
    ("≤", D(12), D(12), D(10), D("10.00")),
    ("≤", D(12), D(14), D(10), D("8.33")),  # 10 × (1 − 2/12)
    ("≤", D(12), D(23), D(10), D("0.83")),  # 10 × (1 − 11/12)
    ("≤", D(12), D(24), D(10), D("0.00")),  # twice the target
    ("≤", D(12), D(30), D(10), D("0.00")),
    ("≤", D(1), D("0.5"), D(15), D("15.00")),
])
def test_quantitative_indicators(nature, target, actual, weight, score) -> None:
    assert indicator_score(nature, target, actual, weight, None) == score


@pytest.mark.parametrize("level, own, score", [
    ("达成", D(9), D("9.00")),
    ("达成", D(7), D("8.00")),  # clamped up into [8, 10]
    ("达成", D(11), D("10.00")),  # and never above the weight
    ("部分达成", D(9), D("7.99")),  # [6, 8) at two decimals
    ("部分达成", D("6.5"), D("6.50")),
    ("部分达成", None, D("6.00")),  # not self-scored: the band's low end
    ("未达成", D(7), D("5.99")),
    ("未达成", D(0), D("0.00")),
])
def test_qualitative_bands(level, own, score) -> None:
    assert indicator_score("定性", "明显提升", level, D(10), own) == score


def test_bands_and_completion() -> None:
    assert band("达成", D(15)) == (D("12.00"), D("15.00"))
    assert band("部分达成", D(10)) == (D("6.00"), D("7.99"))
    assert band("未达成", D(10)) == (D("0.00"), D("5.99"))
    assert completion_pct("≥", D(130), D("176.98")) == D("136.14")
    assert completion_pct("≥", D(75), D("122.61")) == D("163.48")
    assert completion_pct("≥", D("0.75"), D("1.2")) == D("160.00")
    assert completion_pct("≤", D(1), D("0.8")) == D("125.00")
    assert completion_pct("≥", D(0), D(5)) is None
    assert met("≤", D(12), D(14)) is False and met("≥", D(12), D(12)) is True
    assert met("=", D(0), D(0)) is True and met("定性", None, "部分达成") is False


@pytest.mark.parametrize("score, expected", [
    (D("100"), "优"), (D("90"), "优"), (D("89.99"), "良"), (D("80"), "良"),
    (D("79.99"), "中"), (D("60"), "中"), (D("59.99"), "差"), (D(0), "差"), (None, None),
])
def test_grade_boundaries(score, expected) -> None:
    assert grade(score, default_config().grades) == expected


def test_grade_bands_in_words_follow_the_configured_floors() -> None:
    from decimal import Decimal as D

    from xlsxperf.metrics import BY_KEY
    from xlsxperf.scoring import grade_bands

    assert grade_bands(default_config().grades) == "优 ≥ 90，良 80–90，中 60–80，差 < 60"
    floors = (("优", D(92)), ("良", D("82.5")), ("中", D(60)))
    assert grade_bands(floors) == "优 ≥ 92，良 82.5–92，中 60–82.5，差 < 60"
    words = BY_KEY["grade.computed"].describe(floors)
    assert "优 ≥ 92" in words and "90" not in words


# -- 定性 bands from the profile ----------------------------------------------------------------


def test_bands_come_from_the_profile() -> None:
    from xlsxperf.scoring import bands_from_floors

    wide = bands_from_floors(D(80), D(50))  # a 2020 city form: 80 / 50
    assert band("部分达成", D(10), wide) == (D("5.00"), D("7.99"))
    assert band("未达成", D(10), wide) == (D("0.00"), D("4.99"))
    assert indicator_score("定性", "提升", "部分达成", D(10), D("5.5"), wide) == D("5.50")
    assert indicator_score("定性", "提升", "部分达成", D(10), D("5.5")) == D("6.00")
    assert default_config().profile.bands == bands_from_floors(D(80), D(60))


@pytest.mark.parametrize("words", ["完成", "好", "效果明显", None])
def test_words_that_are_no_level_are_neither_met_nor_unmet(words) -> None:
    assert met("定性", "提升", words) is None
    assert indicator_score("定性", "提升", words, D(10), D(9)) is None


@pytest.mark.libreoffice
def test_excel_twins_use_the_same_bands(libreoffice, tmp_path) -> None:
    """The qualitative formula with a profile's bands recomputes to the Python score."""
    import xlsxwriter
    from openpyxl import load_workbook

    from xlsxperf import formulas as X
    from xlsxperf.scoring import bands_from_floors

    wide = bands_from_floors(D(75), D(50))
    cases = [(level, own) for level in ("达成", "部分达成", "未达成")
             for own in (D(2), D("5.5"), D("7.6"), D(9), None)]
    path = tmp_path / "bands.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("s")
    for r, (level, own) in enumerate(cases, start=1):
        ws.write_string(r - 1, 0, level)
        ws.write_number(r - 1, 1, 10)
        if own is not None:
            ws.write_number(r - 1, 2, float(own))
        ws.write_formula(r - 1, 3, "=" + X.indicator_score("定性", "", f"A{r}", f"B{r}", f"C{r}",
                                                           wide), None, 0)
    wb.close()
    again = load_workbook(libreoffice.convert(path, "xlsx", tmp_path / "re", recalc=True),
                          data_only=True)["s"]
    for r, (level, own) in enumerate(cases, start=1):
        expected = indicator_score("定性", "提升", level, D(10), own, wide)
        assert D(str(again[f"D{r}"].value)).quantize(D("0.01")) == expected, (level, own)
