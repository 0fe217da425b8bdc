"""Every report word the importer recognises, in one table.

This module is the one place where words of reports live in code: the importer reads a
document through them, and nothing else in rectify-site knows them. Each table is
ordered: the first entry that matches wins.
"""

from __future__ import annotations

import re

NUMBER_STYLES: tuple[tuple[str, str], ...] = (
    # (style as report.yaml writes it, pattern of the typed number at a line's start)
    ("一、", r"(?P<n>[一二三四五六七八九十百]+)、"),
    ("（一）", r"（(?P<n>[一二三四五六七八九十百]+)）"),
    ("(一)", r"\((?P<n>[一二三四五六七八九十百]+)\)"),
    ("（1）", r"（(?P<n>\d{1,3})）"),
    ("(1)", r"\((?P<n>\d{1,3})\)"),
    ("1．", r"(?P<n>\d{1,3})．"),
    ("1.", r"(?P<n>\d{1,3})\.(?!\d)"),
    ("①", r"(?P<n>[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳])"),
)
"""Numbered headings as typed; the styles are those the content model accepts."""

STYLE_NORMAL: dict[str, str] = {"(一)": "（一）", "(1)": "（1）"}
"""Half-width brackets are written full-width, as GB/T 9704 has them."""

DEFAULT_LEVELS: tuple[str, ...] = ("一、", "（一）", "1.", "（1）")
"""The model's default numbering styles; a report that follows them writes none."""

ACTION_STYLE = "一是"
"""Run-in enumerations: 一是 二是 三是."""

ISSUER_ENDINGS = (
    "委员会",
    "党委",
    "党组",
    "区委",
    "市委",
    "县委",
    "省委",
    "委",
    "政府",
    "局",
    "厅",
)
"""How the issuer line (发布机关) ends."""

TITLE_ENDINGS = ("通报", "公告", "公示", "报告", "情况")
"""How a title line ends (关于…的通报)."""

KINDS = ("巡察", "巡视")
"""The kinds of inspection; the first found in the title or opening wins."""

TEAM_RE = re.compile(
    r"(?:^|(?<=[，,。；;、：:\s]))(?P<team>[^\s，,。；;、：:“”]{0,14}?第[一二三四五六七八九十\d]+(?:巡视|巡察)组)"
)
"""The inspection team (市委第一巡视组)."""

ROUND_RES = (
    re.compile(r"关于(?P<round>.+?第[一二三四五六七八九十\d]+轮(?:巡视|巡察))"),
    re.compile(r"关于(?P<round>.+?(?:巡视|巡察))"),
)
"""The round of inspection, from the title (十二届市委第二轮巡视)."""

DATE = r"(?:(?P<{p}y>\d{{4}})年)?(?P<{p}m>\d{{1,2}})月(?P<{p}d>\d{{1,2}})日"
PERIOD_RE = re.compile("于" + DATE.format(p="s") + "至" + DATE.format(p="e"))
"""于2023年3月29日至6月16日: the inspection's start and end."""
FEEDBACK_RE = re.compile("于" + DATE.format(p="f") + r"(?=[^。，,]{0,4}反馈)")
"""于2023年8月30日反馈: the feedback date."""

CONTACT_FIELDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("phone", ("联系电话", "举报电话", "电话")),
    ("email", ("电子邮箱", "电子信箱", "邮箱")),
    ("address", ("通讯地址", "通信地址", "来信地址", "邮寄地址", "地址")),
    ("postcode", ("邮政编码", "邮编")),
)
"""Contact lines: the field and the words a line starts with (联系电话：…)."""

ENVELOPE_RE = re.compile(r"[（(]信封上(?:请)?注明[“\"](?P<note>[^”\"]+)[”\"][）)]")
"""（信封上注明“关于巡视整改落实情况的意见建议”) after the address."""

INVITATION_WORDS = ("欢迎", "监督")
"""Both in the line that invites comments before the contact lines."""

