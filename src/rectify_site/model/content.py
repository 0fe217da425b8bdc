"""Models of the files editors write: ``site.yaml``, ``report.yaml``, node files, figures.

No I/O here. One recursive ``NodeFile`` holds any report's numbered structure (parts,
sections, categories, aspects, problems, measures), so a report of a new shape is new
content, never new code.

Each field's help lives once, in its ``Field(title=, description=, examples=)``, in
Chinese for the office that writes the content: the JSON Schemas in ``schemas/`` (and so
the editor's hover text) and the field reference ``docs/fields.md`` are generated from it.
A docstring under a field is for the code's reader only (pydantic prefers the
description) and says only what the help does not.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
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
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from rectify_site.model.baseurl import check_base_url
from rectify_site.model.dates import Day
from rectify_site.model.ledger import DEFAULT_PUBLISHED, Column
from rectify_site.model.limits import number_fits
from rectify_site.model.numbering import DEFAULT_ACTIONS, STYLES
from rectify_site.model.words import DEFAULT_KIND, Kind

# Ids are matched with ``fullmatch``: ``re.match`` with ``$`` lets a trailing newline by
# ("x\n" would become a folder content/x\n/). The patterns keep ``^…$`` for the JSON
# Schemas, where ``$`` is the end of the text.
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
"""Anchors the templates use themselves; node ids must not take them."""

SITE_ROOT = frozenset(
    {
        "index.html",
        "search.html",
        "404.html",
        "atom.xml",
        "robots.txt",
        "sitemap.xml",
        "data",
        "rounds",
        "issuers",
        "assets",
        "pagefind",
        "favicon.svg",
        "cursor.svg",
        "cursor-link.svg",
        "cursor-text.svg",
    }
)
"""Every name the site writes at its top level, beside the report folders: the pages
about the whole site (site/urls.py), the crawlers' files and the feed, the theme's assets
(and the files of the packaged theme kept under their own names), the search bundles.
tests/test_safety.py builds the default site and holds every name it wrote to this set;
the build adds the names a site's own theme takes (stages.derive)."""


def reserved_stems(names: Iterable[str]) -> frozenset[str]:
    """The report ids that top-level ``names`` take: the stem of each (``search`` for
    search.html, a folder's own name)."""
    return frozenset(name.split(".")[0] for name in names)


RESERVED_REPORT_IDS = reserved_stems(SITE_ROOT)
"""What a report folder may not be named: each top-level name and its stem (a server
that maps ``/search`` to ``search.html`` would hide a report ``search/``)."""

GENERATED_ID_RE = re.compile(r"^n[0-9]+(?:-[0-9]+)*$")
"""The form of generated anchors (n2-1-3): content ids must not take it."""


def check_slug(value: str) -> str:
    """A slug (an id in URLs), or pydantic's error: the loader checks report folders too."""
    if not SLUG_RE.fullmatch(value):
        raise PydanticCustomError("slug_unsafe", "unsafe slug {value}", {"value": value})
    return value


def report_id_problem(
    value: str, taken: frozenset[str] = RESERVED_REPORT_IDS
) -> tuple[str, dict[str, Any]] | None:
    """Why ``value`` cannot name a report folder (a message key and its parameters), or
    None where it can.

    One check for the loader, ``import --id``, ``new report`` and the build (which adds
    the names a site's own theme takes, ``taken``): a report's folder name is its URL, so
    it must be a slug and none of the names the site writes itself.
    """
    if not SLUG_RE.fullmatch(value):
        return "slug.unsafe", {"value": value}
    if value in taken:
        names = sorted(taken)
        return "report.id_reserved", {"value": value, "names": ("、".join(names), ", ".join(names))}
    return None


def _check_key(value: str) -> str:
    if not KEY_RE.fullmatch(value):
        raise PydanticCustomError("key_unsafe", "unsafe key {value}", {"value": value})
    return value


def _check_file(value: str) -> str:
    if not FILE_RE.fullmatch(value):
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

FIGURE_PATH_RE = re.compile(r"^[a-z][a-z0-9_]{0,40}(?:\.[a-z][a-z0-9_]{0,40})?$")
FigurePath = Annotated[str, Field(pattern=FIGURE_PATH_RE.pattern)]
"""How prose names a figure: its id (problems), or group and id (common.problems)."""


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
    return _bounded(value)


