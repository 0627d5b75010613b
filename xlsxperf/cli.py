"""The ``xlsxperf`` command line: parse options, call the library, print. Nothing else.

Exit codes: 0 nothing at or above ``--fail-on``; 1 findings at or above it; 2 usage or
configuration error; 3 at least one file could not be evaluated.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from ._version import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_UNEVALUATED = 0, 1, 2, 3
LEVELS = ("error", "warning", "info", "never")


class UsageError(click.UsageError):
    exit_code = EXIT_USAGE


def _config(path: str | None) -> Any:
    from . import load_config
    from .config import ConfigError

    try:
        return load_config(path)
    except ConfigError as e:
        raise UsageError(str(e)) from None


def exit_code(statuses: list[str], severities: list[str], fail_on: str) -> int:
    """3 when a file could not be evaluated, else 1 when a finding reaches ``fail_on``."""
    from .model import Severity, Status

    if any(Status(s).failed for s in statuses):
        return EXIT_UNEVALUATED
    if fail_on == "never":
        return EXIT_OK
    worst = max((Severity(s).rank for s in severities), default=0)
    return EXIT_FINDINGS if worst >= Severity(fail_on).rank else EXIT_OK


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "-V", "--version", prog_name="xlsxperf")
def cli() -> None:
    """Check departments' budget-performance self-evaluation workbooks (部门整体支出绩效自评表).

    \b
    Example:
        xlsxperf template -o 自评表.xlsx
        xlsxperf check samples/*.xlsx
        xlsxperf rules T004
    """


@cli.command()
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False),
              help="Where to write the blank template (.xlsx).")
@click.option("--force", is_flag=True, help="Overwrite OUTPUT if it exists.")
@click.option("--version", "version", type=int, default=None, metavar="N",
              help="Template version to write (default: the current one, 2; 1 for the first layout).")
def template(output: str, force: bool, version: int | None) -> None:
    """Write the blank fill-in template (部门整体支出绩效自评表).

    \b
    Example:
        xlsxperf template -o 部门整体支出绩效自评表.xlsx
        xlsxperf template --version 1 -o 部门整体支出绩效自评表_v1.xlsx
    """
    from .schema import TEMPLATE_VERSION, TEMPLATE_VERSIONS
    from .template import write_template

    if version is None:
        version = TEMPLATE_VERSION
    if version not in TEMPLATE_VERSIONS:
        known = " / ".join(str(v) for v in TEMPLATE_VERSIONS)
        raise UsageError(f"--version {version}: 没有这个模板版本，可用 {known}（unknown template version）")

    out = Path(output)
    if out.suffix.lower() != ".xlsx":
        raise UsageError(f"{out}: 模板须保存为 .xlsx（the template is written as .xlsx）")
    if out.exists() and not force:
        raise UsageError(f"{out} 已存在，未覆盖；如需覆盖请加 --force（exists; use --force）")
    if not out.parent.is_dir():
        raise UsageError(f"{out.parent} 不是已存在的文件夹（folder does not exist）")
    write_template(out, version)
    click.echo(f"已生成模板 {out}（第 {version} 版）")


def _common(func: Any) -> Any:
    """The options ``check`` and ``run`` share."""
    func = click.option("--config", "config_path", type=click.Path(dir_okay=False),
                        help="Configuration file (default: ./xlsxperf.toml if present).")(func)
    func = click.option("--fail-on", type=click.Choice(LEVELS), default="error",
                        show_default=True,
                        help="Exit 1 when a finding is at or above this severity.")(func)
    return click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
                        show_default=True, help="Output format.")(func)


@cli.command()
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, readable=True))
@_common
@click.option("-o", "--output", "outdir", type=click.Path(file_okay=False),
              help="Also write an evaluation workbook (评价结果) per submission into this folder.")
@click.option("--annotate", "annotated", is_flag=True,
              help="With -o: also write a copy of each submission with its problems marked.")
def check(files: tuple[str, ...], fmt: str, fail_on: str, config_path: str | None,
          outdir: str | None, annotated: bool) -> None:
    """Check submissions and print their findings, metrics and scores.

    \b
    Example:
        xlsxperf check 2022_经济合作局.xlsx
        xlsxperf check --format json samples/*.xlsx > report.json
        xlsxperf check samples/*.xlsx -o 评价结果 --annotate
    """
    from .evaluation import evaluate
    from .render import document, summary_line, text_lines, to_json

    if annotated and not outdir:
        raise UsageError("--annotate 需要同时给出 -o 输出文件夹（--annotate needs -o DIR）")
    config = _config(config_path)
    evaluations = [evaluate(f, config) for f in files]
    if fmt == "json":
        click.echo(to_json(document(evaluations)))
    else:
        color = sys.stdout.isatty()
        for ev in evaluations:
            for line in text_lines(ev, color):
                click.echo(line)
            click.echo()
        click.echo(summary_line(evaluations))
    if outdir:
        from .report.save import save_evaluations

        try:
            written = save_evaluations(evaluations, Path(outdir), config, annotated)
        except OSError as e:
            raise UsageError(f"无法写入 {outdir}：{e.strerror}（cannot write to {outdir}）") from None
        for path in written:
            click.echo(f"已写出 {path}", err=fmt == "json")
    sys.exit(exit_code([e.status for e in evaluations],
                       [f.severity.value for e in evaluations for f in e.findings], fail_on))


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("-o", "--output", "outdir", required=True, type=click.Path(file_okay=False),
              help="Folder for the evaluations, the summary, the JSON report, log and state.")
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=None,
              help="Worker processes (default: all cores).")
@_common
@click.option("--settle", type=click.FloatRange(0), default=60, show_default=True,
              help="Seconds a file must be left unmodified before it is evaluated.")
def run(paths: tuple[str, ...], outdir: str, jobs: int | None, fmt: str, fail_on: str,
        config_path: str | None, settle: float) -> None:
    """Evaluate every workbook under PATHS into OUTDIR, incrementally (a scheduled run).

    Writes one evaluation per submission, 评价汇总.xlsx, 评价汇总.json and xlsxperf.log.
    Unchanged inputs are not evaluated again; files still being copied are left for the
    next run; one bad file never stops the batch.

    \b
    Example:
        xlsxperf run /mnt/share/inbox -o /mnt/share/评价结果
        xlsxperf run inbox/ extra.xlsx -o out --jobs 4 --format json
    """
    from .batch import LockBusy, run_batch
    from .render import to_json

    config = _config(config_path)
    out = Path(outdir)
    inputs = [Path(p).resolve() for p in paths]
    if any(out.resolve() == p for p in inputs):
        raise UsageError(f"{out} 不能同时是输入和输出文件夹（OUTDIR must not be an input）")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UsageError(f"无法创建输出文件夹 {out}：{e.strerror}") from None
    feedback = _Feedback()
    try:
        result = run_batch(inputs, out, config, jobs, feedback, settle=settle)
    except LockBusy as e:
        _fail(f"{out} 正被另一次运行使用（another run holds the lock: {e}）", EXIT_USAGE)
    finally:
        feedback.close()
    docs = result.docs
    s = result.report["summary"]
    click.echo(f"{s['files']} 个文件：本次审核 {result.evaluated} 个，沿用上次结果 "
               f"{s['files'] - result.evaluated - s['pending']} 个，待处理 {s['pending']} 个，"
               f"无法审核 {s['failed'] + s['invalid']} 个；错误 {s['errors']}，警告 {s['warnings']}，"
               f"提示 {s['infos']}。汇总：{result.summary_path}", err=fmt == "json")
    if fmt == "json":
        click.echo(to_json(result.report))
    sys.exit(exit_code([d["status"] for d in docs],
                       [f["severity"] for d in docs for f in d["findings"]], fail_on))


class _Feedback:
    """A progress bar on a terminal; one line per file otherwise (cron, Task Scheduler)."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.bar: Any = None
        self.done = 0
        self.total = 0

    def __call__(self, event: str, data: dict[str, Any]) -> None:
        if event == "start":
            self.total = data["total"]
            if self.tty and self.total:
                self.bar = click.progressbar(length=self.total, label="审核中", file=sys.stderr)
                self.bar.__enter__()
            return
        self.done += 1
        outcome = data["outcome"]
        if self.bar is not None:
            self.bar.update(1)
            return
        if outcome.doc is not None:
            counts = outcome.doc["counts"]
            state = (f"{outcome.doc['status']} 错误 {counts['error']} 警告 {counts['warning']} "
                     f"提示 {counts['info']}")
        else:
            state = f"error {outcome.error}"
        click.echo(f"[{self.done}/{self.total}] {outcome.path}: {state}", err=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@cli.command()
@click.argument("code", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True, help="markdown: the table README.md carries.")
def rules(code: str | None, fmt: str) -> None:
    """List the rule catalogue, or print one rule's documentation.

    \b
    Example:
        xlsxperf rules
        xlsxperf rules T004
        xlsxperf rules --format markdown
    """
    from .render import rule_doc, rule_lines, rule_table, to_json
    from .rules import load_all

    catalogue = load_all()
    if code is None:
        if fmt == "json":
            click.echo(to_json({"rules": [r.to_dict() for r in catalogue.values()]}))
        elif fmt == "markdown":
            click.echo(rule_table(catalogue.values()))
        else:
            for line in rule_lines(catalogue.values()):
                click.echo(line)
        return
    r = catalogue.get(code.upper())
    if r is None:
        raise UsageError(f"没有规则 {code}（unknown rule code）；运行 xlsxperf rules 查看全部规则")
    click.echo(to_json(r.to_dict()) if fmt == "json" else rule_doc(r))


def log_file() -> Path:
    """Where details go when no run folder has a log of its own."""
    import tempfile

    return Path(tempfile.gettempdir()) / "xlsxperf.log"


def _log_details() -> None:
    """Tracebacks and details go to a log file (created only when something is logged)."""
    import logging

    logger = logging.getLogger("xlsxperf")
    if not logger.handlers:
        handler = logging.FileHandler(log_file(), delay=True, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"xlsxperf: {message}", err=True)
    sys.exit(code)


def main(argv: list[str] | None = None) -> None:
    """Entry point: no traceback ever reaches the user."""
    from .errors import XmlUnsafe

    _log_details()
    try:
        cli.main(args=argv, prog_name="xlsxperf", standalone_mode=True)
    except XmlUnsafe as e:
        _fail(str(e), EXIT_USAGE)
    except KeyboardInterrupt:
        _fail("已中断（interrupted）", 130)
    except Exception as e:  # the last line of defence
        import logging

        logging.getLogger("xlsxperf").error("unexpected error", exc_info=e)
        where = next((h.baseFilename for h in logging.getLogger("xlsxperf").handlers
                      if hasattr(h, "baseFilename")), str(log_file()))
        _fail(f"内部错误，未完成（internal error: {type(e).__name__}: {e}）；详情见 {where}",
              EXIT_UNEVALUATED)
