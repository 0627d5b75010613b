"""The common indicators (共性指标): the two new metrics, the profile's reference bands, and the
复核参考 / 上年对比 sheets of the evaluation workbook."""

from __future__ import annotations

import math
import warnings
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from conftest import CLEAN, SAMPLES, SEED

from xlsxperf import load_config
from xlsxperf.common_indicators import COMMON, Band, parse_band, reference
from xlsxperf.config import ConfigError, default_config
from xlsxperf.evaluation import evaluate
from xlsxperf.metrics import BY_KEY
from xlsxperf.report import write_evaluation
from xlsxperf.report.previous import COMPARISON, REFERENCE

SEED_2021 = SAMPLES / "2021_市中区经济合作局.xlsx"


def load(path: Path, data_only: bool = False) -> Any:
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_workbook(path, data_only=data_only)


# -- metrics ---------------------------------------------------------------------------------


def test_every_common_indicator_is_a_metric() -> None:
    assert all(c.metric in BY_KEY for c in COMMON)


def test_seed_common_indicators() -> None:
    m = evaluate(SEED).metrics
    assert m["staff.control_rate_pct"] == D("180.00")  # 18 staff against a quota of 10
    assert m["execution.adjustment_rate_pct"] == D("5.13")  # (431.44 − 410.40) ÷ 410.40
    assert m["balance.rate_pct"] == D("0.00")


def test_adjustment_rate_is_negative_when_the_budget_was_cut(fill, clean_data) -> None:
    fields, projects, indicators = clean_data
    fields = {**fields, "exec_total_initial": D("560.00"), "exec_basic_initial": D("410.00")}
    m = evaluate(fill(fields, projects, indicators)).metrics
    assert m["execution.adjustment_rate_pct"] == D("-2.68")  # (545 − 560) ÷ 560 = −2.678…


def test_rates_are_none_without_a_denominator(fill, clean_data) -> None:
    fields, projects, indicators = clean_data
    fields = {**fields, "exec_total_initial": D(0), "exec_basic_initial": D(0),
              "exec_project_initial": D(0), "quota_admin": 0, "quota_institution": 0,
              "quota_worker": 0, "quota_total": 0}
    m = evaluate(fill(fields, projects, indicators)).metrics
    assert m["execution.adjustment_rate_pct"] is None and m["staff.control_rate_pct"] is None


# -- bands -----------------------------------------------------------------------------------


LINEAR = Band(D(5), "above", full=D(100), per_point=D("0.5"))
STEPS = Band(D(5), "above", steps=((D(0), D(5)), (D(10), D(4)), (D(20), D(3)), (D(30), D(2))),
             absolute=True)
BELOW = Band(D(10), "below", full=D(100), per_point=D("0.4"))


@pytest.mark.parametrize("band, value, score", [
    (LINEAR, D(95), D(5)), (LINEAR, D(100), D(5)), (LINEAR, D("104.5"), D("2.75")),
    (LINEAR, D(180), D(0)),
    (STEPS, D(0), D(5)), (STEPS, D("0.01"), D(4)), (STEPS, D(10), D(4)), (STEPS, D("5.13"), D(4)),
    (STEPS, D("-12"), D(3)), (STEPS, D(30), D(2)), (STEPS, D("30.01"), D(0)),
    (BELOW, D(100), D(10)), (BELOW, D(101), D(10)), (BELOW, D("96.03"), D("8.41")),
    (BELOW, D(60), D(0)),
])
def test_band_scores(band: Band, value: D, score: D) -> None:
    assert band.score(value) == score


def test_band_words() -> None:
    assert LINEAR.describe() == "不超过 100% 得满分 5 分，每超过 1 个百分点扣 0.5 分，扣完为止"
    assert STEPS.describe().startswith("≤ 0% 得 5 分；≤ 10% 得 4 分")
    assert "按绝对值" in STEPS.describe()


@pytest.mark.parametrize("data, message", [
    ({"weight": 5, "worse": "up", "full": 100, "per_point": 1}, "worse"),
    ({"weight": 5, "worse": "above"}, "steps"),
    ({"weight": 5, "worse": "above", "steps": [[10, 4], [0, 5]]}, "从最好到最差"),
    ({"weight": 5, "worse": "above", "steps": [[0, 6]]}, "0 与 weight"),
    ({"weight": 5, "worse": "above", "steps": [[0, 5]], "full": 100}, "只能选一种"),
    ({"weight": "五", "worse": "above", "full": 100, "per_point": 1}, "weight"),
    ({"weight": 5, "worse": "above", "full": 100, "per_point": 1, "cap": 3}, "cap"),
])
def test_bad_bands_are_refused_naming_the_key(data: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_band(data, "x.toml: [common_indicators] staff_control")


def test_the_default_profile_ships_the_example_bands() -> None:
    scheme = default_config().common_indicators
    assert scheme is not None and "示例" in scheme.note and "不是全国统一标准" in scheme.note
    assert set(scheme.bands) == {"staff_control", "budget_adjustment", "execution"}


def test_a_user_section_replaces_the_profile_bands(tmp_path: Path) -> None:
    conf = tmp_path / "xlsxperf.toml"
    conf.write_text('[common_indicators]\nnote = "本地"\n[common_indicators.balance]\n'
                    'weight = 4\nworse = "above"\nfull = 5\nper_point = 1\n', encoding="utf-8")
    scheme = load_config(conf).common_indicators
    assert scheme is not None and scheme.note == "本地" and set(scheme.bands) == {"balance"}
    conf.write_text("[common_indicators]\n", encoding="utf-8")
    scheme = load_config(conf).common_indicators
    assert scheme is not None and scheme.bands == {}


@pytest.mark.parametrize("text, key", [
    ("[common_indicators]\nstaff = 1\n", "staff"),
    ('[common_indicators.execution]\nweight = 10\nworse = "below"\nfull = 100\n', "per_point"),
])
def test_a_bad_user_section_is_a_config_error(tmp_path: Path, text: str, key: str) -> None:
    conf = tmp_path / "xlsxperf.toml"
    conf.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=key) as e:
        load_config(conf)
    assert str(conf) in str(e.value)


