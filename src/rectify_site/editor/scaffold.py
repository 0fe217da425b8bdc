"""``rectify-site new site DIR`` and ``rectify-site new report ID``: a start in one command.

A new report is the files of one report in the content model's format (docs/
content-model.md), each starting with its schema line and carrying a comment per field
that says what goes there. Wherever an editor must write text it says ``【未填写】``
(placeholders.py): an error at its file and line once the report is no longer a draft, so
a skeleton is never published by mistake; while it is one, ``build`` leaves it out and
``serve`` previews it with each placeholder marked.
Nothing is invented: optional fields the report may not state are left commented out.
"""

from __future__ import annotations

from pathlib import Path

from rectify_site.editor.schema import SCHEMA_DIR, modeline, write_schemas
from rectify_site.errors import UsageError, diag
from rectify_site.load.placeholders import PLACEHOLDER as TODO
from rectify_site.model.content import report_id_problem
from rectify_site.model.words import DEFAULT_KIND, KINDS

GITIGNORE = """\
# rectify-site: the built site, the preview and the build cache
_site/
_serve/
.rectify-cache/
"""

SITE = """\
{modeline}
# 网站设置。网站名称显示在每页的页眉和标题中
name: {kind}整改进展情况
# 通报的种类：巡视或巡察。还没有发布通报时，各页的固定用语按它
kind: {kind}
# 网站发布后的地址（以 https:// 开头），用于 sitemap.xml 和订阅源；有了再填，去掉行首的 #
# base_url: https://www.example.gov.cn/xszg/
# 页脚信息（可选），只显示填写了的：主办单位、ICP 备案号、公安备案号、网站标识码
# sponsor: 中共××委员会
# icp: ×ICP备00000000号
"""

REPORT = """\
{modeline}
# 一份通报的基本信息。把每个{todo}换成通报原文中的内容：check 和 build 会列出尚未填写之处。
# 原文没有写的内容不要补写，可选的字段删去即可。编号（一、（一）1. 一是）都自动生成。

# 标题原文（不含发布机关），如：{example_title}
title: {todo}
# 发布机关全称，显示在标题上方，如：{example_issuer}
issuer: {todo}
# 草稿：build 不发布，serve 预览时照常显示。全部填写、核对无误后改为 false
draft: true
inspection:
  # {kind}或{other}：网站上的固定用语随之变化
  kind: {kind}
  # {kind}组（可选），如：{example_team}
  team: {todo}
  # 轮次（必填，网站按轮次归类通报），如：{example_round}
  round: {todo}
  # 日期（可选）：写作 2023-03-29，不加引号。原文写了才填，填写后去掉行首的 #
  # start: 2023-03-29
  # end: 2023-06-16
  # feedback: 2023-08-30
# 开头段落（可选）。名称和日期请引用数据，不要重打，如 {{{{ inspection.team }}}}
intro: {todo}
# 各部分，按原文顺序；每项是 parts/ 下的文件名（不含 .yaml）
parts:
- part-1
- part-2
- part-3
# 联系方式（可选），每项只在填写后显示
contact:
  # 征求意见的一段话，如：欢迎广大干部群众对{kind}整改落实情况进行监督。
  invitation: {todo}
  # 电话、电子邮箱、通信地址、信封注明；邮编是文字，请加引号。填写后去掉行首的 #
  # phone: 000-00000000-0000
  # email: someone@example.org
  # address: ××路×号
  # envelope_note: 关于{kind}整改落实情况的意见建议
  # postcode: '000000'
"""

PART_1 = """\
{modeline}
# 第一部分：一个条目（node）。编号“一、”自动生成，不要手写
# 本部分的标题，如：提高政治站位，扛起整改政治责任
heading: {todo}
# 本部分的导语（可选）：一段文字，或多段文字组成的列表
text: {todo}
# 下一层级的条目，编号（一）（二）自动生成
children:
- # 小标题，如：强化组织领导
  heading: {todo}
  # 正文；段内的举措写在 actions 下，编号一是、二是自动生成
  text: {todo}
"""

PART_2 = """\
{modeline}
# 第二部分：整改进展，按问题大类分列；每个问题大类一个文件（categories/ 下），单独成页
heading: {todo}
children:
- file: categories/category-1.yaml
# 不编号的结尾段落，如统计数字；数字请引用 figures.yaml，如 {{{{ figures.problems.total }}}}
- numbered: false
  text: {todo}
"""

PART_3 = """\
{modeline}
# 第三部分，如：下一步工作安排
heading: {todo}
text: {todo}
children:
- heading: {todo}
  text: {todo}
"""

