"""The echo sheets: the submission's data at the submission's own cell addresses.

Each sheet of the submission that holds data gets one echo sheet (``收支情况`` ->
``收支情况(原表)``) on which every value read sits in the same A1 cell as in the submission,
so a finding about ``收支情况!B10`` is found at ``'收支情况(原表)'!B10``. Labels and headings
are put back where they are free; computed columns (执行率, 完成率, 计算得分) go to the right
of the tables, each a formula over the echoed cells carrying the computed value.

Values are echoed as read: numbers the reader understood as numbers (``"1,200.50万元"`` ->
1200.5), everything it could not read as its raw text, so that a spreadsheet's SUM treats
them as the evaluation did. This module only plans the cells; :mod:`.echo_sheet` writes them.

The plan holds the template's own cells (fields, labels, headings, computed neighbours) one by
one. A repeating table is planned as a whole (:class:`EchoTable`): its rows are turned into cells
only while they are written, one row at a time, so that a table of 50,000 rows costs what
writing its cells costs, and no cell object per row is ever held.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from .. import formulas as X
from .. import schema as S
from ..metrics import METRICS
from ..model import Cell, Parse, Value
from ..schema import Kind
from ..values import decimal_from_float
from .names import sheet_name
from .styles import MAX_ROW_HEIGHT, char_units, line_height, row_height, text_lines, text_units

if TYPE_CHECKING:
    from ..calc import Calc
    from ..model import Row, Submission, TableData

Pos = tuple[int, int]  # 0-based row, column

ECHO_SUFFIX = "(原表)"
FORM_WIDTHS = {0: 26.0, 1: 18.0}
COMPUTED_WIDTH = 12.0
TEXT_MAX_WIDTH = 40.0
LONGTEXT_SPAN = 5  # a long text is shown across its cell and the next columns, as in the template
INTRO = "单元格位置与填报表一致；绿色为计算值（公式），有问题的单元格按级别着色并附批注。"


@dataclass(slots=True)
class Entry:
    """One planned cell of an echo sheet."""

    role: str  # data, blank, label, header, section, title, note, formula
    value: Any = None  # data: the value to write; formula: the cached value
    kind: Kind | None = None  # data: the field's kind (number format, text or long text)
    formula: str | None = None
    unit: str = ""  # formula: 万元, %, 分, 人 or "" (text)
    merge_to: int | None = None  # long text: last column of its merged range


RowCell = Callable[[int], "Entry | None"]  # a computed column: 0-based sheet row -> its cell


@dataclass
class EchoTable:
    """A repeating table on an echo sheet: its rows as read, the columns placed and the computed
    columns to their right. Its cells are made from the rows while they are written."""

    rows: dict[int, Row]  # 0-based sheet row -> the row read there (data rows, then the total)
    columns: dict[int, tuple[str, Kind]]  # 0-based column -> the column's key and kind
    computed: dict[int, RowCell] = field(default_factory=dict)

    def at(self, r: int, c: int) -> Entry | None:
        """The table's cell at (r, c), if it has one."""
        row = self.rows.get(r)
        if row is None:
            return None
        col = self.columns.get(c)
        if col is not None:
            v = row.values.get(col[0])
            return None if v is None else data_entry(v, col[1])
        cell = self.computed.get(c)
        return cell(r) if cell is not None else None

    def holds(self, pos: Pos) -> bool:
        return self.at(*pos) is not None

    def row_cells(self, r: int) -> list[tuple[int, Entry]]:
        """The cells of sheet row ``r``, left to right."""
        values = self.rows[r].values
        out = [(c, data_entry(values[key], kind)) for c, (key, kind) in self.columns.items()
               if key in values]
        for c, cell in self.computed.items():
            entry = cell(r)
            if entry is not None:
                out.append((c, entry))
        return out

    def last_row(self) -> int | None:
        """The last sheet row holding one of the table's cells."""
        for r in sorted(self.rows, reverse=True):
            if self.row_cells(r):
                return r
        return None