def _bounded(value: Any) -> Any:
    """A number every page can print (model/limits.py), checked before its type: a huge
    integer arrives from the loader as a Decimal, and is out of bounds, not the wrong type."""
    if isinstance(value, int | Decimal) and not isinstance(value, bool) and not number_fits(value):
        raise PydanticCustomError("number_bounds", "out of bounds", {})
    return value


Count = Annotated[NonNegativeInt, BeforeValidator(_bounded)]
"""A count (a tally's total or one status's): a whole number, within the bounds."""

Number = Annotated[
    int | Decimal,
    PlainValidator(_number),
    WithJsonSchema({"type": "number", "minimum": 0, "examples": [43, 130.98]}),
]
"""A figure's value: a whole number or an exact decimal (130.98), never negative."""


class Strict(BaseModel):
    """Base: unknown fields are errors, types are not coerced, values are immutable.

    A field's docstring becomes its description only where no ``Field(description=…)``
    gives one: report.py's models (the published report.schema.json) use that.
    """

    model_config = ConfigDict(
        extra="forbid", strict=True, frozen=True, use_attribute_docstrings=True
    )


# --- site.yaml ---------------------------------------------------------------------


class SiteFile(Strict):
    """网站设置：网站名称、发布地址和页脚信息，均可不填。
    ``site.yaml`` at the collection root: settings for the whole site."""

    name: Text | None = Field(
        default=None,
        title="网站名称",
        description="显示在每页页眉和标题中的网站名称；不填则按通报的种类（巡视或巡察）生成。",
        examples=["巡视整改进展情况"],
    )
    kind: Kind | None = Field(
        default=None,
        title="种类",
        description="网站所发布通报的种类：巡视或巡察。未填 name 时据此生成网站名称；"
        "还没有发布通报时，各页的固定用语也随之。不填则按通报的种类。",
        examples=["巡察"],
    )
    base_url: Annotated[str, AfterValidator(check_base_url)] | None = Field(
        default=None,
        title="网站地址",
        description="网站发布后的完整地址，以 http:// 或 https:// 开头，不含用户名、“?”和“#”；"
        "用于 sitemap.xml、规范链接和订阅源。build 的 --base-url 优先于此处。",
        examples=["https://www.example.gov.cn/xszg/"],
    )
    sponsor: Text | None = Field(
        default=None,
        title="主办单位",
        description="页脚显示的主办单位；不填则不显示。",
        examples=["中共××区委员会"],
    )
    icp: Text | None = Field(
        default=None,
        title="ICP 备案号",
        description="页脚显示的 ICP 备案号；不填则不显示。",
        examples=["×ICP备00000000号"],
    )
    police_record: Text | None = Field(
        default=None, title="公安备案号", description="页脚显示的公安机关备案号；不填则不显示。"
    )
    site_code: Text | None = Field(
        default=None, title="网站标识码", description="页脚显示的政府网站标识码；不填则不显示。"
    )


# --- report.yaml -------------------------------------------------------------------


