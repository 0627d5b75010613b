"""workbook -> :class:`~xlsxperf.model.Submission`: every value with its sheet and cell.

Fields are found by their defined name first, then by their label (the value sits to the
right of the label); tables by their header labels, tolerating inserted, deleted and blank
rows and stopping at the 合计 row. Reading never raises for a bad workbook: problems become
structural findings (S001-S005) on the submission; value problems are kept on each value for
the filling rules.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from defusedxml import DefusedXmlException

from . import schema as S
from .books import Book, RawCell, column_letter, require_xml_guard
from .calaminebook import Refused
from .config import Limits
from .errors import XmlUnsafe
from .messages import error_detail, one_line
from .model import Cell, Parse, Row, Submission, TableData, Value
from .opener import open_book
from .preflight import (
    ENCRYPTED,
    ROW_CAP,
    SAVE_AS,
    SAVE_AS_EN,
    DeadlineExpired,
    Format,
    LimitExceeded,
    damaged_xml,
    damaged_zip,
    deadline,
    memory_exceeded,
    preflight,
    rows_exceeded,
    time_exceeded,
)
from .rules import load_all, make
from .values import (
    Parsed,
    measure_of_value,
    normalize_label,
    normalize_text,
    parse,
    strip_parenthetical,
)

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
        self._headers: dict[tuple[str, tuple[S.Column, ...]], tuple[str, int, dict[str, int]] | None] = {}

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
        cell = Cell(sheet, f"{column_letter(ac)}{ar}", f.name if found_by == "name" else None)
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
        header = self._header(grid.sheet, grid.columns, grid.columns_in(1))
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
    def _header(self, sheet: str, columns: tuple[S.Column, ...], first: tuple[S.Column, ...]
                ) -> tuple[str, int, dict[str, int]] | None:
        """:meth:`_header_row` of ``columns``, else of ``first`` (the columns of template
        version 1, when they differ), found once per sheet and columns."""
        key = (sheet, columns)
        if key not in self._headers:
            found = self._header_row(sheet, columns)
            if found is None and first != columns:
                found = self._header_row(sheet, first)
            self._headers[key] = found
        return self._headers[key]

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
        header = self._header(t.sheet, t.columns, t.columns_in(1))
        if header is None:
            return TableData(t.sheet, None, {})
        sheet, hr, colmap = header
        letters = {k: column_letter(c) for k, c in colmap.items()}
        data = TableData(sheet, hr, letters)
        width = max(colmap.values())
        kinds = {c.key: c for c in t.columns}
        label_cols = [colmap[k] for k in ("seq", "name", "level1", "level2") if k in colmap]
        last = self.book.max_row(sheet)
        if last - hr > ROW_CAP.get():
            raise rows_exceeded(sheet, last - hr, ROW_CAP.get())
        # each column with the parses of its cells so far: a table repeats its words and figures
        plan = [(key, c - 1, kinds[key].kind, kinds[key].choices, letters[key],
                 dict[tuple[Any, ...], Parsed]()) for key, c in colmap.items()]
        book = self.book
        for r, raws in enumerate(book.rows(sheet, hr + 1, last, width), start=hr + 1):
            values = {}
            for key, i, kind, choices, letter, memo in plan:
                values[key] = to_value(raws[i], kind, choices, Cell(sheet, f"{letter}{r}"),
                                       "table", book, memo)
            is_total = any(normalize_label(raws[c - 1].value) in TOTAL_LABELS for c in label_cols)
            if is_total:
                data.total = Row(r, values)
                break
            if all(v.parse == Parse.BLANK for k, v in values.items() if k != "seq"):
                continue
            data.rows.append(Row(r, values))
        return data


def to_value(raw: RawCell, kind: S.Kind, choices: tuple[str, ...], cell: Cell, found_by: str,
             book: Book, memo: dict[tuple[Any, ...], Parsed] | None = None) -> Value:
    """The :class:`Value` of ``raw``; ``memo`` keeps the parses of one column's cells, each
    with ``kind`` and ``choices`` (keyed by the raw value's type too: ``True == 1`` and
    ``1 == 1.0`` parse differently)."""
    if raw.formula is not None and not raw.cached:
        return Value(None, "=" + raw.formula.lstrip("="), cell, Parse.NO_VALUE, "公式没有计算结果",
                     found_by)
    value = raw.value
    if memo is None or not isinstance(value, _MEMO_TYPES):
        p = parse(value, kind, number_format=raw.number_format, choices=choices, epoch=book.epoch)
    else:
        key = (type(value), value, raw.number_format)
        known = memo.get(key)
        if known is None:
            known = memo[key] = parse(value, kind, number_format=raw.number_format,
                                      choices=choices, epoch=book.epoch)
        p = known
    return Value(p.value, value, cell, p.parse, p.note, found_by)


_MEMO_TYPES = (str, int, float, type(None))  # a date's parse depends on the book's epoch only


def resolve_indicators(data: TableData) -> None:
    """Make explicit on each indicator row what the official forms write inside its values.

    - 指标性质 left blank takes the operator written in 指标值 (``"≥18个"`` -> ≥), as the 2020
      自评表 has no 指标性质 column; blank with words as both 指标值 and 完成值 (明显提升 /
      达成年度指标), it is 定性.
    - 指标性质 written ``定量`` takes the operator of 指标值; without one, it stays undecided
      (value None, not an error: F009 asks for it).
    - 度量单位 left blank takes the unit written in 指标值 (else in 完成值).

    A contradiction (≥ declared, ``"≤1%"`` written) is left as declared, for the rules to report.
    """
    for row in data.rows:
        nature, unit, target, actual = row["nature"], row["unit"], row["target"], row["actual"]
        tm, am = measure_of_value(target), measure_of_value(actual)
        if nature.parse == Parse.BLANK and "nature" in row.values:
            if tm is not None and tm.op is not None:
                row.values["nature"] = _derived(nature, tm.op, Parse.OK,
                                                f"按指标值“{target.raw}”中的“{tm.written_op}”")
            elif isinstance(target.value, str) and isinstance(actual.value, str):
                row.values["nature"] = _derived(nature, S.Nature.QUALITATIVE.value, Parse.OK,
                                                "指标值和完成值都是文字")
        elif nature.parse == Parse.INVALID and isinstance(nature.raw, str) \
                and normalize_text(nature.raw) in S.QUANTITATIVE_WORDS:
            if tm is not None and tm.op is not None:
                row.values["nature"] = _derived(nature, tm.op, Parse.NORMALIZED,
                                                f"按指标值中的“{tm.op}”")
            else:
                row.values["nature"] = _derived(nature, None, Parse.OK, "定量指标未写明 ≥ / ≤ / =")
        if unit.parse == Parse.BLANK and "unit" in row.values:
            written = next((m.unit for m in (tm, am) if m is not None and m.unit), None)
            if written:
                row.values["unit"] = _derived(unit, written, Parse.OK, "按指标值中的单位")


def _derived(v: Value, value: str | None, how: Parse, note: str) -> Value:
    """``v`` with a value taken from another cell of its row (its own cell and raw content kept)."""
    return Value(value, v.raw, v.cell, how, note, v.found_by)


def layout_version(book: Book, sub: Submission) -> int:
    """The template version a workbook's layout has, whatever its _meta says: the newest version
    one of whose own fields, columns or tables is found in it."""
    for version in sorted(S.TEMPLATE_VERSIONS, reverse=True)[:-1]:
        if any(f.since == version and book.defined_name(n) is not None
               for n, f in S.FIELDS.items()):
            return version
        for table, data in sub.tables():
            news = {c.key for c in table.columns if c.since == version}
            if data.header_row is not None and (table.since == version or news & set(data.columns)):
                return version
    return min(S.TEMPLATE_VERSIONS)


def _meta(book: Book) -> tuple[Any, Any]:
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
    sub = Submission(book.path, fields, loc.table(S.PROJECT_TABLE), loc.table(S.INDICATOR_TABLE),
                     annual_goals=loc.table(S.GOAL_TABLE))
    resolve_indicators(sub.indicators)
    template_id, version = _meta(book)
    file = Path(book.path).name

    required = [f for f in S.FIELDS.values() if f.required]
    located = sum(1 for f in required if fields[f.name].cell is not None)
    tables_found = sum(1 for t in (sub.projects, sub.indicators) if t.header_row is not None)
    if template_id != S.TEMPLATE_ID and (located < len(required) / 2 or tables_found == 0):
        missing = [s for s in S.SHEET_ORDERS[1][1:] if s not in book.sheet_names]
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
    if sub.template_version not in S.TEMPLATE_VERSIONS:
        sub.findings.append(make("S003", sheet=S.META_SHEET, path=book.path,
                                 expected=layout_version(book, sub),
                                 actual=version if version is not None else "无",
                                 known="、".join(str(v) for v in S.TEMPLATE_VERSIONS)))
    return sub


def unreadable(path: str | Path, reason: str, reason_en: str, code: str = "S001", **fmt: Any
               ) -> Submission:
    """A submission that could not be opened: no values, one structural finding.

    ``reason`` fills the message of ``code``: the reason of S001, the limit of S005.
    """
    load_all()  # the S rules are declared by their module
    values = {"reason": reason, "reason_en": reason_en, "limit": reason, "limit_en": reason_en,
              **fmt}
    finding = make(code, path=str(path), file=Path(path).name, **values)
    return Submission(str(path), {}, TableData("", None, {}), TableData("", None, {}),
                      findings=[finding], readable=False)


def read_submission(path: str | Path, limits: Limits | None = None) -> Submission:
    """Read one workbook within ``limits`` (default: :class:`~xlsxperf.config.Limits`).

    The file is checked first (:func:`~xlsxperf.preflight.preflight`: format by its bytes,
    size and decompression caps), then opened and read within the time limit and the row
    cap, by the reader for its format (:func:`~xlsxperf.opener.open_book`); an ``.xlsx`` that
    calamine refuses is read again with openpyxl. Never raises for a file's content: every
    problem becomes S001 (unreadable) or S005 (over a limit). Raises
    :class:`~xlsxperf.errors.XmlUnsafe` only, when XML protection is off.
    """
    require_xml_guard()
    load_all()  # the reader's findings (S001-S005) come from the catalogue
    limits = limits or Limits()
    try:
        with deadline(limits.timeout_s):
            return _read_within_limits(path, limits)
    except DeadlineExpired:
        over = time_exceeded(limits.timeout_s)
        return unreadable(path, over.reason, over.reason_en, code="S005")
    except XmlUnsafe:
        raise
    except MemoryError:
        over = memory_exceeded()
        return unreadable(path, over.reason, over.reason_en, code="S005")
    except Exception as e:  # a last guard: a bad file never gets past this function
        reason, reason_en = describe_open_error(e)
        return unreadable(path, reason, reason_en)


def _read_within_limits(path: str | Path, limits: Limits) -> Submission:
    checked = preflight(path, limits)
    if checked.problem is not None:
        p = checked.problem
        sub = unreadable(path, p.reason, p.reason_en, code=p.code)
        sub.problem = p.kind
        return sub
    token = ROW_CAP.set(limits.max_rows)
    try:
        try:
            return _read_file(path, checked.format, limits)
        except Refused as refused:
            if checked.format != Format.XLSX:
                cause = refused.__cause__
                return _failed(path, cause if isinstance(cause, Exception) else refused,
                               opening=True)
            logging.getLogger("xlsxperf").info("calamine could not read %s (%s); reading it "
                                               "with openpyxl", path, refused)
            return _read_file(path, checked.format, limits, reader="openpyxl")
    finally:
        ROW_CAP.reset(token)


def _read_file(path: str | Path, fmt: Format | None, limits: Limits,
               reader: str | None = None) -> Submission:
    """Open and read ``path`` with the reader for ``fmt``; raises :class:`Refused` when
    calamine cannot parse it (the caller may try openpyxl), every other failure is a finding."""
    try:
        book = open_book(path, fmt, limits.memory_mb, reader=reader)
    except (XmlUnsafe, Refused):
        raise
    except LimitExceeded as e:
        return unreadable(path, e.reason, e.reason_en, code="S005")
    except Exception as e:  # every way a file can fail to open becomes S001 (or S005)
        return _failed(path, e, opening=True, suffix=Path(path).suffix.lower())
    try:
        return read_book(book)
    except LimitExceeded as e:
        return unreadable(path, e.reason, e.reason_en, code="S005")
    except (XmlUnsafe, Refused):
        raise
    except Exception as e:
        return _failed(path, e, opening=False)


def _failed(path: str | Path, e: Exception, opening: bool, suffix: str = "") -> Submission:
    """S005 for XML the parser refused as unsafe or for memory, else S001 with the reason."""
    unsafe = _cause(e, DefusedXmlException)
    if unsafe is not None:
        detail = error_detail(unsafe)
        return unreadable(path, f"XML 中含有被禁止的 DTD 或实体声明（{detail}），拒绝解析",
                          f"the XML declares a forbidden DTD or entity ({detail}); refused",
                          code="S005")
    if isinstance(e, MemoryError):
        over = memory_exceeded()
        return unreadable(path, over.reason, over.reason_en, code="S005")
    if opening and suffix in (".et", ".ett"):
        return unreadable(path, f"{SAVE_AS}（WPS 表格 {suffix} 文件）",
                          f"{SAVE_AS_EN} (a WPS Spreadsheets {suffix} file)")
    if opening:
        reason, reason_en = describe_open_error(e)
    else:
        logging.getLogger("xlsxperf").error("error while reading %s", path, exc_info=e)
        detail = error_detail(e)
        reason, reason_en = f"读取时出错（{detail}）", f"error while reading ({detail})"
    return unreadable(path, reason, reason_en)


def _cause(e: BaseException, kind: Any) -> BaseException | None:
    """``e`` or the first exception in its chain of causes that is a ``kind``."""
    seen = 0
    current: BaseException | None = e
    while current is not None and seen < 20:
        if isinstance(current, kind):
            return current
        current = current.__cause__ or current.__context__
        seen += 1
    return None


def describe_open_error(e: BaseException) -> tuple[str, str]:
    """A one-line reason, in Chinese and English, for a file that failed to open."""
    import zipfile
    from pyexpat import ExpatError
    from xml.etree.ElementTree import ParseError

    detail = error_detail(e)
    if isinstance(e, zipfile.BadZipFile):
        return ("不是有效的 .xlsx 文件（压缩包损坏或格式不符），请用 Excel 或 WPS 另存为 .xlsx",
                "not a valid .xlsx file (broken or not a zip package); save it as .xlsx")
    if isinstance(e, (FileNotFoundError, IsADirectoryError, PermissionError)):
        why = one_line(e.strerror or type(e).__name__, 80)
        return f"无法打开文件（{why}）", f"cannot open the file ({why})"
    missing = _cause(e, KeyError)
    if missing is not None and "no item named" in str(missing):
        part = one_line(str(missing).split("named", 1)[1].split("in the archive")[0]
                        .strip(" '\""), 80)
        return (f"工作簿不完整：缺少部件 {part}，请用 Excel 或 WPS 重新保存为 .xlsx",
                f"the workbook is incomplete: the part {part} is missing; save it again as .xlsx")
    broken = _cause(e, (ParseError, ExpatError))
    if broken is not None:
        return damaged_xml(error_detail(broken))
    module = type(e).__module__ or ""
    if module.startswith("python_calamine"):
        return _calamine_error(e, detail)
    if module.startswith("xlrd") or module.startswith("olefile"):
        if "encrypt" in str(e).lower():
            return ENCRYPTED
        return (f"不是有效的 Excel 97-2003 文件（{detail}），请另存为 .xlsx",
                f"not a valid Excel 97-2003 file ({detail}); save it as .xlsx")
    return f"无法解析（{detail}）", f"cannot parse ({detail})"


def _calamine_error(e: BaseException, detail: str) -> tuple[str, str]:
    """A reason for a file python-calamine could not parse (an ``.ods``: an ``.xlsx`` it
    refuses is read with openpyxl instead)."""
    kind = type(e).__name__
    if kind == "PasswordError":
        return ENCRYPTED
    if kind == "XmlError":
        return damaged_xml(detail)
    if kind == "ZipError":
        return damaged_zip(detail)
    return (f"无法解析（{detail}），请用 Excel 或 WPS 重新保存为 .xlsx",
            f"cannot parse ({detail}); save it again as .xlsx")
