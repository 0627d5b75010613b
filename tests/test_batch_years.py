"""Last year beside this year in batch runs: submissions of the same unit and consecutive years
are paired (by code, by name, across input folders, never two units whose names only look
alike, never when the previous year is ambiguous), the pairing is part of each file's cache key
(a changed, new or removed earlier file re-evaluates the later one; nothing else does), a bad
earlier file costs the later one only the comparison, and a killed run converges."""

from __future__ import annotations

import copy as deep
import json
import os
import signal
import time
from collections.abc import Callable
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
from batch_helpers import OLD, age, copy, start_slow_run, temp_files, wait_gone
from conftest import CLEAN, MESSY, SAMPLES, SEED
from openpyxl import load_workbook
from test_yearly import last_year

from xlsxperf.batch import JOURNAL_FILE, STATE_FILE, SUMMARY_FILE, Source, run_batch, workers
from xlsxperf.config import default_config
from xlsxperf.report.previous import COMPARISON

SEED_2021 = SAMPLES / "2021_市中区经济合作局.xlsx"
Data = tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]


@pytest.fixture
def unit(fill: Callable[..., Path], clean_data: Data) -> Callable[..., Path]:
    """unit(target, year, name=..., code=..., **fields) -> the clean unit's workbook of that
    year (2022 as the sample; earlier years consistent with it), copied to ``target`` aged."""
    def make(target: Path, year: int = 2022, name: str = "示例市示例区统计局", code: str | None = None,
             **fields: Any) -> Path:
        data = deep.deepcopy(clean_data) if year == 2022 else last_year(clean_data)
        data[0].update(unit_name=name, unit_code=code, eval_year=year, **fields)
        made = fill(*data, name=f"made_{target.parent.name}_{target.name}")
        return copy(made, target)
    return make


def docs(result: Any) -> dict[str, dict]:
    return {Path(d["path"]).name: d for d in result.docs}


def state(out: Path) -> dict[str, dict]:
    data = json.loads((out / STATE_FILE).read_text(encoding="utf-8"))["inputs"]
    return {Path(k).name: v for k, v in data.items()}


def sheets(out: Path, doc: dict) -> list[str]:
    return load_workbook(out / doc["output"], read_only=True).sheetnames


def run(paths: list[Path], out: Path, **kw: Any) -> Any:
    return run_batch(paths, out, default_config(), jobs=2, **kw)


# -- which files pair ------------------------------------------------------------------------------


def test_pairs_by_code_when_the_unit_was_renamed(tmp_path: Path, unit: Callable[..., Path]) -> None:
    box, out = tmp_path / "box", tmp_path / "out"
    unit(box / "2022.xlsx", 2022, name="示例区统计局", code="900101")
    unit(box / "2021.xlsx", 2021, name="示例区统计调查局", code="900101")
    unit(box / "other_2021.xlsx", 2021, name="示例区统计局", code="900102")  # same name, another code
    d = docs(run([box], out))
    assert d["2022.xlsx"]["previous"]["path"] == str(box / "2021.xlsx")
    assert d["2022.xlsx"]["previous"]["sha256"] == d["2021.xlsx"]["sha256"]
    assert d["2022.xlsx"]["previous_refused"] is None
    assert state(out)["2022.xlsx"]["pairing"] == {"path": str(box / "2021.xlsx"), "sha256": d["2021.xlsx"]["sha256"]}
    assert COMPARISON in sheets(out, d["2022.xlsx"])
    assert d["2021.xlsx"]["previous"] is None and d["other_2021.xlsx"]["previous"] is None


def test_pairs_by_name_across_two_input_folders(tmp_path: Path, unit: Callable[..., Path]) -> None:
    inbox, archive, out = tmp_path / "inbox", tmp_path / "archive", tmp_path / "out"
    unit(inbox / "统计局.xlsx", 2022, name="示例市示例区统计局")
    unit(archive / "统计局.xlsx", 2021, name="示例市示例区统计局（盖章）")
    first = run([inbox, archive], out)
    by_path = {d["path"]: d for d in first.docs}
    now, then = by_path[str(inbox / "统计局.xlsx")], by_path[str(archive / "统计局.xlsx")]
    assert now["previous"]["path"] == str(archive / "统计局.xlsx") and now["previous"]["year"] == 2021
    assert now["previous"]["sha256"] == then["sha256"]
    assert [f["code"] for f in now["findings"] if f["code"].startswith("Y")] == []  # consistent years
    assert first.evaluated == 2
    again = run([inbox, archive], out)
    assert again.evaluated == 0 and {d["path"]: d for d in again.docs}[now["path"]]["previous"] == now["previous"]
    alone = run([inbox], tmp_path / "out_alone")  # last year's folder not given: nothing to pair
    assert alone.docs[0]["previous"] is None


