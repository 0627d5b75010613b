"""Evaluations and rules as console text or as the JSON document (SPEC section 6)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .model import Severity, Status
from .values import json_number

if TYPE_CHECKING:
    from .evaluation import Evaluation
    from .rules import Rule

SCHEMA_VERSION = 1


def file_document(ev: Evaluation) -> dict[str, Any]:
    sub = ev.submission
    doc: dict[str, Any] = {
        "path": ev.path,
        "sha256": ev.sha256,
        "status": ev.status,
        "unit": {"name": sub.unit_name, "code": sub.get("unit_code"), "year": sub.year},
        "supervisor": sub.get("supervisor"),
        "template_version": sub.template_version,
        "metrics": {},
        "projects": [],
        "indicators": [],
        "findings": [f.to_dict() for f in ev.findings],
        "counts": {s.value: ev.count(s) for s in Severity},
        "previous": previous_document(ev.previous),
        "previous_refused": ev.previous_refused,
    }
    if ev.calc is not None:
        doc["metrics"] = {k: json_number(v) for k, v in ev.calc.metrics.items()}
        doc["projects"] = [p.to_dict() for p in ev.calc.projects]
        doc["indicators"] = [i.to_dict() for i in ev.calc.indicators]
    return doc


def previous_document(prev: Evaluation | None) -> dict[str, Any] | None:
    """The same unit's previous year compared with (None when none is paired)."""
    if prev is None:
        return None
    sub = prev.submission
    return {"path": prev.path, "sha256": prev.sha256, "year": sub.year,
            "unit": {"name": sub.unit_name, "code": sub.get("unit_code")},
            "metrics": {k: json_number(v) for k, v in prev.metrics.items()}}


def summary(docs: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts over file documents: by status, and findings by severity."""
    statuses = [d["status"] for d in docs]
    return {
        "files": len(docs),
        "ok": statuses.count(Status.OK),
        "invalid": statuses.count(Status.INVALID),
        "failed": statuses.count(Status.ERROR),
        "pending": statuses.count(Status.PENDING),
        "errors": sum(d["counts"]["error"] for d in docs),
        "warnings": sum(d["counts"]["warning"] for d in docs),
        "infos": sum(d["counts"]["info"] for d in docs),
    }


def document(evaluations: list[Evaluation], extra: dict[str, Any] | None = None) -> dict[str, Any]:
    files = [file_document(e) for e in evaluations]
    doc = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "xlsxperf", "version": __version__},
        "files": files,
        "summary": summary(files),
    }
    if extra:
        doc.update(extra)
    return doc


def to_json(doc: dict[str, Any]) -> str:
    import json  # not needed for text output: kept off the start-up path

    return json.dumps(doc, ensure_ascii=False, indent=2, default=str)


# -- text --------------------------------------------------------------------------------------

KEY_METRICS = (
    ("income.total", "收入合计", "万元"),
    ("expenditure.total", "支出合计", "万元"),
    ("execution.rate_pct.total", "预算执行率", "%"),
    ("score.budget_computed", "预算执行率得分", "分"),
)


def fmt_number(v: Any, unit: str = "") -> str:
    if v is None:
        return "—"
    if isinstance(v, Decimal):
        text = f"{v:,.2f}" if unit != "人" else f"{v:,.0f}"
    else:
        text = str(v)
    return f"{text}{unit if unit == '%' else (' ' + unit if unit else '')}"


def text_lines(ev: Evaluation, color: bool = False) -> Iterable[str]:
    import click

    def style(text: str, **kw: Any) -> str:
        return click.style(text, **kw) if color else text

    sub = ev.submission
    yield style(f"== {ev.path}", bold=True)
    unit = sub.unit_name or "（未填单位名称）"
    year = sub.year or "—"
    yield f"   单位：{unit}    年度：{year}    状态：{Status(ev.status).zh}"
    colors = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
    for sev in Severity:
        mine = [f for f in ev.findings if f.severity == sev]
        if not mine:
            continue
        yield style(f"   {sev.zh} {sev.value} ({len(mine)})", fg=colors[sev], bold=True)
        for f in mine:
            where = f.where or "—"
            yield f"     {f.code}  {where:<18} {f.message}"
    if not ev.findings:
        yield style("   没有发现问题 (no findings)", fg="green")
    if ev.calc is not None:
        m = ev.calc.metrics
        parts = [f"{label} {fmt_number(m.get(k), u)}" for k, label, u in KEY_METRICS]
        yield "   " + "  |  ".join(parts)
        yield (f"   计算总分 {fmt_number(m.get('score.computed'))}（{m.get('grade.computed') or '—'}）"
               f"  自评总分 {fmt_number(m.get('score.self'))}（{m.get('grade.self') or '—'}）")


def summary_line(evaluations: list[Evaluation]) -> str:
    s = summary([file_document(e) for e in evaluations])
    return (f"{s['files']} 个文件：{s['ok']} 个已审核，{s['invalid'] + s['failed']} 个无法审核；"
            f"错误 {s['errors']}，警告 {s['warnings']}，提示 {s['infos']}")


def rule_lines(rules: Iterable[Rule]) -> Iterable[str]:
    for r in rules:
        yield f"{r.code}  {r.name:<32} {r.severity.value:<8} {r.title}"


RULE_TABLE_HEAD = ("| 代码 code | 名称 name | 默认级别 | 检查内容 |", "|---|---|---|---|")


def rule_table(rules: Iterable[Rule]) -> str:
    """The rule catalogue as the Markdown table README.md carries (``rules --format markdown``)."""
    rows = [f"| {r.code} | `{r.name}` | {r.severity.value} | {r.title} |" for r in rules]
    return "\n".join((*RULE_TABLE_HEAD, *rows))


def rule_doc(r: Rule) -> str:
    return (f"{r.code} {r.name}（{r.title}）\n"
            f"默认级别 severity: {r.severity.value}（{r.severity.zh}）\n\n{r.doc}\n\n"
            f"提示语 message: {r.zh}\nEnglish: {r.en}\n")
