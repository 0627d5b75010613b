"""Build the sample submissions from the generated template, and samples/README.md.

    python samples/make_samples.py

- 2022_市中区经济合作局.xlsx: the 2022 self-evaluation of the 乐山市市中区经济合作局, filled
  with every figure of its published report (seed_report.txt); values the report does not
  give are filled plausibly, and each value's source is listed in README.md.
- 2021_市中区经济合作局.xlsx: the same unit's 2021 submission, with made-up but plausible
  figures, to compare the 2022 sample with its previous year (``check --previous``).
- 2022_市中区经济合作局_v2.xlsx: the same, in template version 2, with what version 2 adds
  (调整原因, the 年度总体目标 table), each value's source listed in README.md too.
- 2022_clean_example.xlsx: a department with consistent figures (no finding at warning level).
- 2022_messy_example.xlsx: a department whose workbook trips many rules.

The three first-named files are made from template version 1, which departments still send in;
the _v2 copy from the current version.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import date
from decimal import Decimal as D
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from xlsxperf import schema as S  # noqa: E402
from xlsxperf.fill import Formula, fill_workbook  # noqa: E402

SEED_FILE = "2022_市中区经济合作局.xlsx"
SEED_2021_FILE = "2021_市中区经济合作局.xlsx"
SEED_V2_FILE = "2022_市中区经济合作局_v2.xlsx"
CLEAN_FILE = "2022_clean_example.xlsx"
MESSY_FILE = "2022_messy_example.xlsx"


@dataclass(frozen=True)
class V:
    """A sample value and where it comes from."""

    value: Any
    source: str = "报告"  # "报告：…" quotes the report; anything else says why it was filled


def R(value: Any, quote: str = "") -> V:
    return V(value, f"报告{('：' + quote) if quote else ''}")


def F(value: Any, why: str) -> V:
    return V(value, f"填充：{why}")


def _text(report: str, start: str, end: str) -> str:
    """The report's text between two headings."""
    a = report.index(start) + len(start)
    b = report.index(end, a)
    return "\n".join(line.strip() for line in report[a:b].strip().splitlines() if line.strip())