def test_units_whose_names_only_look_alike_are_not_paired(tmp_path: Path, unit: Callable[..., Path]) -> None:
    box, out = tmp_path / "box", tmp_path / "out"
    unit(box / "a_2022.xlsx", 2022, name="市中区经济合作局")
    unit(box / "b_2021.xlsx", 2021, name="市中区经济和信息化局")
    unit(box / "c_2021.xlsx", 2021, name="乐山市市中区经济合作局")
    d = docs(run([box], out))
    assert all(x["previous"] is None and x["previous_refused"] is None for x in d.values())
    headers = [c.value for c in load_workbook(out / SUMMARY_FILE)["汇总"][4]]
    assert "上年得分" not in headers and "上年对比" not in headers  # nothing compared: as before


def test_an_ambiguous_previous_year_is_not_paired_and_says_why(tmp_path: Path, unit: Callable[..., Path]) -> None:
    box, archive, out = tmp_path / "box", tmp_path / "archive", tmp_path / "out"
    unit(box / "2022.xlsx", 2022)
    unit(box / "2021_第一次.xlsx", 2021)
    unit(box / "2021_第二次.xlsx", 2021, filler="王五")  # another version: which one is meant?
    d = docs(run([box, archive], out))
    doc = d["2022.xlsx"]
    assert doc["previous"] is None
    assert "2021_第一次.xlsx" in doc["previous_refused"] and "2021_第二次.xlsx" in doc["previous_refused"]
    assert "无法确定" in doc["previous_refused"]
    assert COMPARISON not in sheets(out, doc)
    ws = load_workbook(out / SUMMARY_FILE)["汇总"]
    headers = [c.value for c in ws[4]]
    row = next(r for r in ws.iter_rows(min_row=5, values_only=True) if r[headers.index("文件")] == "2022.xlsx")
    assert "无法确定" in row[headers.index("上年对比")] and row[headers.index("上年得分")] is None
    assert run([box, archive], out).evaluated == 0  # the refusal is remembered like a pairing

    (box / "2021_第二次.xlsx").unlink()  # the doubt is gone: paired now
    assert docs(run([box], out))["2022.xlsx"]["previous"]["path"] == str(box / "2021_第一次.xlsx")


def test_the_same_earlier_file_in_two_folders_is_one_candidate(tmp_path: Path, unit: Callable[..., Path]) -> None:
    inbox, archive, out = tmp_path / "inbox", tmp_path / "archive", tmp_path / "out"
    unit(inbox / "2022.xlsx", 2022)
    earlier = unit(archive / "2021.xlsx", 2021)
    copy(earlier, inbox / "2021_副本.xlsx")
    d = docs(run([inbox, archive], out))
    assert d["2022.xlsx"]["previous"]["path"] == str(archive / "2021.xlsx")  # the first by name
    assert d["2022.xlsx"]["previous_refused"] is None


