"""Pydantic models of a report and its content files, and the whole-report cross-checks.

No I/O here. Each content file kind has a ``*File`` model; ``assemble`` joins them into a
``Report``; ``cross_check`` returns Findings that name the file (relative to the report's
folder) and the ``loc`` inside it, which the loader turns into path:line diagnostics.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    NonNegativeInt,
    computed_field,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .urls import check_base_url

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
STATUS_RE = re.compile(r"^[a-z][a-z0-9_]{0,40}$")

RESERVED_IDS = frozenset(
    {"main", "top", "search", "nav", "content", "figures", "contact", "corrections", "downloads"}
)
"""Anchors the templates use themselves; content ids must not take them."""


def _check_slug(value: str) -> str:
    if not SLUG_RE.match(value):
        raise PydanticCustomError("slug_unsafe", "unsafe slug {value}", {"value": value})
    return value


def _check_status(value: str) -> str:
    if not STATUS_RE.match(value):
        raise PydanticCustomError("string_pattern_mismatch", "status keys are lower-case ASCII", {})
    return value


Slug = Annotated[str, AfterValidator(_check_slug)]
"""A short ASCII id used in URLs and anchors: lower case, digits and '-'."""

StatusKey = Annotated[str, AfterValidator(_check_status)]
Text = Annotated[str, Field(min_length=1)]
Prose = Annotated[str, Field(min_length=1)]
"""Inline Markdown that may refer to data, as {{ figures.problems.total }}."""


class Strict(BaseModel):
    """Base: unknown fields are errors, types are not coerced, values are immutable."""

    model_config = ConfigDict(
        extra="forbid", strict=True, frozen=True, use_attribute_docstrings=True
    )


# --- site.yaml ---------------------------------------------------------------------


class SiteFile(Strict):
    """``site.yaml`` at the collection root: settings for the whole site."""

    name: Text = "巡视整改进展情况"
    """The site's name, shown in every page's header and title."""
    base_url: Annotated[str, AfterValidator(check_base_url)] | None = None
    """Absolute URL where the site is published; needed for sitemap, canonical links, feeds."""
    sponsor: Text | None = None
    """主办单位, shown in the footer when given."""
    icp: Text | None = None
    """ICP备案号, shown in the footer when given."""
    police_record: Text | None = None
    """公安备案号, shown in the footer when given."""
    site_code: Text | None = None
    """网站标识码, shown in the footer when given."""


# --- report.yaml -------------------------------------------------------------------


class Inspection(Strict):
    """The inspection whose feedback the report answers."""

    team: Text
    """The inspection team, e.g. 市委第一巡视组."""
    round: Text
    """The round, e.g. 十二届市委第二轮巡视."""
    start: dt.date
    """First day of the inspection on site."""
    end: dt.date
    """Last day of the inspection on site."""
    feedback: dt.date
    """Day the team fed back its findings; reports are ordered by it."""


class Contact(Strict):
    """How the public sends opinions on the rectification."""

    invitation: Prose
    """The sentence inviting supervision, printed before the contact lines."""
    phone: Annotated[str, Field(pattern=r"^[0-9+][0-9 -]{4,30}$")]
    """Telephone number as printed, digits and '-' (an extension after the last '-')."""
    email: EmailStr
    """Email address; validated."""
    address: Text
    """Postal address."""
    envelope_note: Text | None = None
    """What to write on the envelope, printed as (信封上注明“…”)."""
    postcode: Annotated[str, Field(pattern=r"^[0-9]{6}$")]
    """Six-digit postcode, as text."""


class Disclosure(Strict):
    """政务公开 metadata that government sites print above a document; each entry optional."""

    index_no: Text | None = None
    """索引号: the document's index number in the issuer's disclosure catalogue."""
    publisher: Text | None = None
    """发布机构: the body that published the document, when it differs from the issuer."""
    written: dt.date | None = None
    """成文日期: the date the document was signed, as printed on it."""
    mode: Text | None = None
    """公开方式: how it is disclosed, e.g. 主动公开."""


class Correction(Strict):
    """One entry of the corrections log (修订记录), shown at the report's end and in the feed."""

    date: dt.date
    """When the published text was corrected."""
    change: Text
    """What changed, in one sentence."""


HttpsUrl = Annotated[str, Field(pattern=r"^https?://[^\s<>\"]+$")]
"""An absolute http(s) URL."""


