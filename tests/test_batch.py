"""Batch runs over a shared folder: what is evaluated, skipped, pending; incremental re-runs;
the lock; isolation of crashing and hanging workers; atomic outputs; inputs left untouched."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from batch_helpers import OLD
from batch_helpers import age as _age
from batch_helpers import copy as _copy
from click.testing import CliRunner
from conftest import CLEAN, MESSY, SEED
from openpyxl import load_workbook

from xlsxperf.batch import LOCK_FILE, REPORT_FILE, STATE_FILE, SUMMARY_FILE, LockBusy, run_batch, workers
from xlsxperf.cli import cli
from xlsxperf.config import default_config


def _digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    box = tmp_path / "inbox"
    _copy(SEED, box / SEED.name)
    _copy(MESSY, box / MESSY.name)
    _copy(CLEAN, box / "区县" / "统计局.xlsx")
    _copy(SEED, box / "~$统计局.xlsx")  # an Office lock file
    _copy(SEED, box / ".hidden.xlsx")
    (box / "说明.txt").write_text("请各单位按时提交", encoding="utf-8")
    broken = box / "损坏.xlsx"
    broken.write_bytes(os.urandom(4096))
    _age(broken)
    data = SEED.read_bytes()
    (box / "正在复制.xlsx").write_bytes(data[: len(data) // 2])  # recent and truncated
    return box


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["run", *args])
    return result.exit_code, result.output


def _report(out: Path) -> dict:
    return json.loads((out / REPORT_FILE).read_text(encoding="utf-8"))


def _by_name(report: dict) -> dict[str, dict]:
    return {Path(f["path"]).name: f for f in report["files"]}


def test_mixed_folder(inbox: Path, tmp_path: Path) -> None:
    before = _digests(inbox)
    out = tmp_path / "out"
    code, output = _run(str(inbox), "-o", str(out), "--jobs", "2")
    assert code == 3, output
    assert "Traceback" not in output
    files = _by_name(_report(out))
    assert set(files) == {SEED.name, MESSY.name, "统计局.xlsx", "损坏.xlsx", "正在复制.xlsx"}
    assert files[SEED.name]["status"] == "ok" and files["统计局.xlsx"]["status"] == "ok"
    assert files["损坏.xlsx"]["status"] == "error"
    assert files["损坏.xlsx"]["findings"][0]["code"] == "S001"
    assert files["正在复制.xlsx"]["status"] == "pending" and files["正在复制.xlsx"]["output"] is None
    assert [Path(x["path"]).name for x in _report(out)["not_evaluated"]] == ["说明.txt"]
    for name in (SEED.name, MESSY.name, "统计局.xlsx"):
        assert (out / files[name]["output"]).is_file()
        load_workbook(out / files[name]["output"])
    summary = load_workbook(out / SUMMARY_FILE)
    assert summary.sheetnames[:3] == ["汇总", "全部问题", "未审核文件"]
    rows = list(summary["汇总"].iter_rows(min_row=5, values_only=True))
    assert rows[0][1] == "示例市示例区统计局"  # ranked by computed score
    links = [c.hyperlink.target for c in summary["汇总"]["Q"] if c.hyperlink]
    assert sorted(links) == sorted(files[n]["output"] for n in (SEED.name, MESSY.name, "统计局.xlsx"))
    unevaluated = {r[0] for r in summary["未审核文件"].iter_rows(min_row=5, values_only=True)}
    assert {str(inbox / "损坏.xlsx"), str(inbox / "正在复制.xlsx"), str(inbox / "说明.txt")} \
        <= unevaluated
    assert (out / "xlsxperf.log").read_text(encoding="utf-8").count("run started") == 1
    assert _digests(inbox) == before, "inputs must never change"
    assert not [p for p in out.iterdir() if ".tmp" in p.name or p.name == LOCK_FILE]


def test_rerun_is_incremental(inbox: Path, tmp_path: Path, clean_data) -> None:
    out = tmp_path / "out"
    config = default_config()
    first = run_batch([inbox], out, config, jobs=2)
    assert first.evaluated == 4  # three samples and the broken file; the truncated one waits
    outputs = {p.name: p.stat().st_mtime_ns for p in out.glob("*_评价结果.xlsx")}
    second = run_batch([inbox], out, config, jobs=2)
    assert second.evaluated == 0
    assert [d["status"] for d in second.docs] == [d["status"] for d in first.docs]
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("*_评价结果.xlsx")} == outputs

    from xlsxperf.fill import fill_workbook  # a department sends a corrected workbook
    fields, projects, indicators = clean_data
    fields = {**fields, "filler": "王五"}
    target = inbox / "区县" / "统计局.xlsx"
    fill_workbook(target, fields, projects, indicators)
    _age(target, OLD + 60)
    third = run_batch([inbox], out, config, jobs=2)
    assert third.evaluated == 1
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("*_评价结果.xlsx")
            if "统计局" not in p.name} == {k: v for k, v in outputs.items() if "统计局" not in k}

    from xlsxperf import load_config
    conf = tmp_path / "x.toml"
    conf.write_text("[thresholds]\nreason_below_pct = 95\n", encoding="utf-8")
    assert run_batch([inbox], out, load_config(conf), jobs=2).evaluated == 4  # config changed


def test_pending_file_is_picked_up_once_complete(tmp_path: Path) -> None:
    box, out = tmp_path / "box", tmp_path / "out"
    box.mkdir()
    fresh = box / "新文件.xlsx"
    shutil.copyfile(CLEAN, fresh)  # complete but modified just now
    assert run_batch([box], out, default_config()).docs[0]["status"] == "pending"
    _age(fresh)
    assert run_batch([box], out, default_config()).docs[0]["status"] == "ok"


def test_duplicates_get_their_own_outputs_and_are_marked(tmp_path: Path) -> None:
    box, out = tmp_path / "box", tmp_path / "out"
    _copy(SEED, box / "第一次.xlsx")
    _copy(SEED, box / "第二次.xlsx")
    result = run_batch([box], out, default_config())
    outputs = [d["output"] for d in result.docs]
    assert len(set(outputs)) == 2 and all((out / o).is_file() for o in outputs)
    assert all(d["duplicate_of"] for d in result.docs)
    again = run_batch([box], out, default_config())
    assert [d["output"] for d in again.docs] == outputs
    cells = [c.value for c in load_workbook(out / SUMMARY_FILE)["汇总"]["P"]][4:]
    assert sum(1 for v in cells if v and "重复" in v) == 2


def test_output_names_stay_unique_as_inputs_come_fail_and_go(tmp_path: Path) -> None:
    """Copies of one submission want one name: each input keeps its own across runs while
    others arrive, fail and disappear; a name is free again as soon as its input fails, and no
    name is ever held by two inputs. One worker, so that files finish in their order."""
    box, out = tmp_path / "box", tmp_path / "out"

    def run() -> dict[str, str | None]:
        docs = run_batch([box], out, default_config(), jobs=1).docs
        return {Path(d["path"]).name: d["output"] for d in docs}

    for name in ("a", "b", "c"):
        _copy(SEED, box / f"{name}.xlsx")
    first = run()
    plain = first["a.xlsx"]  # the name the submission asks for: the first file to finish
    assert plain is not None and len({str(o).lower() for o in first.values()}) == 3
    assert all(len(str(first[n])) > len(plain) for n in ("b.xlsx", "c.xlsx"))  # with a tag
    stamp = (out / str(first["b.xlsx"])).stat().st_mtime_ns
    _copy(SEED, box / "2021_x.xlsx")  # first: a year in its name (a has the name still)
    (box / "a.xlsx").write_bytes(b"not a workbook")  # fails: its name is free for d at once
    _age(box / "a.xlsx")
    (box / "c.xlsx").unlink()
    _copy(SEED, box / "d.xlsx")
    second = run()
    assert second["a.xlsx"] is None and "c.xlsx" not in second
    assert len(str(second["2021_x.xlsx"])) > len(plain)
    assert second["d.xlsx"] == plain and second["b.xlsx"] == first["b.xlsx"]
    assert (out / str(first["b.xlsx"])).stat().st_mtime_ns == stamp  # never taken by another
    assert all((out / str(second[n])).is_file() for n in ("2021_x.xlsx", "b.xlsx", "d.xlsx"))
    _copy(SEED, box / "e.xlsx")
    third = run()
    assert [third[n] for n in ("2021_x.xlsx", "b.xlsx", "d.xlsx")] == \
        [second["2021_x.xlsx"], second["b.xlsx"], plain]
    assert len({str(third[n]).lower() for n in ("2021_x.xlsx", "b.xlsx", "d.xlsx", "e.xlsx")}) == 4


def test_crash_and_hang_do_not_stop_the_batch(tmp_path: Path, monkeypatch) -> None:
    box, out = tmp_path / "box", tmp_path / "out"
    for name in ("a_crash.xlsx", "b_hang.xlsx", "c_fine.xlsx"):
        _copy(CLEAN, box / name)
    real = workers.evaluate_to

    def misbehave(path: str, *args):
        if "crash" in Path(path).name:
            os._exit(9)
        if "hang" in Path(path).name:
            time.sleep(60)
        return real(path, *args)

    monkeypatch.setattr(workers, "evaluate_to", misbehave)  # workers are forked: they see it
    from dataclasses import replace
    config = default_config()
    config = replace(config, limits=replace(config.limits, timeout_s=3))
    started = time.monotonic()
    result = run_batch([box], out, config, jobs=3)
    assert time.monotonic() - started < 30
    status = {Path(d["path"]).name: d for d in result.docs}
    assert status["c_fine.xlsx"]["status"] == "ok"
    assert status["a_crash.xlsx"]["status"] == "error"
    assert "退出码" in status["a_crash.xlsx"]["findings"][0]["message"]
    assert status["b_hang.xlsx"]["status"] == "error"
    assert "时间限制" in status["b_hang.xlsx"]["findings"][0]["message"]


def test_live_lock_is_respected_and_stale_lock_taken_over(tmp_path: Path) -> None:
    box, out = tmp_path / "box", tmp_path / "out"
    _copy(CLEAN, box / "a.xlsx")
    out.mkdir()
    import socket
    lock = out / LOCK_FILE
    lock.write_text(json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                                "started": "now"}), encoding="utf-8")
    with pytest.raises(LockBusy):
        run_batch([box], out, default_config(), lock_wait=0.5)
    code, output = _run(str(box), "-o", str(out), "--lock-wait", "0.5")
    assert code == 2 and "lock" in output
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    lock.write_text(json.dumps({"pid": dead.pid, "host": socket.gethostname(), "started": "x"}),
                    encoding="utf-8")
    assert run_batch([box], out, default_config()).docs[0]["status"] == "ok"
    assert not lock.exists()


def test_overlapping_runs_leave_readable_outputs(inbox: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "xlsxperf", "run", str(inbox), "-o", str(out)]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    codes = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=120)
        codes.append(p.returncode)
        assert "Traceback" not in stdout + stderr
    assert set(codes) <= {2, 3}
    for xlsx in out.glob("*.xlsx"):
        load_workbook(xlsx)
    json.loads((out / REPORT_FILE).read_text(encoding="utf-8"))
    json.loads((out / STATE_FILE).read_text(encoding="utf-8"))
    assert not [p for p in out.iterdir() if ".tmp" in p.name or p.name == LOCK_FILE]


def test_outdir_is_not_scanned_and_json_goes_to_stdout(tmp_path: Path) -> None:
    box = tmp_path / "box"
    _copy(CLEAN, box / "a.xlsx")
    out = box / "结果"
    result = CliRunner().invoke(cli, ["run", str(box), "-o", str(out), "--format", "json"])
    doc = json.loads(result.stdout)
    assert result.exit_code == 0 and [Path(f["path"]).name for f in doc["files"]] == ["a.xlsx"]
    result = CliRunner().invoke(cli, ["run", str(box), "-o", str(out), "--format", "json"])
    assert [Path(f["path"]).name for f in json.loads(result.stdout)["files"]] == ["a.xlsx"]


def test_a_later_duplicate_never_takes_an_earlier_evaluation(tmp_path: Path) -> None:
    box, out = tmp_path / "box", tmp_path / "out"
    _copy(SEED, box / "a.xlsx")
    first = run_batch([box], out, default_config()).docs[0]["output"]
    stamp = (out / first).stat().st_mtime_ns
    _copy(SEED, box / "b.xlsx")
    docs = {Path(d["path"]).name: d for d in run_batch([box], out, default_config()).docs}
    assert docs["a.xlsx"]["output"] == first and (out / first).stat().st_mtime_ns == stamp
    assert docs["b.xlsx"]["output"] != first and (out / docs["b.xlsx"]["output"]).is_file()
    assert docs["a.xlsx"]["duplicate_of"] and docs["b.xlsx"]["duplicate_of"]


def test_a_truncated_zip_is_pending_while_recent_then_an_error(tmp_path: Path) -> None:
    box, out = tmp_path / "box", tmp_path / "out"
    box.mkdir()
    half = box / "半截.xlsx"
    data = SEED.read_bytes()
    half.write_bytes(data[: len(data) // 2])
    _age(half, time.time() - 300)  # settled, but still within the hour a copy may take
    assert run_batch([box], out, default_config()).docs[0]["status"] == "pending"
    _age(half)  # two hours old: it will not grow any more
    doc = run_batch([box], out, default_config()).docs[0]
    assert doc["status"] == "error" and "truncated" not in doc


@pytest.mark.libreoffice
def test_an_ods_submission_is_evaluated_in_a_run(tmp_path: Path, libreoffice) -> None:
    box = tmp_path / "box"
    ods = libreoffice.convert(CLEAN, "ods", box)
    _age(ods)
    result = run_batch([box], tmp_path / "out", default_config(), jobs=1, settle=0)
    (doc,) = [r.doc for r in result.files]
    assert doc["status"] == "ok" and Path(doc["path"]).suffix == ".ods"
    from xlsxperf import evaluate

    assert doc["metrics"]["score.computed"] == float(evaluate(CLEAN).metrics["score.computed"])


def test_progress_lines_speak_chinese(tmp_path: Path) -> None:
    box = tmp_path / "box"
    _copy(CLEAN, box / "统计局.xlsx")
    broken = box / "损坏.xlsx"
    broken.write_bytes(os.urandom(2048))
    _age(broken)
    code, output = _run(str(box), "-o", str(tmp_path / "out"), "--jobs", "1")
    lines = [x for x in output.splitlines() if x.split(" ", 2)[-1].startswith("[")]
    assert len(lines) == 2, output
    assert any("统计局.xlsx: 已审核 错误 0" in x for x in lines), lines
    assert not any(": ok " in x or ": error " in x for x in lines), lines
