"""The evaluation workbook (评价结果): formulas that LibreOffice recomputes to the cached values,
findings on their echo cells and in the list, text kept as text, the annotated copy."""

from __future__ import annotations

import hashlib
import math
import re
import warnings
import zipfile
from dataclasses import replace
from datetime import date
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from conftest import CLEAN, MESSY, SEED

from xlsxperf import schema as S
from xlsxperf.evaluation import Evaluation, evaluate
from xlsxperf.fill import fill_workbook
from xlsxperf.metrics import METRICS
from xlsxperf.model import Cell, Finding, Severity, Submission, TableData, Value
from xlsxperf.read import read_submission
from xlsxperf.report import annotate, evaluation_bytes, output_name, write_evaluation
from xlsxperf.report.styles import SEVERITY_FILL

SAMPLES = {"seed": SEED, "clean": CLEAN, "messy": MESSY}
HOSTILE = ('=HYPERLINK("http://x","y")', "+1+1", "@SUM(1)", "-2+3", "=1+1")


def load(path: Path, **kw: Any) -> Any:
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_workbook(path, **kw)


def branches_data() -> tuple[dict, list, list]:
    """A submission that takes every branch of the formulas: each indicator nature and level,
    zero and missing budgets, text where numbers belong, a half-way rounding case."""
    fields = {
        "unit_name": "分支测试局", "eval_year": 2023, "filler": "张三", "phone": "0800-1",
        "fill_date": date(2024, 3, 1), "sub_units": 0,
        "quota_admin": 5, "quota_institution": 3, "quota_worker": 1, "quota_total": 9,
        "staff_admin": 5, "staff_institution": "三", "staff_worker": 1, "staff_total": 10,
        "income_general_budget": D("1200.50"), "income_gov_fund": "35.25万元",
        "income_state_capital": "—", "income_fiscal_special": D(0), "income_unit_funds": D("12.34"),
        "income_other": D(0), "income_total": D("1250"),
        "exp_basic": D("900.00"), "exp_project": D("401.00"), "exp_total": D("1301"),
        "balance_start": D(10), "balance_end": D(0),
        "exec_basic_initial": D(880), "exec_basic_budget": D(900), "exec_basic_actual": D(900),
        "exec_basic_rate": D(100),
        "exec_project_initial": D(700), "exec_project_budget": D(800), "exec_project_actual": D(401),
        "exec_project_rate": "50.13%",
        "exec_total_initial": D(1580), "exec_total_budget": D(1700), "exec_total_actual": D(1301),
        "budget_weight": None,
        "budget_score": D("7.65"), "self_total": D("80.5"), "self_grade": "甲",
        "conclusion": "基本完成。", "problems": "=1+1", "suggestions": "+1+1", "application": "@SUM(1)",
    }
    projects = [
        {"seq": 1, "name": "甲项目", "category": "人员类", "initial": D(10), "budget": D(12),
         "actual": D("11.5"), "balance": D("0.5")},
        {"seq": 2, "name": "乙项目", "category": "运转类", "initial": D(20), "budget": D(0),
         "actual": D(3), "balance": D(0)},
        {"seq": 3, "name": "丙项目", "category": "特定目标类", "initial": D(30), "budget": D(30),
         "actual": "二十", "balance": D(0)},
        {"seq": 4, "name": "丁项目", "category": "特定目标类", "initial": D(40), "budget": D(45),
         "actual": D("33.33"), "balance": D("11.67")},
        {"seq": 5, "name": "戊项目", "category": "专项", "initial": D(5), "budget": D(5),
         "actual": D(5), "balance": D(0)},
    ]

    def ind(level1: str, nature: str, target: Any, actual: Any, weight: Any, score: Any = None,
            name: str = "") -> dict:
        row = {"level1": level1, "level2": S.LEVEL2[level1][0], "name": name or f"{nature}{actual}",
               "nature": nature, "target": target, "actual": actual, "weight": weight}
        if score is not None:
            row["score"] = score
        return row

    out, eff, sat = "产出指标", "效益指标", "满意度指标"
    indicators = [
        ind(out, "≥", D(100), D(120), D(10), D(10)),
        ind(out, "≥", D(30), D(7), D(15), D(15)),
        ind(out, "≥", D(3), D(1), D(10), D(10)),
        ind(out, "=", D(0), D(0), D(5), D(5)),
        ind(out, "=", D(0), D(2), D(5), D(5)),
        ind(out, "=", D(8), D(6), D(5), D(5)),
        ind(eff, "≤", D(5), D(4), D(10), D(10)),
        ind(eff, "≤", D(10), D(13), D(10), D(10)),
        ind(eff, "≤", D(10), D(25), D(10), D(10)),
        ind(eff, "定性", "明显提升", "达成", D(10), D("9.5")),
        ind(sat, "定性", "提升", "达成", D(10), D(11)),
        ind(sat, "定性", "提升", "部分达成", D(10)),
        ind(sat, "定性", "提升", "未达成", D(10), D(7)),
    ]
    return fields, projects, indicators


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Evaluation, Path]]:
    """Every sample and the branch workbook, evaluated and written."""
    base = tmp_path_factory.mktemp("evaluations")
    inputs = dict(SAMPLES)
    inputs["branches"] = fill_workbook(base / "branches.xlsx", *branches_data())
    out = {}
    for key, path in inputs.items():
        ev = evaluate(path)
        target = base / key / output_name(ev)
        target.parent.mkdir()
        out[key] = (ev, write_evaluation(ev, target))
    return out