def seed_data() -> tuple[dict[str, V], list[dict[str, V]], list[dict[str, V]]]:
    report = (HERE / "seed_report.txt").read_text(encoding="utf-8")
    fields = {
        "unit_name": R("乐山市市中区经济合作局", "落款"),
        "supervisor": F("乐山市市中区人民政府", "报告未写主管部门；区级部门的主管为区政府"),
        "eval_year": R(2022, "2022 年度"),
        "filler": F("王丽", "报告未写填报人"),
        "phone": F("0833-2123456", "报告未写联系电话"),
        "fill_date": R(date(2023, 5, 19), "落款日期 2023年5月19日"),
        "sub_units": R(1, "下属二级单位 1 个"),
        "quota_admin": R(9, "行政编制 9 个"),
        "quota_institution": F(0, "报告只写行政编制 9 个、行政工勤 1 个，未给事业编制，按 0 填"),
        "quota_worker": R(1, "行政工勤 1 个"),
        "quota_total": R(10, "核定人员编制 10 个"),
        "staff_admin": R(9, "行政 9 人"),
        "staff_institution": R(8, "事业 8 人"),
        "staff_worker": R(1, "行政工勤 1 人"),
        "staff_total": R(18, "期末实有人数 18 人"),
        "flow_start": F(18, "报告未写期初人数；调入、新录用、调出、退休均为 0，故期初 = 期末 18"),
        "flow_in": R(0, "调入 0 人"),
        "flow_hired": R(0, "新录用 0 人"),
        "flow_out": R(0, "调出 0 人"),
        "flow_retired": R(0, "退休 0 人"),
        "functions": F("负责全区投资促进、招商引资、经济合作和公务接待工作；统筹指导全区投资促进工作，"
          "牵头重大招商引资项目的促进和落实。", "报告没有单独的职能表述，按“年度主要工作任务”概括"),
        "tasks": R(_text(report, "（三）年度主要工作任务。", "（四）部门整体支出绩效目标。"),
                   "（三）年度主要工作任务"),
        "goals": R(_text(report, "（四）部门整体支出绩效目标。", "二、部门财政资金收支情况"),
                   "（四）部门整体支出绩效目标"),
        "income_general_budget": R(D("414.31"), "一般公共预算财政拨款收入 414.31 万元，占 100%"),
        "income_gov_fund": R(D("0.00"), "政府性基金预算拨款收入 0.00 万元"),
        "income_state_capital": F(D("0.00"), "报告未列，收入全部为一般公共预算拨款"),
        "income_fiscal_special": F(D("0.00"), "报告未列，收入全部为一般公共预算拨款"),
        "income_unit_funds": F(D("0.00"), "报告未列，收入全部为一般公共预算拨款"),
        "income_other": R(D("0.00"), "其他收入 0.00 万元"),
        "income_total": R(D("414.31"), "收入合计 414.31 万元"),
        "exp_basic": R(D("269.75"), "基本支出 269.75 万元，占 65.11%"),
        "exp_personnel": F(D("221.37"), "报告未分人员经费和公用经费；拆分使两者之和为 269.75"),
        "exp_public": F(D("48.38"), "同上"),
        "exp_project": R(D("144.56"), "项目支出 144.56 万元，占 34.89%"),
        "exp_total": R(D("414.31"), "支出合计 414.31 万元"),
        "balance_start": F(D("0.00"), "报告未写年初结转和结余；取 0 使 年初 + 收入 − 支出 = 年末 0"),
        "balance_end": R(D("0.00"), "年末部门结转和结余为 0 万元"),
        "exec_basic_initial": F(D("255.00"), "报告未写年初预算；基本支出年中追加到 269.75"),
        "exec_basic_budget": F(D("269.75"), "报告未写调整后预算；取基本支出执行数（全额执行）"),
        "exec_basic_actual": R(D("269.75"), "基本支出 269.75 万元"),
        "exec_basic_rate": F(D("100.00"), "269.75 ÷ 269.75"),
        "exec_project_initial": F(D("155.40"), "项目表年初预算之和（特定目标类 70.40 + 其他 85.00）"),
        "exec_project_budget": F(D("161.69"), "项目表全年预算之和（特定目标类 70.40 + 其他 91.29）"),
        "exec_project_actual": R(D("144.56"), "项目支出 144.56 万元"),
        "exec_project_rate": F(D("89.41"), "144.56 ÷ 161.69"),
        "exec_project_reason": R("由于每月支出指标有所限制，预算执行进度略缓。", "存在问题 1"),
        "exec_total_initial": F(D("410.40"), "255.00 + 155.40"),
        "exec_total_budget": F(D("431.44"), "269.75 + 161.69"),
        "exec_total_actual": R(D("414.31"), "支出合计 414.31 万元"),
        "exec_total_rate": F(D("96.03"), "414.31 ÷ 431.44"),
        "budget_weight": F(D(10), "模板默认 10 分"),
        "budget_score": F(D(10), "报告未写分项得分；按部门常见做法自评满分（计算得分为 9.60）"),
        "self_total": R(D(98), "部门整体绩效评价自评得分98分"),
        "self_grade": F("优", "报告未写等级；98 分为优"),
        "conclusion": R(_text(report, "（一）评价结论。", "（二）存在问题。"), "（一）评价结论"),
        "problems": R(_text(report, "（二）存在问题。", "（三）改进建议"), "（二）存在问题"),
        "suggestions": R(_text(report, "（三）改进建议", "乐山市市中区经济合作局\n\n2023"),
                         "（三）改进建议"),
        "application": R(_text(report, "（三）结果应用情况。", "四、评价结论及建议"), "（三）结果应用情况"),
        "report_text": R(report.strip(), "报告全文"),
    }
    special = "报告只给特定目标类 3 个项目的合计（年初预算 70.40，执行 53.27，未调整）；按项目拆分"
    projects = [
        {"seq": F(1, "序号"), "name": R("招商服务中心公务接待经费", "特定目标类项目之一"),
         "category": R("特定目标类"), "initial": F(D("20.00"), special),
         "budget": F(D("20.00"), special), "actual": F(D("14.35"), special),
         "rate": F(D("71.75"), "14.35 ÷ 20.00"), "balance": R(D("0.00"), "年末资金无结余"),
         "reason": F("疫情期间接待活动减少，按实际接待列支。", "报告：个别支出根据活动开展列支")},
        {"seq": F(2, "序号"), "name": R("对外劳务平台运行经费", "特定目标类项目之一"),
         "category": R("特定目标类"), "initial": F(D("10.40"), special),
         "budget": F(D("10.40"), special), "actual": F(D("7.52"), special),
         "rate": F(D("72.31"), "7.52 ÷ 10.40"), "balance": R(D("0.00"), "年末资金无结余"),
         "reason": F("平台运行费用按实际结算。", "报告未写")},
        {"seq": F(3, "序号"), "name": R("招商引资业务开展保障经费", "特定目标类项目之一"),
         "category": R("特定目标类"), "initial": F(D("40.00"), special),
         "budget": F(D("40.00"), special), "actual": F(D("31.40"), special),
         "rate": F(D("78.50"), "31.40 ÷ 40.00"), "balance": R(D("0.00"), "年末资金无结余"),
         "reason": F("因疫情放开，部分招商活动根据活动开展列支。", "报告：存在问题 2")},
        {"seq": F(4, "序号"), "name": F("编外聘用人员经费", "项目支出 144.56 中特定目标类以外的部分"),
         "category": F("人员类", "同上"), "initial": F(D("50.00"), "同上"),
         "budget": F(D("52.00"), "同上"), "actual": F(D("52.00"), "同上"),
         "rate": F(D("100.00"), "52.00 ÷ 52.00"), "balance": F(D("0.00"), "全额执行")},
        {"seq": F(5, "序号"), "name": F("机关运转保障经费", "项目支出 144.56 中特定目标类以外的部分"),
         "category": F("运转类", "同上"), "initial": F(D("35.00"), "同上"),
         "budget": F(D("39.29"), "使其他项目执行数之和为 144.56 − 53.27 = 91.29"),
         "actual": F(D("39.29"), "同上"),
         "rate": F(D("100.00"), "39.29 ÷ 39.29"), "balance": F(D("0.00"), "全额执行")},
    ]
    out_w = "报告未写指标权重；产出 50 分按指标重要性分配"
    ind = "分别完成市下目标的136.14%、163.48%、160%和100%"
    indicators = [
        {"level1": F("产出指标", "指标体系按模板"), "level2": F("数量指标", "同上"),
         "name": R("招商引资签约总金额", "签约总金额超176.98亿元"), "nature": F("≥", "同上"),
         "target": F(D(130), "反推：176.98 ÷ 136.14%"), "unit": R("亿元"),
         "actual": R(D("176.98"), ind), "weight": F(D(15), out_w), "score": F(D(15), "完成")},
        {"level1": F("产出指标", "同上"), "level2": F("数量指标", "同上"),
         "name": R("省外产业项目新增实际到位资金", "预计省外产业项目新增实际到位资金122.61亿元"),
         "nature": F("≥", "同上"), "target": F(D(75), "反推：122.61 ÷ 163.48%"), "unit": R("亿元"),
         "actual": R(D("122.61"), ind), "weight": F(D(15), out_w), "score": F(D(15), "完成")},
        {"level1": F("产出指标", "同上"), "level2": F("数量指标", "同上"),
         "name": R("实际利用外资", "实际利用外资1.2亿元"), "nature": F("≥", "同上"),
         "target": F(D("0.75"), "反推：1.2 ÷ 160%"), "unit": R("亿元"),
         "actual": R(D("1.2"), ind), "weight": F(D(10), out_w), "score": F(D(10), "完成")},
        {"level1": F("产出指标", "同上"), "level2": F("数量指标", "同上"),
         "name": R("外商直接到资（FDI）", "外商直接到资（FDI）374.5万美元"), "nature": F("≥", "同上"),
         "target": F(D("374.5"), "反推：374.5 ÷ 100%"), "unit": R("万美元"),
         "actual": R(D("374.5"), ind), "weight": F(D(10), out_w), "score": F(D(10), "完成")},
        {"level1": F("效益指标", "同上"), "level2": F("经济效益指标", "同上"),
         "name": R("招商引资签约项目数", "全年招商引资签约项目18个"), "nature": F("≥", "同上"),
         "target": F(D(18), "报告未写目标；按完成数"), "unit": R("个"),
         "actual": R(D(18), "签约项目18个"), "weight": F(D(10), "效益 30 分三项均分"),
         "score": F(D(10), "完成")},
        {"level1": F("效益指标", "同上"), "level2": F("社会效益指标", "同上"),
         "name": R("“走出去”“请进来”招商引资活动", "开展招商引资活动 300 余次"),
         "nature": F("≥", "同上"), "target": F(D(300), "报告未写目标；按完成数"), "unit": R("次"),
         "actual": R(D(300), "300 余次"), "weight": F(D(10), "效益 30 分三项均分"),
         "score": F(D(10), "完成")},
        {"level1": F("效益指标", "同上"), "level2": F("可持续影响指标", "同上"),
         "name": R("重点在谈“553”企业项目", "重点在谈……“553”企业项目16个"), "nature": F("≥", "同上"),
         "target": F(D(20), "报告未写目标；存在问题 2 说目标实现有偏移，设目标 20 个"),
         "unit": R("个"), "actual": R(D(16), "项目16个"), "weight": F(D(10), "效益 30 分三项均分"),
         "score": F(D(8), "按 16 ÷ 20 × 10"),
         "reason": R("因疫情放开，招商引资要求与前几年相比有所变化，部分项目仍在洽谈。", "存在问题 2")},
        {"level1": F("满意度指标", "同上"), "level2": F("服务对象满意度指标", "同上"),
         "name": F("招商企业满意度", "报告未写满意度指标；按模板要求补充"), "nature": F("≥", "同上"),
         "target": F(D(90), "同上"), "unit": F("%", "同上"), "actual": F(D(95), "同上"),
         "weight": F(D(10), "满意度 10 分"), "score": F(D(10), "完成")},
    ]
    return fields, projects, indicators


