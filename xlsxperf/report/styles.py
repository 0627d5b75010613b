"""Fonts, colours and number formats of the output workbooks, and a cache of XlsxWriter formats."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from ..model import Severity
from ..schema import Kind

FONT = "宋体"
FONT_SIZE = 11
WORKBOOK_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "default_format_properties": {"font_name": FONT, "font_size": FONT_SIZE},
}


def workbook_options(**extra: Any) -> dict[str, Any]:
    """XlsxWriter's workbook options, made afresh: XlsxWriter writes into the default format
    properties it is given, and a workbook made from a used set would differ (its default font
    tied to the theme's) from one made first in the process."""
    return {**WORKBOOK_OPTIONS, "default_format_properties": {"font_name": FONT, "font_size": FONT_SIZE},
            **extra}

# Marked cells must stand out from the template's light-yellow input cells (FFF7D6) on screen
# and on paper: red, orange and blue, each with a darker border and text colour of its own.
SEVERITY_FILL = {Severity.ERROR: "#FF5A5A", Severity.WARNING: "#F4B084", Severity.INFO: "#9BC2E6"}
SEVERITY_FONT = {Severity.ERROR: "#3F0000", Severity.WARNING: "#4D2200", Severity.INFO: "#0B2F57"}
SEVERITY_BORDER = {Severity.ERROR: "#C00000", Severity.WARNING: "#C55A11", Severity.INFO: "#2E75B6"}
SEVERITY_COLOUR_ZH = {Severity.ERROR: "红色", Severity.WARNING: "橙色", Severity.INFO: "蓝色"}
INPUT_FILL = "#FFF7D6"  # the template's input cells (xlsxperf.template)
HEADER_FILL = "#EDEDED"
SECTION_FILL = "#D9D9D9"
COMPUTED_FILL = "#E2EFDA"
NOTE_COLOR = "#595959"
LINK_COLOR = "#0563C1"

AMOUNT_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.00%"
SCORE_FORMAT = "0.00"
COUNT_FORMAT = "0"

KIND_FORMATS = {
    Kind.AMOUNT: AMOUNT_FORMAT,
    Kind.INTEGER: COUNT_FORMAT,
    Kind.YEAR: COUNT_FORMAT,
    Kind.PERCENT: PERCENT_FORMAT,
    Kind.SCORE: SCORE_FORMAT,
    Kind.DATE: "yyyy-mm-dd",
    Kind.MEASURE: "General",
}
UNIT_FORMATS = {"万元": AMOUNT_FORMAT, "%": PERCENT_FORMAT, "分": SCORE_FORMAT, "人": COUNT_FORMAT}

FORMULA_TEXT_START = ("=", "+", "-", "@")


def looks_like_formula(text: str) -> bool:
    """Text a spreadsheet would take for a formula if it were typed into a cell."""
    return text.lstrip().startswith(FORMULA_TEXT_START)


ROLES: dict[str, dict[str, Any]] = {
    "plain": {},
    "title": {"bold": True, "font_size": 16},
    "subtitle": {"font_size": 12, "font_color": NOTE_COLOR},
    "heading": {"bold": True, "font_size": 12, "bottom": 2},
    "section": {"bold": True, "bg_color": SECTION_FILL, "border": 1},
    "header": {"bold": True, "bg_color": HEADER_FILL, "border": 1, "align": "center",
               "text_wrap": True},
    "label": {"border": 1, "text_wrap": True},
    "data": {"border": 1},
    "text": {"border": 1, "text_wrap": True},
    "longtext": {"border": 1, "text_wrap": True, "valign": "top"},
    "computed": {"border": 1, "bg_color": COMPUTED_FILL},
    "note": {"font_color": NOTE_COLOR, "font_size": 9},
    "wrapnote": {"font_color": NOTE_COLOR, "text_wrap": True},
    "link": {"border": 1, "font_color": LINK_COLOR, "underline": 1},
    "paragraph": {"text_wrap": True, "valign": "top"},
}


class Styles:
    """XlsxWriter formats made on demand and shared: one per distinct set of properties."""

    def __init__(self, wb: Any) -> None:
        self.wb = wb
        self._cache: dict[tuple, Any] = {}

    def __call__(self, role: str = "plain", num_format: str | None = None,
                 severity: Severity | None = None, quote: bool = False, **extra: Any) -> Any:
        key = (role, num_format, severity, quote, *sorted(extra.items())) if extra else \
            (role, num_format, severity, quote)
        if key not in self._cache:
            props: dict[str, Any] = {"font_name": FONT, "font_size": FONT_SIZE, "valign": "vcenter"}
            props.update(ROLES[role])
            if num_format:
                props["num_format"] = num_format
            if severity is not None:
                props["bg_color"] = SEVERITY_FILL[severity]
                props["pattern"] = 1
            if quote:
                props["quote_prefix"] = True
            props.update(extra)
            self._cache[key] = self.wb.add_format(props)
        return self._cache[key]


MAX_ROW_HEIGHT = 409  # points, Excel's limit for one row


WIDE_PUNCTUATION = "“”‘’…—·"  # printed full width by CJK fonts
_WIDE = re.compile(f"[\u2e81-\U0010ffff{WIDE_PUNCTUATION}]")


def char_units(ch: str) -> int:
    """Width of one character in column-width units (see :func:`text_units`)."""
    return 2 if ch >= "\u2e81" or ch in WIDE_PUNCTUATION else 1


def text_units(text: str) -> int:
    """Width of one line of text in column-width units (the width of a digit at the default
    font size): a CJK character, and the punctuation CJK fonts print full width, count two."""
    if text.isascii():
        return len(text)
    return 2 * len(text) - len(_WIDE.sub("", text))


LINK_CJK_UNITS = 1.6  # LibreOffice prints a CJK character about 1.6 digits wide


def link_units(text: str) -> float:
    """Width a linked text takes on one line: LibreOffice never wraps a hyperlink's text, so a
    column holding links must be at least this wide (CJK at the width LibreOffice prints it)."""
    return len(text) + (LINK_CJK_UNITS - 1) * len(_WIDE.findall(text))


def text_lines(text: str, width: float, font_size: float = FONT_SIZE) -> int:
    """Lines ``text`` takes when wrapped in a column ``width`` units wide, at ``font_size``."""
    per_line = max(1, int(width * FONT_SIZE / font_size) - 1)
    lines = text.splitlines()
    if text_units(text) <= per_line:  # every line fits
        return len(lines) or 1
    return sum(max(1, -(-text_units(line) // per_line)) for line in lines or [""])


def line_height(font_size: float = FONT_SIZE) -> float:
    """Points one printed line of wrapped text takes, with room for CJK glyphs."""
    return font_size * 1.4


def row_height(cells: Sequence[tuple[str, float]], font_size: float = FONT_SIZE,
               minimum: float = 15.0) -> float:
    """The height in points that shows every wrapped text of a row (``(text, width)`` pairs,
    widths in column units); rows with wrapped text are not resized by every spreadsheet
    program, so the writers set them."""
    lines = max((text_lines(text, width, font_size) for text, width in cells), default=1)
    return min(MAX_ROW_HEIGHT, max(minimum, lines * line_height(font_size) + 4))


def header_text(text: str, limit: int = 60) -> str:
    """Text for a page header: ``&`` doubled (it starts a code), cut to ``limit`` characters."""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text.replace("&", "&&")


def page_header(ws: Any, left: str, right: str = "&A") -> None:
    """``left`` (already made safe by :func:`header_text`) and the sheet name on every page."""
    ws.set_header(f"&L&9{left}&R&9{right}")


def print_setup(ws: Any, landscape: bool, repeat: tuple[int, int] | None = None) -> None:
    """A4, fit to one page wide, centred, page numbers in the footer."""
    ws.set_paper(9)
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    if repeat is not None:
        ws.repeat_rows(*repeat)
    ws.set_footer("&C第 &P 页，共 &N 页")
