"""The evaluation workbook and the annotated copy as a reader sees them: page 1, the charts,
impossible ratios, long texts, page headers, the 修改清单 and the colours."""

from __future__ import annotations

import re
import warnings
import zipfile
from datetime import date
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from conftest import CLEAN, MESSY, SEED

from xlsxperf import load_config
from xlsxperf.evaluation import Evaluation, evaluate
from xlsxperf.fill import fill_workbook
from xlsxperf.report import annotate, write_evaluation
from xlsxperf.report.anomaly import completion_anomaly, metric_anomaly
from xlsxperf.report.charts import wrap
from xlsxperf.report.fixes import action
from xlsxperf.report.styles import INPUT_FILL, SEVERITY_FILL, text_units

TODAY = date(2024, 6, 3)


def load(path: Path, **kw: Any) -> Any:
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_workbook(path, **kw)


def values(ws: Any) -> list[Any]:
    return [c.value for row in ws.iter_rows() for c in row if c.value is not None]


def charts(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        return [z.read(n).decode("utf-8") for n in sorted(z.namelist()) if n.startswith("xl/charts/chart")]


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Evaluation, Path]]:
    base = tmp_path_factory.mktemp("layout")
    out = {}
    for key, path in (("seed", SEED), ("messy", MESSY), ("clean", CLEAN)):
        ev = evaluate(path)
        out[key] = (ev, write_evaluation(ev, base / f"{key}.xlsx", today=TODAY))
    return out


# -- page 1 ------------------------------------------------------------------------------------


@pytest.mark.parametrize("key, verdict", [("seed", "修改后通过"), ("messy", "退回修改"), ("clean", "通过")])
def test_page_one_holds_the_verdict_date_and_signature_lines(key: str, verdict: str, written: dict) -> None:
    _, path = written[key]
    wb = load(path)
    ws = wb["评价总览"]
    found = values(ws)
    assert verdict in found and "审核结论" in found
    assert "审核人（签字）" in found and "复核人（签字）" in found and found.count("日期") == 2
    day = next(c for row in ws.iter_rows() for c in row if c.value == "审核日期")
    assert ws.cell(day.row, day.column + 1).value.date() == TODAY
    assert not any("SHA-256" in str(v) for v in found)
    assert any("SHA-256" in str(v) for v in values(wb["问题清单"]))
    assert ws.row_breaks.brk, "the charts start a new page"


def test_page_one_lists_errors_and_warnings_not_infos(written: dict) -> None:
    ev, path = written["messy"]
    ws = load(path)["评价总览"]
    listed = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)
              and re.match(r"[A-Z]\d{3} ", c.value)]
    assert listed and all(not v.startswith(("F003", "S006")) for v in listed)
    assert listed[0].startswith(next(f.code for f in ev.findings if f.severity.value == "error"))
    assert any(str(v).startswith("另有错误") for v in values(ws))


def test_status_is_chinese(written: dict) -> None:
    for _, path in written.values():
        ws = load(path)["评价总览"]
        assert "ok" not in values(ws)


def test_every_sheet_has_a_header_naming_the_unit(written: dict) -> None:
    wb = load(written["seed"][1])
    for ws in wb.worksheets:
        assert "乐山市市中区经济合作局 2022 年度" in ws.oddHeader.left.text, ws.title
        assert "&P" in ws.oddFooter.center.text


# -- impossible ratios ---------------------------------------------------------------------------


def test_impossible_ratio_names_its_cell(written: dict) -> None:
    ev, path = written["messy"]
    found = metric_anomaly(ev.submission, ev.calc, "projects.by_category.special.execution_rate_pct")
    assert found is not None and found.value == D("130493.48")
    assert [str(c) for c in found.cells] == ["项目支出!F8"]
    assert "村级公益事业一事一议" in found.what
    seed, _ = written["seed"]
    assert metric_anomaly(seed.submission, seed.calc, "projects.by_category.special.execution_rate_pct") is None
    assert metric_anomaly(ev.submission, ev.calc, "income.total") is None  # an amount, not a ratio
    note = next(v for v in values(load(path)["评价总览"]) if str(v).startswith("特定目标类项目执行率 130493.48%"))
    assert "异常" in note and "项目支出!F8" in note


