"""Models of the files editors write: ``site.yaml``, ``report.yaml``, node files, figures.

No I/O here. One recursive ``NodeFile`` holds any report's numbered structure (parts,
sections, categories, aspects, problems, measures), so a report of a new shape is new
content, never new code. Each field's docstring is what the editor shows on hover
(Chinese first, English below): the JSON Schemas in ``schemas/`` are written from here.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    EmailStr,
    Field,
    NonNegativeInt,
    PlainValidator,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from rectify_site.model.baseurl import check_base_url
from rectify_site.model.ledger import DEFAULT_PUBLISHED, Column
from rectify_site.model.numbering import DEFAULT_ACTIONS, STYLES
from rectify_site.model.words import DEFAULT_KIND, Kind

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,40}$")
FILE_RE = re.compile(r"^(?:[a-z0-9][a-z0-9-]{0,62}/)*[a-z0-9][a-z0-9-]{0,62}\.yaml$")

RESERVED_IDS = frozenset(
    {
        "main",
        "top",
        "search",
        "nav",
        "content",
        "figures",
        "contact",
        "corrections",
        "downloads",
        "attachments",
        "ledger",
    }
)
"""Anchors the templates use themselves; content ids must not take them."""

GENERATED_ID_RE = re.compile(r"^n[0-9]+(?:-[0-9]+)*$")
"""The form of generated anchors (n2-1-3): content ids must not take it."""


def check_slug(value: str) -> str:
    """A slug (an id in URLs), or pydantic's error: the loader checks report folders too."""
    if not SLUG_RE.match(value):
        raise PydanticCustomError("slug_unsafe", "unsafe slug {value}", {"value": value})
    return value


def _check_key(value: str) -> str:
    if not KEY_RE.match(value):
        raise PydanticCustomError("key_unsafe", "unsafe key {value}", {"value": value})
    return value


def _check_file(value: str) -> str:
    if not FILE_RE.match(value):
        raise PydanticCustomError("file_ref", "bad file reference {value}", {"value": value})
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("string_too_short", "blank", {})
    return value


Slug = Annotated[
    str,
    AfterValidator(check_slug),
    Field(json_schema_extra={"pattern": SLUG_RE.pattern}, examples=["city-positioning"]),
]
"""A short ASCII id used in URLs and anchors: lower case, digits and '-'."""

Key = Annotated[
    str, AfterValidator(_check_key), Field(json_schema_extra={"pattern": KEY_RE.pattern})
]
"""A key of figures or statuses: lower-case ASCII letters, digits and '_'."""

_NOT_BLANK = Field(min_length=1, json_schema_extra={"pattern": r"\S"})
Text = Annotated[str, _NOT_BLANK, AfterValidator(_not_blank)]
"""Plain text that is not blank (a title of spaces is refused too)."""
Prose = Annotated[str, _NOT_BLANK, AfterValidator(_not_blank)]
"""Inline Markdown that may refer to data, as {{ figures.problems.total }}."""

Role = Literal["category", "aspect", "problem", "measure"]
"""What a node is, where the site needs to know: category (own page), aspect, problem, measure."""

EntityRole = Literal["problem", "measure"]


def _check_style(value: str) -> str:
    if value not in STYLES:
        expected = "、".join(f"“{k}”" for k in STYLES if k)
        raise PydanticCustomError("literal_error", "unknown style", {"expected": expected})
    return value


StyleName = Annotated[
    str, AfterValidator(_check_style), Field(json_schema_extra={"enum": list(STYLES)})
]
"""A numbering style, written as its first number: 一、 （一） 1. （1） ① 一是 …"""


def _number(value: Any) -> int | Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise PydanticCustomError("decimal_type", "not a number", {})
    if not value.is_finite() if isinstance(value, Decimal) else False:
        raise PydanticCustomError("decimal_type", "not a number", {})
    if value < 0:
        raise PydanticCustomError("greater_than_equal", "negative", {"ge": 0})
    return value


Number = Annotated[
    int | Decimal,
    PlainValidator(_number),
    WithJsonSchema({"type": "number", "minimum": 0, "examples": [43, 130.98]}),
]
"""A figure's value: a whole number or an exact decimal (130.98), never negative."""


