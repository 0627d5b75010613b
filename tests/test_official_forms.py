"""Workbooks filled the way the official forms are written: 定性 levels in their long forms,
operators and units inside 指标值 and 完成值, 成本 as its own 一级, adjustments with their reasons.

The wording comes from the 2020 自评表 (财预〔2020〕10号) as provincial copies print and fill
it (Anhui, Sichuan, Chongqing): "≥50个", "≤90万元", "≥100百分比", "达成年度指标", "经济成本指标
≤ 30 万元" under 产出指标.
"""

from __future__ import annotations

import copy
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest

from xlsxperf import load_config
from xlsxperf import schema as S
from xlsxperf.evaluation import evaluate
from xlsxperf.model import Parse, Severity
from xlsxperf.read import read_submission

Data = tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]


def official_indicators() -> list[dict[str, Any]]:
    """The clean sample's indicators as a department copying the official forms writes them:
    指标性质 left blank (the 2020 form has no such column), operator and unit in 指标值, the long
    定性 level, 成本 as its own 一级 with 经济成本指标, the points printed in a 一级 label."""
    return [
        {"level1": "成本指标", "level2": "经济成本指标", "name": "普查工作经费",
         "target": "≤54万元", "actual": "50万元", "weight": D(10), "score": D(10)},
        {"level1": "产出指标（40分）", "level2": "数量指标", "name": "指标1：完成统计调查项目数",
         "target": "≥12项", "actual": "13项", "weight": D(20), "score": D(20)},
        {"level1": "产出指标", "level2": "质量指标", "name": "数据差错率",
         "target": "≤1%", "actual": "0.9%", "weight": D(10), "score": D(10)},
        {"level1": "产出指标", "level2": "时效指标", "name": "统计报表按时报送率",
         "target": "=100%", "actual": "100%", "weight": D(10), "score": D(10)},
        {"level1": "效益指标", "level2": "社会效益指标", "name": "统计数据发布次数",
         "target": "不少于24次", "actual": "26次", "weight": D(15), "score": D(15)},
        {"level1": "效益指标", "level2": "可持续影响指标", "name": "统计工作制度体系",
         "target": "制度健全、执行有效", "actual": "达成年度指标", "weight": D(15), "score": D(14)},
        {"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "数据使用单位满意度",
         "target": "≥90百分比", "actual": "93%", "weight": D(10), "score": D(10)},
    ]


def _official(clean_data: Data) -> Data:
    fields, projects, _ = copy.deepcopy(clean_data)
    return fields, projects, official_indicators()


def test_a_workbook_in_official_wording_has_no_filling_error_and_a_score(fill, clean_data) -> None:
    ev = evaluate(fill(*_official(clean_data)))
    assert [f.code for f in ev.findings if f.severity.rank >= Severity.WARNING.rank] == []
    assert ev.metrics["score.computed"] == D("98.72")  # as the clean sample, written plainly
    assert evaluate(fill(*clean_data)).metrics["score.computed"] == D("98.72")
    natures = [i.nature for i in ev.indicators]
    assert natures == ["≤", "≥", "≤", "=", "≥", "定性", "≥"]  # taken from 指标值
    assert [i.row.get("unit") for i in ev.indicators][:3] == ["万元", "项", "%"]
    assert ev.indicators[5].row.get("actual") == "达成" and ev.indicators[5].met is True


def test_the_same_workbook_with_a_cost_set_as_at_least_gets_p009(fill, clean_data) -> None:
    fields, projects, indicators = _official(clean_data)
    indicators[0]["target"] = "≥54万元"
    ev = evaluate(fill(fields, projects, indicators))
    p009 = [f for f in ev.findings if f.code == "P009"]
    assert [(f.severity, f.cell) for f in p009] == [(Severity.WARNING, "E9")]
    assert "成本" in p009[0].message and ev.metrics["score.computed"] is not None
    # the direction is in doubt: no “unmet”, “inflated” or “target too low” drawn from it
    assert [f.code for f in ev.findings if f.severity.rank >= Severity.WARNING.rank] == ["P009"]
    # a cost written the Sichuan way, 经济成本指标 under 产出指标, set as ≥ in 指标性质
    indicators[0].update(level1="产出指标", nature="≥", target=D(54), unit="万元")
    p009 = [f for f in evaluate(fill(fields, projects, indicators)).findings if f.code == "P009"]
    assert [f.cell for f in p009] == ["D9"]


