"""What a department should change for a finding, in a few words (修改要求): the 修改清单 of
the annotated copy sent back to it. Words only; what is wrong is decided by the rules.

A rule without its own words here gets the general ones: the expected value when the
finding has one, else "请核实并修改".
"""

from __future__ import annotations

from ..model import Finding

ACTIONS = {
    "S001": "请另存为 .xlsx 后重新提交",
    "S002": "请使用统一下发的填报模板重新填写",
    "S003": "请使用最新版本的填报模板",
    "S004": "请在 Excel 或 WPS 中打开并保存，使公式带有计算结果，或直接填写数值",
    "S005": "请删除多余内容后重新提交",
    "S006": "无需修改数值；请勿改动模板的单元格位置和名称",
    "F001": "请填写此项",
    "F002": "请改为数字",
    "F003": "无需修改；建议直接填写数字",
    "F004": "请核实，金额、人数不应为负数",
    "F005": "请核实金额单位，应以万元填写",
    "F006": "请填写实际内容",
    "F007": "请从可选项中选择：{expected}",
    "F008": "请填写有效的年度或日期",
    "T001": "请核对各项收入和收入合计，合计应为 {expected}",
    "T002": "请核对基本支出、项目支出和支出合计，合计应为 {expected}",
    "T003": "请核对人员经费、公用经费和基本支出，基本支出应为 {expected}",
    "T004": "请核对年初结转和结余、收入、支出和年末结转和结余，年末应为 {expected}",
    "T005": "请核对预算执行表的合计行，应为 {expected}",
    "T006": "请核对预算执行表合计全年执行数与支出合计，应为 {expected}",
    "T007": "请核对项目支出表的合计行，应为 {expected}",
    "T008": "请核对各项目全年执行数，其和不应超过项目支出 {expected}",
    "T009": "请核对各类编制和编制合计，合计应为 {expected}",
    "T010": "请核对各类人员和实有人数合计，合计应为 {expected}",
    "T011": "请核对期初人数与人员变动，期末应为 {expected}",
    "T012": "请调整权重，合计应为 {expected} 分",
    "T013": "请核对各项得分和自评总分，总分应为 {expected}",
    "R001": "请将执行率改为 {expected}%",
    "R002": "请在原因栏说明执行率偏低的原因",
    "R003": "请核实执行数，或说明超预算执行的原因",
    "R004": "请核实预算数和执行数",
    "P001": "得分不能超过权重 {expected} 分，请改正",
    "P002": "请按评分规则将得分改为 {expected} 分，或说明依据",
    "P003": "请将得分调整到 {expected} 分之间，或核实完成情况",
    "P004": "请填写未完成的原因",
    "P005": "请核实指标值，下一年度据实提高目标",
    "P006": "请补齐绩效指标体系：{expected}",
    "P007": "请将评价等级改为“{expected}”",
    "P008": "请核实指标完成值和自评得分是否与资金使用情况相符",
    "C001": "请核实实有人数和核定编制，超编须说明原因",
    "C002": "请说明未执行资金的去向（结转结余或已收回）",
    "C003": "请改正报告中的数字，数据为 {expected}",
    "C004": "请改正报告中的表述，使其与数据一致",
}
GENERAL = "请核实并修改"
GENERAL_EXPECTED = "应为 {expected}"


def action(f: Finding) -> str:
    """``请核对各项收入和收入合计，合计应为 1300.50`` for a T001 finding."""
    words = ACTIONS.get(f.code)
    if words is None:
        words = GENERAL_EXPECTED if f.expected else GENERAL
    if "{expected}" not in words:
        return words
    if f.expected:
        return words.replace("{expected}", f.expected)
    head = words.split("{expected}")[0]  # without the figure: the words before its clause
    return head[:head.rindex("，")] if "，" in head else GENERAL
