"""Turning raw cell contents into typed values (SPEC section 3). Pure functions.

Numbers may arrive as numbers or as text: ``414.31``, ``"414.31万元"``, ``"1,234.5"``,
full-width ``"４１４．３１"``, ``"65.11%"``, ``" 18 "``. ``"—"``, ``"-"``, ``"/"``, ``"无"``
and blank mean "not filled". Amounts and ratios become :class:`~decimal.Decimal`, never float.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from .books import EPOCH_1900
from .model import Parse, Scalar, Value, as_decimal
from .schema import (
    CHOICE_WORDS,
    QUALITATIVE_WORDS,
    UNIT_SYNONYMS,
    VALUE_PREFIXES,
    VALUE_SUFFIXES,
    Kind,
)

NOT_FILLED = frozenset({"", "-", "--", "—", "——", "–", "/", "无", "n/a", "na", "\\", "空", "—/—"})

# unit -> factor to the amount unit 万元; other units are just dropped for their kinds
AMOUNT_UNITS = {"万元": Decimal(1), "亿元": Decimal(10000), "元": Decimal("0.0001"), "万": Decimal(1)}
COUNT_UNITS = ("人", "个", "名", "家", "次", "年", "年度", "项")
SCORE_UNITS = ("分",)

_NUMBER_WITH_UNIT = re.compile(r"^([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)(.*)$", re.IGNORECASE)
# No amount, count or ratio reaches 10^15 (a spreadsheet keeps 15 significant digits); larger
# numbers are typing accidents, and would overflow the 28-digit decimal arithmetic of the rules.
MAX_MAGNITUDE = Decimal(10) ** 15
TOO_LARGE = "数值过大，不是有效的数字"


@dataclass(frozen=True)
class Parsed:
    value: Scalar
    parse: Parse
    note: str = ""


@lru_cache(maxsize=4096)  # a workbook repeats its words (产出指标, ≥, 万元 …) row after row
def normalize_text(text: str) -> str:
    """NFKC (full-width to half-width), strip spaces of every width."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def normalize_label(text: Any) -> str:
    """Compare labels loosely: width, spaces, required marks and trailing colons ignored."""
    return _label(text) if isinstance(text, str) else ""


@lru_cache(maxsize=4096)
def _label(text: str) -> str:
    t = normalize_text(text).strip("*:")
    return t.replace("（", "(").replace("）", ")")


def strip_parenthetical(label: str) -> str:
    return re.sub(r"\([^)]*\)", "", label)


def is_not_filled(raw: Any) -> bool:
    if raw is None:
        return True
    if isinstance(raw, str):
        return normalize_text(raw).lower() in NOT_FILLED
    return False


def decimal_from_float(x: float) -> Decimal:
    """A float cell as the 15 significant digits a spreadsheet shows, never float noise."""
    return Decimal(format(x, ".15g"))


def round_half_up(x: Decimal, places: int = 2) -> Decimal:
    """Half-up to ``places`` decimals, with the precision the number needs however large."""
    digits = max(28, x.adjusted() + places + 2) if x.is_finite() else 28
    return x.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP,
                      context=Context(prec=digits))


def _text_number(text: str) -> tuple[Decimal, str] | None:
    """``"1,234.5万元"`` -> (Decimal("1234.5"), "万元"); None when it is not a number."""
    t = normalize_text(text).replace(",", "").replace("−", "-")
    accounting = re.fullmatch(r"\((.*)\)", t)
    if accounting:
        t = "-" + accounting.group(1)
    m = _NUMBER_WITH_UNIT.match(t)
    if not m:
        return None
    try:
        number = Decimal(m.group(1))
    except InvalidOperation:
        return None
    return number, m.group(2)


def _out_of_range(number: Decimal) -> str | None:
    """Why a number written as text is no figure a form can mean, or None: 10^15 and over, or
    under 10^-30 unless zero (1e-999999999 is no amount, and would overflow a ratio)."""
    if number.copy_abs() >= MAX_MAGNITUDE:
        return TOO_LARGE
    if number and number.adjusted() < -30:
        return "数值过小，不是有效的数字"
    return None


def _shown(number: Decimal) -> str:
    """A number for a note as people write it (1200, 0.05), or in E notation when it is far
    from both: a text cell "1e-400" must not become a note of 400 zeros."""
    if number and abs(number.adjusted()) > 30:
        return f"{number:E}"
    return f"{number.normalize():f}"


