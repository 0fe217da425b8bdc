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
    "办公室",
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


# --- numbers (numbers.py) ------------------------------------------------------------

UNITS_MORE = ("人", "件次", "所", "个月", "封", "幢", "栋", "间", "宗", "门", "例", "盏", "棵")
"""Counting units beyond jionlp's dictionary of measure words."""

NOT_UNITS = ("年", "月", "日", "号", "届", "时", "岁", "分钟", "秒", "世纪", "代", "季度", "周年")
"""Measure words that make dates, ordinals, ages and document numbers, not statistics."""

DATE_UNITS = ("年", "月", "日")
"""Units of dates (never figures)."""

QUALIFIERS_BEFORE = ("将近", "近", "约", "超过", "逾", "大约", "不足")
"""Words before a number that make it approximate (近300万元)."""

QUALIFIERS_AFTER = ("以上", "左右", "以下", "之多")
"""Words after the unit that make a number approximate (100%以上)."""

NOT_NUMERALS = ("一", "十分", "万", "千万", "百", "千")
"""Chinese numerals that are words (进一步, 一体, 十分): never figures."""

NOT_NUMERAL_UNITS = (("十", "分"), ("三", "不"))
"""A numeral and unit that together are a word (十分重要)."""


# --- what a sentence states (stated.py) ----------------------------------------------

DELIMITERS = "，,；;。：:、！？!?（）()"
"""Where a clause ends: a number's label never runs over one."""

LEADING_FILLERS_RE = re.compile(
    r"^(?:截至目前|截至[^，,]{0,12}?(?:底|末|日)|截止目前|目前|其中|并且|并|同时|现|均|中|"
    r"此外|另外|.*?等(?:方式|形式|措施))+"
)
"""Words at a clause's start that are no part of a label or a status (其中已完成)."""

TRAILING_FILLERS_RE = re.compile(r"(?:共有|共计|合计|总计|累计|共|达到|达|为|有|计|是)+$")
"""Words right before a number that are no part of its label (问题共87个)."""

STATUS_MODIFIERS = (
    "均已", "都已", "已经", "已", "正在", "尚未", "未能", "未", "仍在", "仍", "基本", "持续",
    "阶段性", "取得", "按计划", "按时", "如期", "全部", "全力", "逐步", "长期", "全面", "有序",
    "稳步", "正", "均", "都", "初步",
)  # fmt: skip
"""Words a status is made of besides its core (已如期完成, 正在全力推进)."""

STATUS_CORES = (
    "完成整改", "整改完成", "整改到位", "完成", "整改", "推进", "办结", "销号", "落实", "办理",
    "成效", "解决", "见效", "坚持", "实施", "答复", "到位",
)  # fmt: skip
"""The core of a status (完成, 整改, 推进 …): a count whose words are only these is a
count by status of the figure it follows."""

STATUS_JOINERS = ("并", "和", "且", "、", "及")
"""Between two parts of one status (基本完成并持续推进)."""

STATUS_AMBIGUOUS = ("阶段性", "成效", "见效")
"""A status with these is neither done nor not done: imported as not done, with a warning."""

STATUS_NOT_DONE = ("尚未", "未", "正在", "持续", "推进", "基本", "按计划", "长期", "逐步", "仍")
"""A status with these is not done (基本完成, 持续推进, 尚未完成); also one ending in 中."""

STATUS_DONE = ("完成", "到位", "办结", "销号", "整改", "落实", "解决", "答复")
"""A status with these (and none of the above) is done (已完成, 已整改到位, 已办结)."""

LABEL_WORDS = (
    "整改措施", "立案", "审查", "调查", "处分", "问责", "诫勉", "谈话", "谈心", "函询", "核实",
    "初步", "处理", "组织", "移送", "留置", "开除", "巡察", "巡视", "抽检", "攻坚", "集中",
    "违纪", "违法", "违规", "修订", "完善", "新建", "废止", "改造", "得分", "相关", "督导",
    "检查", "警示", "考核", "来信", "来访", "诉求", "处级", "突出", "举措", "用时", "退出",
    "追缴", "主动认领", "主动发现", "认领", "点", "款", "组", "党内", "补助", "修改",
)  # fmt: skip
"""Words of labels that the tagger calls verbs or numbers (立案审查调查, 诫勉谈话,
风险点): a label may hold them. Two words whose join is here are read as one."""