class ReportFile(Strict):
    """``<report>/report.yaml``: the report's identity, opening, parts and contact."""

    title: Text
    """The title, without the issuer: 关于…的通报."""
    issuer: Text
    """发布机关, printed above the title."""
    draft: bool = False
    """A draft is left out of ``build`` and shown with a 草稿 banner by ``serve``."""
    published: dt.date | None = None
    """Publication date, when the issuer states one."""
    inspection: Inspection
    """The inspection the report answers."""
    intro: Prose
    """The opening paragraph; dates come from ``inspection``."""
    parts: Annotated[list[Slug], Field(min_length=1)]
    """The parts in order; each is ``parts/<id>.yaml``."""
    contact: Contact
    """The closing invitation and contact block."""
    disclosure: Disclosure | None = None
    """Government disclosure fields (索引号, 发布机构, 成文日期, 公开方式), when stated."""
    source_url: HttpsUrl | None = None
    """Where the issuer published the original; shown with the note 以原文为准."""
    corrections: list[Correction] = []
    """修订记录: corrections made after publication, oldest first."""


# --- parts and categories ----------------------------------------------------------


class Item(Strict):
    """A numbered paragraph: an optional heading sentence, text, then 一是 二是 actions."""

    id: Slug | None = None
    """Optional anchor id."""
    heading: Text | None = None
    """Heading sentence, printed after the number and followed by 。."""
    text: Prose | None = None
    """The paragraph's text."""
    actions: list[Prose] = []
    """Actions (举措), numbered 一是 二是 … in order, within the paragraph."""

    @model_validator(mode="after")
    def _has_body(self) -> Item:
        if self.text is None and not self.actions and self.heading is None:
            raise PydanticCustomError("item_body", "item needs text or actions", {})
        return self


class Aspect(Item):
    """方面: one problem area of a category, with its own stable id and anchor."""

    id: Slug
    """Stable id, used as the anchor on every page."""
    heading: Text
    """针对…问题: the problem this aspect answers."""


class Section(Strict):
    """A second-level section with its own title, such as (一) in part 一."""

    id: Slug
    """Stable id and anchor."""
    title: Text
    """The section's title, printed after (一)."""
    lead: Prose | None = None
    """Paragraph before the numbered items."""
    items: list[Item] = []
    """Numbered 1. 2. 3. items."""


class CategoryFile(Strict):
    """``<report>/categories/<id>.yaml``: one category of problems (问题大类)."""

    title: Text
    """关于…问题的整改."""
    lead: Prose | None = None
    """Optional paragraph before the aspects."""
    aspects: Annotated[list[Aspect], Field(min_length=1)]
    """The aspects (方面), numbered 1. 2. in order."""


class Category(CategoryFile):
    """A category with its id (its file name)."""

    id: Slug
    """The file name without .yaml: URL and anchor."""


class PartFile(Strict):
    """``<report>/parts/<id>.yaml``: one first-level part (一、 二、 三、)."""

    title: Text
    """The part's title, printed after 一、."""
    lead: Prose | None = None
    """Paragraph after the title."""
    sections: list[Section] = []
    """Second-level sections written in this file."""
    categories: list[Slug] = []
    """Categories, in order; each is ``categories/<id>.yaml``."""
    items: list[Item] = []
    """Second-level items (（一）heading。text) after the sections."""
    closing: list[Item] = []
    """Unnumbered closing paragraphs (actions inside still get 一是 二是)."""


class Part(Strict):
    """A part with its categories loaded."""

    id: Slug
    """The file name without .yaml: the part's anchor on the full page."""
    title: Text
    """The part's title, printed after 一、."""
    lead: Prose | None = None
    """Paragraph after the title."""
    sections: list[Section] = []
    """Second-level sections."""
    categories: list[Category] = []
    """Categories, in the order the part file lists them."""
    items: list[Item] = []
    """Second-level items after the sections."""
    closing: list[Item] = []
    """Unnumbered closing paragraphs."""


# --- figures.yaml ------------------------------------------------------------------


class Tally(Strict):
    """A counted thing: a total, and how many are in each status (the rest in progress)."""

    total: NonNegativeInt
    """How many there are in all."""
    by_status: dict[StatusKey, NonNegativeInt] = {}
    """Counts per status, e.g. rectified: 48; statuses are defined in ``statuses``."""

    @computed_field  # type: ignore[prop-decorator]
    @property
    def in_progress(self) -> int:
        """What no status covers: total minus the counted statuses."""
        return self.total - sum(self.by_status.values())


class Discipline(Strict):
    """Discipline and accountability figures (党纪政务处分与问责)."""

    cases_filed: NonNegativeInt
    """党纪政务立案 (件)."""
    expelled: NonNegativeInt
    """开除党籍 (人)."""
    warned: NonNegativeInt
    """党内警告 (人)."""
    admonished: NonNegativeInt
    """诫勉谈话 (人)."""
    organisational: NonNegativeInt
    """组织处理 (人)."""
    recovered: Annotated[Decimal, Field(ge=0, strict=False)]
    """退出违规钱款 (万元), exact."""


