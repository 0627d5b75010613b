"""报告核对: the figures and claims of the department's own text against its data (C003, C004).

The seed report's full text sits in the seed sample's 报告正文; every key figure in it must be
bound to the right field or metric and verified, its "年末资金无结余" must be contradicted, and
changing three of its figures must give exactly three C003. Other wordings (亿元 and 元,
full-width digits, thousands separators, other orders, two amounts in one clause, 分别 lists)
are read through the pure functions over the seed's data.
"""

from __future__ import annotations

import copy
import warnings
from dataclasses import replace
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from conftest import CLEAN, SEED

from xlsxperf import schema as S
from xlsxperf.evaluation import Evaluation, evaluate, evaluate_submission
from xlsxperf.model import Severity, Value
from xlsxperf.narrative import (
    MAX_FIGURES,
    MISMATCH,
    TEXT_FIELDS,
    UNBOUND,
    VERIFIED,
    Figure,
    Narrative,
    indicator_phrases,
    read_narrative,
)
from xlsxperf.report import write_evaluation


@pytest.fixture(scope="module")
def seed() -> Evaluation:
    return evaluate(SEED)


@pytest.fixture(scope="module")
def seed_text(seed: Evaluation) -> Narrative:
    return read_narrative(seed.submission, seed.calc)


def narrate(ev: Evaluation, text: str, field: str = "report_text") -> Narrative:
    """The narrative of ``ev``'s data with ``text`` as the only long text, in ``field``."""
    sub = ev.submission
    fields = {k: v for k, v in sub.fields.items() if k not in TEXT_FIELDS}
    cell = sub[field].cell
    fields[field] = Value(text, text, cell)
    return read_narrative(replace(sub, fields=fields), ev.calc)


def figure(n: Narrative, text: str, clause: str = "", field: str = "report_text") -> Figure:
    hits = [f for f in n.figures if f.field == field and f.text == text and clause in f.clause]
    assert len(hits) == 1, (text, clause, [(f.text, f.clause) for f in n.figures])
    return hits[0]


def indicator_key(ev: Evaluation, name: str, what: str) -> str:
    row = next(i.row.number for i in ev.calc.indicators if i.name == name)
    return f"indicator.{row}.{what}"


# -- the seed report ------------------------------------------------------------------------

SEED_FIGURES = [  # words in the clause, the figure as written, the key, the data as shown
    ("收入合计", "414.31 万元", "income_total", "414.31 万元"),
    ("一般公共预算财政拨款收入", "414.31 万元", "income_general_budget", "414.31 万元"),
    ("一般公共预算财政拨款收入", "100%", "income.share_pct.general_budget", "100%"),
    ("支出合计", "414.31 万元", "exp_total", "414.31 万元"),
    ("基本支出", "269.75 万元", "exp_basic", "269.75 万元"),
    ("基本支出", "65.11%", "expenditure.share_pct.basic", "65.11%"),
    ("项目支出", "144.56 万元", "exp_project", "144.56 万元"),
    ("项目支出", "34.89%", "expenditure.share_pct.project", "34.89%"),
    ("核定人员编制", "10 个", "quota_total", "10 人"),
    ("行政编制", "9 个", "quota_admin", "9 人"),
    ("行政工勤", "1 个", "quota_worker", "1 人"),
    ("期末实有人数", "18 人", "staff_total", "18 人"),
    ("其中行政", "9 人", "staff_admin", "9 人"),
    ("事业", "8 人", "staff_institution", "8 人"),
    ("结转和结余", "0 万元", "balance_end", "0.00 万元"),
    ("年初预算", "70.40 万元", "projects.special.initial", "70.40 万元"),
    ("实际执行", "53.27 万元", "projects.special.actual", "53.27 万元"),
    ("预算执行率", "75.67%", "projects.by_category.special.execution_rate_pct", "75.67%"),
    ("自评得分", "98分", "self_total", "98 分"),
]

COMPLETIONS = [("136.14%", "招商引资签约总金额"), ("163.48%", "省外产业项目新增实际到位资金"),
               ("160%", "实际利用外资"), ("100%", "外商直接到资（FDI）")]