class Strict(BaseModel):
    """Base: unknown fields are errors, types are not coerced, values are immutable."""

    model_config = ConfigDict(
        extra="forbid", strict=True, frozen=True, use_attribute_docstrings=True
    )


# --- site.yaml ---------------------------------------------------------------------


class SiteFile(Strict):
    """``site.yaml`` at the collection root: settings for the whole site."""

    name: Text | None = None
    """网站名称，显示在每页页眉和标题中；不填则按通报的巡视或巡察类别生成。
    The site's name, shown in every page's header and title."""
    base_url: Annotated[str, AfterValidator(check_base_url)] | None = None
    """网站发布地址（以 http:// 或 https:// 开头），用于 sitemap、规范链接和订阅源。
    Absolute URL where the site is published; needed for sitemap, canonical links, feeds."""
    sponsor: Text | None = None
    """主办单位，填写后显示在页脚。
    Shown in the footer when given."""
    icp: Text | None = None
    """ICP备案号，填写后显示在页脚。
    Shown in the footer when given."""
    police_record: Text | None = None
    """公安备案号，填写后显示在页脚。
    Shown in the footer when given."""
    site_code: Text | None = None
    """网站标识码，填写后显示在页脚。
    Shown in the footer when given."""


# --- report.yaml -------------------------------------------------------------------


class Inspection(Strict):
    """通报所回应的巡视或巡察。
    The inspection whose feedback the report answers."""

    kind: Kind = DEFAULT_KIND
    """巡视（中央、省、市委）或巡察（县、区委，高校党委）；网站的固定用语随之而变。
    巡视 or 巡察: every fixed word of the site follows it."""
    team: Text | None = None
    """巡视（巡察）组，如“市委第一巡视组”。
    The inspection team."""
    round: Text
    """轮次，如“十二届市委第二轮巡视”；通报按轮次分组。
    The round; reports are grouped by it."""
    start: dt.date | None = None
    """进驻开始日期（YYYY-MM-DD）。
    First day of the inspection on site."""
    end: dt.date | None = None
    """进驻结束日期（YYYY-MM-DD）。
    Last day of the inspection on site."""
    feedback: dt.date | None = None
    """反馈日期（YYYY-MM-DD）；通报按它排序。
    Day the team fed back its findings; reports are ordered by it."""


class Contact(Strict):
    """公众反映意见的方式；各项均可不填，只显示填写了的项。
    How the public sends opinions; every line is optional and shown only when given."""

    invitation: Prose | None = None
    """欢迎监督的一段话，印在联系方式之前。
    The sentence inviting supervision, printed before the contact lines."""
    phone: (
        Annotated[str, Field(pattern=r"^[0-9+][0-9 -]{4,30}$", examples=["021-33134800"])] | None
    ) = None
    """联系电话，数字和“-”（分机号写在最后一个“-”之后）。
    Telephone number as printed (an extension after the last '-')."""
    email: EmailStr | None = None
    """电子邮箱。
    Email address; validated."""
    address: Text | None = None
    """通讯地址。
    Postal address."""
    envelope_note: Text | None = None
    """信封上注明的文字，印作（信封上注明“…”）。
    What to write on the envelope."""
    postcode: Annotated[str, Field(pattern=r"^[0-9]{6}$", examples=["200001"])] | None = None
    """邮政编码，六位数字，请加引号写作文字。
    Six-digit postcode, as text."""
    labels: dict[Literal["phone", "email", "address", "postcode"], Text] = {}
    """各行的名称，不填则为“联系电话”“电子邮箱”“通讯地址”“邮政编码”。
    The label of each line, where the report words it differently."""


class Disclosure(Strict):
    """政务公开信息，各项均可不填。
    Government disclosure metadata; each entry optional."""

    index_no: Text | None = None
    """索引号。
    The document's index number in the disclosure catalogue."""
    publisher: Text | None = None
    """发布机构（与发布机关不同时填写）。
    The body that published the document."""
    written: dt.date | None = None
    """成文日期。
    The date the document was signed."""
    mode: Text | None = None
    """公开方式，如“主动公开”。
    How it is disclosed."""


