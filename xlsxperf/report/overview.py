"""评价总览, page 1 of the evaluation: the decision a reviewer signs.

On one A4 page: the 审核结论 (通过 / 修改后通过 / 退回修改, decided by :mod:`.verdict` from the
findings and the configured rule) with what decided it and the counts; who was evaluated;
the computed against the self score and grade; the errors and warnings that decide it, each
linking to its cell; the key ratios (an impossible one marked 异常 with its cell); the review
date and lines for 审核人 / 复核人 / 日期. The charts follow on the next page (:mod:`.charts`).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xlsxwriter.utility import xl_rowcol_to_cell

from .. import schema as S
from ..model import Severity, Status
from . import cells, charts
from .anomaly import metric_anomaly
from .book import FINDINGS, FINDINGS_FIRST_ROW
from .findings_sheet import by_severity
from .prose import pct_text
from .styles import SEVERITY_FONT, UNIT_FORMATS, print_setup, row_height
from .verdict import VERDICT_FILL, Decision, decide_evaluation, rule_text

if TYPE_CHECKING:
    from .book import Book

TITLE = "部门整体支出绩效自评 · 评价结果"
WIDTHS = (16, 6, 14, 12, 12, 11)  # 71 units: an A4 portrait page at 100% (a unit prints ≤ 7 points)
LAST = len(WIDTHS) - 1
ROW = 17.0  # points, a one-line row
PAGE = 740.0  # points of rows that fit on page 1 (A4, 0.6" margins: 756 points)
SIGN_ROW = 30.0
HEADING = 20.0
GAP = 6.0
KEY_RATIOS = (
    "income.total", "expenditure.total", "expenditure.share_pct.basic",
    "expenditure.share_pct.project", "execution.rate_pct.total", "execution.rate_pct.basic",
    "execution.rate_pct.project", "projects.by_category.special.execution_rate_pct",
    "staff.quota_total", "staff.actual_total",
)
SCORE_LINES = (  # label, computed metric and column, declared metric and column, unit
    ("总分", "score.computed", "C", "score.self", "C", "分"),
    ("等级", "grade.computed", "C", "grade.self", "C", ""),
    ("预算执行率得分", "score.budget_computed", "C", "score.budget_computed", "D", "分"),
)


NUMERALS = "一二三四五六七八九"


class Page:
    """The rows of page 1 as they are written, with the height they take."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.row = 0
        self.used = 0.0
        self.sections = 0

    def next(self, height: float = ROW) -> int:
        """Claim the next row at ``height`` points; its index."""
        self.ws.set_row(self.row, height)
        self.used += height
        self.row += 1
        return self.row - 1

    def heading(self, book: Book, label: str) -> None:
        """The next numbered section: 一、审核结论 …"""
        if self.row:
            self.used += GAP
            self.row = cells.gap(self.ws, self.row, GAP)
        self.used += HEADING
        self.sections += 1
        self.row = cells.heading(self.ws, book.st, self.row, f"{NUMERALS[self.sections - 1]}、{label}", LAST,
                                 HEADING)


def write(book: Book, ws: Any) -> None:
    ev, st = book.ev, book.st
    sub = ev.submission
    for c, w in enumerate(WIDTHS):
        ws.set_column(c, c, w)
    ws.hide_gridlines(2)
    unit = sub.unit_name or "（未填单位名称）"
    year = f"{sub.year} 年度" if sub.year is not None else "年度未填"
    cells.title(ws, st, TITLE, f"{unit}　{year}", LAST)
    page = Page(ws)
    page.row, page.used = 2, 48.0
    decision = decide_evaluation(ev, book.config.review)
    _verdict(book, page, decision)
    _basics(book, page)
    _scores(book, page)
    tail = _tail_height(book)
    _findings(book, page, PAGE - page.used - tail)
    if book.rows is not None and ev.calc is not None:
        _ratios(book, page)
    _signatures(book, page)
    end = page.row
    if book.rows is not None and ev.calc is not None:
        ws.set_h_pagebreaks([end])  # the decision alone on page 1, the charts next
        ws.print_area(0, 0, charts.write(book, ws, end, WIDTHS), LAST)
    ws.freeze_panes(2, 0)
    print_setup(ws, landscape=False)