@pytest.mark.parametrize("level, short", [
    ("达成年度指标", "达成"),
    ("部分达成年度指标并具有一定效果", "部分达成"),
    ("未达成年度指标且效果较差", "未达成"),
    ("达成预期指标", "达成"),
    ("部分达成预期指标", "部分达成"),
    ("未达成预期指标", "未达成"),
])
def test_long_and_short_levels_score_alike(fill, clean_data, level: str, short: str) -> None:
    fields, projects, indicators = copy.deepcopy(clean_data)
    indicators[5].update(actual=short, score=D(9), reason="部分制度尚在修订")
    plain = evaluate(fill(fields, projects, indicators))
    indicators[5]["actual"] = level
    official = evaluate(fill(fields, projects, indicators))
    assert official.indicators[5].score_computed == plain.indicators[5].score_computed
    assert official.indicators[5].met == plain.indicators[5].met
    assert {(f.code, f.cell) for f in official.findings} == {(f.code, f.cell) for f in plain.findings}


@pytest.mark.parametrize("words", ["完成", "好", "效果明显", "已完成"])
def test_free_words_are_no_level_and_no_accusation(fill, clean_data, words: str) -> None:
    """A 定性 完成值 that is no level cannot be told met or unmet: F007 asks for a level, P004
    stays quiet (no source maps 完成 to 达成)."""
    fields, projects, indicators = copy.deepcopy(clean_data)
    indicators[5]["actual"] = words
    ev = evaluate(fill(fields, projects, indicators))
    codes = [(f.code, f.cell) for f in ev.findings]
    assert ("F007", "G14") in codes
    assert "P004" not in [c for c, _ in codes] and "P003" not in [c for c, _ in codes]
    assert ev.indicators[5].met is None and ev.indicators[5].score_computed is None
    f007 = next(f for f in ev.findings if f.code == "F007")
    assert "达成年度指标" in f007.message


def test_free_words_on_a_quantitative_cost_row_are_not_a_breach(fill, clean_data) -> None:
    """Sichuan: 完成值 “完成” on a “≤ 30 万元” row: not a number (F002), never unmet (P004)."""
    fields, projects, indicators = copy.deepcopy(clean_data)
    indicators[3]["actual"] = "完成"
    codes = {f.code for f in evaluate(fill(fields, projects, indicators)).findings}
    assert "F002" in codes and "P004" not in codes


def test_operator_fills_a_blank_nature_and_the_unit(fill, clean_data) -> None:
    fields, projects, indicators = copy.deepcopy(clean_data)
    indicators[0].update(nature=None, unit=None, target="不低于12项")
    indicators[1].update(nature=None, target="1%以内")
    sub = read_submission(fill(fields, projects, indicators))
    first, second = sub.indicators.rows[:2]
    assert (first.get("nature"), first.get("unit"), first.get("target")) == ("≥", "项", D(12))
    assert (second.get("nature"), second.get("target")) == ("≤", D(1))
    assert first["nature"].cell is not None and first["nature"].cell.ref == "D9"


def test_quantitative_without_a_direction_is_asked_not_an_error(fill, clean_data) -> None:
    fields, projects, indicators = copy.deepcopy(clean_data)
    indicators[0].update(nature="定量")
    ev = evaluate(fill(fields, projects, indicators))
    f009 = [f for f in ev.findings if f.code == "F009"]
    assert [(f.severity, f.cell) for f in f009] == [(Severity.WARNING, "D9")]
    assert not [f for f in ev.findings if f.severity == Severity.ERROR]
    indicators[0].update(target="≥12")
    ev = evaluate(fill(fields, projects, indicators))
    assert "F009" not in {f.code for f in ev.findings} and ev.indicators[0].nature == "≥"


def test_unit_in_a_value_against_the_unit_column(fill, clean_data) -> None:
    fields, projects, indicators = copy.deepcopy(clean_data)
    indicators[3].update(actual="50万元")  # 度量单位 万元: the same
    indicators[1].update(target="28.8万元")  # 度量单位 %: not the same (Hunan's slip)
    ev = evaluate(fill(fields, projects, indicators))
    assert [(f.cell, f.actual) for f in ev.findings if f.code == "F010"] == [("E10", "28.8万元")]
    fields, projects, indicators = copy.deepcopy(clean_data)
    indicators[0].update(unit=None, target="≥12项", actual="13个")  # no 度量单位: 项 against 个
    ev = evaluate(fill(fields, projects, indicators))
    assert [f.cell for f in ev.findings if f.code == "F010"] == ["G9"]