def test_the_seed_samples_pair_with_the_2021_sample_and_y001_names_last_year(tmp_path: Path) -> None:
    """The README's first command: both 2022 copies (duplicates of each other) are compared
    with the single 2021 workbook, whose 招商引资签约总金额 完成值 150 is above this year's
    target of 130; the summary shows last year's score beside this year's."""
    box, out = tmp_path / "samples", tmp_path / "out"
    for src in sorted(SAMPLES.glob("*.xlsx")):
        copy(src, box / src.name)
    result = run([box], out, settle=0)
    d = docs(result)
    then = d[SEED_2021.name]
    for name in (SEED.name, "2022_市中区经济合作局_v2.xlsx"):
        doc = d[name]
        assert doc["duplicate_of"] and doc["previous"]["path"] == str(box / SEED_2021.name)
        y001 = [f for f in doc["findings"] if f["code"] == "Y001"]
        assert len(y001) == 1 and "招商引资签约总金额" in y001[0]["message"] and "上年" in y001[0]["message"]
        assert "150" in y001[0]["message"] and "130" in y001[0]["message"]
    assert all(d[n]["previous"] is None for n in (CLEAN.name, MESSY.name, SEED_2021.name))

    wb = load_workbook(out / SUMMARY_FILE)
    ws = wb["汇总"]
    headers = [c.value for c in ws[4]]
    assert headers[:7] == ["排名", "单位名称", "年度", "计算总分", "计算等级", "上年得分", "变化"]
    assert ws.print_area == "'汇总'!$A$1:$L$9"
    rows = {r[headers.index("文件")]: r for r in ws.iter_rows(min_row=5, values_only=True)}
    seed = rows[SEED.name]
    last = then["metrics"]["score.computed"]
    assert seed[headers.index("上年得分")] == last
    excel_row = 5 + list(rows).index(SEED.name)
    assert seed[headers.index("变化")] == f"=D{excel_row}-F{excel_row}"  # 计算总分 − 上年得分
    assert seed[headers.index("上年对比")] == f"已与上年比对：2021 年度 {SEED_2021.name}"
    assert rows[CLEAN.name][headers.index("上年得分")] is None
    values = load_workbook(out / SUMMARY_FILE, data_only=True)["汇总"]
    cached = {r[headers.index("文件")]: r for r in values.iter_rows(min_row=5, values_only=True)}
    assert cached[SEED.name][headers.index("变化")] == round(d[SEED.name]["metrics"]["score.computed"] - last, 2)
    priority = {r[1]: r[7] for r in wb["复核优先级"].iter_rows(min_row=5, values_only=True) if r[4] and r[2] == 2022}
    assert "指标值低于上年实际 1 项" in priority["乐山市市中区经济合作局"]
    assert TREND_SHEET not in wb.sheetnames  # two years only
    report = json.loads((out / "评价汇总.json").read_text(encoding="utf-8"))
    assert [[y["year"] for y in t["years"]] for t in report["trend"]] == [[2021, 2022, 2022]]


TREND_SHEET = "历年得分"


# -- the pairing is part of the cache key ----------------------------------------------------------


def test_a_changed_new_or_removed_earlier_file_re_evaluates_the_later_one(
        tmp_path: Path, unit: Callable[..., Path]) -> None:
    box, out = tmp_path / "box", tmp_path / "out"
    unit(box / "2022.xlsx", 2022)
    assert docs(run([box], out))["2022.xlsx"]["previous"] is None

    unit(box / "2021.xlsx", 2021)  # last year's file arrives
    second = run([box], out)
    d = docs(second)
    assert second.evaluated == 2 and d["2022.xlsx"]["previous"]["sha256"] == d["2021.xlsx"]["sha256"]
    assert {r.path.name: r.source for r in second.files}["2022.xlsx"] is Source.EVALUATED
    first_sha = d["2021.xlsx"]["sha256"]

    unit(box / "2021.xlsx", 2021, balance_end=D("12.00"))  # last year's file corrected
    age(box / "2021.xlsx", OLD + 60)
    third = run([box], out)
    d = docs(third)
    assert third.evaluated == 2
    assert d["2022.xlsx"]["previous"]["sha256"] == d["2021.xlsx"]["sha256"] != first_sha
    assert "Y005" in [f["code"] for f in d["2022.xlsx"]["findings"]]  # 2021 ends at 12.00, 2022 starts at 10.00
    assert state(out)["2022.xlsx"]["pairing"]["sha256"] == d["2021.xlsx"]["sha256"]

    age(box / "2021.xlsx", OLD + 120)  # touched only: same content, nothing to do
    assert run([box], out).evaluated == 0

    (box / "2021.xlsx").unlink()  # last year's file taken away
    fourth = run([box], out)
    d = docs(fourth)
    assert fourth.evaluated == 1 and d["2022.xlsx"]["previous"] is None
    assert COMPARISON not in sheets(out, d["2022.xlsx"])
    assert run([box], out).evaluated == 0


def test_a_later_file_waits_while_its_earlier_file_is_being_copied(tmp_path: Path, unit: Callable[..., Path]) -> None:
    box, out = tmp_path / "box", tmp_path / "out"
    unit(box / "2022.xlsx", 2022)
    unit(box / "2021.xlsx", 2021)
    paired = docs(run([box], out))["2022.xlsx"]["previous"]
    unit(box / "2021.xlsx", 2021, balance_end=D("12.00"))
    age(box / "2021.xlsx", time.time())  # a new version, still arriving
    pending = run([box], out, settle=60)
    d = docs(pending)
    assert d["2021.xlsx"]["status"] == "pending"
    assert pending.evaluated == 0 and d["2022.xlsx"]["previous"] == paired  # kept as it was
    age(box / "2021.xlsx", OLD + 60)  # copied completely
    settled = docs(run([box], out, settle=60))
    assert settled["2022.xlsx"]["previous"]["sha256"] == settled["2021.xlsx"]["sha256"] != paired["sha256"]