class Inspection(Strict):
    """通报所回应的巡视或巡察。
    The inspection whose feedback the report answers."""

    kind: Kind = Field(
        default=DEFAULT_KIND,
        title="种类",
        description="巡视（默认；中央、省、市委开展）或巡察（县、区委，高校党委等开展）；"
        "网站上的固定用语随之变化。",
        examples=["巡视", "巡察"],
    )
    team: Text | list[Text] | None = Field(
        default=None,
        title="巡视（巡察）组",
        description="开展巡视（巡察）的组，按通报原文；几个组时写成列表，显示时以顿号连接。",
        examples=["市委第×巡视组", ["县委第×巡察组", "第×巡察组"]],
    )
    round: Text | None = Field(
        default=None,
        title="轮次",
        description="巡视（巡察）的轮次，只在通报写明时填写；网站按轮次归类通报，"
        "未写轮次的通报按反馈日期（否则开始日期、发布日期）的年份归入“YYYY年（未注明轮次）”。",
        examples=["××届市委第×轮巡视"],
    )
    start: Day | None = Field(
        default=None,
        title="开始日期",
        description="巡视（巡察）进驻开始日期，写作 YYYY-MM-DD，不加引号；"
        "通报只写到月份时写作 YYYY-MM（如 2021-04），按原文显示为“2021年4月”。",
        examples=["2023-03-29", "2021-04"],
    )
    end: Day | None = Field(
        default=None,
        title="结束日期",
        description="巡视（巡察）进驻结束日期，写作 YYYY-MM-DD 或 YYYY-MM；不早于开始日期。",
        examples=["2023-06-16", "2021-06"],
    )
    feedback: Day | None = Field(
        default=None,
        title="反馈日期",
        description="反馈巡视（巡察）意见的日期，写作 YYYY-MM-DD 或 YYYY-MM；不早于结束日期。"
        "网站上的通报按它排序，最新的在前。",
        examples=["2023-08-30"],
    )

    @property
    def teams(self) -> list[str]:
        """The teams, one or several, as written."""
        if self.team is None:
            return []
        return [self.team] if isinstance(self.team, str) else list(self.team)

    @property
    def team_text(self) -> str | None:
        """The teams as prose prints them: 县委第一巡察组、第二巡察组."""
        return "、".join(self.teams) or None

    @property
    def year(self) -> int | None:
        """The year a report without a named round is listed under: of the feedback,
        else of the start."""
        day = self.feedback or self.start
        return day.year if day is not None else None


Phone = Annotated[str, Field(pattern=r"^[0-9+][0-9 -]{4,30}$")]
Postcode = Annotated[str, Field(pattern=r"^[0-9]{6}$")]


class Contact(Strict):
    """公众反映意见的方式；各项均可不填，只显示填写了的项。
    How the public sends opinions; every line is optional and shown only when given."""

    invitation: Prose | None = Field(
        default=None,
        title="征求意见",
        description="印在联系方式之前、欢迎监督的一段话；可用 Markdown。",
        examples=["欢迎广大干部群众对巡视整改落实情况进行监督。"],
    )
    phone: Phone | None = Field(
        default=None,
        title="联系电话",
        description="联系电话，照原文写：数字、空格和“-”，可以“+”开头，分机号写在最后一个"
        "“-”之后；只有数字时请加引号。",
        examples=["000-00000000-0000"],
    )
    email: EmailStr | None = Field(
        default=None,
        title="电子邮箱",
        description="联系邮箱，须是有效的电子邮箱地址。",
        examples=["someone@example.org"],
    )
    address: Text | None = Field(
        default=None,
        title="通讯地址",
        description="来信的通讯地址。",
        examples=["××市××区××路×号"],
    )
    envelope_note: Text | None = Field(
        default=None,
        title="信封注明",
        description="来信时信封上注明的文字，印在地址之后：（信封上注明“……”）。",
        examples=["关于巡视整改落实情况的意见建议"],
    )
    postcode: Postcode | None = Field(
        default=None,
        title="邮政编码",
        description="邮政编码，六位数字；邮编是文字，请加引号。",
        examples=["000000"],
    )
    labels: dict[Literal["phone", "email", "address", "postcode"], Text] = Field(
        default={},
        title="各行名称",
        description="联系方式各行的名称，与原文写法不同时填写，键为 phone、email、address 或 "
        "postcode，如 phone: 举报电话；不填则为“联系电话”“电子邮箱”“通讯地址”“邮政编码”。",
        examples=[{"phone": "举报电话"}],
    )


class Disclosure(Strict):
    """政务公开信息，各项均可不填。
    Government disclosure metadata; each entry optional."""

    index_no: Text | None = Field(
        default=None, title="索引号", description="政务公开目录中的索引号。"
    )
    publisher: Text | None = Field(
        default=None, title="发布机构", description="发布机构，与发布机关不同时填写。"
    )
    written: dt.date | None = Field(
        default=None,
        title="成文日期",
        description="文件上的成文日期，写作 YYYY-MM-DD，不加引号。",
        examples=["2024-01-15"],
    )
    mode: Text | None = Field(
        default=None,
        title="公开方式",
        description="公开方式，如“主动公开”。",
        examples=["主动公开"],
    )
    doc_no: Text | None = Field(
        default=None,
        title="发文字号",
        description="版头的发文字号，按原文，如“××委办〔2024〕12号”。",
        examples=["××委办〔2024〕12号"],
    )
    signer: Text | None = Field(
        default=None,
        title="签发人",
        description="版头的签发人姓名，上行文才有；按原文。",
        examples=["×××"],
    )