@pytest.mark.parametrize("words, text, key, shown", SEED_FIGURES, ids=[f[2] for f in SEED_FIGURES])
def test_seed_key_figures_are_bound_and_verified(seed_text: Narrative, words: str, text: str,
                                                  key: str, shown: str) -> None:
    f = figure(seed_text, text, words)
    assert (f.key, f.verdict) == (key, VERIFIED)
    assert f.data is not None and f.data.shown == shown


def test_seed_completions_bind_in_order_to_the_indicators_listed(seed: Evaluation,
                                                                 seed_text: Narrative) -> None:
    # five figures (签约项目18个 first) precede four percentages: they pair with the last four
    for text, name in COMPLETIONS:
        f = figure(seed_text, text, "分别完成")
        assert f.key == indicator_key(seed, name, "completion_pct"), text
        assert f.verdict == VERIFIED
    listed = [("18个", "招商引资签约项目数"), ("176.98亿元", "招商引资签约总金额"),
              ("122.61亿元", "省外产业项目新增实际到位资金"), ("1.2亿元", "实际利用外资"),
              ("374.5万美元", "外商直接到资（FDI）")]
    for text, name in listed:
        f = figure(seed_text, text)
        assert (f.key, f.verdict) == (indicator_key(seed, name, "actual"), VERIFIED)
    assert figure(seed_text, "176.98亿元").qualifier == "at-least"  # 签约总金额超176.98亿元


def test_seed_has_no_mismatch_and_lists_what_it_cannot_bind(seed: Evaluation,
                                                            seed_text: Narrative) -> None:
    assert seed_text.mismatches == ()
    assert {f.text for f in seed_text.unbound} >= {"140余家", "800亿元", "81 次"}
    assert not [f for f in seed.findings if f.code == "C003"]


def test_seed_no_balance_claim_is_c004(seed: Evaluation) -> None:
    c004 = [f for f in seed.findings if f.code == "C004"]
    balance = [f for f in c004 if "年末资金无结余" in f.message]
    assert len(balance) == 1
    f = balance[0]
    assert (f.sheet, f.cell) == (S.CONCLUSION, seed.submission["report_text"].cell.ref)
    assert "17.13 万元" in f.expected and f.actual == "无结余"
    assert f.severity == Severity.WARNING and f.name == "narrative-claim"
    # "预期目标已全面实现" while 重点在谈“553”企业项目 reached 16 of 20
    assert any("全面实现" in f.message and "16 个" in f.message for f in c004)
    # "圆满完成市下目标": the paragraph's own indicators were all met
    assert not any("圆满完成" in f.message for f in c004)


def test_three_changed_figures_are_three_c003(fill: Any, seed_data: tuple) -> None:
    fields, projects, indicators = copy.deepcopy(seed_data)
    text = fields["report_text"]
    for old, new in (("占 65.11%", "占 66.11%"), ("收入合计 414.31 万元", "收入合计 415.31 万元"),
                     ("自评得分98分", "自评得分96分")):
        assert text.count(old) == 1
        text = text.replace(old, new)
    fields["report_text"] = text
    ev = evaluate(fill(fields, projects, indicators))
    c003 = sorted((f for f in ev.findings if f.code == "C003"), key=lambda f: f.message)
    assert len(c003) == 3, [f.message for f in c003]
    quoted = {"占 66.11%": ("65.11%", "66.11%", "±0.005%"),
              "收入合计 415.31 万元": ("414.31 万元", "415.31 万元", "±0.005 万元"),
              "自评得分96分": ("98 分", "96分", "±0.5 分")}
    for clause, (expected, actual, tolerance) in quoted.items():
        f = next(f for f in c003 if clause in f.message)
        assert (f.expected, f.actual, f.tolerance) == (expected, actual, tolerance)
        assert (f.sheet, f.cell) == (S.CONCLUSION, ev.submission["report_text"].cell.ref)
        assert f.severity == Severity.WARNING and f.name == "narrative-number-mismatch"
        assert "{" not in f.message and "{" not in f.message_en
    assert "收支情况!B12" in next(f.message for f in c003 if "66.11%" in f.message)  # 基本支出


# -- other wording ---------------------------------------------------------------------------


