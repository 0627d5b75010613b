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


# -- profiles: one TOML file per province, found by name ----------------------------------------

HENAN_STYLE = '''# 示例：成本单列为一级指标的口径
name = "example_cost"
title = "示例口径（成本 10 / 产出 30 / 效益 25 / 满意度 5）"

[weights]
budget = 10
total = 80
"成本指标" = 10
"产出指标" = 30
"效益指标" = 25
"满意度指标" = 5

[structure]
required = ["成本指标", "产出指标", "效益指标"]
require_satisfaction = true
fixed_level1_weights = true

[qualitative]
"达成" = 80
"部分达成" = 50

[grades]
"优" = 85
"良" = 75
"中" = 60

[lengths]
problems = 50
'''


def test_a_profile_dropped_in_profiles_is_found_by_name(tmp_path: Path) -> None:
    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "example_cost.toml").write_text(HENAN_STYLE, encoding="utf-8")
    cfg = load_config(_conf(tmp_path, 'profile = "example_cost"\n'))
    p = cfg.profile
    assert p.name == "example_cost" and p.source.endswith("example_cost.toml")
    assert p.level1_weights == {"产出指标": 30, "效益指标": 25, "满意度指标": 5, "成本指标": 10}
    assert p.required_level1 == ("成本指标", "产出指标", "效益指标")
    assert p.bands["部分达成"] == (D("0.5"), D("0.8")) and p.bands["未达成"] == (0, D("0.5"))
    assert dict(p.lengths) == {"problems": 50}
    assert cfg.grades == (("优", D(85)), ("良", D(75)), ("中", D(60)))
    assert load_config(cwd=tmp_path).profile.name == "example_cost"  # xlsxperf.toml in the cwd
    (tmp_path / "xlsxperf.toml").unlink()
    assert load_config(cwd=tmp_path).profile.name == "national"  # no xlsxperf.toml: the default


def test_profiles_in_the_environment_and_the_user_folder(tmp_path: Path, monkeypatch) -> None:
    from xlsxperf.config import available_profiles, user_profiles_dir

    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "example_cost.toml").write_text(HENAN_STYLE, encoding="utf-8")
    monkeypatch.setenv("XLSXPERF_PROFILES", str(shared))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home"))
    work = tmp_path / "work"
    work.mkdir()
    assert load_config(_conf(work, 'profile = "example_cost"\n')).profile.name == "example_cost"
    monkeypatch.delenv("XLSXPERF_PROFILES")
    with pytest.raises(ConfigError, match="example_cost"):
        load_config(_conf(work, 'profile = "example_cost"\n'))
    mine = user_profiles_dir()
    assert mine == tmp_path / "home" / "xlsxperf" / "profiles"
    mine.mkdir(parents=True)
    (mine / "example_cost.toml").write_text(HENAN_STYLE, encoding="utf-8")
    assert load_config(_conf(work, 'profile = "example_cost"\n')).profile.name == "example_cost"
    assert "example_cost" in available_profiles(work) and "sichuan" in available_profiles(work)


def test_a_local_profile_overrides_a_shipped_one(tmp_path: Path) -> None:
    (tmp_path / "profiles").mkdir()
    text = HENAN_STYLE.replace('name = "example_cost"', 'name = "sichuan"')
    (tmp_path / "profiles" / "sichuan.toml").write_text(text, encoding="utf-8")
    assert load_config(_conf(tmp_path, 'profile = "sichuan"\n')).profile.title.startswith("示例")
    assert default_config().profile.name == "national"  # the defaults never look around


def test_the_profile_changes_scores_bands_and_weights(fill, clean_data, tmp_path: Path) -> None:
    import copy

    (tmp_path / "profiles").mkdir()
    (tmp_path / "profiles" / "example_cost.toml").write_text(HENAN_STYLE, encoding="utf-8")
    cfg = load_config(_conf(tmp_path, 'profile = "example_cost"\n'))
    fields, projects, indicators = copy.deepcopy(clean_data)
    indicators[5].update(actual="部分达成年度指标并具有一定效果", score=D("8.5"),
                         reason="制度修订尚未完成")  # 15 points: 50%–80% is 7.5–11.99
    path = fill(fields, projects, indicators)
    national, local = evaluate(path), evaluate(path, cfg)
    assert "P003" in codes(path, default_config()) and "P003" not in [f.code for f in local.findings]
    assert national.indicators[5].score_computed == D(9) and local.indicators[5].score_computed == D("8.5")
    p006 = {f.expected for f in local.findings if f.code == "P006"}
    assert "成本指标" in p006  # required by this profile, absent from the clean sample
    assert local.calc.metrics["grade.computed"] == "优"


def test_sichuan_profile_settings() -> None:
    from xlsxperf.config import load_profile

    profile, data = load_profile("sichuan")
    assert data["thresholds"]["score_gap_pct"] == 10
    assert dict(profile.lengths)["conclusion"] == 200 and dict(profile.lengths)["exec_total_reason"] == 100
    assert "indicators.reason" not in dict(profile.lengths)  # the form prints no limit there
    text = (Path(__file__).parent.parent / "xlsxperf" / "profiles" / "sichuan.toml").read_text(
        encoding="utf-8")
    assert "score_gap_pct = 10" in text and "本口径的设定值" in text


@pytest.mark.parametrize("text, words", [
    ('[qualitative]\n"达成" = 60\n"部分达成" = 70\n', "qualitative"),
    ('[qualitative]\n"未达成" = 10\n', "qualitative"),
    ('[qualitative]\n"良好" = 70\n', "良好"),
    ("[lengths]\nnowhere = 100\n", "nowhere"),
    ("[lengths]\nproblems = 0\n", "lengths.problems"),
    ('[structure]\nrequired = ["投入指标"]\n', "structure.required"),
    ('[weights]\n"过程指标" = 10\n', "过程指标"),
])
def test_bad_profile_is_a_usage_error(tmp_path: Path, text: str, words: str) -> None:
    profile = tmp_path / "broken.toml"
    profile.write_text('name = "broken"\n' + text, encoding="utf-8")
    with pytest.raises(ConfigError, match=words):
        load_config(_conf(tmp_path, 'profile = "broken.toml"\n'))


def test_adjust_threshold_is_a_threshold(tmp_path: Path) -> None:
    cfg = load_config(_conf(tmp_path, "[thresholds]\nadjust_reason_pct = 5\n"))
    assert cfg.thresholds.adjust_reason_pct == 5 and default_config().thresholds.adjust_reason_pct == 10