class Correction(Strict):
    """修订记录的一条，显示在通报末尾和订阅源中。
    One entry of the corrections log."""

    date: dt.date = Field(
        title="修订日期",
        description="更正的日期，写作 YYYY-MM-DD，不加引号。",
        examples=["2024-01-20"],
    )
    change: Text = Field(
        title="更正内容",
        description="这次更正了什么，一句话。",
        examples=["更正第二部分一处数字"],
    )


class Numbering(Strict):
    """各层级的编号样式，写作该样式的第一个编号；不填则按 GB/T 9704：一、（一）1.（1）。
    The numbering style of each level, written as its first number."""

    levels: list[StyleName] = Field(
        default=[],
        title="各层级编号",
        description="从第一层起，每一层级写出其第一个编号，如 [一、, （一）, '1.', （1）]"
        "（1. 这样以数字开头的请加引号）；"
        "未列出的层级用默认样式（GB/T 9704：一、（一）1.（1），更深的层级用 ①）；"
        "空字符串表示该层级不编号。",
        examples=[["一、", "（一）", "1.", "（1）"]],
    )
    actions: StyleName = Field(
        default=DEFAULT_ACTIONS,
        title="举措编号",
        description="段内举措的编号样式，默认“一是”（一是、二是……）。",
        examples=["一是", "第一，"],
    )


HttpsUrl = Annotated[str, Field(pattern=r"^https?://[^\s<>\"]+$")]
"""An absolute http(s) URL."""


def _paragraphs(value: Any) -> Any:
    """One paragraph may be written as a string; several as a list."""
    return [value] if isinstance(value, str) else value


Cell = Annotated[str, Field(json_schema_extra={"examples": ["{{ figures.problems.total }}"]})]
"""A cell of a table: inline Markdown like prose, which may refer to data; may be empty."""


class TableFile(Strict):
    """一张表格：标题、表头一行和各行；数字请引用 figures.yaml 中的统计数字。
    A table of the report as content: caption, one header row, rows of cells."""

    caption: Prose | None = Field(
        default=None,
        title="表格标题",
        description="表格的标题，如“表1 各单位整改情况”，印在表格上方；读屏软件据此称呼这张表。",
        examples=["表1 各单位整改情况"],
    )
    header: list[Cell] = Field(
        min_length=1,
        title="表头",
        description="表头一行，每列一格，按从左到右的顺序。",
        examples=[["单位", "问题数", "已整改", "完成率"]],
    )
    rows: list[list[Cell]] = Field(
        min_length=1,
        title="各行",
        description='表格的各行，每行一个列表，格数与表头相同；空格写 ""。'
        "每行第一格是该行的名称；数字请引用统计数字，如 {{ figures.jiedao.problems.total }}，"
        "不要重打。",
        examples=[[["××街道", "{{ figures.a.problems.total }}", "12", "100%"]]],
    )

    @field_validator("rows")
    @classmethod
    def _rectangular(cls, rows: list[list[str]], info: ValidationInfo) -> list[list[str]]:
        header = info.data.get("header")
        width = len(header) if header else None
        for i, row in enumerate(rows):
            if width is not None and len(row) != width:
                raise PydanticCustomError(
                    "table.ragged",
                    "row {row} has {cells} cells, the header {width}",
                    {"row": i + 1, "cells": len(row), "width": width},
                )
        if rows and not any(c.strip() for row in rows for c in row):
            raise PydanticCustomError("table.blank", "every cell is empty", {})
        return rows


def _tables(value: Any) -> Any:
    """One table may be written as a mapping; several as a list."""
    return [value] if isinstance(value, dict) else value


Tables = Annotated[
    list[TableFile],
    BeforeValidator(_tables, json_schema_input_type=TableFile | list[TableFile]),
]