def formula_cells(path: Path) -> list[tuple[str, str, Any, str]]:
    """(sheet, cell, cached value, formula) of every formula cell of our own file."""
    formulas, values = load(path), load(path, data_only=True)
    out = []
    for ws in formulas.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    out.append((ws.title, cell.coordinate, values[ws.title][cell.coordinate].value,
                                cell.value))
    return out


def same(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


# -- LibreOffice recomputes every formula to the value we cached -------------------------------


@pytest.mark.libreoffice
def test_libreoffice_recalculates_on_load(libreoffice: Any, tmp_path: Path) -> None:
    """A wrong cached value is replaced: the comparison below can fail."""
    import xlsxwriter

    src = tmp_path / "wrong.xlsx"
    wb = xlsxwriter.Workbook(src)
    ws = wb.add_worksheet("S")
    ws.write_number(0, 0, 2)
    ws.write_formula(0, 1, "=A1*3", None, 999)
    wb.close()
    again = libreoffice.convert(src, "xlsx", tmp_path / "re", recalc=True)
    assert load(again, data_only=True)["S"]["B1"].value == 6


@pytest.mark.libreoffice
@pytest.mark.parametrize("key", ["seed", "clean", "messy", "branches"])
def test_formulas_recompute_to_cached_values(key: str, written: dict, libreoffice: Any,
                                             tmp_path: Path) -> None:
    ev, path = written[key]
    ours = formula_cells(path)
    assert len(ours) > 60
    again = load(libreoffice.convert(path, "xlsx", tmp_path, recalc=True), data_only=True)
    wrong = [(sheet, ref, formula, cached, again[sheet][ref].value)
             for sheet, ref, cached, formula in ours
             if not same(cached, again[sheet][ref].value)]
    assert wrong == []


def test_every_metric_is_a_formula_with_its_value(written: dict) -> None:
    ev, path = written["seed"]
    wb, values = load(path), load(path, data_only=True)
    ws, vs = wb["计算指标"], values["计算指标"]
    keys = [ws.cell(r, 6).value for r in range(4, 4 + len(METRICS))]
    assert keys == [m.key for m in METRICS]
    for i, m in enumerate(METRICS):
        r = 4 + i
        assert ws.cell(r, 3).data_type == "f", m.key
        computed = ev.calc.metrics[m.key]
        shown = vs.cell(r, 3).value
        if m.unit == "%":
            assert math.isclose(shown, float(computed) / 100), m.key
        elif isinstance(computed, D):
            assert math.isclose(shown, float(computed)), m.key
        else:
            assert shown == computed, m.key
    assert vs["C4"].value == pytest.approx(414.31)  # income.total
    row = 4 + [m.key for m in METRICS].index("expenditure.share_pct.basic")
    assert vs.cell(row, 3).value == pytest.approx(0.6511)
    row = 4 + [m.key for m in METRICS].index("score.computed")
    assert vs.cell(row, 4).value == pytest.approx(98)  # the typed total beside it
    assert vs.cell(row, 5).value == pytest.approx(-0.4)


def test_missing_figures_are_dashes_not_formulas(written: dict) -> None:
    ev, path = written["messy"]
    ws = load(path)["计算指标"]
    row = 4 + [m.key for m in METRICS].index("projects.by_category.personnel.execution_rate_pct")
    assert ev.calc.metrics["projects.by_category.personnel.execution_rate_pct"] is None
    assert ws.cell(row, 3).value == "—"


# -- findings: on their echo cell and in the list ---------------------------------------------


def with_extra_findings(ev: Evaluation) -> Evaluation:
    """The evaluation plus findings on known cells, whatever the rules find today."""
    extra = [
        Finding("T001", "income-total", Severity.ERROR, "收入合计与各项之和不符", sheet="收支情况",
                cell="B10", expected="1", actual="2"),
        Finding("R001", "reported-ratio-mismatch", Severity.WARNING, "执行率与计算不符",
                sheet="收支情况", cell="B10"),
        Finding("C003", "narrative-number-mismatch", Severity.INFO, "=HYPERLINK(\"http://x\",\"y\")",
                sheet="评价结论", cell="H40"),
        Finding("S006", "label-fallback", Severity.INFO, "按标签定位", sheet="基本信息"),
        Finding("S003", "template-version", Severity.WARNING, "说明页被改动", sheet="填报说明",
                cell="A5"),
    ]
    return replace(ev, findings=ev.findings + extra)


def worst(findings: list[Finding]) -> Severity:
    return max((f.severity for f in findings), key=lambda s: s.rank)


@pytest.mark.parametrize("key", ["seed", "messy", "branches"])
def test_findings_are_marked_and_linked(key: str, written: dict, tmp_path: Path) -> None:
    ev = with_extra_findings(written[key][0])
    path = write_evaluation(ev, tmp_path / "out.xlsx")
    wb = load(path)
    ws = wb["问题清单"]
    rows = [[c for c in row] for row in ws.iter_rows(min_row=4, max_row=3 + len(ev.findings))]
    order = sorted(ev.findings, key=lambda f: -f.severity.rank)
    assert [(r[2].value, r[4].value) for r in rows] == [(f.code, f.message) for f in order]
    assert [r[1].value for r in rows] == [f.severity.zh for f in order]

    by_cell: dict[tuple[str, str], list[Finding]] = {}
    for row, f in zip(rows, order, strict=False):
        link = row[3].hyperlink
        if f.sheet in (None, "_meta"):
            assert link is None
            continue
        assert link is not None and link.location, f
        m = re.fullmatch(r"'(.+)'!([A-Z]+[0-9]+)", link.location)
        assert m, link.location
        sheet, ref = m.groups()
        assert sheet in wb.sheetnames
        assert sheet == f"{f.sheet}(原表)"
        assert ref == (f.cell or "A1")
        if f.cell:
            by_cell.setdefault((sheet, ref), []).append(f)
    assert {("收支情况(原表)", "B10"), ("评价结论(原表)", "H40"), ("填报说明(原表)", "A5")} <= set(by_cell)
    for (sheet, ref), fs in by_cell.items():
        cell = wb[sheet][ref]
        assert cell.fill.fgColor.rgb == "FF" + SEVERITY_FILL[worst(fs)].lstrip("#"), (sheet, ref)
        assert cell.comment is not None, (sheet, ref)
        for f in fs:
            assert f.message in cell.comment.text
    assert wb["收支情况(原表)"]["B10"].value == pytest.approx(float(ev.submission.amount("income_total")))


def test_echo_cells_sit_where_the_submission_has_them(written: dict) -> None:
    ev, path = written["seed"]
    wb = load(path)
    sub = ev.submission
    for name in ("unit_name", "income_total", "exp_basic", "exec_total_actual", "self_total"):
        v = sub[name]
        got = wb[f"{v.cell.sheet}(原表)"][v.cell.ref].value
        assert got == (v.value if isinstance(v.value, str) else pytest.approx(float(v.value))), name
    rate = sub["exec_total_rate"]
    assert wb["收支情况(原表)"][rate.cell.ref].value == pytest.approx(0.9603)
    row = sub.projects.rows[0]
    assert wb["项目支出(原表)"][f"B{row.number}"].value == row.get("name")


# -- 报告要点 ---------------------------------------------------------------------------------


def test_seed_report_points(written: dict) -> None:
    ws = load(written["seed"][1])["报告要点"]
    text = "\n".join(str(c.value) for c in ws["A"] if c.value)
    assert "收入合计 414.31 万元" in text
    assert "65.11%" in text and "34.89%" in text
    assert "占 100%" in text


# -- text from a submission stays text --------------------------------------------------------


def test_submission_text_never_becomes_a_formula(fill: Any, tmp_path: Path) -> None:
    src = fill({"unit_name": HOSTILE[0], "filler": HOSTILE[1], "phone": HOSTILE[2],
                "eval_year": 2023, "problems": HOSTILE[3], "suggestions": HOSTILE[4],
                "income_general_budget": D(1), "income_total": D(1)},
               projects=[{"seq": 1, "name": HOSTILE[1], "category": "人员类", "budget": D(1),
                          "actual": D(1)}],
               indicators=[{"level1": "产出指标", "name": HOSTILE[2], "nature": "定性",
                            "target": HOSTILE[0], "actual": "达成", "weight": D(10)}])
    ev = evaluate(src)
    out = write_evaluation(ev, tmp_path / "out.xlsx")
    wb = load(out)
    found: dict[str, int] = {t: 0 for t in HOSTILE}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    assert not any(t.lstrip("=+-@") in str(cell.value) for t in HOSTILE[:3]), \
                        (ws.title, cell.coordinate, cell.value)
                if cell.value in found:
                    assert cell.data_type == "s", (ws.title, cell.coordinate)
                    found[cell.value] += 1
    assert all(found.values()), found
    assert wb["基本信息(原表)"][ev.submission["unit_name"].cell.ref].value == HOSTILE[0]
    assert wb["基本信息(原表)"][ev.submission["unit_name"].cell.ref].quotePrefix
    with zipfile.ZipFile(out) as z:
        xml = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert "HYPERLINK" not in "".join(re.findall(r"<f>(.*?)</f>", xml))
    assert "<hyperlink" not in xml or "http://x" not in xml


# -- the annotated copy ----------------------------------------------------------------------


def read_values(path: Path) -> dict[str, Any]:
    sub = read_submission(path)
    out: dict[str, Any] = {name: (v.value, v.parse, v.cell) for name, v in sub.fields.items()}
    for key, table in (("projects", sub.projects), ("indicators", sub.indicators)):
        rows = table.rows + ([table.total] if table.total else [])
        out[key] = [(r.number, {k: (v.value, v.parse) for k, v in r.values.items()}) for r in rows]
    out["version"] = sub.template_version
    return out


@pytest.mark.parametrize("key", ["seed", "messy", "branches"])
def test_annotated_copy_reads_like_the_original(key: str, written: dict, tmp_path: Path) -> None:
    ev = with_extra_findings(written[key][0])
    source = Path(ev.path)
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    copy = annotate(ev, tmp_path / "annotated.xlsx")
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before
    assert read_values(copy) == read_values(source)
    wb = load(copy)
    cell = wb["收支情况"]["B10"]
    assert cell.fill.fgColor.rgb == "FF" + SEVERITY_FILL[Severity.ERROR].lstrip("#")
    assert "收入合计与各项之和不符" in cell.comment.text and "执行率与计算不符" in cell.comment.text
    for f in ev.findings:
        if f.cell and f.sheet in wb.sheetnames and f.sheet != "_meta":
            assert f.message in (wb[f.sheet][f.cell].comment.text or ""), f


# -- refusing and degrading -------------------------------------------------------------------


def test_never_writes_over_the_input(written: dict) -> None:
    ev, _ = written["seed"]
    before = Path(ev.path).read_bytes()
    with pytest.raises(ValueError):
        write_evaluation(ev, Path(ev.path))
    with pytest.raises(ValueError):
        annotate(ev, Path(ev.path).parent / ".." / Path(ev.path).parent.name / Path(ev.path).name)
    assert Path(ev.path).read_bytes() == before


def test_annotate_refuses_a_file_changed_since_its_evaluation(fill: Any, tmp_path: Path) -> None:
    src = fill({"unit_name": "某局"})
    ev = evaluate(src)
    src.write_bytes(src.read_bytes() + b"\0")
    with pytest.raises(ValueError):
        annotate(ev, tmp_path / "copy.xlsx")


def test_unreadable_file_gets_an_overview_and_its_problem(tmp_path: Path) -> None:
    bad = tmp_path / "坏文件.xlsx"
    bad.write_bytes(b"not a workbook")
    ev = evaluate(bad)
    out = write_evaluation(ev, tmp_path / output_name(ev))
    assert out.name == "坏文件_评价结果.xlsx"
    wb = load(out)
    assert wb.sheetnames == ["评价总览", "问题清单"]
    assert wb["问题清单"]["C4"].value == "S001"
    with pytest.raises(ValueError):
        annotate(ev, tmp_path / "copy.xlsx")


def test_in_memory_workbook_is_the_same_workbook(written: dict) -> None:
    import io

    ev, path = written["seed"]
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mem = load_workbook(io.BytesIO(evaluation_bytes(ev)))
    assert mem.sheetnames == load(path).sheetnames
    assert mem.sheetnames[:4] == ["评价总览", "问题清单", "计算指标", "报告要点"]
    assert [n for n in mem.sheetnames if n.endswith("(原表)")] == [
        "基本信息(原表)", "收支情况(原表)", "项目支出(原表)", "绩效指标(原表)", "评价结论(原表)"]


# -- file names ------------------------------------------------------------------------------


def named(unit: Any, year: Any, path: str = "/in/填报表 final.xlsx") -> str:
    fields = {"unit_name": Value(unit, unit, Cell("基本信息", "B4")),
              "eval_year": Value(year, year, Cell("基本信息", "B7"))}
    sub = Submission(path, fields, TableData("", None, {}), TableData("", None, {}))
    return output_name(Evaluation(sub, None))


def test_output_name() -> None:
    assert named("乐山市市中区经济合作局", 2022) == "2022_乐山市市中区经济合作局_评价结果.xlsx"
    assert named('a/b\\c:d*e?f"g<h>i|j\x00k\tl\u200bm', 2022) == "2022_abcdefghijk lm_评价结果.xlsx"
    assert named("  局.  ", 2022) == "2022_局_评价结果.xlsx"
    assert named(None, 2022) == "填报表 final_评价结果.xlsx"
    assert named("某局", None) == "填报表 final_评价结果.xlsx"
    assert named("某局", 22) == "填报表 final_评价结果.xlsx"
    assert named("/:*", 2022, "/in/CON.xlsx") == "_CON_评价结果.xlsx"
    assert named(None, None, "/in/?.xlsx") == "未命名_评价结果.xlsx"
    long = named("很长的单位名称" * 60, 2022)
    assert len(long.encode("utf-8")) <= 180 and long.endswith("_评价结果.xlsx")
    assert long.startswith("2022_很长的单位名称")


@pytest.mark.libreoffice
def test_adjusted_targets_and_profile_bands_recompute_to_cached_values(
        libreoffice: Any, tmp_path: Path, clean_data: tuple) -> None:
    """Template v2: an indicator scored against its 调整后指标值, and a profile whose 定性 bands
    are not the defaults; the score formulas must use what the computation used."""
    from xlsxperf import load_config

    fields, projects, indicators = clean_data
    indicators = [dict(i) for i in indicators]
    quantitative = next(i for i in indicators if i["nature"] == "≥")
    quantitative["target_adjusted"] = quantitative["actual"] * 2  # half way: a partial score
    profile = tmp_path / "bands.toml"
    profile.write_text('name = "bands"\n[qualitative]\n"达成" = 70\n"部分达成" = 40\n', encoding="utf-8")
    conf = tmp_path / "xlsxperf.toml"
    conf.write_text(f'profile = "{profile.as_posix()}"\n', encoding="utf-8")
    config = load_config(conf)
    path = fill_workbook(tmp_path / "v2.xlsx", fields, projects, indicators, version=2)
    ev = evaluate(path, config)
    row = next(i for i in ev.indicators if i.name == quantitative["name"])
    assert row.target == quantitative["actual"] * 2 and row.score_computed < row.weight
    out = write_evaluation(ev, tmp_path / "out.xlsx", config)
    ours = formula_cells(out)
    again = load(libreoffice.convert(out, "xlsx", tmp_path / "re", recalc=True), data_only=True)
    wrong = [(sheet, ref, formula, cached, again[sheet][ref].value)
             for sheet, ref, cached, formula in ours if not same(cached, again[sheet][ref].value)]
    assert wrong == []


def test_v2_goals_are_echoed_at_their_own_cells(tmp_path: Path) -> None:
    from conftest import SAMPLES

    ev = evaluate(SAMPLES / "2022_市中区经济合作局_v2.xlsx")
    goals = ev.submission.annual_goals
    assert goals.rows, "the v2 seed sample fills 年度总体目标"
    out = write_evaluation(ev, tmp_path / "v2.xlsx")
    wb = load(out)
    echo = wb[f"{goals.sheet}(原表)"]
    for row in goals.rows:
        for key, value in row.values.items():
            if isinstance(value.value, str) and value.cell is not None:
                assert echo[value.cell.ref].value == value.value, (key, value.cell)
    assert ev.submission.template_version == 2
    overview = [c.value for r in wb["评价总览"].iter_rows() for c in r if isinstance(c.value, str)]
    assert "第 2 版" in overview and not any("当前" in v for v in overview)
