"""The summary workbook of a batch run (评价汇总): one row per submission, ranked, with a link
to each evaluation; every finding across submissions; the files that could not be evaluated;
the distribution of computed scores. Written from the JSON file documents, with XlsxWriter."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..model import Status
from . import marker
from .styles import FONT, WORKBOOK_OPTIONS

if TYPE_CHECKING:
    from ..batch import Skipped

SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
BUCKETS = (("< 60", None, 60), ("60–70", 60, 70), ("70–80", 70, 80), ("80–90", 80, 90),
           ("≥ 90", 90, None))

OVERVIEW_COLUMNS = (  # header, width, key
    ("排名", 6, "rank"), ("单位名称", 30, "unit"), ("年度", 7, "year"), ("文件", 34, "file"),
    ("状态", 12, "status"), ("计算总分", 10, "score.computed"), ("计算等级", 9, "grade.computed"),
    ("自评总分", 10, "score.self"), ("自评等级", 9, "grade.self"),
    ("收入合计（万元）", 14, "income.total"), ("支出合计（万元）", 14, "expenditure.total"),
    ("预算执行率", 11, "execution.rate_pct.total"), ("错误", 7, "error"), ("警告", 7, "warning"),
    ("提示", 7, "info"), ("重复提交", 24, "duplicate"), ("评价结果", 36, "output"),
)


def _score(doc: dict[str, Any]) -> float | None:
    v = doc.get("metrics", {}).get("score.computed")
    return float(v) if isinstance(v, (int, float)) else None


def ranked(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Evaluated submissions by computed score, highest first; the rest after, by file."""
    def key(d: dict[str, Any]) -> tuple:
        s = _score(d)
        return (d["status"] != "ok", s is None, -(s or 0), Path(d["path"]).name)
    return sorted(docs, key=key)


def write_summary(docs: list[dict[str, Any]], others: list[Skipped], path: str | Path) -> Path:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {**WORKBOOK_OPTIONS, "in_memory": True})
    marker.mark(wb, marker.SUMMARY)
    base = {"font_name": FONT, "font_size": 10, "valign": "vcenter"}
    f = {
        "title": wb.add_format({**base, "bold": True, "font_size": 14}),
        "note": wb.add_format({**base, "font_color": "#595959"}),
        "head": wb.add_format({**base, "bold": True, "bg_color": "#DDEBF7", "border": 1,
                               "text_wrap": True, "align": "center"}),
        "text": wb.add_format({**base, "border": 1, "text_wrap": True}),
        "num": wb.add_format({**base, "border": 1, "num_format": "#,##0.00"}),
        "pct": wb.add_format({**base, "border": 1, "num_format": '0.00"%"'}),
        "int": wb.add_format({**base, "border": 1, "num_format": "0"}),
        "link": wb.add_format({**base, "border": 1, "font_color": "#0563C1", "underline": 1}),
        "bad": wb.add_format({**base, "border": 1, "bg_color": "#F8CBAD"}),
        "dup": wb.add_format({**base, "border": 1, "bg_color": "#FFE699", "text_wrap": True}),
    }
    ws = wb.add_worksheet("汇总")
    _overview(ws, f, ranked(docs))
    _findings(wb.add_worksheet("全部问题"), f, ranked(docs))
    _unevaluated(wb.add_worksheet("未审核文件"), f, docs, others)
    _distribution(wb, wb.add_worksheet("得分分布"), f, [s for d in docs if (s := _score(d)) is not None],
                  len(docs))
    ws.activate()
    wb.close()
    return Path(path)


def _page(ws: Any, header_row: int, last_col: int, landscape: bool = True) -> None:
    ws.freeze_panes(header_row + 1, 0)
    ws.set_paper(9)
    if landscape:
        ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(header_row)
    ws.set_footer("&C第 &P 页，共 &N 页")


def _title(ws: Any, f: dict, text: str, note: str) -> None:
    ws.write_string(0, 0, text, f["title"])
    ws.write_string(1, 0, note, f["note"])


def _overview(ws: Any, f: dict, docs: list[dict[str, Any]]) -> None:
    counts = {s: sum(1 for d in docs if d["status"] == s) for s in Status}
    _title(ws, f, "部门整体支出绩效自评审核汇总",
           f"生成时间 {time.strftime('%Y-%m-%d %H:%M')}；共 {len(docs)} 份，已审核 {counts['ok']} 份，"
           f"无法审核 {counts['error'] + counts['invalid']} 份，待处理 {counts['pending']} 份。"
           "按计算总分排名；点击“评价结果”打开单份评价。")
    header = 3
    for c, (name, width, _) in enumerate(OVERVIEW_COLUMNS):
        ws.set_column(c, c, width)
        ws.write_string(header, c, name, f["head"])
    rank = 0
    for r, d in enumerate(docs, start=header + 1):
        m, unit = d.get("metrics", {}), d.get("unit") or {}
        evaluated = d["status"] == "ok"
        if evaluated:
            rank += 1
            ws.write_number(r, 0, rank, f["int"])
        else:
            ws.write_blank(r, 0, None, f["text"])
        ws.write_string(r, 1, unit.get("name") or "", f["text"])
        _num(ws, r, 2, unit.get("year"), f["int"])
        ws.write_string(r, 3, Path(d["path"]).name, f["text"])
        ws.write_string(r, 4, Status(d["status"]).zh,
                        f["text"] if evaluated else f["bad"])
        _num(ws, r, 5, m.get("score.computed"), f["num"])
        ws.write_string(r, 6, m.get("grade.computed") or "", f["text"])
        _num(ws, r, 7, m.get("score.self"), f["num"])
        ws.write_string(r, 8, m.get("grade.self") or "", f["text"])
        _num(ws, r, 9, m.get("income.total"), f["num"])
        _num(ws, r, 10, m.get("expenditure.total"), f["num"])
        _num(ws, r, 11, m.get("execution.rate_pct.total"), f["pct"])
        for c, sev in ((12, "error"), (13, "warning"), (14, "info")):
            ws.write_number(r, c, d.get("counts", {}).get(sev, 0), f["int"])
        dups = d.get("duplicate_of") or []
        if dups:
            ws.write_string(r, 15, "同单位同年度重复：" + "、".join(Path(p).name for p in dups), f["dup"])
        else:
            ws.write_blank(r, 15, None, f["text"])
        if d.get("output"):
            ws.write_url(r, 16, f"external:{d['output']}", f["link"], string=d["output"])
        else:
            ws.write_blank(r, 16, None, f["text"])
    last = header + len(docs)
    ws.autofilter(header, 0, max(last, header), len(OVERVIEW_COLUMNS) - 1)
    _page(ws, header, len(OVERVIEW_COLUMNS) - 1)