def seed_2021_data() -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """The seed unit's 2021 submission. Made up: no 2021 report is on file. The figures are
    plausible and consistent (every total adds up), the unit and its staff are the 2022
    sample's, and 招商引资签约总金额 achieved 150 亿元 against a 2022 target of 130 亿元."""
    fields = {
        "unit_name": "乐山市市中区经济合作局", "supervisor": "乐山市市中区人民政府", "eval_year": 2021,
        "filler": "王丽", "phone": "0833-2123456", "fill_date": date(2022, 5, 20), "sub_units": 1,
        "quota_admin": 9, "quota_institution": 0, "quota_worker": 1, "quota_total": 10,
        "staff_admin": 9, "staff_institution": 8, "staff_worker": 1, "staff_total": 18,
        "flow_start": 17, "flow_in": 1, "flow_hired": 0, "flow_out": 0, "flow_retired": 0,
        "flow_other": 0,
        "functions": "负责全区投资促进、招商引资、经济合作和公务接待工作；统筹指导全区投资促进工作，"
                     "牵头重大招商引资项目的促进和落实。",
        "tasks": "一是保证机关基本运转；二是围绕主导产业开展精准招商；三是做好重大项目跟踪服务和公务接待。",
        "goals": "全年招商引资签约总金额不低于 120 亿元，省外产业项目新增实际到位资金不低于 65 亿元，"
                 "招商企业满意度不低于 90%。",
        "income_general_budget": D("398.62"), "income_gov_fund": D("0.00"),
        "income_state_capital": D("0.00"), "income_fiscal_special": D("0.00"),
        "income_unit_funds": D("0.00"), "income_other": D("0.00"), "income_total": D("398.62"),
        "exp_basic": D("262.40"), "exp_personnel": D("215.10"), "exp_public": D("47.30"),
        "exp_project": D("136.22"), "exp_total": D("398.62"),
        "balance_start": D("0.00"), "balance_end": D("0.00"),
        "exec_basic_initial": D("250.00"), "exec_basic_budget": D("262.40"),
        "exec_basic_actual": D("262.40"), "exec_basic_rate": D("100.00"),
        "exec_project_initial": D("140.00"), "exec_project_budget": D("150.30"),
        "exec_project_actual": D("136.22"), "exec_project_rate": D("90.63"),
        "exec_project_reason": "部分招商活动受疫情影响推迟，未执行资金 14.08 万元已由财政收回。",
        "exec_total_initial": D("390.00"), "exec_total_budget": D("412.70"),
        "exec_total_actual": D("398.62"), "exec_total_rate": D("96.59"),
        "budget_weight": D(10), "budget_score": D("9.66"),
        "self_total": D("98.99"), "self_grade": "优",
        "conclusion": "2021年我局较好地完成了年度招商引资任务，预算执行总体平稳，自评得分98.99分，等级为优。",
        "problems": "1. 绩效目标设置不够细化。部分指标以往年完成数为基础设定，对工作的引导作用不强。\n"
                    "2. 项目支出执行不均衡。受疫情影响，部分招商活动推迟开展，上半年支出进度偏慢。",
        "suggestions": "1. 细化年度绩效目标，结合全区招商引资形势合理确定指标值。\n"
                       "2. 加强项目支出进度管理，按季度跟踪预算执行情况，及时调整支出计划。",
        "application": "自评结果已在部门网站公开，并作为2022年预算编制和绩效目标设定的参考。",
    }
    recalled = "，未执行资金已由财政收回。"
    projects = [
        {"seq": 1, "name": "招商服务中心公务接待经费", "category": "特定目标类", "initial": D("20.00"),
         "budget": D("20.00"), "actual": D("16.80"), "rate": D("84.00"), "balance": D("0.00"),
         "reason": "公务接待按实际列支" + recalled},
        {"seq": 2, "name": "对外劳务平台运行经费", "category": "特定目标类", "initial": D("10.00"),
         "budget": D("10.00"), "actual": D("8.92"), "rate": D("89.20"), "balance": D("0.00"),
         "reason": "平台运行费用按实际结算" + recalled},
        {"seq": 3, "name": "招商引资业务开展保障经费", "category": "特定目标类", "initial": D("40.00"),
         "budget": D("40.00"), "actual": D("35.70"), "rate": D("89.25"), "balance": D("0.00"),
         "reason": "部分外出招商活动推迟" + recalled},
        {"seq": 4, "name": "编外聘用人员经费", "category": "人员类", "initial": D("45.00"),
         "budget": D("48.00"), "actual": D("48.00"), "rate": D("100.00"), "balance": D("0.00")},
        {"seq": 5, "name": "机关运转保障经费", "category": "运转类", "initial": D("25.00"),
         "budget": D("32.30"), "actual": D("26.80"), "rate": D("82.97"), "balance": D("0.00"),
         "reason": "运转经费按实际需要支出" + recalled},
    ]

    def ind(level1: str, level2: str, name: str, target: D, unit: str, actual: D, weight: D,
            score: D, reason: str | None = None) -> dict[str, Any]:
        row = {"level1": level1, "level2": level2, "name": name, "nature": "≥", "target": target,
               "unit": unit, "actual": actual, "weight": weight, "score": score}
        return {**row, "reason": reason} if reason else row

    out, eff = "产出指标", "效益指标"
    indicators = [
        ind(out, "数量指标", "招商引资签约总金额", D(120), "亿元", D(150), D(15), D(15)),
        ind(out, "数量指标", "省外产业项目新增实际到位资金", D(65), "亿元", D(72), D(15), D(15)),
        ind(out, "数量指标", "实际利用外资", D("0.6"), "亿元", D("0.7"), D(10), D(10)),
        ind(out, "数量指标", "外商直接到资（FDI）", D(350), "万美元", D(352), D(10), D(10)),
        ind(eff, "经济效益指标", "招商引资签约项目数", D(15), "个", D(16), D(10), D(10)),
        ind(eff, "社会效益指标", "“走出去”“请进来”招商引资活动", D(250), "次", D(268), D(10), D(10)),
        ind(eff, "可持续影响指标", "重点在谈“553”企业项目", D(15), "个", D(14), D(10), D("9.33"),
            "部分项目受疫情影响仍在洽谈，已列入下年跟踪清单。"),
        ind("满意度指标", "服务对象满意度指标", "招商企业满意度", D(90), "%", D(90), D(10), D(10)),
    ]
    return fields, projects, indicators


