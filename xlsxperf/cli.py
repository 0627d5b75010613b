"""The ``xlsxperf`` command line: parse options, call the library, print. Nothing else.

Exit codes: 0 nothing at or above ``--fail-on``; 1 findings at or above it; 2 usage or
configuration error, or a run that could not do its job (output folder not writable, disk
full, state file in the way, lock held, no workbook found); 3 at least one file could not be
evaluated; 128 + the signal number when SIGTERM or Ctrl-C stopped a run (what was finished is
kept).

Logging is set up here and only here: ``run`` writes OUTDIR/xlsxperf.log, everything else a
per-user log file (:func:`log_file`).
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from ._version import __version__

if TYPE_CHECKING:
    from .batch import FileResult, RunResult

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_UNEVALUATED = 0, 1, 2, 3
EXIT_NOT_DONE = EXIT_USAGE  # the run could not do its job
LEVELS = ("error", "warning", "info", "never")
DROP_FOLDER = "评价结果"  # drop-in use: the evaluations go here, beside the first input
NO_PAUSE = "XLSXPERF_NO_PAUSE"  # set to skip the "press Enter" at the end of drop-in use

# -- click's own messages, in Chinese --------------------------------------------------------------

_CLICK_ZH = {
    "Usage:": "用法:",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "运行 '{command} {option}' 查看帮助。",
    "No such command {name!r}.": "没有命令 {name!r}，也没有这个文件或文件夹。",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "Did you mean {possibility}?": "是否想用 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是否想用：{possibilities}？）",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing command.": "缺少命令。",
    "Missing {param_type}": "缺少{param_type}",
    "Invalid value for {param_hint}: {message}": "{message}（{param_hint}）",
    "Invalid value: {message}": "值无效：{message}",
    "file": "文件",
    "directory": "文件夹",
    "path": "文件或文件夹",
    "{name} {filename!r} does not exist.": "{name}不存在：{filename}",
    "{name} {filename!r} is a file.": "这里需要文件夹，{filename} 是文件",
    "{name} {filename!r} is a directory.": "这里需要文件，{filename} 是文件夹",
    "{name} {filename!r} is not readable.": "{name}无法读取：{filename}",
    "{name} {filename!r} is not writable.": "{name}不可写：{filename}",
    "{name} {filename!r} is not executable.": "{name}不可执行：{filename}",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的数字（{number_type}）。",
    "{value} is not in the range {range}.": "{value} 不在允许的范围 {range} 之内。",
    "{value!r} is not {choice}.": "{value!r} 无效，只能是 {choice}。",
    "{value!r} is not one of {choices}.": "{value!r} 无效，可选：{choices}。",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个值。",
    "Option {name!r} does not take a value.": "选项 {name!r} 不接受值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个值。",
    "Got unexpected extra argument ({args})": "多余的参数：{args}",
    "Got unexpected extra arguments ({args})": "多余的参数：{args}",
    "Show this message and exit.": "显示本帮助并退出（show this message and exit）。",
    "Show the version and exit.": "显示版本号并退出（show the version and exit）。",
    "%(prog)s, version %(version)s": "%(prog)s，版本 %(version)s",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "Aborted!": "已中止。",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
}


def _zh(message: str) -> str:
    return _CLICK_ZH.get(message, message)


def _nzh(singular: str, plural: str, n: int) -> str:
    return _zh(singular if n == 1 else plural)


def _click_in_chinese() -> None:
    """click takes its messages through gettext; give its modules ours."""
    import click.core
    import click.decorators
    import click.exceptions
    import click.formatting
    import click.parser
    import click.termui
    import click.types

    for module in (click.core, click.decorators, click.exceptions, click.formatting,
                   click.parser, click.termui, click.types):
        if hasattr(module, "_"):
            module._ = _zh  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = _nzh  # type: ignore[attr-defined]


_click_in_chinese()


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


# -- logging (configured here only) ------------------------------------------------------------


def log_file() -> Path:
    """Where details go when no run folder has a log of its own: a file of the user's own
    (two people on one machine never share it). ``%LOCALAPPDATA%\\xlsxperf\\xlsxperf.log`` on
    Windows, ``$XDG_STATE_HOME/xlsxperf/xlsxperf.log`` (``~/.local/state/…``) elsewhere; a
    per-user folder in the temporary folder when there is no usable home."""
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        base = Path(os.environ["LOCALAPPDATA"])
    elif os.environ.get("XDG_STATE_HOME"):
        base = Path(os.environ["XDG_STATE_HOME"])
    else:
        base = Path.home() / ".local" / "state"
    folder = base / "xlsxperf"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if os.access(folder, os.W_OK):
            return folder / "xlsxperf.log"
    except (OSError, RuntimeError):
        pass
    import tempfile  # only here: it takes a few milliseconds to import

    user = str(os.getuid()) if hasattr(os, "getuid") else (os.environ.get("USERNAME") or "user")
    return Path(tempfile.gettempdir()) / f"xlsxperf-{user}" / "xlsxperf.log"


class _LogFile(logging.FileHandler):
    """Appends timestamped lines to a log file. A logging failure (a full disk, a folder that
    cannot be created) never prints a traceback: the first one turns the file off, and an
    empty file it left is removed."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, encoding="utf-8", delay=True)
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        self.failed = False

    def emit(self, record: logging.LogRecord) -> None:
        if self.failed:
            return
        try:
            if self.stream is None:
                Path(self.baseFilename).parent.mkdir(parents=True, exist_ok=True)
            super().emit(record)
            self.flush()
        except Exception:  # noqa: BLE001 - see handleError
            self.handleError(record)

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        self.failed = True
        try:
            self.close()
            if os.path.getsize(self.baseFilename) == 0:
                os.unlink(self.baseFilename)
        except OSError:
            pass