@pytest.mark.parametrize("text, figure_text, verdict", [
    ("2022 年度收入合计0.041431亿元。", "0.041431亿元", VERIFIED),
    ("收入合计0.0414亿元。", "0.0414亿元", VERIFIED),  # 414 万元 ± 0.5 万元
    ("收入合计0.0415亿元。", "0.0415亿元", MISMATCH),
    ("收入合计 4,143,100 元。", "4,143,100 元", VERIFIED),
    ("收入合计 4,143,200 元。", "4,143,200 元", MISMATCH),
    ("收入合计４１４．３１万元。", "４１４．３１万元", VERIFIED),
    ("收入合计４１５．３１万元。", "４１５．３１万元", MISMATCH),
    ("收入合计 414.3 万元。", "414.3 万元", VERIFIED),  # ± 0.05
    ("收入合计 414 万元。", "414 万元", VERIFIED),  # ± 0.5
    ("收入合计 413 万元。", "413 万元", MISMATCH),
])
def test_units_digits_and_precision(seed: Evaluation, text: str, figure_text: str,
                                    verdict: str) -> None:
    f = figure(narrate(seed, text), figure_text)
    assert f.key == "income_total"
    assert f.verdict == verdict


def test_full_width_share(seed: Evaluation) -> None:
    n = narrate(seed, "基本支出２６９．７５万元，占６５．１１％；项目支出１４４．５６万元，占３５．８９％。")
    assert figure(n, "６５．１１％").verdict == VERIFIED
    wrong = figure(n, "３５．８９％")
    assert (wrong.key, wrong.verdict) == ("expenditure.share_pct.project", MISMATCH)


def test_figures_in_another_order(seed: Evaluation) -> None:
    n = narrate(seed, "项目支出 144.56 万元，占 34.89%；基本支出 269.75 万元，占 65.11%。"
                      "事业 8 人，行政 9 人，工勤 1 人，期末实有人数共 18 人。"
                      "基本支出占支出合计的 65.11%。自评得分 98 分，其中预算执行率得分 10 分。")
    keys = [(f.text, f.key, f.verdict) for f in n.figures]
    assert keys == [
        ("144.56 万元", "exp_project", VERIFIED), ("34.89%", "expenditure.share_pct.project", VERIFIED),
        ("269.75 万元", "exp_basic", VERIFIED), ("65.11%", "expenditure.share_pct.basic", VERIFIED),
        ("8 人", "staff_institution", VERIFIED), ("9 人", "staff_admin", VERIFIED),
        ("1 人", "staff_worker", VERIFIED), ("18 人", "staff_total", VERIFIED),
        ("65.11%", "expenditure.share_pct.basic", VERIFIED),
        ("98 分", "self_total", VERIFIED), ("10 分", "budget_score", VERIFIED),
    ]


def test_a_clause_with_two_amounts(seed: Evaluation) -> None:
    n = narrate(seed, "基本支出269.75万元、项目支出144.56万元。")
    assert [(f.key, f.verdict) for f in n.figures] == [("exp_basic", VERIFIED),
                                                       ("exp_project", VERIFIED)]
    n = narrate(seed, "基本支出269.75万元、项目支出145.56万元。")
    assert [(f.key, f.verdict) for f in n.figures] == [("exp_basic", VERIFIED),
                                                       ("exp_project", MISMATCH)]
    assert n.mismatches[0].data.shown == "144.56 万元"
    assert n.mismatches[0].clause == "基本支出269.75万元、项目支出145.56万元"


def test_quota_and_staff_by_what_the_sentence_named_first(seed: Evaluation) -> None:
    n = narrate(seed, "核定编制 10 人，其中行政 9 人、工勤 1 人；期末实有 18 人，其中行政 9 人。")
    assert [f.key for f in n.figures] == ["quota_total", "quota_admin", "quota_worker",
                                          "staff_total", "staff_admin"]
    assert all(f.verdict == VERIFIED for f in n.figures)


