"""Template versions side by side: the committed copies, what version 2 adds, the command that
writes either, and the seed sample in both."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SAMPLES, SEED
from openpyxl import load_workbook
from test_template import COMMITTED, COMMITTED_V2, _signature, _validation_of

from xlsxperf import schema as S
from xlsxperf.cli import cli
from xlsxperf.evaluation import evaluate
from xlsxperf.read import read_submission
from xlsxperf.template import write_template

SEED_V2 = SAMPLES / "2022_市中区经济合作局_v2.xlsx"


def test_committed_v2_template_is_what_the_generator_makes(tmp_path: Path) -> None:
    fresh = write_template(tmp_path / "fresh.xlsx", version=2)
    assert _signature(COMMITTED_V2) == _signature(fresh), (
        "templates/ is stale: run `xlsxperf template -o templates/部门整体支出绩效自评表_v2.xlsx --force`")


@pytest.mark.parametrize("committed, version", [(COMMITTED, 1), (COMMITTED_V2, 2)])
def test_committed_copies_carry_their_version(committed: Path, version: int) -> None:
    wb = load_workbook(committed)
    assert wb[S.META_SHEET]["B2"].value == version
    assert wb.sheetnames == [*S.SHEET_ORDERS[version], S.META_SHEET]
    names = set(wb.defined_names.keys())
    assert set(S.fields_in(version)) <= names
    assert ("exec_total_adjust_reason" in names) == (version >= 2)


def test_v2_keeps_every_cell_of_v1(tmp_path: Path) -> None:
    """Every v1 field and column sits where v1 has it: a v1 address is a v2 address."""
    v1, v2 = (load_workbook(write_template(tmp_path / f"t{v}.xlsx", v)) for v in (1, 2))
    for name in S.fields_in(1):
        assert v1.defined_names[name].attr_text == v2.defined_names[name].attr_text, name
    for sheet, row in ((S.PROJECTS, 3), (S.INDICATORS, 8)):
        old = [c.value for c in v1[sheet][row] if c.value]
        assert [c.value for c in v2[sheet][row]][:len(old)] == old


def test_v2_adds_columns_goals_and_the_official_choices(tmp_path: Path) -> None:
    wb = load_workbook(write_template(tmp_path / "t.xlsx", 2))
    assert [c.value for c in wb[S.PROJECTS][3]][-1] == "调整原因"
    assert [c.value for c in wb[S.INDICATORS][8]][-2:] == ["调整后指标值", "是否核心指标"]
    assert wb[S.FINANCE]["G22"].value == "调整原因"
    goals = wb[S.GOALS]
    assert [c.value for c in goals[3]] == ["序号", "预期目标", "实际完成情况"]
    assert goals["B4"].protection.locked is False and goals.protection.sheet
    level1 = _validation_of(wb[S.INDICATORS]["A9"])
    assert level1.type == "list" and "成本指标" in level1.formula1
    level2 = _validation_of(wb[S.INDICATORS]["B9"])
    assert all(k in level2.formula1 for k in S.COST_KINDS)
    core = _validation_of(wb[S.INDICATORS]["L9"])
    assert core.type == "list" and "是" in core.formula1
    actual = _validation_of(wb[S.INDICATORS]["G9"])
    assert all(level in actual.prompt for level in S.OFFICIAL_LEVELS)
    grade = _validation_of(wb[S.CONCLUSION]["B5"])
    assert "90" not in grade.prompt  # the bands belong to the profile, not the template
    notes = " ".join(str(c.value) for c in wb[S.INSTRUCTIONS]["A"] if c.value)
    assert "达成年度指标" in notes and "调整原因" in notes and "六张工作表" in notes


def test_template_command_writes_v2_by_default_and_v1_on_request(tmp_path: Path) -> None:
    runner = CliRunner()
    for args, version in (([], 2), (["--version", "2"], 2), (["--version", "1"], 1)):
        out = tmp_path / f"t{len(args)}{version}.xlsx"
        result = runner.invoke(cli, ["template", *args, "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert load_workbook(out)[S.META_SHEET]["B2"].value == version
        assert read_submission(out).template_version == version
    bad = runner.invoke(cli, ["template", "--version", "9", "-o", str(tmp_path / "x.xlsx")])
    assert bad.exit_code == 2 and "1 / 2" in bad.output and not (tmp_path / "x.xlsx").exists()


def test_the_seed_reproduces_its_figures_in_both_versions() -> None:
    v1, v2 = evaluate(SEED), evaluate(SEED_V2)
    assert (v1.submission.template_version, v2.submission.template_version) == (1, 2)
    assert v2.metrics == v1.metrics
    m = v2.metrics
    assert m["income.total"] == D("414.31") and m["expenditure.share_pct.basic"] == D("65.11")
    assert m["projects.by_category.special.execution_rate_pct"] == D("75.67")
    assert [i.completion_pct for i in v2.indicators][:4] == \
        [D("136.14"), D("163.48"), D("160.00"), D("100.00")]
    assert [(f.code, f.cell) for f in v2.findings] == [(f.code, f.cell) for f in v1.findings]
    goals = v2.submission.annual_goals.rows
    assert len(goals) == 3 and "176.98" in str(goals[0].get("actual"))
    assert v2.submission["exec_basic_adjust_reason"].filled


def test_samples_readme_lists_every_sample() -> None:
    readme = (SAMPLES / "README.md").read_text(encoding="utf-8")
    for path in sorted(SAMPLES.glob("*.xlsx")):
        assert f"`{path.name}`" in readme, path.name
    assert "exec_basic_adjust_reason" in readme and "年度总体目标 第 1 行" in readme


@pytest.mark.libreoffice
def test_v2_template_opens_in_libreoffice_with_names_and_validation(libreoffice,
                                                                   tmp_path: Path) -> None:
    template = write_template(tmp_path / "v2.xlsx", 2)
    resaved = libreoffice.convert(template, "xlsx", tmp_path / "lo")
    wb = load_workbook(resaved)
    assert set(S.FIELDS) <= set(wb.defined_names.keys())
    assert _validation_of(wb[S.INDICATORS]["L9"]) is not None
    assert read_submission(resaved).template_version == 2
    pdf = libreoffice.convert(template, "pdf", tmp_path / "pdf")
    assert pdf.stat().st_size > 10_000


