"""What a run finds under its inputs, as they are on a real shared drive: names that are not
UTF-8, links that loop, folders it may not open, earlier output folders, an unmounted share,
files touched without being changed, files that disappear."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from batch_helpers import age, copy, names, report, unprivileged, xlsxperf
from click.testing import CliRunner
from conftest import CLEAN, MESSY, SEED
from openpyxl import load_workbook

from xlsxperf.batch import DELETED_FOLDER, SUMMARY_FILE, NoInputs, run_batch
from xlsxperf.cli import cli
from xlsxperf.config import default_config

GBK_NAME = "测试单位".encode("gbk") + b".xlsx"  # as unpacked from a Windows archive on Linux


def _unevaluated(out: Path) -> dict[str, str]:
    ws = load_workbook(out / SUMMARY_FILE)["未审核文件"]
    return {r[0]: r[2] for r in ws.iter_rows(min_row=5, values_only=True) if r[0]}


# -- 1. one bad name never stops the run -----------------------------------------------------------


def test_a_name_that_is_not_utf8_is_one_row_and_the_run_goes_on(tmp_path: Path) -> None:
    box, out = tmp_path / "box", tmp_path / "out"
    copy(CLEAN, box / "good.xlsx")
    bad = os.path.join(os.fsencode(box), GBK_NAME)
    shutil.copyfile(CLEAN, bad)
    os.utime(bad, (time.time() - 7200,) * 2)
    folder = os.path.join(os.fsencode(box), "区县".encode("gbk"))
    os.mkdir(folder)
    shutil.copyfile(CLEAN, os.path.join(folder, b"a.xlsx"))

    result = run_batch([box], out, default_config())
    assert [Path(d["path"]).name for d in result.docs] == ["good.xlsx"]
    assert result.docs[0]["status"] == "ok"
    rows = _unevaluated(out)
    escaped = os.fsencode(GBK_NAME).decode("utf-8", "backslashreplace")
    assert any(path.endswith(escaped) and "UTF-8" in reason for path, reason in rows.items())
    assert escaped.startswith("\\x")  # shown as \xNN escapes
    assert any(path.endswith("\\xc7\\xf8\\xcf\\xd8") and "文件夹" in reason for path, reason in rows.items())
    assert any(x["path"].endswith(escaped) for x in report(out)["not_evaluated"])


def test_symlink_loops_are_rows_not_crashes(tmp_path: Path) -> None:
    box, out = tmp_path / "box", tmp_path / "out"
    copy(CLEAN, box / "sub" / "good.xlsx")
    os.symlink("loop.xlsx", box / "loop.xlsx")  # a link to itself
    os.symlink(box, box / "sub" / "back")  # a folder link back up the tree
    os.symlink(box / "nowhere.xlsx", box / "dangling.xlsx")
    result = CliRunner().invoke(cli, ["run", str(box), "-o", str(out)])
    assert result.exit_code == 0, result.output
    files = names(report(out))
    assert list(files) == ["good.xlsx"]
    rows = _unevaluated(out)
    assert "链接" in rows[str(box / "loop.xlsx")] and "链接" in rows[str(box / "dangling.xlsx")]
    assert "循环" in rows[str(box / "sub" / "back")]


def test_an_unreadable_subfolder_is_listed_never_silently_skipped(tmp_path: Path) -> None:
    box, out = tmp_path / "box", tmp_path / "out"
    copy(CLEAN, box / "good.xlsx")
    copy(SEED, box / "locked" / "hidden_from_us.xlsx")
    (box / "locked").chmod(0o000)
    try:
        done = xlsxperf("run", str(box), "-o", str(out), prefix=unprivileged())
    finally:
        (box / "locked").chmod(0o755)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert list(names(report(out))) == ["good.xlsx"]
    reason = _unevaluated(out)[str(box / "locked")]
    assert "无法打开文件夹" in reason


def test_an_unreadable_folder_does_not_count_its_files_as_deleted(tmp_path: Path) -> None:
    box, out = tmp_path / "box", tmp_path / "out"
    copy(CLEAN, box / "good.xlsx")
    copy(SEED, box / "sub" / "seed.xlsx")
    first = run_batch([box], out, default_config())
    seed_output = names(report(out))["seed.xlsx"]["output"]
    (box / "sub").chmod(0o000)
    try:
        done = xlsxperf("run", str(box), "-o", str(out), prefix=unprivileged())
    finally:
        (box / "sub").chmod(0o755)
    assert done.returncode == 0, done.stderr
    assert (out / seed_output).is_file() and not (out / DELETED_FOLDER).exists()
    assert len(first.docs) == 2
    again = run_batch([box], out, default_config())
    assert again.evaluated == 0 and len(again.docs) == 2


# -- 7. our own outputs among the inputs -----------------------------------------------------------


def test_an_earlier_output_folder_inside_the_inputs_is_skipped(tmp_path: Path) -> None:
    box, first_out, out = tmp_path / "box", tmp_path / "first", tmp_path / "out"
    for i, src in enumerate((SEED, CLEAN, MESSY)):
        copy(src, box / f"{i}.xlsx")
    run_batch([box], first_out, default_config())
    assert CliRunner().invoke(cli, ["check", str(box / "0.xlsx"), "-o", str(box / "check结果"),
                                    "--annotate"]).exit_code == 0
    shutil.move(first_out, box / "旧结果")  # someone left the old OUTDIR among the inputs
    result = run_batch([box], out, default_config())
    assert sorted(Path(d["path"]).name for d in result.docs) == ["0.xlsx", "1.xlsx", "2.xlsx"]
    assert not any(d.get("duplicate_of") for d in result.docs)
    rows = load_workbook(out / SUMMARY_FILE)["汇总"].iter_rows(min_row=5, values_only=True)
    assert len([r for r in rows if r[3]]) == 3


def test_an_annotated_copy_saved_again_by_a_department_is_a_submission(tmp_path: Path) -> None:
    box, out = tmp_path / "box", tmp_path / "out"
    copy(CLEAN, box / "统计局.xlsx")
    CliRunner().invoke(cli, ["check", str(box / "统计局.xlsx"), "-o", str(tmp_path / "c"), "--annotate"])
    annotated = tmp_path / "c" / "统计局_批注.xlsx"
    wb = load_workbook(annotated)  # corrected and saved again
    wb.save(box / "统计局_改.xlsx")
    age(box / "统计局_改.xlsx")
    shutil.copyfile(annotated, box / "统计局_批注.xlsx")  # and our copy as it was
    age(box / "统计局_批注.xlsx")
    docs = {Path(d["path"]).name: d for d in run_batch([box], out, default_config()).docs}
    assert set(docs) == {"统计局.xlsx", "统计局_改.xlsx"}


def test_a_rerun_opens_only_the_inputs_that_changed_to_look_for_our_mark(tmp_path: Path,
                                                                         monkeypatch) -> None:
    """An input evaluated before and unchanged since is a submission still: a run over a
    shared drive does not open it again to see whether it is one of our outputs. One that
    changed is looked at again, and an evaluation copied over an input is skipped as ours."""
    import xlsxperf.marker

    box, out = tmp_path / "box", tmp_path / "out"
    for name, src in (("a", SEED), ("b", CLEAN), ("c", MESSY)):
        copy(src, box / f"{name}.xlsx")
    first = {Path(d["path"]).name: d["output"] for d in run_batch([box], out, default_config()).docs}
    looked: list[str] = []
    real = xlsxperf.marker.read_mark

    def read_mark(path: str | Path) -> str | None:
        if Path(path).parent == box.resolve():  # the run reads its own outputs' marks too
            looked.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(xlsxperf.marker, "read_mark", read_mark)
    assert sorted(Path(d["path"]).name for d in run_batch([box], out, default_config()).docs) == \
        ["a.xlsx", "b.xlsx", "c.xlsx"]
    assert looked == []
    shutil.copyfile(out / first["a.xlsx"], box / "b.xlsx")  # an evaluation over an input
    age(box / "b.xlsx", time.time() - 3600)
    copy(SEED, box / "d.xlsx")
    docs = run_batch([box], out, default_config()).docs
    assert sorted(looked) == ["b.xlsx", "d.xlsx"]
    assert sorted(Path(d["path"]).name for d in docs) == ["a.xlsx", "c.xlsx", "d.xlsx"]


# -- 8. an empty input keeps the summary -----------------------------------------------------------


def test_an_empty_input_keeps_the_previous_summary_and_fails(tmp_path: Path) -> None:
    box, out = tmp_path / "box", tmp_path / "out"
    copy(CLEAN, box / "a.xlsx")
    assert CliRunner().invoke(cli, ["run", str(box), "-o", str(out)]).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and p.suffix != ".log"}
    (box / "a.xlsx").unlink()  # the share is not mounted: an empty folder
    result = CliRunner().invoke(cli, ["run", str(box), "-o", str(out)])
    assert result.exit_code == 2
    assert "没有找到任何填报表" in result.output and "--allow-empty" in result.output
    assert result.output.count("\n") == 1
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and p.suffix != ".log"}
    assert after == before
    allowed = CliRunner().invoke(cli, ["run", str(box), "-o", str(out), "--allow-empty"])
    assert allowed.exit_code == 0, allowed.output
    assert report(out)["files"] == []
    try:
        run_batch([box], tmp_path / "fresh", default_config())
    except NoInputs as e:
        assert "共享盘" in str(e)
    else:
        raise AssertionError("an empty input must not pass for a run")


# -- 9. same content, same result ------------------------------------------------------------------


def test_a_touched_file_keeps_its_result(tmp_path: Path) -> None:
    box, out = tmp_path / "box", tmp_path / "out"
    copy(MESSY, box / "messy.xlsx")
    first = run_batch([box], out, default_config())
    os.utime(box / "messy.xlsx")  # opened and closed, or copied again: modified just now
    again = run_batch([box], out, default_config())
    assert again.evaluated == 0
    assert again.docs[0]["status"] == "ok"
    assert again.docs[0]["findings"] == first.docs[0]["findings"] != []
    (box / "messy.xlsx").write_bytes(CLEAN.read_bytes())  # changed just now: still being copied?
    assert run_batch([box], out, default_config()).docs[0]["status"] == "pending"


# -- 11. deleted inputs ----------------------------------------------------------------------------


def test_the_evaluation_of_a_deleted_input_moves_to_a_folder_and_the_summary_says_so(tmp_path: Path) -> None:
    box, out = tmp_path / "box", tmp_path / "out"
    copy(CLEAN, box / "stays.xlsx")
    copy(SEED, box / "goes.xlsx")
    first = {Path(d["path"]).name: d for d in run_batch([box], out, default_config()).docs}
    gone = first["goes.xlsx"]["output"]
    (box / "goes.xlsx").unlink()
    result = run_batch([box], out, default_config())
    assert [Path(d["path"]).name for d in result.docs] == ["stays.xlsx"]
    assert not (out / gone).exists() and (out / DELETED_FOLDER / gone).is_file()
    assert (out / first["stays.xlsx"]["output"]).is_file()
    reason = _unevaluated(out)[str(box / "goes.xlsx")]
    assert DELETED_FOLDER in reason and "已不在" in reason
    assert report(out)["removed"][0]["path"] == str(box / "goes.xlsx")
    (out / DELETED_FOLDER / gone).unlink()  # read and cleared: no longer listed
    run_batch([box], out, default_config())
    assert str(box / "goes.xlsx") not in _unevaluated(out)