class Rules(Strict):
    """Rules made and revised (建章立制)."""

    new: NonNegativeInt
    """新建制度 (项)."""
    revised: NonNegativeInt
    """修订完善 (项)."""


class CommonProblems(Strict):
    """Common problems (共性问题) fed back by the inspection."""

    problems: Tally
    """共性问题."""
    measures: Tally
    """Measures for the common problems."""


class SelfInitiated(Strict):
    """Problems the issuer claimed or found itself (主动认领、主动发现)."""

    claimed_common: NonNegativeInt
    """主动认领共性问题 (项)."""
    found: Tally
    """主动发现具体问题."""
    measures: Tally
    """Measures for them."""


class FiguresFile(Strict):
    """``<report>/figures.yaml``: every statistic of the report, stated once."""

    statuses: dict[StatusKey, Text]
    """Status keys used in ``by_status`` and how they read, e.g. rectified: 已整改."""
    problems: Tally
    """具体问题 fed back by the inspection."""
    measures: Tally
    """整改措施."""
    discipline: Discipline | None = None
    """Discipline figures."""
    rules: Rules | None = None
    """Rules made and revised."""
    common: CommonProblems | None = None
    """Common problems."""
    self_initiated: SelfInitiated | None = None
    """Problems claimed or found by the issuer itself."""


# --- the assembled report ----------------------------------------------------------


class Counts(Strict):
    """Counts that the structure shows, derived and never typed."""

    categories: int
    """问题大类."""
    aspects: int
    """方面."""
    actions: int
    """举措 within the categories."""


class Report(Strict):
    """One report, every file joined; what templates, JSON and search are made from."""

    id: Slug
    """The report's folder name; its URL is /<id>/."""
    title: Text
    """The title, without the issuer: 关于…的通报."""
    issuer: Text
    """发布机关."""
    draft: bool = False
    """Drafts are left out of ``build``."""
    published: dt.date | None = None
    """Publication date, when the issuer states one."""
    inspection: Inspection
    """The inspection the report answers."""
    intro: Prose
    """The opening paragraph, references expanded."""
    parts: list[Part]
    """The parts in order, 一、 二、 三、."""
    figures: FiguresFile
    """Every statistic, stated once."""
    contact: Contact
    """The closing invitation and contact block."""
    disclosure: Disclosure | None = None
    """政务公开 fields, when stated."""
    source_url: HttpsUrl | None = None
    """Where the original was published (以原文为准)."""
    corrections: list[Correction] = []
    """修订记录, oldest first."""

    @computed_field  # type: ignore[prop-decorator]
    @property
    def counts(self) -> Counts:
        """Derived counts: 六大类16方面 refers to these."""
        cats = [c for p in self.parts for c in p.categories]
        aspects = [a for c in cats for a in c.aspects]
        return Counts(
            categories=len(cats),
            aspects=len(aspects),
            actions=sum(len(a.actions) for a in aspects),
        )

    def categories(self) -> list[Category]:
        """All categories in document order."""
        return [c for p in self.parts for c in p.categories]


def assemble(
    report_id: str,
    report: ReportFile,
    parts: dict[str, PartFile],
    categories: dict[str, CategoryFile],
    figures: FiguresFile,
) -> Report:
    """Join validated files into one Report (all references already resolved)."""
    built_parts = [
        Part(
            id=pid,
            title=p.title,
            lead=p.lead,
            sections=p.sections,
            categories=[
                Category(id=cid, **_fields(categories[cid]))
                for cid in p.categories
                if cid in categories
            ],
            items=p.items,
            closing=p.closing,
        )
        for pid in report.parts
        if (p := parts.get(pid)) is not None
    ]
    return Report(
        id=report_id,
        title=report.title,
        issuer=report.issuer,
        draft=report.draft,
        published=report.published,
        inspection=report.inspection,
        intro=report.intro,
        parts=built_parts,
        figures=figures,
        contact=report.contact,
        disclosure=report.disclosure,
        source_url=report.source_url,
        corrections=report.corrections,
    )


def _fields(model: BaseModel) -> dict[str, Any]:
    return {name: getattr(model, name) for name in type(model).model_fields}


# --- cross-checks ------------------------------------------------------------------

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Finding:
    """A cross-check failure: the file (relative to the report folder), loc, message key."""

    file: str
    loc: Loc
    key: str
    params: dict[str, Any]


_TALLY_NAMES = {
    "problems": ("具体问题", "problems"),
    "measures": ("整改措施", "measures"),
    "found": ("主动发现问题", "self-found problems"),
}