def seed_v2_additions() -> tuple[dict[str, V], dict[int, dict[str, V]], list[dict[str, V]]]:
    """What template version 2 adds to the seed: 调整原因 where the budget changed during the
    year (fields; project rows by index) and the 年度总体目标 table."""
    why = "报告未写调整原因；年初预算亦为填充值，按调整方向写明"
    fields = {
        "exec_basic_adjust_reason": F("年中追加人员经费和机关运转经费。", why),
        "exec_project_adjust_reason": F("年中追加编外聘用人员经费和机关运转保障经费。", why),
    }
    projects = {
        3: {"adjust_reason": F("年中追加编外聘用人员经费。", why)},
        4: {"adjust_reason": F("年中追加机关运转保障经费。", why)},
    }
    goals = [
        {"seq": F(1, "序号"),
         "goal": F("完成市下招商引资目标任务。", "按报告“年度主要工作任务”之二（全力以赴做好招商）概括"),
         "actual": R("签约项目18个，签约总金额超176.98亿元，分别完成市下目标的136.14%、163.48%、160%和100%。",
                     "一是圆满完成市下目标")},
        {"seq": F(2, "序号"),
         "goal": F("保证机关基本运转。", "按报告“年度主要工作任务”之一"),
         "actual": R("有效保障了本局正常运转。", "（一）评价结论")},
        {"seq": F(3, "序号"),
         "goal": F("保障全区公务接待。", "按报告“年度主要工作任务”之三"),
         "actual": R("特定目标类项目执行情况较好，预期目标已全面实现。", "（二）特定目标类项目绩效分析")},
    ]
    return fields, projects, goals


