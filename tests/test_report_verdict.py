"""审核结论: the [review] rule of the configuration and the verdict it gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CLEAN, MESSY, SEED

from xlsxperf import load_config
from xlsxperf.config import ConfigError, Review, default_config
from xlsxperf.evaluation import evaluate
from xlsxperf.model import Severity
from xlsxperf.render import file_document
from xlsxperf.report.verdict import Verdict, decide, decide_document, decide_evaluation, rule_text

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO


def _conf(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "xlsxperf.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_default_rule_any_error_returns() -> None:
    review = default_config().review
    assert review == Review()
    assert decide({E: 1}, ["T001"], review).verdict == Verdict.RETURN
    assert decide({W: 3}, ["P005"] * 3, review).verdict == Verdict.REVISE
    assert decide({I: 2}, ["F003"] * 2, review).verdict == Verdict.PASS
    assert decide({}, [], review).verdict == Verdict.PASS
    assert rule_text(review) == "有错误即退回修改；有警告须修改后通过；否则通过。"


def test_the_samples_get_their_verdicts() -> None:
    review = default_config().review
    assert decide_evaluation(evaluate(MESSY), review).verdict == Verdict.RETURN  # type: ignore[union-attr]
    assert decide_evaluation(evaluate(SEED), review).verdict == Verdict.REVISE  # type: ignore[union-attr]
    assert decide_evaluation(evaluate(CLEAN), review).verdict == Verdict.PASS  # type: ignore[union-attr]
    doc = file_document(evaluate(SEED))
    decision = decide_document(doc, review)
    assert decision is not None and decision.verdict == Verdict.REVISE
    assert "警告 9 个" in decision.why


def test_a_file_not_evaluated_has_no_verdict(tmp_path: Path) -> None:
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"not a workbook")
    ev = evaluate(bad)
    assert decide_evaluation(ev, Review()) is None
    assert decide_document(file_document(ev), Review()) is None


def test_configured_rule_changes_the_verdict(tmp_path: Path) -> None:
    lenient = load_config(_conf(tmp_path, "[review]\nreturn_errors = 5\nrevise_warnings = 10\n")).review
    assert decide({E: 4}, ["T001"] * 4, lenient).verdict == Verdict.REVISE  # errors always need fixing
    assert decide({E: 5}, ["T001"] * 5, lenient).verdict == Verdict.RETURN
    assert decide({W: 9}, ["P005"] * 9, lenient).verdict == Verdict.PASS
    assert decide({W: 10}, ["P005"] * 10, lenient).verdict == Verdict.REVISE
    strict = load_config(_conf(tmp_path, '[review]\nreturn_warnings = 3\nreturn_codes = ["p002", "C"]\n')).review
    assert strict.return_codes == ("P002", "C")
    assert decide({W: 3}, ["P005"] * 3, strict).verdict == Verdict.RETURN
    assert decide({W: 1}, ["P002"], strict).verdict == Verdict.RETURN
    assert decide({W: 1}, ["C004"], strict).verdict == Verdict.RETURN
    assert decide({W: 1}, ["P005"], strict).verdict == Verdict.REVISE
    assert "P002、C" in rule_text(strict)
    never = load_config(_conf(tmp_path, "[review]\nrevise_warnings = 0\n")).review
    assert decide({W: 7}, ["P005"] * 7, never).verdict == Verdict.PASS


@pytest.mark.parametrize("text, words", [
    ("[review]\nreturn_errors = -1\n", "return_errors"),
    ("[review]\nreturn_errors = 1.5\n", "return_errors"),
    ('[review]\nrevise_warnings = "1"\n', "revise_warnings"),
    ("[review]\nreturn_warnings = true\n", "return_warnings"),
    ('[review]\nreturn_codes = ["X999"]\n', "X999"),
    ('[review]\nreturn_codes = "P002"\n', "return_codes"),
    ("[review]\nreject = 1\n", "reject"),
    ("review = 1\n", "[review]"),
])
def test_bad_review_section_is_a_usage_error(tmp_path: Path, text: str, words: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_config(_conf(tmp_path, text))
    assert words in str(err.value) and "xlsxperf.toml" in str(err.value)


def test_review_rule_changes_the_config_digest(tmp_path: Path) -> None:
    assert load_config(_conf(tmp_path, "[review]\nreturn_errors = 2\n")).digest() != default_config().digest()
