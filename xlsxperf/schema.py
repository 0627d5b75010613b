"""The template, declared once as data.

Everything the template writer lays out and everything the reader looks for comes from the
declarations in this module: sheets, the single-value fields on them (each with a stable ASCII
defined name), the fixed 预算执行 grid and the two repeating tables. Nothing here does I/O.

A field's ``name`` is also its workbook-level defined name and its key in the code, so a
system that fills the template automatically can write to ``income_total`` without knowing
where the cell is.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import cached_property

TEMPLATE_ID = "xlsxperf.dept-overall-self-evaluation"
TEMPLATE_VERSION = 2  # the current version: what `xlsxperf template` writes unless asked otherwise
TEMPLATE_VERSIONS = (1, 2)  # every version the reader knows; each keeps reading with its own rules
TEMPLATE_TITLE = "部门整体支出绩效自评表"
META_SHEET = "_meta"

AMOUNT_UNIT = "万元"


class Kind(StrEnum):
    TEXT = "text"
    LONGTEXT = "longtext"
    INTEGER = "integer"  # counts: 人, 个
    AMOUNT = "amount"  # 万元, two decimals
    PERCENT = "percent"  # a percent value: 89.41 means 89.41%
    SCORE = "score"  # points (分), two decimals
    DATE = "date"
    YEAR = "year"
    CHOICE = "choice"
    MEASURE = "measure"  # an indicator's 指标值 / 完成值: a number, or a 定性 level

    @property
    def numeric(self) -> bool:
        return self in _NUMERIC

    @property
    def decimals(self) -> int:
        """Decimals the template shows; half a unit of the last one is a value's tolerance."""
        return _DECIMALS.get(self, 0)


_NUMERIC = frozenset({Kind.INTEGER, Kind.AMOUNT, Kind.PERCENT, Kind.SCORE, Kind.YEAR})
_DECIMALS = {Kind.AMOUNT: 2, Kind.PERCENT: 2, Kind.SCORE: 2}

UNIT_OF_KIND = {Kind.AMOUNT: AMOUNT_UNIT, Kind.PERCENT: "%", Kind.SCORE: "分"}


@dataclass(frozen=True)
class Field:
    """One single-value input cell."""

    name: str  # defined name and key, ASCII
    label: str  # Chinese label, unique within its sheet
    kind: Kind
    required: bool = True
    choices: tuple[str, ...] = ()
    help: str = ""
    unit: str = ""  # shown next to the cell: 人, 个, 万元 ...
    sheet: str = ""  # filled in by the sheet that holds the field
    since: int = 1  # the first template version that has the field

    @property
    def unit_text(self) -> str:
        return self.unit or UNIT_OF_KIND.get(self.kind, "")


@dataclass(frozen=True)
class Section:
    title: str
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class Column:
    """A column of a grid or a repeating table."""

    key: str
    label: str
    kind: Kind
    required: bool = True
    choices: tuple[str, ...] = ()
    help: str = ""
    width: float = 12
    total: bool = False  # summed in the table's 合计 row
    since: int = 1  # the first template version that has the column

    def in_version(self, version: int) -> bool:
        return self.since <= version


@dataclass(frozen=True)
class Grid:
    """A fixed table: named rows times columns, every cell a named field."""

    key: str
    title: str
    sheet: str
    row_header: str
    rows: tuple[tuple[str, str], ...]  # (key, label)
    columns: tuple[Column, ...]

    def field(self, row: str, column: str) -> Field:
        return self.fields[f"{self.key}_{row}_{column}"]

    @cached_property
    def fields(self) -> dict[str, Field]:
        out = {}
        for rkey, rlabel in self.rows:
            for col in self.columns:
                name = f"{self.key}_{rkey}_{col.key}"
                out[name] = Field(
                    name=name,
                    label=f"{rlabel}·{col.label}",
                    kind=col.kind,
                    required=col.required,
                    choices=col.choices,
                    help=col.help,
                    sheet=self.sheet,
                    since=col.since,
                )
        return out

    def columns_in(self, version: int) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.in_version(version))


@dataclass(frozen=True)
class Table:
    """A repeating table: a header row found by its labels, data rows, an optional 合计 row."""

    key: str
    title: str
    sheet: str
    columns: tuple[Column, ...]
    total_row: bool
    blank_rows: int  # empty rows the template offers
    min_rows: int = 1  # rows a complete submission has at least
    since: int = 1  # the first template version that has the table

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def columns_in(self, version: int) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.in_version(version))


