"""workbook -> :class:`~xlsxperf.model.Submission`: every value with its sheet and cell.

Fields are found by their defined name first, then by their label (the value sits to the
right of the label); tables by their header labels, tolerating inserted, deleted and blank
rows and stopping at the 合计 row. Reading never raises for a bad workbook: problems become
structural findings (S001-S003) on the submission; value problems are kept on each value for
the filling rules.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl.utils.cell import get_column_letter

from . import schema as S
from .books import Book, RawCell, open_book
from .model import XmlUnsafe
from .model import Cell, Parse, Row, Submission, TableData, Value
from .rules import make
from .values import normalize_label, parse, strip_parenthetical

LABEL_SCAN_ROWS = 300  # labels and table headers are looked for in the top rows only
LABEL_SCAN_COLS = 30
HEADER_MIN_SHARE = 0.6  # share of a table's column labels a row must carry to be its header
TOTAL_LABELS = frozenset({"合计", "总计", "小计合计"})


Labels = dict[str, list[tuple[int, int]]]  # normalized text -> cells holding it


class Locator:
    """Finds fields and tables in one book."""

    def __init__(self, book: Book) -> None:
        self.book = book
        self._labels: dict[str, Labels] = {}

    # -- labels ------------------------------------------------------------------------------
    def labels(self, sheet: str) -> Labels:
        """Text cells of the top of ``sheet``, built once per sheet."""
        if sheet not in self._labels:
            cells: Labels = {}
            last = min(self.book.max_row(sheet), LABEL_SCAN_ROWS)
            for r, row in enumerate(self.book.rows(sheet, 1, last, LABEL_SCAN_COLS), start=1):
                for c, raw in enumerate(row, start=1):
                    if isinstance(raw.value, str) and raw.formula is None:
                        cells.setdefault(normalize_label(raw.value), []).append((r, c))
            self._labels[sheet] = cells
        return self._labels[sheet]

    def _sheets_for(self, sheet: str) -> list[str]:
        """The expected sheet first, then the others (a user may have renamed or merged)."""
        names = [n for n in self.book.sheet_names if n not in (S.INSTRUCTIONS, S.META_SHEET)]
        return ([sheet] if sheet in names else []) + [n for n in names if n != sheet]

    def find_label(self, label: str, sheet: str) -> tuple[str, int, int] | None:
        key = normalize_label(label)
        for name in self._sheets_for(sheet):
            hits = self.labels(name).get(key)
            if hits:
                r, c = hits[0]
                return name, r, c
        return None

    # -- fields ------------------------------------------------------------------------------
    def field(self, f: S.Field) -> Value:
        """A field by its defined name; by its label when the name is missing, broken, or
        points at a cell whose label is not the field's (a tool moved cells without names)."""
        grid = f.name.startswith(S.EXECUTION.key + "_")
        named = self.book.defined_name(f.name)
        where, found_by = named, "name"
        if named is None or not self._labelled(f, *named, grid=grid):
            by_label = self._grid_cell(f) if grid else self._beside_label(f)
            if by_label is not None or named is None:
                where, found_by = by_label, "label"
        if where is None:
            return Value(None, None, None, Parse.BLANK, found_by="")
        sheet, r, c = where
        raw = self.book.cell(sheet, r, c)
        ar, ac, _ = self.book.merged_anchor(sheet, r, c)
        cell = Cell(sheet, f"{get_column_letter(ac)}{ar}", f.name if found_by == "name" else None)
        return to_value(raw, f.kind, f.choices, cell, found_by, self.book)

    def _beside_label(self, f: S.Field) -> tuple[str, int, int] | None:
        hit = self.find_label(f.label, f.sheet)
        if hit is None:
            return None
        sheet, r, c = hit
        _, _, right = self.book.merged_anchor(sheet, r, c)
        return sheet, r, right + 1

    def _labelled(self, f: S.Field, sheet: str, row: int, col: int, grid: bool) -> bool:
        """Whether the nearest text to the left of (row, col) is the field's label."""
        want = normalize_label(dict(S.EXECUTION.rows)[f.name.split("_")[1]] if grid else f.label)
        _, left, _ = self.book.merged_anchor(sheet, row, col)
        for c in range(left - 1, 0, -1):
            text = self.book.cell(sheet, row, c).value
            if isinstance(text, str) and text.strip():
                if normalize_label(text) == want:
                    return True
                if not grid:
                    return False
        return False

    def _grid_cell(self, f: S.Field) -> tuple[str, int, int] | None:
        """A 预算执行 cell by its row label and column header."""
        grid = S.EXECUTION
        rkey, ckey = f.name[len(grid.key) + 1:].split("_", 1)
        rlabel = dict(grid.rows)[rkey]
        col = next(c for c in grid.columns if c.key == ckey)
        header = self._header_row(grid.sheet, grid.columns)
        if header is None:
            return None
        sheet, hr, colmap = header
        if ckey not in colmap:
            return None
        for r in range(hr + 1, hr + 12):
            first = self.book.cell(sheet, r, min(colmap.values()) - 1).value
            if normalize_label(first) == normalize_label(rlabel):
                return sheet, r, colmap[col.key]
        return None

    # -- tables ------------------------------------------------------------------------------
    def _header_row(self, sheet: str, columns: tuple[S.Column, ...]
                    ) -> tuple[str, int, dict[str, int]] | None:
        """(sheet, header row, column key -> column index) of the best matching header."""
        wanted = {normalize_label(c.label): c.key for c in columns}
        loose = {strip_parenthetical(k): v for k, v in wanted.items()}
        best: tuple[int, str, int, dict[str, int]] | None = None
        for name in self._sheets_for(sheet):
            rows: dict[int, dict[str, int]] = {}
            for text, hits in self.labels(name).items():
                key = wanted.get(text) or loose.get(strip_parenthetical(text))
                if key:
                    for r, c in hits:
                        rows.setdefault(r, {}).setdefault(key, c)
            for r, colmap in rows.items():
                if best is None or len(colmap) > best[0]:
                    best = (len(colmap), name, r, colmap)
            if best and best[1] == sheet and best[0] >= HEADER_MIN_SHARE * len(columns):
                break
        if best is None or best[0] < HEADER_MIN_SHARE * len(columns):
            return None
        return best[1], best[2], best[3]

    def table(self, t: S.Table) -> TableData:
        header = self._header_row(t.sheet, t.columns)
        if header is None:
            return TableData(t.sheet, None, {})
        sheet, hr, colmap = header
        letters = {k: get_column_letter(c) for k, c in colmap.items()}
        data = TableData(sheet, hr, letters)
        width = max(colmap.values())
        kinds = {c.key: c for c in t.columns}
        label_cols = [colmap[k] for k in ("seq", "name", "level1", "level2") if k in colmap]
        for r, raws in enumerate(self.book.rows(sheet, hr + 1, self.book.max_row(sheet), width),
                                 start=hr + 1):
            values = {}
            for key, c in colmap.items():
                col = kinds[key]
                cell = Cell(sheet, f"{letters[key]}{r}")
                values[key] = to_value(raws[c - 1], col.kind, col.choices, cell, "table",
                                       self.book)
            is_total = any(normalize_label(raws[c - 1].value) in TOTAL_LABELS for c in label_cols)
            if is_total:
                data.total = Row(r, values)
                break
            if all(v.parse == Parse.BLANK for k, v in values.items() if k != "seq"):
                continue
            data.rows.append(Row(r, values))
        return data


