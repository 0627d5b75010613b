"""The command line: start-up, exit codes, text and JSON output."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from conftest import CLEAN, MESSY, ROOT, SEED

from xlsxperf import __version__
from xlsxperf.cli import cli


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_version_via_script_and_module() -> None:
    out = subprocess.run([sys.executable, "-m", "xlsxperf", "--version"], capture_output=True,
                         text=True, check=True, cwd=ROOT).stdout
    assert __version__ in out


def test_help_does_not_import_the_spreadsheet_libraries() -> None:
    code = ("import sys\nfrom xlsxperf.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('openpyxl', 'xlsxwriter') if m in sys.modules]\n"
            "print('HEAVY', heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert "HEAVY []" in out and "check" in out


def test_check_reads_with_calamine_and_imports_nothing_heavy() -> None:
    """One file's check: no openpyxl (nor the numpy it pulls in), no XlsxWriter, no xlrd, no
    ElementTree; the workbook is read by python-calamine and the small guarded XML pass."""
    loaded, out = _loaded_by_check("openpyxl", "xlsxwriter", "numpy", "xlrd", "olefile",
                                   "xml.etree.ElementTree", "python_calamine")
    assert loaded == ["python_calamine"] and "乐山市市中区经济合作局" in out


def test_check_text_leaves_the_slow_standard_modules_unloaded() -> None:
    """One file's check, as text: the standard modules that cost milliseconds to import and
    that nothing on this path needs stay unloaded (json for JSON output, tempfile through
    importlib.resources, statistics, the year-over-year pairing)."""
    loaded, out = _loaded_by_check("json", "tempfile", "importlib.resources", "statistics",
                                   "xlsxperf.history")
    assert loaded == [] and "乐山市市中区经济合作局" in out


def _loaded_by_check(*modules: str) -> tuple[list[str], str]:
    """Which of ``modules`` one file's `check` (text output) loads, in a fresh interpreter,
    and what it printed."""
    code = ("import sys\nfrom xlsxperf.cli import main\n"
            f"try:\n    main(['check', {str(SEED)!r}])\nexcept SystemExit:\n    pass\n"
            f"print('LOADED', [m for m in {list(modules)!r} if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    printed, _, loaded = out.rpartition("LOADED ")
    return ast.literal_eval(loaded.strip()), printed


def test_check_json_document() -> None:
    code, out = run("check", "--format", "json", str(SEED), str(CLEAN))
    doc = json.loads(out)
    assert doc["schema_version"] == 1 and doc["tool"] == {"name": "xlsxperf", "version": __version__}
    assert [Path(f["path"]).name for f in doc["files"]] == [SEED.name, CLEAN.name]
    seed = doc["files"][0]
    assert seed["status"] == "ok" and len(seed["sha256"]) == 64
    assert seed["unit"] == {"name": "乐山市市中区经济合作局", "code": None, "year": 2022}
    assert seed["metrics"]["income.total"] == 414.31
    assert doc["summary"]["files"] == 2 and doc["summary"]["ok"] == 2
    for f in seed["findings"]:
        assert {"code", "name", "severity", "sheet", "cell", "message", "expected", "actual"} <= set(f)


def test_exit_codes(tmp_path: Path) -> None:
    assert run("check", str(CLEAN))[0] == 0
    assert run("check", str(MESSY))[0] == 1
    assert run("check", "--fail-on", "never", str(MESSY))[0] == 0
    assert run("check", str(tmp_path / "nope.xlsx"))[0] == 2
    assert run("check", "--fail-on", "sometimes", str(CLEAN))[0] == 2
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a workbook")
    code, out = run("check", str(CLEAN), str(junk))
    assert code == 3 and "junk.xlsx" in out and "Traceback" not in out


def test_text_output_names_cells_and_messages() -> None:
    code, out = run("check", str(MESSY))
    assert "基本信息!B11" in out and "两个" in out
    assert "计算总分" in out and "自评总分" in out


def test_check_writes_evaluations_and_annotated_copies(tmp_path: Path) -> None:
    import shutil

    from openpyxl import load_workbook

    src = tmp_path / "in"
    src.mkdir()
    a = shutil.copyfile(SEED, src / "一.xlsx")
    b = shutil.copyfile(SEED, src / "二.xlsx")  # same unit and year: names must not collide
    before = {p: p.read_bytes() for p in (a, b)}
    code, out = run("check", str(a), str(b), "-o", str(tmp_path / "out"), "--annotate")
    assert code == 0, out
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["2022_乐山市市中区经济合作局_评价结果.xlsx", "2022_乐山市市中区经济合作局_评价结果_2.xlsx",
                     "一_批注.xlsx", "二_批注.xlsx"]
    for name in names:
        load_workbook(tmp_path / "out" / name)
    assert {p: p.read_bytes() for p in (a, b)} == before
    assert run("check", str(a), "--annotate")[0] == 2  # --annotate needs -o
    code, out = run("check", str(a), "-o", str(src))  # into the inputs' folder: inputs kept
    assert code == 0 and {p: p.read_bytes() for p in (a, b)} == before


def test_unexpected_error_is_one_line_and_logged(tmp_path: Path, monkeypatch, capsys) -> None:
    import logging

    import pytest

    from xlsxperf import cli as cli_module
    from xlsxperf import evaluation as evaluate_module

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    logger = logging.getLogger("xlsxperf")
    monkeypatch.setattr(logger, "handlers", [])
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))  # the per-user log lives there
    monkeypatch.setattr(evaluate_module, "evaluate", boom)
    with pytest.raises(SystemExit) as exit_info:
        cli_module.main(["check", str(CLEAN)])
    assert exit_info.value.code == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "boom" in err and "Traceback" not in err
    for h in logger.handlers:
        h.flush()
    log = (tmp_path / "xlsxperf" / "xlsxperf.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "RuntimeError: boom" in log


def test_a_signal_during_start_up_ends_quietly() -> None:
    """SIGINT / SIGTERM while the command line is still being imported: one line, 128 + signal."""
    import signal
    import subprocess
    import sys

    code = ("import os, signal, sys\n"
            "from xlsxperf import launch\n"
            "real = launch.signal.signal\n"
            "def send_during_import(s, h):\n"
            "    old = real(s, h)\n"
            "    if h is launch._stopped_early and s == signal.SIGTERM:\n"
            "        os.kill(os.getpid(), int(sys.argv[1]))\n"
            "    return old\n"
            "launch.signal.signal = send_during_import\n"
            "launch.main()\n")
    for sig in (signal.SIGINT, signal.SIGTERM):
        done = subprocess.run([sys.executable, "-c", code, str(int(sig)), "--version"],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 128 + sig, done.stderr
        assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1