@pytest.fixture(scope="module")
def wild(seed_data: tuple, tmp_path_factory: pytest.TempPathFactory) -> tuple[Evaluation, Path]:
    """The seed with one indicator's 完成值 typed a hundred times too large."""
    fields, projects, indicators = seed_data
    indicators = [dict(i) for i in indicators]
    indicators[0]["actual"] = D(str(indicators[0]["actual"])) * 100
    base = tmp_path_factory.mktemp("wild")
    ev = evaluate(fill_workbook(base / "wild.xlsx", fields, projects, indicators))
    return ev, write_evaluation(ev, base / "out.xlsx")


def test_impossible_completion_is_not_drawn_but_marked(wild: tuple) -> None:
    ev, path = wild
    first, second = ev.calc.indicators[0], ev.calc.indicators[1]
    assert completion_anomaly(ev.submission, first) is not None
    assert completion_anomaly(ev.submission, second) is None
    ws = load(path)["评价总览"]
    found = values(ws)
    row = next(c.row for r in ws.iter_rows() for c in r if c.value == first.name)
    assert ws.cell(row, 3).value == "异常"  # no bar drawn for it
    label = next(v for v in found if isinstance(v, str) and v.endswith("（异常）"))
    assert label.replace("\n", "").startswith(first.name)
    cell = ev.submission.indicators.cell("actual", first.row.number)
    note = next(v for v in found if isinstance(v, str) and "未画入图中" in v)
    assert str(cell) in note and first.name in note


# -- charts ------------------------------------------------------------------------------------


def test_one_income_source_is_a_sentence_not_a_pie(written: dict) -> None:
    _, seed = written["seed"]
    assert not any("<c:pieChart>" in c for c in charts(seed))
    sentence = "收入全部来自一般公共预算财政拨款收入（414.31 万元，占 100%），不作构成图。"
    assert sentence in values(load(seed)["评价总览"])
    _, messy = written["messy"]
    assert sum("<c:pieChart>" in c for c in charts(messy)) == 1


def test_completion_chart_has_a_reference_line_and_whole_names(written: dict) -> None:
    ev, path = written["seed"]
    completion = next(c for c in charts(path) if "完成率" in c)
    assert "<c:lineChart>" in completion and '<c:barDir val="col"/>' in completion
    ws = load(path)["评价总览"]
    shown = [str(v) for v in values(ws)]
    assert not any("…" in v for v in shown)
    for ind in ev.calc.indicators:
        assert ind.name in shown  # the data table keeps the whole name
        assert any(v.replace("\n", "") == ind.name for v in shown)  # the chart's label, wrapped
    budget = next(c for c in charts(path) if "预算与执行" in c)
    assert '<c:barDir val="bar"/>' in budget and "<c:majorUnit" in budget


def test_wrap_breaks_names_by_width() -> None:
    assert wrap("招商引资签约总金额", 8) == "招商引资\n签约总金\n额"
    assert all(text_units(line) <= 10 for line in wrap("“走出去”“请进来”招商引资活动", 10).splitlines())
    assert wrap("FDI", 8) == "FDI"
    assert wrap("重点在谈“553”企业项目", 10) == "重点在谈\n“553”企\n业项目"  # no line ends with “
    assert wrap("“走出去”“请进来”招商引资活动", 10).splitlines()[:2] == ["“走出去”", "“请进来”"]


# -- long texts on the echo sheets ---------------------------------------------------------------


def test_a_text_too_long_for_a_row_is_printed_in_full_below(written: dict) -> None:
    ev, path = written["seed"]
    ws = load(path)["评价结论(原表)"]
    ref = ev.submission["report_text"].cell.ref
    text = ev.submission.get("report_text")
    assert ws[ref].value == text  # the cell keeps the whole text
    start = next(c.row for r in ws.iter_rows() for c in r if c.value == "报告正文（全文，接第 10 行）")
    column = ws[ref].column
    parts = []
    for r in range(start + 1, ws.max_row + 1):
        v = ws.cell(r, column).value
        if v is None:
            break
        parts.append(v)
    assert "".join(parts) == "".join(line for line in text.splitlines() if line.strip())
    assert all(ws.row_dimensions[start + 1 + i].height <= 409 for i in range(len(parts)))
    label = ws.cell(ws[ref].row, column - 1).value
    assert label == f"报告正文（全文见本表第 {start} 行起）"


