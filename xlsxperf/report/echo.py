"""The echo sheets: the submission's data at the submission's own cell addresses.

Each sheet of the submission that holds data gets one echo sheet (``收支情况`` ->
``收支情况(原表)``) on which every value read sits in the same A1 cell as in the submission,
so a finding about ``收支情况!B10`` is found at ``'收支情况(原表)'!B10``. Labels and headings
are put back where they are free; computed columns (执行率, 完成率, 计算得分) go to the right
of the tables, each a formula over the echoed cells carrying the computed value.

Values are echoed as read: numbers the reader understood as numbers (``"1,200.50万元"`` ->
1200.5), everything it could not read as its raw text, so that a spreadsheet's SUM treats
them as the evaluation did. This module only plans the cells; :mod:`.evaluation` writes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from xlsxwriter.utility import xl_cell_to_rowcol, xl_col_to_name, xl_rowcol_to_cell

from .. import formulas as X
from .. import schema as S
from ..metrics import METRICS
from ..model import Cell, Parse, Value
from ..schema import Kind
from ..values import decimal_from_float
from .names import sheet_name
from .styles import MAX_ROW_HEIGHT, line_height, row_height, text_lines, text_units

if TYPE_CHECKING:
    from ..calc import Calc
    from ..model import Submission, TableData

Pos = tuple[int, int]  # 0-based row, column

ECHO_SUFFIX = "(原表)"
FORM_WIDTHS = {0: 26.0, 1: 18.0}
COMPUTED_WIDTH = 12.0
TEXT_MAX_WIDTH = 40.0
LONGTEXT_SPAN = 5  # a long text is shown across its cell and the next columns, as in the template


@dataclass
class Entry:
    """One planned cell of an echo sheet."""

    role: str  # data, blank, label, header, section, title, note, formula
    value: Any = None  # data: the value to write; formula: the cached value
    kind: Kind | None = None  # data: the field's kind (number format, text or long text)
    formula: str | None = None
    unit: str = ""  # formula: 万元, %, 分, 人 or "" (text)
    merge_to: int | None = None  # long text: last column of its merged range


@dataclass
class EchoSheet:
    source: str  # the submission's sheet name
    name: str  # the echo sheet's name
    cells: dict[Pos, Entry] = field(default_factory=dict)
    widths: dict[int, float] = field(default_factory=dict)
    heights: dict[int, float] = field(default_factory=dict)
    header_row: int | None = None  # a table header: frozen and repeated when printing
    covered: set[Pos] = field(default_factory=set)  # cells inside merged ranges

    def free(self, pos: Pos) -> bool:
        return pos[0] >= 0 and pos[1] >= 0 and pos not in self.cells and pos not in self.covered

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
    def last_col(self) -> int:
        return max([c for _, c in self.cells] + [c for _, c in self.covered], default=0)

    @property
    def landscape(self) -> bool:
        return self.last_col > 6


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
        piece, units = "", 0
        for ch in line:
            units += text_units(ch)
            if units > budget:
                cut = piece.rfind("。") + 1 or len(piece)
                out.append(piece[:cut])
                piece = piece[cut:]
                units = text_units(piece) + text_units(ch)
            piece += ch
        out.append(piece)
    return out


def cached(v: Decimal | str | None, unit: str) -> Any:
    """A computed figure as XlsxWriter takes it: percent values as fractions, numbers as float."""
    if isinstance(v, Decimal):
        return float(v / 100) if unit == "%" else float(v)
    return v


def _pos(ref: str) -> Pos | None:
    try:
        return xl_cell_to_rowcol(ref.replace("$", "").split(":")[0])
    except Exception:
        return None


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
        """Widths for columns left unsized; row heights for wrapped texts."""
        for c in range(es.last_col + 1):
            es.widths.setdefault(c, FORM_WIDTHS[1])
        clipped = self._continue_long_texts(es)
        texts: dict[int, list[tuple[str, float]]] = {}
        long: set[int] = set()
        for (r, c), entry in es.cells.items():
            if entry.role in ("data", "label", "header") and isinstance(entry.value, str):
                width = sum(es.widths[i] for i in range(c, (entry.merge_to or c) + 1))
                texts.setdefault(r, []).append((entry.value, width))
                if entry.merge_to is not None:
                    long.add(r)
        for r, cells in texts.items():
            es.heights[r] = row_height(cells, minimum=30 if r in long else 15)
        for r in clipped:
            es.heights[r] = CLIPPED_LINES * line_height() + 4

    def _continue_long_texts(self, es: EchoSheet) -> set[int]:
        """A text too long for one row (a row is at most 409 points high) keeps its whole value
        in its own cell, shown there by its first lines, and is printed in full below the
        sheet's data, a paragraph a row. The rows of the clipped cells."""
        long = []
        for (r, c), e in sorted(es.cells.items()):
            if e.role == "data" and e.kind == Kind.LONGTEXT and isinstance(e.value, str) \
                    and e.merge_to is not None:
                width = sum(es.widths[i] for i in range(c, e.merge_to + 1))
                if text_lines(e.value, width) * line_height() + 4 > MAX_ROW_HEIGHT:
                    long.append(((r, c), e, width))
        if not long:
            return set()
        used = [r for r, _ in es.cells] + [r for r, _ in es.covered]
        row = max(used + [self.finding_rows.get(es.source, 0)]) + 2
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
        for col in table.columns:
            letter = data.columns.get(col.key)
            if letter is None:
                continue
            c = _pos(f"{letter}1")[1]  # type: ignore[index]
            es.put((data.header_row - 1, c), Entry("header", col.label), col.width)
        rows = data.rows + ([data.total] if data.total else [])
        for row in rows:
            for col in table.columns:
                cell = data.cell(col.key, row.number)
                if cell is not None and col.key in row.values:
                    self._place(cell, data_entry(row[col.key], col.kind), col.kind, col.width)

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
            es.offer((1, 0), Entry("note", "单元格位置与填报表一致；绿色为计算值（公式），"
                                        "有问题的单元格按级别着色并附批注。"))
            for table, data in self.sub.tables():
                if data.sheet == es.source and data.header_row and data.header_row > 1:
                    es.offer((data.header_row - 2, 0), Entry("section", table.title))

    def _computed_column(self, data: TableData, n: int) -> list[int]:
        """``n`` free columns right of a table, for its computed figures."""
        es = self.sheets[data.sheet]
        cols = [_pos(f"{letter}1")[1] for letter in data.columns.values()]  # type: ignore[index]
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
        for p in self.calc.projects:
            r = p.row.number
            if p.execution_rate_pct is not None:
                es.put((r - 1, rate_col), Entry("formula", cached(p.execution_rate_pct, "%"),
                                                formula=X.share(f"{a}{r}", f"{b}{r}"), unit="%"))
            if p.unspent is not None:
                es.put((r - 1, unspent_col), Entry("formula", float(p.unspent),
                                                   formula=f"{b}{r}-{a}{r}", unit="万元"))
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
        for ind in self.calc.indicators:
            r = ind.row.number
            a, w, s = (f"{col[k]}{r}" for k in ("actual", "weight", "score"))
            adjusted = "target_adjusted" in col and isinstance(ind.row.measure("target_adjusted"), Decimal)
            t = f"{col['target_adjusted' if adjusted else 'target']}{r}"  # what was scored against
            if ind.completion_pct is not None:
                f = X.completion(ind.nature, t, a)
                if f:
                    es.put((r - 1, done_col), Entry("formula", cached(ind.completion_pct, "%"),
                                                    formula=f, unit="%"))
            if ind.score_computed is not None:
                f = X.indicator_score(ind.nature, t, a, w, s, self.calc.bands)
                if f:
                    es.put((r - 1, score_col), Entry("formula", float(ind.score_computed),
                                                     formula=f, unit="分"))
        return {"completion": xl_col_to_name(done_col), "score": xl_col_to_name(score_col)}

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