class NodeFile(Strict):
    """通报的一个编号层级：部分、小节、问题大类、方面、具体问题、整改措施，均为同一结构。
    One numbered node of the report; parts, sections, categories, aspects, problems and
    measures all have this shape."""

    file: Annotated[str, AfterValidator(_check_file)] | None = Field(
        default=None,
        title="文件",
        description="引用放在单独文件中的节点，路径相对于通报目录；写了 file 就不再写其他字段。",
        examples=["categories/positioning.yaml"],
    )
    """The loader puts the node of that file in this one's place."""
    id: Slug | None = Field(
        default=None,
        title="标识",
        description="网址和锚点用的简短标识：小写字母、数字和连字符（-），以字母或数字开头，"
        "在通报内唯一，不能是页面自用的名称（如 main、figures）或 n2-1 这样的形式；"
        "单独文件中的节点默认取文件名。标题改了也请保留。",
        examples=["city-positioning"],
    )
    """None: the file's name for a node in a file of its own, else a positional anchor."""
    role: Role | None = Field(
        default=None,
        title="角色",
        description="节点的类别：category（问题大类，单独成页，须有标识）、aspect（方面）、"
        "problem（具体问题）或 measure（整改措施）；统计数字按 problem、measure 计数。",
        examples=["category", "aspect", "problem", "measure"],
    )
    heading: Prose | None = Field(
        default=None,
        title="小标题",
        description="节点的标题，不含编号：编号自动生成，不要手写。",
        examples=["针对政治站位不够高的问题"],
    )
    run_in: bool | None = Field(
        default=None,
        title="标题接排",
        description="true：标题与第一段接排，以句号结束；false：标题单独成行。"
        "不填时，部分（第一层）单独成行，其他层级没有下级且至多一段时接排。",
    )
    """None: decided from the node's depth and body when the report is assembled."""
    numbered: bool = Field(
        default=True,
        title="编号",
        description="是否编号；不编号的段落（如结尾的统计段落）写 false。",
    )
    text: Annotated[
        list[Prose], BeforeValidator(_paragraphs, json_schema_input_type=Prose | list[Prose])
    ] = Field(
        default=[],
        title="正文",
        description="一段文字，或多段文字的列表；可用 Markdown，数字请引用数据，"
        "如 {{ figures.problems.total }}。",
    )
    tables: Tables = Field(
        default=[],
        title="表格",
        description="正文之后的表格，一张或多张，按顺序；每张有表头和各行，可有标题。",
    )
    actions: list[Prose] = Field(
        default=[],
        title="举措",
        description="段内依次编号的举措（一是、二是……），每项一句，各以句号（或分号、"
        "感叹号、问号）结尾，接在最后一段之后；编号自动生成，不要手写。",
    )
    status: Key | None = Field(
        default=None,
        title="状态",
        description="该条目的整改状态：figures.yaml 中 statuses 定义的一个键；通报写了 "
        "status_line 时，条目正文之后印一行“<status_line>：<状态名称>”。",
        examples=["rectified"],
    )
    children: list[NodeFile] = Field(
        default=[],
        title="下级条目",
        description="下一层级的节点，按顺序；每项是一个节点，或用 {file: …} 引用单独的文件。",
    )

    @model_validator(mode="after")
    def _has_body(self) -> NodeFile:
        if self.file is not None:
            if self.model_fields_set - {"file"}:
                raise PydanticCustomError("node.file_alone", "file alone", {})
        elif not (self.heading or self.text or self.actions or self.tables or self.children):
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
    if not ATTACHMENT_NAME_RE.fullmatch(value) or ".." in value:
        raise PydanticCustomError("attachment_name", "bad name {value}", {"value": value})
    return value


class AttachmentFile(Strict):
    """一个附件：attachments/ 中的文件及其标题，按通报所列顺序。
    One attachment: a file in the report folder's attachments/, and its title."""

    file: Annotated[str, AfterValidator(_check_attachment_name)] = Field(
        title="文件名",
        description="附件的文件名（文件放在通报目录的 attachments/ 中）；"
        "允许 pdf、doc、docx、xls、xlsx、ofd、jpg、jpeg、png，内容须与扩展名相符"
        "（.pdf 须是真正的 PDF 文件）。",
        examples=["tasks.pdf"],
    )
    """The loader checks the suffix and the bytes (load/attachments.py), the size and that
    the file is there."""
    title: Text = Field(
        title="附件标题",
        description="附件的标题，按通报所列。",
        examples=["巡视整改任务清单"],
    )