def clean_data() -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    fields = {
        "unit_name": "示例市示例区统计局", "unit_code": "900101", "supervisor": "示例区人民政府",
        "eval_year": 2022, "filler": "李华", "phone": "0800-1234567", "fill_date": date(2023, 4, 20),
        "sub_units": 1,
        "quota_admin": 20, "quota_institution": 8, "quota_worker": 2, "quota_total": 30,
        "staff_admin": 19, "staff_institution": 8, "staff_worker": 2, "staff_total": 29,
        "flow_start": 28, "flow_in": 2, "flow_hired": 1, "flow_out": 1, "flow_retired": 1,
        "flow_other": 0,
        "functions": "负责全区统计调查、统计数据发布和统计监督工作。",
        "tasks": "一是完成年度统计调查项目；二是做好经济普查准备；三是提升统计信息化水平。",
        "goals": "按时准确完成统计调查任务，数据质量稳步提高，统计服务满意度不低于 90%。",
        "income_general_budget": D("520.00"), "income_gov_fund": D("30.00"),
        "income_state_capital": D("0.00"), "income_fiscal_special": D("0.00"),
        "income_unit_funds": D("0.00"), "income_other": D("0.00"), "income_total": D("550.00"),
        "exp_basic": D("380.00"), "exp_personnel": D("320.00"), "exp_public": D("60.00"),
        "exp_project": D("150.00"), "exp_total": D("530.00"),
        "balance_start": D("10.00"), "balance_end": D("30.00"),
        "exec_basic_initial": D("370.00"), "exec_basic_budget": D("385.00"),
        "exec_basic_actual": D("380.00"), "exec_basic_rate": D("98.70"),
        "exec_project_initial": D("150.00"), "exec_project_budget": D("160.00"),
        "exec_project_actual": D("150.00"), "exec_project_rate": D("93.75"),
        "exec_total_initial": D("520.00"), "exec_total_budget": D("545.00"),
        "exec_total_actual": D("530.00"), "exec_total_rate": D("97.25"),
        "budget_weight": D(10), "budget_score": D("9.72"),
        "self_total": D("98.72"), "self_grade": "优",
        "conclusion": "本年度预算执行良好，各项绩效目标基本实现，自评得分 98.72 分，等级为优。",
        "problems": "1. 个别项目年初预算编制不够精细，年中有追加。\n2. 普查经费执行进度前松后紧。",
        "suggestions": "1. 细化项目预算编制，减少年中调整。\n2. 按月跟踪项目执行进度。",
        "application": "自评结果已随决算公开，并作为下年度预算安排的参考。",
    }
    projects = [
        {"seq": 1, "name": "统计调查专项经费", "category": "特定目标类", "initial": D("60.00"),
         "budget": D("64.00"), "actual": D("60.00"), "rate": D("93.75"), "balance": D("4.00"),
         "score": D("95.00")},
        {"seq": 2, "name": "普查工作经费", "category": "特定目标类", "initial": D("50.00"),
         "budget": D("54.00"), "actual": D("50.00"), "rate": D("92.59"), "balance": D("4.00"),
         "score": D("94.00")},
        {"seq": 3, "name": "信息化运维经费", "category": "运转类", "initial": D("25.00"),
         "budget": D("26.00"), "actual": D("25.00"), "rate": D("96.15"), "balance": D("1.00")},
        {"seq": 4, "name": "聘用人员经费", "category": "人员类", "initial": D("15.00"),
         "budget": D("16.00"), "actual": D("15.00"), "rate": D("93.75"), "balance": D("1.00")},
    ]
    indicators = [
        {"level1": "产出指标", "level2": "数量指标", "name": "完成统计调查项目数", "nature": "≥",
         "target": D(12), "unit": "项", "actual": D(13), "weight": D(20), "score": D(20)},
        {"level1": "产出指标", "level2": "质量指标", "name": "数据差错率", "nature": "≤",
         "target": D(1), "unit": "%", "actual": D("0.9"), "weight": D(10), "score": D(10)},
        {"level1": "产出指标", "level2": "时效指标", "name": "统计报表按时报送率", "nature": "≥",
         "target": D(100), "unit": "%", "actual": D(100), "weight": D(10), "score": D(10)},
        {"level1": "产出指标", "level2": "成本指标", "name": "普查工作经费", "nature": "≤",
         "target": D(54), "unit": "万元", "actual": D(50), "weight": D(10), "score": D(10)},
        {"level1": "效益指标", "level2": "社会效益指标", "name": "统计数据发布次数", "nature": "≥",
         "target": D(24), "unit": "次", "actual": D(26), "weight": D(15), "score": D(15)},
        {"level1": "效益指标", "level2": "可持续影响指标", "name": "统计工作制度体系", "nature": "定性",
         "target": "健全", "actual": "达成", "weight": D(15), "score": D(14)},
        {"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "数据使用单位满意度",
         "nature": "≥", "target": D(90), "unit": "%", "actual": D(93), "weight": D(10),
         "score": D(10)},
    ]
    return fields, projects, indicators