def parse_number(raw: Any, kind: Kind, number_format: str = "General") -> Parsed:
    """Parse a raw cell value for a numeric kind (amount, integer, percent, score, year)."""
    if is_not_filled(raw):
        return Parsed(None, Parse.BLANK)
    if isinstance(raw, bool):
        return Parsed(None, Parse.INVALID, "逻辑值不是数字")
    if isinstance(raw, (int, float)):
        number = decimal_from_float(raw) if isinstance(raw, float) else Decimal(raw)
        if kind in (Kind.PERCENT, Kind.MEASURE) and "%" in (number_format or ""):
            number = number * 100
        return _finish(number, kind, Parse.OK, "")
    if isinstance(raw, (datetime, date)):
        return Parsed(None, Parse.INVALID, "日期不是数字")
    if not isinstance(raw, str):
        return Parsed(None, Parse.INVALID, f"无法识别的内容 {raw!r}")
    found = _text_number(raw)
    if found is None:
        return Parsed(None, Parse.INVALID)
    number, unit = found
    refused = _out_of_range(number)  # "1e999999": said so, before any arithmetic overflows
    if refused:
        return Parsed(None, Parse.INVALID, refused)
    note = f"按 {_shown(number)}"
    if kind == Kind.AMOUNT:
        if unit and unit not in AMOUNT_UNITS:
            return Parsed(None, Parse.INVALID, f"单位“{unit}”不是金额单位")
        if unit in ("亿元", "元"):
            number = number * AMOUNT_UNITS[unit]
            note = f"按 {_shown(number)} 万元"
    elif kind == Kind.PERCENT:
        if unit not in ("", "%"):
            return Parsed(None, Parse.INVALID, "不是百分比")
    elif kind in (Kind.INTEGER, Kind.YEAR):
        if unit and unit not in COUNT_UNITS:
            return Parsed(None, Parse.INVALID, f"单位“{unit}”不对")
    elif kind == Kind.SCORE:
        if unit and unit not in SCORE_UNITS:
            return Parsed(None, Parse.INVALID, f"单位“{unit}”不是分")
    # MEASURE: the indicator has its own unit column; any unit text is dropped
    return _finish(number, kind, Parse.NORMALIZED, note)


def _finish(number: Decimal, kind: Kind, parse: Parse, note: str) -> Parsed:
    if not number.is_finite():
        return Parsed(None, Parse.INVALID, "不是有限数字")
    if number.copy_abs() >= MAX_MAGNITUDE:
        return Parsed(None, Parse.INVALID, TOO_LARGE)
    if kind in (Kind.INTEGER, Kind.YEAR):
        if number != number.to_integral_value():
            return Parsed(None, Parse.INVALID, f"{number:f} 不是整数")
        return Parsed(int(number), parse, note)
    return Parsed(number, parse, note)


_DATE_TEXT = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


def parse_date(raw: Any, epoch: datetime = EPOCH_1900) -> Parsed:
    if is_not_filled(raw):
        return Parsed(None, Parse.BLANK)
    if isinstance(raw, datetime):
        return Parsed(raw.date(), Parse.OK)
    if isinstance(raw, date):
        return Parsed(raw, Parse.OK)
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if 1 <= raw < 2958466:  # Excel serial day numbers up to 9999-12-31
            day = (epoch + timedelta(days=float(raw))).date()
            return Parsed(day, Parse.NORMALIZED, f"按日期 {day.isoformat()}")
        return Parsed(None, Parse.INVALID, f"{raw} 不是日期")
    if isinstance(raw, str):
        t = normalize_text(raw)
        m = _DATE_TEXT.match(t) or (re.fullmatch(r"(\d{4})(\d{2})(\d{2})", t))
        if m:
            try:
                day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return Parsed(None, Parse.INVALID, "不是有效日期")
            return Parsed(day, Parse.NORMALIZED, f"按日期 {day.isoformat()}")
    return Parsed(None, Parse.INVALID, "不是日期")


