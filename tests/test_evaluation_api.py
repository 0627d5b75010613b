"""The library's evaluation: one call from a path, every rule on its own, metrics declared once."""

from __future__ import annotations

from decimal import Decimal

import pytest
from conftest import CLEAN, SEED

import xlsxperf
from xlsxperf import rules
from xlsxperf.metrics import BY_KEY, METRICS
from xlsxperf.model import Severity, Status


def test_evaluate_returns_metrics_findings_projects_indicators() -> None:
    ev = xlsxperf.evaluate(SEED)
    assert ev.status is Status.OK and ev.sha256 and len(ev.sha256) == 64
    assert ev.metrics["income.total"] == Decimal("414.31")
    assert ev.metrics["expenditure.share_pct.basic"] == Decimal("65.11")
    assert [p.name for p in ev.projects][:1] and all(p.row.number > 0 for p in ev.projects)
    assert {i.level1 for i in ev.indicators} >= {"产出指标", "效益指标"}
    assert {"P005", "C002", "C001"} <= {f.code for f in ev.findings}
    assert ev.narrative is not None and ev.narrative.figures


def test_load_config_checks_rule_codes_against_the_catalogue(tmp_path) -> None:
    conf = tmp_path / "xlsxperf.toml"
    conf.write_text('[rules]\nignore = ["P005"]\n', encoding="utf-8")
    ev = xlsxperf.evaluate(SEED, xlsxperf.load_config(conf))
    assert "P005" not in {f.code for f in ev.findings}
    conf.write_text('[rules]\nignore = ["Q1"]\n', encoding="utf-8")
    with pytest.raises(xlsxperf.ConfigError, match="Q1"):
        xlsxperf.load_config(conf)


def test_a_failing_rule_costs_that_rule_only(monkeypatch: pytest.MonkeyPatch) -> None:
    before = xlsxperf.evaluate(SEED)
    assert "S007" not in {f.code for f in before.findings}

    def boom(sub, ctx):
        raise ZeroDivisionError("division by zero")
        yield  # pragma: no cover

    broken = rules.REGISTRY["T004"]
    monkeypatch.setitem(rules.REGISTRY, "T004", type(broken)(**{**broken.__dict__, "check": boom}))
    after = xlsxperf.evaluate(SEED)
    failed = [f for f in after.findings if f.code == "S007"]
    assert len(failed) == 1 and "T004" in failed[0].message and "ZeroDivisionError" in failed[0].message
    assert failed[0].severity is Severity.WARNING and after.status is Status.OK
    others = {(f.code, f.cell) for f in before.findings if f.code != "T004"}
    assert others <= {(f.code, f.cell) for f in after.findings}
    assert after.metrics == before.metrics


def test_a_failing_text_check_keeps_the_figures_and_the_other_rules(monkeypatch) -> None:
    from xlsxperf import evaluation

    def boom(sub, calc):
        raise ValueError("unexpected text")

    monkeypatch.setattr(evaluation, "read_narrative", boom)
    ev = xlsxperf.evaluate(SEED)
    assert [f.code for f in ev.findings].count("S007") == 1
    assert "C001" in {f.code for f in ev.findings} and "C004" not in {f.code for f in ev.findings}
    assert ev.metrics["income.total"] == Decimal("414.31")


def test_metric_keys_are_unique_and_documented_in_the_readme() -> None:
    from conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    keys = [m.key for m in METRICS]
    assert len(keys) == len(set(keys)) == len(BY_KEY)
    for key in keys:
        stem = key.split(".")[0]
        assert stem in readme, key


@pytest.mark.parametrize("sample", [SEED, CLEAN], ids=["seed", "clean"])
def test_published_value_is_the_exact_value_rounded(sample) -> None:
    ev = xlsxperf.evaluate(sample)
    basis = ev.calc.basis(ev.submission)
    for m in METRICS:
        exact, value = m.exact(basis), ev.metrics[m.key]
        if isinstance(exact, Decimal) and m.places is not None:
            assert abs(exact - value) <= Decimal(5).scaleb(-(m.places + 1)), m.key
        else:
            assert exact == value, m.key
