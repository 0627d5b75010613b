"""Structure rules (S): is this a readable workbook made from our template?

These findings are raised while opening and reading the file (the preflight and the reader),
before any other rule can run, so they are declared here without a check function; S004 and
S006 are checks over the values the reader kept.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..model import Finding, Parse, Severity
from .registry import declare, make, rule

if TYPE_CHECKING:
    from ..context import Context
    from ..model import Submission

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO

declare(
    "S001", "file-unreadable", E, "文件无法读取",
    "文件 {file} 无法读取：{reason}",
    "Cannot read {file}: {reason_en}",
    """
    是什么：文件打不开：已损坏、不是电子表格、设置了打开密码，或是 WPS 的 .et 等不支持的格式。
    为什么：读不出来就无法审核；部门需要重新保存为 .xlsx（取消密码保护）后再提交。
    示例：把 CSV 文件改名为 .xlsx 提交，或提交了设置打开密码的工作簿。
    """,
)

declare(
    "S002", "not-a-template", E, "不是本模板的填报表",
    "文件 {file} 不是部门整体支出绩效自评表模板：缺少 {missing}",
    "{file} is not the self-evaluation template: missing {missing}",
    """
    是什么：工作簿里找不到模板的标识（隐藏工作表 _meta）和大部分填报项目（按定义名称和标签都找不到）。
    为什么：只有按模板填写的工作簿才能逐项核对；其他表格需要先把数据填入模板。
    示例：提交了部门自己的决算报表，而不是“部门整体支出绩效自评表”模板。
    """,
)

declare(
    "S003", "template-version", W, "模板版本不符",
    "模板版本为 {actual}，不是本工具支持的版本（{known}），按表格格式识别为版本 {expected} 读取，请使用最新模板",
    "Template version {actual} is not one this tool knows ({known}); read as version {expected}",
    """
    是什么：_meta 工作表中的模板版本不是本工具支持的版本（第 1 版、第 2 版），或找不到版本号。
    第 1 版和第 2 版的填报表都按各自的格式读取，不报此项。
    为什么：不同版本的模板项目可能不同，版本不明时只能按表格格式推断，可能漏项或错位。
    示例：用去年下发的第 0 版模板填报，或删除了隐藏的 _meta 工作表。
    """,
)

declare(
    "S005", "unsafe-file", E, "文件超出安全限制",
    "文件 {file} 超出安全限制：{limit}",
    "{file} exceeds a safety limit: {limit_en}",
    """
    是什么：文件大小、压缩包条目数、解压后大小或压缩比超过了设定的上限。
    为什么：异常巨大的或“压缩炸弹”文件会耗尽内存和时间，影响整批审核；正常填报表远小于这些上限。
    示例：一个 50 KB 的 .xlsx 解压后有 2 GB 的工作表数据。
    """,
)


declare(
    "S007", "check-failed", W, "审核项目未能完成",
    "审核项目“{rule}”出现内部错误，未能核对（{detail}）；其他审核项目不受影响",
    "the check {rule} failed with an internal error and was not done ({detail}); the other "
    "checks stand",
    """
    是什么：某一条审核规则（或报告核对）在处理这份填报表时出现了程序内部错误，这一项没有核对；
    其余规则照常核对，结果有效。错误详情记录在日志文件中。
    为什么：一条规则出错不应抹掉整份填报表的审核结果；但必须说明哪一项没有核对，不能让人以为它通过了。
    示例：某个单元格的内容触发了规则中未预料的情况，“T004 结转结余恒等式”未能核对。
    """,
)


@rule("S004", "formula-without-value", E, "公式没有计算结果",
      "单元格是公式 {formula}，但文件中没有保存计算结果，无法读取其值",
      "holds the formula {formula} but no calculated value was saved")
def formula_without_value(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：填报单元格是公式，但文件里没有保存公式的计算结果（缓存值）。
    为什么：本工具不重新计算公式，只读取保存的结果；没有结果就等于没有填写。通常是由脚本生成的文件，
    在 Excel 或 WPS 中打开并保存一次即可。
    示例：收入合计单元格为 =SUM(B4:B9)，文件由程序生成后未经电子表格软件保存。
    """
    for _, v in sub.values():
        if v.parse == Parse.NO_VALUE:
            yield make("S004", at=v, actual=v.raw, formula=v.raw)


@rule("S006", "found-by-label", I, "按标签定位",
      "{sheet} 有 {count} 个项目的定义名称缺失、失效或与标签不符，已按标签定位：{labels}",
      "{count} fields on {sheet} have no working defined name and were found by label: {labels}")
def found_by_label(sub: Submission, ctx: Context) -> Iterable[Finding]:
    """
    是什么：模板中每个填报项目都有定义名称（如 income_total）；这些名称缺失或失效时，改按左侧标签查找。
    为什么：按标签查找同样可靠，但说明工作簿被复制或改动过结构，值得留意数据是否放在了正确的位置。
    示例：把模板内容复制粘贴到一个新工作簿中填写，定义名称没有随之复制。
    """
    by_sheet: dict[str, list[str]] = defaultdict(list)
    for f, v in sub.values():
        if v.found_by == "label" and v.cell is not None:
            by_sheet[v.cell.sheet].append(f.label)
    for sheet, labels in by_sheet.items():
        shown = "、".join(labels[:8]) + ("等" if len(labels) > 8 else "")
        yield make("S006", sheet=sheet, count=len(labels), labels=shown)
