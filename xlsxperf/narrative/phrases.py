"""The words of the report-text check, as data: units, the phrases that name each field or
metric (:data:`BINDINGS`), and the words of relations, changes, plans and claims."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .. import schema as S

VERIFIED, MISMATCH, UNBOUND = "verified", "mismatch", "unbound"
VERDICT_ZH = {VERIFIED: "核对一致", MISMATCH: "不一致", UNBOUND: "未能对应"}
EXACT, AT_LEAST, AT_MOST, ABOUT = "", "at-least", "at-most", "about"
QUALIFIER_ZH = {EXACT: "", AT_LEAST: "不少于", AT_MOST: "不超过", ABOUT: "约"}

HUNDRED = Decimal(100)
ZERO = Decimal(0)
CENT = Decimal("0.01")
ABOUT_SHARE = Decimal("0.05")  # 约 / 左右: within 5% of the figure
MAX_DIGITS = 15  # a longer number is no figure anyone typed on purpose
MAX_FIGURES, MAX_CLAIMS = 500, 100  # per text field: a report has a few dozen
TOPIC_REACH = 200  # how far back in its sentence a figure looks for the topic
NAME_TAILS_UP_TO = 40  # an indicator name longer than this is only matched whole

# The long-text fields, in template order.
TEXT_FIELDS: tuple[str, ...] = tuple(n for n, f in S.FIELDS.items() if f.kind is S.Kind.LONGTEXT)
# Fields that state intentions, not results: an indicator named in them is compared with its
# 指标值, and what they say will be done is no claim; nor is what 改进建议 says should be done.
PLAN_FIELDS = frozenset({"goals", "tasks"})
NO_CLAIMS = PLAN_FIELDS | {"suggestions"}

# ---------------------------------------------------------------------------------------------
# Units: the dimension a figure measures and its factor to that dimension's base unit.

CNY, USD, PERCENT, COUNT, VISITS, SCORE = "cny", "usd", "percent", "count", "visits", "score"

UNITS: dict[str, tuple[str, Decimal]] = {
    "亿元": (CNY, Decimal(10000)), "万元": (CNY, Decimal(1)), "元": (CNY, Decimal("0.0001")),
    "亿美元": (USD, Decimal(10000)), "万美元": (USD, Decimal(1)), "美元": (USD, Decimal("0.0001")),
    "%": (PERCENT, Decimal(1)), "分": (SCORE, Decimal(1)), "人次": (VISITS, Decimal(1)),
    "人": (COUNT, Decimal(1)), "名": (COUNT, Decimal(1)), "个": (COUNT, Decimal(1)),
    "次": (COUNT, Decimal(1)), "家": (COUNT, Decimal(1)), "项": (COUNT, Decimal(1)),
    "户": (COUNT, Decimal(1)),
}
KIND_UNITS = {S.Kind.AMOUNT: "万元", S.Kind.PERCENT: "%", S.Kind.SCORE: "分", S.Kind.INTEGER: "人"}

_UNIT_RE = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
FIGURE = re.compile(r"(?<![\d.,])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
                    rf"(?P<approx>余|多)?(?P<unit>{_UNIT_RE})")
# What may not follow a unit for it to be one: 3 个月, 2 个百分点, 人民, 分别, 分析 ...
NOT_AFTER = {"个": ("月", "百分点"), "人": ("民",), "项": ("目",), "元": ("旦",)}
SCORE_AFTER = "的以左，。；、,.;:：)）"  # 分 is a score only at a clause's end or before these

QUALIFIERS_BEFORE = (("不低于", AT_LEAST), ("不少于", AT_LEAST), ("不超过", AT_MOST),
                     ("超过", AT_LEAST), ("超", AT_LEAST), ("逾", AT_LEAST), ("将近", AT_MOST),
                     ("接近", AT_MOST), ("近", AT_MOST), ("不足", AT_MOST), ("不到", AT_MOST),
                     ("大约", ABOUT), ("约", ABOUT))
QUALIFIERS_AFTER = (("以上", AT_LEAST), ("左右", ABOUT), ("以下", AT_MOST), ("以内", AT_MOST))

# ---------------------------------------------------------------------------------------------
# The binding table.


@dataclass(frozen=True)
class Bind:
    """Phrases that name one field or metric; ``topic``: words the sentence must name first.
    A row with no key names something the template does not hold: its figures stay unbound."""

    phrases: tuple[str, ...]
    key: str | None
    dimension: str | None  # None: any
    topic: tuple[str, ...] = ()


QUOTA, STAFF = ("编制",), ("实有", "在职", "现有")
CATEGORY_WORDS = {"特定目标类": "special", "人员类": "personnel", "运转类": "operating"}


def _budget_rows(topic: tuple[str, ...], initial: str, budget: str, actual: str, rate: str
                 ) -> tuple[Bind, ...]:
    """年初预算 / 全年预算 / 执行 / 执行率 of one part of the budget (a bare 预算 only once
    the sentence has named the part)."""
    return (
        Bind(("年初预算数", "年初预算"), initial, CNY, topic),
        Bind(("全年预算数", "全年预算", "调整后预算", "预算数") + (("预算",) if topic else ()), budget,
             CNY, topic),
        Bind(("全年执行数", "执行数", "实际执行", "执行金额", "支出执行", "实际支出", "执行"), actual,
             CNY, topic),
        Bind(("预算执行率", "执行率"), rate, PERCENT, topic),
    )


BINDINGS: tuple[Bind, ...] = (
    # 收入
    Bind(("收入合计", "收入总计", "收入总额", "总收入", "全年收入"), "income_total", CNY),
    Bind(("一般公共预算财政拨款收入", "一般公共预算财政拨款", "一般公共预算拨款收入",
          "一般公共预算收入", "一般公共预算拨款", "一般公共预算", "财政拨款收入"),
         "income_general_budget", CNY),
    Bind(("政府性基金预算拨款收入", "政府性基金预算拨款", "政府性基金收入", "政府性基金"),
         "income_gov_fund", CNY),
    Bind(("国有资本经营预算拨款收入", "国有资本经营预算", "国有资本经营收入"),
         "income_state_capital", CNY),
    Bind(("财政专户管理资金收入", "财政专户管理资金", "财政专户"), "income_fiscal_special", CNY),
    Bind(("单位资金收入", "单位资金"), "income_unit_funds", CNY),
    Bind(("其他收入",), "income_other", CNY),
    # 支出与结转结余
    Bind(("支出合计", "支出总计", "支出总额", "总支出", "全年支出"), "exp_total", CNY),
    Bind(("基本支出",), "exp_basic", CNY),
    Bind(("人员经费",), "exp_personnel", CNY),
    Bind(("公用经费",), "exp_public", CNY),
    Bind(("项目支出",), "exp_project", CNY),
    Bind(("年末结转和结余", "结转和结余", "结转结余", "年末结余", "结余", "结转"), "balance_end", CNY),
    Bind(("年初结转和结余", "年初结转结余", "年初结余"), "balance_start", CNY),
    # 预算执行: the whole budget, its two parts, and the projects of each category
    *_budget_rows((), "exec_total_initial", "exec_total_budget", "exec_total_actual",
                  "execution.rate_pct.total"),
    *_budget_rows(("基本支出",), "exec_basic_initial", "exec_basic_budget", "exec_basic_actual",
                  "execution.rate_pct.basic"),
    *_budget_rows(("项目支出",), "exec_project_initial", "exec_project_budget",
                  "exec_project_actual", "execution.rate_pct.project"),
    Bind(("基本支出预算执行率", "基本支出执行率"), "execution.rate_pct.basic", PERCENT),
    Bind(("项目支出预算执行率", "项目支出执行率"), "execution.rate_pct.project", PERCENT),
    *(row for word, cat in CATEGORY_WORDS.items() for row in (
        *_budget_rows((word,), f"projects.{cat}.initial", f"projects.{cat}.budget",
                      f"projects.{cat}.actual", f"projects.by_category.{cat}.execution_rate_pct"),
        Bind(("项目共", "项目数", "共有项目", "类项目"), f"projects.{cat}.count", COUNT, (word,)))),
    # 机构与人员
    Bind(("下属二级单位", "二级单位", "下属单位"), "sub_units", COUNT),
    Bind(("编制", "核定编制", "人员编制", "编制合计", "编制数"), "quota_total", COUNT),
    Bind(("行政编制",), "quota_admin", COUNT),
    Bind(("事业编制",), "quota_institution", COUNT),
    Bind(("工勤编制",), "quota_worker", COUNT),
    Bind(("行政", "行政人员"), "quota_admin", COUNT, QUOTA),
    Bind(("事业", "事业人员"), "quota_institution", COUNT, QUOTA),
    Bind(("工勤", "行政工勤", "工勤人员"), "quota_worker", COUNT, QUOTA),
    Bind(("实有人数", "期末实有人数", "实有人员", "在职人数", "在职人员", "实有人数合计", "实有"),
         "staff_total", COUNT),
    *(Bind(phrases, key, COUNT, topic) for topic in ((), STAFF) for phrases, key in (
        (("行政", "行政人员", "实有行政人员"), "staff_admin"),
        (("事业", "事业人员", "实有事业人员"), "staff_institution"),
        (("工勤", "行政工勤", "工勤人员", "实有工勤人员"), "staff_worker"))),
    Bind(("期初实有人数", "期初人数", "年初人数", "年初实有人数"), "flow_start", COUNT),
    Bind(("调入",), "flow_in", COUNT),
    Bind(("新录用", "录用", "新进"), "flow_hired", COUNT),
    Bind(("调出",), "flow_out", COUNT),
    Bind(("退休",), "flow_retired", COUNT),
    Bind(("其他减少",), "flow_other", COUNT),
    # 得分
    Bind(("自评得分", "自评总分", "总得分", "综合得分", "评价得分", "得分", "总分"), "self_total", SCORE),
    Bind(("预算执行率得分", "预算执行得分"), "budget_score", SCORE),
    # named, but not in the template: 离退休人员 are not 退休 of the year, 事业单位 not 事业人员
    Bind(("离退休", "退休人员", "离休", "事业单位", "行政事业", "行政村", "行政执法", "聘用", "编外",
          "借调", "一般公共预算支出", "财政拨款支出", "三公经费"), None, None),
)

# "占 x%" is the share of an amount in its whole; the amounts that have one.
SHARE_OF = {
    **{f"income_{k}": f"income.share_pct.{k}" for k, _ in S.INCOME_SOURCES},
    "exp_basic": "expenditure.share_pct.basic",
    "exp_project": "expenditure.share_pct.project",
}
SHARE_WORDS = ("占",)
COMPLETION_WORDS = ("完成",)
RESPECTIVELY = "分别"
CHANGE_WORDS = ("增长", "增加", "减少", "下降", "降低", "提高", "增幅", "降幅", "较上年", "比上年",
                "同比", "环比", "多出", "少于上年")
OTHER_YEAR_WORDS = ("上年", "去年", "上一年", "前年", "同期", "上年度")
PLAN_WORDS = ("目标", "计划", "预期", "指标值", "预计完成", "预算")

# Claims the data can contradict.
BALANCE, COMPLETION, EXECUTION = "balance", "completion", "execution"
CLAIMS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("无结余", "无结转", "没有结余", "没有结转", "零结余", "结余为零", "全部支出", "全部支付",
      "全部用完", "全部花完"), BALANCE),
    (("全面实现", "全部实现", "均已实现", "全面完成", "全部完成", "圆满完成", "均已完成", "均完成",
      "全部达成", "均已达成", "全部达标", "均已达标"), COMPLETION),
    (("全额执行", "全部执行", "执行完毕", "足额执行"), EXECUTION),
)
PROJECT_MONEY = ("项目资金", "项目经费")  # an execution claim about the projects' money
NEGATIONS = ("未", "没", "不", "非", "无法", "难以")
ASPIRATIONS = ("力争", "确保", "争取", "计划", "拟", "将要", "努力", "目标是", "预计")