class LedgerOptions(Strict):
    """整改台账（ledger.xlsx）是否公开，公开哪些列。
    Whether the issuer publishes its ledger (ledger.xlsx), and which columns."""

    publish: bool = Field(
        default=False,
        title="公开台账",
        description="false（默认）：台账只用于汇总、核对统计数字，网站上不出现台账的任何内容；"
        "true：公开台账页面及 CSV、XLSX 下载。",
        examples=[False, True],
    )
    publish_columns: list[Column] = Field(
        default=list(DEFAULT_PUBLISHED),
        min_length=1,
        title="公开的列",
        description="公开台账时公开的列，按此顺序；默认除“责任领导”“备注”外的各列"
        "（领导姓名属个人信息）。",
    )


class ReportFile(Strict):
    """一份通报：标题、发布机关、所回应的巡视或巡察、各部分和联系方式。
    ``<report>/report.yaml``: the report's identity, opening, parts and contact."""

    title: Text = Field(
        title="标题",
        description="通报的标题原文，不含发布机关；不能为空或只有空格。",
        examples=["关于××届市委第×轮巡视集中整改进展情况的通报"],
    )
    issuer: Text = Field(
        title="发布机关",
        description="发布通报的机关全称，印在标题上方。",
        examples=["中共××区委员会"],
    )
    draft: bool = Field(
        default=False,
        title="草稿",
        description="true 表示草稿：build 不发布，serve 预览时照常显示并标注“草稿”。"
        "只能写 true 或 false。",
        examples=[True, False],
    )
    published: dt.date | None = Field(
        default=None,
        title="发布日期",
        description="通报写明的发布日期，写作 YYYY-MM-DD，不加引号；不早于反馈日期。",
        examples=["2024-01-15"],
    )
    inspection: Inspection = Field(
        title="巡视（巡察）",
        description="通报所回应的巡视或巡察：种类、巡视（巡察）组、轮次和日期。",
    )
    recipients: Text | None = Field(
        default=None,
        title="主送机关",
        description="主送机关一行，按原文，不含末尾的冒号，如“各街道党工委，区委各部委”；"
        "印在开头段落之前。",
        examples=["各街道党工委，区委各部委"],
    )
    intro: Prose | None = Field(
        default=None,
        title="开头段落",
        description="通报的开头一段，可用 Markdown；巡视组、日期等请引用数据，不要重打，"
        "如 {{ inspection.team }}、{{ inspection.feedback | date }}。",
    )
    tables: Tables = Field(
        default=[],
        title="表格",
        description="开头段落之后、第一部分之前的表格，一张或多张；写法同节点的 tables。",
    )
    parts: list[PartEntry] = Field(
        min_length=1,
        title="各部分",
        description="按顺序列出各部分（一、二、三、），至少一项；每项是 parts/ 下的文件名"
        "（不含 .yaml），也可直接写一个节点。编号自动生成。",
        examples=[["leadership", "progress", "next-steps"]],
    )
    numbering: Numbering = Field(
        default=Numbering(),
        title="编号样式",
        description="各层级编号的样式；不填则按 GB/T 9704：一、（一）1.（1），段内举措为“一是”。",
    )
    status_line: Text | None = Field(
        default=None,
        title="状态前缀",
        description="带状态的条目后印一行“<此文字>：<状态>”，如“整改进展：已完成”；不填则不印。",
        examples=["整改进展"],
    )
    contact: Contact | None = Field(
        default=None,
        title="联系方式",
        description="文末的监督邀请和联系方式；各项都可不填，只显示填写了的。",
    )
    disclosure: Disclosure | None = Field(
        default=None,
        title="政务公开信息",
        description="列在正文上方的政务公开信息：索引号、发布机构、成文日期、公开方式；"
        "各项都可不填。",
    )
    source_url: HttpsUrl | None = Field(
        default=None,
        title="原文链接",
        description="原文的发布地址（http:// 或 https://），页面上注明“以原文为准”。",
        examples=["https://www.example.gov.cn/a.html"],
    )
    corrections: list[Correction] = Field(
        default=[],
        title="修订记录",
        description="发布后的更正，按日期先后排列；显示在全文末尾和订阅源中。",
    )
    attachments: list[AttachmentFile] = Field(
        default=[],
        title="附件",
        description="附件，按通报所列顺序，列在全文末尾；文件放在通报目录的 attachments/ 中。",
    )
    ledger: LedgerOptions = Field(
        default=LedgerOptions(),
        title="整改台账",
        description="通报目录中的 ledger.xlsx（问题、措施、责任单位、时限和状态）是否公开、"
        "公开哪些列；默认不公开，只用于核对统计数字。",
    )