def test_a_percent_typed_into_a_cell_has_the_unit_percent(fill, clean_data, tmp_path) -> None:
    from openpyxl import load_workbook

    fields, projects, indicators = copy.deepcopy(clean_data)
    path = fill(fields, projects, indicators)
    wb = load_workbook(path)
    ws = wb[S.INDICATORS]
    ws["G15"] = 0.93  # 数据使用单位满意度, 度量单位 %, typed as 93%
    ws["G15"].number_format = "0%"
    ws["G9"] = 0.93  # 完成统计调查项目数, 度量单位 项, typed as 93% by mistake
    ws["G9"].number_format = "0%"
    wb.save(path)
    ev = evaluate(path)
    assert ev.indicators[6].row.get("actual") == D(93)
    assert [f.cell for f in ev.findings if f.code == "F010"] == ["G9"]


def test_adjusted_target_is_scored_when_present(fill, clean_data) -> None:
    fields, projects, indicators = copy.deepcopy(clean_data)
    indicators[0].update(actual=D(13), score=D("18.57"), reason="年中调增任务",
                         target_adjusted=D(14), core="是")
    ev = evaluate(fill(fields, projects, indicators))
    first = ev.indicators[0]
    assert first.target == D(14) and first.score_computed == D("18.57") and first.met is False
    assert first.completion_pct == D("92.86")
    assert ev.indicators[0].row.get("core") == "是"
    assert "P002" not in {f.code for f in ev.findings}
    indicators[0].pop("target_adjusted")
    assert evaluate(fill(fields, projects, indicators)).indicators[0].score_computed == D(20)


def test_adjustments_need_a_reason_on_the_row_or_on_the_total(fill, clean_data) -> None:
    fields, projects, indicators = copy.deepcopy(clean_data)
    fields.update(exec_basic_initial=D("330.00"), exec_total_initial=D("480.00"))  # +16.67%
    ev = evaluate(fill(fields, projects, indicators))
    assert [f.cell for f in ev.findings if f.code == "R005"] == ["G23"]
    fields["exec_basic_adjust_reason"] = "年中追加人员经费"
    assert "R005" not in {f.code for f in evaluate(fill(fields, projects, indicators)).findings}
    fields.pop("exec_basic_adjust_reason")
    fields["exec_total_adjust_reason"] = "年中追加人员经费 55 万元"
    assert "R005" not in {f.code for f in evaluate(fill(fields, projects, indicators)).findings}


def test_a_project_new_in_the_year_is_an_adjustment(fill, clean_data) -> None:
    fields, projects, indicators = copy.deepcopy(clean_data)
    projects[3].update(initial=D(0))
    ev = evaluate(fill(fields, projects, indicators))
    r005 = [f for f in ev.findings if f.code == "R005"]
    assert [f.cell for f in r005] == ["K7"] and "年初预算为 0" in r005[0].message


def test_v1_workbooks_have_no_adjustment_reason_to_ask_for(fill, clean_data) -> None:
    fields, projects, indicators = copy.deepcopy(clean_data)
    projects[1].update(initial=D("40.00"))
    assert "R005" in {f.code for f in evaluate(fill(fields, projects, indicators)).findings}
    v1 = evaluate(fill(fields, projects, indicators, version=1))
    assert "R005" not in {f.code for f in v1.findings}


def test_sichuan_adjustments_of_any_size_need_a_reason(fill, clean_data, tmp_path) -> None:
    conf = tmp_path / "xlsxperf.toml"
    conf.write_text('profile = "sichuan"\n', encoding="utf-8")
    path = fill(*clean_data)  # the clean sample's projects are adjusted by 4%–8%
    codes = [f.code for f in evaluate(path, load_config(conf)).findings]
    assert codes.count("R005") == 6  # two 预算执行 rows and four projects
    assert "R005" not in [f.code for f in evaluate(path).findings]  # national: above 10% only