CATEGORY_RE = re.compile(r"^关于.+(?:问题|方面)的整改(?:情况)?$")
"""A category heading (问题大类): 关于…问题的整改."""
ASPECT_RE = re.compile(r"^(?:针对.+|关于.+方面)$")
"""An aspect heading (方面): 针对…问题, 关于…方面."""
MEASURE_RE = re.compile(r"^(?:重点任务|整改任务|整改措施)[:：]")
"""A measure heading (整改措施): 重点任务：…."""

STATUS_LINE_RE = re.compile(
    r"^(?P<word>整改进展|整改状态|整改进度|完成情况|进展情况)[:：]\s*(?P<status>[^。；;，,]+)[。]?$"
)
"""A problem's status line: 整改进展：已完成."""

STATUSES: tuple[tuple[str, str, str, bool], ...] = (
    # (as written, label, key, done)
    ("已经如期完成", "已如期完成", "completed_on_time", True),
    ("已如期完成", "已如期完成", "completed_on_time", True),
    ("已完成整改", "已完成整改", "rectification_completed", True),
    ("已经整改完成", "已整改完成", "rectification_completed", True),
    ("已整改完成", "已整改完成", "rectification_completed", True),
    ("已经整改", "已整改", "rectified", True),
    ("已整改", "已整改", "rectified", True),
    ("已经完成", "已完成", "completed", True),
    ("已完成", "已完成", "completed", True),
    ("已办结", "已办结", "closed", True),
    ("基本完成", "基本完成", "mostly_completed", False),
    ("持续推进", "持续推进", "ongoing", False),
    ("正在推进", "正在推进", "in_progress", False),
    ("正在整改", "正在整改", "being_rectified", False),
    ("未完成", "未完成", "not_completed", False),
    ("尚未完成", "尚未完成", "not_completed", False),
    ("推进中", "推进中", "in_progress", False),
)
"""Status words: done (已整改, 已完成 …) or not (基本完成, 持续推进, 正在…, 未完成)."""

GENERIC_NOT_DONE_RE = re.compile(r"^(正在|持续|尚未|未)")
GENERIC_STATUS_RE = re.compile(r"^(?:正在|持续)[\u4e00-\u9fff]{2,4}$")
"""A status not in the table, before a count: 正在实施3项."""
"""A status not in the table is done unless it reads as unfinished."""

UNITS = (
    "万元",
    "亿元",
    "人次",
    "项",
    "条",
    "件",
    "人",
    "个",
    "名",
    "家",
    "起",
    "次",
    "份",
    "处",
    "元",
    "笔",
    "户",
)
"""Units of a statistic (57项, 130.98万元), longest first."""

FILLERS_RE = re.compile(
    r"^(?:截至目前|截至[^，,]{0,12}?(?:底|末|日)|目前|其中|巡视反馈(?:的)?|巡察反馈(?:的)?|反馈(?:的)?|涉及|"
    r"提出|指出|共计|累计|共(?!性)|已经|已|全年|同时|并|通过.*?等(?:方式|形式)|给予|对)"
)
"""Words before a statistic's label that are not part of it (提出整改措施134条)."""

REMAINDER_WORDS = ("其余", "剩余", "余下", "其他")
"""Before the rest of a tally (其余14条正在全力推进): its remainder, under the words after."""

LABEL_BEFORE_NUMBER_ENDS = ("的", "为", "了", "成", "出", "到", "有", "是", "计")
"""A text before a number that ends so is no label: the label follows (细化为4个具体问题)."""

LABEL_TAIL_RE = re.compile(r"(?:中|里|当中)$")
"""After a label that follows its number (134项整改任务中): not part of the label."""

