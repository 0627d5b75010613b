"""Evaluations and rules as console text or as the JSON document (SPEC section 6)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
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


# what a file's record keeps of its metrics: what ranks, groups and counts the files
RECORD_METRICS = ("score.computed", "grade.computed")


def file_record(doc: Mapping[str, Any]) -> dict[str, Any]:
    """What a batch run keeps of a file document in memory and in its state (the document
    itself stays on disk): the document without its findings, projects and indicators, with
    only the metrics in RECORD_METRICS, and of the previous year compared with only its path.
    Pairing the years (:mod:`xlsxperf.history`), the counts of :func:`summary`, the trend and
    the order of the summary workbook's rows read nothing else (the rows themselves are
    written from the documents, read one at a time)."""
    metrics = doc.get("metrics") or {}
    previous = doc.get("previous")
    if isinstance(previous, Mapping):
        previous = {"path": previous.get("path")}
    return {"path": doc["path"], "sha256": doc.get("sha256"), "status": doc["status"],
            "unit": doc.get("unit"), "supervisor": doc.get("supervisor"),
            "metrics": {k: metrics[k] for k in RECORD_METRICS if k in metrics},
            "counts": doc["counts"], "previous": previous,
            "previous_refused": doc.get("previous_refused"), "output": doc.get("output")}


def summary(docs: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Counts over file documents (or their records): by status, and findings by severity."""
    out = dict.fromkeys(("files", "ok", "invalid", "failed", "pending", "errors", "warnings", "infos"), 0)
    status_keys = {Status.OK.value: "ok", Status.INVALID.value: "invalid", Status.ERROR.value: "failed",
                   Status.PENDING.value: "pending"}
    for d in docs:
        out["files"] += 1
        key = status_keys.get(d["status"])
        if key:
            out[key] += 1
        counts = d["counts"]
        out["errors"] += counts["error"]
        out["warnings"] += counts["warning"]
        out["infos"] += counts["info"]
    return out


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


def to_json(doc: Any) -> str:
    import json  # not needed for text output: kept off the start-up path (as below)

    return json.dumps(doc, ensure_ascii=False, indent=2, default=str)


def _indented(text: str, depth: int) -> str:
    """JSON text as :func:`to_json` writes it, moved ``depth`` levels in (JSON strings hold no
    raw line breaks: every one is between two values)."""
    return text.replace("\n", "\n" + "  " * depth)


def with_keys(text: str, extra: Mapping[str, Any]) -> str:
    """``text``, an object as :func:`to_json` writes it, with the keys of ``extra`` added at
    its end: what :func:`to_json` writes for the object with those keys."""
    import json

    if not extra:
        return text
    body = ",\n".join(f"  {json.dumps(k, ensure_ascii=False)}: {_indented(to_json(v), 1)}"
                      for k, v in extra.items())
    if text == "{}":
        return "{\n" + body + "\n}"
    if not text.endswith("\n}"):
        raise ValueError("not a JSON object as to_json writes it")
    return text[:-2] + ",\n" + body + "\n}"


def json_chunks(doc: Mapping[str, Any], key: str, items: Iterable[str]) -> Iterator[str]:
    """:func:`to_json` of ``doc`` in pieces, the list under ``key`` given as the texts of its
    items (each as :func:`to_json` writes it; ``doc[key]`` itself is not read): a report of
    many file documents is written one document at a time, and the text is the same."""
    import json

    yield "{"
    first = True
    for k, v in doc.items():
        yield ("\n" if first else ",\n") + f"  {json.dumps(k, ensure_ascii=False)}: "
        first = False
        if k != key:
            yield _indented(to_json(v), 1)
            continue
        empty = True
        for text in items:
            yield ("[\n    " if empty else ",\n    ") + _indented(text, 2)
            empty = False
        yield "[]" if empty else "\n  ]"
    yield "}" if first else "\n}"


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