@dataclass
class EchoSheet:
    source: str  # the submission's sheet name
    name: str  # the echo sheet's name
    cells: dict[Pos, Entry] = field(default_factory=dict)  # every cell outside the tables' rows
    widths: dict[int, float] = field(default_factory=dict)
    header_row: int | None = None  # a table header: frozen and repeated when printing
    covered: set[Pos] = field(default_factory=set)  # cells inside merged ranges
    tables: list[EchoTable] = field(default_factory=list)
    clipped: set[int] = field(default_factory=set)  # rows of long texts continued below the data

    def free(self, pos: Pos) -> bool:
        return pos[0] >= 0 and pos[1] >= 0 and pos not in self.cells and pos not in self.covered \
            and not any(t.holds(pos) for t in self.tables)

    def put(self, pos: Pos, entry: Entry, width: float | None = None) -> None:
        self.cells[pos] = entry
        if width is not None:
            self.widths[pos[1]] = max(self.widths.get(pos[1], 0), width)

    def offer(self, pos: Pos, entry: Entry, width: float | None = None) -> bool:
        """Put ``entry`` at ``pos`` only when the cell is free."""
        if not self.free(pos):
            return False
        self.put(pos, entry, width)
        return True

    @property
    def table_rows(self) -> int:
        return sum(len(t.rows) for t in self.tables)

    @property
    def last_col(self) -> int:
        # a table's columns and computed columns all have their header among the cells
        return max([c for _, c in self.cells] + [c for _, c in self.covered], default=0)

    @property
    def landscape(self) -> bool:
        return self.last_col > 6

    def last_row(self) -> int:
        rows = [r for r, _ in self.cells] + [r for r, _ in self.covered]
        rows += [r for t in self.tables for r in [t.last_row()] if r is not None]
        return max(rows)

    def rows(self) -> Iterator[tuple[int, list[tuple[int, Entry]]]]:
        """Every row holding a cell, top to bottom, with its cells left to right. A cell of the
        template's own (or one put before the table was) stands over a table's; of two tables
        on one sheet, the first placed stands over the other."""
        fixed: dict[int, list[tuple[int, Entry]]] = {}
        for (r, c), entry in self.cells.items():
            fixed.setdefault(r, []).append((c, entry))
        shared = set(fixed) | {r for r, _ in self.covered}  # rows where a table's cell may be under another
        numbers = set(fixed).union(*(t.rows for t in self.tables))
        for r in sorted(numbers):
            cells = fixed.get(r, [])
            for i, t in enumerate(self.tables):
                if r not in t.rows:
                    continue
                if i == 0 and r not in shared:
                    cells += t.row_cells(r)
                else:
                    cells += [(c, e) for c, e in t.row_cells(r)
                              if (r, c) not in self.cells and (r, c) not in self.covered
                              and not any(u.holds((r, c)) for u in self.tables[:i])]
            if not cells:
                continue
            cells.sort(key=_first)
            yield r, cells

    def height(self, r: int, cells: list[tuple[int, Entry]]) -> float | None:
        """The height of row ``r`` that shows all its wrapped text (None: the default)."""
        if r in self.clipped:
            return CLIPPED_LINES * line_height() + 4
        texts: list[tuple[str, float]] = []
        long = False
        widths = self.widths
        for c, entry in cells:
            if isinstance(entry.value, str) and entry.role in ("data", "label", "header"):
                if entry.merge_to is None:
                    texts.append((entry.value, widths[c]))
                else:
                    texts.append((entry.value, sum(widths[i] for i in range(c, entry.merge_to + 1))))
                    long = True
        if not texts:
            return None
        return row_height(texts, minimum=30 if long else 15)


def _first(cell: tuple[int, Entry]) -> int:
    return cell[0]


def raw_text(raw: Any) -> str:
    """Raw cell content as the text a spreadsheet shows."""
    if isinstance(raw, str):
        return raw
    if isinstance(raw, float):
        return format(decimal_from_float(raw), "f")
    if isinstance(raw, datetime):
        return raw.isoformat(sep=" ")
    if isinstance(raw, date):
        return raw.isoformat()
    return str(raw)


def data_entry(v: Value, kind: Kind) -> Entry:
    """What to echo for one value: the value as read, else its raw content as text."""
    if v.parse in (Parse.OK, Parse.NORMALIZED) and v.value is not None:
        return Entry("data", v.value, kind)
    if v.raw is None or (isinstance(v.raw, str) and not v.raw.strip()):
        return Entry("blank")
    text_kind = Kind.LONGTEXT if kind == Kind.LONGTEXT else Kind.TEXT
    return Entry("data", raw_text(v.raw), text_kind)


CLIPPED_LINES = 6  # lines shown in the cell of a text continued below the data