@dataclass(frozen=True)
class Sheet:
    name: str
    title: str
    sections: tuple[Section, ...] = ()
    note: str = ""

    @property
    def fields(self) -> tuple[Field, ...]:
        return tuple(f for s in self.sections for f in s.fields)


def _on(sheet: str, *sections: Section) -> tuple[Section, ...]:
    """Stamp the sheet name on each field of ``sections``."""
    return tuple(Section(s.title, tuple(replace(f, sheet=sheet) for f in s.fields)) for s in sections)


# ---------------------------------------------------------------------------------------------
# Choices

class Nature(StrEnum):
    """指标性质: how an indicator's 完成值 is held against its 指标值."""

    AT_LEAST = "≥"
    AT_MOST = "≤"
    EQUAL = "="
    QUALITATIVE = "定性"

    @property
    def quantitative(self) -> bool:
        return self is not Nature.QUALITATIVE


CATEGORIES = ("人员类", "运转类", "特定目标类")
CATEGORY_KEYS = {"人员类": "personnel", "运转类": "operating", "特定目标类": "special"}

OUTPUT, BENEFIT, SATISFACTION, COST = "产出指标", "效益指标", "满意度指标", "成本指标"
# 一级指标: 产出 / 效益 / 满意度 (财预〔2020〕10号), and 成本 as its own 一级 (财预〔2021〕101号)
LEVEL1 = (OUTPUT, BENEFIT, SATISFACTION, COST)
# 二级 of 成本指标 (2021): the direct economic cost, the social cost, the environmental cost
COST_KINDS = ("经济成本指标", "社会成本指标", "生态环境成本指标")
LEVEL2 = {
    # 成本指标 is a 二级 of 产出 in the 2020 forms; Sichuan forms put the 2021 cost kinds there too
    OUTPUT: ("数量指标", "质量指标", "时效指标", "成本指标", *COST_KINDS),
    BENEFIT: ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
    SATISFACTION: ("服务对象满意度指标", "满意度指标"),
    COST: COST_KINDS,
}
LEVEL2_ALL = tuple(dict.fromkeys(v for vs in LEVEL2.values() for v in vs))
COST_LEVEL2 = frozenset({"成本指标", *COST_KINDS})  # a 二级 that makes an indicator a cost
NATURES = tuple(n.value for n in Nature)
QUANTITATIVE = tuple(n.value for n in Nature if n.quantitative)
QUALITATIVE_LEVELS = ("达成", "部分达成", "未达成")
MET_LEVEL = QUALITATIVE_LEVELS[0]
# The official long forms of the three levels (财预〔2020〕10号 自评表, provincial platforms)
OFFICIAL_LEVELS = ("达成年度指标", "部分达成年度指标并具有一定效果", "未达成年度指标且效果较差")
# 行政 / 事业 / 工勤: the staff categories of 编制 (quota_*) and 实有人数 (staff_*)
STAFF_CATEGORIES = (("admin", "行政"), ("institution", "事业"), ("worker", "工勤"))
GRADES = ("优", "良", "中", "差")
YES_NO = ("是", "否")

# ---------------------------------------------------------------------------------------------
# The official wording, accepted as written. Keys are compared after NFKC and with spaces and
# punctuation removed. Free words (完成, 好, 效果明显) are deliberately absent: no published form
# maps them to a level, so they stay unreadable rather than be guessed.

QUALITATIVE_WORDS: dict[str, str] = {
    **{w: "达成" for w in ("达成", "已达成", "全部达成", "达成目标", "达成年度指标", "达成预期指标",
                           "达成年度目标", "达成预期目标")},
    **{w: "部分达成" for w in ("部分达成", "部分达成年度指标", "部分达成预期指标",
                              "部分达成年度指标并具有一定效果", "部分达成预期指标并具有一定效果",
                              "部分达成目标")},
    **{w: "未达成" for w in ("未达成", "未达成年度指标", "未达成预期指标", "未达成年度指标且效果较差",
                            "未达成预期指标且效果较差", "未达成目标")},
}

# 指标性质 as the forms write it: symbols, words, 正向 / 反向 (platform wording)
NATURE_WORDS: dict[str, str] = {
    **{w: Nature.AT_LEAST.value for w in (">=", "≧", "⩾", "大于等于", "大于或等于", "不低于", "不少于",
                                          "不小于", "正向", "正向指标", "正常指标")},
    **{w: Nature.AT_MOST.value for w in ("<=", "≦", "⩽", "小于等于", "小于或等于", "不高于", "不超过",
                                         "不大于", "不多于", "反向", "反向指标")},
    **{w: Nature.EQUAL.value for w in ("等于", "等于指标")},
    **{w: Nature.QUALITATIVE.value for w in ("定性指标",)},
}
# 评价等级 in words some forms use
GRADE_WORDS: dict[str, str] = {"优秀": "优", "良好": "良", "中等": "中", "较差": "差"}
# every word a drop-down accepts for one of its choices (a word maps only within its list)
CHOICE_WORDS: dict[str, str] = {**NATURE_WORDS, **GRADE_WORDS}
# "定量": quantitative, direction not given; the operator written in 指标值 decides
QUANTITATIVE_WORDS = frozenset({"定量", "定量指标"})

