"""The year-over-year rules (Y) on both sides, the library and command-line pairing, the sample
pair, and the JSON ``previous``.

The clean sample is this year (2022); last year is the same unit's 2021 workbook, built from
it so that nothing trips: last year's achievements are at most this year's targets, its year-end
figures are this year's opening ones, its texts differ. Each case changes one side.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import SAMPLES, SEED
from test_rules import TRIPS

from xlsxperf import schema as S
from xlsxperf.cli import cli
from xlsxperf.evaluation import Evaluation, evaluate
from xlsxperf.rules import load_all
from xlsxperf.rules.yearly import similarity_pct

Data = tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]
Change = Callable[[dict, list, list], None]
SEED_2021 = SAMPLES / "2021_市中区经济合作局.xlsx"
WHERE = {code: where for code, _, where in TRIPS if code.startswith("Y")}

LAST_PROBLEMS = ("1. 统计调查项目经费年初预算偏紧，年中追加较多，预算编制的前瞻性不足。\n"
                 "2. 信息化运维合同签订较晚，运维经费支出集中在第四季度。")
LAST_SUGGESTIONS = ("1. 提前梳理下年度统计调查任务，按任务测算经费。\n"
                    "2. 年初签订运维合同，按季度支付运维费用，均衡支出进度。")


def last_year(clean: Data) -> Data:
    """The clean unit's 2021 workbook: consistent with 2022, trips no Y rule."""
    fields, projects, indicators = copy.deepcopy(clean)
    fields.update(
        eval_year=2021, fill_date=fields["fill_date"].replace(year=2022),
        staff_admin=18, staff_institution=8, staff_worker=2, staff_total=28,
        flow_start=27, flow_in=1, flow_hired=1, flow_out=1, flow_retired=0, flow_other=0,
        balance_start=D("0.00"), balance_end=D("10.00"),
        problems=LAST_PROBLEMS, suggestions=LAST_SUGGESTIONS)
    actuals = [D(12), D("1.2"), D(100), D(56), D(22), "达成", D(90)]
    for row, actual in zip(indicators, actuals, strict=True):
        row["actual"] = actual
    return fields, projects, indicators


def _fields(**values: Any) -> Change:
    def change(fields: dict, projects: list, indicators: list) -> None:
        fields.update(values)
    return change


def _indicator(i: int, **values: Any) -> Change:
    def change(fields: dict, projects: list, indicators: list) -> None:
        indicators[i].update(values)
    return change


def _full_marks(fields: dict, projects: list, indicators: list) -> None:
    """Every indicator met and given its weight."""
    for row in indicators:
        row["score"] = row["weight"]
    fields["self_total"] = sum((r["score"] for r in indicators), D(0)) + fields["budget_score"]


def _all_met(fields: dict, projects: list, indicators: list) -> None:
    """Last year: every indicator met exactly at this year's targets."""
    for i, actual in ((1, D(1)), (3, D(54)), (4, D(24))):
        indicators[i]["actual"] = actual


def _both(*changes: Change) -> Change:
    def change(fields: dict, projects: list, indicators: list) -> None:
        for c in changes:
            c(fields, projects, indicators)
    return change


@pytest.fixture
def pair(fill: Callable[..., Path], clean_data: Data) -> Callable[..., Evaluation]:
    """pair(this=change, last=change) -> this year's evaluation against last year's."""
    def make(this: Change | None = None, last: Change | None = None) -> Evaluation:
        now, then = copy.deepcopy(clean_data), last_year(clean_data)
        if this:
            this(*now)
        if last:
            last(*then)
        earlier = evaluate(fill(*then, name="2021.xlsx"))
        return evaluate(fill(*now, name="2022.xlsx"), previous=earlier)

    return make


def codes(ev: Evaluation, prefix: str = "Y") -> list[str]:
    return [f.code for f in ev.findings if f.code.startswith(prefix)]


def test_the_base_pair_is_paired_and_trips_no_y_rule(pair) -> None:
    ev = pair()
    assert ev.previous is not None and ev.previous.submission.year == 2021
    assert ev.previous_refused is None
    assert codes(ev) == []


# -- each rule tripped, at its cell, and a near miss -----------------------------------------