def test_text_over_the_profile_length_is_f012(fill, clean_data, tmp_path) -> None:
    conf = tmp_path / "xlsxperf.toml"
    conf.write_text('profile = "sichuan"\n', encoding="utf-8")
    config = load_config(conf)
    fields, projects, indicators = copy.deepcopy(clean_data)
    fields["problems"] = "预算编制不够精细，" * 22 + "已整改。"  # 202 characters
    path = fill(fields, projects, indicators, goals=[{"goal": "完成年度统计调查任务",
                                                      "actual": "按时完成。" * 25}])
    f012 = [f for f in evaluate(path, config).findings if f.code == "F012"]
    assert sorted((f.severity, f.sheet, f.cell, f.actual, f.expected) for f in f012) == [
        (Severity.INFO, S.GOALS, "C4", "125", "100"),
        (Severity.INFO, S.CONCLUSION, "B7", "202", "200")]
    assert all("四川" in f.message for f in f012)
    assert "F012" not in [f.code for f in evaluate(path).findings]  # national: no limit
    fields["problems"] = "预算编制不够精细，" * 22  # 198 characters, line breaks not counted
    fields["problems"] = fields["problems"].replace("，", "，\n")
    quiet = evaluate(fill(fields, projects, indicators), config)
    assert "F012" not in [f.code for f in quiet.findings]


def test_satisfaction_and_restated_outputs_under_benefit(fill, clean_data) -> None:
    fields, projects, indicators = copy.deepcopy(clean_data)
    indicators[4]["name"] = "群众满意度"
    indicators[5]["name"] = "指标1：完成统计调查项目数"  # the 产出 indicator of row 9, restated
    ev = evaluate(fill(fields, projects, indicators))
    assert [(f.code, f.cell) for f in ev.findings if f.code in ("P010", "P011")] == [
        ("P010", "C13"), ("P011", "C14")]
    p011 = next(f for f in ev.findings if f.code == "P011")
    assert "第 9 行" in p011.message


def test_national_weights_count_cost_as_output(fill, clean_data) -> None:
    """Under the national profile 成本 has no weight of its own: with 产出 it makes 50."""
    fields, projects, indicators = _official(clean_data)
    assert "P006" not in {f.code for f in evaluate(fill(fields, projects, indicators)).findings}
    indicators[0].update(weight=D(15), score=D(15))
    indicators[1].update(weight=D(15), score=D(15))  # 产出 + 成本 still 50
    assert "P006" not in {f.code for f in evaluate(fill(fields, projects, indicators)).findings}
    indicators[1].update(weight=D(10), score=D(10))
    indicators[4].update(weight=D(20), score=D(20))  # 产出 + 成本 45, 效益 35
    p006 = [f for f in evaluate(fill(fields, projects, indicators)).findings if f.code == "P006"]
    assert sorted(f.message for f in p006) == [
        "产出指标（含成本指标）权重合计 45 分，按全国口径（财预〔2020〕10号）应为 50 分",
        "效益指标权重合计 35 分，按全国口径（财预〔2020〕10号）应为 30 分"]


def test_goals_are_read_from_v2(fill, clean_data) -> None:
    goals = [{"seq": 1, "goal": "按时完成统计调查任务", "actual": "13 项调查全部按时完成"},
             {"seq": 2, "goal": "统计服务满意度不低于 90%"}]
    path = fill(*clean_data, goals=goals)
    sub = read_submission(path)
    assert [(r.get("goal"), r.get("actual")) for r in sub.annual_goals.rows] == [
        ("按时完成统计调查任务", "13 项调查全部按时完成"), ("统计服务满意度不低于 90%", None)]
    f001 = [f for f in evaluate(path).findings if f.code == "F001"]
    assert [(f.sheet, f.cell) for f in f001] == [(S.GOALS, "C5")]


def test_choice_words_of_the_forms(fill, clean_data) -> None:
    fields, projects, indicators = copy.deepcopy(clean_data)
    indicators[0]["nature"] = "正向指标"
    indicators[1]["nature"] = "反向指标"
    indicators[5]["nature"] = "定性指标"
    ev = evaluate(fill(fields, projects, indicators))
    assert [i.nature for i in ev.indicators][:2] == ["≥", "≤"] and ev.indicators[5].nature == "定性"
    assert not [f for f in ev.findings if f.severity == Severity.ERROR]


def test_every_version_reads_without_s003(fill, clean_data) -> None:
    for version in S.TEMPLATE_VERSIONS:
        sub = read_submission(fill(*clean_data, version=version))
        assert sub.template_version == version and sub.findings == [], version