def test_short_texts_are_not_continued(written: dict) -> None:
    _, path = written["clean"]
    assert not any("全文" in str(v) for v in values(load(path)["评价结论(原表)"]))


# -- grade words from the configuration -----------------------------------------------------------


def test_metrics_sheet_words_the_configured_grades(tmp_path: Path) -> None:
    conf = tmp_path / "xlsxperf.toml"
    conf.write_text('[grades]\n"优" = 95\n', encoding="utf-8")
    config = load_config(conf)
    ev = evaluate(SEED, config)
    ws = load(write_evaluation(ev, tmp_path / "out.xlsx", config))["计算指标"]
    words = next(r[1] for r in ws.iter_rows(values_only=True) if r[5] == "grade.computed")
    assert words == "按计算总分：优 ≥ 95，良 80–95，中 60–80，差 < 60"


# -- the annotated copy ------------------------------------------------------------------------


def _distance(a: str, b: str) -> int:
    x, y = (tuple(int(c.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)) for c in (a, b))
    return sum(abs(p - q) for p, q in zip(x, y, strict=True))


def test_marks_differ_clearly_from_the_input_fill() -> None:
    for colour in SEVERITY_FILL.values():
        assert _distance(colour, INPUT_FILL) >= 120, colour
    fills = list(SEVERITY_FILL.values())
    assert all(_distance(a, b) >= 120 for i, a in enumerate(fills) for b in fills[i + 1:])


@pytest.fixture(scope="module")
def annotated(written: dict, tmp_path_factory: pytest.TempPathFactory) -> tuple[Evaluation, Any]:
    ev, _ = written["messy"]
    return ev, load(annotate(ev, tmp_path_factory.mktemp("annotated") / "copy.xlsx"))


def test_problem_list_comes_first_with_every_finding(annotated: tuple) -> None:
    ev, wb = annotated
    assert wb.sheetnames[0] == "修改清单" and wb.active.title == "修改清单"
    ws = wb["修改清单"]
    rows = [r for r in ws.iter_rows(min_row=5) if isinstance(r[0].value, int)]
    assert len(rows) == len(ev.findings)
    ordered = sorted(ev.findings, key=lambda f: -f.severity.rank)
    assert [(r[1].value, r[3].value, r[4].value) for r in rows] == \
        [(f.severity.zh, f.message, action(f)) for f in ordered]
    linked = [r for r in rows if r[2].hyperlink is not None]
    assert linked
    for r in linked:
        sheet, ref = re.fullmatch(r"'(.+)'!([A-Z]+\d+)", r[2].hyperlink.location).groups()
        assert wb[sheet][ref].fill.fgColor.rgb in {"FF" + c.lstrip("#") for c in SEVERITY_FILL.values()}
    legend = [c.value for c in ws[3] if c.value]
    assert legend[0] == "图例" and any("红色" in v for v in legend) and any("浅黄色" in v for v in legend)
    assert ws.print_area and ws.page_setup.orientation == "landscape"


def test_defined_names_are_not_printed(annotated: tuple) -> None:
    _, wb = annotated
    ws = wb["填报说明"]
    header = next(c.row for r in ws.iter_rows() for c in r if c.value == "定义名称")
    last = int(re.search(r"(\d+)$", ws.print_area).group(1))
    assert last < header


def test_what_to_change() -> None:
    from xlsxperf.model import Finding, Severity

    total = Finding("T001", "income-total", Severity.ERROR, "收入合计不符", expected="1300.50")
    assert action(total) == "请核对各项收入和收入合计，合计应为 1300.50"
    assert action(Finding("T001", "income-total", Severity.ERROR, "…")) == "请核对各项收入和收入合计"
    assert action(Finding("X999", "new-rule", Severity.WARNING, "…", expected="3")) == "应为 3"
    assert action(Finding("X999", "new-rule", Severity.WARNING, "…")) == "请核实并修改"