# -- 一、审核结论 -----------------------------------------------------------------------------


def _verdict(book: Book, page: Page, decision: Decision | None) -> None:
    ev, st, ws = book.ev, book.st, page.ws
    page.heading(book, "审核结论")
    r = page.next(36)
    cells.text(ws, r, 0, "审核结论", st, "label", bold=True, font_size=12)
    if decision is not None:
        verdict, fill = decision.verdict.value, VERDICT_FILL[decision.verdict]
    else:
        verdict, fill = Status(ev.status).zh, "#D9D9D9"
    cells.merged_text(ws, r, 1, 3, verdict, st, "data", bold=True, font_size=20, align="center",
                      bg_color=fill, pattern=1)
    cells.text(ws, r, 4, "审核日期", st, "label", bold=True, align="center")
    ws.write_datetime(r, 5, book.today, st("data", "yyyy-mm-dd", align="center"))

    if decision is not None:
        why = f"{decision.why}。规则：{rule_text(book.config.review)}"
    else:
        errors = [f.message for f in ev.findings if f.severity == Severity.ERROR]
        why = "未能审核：" + ("；".join(errors) or "文件无法读取")
    width = sum(WIDTHS[1:])
    r = page.next(row_height([(why, width)], minimum=ROW))
    cells.text(ws, r, 0, "结论依据", st, "label", bold=True)
    cells.merged_text(ws, r, 1, LAST, why, st, "text")

    r = page.next()
    cells.text(ws, r, 0, "问题数量", st, "label", bold=True)
    last = FINDINGS_FIRST_ROW + max(1, len(ev.findings))
    rng = f"'{FINDINGS}'!$B${FINDINGS_FIRST_ROW + 1}:$B${last}"
    spans = ((Severity.ERROR, 1, 2), (Severity.WARNING, 3, 3), (Severity.INFO, 4, 4))
    for sev, first, end in spans:
        n = ev.count(sev)
        fmt = st("data", f'"{sev.zh} "0" 个"', severity=sev if n and sev != Severity.INFO else None,
                 bold=True, align="center")
        if end > first:
            ws.merge_range(r, first, r, end, "", fmt)
        ws.write_formula(r, first, f'=COUNTIF({rng},"{sev.zh}")', fmt, n)
    refs = ",".join(xl_rowcol_to_cell(r, c) for _, c, _ in spans)
    ws.write_formula(r, 5, f"=SUM({refs})", st("data", '"共 "0" 个"', bold=True, align="center"),
                     len(ev.findings))


# -- 二、基本信息 -----------------------------------------------------------------------------


def _basics(book: Book, page: Page) -> None:
    ev, st, ws = book.ev, book.st, page.ws
    sub = ev.submission
    page.heading(book, "基本信息")
    version = ("—" if sub.template_version is None else f"第 {sub.template_version} 版"
               if sub.template_version in S.TEMPLATE_VERSIONS else
               f"{sub.template_version}（本工具支持第 {' / '.join(map(str, S.TEMPLATE_VERSIONS))} 版）")
    pairs = (
        ("单位名称", sub.unit_name or "—", "评价年度", str(sub.year) if sub.year is not None else "—"),
        ("填报表文件", Path(ev.path).name, "模板版本", version),
    )
    for left, lvalue, right, rvalue in pairs:
        height = row_height([(lvalue, sum(WIDTHS[1:3])), (rvalue, sum(WIDTHS[4:]))], minimum=ROW)
        r = page.next(height)
        cells.text(ws, r, 0, left, st, "label", bold=True)
        cells.merged_text(ws, r, 1, 2, lvalue, st, "text")
        cells.text(ws, r, 3, right, st, "label", bold=True)
        cells.merged_text(ws, r, 4, LAST, rvalue, st, "text")


# -- 三、评分结果 -----------------------------------------------------------------------------


