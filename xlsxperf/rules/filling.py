"""Filling rules (F): is each cell filled, and filled with the right kind of value?"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING

from .. import schema as S
from ..model import Finding, Parse, Row, Severity, Value
from ..values import measure_of_value, normalize_text, normalize_unit
from .registry import make, rule

if TYPE_CHECKING:
    from ..context import Context
    from ..model import Submission

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO

EMPTY_WORDS = frozenset({"无", "暂无", "没有", "无问题", "不存在问题", "无建议", "暂无建议", "未发现问题",
                         "同上", "略", "详见报告", "见附件"})


@rule("F001", "required-missing", E, "必填项目未填写",
      "必填项目“{label}”未填写",
      "required field '{label}' is empty")
def required_missing(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：必填项目为空（或只填了“—”“/”等占位符），或者在工作簿中既找不到它的定义名称也找不到它的标签；
    项目支出表、绩效指标表的数据行缺少必填列，或两张表一行也没有填写；年度总体目标表（第 2 版模板）
    填了预期目标而没有填实际完成情况。
    为什么：缺项会使合计核对和评分无从计算，审核结论不完整。
    示例：“收入合计”留空；项目支出表中某个项目没有填写“全年执行数”。
    """
    for name, f in S.FIELDS.items():
        v = sub[name]
        if not f.required or v.parse != Parse.BLANK:
            continue
        if f.kind == S.Kind.LONGTEXT and isinstance(v.raw, str) and v.raw.strip():
            continue  # "无" and the like in a long text: F006 says it better
        if v.cell is None:
            yield make("F001", sheet=f.sheet,
                       label=f"{f.label}（定义名称 {f.name} 和标签“{f.label}”均未找到）")
        else:
            yield make("F001", at=v, label=f.label)
    for table, data in sub.tables():
        if data.header_row is None and table.min_rows == 0:
            continue  # an optional table (年度总体目标, since v2) not in this workbook
        if data.header_row is None:
            labels = "、".join(c.label for c in table.columns[:4])
            yield make("F001", sheet=table.sheet, label=f"{table.sheet}表的表头（{labels}…）")
            continue
        if len(data.rows) < table.min_rows:
            yield make("F001", at=data.cell(table.columns[1].key, data.header_row + 1),
                       label=f"{table.sheet}表（至少填写一行）")
        for row in data.rows:
            for col in table.columns:
                if col.required and row[col.key].parse == Parse.BLANK and row[col.key].cell:
                    yield make("F001", at=row[col.key], label=col.label)
        if table.total_row:
            if data.total is None:
                yield make("F001", sheet=table.sheet, label=f"{table.sheet}表的合计行")
            else:
                for col in table.columns:
                    if col.total and data.total[col.key].parse == Parse.BLANK:
                        yield make("F001", at=data.total[col.key], label=f"合计·{col.label}")


def _is_empty_word(v: Value) -> bool:
    return isinstance(v.raw, str) and normalize_text(v.raw) in EMPTY_WORDS


@rule("F002", "not-a-number", E, "不是数字",
      "应填数字，实际为“{actual}”{note}",
      "expected a number, found '{actual}'")
