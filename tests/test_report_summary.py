"""The summary workbook (评价汇总): what is printed, 复核优先级, the grade-band distribution."""

from __future__ import annotations

import re
import warnings
import zipfile
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from conftest import CLEAN, MESSY, SEED

from xlsxperf import load_config
from xlsxperf.evaluation import evaluate
from xlsxperf.metrics import BY_KEY
from xlsxperf.render import file_document
from xlsxperf.report import risk
from xlsxperf.report.styles import row_height, text_lines, text_units
from xlsxperf.report.summary import write_summary
from xlsxperf.scoring import bands


def load(path: Path) -> Any:
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_workbook(path)


@pytest.fixture(scope="module")
def docs() -> dict[str, dict]:
    out = {}
    for key, path in (("clean", CLEAN), ("seed", SEED), ("messy", MESSY)):
        doc = file_document(evaluate(path))
        doc["output"] = f"{key}_评价结果.xlsx"
        out[key] = doc
    return out


@pytest.fixture(scope="module")
def summary(docs: dict, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_summary(list(docs.values()), [], tmp_path_factory.mktemp("summary") / "评价汇总.xlsx")


# -- 复核优先级 --------------------------------------------------------------------------------


def test_risk_names_each_reason(docs: dict) -> None:
    messy = risk.assess(docs["messy"])
    assert messy is not None
    assert messy.reasons == ("自评高于计算 34.24 分", "错误 26 个", "报告文字与数据矛盾 1 处",
                             "资金未用完（执行率 84.38%）而指标自评满分", "指标值偏低 1 项")
    assert messy.points == D("40") + D("30") + D("12") + D("15") + D("6")
    seed = risk.assess(docs["seed"])
    assert seed is not None
    assert seed.reasons == ("自评高于计算 0.4 分", "报告文字与数据矛盾 2 处", "指标值偏低 3 项")
    clean = risk.assess(docs["clean"])
    assert clean is not None and clean.points == 0 and clean.why == "未发现需优先复核的情形"


def test_risk_ranks_by_risk_not_by_score(docs: dict) -> None:
    order = [(d.get("unit") or {}).get("name") for d, _ in risk.ranked(list(docs.values()))]
    assert order == ["示例县农业农村局", "乐山市市中区经济合作局", "示例市示例区统计局"]


def test_full_score_with_money_left_both_sides(docs: dict) -> None:
    seed = dict(docs["seed"])
    assert not any("资金未用完" in r for r in risk.assess(seed).reasons)  # type: ignore[union-attr]
    full = [{**i, "score_self": i["weight"]} for i in seed["indicators"]]
    assert any("资金未用完" in r for r in risk.assess({**seed, "indicators": full}).reasons)  # type: ignore[union-attr]
    spent = {**seed, "indicators": full, "metrics": {**seed["metrics"], "execution.rate_pct.total": 100}}
    assert not any("资金未用完" in r for r in risk.assess(spent).reasons)  # type: ignore[union-attr]


def test_a_file_not_evaluated_comes_last_with_no_risk(docs: dict, tmp_path: Path) -> None:
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"not a workbook")
    broken = file_document(evaluate(bad))
    order = risk.ranked([broken, docs["clean"]])
    assert order[-1][0] is broken and order[-1][1] is None


def test_priority_sheet_lists_why(summary: Path) -> None:
    ws = load(summary)["复核优先级"]
    rows = [r for r in ws.iter_rows(min_row=5, values_only=True) if r[1]]
    assert [r[1] for r in rows] == ["示例县农业农村局", "乐山市市中区经济合作局", "示例市示例区统计局"]
    assert rows[0][3] == 103 and rows[0][4] == "退回修改" and "自评高于计算 34.24 分" in rows[0][7]
    assert rows[2][7] == "未发现需优先复核的情形"


# -- 汇总: the printed columns ------------------------------------------------------------------


def test_overview_prints_the_reader_columns_only(summary: Path) -> None:
    wb = load(summary)
    ws = wb["汇总"]
    headers = [c.value for c in ws[4]]
    assert headers[:10] == ["排名", "单位名称", "年度", "计算总分", "计算等级", "自评总分", "自评等级", "错误",
                            "警告", "审核结论"]
    assert ws.print_area == "'汇总'!$A$1:$J$7"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    rows = list(ws.iter_rows(min_row=5, max_row=7, values_only=True))
    assert [r[9] for r in rows] == ["通过", "修改后通过", "退回修改"]
    assert {"文件与链接", "复核优先级", "得分分布"} <= set(wb.sheetnames)
    links = [c.hyperlink.target for c in wb["文件与链接"]["F"] if c.hyperlink]
    assert sorted(links) == ["clean_评价结果.xlsx", "messy_评价结果.xlsx", "seed_评价结果.xlsx"]


def test_findings_rows_are_as_high_as_their_text(summary: Path) -> None:
    ws = load(summary)["全部问题"]
    heights = {}
    for row in ws.iter_rows(min_row=5):
        message = row[5].value
        if message:
            heights[message] = ws.row_dimensions[row[0].row].height
    short = "必填项目“联系电话”未填写"
    long = next(m for m in heights if m.startswith("评价结论称“各项目标全面实现”"))
    assert heights[long] > heights[short] >= 16
    assert heights[long] >= row_height([(long, 46)], font_size=10)


def test_cjk_counts_two_width_units() -> None:
    assert text_units("abcd") == 4 and text_units("审核结论") == 8 and text_units("“优”") == 6
    assert text_lines("审核结论" * 5, 21) == 2 and text_lines("abcd" * 5, 21) == 1  # 20 units a line
    assert text_lines("审核结论" * 5, 21, font_size=5.5) == 1  # at half the size, twice as much


# -- 得分分布 ---------------------------------------------------------------------------------


def test_distribution_counts_per_configured_band(docs: dict, tmp_path: Path) -> None:
    conf = tmp_path / "xlsxperf.toml"
    conf.write_text('[grades]\n"优" = 95\n"良" = 85\n', encoding="utf-8")
    config = load_config(conf)
    assert [b.label for b in bands(config.grades)] == ["优（≥ 95）", "良（85–95）", "中（60–85）", "差（< 60）"]
    assert BY_KEY["grade.computed"].describe(config.grades) == "按计算总分：优 ≥ 95，良 85–95，中 60–85，差 < 60"
    graded = [{**d, "metrics": {**d["metrics"], "grade.computed": g}}
              for d, g in zip(docs.values(), ("优", "良", "良"), strict=True)]
    path = write_summary(graded, [], tmp_path / "s.xlsx", config)
    ws = load(path)["得分分布"]
    rows = [(r[0], r[1]) for r in ws.iter_rows(min_row=5, max_row=8, values_only=True)]
    assert [r[0] for r in rows] == ["优（≥ 95）", "良（85–95）", "中（60–85）", "差（< 60）"]
    assert ws["B5"].value == '=COUNTIF(汇总!$E$5:$E$7,"优")'
    from openpyxl import load_workbook

    values = load_workbook(path, data_only=True)["得分分布"]
    assert [values[f"B{r}"].value for r in range(5, 9)] == [1, 2, 0, 0]
    with zipfile.ZipFile(path) as z:
        chart = next(z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart"))
    assert re.search(r'<c:majorUnit val="1"/>', chart)  # a whole-number axis
    assert '<c:numFmt formatCode="0"' in chart
