"""Look at a file before any spreadsheet parser does: what it is, and whether it is safe to open.

:func:`preflight` reads the bytes of a file but parses no spreadsheet. It tells the format
by the first bytes, never by the name: a zip package (``.xlsx`` / ``.xlsm``, or an
OpenDocument spreadsheet ``.ods``, told apart by their parts), an OLE2 compound file
(``.xls``, or an encrypted Office file, which is an OLE2 file holding an ``EncryptionInfo``
stream), or anything else. A zip package is decompressed once, entry by entry in chunks,
counting the bytes that really come out (the sizes in its headers are never trusted), against
the caps of :class:`~xlsxperf.config.Limits`: file size, number of entries, total uncompressed
size, expansion ratio per entry, rows per worksheet, and the memory the cells would take once
parsed (counted as they stream by). XML parts declaring a DTD are refused: Office files never
use one, and entity-expansion and external-entity attacks need one. Every zip package gets
these checks before any parser opens it, python-calamine included (its zip reading is its
own); an ``.ods`` repeats rows and cells by count, which the reader's own pass weighs before
calamine builds anything (:mod:`xlsxperf.odf`).

The answer is either the detected :class:`Format` or a :class:`Problem` (S001 for a file
that cannot be read, S005 for a file over a limit), with its message in Chinese and English.

:func:`deadline` bounds the time of a whole read, and :data:`ROW_CAP` carries the row cap to
the table scans of the reader.
"""

from __future__ import annotations

import re
import signal
import struct
import threading
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO, NamedTuple

from .config import Limits
from .errors import LimitExceeded
from .messages import error_detail, one_line
from .ooxml import WORKBOOK as WORKBOOK_PART
from .ooxml import WORKBOOK_RELS, part_of, relationships

MB = 1024 * 1024
CHUNK = 1 << 20  # bytes decompressed at a time
RATIO_FLOOR = 1 * MB  # an entry is judged by its ratio only once it has produced this much
STYLES_RATIO_FACTOR = 5  # xl/styles.xml repeats one style record thousands of times
ODS_CONTENT = "content.xml"  # odf.CONTENT (not imported here: the ODF reader loads only for .ods)
CELL_BYTES = 500  # memory the workbook reader takes per cell of a worksheet (measured: 400-490)
STRING_BYTES = 200  # and per shared string (measured: about 150 for short strings)
CD_BYTES_PER_ENTRY = 256  # a generous central-directory record (46 bytes + name + extras)
HEAD = 4096  # bytes looked at to tell the format, and the XML prolog

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
XML_SUFFIXES = (".xml", ".rels", ".vml")
DTD_MARKS = (b"<!DOCTYPE", b"<!ENTITY")

SAVE_AS = "不支持的格式，请另存为 .xlsx"
SAVE_AS_EN = "unsupported format, save as .xlsx"

ROW_CAP: ContextVar[int] = ContextVar("row_cap", default=Limits().max_rows)


class Format(StrEnum):
    XLSX = "xlsx"  # an Office Open XML zip package (.xlsx, .xlsm)
    XLS = "xls"  # a BIFF workbook in an OLE2 compound file (Excel 97-2003)
    ODS = "ods"  # an OpenDocument spreadsheet zip package (.ods)


class Problem(NamedTuple):
    """Why a file is not opened: the rule code, a kind for programs, and the reason."""

    code: str  # "S001" (unreadable) or "S005" (over a limit)
    kind: str  # empty, truncated, corrupt, encrypted, unsupported, incomplete, limit, unsafe-xml
    reason: str
    reason_en: str


class Preflight(NamedTuple):
    """Either the detected format or the problem that stops the file from being opened."""

    format: Format | None
    problem: Problem | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


class DeadlineExpired(BaseException):
    """The time limit of a read ran out.

    A ``BaseException``, so that no library's ``except Exception`` can swallow it.
    """


# -- messages ----------------------------------------------------------------------------------


def _num(x: Decimal | int | float) -> str:
    d = Decimal(str(x))
    return format(d.normalize(), "f") if d == d.to_integral_value() else format(d, "f")


def _unreadable(kind: str, reason: str, reason_en: str) -> Preflight:
    return Preflight(None, Problem("S001", kind, reason, reason_en))


def _over(reason: str, reason_en: str, kind: str = "limit") -> Preflight:
    return Preflight(None, Problem("S005", kind, reason, reason_en))