TRIPPED = [
    ("Y001", None, _indicator(0, actual=D(14)), WHERE["Y001"]),  # ≥: target 12, last year 14
    ("Y001", _indicator(1, target=D("1.5")), None, (S.INDICATORS, "E10")),  # ≤: 1.5 above 1.2
    ("Y002", _fields(problems=LAST_PROBLEMS.replace("年中", "年中再次")), None, WHERE["Y002"]),
    ("Y002", _fields(suggestions=LAST_SUGGESTIONS.replace("\n", "")), None, (S.CONCLUSION, "B8")),
    ("Y003", _both(_indicator(5, score=D(15)), _full_marks),
     _both(_all_met, _indicator(5, score=D(15)), _full_marks), WHERE["Y003"]),
    ("Y004", _fields(flow_start=27, flow_in=3), None, WHERE["Y004"]),  # 27, last year 28
    ("Y005", None, _fields(balance_end=D("12.00")), WHERE["Y005"]),
]


@pytest.mark.parametrize("code, this, last, where", TRIPPED,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(TRIPPED)])
def test_rule_trips(code: str, this: Change | None, last: Change | None, where: tuple,
                    pair) -> None:
    ev = pair(this, last)
    mine = [f for f in ev.findings if f.code == code]
    assert mine, f"{code} did not trip; got {codes(ev, '')}"
    assert codes(ev) == [code] * len(mine)  # and no other Y rule
    for f in mine:
        assert "2021" in f.message and "上年" in f.message and "{" not in f.message + f.message_en
        assert f.name == load_all()[code].name
    assert [(f.sheet, f.cell) for f in mine] == [where]


QUIET = [
    ("Y001", None, _indicator(0, actual=D(12))),  # last year's 12 equals the target
    ("Y001", None, _both(_indicator(0, actual=D(14), unit="个"))),  # 项 against 个: not compared
    ("Y001", None, _indicator(0, actual=D(14), nature="≤")),  # another nature
    ("Y001", None, _indicator(0, actual="十四")),  # not a number last year
    ("Y001", None, _indicator(0, actual=D(14), name="完成统计调查课题数")),  # no partner
    ("Y001", _indicator(1, target=D("1.2")), None),  # ≤ target equal to last year's 1.2
    ("Y002", _fields(problems="无"), _fields(problems="无")),  # too short to compare
    ("Y002", _fields(problems="暂无明显问题。"), _fields(problems="暂无明显问题。")),
    ("Y002", _fields(problems=LAST_PROBLEMS[:40] + "其余问题已在年内整改到位，下年度将继续跟踪落实。"),
     None),  # the first sentence only
    ("Y003", _both(_indicator(5, score=D(15)), _full_marks),
     _both(_indicator(5, score=D(15)), _full_marks)),  # full marks, but last year not all met
    ("Y003", _both(_indicator(5, score=D(15)), _full_marks),
     _all_met),  # last year all met, one not at full marks
    ("Y003", None, _both(_all_met, _indicator(5, score=D(15)), _full_marks)),  # this year 14 of 15
    ("Y004", None, None),
    ("Y004", _fields(flow_start=None), None),  # not filled: nothing to compare
    ("Y005", None, _fields(balance_end=D("10.004"))),  # within the rounding of two amounts
    ("Y005", None, _fields(balance_end=None)),
]


@pytest.mark.parametrize("code, this, last", QUIET, ids=[f"{c}-{i}" for i, (c, _, _) in
                                                          enumerate(QUIET)])
def test_rule_stays_quiet(code: str, this: Change | None, last: Change | None, pair) -> None:
    ev = pair(this, last)
    assert ev.previous is not None
    assert code not in codes(ev), [f.message for f in ev.findings if f.code == code]


def test_y001_names_last_year_both_values_and_both_cells(pair) -> None:
    f = next(f for f in pair(None, _indicator(0, actual=D(14))).findings if f.code == "Y001")
    assert f.actual == "12" and f.expected == "14"
    assert "本年指标值 12 项低于上年（2021 年度）实际完成值 14 项" in f.message
    assert "2021.xlsx 绩效指标!G9" in f.message and f.cell == "E9"


def test_y001_says_above_for_an_at_most_indicator(pair) -> None:
    f = next(f for f in pair(_indicator(1, target=D("1.5"))).findings if f.code == "Y001")
    assert "本年指标值 1.5%高于（反向指标）上年（2021 年度）实际完成值 1.2%" in f.message
    assert f.cell == "E10"


def test_unpaired_workbooks_run_no_y_rule(fill, clean_data: Data) -> None:
    """Data that would trip every Y rule, but last year is another unit: nothing is compared."""
    then = last_year(clean_data)
    then[0].update(unit_code="900109", staff_total=99, balance_end=D("99.00"),
                   problems=clean_data[0]["problems"])
    other = evaluate(fill(*then, name="other.xlsx"))
    ev = evaluate(fill(*clean_data, name="2022.xlsx"), previous=other)
    assert ev.previous is None and codes(ev) == []
    assert ev.previous_refused is not None and "单位编码不同" in ev.previous_refused