def test_respectively_pairs_in_order_and_matches_by_value(seed: Evaluation) -> None:
    # 到位资金 alone does not name the indicator: its figure's value does
    n = narrate(seed, "签约总金额176.98亿元，到位资金122.61亿元，分别完成目标的136.14%和163.48%。")
    first, second = figure(n, "136.14%"), figure(n, "163.48%")
    assert first.key == indicator_key(seed, "招商引资签约总金额", "completion_pct")
    assert second.key == indicator_key(seed, "省外产业项目新增实际到位资金", "completion_pct")
    assert first.verdict == second.verdict == VERIFIED
    swapped = narrate(seed, "签约总金额176.98亿元，到位资金122.61亿元，分别完成目标的163.48%和136.14%。")
    assert len(swapped.mismatches) == 2


def test_qualifiers_changes_other_years_and_plans(seed: Evaluation) -> None:
    n = narrate(seed, "签约总金额超170亿元。签约总金额超180亿元。签约总金额约177亿元。"
                      "收入合计较上年增加 20.00 万元。2021 年收入合计 400.00 万元。"
                      "邀请140余家企业参会。")
    assert figure(n, "170亿元").verdict == VERIFIED
    assert figure(n, "180亿元").verdict == MISMATCH
    assert figure(n, "177亿元").verdict == VERIFIED
    for text in ("20.00 万元", "400.00 万元", "140余家"):
        assert figure(n, text).verdict == UNBOUND, text
    plan = narrate(seed, "年度目标：招商引资签约总金额 130 亿元。", field="goals")
    f = figure(plan, "130 亿元", field="goals")
    assert (f.key, f.verdict) == (indicator_key(seed, "招商引资签约总金额", "target"), VERIFIED)


def test_budget_words_and_words_the_template_does_not_hold(seed: Evaluation) -> None:
    n = narrate(seed, "项目支出预算 161.69 万元，实际支出 144.56 万元，执行率 89.41%。"
                      "离退休人员 15 人，行政村 8 个。收入预算 500.00 万元。")
    assert [(f.key, f.verdict) for f in n.figures[:3]] == [
        ("exec_project_budget", VERIFIED), ("exec_project_actual", VERIFIED),
        ("execution.rate_pct.project", VERIFIED)]
    assert [f.verdict for f in n.figures[3:]] == [UNBOUND] * 3


def test_a_long_hostile_text_is_read_within_limits(seed: Evaluation) -> None:
    import time

    start = time.perf_counter()
    n = narrate(seed, ("行政1人，占1%、" * 3000)[:32767])
    assert len(n.figures) == MAX_FIGURES
    assert time.perf_counter() - start < 10


def test_indicator_phrases() -> None:
    assert "签约总金额" in indicator_phrases("招商引资签约总金额")
    assert "招商引资签约项目" in indicator_phrases("招商引资签约项目数")
    assert "外商直接到资" in indicator_phrases("外商直接到资（FDI）")
    assert "总金额" not in indicator_phrases("招商引资签约总金额")  # too short to name it


def test_claims_read_as_claims(seed: Evaluation) -> None:
    n = narrate(seed, "预算资金未能全额执行。力争全面完成年度目标。全部支出中基本支出占 65.11%。"
                      "项目资金执行 100%。")
    assert [(c.words, c.holds) for c in n.claims] == [("100%", False)]  # 89.41% executed
    assert "89.41%" in n.claims[0].data
    for field in ("goals", "tasks", "suggestions"):  # what is to be done is no claim
        assert narrate(seed, "各项目标全部完成，资金无结余。", field=field).claims == ()


# -- both sides of each rule, through the whole check ----------------------------------------


CLEAN_REPORT = (
    "2022 年度收入合计 550.00 万元，其中：一般公共预算财政拨款收入 520.00 万元，占 94.55%；"
    "政府性基金预算拨款收入 30.00 万元，占 5.45%。支出合计 530.00 万元，其中基本支出 380.00 万元，"
    "占 71.70%；项目支出 150.00 万元，占 28.30%。年末结转和结余 30.00 万元。核定编制 30 人，"
    "期末实有人数 29 人。预算执行率 97.25%。各项绩效目标均已完成，部门整体绩效自评得分 98.72 分。"
)


def _codes(fill: Any, clean_data: tuple, text: str, **indicator: Any) -> list[Any]:
    fields, projects, indicators = copy.deepcopy(clean_data)
    fields["report_text"] = text
    indicators[0].update(indicator)
    return [f for f in evaluate(fill(fields, projects, indicators)).findings
            if f.code in ("C003", "C004")]