def _scores(book: Book, page: Page) -> None:
    st, ws = book.st, page.ws
    page.heading(book, "评分结果")
    r = page.next()
    for first, end, h in ((0, 0, "项目"), (1, 2, "计算值"), (3, 3, "自评值"), (4, 5, "差异（计算 − 自评）")):
        cells.merged_text(ws, r, first, end, h, st, "header")
    for label, ckey, ccol, tkey, tcol, unit in SCORE_LINES:
        r = page.next()
        cells.text(ws, r, 0, label, st, "label", bold=True)
        num = UNIT_FORMATS.get(unit)
        cref, cval = book.metric_ref(ckey, ccol)
        tref, tval = book.metric_ref(tkey, tcol)
        if book.rows is None:  # not evaluated: nothing to compare
            cref, cval, tref, tval = None, None, None, None
        align: dict[str, Any] = {} if unit else {"align": "center"}  # a grade is a word: centred
        computed_fmt, declared_fmt = st("computed", num, bold=True, **align), st("data", num, **align)
        ws.merge_range(r, 1, r, 2, "", computed_fmt)
        cells.formula(ws, r, 1, cref, cval if cref else "—", computed_fmt)
        cells.formula(ws, r, 3, tref, tval if tref else "—", declared_fmt)
        here, there = xl_rowcol_to_cell(r, 1), xl_rowcol_to_cell(r, 3)
        diff_fmt = st("data", num, **align)
        ws.merge_range(r, 4, r, 5, "", diff_fmt)
        if cref and tref and isinstance(cval, float) and isinstance(tval, float):
            diff = float(Decimal(str(cval)) - Decimal(str(tval)))
            ws.write_formula(r, 4, f"=ROUND({here}-{there},2)", diff_fmt, round(diff, 2))
        elif cref and tref and isinstance(cval, str) and isinstance(tval, str):
            ws.write_formula(r, 4, f'=IF({here}={there},"一致","不一致")', diff_fmt,
                             "一致" if cval == tval else "不一致")
        else:
            ws.write_string(r, 4, "—", diff_fmt)


# -- 四、需要处理的问题 -----------------------------------------------------------------------


def _message(f: Any) -> str:
    return f"{f.code} {f.message}"


def _findings(book: Book, page: Page, room: float) -> None:
    """The errors and warnings, errors first, as many as fit; the rest on 问题清单."""
    ev, st, ws = book.ev, book.st, page.ws
    deciding = [f for f in by_severity(ev.findings) if f.severity != Severity.INFO]
    infos = ev.count(Severity.INFO)
    page.heading(book, "决定结论的问题（错误和警告）")
    if not deciding:
        r = page.next()
        note = "没有错误和警告。" + (f"另有提示 {infos} 个，见附录“问题清单”。" if infos else "")
        cells.merged_text(ws, r, 0, LAST, note, st)
        return
    r = page.next()
    cells.text(ws, r, 0, "位置", st, "header")
    cells.text(ws, r, 1, "级别", st, "header")
    cells.merged_text(ws, r, 2, LAST, "问题说明", st, "header")
    room -= GAP + HEADING + ROW * 2  # heading, header, the "另有" line
    width = sum(WIDTHS[2:])
    shown = 0
    for f in deciding:
        height = row_height([(_message(f), width), (f.where or "—", WIDTHS[0])], font_size=10, minimum=ROW)
        if height > room and shown:
            break
        room -= height
        r = page.next(height)
        book.location(ws, r, 0, f, text_wrap=True)
        ws.write_string(r, 1, f.severity.zh, st("data", severity=f.severity, align="center",
                                                font_color=SEVERITY_FONT[f.severity], bold=True))
        cells.merged_text(ws, r, 2, LAST, _message(f), st, font_size=10)
        shown += 1
    rest = deciding[shown:]
    if rest or infos:
        counts = {s: sum(1 for f in rest if f.severity == s) for s in (Severity.ERROR, Severity.WARNING)}
        parts = [f"{s.zh} {n} 个" for s, n in counts.items() if n]
        text = ("另有" + "、".join(parts) if parts else "") + \
            (("，" if parts else "另有") + f"提示 {infos} 个" if infos else "") + "，见附录“问题清单”"
        r = page.next()
        ws.merge_range(r, 0, r, LAST, "", st("note"))
        ws.write_url(r, 0, f"internal:'{FINDINGS}'!A{FINDINGS_FIRST_ROW}", st("link", border=0),
                     string=text)


