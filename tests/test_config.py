"""xlsxperf.toml: profile, thresholds, severities, rule selection; a bad config is exit 2."""

from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import CLEAN, MESSY, SEED

from xlsxperf import load_config
from xlsxperf.cli import cli
from xlsxperf.config import ConfigError, default_config
from xlsxperf.evaluation import evaluate


def _conf(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "xlsxperf.toml"
    path.write_text(text, encoding="utf-8")
    return path


def codes(path: Path, config) -> list[str]:
    return [f.code for f in evaluate(path, config).findings]


def test_defaults() -> None:
    c = default_config()
    assert c.profile.name == "national" and c.profile.level1_weights["产出指标"] == 50
    assert c.thresholds.reason_below_pct == 90 and c.thresholds.target_too_low_pct == 120


def test_thresholds_change_results(tmp_path: Path) -> None:
    # the clean sample's projects run at 92.59%–96.15% without reasons
    strict = load_config(_conf(tmp_path, "[thresholds]\nreason_below_pct = 95\n"))
    assert "R002" in codes(CLEAN, strict) and "R002" not in codes(CLEAN, default_config())
    lenient = load_config(_conf(tmp_path, "[thresholds]\ntarget_too_low_pct = 170\n"))
    assert "P005" not in codes(SEED, lenient)


def test_severity_and_selection(tmp_path: Path) -> None:
    cfg = load_config(_conf(tmp_path, '[rules]\nignore = ["C", "P005"]\n[rules.severity]\n'
                                      'P002 = "error"\n'))
    ev = evaluate(SEED, cfg)
    assert not {"C001", "C002", "P005"} & {f.code for f in ev.findings}
    assert [f.severity.value for f in ev.findings if f.code == "P002"] == ["error"]
    only = load_config(_conf(tmp_path, '[rules]\nselect = ["T"]\n'))
    assert {c[0] for c in codes(MESSY, only)} <= {"T", "S"}


def test_grades_can_move(tmp_path: Path) -> None:
    cfg = load_config(_conf(tmp_path, '[grades]\n"优" = 99\n'))
    assert evaluate(SEED, cfg).calc.metrics["grade.computed"] == "良"
    assert cfg.thresholds.score_tolerance == D("0.01")


def test_config_found_in_working_directory(tmp_path: Path) -> None:
    _conf(tmp_path, 'profile = "sichuan"\n')
    assert load_config(cwd=tmp_path).profile.name == "sichuan"
    assert load_config(cwd=tmp_path / "elsewhere").profile.name == "national"


@pytest.mark.parametrize("text, words", [
    ("profile = \"nowhere\"\n", "nowhere"),
    ("[thresholds]\nreason_below = 85\n", "reason_below"),
    ("[thresholds]\nreason_below_pct = \"high\"\n", "reason_below_pct"),
    ("[rules]\nignore = [\"Z9\"]\n", "Z9"),
    ("[rules.severity]\nT001 = \"fatal\"\n", "T001"),
    ("[grades]\n\"优\" = 50\n", "grades"),
    ("this is = = not toml", "TOML"),
    ("colour = \"red\"\n", "colour"),
])
def test_bad_config_is_a_usage_error(tmp_path: Path, text: str, words: str) -> None:
    path = _conf(tmp_path, text)
    with pytest.raises(ConfigError, match=words):
        load_config(path)
    result = CliRunner().invoke(cli, ["check", "--config", str(path), str(CLEAN)])
    assert result.exit_code == 2 and str(path) in result.output and "Traceback" not in result.output


def test_missing_config_file_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["check", "--config", str(tmp_path / "no.toml"), str(CLEAN)])
    assert result.exit_code == 2 and "no.toml" in result.output


def test_rules_catalogue_command() -> None:
    runner = CliRunner()
    listing = runner.invoke(cli, ["rules"])
    assert listing.exit_code == 0
    for code in ("S001", "F005", "T004", "R002", "P008", "C002"):
        assert code in listing.output
    doc = runner.invoke(cli, ["rules", "t004"])
    assert doc.exit_code == 0
    assert "年初结转和结余 + 收入合计 − 支出合计 = 年末结转和结余" in doc.output
    for section in ("是什么", "为什么", "示例"):
        assert section in doc.output
    data = json.loads(runner.invoke(cli, ["rules", "--format", "json"]).output)
    assert len(data["rules"]) == len({r["code"] for r in data["rules"]}) >= 40
    assert runner.invoke(cli, ["rules", "X999"]).exit_code == 2


def test_every_rule_is_documented() -> None:
    from xlsxperf.rules import load_all

    for code, r in load_all().items():
        assert all(s in r.doc for s in ("是什么", "为什么", "示例")), code
        assert r.name == r.name.lower() and " " not in r.name, code
        assert r.zh and r.en and r.title, code