def test_a_damaged_pairing_in_the_state_re_evaluates_that_file(tmp_path: Path, unit: Callable[..., Path]) -> None:
    box, out = tmp_path / "box", tmp_path / "out"
    unit(box / "2022.xlsx", 2022)
    unit(box / "2021.xlsx", 2021)
    run([box], out)
    data = json.loads((out / STATE_FILE).read_text(encoding="utf-8"))
    key = str(box / "2022.xlsx")
    data["inputs"][key]["pairing"] = {"path": 5}
    (out / STATE_FILE).write_text(json.dumps(data), encoding="utf-8")
    again = run([box], out)
    assert again.evaluated == 1 and docs(again)["2022.xlsx"]["previous"]["path"] == str(box / "2021.xlsx")


# -- a bad earlier file costs the later one the comparison only ------------------------------------


@pytest.mark.parametrize("how", ["crash", "hang"])
def test_an_earlier_file_that_fails_leaves_the_later_one_evaluated_alone(
        tmp_path: Path, unit: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    box, out = tmp_path / "box", tmp_path / "out"
    unit(box / "2022.xlsx", 2022)
    unit(box / "2021.xlsx", 2021)
    real = workers._with_previous

    def bad(ev: Any, pairing: Any, config: Any) -> Any:
        if how == "crash":
            os._exit(9)
        time.sleep(60)

    monkeypatch.setattr(workers, "_with_previous", bad)  # workers are forked: they see it
    from dataclasses import replace
    config = default_config()
    config = replace(config, limits=replace(config.limits, timeout_s=3))
    result = run_batch([box], out, config, jobs=2)
    doc = docs(result)["2022.xlsx"]
    assert doc["status"] == "ok" and doc["output"] and doc["previous"] is None
    assert "2021.xlsx" in doc["previous_refused"] and "一并审核时失败" in doc["previous_refused"]
    assert ("退出码" if how == "crash" else "时间限制") in doc["previous_refused"]
    assert docs(result)["2021.xlsx"]["status"] == "ok"
    assert run_batch([box], out, config, jobs=2).evaluated == 0  # not tried again every run
    monkeypatch.setattr(workers, "_with_previous", real)
    unit(box / "2021.xlsx", 2021, balance_end=D("12.00"))  # either file changes: compared again
    age(box / "2021.xlsx", OLD + 60)
    doc = docs(run_batch([box], out, config, jobs=2))["2022.xlsx"]
    assert doc["previous"] is not None and doc["previous_refused"] is None


def test_an_earlier_file_that_cannot_be_evaluated_is_no_candidate(tmp_path: Path, unit: Callable[..., Path]) -> None:
    box, out = tmp_path / "box", tmp_path / "out"
    unit(box / "2022.xlsx", 2022)
    broken = box / "2021.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    age(broken)
    d = docs(run([box], out))
    assert d["2021.xlsx"]["status"] == "error"
    assert d["2022.xlsx"]["status"] == "ok" and d["2022.xlsx"]["previous"] is None


# -- more than two years ---------------------------------------------------------------------------


def test_three_years_give_the_trend_sheet(tmp_path: Path, unit: Callable[..., Path]) -> None:
    box, out = tmp_path / "box", tmp_path / "out"
    for year in (2020, 2021, 2022):
        unit(box / f"{year}_统计局.xlsx", year)
    unit(box / "2021_农业局.xlsx", 2021, name="示例县农业农村局", code="900301")
    unit(box / "2022_农业局.xlsx", 2022, name="示例县农业农村局", code="900301")
    result = run([box], out)
    d = docs(result)
    assert d["2021_统计局.xlsx"]["previous"]["path"] == str(box / "2020_统计局.xlsx")
    assert d["2022_统计局.xlsx"]["previous"]["path"] == str(box / "2021_统计局.xlsx")
    trend = {t["unit"]["name"]: [(y["year"], y["score"]) for y in t["years"]] for t in result.report["trend"]}
    assert trend["示例市示例区统计局"] == [(y, d[f"{y}_统计局.xlsx"]["metrics"]["score.computed"])
                                     for y in (2020, 2021, 2022)]
    assert [y for y, _ in trend["示例县农业农村局"]] == [2021, 2022]
    wb = load_workbook(out / SUMMARY_FILE)
    ws = wb[TREND_SHEET]
    headers = [c.value for c in ws[4]]
    assert headers == ["单位名称", "2020 得分", "2020 等级", "2021 得分", "2021 等级", "2022 得分", "2022 等级",
                       "较上年"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=5, values_only=True)}
    assert list(rows) == ["示例县农业农村局", "示例市示例区统计局"]  # by name
    stats = rows["示例市示例区统计局"]
    assert [stats[1], stats[3], stats[5]] == [d[f"{y}_统计局.xlsx"]["metrics"]["score.computed"]
                                              for y in (2020, 2021, 2022)]
    assert stats[6] == d["2022_统计局.xlsx"]["metrics"]["grade.computed"]
    assert stats[7] == "=F6-D6"  # 2022 on 2021
    farm = rows["示例县农业农村局"]
    assert farm[1] is None and farm[2] is None  # no 2020 workbook
    assert farm[3] is not None and farm[7] == "=F5-D5"
    assert ws.page_setup.orientation == "landscape"


