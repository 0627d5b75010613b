"""Drop-in use (files dragged onto the program), click's own messages in Chinese, a Chinese line
in every --help, and annotated copies that never overwrite and stay within the limits."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from batch_helpers import copy, fill_memory, xlsxperf
from click.testing import CliRunner
from conftest import CLEAN, MESSY, ROOT, SEED
from openpyxl import load_workbook

from xlsxperf.cli import DROP_FOLDER, cli, main
from xlsxperf.marker import read_mark

CJK = re.compile(r"[\u4e00-\u9fff]")


# -- drop-in ---------------------------------------------------------------------------------------


def test_files_dropped_on_the_program_are_evaluated_beside_the_first(tmp_path: Path) -> None:
    folder = tmp_path / "收到的表"
    a = copy(SEED, folder / "经济合作局.xlsx")
    b = copy(MESSY, tmp_path / "elsewhere" / "messy.xlsx")
    before = {p: p.read_bytes() for p in (a, b)}
    result = CliRunner().invoke(cli, [str(a), str(b)], input="\n")
    out = folder / DROP_FOLDER
    assert result.exit_code == 0, result.output
    assert f"评价结果已写到：{out}" in result.output
    assert "按回车键" in result.output  # no terminal: it waits for Enter before closing
    written = sorted(p.name for p in out.glob("*_评价结果*.xlsx"))
    assert len(written) == 2 and all(read_mark(out / n) == "evaluation" for n in written)
    assert "已审核  经济合作局.xlsx →" in result.output
    assert {p: p.read_bytes() for p in (a, b)} == before


def test_a_dropped_folder_and_a_second_drop_into_the_same_place(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    copy(CLEAN, folder / "a.xlsx")
    copy(SEED, folder / "sub" / "b.xlsx")
    (folder / "说明.txt").write_text("x", encoding="utf-8")
    result = CliRunner().invoke(cli, [str(folder)], input="\n")
    out = tmp_path / DROP_FOLDER  # beside the folder
    assert result.exit_code == 0, result.output
    assert len(list(out.glob("*_评价结果*.xlsx"))) == 2
    assert "未审核  " in result.output and "说明.txt" in result.output
    copy(MESSY, tmp_path / "c.xlsx")
    again = CliRunner().invoke(cli, [str(tmp_path / "c.xlsx")], input="\n")
    assert again.exit_code == 0, again.output
    assert len(list(out.glob("*_评价结果*.xlsx"))) == 3  # the earlier drop keeps its evaluations


def test_a_drop_never_writes_over_a_file_that_is_not_ours(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    a = copy(CLEAN, folder / "统计局.xlsx")
    out = folder / DROP_FOLDER
    out.mkdir()
    theirs = out / "2022_示例市示例区统计局_评价结果.xlsx"  # a department's own file by that name
    shutil.copyfile(MESSY, theirs)
    result = CliRunner().invoke(cli, [str(a)], input="\n")
    assert result.exit_code == 0, result.output
    assert theirs.read_bytes() == MESSY.read_bytes()
    ours = [p for p in out.glob("*_评价结果*.xlsx") if p != theirs]
    assert len(ours) == 1 and read_mark(ours[0]) == "evaluation"


def test_drop_in_as_a_program_waits_for_enter_without_a_terminal(tmp_path: Path) -> None:
    a = copy(CLEAN, tmp_path / "a.xlsx")
    done = subprocess.run([sys.executable, "-m", "xlsxperf", str(a)], input="\n", capture_output=True,
                          text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "按回车键" in done.stderr and "评价结果已写到" in done.stdout
    skipped = xlsxperf(str(a))  # XLSXPERF_NO_PAUSE set: no prompt
    assert skipped.returncode == 0 and "按回车键" not in skipped.stderr


def test_a_missing_dropped_file_is_said_in_chinese(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, [str(tmp_path / "没有.xlsx")])
    assert result.exit_code == 2
    assert "不存在" in result.output and "Traceback" not in result.output


def test_no_arguments_shows_the_help_and_waits(capsys, monkeypatch) -> None:
    import io

    import pytest

    monkeypatch.setattr(sys, "stdin", io.StringIO("\n"))
    with pytest.raises(SystemExit) as e:
        main([])
    assert e.value.code == 0
    captured = capsys.readouterr()
    assert "审核部门整体支出绩效自评表" in captured.out and "按回车键" in captured.err


# -- click in Chinese ------------------------------------------------------------------------------


def test_clicks_own_errors_are_in_chinese(tmp_path: Path) -> None:
    cases = {
        ("check", str(tmp_path / "nope.xlsx")): "文件不存在",
        ("check",): "缺少参数",
        ("run", str(tmp_path)): "缺少选项",
        ("check", "--fail-on", "sometimes", str(CLEAN)): "无效",
        ("run", str(tmp_path), "-o", str(tmp_path / "o"), "--jobs", "x"): "不是有效的数字",
        ("chek",): "没有命令",
        ("check", "--nope", str(CLEAN)): "没有选项",
    }
    for args, expected in cases.items():
        result = CliRunner().invoke(cli, list(args))
        assert result.exit_code == 2, args
        assert expected in result.output and "错误：" in result.output, (args, result.output)
        assert "用法" in result.output


def test_every_help_has_a_chinese_line() -> None:
    for args in [[], *[[name] for name in cli.commands]]:
        result = CliRunner().invoke(cli, [*args, "--help"])
        assert result.exit_code == 0
        first = result.output.split("\n\n")[1].strip()  # the command's own description
        assert CJK.search(first), (args, first)
        assert "显示本帮助并退出" in result.output and "选项" in result.output


# -- annotated copies ------------------------------------------------------------------------------


def test_annotate_never_overwrites_a_file_we_did_not_write(tmp_path: Path) -> None:
    src = copy(SEED, tmp_path / "in" / "经济合作局.xlsx")
    out = tmp_path / "out"
    out.mkdir()
    corrected = out / "经济合作局_批注.xlsx"  # the department's corrected copy, same name
    shutil.copyfile(CLEAN, corrected)
    result = CliRunner().invoke(cli, ["check", str(src), "-o", str(out), "--annotate"])
    assert result.exit_code == 0, result.output
    assert corrected.read_bytes() == CLEAN.read_bytes()
    ours = out / "经济合作局_批注_2.xlsx"
    assert read_mark(ours) == "annotated"
    load_workbook(ours)
    again = CliRunner().invoke(cli, ["check", str(src), "-o", str(out), "--annotate"])
    assert again.exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(  # our own copy is replaced, not multiplied
        ["2022_乐山市市中区经济合作局_评价结果.xlsx", "经济合作局_批注.xlsx", "经济合作局_批注_2.xlsx"])


def _annotated_within(src: Path, timeout_s: int, memory_mb: int) -> tuple[Path, str]:
    """``check SRC -o out --annotate`` under these limits: the output folder and what it printed."""
    config = src.parent / "limits.toml"
    config.write_text(f"[limits]\ntimeout_s = {timeout_s}\nmemory_mb = {memory_mb}\n", encoding="utf-8")
    out = src.parent / "out"
    result = CliRunner().invoke(cli, ["check", str(src), "-o", str(out), "--annotate", "--config", str(config)])
    assert result.exit_code == 0, result.output
    return out, result.output


def test_a_stray_cell_at_the_far_corner_still_gets_an_annotated_copy(tmp_path: Path) -> None:
    """Only the cells a sheet holds are visited: one cell at XFD1048576 is not seventeen
    billion positions to walk."""
    src = tmp_path / "far.xlsx"
    wb = load_workbook(CLEAN)
    wb["基本信息"]["XFD1048576"] = "x"
    wb.save(src)
    out, output = _annotated_within(src, timeout_s=20, memory_mb=150)
    assert "未能生成批注副本" not in output
    annotated = load_workbook(out / "far_批注.xlsx")
    assert annotated["基本信息"]["XFD1048576"].value == "x"
    assert annotated.sheetnames[0] == "修改清单"


def _hangs(*args: object) -> None:
    time.sleep(60)


@pytest.mark.parametrize("annotate, said", [(fill_memory, "超过内存限制"), (_hangs, "超过时间限制")])
def test_annotate_runs_within_the_time_and_memory_limits(tmp_path: Path, monkeypatch, annotate,
                                                         said: str) -> None:
    from xlsxperf.report import save

    monkeypatch.setattr(save, "annotate", annotate)  # the child is forked: it runs this one
    src = tmp_path / "far.xlsx"
    shutil.copy(CLEAN, src)
    out, output = _annotated_within(src, timeout_s=3, memory_mb=100)
    assert "未能生成批注副本" in output and said in output
    assert sorted(p.name for p in out.iterdir()) == ["2022_示例市示例区统计局_评价结果.xlsx"]