def messy_data() -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]], dict]:
    fields = {
        "unit_name": "示例县农业农村局", "eval_year": "22", "filler": "赵强", "phone": "—",
        "fill_date": "2022-13-45", "sub_units": "两个",
        "quota_admin": 10, "quota_institution": 5, "quota_worker": 2, "quota_total": 18,
        "staff_admin": 12, "staff_institution": 5, "staff_worker": 3, "staff_total": 19,
        "flow_start": 18, "flow_in": 1, "flow_hired": 2, "flow_out": 1, "flow_retired": -1,
        "flow_other": Formula("=B26-B25"),
        "functions": "负责全县农业农村工作。", "tasks": "高标准农田建设、动物防疫、农技推广。",
        "goals": "全面完成年度农业农村工作目标。",
        "income_general_budget": "1,200.50万元", "income_gov_fund": D("100.00"),
        "income_state_capital": "—", "income_fiscal_special": D(0), "income_unit_funds": D(0),
        "income_other": D(0), "income_total": D("1400.00"),
        "exp_basic": D("900.00"), "exp_personnel": D("700.00"), "exp_public": D("150.00"),
        "exp_project": D("450.00"), "exp_total": D("1300.00"),
        "balance_start": D("50.00"), "balance_end": D("0.00"),
        "exec_basic_initial": D("880.00"), "exec_basic_budget": D("900.00"),
        "exec_basic_actual": D("900.00"), "exec_basic_rate": D(100),
        "exec_project_initial": D("600.00"), "exec_project_budget": D("700.00"),
        "exec_project_actual": D("450.00"), "exec_project_rate": D(80),
        "exec_total_initial": D("1500.00"), "exec_total_budget": D("1600.00"),
        "exec_total_actual": D("1350.00"),
        "budget_weight": D(10), "budget_score": D(10),
        "self_total": D(95), "self_grade": "良",
        "conclusion": "各项目标全面实现。", "problems": "无",
        "application": "按要求公开。",
    }
    projects = [
        {"seq": 1, "name": "高标准农田建设", "category": "特定目标类", "initial": D(300),
         "budget": D(400), "actual": D(250), "balance": D(0)},
        {"seq": 2, "name": "农机购置补贴", "category": "特定目标类", "initial": D(0),
         "budget": D(0), "actual": D(20), "balance": D(0)},
        {"seq": 3, "name": "动物防疫经费", "category": "专项类", "initial": D(100),
         "budget": D(100), "actual": D(120), "balance": D(0)},
        {"seq": 4, "name": "农业技术推广", "category": "运转类", "initial": D(50),
         "budget": D(50), "actual": "五十", "balance": D(0)},
        {"seq": 5, "name": "村级公益事业一事一议", "category": "特定目标类", "initial": D(60),
         "budget": D(60), "actual": D(600000), "balance": D(0)},
    ]
    total = {"initial": D(500), "budget": D(600), "actual": D(450), "balance": D(0)}
    indicators = [
        {"level1": "产出指标", "level2": "数量指标", "name": "高标准农田建设面积", "nature": "≥",
         "target": D(10000), "unit": "亩", "actual": D(15000), "weight": D(20), "score": D(20)},
        {"level1": "产出指标", "level2": "经济效益指标", "name": "农田质量达标率", "nature": "≥",
         "target": D(95), "unit": "%", "actual": D(96), "weight": D(10), "score": D(10)},
        {"level1": "产出指标", "level2": "时效指标", "name": "项目完工时间", "nature": "≤",
         "target": D(12), "unit": "月", "actual": D(14), "weight": D(10), "score": D(10)},
        {"level1": "效益指标", "level2": "社会效益指标", "name": "农村人居环境", "nature": "定性",
         "target": "明显提升", "actual": "部分达成", "weight": D(10), "score": D(9)},
        {"level1": "效益指标", "level2": "经济效益指标", "name": "带动农民增收", "nature": "≥",
         "target": D(500), "unit": "万元", "actual": D(300), "weight": D(10), "score": D(12)},
    ]
    return fields, projects, indicators, total