def _num(ws: Any, r: int, c: int, v: Any, fmt: Any) -> None:
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        ws.write_number(r, c, v, fmt)
    else:
        ws.write_blank(r, c, None, fmt)


FINDING_COLUMNS = (("单位名称", 24), ("年度", 7), ("文件", 28), ("代码", 7), ("名称", 26),
                   ("级别", 7), ("工作表", 10), ("单元格", 8), ("问题", 60), ("应为", 14), ("实为", 14))


def _findings(ws: Any, f: dict, docs: list[dict[str, Any]]) -> None:
    _title(ws, f, "全部问题", "所有填报表的问题，可按单位、代码、级别筛选。")
    header = 3
    for c, (name, width) in enumerate(FINDING_COLUMNS):
        ws.set_column(c, c, width)
        ws.write_string(header, c, name, f["head"])
    r = header
    for d in docs:
        unit = d.get("unit") or {}
        for x in d.get("findings", []):
            r += 1
            cells = (unit.get("name") or "", unit.get("year"), Path(d["path"]).name, x["code"],
                     x["name"], SEVERITY_ZH.get(x["severity"], x["severity"]), x.get("sheet") or "",
                     x.get("cell") or "", x["message"], x.get("expected") or "", x.get("actual") or "")
            for c, v in enumerate(cells):
                if c == 1:
                    _num(ws, r, c, v, f["int"])
                else:
                    ws.write_string(r, c, str(v), f["text"])
    ws.autofilter(header, 0, max(r, header), len(FINDING_COLUMNS) - 1)
    _page(ws, header, len(FINDING_COLUMNS) - 1)


def _unevaluated(ws: Any, f: dict, docs: list[dict[str, Any]], others: list[Skipped]) -> None:
    _title(ws, f, "未审核文件", "无法读取、不是标准填报表、尚未就绪（下次运行时重试）或不是电子表格的文件。")
    header = 3
    for c, (name, width) in enumerate((("文件", 60), ("状态", 16), ("原因", 80))):
        ws.set_column(c, c, width)
        ws.write_string(header, c, name, f["head"])
    r = header
    for d in docs:
        if d["status"] == "ok":
            continue
        r += 1
        reason = "; ".join(x["message"] for x in d.get("findings", []) if x["severity"] == "error")
        if d["status"] == "pending":
            reason = "文件可能仍在复制中（最近刚修改，或压缩包不完整），下次运行时重试"
        ws.write_string(r, 0, d["path"], f["text"])
        ws.write_string(r, 1, Status(d["status"]).zh, f["bad"])
        ws.write_string(r, 2, reason, f["text"])
    for s in others:
        r += 1
        ws.write_string(r, 0, str(s.path), f["text"])
        ws.write_string(r, 1, "未审核", f["bad"])
        ws.write_string(r, 2, s.reason, f["text"])
    _page(ws, header, 2)


def _distribution(wb: Any, ws: Any, f: dict, scores: list[float], rows: int) -> None:
    """Counts of computed scores per band, as live COUNTIFS over 汇总, and a column chart."""
    _title(ws, f, "计算总分分布", "按计算总分分段统计（公式引用“汇总”工作表）。")
    ws.set_column(0, 1, 14)
    ws.write_string(3, 0, "分段", f["head"])
    ws.write_string(3, 1, "份数", f["head"])
    column = f"汇总!$F$5:$F${5 + rows}"
    for i, (label, low, high) in enumerate(BUCKETS, start=4):
        ws.write_string(i, 0, label, f["text"])
        crit = []
        if low is not None:
            crit.append(f'{column},">={low}"')
        if high is not None:
            crit.append(f'{column},"<{high}"')
        count = sum(1 for s in scores if (low is None or s >= low) and (high is None or s < high))
        ws.write_formula(i, 1, f"=COUNTIFS({','.join(crit)})", f["int"], count)
    chart = wb.add_chart({"type": "column"})
    chart.add_series({"name": "份数", "categories": ["得分分布", 4, 0, 8, 0],
                      "values": ["得分分布", 4, 1, 8, 1], "data_labels": {"value": True}})
    chart.set_title({"name": "计算总分分布", "name_font": {"name": FONT}})
    chart.set_legend({"none": True})
    chart.set_x_axis({"name": "计算总分", "num_font": {"name": FONT}})
    chart.set_y_axis({"name": "份数", "major_gridlines": {"visible": True}})
    ws.insert_chart(3, 3, chart, {"x_scale": 1.2, "y_scale": 1.1})
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 1)