def parse_text(raw: Any) -> Parsed:
    if is_not_filled(raw):
        return Parsed(None, Parse.BLANK)
    if isinstance(raw, str):
        return Parsed(raw.strip(), Parse.OK)
    if isinstance(raw, float):
        return Parsed(format(decimal_from_float(raw), "f"), Parse.OK)
    if isinstance(raw, datetime):
        return Parsed(raw.date().isoformat(), Parse.OK)
    return Parsed(str(raw), Parse.OK)


_POINTS = re.compile(r"^(.*指标)\(\d+(?:\.\d+)?分\)$")  # 产出指标（50分）, as the forms print a level


def parse_choice(raw: Any, choices: tuple[str, ...]) -> Parsed:
    """One of ``choices``, as written or in a wording the forms use (a column's reader parses
    each distinct cell once: see read.Locator.table)."""
    if is_not_filled(raw):
        return Parsed(None, Parse.BLANK)
    t = normalize_label(str(raw))
    for choice in choices:
        if t == normalize_label(choice):
            return Parsed(choice, Parse.OK)
    word = CHOICE_WORDS.get(t)
    if word is not None and word in choices:  # >=, 正向指标, 定性指标 for 指标性质; 优秀 for 优
        return Parsed(word, Parse.NORMALIZED, f"按“{word}”")
    points = _POINTS.match(t)
    if points and points.group(1) in choices:  # 产出指标（50分）: the forms print the points
        return Parsed(points.group(1), Parse.OK, f"按“{points.group(1)}”")
    for choice in choices:  # 数量 for 数量指标
        if choice.endswith("指标") and t == normalize_label(choice[:-2]):
            return Parsed(choice, Parse.NORMALIZED, f"按“{choice}”")
    return Parsed(str(raw).strip(), Parse.INVALID, "不在可选项中")


def _bare(text: str) -> str:
    """Width, spaces and punctuation ignored: how level words are compared."""
    return re.sub(r"[\s,.;:!?、，。；：！？\"'“”‘’()（）]", "", unicodedata.normalize("NFKC", text))


def qualitative_level(text: Any) -> str | None:
    """达成 / 部分达成 / 未达成 for the official long and short forms
    (``"部分达成年度指标并具有一定效果"`` -> ``"部分达成"``); None for any other words."""
    return QUALITATIVE_WORDS.get(_bare(text)) if isinstance(text, str) else None


def normalize_unit(unit: str) -> str:
    """One spelling per unit: ``"百分比"``, ``"％"`` -> ``"%"``; width and spaces ignored."""
    u = normalize_text(unit)
    return UNIT_SYNONYMS.get(u, u).lower()


@dataclass(frozen=True)
class Measure:
    """What a 指标值 / 完成值 written as text says: ``"≥18个"`` -> ≥, 18, 个."""

    number: Decimal
    op: str | None = None  # ≥ ≤ =, or None when none is written
    strict: bool = False  # written > or <: scored as ≥ / ≤
    unit: str | None = None  # normalised (百分比 -> %); "" none written; None not a unit
    written_op: str = ""  # the operator as written: ≥, 不低于, 以上 …


_LEADING_NUMBER = re.compile(r"^([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)(.*)$")  # 1.2e3: as Excel shows it
_UNIT_TEXT = re.compile(r"^[^\d+\-=<>≥≤]{1,4}$")  # 个, 万元, 人次, 个工作日


@lru_cache(maxsize=4096)  # a cell's 指标值 is read by the reader and by several rules
def split_measure(text: str) -> Measure | None:
    """``[operator] number [unit] [以上 / 以内 …]`` -> :class:`Measure`; None when the text is not
    a number so written (words, a level, a number buried in a sentence)."""
    t = normalize_text(text).replace("−", "-")
    t = re.sub(r"(?<=\d),(?=\d{3})", "", t)  # 1,200
    op, strict, written = None, False, ""
    for word, nature, is_strict in VALUE_PREFIXES:
        if t.startswith(word):
            op, strict, written, t = nature, is_strict, word, t[len(word):]
            break
    percent_first = t.startswith("百分之")  # 百分之95
    if percent_first:
        t = t[3:]
    m = _LEADING_NUMBER.match(t)
    if not m:
        return None
    try:
        number = Decimal(m.group(1))  # digits, one point at most, an exponent
    except InvalidOperation:  # an exponent beyond any Decimal: refused (parse_number)
        return None
    if _out_of_range(number):
        return None  # read as a number, and refused as too large or too small (parse_number)
    rest = m.group(2)
    for word, nature in VALUE_SUFFIXES:
        if rest.endswith(word):
            if op is not None and op != nature:
                return None  # ≥95%以下: contradicts itself
            op, written, rest = nature, written or word, rest[: -len(word)]
            break
    unit: str | None = "%" if percent_first and not rest else normalize_unit(rest) if rest else ""
    if rest and not _UNIT_TEXT.match(rest):
        unit = None  # "18个月内完成": not a unit
    return Measure(number, op, strict, unit, written)


