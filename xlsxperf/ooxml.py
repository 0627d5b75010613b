"""What python-calamine does not tell about an ``.xlsx``, read from the package's own XML parts.

- ``xl/workbook.xml``: the date system (``date1904``), the defined names (workbook and sheet
  scope), and each sheet's relationship;
- ``xl/_rels/workbook.xml.rels``: each sheet's part;
- ``xl/styles.xml``: each cell style's number format (``cellXfs`` index -> ``numFmtId`` -> the
  built-in or the workbook's own format code);
- a worksheet's part, once, when the reader first needs the sheet (:func:`scan_sheet`): the
  number format of every cell holding something, when it is not General; formula cells (their
  text and whether a value was saved with them: S004), error cells (``#REF!`` …), merged ranges, and
  the rows and columns its values span — checked against the memory limit before calamine
  builds the sheet.

Everything goes through :func:`xlsxperf.xmlscan.guarded_parser`, streaming; nothing else of the
package is parsed.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from datetime import datetime
from functools import lru_cache
from typing import Any

from .books import EPOCH_1900, EPOCH_1904, column_index, column_letter, split_ref
from .xmlscan import Budget, feed, guarded_parser

MAIN = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        "http://purl.oclc.org/ooxml/spreadsheetml/main")  # transitional, strict
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_RELS = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships",
               "http://purl.oclc.org/ooxml/officeDocument/relationships")
WORKBOOK = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
STYLES = "xl/styles.xml"

# ECMA-376 18.8.30, spelled as openpyxl spells them (the same strings as the old reader gave)
BUILTIN_FORMATS = {
    0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00",
    5: '"$"#,##0_);("$"#,##0)', 6: '"$"#,##0_);[Red]("$"#,##0)',
    7: '"$"#,##0.00_);("$"#,##0.00)', 8: '"$"#,##0.00_);[Red]("$"#,##0.00)',
    9: "0%", 10: "0.00%", 11: "0.00E+00", 12: "# ?/?", 13: "# ??/??",
    14: "mm-dd-yy", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy", 18: "h:mm AM/PM",
    19: "h:mm:ss AM/PM", 20: "h:mm", 21: "h:mm:ss", 22: "m/d/yy h:mm",
    37: "#,##0_);(#,##0)", 38: "#,##0_);[Red](#,##0)", 39: "#,##0.00_);(#,##0.00)",
    40: "#,##0.00_);[Red](#,##0.00)",
    41: r'_(* #,##0_);_(* \(#,##0\);_(* "-"_);_(@_)',
    42: r'_("$"* #,##0_);_("$"* \(#,##0\);_("$"* "-"_);_(@_)',
    43: r'_(* #,##0.00_);_(* \(#,##0.00\);_(* "-"??_);_(@_)',
    44: r'_("$"* #,##0.00_)_("$"* \(#,##0.00\)_("$"* "-"??_)_(@_)',
    45: "mm:ss", 46: "[h]:mm:ss", 47: "mmss.0", 48: "##0.0E+0", 49: "@",
}

# 'Sheet name'!$B$3 or Sheet!B3, optionally a range or more areas after it
_NAME_REF = re.compile(r"^(?:'((?:[^']|'')+)'|([^'!\s]+))!\$?([A-Za-z]{1,3})\$?(\d+)"
                       r"(?::\$?[A-Za-z]{1,3}\$?\d+)?(?:,|$)")


def _tags(local: str) -> tuple[str, ...]:
    return tuple(f"{ns} {local}" for ns in MAIN)


def _attr(attrs: dict[str, str], local: str, namespaces: tuple[str, ...]) -> str | None:
    for ns in namespaces:
        value = attrs.get(f"{ns} {local}")
        if value is not None:
            return value
    return None


def _bool(value: str | None) -> bool:
    """An XML boolean attribute, read as openpyxl reads it."""
    return bool(value) and value not in ("false", "f", "0")


def name_target(text: str) -> tuple[str, int, int] | None:
    """(sheet, row, col) of the first cell a defined name's text refers to; None for a broken
    name (``#REF!``), a constant, a formula, or a whole row or column."""
    return first_cell(_NAME_REF, text)


def first_cell(pattern: re.Pattern[str], text: str) -> tuple[str, int, int] | None:
    """(sheet, row, col) that ``pattern`` reads at the start of ``text``: groups 1 (a quoted
    sheet name, ``''`` for a quote) or 2 (a plain one), 3 the column letters, 4 the row."""
    m = pattern.match(text.strip())
    if m is None:
        return None
    sheet = m.group(1).replace("''", "'") if m.group(1) is not None else m.group(2)
    return sheet, int(m.group(4)), column_index(m.group(3))


# -- the workbook part, its relationships and the styles ----------------------------------------


class Package:
    """The workbook-level facts of an ``.xlsx`` package."""

    __slots__ = ("epoch", "sheets", "names", "local_names", "formats")

    def __init__(self) -> None:
        self.epoch: datetime = EPOCH_1900
        self.sheets: list[tuple[str, str]] = []  # (name, part) in book order
        self.names: dict[str, str] = {}  # lower-case name -> its text (workbook scope)
        self.local_names: dict[int, dict[str, str]] = {}  # sheet index -> the same (its scope)
        self.formats: dict[str, str] = {}  # style index (as text) -> format code, not General

    def part(self, sheet: str) -> str | None:
        return next((p for n, p in self.sheets if n == sheet), None)


def part_of(target: str) -> str:
    """The package part a relationship target of the workbook names (relative to ``xl/``
    unless it starts with ``/``)."""
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(
        posixpath.join("xl", target))


def read_package(zf: zipfile.ZipFile) -> Package:
    """The date system, sheets, defined names and number formats of the package ``zf``."""
    pkg = Package()
    names = set(zf.namelist())
    sheets = _workbook(zf, pkg)
    targets = relationships(zf) if WORKBOOK_RELS in names else {}
    lowered = {n.lower(): n for n in names}
    for name, rid in sheets:
        target = targets.get(rid, ("", ""))[1]
        part = part_of(target) if target else ""
        pkg.sheets.append((name, lowered.get(part.lower(), part)))
    if STYLES in names:
        pkg.formats = _styles(zf)
    return pkg


def _workbook(zf: zipfile.ZipFile, pkg: Package) -> list[tuple[str, str]]:
    """(name, relationship id) of each sheet; fills the date system and the defined names."""
    sheets: list[tuple[str, str]] = []
    defined: list[tuple[str, str | None, list[str]]] = []
    sheet_tags, name_tags, pr_tags = _tags("sheet"), _tags("definedName"), _tags("workbookPr")
    text: list[str] | None = None

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal text
        if tag in sheet_tags:
            sheets.append((attrs.get("name", ""), _attr(attrs, "id", OFFICE_RELS) or ""))
        elif tag in name_tags:
            text = []
            defined.append((attrs.get("name", ""), attrs.get("localSheetId"), text))
            parser.CharacterDataHandler = text.append
        elif tag in pr_tags:
            pkg.epoch = EPOCH_1904 if _bool(attrs.get("date1904")) else EPOCH_1900

    def end(tag: str) -> None:
        if tag in name_tags:
            parser.CharacterDataHandler = None

    parser = guarded_parser()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    with zf.open(WORKBOOK) as fh:
        feed(parser, fh)
    for name, local, parts in defined:
        value = "".join(parts)
        if local is None:
            pkg.names[name.lower()] = value
        elif local.isdigit():
            pkg.local_names.setdefault(int(local), {})[name.lower()] = value
    return sheets


def relationships(zf: zipfile.ZipFile) -> dict[str, tuple[str, str]]:
    """Id -> (type, target) of the workbook part's relationships inside the package."""
    found: dict[str, tuple[str, str]] = {}
    tag = f"{RELS} Relationship"

    def start(name: str, attrs: dict[str, str]) -> None:
        if name == tag and attrs.get("TargetMode") != "External":
            found[attrs.get("Id", "")] = (attrs.get("Type", ""), attrs.get("Target", ""))

    parser = guarded_parser()
    parser.StartElementHandler = start
    with zf.open(WORKBOOK_RELS) as fh:
        feed(parser, fh)
    return found


def _styles(zf: zipfile.ZipFile) -> dict[str, str]:
    """Style index (as the ``s`` attribute spells it) -> format code, when not General."""
    custom: dict[int, str] = {}
    xfs: list[int] = []
    numfmt, xf, cellxfs = _tags("numFmt"), _tags("xf"), _tags("cellXfs")
    inside = False

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal inside
        if tag in xf:
            if inside:
                ident = attrs.get("numFmtId", "0")
                xfs.append(int(ident) if ident.isdigit() else 0)
        elif tag in cellxfs:
            inside = True
        elif tag in numfmt:
            ident = attrs.get("numFmtId", "")
            if ident.isdigit():
                custom[int(ident)] = attrs.get("formatCode", "")

    def end(tag: str) -> None:
        nonlocal inside
        if tag in cellxfs:
            inside = False

    parser = guarded_parser()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    with zf.open(STYLES) as fh:
        feed(parser, fh)
    out: dict[str, str] = {}
    for index, ident in enumerate(xfs):
        code = custom.get(ident) or BUILTIN_FORMATS.get(ident) or "General"
        if code != "General":
            out[str(index)] = code
    return out


# -- a worksheet --------------------------------------------------------------------------------


class SheetScan:
    """What one worksheet's XML says beyond its values (rows and columns 1-based)."""

    __slots__ = ("formats", "formulas", "errors", "merges", "top", "left", "bottom", "right")

    def __init__(self) -> None:
        # number formats other than General, of the cells holding a value or a formula
        self.formats: dict[tuple[int, int], str] = {}
        # (text, whether a value was saved with it); the text is "" for a cell sharing another
        # cell's formula whose value was saved (the text is only needed without one)
        self.formulas: dict[tuple[int, int], tuple[str, bool]] = {}
        self.errors: dict[tuple[int, int], str] = {}  # "#REF!" …
        self.merges: list[tuple[int, int, int, int]] = []  # top, left, bottom, right
        # the rows and columns holding a value or a formula; 0 when there is none
        self.top = self.left = self.bottom = self.right = 0

    @property
    def special_rows(self) -> set[int]:
        """Rows holding a formula or an error cell."""
        return {r for r, _ in self.formulas} | {r for r, _ in self.errors}


_SHEET_TAGS: dict[str, int | None] = {
    local: code for code, local in enumerate(("row", "c", "f", "v", "is", "mergeCell"))}
# what follows sheetData in a worksheet: no cell is open any more (an <xm:f> in an <extLst> is a
# data validation's formula, not a cell's)
_SHEET_TAGS.update(dict.fromkeys((
    "sheetCalcPr", "sheetProtection", "protectedRanges", "scenarios", "autoFilter", "sortState",
    "dataConsolidate", "customSheetViews", "mergeCells", "phoneticPr", "conditionalFormatting",
    "dataValidations", "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter",
    "rowBreaks", "colBreaks", "customProperties", "cellWatches", "ignoredErrors", "smartTags",
    "drawing", "legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects",
    "controls", "webPublishItems", "tableParts", "extLst"), 6))


# (row, col) of a cell's ``r`` attribute, None when it is no cell reference: the same
# template's cells come again in every submission
_position = lru_cache(maxsize=20_000)(split_ref)


class _SheetReader:
    """pyexpat handlers collecting a :class:`SheetScan` from one worksheet part.

    Only a start handler (an end handler would double the calls): a cell's value or formula
    counts for the extent when its ``<v>``, ``<is>`` or ``<f>`` starts; text is collected
    only inside the ``<f>`` and ``<v>`` of formula and error cells, and such a cell is closed
    when the next cell or row starts, when what follows the cells starts, or when the part
    ends.
    """

    def __init__(self, parser: Any, formats: dict[str, str]) -> None:
        self.parser = parser
        self.styles = formats
        self.scan = SheetScan()
        self.row = 0
        self.col = 0
        self.cell: tuple[int, int] = (0, 0)
        self.kind: str | None = None  # the cell's t attribute
        self.style: str | None = None  # the cell's s attribute, until it is known to hold something
        self.open = False  # inside a cell that holds a formula or an error
        self.capturing = False
        self.formula: dict[str, str] | None = None
        self.ftext: list[str] = []
        self.vtext: list[str] = []
        self.shared: dict[str, tuple[str, int, int]] = {}  # si -> (text, row, col) of the master
        self.pending: list[tuple[tuple[int, int], str, bool]] = []  # uncached shared formulas
        self.tags: dict[str, int | None] = {}
        self.in_cell = False

    def _code(self, tag: str) -> int | None:
        """The element by its local name, whatever its prefix: calamine reads a ``<x:c>`` in
        any namespace as a cell, so its extent must count here too."""
        code = _SHEET_TAGS.get(tag.rpartition(":")[2])
        self.tags[tag] = code
        return code

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if self.capturing:
            self.parser.CharacterDataHandler = None
            self.capturing = False
        code = self.tags.get(tag, -1)
        if code == -1:
            code = self._code(tag)
        if code is None:
            return
        if code == 1:  # c
            if self.open:
                self._finish()
            ref = attrs.get("r")
            where = _position(ref) if ref else None
            if where is None:  # no reference: the cell after the last
                where = (self.row or 1, self.col + 1)
            self.cell = where
            self.col = where[1]
            self.in_cell = True
            kind = self.kind = attrs.get("t")
            self.open = kind == "e"
            self.style = attrs.get("s")
            return
        if code == 3 or code == 4 or code == 2:  # v, is, f: the cell holds something
            if not self.in_cell:
                return
            r, c = self.cell
            scan = self.scan
            style = self.style
            if style is not None:  # the cell's number format, once it holds something
                self.style = None
                fmt = self.styles.get(style)
                if fmt is not None:
                    scan.formats[r, c] = fmt
            if not scan.top:
                scan.top = scan.bottom = r
                scan.left = scan.right = c
            else:
                if r > scan.bottom:
                    scan.bottom = r
                elif r < scan.top:
                    scan.top = r
                if c > scan.right:
                    scan.right = c
                elif c < scan.left:
                    scan.left = c
            if code == 3:
                if self.open:
                    self.vtext = []
                    self.parser.CharacterDataHandler = self.vtext.append
                    self.capturing = True
            elif code == 2:
                self.formula = attrs
                self.open = True
                self.ftext = []
                self.parser.CharacterDataHandler = self.ftext.append
                self.capturing = True
        elif code == 0:  # row
            if self.open:
                self._finish()
            self.in_cell = False
            number = attrs.get("r", "")
            self.row = int(number) if number.isdigit() and number.isascii() else self.row + 1
            self.col = 0
        elif code == 5:  # mergeCell
            self._merge(attrs.get("ref", ""))
        elif code == 6:  # past the cells
            if self.open:
                self._finish()
            self.in_cell = False

    def _merge(self, ref: str) -> None:
        first, _, last = ref.partition(":")
        a, b = split_ref(first), split_ref(last or first)
        if a is not None and b is not None:
            self.scan.merges.append((min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]),
                                     max(a[1], b[1])))

    def _finish(self) -> None:
        """Close a cell holding a formula or an error."""
        self.open = False
        where = self.cell
        scan = self.scan
        value = "".join(self.vtext).strip()
        self.vtext = []
        attrs = self.formula
        if attrs is not None:
            self.formula = None
            text = "".join(self.ftext).strip()
            cached = bool(value)
            si = attrs.get("si")
            if attrs.get("t") == "shared" and si is not None:
                if text:
                    self.shared[si] = (text, *where)
                elif not cached:
                    self.pending.append((where, si, cached))
            scan.formulas[where] = (text, cached)
        if self.kind == "e" and value:
            scan.errors[where] = value

    def close(self) -> None:
        if self.open:
            self._finish()
        for where, si, cached in self.pending:  # shared formulas saved without a value: the
            master = self.shared.get(si)  # text is shown by S004 (rare)
            if master is not None:
                text, r, c = master
                self.scan.formulas[where] = (_translate(text, (r, c), where), cached)


