"""The summary workbook of a batch run (评价汇总), written from the files' JSON documents.

Sheets, each printable on A4 landscape:

- 汇总: one row per submission ranked by computed score. Printed: 排名, 单位名称, 年度, computed
  score and grade (when any submission was compared with its unit's previous year, last year's
  computed score and the change follow them), self score and grade, 错误, 警告, 审核结论. On
  screen only, right of those: 提示, amounts, the file, duplicates, the link to each
  evaluation (and which previous year it was compared with, or why none).
- 全部问题: every finding across submissions, filterable; rows as high as their wrapped text.
- 未审核文件: the files that could not be evaluated and why.
- 复核优先级: submissions ranked by risk (:mod:`.risk`), each with why in a few words.
- 历年得分 (when a unit has more than two years): each unit's computed score and grade by year,
  following the pairing of each submission with its previous year.
- 文件与链接: each submission's file, status, duplicates and its evaluation, linked.
- 得分分布: submissions per grade band (优 / 良 / 中 / 差 as configured), as live formulas,
  and a column chart with a whole-number axis.

Written row by row (XlsxWriter's ``constant_memory``): a batch run of a thousand files passes
the files' records (:func:`xlsxperf.render.file_record`) and a function that reads one
file's document. The documents are read one at a time and never all held: in rank order for
全部问题 (counting the 审核结论 and noting each file's risk points), again for the rows of
汇总, and in order of risk for 复核优先级. Every sheet is written top to bottom.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xlsxwriter.url import Url
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from .. import marker
from ..history import year_groups
from ..model import Severity, Status
from ..scoring import bands
from . import cells, risk
from .findings_sheet import rule_title
from .styles import Styles, link_units, page_header, print_setup, row_height, workbook_options
from .verdict import VERDICT_FILL, decide_document

if TYPE_CHECKING:
    from ..batch import Skipped
    from ..config import Config

TITLE = "部门整体支出绩效自评审核汇总"
SIZE = 10  # points: every text of the summary
HEADER_ROW = 3  # 0-based: the tables start on row 4
SUMMARY = "汇总"
DISTRIBUTION = "得分分布"
BAD_FILL = "#F8CBAD"
DUPLICATE_FILL = "#FFE699"
BAD: dict[str, Any] = {"bg_color": BAD_FILL, "pattern": 1}
DUPLICATE: dict[str, Any] = {"bg_color": DUPLICATE_FILL, "pattern": 1}

# header, width, printed; the printed columns first (A:J), then the screen-only ones (K:Q)
OVERVIEW_COLUMNS = (
    ("排名", 5), ("单位名称", 26), ("年度", 6), ("计算总分", 9), ("计算等级", 8), ("自评总分", 9),
    ("自评等级", 8), ("错误", 6), ("警告", 6), ("审核结论", 12),
    ("提示", 6), ("预算执行率", 10), ("收入合计（万元）", 13), ("支出合计（万元）", 13), ("文件", 34),
    ("重复提交", 24), ("评价结果", 36),
)
OVERVIEW_PRINTED = 10
# when any submission was compared with its previous year: printed after 计算等级, and on screen last
YEAR_COLUMNS = (("上年得分", 9), ("变化", 8))
YEAR_NOTE_COLUMN = ("上年对比", 40)
CHANGE_FORMAT = "+0.00;-0.00;0.00"
TREND = "历年得分"
TREND_YEARS = 6  # the latest years shown on 历年得分
MAX_LINK_WIDTH = 60
GRADE_COLUMN = "E"  # 计算等级, counted by 得分分布
FINDING_COLUMNS = (("单位名称", 16), ("年度", 6), ("级别", 6), ("代码", 6), ("位置", 14), ("问题", 46),
                   ("应为", 11), ("实为", 11), ("规则", 24), ("文件", 28))
FINDINGS_PRINTED = 8
PRIORITY_COLUMNS = (("序号", 5), ("单位名称", 24), ("年度", 6), ("风险分", 7), ("审核结论", 11),
                    ("计算总分", 9), ("自评总分", 9), ("复核理由", 40))
FILE_COLUMNS = (("单位名称", 22), ("年度", 6), ("文件", 44), ("状态", 10), ("重复提交", 22), ("评价结果", 40))


def file_name(path: str) -> str:
    """A path's last part, as ``Path(path).name`` (without making a Path, which interns each
    part of the name: a summary of a thousand files would keep a thousand of them)."""
    return os.path.basename(path)


def _number(v: Any) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _score(doc: dict[str, Any]) -> float | None:
    return _number(doc.get("metrics", {}).get("score.computed"))


def last_year_score(doc: dict[str, Any]) -> float | None:
    """The computed score of the previous year the submission was compared with."""
    previous = doc.get("previous")
    return _number((previous.get("metrics") or {}).get("score.computed")) if isinstance(previous, dict) else None


def compared(docs: list[dict[str, Any]]) -> bool:
    """Any submission compared with its previous year, or told why not."""
    return any(d.get("previous") or d.get("previous_refused") for d in docs)


def overview_columns(years: bool) -> tuple[tuple[tuple[str, int], ...], int]:
    """The columns of 汇总 and how many of them print: with ``years``, 上年得分 and 变化 after
    计算等级 (printed) and 上年对比 last (on screen)."""
    if not years:
        return OVERVIEW_COLUMNS, OVERVIEW_PRINTED
    return (OVERVIEW_COLUMNS[:5] + YEAR_COLUMNS + OVERVIEW_COLUMNS[5:] + (YEAR_NOTE_COLUMN,),
            OVERVIEW_PRINTED + len(YEAR_COLUMNS))


def year_note(doc: dict[str, Any]) -> str:
    """Which previous year a submission was compared with, or why none."""
    previous = doc.get("previous")
    if isinstance(previous, dict):
        year = previous.get("year")
        name = file_name(str(previous.get("path") or ""))
        return f"已与上年比对：{year} 年度 {name}" if year else f"已与上年比对：{name}"
    refused = doc.get("previous_refused")
    return refused if isinstance(refused, str) else ""


def ranked(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Evaluated submissions by computed score, highest first; the rest after, by file."""
    def key(d: dict[str, Any]) -> tuple:
        s = _score(d)
        return (d["status"] != Status.OK, s is None, -(s or 0), file_name(d["path"]))
    return sorted(docs, key=key)