def to_value(raw: RawCell, kind: S.Kind, choices: tuple[str, ...], cell: Cell, found_by: str,
             book: Book) -> Value:
    if raw.formula is not None and not raw.cached:
        return Value(None, "=" + raw.formula.lstrip("="), cell, Parse.NO_VALUE, "公式没有计算结果",
                     found_by)
    p = parse(raw.value, kind, number_format=raw.number_format, choices=choices, epoch=book.epoch)
    return Value(p.value, raw.value, cell, p.parse, p.note, found_by)


def _meta(book: Book, loc: Locator) -> tuple[Any, Any]:
    """(template id, template version) from the defined names, else from the _meta sheet."""
    out = []
    for name, row in (("template_id", 1), ("template_version", 2)):
        where = book.defined_name(name)
        if where is None and S.META_SHEET in book.sheet_names:
            where = (S.META_SHEET, row, 2)
        out.append(book.cell(*where).value if where else None)
    return out[0], out[1]


def read_book(book: Book) -> Submission:
    """Read every field and table of ``book`` into a Submission."""
    loc = Locator(book)
    fields = {name: loc.field(f) for name, f in S.FIELDS.items()}
    sub = Submission(book.path, fields, loc.table(S.PROJECT_TABLE), loc.table(S.INDICATOR_TABLE))
    template_id, version = _meta(book, loc)
    file = Path(book.path).name

    required = [f for f in S.FIELDS.values() if f.required]
    located = sum(1 for f in required if fields[f.name].cell is not None)
    tables_found = sum(1 for t in (sub.projects, sub.indicators) if t.header_row is not None)
    if template_id != S.TEMPLATE_ID and (located < len(required) / 2 or tables_found == 0):
        missing = [s for s in S.SHEET_ORDER[1:] if s not in book.sheet_names]
        if template_id != S.TEMPLATE_ID:
            missing.insert(0, "模板标识（_meta 工作表）")
        missing.append(f"{len(required) - located}/{len(required)} 个必填项目")
        sub.findings.append(make("S002", sheet=None, path=book.path, file=file,
                                 missing="、".join(missing)))
        sub.readable = False
        return sub

    try:
        sub.template_version = int(str(version).strip()) if version is not None else None
    except ValueError:
        sub.template_version = None
    if sub.template_version != S.TEMPLATE_VERSION:
        sub.findings.append(make("S003", sheet=S.META_SHEET, path=book.path,
                                 expected=S.TEMPLATE_VERSION,
                                 actual=version if version is not None else "无"))
    return sub