def _plain(data: Any) -> Any:
    if isinstance(data, V):
        return data.value
    if isinstance(data, dict):
        return {k: _plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain(v) for v in data]
    return data


def _shown(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).replace("\n", " ").replace("|", "／")
    return text if len(text) <= 40 else text[:38] + "…"


def seed_readme_rows(fields: dict[str, V], projects: list[dict[str, V]],
                     indicators: list[dict[str, V]],
                     goals: list[dict[str, V]] | None = None) -> list[str]:
    rows = ["| 位置 | 项目 | 值 | 来源 |", "|---|---|---|---|"]
    for name, v in fields.items():
        f = S.FIELDS[name]
        rows.append(f"| {f.sheet} `{name}` | {f.label} | {_shown(v.value)} | {v.source} |")
    tables = [(S.PROJECT_TABLE, projects), (S.INDICATOR_TABLE, indicators)]
    if goals:
        tables.append((S.GOAL_TABLE, goals))
    for table, data in tables:
        for i, row in enumerate(data, start=1):
            for key, v in row.items():
                label = table.column(key).label
                rows.append(f"| {table.sheet} 第 {i} 行 | {label} | {_shown(v.value)} | {v.source} |")
    return rows


def seed_v2_data() -> tuple[dict[str, V], list[dict[str, V]], list[dict[str, V]], list[dict[str, V]]]:
    """The seed in template version 2: every value of version 1, and what version 2 adds."""
    fields, projects, indicators = seed_data()
    more_fields, more_projects, goals = seed_v2_additions()
    projects = [{**row, **more_projects.get(i, {})} for i, row in enumerate(projects)]
    return {**fields, **more_fields}, projects, indicators, goals


