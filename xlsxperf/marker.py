"""The mark on our own outputs: a custom document property ``xlsxperf`` (docProps/custom.xml).

Every evaluation workbook, summary workbook and annotated copy carries it, so a run whose
inputs hold an earlier output folder (or a ``check -o`` folder) recognises those files by
their content, whatever folder they sit in, and skips them; and a run replaces or removes only
files it wrote. Reading the mark opens the zip's directory and one small entry: no spreadsheet
parser runs.

An annotated copy holds a department's own sheets, and a department may correct it and send it
back. Its mark therefore also carries a fingerprint of the package as written (each part's
CRC-32, from the zip's directory): once Excel or WPS has saved the copy again its parts change,
the fingerprint no longer matches, and the file counts as a submission again.
"""

from __future__ import annotations

import hashlib
import os
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ._version import __version__

PROPERTY = "xlsxperf"
EVALUATION, SUMMARY, ANNOTATED = "evaluation", "summary", "annotated"
KINDS = (EVALUATION, SUMMARY, ANNOTATED)

CUSTOM_PART = "docProps/custom.xml"
_CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
_NS_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
_NS_VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_MAX_PART = 1 << 20  # a custom.xml or core.xml larger than this is not ours
# Evaluations written before the mark existed: recognised by their document properties.
_LEGACY_TITLE = "部门整体支出绩效自评 · 评价结果"


def value(kind: str) -> str:
    """The property's text for an output of ``kind``."""
    return f"{kind} {__version__}"


def mark(workbook: Any, kind: str) -> None:
    """Mark an XlsxWriter workbook (before ``close``) as our output of ``kind``."""
    workbook.set_custom_property(PROPERTY, value(kind))


def read_mark(path: str | Path) -> str | None:
    """The kind of our output ``path`` is (evaluation, summary, annotated), or None.

    None for anything else, a file that cannot be read included, and for an annotated copy
    that has been saved again since we wrote it."""
    try:
        with zipfile.ZipFile(path) as z:
            names = {i.filename: i for i in z.infolist()}
            info = names.get(CUSTOM_PART)
            if info is not None and info.file_size <= _MAX_PART:
                found = _property(z.read(info))
                if found is not None:
                    kind, _, rest = found.partition(" ")
                    if kind == ANNOTATED:
                        stamp = rest.rpartition(" ")[2]
                        return kind if stamp == _fingerprint(names.values()) else None
                    return kind if kind in KINDS else None
            core = names.get("docProps/core.xml")
            if core is not None and core.file_size <= _MAX_PART and _legacy(z.read(core)):
                return EVALUATION
    except (OSError, zipfile.BadZipFile, ValueError, KeyError, RuntimeError, EOFError):
        return None
    return None


def is_ours(path: str | Path) -> bool:
    return read_mark(path) is not None


def seal(path: str | Path) -> Path:
    """Mark the annotated copy at ``path`` (written by openpyxl) as ours, with its fingerprint.

    The package is rewritten once with the mark added to docProps/custom.xml (the department's
    own custom properties are kept)."""
    path = Path(path)
    with zipfile.ZipFile(path) as z:
        infos = z.infolist()
        parts = {i.filename: z.read(i) for i in infos}
    parts["[Content_Types].xml"] = _with_override(parts["[Content_Types].xml"])
    parts["_rels/.rels"] = _with_relationship(parts["_rels/.rels"])
    stamp = _fingerprint_of(
        (name, _crc(data)) for name, data in parts.items() if name != CUSTOM_PART)
    parts[CUSTOM_PART] = _custom_xml(parts.get(CUSTOM_PART), f"{value(ANNOTATED)} {stamp}")
    order = [i.filename for i in infos] + ([CUSTOM_PART] if CUSTOM_PART not in {
        i.filename for i in infos} else [])
    tmp = path.with_name(path.name + ".seal")
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
            for name in order:
                out.writestr(name, parts[name])
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


# -- the parts -----------------------------------------------------------------------------------


def _property(xml: bytes) -> str | None:
    from defusedxml import ElementTree

    root = ElementTree.fromstring(xml)
    for prop in root:
        if prop.tag.rsplit("}", 1)[-1] == "property" and prop.get("name") == PROPERTY:
            for child in prop:
                return (child.text or "").strip()
    return None


def _legacy(xml: bytes) -> bool:
    from defusedxml import ElementTree

    root = ElementTree.fromstring(xml)
    fields = {el.tag.rsplit("}", 1)[-1]: (el.text or "").strip() for el in root}
    return fields.get("creator") == PROPERTY and fields.get("title") == _LEGACY_TITLE


def _crc(data: bytes) -> int:
    import zlib

    return zlib.crc32(data) & 0xFFFFFFFF


def _fingerprint(infos: Iterable[zipfile.ZipInfo]) -> str:
    return _fingerprint_of((i.filename, i.CRC) for i in infos if i.filename != CUSTOM_PART)


def _fingerprint_of(parts: Iterable[tuple[str, int]]) -> str:
    text = "\n".join(f"{name}:{crc:08x}" for name, crc in sorted(parts))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _custom_xml(existing: bytes | None, text: str) -> bytes:
    """docProps/custom.xml with our property set to ``text``; other properties kept."""
    kept: list[str] = []
    if existing:
        body = existing.decode("utf-8", "replace")
        for m in re.finditer(r"<property\b.*?</property>", body, re.S):
            if f'name="{PROPERTY}"' not in m.group(0):
                kept.append(m.group(0))
    pids = [int(p) for k in kept for p in re.findall(r'\bpid="(\d+)"', k)]
    pid = max(pids, default=1) + 1
    ours = (f'<property fmtid="{_FMTID}" pid="{pid}" name="{PROPERTY}">'
            f"<vt:lpwstr>{_escape(text)}</vt:lpwstr></property>")
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Properties xmlns="{_NS_CUSTOM}" xmlns:vt="{_NS_VT}">'
            + "".join(kept) + ours + "</Properties>").encode("utf-8")


def _with_override(xml: bytes) -> bytes:
    text = xml.decode("utf-8")
    if f'PartName="/{CUSTOM_PART}"' in text:
        return xml
    override = f'<Override PartName="/{CUSTOM_PART}" ContentType="{_CUSTOM_TYPE}"/>'
    return text.replace("</Types>", override + "</Types>").encode("utf-8")


def _with_relationship(xml: bytes) -> bytes:
    text = xml.decode("utf-8")
    if _CUSTOM_REL in text:
        return xml
    ids = [int(n) for n in re.findall(r'Id="rId(\d+)"', text)]
    rel = (f'<Relationship Id="rId{max(ids, default=0) + 1}" Type="{_CUSTOM_REL}" '
           f'Target="{CUSTOM_PART}"/>')
    return text.replace("</Relationships>", rel + "</Relationships>").encode("utf-8")
