"""The ``xlsxperf`` command line: parse options, call the library, print. Nothing else.

Exit codes: 0 nothing at or above ``--fail-on``; 1 findings at or above it; 2 usage or
configuration error; 3 at least one file could not be evaluated.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from . import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_UNEVALUATED = 0, 1, 2, 3
LEVELS = ("error", "warning", "info", "never")


class UsageError(click.UsageError):
    exit_code = EXIT_USAGE


def _config(path: str | None) -> Any:
    from .config import ConfigError, load_config

    try:
        return load_config(path)
    except ConfigError as e:
        raise UsageError(str(e)) from None


def exit_code(evaluations: list[Any], fail_on: str) -> int:
    """3 when a file could not be evaluated, else 1 when a finding reaches ``fail_on``."""
    from .model import Severity

    if any(e.status in ("error", "invalid") for e in evaluations):
        return EXIT_UNEVALUATED
    if fail_on == "never":
        return EXIT_OK
    floor = Severity(fail_on).rank
    worst = max((e.worst().rank for e in evaluations if e.worst()), default=0)
    return EXIT_FINDINGS if worst >= floor else EXIT_OK


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
def template(output: str, force: bool) -> None:
    """Write the blank fill-in template (部门整体支出绩效自评表).

    \b
    Example:
        xlsxperf template -o 部门整体支出绩效自评表.xlsx
    """
    from .template import write_template

    out = Path(output)
    if out.suffix.lower() != ".xlsx":
        raise UsageError(f"{out}: 模板须保存为 .xlsx（the template is written as .xlsx）")
    if out.exists() and not force:
        raise UsageError(f"{out} 已存在，未覆盖；如需覆盖请加 --force（exists; use --force）")
    if not out.parent.is_dir():
        raise UsageError(f"{out.parent} 不是已存在的文件夹（folder does not exist）")
    write_template(out)
    click.echo(f"已生成模板 {out}")


@cli.command()
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, readable=True))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format.")
@click.option("--fail-on", type=click.Choice(LEVELS), default="error", show_default=True,
              help="Exit 1 when a finding is at or above this severity.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Configuration file (default: ./xlsxperf.toml if present).")
def check(files: tuple[str, ...], fmt: str, fail_on: str, config_path: str | None) -> None:
    """Check submissions and print their findings, metrics and scores.

    \b
    Example:
        xlsxperf check 2022_经济合作局.xlsx
        xlsxperf check --format json samples/*.xlsx > report.json
    """
    from .evaluate import evaluate
    from .render import document, summary_line, text_lines, to_json

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
    sys.exit(exit_code(evaluations, fail_on))


@cli.command()
@click.argument("code", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def rules(code: str | None, fmt: str) -> None:
    """List the rule catalogue, or print one rule's documentation.

    \b
    Example:
        xlsxperf rules
        xlsxperf rules T004
    """
    from .render import rule_doc, rule_lines, to_json
    from .rules import load_all

    catalogue = load_all()
    if code is None:
        if fmt == "json":
            click.echo(to_json({"rules": [r.to_dict() for r in catalogue.values()]}))
        else:
            for line in rule_lines(catalogue.values()):
                click.echo(line)
        return
    r = catalogue.get(code.upper())
    if r is None:
        raise UsageError(f"没有规则 {code}（unknown rule code）；运行 xlsxperf rules 查看全部规则")
    click.echo(to_json(r.to_dict()) if fmt == "json" else rule_doc(r))


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"xlsxperf: {message}", err=True)
    sys.exit(code)


def main(argv: list[str] | None = None) -> None:
    """Entry point: no traceback ever reaches the user."""
    from .model import XmlUnsafe

    try:
        cli.main(args=argv, prog_name="xlsxperf", standalone_mode=True)
    except XmlUnsafe as e:
        _fail(str(e), EXIT_USAGE)
    except KeyboardInterrupt:
        _fail("已中断（interrupted）", 130)
    except Exception as e:  # the last line of defence
        _fail(f"内部错误，未完成（internal error: {type(e).__name__}: {e}）", EXIT_UNEVALUATED)