# --- figures.yaml ------------------------------------------------------------------


class StatusFile(Strict):
    """一种状态：名称，以及是否算作已完成。
    One status: how it reads, and whether it counts as done."""

    label: Text = Field(
        title="显示文字",
        description="状态在页面上显示的文字。",
        examples=["已整改", "正在推进"],
    )
    done: bool = Field(
        title="算作完成",
        description="true：该状态算作已完成，计入完成数和完成率（如已整改、已完成）；"
        "false：不算（如基本完成、持续推进、正在推进）。",
    )


class RateFile(Strict):
    """完成率：已完成状态之和占总数的百分比，自动计算，不要手填。
    The done share in percent, computed, never typed."""

    label: Text | None = Field(
        default=None,
        title="名称",
        description="完成率的名称；不填则只显示百分比。",
        examples=["整改完成率"],
    )
    precision: Literal[0, 1, 2] = Field(
        default=0,
        title="小数位数",
        description="完成率保留的小数位数（0、1 或 2），四舍五入，与通报的写法一致："
        "76% 为 0，89.7% 为 1。",
        examples=[0, 1],
    )


Qualifier = Literal[
    "余", "多", "万余", "亿余", "以上", "左右", "以下", "之多", "近", "将近", "约", "大约", "超过",
    "逾", "不足",
]  # fmt: skip
"""How a report says a value is approximate, printed where the report writes it."""