def _log_details() -> None:
    """Tracebacks and details go to the per-user log file (created only when something is logged)."""
    logger = logging.getLogger("xlsxperf")
    if not logger.handlers:
        logger.addHandler(_LogFile(log_file()))
        logger.setLevel(logging.INFO)
        logger.propagate = False


@contextmanager
def _logging_to(path: Path) -> Iterator[None]:
    """For the length of a run, the details go to ``path`` (OUTDIR/xlsxperf.log)."""
    logger = logging.getLogger("xlsxperf")
    before = (list(logger.handlers), logger.level, logger.propagate)
    handler = _LogFile(path)
    logger.handlers = [handler]
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        yield
    finally:
        handler.close()
        logger.handlers, level, logger.propagate = before[0], before[1], before[2]
        logger.setLevel(level)


@contextmanager
def _loading() -> Iterator[None]:
    """Importing builds objects that live as long as the process and leaves no garbage: the
    cycle collector waits while the modules load, then leaves them out of its rounds."""
    from .collector import collector_paused

    with collector_paused(freeze=True):
        yield


def _where_logged() -> str:
    return next((h.baseFilename for h in logging.getLogger("xlsxperf").handlers
                 if isinstance(h, logging.FileHandler)), str(log_file()))


def _stamp(line: str, stream: Any) -> str:
    """A line for a log file (cron, Task Scheduler) gets the time in front; a terminal does not."""
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    return line if tty else f"{time.strftime('%Y-%m-%d %H:%M:%S')} {line}"


def _fail(message: str, code: int, stamp: bool = False) -> NoReturn:
    line = f"xlsxperf: {message}"
    click.echo(_stamp(line, sys.stderr) if stamp else line, err=True)
    sys.exit(code)


# -- the commands ----------------------------------------------------------------------------------


