"""Every rule on both sides: a workbook that trips it and one that does not.

The clean sample's data is the base; it trips nothing. Each case changes a few values, fills
the template with them, evaluates it, and expects the rule at the cell the change is about. Each
near miss changes values by less than the rule's tolerance and expects the rule to stay quiet.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from decimal import Decimal as D
from typing import Any

import pytest

from xlsxperf import schema as S
from xlsxperf.evaluation import evaluate
from xlsxperf.fill import Formula
from xlsxperf.rules import load_all

Data = tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]
Change = Callable[[dict, list, list], None]


def _set(**values: Any) -> Change:
    def change(fields: dict, projects: list, indicators: list) -> None:
        fields.update(values)
    return change


def _project(i: int, **values: Any) -> Change:
    def change(fields: dict, projects: list, indicators: list) -> None:
        projects[i].update(values)
    return change


def _indicator(i: int, **values: Any) -> Change:
    def change(fields: dict, projects: list, indicators: list) -> None:
        indicators[i].update(values)
    return change


def _both(*changes: Change) -> Change:
    def change(fields: dict, projects: list, indicators: list) -> None:
        for c in changes:
            c(fields, projects, indicators)
    return change


def _drop_level(level: str) -> Change:
    """Remove every indicator of ``level`` and give its weight to the first indicator left."""
    def change(fields: dict, projects: list, indicators: list) -> None:
        gone = [i for i in indicators if i["level1"] == level]
        for i in gone:
            indicators.remove(i)
        extra = sum((i["weight"] for i in gone), D(0))
        indicators[0]["weight"] += extra
        indicators[0]["score"] += extra
    return change


# code, change, (sheet, cell) of the finding
TRIPS: list[tuple[str, Change, tuple[str, str | None]]] = [
    ("S003", None, (S.META_SHEET, None)),  # built separately below
    ("S004", _set(income_total=Formula("=SUM(B4:B9)")), (S.FINANCE, "B10")),
    ("F001", _set(filler=None), (S.BASIC, "B8")),
    ("F002", _set(exp_public="六十"), (S.FINANCE, "B14")),
    ("F003", _set(exp_public="60.00万元"), (S.FINANCE, "B14")),
    ("F004", _set(flow_out=-1, flow_in=0), (S.BASIC, "B26")),
    ("F005", _project(3, actual=D(150000), budget=D(160000), initial=D(150000)), (S.PROJECTS, "D7")),
    ("F006", _set(problems="暂无"), (S.CONCLUSION, "B7")),
    ("F007", _project(0, category="专项类"), (S.PROJECTS, "C4")),
    ("F008", _set(fill_date=D(1)), (S.BASIC, "B10")),
    ("F009", _indicator(0, target="≤12项"), (S.INDICATORS, "E9")),
    ("F010", _indicator(0, target="12个"), (S.INDICATORS, "E9")),
    ("F011", _indicator(0, unit=None), (S.INDICATORS, "F9")),
    ("F012", None, (S.CONCLUSION, "B7")),  # needs a profile with length limits: below
    ("T001", _set(income_total=D("550.10")), (S.FINANCE, "B10")),
    ("T002", _set(exp_total=D("531.00")), (S.FINANCE, "B16")),
    ("T003", _set(exp_personnel=D("321.00")), (S.FINANCE, "B12")),
    ("T004", _set(balance_end=D("31.00")), (S.FINANCE, "B19")),
    ("T005", _set(exec_total_budget=D("546.00")), (S.FINANCE, "C25")),
    ("T006", _both(_set(exec_total_actual=D("531.00"), exec_basic_actual=D("381.00"),
                        exec_basic_rate=None, exec_total_rate=None)), (S.FINANCE, "D25")),
    ("T007", None, (S.PROJECTS, "E19")),  # a wrong 合计 row, built below
    ("T008", _project(0, actual=D("61.00"), budget=D("65.00"), rate=None), (S.PROJECTS, "F19")),
    ("T009", _set(quota_total=31), (S.BASIC, "B16")),
    ("T010", _both(_set(staff_total=30, flow_hired=2)), (S.BASIC, "B21")),
    ("T011", _set(flow_in=3), (S.BASIC, "B21")),
    ("T012", _indicator(0, weight=D(21), score=D(20)), (S.INDICATORS, "H8")),
    ("T013", _set(self_total=D("99.72")), (S.CONCLUSION, "B4")),
    ("R001", _set(exec_total_rate=D("97.26")), (S.FINANCE, "E25")),
    ("R002", _project(1, reason=None, actual=D(40), rate=None, balance=D(14)), (S.PROJECTS, "J5")),
    ("R003", _project(2, actual=D("26.50"), rate=None), (S.PROJECTS, "F6")),
    ("R004", _project(3, budget=D(0), rate=None), (S.PROJECTS, "E7")),
    ("R005", _project(1, initial=D("40.00")), (S.PROJECTS, "K5")),
    ("P001", _both(_indicator(0, score=D(21)), _set(self_total=D("99.72"))), (S.INDICATORS, "I9")),
    ("P002", _both(_indicator(0, actual=D(11)), _set()), (S.INDICATORS, "I9")),
    ("P003", _indicator(5, score=D(11)), (S.INDICATORS, "I14")),
    ("P004", _both(_indicator(4, actual=D(23), score=D("14.38"))), (S.INDICATORS, "J13")),
    ("P005", _indicator(0, actual=D(15)), (S.INDICATORS, "E9")),
    ("P006", _drop_level("满意度指标"), (S.INDICATORS, "A8")),
    ("P007", _set(self_grade="良"), (S.CONCLUSION, "B5")),
    ("P008", _both(_set(exec_total_actual=D(450), exec_total_rate=None)), (S.INDICATORS, "I8")),
    ("P009", _indicator(3, nature="≥"), (S.INDICATORS, "D12")),
    ("P010", _indicator(4, name="统计数据发布满意度"), (S.INDICATORS, "C13")),
    ("P011", _indicator(4, name="完成统计调查项目数"), (S.INDICATORS, "C13")),
    ("C001", _both(_set(staff_institution=9, staff_total=30, flow_hired=2)), (S.BASIC, "B19")),
    ("C002", _set(balance_end=D("0.00"), balance_start=D("-20.00")), (S.FINANCE, "B19")),
    ("C003", _set(report_text="2022 年度收入合计 560.00 万元。"), (S.CONCLUSION, "B10")),
    ("C004", _set(report_text="年末资金无结余。"), (S.CONCLUSION, "B10")),
    ("C005", _set(income_total=D("550.01"), report_text="2022 年度收入合计 550.00 万元。"),
     (S.FINANCE, "B10")),
    # the Y rules need last year's workbook too: tests/test_yearly.py
    ("Y001", None, (S.INDICATORS, "E9")),
    ("Y002", None, (S.CONCLUSION, "B7")),
    ("Y003", None, (S.INDICATORS, "C8")),
    ("Y004", None, (S.BASIC, "B23")),
    ("Y005", None, (S.FINANCE, "B18")),
]

# changes within every rule's tolerance, or on the quiet side of a threshold
NEAR_MISSES: list[tuple[str, Change]] = [
    ("T001", _set(income_total=D("550.03"))),  # 7 operands: ±0.035
    ("T002", _set(exp_total=D("530.01"))),  # 3 operands: ±0.015
    ("T004", _set(balance_end=D("30.015"))),
    ("T007", _project(0, balance=D("4.004"))),
    ("R001", _set(exec_total_rate=D("97.25"))),  # 97.2477 rounds to 97.25
    ("R002", _project(1, reason=None)),  # 92.59%: not below 90
    ("R002", _project(1, actual=D(40), rate=None, balance=D(14),
                      reason="部分调查任务顺延到下年")),  # below 90 but explained
    ("R003", _project(2, actual=D("26.005"), rate=None)),  # within the rounding of two amounts
    ("F009", _indicator(0, target="≥12项")),  # the operator agrees with 指标性质
    ("F009", _indicator(0, nature=None, target="≥12项")),  # 指标性质 blank: taken from 指标值
    ("F009", _indicator(0, nature="定量", target="≥12项")),  # 定量: the direction is in 指标值
    ("F010", _indicator(0, target="12项")),
    ("F010", _indicator(6, target="≥90百分比", actual="93%")),  # 百分比 and % are one unit
    ("F011", _indicator(0, unit=None, target="≥12项")),  # the unit is written in 指标值
    ("F011", _indicator(5, unit=None)),  # 定性: no unit expected
    ("R005", _project(1, initial=D("40.00"), adjust_reason="年中追加普查经费")),
    ("R005", _project(1, initial=D("49.50"))),  # 9.09%: within the 10% of the profile
    ("P002", _indicator(0, score=D("20.00"))),
    ("P003", _indicator(5, score=D(12))),  # 达成 band of 15 points is [12, 15]
    ("P004", _indicator(4, actual=D(24))),  # met exactly
    ("P005", _indicator(0, actual=D("14.39"))),  # 119.92%
    ("P007", _set(self_grade=None)),  # no grade declared, nothing to compare
    ("P009", _indicator(3, level1="成本指标", level2="经济成本指标")),  # a cost set as ≤
    ("P010", _indicator(6, name="统计数据使用满意度")),  # under 满意度指标
    ("P011", _indicator(4, name="完成统计调查项目数带动的数据应用")),  # not the same name
    ("C001", _set(staff_admin=20, staff_total=30, flow_hired=2)),  # at the quota, not above
    ("C002", _both(_set(balance_end=D("0.00"), balance_start=D("-20.00")),
                   _project(0, reason="未执行资金 4 万元已由财政收回"))),
    ("C003", _set(report_text="2022 年度收入合计 550.0 万元。")),  # 550.00 within ±0.05
    ("C004", _set(report_text="年末结转和结余 30.00 万元，资金未能全部支出。")),  # negated
    ("C005", _set(report_text="2022 年度收入合计 550.00 万元。")),  # the typed total is exact
    ("C005", _set(income_total=D("550.01"))),  # a slip, but no text names the total
]


def _case(clean_data: Data, change: Change | None) -> Data:
    fields, projects, indicators = copy.deepcopy(clean_data)
    if change:
        change(fields, projects, indicators)
    return fields, projects, indicators


@pytest.fixture(scope="module")
def base_findings(clean_data: Data, tmp_path_factory) -> list:
    from xlsxperf.fill import fill_workbook

    path = fill_workbook(tmp_path_factory.mktemp("base") / "base.xlsx", *clean_data)
    return evaluate(path).findings


def test_the_base_trips_nothing(base_findings) -> None:
    assert [f.code for f in base_findings] == []


def test_every_rule_with_a_check_has_a_case() -> None:
    covered = {code for code, _, _ in TRIPS}
    checks = {code for code, r in load_all().items() if r.check is not None}
    assert checks - covered <= {"S006"}, checks - covered  # S006: tests/test_read.py


@pytest.mark.parametrize("code, change, where", [c for c in TRIPS if c[1] is not None],
                         ids=[c[0] for c in TRIPS if c[1] is not None])
def test_rule_trips(code: str, change: Change, where: tuple, fill, clean_data: Data) -> None:
    findings = evaluate(fill(*_case(clean_data, change))).findings
    mine = [f for f in findings if f.code == code]
    assert mine, f"{code} did not trip; got {[f.code for f in findings]}"
    assert any((f.sheet, f.cell) == where for f in mine), [(f.sheet, f.cell) for f in mine]
    for f in mine:
        assert f.message and "{" not in f.message and "{" not in f.message_en, f.message
        assert f.name == load_all()[code].name


@pytest.mark.parametrize("code, change", NEAR_MISSES, ids=[c[0] for c in NEAR_MISSES])
def test_rule_stays_quiet(code: str, change: Change, fill, clean_data: Data) -> None:
    findings = evaluate(fill(*_case(clean_data, change))).findings
    assert code not in [f.code for f in findings], [f.message for f in findings if f.code == code]


def test_project_total_row_mismatch_is_t007(fill, clean_data: Data) -> None:
    fields, projects, indicators = _case(clean_data, None)
    total = {"initial": D(150), "budget": D(161), "actual": D(150), "balance": D(10)}
    findings = evaluate(fill(fields, projects, indicators, project_total=total)).findings
    t007 = [f for f in findings if f.code == "T007"]
    assert [(f.cell, f.expected, f.actual) for f in t007] == [("E19", "160.00", "161.00")]


def test_outdated_template_version_is_s003(fill, clean_data: Data) -> None:
    from openpyxl import load_workbook

    path = fill(*clean_data)
    wb = load_workbook(path)
    wb[S.META_SHEET]["B2"] = 0
    wb.save(path)
    assert [f.code for f in evaluate(path).findings] == ["S003"]


def test_p002_direction_sets_the_severity(fill, clean_data: Data) -> None:
    lower = evaluate(fill(*_case(clean_data, _set(budget_score=D(9), self_total=D(98))))).findings
    higher = evaluate(fill(*_case(clean_data, _set(budget_score=D(10), self_total=D(99))))).findings
    assert [(f.severity.value, f.cell) for f in lower if f.code == "P002"] == [("info", "D5")]
    assert [(f.severity.value, f.cell) for f in higher if f.code == "P002"] == [("warning", "D5")]


def test_p006_missing_output_or_benefit_is_an_error(fill, clean_data: Data) -> None:
    findings = evaluate(fill(*_case(clean_data, _drop_level("效益指标")))).findings
    p006 = {(f.severity.value, f.expected) for f in findings if f.code == "P006"}
    assert ("error", "效益指标") in p006


def test_p006_sichuan_profile_splits_freely(fill, clean_data: Data, tmp_path) -> None:
    from xlsxperf import load_config

    conf = tmp_path / "xlsxperf.toml"
    conf.write_text('profile = "sichuan"\n', encoding="utf-8")
    change = _both(_drop_level("满意度指标"), _indicator(0, weight=D(30), score=D(30)),
                   _indicator(4, weight=D(5), score=D(5)))
    path = fill(*_case(clean_data, change))
    assert "P006" not in [f.code for f in evaluate(path, load_config(conf)).findings]
    assert "P006" in [f.code for f in evaluate(path).findings]


def test_c001_seed_staff_without_quota(fill, seed_data: Data) -> None:
    findings = evaluate(fill(*seed_data)).findings
    c001 = {(f.cell, f.actual, f.expected) for f in findings if f.code == "C001"}
    assert c001 == {("B19", "8", "0"), ("B21", "18", "10")}


def test_f012_trips_with_a_profile_that_limits_lengths(fill, clean_data: Data, tmp_path) -> None:
    from xlsxperf import load_config

    conf = tmp_path / "xlsxperf.toml"
    conf.write_text('profile = "sichuan"\n', encoding="utf-8")  # 存在问题: 200 characters at most
    config = load_config(conf)
    long = _case(clean_data, _set(problems="一" * 201))
    f012 = [f for f in evaluate(fill(*long), config).findings if f.code == "F012"]
    assert [(f.sheet, f.cell, f.actual, f.expected) for f in f012] == [(S.CONCLUSION, "B7", "201", "200")]
    assert "{" not in f012[0].message and f012[0].name == load_all()["F012"].name
    exact = _case(clean_data, _set(problems="一" * 200))
    assert "F012" not in [f.code for f in evaluate(fill(*exact), config).findings]


def test_p005_a_ceiling_reached_far_below_is_loose(fill, clean_data: Data) -> None:
    """≥: far above the target means it was set too low; ≤: far below the ceiling, too loose."""
    change = _both(_indicator(0, actual=D(15)), _indicator(1, actual=D("0.5")))
    findings = [f for f in evaluate(fill(*_case(clean_data, change))).findings if f.code == "P005"]
    by_cell = {f.cell: f for f in findings}
    assert set(by_cell) == {"E9", "E10"}
    assert by_cell["E9"].message.endswith("指标值可能设置偏低")  # 完成统计调查项目数 ≥ 12: 15
    assert by_cell["E10"].message.endswith("指标值可能设置偏松")  # 数据差错率 ≤ 1%: 0.5%
    assert "200.00%" in by_cell["E10"].message and by_cell["E10"].message_en.endswith("too loose")


def test_c005_names_the_typed_cell_and_the_parts(fill, clean_data: Data) -> None:
    change = _set(income_total=D("550.01"), report_text="2022 年度收入合计 550.00 万元。")
    findings = evaluate(fill(*_case(clean_data, change))).findings
    assert [f.code for f in findings] == ["C005"]  # no C003 on the text, no T001 on the slip
    f = findings[0]
    assert (f.severity.value, f.defined_name, f.actual, f.expected) == (
        "info", "income_total", "550.01", "550.00")
    assert "各项收入之和为 550.00" in f.message and "相差 0.01" in f.message