LABEL_JOINERS = ("及", "和", "与")
"""Between two verbs of one label (制定及修改完善制度): the label runs back over both."""

LABEL_WORDS_BEFORE: dict[str, tuple[str, ...]] = {
    "整改": ("任务", "措施", "事项", "举措", "方案", "清单", "任务清单", "工作", "完成率", "率")
}
"""Words of labels only before these (整改任务, but not 整改风险隐患)."""

LABEL_STOPS = (
    "排查", "培训", "开展", "涉及", "覆盖", "建成", "新增", "收集", "处置", "发放", "受理",
    "累计", "办结", "走访", "制定", "梳理", "建立", "给予", "挽回", "节约", "清理", "规范",
    "召开", "派出", "组建", "严肃", "提出", "发现", "指出", "反馈", "明确", "细化", "分解",
    "查摆", "退缴", "对照", "针对", "围绕", "聚焦", "机关", "纪检监察机关", "全区", "全县",
    "全市", "全省", "全年", "县委", "区委", "市委", "省委", "党委", "党组", "学校", "公司",
    "集团", "专班", "该单位", "单位", "今年以来",
)  # fmt: skip
"""Words a label before its number never starts with or runs over: the verbs that govern
it (排查, 制定, 给予) and the bodies that act (机关, 区委)."""

NOMINAL_TAGS = ("n", "nr", "ns", "nt", "nz", "ng", "j", "l", "vn", "a", "b", "an", "zg", "nrt")
"""The part-of-speech tags of words a label is made of (jieba's tag set)."""

LONE_LABEL_TAGS = ("v", "vn", "r", "l", "i", "n", "ng")
"""A clause that has no noun phrase before its number but one such word takes it as the
label (废止三项, 留置7人, 为期两个月)."""

RATE_LABEL_ENDS = ("率", "度", "比例", "占比", "比重")
"""A percentage is a figure only after such a label (整改率达92.4%, 满意度98.6%)."""


# --- the inspection (inspection.py) --------------------------------------------------

SPAN_SEPARATOR_RE = re.compile(r"(?:至|到|——|—|－|-|~|～)")
"""Between the two dates of a span: 至, 到, ——, -, ~."""

MONTH_AFTER_RE = re.compile(r"^(?:至|到|——|—|－|-|~|～)(?:(?P<y>\d{4})年)?(?P<m>\d{1,2})月(?!\d)")
"""至6月 after a month (2021年4月至6月): jionlp reads the first month alone."""

FEEDBACK_WORD = "反馈"
"""The word of the feedback, wherever it stands near its date."""

FOLLOW_UP_WORDS = ("回头看",)
"""A sentence about the follow-up inspection: its dates and team are not the inspection's."""

TEAM_NAME_RE = re.compile(r"(?:巡视|巡察)组")
"""The end of a team's name (市委第一巡视组, 县委上下联动巡察组, 三个巡察组)."""

TEAM_STOPS = (
    "派出", "组建", "成立", "抽调", "根据", "按照", "由", "向", "对", "与", "和", "及", "经",
    "在", "从", "于", "将", "随着", "通过", "的", "了", "并", "又", "分别",
)  # fmt: skip
"""Words a team's name never runs back over (根据…第一巡视组 is 第一巡视组's)."""

TEAM_WORDS = ("各", "上下", "联合", "专项")
"""Words of a team's name the tagger would stop at (县委各巡察组, 上下联动巡察组)."""

TEAM_STOP_TAGS = ("p", "c", "u", "uj", "ul", "uz", "d", "x", "r", "f", "t")
"""Tags of words a team's name never runs back over."""

ROUND_RE = re.compile(
    r"(?P<round>[^，,。；;、“”\s于据照实]{0,12}?第[一二三四五六七八九十\d]+轮(?:巡视|巡察))"
)
"""The round, when the text names one (十二届市委第二轮巡视): nothing else is a round."""
