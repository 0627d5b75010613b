"""Very large submissions in the evaluation workbook: streamed sheets hold the same content as
sheets held in memory; the notes on one echo sheet and the links on 问题清单 stop at their
limits, saying so, while every cell with a finding keeps its colour.

The limits are made small here (the real ones are thousands of rows), so that a workbook of a
few dozen rows crosses them."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from xlsxperf.evaluation import Evaluation, evaluate
from xlsxperf.model import Severity
from xlsxperf.report import book, echo_sheet, write_evaluation
from xlsxperf.report import evaluation as report
from xlsxperf.report.echo import INTRO
from xlsxperf.report.styles import SEVERITY_FILL

ROWS = 60


@pytest.fixture
def long_table(fill: Any, clean_data: tuple) -> Evaluation:
    """The clean sample with 60 projects, each with a typed execution rate that is wrong (R001)."""
    fields, projects, indicators = clean_data
    rows = [dict(projects[i % len(projects)], seq=i + 1, name=f"项目{i + 1}", rate=Decimal("12.34"))
            for i in range(ROWS)]
    ev = evaluate(fill(fields, rows, indicators))
    assert sum(f.code == "R001" for f in ev.findings) == ROWS
    return ev


def cells(path: Path) -> dict[str, dict[str, tuple]]:
    """Every sheet's cells: value, fill, border, number format, note, link."""
    wb = load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        out[ws.title] = {
            c.coordinate: (c.value, c.fill.fgColor.rgb, repr(c.border), c.number_format,
                           c.comment.text if c.comment else None,
                           c.hyperlink.location if c.hyperlink else None)
            for row in ws.iter_rows() for c in row if c.value is not None or c.has_style}
        out[ws.title]["heights"] = tuple(sorted((k, v.height) for k, v in ws.row_dimensions.items()
                                                if v.height is not None))
        out[ws.title]["merged"] = tuple(sorted(str(r) for r in ws.merged_cells.ranges))
    return out


def test_streamed_sheets_hold_what_sheets_in_memory_hold(long_table: Evaluation, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    whole = write_evaluation(long_table, tmp_path / "whole.xlsx")
    streams: list[bool] = []
    monkeypatch.setattr(report, "STREAM_ROWS", ROWS // 2)
    real = report.XlsxWorkbook.add_sheet

    def add_sheet(self: Any, name: str, streamed: bool = False) -> Any:
        streams.append(streamed)
        return real(self, name, streamed)

    monkeypatch.setattr(report.XlsxWorkbook, "add_sheet", add_sheet)
    streamed = write_evaluation(long_table, tmp_path / "streamed.xlsx")
    assert sum(streams) == 2  # 问题清单 and 项目支出(原表)
    assert cells(streamed) == cells(whole)


@pytest.mark.libreoffice
def test_streamed_formulas_recompute_to_their_cached_values(long_table: Evaluation, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           libreoffice: Any) -> None:
    monkeypatch.setattr(report, "STREAM_ROWS", ROWS // 2)
    path = write_evaluation(long_table, tmp_path / "streamed.xlsx")
    formulas, cached = load_workbook(path), load_workbook(path, data_only=True)
    ours = [(ws.title, c.coordinate, cached[ws.title][c.coordinate].value)
            for ws in formulas.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert sum(sheet == "项目支出(原表)" for sheet, _, _ in ours) >= 2 * ROWS
    again = load_workbook(libreoffice.convert(path, "xlsx", tmp_path / "re", recalc=True),
                          data_only=True)
    wrong = [(sheet, ref, value, again[sheet][ref].value) for sheet, ref, value in ours
             if not (value == again[sheet][ref].value or (
                 isinstance(value, (int, float)) and isinstance(again[sheet][ref].value, (int, float))
                 and abs(value - again[sheet][ref].value) < 1e-9))]
    assert wrong == []


def test_notes_stop_at_their_limit_and_the_sheet_says_so(long_table: Evaluation, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(echo_sheet, "MAX_NOTES", 10)
    ws = load_workbook(write_evaluation(long_table, tmp_path / "out.xlsx"))["项目支出(原表)"]
    on_sheet = [f for f in long_table.findings if f.sheet == "项目支出" and f.cell]
    marked = {f.cell for f in on_sheet}
    assert len(marked) > 10
    noted = {c.coordinate for row in ws.iter_rows() for c in row if c.comment is not None}
    assert len(noted) == 10
    errors = {f.cell for f in on_sheet if f.severity == Severity.ERROR}
    by_row = sorted(marked - errors, key=lambda ref: (int(re.sub(r"\D", "", ref)), ref))
    assert noted == errors | set(by_row[:10 - len(errors)])  # errors first, then from the top
    for ref in marked:  # every cell with a finding keeps its colour
        worst = max((f.severity for f in on_sheet if f.cell == ref), key=lambda s: s.rank)
        assert ws[ref].fill.fgColor.rgb == "FF" + SEVERITY_FILL[worst].lstrip("#"), ref
    assert f"有问题的单元格共 {len(marked)} 个" in ws["A2"].value and "其中 10 个附批注" in ws["A2"].value
    assert "问题清单" in ws["A2"].value


def test_under_the_limit_every_marked_cell_has_its_note(long_table: Evaluation,
                                                      tmp_path: Path) -> None:
    ws = load_workbook(write_evaluation(long_table, tmp_path / "out.xlsx"))["项目支出(原表)"]
    marked = {f.cell for f in long_table.findings if f.sheet == "项目支出" and f.cell}
    noted = {c.coordinate for row in ws.iter_rows() for c in row if c.comment is not None}
    assert noted == marked
    assert ws["A2"].value == INTRO


def test_links_stop_at_the_limit_and_the_rest_is_plain_text(long_table: Evaluation, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(book, "MAX_LINKS", 25)
    with_links = [f for f in long_table.findings if f.sheet and f.sheet != "_meta"]
    assert len(with_links) > 25
    ws = load_workbook(write_evaluation(long_table, tmp_path / "out.xlsx"))["问题清单"]
    rows = list(ws.iter_rows(min_row=4, max_row=3 + len(long_table.findings)))
    linked = [r[3] for r in rows if r[3].hyperlink is not None]
    assert len(linked) == 25
    assert all(r[3].value for r in rows)  # beyond the links, the location is still written