def test_a_truthful_report_trips_nothing(fill: Any, clean_data: tuple) -> None:
    fields, projects, indicators = copy.deepcopy(clean_data)
    fields["report_text"] = CLEAN_REPORT
    ev = evaluate(fill(fields, projects, indicators))
    assert [f.code for f in ev.findings] == []
    n = read_narrative(ev.submission, ev.calc)
    mine = [f for f in n.figures if f.field == "report_text"]
    assert len(mine) == 15 and {f.verdict for f in mine} == {VERIFIED}
    assert [(c.words, c.holds) for c in n.claims] == [("均已完成", True)]


@pytest.mark.parametrize("text, code, quoted", [
    ("年末资金无结余。", "C004", "年末资金无结余"),
    ("预算资金全额执行。", "C004", "预算资金全额执行"),
    ("2022 年度收入合计 560.00 万元。", "C003", "收入合计 560.00 万元"),
])
def test_rule_trips_on_the_clean_data(fill: Any, clean_data: tuple, text: str, code: str,
                                      quoted: str) -> None:
    found = _codes(fill, clean_data, text)
    assert [f.code for f in found] == [code]
    assert quoted in found[0].message and found[0].cell == "B10"


def test_completion_claim_both_sides(fill: Any, clean_data: tuple) -> None:
    text = "各项绩效目标全部完成。"
    assert _codes(fill, clean_data, text) == []
    found = _codes(fill, clean_data, text, actual=D(11), score=D("18.33"))  # 11 of 12
    assert [f.code for f in found] == ["C004"]
    assert "完成统计调查项目数" in found[0].message and "11 项" in found[0].message


@pytest.mark.parametrize("text, why", [
    ("该项目各项建设任务已全部完成。", "无法确定"), ("统计调查专项经费项目各项任务均已完成。", "项目的任务"),
    ("除个别指标外，各项绩效目标均已完成。", "除去了一部分"),
])
def test_completion_of_a_projects_tasks_or_of_all_but_some_is_not_checked(fill: Any, clean_data: tuple,
                                                                           text: str, why: str) -> None:
    """One indicator is unmet (11 of 12): a project's tasks are not the department's indicators,
    and 除个别指标外 owns up to it."""
    assert _codes(fill, clean_data, text, actual=D(11), score=D("18.33")) == []
    fields, projects, indicators = copy.deepcopy(clean_data)
    fields["report_text"] = text
    ev = evaluate(fill(fields, projects, indicators))
    claims = read_narrative(ev.submission, ev.calc).claims
    assert [c.holds for c in claims] == [None] and why in claims[0].data


def test_negated_claims_and_true_figures_stay_quiet(fill: Any, clean_data: tuple) -> None:
    assert _codes(fill, clean_data, "预算资金未能全额执行，年末结转和结余 30.00 万元，未能全部支出。") == []


def _balance_claims(fill: Any, clean_data: tuple, text: str, spent: tuple[str, ...] = ()
                    ) -> tuple[list[Any], list[Any]]:
    """The C003 / C004 findings and the claims of ``text`` on the clean data, with the projects
    named in ``spent`` (all: ``("*",)``) spending their whole budget; the department keeps its
    年末结转和结余 of 30.00 万元 either way."""
    fields, projects, indicators = copy.deepcopy(clean_data)
    fields["report_text"] = text
    for p in projects:
        if "*" in spent or p["name"] in spent:
            p.update(budget=p["actual"], rate=D("100.00"), balance=D("0.00"))
    ev = evaluate(fill(fields, projects, indicators))
    claims = list(read_narrative(ev.submission, ev.calc).claims)
    return [f for f in ev.findings if f.code in ("C003", "C004")], claims


def test_a_claim_about_a_named_project_is_checked_on_that_project(fill: Any, clean_data: tuple) -> None:
    """信息化运维经费 spent its whole budget: saying so is no claim about the department's
    year-end balance (30.00 万元), nor about the other projects."""
    found, claims = _balance_claims(fill, clean_data, "信息化运维经费项目资金已全部支付。", ("信息化运维经费",))
    assert found == [] and [c.holds for c in claims] == [True]
    found, _ = _balance_claims(fill, clean_data, "统计调查专项经费资金已全部支付。", ("信息化运维经费",))
    assert [f.code for f in found] == ["C004"]
    assert "“统计调查专项经费”全年预算数比全年执行数多 4.00 万元" in found[0].expected