STRONG_FIGURE_WORDS = (
    "立案",
    "处分",
    "问责",
    "开除",
    "警告",
    "诫勉",
    "组织处理",
    "退出",
    "追缴",
    "挽回",
    "新建制度",
    "修订完善",
    "建立制度",
    "制度",
    "留置",
    "移送",
)
"""Words that make a sentence a statistic even without a status (党纪政务立案43件)."""

MAIN_FIGURES: tuple[tuple[str, str], ...] = (
    ("具体问题", "problems"),
    ("整改措施", "measures"),
    ("整改任务", "measures"),
)
"""The report's headline tallies: a leading sentence of these alone is the main group."""

FIGURE_IDS: tuple[tuple[str, str], ...] = (
    ("认领", "claimed_common"),
    ("主动发现", "found"),
    ("具体问题", "problems"),
    ("共性问题", "problems"),
    ("问题", "problems"),
    ("整改措施", "measures"),
    ("整改任务", "measures"),
    ("措施", "measures"),
    ("立案", "cases_filed"),
    ("开除", "expelled"),
    ("警告", "warned"),
    ("诫勉", "admonished"),
    ("组织处理", "organisational"),
    ("处分", "punished"),
    ("问责", "held_accountable"),
    ("留置", "detained"),
    ("移送", "transferred"),
    ("退出", "recovered"),
    ("追缴", "recovered"),
    ("挽回", "recovered"),
    ("新建", "new"),
    ("建立", "new"),
    ("修订", "revised"),
    ("废止", "repealed"),
    ("制度", "rules"),
)
"""A figure's id from its label (具体问题 -> problems); otherwise figure_N."""

GROUP_IDS: tuple[tuple[str, str], ...] = (
    ("主动", "self_initiated"),
    ("共性问题", "common"),
    ("立案", "discipline"),
    ("处分", "discipline"),
    ("问责", "discipline"),
    ("开除", "discipline"),
    ("诫勉", "discipline"),
    ("退出", "discipline"),
    ("追缴", "discipline"),
    ("制度", "rules"),
    ("修订", "rules"),
)
"""A group's id (its namespace in prose) from its first figure's label; else group_N."""

RATE_RE = re.compile(
    r"(?P<label>[^\s，,。；;、]{0,12}?(?:率|比例))(?:达到|达|为|是)?(?P<value>\d+(?:\.\d+)?)%"
)
"""A percentage after its label: 整改完成率达84.2%."""

COUNT_RE = re.compile(
    r"(?P<cat>[一二三四五六七八九十\d]+)(?:个)?大类(?P<asp>[一二三四五六七八九十\d]+)(?:个)?方面"
)
"""六大类16方面: counts that the structure shows."""

ACTION_STYLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("一是", re.compile(r"(?:(?<=^)|(?<=[。；;！!]))(?P<n>[一二三四五六七八九十]+)是")),
    ("第一，", re.compile(r"(?:(?<=^)|(?<=[。；;！!]))第(?P<n>[一二三四五六七八九十]+)[，,]")),
)
"""Run-in enumerations (一是 二是, 第一， 第二，) at the start of a paragraph or after a
sentence; the first style found in a paragraph is its style."""

ISSUER_IN_TITLE_RE = re.compile(r"^(?P<issuer>中共.+?(?:委员会|党委|党组|委))(?P<title>关于.+)$")
"""One line 中共XX委员会关于…的通报."""

ID_PREFIX = {"part": "part", "category": "category"}
"""Ids the importer gives: parts and categories are numbered (part-1, category-2)."""

DATE_LINE_RE = re.compile(
    r"^[（(]?(?P<y>\d{4}|[〇零一二三四五六七八九]{4})年(?P<m>\d{1,2}|[一二三四五六七八九十]{1,2})月"
    r"(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})日[）)]?$"
)
"""The date under the signature (成文日期): 2024年1月31日, 二〇二四年一月三十一日."""

ANNEX_RE = re.compile(r"^附件\s*[:：\d]")
"""附件：1.…: the attachments named after the text (their files are not in the text)."""
