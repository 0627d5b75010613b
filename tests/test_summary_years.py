"""The summary beside last year: 上年得分 and 变化 on 汇总 when submissions were compared with
their previous year, why not on screen, 历年得分 when a unit has more than two years, the
year-over-year reasons of 复核优先级; printed through LibreOffice and read back."""

from __future__ import annotations

import copy
import warnings
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from conftest import CLEAN, MESSY, SAMPLES, SEED
from pdftext import Page, read_pdf

from xlsxperf.evaluation import evaluate
from xlsxperf.render import file_document
from xlsxperf.report import risk
from xlsxperf.report.summary import write_summary

SEED_2021 = SAMPLES / "2021_市中区经济合作局.xlsx"
MIN_HEIGHT = 7.5  # points, as tests/test_report_print.py
READABLE_SUMMARY = 10.4


def load(path: Path, values: bool = False) -> Any:
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_workbook(path, data_only=values)


@pytest.fixture(scope="module")
def docs() -> dict[str, dict]:
    """The samples as a run over samples/ sees them: the 2022 seed compared with 2021; the
    2021 seed also as a 2020 workbook of the same unit (three years), the others alone."""
    then = evaluate(SEED_2021)
    out = {"seed": file_document(evaluate(SEED, previous=then)), "seed_2021": file_document(then),
           "clean": file_document(evaluate(CLEAN)), "messy": file_document(evaluate(MESSY))}
    for key, doc in out.items():
        doc["output"] = f"{key}_评价结果.xlsx"
    older = copy.deepcopy(out["seed_2021"])
    older.update(path="/archive/2020_市中区经济合作局.xlsx", sha256="0" * 64, output="seed_2020_评价结果.xlsx")
    older["unit"]["year"] = 2020
    older["metrics"].update({"score.computed": 88.5, "grade.computed": "良"})
    out["seed_2020"] = older
    out["seed_2021_paired"] = {**out["seed_2021"], "previous": {
        "path": older["path"], "sha256": older["sha256"], "year": 2020, "unit": older["unit"],
        "metrics": older["metrics"]}}
    return out


@pytest.fixture(scope="module")
def two_years(docs: dict, tmp_path_factory: pytest.TempPathFactory) -> Path:
    chosen = [docs[k] for k in ("clean", "seed", "seed_2021", "messy")]
    return write_summary(chosen, [], tmp_path_factory.mktemp("two") / "评价汇总.xlsx")


@pytest.fixture(scope="module")
def three_years(docs: dict, tmp_path_factory: pytest.TempPathFactory) -> Path:
    chosen = [docs[k] for k in ("clean", "seed", "seed_2021_paired", "seed_2020", "messy")]
    return write_summary(chosen, [], tmp_path_factory.mktemp("three") / "评价汇总.xlsx")


def _rows(ws: Any) -> tuple[list[str], list[tuple]]:
    headers = [c.value for c in ws[4]]
    return headers, [r for r in ws.iter_rows(min_row=5, values_only=True) if r[1]]


def test_last_years_score_and_the_change_print_beside_this_years(two_years: Path, docs: dict) -> None:
    ws = load(two_years)["汇总"]
    headers, rows = _rows(ws)
    assert headers[:12] == ["排名", "单位名称", "年度", "计算总分", "计算等级", "上年得分", "变化", "自评总分",
                            "自评等级", "错误", "警告", "审核结论"]
    assert headers[-1] == "上年对比"
    assert ws.print_area == "'汇总'!$A$1:$L$8"  # the twelve reader columns
    by_year = {(r[1], r[2]): r for r in rows}
    seed = by_year[("乐山市市中区经济合作局", 2022)]
    assert seed[5] == docs["seed_2021"]["metrics"]["score.computed"] == 98.99
    assert seed[6].startswith("=D") and seed[-1] == "已与上年比对：2021 年度 2021_市中区经济合作局.xlsx"
    assert by_year[("示例市示例区统计局", 2022)][5] is None and by_year[("示例市示例区统计局", 2022)][6] is None
    values = {(r[1], r[2]): r for r in _rows(load(two_years, values=True)["汇总"])[1]}
    assert values[("乐山市市中区经济合作局", 2022)][6] == round(97.6 - 98.99, 2)
    column = headers.index("评价结果")
    links = [row[column].hyperlink.target for row in ws.iter_rows(min_row=5) if row[column].hyperlink]
    assert sorted(links) == sorted(f"{k}_评价结果.xlsx" for k in ("clean", "seed", "seed_2021", "messy"))
    assert "上年得分为同一单位上一年度填报表的计算总分" in ws["A2"].value


