"""Hostile, broken and messy input: every file gets a clear answer, nothing crashes or leaks.

Every hostile file is built here, in the test's temporary folder, from the seed sample or
from nothing. ``xlsxperf check`` runs in a child process so its exit code, output, peak
memory and time are those of the real command.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import signal
import struct
import subprocess
import sys
import threading
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import SEED
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xlsxperf import schema as S
from xlsxperf.config import Limits, default_config
from xlsxperf.errors import XmlUnsafe
from xlsxperf.evaluation import evaluate, evaluate_submission
from xlsxperf.opener import open_book
from xlsxperf.preflight import ROW_CAP, DeadlineExpired, Format, LimitExceeded, deadline, preflight
from xlsxperf.read import read_book, read_submission, unreadable
from xlsxperf.template import HEADER_ROWS
from xlsxperf.xlsxbook import OpenpyxlBook

XLSXPERF = Path(sys.executable).with_name("xlsxperf")
MAX_RSS_MB = 300
MAX_SECONDS = 30
MB = 1024 * 1024

# -- building hostile files ----------------------------------------------------------------


def seed_parts() -> dict[str, bytes]:
    with zipfile.ZipFile(SEED) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def sheet_part(parts: dict[str, bytes], sheet: str) -> str:
    """The part name of ``sheet`` (openpyxl numbers sheet parts in workbook order)."""
    names = re.findall(rb'<sheet name="([^"]+)"', parts["xl/workbook.xml"])
    return f"xl/worksheets/sheet{[n.decode() for n in names].index(sheet) + 1}.xml"


def write_zip(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def _raw_zip(path: Path, members: list[tuple[str, bytes, int, int]]) -> Path:
    """A zip written by hand: (name, raw deflate data, crc32, uncompressed size) each."""
    out, central = bytearray(), bytearray()
    dos_date = ((2023 - 1980) << 9) | (5 << 5) | 19
    for name, data, crc, size in members:
        n = name.encode()
        offset = len(out)
        out += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0x800, 8, 0, dos_date, crc,
                           len(data), size, len(n), 0) + n + data
        central += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0x800, 8, 0, dos_date, crc,
                               len(data), size, len(n), 0, 0, 0, 0, 0, offset) + n
    cd_offset = len(out)
    out += central + struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members),
                                 len(central), cd_offset, 0)
    path.write_bytes(bytes(out))
    return path


def _deflate(data: bytes) -> tuple[str, bytes, int, int]:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return "", c.compress(data) + c.flush(), zlib.crc32(data), len(data)


def zip_bomb(path: Path, uncompressed_mb: int = 400, declared: int | None = None) -> Path:
    """The seed workbook with one sheet replaced by ``uncompressed_mb`` MB of XML.

    The repeated block is compressed once and its deflate output repeated (each block ends
    on a full flush, so the copies concatenate into one valid stream): a 400 MB sheet in a
    file of about 400 KB, built in a fraction of a second.
    """
    parts = seed_parts()
    bomb = sheet_part(parts, S.BASIC)
    block = b" " * MB  # whitespace between elements: well-formed, and compresses 1000:1
    head = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b"<sheetData>")
    tail = b"</sheetData></worksheet>"
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    c2 = zlib.compressobj(9, zlib.DEFLATED, -15)
    middle = c2.compress(block) + c2.flush(zlib.Z_FULL_FLUSH)
    c3 = zlib.compressobj(9, zlib.DEFLATED, -15)
    last = c3.compress(tail) + c3.flush(zlib.Z_FINISH)
    crc = zlib.crc32(head)
    for _ in range(uncompressed_mb):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    data = first + middle * uncompressed_mb + last
    size = len(head) + len(block) * uncompressed_mb + len(tail)
    members = []
    for name, content in parts.items():
        if name == bomb:
            members.append((name, data, crc, size if declared is None else declared))
        else:
            _, raw, c32, n = _deflate(content)
            members.append((name, raw, c32, n))
    return _raw_zip(path, members)


def with_dtd(path: Path, dtd: str, entity: str) -> Path:
    """The seed with a DTD in the 基本信息 sheet and ``&entity;`` as the unit's name."""
    parts = seed_parts()
    name = sheet_part(parts, S.BASIC)
    xml = parts[name].decode()
    assert "乐山市市中区经济合作局" in xml
    xml = xml.replace("乐山市市中区经济合作局", f"&{entity};", 1)
    parts[name] = ('<?xml version="1.0" encoding="UTF-8"?>\n' + dtd + "\n" + xml).encode()
    return write_zip(path, parts)


