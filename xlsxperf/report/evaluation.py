"""Evaluation -> the evaluation workbook (评价结果), written with XlsxWriter (SPEC section 7).

Sheets, in order, each written by its own module:

- 评价总览 (:mod:`.overview`): page 1 is the decision a reviewer signs — 审核结论, scores,
  the errors and warnings that decide it, key ratios, 审核人 / 复核人 lines; the charts
  (:mod:`.charts`) follow on the next page.
- 问题清单 (:mod:`.findings_sheet`): one row per finding, errors first, each linking to its cell.
- 计算指标 (:mod:`.metrics_sheet`): every metric as a live formula over the echo sheets.
- 报告要点 (:mod:`.draft_sheet`): draft report paragraphs.
- 报告核对 (:mod:`.narrative_sheet`): the department's text checked against its data.
- one echo sheet per sheet of the submission (:mod:`.echo`, :mod:`.echo_sheet`).

Every printed page carries the unit and year in its header and the page number in its footer.
Text taken from a submission is only ever written with ``write_string`` (and a quote-prefix
format when it starts like a formula), in a workbook that turns no string into a formula,
number or link. Formulas are built from cell references and the schema's own labels only.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING

from .. import marker
from .._version import __version__
from ..collector import collector_paused
from . import (
    draft_sheet,
    echo_sheet,
    findings_sheet,
    metrics_sheet,
    narrative_sheet,
    overview,
    previous,
)
from .book import DRAFT, FINDINGS, OVERVIEW, Book
from .computed import METRICS_SHEET, metric_cells, plan_metrics
from .echo import Echo
from .styles import Styles, header_text, looks_like_formula, page_header, workbook_options
from .xlsx import STREAM_ROWS, XlsxWorkbook

if TYPE_CHECKING:
    from ..config import Config
    from ..evaluation import Evaluation

REPORT_SHEETS = (OVERVIEW, FINDINGS, METRICS_SHEET, DRAFT, narrative_sheet.SHEET)
TITLE = overview.TITLE


def write_evaluation(ev: Evaluation, path: str | Path, config: Config | None = None,
                     today: date | None = None) -> Path:
    """Write the evaluation workbook of ``ev`` to exactly ``path``; never to the input file.

    ``config`` supplies the grade floors and the verdict rule (the defaults when omitted);
    ``today`` is the review date printed on page 1.
    """
    path = Path(path)
    if path.resolve() == Path(ev.path).resolve():
        raise ValueError(f"{path}: 不能覆盖被审核的填报表（refusing to overwrite the input file）")
    _write(ev, str(path), config, today)
    return path


def evaluation_bytes(ev: Evaluation, config: Config | None = None, today: date | None = None) -> bytes:
    """The evaluation workbook of ``ev`` as bytes (built in memory; for a submission too large
    for that, in temporary files)."""
    import io

    buffer = io.BytesIO()
    _write(ev, buffer, config, today)
    return buffer.getvalue()


def _write(ev: Evaluation, target: str | IO[bytes], config: Config | None, today: date | None
           ) -> None:
    # The workbook is made of many small objects that all live until it is closed, none of
    # them garbage (a fifth of the time of a workbook went to the cycle collector).
    with collector_paused():
        _write_workbook(ev, target, config, today)


def _write_workbook(ev: Evaluation, target: str | IO[bytes], config: Config | None,
                    today: date | None) -> None:
    from ..config import default_config

    config = config or default_config()
    echo = None
    if ev.calc is not None:
        located = tuple((f.sheet, f.cell) for f in ev.findings if f.sheet and f.cell)
        echo = Echo(ev.submission, ev.calc, set(REPORT_SHEETS), metric_cells(),
                    tuple(dict.fromkeys(sheet for sheet, _ in located)), located)
    # a sheet too long to be held in memory as cells is streamed, and then the workbook is put
    # together in temporary files
    streamed = {es.name for es in echo.sheets.values() if es.table_rows > STREAM_ROWS} if echo else set()
    if len(ev.findings) > STREAM_ROWS:
        streamed.add(FINDINGS)
    if streamed:
        with tempfile.TemporaryDirectory(prefix="xlsxperf-", ignore_cleanup_errors=True) as tmp:
            wb = XlsxWorkbook(target, workbook_options(tmpdir=tmp))
            _write_book(Book(ev, wb, Styles(wb), config, today or date.today(), echo), streamed)
    else:  # in memory: no temporary files, faster
        wb = XlsxWorkbook(target, workbook_options(in_memory=True))
        _write_book(Book(ev, wb, Styles(wb), config, today or date.today(), echo), streamed)


def _write_book(book: Book, streamed: set[str]) -> None:
    ev, wb, config = book.ev, book.wb, book.config
    wb.set_properties({"title": TITLE, "author": "xlsxperf", "comments": f"xlsxperf {__version__}",
                       "subject": Path(ev.path).name})
    marker.mark(wb, marker.EVALUATION)
    sheets = {name: wb.add_sheet(name, streamed=name in streamed) for name in REPORT_SHEETS
              if ev.calc is not None or name in (OVERVIEW, FINDINGS)}
    if book.echo is not None:
        assert ev.calc is not None
        book.rows = plan_metrics(ev.submission, ev.calc, book.echo, config.grades)
        previous.write(wb, book.st, ev, book.echo, config)  # 复核参考, 上年对比
        echo_ws = {es.source: wb.add_sheet(es.name, streamed=es.name in streamed)
                   for es in book.echo.sheets.values()}
        metrics_sheet.write(book, sheets[METRICS_SHEET])
        draft_sheet.write(book, sheets[DRAFT])
        narrative_sheet.write(sheets[narrative_sheet.SHEET], book.st, ev, book.echo)
        by_sheet = echo_sheet.notes(book)
        for source, ws in echo_ws.items():
            es = book.echo.sheets[source]
            echo_sheet.write(book, ws, es, by_sheet.get(es.name, {}))
    findings_sheet.write(book, sheets[FINDINGS])
    overview.write(book, sheets[OVERVIEW])
    for ws in wb.worksheets():
        page_header(ws, f"{_who(ev)}　评价结果")
    sheets[OVERVIEW].activate()
    wb.close()


def _who(ev: Evaluation) -> str:
    """The unit and year for the page headers; the file's name when the unit is not usable."""
    sub = ev.submission
    unit = sub.unit_name or ""
    if not unit.strip() or looks_like_formula(unit):
        unit = Path(ev.path).name
    return header_text(f"{unit} {sub.year} 年度" if sub.year else unit)
