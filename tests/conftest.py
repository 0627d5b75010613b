"""Shared fixtures: the generated template, sample paths, a filler, and LibreOffice.

Tests that need LibreOffice use the ``libreoffice`` fixture: it skips when ``soffice`` is
absent locally and fails when ``CI=true``, so CI never passes by skipping them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SEED = SAMPLES / "2022_市中区经济合作局.xlsx"
CLEAN = SAMPLES / "2022_clean_example.xlsx"
MESSY = SAMPLES / "2022_messy_example.xlsx"

RECALC_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
           xmlns:xs="http://www.w3.org/2001/XMLSchema"
           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
  <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop>
</item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
  <prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop>
</item>
</oor:items>
"""


class LibreOffice:
    """Headless LibreOffice with a private profile per instance."""

    def __init__(self, binary: str, profile: Path) -> None:
        self.binary = binary
        self.profile = profile

    def convert(self, src: Path, fmt: str, outdir: Path, recalc: bool = False,
                filter_name: str | None = None) -> Path:
        """Open ``src`` and save it as ``fmt`` (xlsx, xls, pdf) in ``outdir``."""
        profile = self.profile / ("recalc" if recalc else "plain")
        if recalc:
            user = profile / "user"
            user.mkdir(parents=True, exist_ok=True)
            (user / "registrymodifications.xcu").write_text(RECALC_XCU, encoding="utf-8")
        outdir.mkdir(parents=True, exist_ok=True)
        target = f"{fmt}:{filter_name}" if filter_name else fmt
        cmd = [self.binary, f"-env:UserInstallation={profile.as_uri()}", "--headless",
               "--norestore", "--convert-to", target, "--outdir", str(outdir), str(src)]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
        out = outdir / (src.stem + "." + fmt)
        if not out.exists():
            raise AssertionError(f"LibreOffice did not convert {src}: {done.stdout} {done.stderr}")
        return out


@pytest.fixture(scope="session")
def libreoffice(tmp_path_factory: pytest.TempPathFactory) -> LibreOffice:
    binary = shutil.which("soffice") or shutil.which("libreoffice")
    if binary is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("LibreOffice (soffice) is required under CI=true")
        pytest.skip("LibreOffice (soffice) not installed")
    return LibreOffice(binary, tmp_path_factory.mktemp("lo-profile"))


@pytest.fixture(scope="session")
def template_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The blank template of the current version."""
    from xlsxperf.template import write_template

    return write_template(tmp_path_factory.mktemp("template") / "template.xlsx")


@pytest.fixture(scope="session")
def template_files(tmp_path_factory: pytest.TempPathFactory, template_file: Path) -> dict[int, Path]:
    """The blank template of every version the reader knows, by version."""
    from xlsxperf import schema as S
    from xlsxperf.template import write_template

    folder = tmp_path_factory.mktemp("templates")
    return {v: template_file if v == S.TEMPLATE_VERSION else
            write_template(folder / f"template_v{v}.xlsx", v) for v in S.TEMPLATE_VERSIONS}


@pytest.fixture
def fill(tmp_path: Path, template_files: dict[int, Path]) -> Callable[..., Path]:
    """fill(fields, projects, indicators, name=..., project_total=..., version=..., goals=...)
    -> a filled workbook (of the current template version unless ``version`` says otherwise)."""
    from xlsxperf import schema as S
    from xlsxperf.fill import fill_workbook

    counter = iter(range(10**6))

    def make(fields: dict[str, Any] | None = None, projects: list | None = None,
             indicators: list | None = None, name: str | None = None,
             version: int = S.TEMPLATE_VERSION, **kw: Any) -> Path:
        out = tmp_path / (name or f"filled_{next(counter)}.xlsx")
        return fill_workbook(out, fields or {}, projects or [], indicators or [],
                             template=template_files[version], **kw)

    return make


@pytest.fixture(scope="session")
def seed_data() -> tuple[dict, list, list]:
    """The seed sample's data (fields, projects, indicators) as plain values."""
    import sys

    sys.path.insert(0, str(SAMPLES))
    import make_samples

    fields, projects, indicators = make_samples.seed_data()
    return (make_samples._plain(fields), make_samples._plain(projects),
            make_samples._plain(indicators))


@pytest.fixture(scope="session")
def clean_data() -> tuple[dict, list, list]:
    import sys

    sys.path.insert(0, str(SAMPLES))
    import make_samples

    return make_samples.clean_data()