# Operators written inside 指标值 / 完成值: before the number (≥18个, 不低于95%) or after it
# (95%以上, 30万元以内). (word, nature, strict): a strict one (>92%) is scored as its ≥ / ≤.
VALUE_PREFIXES: tuple[tuple[str, str, bool], ...] = tuple(sorted((
    *((w, n, False) for w, n in NATURE_WORDS.items() if n in ("≥", "≤", "=") and
      not w.endswith("指标") and w not in ("正向", "反向")),
    ("≥", "≥", False), ("≤", "≤", False), ("=", "=", False),
    (">", "≥", True), ("<", "≤", True), ("大于", "≥", True), ("高于", "≥", True),
    ("超过", "≥", True), ("多于", "≥", True), ("小于", "≤", True), ("低于", "≤", True),
    ("少于", "≤", True),
), key=lambda t: -len(t[0])))
VALUE_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("及以上", "≥"), ("或以上", "≥"), ("以上", "≥"),
    ("及以下", "≤"), ("或以下", "≤"), ("以下", "≤"), ("以内", "≤"),
)
# spellings of the same unit (度量单位 against the unit written in a value)
UNIT_SYNONYMS = {"百分比": "%", "百分之": "%", "百分率": "%", "％": "%"}

# ---------------------------------------------------------------------------------------------
# Sheets

INSTRUCTIONS = "填报说明"
BASIC = "基本信息"
FINANCE = "收支情况"
PROJECTS = "项目支出"
INDICATORS = "绩效指标"
CONCLUSION = "评价结论"
GOALS = "年度总体目标"  # since template v2

_A = Kind.AMOUNT
_I = Kind.INTEGER

BASIC_SHEET = Sheet(
    BASIC,
    "一、基本信息",
    _on(
        BASIC,
        Section(
            "单位信息",
            (
                Field("unit_name", "单位名称", Kind.TEXT, help="填写单位全称，与公章一致"),
                Field("unit_code", "单位编码", Kind.TEXT, required=False, help="预算单位编码（选填）"),
                Field("supervisor", "主管部门", Kind.TEXT, required=False, help="选填"),
                Field("eval_year", "评价年度", Kind.YEAR, help="四位年份，如 2022", unit="年"),
                Field("filler", "填报人", Kind.TEXT),
                Field("phone", "联系电话", Kind.TEXT, help="固定电话或手机号"),
                Field("fill_date", "填报日期", Kind.DATE, help="日期，如 2023-05-19"),
                Field("sub_units", "下属二级单位数", _I, unit="个", help="没有填 0"),
            ),
        ),
        Section(
            "核定编制",
            (
                Field("quota_admin", "行政编制", _I, unit="人", help="没有填 0"),
                Field("quota_institution", "事业编制", _I, unit="人", help="没有填 0"),
                Field("quota_worker", "工勤编制", _I, unit="人", help="没有填 0"),
                Field("quota_total", "编制合计", _I, unit="人", help="手工填写合计数"),
            ),
        ),
        Section(
            "期末实有人数",
            (
                Field("staff_admin", "实有行政人员", _I, unit="人", help="没有填 0"),
                Field("staff_institution", "实有事业人员", _I, unit="人", help="没有填 0"),
                Field("staff_worker", "实有工勤人员", _I, unit="人", help="没有填 0"),
                Field("staff_total", "实有人数合计", _I, unit="人", help="手工填写合计数"),
            ),
        ),
        Section(
            "人员变动",
            (
                Field("flow_start", "期初实有人数", _I, unit="人"),
                Field("flow_in", "调入", _I, unit="人", help="没有填 0"),
                Field("flow_hired", "新录用", _I, unit="人", help="没有填 0"),
                Field("flow_out", "调出", _I, unit="人", help="没有填 0"),
                Field("flow_retired", "退休", _I, unit="人", help="没有填 0"),
                Field("flow_other", "其他减少", _I, required=False, unit="人", help="选填"),
            ),
        ),
        Section(
            "职能与目标",
            (
                Field("functions", "职能职责概述", Kind.LONGTEXT, help="部门主要职能职责"),
                Field("tasks", "年度主要工作任务", Kind.LONGTEXT, help="本年度主要工作任务"),
                Field("goals", "部门整体支出绩效目标", Kind.LONGTEXT, help="年初设定的整体绩效目标"),
            ),
        ),
    ),
)