# -- a killed run converges ------------------------------------------------------------------------



@pytest.mark.parametrize("after", [1, 5])
def test_a_run_killed_while_pairing_converges(tmp_path: Path, unit: Callable[..., Path], after: int) -> None:
    """Four units of two years; every 2021 file is replaced, so the run evaluates the 2021
    files and then the 2022 files again with them. Killed (kill -9 of the run alone) after
    ``after`` files are recorded — in the first pass or in the second — the next run ends
    with every pairing right and nothing left over."""
    box, out = tmp_path / "box", tmp_path / "out"
    for i in range(4):
        unit(box / f"2022_{i}.xlsx", 2022, name=f"示例区第{i}局", code=f"90040{i}")
        unit(box / f"2021_{i}.xlsx", 2021, name=f"示例区第{i}局", code=f"90040{i}")
    run([box], out)
    for i in range(4):
        unit(box / f"2021_{i}.xlsx", 2021, name=f"示例区第{i}局", code=f"90040{i}", balance_end=D("12.00"))
        age(box / f"2021_{i}.xlsx", OLD + 60)
    proc = start_slow_run(box, out, 0.3)
    deadline = time.monotonic() + 60
    journal = out / JOURNAL_FILE
    while time.monotonic() < deadline and proc.poll() is None:
        if journal.exists() and journal.read_text(encoding="utf-8").count("\n") >= after:
            break
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    assert wait_gone(proc.pid) == []
    final = run_batch([box], out, default_config(), jobs=2, lock_wait=0)
    d = docs(final)
    for i in range(4):
        later, earlier = d[f"2022_{i}.xlsx"], d[f"2021_{i}.xlsx"]
        assert later["previous"]["sha256"] == earlier["sha256"], i
        assert "Y005" in [f["code"] for f in later["findings"]]
        assert state(out)[f"2022_{i}.xlsx"]["pairing"]["sha256"] == earlier["sha256"]
    assert temp_files(out) == []
    assert sorted(p.name for p in out.glob("*_评价结果*.xlsx")) == sorted(x["output"] for x in final.docs)
    assert run_batch([box], out, default_config(), jobs=2).evaluated == 0


# -- the pure parts: matching, the pairing the run plans, units over the years --------------------


def _doc(path: str, name: str, year: int, sha: str, code: str | None = None, score: float = 90.0,
         previous: str | None = None) -> dict:
    return {"path": path, "status": "ok", "sha256": sha, "unit": {"name": name, "code": code, "year": year},
            "supervisor": None, "metrics": {"score.computed": score, "grade.computed": "优"},
            "previous": {"path": previous} if previous else None}


