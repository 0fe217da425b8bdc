"""Message catalogue: Chinese for the editors (the default), English for ``--lang en``.

Messages say what is wrong and what to do next. Keys are stable; tests assert on the text.
"""

from __future__ import annotations

from typing import Any

MESSAGES: dict[str, tuple[str, str]] = {
    # key: (中文, English)
    "file.missing": (
        "缺少文件：请按 README 的目录结构补上该文件",
        "file is missing: add it as the README's content layout shows",
    ),
    "file.empty": ("文件为空：请填写内容或删除该文件", "file is empty: fill it in or delete it"),
    "file.not_utf8": (
        "第 {offset} 字节起不是 UTF-8 编码（可能存为了 GBK）：请用 UTF-8 编码重新保存",
        "not UTF-8 from byte {offset} (saved as GBK?): save the file as UTF-8",
    ),
    "file.too_large": (
        "文件过大（{size} 字节，上限 {limit} 字节）：请拆分或检查是否放错文件",
        "file too large ({size} bytes, limit {limit}): split it or check it is the right file",
    ),
    "file.symlink_outside": (
        "符号链接指向 content 目录之外（{target}）：请改为普通文件",
        "symlink leads outside the content folder ({target}): use a plain file",
    ),
    "file.name_not_utf8": (
        "文件名或目录名不是 UTF-8 编码（可能来自 GBK 的磁盘）：请用 UTF-8 重新命名，"
        "通报目录只用小写字母、数字和连字符",
        "the file or folder name is not UTF-8 (from a GBK disk?): rename it in UTF-8; a "
        "report folder takes lower-case letters, digits and '-' only",
    ),
    "file.not_regular": (
        "这是{kind}，不是普通文件：content 目录中只能放普通文件，请删除或换成普通文件",
        "this is {kind}, not a regular file: content holds only regular files; remove it or "
        "put a plain file there",
    ),
    "file.unlisted": (
        "该文件未被任何清单引用，不会发布：请在 {listing} 中列出或删除",
        "no list refers to this file, so it is not published: list it in {listing} or delete it",
    ),
    "file.unreadable": ("无法读取文件：{problem}", "cannot read the file: {problem}"),
    "yaml.syntax": (
        "YAML 语法错误：{problem}。请检查缩进、冒号和引号",
        "YAML syntax error: {problem}. Check indentation, colons and quotes",
    ),
    "yaml.tab": (
        "YAML 不能用制表符（Tab）缩进：请改用空格",
        "YAML cannot be indented with tabs: use spaces",
    ),
    "yaml.duplicate_key": (
        "键“{name}”重复（第一次出现在第 {first} 行）：请删除或合并其中一个",
        "duplicate key '{name}' (first on line {first}): remove or merge one of them",
    ),
    "yaml.alias": (
        "不支持 YAML 锚点与别名（&、*）：请直接写出内容",
        "YAML anchors and aliases (&, *) are not supported: write the content out",
    ),
    "yaml.too_deep": (
        "YAML 结构嵌套过深或节点过多：请检查文件",
        "YAML nesting too deep or too many nodes: check the file",
    ),
    "yaml.tag": ("不支持的 YAML 标签 {tag}", "unsupported YAML tag {tag}"),
    "yaml.not_mapping": (
        "文件顶层应为映射（每行写作 key: value）",
        "the top level of the file must be a mapping of keys to values",
    ),
    "yaml.bad_date": (
        "日期“{value}”不存在：请按 YYYY-MM-DD 填写真实日期",
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
    "text.escaped": (
        "正文中的“{escape}”在网页上生成{what} {char}（看不见，会破坏网页和订阅源，或使文字"
        "显示的顺序与实际内容不同）：请删除它",
        "'{escape}' in prose publishes {what} {char} (invisible: it breaks pages and the feed, "
        "or makes text display in another order than it reads): delete it",
    ),
    "missing": ("缺少必填字段：请补上", "required field is missing: add it"),
    "extra_forbidden": (
        "未知字段：请检查拼写，或删除该字段",
        "unknown field: check the spelling or remove it",
    ),
    "int_type": (
        "应为整数：请只写十进制数字，如 57",
        "must be a whole number: write plain decimal digits, such as 57",
    ),
    "int_from_float": ("应为整数，不能带小数", "must be a whole number, without decimals"),
    "string_type": ("应为文字", "must be text"),
    "bool_type": (
        "请写 true 或 false（不接受 yes、no、on、off）",
        "write true or false (yes, no, on and off are not accepted)",
    ),
    "date_type": (
        "应为日期：写作 YYYY-MM-DD，不加引号",
        "must be a date: write YYYY-MM-DD, without quotes",
    ),
    "day_type": (
        "应为日期：写作 YYYY-MM-DD，不加引号；只知道月份时写作 YYYY-MM（如 2021-04）",
        "must be a date: write YYYY-MM-DD, without quotes; a month alone as YYYY-MM (2021-04)",
    ),
    "decimal_type": ("应为数字（如 130.98）", "must be a number (such as 130.98)"),
    "figure.bounds": (
        "数字超出范围：最多 20 位有效数字，大小在 10 的 -20 次方到 20 次方之间，写出来少于 40 "
        "个字符：请核对这个数字",
        "the number is out of bounds: at most 20 significant digits, between 10^-20 and "
        "10^20, printed in fewer than 40 characters: check it",
    ),
    "list_type": ("应为列表（每项以“- ”开头）", "must be a list (each entry starting with '- ')"),
    "dict_type": ("应为映射（每行写作 key: value）", "must be a mapping of keys to values"),
    "model_type": ("应为映射（每行写作 key: value）", "must be a mapping of keys to values"),
    "model_attributes_type": (
        "应为映射（每行写作 key: value）",
        "must be a mapping of keys to values",
    ),
    "greater_than_equal": ("不能小于 {ge}", "must not be less than {ge}"),
    "string_too_short": ("不能为空", "must not be empty"),
    "too_short": ("至少需要 {min_length} 项", "needs at least {min_length} entries"),
    "string_pattern_mismatch": ("格式不符", "has the wrong form"),
    "value_error": ("{error}", "{error}"),
    "invalid": ("{detail}", "{detail}"),
    "email": ("电子邮箱格式不正确：{reason}", "not a valid email address: {reason}"),
    "slug.unsafe": (
        "标识“{value}”不可用于网址：只能用小写字母、数字和连字符（-），以字母或数字开头",
        "id '{value}' is not URL-safe: use lower-case letters, digits and '-', "
        "starting with a letter or digit",
    ),
    "report.id_reserved": (
        "标识“{value}”是网站自身页面使用的名称，不能作为通报目录（网站自身使用：{names}）：请换一个名称",
        "id '{value}' is a name the site uses for its own pages and cannot name a report "
        "(the site uses: {names}): choose another",
    ),
    "import.id_reserved": (
        "由文件名得出的编号“{value}”是网站自身页面使用的名称："
        "请用 --id 指定通报编号（如 --id report-2）",
        "the id '{value}' taken from the file name is a name the site uses for its own pages: "
        "name the report with --id (such as --id report-2)",
    ),
    "id.duplicate": (
        "标识“{value}”重复（已用于 {first}）：每个标识须唯一",
        "id '{value}' is used twice (first in {first}): ids must be unique",
    ),
    "tally.over": (
        "{status}数（{count}）大于{what}总数（{total}）：请核对",
        "{status} count ({count}) exceeds the total of {what} ({total}): check the figures",
    ),
    "tally.unknown_status": (
        "状态“{status}”未在 statuses 中定义：请在 statuses 中增加或改正拼写",
        "status '{status}' is not defined under statuses: add it there or fix the spelling",
    ),
    # --- the general model (docs/content-model.md) ---
    "key.unsafe": (
        "键“{value}”不可用：只能用小写字母、数字和下划线（_），以字母开头",
        "key '{value}' is not allowed: use lower-case letters, digits and '_', "
        "starting with a letter",
    ),
    "literal_error": ("应为以下之一：{expected}", "must be one of {expected}"),
    "node.file_ref": (
        "文件引用“{value}”无效：请写通报目录内的相对路径，如 categories/positioning.yaml",
        "bad file reference '{value}': write a path inside the report folder, such as "
        "categories/positioning.yaml",
    ),
    "node.empty": (
        "节点须有 heading、text、actions 或 children 之一，不能都为空",
        "a node needs a heading, text, actions or children, not none of them",
    ),
    "table.ragged": (
        '表格第 {row} 行有 {cells} 格，表头有 {width} 格：每行的格数须与表头相同，空格写 ""',
        "row {row} of the table has {cells} cells and the header {width}: give every row as "
        'many cells as the header, writing "" for an empty one',
    ),
    "table.blank": (
        "表格的各格都是空的：请填写内容，或删除这张表",
        "every cell of the table is empty: fill it in or remove the table",
    ),
    "node.file_alone": (
        "file 引用单独的文件，不能与其他字段写在一起：其他内容请写进被引用的文件",
        "a file reference stands alone: write the node's other fields in that file",
    ),
    "node.cycle": (
        "文件“{value}”引用了自身（循环引用）：请删除这一引用",
        "'{value}' refers back to itself (a cycle): remove the reference",
    ),
    "node.file_reused": (
        "文件“{value}”已被引用过一次：每个文件只能出现在一处",
        "'{value}' is referred to already: each file can stand in one place only",
    ),
    "node.unknown_status": (
        "状态“{status}”未在 figures.yaml 的 statuses 中定义：请在那里增加或改正拼写",
        "status '{status}' is not defined under figures.yaml's statuses: add it there or "
        "fix the spelling",
    ),
    "category.id": (
        "问题大类（role: category）单独成页，须有 id：请填写 id，或把它放进以 id 命名的文件",
        "a category has a page of its own and needs an id: add one, or keep it in a file "
        "named by its id",
    ),
    "figure.both": (
        "统计数字不能既有 value 又有 total、by_status 等计数字段：请二选一",
        "a figure has either a value or the fields of a tally (total, by_status …), not both",
    ),
    "figure.neither": (
        "统计数字须有 value，或 total、by_status 等计数字段",
        "a figure needs a value, or the fields of a tally (total, by_status …)",
    ),
    "figure.of_counts": (
        "of 与 counts 不一致：写了 counts 时 of 可不填，填写则须与 counts 相同",
        "of and counts differ: with counts, of may be left out, and given it must be the same",
    ),
    "figure.part_of_unknown": (
        "part_of 写的“{value}”不是本通报的另一组计数：请写同一 figures.yaml 中一组计数的"
        "引用名，如 problems 或 common.problems",
        "part_of '{value}' names no other tally of this report: write the path of a tally of "
        "the same figures.yaml, such as problems or common.problems",
    ),
    "figure.part_of_kind": (
        "part_of 指向的“{value}”统计的对象（of）与本计数不同：部分与整体须统计同一类",
        "part_of '{value}' counts another kind (of) than this tally: a part and its whole "
        "count the same thing",
    ),
    "figure.duplicate": (
        "统计数字标识“{value}”重复：正文引用须唯一，请改名",
        "figure id '{value}' is used twice: references must be unique; rename one",
    ),
    "figure.scope_unknown": (
        "scope 指向的标识“{value}”不存在：请写通报中某个节点的 id",
        "scope names '{value}', which no node has: write the id of a node of the report",
    ),
    "tally.no_total": (
        "“{what}”没有 total，也没有列出可统计的条目：请填写 total，或列出条目并写明 counts",
        "'{what}' has no total and no listed entries to count: give a total, or list the "
        "entries and say what it counts",
    ),
    "tally.listed_total": (
        "列出的{what}共 {found} {unit}，此处为 {declared} {unit}：请核对",
        "the text lists {found} {what}, this says {declared}: check the figures",
    ),
    "tally.listed_status": (
        "列出的{what}中{status} {found} {unit}，此处为 {declared} {unit}：请核对",
        "the text lists {found} {what} as {status}, this says {declared}: check the figures",
    ),
    "action.unpunctuated": (
        "这项举措没有以句号、分号、感叹号或问号结尾（“{tail}”）：举措接排在一是、二是之后，"
        "缺了标点就会与下一项连在一起；请补上",
        "this action does not end with a full stop, semicolon, exclamation or question mark "
        "('{tail}'): actions run on (yi shi, er shi), so without it it runs into the next; "
        "add it",
    ),
    "tally.uncounted": (
        "正文列出 {found} 个{what}，此处声明 {declared} 个：如由列出的{short}统计，"
        "请写 counts: {role}",
        "the text lists {found} {what}, this declares {declared}: if it counts the listed "
        "{what}, write counts: {role}",
    ),
    "ledger.uncounted": (
        "台账列出 {found} 个{what}，但 figures.yaml 中没有数字由台账统计，不会与之核对："
        "请在统计这些{short}的数字上写 counts: {role}",
        "the ledger lists {found} {what}, but no figure of figures.yaml counts them, so none "
        "is checked against it: write counts: {role} on the figure that counts them",
    ),
    "tally.ledger_total": (
        "台账中{what}共 {found} {unit}，此处为 {declared} {unit}",
        "the ledger holds {found} {what}, this says {declared}: check the figures",
    ),
    "tally.ledger_status": (
        "台账中{status} {found} {unit}，此处为 {declared} {unit}",
        "the ledger holds {found} {status}, this says {declared}: check the figures",
    ),
    "attachment.name": (
        "附件文件名“{value}”不可用：请写 attachments/ 中的文件名，不含路径",
        "attachment name '{value}' is not allowed: write a file name inside attachments/, "
        "without a path",
    ),
    "attachment.missing": (
        "附件“{value}”不在通报目录的 attachments/ 中：请放入该文件或改正文件名",
        "attachment '{value}' is not in the report folder's attachments/: add it or fix the name",
    ),
    "attachment.type": (
        "附件类型不允许：只能是 {allowed}",
        "this type of attachment is not allowed: use one of {allowed}",
    ),
    "attachment.too_large": (
        "附件过大（{size} 字节，上限 {limit} MB）：请压缩或拆分",
        "attachment too large ({size} bytes, limit {limit} MB): compress or split it",
    ),
    "attachment.executable": (
        "附件“{path}”是可执行程序或脚本，不能发布：请换成文档或图片",
        "the attachment '{path}' is a program or a script and cannot be published: use a document",
    ),
    "attachment.content": (
        "附件“{path}”名为 .{suffix}，内容却不是 {format} 文件，不能发布："
        "请换成真正的 {format} 文件",
        "the attachment '{path}' is named .{suffix} but is not a {format} file, so it cannot "
        "be published: use a real {format} file",
    ),
    "attachment.empty": (
        "附件“{path}”是空文件，不能发布：请换成完整的文件",
        "the attachment '{path}' is empty and cannot be published: use the whole file",
    ),
    "attachment.unlisted": (
        "该附件未在 {listing} 的 attachments 中列出，不会发布：请列出或删除",
        "this attachment is not listed under attachments in {listing}, so it is not "
        "published: list it or delete it",
    ),
    "rate.no_done": (
        "“{what}”的完成率无从计算：by_status 中没有算作已完成（done: true）的状态",
        "the rate of '{what}' cannot be computed: none of its statuses counts as done",
    ),
    "rate.no_total": (
        "“{what}”总数为 0，完成率无从计算：请删除 rate 或核对总数",
        "'{what}' totals 0, so it has no rate: remove rate or check the total",
    ),
    "dates.order": (
        "{first}（{a}）应不晚于{second}（{b}）：请核对日期",
        "{first} ({a}) must not be after {second} ({b}): check the dates",
    ),
    "item.body": (
        "每一项须有 text 或 actions 之一（也可两者都有），不能都为空",
        "each item needs text or actions (or both), not neither",
    ),
    "prose.undefined": (
        "正文引用的数据“{name}”不存在：请检查拼写，可用的数据见 README",
        "prose refers to data '{name}' that does not exist: check the spelling (see README)",
    ),
    "prose.syntax": (
        "正文中的数据引用写法有误：{problem}。引用写作 {{{{ figures.problems.total }}}}",
        "malformed data reference in prose: {problem}. Write references as "
        "{{{{ figures.problems.total }}}}",
    ),
    "prose.unsafe": (
        "正文中的引用只能读取数据，不能使用{problem}：请写成 {{{{ figures.problems.total }}}} "
        "这样的形式",
        "references in prose may only read data, not use {problem}: write them as "
        "{{{{ figures.problems.total }}}}",
    ),
    "prose.html": (
        "正文不允许使用 HTML 标签：请改用 Markdown",
        "raw HTML is not allowed in prose: use Markdown",
    ),
    "link.unsafe": (
        "链接“{url}”不安全（不允许 javascript:、data: 等）：请改为 http(s) 或站内链接",
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
        "链接“{url}”指向站内不存在的文件：请检查模板或正文中的链接",
        "link '{url}' leads to no file of the site: check the link in the template or prose",
    ),
    "link.anchor": (
        "链接“{url}”的锚点“{anchor}”在目标页面上不存在：请检查标识（id）是否改过",
        "link '{url}': the target page has no anchor '{anchor}': check whether an id changed",
    ),
    "link.external_load": (
        "页面从其他网站加载“{url}”：站点须离线可用，请把该文件放进主题的 static 目录",
        "the page loads '{url}' from another host: the site must work offline; put the file "
        "in the theme's static folder",
    ),
    "page.traced": (
        "生成页面 {page}：{message}",
        "generated page {page}: {message}",
    ),
    "html.invalid": (
        "HTML 不符合规范（Nu HTML Checker）：{problem}。请修改模板",
        "invalid HTML (Nu HTML Checker): {problem}. Fix the template",
    ),
    "typography": (
        "标点或空格不符合中文排版规范（GB/T 15834）：“{old}”应写作“{new}”",
        "punctuation or spacing does not follow Chinese typography (GB/T 15834): "
        "write “{old}” as “{new}”",
    ),
    "typography.zero_width": (
        "文字中有看不见的零宽字符 {char}（会影响搜索、复制和朗读）：请删除该字符",
        "the text holds the invisible zero-width character {char} (it breaks search, copying "
        "and screen readers): delete it",
    ),
    "round.unit_twice": (
        "{issuer}在“{round}”中已有一份通报（{first}）：同一单位在同一轮次只能有一份通报；"
        "回头看或后来的轮次请在 inspection.round 中写明它自己的轮次",
        "{issuer} already has a report in '{round}' ({first}): a unit has one report a "
        "round; a follow-up (回头看) or a later round names its own inspection.round",
    ),
    "collection.empty": (
        "没有找到任何通报：content 下每个通报一个文件夹，内含 report.yaml",
        "no report found: content/ holds one folder per report, each with a report.yaml",
    ),
    "content.missing": (
        "内容目录不存在：请用 --content 指定",
        "the content folder does not exist: name it with --content",
    ),
    "templates.missing": (
        "模板目录不存在：请用 --templates 指定",
        "the templates folder does not exist: name it with --templates",
    ),
    "template.error": ("模板错误：{problem}", "template error: {problem}"),
    "draft.skipped": (
        "草稿（draft: true），本次构建不发布；预览请用 rectify-site serve",
        "draft (draft: true), left out of this build; preview it with rectify-site serve",
    ),
    "base_url.missing": (
        "未设置网站地址（base_url）：sitemap.xml、规范链接和订阅源未生成；"
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
    "output.refused": ("拒绝写入输出目录：{reason}", "refusing the output folder: {reason}"),
    "output.locked": (
        "另一个构建正在写入该目录（锁文件 {lock}）：请等待其结束",
        "another build is writing this folder (lock {lock}): wait for it to finish",
    ),
    "output.failed": ("写入输出失败：{problem}", "writing the output failed: {problem}"),
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
        "端口 {port} 已被占用（可能已有一个预览在运行）："
        "请用 --port 换一个端口，或 --port 0 自动选择",
        "port {port} is in use (a preview may be running already): choose another with --port, "
        "or --port 0 for any free port",
    ),
    "serve.bind_failed": (
        "无法在 {host}:{port} 上启动预览：{problem}",
        "cannot start the preview on {host}:{port}: {problem}",
    ),
    "serve.exposed": (
        "预览服务器监听 {host}，局域网内其他机器也能访问（包括草稿）：仅在确有需要时使用",
        "the preview listens on {host}, so other machines can reach it (drafts included): "
        "use this only when you mean to",
    ),
    "serve.internal": (
        "预览构建时出现内部错误：{problem}（详见终端输出；这是 rectify-site 的问题，请报告）",
        "internal error while building the preview: {problem} (see the terminal; "
        "this is a bug in rectify-site, please report it)",
    ),
    "placeholder.unfilled": (
        "未填写：请把“【未填写】”换成实际内容，或删去这一项",
        "not filled in: replace the placeholder 未填写 with the real text, or remove the entry",
    ),
    "new.exists": (
        "已存在，不会覆盖：请换一个名称，或先移走它",
        "already exists and is not overwritten: choose another name, or move it away first",
    ),
    "tool.missing": ("缺少工具 {tool}：{hint}", "missing tool {tool}: {hint}"),
    "search.failed": (
        "搜索索引生成失败（Pagefind）：{problem}",
        "building the search index failed (Pagefind): {problem}",
    ),
    "feed.no_date": (
        "未设置发布日期（published），订阅源（atom.xml）中不含该通报："
        "请在 report.yaml 中填写 published，或设置环境变量 SOURCE_DATE_EPOCH",
        "no publication date (published): the report is left out of the feed (atom.xml); "
        "set published in report.yaml or the SOURCE_DATE_EPOCH environment variable",
    ),
    "pdf.report_needed": (
        "内容中有多份通报：请指定要打印的通报编号，可选 {choices}",
        "the content holds several reports: name the one to print, one of {choices}",
    ),
    "pdf.report_unknown": (
        "没有编号为“{value}”的通报：可选 {choices}",
        "no report with id '{value}': choose one of {choices}",
    ),
    # import and export (rectify-site import, rectify-site export)
    "import.unknown_type": (
        "无法导入“{suffix}”类型的文件：请提供 .docx、.txt、.html 或 .htm 文件",
        "cannot import a '{suffix}' file: give a .docx, .txt, .html or .htm file",
    ),
    "import.missing": (
        "找不到要导入的文件：请检查路径",
        "the file to import does not exist: check the path",
    ),
    "import.too_large": (
        "文件过大（{size} 字节，上限 {limit} 字节）：请检查是否选错了文件",
        "file too large ({size} bytes, limit {limit}): check it is the right file",
    ),
    "import.empty": ("文件为空：没有可导入的内容", "the file is empty: nothing to import"),
    "import.encrypted": (
        "这是加密（设有密码）的文档或旧版 .doc 文件：请在 Word 中取消密码并另存为 .docx 后再导入",
        "a password-protected document or an old .doc file: remove the password in Word and "
        "save it as .docx, then import that",
    ),
    "import.not_docx": (
        "不是有效的 .docx 文件（不是 zip 压缩包）：请在 Word 中另存为 .docx",
        "not a valid .docx file (not a zip package): save it from Word as .docx",
    ),
    "import.bad_docx": (
        "无法读取该 .docx 文件：{problem}。请在 Word 中打开并另存为 .docx",
        "cannot read this .docx file: {problem}. Open it in Word and save it again as .docx",
    ),
    "import.zip_bomb": (
        "该 .docx 解压后过大（{size} 字节，上限 {limit} 字节），已拒绝：请检查文件来源",
        "this .docx unpacks to too much ({size} bytes, limit {limit}) and is refused: check "
        "where the file came from",
    ),
    "import.binary": (
        "无法识别文件的文字编码（可能不是文本文件）：请另存为 UTF-8 或 GB18030 文本",
        "cannot tell the text encoding (this may not be a text file): save it as UTF-8 or "
        "GB18030 text",
    ),
    "import.no_text": (
        "文件中没有中文文字：请确认这是通报的正文",
        "the file holds no Chinese text: check that it is the report's text",
    ),
    "import.no_article": (
        "网页中找不到正文：请保存通报正文所在的页面（“网页，全部”或“仅 HTML”）",
        "no article text in the web page: save the page that holds the report's text",
    ),
    "import.no_structure": (
        "没有找到任何编号的标题（一、（一）1. 等）：无法识别通报的结构，未写入任何文件",
        "no numbered heading (一、, （一）, 1. …) was found: the report's structure cannot be "
        "recognised, nothing was written",
    ),
    "import.exists": (
        "通报目录已存在：如需覆盖请加 --force（只改写 report.yaml、figures.yaml 和 parts/ 中的"
        "各部分，其他文件和台账、附件、发布信息均保留）",
        "the report folder exists: pass --force to replace it (only report.yaml, figures.yaml "
        "and the parts are rewritten; every other file, the ledger, attachments and "
        "publication data are kept)",
    ),
    "import.bad_utf8": (
        "文件以 UTF-8 标记（BOM）开头，但第 {offset} 字节起不是有效的 UTF-8：请用编辑器另存为 "
        "UTF-8 文本",
        "the file starts with a UTF-8 byte order mark but is not valid UTF-8 from byte "
        "{offset}: save it again as UTF-8 text",
    ),
    "import.too_much_text": (
        "文件中的文字超过 {limit} 个字符，远多于一份通报：已停止读取，未写入任何文件",
        "the document holds more than {limit} characters of text, far more than a report: "
        "reading stopped, nothing written",
    ),
    "import.file_too_large": (
        "导入后 {file} 将有 {size} 字节，超过内容文件的上限 {limit} 字节（一份通报全文约 30 KB）："
        "未写入任何文件；请检查是否选错了文档，或把它分成几份通报导入",
        "imported, {file} would hold {size} bytes, over the limit of {limit} bytes a content "
        "file may hold (a whole report is about 30 KB): nothing written; check it is the "
        "right document, or import it as several reports",
    ),
    "import.table": (
        "表格（{rows} 行 × {cols} 列，{cells} 个非空单元格，“{text}…”）已按行写作段落，各格以“｜”"
        "分隔：请核对",
        "a table ({rows} rows × {cols} columns, {cells} cells with text, “{text}…”) is "
        "written as a paragraph a row, cells divided by “｜”: check it",
    ),
    "import.image": (
        "图片“{name}”不能作为正文导入：已另存为附件（attachments/）并列入 report.yaml 的 "
        "attachments，请核对其标题",
        "the picture “{name}” cannot be imported as text: it is saved as an attachment "
        "(attachments/) and listed under attachments in report.yaml; check its title",
    ),
    "import.image_type": (
        "图片“{name}”的格式不是 PNG 或 JPEG，未能保存：请另存为附件并手动列出",
        "the picture “{name}” is neither PNG nor JPEG and was not saved: save it as an "
        "attachment and list it by hand",
    ),
    "import.folder_not_dir": (
        "通报目录是符号链接或不是文件夹，已拒绝：导入只写入 content/<编号>/ 之内",
        "the report folder is a symlink or not a folder and is refused: import writes only "
        "inside content/<id>/",
    ),
    "import.outside": (
        "要写入的位置 {path} 在通报目录之外，已拒绝，未写入任何文件",
        "the place to write, {path}, lies outside the report folder: refused, nothing written",
    ),
    "import.symlink_inside": (
        "通报目录中的 {paths} 是符号链接或类型不符，已拒绝，未写入任何文件：请先移走它们",
        "{paths} in the report folder is a symlink or of the wrong kind: refused, nothing "
        "written; move it away first",
    ),
    "import.would_lose": (
        "--force 会覆盖不是由导入写入的文件：{paths}。未写入任何文件：请先移走或改名",
        "--force would overwrite files that import did not write: {paths}. Nothing was "
        "written: move or rename them first",
    ),
    "import.kept_unlisted": (
        "新导入的通报不再引用此文件，已保留：如不再需要请手动删除",
        "the newly imported report no longer refers to this file; it is kept: delete it "
        "by hand if it is not needed",
    ),
    "import.id_needed": (
        "文件名不是 ASCII，无法作为网址：请用 --id 指定通报编号（如 --id report-2）",
        "the file name is not ASCII and cannot be a URL: name the report with --id (such as "
        "--id report-2)",
    ),
    "import.unplaced": (
        "无法归入结构的段落，已作为不编号段落保留在原位：“{text}…”",
        "a paragraph that could not be placed is kept as an unnumbered paragraph where it "
        "stood: “{text}…”",
    ),
    "import.numbering_skips": (
        "编号不连续：“{number}”处应为第 {expected} 个（“{text}…”）；导入后按顺序重新编号",
        "numbering skips: “{number}” should be number {expected} (“{text}…”); it is "
        "numbered in order after import",
    ),
    "import.style_differs": (
        "本级编号样式“{style}”与前文同级的“{expected}”不同：导入后统一为“{expected}”",
        "numbering style “{style}” differs from “{expected}” used at this level before: "
        "it becomes “{expected}”",
    ),
    "import.annex": (
        "附件说明“{text}…”已作为不编号段落保留：请把附件文件放入 attachments/ 并在 "
        "report.yaml 的 attachments 中列出",
        "the attachment note “{text}…” is kept as an unnumbered paragraph: put the files in "
        "attachments/ and list them under attachments in report.yaml",
    ),
    "import.no_title": (
        "没有找到标题（关于……的通报）：请在 report.yaml 中填写 title",
        "no title (关于……的通报) was found: fill in title in report.yaml",
    ),
    "import.no_issuer": (
        "没有找到发布机关（如 中共××委员会）：请在 report.yaml 中填写 issuer",
        "no issuer (such as 中共××委员会) was found: fill in issuer in report.yaml",
    ),
    "import.rate_unmatched": (
        "百分比 {value} 与前面统计数字的完成比例不符，按原文保留：请核对",
        "the percentage {value} is not the done share of the figure before it and stays as "
        "text: check it",
    ),
    "import.status_ambiguous": (
        "状态“{status}”是否算作完成不明确，已按未完成导入：请核对 figures.yaml 中它的 done",
        "whether the status '{status}' counts as done is unclear; imported as not done: "
        "check its done in figures.yaml",
    ),
    "import.figure_unlabelled": (
        "统计数字 {value} 找不到名称，按原文保留",
        "the figure {value} has no label and stays as text",
    ),
    "import.level": ("第 {depth} 级（{style}）：{count} 个", "level {depth} ({style}): {count}"),
    "import.roles": (
        "问题大类 {category} 个，方面 {aspect} 个，具体问题 {problem} 个，整改措施 {measure} 个，"
        "不编号段落 {unnumbered} 个",
        "categories {category}, aspects {aspect}, problems {problem}, measures {measure}, "
        "unnumbered paragraphs {unnumbered}",
    ),
    "import.written": ("已写入 {folder}", "wrote {folder}"),
    "prose.unregistered_number": (
        "“{written}”像是统计数字，但未登记在 figures.yaml：请登记，或标为正文",
        "“{written}” looks like a statistic but is not declared in figures.yaml: declare it, "
        "or mark it as plain text",
    ),
    "import.draft": (
        "已写为草稿（draft: true），不会发布：请用 rectify-site serve 打开导入审核页逐项核对，"
        "确认无误后改为 draft: false",
        "written as a draft (draft: true), not published: review it on the import review "
        "page of rectify-site serve, then set draft: false",
    ),
    "import.review_copy": (
        "原文已留存于 {path}（缓存，不发布）：rectify-site serve 的 /__rectify__/review/ "
        "并列显示原文与导入结果",
        "the source is kept in {path} (the cache, never published): rectify-site serve shows "
        "it beside the result at /__rectify__/review/",
    ),
    "import.redrafted": (
        "导入改变了{what}：通报重新标为草稿（draft: true），请审核后再发布",
        "the import changed {what}: the report is a draft again (draft: true); review it "
        "before publishing",
    ),
    "import.checked": ("检查通过", "check passed"),
    "import.check_failed": (
        "已写入，但未通过检查（{count} 个错误）：请按上面的提示修改后运行 rectify-site check",
        "written, but it does not pass check ({count} error(s)): fix what is listed above, "
        "then run rectify-site check",
    ),
    "export.unknown_report": (
        "没有编号为“{value}”的通报：可选 {choices}",
        "no report with id '{value}': choose one of {choices}",
    ),
    "export.written": ("已导出 {path}", "wrote {path}"),
    "export.no_folder": (
        "输出文件所在的目录不存在：{folder}。请先创建该目录或换一个 --out",
        "the folder of the output file does not exist: {folder}. Create it or choose another --out",
    ),
    "tool.failed": (
        "工具 {tool} 运行失败：{problem}",
        "the tool {tool} failed: {problem}",
    ),
    # the ledger (ledger.xlsx): rows and columns as Excel numbers them
    "ledger.not_xlsx": (
        "不是有效的 Excel 工作簿（.xlsx）：请在 Excel 中另存为“Excel 工作簿”",
        "not a valid Excel workbook (.xlsx): save it from Excel as an Excel Workbook",
    ),
    "ledger.not_xlsx_detail": (
        "无法读取该 Excel 工作簿（{problem}）：请在 Excel 中打开后另存为“Excel 工作簿”",
        "cannot read the Excel workbook ({problem}): open it in Excel and save it again",
    ),
    "ledger.too_large_unpacked": (
        "解压后过大（{size} 字节，上限 {limit} 字节）：拒绝读取，请检查是否放错文件",
        "unpacks to too much ({size} bytes, limit {limit}): refused; check it is the right file",
    ),
    "ledger.unknown_header": (
        "未知的列名“{name}”，该列不读取：可用的列名为 {known}",
        "unknown column '{name}', not read: the columns are {known}",
    ),
    "ledger.duplicate_header": (
        "列名“{name}”重复（第一次在第 {first} 列）：请删除或改名其中一列",
        "column '{name}' appears twice (first in column {first}): remove or rename one",
    ),
    "ledger.missing_header": (
        "缺少“{name}”列：请在第 1 行加上该列名",
        "the column '{name}' is missing: add it to row 1",
    ),
    "ledger.required": ("不能为空：请填写{name}", "must not be empty: fill in {name}"),
    "ledger.duplicate_number": (
        "序号“{value}”重复（第一次在第 {first} 行）：每个问题的序号须唯一",
        "number '{value}' is used twice (first in row {first}): each problem needs its own",
    ),
    "ledger.unknown_aspect": (
        "未找到方面“{value}”：请填写报告中方面的标识（id）或标题",
        "no aspect '{value}': write the id or the heading of one of the report's aspects",
    ),
    "ledger.unknown_status": ("未定义的状态“{value}”", "undefined status '{value}'"),
    "ledger.bad_date": (
        "“{value}”不是日期：请填写 Excel 日期、2024-06-30 或 2024年6月30日",
        "'{value}' is not a date: use an Excel date, 2024-06-30 or 2024年6月30日",
    ),
    "ledger.merge_shape": (
        "合并单元格 {range} 跨越多列或包含表头：只能在同一列内向下合并",
        "merged range {range} spans several columns or the header: merge down one column only",
    ),
    "ledger.merge_measure": (
        "合并单元格 {range} 合并了多行整改措施：每条整改措施占一行，请取消合并",
        "merged range {range} joins several measures: one measure a row, unmerge it",
    ),
    "ledger.merge_misaligned": (
        "合并单元格 {range} 与该问题的整改措施（第 {first} 至 {last} 行）不对齐："
        "请合并该问题的全部行",
        "merged range {range} does not line up with the problem's measures (rows {first} to "
        "{last}): merge all of the problem's rows",
    ),
    "ledger.merge_overlap": (
        "合并单元格 {range} 与 {other} 重叠：请取消其中一个合并",
        "merged range {range} overlaps {other}: unmerge one of them",
    ),
    "ledger.bad_number": (
        "序号“{value}”中的“{char}”是上标、下标或分数（如脚注标记），不是序号："
        "请写作 1、2、3 或 ①、②、③",
        "number '{value}' holds '{char}', a superscript, subscript or fraction (a footnote "
        "mark, say), not a sequence number: write 1, 2, 3 or ①, ②, ③",
    ),
    "ledger.no_published_column": (
        "公开的列（{columns}）在台账中都没有：请写台账中有的列，如 序号、具体问题、整改措施",
        "none of the columns to publish ({columns}) is in the ledger: name columns it has, "
        "such as 序号 or 整改措施",
    ),
    "ledger.problem_done_early": (
        "问题状态为“{status}”，但第 {measure_row} 行的整改措施尚未完成（{measure_status}）：请核对",
        "the problem is '{status}' but the measure in row {measure_row} is not done "
        "({measure_status}): check the statuses",
    ),
    "ledger.overdue": (
        "整改措施已逾期：完成时限为 {deadline}，截至 {as_of} 仍为“{status}”",
        "measure overdue: deadline {deadline}, still '{status}' on {as_of}",
    ),
    "ledger.no_done_date": (
        "整改措施已完成，但未填写完成日期：请补上",
        "measure completed without a completion date: fill it in",
    ),
    "ledger.exists": (
        "文件已存在，不会覆盖：请用 --out 指定新的文件名",
        "the file exists and is not overwritten: name a new file with --out",
    ),
    # the command line (commands/): argparse's own words, each command's and option's help
    "cli.description": (
        "巡视巡察整改进展情况通报的静态网站生成器",
        "a static site generator for rectification reports (巡视整改进展情况的通报)",
    ),
    "cli.usage": ("用法：", "usage: "),
    "cli.positionals": ("位置参数", "positional arguments"),
    "cli.options": ("选项", "options"),
    "cli.commands": ("命令", "commands"),
    "cli.help": ("显示本帮助并退出", "show this help and exit"),
    "cli.version": ("显示版本号并退出", "show the version and exit"),
    "cli.lang": (
        "提示信息和帮助的语言（默认：zh）",
        "language of messages and help (default: zh)",
    ),
    "cli.content": (
        "内容目录，每份通报一个文件夹（默认：content）",
        "collection root, one folder per report (default: content)",
    ),
    "cli.content.short": ("内容目录（默认：content）", "collection root (default: content)"),
    "cli.templates": (
        "主题目录，可只放要改动的模板，其余取自内置主题（默认：content 旁的 templates）",
        "theme folder; it may hold only the templates it changes, the rest come from "
        "the built-in theme (default: templates/ beside content/)",
    ),
    "cli.quiet": (
        "不显示进度（不在终端时本就不显示）",
        "show no progress (never shown off a terminal)",
    ),
    "cli.build": ("生成网站", "build the site"),
    "cli.build.out": ("输出目录（默认：_site）", "output folder (default: _site)"),
    "cli.build.base_url": ("网站发布地址（绝对网址）", "absolute URL the site is published at"),
    "cli.build.no_search": (
        "不生成 Pagefind 搜索索引（更快）",
        "skip the Pagefind search index (faster)",
    ),
    "cli.build.no_compress": (
        "不为超过 1 KB 的文本文件另写 .gz 和 .br 副本",
        "do not write .gz and .br copies of text files over 1 KB",
    ),
    "cli.build.verify": (
        "核对输出目录中每个文件的内容，而不只是大小或时间有变的文件",
        "hash every file already in the output, not only those whose size or time changed",
    ),
    "cli.check": (
        "检查内容及其生成的网站，不写入任何文件",
        "validate content and the site it makes; writes nothing",
    ),
    "cli.check.format": (
        "输出格式：text（路径、行、列和说明）、json 或 github（GitHub Actions 注解）",
        "text (path:line:col: …), json, or github (workflow annotations)",
    ),
    "cli.check.strict": ("警告也算不通过", "warnings fail the check too"),
    "cli.check.no_html_check": (
        "跳过 Nu HTML Checker（更快；CI 不应使用）",
        "skip the Nu HTML Checker (faster; CI should not use this)",
    ),
    "cli.check.as_of": (
        "检查台账整改时限所依据的日期（默认：SOURCE_DATE_EPOCH 的日期，否则为今天）",
        "the day ledger deadlines are checked against (default: SOURCE_DATE_EPOCH, else today)",
    ),
    "cli.ledger": ("通报的整改台账（ledger.xlsx）", "the ledger (ledger.xlsx) of a report"),
    "cli.ledger.template": (
        "生成一份空白 ledger.xlsx，列好通报的各方面和状态",
        "write an empty ledger.xlsx with the report's aspects and statuses",
    ),
    "cli.ledger.report": (
        "通报编号（content 下的文件夹名）",
        "report id (its folder under content/)",
    ),
    "cli.ledger.out": (
        "要写入的文件（默认：ledger-<通报编号>.xlsx）",
        "file to write (default: ledger-<report>.xlsx)",
    ),
    "cli.serve": (
        "编辑时预览，保存即刷新（显示草稿）",
        "preview with live reload while editing (drafts shown)",
    ),
    "cli.serve.host": (
        "监听地址（默认：127.0.0.1，仅本机可访问）",
        "address to listen on (default: 127.0.0.1, this machine only)",
    ),
    "cli.serve.port": (
        "端口（默认：8000；0 表示自动选择）",
        "port (default: 8000; 0 picks a free one)",
    ),
    "cli.serve.no_search": ("不更新搜索索引", "do not refresh the search index"),
    "cli.serve.allow_host": (
        "除 localhost 外，预览还可通过的主机名（可重复）",
        "a host name the preview may be reached by, besides localhost (repeatable)",
    ),
    "cli.pdf": ("用 Chromium 把通报打印为 A4 PDF", "print a report to an A4 PDF through Chromium"),
    "cli.pdf.report": ("通报编号（默认：唯一的那份通报）", "report id (default: the only one)"),
    "cli.pdf.out": ("PDF 文件（默认：<通报编号>.pdf）", "PDF file (default: <report-id>.pdf)"),
    "cli.import": (
        "从 Word 文档、文本或网页导入为一份已检查的通报",
        "a Word document, text or saved web page -> one checked report folder",
    ),
    "cli.import.source": (".docx、.txt、.html 或 .htm", ".docx, .txt, .html or .htm"),
    "cli.import.id": ("通报编号（文件夹名）", "report id (the folder name)"),
    "cli.import.force": (
        "替换已有的通报文件夹（保留其中的 ledger.xlsx 和 attachments/）",
        "replace an existing report folder (its ledger.xlsx and attachments/ are kept)",
    ),
    "cli.export": (
        "把通报导出为上报用的文档",
        "write a report as the document an office sends upward",
    ),
    "cli.export.report": ("通报编号", "report id"),
    "cli.export.to": ("docx 或 txt", "docx or txt"),
    "cli.export.out": (
        "输出文件（默认：<通报编号>.<格式>）",
        "file (default: <report-id>.<to>)",
    ),
    "cli.schema": (
        "写出每类内容文件的 JSON Schema",
        "write the JSON Schema of each content file kind",
    ),
    "cli.schema.out": ("输出目录（默认：schemas）", "folder to write (default: schemas)"),
    "cli.new": ("新建网站或通报的骨架", "start a new site or report from a skeleton"),
    "cli.new.what": ("新建", "what to start"),
    "cli.new.site": (
        "新建网站：content/（含 site.yaml 和一份通报骨架）、schemas/ 和 .gitignore",
        "a new site: content/ (site.yaml and one report skeleton), schemas/, .gitignore",
    ),
    "cli.new.site.dir": ("新网站的文件夹", "the new site's folder"),
    "cli.new.site.report": ("通报编号（默认：report-1）", "the report's id (default: report-1)"),
    "cli.new.report": (
        "新建一份通报：每个文件带 schema 行和逐项说明，以草稿开始",
        "a new report: each file with its schema line and a comment per field; a draft",
    ),
    "cli.new.report.id": (
        "通报编号，即网址：小写字母、数字和连字符",
        "the report's id, its URL: a-z, 0-9 and -",
    ),
    "cli.new.report.kind": (
        "巡视或巡察（默认：巡视）：页面上的固定用语随之",
        "巡视 or 巡察 (default: 巡视): the fixed words of the pages follow it",
    ),
    "cli.new.report.content": (
        "内容目录（默认：content）",
        "the content folder (default: content)",
    ),
    "cli.new.report.from": (
        "从 Word 文档、文本或网页导入",
        "import from a Word document, text or web page",
    ),
    "cli.completion": (
        "输出 shell 自动补全脚本（bash 或 zsh）",
        "print a shell completion script (bash or zsh)",
    ),
    "cli.completion.description": (
        "输出 shell 自动补全脚本。bash：在 ~/.bashrc 中加入 "
        'eval "$(rectify-site completion bash)"；zsh：把 rectify-site completion zsh '
        "的输出存为 fpath 中的 _rectify-site",
        "print a shell completion script. bash: add "
        'eval "$(rectify-site completion bash)" to ~/.bashrc; zsh: save the output of '
        "rectify-site completion zsh as _rectify-site in a folder on your fpath",
    ),
    "cli.completion.shell": ("shell 的种类", "the shell"),
    # what the commands print when they are done
    "cli.errors": ("共 {errors} 个错误", "{errors} error(s)"),
    "cli.built": (
        "已构建 {reports} 份通报到 {out}："
        "写入 {written} 个文件，未变 {unchanged} 个，删除 {removed} 个",
        "built {reports} report(s) into {out}: {written} written, {unchanged} unchanged, "
        "{removed} removed",
    ),
    "cli.drafts_left_out": (
        "另有 {count} 份草稿未发布：{ids}",
        "{count} draft(s) not published: {ids}",
    ),
    "cli.hint": ("提示：{message}", "hint: {message}"),
    "cli.built_when_interrupted": (
        "rectify-site：中断信号到达时新站点已写好，已完整发布",
        "rectify-site: interrupted after the new site was complete; it is in place",
    ),
    "cli.checked": ("检查完毕：没有错误", "checked: no errors"),
    "cli.checked_findings": (
        "检查完毕：{errors} 个错误，{warnings} 个警告",
        "checked: {errors} error(s), {warnings} warning(s)",
    ),
    "cli.created": (
        "已创建 {report}（草稿）：把每个【未填写】换成原文内容；预览：{preview}",
        "created {report} (a draft); fill in each placeholder 未填写 and preview: {preview}",
    ),
    "cli.schemas_written": (
        "已写入 {out}：{total} 个 JSON Schema，其中 {changed} 个有变化",
        "wrote {changed} of {total} schema(s) into {out}",
    ),
    "cli.written": ("已生成 {path}", "wrote {path}"),
}


YAML_PROBLEMS: tuple[tuple[str, str, str], ...] = (
    # (a pattern of "<context> | <problem>" as the parser words it, 中文, English), first
    # match wins; libyaml's words first, then the pure-Python parser's where they differ
    (
        r"found unexpected end of stream",
        "文件在引号或括号闭合之前就结束了：请补上配对的引号或括号",
        "the file ends before a quote or bracket is closed: close it",
    ),
    (
        r"mapping values are not allowed",
        "此处不能出现“: ”：值里有英文冒号时请给整个值加引号，或检查这一行和上一行的缩进",
        "': ' is not allowed here; quote a value that holds a colon, or check the "
        "indentation of this line and the one above",
    ),
    (
        r"block mapping \| (did not find expected key|expected <block end>)",
        "这一行的缩进与同级的键不一致",
        "this line is not indented like the keys beside it",
    ),
    (
        r"block collection \| (did not find expected '-' indicator|expected <block end>)",
        "列表中混入了不以“- ”开头的行，或缩进不一致",
        "a list holds a line that does not start with '- ', or is indented differently",
    ),
    (
        r"expected ',' or '\]'",
        "方括号“[ ]”没有闭合，或两项之间缺少英文逗号",
        "a bracket [ ] is not closed, or a comma is missing between two entries",
    ),
    (
        r"expected ',' or '\}'",
        "花括号“{ }”没有闭合，或两项之间缺少英文逗号",
        "a brace { } is not closed, or a comma is missing between two entries",
    ),
    (
        r"could not find expected ':'",
        "缺少“: ”（键和值之间要有英文冒号和空格）",
        "a ': ' is missing between a key and its value",
    ),
    (
        r"but found another document",
        "一个文件只能有一个 YAML 文档：请删除多余的“---”行",
        "a file holds one YAML document: remove the extra '---' line",
    ),
    (
        r"cannot start any token",
        "值不能以 @、` 等符号开头：请给整个值加引号",
        "a value cannot start with @, ` and the like: quote the whole value",
    ),
    (
        r"did not find expected node content|expected the node content",
        "此处缺少内容：逗号、冒号或“- ”后面应有值，或多了“]”“}”",
        "something is missing here: a value after a comma, colon or '- ', or there is a "
        "stray ] or }",
    ),
    (
        r"sequence entries are not allowed",
        "此处不能以“- ”开始列表：列表请写在键的下一行，并多缩进两格",
        "a list cannot start here: write it on the line below its key, indented",
    ),
    (
        r"mapping keys are not allowed",
        "此处不能出现“? ”：值以问号开头时请给整个值加引号",
        "'? ' is not allowed here: quote a value that starts with a question mark",
    ),
    (
        r"found a tab character",
        "不能用制表符（Tab）缩进：请改用空格",
        "indentation cannot use tabs: use spaces",
    ),
    (
        r"found unexpected document (indicator|separator)",
        "引号里出现了单独成行的“---”或“...”：请检查引号是否闭合",
        "a line of '---' or '...' inside quotes: check that the quote is closed",
    ),
    (
        r"unknown escape character",
        "双引号里的反斜杠“\\”后是无法识别的转义：反斜杠本身请写作“\\\\”，或改用单引号",
        "a backslash inside double quotes starts an unknown escape: write \\\\ for a "
        "backslash, or use single quotes",
    ),
    (
        r"invalid Unicode character escape code",
        "双引号里的 \\u 或 \\U 转义不是有效的字符",
        "a \\u or \\U escape inside double quotes is not a valid character",
    ),
    (
        r"directive|incompatible YAML document|duplicate tag handle|<document start>",
        "以“%”开头的行是 YAML 指令，内容文件用不到：请删除该行；值以 % 开头时请给整个值加引号",
        "a line starting with % is a YAML directive, which content files do not use: remove "
        "it, or quote a value that starts with %",
    ),
    (
        r"undefined tag handle|tag \||tag URI|expected URI|URI escape|the expected '>'|"
        r"expected '>'|scanning a tag",
        "以“!”开头的值会被当作 YAML 标签：请给整个值加引号",
        "a value that starts with ! is read as a YAML tag: quote the whole value",
    ),
    (
        r"hexdecimal number|hexadecimal numbers",
        "双引号里的 \\x、\\u 或 \\U 后应是十六进制数字",
        "\\x, \\u or \\U inside double quotes must be followed by hexadecimal digits",
    ),
    (
        r"indentation indicator",
        "“|”或“>”后的缩进数字须在 1 到 9 之间",
        "the indentation number after | or > must be 1 to 9",
    ),
    (
        r"block scalar \|",
        "“|”或“>”之后只能写 +、- 或 1 到 9 的数字和注释，正文从下一行起",
        "after | or > only +, -, a digit 1 to 9 and a comment may follow; the text starts on "
        "the next line",
    ),
    (
        r"duplicate anchor",
        "同一个锚点名（&）用了两次：请删除锚点，直接写出内容",
        "an anchor name (&) is used twice: remove the anchors and write the content out",
    ),
    (
        r"anchor \||alias \|",
        "“&”或“*”后应是锚点或别名的名字；值以 & 或 * 开头时请给整个值加引号",
        "& or * must be followed by a name; quote a value that starts with & or *",
    ),
    (
        r"found unexpected ':'",
        "此处不能出现“:”：请给整个值加引号",
        "':' is not allowed here: quote the whole value",
    ),
    (
        r"UTF-8|UTF-16|surrogate|Unicode character|control characters|special characters|"
        r"unacceptable character|input is too long",
        "文件中有无法读取的字符：请删除该字符，并以 UTF-8 编码保存",
        "the file holds a character that cannot be read: remove it and save as UTF-8",
    ),
    (
        r"STREAM|DOCUMENT-|<stream-start>|SCALAR, SEQUENCE-START",
        "文件的结构无法读取：请检查缩进、冒号和引号",
        "the structure of the file cannot be read",
    ),
)
"""Every problem the YAML parser can raise (libyaml's scanner, parser and reader, and the
pure-Python fallback's), in words an editor can act on; tests/test_messages.py triggers
each. The Chinese never repeats the parser's English; ``--lang en`` keeps it in brackets."""

YAML_UNKNOWN = "无法识别的写法"
"""The Chinese for a problem the catalogue does not know (the English is the parser's)."""


def yaml_problem(context: str | None, problem: str | None) -> tuple[str, str]:
    """The parser's problem as (中文, English), from ``YAML_PROBLEMS``."""
    import re

    original = (problem or context or "").strip()
    said = f"{context or ''} | {problem or ''}"
    for pattern, zh, en in YAML_PROBLEMS:
        if re.search(pattern, said):
            return zh, f"{en} ({original})"
    return YAML_UNKNOWN, original


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