class Correction(Strict):
    """修订记录的一条，显示在通报末尾和订阅源中。
    One entry of the corrections log."""

    date: dt.date
    """修订日期。
    When the published text was corrected."""
    change: Text
    """修订内容，一句话。
    What changed, in one sentence."""


class Numbering(Strict):
    """各层级的编号样式，写作该样式的第一个编号；不填则按 GB/T 9704：一、（一）1.（1）。
    The numbering style of each level, written as its first number."""

    levels: list[StyleName] = []
    """从第一层起各层的样式，如 [一、, （一）, 1., （1）]；未列出的层级用默认样式。
    Styles from level 1 down; levels not listed keep the default."""
    actions: StyleName = DEFAULT_ACTIONS
    """段内列举的样式，默认“一是”。
    The style of run-in enumerations."""


HttpsUrl = Annotated[str, Field(pattern=r"^https?://[^\s<>\"]+$")]
"""An absolute http(s) URL."""


def _paragraphs(value: Any) -> Any:
    """One paragraph may be written as a string; several as a list."""
    return [value] if isinstance(value, str) else value


class NodeFile(Strict):
    """通报的一个编号层级：部分、小节、问题大类、方面、具体问题、整改措施，均为同一结构。
    One numbered node of the report; parts, sections, categories, aspects, problems and
    measures all have this shape."""

    file: Annotated[str, AfterValidator(_check_file)] | None = None
    """引用单独的文件（相对通报目录，如 categories/positioning.yaml），此时不写其他字段。
    A node kept in a file of its own (relative to the report folder); nothing else beside it."""
    id: Slug | None = None
    """稳定的标识（网址和锚点），小写字母、数字和“-”；单独文件中的节点默认取文件名。
    Stable id, used in URLs and anchors; a node in its own file takes the file's name."""
    role: Role | None = None
    """节点的类别：category（问题大类，单独成页）、aspect（方面）、problem（具体问题）、measure（整改措施）。
    What the node is: category (own page), aspect, problem or measure."""
    heading: Prose | None = None
    """标题（不含编号，编号自动生成）。
    The heading, without its number (numbers are generated)."""
    run_in: bool | None = None
    """标题是否接排在正文之前并以“。”结束；默认：部分（第一层）单独成行；其他层级没有下级且至多一段时接排。
    Whether the heading runs into the first paragraph, ended with 。."""
    numbered: bool = True
    """是否编号；不编号的段落（如结尾的统计段落）写 false。
    Whether the node is numbered; false for unnumbered paragraphs."""
    text: Annotated[
        list[Prose], BeforeValidator(_paragraphs, json_schema_input_type=Prose | list[Prose])
    ] = []
    """正文：一段文字，或多段文字的列表。
    The text: one paragraph, or a list of paragraphs."""
    actions: list[Prose] = []
    """段内列举的举措，自动编为“一是”“二是”……，接在最后一段之后。
    Run-in enumerations, numbered 一是 二是 … after the last paragraph."""
    status: Key | None = None
    """状态，须是 figures.yaml 中 statuses 定义的键（如 rectified）。
    A status key defined under figures.yaml's statuses."""
    children: list[NodeFile] = []
    """下一层级的节点，或对单独文件的引用 {file: …}。
    The nodes of the next level, or references to files of their own."""

    @model_validator(mode="after")
    def _has_body(self) -> NodeFile:
        if self.file is not None:
            if self.model_fields_set - {"file"}:
                raise PydanticCustomError("node.file_alone", "file alone", {})
        elif self.heading is None and not self.text and not self.actions and not self.children:
            raise PydanticCustomError("node.empty", "empty node", {})
        return self


def part_ref(value: Any) -> Any:
    """A part written as its slug stands for ``parts/<slug>.yaml``."""
    if isinstance(value, str):
        check_slug(value)
        return {"file": f"parts/{value}.yaml"}
    return value


PartEntry = Annotated[
    NodeFile,
    BeforeValidator(part_ref, json_schema_input_type=Slug | NodeFile),
]