def test_a_workbook_two_years_back_is_not_paired(fill, clean_data: Data) -> None:
    then = last_year(clean_data)
    then[0]["eval_year"] = 2020
    ev = evaluate(fill(*clean_data, name="2022.xlsx"), previous=fill(*then, name="2020.xlsx"))
    assert ev.previous is None and "不是上一年度" in (ev.previous_refused or "")


def test_a_broken_previous_workbook_is_not_paired(fill, clean_data: Data, tmp_path: Path) -> None:
    broken = tmp_path / "2021.xlsx"
    broken.write_bytes(b"PK\x03\x04 truncated")
    ev = evaluate(fill(*clean_data, name="2022.xlsx"), previous=broken)
    assert ev.status == "ok" and ev.previous is None
    assert "无法审核" in (ev.previous_refused or "")


def test_similarity_is_a_documented_measure() -> None:
    text = "预算编制不够精细，年中追加较多；绩效目标不够量化，部分指标难以考核。"
    assert similarity_pct(text, text) == 100
    assert similarity_pct(text, text.replace("，", " ")) == 100  # punctuation and spaces folded
    assert similarity_pct("无", "无") is None
    moved = "绩效目标不够量化，部分指标难以考核；预算编制不够精细，年中追加较多。"
    same = similarity_pct(text, moved)
    assert same is not None and same >= 90  # sentences in another order are still copied
    other = "项目库建设滞后，储备项目不足，年初预算难以细化到项目；资产管理制度执行不严，账实不符。"
    low = similarity_pct(text, other)
    assert low is not None and low < 30


# -- the sample pair, the command line, JSON ---------------------------------------------------


def test_sample_pair_flags_the_signing_target_naming_last_year() -> None:
    ev = evaluate(SEED, previous=SEED_2021)
    assert ev.previous is not None
    ys = [f for f in ev.findings if f.code.startswith("Y")]
    assert [(f.code, f.cell) for f in ys] == [("Y001", "E9")]
    assert "招商引资签约总金额" in ys[0].message and "上年（2021 年度）" in ys[0].message
    assert "130" in ys[0].message and "150" in ys[0].message
    assert ev.metrics == evaluate(SEED).metrics  # pairing changes no figure of this year


def test_library_takes_an_earlier_evaluation_or_a_path() -> None:
    earlier = evaluate(SEED_2021)
    by_ev, by_path = evaluate(SEED, previous=earlier), evaluate(SEED, previous=str(SEED_2021))
    assert by_ev.previous is earlier
    assert [f.message for f in by_ev.findings] == [f.message for f in by_path.findings]


def test_check_previous_pairs_and_prints_json(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["check", "--format", "json", str(SEED), "--previous",
                                      str(SEED_2021), "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    f = doc["files"][0]
    assert f["previous"]["path"] == str(SEED_2021) and f["previous"]["year"] == 2021
    assert f["previous"]["metrics"]["income.total"] == 398.62
    assert f["previous"]["metrics"]["staff.control_rate_pct"] == 180
    assert f["previous_refused"] is None
    assert [x["code"] for x in f["findings"] if x["code"].startswith("Y")] == ["Y001"]
    assert f["metrics"]["execution.adjustment_rate_pct"] == 5.13


def test_check_previous_warns_and_does_not_pair_another_unit(tmp_path: Path) -> None:
    clean = SAMPLES / "2022_clean_example.xlsx"
    result = CliRunner().invoke(cli, ["check", "--format", "json", str(clean), "--previous",
                                      str(SEED_2021), "--fail-on", "never"])
    assert result.exit_code == 0
    assert "警告" in result.stderr and "不是同一单位" in result.stderr
    f = json.loads(result.stdout)["files"][0]
    assert f["previous"] is None and "不是同一单位" in f["previous_refused"]
    assert not [x for x in f["findings"] if x["code"].startswith("Y")]


def test_check_previous_warns_for_a_year_that_is_not_the_previous_one() -> None:
    result = CliRunner().invoke(cli, ["check", str(SEED_2021), "--previous", str(SEED)])
    assert "不是上一年度" in result.stderr and "Y00" not in result.stdout


def test_json_previous_is_null_without_previous() -> None:
    result = CliRunner().invoke(cli, ["check", "--format", "json", str(SEED), "--fail-on", "never"])
    f = json.loads(result.stdout)["files"][0]
    assert f["previous"] is None and f["previous_refused"] is None
    assert S.FIELDS["supervisor"].label == "主管部门" and f["supervisor"] == "乐山市市中区人民政府"
