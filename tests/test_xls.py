"""``.xls`` (Excel 97-2003) submissions: a workbook saved as .xls by LibreOffice reads the same.

The samples are converted by LibreOffice, as a department would "save as .xls"; the .xls must
give the same values, metrics and findings (codes and cells) as the .xlsx it came from.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import CLEAN, MESSY, SEED

from xlsxperf.cli import cli
from xlsxperf.config import Limits
from xlsxperf.evaluation import Evaluation, evaluate
from xlsxperf.model import Parse, Submission
from xlsxperf.opener import open_book
from xlsxperf.preflight import Format, preflight
from xlsxperf.read import read_submission
from xlsxperf.xlsbook import XlrdBook
from xlsxperf.xlsxbook import OpenpyxlBook

pytestmark = pytest.mark.libreoffice


@pytest.fixture(scope="session")
def as_xls(libreoffice: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("xls")
    return {src.name: libreoffice.convert(src, "xls", out) for src in (SEED, CLEAN, MESSY)}


def findings(ev: Evaluation) -> list[tuple[str, str | None, str | None]]:
    return sorted((f.code, f.sheet, f.cell) for f in ev.findings)


def values(sub: Submission) -> dict[str, Any]:
    """Every value the reader kept: fields, then table rows, with where it came from."""
    out: dict[str, Any] = {}
    for name, v in sub.fields.items():
        out[name] = (v.value, v.parse, v.cell.ref if v.cell else None, v.found_by)
    for label, table in (("projects", sub.projects), ("indicators", sub.indicators)):
        out[f"{label}.header"] = (table.sheet, table.header_row, table.columns)
        rows = table.rows + ([table.total] if table.total else [])
        for row in rows:
            for key, v in row.values.items():
                out[f"{label}.{row.number}.{key}"] = (v.value, v.parse)
    return out


def test_xls_is_detected_by_content(as_xls: dict[str, Path], tmp_path: Path) -> None:
    xls = as_xls[SEED.name]
    assert preflight(xls).format == Format.XLS
    renamed = tmp_path / "自评表.xlsx"
    shutil.copy(xls, renamed)
    assert preflight(renamed).format == Format.XLS
    assert isinstance(open_book(renamed), XlrdBook)
    assert read_submission(renamed).readable


def test_seed_as_xls_gives_the_same_metrics_and_findings(as_xls: dict[str, Path]) -> None:
    xlsx, xls = evaluate(SEED), evaluate(as_xls[SEED.name])
    assert xls.status == xlsx.status == "ok"
    assert xls.calc is not None and xlsx.calc is not None
    assert xls.calc.metrics == xlsx.calc.metrics
    assert xls.calc.metrics["income.total"] == Decimal("414.31")
    assert xls.calc.metrics["expenditure.share_pct.basic"] == Decimal("65.11")
    assert xls.calc.metrics["projects.by_category.special.execution_rate_pct"] == Decimal("75.67")
    assert findings(xls) == findings(xlsx)
    assert [p.to_dict() for p in xls.calc.projects] == [p.to_dict() for p in xlsx.calc.projects]
    assert [i.to_dict() for i in xls.calc.indicators] == \
        [i.to_dict() for i in xlsx.calc.indicators]


@pytest.mark.parametrize("src", [SEED, CLEAN, MESSY], ids=["seed", "clean", "messy"])
def test_xls_reads_the_same_values(as_xls: dict[str, Path], src: Path) -> None:
    xlsx, xls = read_submission(src), read_submission(as_xls[src.name])
    a, b = values(xlsx), values(xls)
    # LibreOffice calculates a formula saved without a value; the .xlsx has no value to read
    no_value = {k for k, v in a.items() if isinstance(v, tuple) and Parse.NO_VALUE in v}
    assert {k: v for k, v in a.items() if k not in no_value} == \
        {k: v for k, v in b.items() if k not in no_value}
    assert xls.template_version == xlsx.template_version
    assert [f.code for f in xls.findings] == [f.code for f in xlsx.findings]


@pytest.mark.parametrize("src", [CLEAN, MESSY], ids=["clean", "messy"])
def test_other_samples_as_xls_give_the_same_findings(as_xls: dict[str, Path], src: Path) -> None:
    xlsx, xls = evaluate(src), evaluate(as_xls[src.name])
    assert xls.calc is not None and xlsx.calc is not None
    assert xls.calc.metrics == xlsx.calc.metrics
    # a formula cell without a saved value is S004 in the .xlsx only (see above)
    computed = {f.cell for f in xlsx.findings if f.code == "S004"}
    assert [f for f in findings(xlsx) if f[2] not in computed] == \
        [f for f in findings(xls) if f[2] not in computed]


def test_xlrd_book_matches_openpyxl_book(as_xls: dict[str, Path]) -> None:
    a, b = OpenpyxlBook(SEED), XlrdBook(as_xls[SEED.name])
    assert b.sheet_names == a.sheet_names
    assert b.epoch == a.epoch == datetime(1899, 12, 30)
    for name in ("unit_name", "fill_date", "income_total", "exec_total_rate", "self_total",
                 "template_id", "template_version"):
        assert b.defined_name(name) == a.defined_name(name), name
    assert b.defined_name("no_such_name") is None
    sheet, row, col = b.defined_name("fill_date")  # type: ignore[misc]
    assert b.cell(sheet, row, col).value == datetime(2023, 5, 19)
    sheet, row, col = b.defined_name("exec_total_rate")  # type: ignore[misc]
    assert "%" in b.cell(sheet, row, col).number_format
    assert "%" in a.cell(sheet, row, col).number_format
    for sheet in a.sheet_names:
        last = min(a.max_row(sheet), 80)
        for r, (ra, rb) in enumerate(zip(a.rows(sheet, 1, last, 10),
                                         b.rows(sheet, 1, last, 10), strict=False), start=1):
            for c, (ca, cb) in enumerate(zip(ra, rb, strict=False), start=1):
                anchor = a.merged_anchor(sheet, r, c)
                if anchor != (r, c, c):
                    assert b.merged_anchor(sheet, r, c) == anchor
                elif b.merged_anchor(sheet, r, c)[:2] != (r, c):
                    # LibreOffice saves "centre across selection" as a merge in an .xls
                    assert ca.value is None
                    continue
                if ca.formula is not None and not ca.cached:
                    continue
                va = None if ca.value == "" else ca.value
                if isinstance(va, float):
                    assert cb.value == pytest.approx(va), (sheet, ra, rb)
                else:
                    assert cb.value == va, (sheet, ra, rb)


def test_1904_date_system(libreoffice: Any, tmp_path: Path) -> None:
    from openpyxl import load_workbook
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    wb = load_workbook(CLEAN)
    wb.epoch = CALENDAR_MAC_1904
    sheet, ref = next(iter(wb.defined_names["fill_date"].destinations))
    cell = wb[sheet][ref.replace("$", "")]
    serial = (date(2023, 4, 20) - date(1904, 1, 1)).days
    cell.value = serial  # a date typed as its serial number, in a General cell
    cell.number_format = "General"
    src = tmp_path / "mac.xlsx"
    wb.save(src)
    xls = libreoffice.convert(src, "xls", tmp_path / "out")
    for path in (src, xls):
        book = open_book(path)
        assert book.epoch == CALENDAR_MAC_1904
        v = read_submission(path)["fill_date"]
        assert v.value == date(2023, 4, 20), path
        assert v.parse == Parse.NORMALIZED


def test_row_cap_applies_to_xls(as_xls: dict[str, Path]) -> None:
    sub = read_submission(as_xls[SEED.name], Limits(max_rows=5))
    assert [f.code for f in sub.findings] == ["S005"]
    assert "limits.max_rows" in sub.findings[0].message
    assert as_xls[SEED.name].name in sub.findings[0].message


def test_cli_checks_xls(as_xls: dict[str, Path]) -> None:
    runner = CliRunner()
    a = runner.invoke(cli, ["check", "--format", "json", str(SEED)])
    b = runner.invoke(cli, ["check", "--format", "json", str(as_xls[SEED.name])])
    assert a.exit_code == b.exit_code
    assert "Traceback" not in b.output
    assert '"status": "ok"' in b.output