_FILE_LINK = "external:"


class _Links:
    """A sheet's hyperlinks as XlsxWriter asks for them (``links[row][col] = url`` as each is
    written; ``links.keys()``, ``links[row].keys()`` and ``links[row][col]`` as the sheet
    closes), each kept as what makes it (the link, the text shown, the tip; a link to the
    file its text names, as the text alone) and made into XlsxWriter's
    :class:`~xlsxwriter.url.Url` again only when the sheet is closed. XlsxWriter holds every
    link of a sheet until then, as an object of nine attributes and three strings of its own
    in a dictionary per row: a summary of a thousand files has two thousand links."""

    def __init__(self) -> None:
        self._rows: dict[int, tuple[Any, ...]] = {}  # row -> (col, link, text, tip) * links in it

    def keys(self) -> list[int]:
        return list(self._rows)

    def __getitem__(self, row: int) -> _RowLinks:
        return _RowLinks(self._rows, row)


class _RowLinks:
    """The links of one row of :class:`_Links`."""

    def __init__(self, rows: dict[int, tuple[Any, ...]], row: int) -> None:
        self._rows, self._row = rows, row

    def _cells(self) -> dict[int, tuple[str | None, str, str]]:
        kept = self._rows.get(self._row, ())
        return {kept[i]: kept[i + 1:i + 4] for i in range(0, len(kept), 4)}

    def keys(self) -> list[int]:
        return list(self._cells())

    def __getitem__(self, col: int) -> Url:
        link, text, tip = self._cells()[col]
        url = Url(_FILE_LINK + text if link is None else link)
        url._text, url._tip = text, tip
        return url

    def __setitem__(self, col: int, url: Url) -> None:
        cells = self._cells()
        link: str | None = url._original_url
        if link == _FILE_LINK + url._text:  # a link to the file it names: kept as its name alone
            link = None
        cells[col] = (link, url._text, url._tip)
        self._rows[self._row] = tuple(v for c, kept in cells.items() for v in (c, *kept))