README_HEAD = """# 样例填报表 · Samples

由 `python samples/make_samples.py` 从生成的模板填写而成（不要手工修改 .xlsx，改脚本后重新生成）。
Built by `python samples/make_samples.py` from the generated template; edit the script, not
the workbooks.

| 文件 | 内容 |
|---|---|
| `2022_市中区经济合作局.xlsx` | 乐山市市中区经济合作局 2022 年度部门整体支出绩效自评（`seed_report.txt` 为其公开报告全文） |
| `2021_市中区经济合作局.xlsx` | 同一单位的 2021 年度自评表：**数字全部为虚构**（没有 2021 年度报告可依），用于上年对比 |
| `2022_clean_example.xlsx` | 一个数据前后一致的部门：没有警告及以上的问题 |
| `2022_messy_example.xlsx` | 一个错误百出的部门：触发大部分审核规则 |


| `2022_市中区经济合作局.xlsx` | 乐山市市中区经济合作局 2022 年度部门整体支出绩效自评（`seed_report.txt` 为其公开报告全文），第 1 版模板 |
| `2022_市中区经济合作局_v2.xlsx` | 同一份自评，第 2 版模板：另填了调整原因和年度总体目标表（来源见文末） |
| `2022_clean_example.xlsx` | 一个数据前后一致的部门：没有警告及以上的问题（第 1 版模板） |
| `2022_messy_example.xlsx` | 一个错误百出的部门：触发大部分审核规则（第 1 版模板，版本号改成了 0） |

两个经济合作局样例读出的数字、计算的指标和得分完全相同，审核发现的问题也相同（测试逐项核对）：
第 2 版多出的是调整原因和年度总体目标；预算有调整的行都写了调整原因，所以“预算调整未说明原因”（R005，
只检查有“调整原因”栏的第 2 版）不报。在 `xlsxperf run samples` 的汇总中，两份会作为同一单位同一年度的
重复提交标出。

## 2021 年度样例（虚构）

`2021_市中区经济合作局.xlsx` 的数字是编造的，只求合理、自洽（各项合计都对得上）：单位名称、
主管部门、编制与 2022 年度样例相同，2021 年末实有 18 人、年末结转和结余 0 万元，正好是 2022 年度的
期初数；“存在问题”“改进建议”与 2022 年度不同。八项绩效指标与 2022 年度同名，其中
**招商引资签约总金额 2021 年完成 150 亿元**，高于 2022 年度的指标值 130 亿元，所以

```bash
xlsxperf check samples/2022_市中区经济合作局.xlsx --previous samples/2021_市中区经济合作局.xlsx
```

对该指标报 Y001“指标值低于上年实际完成值”，其他指标和上年对比规则不报。

## 经济合作局样例的每个值及其来源

“报告”表示取自报告原文（引用其中的句子）；“填充”表示报告没有给出、按说明合理填写，
且保持报告自身的所有合计与比率不变：收入 414.31 万元（一般公共预算 100%）、支出占比
65.11% / 34.89%、特定目标类项目预算 70.40 万元执行 53.27 万元（75.67%）、四项目标完成率
136.14% / 163.48% / 160% / 100%、自评 98 分。

"""


README_V2 = """
## 第 2 版样例多出的值

`2022_市中区经济合作局_v2.xlsx` 填了上表的每一个值，另填了第 2 版模板新增的项目：

| 位置 | 项目 | 值 | 来源 |
|---|---|---|---|
"""


def build(outdir: Path = HERE) -> list[Path]:
    from openpyxl import load_workbook

    fields, projects, indicators = seed_data()
    written = [fill_workbook(outdir / SEED_FILE, _plain(fields), _plain(projects),
                             _plain(indicators), version=1)]
    f2, p2, i2, goals = seed_v2_data()
    written.append(fill_workbook(outdir / SEED_V2_FILE, _plain(f2), _plain(p2), _plain(i2),
                                 version=2, goals=_plain(goals)))
    written.append(fill_workbook(outdir / SEED_2021_FILE, *seed_2021_data(), version=1))
    written.append(fill_workbook(outdir / CLEAN_FILE, *clean_data(), version=1))
    mf, mp, mi, mt = messy_data()
    messy = fill_workbook(outdir / MESSY_FILE, mf, mp, mi, project_total=mt, version=1)
    wb = load_workbook(messy)  # an outdated template version and a lost defined name
    wb[S.META_SHEET]["B2"] = 0
    del wb.defined_names["sub_units"]
    wb.save(messy)
    written.append(messy)
    more_fields, more_projects, goals = seed_v2_additions()
    v2_projects = [more_projects.get(i, {}) for i in range(len(projects))]
    readme = (README_HEAD + "\n".join(seed_readme_rows(fields, projects, indicators)) + "\n"
              + README_V2 + "\n".join(seed_readme_rows(more_fields, v2_projects, [], goals)[2:])
              + "\n")
    (outdir / "README.md").write_text(readme, encoding="utf-8")
    return written


if __name__ == "__main__":
    for path in build():
        print(path.relative_to(HERE.parent))
