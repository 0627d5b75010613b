"""The draft report paragraphs (报告要点): number wording and the seed report's sentences."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from conftest import MESSY, SEED

from xlsxperf.calc import compute
from xlsxperf.config import default_config
from xlsxperf.model import Cell, Submission, TableData, Value
from xlsxperf.read import read_submission
from xlsxperf.report import prose


@pytest.mark.parametrize("value, text", [
    (D("100.00"), "100%"), (D("65.11"), "65.11%"), (D("160.00"), "160%"), (D("0.00"), "0%"),
    (D("-0.00"), "0%"), (D("65.10"), "65.1%"), (D("75.665"), "75.67%"), (D("0.5"), "0.5%"),
    (D("1200"), "1200%"),
])
def test_percent_text_drops_trailing_zeros(value: D, text: str) -> None:
    assert prose.pct_text(value) == text


@pytest.mark.parametrize("value, text", [
    (D("414.31"), "414.31"), (D(0), "0.00"), (D("1200.5"), "1200.50"), (D("0.005"), "0.01"),
])
def test_amount_text_keeps_two_decimals(value: D, text: str) -> None:
    assert prose.amount_text(value) == text


def test_trimmed() -> None:
    assert [prose.trimmed(v) for v in (D("97.60"), D(98), D("0.75"), D("1E+2"), 18)] == \
        ["97.6", "98", "0.75", "100", "18"]


@pytest.fixture(scope="module")
def seed_sections() -> list[prose.Section]:
    sub = read_submission(SEED)
    return prose.report_sections(sub, compute(sub, default_config()))


def test_sections_follow_the_report_order(seed_sections: list[prose.Section]) -> None:
    assert [s.title for s in seed_sections] == [
        "一、部门基本情况", "二、部门财政资金收支情况", "三、项目支出执行情况", "四、绩效目标完成情况",
        "五、自评结论"]
    finance = seed_sections[1].paragraphs
    assert [p[:5] for p in finance] == ["（一）部门", "（二）部门", "（三）部门", "（四）预算"]


def test_seed_income_sentence_is_the_reports_own(seed_sections: list[prose.Section]) -> None:
    income = seed_sections[1].paragraphs[0]
    assert income == ("（一）部门财政资金收入情况。2022 年度收入合计 414.31 万元，其中：一般公共预算财政拨款收入 "
                      "414.31 万元，占 100%；政府性基金预算拨款收入 0.00 万元，占 0%；其他收入 0.00 万元，占 0%。")


def test_seed_figures(seed_sections: list[prose.Section]) -> None:
    text = "\n".join(p for s in seed_sections for p in s.paragraphs)
    assert "支出合计 414.31 万元" in text
    assert "基本支出 269.75 万元（其中人员经费 221.37 万元，公用经费 48.38 万元），占 65.11%" in text
    assert "项目支出 144.56 万元，占 34.89%" in text
    assert ("特定目标类项目共 3 个，分别为招商服务中心公务接待经费、对外劳务平台运行经费、"
            "招商引资业务开展保障经费") in text
    assert "特定目标类项目年初预算共计 70.40 万元（年中未调整），实际执行共计 53.27 万元，预算执行率 75.67%" in text
    assert "核定人员编制 10 个，其中行政编制 9 个，工勤编制 1 个" in text
    assert "期末实有人数 18 人，其中行政 9 人，事业 8 人，工勤 1 人" in text
    shares = [text.index(f"完成目标的 {p}；") for p in ("136.14%", "163.48%", "160%")]
    assert shares == sorted(shares)
    assert "外商直接到资（FDI）目标 374.5万美元，完成 374.5万美元，完成目标的 100%" in text
    assert "未完成目标的指标 1 个：重点在谈“553”企业项目（完成目标的 80%）" in text
    assert "部门整体绩效评价自评得分 98 分，评价等级为优" in text
    assert "预算执行率得分 9.6 分" in text
    assert "未达 90% 的原因：由于每月支出指标有所限制，预算执行进度略缓" in text


def test_implausible_year_is_not_written() -> None:
    sub = read_submission(MESSY)
    text = prose.report_text(sub, compute(sub, default_config()))
    assert "22 年" not in text
    assert "本年度收入合计 1300.50 万元" in text


def _bare(fields: dict[str, object]) -> Submission:
    values = {k: Value(v, v, Cell("收支情况", "B4")) for k, v in fields.items()}
    return Submission("bare.xlsx", values, TableData("", None, {}), TableData("", None, {}))


def test_empty_submission_still_reads() -> None:
    sub = _bare({})
    sections = prose.report_sections(sub, compute(sub, default_config()))
    text = "\n".join(p for s in sections for p in s.paragraphs)
    assert "本年度收入数据未填写" in text
    assert "未填写项目支出明细" in text
    assert "未填写绩效指标" in text
    assert len(sections) == 5


def test_totals_are_sums_of_listed_parts() -> None:
    sub = _bare({"eval_year": 2023, "income_general_budget": D("90"), "income_unit_funds": D("10"),
                 "income_total": D("120")})
    text = prose.income_paragraph(sub, compute(sub, default_config()))
    assert text == ("（一）部门财政资金收入情况。2023 年度收入合计 100.00 万元，其中：一般公共预算财政拨款收入 "
                    "90.00 万元，占 90%；单位资金收入 10.00 万元，占 10%。")


def test_department_text_keeps_its_content() -> None:
    sub = _bare({"problems": "=HYPERLINK(\"http://x\",\"y\")", "suggestions": "（请逐条填写改进建议）"})
    section = prose.conclusion_section(sub, compute(sub, default_config()))
    assert "（二）存在问题。=HYPERLINK(\"http://x\",\"y\")" in section.paragraphs
    assert not any("改进建议" in p for p in section.paragraphs)
