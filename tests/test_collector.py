"""The cycle collector is paused while a workbook is read, checked and written, and always
comes back as it was."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import CLEAN

from xlsxperf.collector import collector_paused
from xlsxperf.evaluation import evaluate
from xlsxperf.report import write_evaluation


@pytest.fixture
def collecting() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_paused_inside_and_back_after_even_on_error(collecting: None) -> None:
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # a nested pause does not end the outer one
    assert gc.isenabled()
    with pytest.raises(ValueError), collector_paused():
        raise ValueError
    assert gc.isenabled()


def test_a_caller_that_paused_it_keeps_it_paused(collecting: None) -> None:
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_paused_while_reading_checking_and_writing(collecting: None, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import xlsxperf.evaluation as evaluation
    import xlsxperf.report.evaluation as report

    running: dict[str, bool] = {}

    def watch(module: object, name: str) -> None:
        inner = getattr(module, name)

        def watched(*args: object, **kwargs: object) -> object:
            running[name] = gc.isenabled()
            return inner(*args, **kwargs)

        monkeypatch.setattr(module, name, watched)

    watch(evaluation, "read_submission")
    watch(evaluation, "evaluate_submission")
    watch(report, "_write_workbook")
    ev = evaluate(CLEAN)
    write_evaluation(ev, tmp_path / "out.xlsx")
    assert running == {"read_submission": False, "evaluate_submission": False,
                       "_write_workbook": False}
    assert gc.isenabled()  # and running again after
    assert ev.calc is not None and (tmp_path / "out.xlsx").stat().st_size > 0
