"""The words of the report-text check, as data: units and their kinds, the phrases that name
each field or metric (:data:`BINDINGS`), what may stand before a phrase and between it and its
figure, and the words of relations, changes, plans and claims.

Adding a province's wording is adding a phrase to a row of :data:`BINDINGS` (or a row), and a
sentence to the corpus (``tests/narrative_corpus/``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .. import schema as S

VERIFIED, MISMATCH, UNBOUND = "verified", "mismatch", "unbound"
NOT_COMPARED = "not-compared"  # an outcome, not a verdict: an unbound figure with a reason
VERDICT_ZH = {VERIFIED: "核对一致", MISMATCH: "不一致", UNBOUND: "未能对应"}
NOT_COMPARED_ZH = "不比较"  # an unbound figure that is a change, another year, a plan …
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
# 指标值, any other figure is a plan (not compared), and what they say will be done is no
# claim; nor is what 改进建议 says should be done.
PLAN_FIELDS = frozenset({"goals", "tasks"})
NO_CLAIMS = PLAN_FIELDS | {"suggestions"}

# ---------------------------------------------------------------------------------------------
# Units: the kind a figure measures and its factor to that kind's base unit. A figure is only
# ever compared with a datum of its own kind: people with people, a count of things with a
# count of things, 场 with an indicator counted in 场.

CNY, USD, PERCENT, SCORE = "cny", "usd", "percent", "score"
PEOPLE, COUNT, TIMES, VISITS = "people", "count", "times", "visits"
POINTS = "points"  # 个百分点: the difference of two percentages, never compared
MONTHS = "months"

UNITS: dict[str, tuple[str, Decimal]] = {
    "亿元": (CNY, Decimal(10000)), "万元": (CNY, Decimal(1)), "元": (CNY, Decimal("0.0001")),
    "亿美元": (USD, Decimal(10000)), "万美元": (USD, Decimal(1)), "美元": (USD, Decimal("0.0001")),
    "%": (PERCENT, Decimal(1)), "个百分点": (POINTS, Decimal(1)), "分": (SCORE, Decimal(1)),
    "人": (PEOPLE, Decimal(1)), "名": (PEOPLE, Decimal(1)), "万人": (PEOPLE, Decimal(10000)),
    "人次": (VISITS, Decimal(1)), "万人次": (VISITS, Decimal(10000)),
    "个": (COUNT, Decimal(1)), "家": (COUNT, Decimal(1)), "项": (COUNT, Decimal(1)),
    "户": (COUNT, Decimal(1)), "所": (COUNT, Decimal(1)), "处": (COUNT, Decimal(1)),
    "次": (TIMES, Decimal(1)), "个月": (MONTHS, Decimal(1)),
    # measure words: each its own kind, compared only with an indicator counted in it
    **{w: (w, Decimal(1)) for w in ("场", "天", "个工作日", "篇", "份", "件", "座", "亩", "期",
                                    "台", "辆", "套", "册", "条", "吨", "页", "倍", "平方米")},
    "公里": ("公里", Decimal(1)), "千米": ("公里", Decimal(1)),
}
MEASURES = frozenset(d for d, _ in UNITS.values()) - {CNY, USD, PERCENT, POINTS, SCORE, PEOPLE,
                                                      COUNT, TIMES, VISITS, MONTHS}
DURATIONS = frozenset({"天", "个工作日", MONTHS})  # unbound, these are a duration (时长)
KIND_UNITS = {S.Kind.AMOUNT: "万元", S.Kind.PERCENT: "%", S.Kind.SCORE: "分", S.Kind.INTEGER: "人"}

_UNIT_RE = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
FIGURE = re.compile(r"(?<![\d.,])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
                    rf"(?P<approx>余|多)?(?P<unit>{_UNIT_RE})")
# What may not follow a unit for it to be one: 人民, 项目, 元旦, 名称, 所属, 条件, 份额 ...
NOT_AFTER = {"人": ("民",), "项": ("目",), "元": ("旦",), "名": ("称", "单"),
             "所": ("属", "有", "在", "以", "得"), "条": ("件", "例"), "份": ("额",), "台": ("账",),
             "座": ("谈",), "期": ("间", "末", "初", "限"), "场": ("馆", "所", "地"), "户": ("籍",)}
SCORE_AFTER = "的以左，。；、,.;:：)）"  # 分 is a score only at a clause's end or before these

QUALIFIERS_BEFORE = (("不低于", AT_LEAST), ("不少于", AT_LEAST), ("不超过", AT_MOST),
                     ("超过", AT_LEAST), ("超", AT_LEAST), ("逾", AT_LEAST), ("将近", AT_MOST),
                     ("接近", AT_MOST), ("近", AT_MOST), ("不足", AT_MOST), ("不到", AT_MOST),
                     ("大约", ABOUT), ("约", ABOUT))
QUALIFIERS_AFTER = (("以上", AT_LEAST), ("左右", ABOUT), ("以下", AT_MOST), ("以内", AT_MOST))

# ---------------------------------------------------------------------------------------------
# What may stand between a phrase and its figure (收入合计为 792.22 万元, 执行率达 95%, 收入：…).
# Anything else there means the phrase is not the figure's own subject: the figure is unbound.

LINKS: tuple[str, ...] = (
    "为", "是", "达", "达到", "共", "共计", "合计", "计", "有", "共有", "累计", "全年", "已",
    "均为", "均", "总额", "金额", "：", ":", *(w for w, _ in QUALIFIERS_BEFORE))
PLAN_LINKS = ("目标", "目标值", "指标值", "计划", "预期")  # 次数目标 10 次: the 指标值
ACTUAL_LINKS = ("实际完成", "完成值", "完成", "实现", "实际")  # an indicator's 完成值
INDICATOR_LINKS = LINKS + PLAN_LINKS + ACTUAL_LINKS

# What may stand just before a phrase: words that only say whose or when (本单位, 部门整体,
# 2023年度, 其中). Anything else makes it another thing (政府采购执行率, 人均公用经费, 使用编制,
# 非财政拨款结余, 事业收入), unless it is the department's own name (县委办公室机关行政编制).
SCOPE: tuple[str, ...] = (
    "其中", "其余", "另有", "另", "加上", "以及", "及", "和", "与", "本", "本年", "本年度", "当年",
    "年内", "年度内", "本年内",
    "全年", "年度", "年", "年末", "期末", "部门", "本部门", "整体", "单位", "本单位", "我单位",
    "机关", "局机关", "本局", "我局", "全局", "本中心", "我中心", "本院", "我院", "共", "共计", "总",
    "实际", "实有", "现有", "核定", "财政", "经", "会", "有", "已", "为", "是", "均", "绩效",
    "支出", "资金", "评价", "自评", "综合", "全部", "正式", "在职",
    # enumerations: 一是收入合计 …
    "一是", "二是", "三是", "四是", "五是", "六是", "首先", "其次", "再次", "最后", "同时", "此外",
    "另外", "总体")
# Money-source words before a 支出 or 结余 phrase: the figure may cover only that money; it is
# compared, but a disagreement is listed (口径可能不同), never flagged.
# When the department has no other money (no other income, no opening balance) the words change
# nothing, and the figure is compared as any other.
FUNDING = ("一般公共预算财政拨款", "一般公共预算", "财政拨款")
FUNDING_SOURCES = {
    "一般公共预算财政拨款": ("income_general_budget",), "一般公共预算": ("income_general_budget",),
    "财政拨款": ("income_general_budget", "income_gov_fund", "income_state_capital"),
}
# Words before a phrase that may narrow it to some of what the datum counts (下设副科级事业单位):
# the figure is compared, but a disagreement is listed, never flagged.
NARROWING = ("副科级", "正科级", "科级", "副处级", "正处级", "处级", "二级", "直属", "全额拨款",
             "差额拨款", "自收自支", "公益一类", "公益二类", "参公")
TOTAL_MARKS = ("整体", "部门整体", "总体", "全部")  # 整体预算执行率: the whole, never a part
TOPIC_TAILS = ("项目", "资金", "经费", "的")  # 特定目标类项目年初预算: the topic's own words
# Another organisation named in the sentence (下属单位 …，编制 5 名): the figures after it may be
# its own; compared, but a disagreement is listed, never flagged.
ORGANISATION = re.compile(r"[\u4e00-\u9fff]{2,12}?(?:局|中心|站|队|馆|单位|公司|学校|医院|委员会|办公室)")

# ---------------------------------------------------------------------------------------------
# The binding table: per row its phrases, its datum, the kinds of figure it takes, what may
# stand between, and the words the sentence must have named first.


@dataclass(frozen=True)
class Bind:
    """Phrases that name one datum.

    ``key``: the field or metric (None: something the template does not hold; several: either
    of them, compared only when the figure agrees with one). ``kind``: the kinds of figure it
    takes. ``gap``: the words that may stand between the phrase and its figure. ``topic``: words
    the sentence must name first; ``subject``: the topic must be the subject the sentence is
    about, not an item listed with its own figure. ``excludes``: words which, listed after the
    figure (其中 …), show the figure counts something else. ``why``: for a row with no key, the
    reason its figure is not compared (差额 …), if it is not merely missing from the template.
    ``loose``: the datum may count only part of what the words do; a disagreement is listed,
    never flagged.
    """

    phrases: tuple[str, ...]
    key: str | tuple[str, ...] | None
    kind: str | tuple[str, ...] | None  # None: any
    topic: tuple[str, ...] = ()
    gap: tuple[str, ...] = LINKS
    subject: bool = False
    excludes: tuple[str, ...] = ()
    why: str = ""
    own: bool = False  # the department's own names (indicators, projects): no scope check
    suffixes: tuple[str, ...] = ()  # the phrase is a name followed by one of these (… 得分)
    loose: str = ""  # why a disagreement is only listed, never flagged (the datum may be partial)

    @property
    def keys(self) -> tuple[str, ...]:
        return () if self.key is None else (self.key,) if isinstance(self.key, str) else self.key

    def takes(self, kind: str) -> bool:
        return self.kind is None or kind == self.kind or (isinstance(self.kind, tuple)
                                                          and kind in self.kind)


QUOTA, STAFF = ("编制",), ("实有", "在职", "现有")
FLOW = ("本年", "当年", "年内", "全年", "新增", "减少", "期间", "调入", "调出", "录用", "新进")
STOCK = ("离退休", "离休", "在职", "实有", "现有", "共有", "在册", "另有")
RETIREES = ("退休", "离休")
CATEGORY_WORDS = {"特定目标类": "special", "人员类": "personnel", "运转类": "operating"}
PROJECT_WORDS = ("项目支出", "项目资金", "项目经费", "项目预算", "实施项目")

# The parts of the budget, each with its 年初预算 / 全年预算 / 执行 / 执行率 (and the number of
# projects for a category): (scope, topic words, role -> key).
GROUPS: dict[str, dict[str, str]] = {
    "total": {"initial": "exec_total_initial", "budget": "exec_total_budget",
              "actual": "exec_total_actual", "rate": "execution.rate_pct.total"},
    "basic": {"initial": "exec_basic_initial", "budget": "exec_basic_budget",
              "actual": "exec_basic_actual", "rate": "execution.rate_pct.basic"},
    "project": {"initial": "exec_project_initial", "budget": "exec_project_budget",
                "actual": "exec_project_actual", "rate": "execution.rate_pct.project",
                "count": "projects.count"},
    **{cat: {"initial": f"projects.{cat}.initial", "budget": f"projects.{cat}.budget",
             "actual": f"projects.{cat}.actual",
             "rate": f"projects.by_category.{cat}.execution_rate_pct",
             "count": f"projects.{cat}.count"} for cat in CATEGORY_WORDS.values()},
}
GROUP_OF: dict[str, tuple[str, str]] = {k: (scope, role) for scope, roles in GROUPS.items()
                                        for role, k in roles.items()}
SCOPE_TOPICS = {"total": (), "basic": ("基本支出",), "project": PROJECT_WORDS,
                **{cat: (w,) for w, cat in CATEGORY_WORDS.items()}}

ROLE_PHRASES = {
    "initial": ("年初预算数", "年初预算", "年初批复预算"),
    "budget": ("全年预算数", "全年预算", "调整后预算数", "调整后预算", "调整预算数", "调整预算",
               "预算数"),
    "actual": ("全年执行数", "执行数", "实际执行", "执行金额", "支出执行", "实际支出", "执行",
               "决算数", "决算", "支出"),
    "rate": ("预算执行率", "执行率", "完成调整预算数的", "完成调整后预算数的", "完成调整预算的",
             "完成全年预算数的", "完成全年预算的", "完成预算数的", "完成预算的"),
}


def _budget_rows(scope: str) -> tuple[Bind, ...]:
    """年初预算 / 全年预算 / 执行 / 执行率 of one part of the budget; a bare 预算 only once the
    sentence has named the part."""
    topic = SCOPE_TOPICS[scope]
    roles = GROUPS[scope]
    rows = [Bind(ROLE_PHRASES[role] + (("预算",) if topic and role == "budget" else ()),
                 roles[role], PERCENT if role == "rate" else CNY, topic, subject=bool(topic))
            for role in ("initial", "budget", "actual", "rate")]
    if "count" in roles and scope in CATEGORY_WORDS.values():
        word = topic[0]
        rows.append(Bind((f"{word}项目", f"{word}项目数", f"{word}项目个数"), roles["count"], COUNT))
    return tuple(rows)


BINDINGS: tuple[Bind, ...] = (
    # 收入: 收入合计 is this year's income; 收入总计 (决算) adds the opening balance
    Bind(("收入合计", "收入总额", "全年收入", "本年收入", "本年收入合计", "收入"), "income_total", CNY),
    Bind(("总收入",), ("income_total", "income.grand_total"), CNY),
    Bind(("收入总计", "收、支总计", "收支总计"), "income.grand_total", CNY),
    Bind(("一般公共预算财政拨款收入", "一般公共预算财政拨款", "一般公共预算拨款收入",
          "一般公共预算收入", "一般公共预算拨款", "一般公共预算"), "income_general_budget", CNY),
    Bind(("财政拨款收入", "财政拨款", "财政拨款收入总额"), "income.fiscal_appropriation", CNY),
    Bind(("政府性基金预算财政拨款收入", "政府性基金预算财政拨款", "政府性基金预算拨款收入",
          "政府性基金预算拨款", "政府性基金预算收入", "政府性基金收入", "政府性基金"),
         "income_gov_fund", CNY),
    Bind(("国有资本经营预算财政拨款收入", "国有资本经营预算财政拨款", "国有资本经营预算拨款收入",
          "国有资本经营预算拨款", "国有资本经营预算收入", "国有资本经营预算", "国有资本经营收入"),
         "income_state_capital", CNY),
    Bind(("财政专户管理资金收入", "财政专户管理资金", "财政专户"), "income_fiscal_special", CNY),
    Bind(("单位资金收入", "单位资金"), "income_unit_funds", CNY),
    Bind(("其他收入",), "income_other", CNY),
    # 支出与结转结余: 支出总计 (决算) adds the year-end balance
    Bind(("支出合计", "支出总额", "全年支出", "本年支出", "本年支出合计"), "exp_total", CNY),
    Bind(("总支出",), ("exp_total", "expenditure.grand_total"), CNY),
    Bind(("支出总计",), "expenditure.grand_total", CNY),
    Bind(("基本支出",), "exp_basic", CNY),
    Bind(("人员经费",), "exp_personnel", CNY),
    Bind(("公用经费",), "exp_public", CNY),
    Bind(("项目支出",), "exp_project", CNY),
    Bind(("年末结转和结余", "结转和结余", "结转结余", "年末结余", "年末结转结余"), "balance_end", CNY),
    Bind(("结余", "结转", "结余资金", "结转资金"), "balance_end", CNY),
    Bind(("结余", "结转", "结余资金", "结转资金"), None, CNY, ("预算",), why="差额"),
    Bind(("年初结转和结余", "年初结转结余", "年初结余", "年初结转", "上年结转和结余", "上年结转结余",
          "上年结转", "上年结余"), "balance_start", CNY),
    # 预算执行: the whole budget, its two parts, and the projects of each category
    *(row for scope in GROUPS for row in _budget_rows(scope)),
    Bind(("基本支出预算执行率", "基本支出执行率"), "execution.rate_pct.basic", PERCENT),
    Bind(("项目支出预算执行率", "项目支出执行率"), "execution.rate_pct.project", PERCENT),
    Bind(("调整后项目预算", "项目调整后预算", "项目全年预算", "项目支出全年预算"),
         "exec_project_budget", CNY),
    Bind(("实施项目", "项目数", "项目个数", "共有项目"), "projects.count", COUNT,
         loose="项目支出表可能只列了部分项目，不作为问题"),
    Bind(("项目资金", "项目经费", "项目资金总额"), ("exec_project_budget", "exec_project_actual"), CNY),
    # 机构与人员
    Bind(("下属二级单位", "二级单位", "下属单位", "下属事业单位", "所属单位"), "sub_units", COUNT),
    Bind(("单位", "事业单位"), "sub_units", COUNT, ("下设", "下属")),
    # a bare 编制 also compiles things (编制 2 个方案): only with people
    Bind(("编制",), "quota_total", PEOPLE),
    Bind(("核定编制", "人员编制", "核定人员编制", "编制合计", "编制数", "编制人数", "编制在职人员",
          "核定编制在职人员", "编制总数"), "quota_total", (PEOPLE, COUNT)),
    Bind(("行政编制",), "quota_admin", (PEOPLE, COUNT)),
    Bind(("事业编制",), "quota_institution", (PEOPLE, COUNT)),
    Bind(("工勤编制",), "quota_worker", (PEOPLE, COUNT)),
    Bind(("行政", "行政人员"), "quota_admin", (PEOPLE, COUNT), QUOTA),
    Bind(("事业", "事业人员"), "quota_institution", (PEOPLE, COUNT), QUOTA),
    Bind(("工勤", "行政工勤", "工勤人员"), "quota_worker", (PEOPLE, COUNT), QUOTA),
    Bind(("实有人数", "期末实有人数", "实有人员", "在职人数", "在职人员", "实有人数合计", "实有",
          "在职", "实有在职人员", "在职实有", "在职教职工", "正式教职工", "教职工", "在编人员",
          "在职职工", "在编在岗人员", "在编职工"),
         "staff_total", PEOPLE, excludes=RETIREES),
    *(Bind(phrases, key, PEOPLE, topic) for topic in ((), STAFF) for phrases, key in (
        (("行政", "行政人员", "实有行政人员"), "staff_admin"),
        (("事业", "事业人员", "实有事业人员"), "staff_institution"),
        (("工勤", "行政工勤", "工勤人员", "实有工勤人员"), "staff_worker"))),
    # 事业编制 0 人，实际 0 人: the people in that category
    Bind(("实际", "实有"), "staff_admin", PEOPLE, ("行政编制",)),
    Bind(("实际", "实有"), "staff_institution", PEOPLE, ("事业编制",)),
    Bind(("实际", "实有"), "staff_worker", PEOPLE, ("工勤编制",)),
    Bind(("期初实有人数", "期初人数", "年初人数", "年初实有人数"), "flow_start", PEOPLE),
    Bind(("调入", "调入人员"), "flow_in", PEOPLE),
    Bind(("新录用", "录用", "新进", "新录用人员", "录用人员", "新进人员"), "flow_hired", PEOPLE),
    Bind(("调出", "调出人员"), "flow_out", PEOPLE),
    # 退休 is this year's departures only when the sentence speaks of the year's changes;
    # 离退休人员 …，其中退休 … counts the retirees on the books
    Bind(("退休",), "flow_retired", PEOPLE, FLOW),
    Bind(("退休",), None, PEOPLE, STOCK),
    Bind(("其他减少",), "flow_other", PEOPLE),
    # 得分: after 预算执行率 x%, 得分 is its score (:data:`SCORE_OF`)
    Bind(("自评得分", "自评总分", "总得分", "综合得分", "评价得分", "得分", "综合评分", "评分",
          "自评综合评分"), "self_total", SCORE),
    Bind(("预算执行率得分", "预算执行得分", "执行率得分"), "budget_score", SCORE),
    # named, but not in the template
    Bind(("离退休", "退休人员", "退休职工", "离休", "事业单位", "行政事业", "行政村", "行政执法",
          "聘用", "编外", "借调", "一般公共预算支出", "财政拨款支出", "三公经费", "财政拨款收入总计",
          "财政拨款支出总计", "财政拨款收支总计", "非财政拨款结余", "结余分配", "政府采购执行率",
          "三公经费预算执行率", "三公经费执行率", "预算编制", "使用编制", "事业收入", "上级补助收入",
          "附属单位上缴收入", "经营收入", "完成年初预算的", "完成年初预算数的", "人员减少",
          "人员增加"), None, None),
)

# "占 x%" is the share of an amount in its whole; the amounts that have one.
SHARE_OF = {
    **{f"income_{k}": f"income.share_pct.{k}" for k, _ in S.INCOME_SOURCES},
    "income.fiscal_appropriation": "income.share_pct.fiscal_appropriation",
    "exp_basic": "expenditure.share_pct.basic",
    "exp_project": "expenditure.share_pct.project",
}
# 占 … 的 x%: the whole may be named after 占; a share is compared only when it is the datum's
SHARE_WHOLES = {
    "income.share_pct.": ("收入合计", "本年收入合计", "本年收入", "收入总额", "总收入", "全部收入",
                          "全年收入", "收入"),
    "expenditure.share_pct.": ("支出合计", "本年支出合计", "本年支出", "支出总额", "总支出",
                               "全部支出", "全年支出", "支出"),
}
SHARE_TAILS = ("的比重为", "的比重", "比重为", "比重", "的比例为", "的比例", "比例为", "比例", "比为",
               "比", "的", "为", "达", "约")
# "预算执行率 x%，得分 y 分": a bare 得分 after a figure is that figure's score.
SCORE_OF = {"execution.rate_pct.total": "budget_score", "exec_total_actual": "budget_score"}
# … and a bare 得分 is not the total score in a sentence that speaks of something scored
SCORED = ("权重", "指标", "执行率", "满分", "评审", "考核", "项目")
# 其中 / 含 / 主要用于 …: what follows is a part of the total named before, never that total
PART_WORDS = ("其中", "含", "包括", "主要用于", "用于", "主要是", "主要包括")
SHARE_WORDS = ("占",)
COMPLETION_WORDS = ("完成",)
RESPECTIVELY = "分别"

# ---------------------------------------------------------------------------------------------
# Figures that are not compared, and why (the 报告核对 sheet lists them as 不比较).

YEAR, CHANGE, DIFFERENCE, PLAN, PERIOD, DURATION, ORDINAL, RATE = (
    "年份", "增长", "差额", "计划", "期间", "时长", "序数", "标准")
WHY_ZH = {YEAR: "其他年度的数", CHANGE: "与上年相比的增减", DIFFERENCE: "两个数之差（大于、超支、追加、节约……）",
          PLAN: "计划或目标数", PERIOD: "年度中某一时点的数", DURATION: "一段时间的长短",
          ORDINAL: "名次或序号", RATE: "标准或人均数"}
CHANGE_WORDS = ("增长", "增加", "减少", "下降", "降低", "提高", "增幅", "降幅", "较上年", "比上年",
                "同比", "环比", "多出", "少于上年", "上升", "回落")
DIFFERENCE_WORDS = ("大于", "小于", "多于", "少于", "超支", "节约", "节余", "追加", "调增", "调减",
                    "差额为", "相差", "提前", "延后", "缩短", "延长", "超出", "结余率")
# 比编制少 6 人, 较年初预算增加: a comparison with another figure of the year is a difference
COMPARED_WITH = re.compile(r"[比较](年初|全年|调整|核定|预算|编制|计划|目标)")
MORE_OR_LESS = re.compile(r"[比较][^，。；,;]{1,12}[多少高低]$")  # 实有人数比核定编制少
OTHER_YEAR_WORDS = ("上年", "去年", "上一年", "前年", "同期", "上年度")
PLAN_BEFORE = ("目标", "计划", "预期", "指标值", "拟")  # before it, in its clause
RATE_WORDS = ("标准", "每人", "每名", "每年", "每月", "每个")
# 截至 9 月底, 第三季度末, 截至 2023 年 6 月 30 日, 上半年: a figure at a date within the year
PERIOD_RE = re.compile(r"(?:截至|截止|至|到)(?:\d{4}年)?(?:0?[1-9]|1[01])月|(?:^|[^\d])(?:0?[1-9]|1[01])"
                       r"月(?:底|末|份)|第?[一二三1-3]季度|前三季度|上半年|1-(?:0?[1-9]|1[01])月")

# ---------------------------------------------------------------------------------------------
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
# 该项目资金已全部支付: one project the sentence does not name; its claim cannot be checked
ONE_PROJECT = ("该项目", "此项目", "本项目", "这个项目", "上述项目", "该项", "此项")
# 除统计调查项目外，其余项目资金已全部支付: all but some projects; which, the data cannot tell
ALL_BUT = re.compile(r"除[^。；;]{0,60}?(?:外|以外|之外)|(?:以外|之外)的|(?:其余|其他|其它)(?:项目|各项目)")
NEGATIONS = ("未", "没", "不", "非", "无法", "难以")
ASPIRATIONS = ("力争", "确保", "争取", "计划", "拟", "将要", "努力", "目标是", "预计")