class _Group(click.Group):
    """``xlsxperf FILE_OR_FOLDER...`` without a command is drop-in use (files dragged onto the
    program, or sent to it from Explorer's 发送到 menu)."""

    def resolve_command(self, ctx: click.Context, args: list[str]) -> tuple[str | None, click.Command | None,
                                                                              list[str]]:
        first = args[0] if args else ""
        if first and first not in self.commands and not first.startswith("-") and _looks_like_path(first):
            return "xlsxperf", dropin, args
        return super().resolve_command(ctx, args)


def _looks_like_path(arg: str) -> bool:
    return (os.path.lexists(arg) or os.sep in arg or "/" in arg
            or arg.lower().endswith((".xlsx", ".xlsm", ".xls")))


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "-V", "--version", prog_name="xlsxperf")
def cli() -> None:
    """审核部门整体支出绩效自评表（Check departments' budget-performance self-evaluation workbooks）。

    把填报表或文件夹拖到程序上（或 xlsxperf 文件或文件夹…），评价结果写到第一个文件旁边的“评价结果”文件夹。

    \b
    Example:
        xlsxperf template -o 自评表.xlsx
        xlsxperf check samples/*.xlsx
        xlsxperf 自评表/
        xlsxperf rules T004
    """


@cli.command()
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False),
              help="模板保存到哪里（.xlsx）。Where to write the blank template.")
@click.option("--force", is_flag=True, help="覆盖已存在的文件。Overwrite OUTPUT if it exists.")
@click.option("--version", "version", type=int, default=None, metavar="N",
              help="模板版本（默认为当前版本 2；1 为第一版）。Template version to write (default: the "
                   "current one, 2; 1 for the first layout).")