def unreadable(path: str | Path, reason: str, reason_en: str, code: str = "S001", **fmt: Any
               ) -> Submission:
    """A submission that could not be opened: no values, one structural finding."""
    finding = make(code, path=str(path), file=Path(path).name, reason=reason,
                   reason_en=reason_en, **fmt)
    return Submission(str(path), {}, TableData("", None, {}), TableData("", None, {}), findings=[finding],
                      readable=False)


def read_submission(path: str | Path) -> Submission:
    """Read one workbook. Never raises for a bad file; refuses to run without XML protection."""
    try:
        book = open_book(path)
    except XmlUnsafe:
        raise
    except Exception as e:  # every way a file can fail to open becomes S001
        reason, reason_en = describe_open_error(e)
        return unreadable(path, reason, reason_en)
    try:
        return read_book(book)
    except Exception as e:
        return unreadable(path, f"读取时出错（{type(e).__name__}: {e}）",
                          f"error while reading ({type(e).__name__}: {e})")


def describe_open_error(e: Exception) -> tuple[str, str]:
    import zipfile

    if isinstance(e, zipfile.BadZipFile):
        return ("不是有效的 .xlsx 文件（压缩包损坏或格式不符），请用 Excel 或 WPS 另存为 .xlsx",
                "not a valid .xlsx file (broken or not a zip package); save it as .xlsx")
    if isinstance(e, (FileNotFoundError, IsADirectoryError, PermissionError)):
        return (f"无法打开文件（{e.strerror}）", f"cannot open the file ({e.strerror})")
    return (f"无法解析（{type(e).__name__}: {e}）", f"cannot parse ({type(e).__name__}: {e})")