def measure_of(raw: Any, number_format: str = "General") -> Measure | None:
    """The :class:`Measure` of a raw 指标值 / 完成值 cell: text as written, a number with its
    percent format (95% typed into a cell reads as 95, unit %); None for words and blanks."""
    if isinstance(raw, bool) or is_not_filled(raw):
        return None
    if isinstance(raw, (int, float)):
        number = decimal_from_float(raw) if isinstance(raw, float) else Decimal(raw)
        percent = "%" in (number_format or "")
        return Measure(number * 100 if percent else number, unit="%" if percent else "")
    if isinstance(raw, str) and qualitative_level(raw) is None:
        return split_measure(raw)
    return None


def measure_of_value(v: Value) -> Measure | None:
    """The :class:`Measure` of a read 指标值 / 完成值: as written when it was text; a number cell
    shown as a percent (read as 95 from 0.95) has the unit %. None for words and levels."""
    if isinstance(v.raw, str):
        return measure_of(v.raw) if isinstance(v.value, Decimal) else None
    number = v.value
    if not isinstance(number, Decimal) or isinstance(v.raw, bool) \
            or not isinstance(v.raw, (int, float)):
        return None
    raw = decimal_from_float(v.raw) if isinstance(v.raw, float) else Decimal(v.raw)
    return Measure(number, unit="%" if number != raw else "")


def parse_measure(raw: Any, number_format: str = "General") -> Parsed:
    """An indicator's 指标值 / 完成值: a number (with the operator and unit the forms write in it:
    ``"≥18个"``, ``"≤1%"``, ``"不低于95%"``), one of the 定性 levels in its official long or
    short form, or words (a 定性 target)."""
    if is_not_filled(raw):
        return Parsed(None, Parse.BLANK)
    if isinstance(raw, str):
        level = qualitative_level(raw)
        if level is not None:
            return Parsed(level, Parse.OK)
        m = split_measure(raw)
        if m is None:
            if _text_number(raw) is not None:  # (12.50), 1.2e3: a number all the same
                return parse_number(raw, Kind.MEASURE, number_format)
            return Parsed(raw.strip(), Parse.OK)  # a 定性 target described in words
        note = f"按 {_shown(m.number)}"
        if m.strict:
            note += f"（“{m.written_op}”按“{m.op}”计分）"
        # written the forms' way (≥18个, 26次, 95%): taken as it is; anything else is noted (F003)
        official = (m.op is not None or m.unit) and m.unit is not None and not m.strict \
            and normalize_text(raw) == raw.strip()
        return _finish(m.number, Kind.MEASURE, Parse.OK if official else Parse.NORMALIZED, note)
    return parse_number(raw, Kind.MEASURE, number_format)


def parse(raw: Any, kind: Kind, *, number_format: str = "General",
          choices: tuple[str, ...] = (), epoch: datetime = EPOCH_1900) -> Parsed:
    """Parse ``raw`` for a field or column of ``kind``."""
    if kind == Kind.DATE:
        return parse_date(raw, epoch)
    if kind == Kind.CHOICE:
        return parse_choice(raw, choices)
    if kind == Kind.MEASURE:
        return parse_measure(raw, number_format)
    if kind in (Kind.TEXT, Kind.LONGTEXT):
        return parse_text(raw)
    return parse_number(raw, kind, number_format)


to_decimal = as_decimal  # a read number (Decimal or int, never bool) as Decimal, else None


def sum_present(values: list[Decimal | None]) -> Decimal | None:
    """Σ of the values that are there; None when none is."""
    present = [v for v in values if v is not None]
    return sum(present, Decimal(0)) if present else None


def json_number(v: Any) -> Any:
    """A Decimal as a JSON number (int when whole); anything else as it is."""
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    return v