ATTACHMENT_NAME_RE = re.compile(r"^[^/\\\x00-\x1f.][^/\\\x00-\x1f]{0,120}$")


def _check_attachment_name(value: str) -> str:
    if not ATTACHMENT_NAME_RE.match(value) or ".." in value:
        raise PydanticCustomError("attachment_name", "bad name {value}", {"value": value})
    return value


class AttachmentFile(Strict):
    """一个附件：attachments/ 中的文件及其标题，按通报所列顺序。
    One attachment: a file in the report folder's attachments/, and its title."""

    file: Annotated[str, AfterValidator(_check_attachment_name)]
    """文件名（在通报目录的 attachments/ 中），如 tasks.pdf。
    允许 pdf、doc、docx、xls、xlsx、ofd、jpg、png。
    The file's name inside attachments/."""
    title: Text
    """附件标题，如“巡视整改任务清单”。
    Its title as the report lists it."""


class LedgerOptions(Strict):
    """整改台账（ledger.xlsx）是否公开，公开哪些列。
    Whether the issuer publishes its ledger (ledger.xlsx), and which columns."""

    publish: bool = False
    """false（默认）：台账只用于汇总、核对统计数字，网站上不出现台账的任何内容；
    true：公开台账页面及 CSV、XLSX 下载。
    false (the default): the ledger only feeds and checks the figures and nothing of it is
    published; true: a ledger page per report, with CSV and XLSX downloads."""
    publish_columns: list[Column] = list(DEFAULT_PUBLISHED)
    """公开的列，按此顺序；默认除“责任领导”“备注”外的各列（领导姓名属个人信息）。
    The columns published, in this order; by default every column but 责任领导 and 备注."""


class ReportFile(Strict):
    """``<report>/report.yaml``: the report's identity, opening, parts and contact."""

    title: Text
    """标题（不含发布机关）：关于……的通报。
    The title, without the issuer."""
    issuer: Text
    """发布机关，印在标题之上。
    The issuer, printed above the title."""
    draft: bool = False
    """草稿：true 时 build 不发布，serve 预览时带“草稿”标记。
    A draft is left out of build and shown with a banner by serve."""
    published: dt.date | None = None
    """发布日期（YYYY-MM-DD），通报写明时填写。
    Publication date, when the issuer states one."""
    inspection: Inspection
    """通报所回应的巡视或巡察。
    The inspection the report answers."""
    intro: Prose | None = None
    """开头一段；日期等请引用 inspection，如 {{ inspection.feedback | date }}。
    The opening paragraph; dates come from inspection."""
    parts: Annotated[list[PartEntry], Field(min_length=1)]
    """各部分（一、二、三、），按顺序；写标识时为 parts/<标识>.yaml，也可直接写节点。
    The parts in order: a slug stands for parts/<slug>.yaml, or write the node here."""
    numbering: Numbering = Numbering()
    """各层级的编号样式，不填则按 GB/T 9704。
    The numbering style of each level."""
    status_line: Text | None = None
    """带状态的节点后印一行“<此文字>：<状态>”，如“整改进展”；不填则不印。
    Nodes with a status print a line "<this>：<status>"; none when not given."""
    contact: Contact | None = None
    """结尾的监督邀请和联系方式。
    The closing invitation and contact block."""
    disclosure: Disclosure | None = None
    """政务公开信息（索引号、发布机构、成文日期、公开方式）。
    Government disclosure fields, when stated."""
    source_url: HttpsUrl | None = None
    """原文链接，显示时注明“以原文为准”。
    Where the issuer published the original."""
    corrections: list[Correction] = []
    """修订记录，按时间先后。
    Corrections made after publication, oldest first."""
    attachments: list[AttachmentFile] = []
    """附件，按顺序；文件放在通报目录的 attachments/ 中，列在全文末尾。
    Attachments in order; the files live in the report folder's attachments/."""
    ledger: LedgerOptions = LedgerOptions()
    """整改台账：同一目录下的 ledger.xlsx 是否公开。
    The ledger (ledger.xlsx beside this file): whether it is published."""


# --- figures.yaml ------------------------------------------------------------------


