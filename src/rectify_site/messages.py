"""Message catalogue: Chinese for the editors (the default), English for ``--lang en``.

Messages say what is wrong and what to do next. Keys are stable; tests assert on the text.
"""

from __future__ import annotations

from typing import Any

MESSAGES: dict[str, tuple[str, str]] = {
    # key: (中文, English)
    "file.missing": (
        "缺少文件:请按 README 的目录结构补上该文件",
        "file is missing: add it as the README's content layout shows",
    ),
    "file.empty": ("文件为空:请填写内容或删除该文件", "file is empty: fill it in or delete it"),
    "file.not_utf8": (
        "第 {offset} 字节起不是 UTF-8 编码(可能存为了 GBK):请用 UTF-8 编码重新保存",
        "not UTF-8 from byte {offset} (saved as GBK?): save the file as UTF-8",
    ),
    "file.too_large": (
        "文件过大({size} 字节,上限 {limit} 字节):请拆分或检查是否放错文件",
        "file too large ({size} bytes, limit {limit}): split it or check it is the right file",
    ),
    "file.symlink_outside": (
        "符号链接指向 content 目录之外({target}):请改为普通文件",
        "symlink leads outside the content folder ({target}): use a plain file",
    ),
    "file.unlisted": (
        "该文件未被任何清单引用,不会发布:请在 {listing} 中列出或删除",
        "no list refers to this file, so it is not published: list it in {listing} or delete it",
    ),
    "file.unreadable": ("无法读取文件:{problem}", "cannot read the file: {problem}"),
    "yaml.syntax": (
        "YAML 语法错误:{problem}。请检查缩进、冒号和引号",
        "YAML syntax error: {problem}. Check indentation, colons and quotes",
    ),
    "yaml.tab": (
        "YAML 不能用制表符(Tab)缩进:请改用空格",
        "YAML cannot be indented with tabs: use spaces",
    ),
    "yaml.duplicate_key": (
        "键“{name}”重复(第一次出现在第 {first} 行):请删除或合并其中一个",
        "duplicate key '{name}' (first on line {first}): remove or merge one of them",
    ),
    "yaml.alias": (
        "不支持 YAML 锚点与别名(&、*):请直接写出内容",
        "YAML anchors and aliases (&, *) are not supported: write the content out",
    ),
    "yaml.too_deep": (
        "YAML 结构嵌套过深或节点过多:请检查文件",
        "YAML nesting too deep or too many nodes: check the file",
    ),
    "yaml.tag": ("不支持的 YAML 标签 {tag}", "unsupported YAML tag {tag}"),
    "yaml.not_mapping": (
        "文件顶层应为“键: 值”的映射",
        "the top level of the file must be a mapping of keys to values",
    ),
    "yaml.bad_date": (
        "日期“{value}”不存在:请按 YYYY-MM-DD 填写真实日期",
        "date '{value}' does not exist: write a real date as YYYY-MM-DD",
    ),
    "yaml.key_type": ("键必须是文字", "keys must be text"),
    "text.control": (
        "文字中有控制字符 {char}（看不见，且会破坏网页和订阅源）：请删除该字符",
        "the text holds the control character {char} (invisible, and it breaks pages and "
        "the feed): delete it",
    ),
    "text.noncharacter": (
        "文字中有 {char}，它不是可用于文本的 Unicode 字符：请删除该字符",
        "the text holds {char}, which is not a Unicode character for text: delete it",
    ),
    "text.bidi": (
        "文字中有双向文本控制符 {char}（会使文字显示的顺序与实际内容不同）：请删除该字符",
        "the text holds the bidirectional control {char} (it makes text display in another "
        "order than it reads): delete it",
    ),
    "missing": ("缺少必填字段:请补上", "required field is missing: add it"),
    "extra_forbidden": (
        "未知字段:请检查拼写,或删除该字段",
        "unknown field: check the spelling or remove it",
    ),
    "int_type": ("应为整数", "must be a whole number"),
    "int_from_float": ("应为整数,不能带小数", "must be a whole number, without decimals"),
    "string_type": ("应为文字", "must be text"),
    "bool_type": ("应为 true 或 false", "must be true or false"),
    "date_type": ("应为日期(YYYY-MM-DD)", "must be a date (YYYY-MM-DD)"),
    "decimal_type": ("应为数字(如 130.98)", "must be a number (such as 130.98)"),
    "list_type": ("应为列表(每项以“- ”开头)", "must be a list (each entry starting with '- ')"),
    "dict_type": ("应为“键: 值”的映射", "must be a mapping of keys to values"),
    "model_type": ("应为“键: 值”的映射", "must be a mapping of keys to values"),
    "model_attributes_type": ("应为“键: 值”的映射", "must be a mapping of keys to values"),
    "greater_than_equal": ("不能小于 {ge}", "must not be less than {ge}"),
    "string_too_short": ("不能为空", "must not be empty"),
    "too_short": ("至少需要 {min_length} 项", "needs at least {min_length} entries"),
    "string_pattern_mismatch": ("格式不符", "has the wrong form"),
    "value_error": ("{error}", "{error}"),
    "invalid": ("{detail}", "{detail}"),
    "email": ("电子邮箱格式不正确:{reason}", "not a valid email address: {reason}"),
    "slug.unsafe": (
        "标识“{value}”不可用于网址:只能用小写字母、数字和连字符(-),以字母或数字开头",
        "id '{value}' is not URL-safe: use lower-case letters, digits and '-', "
        "starting with a letter or digit",
    ),
    "id.duplicate": (
        "标识“{value}”重复(已用于 {first}):每个标识须唯一",
        "id '{value}' is used twice (first in {first}): ids must be unique",
    ),
    "tally.over": (
        "{status}数({count})大于{what}总数({total}):请核对",
        "{status} count ({count}) exceeds the total of {what} ({total}): check the figures",
    ),
    "tally.unknown_status": (
        "状态“{status}”未在 statuses 中定义:请在 statuses 中增加或改正拼写",
        "status '{status}' is not defined under statuses: add it there or fix the spelling",
    ),
    "dates.order": (
        "{first}({a})应不晚于{second}({b}):请核对日期",
        "{first} ({a}) must not be after {second} ({b}): check the dates",
    ),
    "item.body": (
        "每一项须有 text 或 actions 之一(也可两者都有),不能都为空",
        "each item needs text or actions (or both), not neither",
    ),
    "prose.undefined": (
        "正文引用的数据“{name}”不存在:请检查拼写,可用的数据见 README",
        "prose refers to data '{name}' that does not exist: check the spelling (see README)",
    ),
    "prose.syntax": (
        "正文中的数据引用写法有误:{problem}。引用写作 {{{{ figures.problems.total }}}}",
        "malformed data reference in prose: {problem}. Write references as "
        "{{{{ figures.problems.total }}}}",
    ),
    "prose.unsafe": (
        "正文中的引用只能读取数据,不能使用{problem}:请写成 {{{{ figures.problems.total }}}} "
        "这样的形式",
        "references in prose may only read data, not use {problem}: write them as "
        "{{{{ figures.problems.total }}}}",
    ),
    "prose.html": (
        "正文不允许使用 HTML 标签:请改用 Markdown",
        "raw HTML is not allowed in prose: use Markdown",
    ),
    "link.unsafe": (
        "链接“{url}”不安全(不允许 javascript:、data: 等):请改为 http(s) 或站内链接",
        "link '{url}' is unsafe (javascript:, data: and the like are refused): "
        "use an http(s) or internal link",
    ),
    "prose.remote_image": (
        "正文中的图片“{url}”来自其他网站：站点不向其他网站发出任何请求，请把图片放进主题的 "
        "static 目录并使用站内地址，或改为链接",
        "the image '{url}' in prose comes from another host: the site never asks another "
        "host for anything; put the image in the theme's static folder and use its path, or "
        "link to it instead",
    ),
    "link.broken": (
        "链接“{url}”指向站内不存在的文件:请检查模板或正文中的链接",
        "link '{url}' leads to no file of the site: check the link in the template or prose",
    ),
    "link.anchor": (
        "链接“{url}”的锚点“{anchor}”在目标页面上不存在:请检查标识(id)是否改过",
        "link '{url}': the target page has no anchor '{anchor}': check whether an id changed",
    ),
    "link.external_load": (
        "页面从其他网站加载“{url}”:站点须离线可用,请把该文件放进主题的 static 目录",
        "the page loads '{url}' from another host: the site must work offline; put the file "
        "in the theme's static folder",
    ),
    "html.invalid": (
        "HTML 不符合规范(Nu HTML Checker):{problem}。请修改模板",
        "invalid HTML (Nu HTML Checker): {problem}. Fix the template",
    ),
    "typography": (
        "标点或空格不符合中文排版规范(GB/T 15834):“{old}”应写作“{new}”",
        "punctuation or spacing does not follow Chinese typography (GB/T 15834): "
        "write “{old}” as “{new}”",
    ),
    "typography.zero_width": (
        "文字中有看不见的零宽字符 {char}（会影响搜索、复制和朗读）：请删除该字符",
        "the text holds the invisible zero-width character {char} (it breaks search, copying "
        "and screen readers): delete it",
    ),
    "collection.empty": (
        "没有找到任何通报:content 下每个通报一个文件夹,内含 report.yaml",
        "no report found: content/ holds one folder per report, each with a report.yaml",
    ),
    "content.missing": (
        "内容目录不存在:请用 --content 指定",
        "the content folder does not exist: name it with --content",
    ),
    "templates.missing": (
        "模板目录不存在:请用 --templates 指定",
        "the templates folder does not exist: name it with --templates",
    ),
    "template.error": ("模板错误:{problem}", "template error: {problem}"),
    "draft.skipped": (
        "草稿(draft: true),本次构建不发布;预览请用 rectify-site serve",
        "draft (draft: true), left out of this build; preview it with rectify-site serve",
    ),
    "base_url.missing": (
        "未设置网站地址(base_url):sitemap.xml、规范链接和订阅源未生成;"
        "请在 site.yaml 中设置 base_url 或使用 --base-url",
        "no base URL: sitemap.xml, canonical links and feeds were left out; set base_url "
        "in site.yaml or pass --base-url",
    ),
    "base_url.invalid": (
        "网站地址 {value!r} 无效：须为以 http:// 或 https:// 开头的完整网址（含主机名，"
        "不含空白、控制字符、用户名、查询或片段）",
        "the base URL {value!r} is not valid: it must be a whole http:// or https:// URL "
        "with a host, and no whitespace, control characters, user, query or fragment",
    ),
    "output.refused": ("拒绝写入输出目录:{reason}", "refusing the output folder: {reason}"),
    "output.locked": (
        "另一个构建正在写入该目录(锁文件 {lock}):请等待其结束",
        "another build is writing this folder (lock {lock}): wait for it to finish",
    ),
    "output.failed": ("写入输出失败:{problem}", "writing the output failed: {problem}"),
    "output.manifest_outside": (
        "清单中的条目“{entry}”位于输出目录之外，已忽略（不会删除或改写该文件）",
        "the manifest entry '{entry}' lies outside the output folder: ignored (that file is "
        "never removed or rewritten)",
    ),
    "cache.unwritable": (
        "无法使用构建缓存目录：{problem}（请检查该目录的写入权限）",
        "cannot use the build cache folder: {problem} (check that it is writable)",
    ),
    "serve.port_busy": (
        "端口 {port} 已被占用(可能已有一个预览在运行):请用 --port 换一个端口,或 --port 0 自动选择",
        "port {port} is in use (a preview may be running already): choose another with --port, "
        "or --port 0 for any free port",
    ),
    "serve.bind_failed": (
        "无法在 {host}:{port} 上启动预览:{problem}",
        "cannot start the preview on {host}:{port}: {problem}",
    ),
    "serve.exposed": (
        "预览服务器监听 {host},局域网内其他机器也能访问(包括草稿):仅在确有需要时使用",
        "the preview listens on {host}, so other machines can reach it (drafts included): "
        "use this only when you mean to",
    ),
    "serve.internal": (
        "预览构建时出现内部错误:{problem}(详见终端输出;这是 rectify-site 的问题,请报告)",
        "internal error while building the preview: {problem} (see the terminal; "
        "this is a bug in rectify-site, please report it)",
    ),
    "tool.missing": ("缺少工具 {tool}:{hint}", "missing tool {tool}: {hint}"),
    "search.failed": (
        "搜索索引生成失败(Pagefind):{problem}",
        "building the search index failed (Pagefind): {problem}",
    ),
    "feed.no_date": (
        "未设置发布日期(published),订阅源(atom.xml)中不含该通报:"
        "请在 report.yaml 中填写 published,或设置环境变量 SOURCE_DATE_EPOCH",
        "no publication date (published): the report is left out of the feed (atom.xml); "
        "set published in report.yaml or the SOURCE_DATE_EPOCH environment variable",
    ),
    "pdf.report_needed": (
        "内容中有多份通报:请指定要打印的通报编号,可选 {choices}",
        "the content holds several reports: name the one to print, one of {choices}",
    ),
    "pdf.report_unknown": (
        "没有编号为“{value}”的通报:可选 {choices}",
        "no report with id '{value}': choose one of {choices}",
    ),
    "tool.failed": (
        "工具 {tool} 运行失败:{problem}",
        "the tool {tool} failed: {problem}",
    ),
}


def translate(key: str, params: dict[str, Any], lang: str = "zh") -> str:
    """Fill the template for ``key`` in ``lang``; unknown keys fall back to ``params``."""
    pair = MESSAGES.get(key)
    if pair is None:
        return str(params.get("detail") or params.get("message") or key)
    en = lang == "en"
    template = pair[1] if en else pair[0]
    # a (中文, English) pair as a parameter is localised like the template
    local = {
        k: (v[1] if en else v[0]) if isinstance(v, tuple) and len(v) == 2 else v
        for k, v in params.items()
    }
    try:
        return template.format(**local)
    except (KeyError, IndexError):
        return template