class RowByRow(Worksheet):
    """A sheet written row by row (``constant_memory``) that forgets each row's height once
    the row is written, and keeps its links small (:class:`_Links`). XlsxWriter keeps every
    row's height until the workbook closes, for placing pictures and charts (these sheets
    have none): a 全部问题 of 100,000 findings would hold 100,000 of them."""

    def _initialize(self, init_data: dict[str, Any]) -> None:
        super()._initialize(init_data)
        self.hyperlinks = _Links()

    def _write_single_row(self, current_row_num: int = 0) -> None:
        written = self.previous_row
        super()._write_single_row(current_row_num)
        for sizes in (getattr(self, "row_info", None), getattr(self, "row_sizes", None)):
            if isinstance(sizes, dict):
                sizes.pop(written, None)


class Summary:
    """The workbook being written and what its sheets share."""

    def __init__(self, wb: Any, config: Config) -> None:
        self.wb = wb
        self.st = Styles(wb)
        self.config = config

    def fmt(self, role: str = "text", num: str | None = None, **kw: Any) -> Any:
        return self.st(role, num, font_size=SIZE, **kw)

    def text(self, ws: Any, r: int, c: int, value: str, role: str = "text", **kw: Any) -> None:
        cells.text(ws, r, c, value, self.st, role, font_size=SIZE, **kw)

    def number(self, ws: Any, r: int, c: int, v: Any, num: str) -> None:
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            ws.write_number(r, c, v, self.fmt("data", num))
        else:
            ws.write_blank(r, c, None, self.fmt("data", num))

    def table(self, ws: Any, title: str, note: str, columns: tuple[tuple[str, int], ...],
              printed: int | None = None) -> int:
        """Title, note and header row of a sheet; the first data row."""
        shown = printed or len(columns)
        for c, (_, w) in enumerate(columns):
            ws.set_column(c, c, w)
        cells.merged_text(ws, 0, 0, shown - 1, title, self.st, "title", font_size=14)
        ws.set_row(0, 24)
        widths = sum(w for _, w in columns[:shown])
        cells.merged_text(ws, 1, 0, shown - 1, note, self.st, "wrapnote", font_size=SIZE)
        ws.set_row(1, row_height([(note, widths)], font_size=SIZE, minimum=15))
        for c, (h, _) in enumerate(columns):
            self.text(ws, HEADER_ROW, c, h, "header")
        ws.set_row(HEADER_ROW, row_height([(h, w) for h, w in columns[:shown]], font_size=SIZE, minimum=18))
        return HEADER_ROW + 1

    def finish(self, ws: Any, last_row: int, columns: int, printed: int | None = None) -> None:
        """Filter, frozen header, A4 landscape one page wide, the header row on every page."""
        ws.autofilter(HEADER_ROW, 0, max(HEADER_ROW, last_row), columns - 1)
        ws.freeze_panes(HEADER_ROW + 1, 0)
        print_setup(ws, landscape=True, repeat=(HEADER_ROW, HEADER_ROW))
        ws.print_area(0, 0, max(HEADER_ROW, last_row), (printed or columns) - 1)