class StatusFile(Strict):
    """一种状态：名称，以及是否算作已完成。
    One status: how it reads, and whether it counts as done."""

    label: Text
    """状态名称，如“已整改”“正在推进”。
    How the status reads."""
    done: bool
    """是否算作已完成：已整改、已完成为 true；基本完成、持续推进、正在推进为 false。
    Whether it counts as done."""


class RateFile(Strict):
    """完成率：已完成状态之和占总数的百分比，自动计算，不要手填。
    The done share in percent, computed, never typed."""

    label: Text | None = None
    """完成率的名称，如“整改完成率”。
    The rate's label."""
    precision: Literal[0, 1, 2] = 0
    """小数位数（四舍五入），与通报的写法一致：76 为 0，89.7 为 1。
    Decimal places, rounded half up."""


class FigureFile(Strict):
    """一个统计数字（value），或一组计数（total 与 by_status）。
    One figure: a value, or a tally (a total with counts by status)."""

    id: Key
    """标识，正文引用时用，如 {{ figures.problems.total }}。
    The id prose refers to."""
    label: Text
    """名称，按通报原文，如“党纪政务立案”。
    The label, in the report's words."""
    unit: Text | None = None
    """单位，如 项、个、条、件、人、万元。
    The unit."""
    value: Number | None = None
    """数值（整数或小数，如 43、130.98）；计数类请改用 total 与 by_status。
    The value; a tally has total and by_status instead."""
    total: NonNegativeInt | None = None
    """总数；列出了具体条目（counts）时可不填，由条目数得出。
    The total; derived from the listed nodes when counts is given."""
    by_status: dict[Key, NonNegativeInt] = {}
    """按状态计数，键为 statuses 中定义的状态，如 rectified: 48。
    Counts per status; keys are defined under statuses."""
    counts: EntityRole | None = None
    """统计哪类条目：problem（具体问题）或 measure（整改措施）；列出的条目与此处数字须一致。
    Which listed nodes (or ledger rows) this tally counts."""
    scope: Slug | None = None
    """只统计该标识的节点之内的条目。
    Count only inside the node with this id."""
    remainder: Text | None = None
    """“其余”的名称（总数减去各状态之和），如“正在全力推进”；不填则不显示。
    The label of the remainder; not shown when not given."""
    rate: RateFile | None = None
    """完成率，自动计算。
    The done share, computed."""
    headline: bool = False
    """是否为主要数字：列表中显示，首页画成进度条。
    A headline figure: listed with the report and drawn as a bar."""

    @model_validator(mode="after")
    def _value_or_tally(self) -> FigureFile:
        tally = (
            self.total is not None
            or bool(self.by_status)
            or self.counts is not None
            or self.rate is not None
            or self.remainder is not None
        )
        if self.value is not None and tally:
            raise PydanticCustomError("figure.both", "value and tally", {})
        if self.value is None and not tally:
            raise PydanticCustomError("figure.neither", "neither", {})
        return self


class GroupFile(Strict):
    """一组统计数字，按通报的分组和顺序。
    A group of figures, in the report's order."""

    id: Key | None = None
    """分组标识：填写后正文引用为 {{ figures.<分组>.<数字> }}。
    A namespace for references."""
    label: Text | None = None
    """分组名称，作为统计表和首页卡片的标题。
    The group's caption."""
    figures: Annotated[list[FigureFile], Field(min_length=1)]
    """本组的统计数字。
    The figures of the group."""


class FiguresFile(Strict):
    """``<report>/figures.yaml``: the statuses and every statistic of the report, once."""

    statuses: dict[Key, StatusFile] = {}
    """通报使用的各种状态，如 rectified: {label: 已整改, done: true}。
    Every status the report uses: its label and whether it counts as done."""
    groups: list[GroupFile] = []
    """统计数字的分组，按通报顺序。
    The groups of figures, in the report's order."""


FILE_MODELS: dict[str, type[Strict]] = {
    "site": SiteFile,
    "report": ReportFile,
    "node": NodeFile,
    "figures": FiguresFile,
}
"""Each content file kind and its model: the JSON Schemas are written from these."""