def test_a_claim_about_a_project_the_sentence_does_not_name_is_not_checked(fill: Any,
                                                                          clean_data: tuple) -> None:
    found, claims = _balance_claims(fill, clean_data, "该项目已于 10 月完工，资金已全部支付。")
    assert found == []
    assert [(c.words, c.holds) for c in claims] == [("全部支付", None)]
    assert "无法确定" in claims[0].data
    from xlsxperf.report.narrative_sheet import CLAIM_ZH

    assert CLAIM_ZH[claims[0].holds] == "无法核对"  # as the 报告核对 sheet lists it


def test_a_full_execution_claim_about_a_named_project_is_checked_on_that_project(
        fill: Any, clean_data: tuple) -> None:
    """The department executed 97.25%: 信息化运维经费 executing its whole budget is still true."""
    found, claims = _balance_claims(fill, clean_data, "信息化运维经费项目资金全额执行。", ("信息化运维经费",))
    assert found == [] and [(c.words, c.holds) for c in claims] == [("全额执行", True)]
    found, _ = _balance_claims(fill, clean_data, "普查工作经费全额执行。", ("信息化运维经费",))
    assert [f.code for f in found] == ["C004"] and "“普查工作经费”预算执行率 92.59%" in found[0].expected
    found, claims = _balance_claims(fill, clean_data, "该项目资金已全额执行。")
    assert found == [] and [c.holds for c in claims] == [None]


@pytest.mark.parametrize("text", ["除统计调查专项经费外，其余项目资金已全部支付。",
                                  "普查工作经费以外的项目资金均已全额执行。", "其他项目资金已全部支出。"])
def test_all_projects_but_some_cannot_be_checked(fill: Any, clean_data: tuple, text: str) -> None:
    """The project the sentence leaves out has money left; which ones it means, the data
    cannot tell: listed as not checked, never held against the one left out."""
    found, claims = _balance_claims(fill, clean_data, text, ("信息化运维经费", "聘用人员经费"))
    assert found == [] and [c.holds for c in claims] == [None]


def test_the_projects_money_is_not_the_departments_balance(fill: Any, clean_data: tuple) -> None:
    """Every project spent its budget: 项目资金全部支出 holds though the department has a
    year-end balance; 年末资金无结余 does not."""
    found, claims = _balance_claims(fill, clean_data, "项目资金已全部支出。", ("*",))
    assert found == [] and [c.holds for c in claims] == [True]
    found, _ = _balance_claims(fill, clean_data, "项目资金已全部支出，年末资金无结余。", ("*",))
    assert [f.code for f in found] == ["C004"] and "年末资金无结余" in found[0].message
    assert "30.00 万元" in found[0].expected


def test_clean_sample_without_report_text_has_no_warning() -> None:
    ev = evaluate(CLEAN)
    assert ev.submission.get("report_text") is None
    assert [f.code for f in ev.findings if f.severity.rank >= Severity.WARNING.rank] == []


# -- the 报告核对 sheet -----------------------------------------------------------------------


def _sheet(path: Path) -> list[tuple]:
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(path)
    return wb, [tuple(c.value for c in row) for row in wb["报告核对"].iter_rows()]


def test_sheet_lists_the_seed_figures_with_verdicts(seed: Evaluation, seed_text: Narrative,
                                                    tmp_path: Path) -> None:
    wb, rows = _sheet(write_evaluation(seed, tmp_path / "seed.xlsx"))
    assert wb.sheetnames.index("报告核对") == 4
    figures = [r for r in rows if isinstance(r[0], int) and r[3] is not None and r[7] in
               ("核对一致", "不一致", "未能对应")]
    assert len(figures) == len(seed_text.figures)
    by = {(r[2], r[3]): r for r in figures}
    share = next(r for (clause, text), r in by.items() if text == "65.11%")
    assert share[4] == "基本支出占比" and share[5] == "65.11%" and share[6] == "收支情况!B12"
    assert share[7] == "核对一致"
    assert {r[7] for r in figures} == {"核对一致", "未能对应"}
    assert next(r for r in figures if r[3] == "140余家")[7] == "未能对应"
    claim = next(r for r in rows if r[3] == "无结余")
    assert claim[2] == "年末资金无结余" and claim[7] == "与数据矛盾" and "17.13" in claim[4]
    assert claim[6] == "项目支出!F4:F6"


