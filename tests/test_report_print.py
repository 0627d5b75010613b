"""What a reviewer prints: the evaluations of the seed and the messy sample, the summary of the
samples and an annotated copy, rendered by LibreOffice to PDF and read back word by word."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import CLEAN, MESSY, SEED
from pdftext import Page, read_pdf

from xlsxperf.evaluation import evaluate
from xlsxperf.render import file_document
from xlsxperf.report import annotate, output_name, write_evaluation
from xlsxperf.report.summary import write_summary

MIN_HEIGHT = 7.5  # points: the median height of a page's word boxes
READABLE_SUMMARY = 10.4  # an 8-point font prints word boxes about 1.3 times as high


@pytest.fixture(scope="module")
def printed(libreoffice: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Page]]:
    base = tmp_path_factory.mktemp("print")
    files: dict[str, Path] = {}
    docs = []
    for key, path in (("clean", CLEAN), ("seed", SEED), ("messy", MESSY)):
        ev = evaluate(path)
        out = write_evaluation(ev, base / output_name(ev))
        files[key] = out
        doc = file_document(ev)
        doc["output"] = out.name
        docs.append(doc)
    files["summary"] = write_summary(docs, [], base / "评价汇总.xlsx")
    files["annotated"] = annotate(evaluate(MESSY), base / "messy_批注.xlsx")
    pdfs = base / "pdf"
    return {key: read_pdf(libreoffice.convert(path, "pdf", pdfs)) for key, path in files.items()}


@pytest.mark.libreoffice
@pytest.mark.parametrize("key", ["seed", "messy", "clean", "summary", "annotated"])
def test_every_page_is_readable_and_nothing_prints_over_anything(key: str, printed: dict) -> None:
    pages = printed[key]
    assert pages
    small = [(p.number, round(p.median_height, 2)) for p in pages if p.words and p.median_height < MIN_HEIGHT]
    assert small == []
    over = [(p.number, a.text, b.text) for p in pages for a, b in p.overlaps()]
    assert over == []
    words = {w.text for p in pages for w in p.words}
    assert not words & {"ok", "error", "warning", "info", "pending", "invalid"}  # labels are Chinese


@pytest.mark.libreoffice
@pytest.mark.parametrize("key, verdict", [("seed", "修改后通过"), ("messy", "退回修改"), ("clean", "通过")])
def test_page_one_of_an_evaluation_is_the_decision(key: str, verdict: str, printed: dict) -> None:
    first = printed[key][0].text
    row = next(line for line in first.splitlines() if line.startswith("审核结论 "))
    assert row.split()[:3] == ["审核结论", verdict, "审核日期"], row
    for words in ("审核日期", "审核人（签字）", "复核人（签字）", "计算值", "自评值", "决定结论的问题"):
        assert words in first, words
    assert "SHA-256" not in first
    assert "附录一" in printed[key][1].text  # the charts start the appendices


@pytest.mark.libreoffice
def test_page_one_marks_an_impossible_ratio_with_its_cell(printed: dict) -> None:
    first = printed["messy"][0].text
    assert "130493.48%" in first and "异常" in first and "项目支出!F8" in first


@pytest.mark.libreoffice
def test_page_headers_name_the_unit(printed: dict) -> None:
    for page in printed["seed"]:
        assert "乐山市市中区经济合作局" in page.text.splitlines()[0]


@pytest.mark.libreoffice
def test_summary_first_page_holds_every_unit(printed: dict) -> None:
    first = printed["summary"][0]
    assert first.landscape
    assert first.median_height >= READABLE_SUMMARY
    for unit, verdict in (("示例市示例区统计局", "通过"), ("乐山市市中区经济合作局", "修改后通过"),
                          ("示例县农业农村局", "退回修改")):
        line = next(line for line in first.text.splitlines() if unit in line)
        assert verdict in line, line
    assert ".xlsx" not in first.text  # files and links are on another sheet


@pytest.mark.libreoffice
def test_annotated_copy_prints_the_list_first_and_not_the_defined_names(printed: dict) -> None:
    pages = printed["annotated"]
    assert "修改清单" in pages[0].text and "修改要求" in pages[0].text
    text = "\n".join(p.text for p in pages)
    assert "unit_name" not in text and "income_general_budget" not in text
    assert "只在浅黄色单元格中填写" in text  # the instructions themselves still print