def cross_check(report: Report) -> list[Finding]:
    """Checks across a whole report that no single field can make."""
    found: list[Finding] = []
    found += check_figures(report.figures)
    found += _check_dates(report)
    found += _check_ids(report)
    return found


def _tallies(figures: FiguresFile) -> list[tuple[Loc, Tally]]:
    out: list[tuple[Loc, Tally]] = [
        (("problems",), figures.problems),
        (("measures",), figures.measures),
    ]
    if figures.common:
        out += [(("common", "problems"), figures.common.problems)]
        out += [(("common", "measures"), figures.common.measures)]
    if figures.self_initiated:
        out += [(("self_initiated", "found"), figures.self_initiated.found)]
        out += [(("self_initiated", "measures"), figures.self_initiated.measures)]
    return out


def check_figures(figures: FiguresFile) -> list[Finding]:
    """Counts by status within their totals, and every status defined: figures.yaml alone."""
    found: list[Finding] = []
    for loc, tally in _tallies(figures):
        what = _TALLY_NAMES.get(str(loc[-1]), ("", ""))
        for status in tally.by_status:
            if status not in figures.statuses:
                found.append(
                    Finding(
                        "figures.yaml",
                        (*loc, "by_status", status),
                        "tally.unknown_status",
                        {"status": status},
                    )
                )
        counted = sum(tally.by_status.values())
        if counted > tally.total:
            if len(tally.by_status) == 1:
                status, count = next(iter(tally.by_status.items()))
                label = figures.statuses.get(status, status)
                status_text = (label, status)
                floc: Loc = (*loc, "by_status", status)
            else:
                count = counted
                status_text = ("各状态合计", "all statuses together")
                floc = (*loc, "by_status")
            found.append(
                Finding(
                    "figures.yaml",
                    floc,
                    "tally.over",
                    {"status": status_text, "count": count, "total": tally.total, "what": what},
                )
            )
    return found


def _check_dates(report: Report) -> list[Finding]:
    insp = report.inspection
    pairs: list[tuple[Loc, dt.date, Loc, dt.date]] = [
        (("inspection", "start"), insp.start, ("inspection", "end"), insp.end),
        (("inspection", "end"), insp.end, ("inspection", "feedback"), insp.feedback),
    ]
    if report.published is not None:
        pairs.append((("inspection", "feedback"), insp.feedback, ("published",), report.published))
    labels = {
        "start": ("巡视开始日期", "inspection start"),
        "end": ("巡视结束日期", "inspection end"),
        "feedback": ("反馈日期", "feedback date"),
        "published": ("发布日期", "publication date"),
    }
    found = []
    for loc_a, a, loc_b, b in pairs:
        if a > b:
            found.append(
                Finding(
                    "report.yaml",
                    loc_b,
                    "dates.order",
                    {
                        "first": labels[str(loc_a[-1])],
                        "a": a.isoformat(),
                        "second": labels[str(loc_b[-1])],
                        "b": b.isoformat(),
                    },
                )
            )
    return found


def _check_ids(report: Report) -> list[Finding]:
    """Ids share one anchor namespace on the full report page: each must be unique."""
    seen: dict[str, str] = {}
    found: list[Finding] = []

    def claim(value: str, file: str, loc: Loc) -> None:
        where = f"{file}"
        if value in RESERVED_IDS:
            first = ("页面模板", "the templates")
            found.append(Finding(file, loc, "id.duplicate", {"value": value, "first": first}))
        elif value in seen:
            found.append(Finding(file, loc, "id.duplicate", {"value": value, "first": seen[value]}))
        else:
            seen[value] = where

    for part in report.parts:
        pfile = f"parts/{part.id}.yaml"
        claim(part.id, "report.yaml", ("parts", report.parts.index(part)))
        for i, section in enumerate(part.sections):
            claim(section.id, pfile, ("sections", i, "id"))
            for j, item in enumerate(section.items):
                if item.id:
                    claim(item.id, pfile, ("sections", i, "items", j, "id"))
        for k, cat in enumerate(part.categories):
            claim(cat.id, pfile, ("categories", k))
            for j, aspect in enumerate(cat.aspects):
                claim(aspect.id, f"categories/{cat.id}.yaml", ("aspects", j, "id"))
        for key in ("items", "closing"):
            for j, item in enumerate(getattr(part, key)):
                if item.id:
                    claim(item.id, pfile, (key, j, "id"))
    return found


FILE_MODELS: dict[str, type[Strict]] = {
    "site": SiteFile,
    "report": ReportFile,
    "part": PartFile,
    "category": CategoryFile,
    "figures": FiguresFile,
}
"""Each content file kind and its model: the JSON Schemas are written from these."""