def test_reference_rows_this_year_last_year_change_and_scores() -> None:
    now, then = evaluate(SEED).metrics, evaluate(SEED_2021).metrics
    rows = {r.common.key: r for r in reference(now, then, default_config().common_indicators)}
    assert rows["execution"].value == D("96.03") and rows["execution"].last == D("96.59")
    assert rows["execution"].change == D("-0.56")
    assert rows["execution"].score == D("8.41") and rows["execution"].last_score == D("8.64")
    assert rows["staff_control"].score == 0
    assert rows["project_share"].band is None and rows["project_share"].score is None
    alone = {r.common.key: r for r in reference(now, None, None)}
    assert alone["execution"].last is None and alone["execution"].change is None
    assert alone["execution"].score is None


# -- the sheets ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def paired(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    ev = evaluate(SEED, previous=SEED_2021)
    return ev, write_evaluation(ev, tmp_path_factory.mktemp("paired") / "评价结果.xlsx")


def _rows(ws: Any) -> list[tuple]:
    return [tuple(c for c in row) for row in ws.iter_rows(values_only=True)]


def test_paired_workbook_has_both_sheets_after_the_report_sheets(paired) -> None:
    _, path = paired
    names = load(path).sheetnames
    assert names.index(REFERENCE) == 5 and names.index(COMPARISON) == 6
    assert names[7].endswith("(原表)")


def test_unpaired_workbook_has_the_reference_only(tmp_path: Path) -> None:
    names = load(write_evaluation(evaluate(CLEAN), tmp_path / "x.xlsx")).sheetnames
    assert REFERENCE in names and COMPARISON not in names


def test_reference_sheet_values(paired) -> None:
    _, path = paired
    rows = {r[0]: r for r in _rows(load(path, data_only=True)[REFERENCE]) if r[0]}
    assert rows["预算执行率"][2:5] == (0.9603, 0.9659, -0.56)
    assert rows["预算执行率"][6:8] == (8.41, 8.64)
    assert rows["人员控制率"][2] == 1.8 and rows["人员控制率"][6] == 0
    assert rows["项目支出占比"][6] == "—" and "未设定" in rows["项目支出占比"][5]
    note = _rows(load(path)[REFERENCE])[1][0]
    assert "不计入总分" in note and "不是全国统一标准" in note and "2021" in note


def test_comparison_sheet_figures_and_indicators(paired) -> None:
    _, path = paired
    rows = {r[0]: r for r in _rows(load(path, data_only=True)[COMPARISON]) if r[0]}
    assert rows["收入合计"][2:6] == (414.31, 398.62, 15.69, 0.0394)
    assert rows["预算执行率"][4] == -0.56
    assert rows["年初结转和结余（本年）／年末结转和结余（上年）"][2:5] == (0, 0, 0)
    signing = rows["招商引资签约总金额"]
    assert signing[3:8] == (130, 176.98, 120, 150, 26.98)
    assert "Y001" in signing[8]
    assert rows["外商直接到资（FDI）"][8] in ("", None)
    formulas = {r[0]: r for r in _rows(load(path)[COMPARISON]) if r[0]}
    assert formulas["收入合计"][2].startswith("='计算指标'!")
    assert formulas["招商引资签约总金额"][3] == "='绩效指标(原表)'!$E$9"


def test_comparison_lists_indicators_of_one_year_only(fill, clean_data, tmp_path: Path) -> None:
    import copy

    fields, projects, indicators = copy.deepcopy(clean_data)
    then = ({**fields, "eval_year": 2021}, projects,
            [*indicators[:-1], {**indicators[-1], "name": "数据使用单位投诉率"}])
    earlier = evaluate(fill(*then, name="2021.xlsx"))
    ev = evaluate(fill(fields, projects, indicators, name="2022.xlsx"), previous=earlier)
    rows = _rows(load(write_evaluation(ev, tmp_path / "e.xlsx"), data_only=True)[COMPARISON])
    notes = {r[0]: r[8] for r in rows if r[0] in ("数据使用单位满意度", "数据使用单位投诉率")}
    assert "本年新增" in notes["数据使用单位满意度"]
    assert "本年没有" in notes["数据使用单位投诉率"]


def same(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


@pytest.mark.libreoffice
def test_new_sheets_recompute_to_their_cached_values(paired, libreoffice: Any,
                                                     tmp_path: Path) -> None:
    _, path = paired
    formulas, values = load(path), load(path, data_only=True)
    ours = [(name, c.coordinate, values[name][c.coordinate].value, c.value)
            for name in (REFERENCE, COMPARISON) for row in formulas[name].iter_rows()
            for c in row if c.data_type == "f"]
    assert len(ours) > 60
    again = load(libreoffice.convert(path, "xlsx", tmp_path, recalc=True), data_only=True)
    wrong = [(s, ref, f, cached, again[s][ref].value) for s, ref, cached, f in ours
             if not same(cached, again[s][ref].value)]
    assert wrong == []