def _pieces(text: str, width: float) -> list[str]:
    """``text`` as paragraphs, each short enough for one row; an overlong paragraph is cut
    after a full stop (or anywhere, when it has none)."""
    lines = int((MAX_ROW_HEIGHT - 10) // line_height())
    budget = int(lines * max(1, int(width) - 1) * 0.9)  # wrapping wastes the ends of lines
    out = []
    for line in text.splitlines():
        if not line.strip():
            continue
        start, units = 0, 0
        for i, ch in enumerate(line):
            units += char_units(ch)
            if units > budget:
                piece = line[start:i]
                cut = piece.rfind("。") + 1 or len(piece)
                out.append(piece[:cut])
                start += cut
                units = text_units(line[start:i]) + char_units(ch)
        out.append(line[start:])
    return out


def cached(v: Decimal | str | None, unit: str) -> Any:
    """A computed figure as XlsxWriter takes it: percent values as fractions, numbers as float."""
    if isinstance(v, Decimal):
        return float(v / 100) if unit == "%" else float(v)
    return v


_REF = re.compile(r"([A-Z]{1,3})(\d+)")


@lru_cache(maxsize=1024)
def _col(letters: str) -> int:
    """0-based index of a column's letters (``A`` -> 0, ``AA`` -> 26)."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


@lru_cache(maxsize=4096)  # the template's cells, in every submission
def _pos(ref: str) -> Pos | None:
    """0-based (row, column) of an A1 reference (the first cell of a range); None if it is none."""
    m = _REF.match(ref.replace("$", "").split(":")[0])
    return (int(m.group(2)) - 1, _col(m.group(1))) if m else None


def _at(item: tuple[Pos, Entry]) -> Pos:
    return item[0]


def _abs(pos: Pos) -> str:
    return xl_rowcol_to_cell(pos[0], pos[1], row_abs=True, col_abs=True)


class Echo:
    """The echo sheets of one submission and the references into them."""

    def __init__(self, sub: Submission, calc: Calc, taken: set[str],
                 metric_cells: dict[str, str], finding_sheets: tuple[str, ...] = (),
                 finding_cells: tuple[tuple[str, str], ...] = ()) -> None:
        self.sub = sub
        self.calc = calc
        self.taken = taken
        self.metric_cells = metric_cells  # metric key -> absolute reference on 计算指标
        self.sheets: dict[str, EchoSheet] = {}
        self.finding_rows: dict[str, int] = {}  # the last row holding a finding's cell, per sheet
        for sheet, ref in finding_cells:
            pos = _pos(ref)
            if pos is not None:
                self.finding_rows[sheet] = max(self.finding_rows.get(sheet, 0), pos[0])
        self._build(finding_sheets)

    # -- references --------------------------------------------------------------------------
    def sheet(self, source: str) -> EchoSheet:
        if source not in self.sheets:
            name = sheet_name(source, self.taken, ECHO_SUFFIX)
            self.taken.add(name)
            self.sheets[source] = EchoSheet(source, name)
        return self.sheets[source]

    def locate(self, sheet: str | None, ref: str | None) -> tuple[str, str] | None:
        """(echo sheet, A1) of a submission cell; the echo sheet's A1 when no cell is given."""
        if not sheet or sheet not in self.sheets:
            return None
        pos = _pos(ref) if ref else None
        if pos is None:
            return self.sheets[sheet].name, "A1"
        return self.sheets[sheet].name, xl_rowcol_to_cell(*pos)

    def position(self, sheet: str | None, ref: str) -> tuple[str, Pos] | None:
        """(echo sheet, 0-based row and column) of a submission cell (A1 when ``ref`` is none)."""
        if not sheet or sheet not in self.sheets:
            return None
        return self.sheets[sheet].name, _pos(ref) or (0, 0)

    def ref(self, cell: Cell | None) -> str | None:
        """An absolute reference to the echo of ``cell``: ``'收支情况(原表)'!$B$10``."""
        if cell is None or cell.sheet not in self.sheets:
            return None
        pos = _pos(cell.ref)
        return f"'{self.sheets[cell.sheet].name}'!{_abs(pos)}" if pos else None

    def field_ref(self, name: str) -> str | None:
        return self.ref(self.sub[name].cell)

    def column_range(self, table: TableData, key: str, computed: str | None = None
                     ) -> str | None:
        """The echo range of one column over a table's data rows."""
        if not table.rows or table.sheet not in self.sheets:
            return None
        letter = computed or table.columns.get(key)
        if letter is None:
            return None
        first, last = table.rows[0].number, table.rows[-1].number
        return f"'{self.sheets[table.sheet].name}'!${letter}${first}:${letter}${last}"

    # -- layout ------------------------------------------------------------------------------
    def _build(self, finding_sheets: tuple[str, ...]) -> None:
        sub = self.sub
        for source in S.SHEET_ORDER[1:]:  # the template's sheets first, in its order
            if any(v.cell and v.cell.sheet == source for v in sub.fields.values()) or \
                    any(data.sheet == source and data.header_row for _, data in sub.tables()):
                self.sheet(source)
        for source in finding_sheets:  # a sheet holding no value read, but a finding's cell
            self.sheet(source)
        for name, f in S.FIELDS.items():
            v = sub[name]
            if v.cell is not None:
                entry = data_entry(v, f.kind)
                width = FORM_WIDTHS[1]
                if entry.kind != Kind.LONGTEXT and isinstance(entry.value, str):
                    width = min(TEXT_MAX_WIDTH, max(width, text_units(entry.value) + 2))
                self._place(v.cell, entry, f.kind, width)
        for table, data in sub.tables():
            self._table(table, data)
        self._field_labels()
        self._titles()
        self.projects_computed_cols = self._project_columns()
        self.indicator_computed_cols = self._indicator_columns()
        self._typed_neighbours()
        for es in self.sheets.values():
            self._finish(es)

    def _finish(self, es: EchoSheet) -> None:
        """Widths for columns left unsized; the long texts continued below the data (row
        heights follow from the cells of each row while it is written)."""
        for c in range(es.last_col + 1):
            es.widths.setdefault(c, FORM_WIDTHS[1])
        es.clipped = self._continue_long_texts(es)

    def _continue_long_texts(self, es: EchoSheet) -> set[int]:
        """A text too long for one row (a row is at most 409 points high) keeps its whole value
        in its own cell, shown there by its first lines, and is printed in full below the
        sheet's data, a paragraph a row. The rows of the clipped cells."""
        long = []
        for (r, c), e in sorted(es.cells.items(), key=_at):
            if e.role == "data" and e.kind == Kind.LONGTEXT and isinstance(e.value, str) \
                    and e.merge_to is not None:
                width = sum(es.widths[i] for i in range(c, e.merge_to + 1))
                if text_lines(e.value, width) * line_height() + 4 > MAX_ROW_HEIGHT:
                    long.append(((r, c), e, width))
        if not long:
            return set()
        row = max(es.last_row(), self.finding_rows.get(es.source, 0)) + 2
        clipped = set()
        for (r, c), e, width in long:
            label = es.cells.get((r, c - 1))
            name = str(label.value) if label is not None and label.role == "label" else "长文本"
            if label is not None and label.role == "label":
                label.value = f"{name}（全文见本表第 {row + 1} 行起）"
            es.put((row, 0), Entry("section", f"{name}（全文，接第 {r + 1} 行）"))
            row += 1
            for part in _pieces(str(e.value), width):
                es.put((row, c), Entry("data", part, Kind.LONGTEXT, merge_to=e.merge_to))
                es.covered.update((row, c + i) for i in range(1, e.merge_to - c + 1))  # type: ignore[operator]
                row += 1
            row += 1
            clipped.add(r)
        return clipped

    def _place(self, cell: Cell, entry: Entry, kind: Kind, width: float = FORM_WIDTHS[1]
               ) -> None:
        pos = _pos(cell.ref)
        if pos is None:
            return
        es = self.sheet(cell.sheet)
        if not es.free(pos):
            return
        es.put(pos, entry, width)
        if kind == Kind.LONGTEXT:
            r, c = pos
            span = [(r, c + i) for i in range(1, LONGTEXT_SPAN)]
            if all(es.free(p) for p in span):
                entry.merge_to = c + LONGTEXT_SPAN - 1
                es.covered.update(span)

    def _table(self, table: S.Table, data: TableData) -> None:
        if data.header_row is None or not data.columns:
            return
        es = self.sheet(data.sheet)
        es.header_row = data.header_row - 1
        columns: dict[int, tuple[str, Kind]] = {}
        for col in table.columns:
            letter = data.columns.get(col.key)
            if letter is None:
                continue
            c = _col(letter)
            es.put((data.header_row - 1, c), Entry("header", col.label), col.width)
            columns[c] = (col.key, col.kind)
        rows: dict[int, Row] = {}
        for row in data.rows + ([data.total] if data.total else []):
            rows.setdefault(row.number - 1, row)
        es.tables.append(EchoTable(rows, dict(sorted(columns.items()))))

    def _field_labels(self) -> None:
        sub = self.sub
        grid_rows: dict[str, list[tuple[Pos, str]]] = {}
        for name, f in S.FIELDS.items():
            v = sub[name]
            pos = _pos(v.cell.ref) if v.cell else None
            if pos is None:
                continue
            es = self.sheets[v.cell.sheet]  # type: ignore[union-attr]
            if name.startswith(S.EXECUTION.key + "_"):
                rkey = name[len(S.EXECUTION.key) + 1:].split("_", 1)[0]
                grid_rows.setdefault(rkey, []).append((pos, v.cell.sheet))  # type: ignore[union-attr]
                continue
            es.offer((pos[0], pos[1] - 1), Entry("label", f.label), FORM_WIDTHS[0])
        # the 预算执行 grid: row labels left of each row, column labels above the first row
        labels = dict(S.EXECUTION.rows)
        tops: dict[str, tuple[Pos, str]] = {}
        for rkey, cells in grid_rows.items():
            (r, c), source = min(cells, key=lambda pc: pc[0][1])
            self.sheets[source].offer((r, c - 1), Entry("label", labels[rkey]), FORM_WIDTHS[0])
        for col in S.EXECUTION.columns:
            cells = [(pos, v.cell.sheet) for rkey, _ in S.EXECUTION.rows
                     for v in [sub[f"exec_{rkey}_{col.key}"]] if v.cell
                     for pos in [_pos(v.cell.ref)] if pos is not None]
            if cells:
                (r, c), source = min(cells)
                tops[col.key] = ((r, c), source)
                self.sheets[source].offer((r - 1, c), Entry("header", col.label), col.width)
        if tops:
            (r, c), source = min(tops.values())
            es = self.sheets[source]
            es.offer((r - 1, c - 1), Entry("header", S.EXECUTION.row_header))
            es.offer((r - 2, 0), Entry("section", f"{S.EXECUTION.title}（单位：万元）"))
        # section headings above each section's first field
        for sheet in S.FORM_SHEETS:
            for section in sheet.sections:
                self._section_title(section.title, [f.name for f in section.fields])
        self._section_title("预算执行率指标", [f.name for f in S.BUDGET_INDICATOR])

    def _section_title(self, title: str, names: list[str]) -> None:
        cells = [self.sub[n].cell for n in names if self.sub[n].cell]
        if not cells:
            return
        first = cells[0]
        pos = _pos(first.ref)  # type: ignore[union-attr]
        if pos and first.sheet in self.sheets:  # type: ignore[union-attr]
            self.sheets[first.sheet].offer((pos[0] - 1, 0), Entry("section", title))  # type: ignore[union-attr]

    def _titles(self) -> None:
        for es in self.sheets.values():
            es.offer((0, 0), Entry("title", f"{es.source}（填报表原始数据）"))
            es.offer((1, 0), Entry("note", INTRO))
            for table, data in self.sub.tables():
                if data.sheet == es.source and data.header_row and data.header_row > 1:
                    es.offer((data.header_row - 2, 0), Entry("section", table.title))

    def _computed_column(self, data: TableData, n: int) -> list[int]:
        """``n`` free columns right of a table, for its computed figures."""
        es = self.sheets[data.sheet]
        cols = [_col(letter) for letter in data.columns.values()]
        rows = [data.header_row - 1] + [r.number - 1 for r in data.rows]  # type: ignore[operator]
        start = max(cols) + 1
        while not all(es.free((r, c)) for r in rows for c in range(start, start + n)):
            start += 1
        return list(range(start, start + n))

    def _project_columns(self) -> dict[str, str]:
        data = self.sub.projects
        if data.header_row is None or not {"budget", "actual"} <= set(data.columns):
            return {}
        es = self.sheets[data.sheet]
        rate_col, unspent_col = self._computed_column(data, 2)
        hr = data.header_row - 1
        es.put((hr, rate_col), Entry("header", "计算执行率"), COMPUTED_WIDTH)
        es.put((hr, unspent_col), Entry("header", "未执行额"), COMPUTED_WIDTH)
        b, a = data.columns["budget"], data.columns["actual"]
        projects = {p.row.number - 1: p for p in self.calc.projects}

        def rate(r: int) -> Entry | None:
            p = projects.get(r)
            if p is None or p.execution_rate_pct is None:
                return None
            return Entry("formula", cached(p.execution_rate_pct, "%"),
                         formula=X.share(f"{a}{r + 1}", f"{b}{r + 1}"), unit="%")

        def unspent(r: int) -> Entry | None:
            p = projects.get(r)
            if p is None or p.unspent is None:
                return None
            return Entry("formula", float(p.unspent), formula=f"{b}{r + 1}-{a}{r + 1}", unit="万元")

        self._add_computed(es, projects, {rate_col: rate, unspent_col: unspent})
        return {"rate": xl_col_to_name(rate_col), "unspent": xl_col_to_name(unspent_col)}

    def _indicator_columns(self) -> dict[str, str]:
        data = self.sub.indicators
        needed = {"nature", "target", "actual", "weight", "score"}
        if data.header_row is None or not needed <= set(data.columns):
            return {}
        es = self.sheets[data.sheet]
        done_col, score_col = self._computed_column(data, 2)
        hr = data.header_row - 1
        es.put((hr, done_col), Entry("header", "完成率"), COMPUTED_WIDTH)
        es.put((hr, score_col), Entry("header", "计算得分"), COMPUTED_WIDTH)
        col = data.columns
        indicators = {ind.row.number - 1: ind for ind in self.calc.indicators}
        bands = self.calc.bands

        def refs(r: int) -> tuple[str, str, str, str]:
            ind = indicators[r]
            n = r + 1
            adjusted = "target_adjusted" in col and isinstance(ind.row.measure("target_adjusted"), Decimal)
            t = f"{col['target_adjusted' if adjusted else 'target']}{n}"  # what was scored against
            return t, f"{col['actual']}{n}", f"{col['weight']}{n}", f"{col['score']}{n}"

        def done(r: int) -> Entry | None:
            ind = indicators.get(r)
            if ind is None or ind.completion_pct is None:
                return None
            t, a, _, _ = refs(r)
            f = X.completion(ind.nature, t, a)
            return Entry("formula", cached(ind.completion_pct, "%"), formula=f, unit="%") if f else None

        def score(r: int) -> Entry | None:
            ind = indicators.get(r)
            if ind is None or ind.score_computed is None:
                return None
            t, a, w, s = refs(r)
            f = X.indicator_score(ind.nature, t, a, w, s, bands)
            return Entry("formula", float(ind.score_computed), formula=f, unit="分") if f else None

        self._add_computed(es, indicators, {done_col: done, score_col: score})
        return {"completion": xl_col_to_name(done_col), "score": xl_col_to_name(score_col)}

    @staticmethod
    def _add_computed(es: EchoSheet, rows: dict[int, Any], columns: dict[int, RowCell]) -> None:
        """Computed columns beside the table whose rows they are about (on the rows of no table
        read, which a table found by its labels never leaves, a table of their own)."""
        for t in es.tables:
            if any(r in t.rows for r in rows):
                t.computed.update(columns)
                return
        es.tables.append(EchoTable({r: rows[r].row for r in rows}, {}, dict(columns)))

    def _typed_neighbours(self) -> None:
        """Each computed total or rate next to the department's own figure."""
        for m in METRICS:
            if not m.typed or m.key.endswith(".self") or m.key not in self.metric_cells:
                continue
            value = self.calc.metrics.get(m.key)
            cell = self.sub[m.typed].cell
            pos = _pos(cell.ref) if cell else None
            if value is None or pos is None or cell.sheet not in self.sheets:  # type: ignore[union-attr]
                continue
            es = self.sheets[cell.sheet]  # type: ignore[union-attr]
            r, c = pos
            c += 1
            while not (es.free((r, c)) and es.free((r, c + 1))):
                c += 1
            es.put((r, c), Entry("formula", cached(value, m.unit), formula=self.metric_cells[m.key],
                                 unit=m.unit), COMPUTED_WIDTH)
            es.put((r, c + 1), Entry("note", f"← 计算值：{m.label}"))

    # -- ranges for the metrics sheet -------------------------------------------------------
    def indicator_scores(self) -> str | None:
        col = self.indicator_computed_cols.get("score")
        return self.column_range(self.sub.indicators, "score", col) if col else None

    def indicator_completion(self, row: int) -> str | None:
        col = self.indicator_computed_cols.get("completion")
        if not col:
            return None
        return f"'{self.sheets[self.sub.indicators.sheet].name}'!${col}${row}"