def write_summary(docs: list[dict[str, Any]], others: list[Skipped], path: str | Path,
                  config: Config | None = None,
                  load: Callable[[dict[str, Any]], dict[str, Any]] | None = None) -> Path:
    """Write the summary of ``docs`` (and of the files listed in ``others``) to ``path``.

    ``docs`` are the files' documents or, with ``load``, their records
    (:func:`xlsxperf.render.file_record`), ``load(record)`` reading one file's document: then
    each sheet that needs the documents reads them one at a time, in rank order, and drops
    each (a document is read once per such sheet, never all held at once). ``config`` supplies
    the grade bands
    and the verdict rule (the defaults when omitted)."""
    import xlsxwriter

    from ..config import default_config

    wb = xlsxwriter.Workbook(str(path), workbook_options(constant_memory=True))
    marker.mark(wb, marker.SUMMARY)
    _write_sheets(Summary(wb, config or default_config()), docs, others, load or (lambda d: d))
    for ws in wb.worksheets():
        page_header(ws, TITLE)
    wb.worksheets()[0].activate()
    wb.close()  # the lists the rows were written from are gone: putting the file together is the peak
    return Path(path)


def _write_sheets(s: Summary, docs: list[dict[str, Any]], others: list[Skipped],
                  load: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    order = ranked(docs)
    groups = year_groups(order)
    with_trend = any(len(_years(g)) > 2 for g in groups)
    names = [SUMMARY, "全部问题", "未审核文件", "复核优先级"] + [TREND] * with_trend + ["文件与链接", DISTRIBUTION]
    sheets = {name: s.wb.add_worksheet(name, worksheet_class=RowByRow if name != DISTRIBUTION else None)
              for name in names}  # in the order they are shown; each written top to bottom below
    verdicts, points = findings(s, sheets["全部问题"], order, load)
    overview(s, sheets[SUMMARY], order, verdicts, load)
    unevaluated(s, sheets["未审核文件"], order, others, load)
    priority(s, sheets["复核优先级"], order, points, load)
    if with_trend:
        trend(s, sheets[TREND], groups)
    files(s, sheets["文件与链接"], order)
    distribution(s, sheets[DISTRIBUTION], order)


def _verdict_cell(s: Summary, ws: Any, r: int, c: int, d: Mapping[str, Any]) -> str:
    decision = decide_document(d, s.config.review)
    if decision is None:
        label = Status(d["status"]).zh
        s.text(ws, r, c, label, "data", text_wrap=True, **BAD)
        return label
    s.text(ws, r, c, decision.verdict.value, "data", bold=True, align="center",
           bg_color=VERDICT_FILL[decision.verdict], pattern=1)
    return decision.verdict.value


def overview(s: Summary, ws: Any, docs: list[dict[str, Any]], verdicts: Counter[str],
             load: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    """汇总: the note from the records and the count of each 审核结论, each row from the file's
    document (``load``)."""
    years = compared(docs)
    columns, printed = overview_columns(years)
    col = {h: c for c, (h, _) in enumerate(columns)}
    statuses = [d["status"] for d in docs]
    counted = "，".join(f"{name} {verdicts[name]} 份" for name in ("通过", "修改后通过", "退回修改"))
    note = (f"生成时间 {time.strftime('%Y-%m-%d %H:%M')}；共 {len(docs)} 份，已审核 {statuses.count(Status.OK)} 份"
            f"（{counted}），无法审核 {statuses.count(Status.ERROR) + statuses.count(Status.INVALID)} 份，"
            f"待处理 {statuses.count(Status.PENDING)} 份。按计算总分排名；黄色底纹的单位为同一年度重复提交。"
            + ("上年得分为同一单位上一年度填报表的计算总分，变化 = 计算总分 − 上年得分（未与上年比对的原因见右侧"
               "“上年对比”列）。" if years else "")
            + "文件和评价结果的链接见右侧各列及“文件与链接”工作表。")
    r = s.table(ws, TITLE, note, columns, printed)
    rank = 0
    for record in docs:
        d = load(record)
        m, unit = d.get("metrics", {}), d.get("unit") or {}
        dups = d.get("duplicate_of") or []
        if d["status"] == Status.OK:
            rank += 1
            ws.write_number(r, col["排名"], rank, s.fmt("data", "0", align="center"))
        else:
            ws.write_blank(r, col["排名"], None, s.fmt("data"))
        name = unit.get("name") or ""
        s.text(ws, r, col["单位名称"], name, "text", **(DUPLICATE if dups else {}))
        s.number(ws, r, col["年度"], unit.get("year"), "0")
        s.number(ws, r, col["计算总分"], m.get("score.computed"), "0.00")
        s.text(ws, r, col["计算等级"], m.get("grade.computed") or "", "data", align="center")
        if years:
            _change(s, ws, r, col, d)
        s.number(ws, r, col["自评总分"], m.get("score.self"), "0.00")
        s.text(ws, r, col["自评等级"], m.get("grade.self") or "", "data", align="center")
        counts = d.get("counts", {})
        for header, sev in (("错误", Severity.ERROR), ("警告", Severity.WARNING), ("提示", Severity.INFO)):
            n = counts.get(sev.value, 0)
            ws.write_number(r, col[header], n, s.fmt("data", "0", align="center",
                                                     severity=sev if n and sev != Severity.INFO else None))
        verdict = _verdict_cell(s, ws, r, col["审核结论"], d)
        s.number(ws, r, col["预算执行率"], m.get("execution.rate_pct.total"), '0.00"%"')
        s.number(ws, r, col["收入合计（万元）"], m.get("income.total"), "#,##0.00")
        s.number(ws, r, col["支出合计（万元）"], m.get("expenditure.total"), "#,##0.00")
        s.text(ws, r, col["文件"], file_name(d["path"]))
        if dups:
            s.text(ws, r, col["重复提交"], "同单位同年度重复：" + "、".join(file_name(p) for p in dups), "text",
                   **DUPLICATE)
        else:
            ws.write_blank(r, col["重复提交"], None, s.fmt())
        _link(s, ws, r, col["评价结果"], record)  # its name: one copy, the record's, in the link
        if years:
            s.text(ws, r, col[YEAR_NOTE_COLUMN[0]], year_note(d))
        ws.set_row(r, row_height([(name, columns[col["单位名称"]][1]), (verdict, 12)], font_size=SIZE, minimum=16))
        r += 1
    s.finish(ws, r - 1, len(columns), printed)


def _change(s: Summary, ws: Any, r: int, col: dict[str, int], d: dict[str, Any]) -> None:
    """上年得分 and 变化 (a live difference of the two scores)."""
    last, now = last_year_score(d), _score(d)
    s.number(ws, r, col["上年得分"], last, "0.00")
    if last is None or now is None:
        ws.write_blank(r, col["变化"], None, s.fmt("data", CHANGE_FORMAT))
        return
    formula = f"={xl_rowcol_to_cell(r, col['计算总分'])}-{xl_rowcol_to_cell(r, col['上年得分'])}"
    ws.write_formula(r, col["变化"], formula, s.fmt("data", CHANGE_FORMAT), round(now - last, 2))


def _link(s: Summary, ws: Any, r: int, c: int, d: dict[str, Any]) -> None:
    """The evaluation's file name, linked (a relative link: the summary sits beside them)."""
    if d.get("output"):
        ws.write_url(r, c, f"{_FILE_LINK}{d['output']}", s.fmt("link"), string=d["output"])
    else:
        ws.write_blank(r, c, None, s.fmt())


def findings(s: Summary, ws: Any, docs: list[dict[str, Any]], load: Callable[[dict[str, Any]], dict[str, Any]]
             ) -> tuple[Counter[str], list[float | None]]:
    """全部问题, reading each file's document (``load``) in turn; how many files have each
    审核结论, and each file's risk points (None: not evaluated), in the order of ``docs``."""
    r = s.table(ws, "全部问题", "所有填报表的问题，按单位排列，可按单位、级别、代码筛选。", FINDING_COLUMNS,
                FINDINGS_PRINTED)
    widths = [w for _, w in FINDING_COLUMNS]
    verdicts: Counter[str] = Counter()
    points: list[float | None] = []
    for record in docs:
        d = load(record)
        if (decision := decide_document(d, s.config.review)) is not None:
            verdicts[decision.verdict.value] += 1
        found = risk.assess(d)
        points.append(float(found.points) if found is not None else None)
        unit = d.get("unit") or {}
        for x in d.get("findings", []):
            try:
                sev: Severity | None = Severity(x["severity"])
            except ValueError:
                sev = None
            where = "!".join(p for p in (x.get("sheet"), x.get("cell")) if p)
            texts = [unit.get("name") or "", "", sev.zh if sev else str(x["severity"]), x["code"], where,
                     x["message"], x.get("expected") or "", x.get("actual") or "", rule_title(x["code"]),
                     file_name(d["path"])]
            for c, v in enumerate(texts):
                if c == 1:
                    s.number(ws, r, c, unit.get("year"), "0")
                elif c == 2 and sev is not None:
                    s.text(ws, r, c, v, "data", severity=sev, align="center", bold=True)
                else:
                    s.text(ws, r, c, v)
            ws.set_row(r, row_height(list(zip(texts, widths, strict=True))[:FINDINGS_PRINTED],
                                     font_size=SIZE, minimum=16))
            r += 1
    s.finish(ws, r - 1, len(FINDING_COLUMNS), FINDINGS_PRINTED)
    return verdicts, points


def unevaluated(s: Summary, ws: Any, docs: list[dict[str, Any]], others: list[Skipped],
                load: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    columns = (("文件", 44), ("状态", 14), ("原因", 50))
    r = s.table(ws, "未审核文件", "无法读取、不是标准填报表、尚未就绪（下次运行时重试）或不是电子表格的文件。", columns)
    rows = []
    for d in docs:
        if d["status"] == Status.OK:
            continue
        if d["status"] == Status.PENDING:
            reason = "文件可能仍在复制中（最近刚修改，或压缩包不完整），下次运行时重试"
        else:
            reason = "; ".join(x["message"] for x in load(d).get("findings", []) if x["severity"] == "error")
        rows.append((d["path"], Status(d["status"]).zh, reason))
    rows += [(str(o.path), "未审核", o.reason) for o in others]
    for path, status, reason in rows:
        s.text(ws, r, 0, path)
        s.text(ws, r, 1, status, "text", **BAD)
        s.text(ws, r, 2, reason)
        ws.set_row(r, row_height([(path, 44), (status, 14), (reason, 50)], font_size=SIZE, minimum=16))
        r += 1
    s.finish(ws, r - 1, len(columns))


def priority(s: Summary, ws: Any, docs: list[dict[str, Any]], points: list[float | None],
             load: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    """复核优先级: the files in order of their risk ``points`` (:func:`.risk.order`), each row
    from the file's document (``load``), its reasons assessed again."""
    note = ("按风险而不是按得分排列，供抽查时决定先看哪几份：自评总分高于计算总分、有错误、报告文字与数据矛盾、"
            "资金未用完而指标自评满分、指标值设置偏低，以及与上年比对发现的情形（指标值低于上年实际完成值、"
            "问题和建议与上年基本相同、与上年年末数不衔接、连续两年满分），各计风险分（计分方法见使用说明）。")
    r = s.table(ws, "复核优先级", note, PRIORITY_COLUMNS)
    n = 0
    for i in sorted(range(len(docs)), key=lambda i: risk.order(docs[i], points[i])):
        d = load(docs[i])
        found = risk.assess(d)
        unit = d.get("unit") or {}
        m = d.get("metrics") or {}
        name = unit.get("name") or file_name(d["path"])
        if found is None:
            ws.write_blank(r, 0, None, s.fmt("data"))
            why = "未能审核，请人工查看文件（见“未审核文件”）"
            ws.write_blank(r, 3, None, s.fmt("data"))
        else:
            n += 1
            ws.write_number(r, 0, n, s.fmt("data", "0", align="center"))
            why = found.why
            ws.write_number(r, 3, float(found.points), s.fmt("data", "0", align="center", bold=True))
        s.text(ws, r, 1, name)
        s.number(ws, r, 2, unit.get("year"), "0")
        verdict = _verdict_cell(s, ws, r, 4, d)
        s.number(ws, r, 5, m.get("score.computed"), "0.00")
        s.number(ws, r, 6, m.get("score.self"), "0.00")
        s.text(ws, r, 7, why)
        ws.set_row(r, row_height([(name, 24), (verdict, 11), (why, 40)], font_size=SIZE, minimum=16))
        r += 1
    s.finish(ws, r - 1, len(PRIORITY_COLUMNS))


def _years(group: list[dict[str, Any]]) -> list[int]:
    return sorted({y for d in group if isinstance(y := (d.get("unit") or {}).get("year"), int)})


def _by_year(group: list[dict[str, Any]], year: int, key: str) -> list[Any]:
    """The distinct values of metric ``key`` in ``year`` (two when the year was submitted
    twice with different results)."""
    out: list[Any] = []
    for d in group:
        v = (d.get("metrics") or {}).get(key)
        if (d.get("unit") or {}).get("year") == year and v is not None and v not in out:
            out.append(v)
    return out


def trend(s: Summary, ws: Any, groups: list[list[dict[str, Any]]]) -> None:
    """历年得分: each unit with two or more years, its computed score and grade by year (the
    latest TREND_YEARS years), as each submission was paired with its previous year, and the
    change of its latest year on the one before."""
    units = [g for g in groups if len(_years(g)) > 1]
    years = sorted({y for g in units for y in _years(g)})[-TREND_YEARS:]
    columns = ((("单位名称", 24),) + tuple(c for y in years for c in ((f"{y} 得分", 9), (f"{y} 等级", 9)))
               + (("较上年", 9),))
    note = ("有两个及以上年度的单位，各年度的计算总分和计算等级：每份填报表按单位编码、否则按单位名称与上一年度"
            f"配对，配对不确定时不连在一起。最多列出最近 {TREND_YEARS} 个年度；一个年度提交了两份且得分不同时，"
            "两个得分都列出。较上年 = 最近一年的计算总分 − 上一年度的计算总分。")
    r = s.table(ws, "历年得分", note, columns)
    rows = sorted(units, key=lambda g: (str((g[-1].get("unit") or {}).get("name") or ""), g[-1]["path"]))
    for group in rows:
        name = str((group[-1].get("unit") or {}).get("name") or file_name(group[-1]["path"]))
        s.text(ws, r, 0, name)
        scores = {y: [v for v in _by_year(group, y, "score.computed") if _number(v) is not None] for y in years}
        for i, year in enumerate(years):
            if len(scores[year]) == 1:
                s.number(ws, r, 1 + 2 * i, scores[year][0], "0.00")
            elif scores[year]:
                s.text(ws, r, 1 + 2 * i, " / ".join(f"{float(v):.2f}" for v in scores[year]), "data",
                       align="right")
            else:
                ws.write_blank(r, 1 + 2 * i, None, s.fmt("data"))
            grades = " / ".join(str(g) for g in _by_year(group, year, "grade.computed"))
            if grades:
                s.text(ws, r, 2 + 2 * i, grades, "data", align="center")
            else:
                ws.write_blank(r, 2 + 2 * i, None, s.fmt("data"))
        own = [y for y in years if scores[y]]
        c = 1 + 2 * len(years)
        if len(own) >= 2 and own[-1] - own[-2] == 1 and all(len(scores[y]) == 1 for y in own[-2:]):
            now, before = (1 + 2 * years.index(y) for y in (own[-1], own[-2]))
            ws.write_formula(r, c, f"={xl_rowcol_to_cell(r, now)}-{xl_rowcol_to_cell(r, before)}",
                             s.fmt("data", CHANGE_FORMAT),
                             round(float(scores[own[-1]][0]) - float(scores[own[-2]][0]), 2))
        else:
            ws.write_blank(r, c, None, s.fmt("data", CHANGE_FORMAT))
        ws.set_row(r, row_height([(name, 24)], font_size=SIZE, minimum=16))
        r += 1
    s.finish(ws, r - 1, len(columns))


def files(s: Summary, ws: Any, docs: list[dict[str, Any]]) -> None:
    r = s.table(ws, "文件与链接", "每份填报表的文件位置、审核状态、重复提交情况和评价结果（点击打开）。", FILE_COLUMNS)
    links = [link_units(d["output"]) + 2 for d in docs if d.get("output")]
    ws.set_column(5, 5, min(MAX_LINK_WIDTH, max([FILE_COLUMNS[5][1]] + links)))  # links are not wrapped
    for d in docs:
        unit = d.get("unit") or {}
        dups = "、".join(file_name(p) for p in d.get("duplicate_of") or [])
        texts = (unit.get("name") or "", d["path"], Status(d["status"]).zh, dups)
        s.text(ws, r, 0, texts[0])
        s.number(ws, r, 1, unit.get("year"), "0")
        s.text(ws, r, 2, texts[1])
        s.text(ws, r, 3, texts[2], "text", **({} if d["status"] == Status.OK else BAD))
        s.text(ws, r, 4, texts[3], "text", **(DUPLICATE if dups else {}))
        _link(s, ws, r, 5, d)
        ws.set_row(r, row_height([(texts[0], 22), (texts[1], 44), (texts[2], 10), (texts[3], 22)],
                                 font_size=SIZE, minimum=16))
        r += 1
    s.finish(ws, r - 1, len(FILE_COLUMNS))


def distribution(s: Summary, ws: Any, docs: list[dict[str, Any]]) -> None:
    """Submissions per configured grade band: live COUNTIFs over 汇总's 计算等级, and a chart."""
    grade_bands = bands(s.config.grades)
    columns = (("等级（计算总分）", 18), ("份数", 8))
    r = s.table(ws, "计算总分分布", "按计算等级统计已审核的填报表（公式引用“汇总”工作表的“计算等级”列）。", columns)
    first = r
    column = f"{SUMMARY}!${GRADE_COLUMN}${HEADER_ROW + 2}:${GRADE_COLUMN}${HEADER_ROW + 1 + max(1, len(docs))}"
    grades = [d.get("metrics", {}).get("grade.computed") for d in docs if d["status"] == Status.OK]
    for band in grade_bands:
        s.text(ws, r, 0, band.label, "data")
        ws.write_formula(r, 1, f'=COUNTIF({column},"{band.name}")', s.fmt("data", "0", align="center"),
                         grades.count(band.name))
        r += 1
    most = max([grades.count(b.name) for b in grade_bands] + [1])
    chart = s.wb.add_chart({"type": "column"})
    chart.add_series({"name": "份数", "categories": [DISTRIBUTION, first, 0, r - 1, 0],
                      "values": [DISTRIBUTION, first, 1, r - 1, 1], "fill": {"color": "#5B9BD5"},
                      "data_labels": {"value": True, "num_format": "0", "font": {"name": "宋体", "size": 9}}})
    chart.set_title({"name": "计算等级分布", "name_font": {"name": "宋体", "size": 12}})
    chart.set_legend({"none": True})
    chart.set_x_axis({"name": "计算等级", "num_font": {"name": "宋体", "size": 9},
                      "name_font": {"name": "宋体", "size": 9}})
    step = max(1, -(-most // 5))
    chart.set_y_axis({"name": "份数", "min": 0, "max": step * (-(-most // step) + 1), "major_unit": step,
                      "num_format": "0", "num_font": {"name": "宋体", "size": 9},
                      "name_font": {"name": "宋体", "size": 9},
                      "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    chart.set_size({"width": 560, "height": 300})
    ws.insert_chart(HEADER_ROW, 3, chart, {"x_offset": 10, "y_offset": 0})
    ws.freeze_panes(HEADER_ROW + 1, 0)
    print_setup(ws, landscape=True)
    ws.fit_to_pages(1, 1)