BILLION_LAUGHS = "<!DOCTYPE worksheet [\n<!ENTITY lol0 \"lol\">\n" + "\n".join(
    f"<!ENTITY lol{i} \"{('&lol' + str(i - 1) + ';') * 10}\">" for i in range(1, 10)) + "\n]>"
EXTERNAL_ENTITY = '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def ole2(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE2 compound file (CFB version 3) holding up to three streams.

    Each stream is padded to at least 4096 bytes, so that it lives in regular sectors.
    """
    sector, free, end, fatsect, nostream = 512, 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    assert len(streams) <= 3
    fat, body, entries = [fatsect, end], b"", []
    for i, (name, payload) in enumerate(streams.items()):
        payload = payload.ljust(4096, b"\0")
        count = -(-len(payload) // sector)
        start = len(fat)
        fat += [start + k + 1 for k in range(count - 1)] + [end]
        body += payload.ljust(count * sector, b"\0")
        right = i + 2 if i + 1 < len(streams) else nostream
        entries.append((name, 2, nostream, nostream, right, start, len(payload)))
    assert len(fat) <= 128
    fat += [free] * (128 - len(fat))
    header = struct.pack("<8s16s5H6s9I", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\0" * 16, 0x3E, 3,
                         0xFFFE, 9, 6, b"\0" * 6, 0, 1, 1, 0, 4096, end, 0, end, 0)
    header += struct.pack("<109I", 0, *([free] * 108))

    def entry(name: str, kind: int, child: int, left: int, right: int, start: int,
              size: int) -> bytes:
        n = name.encode("utf-16-le") + b"\0\0" if name else b""
        return struct.pack("<64sHBBIII16sIQQIQ", n.ljust(64, b"\0"), len(n), kind, 1, left,
                           right, child, b"\0" * 16, 0, 0, 0, start, size)

    directory = entry("Root Entry", 5, 1 if streams else nostream, nostream, nostream, end, 0)
    directory += b"".join(entry(*e) for e in entries)
    directory += entry("", 0, nostream, nostream, nostream, 0, 0) * (3 - len(entries))
    return header + struct.pack("<128I", *fat) + directory + body


def encrypted(path: Path) -> Path:
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    with open(SEED, "rb") as fh:
        OOXMLFile(fh).encrypt("secret", out)
    path.write_bytes(out.getvalue())
    return path


def without(path: Path, drop: Callable[[str], bool]) -> Path:
    return write_zip(path, {k: v for k, v in seed_parts().items() if not drop(k)})


def with_entries(path: Path, extra: int) -> Path:
    parts = seed_parts()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
        for i in range(extra):
            zf.writestr(f"customXml/item{i}.xml", b"")
    return path


def config_file(path: Path, **limits: object) -> Path:
    lines = ["[limits]"] + [f"{k} = {v}" for k, v in limits.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# -- running the command -------------------------------------------------------------------


@dataclass
class Run:
    code: int
    out: str
    max_rss_mb: float
    seconds: float


# The child is started by a small launcher process: a process forked from this (large) test
# process would report this process's peak memory as its own (Linux keeps the larger peak
# across fork and exec), so the launcher forks it from itself and reports its wait4 figures.
LAUNCHER = """
import os, subprocess, sys
proc = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(proc.pid, 0)
with open(sys.argv[1], "w") as fh:
    fh.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def run_check(path: Path, *args: str) -> Run:
    """``xlsxperf check`` in a child process, with its own peak memory."""
    rss_file = path.parent / "maxrss.txt"
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", LAUNCHER, str(rss_file), str(XLSXPERF),
                           "check", *args, str(path)], capture_output=True,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"}, timeout=120)
    seconds = time.monotonic() - started
    text = done.stdout.decode("utf-8", "replace") + done.stderr.decode("utf-8", "replace")
    factor = 1024 if sys.platform != "darwin" else 1024 * 1024
    return Run(done.returncode, text, int(rss_file.read_text()) / factor, seconds)


@dataclass(frozen=True)
class Case:
    name: str  # the file name in tmp_path
    build: Callable[[Path], Path]
    zh: tuple[str, ...]  # each appears in the Chinese message
    en: tuple[str, ...]  # each appears in the English message
    code: str  # S001 or S005
    config: dict[str, object] | None = None