INCOME_SOURCES = (
    ("general_budget", "一般公共预算财政拨款收入"),
    ("gov_fund", "政府性基金预算拨款收入"),
    ("state_capital", "国有资本经营预算拨款收入"),
    ("fiscal_special", "财政专户管理资金收入"),
    ("unit_funds", "单位资金收入"),
    ("other", "其他收入"),
)

FINANCE_SHEET = Sheet(
    FINANCE,
    "二、收支情况（单位：万元）",
    _on(
        FINANCE,
        Section(
            "收入",
            tuple(Field(f"income_{k}", label, _A, help="没有填 0") for k, label in INCOME_SOURCES)
            + (Field("income_total", "收入合计", _A, help="手工填写合计数"),),
        ),
        Section(
            "支出",
            (
                Field("exp_basic", "基本支出", _A),
                Field("exp_personnel", "其中：人员经费", _A, required=False, help="选填"),
                Field("exp_public", "其中：公用经费", _A, required=False, help="选填"),
                Field("exp_project", "项目支出", _A),
                Field("exp_total", "支出合计", _A, help="手工填写合计数"),
            ),
        ),
        Section(
            "结转和结余",
            (
                Field("balance_start", "年初结转和结余", _A, help="没有填 0"),
                Field("balance_end", "年末结转和结余", _A, help="没有填 0"),
            ),
        ),
    ),
)

EXECUTION = Grid(
    key="exec",
    title="预算执行情况",
    sheet=FINANCE,
    row_header="项目",
    rows=(("basic", "基本支出"), ("project", "项目支出"), ("total", "合计")),
    columns=(
        Column("initial", "年初预算数", _A, width=14),
        Column("budget", "全年预算数（调整后）", _A, width=16),
        Column("actual", "全年执行数", _A, width=14),
        Column("rate", "执行率（%）", Kind.PERCENT, required=False, help="选填", width=12),
        Column("reason", "未达 90% 原因", Kind.TEXT, required=False, help="执行率低于 90% 时必填",
               width=36),
        Column("adjust_reason", "调整原因", Kind.TEXT, required=False, width=30, since=2,
               help="年中追加或调减预算（全年预算数与年初预算数不同）时说明原因"),
    ),
)

PROJECT_TABLE = Table(
    key="projects",
    title="三、项目支出情况（单位：万元）",
    sheet=PROJECTS,
    columns=(
        Column("seq", "序号", _I, required=False, width=6),
        Column("name", "项目名称", Kind.TEXT, width=34),
        Column("category", "项目类别", Kind.CHOICE, choices=CATEGORIES, width=12),
        Column("initial", "年初预算数", _A, width=12, total=True),
        Column("budget", "全年预算数", _A, width=12, total=True),
        Column("actual", "全年执行数", _A, width=12, total=True),
        Column("rate", "执行率（%）", Kind.PERCENT, required=False, width=11),
        Column("balance", "年末结转结余", _A, width=12, total=True),
        Column("score", "自评得分", Kind.SCORE, required=False, width=10),
        Column("reason", "偏差原因", Kind.TEXT, required=False, width=36),
        Column("adjust_reason", "调整原因", Kind.TEXT, required=False, width=30, since=2,
               help="全年预算数与年初预算数不同（年中追加或调减）时说明原因"),
    ),
    total_row=True,
    blank_rows=15,
)

INDICATOR_TABLE = Table(
    key="indicators",
    title="四、绩效指标完成情况",
    sheet=INDICATORS,
    columns=(
        Column("level1", "一级指标", Kind.CHOICE, choices=LEVEL1, width=12),
        Column("level2", "二级指标", Kind.CHOICE, choices=LEVEL2_ALL, width=16),
        Column("name", "三级指标", Kind.TEXT, width=30),
        Column("nature", "指标性质", Kind.CHOICE, choices=NATURES, width=9),
        Column("target", "指标值", Kind.MEASURE, width=11,
               help="定量指标填数值，可连同符号和单位写，如 ≥18个、≤1%；定性指标填文字"),
        Column("unit", "度量单位", Kind.TEXT, required=False, width=10),
        Column("actual", "完成值", Kind.MEASURE, width=11,
               help="定量指标填数值；定性指标填 " + " / ".join(OFFICIAL_LEVELS)
               + "（或简写 " + " / ".join(QUALITATIVE_LEVELS) + "）"),
        Column("weight", "权重（分值）", Kind.SCORE, width=11),
        Column("score", "自评得分", Kind.SCORE, width=10),
        Column("reason", "偏差原因分析及改进措施", Kind.TEXT, required=False, width=36),
        Column("target_adjusted", "调整后指标值", Kind.MEASURE, required=False, width=11, since=2,
               help="选填：年中按程序调整了指标值时填写，计分按调整后的指标值"),
        Column("core", "是否核心指标", Kind.CHOICE, required=False, choices=YES_NO, width=10, since=2),
    ),
    total_row=False,
    blank_rows=20,
)

