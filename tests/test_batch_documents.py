"""A batch run keeps each file's document on disk and a small record in memory and in its
state: the JSON report and the summary are written from them one document at a time, the
same as from the documents themselves; the state of an earlier version is read and its
documents moved; nothing read back is trusted."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from batch_helpers import age, copy, report
from click.testing import CliRunner
from conftest import CLEAN, MESSY, SAMPLES, SEED
from openpyxl import load_workbook

import xlsxperf.report.summary as summary_module
from xlsxperf.batch import DOCUMENTS_FOLDER, JOURNAL_FILE, REPORT_FILE, STATE_FILE, SUMMARY_FILE, run_batch
from xlsxperf.batch.state import STATE_VERSION
from xlsxperf.cli import cli
from xlsxperf.config import default_config
from xlsxperf.evaluation import evaluate
from xlsxperf.render import file_document, file_record, json_chunks, summary, to_json, with_keys
from xlsxperf.report.summary import write_summary

SEED_2021 = SAMPLES / "2021_市中区经济合作局.xlsx"
RECORD_KEYS = set(file_record(file_document(evaluate(CLEAN)))) | {"duplicate_of"}


def _inbox(folder: Path) -> Path:
    copy(SEED, folder / "2022_甲.xlsx")
    copy(SEED, folder / "副本" / "2022_甲.xlsx")  # the same unit and year twice: duplicates
    copy(SEED_2021, folder / "2021_甲.xlsx")  # last year: paired
    copy(MESSY, folder / "乱.xlsx")
    copy(CLEAN, folder / "净.xlsx")
    (folder / "坏.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    age(folder / "坏.xlsx")
    return folder


def _documents(out: Path) -> set[str]:
    return {p.name for p in (out / DOCUMENTS_FOLDER).iterdir()}


def _sheets(path: Path) -> dict[str, list[tuple]]:
    wb = load_workbook(path)
    return {ws.title: [tuple(c.value for c in row) for row in ws.iter_rows()] for ws in wb.worksheets}


# -- the JSON text, a document at a time ------------------------------------------------------------


def test_the_report_written_a_document_at_a_time_is_the_same_text() -> None:
    docs = [file_document(evaluate(p)) for p in (SEED, MESSY, CLEAN)]
    for d in docs:
        d["output"] = "x.xlsx"
    marked = [dict(d) for d in docs]
    marked[0]["duplicate_of"] = ["/a/2022_甲.xlsx", "/b/副本 甲.xlsx"]
    whole = {"schema_version": 1, "tool": {"name": "xlsxperf"}, "files": marked, "summary": summary(marked),
             "not_evaluated": [{"path": "a.txt", "reason": "不是电子表格"}], "removed": [], "trend": []}
    texts = [to_json(d) for d in docs]
    texts[0] = with_keys(texts[0], {"duplicate_of": marked[0]["duplicate_of"]})
    assert "".join(json_chunks(whole, "files", texts)) == to_json(whole)
    assert "".join(json_chunks({**whole, "files": []}, "files", [])) == to_json({**whole, "files": []})
    assert "".join(json_chunks({}, "files", [])) == to_json({})
    assert with_keys("{}", {"a": [1, {"b": None}]}) == to_json({"a": [1, {"b": None}]})
    assert with_keys(texts[1], {}) == texts[1]
    with pytest.raises(ValueError):
        with_keys("[1]", {"a": 1})


# -- what the run holds, and where the documents are ------------------------------------------------


def test_the_run_holds_records_and_its_documents_stay_on_disk(tmp_path: Path) -> None:
    box, out = _inbox(tmp_path / "box"), tmp_path / "out"
    result = run_batch([box], out, default_config())
    assert len(result.files) == 6
    for f in result.files:
        assert set(f.record) <= RECORD_KEYS, set(f.record) - RECORD_KEYS  # no findings, projects, …
        assert "findings" not in f.record and "indicators" not in f.record
        assert f.stored is not None and (out / DOCUMENTS_FOLDER / f.stored.name).is_file()
    assert _documents(out) == {f.stored.name for f in result.files if f.stored}
    written = report(out)
    assert written["files"] == result.docs  # each document read back is the one reported
    assert written["summary"] == result.totals
    assert all(d["findings"] is not None for d in written["files"])
    dups = [d for d in written["files"] if d.get("duplicate_of")]
    assert len(dups) == 2 and list(dups[0])[-2:] == ["output", "duplicate_of"]
    paired = {Path(d["path"]).name: d for d in written["files"]}["2022_甲.xlsx"]
    assert paired["previous"]["metrics"]  # the whole previous year in the report, its path in the record
    state = json.loads((out / STATE_FILE).read_text(encoding="utf-8"))
    assert state["version"] == STATE_VERSION
    for entry in state["inputs"].values():
        assert "findings" not in entry["doc"] and entry["stored"]["size"] > 0
    lines = (out / STATE_FILE).read_text(encoding="utf-8").splitlines()
    assert [json.loads("{" + line.rstrip(",") + "}") for line in lines[2:2 + len(state["inputs"])]] == [
        {k: v} for k, v in state["inputs"].items()]  # one input a line


def test_the_summary_writer_is_given_records_and_reads_each_document_itself(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    box, out = _inbox(tmp_path / "box"), tmp_path / "out"
    seen: dict[str, Any] = {}
    real = summary_module.write_summary

    def spy(docs: list[dict], others: list, path: Any, config: Any = None, load: Any = None) -> Path:
        reads: list[str] = []
        seen.update(docs=docs, reads=reads)
        return real(docs, others, path, config, load=lambda r: reads.append(r["path"]) or load(r))

    monkeypatch.setattr(summary_module, "write_summary", spy)
    run_batch([box], out, default_config())
    assert len(seen["docs"]) == 6 and all("findings" not in d for d in seen["docs"])
    # a document is read for 全部问题, for 汇总 and for 复核优先级 (and 未审核文件 when not evaluated)
    assert all(1 <= seen["reads"].count(d["path"]) <= (3 if d["status"] == "ok" else 4) for d in seen["docs"])


def test_the_summary_from_records_is_the_summary_from_documents(tmp_path: Path) -> None:
    box, out = _inbox(tmp_path / "box"), tmp_path / "out"
    result = run_batch([box], out, default_config())
    docs = result.docs
    by_path = {d["path"]: d for d in docs}
    from_docs = write_summary(docs, result.not_evaluated, tmp_path / "from_docs.xlsx")
    from_records = write_summary(result.records, result.not_evaluated, tmp_path / "from_records.xlsx",
                                 load=lambda r: by_path[r["path"]])
    a, b = _sheets(from_docs), _sheets(from_records)
    assert list(a) == list(b) == list(_sheets(out / SUMMARY_FILE))
    for name in a:
        rows_a, rows_b = a[name], b[name]
        if name == "汇总":  # the note says when it was written
            rows_a, rows_b = rows_a[:1] + rows_a[2:], rows_b[:1] + rows_b[2:]
        assert rows_a == rows_b, name


# -- the state of an earlier version ----------------------------------------------------------------


def test_a_state_of_version_2_is_read_and_its_documents_moved(tmp_path: Path) -> None:
    box, out = _inbox(tmp_path / "box"), tmp_path / "out"
    first = run_batch([box], out, default_config())
    text = (out / REPORT_FILE).read_bytes()
    state = json.loads((out / STATE_FILE).read_text(encoding="utf-8"))
    docs = {f.key: f.doc for f in first.files}
    for key, entry in state["inputs"].items():  # as version 2 wrote it: the whole document
        entry["doc"] = docs[key]
        del entry["stored"]
    state["version"] = 2
    (out / STATE_FILE).write_text(json.dumps(state, ensure_ascii=False, indent=1), encoding="utf-8")
    for p in (out / DOCUMENTS_FOLDER).iterdir():
        p.unlink()
    (out / DOCUMENTS_FOLDER).rmdir()
    (out / SUMMARY_FILE).unlink()

    again = run_batch([box], out, default_config())
    assert again.evaluated == 0  # every result kept
    assert (out / REPORT_FILE).read_bytes() == text  # the same report, to the byte
    migrated = json.loads((out / STATE_FILE).read_text(encoding="utf-8"))
    assert migrated["version"] == STATE_VERSION
    assert all("findings" not in e["doc"] and e["stored"] for e in migrated["inputs"].values())
    assert _documents(out) == {f.stored.name for f in again.files if f.stored}
    assert again.docs == first.docs


def test_a_journal_of_version_2_is_replayed_and_its_documents_moved(tmp_path: Path) -> None:
    box, out = _inbox(tmp_path / "box"), tmp_path / "out"
    first = run_batch([box], out, default_config())
    state = json.loads((out / STATE_FILE).read_text(encoding="utf-8"))
    key = str((box / "乱.xlsx").resolve())
    entry = state["inputs"].pop(key)
    entry["doc"] = {f.key: f.doc for f in first.files}[key]
    del entry["stored"]
    (out / STATE_FILE).write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    (out / JOURNAL_FILE).write_text(json.dumps({"input": key, "entry": entry}, ensure_ascii=False) + "\n",
                                    encoding="utf-8")  # a killed run of version 2 recorded it
    again = run_batch([box], out, default_config())
    assert again.evaluated == 0 and not (out / JOURNAL_FILE).exists()
    assert again.docs == first.docs


# -- nothing read back is trusted -----------------------------------------------------------------


def _stored(result: Any, name: str) -> Path:
    (f,) = [f for f in result.files if f.path.name == name]
    return result.summary_path.parent / DOCUMENTS_FOLDER / f.stored.name


def test_a_missing_document_is_evaluated_again(tmp_path: Path) -> None:
    box, out = _inbox(tmp_path / "box"), tmp_path / "out"
    first = run_batch([box], out, default_config())
    _stored(first, "乱.xlsx").unlink()
    again = run_batch([box], out, default_config())
    assert again.evaluated == 1
    assert again.docs == first.docs


def test_a_damaged_document_is_said_so_and_evaluated_again(tmp_path: Path) -> None:
    box, out = _inbox(tmp_path / "box"), tmp_path / "out"
    first = run_batch([box], out, default_config())
    damaged = _stored(first, "乱.xlsx")
    data = bytearray(damaged.read_bytes())
    data[-3] ^= 1  # the same size, other content
    damaged.write_bytes(bytes(data))
    copy(CLEAN, box / "新.xlsx")  # something changed: the summary is written again
    second = run_batch([box], out, default_config())
    assert second.evaluated == 1
    assert any("审核记录已损坏" in n for n in second.notes)
    messy = {Path(d["path"]).name: d for d in report(out)["files"]}["乱.xlsx"]
    assert messy["findings"] == [] and messy["counts"]["error"] > 0  # said, not made up
    assert not damaged.exists()
    third = run_batch([box], out, default_config())
    assert third.evaluated == 1  # evaluated again
    assert {Path(d["path"]).name: d for d in third.docs}["乱.xlsx"]["findings"] == \
        {Path(d["path"]).name: d for d in first.docs}["乱.xlsx"]["findings"]


def test_documents_no_longer_named_are_removed_and_nothing_else(tmp_path: Path) -> None:
    box, out = _inbox(tmp_path / "box"), tmp_path / "out"
    first = run_batch([box], out, default_config())
    folder = out / DOCUMENTS_FOLDER
    stray = folder / ("0" * 64 + ".json")  # left by a run killed before it recorded the file
    stray.write_text("{}", encoding="utf-8")
    (folder / "说明.txt").write_text("somebody's", encoding="utf-8")
    old = _stored(first, "净.xlsx")
    copy(MESSY, box / "净.xlsx")  # other content: evaluated again, its old document dropped
    again = run_batch([box], out, default_config())
    assert again.evaluated == 1
    assert not old.exists() and not stray.exists()
    assert (folder / "说明.txt").read_text(encoding="utf-8") == "somebody's"
    assert _documents(out) == {f.stored.name for f in again.files if f.stored} | {"说明.txt"}


def test_a_state_written_by_hand_is_read_whole(tmp_path: Path) -> None:
    box, out = _inbox(tmp_path / "box"), tmp_path / "out"
    run_batch([box], out, default_config())
    state = json.loads((out / STATE_FILE).read_text(encoding="utf-8"))
    (out / STATE_FILE).write_text(json.dumps(state, ensure_ascii=False, indent=4), encoding="utf-8")
    assert run_batch([box], out, default_config()).evaluated == 0
    lines = (out / STATE_FILE).read_text(encoding="utf-8").splitlines()
    (out / STATE_FILE).write_text("\n".join(lines[:-3]) + "\n", encoding="utf-8")  # cut short
    result = run_batch([box], out, default_config())
    assert result.evaluated == 6 and any("状态文件损坏" in n for n in result.notes)


def test_a_file_in_place_of_the_documents_folder_stops_the_run_with_one_line(tmp_path: Path) -> None:
    box, out = _inbox(tmp_path / "box"), tmp_path / "out"
    out.mkdir()
    (out / DOCUMENTS_FOLDER).write_text("somebody's", encoding="utf-8")
    result = CliRunner().invoke(cli, ["run", str(box), "-o", str(out)])
    assert result.exit_code == 2 and result.output.count("\n") == 1, result.output
    assert "状态文件夹的位置被一个文件占用" in result.output
    assert (out / DOCUMENTS_FOLDER).read_text(encoding="utf-8") == "somebody's"


def test_the_command_prints_the_report_as_written(tmp_path: Path) -> None:
    box, out = _inbox(tmp_path / "box"), tmp_path / "out"
    result = CliRunner().invoke(cli, ["run", str(box), "-o", str(out), "--format", "json", "--fail-on", "never"])
    assert result.exit_code == 3, result.output  # 坏.xlsx could not be evaluated
    text = (out / REPORT_FILE).read_text(encoding="utf-8")
    assert result.stdout == text + "\n"
    os.utime(box / "净.xlsx")  # touched, unchanged: the same report again
    again = CliRunner().invoke(cli, ["run", str(box), "-o", str(out), "--format", "json", "--settle", "0"])
    assert json.loads(again.stdout) == json.loads(text)