def _write(data: bytes) -> Callable[[Path], Path]:
    def build(path: Path) -> Path:
        path.write_bytes(data)
        return path
    return build


def _truncated(path: Path) -> Path:
    data = SEED.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _seed_copy(path: Path) -> Path:
    path.write_bytes(SEED.read_bytes())
    return path


SAVE_AS = ("不支持的格式，请另存为 .xlsx",)
SAVE_AS_EN = ("unsupported format, save as .xlsx",)

CASES = [
    Case("炸弹.xlsx", zip_bomb, ("limits.max_ratio", "xl/worksheets/sheet2.xml", "压缩比"),
         ("limits.max_ratio",), "S005"),
    Case("bomb-total.xlsx", zip_bomb, ("limits.max_uncompressed_mb", "300 MB"),
         ("limits.max_uncompressed_mb",), "S005",
         {"max_ratio": 100000, "max_uncompressed_mb": 300}),
    Case("laughs.xlsx", lambda p: with_dtd(p, BILLION_LAUGHS, "lol9"),
         ("DTD", "xl/worksheets/sheet2.xml"), ("DTD",), "S005"),
    Case("xxe.xlsx", lambda p: with_dtd(p, EXTERNAL_ENTITY, "xxe"),
         ("DTD", "xl/worksheets/sheet2.xml"), ("DTD",), "S005"),
    Case("random.xlsx", _write(random.Random(20230519).randbytes(64 * 1024)), SAVE_AS,
         SAVE_AS_EN, "S001"),
    Case("空文件.xlsx", _write(b""), ("文件是空的",), ("empty",), "S001"),
    Case("half.xlsx", _truncated, ("文件不完整",), ("ends early",), "S001"),
    Case("data.xlsx", _write("单位名称,收入合计\n经济合作局,414.31\n".encode("gbk")),
         SAVE_AS + ("CSV",), SAVE_AS_EN + ("CSV",), "S001"),
    Case("自评表.et", _write(ole2({"WpsContent": b"et" * 3000})), SAVE_AS + (".et",),
         SAVE_AS_EN + (".et",), "S001"),
    Case("nosheets.xlsx", lambda p: without(p, lambda n: n.startswith("xl/worksheets/")),
         ("没有任何工作表",), ("no worksheets",), "S001"),
    Case("onesheet.xlsx", lambda p: without(p, lambda n: n == "xl/worksheets/sheet3.xml"),
         ("缺少部件 xl/worksheets/sheet3.xml",), ("xl/worksheets/sheet3.xml",), "S001"),
    Case("noworkbook.xlsx", lambda p: without(p, lambda n: n == "xl/workbook.xml"),
         ("没有 xl/workbook.xml",), ("no xl/workbook.xml",), "S001"),
    Case("locked.xlsx", encrypted, ("密码", "请先取消密码保护"), ("password-protected",), "S001"),
    Case("entries.xlsx", lambda p: with_entries(p, 10001), ("limits.max_entries", "10000"),
         ("limits.max_entries",), "S005"),
    Case("big.xlsx", _seed_copy, ("limits.max_file_mb", "0.01 MB"), ("limits.max_file_mb",),
         "S005", {"max_file_mb": Decimal("0.01")}),
    Case("rows.xlsx", _seed_copy, ("limits.max_rows", "20 行"), ("limits.max_rows",), "S005",
         {"max_rows": 20}),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_file_gets_a_clear_answer(case: Case, tmp_path: Path) -> None:
    path = case.build(tmp_path / case.name)
    args = ["--format", "json"]
    if case.config:
        args += ["--config", str(config_file(tmp_path / "xlsxperf.toml", **case.config))]
    run = run_check(path, *args)
    assert run.code == 3, run.out
    assert "Traceback" not in run.out and 'File "' not in run.out
    assert run.max_rss_mb < MAX_RSS_MB, f"{case.name}: {run.max_rss_mb:.0f} MB"
    assert run.seconds < MAX_SECONDS
    assert "root:" not in run.out  # /etc/passwd never leaks into a message
    doc = json.loads(run.out)
    (file,) = doc["files"]
    assert file["status"] == "error"
    (finding,) = file["findings"]
    assert finding["code"] == case.code
    assert path.name in finding["message"] and path.name in finding["message_en"]
    assert "\n" not in finding["message"] and "\n" not in finding["message_en"]
    for word in case.zh:
        assert word in finding["message"], (word, finding["message"])
    for word in case.en:
        assert word in finding["message_en"], (word, finding["message_en"])
    MEASURED[case.name] = (run.max_rss_mb, run.seconds)


MEASURED: dict[str, tuple[float, float]] = {}


def test_hostile_files_in_one_run_each_get_their_own_answer(tmp_path: Path) -> None:
    paths = [c.build(tmp_path / c.name) for c in CASES if c.config is None]
    run = run_check(paths[0], *map(str, paths[1:]))
    assert run.code == 3
    assert "Traceback" not in run.out
    assert run.max_rss_mb < MAX_RSS_MB
    assert run.seconds < MAX_SECONDS
    for p in paths:
        assert f"== {p}" in run.out
    assert f"{len(paths)} 个文件：0 个已审核，{len(paths)} 个无法审核" in run.out


# -- preflight ---------------------------------------------------------------------------------


def test_preflight_detects_the_format_by_content_not_name(tmp_path: Path) -> None:
    renamed = tmp_path / "自评表.xls"
    renamed.write_bytes(SEED.read_bytes())
    assert preflight(renamed).format == Format.XLSX
    assert preflight(SEED) == preflight(renamed)
    wrong = tmp_path / "workbook.xlsx"
    wrong.write_bytes(ole2({"Workbook": b"\x09\x08\x10\x00" + b"\0" * 16}))
    assert preflight(wrong).format == Format.XLS


def test_preflight_reads_no_spreadsheet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import openpyxl

    def forbidden(*a: object, **k: object) -> None:
        raise AssertionError("preflight must not parse the workbook")

    monkeypatch.setattr(openpyxl, "load_workbook", forbidden)
    monkeypatch.setattr("openpyxl.reader.excel.load_workbook", forbidden)
    assert preflight(SEED).ok


@pytest.mark.parametrize("declared", [1024, 0xFFFFFFFF])
def test_bomb_is_measured_while_decompressing_not_by_its_headers(tmp_path: Path,
                                                                 declared: int) -> None:
    """Headers claiming 1 KB or 4 GB change nothing: the real bytes are counted."""
    path = zip_bomb(tmp_path / "liar.xlsx", uncompressed_mb=40, declared=declared)
    info = zipfile.ZipFile(path).getinfo("xl/worksheets/sheet2.xml")
    assert info.file_size == declared
    limits = Limits(max_ratio=Decimal(100000), max_uncompressed_mb=Decimal(5))
    problem = preflight(path, limits).problem
    assert problem is not None
    if declared < 5 * MB:  # decompression stops at the claimed size: the CRC does not match
        assert problem.kind == "corrupt" and "sheet2.xml" in problem.reason
    else:
        assert problem.code == "S005" and "limits.max_uncompressed_mb" in problem.reason


def test_styles_part_may_compress_better_than_the_ratio_cap(tmp_path: Path) -> None:
    parts = seed_parts()
    xml = parts["xl/styles.xml"].decode()
    filler = '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' * 40000
    parts["xl/styles.xml"] = xml.replace("<cellXfs", "<!-- " + filler + " --><cellXfs", 1).encode()
    path = write_zip(tmp_path / "styles.xlsx", parts)
    info = zipfile.ZipFile(path).getinfo("xl/styles.xml")
    assert info.file_size / info.compress_size > 200  # over the plain cap
    assert preflight(path).ok
    parts["xl/worksheets/sheet1.xml"] = parts["xl/styles.xml"]
    assert not preflight(write_zip(tmp_path / "sheet.xlsx", parts)).ok


@pytest.mark.parametrize("name, data, what", [
    ("说明.xlsx", "请见附件。部门整体支出绩效自评报告".encode(), "文本文件"),
    ("导出.xls", b"<html><body><table><tr><td>414.31</td></tr></table></body></html>", "网页"),
    ("报告.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"),
    ("表.xls", b'<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:'
              b'spreadsheet"></Workbook>', "Excel 2003 XML"),
    ("data.csv", "单位,金额\n经济合作局,414.31\n".encode(), "CSV"),
])
def test_renamed_files_are_named(tmp_path: Path, name: str, data: bytes, what: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    p = preflight(path).problem
    assert p is not None and p.kind == "unsupported"
    assert p.reason.startswith("不支持的格式，请另存为 .xlsx") and what in p.reason
    assert p.reason_en.startswith("unsupported format, save as .xlsx")


def test_other_zip_packages_are_named(tmp_path: Path) -> None:
    odt = tmp_path / "报告.xlsx"
    with zipfile.ZipFile(odt, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", "<office:document-content/>")
    p = preflight(odt).problem
    assert p is not None and "OpenDocument" in p.reason and "不支持的格式，请另存为 .xlsx" in p.reason


def test_an_ods_package_is_read_and_a_hollow_one_is_s001(tmp_path: Path) -> None:
    """An OpenDocument spreadsheet passes the preflight (it is read, see test_ods.py); one
    without a sheet is unreadable, said in one line."""
    ods = tmp_path / "表.xlsx"
    with zipfile.ZipFile(ods, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<office:document-content/>")
    assert preflight(ods).format == Format.ODS
    sub = read_submission(ods)
    assert [f.code for f in sub.findings] == ["S001"]
    assert ods.name in sub.findings[0].message and "\n" not in sub.findings[0].message
    with zipfile.ZipFile(tmp_path / "empty.ods", "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    p = preflight(tmp_path / "empty.ods").problem
    assert p is not None and p.code == "S001" and "content.xml" in p.reason


def test_encrypted_xls_is_password_protected(tmp_path: Path) -> None:
    bof = struct.pack("<HH", 0x0809, 16) + b"\0" * 16
    filepass = struct.pack("<HH", 0x002F, 6) + b"\0" * 6
    path = tmp_path / "locked.xls"
    path.write_bytes(ole2({"Workbook": bof + filepass}))
    p = preflight(path).problem
    assert p is not None and p.kind == "encrypted" and "密码" in p.reason


def test_damaged_xls_is_unreadable_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "broken.xls"
    path.write_bytes(ole2({"Workbook": b"\x09\x08\x10\x00" + b"\xff" * 5000}))
    sub = read_submission(path)
    assert not sub.readable and sub.findings[0].code == "S001"
    assert "broken.xls" in sub.findings[0].message
    assert "\n" not in sub.findings[0].message


def test_missing_file_and_folder(tmp_path: Path) -> None:
    for path in (tmp_path / "nope.xlsx", tmp_path):
        sub = read_submission(path)
        assert [f.code for f in sub.findings] == ["S001"]


# -- XML safety ------------------------------------------------------------------------------


def test_parser_refuses_dtd_even_without_preflight(tmp_path: Path) -> None:
    from defusedxml import DefusedXmlException

    path = with_dtd(tmp_path / "laughs.xlsx", BILLION_LAUGHS, "lol9")
    with pytest.raises(Exception) as raised:
        OpenpyxlBook(path)
    chain: BaseException | None = raised.value
    while chain is not None and not isinstance(chain, DefusedXmlException):
        chain = chain.__cause__ or chain.__context__
    assert isinstance(chain, DefusedXmlException)


def test_dtd_refused_by_the_parser_is_s005(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                           ) -> None:
    monkeypatch.setattr("xlsxperf.preflight._declares_dtd", lambda chunk: False)
    path = with_dtd(tmp_path / "xxe.xlsx", EXTERNAL_ENTITY, "xxe")
    sub = read_submission(path)
    assert [f.code for f in sub.findings] == ["S005"]
    assert "root:" not in sub.findings[0].message


def test_reader_refuses_without_xml_protection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                               ) -> None:
    import openpyxl.xml

    monkeypatch.setattr(openpyxl.xml, "DEFUSEDXML", False)
    xls = tmp_path / "book.xls"
    xls.write_bytes(ole2({"Workbook": b"\x09\x08\x10\x00" + b"\0" * 16}))
    for path in (SEED, xls, tmp_path / "missing.xlsx"):
        with pytest.raises(XmlUnsafe):
            read_submission(path)
        with pytest.raises(XmlUnsafe):
            open_book(path if path.exists() else SEED)


# -- bounded work ------------------------------------------------------------------------------


def test_time_limit_gives_s005(monkeypatch: pytest.MonkeyPatch) -> None:
    def slow(book: object) -> None:
        for _ in range(100):  # 5 s, far over the limit
            time.sleep(0.05)

    monkeypatch.setattr("xlsxperf.read.read_book", slow)
    started = time.monotonic()
    sub = read_submission(SEED, Limits(timeout_s=Decimal("0.3")))
    assert time.monotonic() - started < 2
    assert [f.code for f in sub.findings] == ["S005"]
    assert "limits.timeout_s" in sub.findings[0].message_en
    assert SEED.name in sub.findings[0].message
    assert signal.getitimer(signal.ITIMER_REAL)[0] == 0


def test_time_limit_cannot_be_swallowed(monkeypatch: pytest.MonkeyPatch) -> None:
    def stubborn(book: object) -> None:
        for _ in range(100):
            try:
                time.sleep(0.05)
            except Exception:  # a library that catches everything it can
                pass

    monkeypatch.setattr("xlsxperf.read.read_book", stubborn)
    sub = read_submission(SEED, Limits(timeout_s=Decimal("0.2")))
    assert [f.code for f in sub.findings] == ["S005"]


def test_deadline_keeps_an_outer_timer() -> None:
    fired = []
    previous = signal.signal(signal.SIGALRM, lambda *a: fired.append(1))
    try:
        signal.setitimer(signal.ITIMER_REAL, 5.0)
        with deadline(Decimal(60)):
            pass
        left = signal.getitimer(signal.ITIMER_REAL)[0]
        assert 3 < left <= 5
        signal.setitimer(signal.ITIMER_REAL, 0.2)
        with deadline(Decimal(60)):  # the outer timer fires first and stays in charge
            time.sleep(0.4)
        assert fired == [1]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_no_time_limit_off_the_main_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    out: list = []
    thread = threading.Thread(target=lambda: out.append(read_submission(
        SEED, Limits(timeout_s=Decimal("0.000001")))))
    thread.start()
    thread.join(30)
    assert out and out[0].readable


def test_deadline_expires_in_the_block() -> None:
    with pytest.raises(DeadlineExpired):
        with deadline(0.1):
            time.sleep(2)


def test_row_cap_in_table_scan() -> None:
    book = open_book(SEED)
    token = ROW_CAP.set(3)
    try:
        with pytest.raises(LimitExceeded) as e:
            read_book(book)
    finally:
        ROW_CAP.reset(token)
    assert "limits.max_rows" in e.value.reason


def test_unexpected_error_is_one_line_s001(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(book: object) -> None:
        raise ValueError("first line\nsecond line\n  File \"x.py\", line 1")

    monkeypatch.setattr("xlsxperf.read.read_book", broken)
    sub = read_submission(SEED)
    f = sub.findings[0]
    assert f.code == "S001" and "\n" not in f.message and "\n" not in f.message_en
    assert "ValueError" in f.message_en


@pytest.mark.parametrize("text", ["1e999999999", "1e-999999999"])
def test_an_exponent_beyond_any_figure_is_f002_at_its_cell(tmp_path: Path, text: str) -> None:
    """Read, checked and written: the cell is named, the rest of the file is evaluated."""
    from openpyxl import load_workbook

    from xlsxperf.report import write_evaluation

    wb = load_workbook(SEED)
    sheet, ref = next(iter(wb.defined_names["income_total"].destinations))
    wb[sheet][ref] = text
    path = tmp_path / "e.xlsx"
    wb.save(path)
    ev = evaluate(path)
    assert ev.submission.readable and ev.calc is not None
    f002 = [f for f in ev.findings if f.code == "F002"]
    assert [(f.sheet, f.cell) for f in f002] == [(sheet, ref.replace("$", ""))]
    assert text in f002[0].message
    assert not [f for f in ev.findings if f.code.startswith("S")]
    write_evaluation(ev, tmp_path / "out.xlsx")
    assert load_workbook(tmp_path / "out.xlsx").sheetnames


def test_unreadable_fills_s005_limit() -> None:
    sub = unreadable("x/自评表.xlsx", "超过上限 1 MB", "over the limit of 1 MB", code="S005")
    f = sub.findings[0]
    assert f.message == "文件 自评表.xlsx 超出安全限制：超过上限 1 MB"
    assert f.message_en == "自评表.xlsx exceeds a safety limit: over the limit of 1 MB"


# -- a huge table ----------------------------------------------------------------------------


def huge_workbook(path: Path, fill: Callable[..., Path], clean_data: tuple, rows: int) -> Path:
    """The clean sample with ``rows`` project rows, written straight into the sheet XML."""
    fields, projects, indicators = clean_data
    base = fill(fields, projects[:1], indicators)
    with zipfile.ZipFile(base) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    name = sheet_part(parts, S.PROJECTS)
    xml = parts[name].decode()
    header = HEADER_ROWS[S.PROJECTS]
    start = xml.index(f'<row r="{header + 1}"')
    end = xml.index("</sheetData>")
    out = []
    for i in range(rows):
        r = header + 1 + i
        out.append(f'<row r="{r}"><c r="A{r}"><v>{i + 1}</v></c>'
                   f'<c r="B{r}" t="inlineStr"><is><t>项目{i + 1}</t></is></c>'
                   f'<c r="C{r}" t="inlineStr"><is><t>运转类</t></is></c>'
                   f'<c r="D{r}"><v>1</v></c><c r="E{r}"><v>1</v></c><c r="F{r}"><v>0.95</v></c>'
                   f'<c r="H{r}"><v>0.05</v></c></row>')
    r = header + rows + 1
    out.append(f'<row r="{r}"><c r="B{r}" t="inlineStr"><is><t>合计</t></is></c>'
               f'<c r="D{r}"><v>{rows}</v></c><c r="E{r}"><v>{rows}</v></c>'
               f'<c r="F{r}"><v>{rows * 0.95:.2f}</v></c></row>')
    parts[name] = (xml[:start] + "".join(out) + xml[end:]).encode()
    return write_zip(path, parts)


def test_huge_table_is_read_or_refused_within_the_time_limit(
        tmp_path: Path, fill: Callable[..., Path], clean_data: tuple) -> None:
    path = huge_workbook(tmp_path / "huge.xlsx", fill, clean_data, 50000)
    limit = Decimal(4)
    started = time.monotonic()
    sub = read_submission(path, Limits(timeout_s=limit))
    took = time.monotonic() - started
    assert took < float(limit) + 2
    if sub.readable:
        assert len(sub.projects.rows) == 50000
    else:
        assert [f.code for f in sub.findings] == ["S005"]
        assert "limits.timeout_s" in sub.findings[0].message_en


def test_huge_table_over_the_row_cap_is_refused_fast(
        tmp_path: Path, fill: Callable[..., Path], clean_data: tuple) -> None:
    path = huge_workbook(tmp_path / "huge.xlsx", fill, clean_data, 50000)
    started = time.monotonic()
    sub = read_submission(path, Limits(max_rows=10000))
    assert time.monotonic() - started < 5
    assert [f.code for f in sub.findings] == ["S005"]
    assert "10000" in sub.findings[0].message and "limits.max_rows" in sub.findings[0].message


def test_cells_over_the_memory_limit_are_refused_before_parsing(
        tmp_path: Path, fill: Callable[..., Path], clean_data: tuple) -> None:
    path = huge_workbook(tmp_path / "huge.xlsx", fill, clean_data, 50000)
    started = time.monotonic()
    sub = read_submission(path, Limits(memory_mb=100))
    assert time.monotonic() - started < 5
    assert [f.code for f in sub.findings] == ["S005"]
    assert "limits.memory_mb" in sub.findings[0].message
    assert read_submission(SEED, Limits(memory_mb=100)).readable


def test_shared_strings_count_toward_the_memory_limit(tmp_path: Path) -> None:
    parts = seed_parts()
    n = 200_000
    parts["xl/sharedStrings.xml"] = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + "".join(f"<si><t>{i}</t></si>" for i in range(n)) + "</sst>").encode()
    path = write_zip(tmp_path / "strings.xlsx", parts)
    assert preflight(path).ok
    problem = preflight(path, Limits(memory_mb=20)).problem
    assert problem is not None and problem.code == "S005"
    assert "limits.memory_mb" in problem.reason and "共享字符串" in problem.reason


def test_a_table_under_the_row_cap_is_read(
        tmp_path: Path, fill: Callable[..., Path], clean_data: tuple) -> None:
    path = huge_workbook(tmp_path / "many.xlsx", fill, clean_data, 2000)
    sub = read_submission(path)
    assert sub.readable and len(sub.projects.rows) == 2000
    assert sub.projects.total is not None
    ev = evaluate_submission(sub, default_config())
    assert ev.calc is not None
    assert ev.calc.metrics["projects.by_category.operating.execution_rate_pct"] == Decimal("95.00")


# -- property: mutated bytes never crash the reader --------------------------------------------

SEED_BYTES = SEED.read_bytes()
SEED_PARTS = seed_parts()
XML_PARTS = sorted(n for n in SEED_PARTS if n.endswith((".xml", ".rels")))
SNIPPETS = ["<", ">", "&", "&amp;", '"', "<!--", "]]>", "<v>", "</v>", "<c r=\"XFD1048576\">",
            "<row r=\"0\">", "t=\"e\"", "t=\"s\"", "<f>SUM(A1:A2)</f>", "<v>NaN</v>",
            "<v>1e309</v>", "<v>-0</v>", "\x00", "\ufffd", "r=\"A0\"", "<definedName>",
            "<mergeCell ref=\"A1:XFD1048576\"/>", "s=\"99999\"", "\uff14\uff11\uff14",
            "<t>合计</t>", "<v>２０２２</v>"]


def _check_never_raises(path: Path) -> None:
    sub = read_submission(path)
    if not sub.readable:
        assert sub.findings and sub.findings[0].code in ("S001", "S002", "S005")
        assert path.name in sub.findings[0].message or sub.findings[0].code == "S002"
        assert "\n" not in sub.findings[0].message
    evaluate_submission(sub, default_config())


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(edits=st.lists(st.tuples(st.integers(0, len(SEED_BYTES) - 1)  # anywhere, or in the
                                 | st.integers(len(SEED_BYTES) - 2048, len(SEED_BYTES) - 1)
                                 | st.integers(0, 63),  # central directory or the first header
                                 st.integers(0, 255)),
                      min_size=1, max_size=8),
       cut=st.one_of(st.none(), st.integers(0, len(SEED_BYTES))))
def test_mutated_bytes_never_raise(tmp_path: Path, edits: list[tuple[int, int]],
                                   cut: int | None) -> None:
    data = bytearray(SEED_BYTES)
    for at, byte in edits:
        data[at] = byte
    path = tmp_path / "mutated.xlsx"
    path.write_bytes(bytes(data[:cut] if cut is not None else data))
    _check_never_raises(path)


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(part=st.sampled_from(XML_PARTS), data=st.data())
def test_mutated_xml_parts_never_raise(tmp_path: Path, part: str, data: st.DataObject) -> None:
    xml = SEED_PARTS[part].decode("utf-8")
    for _ in range(data.draw(st.integers(1, 4), label="edits")):
        op = data.draw(st.sampled_from(["insert", "delete", "replace-value", "swap-attr"]))
        at = data.draw(st.integers(0, len(xml)), label="at")
        if op == "insert":
            xml = xml[:at] + data.draw(st.sampled_from(SNIPPETS) | st.text(max_size=8)) + xml[at:]
        elif op == "delete":
            xml = xml[:at] + xml[at + data.draw(st.integers(1, 200)):]
        elif op == "replace-value":
            values = list(re.finditer(r"<(v|t)>([^<]*)</\1>", xml))
            if values:
                m = values[data.draw(st.integers(0, len(values) - 1))]
                text = data.draw(st.sampled_from(["", "-1", "1e400", "NaN", "99999999999999999999",
                                                  "４１４．３１万元", "2023年13月45日", "#REF!",
                                                  "=1+1", "TRUE", "（1.5）", "—"])
                                  | st.text(alphabet=st.characters(blacklist_categories=("Cs",)),
                                            max_size=12))
                text = text.replace("&", "&amp;").replace("<", "&lt;")
                xml = xml[:m.start(2)] + text + xml[m.end(2):]
        else:
            attrs = list(re.finditer(r'\b(r|s|t|ref|count|sheetId|r:id)="([^"]*)"', xml))
            if attrs:
                m = attrs[data.draw(st.integers(0, len(attrs) - 1))]
                xml = xml[:m.start(2)] + data.draw(st.sampled_from(
                    ["", "0", "-1", "A0", "ZZZZ1", "s", "e", "str", "b", "1048577", "rId99",
                     "A1:A1048576", "99999"])) + xml[m.end(2):]
    parts = dict(SEED_PARTS)
    parts[part] = xml.encode("utf-8", "surrogatepass")
    _check_never_raises(write_zip(tmp_path / "mutated.xlsx", parts))


def test_evaluate_never_raises_for_hostile_files(tmp_path: Path) -> None:
    for case in CASES:
        if case.config is None:
            ev = evaluate(case.build(tmp_path / case.name))
            assert ev.status == "error"
            assert [f.code for f in ev.findings] == [case.code]