def _unsupported(what: str, what_en: str) -> Preflight:
    return _unreadable("unsupported", f"{SAVE_AS}（{what}）", f"{SAVE_AS_EN} ({what_en})")


ENCRYPTED = ("工作簿设置了打开密码（已加密），请先取消密码保护，再另存为 .xlsx 提交",
             "the workbook is password-protected (encrypted); remove the password and save it "
             "as .xlsx")


def damaged_zip(detail: str) -> tuple[str, str]:
    return (f"压缩包已损坏（{detail}），请用 Excel 或 WPS 重新保存为 .xlsx",
            f"the zip package is damaged ({detail}); save it again as .xlsx")


def damaged_xml(detail: str) -> tuple[str, str]:
    return (f"工作簿中的 XML 已损坏（{detail}），请用 Excel 或 WPS 重新保存为 .xlsx",
            f"an XML part of the workbook is damaged ({detail}); save it again as .xlsx")


def _encrypted() -> Preflight:
    return _unreadable("encrypted", *ENCRYPTED)


def rows_exceeded(sheet: str, rows: int, cap: int) -> LimitExceeded:
    return LimitExceeded(
        f"工作表“{sheet}”有 {rows} 行，超过上限 {cap} 行（limits.max_rows）",
        f"sheet '{sheet}' has {rows} rows, more than the limit of {cap} rows (limits.max_rows)")


def time_exceeded(seconds: Decimal | float) -> LimitExceeded:
    return LimitExceeded(
        f"读取时间超过上限 {_num(seconds)} 秒（limits.timeout_s）",
        f"reading took longer than the limit of {_num(seconds)} s (limits.timeout_s)")


def memory_exceeded() -> LimitExceeded:
    return LimitExceeded("读取时内存不足（超过内存上限 limits.memory_mb）",
                         "ran out of memory while reading (limits.memory_mb)")


# -- the format --------------------------------------------------------------------------------


def sniff(head: bytes) -> str:
    """``"zip"``, ``"ole2"`` or ``"other"`` from the first bytes of a file."""
    if head.startswith(ZIP_MAGICS):
        return "zip"
    if head.startswith(OLE2_MAGIC):
        return "ole2"
    return "other"


def _describe_other(head: bytes, suffix: str) -> tuple[str, str]:
    """What a file that is neither a zip package nor an OLE2 file looks like."""
    text = head.lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n")
    lower = text[:HEAD].lower()
    if text.startswith(b"%PDF"):
        return "内容是 PDF 文件", "the content is a PDF file"
    if text.startswith(b"{\\rtf"):
        return "内容是 RTF 文档", "the content is an RTF document"
    if b"urn:schemas-microsoft-com:office:spreadsheet" in lower:
        return "内容是 Excel 2003 XML 表格", "the content is an Excel 2003 XML spreadsheet"
    if lower.startswith((b"<!doctype html", b"<html", b"<table", b"<meta", b"<head")) \
            or b"<html" in lower[:512]:
        return "内容是网页（HTML），不是 Excel 工作簿", "the content is a web page (HTML)"
    if lower.startswith(b"<?xml") or lower.startswith(b"<"):
        return "内容是 XML 文件，不是 Excel 工作簿", "the content is an XML file"
    if head[:2] in (b"\x09\x00", b"\x09\x02", b"\x09\x04", b"\x09\x08"):
        return "早期 Excel（2.x–4.x）格式", "an early Excel (2.x-4.x) file"
    if _looks_like_text(head):
        if suffix == ".csv" or any(sep in head for sep in (b",", b"\t", b";")):
            return "内容是 CSV 或文本文件，不是 Excel 工作簿", "the content is CSV or text"
        return "内容是文本文件，不是 Excel 工作簿", "the content is plain text"
    return "内容无法识别，不是 Excel 工作簿", "the content is not a recognisable workbook"


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            sample = head.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for ch in sample if ch < " " and ch not in "\t\r\n\f")
        return controls <= len(sample) // 100
    return False


# -- zip packages ------------------------------------------------------------------------------