BUDGET_INDICATOR = (
    Field("budget_weight", "预算执行率权重", Kind.SCORE, unit="分", help="默认 10 分", sheet=INDICATORS),
    Field("budget_score", "预算执行率自评得分", Kind.SCORE, unit="分", sheet=INDICATORS),
)

CONCLUSION_SHEET = Sheet(
    CONCLUSION,
    "五、评价结论",
    _on(
        CONCLUSION,
        Section(
            "自评结论",
            (
                Field("self_total", "自评总分", Kind.SCORE, unit="分", help="预算执行率得分与各指标得分之和"),
                Field("self_grade", "评价等级", Kind.CHOICE, required=False, choices=GRADES,
                      help="选填：按自评总分和评分口径的等级分数段填写"),
                Field("conclusion", "评价结论", Kind.LONGTEXT),
                Field("problems", "存在问题", Kind.LONGTEXT, help="逐条写明存在的问题"),
                Field("suggestions", "改进建议", Kind.LONGTEXT, help="逐条写明改进措施"),
                Field("application", "结果应用", Kind.LONGTEXT),
                Field("report_text", "报告正文", Kind.LONGTEXT, required=False,
                      help="选填：粘贴部门整体支出绩效自评报告全文，用于核对报告中的数字"),
            ),
        ),
    ),
)

GOAL_TABLE = Table(
    key="annual_goals",
    title="年度总体目标完成情况",
    sheet=GOALS,
    columns=(
        Column("seq", "序号", _I, required=False, width=6),
        Column("goal", "预期目标", Kind.TEXT, width=56, help="年初设定的年度总体目标，每行一条"),
        Column("actual", "实际完成情况", Kind.TEXT, width=56, help="对照预期目标说明实际完成情况"),
    ),
    total_row=False,
    blank_rows=10,
    min_rows=0,
    since=2,
)

FORM_SHEETS = (BASIC_SHEET, FINANCE_SHEET, CONCLUSION_SHEET)
TABLES = (PROJECT_TABLE, INDICATOR_TABLE, GOAL_TABLE)
SHEET_ORDERS = {
    1: (INSTRUCTIONS, BASIC, FINANCE, PROJECTS, INDICATORS, CONCLUSION),
    2: (INSTRUCTIONS, BASIC, FINANCE, PROJECTS, GOALS, INDICATORS, CONCLUSION),
}
SHEET_ORDER = SHEET_ORDERS[TEMPLATE_VERSION]  # the current template's sheets, in order


# Instruction text the template prints in some long-text fields; left as is, it is F006.
PLACEHOLDERS = {
    "problems": "（请逐条填写存在的问题）",
    "suggestions": "（请逐条填写改进建议）",
}


def all_fields() -> dict[str, Field]:
    """Every single-value field by name, in template order."""
    out: dict[str, Field] = {}
    for sheet in FORM_SHEETS[:2]:
        out.update({f.name: f for f in sheet.fields})
    out.update(EXECUTION.fields)
    out.update({f.name: f for f in BUDGET_INDICATOR})
    out.update({f.name: f for f in CONCLUSION_SHEET.fields})
    return out


FIELDS: dict[str, Field] = all_fields()


@dataclass(frozen=True)
class NameDoc:
    """One row of the documented defined names (README and 填报说明)."""

    name: str
    sheet: str
    label: str
    kind: str
    required: bool
    unit: str = ""
    choices: tuple[str, ...] = field(default=())
    since: int = 1


def fields_in(version: int) -> dict[str, Field]:
    """The single-value fields the template of ``version`` has."""
    return {n: f for n, f in FIELDS.items() if f.since <= version}


def name_table(version: int = TEMPLATE_VERSION) -> list[NameDoc]:
    return [
        NameDoc(f.name, f.sheet, f.label, f.kind.value, f.required, f.unit_text, f.choices,
                f.since)
        for f in fields_in(version).values()
    ]