class FigureFile(Strict):
    """一个统计数字（value），或一组计数（total 与 by_status）。
    One figure: a value, or a tally (a total with counts by status)."""

    id: Key = Field(
        title="标识",
        description="数字的标识：小写字母、数字和下划线，以字母开头；正文引用时用，"
        "如 {{ figures.problems.total }}。",
        examples=["problems"],
    )
    label: Text = Field(
        title="名称",
        description="数字的名称，按通报原文。",
        examples=["具体问题"],
    )
    unit: Text | None = Field(
        default=None, title="单位", description="数字的单位。", examples=["项", "件", "人", "万元"]
    )
    qualifier: Qualifier | None = Field(
        default=None,
        title="约数用语",
        description="数值是约数时，通报原文的用语：余、多（写在数字后，如 2600余项）、"
        "万余、亿余（写在万、亿后，如 65万余元，单位写万元）、以上、左右、以下（写在单位后，"
        "如 100%以上）、近、约、超过、逾、不足（写在数字前）。按原文显示。",
        examples=["余", "万余", "以上", "近"],
    )
    value: Number | None = Field(
        default=None,
        title="数值",
        description="一个整数或精确小数，如 43 或 130.98（不加引号，不写汉字）；"
        "计数类请改用 total 与 by_status，两者不能同时写。",
        examples=[43, 130.98],
    )
    total: Count | None = Field(
        default=None,
        title="总数",
        description="总数：只写十进制整数，如 57（不能写 5_7 或 57.0）。写了 counts 且通报"
        "（或台账）列出了条目时可不填，由条目数得出；写了则须与之相符。",
        examples=[57],
    )
    """None: derived from the listed nodes (or the ledger's rows) when counts is given."""
    by_status: dict[Key, Count] = Field(
        default={},
        title="按状态计数",
        description="按状态的计数：每个键是 figures.yaml 中 statuses 定义的一个状态（如 "
        "rectified、completed），值是处于该状态的数量。各状态合计不能超过 total；"
        "余下的部分写了 remainder 时以该名称显示。状态是否算作完成由 statuses 中的 done 决定。",
        examples=[{"rectified": 48}],
    )
    counts: EntityRole | None = Field(
        default=None,
        title="计数对象",
        description="由列出的条目统计：problem（具体问题）或 measure（整改措施）；有台账时"
        "按台账统计。列出的条目与此处的 total、by_status 须一致。",
        examples=["problem"],
    )
    of: EntityRole | None = Field(
        default=None,
        title="统计对象",
        description="这组计数统计的是什么：problem（巡视巡察反馈的具体问题）或 measure（整改"
        "措施）；写了 counts 时不必再写，与 counts 相同。只有写明统计对象的计数才计入轮次的"
        "合计和单位之间的比较，名称相同也不会被自动认作同一类。",
        examples=["problem", "measure"],
    )
    """None with ``counts`` given: the report model takes ``counts`` (assemble)."""
    part_of: FigurePath | None = Field(
        default=None,
        title="所属计数",
        description="这组计数是本通报另一组计数的一部分时（如共性问题是具体问题的一部分），"
        "写那组计数的引用名：所在分组没有标识时为其标识，如 problems；有分组标识时为"
        "分组标识、点和标识，如 common.problems。写了 part_of 的计数不计入轮次合计，以免重复计算。",
        examples=["problems", "common.problems"],
    )
    scope: Slug | None = Field(
        default=None,
        title="统计范围",
        description="只统计该标识的节点之内的条目（与 counts 同用）。",
        examples=["city-positioning"],
    )
    remainder: Text | None = Field(
        default=None,
        title="余数名称",
        description="总数减去各状态之和后余下部分的名称；不填则不显示余数。",
        examples=["正在推进"],
    )
    rate: RateFile | None = Field(
        default=None,
        title="完成率",
        description="显示完成率（已完成状态之和占总数的百分比，自动计算）："
        "label 是名称，precision 是小数位数。",
    )
    headline: bool = Field(
        default=False,
        title="要点数字",
        description="true：要点数字，在通报列表中显示，并在首页画成条形图。",
    )

    @model_validator(mode="after")
    def _value_or_tally(self) -> FigureFile:
        tally = (
            self.total is not None
            or bool(self.by_status)
            or self.counts is not None
            or self.rate is not None
            or self.remainder is not None
            or self.of is not None
            or self.part_of is not None
        )
        if self.value is not None and tally:
            raise PydanticCustomError("figure.both", "value and tally", {})
        if self.value is None and not tally:
            raise PydanticCustomError("figure.neither", "neither", {})
        if self.of is not None and self.counts is not None and self.of != self.counts:
            raise PydanticCustomError("figure.of_counts", "of and counts differ", {})
        return self


class GroupFile(Strict):
    """一组统计数字，按通报的分组和顺序。
    A group of figures, in the report's order."""

    id: Key | None = Field(
        default=None,
        title="分组标识",
        description="分组的标识：小写字母、数字和下划线，以字母开头；填写后正文引用本组数字为 "
        "{{ figures.<分组>.<数字> }}，不填则为 {{ figures.<数字> }}。",
        examples=["discipline"],
    )
    label: Text | None = Field(
        default=None,
        title="分组名称",
        description="分组的名称，作为统计表和首页卡片的标题。",
        examples=["执纪问责"],
    )
    figures: list[FigureFile] = Field(
        min_length=1,
        title="统计数字",
        description="本组的各项数字，按通报中的顺序，至少一项。",
    )


class FiguresFile(Strict):
    """通报使用的状态和全部统计数字，每个数字只写一次，正文引用它。
    ``<report>/figures.yaml``: the statuses and every statistic of the report, once."""

    statuses: dict[Key, StatusFile] = Field(
        default={},
        title="状态",
        description="本通报用到的每个状态：键用于 by_status 和节点的 status，"
        "label 是显示的文字，done 表示是否算作完成。",
        examples=[{"rectified": {"label": "已整改", "done": True}}],
    )
    groups: list[GroupFile] = Field(
        default=[],
        title="数字分组",
        description="统计数字的分组，按通报中的顺序。",
    )


FILE_MODELS: dict[str, type[Strict]] = {
    "site": SiteFile,
    "report": ReportFile,
    "node": NodeFile,
    "figures": FiguresFile,
}
"""Each content file kind and its model: the JSON Schemas are written from these."""
