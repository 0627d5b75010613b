"""Pairing a submission with its unit's previous year: by code, by name, and never two units
whose names only look alike."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SAMPLES, SEED

from xlsxperf.evaluation import evaluate
from xlsxperf.history import (
    Identity,
    identity_of,
    indicator_key,
    pair_years,
    refusal,
    same_unit,
    unit_code_key,
    unit_name_key,
)
from xlsxperf.render import file_document

SEED_2021 = SAMPLES / "2021_市中区经济合作局.xlsx"


def unit(name: str | None, year: int | None = 2022, code: str | None = None,
         supervisor: str | None = None) -> Identity:
    return Identity(name, code, supervisor, year)


# -- names and codes -------------------------------------------------------------------------


@pytest.mark.parametrize("written", [
    "乐山市市中区经济合作局",
    " 乐山市市中区 经济合作局 ",
    "乐山市市中区经济合作局（盖章）",
    "乐山市市中区经济合作局(公章)",
    "单位名称：乐山市市中区经济合作局",
    "乐山市市中区经济合作局。",
    "乐山市市中区\u3000经济合作局\u200b",
])
def test_the_same_name_written_differently_is_one_key(written: str) -> None:
    assert unit_name_key(written) == "乐山市市中区经济合作局"


def test_full_width_and_brackets_fold_alike() -> None:
    assert unit_name_key("示例县ＡＢ中心【本级】") == unit_name_key("示例县AB中心(本级)")
    assert unit_name_key("示例县AB中心（本级）") != unit_name_key("示例县AB中心")  # 本级 stays


@pytest.mark.parametrize("a, b", [
    ("市中区经济合作局", "市中区经济和信息化局"),
    ("市中区经济合作局", "乐山市市中区经济合作局"),  # another 市中区 exists in other cities
    ("示例县农业农村局", "示例县农业农村局机关"),
    ("示例县农业农村局", "示例县农业农村局（本级）"),
])
def test_names_that_only_look_alike_are_different_keys(a: str, b: str) -> None:
    assert unit_name_key(a) != unit_name_key(b)


def test_empty_names_and_codes_have_no_key() -> None:
    assert unit_name_key(None) is None and unit_name_key("  （盖章）") is None
    assert unit_code_key(None) is None and unit_code_key(" ") is None


def test_codes_fold_and_lose_a_float_tail() -> None:
    assert unit_code_key("５１０１０１") == unit_code_key(" 510101 ") == unit_code_key("510101.0")
    assert unit_code_key("510101") != unit_code_key("510102")
    assert unit_code_key("0510101") != unit_code_key("510101")  # leading zeros count


def test_indicator_names_fold_spaces_width_quotes_and_case() -> None:
    assert indicator_key("外商直接到资（FDI）") == indicator_key(" 外商直接到资(fdi) ")
    assert indicator_key("“走出去”“请进来”招商引资活动") == indicator_key("走出去请进来招商引资活动")
    assert indicator_key("招商引资签约总金额") != indicator_key("招商引资签约项目数")
    assert indicator_key(None) is None


# -- same unit -------------------------------------------------------------------------------


def test_same_code_pairs_even_when_the_name_changed() -> None:
    assert same_unit(unit("示例区投资促进局", code="900201"),
                     unit("示例区经济合作局", code="900201 ")) is None


def test_different_codes_never_pair_even_with_the_same_name() -> None:
    assert same_unit(unit("示例区统计局", code="900101"), unit("示例区统计局", code="900102")) \
        == "单位编码不同"


def test_without_codes_the_normalised_names_decide() -> None:
    assert same_unit(unit("乐山市市中区经济合作局"), unit("乐山市市中区 经济合作局（盖章）")) is None
    assert same_unit(unit("市中区经济合作局"), unit("市中区经济和信息化局")) == "单位名称不同"


def test_one_code_missing_falls_back_to_the_name() -> None:
    assert same_unit(unit("示例区统计局", code="900101"), unit("示例区统计局")) is None
    assert same_unit(unit("示例区统计局", code="900101"), unit("示例区财政局")) == "单位名称不同"


def test_the_same_name_under_two_supervisors_is_two_units() -> None:
    a = unit("机关事务服务中心", supervisor="示例市示例区人民政府")
    b = unit("机关事务服务中心", supervisor="示例市示例县人民政府")
    assert same_unit(a, b) == "主管部门不同"
    assert same_unit(a, unit("机关事务服务中心")) is None  # one supervisor missing: no conflict


def test_no_name_and_no_code_is_never_the_same_unit() -> None:
    assert same_unit(unit(None), unit(None)) is not None


def test_refusal_names_both_units_or_both_years() -> None:
    why = refusal(unit("市中区经济合作局"), unit("市中区经济和信息化局", 2021))
    assert why is not None and "不是同一单位" in why and "市中区经济和信息化局" in why
    why = refusal(unit("示例区统计局", 2022), unit("示例区统计局", 2020))
    assert why is not None and "不是上一年度" in why and "2020" in why
    assert refusal(unit("示例区统计局", 2022), unit("示例区统计局", 2022)) is not None
    assert refusal(unit("示例区统计局", None), unit("示例区统计局", 2021)) is not None
    assert refusal(unit("示例区统计局", 2022), unit("示例区统计局", 2021)) is None


# -- pairing a list --------------------------------------------------------------------------


def test_pair_years_pairs_consecutive_years_of_the_same_unit() -> None:
    a21, a22, a23 = unit("甲局", 2021), unit("甲局", 2022), unit("甲局", 2023)
    b22 = unit("乙局", 2022)
    pairs = pair_years([a23, b22, a21, a22], identify=lambda x: x)
    assert pairs == [(a23, a22), (a22, a21)]


def test_pair_years_skips_a_gap_and_an_ambiguous_previous_year() -> None:
    assert pair_years([unit("甲局", 2020), unit("甲局", 2022)], identify=lambda x: x) == []
    twice = [unit("甲局", 2021), unit("甲局（盖章）", 2021), unit("甲局", 2022)]
    assert pair_years(twice, identify=lambda x: x) == []


def test_pair_years_prefers_the_code_that_matches() -> None:
    coded, uncoded = unit("甲局", 2021, code="1001"), unit("甲局", 2021)
    later = unit("甲局", 2022, code="1001")
    assert pair_years([later, coded, uncoded], identify=lambda x: x) == [(later, coded)]


def test_pair_years_refuses_similar_names() -> None:
    items = [unit("市中区经济合作局", 2021), unit("市中区经济和信息化局", 2022)]
    assert pair_years(items, identify=lambda x: x) == []


def test_pair_years_over_evaluations_and_file_documents(tmp_path: Path) -> None:
    old, new = evaluate(SEED_2021), evaluate(SEED)
    clean = evaluate(SAMPLES / "2022_clean_example.xlsx")
    assert pair_years([clean, new, old]) == [(new, old)]
    docs = [file_document(e) for e in (clean, new, old)]
    assert pair_years(docs) == [(docs[1], docs[2])]
    broken = tmp_path / "坏.xlsx"
    broken.write_bytes(b"not a workbook")
    failed = evaluate(broken)
    assert identity_of(failed) is None and identity_of(file_document(failed)) is None
    assert pair_years([failed, new, old]) == [(new, old)]


def test_file_documents_carry_the_supervisor_for_pairing() -> None:
    doc = file_document(evaluate(SEED))
    assert doc["supervisor"] == "乐山市市中区人民政府"
    other = {**doc, "supervisor": "乐山市人民政府", "unit": {**doc["unit"], "year": 2021}}
    assert pair_years([doc, other]) == []
    assert pair_years([doc, {**other, "supervisor": doc["supervisor"]}]) != []