def test_both_versions_side_by_side(fill, clean_data, seed_data) -> None:
    """The same data in v1 and v2: the same figures, the same findings at the same cells, but
    for R005, which needs the 调整原因 column only v2 has (the seed's 机关运转保障经费 went from
    35.00 to 39.29 万元, 12.26%, with no reason given)."""
    for data, adjusted in ((clean_data, []), (seed_data, [("项目支出", "K8")])):
        v1, v2 = (evaluate(fill(*data, version=v)) for v in (1, 2))
        assert v1.metrics == v2.metrics
        assert [i.to_dict() for i in v1.indicators] == [i.to_dict() for i in v2.indicators]
        assert [(f.code, f.sheet, f.cell, f.message) for f in v1.findings] == \
            [(f.code, f.sheet, f.cell, f.message) for f in v2.findings if f.code != "R005"]
        assert [(f.sheet, f.cell) for f in v2.findings if f.code == "R005"] == adjusted


def test_unknown_version_is_read_by_its_layout(fill, clean_data) -> None:
    from openpyxl import load_workbook

    for version in S.TEMPLATE_VERSIONS:
        path = fill(*clean_data, version=version)
        wb = load_workbook(path)
        wb[S.META_SHEET]["B2"] = "第三版"
        wb.save(path)
        s003 = [f for f in evaluate(path).findings if f.code == "S003"]
        assert [(f.actual, f.expected) for f in s003] == [("第三版", str(version))]


@pytest.mark.libreoffice
def test_a_filled_v2_resaved_by_libreoffice_reads_back_the_same(libreoffice, fill, clean_data,
                                                                tmp_path: Path) -> None:
    fields, projects, indicators = _official(clean_data)
    fields["exec_basic_adjust_reason"] = "年中追加人员经费"
    projects[1]["adjust_reason"] = "追加普查经费"
    indicators[1].update(target_adjusted="≥13项", core="是")
    goals = [{"seq": 1, "goal": "按时完成统计调查任务", "actual": "全部按时完成"}]
    original = fill(fields, projects, indicators, goals=goals)
    resaved = libreoffice.convert(original, "xlsx", tmp_path / "lo")
    a, b = read_submission(original), read_submission(resaved)
    assert b.template_version == 2 and b.findings == []
    for name in S.FIELDS:
        assert (b[name].value, b[name].cell) == (a[name].value, a[name].cell), name
    for table, data in a.tables():
        other = dict(b.tables())[table]
        assert [r.values for r in other.rows] == [r.values for r in data.rows], table.key
    assert len(b.annual_goals.rows) == 1 and b.indicators.rows[1].get("target_adjusted") == D(13)
    ea, eb = evaluate(original), evaluate(resaved)
    assert eb.metrics == ea.metrics and [f.code for f in eb.findings] == [f.code for f in ea.findings]


def test_values_of_the_forms_are_read_with_their_operator(fill, clean_data) -> None:
    fields, projects, indicators = copy.deepcopy(clean_data)
    indicators[0].update(target="＞＝１２项")
    indicators[2].update(target="≥ 100 %", actual="100%")
    sub = read_submission(fill(fields, projects, indicators))
    assert sub.indicators.rows[0].get("target") == D(12)
    assert sub.indicators.rows[0]["target"].parse == Parse.NORMALIZED  # full width: noted (F003)
    assert sub.indicators.rows[2]["actual"].parse == Parse.OK  # "100%": as the forms write it


def test_grade_bands_are_the_configurations_never_fixed_ones(fill, clean_data, tmp_path) -> None:
    from xlsxperf.rules import load_all

    conf = tmp_path / "xlsxperf.toml"
    conf.write_text('[grades]\n"优" = 95\n"良" = 85\n', encoding="utf-8")
    fields, projects, indicators = copy.deepcopy(clean_data)
    fields["self_grade"] = "优"  # 98.72 is 优 by the defaults and by these floors alike
    fields["self_total"], fields["budget_score"] = D("93.72"), D("9.72")
    indicators[0]["score"] = D(15)
    p007 = [f for f in evaluate(fill(fields, projects, indicators), load_config(conf)).findings
            if f.code == "P007"]
    assert len(p007) == 1 and "优 ≥ 95，良 85–95，中 60–85，差 < 60" in p007[0].message
    assert "90" not in p007[0].message.replace("93.72", "")
    for code, r in load_all().items():
        assert "优 ≥ 90" not in r.doc and "优 ≥ 90" not in r.zh, code
    assert "90" not in S.FIELDS["self_grade"].help