def test_sheet_keeps_text_as_text(seed: Evaluation, tmp_path: Path) -> None:
    sub = seed.submission
    hostile = "=1+收入合计 415.31 万元"
    fields = {**sub.fields, "report_text": Value(hostile, hostile, sub["report_text"].cell)}
    ev = evaluate_submission(replace(sub, fields=fields))
    wb, rows = _sheet(write_evaluation(ev, tmp_path / "hostile.xlsx"))
    ws = wb["报告核对"]
    cells = [c for row in ws.iter_rows() for c in row if c.value == hostile]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)
    assert any(r[3] == "415.31 万元" and r[7] == "不一致" for r in rows)


FOUR_WAYS = (  # every way a number is accounted for, on the seed's data
    "2022 年度收入合计 414.31 万元，较上年增加 20.00 万元，增长 5.07%。"  # 一致, 不比较 ×2
    "基本支出 269.75 万元，占 66.11%。"  # 一致, 不一致
    "截至 9 月底，预算执行率为 70.12%。"  # 不比较 (期间)
    "全年接待客商 120 批次、考察 35 次，排名全市第 2 名，历时 3 个月完成。"  # 未能对应, 不比较
    "2021 年收入合计 400.00 万元，政府采购执行率 100%，比目标值高 2 个百分点。"
)


def test_sheet_accounts_for_every_number(seed: Evaluation, tmp_path: Path) -> None:
    """一致 + 不一致 + 未能对应 + 不比较 = every number followed by a unit in the text."""
    from narrative_corpus import numbers_in

    sub = seed.submission
    fields = {**sub.fields, "report_text": Value(FOUR_WAYS, FOUR_WAYS, sub["report_text"].cell)}
    ev = evaluate_submission(replace(sub, fields=fields))
    mine = [f for f in ev.narrative.figures if f.field == "report_text"]
    assert len(mine) == len(numbers_in(FOUR_WAYS))  # found independently of the checker
    outcomes = [f.outcome for f in mine]
    assert {"verified", "mismatch", "unbound", "not-compared"} <= set(outcomes)
    assert [f.why for f in mine if f.why] == ["增长", "增长", "期间", "序数", "时长", "年份", "差额"]

    wb, rows = _sheet(write_evaluation(ev, tmp_path / "four.xlsx"))
    verdicts = ("核对一致", "不一致", "未能对应", "不比较")
    listed = [r for r in rows if isinstance(r[0], int) and r[7] in verdicts]
    counts = {v: sum(1 for r in listed if r[7] == v) for v in verdicts}
    assert sum(counts.values()) == len(ev.narrative.figures)
    assert counts["不一致"] == 1 and counts["不比较"] == len(ev.narrative.not_compared)
    heading = rows[1][0]
    total = len(ev.narrative.figures)
    assert f"共找到 {total} 个数字" in heading
    for v, n in counts.items():
        assert f"{v} {n} 个" in heading, (v, n, heading)
    assert "增长 2 个" in heading and "期间 1 个" in heading
    why = next(r for r in listed if r[3] == "70.12%")
    assert why[8].startswith("期间：")  # the reason is written beside it


def test_the_phrase_index_keeps_every_name_the_text_may_hold() -> None:
    """Only the names whose last characters the texts hold are indexed; those are all kept."""
    from xlsxperf.narrative import PhraseIndex, fold

    text = fold("签约总金额超176.98亿元，好路率达95.6%。").text
    ends = frozenset(text[i:i + n] for n in (2, 3, 4) for i in range(len(text) - n + 1))
    assert indicator_phrases("招商引资签约总金额", ends) == indicator_phrases("招商引资签约总金额")
    assert indicator_phrases("好路率", ends) == ("好路率",)
    assert indicator_phrases("群众满意度", ends) == ()  # not in the text: cannot be found
    index = PhraseIndex([])
    assert index.ending_at(text, text.index("超"), 0) == []