def not_a_number(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：金额、人数、比率、分值等数字项目里填了无法识别为数字的内容；
    定量指标（≥ / ≤ / =）的指标值或完成值不是数字。
    为什么：无法识别的数字不能参加合计核对和评分，相关核对都会落空。
    示例：“项目支出”填了“约一百四十万”；定量指标的完成值填了“已完成”。
    """
    for decl, v in sub.values():
        if decl.kind.numeric and v.parse == Parse.INVALID:
            yield make("F002", at=v, actual=v.raw, note=f"（{v.note}）" if v.note else "")
    for row in sub.indicators.rows:
        if row.get("nature") in S.QUANTITATIVE:
            for key in ("target", "actual", "target_adjusted"):
                v = row[key]
                if isinstance(v.value, str) or v.parse == Parse.INVALID:
                    label = S.INDICATOR_TABLE.column(key).label
                    yield make("F002", at=v, actual=v.raw,
                               note=f"（“{row.get('nature')}”指标的{label}应为数字）")


@rule("F003", "number-normalized", I, "文本已转换为数字",
      "文本“{actual}”已{note} 读取",
      "text '{actual}' was read as {expected}")
def number_normalized(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：数字项目里填的是文本（带单位、千分位、全角数字、百分号或空格），已按数字读取。
    为什么：读取结果通常正确，但文本型数字在 Excel 中不参与求和，部门自己的合计可能因此出错；请核对换算是否符合原意。
    示例：“收入合计”填了文本“414.31万元”，按 414.31 读取；“1.2亿元”按 12000 万元读取。
    """
    for _, v in sub.values():
        if v.parse == Parse.NORMALIZED:
            yield make("F003", at=v, actual=v.raw, expected=v.value, note=v.note)


@rule("F004", "negative-amount", E, "金额为负数",
      "“{label}”为负数 {actual}",
      "'{label}' is negative ({actual})")
def negative_amount(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：金额、人数、分值等不应为负的项目填了负数。
    为什么：收入、支出、预算数和人数都不会小于零；负数多为录入错误或把“减少”填成了负值。
    示例：“调出”填了 -2，应填 2。
    """
    for decl, v in sub.values():
        if decl.kind.numeric and isinstance(v.value, (Decimal, int)) and v.value < 0:
            yield make("F004", at=v, actual=v.value, label=decl.label)


def _median(numbers: list[Decimal]) -> Decimal:
    """The median, as statistics.median gives it (which costs milliseconds to import)."""
    s = sorted(numbers)
    m = len(s) // 2
    return s[m] if len(s) % 2 else (s[m - 1] + s[m]) / 2


@rule("F005", "unit-suspect", W, "金额单位可疑",
      "“{label}”为 {actual} 万元，数额异常偏大，可能按“元”填写",
      "'{label}' is {actual} (10k yuan), suspiciously large: typed in yuan?")
def unit_suspect(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：以万元为单位的金额异常偏大：是本表其他金额中位数的 1000 倍以上，或超过 1,000,000 万元（100 亿元）。
    为什么：把“元”填进“万元”栏会使金额放大一万倍，合计和比率全部失真。阈值可在配置文件中调整。
    示例：项目“公务接待经费”全年执行数填了 143500（应为 14.35 万元）。
    """
    t = ctx.config.thresholds
    amount = S.Kind.AMOUNT
    amounts = [(decl, v, v.value) for decl, v in sub.values()
               if decl.kind is amount and isinstance(v.value, Decimal)]
    nonzero = [n for _, _, n in amounts if n > 0]
    if not nonzero:
        return
    typical = _median(nonzero)
    for decl, v, n in amounts:
        if n >= t.unit_suspect_abs or (typical > 0 and n >= typical * t.unit_suspect_factor):
            yield make("F005", at=v, actual=n, label=decl.label)


@rule("F006", "placeholder-text", W, "文字项目未实质填写",
      "“{label}”没有实质内容（“{actual}”）",
      "'{label}' has no real content ('{actual}')")
def placeholder_text(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：“存在问题”“改进建议”等文字项目填的是“无”“暂无”等，或仍是模板的提示文字。其他文字项目填“无”“略”等也会提示。
    为什么：自评的价值在于找出问题并提出改进措施；写“无”的自评报告不能通过审核。
    示例：“存在问题”填了“无”；“改进建议”仍是“（请逐条填写改进建议）”。
    """
    for name, f in S.FIELDS.items():
        if f.kind != S.Kind.LONGTEXT:
            continue
        v = sub[name]
        placeholder = S.PLACEHOLDERS.get(name)
        text = normalize_text(v.raw) if isinstance(v.raw, str) else ""
        if not text:
            continue
        if _is_empty_word(v) or text in {"无", "-", "—", "/"} or (
                placeholder and text == normalize_text(placeholder)):
            if f.required or name in S.PLACEHOLDERS:
                yield make("F006", at=v, actual=v.raw, label=f.label)


@rule("F007", "invalid-choice", E, "不是可选项",
      "“{label}”填了“{actual}”，应为 {expected}",
      "'{label}' is '{actual}', expected one of {expected}")
def invalid_choice(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：下拉选择项目填了列表以外的内容；二级指标与一级指标不对应；定性指标的完成值不是
    达成年度指标 / 部分达成年度指标并具有一定效果 / 未达成年度指标且效果较差（或简写 达成 / 部分达成 /
    未达成，“预期指标”的写法也认）。“完成”“好”等词不是等级，不能据此判断是否达成，按本项报告而不推断。
    为什么：项目类别、指标层级和性质决定了统计口径和评分公式，填错会使计算结果失真。
    示例：项目类别填了“专项类”；产出指标下填了“经济效益指标”；定性指标完成值填了“良好”。
    """
    for decl, v in sub.values():
        if decl.kind == S.Kind.CHOICE and v.parse == Parse.INVALID:
            yield make("F007", at=v, actual=v.raw, label=decl.label,
                       expected=" / ".join(decl.choices))
    for row in sub.indicators.rows:
        level1, level2 = row.text("level1"), row.text("level2")
        if level1 in S.LEVEL2 and level2 in S.LEVEL2_ALL and level2 not in S.LEVEL2[level1]:
            yield make("F007", at=row["level2"], actual=level2, label="二级指标",
                       expected=" / ".join(S.LEVEL2[level1]))
        actual = row["actual"]
        qualitative = row.get("nature") == S.Nature.QUALITATIVE
        if qualitative and actual.filled and actual.value not in S.QUALITATIVE_LEVELS:
            yield make("F007", at=actual, actual=actual.raw, label="定性指标完成值",
                       expected=" / ".join(S.OFFICIAL_LEVELS)
                       + "（或 " + " / ".join(S.QUALITATIVE_LEVELS) + "）")


@rule("F008", "invalid-year-or-date", E, "年度或日期无效",
      "“{label}”无效：{actual}{note}",
      "'{label}' is not a valid year or date: {actual}")
def invalid_year_or_date(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：评价年度不是 2000 年至今的四位年份；填报日期无法识别、晚于今天，或早于评价年度。
    为什么：年度决定汇总口径，填错会使同一单位的不同年度混在一起；填报日期应在评价年度结束之后。
    示例：评价年度填了“22”；评价年度 2022 而填报日期为 2021-12-01。
    """
    year = sub["eval_year"]
    if year.parse == Parse.INVALID:
        yield make("F008", at=year, actual=year.raw, label="评价年度", note=_paren(year.note))
    elif isinstance(year.value, int) and not 2000 <= year.value <= ctx.today.year:
        yield make("F008", at=year, actual=year.value, label="评价年度",
                   note=f"（应在 2000–{ctx.today.year} 之间）")
    day = sub["fill_date"]
    if day.parse == Parse.INVALID:
        yield make("F008", at=day, actual=day.raw, label="填报日期", note=_paren(day.note))
    elif day.value is not None and not isinstance(day.value, (str, int, Decimal)):
        if day.value > ctx.today:
            yield make("F008", at=day, actual=day.value.isoformat(), label="填报日期", note="（晚于今天）")
        elif isinstance(year.value, int) and day.value.year < year.value:
            yield make("F008", at=day, actual=day.value.isoformat(), label="填报日期",
                       note=f"（早于评价年度 {year.value} 年）")


def _paren(note: str) -> str:
    return f"（{note}）" if note else ""


# -- the official forms' way of writing an indicator: operators and units inside the values -----

MEASURES = ("target", "actual", "target_adjusted")  # the cells that may carry ≥ and a unit


def _label(row: Row, key: str) -> str:
    name = row.text("name")
    column = S.INDICATOR_TABLE.column(key).label
    return f"“{name}”的{column}" if name else f"第 {row.number} 行指标的{column}"


@rule("F009", "operator-conflict", W, "指标值中的符号与指标性质不一致",
      "{label}：{problem}",
      "{label_en}: {problem_en}")
def operator_conflict(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：指标值按自评表的写法带了符号（≥18个、≤1%、不低于95%、95%以上），而指标性质填的是另一个方向，
    或填了“定性”；指标性质只写了“定量”，指标值中又没有 ≥ / ≤ / =，无法确定计分方向。
    指标性质留空时按指标值中的符号确定，写“定量”时也按指标值中的符号确定，都不报此项。
    为什么：指标性质决定计分公式（≥ 按完成比例计分，≤ 超出即扣分），两处矛盾时得分取决于哪一处对；
    计分按指标性质，请核对。
    示例：指标性质“≥”，指标值“≤1%”；指标性质“定量”，指标值“95%”。
    """
    for row in sub.indicators.rows:
        nature = row["nature"]
        declared = nature.value if nature.raw is not None else None
        if nature.value is None and isinstance(nature.raw, str) \
                and normalize_text(nature.raw) in S.QUANTITATIVE_WORDS:
            target = row["target"]
            yield make("F009", at=nature, actual=nature.raw, expected="≥ / ≤ / =",
                       label=_label(row, "nature"),
                       problem=f"只写了“{nature.raw}”，指标值“{target.raw}”中也没有 ≥ / ≤ / =，无法确定计分方向",
                       label_en=f"row {row.number}",
                       problem_en="'定量' without ≥ / ≤ / = anywhere: the scoring direction is unknown")
            continue
        if declared not in S.NATURES:
            continue
        for key in MEASURES:
            m = measure_of_value(row[key]) if key != "actual" else None
            if m is None or m.op is None or m.op == declared:
                continue
            yield make("F009", at=row[key], actual=row[key].raw, expected=declared,
                       label=_label(row, key),
                       problem=f"写作“{row[key].raw}”（{m.op}），指标性质却为“{declared}”，按指标性质计分",
                       label_en=f"row {row.number}",
                       problem_en=f"written '{row[key].raw}' ({m.op}) but the nature is '{declared}'")


@rule("F010", "unit-mismatch", W, "指标值的单位与度量单位不一致",
      "{label}写作“{actual}”，单位“{unit}”与{other}“{expected}”不一致",
      "{label_en}: '{actual}' has the unit '{unit}', not the '{expected}' of {other_en}")
def unit_mismatch(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：指标值、完成值中写了单位（18个、28.8万元、95%），与度量单位不同；没有填度量单位时，
    指标值与完成值的单位不同。同一单位的不同写法（% 与 百分比）视为相同。
    为什么：单位不同，完成值与指标值就不能直接相比，完成率和得分都会算错；常见于把“万元”写进以“%”计的指标。
    示例：度量单位“%”，指标值“28.8万元”；指标值“≥18个”，完成值“18项”。
    """
    for row in sub.indicators.rows:
        unit = row["unit"]
        declared = unit.value if unit.raw is not None and isinstance(unit.value, str) else None
        written = {k: m.unit for k in MEASURES
                   if (m := measure_of_value(row[k])) is not None and m.unit}
        for key, u in written.items():
            if declared is not None and normalize_unit(declared) != u:
                yield make("F010", at=row[key], actual=row[key].raw, expected=declared, unit=u,
                           label=_label(row, key), other="度量单位", other_en="度量单位",
                           label_en=f"row {row.number}")
        if declared is None and "target" in written and "actual" in written \
                and written["target"] != written["actual"]:
            yield make("F010", at=row["actual"], actual=row["actual"].raw,
                       expected=written["target"], unit=written["actual"],
                       label=_label(row, "actual"), other="指标值的单位", other_en="the target",
                       label_en=f"row {row.number}")


@rule("F011", "unit-missing", W, "定量指标没有度量单位",
      "{label}为数值 {actual}，没有度量单位",
      "{label_en}: the numeric target {actual} has no unit")
def unit_missing(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：定量指标（≥ / ≤ / =）的指标值是数字，而度量单位没有填，指标值和完成值中也没有写单位。
    定性指标不检查。
    为什么：没有单位的数字无从判断口径（个还是项、万元还是元、% 还是分），完成情况无法核对。
    示例：“培训人次”指标值 500，度量单位为空。
    """
    for row in sub.indicators.rows:
        unit = row["unit"]
        if row.get("nature") not in S.QUANTITATIVE or unit.filled:
            continue
        target = row["target"]
        if not isinstance(target.value, Decimal):
            continue
        measures = [measure_of_value(row[k]) for k in MEASURES]
        if any(m is not None and m.unit != "" for m in measures):
            continue  # a unit written in a value, or text that is not a plain unit
        yield make("F011", at=unit if unit.cell else target, actual=target.raw,
                   label=_label(row, "target"), label_en=f"row {row.number}")


def _text_values(sub: Submission, key: str) -> list[tuple[str, Value]]:
    """(label, value) of every cell a length limit ``key`` applies to: a field, or
    ``table.column`` for each row of a table."""
    if "." not in key:
        f = S.FIELDS.get(key)
        return [(f.label, sub[key])] if f else []
    table_key, column = key.split(".", 1)
    out = []
    for table, data in sub.tables():
        if table.key == table_key:
            label = table.column(column).label
            out += [(f"{table.sheet}第 {row.number} 行“{label}”", row[column]) for row in data.rows]
    return out


def text_length(text: str) -> int:
    """Characters as the forms count 字: every character but spaces and line breaks."""
    return sum(1 for ch in text if not ch.isspace())


@rule("F012", "text-too-long", I, "文字超过规定字数",
      "“{label}”共 {actual} 字，超过{profile}规定的 {expected} 字",
      "'{label}' has {actual} characters, more than the {expected} the profile allows")
def text_too_long(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：文字项目超过评分口径规定的字数（空格、换行不计）。字数上限在口径文件的 [lengths] 中设置；
    全国口径不设上限，四川口径按其自评表的印制说明：执行率未达 90% 的原因、年度目标完成情况 100 字以内，
    评价结论、存在问题、改进措施 200 字以内。
    为什么：按表格要求的篇幅填写，才能完整录入省级绩效管理系统并原样公开。
    示例：按四川口径，“存在问题”写了 260 字。
    """
    profile = ctx.config.profile
    for key, limit in profile.lengths:
        for label, v in _text_values(sub, key):
            if isinstance(v.value, str) and text_length(v.value) > limit:
                yield make("F012", at=v, actual=text_length(v.value), expected=limit, label=label,
                           profile=profile.title)
