"""The generated template: sheets, names, protection, validation, print setup; the committed
copy under templates/ is what the generator makes now."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT
from openpyxl import load_workbook

from xlsxperf import schema as S
from xlsxperf.template import INPUT_FILL, write_template

COMMITTED = ROOT / "templates" / "部门整体支出绩效自评表_v1.xlsx"
COMMITTED_V2 = ROOT / "templates" / "部门整体支出绩效自评表_v2.xlsx"


def _cell_of(wb, name: str):
    sheet, ref = next(iter(wb.defined_names[name].destinations))
    return wb[sheet][ref.replace("$", "")]


def _signature(path: Path) -> dict:
    """Everything a user sees or relies on: cells, styles that matter, names, validation."""
    wb = load_workbook(path)
    sig: dict = {"sheets": [(ws.title, ws.sheet_state, ws.protection.sheet) for ws in wb]}
    sig["names"] = sorted((k, v.attr_text) for k, v in wb.defined_names.items())
    for ws in wb:
        sig[ws.title] = {
            "cells": sorted((c.coordinate, repr(c.value), c.number_format, c.protection.locked)
                            for row in ws.iter_rows() for c in row if c.value is not None
                            or not c.protection.locked),
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "validation": sorted((str(dv.sqref), dv.type, dv.operator, str(dv.formula1),
                                  str(dv.formula2), dv.prompt) for dv in ws.data_validations.dataValidation),
            "freeze": ws.freeze_panes,
        }
    return sig


def test_committed_template_is_what_the_generator_makes(tmp_path: Path) -> None:
    fresh = write_template(tmp_path / "fresh.xlsx", version=1)
    assert _signature(COMMITTED) == _signature(fresh), (
        "templates/ is stale: run "
        "`xlsxperf template --version 1 -o templates/部门整体支出绩效自评表_v1.xlsx --force`")


def test_sheets_meta_and_protection(template_file: Path) -> None:
    wb = load_workbook(template_file)
    assert wb.sheetnames == [*S.SHEET_ORDER, S.META_SHEET]
    meta = wb[S.META_SHEET]
    assert meta.sheet_state == "hidden"
    assert meta["B1"].value == S.TEMPLATE_ID and meta["B2"].value == S.TEMPLATE_VERSION
    for name in S.SHEET_ORDER[1:]:
        ws = wb[name]
        assert ws.protection.sheet, f"{name} is not protected"
        assert not ws.protection.password, "protection is a usability aid: no password"
    for name in (S.PROJECTS, S.INDICATORS):
        protection = wb[name].protection
        assert protection.insertRows is False and protection.deleteRows is False, \
            "rows must stay insertable and deletable on the table sheets"


def test_every_field_has_a_defined_name_on_an_unlocked_input(template_file: Path) -> None:
    wb = load_workbook(template_file)
    names = set(wb.defined_names.keys())
    assert len(names) >= 30
    for name, f in S.FIELDS.items():
        assert name in names, name
        cell = _cell_of(wb, name)
        assert cell.parent.title == f.sheet
        assert cell.protection.locked is False, f"{name} is locked"
        assert cell.fill.fgColor.rgb.endswith(INPUT_FILL.lstrip("#").upper()), name
    label = wb[S.BASIC]["A4"]
    assert label.value == "单位名称" and label.protection.locked is not False


def _validations(ws) -> list:
    return list(ws.data_validations.dataValidation)


def _validation_of(cell) -> object | None:
    for dv in _validations(cell.parent):
        if cell.coordinate in dv.sqref:
            return dv
    return None


def test_inputs_have_validation_with_unit_messages(template_file: Path) -> None:
    wb = load_workbook(template_file)
    for name, f in S.FIELDS.items():
        dv = _validation_of(_cell_of(wb, name))
        if f.kind in (S.Kind.AMOUNT, S.Kind.INTEGER, S.Kind.YEAR, S.Kind.SCORE, S.Kind.PERCENT,
                      S.Kind.DATE):
            assert dv is not None, name
            assert dv.type in ("decimal", "whole", "date"), (name, dv.type)
        if f.kind == S.Kind.AMOUNT:
            assert "万元" in dv.prompt, name
        if f.kind == S.Kind.CHOICE:
            assert dv.type == "list" and all(c in dv.formula1 for c in f.choices), name
    projects = wb[S.PROJECTS]
    category = _validation_of(projects["C4"])
    assert category.type == "list" and "特定目标类" in category.formula1
    assert _validation_of(projects["F10"]).type == "decimal"
    nature = _validation_of(wb[S.INDICATORS]["D9"])
    assert nature.type == "list" and "定性" in nature.formula1


def test_print_setup_and_layout(template_file: Path) -> None:
    wb = load_workbook(template_file)
    for name in S.SHEET_ORDER[1:]:
        ws = wb[name]
        assert ws.page_setup.paperSize == 9, name  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage, name
        assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0, name
        assert ws.freeze_panes is not None, name
    assert wb[S.PROJECTS].print_title_rows == "$1:$3"
    assert wb[S.INDICATORS].print_title_rows == "$1:$8"
    assert wb[S.PROJECTS]["B19"].value == "合计"
    headers = [c.value for c in wb[S.PROJECTS][3]][:len(S.PROJECT_TABLE.columns)]
    assert headers == [c.label for c in S.PROJECT_TABLE.columns]


def test_template_command_refuses_to_overwrite(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from xlsxperf.cli import cli

    out = tmp_path / "t.xlsx"
    out.write_bytes(b"keep me")
    result = CliRunner().invoke(cli, ["template", "-o", str(out)])
    assert result.exit_code == 2 and "--force" in result.output
    assert out.read_bytes() == b"keep me"
    assert CliRunner().invoke(cli, ["template", "-o", str(out), "--force"]).exit_code == 0
    assert load_workbook(out).sheetnames[0] == S.INSTRUCTIONS


@pytest.mark.libreoffice
def test_template_opens_in_libreoffice_with_names_and_validation(libreoffice, template_file: Path,
                                                                tmp_path: Path) -> None:
    resaved = libreoffice.convert(template_file, "xlsx", tmp_path / "lo")
    wb = load_workbook(resaved)
    assert set(S.FIELDS) <= set(wb.defined_names.keys())
    assert _validation_of(_cell_of(wb, "income_total")) is not None
    pdf = libreoffice.convert(template_file, "pdf", tmp_path / "pdf")
    assert pdf.stat().st_size > 10_000