def test_the_plan_pairs_refuses_and_counts_one_file_copied_twice_once() -> None:
    from xlsxperf.batch.years import NONE, Pairing, plan

    docs = [_doc("/a/2022.xlsx", "甲局", 2022, "a" * 64), _doc("/a/2021.xlsx", "甲局", 2021, "b" * 64),
            _doc("/b/2021.xlsx", "甲局", 2021, "b" * 64),  # the same file in last year's archive
            _doc("/a/乙_2022.xlsx", "乙局", 2022, "c" * 64), _doc("/a/乙_2021.xlsx", "乙局", 2021, "d" * 64),
            _doc("/a/乙_2021_改.xlsx", "乙局", 2021, "e" * 64),
            _doc("/a/丙_2022.xlsx", "丙局", 2022, "f" * 64)]
    wanted = plan(docs)
    assert wanted["/a/2022.xlsx"] == Pairing("/a/2021.xlsx", "b" * 64)
    refused = wanted["/a/乙_2022.xlsx"]
    assert refused.path is None and refused.refused is not None
    assert "乙_2021.xlsx、乙_2021_改.xlsx" in refused.refused and "2 份" in refused.refused
    assert wanted.get("/a/丙_2022.xlsx", NONE) == NONE and "/a/2021.xlsx" not in wanted


def test_an_ambiguous_message_names_three_candidates_at_most() -> None:
    from xlsxperf.history import match_years

    docs = [_doc("/x/2022.xlsx", "甲局", 2022, "0" * 64)] + [
        _doc(f"/x/2021_{i}.xlsx", "甲局", 2021, f"{i}" * 64) for i in range(1, 6)]
    why = match_years(docs)[0].refused
    assert why is not None and "2021_1.xlsx、2021_2.xlsx、2021_3.xlsx 等 5 份" in why and "2021_4" not in why


def test_a_worker_chooses_as_the_run_plans() -> None:
    from xlsxperf.batch.years import Known, choose, plan

    docs = [_doc("/a/2022.xlsx", "甲局", 2022, "a" * 64, code="1001"),
            _doc("/a/2021.xlsx", "甲局（盖章）", 2021, "b" * 64, code="1001"),
            _doc("/a/other.xlsx", "甲局", 2021, "c" * 64, code="1002")]
    known = [k for d in docs if (k := Known.of(d)) is not None]
    assert choose(known[0], known[1:]) == plan(docs)["/a/2022.xlsx"]
    assert choose(known[0], known[2:]).path is None  # another code: not last year's file


def test_a_workers_index_of_known_submissions_follows_the_runs_changes() -> None:
    """Each worker is sent only the changes since it was last sent any; its own index then
    offers a file the submissions that could be its previous year, in the order they became
    known, and choosing among those is choosing among all of them."""
    import hashlib
    import random

    from xlsxperf.batch.years import Known, KnownIndex, KnownLog, choose

    def known(path: str, year: int, name: str, code: str | None = None) -> Known:
        return Known(f"/a/{path}.xlsx", hashlib.sha256(path.encode()).hexdigest(), name, code, None, year)

    k = {"a": known("a", 2021, "甲局"), "b": known("b", 2022, "乙局"), "c": known("c", 2020, "甲局"),
         "d": known("d", 2021, "甲局（盖章）", "1001"), "e": known("e", 2021, "丙局", "1001")}
    log = KnownLog({"/a/a.xlsx": k["a"]})
    first, seen = log.since(0)
    assert first == (("/a/a.xlsx", k["a"]),) and seen == 1
    for name in "bcde":
        log.set(f"/a/{name}.xlsx", k[name])
    log.set("/a/a.xlsx", None)  # evaluated again, and no longer a candidate
    later, seen = log.since(seen)
    assert len(later) == 5 and seen == 6 and log.since(seen) == ((), 6)
    index = KnownIndex()
    index.apply(first)
    index.apply(later)
    me = known("new", 2022, "甲局", "1001")
    assert index.near(me) == (k["d"], k["e"])  # 2021, by code or name; a is gone, c is 2020
    assert index.near(me, frozenset((2020,))) == ()
    index.apply([("/a/a.xlsx", k["a"])])  # back: known last
    assert index.near(me) == (k["d"], k["e"], k["a"])
    assert index.near(known("x", 2022, "丁局")) == ()

    rng = random.Random(7)  # choosing among the index's offer is choosing among all of them
    names, codes = ["甲局", "乙局", "甲局（盖章）", "丙局"], [None, "1001", "1002"]
    for _ in range(200):
        pool = [known(f"p{i}", rng.choice((2020, 2021, 2022)), rng.choice(names), rng.choice(codes))
                for i in range(rng.randint(0, 12))]
        index = KnownIndex()
        index.apply([(p.path, p) for p in pool])
        me = known("me", 2022, rng.choice(names), rng.choice(codes))
        assert choose(me, index.near(me)) == choose(me, pool)