def _translate(text: str, origin: tuple[int, int], target: tuple[int, int]) -> str:
    from openpyxl.formula.translate import Translator  # only for this rare case

    try:
        moved = Translator("=" + text, f"{column_letter(origin[1])}{origin[0]}")
        return str(moved.translate_formula(f"{column_letter(target[1])}{target[0]}")).lstrip("=")
    except Exception:  # a formula the translator cannot read: show the master's text
        return text


def scan_sheet(zf: zipfile.ZipFile, part: str, formats: dict[str, str], sheet: str,
               budget: Budget) -> SheetScan:
    """Read ``part`` of the package ``zf`` and check its value area against ``budget``."""
    parser = guarded_parser(namespaces=False)
    reader = _SheetReader(parser, formats)
    parser.StartElementHandler = reader.start
    with zf.open(part) as fh:
        feed(parser, fh)
    reader.close()
    scan = reader.scan
    if scan.top:
        cells = (scan.bottom - scan.top + 1) * (scan.right - scan.left + 1)
        area = (f"{column_letter(scan.left)}{scan.top}:"
                f"{column_letter(scan.right)}{scan.bottom}")
        entries = len(scan.formats) + len(scan.formulas) + len(scan.errors)
        budget.check(sheet, area, cells, entries)
        budget.spend(cells, entries)
    return scan
