"""The README documents what a user needs: every command, every field name."""

from __future__ import annotations

from conftest import ROOT

from xlsxperf import schema as S
from xlsxperf.cli import cli

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_starts_with_the_two_fresh_machine_commands() -> None:
    head = README[:3000]
    assert "pip install -q . && .venv/bin/xlsxperf run samples" in head
    assert "pip install -q '.[test]' && .venv/bin/python -m pytest" in head


def test_every_defined_name_is_documented() -> None:
    missing = [name for name in S.FIELDS if f"`{name}`" not in README]
    assert missing == []


def test_every_command_is_documented_with_an_example() -> None:
    for name, command in cli.commands.items():
        assert f"xlsxperf {name}" in README, name
        assert "Example:" in (command.help or ""), name


def test_every_rule_code_is_in_the_readme() -> None:
    from xlsxperf.rules import load_all

    missing = [code for code, r in load_all().items() if f"| {code} | `{r.name}`" not in README]
    assert missing == []


def test_readme_rule_table_is_the_generated_one() -> None:
    """README's table is ``xlsxperf rules --format markdown``, byte for byte."""
    from click.testing import CliRunner

    generated = CliRunner().invoke(cli, ["rules", "--format", "markdown"]).output.strip()
    start = README.index("<!-- rules:")
    block = README[README.index("\n", start) + 1:README.index("<!-- /rules -->")].strip()
    assert block == generated


def test_limits_are_documented_with_their_defaults() -> None:
    from dataclasses import fields

    from xlsxperf.config import Limits

    for f in fields(Limits):
        assert f"{f.name} = {f.default}" in README, f.name
