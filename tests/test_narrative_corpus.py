"""The report-text corpus (tests/narrative_corpus/): well-formed, right about its own data, and
the checker's score on it.

The corpus is checked on its own first — every number in each text expected exactly once, every
figure expected to agree does agree with the case's data and every planted one does not, the
data's identities hold so that no other rule interferes — then the checker is run over it. The
three targets of the report-text check (no C003 on figures that agree, a C003 on every planted
contradiction, 80% of the figures with a datum bound) are asserted by the last test.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
from narrative_corpus import (
    AGREE,
    CLASSES,
    CORPUS,
    DISAGREE,
    NOT_COMPARED,
    OUTCOMES,
    QUALIFIERS,
    STYLES,
    Case,
    describe,
    evaluate_case,
    expected_data,
    figure_agrees,
    fold_figure,
    inconsistencies,
    load_cases,
    numbers_in,
    report,
    score,
)

CASES = load_cases()
IDS = [c.id for c in CASES]
NARRATIVE_CODES = {"C003", "C004"}  # what the text itself may trip


def test_the_corpus_is_large_and_varied() -> None:
    assert len(CASES) >= 150
    assert len(set(IDS)) == len(IDS), [i for i, n in Counter(IDS).items() if n > 1]
    provinces = {c.province for c in CASES if c.style != "决算公开"}
    assert len(provinces) >= 5, provinces
    assert sum(c.style == "决算公开" for c in CASES) >= 25
    assert {c.style for c in CASES} <= set(STYLES)
    assert {c.klass for c in CASES} == set(CLASSES)


@pytest.mark.parametrize("klass", CLASSES[:10])
def test_every_class_has_eight_sentences_half_of_them_traps(klass: str) -> None:
    mine = [c for c in CASES if c.klass == klass]
    assert len(mine) >= 8, (klass, len(mine))
    assert 2 * sum(c.trap for c in mine) >= len(mine), (klass, [c.id for c in mine if c.trap])


def test_clean_and_planted_sentences() -> None:
    clean = [c for c in CASES if c.klass == "clean"]
    planted = [c for c in CASES if c.klass == "planted"]
    assert len(clean) >= 30 and len(planted) >= 20
    assert all(e.outcome != DISAGREE for c in clean for e in c.expect)
    assert all(any(e.outcome == DISAGREE for e in c.expect) for c in planted)
    assert all(e.outcome != DISAGREE for c in CASES if c.klass != "planted" for e in c.expect)


def test_every_source_is_listed_in_the_readme() -> None:
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| (S\d+) \|", readme, re.M))
    used = {c.source for c in CASES if c.source}
    assert used <= listed, used - listed


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_every_number_has_exactly_one_expectation(case: Case) -> None:
    found = [fold_figure(n.text) for n in numbers_in(case.text)]
    expected = [fold_figure(e.figure) for e in case.expect]
    assert found == expected, describe(case)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_expectations_are_well_formed(case: Case) -> None:
    from xlsxperf import schema as S

    assert case.field in {n for n, f in S.FIELDS.items() if f.kind is S.Kind.LONGTEXT}
    assert set(case.data) <= set(S.FIELDS), set(case.data) - set(S.FIELDS)
    for e in case.expect:
        assert e.outcome in OUTCOMES, e
        assert e.qualifier in QUALIFIERS, e
        assert bool(e.binds) == (e.outcome in (AGREE, DISAGREE)), e
        assert bool(e.why) == (e.outcome == NOT_COMPARED), e
        assert not e.typed_note or e.outcome == AGREE, e


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_figures_agree_or_disagree_with_the_data_as_expected(case: Case) -> None:
    """The corpus is right about its own data, whatever the checker says."""
    for n, e in zip(numbers_in(case.text), case.expect, strict=True):
        if e.outcome not in (AGREE, DISAGREE):
            continue
        data = expected_data(case, e)
        assert data, (case.id, e.figure, f"no datum for {e.binds}")
        verdicts = [figure_agrees(n, e.qualifier, d) for d in data]
        assert None not in verdicts, (case.id, e.figure, "units do not compare", data)
        assert any(verdicts) == (e.outcome == AGREE), (case.id, e.figure, e.binds, data)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_data_is_consistent(case: Case) -> None:
    assert inconsistencies(case) == [], describe(case)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_no_other_rule_interferes(case: Case) -> None:
    """Only the text may trip a rule: the data passes every other check (info notes aside)."""
    result = evaluate_case(case)
    others = [f for f in result.findings if f[0] not in NARRATIVE_CODES and f[1] != "info"]
    assert others == [], describe(case)
    assert len(result.got) == len(case.expect)


@pytest.fixture(scope="module")
def scored() -> dict[str, Any]:
    return score(CASES)


def test_score_is_reported(scored: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    with capsys.disabled():
        print("\n" + report(scored))
    figures = sum(len(c.expect) for c in CASES)
    assert scored["figures"] == figures and scored["cases"] == len(CASES)
    assert scored["planted_total"] == sum(e.outcome == DISAGREE for c in CASES for e in c.expect)
    assert scored["with_datum"] == sum(e.outcome in (AGREE, DISAGREE) for c in CASES
                                       for e in c.expect)
    assert sum(t["figures"] for t in scored["per_class"].values()) == figures
    assert 0 <= scored["bound_right"] <= scored["with_datum"]
    assert scored["false_c003"] == len(scored["false_accusations"])


def test_the_checker_meets_its_targets(scored: dict[str, Any]) -> None:
    """No C003 on a figure that agrees with its data, a C003 on every planted contradiction, at
    least 80% of the figures that have a datum bound to it; and every typed total with a
    rounding slip that the text names gets its info note (C005)."""
    assert scored["false_accusations"] == []
    assert scored["uncaught"] == []
    assert scored["bound_share"] >= 0.8, scored["bound_share"]
    assert scored["typed_notes_given"] == scored["typed_notes"]