# -- 五、主要指标 -----------------------------------------------------------------------------


def _ratio_keys(book: Book) -> list[str]:
    return [k for k in KEY_RATIOS if book.metric_row(k) is not None]


def _anomalies(book: Book) -> list[tuple[str, Any]]:
    ev = book.ev
    if ev.calc is None:
        return []
    out = []
    for key in _ratio_keys(book):
        a = metric_anomaly(ev.submission, ev.calc, key)
        if a is not None:
            out.append((key, a))
    return out


def _tail_height(book: Book) -> float:
    """What the ratios and the signature lines take below the findings."""
    tail = GAP + HEADING + 2 * SIGN_ROW  # signatures
    if book.rows is not None and book.ev.calc is not None:
        n = len(_ratio_keys(book))
        tail += GAP + HEADING + ROW * (1 + -(-n // 2))
        tail += sum(_anomaly_height(book, k, a) for k, a in _anomalies(book))
    return tail


def _anomaly_text(book: Book, key: str, a: Any) -> str:
    found = book.metric_row(key)
    label = found[1].metric.label if found else key
    return f"{label} {pct_text(a.value)}：{a.text}"


def _anomaly_height(book: Book, key: str, a: Any) -> float:
    return row_height([(_anomaly_text(book, key, a), sum(WIDTHS[:-1]))], font_size=10, minimum=ROW)


def _ratios(book: Book, page: Page) -> None:
    st, ws = book.st, page.ws
    page.heading(book, "主要指标（计算值）")
    keys = _ratio_keys(book)
    wild = dict(_anomalies(book))
    r = page.next()
    for first, end, h in ((0, 1, "指标"), (2, 2, "计算值"), (3, 4, "指标"), (5, 5, "计算值")):
        cells.merged_text(ws, r, first, end, h, st, "header")
    for i in range(0, len(keys), 2):
        r = page.next()
        for key, (label_first, label_end, value_first, value_end) in zip(
                keys[i:i + 2], ((0, 1, 2, 2), (3, 4, 5, 5)), strict=False):
            found = book.metric_row(key)
            assert found is not None
            m = found[1].metric
            cells.merged_text(ws, r, label_first, label_end, m.label, st, "label")
            ref, val = book.metric_ref(key, "C")
            fmt = st("computed", UNIT_FORMATS.get(m.unit), severity=Severity.ERROR if key in wild else None)
            if value_end > value_first:
                ws.merge_range(r, value_first, r, value_end, "", fmt)
            cells.formula(ws, r, value_first, ref, val if ref else "—", fmt)
        if len(keys[i:i + 2]) == 1:
            cells.merged_text(ws, r, 3, LAST, "", st, "data")
    for key, a in wild.items():
        r = page.next(_anomaly_height(book, key, a))
        cells.merged_text(ws, r, 0, LAST - 1, _anomaly_text(book, key, a), st, "text", font_size=10)
        if a.cells:  # a short link: spreadsheet programs do not wrap a linked cell's text
            book.cell_link(ws, r, LAST, a.cells[0], "查看单元格", align="center", font_size=10)
        else:
            ws.write_blank(r, LAST, None, st("data"))


# -- 审核人 / 复核人 / 日期 ---------------------------------------------------------------------


def _signatures(book: Book, page: Page) -> None:
    st, ws = book.st, page.ws
    page.heading(book, "审核签字")
    line = st("plain", bottom=1)
    for who in ("审核人（签字）", "复核人（签字）"):
        r = page.next(SIGN_ROW)
        cells.text(ws, r, 0, who, st, "plain", valign="bottom", bold=True)
        ws.merge_range(r, 1, r, 2, "", line)
        cells.text(ws, r, 3, "日期", st, "plain", valign="bottom", bold=True, align="right")
        ws.merge_range(r, 4, r, LAST, "", line)