@pytest.mark.parametrize("part", [workers.KNOWN_PART, 2])
def test_workers_are_sent_each_known_submission_once_and_still_pair(
        tmp_path: Path, unit: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, part: int) -> None:
    """Eight new files of unknown year (nothing in their names): every earlier one is a
    candidate for each later one (28 candidates), but one worker is sent each only once, in
    messages of at most ``KNOWN_PART`` (a worker recycled after 3 files is sent them all)."""
    from xlsxperf.batch import years

    monkeypatch.setattr(workers, "KNOWN_PART", part)
    monkeypatch.setattr(workers, "RECYCLE_AFTER", 3 if part == 2 else workers.RECYCLE_AFTER)

    box, out = tmp_path / "box", tmp_path / "out"
    unit(box / "f0.xlsx", 2021, name="示例区统计局", code="900101")
    unit(box / "f1.xlsx", 2022, name="示例区统计局", code="900101")
    for i in range(2, 8):
        unit(box / f"f{i}.xlsx", 2022, name=f"示例区第{i}局", code=f"9002{i:02d}")
    sent: list[int] = []
    since = years.KnownLog.since

    def counted(self: years.KnownLog, seen: int) -> Any:
        changes, now = since(self, seen)
        sent.append(len(changes))
        return changes, now

    monkeypatch.setattr(years.KnownLog, "since", counted)
    d = docs(run_batch([box], out, default_config(), jobs=1))
    assert len(sent) == 8
    assert sum(sent) <= (8 if part > 2 else 8 + 3 + 6), sent  # again to each new worker
    assert d["f1.xlsx"]["previous"]["path"] == str(box / "f0.xlsx")  # paired: f0 is evaluated first
    assert all(d[f"f{i}.xlsx"]["previous"] is None for i in range(2, 8))


def test_the_state_keeps_a_pairing_and_drops_one_that_does_not_hold_together() -> None:
    from xlsxperf.batch.state import _plain, parse_entry
    from xlsxperf.batch.years import Pairing

    doc = _doc("/a/2022.xlsx", "甲局", 2022, "a" * 64)
    doc.update(counts={"error": 0, "warning": 0, "info": 0}, findings=[])
    from xlsxperf.batch.state import Entry
    entry = Entry("a" * 64, 1, 2, "v", "c", None, doc, 0, Pairing("/a/2021.xlsx", "b" * 64))
    data = json.loads(json.dumps(_plain(entry)))
    assert data["pairing"] == {"path": "/a/2021.xlsx", "sha256": "b" * 64}
    back = parse_entry(data)
    assert back is not None and back.pairing == entry.pairing
    assert parse_entry({**data, "pairing": None}).pairing == Pairing()  # type: ignore[union-attr]
    del data["pairing"]
    assert parse_entry(data).pairing == Pairing()  # type: ignore[union-attr]  # written before pairing
    for bad in ({"path": 5}, {"path": "/a/2021.xlsx"}, "x", [1]):
        assert parse_entry({**data, "pairing": bad}) is None, bad
    assert parse_entry({**data, "doc": {**doc, "previous": "x"}}) is None


def test_units_over_the_years_follow_the_pairing() -> None:
    from xlsxperf.batch.years import trend
    from xlsxperf.history import year_groups

    docs = [_doc("/a/2022.xlsx", "甲局", 2022, "a" * 64, previous="/a/2021.xlsx"),
            _doc("/a/2022_v2.xlsx", "甲局", 2022, "b" * 64, previous="/a/2021.xlsx"),
            _doc("/a/2021.xlsx", "甲局", 2021, "c" * 64, previous="/a/2020.xlsx"),
            _doc("/a/2020.xlsx", "甲局", 2020, "d" * 64),
            _doc("/a/乙.xlsx", "乙局", 2022, "e" * 64),
            {**_doc("/a/坏.xlsx", "丙局", 2022, "f" * 64), "status": "error"}]
    groups = year_groups(docs)
    assert [[d["path"] for d in g] for g in groups] == [
        ["/a/2020.xlsx", "/a/2021.xlsx", "/a/2022.xlsx", "/a/2022_v2.xlsx"], ["/a/乙.xlsx"]]
    assert [[y["year"] for y in t["years"]] for t in trend(docs)] == [[2020, 2021, 2022, 2022]]
