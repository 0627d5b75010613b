"""Streaming XML reading with defusedxml's guards, for the reader's own small passes.

:func:`guarded_parser` is a pyexpat parser with the handlers defusedxml's expat reader installs,
and one more: a document type declaration (DTD) is refused outright, as an entity declaration
or an external entity is. Each raises defusedxml's exception (the reader turns it into S005),
so nothing is ever expanded or fetched. Element events go straight to the caller's handlers —
no tree, no SAX objects — which keeps a pass over a sheet's XML near a microsecond an element.

:class:`Budget` is the memory a pass may let the reader take; a pass checks it as it goes, so a
sheet claiming a vast area is refused before anything builds it.
"""

from __future__ import annotations

import pyexpat
from typing import IO, Any

from defusedxml.common import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

from .errors import LimitExceeded

MB = 1024 * 1024
CHUNK = 1 << 16
AREA_BYTES = 48  # per cell of a sheet's value area: calamine's cell (32) and its Python grid slot
ENTRY_BYTES = 160  # per cell a pass remembers (a number format, a formula, a merged cell)


def _doctype(name: str, sysid: str | None, pubid: str | None, internal: bool) -> None:
    raise DTDForbidden(name, sysid, pubid)


def _entity(name: str, is_parameter: bool, value: str | None, base: str | None,
            sysid: str | None, pubid: str | None, notation: str | None) -> None:
    raise EntitiesForbidden(name, value, base, sysid, pubid, notation)


def _unparsed(name: str, base: str | None, sysid: str | None, pubid: str | None,
              notation: str | None) -> None:
    raise EntitiesForbidden(name, None, base, sysid, pubid, notation)


def _external(context: str, base: str | None, sysid: str | None, pubid: str | None) -> int:
    raise ExternalReferenceForbidden(context, base, sysid, pubid)


def guarded_parser(namespaces: bool = True) -> Any:
    """A pyexpat parser that refuses DTDs, entity declarations and external entities with
    defusedxml's exceptions. Namespace-aware (element names ``"{uri} {local}"``) unless
    ``namespaces`` is False (names as written, ``"x:c"``)."""
    parser = pyexpat.ParserCreate(namespace_separator=" ") if namespaces else \
        pyexpat.ParserCreate()
    parser.StartDoctypeDeclHandler = _doctype
    parser.EntityDeclHandler = _entity
    parser.UnparsedEntityDeclHandler = _unparsed
    parser.ExternalEntityRefHandler = _external
    parser.SetParamEntityParsing(pyexpat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True
    return parser


def feed(parser: Any, fh: IO[bytes]) -> None:
    """Parse the whole stream ``fh`` in chunks."""
    while True:
        chunk = fh.read(CHUNK)
        if not chunk:
            break
        parser.Parse(chunk, False)
    parser.Parse(b"", True)


class Budget:
    """Memory the reader may take for one workbook, spent sheet by sheet (limits.memory_mb)."""

    def __init__(self, memory_mb: int) -> None:
        self.memory_mb = memory_mb
        self.left = memory_mb * MB

    def check(self, sheet: str, area: str, cells: int, entries: int = 0) -> None:
        """Refuse (S005) a sheet whose value area ``area`` (``A1:XFD1048576``) of ``cells``
        cells, and ``entries`` remembered cells, would take more than is left."""
        need = cells * AREA_BYTES + entries * ENTRY_BYTES
        if need > self.left:
            raise LimitExceeded(
                f"工作表“{sheet}”的数据区域 {area} 有 {cells} 个单元格，读取约需 "
                f"{need // MB} MB 内存，超过上限 {self.memory_mb} MB（limits.memory_mb）",
                f"sheet '{sheet}' spans {area}, {cells} cells; reading it would take about "
                f"{need // MB} MB of memory, more than the limit of {self.memory_mb} MB "
                f"(limits.memory_mb)")

    def spend(self, cells: int, entries: int = 0) -> None:
        self.left -= cells * AREA_BYTES + entries * ENTRY_BYTES