def template(output: str, force: bool, version: int | None) -> None:
    """生成空白填报模板。Write the blank fill-in template (部门整体支出绩效自评表).

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
                        help="配置文件（默认：当前文件夹的 xlsxperf.toml）。Configuration file "
                             "(default: ./xlsxperf.toml if present).")(func)
    func = click.option("--fail-on", type=click.Choice(LEVELS), default="error",
                        show_default=True,
                        help="问题达到此级别时退出码为 1。Exit 1 when a finding is at or above "
                             "this severity.")(func)
    return click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
                        show_default=True, help="输出格式。Output format.")(func)


@cli.command()
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, readable=True))
@_common
@click.option("-o", "--output", "outdir", type=click.Path(file_okay=False),
              help="同时把每份填报表的评价结果写到此文件夹。Also write an evaluation workbook "
                   "(评价结果) per submission into this folder.")
@click.option("--annotate", "annotated", is_flag=True,
              help="与 -o 同用：另存一份标出问题的填报表副本。With -o: also write a copy of each "
                   "submission with its problems marked.")
@click.option("--previous", "previous", type=click.Path(exists=True, dir_okay=False, readable=True),
              help="同一单位上一年度的填报表，用于上年对比。The same unit's previous-year workbook, "
                   "to compare with (上年对比).")
def check(files: tuple[str, ...], fmt: str, fail_on: str, config_path: str | None,
          outdir: str | None, annotated: bool, previous: str | None) -> None:
    """审核填报表，列出问题、指标和得分。Check submissions and print their findings, metrics and scores.

    With --previous, each FILE of the same unit and the following year is also compared with
    last year's workbook (rules Y, the 上年对比 sheet); any other FILE is not, with a warning.

    \b
    Example:
        xlsxperf check 2022_经济合作局.xlsx
        xlsxperf check 2022_经济合作局.xlsx --previous 2021_经济合作局.xlsx
        xlsxperf check --format json samples/*.xlsx > report.json
        xlsxperf check samples/*.xlsx -o 评价结果 --annotate
    """
    with _loading():
        from .evaluation import evaluate
        from .render import document, summary_line, text_lines, to_json

    if annotated and not outdir:
        raise UsageError("--annotate 需要同时给出 -o 输出文件夹（--annotate needs -o DIR）")
    config = _config(config_path)
    earlier = evaluate(previous, config) if previous else None
    evaluations = [evaluate(f, config, earlier) for f in files]
    for ev in evaluations:
        if ev.previous_refused:
            click.echo(f"xlsxperf: 警告：{ev.path}：{ev.previous_refused}（not compared with "
                       f"{previous}: not the same unit's previous year）", err=True)
        elif ev.previous is not None:
            click.echo(f"{ev.path}：已与上年（{ev.previous.submission.year} 年度）{ev.previous.path} 比对",
                       err=fmt == "json")
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
            saved = save_evaluations(evaluations, Path(outdir), config, annotated)
        except OSError as e:
            raise UsageError(f"无法写入 {outdir}：{e.strerror}（cannot write to {outdir}）") from None
        for path in saved.written:
            click.echo(f"已写出 {path}", err=fmt == "json")
        for problem in saved.problems:
            click.echo(f"xlsxperf: {problem}", err=True)
    sys.exit(exit_code([e.status for e in evaluations],
                       [f.severity.value for e in evaluations for f in e.findings], fail_on))


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("-o", "--output", "outdir", required=True, type=click.Path(file_okay=False),
              help="评价结果、汇总、JSON 报告、日志和状态文件写到此文件夹。Folder for the evaluations, "
                   "the summary, the JSON report, log and state.")
@click.option("-j", "--jobs", type=click.IntRange(1, 256), default=None,
              help="同时审核的进程数（默认：CPU 核数）。Worker processes (default: all cores).")
@_common
@click.option("--settle", type=click.FloatRange(0), default=60, show_default=True,
              help="文件最近修改后须等待的秒数（可能仍在复制）。Seconds a file must be left "
                   "unmodified before it is evaluated.")
@click.option("--lock-wait", type=click.FloatRange(0), default=10, show_default=True,
              help="另一次运行占用输出文件夹时最多等待的秒数。Seconds to wait for another run "
                   "holding OUTDIR.")
@click.option("--allow-empty", is_flag=True,
              help="输入中没有任何填报表时照常运行（默认：保留上次汇总，退出码 2）。Run even when "
                   "no workbook is found (default: keep the previous summary, exit 2).")
def run(paths: tuple[str, ...], outdir: str, jobs: int | None, fmt: str, fail_on: str,
        config_path: str | None, settle: float, lock_wait: float, allow_empty: bool) -> None:
    """定时批量审核：把 PATHS 下的全部填报表审核到 OUTDIR。Evaluate every workbook under PATHS
    into OUTDIR, incrementally (a scheduled run).

    Writes one evaluation per submission, 评价汇总.xlsx, 评价汇总.json and xlsxperf.log.
    Unchanged inputs are not evaluated again; files still being copied are left for the
    next run; one bad file never stops the batch. Exit 2 means the run did not do its job
    (the line printed says what to fix); 3 that some files could not be evaluated.

    \b
    Example:
        xlsxperf run /mnt/share/inbox -o /mnt/share/评价结果
        xlsxperf run inbox/ extra.xlsx -o out --jobs 4 --format json
    """
    with _loading():
        from .batch import BatchError, ensure_writable

    out = Path(outdir)
    inputs = [Path(p).resolve() for p in paths]
    if any(out.resolve() == p for p in inputs):
        raise UsageError(f"{out} 不能同时是输入和输出文件夹（OUTDIR must not be an input）")
    try:
        ensure_writable(out)  # before anything else
    except BatchError as e:
        _fail(str(e), EXIT_NOT_DONE, stamp=True)
    config = _config(config_path)
    result = _run_batch(inputs, out, config, jobs, settle=settle, lock_wait=lock_wait,
                        allow_empty=allow_empty)
    records = result.records  # the documents stay on disk: a run of any size prints in little memory
    click.echo(_stamp(_final_line(result), sys.stderr if fmt == "json" else sys.stdout),
               err=fmt == "json")
    if fmt == "json":
        with open(result.report_path, encoding="utf-8", errors="surrogateescape") as fh:
            for chunk in iter(lambda: fh.read(1 << 16), ""):
                click.echo(chunk, nl=False)
        click.echo()
    sys.exit(exit_code([r["status"] for r in records],
                       [sev for r in records for sev, n in r["counts"].items() if n], fail_on))


def _run_batch(inputs: list[Path], out: Path, config: Any, jobs: int | None, pause: bool = False,
               **options: Any) -> RunResult:
    """run_batch with the run's log file, SIGTERM / Ctrl-C handled, progress shown; a run that
    could not do its job ends the program with one line (exit 2)."""
    import signal

    from .batch import LOG_FILE, BatchError, Interrupted, Stop, run_batch

    stop = Stop()
    handlers = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    feedback = _Feedback()
    try:
        with _logging_to(out / LOG_FILE):
            for s in handlers:
                signal.signal(s, stop)
            try:
                result = run_batch(inputs, out, config, jobs, feedback, stop=stop, **options)
            finally:
                for s, h in handlers.items():
                    signal.signal(s, h)
                feedback.close()
    except BatchError as e:
        _end(str(e), EXIT_NOT_DONE, pause)
    except Interrupted as e:
        _end(str(e), 128 + e.signum, pause)
    for note in result.notes:
        click.echo(_stamp(f"xlsxperf: {note}", sys.stderr), err=True)
    return result


def _end(message: str, code: int, pause: bool) -> NoReturn:
    if pause:
        click.echo(f"xlsxperf: {message}", err=True)
        _pause()
        sys.exit(code)
    _fail(message, code, stamp=True)


def _final_line(result: RunResult) -> str:
    from .batch import Source

    s = result.totals
    return (f"{s['files']} 个文件：本次审核 {result.count(Source.EVALUATED)} 个，"
            f"沿用上次结果 {result.count(Source.REUSED)} 个，待处理 {result.count(Source.PENDING)} 个，"
            f"本次出错 {result.count(Source.RETRY, Source.GAVE_UP)} 个"
            f"（下次重试 {result.count(Source.RETRY)} 个）；无法审核 {s['failed'] + s['invalid']} 个；"
            f"错误 {s['errors']}，警告 {s['warnings']}，提示 {s['infos']}。汇总：{result.summary_path}")


class _Feedback:
    """A progress bar on a terminal; one timestamped line per file otherwise (cron, Task
    Scheduler), names escaped so that each file is one line."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.bar: Any = None
        self.done = 0
        self.total = 0

    def started(self, todo: int, reused: int) -> None:
        self.total = todo
        if self.tty and self.total:
            self.bar = click.progressbar(length=self.total, label="审核中", file=sys.stderr)
            self.bar.__enter__()

    def finished(self, result: FileResult) -> None:
        from .batch import Source, shown

        self.done += 1
        self.total = max(self.total, self.done)  # a later year re-evaluated once its earlier one arrived
        if self.bar is not None:
            self.bar.update(1)
            return
        doc = result.record
        if result.source in (Source.RETRY, Source.GAVE_UP):
            state = f"无法审核 {(result.error or '').splitlines()[0] if result.error else ''}"
            state += "（下次重试）" if result.source is Source.RETRY else "（不再重试）"
        else:
            counts = doc["counts"]
            state = f"{result.status.zh} 错误 {counts['error']} 警告 {counts['warning']} 提示 {counts['info']}"
        click.echo(_stamp(f"[{self.done}/{self.total}] {shown(result.key)}: {state}", sys.stderr), err=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


class _DropIn(click.Command):
    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage("xlsxperf", "文件或文件夹…（FILE_OR_FOLDER...）", _zh("Usage:") + " ")


@click.command("xlsxperf", cls=_DropIn, context_settings={"help_option_names": []})
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
def dropin(paths: tuple[str, ...]) -> None:
    """审核拖放到程序上的填报表或文件夹，评价结果写到第一个文件旁边的“评价结果”文件夹。"""
    with _loading():
        from .batch import BatchError, Source, ensure_writable, shown
        from .model import Status

    inputs = [Path(p).absolute() for p in paths]
    out = inputs[0].parent / DROP_FOLDER
    try:
        ensure_writable(out)
    except BatchError as e:
        fallback = Path.home() / DROP_FOLDER
        click.echo(f"xlsxperf: {e}；改为写到 {fallback}", err=True)
        out = fallback
        try:
            ensure_writable(out)
        except BatchError as e2:
            _end(str(e2), EXIT_NOT_DONE, pause=True)
    config = _config(None)
    result = _run_batch([p.resolve() for p in inputs], out, config, None, pause=True, settle=0,
                        truncated_window=0, lock_wait=60)
    click.echo()
    for f in result.files:
        name = shown(os.path.basename(f.key))
        if f.status is Status.OK:
            c = f.record["counts"]
            click.echo(f"  已审核  {name} → {f.record['output']}（错误 {c['error']}，警告 {c['warning']}，"
                       f"提示 {c['info']}）")
        else:
            reason = "; ".join(x["message"] for x in f.doc["findings"] if x["severity"] == "error")
            label = "未就绪" if f.source is Source.PENDING else f.status.zh
            click.echo(f"  {label}  {name}：{reason or '文件可能仍在复制中，请稍后再试'}")
    for s in result.not_evaluated:
        click.echo(f"  未审核  {s.path}：{s.reason}")
    click.echo(f"\n评价结果已写到：{out}\n汇总：{result.summary_path}")
    _pause()
    sys.exit(exit_code([r["status"] for r in result.records], [], "never"))


def _own_console() -> bool:
    """Windows: the console window was opened for this program alone (dragged onto it, or
    started from Explorer) and closes when it ends."""
    if os.name != "nt":
        return False
    try:
        import ctypes

        ids = (ctypes.c_uint32 * 8)()
        return int(ctypes.windll.kernel32.GetConsoleProcessList(ids, 8)) <= 2  # type: ignore[attr-defined]
    except (OSError, AttributeError):
        return False


def _pause() -> None:
    """Wait for Enter when started without a terminal of its own, so the window stays open
    long enough to be read."""
    if os.environ.get(NO_PAUSE) or sys.stdin is None:
        return
    try:
        interactive = sys.stdin.isatty()
    except (AttributeError, ValueError):
        interactive = False
    if interactive and not _own_console():
        return
    click.echo("按回车键关闭窗口……（press Enter to close）", err=True)
    try:
        input()
    except (EOFError, OSError, RuntimeError, KeyboardInterrupt):
        pass


@cli.command()
@click.argument("code", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True, help="markdown: the table README.md carries.")
def rules(code: str | None, fmt: str) -> None:
    """列出审核规则，或显示一条规则的说明。List the rule catalogue, or print one rule's documentation.

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


def main(argv: list[str] | None = None) -> None:
    """Entry point: no traceback ever reaches the user."""
    from .errors import XmlUnsafe

    _log_details()
    args = sys.argv[1:] if argv is None else list(argv)
    if not args:  # double-clicked: show what it does, and leave the window open to read it
        with click.Context(cli, info_name="xlsxperf") as ctx:
            click.echo(cli.get_help(ctx))
        _pause()
        sys.exit(EXIT_OK)
    try:
        cli.main(args=args, prog_name="xlsxperf", standalone_mode=True)
    except XmlUnsafe as e:
        _fail(str(e), EXIT_USAGE)
    except KeyboardInterrupt:
        _fail("已中断（interrupted）", 130)
    except Exception as e:  # the last line of defence
        logging.getLogger("xlsxperf").error("unexpected error", exc_info=e)
        _fail(f"内部错误，未完成（internal error: {type(e).__name__}: {e}）；详情见 {_where_logged()}",
              EXIT_UNEVALUATED)