def _central_directory(fh: BinaryIO, size: int) -> tuple[int, int] | None:
    """(entries, central directory bytes) from the end records; None when there are none."""
    tail_len = min(size, 22 + 65535 + 20)
    fh.seek(size - tail_len)
    tail = fh.read(tail_len)
    at = tail.rfind(b"PK\x05\x06")
    while at >= 0 and len(tail) - at < 22:
        at = tail.rfind(b"PK\x05\x06", 0, at)
    if at < 0:
        return None
    _, _, _, _, entries, cd_size, _, _ = struct.unpack("<4s4H2LH", tail[at:at + 22])
    if (entries == 0xFFFF or cd_size == 0xFFFFFFFF) and at >= 20 \
            and tail[at - 20:at - 16] == b"PK\x06\x07":
        (offset,) = struct.unpack("<Q", tail[at - 12:at - 4])
        if 0 <= offset <= size - 56:
            fh.seek(offset)
            rec = fh.read(56)
            if rec[:4] == b"PK\x06\x06":
                entries, cd_size = struct.unpack("<Q", rec[32:40])[0], \
                    struct.unpack("<Q", rec[40:48])[0]
    return entries, cd_size


def _check_zip(path: Path, size: int, limits: Limits) -> Preflight:
    max_entries = limits.max_entries
    with open(path, "rb") as fh:
        cd = _central_directory(fh, size)
    if cd is None:
        return _unreadable(
            "truncated",
            "文件不完整：压缩包在中途结束（可能还在复制中，或下载、保存时中断），请重新复制或重新保存",
            "the file is incomplete: the zip package ends early (still being copied, or an "
            "interrupted download or save)")
    entries, cd_size = cd
    if entries > max_entries or cd_size > max_entries * CD_BYTES_PER_ENTRY:
        return _entries_over(max(entries, cd_size // CD_BYTES_PER_ENTRY), max_entries)
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile as e:
        return _corrupt_zip(str(e))
    with zf:
        infos = zf.infolist()
        if len(infos) > max_entries:
            return _entries_over(len(infos), max_entries)
        names = {i.filename for i in infos}
        lowered = {n.lower() for n in names}
        if WORKBOOK_PART not in names:
            if _is_ods(zf, lowered):
                if ODS_CONTENT not in names:
                    return _unreadable("incomplete",
                                       f"OpenDocument 表格中没有 {ODS_CONTENT}，文件不完整",
                                       f"the OpenDocument spreadsheet has no {ODS_CONTENT}; the "
                                       f"file is incomplete")
                return _stream_entries(zf, infos, size, limits, Format.ODS)
            return _not_a_workbook(zf, lowered)
        if not any(n.startswith("xl/worksheets/") and n.endswith(".xml") for n in lowered):
            return _unreadable("incomplete",
                               "工作簿中没有任何工作表（xl/worksheets/ 为空），文件不完整",
                               "the workbook has no worksheets (nothing under xl/worksheets/); "
                               "the file is incomplete")
        streamed = _stream_entries(zf, infos, size, limits)
        if streamed.problem is not None:
            return streamed
        missing = _missing_sheet_parts(zf, names)
        if missing:
            shown = "、".join(missing[:3]) + ("等" if len(missing) > 3 else "")
            return _unreadable("incomplete",
                               f"工作簿不完整：缺少部件 {shown}，请用 Excel 或 WPS 重新保存为 .xlsx",
                               f"the workbook is incomplete: the part {', '.join(missing[:3])} "
                               f"is missing; save it again as .xlsx")
        return streamed


def _entries_over(entries: int, cap: int) -> Preflight:
    return _over(f"压缩包有 {entries} 个条目，超过上限 {cap} 个（limits.max_entries）",
                 f"the zip package has {entries} entries, more than the limit of {cap} "
                 f"(limits.max_entries)")


def _corrupt_zip(detail: str) -> Preflight:
    return _unreadable("corrupt", *damaged_zip(one_line(detail, 120)))


def _mimetype(zf: zipfile.ZipFile, lowered: set[str]) -> bytes:
    """The first bytes of an OpenDocument package's ``mimetype`` entry; empty without one."""
    if "mimetype" not in lowered:
        return b""
    try:
        with zf.open("mimetype") as fh:
            return bytes(fh.read(200))
    except Exception:
        return b""


def _is_ods(zf: zipfile.ZipFile, lowered: set[str]) -> bool:
    """An OpenDocument spreadsheet (or spreadsheet template) by its ``mimetype`` entry."""
    return b"opendocument.spreadsheet" in _mimetype(zf, lowered)


def package_format(path: str | Path) -> Format:
    """``ods`` for an OpenDocument spreadsheet package, else ``xlsx`` (for a file that passed
    :func:`preflight`, or whose format is to be guessed)."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = {n.lower() for n in zf.namelist()}
            if WORKBOOK_PART not in names and _is_ods(zf, names):
                return Format.ODS
    except (OSError, zipfile.BadZipFile):
        pass
    return Format.XLSX


def _not_a_workbook(zf: zipfile.ZipFile, lowered: set[str]) -> Preflight:
    """A zip package without a workbook part: another kind of document, or a broken one."""
    if b"opendocument" in _mimetype(zf, lowered):
        return _unsupported("OpenDocument 文档（不是表格）", "an OpenDocument file, not a spreadsheet")
    if "xl/workbook.bin" in lowered:
        return _unsupported("Excel 二进制工作簿 .xlsb", "an Excel binary workbook (.xlsb)")
    if "word/document.xml" in lowered:
        return _unsupported("Word 文档", "a Word document")
    if "ppt/presentation.xml" in lowered:
        return _unsupported("PowerPoint 演示文稿", "a PowerPoint presentation")
    return _unreadable("incomplete",
                       f"压缩包中没有 {WORKBOOK_PART}，不是完整的 Excel 工作簿",
                       f"the zip package has no {WORKBOOK_PART}; not a complete Excel workbook")


def _stream_entries(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], size: int,
                    limits: Limits, fmt: Format = Format.XLSX) -> Preflight:
    """Decompress every entry in chunks, counting real bytes against the caps."""
    ods = fmt == Format.ODS
    total_cap = int(limits.max_uncompressed_mb * MB)
    ratio_cap = limits.max_ratio
    memory = limits.memory_mb * MB
    total = cells = strings = 0
    for info in infos:
        if info.is_dir():
            continue
        name = info.filename
        lname = name.lower()
        cap = ratio_cap * STYLES_RATIO_FACTOR if lname == "xl/styles.xml" else ratio_cap
        packed = max(1, min(info.compress_size, size))
        is_xml = lname.endswith(XML_SUFFIXES)
        is_sheet = lname == ODS_CONTENT if ods else \
            lname.startswith("xl/worksheets/") and lname.endswith(".xml")
        is_strings = lname == "xl/sharedstrings.xml" and not ods
        rows, prefixed, carry = 0, False, b""
        produced = 0
        try:
            with zf.open(info) as fh:
                first = True
                while True:
                    chunk = fh.read(CHUNK)
                    if not chunk:
                        break
                    produced += len(chunk)
                    total += len(chunk)
                    if total > total_cap:
                        return _over(
                            f"解压后大小超过上限 {_num(limits.max_uncompressed_mb)} MB"
                            f"（limits.max_uncompressed_mb），在解压 {name} 时",
                            f"the uncompressed size exceeds the limit of "
                            f"{_num(limits.max_uncompressed_mb)} MB (limits.max_uncompressed_mb),"
                            f" reached in {name}")
                    if produced > RATIO_FLOOR and produced > cap * packed:
                        return _over(
                            f"{name} 的压缩比超过上限 {_num(cap)} 倍（limits.max_ratio），"
                            f"疑似压缩炸弹",
                            f"{name} expands more than {_num(cap)} times its compressed size "
                            f"(limits.max_ratio); a likely zip bomb")
                    if first and is_xml:
                        if _declares_dtd(chunk):
                            return _over(
                                f"XML 部件 {name} 含有 DTD 声明（Office 文件不使用 DTD，"
                                f"它是实体扩展和外部实体攻击的手段），拒绝解析",
                                f"the XML part {name} declares a DTD (Office files never do; "
                                f"entity-expansion and external-entity attacks need one); "
                                f"refused", kind="unsafe-xml")
                        prefixed = re.search(rb"<\w+:(worksheet|sst)[\s>]", chunk[:HEAD]) \
                            is not None
                    first = False
                    if is_strings:
                        buf = carry + chunk
                        strings += buf.count(b":si") if prefixed else buf.count(b"<si")
                        carry = buf[-5:]
                    if is_sheet and ods:  # rows and cells as written (repeats counted later)
                        buf = carry + chunk
                        rows += buf.count(b"<table:table-row")
                        cells += buf.count(b"<table:table-cell") + \
                            buf.count(b"<table:covered-table-cell")
                        carry = buf[-24:]
                    elif is_sheet:
                        buf = carry + chunk
                        if prefixed:
                            rows += buf.count(b":row")
                            cells += buf.count(b":c ") + buf.count(b":c>")
                        else:
                            rows += buf.count(b"<row")
                            cells += buf.count(b"<c ") + buf.count(b"<c>")
                        carry = buf[-5:]
                    if (is_sheet or is_strings) and \
                            cells * CELL_BYTES + strings * STRING_BYTES > memory:
                        need = (cells * CELL_BYTES + strings * STRING_BYTES) // MB
                        return _over(
                            f"工作簿有超过 {cells} 个单元格、{strings} 个共享字符串，读取约需 "
                            f"{need} MB 内存，超过上限 {limits.memory_mb} MB（limits.memory_mb）",
                            f"the workbook holds more than {cells} cells and {strings} shared "
                            f"strings; reading them would take about {need} MB of memory, more "
                            f"than the limit of {limits.memory_mb} MB (limits.memory_mb)")
                    if is_sheet and rows > limits.max_rows:
                        return _over(
                            f"工作表 {name} 超过 {limits.max_rows} 行的上限（limits.max_rows）",
                            f"worksheet {name} has more than {limits.max_rows} rows, the limit "
                            f"(limits.max_rows)")
        except RuntimeError as e:  # an entry encrypted with a zip password
            if "encrypt" in str(e).lower() or "password" in str(e).lower():
                return _encrypted()
            return _corrupt_zip(f"{name}: {e}")
        except NotImplementedError as e:
            return _corrupt_zip(f"{name}: 不支持的压缩方式 {e}")
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as e:
            return _corrupt_zip(f"{name}: {e}")
        except Exception as e:  # zlib.error and anything else a broken stream raises
            return _corrupt_zip(f"{name}: {type(e).__name__}: {e}")
    return Preflight(fmt)


def _missing_sheet_parts(zf: zipfile.ZipFile, names: set[str]) -> list[str]:
    """Worksheet parts the workbook's relationships point to that are not in the package.

    Only the small relationships part is parsed (with defusedxml's guards); if it cannot be
    read, the workbook reader will say what is wrong.
    """
    rels = WORKBOOK_RELS
    if rels not in names:
        return [rels]
    try:
        if zf.getinfo(rels).file_size > MB:
            return []
        found = relationships(zf)
    except Exception:
        return []
    missing = []
    for kind, target in found.values():
        if not kind.endswith("/worksheet"):
            continue
        part = part_of(target)
        if part not in names:
            missing.append(part)
    return missing


def _declares_dtd(chunk: bytes) -> bool:
    head = chunk[:CHUNK]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", "ignore").encode("utf-8")
    elif head[:2] in (b"<\x00", b"\x00<"):
        head = head.decode("utf-16-le" if head[0] else "utf-16-be", "ignore").encode("utf-8")
    return any(mark in head for mark in DTD_MARKS)


# -- OLE2 compound files -----------------------------------------------------------------------

BIFF_BOF = (0x0809, 0x0409, 0x0209, 0x0009)
BIFF_FILEPASS = 0x002F
BIFF_EOF = 0x000A


def _check_ole2(path: Path, suffix: str) -> Preflight:
    import olefile

    try:
        with olefile.OleFileIO(str(path)) as ole:
            streams = {"/".join(entry).lower() for entry in ole.listdir(streams=True,
                                                                       storages=False)}
            if "encryptioninfo" in streams or "encryptedpackage" in streams:
                return _encrypted()
            book = next((s for s in ("workbook", "book") if s in streams), None)
            if book is None:
                return _ole2_other(streams, suffix)
            with ole.openstream(book) as fh:
                head = fh.read(64 * 1024)
    except Exception as e:
        detail = error_detail(e, 120)
        return _unreadable("corrupt", f"Excel 97-2003 文件已损坏（{detail}），请重新保存为 .xlsx",
                           f"the Excel 97-2003 file is damaged ({detail}); save it again as .xlsx")
    if _biff_encrypted(head):
        return _encrypted()
    return Preflight(Format.XLS)


def _ole2_other(streams: set[str], suffix: str) -> Preflight:
    if "worddocument" in streams:
        return _unsupported("Word 97-2003 文档", "a Word 97-2003 document")
    if "powerpoint document" in streams:
        return _unsupported("PowerPoint 97-2003 演示文稿", "a PowerPoint 97-2003 presentation")
    if suffix in (".et", ".ett"):
        return _unsupported(f"WPS 表格 {suffix} 文件", f"a WPS Spreadsheets {suffix} file")
    return _unsupported("OLE2 复合文档，但不是 Excel 工作簿（如 WPS .et 文件）",
                        "an OLE2 compound file that is not an Excel workbook, e.g. WPS .et")


def _biff_encrypted(stream: bytes) -> bool:
    """True when the BIFF workbook stream starts with a FILEPASS record (an open password)."""
    pos, seen = 0, 0
    while pos + 4 <= len(stream) and seen < 200:
        rtype, length = struct.unpack("<HH", stream[pos:pos + 4])
        if seen == 0 and rtype not in BIFF_BOF:
            return False
        if rtype == BIFF_FILEPASS:
            return True
        if rtype == BIFF_EOF:
            return False
        pos += 4 + length
        seen += 1
    return False


# -- the entry point ---------------------------------------------------------------------------


def preflight(path: str | Path, limits: Limits | None = None) -> Preflight:
    """The format of ``path``, or the problem that stops it from being opened.

    Reads the file's bytes (all of a zip package, decompressed in chunks and counted) but
    parses no spreadsheet; never raises for a file's content.
    """
    limits = limits or Limits()
    p = Path(path)
    suffix = p.suffix.lower()
    if p.is_dir():
        return _unreadable("missing", "这是文件夹，不是文件", "this is a folder, not a file")
    try:
        size = p.stat().st_size
        with open(p, "rb") as fh:
            head = fh.read(HEAD)
    except OSError as e:
        why = e.strerror or type(e).__name__
        return _unreadable("missing", f"无法打开文件（{why}）", f"cannot open the file ({why})")
    if size == 0:
        return _unreadable("empty", "文件是空的（0 字节）", "the file is empty (0 bytes)")
    if size > limits.max_file_mb * MB:
        shown = f"{size / MB:.1f} MB" if size >= MB else f"{size / 1024:.0f} KB"
        return _over(f"文件大小 {shown}，超过上限 {_num(limits.max_file_mb)} MB"
                     f"（limits.max_file_mb）",
                     f"the file is {shown}, more than the limit of "
                     f"{_num(limits.max_file_mb)} MB (limits.max_file_mb)")
    kind = sniff(head)
    if kind == "zip":
        try:
            return _check_zip(p, size, limits)
        except OSError as e:
            why = e.strerror or str(e)
            return _unreadable("missing", f"无法读取文件（{why}）", f"cannot read the file ({why})")
        except MemoryError:
            over = memory_exceeded()
            return _over(over.reason, over.reason_en)
        except Exception as e:  # a central directory too broken for zipfile's own checks
            return _corrupt_zip(f"{type(e).__name__}: {e}")
    if kind == "ole2":
        return _check_ole2(p, suffix)
    if len(head) < 8 and head and (OLE2_MAGIC.startswith(head) or b"PK\x03\x04".startswith(head)):
        return _unreadable("truncated", f"文件不完整：只有 {size} 字节",
                           f"the file is incomplete: only {size} bytes")
    return _unsupported(*_describe_other(head, suffix))


# -- bounded time ------------------------------------------------------------------------------


@contextmanager
def deadline(seconds: Decimal | float | None) -> Iterator[None]:
    """Raise :class:`DeadlineExpired` in the block once ``seconds`` have passed.

    Uses ``SIGALRM`` and works only on the main thread of the main interpreter, on systems
    that have ``setitimer``; elsewhere the block runs without a time limit. A timer already
    set by the caller is kept: when it would fire first it is left alone, otherwise it is
    re-armed afterwards with the time it has left.
    """
    usable = (seconds is not None and seconds > 0 and hasattr(signal, "setitimer")
              and hasattr(signal, "SIGALRM")
              and threading.current_thread() is threading.main_thread())
    if not usable or seconds is None:
        yield
        return
    outer_delay, outer_interval = signal.getitimer(signal.ITIMER_REAL)
    if outer_delay and outer_delay <= float(seconds):  # the caller's timer fires first
        yield
        return
    state = {"active": True}

    def expire(signum: int, frame: object) -> None:
        if state["active"]:
            state["active"] = False
            raise DeadlineExpired()

    try:
        previous = signal.signal(signal.SIGALRM, expire)
    except ValueError:  # not the main interpreter
        yield
        return
    started = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, float(seconds))
    try:
        yield
    finally:
        state["active"] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)
        if outer_delay:
            left = outer_delay - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3), outer_interval)
