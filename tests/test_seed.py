"""The seed sample reproduces the published report's own figures (SPEC section 9)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from conftest import CLEAN, MESSY, SEED

from xlsxperf.evaluation import evaluate
from xlsxperf.metrics import METRICS
from xlsxperf.model import Severity


@pytest.fixture(scope="module")
def seed():
    return evaluate(SEED)


def test_report_figures(seed) -> None:
    m = seed.calc.metrics
    assert m["income.total"] == D("414.31")
    assert m["income.share_pct.general_budget"] == D("100.00")
    assert m["income.share_pct.gov_fund"] == D("0.00")
    assert m["expenditure.total"] == D("414.31")
    assert m["expenditure.share_pct.basic"] == D("65.11")
    assert m["expenditure.share_pct.project"] == D("34.89")
    assert m["projects.by_category.special.execution_rate_pct"] == D("75.67")
    assert m["score.self"] == D(98)
    assert m["staff.quota_total"] == 10 and m["staff.actual_total"] == 18
    completions = [i.completion_pct for i in seed.calc.indicators][:4]
    assert completions == [D("136.14"), D("163.48"), D("160.00"), D("100.00")]
    special = [p for p in seed.calc.projects if p.category == "special"]
    assert sum(p.row.get("budget") for p in special) == D("70.40")
    assert sum(p.row.get("actual") for p in special) == D("53.27")


def test_report_problems_are_flagged(seed) -> None:
    codes = {f.code for f in seed.findings}
    assert {"P005", "C002", "C001"} <= codes
    c002 = next(f for f in seed.findings if f.code == "C002")
    assert c002.actual == "17.13" and c002.cell == "B19"
    assert len([f for f in seed.findings if f.code == "P005"]) == 3
    assert not [f for f in seed.findings if f.severity == Severity.ERROR]


def test_every_metric_key_is_computed(seed) -> None:
    assert set(seed.calc.metrics) == {d.key for d in METRICS}
    assert all(seed.calc.metrics[d.key] is not None for d in METRICS
               if not d.key.startswith("projects.by_category.") or "special" in d.key)


def test_clean_sample_has_nothing_at_warning_or_above() -> None:
    ev = evaluate(CLEAN)
    assert ev.status == "ok"
    assert [f.code for f in ev.findings if f.severity.rank >= Severity.WARNING.rank] == []


def test_messy_sample_trips_at_least_twenty_codes() -> None:
    codes = {f.code for f in evaluate(MESSY).findings}
    assert len(codes) >= 20, sorted(codes)