CATEGORY = """\
{modeline}
# 一个问题大类（role: category），编号（一）自动生成；文件名就是它的网址：categories/category-1.html
role: category
# 问题大类的标题，如：关于……的问题
heading: {todo}
children:
- # 方面的标识：网址和锚点用，小写字母、数字和连字符，标题改了也请保留
  id: aspect-1
  role: aspect
  # 方面的标题，如：针对……问题
  heading: {todo}
  # 整改举措，每项一句，各以句号（。）或分号（；）结尾；编号一是、二是自动生成
  actions:
  - {todo}
  - {todo}
- id: aspect-2
  role: aspect
  heading: {todo}
  # 逐个列出的具体问题（role: problem）和整改措施（role: measure）：figures.yaml 中
  # counts: problem 和 counts: measure 的数字由它们统计，不用手填。原文不逐个列出的，
  # 删去这些条目，并在 figures.yaml 中改填 total 和 by_status
  children:
  - role: problem
    # 具体问题，如：……不到位
    heading: {todo}
    # 整改状态：figures.yaml 中 statuses 的一个键
    status: rectified
    children:
    - role: measure
      # 一条整改措施，以句号结尾
      text: {todo}
      status: completed
"""

FIGURES = """\
{modeline}
# 统计数字：每个数字只写一次，正文引用它，如 {{{{ figures.problems.total }}}}。按原文填写
# 状态：键用于 by_status 和条目的 status，label 是显示的文字，done 表示是否算作完成
statuses:
  rectified: {{label: 已整改, done: true}}
  completed: {{label: 已完成, done: true}}
groups:
- # 本组数字的标题，如：具体问题和整改措施
  label: {todo}
  figures:
  - id: problems
    label: 具体问题
    unit: 项
    # 由正文列出的具体问题（role: problem）或台账统计：总数和各状态的数量不用填。
    # 原文只给数字的，删去 counts，填写 total 和 by_status（十进制整数，如 57、48）
    counts: problem
    headline: true
  - id: measures
    label: 整改措施
    unit: 条
    counts: measure
    headline: true
"""

EXAMPLES = {
    "巡视": {
        "example_title": "关于××届市委第×轮巡视集中整改进展情况的通报",
        "example_issuer": "中共××区委员会",
        "example_team": "市委第×巡视组",
        "example_round": "××届市委第×轮巡视",
    },
    "巡察": {
        "example_title": "关于××届区委第×轮巡察集中整改进展情况的通报",
        "example_issuer": "中共××区××局党组",
        "example_team": "区委第×巡察组",
        "example_round": "××届区委第×轮巡察",
    },
}


def report_files(report_id: str, kind: str = DEFAULT_KIND) -> dict[str, str]:
    """``<report-id>/…`` (relative to ``content/``) -> the text of each skeleton file."""
    other = KINDS[1] if kind == KINDS[0] else KINDS[0]
    files = {
        "report.yaml": REPORT,
        "figures.yaml": FIGURES,
        "parts/part-1.yaml": PART_1,
        "parts/part-2.yaml": PART_2,
        "parts/part-3.yaml": PART_3,
        "categories/category-1.yaml": CATEGORY,
    }
    out = {}
    for name, template in files.items():
        rel = f"{report_id}/{name}"
        out[rel] = template.format(
            modeline=modeline(rel), todo=TODO, kind=kind, other=other, **EXAMPLES[kind]
        )
    return out


def _check_id(content: Path, report_id: str) -> None:
    """The report's folder name is its URL: refused at that folder (exit 2) unless it
    can name a report (the loader's own check)."""
    refused = report_id_problem(report_id)
    if refused is not None:
        key, params = refused
        raise UsageError([diag(content / report_id, key, field="id", **params)])


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8", newline="\n") as fh:  # never overwrites
        fh.write(text)


def new_report(content: Path, report_id: str, *, kind: str = DEFAULT_KIND) -> list[Path]:
    """Write the skeleton of one report into ``content/<report_id>/``; the files written.

    The project's ``schemas/`` (beside ``content/``) is written too when it is missing, so
    that every file's schema line leads somewhere.
    """
    _check_id(content, report_id)
    folder = content / report_id
    if folder.exists():
        raise UsageError([diag(folder, "new.exists")])
    written = []
    for rel, text in report_files(report_id, kind).items():
        _write(content / rel, text)
        written.append(content / rel)
    schemas = content.resolve().parent / SCHEMA_DIR
    if not schemas.is_dir():
        write_schemas(schemas)
    return written


def new_site(folder: Path, *, report_id: str = "report-1", kind: str = DEFAULT_KIND) -> list[Path]:
    """A project folder: ``content/`` with ``site.yaml`` and one report skeleton, the
    schemas, and a ``.gitignore`` for the built site, the preview and the cache."""
    content = folder / "content"
    _check_id(content, report_id)  # before anything is written
    if content.exists():
        raise UsageError([diag(content, "new.exists")])
    if folder.exists() and not folder.is_dir():
        raise UsageError([diag(folder, "new.exists")])
    written = [content / "site.yaml"]
    _write(written[0], SITE.format(modeline=modeline("site.yaml"), kind=kind))
    ignore = folder / ".gitignore"
    if not ignore.exists():
        _write(ignore, GITIGNORE)
        written.append(ignore)
    write_schemas(folder / SCHEMA_DIR)
    written += new_report(content, report_id, kind=kind)
    return written