def test_why_a_submission_was_not_compared_is_on_screen(docs: dict, tmp_path: Path) -> None:
    why = "上一年度（2021 年度）有 2 份同一单位的填报表（a.xlsx、b.xlsx），无法确定与哪一份比对，未与上年比对"
    refused = {**docs["seed"], "previous": None, "previous_refused": why}
    ws = load(write_summary([refused, docs["clean"]], [], tmp_path / "s.xlsx"))["汇总"]
    headers, rows = _rows(ws)
    row = next(r for r in rows if r[1] == "乐山市市中区经济合作局")
    assert row[headers.index("上年得分")] is None and "无法确定" in row[headers.index("上年对比")]


def test_the_trend_sheet_only_with_more_than_two_years(two_years: Path, three_years: Path) -> None:
    assert "历年得分" not in load(two_years).sheetnames
    wb = load(three_years)
    assert wb.sheetnames.index("历年得分") == wb.sheetnames.index("复核优先级") + 1
    ws = wb["历年得分"]
    headers, rows = _rows(ws)
    assert headers == ["单位名称", "2020 得分", "2020 等级", "2021 得分", "2021 等级", "2022 得分", "2022 等级",
                       "较上年"]  # the messy sample's year 22 is nobody's trend
    assert [r[0] for r in rows] == ["乐山市市中区经济合作局"]  # units of one year are not listed
    seed = rows[0]
    assert seed[1:7] == (88.5, "良", 98.99, "优", 97.6, "优")
    assert seed[7] == "=F5-D5"  # 2022 on 2021
    assert ws.print_area is not None and ws.page_setup.orientation == "landscape"


def test_a_year_submitted_twice_with_different_scores_shows_both(docs: dict, tmp_path: Path) -> None:
    again = {**copy.deepcopy(docs["seed"]), "path": "/x/2022_v2.xlsx"}
    again["metrics"]["score.computed"] = 95.0
    chosen = [docs["seed"], again, docs["seed_2021_paired"], docs["seed_2020"]]
    ws = load(write_summary(chosen, [], tmp_path / "s.xlsx"))["历年得分"]
    row = next(r for r in ws.iter_rows(min_row=5, values_only=True) if r[0])
    assert row[5] == "97.60 / 95.00" and row[7] is None  # no single change to show


# -- 复核优先级 -----------------------------------------------------------------------------------


def _with(doc: dict, *codes: str) -> dict:
    findings = [{"code": c, "name": c, "severity": "warning", "message": c} for c in codes]
    return {**doc, "findings": findings}


def test_year_over_year_findings_are_risk_reasons(docs: dict) -> None:
    paired = risk.assess(docs["seed"])
    alone = risk.assess(file_document(evaluate(SEED)))
    assert paired is not None and alone is not None
    assert "指标值低于上年实际 1 项" in paired.reasons and paired.points == alone.points + 6
    assert not any("上年" in r for r in alone.reasons)
    base = {**docs["clean"], "findings": []}
    assert risk.assess(base).points == 0  # type: ignore[union-attr]
    each = risk.assess(_with(base, "Y001", "Y001", "Y002", "Y004", "Y005", "Y003"))
    assert each is not None
    assert each.reasons == ("指标值低于上年实际 2 项", "问题和建议与上年基本相同", "与上年年末数不衔接 2 处",
                            "连续两年全部满分")
    assert each.points == D(7) + D(5) + D(5) + D(5)


# -- printed ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def printed(libreoffice: Any, three_years: Path, tmp_path_factory: pytest.TempPathFactory) -> list[Page]:
    return read_pdf(libreoffice.convert(three_years, "pdf", tmp_path_factory.mktemp("pdf")))


@pytest.mark.libreoffice
def test_the_summary_with_last_year_prints_readably(printed: list[Page]) -> None:
    small = [(p.number, round(p.median_height, 2)) for p in printed if p.words and p.median_height < MIN_HEIGHT]
    assert small == []
    assert [(p.number, a.text, b.text) for p in printed for a, b in p.overlaps()] == []
    first = printed[0]
    assert first.landscape and first.median_height >= READABLE_SUMMARY
    assert "上年得分" in first.text and "变化" in first.text
    line = next(x for x in first.text.splitlines() if "乐山市市中区经济合作局 2022" in x)
    assert "97.60" in line and "98.99" in line and "-1.39" in line, line
    assert ".xlsx" not in first.text  # the 上年对比 note is on screen only
    trend = [p for p in printed if "历年得分" in p.text.splitlines()[0]]
    assert trend and trend[0].landscape
    assert "乐山市市中区经济合作局 88.50 良 98.99 优 97.60 优 -1.39" in trend[0].text.splitlines()
    assert "较上年" in trend[0].text and "示例市示例区统计局" not in trend[0].text
